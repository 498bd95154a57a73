"""``shopkeeper demo``: build the demo store."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer

from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    app_context,
    console,
    day_option,
    print_json,
    settings,
)
from shopkeeper.cli.store import show_report, with_progress
from shopkeeper.inspection.history import reset as reset_findings
from shopkeeper.store.names import check_store_name
from shopkeeper.store.service import create_demo

app = typer.Typer(help="Build the demo store.", no_args_is_help=True)


class Lang(StrEnum):
    """Language of the demo shop."""

    zh = "zh"
    en = "en"


@app.command()
def create(
    store: Annotated[
        str, typer.Option("--store", "-s", help="Store name.", callback=check_store_name)
    ] = "demo",
    lang: Annotated[
        Lang, typer.Option(help="zh: a Tmall coffee-and-tea shop; en: a Shopify coffee store.")
    ] = Lang.zh,
    scale: Annotated[
        float, typer.Option(help="1.0 ≈ 150k order lines over 180 days; 33 ≈ 5M.")
    ] = 1.0,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same shop).")] = 7,
    category: Annotated[
        str | None,
        typer.Option(help="Shop category family: coffee (default), snacks, beauty or pets."),
    ] = None,
    healthy: Annotated[
        bool, typer.Option(help="Plant no problems (a healthy control store).")
    ] = False,
    kb: Annotated[
        bool,
        typer.Option(help="Also build its customer-service knowledge base (about 8 s at scale 1)."),
    ] = True,
    end_date: Annotated[
        dt.date | None,
        day_option(
            "Last day of data (default: yesterday by the store clock, SHOPKEEPER_NOW).",
            "--end-date",
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Generate a realistic demo shop (180 days ending yesterday, or on --end-date) and import it,
    replacing any previous one and its findings history; then build its customer-service
    knowledge base.
    """
    result = with_progress(
        fmt,
        lambda p: create_demo(
            settings(),
            store,
            lang=lang.value,
            scale=scale,
            seed=seed,
            category=category,
            healthy=healthy,
            end_date=end_date,
            progress=p,
        ),
    )
    engine = app_context().engine
    reset_findings(engine, store)  # a rebuilt store is a new store: its old findings are not its
    knowledge = None
    if kb:
        from shopkeeper.cs.kb import build

        knowledge = build(settings(), store)
    if fmt is OutputFormat.json:
        print_json(
            {
                "store": store,
                "folder": str(result.folder),
                "generate_seconds": result.generate_seconds,
                "import": result.report.model_dump(mode="json"),
                "planted": result.planted,
                "knowledge_base": knowledge.model_dump(mode="json") if knowledge else None,
            }
        )
        return
    console.print(f"Generated {result.folder} in {result.generate_seconds:.1f} s")
    show_report(result.report, fmt)
    if result.planted:
        kinds = sorted({str(p["kind"]) for p in result.planted})
        console.print(
            f"{len(result.planted)} problems of {len(kinds)} kinds planted for the inspection to find "
            f"(listed in {result.folder / 'planted.json'})"
        )
    if knowledge is not None:
        console.print(
            f"Customer-service knowledge base: {knowledge.entries} entries, built in "
            f"{knowledge.seconds:.1f} s"
        )
