"""product_performance, keyword_analysis and copurchase_bundles against SQL and by hand."""

from __future__ import annotations

import pytest

from shopkeeper.analytics.stats import wilson_upper

from .conftest import Stores

PAID = "o.status NOT IN ('cancelled', 'closed', 'created')"


def test_product_performance_matches_sql(stores: Stores) -> None:
    out = stores.run("zh", "product_performance", {"days": 14, "limit": 500})
    top = out.products[0]
    assert [p.gmv for p in out.products] == sorted((p.gmv for p in out.products), reverse=True)
    gmv, orders, buyers = stores.sql(
        "zh",
        f"""SELECT sum(coalesce(i.paid_amount, i.unit_price * i.quantity))::DOUBLE, count(DISTINCT o.order_id),
                   count(DISTINCT o.customer_id)
            FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
            WHERE {PAID} AND p.product_id = ? AND CAST(o.created_at AS DATE) BETWEEN ? AND ?""",
        [top.product_id, out.start, out.end],
    )[0]
    visitors = stores.sql(
        "zh",
        "SELECT sum(visitors) FROM traffic WHERE product_id = ? AND date BETWEEN ? AND ?",
        [top.product_id, out.start, out.end],
    )[0][0]
    assert (top.gmv, top.orders, top.buyers, top.visitors) == (
        pytest.approx(gmv, abs=0.01),
        orders,
        buyers,
        visitors,
    )
    assert top.conversion_rate == pytest.approx(buyers / visitors, abs=1e-4)
    for p in out.products:
        if p.low_conversion:
            assert p.visitors >= 100
            assert wilson_upper(p.buyers, p.visitors) < out.median_conversion_rate + 1e-4
    assert set(out.low_conversion) >= {p.product_id for p in out.products if p.low_conversion}


def test_product_performance_sorts_ascending(stores: Stores) -> None:
    out = stores.run(
        "zh", "product_performance", {"sort_by": "conversion_rate", "order": "asc", "limit": 5}
    )
    rates = [p.conversion_rate for p in out.products]
    assert rates == sorted(rates)


def test_keyword_analysis_matches_sql(stores: Stores) -> None:
    out = stores.run("zh", "keyword_analysis", {"days": 7})
    first = out.top_by_visitors[0]
    visitors, buyers = stores.sql(
        "zh",
        "SELECT sum(visitors), sum(buyers) FROM search_terms WHERE keyword = ? AND date BETWEEN ? AND ?",
        [first.keyword, out.start, out.end],
    )[0]
    assert (first.visitors, first.buyers) == (visitors, buyers)
    total = stores.sql(
        "zh",
        "SELECT sum(visitors) FROM search_terms WHERE date BETWEEN ? AND ?",
        [out.start, out.end],
    )[0][0]
    assert out.visitors == total
    assert all(k.buyers == 0 and k.visitors >= 20 for k in out.no_conversion)
    assert all((k.visitors_change_pct or 0) >= 20 for k in out.rising)
    assert all((k.visitors_change_pct or 0) <= -20 for k in out.falling)


def test_bundles_by_hand(stores: Stores) -> None:
    # 5 paid orders: {tea,cup} ×2, {tea,cup,spoon}, {tea}, {spoon}, {cup}; the cancelled one is out
    out = stores.run(
        "tiny",
        "copurchase_bundles",
        {
            "start": "2026-03-01",
            "end": "2026-03-06",
            "min_support": 0.3,
            "min_count": 1,
            "min_lift": 1.0,
        },
    )
    assert (out.baskets, out.multi_item_baskets) == (6, 3)
    rule = next(r for r in out.rules if [i.id for i in r.antecedents] == ["P-CUP"])
    # tea in 4/6, cup in 4/6, both in 3/6: confidence 3/4, lift 0.75 / (4/6)
    assert [i.id for i in rule.consequents] == ["P-TEA"]
    assert (rule.orders, rule.support, rule.confidence, rule.lift) == (
        3,
        0.5,
        0.75,
        pytest.approx(1.125),
    )
    assert out.bundles[0].list_price_total == 30.0
    assert {i.id for i in out.bundles[0].items} == {"P-TEA", "P-CUP"}


def test_demo_bundles_are_honest(stores: Stores) -> None:
    out = stores.run("zh", "copurchase_bundles")
    assert out.baskets > 1000
    assert all(r.lift >= 1.2 and r.orders >= 5 for r in out.rules)
    assert out.rules or out.note  # the demo's baskets are random: no rule is claimed without a note
