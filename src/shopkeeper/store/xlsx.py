"""Excel workbooks (first sheet) converted to UTF-8 CSV for staging.

Excel rows map one-to-one to CSV records, so a reported line is the Excel row number (the header
is row 1). A formula cell is read as the value Excel saved with it; a formula with no saved value
(a workbook written by a script and never opened in Excel) cannot be trusted and its row is
reported.

A workbook is a ZIP archive, and its XML can inflate a thousandfold: the sizes its entries unpack
to are checked against a limit (``SHOPKEEPER_IMPORT_XLSX_MAX_MB``) before anything is unpacked.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from shopkeeper.errors import UnreadableFileError


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


XLSX_MAX_MB = 512
"""Default limit on what a workbook may unpack to (its XML, in MB)."""


def check_unpacked_size(src: Path, max_bytes: int | None = None) -> None:
    """Refuse a workbook whose entries unpack to more than ``max_bytes`` (default :data:`XLSX_MAX_MB` MB).

    The sizes are those the archive declares; ``zipfile`` never inflates an entry past its
    declared size, so a lying archive fails its CRC check instead of filling memory.
    """
    limit = max_bytes if max_bytes is not None else XLSX_MAX_MB << 20
    try:
        with zipfile.ZipFile(src) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFileError(f"{src}: not a readable .xlsx workbook: {exc}") from exc
    if unpacked > limit:
        raise UnreadableFileError(
            f"{src}: the workbook unpacks to {unpacked / 2**20:,.0f} MB, over the {limit / 2**20:,.0f} MB "
            "limit for .xlsx files; save it as CSV (no limit) or raise SHOPKEEPER_IMPORT_XLSX_MAX_MB"
        )


def xlsx_to_csv(
    src: Path, dst: Path, *, max_bytes: int | None = None
) -> tuple[list[int], dict[int, tuple[str, str]]]:
    """Write the first sheet of ``src`` to ``dst``, skipping empty rows.

    Returns the Excel row of each CSV record (header first) and {excel row: (column header,
    reason)} for rows with a formula cell that has no saved value.
    """
    check_unpacked_size(src, max_bytes)
    try:
        values = load_workbook(src, read_only=True, data_only=True)
        formulas = load_workbook(src, read_only=True, data_only=False)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableFileError(f"{src}: not a readable .xlsx workbook: {exc}") from exc
    bad: dict[int, tuple[str, str]] = {}
    record_rows: list[int] = []
    header: list[str] = []
    try:
        rows_v = values.worksheets[0].iter_rows(values_only=True)
        rows_f = formulas.worksheets[0].iter_rows(values_only=True)
        with dst.open("w", encoding="utf-8", newline="") as fh:
            # CRLF: a cell holding a lone CR or LF is quoted, so DuckDB reads the file strictly
            writer = csv.writer(fh, lineterminator="\r\n")
            for excel_row, (row_v, row_f) in enumerate(zip(rows_v, rows_f, strict=False), start=1):
                cells = [_cell_text(v) for v in row_v]
                header = cells if excel_row == 1 else header
                for col, (v, f) in enumerate(zip(row_v, row_f, strict=False)):
                    if v is None and isinstance(f, str) and f.startswith("="):
                        letter = get_column_letter(col + 1)
                        name = (
                            header[col].strip() if col < len(header) else ""
                        ) or f"column {letter}"
                        reason = f"cell {letter}{excel_row} holds the formula {f[:60]!r} with no saved value; open the workbook in Excel, save it, and import again"
                        bad.setdefault(excel_row, (name, reason))
                        cells[col] = f
                if excel_row == 1 or any(cells):
                    writer.writerow(cells)
                    record_rows.append(excel_row)
    finally:
        values.close()
        formulas.close()
    return record_rows, bad
