"""The owner's web app: server-rendered pages at ``/`` for a merchant or an agency, in the browser.

Served from the package (Jinja2 templates in ``templates/``, CSS and plain JavaScript in
``static/`` at ``/static/web/``): no CDN, works offline. Every page is the HTML twin of a JSON
route under ``/v1/stores/{store}/...`` rendered from the same view function.

- ``/login`` (a form whose field is ``token``) opens a server-side session
  (:mod:`shopkeeper.api.sessions`); logging in again while logged in adds that token (another
  store) to the session; ``/switch?store=`` opens another of its stores; ``/logout`` ends it.
- ``/`` lists the session's stores (:mod:`.stores`), or opens the only one;
  ``/stores/new?name=``: an agency adds a store (an owner's token belongs to its one store).
- ``/s/{store}/{page}``: the store's pages, each in its own module; the navigation shows those
  whose area the role's :data:`~shopkeeper.api.auth.GRANTS` entry grants (:data:`.i18n.NAV`).

Shared pieces for a page module: :mod:`.core` (``store_page(area)`` / ``store_form(area)``
dependencies returning a :class:`.core.Page`, ``page.render(...)``, ``page.back(...)``).
"""

from __future__ import annotations

import inspect

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from shopkeeper.api.errors import status_of
from shopkeeper.api.web import (
    approvals,
    ask,
    cs,
    data,
    findings,
    login,
    memory,
    reports,
    schedules,
    settings,
    stores,
    today,
)
from shopkeeper.api.web.core import STATIC, LoginRequired, environment, page_lang
from shopkeeper.errors import ShopkeeperError
from shopkeeper.text import t

GZIP_MIN_BYTES = 1000
"""Answers smaller than this go uncompressed (gzip would not pay for its header)."""
PAGE_MODULES = (
    login,
    stores,
    today,
    findings,
    approvals,
    ask,
    reports,
    schedules,
    memory,
    cs,
    data,
    settings,
)
"""The modules whose ``router`` (pages) and ``api`` (JSON twins, if any) the app includes."""


def routers() -> list[APIRouter]:
    """Every router of the web app: the JSON twins first, then the pages."""
    apis = [m.api for m in PAGE_MODULES if hasattr(m, "api")]
    return [*apis, *(m.router for m in PAGE_MODULES)]


def _is_page(request: Request) -> bool:
    path = request.url.path
    return path == "/" or path.startswith(("/s/", "/stores/", "/login", "/logout", "/switch"))


class Assets(StaticFiles):
    """The web app's CSS and JavaScript: kept by the browser for a year when the URL names the
    file's version (``?v=``, see :func:`.core.asset_url`: a new version is a new URL), else
    revalidated on each use (its ETag answers 304).
    """

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, with its caching header."""
        response = await super().get_response(path, scope)
        versioned = b"v=" in scope.get("query_string", b"")
        response.headers["Cache-Control"] = (
            "public, max-age=31536000, immutable" if versioned else "no-cache"
        )
        return response


def install(app: FastAPI, extra: tuple[APIRouter, ...] = ()) -> None:
    """Mount the web app on ``app``: its routers (and ``extra`` page routers), static files, gzip
    for answers a browser accepts compressed (never a stream of events), and HTML answers for the
    pages' errors (a redirect to ``/login`` without a session).
    """
    for router in (*routers(), *extra):
        app.include_router(router)
    app.mount("/static/web", Assets(directory=STATIC), name="web-static")
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    previous = {kind: app.exception_handlers[kind] for kind in (HTTPException, ShopkeeperError)}

    async def login_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)

    async def page_error(request: Request, exc: Exception) -> Response:
        """A page's error as a page (one sentence, its status kept); an API's as JSON."""
        kind = HTTPException if isinstance(exc, HTTPException) else ShopkeeperError
        if not _is_page(request):
            answer = previous[kind](request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        if isinstance(exc, HTTPException):
            code, message = exc.status_code, str(exc.detail)
        else:
            assert isinstance(exc, ShopkeeperError)
            code, message = status_of(exc), str(exc)
        lang = page_lang(request, "zh")
        body = (
            environment()
            .get_template("error.html")
            .render(t=lambda key, **v: t(key, lang, **v), lang=lang, code=code, message=message)
        )
        return HTMLResponse(body, code)

    app.add_exception_handler(LoginRequired, login_first)
    app.add_exception_handler(HTTPException, page_error)
    app.add_exception_handler(ShopkeeperError, page_error)
