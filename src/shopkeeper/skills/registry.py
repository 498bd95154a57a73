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
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
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
    """All skills by name.

    Built-in skills may be known before their module is imported (:meth:`expect`, from the
    shipped :data:`INDEX`): the name and tags answer at once, the module loads when the skill
    itself is first asked for — a question imports the skills it uses, not all of them.
    """

    _skills: dict[str, Skill] = field(default_factory=dict)
    pack: str = "builtin"
    _pending: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def register(self, *skills: Skill) -> None:
        """Add skills; a name may be registered once."""
        for s in skills:
            if s.name in self._skills or s.name in self._pending:
                first = self._skills[s.name].pack if s.name in self._skills else "builtin"
                raise ConfigError(f"skill {s.name!r} is registered twice ({first} and {self.pack})")
            self._skills[s.name] = Skill(
                s.name, s.fn, s.input_model, s.output_model, s.tags, self.pack
            )

    def expect(self, name: str, module: str, tags: tuple[str, ...]) -> None:
        """Know a built-in skill by name and tags; ``module`` registers it when it is first used."""
        self._pending[name] = (module, tags)

    def _load(self, module: str) -> None:
        """Import a pending module and register its skills (once, whichever thread asks; the
        names stay known while it loads).
        """
        with self._lock:
            names = [n for n, (m, _) in self._pending.items() if m == module]
            if not names:
                return
            loaded = SkillRegistry()
            _register_module(loaded, module, "builtin")
            for s in loaded._skills.values():
                if s.name in self._skills:
                    raise ConfigError(
                        f"skill {s.name!r} is registered twice (builtin and {module})"
                    )
            self._skills.update(loaded._skills)
            for n in names:
                del self._pending[n]

    def get(self, name: str) -> Skill:
        """A skill by name; an unknown name suggests the nearest."""
        if name not in self._skills and (entry := self._pending.get(name)) is not None:
            self._load(entry[0])
        try:
            return self._skills[name]
        except KeyError:
            known = self.names()
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(known)}"
            raise SkillNotFound(f"no skill named {name!r}{hint}") from None

    def names(self) -> list[str]:
        """Every skill's name, sorted (no module is imported)."""
        return sorted({*self._skills, *self._pending})

    def tags(self, name: str) -> tuple[str, ...]:
        """A skill's tags (no module is imported)."""
        if (entry := self._pending.get(name)) is not None:
            return entry[1]
        return self.get(name).tags

    def __iter__(self) -> Iterator[Skill]:
        for module in dict.fromkeys(m for m, _ in list(self._pending.values())):
            self._load(module)
        return iter(sorted(self._skills.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self.names())

    def __contains__(self, name: object) -> bool:
        return name in self._skills or name in self._pending


def _register_module(registry: SkillRegistry, name: str, pack: str) -> None:
    module = importlib.import_module(name)
    registry.pack = pack
    module.register(registry)


INDEX = Path(__file__).with_name("builtin_skills.json")
"""The built-in skills' names, modules and tags, written by :func:`write_index` (run
``python -m shopkeeper.skills.registry`` after adding or retagging a built-in skill; a test says
when it is due)."""


def write_index() -> Path:
    """Import every built-in module and write :data:`INDEX` from what they register."""
    registry = SkillRegistry()
    entries: dict[str, dict[str, Any]] = {}
    for name in BUILTIN_MODULES:
        before = set(registry.names())
        _register_module(registry, name, "builtin")
        for new in sorted(set(registry.names()) - before):
            entries[new] = {"module": name, "tags": list(registry.get(new).tags)}
    INDEX.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    return INDEX


def builtin_index() -> dict[str, tuple[str, tuple[str, ...]]]:
    """:data:`INDEX`: skill name → (module, tags)."""
    entries = json.loads(INDEX.read_text(encoding="utf-8"))
    return {k: (v["module"], tuple(v["tags"])) for k, v in entries.items()}


def load_registry(
    *, modules: tuple[str, ...] = BUILTIN_MODULES, packs: Iterable[EntryPoint] | None = None
) -> SkillRegistry:
    """The built-in skills plus every installed pack of the ``shopkeeper.skills`` entry-point group.

    A built-in module listed in :data:`INDEX` is imported when one of its skills is first used.
    """
    registry = SkillRegistry()
    index = builtin_index() if INDEX.exists() else {}
    indexed = {m for m, _ in index.values()}
    for skill_name, (module, tags) in index.items():
        if module in modules:
            registry.expect(skill_name, module, tags)
    for name in modules:
        if name not in indexed:
            _register_module(registry, name, "builtin")
    for ep in entry_points(group=ENTRY_POINT_GROUP) if packs is None else packs:
        register = ep.load()
        registry.pack = ep.name
        register(registry)
    registry.pack = "builtin"
    return registry


if __name__ == "__main__":
    print(write_index())
