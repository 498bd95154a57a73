"""``/s/{store}/today``: the daily brief — the latest recorded inspection and archived daily report
(never recomputed on a page view; "refresh" runs them, as a schedule does), KPI cards day-on-day
and against the baseline, the top open findings with one-click actions, and what the team did
since yesterday (scheduled runs, executed actions, agent runs).

JSON twins: ``GET /v1/stores/{store}/today`` and ``POST /v1/stores/{store}/today/refresh``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from shopkeeper.agents.traces import Run, list_runs
from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.api.web import brief
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.api.web.findings import Problem, findings_view
from shopkeeper.context import StoreContext
from shopkeeper.inspection.service import run_inspection
from shopkeeper.ops.approvals import list_actions
from shopkeeper.ops.audit import AuditRow, audit_log
from shopkeeper.ops.schedules import RunRecord, runs_of
from shopkeeper.reports.archive import ArchivedReport, archive_report
from shopkeeper.reports.models import Report
from shopkeeper.reports.service import run_report
from shopkeeper.reports.view import fmt_for

TOP = 5
TodayReader = Annotated[Principal, Depends(require("findings"))]

router = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/v1/stores/{store}/today", tags=["findings"])


class TeamDay(BaseModel):
    """What the team did since yesterday."""

    since: dt.datetime
    scheduled: list[RunRecord]
    executed: list[AuditRow]
    runs: list[Run]


class TodayView(BaseModel):
    """The store's day, from what was recorded."""

    store: str
    inspected_day: dt.date | None
    inspected_at: dt.datetime | None
    report_entry: ArchivedReport | None
    report: Report | None
    top: list[Problem]
    open_findings: dict[str, int]
    pending_approvals: int
    team: TeamDay


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def team_day(services: Services, principal: Principal, store: str) -> TeamDay:
    """Scheduled runs, executed actions and agent runs of the last 24 hours (by the store clock)."""
    since = _aware(services.clock()) - dt.timedelta(days=1)
    engine = services.engine
    scheduled = [r for r in runs_of(engine, store) if _aware(r.started_at) >= since][:20]
    visible = {r.action_id for r in list_actions(engine, store) if principal.may_act(r.action)}
    executed = [
        r
        for r in audit_log(engine, store)
        if r.event in ("action.executed", "action.failed")
        and _aware(r.at) >= since
        and (principal.grant.actions is None or r.action_id in visible)
    ][-20:]
    runs = (
        [r for r in list_runs(engine, store, limit=20) if _aware(r.started_at) >= since]
        if principal.may("runs")
        else []
    )
    return TeamDay(since=since, scheduled=scheduled, executed=executed[::-1], runs=runs)


def today_view(services: Services, principal: Principal, store: str) -> TodayView:
    """The daily brief of the store from the latest recorded inspection and daily report."""
    engine = services.engine
    found = findings_view(services, principal, store)
    inspected = brief.last_inspection(engine, store)
    daily = brief.latest_daily(engine, store)
    open_ = [p for p in found.problems if p.status in ("new", "ongoing")]
    return TodayView(
        store=store,
        inspected_day=inspected[0] if inspected else None,
        inspected_at=_aware(inspected[1]) if inspected else None,
        report_entry=daily[0] if daily else None,
        report=daily[1] if daily else None,
        top=open_[:TOP],
        open_findings={
            s: sum(1 for p in open_ if p.finding.severity == s) for s in ("high", "medium", "low")
        },
        pending_approvals=len(brief.pending(engine, store, principal))
        if principal.may("approvals")
        else 0,
        team=team_day(services, principal, store),
    )


def refresh(ctx: StoreContext) -> ArchivedReport:
    """Run the inspection (recorded) and the owner's daily report (archived), as a schedule does."""
    run_inspection(ctx)
    report = run_report(ctx, kind="daily", role="owner")
    return archive_report(ctx.engine, report, source=ctx.actor, now=ctx.clock())


@api.get("")
def today(store: StorePath, principal: TodayReader, services: ServicesDep) -> TodayView:
    """The daily brief: the latest recorded inspection and daily report, the top findings, and
    what the team did since yesterday.
    """
    return today_view(services, principal, store)


@api.post("/refresh")
def refresh_json(store: StorePath, principal: TodayReader, services: ServicesDep) -> TodayView:
    """Run the inspection and the daily report now (recorded), then the brief."""
    refresh(services.app.store(store, actor=principal.actor))
    return today_view(services, principal, store)


@router.get("/s/{store}/today")
def today_page(page: Annotated[Page, Depends(store_page("findings"))]) -> Response:
    """The Today page."""
    assert page.principal is not None
    view = today_view(page.services, page.principal, page.store)
    fmt = fmt_for(view.report) if view.report else None
    return page.render("today.html", view=view, fmt=fmt)


@router.post("/s/{store}/today/refresh")
def refresh_page(page: Annotated[Page, Depends(store_form("findings"))]) -> Response:
    """Refresh the brief from a page."""
    assert page.principal is not None
    refresh(page.services.app.store(page.store, page.lang, actor=page.principal.actor))
    return page.back(page.url("today"), page.pick("已刷新", "Refreshed"))
