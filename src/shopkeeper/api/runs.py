"""Agent runs: what the AI team did — every run (newest first) and one run with its steps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from shopkeeper.agents.runtime import AskResult
from shopkeeper.agents.service import ask as ask_team
from shopkeeper.agents.traces import Run, get_run, list_runs
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


ask_router = APIRouter(prefix="/v1/stores/{store}/ask", tags=["runs"])


@ask_router.post("")
def ask(store: StorePath, body: AskBody, _caller: Reader, services: ServicesDep) -> AskResult:
    """Ask the team once (the configured model, else offline); the run is recorded."""
    return ask_team(services.app, store, body.question, lang=body.lang)
