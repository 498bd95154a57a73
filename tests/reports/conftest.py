"""One small demo store per test module (scale 0.2, ~30k order lines), and a bare copy of it with
only the three required tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.service import SOURCE_DIR, create_demo

from ..dates import END

DEMO, BARE, EN = "demo", "bare", "demo-en"
REQUIRED = ("store.toml", "products.csv", "orders.csv", "order_items.csv")


@contextmanager
def _home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("sk-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        yield Settings()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A SHOPKEEPER_HOME holding the zh demo store ``demo`` and ``bare`` (products, orders, order_items only)."""
    with _home(tmp_path_factory) as settings:
        create_demo(settings, DEMO, scale=0.2, seed=11, end_date=END)
        bare = tmp_path_factory.mktemp("bare")
        for name in REQUIRED:
            shutil.copy(settings.store_dir(DEMO) / SOURCE_DIR / name, bare / name)
        import_store(bare, BARE, settings=settings)
        yield settings


@pytest.fixture(scope="module")
def en_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A SHOPKEEPER_HOME holding the English (Shopify) demo store ``demo-en``."""
    with _home(tmp_path_factory) as settings:
        create_demo(settings, EN, lang="en", scale=0.2, seed=11, end_date=END)
        yield settings


def source(settings: Settings, store: str) -> Path:
    """The folder a demo store was generated into."""
    return settings.store_dir(store) / SOURCE_DIR
