"""``shopkeeper serve``: the JSON API (and the schedules) in one process, with uvicorn."""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import TYPE_CHECKING, Annotated

import typer

from shopkeeper.cli.common import app_context, settings

if TYPE_CHECKING:
    from shopkeeper.context import AppContext


def widget_warnings(ctx: AppContext) -> list[str]:
    """For each store with a live widget key and no customer-signing secret: it serves guests."""
    from shopkeeper.api.cs_auth import no_secret_warning
    from shopkeeper.api.tokens import list_tokens

    tokens = list_tokens(ctx.engine)
    live = {t.store for t in tokens if t.role == "widget" and not t.revoked_at}
    return [w for store in sorted(live) if (w := no_secret_warning(ctx.settings, store))]


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    now: Annotated[
        dt.datetime | None,
        typer.Option(
            help="Store clock: start at this instant (ISO 8601, naive = UTC), e.g. 2026-11-20T18:00; "
            "default SHOPKEEPER_NOW or real time.",
            formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    kb_refresh: Annotated[
        bool,
        typer.Option(
            help="Build every store's missing or stale customer-service knowledge base in the "
            "background (on start, then each minute)."
        ),
    ] = True,
) -> None:
    """Serve the JSON API (docs at /docs); the schedules run in it (catch-up on start)."""
    import uvicorn  # the web stack loads only for this command

    from shopkeeper.api.app import create_app
    from shopkeeper.api.logs import log_config

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    s = settings()
    if now is not None:
        s = s.model_copy(update={"now": now})
        os.environ["SHOPKEEPER_NOW"] = now.isoformat()  # audit events, sessions... follow it too
    context = app_context(s)  # the process's one engine: the warnings read it, the app serves on it
    for warning in widget_warnings(context):
        typer.echo(f"warning: {warning}", err=True)
    uvicorn.run(
        create_app(s, keep_kb=kb_refresh, context=context),
        host=host,
        port=port,
        log_level=log_level,
        log_config=log_config(),  # ?token=… is written *** in the access log
    )
