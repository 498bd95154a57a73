"""``shopkeeper inspect``: the daily store inspection (巡店)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shopkeeper.cli.common import (
    ExistingStoreOpt,
    app_context,
    console,
    day_option,
    emit,
    settings,
)
from shopkeeper.inspection.service import run_inspection
from shopkeeper.inspection.terminal import render
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


class InspectFormat(StrEnum):
    """Output formats of an inspection."""

    text = "text"
    json = "json"
    md = "md"
    html = "html"


class LangOpt(StrEnum):
    """Language of the text a merchant reads."""

    zh = "zh"
    en = "en"


def inspect(
    store: ExistingStoreOpt,
    date: Annotated[
        dt.date | None,
        day_option(
            "Day to inspect (default: the last complete day); up to 7 days after the last data day "
            "is inspected as of that day, with a data_gap finding."
        ),
    ] = None,
    fmt: Annotated[
        InspectFormat,
        typer.Option(
            "--format", "-f", help="text, json, md (for IM push) or html (one offline file)."
        ),
    ] = InspectFormat.text,
    lang: Annotated[LangOpt | None, typer.Option(help="Language (default: the store's).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of the terminal.")
    ] = None,
) -> None:
    """Walk the whole store and report what is wrong, what it costs and what to do, ranked by money."""
    s = settings()
    with Warehouse.open(existing_store_dir(s, store), read_only=True) as wh:
        config = wh.store_config()
        report = run_inspection(
            app_context().store(store),
            as_of=date,
            lang=lang.value if lang else None,
            warehouse=wh,
        )
    assert config is not None, "a store with a warehouse always has its store.toml"
    if fmt is InspectFormat.json:
        text = report.model_dump_json(indent=2, exclude={"lang", "seconds"})
        if out:
            out.write_text(text, encoding="utf-8")
            console.print(str(out))
        else:
            typer.echo(text)
        return
    if fmt in (InspectFormat.md, InspectFormat.html):  # the document renderers load only here
        from shopkeeper.reports.html import render_inspection_html
        from shopkeeper.reports.markdown import render_inspection_md

        render_doc = render_inspection_md if fmt is InspectFormat.md else render_inspection_html
        emit(render_doc(report, store_name=config.name, currency=config.currency), out)
        return
    console.print(render(report))
