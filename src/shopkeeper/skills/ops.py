"""Skills with side effects on the operational database: approvals and memory (tagged "writes").

Who proposed an action or said a memory is the skill's caller (:attr:`SkillContext.actor`), never
an argument: a caller cannot write another name into the audit trail.

``propose_action`` never bypasses the policy: it goes through :func:`shopkeeper.ops.approvals.propose`,
which decides (auto / needs approval / refused), records the audit trail and executes only what the
policy allows, through the built-in outbox connector.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.errors import ConfigError
from shopkeeper.ops.actions import ACTIONS
from shopkeeper.ops.approvals import ActionRecord, list_actions, propose
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.ops.db import ops_engine
from shopkeeper.ops.memory import (
    Memory,
    MemoryKind,
    memories_of,
    recall,
)
from shopkeeper.ops.memory import (
    remember as remember_memory,
)
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill


class ApprovalArgs(BaseModel):
    """Which actions."""

    status: Literal["pending", "executed", "refused", "rejected", "failed", "all"] = Field(
        default="pending", description="actions in this state (pending: waiting for a person)"
    )
    limit: int = Field(default=50, ge=1, le=500, description="at most this many actions")


class PendingApprovals(BaseModel):
    """Actions of the store, newest first."""

    count: int
    actions: list[ActionRecord]


@skill(tags=("ops", "manager"))
def pending_approvals(ctx: SkillContext, args: ApprovalArgs) -> PendingApprovals:
    """Actions waiting for a person's approval (or in another state), newest first."""
    engine = ops_engine(ctx.settings)
    try:
        found = list_actions(engine, ctx.store, None if args.status == "all" else args.status)
    finally:
        engine.dispose()
    return PendingApprovals(count=len(found), actions=found[: args.limit])


class ProposeArgs(BaseModel):
    """An action to propose."""

    action: str | None = Field(default=None, description=f"one of: {', '.join(ACTIONS)}")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description='the action\'s arguments, e.g. {"sku_id": "A1", "price": 59}',
    )
    reason: str = Field(default="", description="why (shown to the approver)")


Decision = Literal["auto_executed", "pending", "refused", "invalid"]


class ProposalResult(BaseModel):
    """The policy's decision on a proposal."""

    decision: Decision = Field(
        description="auto_executed: ran at once; pending: waits for approval; refused: never runs; invalid: not proposed"
    )
    reasons: list[str] = Field(default_factory=list)
    action: ActionRecord | None = None


@skill(tags=("ops", "writes", "manager"))
def propose_action(ctx: SkillContext, args: ProposeArgs) -> ProposalResult:
    """Propose a typed action (change_price, change_bid, replenish, ...); the store's policy runs it, queues it for approval or refuses it."""
    if not args.action:
        return ProposalResult(decision="invalid", reasons=[f"name an action: {', '.join(ACTIONS)}"])
    engine = ops_engine(ctx.settings)
    try:
        record = propose(
            ctx.settings,
            engine,
            OutboxConnector(ctx.settings.home / "stores", engine),
            ctx.store,
            args.action,
            args.params,
            reason=args.reason,
            proposed_by=ctx.actor,
        )
    except (ConfigError, ValueError) as exc:  # unknown action or arguments that do not validate
        return ProposalResult(decision="invalid", reasons=[str(exc)])
    finally:
        engine.dispose()
    decision: Decision = (
        "pending"
        if record.status == "pending"
        else "auto_executed"
        if record.status in ("executed", "executing")
        else "refused"
    )
    return ProposalResult(decision=decision, reasons=record.reasons, action=record)


class RememberArgs(BaseModel):
    """Something the merchant wants the team to remember."""

    text: str = Field(default="", description="the rule, preference, decision or note, as said")
    kind: MemoryKind = Field(
        default="note", description="rule (enforced where it can be), preference, decision or note"
    )


class Remembered(BaseModel):
    """The memory stored (none when there was nothing to store)."""

    stored: bool
    memory: Memory | None = None
    note: str | None = None


@skill(tags=("ops", "writes", "manager"))
def remember(ctx: SkillContext, args: RememberArgs) -> Remembered:
    """Remember a merchant's rule, preference, decision or note for this store (a pricing rule becomes a floor the policy enforces)."""
    if not args.text.strip():
        return Remembered(stored=False, note="nothing to remember: give the text")
    engine = ops_engine(ctx.settings)
    try:
        return Remembered(
            stored=True,
            memory=remember_memory(
                engine, ctx.store, args.text, kind=args.kind, source=ctx.actor
            ),
        )
    finally:
        engine.dispose()


class RecallArgs(BaseModel):
    """What to look for."""

    query: str = Field(default="", description="words to match (empty: the latest memories)")
    k: int = Field(default=5, ge=1, le=100, description="at most this many")


class RecalledMemory(BaseModel):
    """A memory and how well it matches."""

    memory_id: str
    kind: str
    text: str
    created_at: dt.datetime
    score: float | None = Field(description="BM25 relevance (None when listing the latest)")


class RecalledMemories(BaseModel):
    """Memories relevant to the query, best first."""

    memories: list[RecalledMemory]


@skill(tags=("ops", "manager"))
def recall_memory(ctx: SkillContext, args: RecallArgs) -> RecalledMemories:
    """The store's memories relevant to a query (rules, preferences, decisions, notes), best first."""
    engine = ops_engine(ctx.settings)
    try:
        found: list[tuple[Memory, float | None]]
        if args.query.strip():
            found = [(m, s) for m, s in recall(engine, ctx.store, args.query, k=args.k)]
        else:
            latest = list(reversed(memories_of(engine, ctx.store)))[: args.k]
            found = [(m, None) for m in latest]
    finally:
        engine.dispose()
    return RecalledMemories(
        memories=[
            RecalledMemory(
                memory_id=m.memory_id,
                kind=m.kind,
                text=m.text,
                created_at=m.created_at,
                score=round(s, 4) if s is not None else None,
            )
            for m, s in found
        ]
    )


def register(registry: SkillRegistry) -> None:
    """Register the approval and memory skills."""
    registry.register(pending_approvals, propose_action, remember, recall_memory)
