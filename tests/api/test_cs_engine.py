"""The API process holds one operational database: its lifespan builds one engine and one
customer-service engine on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from shopkeeper.api import app as app_module
from shopkeeper.api.cs_backend import EngineBackend
from shopkeeper.settings import Settings

from .conftest import registry


def test_the_lifespan_builds_one_database_engine_shared_by_customer_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Engine] = []
    real = app_module.ops_engine

    def counting(settings: Settings, *args: Any, **kwargs: Any) -> Engine:
        made.append(real(settings, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(app_module, "ops_engine", counting)
    app = app_module.create_app(Settings(home=tmp_path), registry=registry(), tick_every_s=3600)
    with TestClient(app) as client:
        client.get("/v1/stores/demo/cs/queue")  # a cs route resolves the backend
        backend = app.state.cs_backend
        assert isinstance(backend, EngineBackend)
        assert backend.cs.ops is app.state.services.engine
        assert backend.cs.clock is app.state.services.clock
    assert len(made) == 1
