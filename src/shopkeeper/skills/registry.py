"""Skills: one typed function each, in one registry that every surface is generated from.

A skill takes a :class:`SkillContext` and a Pydantic input model and returns a Pydantic output
model; its docstring's first line is its description. The registry feeds the agents' tools, the
MCP server, the API routes and the ``shopkeeper skills`` CLI — nobody hand-writes a JSON schema.

Built-in skill modules register exactly the way a third-party pack does: each exposes
``register(registry)``; :data:`BUILTIN_MODULES` lists them explicitly, and external packs arrive
through the entry-point group ``shopkeeper.skills`` (nothing registers itself on import).

>>> from pydantic import BaseModel
>>> class Echo(BaseModel):
...     text: str
>>> @skill(tags=("demo",))
... def echo(ctx: SkillContext, args: Echo) -> Echo:
...     '''Say it back.'''
...     return args
>>> reg = SkillRegistry()
>>> reg.register(echo)
>>> reg.get("echo").description, reg.get("echo").input_model.__name__
('Say it back.', 'Echo')
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, get_type_hints, overload

from pydantic import BaseModel

from shopkeeper.context import StoreContext
from shopkeeper.errors import ConfigError, ShopkeeperError

ENTRY_POINT_GROUP = "shopkeeper.skills"
BUILTIN_MODULES: tuple[str, ...] = (
    "shopkeeper.skills.store",
    "shopkeeper.skills.inspection",
    "shopkeeper.skills.reports",
    "shopkeeper.skills.sales",
    "shopkeeper.skills.stock",
    "shopkeeper.skills.products",
    "shopkeeper.skills.customers",
    "shopkeeper.skills.ads",
    "shopkeeper.skills.service",
    "shopkeeper.skills.orders",
    "shopkeeper.skills.traffic",
    "shopkeeper.skills.pricing",
    "shopkeeper.skills.ops",
    "shopkeeper.skills.why",
    "shopkeeper.skills.events",
)


class SkillNotFound(ShopkeeperError, LookupError):
    """No skill of that name is registered."""


SkillContext = StoreContext
"""What a skill runs against: one store seen through the edge's application context
(:class:`shopkeeper.context.StoreContext` — settings, store, language, caller, resources)."""


@dataclass(frozen=True)
class Skill:
    """A registered skill: its function and the models derived from its signature."""

    name: str
    fn: Callable[[SkillContext, Any], BaseModel]
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    tags: tuple[str, ...] = ()
    pack: str = "builtin"

    @property
    def description(self) -> str:
        """First line of the docstring."""
        return (inspect.getdoc(self.fn) or self.name).strip().splitlines()[0]

    @property
    def doc(self) -> str:
        """The whole docstring."""
        return (inspect.getdoc(self.fn) or "").strip()

    def input_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments (from the Pydantic model)."""
        return self.input_model.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        """JSON schema of the result."""
        return self.output_model.model_json_schema(mode="serialization")

    def check_arguments(self, args: Mapping[str, object]) -> None:
        """Refuse an argument the skill does not have, naming the ones it has (a misspelled
        argument is not silently ignored); every surface calls this before validating.

        Raises:
            ConfigError: an unknown argument (the message lists the valid ones).
        """
        fields = self.input_model.model_fields
        names = set(fields) | {f.alias for f in fields.values() if f.alias}
        unknown = sorted(set(args) - names)
        if unknown:
            valid = ", ".join(sorted(fields)) or "none"
            raise ConfigError(
                f"skill {self.name!r} has no argument {unknown[0]!r}; its arguments are: {valid} "
                f"(see `shopkeeper skills show {self.name}`)"
            )

    def __call__(
        self, ctx: SkillContext, args: BaseModel | dict[str, Any] | None = None
    ) -> BaseModel:
        """Validate the arguments and run the skill."""
        parsed = (
            args
            if isinstance(args, self.input_model)
            else self.input_model.model_validate(args or {})
        )
        return self.fn(ctx, parsed)


SkillFunction = Callable[[SkillContext, Any], BaseModel]


@overload
def skill(fn: SkillFunction, *, name: str | None = None, tags: Iterable[str] = ()) -> Skill: ...


@overload
def skill(
    fn: None = None, *, name: str | None = None, tags: Iterable[str] = ()
) -> Callable[[SkillFunction], Skill]: ...


def skill(
    fn: SkillFunction | None = None, *, name: str | None = None, tags: Iterable[str] = ()
) -> Skill | Callable[[SkillFunction], Skill]:
    """Turn a typed function ``(ctx, args: In) -> Out`` into a :class:`Skill` (it is not registered)."""

    def wrap(f: SkillFunction) -> Skill:
        hints = get_type_hints(f)
        params = list(inspect.signature(f).parameters)
        if len(params) != 2:
            raise ConfigError(f"skill {f.__name__!r} must take (ctx, args), got {params!r}")
        input_model, output_model = hints.get(params[1]), hints.get("return")
        for what, model in (("argument", input_model), ("return", output_model)):
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise ConfigError(
                    f"skill {f.__name__!r}: the {what} type must be a Pydantic model, got {model!r}"
                )
        if not inspect.getdoc(f):
            raise ConfigError(
                f"skill {f.__name__!r} needs a docstring: its first line is its description"
            )
        assert input_model is not None
        assert output_model is not None
        return Skill(name or f.__name__, f, input_model, output_model, tuple(tags))

    return wrap(fn) if fn is not None else wrap


@dataclass
class SkillRegistry:
    """All skills by name."""

    _skills: dict[str, Skill] = field(default_factory=dict)
    pack: str = "builtin"

    def register(self, *skills: Skill) -> None:
        """Add skills; a name may be registered once."""
        for s in skills:
            if s.name in self._skills:
                raise ConfigError(
                    f"skill {s.name!r} is registered twice ({self._skills[s.name].pack} and {self.pack})"
                )
            self._skills[s.name] = Skill(
                s.name, s.fn, s.input_model, s.output_model, s.tags, self.pack
            )

    def get(self, name: str) -> Skill:
        """A skill by name; an unknown name suggests the nearest."""
        try:
            return self._skills[name]
        except KeyError:
            near = difflib.get_close_matches(name, list(self._skills), n=1)
            hint = (
                f"; did you mean {near[0]!r}?"
                if near
                else f"; known: {', '.join(sorted(self._skills))}"
            )
            raise SkillNotFound(f"no skill named {name!r}{hint}") from None

    def __iter__(self) -> Iterator[Skill]:
        return iter(sorted(self._skills.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self._skills)

    def __contains__(self, name: object) -> bool:
        return name in self._skills


def _register_module(registry: SkillRegistry, name: str, pack: str) -> None:
    module = importlib.import_module(name)
    registry.pack = pack
    module.register(registry)


def load_registry(
    *, modules: tuple[str, ...] = BUILTIN_MODULES, packs: Iterable[EntryPoint] | None = None
) -> SkillRegistry:
    """The built-in skills plus every installed pack of the ``shopkeeper.skills`` entry-point group."""
    registry = SkillRegistry()
    for name in modules:
        _register_module(registry, name, "builtin")
    for ep in entry_points(group=ENTRY_POINT_GROUP) if packs is None else packs:
        register = ep.load()
        registry.pack = ep.name
        register(registry)
    registry.pack = "builtin"
    return registry
