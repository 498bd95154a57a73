"""Report skills: the daily and weekly reports, per role."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.reports.markdown import render_report_md
from shopkeeper.reports.models import Report
from shopkeeper.reports.service import run_report
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import LIMIT, Lang
from shopkeeper.text import lang_of


class ReportArgs(BaseModel):
    """Arguments of a report."""

    role: Literal["owner", "ops", "cs", "ads"] = Field(default="owner", description="whose view")
    date: dt.date | None = Field(
        default=None, description="last day covered (default: last complete day)"
    )


class ReportAnswer(Report):
    """The report, as the skill answers it (the same JSON as ``shopkeeper report``)."""

    model_config = ConfigDict(title="Report")

    def render(self, lang: Lang, currency: str = "") -> str:
        """The report as IM markdown (in the report's own language and currency)."""
        return render_report_md(self, limit=LIMIT)


def _lang(ctx: SkillContext) -> Lang | None:
    return lang_of(ctx.lang) if ctx.lang in ("zh", "en") else None


@skill(tags=("report", "analyst"))
def daily_report(ctx: SkillContext, args: ReportArgs) -> ReportAnswer:
    """The daily report: KPIs against the day before and the same weekday last week, decisions, movers."""
    report = run_report(ctx, kind="daily", role=args.role, as_of=args.date, lang=_lang(ctx))
    return ReportAnswer.model_validate(report, from_attributes=True)


@skill(tags=("report", "analyst"))
def weekly_report(ctx: SkillContext, args: ReportArgs) -> ReportAnswer:
    """The weekly report: the week against the week before and the 4-week average, with a plan."""
    report = run_report(ctx, kind="weekly", role=args.role, as_of=args.date, lang=_lang(ctx))
    return ReportAnswer.model_validate(report, from_attributes=True)


def register(registry: SkillRegistry) -> None:
    """Register the report skills."""
    registry.register(daily_report, weekly_report)
