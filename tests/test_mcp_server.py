"""The skill registry over MCP, exercised with the SDK's own client."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from shopkeeper.mcp_server import build_server
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store

from .contexts import app_context
from .dates import END


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("mcp")
    generate_store(home / "src", scale=0.05, seed=61, end_date=END)
    s = Settings(home=home)
    import_store(home / "src", "shop", settings=s)
    return s


async def _session(settings: Settings) -> tuple[list[Any], Any, Any]:
    async with Client(build_server(app_context(settings), "shop")) as client:
        tools = (await client.list_tools()).tools
        summary = await client.call_tool("sales_summary", {"days": 7})
        bad = await client.call_tool("top_products", {"limit": 0})
        return tools, summary, bad


@pytest.mark.slow
def test_tools_are_the_registry_and_return_structured_results(settings: Settings) -> None:
    tools, summary, bad = asyncio.run(_session(settings))
    assert {t.name for t in tools} == {s.name for s in load_registry()}
    top = next(t for t in tools if t.name == "top_products")
    assert top.input_schema["properties"]["by"]["enum"] == ["gmv", "units"]
    assert "best" in (top.description or "")
    assert not summary.is_error
    data = summary.structured_content
    direct = load_registry().get("sales_summary")
    from shopkeeper.skills.registry import SkillContext

    expected = direct(SkillContext(settings, "shop"), {"days": 7})
    assert data["orders"] == expected.orders  # type: ignore[attr-defined]
    assert data["gmv"] == pytest.approx(expected.gmv)  # type: ignore[attr-defined]
    assert bad.is_error


@pytest.mark.slow
def test_stdio_server_through_the_cli(settings: Settings) -> None:
    import os
    import sys

    from mcp import StdioServerParameters

    env = dict(os.environ, SHOPKEEPER_HOME=str(settings.home))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "shopkeeper.cli", "mcp", "--store", "shop"],
        env=env,
        cwd=str(Path.cwd()),
    )

    async def session() -> tuple[set[str], Any]:
        async with Client(params) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            return names, await client.call_tool("store_overview", {})

    names, overview = asyncio.run(session())
    assert "inspect_store" in names
    assert overview.structured_content["tables"]["orders"]["rows"] > 0


@pytest.mark.slow
def test_an_unknown_argument_is_refused_naming_the_valid_ones(settings: Settings) -> None:
    from mcp.shared.exceptions import MCPError

    async def call() -> str:
        async with Client(build_server(app_context(settings), "shop")) as client:
            try:
                await client.call_tool("sales_summary", {"day": 7})
            except MCPError as exc:
                return str(exc)
            return "answered"

    assert "no argument 'day'; its arguments are: days" in asyncio.run(call())
