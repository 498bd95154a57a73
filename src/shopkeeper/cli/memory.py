"""``shopkeeper memory``: what the team remembers about a store — visible and editable.

The contract is :mod:`shopkeeper.ops.memory`'s, shared with the API and the skills: ``--format json``
prints the same records as ``GET /v1/stores/{store}/memory`` and the ``recall_memory`` skill.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from shopkeeper.cli.common import (
    ExistingStoreOpt,
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    show_records,
)
from shopkeeper.ops.memory import (
    SCOPE_HELP,
    Memory,
    MemoryQuery,
    NewMemory,
    add_memory,
    find_memories,
    forget,
)
from shopkeeper.ops.rules import enforcement

app = typer.Typer(
    help="Long-term memory per store: rules, preferences, decisions, notes.", no_args_is_help=True
)
_KINDS = "rule | preference | decision | note"
KindOpt = Annotated[str | None, typer.Option(help=f"Only this kind: {_KINDS}.")]
ScopeOpt = Annotated[
    str | None,
    typer.Option(help="What one employee recalls: the store-wide memories and its own."),
]


def _show(items: Sequence[Memory], fmt: OutputFormat) -> None:
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


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], **values: Any) -> M:
    """The command's options as the contract's model; a bad one is a usage error naming it."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0])
        allowed = {"kind": _KINDS.replace(" |", ","), "scope": SCOPE_HELP}.get(name, error["msg"])
        raise typer.BadParameter(
            f"{values.get(name)!r} is not allowed: use {allowed}", param_hint=f"--{name}"
        ) from exc


@app.command("list")
def list_(
    store: StoreOpt,
    kind: KindOpt = None,
    scope: ScopeOpt = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Everything remembered about the store, oldest first."""
    query = _parse(MemoryQuery, kind=kind, scope=scope)
    _show(find_memories(app_context().engine, store, query), fmt)


@app.command()
def add(
    text: Annotated[str, typer.Argument(help="What to remember, e.g. '不做低于5折的促销'.")],
    store: ExistingStoreOpt,
    kind: Annotated[str, typer.Option(help=_KINDS)] = "note",
    scope: Annotated[str, typer.Option(help=SCOPE_HELP)] = "store",
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Remember something; a rule constrains what the team may propose (e.g. a price floor)."""
    if not text.strip():
        raise typer.BadParameter("nothing to remember: the text is empty", param_hint="TEXT")
    new = _parse(NewMemory, text=text, kind=kind, scope=scope)
    context = app_context()
    memory = add_memory(context.engine, store, new, source="user")
    _show([memory], fmt)
    note = enforcement(memory, context.store(store).language)
    if note and fmt == OutputFormat.text:
        console.print(note)


@app.command("forget")
def forget_(memory_id: Annotated[str, typer.Argument(help="Memory id.")], store: StoreOpt) -> None:
    """Forget one memory."""
    gone = forget(app_context().engine, store, memory_id)
    console.print(f"forgot: {gone.text}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    store: StoreOpt,
    kind: KindOpt = None,
    scope: ScopeOpt = None,
    k: Annotated[int | None, typer.Option(help="At most this many (10 by default).")] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """The memories most relevant to a question, best first."""
    found = find_memories(
        app_context().engine, store, _parse(MemoryQuery, query=query, kind=kind, scope=scope, k=k)
    )
    _show(found, fmt)
