"""One API app holds one operational database engine, whatever its routes do."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

import shopkeeper.opsdb.migrations
from shopkeeper.api.app import create_app
from shopkeeper.settings import Settings

from .conftest import bearer, registry


def test_one_app_holds_one_engine(
    api_home: Settings, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[sqlalchemy.Engine] = []

    def counting(*args: Any, **kwargs: Any) -> sqlalchemy.Engine:
        made.append(sqlalchemy.create_engine(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(shopkeeper.opsdb.migrations, "create_engine", counting)
    owner = bearer(tokens["owner"])
    with TestClient(create_app(api_home, registry=registry())) as client:
        for skill, args in (
            ("pending_approvals", {}),
            ("remember", {"text": "no discounts below 20% off"}),
            ("recall_memory", {"query": "discounts"}),
            ("findings_history", {}),
            ("inspect_store", {"limit": 1}),
        ):
            reply = client.post(f"/v1/stores/demo/skills/{skill}", headers=owner, json=args)
            assert reply.status_code == 200, (skill, reply.text)
    assert len(made) == 1
