"""Pricing and listing rules (price_anomaly, listing_quality, traffic_black_hole, keyword_opportunity)
on generated stores: planted problems found, healthy controls quiet, evidence a merchant can check.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.evaluation import score
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import Rule, load_rules
from shopkeeper.inspection.rules.listing import median_without, peer_groups
from shopkeeper.store.warehouse import Warehouse

from .stores import inspect_stores

ROBUST = ("price_anomaly", "listing_quality", "traffic_black_hole")
KINDS = (*ROBUST, "keyword_opportunity")
MODULES = (
    "shopkeeper.inspection.rules.pricing",
    "shopkeeper.inspection.rules.listing",
    "shopkeeper.inspection.rules.black_hole",
)
END = dt.date(2026, 10, 20)
STORES: dict[str, dict[str, Any]] = {
    "zh-coffee": {"lang": "zh", "category": "coffee", "scale": 1.0, "seed": 41, "end_date": END},
    "en-beauty": {"lang": "en", "category": "beauty", "scale": 1.0, "seed": 42, "end_date": END},
    "zh-snacks-double11": {
        "lang": "zh",
        "category": "snacks",
        "scale": 0.5,
        "seed": 43,
        "end_date": dt.date(2026, 11, 12),
    },
    "small": {"lang": "en", "category": "coffee", "scale": 0.03, "seed": 44, "end_date": END},
    "healthy": {
        "lang": "zh",
        "category": "beauty",
        "scale": 1.0,
        "seed": 45,
        "end_date": END,
        "problems": (),
    },
    "healthy-small": {
        "lang": "en",
        "category": "snacks",
        "scale": 0.03,
        "seed": 46,
        "end_date": END,
        "problems": (),
    },
    "healthy-double11": {
        "lang": "zh",
        "category": "coffee",
        "scale": 0.5,
        "seed": 47,
        "end_date": dt.date(2026, 11, 13),
        "problems": (),
    },
}
PLANTED = ("zh-coffee", "en-beauty", "zh-snacks-double11")
Inspected = dict[str, tuple[InspectionReport, list[dict[str, Any]], Path]]


def _rules() -> list[Rule]:
    return [r for r in load_rules(MODULES) if r.kind in KINDS]


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> Inspected:
    home = tmp_path_factory.mktemp("pricing-listing")
    return inspect_stores(home, STORES, _rules(), KINDS)


def _planted(inspected: Inspected, store: str, kind: str) -> dict[str, Any]:
    return next(p for p in inspected[store][1] if p["kind"] == kind)


@pytest.mark.slow
@pytest.mark.parametrize("store", [*PLANTED, "small"])
def test_planted_catalog_problems_are_found(inspected: Inspected, store: str) -> None:
    report, planted, _ = inspected[store]
    robust = [p for p in planted if p["kind"] in ROBUST]
    assert len(robust) == len(ROBUST)
    result = score(report.findings, robust)
    assert result.recall == 1.0, {k: v.missed for k, v in result.kinds.items()}
    assert score(report.findings, planted).unplanted == 0, [f.title for f in report.findings]


@pytest.mark.slow
def test_keyword_opportunities_are_found_where_the_numbers_show_them(inspected: Inspected) -> None:
    found = [
        score(inspected[s][0].findings, inspected[s][1]).kinds["keyword_opportunity"]
        for s in PLANTED
    ]
    assert sum(k.found for k in found) >= len(PLANTED) - 1, [k.missed for k in found]


@pytest.mark.slow
@pytest.mark.parametrize("store", ["healthy", "healthy-small", "healthy-double11"])
def test_healthy_stores_raise_no_catalog_alarm(inspected: Inspected, store: str) -> None:
    report, _, _ = inspected[store]
    assert [(f.kind, f.entity.id, f.title) for f in report.findings] == []
    assert set(report.summary.checks_run) == set(KINDS)


@pytest.mark.slow
def test_a_missing_digit_is_priced_back_to_what_it_sold_at(inspected: Inspected) -> None:
    report, _, _ = inspected["zh-coffee"]
    planted = _planted(inspected, "zh-coffee", "price_anomaly")
    f = next(f for f in report.by_kind("price_anomaly") if f.entity.id == planted["entity_id"])
    e, d = f.evidence, planted["details"]
    assert (e["current_price"], e["usual_price"], e["cost"]) == (
        d["wrong_price"],
        d["right_price"],
        d["cost"],
    )
    assert e["product_id"] == d["product_id"]
    assert e["below_cost"] is True
    assert e["order_lines_at_current_price"] > 0
    assert f.severity == "high"
    assert f.actions[0].type == "change_price"
    assert f.actions[0].params == {
        "sku_id": planted["entity_id"],
        "price": d["right_price"],
        "current_price": d["wrong_price"],
    }
    assert f.impact is not None
    assert f.impact.value > 0
    assert "价格" in f.title


@pytest.mark.slow
def test_a_jump_and_a_price_below_cost_are_caught_and_a_modest_cut_is_not(
    inspected: Inspected, tmp_path: Path
) -> None:
    report, _, folder = inspected["healthy"]
    copy = tmp_path / "store"
    shutil.copytree(folder, copy)
    with Warehouse.open(copy) as wh:
        jump, cut, loss = (
            r[0]
            for r in wh.con.execute(
                """SELECT i.sku_id FROM order_items i JOIN products p USING (sku_id)
                   WHERE p.status = 'on_sale' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3"""
            ).fetchall()
        )
        wh.con.execute("UPDATE products SET price = price * 10 WHERE sku_id = ?", [jump])
        wh.con.execute("UPDATE products SET price = price * 0.8 WHERE sku_id = ?", [cut])
        wh.con.execute("UPDATE products SET cost = price * 1.2 WHERE sku_id = ?", [loss])
        found = inspect_store(wh, "healthy", as_of=report.as_of, rules=_rules())
    by_sku = {f.entity.id: f for f in found.by_kind("price_anomaly")}
    assert set(by_sku) == {jump, loss}
    assert by_sku[jump].evidence["ratio_to_usual"] == pytest.approx(10, rel=0.01)
    assert by_sku[jump].actions[0].params["price"] == pytest.approx(
        by_sku[jump].evidence["usual_price"]
    )
    assert "上涨" in by_sku[jump].title
    assert by_sku[loss].evidence["below_cost"] is True
    assert by_sku[loss].severity == "medium"
    assert "低于成本" in by_sku[loss].title


@pytest.mark.slow
def test_a_hasty_listing_is_told_what_to_fix(inspected: Inspected) -> None:
    report, _, _ = inspected["en-beauty"]
    planted = _planted(inspected, "en-beauty", "listing_quality")
    f = next(f for f in report.by_kind("listing_quality") if f.entity.id == planted["entity_id"])
    assert set(f.evidence["issues"]) == set(planted["details"]["issues"])
    assert f.evidence["image_count"] == planted["details"]["image_count"]
    assert f.actions[0].type == "update_listing"
    assert f.severity == "medium"
    assert f.title.startswith("Weak listing")


@pytest.mark.slow
def test_a_black_hole_converts_far_below_its_peers(inspected: Inspected) -> None:
    report, _, _ = inspected["zh-snacks-double11"]
    planted = _planted(inspected, "zh-snacks-double11", "traffic_black_hole")
    f = next(f for f in report.by_kind("traffic_black_hole") if f.entity.id == planted["entity_id"])
    e = f.evidence
    assert e["conversion"] <= 0.35 * e["peer_median_conversion"]
    assert e["expected_buyers"] > e["buyers"]
    assert f.impact is not None
    assert f.impact.value > 0


@pytest.mark.slow
def test_a_keyword_finding_names_the_term_and_the_listing(inspected: Inspected) -> None:
    for store in PLANTED:
        report, _, _ = inspected[store]
        planted = _planted(inspected, store, "keyword_opportunity")
        for f in report.by_kind("keyword_opportunity"):
            assert f.entity.id == planted["entity_id"]
            assert f.evidence["product_id"] == planted["details"]["product_id"]
            assert f.evidence["conversion"] >= 2 * f.evidence["listing_other_terms_conversion"]
            assert f.actions[0].type == "change_bid"
            assert f.actions[0].params["keyword"] == planted["entity_id"]


def test_peers_fall_back_from_category_to_top_category_to_store() -> None:
    rows = [
        {"product_id": "a", "category": "咖啡/咖啡豆", "top_category": "咖啡"},
        {"product_id": "b", "category": "咖啡/咖啡豆", "top_category": "咖啡"},
        {"product_id": "c", "category": "咖啡/挂耳", "top_category": "咖啡"},
        {"product_id": "d", "category": "茶/袋泡茶", "top_category": "茶"},
    ]
    groups = peer_groups(rows, 2)
    assert [p["product_id"] for p in groups["a"]] == ["a", "b", "c"]
    assert [p["product_id"] for p in groups["d"]] == ["a", "b", "c", "d"]


@given(st.lists(st.integers(0, 50), min_size=2, max_size=40), st.data())
def test_median_without_one_value_matches_the_median_of_the_rest(
    values: list[int], data: st.DataObject
) -> None:
    drop = data.draw(st.sampled_from(values))
    rest = list(values)
    rest.remove(drop)
    ordered = sorted(float(v) for v in values)
    assert median_without(ordered, float(drop)) == statistics.median(rest)
