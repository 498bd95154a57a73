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
    """Serve every skill of the registry as an MCP tool bound to one store (official MCP SDK)."""
    from shopkeeper.mcp_server import build_server

    s = settings()
    existing_store_dir(s, store)
    server = build_server(s, store)
    if transport is Transport.stdio:
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)
