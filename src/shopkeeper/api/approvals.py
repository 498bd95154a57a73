"""Actions: propose, list, approve (runs exactly once), reject; the audit trail; the store's state.

Buyers' phones and street addresses in an action's parameters (an after-sale address change) are
masked in every answer here: the real ones stay with the order.

Approving an action that is no longer pending — approved twice, or already rejected — is 409.
A role narrowed to some actions (``ads``: bids, budgets, pausing campaigns) sees and decides only
those; another action is 403.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field

from shopkeeper.api.auth import Principal, StorePath, forbidden, require
from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.errors import Conflict
from shopkeeper.llm.privacy import redact
from shopkeeper.ops.approvals import (
    ActionNotPending,
    ActionRecord,
    Status,
    approve,
    get_action,
    list_actions,
    propose,
    reject,
)
from shopkeeper.ops.audit import AuditRow, audit_log
from shopkeeper.ops.connectors import StateRow, store_state

Approver = Annotated[Principal, Depends(require("approvals"))]
Auditor = Annotated[Principal, Depends(require("audit"))]
StateReader = Annotated[Principal, Depends(require("state"))]

router = APIRouter(prefix="/v1/stores/{store}", tags=["approvals"])


class Proposal(BaseModel):
    """An action to propose; the policy decides whether it runs, waits or is refused."""

    action: str = Field(description="change_price, change_bid, change_budget, pause_campaign, ...")
    params: dict[str, Any] = Field(description="the action's arguments, e.g. {sku_id, price}")
    reason: str = ""


class Decision(BaseModel):
    """A note to go with a rejection."""

    note: str = ""


def shown(record: ActionRecord) -> ActionRecord:
    """An action as the API shows it: personal data in its parameters, reasons and result
    masked.
    """
    shown = ("params", "reason", "reasons", "result")
    return record.model_copy(update={k: redact(getattr(record, k)) for k in shown})


def _own(principal: Principal, services: ServicesDep, store: str, action_id: str) -> ActionRecord:
    record = get_action(services.engine, store, action_id)  # unknown → 404
    if not principal.may_act(record.action):
        raise forbidden(f"the action {record.action!r}", principal)
    return record


@router.post("/actions", status_code=status.HTTP_201_CREATED)
def propose_action(
    store: StorePath, body: Proposal, principal: Approver, services: ServicesDep
) -> ActionRecord:
    """Propose an action: it runs at once, waits for approval, or is refused, by policy."""
    if not principal.may_act(body.action):
        raise forbidden(f"the action {body.action!r}", principal)
    record = propose(
        services.settings,
        services.engine,
        services.connector,
        store,
        body.action,
        body.params,
        reason=body.reason,
        proposed_by=principal.actor,
    )
    return shown(record)


@router.get("/approvals")
def list_approvals(
    store: StorePath,
    principal: Approver,
    services: ServicesDep,
    status: Annotated[
        Status | Literal["all"], Query(description="only this status, or all")
    ] = "pending",
) -> list[ActionRecord]:
    """The store's actions (pending by default), newest first."""
    records = list_actions(services.engine, store, None if status == "all" else status)
    return [shown(r) for r in records if principal.may_act(r.action)]


@router.post("/approvals/{action_id}/approve")
def approve_action(
    store: StorePath, action_id: str, principal: Approver, services: ServicesDep
) -> ActionRecord:
    """Approve a pending action: exactly its stored arguments run, once (again: 409)."""
    record = _own(principal, services, store, action_id)
    if record.status != "pending":
        raise Conflict(
            f"action {action_id!r} is {record.status}, not pending: it cannot be decided again"
        )
    try:
        done = approve(services.engine, services.connector, store, action_id, actor=principal.actor)
        return shown(done)
    except ActionNotPending as exc:  # another request decided it first
        raise Conflict(str(exc)) from exc


@router.post("/approvals/{action_id}/reject")
def reject_action(
    store: StorePath,
    action_id: str,
    principal: Approver,
    services: ServicesDep,
    body: Decision | None = None,
) -> ActionRecord:
    """Reject a pending action: it never runs (a decided one: 409)."""
    record = _own(principal, services, store, action_id)
    if record.status != "pending":
        raise Conflict(
            f"action {action_id!r} is {record.status}, not pending: it cannot be decided again"
        )
    try:
        return shown(
            reject(
                services.engine,
                store,
                action_id,
                actor=principal.actor,
                note=body.note if body else "",
            )
        )
    except ActionNotPending as exc:
        raise Conflict(str(exc)) from exc


@router.get("/audit")
def audit(
    store: StorePath,
    principal: Auditor,
    services: ServicesDep,
    action_id: Annotated[str | None, Query(description="only this action")] = None,
) -> list[AuditRow]:
    """Every proposal, decision and execution of the store, oldest first."""
    rows = [
        r.model_copy(update={"payload": redact(r.payload)})
        for r in audit_log(services.engine, store, action_id=action_id)
    ]
    if principal.grant.actions is None:
        return rows
    visible = {
        r.action_id for r in list_actions(services.engine, store) if principal.may_act(r.action)
    }
    return [r for r in rows if r.action_id in visible]


@router.get("/state")
def state(
    store: StorePath,
    principal: StateReader,
    services: ServicesDep,
    entity_type: Annotated[
        str | None, Query(description="sku, campaign, order, review, product")
    ] = None,
    entity_id: Annotated[str | None, Query()] = None,
) -> list[StateRow]:
    """The state executed actions left in the store (price per SKU, bid per campaign...): only
    what the caller's role may see (the same actions as ``/audit`` and ``/approvals``).
    """
    rows = store_state(services.engine, store, entity_type=entity_type, entity_id=entity_id)
    return [
        r.model_copy(update={"value": redact(r.value)}) for r in rows if principal.may_act(r.action)
    ]
