"""What a scheduled job does: the runner the edges (``schedule tick``, the service's ticker) hand
to :func:`shopkeeper.ops.schedules.tick`.

It sits at the application edge because it reaches down into inspection and reports, which the
schedule bookkeeping in :mod:`shopkeeper.ops` must not import.
"""

from __future__ import annotations

from shopkeeper.context import AppContext, StoreContext
from shopkeeper.inspection.service import run_inspection
from shopkeeper.ops.schedules import InspectJob, JobRunner, ReportJob
from shopkeeper.reports.archive import archive_report
from shopkeeper.reports.html import render_inspection_html, render_report_html
from shopkeeper.reports.markdown import render_inspection_md, render_report_md
from shopkeeper.reports.service import run_report
from shopkeeper.settings import Settings


def job_runner(app: AppContext) -> JobRunner:
    """The runner an edge hands to :func:`~shopkeeper.ops.schedules.tick`: every job runs on the
    edge's resources (its operational database, its clock).
    """

    def run(settings: Settings, store: str, job: InspectJob | ReportJob) -> tuple[str, str]:
        return run_job(app.store(store, actor="schedule"), job)

    return run


def run_job(ctx: StoreContext, job: InspectJob | ReportJob) -> tuple[str, str]:
    """Run a store's job; returns its title and its text rendered in ``job.format``."""
    store = ctx.store
    if isinstance(job, InspectJob):
        inspection = run_inspection(ctx)
        title = f"{store} inspection {inspection.as_of}"
        if job.format == "json":
            return title, inspection.model_dump_json(indent=2)
        render = render_inspection_html if job.format == "html" else render_inspection_md
        return title, render(inspection)
    report = run_report(ctx, kind=job.period, role=job.role)
    if ctx.app is not None:  # kept in the archive the owner's app lists
        archive_report(ctx.engine, report, source=ctx.actor, now=ctx.clock())
    title = f"{store} {job.period} report ({job.role})"
    if job.format == "json":
        return title, report.model_dump_json(indent=2)
    return title, render_report_html(report) if job.format == "html" else render_report_md(report)
