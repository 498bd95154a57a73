"""``shopkeeper report daily|weekly``: the store's daily and weekly reports, cut for a role."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shopkeeper.cli.common import ExistingStoreOpt, app_context, day_option, emit
from shopkeeper.reports.html import render_report_html
from shopkeeper.reports.markdown import render_report_md
from shopkeeper.reports.models import ReportKind
from shopkeeper.reports.service import run_report

app = typer.Typer(
    help="Daily and weekly reports: KPIs, findings, movers, charts, a plan.", no_args_is_help=True
)


class RoleOpt(StrEnum):
    """Who reads the report."""

    owner = "owner"
    ops = "ops"
    cs = "cs"
    ads = "ads"


class DocFormat(StrEnum):
    """Document formats."""

    md = "md"
    html = "html"
    json = "json"


class LangOpt(StrEnum):
    """Language of the text a merchant reads."""

    zh = "zh"
    en = "en"


RoleArg = Annotated[
    RoleOpt,
    typer.Option(
        "--role",
        "-r",
        help="owner: money; ops: listings, stock, shipping; cs: refunds, reviews, chats; ads: campaigns.",
    ),
]
FormatArg = Annotated[
    DocFormat,
    typer.Option("--format", "-f", help="md (for IM push), html (one offline file) or json."),
]
DateArg = Annotated[
    dt.date | None, day_option("Last day of the report (default: the last complete day).")
]
LangArg = Annotated[LangOpt | None, typer.Option("--lang", help="Language (default: the store's).")]
OutArg = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
]


def _report(
    kind: ReportKind,
    store: str,
    role: RoleOpt,
    fmt: DocFormat,
    date: dt.date | None,
    lang: LangOpt | None,
    out: Path | None,
) -> None:
    report = run_report(
        app_context().store(store),
        kind=kind,
        role=role.value,
        as_of=date,
        lang=lang.value if lang else None,
    )
    if fmt is DocFormat.json:
        text = report.model_dump_json(indent=2)
    elif fmt is DocFormat.html:
        text = render_report_html(report)
    else:
        text = render_report_md(report)
    emit(text, out)


@app.command()
def daily(
    store: ExistingStoreOpt,
    role: RoleArg = RoleOpt.owner,
    fmt: FormatArg = DocFormat.md,
    date: DateArg = None,
    lang: LangArg = None,
    out: OutArg = None,
) -> None:
    """The day against the day before and the same weekday last week."""
    _report("daily", store, role, fmt, date, lang, out)


@app.command()
def weekly(
    store: ExistingStoreOpt,
    role: RoleArg = RoleOpt.owner,
    fmt: FormatArg = DocFormat.md,
    date: DateArg = None,
    lang: LangArg = None,
    out: OutArg = None,
) -> None:
    """The 7 days ending on --date against the week before and the 4-week average, with a plan."""
    _report("weekly", store, role, fmt, date, lang, out)
