"""An employee's tools as a model sees them: each skill's spec — description and argument schema —
built when a model reads it.

Building a spec imports the skill's module (:meth:`shopkeeper.skills.registry.SkillRegistry.get`);
a model that reads only the names — the offline model, which calls the skill the manager planned —
imports none but the one it calls.

>>> from shopkeeper.skills.registry import load_registry
>>> specs = ToolSpecs(["sales_summary", "top_products"], load_registry())
>>> specs.names, len(specs), specs[1].name
(('sales_summary', 'top_products'), 2, 'top_products')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

from shopkeeper.llm.base import ToolSpec
from shopkeeper.skills.registry import Skill, SkillRegistry


def tool_spec(skill: Skill) -> ToolSpec:
    """A skill as a model tool (from its Pydantic input model)."""
    return ToolSpec(name=skill.name, description=skill.description, parameters=skill.input_schema())


class ToolSpecs(Sequence[ToolSpec]):
    """The specs of ``names`` (skills of ``registry``), then ``extra`` ones (external tools)."""

    def __init__(
        self, names: Iterable[str], registry: SkillRegistry, extra: Sequence[ToolSpec] = ()
    ) -> None:
        self.skills = tuple(names)
        self.names = (*self.skills, *(t.name for t in extra))
        self._registry = registry
        self._extra = list(extra)
        self._built: dict[int, ToolSpec] = {}

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, index: int) -> ToolSpec: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ToolSpec]: ...

    def __getitem__(self, index: int | slice) -> ToolSpec | Sequence[ToolSpec]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        n = range(len(self))[index]  # IndexError past the end, negative indexes counted back
        if n not in self._built:
            if n < len(self.skills):
                self._built[n] = tool_spec(self._registry.get(self.skills[n]))
            else:
                self._built[n] = self._extra[n - len(self.skills)]
        return self._built[n]


def tool_names(tools: Sequence[ToolSpec]) -> set[str]:
    """The names of ``tools`` (without building the specs of :class:`ToolSpecs`)."""
    return set(tools.names) if isinstance(tools, ToolSpecs) else {t.name for t in tools}
