"""One demo store per test module (scale 0.2) served by the API, and tokens of every role."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.api.tokens import create_token
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.skills.registry import SkillRegistry, load_registry
from shopkeeper.store.service import create_demo

from ..dates import END

DEMO, OTHER = "demo", "other"


@pytest.fixture(scope="module")
def api_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A SHOPKEEPER_HOME with the zh demo store ``demo`` and a copy of it named ``other``."""
    home = tmp_path_factory.mktemp("sk-api")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = Settings()
        create_demo(settings, DEMO, scale=0.2, seed=11, end_date=END)
        create_demo(settings, OTHER, scale=0.05, seed=3, end_date=END)
        yield settings
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def tokens(api_home: Settings) -> dict[str, str]:
    """A token per role for ``demo`` (``owner``, ``ops``, ``ads``, ``cs``) and ``other-owner``."""
    engine = ops_engine(api_home)
    made = {role: create_token(engine, DEMO, role).token for role in ("owner", "ops", "ads", "cs")}
    made["other-owner"] = create_token(engine, OTHER, "owner").token
    engine.dispose()
    return made


@pytest.fixture(scope="module")
def client(api_home: Settings, tokens: dict[str, str]) -> Iterator[TestClient]:
    """A client of the app, started (lifespan run); requests carry no token by default."""
    with TestClient(create_app(api_home, registry=registry())) as c:
        yield c


@functools.cache
def registry() -> SkillRegistry:
    """The skill registry, loaded once for the whole test run."""
    return load_registry()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
