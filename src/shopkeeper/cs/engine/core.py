"""One buyer message in, one draft reply out: the decisions of 店小蜜's turn.

:func:`respond` understands the message (intent, slots), answers it (pre-sale from the data and
the knowledge base; after-sale through the policy-checked tools, with the buyer's explicit
confirmation before anything runs) and hands over to a human on anger, repeated failure or
request. :meth:`~shopkeeper.cs.engine.engine.CsEngine.handle_message` runs it inside the
conversation (claiming the message once per ``message_id``, storing the state and the reply).
"""

from __future__ import annotations

import re

from shopkeeper.cs.engine import aftersale, compare, presale, promo_answers, rankings, slots
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.handoff import ANGRY, MAX_FAILURES, anger, summary
from shopkeeper.cs.engine.intents import AFTER_SALE, PRE_SALE, confirmation
from shopkeeper.cs.engine.promo_answers import asked
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.messages import ActionOutcome
from shopkeeper.errors import ShopkeeperError
from shopkeeper.text import Lang, detect_lang, messages, t

_QUESTION = re.compile(
    r"[?？]|吗|呢|是否|能不能|可不可以|可以|有没有|怎么|多久|几|^(?:can|is|are|does|do|what|how|will|which|why)\b",
    re.I,
)


MAX_EVIDENCE = 10
"""Attachments a conversation keeps as evidence (the latest)."""


class ReplyPending(ShopkeeperError, TimeoutError):
    """A message with this id is still being answered by another request."""


def message_language(text: str, previous: Lang | None, store: Lang | None = None) -> Lang:
    """The message's language; a short message without words keeps the conversation's, and one
    with no letters at all ("📦❓") that opens a conversation is in the store's.
    """
    words = sum(ch.isalpha() for ch in text)
    if previous is not None and words < 4:
        return previous
    if store is not None and not words:
        return store
    return detect_lang(text)


INJECTION = re.compile(
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules)|"
    r"disregard (?:all |the )?(?:previous|prior|above) |system prompt|developer mode|"
    r"you are now |print (?:your|the) (?:prompt|instructions|rules|system)|"
    r"忽略(?:之前|以上|前面|上面|所有)的?(?:指令|指示|规则|设定|提示)|系统提示词|提示词|开发者模式|"
    r"你现在是|扮演",
    re.I,
)
"""Messages that try to give the bot instructions: refused, nothing else is read from them."""
OTHERS_DATA = re.compile(
    r"我是(?:这家店的|你们的)?(?:店主|老板|管理员|商家|卖家)|导出(?:所有|全部|订单|客户|买家|数据)|"
    r"所有(?:的)?(?:买家|客户|用户|顾客)|别人的(?:订单|地址|电话|手机|信息)|"
    r"(?:邻居|同事)的(?:订单|地址|电话|手机|收货|信息)|(?:他|她|朋友)的(?:地址|电话|手机|信息)|"
    r"(?:i'?m|i am|this is) the (?:store |shop )?(?:owner|admin(?:istrator)?|seller)|"
    r"export (?:all|every|the|customer|order)|(?:all|every) (?:the )?(?:customers?|buyers?|users?)\b|"
    r"(?:other|another) (?:customer|buyer|person)s?'?s?\b|someone else'?s|"
    r"(?:friend|neighbou?r|colleague)'?s (?:address|phone|details)|"
    r"(?:neighbou?r|colleague)'?s order",
    re.I,
)
"""Asking for other buyers' data (or for everyone's, as the "owner"): refused — a buyer sees only
the orders of their own account."""
LONG = 280
"""A message longer than this is a story: the question is in its last sentences."""
_SENTENCE = re.compile(r"(?<=[。！？!?\n])|(?<=\.)(?!\d)")
"""Where sentences end (not inside 2.5kg)."""
_CLAUSE = re.compile(r"(?<=[，,；;])")
ENOUGH = 40
"""Characters of a run-on question's last clauses that are kept (at least)."""
_ASKED = re.compile(r"[?？]|吗|呢|多少|怎么|能不能|可以|how|what|when|can|could|is there", re.I)


def question_of(text: str) -> str:
    """The question of a long message: its last sentence that asks something, cut to its last
    clauses (at least :data:`ENOUGH` characters of them) when the sentence runs on; else ``text``.

    >>> question_of("我家猫" + "很挑食。" * 100 + "三文鱼味5kg多少钱？")
    '三文鱼味5kg多少钱？'
    >>> question_of("故事很长。" * 100 + "我想要三文鱼味5kg的。多少钱？")
    '我想要三文鱼味5kg的。多少钱？'
    >>> question_of("我家猫以前吃别的牌子，" * 60 + "请问毛孩食堂鲜肉猫粮三文鱼味2.5kg多少钱？")
    '我家猫以前吃别的牌子，我家猫以前吃别的牌子，请问毛孩食堂鲜肉猫粮三文鱼味2.5kg多少钱？'
    """
    if len(text) <= LONG:
        return text
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    asked = [s for s in sentences if _ASKED.search(s)]
    if not asked:
        return "".join(sentences[-2:])[-LONG:]
    last = len(sentences) - 1 - sentences[::-1].index(asked[-1])
    first = last - 1 if last and len(sentences[last]) < 10 else last
    question = "".join(sentences[first : last + 1])
    if len(question) <= LONG // 2:
        return question
    clauses = [c for c in _CLAUSE.split(question) if c.strip()]
    kept = ""
    while clauses and len(kept) < ENOUGH:
        kept = clauses.pop() + kept
    return kept.strip()


def _names_other_action(turn: Turn) -> bool:
    """Whether a yes/no names an after-sale action other than the pending one."""
    named = turn.intents.keyword_intent(turn.text)
    pending = (turn.state.pending_action or "").removeprefix("cs.")
    if named is None or named in ("cancel", "human") or named not in aftersale.ACTIONS:
        return False
    return bool(pending) and aftersale.ACTIONS[named].removeprefix("cs.") != pending


_ASIDE = frozenset({"product_question", "stock_price", "compare", "recommend", "promotions"})
"""Questions a buyer may ask while a proposal waits, without dropping it."""


def _asks_aside(turn: Turn, named: str | None) -> bool:
    """Whether a message, while a proposal waits for a yes, is a question to answer on the side
    (about a product, a promotion, or the pending action itself: "退款多久到账？") rather than a
    new request, which drops the proposal.
    """
    if named in _ASIDE:
        return True
    if not _QUESTION.search(turn.text):
        return False
    if named is None:
        return True
    pending = (turn.state.pending_action or "").removeprefix("cs.")
    return aftersale.ACTIONS.get(named, "").removeprefix("cs.") == pending


def _answer_aside(turn: Turn, named: str | None) -> Draft:
    """The question answered; the pending proposal kept, with a one-line reminder of it."""
    state = turn.state
    kept = (state.pending_token, state.pending_action, state.pending_order)
    intent = _follow_up(turn, named or "other")
    if intent == "stock_price":
        draft = presale.stock_price(turn)
    elif intent == "compare":
        draft = compare.compare(turn)
    elif intent == "recommend":
        draft = compare.recommend(turn)
    elif intent == "promotions":
        draft = promo_answers.promotions(turn)
    else:  # a product, or the pending action itself: the store's rules, not a second proposal
        draft = presale.product_question(turn, intent)
    state.pending_token, state.pending_action, state.pending_order = kept
    action = (kept[1] or "").removeprefix("cs.")
    what = t(f"cs.action.{action}", turn.lang)
    draft.text = f"{draft.text}\n{t('cs.still_pending', turn.lang, action=what)}"
    draft.actions = [
        *draft.actions,
        ActionOutcome(
            action=action, order_id=kept[2], status="needs_confirmation", decision="allow"
        ),
    ]
    return draft


def respond(turn: Turn) -> Draft:
    """The draft reply to the turn's message, with the state updated."""
    state = turn.state
    if state.handoff:
        return Draft(
            turn.intents.classify(turn.text, use_embeddings=False),
            t("cs.waiting_human", turn.lang),
            turn.lang,
            handoff=True,
        )
    if anger(turn.text) >= ANGRY:
        return _handoff(turn, "complaint", "cs.reason.angry", angry=True)
    if INJECTION.search(turn.text):
        state.pending_token = state.pending_action = state.pending_order = None
        state.awaiting = None
        return _finish(turn, Draft("other", t("cs.injection", turn.lang), turn.lang))
    if OTHERS_DATA.search(turn.text):
        return _finish(turn, Draft("other", t("cs.privacy", turn.lang), turn.lang))
    turn.text = question_of(turn.text)
    cancelled = []
    answer = confirmation(turn.text, state.pending_action)
    named = turn.intents.keyword_intent(turn.text)
    if (
        answer is not None
        and named not in (None, "human", "greeting")
        and (not state.pending_token or _names_other_action(turn))
    ):
        # "cancel my order" / "确认退货" with nothing pending, or naming another action than the
        # pending one: a request, not an answer
        answer = None
    if state.pending_token:
        if answer == "confirm":
            return _finish(turn, aftersale.confirm(turn))
        if answer == "deny":
            return _finish(turn, aftersale.deny(turn))
        if answer is None and _asks_aside(turn, named):
            return _finish(turn, _answer_aside(turn, named))
        cancelled = aftersale.deny(turn).actions  # anything else drops the pending change
    elif answer == "confirm" and not state.awaiting:
        return _finish(turn, Draft("confirm", t("cs.confirm_nothing", turn.lang), turn.lang))
    elif answer == "deny" and not state.awaiting:
        return _finish(turn, aftersale.deny(turn))
    draft = _several(turn) or _route(turn)
    draft.actions = cancelled + draft.actions
    return _finish(turn, draft)


_ALSO = re.compile(r"(?<=[？?])|另外|顺便问(?:一?下)?|再问(?:一?下)?", re.I)
"""Where a message that asks several things starts its next question."""
_ANSWERABLE = PRE_SALE | {"order_status", "urge_shipping"}
"""What may be asked several at a time: questions, never an action."""


def _several(turn: Turn) -> Draft | None:
    """Each question of a message that asks two or three different things ("…多少钱？另外发什么
    快递"), answered in turn; ``None`` for one question, or when one part asks for an action.
    """
    if turn.state.pending_token or turn.state.awaiting:
        return None
    parts = [p.strip(" ，,。") for p in _ALSO.split(turn.text) if p.strip(" ，,。")]
    intents = [turn.intents.keyword_intent(p) for p in parts]
    if not 2 <= len(parts) <= 3 or len(set(intents)) < 2:
        return None
    if not all(i is not None and i in _ANSWERABLE for i in intents):
        return None
    whole, drafts = turn.text, []
    for part in parts:
        turn.text = part
        drafts.append(_route(turn))
    turn.text = whole
    if any(d.handoff for d in drafts):
        return next(d for d in drafts if d.handoff)
    return Draft(
        drafts[0].intent,
        "\n".join(d.text for d in drafts),
        turn.lang,
        sources=[s for d in drafts for s in d.sources],
        facts={"parts": [d.facts for d in drafts]},
        resolved=all(d.resolved for d in drafts),
    )


def _route(turn: Turn) -> Draft:
    state = turn.state
    found = turn.intents.keyword_intent(turn.text)
    if state.awaiting and (found is None or found == state.awaiting or found == "change_address"):
        intent = state.awaiting
    elif found is not None:
        intent = found
    elif slots.address(turn.text):
        intent = "change_address"  # a whole address written out is where to send it
    elif turn.catalogue.order_ids(turn.text):
        intent = "order_status"
    elif _follow_up(turn, "other") != "other":
        intent = _follow_up(turn, "other")
    else:
        intent = turn.intents.classify(turn.text)
    intent = _follow_up(turn, intent)
    if intent == "human":
        return _handoff(turn, "human", "cs.reason.human")
    if intent in AFTER_SALE:
        return aftersale.handle(turn, intent)
    if intent == "deny":
        return aftersale.deny(turn)
    state.awaiting = None
    if intent in _RANKABLE and (ranking := rankings.ranked(turn)) is not None:
        return ranking  # "最便宜的猫砂", "best-selling dog food"
    if intent == "greeting":
        return Draft("greeting", t("cs.greeting", turn.lang), turn.lang)
    if intent == "stock_price":
        return presale.stock_price(turn)
    if intent == "compare":
        return compare.compare(turn)
    if intent == "recommend":
        return compare.recommend(turn)
    if intent == "promotions":
        return promo_answers.promotions(turn)
    if intent == "product_question":
        return presale.product_question(turn)
    draft = presale.product_question(turn, "other")
    if not draft.resolved and not _QUESTION.search(turn.text):
        draft.text = t("cs.other", turn.lang)
    return draft


_RANKABLE = frozenset({"other", "product_question", "stock_price", "recommend"})
"""Intents a superlative ("最便宜的", "best-selling") turns into a ranking of listings."""
_PRE_SALE_LIKE = frozenset({"other", "product_question", "stock_price", "greeting"})


def _follow_up(turn: Turn, intent: str) -> str:
    """A pre-sale message read with the conversation: a named promotion ("618还有吗") is a
    promotion question; a variant of the listing being talked about ("10kg的呢") or a quantity
    ("买50包够吗") is a price-and-stock question about it.
    """
    cat = turn.catalogue
    if intent == "recommend":
        # "X 鸡肉味20支还有吗 没有的话推荐个别的": a named variant's stock first (with what else)
        ranked = cat.rank_products(turn.text)
        if len(ranked) == 1 and cat.names_variant(turn.text, ranked[0][0]):
            return "stock_price"
    if intent not in _PRE_SALE_LIKE:
        return intent
    if intent != "greeting" and asked(cat, turn.text):
        return "promotions"
    current = turn.state.product_id
    if (
        intent == "other"
        and current in cat.by_product
        and (cat.names_variant(turn.text, current) or slots.quantity(turn.text))
    ):
        return "stock_price"
    if intent == "other":
        # a listing and one of its variants named, however the question was put ("hw much is
        # …", "…鸡肉味10kg 几钱啊"): the price and stock of that variant is what was asked
        ranked = cat.rank_products(turn.text)
        if len(ranked) == 1 and cat.names_variant(turn.text, ranked[0][0]):
            return "stock_price"
    return intent


def _finish(turn: Turn, draft: Draft) -> Draft:
    """Count unresolved turns; hand over after :data:`MAX_FAILURES` in a row."""
    state = turn.state
    state.failures = 0 if draft.resolved else state.failures + 1
    if draft.handoff and not state.handoff:
        return _handoff(turn, draft.intent, "cs.reason.failed", draft=draft)
    if state.failures >= MAX_FAILURES:
        return _handoff(turn, draft.intent, "cs.reason.unresolved", draft=draft)
    return draft


messages(
    {"still_pending": ("（仍待您确认：{action}，回复「确认」办理）", "(Still waiting for your yes to {action}.)")},
    prefix="cs.",
)  # fmt: skip

REASONS = messages(
    {
        "angry": ("买家情绪激动/投诉", "buyer is angry / complaint"),
        "human": ("买家要求转人工", "buyer asked for a person"),
        "failed": ("售后工具办理失败", "the after-sale tools failed"),
        "unresolved": ("连续 {n} 轮未解决", "{n} unresolved turns"),
    },
    prefix="cs.reason.",
)
"""Why a conversation was handed over, in the agents' (the store's) language."""


def _handoff(
    turn: Turn, intent: str, reason: str, *, angry: bool = False, draft: Draft | None = None
) -> Draft:
    state = turn.state
    state.handoff = True
    agent_lang = turn.catalogue.lang  # the agents read the store's language
    reason = t(reason, agent_lang, n=state.failures)
    state.handoff_reason = reason
    state.pending_token = state.pending_action = state.pending_order = None
    messages = turn.sessions.history(turn.store, turn.conversation_id)
    state.handoff_summary = summary(state, messages, reason, agent_lang)
    text = t("cs.handoff_angry" if angry else "cs.handoff", turn.lang)
    if draft is not None and draft.text and draft.text != text:
        text = f"{draft.text}\n{text}"
    actions = draft.actions if draft else []
    return Draft(
        intent,
        text,
        turn.lang,
        actions=actions,
        handoff=True,
        sources=draft.sources if draft else [],
    )
