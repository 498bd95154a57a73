"""Small query helpers over the warehouse connection (the warehouse owns the connection).

>>> import datetime as dt
>>> from shopkeeper.reports.models import Window
>>> windows_cte([Window(start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 3))])
"w(k, s, e) AS (VALUES (0, DATE '2026-01-02', DATE '2026-01-03'))"
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from shopkeeper.reports.models import Window

PAID = "status NOT IN ('created', 'cancelled', 'closed')"
"""A paid order, exactly as the inspection counts one: not unpaid, cancelled or closed."""


def windows_cte(windows: list[Window]) -> str:
    """A ``w(k, s, e)`` common table expression: window index, first and last day (dates only)."""
    rows = ", ".join(
        f"({k}, DATE '{w.start.isoformat()}', DATE '{w.end.isoformat()}')"
        for k, w in enumerate(windows)
    )
    return f"w(k, s, e) AS (VALUES {rows})"


@dataclass
class Db:
    """The warehouse connection, with which tables hold data."""

    con: duckdb.DuckDBPyConnection
    tables: dict[str, int]

    def has(self, *tables: str) -> bool:
        """Whether every table named holds data."""
        return all(self.tables.get(t, 0) > 0 for t in tables)

    def missing(self, *tables: str) -> list[str]:
        """The tables named that hold no data."""
        return [t for t in tables if not self.has(t)]

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query; rows as dicts, decimals as floats."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [
            {n: float(v) if isinstance(v, Decimal) else v for n, v in zip(names, r, strict=True)}
            for r in cur.fetchall()
        ]

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run a query returning one value."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def has_column_data(self, table: str, column: str) -> bool:
        """Whether a column of a table holds at least one value."""
        return bool(self.has(table) and self.scalar(f'SELECT count("{column}") > 0 FROM "{table}"'))
