"""Nothing risky runs without the policy; above its limits it waits for a person; approving runs once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from shopkeeper.errors import ConfigError
from shopkeeper.ops.approvals import (
    ActionNotPending,
    approve,
    get_action,
    list_actions,
    propose,
    reject,
)
from shopkeeper.ops.audit import audit_log
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store


def _store(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "store.toml").write_text('name = "t"\ntimezone = "Asia/Shanghai"\n', encoding="utf-8")
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price,cost\nS1,P1,beans,c,100,60\n", encoding="utf-8"
    )
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_at,status\nO1,c,2026-11-20 10:00:00,paid\n", encoding="utf-8"
    )
    (folder / "order_items.csv").write_text(
        "order_id,sku_id,quantity,unit_price\nO1,S1,1,100\n", encoding="utf-8"
    )
    (folder / "ad_campaigns.csv").write_text(
        "date,campaign_id,spend,clicks,gmv,bid,daily_budget\n2026-11-20,C1,50,10,200,1.00,100\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def env(tmp_path: Path) -> tuple[Settings, Engine, OutboxConnector]:
    settings = Settings(home=tmp_path / "home")
    for name in ("a", "b"):
        import_store(_store(tmp_path / name), name, settings=settings)
    return settings, ops_engine(settings), OutboxConnector(settings.home / "stores")


def _outbox(connector: OutboxConnector, store: str) -> list[dict[str, object]]:
    path = connector.outbox(store)
    return (
        [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        if path.exists()
        else []
    )


def test_small_price_change_runs_at_once_with_an_audit_trail(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, connector = env
    done = propose(
        settings,
        engine,
        connector,
        "a",
        "change_price",
        {"sku_id": "S1", "price": 103},
        reason="match rival",
    )
    assert done.status == "sent_to_outbox"
    assert _outbox(connector, "a") == [
        {
            "action_id": done.action_id,
            "action": "change_price",
            "params": {"sku_id": "S1", "price": 103.0},
        }
    ]
    events = [e.event for e in audit_log(engine, "a", action_id=done.action_id)]
    assert events == ["action.proposed", "action.decided", "action.executed"]


def test_large_change_waits_survives_a_restart_and_runs_once(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, connector = env
    pending = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 80}
    )
    assert pending.status == "pending"
    assert _outbox(connector, "a") == []
    engine.dispose()
    restarted = ops_engine(settings)  # a new process would see the same row
    assert [a.action_id for a in list_actions(restarted, "a", "pending")] == [pending.action_id]
    done = approve(restarted, connector, "a", pending.action_id, actor="boss")
    assert done.status == "sent_to_outbox"
    assert done.params == {"sku_id": "S1", "price": 80.0}
    with pytest.raises(ActionNotPending, match="sent_to_outbox, not pending"):
        approve(restarted, connector, "a", pending.action_id)
    assert len(_outbox(connector, "a")) == 1
    trail = audit_log(restarted, "a", action_id=pending.action_id)
    assert [e.event for e in trail] == [
        "action.proposed",
        "action.decided",
        "action.approved",
        "action.executed",
    ]
    assert trail[-1].payload["status"] == "sent_to_outbox"
    # the merchant is told where it went and that the platform still has to apply it
    assert "outbox.jsonl" in done.outcome("en")
    assert "platform still has to apply" in done.outcome("en")
    assert "平台还需要应用" in done.outcome("zh")


def test_a_connector_that_confirms_marks_the_action_executed(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, _outbox_connector = env

    class Live:
        name = "live"

        def execute(
            self, store: str, action_id: str, action: str, params: dict[str, object]
        ) -> dict[str, object]:
            return {"confirmed": True}

    done = propose(settings, engine, Live(), "a", "change_price", {"sku_id": "S1", "price": 101})
    assert done.status == "executed"
    assert audit_log(engine, "a", action_id=done.action_id)[-1].payload["status"] == "executed"


def test_two_concurrent_approvals_execute_once(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, connector = env
    pending = propose(
        settings,
        engine,
        connector,
        "a",
        "change_budget",
        {"campaign_id": "C1", "daily_budget": 300},
    )
    assert pending.status == "pending"
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            approve(ops_engine(settings), connector, "a", pending.action_id)
            outcomes.append("executed")
        except ActionNotPending:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["executed", "refused"]
    assert len(_outbox(connector, "a")) == 1


def test_below_cost_is_refused_and_can_never_be_approved(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, connector = env
    refused = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 59}
    )
    assert refused.status == "refused"
    assert "below cost" in refused.reasons[0]
    with pytest.raises(ActionNotPending, match="refused"):
        approve(engine, connector, "a", refused.action_id)
    assert _outbox(connector, "a") == []


def test_an_action_of_another_store_cannot_be_approved(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, connector = env
    pending = propose(settings, engine, connector, "a", "pause_campaign", {"campaign_id": "C1"})
    with pytest.raises(ActionNotPending, match="no action"):
        approve(engine, connector, "b", pending.action_id)
    assert get_action(engine, "a", pending.action_id).status == "pending"


def test_rejected_never_runs(env: tuple[Settings, Engine, OutboxConnector]) -> None:
    settings, engine, connector = env
    pending = propose(
        settings, engine, connector, "a", "reply_review", {"review_id": "R1", "text": "sorry"}
    )
    assert reject(engine, "a", pending.action_id, note="tone").status == "rejected"
    with pytest.raises(ActionNotPending):
        approve(engine, connector, "a", pending.action_id)


def test_policy_file_changes_the_limits(env: tuple[Settings, Engine, OutboxConnector]) -> None:
    settings, engine, connector = env
    (settings.home / "stores" / "a" / "policy.toml").write_text(
        "[change_price]\nauto_max_pct = 25\n", encoding="utf-8"
    )
    assert (
        propose(
            settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 80}
        ).status
        == "sent_to_outbox"
    )
    assert (
        propose(
            settings, engine, connector, "b", "change_price", {"sku_id": "S1", "price": 80}
        ).status
        == "pending"
    )


def test_arguments_are_validated(env: tuple[Settings, Engine, OutboxConnector]) -> None:
    settings, engine, connector = env
    with pytest.raises(ValidationError):
        propose(settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": -1})
    with pytest.raises(ConfigError, match="unknown action"):
        propose(settings, engine, connector, "a", "refund_everyone", {})


def test_cli_lists_approves_and_audits(
    env: tuple[Settings, Engine, OutboxConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from shopkeeper.cli.main import app
    from shopkeeper.settings import get_settings

    settings, engine, connector = env
    monkeypatch.setenv("SHOPKEEPER_HOME", str(settings.home))
    get_settings.cache_clear()
    pending = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 80}
    )
    runner = CliRunner()
    listed = json.loads(
        runner.invoke(app, ["approvals", "list", "--store", "a", "--format", "json"]).stdout
    )
    assert [a["action_id"] for a in listed] == [pending.action_id]
    first = runner.invoke(
        app, ["approvals", "approve", pending.action_id, "--store", "a", "--format", "json"]
    )
    assert json.loads(first.stdout)[0]["status"] == "sent_to_outbox"
    second = runner.invoke(app, ["approvals", "approve", pending.action_id, "--store", "a"])
    assert second.exit_code == 1
    assert "not pending" in second.stderr
    trail = json.loads(runner.invoke(app, ["audit", "--store", "a", "--format", "json"]).stdout)
    assert [e["event"] for e in trail] == [
        "action.proposed",
        "action.decided",
        "action.approved",
        "action.executed",
    ]
    another = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 70}
    )
    said = runner.invoke(app, ["approvals", "approve", another.action_id, "--store", "a"])
    assert said.exit_code == 0, said.output
    assert "发件箱" in said.stdout
    assert "平台还需要应用" in said.stdout
    get_settings.cache_clear()
