"""Things every command shares: settings, consoles, output formats, and the store and date options.

Every command takes ``--store`` through :data:`StoreOpt` (the name is checked by the one validator,
:func:`shopkeeper.store.names.check_store_name`) or :data:`ExistingStoreOpt` (the store must also
exist), and every date through :func:`parse_day` — a bad value is one sentence in the user's
language naming the accepted form, with a non-zero exit and no traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import click
import typer
from rich.console import Console

from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.names import check_store_name
from shopkeeper.text import Lang

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy import Engine

    from shopkeeper.context import AppContext

console = Console()
err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    """Machine- or human-readable output."""

    text = "text"
    json = "json"


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def user_lang() -> Lang:
    """The language of the person at the terminal, from the locale (``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``): Chinese for a ``zh`` locale, English otherwise.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def parse_day(value: str | dt.date) -> dt.date:
    """A ``YYYY-MM-DD`` option value as a date; a usage error (exit 2) otherwise.

    >>> parse_day("2026-11-20")
    datetime.date(2026, 11, 20)
    """
    if isinstance(value, dt.date):
        return value
    try:
        if _DAY.fullmatch(value.strip()):
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise typer.BadParameter(
        f"日期 {value!r} 无效：请用 YYYY-MM-DD 格式，例如 2026-11-20"
        if user_lang() == "zh"
        else f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-20"
    )


def parse_instant(value: str | dt.datetime) -> dt.datetime:
    """A ``YYYY-MM-DD[THH:MM[:SS][+HH:MM]]`` option value as a datetime; a usage error otherwise.

    >>> parse_instant("2026-11-20T08:00")
    datetime.datetime(2026, 11, 20, 8, 0)
    """
    if isinstance(value, dt.datetime):
        return value
    text = value.strip()
    try:
        if _DAY.match(text):
            return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    raise typer.BadParameter(
        f"时间 {value!r} 无效：请用 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM 格式，例如 2026-11-20T08:00"
        if user_lang() == "zh"
        else f"{value!r} is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-11-20T08:00"
    )


def day_option(help: str, name: str = "--date") -> Any:
    """A ``YYYY-MM-DD`` option (annotate it ``dt.date | None``)."""
    return typer.Option(name, parser=parse_day, metavar="YYYY-MM-DD", help=help)


def valid_store(value: str | None) -> str | None:
    """A ``--store`` callback: the name checked by the one validator (``None`` passes)."""
    return None if value is None else check_store_name(value)


def _existing_store(value: str | None) -> str | None:
    if value is not None:
        from shopkeeper.store.warehouse import existing_store_dir  # loads DuckDB: only when used

        existing_store_dir(settings(), value)
    return value


_STORE_HELP = "Store name (a folder under SHOPKEEPER_HOME/stores)."
StoreOpt = Annotated[str, typer.Option("--store", "-s", help=_STORE_HELP, callback=valid_store)]
"""A store name, checked by the one validator (the store need not exist)."""
ExistingStoreOpt = Annotated[
    str, typer.Option("--store", "-s", help=_STORE_HELP, callback=_existing_store)
]
"""A store that must exist (its name checked first)."""
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def settings() -> Settings:
    """Settings, read once per process."""
    return get_settings()


_APP_CONTEXT = "shopkeeper.app_context"


def app_context(s: Settings | None = None) -> AppContext:
    """The command's application context: built on first use (on ``s``, default the process's
    settings), once per command invocation (the operational database opened and migrated once, on
    a thread while the command starts its own work), closed when the command ends.
    """
    from shopkeeper.context import AppContext, in_background

    command = click.get_current_context(silent=True)
    held = command.meta.get(_APP_CONTEXT) if command is not None else None
    if held is None:
        s = s or settings()
        held = AppContext(s, in_background(lambda: _ops_engine(s)))
        if command is not None:
            command.meta[_APP_CONTEXT] = held
            command.call_on_close(held.close)
    assert isinstance(held, AppContext)
    return held


def _ops_engine(s: Settings) -> Engine:
    from shopkeeper.opsdb import ops_engine  # loads SQLAlchemy: only for commands that use it

    return ops_engine(s)


def print_json(data: Any) -> None:
    """Print JSON to stdout (UTF-8, no Rich markup)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


Record = TypeVar("Record", bound="BaseModel")


def show_records(
    records: Sequence[Record],
    fmt: OutputFormat,
    title: str,
    columns: Mapping[str, Callable[[Record], object]],
) -> None:
    """Records as JSON (each model's dump) or as a table titled ``title``, one column per entry of
    ``columns`` (its header and how a record gives its cell): the one record printer of the CLI.
    """
    if fmt is OutputFormat.json:
        print_json([r.model_dump(mode="json") for r in records])
        return
    from rich.table import Table

    grid = Table(title=title, title_justify="left")
    for name in columns:
        grid.add_column(name, overflow="fold")
    for r in records:
        grid.add_row(*(_cell(cell(r)) for cell in columns.values()))
    console.print(grid)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def emit(text: str, out: Path | None) -> None:
    """Print a document, or write it to ``out`` and print where."""
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(str(out), highlight=False, soft_wrap=True)
