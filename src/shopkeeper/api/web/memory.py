"""``/s/{store}/memory``: what the team remembers — rules, preferences and decisions (and notes),
searchable, editable, forgettable.

Rendered from the JSON routes' own functions (:mod:`shopkeeper.api.memory`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response

from shopkeeper.api import memory as json_api
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.api.web.forms import FORM_ERRORS, refused
from shopkeeper.ops.memory import MemoryKind, MemoryScope, NewMemory
from shopkeeper.ops.rules import enforcement

router = APIRouter(tags=["pages"], include_in_schema=False)

MemoryPage = Annotated[Page, Depends(store_page("memory"))]
MemoryForm = Annotated[Page, Depends(store_form("memory"))]

KINDS: tuple[tuple[MemoryKind, str, str], ...] = (
    ("rule", "规则", "Rules"),
    ("preference", "偏好", "Preferences"),
    ("decision", "决定", "Decisions"),
    ("note", "备注", "Notes"),
)


@router.get("/s/{store}/memory")
def memory_page(
    page: MemoryPage,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[MemoryKind | Literal[""], Query()] = "",
) -> Response:
    """Every memory by kind, or the ones matching ``q``, best first."""
    assert page.principal is not None
    found = json_api.list_memory(
        page.store, page.principal, page.services, q or None, kind or None, None, 50 if q else None
    )
    groups = [(k, zh, en, [m for m in found if m.kind == k]) for k, zh, en in KINDS]
    return page.render("memory.html", found=found, groups=groups, q=q, kind=kind, kinds=KINDS)


@router.post("/s/{store}/memory/add")
def add_form(
    page: MemoryForm,
    text: Annotated[str, Form(max_length=2000)],
    kind: Annotated[MemoryKind, Form()] = "rule",
    scope: Annotated[MemoryScope, Form()] = "store",
) -> Response:
    """Remember something."""
    assert page.principal is not None
    try:
        body = NewMemory(text=text, kind=kind, scope=scope)
        stored = json_api.add_memory(page.store, body, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("memory"), exc)
    said = page.pick("已记住", "Remembered")
    note = enforcement(stored, page.services.app.store(page.store).language)
    return page.back(page.url("memory"), f"{said} {note or ''}".strip())


@router.post("/s/{store}/memory/{memory_id}/edit")
def edit_form(
    page: MemoryForm,
    memory_id: str,
    text: Annotated[str, Form(max_length=2000)],
    kind: Annotated[MemoryKind, Form()] = "rule",
    scope: Annotated[MemoryScope, Form()] = "store",
) -> Response:
    """Replace a memory with its edited text."""
    assert page.principal is not None
    try:
        body = NewMemory(text=text, kind=kind, scope=scope)
        json_api.edit_memory(page.store, memory_id, body, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("memory"), exc)
    return page.back(page.url("memory"), page.pick("已保存", "Saved"))


@router.post("/s/{store}/memory/{memory_id}/forget")
def forget_form(page: MemoryForm, memory_id: str) -> Response:
    """Forget a memory."""
    assert page.principal is not None
    try:
        gone = json_api.forget_memory(page.store, memory_id, page.principal, page.services)
    except FORM_ERRORS as exc:
        return refused(page, page.url("memory"), exc)
    return page.back(page.url("memory"), page.pick("已忘记：", "Forgotten: ") + gone.text[:80])
