"""stock_status: by hand on the tiny store, and against SQL on the demo."""

from __future__ import annotations

import math

import pytest

from .conftest import Stores


def test_tiny_store_by_hand(stores: Stores) -> None:
    out = stores.run("tiny", "stock_status", {"window_days": 6, "safety_days": 2})
    by = {s.sku_id: s for s in out.skus}
    tea = by[
        "TEA"
    ]  # 4 paid units in 6 days (the cancelled O7 does not count); 3 on hand, 1 reserved
    assert (tea.available, tea.in_transit, tea.lead_time_days) == (2, 2, 5)
    assert tea.avg_daily_units == pytest.approx(4 / 6, abs=1e-3)
    assert tea.days_of_cover == pytest.approx(3.0)
    assert tea.reorder_qty == math.ceil(4 / 6 * (5 + 2) - 2 - 2)  # 1
    assert tea.state == "at_risk"
    assert by["SPN"].state == "out_of_stock"  # nothing free, 2 sold
    assert by["CUP"].state == "overstock"  # 100 free at 4/6 a day = 150 days
    assert by["CUP"].lead_time_days == 7  # no lead time: the default
    assert out.summary.out_of_stock == 1
    assert [s.sku_id for s in out.at_risk] == ["SPN", "TEA"]
    assert {r.action for r in out.recommendations if r.action} == {"replenish"}


def test_demo_matches_sql(stores: Stores) -> None:
    # window_days asks for the plain mean over a window (the default is the normal daily rate)
    out = stores.run("zh", "stock_status", {"limit": 1000, "window_days": 28})
    assert out.summary.skus == len(out.skus)
    sku = max(out.skus, key=lambda s: s.avg_daily_units)
    (on_hand, units) = stores.sql(
        "zh",
        """SELECT (SELECT sum(on_hand) FROM inventory WHERE sku_id = $1 AND date = (SELECT max(date) FROM inventory WHERE sku_id = $1 AND date <= $2)),
                  (SELECT sum(i.quantity) FROM orders o JOIN order_items i USING (order_id) WHERE i.sku_id = $1
                     AND o.status NOT IN ('cancelled', 'closed', 'created') AND CAST(o.created_at AS DATE) BETWEEN $2::DATE - 27 AND $2)""",
        [sku.sku_id, out.as_of],
    )[0]
    assert sku.on_hand == on_hand
    assert sku.avg_daily_units == pytest.approx(units / 28, abs=1e-3)
    assert out.summary.to_replenish == sum(s.reorder_qty > 0 for s in out.skus)
    for s in out.at_risk:
        assert s.state in ("out_of_stock", "at_risk")
