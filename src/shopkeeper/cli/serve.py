"""``shopkeeper serve``: the JSON API (and the schedules) in one process, with uvicorn."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

import typer

from shopkeeper.cli.common import settings


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

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    s = settings()
    if now is not None:
        s = s.model_copy(update={"now": now})
    uvicorn.run(create_app(s, keep_kb=kb_refresh), host=host, port=port, log_level=log_level)
