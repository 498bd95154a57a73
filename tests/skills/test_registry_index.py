"""The built-in skills are known by name and tags before their modules are imported: the shipped
index (``skills/builtin_skills.json``) matches what the modules register, and a skill's module
loads when the skill is first used."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from shopkeeper.errors import ConfigError
from shopkeeper.skills.registry import (
    BUILTIN_MODULES,
    INDEX,
    SkillRegistry,
    _register_module,
    builtin_index,
    load_registry,
    skill,
)


def test_the_index_matches_what_the_builtin_modules_register() -> None:
    eager = SkillRegistry()
    for name in BUILTIN_MODULES:
        _register_module(eager, name, "builtin")
    found = {s.name: s.tags for s in eager}
    indexed = {k: tags for k, (_, tags) in builtin_index().items()}
    assert indexed == found, f"run `python -m shopkeeper.skills.registry` to rewrite {INDEX.name}"
    assert json.loads(INDEX.read_text(encoding="utf-8"))


def test_names_and_tags_answer_without_importing_and_get_loads_the_module() -> None:
    registry = SkillRegistry()
    registry.expect("sales_summary", "shopkeeper.skills.sales", ("data", "analyst"))
    registry.expect("top_products", "shopkeeper.skills.sales", ("data", "analyst"))
    assert "sales_summary" in registry
    assert len(registry) == 2
    assert registry.names() == ["sales_summary", "top_products"]
    assert registry.tags("top_products") == ("data", "analyst")
    assert registry.get("sales_summary").name == "sales_summary"
    assert registry._pending == {}  # the module registered both of its skills
    assert [s.name for s in registry] == ["sales_summary", "top_products"]


class Echo(BaseModel):
    text: str = ""


@skill
def sales_summary(ctx: object, args: Echo) -> Echo:
    """Say it back."""
    return args


def test_a_pack_cannot_take_the_name_of_a_pending_builtin() -> None:
    registry = load_registry(packs=[])
    registry.pack = "mypack"
    with pytest.raises(ConfigError, match="registered twice"):
        registry.register(sales_summary)


def test_the_loaded_registry_is_the_same_as_the_eager_one() -> None:
    lazy = load_registry(packs=[])
    eager = SkillRegistry()
    for name in BUILTIN_MODULES:
        _register_module(eager, name, "builtin")
    assert lazy.names() == eager.names()
    assert [(s.name, s.tags, s.pack, s.input_model) for s in lazy] == [
        (s.name, s.tags, s.pack, s.input_model) for s in eager
    ]
