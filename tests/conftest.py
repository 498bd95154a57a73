"""Fixtures shared by every test: the store clock (tests.dates), an isolated SHOPKEEPER_HOME and a
small valid store to break."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from shopkeeper.settings import Settings, get_settings

from .dates import NOW
from .store.corpus import write_store

StoreBuilder = Callable[..., Path]


@pytest.fixture(autouse=True, scope="session")
def _store_clock() -> Iterator[None]:
    """The whole suite runs at the store clock ``tests.dates.NOW``, never the machine's date
    (module fixtures included: a session fixture is set up before them)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_NOW", NOW.isoformat())
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _block_model_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks to a real model: HTTP and local-weights requests raise ModelRequestsBlocked."""
    monkeypatch.setattr("shopkeeper.llm.base.ALLOW_MODEL_REQUESTS", False)


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
    """Build a valid minimal store folder, optionally with some files replaced, added or removed.

    ``tiny_store()`` writes store.toml, products.csv, orders.csv and order_items.csv (see
    :mod:`tests.store.corpus` for the rows). ``tiny_store(traffic=True)`` adds the corpus's
    valid traffic.csv (``refunds=True`` likewise); ``tiny_store(files={"orders.csv": b"..."})``
    writes exact bytes instead of the default file, ``None`` removes it; ``name`` picks the folder
    name, so one test can build several stores.
    """

    def build(
        name: str = "store",
        files: Mapping[str, bytes | str | None] | None = None,
        *,
        traffic: bool = False,
        refunds: bool = False,
    ) -> Path:
        return write_store(tmp_path / name, files, traffic=traffic, refunds=refunds)

    return build
