"""Logging in and out of the web app, and switching stores.

``POST /login`` with a token opens a server-side session (its id in an HttpOnly, SameSite=Strict
cookie; see :mod:`shopkeeper.api.sessions`). Posted from a live session with its CSRF token, it
adds the token to that session instead: an agency holding one token per store switches between
them with ``/switch?store=``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shopkeeper.api import sessions
from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.web.core import LANG_COOKIE, environment, page_lang
from shopkeeper.text import t

router = APIRouter(tags=["pages"], include_in_schema=False)


def safe_next(url: str | None) -> str:
    """Where to go after logging in: a path of this site only (never ``//host`` or a URL)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


def _form(request: Request, *, error: bool = False, next_url: str = "/", csrf: str = "") -> str:
    lang = page_lang(request, "zh")
    return (
        environment()
        .get_template("login.html")
        .render(
            t=lambda key, **v: t(key, lang, **v),
            lang=lang,
            error=error,
            next=next_url,
            csrf=csrf,
            adding=bool(csrf),
        )
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    services: ServicesDep,
    next_url: Annotated[str, Query(alias="next")] = "/",
    error: bool = False,
) -> HTMLResponse:
    """The login form (logged in: the form to add another store's token)."""
    session = sessions.current(request, services.engine)
    code = status.HTTP_401_UNAUTHORIZED if error else status.HTTP_200_OK
    body = _form(
        request, error=error, next_url=safe_next(next_url), csrf=session.csrf if session else ""
    )
    response = HTMLResponse(body, code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, page_lang(request, "zh"), samesite="lax", path="/")
    return response


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    token: Annotated[str, Form(max_length=500)],
    next_url: Annotated[str, Form(alias="next")] = "/",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Log in with a token (or add it to the live session); then open ``next``."""
    sessions.check_origin(request)
    engine = services.engine
    current = sessions.current(request, engine) if csrf else None
    if current is not None:
        session = sessions.check_post(request, engine, csrf)
        added = sessions.add_token(engine, session, token)
        if added is None:
            return RedirectResponse(
                f"/login?error=1&next={quote(safe_next(next_url))}", status.HTTP_303_SEE_OTHER
            )
        return RedirectResponse(safe_next(next_url), status.HTTP_303_SEE_OTHER)
    made = sessions.login(engine, token)
    if made is None:
        return RedirectResponse(
            f"/login?error=1&next={quote(safe_next(next_url))}", status.HTTP_303_SEE_OTHER
        )
    response = RedirectResponse(safe_next(next_url), status.HTTP_303_SEE_OTHER)
    sessions.set_cookie(response, request, made)
    return response


@router.post("/logout")
def logout(request: Request, services: ServicesDep, csrf: Annotated[str, Form()] = "") -> Response:
    """End the session: its cookie is worthless from now on."""
    session = sessions.check_post(request, services.engine, csrf)
    sessions.logout(services.engine, session.session_id)
    response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    sessions.clear_cookie(response, request)
    return response


@router.get("/switch")
def switch(request: Request, services: ServicesDep, store: str = "") -> Response:
    """Open another store of the session (the store switcher)."""
    session = sessions.current(request, services.engine)
    if session is None:
        return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
    if not store:
        return RedirectResponse("/", status.HTTP_303_SEE_OTHER)
    if session.for_store(store) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no store {store!r} in this session")
    return RedirectResponse(f"/s/{quote(store, safe='')}", status.HTTP_303_SEE_OTHER)
