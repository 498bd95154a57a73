"""price_check by hand and against SQL; sales_forecast consistent with the history."""

from __future__ import annotations

import pytest

from shopkeeper.ops.actions import validate_params

from .conftest import Stores


def test_tiny_prices_by_hand(stores: Stores) -> None:
    out = stores.run("tiny", "price_check", {"start": "2026-03-01", "end": "2026-03-06"})
    by = {s.sku_id: s for s in out.skus}
    assert (by["TEA"].margin, by["TEA"].margin_pct) == (6.0, 60.0)
    assert by["CUP"].below_cost  # 20 < 25
    assert out.below_cost == ["CUP"]
    assert out.skus[0].sku_id == "CUP"
    assert by["SPN"].units == 2
    assert out.missing == ["competitors"]
    rec = out.recommendations[0]
    assert (rec.action, rec.params) == ("change_price", {"sku_id": "CUP", "price": 27.5})


def test_demo_positions_match_sql(stores: Stores) -> None:
    out = stores.run("zh", "price_check", {"limit": 2000})
    assert out.listings
    p = out.listings[0]
    median = stores.sql(
        "zh",
        """SELECT median(price)::DOUBLE FROM (SELECT competitor_product_id, arg_max(competitor_price, date) AS price
           FROM competitors WHERE our_product_id = ? AND date BETWEEN ? AND ?
             AND competitor_shop NOT IN ('山谷豆仓咖啡专营店', '山谷豆仓咖啡旗舰店') GROUP BY 1)""",
        [p.product_id, out.start, out.end],
    )[0][0]
    assert p.competitor_median == pytest.approx(median, abs=0.01)
    assert p.price_index == pytest.approx(p.our_price / p.competitor_median, abs=1e-3)
    assert [x.price_index for x in out.listings] == sorted(
        (x.price_index for x in out.listings), reverse=True
    )
    price, cost = stores.sql(
        "zh",
        "SELECT price::DOUBLE, cost::DOUBLE FROM products WHERE sku_id = ?",
        [out.skus[-1].sku_id],
    )[0]
    assert out.skus[-1].margin == pytest.approx(price - cost, abs=0.01)
    assert out.below_cost  # the demo plants a mistyped price
    for r in out.recommendations:
        if r.action:
            validate_params(r.action, r.params)


def test_forecast_is_consistent(stores: Stores) -> None:
    out = stores.run("zh", "sales_forecast", {"horizon_days": 7, "history_days": 28, "limit": 3})
    units = stores.sql(
        "zh",
        """SELECT sum(i.quantity) FROM orders o JOIN order_items i USING (order_id)
           WHERE o.status NOT IN ('cancelled', 'closed', 'created') AND CAST(o.created_at AS DATE) BETWEEN ? AND ?""",
        [out.history_start, out.history_end],
    )[0][0]
    assert out.store_units.history_total == units
    assert (out.history_end - out.history_start).days == 27
    for f in [out.store_units, out.store_gmv, *out.skus]:
        assert len(f.daily) == 7
        assert min(f.daily) >= 0
        assert f.lower <= f.forecast_total <= f.upper
        assert f.forecast_total == pytest.approx(sum(f.daily), abs=0.05)
        assert f.method in ("smoothing", "seasonal_naive", "yearly_seasonal", "croston_sba", "tsb")
    assert len(out.skus) == 3
    assert out.skus[0].history_total >= out.skus[1].history_total
    assert out.skus[0].available_stock is not None
    one = stores.run("bare", "sales_forecast", {"sku_id": out.skus[0].id})
    assert [f.id for f in one.skus] == [out.skus[0].id]
    assert one.skus[0].available_stock is None  # no inventory in the bare store


def test_the_merchants_own_shops_are_not_competitors(stores: Stores) -> None:
    out = stores.run("zh", "price_check", {"limit": 2000})
    own = stores.sql(
        "zh",
        """SELECT our_product_id, count(DISTINCT competitor_product_id) FILTER (
                  WHERE competitor_shop <> '山谷豆仓咖啡专营店'),
                  count(DISTINCT competitor_product_id) FILTER (WHERE competitor_shop = '山谷豆仓咖啡专营店')
           FROM competitors WHERE date BETWEEN ? AND ? AND competitor_price IS NOT NULL GROUP BY 1""",
        [out.start, out.end],
    )
    shared = {product: (rivals, mine) for product, rivals, mine in own if mine}
    assert shared, "the demo's own other shop (store.toml own_shops) sells the same products"
    listed = {x.product_id: x.competitors for x in out.listings if x.product_id in shared}
    assert listed
    assert all(n == shared[product][0] for product, n in listed.items())
