"""``shopkeeper cs``: customer service (店小蜜) — knowledge base, benchmarks."""

from __future__ import annotations

import typer

from shopkeeper.cli import cs_kb

app = typer.Typer(
    help="Customer service (店小蜜): knowledge base, benchmarks.", no_args_is_help=True
)
app.add_typer(cs_kb.app, name="kb")
