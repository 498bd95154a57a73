"""Connectors apply approved actions to a platform.

The interface a platform adapter implements is :class:`Connector`: ``execute(store, action_id,
action, params) -> dict`` applies one action and reports what it did; it must be idempotent by
``action_id`` (the same id twice applies once); a result with ``"confirmed": False`` says the
platform has not applied it yet (the action is then ``sent_to_outbox``, not ``executed``). The
built-in connector appends every action to ``stores/<name>/outbox.jsonl``, which a platform integration consumes, and — given the ops
database — mirrors the new state into the store's own operational state (:func:`mirror`): the
price per SKU, the bid, budget and paused flag per campaign, held orders, replenishment orders,
review replies and listing changes, each naming the action that set it, so the next inspection
or skill sees "price changed to 39 by action 1a2b…" (:func:`store_state`). See
``docs/connectors.md`` for writing a platform adapter.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import Engine, delete, insert, select

from shopkeeper.clock import utcnow
from shopkeeper.opsdb import action_state


class Connector(Protocol):
    """What applies an action to a platform (see the module docstring)."""

    name: str

    def execute(
        self, store: str, action_id: str, action: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply one action; idempotent by ``action_id``."""
        ...


class OutboxConnector:
    """The built-in connector: a JSON-lines outbox per store, one line per action id."""

    name = "outbox"

    def __init__(self, stores_dir: Path, engine: Engine | None = None) -> None:
        self.stores_dir = stores_dir
        self.engine = engine

    def outbox(self, store: str) -> Path:
        """The store's outbox file."""
        return self.stores_dir / store / "outbox.jsonl"

    def execute(
        self, store: str, action_id: str, action: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Append the action to the outbox unless that id is already there; mirror its state."""
        path = self.outbox(store)
        path.parent.mkdir(parents=True, exist_ok=True)
        applied = path.exists() and any(
            json.loads(line).get("action_id") == action_id
            for line in path.read_text(encoding="utf-8").splitlines()
        )
        if not applied:
            with path.open("a", encoding="utf-8") as fh:
                fh.write(
                    json.dumps(
                        {"action_id": action_id, "action": action, "params": params},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        mirrored = mirror(self.engine, store, action_id, action, params) if self.engine else 0
        return {
            "outbox": str(path),
            "already_applied": applied,
            "mirrored": mirrored,
            "confirmed": False,  # the platform still has to apply it
        }


def state_changes(action: str, params: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """What an action sets, as ``(entity_type, entity_id, field, value)``.

    >>> state_changes("change_price", {"sku_id": "S1", "price": 39.0})
    [('sku', 'S1', 'price', 39.0)]
    >>> state_changes("change_bid", {"campaign_id": "C1", "bid": 0.8, "keyword": "咖啡豆"})
    [('campaign', 'C1', 'bid:咖啡豆', 0.8)]
    """
    p = params
    if action == "change_price":
        return [("sku", p["sku_id"], "price", p["price"])]
    if action == "change_bid":
        field = f"bid:{p['keyword']}" if p.get("keyword") else "bid"
        return [("campaign", p["campaign_id"], field, p["bid"])]
    if action == "change_budget":
        return [("campaign", p["campaign_id"], "daily_budget", p["daily_budget"])]
    if action == "pause_campaign":
        return [("campaign", p["campaign_id"], "paused", True)]
    if action == "hold_order":
        return [
            ("order", p["order_id"], "held", True),
            ("order", p["order_id"], "hold_note", p.get("note", "")),
        ]
    if action == "replenish":
        return [("sku", p["sku_id"], "replenishment_ordered", p["quantity"])]
    if action == "reply_review":
        return [("review", p["review_id"], "reply", p["text"])]
    if action == "update_listing":
        return [
            ("product", p["product_id"], key, p[key])
            for key in ("title", "attributes")
            if p.get(key) is not None
        ]
    return []


def mirror(engine: Engine, store: str, action_id: str, action: str, params: dict[str, Any]) -> int:
    """Record what an executed action set in the store's operational state; returns the fields.

    Idempotent: the same action mirrored twice leaves the same rows.
    """
    changes = state_changes(action, params)
    now = utcnow()
    t = action_state.c
    with engine.begin() as conn:
        for entity_type, entity_id, field, value in changes:
            key = (
                t.store == store,
                t.entity_type == entity_type,
                t.entity_id == entity_id,
                t.field == field,
            )
            conn.execute(delete(action_state).where(*key))
            conn.execute(
                insert(action_state).values(
                    store=store,
                    entity_type=entity_type,
                    entity_id=entity_id,
                    field=field,
                    value=value,
                    action_id=action_id,
                    action=action,
                    updated_at=now,
                )
            )
    return len(changes)


class StateRow(BaseModel):
    """One field of the store's state and the action that set it."""

    entity_type: str
    entity_id: str
    field: str
    value: Any
    action_id: str
    action: str
    updated_at: dt.datetime


def store_state(
    engine: Engine, store: str, *, entity_type: str | None = None, entity_id: str | None = None
) -> list[StateRow]:
    """The state executed actions left in a store, by entity."""
    t = action_state.c
    query = select(action_state).where(t.store == store)
    if entity_type:
        query = query.where(t.entity_type == entity_type)
    if entity_id:
        query = query.where(t.entity_id == entity_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(t.entity_type, t.entity_id, t.field)).mappings().all()
    return [StateRow.model_validate(dict(r)) for r in rows]
