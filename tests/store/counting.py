"""A warehouse connection that records every statement it runs, to pin round trips in tests."""

from __future__ import annotations

from typing import Any, cast

import duckdb


class Counting:
    """Wraps a DuckDB connection: ``execute`` is recorded in ``sql``, anything else is passed on."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.sql: list[str] = []

    def execute(self, sql: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        self.sql.append(" ".join(sql.split()))
        return self.con.execute(sql, params or [])

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor whose statements are recorded here too (the inspection's side lane)."""
        counted = Counting(self.con.cursor())
        counted.sql = self.sql
        return counted.typed

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)

    def ran(self, fragment: str) -> int:
        """How many statements run contain ``fragment`` (whitespace collapsed)."""
        return sum(fragment in s for s in self.sql)

    @property
    def typed(self) -> duckdb.DuckDBPyConnection:
        """This proxy, as the connection type the code under test declares."""
        return cast(duckdb.DuckDBPyConnection, self)
