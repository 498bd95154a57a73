"""Inspection skills: the daily store inspection (巡店) and the findings over time."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.inspection.history import FindingsHistory, history
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.service import run_inspection
from shopkeeper.reports.markdown import render_inspection_md
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import LIMIT, Lang


class InspectArgs(BaseModel):
    """Arguments of the inspection."""

    date: dt.date | None = Field(
        default=None, description="day to inspect (default: last complete day)"
    )
    kinds: list[str] | None = Field(
        default=None, description="only these finding kinds (default: all)"
    )
    limit: int | None = Field(
        default=None, ge=1, description="at most this many findings, most urgent first"
    )


class Inspection(InspectionReport):
    """The inspection report, as the skill answers it (the same JSON as ``shopkeeper inspect``)."""

    model_config = ConfigDict(title="InspectionReport")

    def render(self, lang: Lang, currency: str = "") -> str:
        """The top findings as markdown, or that nothing needs attention."""
        if self.findings:
            return render_inspection_md(self, currency=self.currency, limit=LIMIT)
        checks = len(self.summary.checks_run)
        if lang == "zh":
            return f"{self.as_of} 巡店完成，没有发现需要处理的问题（检查了 {checks} 项）。"
        return f"Inspected {self.as_of}: nothing needs attention ({checks} checks run)."


@skill(tags=("inspection", "analyst", "ads", "audience", "designer", "cs", "orders"))
def inspect_store(ctx: SkillContext, args: InspectArgs) -> Inspection:
    """Inspect the whole store: what is wrong, what it costs and what to do, ranked by money at stake."""
    lang = ctx.lang if ctx.lang in ("zh", "en") else None
    report = run_inspection(ctx, as_of=args.date, lang=lang)  # type: ignore[arg-type]
    if args.kinds:
        report.findings = [f for f in report.findings if f.kind in set(args.kinds)]
    if args.limit:
        report.findings = report.findings[: args.limit]
    return Inspection.model_validate(report, from_attributes=True)


class HistoryArgs(BaseModel):
    """Arguments of the findings history."""

    since: dt.date | None = Field(default=None, description="from this day (default: 14 days back)")


@skill(tags=("inspection", "analyst"))
def findings_history(ctx: SkillContext, args: HistoryArgs) -> FindingsHistory:
    """Problems found over time: which are new, which go on, which were resolved."""
    return history(ctx.engine, ctx.store, args.since)


def register(registry: SkillRegistry) -> None:
    """Register the inspection skills."""
    registry.register(inspect_store, findings_history)
