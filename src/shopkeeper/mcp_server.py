"""The skill registry served over MCP (the official Python SDK's ``MCPServer``), one tool per skill.

A tool's parameters are the fields of the skill's input model (with their descriptions and
defaults), its result is the skill's output model as structured content, and its description is
the skill's docstring — generated from the registry, never written by hand. Each server is bound
to one store.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from mcp.server import MCPServer
from pydantic import Field
from pydantic.fields import FieldInfo

from shopkeeper.settings import Settings
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


def build_server(
    settings: Settings, store: str, registry: SkillRegistry | None = None
) -> MCPServer:
    """An MCP server exposing every registered skill on ``store``."""
    server = MCPServer(
        name=f"shopkeeper-{store}",
        instructions=f"Skills of Shopkeeper's AI team on the store {store!r}.",
    )
    ctx = SkillContext(settings, store)
    for skill in registry if registry is not None else load_registry():
        server.add_tool(
            skill_tool(skill, ctx),
            name=skill.name,
            description=skill.description,
            structured_output=True,
        )
    return server
