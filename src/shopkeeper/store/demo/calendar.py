"""The shop's promotions and what they do to each SKU-day: demand uplift, discounts, presale.

Big events come from the locale (618 and 双11 with 定金 presale, 99划算节, 双12...; Memorial
Day, Labor Day, Black Friday...). Around them: weekend 满减 (zh), a storewide new-customer
coupon, a "second item half price" bundle on a few SKUs, and one-day flash sales on a couple of
SKUs every three weeks (never in the last three weeks, which stay clean for detectors).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from shopkeeper.store.demo.catalog import Catalog
from shopkeeper.store.demo.locale import Event, Locale
from shopkeeper.store.demo.rng import BoolArray, FloatArray, IntArray, rng_for
from shopkeeper.store.demo.timeline import Timeline

HANGOVER_DAYS = 4
HANGOVER = 0.9
PRESALE_UPLIFT = 1.7
PRESALE_WAIT = 0.9
DEPOSIT_RATE = 0.2


@dataclass
class Calendar:
    """Per SKU-day and per-day promotion effects, plus the rows of promotions.csv."""

    uplift: FloatArray
    discount: FloatArray
    threshold: IntArray
    off: IntArray
    repeat: BoolArray
    presale: BoolArray
    final_day: IntArray
    """Final-payment day index for presale days (-1 elsewhere; may lie after the window)."""
    peak_hours: BoolArray
    """Days whose orders crowd around midnight (the peak day of a big event)."""
    bundle: BoolArray
    rows: list[dict[str, str]] = field(default_factory=list)


def _new(catalog: Catalog, timeline: Timeline) -> Calendar:
    s, d = catalog.n_skus, timeline.days
    return Calendar(
        uplift=np.ones((s, d)),
        discount=np.zeros((s, d)),
        threshold=np.zeros(d, dtype=np.int64),
        off=np.zeros(d, dtype=np.int64),
        repeat=np.zeros(d, dtype=bool),
        presale=np.zeros((s, d), dtype=bool),
        final_day=np.full(d, -1, dtype=np.int64),
        peak_hours=np.zeros(d, dtype=bool),
        bundle=np.zeros(s, dtype=bool),
    )


def _row(
    cal: Calendar,
    name: str,
    kind: str,
    start: date,
    end: date,
    rule: dict[str, object],
    skus: list[str],
) -> None:
    cal.rows.append(
        {
            "promotion_id": f"P{len(cal.rows) + 1:04d}",
            "name": name,
            "kind": kind,
            "start_at": f"{start.isoformat()} 00:00:00",
            "end_at": f"{end.isoformat()} 23:59:59",
            "rule": json.dumps(rule, ensure_ascii=False),
            "sku_ids": json.dumps(skus, ensure_ascii=False),
        }
    )


def _span(timeline: Timeline, first: date, days: int) -> slice:
    a = max(timeline.index(first), 0)
    b = min(timeline.index(first) + days, timeline.days)
    return slice(a, max(a, b))


def _event_rule(event: Event) -> dict[str, object]:
    rule: dict[str, object] = {}
    if event.discount:
        rule["discount_rate"] = event.discount
    if event.threshold:
        rule |= {"threshold": event.threshold[0], "off": event.threshold[1], "repeat": event.repeat}
    return rule


def _apply_event(
    cal: Calendar,
    event: Event,
    start: date,
    timeline: Timeline,
    presale_skus: IntArray,
    sku_ids: list[str],
) -> None:
    end = start + timedelta(days=event.days - 1)
    main = _span(timeline, start, event.days)
    cal.uplift[:, main] *= event.uplift
    cal.discount[:, main] = np.maximum(cal.discount[:, main], event.discount)
    if event.threshold:
        cal.threshold[main] = event.threshold[0] * 100
        cal.off[main] = event.threshold[1] * 100
        cal.repeat[main] = event.repeat
    for offset, extra in event.peaks:
        i = timeline.index(start) + offset
        if 0 <= i < timeline.days:
            cal.uplift[:, i] *= extra
            cal.peak_hours[i] = extra >= 2.5
    cal.uplift[:, _span(timeline, end + timedelta(days=1), HANGOVER_DAYS)] *= HANGOVER
    if main.stop > main.start:
        _row(cal, event.name, event.kind, start, end, _event_rule(event), [])
    if event.presale_days:
        _apply_presale(cal, event, start, timeline, presale_skus, sku_ids)


def _apply_presale(
    cal: Calendar, event: Event, start: date, timeline: Timeline, skus: IntArray, sku_ids: list[str]
) -> None:
    first = start - timedelta(days=event.presale_days)
    span = _span(timeline, first, event.presale_days)
    if span.stop <= span.start:
        return
    cal.uplift[:, span] *= PRESALE_WAIT
    cal.uplift[skus, span] *= PRESALE_UPLIFT / PRESALE_WAIT
    cal.presale[skus, span] = True
    cal.final_day[span] = timeline.index(start)
    rule = {"deposit_rate": DEPOSIT_RATE, "final_payment_from": f"{start.isoformat()} 00:00:00"}
    name = event.name + ("·定金预售" if _is_zh(event) else " pre-order")
    _row(cal, name, "presale", first, start - timedelta(days=1), rule, [sku_ids[i] for i in skus])


def _is_zh(event: Event) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in event.name)


def _events(
    cal: Calendar,
    locale: Locale,
    category: str,
    catalog: Catalog,
    timeline: Timeline,
    presale_skus: IntArray,
) -> None:
    for year in range(timeline.start.year - 1, timeline.end.year + 2):
        for event in locale.events:
            if event.categories and category not in event.categories:
                continue
            start = event.start(year)
            first = start - timedelta(days=event.presale_days)
            if (
                first <= timeline.end
                and start + timedelta(days=event.days + HANGOVER_DAYS) >= timeline.start
            ):
                _apply_event(cal, event, start, timeline, presale_skus, catalog.sku_id)


def _weekends(cal: Calendar, locale: Locale, timeline: Timeline) -> None:
    if locale.weekend_threshold is None:
        return
    name, thr, off = locale.weekend_threshold
    weekday = timeline.weekday()
    for sat in np.flatnonzero(weekday == 5):
        days = [
            int(i)
            for i in (sat, sat + 1)
            if i < timeline.days and cal.threshold[i] == 0 and cal.discount[0, i] == 0
        ]
        if len(days) < 2:
            continue
        cal.threshold[days] = thr
        cal.off[days] = off
        cal.uplift[:, days] *= 1.03
        _row(
            cal,
            name,
            "threshold",
            timeline.date(days[0]),
            timeline.date(days[-1]),
            {"threshold": thr // 100, "off": off // 100},
            [],
        )


def _flash_and_bundle(
    cal: Calendar, locale: Locale, catalog: Catalog, timeline: Timeline, seed: int
) -> None:
    rng = rng_for(seed, "calendar", "flash")
    rate = catalog.sku_rate()
    top = np.argsort(-rate)[: max(10, catalog.n_skus // 6)]
    top = top[~cal.presale[top].any(axis=1)]
    for day in range(int(rng.integers(3, 10)), timeline.days - 21, 21):
        skus = rng.choice(top, size=2, replace=False)
        cal.uplift[skus, day] *= 3.0
        cal.discount[skus, day] = np.maximum(cal.discount[skus, day], 0.25)
        _row(
            cal,
            locale.flash_name,
            "flash",
            timeline.date(day),
            timeline.date(day),
            {"discount_rate": 0.25},
            [catalog.sku_id[i] for i in skus],
        )
    middle = np.argsort(-rate)[catalog.n_skus // 5 : catalog.n_skus // 2]
    bundle = rng.choice(middle, size=min(4, len(middle)), replace=False)
    cal.bundle[bundle] = True
    _row(
        cal,
        locale.bundle_name,
        "bundle",
        timeline.start,
        timeline.end,
        {"second_item_discount": 0.5},
        [catalog.sku_id[i] for i in bundle],
    )


def presale_skus(catalog: Catalog, presale_lines: BoolArray) -> IntArray:
    """The SKUs that take part in presale: the best sellers of presale-eligible lines (up to 12)."""
    rate = catalog.sku_rate()
    eligible = presale_lines[catalog.line[catalog.sku_listing]]
    ranked = np.argsort(-np.where(eligible, rate, -1.0))
    return np.sort(ranked[: min(12, int(eligible.sum()))])


def build_calendar(
    locale: Locale,
    category: str,
    catalog: Catalog,
    presale: IntArray,
    timeline: Timeline,
    seed: int,
) -> Calendar:
    """All promotions that touch the window, and their effects."""
    cal = _new(catalog, timeline)
    _events(cal, locale, category, catalog, timeline, presale)
    _weekends(cal, locale, timeline)
    _flash_and_bundle(cal, locale, catalog, timeline, seed)
    name, thr, off = locale.coupon
    _row(
        cal,
        name,
        "coupon",
        timeline.start,
        timeline.end,
        {"threshold": thr // 100, "off": off // 100, "new_customers_only": True},
        [],
    )
    return cal
