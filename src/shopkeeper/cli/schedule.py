"""``shopkeeper schedule``: reports and inspections on a cron, delivered to a folder or an IM webhook."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    parse_instant,
    print_json,
    settings,
    show_records,
    valid_store,
)
from shopkeeper.jobs import job_runner
from shopkeeper.ops.schedules import (
    add_schedule,
    list_schedules,
    parse_job,
    remove_schedule,
    runs_of,
    tick,
)
from shopkeeper.store.warehouse import store_config

app = typer.Typer(help="Scheduled reports and inspections.", no_args_is_help=True)


@app.command()
def add(
    cron: Annotated[
        str, typer.Argument(help="Cron expression in the store's time zone, e.g. '0 8 * * *'.")
    ],
    command: Annotated[
        str,
        typer.Argument(
            help="The job: 'report daily|weekly [--role R] [--format md|html|json]' or "
            "'inspect [--format md|html|json]'."
        ),
    ],
    store: StoreOpt,
    deliver: Annotated[
        str, typer.Option(help="file:DIR, webhook:URL, feishu:URL, dingtalk:URL or wecom:URL.")
    ],
) -> None:
    """Add a schedule."""
    s = settings()
    job = parse_job(command)
    timezone = store_config(s, store).timezone
    engine = app_context().engine
    schedule = add_schedule(engine, store, cron, job, deliver, timezone=timezone, settings=s)
    console.print(
        f"schedule {schedule.schedule_id}: {cron} ({timezone}) → {job.words()} → {deliver}"
    )


@app.command("list")
def list_(
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Only this store.", callback=valid_store)
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Schedules, with the last slot each ran for."""
    items = list_schedules(app_context().engine, store)
    show_records(
        items,
        fmt,
        f"{len(items)} schedules",
        {
            "id": lambda i: i.schedule_id,
            "store": lambda i: i.store,
            "cron": lambda i: f"{i.cron} ({i.timezone})",
            "job": lambda i: i.job.words(),
            "deliver": lambda i: i.deliver,
            "last run": lambda i: i.last_slot or "never",
        },
    )


@app.command()
def remove(
    schedule_id: Annotated[str, typer.Argument(help="Schedule id.")], store: StoreOpt
) -> None:
    """Remove a schedule."""
    remove_schedule(app_context().engine, store, schedule_id)
    console.print(f"removed schedule {schedule_id}")


@app.command("tick")
def tick_(
    now: Annotated[
        dt.datetime | None,
        typer.Option(
            parser=parse_instant,
            metavar="YYYY-MM-DDTHH:MM",
            help="Pretend it is this time; default: now.",
        ),
    ] = None,
) -> None:
    """Run every schedule that is due (a missed one runs once); exit 1 if a run failed."""
    app = app_context()
    records = tick(app.settings, app.engine, now, run=job_runner(app))
    for r in records:
        console.print(
            f"{r.status}: schedule {r.schedule_id} ({r.store}) slot {r.slot:%Y-%m-%d %H:%M} — {r.detail}"
        )
    if not records:
        console.print("nothing due")


@app.command()
def runs(store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """Scheduled runs of a store, newest first, failures included."""
    items = runs_of(app_context().engine, store)
    if fmt is OutputFormat.json:
        print_json([i.model_dump(mode="json") for i in items])
        return
    for r in items:
        console.print(
            f"{r.started_at:%Y-%m-%d %H:%M} {r.status:6s} schedule {r.schedule_id} slot {r.slot:%Y-%m-%d %H:%M} — {r.detail}"
        )
