"""``shopkeeper schedule``: reports and inspections on a cron, delivered to a folder or an IM webhook."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    console,
    parse_instant,
    print_json,
    settings,
    valid_store,
)
from shopkeeper.ops.db import ops_engine
from shopkeeper.ops.schedules import add_schedule, list_schedules, remove_schedule, runs_of, tick
from shopkeeper.store.warehouse import Warehouse, existing_store_dir

app = typer.Typer(help="Scheduled reports and inspections.", no_args_is_help=True)


@app.command()
def add(
    cron: Annotated[
        str, typer.Argument(help="Cron expression in the store's time zone, e.g. '0 8 * * *'.")
    ],
    command: Annotated[
        str,
        typer.Argument(
            help="'report daily|weekly [--role R] [--format md|html|json]' or 'inspect'."
        ),
    ],
    store: StoreOpt,
    deliver: Annotated[
        str, typer.Option(help="file:DIR, webhook:URL, feishu:URL, dingtalk:URL or wecom:URL.")
    ],
) -> None:
    """Add a schedule."""
    s = settings()
    with Warehouse.open(existing_store_dir(s, store), read_only=True) as wh:
        config = wh.store_config()
    timezone = config.timezone if config else "UTC"
    schedule = add_schedule(
        ops_engine(s), store, cron, command, deliver, timezone=timezone, settings=s
    )
    console.print(f"schedule {schedule.schedule_id}: {cron} ({timezone}) → {command} → {deliver}")


@app.command("list")
def list_(
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Only this store.", callback=valid_store)
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Schedules, with the last slot each ran for."""
    items = list_schedules(ops_engine(settings()), store)
    if fmt is OutputFormat.json:
        print_json([i.model_dump(mode="json") for i in items])
        return
    grid = Table(title=f"{len(items)} schedules", title_justify="left")
    for col in ("id", "store", "cron", "job", "deliver", "last run"):
        grid.add_column(col, overflow="fold")
    for i in items:
        grid.add_row(
            i.schedule_id,
            i.store,
            f"{i.cron} ({i.timezone})",
            i.command,
            i.deliver,
            str(i.last_slot or "never"),
        )
    console.print(grid)


@app.command()
def remove(
    schedule_id: Annotated[str, typer.Argument(help="Schedule id.")], store: StoreOpt
) -> None:
    """Remove a schedule."""
    remove_schedule(ops_engine(settings()), store, schedule_id)
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
    records = tick(settings(), ops_engine(settings()), now)
    for r in records:
        console.print(
            f"{r.status}: schedule {r.schedule_id} ({r.store}) slot {r.slot:%Y-%m-%d %H:%M} — {r.detail}"
        )
    if not records:
        console.print("nothing due")


@app.command()
def runs(store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """Scheduled runs of a store, newest first, failures included."""
    items = runs_of(ops_engine(settings()), store)
    if fmt is OutputFormat.json:
        print_json([i.model_dump(mode="json") for i in items])
        return
    for r in items:
        console.print(
            f"{r.started_at:%Y-%m-%d %H:%M} {r.status:6s} schedule {r.schedule_id} slot {r.slot:%Y-%m-%d %H:%M} — {r.detail}"
        )
