"""Inspection rules: one typed function per finding kind, registered the way plugins are.

Each rules module exposes ``RULES``, a tuple of :class:`Rule`; :data:`BUILTIN_MODULES` lists the
built-in modules explicitly (nothing registers itself on import). A rule's docstring documents its
detection rule; its thresholds are a Pydantic model of named settings, overridable per store in
``store.toml`` under ``[inspection.<kind>]``. Every rule states its :class:`Minimum` evidence: the
fewest observations it judges on (findings.md, "Enough evidence"); a test checks each over cut-down
stores.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Finding

BUILTIN_MODULES: tuple[str, ...] = (
    "shopkeeper.inspection.rules.stock",
    "shopkeeper.inspection.rules.pricing",
    "shopkeeper.inspection.rules.listing",
    "shopkeeper.inspection.rules.conversion",
    "shopkeeper.inspection.rules.black_hole",
    "shopkeeper.inspection.rules.traffic",
    "shopkeeper.inspection.rules.gmv",
    "shopkeeper.inspection.rules.service",
    "shopkeeper.inspection.rules.fulfilment",
    "shopkeeper.inspection.rules.delivery",
    "shopkeeper.inspection.rules.cancellations",
    "shopkeeper.inspection.rules.outliers",
    "shopkeeper.inspection.rules.market",
    "shopkeeper.inspection.rules.ads",
)


MAIN_LANE = "main"
SIDE_LANE = "side"
SIDE_LANE_MODULES: frozenset[str] = frozenset(
    {
        "shopkeeper.inspection.rules.listing",
        "shopkeeper.inspection.rules.conversion",
        "shopkeeper.inspection.rules.black_hole",
        "shopkeeper.inspection.rules.traffic",
        "shopkeeper.inspection.rules.gmv",
        "shopkeeper.inspection.rules.cancellations",
        "shopkeeper.inspection.rules.ads",
    }
)
"""The rules that run beside the others, on a cursor of their own
(:func:`~shopkeeper.inspection.engine.run_rules`): they read traffic, ads and cancellations and
build none of the working tables the main lane's rules share (the daily SKU sales and the outlier
orders behind them, the judged deliveries, the refund cases, the review hits), nor read one — so
neither lane waits for the other, and nothing is computed twice."""


@dataclass(frozen=True)
class Minimum:
    """The fewest observations a rule judges on, so that noise cannot make a finding.

    ``setting`` names the field of the rule's settings that holds the number (the docstring
    mentions it), and ``counts`` says what is counted. ``setting=None`` declares a rule (or a part
    of one) that judges a single record on its own — an order past its promise, a test address, a
    price below cost: one observation is the evidence, not a rate.
    """

    setting: str | None
    counts: str


@dataclass(frozen=True)
class Rule:
    """How one finding kind is detected.

    ``needs`` are the tables without which the kind cannot be judged (the check is then reported
    as skipped); ``detect`` receives the context and the rule's settings. ``current_only``: the
    rule reads a snapshot of today (``products.price``), not history, so it does not run on a day
    well before the data's last day (its comparison would mix today's snapshot with old sales).
    ``minimums``: the evidence it needs before it reports anything (see :class:`Minimum`).
    ``lane``: :data:`MAIN_LANE` or :data:`SIDE_LANE` (set by :func:`load_rules`).
    """

    kind: str
    needs: tuple[str, ...]
    settings: type[BaseModel]
    detect: Callable[[InspectionContext, Any], list[Finding]]
    current_only: bool = False
    minimums: tuple[Minimum, ...] = ()
    lane: str = MAIN_LANE

    @property
    def doc(self) -> str:
        """The detection rule, from the function's docstring."""
        return (self.detect.__doc__ or "").strip()

    def run(self, ctx: InspectionContext) -> list[Finding]:
        """Detect with the store's settings for this kind."""
        return self.detect(ctx, ctx.settings(self.kind, self.settings))


def load_rules(modules: tuple[str, ...] = BUILTIN_MODULES) -> list[Rule]:
    """All rules of the given modules, in order."""
    rules: list[Rule] = []
    for name in modules:
        lane = SIDE_LANE if name in SIDE_LANE_MODULES else MAIN_LANE
        rules.extend(replace(r, lane=lane) for r in importlib.import_module(name).RULES)
    return rules
