"""customer_segments: by hand on the tiny store, consistent with SQL on the demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.store.importer import import_store

from .conftest import TINY, TINY_TOML, Stores


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


def _one_time_store(stores: Stores, tmp_path: Path) -> None:
    """Twenty customers who bought once, one who bought twice, and three guest checkouts."""
    orders = ["order_id,customer_id,created_at,paid_at,status,pay_amount"]
    lines = ["order_id,line_no,sku_id,quantity,unit_price,paid_amount"]
    buyers = [f"c{n:02d}" for n in range(20)] + ["loyal", "loyal", "", "", ""]
    for n, who in enumerate(buyers):
        day = f"2026-03-{n % 28 + 1:02d}T10:00:00"
        orders.append(f"G{n:02d},{who},{day},{day},completed,{100 + n}.00")
        lines.append(f"G{n:02d},1,TEA,1,{100 + n}.00,{100 + n}.00")
    src = tmp_path / "src"
    src.mkdir()
    (src / "store.toml").write_text(TINY_TOML, encoding="utf-8")
    (src / "products.csv").write_text(TINY["products.csv"], encoding="utf-8")
    (src / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (src / "order_items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_store(src, "one-time", settings=stores.settings)


def test_guests_are_orders_and_one_time_stores_get_no_campaigns(
    stores: Stores, tmp_path: Path
) -> None:
    _one_time_store(stores, tmp_path)
    out = stores.run("one-time", "customer_segments", {"end": "2026-03-31", "days": 60})
    assert (out.customers, out.guest_orders) == (21, 3)
    assert out.guest_gmv == pytest.approx(122 + 123 + 124)
    assert out.repeat_rate == pytest.approx(1 / 21, abs=1e-4)
    assert out.one_time_share == pytest.approx(20 / 21, abs=1e-4)
    assert out.note
    assert "bought only once" in out.note
    assert len(out.recommendations) == 1
    assert "second order" in out.recommendations[0].text
    for seg in out.segments:
        assert "" not in seg.top_customers
        assert None not in seg.top_customers
    assert "3 guest checkouts" in out.render("en")
