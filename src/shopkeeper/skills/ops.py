"""Skills with side effects on the operational database: approvals and memory (tagged "writes").

Who proposed an action or said a memory is the skill's caller (:attr:`SkillContext.actor`), never
an argument: a caller cannot write another name into the audit trail.

``propose_action`` never bypasses the policy: it goes through :func:`shopkeeper.ops.approvals.propose`,
which decides (auto / needs approval / refused), records the audit trail and executes only what the
policy allows, through the built-in outbox connector.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from shopkeeper.errors import ConfigError
from shopkeeper.ops.actions import ACTIONS
from shopkeeper.ops.approvals import ActionRecord, list_actions, propose
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.ops.memory import (
    EmptyMemory,
    Memory,
    MemoryQuery,
    NewMemory,
    RecalledMemory,
    add_memory,
    find_memories,
)
from shopkeeper.ops.rules import enforcement
from shopkeeper.skills.proposals import Named, fill_target, invalid_params
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, params_text, plural, tr
from shopkeeper.text import lang_of


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
    target: str = Field(
        default="",
        description="the product, SKU or campaign in the merchant's words when its id is not "
        "known (resolved by id or name; several matches become a question)",
    )


Decision = Literal["auto_executed", "pending", "refused", "invalid", "question"]


class ProposalResult(BaseModel):
    """The policy's decision on a proposal."""

    decision: Decision = Field(
        description="auto_executed: ran at once; pending: waits for approval; refused: never runs; invalid: not proposed"
    )
    reasons: list[str] = Field(default_factory=list)
    action: ActionRecord | None = None
    question: str | None = Field(
        default=None, description="what is missing, asked of the merchant (decision: question)"
    )
    candidates: list[Named] = Field(
        default_factory=list, description="what the merchant may have meant, to choose from"
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """The action and what the policy decided, with its reasons (or the question to answer)."""
        if self.decision == "question" and self.question:
            rows = [f"- {c.id} {c.name}" for c in self.candidates[:8]]
            return "\n".join([self.question, *rows, *(f"- {r}" for r in self.reasons)])
        zh, en = _DECISION_TEXT[self.decision]
        what = (
            f"{self.action.action} {params_text(self.action.params)}".strip() if self.action else ""
        )
        head = tr(lang, f"操作 {what}：{zh}。", f"Action {what}: {en}.")
        done = self.action is not None and self.decision == "auto_executed"
        sent = [self.action.outcome(lang)] if self.action and done else []
        return "\n".join([head, *(f"- {r}" for r in self.reasons), *sent])


_DECISION_TEXT: dict[Decision, tuple[str, str]] = {
    "auto_executed": ("已按规则自动执行", "executed automatically within policy"),
    "pending": (
        "超出自动执行范围，已提交等待你审批",
        "above the automatic limits: waiting for your approval",
    ),
    "refused": ("被规则拒绝", "refused by policy"),
    "invalid": ("无法提交", "could not be proposed"),
    "question": ("还缺信息", "needs more information"),
}


@skill(tags=("ops", "writes", "manager"))
def propose_action(ctx: SkillContext, args: ProposeArgs) -> ProposalResult:
    """Propose a typed action (change_price, change_bid, replenish, ...) on a product or campaign named by id or name; the store's policy runs it, queues it for approval or refuses it."""
    lang = lang_of(ctx.language)
    known = ", ".join(a for a in ACTIONS if not a.startswith("cs."))
    if not args.action:
        return ProposalResult(
            decision="question",
            question=tr(lang, "要做哪个操作？可以是：", "Which action should I take? One of:")
            + " "
            + known,
        )
    if args.action not in ACTIONS:
        return ProposalResult(
            decision="invalid",
            reasons=[
                tr(
                    lang,
                    f"没有 {args.action!r} 这个操作，可以是：{known}",
                    f"there is no action {args.action!r}; use one of: {known}",
                )
            ],
        )
    params = dict(args.params)
    asked = fill_target(ctx, args.action, params, args.target, lang)
    if asked is not None:
        return ProposalResult(decision="question", question=asked[0], candidates=asked[1])
    engine = ctx.engine
    try:
        record = propose(
            ctx.settings,
            engine,
            OutboxConnector(ctx.settings.home / "stores", engine),
            ctx.store,
            args.action,
            params,
            reason=args.reason,
            proposed_by=ctx.actor,
        )
    except ValidationError as exc:
        return ProposalResult(decision="invalid", reasons=[invalid_params(exc, lang)])
    except (ConfigError, ValueError) as exc:  # unknown action or arguments that do not validate
        return ProposalResult(decision="invalid", reasons=[str(exc)])
    decision: Decision = (
        "pending"
        if record.status == "pending"
        else "auto_executed"
        if record.status in ("executed", "executing", "sent_to_outbox")
        else "refused"
    )
    return ProposalResult(decision=decision, reasons=record.reasons, action=record)


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
        said = tr(lang, f"记住了：{self.memory.text}", f"Remembered: {self.memory.text}")
        return "\n".join([said, *([self.note] if self.note else [])])


@skill(tags=("ops", "writes", "manager"))
def remember(ctx: SkillContext, args: NewMemory) -> Remembered:
    """Remember a merchant's rule, preference, decision or note for this store (a pricing rule becomes a floor the policy enforces)."""
    try:
        memory = add_memory(ctx.engine, ctx.store, args, source=ctx.actor)
    except EmptyMemory:
        return Remembered(stored=False, note="nothing to remember: give the text")
    return Remembered(stored=True, memory=memory, note=enforcement(memory, ctx.language))


class RecalledMemories(BaseModel):
    """Memories relevant to the query, best first (without a query: oldest first)."""

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
def recall_memory(ctx: SkillContext, args: MemoryQuery) -> RecalledMemories:
    """The store's memories relevant to a query (rules, preferences, decisions, notes), best first."""
    return RecalledMemories(memories=find_memories(ctx.engine, ctx.store, args))


def register(registry: SkillRegistry) -> None:
    """Register the approval and memory skills."""
    registry.register(pending_approvals, propose_action, remember, recall_memory)
