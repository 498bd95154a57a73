"""Answers read from a store's warehouse that only an import changes, kept until the next import.

A page view must not scan the whole warehouse: the Data page's coverage (each table's first and
last day and its missing days) reads every row of every table, seconds on a store of millions of
order lines, yet it changes only when the store is imported again. :class:`ImportMemo` keeps such
an answer keyed by the store's latest import (its id and when it finished, read from the
warehouse's ``_imports`` log: a store replaced by a fresh import starts its ids again, never its
times), so the next view after an import computes it again and every other view reads it.

One memo per running app, on its :class:`~shopkeeper.api.deps.Services`.

>>> memo = ImportMemo()
>>> memo.get("demo", (1, "t1"), "coverage", lambda: ["orders"])
['orders']
>>> memo.get("demo", (1, "t1"), "coverage", lambda: ["changed"])
['orders']
>>> memo.get("demo", (2, "t2"), "coverage", lambda: ["changed"])
['changed']
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    import duckdb

T = TypeVar("T")


def import_key(cur: duckdb.DuckDBPyConnection) -> Hashable:
    """The store's latest import as a memo key: its id and when it finished."""
    row = cur.execute("SELECT max(import_id), max(finished_at) FROM _imports").fetchone()
    return (row[0], str(row[1])) if row else (None, None)


class ImportMemo:
    """Values per store and name, each valid for one import of the store."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], tuple[Hashable, object]] = {}
        self._lock = threading.Lock()

    def get(self, store: str, key: Hashable, name: str, compute: Callable[[], T]) -> T:
        """The value ``name`` of ``store`` for the import ``key``: kept, else computed and kept."""
        with self._lock:
            kept = self._values.get((store, name))
        if kept is not None and kept[0] == key:
            return cast(T, kept[1])
        value = compute()
        with self._lock:
            self._values[(store, name)] = (key, value)
        return value
