"""``shopkeeper token`` and ``shopkeeper serve`` through Typer's CliRunner."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from shopkeeper.api.app import create_app
from shopkeeper.cli.main import app
from shopkeeper.settings import Settings

from .conftest import DEMO, bearer, registry

runner = CliRunner()


def test_token_create_list_revoke(api_home: Settings) -> None:
    made = runner.invoke(
        app, ["token", "create", "--store", DEMO, "--role", "ads", "--label", "agency"]
    )
    assert made.exit_code == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("sk_")
    assert "not shown again" in made.stderr
    with TestClient(create_app(api_home, registry=registry())) as client:
        me = client.get(f"/v1/stores/{DEMO}/me", headers=bearer(token)).json()
        assert (me["role"], me["label"]) == ("ads", "agency")

        listed = runner.invoke(app, ["token", "list", "--store", DEMO, "--format", "json"])
        assert listed.exit_code == 0
        rows = json.loads(listed.stdout)
        assert [r["label"] for r in rows if r["token_id"] == me["token_id"]] == ["agency"]
        assert token not in listed.stdout
        assert "token_hash" not in listed.stdout

        revoked = runner.invoke(app, ["token", "revoke", me["token_id"]])
        assert revoked.exit_code == 0
        assert client.get(f"/v1/stores/{DEMO}/me", headers=bearer(token)).status_code == 401
    again = runner.invoke(app, ["token", "revoke", me["token_id"]])
    assert again.exit_code == 1
    assert "already revoked" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", DEMO, "--role", "boss"], "role 'boss' is not one of"),
        (["--store", "nowhere", "--role", "ops"], "nowhere"),
    ],
)
def test_token_create_refuses(api_home: Settings, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["token", "create", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_serve_runs_uvicorn_on_the_store_clock(
    api_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(asgi: Any, **kwargs: Any) -> None:
        seen.update(kwargs, app=asgi)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("SHOPKEEPER_NOW", "2026-11-21T10:00:00+00:00")  # serve --now rewrites it
    result = runner.invoke(
        app, ["serve", "--host", "127.0.0.1", "--port", "8765", "--now", "2026-11-20T18:00"]
    )
    assert result.exit_code == 0, result.stderr
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8765)
    with TestClient(seen["app"]):
        clock = seen["app"].state.services.clock
        assert dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC) <= clock()
        assert clock() < dt.datetime(2026, 11, 20, 18, 1, tzinfo=dt.UTC)
    assert os.environ["SHOPKEEPER_NOW"].startswith("2026-11-20T18:00")  # audit events follow it


def test_a_widget_key_without_a_secret_is_said_to_serve_guests(
    api_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = runner.invoke(app, ["token", "create", "--store", DEMO, "--role", "widget"])
    assert made.exit_code == 0, made.stderr
    assert "guests only" in made.stderr
    assert "cs_widget_secret" in made.stderr
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    served = runner.invoke(app, ["serve", "--no-kb-refresh"])
    assert served.exit_code == 0, served.stderr
    assert f"store {DEMO!r} has no cs_widget_secret" in served.stderr


def test_widget_secret_is_created_owner_only_and_ends_the_guest_warning(api_home: Settings) -> None:
    made = runner.invoke(app, ["token", "widget-secret", "--store", DEMO])
    assert made.exit_code == 0, made.stderr
    path = api_home.store_dir(DEMO) / "cs_widget_secret"
    assert path.read_text() == made.stdout.strip()
    assert len(made.stdout.strip()) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    again = runner.invoke(app, ["token", "widget-secret", "--store", DEMO])
    assert again.exit_code == 1
    assert "--rotate" in again.stderr
    assert path.read_text() == made.stdout.strip()  # not replaced
    rotated = runner.invoke(app, ["token", "widget-secret", "--store", DEMO, "--rotate"])
    assert rotated.exit_code == 0
    assert path.read_text() == rotated.stdout.strip() != made.stdout.strip()
    widget = runner.invoke(app, ["token", "create", "--store", DEMO, "--role", "widget"])
    assert "guests only" not in widget.stderr
