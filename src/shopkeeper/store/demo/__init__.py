"""The demo store: a realistic shop with noise, seasonality, promotions and planted problems.

``generate_store(folder)`` writes a contract store folder (``store.toml`` and the 16 tables) plus
``planted.json``, the manifest of every problem planted, so detectors can be scored for what they
find (and, on a healthy control store built with ``problems=()``, for what they wrongly report).
"""

from __future__ import annotations

from shopkeeper.store.demo.catalogs import CATEGORIES
from shopkeeper.store.demo.generator import generate_store
from shopkeeper.store.demo.manifest import (
    DEFAULT_PROBLEMS,
    PROBLEM_KINDS,
    DemoManifest,
    PlantedProblem,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_PROBLEMS",
    "PROBLEM_KINDS",
    "DemoManifest",
    "PlantedProblem",
    "generate_store",
]
