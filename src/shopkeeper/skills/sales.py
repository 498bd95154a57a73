"""Data questions about sales: totals over a period, and the best- and worst-selling products.

Every number is computed in SQL on the warehouse; paid orders only (cancelled, closed and unpaid
orders left out), days in the store's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shopkeeper.clock import today
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, currency_of, money, tr
from shopkeeper.store.config import DEFAULT_CURRENCY
from shopkeeper.store.metrics import line_gmv, order_gmv, paid
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


class Period(BaseModel):
    """A span of days: ``start``..``end`` inclusive, or the ``days`` days ending with ``end``."""

    start: dt.date | None = Field(default=None, description="first day (default: from `days`)")
    end: dt.date | None = Field(
        default=None, description="last day (default: the last day with orders)"
    )
    days: int = Field(
        default=7, ge=1, le=3660, description="length of the period when `start` is not given"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


def _bounds(wh: Warehouse, period: Period) -> tuple[dt.date, dt.date]:
    rows = wh.con.execute("SELECT max(CAST(created_at AS DATE)) FROM orders").fetchall()
    last = rows[0][0] or today()
    end = period.end or last
    return period.start or end - dt.timedelta(days=period.days - 1), end


class DaySales(BaseModel):
    """One day's sales."""

    day: dt.date
    gmv: float
    orders: int


class SalesSummary(BaseModel):
    """Totals over a period."""

    start: dt.date
    end: dt.date
    currency: str
    gmv: float = Field(
        description="paid amount of paid orders (pay_amount, else the sum of their lines)"
    )
    orders: int
    buyers: int
    units: int
    aov: float | None = Field(description="average order value: gmv / orders")
    days: list[DaySales]

    def render(self, lang: Lang, currency: str = "") -> str:
        """GMV, orders, buyers, units and the average order value of the period."""
        cur = currency_of(self.currency, currency)
        return tr(
            lang,
            f"{self.start} 至 {self.end}：成交额 {money(self.gmv, cur, lang)}，订单 {self.orders} 笔，"
            f"买家 {self.buyers} 人，件数 {self.units}，客单价 {money(self.aov, cur, lang)}。",
            f"{self.start} to {self.end}: GMV {money(self.gmv, cur, lang)}, {self.orders} orders, "
            f"{self.buyers} buyers, {self.units} units, average order value {money(self.aov, cur, lang)}.",
        )


@skill(tags=("data", "analyst"))
def sales_summary(ctx: SkillContext, args: Period) -> SalesSummary:
    """Sales over a period: GMV, orders, buyers, units, average order value and the daily series."""
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        start, end = _bounds(wh, args)
        rows = wh.con.execute(
            f"""WITH o AS (
                    SELECT o.order_id, o.customer_id, CAST(o.created_at AS DATE) AS day,
                           {order_gmv("o", f"sum({line_gmv()})")}::DOUBLE AS gmv,
                           sum(i.quantity) AS units
                    FROM orders o JOIN order_items i USING (order_id)
                    WHERE {paid()} AND CAST(o.created_at AS DATE) BETWEEN ? AND ?
                    GROUP BY o.order_id, o.customer_id, day, o.pay_amount)
                SELECT day, sum(gmv), count(*), count(DISTINCT customer_id), sum(units) FROM o GROUP BY ROLLUP (day) ORDER BY day NULLS LAST""",
            [start, end],
        ).fetchall()
        config = wh.store_config()
    totals = rows[-1] if rows and rows[-1][0] is None else (None, 0.0, 0, 0, 0)
    gmv, orders, buyers, units = (
        float(totals[1] or 0),
        int(totals[2] or 0),
        int(totals[3] or 0),
        int(totals[4] or 0),
    )
    return SalesSummary(
        start=start,
        end=end,
        currency=config.currency if config else DEFAULT_CURRENCY,
        gmv=round(gmv, 2),
        orders=orders,
        buyers=buyers,
        units=units,
        aov=round(gmv / orders, 2) if orders else None,
        days=[
            DaySales(day=r[0], gmv=round(float(r[1]), 2), orders=int(r[2]))
            for r in rows
            if r[0] is not None
        ],
    )


class TopArgs(Period):
    """Which products to rank."""

    by: Literal["gmv", "units"] = Field(default="gmv", description="rank by sales value or units")
    order: Literal["top", "bottom"] = Field(default="top", description="best or worst sellers")
    limit: int = Field(default=10, ge=1, le=200)
    category: str | None = Field(
        default=None, description="only listings whose category starts with this"
    )


class ProductSales(BaseModel):
    """One listing's sales in the period."""

    product_id: str
    title: str
    category: str
    gmv: float
    units: int
    orders: int


class TopProducts(BaseModel):
    """Listings ranked by sales."""

    start: dt.date
    end: dt.date
    by: str
    products: list[ProductSales]
    currency: str = Field(default="", description="currency of every money field")

    def render(self, lang: Lang, currency: str = "") -> str:
        """The ranking, one listing a line."""
        cur = currency_of(self.currency, currency)
        by = tr(
            lang,
            "成交额" if self.by == "gmv" else "销量",
            "sales value" if self.by == "gmv" else "units",
        )
        head = tr(
            lang,
            f"{self.start} 至 {self.end} 按{by}排名：",
            f"Ranked by {by}, {self.start} to {self.end}:",
        )
        rows = [
            tr(
                lang,
                f"{n}. {p.title}（{p.product_id}）：{money(p.gmv, cur, lang)}，{p.units} 件，{p.orders} 单",
                f"{n}. {p.title} ({p.product_id}): {money(p.gmv, cur, lang)}, {p.units} units, {p.orders} orders",
            )
            for n, p in enumerate(self.products, 1)
        ]
        return "\n".join([head, *rows]) if rows else head + tr(lang, " 没有商品。", " no products.")


@skill(tags=("data", "analyst"))
def top_products(ctx: SkillContext, args: TopArgs) -> TopProducts:
    """The best- (or worst-) selling listings of a period, by sales value or units."""
    direction = "DESC" if args.order == "top" else "ASC"
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        start, end = _bounds(wh, args)
        rows = wh.con.execute(
            f"""WITH sold AS (
                    SELECT p.product_id, sum({line_gmv()})::DOUBLE AS gmv,
                           sum(i.quantity) AS units, count(DISTINCT o.order_id) AS orders
                    FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
                    WHERE {paid()} AND CAST(o.created_at AS DATE) BETWEEN ? AND ? GROUP BY p.product_id),
                listing AS (
                    SELECT product_id, any_value(title) AS title, any_value(category) AS category FROM products
                    WHERE coalesce(status, 'on_sale') = 'on_sale' AND (?::VARCHAR IS NULL OR starts_with(category, ?))
                    GROUP BY product_id)
                SELECT l.product_id, l.title, l.category, coalesce(s.gmv, 0) AS gmv, coalesce(s.units, 0) AS units,
                       coalesce(s.orders, 0) AS orders
                FROM listing l LEFT JOIN sold s USING (product_id)
                ORDER BY {args.by} {direction}, l.product_id LIMIT ?""",
            [start, end, args.category, args.category, args.limit],
        ).fetchall()
        config = wh.store_config()
    return TopProducts(
        start=start,
        end=end,
        by=args.by,
        currency=config.currency if config else DEFAULT_CURRENCY,
        products=[
            ProductSales(
                product_id=r[0],
                title=r[1],
                category=r[2],
                gmv=round(r[3], 2),
                units=int(r[4]),
                orders=int(r[5]),
            )
            for r in rows
        ],
    )


def register(registry: SkillRegistry) -> None:
    """Register the sales skills."""
    registry.register(sales_summary, top_products)
