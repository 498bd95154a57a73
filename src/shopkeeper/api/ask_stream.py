"""Asking the team with the answer streamed as server-sent events (``text/event-stream``).

:func:`ask_events` runs the question in a worker thread and yields, as SSE frames:

- ``start`` — ``{"conversation_id"}`` (a new one if none was given);
- ``text`` — ``{"text"}``: a piece of the answer as the team writes it;
- ``done`` — the :class:`AskOutcome`: the answer, the run with its plan and each step (skill
  calls with arguments and results), and the actions it proposed (pending ones are approval
  buttons on the page);
- ``error`` — ``{"detail"}``: one sentence, the run is recorded as failed.

The run is filed under its conversation (:mod:`shopkeeper.agents.conversations`). A blank
question is refused (:class:`EmptyQuestion`, 422) before anything runs or streams.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from shopkeeper.agents.answers import AskResult
from shopkeeper.agents.conversations import new_id, record_turn
from shopkeeper.agents.service import ask as ask_team
from shopkeeper.agents.traces import Run, get_run
from shopkeeper.api.approvals import shown
from shopkeeper.api.auth import Principal
from shopkeeper.api.deps import Services
from shopkeeper.errors import ShopkeeperError
from shopkeeper.ops.approvals import ActionRecord, list_actions
from shopkeeper.text import pick

_END = object()


class AskOutcome(BaseModel):
    """One answered question: the answer, its run (plan and steps), and the actions proposed."""

    conversation_id: str
    result: AskResult
    run: Run
    proposals: list[ActionRecord]


class EmptyQuestion(ShopkeeperError, ValueError):
    """The question is blank (nothing but spaces)."""


def check_question(question: str, lang: str) -> None:
    """Refuse a blank question with one sentence in ``lang`` (zh/en), as the CLI does.

    >>> check_question("上周卖了多少", "zh")
    >>> check_question("  ", "en")
    Traceback (most recent call last):
    ...
    shopkeeper.api.ask_stream.EmptyQuestion: the question is empty: write what to ask, ...
    """
    if not question.strip():
        raise EmptyQuestion(
            pick(
                lang,
                "问题是空的：请写下要问的事，例如 '上周卖了多少'",
                "the question is empty: write what to ask, e.g. 'what were sales last week'",
            )
        )


def sse(event: str, data: Any) -> str:
    """One server-sent event frame."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def answer(
    services: Services,
    principal: Principal,
    store: str,
    question: str,
    *,
    conversation_id: str,
    lang: str | None = None,
    on_text: Any = None,
) -> AskOutcome:
    """Ask the team once, file the run under the conversation, and gather what it proposed."""
    check_question(question, services.app.store(store, lang).language)
    before = {a.action_id for a in list_actions(services.engine, store)}
    result = ask_team(
        services.app,
        store,
        question,
        lang=lang,
        on_text=on_text,
        conversation_id=conversation_id,
    )
    record_turn(services.engine, store, conversation_id, result.run_id, asked_by=principal.actor)
    proposals = [
        shown(a)
        for a in list_actions(services.engine, store)
        if a.action_id not in before and principal.may_act(a.action)
    ]
    return AskOutcome(
        conversation_id=conversation_id,
        result=result,
        run=get_run(services.engine, store, result.run_id),
        proposals=proposals,
    )


def ask_events(
    services: Services,
    principal: Principal,
    store: str,
    question: str,
    *,
    conversation_id: str | None = None,
    lang: str | None = None,
) -> Iterator[str]:
    """The SSE frames of one question (see the module docstring)."""
    conversation = conversation_id or new_id()
    pieces: queue.Queue[object] = queue.Queue()
    outcome: list[AskOutcome] = []
    failure: list[str] = []

    def work() -> None:
        try:
            outcome.append(
                answer(
                    services,
                    principal,
                    store,
                    question,
                    conversation_id=conversation,
                    lang=lang,
                    on_text=pieces.put,
                )
            )
        except ShopkeeperError as exc:
            failure.append(str(exc))
        finally:
            pieces.put(_END)

    yield sse("start", {"conversation_id": conversation})
    threading.Thread(target=work, name="ask-stream", daemon=True).start()
    streamed = False
    while (piece := pieces.get()) is not _END:
        streamed = True
        yield sse("text", {"text": piece})
    if failure or not outcome:  # not outcome: an unexpected error, reported by the thread
        yield sse("error", {"detail": failure[0] if failure else "the team could not answer"})
        return
    done = outcome[0]
    if not streamed:
        yield sse("text", {"text": done.result.answer})
    yield sse("done", done.model_dump(mode="json"))
