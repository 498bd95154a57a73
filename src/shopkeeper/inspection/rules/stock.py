"""Stock: out_of_stock, stockout_risk, slow_moving, expiry_risk.

All four read the latest inventory snapshot on or before the inspected day, summed over
warehouses, and a SKU's daily sales rate and days of cover as :mod:`shopkeeper.store.sales`
defines them (the reports and the stock skill read the same).
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule


def _stock(ctx: InspectionContext) -> list[dict[str, Any]]:
    """Each SKU's stock position (snapshot at most 3 days old) with its daily sales rate and product
    facts (see :meth:`shopkeeper.store.sales.Sales.stock`); no lead time: 7 days.
    """
    rows = ctx.sales.stock(fresh_days=3)
    for r in rows:
        r["lead_time_days"] = 7 if r["lead_time_days"] is None else r["lead_time_days"]
    return rows


class StockoutSettings(BaseModel):
    """Thresholds of out_of_stock and stockout_risk."""

    min_units_28d: int = Field(
        4, description="a SKU must have sold this many units in 28 normal days"
    )
    min_days_sold_28d: int = Field(3, description="…on at least this many different days")
    safety_days: int = Field(3, description="replenish to cover lead time plus this many days")
    min_gap_days: float = Field(
        2.0, description="stockout_risk: at least this many days without stock…"
    )
    min_gap_share: float = Field(
        0.25,
        description="…and at least this share of the lead time (a dip at the reorder point is normal)",
    )
    cover_days: int = Field(14, description="extra days of sales a replenishment should cover")
    high_value_per_day: float = Field(
        100.0, description="lost sales per day above which it is high severity"
    )


def _selling(r: dict[str, Any], s: StockoutSettings) -> bool:
    return bool(
        r["status"] == "on_sale"
        and r["units28"] >= s.min_units_28d
        and r["days_sold28"] >= s.min_days_sold_28d
    )


def detect_out_of_stock(ctx: InspectionContext, s: StockoutSettings) -> list[Finding]:
    """An on-sale SKU that was selling (≥ ``min_units_28d`` units on ≥ ``min_days_sold_28d`` days of
    the last 28 normal days) has no available stock (on hand − reserved ≤ 0) in its latest snapshot
    (at most 3 days old). Impact: normal daily sales × price × lead time (sales lost until stock
    arrives). High severity when the lost sales per day exceed ``high_value_per_day``.
    """
    out = []
    for r in _stock(ctx):
        available = r["available"]
        if available > 0 or not _selling(r, s):
            continue
        per_day = r["rate"] * r["price"]
        qty = math.ceil(r["rate"] * (r["lead_time_days"] + s.cover_days)) - r["in_transit"]
        evidence = {
            "product_id": r["product_id"],
            "available": int(available),
            "on_hand": int(r["on_hand"]),
            "in_transit": int(r["in_transit"]),
            "daily_sales_forecast": round(r["rate"], 2),
            "units_sold_28d": int(r["units28"]),
            "lead_time_days": int(r["lead_time_days"]),
            "snapshot_date": r["snap_date"].isoformat(),
        }
        covered = qty <= 0  # enough is already on its way: hurry it, don't order more
        actions = (
            []
            if covered
            else [Action(type="replenish", params={"sku_id": r["sku_id"], "quantity": qty})]
        )
        out.append(
            Finding.make(
                kind="out_of_stock",
                as_of=ctx.as_of,
                severity="high" if per_day >= s.high_value_per_day else "medium",
                entity=Entity(type="sku", id=r["sku_id"], name=r["title"]),
                title=ctx.text(
                    f"已断货：日均销量 {r['rate']:.1f} 件，每天损失约 {ctx.money(per_day)}",
                    f"Out of stock: sells {r['rate']:.1f}/day, about {ctx.money(per_day)} lost per day",
                ),
                evidence=evidence,
                impact=Impact(metric="gmv_at_risk", value=round(per_day * r["lead_time_days"], 2)),
                recommendation=ctx.text(
                    f"在途 {int(r['in_transit'])} 件够用，催供应商尽快到货；到货前暂停该 SKU 的付费推广，或将其设为预售"
                    if covered
                    else f"立即补货 {qty} 件（在途 {int(r['in_transit'])} 件）；到货前暂停该 SKU 的付费推广，或将其设为预售",
                    f"The {int(r['in_transit'])} units in transit are enough: chase the supplier to deliver sooner; pause paid ads "
                    "for this SKU or switch it to pre-order until stock arrives"
                    if covered
                    else f"Reorder {qty} units now ({int(r['in_transit'])} in transit); pause paid ads for this SKU "
                    "or switch it to pre-order until stock arrives",
                ),
                actions=actions,
            )
        )
    return out


def detect_stockout_risk(ctx: InspectionContext, s: StockoutSettings) -> list[Finding]:
    """A selling on-sale SKU whose available stock covers fewer days than its lead time
    (days of cover = available / normal daily sales) by at least ``min_gap_days`` and
    ``min_gap_share`` of the lead time (stock dipping just under the lead time at the reorder point is
    normal), and what is in transit does not close the gap.
    The daily sales are the normal rate (:meth:`~shopkeeper.store.sales.Sales.sku_rates`: outlier
    orders left out, capped at the higher of the SKU's mean over its 28 comparable days and over the last 14 days, so a
    slow SKU's few units in a last normal week weeks back after a long promotion do not make a
    shortage). Selling: as for ``out_of_stock``
    (≥ ``min_units_28d`` units on ≥ ``min_days_sold_28d`` days).
    High severity when cover is under 3 days or under half the lead time. Impact: sales lost between
    the stock-out and the arrival of a replenishment ordered today.
    """
    out = []
    for r in _stock(ctx):
        available, cover = r["available"], r["cover"]
        if available <= 0 or not _selling(r, s) or cover is None:
            continue
        lead = r["lead_time_days"]
        gap = lead - cover
        if (
            gap < max(s.min_gap_days, s.min_gap_share * lead)
            or available + r["in_transit"] >= r["rate"] * lead
        ):
            continue
        qty = max(
            1,
            math.ceil(
                r["rate"] * (lead + s.safety_days + s.cover_days) - available - r["in_transit"]
            ),
        )
        at_risk = r["rate"] * r["price"] * (lead - cover)
        pause = cover < 3
        out.append(
            Finding.make(
                kind="stockout_risk",
                as_of=ctx.as_of,
                severity="high" if cover < 3 or cover < lead / 2 else "medium",
                entity=Entity(type="sku", id=r["sku_id"], name=r["title"]),
                title=ctx.text(
                    f"库存仅够 {cover:.1f} 天，补货周期 {lead} 天",
                    f"Stock covers {cover:.1f} days; lead time is {lead} days",
                ),
                evidence={
                    "product_id": r["product_id"],
                    "available": int(available),
                    "in_transit": int(r["in_transit"]),
                    "daily_sales_forecast": round(r["rate"], 2),
                    "days_of_cover": round(cover, 1),
                    "lead_time_days": int(lead),
                },
                impact=Impact(metric="gmv_at_risk", value=round(at_risk, 2)),
                recommendation=ctx.text(
                    f"今天补货至少 {qty} 件"
                    + ("；补货到达前暂停该 SKU 的付费推广" if pause else ""),
                    f"Reorder at least {qty} units today"
                    + ("; pause paid ads for this SKU until stock arrives" if pause else ""),
                ),
                actions=[Action(type="replenish", params={"sku_id": r["sku_id"], "quantity": qty})],
            )
        )
    return out


class SlowMovingSettings(BaseModel):
    """Thresholds of slow_moving."""

    max_cover_days: float = Field(
        180.0, description="stock beyond this many days of normal sales is slow"
    )
    idle_days: int = Field(28, description="…or no sale at all for this many calendar days")
    min_units: int = Field(
        30, description="ignore smaller stock: slow SKUs need some minimum stock"
    )
    min_units_cover: int = Field(
        50, description="…and at least this many units to call it excess cover"
    )
    min_stock_value: float = Field(500.0, description="ignore stock worth less than this (at cost)")
    min_listed_days: int = Field(30, description="newly listed SKUs are not judged")
    min_history_days: int = Field(
        28,
        description="days of paid orders the store needs (a shorter history cannot tell a slow "
        "SKU from a new store)",
    )


def detect_slow_moving(ctx: InspectionContext, s: SlowMovingSettings) -> list[Finding]:
    """On a store with at least ``min_history_days`` days of paid orders (no sale in a shorter
    history is not slow), an on-sale SKU listed at least ``min_listed_days`` ago holding at least
    ``min_units`` units
    worth at least ``min_stock_value`` (at cost, or half the price without cost) that either has not
    sold for ``idle_days`` calendar days, or holds at least ``min_units_cover`` units and more than
    ``max_cover_days`` of sales (at the higher of the normal rate and the last 14 days' rate, so
    stock bought for a promotion is not called excess during it).
    Off-shelf SKUs are not expected to sell and are not reported. Impact: the capital tied up.
    """
    out: list[Finding] = []
    if ctx.history_days < max(s.min_history_days, 1):
        return out
    for r in _stock(ctx):
        if r["status"] != "on_sale" or r["on_hand"] < s.min_units:
            continue
        if r["listed_at"] is not None and (ctx.as_of - r["listed_at"]).days < s.min_listed_days:
            continue
        unit_value = r["cost"] if r["cost"] is not None else 0.5 * r["price"]
        value = r["on_hand"] * unit_value
        demand = max(
            r["rate"], r["rate14"]
        )  # stock bought for a promotion is judged by promotion demand
        cover = r["on_hand"] / demand if demand > 0 else math.inf
        idle_for = (ctx.as_of - r["last_sale"]).days if r["last_sale"] is not None else None
        idle = idle_for is None or idle_for >= s.idle_days
        excess = cover > s.max_cover_days and r["on_hand"] >= s.min_units_cover
        if value < s.min_stock_value or not (idle or excess):
            continue
        since = (
            ctx.text("近 180 天零销量", "no sale in 180 days")
            if idle_for is None
            else ctx.text(f"已 {idle_for} 天没有销量", f"no sale for {idle_for} days")
        )
        out.append(
            Finding.make(
                kind="slow_moving",
                as_of=ctx.as_of,
                severity="medium" if idle and value >= 5 * s.min_stock_value else "low",
                entity=Entity(type="sku", id=r["sku_id"], name=r["title"]),
                title=ctx.text(
                    f"滞销：库存 {int(r['on_hand'])} 件，"
                    + (since if idle or math.isinf(cover) else f"够卖 {cover:.0f} 天"),
                    f"Slow-moving: {int(r['on_hand'])} in stock, "
                    + (since if idle or math.isinf(cover) else f"{cover:.0f} days of cover"),
                ),
                evidence={
                    "product_id": r["product_id"],
                    "on_hand": int(r["on_hand"]),
                    "units_sold_28d": int(r["units28"]),
                    "days_since_last_sale": idle_for,
                    "days_of_cover": None if math.isinf(cover) else round(cover, 1),
                    "stock_value": round(value, 2),
                },
                impact=Impact(metric="stock_value", value=round(value, 2)),
                recommendation=ctx.text(
                    "做清仓：限时折扣或搭配热销款做组合，并停止补货",
                    "Clear it: a time-limited discount or a bundle with a best-seller, and stop reordering",
                ),
            )
        )
    return out


class ExpirySettings(BaseModel):
    """Thresholds of expiry_risk."""

    horizon_days: int = Field(90, description="look at stock expiring within this many days")
    min_surplus_units: int = Field(
        10, description="units expected to expire unsold before it is reported"
    )
    min_history_days: int = Field(
        28, description="days of paid orders the store needs to know a sales rate"
    )


def detect_expiry_risk(ctx: InspectionContext, s: ExpirySettings) -> list[Finding]:
    """Perishable stock (inventory rows with an expiry date within ``horizon_days``) of which at
    least ``min_surplus_units`` will not sell before it expires at the normal daily sales rate
    (lots are consumed earliest-expiry first), on a store with at least ``min_history_days`` days
    of paid orders (on a shorter history every rate reads as zero). Impact: the value of the units
    expected to expire.
    """
    if ctx.history_days < max(s.min_history_days, 1):
        return []
    rate = ctx.sales.sku_rates()
    rows = ctx.rows(
        f"""WITH snap AS (SELECT sku_id, max(date) AS d FROM inventory WHERE date <= ? GROUP BY sku_id)
            SELECT i.sku_id, p.product_id, p.title, p.price::DOUBLE AS price, p.cost::DOUBLE AS cost,
                   i.expiry_date, sum(i.on_hand) AS qty, coalesce(any_value(r.rate), 0) AS rate
            FROM inventory i JOIN snap ON i.sku_id = snap.sku_id AND i.date = snap.d
            JOIN products p ON p.sku_id = i.sku_id LEFT JOIN {rate} r ON r.sku_id = i.sku_id
            WHERE i.expiry_date IS NOT NULL AND i.on_hand > 0 AND snap.d >= ?::DATE - INTERVAL 3 DAY
              AND i.expiry_date <= ?::DATE + INTERVAL (?) DAY
            GROUP BY ALL ORDER BY i.sku_id, i.expiry_date""",
        [ctx.as_of, ctx.as_of, ctx.as_of, s.horizon_days],
    )
    by_sku: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_sku.setdefault(r["sku_id"], []).append(r)
    out = []
    for sku, lots in by_sku.items():
        sold_before = 0.0  # units the earlier lots absorb
        surplus, first_expiry = 0.0, None
        for lot in lots:
            days_left = max((lot["expiry_date"] - ctx.as_of).days, 0)
            can_sell = max(lot["rate"] * days_left - sold_before, 0.0)
            unsold = max(lot["qty"] - can_sell, 0.0)
            sold_before += lot["qty"] - unsold
            if unsold > 0:
                surplus += unsold
                first_expiry = first_expiry or lot["expiry_date"]
        if surplus < s.min_surplus_units or first_expiry is None:
            continue
        head = lots[0]
        unit_value = head["cost"] if head["cost"] is not None else head["price"]
        days_left = (first_expiry - ctx.as_of).days
        out.append(
            Finding.make(
                kind="expiry_risk",
                as_of=ctx.as_of,
                severity="high" if days_left <= 30 else "medium",
                entity=Entity(type="sku", id=sku, name=head["title"]),
                title=ctx.text(
                    f"临期：约 {surplus:.0f} 件将在 {days_left} 天内过期前卖不完",
                    f"Expiry risk: about {surplus:.0f} units will not sell before they expire in {days_left} days",
                ),
                evidence={
                    "product_id": head["product_id"],
                    "units_expiring_unsold": round(surplus),
                    "expiry_date": first_expiry.isoformat(),
                    "days_to_expiry": days_left,
                    "daily_sales_forecast": round(head["rate"], 2),
                    "units_on_hand_expiring": int(sum(lot["qty"] for lot in lots)),
                },
                impact=Impact(metric="stock_value", value=round(surplus * unit_value, 2)),
                recommendation=ctx.text(
                    "尽快做临期促销（第二件半价/满赠），优先发出临期批次",
                    "Run a short-dated promotion now (second unit half price, gift with purchase) and ship the oldest lot first",
                ),
            )
        )
    return out


SELLING = (
    Minimum("min_units_28d", "units the SKU sold in its last 28 comparable days"),
    Minimum("min_days_sold_28d", "days among them it sold on"),
)
HISTORY = Minimum("min_history_days", "days of the store's paid orders up to the day")
RULES = (
    Rule("out_of_stock", ("inventory",), StockoutSettings, detect_out_of_stock, minimums=SELLING),
    Rule("stockout_risk", ("inventory",), StockoutSettings, detect_stockout_risk, minimums=SELLING),
    Rule(
        "slow_moving",
        ("inventory",),
        SlowMovingSettings,
        detect_slow_moving,
        minimums=(
            HISTORY,
            Minimum("min_listed_days", "days since the SKU was listed"),
            Minimum("min_units", "units in stock"),
        ),
    ),
    Rule(
        "expiry_risk",
        ("inventory",),
        ExpirySettings,
        detect_expiry_risk,
        minimums=(HISTORY, Minimum("min_surplus_units", "units expected to expire unsold")),
    ),
)
