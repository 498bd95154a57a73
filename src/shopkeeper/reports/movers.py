"""Listings whose GMV moved most, and why: traffic, conversion, order value or stock.

A listing's GMV is visitors × conversion × value per buyer, so the change splits into the three
factors' log-ratios; the reason is the factor that moved furthest in the direction of the change.
When traffic explains it, the source whose visitors moved most is named. A falling listing with no
stock left on the last day is put down to stock. Without ``traffic`` the reason is unknown.

Trends are robust to one order: outlier orders (:mod:`shopkeeper.store.outliers`: a bulk or
mistyped order that distorts the figures) are left out, and a listing rises (or falls) only when
it still does without its single largest order of the period (of the reference), ranked by that
change without it — one buyer's bulk order is not a product trend.

Daily reports compare the day with the average day of the 7 days before (one day against another
is mostly noise at listing level); weekly reports compare the week with the week before. A move
needs ``MIN_ORDERS`` orders on the side it rests on.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from shopkeeper.reports.models import Mover, Movers, Window
from shopkeeper.reports.periods import Periods
from shopkeeper.reports.text import source_label
from shopkeeper.store.metrics import line_gmv, paid
from shopkeeper.store.outliers import outlier_order_ids
from shopkeeper.store.query import Query
from shopkeeper.text import change, t

TOP = 5
EPS = 1e-3
MIN_ORDERS = 3
"""A listing rises on at least this many orders in the period, and falls from at least this many in
the window compared (one past sale gone is not "sales fell 100%", one bulk order not a trend)."""


def reference(periods: Periods) -> tuple[Window, float]:
    """The window movers are compared with, and the factor that scales it to the period's length."""
    p = periods.period
    if periods.kind == "daily":
        return Window(
            start=p.start - dt.timedelta(days=7), end=p.start - dt.timedelta(days=1)
        ), 1 / 7
    return periods.previous[0], 1.0


def _sales_sql(now: Window, ref: Window, scale: float, skip: list[str]) -> str:
    excluded = ", ".join("'" + oid.replace("'", "''") + "'" for oid in skip)
    return f"""
        SELECT product_id, any_value(title) AS title,
          coalesce(sum(v) FILTER (WHERE d >= DATE '{now.start}'), 0) AS gmv,
          coalesce(sum(v) FILTER (WHERE d <= DATE '{ref.end}'), 0) * {scale} AS gmv_before,
          coalesce(max(v) FILTER (WHERE d >= DATE '{now.start}'), 0) AS top_order,
          coalesce(max(v) FILTER (WHERE d <= DATE '{ref.end}'), 0) * {scale} AS top_order_before,
          count(DISTINCT order_id) FILTER (WHERE d >= DATE '{now.start}') AS orders_now,
          count(DISTINCT order_id) FILTER (WHERE d <= DATE '{ref.end}') AS orders_ref,
          count(DISTINCT customer_id) FILTER (WHERE d >= DATE '{now.start}') AS buyers,
          count(DISTINCT customer_id) FILTER (WHERE d <= DATE '{ref.end}') * {scale} AS buyers_before
        FROM (SELECT p.product_id, any_value(p.title) AS title, o.order_id, any_value(o.customer_id) AS customer_id,
                     local_day(o.created_at) AS d, sum({line_gmv()}) AS v
              FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
              WHERE {paid()} AND local_day(o.created_at) BETWEEN DATE '{ref.start}' AND DATE '{now.end}'
                AND NOT list_contains([{excluded}]::VARCHAR[], o.order_id)
              GROUP BY p.product_id, o.order_id, d) s
        GROUP BY product_id"""


def _traffic_sql(now: Window, ref: Window, scale: float) -> str:
    return f"""
        SELECT product_id, sum(v) AS visitors, sum(vb) AS visitors_before,
               arg_min(source, v - vb) AS source_down, arg_min(v / nullif(vb, 0) - 1, v - vb) AS source_down_ratio,
               arg_max(source, v - vb) AS source_up, arg_max(v / nullif(vb, 0) - 1, v - vb) AS source_up_ratio
        FROM (SELECT product_id, source,
                     coalesce(sum(visitors) FILTER (WHERE date >= DATE '{now.start}'), 0) AS v,
                     coalesce(sum(visitors) FILTER (WHERE date <= DATE '{ref.end}'), 0) * {scale} AS vb
              FROM traffic WHERE date BETWEEN DATE '{ref.start}' AND DATE '{now.end}' GROUP BY ALL)
        GROUP BY product_id"""


def _stock_sql(end: dt.date) -> str:
    return f"""
        SELECT p.product_id, sum(greatest(s.on_hand - coalesce(s.reserved, 0), 0)) AS available
        FROM (SELECT sku_id, on_hand, reserved FROM inventory WHERE date = (
                SELECT max(date) FROM inventory WHERE date <= DATE '{end}')) s
        JOIN products p USING (sku_id) WHERE coalesce(p.status, 'on_sale') = 'on_sale' GROUP BY 1"""


def _log(x: float) -> float:
    return math.log(max(x, EPS))


def explain(r: dict[str, Any], lang: str) -> tuple[str, str, str | None]:
    """(reason, text, source) for one listing's move."""
    falling = r["gmv"] < r["gmv_before"]
    direction = t("dir.down" if falling else "dir.up", lang)
    if falling and r.get("available") == 0:
        return "stock", t("reason.stock", lang), None
    v1, v0 = r.get("visitors"), r.get("visitors_before")
    if v1 is None or v0 is None or not v0:
        return "unknown", t("reason.unknown", lang), None
    b1, b0 = float(r["buyers"]), float(r["buyers_before"])
    factors = {
        "traffic": _log(v1 / v0),
        "conversion": _log((b1 / v1 if v1 else 0.0) / (b0 / v0)) if b0 else 0.0,
        "order_value": _log((r["gmv"] / b1) / (r["gmv_before"] / b0))
        if b1 and b0 and r["gmv_before"]
        else 0.0,
    }
    reason = (
        min(factors, key=lambda k: factors[k])
        if falling
        else max(factors, key=lambda k: factors[k])
    )
    if reason != "traffic":
        return reason, t(f"reason.{reason}", lang, dir=direction), None
    source = r.get("source_down" if falling else "source_up")
    ratio = r.get("source_down_ratio" if falling else "source_up_ratio")
    if source is None or ratio is None:
        return reason, t("reason.traffic", lang, dir=direction), None
    label = source_label(str(source), lang)
    return (
        reason,
        t("reason.traffic_source", lang, dir=direction, source=label, ratio=change(float(ratio))),
        str(source),
    )


def _mover(r: dict[str, Any], lang: str) -> Mover:
    reason, text, source = explain(r, lang)
    before = float(r["gmv_before"])
    v1, v0, b1, b0 = r.get("visitors"), r.get("visitors_before"), r["buyers"], r["buyers_before"]
    return Mover(
        product_id=str(r["product_id"]),
        title=str(r["title"]),
        gmv=float(r["gmv"]),
        gmv_before=before,
        change=float(r["gmv"]) - before,
        change_ratio=float(r["gmv"]) / before - 1 if before else None,
        reason=reason,
        reason_text=text,
        visitors=v1,
        visitors_before=v0,
        conversion=b1 / v1 if v1 else None,
        conversion_before=b0 / v0 if v0 else None,
        source=source,
    )


def find_movers(db: Query, periods: Periods, lang: str) -> Movers:
    """The top rising and falling listings by GMV change."""
    ref, scale = reference(periods)
    now = periods.period
    skip = outlier_order_ids(db, ref.start, now.end)
    parts = [f"sales AS ({_sales_sql(now, ref, scale, skip)})"]
    select, joins = "sales.*", ""
    if db.has("traffic"):
        parts.append(f"tr AS ({_traffic_sql(now, ref, scale)})")
        select += ", tr.visitors, tr.visitors_before, tr.source_down, tr.source_down_ratio, tr.source_up, tr.source_up_ratio"
        joins += " LEFT JOIN tr USING (product_id)"
    if db.has("inventory"):
        parts.append(f"st AS ({_stock_sql(now.end)})")
        select += ", st.available"
        joins += " LEFT JOIN st USING (product_id)"
    base = f"WITH {', '.join(parts)} SELECT {select} FROM sales{joins}"
    rising = db.rows(
        f"SELECT * FROM ({base}) WHERE gmv - top_order > gmv_before AND orders_now >= {MIN_ORDERS} "
        f"ORDER BY gmv - top_order - gmv_before DESC LIMIT {TOP}"
    )
    falling = db.rows(
        f"SELECT * FROM ({base}) WHERE gmv < gmv_before - top_order_before AND orders_ref >= {MIN_ORDERS} "
        f"ORDER BY gmv - gmv_before + top_order_before LIMIT {TOP}"
    )
    return Movers(
        basis=t(f"basis.{periods.kind}", lang),
        rising=[_mover(r, lang) for r in rising],
        falling=[_mover(r, lang) for r in falling],
    )
