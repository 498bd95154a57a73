"""A shared read-only warehouse connection for services that answer many small queries.

Opening a DuckDB file costs ~10 ms, more than the point lookups a customer-service turn makes, so
a long-running service keeps one read-only connection per store and hands each caller its own
cursor (DuckDB cursors are safe to use from different threads). The connection is closed after a
few idle seconds, so a ``shopkeeper store import`` (which needs the file to itself) is never
locked out for long.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from shopkeeper.errors import StoreBusy, StoreNotFound
from shopkeeper.store.locks import busy_message, connect, import_running
from shopkeeper.store.warehouse import WAREHOUSE_FILE, Warehouse
from shopkeeper.store.zone import use_zone

IDLE_SECONDS = 3.0
_open_readers: weakref.WeakSet[SharedReader] = weakref.WeakSet()


class SharedReader:
    """One read-only connection to a store's warehouse, shared by cursors, closed when idle."""

    def __init__(self, store_dir: Path, *, idle_seconds: float = IDLE_SECONDS) -> None:
        self.store_dir = store_dir
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._timezone = "UTC"
        self._active = 0
        self._last_used = 0.0
        self._reaper: threading.Thread | None = None
        _open_readers.add(self)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared connection (opened on first use), in the store's time zone.

        While an import of the store holds its lock it waits for this file, so no cursor is
        handed out (``StoreBusy``) and the connection is let go as soon as no cursor uses it:
        reads that never pause would otherwise keep the import out for good.
        """
        with self._lock:
            if import_running(self.store_dir):
                self._release_if_idle()
                raise StoreBusy(busy_message(self.store_dir))
            if self._con is None:
                self._open()
            assert self._con is not None
            cur = self._con.cursor()
            self._active += 1
        try:
            use_zone(cur, self._timezone)
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._active -= 1
                self._last_used = time.monotonic()
                if import_running(self.store_dir):
                    self._release_if_idle()

    def _release_if_idle(self) -> None:
        if self._con is not None and self._active == 0:
            self._con.close()
            self._con = None

    def _open(self) -> None:
        path = self.store_dir / WAREHOUSE_FILE
        if not path.exists():
            raise StoreNotFound(
                f"no warehouse at {path}; import data first with `shopkeeper store import`"
            )
        self._con = connect(path, read_only=True)  # StoreBusy while an import holds the file
        self._timezone = str(Warehouse(path, self._con).config_value("timezone") or "UTC")
        self._last_used = time.monotonic()
        if self._reaper is None or not self._reaper.is_alive():
            self._reaper = threading.Thread(target=self._reap, daemon=True, name="warehouse-reaper")
            self._reaper.start()

    def _reap(self) -> None:
        while True:
            time.sleep(self.idle_seconds / 3)
            with self._lock:
                if self._con is None:
                    return
                if self._active == 0 and time.monotonic() - self._last_used > self.idle_seconds:
                    self._con.close()
                    self._con = None
                    return

    def close(self) -> None:
        """Close the connection now (cursors in use keep working until they finish)."""
        with self._lock:
            if self._con is not None and self._active == 0:
                self._con.close()
                self._con = None


@atexit.register
def _close_all() -> None:
    for reader in list(_open_readers):
        reader.close()
