"""Apriori and association rules: invariants by property, values by hand and by a published table."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.basket import association_rules, frequent_itemsets

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "online_retail"
baskets_st = st.lists(
    st.sets(st.sampled_from("abcdef"), min_size=1, max_size=5), min_size=1, max_size=40
)


def _brute_support(baskets: list[set[str]], itemset: frozenset[str]) -> int:
    return sum(1 for b in baskets if itemset <= b)


@settings(max_examples=60, deadline=None)
@given(baskets_st, st.floats(0.05, 0.9))
def test_itemsets_are_exactly_the_frequent_ones(
    baskets: list[set[str]], min_support: float
) -> None:
    found = frequent_itemsets(baskets, min_support, max_len=None)
    n = len(baskets)
    items = sorted(set().union(*baskets))
    for k in range(1, len(items) + 1):
        for combo in itertools.combinations(items, k):
            s = frozenset(combo)
            count = _brute_support(baskets, s)
            assert (s in found) == (count / n >= min_support - 1e-9), (s, count)
            if s in found:
                assert found[s] == count


@settings(max_examples=60, deadline=None)
@given(baskets_st, st.floats(0.05, 0.6))
def test_rule_measures_are_consistent(baskets: list[set[str]], min_support: float) -> None:
    n = len(baskets)
    for r in association_rules(frequent_itemsets(baskets, min_support), n):
        assert 0 < r.support <= 1
        assert r.support <= r.antecedent_support
        assert r.support <= r.consequent_support
        assert r.support - 1e-12 <= r.confidence <= 1 + 1e-12
        assert r.lift == pytest.approx(r.confidence / r.consequent_support)
        assert r.antecedent.isdisjoint(r.consequent)
        assert r.count == _brute_support(baskets, r.antecedent | r.consequent)


def test_hand_checked_rules() -> None:
    baskets = [{"tea", "cup"}, {"tea", "cup"}, {"tea", "cup", "spoon"}, {"tea"}, {"spoon"}]
    sets = frequent_itemsets(baskets, 0.4)
    assert sets[frozenset({"tea", "cup"})] == 3
    rules = {
        (tuple(sorted(r.antecedent)), tuple(sorted(r.consequent))): r
        for r in association_rules(sets, 5)
    }
    cup_tea = rules[(("cup",), ("tea",))]
    # support 3/5; P(tea | cup) = 3/3; lift = 1 / (4/5)
    assert (cup_tea.support, cup_tea.confidence, cup_tea.lift) == pytest.approx((0.6, 1.0, 1.25))
    tea_cup = rules[(("tea",), ("cup",))]
    assert tea_cup.confidence == pytest.approx(0.75)
    assert frequent_itemsets([], 0.1) == {}
    assert association_rules(sets, 5, min_lift=1.3) == []


@pytest.mark.dataset
def test_reproduces_the_published_france_rules() -> None:
    """pbpython's Market_Basket_Intro: France, strip descriptions, no 'C' invoices, no POSTAGE,
    min_support 0.07, lift ≥ 6 and confidence ≥ 0.8: every published row, to six decimals."""
    parquet = DATASETS / "online_retail_2010_2011_posqty.parquet"
    if not parquet.exists():
        pytest.skip(f"dataset not found: {parquet}")
    import duckdb

    rows = duckdb.sql(
        f"""SELECT CAST(InvoiceNo AS VARCHAR), trim(Description) FROM '{parquet.as_posix()}'
            WHERE Country = 'France' AND Description IS NOT NULL"""
    ).fetchall()
    baskets: dict[str, set[str]] = defaultdict(set)
    for invoice, item in rows:
        if "C" not in invoice:
            baskets[invoice].update([item] if item != "POSTAGE" else [])
    assert len(baskets) == 392
    n = len(baskets)
    rules = association_rules(
        frequent_itemsets(list(baskets.values()), 0.07, max_len=None),
        n,
        min_confidence=0.8,
        min_lift=6,
    )
    got = {(" + ".join(sorted(r.antecedent)), " + ".join(sorted(r.consequent))): r for r in rules}
    with (DATASETS / "REFERENCE_pbpython_rules.csv").open(encoding="utf-8") as fh:
        published = [r for r in csv.DictReader(fh) if r["country"] == "France"]
    assert len(published) == len(got) == 8
    for row in published:
        key = (" + ".join(sorted(row["antecedents"].split(" + "))), row["consequents"])
        rule = got[key]
        assert round(rule.antecedent_support, 6) == pytest.approx(
            float(row["antecedent_support_as_printed"])
        )
        assert round(rule.confidence, 6) == pytest.approx(float(row["confidence"]))
        assert round(rule.lift, 6) == pytest.approx(float(row["lift"]))
