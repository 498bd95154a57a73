"""Customer service (店小蜜) over HTTP: buyer messages, conversations, the agents' queue,
human replies, suggestions and their adoption. The schema is documented in ``docs/cs-api.md``.

Buyer side (a cs/owner token or the store's widget key, :mod:`shopkeeper.api.cs_auth`)::

    POST /v1/stores/{store}/cs/messages                 CsMessage → CsReply
    GET  /v1/stores/{store}/cs/conversations/{id}       the conversation (a widget: its buyer's only)

Staff side (roles ``cs`` and ``owner``)::

    GET  …/cs/queue     POST …/cs/conversations/{id}/reply     POST …/cs/conversations/{id}/release
    POST …/cs/suggestions     POST …/cs/suggestions/{id}/outcome     GET …/cs/stats

Messages of one conversation are answered one at a time (a striped lock), so a retry racing its
original still gets the one reply the engine keeps per ``message_id``. The WebSocket is in
:mod:`shopkeeper.api.cs_ws`; the pages in :mod:`shopkeeper.api.pages` render these same views.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.cs_auth import BuyerId, BuyerSide, CsCaller, Signature, check_customer
from shopkeeper.api.cs_backend import (
    AdoptionStats,
    BackendDep,
    ConversationView,
    CsBackend,
    HumanReplyIn,
    Outcome,
    OutcomeIn,
    QueueEntry,
    SuggestIn,
    Suggestion,
)
from shopkeeper.api.cs_hub import Hub, get_hub
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.cs.messages import CsMessage, CsReply

Staff = Annotated[Principal, Depends(require("cs"))]
HubDep = Annotated[Hub, Depends(get_hub)]

router = APIRouter(prefix="/v1/stores/{store}/cs", tags=["cs"])

_STRIPES = tuple(threading.Lock() for _ in range(256))


def conversation_lock(store: str, conversation_id: str) -> threading.Lock:
    """The lock that serializes one conversation's messages (striped: bounded memory)."""
    return _STRIPES[zlib.crc32(f"{store}\0{conversation_id}".encode()) % len(_STRIPES)]


class _Owners:
    """Which buyer a conversation belongs to (fixed once known), remembered for the last few."""

    def __init__(self, size: int = 100_000) -> None:
        self._known: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def of(self, backend: CsBackend, store: str, conversation_id: str) -> str | None:
        key = (store, conversation_id)
        with self._lock:
            if key in self._known:
                return self._known[key]
        view = backend.conversation(store, conversation_id)
        if view is not None:
            self.remember(store, conversation_id, view.customer_id)
        return view.customer_id if view else None

    def remember(self, store: str, conversation_id: str, customer_id: str) -> None:
        with self._lock:
            self._known[(store, conversation_id)] = customer_id
            while len(self._known) > self._size:
                self._known.popitem(last=False)


owners = _Owners()


def not_found(conversation_id: str) -> HTTPException:
    """The one answer for a conversation that does not exist or is not the caller's."""
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no conversation {conversation_id!r}")


def answer(
    backend: CsBackend,
    services: Services,
    store: str,
    caller: CsCaller,
    message: CsMessage,
    buyer: BuyerId,
) -> CsReply:
    """Answer a buyer message (the view behind the POST route and the WebSocket) for ``buyer``
    (:func:`~shopkeeper.api.cs_auth.check_customer`: a guest is named and treated as one).

    A widget caller may only write into its own buyer's conversations.
    """
    message = message.model_copy(update={"customer_id": buyer.customer_id})
    conv = message.conversation_id
    with conversation_lock(store, conv):
        if caller.is_widget:
            owner = owners.of(backend, store, conv)
            if owner is not None and owner != message.customer_id:
                raise not_found(conv)
        reply = backend.handle_message(store, message, services.clock(), verified=buyer.verified)
    owners.remember(store, conv, message.customer_id)
    return reply


def conversation_view(
    backend: CsBackend,
    store: str,
    conversation_id: str,
    caller: CsCaller | None = None,
    customer_id: str | None = None,
) -> ConversationView:
    """A conversation; a widget caller sees only its buyer's (404 for any other)."""
    view = backend.conversation(store, conversation_id)
    if view is None or (
        caller is not None and caller.is_widget and view.customer_id != customer_id
    ):
        raise not_found(conversation_id)
    return view


def queue_view(backend: CsBackend, store: str) -> list[QueueEntry]:
    """The agents' queue: handed-off conversations first, then live ones (engine's order)."""
    return backend.queue(store)


def send_human_reply(
    backend: CsBackend,
    services: Services,
    hub: Hub,
    store: str,
    conversation_id: str,
    text: str,
    agent: str,
) -> CsReply:
    """An agent's reply into the conversation, pushed to its open sockets (route and console)."""
    conversation_view(backend, store, conversation_id)
    with conversation_lock(store, conversation_id):
        reply = backend.human_reply(store, conversation_id, text, agent, services.clock())
    frame = {"type": "reply", "from": "human", **reply.model_dump(mode="json")}
    hub.publish(store, conversation_id, frame)
    return reply


def release_conversation(
    backend: CsBackend, hub: Hub, store: str, conversation_id: str, agent: str
) -> ConversationView:
    """Give a conversation back to the bot and tell its open sockets (route and console)."""
    conversation_view(backend, store, conversation_id)
    view = backend.release(store, conversation_id, agent)
    hub.publish(
        store, conversation_id, {"type": "state", "state": view.state, "handoff": view.handoff}
    )
    return view


@router.post("/messages")
def post_message(
    store: StorePath,
    message: CsMessage,
    caller: BuyerSide,
    services: ServicesDep,
    backend: BackendDep,
    signature: Signature = None,
) -> CsReply:
    """A buyer's message → the store's reply (a retried ``message_id`` gets the same reply)."""
    buyer = check_customer(services.settings, store, caller, message.customer_id, signature)
    return answer(backend, services, store, caller, message, buyer)


@router.get("/conversations/{conversation_id}")
def get_conversation(
    store: StorePath,
    conversation_id: str,
    caller: BuyerSide,
    services: ServicesDep,
    backend: BackendDep,
    customer_id: Annotated[
        str | None, Query(description="the buyer (required with a widget key)")
    ] = None,
    signature: Signature = None,
) -> ConversationView:
    """The conversation: messages, state and whether it waits for a human."""
    if caller.is_widget:
        if not customer_id:
            raise not_found(conversation_id)
        buyer = check_customer(services.settings, store, caller, customer_id, signature)
        customer_id = buyer.customer_id
    return conversation_view(backend, store, conversation_id, caller, customer_id)


@router.get("/queue")
def get_queue(store: StorePath, _caller: Staff, backend: BackendDep) -> list[QueueEntry]:
    """Conversations waiting for (or with) a human agent, and live ones."""
    return queue_view(backend, store)


@router.post("/conversations/{conversation_id}/reply")
def human_reply(
    store: StorePath,
    conversation_id: str,
    body: HumanReplyIn,
    caller: Staff,
    services: ServicesDep,
    backend: BackendDep,
    hub: HubDep,
) -> CsReply:
    """An agent's reply: goes into the conversation and to the buyer's open sockets."""
    return send_human_reply(backend, services, hub, store, conversation_id, body.text, caller.actor)


@router.post("/conversations/{conversation_id}/release")
def release(
    store: StorePath, conversation_id: str, caller: Staff, backend: BackendDep, hub: HubDep
) -> ConversationView:
    """Give the conversation back to the bot."""
    return release_conversation(backend, hub, store, conversation_id, caller.actor)


@router.post("/suggestions")
def suggest(
    store: StorePath, body: SuggestIn, _caller: Staff, backend: BackendDep
) -> list[Suggestion]:
    """Ranked suggested replies to a buyer message, for an agent to adopt, edit or reject."""
    return backend.suggest(store, body.conversation_id, body.message_text)


class RecordedOutcome(BaseModel):
    """What was recorded for a suggestion."""

    suggestion_id: str
    outcome: Outcome
    final_text: str | None = None


@router.post("/suggestions/{suggestion_id}/outcome")
def suggestion_outcome(
    store: StorePath, suggestion_id: str, body: OutcomeIn, caller: Staff, backend: BackendDep
) -> RecordedOutcome:
    """Record whether the agent adopted, edited or rejected a suggestion."""
    if body.outcome == "edited" and not body.final_text:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "an edited outcome needs final_text"
        )
    backend.record_outcome(store, suggestion_id, body.outcome, body.final_text, caller.actor)
    return RecordedOutcome(suggestion_id=suggestion_id, **body.model_dump())


@router.get("/stats")
def stats(store: StorePath, _caller: Staff, backend: BackendDep) -> AdoptionStats:
    """Suggestion adoption for the store, overall and per intent."""
    return backend.stats(store)
