"""The skill registry served over MCP (the official Python SDK's ``MCPServer``), one tool per skill.

A tool's parameters are the fields of the skill's input model (with their descriptions and
defaults), its result is the skill's output model as structured content, and its description is
the skill's docstring — generated from the registry, never written by hand. Each server is bound
to one store.

Over HTTP (:func:`http_app`) a client needs the API's own token — ``Authorization: Bearer <token>``
for the server's store, from ``shopkeeper token create`` — and its role decides as it does for the
API (:data:`shopkeeper.api.auth.GRANTS`): a skill the role may not run is neither listed nor
callable. A stdio server is the local owner's, as the CLI is. A call with an argument the skill
does not have is refused (invalid params, naming the valid ones) as the API and CLI refuse it.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, INVALID_REQUEST
from pydantic import Field
from pydantic.fields import FieldInfo
from sqlalchemy import Engine
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from shopkeeper.api.auth import GRANTS, Principal
from shopkeeper.api.tokens import verify_token
from shopkeeper.context import AppContext
from shopkeeper.errors import ConfigError
from shopkeeper.skills.registry import Skill, SkillContext, SkillRegistry, load_registry


def _parameter(name: str, field: FieldInfo) -> inspect.Parameter:
    annotation: Any = field.annotation
    if field.description:
        annotation = Annotated[annotation, Field(description=field.description)]
    if field.is_required():
        default: Any = inspect.Parameter.empty
    elif field.default_factory is not None:
        default = field.default_factory()  # type: ignore[call-arg]
    else:
        default = field.default
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def skill_tool(skill: Skill, ctx: SkillContext) -> Any:
    """A plain function with the skill's parameters, as the SDK expects of a tool."""
    params = [_parameter(name, field) for name, field in skill.input_model.model_fields.items()]

    def call(**kwargs: Any) -> Any:
        return skill(ctx, kwargs)

    call.__name__ = skill.name
    call.__doc__ = skill.doc
    call.__signature__ = inspect.Signature(params, return_annotation=skill.output_model)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in params} | {"return": skill.output_model}
    return call


def caller(engine: Engine, store: str, authorization: str | None) -> Principal | tuple[int, str]:
    """The API caller an ``Authorization`` header is for on ``store``, or the HTTP status and
    reason the API would refuse it with (401 no live token, 403 another store or no skills area).
    """
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return 401, "send Authorization: Bearer <token> (see `shopkeeper token create`)"
    info = verify_token(engine, token.strip())
    if info is None:
        return 401, "unknown or revoked token"
    scoped = info.for_store(store)  # an agency token acts on each of its stores
    if scoped is None:
        return 403, "this token is not valid for this store"
    if "skills" not in GRANTS[info.role].areas:
        return 403, f"role {info.role!r} may not use skills"
    return Principal(scoped)


class RoleGate:
    """Server middleware: each message's token (on its HTTP request) decides which skills are
    listed and which may be called.
    """

    def __init__(self, engine: Engine, store: str, tags: Mapping[str, tuple[str, ...]]) -> None:
        self.engine, self.store, self.tags = engine, store, tags

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        """Refuse what the caller's role may not run; list only what it may."""
        headers = getattr(ctx.request, "headers", None)
        who = caller(self.engine, self.store, headers.get("authorization") if headers else None)
        if not isinstance(who, Principal):
            raise MCPError(INVALID_REQUEST, who[1])
        name = (ctx.params or {}).get("name")
        if ctx.method == "tools/call" and not self._may(who, name):
            raise MCPError(
                INVALID_PARAMS, f"role {who.token.role!r} may not use the skill {name!r}"
            )
        result = await call_next(ctx)
        if ctx.method == "tools/list" and isinstance(result, dict):  # the wire form
            tools = result.get("tools", [])
            result = {**result, "tools": [t for t in tools if self._may(who, t.get("name"))]}
        return result

    def _may(self, who: Principal, name: object) -> bool:
        return isinstance(name, str) and name in self.tags and who.may_run(self.tags[name])


class KnownArguments:
    """Server middleware: a ``tools/call`` with an argument its skill does not have is refused
    (the SDK's argument model would silently drop it), naming the valid ones.
    """

    def __init__(self, skills: Mapping[str, Skill]) -> None:
        self.skills = skills

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        """Check the arguments of a tool call, then pass the message on."""
        params = ctx.params or {}
        name = params.get("name")
        skill = (
            self.skills.get(name) if ctx.method == "tools/call" and isinstance(name, str) else None
        )
        arguments = params.get("arguments")
        if skill is not None and isinstance(arguments, Mapping):
            try:
                skill.check_arguments(arguments)
            except ConfigError as exc:
                raise MCPError(INVALID_PARAMS, str(exc)) from exc
        return await call_next(ctx)


def http_app(server: MCPServer, engine: Engine, store: str, *, host: str) -> ASGIApp:
    """The server over streamable HTTP, answering 401/403 as the API does before any MCP message
    is read (the server must come from :func:`build_server`, ``gated``).
    """
    app = server.streamable_http_app(host=host)

    async def gate(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            who = caller(engine, store, header or None)
            if not isinstance(who, Principal):
                status, detail = who
                response = JSONResponse(
                    {"detail": detail}, status, headers={"WWW-Authenticate": "Bearer"}
                )
                await response(scope, receive, send)
                return
        await app(scope, receive, send)

    return gate


def build_server(
    app: AppContext,
    store: str,
    registry: SkillRegistry | None = None,
    *,
    gated: bool = False,
) -> MCPServer:
    """An MCP server exposing every registered skill on ``store``, run on the edge's resources
    (``app``); ``gated`` (over HTTP) lets each caller see and call only what its API token's role
    may run.
    """
    skills = list(registry if registry is not None else load_registry())
    gate = [RoleGate(app.engine, store, {s.name: s.tags for s in skills})] if gated else []
    server = MCPServer(
        name=f"shopkeeper-{store}",
        instructions=f"Skills of Shopkeeper's AI team on the store {store!r}.",
        middleware=[*gate, KnownArguments({s.name: s for s in skills})],
    )
    ctx = app.store(store)
    for skill in skills:
        server.add_tool(
            skill_tool(skill, ctx),
            name=skill.name,
            description=skill.description,
            structured_output=True,
        )
    return server
