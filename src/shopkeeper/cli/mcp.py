"""``shopkeeper mcp``: serve the store's skills to any MCP client."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from shopkeeper.cli.common import StoreOpt, app_context, settings
from shopkeeper.store.warehouse import existing_store_dir


class Transport(StrEnum):
    """MCP transports."""

    stdio = "stdio"
    http = "http"


def mcp(
    store: StoreOpt,
    transport: Annotated[
        Transport, typer.Option(help="stdio (for a local client) or streamable HTTP.")
    ] = Transport.stdio,
    host: Annotated[str, typer.Option(help="HTTP host.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8765,
) -> None:
    """Serve every skill of the registry as an MCP tool bound to one store (official MCP SDK).

    Over HTTP a client sends an API token of the store (``Authorization: Bearer <token>``, from
    ``shopkeeper token create``) and sees only the skills its role may run.
    """
    from shopkeeper.mcp_server import build_server, http_app

    existing_store_dir(settings(), store)
    context = app_context()  # the server's one operational database
    if transport is Transport.stdio:
        build_server(context, store).run("stdio")
        return
    import uvicorn

    from shopkeeper.api.logs import log_config

    server = build_server(context, store, gated=True)
    app = http_app(server, context.engine, store, host=host)
    uvicorn.run(app, host=host, port=port, log_config=log_config())
