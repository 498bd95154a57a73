"""What their policy forbids, our tools refuse: scenarios derived from every task's gold writes."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine

from shopkeeper.cs.tau2.forbidden import Scenario, run_forbidden, run_scenario, scenarios
from shopkeeper.cs.tau2.replay import Dataset, conversation
from shopkeeper.cs.tau2.tools import ToolError

pytestmark = pytest.mark.dataset


def test_every_forbidden_scenario_is_refused(tau2: Dataset, engine: Engine) -> None:
    outcomes = run_forbidden(tau2, engine)
    kinds = Counter(o.scenario.kind for o in outcomes)
    assert set(kinds) == {
        "unauthenticated",
        "other_user",
        "unconfirmed",
        "wrong_status",
        "repeat",
        "unavailable_variant",
        "other_product",
        "refund_destination",
        "cancel_reason",
    }
    assert len(outcomes) > 900
    assert [o.describe() for o in outcomes if not o.refused] == []


def _one(tau2: Dataset, kind: str, name: str) -> Scenario:
    return next(s for s in scenarios(tau2) if s.kind == kind and s.name == name)


@pytest.mark.parametrize(
    ("kind", "name", "says"),
    [
        ("wrong_status", "cancel_pending_order", "only an unshipped order can be cancelled"),
        ("wrong_status", "return_delivered_order_items", "only a delivered order can be returned"),
        ("wrong_status", "modify_pending_order_items", "only an unshipped order can be modified"),
        ("unavailable_variant", "exchange_delivered_order_items", "is not available"),
        ("other_product", "exchange_delivered_order_items", "same product"),
        ("refund_destination", "return_delivered_order_items", "original payment method"),
        ("cancel_reason", "cancel_pending_order", "must be one of"),
        ("repeat", "modify_pending_order_items", "cannot be modified or cancelled any more"),
        ("unauthenticated", "exchange_delivered_order_items", "not verified"),
        ("other_user", "return_delivered_order_items", "no order"),
    ],
)
def test_refusals_say_why(tau2: Dataset, engine: Engine, kind: str, name: str, says: str) -> None:
    outcome = run_scenario(tau2, engine, _one(tau2, kind, name))
    assert outcome.refused
    assert says in outcome.detail


def test_another_users_profile_is_neither_shown_nor_changed(tau2: Dataset, engine: Engine) -> None:
    tools, backend = conversation(tau2.db, engine)
    me, other = list(tau2.db["users"])[:2]
    tools.find_user_id_by_email(tau2.db["users"][me]["email"])
    with pytest.raises(ToolError):
        tools.get_user_details(other)
    with pytest.raises(ToolError):
        tools.modify_user_address(other, "1 Main St", "", "Austin", "TX", "USA", "78701")
    assert backend.changes()["users"] == {}


def test_nothing_is_shown_before_the_user_is_found(tau2: Dataset, engine: Engine) -> None:
    tools, _ = conversation(tau2.db, engine)
    order_id = next(iter(tau2.db["orders"]))
    with pytest.raises(ToolError, match="not verified"):
        tools.get_order_details(order_id)
    assert tools.transfer_to_human_agents("help") == "Transfer successful"
