"""The JSON API: ``create_app(settings)`` builds the FastAPI app, ``shopkeeper serve`` runs it.

Routes live under ``/v1/stores/{store}/`` (one router per domain: skills, approvals, memory,
schedules, runs, auth, cs — customer service over HTTP and a WebSocket) and need a bearer token
of that store (:mod:`shopkeeper.api.auth`).
The skill routes are generated from the registry, loaded once when the app is built; the
lifespan opens the operational database once and runs the schedules (:mod:`shopkeeper.api.ticker`).
OpenAPI docs are at ``/docs``; the chat widget (``/widget/{store}.js``) and the agents'
console (``/console/{store}``) are pages (:mod:`shopkeeper.api.pages`).
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
    cs_ws,
    errors,
    memory,
    pages,
    runs,
    schedules,
    skills,
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
) -> FastAPI:
    """The API app. ``now`` is the store clock (default: from ``settings.now`` on, or real time);
    ``keep_kb`` builds missing or stale knowledge bases in the background (:mod:`..cs.kb.keeper`).
    """
    registry = registry if registry is not None else load_registry()
    clock = now or Clock.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = AppContext(settings, ops_engine(settings), clock)  # the app's one engine
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
            context.close()

    app = FastAPI(
        title="Shopkeeper",
        version=__version__,
        summary="Your store's AI operations team: skills, approvals, memory and schedules.",
        lifespan=lifespan,
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
        cs_ws.router,
        pages.router,
    ):
        app.include_router(router)
    pages.install(app)
    return app
