"""Find a store's table files and stage each one, as text, in a DuckDB temporary table.

A table may come as ``.csv``/``.tsv``/``.txt`` (any delimiter among ``, \\t ; |``), ``.parquet``
or ``.xlsx`` (first sheet), split over several files with the same stem:
``orders.2026-10.csv`` + ``orders.2026-11.csv`` (loaded in name order, so later files win).
Staging reads every cell as text; typing and validation happen afterwards in SQL. Rows that are
broken as CSV (too many or too few fields, an unterminated quote, a line over the size limit) are
collected from DuckDB's reject tables with their record numbers and raw text.

A file DuckDB's strict reader cannot take as a whole (mixed line endings, CR-only lines, a line
longer than its buffer) is read by the careful reader (:mod:`shopkeeper.store.careful`) instead,
which locates its bad records the same way. A DuckDB read that fails inside the import's
transaction aborts it, so the failure is raised as :class:`ReadAgain`: the importer rolls back and
imports again, reading that file carefully.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

from shopkeeper.errors import DataContractError, MissingColumnError, UnreadableFileError
from shopkeeper.store.aliases import canonical_column
from shopkeeper.store.careful import rewrite_csv
from shopkeeper.store.encoding import check_text, detect_encoding, transcode_to_utf8
from shopkeeper.store.lines import may_have_long_line
from shopkeeper.store.schema import TABLES
from shopkeeper.store.validation import NATIVE_READ_TYPES, ident, sql_str

FileKind = Literal["csv", "parquet", "xlsx"]
_EXTENSIONS: dict[str, FileKind] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
_DELIMITERS = (",", "\t", ";", "|")
MAX_LINE_BYTES = 16 << 20
BUFFER_BYTES = 2 * MAX_LINE_BYTES
"""DuckDB sizes its CSV buffers from the line limit unless told: big buffers mean fewer chunks to
parse in parallel (a 32 MB limit made parsing mostly single-threaded)."""
LineMode = Literal["physical", "mapped", "row"]
HEADER_NAMES_SHOWN = 20
MAX_COLUMNS = 1_000
"""Columns a table file may have (the contract's columns plus extra ones): a wider header is no
table export, and DuckDB would run out of memory staging it."""


class ReadAgain(Exception):
    """A DuckDB read failed inside the import's transaction: roll back and import again.

    ``key`` is what to read carefully the next time: a file's path, or ``fast:<table>`` for a
    table whose one-pass read failed. ``message`` says what failed, for when it fails again.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


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
    """Table files in a store folder (by table, in load order) and the table-like files that were ignored."""
    found: dict[str, list[SourceFile]] = {}
    ignored: list[Path] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_dir() or path.name.startswith(".") or path.name == "store.toml":
            continue
        table = table_of(path)
        if table is None:
            if path.suffix.lower() in _EXTENSIONS:  # looks like a table: say why it was not read
                ignored.append(path)
            continue
        found.setdefault(table, []).append(
            SourceFile(table, path, _EXTENSIONS[path.suffix.lower()])
        )
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
    native: frozenset[str] = (
        frozenset()
    )  # staging columns (h0, h1...) DuckDB's reader typed (fast path)
    plan: CsvPlan | None = None
    line_mode: LineMode = "physical"
    read_path: Path | None = None
    encoding: str = "utf-8"
    rejects: list[tuple[int, str | None, str, str]] = field(default_factory=list)
    record_lines: list[int] = field(default_factory=list)  # line of each record (xlsx)
    bad_lines: dict[int, tuple[str, str]] = field(
        default_factory=dict
    )  # line -> (column, reason) found converting
    notes: list[str] = field(default_factory=list)


def map_headers(
    table: str, headers: list[str], path: Path
) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Map file headers to contract columns; return (mapping, extras, notes). Raises on a missing
    column, or on more than :data:`MAX_COLUMNS` columns.
    """
    if len(headers) > MAX_COLUMNS:
        widest = max(len(t.columns) for t in TABLES.values())
        raise DataContractError(
            f"{path}: too many columns: {len(headers):,} in the header row, while the contract's "
            f"tables have at most {widest} (and a file at most {MAX_COLUMNS:,} with its extra "
            "columns); export the table again with one column per field"
        )
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
                notes.append(
                    f"{path.name}: column {header!r} also maps to {target!r} (taken by {taken[target]!r}); kept as an extra column"
                )
            extras[col] = header.strip() or f"column_{i + 1}"
    missing = [c for c in TABLES[table].required_columns if c not in taken]
    if missing:
        raise MissingColumnError(
            f"{path}: required column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} "
            f"missing from the header (found: {_shown_headers(headers) or 'no header'}); "
            "rename the column or see docs/aliases.md for accepted names"
        )
    return mapping, extras, notes


def _sniff_delimiter(line: str) -> str:
    counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))


def _read_header(path: Path, shown: Path) -> tuple[list[str], str]:
    """Header cells and delimiter of a UTF-8 file; ``shown`` is the file errors name (not a temporary copy).

    Only the first line is decoded: a broken byte further down is DuckDB's to reject, line by line.
    """
    with path.open("rb") as fh:
        line = fh.readline(MAX_LINE_BYTES)
        rest = fh.read(1 << 16)
    text = line.decode("utf-8-sig", errors="replace")
    first, *after = re.split(r"\r\n|\r|\n", text, maxsplit=1)
    if not first.strip():
        if (after and after[0].strip()) or rest.strip():
            raise MissingColumnError(
                f"{shown}: the first line is blank; the header row (column names) must be on line 1"
            )
        raise MissingColumnError(
            f"{shown}: the file is empty (no header row); export it again with its header"
        )
    if not after and len(line) >= MAX_LINE_BYTES:
        raise UnreadableFileError(
            f"{shown}: the first line (the header row) runs past {MAX_LINE_BYTES >> 20} MB without a "
            "line break; this is not a table export (one row per line)"
        )
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        delim = _sniff_delimiter(first)
        headers = next(csv.reader([first], delimiter=delim))
    finally:
        csv.field_size_limit(limit)
    return headers, delim


def _lone_cr(path: Path) -> bool:
    """Whether the first line of ``path`` ends in a CR alone (old Mac line endings)."""
    with path.open("rb") as fh:
        line = fh.readline(MAX_LINE_BYTES)
    cr = line.find(b"\r")
    return cr >= 0 and line[cr + 1 : cr + 2] != b"\n"


def _shown_headers(headers: list[str]) -> str:
    """The headers for a message: quoted, at most :data:`HEADER_NAMES_SHOWN`, each cut to 40 characters."""
    shown = [repr(h if len(h) <= 40 else h[:40] + "…") for h in headers[:HEADER_NAMES_SHOWN]]
    more = len(headers) - HEADER_NAMES_SHOWN
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


@dataclass(slots=True)
class CsvPlan:
    """How to read one CSV: the UTF-8 file to read, its dialect, header mapping and native types."""

    source: SourceFile
    path: Path
    encoding: str
    headers: list[str]
    delim: str
    mapping: dict[str, str]
    extras: dict[str, str]
    notes: list[str]
    native: dict[str, str]  # staging column -> DuckDB type the reader parses on the fast path
    careful: str | None = None  # why DuckDB cannot read this file as it is (see careful_reason)

    def read_sql(self, *, typed: bool, rejects: str | None) -> str:
        """``read_csv(...)`` of the file, typed or all text.

        With ``rejects``, broken rows are stored in ``rej_t_<rejects>``; without, the first one raises
        (and, inside a transaction, aborts it).
        """
        native = self.native if typed else {}
        columns = {f"h{i}": native.get(f"h{i}", "VARCHAR") for i in range(len(self.headers))}
        keep = (
            f"store_rejects=true, rejects_table='rej_t_{rejects}', rejects_scan='rej_s_{rejects}', "
            if rejects
            else ""
        )
        return (
            f"read_csv({sql_str(self.path.as_posix())}, auto_detect=false, header=true, columns={_struct(columns)}, "
            f"delim={sql_str(self.delim)}, quote='\"', escape='\"', {keep}max_line_size={MAX_LINE_BYTES}, buffer_size={BUFFER_BYTES}, strict_mode=true)"
        )


def plan_csv(
    source: SourceFile, path: Path, tmp: Path, name: str, *, whole_file: bool = False
) -> CsvPlan:
    """Detect the encoding (transcoding to ``tmp/<name>.csv`` if needed), dialect and header mapping."""
    encoding = "utf-8"
    if source.kind == "csv":
        check_text(path)
        encoding = detect_encoding(path, whole_file=whole_file)
        if encoding not in ("utf-8", "utf-8-sig"):
            utf8 = tmp / f"{name}.csv"
            transcode_to_utf8(path, utf8, encoding)
            path = utf8
    headers, delim = _read_header(path, source.path)
    mapping, extras, notes = map_headers(source.table, headers, source.path)
    spec = TABLES[source.table]
    native = {
        h: NATIVE_READ_TYPES[spec.column(c).type]
        for h, c in mapping.items()
        if spec.column(c).type in NATIVE_READ_TYPES
    }
    plan = CsvPlan(source, path, encoding, headers, delim, mapping, extras, notes, native)
    plan.careful = careful_reason(path)
    return plan


def careful_reason(path: Path) -> str | None:
    """Why DuckDB cannot read ``path`` as it is (it must go to the careful reader), or ``None``."""
    if may_have_long_line(path, MAX_LINE_BYTES):
        return f"a line is longer than {MAX_LINE_BYTES >> 20} MB"
    if _lone_cr(path):
        return "its lines end in CR only"
    return None


def stage_file(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    index: int,
    tmp: Path,
    *,
    careful: bool = False,
    xlsx_max_bytes: int | None = None,
) -> StagedFile:
    """Stage one file as a temp table named ``stg_<table>_<index>`` (text, or typed where DuckDB can).

    ``careful`` reads a CSV with the careful reader (a DuckDB read of it failed before).
    """
    if source.path.stat().st_size == 0:
        raise MissingColumnError(
            f"{source.path}: the file is empty (no header row); export it again with its header"
        )
    staging = f"stg_{source.table}_{index}"
    if source.kind == "parquet":
        return _stage_parquet(con, source, index, staging)
    if source.kind == "xlsx":
        from shopkeeper.store.xlsx import xlsx_to_csv

        converted = tmp / f"{staging}.csv"
        record_lines, bad_lines = xlsx_to_csv(source.path, converted, max_bytes=xlsx_max_bytes)
        staged = _stage_csv(con, plan_csv(source, converted, tmp, staging), index, staging)
        staged.line_mode, staged.record_lines, staged.bad_lines = "mapped", record_lines, bad_lines
        return staged
    plan = plan_csv(source, source.path, tmp, staging)
    staged = _stage_csv(con, plan, index, staging, tmp, careful=careful)
    if any(r[2] in ("INVALID UNICODE", "INVALID ENCODING") for r in staged.rejects):
        plan = plan_csv(source, source.path, tmp, staging, whole_file=True)
        if plan.encoding not in ("utf-8", "utf-8-sig"):
            con.execute(f"DROP TABLE {staging}")
            staged = _stage_csv(con, plan, index, staging, tmp, careful=careful)
    return staged


def _stage_carefully(
    con: duckdb.DuckDBPyConnection, plan: CsvPlan, index: int, staging: str, tmp: Path
) -> StagedFile:
    """Stage a CSV through the careful reader: a clean copy for DuckDB, the bad records as rejects."""
    clean = tmp / f"{staging}_careful.csv"
    found = rewrite_csv(
        plan.path, clean, headers=plan.headers, delim=plan.delim, max_line_bytes=MAX_LINE_BYTES
    )
    clean_plan = CsvPlan(
        plan.source, clean, "utf-8", plan.headers, ",", plan.mapping, plan.extras, [], plan.native
    )
    staged = _stage_csv(con, clean_plan, index, staging, tmp, careful=False)
    # records of the clean copy -> records of the file (the clean copy lacks the rejected ones)
    remapped = [(found.written[r - 2], col, kind, raw) for r, col, kind, raw in staged.rejects]
    staged.rejects = sorted(found.rejects + remapped)
    staged.line_mode, staged.record_lines = "mapped", found.record_lines
    why = plan.careful or "mixed line endings, or another break DuckDB's reader does not take"
    staged.encoding = plan.encoding
    staged.notes = [*plan.notes, f"{plan.source.path.name}: read line by line ({why})"]
    return staged


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    plan: CsvPlan,
    index: int,
    staging: str,
    tmp: Path | None = None,
    *,
    careful: bool = False,
) -> StagedFile:
    """Stage a CSV: first with DuckDB typing the numeric and time columns, as text if any cell resists.

    The typed read is as fast as a plain ``read_csv``; a file with export quirks (``¥1,234``,
    ``2026/11/20``, ``-`` for empty...) is read again as text and cleaned by the lenient SQL path.
    """
    if tmp is not None and (careful or plan.careful):
        return _stage_carefully(con, plan, index, staging, tmp)
    staged = _read_csv(con, plan, index, staging, typed=bool(plan.native))
    if plan.native and any(kind == "CAST" for _, _, kind, _ in staged.rejects):
        con.execute(f"DROP TABLE {staging}")
        staged = _read_csv(con, plan, index, staging, typed=False)
    return staged


def fetch_rejects(
    con: duckdb.DuckDBPyConnection, name: str
) -> list[tuple[int, str | None, str, str]]:
    """Rows DuckDB's reader rejected (record number, column, error type, raw text); drops the reject tables."""
    try:
        rows = con.execute(
            f"SELECT line, column_name, error_type::VARCHAR, csv_line FROM rej_t_{name} ORDER BY line"
        ).fetchall()
    finally:
        drop_rejects(con, name)
    return [(int(line), col, str(kind), str(raw)) for line, col, kind, raw in rows]


def drop_rejects(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the reject tables of one read."""
    con.execute(f"DROP TABLE IF EXISTS rej_t_{name}")
    con.execute(f"DROP TABLE IF EXISTS rej_s_{name}")


def _read_csv(
    con: duckdb.DuckDBPyConnection, plan: CsvPlan, index: int, staging: str, *, typed: bool
) -> StagedFile:
    source = plan.source
    try:
        con.execute(
            f"CREATE TEMP TABLE {staging} AS SELECT * FROM {plan.read_sql(typed=typed, rejects=staging)}"
        )
    except duckdb.Error as exc:  # the transaction is aborted: nothing more can run in it
        raise ReadAgain(
            str(source.path), f"{source.path}: cannot be read as CSV: {str(exc).splitlines()[0]}"
        ) from exc
    rejects = fetch_rejects(con, staging)
    staged = StagedFile(source, index, staging, plan.headers, plan.mapping, plan.extras)
    _count_rows(con, staged)
    staged.read_path, staged.encoding, staged.notes = plan.path, plan.encoding, plan.notes
    staged.native = frozenset(plan.native) if typed else frozenset()
    staged.rejects = rejects
    staged.plan = plan
    return staged


def raw_text_table(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> tuple[str, int]:
    """A table with the file's cells exactly as written, and its rowid offset.

    A natively typed staging table has normalised numbers (``1`` became ``1.0000``); quarantined rows
    must show what the merchant wrote, so such a file is read once more as text (only when it has
    bad rows). The rows line up: the typed read had no cast rejects, and structural rejects are the
    same in both reads.
    """
    if not staged.native or staged.plan is None:
        return staged.staging, staged.rowid_offset
    text = _read_csv(con, staged.plan, staged.index, f"{staged.staging}_text", typed=False)
    return text.staging, text.rowid_offset


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, source: SourceFile, index: int, staging: str
) -> StagedFile:
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({sql_str(source.path.as_posix())})"
        ).fetchall()
    except duckdb.Error as exc:
        raise UnreadableFileError(
            f"{source.path}: not a readable Parquet file: {str(exc).splitlines()[0]}"
        ) from exc
    headers = [str(r[0]) for r in described]
    mapping, extras, notes = map_headers(source.table, headers, source.path)
    select = ", ".join(f"CAST({ident(h)} AS VARCHAR) AS h{i}" for i, h in enumerate(headers))
    try:
        con.execute(
            f"CREATE TEMP TABLE {staging} AS SELECT {select} FROM read_parquet({sql_str(source.path.as_posix())})"
        )
    except duckdb.Error as exc:  # a readable footer over corrupt pages
        raise UnreadableFileError(
            f"{source.path}: not a readable Parquet file: {str(exc).splitlines()[0]}"
        ) from exc
    staged = StagedFile(source, index, staging, headers, mapping, extras)
    _count_rows(con, staged)
    staged.line_mode, staged.notes = "row", notes
    return staged


def _count_rows(con: duckdb.DuckDBPyConnection, staged: StagedFile) -> None:
    """Record the row count and rowid offset; rows must be numbered contiguously in file order."""
    [row] = con.execute(
        f"SELECT count(*), coalesce(min(rowid), 0), coalesce(max(rowid), -1) FROM {staged.staging}"
    ).fetchall()
    count, first, last = (int(v) for v in row)
    if last - first + 1 != count:
        raise RuntimeError(
            f"staging of {staged.source.path} did not number rows contiguously ({first}..{last} for {count})"
        )
    staged.rows, staged.rowid_offset = count, first


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{sql_str(k)}: {sql_str(v)}" for k, v in columns.items()) + "}"
