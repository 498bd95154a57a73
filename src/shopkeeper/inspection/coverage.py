"""The days a store's data covers, and what an inspection does with a day outside them.

A day before the first order day, or more than ``GRACE_DAYS`` after the last one, is refused
(:class:`~shopkeeper.errors.DateOutOfRange`, naming the range). A day within ``GRACE_DAYS`` after the
last one is inspected *as of the last data day* and reported with one ``data_gap`` finding naming
the tables and the days without data: the missing days are unknown, not days without sales or
shipments, so no rule reads them as problems and nothing is marked resolved.

>>> rng = DataRange(first=dt.date(2026, 5, 25), last=dt.date(2026, 11, 20))
>>> check_day(rng, dt.date(2026, 11, 27), "demo", "en")
>>> check_day(rng, dt.date(2026, 11, 28), "demo", "en")
Traceback (most recent call last):
...
shopkeeper.errors.DateOutOfRange: store 'demo' has data from 2026-05-25 to 2026-11-20: 2026-11-28 is outside it; pick a day in that range (or up to 7 days after it)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shopkeeper.errors import DateOutOfRange
from shopkeeper.inspection.models import Entity, Finding
from shopkeeper.store.coverage import Gap, Stop, day_range
from shopkeeper.store.day_counts import DAILY_TABLES
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.text import Lang, pick

GRACE_DAYS = 7
"""Days after the last data day that may still be inspected (reported as a ``data_gap``)."""


@dataclass(frozen=True)
class DataRange:
    """The first and last order day of a store (store-local days)."""

    first: dt.date
    last: dt.date


def data_range(wh: Warehouse) -> DataRange | None:
    """The days the store's orders cover; ``None`` for a store without orders."""
    first, last = day_range(wh.con, "orders")
    if first is None or last is None:
        return None
    return DataRange(first=first, last=last)


def check_day(rng: DataRange, day: dt.date, store: str, lang: Lang) -> None:
    """Refuse a day before the data or more than ``GRACE_DAYS`` after it, naming the range."""
    if rng.first <= day <= rng.last + dt.timedelta(days=GRACE_DAYS):
        return
    message = pick(
        lang,
        f"店铺 {store!r} 的数据覆盖 {rng.first} 至 {rng.last}，{day} 不在其中："
        f"请选择这个范围内（或其后 {GRACE_DAYS} 天内）的日期",
        f"store {store!r} has data from {rng.first} to {rng.last}: {day} is outside it; "
        f"pick a day in that range (or up to {GRACE_DAYS} days after it)",
    )
    raise DateOutOfRange(message, asked=day, first=rng.first, last=rng.last)


def table_last_days(wh: Warehouse) -> dict[str, dt.date]:
    """The last day of each daily table that holds data."""
    out: dict[str, dt.date] = {}
    for name in DAILY_TABLES:
        last = day_range(wh.con, name)[1]
        if last is not None:
            out[name] = last
    return out


def data_gap_finding(
    *,
    store: str,
    store_name: str | None,
    asked: dt.date,
    last: dt.date,
    last_days: dict[str, dt.date],
    checks: list[str],
    lang: Lang,
) -> Finding:
    """The ``data_gap`` finding of an inspection asked for ``asked``, past the last data day."""
    start = last + dt.timedelta(days=1)
    days = (asked - last).days
    gaps = {
        t: {
            "last_day": d.isoformat(),
            "missing_from": (d + dt.timedelta(days=1)).isoformat(),
            "missing_to": asked.isoformat(),
        }
        for t, d in sorted(last_days.items())
        if d < asked
    }
    zh = lang == "zh"
    span = f"{start}" if days == 1 else f"{start} 至 {asked}" if zh else f"{start} to {asked}"
    title = (
        f"{span} 没有数据（最后数据日 {last}），本次巡店按 {last} 进行"
        if zh
        else f"No data for {span} (last data day {last}): inspected as of {last}"
    )
    recommendation = (
        f"导入 {last} 之后的数据（{'、'.join(gaps)}）后再巡店；在此之前，这些天的销量、流量和发货"
        "是未知的，不是 0，也不能据此判断问题已解决"
        if zh
        else f"Import the data after {last} ({', '.join(gaps)}) and inspect again; until then "
        "sales, traffic and shipping on those days are unknown, not zero, and no problem can be "
        "judged resolved"
    )
    return Finding.make(
        kind="data_gap",
        as_of=asked,
        severity="medium",
        entity=Entity(type="store", id=store, name=store_name),
        title=title,
        evidence={
            "asked_day": asked.isoformat(),
            "last_data_day": last.isoformat(),
            "days_without_data": days,
            "tables": gaps,
            "inspected_as_of": last.isoformat(),
            "affects": checks,
        },
        recommendation=recommendation,
    )


RECENT_DAYS = 28
"""A check whose table has a gap within this many days up to the inspected day does not run."""
WINDOW_DAYS = 90
"""Gaps within this many days up to the inspected day are reported."""
FIGURES: dict[str, tuple[str, str]] = {
    "refunds": ("退款率、退款金额", "refund rate and refund amounts"),
    "traffic": ("访客、转化率", "visitors and conversion"),
    "search_terms": ("搜索词表现", "search-term figures"),
    "ad_campaigns": ("推广花费、ROI", "ad spend and ROI"),
    "reviews": ("评分、差评", "ratings and low ratings"),
    "messages": ("咨询量", "customer chats"),
    "competitors": ("竞品流失", "competitor losses"),
    "creative_stats": ("素材表现", "creative figures"),
}
"""The figures each table feeds, for the ``data_gap`` text."""
_KIND_TEXT = {
    "stops": ("数据止于 {last}（{a} 至 {b} 没有）", "data ends on {last} (none from {a} to {b})"),
    "starts_late": ("数据从 {next} 才开始", "data starts only on {next}"),
    "hole": ("{a} 至 {b} 没有数据", "no data from {a} to {b}"),
}


def stale_tables(gaps: list[Gap], day: dt.date) -> set[str]:
    """Tables with a gap within ``RECENT_DAYS`` up to ``day``: the checks needing them do not run."""
    start = day - dt.timedelta(days=RECENT_DAYS - 1)
    return {g.table for g in gaps if g.overlaps(start, day)}


def coverage_finding(
    *,
    store: str,
    store_name: str | None,
    day: dt.date,
    stop: Stop | None,
    gaps: list[Gap],
    affects: dict[str, list[str]],
    lang: Lang,
) -> Finding | None:
    """The ``data_gap`` finding of a store that stopped trading or whose tables miss days."""
    start = day - dt.timedelta(days=WINDOW_DAYS - 1)
    shown = [g for g in gaps if g.overlaps(start, day)]
    if stop is not None and day < stop.last_trading:
        stop = None  # the store was still trading on the day inspected
    if stop is None and not shown:
        return None
    parts_zh: list[str] = []
    parts_en: list[str] = []
    if stop is not None:
        span = (stop.last_order - stop.last_trading).days
        parts_zh.append(
            f"{stop.last_trading} 之后店铺没有真实成交（其后 {span} 天仅 {stop.orders_after} 笔零星订单）"
        )
        parts_en.append(
            f"no real trading after {stop.last_trading} (only {stop.orders_after} stray orders "
            f"in the {span} days after it)"
        )
    for g in shown:
        zh, en = _KIND_TEXT[g.kind]
        a, b = g.start, min(g.end, day)
        marks = {"a": a, "b": b, "last": a - dt.timedelta(days=1), "next": b + dt.timedelta(days=1)}
        what_zh, what_en = FIGURES.get(g.table, (g.table, g.table))
        parts_zh.append(f"{g.table} {zh.format(**marks)}，这段时间的{what_zh}未知（不是 0）")
        parts_en.append(f"{g.table}: {en.format(**marks)}, so {what_en} are unknown there (not 0)")
    tables = sorted({g.table for g in shown})
    checks = sorted({k for t in tables for k in affects.get(t, [])})
    evidence: dict[str, Any] = {
        "inspected_as_of": day.isoformat(),
        "tables": {
            g.table: {
                "gap": g.kind,
                "missing_from": g.start.isoformat(),
                "missing_to": min(g.end, day).isoformat(),
                "expected_rows": g.expected_rows,
            }
            for g in shown
        },
        "affects": checks,
    }
    if stop is not None:
        evidence["trading_stop"] = {
            "last_trading_day": stop.last_trading.isoformat(),
            "last_order_day": stop.last_order.isoformat(),
            "orders_after": stop.orders_after,
        }
    skip_zh = f"；以下检查本次未运行：{'、'.join(checks)}" if checks else ""
    skip_en = f"; these checks did not run: {', '.join(checks)}" if checks else ""
    return Finding.make(
        kind="data_gap",
        as_of=day,
        severity="medium",
        entity=Entity(type="store", id=store, name=store_name),
        title=pick(lang, "数据缺口：" + "；".join(parts_zh), "Data gap: " + "; ".join(parts_en)),
        evidence=evidence,
        recommendation=pick(
            lang,
            f"补齐缺失的数据（{'、'.join(tables) or 'orders'}）后再看这些数字{skip_zh}",
            f"Import the missing data ({', '.join(tables) or 'orders'}) before reading these "
            f"figures{skip_en}",
        ),
    )
