"""The one query helper over a warehouse connection: which tables hold data, rows as dicts, one value.

Reports, skills and the inspection each get one (``Db``, ``StoreData`` and ``InspectionContext``
are this class with their own context added), so a query reads the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

Params = list[Any] | dict[str, Any] | None


class Query:
    """The warehouse connection and how many rows each table holds.

    Subclasses that are dataclasses declare ``con`` and ``tables`` as their own fields.
    """

    con: duckdb.DuckDBPyConnection
    tables: dict[str, int]

    def __init__(self, con: duckdb.DuckDBPyConnection, tables: dict[str, int]) -> None:
        self.con = con
        self.tables = tables

    def has(self, *tables: str) -> bool:
        """Whether every table named holds data."""
        return all(self.tables.get(t, 0) > 0 for t in tables)

    def missing(self, *tables: str) -> list[str]:
        """The tables named that hold no data."""
        return [t for t in tables if not self.has(t)]

    def has_column(self, table: str, column: str) -> bool:
        """Whether a column of a table holds at least one value."""
        return self.has(table) and bool(self.scalar(f'SELECT count("{column}") > 0 FROM "{table}"'))

    def column_exists(self, table: str, column: str) -> bool:
        """Whether a table has a column at all (a warehouse of an older contract may lack one).

        Reads ``duckdb_columns()``: the same answer as ``information_schema.columns`` at half the cost.
        """
        return bool(
            self.scalar(
                "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                [table, column],
            )
        )

    def rows(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Run a query; rows as dicts, decimals as floats."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [
            {n: float(v) if isinstance(v, Decimal) else v for n, v in zip(names, r, strict=True)}
            for r in cur.fetchall()
        ]

    def scalar(self, sql: str, params: Params = None) -> Any:
        """Run a query returning one value (``None`` when it returns no row)."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None
