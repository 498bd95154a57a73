"""External MCP servers as tools: the owner's mcp_servers.toml, and a real stdio server driven synchronously."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.agents.mcp_tools import (
    ExternalToolError,
    ExternalTools,
    McpServerConfig,
    mcp_servers,
    tool_name,
)
from shopkeeper.errors import ConfigError
from shopkeeper.settings import Settings

SERVER = textwrap.dedent(
    '''
    import os
    from mcp.server import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from pydantic import BaseModel

    server = MCPServer(name="erp")

    class Stock(BaseModel):
        sku: str
        on_hand: int
        warehouse: str

    @server.tool(name="stock.level")
    def stock_level(sku: str) -> Stock:
        """Units on hand of one SKU."""
        return Stock(sku=sku, on_hand=42, warehouse=os.environ.get("ERP_WAREHOUSE", "?"))

    @server.tool()
    def ping() -> str:
        """Answers pong."""
        return "pong"

    @server.tool()
    def broken(reason: str) -> str:
        """Always fails."""
        raise ToolError(f"ERP is down: {reason}")

    server.run("stdio")
    '''
)


def owner_file(home: Path, body: str) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    (home / "mcp_servers.toml").write_text(textwrap.dedent(body), encoding="utf-8")
    return Settings(home=home)


def test_servers_from_the_owners_file(tmp_path: Path) -> None:
    settings = owner_file(
        tmp_path / "home",
        """
        [[mcp_servers]]
        name = "erp"
        command = ["python", "-m", "erp_mcp"]
        env = { ERP_TOKEN = "t" }

        [[stores.shop.mcp_servers]]
        name = "logistics"
        transport = "http"
        url = "http://127.0.0.1:9000/mcp"
        """,
    )
    erp = McpServerConfig(name="erp", command=["python", "-m", "erp_mcp"], env={"ERP_TOKEN": "t"})
    assert mcp_servers(settings, "shop") == [
        erp,
        McpServerConfig(name="logistics", transport="http", url="http://127.0.0.1:9000/mcp"),
    ]
    assert mcp_servers(settings, "other") == [erp]
    assert mcp_servers(Settings(home=tmp_path / "none"), "shop") == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('[[mcp_servers]]\nname = "erp"\n', "needs command"),
        ('[[mcp_servers]]\nname = "erp"\ntransport = "http"\n', "needs url"),
        ('[[mcp_servers]]\nname = "my erp"\ncommand = ["x"]\n', r"#1: name: String should match"),
        ('[[mcp_servers]]\nname = "e"\ncommand = ["x"]\ncomand = 1\n', "comand"),
        (
            '[[mcp_servers]]\nname = "e"\ncommand = ["x"]\n[[stores.shop.mcp_servers]]\nname = "e"\ncommand = ["y"]\n',
            "repeated",
        ),
        ('mcp_servers = "erp"\n', "array of tables"),
        ("mcp_servers = [\n", "not valid TOML"),
    ],
)
def test_bad_entries_are_config_errors(tmp_path: Path, body: str, problem: str) -> None:
    settings = owner_file(tmp_path / "home", body)
    with pytest.raises(ConfigError, match=problem):
        mcp_servers(settings, "shop")


def test_tool_names_are_safe_for_openai() -> None:
    assert tool_name("erp", "stock.level") == "erp__stock_level"
    assert tool_name("erp", "库存 查询") == "erp__" + "_" * 5
    assert len(tool_name("erp", "x" * 100)) == 64


def test_closed_tools_refuse_to_work() -> None:
    tools = ExternalTools([])
    with pytest.raises(ExternalToolError, match="not open"):
        tools.specs()
    with tools:
        assert tools.specs() == []


@pytest.fixture(scope="module")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExternalTools]:
    script = tmp_path_factory.mktemp("erp") / "erp_server.py"
    script.write_text(SERVER, encoding="utf-8")
    config = McpServerConfig(
        name="erp", command=[sys.executable, str(script)], env={"ERP_WAREHOUSE": "杭州仓"}
    )
    with ExternalTools([config]) as tools:
        yield tools


def test_specs_are_prefixed_with_the_server(erp: ExternalTools) -> None:
    specs = {s.name: s for s in erp.specs()}
    assert set(specs) == {"erp__stock_level", "erp__ping", "erp__broken"}
    level = specs["erp__stock_level"]
    assert level.description == "[erp] Units on hand of one SKU."
    assert level.parameters["properties"]["sku"]["type"] == "string"
    assert level.parameters["required"] == ["sku"]


def test_calls_return_dicts(erp: ExternalTools) -> None:
    assert erp.call("erp__stock_level", {"sku": "A1"}) == {
        "sku": "A1",
        "on_hand": 42,
        "warehouse": "杭州仓",
    }
    assert erp.call("erp__ping", {}) == {"result": "pong"}
    failed = erp.call("erp__broken", {"reason": "maintenance"})
    assert "ERP is down: maintenance" in failed["error"]
    with pytest.raises(LookupError, match="erp__stock_level"):
        erp.call("erp__nope", {})


def test_a_server_that_cannot_start_is_a_clear_error(tmp_path: Path) -> None:
    config = McpServerConfig(
        name="ghost", command=[str(tmp_path / "no-such-program")], timeout_s=10
    )
    with pytest.raises(ExternalToolError, match="MCP server 'ghost'"):
        ExternalTools([config]).open()
