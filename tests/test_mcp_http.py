"""`shopkeeper mcp --transport http` needs the API's tokens, and a role sees and calls only its skills."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
import uvicorn
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client

from shopkeeper.api.tokens import create_token
from shopkeeper.context import AppContext
from shopkeeper.mcp_server import build_server, http_app
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    settings = Settings(home=tmp_path)
    engine = ops_engine(settings)
    tokens = {role: create_token(engine, "shop", role).token for role in ("owner", "cs", "widget")}
    tokens["other"] = create_token(engine, "elsewhere", "owner").token
    server = build_server(AppContext(settings, engine), "shop", gated=True)
    app = http_app(server, engine, "shop", host="127.0.0.1")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    web = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=web.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/mcp", tokens
    web.should_exit = True
    thread.join(10)
    sock.close()
    engine.dispose()


async def _as(url: str, token: str, call: str) -> tuple[set[str], Any]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        try:
            outcome: Any = await client.call_tool(call, {})
        except MCPError as exc:
            outcome = exc
        return names, outcome


def test_no_token_or_a_wrong_one_is_refused_before_mcp(
    served: tuple[str, dict[str, str]],
) -> None:
    url, tokens = served
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    assert httpx.post(url, json=hello).status_code == 401
    for token, status in [
        ("sk_nope_nope", 401),
        (tokens["other"], 403),
        (tokens["widget"], 403),
    ]:
        reply = httpx.post(url, json=hello, headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == status, token


def test_a_role_lists_and_calls_only_its_skills(served: tuple[str, dict[str, str]]) -> None:
    url, tokens = served
    everything = {s.name for s in load_registry()}
    cs_only = {s.name for s in load_registry() if "cs" in s.tags}
    owner_sees, _ = asyncio.run(_as(url, tokens["owner"], "pending_approvals"))
    assert owner_sees == everything
    cs_sees, refused = asyncio.run(_as(url, tokens["cs"], "propose_action"))
    assert cs_sees == cs_only
    assert "propose_action" not in cs_sees
    assert isinstance(refused, MCPError)
    assert "may not use the skill 'propose_action'" in refused.message
