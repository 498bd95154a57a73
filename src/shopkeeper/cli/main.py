"""The ``shopkeeper`` command: one Typer app per command group, thin commands, one error handler."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from shopkeeper import __version__
from shopkeeper.cli import (
    approvals,
    cs,
    demo,
    findings,
    memory,
    report,
    runs,
    schedule,
    skills,
    store,
    token,
)
from shopkeeper.cli.ask import ask, chat
from shopkeeper.cli.common import err_console
from shopkeeper.cli.inspect import inspect
from shopkeeper.cli.mcp import mcp
from shopkeeper.cli.serve import serve
from shopkeeper.errors import ShopkeeperError


class _Root(TyperGroup):
    """The one top-level handler: a Shopkeeper error becomes a message on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ShopkeeperError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    name="shopkeeper",
    cls=_Root,
    help="Shopkeeper (生意管家): your store's AI operations team.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(store.app, name="store")
app.add_typer(demo.app, name="demo")
app.command("inspect")(inspect)
app.add_typer(findings.app, name="findings")
app.add_typer(report.app, name="report")
app.add_typer(skills.app, name="skills")
app.add_typer(approvals.app, name="approvals")
app.command("audit")(approvals.audit)
app.add_typer(memory.app, name="memory")
app.add_typer(schedule.app, name="schedule")
app.command("mcp")(mcp)
app.command("ask")(ask)
app.command("chat")(chat)
app.add_typer(runs.app, name="runs")
app.add_typer(token.app, name="token")
app.command("serve")(serve)
app.add_typer(cs.app, name="cs")


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Shopkeeper (生意管家): your store's AI operations team."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()
