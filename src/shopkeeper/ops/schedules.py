"""Scheduled jobs: reports and inspections on a cron, delivered to a folder or an IM webhook.

A schedule is a cron expression read in the store's time zone, a typed job (:data:`Job`: an
:class:`InspectJob` or a :class:`ReportJob`) and a delivery target (:mod:`shopkeeper.ops.delivery`).
:func:`tick` runs every schedule whose latest slot has come and not yet run — so a run missed while
the service was down is caught up once on start, not once per missed slot. Every run is recorded; a
failure is recorded with its error and raised to the caller (never silent), and that slot is not
retried in a loop.

This module keeps the schedule model, due slots, claims and run records; what a job *does* is the
edge's (:func:`shopkeeper.jobs.run_job`), handed to :func:`tick` as ``run``. Kinds reserved for
later jobs: ``ads_plan``, ``kb_refresh``, ``sync``.
"""

from __future__ import annotations

import datetime as dt
import shlex
import uuid
from collections.abc import Callable
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.ops.delivery import DeliveryError, check_target, deliver
from shopkeeper.ops.egress import Resolve, resolve_host
from shopkeeper.opsdb import schedule_claims, schedule_runs, schedules
from shopkeeper.reports.models import ReportKind, Role
from shopkeeper.settings import Settings

Format = Literal["md", "html", "json"]
"""How a job's result is rendered and delivered (also the delivered file's suffix)."""


class ScheduleNotFound(ShopkeeperError, LookupError):
    """No schedule with that id in this store."""


class ScheduledRunFailed(ShopkeeperError, RuntimeError):
    """One or more scheduled runs failed (each is recorded with its error)."""


class InspectJob(BaseModel):
    """Inspect the store (巡店) and deliver its findings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["inspect"] = "inspect"
    format: Format = "md"

    def words(self) -> str:
        """The job as ``schedule add`` takes it on the command line."""
        return "inspect" + ("" if self.format == "md" else f" --format {self.format}")


class ReportJob(BaseModel):
    """Build the daily or weekly report for one role and deliver it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["report"] = "report"
    period: ReportKind = "daily"
    role: Role = "owner"
    format: Format = "md"

    def words(self) -> str:
        """The job as ``schedule add`` takes it on the command line."""
        fmt = "" if self.format == "md" else f" --format {self.format}"
        return f"report {self.period} --role {self.role}{fmt}"


Job = Annotated[InspectJob | ReportJob, Field(discriminator="kind")]
"""What a schedule runs, told apart by ``kind`` (later kinds: ``ads_plan``, ``kb_refresh``, ``sync``)."""

JOB: TypeAdapter[InspectJob | ReportJob] = TypeAdapter(Job)

JobRunner = Callable[[Settings, str, InspectJob | ReportJob], tuple[str, str]]
"""Runs a store's job and returns its title and rendered text (:func:`shopkeeper.jobs.run_job`)."""

_WORDS = (
    "'report daily|weekly [--role owner|ops|cs|ads] [--format md|html|json]' "
    "or 'inspect [--format md|html|json]'"
)


def parse_job(command: str) -> InspectJob | ReportJob:
    """Build a job from the words ``schedule add`` takes.

    >>> parse_job("report weekly --role ops --format html")
    ReportJob(kind='report', period='weekly', role='ops', format='html')
    >>> parse_job("inspect").kind
    'inspect'
    """
    try:
        what, *rest = shlex.split(command)
        fields: dict[str, str] = {"kind": what}
        while rest:
            word = rest.pop(0)
            if word in ("--role", "--format") and rest:
                fields[word[2:]] = rest.pop(0)
            elif what == "report" and "period" not in fields and not word.startswith("-"):
                fields["period"] = word
            else:
                raise ValueError(word)
        return JOB.validate_python(fields)
    except ValueError as exc:  # from shlex, a stray word, or the model (ValidationError)
        raise ConfigError(f"job {command!r} is not one of: {_WORDS}") from exc


class Schedule(BaseModel):
    """A scheduled job."""

    schedule_id: str
    store: str
    cron: str
    job: Job
    deliver: str
    timezone: str
    created_at: dt.datetime
    last_slot: dt.datetime | None = None
    paused: bool = False


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


def add_schedule(
    engine: Engine,
    store: str,
    cron: str,
    job: InspectJob | ReportJob,
    target: str,
    *,
    timezone: str,
    settings: Settings | None = None,
) -> Schedule:
    """Add a schedule after checking its cron expression, job and delivery target (with
    ``settings``, also where the target points: see :func:`~shopkeeper.ops.delivery.check_target`).
    """
    check_cron(cron, timezone)
    check_target(target, settings, store)
    schedule = Schedule(
        schedule_id=uuid.uuid4().hex[:8],
        store=store,
        cron=cron,
        job=job,
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


def get_schedule(engine: Engine, store: str, schedule_id: str) -> Schedule:
    """One schedule of this store."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(schedules).where(
                    schedules.c.store == store, schedules.c.schedule_id == schedule_id
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise ScheduleNotFound(f"no schedule {schedule_id!r} in store {store!r}")
    return Schedule.model_validate(dict(row))


def update_schedule(
    engine: Engine,
    store: str,
    schedule_id: str,
    *,
    cron: str | None = None,
    job: InspectJob | ReportJob | None = None,
    target: str | None = None,
    paused: bool | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> Schedule:
    """Change a schedule's cron, job, target or pause it (each checked as :func:`add_schedule`
    checks them). A paused schedule runs no slot; resumed, it runs from the next slot on.
    """
    current = get_schedule(engine, store, schedule_id)
    values: dict[str, object] = {}
    if cron is not None:
        check_cron(cron, current.timezone)
        values["cron"] = cron
    if job is not None:
        values["job"] = job
    if target is not None:
        check_target(target, settings, store)
        values["deliver"] = target
    if paused is not None:
        values["paused"] = paused
        if not paused and current.paused:  # resume: slots missed while paused are not caught up
            values["last_slot"] = _aware(now or utcnow()).astimezone(ZoneInfo("UTC"))
    if values:
        with engine.begin() as conn:
            conn.execute(
                update(schedules)
                .where(schedules.c.schedule_id == schedule_id)
                .values(**{k: _plain(v) for k, v in values.items()})
            )
    return get_schedule(engine, store, schedule_id)


def _plain(value: object) -> object:
    return value.model_dump() if isinstance(value, BaseModel) else value


def check_cron(cron: str, timezone: str) -> None:
    """Raise :class:`ConfigError` unless ``cron`` is a valid expression."""
    try:
        CronSim(cron, utcnow().astimezone(ZoneInfo(timezone)))
    except CronSimError as exc:
        raise ConfigError(f"cron expression {cron!r} is not valid: {exc}") from exc


def next_slots(cron: str, timezone: str, after: dt.datetime, n: int = 3) -> list[dt.datetime]:
    """The next ``n`` slots of ``cron`` after ``after``, in the time zone (the cron helper)."""
    check_cron(cron, timezone)
    slots = CronSim(cron, _aware(after).astimezone(ZoneInfo(timezone)))
    return [next(slots) for _ in range(n)]


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
    run: JobRunner,
    resolve: Resolve = resolve_host,
) -> list[RunRecord]:
    """Run every due schedule's job once with ``run`` — a slot another ticker claimed is skipped;
    raise :class:`ScheduledRunFailed` (after recording) if any failed. ``resolve`` looks webhook
    hosts up.
    """
    now = _aware(now or utcnow())
    records = []
    for schedule in list_schedules(engine):
        if schedule.paused:
            continue
        due = due_slot(schedule, now)
        if due is None:
            continue
        slot = due.astimezone(ZoneInfo("UTC"))  # stored in UTC: SQLite keeps no offset
        if not claim_slot(engine, schedule.schedule_id, slot):
            continue
        record = run_schedule(settings, schedule, slot, run=run, resolve=resolve)
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


def run_schedule(
    settings: Settings,
    schedule: Schedule,
    slot: dt.datetime,
    *,
    run: JobRunner,
    resolve: Resolve = resolve_host,
    prefix: str = "",
) -> RunRecord:
    """Run a schedule's job for ``slot`` and deliver it; the record says how it went."""
    started = utcnow()
    try:
        title, text = run(settings, schedule.store, schedule.job)
        where = deliver(
            schedule.deliver,
            title,
            text,
            suffix=schedule.job.format,
            when=slot,
            settings=settings,
            store=schedule.store,
            resolve=resolve,
        )
        status: Literal["ok", "failed"] = "ok"
        detail = f"delivered to {where}"
    except (ShopkeeperError, DeliveryError, OSError) as exc:
        status, detail = "failed", str(exc)
    return RunRecord(
        schedule_id=schedule.schedule_id,
        store=schedule.store,
        slot=slot,
        started_at=started,
        status=status,
        detail=prefix + detail,
    )


def send_now(
    settings: Settings,
    engine: Engine,
    schedule: Schedule,
    *,
    run: JobRunner,
    now: dt.datetime | None = None,
    resolve: Resolve = resolve_host,
) -> RunRecord:
    """Run and deliver a schedule's job now, outside its cron; recorded in its history
    (``detail`` starts with ``test:``) and leaving its slots as they were.
    """
    slot = _aware(now or utcnow()).astimezone(ZoneInfo("UTC"))
    record = run_schedule(settings, schedule, slot, run=run, resolve=resolve, prefix="test: ")
    with engine.begin() as conn:
        conn.execute(insert(schedule_runs).values(**record.model_dump()))
    return record


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
