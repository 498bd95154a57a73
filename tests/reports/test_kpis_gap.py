"""A KPI over days its table does not cover is unknown, never 0%."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shopkeeper.reports.service import build_report
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir

START = dt.date(2026, 1, 1)


def test_refund_rate_over_a_period_without_refund_data_is_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "store.toml").write_text(
        'name = "t"\ntimezone = "UTC"\nlanguage = "en"\n', encoding="utf-8"
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
        if d <= 30:  # refunds end three months before the orders
            refunds.append(f"R{n},O{n},{day} 18:00:00,refund_only")
    for name, rows in (("orders", orders), ("order_items", items), ("refunds", refunds)):
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    settings = Settings(home=tmp_path / "home")
    import_store(folder, "t", settings=settings)
    with Warehouse.open(store_dir(settings, "t"), read_only=True) as wh:
        late = build_report(wh, "t", kind="weekly")
        early = build_report(wh, "t", kind="weekly", as_of=START + dt.timedelta(days=27))
    rate = next(k for k in late.kpis if k.key == "refund_rate")
    assert late.period.end == START + dt.timedelta(days=119)
    assert rate.value is None
    assert rate.note
    assert any(m.section == "kpi:refund_rate" for m in late.missing)
    covered = next(k for k in early.kpis if k.key == "refund_rate")
    assert covered.value is not None
    assert covered.value > 0
