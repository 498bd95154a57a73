"""How many rows each daily table holds per store-local day, counted once per import.

Every command starts from these counts: the default day and the stop read paid orders per day,
the coverage looks for the days a table misses, the inspection names each table's last day. A
count per day is a scan that turns every timestamp into a store-local date (DuckDB's time-zone
conversion, the dearest part of it), and it changes only when the store is imported again. So
the importer counts once, in its transaction (:func:`count_days`), and keeps
``_day_counts(tbl, day, n)``: the rows per day of every :data:`DAILY_TABLES` table, and of the paid
orders under :data:`PAID_ORDERS`. The ``_store`` stamp says which import, time zone and
:data:`COUNTING` they were counted under; a reader trusts them only when all three are its own
(:func:`kept_counts`), and otherwise counts live with the same statement (:func:`count_sql`) — one
definition, kept or not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import duckdb

from shopkeeper.store.metrics import paid
from shopkeeper.store.schema import TABLES, ColType

DAILY_TABLES: tuple[str, ...] = tuple(
    name
    for name, table in TABLES.items()
    if table.time_column and name not in ("products", "customers", "promotions", "creatives")
)
"""Tables with rows per day of trading — not listing dates, first visits, planned promotions or
the days creatives were made (``creative_stats`` is the creatives' daily table)."""

PAID_ORDERS = "orders:paid"
"""The key of the paid orders' counts (:func:`~shopkeeper.store.metrics.paid`) among the tables'."""

COUNTS_TABLE = "_day_counts"
_MARK = "day_counts"
"""The ``_store`` key of the stamp: ``{"counting", "import_id", "timezone"}``."""

COUNTING = hashlib.sha256(
    repr((1, paid(""), {t: TABLES[t].time_column for t in DAILY_TABLES})).encode()
).hexdigest()[:16]
"""Fingerprint of what is counted (the tables, their time columns, the paid-order definition):
counts made by a release that counted otherwise are not trusted."""

DayCounts = dict[dt.date, int]


def count_sql(key: str) -> str:
    """The statement counting ``key``'s rows (a daily table, or :data:`PAID_ORDERS`) per store-local
    day: ``(day, n)``, days without a time left out.
    """
    table = "orders" if key == PAID_ORDERS else key
    column = TABLES[table].time_column
    assert column is not None, f"{table} has no time column"
    day = (
        f'local_day("{column}")'  # the session's macro (:mod:`shopkeeper.store.zone`)
        if TABLES[table].column(column).type is ColType.TS
        else f'CAST("{column}" AS DATE)'
    )
    where = f"WHERE {paid('')}" if key == PAID_ORDERS else ""
    return f'SELECT {day} AS day, count(*) AS n FROM "{table}" {where} GROUP BY 1 HAVING day IS NOT NULL'


def count_live(con: duckdb.DuckDBPyConnection, key: str) -> DayCounts:
    """``key``'s rows per day, counted now."""
    return {day: int(n) for day, n in con.execute(count_sql(key)).fetchall()}


def count_days(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Count every daily table and the paid orders per day, and stamp the counts with
    ``import_id`` and the session's time zone (inside the caller's transaction: the import's,
    before it records ``import_id``).
    """
    con.execute(f"CREATE TABLE IF NOT EXISTS {COUNTS_TABLE} (tbl VARCHAR, day DATE, n BIGINT)")
    con.execute(f"DELETE FROM {COUNTS_TABLE}")
    for key in (*DAILY_TABLES, PAID_ORDERS):
        con.execute(f"INSERT INTO {COUNTS_TABLE} SELECT '{key}', day, n FROM ({count_sql(key)})")
    zone = con.execute("SELECT current_setting('TimeZone')").fetchone()
    stamp = {"counting": COUNTING, "import_id": import_id, "timezone": zone[0] if zone else None}
    con.execute("INSERT OR REPLACE INTO _store VALUES (?, ?)", [_MARK, json.dumps(stamp)])


def recount(con: duckdb.DuckDBPyConnection) -> None:
    """Count again for the latest import, in the session's zone: after rows changed outside an
    import (a warehouse of another release brought up to date, a test cutting a store down).
    """
    row = con.execute("SELECT max(import_id) FROM _imports").fetchone()
    if row is not None and row[0] is not None:
        count_days(con, int(row[0]))


def _stamp(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Any] | None, Any, Any]:
    """The stamp, the latest import and the session's time zone, in one statement."""
    try:
        row = con.execute(
            f"""SELECT (SELECT value FROM _store WHERE key = '{_MARK}'),
                       (SELECT max(import_id) FROM _imports), current_setting('TimeZone')"""
        ).fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):  # not a warehouse of ours
        return None, None, None
    if row is None:
        return None, None, None
    return (json.loads(row[0]) if row[0] else None), row[1], row[2]


def _of_latest(stamp: dict[str, Any] | None, latest: Any) -> bool:
    """Whether the counts stamped ``stamp`` are of the ``latest`` import, counted as this release
    counts.
    """
    return stamp is not None and stamp["counting"] == COUNTING and stamp["import_id"] == latest


def counts_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the kept counts are of the latest import, counted as this release counts (the time
    zone aside: a session in another zone counts live, it does not recount the store). A warehouse
    without imports has nothing to count.
    """
    stamp, latest, _ = _stamp(con)
    return latest is None or _of_latest(stamp, latest)


def kept_counts(con: duckdb.DuckDBPyConnection) -> dict[str, DayCounts] | None:
    """Every kept count by key, when they are current for this session (its import, its time zone,
    this counting); ``None`` otherwise (the caller counts live).
    """
    stamp, latest, zone = _stamp(con)
    if (
        latest is None
        or not _of_latest(stamp, latest)
        or stamp is None
        or stamp["timezone"] != zone
    ):
        return None
    out: dict[str, DayCounts] = {key: {} for key in (*DAILY_TABLES, PAID_ORDERS)}
    for key, day, n in con.execute(f"SELECT tbl, day, n FROM {COUNTS_TABLE}").fetchall():
        out.setdefault(key, {})[day] = int(n)
    return out
