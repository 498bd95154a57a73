"""Traffic rules (traffic_drop, conversion_drop, gmv_drop) on generated stores, and their statistics.

Planted drops are found; healthy controls — small, large, and the week after Double 11 — stay quiet.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.analytics.stats import binom_tail, rate_test
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.evaluation import score
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import Rule, load_rules
from shopkeeper.settings import Settings
from shopkeeper.store.day_counts import recount
from shopkeeper.store.importer import import_store
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse, store_dir

from .stores import inspect_stores

KINDS = ("traffic_drop", "conversion_drop", "gmv_drop")
MODULES = (
    "shopkeeper.inspection.rules.traffic",
    "shopkeeper.inspection.rules.gmv",
    "shopkeeper.inspection.rules.conversion",
)
END = dt.date(2026, 10, 20)
STORES: dict[str, dict[str, Any]] = {
    "zh-coffee": {"lang": "zh", "category": "coffee", "scale": 1.0, "seed": 31, "end_date": END},
    "en-snacks": {"lang": "en", "category": "snacks", "scale": 1.0, "seed": 32, "end_date": END},
    "zh-beauty-double11": {
        "lang": "zh",
        "category": "beauty",
        "scale": 0.5,
        "seed": 33,
        "end_date": dt.date(2026, 11, 13),
    },
    "small": {"lang": "en", "category": "coffee", "scale": 0.03, "seed": 34, "end_date": END},
    "gmv": {
        "lang": "zh",
        "category": "snacks",
        "scale": 0.3,
        "seed": 35,
        "end_date": END,
        "problems": ("gmv_drop",),
    },
    "healthy": {
        "lang": "en",
        "category": "coffee",
        "scale": 1.0,
        "seed": 36,
        "end_date": END,
        "problems": (),
    },
    "healthy-small": {
        "lang": "zh",
        "category": "beauty",
        "scale": 0.03,
        "seed": 37,
        "end_date": END,
        "problems": (),
    },
    "healthy-after-double11": {
        "lang": "zh",
        "category": "coffee",
        "scale": 0.5,
        "seed": 38,
        "end_date": dt.date(2026, 11, 14),
        "problems": (),
    },
}
Inspected = dict[str, tuple[InspectionReport, list[dict[str, Any]], Path]]


def _rules() -> list[Rule]:
    return [r for r in load_rules(MODULES) if r.kind in KINDS]


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> Inspected:
    home = tmp_path_factory.mktemp("traffic")
    return inspect_stores(home, STORES, _rules(), KINDS)


@pytest.mark.slow
@pytest.mark.parametrize("store", ["zh-coffee", "en-snacks", "zh-beauty-double11", "gmv"])
def test_planted_drops_are_found(inspected: Inspected, store: str) -> None:
    report, planted, _ = inspected[store]
    assert planted, "the generator planted traffic problems"
    result = score(report.findings, planted)
    assert result.recall == 1.0, {k: v.missed for k, v in result.kinds.items()}
    listing_level = [f for f in report.findings if f.entity.type == "product"]
    assert score(listing_level, planted).unplanted == 0, [f.title for f in listing_level]


@pytest.mark.slow
def test_a_small_store_reports_no_drop_that_was_not_planted(inspected: Inspected) -> None:
    report, planted, _ = inspected["small"]
    assert score(report.findings, planted).unplanted == 0, [f.title for f in report.findings]


@pytest.mark.slow
@pytest.mark.parametrize("store", ["healthy", "healthy-small", "healthy-after-double11"])
def test_healthy_stores_raise_no_traffic_alarm(inspected: Inspected, store: str) -> None:
    report, _, _ = inspected[store]
    assert [(f.kind, f.entity.id, f.title) for f in report.findings] == []
    assert set(report.summary.checks_run) == set(KINDS)


@pytest.mark.slow
def test_traffic_drop_names_the_source_that_fell(inspected: Inspected) -> None:
    report, planted, _ = inspected["zh-coffee"]
    target = next(p for p in planted if p["kind"] == "traffic_drop")
    drop = next(f for f in report.by_kind("traffic_drop") if f.entity.id == target["entity_id"])
    e = drop.evidence
    assert e["product_id"] == target["entity_id"]
    assert e["fallen_sources"] == [target["details"]["source"]]
    search = e["sources"]["search"]
    assert search["current"] < 0.5 * search["expected"]
    assert e["visitors_per_day"] < e["expected_visitors_per_day"]
    assert drop.impact is not None
    assert drop.impact.value > 0
    assert "search" in drop.title
    assert "访客" in drop.title


@pytest.mark.slow
def test_conversion_drop_says_traffic_held(inspected: Inspected) -> None:
    report, _, _ = inspected["en-snacks"]
    f = report.by_kind("conversion_drop")[0]
    e = f.evidence
    assert e["conversion"] <= 0.6 * e["expected_conversion"]
    assert e["visitors"] >= 0.7 * e["expected_visitors"]
    assert e["buyers"] < e["expected_buyers"]
    assert f.title.startswith("Conversion down")
    assert f.actions[0].type == "update_listing"


@pytest.mark.slow
def test_gmv_drop_is_decomposed_into_visitors_conversion_and_order_value(
    inspected: Inspected,
) -> None:
    report, planted, _ = inspected["gmv"]
    f = report.by_kind("gmv_drop")[0]
    assert f.entity.type == "store"
    # the store's id is the name it was imported under; its display name is the entity's name
    assert (f.entity.id, f.entity.name) == ("gmv", planted[0]["entity_id"])
    factors = {x["factor"]: x for x in f.evidence["factors"]}
    assert set(factors) == {"visitors", "conversion", "order_value"}
    assert f.evidence["main_factor"] == "visitors"
    lost = sum(x["contribution"] for x in factors.values())
    assert f.impact is not None
    assert lost == pytest.approx(-f.impact.value, rel=0.01)
    assert factors["visitors"]["change_pct"] < -25
    json.dumps(f.model_dump(mode="json"), ensure_ascii=False)


@pytest.mark.slow
def test_thresholds_are_settings_a_store_can_override(inspected: Inspected) -> None:
    report, _, folder = inspected["zh-coffee"]
    rule = next(r for r in _rules() if r.kind == "traffic_drop")
    strict = {"traffic_drop": {"source_drop": 0.95, "total_drop": 0.95}}
    with Warehouse.open(folder, read_only=True) as wh:
        config = wh.store_config()
        assert config is not None
        tables = {t: wh.count(t) for t in TABLES}
        for overrides, expected in (({}, len(report.by_kind("traffic_drop"))), (strict, 0)):
            ctx = InspectionContext(
                wh.con, "zh-coffee", config, report.as_of, "zh", tables, overrides
            )
            assert len(rule.run(ctx)) == expected


@pytest.mark.slow
def test_a_traffic_export_that_ends_a_day_early_is_no_drop(
    inspected: Inspected, tmp_path: Path
) -> None:
    report, _, folder = inspected["healthy"]
    copy = tmp_path / "store"
    shutil.copytree(folder, copy)
    with Warehouse.open(copy) as wh:
        wh.con.execute("DELETE FROM traffic WHERE date = ?", [report.as_of])
        recount(wh.con)  # rows removed outside an import: count the days again
        late = inspect_store(wh, "healthy", as_of=report.as_of, rules=_rules())
    assert late.findings == []


@given(st.integers(0, 60), st.integers(0, 60), st.floats(0.01, 0.99))
def test_binomial_tails_match_the_sum_of_the_probabilities(k: int, n: int, p: float) -> None:
    k = min(k, n)
    exact = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    assert binom_tail(k, n, p, upper=True) == pytest.approx(sum(exact[k:]), abs=1e-9)
    assert binom_tail(k, n, p, upper=False) == pytest.approx(sum(exact[: k + 1]), abs=1e-9)


@given(st.integers(0, 40), st.integers(1, 400), st.integers(0, 200), st.integers(1, 4000))
def test_rate_test_is_a_probability_and_more_extreme_is_less_likely(
    b: int, v: int, b0: int, v0: int
) -> None:
    b = min(b, v)
    b0 = min(b0, v0)
    fell = rate_test(b, v, b0, v0, upper=False)
    assert 0.0 <= fell <= 1.0
    if b > 0:
        assert rate_test(b - 1, v, b0, v0, upper=False) <= fell + 1e-12


def test_a_listing_with_twelve_visitors_cannot_drop() -> None:
    # 0 buyers from 12 visitors against 3 from 60 is no evidence; 2 from 400 against 60 from 1,200 is
    assert rate_test(0, 12, 3, 60, upper=False) > 0.3
    assert rate_test(2, 400, 60, 1200, upper=False) < 1e-4


def test_a_store_without_traffic_data_gets_no_traffic_findings(
    tiny_store: Any, sk_home: Settings
) -> None:
    folder = tiny_store()
    import_store(folder, "tiny", settings=sk_home)
    with Warehouse.open(store_dir(sk_home, "tiny"), read_only=True) as wh:
        report = inspect_store(wh, "tiny", rules=_rules())
    assert report.findings == []
    assert {s.kind for s in report.summary.skipped} == {"traffic_drop", "conversion_drop"}
