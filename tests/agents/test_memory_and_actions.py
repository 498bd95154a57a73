"""Through the team: a stated rule constrains proposals; actions go through the policy, once."""

from __future__ import annotations

from shopkeeper.agents.service import ask
from shopkeeper.ops.approvals import list_actions
from shopkeeper.ops.memory import memories_of
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from .conftest import DEMO


def _sku(demo: Settings) -> tuple[str, float, float]:
    with Warehouse.open(demo.store_dir(DEMO), read_only=True) as wh:
        row = wh.con.execute(
            "SELECT sku_id, price, cost FROM products WHERE status = 'on_sale' AND cost < price * 0.68 "
            "ORDER BY sku_id LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0]), float(row[1]), float(row[2])


def test_a_stated_rule_is_remembered_as_a_rule_and_floors_prices(demo: Settings) -> None:
    result = ask(app_context(demo), DEMO, "记住：不做低于8折的促销")
    assert result.skills == ["remember"]
    rules = memories_of(ops_engine(demo), DEMO, kind="rule")
    assert [m.text for m in rules] == ["不做低于8折的促销"]

    sku, price, _cost = _sku(demo)
    cheap = round(price * 0.72, 2)  # 72%: above cost, below the merchant's 8折 floor
    refused = ask(app_context(demo), DEMO, f"把 SKU {sku} 的价格改成 {cheap} 元")
    assert refused.skills == ["propose_action"]
    assert "被规则拒绝" in refused.answer
    actions = [a for a in list_actions(ops_engine(demo), DEMO) if a.params.get("sku_id") == sku]
    assert [a.status for a in actions] == ["refused"]


def test_a_big_change_waits_for_a_person_and_shows_in_pending(demo: Settings) -> None:
    sku, price, _ = _sku(demo)
    target = round(price * 0.9, 2)  # 10% off: above the automatic 5% limit, above the floor
    result = ask(app_context(demo), DEMO, f"把 SKU {sku} 的价格改成 {target} 元")
    assert "等待你审批" in result.answer
    pending = ask(app_context(demo), DEMO, "有哪些操作等我审批")
    assert sku in pending.answer
    assert [a.status for a in list_actions(ops_engine(demo), DEMO, "pending")] == ["pending"]
