"""Approval wraps the action: propose → policy decision → (approval) → execute exactly once.

A proposal is validated and stored with exactly the arguments that will run. The policy decides;
an ``auto`` action executes at once, a ``needs_approval`` one waits (it survives restarts: it is a
row in the operational database), a ``refused`` one never runs. Approving moves the row from
``pending`` to ``executing`` with one conditional update, so two approvals — concurrent or
repeated — execute it once. Every step writes an audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine, insert, select, update

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.ops import audit
from shopkeeper.ops.actions import validate_params
from shopkeeper.ops.connectors import Connector, store_state
from shopkeeper.ops.memory import memories_of
from shopkeeper.ops.policy import Decision, decide, load_policy
from shopkeeper.ops.rules import store_rules
from shopkeeper.opsdb import actions
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse, existing_store_dir
from shopkeeper.text import pick

Status = Literal[
    "pending", "executing", "sent_to_outbox", "executed", "failed", "rejected", "refused"
]
"""Where an action stands. ``sent_to_outbox``: the connector queued it (the built-in outbox) and
the platform still has to apply it; ``executed``: a connector reports it applied."""


class ActionNotPending(ShopkeeperError, LookupError):
    """The action does not exist in this store, or is no longer waiting for a decision."""


class ActionRecord(BaseModel):
    """A proposed action and where it stands."""

    action_id: str
    store: str
    action: str
    params: dict[str, Any]
    reason: str
    proposed_by: str
    status: Status
    reasons: list[str]
    created_at: dt.datetime
    result: dict[str, Any] | None = None

    def outcome(self, lang: str) -> str:
        """Where the action went, in ``lang`` — an outbox is not the platform."""
        where = str((self.result or {}).get("outbox", ""))
        if self.status == "sent_to_outbox":
            return pick(
                lang,
                f"已写入发件箱 {where}：平台还需要应用这项改动（接入平台连接器并确认后才算生效）。",
                f"Sent to the outbox {where}: the platform still has to apply it "
                "(it counts as done once a live connector confirms).",
            )
        if self.status == "executed":
            return pick(lang, "平台已确认执行。", "Applied: the platform confirmed it.")
        return pick(lang, f"状态：{self.status}", f"Status: {self.status}")


def delivered_status(action: str, result: dict[str, Any]) -> Status:
    """``sent_to_outbox`` when the connector says the platform has not confirmed the action
    (``confirmed`` false, as the built-in outbox reports), else ``executed``. After-sale actions
    (``cs.*``) are applied by the store's own after-sale ledger, so they count as executed.
    """
    if result.get("confirmed") is False and not action.startswith("cs."):
        return "sent_to_outbox"
    return "executed"


def get_action(engine: Engine, store: str, action_id: str) -> ActionRecord:
    """One action of a store (an id of another store is not found)."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(actions).where(actions.c.store == store, actions.c.action_id == action_id)
            )
            .mappings()
            .first()
        )
    if row is None:
        raise ActionNotPending(f"no action {action_id!r} in store {store!r}")
    return ActionRecord.model_validate(dict(row))


def list_actions(engine: Engine, store: str, status: Status | None = None) -> list[ActionRecord]:
    """A store's actions, newest first."""
    query = select(actions).where(actions.c.store == store)
    if status:
        query = query.where(actions.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(actions.c.created_at.desc())).mappings().all()
    return [ActionRecord.model_validate(dict(r)) for r in rows]


def propose(
    settings: Settings,
    engine: Engine,
    connector: Connector,
    store: str,
    action: str,
    params: dict[str, Any],
    *,
    reason: str = "",
    proposed_by: str = "user",
) -> ActionRecord:
    """Propose an action: validate, decide by policy, store, and execute at once if the policy allows.

    After-sale actions (``cs.*``) are not proposed here: they need the buyer's confirmation and
    the store's after-sale policy (:mod:`shopkeeper.cs.aftersale`), which records them through
    :func:`record_decided`.
    """
    if action.startswith("cs."):
        raise ConfigError(
            f"{action!r} is an after-sale action: propose it through the customer-service tools "
            "(shopkeeper.cs.aftersale), where the buyer confirms it under the after-sale policy"
        )
    clean = validate_params(action, params)
    directory = existing_store_dir(settings, store)
    rules = store_rules(memories_of(engine, store, "rule"))
    current = current_state(engine, store, action, clean)
    with Warehouse.open(directory, read_only=True) as wh:
        decision, reasons = decide(load_policy(directory), wh, action, clean, rules, current)
    return record_decided(
        engine,
        connector,
        store,
        action,
        clean,
        decision,
        reasons,
        reason=reason,
        proposed_by=proposed_by,
    )


def current_state(
    engine: Engine, store: str, action: str, params: dict[str, Any]
) -> dict[str, Any]:
    """The fields executed actions set on what ``action`` acts on (its mirrored state)."""
    entity = (
        ("sku", params.get("sku_id"))
        if action == "change_price"
        else ("campaign", params.get("campaign_id"))
        if action in ("change_bid", "change_budget")
        else None
    )
    if entity is None or not entity[1]:
        return {}
    rows = store_state(engine, store, entity_type=entity[0], entity_id=str(entity[1]))
    return {r.field: r.value for r in rows}


def record_decided(
    engine: Engine,
    connector: Connector,
    store: str,
    action: str,
    params: dict[str, Any],
    decision: Decision,
    reasons: list[str],
    *,
    reason: str = "",
    proposed_by: str = "user",
    action_id: str | None = None,
) -> ActionRecord:
    """Store an action another policy already decided (e.g. the after-sale policy of
    :mod:`shopkeeper.cs.aftersale`), with its audit events, and execute it at once if ``auto``.

    Same tables, events and exactly-once execution as :func:`propose`. ``action_id`` lets the
    caller fix the id beforehand: recording the same id again returns the existing action.
    """
    clean = validate_params(action, params)
    if action_id is not None:
        try:
            return get_action(engine, store, action_id)
        except ActionNotPending:
            pass
    action_id = action_id or uuid.uuid4().hex[:12]
    status: Status = {"auto": "executing", "needs_approval": "pending", "refused": "refused"}[
        decision
    ]  # type: ignore[assignment]
    with engine.begin() as conn:
        conn.execute(
            insert(actions).values(
                action_id=action_id,
                store=store,
                action=action,
                params=clean,
                reason=reason,
                proposed_by=proposed_by,
                status=status,
                reasons=reasons,
                created_at=utcnow(),
                decided_at=utcnow() if decision != "needs_approval" else None,
            )
        )
        audit.record(
            conn,
            audit.ActionProposed(
                store=store,
                action_id=action_id,
                actor=proposed_by,
                action=action,
                params=clean,
                reason=reason,
            ),
        )
        audit.record(
            conn,
            audit.ActionDecided(
                store=store, action_id=action_id, actor="policy", decision=decision, reasons=reasons
            ),
        )
    if decision == "auto":
        _execute(engine, connector, store, action_id, action, clean)
    return get_action(engine, store, action_id)


def _leave_pending(
    engine: Engine, store: str, action_id: str, status: Status, event: audit.AuditEvent
) -> None:
    """Move a pending action to ``status`` with one conditional update (so only one caller can)."""
    with engine.begin() as conn:
        moved = conn.execute(
            update(actions)
            .where(
                actions.c.store == store,
                actions.c.action_id == action_id,
                actions.c.status == "pending",
            )
            .values(status=status, decided_at=utcnow())
        ).rowcount
        if moved != 1:
            raise ActionNotPending(_not_pending(engine, store, action_id))
        audit.record(conn, event)


def approve(
    engine: Engine, connector: Connector, store: str, action_id: str, *, actor: str = "user"
) -> ActionRecord:
    """Approve a pending action and execute exactly its stored arguments, once."""
    _leave_pending(
        engine,
        store,
        action_id,
        "executing",
        audit.ActionApproved(store=store, action_id=action_id, actor=actor),
    )
    record = get_action(engine, store, action_id)
    _execute(engine, connector, store, action_id, record.action, record.params)
    return get_action(engine, store, action_id)


def reject(
    engine: Engine, store: str, action_id: str, *, actor: str = "user", note: str = ""
) -> ActionRecord:
    """Reject a pending action: it will never run."""
    event = audit.ActionRejected(store=store, action_id=action_id, actor=actor, note=note)
    _leave_pending(engine, store, action_id, "rejected", event)
    return get_action(engine, store, action_id)


def _not_pending(engine: Engine, store: str, action_id: str) -> str:
    try:
        current = get_action(engine, store, action_id)
    except ActionNotPending as exc:
        return str(exc)
    return f"action {action_id!r} is {current.status}, not pending: it cannot be decided again"


def _execute(
    engine: Engine,
    connector: Connector,
    store: str,
    action_id: str,
    action: str,
    params: dict[str, Any],
) -> None:
    try:
        result = connector.execute(store, action_id, action, params)
    except (
        OSError
    ) as exc:  # the built-in connector's failure mode; adapters raise their own OSError subclasses
        with engine.begin() as conn:
            conn.execute(
                update(actions)
                .where(actions.c.action_id == action_id)
                .values(status="failed", result={"error": str(exc)})
            )
            audit.record(
                conn,
                audit.ActionFailed(
                    store=store,
                    action_id=action_id,
                    actor=connector.name,
                    connector=connector.name,
                    error=str(exc),
                ),
            )
        raise
    status = delivered_status(action, result)
    with engine.begin() as conn:
        conn.execute(
            update(actions)
            .where(actions.c.action_id == action_id)
            .values(status=status, executed_at=utcnow(), result=result)
        )
        audit.record(
            conn,
            audit.ActionExecuted(
                store=store,
                action_id=action_id,
                actor=connector.name,
                connector=connector.name,
                result=result,
                status=status,
            ),
        )
