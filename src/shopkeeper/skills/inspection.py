"""Inspection skills: the daily store inspection (巡店) and the findings over time."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from shopkeeper.inspection.history import FindingsHistory, history
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.service import run_inspection
from shopkeeper.ops.db import ops_engine
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill


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


@skill(tags=("inspection", "analyst", "ads", "audience", "designer", "cs", "orders"))
def inspect_store(ctx: SkillContext, args: InspectArgs) -> InspectionReport:
    """Inspect the whole store: what is wrong, what it costs and what to do, ranked by money at stake."""
    lang = ctx.lang if ctx.lang in ("zh", "en") else None
    report = run_inspection(ctx.settings, ctx.store, as_of=args.date, lang=lang)  # type: ignore[arg-type]
    if args.kinds:
        report.findings = [f for f in report.findings if f.kind in set(args.kinds)]
    if args.limit:
        report.findings = report.findings[: args.limit]
    return report


class HistoryArgs(BaseModel):
    """Arguments of the findings history."""

    since: dt.date | None = Field(default=None, description="from this day (default: 14 days back)")


@skill(tags=("inspection", "analyst"))
def findings_history(ctx: SkillContext, args: HistoryArgs) -> FindingsHistory:
    """Problems found over time: which are new, which go on, which were resolved."""
    engine = ops_engine(ctx.settings)
    try:
        return history(engine, ctx.store, args.since)
    finally:
        engine.dispose()


def register(registry: SkillRegistry) -> None:
    """Register the inspection skills."""
    registry.register(inspect_store, findings_history)
