"""``shopkeeper demo``: build the demo store."""

from __future__ import annotations

import typer

app = typer.Typer(help="Build the demo store.", no_args_is_help=True)
