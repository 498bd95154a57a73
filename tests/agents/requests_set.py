"""Merchant requests in their own words, with what the offline team must make of each.

Kept apart from the router's examples (``shopkeeper.agents.intents``: a test checks no request
here is one of them) and from ``docs/offline-requests.md``. Each request names the store language
it is asked on (the zh or en demo store, seed 11, scale 0.2), the skills the plan must call in
order (``()``: out of scope, ``("reply",)``: small talk), a subset of the first step's arguments,
and for actions what ``propose_action`` must return: a ``proposal`` (pending, executed or refused
by policy, never "invalid") or a ``question`` (what is missing), with a subset of the resolved
parameters. ``{sku_id}`` and ``{campaign_id}`` are filled with real ids of the store.

:func:`evaluate` scores the whole set; ``bench/bench_understanding.py`` prints the figures and
``test_understanding.py`` holds them to the targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from shopkeeper.agents.offline import OfflineModel
from shopkeeper.agents.routing import Turn
from shopkeeper.skills.ops import ProposalResult, ProposeArgs, propose_action
from shopkeeper.skills.registry import SkillContext
from shopkeeper.skills.render import answer

Outcome = Literal["proposal", "question"]


@dataclass(frozen=True)
class Request:
    """One merchant request and what it must become."""

    lang: Literal["zh", "en"]
    text: str
    skills: tuple[str, ...]
    arguments: dict[str, Any] = field(default_factory=dict)
    outcome: Outcome | None = None
    params: dict[str, Any] = field(default_factory=dict)
    before: tuple[str, ...] = ()
    """Earlier lines of the same chat: the request follows them up."""


def _zh(text: str, *skills: str, outcome: Outcome | None = None, **kw: Any) -> Request:
    params, before = kw.pop("params", {}), tuple(kw.pop("before", ()))
    return Request("zh", text, skills, kw, outcome, params, before)


def _en(text: str, *skills: str, outcome: Outcome | None = None, **kw: Any) -> Request:
    params, before = kw.pop("params", {}), tuple(kw.pop("before", ()))
    return Request("en", text, skills, kw, outcome, params, before)


EVENT = ("event_plan",)
PUSH = ("top_products", "keyword_analysis")
ACT = "propose_action"

REQUESTS: tuple[Request, ...] = (
    # -- plain requests (zh) --------------------------------------------------------------------
    _zh("为啥上周销售额比前一周低了这么多", "explain_change", premise="drop", metric="gmv"),
    _zh("订单怎么一下子少了这么多", "explain_change", metric="orders"),
    _zh("马上双十一了，帮我列个准备清单", "event_plan", event="double11"),
    _zh("帮我准备一下双12，要做哪些事？", *EVENT),
    _zh("帮我准备双11", *EVENT),
    _zh("618快到了该准备些什么", *EVENT),
    _zh("年货节要怎么备战", *EVENT),
    _zh("哪些货要赶紧补？各补多少？", "stock_status"),
    _zh("仓库里有啥快没了", "stock_status"),
    _zh("下个月主推哪几款比较好？", *PUSH),
    _zh("这次活动重点推什么品", *PUSH),
    _zh("前天卖了多少钱", "sales_summary", days=1),
    _zh("这个月到现在成交多少", "sales_summary", days=20),  # month to date: Nov 1-20
    _zh("近两周的营业额", "sales_summary", days=14),
    _zh("客单价最近有变化吗", "sales_summary"),
    _zh("销量最高的三款是哪些", "top_products", limit=3),
    _zh("哪几款卖不动", "top_products", order="bottom"),
    _zh("下周大概能卖多少件", "sales_forecast", horizon_days=7),
    _zh("未来一个月的销量预测", "sales_forecast", horizon_days=30),
    _zh("店里最近有啥异常没", "inspect_store"),
    _zh("退款多不多，都因为啥退", "refund_summary"),
    _zh("买家对咖啡豆有什么不满", "review_summary"),
    _zh("推广的钱花得值不值", "ads_performance"),
    _zh("哪个关键词在涨", "keyword_analysis"),
    _zh("老客复购情况怎么样", "customer_segments"),
    _zh("流量主要从哪来的", "traffic_sources"),
    _zh("哪些订单还压着没发", "shipping_overview"),
    _zh("有没有卖亏本的商品", "price_check"),
    _zh("有哪些东西等我批", "pending_approvals"),
    _zh("来份今天的经营日报", "daily_report"),
    _zh("这周总结一下发我", "weekly_report"),
    # -- out of scope and small talk (zh) -------------------------------------------------------
    _zh("今天茅台股价多少", *()),
    _zh("上海明天会下雨吗", *()),
    _zh("最近有什么新闻", *()),
    _zh("帮我写一首关于咖啡的诗", *()),
    _zh("谢谢", "reply"),
    _zh("你好呀", "reply"),
    _zh("辛苦了", "reply"),
    # -- actions (zh) ---------------------------------------------------------------------------
    _zh(
        "把计划{campaign_id}的日预算调到600", ACT, outcome="proposal", params={"daily_budget": 600}
    ),
    _zh("计划{campaign_id}预算改成624", ACT, outcome="proposal", params={"daily_budget": 624}),
    _zh("把肯尼亚挂耳的价格调到25块", ACT, outcome="question"),
    _zh("肯尼亚挂耳10片的价格调到45块", ACT, outcome="proposal", params={"price": 45}),
    _zh("SKU {sku_id} 调价到 25", ACT, outcome="proposal", params={"price": 25}),
    _zh("把{sku_id}的价格改成二十五元", ACT, outcome="proposal", params={"price": 25}),
    _zh("茉莉花茶30袋降价到75", ACT, outcome="proposal", params={"price": 75}),
    _zh("瑰夏中烘500g改成一百五十九元", ACT, outcome="proposal", params={"price": 159}),
    _zh("暂停经典拼配那个关键词推广计划", ACT, outcome="question"),
    _zh("把蓝山挂耳的推广停掉", ACT, outcome="proposal"),
    _zh("茉莉花茶的推广计划预算加到6百", ACT, outcome="proposal", params={"daily_budget": 600}),
    _zh("曼特宁挂耳那个计划出价调到1.2元", ACT, outcome="proposal", params={"bid": 1.2}),
    _zh("帮我调一下价", ACT, outcome="question"),
    _zh("给茉莉花茶10袋补200件", ACT, outcome="proposal", params={"quantity": 200}),
    _zh("把它改回149", ACT, outcome="proposal", params={"price": 149}),
    # -- plain requests (en) --------------------------------------------------------------------
    _en("Revenue dropped last week — what happened?", "explain_change", premise="drop"),
    _en("Why are sales up so much this week?", "explain_change", premise="rise"),
    _en("Help me plan for Cyber Monday", "event_plan", event="black_friday"),
    _en("Get me ready for Black Friday", *EVENT),
    _en("How should I prep the shop for Cyber Monday?", *EVENT),
    _en("Which products should I push in my email newsletter?", *PUSH),
    _en("what should we promote next month", *PUSH),
    _en("What do I need to restock and how much?", "stock_status"),
    _en("anything about to sell out?", "stock_status"),
    _en("How did we do the day before yesterday?", "sales_summary", days=1),
    _en("revenue over the past 2 weeks", "sales_summary", days=14),
    _en("What's my AOV this month?", "sales_summary", days=30),
    _en("top 3 sellers last week", "top_products", limit=3, days=7),
    _en("which items are not selling at all", "top_products", order="bottom"),
    _en("How many units will we sell next week?", "sales_forecast", horizon_days=7),
    _en("Is anything off in the shop today?", "inspect_store"),
    _en("why are people sending stuff back", "refund_summary"),
    _en("what are buyers unhappy about", "review_summary"),
    _en("are my Google ads making money", "ads_performance"),
    _en("which search terms are trending up", "keyword_analysis"),
    _en("how many customers come back to buy again", "customer_segments"),
    _en("which orders haven't shipped yet", "shipping_overview"),
    _en("am I selling anything at a loss", "price_check"),
    _en("what needs my sign-off", "pending_approvals"),
    _en("where are my visitors coming from", "traffic_sources"),
    # -- out of scope and small talk (en) -------------------------------------------------------
    _en("What's Apple's stock price today?", *()),
    _en("What's the weather like in Seattle?", *()),
    _en("Any news about the election?", *()),
    _en("tell me a funny joke", *()),
    _en("hey there", "reply"),
    _en("thanks!", "reply"),
    _en("thank you so much", "reply"),
    # -- actions (en) ---------------------------------------------------------------------------
    _en("change the price of {sku_id} to 14.99", ACT, outcome="proposal", params={"price": 14.99}),
    _en("set {sku_id} to $19.90", ACT, outcome="proposal", params={"price": 19.9}),
    _en(
        "set the daily budget of campaign {campaign_id} to 600",
        ACT,
        outcome="proposal",
        params={"daily_budget": 600},
    ),
    _en("pause the Kenya AA campaign", ACT, outcome="proposal"),
    _en("stop the Lapsang Souchong campaign", ACT, outcome="proposal"),
    _en(
        "raise the budget of the Honduras campaign to 450",
        ACT,
        outcome="proposal",
        params={"daily_budget": 450},
    ),
    _en("lower the price of the Earl Grey 8 oz to 19.99", ACT, outcome="proposal"),
    _en("change the price of the Kenya AA coffee to 25", ACT, outcome="question"),
    _en("reprice the Lapsang Souchong tea", ACT, outcome="question"),
    _en("reorder 50 units of Earl Grey 4 oz", ACT, outcome="proposal", params={"quantity": 50}),
)
"""The set (zh and en)."""


@dataclass
class Scored:
    """How the offline team did on one request."""

    request: Request
    text: str
    skills: tuple[str, ...]
    routed: bool
    refused: bool
    outcome: str | None = None
    ok_outcome: bool = True
    problems: list[str] = field(default_factory=list)


def _subset(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    return [
        f"{k}={found.get(k)!r}, expected {v!r}" for k, v in expected.items() if found.get(k) != v
    ]


def _turn(
    model: OfflineModel, ctx: SkillContext, line: str, lang: str, previous: Turn | None
) -> Turn:
    """One earlier line of a chat: its decision and the answer its skills give."""
    decision = model.decide(line, lang, previous)
    parts = []
    for step in decision.steps:
        if step.skill:
            result = model.registry.get(step.skill)(ctx, step.arguments)
            parts.append(answer(result, "zh" if lang == "zh" else "en"))
    return Turn(request=line, decision=decision, answer="\n".join(parts))


def score(model: OfflineModel, ctx: SkillContext, request: Request, ids: dict[str, str]) -> Scored:
    """Route one request offline, after the chat lines before it (and run its proposal, if it is
    an action)."""
    previous = None
    for line in request.before:
        previous = _turn(model, ctx, line.format(**ids), request.lang, previous)
    text = request.text.format(**ids)
    decision = model.decide(text, request.lang, previous)
    if decision.decision == "reply":
        skills: tuple[str, ...] = ("reply",)
    else:
        skills = tuple(s.skill or "" for s in decision.steps)
    result = Scored(request, text, skills, skills == request.skills, False)
    result.refused = decision.decision == "cannot_help" and bool(request.skills)
    first = decision.steps[0].arguments if decision.steps else {}
    result.problems += _subset(request.arguments, first)
    result.routed = result.routed and not result.problems
    if request.outcome is not None and skills == (ACT,):
        proposal = propose_action(ctx, ProposeArgs.model_validate(first))
        result.outcome, result.ok_outcome = _outcome(proposal, request, result.problems)
    elif request.outcome is not None:
        result.ok_outcome = False
    return result


def _outcome(proposal: ProposalResult, request: Request, problems: list[str]) -> tuple[str, bool]:
    kind = "question" if proposal.decision == "question" else "proposal"
    if proposal.decision == "invalid":
        problems.append(f"invalid proposal: {proposal.reasons}")
        return "invalid", False
    if proposal.decision == "question" and not proposal.question:
        problems.append("a question without its text")
        return kind, False
    params = proposal.action.params if proposal.action else {}
    wrong = _subset(request.params, params) if kind == "proposal" else []
    problems += wrong
    if kind != request.outcome:
        problems.append(
            f"{kind} ({proposal.question or proposal.reasons}), expected {request.outcome}"
        )
    return kind, kind == request.outcome and not wrong


@dataclass
class Figures:
    """The set's figures."""

    scored: list[Scored]

    @property
    def routing(self) -> float:
        """Share of requests routed to exactly the expected skills and arguments."""
        return sum(s.routed for s in self.scored) / len(self.scored)

    @property
    def refused(self) -> list[Scored]:
        """In-scope requests answered with "cannot help"."""
        return [s for s in self.scored if s.refused]

    @property
    def actions(self) -> list[Scored]:
        """The action requests."""
        return [s for s in self.scored if s.request.outcome is not None]

    @property
    def proposed_or_asked(self) -> float:
        """Share of action requests that became a proposal or a precise question."""
        done = [s for s in self.actions if s.outcome in ("proposal", "question")]
        return len(done) / max(len(self.actions), 1)

    def lines(self) -> list[str]:
        """The figures, then each miss."""
        out = [
            f"requests: {len(self.scored)} "
            f"(zh {sum(s.request.lang == 'zh' for s in self.scored)}, "
            f"en {sum(s.request.lang == 'en' for s in self.scored)})",
            f"routed right: {self.routing:.1%}",
            f"in-scope refused: {len(self.refused)}",
            f"actions proposed or asked: {self.proposed_or_asked:.1%} of {len(self.actions)}, "
            f"as expected: {sum(s.ok_outcome for s in self.actions)}",
        ]
        for s in self.scored:
            if not s.routed or not s.ok_outcome:
                out.append(f"  MISS {s.text!r}: {s.skills} {'; '.join(s.problems)}")
        return out


def evaluate(
    model: OfflineModel,
    contexts: dict[str, SkillContext],
    ids: dict[str, dict[str, str]],
    requests: tuple[Request, ...] = REQUESTS,
) -> Figures:
    """Score every request on its language's store (``contexts`` and ``ids`` by language)."""
    return Figures(
        [score(model, contexts[r.lang], r, ids[r.lang]) for r in requests if r.lang in contexts]
    )
