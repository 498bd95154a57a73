"""Find a store's table files and stage each one, as text, in a DuckDB temporary table.

A table may come as ``.csv``/``.tsv``/``.txt`` (any delimiter among ``, \\t ; |``), ``.parquet``
or ``.xlsx`` (first sheet), split over several files with the same stem:
``orders.2026-10.csv`` + ``orders.2026-11.csv`` (loaded in name order, so later files win).
Staging reads every cell as text; typing and validation happen afterwards in SQL. Rows that are
broken as CSV (too many or too few fields, an unterminated quote, a line over the size limit) are
collected from DuckDB's reject tables with their record numbers and raw text.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

from shopkeeper.errors import MissingColumnError, UnreadableFileError
from shopkeeper.store.aliases import canonical_column
from shopkeeper.store.encoding import detect_encoding, transcode_to_utf8
from shopkeeper.store.schema import TABLES
from shopkeeper.store.validation import ident, sql_str

FileKind = Literal["csv", "parquet", "xlsx"]
_EXTENSIONS: dict[str, FileKind] = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}
_DELIMITERS = (",", "\t", ";", "|")
MAX_LINE_BYTES = 32 << 20
LineMode = Literal["physical", "mapped", "row"]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file holding (part of) a contract table."""

    table: str
    path: Path
    kind: FileKind


def table_of(path: Path) -> str | None:
    """The contract table a file name belongs to, or ``None``.

    >>> table_of(Path("orders.2026-10.csv")), table_of(Path("Order_Items.xlsx")), table_of(Path("notes.csv"))
    ('orders', 'order_items', None)
    """
    if path.suffix.lower() not in _EXTENSIONS:
        return None
    stem = path.name.split(".", 1)[0].strip().lower()
    return stem if stem in TABLES else None


def discover(folder: Path) -> tuple[dict[str, list[SourceFile]], list[Path]]:
    """Table files in a store folder (by table, in load order) and the files that were ignored."""
    found: dict[str, list[SourceFile]] = {}
    ignored: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_dir() or path.name.startswith(".") or path.name == "store.toml":
            continue
        table = table_of(path)
        if table is None:
            ignored.append(path)
            continue
        found.setdefault(table, []).append(SourceFile(table, path, _EXTENSIONS[path.suffix.lower()]))
    return found, ignored


@dataclass(slots=True)
class StagedFile:
    """A file staged as text: where it is, how its headers map, and what DuckDB rejected."""

    source: SourceFile
    index: int
    staging: str
    headers: list[str]
    mapping: dict[str, str]  # staging column -> contract column
    extras: dict[str, str]  # staging column -> original header
    rows: int = 0
    rowid_offset: int = 0  # rowid of the first row (transaction-local rowids do not start at 0)
    line_mode: LineMode = "physical"
    read_path: Path | None = None
    encoding: str = "utf-8"
    rejects: list[tuple[int, str | None, str, str]] = field(default_factory=list)
    record_lines: list[int] = field(default_factory=list)  # line of each record (xlsx)
    bad_lines: dict[int, str] = field(default_factory=dict)  # line -> reason found while converting
    notes: list[str] = field(default_factory=list)


def map_headers(table: str, headers: list[str], path: Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Map file headers to contract columns; return (mapping, extras, notes). Raises on a missing column."""
    mapping: dict[str, str] = {}
    extras: dict[str, str] = {}
    notes: list[str] = []
    taken: dict[str, str] = {}
    for i, header in enumerate(headers):
        col = f"h{i}"
        target = canonical_column(table, header) if header.strip() else None
        if target is not None and target not in taken:
            mapping[col] = target
            taken[target] = header
        else:
            if target is not None:
                notes.append(f"{path.name}: column {header!r} also maps to {target!r} (taken by {taken[target]!r}); kept as an extra column")
            extras[col] = header.strip() or f"column_{i + 1}"
    missing = [c for c in TABLES[table].required_columns if c not in taken]
    if missing:
        raise MissingColumnError(
            f"{path}: required column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} "
            f"missing from the header (found: {', '.join(repr(h) for h in headers) or 'no header'}); "
            "rename the column or see docs/aliases.md for accepted names"
        )
    return mapping, extras, notes


def _sniff_delimiter(line: str) -> str:
    counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))


def _read_header(path: Path) -> tuple[list[str], str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = fh.readline(MAX_LINE_BYTES)
    if not first.strip():
        raise MissingColumnError(f"{path}: the file is empty (no header row); export it again with its header")
    first = first.rstrip("\r\n")
    delim = _sniff_delimiter(first)
    return next(csv.reader([first], delimiter=delim)), delim


def stage_file(con: duckdb.DuckDBPyConnection, source: SourceFile, index: int, tmp: Path) -> StagedFile:
    """Stage one file as a VARCHAR temp table named ``stg_<table>_<index>``."""
    if source.path.stat().st_size == 0:
        raise MissingColumnError(f"{source.path}: the file is empty (no header row); export it again with its header")
    staging = f"stg_{source.table}_{index}"
    if source.kind == "parquet":
        return _stage_parquet(con, source, index, staging)
    staged_path, record_lines, bad_lines = source.path, list[int](), dict[int, str]()
    encoding = "utf-8"
    if source.kind == "xlsx":
        from shopkeeper.store.xlsx import xlsx_to_csv

        staged_path = tmp / f"{staging}.csv"
        record_lines, bad_lines = xlsx_to_csv(source.path, staged_path)
    else:
        encoding = detect_encoding(source.path)
        if encoding not in ("utf-8", "utf-8-sig"):
            staged_path = tmp / f"{staging}.csv"
            transcode_to_utf8(source.path, staged_path, encoding)
    staged = _stage_csv(con, source, index, staging, staged_path, encoding)
    if source.kind == "xlsx":
        staged.line_mode, staged.record_lines, staged.bad_lines = "mapped", record_lines, bad_lines
    if any(r[2] == "INVALID UNICODE" or r[2] == "INVALID ENCODING" for r in staged.rejects) and source.kind == "csv":
        encoding = detect_encoding(source.path, whole_file=True)
        if encoding not in ("utf-8", "utf-8-sig"):
            con.execute(f"DROP TABLE {staging}")
            staged_path = tmp / f"{staging}.csv"
            transcode_to_utf8(source.path, staged_path, encoding)
            staged = _stage_csv(con, source, index, staging, staged_path, encoding)
    return staged


def _stage_csv(
    con: duckdb.DuckDBPyConnection, source: SourceFile, index: int, staging: str, path: Path, encoding: str
) -> StagedFile:
    headers, delim = _read_header(path)
    mapping, extras, notes = map_headers(source.table, headers, source.path)
    columns = {f"h{i}": "VARCHAR" for i in range(len(headers))}
    rej_t, rej_s = f"rej_t_{source.table}_{index}", f"rej_s_{source.table}_{index}"
    try:
        con.execute(
            f"""CREATE TEMP TABLE {staging} AS SELECT * FROM read_csv({sql_str(path.as_posix())},
                auto_detect=false, header=true, columns={_struct(columns)}, delim={sql_str(delim)},
                quote='"', escape='"', store_rejects=true, rejects_table='{rej_t}', rejects_scan='{rej_s}',
                max_line_size={MAX_LINE_BYTES}, strict_mode=true)"""
        )
        rejects = con.execute(
            f"SELECT line, column_name, error_type::VARCHAR, csv_line FROM {rej_t} ORDER BY line"
        ).fetchall()
    except duckdb.Error as exc:
        raise UnreadableFileError(f"{source.path}: cannot be read as CSV: {str(exc).splitlines()[0]}") from exc
    finally:
        con.execute(f"DROP TABLE IF EXISTS {rej_t}")
        con.execute(f"DROP TABLE IF EXISTS {rej_s}")
    staged = StagedFile(source, index, staging, headers, mapping, extras)
    _count_rows(con, staged)
    staged.read_path, staged.encoding, staged.notes = path, encoding, notes
    staged.rejects = [(int(line), col, str(kind), str(raw)) for line, col, kind, raw in rejects]
    return staged


def _stage_parquet(con: duckdb.DuckDBPyConnection, source: SourceFile, index: int, staging: str) -> StagedFile:
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_str(source.path.as_posix())})").fetchall()
    except duckdb.Error as exc:
        raise UnreadableFileError(f"{source.path}: not a readable Parquet file: {str(exc).splitlines()[0]}") from exc
    headers = [str(r[0]) for r in described]
    mapping, extras, notes = map_headers(source.table, headers, source.path)
    select = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS h{i}" for i, h in enumerate(headers))
    con.execute(f"CREATE TEMP TABLE {staging} AS SELECT {select} FROM read_parquet({sql_str(source.path.as_posix())})")
    staged = StagedFile(source, index, staging, headers, mapping, extras)
    _count_rows(con, staged)
    staged.line_mode, staged.notes = "row", notes
    return staged


def _count_rows(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> None:
    """Record the row count and rowid offset; rows must be numbered contiguously in file order."""
    row = con.execute(f"SELECT count(*), coalesce(min(rowid), 0), coalesce(max(rowid), -1) FROM {staged.staging}").fetchone()
    count, first, last = (int(v) for v in row) if row else (0, 0, -1)
    if last - first + 1 != count:
        raise RuntimeError(f"staging of {staged.source.path} did not number rows contiguously ({first}..{last} for {count})")
    staged.rows, staged.rowid_offset = count, first


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{sql_str(k)}: {sql_str(v)}" for k, v in columns.items()) + "}"
