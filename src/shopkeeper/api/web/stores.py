"""``/``: the stores of the session — each with yesterday's GMV and its change, open findings by
severity, pending approvals, the last import and failed scheduled runs (an agency's morning
view); a session of one store without an agency token goes straight to its first page. JSON twin:
``GET /v1/stores/{store}/overview``.

Adding a store follows :data:`~shopkeeper.api.auth.GRANTS`: an owner's (ops', ads', cs') token
belongs to its one store, whose data it imports on its Data page; an ``agency`` token adds stores
— ``/stores/new?name=`` opens the Data page of a new store name, and importing there binds the
token to it (:func:`.core.new_store_principal`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from shopkeeper.api import sessions
from shopkeeper.api.auth import Principal, StorePath, authenticate
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.api.web import brief
from shopkeeper.api.web.core import LoginRequired, SessionPage
from shopkeeper.api.web.i18n import NAV
from shopkeeper.errors import ConfigError, StoreNotFound
from shopkeeper.store.warehouse import existing_store_dir

router = APIRouter(tags=["pages"], include_in_schema=False)
api = APIRouter(prefix="/v1/stores/{store}", tags=["web"])


class StoreCard(BaseModel):
    """One store at a glance."""

    store: str
    name: str
    currency: str
    lang: str
    gmv: float | None = None
    gmv_change: float | None = None
    gmv_day: dt.date | None = None
    open_findings: dict[str, int]
    pending_approvals: int
    last_import: dt.datetime | None = None
    last_inspection: dt.date | None = None
    failed_schedules: int
    home: str = ""


def home_of(principal: Principal, store: str) -> str:
    """The first page of the store the role may open (``""`` if none)."""
    for item in NAV:
        if principal.may(item.area):
            return f"/s/{quote(store, safe='')}/{item.path}"
    return ""


def store_card(services: Services, principal: Principal) -> StoreCard:
    """The store of ``principal`` at a glance, from what was recorded (nothing recomputed)."""
    store = principal.token.store
    engine = services.engine
    ctx = services.app.store(store, actor=principal.actor)
    try:
        config = ctx.config
    except StoreNotFound:
        config = None
    daily = (
        brief.latest_daily(engine, store)
        if principal.may("reports") or principal.may("findings")
        else None
    )
    gmv = daily[1].kpi("gmv") if daily else None
    inspected = brief.last_inspection(engine, store)
    return StoreCard(
        store=store,
        name=config.name if config else store,
        currency=config.currency if config else "",
        lang=config.language if config else "zh",
        gmv=gmv.value if gmv else None,
        gmv_change=gmv.previous.ratio if gmv else None,
        gmv_day=daily[1].period.end if daily else None,
        open_findings=brief.open_by_severity(brief.open_problems(engine, store))
        if principal.may("findings")
        else {},
        pending_approvals=len(brief.pending(engine, store, principal))
        if principal.may("approvals")
        else 0,
        last_import=brief.last_import(ctx) if config else None,
        last_inspection=inspected[0] if inspected else None,
        failed_schedules=len(brief.failed_runs(engine, store, _day_ago(services)))
        if principal.may("schedules")
        else 0,
        home=home_of(principal, store),
    )


def _day_ago(services: Services) -> dt.datetime:
    now = services.clock()
    return (now if now.tzinfo else now.replace(tzinfo=dt.UTC)) - dt.timedelta(days=1)


@api.get("/overview")
def overview(
    store: StorePath, principal: Annotated[Principal, Depends(authenticate)], services: ServicesDep
) -> StoreCard:
    """The store at a glance: yesterday's GMV and change, open findings by severity, pending
    approvals, the last import and failed scheduled runs of the last day.
    """
    return store_card(services, principal)


def adds_stores(session: sessions.WebSession) -> bool:
    """Whether the session holds an agency token (the only role that adds stores)."""
    return any(p.token.role == "agency" for p in (session.principal, *session.others))


@router.get("/")
def stores_page(page: SessionPage) -> Response:
    """Every store of the session (one store, no agency token: its first page)."""
    session = page.session
    agency = adds_stores(session)
    if len(session.stores) == 1 and not agency:
        principal = session.for_store(session.stores[0])
        assert principal is not None
        target = home_of(principal, session.stores[0])
        if target:
            return RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    cards = []
    for store in session.stores:
        principal = session.for_store(store)
        assert principal is not None
        cards.append(store_card(page.services, principal))
    return page.render("stores.html", cards=cards, adds_stores=agency)


@router.get("/stores/new")
def new_store(page: SessionPage, name: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Add a store (an agency token only): the Data page of the new store name, to import it."""
    if not adds_stores(page.session):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            page.pick(
                "店主的令牌只属于一家店：新增店铺需要代运营（agency）令牌。",
                "An owner's token belongs to its one store: adding a store takes an agency token.",
            ),
        )
    name = name.strip()
    if name in page.session.stores:
        return RedirectResponse(f"/s/{quote(name, safe='')}", status.HTTP_303_SEE_OTHER)
    try:
        existing_store_dir(page.services.settings, name)
    except ConfigError as exc:
        said = page.pick(
            f"店铺名 {name!r} 不可用：只能用字母、数字、'.'、'_' 或 '-'（最多 64 个），以字母或数字开头。",
            str(exc),
        )
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, said) from exc
    except StoreNotFound:
        return RedirectResponse(f"/s/{quote(name, safe='')}/data", status.HTTP_303_SEE_OTHER)
    raise HTTPException(  # another's store: the same answer as for any store not in the session
        status.HTTP_404_NOT_FOUND, f"no store {name!r} in this session"
    )


@router.get("/s/{store}")
def store_home(request: Request, store: StorePath, services: ServicesDep) -> Response:
    """A store's first page for this role."""
    session = sessions.current(request, services.engine)
    if session is None:
        raise LoginRequired(request.url.path)
    principal = session.for_store(store)
    if principal is None or not home_of(principal, store):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no store {store!r} in this session")
    return RedirectResponse(home_of(principal, store), status.HTTP_303_SEE_OTHER)
