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
from shopkeeper.skills.render import Lang, params_text, plural, tr


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

    def render(self, lang: Lang, currency: str = "") -> str:
        """How many actions wait, each with its arguments and reason, and how to approve one."""
        head = tr(
            lang,
            f"有 {self.count} 个操作等你审批。",
            f"{plural(self.count, 'action')} {'waits' if self.count == 1 else 'wait'} for your approval.",
        )
        rows = [
            f"- {a.action_id} {a.action} {params_text(a.params)}：{a.reason}" for a in self.actions
        ]
        hint = tr(
            lang,
            "用 `shopkeeper approvals approve <id>` 批准。",
            "Approve with `shopkeeper approvals approve <id>`.",
        )
        return "\n".join([head, *rows[:10], *([hint] if rows else [])])


@skill(tags=("ops", "manager"))
def pending_approvals(ctx: SkillContext, args: ApprovalArgs) -> PendingApprovals:
    """Actions waiting for a person's approval (or in another state), newest first."""
    found = list_actions(ctx.engine, ctx.store, None if args.status == "all" else args.status)
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

    def render(self, lang: Lang, currency: str = "") -> str:
        """The action and what the policy decided, with its reasons."""
        zh, en = _DECISION_TEXT[self.decision]
        what = (
            f"{self.action.action} {params_text(self.action.params)}".strip() if self.action else ""
        )
        head = tr(lang, f"操作 {what}：{zh}。", f"Action {what}: {en}.")
        return "\n".join([head, *(f"- {r}" for r in self.reasons)])


_DECISION_TEXT: dict[Decision, tuple[str, str]] = {
    "auto_executed": ("已按规则自动执行", "executed automatically within policy"),
    "pending": (
        "超出自动执行范围，已提交等待你审批",
        "above the automatic limits: waiting for your approval",
    ),
    "refused": ("被规则拒绝", "refused by policy"),
    "invalid": ("无法提交", "could not be proposed"),
}


@skill(tags=("ops", "writes", "manager"))
def propose_action(ctx: SkillContext, args: ProposeArgs) -> ProposalResult:
    """Propose a typed action (change_price, change_bid, replenish, ...); the store's policy runs it, queues it for approval or refuses it."""
    if not args.action:
        return ProposalResult(decision="invalid", reasons=[f"name an action: {', '.join(ACTIONS)}"])
    engine = ctx.engine
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

    def render(self, lang: Lang, currency: str = "") -> str:
        """What was remembered (or why nothing was)."""
        if self.memory is None or not self.memory.text:
            return "\n".join(
                [
                    tr(lang, "没有要记住的内容。", "Nothing to remember."),
                    *([self.note] if self.note else []),
                ]
            )
        return tr(lang, f"记住了：{self.memory.text}", f"Remembered: {self.memory.text}")


@skill(tags=("ops", "writes", "manager"))
def remember(ctx: SkillContext, args: RememberArgs) -> Remembered:
    """Remember a merchant's rule, preference, decision or note for this store (a pricing rule becomes a floor the policy enforces)."""
    if not args.text.strip():
        return Remembered(stored=False, note="nothing to remember: give the text")
    return Remembered(
        stored=True,
        memory=remember_memory(ctx.engine, ctx.store, args.text, kind=args.kind, source=ctx.actor),
    )


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

    def render(self, lang: Lang, currency: str = "") -> str:
        """The memories found, one a line."""
        if not self.memories:
            return tr(
                lang, "我还没有记住关于这个的内容。", "I have nothing remembered about that yet."
            )
        rows = [f"- [{m.kind}] {m.text}" for m in self.memories]
        return "\n".join([tr(lang, "我记得：", "What I remember:"), *rows])


@skill(tags=("ops", "manager"))
def recall_memory(ctx: SkillContext, args: RecallArgs) -> RecalledMemories:
    """The store's memories relevant to a query (rules, preferences, decisions, notes), best first."""
    found: list[tuple[Memory, float | None]]
    if args.query.strip():
        found = [(m, s) for m, s in recall(ctx.engine, ctx.store, args.query, k=args.k)]
    else:
        latest = list(reversed(memories_of(ctx.engine, ctx.store)))[: args.k]
        found = [(m, None) for m in latest]
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
