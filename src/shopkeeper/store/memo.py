"""Answers read from a warehouse that only an import changes, kept until the next import.

Some answers read the whole history (paid orders per day, the outlier orders of a year, each
table's coverage) yet change only when the store is imported again. :class:`ImportMemo` keeps
such an answer under a name, with the :func:`import_key` it was computed at, so the first
question after an import computes it again and every other reads it. Two scopes, one mechanism:

- the web app holds one memo for its life, on its ``Services`` (a page view never rescans);
- :func:`connection_memo` is the memo of one warehouse connection, which lives and dies with it
  (a command's default day, stop and gaps read paid orders per day once; the inspection's and the
  report's outliers share one scan). It caches computations of the connection's own data; the
  connection itself is still passed in everywhere.

>>> memo = ImportMemo()
>>> memo.get(("demo", "coverage"), (1, "t1"), lambda: ["orders"])
['orders']
>>> memo.get(("demo", "coverage"), (1, "t1"), lambda: ["changed"])
['orders']
>>> memo.get(("demo", "coverage"), (2, "t2"), lambda: ["changed"])
['changed']
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

import duckdb

from shopkeeper.store.zone import session_zone

T = TypeVar("T")


def import_key(con: duckdb.DuckDBPyConnection) -> Hashable | None:
    """What a warehouse's answers depend on besides the question: its latest import (id and when
    it finished: a store replaced by a fresh import starts its ids again, never its times) and
    the session's time zone (store days are local days). ``None`` for a connection that is not
    a warehouse: its answers are never kept.

    A read-only connection sees no import while it is open (DuckDB's file lock keeps every writer
    out), so its import is read once and pinned; with the zone its session was set up in
    (:func:`~shopkeeper.store.zone.session_zone`), its key then costs no query.
    """
    zone = session_zone(con)
    with _LOCK:
        pinned = _PINNED.get(con)
    if pinned is not None and zone is not None:
        return (*pinned, zone)
    try:
        row = con.execute(
            """SELECT max(import_id), max(finished_at), current_setting('TimeZone'),
                      current_setting('access_mode') FROM _imports"""
        ).fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):  # no import log of ours
        return None
    if row is None:
        return None
    if row[3] == "read_only":
        with _LOCK:
            _PINNED[con] = (row[0], str(row[1]))
    return (row[0], str(row[1]), zone if zone is not None else row[2])


_PINNED: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, tuple[object, str]] = (
    weakref.WeakKeyDictionary()
)
"""The import of each read-only connection, read once (see :func:`import_key`)."""


class ImportMemo:
    """Values by name, each valid for one :func:`import_key`."""

    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[Hashable, object]] = {}
        self._lock = threading.Lock()

    def peek(self, name: Hashable, key: Hashable | None) -> object | None:
        """The value kept under ``name`` for ``key`` (``None``: none, or kept for another import)."""
        if key is None:
            return None
        with self._lock:
            kept = self._values.get(name)
        return kept[1] if kept is not None and kept[0] == key else None

    def put(self, name: Hashable, key: Hashable | None, value: object) -> None:
        """Keep ``value`` under ``name`` for ``key`` (nothing is kept without a key)."""
        if key is not None:
            with self._lock:
                self._values[name] = (key, value)

    def get(self, name: Hashable, key: Hashable | None, compute: Callable[[], T]) -> T:
        """The value ``name`` for the import ``key``: kept, else computed and kept."""
        kept = self.peek(name, key)
        if kept is not None:
            return cast(T, kept)
        value = compute()
        self.put(name, key, value)
        return value


_BY_CONNECTION: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, ImportMemo] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def connection_memo(con: duckdb.DuckDBPyConnection) -> ImportMemo:
    """The memo of one warehouse connection (gone with the connection)."""
    with _LOCK:
        memo = _BY_CONNECTION.get(con)
        if memo is None:
            memo = _BY_CONNECTION[con] = ImportMemo()
        return memo
