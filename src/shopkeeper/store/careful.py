"""The careful CSV reader: for files DuckDB's strict reader cannot take, rewritten record by record.

DuckDB reads a clean CSV fast, but some files stop it as a whole: line endings that mix CRLF and
LF (a file appended to by another tool), lines that end in CR only, a line longer than its read
buffer (which it drops without a reject). Such a file is parsed here with Python's ``csv`` module,
which takes any line ending. Every record is checked the way DuckDB would check it (field count,
an unterminated quote, the line-size limit, invalid UTF-8); the good ones are written to a clean
UTF-8 copy that DuckDB then reads, and the bad ones are returned as rejects with their record
numbers. The line each record starts on is kept, so quarantined rows are located exactly as an
editor shows them (CR, LF and CRLF each end a line).

This runs only when the fast path fails: it is slower, never wrong.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

RAW_CHARS = 10_000
"""Characters of a rejected record kept as its raw text (DuckDB keeps about as many)."""


@dataclass(slots=True)
class CarefulResult:
    """What the careful pass found: the start line of every record and the rejected ones."""

    record_lines: list[int] = field(default_factory=list)  # record n (1 = header) starts here
    rejects: list[tuple[int, str | None, str, str]] = field(default_factory=list)
    written: list[int] = field(default_factory=list)  # record numbers written to the clean copy


class _Lines:
    """The physical lines of a text file, remembering those the csv reader took for one record."""

    def __init__(self, fh: TextIO) -> None:
        self._fh = fh
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._fh:
            self.taken.append(line)
            yield line


def rewrite_csv(
    src: Path, dst: Path, *, headers: list[str], delim: str, max_line_bytes: int
) -> CarefulResult:
    """Parse ``src`` (UTF-8) record by record; write the good records to ``dst`` as clean CSV.

    ``dst`` has ``headers`` as its first line, ``,`` as its delimiter and CRLF line endings, and
    quotes every cell holding a delimiter, a quote or a line break, so DuckDB reads it strictly.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # the line-size limit is checked per record, below
    result = CarefulResult(record_lines=[1])
    try:
        with (
            src.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as fin,
            dst.open("w", encoding="utf-8", newline="") as fout,
        ):
            lines = _Lines(fin)
            reader = csv.reader(lines, delimiter=delim, quotechar='"', doublequote=True)
            writer = csv.writer(fout, delimiter=",", lineterminator="\r\n")
            writer.writerow(headers)
            next(reader, None)  # the header (already read by the caller)
            lines.taken.clear()
            end = reader.line_num
            for row in reader:
                start, end = end + 1, reader.line_num
                raw = "".join(lines.taken)
                lines.taken.clear()
                if not row:  # a blank line is not a record (DuckDB skips it too)
                    continue
                result.record_lines.append(start)
                record = len(result.record_lines)
                problem = _problem(row, raw, len(headers), max_line_bytes)
                if problem is None:
                    writer.writerow(row)
                    result.written.append(record)
                else:
                    column, kind = problem
                    shown = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                    result.rejects.append((record, column, kind, shown.rstrip("\r\n")[:RAW_CHARS]))
    finally:
        csv.field_size_limit(limit)
    return result


def _problem(
    row: list[str], raw: str, width: int, max_line_bytes: int
) -> tuple[str | None, str] | None:
    """(column, DuckDB error type) of what is wrong with a record, or ``None``."""
    if (
        len(raw) > max_line_bytes // 4
        and len(raw.encode("utf-8", "surrogateescape")) > max_line_bytes
    ):
        return None, "LINE SIZE OVER MAXIMUM"
    if raw.count('"') % 2:  # only the last record of a file can leave a quote open
        return f"h{len(row) - 1}", "UNTERMINATED QUOTES"
    if not raw.isascii():
        for i, cell in enumerate(row):
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError:  # a byte that is not UTF-8, kept as a surrogate escape
                return f"h{i}", "INVALID UNICODE"
    if len(row) < width:
        return f"h{len(row)}", "MISSING COLUMNS"
    if len(row) > width:
        return None, "TOO MANY COLUMNS"
    return None
