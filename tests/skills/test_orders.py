"""order_status and shipping_overview on the tiny store by hand, and on the demo against SQL."""

from __future__ import annotations

import datetime as dt

from .conftest import Stores


def test_order_status_by_hand(stores: Stores) -> None:
    o = stores.run("tiny", "order_status", {"order_id": "O3"})
    assert (o.found, o.status, o.shipment, o.carrier, o.tracking_no) == (
        True,
        "completed",
        "delivered",
        "UPS",
        "1Z3",
    )
    assert [(i.sku_id, i.quantity) for i in o.items] == [("TEA", 1), ("CUP", 1), ("SPN", 1)]
    assert o.pay_amount == 35.0
    late = stores.run("tiny", "order_status", {"order_id": "O6"})
    assert (late.shipment, late.overdue) == (
        "awaiting_shipment",
        False,
    )  # paid 09:01, promise 24 h, data ends that day
    assert stores.run("tiny", "order_status", {"tracking_no": "1Z2"}).order_id == "O2"
    missing = stores.run("tiny", "order_status", {"order_id": "nope"})
    assert not missing.found
    assert "nope" in missing.note


def test_shipping_by_hand(stores: Stores) -> None:
    out = stores.run("tiny", "shipping_overview", {"lookback_days": 10})
    # unshipped: O5 (paid 03-05 10:01, 37.98 h before the end of 03-06) and O6
    assert (out.unshipped, out.overdue, out.promise_hours) == (2, 1, 24.0)
    assert out.overdue_orders[0].order_id == "O5"
    assert out.overdue_orders[0].hours_since_payment == round(
        (dt.timedelta(hours=37, minutes=59)).total_seconds() / 3600, 1
    )
    # shipped: O1 (8 h), O2 (56 h: late), O3 and O4 (2 h)
    assert (out.shipped, out.late_shipments, out.avg_hours_to_ship) == (
        4,
        1,
        round((7.98 + 55.98 + 1.98 + 1.98) / 4, 1),
    )
    assert [a.order_id for a in out.abnormal_addresses] == ["O5"]
    assert "placeholder_text" in out.abnormal_addresses[0].issues
    assert any(
        r.action == "hold_order" and r.params["order_id"] == "O5" for r in out.recommendations
    )


def test_shipping_matches_sql(stores: Stores) -> None:
    out = stores.run("zh", "shipping_overview")
    unshipped = stores.sql(
        "zh",
        """SELECT count(*) FROM orders WHERE status = 'paid' AND shipped_at IS NULL
           AND coalesce(paid_at, created_at) >= ?::TIMESTAMPTZ - INTERVAL 29 DAY""",
        [str(out.as_of)],
    )[0][0]
    assert out.unshipped == unshipped
    assert len(out.overdue_orders) == min(out.overdue, 20)
    assert all(o.overdue_hours > 0 for o in out.overdue_orders)
    assert out.abnormal_addresses  # the demo plants a few
