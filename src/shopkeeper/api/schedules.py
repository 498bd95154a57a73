"""Schedules of a store: list, add, edit or pause, remove, send now, the cron helper, and every
run (failures included, first when asked).

The service itself runs them (see :mod:`shopkeeper.api.ticker`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import update

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.jobs import job_runner
from shopkeeper.ops.schedules import (
    Job,
    RunRecord,
    Schedule,
    add_schedule,
    get_schedule,
    list_schedules,
    next_slots,
    remove_schedule,
    runs_of,
    send_now,
    update_schedule,
)
from shopkeeper.opsdb import schedules
from shopkeeper.store.warehouse import store_config

Scheduler = Annotated[Principal, Depends(require("schedules"))]

router = APIRouter(prefix="/v1/stores/{store}/schedules", tags=["schedules"])


class NewSchedule(BaseModel):
    """A job on a cron, in the store's time zone, delivered somewhere."""

    cron: str = Field(description="cron expression, e.g. '0 8 * * *'")
    job: Job = Field(
        description='what to run, by kind: {"kind": "inspect", "format": "md|html|json"} or '
        '{"kind": "report", "period": "daily|weekly", "role": "owner|ops|cs|ads", "format": ...}'
    )
    deliver: str = Field(
        description="file:DIR (under the store's folder), email:ADDR, webhook:URL, feishu:URL, "
        "dingtalk:URL or wecom:URL (public hosts, or those in SHOPKEEPER_DELIVERY_ALLOW_HOSTS)"
    )


@router.get("")
def list_(store: StorePath, _caller: Scheduler, services: ServicesDep) -> list[Schedule]:
    """The store's schedules, with the last slot each ran for."""
    return list_schedules(services.engine, store)


@router.post("", status_code=status.HTTP_201_CREATED)
def add(store: StorePath, body: NewSchedule, _caller: Scheduler, services: ServicesDep) -> Schedule:
    """Add a schedule (its cron, job and target are checked first)."""
    schedule = add_schedule(
        services.engine,
        store,
        body.cron,
        body.job,
        body.deliver,
        timezone=store_config(services.settings, store).timezone,
        settings=services.settings,
    )
    return _created_on_store_clock(services, schedule)


def _created_on_store_clock(services: Services, schedule: Schedule) -> Schedule:
    """Date the schedule by the store clock, so its first slot follows the clock the service runs
    on (a demo served ``--now`` in the past would otherwise wait for real time to catch up).
    """
    created = services.clock()
    with services.engine.begin() as conn:
        conn.execute(
            update(schedules)
            .where(schedules.c.schedule_id == schedule.schedule_id)
            .values(created_at=created)
        )
    return schedule.model_copy(update={"created_at": created})


@router.get("/runs")
def runs(
    store: StorePath,
    _caller: Scheduler,
    services: ServicesDep,
    failures_first: Annotated[bool, Query(description="failed runs first, then the rest")] = False,
    schedule_id: Annotated[str | None, Query(description="only this schedule's runs")] = None,
) -> list[RunRecord]:
    """The store's scheduled runs, newest first, failures included."""
    records = runs_of(services.engine, store)
    if schedule_id:
        records = [r for r in records if r.schedule_id == schedule_id]
    if failures_first:
        records.sort(key=lambda r: r.status != "failed")  # stable: newest first within each
    return records


class CronHelp(BaseModel):
    """When a cron expression runs next, in the store's time zone."""

    cron: str
    timezone: str
    next: list[dt.datetime]


@router.get("/cron")
def cron_help(
    store: StorePath,
    _caller: Scheduler,
    services: ServicesDep,
    cron: Annotated[str, Query(description="cron expression, e.g. '0 8 * * *'")],
) -> CronHelp:
    """The next three slots of a cron expression in the store's time zone (422 if invalid)."""
    tz = store_config(services.settings, store).timezone
    return CronHelp(cron=cron, timezone=tz, next=next_slots(cron, tz, services.clock()))


class ScheduleChange(BaseModel):
    """What to change of a schedule (absent fields stay as they are)."""

    cron: str | None = None
    job: Job | None = None
    deliver: str | None = None
    paused: bool | None = Field(default=None, description="true pauses, false resumes")


@router.patch("/{schedule_id}")
def edit(
    store: StorePath,
    schedule_id: str,
    body: ScheduleChange,
    _caller: Scheduler,
    services: ServicesDep,
) -> Schedule:
    """Edit or pause a schedule (each field checked as when adding)."""
    return update_schedule(
        services.engine,
        store,
        schedule_id,
        cron=body.cron,
        job=body.job,
        target=body.deliver,
        paused=body.paused,
        settings=services.settings,
        now=services.clock(),
    )


@router.post("/{schedule_id}/test")
async def send_test(
    store: StorePath, schedule_id: str, _caller: Scheduler, services: ServicesDep
) -> RunRecord:
    """Run the job and deliver it now (a test send); recorded in the history, ok or failed."""
    schedule = get_schedule(services.engine, store, schedule_id)
    return await anyio.to_thread.run_sync(
        lambda: send_now(
            services.settings,
            services.engine,
            schedule,
            run=job_runner(services.app),
            now=services.clock(),
        )
    )


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove(store: StorePath, schedule_id: str, _caller: Scheduler, services: ServicesDep) -> None:
    """Remove a schedule."""
    remove_schedule(services.engine, store, schedule_id)
