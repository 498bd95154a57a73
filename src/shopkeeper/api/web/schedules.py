"""``/s/{store}/schedules``: schedules and delivery — add, edit, pause or resume, test send,
remove; a cron helper showing the next runs in the store's time zone; run history, failures first.

Rendered from the JSON routes' own functions (:mod:`shopkeeper.api.schedules`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response

from shopkeeper.api import schedules as json_api
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.api.web.forms import FORM_ERRORS, reason, refused
from shopkeeper.ops.schedules import next_slots, parse_job

router = APIRouter(tags=["pages"], include_in_schema=False)

SchedulesPage = Annotated[Page, Depends(store_page("schedules"))]
SchedulesForm = Annotated[Page, Depends(store_form("schedules"))]
RUN_ROWS = 50

PRESETS: tuple[tuple[str, str, str], ...] = (
    ("0 8 * * *", "每天 8:00", "Every day at 8:00"),
    ("0 9 * * 1-5", "工作日 9:00", "Weekdays at 9:00"),
    ("0 8 * * 1", "每周一 8:00", "Mondays at 8:00"),
    ("0 * * * *", "每小时整点", "Every hour"),
)
"""The cron helper's presets (cron, zh, en), read in the store's time zone."""

JOBS: tuple[tuple[str, str, str], ...] = (
    ("report daily --role owner", "老板日报", "Owner's daily report"),
    ("report weekly --role owner", "老板周报", "Owner's weekly report"),
    ("report daily --role ops", "运营日报", "Ops daily report"),
    ("report daily --role ads", "推广日报", "Ads daily report"),
    ("report daily --role cs", "客服日报", "CS daily report"),
    ("inspect", "巡店", "Store inspection"),
    ("report daily --role owner --format html", "老板日报 (HTML)", "Owner's daily report (HTML)"),
)
"""The jobs the form offers, as ``schedule add`` words."""


@router.get("/s/{store}/schedules")
def schedules_page(
    page: SchedulesPage, cron: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """Schedules, the cron helper (``?cron=``) and the run history, failures first."""
    assert page.principal is not None
    found = json_api.list_(page.store, page.principal, page.services)
    now = page.services.clock()
    upcoming = {}
    for s in found:
        upcoming[s.schedule_id] = None if s.paused else next_slots(s.cron, s.timezone, now, 1)[0]
    helper, helper_error = None, ""
    if cron:
        try:
            helper = json_api.cron_help(page.store, page.principal, page.services, cron)
        except FORM_ERRORS as exc:
            helper_error = reason(exc)
    history = json_api.runs(page.store, page.principal, page.services, True, None)
    return page.render(
        "schedules.html",
        schedules=found,
        upcoming=upcoming,
        cron=cron or PRESETS[0][0],
        helper=helper,
        helper_error=helper_error,
        history=history[:RUN_ROWS],
        failures=sum(r.status == "failed" for r in history),
        presets=PRESETS,
        jobs=JOBS,
    )


@router.post("/s/{store}/schedules/add")
def add_form(
    page: SchedulesForm,
    cron: Annotated[str, Form(max_length=100)],
    job: Annotated[str, Form(max_length=200)],
    deliver: Annotated[str, Form(max_length=500)],
) -> Response:
    """Add a schedule."""
    assert page.principal is not None
    try:
        body = json_api.NewSchedule(cron=cron.strip(), job=parse_job(job), deliver=deliver.strip())
        json_api.add(page.store, body, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("schedules"), exc)
    return page.back(page.url("schedules"), page.pick("已添加定时任务", "Schedule added"))


@router.post("/s/{store}/schedules/{schedule_id}/edit")
def edit_form(
    page: SchedulesForm,
    schedule_id: str,
    cron: Annotated[str, Form(max_length=100)],
    job: Annotated[str, Form(max_length=200)],
    deliver: Annotated[str, Form(max_length=500)],
) -> Response:
    """Change a schedule's cron, job and target."""
    assert page.principal is not None
    try:
        change = json_api.ScheduleChange(
            cron=cron.strip(), job=parse_job(job), deliver=deliver.strip()
        )
        json_api.edit(page.store, schedule_id, change, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("schedules"), exc)
    return page.back(page.url("schedules"), page.pick("已保存", "Saved"))


@router.post("/s/{store}/schedules/{schedule_id}/pause")
def pause_form(
    page: SchedulesForm, schedule_id: str, paused: Annotated[bool, Form()] = True
) -> Response:
    """Pause or resume a schedule."""
    assert page.principal is not None
    try:
        change = json_api.ScheduleChange(paused=paused)
        json_api.edit(page.store, schedule_id, change, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("schedules"), exc)
    return page.back(
        page.url("schedules"),
        page.pick("已暂停", "Paused") if paused else page.pick("已恢复", "Resumed"),
    )


@router.post("/s/{store}/schedules/{schedule_id}/test")
async def send_test_form(page: SchedulesForm, schedule_id: str) -> Response:
    """Run and deliver the job now; the outcome is in the history."""
    assert page.principal is not None
    try:
        record = await json_api.send_test(page.store, schedule_id, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("schedules"), exc)
    if record.status == "failed":
        note = page.pick("测试发送失败：", "Test send failed: ") + record.detail
    else:
        note = page.pick("测试发送成功：", "Test send done: ") + record.detail
    return page.back(page.url("schedules") + "#history", note)


@router.post("/s/{store}/schedules/{schedule_id}/remove")
def remove_form(page: SchedulesForm, schedule_id: str) -> Response:
    """Remove a schedule."""
    assert page.principal is not None
    try:
        json_api.remove(page.store, schedule_id, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("schedules"), exc)
    return page.back(page.url("schedules"), page.pick("已删除", "Removed"))
