"""Every registered skill is documented, describes its arguments, and answers ``{}`` on every store."""

from __future__ import annotations

import pytest

from .conftest import Stores

STORES = ("zh", "en", "bare", "tiny")
UNDOCUMENTED = {("top_products", "limit")}
"""Arguments known to lack a description (sales.py: to be fixed by its owner); the list only shrinks."""


def test_every_skill_is_documented(stores: Stores) -> None:
    for s in stores.registry:
        assert len(s.description) > 20, s.name
        schema = s.input_schema()
        for name, prop in schema.get("properties", {}).items():
            if (s.name, name) not in UNDOCUMENTED:
                assert prop.get("description"), f"{s.name}.{name} has no description"
        assert not schema.get("required"), f"{s.name} needs arguments: {schema.get('required')}"


NEW = [
    "stock_status",
    "product_performance",
    "keyword_analysis",
    "copurchase_bundles",
    "customer_segments",
    "ads_performance",
    "refund_summary",
    "review_summary",
    "order_status",
    "shipping_overview",
    "traffic_sources",
    "price_check",
    "sales_forecast",
    "pending_approvals",
    "propose_action",
    "remember",
    "recall_memory",
]


@pytest.mark.parametrize("store", STORES)
def test_every_data_skill_answers_empty_arguments(stores: Stores, store: str) -> None:
    for name in NEW:
        result = stores.run(store, name)
        dumped = result.model_dump(mode="json")
        assert isinstance(dumped, dict), name


def test_tags_name_the_owner_and_side_effects(stores: Stores) -> None:
    owners = {"analyst", "ads", "audience", "designer", "cs", "orders", "manager"}
    for name in NEW:
        assert owners & set(stores.registry.get(name).tags), name
    writes = {s.name for s in stores.registry if "writes" in s.tags}
    assert writes == {"propose_action", "remember"}


def test_bare_store_says_what_is_missing(stores: Stores) -> None:
    assert stores.run("bare", "stock_status").missing == ["inventory"]
    assert stores.run("bare", "ads_performance").missing == ["ad_campaigns"]
    assert stores.run("bare", "review_summary").note
    perf = stores.run("bare", "product_performance")
    assert set(perf.missing) == {"traffic", "refunds"}
    assert perf.products
    assert all(p.visitors is None for p in perf.products)


def test_language_follows_the_context_then_the_store(stores: Stores) -> None:
    zh = stores.registry.get("keyword_analysis")(stores.ctx("zh"), {})
    en = stores.registry.get("keyword_analysis")(stores.ctx("zh", "en"), {})
    assert any("搜索词" in r.text for r in zh.recommendations)  # type: ignore[attr-defined]
    assert all("搜索词" not in r.text for r in en.recommendations)  # type: ignore[attr-defined]
