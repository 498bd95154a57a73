"""Memory that acts: a rule the policy can enforce is parsed when stored, enforced and cited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.ops.approvals import propose
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.ops.memory import remember
from shopkeeper.ops.rules import BudgetCap, PriceFloor, enforcement, parse_rule
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("价格不能低于成本的1.2倍", PriceFloor(basis="cost", value=1.2)),
        ("售价不得低于成本价1.5倍", PriceFloor(basis="cost", value=1.5)),
        ("Never price below 1.2x cost", PriceFloor(basis="cost", value=1.2)),
        ("prices must stay above 1.3 times the unit cost", PriceFloor(basis="cost", value=1.3)),
        ("不做低于5折的促销", PriceFloor(basis="price", value=0.5)),
        ("折扣不超过20%", PriceFloor(basis="price", value=0.8)),
        ("Never discount more than 30% off", PriceFloor(basis="price", value=0.7)),
        ("价格不能低于50元", PriceFloor(basis="absolute", value=50)),
        ("never set a price below $19.99", PriceFloor(basis="absolute", value=19.99)),
        ("每个计划日预算不超过500元", BudgetCap(max_daily_budget=500)),
        ("daily budget never above 800", BudgetCap(max_daily_budget=800)),
        ("max daily budget of $300 per campaign", BudgetCap(max_daily_budget=300)),
        ("周末不上新", None),
        ("Always reply to reviews in a friendly tone", None),
    ],
)
def test_rules_parse_in_both_languages(text: str, limit: PriceFloor | BudgetCap | None) -> None:
    assert parse_rule(text) == limit


def _store(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "store.toml").write_text(
        'name = "t"\ntimezone = "Asia/Shanghai"\nlanguage = "zh"\n', encoding="utf-8"
    )
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price,cost\nS1,P1,beans,c,16,12.25\n", encoding="utf-8"
    )
    (folder / "orders.csv").write_text(
        "order_id,customer_id,created_at,status\nO1,c,2026-11-20 10:00:00,paid\n", encoding="utf-8"
    )
    (folder / "order_items.csv").write_text(
        "order_id,sku_id,quantity,unit_price\nO1,S1,1,16\n", encoding="utf-8"
    )
    (folder / "ad_campaigns.csv").write_text(
        "date,campaign_id,spend,clicks,gmv,bid,daily_budget\n2026-11-20,C1,50,10,200,1.00,400\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def env(tmp_path: Path) -> tuple[Settings, Engine, OutboxConnector]:
    settings = Settings(home=tmp_path / "home")
    import_store(_store(tmp_path / "a"), "a", settings=settings)
    return settings, ops_engine(settings), OutboxConnector(settings.home / "stores")


def test_a_cost_multiple_floor_refuses_and_cites_the_rule(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    settings, engine, connector = env
    remember(engine, "a", "价格不能低于成本的1.2倍", kind="rule")
    refused = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 14.5}
    )
    assert refused.status == "refused"
    assert "14.7" in refused.reasons[0]
    assert "价格不能低于成本的1.2倍" in refused.reasons[0]
    allowed = propose(
        settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 14.8}
    )
    assert allowed.status != "refused"


def test_absolute_floor_and_budget_cap(env: tuple[Settings, Engine, OutboxConnector]) -> None:
    settings, engine, connector = env
    remember(engine, "a", "价格不能低于15元", kind="rule")
    remember(engine, "a", "日预算不超过500", kind="rule")
    low = propose(settings, engine, connector, "a", "change_price", {"sku_id": "S1", "price": 14.9})
    assert low.status == "refused"
    assert "价格不能低于15元" in low.reasons[0]
    over = propose(
        settings,
        engine,
        connector,
        "a",
        "change_budget",
        {"campaign_id": "C1", "daily_budget": 600},
    )
    assert over.status == "refused"
    assert "日预算不超过500" in over.reasons[0]
    within = propose(
        settings,
        engine,
        connector,
        "a",
        "change_budget",
        {"campaign_id": "C1", "daily_budget": 450},
    )
    assert within.status != "refused"


def test_storing_a_rule_says_whether_the_policy_enforces_it(
    env: tuple[Settings, Engine, OutboxConnector],
) -> None:
    _settings, engine, _connector = env
    enforced = remember(engine, "a", "价格不能低于成本的1.2倍", kind="rule")
    note = remember(engine, "a", "周末不上新", kind="rule")
    assert "成本 × 1.2" in (enforcement(enforced, "zh") or "")
    assert enforcement(note, "en") == "Stored as a note; the policy cannot enforce it."
    assert enforcement(remember(engine, "a", "喜欢简洁文案", kind="preference"), "en") is None


def test_cli_memory_add_reports_enforcement(
    env: tuple[Settings, Engine, OutboxConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _engine, _connector = env
    monkeypatch.setenv("SHOPKEEPER_HOME", str(settings.home))
    runner = CliRunner()
    ok = runner.invoke(
        app, ["memory", "add", "价格不能低于成本的1.2倍", "--kind", "rule", "--store", "a"]
    )
    assert ok.exit_code == 0, ok.output
    assert "策略会执行这条规则" in ok.output
    weak = runner.invoke(app, ["memory", "add", "周末不上新", "--kind", "rule", "--store", "a"])
    assert "无法自动执行" in weak.output
