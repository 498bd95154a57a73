"""Agent runs: what the AI team did — every run (newest first) and one run with its steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from shopkeeper.agents.answers import AskResult
from shopkeeper.agents.conversations import new_id
from shopkeeper.agents.traces import Run, get_run, list_runs
from shopkeeper.api.ask_stream import answer, ask_events, check_question
from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import ServicesDep
from shopkeeper.text import Lang

Reader = Annotated[Principal, Depends(require("runs"))]

router = APIRouter(prefix="/v1/stores/{store}/runs", tags=["runs"])


@router.get("")
def list_(
    store: StorePath,
    _caller: Reader,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=500, description="how many, newest first")] = 20,
) -> list[Run]:
    """The store's latest runs (without their steps)."""
    return list_runs(services.engine, store, limit=limit)


@router.get("/{run_id}")
def show(store: StorePath, run_id: str, _caller: Reader, services: ServicesDep) -> Run:
    """One run with its steps: routing, model requests, tool calls, timings and tokens."""
    return get_run(services.engine, store, run_id)


class AskBody(BaseModel):
    """A question for the store's AI team."""

    question: str = Field(min_length=1, max_length=4000, description="in Chinese or English")
    lang: Lang | None = Field(default=None, description="answer language (default: the question's)")
    conversation_id: str | None = Field(
        default=None, max_length=64, description="continue this conversation (default: a new one)"
    )


ask_router = APIRouter(prefix="/v1/stores/{store}/ask", tags=["runs"])


@ask_router.post(
    "",
    response_model=AskResult,
    responses={200: {"content": {"text/event-stream": {}}, "description": "the answer"}},
)
def ask(
    request: Request, store: StorePath, body: AskBody, caller: Reader, services: ServicesDep
) -> Any:
    """Ask the team once (the configured model, else offline); the run is recorded and filed
    under ``conversation_id``. With ``Accept: text/event-stream`` the answer is streamed as
    server-sent events (:mod:`shopkeeper.api.ask_stream`). A blank question is 422.
    """
    check_question(body.question, services.app.store(store, body.lang).language)
    if "text/event-stream" in request.headers.get("accept", ""):
        events = ask_events(
            services,
            caller,
            store,
            body.question,
            conversation_id=body.conversation_id,
            lang=body.lang,
        )
        return StreamingResponse(events, media_type="text/event-stream")
    conversation = body.conversation_id or new_id()
    return answer(
        services, caller, store, body.question, conversation_id=conversation, lang=body.lang
    ).result
