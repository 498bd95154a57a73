"""Actions asked for by name and in any amount: a proposal, or a precise question — never a raw
validation error; restoring a price the SKU recently sold at goes to approval; limits compare with
the price executed changes left."""

from __future__ import annotations

from shopkeeper.agents.service import ask
from shopkeeper.ops.approvals import list_actions
from shopkeeper.ops.connectors import mirror
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.ops import ProposeArgs, propose_action
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from .conftest import DEMO


def _rows(demo: Settings, sql: str) -> list[tuple[object, ...]]:
    with Warehouse.open(demo.store_dir(DEMO), read_only=True) as wh:
        return wh.con.execute(sql).fetchall()


def test_an_unknown_sku_is_a_precise_question_not_a_validation_error(demo: Settings) -> None:
    result = ask(app_context(demo), DEMO, "SKU 090427 调价到 25")
    assert result.skills == ["propose_action"]
    assert "090427" in result.answer
    assert "编号或名称" in result.answer
    for raw in ("validation error", "pydantic", "Field required", "{'"):
        assert raw not in result.answer


def test_arguments_that_do_not_validate_are_one_sentence(demo: Settings) -> None:
    app = app_context(demo)
    sku = str(_rows(demo, "SELECT sku_id FROM products ORDER BY sku_id LIMIT 1")[0][0])
    out = propose_action(
        app.store(DEMO), ProposeArgs(action="change_price", params={"sku_id": sku, "price": -5})
    )
    assert out.decision == "invalid"
    assert len(out.reasons) == 1
    assert "price" in out.reasons[0]
    assert "errors.pydantic.dev" not in out.reasons[0]


def test_a_product_named_with_several_variants_is_a_question_listing_them(demo: Settings) -> None:
    result = ask(app_context(demo), DEMO, "把肯尼亚挂耳的价格调到25块")
    variants = _rows(demo, "SELECT sku_id FROM products WHERE title LIKE '%挂耳%肯尼亚%'")
    assert len(variants) > 1
    assert "是哪一个" in result.answer
    assert all(str(v[0]) in result.answer for v in variants)
    assert "肯尼亚" in result.answer


def test_a_named_variant_and_a_chinese_amount_make_a_proposal(demo: Settings) -> None:
    engine = ops_engine(demo)
    before = {a.action_id for a in list_actions(engine, DEMO)}
    ask(app_context(demo), DEMO, "肯尼亚挂耳10片的价格调到四十五元")
    new = [a for a in list_actions(engine, DEMO) if a.action_id not in before]
    (sku,) = _rows(
        demo, "SELECT sku_id FROM products WHERE title LIKE '%挂耳%肯尼亚%' AND sku_name = '10片'"
    )
    assert [(a.action, a.params) for a in new] == [
        ("change_price", {"sku_id": sku[0], "price": 45.0})
    ]


def test_two_campaigns_sharing_a_name_are_asked_about_by_id(demo: Settings) -> None:
    shared = _rows(
        demo,
        """SELECT campaign_name, list(DISTINCT campaign_id) FROM ad_campaigns
           GROUP BY 1 HAVING count(DISTINCT campaign_id) > 1""",
    )
    assert shared, "the demo has two campaigns of one name"
    name, ids = shared[0]
    fragment = str(name).split("-")[-1]
    result = ask(app_context(demo), DEMO, f"暂停{fragment}那个推广计划")
    assert "是哪一个" in result.answer
    assert all(str(i) in result.answer for i in ids)  # type: ignore[union-attr]


def test_a_budget_by_campaign_id_takes_any_amount(demo: Settings) -> None:
    (campaign,) = _rows(demo, "SELECT max(campaign_id) FROM ad_campaigns WHERE daily_budget > 0")
    engine = ops_engine(demo)
    for said, value in (("624", 624.0), ("6百", 600.0)):
        before = {a.action_id for a in list_actions(engine, DEMO)}
        ask(app_context(demo), DEMO, f"把计划{campaign[0]}的日预算调到{said}")
        new = [a for a in list_actions(engine, DEMO) if a.action_id not in before]
        assert [a.params["daily_budget"] for a in new] == [value]


def _mistyped(demo: Settings) -> tuple[str, float]:
    rows = _rows(
        demo,
        """SELECT p.sku_id, median(i.unit_price)::DOUBLE FROM products p JOIN order_items i USING (sku_id)
           GROUP BY p.sku_id, p.price HAVING p.price < 0.5 * median(i.unit_price)""",
    )
    assert rows, "the demo plants a mistyped price"
    return str(rows[0][0]), float(rows[0][1])  # type: ignore[arg-type]


def test_restoring_a_recent_price_waits_for_approval_instead_of_a_refusal(demo: Settings) -> None:
    sku, usual = _mistyped(demo)
    engine = ops_engine(demo)
    for request in (f"SKU {sku} 调价到 {usual:g}", f"把它改回{usual:g}"):
        before = {a.action_id for a in list_actions(engine, DEMO)}
        result = ask(app_context(demo), DEMO, request)
        new = [a for a in list_actions(engine, DEMO) if a.action_id not in before]
        assert [(a.status, a.params["sku_id"]) for a in new] == [("pending", sku)], result.answer
        assert "恢复原价" in result.answer


def test_limits_compare_with_the_price_executed_changes_left(demo: Settings) -> None:
    app = app_context(demo)
    (row,) = _rows(
        demo,
        "SELECT sku_id, price::DOUBLE FROM products WHERE cost < price * 0.5 ORDER BY sku_id DESC LIMIT 1",
    )
    sku, listed = str(row[0]), float(row[1])  # type: ignore[arg-type]
    raised = round(listed * 1.2, 2)
    mirror(app.engine, DEMO, "a-test", "change_price", {"sku_id": sku, "price": raised})
    out = propose_action(
        app.store(DEMO),
        ProposeArgs(
            action="change_price", params={"sku_id": sku, "price": round(raised * 1.03, 2)}
        ),
    )
    assert out.decision == "auto_executed", out.reasons  # 3% of the current price, not 23.6%
