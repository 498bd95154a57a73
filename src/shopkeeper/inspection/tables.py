"""Each table's coverage of the calendar: rows, first and last day, and the days without rows in
between — what the web app's Data page shows (:func:`table_coverage`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shopkeeper.store.coverage import day_range
from shopkeeper.store.day_counts import DAILY_TABLES
from shopkeeper.store.schema import TABLES
from shopkeeper.store.validation import ident
from shopkeeper.store.warehouse import Warehouse


@dataclass(frozen=True)
class TableCoverage:
    """The days one table covers: its rows, first and last day, and the days without rows in
    between (as ``(first, last)`` spans, for tables with rows per trading day only).
    """

    table: str
    rows: int
    first: dt.date | None
    last: dt.date | None
    daily: bool
    gaps: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def missing_days(self) -> int:
        """Days inside the range without a row."""
        return sum((b - a).days + 1 for a, b in self.gaps)


def table_coverage(wh: Warehouse, *, max_gaps: int = 50) -> list[TableCoverage]:
    """Every contract table's coverage (the warehouse's view the Data page shows)."""
    out = []
    for name, table in TABLES.items():
        rows = wh.count(name)
        column = table.time_column
        if column is None or rows == 0:
            out.append(TableCoverage(name, rows, None, None, name in DAILY_TABLES))
            continue
        day = f"CAST({ident(column)} AS DATE)"
        first, last = day_range(wh.con, name)
        gaps: tuple[tuple[dt.date, dt.date], ...] = ()
        if name in DAILY_TABLES:
            found = wh.con.execute(
                f"WITH d AS (SELECT DISTINCT {day} AS day FROM {ident(name)} WHERE {ident(column)} IS NOT NULL), "
                "o AS (SELECT day, lag(day) OVER (ORDER BY day) AS prev FROM d) "
                f"SELECT prev + 1, day - 1 FROM o WHERE day - prev > 1 ORDER BY prev LIMIT {int(max_gaps)}"
            ).fetchall()
            gaps = tuple((a, b) for a, b in found)
        out.append(TableCoverage(name, rows, first, last, name in DAILY_TABLES, gaps))
    return out
