"""Every way a table file can be written: encodings, delimiters, line endings, xlsx, parquet.

Each corpus case carries one bad row, so the reported line number is checked through every
reader, and the good rows are checked value by value in the warehouse. Idempotency and upserts
are here too: they are what makes importing the next export safe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store

from .corpus import (
    FORMAT_CASES,
    ORDER_ITEMS,
    ORDERS,
    RowCase,
    build,
    by_id,
    counts,
    csv_bytes,
    dump,
    parquet_bytes,
    quarantine_json,
    read_warehouse,
    verify,
    with_rows,
    write_store,
    xlsx_bytes,
)

STORE = "shop"


@pytest.mark.parametrize("case", FORMAT_CASES, ids=str)
def test_format_case(case: RowCase, sk_home: Settings, tmp_path: Path) -> None:
    report = import_store(build(case, tmp_path / case.id), STORE, settings=sk_home)
    verify(case, sk_home, STORE, report.notes)
    assert report.bad_rows == len(case.bad)


def test_late_chinese_text_is_found_by_re_detection(sk_home: Settings, tmp_path: Path) -> None:
    """The first MiB says UTF-8; DuckDB then meets GBK bytes and the whole file is re-detected."""
    from shopkeeper.store.encoding import SAMPLE_BYTES, detect_encoding

    case = by_id("gbk-after-first-mib")
    folder = build(case, tmp_path / "late")
    assert detect_encoding(folder / "traffic.csv") == "utf-8"  # the sample alone is misleading
    assert (folder / "traffic.csv").stat().st_size > SAMPLE_BYTES
    assert detect_encoding(folder / "traffic.csv", whole_file=True) == "gb18030"


def test_leading_zeros_survive_in_every_table(sk_home: Settings, tmp_path: Path) -> None:
    files = {
        "customers.csv": "customer_id,province\n007,浙江\n",
        "inventory.csv": "date,sku_id,warehouse,on_hand,lot_id\n2026-11-01,00123,001,5,000987\n",
        "reviews.csv": "review_id,order_id,sku_id,product_id,created_at,rating\n0001,00042,00123,00777,2026-11-03 10:00,5\n",
        "messages.csv": "conversation_id,message_id,sent_at,sender,text,order_id\n0009,01,2026-11-03 10:00,customer,在吗,00042\n",
        "search_terms.csv": "date,product_id,keyword,visitors\n2026-11-01,00777,0糖,3\n",
        "ad_campaigns.csv": "date,campaign_id,product_id,spend,clicks,gmv\n2026-11-01,000555,00777,10,2,30\n",
        "competitors.csv": "date,our_product_id,competitor_product_id,competitor_shop\n2026-11-01,00777,000321,隔壁店\n",
        "promotions.csv": 'promotion_id,name,kind,start_at,end_at,sku_ids\n0100,双11,coupon,2026-11-01,2026-11-12,"00123,SKU-B"\n',
    }
    import_store(
        write_store(tmp_path / "zeros", files, traffic=True, refunds=True), STORE, settings=sk_home
    )
    assert quarantine_json(STORE) == []
    expected = {
        "SELECT sku_id, product_id FROM products WHERE price = 89": [("00123", "00777")],
        "SELECT order_id FROM orders WHERE customer_id = 'C-001' ORDER BY 1": [
            ("00042",),
            ("O-1003",),
        ],
        "SELECT order_id, sku_id FROM order_items WHERE quantity = 2": [("00042", "00123")],
        "SELECT product_id FROM traffic WHERE visitors = 120": [("00777",)],
        "SELECT refund_id, order_id, sku_id FROM refunds": [("R-0001", "00042", "00123")],
        "SELECT customer_id FROM customers": [("007",)],
        "SELECT sku_id, warehouse, lot_id FROM inventory": [("00123", "001", "000987")],
        "SELECT review_id, order_id, sku_id, product_id FROM reviews": [
            ("0001", "00042", "00123", "00777")
        ],
        "SELECT conversation_id, message_id, order_id FROM messages": [("0009", "01", "00042")],
        "SELECT product_id, keyword FROM search_terms": [("00777", "0糖")],
        "SELECT campaign_id, product_id FROM ad_campaigns": [("000555", "00777")],
        "SELECT our_product_id, competitor_product_id FROM competitors": [("00777", "000321")],
        "SELECT promotion_id, sku_ids::VARCHAR FROM promotions": [("0100", '["00123","SKU-B"]')],
    }
    with read_warehouse(sk_home, STORE) as con:
        for sql, rows in expected.items():
            assert con.execute(sql).fetchall() == rows, sql


def test_xlsx_numbers_typed_as_numbers_lose_leading_zeros_as_excel_stores_them(
    sk_home: Settings, tmp_path: Path
) -> None:
    """An id Excel holds as the number 123 (shown 00123 by a cell format) is the number 123."""
    sheet = [
        ["sku_id", "product_id", "title", "category", "price"],
        [123, 777, "咖啡豆", "咖啡", 89],
    ]
    items = csv_bytes([ORDER_ITEMS[0], ["00042", "1", "123", "1", "89", ""]])
    folder = write_store(
        tmp_path / "numbers",
        {"products.csv": None, "products.xlsx": xlsx_bytes(sheet), "order_items.csv": items},
    )
    import_store(folder, STORE, settings=sk_home)
    with read_warehouse(sk_home, STORE) as con:
        assert con.execute("SELECT sku_id, product_id FROM products").fetchall() == [("123", "777")]
        assert con.execute("SELECT sku_id FROM order_items").fetchall() == [("123",)]


def test_parquet_and_csv_parts_of_one_table_load_together(
    sk_home: Settings, tmp_path: Path
) -> None:
    import pyarrow as pa

    part = pa.table(
        {
            "order_id": ["00099"],
            "customer_id": ["C-009"],
            "created_at": ["2026-11-05 08:00:00"],
            "status": ["paid"],
        }
    )
    folder = write_store(tmp_path / "mixed", {"orders.2026-11b.parquet": parquet_bytes(part)})
    report = import_store(folder, STORE, settings=sk_home)
    assert report.tables["orders"].files == ["orders.2026-11b.parquet", "orders.csv"]
    assert counts(sk_home, STORE)["orders"] == 4


# -- idempotency and upserts ------------------------------------------------------------------


def _messy_store(tmp_path: Path) -> Path:
    """A store with bad rows in several tables and files: the harder case for re-imports."""
    folder = build(by_id("orphans"), tmp_path / "messy", traffic=True)
    split = by_id("split-files")
    for name, data in split.files().items():
        path = folder / name
        path.unlink(missing_ok=True) if data is None else path.write_bytes(data)
    return folder


def test_importing_twice_changes_nothing(sk_home: Settings, tmp_path: Path) -> None:
    folder = _messy_store(tmp_path)
    import_store(folder, STORE, settings=sk_home)
    first, first_q = dump(sk_home, STORE), quarantine_json(STORE)
    assert first_q, "the messy store should quarantine something"
    second_report = import_store(folder, STORE, settings=sk_home)
    assert dump(sk_home, STORE) == first
    second_q = quarantine_json(STORE)
    assert len(second_q) == len(first_q)
    assert [{k: v for k, v in r.items() if k != "import_id"} for r in second_q] == [
        {k: v for k, v in r.items() if k != "import_id"} for r in first_q
    ]
    assert {r["import_id"] for r in second_q} == {second_report.import_id}


def test_newer_export_upserts(sk_home: Settings, tmp_path: Path) -> None:
    import_store(write_store(tmp_path / "v1"), STORE, settings=sk_home)
    newer_orders = [
        ORDERS[0],
        [
            "O-1002",
            "C-002",
            "2026-11-01 12:30:00",
            "2026-11-01 12:31:00",
            "delivered",
            "pc",
            "19.90",
            "0",
        ],
        [
            "O-1004",
            "C-004",
            "2026-11-03 08:00:00",
            "2026-11-03 08:01:00",
            "paid",
            "app",
            "89.00",
            "0",
        ],
    ]
    newer_items = [ORDER_ITEMS[0], ["O-1004", "1", "00123", "1", "89.00", "89.00"]]
    v2 = write_store(
        tmp_path / "v2",
        {"orders.csv": csv_bytes(newer_orders), "order_items.csv": csv_bytes(newer_items)},
    )
    report = import_store(v2, STORE, settings=sk_home)
    assert report.bad_rows == 0
    with read_warehouse(sk_home, STORE) as con:
        assert con.execute("SELECT order_id, status FROM orders ORDER BY 1").fetchall() == [
            ("00042", "completed"),
            ("O-1002", "delivered"),  # replaced
            ("O-1003", "created"),  # not in the newer export: kept
            ("O-1004", "paid"),  # added
        ]
        assert con.execute("SELECT count(*), count(DISTINCT order_id) FROM orders").fetchone() == (
            4,
            4,
        )
        assert con.execute("SELECT order_id FROM order_items ORDER BY 1").fetchall() == [
            ("00042",),
            ("O-1002",),
            ("O-1003",),
            ("O-1004",),
        ]


def test_fixing_a_file_in_place_clears_its_quarantine(sk_home: Settings, tmp_path: Path) -> None:
    bad_row = ["O-1004", "C-003", "2026-11-02 10:00:00", "", "shipping", "app", "1", "0"]
    folder = write_store(tmp_path / "fix", {"orders.csv": csv_bytes(with_rows(ORDERS, bad_row))})
    import_store(folder, STORE, settings=sk_home)
    assert [(r["line"], r["column"]) for r in quarantine_json(STORE)] == [(5, "status")]
    bad_row[4] = "shipped"
    (folder / "orders.csv").write_bytes(csv_bytes(with_rows(ORDERS, bad_row)))
    import_store(folder, STORE, settings=sk_home)
    assert quarantine_json(STORE) == []
    assert counts(sk_home, STORE)["orders"] == 4


def test_one_table_file_can_be_imported_on_its_own(sk_home: Settings, tmp_path: Path) -> None:
    import_store(write_store(tmp_path / "v1"), STORE, settings=sk_home)
    extra = tmp_path / "later" / "orders.2026-12.csv"
    extra.parent.mkdir()
    extra.write_bytes(
        csv_bytes(
            [
                ORDERS[0],
                ["O-2001", "C-9", "2026-12-01 09:00", "", "bogus", "app", "1", "0"],
                ["O-2002", "C-9", "2026-12-01 09:00", "", "paid", "app", "1", "0"],
            ]
        )
    )
    report = import_store(extra, STORE, settings=sk_home)
    assert list(report.tables) == ["orders"]
    assert counts(sk_home, STORE)["orders"] == 4
    assert [(Path(r["file"]).name, r["line"], r["column"]) for r in quarantine_json(STORE)] == [
        ("orders.2026-12.csv", 2, "status")
    ]
