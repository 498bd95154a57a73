"""Fixtures shared by every test: an isolated SHOPKEEPER_HOME and a small valid store to break."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.store.corpus import write_store

from shopkeeper.settings import Settings, get_settings

StoreBuilder = Callable[..., Path]


@pytest.fixture
def sk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """A fresh SHOPKEEPER_HOME for this test, as Settings; the CLI sees it too."""
    home = tmp_path / "sk-home"
    home.mkdir()
    monkeypatch.setenv("SHOPKEEPER_HOME", str(home))
    get_settings.cache_clear()
    yield Settings()  # read from the environment, exactly as the CLI will
    get_settings.cache_clear()


@pytest.fixture
def tiny_store(tmp_path: Path) -> StoreBuilder:
    """Build a valid minimal store folder; keyword arguments replace or add table files.

    ``tiny_store()`` writes store.toml, products.csv, orders.csv and order_items.csv (see
    :mod:`tests.store.corpus` for the rows). ``tiny_store(traffic=True)`` adds the corpus's
    valid traffic.csv; ``tiny_store(files={"orders.csv": b"..."})`` writes exact bytes instead of
    the default file; ``name`` picks the folder name, so one test can build several stores.
    """

    def build(name: str = "store", **kwargs: object) -> Path:
        return write_store(tmp_path / name, **kwargs)  # type: ignore[arg-type]

    return build
