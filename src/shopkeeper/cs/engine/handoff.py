"""Handoff to a human: anger and complaint detection, the queue of conversations waiting for a
person, the human's replies (into the same session, where the buyer's next poll sees them), and
release back to the bot.

>>> anger("你们这是骗子吧！！！我要投诉到12315")
1.0
>>> anger("请问什么时候发货") == 0.0
True
>>> anger("订单3600024089714531560的地址换成成都市武侯区人民南路四段1号") == 0.0  # 315 in an id
True
"""

from __future__ import annotations

import re

from pydantic import BaseModel
from sqlalchemy import select

from shopkeeper.cs.engine.sessions import (
    State,
    StoredMessage,
    add_message,
    conversation_lock,
    db,
    history,
    load_state,
    save_state,
)
from shopkeeper.ops.db import cs_conversations
from shopkeeper.settings import Settings

_LEXICON: tuple[tuple[str, float], ...] = (
    (r"投诉|(?<!\d)(?:12315|315)(?!\d)|消协|工商|举报|曝光|律师|起诉|报警", 0.7),
    (r"差评|一星|给.{0,2}差评|打差评", 0.6),
    (
        r"骗子|骗人|欺诈|坑人|垃圾|黑店|无良|恶心|滚|妈的|他妈|tmd|fuck|scam|fraud|cheat|rip[- ]?off|lawyer|sue\b",
        0.6,
    ),
    (
        r"太慢了|气死|生气|愤怒|受不了|失望|什么玩意|搞什么|到底|凭什么|angry|furious|ridiculous|unacceptable|worst|terrible",
        0.35,
    ),
)
_COMPILED = [(re.compile(p, re.I), w) for p, w in _LEXICON]
_REPEATED = re.compile(r"[!！?？]{3,}")
ANGRY = 0.6
"""From this score a message goes to a person."""
MAX_FAILURES = 2
"""Unresolved turns in a row before a person takes over."""


def anger(text: str) -> float:
    """How angry the message reads, 0–1: lexicon weights plus intensity (!!!, ???, CAPITALS)."""
    score = sum(w for pattern, w in _COMPILED if pattern.search(text))
    if _REPEATED.search(text):
        score += 0.25
    letters = [c for c in text if c.isascii() and c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        score += 0.25
    return round(min(score, 1.0), 2)


def summary(state: State, messages: list[StoredMessage], reason: str, lang: str) -> str:
    """What the human needs: why, which order, what is pending, and the last buyer messages."""
    said = [m.text for m in messages if m.role == "buyer"][-3:]
    if lang == "zh":
        parts = [f"转人工原因：{reason}"]
        if state.order_id:
            parts.append(f"相关订单：{state.order_id}")
        if state.pending_action:
            parts.append(f"待确认操作：{state.pending_action}")
        parts.append("买家最近说：" + " / ".join(said))
        return "；".join(parts)
    parts = [f"handoff reason: {reason}"]
    if state.order_id:
        parts.append(f"order: {state.order_id}")
    if state.pending_action:
        parts.append(f"pending: {state.pending_action}")
    parts.append("buyer said: " + " / ".join(said))
    return "; ".join(parts)


class QueueItem(BaseModel):
    """A conversation waiting for (or held by) a human agent."""

    conversation_id: str
    customer_id: str
    reason: str | None
    summary: str | None
    agent: str | None
    order_id: str | None
    lang: str
    waiting_since: str


def list_queue(settings: Settings, store: str) -> list[QueueItem]:
    """Conversations handed to a human, oldest first."""
    engine = db(settings)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                cs_conversations.c.conversation_id,
                cs_conversations.c.customer_id,
                cs_conversations.c.state,
                cs_conversations.c.updated_at,
            )
            .where(cs_conversations.c.store == store, cs_conversations.c.handoff == 1)
            .order_by(cs_conversations.c.updated_at)
        ).all()
    items = []
    for conversation_id, customer_id, raw, updated in rows:
        state = State.model_validate(raw)
        items.append(
            QueueItem(
                conversation_id=conversation_id,
                customer_id=customer_id,
                reason=state.handoff_reason,
                summary=state.handoff_summary,
                agent=state.agent,
                order_id=state.order_id,
                lang=state.lang,
                waiting_since=updated.isoformat() if updated else "",
            )
        )
    return items


def human_reply(
    settings: Settings, store: str, conversation_id: str, text: str, agent: str
) -> StoredMessage:
    """A human agent answers in the conversation (it is marked as held by that agent)."""
    engine = db(settings)
    with conversation_lock(store, conversation_id):
        _, state = load_state(engine, store, conversation_id)
        state.handoff = True
        state.agent = agent
        state.failures = 0
        save_state(engine, store, conversation_id, state)
        return add_message(engine, store, conversation_id, "human", agent, text)


def release(
    settings: Settings, store: str, conversation_id: str, agent: str | None = None
) -> State:
    """Give the conversation back to the bot."""
    engine = db(settings)
    with conversation_lock(store, conversation_id):
        _, state = load_state(engine, store, conversation_id)
        state.handoff = False
        state.agent = None
        state.handoff_reason = state.handoff_summary = None
        state.failures = 0
        save_state(engine, store, conversation_id, state)
        add_message(engine, store, conversation_id, "system", agent or "system", "released to bot")
    return state


def escalate(settings: Settings, store: str, conversation_id: str, reason: str, lang: str) -> State:
    """Hand a conversation to a human from outside a buyer turn (e.g. the console)."""
    engine = db(settings)
    with conversation_lock(store, conversation_id):
        _, state = load_state(engine, store, conversation_id)
        state.handoff = True
        state.handoff_reason = reason
        state.handoff_summary = summary(
            state, history(engine, store, conversation_id), reason, lang
        )
        save_state(engine, store, conversation_id, state)
    return state
