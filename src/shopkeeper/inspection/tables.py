"""Each table's coverage of the calendar: rows, first and last day, and the days without rows in
between — what the web app's Data page shows (:func:`table_coverage`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise

from shopkeeper.store.coverage import day_range, table_days
from shopkeeper.store.day_counts import DAILY_TABLES
from shopkeeper.store.schema import TABLES
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
    """Every contract table's coverage (the warehouse's view the Data page shows); a daily table's
    days come from its rows per day (:func:`~shopkeeper.store.coverage.table_days`, counted at
    import), its gaps are the runs of days between them without rows.
    """
    rows = wh.counts(TABLES)
    out = []
    for name, table in TABLES.items():
        if table.time_column is None or rows[name] == 0:
            out.append(TableCoverage(name, rows[name], None, None, name in DAILY_TABLES))
            continue
        first, last = day_range(wh.con, name)
        gaps: tuple[tuple[dt.date, dt.date], ...] = ()
        if name in DAILY_TABLES:
            days = sorted(table_days(wh.con, name))
            gaps = tuple(
                (a + dt.timedelta(days=1), b - dt.timedelta(days=1))
                for a, b in pairwise(days)
                if (b - a).days > 1
            )[:max_gaps]
        out.append(TableCoverage(name, rows[name], first, last, name in DAILY_TABLES, gaps))
    return out
