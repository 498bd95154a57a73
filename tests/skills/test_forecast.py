"""sales_forecast: SKUs add up to the store, one giant order is not a trend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shopkeeper.store.importer import import_store

from .conftest import TINY, TINY_TOML, Stores


def test_skus_add_up_to_the_store(stores: Stores) -> None:
    out = stores.run("zh", "sales_forecast", {"horizon_days": 7, "limit": 5})
    listed = sum(s.forecast_total for s in out.skus)
    assert listed + out.other_skus_units == pytest.approx(out.store_units.forecast_total, rel=1e-3)
    for s in out.skus:
        assert s.pattern in ("smooth", "erratic", "intermittent", "lumpy")
        assert s.method in ("smoothing", "croston_sba", "tsb")


def _steady_store(stores: Stores, tmp_path: Path, name: str, giant: bool) -> None:
    """Twenty orders of one unit a day for 60 days, and maybe one order of 50,000 units."""
    orders = ["order_id,customer_id,created_at,paid_at,status,pay_amount"]
    lines = ["order_id,line_no,sku_id,quantity,unit_price,paid_amount"]
    start = dt.date(2026, 1, 1)
    for day in range(60):
        for k in range(20):
            oid, ts = f"O{day:02d}{k:02d}", f"{start + dt.timedelta(days=day)}T10:{k:02d}:00"
            orders.append(f"{oid},c{k},{ts},{ts},completed,10.00")
            lines.append(f"{oid},1,TEA,1,10.00,10.00")
    if giant:
        orders.append("BIG,whale,2026-02-25T12:00:00,2026-02-25T12:00:00,completed,500000.00")
        lines.append("BIG,1,TEA,50000,10.00,500000.00")
    src = tmp_path / name
    src.mkdir()
    (src / "store.toml").write_text(TINY_TOML, encoding="utf-8")
    (src / "products.csv").write_text(TINY["products.csv"], encoding="utf-8")
    (src / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    (src / "order_items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_store(src, name, settings=stores.settings)


def test_a_giant_order_is_not_a_trend(stores: Stores, tmp_path: Path) -> None:
    _steady_store(stores, tmp_path, "steady", giant=False)
    _steady_store(stores, tmp_path, "whale", giant=True)
    args = {"end": "2026-03-01", "horizon_days": 14, "history_days": 56}
    calm, whale = (
        stores.run("steady", "sales_forecast", args),
        stores.run("whale", "sales_forecast", args),
    )
    assert calm.capped_orders == 0
    assert whale.capped_orders == 1
    assert calm.store_units.forecast_total == pytest.approx(280, rel=0.02)
    assert whale.store_units.forecast_total == pytest.approx(280, rel=0.05)
    assert whale.store_gmv.forecast_total == pytest.approx(2800, rel=0.05)
    assert whale.skus[0].forecast_total == pytest.approx(whale.store_units.forecast_total, rel=1e-3)
    assert whale.store_units.history_total == 56 * 20 + 50_000  # the history itself is not edited
