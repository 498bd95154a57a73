"""Contract v1.1: new columns and tables import, guests are valid orders, old warehouses migrate."""

from __future__ import annotations

from pathlib import Path

import duckdb

from shopkeeper.settings import Settings
from shopkeeper.store.config import load_store_config
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import MIGRATIONS, WAREHOUSE_FILE, Warehouse, schema_version

from .corpus import (
    ORDER_ITEMS,
    ORDERS,
    PRODUCTS,
    STORE_TOML,
    csv_bytes,
    quarantine_json,
    read_warehouse,
    write_store,
)

STORE = "shop"


def _v11_store(folder: Path) -> Path:
    products = [
        [*PRODUCTS[0], "销售属性"],
        *[[*r, "三文鱼味 2kg" if i == 0 else ""] for i, r in enumerate(PRODUCTS[1:])],
    ]
    orders = [
        [*ORDERS[0], "预计送达", "收货国家"],
        [*ORDERS[1], "2026-11-04", "CN"],
        [*ORDERS[2][:1], "", *ORDERS[2][2:], "2026-11-05 18:00:00", "France"],  # a guest
        [*ORDERS[3], "", ""],
    ]
    creatives = [
        ["creative_id", "product_id", "kind", "path", "text", "status"],
        ["CR-1", "00777", "主图", "img/a.jpg", "", "投放中"],
        ["CR-2", "00777", "title", "", "云南小粒 中深烘", "testing"],
    ]
    stats = [
        ["date", "creative_id", "impressions", "clicks", "buyers", "gmv"],
        ["2026-11-01", "CR-1", "1000", "40", "2", "178"],
        ["2026-11-01", "CR-2", "900", "20", "1", "89"],
        ["2026-11-01", "CR-9", "900", "20", "1", "89"],  # no such creative: quarantined
    ]
    toml = STORE_TOML.replace(
        "[targets]", 'own_shops = ["燕麦与豆 outlet"]\n\n[targets]\nads_objective = "conversions"'
    )
    return write_store(
        folder,
        {
            "products.csv": csv_bytes(products),
            "orders.csv": csv_bytes(orders),
            "order_items.csv": csv_bytes(ORDER_ITEMS),
            "creatives.csv": csv_bytes(creatives),
            "creative_stats.csv": csv_bytes(stats),
        },
        toml=toml,
    )


def test_v11_columns_tables_and_guests_import(sk_home: Settings, tmp_path: Path) -> None:
    folder = _v11_store(tmp_path / "v11")
    config = load_store_config(folder)
    assert config.own_shops == ["燕麦与豆 outlet"]
    assert config.targets.ads_objective == "conversions"
    report = import_store(folder, STORE, settings=sk_home)
    assert [(r["table"], r["column"]) for r in quarantine_json(STORE)] == [
        ("creative_stats", "creative_id")
    ]
    assert report.tables["orders"].imported == 3
    with read_warehouse(sk_home, STORE) as con:
        assert con.execute("SELECT sku_id, sku_name FROM products ORDER BY 1").fetchall() == [
            ("00123", "三文鱼味 2kg"),
            ("SKU-B", None),
            ("SKU-C", None),
        ]
        rows = con.execute(
            "SELECT order_id, customer_id, receiver_country, strftime(promised_delivery_at, '%Y-%m-%d %H:%M') "
            "FROM orders ORDER BY 1"
        ).fetchall()
        assert rows == [
            ("00042", "C-001", "CN", "2026-11-04 15:59"),  # a date alone: the end of that day
            ("O-1002", None, "France", "2026-11-05 10:00"),
            ("O-1003", "C-001", None, None),
        ]
        assert con.execute(
            "SELECT creative_id, kind, status FROM creatives ORDER BY 1"
        ).fetchall() == [("CR-1", "main_image", "live"), ("CR-2", "title", "testing")]
        assert con.execute(
            "SELECT creative_id, audience, clicks FROM creative_stats ORDER BY 1"
        ).fetchall() == [("CR-1", "", 40), ("CR-2", "", 20)]
    with Warehouse.open(sk_home.store_dir(STORE), read_only=True) as wh:
        stored = wh.store_config()
    assert stored is not None
    assert stored.own_shops == ["燕麦与豆 outlet"]


def test_a_v1_warehouse_gains_the_v11_columns_and_tables(sk_home: Settings, tmp_path: Path) -> None:
    import_store(write_store(tmp_path / "v1"), STORE, settings=sk_home)
    path = sk_home.store_dir(STORE) / WAREHOUSE_FILE
    con = duckdb.connect(str(path))  # make it a v1 warehouse again
    con.execute("ALTER TABLE products DROP COLUMN sku_name")
    con.execute("ALTER TABLE orders DROP COLUMN promised_delivery_at")
    con.execute("ALTER TABLE orders DROP COLUMN receiver_country")
    con.execute("DROP TABLE creatives")
    con.execute("DROP TABLE creative_stats")
    con.execute("DELETE FROM _migrations WHERE version > 1")
    con.close()
    with Warehouse.open(sk_home.store_dir(STORE), read_only=True) as wh:  # a reader migrates too
        assert schema_version(wh.con) == len(MIGRATIONS)
        assert wh.con.execute(
            "SELECT count(*), count(promised_delivery_at), count(receiver_country) FROM orders"
        ).fetchone() == (3, 0, 0)
        assert wh.count("creatives") == 0
        assert wh.count("creative_stats") == 0
    report = import_store(_v11_store(tmp_path / "v11"), STORE, settings=sk_home)
    assert report.tables["creatives"].imported == 2
    with read_warehouse(sk_home, STORE) as con:
        assert con.execute("SELECT count(sku_name) FROM products").fetchone() == (1,)
