"""Conversations with the store's team: which asked runs belong together (``ask_turns``).

Each question is one recorded run (:mod:`shopkeeper.agents.traces`); a conversation is the runs
asked under one ``conversation_id``, oldest first. :func:`new_id` starts one.
"""

from __future__ import annotations

import datetime as dt
import secrets

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, func, insert, select

from shopkeeper.agents.routing import RouteDecision, Turn
from shopkeeper.agents.traces import Run, get_run
from shopkeeper.clock import utcnow
from shopkeeper.opsdb import ask_turns, runs


class Conversation(BaseModel):
    """A conversation as listed: its first question, size and last activity."""

    conversation_id: str
    title: str
    turns: int
    last_at: dt.datetime


def new_id() -> str:
    """A fresh conversation id."""
    return secrets.token_hex(8)


def record_turn(
    engine: Engine, store: str, conversation_id: str, run_id: str, *, asked_by: str
) -> None:
    """File the run ``run_id`` under the conversation."""
    with engine.begin() as conn:
        conn.execute(
            insert(ask_turns).values(
                run_id=run_id,
                conversation_id=conversation_id,
                store=store,
                asked_by=asked_by,
                asked_at=utcnow(),
            )
        )


def conversations(engine: Engine, store: str, *, limit: int = 30) -> list[Conversation]:
    """The store's conversations, most recent first."""
    a, r = ask_turns.c, runs.c
    first = (
        select(a.conversation_id, func.min(a.asked_at).label("first_at"))
        .where(a.store == store)
        .group_by(a.conversation_id)
        .subquery()
    )
    query = (
        select(
            a.conversation_id,
            func.count().label("turns"),
            func.max(a.asked_at).label("last_at"),
            func.min(first.c.first_at).label("first_at"),
        )
        .join(first, first.c.conversation_id == a.conversation_id)
        .where(a.store == store)
        .group_by(a.conversation_id)
        .order_by(func.max(a.asked_at).desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
        titles = dict(
            conn.execute(
                select(a.conversation_id, r.request)
                .join(runs, r.run_id == a.run_id)
                .join(
                    first,
                    (first.c.conversation_id == a.conversation_id)
                    & (first.c.first_at == a.asked_at),
                )
                .where(a.store == store)
            ).all()
        )
    return [
        Conversation(
            conversation_id=row["conversation_id"],
            title=str(titles.get(row["conversation_id"], ""))[:80],
            turns=row["turns"],
            last_at=row["last_at"],
        )
        for row in rows
    ]


def turns(engine: Engine, store: str, conversation_id: str) -> list[Run]:
    """The runs of a conversation with their steps, oldest first."""
    a = ask_turns.c
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(a.run_id)
                .where(a.store == store, a.conversation_id == conversation_id)
                .order_by(a.asked_at)
            ).scalars()
        )
    return [get_run(engine, store, run_id) for run_id in ids]


def last_turn(engine: Engine, store: str, conversation_id: str) -> Turn | None:
    """The conversation's latest turn — request, plan and answer — which the next question may
    follow up (``None`` for a new conversation).
    """
    a, r = ask_turns.c, runs.c
    query = (
        select(r.request, r.plan, r.answer)
        .join(ask_turns, a.run_id == r.run_id)
        .where(a.store == store, a.conversation_id == conversation_id)
        .order_by(a.asked_at.desc(), r.started_at.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    try:
        decision = RouteDecision.model_validate(row.plan) if row.plan else None
    except ValidationError:  # a plan recorded by an older version
        decision = None
    return Turn(request=row.request, decision=decision, answer=row.answer or "")
