"""What every page of the owner's web app shares: the session, the store, the language, the
templates and the number formats.

A page is a plain ``def`` route that takes a :data:`StorePageDep`-like dependency built by
:func:`store_page` (``GET``) or :func:`store_form` (``POST``: Origin and CSRF checked) and returns
``page.render("template.html", **view)``, where ``view`` comes from the same view function as its
JSON twin under ``/v1/stores/{store}/...``. Without a session a ``GET`` is sent to ``/login``
(:class:`LoginRequired`); a store the session holds no token for is 404, an area its role lacks 403.
A store that has no data yet opens (its Data page imports it), and an agency may open the Data
page of a new store name to import it (:func:`new_store_principal`).

Templates extend ``base.html`` and get ``page`` (this object: ``page.money(x)``, ``page.t(key)``,
``page.csrf``, ``page.nav``...).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from shopkeeper.api import sessions
from shopkeeper.api.auth import Area, Principal, StorePath
from shopkeeper.api.data import new_store_token
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.api.web.i18n import NAV, NavItem
from shopkeeper.context import StoreContext
from shopkeeper.errors import StoreNotFound
from shopkeeper.inspection.kinds import entity_label, kind_label
from shopkeeper.ops.actions import action_name
from shopkeeper.text import Lang, change, lang_of, money, number, pct, pick, t

LANG_COOKIE = "sk_lang"
STATIC = Path(__file__).parent / "static"
"""The web app's CSS and JavaScript, served at ``/static/web/``."""


class LoginRequired(Exception):
    """A page was asked for without a live session: the app redirects to ``/login``."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


@functools.cache
def asset_url(name: str) -> str:
    """The URL of a static file, naming its version (the browser keeps it until it changes).

    >>> asset_url("app.css").startswith("/static/web/app.css?v=")
    True
    """
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/web/{name}?v={digest}"


@functools.cache
def environment() -> Environment:
    """The web app's Jinja2 environment (templates in the package; ``asset(name)``: a static
    file's versioned URL).
    """
    env = Environment(
        loader=PackageLoader("shopkeeper.api.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlq"] = lambda v: quote(str(v), safe="")
    env.globals["asset"] = asset_url
    return env


def page_lang(request: Request, default: Lang) -> Lang:
    """The page's language: ``?lang=`` (the switch), else the cookie it set, else ``default``."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return lang_of(chosen, default) if chosen in ("zh", "en") else default


@dataclass
class Page:
    """One page being rendered: who is looking, at which store, in which language."""

    request: Request
    services: Services
    session: sessions.WebSession
    lang: Lang
    principal: Principal | None = None
    store: str = ""
    currency: str = ""
    timezone: str = "UTC"
    flash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    # ── who and where ──
    @property
    def csrf(self) -> str:
        """The session's CSRF token, for every form."""
        return self.session.csrf

    @property
    def stores(self) -> list[str]:
        """Every store the session may open (the store switcher)."""
        return self.session.stores

    @property
    def role(self) -> str:
        """The role on this store ("" on pages without a store)."""
        return self.principal.token.role if self.principal else ""

    @property
    def actor(self) -> str:
        """How the audit trail names the person behind this page."""
        return f"web:{self.principal.actor}" if self.principal else "web"

    def may(self, area: Area) -> bool:
        """Whether the role on this store grants ``area``."""
        return self.principal is not None and self.principal.may(area)

    @property
    def nav(self) -> list[NavItem]:
        """The store's pages this role may open."""
        return [n for n in NAV if self.may(n.area)]

    def url(self, suffix: str = "") -> str:
        """The URL of a page of this store: ``page.url("findings")`` → ``/s/demo/findings``."""
        return f"/s/{quote(self.store, safe='')}/{suffix}".rstrip("/")

    @property
    def path(self) -> str:
        """The path of the page (links keep it when switching the language)."""
        return self.request.url.path

    def context(self) -> StoreContext:
        """The store seen through the app's context, as this caller, in this language."""
        actor = self.principal.actor if self.principal else "web"
        return self.services.app.store(self.store, self.lang, actor=actor)

    # ── text and numbers ──
    def t(self, key: str, **values: object) -> str:
        """Catalogue text in the page's language."""
        return t(key, self.lang, **values)

    def pick(self, zh: str, en: str) -> str:
        """One-off text in the page's language."""
        return pick(self.lang, zh, en)

    def money(self, value: float | None, digits: int | None = 2) -> str:
        """An amount in the store's currency."""
        return money(value, self.currency or "CNY", self.lang, digits=digits)

    def kind(self, kind: str) -> str:
        """A finding kind's name (the reports' own labels)."""
        return kind_label(kind, self.lang)

    def entity(self, entity_type: str) -> str:
        """An entity type's name (商品, 订单...)."""
        return entity_label(entity_type, self.lang)

    def action(self, action: str, params: dict[str, Any] | None = None) -> str:
        """An action's name, with what it acts on when the params name it (回复评价 · R-1029)."""
        name = action_name(action, self.lang)
        target = next(
            (
                str(params[k])
                for k in ("review_id", "order_id", "sku_id", "campaign_id", "product_id", "keyword")
                if params and params.get(k)
            ),
            "",
        )
        return f"{name} · {target}" if target else name

    def money_in(self, value: float | None, currency: str) -> str:
        """An amount in another store's currency (the stores page)."""
        return money(value, currency, self.lang, digits=None) if currency else self.number(value)

    def pct(self, value: float | None, digits: int = 1) -> str:
        """A fraction as a percentage."""
        return pct(value, digits)

    def change(self, ratio: float | None) -> str:
        """A relative change with its sign."""
        return change(ratio)

    def number(self, value: float | None, digits: int = 1) -> str:
        """A count or rate with separators."""
        return number(value, digits)

    def when(self, value: dt.datetime | dt.date | None) -> str:
        """A date or instant in the store's time zone, short."""
        if value is None:
            return "—"
        if isinstance(value, dt.datetime):
            from zoneinfo import ZoneInfo

            aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            return aware.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")
        return value.isoformat()

    # ── answers ──
    def render(self, template: str, code: int = 200, **view: Any) -> HTMLResponse:
        """The page ``template`` rendered with ``view`` (and ``page``)."""
        body = environment().get_template(template).render(page=self, **view)
        response = HTMLResponse(body, code)
        if self.request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(
                LANG_COOKIE, self.lang, max_age=365 * 86400, samesite="lax", path="/"
            )
        return response

    def back(self, url: str, flash: str = "") -> RedirectResponse:
        """After a form: see ``url`` (``flash``: one line shown there)."""
        if flash:  # the query goes before a #fragment, or the browser never sends it
            base, mark, fragment = url.partition("#")
            flash = flash[:300]
            signed = f"flash={quote(flash, safe='')}&fs={flash_signature(self.session, flash)}"
            base += ("&" if "?" in base else "?") + signed
            url = base + mark + fragment
        return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def new_store_principal(
    services: Services, session: sessions.WebSession, store: str
) -> Principal | None:
    """The session's agency token seen on ``store``, a valid store name that holds no data yet
    (so the agency can import a new store from the Data page; importing binds the token to it);
    None for an existing store, a name that is not allowed, or a session without an agency token.
    """
    for principal in (session.principal, *session.others):
        seen = new_store_token(services.settings, principal.token, store)
        if seen is not None:
            return Principal(seen)
    return None


def _store_page(
    request: Request, services: Services, session: sessions.WebSession, store: str, area: Area
) -> Page:
    principal = session.for_store(store)
    if principal is None and area == "data":
        principal = new_store_principal(services, session, store)
    if principal is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no store {store!r} in this session")
    ctx = services.app.store(store, actor=principal.actor)
    try:
        config = ctx.config
    except StoreNotFound:  # no data yet: the Data page imports it
        config = None
    lang = page_lang(request, config.language if config else "zh")
    page = Page(
        request,
        services,
        session,
        lang,
        principal,
        store,
        currency=config.currency if config else "",
        timezone=config.timezone if config else "UTC",
        flash=signed_flash(request, session),
    )
    if not principal.may(area):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"role {principal.token.role!r} may not use {area}"
        )
    return page


def session_page(request: Request, services: ServicesDep) -> Page:
    """A page without a store (``/``): the live session, else to ``/login``."""
    session = sessions.current(request, services.engine)
    if session is None:
        raise LoginRequired(str(request.url.path))
    return Page(request, services, session, page_lang(request, "zh"))


def store_page(area: Area) -> Callable[..., Page]:
    """A dependency for a store page (``GET``) that needs ``area``."""

    def dependency(request: Request, store: StorePath, services: ServicesDep) -> Page:
        session = sessions.current(request, services.engine)
        if session is None:
            raise LoginRequired(str(request.url.path))
        return _store_page(request, services, session, store, area)

    return dependency


def store_form(area: Area) -> Callable[..., Page]:
    """A dependency for a store page's form (``POST``): Origin and CSRF checked, needs ``area``."""

    def dependency(
        request: Request,
        store: StorePath,
        services: ServicesDep,
        csrf: Annotated[str, Form(alias=sessions.CSRF_FIELD)] = "",
    ) -> Page:
        session = sessions.check_post(request, services.engine, csrf)
        return _store_page(request, services, session, store, area)

    return dependency


SessionPage = Annotated[Page, Depends(session_page)]
"""The page of a logged-in session without a store."""


def flash_signature(session: sessions.WebSession, flash: str) -> str:
    """The notice's signature with this session's secret id: a link that carries a notice shows it
    only to the session that was redirected there, so nobody can craft a page saying their text.
    """
    key = session.session_id.encode("utf-8")
    return hmac.new(key, flash.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def signed_flash(request: Request, session: sessions.WebSession) -> str:
    """The ``?flash=`` notice when its ``fs`` signature is this session's, else nothing."""
    flash = request.query_params.get("flash", "")[:300]
    given = request.query_params.get("fs", "")
    if flash and hmac.compare_digest(given, flash_signature(session, flash)):
        return flash
    return ""
