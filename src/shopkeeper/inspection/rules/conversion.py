"""conversion_drop (product): a listing whose conversion fell clearly below its own normal, over
the shortest window that shows it, against comparable days (promotions and their aftermath apart).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import z_score
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.traffic import recent_days


class ConversionDropSettings(BaseModel):
    """Thresholds of conversion_drop."""

    windows: tuple[int, ...] = Field(
        (3, 5, 7), description="recent windows judged (days up to the inspected day)"
    )
    baseline_days: int = Field(
        42, description="days before the longest window the baseline is taken from"
    )
    min_drop: float = Field(0.4, description="conversion at least this fraction below expected")
    min_expected_buyers: float = Field(
        8.0, description="buyers expected in the shortest window at normal conversion"
    )
    traffic_held: float = Field(0.7, description="visitors at least this fraction of expected")
    family_alpha: float = Field(
        0.002, description="chance of any false alarm in the store (split over the tests)"
    )


def _conversion_rows(
    ctx: InspectionContext, s: ConversionDropSettings
) -> tuple[list[dict[str, Any]], float, int]:
    """Per listing: buyers, visitors and GMV on the baseline days and on each recent day; and the
    store's day-to-day over-dispersion of buyers (φ², estimated on the baseline days).
    """
    longest = max(s.windows)
    first = ctx.as_of - dt.timedelta(days=longest - 1)
    base = [
        d
        for d in (first - dt.timedelta(days=k) for k in range(1, s.baseline_days + 1))
        if not ctx.is_promo(d)
    ]
    if len(base) < 7:
        return [], 0.0, 0
    rows = ctx.rows(
        """WITH presale AS (
               SELECT DISTINCT p.product_id,
                      CAST(unnest(generate_series(local_day(pr.start_at), local_day(pr.end_at), INTERVAL 1 DAY)) AS DATE) AS date
               FROM promotions pr JOIN products p ON list_contains(CAST(pr.sku_ids AS VARCHAR[]), p.sku_id)
               WHERE pr.kind = 'presale' AND local_day(pr.end_at) >= ?::DATE - INTERVAL 90 DAY),
           d AS (SELECT product_id, date, sum(visitors)::DOUBLE AS v, sum(coalesce(buyers, 0))::DOUBLE AS b,
                        sum(coalesce(gmv, 0))::DOUBLE AS g
                 FROM traffic WHERE (date BETWEEN ? AND ? OR list_contains(?, date))
                   AND (product_id, date) NOT IN (SELECT (product_id, date) FROM presale) GROUP BY ALL),
           b AS (SELECT * FROM d WHERE date < ?),
           tot AS (SELECT date, sum(b) / nullif(sum(v), 0) AS conv FROM b GROUP BY 1),
           all_conv AS (SELECT sum(b) / nullif(sum(v), 0) AS conv FROM b),
           c0 AS (SELECT product_id, sum(b) AS b0, sum(v) AS v0, sum(g) AS g0 FROM b GROUP BY 1),
           fit AS (SELECT b.b, c0.b0 / nullif(c0.v0, 0) * b.v * tot.conv / nullif(all_conv.conv, 0) AS e
                   FROM b JOIN c0 USING (product_id) JOIN tot USING (date) CROSS JOIN all_conv),
           phi AS (SELECT greatest(sum((b - e) * (b - e) - e), 0) / nullif(sum(e * e), 0) AS phi2 FROM fit WHERE e > 0),
           recent AS (SELECT product_id, list(date ORDER BY date) AS days, list(v ORDER BY date) AS vs,
                             list(b ORDER BY date) AS bs FROM d WHERE date >= ? GROUP BY 1),
           l AS (SELECT product_id, any_value(title) AS title,
                        bool_or(coalesce(status, 'on_sale') = 'on_sale') AS on_sale FROM products GROUP BY 1)
           SELECT c0.*, r.days, r.vs, r.bs, l.title, l.on_sale, phi.phi2
           FROM c0 LEFT JOIN recent r USING (product_id) JOIN l USING (product_id) CROSS JOIN phi""",
        [first, first, ctx.as_of, base, first, first],
    )
    return rows, float(rows[0]["phi2"] or 0.0) if rows else 0.0, len(base)


@dataclass
class _Window:
    days: int
    visitors: float
    buyers: float
    expected: float
    expected_visitors: float
    z: float


def _windows(
    r: dict[str, Any],
    store: dict[dt.date, tuple[float, float]],
    base_store: tuple[float, float],
    ctx: InspectionContext,
    s: ConversionDropSettings,
    phi2: float,
    n_base: int,
) -> list[_Window]:
    """The listing's recent windows with their expected buyers (its baseline conversion × the
    rest of the store's change) and over-dispersed z-scores.
    """
    by_day = dict(zip(r["days"] or [], zip(r["vs"] or [], r["bs"] or [], strict=True), strict=True))
    c0 = r["b0"] / r["v0"]
    rest_v0, rest_b0 = base_store[0] - r["v0"], base_store[1] - r["b0"]
    out = []
    for k in s.windows:
        v = b = e = ev = 0.0
        var = 0.0
        for day in recent_days(ctx, k):
            vd, bd = by_day.get(day, (0.0, 0.0))
            sv, sb = store.get(day, (0.0, 0.0))
            rest_conv = (sb - bd) / (sv - vd) if sv - vd > 0 else 0.0
            change = (
                rest_conv / (rest_b0 / rest_v0)
                if rest_v0 > 0 and rest_b0 > 0 and rest_conv > 0
                else 1.0
            )
            ed = c0 * vd * change
            v, b, e, var = v + vd, b + bd, e + ed, var + ed + phi2 * ed * ed
            ev += (r["v0"] / rest_v0) * (sv - vd) if rest_v0 > 0 else 0.0
        var += e * e * (1 / max(r["b0"], 1) + phi2 / n_base)
        out.append(_Window(k, v, b, e, ev, z_score(b, e, var)))
    return out


def detect_conversion_drop(ctx: InspectionContext, s: ConversionDropSettings) -> list[Finding]:
    """A listing's conversion (buyers / visitors in the traffic table) over a recent window (the last
    3, 5 or 7 days: ``windows``) is at least ``min_drop`` below its expected level while its
    visitors held (at least ``traffic_held`` of expected). A listing's days in a presale (定金)
    are left out: its buyers pay later. Expected buyers = the visitors × the
    listing's conversion on the normal days of the ``baseline_days`` before × the change of the rest
    of the store's conversion on each day (a promotion lifts every listing's conversion together).
    The fall must be clear: an over-dispersed z-score (buyers vary by Poisson noise plus the store's
    own day-to-day noise φ, estimated on the baseline days) below the normal quantile of
    ``family_alpha`` / (listings × windows). At least ``min_expected_buyers`` buyers must be expected
    in the shortest window, so small listings cannot "drop". Impact: buyers lost × usual order value.
    """
    rows, phi2, n_base = _conversion_rows(ctx, s)
    store: dict[dt.date, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for r in rows:
        for day, v, b in zip(r["days"] or [], r["vs"] or [], r["bs"] or [], strict=True):
            store[day] = (store[day][0] + v, store[day][1] + b)
    base_store = (sum(r["v0"] for r in rows), sum(r["b0"] for r in rows))
    judged = []
    for r in rows:
        if not r["on_sale"] or r["b0"] <= 0 or r["v0"] <= 0:
            continue
        wins = _windows(r, store, base_store, ctx, s, phi2, n_base)
        if wins and wins[0].expected >= s.min_expected_buyers:
            judged.append((r, wins))
    z_crit = -NormalDist().inv_cdf(s.family_alpha / max(len(judged) * len(s.windows), 1))
    out = []
    for r, wins in judged:
        fell = [
            w
            for w in wins
            if w.buyers <= (1 - s.min_drop) * w.expected
            and w.visitors >= s.traffic_held * w.expected_visitors
            and w.z <= -z_crit
        ]
        if fell:
            out.append(_conversion_finding(ctx, r, min(fell, key=lambda w: w.z)))
    return out


def _conversion_finding(ctx: InspectionContext, r: dict[str, Any], w: _Window) -> Finding:
    conv, expected_conv = w.buyers / w.visitors, w.expected / w.visitors
    pct = 100 * (1 - w.buyers / w.expected)
    order_value = r["g0"] / r["b0"]
    return Finding.make(
        kind="conversion_drop",
        as_of=ctx.as_of,
        severity="high" if pct >= 60 else "medium",
        entity=Entity(type="product", id=r["product_id"], name=r["title"]),
        title=ctx.text(
            f"转化率近 {w.days} 天降至 {conv:.2%}（平时 {expected_conv:.2%}），访客正常",
            f"Conversion down to {conv:.2%} over {w.days} days (normally {expected_conv:.2%}) while traffic held",
        ),
        evidence={
            "product_id": r["product_id"],
            "days": w.days,
            "conversion": round(conv, 4),
            "expected_conversion": round(expected_conv, 4),
            "baseline_conversion": round(r["b0"] / r["v0"], 4),
            "visitors": int(w.visitors),
            "expected_visitors": round(w.expected_visitors, 1),
            "buyers": int(w.buyers),
            "expected_buyers": round(w.expected, 1),
            "drop_pct": round(pct, 1),
            "z": round(w.z, 2),
        },
        impact=Impact(metric="gmv_lost", value=round((w.expected - w.buyers) * order_value, 2)),
        recommendation=ctx.text(
            "检查详情页与价格：是否改价或券失效、SKU 是否缺货、主图/详情是否被改、差评是否置顶，以及竞品是否降价",
            "Check the listing page and price: a price change or expired coupon, SKUs out of stock, an edited "
            "main image or description, a negative review on top, or a competitor's price cut",
        ),
        actions=[Action(type="update_listing", params={"product_id": r["product_id"]})],
    )


RULES = (
    Rule(
        "conversion_drop",
        ("traffic",),
        ConversionDropSettings,
        detect_conversion_drop,
        minimums=(
            Minimum(
                "min_expected_buyers", "buyers expected in the shortest window at normal conversion"
            ),
        ),
    ),
)
