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
from shopkeeper.store.coverage import default_day
from shopkeeper.store.metrics import line_gmv, order_gmv, paid
from shopkeeper.store.outliers import is_outlier, outlier_order_ids
from shopkeeper.store.query import Query
from shopkeeper.store.warehouse import Warehouse, existing_store_dir
from shopkeeper.text import change as text_change


class Period(BaseModel):
    """A span of days: ``start``..``end`` inclusive, or the ``days`` days ending with ``end``."""

    start: dt.date | None = Field(default=None, description="first day (default: from `days`)")
    end: dt.date | None = Field(
        default=None, description="last day (default: the last complete day of real trading)"
    )
    days: int = Field(
        default=7, ge=1, le=3660, description="length of the period when `start` is not given"
    )
    offset_days: int = Field(
        default=0,
        ge=0,
        le=3660,
        description="move the default end this many days earlier (7 with days=1: the same day "
        "a week before)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


def _bounds(wh: Warehouse, period: Period) -> tuple[dt.date, dt.date]:
    last = default_day(wh.con) or today()  # the last complete day of real trading
    end = period.end or last - dt.timedelta(days=period.offset_days)
    return period.start or end - dt.timedelta(days=period.days - 1), end


class Totals(BaseModel):
    """Paid orders' totals over ``start``..``end`` (one definition, shared by every comparison)."""

    gmv: float
    orders: int
    buyers: int
    units: int


def paid_totals(wh: Warehouse, start: dt.date, end: dt.date) -> Totals:
    """GMV, orders, buyers and units of the paid orders placed ``start``..``end``."""
    row = wh.con.execute(
        f"""WITH o AS (
                SELECT o.order_id, o.customer_id,
                       {order_gmv("o", f"sum({line_gmv()})")}::DOUBLE AS gmv, sum(i.quantity) AS units
                FROM orders o JOIN order_items i USING (order_id)
                WHERE {paid()} AND local_day(o.created_at) BETWEEN ? AND ?
                GROUP BY o.order_id, o.customer_id, o.pay_amount)
            SELECT coalesce(sum(gmv), 0), count(*), count(DISTINCT customer_id), coalesce(sum(units), 0)
            FROM o""",
        [start, end],
    ).fetchone()
    gmv, orders, buyers, units = row if row else (0.0, 0, 0, 0)
    return Totals(
        gmv=round(float(gmv), 2), orders=int(orders), buyers=int(buyers), units=int(units)
    )


def previous_days(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The window of the same length just before ``start..end``.

    >>> previous_days(dt.date(2026, 11, 15), dt.date(2026, 11, 21))
    (datetime.date(2026, 11, 8), datetime.date(2026, 11, 14))
    """
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def vs_previous(now: float, before: float | None, days: int, lang: Lang) -> str:
    """The change against the period before, as said after a figure ("−26.6% vs the previous 14 days").

    >>> vs_previous(73.4, 100.0, 14, "en"), vs_previous(155.0, 100.0, 7, "zh")
    ('-26.6% vs the previous 14 days', '比前 7 天 +55.0%')
    >>> vs_previous(5.0, 0.0, 7, "en")
    'nothing sold in the previous 7 days'
    """
    if not before:
        return tr(lang, f"前 {days} 天没有成交", f"nothing sold in the previous {days} days")
    moved = text_change((now - before) / before)
    return tr(lang, f"比前 {days} 天 {moved}", f"{moved} vs the previous {days} days")


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
    gmv_prev: float | None = Field(
        default=None, description="GMV of the same number of days just before (the comparison)"
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """GMV, orders, buyers, units and the average order value of the period."""
        cur = currency_of(self.currency, currency)
        return tr(
            lang,
            f"{self.start} 至 {self.end}：成交额 {money(self.gmv, cur, lang)}，订单 {self.orders} 笔，"
            f"买家 {self.buyers} 人，件数 {self.units}，客单价 {money(self.aov, cur, lang)}。",
            f"{self.start} to {self.end}: GMV {money(self.gmv, cur, lang)}, {self.orders} orders, "
            f"{self.buyers} buyers, {self.units} units, average order value {money(self.aov, cur, lang)}.",
        ) + self._compared(lang)

    def _compared(self, lang: Lang) -> str:
        if self.gmv_prev is None:
            return ""
        days = (self.end - self.start).days + 1
        said = vs_previous(self.gmv, self.gmv_prev, days, lang)
        return tr(lang, f"成交额{said}。", f" GMV {said}.")


@skill(tags=("data", "analyst"))
def sales_summary(ctx: SkillContext, args: Period) -> SalesSummary:
    """Sales over a period: GMV, orders, buyers, units, average order value and the daily series."""
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        start, end = _bounds(wh, args)
        rows = wh.con.execute(
            f"""WITH o AS (
                    SELECT o.order_id, o.customer_id, local_day(o.created_at) AS day,
                           {order_gmv("o", f"sum({line_gmv()})")}::DOUBLE AS gmv,
                           sum(i.quantity) AS units
                    FROM orders o JOIN order_items i USING (order_id)
                    WHERE {paid()} AND local_day(o.created_at) BETWEEN ? AND ?
                    GROUP BY o.order_id, o.customer_id, day, o.pay_amount)
                SELECT day, sum(gmv), count(*), count(DISTINCT customer_id), sum(units) FROM o GROUP BY ROLLUP (day) ORDER BY day NULLS LAST""",
            [start, end],
        ).fetchall()
        gmv_prev = paid_totals(wh, *previous_days(start, end)).gmv
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
        gmv_prev=gmv_prev,
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
    """One listing's sales in the period, outlier orders apart (they are not a listing's trend)."""

    product_id: str
    title: str
    category: str
    gmv: float
    units: int
    orders: int
    outlier_gmv: float = Field(
        default=0.0, description="sales in outlier orders (a bulk or mistyped order), not ranked"
    )
    outlier_units: int = Field(default=0, description="units in those orders")


class TopProducts(BaseModel):
    """Listings ranked by sales."""

    start: dt.date
    end: dt.date
    by: str
    products: list[ProductSales]
    currency: str = Field(default="", description="currency of every money field")
    outlier_orders: list[str] = Field(
        default_factory=list,
        description="outlier orders of the period (see the outlier_order finding), left out of the ranking",
    )

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
            + _outlier_note(p, cur, lang)
            for n, p in enumerate(self.products, 1)
        ]
        return "\n".join([head, *rows]) if rows else head + tr(lang, " 没有商品。", " no products.")


def _outlier_note(p: ProductSales, currency: str, lang: Lang) -> str:
    if not p.outlier_units:
        return ""
    return tr(
        lang,
        f"（另有异常大单 {money(p.outlier_gmv, currency, lang)}、{p.outlier_units} 件，未计入排名）",
        f" (plus {money(p.outlier_gmv, currency, lang)}, {p.outlier_units} units in outlier orders, not ranked)",
    )


@skill(tags=("data", "analyst"))
def top_products(ctx: SkillContext, args: TopArgs) -> TopProducts:
    """The best- (or worst-) selling listings of a period, by sales value or units."""
    direction = "DESC" if args.order == "top" else "ASC"
    with Warehouse.open(existing_store_dir(ctx.settings, ctx.store), read_only=True) as wh:
        start, end = _bounds(wh, args)
        outliers = outlier_order_ids(Query(wh.con, {}), start, end)
        big = is_outlier(outliers)
        rows = wh.con.execute(
            f"""WITH sold AS (
                    SELECT p.product_id, coalesce(sum({line_gmv()}) FILTER (WHERE NOT big), 0)::DOUBLE AS gmv,
                           coalesce(sum(i.quantity) FILTER (WHERE NOT big), 0) AS units,
                           count(DISTINCT o.order_id) FILTER (WHERE NOT big) AS orders,
                           coalesce(sum({line_gmv()}) FILTER (WHERE big), 0)::DOUBLE AS outlier_gmv,
                           coalesce(sum(i.quantity) FILTER (WHERE big), 0) AS outlier_units
                    FROM (SELECT *, {big} AS big FROM orders o) o JOIN order_items i USING (order_id)
                    JOIN products p USING (sku_id)
                    WHERE {paid()} AND local_day(o.created_at) BETWEEN ? AND ? GROUP BY p.product_id),
                listing AS (
                    SELECT product_id, any_value(title) AS title, any_value(category) AS category FROM products
                    WHERE coalesce(status, 'on_sale') = 'on_sale' AND (?::VARCHAR IS NULL OR starts_with(category, ?))
                    GROUP BY product_id)
                SELECT l.product_id, l.title, l.category, coalesce(s.gmv, 0) AS gmv, coalesce(s.units, 0) AS units,
                       coalesce(s.orders, 0) AS orders, coalesce(s.outlier_gmv, 0) AS outlier_gmv,
                       coalesce(s.outlier_units, 0) AS outlier_units
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
                outlier_gmv=round(r[6], 2),
                outlier_units=int(r[7]),
            )
            for r in rows
        ],
        outlier_orders=outliers,
    )


def register(registry: SkillRegistry) -> None:
    """Register the sales skills."""
    registry.register(sales_summary, top_products)
