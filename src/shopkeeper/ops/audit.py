"""Audit events: frozen, typed records of every proposal, decision and execution.

Each event class says when it fires; :func:`record` is the one function that writes them, in the
caller's transaction, so an action's state change and its audit record commit together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import Connection

from shopkeeper.clock import utcnow
from shopkeeper.llm.privacy import redact
from shopkeeper.opsdb import audit_events


class AuditEvent(BaseModel):
    """Base of every audit event."""

    model_config = ConfigDict(frozen=True)
    name: ClassVar[str] = "event"

    store: str
    action_id: str
    actor: str = Field(description="who caused it: a user, 'policy', or an agent run id")
    at: dt.datetime = Field(default_factory=utcnow)


class ActionProposed(AuditEvent):
    """Fires when an action is proposed (by an agent, a skill or a person), before any decision."""

    name: ClassVar[str] = "action.proposed"
    action: str
    params: dict[str, Any]
    reason: str = ""


class ActionDecided(AuditEvent):
    """Fires when the policy decides: run at once, wait for a human, or refuse."""

    name: ClassVar[str] = "action.decided"
    decision: Literal["auto", "needs_approval", "refused"]
    reasons: list[str]


class ActionApproved(AuditEvent):
    """Fires when a person approves a pending action (execution follows)."""

    name: ClassVar[str] = "action.approved"


class ActionRejected(AuditEvent):
    """Fires when a person rejects a pending action; it will never run."""

    name: ClassVar[str] = "action.rejected"
    note: str = ""


class ActionExecuted(AuditEvent):
    """Fires when a connector has handled an action; ``result`` is what it reported, ``status``
    whether the platform confirmed it (``executed``) or it waits in an outbox (``sent_to_outbox``).
    """

    name: ClassVar[str] = "action.executed"
    connector: str
    result: dict[str, Any]
    status: Literal["executed", "sent_to_outbox"] = "executed"


class ActionFailed(AuditEvent):
    """Fires when a connector failed to apply an action; the action stays failed, never retried silently."""

    name: ClassVar[str] = "action.failed"
    connector: str
    error: str


EVENTS: tuple[type[AuditEvent], ...] = (
    ActionProposed,
    ActionDecided,
    ActionApproved,
    ActionRejected,
    ActionExecuted,
    ActionFailed,
)


def record(conn: Connection, event: AuditEvent) -> None:
    """Write one audit event (in the caller's transaction), buyers' phones and street addresses
    masked: the trail says what was done, the order keeps where it goes.
    """
    payload = redact(event.model_dump(mode="json", exclude={"store", "action_id", "actor", "at"}))
    conn.execute(
        insert(audit_events).values(
            store=event.store,
            at=event.at,
            event=event.name,
            action_id=event.action_id,
            actor=event.actor,
            payload=payload,
        )
    )


class AuditRow(BaseModel):
    """One audit record as read back."""

    at: dt.datetime
    event: str
    action_id: str
    actor: str
    payload: dict[str, Any]


def audit_log(engine: Engine, store: str, *, action_id: str | None = None) -> list[AuditRow]:
    """A store's audit trail, oldest first (optionally of one action)."""
    query = select(audit_events).where(audit_events.c.store == store)
    if action_id:
        query = query.where(audit_events.c.action_id == action_id)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(audit_events.c.seq)).mappings().all()
    return [
        AuditRow(
            at=r["at"],
            event=r["event"],
            action_id=r["action_id"],
            actor=r["actor"],
            payload=r["payload"],
        )
        for r in rows
    ]
