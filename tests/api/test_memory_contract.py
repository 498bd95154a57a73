"""One memory contract (:mod:`shopkeeper.ops.memory`): the API, the CLI's ``--format json`` and the
memory skills print the same records, and a memory's scope round-trips through each of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from shopkeeper.cli.main import app as cli
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.importer import import_store

from ..contexts import app_context
from ..ops.test_approvals import _store
from .conftest import DEMO, bearer, registry


@pytest.fixture(scope="module")
def api_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A SHOPKEEPER_HOME with one small store named ``demo`` (memory needs no sales)."""
    home = tmp_path_factory.mktemp("sk-memory")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = Settings()
        import_store(_store(home.parent / f"{home.name}-src"), DEMO, settings=settings)
        yield settings
    get_settings.cache_clear()


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["memory", *args, "--store", DEMO, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _skill(settings: Settings, name: str, args: dict[str, Any]) -> Any:
    ctx = app_context(settings)
    try:
        return registry().get(name)(ctx.store(DEMO), args).model_dump(mode="json")
    finally:
        ctx.close()


def test_api_cli_and_skill_print_the_same_memories_with_their_scope(
    api_home: Settings, client: TestClient, tokens: dict[str, str]
) -> None:
    ops = bearer(tokens["ops"])
    by_api = client.post(
        f"/v1/stores/{DEMO}/memory",
        headers=ops,
        json={"text": "不做低于5折的促销", "kind": "rule", "scope": "ads"},
    ).json()
    (by_cli,) = _cli(
        "add", "Pack gifts in the kraft box", "--kind", "preference", "--scope", "orders"
    )
    by_skill = _skill(api_home, "remember", {"text": "Reply warmly to reviews", "scope": "cs"})
    assert by_skill["stored"]
    assert [by_api["scope"], by_cli["scope"], by_skill["memory"]["scope"]] == [
        "ads",
        "orders",
        "cs",
    ]

    listed_api = client.get(f"/v1/stores/{DEMO}/memory", headers=ops).json()
    listed_cli = _cli("list")
    listed_skill = _skill(api_home, "recall_memory", {})["memories"]
    assert listed_api == listed_cli == listed_skill
    assert [m["memory_id"] for m in listed_api] == [
        by_api["memory_id"],
        by_cli["memory_id"],
        by_skill["memory"]["memory_id"],
    ]
    assert [m["scope"] for m in listed_api] == ["ads", "orders", "cs"]
    assert {**listed_api[0], "score": None} == {**by_api, "score": None}

    # what the ads employee recalls: the store-wide memories and its own, in all three
    mine_api = client.get(f"/v1/stores/{DEMO}/memory", headers=ops, params={"scope": "ads"}).json()
    assert (
        mine_api
        == _cli("list", "--scope", "ads")
        == _skill(api_home, "recall_memory", {"scope": "ads"})["memories"]
    )
    assert [m["memory_id"] for m in mine_api] == [by_api["memory_id"]]

    hits_api = client.get(f"/v1/stores/{DEMO}/memory", headers=ops, params={"q": "促销"}).json()
    hits_cli = _cli("search", "促销")
    hits_skill = _skill(api_home, "recall_memory", {"query": "促销"})["memories"]
    assert hits_api == hits_cli == hits_skill
    assert hits_api[0]["memory_id"] == by_api["memory_id"]
    assert hits_api[0]["score"] > 0


def test_a_scope_outside_the_team_is_refused_everywhere(
    api_home: Settings, client: TestClient, tokens: dict[str, str]
) -> None:
    body = {"text": "x", "scope": "intern"}
    answer = client.post(f"/v1/stores/{DEMO}/memory", headers=bearer(tokens["ops"]), json=body)
    assert answer.status_code == 422
    result = CliRunner().invoke(cli, ["memory", "add", "x", "--store", DEMO, "--scope", "intern"])
    assert result.exit_code == 2
    assert "'intern' is not allowed" in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(ValueError, match="scope"):
        _skill(api_home, "remember", body)


def test_empty_text_is_nothing_to_remember(
    api_home: Settings, client: TestClient, tokens: dict[str, str]
) -> None:
    ops = bearer(tokens["ops"])
    assert (
        client.post(f"/v1/stores/{DEMO}/memory", headers=ops, json={"text": " "}).status_code == 422
    )
    assert not _skill(api_home, "remember", {"text": " "})["stored"]
