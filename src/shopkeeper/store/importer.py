"""Import a store folder into the store's warehouse: validate, quarantine, upsert — atomically.

The whole import is one DuckDB transaction: a crash or ``kill -9`` part-way leaves the warehouse
exactly as it was. Per table, in dependency order (products and orders before order_items):

1. every file of the table is staged as text (:mod:`shopkeeper.store.sources`);
2. one ``CREATE TABLE AS`` types every column and collects every row's errors
   (:mod:`shopkeeper.store.validation`) — SQL over the whole table, no Python loop over rows;
3. foreign keys are checked against the warehouse (which already holds this import's parents);
4. duplicate keys within the import: exact copies collapse to one row; conflicting copies keep the
   last one (later file, then later line) and quarantine the others;
5. good rows replace rows with the same key (upsert) and are inserted;
6. bad rows go to ``_quarantine`` with file, line (as an editor shows it), column, reason and the
   raw row. Re-importing a file replaces that file's quarantine entries, so nothing piles up.

One import of a store runs at a time (:func:`shopkeeper.store.locks.import_lock`). A DuckDB read
that fails aborts the transaction; the import then rolls back and runs again, reading that table
without the fast path, or that file with the careful reader (:class:`ReadAgain`). A database error
that is not about one file ends the import with one sentence (:class:`ImportFailed`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np

from shopkeeper.clock import now as clock_now
from shopkeeper.errors import ImportFailed, MissingFileError, UnreadableFileError
from shopkeeper.settings import Settings
from shopkeeper.store.config import StoreConfig, load_store_config
from shopkeeper.store.day_counts import count_days
from shopkeeper.store.lines import good_row_records
from shopkeeper.store.locks import import_lock
from shopkeeper.store.merge import check_foreign_keys, resolve_duplicates, upsert
from shopkeeper.store.quarantine_writer import ERR as _ERR
from shopkeeper.store.quarantine_writer import quarantine_bad_rows
from shopkeeper.store.report import ImportReport, TableResult
from shopkeeper.store.schema import EXTRA_COLUMN, REQUIRED_TABLES, TABLES, Table, import_order
from shopkeeper.store.sources import (
    ReadAgain,
    SourceFile,
    StagedFile,
    discover,
    fetch_rejects,
    plan_csv,
    stage_file,
    table_of,
)
from shopkeeper.store.topic_tags import TAGGED, tag_texts
from shopkeeper.store.validation import (
    column_sql,
    ident,
    missing_column_sql,
    native_column_sql,
    sql_str,
)
from shopkeeper.store.warehouse import Warehouse, store_dir

Progress = Callable[[str, int, int], None]
"""Called as ``progress(description, done, total)`` with sizes in bytes."""

_BAD = "__bad"


MCP_IGNORED = (
    "store.toml: [[mcp_servers]] ignored — a store folder never runs programs; the machine's "
    "owner lists MCP servers in SHOPKEEPER_HOME/mcp_servers.toml"
)


def _sources(source: Path) -> tuple[dict[str, list[SourceFile]], list[Path], Path]:
    if source.is_dir():
        found, ignored = discover(source)
        return found, ignored, source
    if not source.exists():
        raise MissingFileError(f"{source}: no such file or folder")
    table = table_of(source)
    if table is None:
        raise MissingFileError(
            f"{source}: the file name does not name a contract table (e.g. orders.csv, orders.2026-11.csv)"
        )
    found, _ = discover(source.parent)
    return {table: [f for f in found.get(table, []) if f.path == source]}, [], source.parent


def import_store(
    source: Path, store: str, *, settings: Settings, progress: Progress | None = None
) -> ImportReport:
    """Import a store folder (or one table file) into ``store``'s warehouse and return a report.

    Raises ``StoreBusy`` while another import of the same store runs.
    """
    with import_lock(store_dir(settings, store)):
        return _import_locked(source, store, settings=settings, progress=progress)


def _import_locked(
    source: Path, store: str, *, settings: Settings, progress: Progress | None = None
) -> ImportReport:
    started = time.perf_counter()
    source = source.expanduser().resolve()
    files, ignored, folder = _sources(source)
    directory = store_dir(settings, store)
    existing = (directory / "warehouse.duckdb").exists()
    config = load_store_config(folder) if (folder / "store.toml").exists() else None
    if config is None and not existing:
        raise MissingFileError(
            f"{folder / 'store.toml'}: store.toml is missing; a new store needs one (see docs/store-data.md)"
        )
    with Warehouse.open(
        directory,
        timezone=config.timezone if config else None,
        memory_limit=settings.import_memory_limit,
        threads=settings.import_threads,
    ) as wh:
        config = config or wh.store_config()
        if (
            config is None
        ):  # a store whose first import failed: it has a warehouse but no store.toml yet
            raise MissingFileError(
                f"{folder / 'store.toml'}: store.toml is missing; a new store needs one (see docs/store-data.md)"
            )
        _check_required(wh, files, folder)
        tmp = directory / "tmp" / "import"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        report = ImportReport(store=store, source=str(source), import_id=0)
        report.notes.extend(f"ignored {p.name}: not a contract table name" for p in ignored)
        if config.model_extra and config.model_extra.pop("mcp_servers", None) is not None:
            report.warnings.append(MCP_IGNORED)
        total = sum(f.path.stat().st_size for fs in files.values() for f in fs) or 1
        run = _Run(settings, config, files, tmp, started, progress)
        warnings, notes = list(report.warnings), list(report.notes)
        while True:
            try:
                _import_all(wh, run, report, source)
                break
            except ReadAgain as exc:  # rolled back: import again, reading that file more carefully
                if exc.key in run.careful:
                    raise UnreadableFileError(exc.message) from exc
                run.careful.add(exc.key)
                report.tables, report.warnings, report.notes = {}, list(warnings), list(notes)
            except duckdb.Error as exc:  # rolled back
                raise _failed(exc, store, settings) from exc
        if progress:
            progress("done", total, total)
    return report


class _Run:
    """What every attempt of one import shares."""

    def __init__(
        self,
        settings: Settings,
        config: StoreConfig,
        files: dict[str, list[SourceFile]],
        tmp: Path,
        started: float,
        progress: Progress | None,
    ) -> None:
        self.settings, self.config, self.files, self.tmp = settings, config, files, tmp
        self.started, self.progress = started, progress
        self.careful: set[str] = set()  # files (paths) and "fast:<table>" to read carefully


def _import_all(wh: Warehouse, run: _Run, report: ImportReport, source: Path) -> None:
    """One attempt: every table in one transaction, committed only if all of it worked."""
    files, tmp = run.files, run.tmp
    total = sum(f.path.stat().st_size for fs in files.values() for f in fs) or 1
    done = 0
    con = wh.con
    tmp.mkdir(parents=True, exist_ok=True)
    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM _imports").fetchone()
        report.import_id = int(row[0]) if row else 1
        wh.save_config(run.config)
        for table in import_order(list(files)):
            if run.progress:
                run.progress(f"importing {table}", done, total)
            report.tables[table] = _import_table(wh, TABLES[table], files[table], run, report)
            done += sum(f.path.stat().st_size for f in files[table])
        if run.progress and any(table in files for table, _, _ in TAGGED):
            run.progress("reading review texts", done, total)
        tag_texts(con)
        count_days(con, report.import_id)
        if "orders" in files:
            _warn_future_orders(wh, report, clock_now(run.settings), run.config.language)
        report.seconds = round(time.perf_counter() - run.started, 3)
        con.execute(
            "INSERT INTO _imports VALUES (?, now() - to_microseconds(?), now(), ?, ?)",
            [
                report.import_id,
                int(report.seconds * 1e6),
                str(source),
                report.model_dump_json(),
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _failed(exc: duckdb.Error, store: str, settings: Settings) -> ImportFailed:
    """One sentence for a database error that is not about one file."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    hint = ""
    if isinstance(exc, duckdb.OutOfMemoryException):
        hint = (
            f"; raise SHOPKEEPER_IMPORT_MEMORY_LIMIT (now {settings.import_memory_limit}) "
            "or free some memory"
        )
    return ImportFailed(
        f"the import of store {store!r} stopped on a database error ({first}){hint}; "
        "the warehouse is unchanged"
    )


def _warn_future_orders(
    wh: Warehouse, report: ImportReport, now: dt.datetime, language: str
) -> None:
    """Warn about orders placed after the import's clock (a wrong time zone or a typo in a year)."""
    row = wh.con.execute(
        "SELECT count(*), strftime(max(created_at)::TIMESTAMP, '%Y-%m-%d %H:%M') FROM orders "
        "WHERE created_at > ?",
        [now],
    ).fetchone()
    if not row or not row[0]:
        return
    count, latest = int(row[0]), str(row[1])
    clock = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if language == "zh":
        report.warnings.append(
            f"orders: {count} 笔订单的下单时间晚于导入时的时钟（{clock}），最晚为 {latest}；"
            "请检查导出文件的日期和 store.toml 中的时区"
        )
    else:
        report.warnings.append(
            f"orders: {count} order{'s are' if count > 1 else ' is'} dated after the import's clock "
            f"({clock}); the latest is {latest}; check the export's dates and the time zone in store.toml"
        )


def _check_required(wh: Warehouse, files: dict[str, list[SourceFile]], folder: Path) -> None:
    missing = [t for t in REQUIRED_TABLES if t not in files and wh.count(t) == 0]
    if missing:
        names = ", ".join(f"{t}.csv" for t in missing)
        raise MissingFileError(
            f"{folder}: required table file{'s' if len(missing) > 1 else ''} missing: {names} "
            "(.csv, .parquet or .xlsx; split files like orders.2026-11.csv are fine)"
        )


def _import_table(
    wh: Warehouse, table: Table, sources: list[SourceFile], run: _Run, report: ImportReport
) -> TableResult:
    tmp = run.tmp
    fresh = _import_fresh(wh, table, sources, run, report)
    if fresh is not None:
        return fresh
    con = wh.con
    staged = [
        stage_file(
            con,
            src,
            i,
            tmp,
            careful=str(src.path) in run.careful,
            xlsx_max_bytes=run.settings.import_xlsx_max_mb << 20,
        )
        for i, src in enumerate(sources)
    ]
    for s in staged:
        report.notes.extend(s.notes)
        if s.encoding not in ("utf-8", "utf-8-sig"):
            report.notes.append(f"{s.source.path.name}: read as {s.encoding}")
    typed = f"typed_{table.name}"
    con.execute(_typed_sql(table, [_part_sql(table, s) for s in staged], f"TEMP TABLE {typed}"))
    _mark_converter_errors(wh, staged, typed)
    if table.name == "order_items":
        _default_line_numbers(wh, typed)
    check_foreign_keys(wh, table, typed)
    duplicates = resolve_duplicates(wh, table, typed)
    bad = quarantine_bad_rows(wh, table, staged, typed, report.import_id)
    for s in staged:  # the raw text is only needed for quarantined rows: free it before the upsert
        con.execute(f"DROP TABLE {s.staging}")
    imported = upsert(wh, table, typed)
    con.execute(f"DROP TABLE {typed}")
    rows = sum(s.rows + len({r[0] for r in s.rejects}) for s in staged)
    if bad:
        report.warnings.append(
            f"{table.name}: {bad} bad row{'s' if bad > 1 else ''} quarantined (shopkeeper store quarantine)"
        )
    return TableResult(
        files=[s.source.path.name for s in staged],
        rows_read=rows,
        imported=imported,
        bad=bad,
        duplicates=duplicates,
    )


def _part_sql(table: Table, s: StagedFile, *, rid: str | None = None) -> str:
    """Parse (level 1) and value/error (level 2) projections of one staged file (or a ``read_csv``)."""
    level1 = [f"{s.index} AS __file", f"{rid or f'rowid - {s.rowid_offset}'} AS __rid"]
    level2 = ["__file", "__rid"]
    columns = {c: h for h, c in s.mapping.items()}
    for col in table.columns:
        name, err = ident(col.name), ident("e:" + col.name)
        staged_col = columns.get(col.name)
        if staged_col is None:
            value, error = missing_column_sql(col)
        else:
            raw, parsed = ident("c:" + col.name), ident("p:" + col.name)
            sql = native_column_sql(col) if staged_col in s.native else column_sql(table, col)
            parse = sql.render(staged_col, parsed)[0]
            _, value, error = sql.render(raw, parsed)
            level1 += [f"{staged_col} AS {raw}", f"{parse} AS {parsed}"]
        level2 += [f"{value} AS {name}", f"{error} AS {err}"]
    extra = "NULL::JSON"
    if s.extras:
        level1 += list(s.extras)
        extra = "json_object(" + ", ".join(f"{sql_str(x)}, {h}" for h, x in s.extras.items()) + ")"
    level2.append(f"{extra} AS {EXTRA_COLUMN}")
    return f"SELECT {', '.join(level2)} FROM (SELECT {', '.join(level1)} FROM {s.staging})"


def _typed_sql(
    table: Table, parts: list[str], create: str, *, positions: bool = True, extra: bool = True
) -> str:
    """Type and validate every row: per file parse → value/error, then one error list per row."""
    union = " UNION ALL BY NAME ".join(parts)
    errors = [(c.name, ident("e:" + c.name)) for c in table.columns]
    all_ok = " AND ".join(f"{e} IS NULL" for _, e in errors)
    entries = ", ".join(f"{{'column': {sql_str(c)}, 'reason': {e}}}" for c, e in errors)
    level3 = ["__file", "__rid"] if positions else []
    level3 += [f"CAST({ident(c.name)} AS {c.type.sql}) AS {ident(c.name)}" for c in table.columns]
    if extra:
        level3.append(f"CAST({EXTRA_COLUMN} AS JSON) AS {EXTRA_COLUMN}")
    if positions:
        level3.append(
            f"CASE WHEN NOT ({all_ok}) THEN list_filter([{entries}], lambda e: e.reason IS NOT NULL) END AS {_ERR}"
        )
    else:  # the one-pass path only needs to know whether any row is bad; a flag is far cheaper to write
        level3.append(f"NOT ({all_ok}) AS {_BAD}")
    return f"CREATE {create} AS SELECT {', '.join(level3)} FROM ({union})"


def _import_fresh(
    wh: Warehouse, table: Table, sources: list[SourceFile], run: _Run, report: ImportReport
) -> TableResult | None:
    """One pass for the common case: a table still empty in the warehouse, arriving as clean CSV.

    Read, type and validate straight into a new table, check keys and references on it, and swap it
    in. Any rejected, bad, orphan or duplicate row returns ``None`` and the caller takes the staged
    path, which locates and quarantines every problem. So does a file DuckDB cannot read as it is
    (:func:`~shopkeeper.store.sources.careful_reason`); a read that fails all the same raises
    :class:`ReadAgain`, and the next attempt takes the staged path for this table.
    """
    fast = f"fast:{table.name}"
    if (
        fast in run.careful
        or wh.count(table.name)
        or any(s.kind != "csv" or s.path.stat().st_size == 0 for s in sources)
    ):
        return None
    con, tmp = wh.con, run.tmp
    names = [f"fast_{table.name}_{i}" for i in range(len(sources))]
    plans = [plan_csv(src, src.path, tmp, name) for src, name in zip(sources, names, strict=True)]
    if any(p.careful for p in plans):
        return None
    parts = [
        _part_sql(
            table,
            StagedFile(
                p.source,
                i,
                p.read_sql(typed=True, rejects=names[i]),
                p.headers,
                p.mapping,
                p.extras,
                native=frozenset(p.native),
            ),
            rid="0",
        )
        for i, p in enumerate(plans)
    ]
    with_extra = any(
        p.extras for p in plans
    )  # an all-NULL JSON column is slow to write: add it after
    new = ident(f"__new_{table.name}")
    try:
        con.execute(
            _typed_sql(table, parts, f"TABLE main.{new}", positions=False, extra=with_extra)
        )
    except duckdb.Error as exc:  # the transaction is aborted: the staged path, in a new one
        raise ReadAgain(fast, f"{table.name}: {str(exc).splitlines()[0]}") from exc
    rejected = any([fetch_rejects(con, name) for name in names])
    if rejected or not _clean(wh, table, new):
        con.execute(f"DROP TABLE main.{new}")
        return None
    con.execute(f"DROP TABLE main.{ident(table.name)}")
    con.execute(f"ALTER TABLE main.{new} RENAME TO {ident(table.name)}")
    con.execute(f"ALTER TABLE main.{ident(table.name)} DROP COLUMN {_BAD}")
    if not with_extra:
        con.execute(f"ALTER TABLE main.{ident(table.name)} ADD COLUMN {EXTRA_COLUMN} JSON")
    con.execute(
        "DELETE FROM _quarantine WHERE table_name = ? AND list_contains(?, file)",
        [table.name, [str(s.path) for s in sources]],
    )
    for p in plans:
        report.notes.extend(p.notes)
        if p.encoding not in ("utf-8", "utf-8-sig"):
            report.notes.append(f"{p.source.path.name}: read as {p.encoding}")
    rows = wh.count(table.name)
    return TableResult(files=[s.path.name for s in sources], rows_read=rows, imported=rows)


def _clean(wh: Warehouse, table: Table, new: str) -> bool:
    """Whether a freshly typed table has no bad row, orphan, duplicate key or missing line number.

    One pass over the new table: parents are joined in, keys counted distinct.
    """
    keys = ", ".join(f"n.{ident(k)}" for k in table.key)
    counts = [f"count(*) FILTER (WHERE n.{_BAD})", f"count(*) - count(DISTINCT hash({keys}))"]
    joins = []
    for i, fk in enumerate(fk for fk in table.foreign_keys if fk.strict):
        col, ref = ident(fk.column), ident(fk.ref_column)
        parent = TABLES[fk.ref_table]
        unique = parent.key == (fk.ref_column,)
        rows = f"SELECT {'' if unique else 'DISTINCT '}{ref} AS k FROM main.{ident(fk.ref_table)}"
        joins.append(f"LEFT JOIN ({rows}) r{i} ON n.{col} = r{i}.k")
        counts.append(
            f"count(*) FILTER (WHERE n.{col} IS NOT NULL AND n.{col} <> '' AND r{i}.k IS NULL)"
        )
    if table.name == "order_items":
        counts.append("count(*) FILTER (WHERE n.line_no IS NULL)")
    row = wh.con.execute(
        f"SELECT {', '.join(counts)} FROM main.{new} n {' '.join(joins)}"
    ).fetchall()
    return not any(row[0])


def _mark_converter_errors(wh: Warehouse, staged: list[StagedFile], typed: str) -> None:
    for s in staged:
        if not s.bad_lines:
            continue
        records = good_row_records(s.rows, [r[0] for r in s.rejects])
        lines = np.asarray(s.record_lines, dtype=np.int64)[records - 1]
        for rid in np.flatnonzero(np.isin(lines, list(s.bad_lines))):
            column, reason = s.bad_lines[int(lines[rid])]
            entry = f"{{'column': {sql_str(column)}, 'reason': {sql_str(reason)}}}"
            # first: the formula is the cause of whatever else is wrong with the row
            wh.con.execute(
                f"UPDATE {typed} SET {_ERR} = list_prepend({entry}, coalesce({_ERR}, [])) "
                f"WHERE __file = {s.index} AND __rid = {int(rid)}"
            )


def _default_line_numbers(wh: Warehouse, typed: str) -> None:
    row = wh.con.execute(f"SELECT count(*) FROM {typed} WHERE line_no IS NULL").fetchone()
    if row and row[0]:
        wh.con.execute(
            f"""UPDATE {typed} t SET line_no = n.pos FROM (
                SELECT __file, __rid, row_number() OVER (PARTITION BY order_id ORDER BY __file, __rid) AS pos
                FROM {typed}) n
                WHERE t.line_no IS NULL AND t.__file = n.__file AND t.__rid = n.__rid"""
        )


__all__ = ["ImportReport", "Progress", "TableResult", "import_store"]
