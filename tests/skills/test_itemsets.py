"""Pairs and triples counted in DuckDB agree with the plain-Python Apriori of analytics.basket."""

from __future__ import annotations

import random

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.basket import Rule, association_rules, frequent_itemsets
from shopkeeper.skills.itemsets import Mined, mine
from shopkeeper.store.query import Query

Baskets = list[set[str]]


def _query(baskets: Baskets) -> Query:
    con = duckdb.connect()
    con.execute("CREATE TABLE lines (order_id VARCHAR, item VARCHAR)")
    rows = [(f"o{n:03d}", item) for n, b in enumerate(baskets) for item in sorted(b)]
    if rows:
        con.executemany("INSERT INTO lines VALUES (?, ?)", rows)
    return Query(con, {})


def _mine(baskets: Baskets, **kw: float | int) -> Mined:
    args: dict[str, float | int] = {
        "min_support": 0.2,
        "min_count": 1,
        "min_confidence": 0.0,
        "min_lift": 0.0,
        "limit": 10_000,
    }
    return mine(_query(baskets), "SELECT order_id, item FROM lines", {}, **args | kw)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sets(st.sampled_from("abcdef"), min_size=1, max_size=5), min_size=1, max_size=25)
)
def test_sql_rules_match_the_python_reference(baskets: Baskets) -> None:
    _assert_matches_reference(baskets, 0.2)


def test_triples_on_a_larger_store_match_the_python_reference() -> None:
    rng = random.Random(12)
    items = [f"sku{i:02d}" for i in range(15)]
    weights = [1 / (i + 1) for i in range(15)]
    baskets = [set(rng.choices(items, weights, k=rng.randint(1, 8))) for _ in range(400)]
    want = _assert_matches_reference(baskets, 0.02)
    assert sum(len(r.antecedent | r.consequent) == 3 for r in want) > 100


def test_a_triple_needs_baskets_of_its_own_not_only_frequent_pairs() -> None:
    # every pair of a, b, c is frequent, but the three are together in one basket
    baskets: Baskets = [{"a", "b"}] * 3 + [{"a", "c"}] * 3 + [{"b", "c"}] * 3 + [{"a", "b", "c"}]
    got = _mine(baskets, min_support=0.0, min_count=2)
    assert len(got.rules) == 6
    assert all(len(r["antecedents"] + r["consequents"]) == 2 for r in got.rules)
    got = _mine([*baskets, {"a", "b", "c", "d"}], min_support=0.0, min_count=2)
    triples = [r for r in got.rules if len(r["antecedents"] + r["consequents"]) == 3]
    assert len(triples) == 6
    assert {r["orders"] for r in triples} == {2}


def _assert_matches_reference(baskets: Baskets, min_support: float) -> list[Rule]:
    got = _mine(baskets, min_support=min_support)
    sets = frequent_itemsets(baskets, min_support, max_len=3)
    want = association_rules(sets, len(baskets))
    assert got.baskets == len(baskets)
    by_key = {(tuple(r["antecedents"]), tuple(r["consequents"])): r for r in got.rules}
    assert len(by_key) == len(want)
    for r in want:
        row = by_key[(tuple(sorted(r.antecedent)), tuple(sorted(r.consequent)))]
        assert row["orders"] == r.count
        assert row["confidence"] == pytest.approx(r.confidence)
        assert row["lift"] == pytest.approx(r.lift)
        assert 0 <= row["support"] <= row["confidence"] <= 1 + 1e-9
    return want


def test_threshold_and_big_baskets() -> None:
    baskets: Baskets = [{"a", "b"}] * 6 + [{"a"}] * 3 + [{"a", "b", "c", "d", "e"}] * 2
    got = _mine(baskets, min_support=0.0, min_count=2, max_basket_items=4)
    # the two 5-item baskets are left out of everything: 9 baskets mined, a in 9, b in 6
    assert (got.baskets, got.skipped_baskets, got.need) == (9, 2, 2)
    ab = next(r for r in got.rules if r["antecedents"] == ["b"])
    assert (ab["orders"], ab["confidence"]) == (6, 1.0)
    assert _mine(baskets, min_support=0.5, min_count=2).need == 6
