"""Two pet-supplies stores the engine has never seen (the ``pets`` demo category, zh and en, with
flavour × weight variants named in ``products.sku_name``) and an engine on the suite's clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.clock import Clock
from shopkeeper.cs.engine import CsEngine
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.service import create_demo

from ...dates import END, NOW

STORES = (("pets", "zh"), ("pets-en", "en"))


def make_stores(settings: Settings) -> Settings:
    """The two pet-supplies stores in ``settings``' home (the same data every time)."""
    for store, lang in STORES:
        create_demo(settings, store, lang=lang, scale=0.1, seed=5, end_date=END, category="pets")
    return settings


@pytest.fixture(scope="package")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, CsEngine]]:
    home = tmp_path_factory.mktemp("sk-pets")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = make_stores(Settings())
        ops = ops_engine(settings)
        yield settings, CsEngine(settings, ops, Clock(NOW))
        ops.dispose()
    get_settings.cache_clear()
