"""Approvals and memory through the skills: the policy decides, the skills only report it."""

from __future__ import annotations

from .conftest import Stores


def test_propose_follows_the_policy(stores: Stores) -> None:
    # TEA lists at 10, costs 4: +3 % runs, +40 % waits for a person, under cost is refused
    small = stores.run(
        "tiny",
        "propose_action",
        {"action": "change_price", "params": {"sku_id": "TEA", "price": 10.3}},
    )
    assert small.decision == "auto_executed"
    assert small.action.status == "sent_to_outbox"
    big = stores.run(
        "tiny",
        "propose_action",
        {"action": "change_price", "params": {"sku_id": "TEA", "price": 14}, "reason": "test"},
    )
    assert big.decision == "pending"
    refused = stores.run(
        "tiny",
        "propose_action",
        {"action": "change_price", "params": {"sku_id": "TEA", "price": 3}},
    )
    assert refused.decision == "refused"
    assert refused.reasons
    pending = stores.run("tiny", "pending_approvals")
    assert [a.action_id for a in pending.actions] == [big.action.action_id]
    everything = stores.run("tiny", "pending_approvals", {"status": "all"})
    assert everything.count == 3


def test_invalid_proposals_are_not_stored(stores: Stores) -> None:
    unnamed = stores.run("tiny", "propose_action")
    assert unnamed.decision == "question"  # which action: a question, nothing stored
    assert "change_price" in (unnamed.question or "")
    assert unnamed.action is None
    bad = stores.run("tiny", "propose_action", {"action": "change_prize", "params": {}})
    assert bad.decision == "invalid"
    assert "change_price" in bad.reasons[0]
    neg = stores.run(
        "tiny",
        "propose_action",
        {"action": "replenish", "params": {"sku_id": "TEA", "quantity": -1}},
    )
    assert neg.decision == "invalid"


def test_remember_and_recall(stores: Stores) -> None:
    assert not stores.run("en", "remember").stored
    kept = stores.run(
        "en", "remember", {"text": "Never discount more than 30% off", "kind": "rule"}
    )
    stores.run("en", "remember", {"text": "Ship gifts in the kraft box", "kind": "preference"})
    assert kept.stored
    found = stores.run("en", "recall_memory", {"query": "discount"})
    assert found.memories[0].memory_id == kept.memory.memory_id
    assert found.memories[0].score > 0
    listed = stores.run("en", "recall_memory")
    assert [m.text for m in listed.memories] == [kept.memory.text, "Ship gifts in the kraft box"]
    assert all(m.score is None for m in listed.memories)
    latest = stores.run("en", "recall_memory", {"k": 1})
    assert [m.text for m in latest.memories] == ["Ship gifts in the kraft box"]
    assert all(m.score is None for m in latest.memories)
