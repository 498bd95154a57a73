"""What the second held-out set taught, each in kind: changes by an amount or a share ("降5块",
"by 20%") resolved against the current value, campaigns named by what merchants call them, typos
and shorthand, month to date, "A vs B" periods, and "why" / "that day instead" follow-ups."""

from __future__ import annotations

import pytest

from shopkeeper.agents.offline import OfflineModel
from shopkeeper.agents.routing import Turn
from shopkeeper.ops.connectors import mirror
from shopkeeper.settings import Settings
from shopkeeper.skills import entities
from shopkeeper.skills.ops import ProposeArgs, propose_action
from shopkeeper.skills.registry import load_registry
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from .conftest import DEMO


@pytest.fixture(scope="module")
def model(demo: Settings) -> OfflineModel:
    return OfflineModel(demo, load_registry())


def _campaign(demo: Settings, name: str) -> tuple[str, float, float]:
    with Warehouse.open(demo.store_dir(DEMO), read_only=True) as wh:
        row = wh.con.execute(
            """SELECT campaign_id, arg_max(daily_budget, date)::DOUBLE, arg_max(bid, date)::DOUBLE
               FROM ad_campaigns WHERE campaign_name = $1 GROUP BY 1""",
            [name],
        ).fetchone()
    assert row is not None
    return str(row[0]), float(row[1]), float(row[2])


def test_a_budget_raised_by_a_share_is_set_from_the_current_budget(demo: Settings) -> None:
    campaign, budget, _ = _campaign(demo, "关键词推广-曼特宁挂耳咖啡")
    args = ProposeArgs(action="change_budget", params={"change_pct": 20.0}, target="曼特宁挂耳")
    out = propose_action(app_context(demo).store(DEMO), args)
    assert out.action is not None
    assert out.action.params == {"campaign_id": campaign, "daily_budget": round(budget * 1.2, 2)}


def test_a_bid_cut_by_an_amount_starts_from_the_bid_not_the_budget(
    demo: Settings, model: OfflineModel
) -> None:
    campaign, _, bid = _campaign(demo, "关键词推广-蓝山风味挂耳咖啡")
    step = model.decide("蓝山挂耳那个计划出价降一毛", "zh").steps[0]
    assert step.arguments["action"] == "change_bid"
    out = propose_action(app_context(demo).store(DEMO), ProposeArgs.model_validate(step.arguments))
    assert out.action is not None
    assert out.action.params == {"campaign_id": campaign, "bid": round(bid - 0.1, 2)}


def test_a_price_cut_by_an_amount_is_routed_and_resolved(
    demo: Settings, model: OfflineModel
) -> None:
    step = model.decide("把花魁深烘10片的价格降5块", "zh").steps[0]
    assert step.arguments["params"] == {"change_by": -5.0}
    out = propose_action(app_context(demo).store(DEMO), ProposeArgs.model_validate(step.arguments))
    assert out.action is not None
    assert out.action.params["price"] == 34.0


def test_campaigns_are_found_by_what_merchants_call_them() -> None:
    found = [
        entities.Candidate("1", "Meta - Past purchasers"),
        entities.Candidate("2", "Meta - Lookalike 1%"),
        entities.Candidate("3", "Search - Kenya AA coffee beans"),
    ]
    assert [c.id for c in entities.match("the retargeting campaign", found)] == ["1"]


def test_a_tie_goes_to_the_name_that_repeats_the_words() -> None:
    found = [
        entities.Candidate("A", "瑰夏咖啡豆 浅烘焙 可代磨粉 250g 咖啡豆"),
        entities.Candidate("B", "瑰夏咖啡豆 浅烘焙 可代磨粉 250g 代磨粉"),
    ]
    assert [c.id for c in entities.match("瑰夏浅烘250g咖啡豆", found)] == ["A"]


def test_typos_are_mended_by_a_missing_or_extra_letter_never_a_swapped_one(
    model: OfflineModel,
) -> None:
    router = model.router
    assert router.normalize("where's my trafic from") == "where's my traffic from"
    assert router.normalize("why are people sending stuff back") == (
        "why are people sending stuff back"
    )
    assert "访客" in router.normalize("UV从哪来")
    assert "怎么" in router.normalize("咋整")


def test_month_to_date_counts_from_the_first(model: OfflineModel) -> None:
    (step,) = model.decide("月初到现在成交额给我看看", "zh").steps
    assert step.arguments == {"days": 20}  # the suite's clock: 2026-11-21


def test_a_period_against_a_same_day_is_two_steps(model: OfflineModel) -> None:
    steps = model.decide("yesterday vs same day last week", "en").steps
    assert [s.arguments for s in steps] == [{"days": 1}, {"days": 1, "offset_days": 7}]
    assert len(model.decide("this week vs last week revenue", "en").steps) == 1


def _previous(model: OfflineModel, line: str, lang: str) -> Turn:
    return Turn(request=line, decision=model.decide(line, lang), answer="")


def test_a_bare_why_explains_the_previous_figure(model: OfflineModel) -> None:
    previous = _previous(model, "这周销售额多少", "zh")
    (step,) = model.decide("为什么", "zh", previous).steps
    assert step.skill == "explain_change"
    assert step.arguments == {"days": 7}


def test_that_day_instead_is_one_step_and_against_it_is_two(model: OfflineModel) -> None:
    previous = _previous(model, "昨天卖了多少", "zh")
    (step,) = model.decide("那上周同一天呢", "zh", previous).steps
    assert step.arguments == {"days": 1, "offset_days": 7}
    assert len(model.decide("那跟上周同一天比呢", "zh", previous).steps) == 2


def test_a_change_by_an_amount_starts_from_the_price_an_approved_change_set(
    demo: Settings,
) -> None:
    """Once an executed change set a price, "降5块" starts from it, not from the imported price."""
    ctx = app_context(demo).store(DEMO)
    args = ProposeArgs(action="change_price", params={"change_by": -5.0}, target="花魁深烘10片")
    before = propose_action(ctx, args)
    assert before.action is not None
    sku, listed = before.action.params["sku_id"], before.action.params["price"] + 5.0
    mirror(ctx.engine, DEMO, "test-mirrored-price", "change_price", {"sku_id": sku, "price": 30.0})
    try:
        after = propose_action(ctx, args)
        assert after.action is not None
        assert after.action.params == {"sku_id": sku, "price": 25.0}
    finally:  # the state back at the list price, as the other tests expect
        mirror(
            ctx.engine,
            DEMO,
            "test-mirrored-price",
            "change_price",
            {"sku_id": sku, "price": listed},
        )
