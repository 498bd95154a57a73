"""``shopkeeper findings``: problems over time, and dismissing the ones that are expected."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    day_option,
    print_json,
    valid_store,
)
from shopkeeper.inspection.history import FindingsHistory, dismiss, forget, history, undismiss
from shopkeeper.inspection.kinds import kind_label

app = typer.Typer(
    help="Problems found over time: new, ongoing, resolved; dismiss the expected ones."
)


@app.callback(invoke_without_command=True)
def findings(
    ctx: typer.Context,
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store name.", callback=valid_store)
    ] = None,
    since: Annotated[
        dt.date | None, day_option("From this day (default: 14 days back).", "--since")
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """List problems seen since a day: new, ongoing and resolved."""
    if ctx.invoked_subcommand is not None:
        return
    if store is None:
        raise typer.BadParameter("--store is required", param_hint="--store")
    engine = app_context().engine
    result = history(engine, store, since)
    if fmt is OutputFormat.json:
        print_json(result.model_dump(mode="json"))
    else:
        _print(result)


def _print(result: FindingsHistory) -> None:
    if result.latest is None:
        console.print(
            f"No inspection recorded for {result.store} yet: run `shopkeeper inspect --store {result.store}`."
        )
        return
    c = result.counts()
    grid = Table(
        title=f"{result.store}: {result.since} → {result.latest} · new {c['new']} · ongoing {c['ongoing']} · resolved {c['resolved']}",
        title_justify="left",
    )
    for col in ("status", "kind", "what", "seen", "id"):
        grid.add_column(col, overflow="fold")
    for p in result.problems:
        status = p.status + (" (dismissed)" if p.dismissed else "")
        grid.add_row(
            status,
            kind_label(p.finding.kind, "en"),
            f"{p.finding.entity.name or p.finding.entity.id}: {p.finding.title}",
            f"{p.first_seen}…{p.last_seen} ({p.days_seen}d)",
            p.finding.id,
        )
    console.print(grid)


@app.command("dismiss")
def dismiss_(
    finding: Annotated[str, typer.Argument(help="Finding id (or its key without the date).")],
    store: StoreOpt,
    reason: Annotated[str, typer.Option(help="Why it is expected, e.g. 'clearance sale'.")],
) -> None:
    """Dismiss a problem: it stays quiet until its evidence changes materially."""
    engine = app_context().engine
    f = dismiss(engine, store, finding, reason)
    console.print(f"Dismissed {f.kind} on {f.entity.type} {f.entity.id}: {reason}")


@app.command("undismiss")
def undismiss_(
    finding: Annotated[str, typer.Argument(help="Finding id (or its key without the date).")],
    store: StoreOpt,
) -> None:
    """Take a dismissal back."""
    engine = app_context().engine
    f = undismiss(engine, store, finding)
    console.print(f"{f.kind} on {f.entity.type} {f.entity.id} will be reported again")


@app.command("forget")
def forget_(
    date: Annotated[dt.date, day_option("The day of the inspection run to forget.")],
    store: StoreOpt,
) -> None:
    """Forget one inspection run, as if it never ran: what it marked new or resolved is undone."""
    engine = app_context().engine
    gone = forget(engine, store, date)
    console.print(f"Forgot the inspection of {store} on {date} ({gone} findings)")


__all__ = ["app"]
