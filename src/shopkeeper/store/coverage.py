"""What a store's data covers: the default day of every answer, and the spans a table is missing.

**The default day** (:func:`default_day`) of the inspection, the reports and every skill is the last
complete day of real trading — not the last row:

- *Real trading* ends at the last day whose 7 days hold at least ``TRADING_SHARE`` of the store's
  usual week (the upper quartile of its weekly paid orders over the 26 weeks up to that day).
  Later days are stragglers — a cancelled order weeks after the shop closed — when they are mostly
  empty days (orders on at most half of them, judged over at least ``STOP_DAYS``) and hold less than
  one usual week in all; a store whose sales collapsed but still sells most days is still trading.
- *Complete*: a last day whose last order comes ``CUT_SHORT_HOURS`` before the shop's usual last
  order *and* whose orders are improbably few (Poisson tail under ``CUT_SHORT_ALPHA``) was cut short
  by the export (UCI's 2011-12-09): the day before is the default.

**Gaps** (:func:`table_gaps`): a daily table *stops*, *starts late* or *has a hole* where a span of
days holds none of its rows although its usual rate (its rows per paid order over the days it
covers) predicts at least ``MIN_EXPECTED_ROWS`` of them over at least ``MIN_GAP_DAYS`` trading days,
and the share of trading days that have its rows makes so many empty days improbable (under
``GAP_ALPHA``) — quiet days of a sparse table (no refund yesterday) are not gaps. Figures over a gap are unknown, never 0 (:meth:`Coverage.unknown`).

>>> days = {dt.date(2026, 1, 1) + dt.timedelta(days=k): 20 for k in range(120)}
>>> days[dt.date(2026, 6, 15)] = 1  # one straggler seven weeks later
>>> last_trading_day(days)
datetime.date(2026, 4, 30)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import quantiles
from typing import Literal

import duckdb

from shopkeeper.analytics.stats import poisson_cdf
from shopkeeper.store.day_counts import (
    DAILY_TABLES,
    PAID_ORDERS,
    DayCounts,
    count_live,
    kept_counts,
)
from shopkeeper.store.memo import connection_memo, import_key
from shopkeeper.store.metrics import paid
from shopkeeper.store.schema import TABLES

TRADING_SHARE = 0.2
"""A week under this share of the store's usual week is not real trading."""
USUAL_WEEKS = 26
"""Weeks over which the usual week is measured (its upper quartile)."""
STOP_DAYS = 7
"""A store stopped trading only after at least this many days of stragglers."""
CUT_SHORT_HOURS = 3.0
"""A last day whose last order comes this many hours before the usual last order…"""
CUT_SHORT_ALPHA = 0.005
"""…and whose order count is this improbable for the shop was cut short (an export taken mid-day)."""
MIN_EXPECTED_ROWS = 8.0
"""A span without rows is a gap when the table's usual rate predicts at least this many rows…"""
MIN_GAP_DAYS = 7
"""…over at least this many trading days…"""
GAP_ALPHA = 1e-4
"""…and so many trading days without a row would happen by luck less often than this (rows come in
clumps, so luck is judged by the share of trading days that have rows, not by the row count)."""
GAP_TABLES: tuple[str, ...] = tuple(n for n in DAILY_TABLES if n not in ("orders", "inventory"))
"""Daily tables whose gaps are looked for (stock is a snapshot: its age is judged by the stock
checks)."""

STARTS_WITH_ORDERS = frozenset({"traffic", "search_terms", "refunds", "reviews"})
"""Tables expected from the store's first day: only these *start late* (a store may start ads, chat
or competitor tracking any day)…"""
LAG_DAYS = 14
"""…and only by more than this (reviews and refunds come days after the orders they follow)."""

GapKind = Literal["stops", "starts_late", "hole"]


def _week(daily: dict[dt.date, int], end: dt.date) -> int:
    return sum(daily.get(end - dt.timedelta(days=k), 0) for k in range(7))


def _usual_week(daily: dict[dt.date, int], end: dt.date, first: dt.date) -> float:
    weeks = [
        _week(daily, end - dt.timedelta(weeks=k))
        for k in range(USUAL_WEEKS)
        if end - dt.timedelta(weeks=k, days=6) >= first
    ] or [_week(daily, end)]
    return float(quantiles(weeks, n=4, method="inclusive")[2]) if len(weeks) > 1 else weeks[0]


def last_trading_day(daily: dict[dt.date, int]) -> dt.date | None:
    """The last day of real trading, given orders per day (see the module docstring)."""
    active = sorted(d for d, n in daily.items() if n > 0)
    if not active:
        return None
    first, last = active[0], active[-1]
    tail = 0
    for i in range(len(active) - 1, -1, -1):
        day = active[i]
        usual = _usual_week(daily, day, first)
        if _week(daily, day) >= TRADING_SHARE * usual:
            return day
        span = (last - day).days + 1
        busy = len(active) - i
        if tail >= usual or (span >= STOP_DAYS and busy * 2 > span):
            return last  # low but real trading (a collapse), not stragglers
        tail += daily[day]
    return last


def table_days(con: duckdb.DuckDBPyConnection, key: str) -> DayCounts:
    """Rows per store-local day of a daily table, or of the paid orders (:data:`PAID_ORDERS`):
    the import's counts when they hold for this session (:mod:`shopkeeper.store.day_counts`),
    else counted once per connection and import. The caller must not change the dict.
    """
    memo, key_now = connection_memo(con), import_key(con)
    kept = memo.get("day_counts", key_now, lambda: (kept_counts(con),))[0]
    if kept is not None:
        return kept.get(key, {})
    return memo.get(("day_counts", key), key_now, lambda: count_live(con, key))


def paid_orders_per_day(con: duckdb.DuckDBPyConnection) -> DayCounts:
    """Paid orders per store-local day (every order when none is paid): the default day, the stop
    and the gaps all start from it. The caller must not change the dict.
    """
    return table_days(con, PAID_ORDERS) or table_days(con, "orders")


def day_range(con: duckdb.DuckDBPyConnection, table: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last store-local day of ``table``'s rows (``None`` without rows)."""
    if table in DAILY_TABLES:
        days = table_days(con, table)
        return (min(days), max(days)) if days else (None, None)
    column = TABLES[table].time_column
    assert column is not None, f"{table} has no time column"
    row = con.execute(
        f'SELECT CAST(min("{column}") AS DATE), CAST(max("{column}") AS DATE) FROM "{table}"'
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _cut_short(con: duckdb.DuckDBPyConnection, day: dt.date) -> bool:
    row = con.execute(
        f"""WITH d AS (SELECT local_day(created_at) AS day, count(*) AS n,
                              max(epoch(created_at::TIMESTAMP) % 86400) / 3600.0 AS last_hour
                       FROM orders WHERE {paid("")}
                         AND created_at >= ?::TIMESTAMPTZ AND created_at < ?::TIMESTAMPTZ
                       GROUP BY 1)
            SELECT any_value(last_hour) FILTER (WHERE day = ?), any_value(n) FILTER (WHERE day = ?),
                   median(last_hour) FILTER (WHERE day < ?), median(n) FILTER (WHERE day < ?)
            FROM d""",
        [f"{day - dt.timedelta(days=28)} 00:00:00", f"{day + dt.timedelta(days=1)} 00:00:00"]
        + [day] * 4,
    ).fetchone()
    if row is None or None in row:
        return False
    last_hour, last_n, usual_hour, usual_n = row
    early = float(last_hour) < float(usual_hour) - CUT_SHORT_HOURS
    return early and poisson_cdf(int(last_n), float(usual_n)) < CUT_SHORT_ALPHA


def default_day(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The last complete day of real trading: the default day of every answer (``None``: no orders)."""
    day = last_trading_day(paid_orders_per_day(con))
    if day is not None and _cut_short(con, day):
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Stop:
    """A store that stopped trading: its last real day, its last order day and the stragglers."""

    last_trading: dt.date
    last_order: dt.date
    orders_after: int


def trading_stop(con: duckdb.DuckDBPyConnection) -> Stop | None:
    """The stop, when real trading ended at least ``STOP_DAYS`` before the last order day."""
    daily = paid_orders_per_day(con)
    real = last_trading_day(daily)
    last = day_range(con, "orders")[1]
    if real is None or last is None or (last - real).days < STOP_DAYS:
        return None
    after = con.execute(
        "SELECT count(*) FROM orders WHERE local_day(created_at) > ?", [real]
    ).fetchone()
    return Stop(last_trading=real, last_order=last, orders_after=int(after[0]) if after else 0)


@dataclass(frozen=True)
class Gap:
    """Days ``start``..``end`` (inclusive) in which ``table`` holds none of its usual rows."""

    table: str
    kind: GapKind
    start: dt.date
    end: dt.date
    expected_rows: float

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Whether the gap touches the days ``start``..``end``."""
        return self.start <= end and start <= self.end


def _gaps_of(
    table: str, rows: dict[dt.date, int], orders: dict[dt.date, int], end: dt.date
) -> list[Gap]:
    active = sorted(d for d, n in rows.items() if n > 0)
    if not active:
        return []
    lo, hi = active[0], active[-1]
    trading = [d for d in orders if lo <= d <= hi]
    hit = sum(1 for d in trading if rows.get(d, 0) > 0)
    p_day = hit / (len(trading) + 1)  # chance a trading day has rows (never quite 1)
    rate = sum(rows.values()) / (sum(orders[d] for d in trading) or 1)
    spans: list[tuple[GapKind, dt.date, dt.date]] = []
    if table in STARTS_WITH_ORDERS and (lo - min(orders)).days > LAG_DAYS:
        spans.append(("starts_late", min(orders), lo - dt.timedelta(days=1)))
    for a, b in pairwise(active):
        if (b - a).days > MIN_GAP_DAYS:
            spans.append(("hole", a + dt.timedelta(days=1), b - dt.timedelta(days=1)))
    if hi < end:
        spans.append(("stops", hi + dt.timedelta(days=1), end))
    out = []
    for kind, a, b in spans:
        days = [d for d in orders if a <= d <= b]
        expected = rate * sum(orders[d] for d in days)
        by_luck = (1 - p_day) ** len(days)
        if len(days) >= MIN_GAP_DAYS and expected >= MIN_EXPECTED_ROWS and by_luck < GAP_ALPHA:
            out.append(Gap(table, kind, a, b, round(expected, 1)))
    return out


@dataclass
class Coverage:
    """The gaps of a store's daily tables up to ``end`` (see the module docstring)."""

    end: dt.date
    gaps: list[Gap] = field(default_factory=list)

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, end: dt.date | None = None) -> Coverage:
        """Look for the gaps of every daily table holding data, up to ``end`` (default: the last order day)."""
        orders = paid_orders_per_day(con)
        if not orders:
            return cls(end=end or dt.date.min)
        last = end or max(orders)
        gaps = [
            g for table in GAP_TABLES for g in _gaps_of(table, table_days(con, table), orders, last)
        ]
        return cls(end=last, gaps=gaps)

    def unknown(self, table: str, start: dt.date, end: dt.date) -> bool:
        """Whether ``table``'s figures over ``start``..``end`` are unknown (a gap touches them)."""
        return any(g.table == table and g.overlaps(start, end) for g in self.gaps)

    def within(self, start: dt.date, end: dt.date) -> list[Gap]:
        """The gaps touching ``start``..``end``."""
        return [g for g in self.gaps if g.overlaps(start, end)]
