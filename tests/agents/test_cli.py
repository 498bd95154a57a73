"""`shopkeeper ask`, `chat` and `runs` through the real CLI."""

from __future__ import annotations

import atexit
import gc
import json

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.settings import Settings

from .conftest import DEMO

runner = CliRunner()


def _ok(*args: str, input: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output + str(result.exception)
    return result.output


def test_ask_json_has_the_documented_shape(demo: Settings) -> None:
    out = json.loads(_ok("ask", "上周卖了多少", "--store", DEMO, "--format", "json"))
    assert set(out) == {"answer", "skills", "run_id"}
    assert out["skills"] == ["sales_summary"]
    assert "成交额" in out["answer"]


def test_ask_text_and_runs_list_show_replay(demo: Settings) -> None:
    out = _ok("ask", "what were sales in the last 30 days", "--store", DEMO)
    assert "GMV" in out
    run_id = out.strip().splitlines()[-1].split()[-1]
    listed = json.loads(_ok("runs", "list", "--store", DEMO, "--format", "json"))
    assert run_id in [r["run_id"] for r in listed]
    shown = json.loads(_ok("runs", "show", run_id, "--store", DEMO, "--format", "json"))
    assert shown["request"] == "what were sales in the last 30 days"
    assert [s["name"] for s in shown["steps"] if s["kind"] == "tool"] == ["sales_summary"]
    assert "sales_summary" in _ok("runs", "show", run_id, "--store", DEMO)
    replayed = json.loads(
        _ok("runs", "replay", run_id, "--store", DEMO, "--rerun", "--format", "json")
    )
    assert replayed["replay_of"] == run_id
    assert replayed["run_id"] != run_id
    assert replayed["answer"] == shown["answer"]  # same data, same answer


def test_runs_of_another_store_are_not_found(demo: Settings) -> None:
    out = json.loads(_ok("ask", "上周卖了多少", "--store", DEMO, "--format", "json"))
    result = runner.invoke(app, ["runs", "show", out["run_id"], "--store", "other"])
    assert result.exit_code == 1
    assert "no run" in result.output


def test_ask_an_unknown_store_is_a_clear_error(demo: Settings) -> None:
    result = runner.invoke(app, ["ask", "上周卖了多少", "--store", "nope"])
    assert result.exit_code == 1
    assert "nope" in result.output


def test_chat_answers_each_line_until_exit(demo: Settings) -> None:
    out = _ok("chat", "--store", DEMO, input="上周卖了多少\nwhat were sales yesterday\nexit\n")
    assert "成交额" in out
    assert "GMV" in out
    assert out.count("run ") == 2


def test_ask_over_the_api_and_its_run(demo: Settings) -> None:
    from fastapi.testclient import TestClient

    from shopkeeper.api.app import create_app
    from shopkeeper.api.tokens import create_token
    from shopkeeper.opsdb import ops_engine

    engine = ops_engine(demo)
    owner = create_token(engine, DEMO, "owner").token
    ads = create_token(engine, DEMO, "ads").token
    with TestClient(create_app(demo)) as client:
        r = client.post(
            f"/v1/stores/{DEMO}/ask",
            json={"question": "上周卖了多少"},
            headers={"Authorization": f"Bearer {owner}"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["skills"] == ["sales_summary"]
        run = client.get(
            f"/v1/stores/{DEMO}/runs/{body['run_id']}", headers={"Authorization": f"Bearer {owner}"}
        )
        assert run.json()["request"] == "上周卖了多少"
        denied = client.post(
            f"/v1/stores/{DEMO}/ask",
            json={"question": "上周卖了多少"},
            headers={"Authorization": f"Bearer {ads}"},
        )
        assert denied.status_code == 403


def test_ask_leaves_the_heap_to_the_os_at_exit(
    demo: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interpreter's last collection over everything `ask` imported is skipped, once."""
    registered: list[object] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(
        atexit, "unregister", lambda f: registered.remove(f) if f in registered else None
    )
    _ok("ask", "上周卖了多少", "--store", DEMO)
    _ok("ask", "上周卖了多少", "--store", DEMO)
    assert registered == [gc.freeze]
