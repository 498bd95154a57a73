"""Where the after-sale flow is recorded: proposals waiting for the buyer's confirmation, buyer
requests (催发货), and the connector that executes confirmed ``cs.*`` actions on the backend.

A proposal moves ``awaiting_confirmation`` → ``confirmed`` (or ``refused``) with one conditional
update, so confirming twice — concurrently or not — creates one action; the action itself is
recorded and executed by :func:`shopkeeper.ops.approvals.record_decided` (same tables, audit
events and exactly-once execution as every other action).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine, insert, select, update

from shopkeeper.clock import utcnow
from shopkeeper.cs.aftersale import events
from shopkeeper.cs.aftersale.backend import OrderBackend
from shopkeeper.cs.aftersale.reasons import Decision, Reason
from shopkeeper.ops import audit
from shopkeeper.ops.connectors import Connector
from shopkeeper.opsdb import cs_proposals, cs_requests

ProposalStatus = Literal["awaiting_confirmation", "confirmed", "refused"]


class Summary(BaseModel):
    """What the buyer is asked to confirm, in both languages."""

    zh: str
    en: str


class Proposal(BaseModel):
    """A buyer's after-sale request after the policy looked at it."""

    proposal_id: str
    store: str
    customer_id: str
    action: str
    params: dict[str, Any]
    status: ProposalStatus
    decision: Decision
    summary: Summary
    token: str = ""
    action_id: str | None = None

    @property
    def refused(self) -> bool:
        """Whether the policy refused it (nothing will ever run)."""
        return self.status == "refused"


def _reason_texts(decision: Decision) -> list[str]:
    return [str(r) for r in decision.reasons]


def new_proposal(
    engine: Engine,
    store: str,
    customer_id: str,
    action: str,
    params: dict[str, Any],
    decision: Decision,
    summary: Summary,
) -> Proposal:
    """Record a proposal (a refused one too, so the trail shows every request) and its event."""
    proposal = Proposal(
        proposal_id=uuid.uuid4().hex[:12],
        store=store,
        customer_id=customer_id,
        action=action,
        params=params,
        status="refused" if decision.outcome == "refuse" else "awaiting_confirmation",
        decision=decision,
        summary=summary,
        token="" if decision.outcome == "refuse" else secrets.token_hex(4),
    )
    with engine.begin() as conn:
        conn.execute(
            insert(cs_proposals).values(
                proposal_id=proposal.proposal_id,
                store=store,
                customer_id=customer_id,
                token=proposal.token,
                action=action,
                params=params,
                decision=decision.outcome,
                reasons=[r.model_dump() for r in decision.reasons],
                summary=summary.model_dump(),
                status=proposal.status,
                created_at=utcnow(),
            )
        )
        actor = f"buyer:{customer_id}"
        event: audit.AuditEvent = (
            events.AfterSaleRefused(
                store=store,
                action_id=proposal.proposal_id,
                actor=actor,
                action=action,
                reasons=_reason_texts(decision),
            )
            if proposal.refused
            else events.AfterSaleProposed(
                store=store,
                action_id=proposal.proposal_id,
                actor=actor,
                action=action,
                params=params,
                decision=decision.outcome,
                reasons=_reason_texts(decision),
            )
        )
        audit.record(conn, event)
    return proposal


def find_proposal(engine: Engine, store: str, customer_id: str, token: str) -> Proposal | None:
    """The buyer's proposal with this confirmation token (another buyer's token is not found)."""
    if not token:
        return None
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(cs_proposals).where(
                    cs_proposals.c.store == store,
                    cs_proposals.c.customer_id == customer_id,
                    cs_proposals.c.token == token,
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    return Proposal(
        proposal_id=row["proposal_id"],
        store=row["store"],
        customer_id=row["customer_id"],
        action=row["action"],
        params=row["params"],
        status=row["status"],
        decision=Decision(
            outcome=row["decision"], reasons=[Reason.model_validate(r) for r in row["reasons"]]
        ),
        summary=Summary.model_validate(row["summary"]),
        token=row["token"],
        action_id=row["action_id"],
    )


def mark_confirmed(engine: Engine, proposal: Proposal) -> str | None:
    """Move an awaiting proposal to confirmed, fixing the id of the action it becomes; ``None``
    when another call got there first.
    """
    action_id = uuid.uuid4().hex[:12]
    with engine.begin() as conn:
        moved = conn.execute(
            update(cs_proposals)
            .where(
                cs_proposals.c.proposal_id == proposal.proposal_id,
                cs_proposals.c.status == "awaiting_confirmation",
            )
            .values(status="confirmed", confirmed_at=utcnow(), action_id=action_id)
        ).rowcount
        if moved != 1:
            return None
        audit.record(
            conn,
            events.AfterSaleConfirmed(
                store=proposal.store,
                action_id=action_id,
                actor=f"buyer:{proposal.customer_id}",
                proposal_id=proposal.proposal_id,
                action=proposal.action,
            ),
        )
    return action_id


def mark_refused(engine: Engine, proposal: Proposal, decision: Decision) -> None:
    """A proposal the policy refuses at confirmation (the order changed since)."""
    with engine.begin() as conn:
        conn.execute(
            update(cs_proposals)
            .where(
                cs_proposals.c.proposal_id == proposal.proposal_id,
                cs_proposals.c.status == "awaiting_confirmation",
            )
            .values(
                status="refused",
                decision=decision.outcome,
                reasons=[r.model_dump() for r in decision.reasons],
            )
        )
        audit.record(
            conn,
            events.AfterSaleRefused(
                store=proposal.store,
                action_id=proposal.proposal_id,
                actor="policy",
                action=proposal.action,
                reasons=_reason_texts(decision),
            ),
        )


def record_urge(
    engine: Engine,
    store: str,
    order_id: str,
    customer_id: str,
    promised_by: dt.datetime | None,
    overdue: bool,
) -> str:
    """Record a 催发货 request and its audit event; returns the request id."""
    request_id = uuid.uuid4().hex[:12]
    at = utcnow()
    payload = {
        "request_id": request_id,
        "promised_by": promised_by.isoformat() if promised_by else None,
        "overdue": overdue,
    }
    with engine.begin() as conn:
        conn.execute(
            insert(cs_requests).values(
                store=store,
                order_id=order_id,
                customer_id=customer_id,
                kind="urge_shipment",
                at=at,
                payload=payload,
            )
        )
        audit.record(
            conn,
            events.ShipmentUrged(
                store=store,
                action_id=request_id,
                actor=f"buyer:{customer_id}",
                order_id=order_id,
                promised_by=promised_by,
                overdue=overdue,
            ),
        )
    return request_id


def urge_count(engine: Engine, store: str, order_id: str) -> int:
    """How many times the buyer urged this order's shipment."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(cs_requests.c.seq).where(
                cs_requests.c.store == store,
                cs_requests.c.order_id == order_id,
                cs_requests.c.kind == "urge_shipment",
            )
        ).all()
    return len(rows)


class AfterSaleConnector:
    """Executes ``cs.*`` actions on the order backend (idempotent by action id), then hands every
    action to ``inner`` (e.g. the outbox a platform integration reads), if given.
    """

    name = "aftersale"

    def __init__(self, backend: OrderBackend, inner: Connector | None = None) -> None:
        self.backend = backend
        self.inner = inner

    def execute(
        self, store: str, action_id: str, action: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply one action; the same id twice applies once."""
        result: dict[str, Any] = {}
        if action.startswith("cs."):
            result = {"backend": self.backend.name, **self.backend.apply(action_id, action, params)}
        if self.inner is not None:
            result = {**self.inner.execute(store, action_id, action, params), **result}
        return result
