"""One zh demo store per test module for the team's tests (scale 0.2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.service import create_demo

from ..dates import END

DEMO = "demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A SHOPKEEPER_HOME holding the zh demo store ``demo``; the CLI sees it too."""
    home = tmp_path_factory.mktemp("sk-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = Settings()
        create_demo(settings, DEMO, scale=0.2, seed=11, end_date=END)
        yield settings
    get_settings.cache_clear()
