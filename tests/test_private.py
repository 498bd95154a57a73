"""The databases are the service user's alone: 0600 files in the 0700 folders Shopkeeper creates."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse


@pytest.fixture(autouse=True)
def _lax_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual umask, under which files come out 0644
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_ops_database_and_warehouse_are_private(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    ops_engine(settings).dispose()
    assert _mode(settings.home) == 0o700
    assert _mode(settings.home / "ops.sqlite") == 0o600
    with Warehouse.open(settings.store_dir("shop")):
        pass
    assert _mode(settings.home / "stores") == 0o700
    assert _mode(settings.store_dir("shop")) == 0o700
    assert _mode(settings.store_dir("shop") / "warehouse.duckdb") == 0o600
