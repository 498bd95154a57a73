"""``/s/{store}/ask``: a chat with the store manager — the answer streamed (server-sent events),
the plan and every skill call expandable, the actions it proposed as approval buttons, and past
conversations listed.

JSON twins: ``POST /v1/stores/{store}/ask`` (streamed with ``Accept: text/event-stream``; see
:mod:`shopkeeper.api.ask_stream`), ``GET /v1/stores/{store}/conversations`` and
``GET .../conversations/{conversation_id}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response, StreamingResponse

from shopkeeper.agents.conversations import Conversation, conversations, new_id, turns
from shopkeeper.agents.traces import Run
from shopkeeper.api.ask_stream import answer, ask_events
from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.ops.approvals import list_actions

router = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/v1/stores/{store}/conversations", tags=["runs"])

Reader = Annotated[Principal, Depends(require("runs"))]
AskPage = Annotated[Page, Depends(store_page("runs"))]
AskForm = Annotated[Page, Depends(store_form("runs"))]
Question = Annotated[str, Form(min_length=1, max_length=4000)]


@api.get("")
def list_conversations(
    store: StorePath, _caller: Reader, services: ServicesDep
) -> list[Conversation]:
    """The store's conversations with the team, most recent first."""
    return conversations(services.engine, store)


@api.get("/{conversation_id}")
def conversation(
    store: StorePath, conversation_id: str, _caller: Reader, services: ServicesDep
) -> list[Run]:
    """A conversation's runs (question, plan, steps, answer), oldest first."""
    return turns(services.engine, store, conversation_id)


@router.get("/s/{store}/ask")
def ask_page(page: AskPage, c: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """The chat page (``c``: an open conversation)."""
    assert page.principal is not None
    past = conversations(page.services.engine, page.store)
    shown_turns = turns(page.services.engine, page.store, c) if c else []
    pending = {
        a.action_id: a
        for a in list_actions(page.services.engine, page.store, "pending")
        if page.principal.may_act(a.action)
    }
    return page.render(
        "ask.html", past=past, turns=shown_turns, conversation_id=c or "", pending=pending
    )


@router.post("/s/{store}/ask/stream")
def ask_stream(
    page: AskForm, question: Question, conversation_id: Annotated[str, Form(max_length=64)] = ""
) -> StreamingResponse:
    """The page's question, answered as server-sent events."""
    assert page.principal is not None
    events = ask_events(
        page.services,
        page.principal,
        page.store,
        question,
        conversation_id=conversation_id or None,
        lang=page.lang,
    )
    return StreamingResponse(events, media_type="text/event-stream")


@router.post("/s/{store}/ask")
def ask_form(
    page: AskForm, question: Question, conversation_id: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    """The page's question without JavaScript: answered, then the conversation shown."""
    assert page.principal is not None
    done = answer(
        page.services,
        page.principal,
        page.store,
        question,
        conversation_id=conversation_id or new_id(),
        lang=page.lang,
    )
    return page.back(page.url("ask") + f"?c={done.conversation_id}#last")
