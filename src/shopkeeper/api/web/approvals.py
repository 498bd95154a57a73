"""``/s/{store}/approvals``: the approvals inbox — pending actions with who proposed them, the
evidence, the policy's reasons and what will change; approve, or reject with a note, in one
click each; and the audit trail.

Rendered from the JSON routes' own functions (:func:`shopkeeper.api.approvals.list_approvals`,
:func:`~shopkeeper.api.approvals.audit`, ``approve_action``, ``reject_action``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response

from shopkeeper.api import approvals as json_api
from shopkeeper.api.web.core import Page, store_form, store_page

router = APIRouter(tags=["pages"], include_in_schema=False)

ApprovalsPage = Annotated[Page, Depends(store_page("approvals"))]
ApprovalsForm = Annotated[Page, Depends(store_form("approvals"))]
AUDIT_ROWS = 50


@router.get("/s/{store}/approvals")
def approvals_page(
    page: ApprovalsPage,
    show: Annotated[str, Query(pattern="^(pending|all)$")] = "pending",
) -> Response:
    """The approvals inbox and the audit trail."""
    assert page.principal is not None
    actions = json_api.list_approvals(
        page.store, page.principal, page.services, status="pending" if show == "pending" else "all"
    )
    trail = json_api.audit(page.store, page.principal, page.services) if page.may("audit") else []
    return page.render("approvals.html", actions=actions, trail=trail[::-1][:AUDIT_ROWS], show=show)


@router.post("/s/{store}/approvals/{action_id}/approve")
def approve_form(page: ApprovalsForm, action_id: str) -> Response:
    """Approve from the inbox: the action runs (exactly its stored arguments, once)."""
    assert page.principal is not None
    done = json_api.approve_action(page.store, action_id, page.principal, page.services)
    note = page.pick(
        f"已批准 {done.action}：{page.t('web.action.' + done.status)}",
        f"Approved {done.action}: {page.t('web.action.' + done.status)}",
    )
    return page.back(page.url("approvals") + "#audit", note)


@router.post("/s/{store}/approvals/{action_id}/reject")
def reject_form(
    page: ApprovalsForm, action_id: str, note: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    """Reject from the inbox, with an optional note."""
    assert page.principal is not None
    done = json_api.reject_action(
        page.store, action_id, page.principal, page.services, json_api.Decision(note=note)
    )
    return page.back(
        page.url("approvals") + "#audit",
        page.pick(f"已驳回 {done.action}", f"Rejected {done.action}"),
    )
