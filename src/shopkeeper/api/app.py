"""The JSON API: ``create_app(settings)`` builds the FastAPI app, ``shopkeeper serve`` runs it.

Routes live under ``/v1/stores/{store}/`` (one router per domain: skills, approvals, memory,
schedules, runs, auth, cs — customer service over HTTP and a WebSocket) and need a bearer token
of that store (:mod:`shopkeeper.api.auth`).
The skill routes are generated from the registry, loaded once when the app is built; the
lifespan opens the operational database once and runs the schedules (:mod:`shopkeeper.api.ticker`).
OpenAPI docs are at ``/docs``; the chat widget (``/widget/{store}.js``) and the agents'
console (``/console/{store}``) are pages (:mod:`shopkeeper.api.pages`); the owner's web app is at
``/`` (:mod:`shopkeeper.api.web`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from shopkeeper import __version__
from shopkeeper.api import (
    approvals,
    auth,
    cs,
    cs_day,
    cs_ws,
    data,
    docs,
    errors,
    memory,
    owner_settings,
    pages,
    reports,
    runs,
    schedules,
    skills,
    web,
)
from shopkeeper.api.cs_backend import EngineBackend
from shopkeeper.api.deps import Services
from shopkeeper.api.ticker import Ticker
from shopkeeper.clock import Clock
from shopkeeper.context import AppContext
from shopkeeper.cs.engine import CsEngine
from shopkeeper.ops.connectors import OutboxConnector
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry, load_registry


def create_app(
    settings: Settings,
    *,
    now: Callable[[], dt.datetime] | None = None,
    registry: SkillRegistry | None = None,
    tick_every_s: float = 30.0,
    keep_kb: bool = False,
    context: AppContext | None = None,
) -> FastAPI:
    """The API app. ``now`` is the store clock (default: from ``settings.now`` on, or real time);
    ``keep_kb`` builds missing or stale knowledge bases in the background (:mod:`..cs.kb.keeper`).
    ``context`` is the edge's application context to serve on (``shopkeeper serve`` passes the
    command's, so the process holds one engine; its edge closes it); without one, the lifespan
    builds its own and closes it at shutdown.
    """
    registry = registry if registry is not None else load_registry()
    clock = now or Clock.from_settings(settings)
    given = context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the app's one engine: the edge's, or opened here
        context = given or AppContext(settings, ops_engine(settings), clock)
        app.state.services = Services(
            app=context,
            registry=registry,
            connector=OutboxConnector(settings.home / "stores", context.engine),
        )
        cs_engine = CsEngine(settings, context.engine, context.clock)  # on the same database
        app.state.cs_backend = EngineBackend(cs_engine)
        ticker = Ticker(context, every_s=tick_every_s)
        app.state.ticker = ticker
        await anyio.to_thread.run_sync(ticker.tick_once)  # catch up missed runs before serving
        ticker.start()
        keeper = None
        if keep_kb:
            from shopkeeper.cs.kb.keeper import KbKeeper

            keeper = KbKeeper(settings)
            keeper.start()
        app.state.kb_keeper = keeper
        try:
            yield
        finally:
            if keeper is not None:
                await anyio.to_thread.run_sync(keeper.stop)
            await anyio.to_thread.run_sync(ticker.stop)
            if given is None:
                context.close()

    app = FastAPI(
        title="Shopkeeper",
        version=__version__,
        summary="Your store's AI operations team: skills, approvals, memory and schedules.",
        lifespan=lifespan,
        docs_url=None,  # served offline by shopkeeper.api.docs
        redoc_url=None,
    )
    errors.install(app)
    for router in (
        auth.router,
        skills.build_router(registry),
        approvals.router,
        memory.router,
        schedules.router,
        runs.router,
        runs.ask_router,
        cs.router,
        cs_day.router,
        cs_ws.router,
        reports.router,
        data.router,
        owner_settings.router,
        pages.router,
    ):
        app.include_router(router)
    pages.install(app)
    web.install(app)
    docs.install(app)
    return app
