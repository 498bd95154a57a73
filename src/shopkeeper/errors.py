"""The exception tree: every error Shopkeeper raises on purpose.

Each class refines the builtin that a caller would naturally catch, so code that does not know
Shopkeeper still handles our errors sensibly::

    ShopkeeperError
    ├── ConfigError(ValueError)            bad settings or store.toml
    ├── StoreNotFound(LookupError)         no store with that name under SHOPKEEPER_HOME
    ├── StoreBusy                          an import holds the store's warehouse (try again soon)
    ├── ImportFailed(RuntimeError)         an import stopped on a database error; nothing changed
    ├── DateOutOfRange(ValueError)         a day the store's data does not cover
    ├── DataContractError(ValueError)      input breaks the store-data contract as a whole
    │   ├── MissingFileError               a required table file is absent
    │   ├── MissingColumnError             a required column is absent from a file
    │   └── UnreadableFileError            a file cannot be decoded or parsed at all
    └── DatasetNotFound(FileNotFoundError) a public dataset is not where it should be

Row-level problems are *not* exceptions: bad rows are quarantined and reported, and the good rows
are imported. Messages quote the offending value with ``!r`` and say how to fix it.
"""

from __future__ import annotations

import datetime as dt


class ShopkeeperError(Exception):
    """Base class of every error Shopkeeper raises on purpose."""


class ConfigError(ShopkeeperError, ValueError):
    """Settings or a ``store.toml`` are invalid."""


class StoreNotFound(ShopkeeperError, LookupError):
    """No store of that name exists under ``SHOPKEEPER_HOME``."""


class DateOutOfRange(ShopkeeperError, ValueError):
    """A day before the store's first data day, or too long after its last one.

    ``first`` and ``last`` are the days the data covers, ``asked`` the day that was asked for; the
    message (in the store's language) names all three.
    """

    def __init__(self, message: str, *, asked: dt.date, first: dt.date, last: dt.date) -> None:
        super().__init__(message)
        self.asked, self.first, self.last = asked, first, last


class StoreBusy(ShopkeeperError):
    """The store's warehouse is locked by an import (or another process): try again shortly.

    ``retry_after`` is how many seconds a client should wait (the API's ``Retry-After``).
    """

    def __init__(self, message: str, *, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ImportFailed(ShopkeeperError, RuntimeError):
    """An import stopped on a database error (out of memory, disk full...); the warehouse is unchanged."""


class DataContractError(ShopkeeperError, ValueError):
    """Input data breaks the store-data contract as a whole (not just some rows)."""


class MissingFileError(DataContractError):
    """A required table file (``products``, ``orders``, ``order_items``) or ``store.toml`` is absent."""


class MissingColumnError(DataContractError):
    """A file lacks a required column; the message names the file and the column."""


class UnreadableFileError(DataContractError):
    """A file cannot be decoded or parsed at all (unknown encoding, corrupt workbook...)."""


class DatasetNotFound(ShopkeeperError, FileNotFoundError):
    """A public dataset (e.g. UCI Online Retail) is not at the expected path."""
