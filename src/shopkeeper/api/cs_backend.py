"""What the customer-service surfaces need from the engine, as one protocol, and its views.

The HTTP routes, the WebSocket, the widget and the console (:mod:`shopkeeper.api.cs`,
:mod:`shopkeeper.api.cs_ws`, :mod:`shopkeeper.api.pages`) talk to a :class:`CsBackend` only.
:class:`EngineBackend` is the real one, a thin adapter over the app's
:class:`~shopkeeper.cs.engine.CsEngine`; tests inject a fake through
``app.dependency_overrides[get_backend]``. The backend is built once per app, in its lifespan, on
the app's one operational database (``app.state.cs_backend``), never per request.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Protocol

from fastapi import Depends
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from starlette.requests import HTTPConnection

from shopkeeper.cs import engine
from shopkeeper.cs.engine import AdoptionStats, CsEngine, Suggestion
from shopkeeper.cs.messages import CsMessage, CsReply, Source
from shopkeeper.opsdb import cs_conversations, cs_messages

Outcome = Literal["adopted", "edited", "rejected"]

__all__ = ["AdoptionStats", "Suggestion"]  # the engine's models, as the API shows them


class Turn(BaseModel):
    """One message of a conversation, as the console and the widget show it."""

    role: Literal["buyer", "bot", "human", "system"]
    text: str
    at: dt.datetime
    message_id: str | None = None
    intent: str | None = None
    sources: list[Source] = Field(default_factory=list)
    agent: str | None = None


class ConversationView(BaseModel):
    """A conversation: who, its state, whether it waits for a person, and its messages."""

    conversation_id: str
    customer_id: str
    state: str = Field(description="bot | handoff | human | closed (as the engine names them)")
    handoff: bool = Field(description="the conversation waits for (or is with) a human")
    summary: str = Field(default="", description="the handoff summary for the agent")
    messages: list[Turn] = Field(default_factory=list)
    slots: dict[str, Any] = Field(default_factory=dict, description="order, item, confirmations")


class QueueEntry(BaseModel):
    """A conversation in the human agents' queue."""

    conversation_id: str
    customer_id: str
    state: str
    reason: str = ""
    summary: str = ""
    since: dt.datetime | None = None
    last_message: str = ""
    agent: str | None = None


class HumanReplyIn(BaseModel):
    """An agent's reply to the buyer."""

    text: str = Field(min_length=1, max_length=4000)


class SuggestIn(BaseModel):
    """Ask for suggested replies to a buyer message."""

    conversation_id: str = Field(min_length=1, max_length=128)
    message_text: str = Field(min_length=1, max_length=4000)


class OutcomeIn(BaseModel):
    """What the agent did with a suggestion."""

    outcome: Outcome
    final_text: str | None = Field(default=None, max_length=4000, description="when edited")


class CsBackend(Protocol):
    """The engine, as the surfaces use it (one store name per call)."""

    def handle_message(
        self, store: str, message: CsMessage, now: dt.datetime, *, verified: bool = True
    ) -> CsReply:
        """Answer one buyer message (a retried ``message_id`` returns the first reply);
        ``verified=False``: a guest, whose orders are only those they prove in the chat.
        """
        ...

    def conversation(self, store: str, conversation_id: str) -> ConversationView | None:
        """The conversation, or None."""
        ...

    def queue(self, store: str) -> list[QueueEntry]:
        """Conversations handed to humans, and live ones."""
        ...

    def human_reply(
        self, store: str, conversation_id: str, text: str, agent: str, now: dt.datetime
    ) -> CsReply:
        """Send an agent's reply into the conversation."""
        ...

    def release(self, store: str, conversation_id: str, agent: str) -> ConversationView:
        """Give the conversation back to the bot."""
        ...

    def suggest(self, store: str, conversation_id: str, message_text: str) -> list[Suggestion]:
        """Ranked suggested replies for an agent."""
        ...

    def record_outcome(
        self,
        store: str,
        suggestion_id: str,
        outcome: Outcome,
        final_text: str | None,
        agent: str | None = None,
    ) -> None:
        """Record what the agent did with a suggestion."""
        ...

    def stats(self, store: str) -> AdoptionStats:
        """Adoption of suggestions."""
        ...


def _state_name(state: engine.State) -> str:
    return "human" if state.agent else "handoff" if state.handoff else "bot"


def _turn(m: engine.StoredMessage) -> Turn:
    role = m.role if m.role in ("buyer", "bot", "human", "system") else "system"
    return Turn(
        role=role,
        text=m.text,
        at=m.at,
        message_id=m.message_id,
        intent=m.intent,
        agent=m.author if role == "human" else None,
    )


class EngineBackend:
    """:class:`CsBackend` over a :class:`~shopkeeper.cs.engine.CsEngine`."""

    LIVE = 30
    """How many of the latest conversations the bot holds the console lists as live."""

    def __init__(self, cs: CsEngine) -> None:
        self.cs = cs

    def handle_message(
        self, store: str, message: CsMessage, now: dt.datetime, *, verified: bool = True
    ) -> CsReply:
        """See :class:`CsBackend`."""
        return self.cs.handle_message(store, message, now=now, verified=verified)

    def conversation(self, store: str, conversation_id: str) -> ConversationView | None:
        """See :class:`CsBackend`."""
        try:
            customer_id, state = self.cs.sessions.load(store, conversation_id)
        except engine.ConversationNotFound:
            return None
        slots = state.model_dump(
            include={"order_id", "sku_id", "pending_action", "pending_order", "awaiting", "cart"}
        )
        return ConversationView(
            conversation_id=conversation_id,
            customer_id=customer_id,
            state=_state_name(state),
            handoff=state.handoff,
            summary=state.handoff_summary or "",
            messages=[_turn(m) for m in self.cs.history(store, conversation_id)],
            slots={k: v for k, v in slots.items() if v},
        )

    def queue(self, store: str) -> list[QueueEntry]:
        """See :class:`CsBackend`: the engine's handoff queue, then the latest live conversations."""
        waiting = [
            QueueEntry(
                conversation_id=q.conversation_id,
                customer_id=q.customer_id,
                state="human" if q.agent else "handoff",
                reason=q.reason or "",
                summary=q.summary or "",
                since=dt.datetime.fromisoformat(q.waiting_since) if q.waiting_since else None,
                agent=q.agent,
            )
            for q in self.cs.list_queue(store)
        ]
        c = cs_conversations.c
        with self.cs.ops.connect() as conn:
            rows = conn.execute(
                select(c.conversation_id, c.customer_id, c.updated_at)
                .where(c.store == store, c.handoff == 0)
                .order_by(c.updated_at.desc())
                .limit(self.LIVE)
            ).all()
        live = [
            QueueEntry(conversation_id=r[0], customer_id=r[1], state="bot", since=r[2])
            for r in rows
        ]
        held = {q.conversation_id for q in waiting}
        entries = waiting + [q for q in live if q.conversation_id not in held]  # each once
        last = self._last_messages(store, [q.conversation_id for q in entries])
        return [
            q.model_copy(update={"last_message": last.get(q.conversation_id, "")}) for q in entries
        ]

    PREVIEW = 80
    """How many characters of a conversation's last message the queue shows."""

    def _last_messages(self, store: str, conversation_ids: list[str]) -> dict[str, str]:
        """The last message (masked, as stored) of each conversation, cut to :attr:`PREVIEW`."""
        if not conversation_ids:
            return {}
        m = cs_messages.c
        latest = (
            select(func.max(m.seq))
            .where(m.store == store, m.conversation_id.in_(conversation_ids))
            .group_by(m.conversation_id)
        )
        with self.cs.ops.connect() as conn:
            rows = conn.execute(select(m.conversation_id, m.text).where(m.seq.in_(latest))).all()
        cut = self.PREVIEW
        return {r[0]: " ".join(r[1].split())[:cut] + ("…" if len(r[1]) > cut else "") for r in rows}

    def human_reply(
        self, store: str, conversation_id: str, text: str, agent: str, now: dt.datetime
    ) -> CsReply:
        """See :class:`CsBackend`."""
        stored = self.cs.human_reply(store, conversation_id, text, agent)
        return CsReply(
            conversation_id=conversation_id,
            message_id=stored.message_id or f"human-{stored.seq}",
            reply=stored.text,
            intent="human",
            handoff=True,
            sources=[Source(type="human", ref=agent)],
            at=stored.at,
        )

    def release(self, store: str, conversation_id: str, agent: str) -> ConversationView:
        """See :class:`CsBackend`."""
        self.cs.release(store, conversation_id, agent)
        view = self.conversation(store, conversation_id)
        if view is None:
            raise engine.ConversationNotFound(f"no conversation {conversation_id!r}")
        return view

    def suggest(self, store: str, conversation_id: str, message_text: str) -> list[Suggestion]:
        """See :class:`CsBackend`."""
        return self.cs.suggest(store, conversation_id, message_text)

    def record_outcome(
        self,
        store: str,
        suggestion_id: str,
        outcome: Outcome,
        final_text: str | None,
        agent: str | None = None,
    ) -> None:
        """See :class:`CsBackend`."""
        self.cs.record_outcome(suggestion_id, outcome, final_text, agent=agent)

    def stats(self, store: str) -> AdoptionStats:
        """See :class:`CsBackend`."""
        return self.cs.adoption_stats(store)


def get_backend(conn: HTTPConnection) -> CsBackend:
    """The app's customer-service backend, built in its lifespan (override it in tests)."""
    backend: CsBackend = conn.app.state.cs_backend
    return backend


BackendDep = Annotated[CsBackend, Depends(get_backend)]
