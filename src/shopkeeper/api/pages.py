"""Pages: the embeddable chat widget and the human agents' console, rendered from the same views
as the JSON routes (:func:`shopkeeper.api.cs.queue_view`, :func:`~shopkeeper.api.cs.conversation_view`).

- ``GET /widget/{store}.js`` — one ``<script>`` tag on the store's site opens a chat bubble:
  ``<script src="https://HOST/widget/demo.js" data-key="wk_…" data-customer-id="…"
  data-signature="…" data-lang="zh"></script>``. It talks to the WebSocket, falls back to HTTP.
- ``GET /widget/{store}`` — a sample store page hosting the widget (``?key=…&customer_id=…``).
- ``GET /console/{store}`` — the agents' console: queue, live sessions, the conversation,
  suggested replies (adopt / edit / reject) and a reply box. Log in with a cs/owner token: the
  browser gets a server-side session (:mod:`shopkeeper.api.sessions`: the cookie holds a random
  id, never the token; logging out ends it), and every form carries a CSRF token and is checked
  for this site's Origin.

Everything is served from the package (Jinja2 templates, ``/static/cs/``): no CDN, works offline.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, HTTPException, Query, Request, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from shopkeeper.api import console_text, sessions
from shopkeeper.api.auth import StorePath
from shopkeeper.api.cs import (
    conversation_view,
    queue_view,
    release_conversation,
    send_human_reply,
)
from shopkeeper.api.cs_auth import SIGNATURE_HEADER, CsCaller
from shopkeeper.api.cs_backend import (
    BackendDep,
    ConversationView,
    CsBackend,
    Outcome,
    Suggestion,
)
from shopkeeper.api.cs_hub import get_hub
from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.page_text import SAMPLE_PRODUCTS, widget_words
from shopkeeper.errors import StoreNotFound
from shopkeeper.text import Lang, lang_of, money, other_lang, t

STATIC = Path(__file__).parent / "static"

router = APIRouter(tags=["pages"], include_in_schema=False)


@functools.cache
def environment() -> Environment:
    """The pages' Jinja2 environment (templates in the package): text comes from the catalogue,
    ``{{ t("key", lang) }}``, and amounts through ``{{ value|money(currency, lang) }}``
    (:mod:`shopkeeper.text`).
    """
    env = Environment(
        loader=PackageLoader("shopkeeper.api", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    env.globals["who"] = console_text.who
    env.globals["other_lang"] = other_lang
    env.filters["money"] = money
    env.filters.update(console_text.FILTERS)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def render(name: str, **context: Any) -> str:
    """A template rendered with ``context``."""
    return environment().get_template(name).render(**context)


def install(app: FastAPI) -> None:
    """Serve the pages' static files, and let a store's site call the API from its own origin.

    CORS allows any origin without credentials: API calls carry a bearer token or widget key,
    never a cookie (the pages' session cookie is same-site and only read by the pages).
    """
    app.mount("/static/cs", StaticFiles(directory=STATIC), name="cs-static")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", SIGNATURE_HEADER],
    )


# ── the widget ────────────────────────────────────────────────────────────────────────────────


@router.get("/widget/{store}.js")
def widget_script(store: StorePath) -> Response:
    """The chat widget for ``store``'s site (configure it with ``data-*`` attributes)."""
    code = (STATIC / "cs-widget.js").read_text(encoding="utf-8")
    body = render("widget.js.j2", store=store, code=code, words=widget_words())
    return Response(body, media_type="text/javascript; charset=utf-8")


def _store_words(services: ServicesDep, store: str) -> tuple[Lang, str]:
    """The store's language and currency ("zh" and none before its data is imported)."""
    try:
        ctx = services.app.store(store)
        return ctx.language, ctx.currency
    except StoreNotFound:
        return "zh", ""


@router.get("/widget/{store}", response_class=HTMLResponse)
def widget_demo(
    store: StorePath,
    services: ServicesDep,
    key: Annotated[str, Query(description="the store's widget key")] = "",
    customer_id: Annotated[str, Query()] = "",
    conversation_id: Annotated[str, Query()] = "",
    signature: Annotated[str, Query()] = "",
    lang: Annotated[str | None, Query(pattern="^(zh|en)$")] = None,
    open_chat: Annotated[bool, Query(alias="open")] = False,
) -> str:
    """A sample store page with the widget on it, in the store's language and currency (prices
    shown once the store has data).
    """
    store_lang, currency = _store_words(services, store)
    return render(
        "widget_host.html",
        store=store,
        currency=currency,
        products=SAMPLE_PRODUCTS,
        key=key,
        customer_id=customer_id,
        conversation_id=conversation_id,
        signature=signature,
        lang=lang_of(lang, store_lang),
        open_chat=open_chat,
    )


# ── the console ───────────────────────────────────────────────────────────────────────────────


def _staff(session: sessions.WebSession | None, store: str) -> CsCaller | None:
    """The console's agent: a session of this store whose role grants cs, or None (log in)."""
    principal = session.for_store(store) if session is not None else None
    if principal is None or "cs" not in principal.grant.areas:
        return None
    return CsCaller(principal)


def _suggestions(backend: CsBackend, store: str, view: ConversationView | None) -> list[Suggestion]:
    if view is None:
        return []
    last = next((m.text for m in reversed(view.messages) if m.role == "buyer"), None)
    return backend.suggest(store, view.conversation_id, last) if last else []


def console_context(
    backend: CsBackend,
    store: str,
    conversation_id: str | None,
    edit: str | None = None,
    *,
    with_suggestions: bool = True,
    lang: Lang = "zh",
) -> dict[str, Any]:
    """What the console shows: the queue and the open conversation (the JSON routes' views),
    and the agent's language ``lang`` (every label, state and reason in it alone).
    """
    queue = queue_view(backend, store)
    view = None
    if conversation_id:
        try:
            view = conversation_view(backend, store, conversation_id)
        except HTTPException:
            view = None
    suggestions = _suggestions(backend, store, view) if with_suggestions else []
    editing = next((s for s in suggestions if s.suggestion_id == edit), None)
    return {
        "store": store,
        "queue": [q for q in queue if q.state != "bot"],
        "live": [q for q in queue if q.state == "bot"],
        "conversation": view,
        "suggestions": suggestions,
        "editing": editing,
        "lang": lang,
    }


CsrfForm = Annotated[str, Form(alias=sessions.CSRF_FIELD)]
AgentLang = Annotated[
    str | None,
    Query(pattern="^(zh|en)$", description="the agent's language (default: the store's)"),
]


def _back(store: str, conversation_id: str | None = None) -> RedirectResponse:
    url = f"/console/{quote(store)}" + (f"?c={quote(conversation_id)}" if conversation_id else "")
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/console/{store}", response_class=HTMLResponse)
def console(
    request: Request,
    store: StorePath,
    services: ServicesDep,
    backend: BackendDep,
    c: Annotated[str | None, Query(description="the open conversation")] = None,
    edit: Annotated[str | None, Query(description="a suggestion to edit")] = None,
    error: str | None = None,
    lang: AgentLang = None,
) -> HTMLResponse:
    """The agents' console (or its login form), in the store's language or ``lang``."""
    session = sessions.current(request, services.engine)
    caller = _staff(session, store)
    words = lang_of(lang, _store_words(services, store)[0])
    if session is None or caller is None:
        had = sessions.COOKIE in request.cookies
        code = status.HTTP_401_UNAUTHORIZED if had else status.HTTP_200_OK
        page = render("console_login.html", store=store, error=error, c=c, lang=words)
        return HTMLResponse(page, code)
    context = console_context(backend, store, c, edit, lang=words)
    return HTMLResponse(render("console.html", agent=caller.actor, csrf=session.csrf, **context))


@router.get("/console/{store}/panel", response_class=HTMLResponse)
def console_panel(
    request: Request,
    store: StorePath,
    services: ServicesDep,
    backend: BackendDep,
    c: str | None = None,
    lang: AgentLang = None,
) -> HTMLResponse:
    """The queue and conversation parts of the console, for its live refresh."""
    if _staff(sessions.current(request, services.engine), store) is None:
        return HTMLResponse("", status.HTTP_401_UNAUTHORIZED)
    words = lang_of(lang, _store_words(services, store)[0])
    context = console_context(backend, store, c, with_suggestions=False, lang=words)
    return HTMLResponse(render("console_panel.html", **context))


@router.post("/console/{store}/login")
def console_login(
    request: Request,
    store: StorePath,
    services: ServicesDep,
    token: Annotated[str, Form()],
    c: Annotated[str, Form()] = "",
) -> Response:
    """Log in with a cs/owner token (a server-side session; its id in the cookie), then open ``c``."""
    sessions.check_origin(request)
    session = sessions.login(services.engine, token)
    if session is None or _staff(session, store) is None:
        sessions.logout(services.engine, session.session_id if session else None)
        return RedirectResponse(f"/console/{store}?error=1", status_code=status.HTTP_303_SEE_OTHER)
    response = _back(store, c or None)
    sessions.set_cookie(response, request, session)
    return response


@router.post("/console/{store}/logout")
def console_logout(
    request: Request, store: StorePath, services: ServicesDep, csrf: CsrfForm = ""
) -> Response:
    """End the console's session (its cookie is worthless from now on)."""
    session = sessions.check_post(request, services.engine, csrf)
    sessions.logout(services.engine, session.session_id)
    response = _back(store)
    sessions.clear_cookie(response, request)
    return response


def _agent(request: Request, services: ServicesDep, store: str, csrf: str) -> CsCaller:
    """The agent behind a console form: its session, Origin and CSRF token checked."""
    caller = _staff(sessions.check_post(request, services.engine, csrf), store)
    if caller is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in to the console first")
    return caller


@router.post("/console/{store}/reply")
def console_reply(
    request: Request,
    store: StorePath,
    services: ServicesDep,
    backend: BackendDep,
    c: Annotated[str, Form()],
    text: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf: CsrfForm = "",
    suggestion_id: Annotated[str, Form()] = "",
    original: Annotated[str, Form()] = "",
) -> Response:
    """Send the agent's reply (an adopted or edited suggestion is recorded as such)."""
    caller = _agent(request, services, store, csrf)
    conversation_view(backend, store, c)
    if suggestion_id:
        outcome: Outcome = "adopted" if text.strip() == original.strip() else "edited"
        backend.record_outcome(store, suggestion_id, outcome, text, caller.actor)
    send_human_reply(backend, services, get_hub(request), store, c, text, caller.actor)
    return _back(store, c)


@router.post("/console/{store}/suggestions/{suggestion_id}/reject")
def console_reject(
    request: Request,
    store: StorePath,
    suggestion_id: str,
    services: ServicesDep,
    backend: BackendDep,
    c: Annotated[str, Form()],
    csrf: CsrfForm = "",
) -> Response:
    """Reject a suggestion."""
    caller = _agent(request, services, store, csrf)
    backend.record_outcome(store, suggestion_id, "rejected", None, caller.actor)
    return _back(store, c)


@router.post("/console/{store}/release")
def console_release(
    request: Request,
    store: StorePath,
    services: ServicesDep,
    backend: BackendDep,
    c: Annotated[str, Form()],
    csrf: CsrfForm = "",
) -> Response:
    """Give the conversation back to the bot."""
    caller = _agent(request, services, store, csrf)
    release_conversation(backend, get_hub(request), store, c, caller.actor)
    return _back(store, c)
