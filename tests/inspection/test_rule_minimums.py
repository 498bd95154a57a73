"""No rule fires on fewer observations than its documented minimum (findings.md, "Enough evidence").

Every rule declares its minimums (:class:`shopkeeper.inspection.registry.Minimum`): the settings
that hold them, mentioned in its docstring. Two checks over one generated store with problems
planted, on which every rule fires:

- **the minimums gate:** raising any one of a rule's minimums above what the store has silences it;
- **cut-down stores:** the store cut below a rule's minimum (two orders, a handful of reviews,
  refunds, visitors, rival losses, ad days or listings) makes it silent — every rule must be
  covered by a cut, so a new rule comes with its minimum and a cut that tests it.

Findings that judge one record on its own (``Minimum(None, ...)``: an order past its promise, a
test address, a price below cost) are facts, not rates, and are left out of both checks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.dates import END

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Finding
from shopkeeper.inspection.registry import Rule, load_rules
from shopkeeper.store.day_counts import recount
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse

from .stores import build_store

RULES = {r.kind: r for r in load_rules()}
NAME = "minimums"
STORES: dict[str, dict[str, Any]] = {
    "planted": {"lang": "zh", "scale": 0.3, "seed": 17, "end_date": END},
    "gmv": {"lang": "en", "scale": 0.3, "seed": 13, "end_date": END, "problems": ("gmv_drop",)},
}
"""The planted problems of the default set; ``gmv_drop`` is planted alone (it is store-wide)."""
STORE_OF = {"gmv_drop": "gmv"}
BEYOND = 10**6

FACT: dict[str, Callable[[Finding], bool]] = {
    "shipping_delay": lambda f: f.evidence.get("issue") != "stalled_in_transit",
    "abnormal_address": lambda f: (
        not any(str(i).startswith("missing") for i in f.evidence.get("issues", []))
    ),
    "price_anomaly": lambda f: not f.evidence.get("far_from_usual"),
}
"""Per kind with a one-record minimum: the findings that rest on the record alone."""


def _judged(kind: str, findings: list[Finding]) -> list[Finding]:
    """The findings that rest on the rule's counted minimums (facts about one record left out)."""
    fact = FACT.get(kind)
    return [f for f in findings if f.kind == kind and not (fact and fact(f))]


def _run(directory: Path, rule: Rule, overrides: dict[str, Any] | None = None) -> list[Finding]:
    with Warehouse.open(directory, read_only=True) as wh:
        config = wh.store_config()
        assert config is not None
        tables = {t: wh.count(t) for t in TABLES}
        ctx = InspectionContext(
            wh.con, NAME, config, END, config.language, tables, {rule.kind: overrides or {}}
        )
        return _judged(rule.kind, rule.run(ctx))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("minimums")
    return {key: build_store(root / key, NAME, options)[1] for key, options in STORES.items()}


# --- every rule documents its minimums ------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RULES))
def test_every_rule_documents_its_minimum(kind: str) -> None:
    rule = RULES[kind]
    assert rule.minimums, (
        f"{kind}: declare the fewest observations it judges on — Rule(..., minimums=(Minimum("
        "'min_...', 'what is counted'),)) — with the setting in its settings and docstring"
    )
    for m in rule.minimums:
        assert m.counts.strip(), f"{kind}: say what the minimum counts"
        if m.setting is None:
            assert kind in FACT, f"{kind}: say which findings rest on one record alone (FACT)"
            continue
        field = rule.settings.model_fields.get(m.setting)
        assert field is not None, f"{kind}: {m.setting!r} is not one of its settings"
        assert isinstance(field.default, int | float), f"{kind}.{m.setting}: not a number"
        assert field.default >= 1, (
            f"{kind}.{m.setting}: a minimum is a count of at least 1, not {field.default!r}"
        )
        assert f"``{m.setting}``" in rule.doc, f"{kind}: its docstring must state {m.setting}"


# --- the minimums gate ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RULES))
def test_raising_its_minimums_silences_the_rule(kind: str, stores: dict[str, Path]) -> None:
    rule, directory = RULES[kind], stores[STORE_OF.get(kind, "planted")]
    assert _run(directory, rule), (
        f"{kind} must fire on the planted store for this test to mean anything"
    )
    # all at once: some gate one part of a rule each (a listing's and the store's alarm)
    raised = {m.setting: BEYOND for m in rule.minimums if m.setting is not None}
    found = _run(directory, rule, raised)
    assert not found, f"{kind} fired with {raised}: {[f.title for f in found]}"


# --- cut-down stores --------------------------------------------------------------------------------

Cut = Callable[[duckdb.DuckDBPyConnection], None]


def _two_orders(con: duckdb.DuckDBPyConnection) -> None:
    """Only the store's last two orders (and what belongs to them) are left."""
    con.execute(
        """CREATE TEMP TABLE keep AS SELECT order_id FROM orders
           ORDER BY created_at DESC, order_id LIMIT 2"""
    )
    for table in ("orders", "order_items", "reviews", "refunds"):
        con.execute(f"DELETE FROM {table} WHERE order_id IS NULL OR order_id NOT IN (FROM keep)")


def _few(table: str, keep: int, order: str) -> Cut:
    def cut(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            f"""DELETE FROM {table} WHERE rowid NOT IN
                (SELECT rowid FROM {table} ORDER BY {order} DESC LIMIT {keep})"""
        )

    cut.__doc__ = f"Only the {keep} latest rows of {table}."
    return cut


def _thin_traffic(con: duckdb.DuckDBPyConnection) -> None:
    """Every listing gets a fiftieth of its visitors and buyers (search terms too)."""
    for table in ("traffic", "search_terms"):
        con.execute(
            f"UPDATE {table} SET visitors = visitors // 50, buyers = buyers // 50, "
            "impressions = impressions // 50"
        )


def _few_lost_buyers(con: duckdb.DuckDBPyConnection) -> None:
    """Each watched listing lost at most 9 buyers, to one rival, on the last day."""
    con.execute(
        f"""DELETE FROM competitors WHERE rowid NOT IN (
                SELECT arg_max(rowid, lost_buyers) FROM competitors
                WHERE date = DATE '{END}' GROUP BY our_product_id)"""
    )
    con.execute("UPDATE competitors SET lost_buyers = least(lost_buyers, 9)")


def _three_listings(con: duckdb.DuckDBPyConnection) -> None:
    """The store lists three products."""
    con.execute(
        """DELETE FROM products WHERE product_id NOT IN
           (SELECT DISTINCT product_id FROM products ORDER BY product_id LIMIT 3)"""
    )


def _new_listings(con: duckdb.DuckDBPyConnection) -> None:
    """Every product was listed five days ago, and holds one unit of stock."""
    con.execute(f"UPDATE products SET listed_at = DATE '{END}' - INTERVAL 5 DAY")
    con.execute("UPDATE inventory SET on_hand = least(on_hand, 1), reserved = 0")


def _four_ad_days(con: duckdb.DuckDBPyConnection) -> None:
    """Campaigns ran on the last four days only."""
    con.execute(f"DELETE FROM ad_campaigns WHERE date <= DATE '{END}' - INTERVAL 4 DAY")


CUTS: dict[str, tuple[Cut, frozenset[str]]] = {
    "two_orders": (
        _two_orders,
        frozenset(
            {
                "out_of_stock",
                "stockout_risk",
                "slow_moving",
                "expiry_risk",
                "price_anomaly",
                "gmv_drop",
                "negative_reviews",
                "refund_spike",
                "shipping_delay",
                "abnormal_address",
                "delivery_late",
                "cancellation_spike",
                "outlier_order",
            }
        ),
    ),
    "two_reviews": (_few("reviews", 2, "created_at"), frozenset({"negative_reviews"})),
    "three_refunds": (_few("refunds", 3, "created_at"), frozenset({"refund_spike"})),
    "thin_traffic": (
        _thin_traffic,
        frozenset({"traffic_drop", "conversion_drop", "traffic_black_hole", "keyword_opportunity"}),
    ),
    "few_lost_buyers": (_few_lost_buyers, frozenset({"competitor_loss"})),
    "four_ad_days": (_four_ad_days, frozenset({"ad_roi_below_target", "ad_budget_limited"})),
    "three_listings": (_three_listings, frozenset({"listing_quality"})),
    "new_listings": (_new_listings, frozenset({"slow_moving", "expiry_risk"})),
}


def test_every_rule_has_a_cut_below_its_minimum() -> None:
    covered = set().union(*(kinds for _, kinds in CUTS.values()))
    missing = sorted(set(RULES) - covered)
    assert not missing, f"add a cut-down store below the minimum of: {missing}"


@pytest.fixture(scope="module")
def cut_store(
    stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str, str], Path]:
    """A copy of a store cut by one of :data:`CUTS` (made once per store and cut)."""
    root, made = tmp_path_factory.mktemp("cuts"), {}

    def make(cut: str, store: str) -> Path:
        if (cut, store) not in made:
            directory = root / f"{store}-{cut}"
            shutil.copytree(stores[store], directory)
            with Warehouse.open(directory) as wh:
                CUTS[cut][0](wh.con)
                recount(wh.con)  # rows removed outside an import: count the days again
            made[cut, store] = directory
        return made[cut, store]

    return make


@pytest.mark.parametrize(
    ("cut", "kind"), sorted((c, k) for c, (_, kinds) in CUTS.items() for k in kinds)
)
def test_a_store_cut_below_the_minimum_gets_no_finding(
    cut: str, kind: str, cut_store: Callable[[str, str], Path]
) -> None:
    found = _run(cut_store(cut, STORE_OF.get(kind, "planted")), RULES[kind])
    assert not found, f"{kind} fired on the store cut to {cut}: {[f.title for f in found]}"
