"""Adapters: Shopify CSV exports and UCI Online Retail become consistent contract stores."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from shopkeeper.errors import DatasetNotFound, MissingColumnError
from shopkeeper.settings import Settings
from shopkeeper.store.adapters import (
    AdapterReport,
    convert_online_retail,
    convert_shopify,
    detect_shopify,
)
from shopkeeper.store.adapters.online_retail import I1_FILE, II_FILE
from shopkeeper.store.adapters.shopify_csv import synth_sku
from shopkeeper.store.config import load_store_config
from shopkeeper.store.zone import use_zone

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "shopify"
ORDERS, PRODUCTS = FIXTURES / "orders_export.csv", FIXTURES / "products_export.csv"
EXPORT_DAY = date(2026, 11, 6)


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def shopify(tmp_path_factory: pytest.TempPathFactory) -> AdapterReport:
    out = tmp_path_factory.mktemp("shopify") / "maple"
    return convert_shopify(
        [ORDERS],
        [PRODUCTS],
        out,
        store_name="Maple & Moss",
        timezone="America/Los_Angeles",
        inventory_date=EXPORT_DAY,
    )


# --- detection ------------------------------------------------------------------------------


def test_detect_shopify_by_header(tmp_path: Path) -> None:
    assert detect_shopify(ORDERS) == "orders"
    assert detect_shopify(PRODUCTS) == "products"
    renamed = tmp_path / "whatever.csv"
    renamed.write_bytes(ORDERS.read_bytes())
    assert detect_shopify(renamed) == "orders"


def test_detect_shopify_rejects_other_files(tmp_path: Path) -> None:
    contract = tmp_path / "products.csv"
    contract.write_text("sku_id,product_id,title,category,price\nA,P,T,C,1\n", encoding="utf-8")
    binary = tmp_path / "orders.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    assert detect_shopify(contract) is None
    assert detect_shopify(binary) is None


# --- Shopify orders ---------------------------------------------------------------------------


def test_orders_one_per_name_with_status(shopify: AdapterReport) -> None:
    orders = {o["order_id"]: o for o in _read(shopify.out_dir, "orders")}
    assert list(orders) == [f"#{n}" for n in range(1001, 1010)]
    status = {k: o["status"] for k, o in orders.items()}
    assert status["#1005"] == "cancelled"  # voided, Cancelled at set
    assert status["#1003"] == "closed"  # fully refunded
    assert status["#1006"] == "created"  # payment pending
    assert status["#1007"] == "paid"  # partially fulfilled
    assert status["#1001"] == "shipped"
    assert orders["#1001"]["created_at"] == "2026-10-28T09:12:40-07:00"
    assert orders["#1003"]["shipped_at"] == "2026-11-01T09:00:00-08:00"
    assert orders["#1004"]["pay_amount"] == "98.74"
    assert orders["#1005"]["paid_at"] == ""
    assert orders["#1001"]["receiver_province"] == "Oregon"
    assert orders["#1001"]["receiver_country"] == "US"
    assert orders["#1009"]["channel"] == "pos"


def test_order_lines_and_quantities(shopify: AdapterReport) -> None:
    items = _read(shopify.out_dir, "order_items")
    by_order: dict[str, list[dict[str, str]]] = {}
    for item in items:
        by_order.setdefault(item["order_id"], []).append(item)
    assert [(i["line_no"], i["sku_id"], i["quantity"]) for i in by_order["#1001"]] == [
        ("1", "MM-LAV-08", "2"),
        ("2", "MM-MATCH", "1"),
    ]
    assert len(by_order["#1004"]) == 3
    assert by_order["#1004"][0]["paid_amount"] == "28.00"  # 38.00 less its 10.00 line discount
    assert sum(int(i["quantity"]) for i in items) == 17


def test_missing_sku_is_synthesized_consistently(shopify: AdapterReport) -> None:
    items = {
        (i["order_id"], i["line_no"]): i["sku_id"] for i in _read(shopify.out_dir, "order_items")
    }
    products = {p["sku_id"]: p for p in _read(shopify.out_dir, "products")}
    taper = items[("#1007", "1")]
    assert taper == synth_sku("Beeswax Taper Set - Natural")
    assert products[taper]["product_id"] == "beeswax-taper-set"  # the variant without Variant SKU
    wrap = products[items[("#1007", "2")]]
    assert (wrap["title"], wrap["category"], wrap["status"]) == (
        "Gift Wrapping",
        "Uncategorized",
        "off_shelf",
    )
    assert products["MM-PUMP-08"]["status"] == "off_shelf"  # sold, but gone from the catalogue
    assert any(n.startswith("order lines without a Lineitem sku: 2 —") for n in shopify.notes)


def test_variant_titles_become_sku_names(shopify: AdapterReport) -> None:
    products = {p["sku_id"]: p for p in _read(shopify.out_dir, "products")}
    assert products["MM-LAV-08"]["sku_name"] == "8 oz"
    assert products["MM-LAV-16"]["sku_name"] == "16 oz"
    assert products["MM-MATCH"]["sku_name"] == ""  # one variant: Default Title


def test_refunds_from_refunded_amount(shopify: AdapterReport) -> None:
    refunds = {r["order_id"]: r for r in _read(shopify.out_dir, "refunds")}
    assert set(refunds) == {"#1003", "#1004"}
    assert (refunds["#1003"]["amount"], refunds["#1003"]["sku_id"]) == ("28.98", "MM-PUMP-08")
    assert (refunds["#1004"]["amount"], refunds["#1004"]["sku_id"]) == ("12.00", "")
    assert {r["kind"] for r in refunds.values()} == {"refund_only"}
    assert {r["status"] for r in refunds.values()} == {"completed"}


def test_customers_are_pseudonymous(shopify: AdapterReport) -> None:
    orders = {o["order_id"]: o["customer_id"] for o in _read(shopify.out_dir, "orders")}
    assert orders["#1001"] == orders["#1008"]  # same email, different case
    assert orders["#1009"] == ""  # a guest checkout: an order, not a customer
    customers = _read(shopify.out_dir, "customers")
    assert len(customers) == 7
    assert all(c["customer_id"].startswith("cust-") for c in customers)
    for path in shopify.out_dir.iterdir():
        assert "@" not in path.read_text(encoding="utf-8"), path
    ava = next(c for c in customers if c["customer_id"] == orders["#1001"])
    assert (ava["first_seen_at"], ava["city"]) == ("2026-10-28T09:12:40-07:00", "Portland")


# --- Shopify products -------------------------------------------------------------------------


def test_products_variants_images_attributes(shopify: AdapterReport) -> None:
    products = {p["sku_id"]: p for p in _read(shopify.out_dir, "products")}
    images = {p["product_id"]: p["image_count"] for p in products.values() if p["image_count"]}
    assert images == {
        "lavender-soy-candle": "3",
        "cedar-smoke-candle": "2",
        "safety-matches": "1",
        "winter-wreath-candle": "0",
        "beeswax-taper-set": "2",
    }
    assert json.loads(products["MM-CED-08-W"]["attributes"]) == {"Size": "8 oz", "Wick": "Wood"}
    assert products["MM-MATCH"]["attributes"] == ""  # 'Default Title' is no attribute
    assert products["MM-LAV-16"]["cost"] == "11.20"
    assert products["MM-LAV-08"]["category"] == "Home & Garden/Decor/Home Fragrances/Candles"
    assert products["MM-MATCH"]["category"] == "Accessories"  # from Type
    assert products["MM-WREATH"]["status"] == "off_shelf"  # archived
    assert products["MM-LAV-08"]["status"] == "on_sale"
    assert len(products) == 9


def test_inventory_snapshot(shopify: AdapterReport) -> None:
    stock = {r["sku_id"]: r for r in _read(shopify.out_dir, "inventory")}
    assert stock["MM-LAV-08"]["on_hand"] == "42"
    assert stock["MM-CED-16-C"]["on_hand"] == "0"  # -2 in the export (oversold)
    assert {r["date"] for r in stock.values()} == {EXPORT_DAY.isoformat()}


def test_shopify_store_is_consistent(shopify: AdapterReport) -> None:
    out = shopify.out_dir
    skus = {p["sku_id"] for p in _read(out, "products")}
    orders = {o["order_id"] for o in _read(out, "orders")}
    assert {i["sku_id"] for i in _read(out, "order_items")} <= skus
    assert {i["order_id"] for i in _read(out, "order_items")} <= orders
    assert {r["order_id"] for r in _read(out, "refunds")} <= orders
    assert {r["sku_id"] for r in _read(out, "inventory")} <= skus
    config = load_store_config(out)
    assert (config.platform, config.currency, config.timezone) == (
        "shopify",
        "USD",
        "America/Los_Angeles",
    )
    assert shopify.rows == {
        "products": 9,
        "orders": 9,
        "order_items": 14,
        "customers": 7,
        "refunds": 2,
        "inventory": 7,
    }


def test_continuation_rows_split_files_and_stale_output(tmp_path: Path) -> None:
    header = "Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n"
    first = tmp_path / "a.csv"
    first.write_text(
        header + "#1,x@y.z,paid,2026-01-01 10:00:00 +0000,1,Mug,5.00,MUG\n,,,,2,Cup,3.00,CUP\n",
        encoding="utf-8",
    )
    second = tmp_path / "b.csv"
    second.write_text(
        header + "#1,x@y.z,refunded,2026-01-01 10:00:00 +0000,1,Mug,5.00,MUG\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "traffic.csv").write_text("stale", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    report = convert_shopify([first], [], out, store_name="t")
    assert [i["sku_id"] for i in _read(out, "order_items")] == ["MUG", "CUP"]
    assert not (out / "traffic.csv").exists()
    assert (out / "notes.txt").exists()
    assert "rows with an empty Name: 1 — taken as further lines of the order above" in report.notes
    report = convert_shopify([first, second], [], out, store_name="t")
    assert [o["status"] for o in _read(out, "orders")] == ["closed"]
    assert len(_read(out, "order_items")) == 1
    assert any(n.startswith("orders found in more than one orders file: 1") for n in report.notes)


def test_products_export_alone_makes_an_importable_store(tmp_path: Path) -> None:
    from shopkeeper.store.importer import import_store

    report = convert_shopify(
        [], [PRODUCTS], tmp_path / "out", store_name="t", inventory_date=EXPORT_DAY
    )
    assert report.rows == {"products": 7, "orders": 0, "order_items": 0, "inventory": 7}
    assert (tmp_path / "out" / "orders.csv").read_text(encoding="utf-8").startswith("order_id,")
    imported = import_store(
        tmp_path / "out", "t", settings=Settings(home=tmp_path / "home", import_threads=2)
    )
    assert imported.bad_rows == 0
    assert imported.tables["products"].imported == 7


def test_bad_timezone_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        convert_shopify([ORDERS], [], tmp_path / "out", store_name="t", timezone="Mars/Olympus")
    assert not (tmp_path / "out").exists()


def test_not_a_shopify_export_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "orders.csv"
    bad.write_text("order_id,customer_id\n1,2\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="Lineitem quantity"):
        convert_shopify([bad], [], tmp_path / "out", store_name="t")


# --- UCI Online Retail (real data) ------------------------------------------------------------


@pytest.fixture(scope="module")
def datasets() -> Path:
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
    if not (folder / "online_retail").is_dir():
        pytest.skip(
            f"UCI Online Retail is not at {folder / 'online_retail'} (shared datasets absent)"
        )
    return folder


@pytest.fixture(scope="module")
def retail(datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> AdapterReport:
    return convert_online_retail(datasets, tmp_path_factory.mktemp("retail") / "uk-gifts")


@pytest.fixture(scope="module")
def con(retail: AdapterReport, datasets: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Views on the converted tables (``t_<table>``) and on the two source files."""
    db = duckdb.connect()
    for table in retail.rows:
        db.execute(f"CREATE VIEW t_{table} AS SELECT * FROM '{retail.out_dir / table}.parquet'")
    folder = datasets / "online_retail"
    db.execute(f"CREATE VIEW ii AS SELECT * FROM '{folder / II_FILE}'")
    db.execute(f"CREATE VIEW i1 AS SELECT * FROM '{folder / I1_FILE}'")
    yield db
    db.close()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


# Independent of the adapter's SQL: a line of a non-"C" invoice with a merchandise code, a
# positive quantity and price; the 2010-2011 file only for invoices the II file lacks.
_PRODUCT_LINES = """
    WITH src AS (
        SELECT Invoice AS inv, upper(trim(StockCode)) AS code, Quantity AS q, Price AS p FROM ii
        UNION ALL
        SELECT CAST(InvoiceNo AS VARCHAR), upper(trim(StockCode)), Quantity, UnitPrice FROM i1
        WHERE CAST(InvoiceNo AS VARCHAR) NOT IN (SELECT Invoice FROM ii))
    SELECT * FROM src WHERE inv NOT LIKE 'C%' AND q > 0 AND p > 0
      AND code NOT IN ('POST', 'DOT', 'C2', 'C3', 'D', 'M', 'BANK CHARGES', 'AMAZONFEE', 'B', 'CRUK',
                       'S', 'PADS', 'GIFT')
      AND code NOT LIKE 'ADJUST%' AND code NOT LIKE 'TEST%'"""


@pytest.mark.dataset
def test_retail_orders_and_lines_match_an_independent_count(con: duckdb.DuckDBPyConnection) -> None:
    invoices = _one(con, f"SELECT count(DISTINCT inv) FROM ({_PRODUCT_LINES})")
    lines = _one(con, f"SELECT count(*) FROM ({_PRODUCT_LINES})")
    assert _one(con, "SELECT count(*) FROM t_orders WHERE status = 'completed'") == invoices
    assert _one(con, "SELECT count(*) FROM t_order_items WHERE order_id NOT LIKE 'C%'") == lines
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_orders WHERE status = 'cancelled' AND order_id NOT LIKE 'C%'",
        )
        == 0
    )
    assert _one(con, "SELECT count(*) - count(DISTINCT order_id) FROM t_orders") == 0


@pytest.mark.dataset
def test_retail_overlap_is_not_duplicated(con: duckdb.DuckDBPyConnection) -> None:
    window = "created_at < TIMESTAMPTZ '2010-12-10 00:00:00+00' AND created_at >= TIMESTAMPTZ '2010-12-01 00:00:00+00'"
    overlap = _one(
        con,
        f"""SELECT count(DISTINCT inv) FROM ({_PRODUCT_LINES}) WHERE inv IN
            (SELECT Invoice FROM ii WHERE InvoiceDate >= '2010-12-01')""",
    )
    assert (
        _one(con, f"SELECT count(*) FROM t_orders WHERE status = 'completed' AND {window}")
        == overlap
    )
    assert _one(con, "SELECT count(*) FROM t_orders WHERE order_id = '536365'") == 1
    ii_lines = _one(
        con, "SELECT count(*) FROM ii WHERE Invoice = '536365' AND Quantity > 0 AND Price > 0"
    )
    assert _one(con, "SELECT count(*) FROM t_order_items WHERE order_id = '536365'") == ii_lines


@pytest.mark.dataset
def test_retail_products(con: duckdb.DuckDBPyConnection) -> None:
    codes = "('POST', 'DOT', 'C2', 'M', 'D', 'BANK CHARGES', 'AMAZONFEE', 'ADJUST', 'B', 'CRUK')"
    assert _one(con, f"SELECT count(*) FROM t_products WHERE sku_id IN {codes}") == 0
    assert (
        _one(
            con,
            "SELECT count(DISTINCT product_id) FROM t_products WHERE sku_id IN ('85123A', '85123B')",
        )
        == 1
    )
    assert _one(con, "SELECT count(*) FROM t_products WHERE sku_id <> upper(trim(sku_id))") == 0
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_products WHERE price <= 0 OR title IS NULL OR category IS NULL",
        )
        == 0
    )
    title = con.execute("SELECT title FROM t_products WHERE sku_id = '85123A'").fetchone()
    assert title == ("WHITE HANGING HEART T-LIGHT HOLDER",)


@pytest.mark.dataset
def test_retail_customers_and_guests(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM t_orders WHERE customer_id IS NULL") > 1000
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_orders WHERE customer_id LIKE '%.0' OR customer_id = '0' "
            "OR customer_id LIKE 'guest%' OR customer_id = ''",
        )
        == 0
    )
    assert _one(con, "SELECT count(*) FROM t_customers WHERE customer_id IS NULL") == 0
    real = _one(con, "SELECT count(DISTINCT customer_id) FROM t_orders")
    assert _one(con, "SELECT count(*) FROM t_customers") == real
    assert con.execute(
        "SELECT province FROM t_customers WHERE customer_id = '12347'"
    ).fetchone() == ("Iceland",)
    assert con.execute(
        "SELECT DISTINCT receiver_country FROM t_orders WHERE customer_id = '12347'"
    ).fetchall() == [("Iceland",)]


@pytest.mark.dataset
def test_retail_counts_about_4260_customers_in_the_last_year(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Guests apart, the 365 days ending 2011-12-09 have about 4,260 customers (not 5,576)."""
    window = "created_at >= TIMESTAMPTZ '2010-12-10 00:00:00+00' AND created_at < TIMESTAMPTZ '2011-12-10 00:00:00+00'"
    customers = _one(
        con,
        f"SELECT count(DISTINCT customer_id) FROM t_orders WHERE status = 'completed' AND {window}",
    )
    independent = _one(
        con,
        """SELECT count(DISTINCT CustomerID) FROM i1 WHERE CustomerID IS NOT NULL AND CustomerID <> 0
           AND InvoiceDate >= '2010-12-10' AND InvoiceDate < '2011-12-10'
           AND CAST(InvoiceNo AS VARCHAR) NOT LIKE 'C%' AND Quantity > 0 AND UnitPrice > 0
           AND StockCode NOT IN ('POST', 'DOT', 'C2', 'C3', 'D', 'M', 'BANK CHARGES', 'AMAZONFEE',
                                 'B', 'CRUK', 'S', 'PADS', 'GIFT')""",
    )
    assert customers == independent
    assert 4200 <= customers <= 4300
    guests = _one(
        con,
        f"SELECT count(*) FROM t_orders WHERE status = 'completed' AND customer_id IS NULL AND {window}",
    )
    assert guests > 1000


@pytest.mark.dataset
def test_retail_refunds_point_back_to_earlier_purchases(con: duckdb.DuckDBPyConnection) -> None:
    assert _one(con, "SELECT count(*) FROM t_refunds") > 5000
    bad = """SELECT count(*) FROM t_refunds r JOIN t_orders o USING (order_id)
             WHERE o.created_at > r.created_at OR NOT EXISTS (SELECT 1 FROM t_order_items i
                   WHERE i.order_id = r.order_id AND i.sku_id = r.sku_id)"""
    assert _one(con, bad) == 0
    assert (
        _one(con, "SELECT count(*) FROM t_refunds WHERE amount <= 0 OR kind <> 'refund_only'") == 0
    )


@pytest.mark.dataset
def test_retail_store_is_consistent(con: duckdb.DuckDBPyConnection, retail: AdapterReport) -> None:
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_order_items WHERE sku_id NOT IN (SELECT sku_id FROM t_products)",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_order_items WHERE order_id NOT IN (SELECT order_id FROM t_orders)",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_refunds WHERE order_id NOT IN (SELECT order_id FROM t_orders)",
        )
        == 0
    )
    assert (
        _one(
            con,
            "SELECT count(*) FROM t_refunds WHERE sku_id NOT IN (SELECT sku_id FROM t_products)",
        )
        == 0
    )
    assert _one(con, "SELECT count(*) FROM t_order_items WHERE quantity <= 0") == 0
    for table, count in retail.rows.items():
        assert _one(con, f"SELECT count(*) FROM t_{table}") == count
    config = load_store_config(retail.out_dir)
    assert (config.platform, config.currency, config.timezone, config.language) == (
        "other",
        "GBP",
        "Europe/London",
        "en",
    )


@pytest.mark.dataset
def test_retail_times_are_london_local(con: duckdb.DuckDBPyConnection) -> None:
    use_zone(con, "UTC")
    mismatched = """SELECT count(*) FROM t_orders o JOIN (SELECT Invoice, min(InvoiceDate) AS local FROM ii
                    GROUP BY Invoice) s ON s.Invoice = o.order_id
                    WHERE o.created_at <> timezone('Europe/London', CAST(s.local AS TIMESTAMP))"""
    assert _one(con, mismatched) == 0
    winter = con.execute(
        "SELECT strftime(created_at, '%H:%M') FROM t_orders WHERE order_id = '489434'"
    ).fetchone()
    summer = con.execute(
        "SELECT strftime(created_at, '%H:%M') FROM t_orders WHERE order_id = '514217'"
    ).fetchone()
    assert (winter, summer) == (("07:45",), ("07:39",))  # GMT in December; BST (UTC+1) in July


def test_missing_dataset_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFound, match=II_FILE):
        convert_online_retail(tmp_path, tmp_path / "out")


# --- end to end: the importer takes the converted stores without quarantining anything --------


def test_shopify_store_imports_cleanly(shopify: AdapterReport, tmp_path: Path) -> None:
    from shopkeeper.store.importer import import_store

    report = import_store(
        shopify.out_dir, "maple", settings=Settings(home=tmp_path, import_threads=2)
    )
    assert report.bad_rows == 0
    assert {t: r.imported for t, r in report.tables.items()} == shopify.rows


@pytest.mark.dataset
def test_retail_store_imports_cleanly(retail: AdapterReport, tmp_path: Path) -> None:
    from shopkeeper.store.importer import import_store

    report = import_store(retail.out_dir, "uk-gifts", settings=Settings(home=tmp_path))
    assert report.bad_rows == 0
    assert {t: r.imported for t, r in report.tables.items()} == retail.rows
