"""The ``shopkeeper`` command: one Typer app per command group, thin commands, one error handler.

Command groups load when they are called, not when the program starts: ``shopkeeper --version``
imports Typer and nothing of Shopkeeper's, and ``shopkeeper inspect`` imports the inspection only
(``--help`` loads every group to list them). The table below is the one place a command is named.
"""

from __future__ import annotations

import atexit
import gc
import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from shopkeeper import __version__
from shopkeeper.errors import ShopkeeperError

#: command name → (module, attribute): a Typer group, or a function that is one command.
COMMANDS: dict[str, tuple[str, str]] = {
    "store": ("shopkeeper.cli.store", "app"),
    "demo": ("shopkeeper.cli.demo", "app"),
    "inspect": ("shopkeeper.cli.inspect", "inspect"),
    "findings": ("shopkeeper.cli.findings", "app"),
    "report": ("shopkeeper.cli.report", "app"),
    "skills": ("shopkeeper.cli.skills", "app"),
    "approvals": ("shopkeeper.cli.approvals", "app"),
    "audit": ("shopkeeper.cli.approvals", "audit"),
    "memory": ("shopkeeper.cli.memory", "app"),
    "schedule": ("shopkeeper.cli.schedule", "app"),
    "mcp": ("shopkeeper.cli.mcp", "mcp"),
    "ask": ("shopkeeper.cli.ask", "ask"),
    "chat": ("shopkeeper.cli.ask", "chat"),
    "runs": ("shopkeeper.cli.runs", "app"),
    "token": ("shopkeeper.cli.token", "app"),
    "serve": ("shopkeeper.cli.serve", "serve"),
    "cs": ("shopkeeper.cli.cs", "app"),
}


def load_command(name: str) -> Any:
    """The click command for ``name``, importing its module now."""
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    command: Any
    if isinstance(target, typer.Typer):  # a group, even of one command (`demo create`)
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


def _skip_final_collection() -> None:
    """Let the process exit without a last garbage collection over everything it imported.

    Once a command has printed its result there is nothing left to finalize (warehouses and the
    operational database are closed by their context managers), yet the interpreter's final
    collection walks every object of the libraries loaded: about a sixth of an offline ``ask``
    (0.16 s of 1.0 s of CPU on the demo store). Freezing the heap at exit leaves it to the OS.
    """
    atexit.unregister(gc.freeze)  # once, however many commands a process runs (tests)
    atexit.register(gc.freeze)


class _Root(TyperGroup):
    """The root group: loads command groups on first use, and is the one top-level handler.

    A Shopkeeper error becomes a message on stderr and exit code 1.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in COMMANDS:
            found = load_command(cmd_name)
        return found

    def invoke(self, ctx: Any) -> Any:
        _skip_final_collection()
        try:
            return super().invoke(ctx)
        except ShopkeeperError as exc:
            from shopkeeper.cli.common import err_console

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


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Shopkeeper (生意管家): your store's AI operations team."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()
