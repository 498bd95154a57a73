"""One buyer message in, one reply out: the turn loop of 店小蜜.

:func:`handle_message` opens (or creates) the conversation for its customer, records the message
once per ``message_id`` (a retry gets the stored reply), understands it (intent, slots), answers
it (pre-sale from the data and the knowledge base; after-sale through the policy-checked tools,
with the buyer's explicit confirmation before anything runs), hands over to a human on anger,
repeated failure or request, and stores the state and the reply.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid

from sqlalchemy import delete

from shopkeeper.clock import aware
from shopkeeper.clock import now as store_now
from shopkeeper.cs.engine import aftersale, presale
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.handoff import ANGRY, MAX_FAILURES, anger, summary
from shopkeeper.cs.engine.intents import AFTER_SALE, classify, confirmation, keyword_intent
from shopkeeper.cs.engine.replies import Draft, Lang, phrase, t
from shopkeeper.cs.engine.sessions import (
    claim,
    conversation_lock,
    db,
    history,
    open_conversation,
    save_state,
    set_intent,
    store_reply,
    stored_reply,
)
from shopkeeper.cs.engine.slots import order_ids
from shopkeeper.cs.kb.text import language
from shopkeeper.cs.messages import CsMessage, CsReply
from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.base import Model
from shopkeeper.ops.db import cs_messages
from shopkeeper.settings import Settings

_QUESTION = re.compile(
    r"[?？]|吗|呢|是否|能不能|可不可以|可以|有没有|怎么|多久|几|^(?:can|is|are|does|do|what|how|will|which|why)\b",
    re.I,
)


MAX_EVIDENCE = 10
"""Attachments a conversation keeps as evidence (the latest)."""


class ReplyPending(ShopkeeperError, TimeoutError):
    """A message with this id is still being answered by another request."""


def handle_message(
    settings: Settings,
    store: str,
    message: CsMessage,
    *,
    now: dt.datetime | None = None,
    verified: bool = True,
) -> CsReply:
    """The store's reply to one buyer message (see the module docstring). ``verified=False``:
    nobody vouched for ``customer_id`` (a widget buyer of a store without a secret) — a guest, who
    gets pre-sale answers and only the orders they prove (order id + the phone's last digits).
    """
    moment = aware(now) if now else store_now(settings)
    engine = db(settings)
    message_id = message.message_id or uuid.uuid4().hex
    conv = message.conversation_id
    with conversation_lock(store, conv):
        lang: Lang = message.lang or _language(message.text, None)
        state = open_conversation(engine, store, conv, message.customer_id, lang)
        lang = message.lang or _language(message.text, state.lang)
        if not claim(engine, store, conv, message_id, message.text, moment):
            again = stored_reply(engine, store, conv, message_id)
            if again is None:
                raise ReplyPending(f"message {message_id!r} is still being answered; retry")
            return again
        try:
            state.lang = lang
            state.evidence = [*state.evidence, *message.attachments][-MAX_EVIDENCE:]
            turn = Turn(
                settings,
                store,
                engine,
                conv,
                message.customer_id,
                message.text,
                moment,
                lang,
                state,
                verified,
            )
            token = turn.bind_clock()
            try:
                draft = respond(turn)
            finally:
                turn.unbind_clock(token)
            model = _model(settings)
            text = phrase(model, draft) if model is not None and not draft.handoff else draft.text
            state.turns += 1
            reply = CsReply(
                conversation_id=conv,
                message_id=message_id,
                reply=text,
                intent=draft.intent,
                actions=draft.actions,
                handoff=state.handoff,
                handoff_summary=state.handoff_summary if state.handoff else None,
                sources=draft.sources,
                suggestions=draft.suggestions,
                at=moment,
            )
            save_state(engine, store, conv, state)
            set_intent(engine, store, conv, message_id, draft.intent)
            store_reply(engine, store, reply)
        except BaseException:
            _unclaim(settings, store, conv, message_id)
            raise
    return reply


def _language(text: str, previous: Lang | None) -> Lang:
    """The message's language; a short message without words keeps the conversation's."""
    words = sum(ch.isalpha() for ch in text)
    if previous is not None and words < 4:
        return previous
    return language(text)


def _unclaim(settings: Settings, store: str, conv: str, message_id: str) -> None:
    """Forget a message whose handling failed, so that a retry handles it again."""
    with db(settings).begin() as conn:
        conn.execute(
            delete(cs_messages).where(
                cs_messages.c.store == store,
                cs_messages.c.conversation_id == conv,
                cs_messages.c.message_id == message_id,
            )
        )


_models: dict[str, Model] = {}
_models_guard = threading.Lock()


def _model(settings: Settings) -> Model | None:
    """The configured LLM for phrasing (masked when it is external), or ``None`` offline."""
    if not settings.model:
        return None
    from shopkeeper.llm.privacy import Masker, mask_if_external
    from shopkeeper.llm.registry import infer_model

    with _models_guard:
        if settings.model not in _models:
            _models[settings.model] = mask_if_external(
                infer_model(settings.model, settings), Masker(), settings
            )
        return _models[settings.model]


def respond(turn: Turn) -> Draft:
    """The draft reply to the turn's message, with the state updated."""
    state = turn.state
    if state.handoff:
        return Draft(
            classify(turn.text, use_embeddings=False),
            t(turn.lang, "waiting_human"),
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
        return _finish(turn, Draft("confirm", t(turn.lang, "confirm_nothing"), turn.lang))
    draft = _route(turn)
    draft.actions = cancelled + draft.actions
    return _finish(turn, draft)


def _route(turn: Turn) -> Draft:
    state = turn.state
    found = keyword_intent(turn.text)
    if state.awaiting and (found is None or found == state.awaiting or found == "change_address"):
        intent = state.awaiting
    elif found is not None:
        intent = found
    elif order_ids(turn.text):
        intent = "order_status"
    else:
        intent = classify(turn.text)
    if intent == "human":
        return _handoff(turn, "human", "buyer asked for a person")
    if intent in AFTER_SALE:
        return aftersale.handle(turn, intent)
    if intent == "deny":
        return aftersale.deny(turn)
    state.awaiting = None
    if intent == "greeting":
        return Draft("greeting", t(turn.lang, "greeting"), turn.lang)
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
        draft.text = t(turn.lang, "other")
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
    messages = history(turn.engine, turn.store, turn.conversation_id)
    state.handoff_summary = summary(state, messages, reason, turn.lang)
    text = t(turn.lang, "handoff_angry" if angry else "handoff")
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
