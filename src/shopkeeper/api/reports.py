"""The report archive of a store: list, build now, open, export (Markdown / CSV), send now.

Reports are kept whole when built (:mod:`shopkeeper.reports.archive`) — by a schedule or on demand
here — so opening one never recomputes it. The owner sees every role's reports; ops, ads and cs
see those of their own role.
"""

from __future__ import annotations

from typing import Annotated, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.ops.delivery import deliver
from shopkeeper.reports.archive import (
    ArchivedReport,
    archive_report,
    get_archived,
    list_archive,
    report_csv,
)
from shopkeeper.reports.markdown import render_report_md
from shopkeeper.reports.models import Report, ReportKind, Role
from shopkeeper.reports.service import run_report

Reader = Annotated[Principal, Depends(require("reports"))]

router = APIRouter(prefix="/v1/stores/{store}/reports", tags=["reports"])

ALL_ROLES: tuple[Role, ...] = ("owner", "ops", "ads", "cs")


def roles_of(caller: Principal) -> tuple[Role, ...]:
    """The report roles a caller may read: all for the owner (and an agency), else its own."""
    role = caller.token.role
    if role in ("owner", "agency"):
        return ALL_ROLES
    return tuple(r for r in ALL_ROLES if r == role)


def _check_role(caller: Principal, role: str) -> None:
    if role not in roles_of(caller):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"role {caller.token.role!r} may not read the {role} report",
        )


class NewReport(BaseModel):
    """Build a report now and keep it in the archive."""

    kind: ReportKind = "daily"
    role: Role = "owner"


class OpenedReport(BaseModel):
    """An archived report: its entry and the report as it was built."""

    entry: ArchivedReport
    report: Report


class SendReport(BaseModel):
    """Where to send a report now (a delivery target, as schedules take it)."""

    deliver: str = Field(
        min_length=3, description="file:DIR, email:ADDR, webhook:URL, feishu:URL, ..."
    )


class Sent(BaseModel):
    """Where a report went."""

    report_id: str
    delivered_to: str


@router.get("")
def list_reports(
    store: StorePath,
    caller: Reader,
    services: ServicesDep,
    kind: Annotated[ReportKind | None, Query(description="daily or weekly")] = None,
    role: Annotated[Role | None, Query(description="only this role's reports")] = None,
) -> list[ArchivedReport]:
    """The store's archived reports the caller may read, newest first."""
    roles = roles_of(caller)
    if role is not None:
        _check_role(caller, role)
        roles = (role,)
    return list_archive(services.engine, store, kind=kind, roles=roles)


@router.post("", status_code=status.HTTP_201_CREATED)
async def build_report(
    store: StorePath, body: NewReport, caller: Reader, services: ServicesDep
) -> ArchivedReport:
    """Build a report now (as of the store's latest data) and keep it in the archive."""
    _check_role(caller, body.role)

    def build() -> ArchivedReport:
        ctx = services.app.store(store, actor=caller.actor)
        report = run_report(ctx, kind=body.kind, role=body.role)
        return archive_report(services.engine, report, source=caller.actor, now=services.clock())

    return await anyio.to_thread.run_sync(build)


def open_report(services: Services, caller: Principal, store: str, report_id: str) -> OpenedReport:
    """An archived report the caller may read (404 if absent, 403 for another role's)."""
    entry, report = get_archived(services.engine, store, report_id)
    _check_role(caller, entry.role)
    return OpenedReport(entry=entry, report=report)


@router.get("/{report_id}")
def get_report(
    store: StorePath, report_id: str, caller: Reader, services: ServicesDep
) -> OpenedReport:
    """One archived report, as it was built."""
    return open_report(services, caller, store, report_id)


@router.get("/{report_id}/export", response_class=Response)
def export_report(
    store: StorePath,
    report_id: str,
    caller: Reader,
    services: ServicesDep,
    format: Annotated[Literal["md", "csv"], Query(description="md or csv")] = "md",
) -> Response:
    """Download an archived report as Markdown or its KPIs as CSV."""
    opened = open_report(services, caller, store, report_id)
    name = f"{store}-{opened.entry.kind}-{opened.entry.role}-{opened.entry.as_of}.{format}"
    if format == "csv":
        body, media = report_csv(opened.report), "text/csv; charset=utf-8"
    else:
        body, media = render_report_md(opened.report), "text/markdown; charset=utf-8"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/{report_id}/send")
async def send_report(
    store: StorePath, report_id: str, body: SendReport, caller: Reader, services: ServicesDep
) -> Sent:
    """Send an archived report now to a channel (as Markdown)."""
    opened = open_report(services, caller, store, report_id)
    entry = opened.entry
    title = f"{store} {entry.kind} report ({entry.role}) {entry.as_of}"
    where = await anyio.to_thread.run_sync(
        lambda: deliver(
            body.deliver,
            title,
            render_report_md(opened.report),
            when=services.clock(),
            settings=services.settings,
            store=store,
        )
    )
    return Sent(report_id=report_id, delivered_to=where)
