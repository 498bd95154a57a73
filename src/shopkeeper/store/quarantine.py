"""Rows that broke the contract, kept with file, line, column, reason and the raw row."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shopkeeper.store.warehouse import Warehouse


class QuarantinedRow(BaseModel):
    """One quarantined row; ``errors`` lists every problem found in it, ``column``/``reason`` the first."""

    table: str
    file: str
    line: int
    column: str
    reason: str
    errors: list[dict[str, str]]
    raw: dict[str, Any]
    import_id: int


def quarantined_rows(
    wh: Warehouse, *, table: str | None = None, limit: int | None = None
) -> list[QuarantinedRow]:
    """Quarantined rows, ordered by table, file and line."""
    sql = "SELECT table_name, file, line, column_name, reason, errors, raw, import_id FROM _quarantine"
    params: list[Any] = []
    if table:
        sql += " WHERE table_name = ?"
        params.append(table)
    sql += " ORDER BY table_name, file, line"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        QuarantinedRow(
            table=t,
            file=f,
            line=int(line),
            column=c,
            reason=r,
            errors=json.loads(e),
            raw=json.loads(raw),
            import_id=int(i),
        )
        for t, f, line, c, r, e, raw, i in wh.con.execute(sql, params).fetchall()
    ]


def export_csv(rows: list[QuarantinedRow], out: Path) -> None:
    """Write quarantined rows to a CSV a merchant can open in Excel (UTF-8 with BOM)."""
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["table", "file", "line", "column", "reason", "raw"])
        for r in rows:
            writer.writerow(
                [r.table, r.file, r.line, r.column, r.reason, json.dumps(r.raw, ensure_ascii=False)]
            )
