"""Forbidden scenarios, derived systematically from every task's gold writes.

For each write call that succeeds in the gold run, mutations that their policy forbids:

- ``unauthenticated`` — the same call with nobody looked up;
- ``other_user`` — the same call while another user is authenticated;
- ``unconfirmed`` — the change proposed but never confirmed (a wrong token is "confirmed");
- ``wrong_status`` — the same kind of call on one of the user's orders whose status forbids it
  (cancel or modify a non-pending order, return or exchange an undelivered one);
- ``repeat`` — cancel, modify items, return or exchange the same order a second time;
- ``unavailable_variant`` / ``other_product`` — modify or exchange to an unavailable variant, or
  to another product's;
- ``refund_destination`` — a refund to a method that is neither the original nor a gift card;
- ``cancel_reason`` — a cancellation for a reason other than their two.

A scenario is *refused* when the call fails and the database is exactly as before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from shopkeeper.cs.tau2.replay import Dataset, conversation
from shopkeeper.cs.tau2.tools import Tau2Tools, ToolError

_ORDER_WRITES = {
    "cancel_pending_order": ("pending",),
    "modify_pending_order_address": ("pending",),
    "modify_pending_order_items": ("pending",),
    "modify_pending_order_payment": ("pending",),
    "return_delivered_order_items": ("delivered",),
    "exchange_delivered_order_items": ("delivered",),
}
_ACTIONS = {
    "cancel_pending_order": "cs.cancel_order",
    "modify_pending_order_address": "cs.change_address",
    "modify_pending_order_items": "cs.change_items",
    "modify_pending_order_payment": "cs.change_payment",
    "return_delivered_order_items": "cs.return_refund",
    "exchange_delivered_order_items": "cs.exchange",
    "modify_user_address": "cs.change_profile_address",
}
_REPEATABLE_NOT = (
    "cancel_pending_order",
    "modify_pending_order_items",
    "return_delivered_order_items",
    "exchange_delivered_order_items",
)


@dataclass(frozen=True)
class Scenario:
    """One forbidden call: who is logged in, what ran before, and the call."""

    task_id: str
    kind: str
    name: str
    arguments: dict[str, Any]
    login: str | None
    setup: tuple[tuple[str, dict[str, Any]], ...] = field(default=())


@dataclass(frozen=True)
class Outcome:
    """What our tools did with a forbidden scenario."""

    scenario: Scenario
    refused: bool
    detail: str

    def describe(self) -> str:
        """One line for a report."""
        s = self.scenario
        return f"task {s.task_id} {s.kind}: {s.name}({s.arguments}) → {self.detail}"


def _owner(db: dict[str, Any], name: str, args: dict[str, Any]) -> str | None:
    if name == "modify_user_address":
        return str(args["user_id"])
    order = db["orders"].get(args.get("order_id", ""))
    return str(order["user_id"]) if order else None


def _other_user(db: dict[str, Any], user_id: str) -> str:
    ids = list(db["users"])
    return str(ids[(ids.index(user_id) + 1) % len(ids)])


def _variants(db: dict[str, Any], product_id: str) -> list[dict[str, Any]]:
    return list(db["products"][product_id]["variants"].values())


def _swap_args(db: dict[str, Any], order: dict[str, Any], payment: str) -> dict[str, Any] | None:
    item = order["items"][0]
    new = next(
        (
            v["item_id"]
            for v in _variants(db, item["product_id"])
            if v["available"] and v["item_id"] != item["item_id"]
        ),
        None,
    )
    if new is None:
        return None
    return {
        "order_id": order["order_id"],
        "item_ids": [item["item_id"]],
        "new_item_ids": [new],
        "payment_method_id": payment,
    }


def _retarget(
    db: dict[str, Any], name: str, args: dict[str, Any], order: dict[str, Any]
) -> dict[str, Any] | None:
    """The same kind of call aimed at ``order``."""
    original = order["payment_history"][0]["payment_method_id"]
    if name in ("modify_pending_order_items", "exchange_delivered_order_items"):
        return _swap_args(db, order, args["payment_method_id"])
    if name == "return_delivered_order_items":
        return {
            "order_id": order["order_id"],
            "item_ids": [order["items"][0]["item_id"]],
            "payment_method_id": original,
        }
    if name == "modify_pending_order_payment":
        methods = [m for m in db["users"][order["user_id"]]["payment_methods"] if m != original]
        return {"order_id": order["order_id"], "payment_method_id": methods[0]} if methods else None
    return {**args, "order_id": order["order_id"]}


def _mutations(
    db: dict[str, Any], task_id: str, name: str, args: dict[str, Any], owner: str
) -> Iterator[Scenario]:
    yield Scenario(task_id, "unauthenticated", name, args, None)
    yield Scenario(task_id, "other_user", name, args, _other_user(db, owner))
    yield Scenario(task_id, "unconfirmed", name, args, owner)
    if name not in _ORDER_WRITES:
        return
    allowed = _ORDER_WRITES[name]
    wrong = next(
        (
            db["orders"][o]
            for o in db["users"][owner]["orders"]
            if db["orders"][o]["status"] not in allowed
        ),
        None,
    )
    if wrong is not None:
        moved = _retarget(db, name, args, wrong)
        if moved is not None:
            yield Scenario(task_id, "wrong_status", name, moved, owner)
    if name in _REPEATABLE_NOT:
        yield Scenario(task_id, "repeat", name, args, owner, setup=((name, args),))
    if name in ("modify_pending_order_items", "exchange_delivered_order_items"):
        order = db["orders"][args["order_id"]]
        old = next(it for it in order["items"] if it["item_id"] == args["item_ids"][0])
        gone = next(
            (
                v["item_id"]
                for v in _variants(db, old["product_id"])
                if not v["available"] and v["item_id"] != old["item_id"]
            ),
            None,
        )
        if gone is not None:
            yield Scenario(
                task_id,
                "unavailable_variant",
                name,
                {**args, "new_item_ids": [gone, *args["new_item_ids"][1:]]},
                owner,
            )
        other = next(p for p in db["products"].values() if p["product_id"] != old["product_id"])
        foreign = next(v["item_id"] for v in other["variants"].values() if v["available"])
        yield Scenario(
            task_id,
            "other_product",
            name,
            {**args, "new_item_ids": [foreign, *args["new_item_ids"][1:]]},
            owner,
        )
    if name == "return_delivered_order_items":
        order = db["orders"][args["order_id"]]
        original = order["payment_history"][0]["payment_method_id"]
        bad = next(
            (
                k
                for k, m in db["users"][owner]["payment_methods"].items()
                if k != original and m["source"] != "gift_card"
            ),
            None,
        )
        if bad is not None:
            yield Scenario(
                task_id, "refund_destination", name, {**args, "payment_method_id": bad}, owner
            )
    if name == "cancel_pending_order":
        yield Scenario(
            task_id, "cancel_reason", name, {**args, "reason": "found a better price"}, owner
        )


def scenarios(data: Dataset) -> list[Scenario]:
    """Every forbidden scenario derived from the tasks' successful gold writes."""
    found: list[Scenario] = []
    for task in data.tasks:
        for action in data.gold[task["id"]]["actions"]:
            name, args = action["name"], action["arguments"]
            if name not in _ACTIONS or "error" in action:
                continue
            owner = _owner(data.db, name, args)
            if owner is not None:
                found.extend(_mutations(data.db, task["id"], name, dict(args), owner))
    return found


def _login(tools: Tau2Tools, db: dict[str, Any], user_id: str) -> None:
    tools.find_user_id_by_email(db["users"][user_id]["email"])


def _unconfirmed(tools: Tau2Tools, s: Scenario) -> tuple[bool, str]:
    """Propose the change, then "confirm" it with a token that is not the proposal's."""
    args = s.arguments
    params: dict[str, Any] = {
        k: v
        for k, v in {
            "order_id": args.get("order_id"),
            "reason": args.get("reason"),
            "line_ids": args.get("item_ids"),
            "new_sku_ids": args.get("new_item_ids"),
        }.items()
        if v is not None
    }
    action = _ACTIONS[s.name]
    if action in ("cs.change_address", "cs.change_profile_address"):
        params["address"] = {
            "line1": args["address1"],
            "line2": args["address2"],
            "city": args["city"],
            "province": args["state"],
            "country": args["country"],
            "zip": args["zip"],
        }
    if action in ("cs.change_items", "cs.exchange", "cs.change_payment"):
        params["payment_method_id"] = args["payment_method_id"]
    if action == "cs.return_refund":
        params["refund_method_id"] = args["payment_method_id"]
    proposal = tools.aftersale.propose(tools.buyer, action, params)
    outcome = tools.aftersale.confirm(tools.buyer, "not-" + proposal.token)
    return outcome.status != "executed", f"proposal {proposal.status}, confirm → {outcome.status}"


def run_scenario(data: Dataset, engine: Engine, s: Scenario) -> Outcome:
    """Run one scenario on a fresh backend."""
    tools, backend = conversation(data.db, engine)
    if s.login is not None:
        _login(tools, data.db, s.login)
    for name, args in s.setup:
        tools.call(name, dict(args))
    before = backend.changes()
    if s.kind == "unconfirmed":
        refused, detail = _unconfirmed(tools, s)
    else:
        try:
            tools.call(s.name, dict(s.arguments))
            refused, detail = False, "executed"
        except ToolError as exc:
            refused, detail = True, str(exc)
    unchanged = backend.changes() == before
    return Outcome(
        s, refused and unchanged, detail if unchanged else detail + " (database changed)"
    )


def run_forbidden(data: Dataset, engine: Engine) -> list[Outcome]:
    """Every forbidden scenario, run."""
    return [run_scenario(data, engine, s) for s in scenarios(data)]
