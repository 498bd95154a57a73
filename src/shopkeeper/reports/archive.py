"""The report archive: every daily and weekly report a schedule or the owner built, kept whole.

The owner's app lists it by kind and role, opens a report in place (rendered from the kept
:class:`~shopkeeper.reports.models.Report`, never rebuilt) and exports it as Markdown or CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

from pydantic import BaseModel
from sqlalchemy import Engine, insert, select

from shopkeeper.clock import utcnow
from shopkeeper.errors import ShopkeeperError
from shopkeeper.opsdb import report_archive
from shopkeeper.reports.models import Report, ReportKind, Role


class ArchivedReportNotFound(ShopkeeperError, LookupError):
    """No archived report with that id in this store."""


class ArchivedReport(BaseModel):
    """One entry of the archive (without the report itself)."""

    report_id: str
    store: str
    kind: ReportKind
    role: Role
    as_of: dt.date
    created_at: dt.datetime
    source: str


def archive_report(
    engine: Engine, report: Report, *, source: str, now: dt.datetime | None = None
) -> ArchivedReport:
    """Keep a report built by ``source`` (``schedule`` or the caller who asked for it)."""
    entry = ArchivedReport(
        report_id=uuid.uuid4().hex[:12],
        store=report.store,
        kind=report.kind,
        role=report.role,
        as_of=report.period.end,
        created_at=now or utcnow(),
        source=source,
    )
    with engine.begin() as conn:
        conn.execute(
            insert(report_archive).values(**entry.model_dump(), body=report.model_dump(mode="json"))
        )
    return entry


def list_archive(
    engine: Engine,
    store: str,
    *,
    kind: ReportKind | None = None,
    roles: tuple[str, ...] | None = None,
    limit: int = 200,
) -> list[ArchivedReport]:
    """A store's archived reports, newest first (of ``kind``, of ``roles`` when given)."""
    query = select(*(c for c in report_archive.c if c.name != "body")).where(
        report_archive.c.store == store
    )
    if kind:
        query = query.where(report_archive.c.kind == kind)
    if roles is not None:
        query = query.where(report_archive.c.role.in_(roles))
    query = query.order_by(report_archive.c.created_at.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [ArchivedReport.model_validate(dict(r)) for r in rows]


def get_archived(engine: Engine, store: str, report_id: str) -> tuple[ArchivedReport, Report]:
    """One archived report and its entry."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(report_archive).where(
                    report_archive.c.store == store, report_archive.c.report_id == report_id
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise ArchivedReportNotFound(f"no report {report_id!r} in store {store!r}")
    entry = ArchivedReport.model_validate({k: v for k, v in row.items() if k != "body"})
    return entry, Report.model_validate(row["body"])


def report_csv(report: Report) -> str:
    """A report's KPIs as CSV (with a BOM, so Excel reads Chinese labels as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["key", "label", "unit", "value", "previous", "change", "baseline", "baseline_change"]
    )
    for k in report.kpis:
        writer.writerow(
            [
                k.key,
                k.label,
                k.unit,
                _cell(k.value),
                _cell(k.previous.value),
                _cell(k.previous.ratio),
                _cell(k.baseline.value),
                _cell(k.baseline.ratio),
            ]
        )
    return "\ufeff" + out.getvalue()


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
