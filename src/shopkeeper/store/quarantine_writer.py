"""Rows that broke the contract go to ``_quarantine``: file, line as an editor shows it, column,
reason and the raw row (the import's step 6; :mod:`shopkeeper.store.quarantine` reads them back).

Re-importing a file replaces that file's entries, so nothing piles up. Lines come from the staged
file's own record map (``mapped``), its row numbers (``row``), or the record starts of the file
as read, so a quoted cell spanning lines still points at the line the record starts on.
"""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from shopkeeper.store.lines import good_row_records, record_start_lines
from shopkeeper.store.schema import Table
from shopkeeper.store.sources import StagedFile, raw_text_table
from shopkeeper.store.validation import sql_str
from shopkeeper.store.warehouse import Warehouse

ERR = "__errors"
"""The typed table's column listing each row's errors (``{column, reason}`` structs)."""
DUP = "__duplicate__"
"""The error column of a duplicate key: a row that is not bad in itself."""


def _record_lines(s: StagedFile, records: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    if s.line_mode == "mapped":
        return np.asarray(s.record_lines, dtype=np.int64)[records - 1]
    assert s.read_path is not None
    starts = record_start_lines(s.read_path)
    return starts[np.minimum(records - 1, len(starts) - 1)]


def quarantine_bad_rows(
    wh: Warehouse, table: Table, staged: list[StagedFile], typed: str, import_id: int
) -> int:
    """Quarantine the bad rows of ``typed`` (the staged files of ``table``) and the rows the
    reader rejected; return how many.
    """
    con = wh.con
    files = [str(s.source.path) for s in staged]
    con.execute(
        "DELETE FROM _quarantine WHERE table_name = ? AND list_contains(?, file)",
        [table.name, files],
    )
    bad_where = f"{ERR} IS NOT NULL AND len(list_filter({ERR}, lambda e: e.column <> '{DUP}')) > 0"
    total = 0
    for s in staged:
        rids = con.execute(
            f"SELECT __rid FROM {typed} WHERE __file = {s.index} AND {bad_where} ORDER BY __rid"
        ).fetchnumpy()["__rid"]
        rids = np.asarray(rids, dtype=np.int64)
        if s.line_mode == "row":
            lines = rids + 2
        elif len(rids):
            records = good_row_records(s.rows, [r[0] for r in s.rejects])[rids]
            lines = _record_lines(s, records)
        else:
            lines = np.zeros(0, dtype=np.int64)
        raw = (
            "json_object("
            + ", ".join(f"{sql_str(h)}, s.h{i}" for i, h in enumerate(s.headers))
            + ")"
        )
        if len(rids):
            text, offset = raw_text_table(con, s)
            con.register("bad_lines", pa.table({"rid": pa.array(rids), "line": pa.array(lines)}))
            con.execute(
                f"""INSERT INTO _quarantine SELECT ?, ?, ?, b.line, t.{ERR}[1].column, t.{ERR}[1].reason,
                    to_json(t.{ERR}), {raw}
                    FROM bad_lines b JOIN {typed} t ON t.__file = {s.index} AND t.__rid = b.rid
                    JOIN {text} s ON s.rowid = b.rid + {offset}""",
                [import_id, table.name, str(s.source.path)],
            )
            con.unregister("bad_lines")
            if text != s.staging:
                con.execute(f"DROP TABLE {text}")
        total += len(rids) + _quarantine_rejects(wh, table, s, import_id)
    return total


_REJECT_REASONS = {
    "TOO MANY COLUMNS": "the row has more fields than the header",
    "MISSING COLUMNS": "the row has fewer fields than the header (truncated?)",
    "UNQUOTED VALUE": "a quote is opened but never closed; everything up to the end of the file is one cell",
    "UNTERMINATED QUOTES": "a quote is opened but never closed; everything up to the end of the file is one cell",
    "LINE SIZE OVER MAXIMUM": "the line is longer than the 16 MB limit",
    "INVALID UNICODE": "the line is not valid text in the file's encoding",
    "INVALID ENCODING": "the line is not valid text in the file's encoding",
}


def _quarantine_rejects(wh: Warehouse, table: Table, s: StagedFile, import_id: int) -> int:
    if not s.rejects:
        return 0
    by_record: dict[int, tuple[str | None, str, str]] = {}
    for record, column, kind, raw in s.rejects:
        header = (
            s.headers[int(column[1:])]
            if column and column[1:].isdigit() and int(column[1:]) < len(s.headers)
            else column
        )
        by_record.setdefault(record, (header, kind, raw))
    records = np.asarray(sorted(by_record), dtype=np.int64)
    lines = _record_lines(s, records)
    rows = []
    for record, line in zip(records.tolist(), lines.tolist(), strict=True):
        column, kind, raw = by_record[record]
        reason = _REJECT_REASONS.get(kind, kind.lower())
        errors = [{"column": column or "*", "reason": reason}]
        rows.append(
            (
                import_id,
                table.name,
                str(s.source.path),
                line,
                column or "*",
                reason,
                errors,
                {"_raw_line": raw},
            )
        )
    wh.con.executemany(
        "INSERT INTO _quarantine VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON)",
        [(*r[:6], _json(r[6]), _json(r[7])) for r in rows],
    )
    return len(rows)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
