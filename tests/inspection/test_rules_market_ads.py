"""competitor_loss, ad_roi_below_target and ad_budget_limited on generated stores."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from shopkeeper.inspection.evaluation import score
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import load_rules
from shopkeeper.inspection.rules.market import binomial_sf

from .stores import build_store, inspect_built, planted_of

KINDS = ("competitor_loss", "ad_roi_below_target", "ad_budget_limited")
MODULES = ("shopkeeper.inspection.rules.market", "shopkeeper.inspection.rules.ads")
ALL_MINE = (
    "shopkeeper.inspection.rules.service",
    "shopkeeper.inspection.rules.fulfilment",
    *MODULES,
)
END = dt.date(2026, 8, 31)
STORES: dict[str, dict[str, Any]] = {
    "zh-snacks-1": {"lang": "zh", "scale": 1.0, "seed": 41, "category": "snacks"},
    "small-1": {"lang": "zh", "scale": 0.03, "seed": 42},
    "small-2": {"lang": "en", "scale": 0.03, "seed": 43},
    "small-3": {"lang": "en", "scale": 0.03, "seed": 44, "category": "beauty"},
    "double11": {"lang": "zh", "scale": 0.1, "seed": 45, "end_date": dt.date(2026, 11, 12)},
    "healthy": {"lang": "en", "scale": 0.1, "seed": 46, "category": "snacks", "problems": ()},
    "healthy-small": {
        "lang": "zh",
        "scale": 0.03,
        "seed": 47,
        "category": "beauty",
        "problems": (),
    },
    "healthy-double11": {
        "lang": "zh",
        "scale": 0.1,
        "seed": 48,
        "problems": (),
        "end_date": dt.date(2026, 11, 13),
    },
}
Inspected = dict[str, tuple[InspectionReport, list[dict[str, Any]], float]]


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> Inspected:
    home = tmp_path_factory.mktemp("market")
    rules, mine = load_rules(MODULES), load_rules(ALL_MINE)
    out = {}
    for name, kw in STORES.items():
        manifest, directory = build_store(home, name, {"end_date": END} | kw)
        report = inspect_built(directory, name, manifest, rules)
        started = time.perf_counter()
        inspect_built(directory, name, manifest, mine)
        seconds = time.perf_counter() - started
        out[name] = (report, planted_of(manifest, KINDS), seconds)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("store", ["zh-snacks-1", "small-1", "small-2", "small-3", "double11"])
def test_planted_market_and_ad_problems_are_found(inspected: Inspected, store: str) -> None:
    report, planted, _ = inspected[store]
    assert {p["kind"] for p in planted} == set(KINDS)
    result = score(report.findings, planted)
    assert result.recall == 1.0, {k: v.missed for k, v in result.kinds.items()}
    assert result.unplanted == 0, [(f.kind, f.entity.id, f.title) for f in report.findings]


@pytest.mark.slow
@pytest.mark.parametrize("store", ["healthy", "healthy-small", "healthy-double11"])
def test_healthy_stores_raise_no_market_or_ad_alarm(inspected: Inspected, store: str) -> None:
    report, _, _ = inspected[store]
    assert [(f.kind, f.entity.id, f.title) for f in report.findings] == []
    assert set(report.summary.checks_run) == set(KINDS)


@pytest.mark.slow
def test_findings_explain_themselves(inspected: Inspected) -> None:
    report, planted, _ = inspected["zh-snacks-1"]
    own = {p["entity_id"]: p["details"] for p in planted if p["kind"] == "competitor_loss"}
    for f in report.by_kind("competitor_loss"):
        e = f.evidence
        assert e["lost_buyers_recent"] > 2 * e["lost_buyers_expected"]
        assert e["competitor_shop"] == own[f.entity.id]["competitor_shop"]
        assert ("自家店铺" in f.title) == e["own_shop"]
    roi = report.by_kind("ad_roi_below_target")[0]
    assert roi.evidence["roi"] < 0.5 * roi.evidence["target_roi"]
    assert roi.actions[0].type in {"pause_campaign", "change_bid"}
    budget = report.by_kind("ad_budget_limited")[0]
    assert budget.evidence["days_budget_used_up"] >= 10
    assert budget.actions[0].type == "change_budget"
    assert budget.actions[0].params["daily_budget"] > budget.evidence["daily_budget"]


def test_two_counts_are_compared_with_their_uncertainty() -> None:
    assert binomial_sf(4, 4, 0.2) == pytest.approx(0.0016)
    assert binomial_sf(53, 64, 0.2) < 1e-20
    assert binomial_sf(0, 5, 0.5) == 1.0
