"""KPIs of a period against the previous period and a baseline: one SQL aggregation per table.

Every figure is computed in DuckDB per window (``sql.windows_cte``); Python only divides.
Definitions (``docs/reports.md``):

- a *paid order* is one not ``created``, ``cancelled`` or ``closed`` (as the inspection counts), dated
  by ``created_at`` in the store's time zone; GMV is its ``pay_amount`` (else the sum of its lines);
- conversion = buyers ÷ visitors (listing visitors summed from ``traffic``);
- refund rate = after-sale cases opened in the period (not rejected or cancelled) ÷ paid orders;
- ROI = attributed ad GMV ÷ spend (a campaign's whole-campaign rows when it has them, else its
  per-listing / per-audience rows);
- a figure over a window where its table misses days (``store.coverage``: refunds ending a year
  before the orders) is unknown (``None``), never 0;
- on-time shipping = of the paid orders whose promise (``paid_at`` + ``targets.ship_within_hours``,
  default 48) fell in the period, the share shipped by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from shopkeeper.reports.models import Better, Delta, Kpi, Trend, Unit, Window
from shopkeeper.reports.periods import Periods
from shopkeeper.reports.sql import windows_cte
from shopkeeper.reports.text import kpi_label
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.coverage import Coverage
from shopkeeper.store.metrics import line_gmv, order_gmv, paid, refund_counted
from shopkeeper.store.query import Query

Components = dict[str, float | None]
FLAT_RATIO = 0.02
"""A relative change below this is shown as flat."""
FLAT_POINTS = 0.002
"""A rate that moved less than this (0.2 percentage points) is flat."""
LOW_RATING = 2
DEFAULT_PROMISE_HOURS = 48.0


def promise_hours(config: StoreConfig) -> float:
    """Hours after payment within which the store promises to ship."""
    return float(config.targets.ship_within_hours or DEFAULT_PROMISE_HOURS)


def _by_window(db: Query, sql: str, names: tuple[str, ...], n: int) -> list[Components]:
    out: list[Components] = [dict.fromkeys(names, 0.0) for _ in range(n)]
    for row in db.rows(sql):
        out[int(row["k"])] = {
            name: (float(row[name]) if row[name] is not None else None) for name in names
        }
    return out


def order_components(db: Query, windows: list[Window]) -> list[Components]:
    """GMV, orders, buyers and units per window."""
    lo, hi = min(w.start for w in windows), max(w.end for w in windows)
    sql = f"""WITH {windows_cte(windows)},
        o AS (SELECT order_id, customer_id, pay_amount, local_day(created_at) AS d FROM orders
              WHERE {paid("")} AND local_day(created_at) BETWEEN DATE '{lo}' AND DATE '{hi}'),
        i AS (SELECT order_id, sum({line_gmv("")}) AS total, sum(quantity) AS units
              FROM order_items WHERE order_id IN (SELECT order_id FROM o) GROUP BY 1)
        SELECT k, coalesce(sum({order_gmv("o", "i.total")}), 0) AS gmv, count(*) AS orders,
               count(DISTINCT o.customer_id) AS buyers, coalesce(sum(i.units), 0) AS units
        FROM o LEFT JOIN i USING (order_id) JOIN w ON o.d BETWEEN w.s AND w.e GROUP BY k"""
    return _by_window(db, sql, ("gmv", "orders", "buyers", "units"), len(windows))


def traffic_components(db: Query, windows: list[Window]) -> list[Components]:
    """Visitors and add-to-cart per window."""
    sql = f"""WITH {windows_cte(windows)}
        SELECT k, sum(visitors) AS visitors, sum(add_to_cart) AS add_to_cart
        FROM traffic JOIN w ON traffic.date BETWEEN w.s AND w.e GROUP BY k"""
    return _by_window(db, sql, ("visitors", "add_to_cart"), len(windows))


def refund_components(db: Query, windows: list[Window]) -> list[Components]:
    """After-sale cases (not rejected or cancelled) and their amount per window."""
    sql = f"""WITH {windows_cte(windows)}
        SELECT k, count(*) AS refund_cases, coalesce(sum(amount), 0) AS refund_amount FROM refunds
        JOIN w ON local_day(refunds.created_at) BETWEEN w.s AND w.e
        WHERE {refund_counted("")} GROUP BY k"""
    return _by_window(db, sql, ("refund_cases", "refund_amount"), len(windows))


AD_ROWS = """SELECT * FROM (SELECT *, bool_or(coalesce(product_id, '') = '' AND coalesce(audience, '') = '')
                 OVER (PARTITION BY date, campaign_id) AS has_whole FROM ad_campaigns)
             WHERE NOT has_whole OR (coalesce(product_id, '') = '' AND coalesce(audience, '') = '')"""
"""Ad rows counted once: a campaign-day's whole-campaign row when it has one, else its breakdown rows."""


def ad_components(db: Query, windows: list[Window]) -> list[Components]:
    """Spend, attributed GMV and clicks per window."""
    sql = f"""WITH {windows_cte(windows)}, a AS ({AD_ROWS})
        SELECT k, sum(spend) AS ad_spend, sum(gmv) AS ad_gmv, sum(clicks) AS clicks
        FROM a JOIN w ON a.date BETWEEN w.s AND w.e GROUP BY k"""
    return _by_window(db, sql, ("ad_spend", "ad_gmv", "clicks"), len(windows))


def shipping_components(db: Query, windows: list[Window], hours: float) -> list[Components]:
    """Orders due to ship per window (by promise day) and how many shipped by the promise (the
    orders paid a promise before the windows' local midnights: DuckDB skips the older ones).
    """
    lo, hi = min(w.start for w in windows), max(w.end for w in windows) + dt.timedelta(days=1)
    promise = f"to_microseconds(CAST({hours} * 3600e6 AS BIGINT))"
    sql = f"""WITH {windows_cte(windows)},
        o AS (SELECT paid_at + {promise} AS due, shipped_at FROM orders
              WHERE paid_at >= '{lo} 00:00:00'::TIMESTAMPTZ - {promise}
                AND paid_at < '{hi} 00:00:00'::TIMESTAMPTZ - {promise}
                AND (shipped_at IS NOT NULL OR {paid("")}))
        SELECT k, count(*) AS due, count(*) FILTER (WHERE shipped_at <= due) AS on_time
        FROM o JOIN w ON local_day(o.due) BETWEEN w.s AND w.e GROUP BY k"""
    return _by_window(db, sql, ("due", "on_time"), len(windows))


def review_components(db: Query, windows: list[Window]) -> list[Components]:
    """Reviews, the sum of their ratings and the low ones per window."""
    sql = f"""WITH {windows_cte(windows)}
        SELECT k, count(*) AS reviews, sum(rating) AS rating_sum, count(*) FILTER (WHERE rating <= {LOW_RATING}) AS low_ratings
        FROM reviews JOIN w ON local_day(reviews.created_at) BETWEEN w.s AND w.e GROUP BY k"""
    return _by_window(db, sql, ("reviews", "rating_sum", "low_ratings"), len(windows))


def chat_components(db: Query, windows: list[Window]) -> list[Components]:
    """Conversations in which a customer wrote, per window."""
    sql = f"""WITH {windows_cte(windows)}
        SELECT k, count(DISTINCT conversation_id) AS conversations FROM messages
        JOIN w ON local_day(messages.sent_at) BETWEEN w.s AND w.e WHERE sender = 'customer' GROUP BY k"""
    return _by_window(db, sql, ("conversations",), len(windows))


def collect_components(
    db: Query, windows: list[Window], config: StoreConfig, coverage: Coverage | None = None
) -> list[Components]:
    """Every component per window; a component whose table holds no data is ``None``, and so is
    one over a window where its table misses days (``coverage``): unknown, not 0.
    """
    parts: list[list[Components]] = [order_components(db, windows)]
    sources: list[tuple[str, bool, Callable[[], list[Components]], tuple[str, ...]]] = [
        (
            "traffic",
            db.has("traffic"),
            lambda: traffic_components(db, windows),
            ("visitors", "add_to_cart"),
        ),
        (
            "refunds",
            db.has("refunds"),
            lambda: refund_components(db, windows),
            ("refund_cases", "refund_amount"),
        ),
        (
            "ad_campaigns",
            db.has("ad_campaigns"),
            lambda: ad_components(db, windows),
            ("ad_spend", "ad_gmv", "clicks"),
        ),
        (
            "orders",
            db.has_column("orders", "shipped_at"),
            lambda: shipping_components(db, windows, promise_hours(config)),
            ("due", "on_time"),
        ),
        (
            "reviews",
            db.has("reviews"),
            lambda: review_components(db, windows),
            ("reviews", "rating_sum", "low_ratings"),
        ),
        ("messages", db.has("messages"), lambda: chat_components(db, windows), ("conversations",)),
    ]
    for table, present, query, names in sources:
        got = query() if present else [dict.fromkeys(names) for _ in windows]
        for w, comp in zip(windows, got, strict=True):
            if coverage is not None and coverage.unknown(table, w.start, w.end):
                comp.update(dict.fromkeys(names))
        parts.append(got)
    return [{k: v for part in parts for k, v in part[i].items()} for i in range(len(windows))]


def average(components: list[Components]) -> Components:
    """Components averaged over windows (``None`` stays ``None``)."""
    keys = components[0].keys()
    out: Components = {}
    for key in keys:
        values = [c[key] for c in components]
        out[key] = (
            None
            if any(v is None for v in values)
            else sum(v for v in values if v is not None) / len(values)
        )
    return out


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


@dataclass(frozen=True)
class KpiDef:
    """How one KPI is derived from a window's components."""

    key: str
    unit: Unit
    better: Better
    value: Callable[[Components], float | None]


KPIS: dict[str, KpiDef] = {
    d.key: d
    for d in (
        KpiDef("gmv", "money", "up", lambda c: c["gmv"]),
        KpiDef("orders", "count", "up", lambda c: c["orders"]),
        KpiDef("buyers", "count", "up", lambda c: c["buyers"]),
        KpiDef("units", "count", "up", lambda c: c["units"]),
        KpiDef("aov", "money", "up", lambda c: _div(c["gmv"], c["orders"])),
        KpiDef("visitors", "count", "up", lambda c: c["visitors"]),
        KpiDef("conversion", "rate", "up", lambda c: _div(c["buyers"], c["visitors"])),
        KpiDef("add_to_cart_rate", "rate", "up", lambda c: _div(c["add_to_cart"], c["visitors"])),
        KpiDef("refund_rate", "rate", "down", lambda c: _div(c["refund_cases"], c["orders"])),
        KpiDef("refund_cases", "count", "down", lambda c: c["refund_cases"]),
        KpiDef("refund_amount", "money", "down", lambda c: c["refund_amount"]),
        KpiDef("ad_spend", "money", "neutral", lambda c: c["ad_spend"]),
        KpiDef("ad_gmv", "money", "up", lambda c: c["ad_gmv"]),
        KpiDef("roi", "ratio", "up", lambda c: _div(c["ad_gmv"], c["ad_spend"])),
        KpiDef("clicks", "count", "up", lambda c: c["clicks"]),
        KpiDef("cpc", "money", "down", lambda c: _div(c["ad_spend"], c["clicks"])),
        KpiDef("ad_share", "rate", "up", lambda c: _div(c["ad_gmv"], c["gmv"])),
        KpiDef("ship_on_time", "rate", "up", lambda c: _div(c["on_time"], c["due"])),
        KpiDef("avg_rating", "rating", "up", lambda c: _div(c["rating_sum"], c["reviews"])),
        KpiDef("low_ratings", "count", "down", lambda c: c["low_ratings"]),
        KpiDef("conversations", "count", "neutral", lambda c: c["conversations"]),
    )
}


def trend_of(unit: Unit, better: Better, diff: float, ratio: float | None) -> Trend:
    """Good, bad or flat, given the direction in which the KPI is better."""
    flat = (
        abs(diff) < FLAT_POINTS
        if unit == "rate"
        else (ratio is None and diff == 0) or (ratio is not None and abs(ratio) < FLAT_RATIO)
    )
    if flat:
        return "flat"
    if better == "neutral":
        return "neutral"
    return "good" if (diff > 0) == (better == "up") else "bad"


def delta(d: KpiDef, value: float | None, other: float | None) -> Delta:
    """The change from ``other`` to ``value``."""
    if value is None or other is None:
        return Delta(value=other, diff=None, ratio=None, trend="none")
    diff = value - other
    ratio = value / other - 1 if other else None
    return Delta(value=other, diff=diff, ratio=ratio, trend=trend_of(d.unit, d.better, diff, ratio))


def build_kpis(
    keys: list[str], periods: Periods, components: list[Components], config: StoreConfig, lang: str
) -> list[Kpi]:
    """The KPIs named, for the period against the previous period and the baseline."""
    now, prev = components[0], average(components[1 : 1 + len(periods.previous)])
    base = average(components[1 + len(periods.previous) :])
    hours = promise_hours(config)
    out = []
    for key in keys:
        d = KPIS[key]
        value = d.value(now)
        target = _target(key, config, periods.period.days)
        meets = None if target is None or value is None else value >= target
        out.append(
            Kpi(
                key=key,
                label=kpi_label(key, lang, hours=hours),
                unit=d.unit,
                better=d.better,
                value=value,
                previous=delta(d, value, d.value(prev)),
                baseline=delta(d, value, d.value(base)),
                target=target,
                meets_target=meets,
            )
        )
    return out


def _target(key: str, config: StoreConfig, days: int) -> float | None:
    if key == "gmv" and config.targets.daily_gmv:
        return float(config.targets.daily_gmv) * days
    if key == "roi" and config.targets.roi:
        return float(config.targets.roi)
    return None
