"""Report skills: the daily and weekly reports, per role."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from shopkeeper.reports.models import Report
from shopkeeper.reports.service import run_report
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill


class ReportArgs(BaseModel):
    """Arguments of a report."""

    role: Literal["owner", "ops", "cs", "ads"] = Field(default="owner", description="whose view")
    date: dt.date | None = Field(
        default=None, description="last day covered (default: last complete day)"
    )


def _lang(ctx: SkillContext) -> Literal["zh", "en"] | None:
    return "zh" if ctx.lang == "zh" else "en" if ctx.lang == "en" else None


@skill(tags=("report", "analyst"))
def daily_report(ctx: SkillContext, args: ReportArgs) -> Report:
    """The daily report: KPIs against the day before and the same weekday last week, decisions, movers."""
    return run_report(
        ctx.settings, ctx.store, kind="daily", role=args.role, as_of=args.date, lang=_lang(ctx)
    )


@skill(tags=("report", "analyst"))
def weekly_report(ctx: SkillContext, args: ReportArgs) -> Report:
    """The weekly report: the week against the week before and the 4-week average, with a plan."""
    return run_report(
        ctx.settings, ctx.store, kind="weekly", role=args.role, as_of=args.date, lang=_lang(ctx)
    )


def register(registry: SkillRegistry) -> None:
    """Register the report skills."""
    registry.register(daily_report, weekly_report)
