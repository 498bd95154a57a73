"""Stock questions: what is on hand, how long it lasts, what to reorder and what sits too long.

Stock is the latest inventory snapshot on or before the day asked (summed over warehouses); the
daily sales rate and days of cover are :mod:`shopkeeper.store.sales`'s — the figures the inspection
and the daily report give — unless ``window_days`` asks for the plain mean of paid units over a window. Replenishment covers the SKU's lead time
(``lead_time_days`` of the product, else the argument, else 7) plus safety days (the argument, else
``[targets] safety_days`` in store.toml, else 7), less what is free and in transit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.analytics.inventory import reorder_quantity
from shopkeeper.skills.common import DataAnswer, Recommendation, StoreData, open_store
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, num, tr
from shopkeeper.store.metrics import days_of_cover, paid
from shopkeeper.store.sales import Sales

DEFAULT_LEAD_DAYS = 7
DEFAULT_SAFETY_DAYS = 7


class StockArgs(BaseModel):
    """Which stock to look at."""

    date: dt.date | None = Field(
        default=None,
        description="stock as of this day (default: the last complete day of real trading)",
    )
    window_days: int | None = Field(
        default=None,
        ge=1,
        le=365,
        description="average paid units over this many days (default: the store's normal daily "
        "sales rate, promotions left out, as the inspection and the reports use)",
    )
    lead_time_days: int | None = Field(
        default=None, ge=0, description="lead time for SKUs without their own (default 7)"
    )
    safety_days: int | None = Field(
        default=None,
        ge=0,
        description="safety stock in days of sales (default: store.toml, else 7)",
    )
    overstock_days: int = Field(
        default=90, ge=1, description="more days of cover than this is overstock"
    )
    sku_id: str | None = Field(default=None, description="only this SKU")
    limit: int = Field(default=50, ge=1, le=1000, description="at most this many SKUs per list")


class SkuStock(BaseModel):
    """One SKU's stock position."""

    sku_id: str
    product_id: str
    title: str
    on_hand: int = Field(description="units on hand in the latest snapshot")
    reserved: int = Field(description="units reserved for open orders")
    available: int = Field(description="on_hand − reserved")
    in_transit: int
    snapshot_date: dt.date
    avg_daily_units: float = Field(
        description="daily sales rate: the normal rate, or paid units per day over window_days"
    )
    days_of_cover: float | None = Field(description="available / avg_daily_units; None: no sales")
    lead_time_days: int
    reorder_qty: int = Field(description="units to order now to cover lead time + safety days")
    state: Literal["out_of_stock", "at_risk", "ok", "overstock", "no_sales"] = Field(
        description="out_of_stock: nothing free while selling; at_risk: cover < lead time + safety; "
        "overstock: cover > overstock_days; no_sales: stock but no sales in the window"
    )
    stock_value: float | None = Field(description="available × cost (money), when cost is known")


class StockSummary(BaseModel):
    """Counts over the SKUs with stock data."""

    skus: int
    out_of_stock: int
    at_risk: int
    overstock: int
    no_sales: int
    to_replenish: int = Field(description="SKUs with reorder_qty > 0")
    units_to_order: int


class StockStatus(DataAnswer):
    """Stock position per SKU, the risk and overstock lists and what to reorder."""

    as_of: dt.date | None = None
    window_days: int | None = None
    safety_days: int = DEFAULT_SAFETY_DAYS
    summary: StockSummary | None = None
    at_risk: list[SkuStock] = Field(
        default_factory=list, description="out of stock or at risk, least cover first"
    )
    overstock: list[SkuStock] = Field(
        default_factory=list, description="overstock and no-sales SKUs, most cover first"
    )
    skus: list[SkuStock] = Field(
        default_factory=list, description="every SKU (up to limit), least cover first"
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """Counts per state, what to reorder, then the SKUs at risk and overstocked."""
        s = self.summary or StockSummary(
            skus=0,
            out_of_stock=0,
            at_risk=0,
            overstock=0,
            no_sales=0,
            to_replenish=0,
            units_to_order=0,
        )
        head = tr(
            lang,
            f"截至 {self.as_of}：{s.skus} 个 SKU，断货 {s.out_of_stock} 个，即将断货 {s.at_risk} 个，"
            f"积压 {s.overstock} 个，无销量 {s.no_sales} 个；"
            f"建议补货 {s.to_replenish} 个 SKU 共 {s.units_to_order} 件。",
            f"As of {self.as_of}: {s.skus} SKUs, {s.out_of_stock} out of stock, "
            f"{s.at_risk} at risk, {s.overstock} overstocked, {s.no_sales} not selling; "
            f"reorder {s.units_to_order} units across {s.to_replenish} SKUs.",
        )
        rows = [
            tr(
                lang,
                f"- {r.title}（{r.sku_id}）：可售 {r.available}，在途 {r.in_transit}，"
                f"日均 {num(r.avg_daily_units)} 件，可卖 {num(r.days_of_cover)} 天，建议补 {r.reorder_qty} 件",
                f"- {r.title} ({r.sku_id}): {r.available} available, {r.in_transit} in transit, "
                f"{num(r.avg_daily_units)}/day, {num(r.days_of_cover)} days of cover, reorder {r.reorder_qty}",
            )
            for r in self.at_risk + self.overstock
        ]
        return self.join(lang, head, rows)


def _rows(d: StoreData, args: StockArgs, as_of: dt.date) -> list[dict[str, Any]]:
    rows = [
        r
        for r in Sales(d, as_of).stock()
        if (r["status"] or "on_sale") == "on_sale" and args.sku_id in (None, r["sku_id"])
    ]
    if args.window_days is not None:
        sold = _window_units(d, as_of - dt.timedelta(days=args.window_days - 1), as_of)
        for r in rows:
            r["rate"] = sold.get(r["sku_id"], 0) / args.window_days
    return rows


def _window_units(d: StoreData, start: dt.date, end: dt.date) -> dict[str, float]:
    """Paid units per SKU from ``start`` to ``end``."""
    return {
        r["sku_id"]: float(r["units"])
        for r in d.rows(
            f"""SELECT i.sku_id, sum(i.quantity) AS units FROM orders o JOIN order_items i USING (order_id)
                WHERE {paid()} AND local_day(o.created_at) BETWEEN ? AND ? GROUP BY 1""",
            [start, end],
        )
    }


def _sku(r: dict[str, Any], args: StockArgs, safety: int) -> SkuStock:
    daily = float(r["rate"])
    available = int(r["available"])
    lead = int(
        r["lead_time_days"]
        if r["lead_time_days"] is not None
        else args.lead_time_days or DEFAULT_LEAD_DAYS
    )
    cover = days_of_cover(available, daily)
    qty = reorder_quantity(
        daily=daily,
        available=available,
        in_transit=int(r["in_transit"]),
        lead_time_days=lead,
        safety_days=safety,
    )
    state: Literal["out_of_stock", "at_risk", "ok", "overstock", "no_sales"]
    if cover is None:
        state = "no_sales" if available > 0 else "ok"
    elif available <= 0:
        state = "out_of_stock"
    elif cover < lead + safety:
        state = "at_risk"
    elif cover > args.overstock_days:
        state = "overstock"
    else:
        state = "ok"
    cost = r["cost"]
    return SkuStock(
        sku_id=str(r["sku_id"]),
        product_id=str(r["product_id"]),
        title=str(r["title"]),
        on_hand=int(r["on_hand"]),
        reserved=int(r["reserved"]),
        available=available,
        in_transit=int(r["in_transit"]),
        snapshot_date=r["snap_date"],
        avg_daily_units=round(daily, 3),
        days_of_cover=None if cover is None else round(cover, 1),
        lead_time_days=lead,
        reorder_qty=qty,
        state=state,
        stock_value=round(max(available, 0) * float(cost), 2) if cost is not None else None,
    )


def _advice(d: StoreData, at_risk: list[SkuStock], over: list[SkuStock]) -> list[Recommendation]:
    out = [
        Recommendation(
            text=d.text(
                f"补货 {s.title}（{s.sku_id}）{s.reorder_qty} 件：可售 {s.available} 件，日均 {num(s.avg_daily_units)} 件，"
                f"约 {num(s.days_of_cover or 0)} 天卖完，补货周期 {s.lead_time_days} 天",
                f"Reorder {s.reorder_qty} of {s.title} ({s.sku_id}): {s.available} free, selling "
                f"{num(s.avg_daily_units)}/day, {num(s.days_of_cover or 0)} days of cover, lead time {s.lead_time_days} days",
            ),
            action="replenish",
            params={"sku_id": s.sku_id, "quantity": s.reorder_qty},
        )
        for s in at_risk[:5]
        if s.reorder_qty > 0
    ]
    for s in over[:3]:
        out.append(
            Recommendation(
                text=d.text(
                    f"{s.title}（{s.sku_id}）库存 {s.available} 件"
                    + (f"够卖 {s.days_of_cover:g} 天" if s.days_of_cover else "，窗口内无销量")
                    + "：暂停补货，考虑搭配促销或清仓",
                    f"{s.title} ({s.sku_id}) holds {s.available} units"
                    + (
                        f", {s.days_of_cover:g} days of cover"
                        if s.days_of_cover
                        else ", no sales in the window"
                    )
                    + ": stop reordering, bundle or clear it",
                )
            )
        )
    return out


@skill(tags=("data", "analyst", "orders"))
def stock_status(ctx: SkillContext, args: StockArgs) -> StockStatus:
    """Stock per SKU: on hand, daily sales, days of cover, stock-out risks, overstock and what to reorder."""
    with open_store(ctx) as d:
        base = d.answer_base("inventory")
        if base["missing"]:
            return StockStatus(**base, window_days=args.window_days)
        as_of = args.date or d.window_end()
        targets = d.config.targets.model_extra if d.config else None
        safety = args.safety_days
        if safety is None:
            safety = int((targets or {}).get("safety_days", DEFAULT_SAFETY_DAYS))
        skus = [_sku(r, args, safety) for r in _rows(d, args, as_of)]
        skus.sort(key=lambda s: (s.days_of_cover is None, s.days_of_cover or 0.0, s.sku_id))
        risky = [s for s in skus if s.state in ("out_of_stock", "at_risk")]
        over = sorted(
            (s for s in skus if s.state in ("overstock", "no_sales")),
            key=lambda s: (s.days_of_cover is not None, -(s.days_of_cover or 0), -s.available),
        )
        summary = StockSummary(
            skus=len(skus),
            out_of_stock=sum(s.state == "out_of_stock" for s in skus),
            at_risk=sum(s.state == "at_risk" for s in skus),
            overstock=sum(s.state == "overstock" for s in skus),
            no_sales=sum(s.state == "no_sales" for s in skus),
            to_replenish=sum(s.reorder_qty > 0 for s in skus),
            units_to_order=sum(s.reorder_qty for s in skus),
        )
        return StockStatus(
            **base,
            as_of=as_of,
            window_days=args.window_days,
            safety_days=safety,
            summary=summary,
            at_risk=risky[: args.limit],
            overstock=over[: args.limit],
            skus=skus[: args.limit],
            recommendations=_advice(d, risky, over),
        )


def register(registry: SkillRegistry) -> None:
    """Register the stock skills."""
    registry.register(stock_status)
