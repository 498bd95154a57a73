"""Skills default to the same day as the inspection and reports, and say "unknown", not 0%,
over days a table does not cover."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shopkeeper.store.importer import import_store

from .conftest import Stores

START = dt.date(2026, 1, 1)
LAST_TRADING = START + dt.timedelta(days=119)


def _stopped_store(tmp: Path) -> Stores:
    """120 days of 20 orders, refunds on the first 31 only, and one cancelled order 7 weeks later."""
    folder = tmp / "src"
    folder.mkdir()
    (folder / "store.toml").write_text(
        'name = "t"\ntimezone = "UTC"\nlanguage = "en"\ncurrency = "USD"\n', encoding="utf-8"
    )
    (folder / "products.csv").write_text(
        "sku_id,product_id,title,category,price\nS1,P1,t,c,10\n", encoding="utf-8"
    )
    orders = ["order_id,customer_id,created_at,status"]
    items = ["order_id,sku_id,quantity,unit_price"]
    refunds = ["refund_id,order_id,created_at,kind"]
    n = 0
    for d in range(120):
        day = START + dt.timedelta(days=d)
        for k in range(20):
            n += 1
            orders.append(f"O{n},c{k},{day} {9 + k % 10:02d}:00:00,completed")
            items.append(f"O{n},S1,1,10")
        if d <= 30:
            refunds.append(f"R{n},O{n},{day} 18:00:00,refund_only")
    orders.append(f"LATE,x,{LAST_TRADING + dt.timedelta(days=49)} 10:00:00,cancelled")
    items.append("LATE,S1,1,10")
    for name, rows in (("orders", orders), ("order_items", items), ("refunds", refunds)):
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    stores = Stores(tmp / "home")
    import_store(folder, "t", settings=stores.settings)
    return stores


def test_skills_default_to_the_last_day_of_real_trading(tmp_path: Path) -> None:
    stores = _stopped_store(tmp_path)
    sales = stores.run("t", "sales_summary", {"days": 7})
    assert sales.end == LAST_TRADING
    assert sales.orders == 140


def test_refund_rate_without_refund_data_is_unknown_not_zero(tmp_path: Path) -> None:
    stores = _stopped_store(tmp_path)
    out = stores.run("t", "refund_summary", {"days": 30})
    assert out.end == LAST_TRADING
    assert out.refund_rate is None
    assert out.refund_rate_prev is None
    assert out.note
    assert "0.00%" not in out.render("en")


def test_listing_refund_rates_without_refund_data_are_unknown(tmp_path: Path) -> None:
    stores = _stopped_store(tmp_path)
    out = stores.run("t", "product_performance", {"days": 30})
    assert out.products
    assert all(p.refund_rate is None for p in out.products)
    assert out.note
