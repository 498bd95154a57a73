"""One buyer message in, one draft reply out: the decisions of 店小蜜's turn.

:func:`respond` understands the message (intent, slots), answers it (pre-sale from the data and
the knowledge base; after-sale through the policy-checked tools, with the buyer's explicit
confirmation before anything runs) and hands over to a human on anger, repeated failure or
request. :meth:`~shopkeeper.cs.engine.engine.CsEngine.handle_message` runs it inside the
conversation (claiming the message once per ``message_id``, storing the state and the reply).
"""

from __future__ import annotations

import re

from shopkeeper.cs.engine import aftersale, presale
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.handoff import ANGRY, MAX_FAILURES, anger, summary
from shopkeeper.cs.engine.intents import AFTER_SALE, confirmation
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.engine.slots import order_ids
from shopkeeper.errors import ShopkeeperError
from shopkeeper.text import Lang, detect_lang, t

_QUESTION = re.compile(
    r"[?？]|吗|呢|是否|能不能|可不可以|可以|有没有|怎么|多久|几|^(?:can|is|are|does|do|what|how|will|which|why)\b",
    re.I,
)


MAX_EVIDENCE = 10
"""Attachments a conversation keeps as evidence (the latest)."""


class ReplyPending(ShopkeeperError, TimeoutError):
    """A message with this id is still being answered by another request."""


def message_language(text: str, previous: Lang | None) -> Lang:
    """The message's language; a short message without words keeps the conversation's."""
    words = sum(ch.isalpha() for ch in text)
    if previous is not None and words < 4:
        return previous
    return detect_lang(text)


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
        return _handoff(turn, "complaint", "buyer is angry / complaint", angry=True)
    cancelled = []
    if state.pending_token:
        answer = confirmation(turn.text)
        if answer == "confirm":
            return _finish(turn, aftersale.confirm(turn))
        if answer == "deny":
            return _finish(turn, aftersale.deny(turn))
        cancelled = aftersale.deny(turn).actions  # anything else drops the pending change
    elif confirmation(turn.text) == "confirm" and not state.awaiting:
        return _finish(turn, Draft("confirm", t("cs.confirm_nothing", turn.lang), turn.lang))
    draft = _route(turn)
    draft.actions = cancelled + draft.actions
    return _finish(turn, draft)


def _route(turn: Turn) -> Draft:
    state = turn.state
    found = turn.intents.keyword_intent(turn.text)
    if state.awaiting and (found is None or found == state.awaiting or found == "change_address"):
        intent = state.awaiting
    elif found is not None:
        intent = found
    elif order_ids(turn.text):
        intent = "order_status"
    else:
        intent = turn.intents.classify(turn.text)
    if intent == "human":
        return _handoff(turn, "human", "buyer asked for a person")
    if intent in AFTER_SALE:
        return aftersale.handle(turn, intent)
    if intent == "deny":
        return aftersale.deny(turn)
    state.awaiting = None
    if intent == "greeting":
        return Draft("greeting", t("cs.greeting", turn.lang), turn.lang)
    if intent == "stock_price":
        return presale.stock_price(turn)
    if intent == "compare":
        return presale.compare(turn)
    if intent == "recommend":
        return presale.recommend(turn)
    if intent == "promotions":
        return presale.promotions(turn)
    if intent == "product_question":
        return presale.product_question(turn)
    draft = presale.product_question(turn, "other")
    if not draft.resolved and not _QUESTION.search(turn.text):
        draft.text = t("cs.other", turn.lang)
    return draft


def _finish(turn: Turn, draft: Draft) -> Draft:
    """Count unresolved turns; hand over after :data:`MAX_FAILURES` in a row."""
    state = turn.state
    state.failures = 0 if draft.resolved else state.failures + 1
    if draft.handoff and not state.handoff:
        return _handoff(turn, draft.intent, "the after-sale tools failed", draft=draft)
    if state.failures >= MAX_FAILURES:
        return _handoff(turn, draft.intent, f"{state.failures} unresolved turns", draft=draft)
    return draft


def _handoff(
    turn: Turn, intent: str, reason: str, *, angry: bool = False, draft: Draft | None = None
) -> Draft:
    state = turn.state
    state.handoff = True
    state.handoff_reason = reason
    state.pending_token = state.pending_action = state.pending_order = None
    messages = turn.sessions.history(turn.store, turn.conversation_id)
    state.handoff_summary = summary(state, messages, reason, turn.lang)
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
