"""Run traces: every agent run and its steps, in the operational database.

A :class:`Tracer` collects the steps of one run in memory (routing, model requests, tool calls with
their validated arguments and results, timings, tokens) and writes the run and its steps in one
transaction when the run ends — whether it answered, failed or hit a cap. Personal data is redacted
before anything is stored. ``shopkeeper runs list/show/replay`` read them back.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine, insert, select

from shopkeeper.agents.usage import RunUsage
from shopkeeper.clock import utcnow
from shopkeeper.errors import ShopkeeperError
from shopkeeper.opsdb import run_steps, runs

RunStatus = Literal["ok", "error", "limit"]
StepKind = Literal["route", "model", "tool", "answer"]


class RunNotFound(ShopkeeperError, LookupError):
    """No run with that id in this store."""


class Step(BaseModel):
    """One step of a run."""

    idx: int
    kind: StepKind
    agent: str = Field(description="manager or the employee that took the step")
    name: str = Field(description="the tool (skill) called, the model asked, or the decision")
    arguments: Any = None
    result: Any = None
    ok: bool = True
    error: str | None = None
    ms: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0


class Run(BaseModel):
    """A recorded run."""

    run_id: str
    store: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    request: str
    lang: str
    model: str
    status: RunStatus
    answer: str | None = None
    plan: Any = None
    skills: list[str] = Field(default_factory=list)
    usage: RunUsage = Field(default_factory=RunUsage)
    cost: float | None = None
    error: str | None = None
    replay_of: str | None = None
    steps: list[Step] = Field(default_factory=list)


def _identity(value: Any) -> Any:
    return value


class Tracer:
    """Collects one run's steps; :meth:`save` writes them."""

    def __init__(
        self,
        store: str,
        request: str,
        *,
        lang: str,
        model: str,
        replay_of: str | None = None,
        redact: Callable[[Any], Any] = _identity,
    ) -> None:
        self.redact = redact
        self.run = Run(
            run_id=uuid.uuid4().hex[:12],
            store=store,
            started_at=utcnow(),
            request=str(redact(request)),
            lang=lang,
            model=model,
            status="ok",
            replay_of=replay_of,
        )

    def add(self, kind: StepKind, agent: str, name: str, **fields: Any) -> Step:
        """Record a finished step."""
        for key in ("arguments", "result"):
            if key in fields:
                fields[key] = self.redact(fields[key])
        step = Step(idx=len(self.run.steps), kind=kind, agent=agent, name=name, **fields)
        self.run.steps.append(step)
        return step

    @contextmanager
    def timed(self, kind: StepKind, agent: str, name: str, **fields: Any) -> Iterator[Step]:
        """Record a step around a block; the block may fill in ``result`` and tokens; an error
        marks it failed (and propagates).
        """
        step = Step(idx=-1, kind=kind, agent=agent, name=name, **fields)
        started = time.perf_counter()
        try:
            yield step
        except ShopkeeperError as exc:
            step.ok, step.error = False, str(exc)
            raise
        finally:
            step.ms = round((time.perf_counter() - started) * 1000, 2)
            self.add(kind, agent, name, **step.model_dump(exclude={"idx", "kind", "agent", "name"}))

    def save(self, engine: Engine) -> Run:
        """Write the run and its steps (one transaction)."""
        run = self.run
        run.finished_at = utcnow()
        row = run.model_dump(mode="json", exclude={"steps"})
        row["plan"] = self.redact(row["plan"])
        row["started_at"], row["finished_at"] = run.started_at, run.finished_at
        with engine.begin() as conn:
            conn.execute(insert(runs).values(**row))
            if run.steps:
                conn.execute(
                    insert(run_steps),
                    [
                        {
                            "run_id": run.run_id,
                            **s.model_dump(mode="json"),
                            "ok": int(s.ok),
                        }
                        for s in run.steps
                    ],
                )
        return run


def list_runs(engine: Engine, store: str, *, limit: int = 20) -> list[Run]:
    """A store's latest runs, newest first (without their steps)."""
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(runs)
                .where(runs.c.store == store)
                .order_by(runs.c.started_at.desc())
                .limit(limit)
            )
            .mappings()
            .all()
        )
    return [Run.model_validate(dict(r)) for r in rows]


def get_run(engine: Engine, store: str, run_id: str) -> Run:
    """One run of a store with its steps (a run of another store is not found)."""
    with engine.connect() as conn:
        row = (
            conn.execute(select(runs).where(runs.c.store == store, runs.c.run_id == run_id))
            .mappings()
            .first()
        )
        if row is None:
            raise RunNotFound(
                f"no run {run_id!r} in store {store!r}; see `shopkeeper runs list --store {store}`"
            )
        steps = (
            conn.execute(
                select(run_steps).where(run_steps.c.run_id == run_id).order_by(run_steps.c.idx)
            )
            .mappings()
            .all()
        )
    run = Run.model_validate(dict(row))
    run.steps = [Step.model_validate({**dict(s), "ok": bool(s["ok"])}) for s in steps]
    return run
