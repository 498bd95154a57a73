"""UCI Online Retail (a UK gift wholesaler, 2009-12 … 2011-12) → a contract store folder.

Both parquet files of ``shared/datasets/online_retail/`` are combined: Online Retail II
(2009-12-01 … 2010-12-09, raw, with cancellation invoices ``C…``) and Online Retail
(2010-12-01 … 2011-12-09, quantities > 0 only, missing customers set to 0). Their overlap
(2010-12-01 … 2010-12-09) is taken from the raw II file: an invoice of the second file that the
II file also has is skipped. The rules, with counts, are in the report's notes; the SQL is in
:mod:`.online_retail_sql`.

Tables are written as Parquet (``products``, ``orders``, ``order_items``, ``refunds``,
``customers``); timestamps are ``TIMESTAMPTZ`` instants of the Europe/London invoice times.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from shopkeeper.errors import DatasetNotFound
from shopkeeper.store.adapters import online_retail_sql as q
from shopkeeper.store.adapters.report import AdapterReport, prepare_out_dir, write_store_toml
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.schema import TABLES

II_FILE = "online_retail_II_2009_2010_raw.parquet"
I1_FILE = "online_retail_2010_2011_posqty.parquet"
OUT_TABLES = ("products", "orders", "order_items", "refunds", "customers")
DEFAULT_NAME = "UK Gifts (UCI Online Retail)"


def convert_online_retail(
    dataset_dir: Path, out_dir: Path, *, store_name: str = DEFAULT_NAME
) -> AdapterReport:
    """Convert the two UCI Online Retail parquet files in ``dataset_dir`` into ``out_dir``.

    ``dataset_dir`` is the ``online_retail`` folder itself or the datasets folder holding it.
    """
    ii, i1 = locate(dataset_dir)
    notes = prepare_out_dir(out_dir)
    con = duckdb.connect()
    try:
        for statement in q.build_statements(_sql_str(ii.as_posix()), _sql_str(i1.as_posix())):
            con.execute(statement)
        rows = {table: _export(con, table, out_dir) for table in OUT_TABLES}
        notes += format_notes(_counts(con))
    finally:
        con.close()
    config = StoreConfig(
        name=store_name, platform="other", currency="GBP", timezone=q.TZ, language="en"
    )
    write_store_toml(out_dir, config)
    return AdapterReport("online-retail", out_dir, rows, notes)


def locate(dataset_dir: Path) -> tuple[Path, Path]:
    """The II (2009-2010) and the 2010-2011 parquet files, or :class:`DatasetNotFound`."""
    folder = (
        dataset_dir / "online_retail" if (dataset_dir / "online_retail").is_dir() else dataset_dir
    )
    files = (folder / II_FILE, folder / I1_FILE)
    missing = [p for p in files if not p.is_file()]
    if missing:
        raise DatasetNotFound(
            f"UCI Online Retail not found: {', '.join(repr(str(p)) for p in missing)} missing; "
            "point to the folder holding both parquet files (shared/datasets/online_retail)"
        )
    return files


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _export(con: duckdb.DuckDBPyConnection, table: str, out_dir: Path) -> int:
    key = ", ".join(f'"{c}"' for c in TABLES[table].key)
    path = _sql_str((out_dir / f"{table}.parquet").as_posix())
    con.execute(f"COPY (SELECT * FROM out_{table} ORDER BY {key}) TO {path} (FORMAT parquet)")
    row = con.execute(f"SELECT count(*) FROM out_{table}").fetchone()
    return int(row[0]) if row else 0


_COUNT_QUERIES: dict[str, str] = {
    "files": """SELECT part, count(*), count(*) FILTER (WHERE overlap),
                count(DISTINCT invoice) FILTER (WHERE overlap) FROM raw_flagged GROUP BY part ORDER BY part""",
    "disp": """SELECT disp, count(*), coalesce(sum(qty * price), 0), count(DISTINCT invoice)
               FROM lines GROUP BY disp""",
    "fees": """SELECT code, count(*) FROM lines WHERE disp IN ('fee', 'cancel_other')
               GROUP BY code ORDER BY count(*) DESC, code""",
    "no_sale": "SELECT count(*) FROM invoices WHERE sale_lines = 0",
    "discounted": """SELECT count(*), coalesce(sum(discount), 0) FROM invoices
                     WHERE discount > 0 AND sale_lines > 0""",
    "orders": """SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'cancelled'),
                 count(*) FILTER (WHERE customer_id IS NULL AND status = 'completed'),
                 count(*) FILTER (WHERE customer_id IS NULL AND status = 'cancelled'),
                 count(*) FILTER (WHERE shipping_fee > 0), coalesce(sum(shipping_fee), 0) FROM out_orders""",
    "cancels": """SELECT count(*), count(*) FILTER (WHERE original IS NOT NULL),
                  count(*) FILTER (WHERE original IS NULL AND customer IS NULL),
                  count(DISTINCT invoice) FILTER (WHERE original IS NULL) FROM matched""",
    "products": f"""SELECT count(*), count(DISTINCT product_id), count(*) FILTER (WHERE status = 'off_shelf'),
                    count(*) FILTER (WHERE category = '{q.OTHER_CATEGORY}'), count(*) FILTER (WHERE title = sku_id)
                    FROM out_products""",
    "multi_country": """SELECT count(*) FROM (SELECT customer_id FROM out_orders
                        WHERE customer_id IS NOT NULL GROUP BY customer_id
                        HAVING count(DISTINCT receiver_country) > 1)""",
    "repeated": """SELECT count(*) - count(DISTINCT (invoice, code, qty, price, ts, descr)) FROM sales""",
}


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {name: con.execute(sql).fetchall() for name, sql in _COUNT_QUERIES.items()}


def format_notes(c: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Plain-English notes on each rule of the conversion, with its counts."""
    files = {part: rest for part, *rest in c["files"]}
    disp = {name: (n, amount, inv) for name, n, amount, inv in c["disp"]}
    none = (0, 0, 0)
    completed, _cancelled, guests, cancel_guests, shipped, shipping = c["orders"][0]
    n_cancel, matched, no_customer, cancel_orders = c["cancels"][0]
    n_products, n_listings, off_shelf, other, untitled = c["products"][0]
    n_disc, disc_amount = c["discounted"][0]
    fees = ", ".join(f"{code} {n}" for code, n in c["fees"])
    return [
        f"read {files[1][0]:,} lines of Online Retail II (2009-2010) and {files[2][0]:,} of Online Retail "
        f"(2010-2011); the overlap 2010-12-01..2010-12-09 comes from the II file: {files[2][2]:,} invoices "
        f"({files[2][1]:,} lines) of the 2010-2011 file were skipped as duplicates",
        "stock codes trimmed and upper-cased into sku_id (85123a = 85123A); product_id is the 5-digit base "
        f"of the code, so colour variants such as 85123A/85123B form one listing: {n_products:,} SKUs in "
        f"{n_listings:,} listings",
        f"{completed:,} invoices with at least one product line became completed orders (order_id = "
        "Invoice, created_at = paid_at = InvoiceDate in Europe/London, pay_amount = sum(quantity × price) "
        "+ postage − discount lines, Country in receiver_country and customers.province)",
        f"{guests + cancel_guests:,} orders had no Customer ID (null, or 0 in the 2010-2011 file): guest "
        f"checkouts with an empty customer_id ({guests:,} completed, {cancel_guests:,} cancelled); they are "
        "orders, not customers, and are not in customers",
        f"{disp.get('postage', none)[0]:,} postage lines (POST, DOT, C2, C3) became shipping_fee, "
        f"£{shipping:,.2f} on {shipped:,} orders; they are not products",
        _discount_note(disp.get("discount", none)[0], n_disc, disc_amount),
        f"{disp.get('fee', none)[0] + disp.get('cancel_other', none)[0]:,} non-product lines were excluded "
        f"(manual M, bank charges, Amazon fees, ADJUST*, bad debt B, CRUK, samples S, PADS, TEST*, and "
        f"non-product lines of cancellation invoices): {fees}",
        f"{disp.get('free', none)[0]:,} product lines with price 0 (free items, adjustments) and "
        f"{disp.get('stock_adjustment', none)[0]:,} non-cancellation lines with quantity ≤ 0 (stock "
        "write-offs such as 'damaged', no customer) were dropped",
        f"{c['no_sale'][0][0]:,} invoices had no product line left (postage, fees or dropped lines only) "
        "and are not orders",
        f"{n_cancel:,} product lines of cancellation invoices ('C…'): {matched:,} matched the same "
        "customer's latest earlier invoice with that stock code and became refunds (kind refund_only, "
        "status completed, amount = quantity × price, reason names the C invoice; the data does not say "
        f"whether goods came back); {n_cancel - matched:,} unmatched lines ({no_customer:,} without a "
        f"customer, the rest bought before the data starts) became {cancel_orders:,} cancelled orders "
        "(order_id = the C invoice, positive quantities, pay_amount 0)",
        f"title = the most frequent description of the stock code ({untitled:,} codes without one keep "
        f"the code); category from title keywords (bags, candles, mugs, Christmas…), {other:,} of "
        f"{n_products:,} SKUs matched none and are '{q.OTHER_CATEGORY}'",
        f"price = the modal unit price over each SKU's last {q.PRICE_WINDOW_DAYS} days of sales; "
        f"listed_at = first sale; {off_shelf:,} SKUs without a sale in the data's last "
        f"{q.ON_SALE_DAYS} days are off_shelf",
        f"{c['repeated'][0][0]:,} order lines repeat an identical line of the same invoice and were kept "
        f"(the source lists them separately); {c['multi_country'][0][0]:,} customers ordered from more "
        "than one country (customers.province = their most frequent one)",
    ]


def _discount_note(lines: int, orders: int, amount: float) -> str:
    head = f"{lines:,} discount lines (D) outside cancellation invoices"
    if orders:
        return f"{head}: pay_amount of the {orders:,} orders carrying one reduced by £{amount:,.2f}"
    return (
        f"{head}, each alone on an invoice without products, so no order carries one "
        "(a D line beside products would reduce that order's pay_amount)"
    )
