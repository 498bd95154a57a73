"""Stock rules on generated stores: planted problems found, healthy controls quiet."""

from __future__ import annotations

import datetime as dt

import pytest

from shopkeeper.inspection.evaluation import score
from shopkeeper.inspection.models import InspectionReport
from shopkeeper.inspection.registry import load_rules

from .stores import inspect_stores

KINDS = ("out_of_stock", "stockout_risk", "slow_moving", "expiry_risk")
STORES = {
    "zh-coffee": {"lang": "zh", "category": "coffee", "scale": 0.3, "seed": 21},
    "en-snacks": {"lang": "en", "category": "snacks", "scale": 0.3, "seed": 22},
    "small": {"lang": "zh", "category": "beauty", "scale": 0.03, "seed": 23},
    "healthy": {"lang": "zh", "category": "coffee", "scale": 0.3, "seed": 24, "problems": ()},
    "healthy-small": {
        "lang": "en",
        "category": "coffee",
        "scale": 0.03,
        "seed": 25,
        "problems": (),
    },
    # a slow SKU after a month of Double 11 days: its last normal week lies weeks back, and a
    # couple of units sold then must not make a shortage of stock that covers its real pace
    "healthy-small-after-promotion": {
        "lang": "zh",
        "category": "coffee",
        "scale": 0.03,
        "seed": 5,
        "problems": (),
        "end_date": dt.date(2026, 11, 20),
    },
    "healthy-double11": {
        "lang": "zh",
        "category": "snacks",
        "scale": 0.3,
        "seed": 26,
        "problems": (),
        "end_date": dt.date(2026, 11, 13),
    },
}


@pytest.fixture(scope="module")
def inspected(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[InspectionReport, list[dict[str, object]]]]:
    home = tmp_path_factory.mktemp("stock")
    rules = [r for r in load_rules() if r.kind in KINDS]
    built = inspect_stores(home, STORES, rules, KINDS)
    return {name: (report, planted) for name, (report, planted, _) in built.items()}


@pytest.mark.slow
@pytest.mark.parametrize("store", ["zh-coffee", "en-snacks", "small"])
def test_planted_stock_problems_are_found(
    inspected: dict[str, tuple[InspectionReport, list[dict[str, object]]]], store: str
) -> None:
    report, planted = inspected[store]
    assert planted, "the generator planted stock problems"
    result = score(report.findings, planted)
    assert result.recall == 1.0, {k: v.missed for k, v in result.kinds.items()}


@pytest.mark.slow
@pytest.mark.parametrize(
    "store", ["healthy", "healthy-small", "healthy-small-after-promotion", "healthy-double11"]
)
def test_healthy_stores_raise_no_stock_alarm(
    inspected: dict[str, tuple[InspectionReport, list[dict[str, object]]]], store: str
) -> None:
    report, _ = inspected[store]
    assert [(f.kind, f.entity.id, f.title) for f in report.findings] == []


@pytest.mark.slow
def test_findings_explain_themselves(
    inspected: dict[str, tuple[InspectionReport, list[dict[str, object]]]],
) -> None:
    report, _ = inspected["zh-coffee"]
    risk = next(f for f in report.findings if f.kind == "stockout_risk")
    e = risk.evidence
    assert e["days_of_cover"] == pytest.approx(e["available"] / e["daily_sales_forecast"], rel=0.02)
    assert e["days_of_cover"] < e["lead_time_days"]
    assert risk.actions[0].type == "replenish"
    assert risk.actions[0].params["quantity"] > 0
    assert "补货" in risk.recommendation
