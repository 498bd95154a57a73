"""Things every command shares: settings, consoles and output formats."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from shopkeeper.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    """Machine- or human-readable output."""

    text = "text"
    json = "json"


StoreOpt = Annotated[
    str, typer.Option("--store", "-s", help="Store name (a folder under SHOPKEEPER_HOME/stores).")
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def settings() -> Settings:
    """Settings, read once per process."""
    return get_settings()


def print_json(data: Any) -> None:
    """Print JSON to stdout (UTF-8, no Rich markup)."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
