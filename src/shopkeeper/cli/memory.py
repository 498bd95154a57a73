"""``shopkeeper memory``: what the team remembers about a store — visible and editable."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.table import Table

from shopkeeper.agents.team import EMPLOYEE_NAMES
from shopkeeper.cli.common import (
    ExistingStoreOpt,
    FormatOpt,
    OutputFormat,
    StoreOpt,
    console,
    print_json,
    settings,
)
from shopkeeper.ops.db import ops_engine
from shopkeeper.ops.memory import Memory, forget, memories_of, recall, remember

app = typer.Typer(
    help="Long-term memory per store: rules, preferences, decisions, notes.", no_args_is_help=True
)
Kind = Literal["rule", "preference", "decision", "note"]


def _show(items: list[Memory], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        print_json([m.model_dump(mode="json") for m in items])
        return
    grid = Table(title=f"{len(items)} memories", title_justify="left")
    for col in ("id", "kind", "scope", "text", "since"):
        grid.add_column(col, overflow="fold")
    for m in items:
        grid.add_row(m.memory_id, m.kind, m.scope, m.text, m.created_at.strftime("%Y-%m-%d"))
    console.print(grid)


@app.command("list")
def list_(store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """Everything remembered about the store."""
    _show(memories_of(ops_engine(settings()), store), fmt)


@app.command()
def add(
    text: Annotated[str, typer.Argument(help="What to remember, e.g. '不做低于5折的促销'.")],
    store: ExistingStoreOpt,
    kind: Annotated[str, typer.Option(help="rule | preference | decision | note")] = "note",
    scope: Annotated[
        str,
        typer.Option(help="store (the whole team) or one employee: " + ", ".join(EMPLOYEE_NAMES)),
    ] = "store",
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Remember something; a rule constrains what the team may propose (e.g. a price floor)."""
    if not text.strip():
        raise typer.BadParameter("nothing to remember: the text is empty", param_hint="TEXT")
    if kind not in ("rule", "preference", "decision", "note"):
        raise typer.BadParameter("use rule, preference, decision or note", param_hint="--kind")
    if scope != "store" and scope not in EMPLOYEE_NAMES:
        raise typer.BadParameter(
            f"use store or one of {', '.join(EMPLOYEE_NAMES)}", param_hint="--scope"
        )
    engine = ops_engine(settings())
    _show([remember(engine, store, text, kind=kind, scope=scope)], fmt)  # type: ignore[arg-type]


@app.command("forget")
def forget_(memory_id: Annotated[str, typer.Argument(help="Memory id.")], store: StoreOpt) -> None:
    """Forget one memory."""
    gone = forget(ops_engine(settings()), store, memory_id)
    console.print(f"forgot: {gone.text}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """The memories most relevant to a question."""
    _show([m for m, _ in recall(ops_engine(settings()), store, query)], fmt)
