"""Generated stores for the rule tests: build (generate + import) once, inspect with given rules."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import Rule
from shopkeeper.settings import Settings
from shopkeeper.store.demo import DemoManifest, generate_store
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir


def build_store(home: Path, name: str, options: Mapping[str, Any]) -> tuple[DemoManifest, Path]:
    """Generate a demo store (``options`` are generate_store's) and import it as ``name`` under ``home``."""
    manifest = generate_store(home / "src" / name, **options)
    settings = Settings(home=home)
    import_store(home / "src" / name, name, settings=settings)
    return manifest, store_dir(settings, name)


def inspect_built(
    directory: Path, name: str, manifest: DemoManifest, rules: list[Rule]
) -> InspectionReport:
    """Inspect a built store on its last day with only ``rules``."""
    with Warehouse.open(directory, read_only=True) as wh:
        return inspect_store(wh, name, as_of=manifest.end_date, rules=rules)


def planted_of(manifest: DemoManifest, kinds: Collection[str]) -> list[dict[str, Any]]:
    """The planted problems of the given kinds, as dicts for :func:`shopkeeper.inspection.evaluation.score`."""
    return [p.model_dump() for p in manifest.planted if p.kind in kinds]


def inspect_stores(
    home: Path, stores: Mapping[str, Mapping[str, Any]], rules: list[Rule], kinds: Collection[str]
) -> dict[str, tuple[InspectionReport, list[dict[str, Any]], Path]]:
    """Build every store of ``stores`` (name → generate_store options) and inspect it with ``rules``.

    Each store maps to (its report, its planted problems of ``kinds``, its store folder).
    """
    out = {}
    for name, options in stores.items():
        manifest, directory = build_store(home, name, options)
        out[name] = (
            inspect_built(directory, name, manifest, rules),
            planted_of(manifest, kinds),
            directory,
        )
    return out
