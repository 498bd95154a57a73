"""The operations cut: stock, shipping and listings."""

from __future__ import annotations

import datetime as dt

from shopkeeper.reports.models import (
    ListingRow,
    ListingsSection,
    ShippingSection,
    StockRow,
    StockSection,
    Window,
)
from shopkeeper.store.metrics import conversion, line_gmv, paid
from shopkeeper.store.outliers import is_outlier, outlier_order_ids
from shopkeeper.store.query import Query
from shopkeeper.store.sales import Sales

LOW_COVER_DAYS = 7
FRESH_DAYS = 3
"""A SKU's stock counts when its latest snapshot is at most this many days old (as the inspection)."""


def stock_section(db: Query, end: dt.date) -> StockSection:
    """On-sale SKUs, those out of stock or under a week of cover on their latest snapshot up to ``end``.

    Available stock, the daily sales rate and days of cover are :mod:`shopkeeper.store.sales`'s,
    the figures the inspection and the stock skill give.
    """
    if not db.has("inventory"):
        return StockSection(available=False, missing=["inventory"])
    snap = db.scalar("SELECT max(date) FROM inventory WHERE date <= ?", [end])
    if snap is None:
        return StockSection(available=False, missing=["inventory"])
    on_sale = db.scalar(
        "SELECT count(*) FROM products WHERE coalesce(status, 'on_sale') = 'on_sale'"
    )
    rows = [
        r
        for r in Sales(db, end).stock(fresh_days=FRESH_DAYS)
        if (r["status"] or "on_sale") == "on_sale"
    ]
    selling = [r for r in rows if r["cover"] is not None]
    risky = sorted(
        (r for r in selling if r["cover"] < LOW_COVER_DAYS), key=lambda r: (r["cover"], -r["rate"])
    )
    values = [r["on_hand"] * r["cost"] for r in rows if r["cost"] is not None]
    return StockSection(
        snapshot=snap,
        on_sale_skus=int(on_sale or 0),
        out_of_stock=sum(1 for r in selling if r["available"] <= 0),
        low_cover=sum(1 for r in selling if r["available"] > 0 and r["cover"] < LOW_COVER_DAYS),
        stock_value=sum(values) if values else None,
        at_risk=[
            StockRow(
                sku_id=str(r["sku_id"]),
                title=str(r["title"]),
                available=int(r["available"]),
                daily_sales=round(float(r["rate"]), 2),
                days_of_cover=round(float(r["cover"]), 1),
            )
            for r in risky[:5]
        ],
    )


def shipping_section(
    db: Query, period: Window, hours: float, due: float | None, on_time: float | None
) -> ShippingSection:
    """Orders due in the period, on time and late; orders past the promise and still unshipped at its end."""
    if due is None or on_time is None:
        return ShippingSection(available=False, missing=["orders.shipped_at"], promise_hours=hours)
    interval = f"to_microseconds(CAST({hours} * 3600e6 AS BIGINT))"
    overdue = db.scalar(
        f"""SELECT count(*) FROM orders WHERE {paid("")} AND paid_at IS NOT NULL
              AND local_day(paid_at) >= ?::DATE - INTERVAL 30 DAY
              AND local_day(paid_at + {interval}) <= ?
              AND (shipped_at IS NULL OR local_day(shipped_at) > ?)""",
        [period.end, period.end, period.end],
    )
    avg_hours = db.scalar(
        """SELECT avg(epoch(shipped_at - paid_at)) / 3600 FROM orders
           WHERE shipped_at IS NOT NULL AND paid_at IS NOT NULL AND local_day(shipped_at) BETWEEN ? AND ?""",
        [period.start, period.end],
    )
    return ShippingSection(
        promise_hours=hours,
        due=int(due),
        on_time=int(on_time),
        late=int(due - on_time),
        overdue_now=int(overdue or 0),
        avg_hours_to_ship=round(float(avg_hours), 1) if avg_hours is not None else None,
    )


def listings_section(db: Query, period: Window) -> ListingsSection:
    """Listings on sale, those with sales in the period, and the five best by GMV — outlier orders
    (:mod:`shopkeeper.store.outliers`) left out, so one bulk order does not make a best-seller.
    """
    on_sale = db.scalar(
        "SELECT count(DISTINCT product_id) FROM products WHERE coalesce(status, 'on_sale') = 'on_sale'"
    )
    traffic = (
        f"""LEFT JOIN (SELECT product_id, sum(visitors) AS visitors FROM traffic
                      WHERE date BETWEEN DATE '{period.start}' AND DATE '{period.end}' GROUP BY 1) t USING (product_id)"""
        if db.has("traffic")
        else ""
    )
    visitors = "t.visitors" if traffic else "NULL::BIGINT"
    big = is_outlier(outlier_order_ids(db, period.start, period.end))
    rows = db.rows(
        f"""WITH s AS (SELECT p.product_id, any_value(p.title) AS title,
                              sum({line_gmv()}) AS gmv,
                              count(DISTINCT o.order_id) AS orders, count(DISTINCT o.customer_id) AS buyers
                       FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
                       WHERE {paid()} AND NOT {big} AND local_day(o.created_at) BETWEEN ? AND ?
                       GROUP BY 1)
            SELECT s.*, {visitors} AS visitors, count(*) OVER () AS selling FROM s {traffic}
            ORDER BY gmv DESC LIMIT 5""",
        [period.start, period.end],
    )
    return ListingsSection(
        on_sale=int(on_sale or 0),
        selling=int(rows[0]["selling"]) if rows else 0,
        top=[
            ListingRow(
                product_id=str(r["product_id"]),
                title=str(r["title"]),
                gmv=float(r["gmv"]),
                orders=int(r["orders"]),
                visitors=int(r["visitors"]) if r["visitors"] is not None else None,
                conversion=conversion(r["buyers"], r["visitors"] or 0),
            )
            for r in rows
        ],
    )
