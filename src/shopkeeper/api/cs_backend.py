"""What the customer-service surfaces need from the engine, as one protocol, and its views.

The HTTP routes, the WebSocket, the widget and the console (:mod:`shopkeeper.api.cs`,
:mod:`shopkeeper.api.cs_ws`, :mod:`shopkeeper.api.pages`) talk to a :class:`CsBackend` only.
:class:`EngineBackend` is the real one, a thin adapter over :mod:`shopkeeper.cs.engine`; tests
inject a fake through ``app.dependency_overrides[get_backend]``. The backend is built once per app
(:func:`get_backend` caches it on ``app.state``), never per request.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Annotated, Any, Literal, Protocol

from fastapi import Depends
from pydantic import BaseModel, Field
from starlette.requests import HTTPConnection

from shopkeeper.cs.messages import CsMessage, CsReply, Source
from shopkeeper.errors import ShopkeeperError
from shopkeeper.settings import Settings

Outcome = Literal["adopted", "edited", "rejected"]


class EngineUnavailable(ShopkeeperError, OSError):
    """The customer-service engine is not installed in this build."""


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


class Suggestion(BaseModel):
    """One suggested reply, ranked."""

    suggestion_id: str
    text: str
    score: float = 0.0
    intent: str = ""
    sources: list[Source] = Field(default_factory=list)


class OutcomeIn(BaseModel):
    """What the agent did with a suggestion."""

    outcome: Outcome
    final_text: str | None = Field(default=None, max_length=4000, description="when edited")


class AdoptionStats(BaseModel):
    """Suggestion adoption per store and per intent."""

    total: int = 0
    adopted: int = 0
    edited: int = 0
    rejected: int = 0
    rate: float = Field(default=0.0, description="(adopted + edited) / total")
    by_intent: dict[str, dict[str, float]] = Field(default_factory=dict)


class CsBackend(Protocol):
    """The engine, as the surfaces use it (one store name per call)."""

    def handle_message(self, store: str, message: CsMessage, now: dt.datetime) -> CsReply:
        """Answer one buyer message (a retried ``message_id`` returns the first reply)."""
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
        self, store: str, suggestion_id: str, outcome: Outcome, final_text: str | None
    ) -> None:
        """Record what the agent did with a suggestion."""
        ...

    def stats(self, store: str) -> AdoptionStats:
        """Adoption of suggestions."""
        ...


def _engine_module() -> Any:
    try:
        return importlib.import_module("shopkeeper.cs.engine")
    except ModuleNotFoundError as exc:
        raise EngineUnavailable(
            "the customer-service engine (shopkeeper.cs.engine) is missing"
        ) from exc


def _dump(value: Any) -> Any:
    return value.model_dump() if isinstance(value, BaseModel) else value


class EngineBackend:
    """:class:`CsBackend` over :mod:`shopkeeper.cs.engine` (module functions, settings-bound)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def handle_message(self, store: str, message: CsMessage, now: dt.datetime) -> CsReply:
        """See :class:`CsBackend`."""
        reply = _engine_module().handle_message(self.settings, store, message, now=now)
        return CsReply.model_validate(_dump(reply))

    def conversation(self, store: str, conversation_id: str) -> ConversationView | None:
        """See :class:`CsBackend`."""
        found = _engine_module().get_conversation(self.settings, store, conversation_id)
        return None if found is None else ConversationView.model_validate(_dump(found))

    def queue(self, store: str) -> list[QueueEntry]:
        """See :class:`CsBackend`."""
        items = _engine_module().list_queue(self.settings, store)
        return [QueueEntry.model_validate(_dump(i)) for i in items]

    def human_reply(
        self, store: str, conversation_id: str, text: str, agent: str, now: dt.datetime
    ) -> CsReply:
        """See :class:`CsBackend`."""
        reply = _engine_module().human_reply(self.settings, store, conversation_id, text, agent)
        return CsReply.model_validate(_dump(reply))

    def release(self, store: str, conversation_id: str, agent: str) -> ConversationView:
        """See :class:`CsBackend`."""
        _engine_module().release(self.settings, store, conversation_id, agent)
        view = self.conversation(store, conversation_id)
        if view is None:
            raise LookupError(conversation_id)
        return view

    def suggest(self, store: str, conversation_id: str, message_text: str) -> list[Suggestion]:
        """See :class:`CsBackend`."""
        found = _engine_module().suggest(self.settings, store, conversation_id, message_text)
        return [Suggestion.model_validate(_dump(s)) for s in found]

    def record_outcome(
        self, store: str, suggestion_id: str, outcome: Outcome, final_text: str | None
    ) -> None:
        """See :class:`CsBackend`."""
        _engine_module().record_outcome(suggestion_id, outcome, final_text)

    def stats(self, store: str) -> AdoptionStats:
        """See :class:`CsBackend`."""
        return AdoptionStats.model_validate(
            _dump(_engine_module().adoption_stats(self.settings, store))
        )


def get_backend(conn: HTTPConnection) -> CsBackend:
    """The app's customer-service backend, built once (override it in tests)."""
    backend: CsBackend | None = getattr(conn.app.state, "cs_backend", None)
    if backend is None:
        backend = EngineBackend(conn.app.state.services.settings)
        conn.app.state.cs_backend = backend
    return backend


BackendDep = Annotated[CsBackend, Depends(get_backend)]
