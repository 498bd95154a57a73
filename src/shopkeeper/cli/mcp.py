"""``shopkeeper mcp``: serve the store's skills to any MCP client."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from shopkeeper.cli.common import StoreOpt, settings
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

    s = settings()
    existing_store_dir(s, store)
    if transport is Transport.stdio:
        build_server(s, store).run("stdio")
        return
    import uvicorn

    from shopkeeper.api.logs import log_config
    from shopkeeper.ops.db import ops_engine

    engine = ops_engine(s)
    server = build_server(s, store, engine=engine)
    app = http_app(server, engine, store, host=host)
    uvicorn.run(app, host=host, port=port, log_config=log_config())
