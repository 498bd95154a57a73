"""``/s/{store}/findings``: the recorded problems, filtered by kind, severity, entity and status
(new / ongoing / resolved / dismissed), each with its evidence, its history over days and its
actions (propose, approve within policy, dismiss with a reason).

JSON twins: ``GET /v1/stores/{store}/findings``, ``GET .../findings/{key}/days``,
``POST .../findings/{key}/dismiss`` and ``POST .../findings/{key}/act``. Everything reads the
recorded inspections (:mod:`shopkeeper.inspection.history`): nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from shopkeeper.api.approvals import shown
from shopkeeper.api.auth import Principal, StorePath, forbidden, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.api.web.core import Page, store_form, store_page
from shopkeeper.inspection.history import FindingNotFound, dismiss, history, key_of
from shopkeeper.inspection.models import Finding
from shopkeeper.ops.actions import ACTIONS
from shopkeeper.ops.approvals import ActionRecord, approve, propose
from shopkeeper.opsdb import findings as findings_table

ProblemStatus = Literal["new", "ongoing", "resolved", "dismissed"]
FindingsReader = Annotated[Principal, Depends(require("findings"))]

router = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/v1/stores/{store}/findings", tags=["findings"])


class Problem(BaseModel):
    """A problem across the recorded inspections, with the actions this caller may propose."""

    key: str
    status: ProblemStatus
    first_seen: dt.date
    last_seen: dt.date
    days_seen: int
    dismissed: str | None = None
    finding: Finding
    actionable: list[int] = Field(
        default_factory=list, description="indexes of finding.actions the caller may propose"
    )


class FindingsView(BaseModel):
    """The problems of the store since a day, filtered, and the values the filters offer."""

    store: str
    latest: dt.date | None
    since: dt.date
    problems: list[Problem]
    kinds: list[str]
    entity_types: list[str]


class Day(BaseModel):
    """One day a problem was seen."""

    day: dt.date
    severity: str
    impact: float | None
    title: str


def findings_view(
    services: Services,
    principal: Principal,
    store: str,
    *,
    kind: str | None = None,
    severity: str | None = None,
    entity: str | None = None,
    status: ProblemStatus | None = None,
) -> FindingsView:
    """The store's recorded problems, filtered (``entity``: a type, or an id or name to look for)."""
    found = history(services.engine, store)
    every = [_problem(p.model_dump(), principal) for p in found.problems]
    chosen = [
        p
        for p in every
        if (not kind or p.finding.kind == kind)
        and (not severity or p.finding.severity == severity)
        and (not status or p.status == status)
        and (not entity or _matches(p.finding, entity))
    ]
    return FindingsView(
        store=store,
        latest=found.latest,
        since=found.since,
        problems=chosen,
        kinds=sorted({p.finding.kind for p in every}),
        entity_types=sorted({p.finding.entity.type for p in every}),
    )


def _problem(tracked: dict[str, object], principal: Principal) -> Problem:
    problem = Problem.model_validate(tracked)
    if problem.dismissed is not None:
        problem.status = "dismissed"
    problem.actionable = [
        i
        for i, a in enumerate(problem.finding.actions)
        if a.type in ACTIONS and principal.may_act(a.type) and principal.may("approvals")
    ]
    return problem


def _matches(finding: Finding, entity: str) -> bool:
    needle = entity.lower()
    e = finding.entity
    return needle in (e.type, e.id.lower()) or needle in (e.name or "").lower()


def problem_days(services: Services, store: str, key: str) -> list[Day]:
    """Every recorded day of one problem, oldest first."""
    kind, _, rest = key_of(key).partition(":")
    entity_type, _, entity_id = rest.partition(":")
    c = findings_table.c
    query = (
        select(c.day, c.severity, c.impact, c.title)
        .where(
            c.store == store,
            c.kind == kind,
            c.entity_type == entity_type,
            c.entity_id == entity_id,
        )
        .order_by(c.day)
    )
    with services.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    if not rows:
        raise FindingNotFound(f"no finding {key!r} recorded for store {store!r}")
    return [Day.model_validate(dict(r)) for r in rows]


def dismiss_problem(services: Services, store: str, key: str, reason: str) -> Finding:
    """Dismiss a problem with the merchant's reason (quiet until its evidence changes)."""
    return dismiss(services.engine, store, key, reason.strip())


def act_on(
    services: Services, principal: Principal, store: str, key: str, index: int, approve_now: bool
) -> ActionRecord:
    """Propose a finding's action; with ``approve_now`` approve it at once if the policy left it
    pending (a refused action stays refused).
    """
    problem = next(
        (p for p in findings_view(services, principal, store).problems if p.key == key_of(key)),
        None,
    )
    if problem is None:
        raise FindingNotFound(f"no finding {key!r} recorded for store {store!r}")
    if index not in problem.actionable:
        raise forbidden(f"action {index} of finding {key!r}", principal)
    action = problem.finding.actions[index]
    record = propose(
        services.settings,
        services.engine,
        services.connector,
        store,
        action.type,
        action.params,
        reason=problem.finding.title,
        proposed_by=principal.actor,
    )
    if approve_now and record.status == "pending":
        record = approve(
            services.engine, services.connector, store, record.action_id, actor=principal.actor
        )
    return shown(record)


# ── JSON ──────────────────────────────────────────────────────────────────────────────────────


class DismissBody(BaseModel):
    """Why the merchant leaves this problem alone."""

    reason: str = Field(min_length=1, max_length=500)


class ActBody(BaseModel):
    """Which of the finding's actions to propose, and whether to approve it at once."""

    index: int = Field(ge=0, default=0)
    approve: bool = False


@api.get("")
def list_findings(
    store: StorePath,
    principal: FindingsReader,
    services: ServicesDep,
    kind: str | None = None,
    severity: Annotated[str | None, Query(pattern="^(high|medium|low)$")] = None,
    entity: str | None = None,
    status: ProblemStatus | None = None,
) -> FindingsView:
    """The recorded problems (the latest inspection and the 14 days before), filtered."""
    return findings_view(
        services, principal, store, kind=kind, severity=severity, entity=entity, status=status
    )


@api.get("/{key}/days")
def days(store: StorePath, key: str, _caller: FindingsReader, services: ServicesDep) -> list[Day]:
    """Every recorded day of one problem (by key or finding id)."""
    return problem_days(services, store, key)


@api.post("/{key}/dismiss")
def dismiss_json(
    store: StorePath, key: str, body: DismissBody, _caller: FindingsReader, services: ServicesDep
) -> Finding:
    """Dismiss a problem with a reason."""
    return dismiss_problem(services, store, key, body.reason)


@api.post("/{key}/act")
def act_json(
    store: StorePath, key: str, body: ActBody, principal: FindingsReader, services: ServicesDep
) -> ActionRecord:
    """Propose one of the finding's actions (and approve it within policy)."""
    return act_on(services, principal, store, key, body.index, body.approve)


# ── pages ─────────────────────────────────────────────────────────────────────────────────────

FindingsPage = Annotated[Page, Depends(store_page("findings"))]
FindingsForm = Annotated[Page, Depends(store_form("findings"))]


@router.get("/s/{store}/findings")
def findings_page(
    page: FindingsPage,
    kind: str | None = None,
    severity: Annotated[str | None, Query(pattern="^(high|medium|low|)$")] = None,
    entity: str | None = None,
    status: Annotated[str | None, Query(pattern="^(new|ongoing|resolved|dismissed|)$")] = None,
    open_key: Annotated[str | None, Query(alias="open")] = None,
) -> Response:
    """The findings page."""
    assert page.principal is not None
    chosen: ProblemStatus | None = status or None  # type: ignore[assignment]
    view = findings_view(
        page.services,
        page.principal,
        page.store,
        kind=kind or None,
        severity=severity or None,
        entity=entity or None,
        status=chosen,
    )
    opened = problem_days(page.services, page.store, open_key) if open_key else []
    filters = {"kind": kind or "", "severity": severity or "", "entity": entity or ""}
    return page.render(
        "findings.html",
        view=view,
        filters=filters | {"status": status or ""},
        open_key=open_key,
        days=opened,
    )


@router.post("/s/{store}/findings/dismiss")
def dismiss_form(
    page: FindingsForm,
    key: Annotated[str, Form()],
    reason: Annotated[str, Form(min_length=1, max_length=500)],
    back: Annotated[str, Form()] = "",
) -> Response:
    """Dismiss a problem from a page."""
    found = dismiss_problem(page.services, page.store, key, reason)
    note = page.pick(f"已忽略：{found.title}", f"Dismissed: {found.title}")
    return page.back(_back(page, back, "findings"), note)


@router.post("/s/{store}/findings/act")
def act_form(
    page: FindingsForm,
    key: Annotated[str, Form()],
    index: Annotated[int, Form(ge=0)] = 0,
    approve_now: Annotated[bool, Form(alias="approve")] = False,
    back: Annotated[str, Form()] = "",
) -> Response:
    """Propose (and approve within policy) a finding's action from a page."""
    assert page.principal is not None
    record = act_on(page.services, page.principal, page.store, key, index, approve_now)
    note = page.pick(
        f"{record.action}：{page.t('web.action.' + record.status)}",
        f"{record.action}: {page.t('web.action.' + record.status)}",
    )
    return page.back(_back(page, back, "findings"), note)


def _back(page: Page, back: str, default: str) -> str:
    prefix = page.url()
    return back if back.startswith(prefix + "/") or back == prefix else page.url(default)
