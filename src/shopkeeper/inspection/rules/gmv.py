"""Store GMV drops: gmv_drop, decomposed as visitors × conversion × average order value.

Recent non-promotion days are compared with their *comparable days* (the same weekday in the weeks
before, promotions and their aftermath left out; :meth:`InspectionContext.comparable_days`), using
the day helpers of :mod:`shopkeeper.inspection.rules.traffic`.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import z_score
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.traffic import day_pairs, noisy_variance, recent_days, traffic_days
from shopkeeper.store.metrics import paid_or_deposit, valued_orders


class GmvDropSettings(BaseModel):
    """Thresholds of gmv_drop."""

    recent_days: int = Field(3, description="days judged, up to and including the inspected day")
    min_days: int = Field(2, description="non-promotion days needed among them, and days down")
    weeks: int = Field(4, description="comparable same-weekday days in the baseline")
    min_drop: float = Field(0.25, description="GMV at least this fraction below normal")
    visitors_drop: float = Field(
        0.2, description="…or visitors at least this fraction below normal, clearly"
    )
    alpha: float = Field(0.001, description="chance of a false alarm on a normal day")
    min_gmv_noise: float = Field(
        0.1, description="floor of the day-to-day noise of GMV estimated from the data"
    )
    visitors_noise: float = Field(
        0.08, description="day-to-day noise of the store's visitors beyond Poisson"
    )
    min_orders_per_day: float = Field(
        5.0, description="a store must have this many orders on a normal day"
    )


WHERE = f"""{paid_or_deposit()} AND o.created_at >= CAST($lo::DATE AS TIMESTAMPTZ)
            AND o.created_at < CAST($hi::DATE + INTERVAL 1 DAY AS TIMESTAMPTZ)"""
"""The orders :func:`_gmv_days` counts: paid (or deposit paid) from day ``$lo`` to ``$hi``."""


def _gmv_days(
    ctx: InspectionContext, left: list[dt.date], right: list[dt.date]
) -> list[dict[str, Any]]:
    """Orders, GMV, Σ order value² and (when the traffic table has data) visitors per recent and
    comparable day.
    """
    covered = ctx.has("traffic") and traffic_days(ctx, sorted(set(left))) == sorted(set(left))
    visitors = (
        "(SELECT sum(visitors)::DOUBLE FROM traffic t WHERE t.date = d.day)" if covered else "NULL"
    )
    return ctx.rows(
        f"""WITH d AS (SELECT DISTINCT unnest($left::DATE[] || $right::DATE[]) AS day),
            o AS (SELECT local_day(o.created_at) AS day, count(*)::DOUBLE AS orders,
                         sum(coalesce(o.gmv, 0))::DOUBLE AS gmv,
                         sum(coalesce(o.gmv, 0)::DOUBLE ^ 2) AS gmv2
                  FROM {valued_orders(WHERE)} o GROUP BY 1)
            SELECT d.day, coalesce(o.orders, 0) AS orders, coalesce(o.gmv, 0) AS gmv, coalesce(o.gmv2, 0) AS gmv2,
                   {visitors} AS visitors
            FROM d LEFT JOIN o USING (day)""",
        {"left": left, "right": right, "lo": min(right), "hi": max(left)},
    )


@dataclass
class _StoreDays:
    """The store's recent days judged against their comparable days."""

    days: list[dt.date]
    now: dict[str, float]
    base: dict[str, float]
    gmv_var: float
    visitors_var: float
    days_down: int


def _store_days(ctx: InspectionContext, s: GmvDropSettings) -> _StoreDays | None:
    """Sums over the recent non-promotion days and their expected values, with the variance of GMV:
    the larger of its spread on the comparable days and a compound Poisson's (orders × mean order
    value²), plus the baseline's own uncertainty.
    """
    days = [d for d in recent_days(ctx, s.recent_days) if not ctx.is_promo(d)]
    left, right = day_pairs(ctx, days, s.weeks)
    judged = sorted(set(left))
    if len(judged) < s.min_days:
        return None
    by_day = {r["day"]: r for r in _gmv_days(ctx, left, right)}
    keys = ("orders", "gmv", "gmv2", "visitors")
    now = {k: sum(float(by_day[d][k] or 0) for d in judged) for k in keys}
    base = dict.fromkeys(keys, 0.0)
    spread = level = 0.0
    means: list[tuple[float, float, int]] = []
    down = 0
    for d in judged:
        bases = [b for a, b in zip(left, right, strict=True) if a == d]
        mean = {k: statistics.fmean(float(by_day[b][k] or 0) for b in bases) for k in keys}
        for k in keys:
            base[k] += mean[k]
        gmvs = [float(by_day[b]["gmv"]) for b in bases]
        if len(gmvs) >= 3:
            spread += statistics.variance(gmvs)
            level += mean["gmv"] ** 2
        down += float(by_day[d]["gmv"]) <= (1 - s.min_drop / 2) * mean["gmv"]
        means.append((mean["gmv"], mean["gmv2"], len(bases)))
    cv2 = max(spread / level if level > 0 else 0.0, s.min_gmv_noise**2)
    gmv_var = sum(max(cv2 * g * g, g2) * (1 + 1 / n) for g, g2, n in means)
    visitors_var = sum(
        noisy_variance(base["visitors"] / len(judged), s.visitors_noise, s.weeks) for _ in judged
    )
    return _StoreDays(judged, now, base, gmv_var, visitors_var, down)


def _factor(
    name: str, now: float, base: float, log_total: float, gap: float
) -> dict[str, float | str]:
    share = math.log(now / base) / log_total if now > 0 and base > 0 and log_total else 0.0
    return {
        "factor": name,
        "current": round(now, 4),
        "baseline": round(base, 4),
        "change_pct": round(100 * (now / base - 1), 1) if base else 0.0,
        "contribution": round(share * gap, 2),
        "contribution_share": round(share, 3),
    }


def detect_gmv_drop(ctx: InspectionContext, s: GmvDropSettings) -> list[Finding]:
    """Store GMV (orders by the day they were placed: paid, or presale deposits) over the recent
    non-promotion days is at least ``min_drop`` below the mean of each day's comparable days, on at
    least ``min_days`` days (at half the drop), and the fall is clear at ``alpha``: either GMV's own
    z-score (its day-to-day noise estimated from how much the comparable days vary) or, when the
    traffic table has data, the store's visitors at least ``visitors_drop`` below normal with an
    over-dispersed Poisson z-score (at small stores traffic is measured far more precisely than GMV).
    Days during a promotion or in the week after one are not judged at all, so the slump after
    Double 11 is never a "drop". The fall is decomposed as GMV = visitors × conversion (orders /
    visitors) × average order value: each factor's current and usual value and its share of the lost
    GMV (by log change). A store with fewer than ``min_orders_per_day`` paid orders a day on the
    comparable days is not judged (its GMV is noise). Impact: the GMV lost over the days judged.
    """
    sd = _store_days(ctx, s)
    if sd is None:
        return []
    now, base, n = sd.now, sd.base, len(sd.days)
    if base["orders"] < s.min_orders_per_day * n or base["gmv"] <= 0:
        return []
    ratio = now["gmv"] / base["gmv"]
    z = -NormalDist().inv_cdf(s.alpha)
    clear_gmv = z_score(now["gmv"], base["gmv"], sd.gmv_var) <= -z
    clear_visitors = (
        base["visitors"] > 0
        and now["visitors"] <= (1 - s.visitors_drop) * base["visitors"]
        and z_score(now["visitors"], base["visitors"], sd.visitors_var) <= -z
    )
    if ratio > 1 - s.min_drop or sd.days_down < s.min_days or not (clear_gmv or clear_visitors):
        return []
    judged = sd.days
    gap = now["gmv"] - base["gmv"]
    log_total = math.log(ratio) if ratio > 0 else 0.0
    factors = []
    has_visitors = base["visitors"] > 0 and now["visitors"] > 0
    if has_visitors:
        factors.append(
            _factor("visitors", now["visitors"] / n, base["visitors"] / n, log_total, gap)
        )
        factors.append(
            _factor(
                "conversion",
                now["orders"] / now["visitors"],
                base["orders"] / base["visitors"],
                log_total,
                gap,
            )
        )
    else:
        factors.append(_factor("orders", now["orders"] / n, base["orders"] / n, log_total, gap))
    factors.append(
        _factor(
            "order_value",
            now["gmv"] / now["orders"] if now["orders"] else 0.0,
            base["gmv"] / base["orders"],
            log_total,
            gap,
        )
    )
    main = min(factors, key=lambda f: float(f["contribution"]))
    label = {
        "visitors": ("访客", "visitors"),
        "conversion": ("转化率", "conversion"),
        "orders": ("订单数", "orders"),
        "order_value": ("客单价", "order value"),
    }[str(main["factor"])]
    pct = 100 * (1 - ratio)
    return [
        Finding.make(
            kind="gmv_drop",
            as_of=ctx.as_of,
            severity="high" if pct >= 35 else "medium",
            entity=ctx.store_entity,
            title=ctx.text(
                f"店铺 GMV 近 {n} 天比平时少 {pct:.0f}%（日均 {ctx.money(now['gmv'] / n)}，平时 {ctx.money(base['gmv'] / n)}），主要因为{label[0]}下降",
                f"Store GMV {pct:.0f}% below normal over {n} days ({ctx.money(now['gmv'] / n)}/day vs "
                f"{ctx.money(base['gmv'] / n)}), mainly from lower {label[1]}",
            ),
            evidence={
                "days": n,
                "dates": [d.isoformat() for d in judged],
                "gmv_per_day": round(now["gmv"] / n, 2),
                "baseline_gmv_per_day": round(base["gmv"] / n, 2),
                "drop_pct": round(pct, 1),
                "orders_per_day": round(now["orders"] / n, 1),
                "baseline_orders_per_day": round(base["orders"] / n, 1),
                "main_factor": main["factor"],
                "factors": factors,
            },
            impact=Impact(metric="gmv_lost", value=round(-gap, 2)),
            recommendation=ctx.text(
                {
                    "访客": "先查流量：哪些来源和商品的访客少了（搜索、推荐、推广计划是否暂停或限额）",
                    "转化率": "先查转化：价格与优惠券、主推商品是否缺货、详情页与评价是否有变化",
                    "订单数": "先查订单为何减少：流量来源、主推商品库存与价格",
                    "客单价": "先查客单价：满减/搭配活动是否失效、高价商品是否缺货",
                }[label[0]],
                {
                    "visitors": "Start with traffic: which sources and listings lost visitors (search, recommendations, "
                    "paused or capped campaigns)",
                    "conversion": "Start with conversion: prices and coupons, best-sellers out of stock, changes to "
                    "listing pages and reviews",
                    "orders": "Start with why orders fell: traffic sources, stock and prices of the best-sellers",
                    "order value": "Start with order value: expired threshold deals or bundles, high-priced items out "
                    "of stock",
                }[label[1]],
            ),
        )
    ]


RULES = (
    Rule(
        "gmv_drop",
        (),
        GmvDropSettings,
        detect_gmv_drop,
        minimums=(
            Minimum("min_orders_per_day", "paid orders a day on the comparable days"),
            Minimum("min_days", "non-promotion days judged, and days down"),
        ),
    ),
)
