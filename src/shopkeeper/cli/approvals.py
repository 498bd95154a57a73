"""``shopkeeper approvals`` and ``shopkeeper audit``: actions waiting for a person, and the trail."""

from __future__ import annotations

from typing import Annotated

import typer

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    settings,
    show_records,
)
from shopkeeper.ops.approvals import ActionRecord, approve, list_actions, reject
from shopkeeper.ops.audit import audit_log
from shopkeeper.ops.connectors import OutboxConnector

app = typer.Typer(
    help="Actions waiting for a person: list, approve (runs exactly once), reject.",
    no_args_is_help=True,
)


def _show(records: list[ActionRecord], fmt: OutputFormat) -> None:
    show_records(
        records,
        fmt,
        f"{len(records)} actions",
        {
            "id": lambda r: r.action_id,
            "status": lambda r: r.status,
            "action": lambda r: r.action,
            "arguments": lambda r: ", ".join(f"{k}={v}" for k, v in r.params.items()),
            "why": lambda r: "; ".join(r.reasons),
        },
    )


@app.command("list")
def list_(
    store: StoreOpt,
    every: Annotated[
        bool, typer.Option("--all", help="Every action, not only the pending ones.")
    ] = False,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Actions waiting for approval (or all actions with --all)."""
    _show(list_actions(app_context().engine, store, None if every else "pending"), fmt)


@app.command("approve")
def approve_(
    action_id: Annotated[str, typer.Argument(help="Action id.")],
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Approve a pending action: exactly its stored arguments run, once."""
    s = settings()
    engine = app_context().engine
    done = approve(engine, OutboxConnector(s.home / "stores", engine), store, action_id)
    _show([done], fmt)
    if fmt == OutputFormat.text:
        console.print(done.outcome(app_context().store(store).language))


@app.command("reject")
def reject_(
    action_id: Annotated[str, typer.Argument(help="Action id.")],
    store: StoreOpt,
    note: Annotated[str, typer.Option(help="Why.")] = "",
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Reject a pending action: it never runs."""
    _show([reject(app_context().engine, store, action_id, note=note)], fmt)


def audit(
    store: StoreOpt,
    action: Annotated[str | None, typer.Option(help="Only this action id.")] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Every proposal, decision and execution of a store, oldest first."""
    rows = audit_log(app_context().engine, store, action_id=action)
    show_records(
        rows,
        fmt,
        f"audit trail of {store}: {len(rows)} events",
        {
            "at": lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}",
            "event": lambda r: r.event,
            "action": lambda r: r.action_id,
            "actor": lambda r: r.actor,
            "details": lambda r: ", ".join(f"{k}={v}" for k, v in r.payload.items()),
        },
    )
