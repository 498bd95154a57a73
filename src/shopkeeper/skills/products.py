"""Product questions: how each listing performs, which search terms bring buyers, what sells together.

Sales are paid orders by the day they were placed (store time); visitors come from ``traffic``;
a listing's conversion rate is its paying buyers / its visitors.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import wilson_upper
from shopkeeper.reports.movers import MIN_ORDERS
from shopkeeper.skills.bundles import copurchase_bundles
from shopkeeper.skills.common import (
    DataAnswer,
    PeriodArgs,
    Recommendation,
    StoreData,
    open_store,
    pct_change,
    previous_window,
)
from shopkeeper.skills.keywords import keyword_analysis
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, change, money, num, pct, tr
from shopkeeper.store.metrics import conversion, line_gmv, paid, refund_rate
from shopkeeper.store.outliers import is_outlier, outlier_order_ids


class PerformanceArgs(PeriodArgs):
    """Which listings to rank, over which period (default: the last 30 days)."""

    sort_by: Literal[
        "gmv", "orders", "visitors", "conversion_rate", "refund_rate", "gmv_change_pct"
    ] = Field(default="gmv", description="rank by this field")
    order: Literal["desc", "asc"] = Field(default="desc", description="highest or lowest first")
    limit: int = Field(default=20, ge=1, le=500, description="at most this many listings")
    category: str | None = Field(default=None, description="only categories starting with this")
    min_visitors: int = Field(
        default=100, ge=1, description="visitors a listing needs to be judged on its conversion"
    )


class ProductRow(BaseModel):
    """One listing over the period, against the period before."""

    product_id: str
    title: str
    category: str
    visitors: int | None = Field(description="unique visitors (None without traffic data)")
    visitors_change_pct: float | None
    buyers: int = Field(description="distinct paying buyers")
    conversion_rate: float | None = Field(description="buyers / visitors (0-1)")
    orders: int
    orders_prev: int = Field(default=0, description="orders of the period before")
    units: int
    gmv: float = Field(description="paid amount of its order lines (money)")
    gmv_prev: float = Field(description="GMV of the period before (money)")
    gmv_change_pct: float | None
    refund_orders: int = Field(description="orders with a refund case opened in the period")
    refund_rate: float | None = Field(description="refund_orders / orders (0-1)")
    low_conversion: bool = Field(
        description="enough visitors and conversion clearly below the store median (Wilson 95%)"
    )


class ProductPerformance(DataAnswer):
    """Listings ranked, with the low-converting ones flagged."""

    start: dt.date | None = None
    end: dt.date | None = None
    median_conversion_rate: float | None = Field(
        default=None, description="median conversion of listings with min_visitors or more"
    )
    low_conversion: list[str] = Field(
        default_factory=list, description="product_ids flagged low_conversion, most visitors first"
    )
    products: list[ProductRow] = Field(default_factory=list)
    outlier_orders: list[str] = Field(
        default_factory=list,
        description="outlier orders of the two periods (a bulk or mistyped order), left out of every figure",
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """Median conversion, the listings that convert below it first, then the rest."""
        low, cur = set(self.low_conversion), self.money_in(currency)
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：店铺转化率中位数 {pct(self.median_conversion_rate)}，"
            f"转化偏低的商品 {len(low)} 个。",
            f"{self.start} to {self.end}: median conversion {pct(self.median_conversion_rate)}; "
            f"{len(low)} listings convert clearly below it.",
        )
        items = sorted(self.products, key=lambda r: r.product_id not in low)
        rows = [
            tr(
                lang,
                f"- {'⚠ ' if r.product_id in low else ''}{r.title}：访客 {num(r.visitors)}，转化率 {pct(r.conversion_rate)}，"
                f"{r.orders} 单，成交 {money(r.gmv, cur, lang)}{change(r.gmv_change_pct)}，退款率 {pct(r.refund_rate)}",
                f"- {'⚠ ' if r.product_id in low else ''}{r.title}: {num(r.visitors)} visitors, conversion {pct(r.conversion_rate)}, "
                f"{r.orders} orders, GMV {money(r.gmv, cur, lang)}{change(r.gmv_change_pct)}, refunds {pct(r.refund_rate)}",
            )
            for r in items
        ]
        return self.join(lang, head, rows)


def _facts(d: StoreData, args: PerformanceArgs, outliers: list[str]) -> list[dict[str, Any]]:
    start, end = d.window(args)
    pstart, pend = previous_window(start, end)
    traffic = (
        """SELECT product_id, sum(visitors) FILTER (WHERE date BETWEEN $s AND $e) AS visitors,
                  sum(visitors) FILTER (WHERE date BETWEEN $ps AND $pe) AS visitors_prev
           FROM traffic WHERE date BETWEEN $ps AND $e GROUP BY 1"""
        if d.has("traffic")
        else "SELECT NULL::VARCHAR AS product_id, NULL::BIGINT AS visitors, NULL::BIGINT AS visitors_prev WHERE $pe::DATE IS NULL"
    )
    refunds = (
        f"""SELECT DISTINCT p.product_id, r.order_id FROM refunds r
                JOIN order_items i ON i.order_id = r.order_id AND (r.sku_id IS NULL OR r.sku_id = i.sku_id)
                JOIN products p ON p.sku_id = i.sku_id JOIN orders o ON o.order_id = r.order_id
            WHERE {paid()} AND local_day(o.created_at) BETWEEN $s AND $e"""
        if d.has("refunds")
        else "SELECT NULL::VARCHAR AS product_id, NULL::VARCHAR AS order_id WHERE false"
    )
    return d.rows(
        f"""WITH lines AS (
                SELECT p.product_id, o.order_id, o.customer_id, i.quantity, {line_gmv()}::DOUBLE AS gmv,
                       local_day(o.created_at) BETWEEN $s AND $e AS now
                FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
                WHERE {paid()} AND NOT {is_outlier(outliers)}
                  AND local_day(o.created_at) BETWEEN $ps AND $e),
            sold AS (
                SELECT product_id, count(DISTINCT order_id) FILTER (WHERE now) AS orders,
                       count(DISTINCT order_id) FILTER (WHERE NOT now) AS orders_prev,
                       count(DISTINCT customer_id) FILTER (WHERE now) AS buyers,
                       coalesce(sum(quantity) FILTER (WHERE now), 0) AS units,
                       coalesce(sum(gmv) FILTER (WHERE now), 0) AS gmv,
                       coalesce(sum(gmv) FILTER (WHERE NOT now), 0) AS gmv_prev
                FROM lines GROUP BY 1),
            t AS ({traffic}),
            rf AS (SELECT product_id, count(*) AS refund_orders FROM ({refunds}) GROUP BY 1),
            listing AS (SELECT product_id, any_value(title) AS title, any_value(category) AS category
                        FROM products WHERE $cat IS NULL OR starts_with(category, $cat) GROUP BY 1)
            SELECT l.product_id, l.title, l.category, t.visitors, t.visitors_prev,
                   coalesce(s.buyers, 0) AS buyers, coalesce(s.orders, 0) AS orders,
                   coalesce(s.orders_prev, 0) AS orders_prev,
                   coalesce(s.units, 0) AS units, coalesce(s.gmv, 0) AS gmv, coalesce(s.gmv_prev, 0) AS gmv_prev,
                   coalesce(rf.refund_orders, 0) AS refund_orders
            FROM listing l LEFT JOIN sold s USING (product_id) LEFT JOIN t USING (product_id)
                 LEFT JOIN rf USING (product_id)
            WHERE s.product_id IS NOT NULL OR t.product_id IS NOT NULL""",
        {"s": start, "e": end, "ps": pstart, "pe": pend, "cat": args.category},
    )


def _row(r: dict[str, Any], traffic: bool, median: float | None, min_visitors: int) -> ProductRow:
    visitors = int(r["visitors"] or 0) if traffic else None
    buyers = int(r["buyers"])
    low = bool(
        visitors is not None
        and median is not None
        and visitors >= min_visitors
        and float(wilson_upper(buyers, visitors)) < median
    )
    return ProductRow(
        product_id=r["product_id"],
        title=r["title"],
        category=r["category"],
        visitors=visitors,
        visitors_change_pct=pct_change(visitors, float(r["visitors_prev"] or 0))
        if visitors is not None
        else None,
        buyers=buyers,
        conversion_rate=conversion(buyers, visitors) if visitors is not None else None,
        orders=int(r["orders"]),
        orders_prev=int(r["orders_prev"]),
        units=int(r["units"]),
        gmv=round(r["gmv"], 2),
        gmv_prev=round(r["gmv_prev"], 2),
        gmv_change_pct=pct_change(r["gmv"], r["gmv_prev"]),
        refund_orders=int(r["refund_orders"]),
        refund_rate=refund_rate(int(r["refund_orders"]), int(r["orders"])),
        low_conversion=low,
    )


def _advice(d: StoreData, rows: list[ProductRow], low: list[ProductRow]) -> list[Recommendation]:
    out = [
        Recommendation(
            text=d.text(
                f"{p.title}：{p.visitors} 访客只成交 {p.buyers} 人（转化 {(p.conversion_rate or 0):.2%}，"
                "低于店铺中位数）：检查主图、价格、评价和详情页",
                f"{p.title}: {p.visitors} visitors but {p.buyers} buyers ({(p.conversion_rate or 0):.2%}, "
                "below the store median): check the main image, price, reviews and description",
            )
        )
        for p in low[:3]
    ]
    drops = sorted(
        (
            p
            for p in rows
            if p.gmv_change_pct is not None
            and p.gmv_change_pct <= -30
            and p.gmv_prev > 0
            and p.orders_prev >= MIN_ORDERS  # one past sale gone is not "sales fell 100%"
        ),
        key=lambda p: p.gmv - p.gmv_prev,
    )
    out += [
        Recommendation(
            text=d.text(
                f"{p.title} 销售额下降 {-(p.gmv_change_pct or 0):.0f}%（{p.gmv_prev:,.0f} → {p.gmv:,.0f}）：查流量来源、库存和竞品价格",
                f"{p.title} sales fell {-(p.gmv_change_pct or 0):.0f}% ({p.gmv_prev:,.0f} → {p.gmv:,.0f}): "
                "check its traffic sources, stock and competitors' prices",
            )
        )
        for p in drops[:2]
    ]
    return out


@skill(tags=("data", "analyst"))
def product_performance(ctx: SkillContext, args: PerformanceArgs) -> ProductPerformance:
    """Per listing: visitors, conversion, orders, GMV, refund rate and change vs the period before; flags low converters."""
    with open_store(ctx) as d:
        start, end = d.window(args)
        base = d.answer_base("traffic", "refunds")
        pstart = previous_window(start, end)[0]
        outliers = outlier_order_ids(d, pstart, end)
        facts = _facts(d, args, outliers)
        traffic = d.has("traffic")
        judged = [
            int(r["buyers"]) / int(r["visitors"])
            for r in facts
            if traffic and int(r["visitors"] or 0) >= args.min_visitors
        ]
        median = statistics.median(judged) if judged else None
        rows = [_row(r, traffic, median, args.min_visitors) for r in facts]
        if d.has("refunds") and d.unknown("refunds", start, end):  # unknown, not 0%
            for row in rows:
                row.refund_rate = None
            base["note"] = d.gap_note("refunds", start, end)
        key = args.sort_by
        present = [r for r in rows if getattr(r, key) is not None]
        present.sort(key=lambda r: (getattr(r, key), r.product_id), reverse=args.order == "desc")
        ranked = present + [r for r in rows if getattr(r, key) is None]
        low = sorted((r for r in rows if r.low_conversion), key=lambda r: -(r.visitors or 0))
        return ProductPerformance(
            **base,
            start=start,
            end=end,
            median_conversion_rate=round(median, 4) if median is not None else None,
            low_conversion=[r.product_id for r in low],
            products=ranked[: args.limit],
            outlier_orders=outliers,
            recommendations=_advice(d, rows, low),
        )


def register(registry: SkillRegistry) -> None:
    """Register the product skills."""
    registry.register(product_performance, keyword_analysis, copurchase_bundles)
