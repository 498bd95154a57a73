"""What the web app reads of a store's recorded work — never recomputed on a page view: the latest
recorded inspection (its findings by severity), the latest archived daily report, the last
import, pending approvals and failed scheduled runs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from shopkeeper.api.auth import Principal
from shopkeeper.context import StoreContext
from shopkeeper.inspection.history import FindingsHistory, history
from shopkeeper.ops.approvals import ActionRecord, list_actions
from shopkeeper.ops.schedules import RunRecord, runs_of
from shopkeeper.opsdb import inspections
from shopkeeper.reports.archive import ArchivedReport, get_archived, list_archive
from shopkeeper.reports.models import Report


def latest_daily(engine: Engine, store: str) -> tuple[ArchivedReport, Report] | None:
    """The newest archived daily owner's report of the store, or None."""
    found = list_archive(engine, store, kind="daily", roles=("owner",), limit=1)
    return get_archived(engine, store, found[0].report_id) if found else None


def last_inspection(engine: Engine, store: str) -> tuple[dt.date, dt.datetime] | None:
    """The day and time of the store's latest recorded inspection, or None."""
    c = inspections.c
    with engine.connect() as conn:
        row = conn.execute(
            select(c.day, c.generated_at).where(c.store == store).order_by(c.day.desc()).limit(1)
        ).first()
    return (row[0], row[1]) if row else None


def open_problems(engine: Engine, store: str) -> FindingsHistory:
    """The problems of the recorded inspections (14 days before the latest)."""
    return history(engine, store)


def open_by_severity(found: FindingsHistory) -> dict[str, int]:
    """Problems not resolved nor dismissed, per severity."""
    counts = {"high": 0, "medium": 0, "low": 0}
    for p in found.problems:
        if p.status != "resolved" and p.dismissed is None:
            counts[p.finding.severity] += 1
    return counts


def pending(engine: Engine, store: str, principal: Principal) -> list[ActionRecord]:
    """Pending actions the caller's role may see and decide."""
    return [r for r in list_actions(engine, store, "pending") if principal.may_act(r.action)]


def failed_runs(engine: Engine, store: str, since: dt.datetime | None = None) -> list[RunRecord]:
    """Scheduled runs that failed (since a moment), newest first."""
    return [
        r
        for r in runs_of(engine, store)
        if r.status == "failed" and (since is None or _aware(r.started_at) >= since)
    ]


def last_import(ctx: StoreContext) -> dt.datetime | None:
    """When the store's data was last imported (from its warehouse's import log), or None."""
    with ctx.reader.cursor() as cur:
        row = cur.execute("SELECT max(finished_at) FROM _imports").fetchone()
    return _aware(row[0]) if row and row[0] else None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
