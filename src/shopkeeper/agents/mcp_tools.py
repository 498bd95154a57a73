"""External MCP servers as extra tools for the AI team (official ``mcp`` SDK client).

A server runs a command on this machine, so only the machine's owner lists them, in
``SHOPKEEPER_HOME/mcp_servers.toml`` — never a store folder (data never carries code: an import
ignores ``[[mcp_servers]]`` in ``store.toml`` with a warning)::

    [[mcp_servers]]                         # offered to every store
    name = "erp"
    transport = "stdio"                     # or "http" (streamable HTTP)
    command = ["python", "-m", "my_erp_mcp"]
    env = { ERP_TOKEN = "..." }

    [[stores.shop.mcp_servers]]             # offered to the store "shop" only
    name = "logistics"
    transport = "http"
    url = "http://127.0.0.1:9000/mcp"

:class:`ExternalTools` connects to every server, lists their tools as :class:`ToolSpec` named
``<server>__<tool>`` (OpenAI tool names allow only ``[a-zA-Z0-9_-]``), and calls them. It is a
synchronous facade — the agent runtime is synchronous — over the async client, which runs on
one event loop in a background thread while the tools are open::

    with ExternalTools(mcp_servers(settings, store)) as tools:
        specs = tools.specs()
        result = tools.call("erp__stock_level", {"sku": "A1"})

>>> cfg = McpServerConfig(name="erp", command=["erp-mcp"])
>>> cfg.transport, tool_name("erp", "stock.level")
('stdio', 'erp__stock_level')
"""

from __future__ import annotations

import asyncio
import re
import threading
import tomllib
from collections.abc import Coroutine, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from mcp import Client, MCPError, StdioServerParameters
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shopkeeper.errors import ConfigError, ShopkeeperError
from shopkeeper.llm.base import ToolSpec
from shopkeeper.settings import Settings

T = TypeVar("T")
SEPARATOR = "__"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class ExternalToolError(ShopkeeperError, RuntimeError):
    """An external MCP server could not be reached, or broke the protocol."""


class McpServerConfig(BaseModel):
    """One ``[[mcp_servers]]`` entry of ``SHOPKEEPER_HOME/mcp_servers.toml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=24)
    transport: Literal["stdio", "http"] = "stdio"
    command: list[str] | None = None
    url: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    timeout_s: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _endpoint(self) -> McpServerConfig:
        if self.transport == "stdio" and not self.command:
            raise ValueError(f"stdio server {self.name!r} needs command = ['program', 'arg', ...]")
        if self.transport == "http" and not self.url:
            raise ValueError(f"http server {self.name!r} needs url = 'http://host:port/mcp'")
        return self


def mcp_servers(settings: Settings, store: str) -> list[McpServerConfig]:
    """The servers the owner's ``SHOPKEEPER_HOME/mcp_servers.toml`` offers to ``store``: its
    top-level ``[[mcp_servers]]`` then the store's ``[[stores.<store>.mcp_servers]]`` (none when
    the file is absent).
    """
    file = settings.mcp_servers_file
    if not file.exists():
        return []
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
    stores = raw.get("stores", {})
    section = stores.get(store, {}) if isinstance(stores, dict) else {}
    own = section.get("mcp_servers", []) if isinstance(section, dict) else section
    servers = _entries(raw.get("mcp_servers", []), f"{file} [[mcp_servers]]")
    servers += _entries(own, f"{file} [[stores.{store}.mcp_servers]]")
    names = [s.name for s in servers]
    if dupes := sorted({n for n in names if names.count(n) > 1}):
        raise ConfigError(f"{file}: server names must be unique, repeated: {dupes}")
    return servers


def _entries(raw: object, where: str) -> list[McpServerConfig]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: must be an array of tables, got {raw!r}")
    servers: list[McpServerConfig] = []
    for i, entry in enumerate(raw):
        try:
            servers.append(McpServerConfig.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"{where} #{i + 1}: {problems}") from exc
    return servers


def tool_name(server: str, tool: str) -> str:
    """The exposed name of a server's tool: ``<server>__<tool>``, safe for OpenAI, ≤ 64 chars."""
    return f"{server}{SEPARATOR}{_UNSAFE.sub('_', tool)}"[:64]


@dataclass
class _Session:
    config: McpServerConfig
    client: Client
    task: asyncio.Task[None]
    stop: asyncio.Event


class ExternalTools:
    """The tools of external MCP servers, callable synchronously. Open before use."""

    def __init__(self, servers: Sequence[McpServerConfig]) -> None:
        self.servers = list(servers)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._sessions: dict[str, _Session] = {}
        self._specs: list[ToolSpec] = []
        self._routes: dict[str, tuple[str, str]] = {}

    def __enter__(self) -> ExternalTools:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def open(self) -> ExternalTools:
        """Connect to every server and list its tools."""
        if self._loop is not None:
            return self
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="mcp-tools", daemon=True
        )
        self._thread.start()
        try:
            for server in self.servers:
                tools = self._run(self._connect(server), server.timeout_s, server)
                for tool in tools:
                    name = tool_name(server.name, tool.name)
                    self._routes[name] = (server.name, tool.name)
                    self._specs.append(
                        ToolSpec(
                            name=name,
                            description=f"[{server.name}] {tool.description or tool.title or tool.name}",
                            parameters=tool.input_schema,
                        )
                    )
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Disconnect from every server (stdio servers are stopped) and end the loop thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        sessions = list(self._sessions.values())
        for session in sessions:
            loop.call_soon_threadsafe(session.stop.set)
        if sessions:
            done = asyncio.run_coroutine_threadsafe(
                asyncio.wait([s.task for s in sessions], timeout=10), loop
            )
            done.result(timeout=15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=15)
        loop.close()
        self._loop = self._thread = None
        self._sessions.clear()
        self._specs.clear()
        self._routes.clear()

    def specs(self) -> list[ToolSpec]:
        """Every tool of every server, as the model sees it."""
        self._require_open()
        return list(self._specs)

    def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Call a tool by its exposed name. A tool's own failure comes back as ``{"error": ...}``
        (for the model to read); an unknown name raises :class:`LookupError`.
        """
        self._require_open()
        if name not in self._routes:
            raise LookupError(f"no external tool {name!r}; known: {sorted(self._routes)}")
        server, tool = self._routes[name]
        session = self._sessions[server]
        result = self._run(
            session.client.call_tool(tool, arguments), session.config.timeout_s, session.config
        )
        text = "\n".join(getattr(block, "text", f"[{block.type}]") for block in result.content)
        if result.is_error:
            return {"error": text or f"tool {name!r} failed"}
        data = result.structured_content
        if isinstance(data, dict):
            return data
        return {"result": data} if data is not None else {"text": text}

    def _require_open(self) -> None:
        if self._loop is None:
            raise ExternalToolError("ExternalTools is not open: use 'with ExternalTools(...)'")

    def _run(self, coro: Coroutine[Any, Any, T], timeout_s: float, server: McpServerConfig) -> T:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        where = f"MCP server {server.name!r} ({' '.join(server.command or []) or server.url})"
        try:
            return future.result(timeout=timeout_s)
        except FutureTimeout as exc:
            future.cancel()
            raise ExternalToolError(f"{where} did not answer within {timeout_s:g} s") from exc
        except (OSError, MCPError, ExceptionGroup) as exc:
            raise ExternalToolError(f"{where} failed: {_describe(exc)}") from exc

    async def _connect(self, server: McpServerConfig) -> list[Any]:
        ready: asyncio.Future[tuple[Client, list[Any]]] = asyncio.get_running_loop().create_future()
        stop = asyncio.Event()
        task = asyncio.create_task(self._serve(server, ready, stop))
        first: list[asyncio.Future[Any]] = [ready, task]
        await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            task.result()  # raises why the connection ended
            raise ExternalToolError(f"MCP server {server.name!r} closed the connection at once")
        client, tools = ready.result()
        self._sessions[server.name] = _Session(server, client, task, stop)
        return tools

    async def _serve(
        self,
        server: McpServerConfig,
        ready: asyncio.Future[tuple[Client, list[Any]]],
        stop: asyncio.Event,
    ) -> None:
        """Hold one connection open, in one task (the SDK's task groups require it)."""
        async with Client(_target(server), read_timeout_seconds=server.timeout_s) as client:
            tools: list[Any] = []
            cursor: str | None = None
            while True:
                page = await client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                if not (cursor := page.next_cursor):
                    break
            ready.set_result((client, tools))
            await stop.wait()


def _target(server: McpServerConfig) -> StdioServerParameters | str:
    if server.transport == "http":
        assert server.url is not None
        return server.url
    assert server.command
    return StdioServerParameters(
        command=server.command[0], args=server.command[1:], env=server.env or None
    )


def _describe(exc: BaseException) -> str:
    """The innermost messages of an exception (group), for a readable error."""
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(_describe(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"
