"""customer_segments: by hand on the tiny store, consistent with SQL on the demo."""

from __future__ import annotations

import pytest

from .conftest import Stores


def test_tiny_segments_by_hand(stores: Stores) -> None:
    out = stores.run("tiny", "customer_segments", {"recent_days": 3})
    # alice 2 orders/60 (last 03-02), bob 35 (03-03), carol 10 (03-04), dave 5 (03-05), erin 20 (03-06)
    assert (out.customers, out.gmv) == (5, 130.0)
    assert out.thresholds == {"recency_days": 2.0, "orders": 1.2, "spend": 26.0}
    seg = {s.key: s for s in out.segments}
    assert seg["important_retain"].customers == 1  # alice: 4 days ago, 2 orders, 60
    assert seg["important_win_back"].customers == 1  # bob: 3 days ago, 1 order, 35
    # carol (2 days, the mean: recent), dave and erin: recent, 1 order, small spend
    assert seg["general_develop"].customers == 3
    assert set(seg) == {"important_retain", "important_win_back", "general_develop"}
    assert out.repeat_rate == pytest.approx(0.2)
    assert (out.recent_buyers, out.new_buyers, out.returning_buyers) == (3, 3, 0)
    assert out.avg_order_value == pytest.approx(130 / 6, abs=0.01)


def test_demo_segments_add_up(stores: Stores) -> None:
    out = stores.run("zh", "customer_segments", {"days": 90})
    assert sum(s.customers for s in out.segments) == out.customers
    assert sum(s.share_of_gmv for s in out.segments) == pytest.approx(1.0, abs=1e-3)
    assert sum(s.gmv for s in out.segments) == pytest.approx(out.gmv, abs=1)
    buyers = stores.sql(
        "zh",
        """SELECT count(DISTINCT customer_id) FROM orders WHERE status NOT IN ('cancelled', 'closed', 'created')
           AND CAST(created_at AS DATE) BETWEEN ? AND ?""",
        [out.start, out.end],
    )[0][0]
    assert out.customers == buyers
    assert out.segments[0].label.endswith("客户")
    assert stores.run("en", "customer_segments").segments[0].label.isascii()
