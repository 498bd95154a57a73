"""outlier_order (order): one order so large that it distorts the store's figures.

The definition is shared with the reports (:mod:`shopkeeper.store.outliers`), which leave these
orders out of their trends and rankings; the finding shows the figures with and without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Entity, Finding
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.store.metrics import paid, valued_orders
from shopkeeper.store.outliers import OutlierRule, outlier_orders


class OutlierSettings(BaseModel):
    """Thresholds of outlier_order."""

    window_days: int = Field(
        365,
        description="orders placed in this many days are judged (the span reports, forecasts and "
        "yearly comparisons read)",
    )
    recent_days: int = Field(
        7, description="an outlier of the last this many days is medium severity, older ones low"
    )
    z: float = Field(
        5.0,
        description="robust bound: exp(median + z × 1.4826 × MAD) of log order values (or units)",
    )
    multiple: float = Field(20.0, description="…and at least this multiple of the median order")
    min_share: float = Field(
        0.1, description="…and at least this share of the store's GMV (or units) of its 7 days"
    )
    min_orders: int = Field(
        200, description="paid orders of the last year needed to know the normal order"
    )
    max_orders: int = Field(10, description="at most this many findings (largest first)")


def _top_line(ctx: InspectionContext, order_id: str) -> dict[str, Any]:
    rows = ctx.rows(
        """SELECT i.sku_id, p.product_id, p.title, i.quantity FROM order_items i LEFT JOIN products p USING (sku_id)
           WHERE i.order_id = ? ORDER BY i.quantity * i.unit_price DESC LIMIT 1""",
        [order_id],
    )
    return rows[0] if rows else {}


def _gmv_totals(ctx: InspectionContext, windows: list[int]) -> dict[int, float]:
    """The store's GMV of the last ``d`` days up to the inspected day, for each ``d`` of
    ``windows`` (one pass over the longest window).
    """
    sums = ", ".join(
        f"coalesce(sum(gmv) FILTER (WHERE day > $as_of::DATE - INTERVAL ({int(d)}) DAY), 0)::DOUBLE"
        for d in windows
    )
    lo, hi = ctx.window_params(max(windows))
    where = f"{paid()} AND o.created_at >= $lo::TIMESTAMPTZ AND o.created_at < $hi::TIMESTAMPTZ"
    row = ctx.con.execute(
        f"""WITH v AS (SELECT local_day(o.created_at) AS day, o.gmv FROM {valued_orders(where)} o)
            SELECT {sums} FROM v""",
        {"lo": lo, "hi": hi, "as_of": ctx.as_of},
    ).fetchone()
    return {d: float(v or 0.0) for d, v in zip(windows, row or [0.0] * len(windows), strict=True)}


def detect_outlier_order(ctx: InspectionContext, s: OutlierSettings) -> list[Finding]:
    """A paid order of the last ``window_days`` whose value (or units) is at least ``multiple`` ×
    the store's median order and above the robust bound exp(median + ``z`` × 1.4826 × MAD) of the
    log values (or units) of the store's paid orders of the year up to the inspected day (at least
    ``min_orders``), and that makes at least ``min_share`` of the store's GMV (or units) of the 7
    days ending on its day: a bulk or wholesale order, a test or a mistyped quantity. Evidence: the
    order, its buyer and main item, the median order, the bounds, and the figures with and without
    it (its week's GMV and units; the store's GMV of the last 28 days and of the window when it
    falls in them). Reports leave these orders out of trends and rankings. Medium severity within
    ``recent_days``, else low; at most ``max_orders`` (largest first). No impact: the order's
    value is not money at stake (it stays in the evidence), so it never leads a plan.
    """
    rule = OutlierRule(z=s.z, multiple=s.multiple, min_share=s.min_share, min_orders=s.min_orders)
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    rows = outlier_orders(ctx, start, ctx.as_of, rule)[: s.max_orders]
    if not rows:
        return []
    totals = _gmv_totals(ctx, sorted({28, s.window_days}))
    return [_finding(ctx, s, r, totals) for r in rows]


def _finding(
    ctx: InspectionContext, s: OutlierSettings, r: dict[str, Any], totals: dict[int, float]
) -> Finding:
    oid, value, units = str(r["order_id"]), float(r["value"]), int(r["units"])
    line = _top_line(ctx, oid)
    multiple = value / r["median_value"] if r["median_value"] else 0.0
    day: dt.date = r["day"]
    figures: dict[str, Any] = {
        "week_gmv": round(float(r["week_gmv"]), 2),
        "week_gmv_without": round(float(r["week_gmv"]) - value, 2),
        "week_units": int(r["week_units"]),
        "week_units_without": int(r["week_units"]) - units,
    }
    for days, total in totals.items():
        if (ctx.as_of - day).days < days:
            figures[f"gmv_{days}d"] = round(total, 2)
            figures[f"gmv_{days}d_without"] = round(total - value, 2)
    share = float(r["gmv_share"] or 0.0)
    title = ctx.text(
        f"{day} 的单笔大单 {ctx.money(value)}（{units:,} 件，平时一单约 {ctx.money(r['median_value'])}），"
        f"占当周销售额 {share:.0%}",
        f"One order on {day} worth {ctx.money(value)} ({units:,} units; a usual order is about "
        f"{ctx.money(r['median_value'])}), {share:.0%} of that week's sales",
    )
    return Finding.make(
        kind="outlier_order",
        as_of=ctx.as_of,
        severity="medium" if (ctx.as_of - day).days < s.recent_days else "low",
        entity=Entity(type="order", id=oid),
        title=title,
        evidence={
            "order_id": oid,
            "customer_id": r["customer_id"] or None,
            "created_at": r["created_at"].isoformat(),
            "order_value": round(value, 2),
            "units": units,
            "sku_id": line.get("sku_id"),
            "product_id": line.get("product_id"),
            "title": line.get("title"),
            "median_order_value": round(float(r["median_value"]), 2),
            "median_order_units": float(r["median_units"]),
            "times_median": round(multiple, 1),
            "value_bound": round(float(r["value_bound"]), 2),
            "units_bound": round(float(r["units_bound"]), 1),
            "week_gmv_share": round(share, 3),
            "week_units_share": round(float(r["units_share"] or 0.0), 3),
            **figures,
        },
        impact=None,  # the order is not money at stake: its value is in the evidence
        recommendation=ctx.text(
            "核实这笔订单（批发、测试还是数量填错）；看趋势和备货时把它单独算，不要当成商品走势或据此加推广",
            "Check this order (wholesale, a test or a mistyped quantity); read trends and plan stock "
            "without it, and do not take it as a product trend or a reason to spend more on ads",
        ),
    )


RULES = (
    Rule(
        "outlier_order",
        (),
        OutlierSettings,
        detect_outlier_order,
        minimums=(
            Minimum("min_orders", "paid orders of the year the normal order is learned from"),
        ),
    ),
)
