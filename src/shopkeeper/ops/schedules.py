"""Scheduled jobs: reports and inspections on a cron, delivered to a folder or an IM webhook.

A schedule is a cron expression read in the store's time zone, a job (``report daily --role
owner``, ``report weekly --format html``, ``inspect``) and a delivery target
(:mod:`shopkeeper.ops.delivery`). :func:`tick` runs every schedule whose latest slot has come and
not yet run — so a run missed while the service was down is caught up once on start, not once per
missed slot. Every run is recorded; a failure is recorded with its error and raised to the caller
(never silent), and that slot is not retried in a loop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import uuid
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from pydantic import BaseModel
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.ops.db import schedule_claims, schedule_runs, schedules
from shopkeeper.ops.delivery import DeliveryError, check_target, deliver
from shopkeeper.ops.egress import Resolve, resolve_host
from shopkeeper.settings import Settings


class ScheduleNotFound(ShopkeeperError, LookupError):
    """No schedule with that id in this store."""


class ScheduledRunFailed(ShopkeeperError, RuntimeError):
    """One or more scheduled runs failed (each is recorded with its error)."""


@dataclass(frozen=True)
class Job:
    """What a schedule runs."""

    what: Literal["report", "inspect"]
    kind: Literal["daily", "weekly"] = "daily"
    role: Literal["owner", "ops", "cs", "ads"] = "owner"
    fmt: Literal["md", "html", "json"] = "md"


def parse_job(command: str) -> Job:
    """Parse a job command.

    >>> parse_job("report weekly --role ops --format html")
    Job(what='report', kind='weekly', role='ops', fmt='html')
    >>> parse_job("inspect").what
    'inspect'
    """
    parser = argparse.ArgumentParser(prog="job", add_help=False, exit_on_error=False)
    parser.add_argument("what", choices=["report", "inspect"])
    parser.add_argument("kind", nargs="?", choices=["daily", "weekly"], default="daily")
    parser.add_argument("--role", choices=["owner", "ops", "cs", "ads"], default="owner")
    parser.add_argument("--format", dest="fmt", choices=["md", "html", "json"], default="md")
    try:
        ns = parser.parse_args(shlex.split(command))
    except (argparse.ArgumentError, SystemExit) as exc:
        raise ConfigError(
            f"job {command!r} is not one of: 'report daily|weekly [--role R] [--format md|html|json]', "
            "'inspect [--format md|html|json]'"
        ) from exc
    return Job(ns.what, ns.kind, ns.role, ns.fmt)


def run_job(settings: Settings, store: str, job: Job) -> tuple[str, str]:
    """Run a job; returns its title and its rendered text."""
    from shopkeeper.inspection.service import run_inspection
    from shopkeeper.reports.html import render_inspection_html, render_report_html
    from shopkeeper.reports.markdown import render_inspection_md, render_report_md
    from shopkeeper.reports.service import run_report

    if job.what == "inspect":
        inspection = run_inspection(settings, store)
        title = f"{store} inspection {inspection.as_of}"
        if job.fmt == "json":
            return title, inspection.model_dump_json(indent=2)
        return title, render_inspection_html(
            inspection
        ) if job.fmt == "html" else render_inspection_md(inspection)
    report = run_report(settings, store, kind=job.kind, role=job.role)
    title = f"{store} {job.kind} report ({job.role})"
    if job.fmt == "json":
        return title, report.model_dump_json(indent=2)
    return title, render_report_html(report) if job.fmt == "html" else render_report_md(report)


class Schedule(BaseModel):
    """A scheduled job."""

    schedule_id: str
    store: str
    cron: str
    command: str
    deliver: str
    timezone: str
    created_at: dt.datetime
    last_slot: dt.datetime | None = None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


def add_schedule(
    engine: Engine,
    store: str,
    cron: str,
    command: str,
    target: str,
    *,
    timezone: str,
    settings: Settings | None = None,
) -> Schedule:
    """Add a schedule after checking its cron expression, job and delivery target (with
    ``settings``, also where the target points: see :func:`~shopkeeper.ops.delivery.check_target`).
    """
    try:
        CronSim(cron, utcnow().astimezone(ZoneInfo(timezone)))
    except CronSimError as exc:
        raise ConfigError(f"cron expression {cron!r} is not valid: {exc}") from exc
    parse_job(command)
    check_target(target, settings, store)
    schedule = Schedule(
        schedule_id=uuid.uuid4().hex[:8],
        store=store,
        cron=cron,
        command=command,
        deliver=target,
        timezone=timezone,
        created_at=utcnow(),
    )
    with engine.begin() as conn:
        conn.execute(insert(schedules).values(**schedule.model_dump()))
    return schedule


def list_schedules(engine: Engine, store: str | None = None) -> list[Schedule]:
    """Schedules of one store (or of all stores)."""
    query = select(schedules)
    if store:
        query = query.where(schedules.c.store == store)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(schedules.c.created_at)).mappings().all()
    return [Schedule.model_validate(dict(r)) for r in rows]


def remove_schedule(engine: Engine, store: str, schedule_id: str) -> None:
    """Remove a schedule of this store."""
    with engine.begin() as conn:
        gone = conn.execute(
            delete(schedules).where(
                schedules.c.store == store, schedules.c.schedule_id == schedule_id
            )
        ).rowcount
    if gone != 1:
        raise ScheduleNotFound(f"no schedule {schedule_id!r} in store {store!r}")


def due_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
    """The latest slot at or before ``now`` that has not run yet (None when nothing is due)."""
    tz = ZoneInfo(schedule.timezone)
    after = _aware(schedule.last_slot or schedule.created_at).astimezone(tz)
    latest = None
    for slot in CronSim(schedule.cron, after):
        if slot > now.astimezone(tz):
            break
        latest = slot
    return latest


class RunRecord(BaseModel):
    """One scheduled run."""

    schedule_id: str
    store: str
    slot: dt.datetime
    started_at: dt.datetime
    status: Literal["ok", "failed"]
    detail: str


def claim_slot(engine: Engine, schedule_id: str, slot: dt.datetime) -> bool:
    """Claim a slot before running it: True for the one ticker whose claim lands first."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(schedule_claims).values(
                    schedule_id=schedule_id, slot=slot, claimed_at=utcnow()
                )
            )
    except IntegrityError:
        return False
    return True


def tick(
    settings: Settings,
    engine: Engine,
    now: dt.datetime | None = None,
    *,
    resolve: Resolve = resolve_host,
) -> list[RunRecord]:
    """Run every due schedule once — a slot another ticker claimed is skipped; raise
    :class:`ScheduledRunFailed` (after recording) if any failed. ``resolve`` looks webhook hosts up.
    """
    now = _aware(now or utcnow())
    records = []
    for schedule in list_schedules(engine):
        due = due_slot(schedule, now)
        if due is None:
            continue
        slot = due.astimezone(ZoneInfo("UTC"))  # stored in UTC: SQLite keeps no offset
        if not claim_slot(engine, schedule.schedule_id, slot):
            continue
        started = utcnow()
        try:
            title, text = run_job(settings, schedule.store, parse_job(schedule.command))
            fmt = parse_job(schedule.command).fmt
            where = deliver(
                schedule.deliver,
                title,
                text,
                suffix=fmt,
                when=slot,
                settings=settings,
                store=schedule.store,
                resolve=resolve,
            )
            record = RunRecord(
                schedule_id=schedule.schedule_id,
                store=schedule.store,
                slot=slot,
                started_at=started,
                status="ok",
                detail=f"delivered to {where}",
            )
        except (ShopkeeperError, DeliveryError, OSError) as exc:
            record = RunRecord(
                schedule_id=schedule.schedule_id,
                store=schedule.store,
                slot=slot,
                started_at=started,
                status="failed",
                detail=str(exc),
            )
        with engine.begin() as conn:
            conn.execute(insert(schedule_runs).values(**record.model_dump()))
            conn.execute(
                update(schedules)
                .where(schedules.c.schedule_id == schedule.schedule_id)
                .values(last_slot=slot)
            )
        records.append(record)
    failed = [r for r in records if r.status == "failed"]
    if failed:
        raise ScheduledRunFailed(
            "; ".join(
                f"schedule {r.schedule_id} ({r.store}) at {r.slot}: {r.detail}" for r in failed
            )
        )
    return records


def runs_of(engine: Engine, store: str) -> list[RunRecord]:
    """A store's scheduled runs, newest first."""
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(schedule_runs)
                .where(schedule_runs.c.store == store)
                .order_by(schedule_runs.c.seq.desc())
            )
            .mappings()
            .all()
        )
    return [
        RunRecord.model_validate({k: v for k, v in dict(r).items() if k != "seq"}) for r in rows
    ]
