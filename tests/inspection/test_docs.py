"""Every finding kind is documented, and docs/inspection.md is generated from the code."""

from __future__ import annotations

from pathlib import Path

from shopkeeper.inspection.docs import render
from shopkeeper.inspection.registry import load_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "inspection.md"
SPEC_KINDS = {
    "out_of_stock",
    "stockout_risk",
    "slow_moving",
    "expiry_risk",
    "price_anomaly",
    "listing_quality",
    "traffic_drop",
    "conversion_drop",
    "traffic_black_hole",
    "gmv_drop",
    "negative_reviews",
    "refund_spike",
    "shipping_delay",
    "abnormal_address",
    "competitor_loss",
    "ad_roi_below_target",
    "ad_budget_limited",
    "keyword_opportunity",
    "delivery_late",
    "cancellation_spike",
    "outlier_order",
}


def test_every_kind_of_the_spec_has_a_documented_rule() -> None:
    rules = load_rules()
    assert {r.kind for r in rules} == SPEC_KINDS
    for rule in rules:
        assert len(rule.doc) > 80, f"{rule.kind}: document the detection rule in the docstring"
        for name, field in rule.settings.model_fields.items():
            assert field.description, f"{rule.kind}.{name}: every threshold says what it means"


def test_docs_file_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "regenerate: python -m shopkeeper.inspection.docs > docs/inspection.md"
    )


def test_every_kind_has_a_name_in_both_languages() -> None:
    from shopkeeper.inspection.kinds import KIND_NAMES, kind_label
    from shopkeeper.inspection.registry import load_rules

    kinds = {r.kind for r in load_rules()} | {"data_gap"}
    assert kinds <= set(KIND_NAMES), kinds - set(KIND_NAMES)
    for kind in kinds:
        assert kind not in kind_label(kind, "zh")  # never the raw name in Chinese text
        assert kind_label(kind, "en")[0].isupper()
