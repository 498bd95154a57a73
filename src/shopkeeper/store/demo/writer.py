"""Writing contract CSV files through DuckDB: numbers in, formatted text out, in bounded chunks.

Generators hand over columns as numpy arrays or Arrow arrays (ids and codes, cents, local
timestamps in seconds, dictionary-encoded text) together with one SQL expression per contract
column; DuckDB formats and writes them. A table may be written in several parts (one per chunk of
orders); :meth:`StoreWriter.close` joins the parts into one ``<table>.csv`` with a single header.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from shopkeeper.store.demo.rng import BoolArray, IntArray
from shopkeeper.store.schema import TABLES

Columns = Mapping[str, npt.NDArray[np.generic] | pa.Array]


def money(column: str) -> str:
    """SQL that renders integer cents as a decimal with 2 places (``1234`` -> ``12.34``)."""
    return f"CAST({column} / 100.0 AS DECIMAL(18,2))"


def timestamps(seconds: IntArray, valid: BoolArray | None = None) -> pa.Array:
    """Local seconds as an Arrow timestamp column (written ``2026-11-20 10:03:07``); invalid -> empty."""
    mask = None if valid is None else ~valid
    return pa.array(seconds.astype("datetime64[s]"), mask=mask)


def dates(days_since_epoch: IntArray) -> pa.Array:
    """Days since 1970-01-01 as an Arrow date column (written ``2026-11-20``)."""
    return pa.array(days_since_epoch.astype("datetime64[D]"))


def lookup(
    indices: npt.NDArray[np.integer], values: Sequence[str], valid: BoolArray | None = None
) -> pa.Array:
    """Text by index into a small list of values, as an Arrow dictionary column."""
    mask = None if valid is None else ~valid
    idx = pa.array(indices.astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(values), pa.string()))


class StoreWriter:
    """Writes the contract tables of one store folder, part by part."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._parts_dir = folder / ".parts"
        shutil.rmtree(self._parts_dir, ignore_errors=True)
        self._parts_dir.mkdir(parents=True)
        self._con = duckdb.connect()
        self._con.execute("SET preserve_insertion_order = true")
        self._parts: dict[str, list[Path]] = {}
        self.rows: dict[str, int] = {}

    def write(self, table: str, columns: Columns, select: Mapping[str, str]) -> None:
        """Append rows to ``table``: ``select`` maps every contract column, in order, to SQL over ``columns``."""
        expected = [c.name for c in TABLES[table].columns]
        if list(select) != expected:
            raise ValueError(
                f"{table}: columns {list(select)!r} do not match the contract {expected!r}"
            )
        data = pa.table(dict(columns))
        parts = self._parts.setdefault(table, [])
        path = self._parts_dir / f"{table}.{len(parts):05d}.csv"
        target = path.as_posix().replace("'", "''")
        exprs = ", ".join(f"{sql} AS {name}" for name, sql in select.items())
        header = "true" if not parts else "false"
        self._con.register("src", data)
        try:
            self._con.execute(
                f"COPY (SELECT {exprs} FROM src) TO '{target}' (FORMAT csv, HEADER {header}, DELIMITER ',')"
            )
        finally:
            self._con.unregister("src")
        parts.append(path)
        self.rows[table] = self.rows.get(table, 0) + data.num_rows

    def close(self) -> dict[str, int]:
        """Join the parts of every table into ``<table>.csv``; return the row count per table."""
        for table, parts in self._parts.items():
            with (self.folder / f"{table}.csv").open("wb") as out:
                for part in parts:
                    with part.open("rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
        self._con.close()
        shutil.rmtree(self._parts_dir, ignore_errors=True)
        return {t: self.rows.get(t, 0) for t in TABLES}
