"""``shopkeeper memory``: what the team remembers about a store — visible and editable."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from shopkeeper.agents.team import EMPLOYEE_NAMES
from shopkeeper.cli.common import (
    ExistingStoreOpt,
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    show_records,
)
from shopkeeper.ops.memory import Memory, forget, memories_of, recall, remember

app = typer.Typer(
    help="Long-term memory per store: rules, preferences, decisions, notes.", no_args_is_help=True
)
Kind = Literal["rule", "preference", "decision", "note"]


def _show(items: list[Memory], fmt: OutputFormat) -> None:
    show_records(
        items,
        fmt,
        f"{len(items)} memories",
        {
            "id": lambda m: m.memory_id,
            "kind": lambda m: m.kind,
            "scope": lambda m: m.scope,
            "text": lambda m: m.text,
            "since": lambda m: f"{m.created_at:%Y-%m-%d}",
        },
    )


@app.command("list")
def list_(store: StoreOpt, fmt: FormatOpt = OutputFormat.text) -> None:
    """Everything remembered about the store."""
    _show(memories_of(app_context().engine, store), fmt)


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
    engine = app_context().engine
    _show([remember(engine, store, text, kind=kind, scope=scope)], fmt)  # type: ignore[arg-type]


@app.command("forget")
def forget_(memory_id: Annotated[str, typer.Argument(help="Memory id.")], store: StoreOpt) -> None:
    """Forget one memory."""
    gone = forget(app_context().engine, store, memory_id)
    console.print(f"forgot: {gone.text}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    store: StoreOpt,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """The memories most relevant to a question."""
    _show([m for m, _ in recall(app_context().engine, store, query)], fmt)
