"""The exception tree: every error Shopkeeper raises on purpose.

Each class refines the builtin that a caller would naturally catch, so code that does not know
Shopkeeper still handles our errors sensibly::

    ShopkeeperError
    ├── ConfigError(ValueError)            bad settings or store.toml
    ├── StoreNotFound(LookupError)         no store with that name under SHOPKEEPER_HOME
    ├── DataContractError(ValueError)      input breaks the store-data contract as a whole
    │   ├── MissingFileError               a required table file is absent
    │   ├── MissingColumnError             a required column is absent from a file
    │   └── UnreadableFileError            a file cannot be decoded or parsed at all
    └── DatasetNotFound(FileNotFoundError) a public dataset is not where it should be

Row-level problems are *not* exceptions: bad rows are quarantined and reported, and the good rows
are imported. Messages quote the offending value with ``!r`` and say how to fix it.
"""

from __future__ import annotations


class ShopkeeperError(Exception):
    """Base class of every error Shopkeeper raises on purpose."""


class ConfigError(ShopkeeperError, ValueError):
    """Settings or a ``store.toml`` are invalid."""


class StoreNotFound(ShopkeeperError, LookupError):
    """No store of that name exists under ``SHOPKEEPER_HOME``."""


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
