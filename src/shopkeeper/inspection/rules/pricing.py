"""Pricing: price_anomaly.

A SKU's *usual price* is what it really sold at lately: the median ``unit_price`` of its last
``usual_lines`` order lines placed before the recent window (``recent_days``), on days that were
not promotions, within ``lookback_days``. Using the latest lines (not a long average) means a
deliberate price change made weeks ago is the new normal, not an anomaly; using the median means a
few discounted lines (exports that record the paid price as ``unit_price``) do not move it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.store.metrics import not_cancelled


class PriceAnomalySettings(BaseModel):
    """Thresholds of price_anomaly."""

    low_ratio: float = Field(
        0.5, description="list price at most this × the usual price is a sudden drop"
    )
    promo_low_ratio: float = Field(
        0.3, description="…this × when a promotion covering the SKU is running"
    )
    high_ratio: float = Field(
        1.8, description="list price at least this × the usual price is a sudden jump"
    )
    min_lines: int = Field(5, description="order lines needed to know the usual price")
    usual_lines: int = Field(
        30, description="the usual price is the median of this many latest lines"
    )
    recent_days: int = Field(
        7, description="lines of the last days are judged, not part of the usual price"
    )
    lookback_days: int = Field(90, description="how far back the usual price is looked for")
    horizon_days: int = Field(7, description="days of sales at stake in the impact")
    markdown_skus: int = Field(
        5,
        description="this many SKUs cut below low_ratio at once is a deliberate markdown (only below-cost ones are reported)",
    )
    max_prior_share: float = Field(
        0.1,
        description="a price already on more than this share of the lookback's earlier lines is deliberate, not a typo",
    )


def _active_promo_skus(ctx: InspectionContext) -> tuple[bool, set[str]]:
    """(a store-wide price promotion is running on as_of, SKUs named by a running promotion)."""
    if not ctx.has("promotions"):
        return False, set()
    rows = ctx.rows(
        """SELECT coalesce(json_array_length(sku_ids), 0) = 0 AS storewide,
                  CAST(coalesce(sku_ids, '[]') AS VARCHAR[]) AS skus
           FROM promotions
           WHERE kind IN ('discount', 'flash', 'presale', 'bundle')
             AND local_day(start_at) <= ? AND local_day(end_at) >= ?""",
        [ctx.as_of, ctx.as_of],
    )
    storewide = any(r["storewide"] for r in rows)
    return storewide, {str(s) for r in rows for s in r["skus"] or []}


def _could_be_wrong(ctx: InspectionContext, s: PriceAnomalySettings, first: dt.date) -> list[str]:
    """SKUs the line-level check must look at: the usual price is a median of past unit prices, so
    it lies between their minimum and maximum, and only a list price at most ``low_ratio`` × the
    maximum, at least ``high_ratio`` × the minimum, or below cost can be flagged. Read from the
    shared per-day table, this skips the join of orders and lines for every other SKU.
    """
    rows = ctx.rows(
        f"""SELECT p.sku_id FROM products p
            LEFT JOIN (SELECT sku_id, min(min_unit) AS lo, max(max_unit) AS hi FROM {ctx.sku_daily()}
                       WHERE day >= ? GROUP BY sku_id) d USING (sku_id)
            WHERE coalesce(p.status, 'on_sale') = 'on_sale' AND p.price IS NOT NULL
              AND (p.price < p.cost OR p.price <= ? * d.hi OR p.price >= ? * d.lo)""",
        [first, s.low_ratio, s.high_ratio],
    )
    return [str(r["sku_id"]) for r in rows]


def _candidates(ctx: InspectionContext, s: PriceAnomalySettings) -> list[dict[str, Any]]:
    """On-sale SKUs whose list price is below cost or far from their usual price."""
    first = ctx.as_of - dt.timedelta(days=s.lookback_days - 1)
    promo = sorted(d for d in ctx.promo_days if first <= d <= ctx.as_of)
    recent_from = ctx.as_of - dt.timedelta(days=s.recent_days - 1)
    skus = _could_be_wrong(ctx, s, first)
    if not skus:
        return []
    return ctx.rows(
        f"""WITH lines AS (
               SELECT i.sku_id, local_day(o.created_at) AS day, o.created_at AS ts,
                      i.unit_price::DOUBLE AS unit, i.quantity AS qty
               FROM orders o JOIN order_items i USING (order_id)
               WHERE {not_cancelled()} AND list_contains(?::VARCHAR[], i.sku_id)
                 AND o.created_at >= CAST(?::DATE AS TIMESTAMPTZ)
                 AND o.created_at < CAST(?::DATE + INTERVAL 1 DAY AS TIMESTAMPTZ)),
           per_sku AS (
               SELECT l.sku_id,
                      count(*) FILTER (WHERE l.day < ? AND NOT list_contains(?::DATE[], l.day)) AS n_lines,
                      list_aggregate(max_by(l.unit, l.ts, ?) FILTER (
                          WHERE l.day < ? AND NOT list_contains(?::DATE[], l.day)), 'median') AS usual,
                      sum(l.qty) FILTER (WHERE l.day >= ?::DATE - INTERVAL 28 DAY) AS units_28d,
                      count(*) FILTER (WHERE l.day >= ? AND abs(l.unit - p.price) <= 0.01 * p.price) AS lines_at_price,
                      sum(l.qty) FILTER (WHERE l.day >= ? AND abs(l.unit - p.price) <= 0.01 * p.price) AS units_at_price,
                      sum(l.unit * l.qty) FILTER (WHERE l.day >= ? AND abs(l.unit - p.price) <= 0.01 * p.price)
                          AS value_at_price,
                      count(*) FILTER (WHERE l.day < ?) AS prior_lines,
                      count(*) FILTER (WHERE l.day < ? AND abs(l.unit - p.price) <= 0.05 * p.price) AS prior_at_price
               FROM lines l JOIN (SELECT sku_id, price::DOUBLE AS price FROM products) p USING (sku_id)
               GROUP BY 1)
           SELECT p.sku_id, p.product_id, p.title, p.price::DOUBLE AS price, p.cost::DOUBLE AS cost,
                  u.usual, coalesce(u.n_lines, 0) AS n_lines, coalesce(u.units_28d, 0) AS units_28d,
                  coalesce(u.lines_at_price, 0) AS lines_at_price,
                  coalesce(u.prior_lines, 0) AS prior_lines, coalesce(u.prior_at_price, 0) AS prior_at_price,
                  coalesce(u.usual * u.units_at_price - u.value_at_price, 0) AS lost
           FROM products p LEFT JOIN per_sku u USING (sku_id)
           WHERE coalesce(p.status, 'on_sale') = 'on_sale' AND p.price IS NOT NULL
             AND (p.price < p.cost
                  OR (u.n_lines >= ? AND u.usual > 0
                      AND (p.price <= ? * u.usual OR p.price >= ? * u.usual)))""",
        [
            skus,
            first,
            ctx.as_of,
            recent_from,
            promo,
            s.usual_lines,
            recent_from,
            promo,
            ctx.as_of,
            recent_from,
            recent_from,
            recent_from,
            recent_from,
            recent_from,
            s.min_lines,
            s.low_ratio,
            s.high_ratio,
        ],
    )


def detect_price_anomaly(ctx: InspectionContext, s: PriceAnomalySettings) -> list[Finding]:
    """An on-sale SKU whose list price (``products.price``) is below its cost, or at most
    ``low_ratio`` / at least ``high_ratio`` × its usual price (see the module docstring; at least
    ``min_lines`` lines needed) — a missing or extra digit, a mistyped price. A drop is not reported
    when a running promotion covers the SKU and the price is above ``promo_low_ratio`` × usual (a
    promotion explains it). Evidence: current, usual price, cost, recent lines already sold at the
    current price. A price the SKU already sold at on more than ``max_prior_share`` of its earlier
    lines in the lookback is a deliberate price (a second tier, an old markdown), not a typo; so are
    drops when ``markdown_skus`` or more SKUs dropped at once (a clearance), unless below cost. High
    severity when a drop or jump is also below cost or already selling. Impact: money
    already lost on those lines plus ``horizon_days`` more days of normal sales at the wrong price.
    """
    storewide, promo_skus = _active_promo_skus(ctx)
    candidates = _candidates(ctx, s)
    drops = sum(1 for r in candidates if r["usual"] and r["price"] <= s.low_ratio * r["usual"])
    markdown = drops >= s.markdown_skus  # many SKUs cut at once: a clearance decision, not typos
    out = []
    for r in candidates:
        price, cost, usual = r["price"], r["cost"], r["usual"]
        below_cost = cost is not None and price < cost
        ratio = price / usual if usual else None
        in_promo = storewide or r["sku_id"] in promo_skus
        # a price the SKU was already selling at before the recent days is deliberate (a second
        # price tier, an old markdown), not a typo
        settled = (
            r["prior_lines"] > 0 and r["prior_at_price"] > s.max_prior_share * r["prior_lines"]
        )
        settled |= markdown and ratio is not None and ratio < 1
        anomalous = (
            ratio is not None
            and not settled
            and r["n_lines"] >= s.min_lines
            and (ratio >= s.high_ratio or ratio <= (s.promo_low_ratio if in_promo else s.low_ratio))
        )
        if not (below_cost or anomalous):
            continue
        at_price = int(r["lines_at_price"])
        lost = float(r["lost"]) if usual and price < usual else 0.0
        per_day = r["units_28d"] / 28
        at_stake = max(lost, 0.0) + per_day * s.horizon_days * abs((usual or price) - price)
        target = round(usual, 2) if usual and anomalous else None
        evidence: dict[str, Any] = {
            "product_id": r["product_id"],
            "current_price": round(price, 2),
            "usual_price": round(usual, 2) if usual else None,
            "cost": round(cost, 2) if cost is not None else None,
            "ratio_to_usual": round(ratio, 3) if ratio else None,
            "below_cost": below_cost,
            "far_from_usual": anomalous,
            "order_lines_at_current_price": at_price,
            "lines_behind_usual_price": int(r["n_lines"]),
        }
        title = _title(ctx, price, usual, cost, ratio if anomalous else None)
        out.append(
            Finding.make(
                kind="price_anomaly",
                as_of=ctx.as_of,
                severity="high" if anomalous and (below_cost or at_price > 0) else "medium",
                entity=Entity(type="sku", id=r["sku_id"], name=r["title"]),
                title=title,
                evidence=evidence,
                impact=Impact(metric="gmv_at_risk", value=round(at_stake, 2))
                if at_stake > 0
                else None,
                recommendation=ctx.text(
                    f"核对并改回正确价格{'（平时售价 ' + ctx.money(usual) + '）' if usual else ''}；已按错价成交的 {at_price} 笔订单可联系买家协商或暂缓发货",
                    f"Check and correct the price{' (usually ' + ctx.money(usual) + ')' if usual else ''}; for the "
                    f"{at_price} order lines already sold at this price, contact the buyers or hold shipping",
                ),
                actions=[
                    Action(
                        type="change_price",
                        params={
                            "sku_id": r["sku_id"],
                            "price": target or round(max(price, cost or 0), 2),
                            "current_price": round(price, 2),
                        },
                    )
                ],
            )
        )
    return out


def _title(
    ctx: InspectionContext,
    price: float,
    usual: float | None,
    cost: float | None,
    ratio: float | None,
) -> str:
    """The headline: a drop or a jump against the usual price (``ratio`` set), else below cost."""
    if usual and ratio is not None and ratio < 1:
        below = cost is not None and price < cost
        extra = ctx.text("，低于成本" if below else "", ", below cost" if below else "")
        return ctx.text(
            f"价格疑似填错：现价 {ctx.money(price)}，平时成交价 {ctx.money(usual)}{extra}",
            f"Price looks wrong: {ctx.money(price)} now, usually sold at {ctx.money(usual)}{extra}",
        )
    if usual and ratio is not None:
        return ctx.text(
            f"价格突然上涨：现价 {ctx.money(price)}，平时成交价 {ctx.money(usual)}",
            f"Price jumped: {ctx.money(price)} now, usually sold at {ctx.money(usual)}",
        )
    return ctx.text(
        f"售价低于成本：现价 {ctx.money(price)}，成本 {ctx.money(cost or 0)}",
        f"Price below cost: {ctx.money(price)} vs a unit cost of {ctx.money(cost or 0)}",
    )


RULES = (
    Rule(
        "price_anomaly",
        (),
        PriceAnomalySettings,
        detect_price_anomaly,
        current_only=True,
        minimums=(
            Minimum("min_lines", "order lines the usual price is learned from (a jump or drop)"),
            Minimum(None, "one SKU listed below its cost: the price is the evidence"),
        ),
    ),
)
