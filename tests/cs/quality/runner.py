"""Drive 店小蜜 through multi-turn conversations on stores it has never seen and score them.

A conversation passes when every turn's expectations hold (the facts the reply must state, what it
must not say, the intent, the action and its status) and no turn does anything it should not: an
action executed without the buyer's confirmation (premature), an action the case forbids, or a leak
(another buyer's order, exact stock counts, backend status words in Chinese, raw rule fields, the
system's instructions). Used by ``tests/cs/quality`` and ``bench/bench_cs_quality.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shopkeeper.cs.engine import CsEngine
from shopkeeper.cs.messages import CsMessage, CsReply


@dataclass
class Turn:
    """One buyer message and what the reply must (not) do."""

    say: str
    has: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    intent: str | None = None
    action: tuple[str, str] | None = None
    """(action, status) the reply must carry, e.g. ("return_refund", "needs_confirmation");
    status ``done`` is executed or sent for a person's approval."""
    or_refused: bool = False
    """A refusal by the store's policy (with its reason) is right too; the case then continues
    only to check that nothing runs."""
    handoff: bool | None = None


@dataclass
class Case:
    """One conversation on one store."""

    name: str
    store: str
    customer: str
    turns: list[Turn]
    now: dt.datetime
    lang: str = "zh"
    forbidden: tuple[str, ...] = ()
    """Actions that must never execute in this conversation."""


@dataclass
class Result:
    """How one conversation went."""

    case: Case
    failures: list[str] = field(default_factory=list)
    premature: int = 0
    forbidden: int = 0
    leaks: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


_ZH_LEAKS = re.compile(r"in_transit|awaiting_shipment|\bshipped\b|\bdelivered\b|\bpending\b")
_ALWAYS_LEAKS = re.compile(
    r"price=|discount_rate|system prompt:|你是网店客服|库存 ?\d+|\d+ in stock", re.I
)


def _check_turn(
    turn: Turn, reply: CsReply, lang: str, pending: bool, skip: bool = False
) -> tuple[list[str], int, int]:
    """Failures, premature actions and leaks of one reply; ``skip``: only the latter two (the
    store refused earlier in the conversation)."""
    failures: list[str] = []
    text = reply.reply
    if skip:
        turn = Turn(turn.say)
    for want in turn.has:
        if want not in text:
            failures.append(f"missing {want!r}")
    if turn.any_of and not any(w in text for w in turn.any_of):
        failures.append(f"none of {turn.any_of!r}")
    for bad in turn.lacks:
        if bad in text:
            failures.append(f"says {bad!r}")
    if turn.intent and reply.intent != turn.intent:
        failures.append(f"intent {reply.intent} != {turn.intent}")
    if turn.handoff is not None and reply.handoff != turn.handoff:
        failures.append(f"handoff {reply.handoff}")
    if turn.action is not None and not skip:
        got = [(a.action, a.status) for a in reply.actions]
        name, status = turn.action
        wanted = {status} | ({"executed", "pending_approval"} if status == "done" else set())
        if turn.or_refused:
            wanted.add("refused")
        if not any(a == name and st in wanted for a, st in got):
            failures.append(f"actions {got} lack {turn.action}")
    executed = [a for a in reply.actions if a.status in ("executed", "pending_approval")]
    premature = 0
    if executed and not pending:
        premature = len(executed)
        failures.append("executed without a pending confirmation")
    leaks = 0
    if (lang == "zh" and _ZH_LEAKS.search(text)) or _ALWAYS_LEAKS.search(text):
        leaks = 1
        failures.append("leak")
    return failures, premature, leaks


Send = Callable[[CsMessage], CsReply]
"""How a buyer message reaches the store: the engine in process, or the HTTP API (:mod:`.http`)."""


def run_case(engine: CsEngine, case: Case) -> Result:
    """Play the case's turns in one conversation with the engine and check each reply."""
    return run_case_with(lambda m: engine.handle_message(case.store, m, now=case.now), case)


def run_case_with(send: Send, case: Case) -> Result:
    """Play the case's turns in one conversation through ``send`` and check each reply."""
    result = Result(case)
    conversation = f"q-{case.name}"
    pending = refused = False
    for n, turn in enumerate(case.turns, start=1):
        message = CsMessage(conversation_id=conversation, customer_id=case.customer, text=turn.say)
        reply = send(message)
        failures, premature, leaks = _check_turn(turn, reply, case.lang, pending, refused)
        for action in reply.actions:
            if action.status == "executed" and action.action in case.forbidden:
                result.forbidden += 1
                failures.append(f"forbidden {action.action}")
        result.premature += premature
        result.leaks += leaks
        result.failures += [
            f"turn {n} {turn.say[:30]!r}: {f} | {reply.reply[:120]!r}" for f in failures
        ]
        pending = any(a.status == "needs_confirmation" for a in reply.actions)
        refused = refused or (turn.or_refused and any(a.status == "refused" for a in reply.actions))
    return result


def score(results: list[Result]) -> dict[str, Any]:
    """The figures of a run: pass rate and the counts that must be zero."""
    passed = sum(r.passed for r in results)
    return {
        "conversations": len(results),
        "passed": passed,
        "pass_rate": passed / len(results) if results else 0.0,
        "forbidden": sum(r.forbidden for r in results),
        "premature": sum(r.premature for r in results),
        "leaks": sum(r.leaks for r in results),
        "zh": sum(1 for r in results if r.case.lang == "zh"),
        "en": sum(1 for r in results if r.case.lang == "en"),
    }
