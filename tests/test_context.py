"""Resources are passed in, not opened: the operational database is built only at the edges, and
a store's context answers its currency, time zone and language from ``store.toml``."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import click
import pytest
from sqlalchemy import Engine

from shopkeeper.cli.common import app_context
from shopkeeper.context import AppContext, StoreContext, in_background
from shopkeeper.errors import ConfigError
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store

from .dates import END

SRC = Path(__file__).resolve().parents[1] / "src" / "shopkeeper"
EDGES = ("cli/", "api/app.py", "api/ticker.py", "jobs.py", "mcp_server.py")
"""Where an operational database may be built: the CLI commands, the API's lifespan and its
ticker, the job runner, the MCP server."""


def test_ops_engine_is_built_only_at_the_edges() -> None:
    calls = re.compile(r"(?<!def )\bops_engine\(")
    below = sorted(
        f"{rel}:{n}"
        for path in SRC.rglob("*.py")
        if not (rel := path.relative_to(SRC).as_posix()).startswith(EDGES)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if calls.search(line)
    )
    assert below == [], "these open the operational database themselves instead of receiving it"


@pytest.fixture
def shop(sk_home: Settings, tmp_path: Path) -> str:
    generate_store(tmp_path / "src", scale=0.05, seed=5, end_date=END)
    import_store(tmp_path / "src", "shop", settings=sk_home)
    return "shop"


def test_a_store_context_reads_store_toml_once_through_the_shared_reader(
    sk_home: Settings, shop: str
) -> None:
    app = AppContext(sk_home, ops_engine(sk_home))
    try:
        ctx = app.store(shop)
        assert ctx.config is not None
        assert (ctx.currency, ctx.timezone) == (ctx.config.currency, ctx.config.timezone)
        assert ctx.language == ctx.config.language
        assert app.store(shop, "en").language == "en"  # the caller's language wins
        assert ctx.reader is app.reader(shop)  # one shared reader per store
        assert ctx.engine is app.engine
    finally:
        app.close()


def test_a_context_built_without_resources_says_so(sk_home: Settings) -> None:
    ctx = StoreContext(sk_home, "shop")
    with pytest.raises(ConfigError, match="operational database"):
        _ = ctx.engine


def test_a_cli_command_builds_one_context_and_closes_it(
    sk_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[AppContext] = []
    monkeypatch.setattr(AppContext, "close", lambda self: closed.append(self))
    with click.Context(click.Command("cmd")):
        first = app_context()
        assert app_context() is first  # a second use in the same command: the same engine
        assert closed == []
    assert closed == [first]


def test_an_engine_built_in_the_background_is_waited_for_at_first_use(sk_home: Settings) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow() -> Engine:
        started.set()
        release.wait(5)
        return ops_engine(sk_home)

    app = AppContext(sk_home, in_background(slow))
    assert started.wait(5), "the engine starts building at once, on its own thread"
    release.set()
    engine = app.engine  # waits for it
    assert app.engine is engine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    app.close()


def test_an_engine_that_fails_to_build_fails_its_first_user_not_the_edge(
    sk_home: Settings,
) -> None:
    def broken() -> Engine:
        raise ConfigError("SHOPKEEPER_OPS_URL is not a database URL")

    app = AppContext(sk_home, in_background(broken))
    with pytest.raises(ConfigError, match="OPS_URL"):
        _ = app.engine
    app.close()  # nothing to dispose of: closing does not raise again
