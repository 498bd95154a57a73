"""Long-term memory: visible, editable, retrieved by relevance, and it changes what may run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.ops.approvals import propose
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.ops.memory import MemoryNotFound, forget, memories_of, recall, remember
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.importer import import_store

from .test_approvals import _store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(home=tmp_path / "home")
    import_store(_store(tmp_path / "a"), "a", settings=s)
    return s


def test_recall_finds_the_relevant_memory_in_both_languages(settings: Settings) -> None:
    engine = ops_engine(settings)
    remember(engine, "a", "不做低于5折的促销", kind="rule")
    remember(engine, "a", "双11前冷萃要多备一倍库存", kind="decision")
    remember(engine, "a", "Reply to reviews in a warm tone, sign as Lily", kind="preference")
    assert recall(engine, "a", "这次促销打几折合适")[0][0].text == "不做低于5折的促销"
    assert recall(engine, "a", "how should we reply to this review?")[0][0].kind == "preference"
    assert recall(engine, "a", "completely unrelated words zzz") == []


def test_forget_and_store_isolation(settings: Settings) -> None:
    engine = ops_engine(settings)
    kept = remember(engine, "a", "note one")
    gone = remember(engine, "a", "note two")
    remember(engine, "b", "another store's note")
    forget(engine, "a", gone.memory_id)
    assert [m.text for m in memories_of(engine, "a")] == [kept.text]
    with pytest.raises(MemoryNotFound):
        forget(engine, "b", kept.memory_id)


def test_a_stated_rule_refuses_a_deeper_cut(settings: Settings) -> None:
    engine = ops_engine(settings)
    connector = OutboxConnector(settings.home / "stores")
    (settings.home / "stores" / "a" / "policy.toml").write_text(
        "[change_price]\nauto_max_pct = 60\nnever_below_cost = false\n", encoding="utf-8"
    )
    assert (
        propose(
            settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 45}
        ).status
        == "sent_to_outbox"
    )
    rule = remember(engine, "a", "不做低于5折的促销", kind="rule")
    refused = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 45}
    )
    assert refused.status == "refused"
    assert "不做低于5折的促销" in refused.reasons[0]
    assert (
        propose(
            settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 55}
        ).status
        == "sent_to_outbox"
    )
    forget(engine, "a", rule.memory_id)
    assert (
        propose(
            settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 45}
        ).status
        == "sent_to_outbox"
    )


def test_cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_HOME", str(settings.home))
    get_settings.cache_clear()
    runner = CliRunner()
    added = json.loads(
        runner.invoke(
            app,
            [
                "memory",
                "add",
                "不做低于5折的促销",
                "--store",
                "a",
                "--kind",
                "rule",
                "--format",
                "json",
            ],
        ).stdout
    )
    listed = json.loads(
        runner.invoke(app, ["memory", "list", "--store", "a", "--format", "json"]).stdout
    )
    assert [m["memory_id"] for m in listed] == [added[0]["memory_id"]]
    found = json.loads(
        runner.invoke(app, ["memory", "search", "促销", "--store", "a", "--format", "json"]).stdout
    )
    assert found[0]["text"] == "不做低于5折的促销"
    assert (
        runner.invoke(app, ["memory", "forget", added[0]["memory_id"], "--store", "a"]).exit_code
        == 0
    )
    assert (
        json.loads(
            runner.invoke(app, ["memory", "list", "--store", "a", "--format", "json"]).stdout
        )
        == []
    )
    get_settings.cache_clear()
