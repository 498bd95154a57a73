"""Handoff to a human: anger and complaint detection, the queue of conversations waiting for a
person, the human's replies (into the same session, where the buyer's next poll sees them), and
release back to the bot.

>>> anger("你们这是骗子吧！！！我要投诉到12315")
1.0
>>> anger("请问什么时候发货") == 0.0
True
>>> anger("WORST SERVICE EVER. the bag arrived ripped open 😡"), anger("filing a chargeback")
(0.85, 0.7)
>>> anger("袋子全破了 气死我了 你们怎么做事的")
0.65
>>> anger("订单3600024089714531560的地址换成成都市武侯区人民南路四段1号") == 0.0  # 315 in an id
True
"""

from __future__ import annotations

import re

from pydantic import BaseModel
from sqlalchemy import select

from shopkeeper.cs.engine.sessions import Sessions, State, StoredMessage
from shopkeeper.opsdb import cs_conversations
from shopkeeper.text import messages, t

_LEXICON: tuple[tuple[str, float], ...] = (
    (
        r"投诉|(?<!\d)(?:12315|315)(?!\d)|消协|工商|举报|曝光|律师|起诉|报警|complain|complaint|"
        r"charge ?back|dispute (?:the|this|it)|\bBBB\b|report(?:ing)? (?:you|this store)|"
        r"attorney|small claims",
        0.7,
    ),
    (r"差评|一星|给.{0,2}差评|打差评|(?:1|one)[- ]star|bad review|negative review", 0.6),
    (
        r"骗子|骗人|欺诈|坑人|垃圾|黑店|无良|恶心|滚|妈的|他妈|tmd|骚扰|太过分|欺负人|"
        r"fuck|scam|fraud|cheat|rip[- ]?off|lawyer|sue\b|unacceptable|outrageous|disgusting",
        0.6,
    ),
    (
        r"太慢了|气死|生气|愤怒|受不了|失望|什么玩意|搞什么|到底|凭什么|angry|furious|ridiculous|worst|terrible|"
        r"screwed up|messed up|useless",
        0.35,
    ),
    (
        r"怎么做事|怎么搞的|什么服务|服务.{0,2}差|态度.{0,2}差|干什么吃的|太离谱|离谱|"
        r"what kind of (?:service|store)|get your act together|fed up|sick of|never again",
        0.3,
    ),
)
_COMPILED = [(re.compile(p, re.I), w) for p, w in _LEXICON]
_REPEATED = re.compile(r"[!！?？]{3,}")
_SHOUTED = re.compile(r"\b[A-Z]{3,}[!?.]*\s+[A-Z]{3,}\b")
"""Two capitalised words in a row (WORST SERVICE, REFUND ME) — shouting inside a calm sentence."""
_ANGRY_FACES = re.compile("[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f4a2]")
"""😠 😡 😤 🤬 💢"""
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
    if (len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.7) or (
        _SHOUTED.search(text)
    ):
        score += 0.25
    if _ANGRY_FACES.search(text):
        score += 0.25
    return round(min(score, 1.0), 2)


_SUMMARY = messages(
    {
        "reason": ("转人工原因：{reason}", "handoff reason: {reason}"),
        "order": ("相关订单：{order_id}", "order: {order_id}"),
        "pending": ("待确认操作：{action}", "pending: {action}"),
        "said": ("买家最近说：{said}", "buyer said: {said}"),
        "sep": ("；", "; "),
    },
    prefix="cs.summary.",
)


def summary(state: State, messages: list[StoredMessage], reason: str, lang: str) -> str:
    """What the human needs: why, which order, what is pending, and the last buyer messages."""
    said = [m.text for m in messages if m.role == "buyer"][-3:]
    parts = [t("cs.summary.reason", lang, reason=reason)]
    if state.order_id:
        parts.append(t("cs.summary.order", lang, order_id=state.order_id))
    if state.pending_action:
        parts.append(t("cs.summary.pending", lang, action=state.pending_action))
    parts.append(t("cs.summary.said", lang, said=" / ".join(said)))
    return t("cs.summary.sep", lang).join(parts)


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


def list_queue(sessions: Sessions, store: str) -> list[QueueItem]:
    """Conversations handed to a human, oldest first."""
    c = cs_conversations.c
    with sessions.ops.connect() as conn:
        rows = conn.execute(
            select(c.conversation_id, c.customer_id, c.state, c.updated_at)
            .where(c.store == store, c.handoff == 1)
            .order_by(c.updated_at)
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
    sessions: Sessions, store: str, conversation_id: str, text: str, agent: str
) -> StoredMessage:
    """A human agent answers in the conversation (it is marked as held by that agent)."""
    with sessions.lock(store, conversation_id):
        _, state = sessions.load(store, conversation_id)
        state.handoff = True
        state.agent = agent
        state.failures = 0
        sessions.save(store, conversation_id, state)
        return sessions.add_message(store, conversation_id, "human", agent, text)


def release(
    sessions: Sessions, store: str, conversation_id: str, agent: str | None = None
) -> State:
    """Give the conversation back to the bot."""
    with sessions.lock(store, conversation_id):
        _, state = sessions.load(store, conversation_id)
        state.handoff = False
        state.agent = None
        state.handoff_reason = state.handoff_summary = None
        state.failures = 0
        sessions.save(store, conversation_id, state)
        sessions.add_message(store, conversation_id, "system", agent or "system", "released to bot")
    return state


def escalate(sessions: Sessions, store: str, conversation_id: str, reason: str, lang: str) -> State:
    """Hand a conversation to a human from outside a buyer turn (e.g. the console)."""
    with sessions.lock(store, conversation_id):
        _, state = sessions.load(store, conversation_id)
        state.handoff = True
        state.handoff_reason = reason
        state.handoff_summary = summary(
            state, sessions.history(store, conversation_id), reason, lang
        )
        sessions.save(store, conversation_id, state)
    return state
