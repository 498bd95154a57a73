"""Follow-ups in a conversation, offline: a request that refines the previous turn's plan.

"昨天卖了多少？" then "那跟上周同一天比呢？" asks the same skill for the same day a week before, next
to the first; "And the day before?" moves the period back; "250g的呢" narrows the product an action
named; "把它改回119" acts on the SKU the previous answer was about. A request that names a new
question ("哪些商品快断货了") is not a follow-up, whatever came before.

>>> is_marked("那跟上周同一天比呢？"), is_marked("And the day before?"), is_marked("哪些商品快断货了")
(True, True, False)
>>> is_marked("just the top 3"), is_marked("只看前三")
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from shopkeeper.agents import slots
from shopkeeper.agents.intents import Intent
from shopkeeper.agents.router import Routed, Router, action_params
from shopkeeper.agents.routing import (
    PREVIOUS_CALL_ID,
    ROUTE_TOOL,
    PlannedStep,
    RouteDecision,
    Turn,
)
from shopkeeper.agents.scope import out_of_scope
from shopkeeper.llm.base import Message
from shopkeeper.ops.memory import EmployeeName

_MARKED = re.compile(
    r"^(?:那|那么|那就|还有|再|换成|只看|只要|就看|and\b|what about|how about|same for|also\b|now\b|"
    r"just\b|only\b)|呢[？?。!！\s]*$|"
    r"比呢|对比|相比|比一下|比比|比较|\bcompared?\b|\bversus\b|\bvs\b|同一天|前一天|前天|"
    r"day before|same day|week before|month before|它|\bit\b|this one|that one|instead",
    re.I,
)
_SAME_DAY_LAST_WEEK = re.compile(
    r"上周同一天|上周的?今天|上星期同一天|same day (?:last|a) week", re.I
)
_COMPARE = re.compile(r"比|compare|versus|\bvs\b|against", re.I)
_BEFORE = re.compile(
    r"前一(?:天|周|个月)|上一(?:天|周|个月)|再往前|(?:the )?(?:day|week|month) before|previous (?:day|week|month)",
    re.I,
)
_DAY_BEFORE_YESTERDAY = re.compile(r"前天|day before yesterday", re.I)
_PRONOUN = re.compile(r"它|这个|那个|\bit\b|this one|that one", re.I)
_PERIOD_KEYS = ("start", "end", "days", "offset_days")
SHORT = 14
"""A request this short (characters; words count as five) that names no question refines the
previous one ("250g的呢", "and yesterday?")."""


def is_marked(text: str) -> bool:
    """Whether the request reads as a follow-up ("那…呢", "what about", "the day before")."""
    return _MARKED.search(text) is not None


def _short(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text)
    return len(re.sub(r"[A-Za-z\s]+", "", text)) + 5 * len(words) <= SHORT


def previous_turn(messages: Sequence[Message]) -> Turn | None:
    """The conversation's previous turn as the runtime passed it to the manager, if any."""
    for n, m in enumerate(messages):
        for call in m.tool_calls:
            if call.id == PREVIOUS_CALL_ID and call.name == ROUTE_TOOL:
                try:
                    decision = RouteDecision.model_validate(call.arguments)
                except ValidationError:
                    return None
                asked = [u.content for u in messages[:n] if u.role == "user"]
                answers = [t.content for t in messages[n + 1 : n + 2] if t.role == "tool"]
                return Turn(
                    request=asked[-1] if asked else "",
                    decision=decision,
                    answer=answers[0] if answers else "",
                )
    return None


def follow_up(
    router: Router,
    request: str,
    routed: list[Routed],
    previous: Turn,
    owner: Callable[[Intent], EmployeeName],
) -> list[PlannedStep]:
    """The plan for ``request`` as a follow-up of ``previous`` (empty when it is not one)."""
    before = previous.decision
    if before is None or before.decision != "plan" or not before.steps or out_of_scope(request):
        return []
    if (why := _why(router, request, routed, before.steps, owner)) is not None:
        return [why]
    marked = is_marked(request)
    if routed and routed[0].intent.action:
        step = _act_on_previous(routed[0], request, previous, owner)
        return [step] if step is not None else []
    if routed and not marked:
        return []
    if not routed and not (marked or _short(request)):
        return []
    new = {r.intent.skill for r in routed} - {s.skill for s in before.steps}
    if new and router.score(request, skills=new)[0].keywords:
        return []  # "那库存呢": a new question, asked the usual way
    steps: list[PlannedStep] = []
    for step in before.steps:
        if step.skill is None:
            continue
        fields = set(router.registry.get(step.skill).input_model.model_fields)
        for arguments in _refined(step.skill, step.arguments, request, fields):
            steps.append(step.model_copy(update={"arguments": arguments, "task": request}))
    return steps[:6]


_WHY = re.compile(
    r"^\W*(?:那|那么|and|so)?\s*(?:为什么|为啥|怎么回事|咋回事|什么原因|原因呢?|啥原因|why|how come|what caused|"
    r"what happened|what's behind)",
    re.I,
)
"""A bare "why" after a figure ("为什么", "why the difference?"): explain that figure's change."""


def _why(
    router: Router,
    request: str,
    routed: list[Routed],
    steps: Sequence[PlannedStep],
    owner: Callable[[Intent], EmployeeName],
) -> PlannedStep | None:
    """``explain_change`` over the previous step's period, when ``request`` asks why and names no
    question of its own.
    """
    if not _WHY.search(request) or (routed and routed[0].intent.skill != "explain_change"):
        return None
    why = next((i for i in router.intents if i.skill == "explain_change"), None)
    last = next((s for s in steps if s.skill and s.skill != "explain_change"), None)
    if why is None or last is None:
        return None
    fields = router.registry.get(why.skill).input_model.model_fields
    arguments = {k: v for k, v in last.arguments.items() if k in _PERIOD_KEYS and k in fields}
    if routed:  # "为什么掉了": its own premise (and period, if it names one)
        arguments |= routed[0].arguments
    else:
        arguments |= {k: v for k, v in slots.premise(request).items() if k == "premise"}
    return PlannedStep(employee=owner(why), task=request, skill=why.skill, arguments=arguments)


def _refined(
    skill: str, arguments: dict[str, Any], request: str, fields: set[str]
) -> list[dict[str, Any]]:
    """The previous arguments refined by ``request`` (two sets when it asks for a comparison)."""
    args = dict(arguments)
    if skill == "propose_action":
        return [_refined_action(args, request)]
    period = slots.period(request)
    if _DAY_BEFORE_YESTERDAY.search(request):
        period = {"days": 1, "offset_days": 1}
    shift = 0
    if _SAME_DAY_LAST_WEEK.search(request) and _COMPARE.search(request):
        shift = 7
    elif _SAME_DAY_LAST_WEEK.search(request):  # "那上周同一天呢": that day instead
        args["offset_days"] = int(args.get("offset_days", 0)) + 7
    elif _BEFORE.search(request):
        args["offset_days"] = int(args.get("offset_days", 0)) + int(args.get("days", 1))
    elif _COMPARE.search(request):
        shift = int(args.get("days", 7))
    elif period:
        args = {k: v for k, v in args.items() if k not in _PERIOD_KEYS} | period
    args.update(slots.ranking(request))
    if (n := slots.limit(request)) is not None:
        args["limit"] = n
    if (found := slots.ids(request)) and "sku_id" in fields:
        args["sku_id"] = found[0]
    kept = [args]
    if shift:
        kept.append(args | {"offset_days": int(args.get("offset_days", 0)) + shift})
    return [{k: v for k, v in a.items() if k in fields} for a in kept]


def _refined_action(args: dict[str, Any], request: str) -> dict[str, Any]:
    """A proposal refined: a new amount, the id picked from a question, or more of the name."""
    action = str(args.get("action", ""))
    params = dict(args.get("params") or {})
    found = action_params(action, request)
    params.update(found)
    if not {k for k in found if k.endswith("_id")}:
        args["target"] = f"{args.get('target', '')} {request}".strip()
    return args | {"params": params}


def _act_on_previous(
    routed: Routed,
    request: str,
    previous: Turn,
    owner: Callable[[Intent], EmployeeName],
) -> PlannedStep | None:
    """An action whose target is "it" ("把它改回119"): the id the previous turn was about."""
    args = dict(routed.arguments)
    params = dict(args.get("params") or {})
    key = {"sku_id", "campaign_id"} & _keys(routed.intent.action or "")
    if not key or key & set(params) or not _PRONOUN.search(request):
        return None
    field = key.pop()
    found = _previous_id(previous, field, params)
    if found is None:
        return None
    params[field] = found
    args.update(params=params, target="")
    return PlannedStep(
        employee=owner(routed.intent), task=request, skill=routed.intent.skill, arguments=args
    )


def _keys(action: str) -> set[str]:
    return {"sku_id"} if action in ("change_price", "replenish") else {"campaign_id"}


def _previous_id(previous: Turn, field: str, params: dict[str, Any]) -> str | None:
    """The id the previous turn was about: named in its plan, else on the line of its answer that
    quotes the amount asked for (the inspection's "改回正确价格（平时售价 ¥119）").
    """
    assert previous.decision is not None
    for step in previous.decision.steps:
        value = step.arguments.get(field) or (step.arguments.get("params") or {}).get(field)
        if value:
            return str(value)
    amounts = [v for v in params.values() if isinstance(v, int | float)]
    lines = previous.answer.splitlines()
    for amount in amounts:
        shown = f"{amount:g}"
        for line in lines:
            if re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d])", line) and (
                ids := slots.ids(line)
            ):
                return ids[0]
    return None
