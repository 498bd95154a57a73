"""Skill routes, generated from the registry: one typed ``POST skills/{name}`` per skill.

Each route's body is the skill's input model and its response the output model, so OpenAPI shows
both schemas and FastAPI validates the arguments — nobody writes a schema by hand. A skill whose
arguments are all optional may be called with no body. An argument the skill does not have is
refused (422, ``ConfigError``, naming the valid ones) rather than silently ignored.
"""

from __future__ import annotations

import inspect
import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel

from shopkeeper.api.auth import Principal, StorePath, forbidden, require
from shopkeeper.api.deps import ServicesDep
from shopkeeper.skills.registry import Skill, SkillRegistry

SkillsCaller = Annotated[Principal, Depends(require("skills"))]
LangQuery = Annotated[
    str | None, Query(description="Language of the text the skill writes (zh or en).")
]


class SkillInfo(BaseModel):
    """A skill as listed: name, description, tags and its argument and result schemas."""

    name: str
    description: str
    tags: list[str]
    pack: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


def skill_endpoint(skill: Skill) -> Any:
    """A plain ``def`` endpoint (run in the thread pool: skills do DuckDB work) for one skill."""
    required = any(f.is_required() for f in skill.input_model.model_fields.values())

    def run(
        store: StorePath,
        principal: SkillsCaller,
        services: ServicesDep,
        args: Any,
        lang: LangQuery = None,
        _known: None = None,
    ) -> BaseModel:
        if not principal.may_run(skill.tags):
            raise forbidden(f"the skill {skill.name!r}", principal)
        ctx = services.app.store(store, lang, actor=principal.actor)
        return skill(ctx, args if args is not None else skill.input_model())

    model: Any = skill.input_model if required else skill.input_model | None
    params = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in inspect.signature(run).parameters.values()
    ]
    params[3] = params[3].replace(
        annotation=Annotated[model, Body(description=skill.input_model.__doc__)],
        default=inspect.Parameter.empty if required else None,
    )
    params[-1] = params[-1].replace(  # _known: checked after the token, before the skill runs
        annotation=Annotated[None, Depends(known_arguments(skill))],
        default=inspect.Parameter.empty,
    )
    run.__signature__ = inspect.Signature(params, return_annotation=skill.output_model)  # type: ignore[attr-defined]
    run.__name__ = skill.name
    run.__doc__ = skill.doc
    return run


def known_arguments(skill: Skill) -> Any:
    """A dependency refusing a JSON body with a key that is not one of ``skill``'s arguments
    (the input model ignores extra keys, so agents' and the web app's calls keep working).
    """

    async def check(request: Request, _caller: SkillsCaller) -> None:  # the token first
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            return  # not JSON: the body's own validation answers
        if isinstance(body, dict):
            skill.check_arguments(body)

    return check


def build_router(registry: SkillRegistry) -> APIRouter:
    """The skills router for this registry."""
    router = APIRouter(prefix="/v1/stores/{store}/skills", tags=["skills"])

    @router.get("")
    def list_skills(principal: SkillsCaller, services: ServicesDep) -> list[SkillInfo]:
        """The skills this token's role may run, with their argument and result schemas."""
        return [
            SkillInfo(
                name=s.name,
                description=s.description,
                tags=list(s.tags),
                pack=s.pack,
                input_schema=s.input_schema(),
                output_schema=s.output_schema(),
            )
            for s in services.registry
            if principal.may_run(s.tags)
        ]

    for skill in registry:
        router.add_api_route(
            f"/{skill.name}",
            skill_endpoint(skill),
            methods=["POST"],
            response_model=skill.output_model,
            summary=skill.description,
            description=skill.doc,
            operation_id=f"skill_{skill.name}",
            tags=["skills", *skill.tags],
        )
    return router
