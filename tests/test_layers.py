"""Layers point one way: no module of ``shopkeeper`` imports one from a higher layer, and the
module-level imports have no cycle.

Data flows store files → store (using the pure kernels of analytics) → inspection / reports → llm / ops → skills → agents / cs →
the edges (API, CLI, MCP server, the job runner). Every import counts — at module level, inside a
function (an import moved into a function to dodge a cycle is still a dependency) and under
``if TYPE_CHECKING`` — except the few in ``EXCEPTIONS``, each with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import shopkeeper

SRC = Path(shopkeeper.__file__).parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("settings", "clock", "errors", "text", "opsdb", "private", "cpu", "embedding"),
    ("analytics",),
    ("store", "context"),
    ("inspection", "reports"),
    ("llm", "ops"),
    ("skills",),
    ("agents", "cs", "classify"),
    ("api", "cli", "mcp_server", "jobs"),
)
"""Each top-level module or package of ``shopkeeper``, lowest layer first. A module may import
from its own layer and those below. ``context`` (the resources built at each edge) sits with the
store it opens; ``classify`` (the intent classifier) with the agents and customer service that use
it. ``analytics`` holds pure kernels (statistics, estimators) that import nothing of Shopkeeper's,
so the store layer may use them (a data-gap test, days of cover) as every layer above does. ``ops`` (approvals, audit, memory, schedules, policy) and ``llm`` (the model protocol and the
masking of personal data it and the audit share) are services the skills wrap and the agents and
customer service call, so they sit below the skills."""

LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}

EXCEPTIONS: dict[tuple[str, str], str] = {}
"""``(importing module, imported top-level name)`` pairs allowed to point up, each with why."""


@dataclass(frozen=True)
class Import:
    """One import statement's target inside ``shopkeeper``."""

    importer: str
    target: str
    line: int
    runtime_module_level: bool


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _targets(
    importer: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: set[str]
) -> set[str]:
    """The modules an import loads: ``from a.b import c`` is ``a.b.c`` when that is a module."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    module = _resolve(importer, is_package, node)
    return {
        f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module
        for alias in node.names
    }


def _walk(
    importer: str, is_package: bool, body: list[ast.stmt], runtime_top: bool, modules: set[str]
) -> Iterator[Import]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in sorted(_targets(importer, is_package, node, modules)):
                if target == "shopkeeper" or target.startswith("shopkeeper."):
                    yield Import(importer, target, node.lineno, runtime_top)
        elif isinstance(node, ast.If) and _is_type_checking(node):
            yield from _walk(importer, is_package, node.body, False, modules)
            yield from _walk(importer, is_package, node.orelse, runtime_top, modules)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _walk(importer, is_package, node.body, False, modules)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    stmts = [s for s in inner if isinstance(s, ast.stmt)]
                    stmts += [s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body]
                    yield from _walk(importer, is_package, stmts, runtime_top, modules)


def all_modules() -> set[str]:
    """Every module of ``src/shopkeeper`` by its dotted name."""
    return {_module_name(p) for p in SRC.rglob("*.py")}


def all_imports() -> list[Import]:
    """Every import of a ``shopkeeper`` module by a module of ``src/shopkeeper``."""
    modules, found = all_modules(), []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += _walk(_module_name(path), path.name == "__init__.py", tree.body, True, modules)
    return found


def top_level(module: str) -> str | None:
    """``shopkeeper.store.query`` → ``store``; the package itself → None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def upward_imports() -> dict[tuple[str, str], list[str]]:
    """Imports that point to a higher layer: ``(importer, target top)`` → where."""
    upward: dict[tuple[str, str], list[str]] = {}
    for imp in all_imports():
        low, high = top_level(imp.importer), top_level(imp.target)
        if low is None or high is None or low == high:
            continue
        if LAYER[high] > LAYER[low]:
            where = f"{imp.importer}:{imp.line} imports {imp.target}"
            upward.setdefault((imp.importer, high), []).append(where)
    return upward


def test_every_top_level_module_has_a_layer() -> None:
    names = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    names |= {p.parent.name for p in SRC.glob("*/*.py")}
    assert sorted(names - set(LAYER)) == [], "add the new module to LAYERS"
    assert sorted(set(LAYER) - names) == [], "LAYERS names a module that is gone"


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = upward_imports()
    unexplained = [w for key, where in upward.items() if key not in EXCEPTIONS for w in where]
    assert unexplained == [], "\n".join(unexplained)


def test_every_exception_is_still_needed() -> None:
    stale = sorted(set(EXCEPTIONS) - set(upward_imports()))
    assert stale == [], f"remove from EXCEPTIONS: {stale}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_among_module_level_imports() -> None:
    modules = all_modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in all_imports():
        if imp.runtime_module_level and imp.target in modules and imp.target != imp.importer:
            graph[imp.importer].add(imp.target)
    assert _cycles(graph) == []


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], cycles: list[list[str]]) -> None:
    assert _cycles(graph) == cycles


def test_the_walker_sees_function_level_and_type_checking_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from shopkeeper.store import query\n"
        "if TYPE_CHECKING:\n"
        "    from shopkeeper.skills import registry\n"
        "def f():\n"
        "    from shopkeeper.api import app\n"
        "try:\n"
        "    import shopkeeper.cli.main\n"
        "except ImportError:\n"
        "    pass\n"
    )
    found = {
        (i.target, i.runtime_module_level)
        for i in _walk("shopkeeper.x", False, ast.parse(source).body, True, all_modules())
    }
    assert {
        ("shopkeeper.store.query", True),
        ("shopkeeper.skills.registry", False),
        ("shopkeeper.api.app", False),
        ("shopkeeper.cli.main", True),
    } <= found
