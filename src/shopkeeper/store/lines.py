"""Map CSV record numbers to line numbers as an editor shows them (the header is line 1).

DuckDB numbers records, not physical lines: a quoted cell with a newline makes the two differ.
Only rows that are reported (quarantined) need a line number, so this runs on demand, vectorised
with NumPy over the file's bytes in chunks: a newline ends a record unless it sits inside
quotes, and with RFC 4180 escaping (``""``) that is exactly when the count of quote characters
before it is odd. Blank lines are not records (DuckDB skips them too).
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np
import numpy.typing as npt

_CHUNK = 1 << 26
NEWLINE, QUOTE, CR = 10, 34, 13


def record_start_lines(path: Path) -> npt.NDArray[np.int64]:
    """Line number (1-based) on which each record of a CSV file starts, header included.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b'a,b\\n1,"x\\ny"\\n\\n2,z\\n')
    >>> record_start_lines(p).tolist()
    [1, 2, 5]
    """
    data = (
        np.memmap(path, dtype=np.uint8, mode="r") if path.stat().st_size else np.zeros(0, np.uint8)
    )
    starts: list[npt.NDArray[np.int64]] = [np.zeros(1, dtype=np.int64)]
    newline_chunks: list[npt.NDArray[np.int64]] = []
    quotes_so_far = 0
    for offset in range(0, len(data), _CHUNK):
        chunk = np.asarray(data[offset : offset + _CHUNK])
        newlines = np.flatnonzero(chunk == NEWLINE)
        quotes = np.flatnonzero(chunk == QUOTE)
        parity = (quotes_so_far + np.searchsorted(quotes, newlines)) % 2
        starts.append(newlines[parity == 0].astype(np.int64) + offset + 1)
        newline_chunks.append(newlines.astype(np.int64) + offset)
        quotes_so_far += len(quotes)
    start = np.concatenate(starts)
    start = start[start < len(data)]
    if len(start):
        first = np.asarray(data[start])
        blank = (first == NEWLINE) | (
            (first == CR) & (np.asarray(data[np.minimum(start + 1, len(data) - 1)]) == NEWLINE)
        )
        start = start[~blank]
    all_newlines = np.concatenate(newline_chunks) if newline_chunks else np.zeros(0, np.int64)
    return np.searchsorted(all_newlines, start).astype(np.int64) + 1


def good_row_records(n_good: int, rejected_records: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Record numbers of the rows DuckDB kept, given the record numbers it rejected.

    Records are numbered from 1 (the header); data starts at record 2.

    >>> good_row_records(3, [3]).tolist()
    [2, 4, 5]
    """
    rejected = np.unique(np.asarray(rejected_records, dtype=np.int64))
    total = 1 + n_good + len(rejected)
    candidates = np.arange(2, total + 1, dtype=np.int64)
    return np.setdiff1d(candidates, rejected, assume_unique=True)[:n_good]


def may_have_long_line(path: Path, limit: int) -> bool:
    """Whether a line of ``path`` may be longer than ``limit`` bytes (``False`` means none is).

    A line longer than ``limit`` covers a whole aligned block of ``limit // 2`` bytes, so it is
    enough to find a newline in every block: a search that stops at the first one, touching a page
    or so per block rather than reading the file.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes(b"a\\n" + b"x" * 100 + b"\\nb\\n")
    >>> may_have_long_line(p, 64), may_have_long_line(p, 256)
    (True, False)
    """
    size = path.stat().st_size
    block = max(limit // 2, 1)
    if size <= limit:
        return False
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(
            data.find(b"\n", start, start + block) < 0
            for start in range(0, size - block + 1, block)
        )
