"""The skill registry: typed skills, one registry, built-ins and packs registered the same way."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from shopkeeper.errors import ConfigError
from shopkeeper.skills.registry import (
    SkillContext,
    SkillNotFound,
    SkillRegistry,
    load_registry,
    skill,
)


class In(BaseModel):
    n: int = 1


class Out(BaseModel):
    doubled: int


def test_builtin_skills_are_typed_and_documented() -> None:
    registry = load_registry(packs=[])
    names = {s.name for s in registry}
    assert {
        "inspect_store",
        "findings_history",
        "daily_report",
        "weekly_report",
        "store_overview",
        "sales_summary",
        "top_products",
    } <= names
    for s in registry:
        assert s.description, s.name
        assert not s.description.endswith(":"), s.name
        assert s.input_schema()["type"] == "object"
        assert "properties" in s.output_schema() or "$defs" in s.output_schema()


def test_skill_needs_models_and_a_docstring() -> None:
    def no_doc(ctx: SkillContext, args: In) -> Out:
        return Out(doubled=2 * args.n)

    with pytest.raises(ConfigError, match="docstring"):
        skill(no_doc)

    def untyped(ctx: SkillContext, args: dict) -> Out:  # type: ignore[type-arg]
        """Untyped."""
        return Out(doubled=0)

    with pytest.raises(ConfigError, match="Pydantic model"):
        skill(untyped)


def test_arguments_are_validated_and_names_unique() -> None:
    @skill
    def double(ctx: SkillContext, args: In) -> Out:
        """Double a number."""
        return Out(doubled=2 * args.n)

    registry = SkillRegistry()
    registry.register(double)
    ctx = SkillContext(settings=None, store="s")  # type: ignore[arg-type]
    assert registry.get("double")(ctx, {"n": 21}).doubled == 42  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="n"):
        registry.get("double")(ctx, {"n": "many"})
    with pytest.raises(ConfigError, match="twice"):
        registry.register(double)
    with pytest.raises(SkillNotFound, match="did you mean 'double'"):
        registry.get("doubel")
