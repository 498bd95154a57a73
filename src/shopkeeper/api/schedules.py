"""Schedules of a store: list, add, remove, and every run (failures included).

The service itself runs them (see :mod:`shopkeeper.api.ticker`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field
from sqlalchemy import update

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.ops.schedules import (
    Job,
    RunRecord,
    Schedule,
    add_schedule,
    list_schedules,
    remove_schedule,
    runs_of,
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
def runs(store: StorePath, _caller: Scheduler, services: ServicesDep) -> list[RunRecord]:
    """The store's scheduled runs, newest first, failures included."""
    return runs_of(services.engine, store)


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove(store: StorePath, schedule_id: str, _caller: Scheduler, services: ServicesDep) -> None:
    """Remove a schedule."""
    remove_schedule(services.engine, store, schedule_id)
