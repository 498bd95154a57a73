"""``/s/{store}/reports``: the report archive — daily and weekly reports by role, opened in place,
exported as Markdown / CSV, sent now to a channel, or built now.

Rendered from the JSON routes' own functions (:mod:`shopkeeper.api.reports`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import HTMLResponse, Response

from shopkeeper.api import reports as json_api
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.api.web.forms import FORM_ERRORS, refused
from shopkeeper.reports.html import render_report_html
from shopkeeper.reports.models import ReportKind, Role
from shopkeeper.reports.view import fmt_for, headline, title_of

router = APIRouter(tags=["pages"], include_in_schema=False)

ReportsPage = Annotated[Page, Depends(store_page("reports"))]
ReportsForm = Annotated[Page, Depends(store_form("reports"))]


@router.get("/s/{store}/reports")
def reports_page(
    page: ReportsPage,
    kind: Annotated[ReportKind | Literal[""], Query()] = "",
    role: Annotated[Role | Literal[""], Query()] = "",
    open: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The archive (filtered by kind and role), with one report opened in place."""
    assert page.principal is not None
    roles = json_api.roles_of(page.principal)
    entries = json_api.list_reports(
        page.store, page.principal, page.services, kind or None, role or None
    )
    opened = None
    if open or entries:
        opened = json_api.open_report(
            page.services, page.principal, page.store, open or entries[0].report_id
        )
    view: dict[str, Any] = {}
    if opened is not None:
        report = opened.report
        view = {"fmt": fmt_for(report), "title": title_of(report), "headline": headline(report)}
    return page.render(
        "reports.html",
        entries=entries,
        roles=roles,
        kind=kind,
        role=role,
        opened=opened,
        **view,
    )


@router.get("/s/{store}/reports/{report_id}/full")
def full_report(page: ReportsPage, report_id: str) -> HTMLResponse:
    """The archived report as its full HTML document (charts included)."""
    assert page.principal is not None
    opened = json_api.open_report(page.services, page.principal, page.store, report_id)
    return HTMLResponse(render_report_html(opened.report))


@router.get("/s/{store}/reports/{report_id}/export")
def export(
    page: ReportsPage,
    report_id: str,
    format: Annotated[Literal["md", "csv"], Query()] = "md",
) -> Response:
    """Download the report (the JSON route's answer)."""
    assert page.principal is not None
    return json_api.export_report(page.store, report_id, page.principal, page.services, format)


@router.post("/s/{store}/reports/build")
async def build_form(
    page: ReportsForm,
    kind: Annotated[ReportKind, Form()] = "daily",
    role: Annotated[Role, Form()] = "owner",
) -> Response:
    """Build a report now; then open it."""
    assert page.principal is not None
    try:
        entry = await json_api.build_report(
            page.store, json_api.NewReport(kind=kind, role=role), page.principal, page.services
        )
    except FORM_ERRORS as exc:
        return refused(page, page.url("reports"), exc)
    return page.back(
        page.url(f"reports?open={entry.report_id}"), page.pick("报告已生成", "Report built")
    )


@router.post("/s/{store}/reports/{report_id}/send")
async def send_form(
    page: ReportsForm, report_id: str, deliver: Annotated[str, Form(max_length=500)]
) -> Response:
    """Send the report now to a channel."""
    assert page.principal is not None
    try:
        sent = await json_api.send_report(
            page.store,
            report_id,
            json_api.SendReport(deliver=deliver),
            page.principal,
            page.services,
        )
    except FORM_ERRORS as exc:
        return refused(page, page.url(f"reports?open={report_id}"), exc)
    return page.back(
        page.url(f"reports?open={report_id}"),
        page.pick(f"已发送到 {sent.delivered_to}", f"Sent to {sent.delivered_to}"),
    )
