"""Resources are built once at the edge: ``shopkeeper serve`` opens the operational database once
— its start-up checks and the app it serves share the command's application context — and a
store's ``store.toml`` has one reader, which a store context asks once, through its shared reader."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

import shopkeeper.api.app
import shopkeeper.opsdb
import shopkeeper.store.warehouse
from shopkeeper.cli.main import app
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from .conftest import DEMO
from .test_memory_contract import api_home  # noqa: F401  (a small store is enough here)


def test_serve_opens_one_engine_for_its_checks_and_its_app(
    api_home: Settings,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[Engine] = []
    real = shopkeeper.opsdb.ops_engine

    def counting(settings: Settings) -> Engine:
        opened.append(real(settings))
        return opened[-1]

    monkeypatch.setattr(shopkeeper.opsdb, "ops_engine", counting)
    monkeypatch.setattr(shopkeeper.api.app, "ops_engine", counting)
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda asgi, **_: seen.update(app=asgi))
    made = CliRunner().invoke(app, ["token", "create", "--store", DEMO, "--role", "widget"])
    assert made.exit_code == 0, made.stderr
    opened.clear()
    served = CliRunner().invoke(app, ["serve", "--no-kb-refresh"])
    assert served.exit_code == 0, served.stderr
    assert "cs_widget_secret" in served.stderr  # the start-up check read the tokens
    with TestClient(seen["app"]):  # the lifespan serves on the command's context
        assert seen["app"].state.services.engine is opened[0]
    assert len(opened) == 1


def test_a_store_context_reads_store_toml_once_through_the_one_reader(
    api_home: Settings,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = shopkeeper.store.warehouse.store_config

    def counting(settings: Settings, store: str, **kwargs: Any) -> Any:
        calls.append(store)
        return real(settings, store, **kwargs)

    monkeypatch.setattr(shopkeeper.store.warehouse, "store_config", counting)
    ctx = app_context(api_home)
    try:
        store = ctx.store(DEMO)
        monkeypatch.setattr(Warehouse, "open", None)  # through the shared reader, not a new open
        assert (store.currency, store.timezone) == (store.config.currency, "Asia/Shanghai")
        assert store.language == store.config.language
    finally:
        ctx.close()
    assert calls == [DEMO]
