"""Conversations and their messages in the operational database.

A conversation belongs to the customer who opened it (another ``customer_id`` on the same id is
refused). Every buyer, bot and human message is stored with phones and addresses masked. A buyer
message id is unique per conversation (a database constraint): :func:`claim` inserts the buyer's
message first, so of two concurrent requests with the same id exactly one processes it and the
other waits for its stored reply. :class:`Sessions` holds the operational database (passed in),
the per-conversation locks and the latest replies, for one :class:`~.engine.CsEngine`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from shopkeeper.cs.messages import CsReply
from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.privacy import redact
from shopkeeper.opsdb import cs_conversations, cs_messages
from shopkeeper.text import Lang

Role = Literal["buyer", "bot", "human", "system"]


class ConversationOwned(ShopkeeperError, PermissionError):
    """The conversation id belongs to another customer."""


class ConversationNotFound(ShopkeeperError, LookupError):
    """No conversation with this id in this store."""


class State(BaseModel):
    """What the engine remembers between turns."""

    lang: Lang = "zh"
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


def mask(text: str) -> str:
    """``text`` with phones, emails, ID numbers and street addresses replaced by placeholders.

    >>> "13812345678" in mask("我的电话13812345678")
    False
    """
    return str(redact(text))


RECENT = 2048
"""Replies kept in memory to answer a retry without reading the database."""


class Sessions:
    """The conversations of every store in the operational database ``ops``, on ``clock``."""

    def __init__(self, ops: Engine, clock: Callable[[], dt.datetime]) -> None:
        self.ops = ops
        self.clock = clock
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._recent: OrderedDict[tuple[str, str, str], CsReply] = OrderedDict()
        self._recent_guard = threading.Lock()

    def lock(self, store: str, conversation_id: str) -> threading.Lock:
        """The lock serialising the turns of one conversation (in this process)."""
        with self._locks_guard:
            return self._locks.setdefault((store, conversation_id), threading.Lock())

    def open(self, store: str, conversation_id: str, customer_id: str, lang: str) -> State:
        """The conversation's state, creating it for ``customer_id``; refused for another
        customer.
        """
        with self.ops.begin() as conn:
            row = _owner_and_state(conn, store, conversation_id)
            if row is None:
                state = State(lang="en" if lang == "en" else "zh")
                at = self.clock()
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(cs_conversations).values(
                                store=store,
                                conversation_id=conversation_id,
                                customer_id=customer_id,
                                state=state.model_dump(),
                                handoff=0,
                                created_at=at,
                                updated_at=at,
                            )
                        )
                except IntegrityError:
                    return self.open(store, conversation_id, customer_id, lang)
                return state
        if row[0] != customer_id:
            raise ConversationOwned(
                f"conversation {conversation_id!r} belongs to another customer; start a new one"
            )
        return State.model_validate(row[1])

    def load(self, store: str, conversation_id: str) -> tuple[str, State]:
        """(customer_id, state) of an existing conversation."""
        with self.ops.connect() as conn:
            row = _owner_and_state(conn, store, conversation_id)
        if row is None:
            raise ConversationNotFound(f"no conversation {conversation_id!r} in store {store!r}")
        return str(row[0]), State.model_validate(row[1])

    def save(self, store: str, conversation_id: str, state: State) -> None:
        """Store the conversation's state (and its handoff flag, which the queue reads)."""
        with self.ops.begin() as conn:
            conn.execute(
                update(cs_conversations)
                .where(
                    cs_conversations.c.store == store,
                    cs_conversations.c.conversation_id == conversation_id,
                )
                .values(
                    state=state.model_dump(), handoff=int(state.handoff), updated_at=self.clock()
                )
            )

    def claim(
        self, store: str, conversation_id: str, message_id: str, text: str, at: dt.datetime
    ) -> bool:
        """Record the buyer's message; ``False`` when this message id was already recorded."""
        try:
            with self.ops.begin() as conn:
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

    def unclaim(self, store: str, conversation_id: str, message_id: str) -> None:
        """Forget a buyer message whose handling failed, so that a retry handles it again."""
        with self.ops.begin() as conn:
            conn.execute(
                delete(cs_messages).where(
                    cs_messages.c.store == store,
                    cs_messages.c.conversation_id == conversation_id,
                    cs_messages.c.message_id == message_id,
                )
            )

    def set_intent(self, store: str, conversation_id: str, message_id: str, intent: str) -> None:
        """Note what the buyer's message was understood as."""
        with self.ops.begin() as conn:
            conn.execute(
                update(cs_messages)
                .where(
                    cs_messages.c.store == store,
                    cs_messages.c.conversation_id == conversation_id,
                    cs_messages.c.message_id == message_id,
                )
                .values(intent=intent)
            )

    def store_reply(self, store: str, reply: CsReply) -> None:
        """Record the bot's reply to a buyer message — all of it masked: its text, the addresses
        and phones in its actions' parameters, the handoff summary — answering a retry from now on.
        """
        masked = CsReply.model_validate(redact(reply.model_dump(mode="json")))
        with self.ops.begin() as conn:
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
        with self._recent_guard:
            self._recent[(store, reply.conversation_id, reply.message_id)] = reply
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)

    def stored_reply(
        self, store: str, conversation_id: str, message_id: str, *, wait_s: float = 10.0
    ) -> CsReply | None:
        """The reply already given to this buyer message (waiting while another request is still
        answering it); ``None`` if none came within ``wait_s``.
        """
        key = (store, conversation_id, message_id)
        deadline = time.monotonic() + wait_s
        while True:
            with self._recent_guard:
                if key in self._recent:
                    return self._recent[key]
            with self.ops.connect() as conn:
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
        self, store: str, conversation_id: str, role: Role, author: str, text: str
    ) -> StoredMessage:
        """Append a human or system message (masked) and return it."""
        at = self.clock()
        masked = mask(text)
        with self.ops.begin() as conn:
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
        self, store: str, conversation_id: str, *, after: int = 0, limit: int = 200
    ) -> list[StoredMessage]:
        """The conversation's messages after sequence number ``after``, oldest first (a buyer's
        poll or WebSocket passes the last ``seq`` it saw to get, e.g., a human agent's reply).
        """
        c = cs_messages.c
        with self.ops.connect() as conn:
            rows = conn.execute(
                select(c.seq, c.role, c.author, c.text, c.intent, c.message_id, c.at)
                .where(c.store == store, c.conversation_id == conversation_id, c.seq > after)
                .order_by(c.seq)
                .limit(limit)
            ).all()
        return [
            StoredMessage(
                seq=r[0], role=r[1], author=r[2], text=r[3], intent=r[4], message_id=r[5], at=r[6]
            )
            for r in rows
        ]


def _owner_and_state(conn: Connection, store: str, conversation_id: str) -> tuple[str, Any] | None:
    """(customer_id, state) of a stored conversation, or None."""
    row = conn.execute(
        select(cs_conversations.c.customer_id, cs_conversations.c.state).where(
            cs_conversations.c.store == store,
            cs_conversations.c.conversation_id == conversation_id,
        )
    ).first()
    return None if row is None else (str(row[0]), row[1])
