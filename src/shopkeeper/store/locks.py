"""Who holds a store's warehouse: one import at a time, and a clear word when it is busy.

DuckDB lets one process write a database file, and no other process open it meanwhile (not even
to read). Two things follow:

- an import takes ``import.lock`` in the store's folder (``flock``, waiting a moment) before it
  opens the warehouse, so a second import of the same store says that one is running instead of
  failing on DuckDB's lock;
- every connection is opened through :func:`connect`, which waits a moment for a lock held by
  another process and otherwise raises :class:`~shopkeeper.errors.StoreBusy` (the API answers 503
  with ``Retry-After``, the CLI one sentence).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from shopkeeper.errors import StoreBusy

LOCK_FILE = "import.lock"
IMPORT_WAIT_S = 2.0
"""How long a second import waits for the first before saying it is running."""
POLL_S = 0.1


def busy_message(store_dir: Path) -> str:
    """What to say when the store's warehouse is held by another process."""
    if import_running(store_dir):
        return f"an import of store {store_dir.name!r} is running; try again when it has finished"
    return (
        f"store {store_dir.name!r} is in use by another process (an import, or a server reading it); "
        "try again in a moment"
    )


def import_running(store_dir: Path) -> bool:
    """Whether an import of the store in ``store_dir`` holds its lock now."""
    path = store_dir / LOCK_FILE
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        # a shared probe: two probes never see each other as an import (only LOCK_EX is one)
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock this call took
    return False


@contextmanager
def import_lock(store_dir: Path, *, wait_s: float = IMPORT_WAIT_S) -> Iterator[None]:
    """Hold the store's import lock (waiting up to ``wait_s``), or raise :class:`StoreBusy`."""
    store_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(store_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"an import of store {store_dir.name!r} is running; "
                        "try again when it has finished"
                    ) from None
                time.sleep(POLL_S)
        yield
    finally:
        os.close(fd)


def is_lock_error(exc: duckdb.Error) -> bool:
    """Whether DuckDB refused a file because another process holds its lock."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect(
    path: Path, *, read_only: bool, config: dict[str, Any] | None = None, wait_s: float = 1.0
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that waits up to ``wait_s`` for another process's lock, then raises :class:`StoreBusy`."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(busy_message(path.parent)) from exc
            time.sleep(POLL_S)
