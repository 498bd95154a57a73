"""``shopkeeper skills``: what the team can do, generated from the skill registry."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.table import Table

from shopkeeper.cli.common import (
    ExistingStoreOpt,
    FormatOpt,
    OutputFormat,
    app_context,
    console,
    print_json,
)
from shopkeeper.errors import ConfigError
from shopkeeper.skills.registry import load_registry

app = typer.Typer(
    help="The skills of the AI team: list them, read their contracts, run one.",
    no_args_is_help=True,
)


@app.command("list")
def list_(fmt: FormatOpt = OutputFormat.text) -> None:
    """Every registered skill (built-in and installed packs) with its description."""
    skills = list(load_registry())
    if fmt is OutputFormat.json:
        print_json(
            [
                {"name": s.name, "description": s.description, "pack": s.pack, "tags": list(s.tags)}
                for s in skills
            ]
        )
        return
    grid = Table(title=f"{len(skills)} skills", title_justify="left")
    for col in ("name", "description", "pack"):
        grid.add_column(col, overflow="fold")
    for s in skills:
        grid.add_row(s.name, s.description, s.pack)
    console.print(grid)


@app.command()
def show(name: Annotated[str, typer.Argument(help="Skill name.")]) -> None:
    """A skill's description and its argument and result schemas."""
    s = load_registry().get(name)
    print_json(
        {
            "name": s.name,
            "pack": s.pack,
            "tags": list(s.tags),
            "doc": s.doc,
            "input_schema": s.input_schema(),
            "output_schema": s.output_schema(),
        }
    )


def _parse_args(pairs: list[str], raw: str | None) -> dict[str, Any]:
    args: dict[str, Any] = json.loads(raw) if raw else {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"--arg {pair!r} is not KEY=VALUE")
        try:
            args[key] = json.loads(value)
        except json.JSONDecodeError:
            args[key] = value
    return args


@app.command()
def run(
    name: Annotated[str, typer.Argument(help="Skill name.")],
    store: ExistingStoreOpt,
    arg: Annotated[
        list[str] | None,
        typer.Option("--arg", "-a", help="KEY=VALUE (JSON values allowed); repeatable."),
    ] = None,
    args_json: Annotated[
        str | None, typer.Option("--json", help="All arguments as one JSON object.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="Language of the text (zh/en; default: the store's).")
    ] = None,
) -> None:
    """Run one skill on a store and print its typed result as JSON."""
    s = load_registry().get(name)
    args = _parse_args(arg or [], args_json)
    s.check_arguments(args)
    try:
        parsed = s.input_model.model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'arguments'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"arguments of {name!r} are not valid: {problems}") from exc
    typer.echo(s(app_context().store(store, lang), parsed).model_dump_json(indent=2))
