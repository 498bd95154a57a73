"""What every adapter returns, and the small output helpers they share.

An adapter writes a contract store folder: ``store.toml`` plus one file per table whose header
holds exactly contract column names. The importer then imports it like any other store.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shopkeeper.store.config import StoreConfig
from shopkeeper.store.schema import TABLES

_TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".parquet", ".xlsx"})

Cell = str | int | None


@dataclass(frozen=True)
class AdapterReport:
    """The outcome of converting a foreign export into a contract store folder."""

    source: str
    """Which adapter ran: ``"shopify"`` or ``"online-retail"``."""
    out_dir: Path
    """The store folder written (``store.toml`` and the table files)."""
    rows: dict[str, int]
    """Rows written per contract table."""
    notes: list[str]
    """Plain-English notes on every judgement call made, with counts."""

    def summary(self) -> str:
        """A few lines for a terminal: rows per table, then the notes.

        >>> print(AdapterReport("shopify", Path("s"), {"orders": 2}, ["a note"]).summary())
        shopify -> s
          orders: 2
          - a note
        """
        lines = [f"{self.source} -> {self.out_dir}"]
        lines += [f"  {table}: {count}" for table, count in self.rows.items()]
        lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


def prepare_out_dir(out_dir: Path) -> list[str]:
    """Create ``out_dir``; remove table files and ``store.toml`` a previous run left there.

    Stale table files would otherwise be imported together with the new ones (a table may be
    split over several files). Other files are left alone. Returns a note when files were removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = [p for p in out_dir.iterdir() if p.is_file() and _is_store_file(p)]
    for path in stale:
        path.unlink()
    if not stale:
        return []
    return [
        f"removed {len(stale)} file(s) of an earlier conversion (store.toml, table files) from {out_dir}"
    ]


def _is_store_file(path: Path) -> bool:
    if path.name == "store.toml":
        return True
    stem = path.name.split(".", 1)[0].strip().lower()
    return path.suffix.lower() in _TABLE_SUFFIXES and stem in TABLES


def write_store_toml(out_dir: Path, config: StoreConfig) -> None:
    """Write ``store.toml``."""
    (out_dir / "store.toml").write_text(config.to_toml(), encoding="utf-8")


def write_csv(out_dir: Path, table: str, rows: Sequence[Mapping[str, Cell]]) -> int:
    """Write ``<table>.csv`` with the contract columns the rows use, in contract order.

    Returns the number of rows written. Without rows, a required table (products, orders,
    order_items) still gets a file with its required columns, so the store stays importable;
    an optional table gets no file.
    """
    spec = TABLES[table]
    if not rows and not spec.required:
        return 0
    used = {key for row in rows for key in row} or set(spec.required_columns)
    unknown = sorted(k for k in used if not spec.has(k))
    if unknown:
        raise ValueError(f"{table}: columns {unknown!r} are not in the contract")
    columns = [c.name for c in spec.columns if c.name in used]
    with (out_dir / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return len(rows)
