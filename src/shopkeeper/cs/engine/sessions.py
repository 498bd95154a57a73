"""Conversations and their messages in the operational database.

A conversation belongs to the customer who opened it (another ``customer_id`` on the same id is
refused). Every buyer, bot and human message is stored with phones and addresses masked. A buyer
message id is unique per conversation (a database constraint): :func:`claim` inserts the buyer's
message first, so of two concurrent requests with the same id exactly one processes it and the
other waits for its stored reply.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from shopkeeper.clock import utcnow
from shopkeeper.cs.messages import CsReply
from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.privacy import redact
from shopkeeper.ops.db import cs_conversations, cs_messages, ops_engine
from shopkeeper.settings import Settings

Role = Literal["buyer", "bot", "human", "system"]


class ConversationOwned(ShopkeeperError, PermissionError):
    """The conversation id belongs to another customer."""


class ConversationNotFound(ShopkeeperError, LookupError):
    """No conversation with this id in this store."""


class State(BaseModel):
    """What the engine remembers between turns."""

    lang: Literal["zh", "en"] = "zh"
    order_id: str | None = None
    sku_id: str | None = None
    product_id: str | None = Field(None, description="the listing being talked about")
    pending_token: str | None = Field(None, description="the proposal awaiting 确认")
    pending_action: str | None = None
    pending_order: str | None = None
    awaiting: str | None = Field(None, description="the after-sale flow waiting for an order")
    awaiting_slots: dict[str, Any] = Field(default_factory=dict)
    choices: list[str] = Field(default_factory=list, description="orders offered to pick from")
    failures: int = 0
    handoff: bool = False
    handoff_reason: str | None = None
    handoff_summary: str | None = None
    agent: str | None = None
    cart: list[tuple[str, int]] = Field(default_factory=list)
    evidence: list[str] = Field(
        default_factory=list, description="attachments the buyer sent (photos, videos)"
    )
    proven_order: str | None = Field(
        None, description="the order a guest proved (order id + the phone's last four digits)"
    )
    proven_customer: str | None = Field(None, description="the buyer of the proven order")
    proof_failures: int = 0
    turns: int = 0


class StoredMessage(BaseModel):
    """One message of a conversation as stored (masked)."""

    seq: int
    role: str
    author: str
    text: str
    intent: str | None = None
    message_id: str | None = None
    at: dt.datetime


_engines: dict[tuple[str, str | None], Engine] = {}
_engines_guard = threading.Lock()


def db(settings: Settings) -> Engine:
    """The operational database of ``settings``, opened (and migrated) once per process."""
    key = (str(settings.home), settings.ops_url)
    with _engines_guard:
        if key not in _engines:
            _engines[key] = ops_engine(settings)
        return _engines[key]


def mask(text: str) -> str:
    """``text`` with phones, emails, ID numbers and street addresses replaced by placeholders.

    >>> "13812345678" in mask("我的电话13812345678")
    False
    """
    return str(redact(text))


_locks: dict[tuple[str, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def conversation_lock(store: str, conversation_id: str) -> threading.Lock:
    """The in-process lock serialising the turns of one conversation."""
    with _locks_guard:
        return _locks.setdefault((store, conversation_id), threading.Lock())


def open_conversation(
    engine: Engine, store: str, conversation_id: str, customer_id: str, lang: str
) -> State:
    """The conversation's state, creating it for ``customer_id``; refused for another customer."""
    with engine.begin() as conn:
        row = conn.execute(
            select(cs_conversations.c.customer_id, cs_conversations.c.state).where(
                cs_conversations.c.store == store,
                cs_conversations.c.conversation_id == conversation_id,
            )
        ).first()
        if row is None:
            state = State(lang="en" if lang == "en" else "zh")
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(cs_conversations).values(
                            store=store,
                            conversation_id=conversation_id,
                            customer_id=customer_id,
                            state=state.model_dump(),
                            handoff=0,
                            created_at=utcnow(),
                            updated_at=utcnow(),
                        )
                    )
            except IntegrityError:
                return open_conversation(engine, store, conversation_id, customer_id, lang)
            return state
    if row[0] != customer_id:
        raise ConversationOwned(
            f"conversation {conversation_id!r} belongs to another customer; start a new one"
        )
    return State.model_validate(row[1])


def load_state(engine: Engine, store: str, conversation_id: str) -> tuple[str, State]:
    """(customer_id, state) of an existing conversation."""
    with engine.connect() as conn:
        row = conn.execute(
            select(cs_conversations.c.customer_id, cs_conversations.c.state).where(
                cs_conversations.c.store == store,
                cs_conversations.c.conversation_id == conversation_id,
            )
        ).first()
    if row is None:
        raise ConversationNotFound(f"no conversation {conversation_id!r} in store {store!r}")
    return str(row[0]), State.model_validate(row[1])


def save_state(engine: Engine, store: str, conversation_id: str, state: State) -> None:
    """Store the conversation's state (and its handoff flag, which the queue reads)."""
    with engine.begin() as conn:
        conn.execute(
            update(cs_conversations)
            .where(
                cs_conversations.c.store == store,
                cs_conversations.c.conversation_id == conversation_id,
            )
            .values(state=state.model_dump(), handoff=int(state.handoff), updated_at=utcnow())
        )


def claim(
    engine: Engine, store: str, conversation_id: str, message_id: str, text: str, at: dt.datetime
) -> bool:
    """Record the buyer's message; ``False`` when this message id was already recorded."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(cs_messages).values(
                    store=store,
                    conversation_id=conversation_id,
                    message_id=message_id,
                    role="buyer",
                    author="buyer",
                    text=mask(text),
                    at=at,
                )
            )
    except IntegrityError:
        return False
    return True


def set_intent(
    engine: Engine, store: str, conversation_id: str, message_id: str, intent: str
) -> None:
    """Note what the buyer's message was understood as."""
    with engine.begin() as conn:
        conn.execute(
            update(cs_messages)
            .where(
                cs_messages.c.store == store,
                cs_messages.c.conversation_id == conversation_id,
                cs_messages.c.message_id == message_id,
            )
            .values(intent=intent)
        )


_recent: OrderedDict[tuple[str, str, str], CsReply] = OrderedDict()
_recent_guard = threading.Lock()
RECENT = 2048


def store_reply(engine: Engine, store: str, reply: CsReply) -> None:
    """Record the bot's reply to a buyer message — all of it masked: its text, the addresses and
    phones in its actions' parameters, the handoff summary — answering a retry from now on.
    """
    masked = CsReply.model_validate(redact(reply.model_dump(mode="json")))
    with engine.begin() as conn:
        conn.execute(
            insert(cs_messages).values(
                store=store,
                conversation_id=reply.conversation_id,
                message_id=None,
                reply_to=reply.message_id,
                role="bot",
                author="bot",
                text=masked.reply,
                intent=reply.intent,
                reply=masked.model_dump(mode="json"),
                at=reply.at,
            )
        )
    with _recent_guard:
        _recent[(store, reply.conversation_id, reply.message_id)] = reply
        while len(_recent) > RECENT:
            _recent.popitem(last=False)


def stored_reply(
    engine: Engine, store: str, conversation_id: str, message_id: str, *, wait_s: float = 10.0
) -> CsReply | None:
    """The reply already given to this buyer message (waiting while another request is still
    answering it); ``None`` if none came within ``wait_s``.
    """
    key = (store, conversation_id, message_id)
    deadline = time.monotonic() + wait_s
    while True:
        with _recent_guard:
            if key in _recent:
                return _recent[key]
        with engine.connect() as conn:
            row = conn.execute(
                select(cs_messages.c.reply).where(
                    cs_messages.c.store == store,
                    cs_messages.c.conversation_id == conversation_id,
                    cs_messages.c.reply_to == message_id,
                    cs_messages.c.role == "bot",
                )
            ).first()
        if row is not None:
            return CsReply.model_validate(row[0])
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)


def add_message(
    engine: Engine, store: str, conversation_id: str, role: Role, author: str, text: str
) -> StoredMessage:
    """Append a human or system message (masked) and return it."""
    at = utcnow()
    masked = mask(text)
    with engine.begin() as conn:
        result = conn.execute(
            insert(cs_messages).values(
                store=store,
                conversation_id=conversation_id,
                message_id=f"{role}-{uuid.uuid4().hex[:12]}",
                role=role,
                author=author,
                text=masked,
                at=at,
            )
        )
        seq = int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0
    return StoredMessage(seq=seq, role=role, author=author, text=masked, at=at)


def history(
    engine: Engine, store: str, conversation_id: str, *, after: int = 0, limit: int = 200
) -> list[StoredMessage]:
    """The conversation's messages after sequence number ``after``, oldest first (a buyer's
    poll or WebSocket passes the last ``seq`` it saw to get, e.g., a human agent's reply).
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                cs_messages.c.seq,
                cs_messages.c.role,
                cs_messages.c.author,
                cs_messages.c.text,
                cs_messages.c.intent,
                cs_messages.c.message_id,
                cs_messages.c.at,
            )
            .where(
                cs_messages.c.store == store,
                cs_messages.c.conversation_id == conversation_id,
                cs_messages.c.seq > after,
            )
            .order_by(cs_messages.c.seq)
            .limit(limit)
        ).all()
    return [
        StoredMessage(
            seq=r[0], role=r[1], author=r[2], text=r[3], intent=r[4], message_id=r[5], at=r[6]
        )
        for r in rows
    ]
