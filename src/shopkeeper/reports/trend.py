"""The 30-day daily trend, the funnel, upcoming promotions and the period's top sellers."""

from __future__ import annotations

import datetime as dt

from shopkeeper.reports.kpis import AD_ROWS, Components
from shopkeeper.reports.models import Funnel, TrendPoint, UpcomingPromotion, Window
from shopkeeper.store.metrics import line_gmv, order_gmv, paid, refund_counted
from shopkeeper.store.outliers import is_outlier, outlier_order_ids
from shopkeeper.store.query import Query

PROMO_HORIZON_DAYS = 14


def daily_trend(db: Query, window: Window) -> list[TrendPoint]:
    """GMV, orders, visitors, ad spend and refund cases per day (every day, zero when nothing sold)."""
    s, e = f"DATE '{window.start}'", f"DATE '{window.end}'"
    parts = {
        "o": f"""SELECT local_day(o.created_at) AS d, sum(coalesce({order_gmv("o", "i.total")}, 0)) AS gmv, count(*) AS orders
                 FROM orders o LEFT JOIN (SELECT order_id, sum({line_gmv("")}) AS total
                                          FROM order_items GROUP BY 1) i USING (order_id)
                 WHERE {paid()} AND local_day(o.created_at) BETWEEN {s} AND {e} GROUP BY 1""",
    }
    cols = {"visitors": "NULL", "ad_spend": "NULL", "ad_gmv": "NULL", "refunds": "NULL"}
    if db.has("traffic"):
        parts["t"] = (
            f"SELECT date AS d, sum(visitors) AS visitors FROM traffic WHERE date BETWEEN {s} AND {e} GROUP BY 1"
        )
        cols["visitors"] = "coalesce(t.visitors, 0)"
    if db.has("ad_campaigns"):
        parts[
            "a"
        ] = f"""SELECT date AS d, sum(spend) AS ad_spend, sum(gmv) AS ad_gmv FROM ({AD_ROWS})
                         WHERE date BETWEEN {s} AND {e} GROUP BY 1"""
        cols["ad_spend"], cols["ad_gmv"] = "coalesce(a.ad_spend, 0)", "coalesce(a.ad_gmv, 0)"
    if db.has("refunds"):
        parts["r"] = f"""SELECT local_day(created_at) AS d, count(*) AS refunds FROM refunds
                         WHERE {refund_counted("")}
                           AND local_day(created_at) BETWEEN {s} AND {e} GROUP BY 1"""
        cols["refunds"] = "coalesce(r.refunds, 0)"
    ctes = ", ".join(f"{name} AS ({sql})" for name, sql in parts.items())
    joins = " ".join(f"LEFT JOIN {name} USING (d)" for name in parts)
    rows = db.rows(
        f"""WITH days AS (SELECT CAST(range AS DATE) AS d FROM range({s}, {e} + INTERVAL 1 DAY, INTERVAL 1 DAY)), {ctes}
            SELECT days.d, coalesce(o.gmv, 0) AS gmv, coalesce(o.orders, 0) AS orders,
                   {cols["visitors"]} AS visitors, {cols["ad_spend"]} AS ad_spend,
                   {cols["ad_gmv"]} AS ad_gmv, {cols["refunds"]} AS refunds
            FROM days {joins} ORDER BY days.d"""
    )
    return [
        TrendPoint(
            date=r["d"],
            gmv=float(r["gmv"]),
            orders=int(r["orders"]),
            visitors=r["visitors"],
            ad_spend=r["ad_spend"],
            ad_gmv=r["ad_gmv"],
            refunds=r["refunds"],
        )
        for r in rows
    ]


def funnel(now: Components) -> Funnel | None:
    """Visitors → add-to-cart → buyers of the period (``None`` without traffic)."""
    if now.get("visitors") is None:
        return None
    atc = now.get("add_to_cart")
    return Funnel(
        visitors=int(now["visitors"] or 0),
        add_to_cart=int(atc) if atc else None,
        buyers=int(now["buyers"] or 0),
    )


def upcoming_promotions(db: Query, end: dt.date) -> list[UpcomingPromotion]:
    """Promotions (not standing coupons) starting within two weeks after ``end``."""
    if not db.has("promotions"):
        return []
    rows = db.rows(
        f"""SELECT promotion_id, name, kind, local_day(start_at) AS start FROM promotions
            WHERE kind <> 'coupon' AND local_day(start_at) > ? AND local_day(start_at) <= ?::DATE + INTERVAL {PROMO_HORIZON_DAYS} DAY
            ORDER BY start, promotion_id""",
        [end, end],
    )
    return [
        UpcomingPromotion(
            promotion_id=str(r["promotion_id"]),
            name=str(r["name"]),
            kind=str(r["kind"]),
            start=r["start"],
            days_away=(r["start"] - end).days,
        )
        for r in rows
    ]


def top_sellers(db: Query, period: Window, n: int = 3) -> list[str]:
    """Titles of the ``n`` listings that sold the most units in the period, outlier orders
    (:mod:`shopkeeper.store.outliers`) left out: one bulk order does not make a best-seller to
    stock up and advertise for.
    """
    big = is_outlier(outlier_order_ids(db, period.start, period.end))
    rows = db.rows(
        f"""SELECT any_value(p.title) AS title FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
            WHERE {paid()} AND NOT {big} AND local_day(o.created_at) BETWEEN ? AND ?
            GROUP BY p.product_id ORDER BY sum(i.quantity) DESC, p.product_id LIMIT {n}""",
        [period.start, period.end],
    )
    return [str(r["title"]) for r in rows]


def promotions_during(db: Query, windows: list[Window]) -> list[str]:
    """Names of storewide events overlapping any of ``windows``: not coupons, not standing offers
    (over 31 days), not routines (a name used more than twice, like a weekly weekend deal).
    """
    if not db.has("promotions") or not windows:
        return []
    overlaps = " OR ".join(
        f"(local_day(start_at) <= DATE '{w.end}' AND local_day(end_at) >= DATE '{w.start}')"
        for w in windows
    )
    rows = db.rows(
        f"""SELECT name FROM promotions WHERE kind <> 'coupon'
              AND local_day(end_at) - local_day(start_at) < 31 AND ({overlaps})
              AND coalesce(CAST(sku_ids AS VARCHAR), '') IN ('', '[]')
              AND name NOT IN (SELECT name FROM promotions GROUP BY name HAVING count(*) > 2)
            GROUP BY name ORDER BY min(start_at)"""
    )
    return [str(r["name"]) for r in rows]
