"""The bad-input corpus: broken stores, built on demand in a temporary folder.

Nothing here is a data file in the repository: every case is a function that returns the bytes
of the files it changes, on top of one small valid store (the ``BASE`` tables). Each case says
where the import must report each bad row (file, line as an editor shows it with the header on
line 1, column, a piece of the reason) and what the warehouse must hold afterwards, so the tests
check both halves of the contract: nothing bad is imported silently, nothing good is lost.

- :data:`FORMAT_CASES`: the data in another encoding, delimiter, line ending or file type, each
  with a bad row, so the line number is checked through every reader;
- :data:`ROW_CASES`: rows that break the contract (bad values, duplicates, orphans, truncation);
- :data:`FATAL_CASES`: files that cannot be imported at all; the import fails with a message
  naming the file and changes nothing;
- :data:`HOSTILE_CASES`: files that broke the importer in trials (mixed line endings, a line
  over DuckDB's buffer, a header with no line break, random bytes, archives named ``.csv``, an
  inflating workbook...) and their neighbours; each must end with the good rows imported and the
  bad ones located, or with one clear sentence.

``docs/bad-input.md`` has one row per case id (a test checks that).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
import random
import textwrap
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from shopkeeper.errors import (
    ConfigError,
    DataContractError,
    MissingColumnError,
    MissingFileError,
    UnreadableFileError,
)
from shopkeeper.settings import Settings
from shopkeeper.store.encoding import SAMPLE_BYTES
from shopkeeper.store.schema import TABLES
from shopkeeper.store.sources import MAX_LINE_BYTES
from shopkeeper.store.zone import use_zone

Rows = list[list[str]]
Files = dict[str, bytes | None]
"""File name -> content; ``None`` removes a file of the base store."""


def rows(text: str) -> Rows:
    """CSV text, as an editor shows it (indentation removed), as rows of cells."""
    return list(csv.reader(io.StringIO(textwrap.dedent(text).strip("\n"))))


STORE_TOML = """name = "燕麦与豆 Oat & Bean"
platform = "tmall"
currency = "CNY"
timezone = "Asia/Shanghai"
language = "zh"

[targets]
roi = 3.0
"""

# -- the valid base store: ids with leading zeros on purpose (00123, 00777, 00042) ------------

PRODUCTS = rows("""
    sku_id,product_id,title,category,price,cost,status,listed_at
    00123,00777,云南小粒咖啡豆 500g,咖啡/咖啡豆,89.00,35.50,on_sale,2026-01-05
    SKU-B,P-002,燕麦奶 1L,饮品/植物奶,19.90,8.00,on_sale,2026-02-01
    SKU-C,P-002,燕麦奶 6 瓶装,饮品/植物奶,99.00,42.00,off_shelf,2026-02-01
""")
ORDERS = rows("""
    order_id,customer_id,created_at,paid_at,status,channel,pay_amount,shipping_fee
    00042,C-001,2026-11-01 10:00:00,2026-11-01 10:05:00,completed,app,178.00,0
    O-1002,C-002,2026-11-01 12:30:00,2026-11-01 12:31:00,shipped,pc,19.90,0
    O-1003,C-001,2026-11-02 09:15:00,,created,app,99.00,0
""")
ORDER_ITEMS = rows("""
    order_id,line_no,sku_id,quantity,unit_price,paid_amount
    00042,1,00123,2,89.00,178.00
    O-1002,1,SKU-B,1,19.90,19.90
    O-1003,1,SKU-C,1,99.00,99.00
""")
TRAFFIC = rows("""
    date,product_id,source,visitors,buyers,gmv
    2026-11-01,00777,search,120,1,178.00
    2026-11-01,P-002,search,80,1,19.90
    2026-11-02,P-002,recommend,50,0,0
""")
REFUNDS = rows("""
    refund_id,order_id,sku_id,created_at,kind,amount,status
    R-0001,00042,00123,2026-11-03 10:00:00,return_refund,89.00,requested
""")
BASE: dict[str, Rows] = {
    "products": PRODUCTS,
    "orders": ORDERS,
    "order_items": ORDER_ITEMS,
    "traffic": TRAFFIC,
    "refunds": REFUNDS,
}
REQUIRED = ("products", "orders", "order_items")
BASE_COUNTS = {"products": 3, "orders": 3, "order_items": 3}

# A 生意参谋 traffic export (Chinese headers and values) and a 千牛 order export (platform status
# values); the last row of each is bad.
TRAFFIC_ZH = rows("""
    统计日期,商品ID,流量来源,访客数,支付买家数,支付金额(元)
    2026-11-01,00777,手淘搜索,120,1,178.00
    2026-11-01,P-002,猜你喜欢,80,1,19.90
    2026-11-02,P-002,直通车,五十,0,0
""")
ORDERS_ZH = rows("""
    订单编号,买家会员名,订单创建时间,订单付款时间,订单状态,订单来源,买家实际支付金额,收货地址
    00042,张三,2026-11-01 10:00:00,2026-11-01 10:05:00,交易成功,手机淘宝,178.00,云南省昆明市五华区
    O-1002,李四,2026-11-01 12:30:00,2026-11-01 12:31:00,"卖家已发货，等待买家确认",pc,19.90,上海市
    O-1003,王五,2026-11-02 09:15:00,,等待买家付款,app,99.00,北京市
    O-1004,赵六,2026-11-02 11:00:00,,退款中,app,5.00,广州市
""")

# -- writers ----------------------------------------------------------------------------------


def csv_bytes(
    table: Iterable[list[str]],
    *,
    delimiter: str = ",",
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    """Rows as CSV bytes (``encoding`` may be ``utf-8-sig``, ``gbk``, ``utf-16``...)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(table)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(table: Iterable[list[Any]], *, text_format: Iterable[str] = ()) -> bytes:
    """A workbook with ``table`` on its first sheet; cells named in ``text_format`` get format ``@``.

    A string starting with ``=`` becomes a formula, and openpyxl saves no value with it.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in table:
        sheet.append(row)
    for ref in text_format:
        sheet[ref].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    """A Parquet file holding ``table``."""
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def with_rows(table: Rows, *extra: list[str] | str) -> Rows:
    """``table`` with ``extra`` rows appended (a row may be given as one CSV line)."""
    return [*table, *(rows(r)[0] if isinstance(r, str) else r for r in extra)]


def write_store(
    folder: Path,
    files: Mapping[str, bytes | str | None] | None = None,
    *,
    traffic: bool = False,
    refunds: bool = False,
    toml: str | None = STORE_TOML,
) -> Path:
    """Write the base store into ``folder``; ``files`` replace, add or (``None``) remove files."""
    folder.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (folder / "store.toml").write_text(toml, encoding="utf-8")
    tables = [*REQUIRED, *(["traffic"] if traffic else []), *(["refunds"] if refunds else [])]
    content = {**{f"{t}.csv": csv_bytes(BASE[t]) for t in tables}, **(files or {})}
    for name, data in content.items():
        path = folder / name
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return folder


# -- cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    """A row the import must quarantine, and where it must say it is."""

    table: str
    file: str
    line: int
    column: str
    reason: str  # a substring of the reason

    def key(self) -> tuple[str, str, int, str]:
        """What must match exactly."""
        return (self.table, self.file, self.line, self.column)


def bad(where: str, reason: str) -> Bad:
    """A :class:`Bad` located as ``"file:line:column"`` (the table is the file name's stem)."""
    file, line, column = where.rsplit(":", 2)
    return Bad(file.split(".", 1)[0], file, int(line), column, reason)


Check = tuple[str, list[tuple[Any, ...]]]
"""A query on the warehouse and the rows it must return."""


@dataclass(frozen=True)
class RowCase:
    """Files that import, with some rows quarantined."""

    id: str
    doc: str
    files: Callable[[], Files]
    bad: tuple[Bad, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)  # rows after the import (base: 3 each)
    checks: tuple[Check, ...] = ()
    notes: tuple[str, ...] = ()  # substrings of the import report's notes
    toml: str = STORE_TOML

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class FatalCase:
    """Files the import must refuse as a whole, naming the file."""

    id: str
    doc: str
    files: Callable[[], Files]
    error: type[Exception]
    message: tuple[str, ...]  # substrings of the error message
    on_existing_store: bool = True  # also refused on top of an already imported store
    toml: str = STORE_TOML  # "" for no store.toml
    env: Mapping[str, str] = field(default_factory=dict)  # SHOPKEEPER_* settings for the import

    def __str__(self) -> str:
        return self.id


def _file(name: str, table: Rows, **csv_options: str) -> Callable[[], Files]:
    return lambda: {name: csv_bytes(table, **csv_options)}


def _text(name: str, text: str) -> Callable[[], Files]:
    """A file with exactly this text (for breakage a CSV writer cannot produce)."""
    return lambda: {name: text.encode("utf-8")}


def _append(table: str, *lines: str) -> Callable[[], Files]:
    """The base table with these CSV lines appended."""
    return _file(f"{table}.csv", with_rows(BASE[table], *lines))


_ORDERS_CSV = csv_bytes(ORDERS).decode()
_BOGUS = "O-1005,C-003,2026-11-02 10:00:00,,bogus,app,1,0\n"
_VISITORS_BAD = bad("traffic.csv:4:visitors", 'not a whole number: "五十"')
_TRAFFIC_ZH_CHECK: Check = (
    "SELECT source, visitors FROM traffic ORDER BY visitors DESC",
    [("手淘搜索", 120), ("猜你喜欢", 80)],
)
_ORDERS_ZH_BAD = bad(
    "orders.csv:5:status", "unknown value for status (expected one of: created, paid"
)
_ORDERS_ZH_CHECK: Check = (
    "SELECT order_id, customer_id, status, channel, receiver_address FROM orders ORDER BY 1",
    [
        ("00042", "张三", "completed", "手机淘宝", "云南省昆明市五华区"),
        ("O-1002", "李四", "shipped", "pc", "上海市"),
        ("O-1003", "王五", "created", "app", "北京市"),
    ],
)
_ITEMS = "SELECT order_id, sku_id, quantity FROM order_items ORDER BY order_id, line_no"


def _ascii_traffic_rows() -> Rows:
    """Plain ASCII traffic rows, a little over :data:`SAMPLE_BYTES` of them."""
    table: Rows = []
    size = 0
    while size <= SAMPLE_BYTES + 4096:
        i = len(table) + 1
        table.append([f"2026-10-{i % 28 + 1:02d}", "00777", f"kw{i:06d}", str(i % 100)])
        size += len(",".join(table[-1])) + 1
    return table


LATE_GBK_ROWS = len(_ascii_traffic_rows())
"""ASCII data rows before the Chinese text starts in the late-GBK cases."""


def _late_gbk() -> Files:
    """A GBK file whose first MiB is pure ASCII: the Chinese text starts after the sample."""
    head = ["date", "product_id", "source", "visitors"]
    tail = rows("2026-11-01,P-002,猜你喜欢,80\n2026-11-02,P-002,直通车,五十")
    data = csv_bytes([head, *_ascii_traffic_rows(), *tail], encoding="gbk")
    assert data[: SAMPLE_BYTES + 1].isascii()
    return {"traffic.csv": data}


def _cut_utf8() -> Files:
    """UTF-8 with one multi-byte character cut in half (an export that truncated a cell by bytes)."""
    table = [["date", "product_id", "source", "visitors"]]
    table += [["2026-11-01", "P-002", f"猜你喜欢{i:02d}号位", str(i)] for i in range(1, 31)]
    cut = "猜你喜欢07号位".encode()
    return {"traffic.csv": csv_bytes(table).replace(cut, cut[:-2], 1)}


def _gb18030() -> Files:
    traffic = with_rows(TRAFFIC_ZH[:2], "2026-11-01,P-002,𠮷直播间,80,1,19.90", TRAFFIC_ZH[3])
    return {
        "traffic.csv": csv_bytes(traffic, encoding="gb18030"),
        "orders.csv": csv_bytes(ORDERS_ZH, encoding="gb18030"),
    }


def _split_orders() -> Files:
    return {
        "orders.csv": None,
        "orders.2026-10.csv": csv_bytes(ORDERS[:3]),
        "orders.2026-11.csv": csv_bytes(
            with_rows(
                ORDERS[:1],
                "O-1002,C-002,2026-11-01 12:30:00,2026-11-01 12:31:00,delivered,pc,19.90,0",
                ORDERS[3],
                "O-1004,C-003,2026-11-03 10:00:00,,bogus,app,1,0",
            )
        ),
    }


def _orders_xlsx() -> Files:
    table = [
        ["order_id", "customer_id", "created_at", "status", "pay_amount", "channel"],
        ["00042", "C-001", dt.datetime(2026, 11, 1, 10, 0), "completed", 178, "app"],
        ["O-1002", "C-002", dt.datetime(2026, 11, 1, 12, 30), "shipped", 19.9, "pc"],
        ["O-1003", "C-001", dt.datetime(2026, 11, 2, 9, 15), "created", "=E2+E3", "app"],
        [None] * 6,
        ["O-1004", "C-003", "2026-11-02 10:00", "shipping", 5, "app"],
    ]
    return {"orders.csv": None, "orders.xlsx": xlsx_bytes(table, text_format=["A2"])}


def _products_xlsx() -> Files:
    table = [
        ["SKU ID", "商品ID", "商品标题", "类目", "一口价", "上架时间", "主图数量"],
        ["00123", "00777", "云南小粒咖啡豆 500g", "咖啡/咖啡豆", 89, dt.date(2026, 1, 5), 5],
        ["SKU-B", "P-002", "燕麦奶 1L", "饮品/植物奶", 19.9, dt.datetime(2026, 2, 1), 3],
        ["SKU-C", "P-002", "燕麦奶 6 瓶装", "饮品/植物奶", "99.00", "2026-02-01", "三"],
    ]
    return {"products.csv": None, "products.xlsx": xlsx_bytes(table, text_format=["A2", "B2"])}


def _parquet_tables() -> Files:
    products = {
        "sku_id": ["00123", "SKU-B", "SKU-C", "SKU-D"],
        "product_id": ["00777", "P-002", "P-002", "P-004"],
        "title": ["云南小粒咖啡豆 500g", "燕麦奶 1L", "燕麦奶 6 瓶装", "挂耳咖啡"],
        "category": ["咖啡/咖啡豆", "饮品/植物奶", "饮品/植物奶", "咖啡/挂耳"],
        "price": pa.array([89.0, 19.9, 99.0, 39.0], pa.float64()),
        "cost": pa.array(
            [Decimal("35.50"), None, Decimal("42.00"), Decimal("9.90")], pa.decimal128(10, 2)
        ),
        "listed_at": pa.array(
            [dt.date(2026, 1, 5), dt.date(2026, 2, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
        ),
        "image_count": pa.array([5, None, 4, -1], pa.int64()),
    }
    items = {
        "order_id": ["00042", "O-1002", "O-1003", "O-1003"],
        "line_no": pa.array([1, 1, 1, 2], pa.int64()),
        "sku_id": ["00123", "SKU-B", "SKU-C", "SKU-B"],
        "quantity": pa.array([2, 1, 1, 0], pa.int32()),
        "unit_price": pa.array([89.0, 19.9, 99.0, 19.9], pa.float64()),
    }
    return {
        "products.csv": None,
        "order_items.csv": None,
        "products.parquet": parquet_bytes(pa.table(products)),
        "order_items.parquet": parquet_bytes(pa.table(items)),
    }


def _parquet_int_ids() -> Files:
    utc = [
        dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC),
    ]
    orders = {
        "order_id": pa.array([1005, 1006], pa.int64()),
        "customer_id": pa.array([1, 2], pa.int32()),
        "created_at": pa.array(utc, pa.timestamp("us", tz="UTC")),
        "status": ["paid", "mailed"],
    }
    return {"orders.2026-12.parquet": parquet_bytes(pa.table(orders))}


FORMAT_CASES: tuple[RowCase, ...] = (
    RowCase(
        "utf8-zh-headers",
        "生意参谋 traffic export in UTF-8: Chinese headers (访客数, 支付买家数...) and values",
        _file("traffic.csv", TRAFFIC_ZH),
        bad=(_VISITORS_BAD,),
        counts={"traffic": 2},
        checks=(_TRAFFIC_ZH_CHECK,),
    ),
    RowCase(
        "utf8-bom",
        "the same file saved by Excel as 'CSV UTF-8' (with a byte-order mark)",
        _file("traffic.csv", TRAFFIC_ZH, encoding="utf-8-sig"),
        bad=(_VISITORS_BAD,),
        counts={"traffic": 2},
        checks=(_TRAFFIC_ZH_CHECK,),
    ),
    RowCase(
        "gbk",
        "traffic.csv and a 千牛 orders.csv (订单编号, 订单状态 = 交易成功...) in GBK",
        lambda: {
            **_file("traffic.csv", TRAFFIC_ZH, encoding="gbk")(),
            **_file("orders.csv", ORDERS_ZH, encoding="gbk")(),
        },
        bad=(_ORDERS_ZH_BAD, _VISITORS_BAD),
        counts={"traffic": 2},
        checks=(_TRAFFIC_ZH_CHECK, _ORDERS_ZH_CHECK),
        notes=("traffic.csv: read as gb18030", "orders.csv: read as gb18030"),
    ),
    RowCase(
        "gb18030",
        "GB18030 with a character outside GBK (𠮷, four bytes in GB18030)",
        _gb18030,
        bad=(_ORDERS_ZH_BAD, _VISITORS_BAD),
        counts={"traffic": 2},
        checks=(
            (
                "SELECT source, visitors FROM traffic ORDER BY visitors DESC",
                [("手淘搜索", 120), ("𠮷直播间", 80)],
            ),
            _ORDERS_ZH_CHECK,
        ),
        notes=("read as gb18030",),
    ),
    RowCase(
        "utf16-tab",
        "Excel 'Unicode text': UTF-16 with a byte-order mark, tab separated, CRLF",
        _file("traffic.csv", TRAFFIC_ZH, delimiter="\t", newline="\r\n", encoding="utf-16"),
        bad=(_VISITORS_BAD,),
        counts={"traffic": 2},
        checks=(_TRAFFIC_ZH_CHECK,),
        notes=("traffic.csv: read as utf-16",),
    ),
    RowCase(
        "gbk-after-first-mib",
        "GBK file whose first MiB is pure ASCII; the Chinese text (and a bad row) come later",
        _late_gbk,
        bad=(bad(f"traffic.csv:{LATE_GBK_ROWS + 3}:visitors", 'not a whole number: "五十"'),),
        counts={"traffic": LATE_GBK_ROWS + 1},
        checks=(
            ("SELECT source, visitors FROM traffic WHERE product_id = 'P-002'", [("猜你喜欢", 80)]),
        ),
        notes=("traffic.csv: read as gb18030",),
    ),
    RowCase(
        "utf8-cut-character",
        "UTF-8 file with one multi-byte character cut in half: only that line is bad",
        _cut_utf8,
        bad=(bad("traffic.csv:8:source", "not valid text"),),
        counts={"traffic": 29},
        checks=(
            ("SELECT count(*) FROM traffic WHERE source LIKE '猜你喜欢__号位'", [(29,)]),
            ("SELECT source FROM traffic WHERE visitors = 8", [("猜你喜欢08号位",)]),
        ),
    ),
    RowCase(
        "crlf",
        "Windows line endings (CRLF)",
        _file(
            "orders.csv",
            with_rows(ORDERS, "O-1004,C-003,2026-11-02 10:00:00,,bogus,杭州,1,0"),
            newline="\r\n",
        ),
        bad=(bad("orders.csv:5:status", '"bogus"'),),
        checks=(
            (
                "SELECT channel, shipping_fee FROM orders WHERE order_id = '00042'",
                [("app", Decimal("0"))],
            ),
        ),
    ),
    RowCase(
        "semicolon",
        "semicolon-separated CSV (European Excel)",
        _file("orders.csv", with_rows(ORDERS, _BOGUS), delimiter=";"),
        bad=(bad("orders.csv:5:status", '"bogus"'),),
        checks=(
            (
                "SELECT order_id, pay_amount FROM orders ORDER BY 1",
                [("00042", 178), ("O-1002", Decimal("19.9")), ("O-1003", 99)],
            ),
        ),
    ),
    RowCase(
        "tab",
        "tab-separated text saved as .csv",
        _file("orders.csv", with_rows(ORDERS, _BOGUS), delimiter="\t"),
        bad=(bad("orders.csv:5:status", '"bogus"'),),
        checks=(
            (
                "SELECT order_id, customer_id FROM orders ORDER BY 1",
                [("00042", "C-001"), ("O-1002", "C-002"), ("O-1003", "C-001")],
            ),
        ),
    ),
    RowCase(
        "split-files",
        "orders split by month (orders.2026-10.csv + orders.2026-11.csv); a bad row and a conflicting duplicate in different files",
        _split_orders,
        bad=(
            bad("orders.2026-10.csv:3:order_id", "duplicate key (order_id=O-1002)"),
            bad("orders.2026-11.csv:4:status", '"bogus"'),
        ),
        checks=(
            (
                "SELECT order_id, status FROM orders ORDER BY 1",
                [("00042", "completed"), ("O-1002", "delivered"), ("O-1003", "created")],
            ),
        ),
    ),
    RowCase(
        "xlsx",
        "orders.xlsx: date and number cells, an id typed as text, a formula Excel never calculated, an empty row, a bad status",
        _orders_xlsx,
        bad=(
            bad(
                "orders.xlsx:4:pay_amount", "cell E4 holds the formula '=E2+E3' with no saved value"
            ),
            bad("orders.xlsx:6:status", '"shipping"'),
            bad("order_items.csv:4:order_id", 'no orders row with order_id = "O-1003"'),
        ),
        counts={"orders": 2, "order_items": 2},
        checks=(
            (
                "SELECT order_id, (created_at AT TIME ZONE 'UTC')::VARCHAR, pay_amount FROM orders ORDER BY 1",
                [
                    ("00042", "2026-11-01 02:00:00", 178),
                    ("O-1002", "2026-11-01 04:30:00", Decimal("19.9")),
                ],
            ),
        ),
    ),
    RowCase(
        "xlsx-products",
        "products.xlsx: leading-zero SKU typed as text, Chinese headers, prices as numbers, dates as date cells",
        _products_xlsx,
        bad=(
            bad("products.xlsx:4:image_count", 'not a whole number: "三"'),
            bad("order_items.csv:4:sku_id", 'no products row with sku_id = "SKU-C"'),
        ),
        counts={"products": 2, "order_items": 2},
        checks=(
            (
                "SELECT sku_id, product_id, price, listed_at, image_count FROM products ORDER BY 1",
                [
                    ("00123", "00777", 89, dt.date(2026, 1, 5), 5),
                    ("SKU-B", "P-002", Decimal("19.9"), dt.date(2026, 2, 1), 3),
                ],
            ),
        ),
    ),
    RowCase(
        "parquet",
        "products.parquet and order_items.parquet with typed columns (float, decimal, date, int32, string ids with leading zeros)",
        _parquet_tables,
        bad=(
            bad("order_items.parquet:5:quantity", "must be greater than 0, got 0"),
            bad("products.parquet:5:image_count", "must be at least 0, got -1"),
        ),
        checks=(
            (
                "SELECT sku_id, product_id, price, cost, listed_at, image_count FROM products ORDER BY 1",
                [
                    ("00123", "00777", 89, Decimal("35.5"), dt.date(2026, 1, 5), 5),
                    ("SKU-B", "P-002", Decimal("19.9"), None, dt.date(2026, 2, 1), None),
                    ("SKU-C", "P-002", 99, 42, dt.date(2026, 2, 1), 4),
                ],
            ),
            (_ITEMS, [("00042", "00123", 2), ("O-1002", "SKU-B", 1), ("O-1003", "SKU-C", 1)]),
        ),
    ),
    RowCase(
        "parquet-int-ids",
        "orders in Parquet with integer-typed ids and a timezone-aware timestamp column",
        _parquet_int_ids,
        bad=(bad("orders.2026-12.parquet:3:status", '"mailed"'),),
        counts={"orders": 4},
        checks=(
            (
                "SELECT order_id, customer_id, (created_at AT TIME ZONE 'UTC')::VARCHAR FROM orders WHERE created_at >= '2026-12-01'",
                [("1005", "1", "2026-12-01 02:00:00")],
            ),
        ),
    ),
)


def _huge_title() -> Files:
    title = "长" * 1_700_000  # 5.1 MB of UTF-8 in one cell
    return {
        "products.csv": csv_bytes(
            with_rows(PRODUCTS, ["SKU-H", "P-009", title, "杂货/其他", "1.00", "", "on_sale", ""])
        )
    }


_RAGGED = (
    _ORDERS_CSV
    + "O-1004,C-003\n"
    + 'O-1005,C-003,2026-11-02 10:00:00,,paid,"multi\nline",1,0\n'
    + "O-1006,C-003,2026-11-02 10:00:00,,paid,app,1,0,surplus\n"
    + "O-1007,C-003,2026-11-02 10:00:00,,bogus,app,1,0\n"
    + "O-1008,C-003,2026-11-02 10:00:00,,paid,app,1,0\n"
)

ROW_CASES: tuple[RowCase, ...] = (
    RowCase(
        "truncated-last-line",
        "the export was cut off in the middle of the last row",
        _text("orders.csv", _ORDERS_CSV + "O-1004,C-003,2026-11-0"),
        bad=(bad("orders.csv:5:paid_at", "fewer fields than the header"),),
    ),
    RowCase(
        "truncated-in-quotes",
        "the export was cut off inside a quoted cell",
        _text("orders.csv", _ORDERS_CSV + 'O-1004,C-003,2026-11-02 10:00:00,,paid,"app\nmore text'),
        bad=(bad("orders.csv:5:channel", "quote is opened but never closed"),),
    ),
    RowCase(
        "ragged-rows",
        "rows with too few and too many fields among good rows, CRLF, a multi-line cell",
        _text("orders.csv", _RAGGED.replace("\n", "\r\n")),
        bad=(
            bad("orders.csv:5:created_at", "fewer fields than the header"),
            bad("orders.csv:8:*", "more fields than the header"),
            bad("orders.csv:9:status", '"bogus"'),
        ),
        counts={"orders": 5},
        checks=(
            (
                "SELECT order_id, channel FROM orders WHERE order_id IN ('O-1005', 'O-1008') ORDER BY 1",
                [("O-1005", "multi\r\nline"), ("O-1008", "app")],
            ),
        ),
    ),
    RowCase(
        "multi-line-cells",
        "quoted cells with line breaks: later line numbers count the physical lines",
        _text(
            "orders.csv",
            _ORDERS_CSV
            + 'O-1004,C-003,2026-11-02 10:00:00,,paid,"line one\nline two\n""three""",10,0\n'
            + _BOGUS,
        ),
        bad=(bad("orders.csv:8:status", '"bogus"'),),
        counts={"orders": 4},
        checks=(
            (
                "SELECT channel FROM orders WHERE order_id = 'O-1004'",
                [('line one\nline two\n"three"',)],
            ),
        ),
    ),
    RowCase(
        "blank-lines",
        "blank lines in the middle of the file",
        _text("orders.csv", _ORDERS_CSV.replace("\nO-1002", "\n\n\nO-1002") + "\n" + _BOGUS),
        bad=(bad("orders.csv:8:status", '"bogus"'),),
    ),
    RowCase(
        "bad-timestamps",
        "timestamps 2026-13-45, yesterday, 0202-11-01 (the items of those orders become orphans)",
        _file(
            "orders.csv",
            rows("""
                order_id,customer_id,created_at,status
                00042,C-001,2026-13-45 10:00:00,completed
                O-1002,C-002,yesterday,shipped
                O-1003,C-001,0202-11-01 10:00:00,created
                O-1004,C-003,2026-11-02 10:00:00,created
            """),
        ),
        bad=(
            bad("orders.csv:2:created_at", 'not a timestamp (ISO 8601): "2026-13-45 10:00:00"'),
            bad("orders.csv:3:created_at", 'not a timestamp (ISO 8601): "yesterday"'),
            bad("orders.csv:4:created_at", "implausible timestamp: 0202-11-01"),
            bad("order_items.csv:2:order_id", 'no orders row with order_id = "00042"'),
            bad("order_items.csv:3:order_id", 'no orders row with order_id = "O-1002"'),
            bad("order_items.csv:4:order_id", 'no orders row with order_id = "O-1003"'),
        ),
        counts={"orders": 1, "order_items": 0},
    ),
    RowCase(
        "bad-dates",
        "dates 2026-13-45, yesterday, 0202-11-01 in traffic; 2026/11/03 and 20261104 are fine",
        _file(
            "traffic.csv",
            rows("""
                date,product_id,source,visitors
                2026-13-45,00777,search,1
                yesterday,00777,search,2
                0202-11-01,00777,search,3
                2026/11/03,00777,search,4
                20261104,00777,search,5
            """),
        ),
        bad=(
            bad("traffic.csv:2:date", 'not a date (YYYY-MM-DD): "2026-13-45"'),
            bad("traffic.csv:3:date", 'not a date (YYYY-MM-DD): "yesterday"'),
            bad("traffic.csv:4:date", "implausible date: 0202-11-01"),
        ),
        counts={"traffic": 2},
        checks=(
            (
                "SELECT date, visitors FROM traffic ORDER BY 1",
                [(dt.date(2026, 11, 3), 4), (dt.date(2026, 11, 4), 5)],
            ),
        ),
    ),
    RowCase(
        "fractional-quantity",
        "a fractional quantity (1.5); 3.0 is a whole number",
        _append("order_items", "O-1003,2,SKU-B,1.5,19.90,", "O-1003,3,SKU-B,3.0,19.90,"),
        bad=(bad("order_items.csv:5:quantity", 'not a whole number: "1.5"'),),
        counts={"order_items": 4},
        checks=(
            (
                _ITEMS,
                [
                    ("00042", "00123", 2),
                    ("O-1002", "SKU-B", 1),
                    ("O-1003", "SKU-C", 1),
                    ("O-1003", "SKU-B", 3),
                ],
            ),
        ),
    ),
    RowCase(
        "negative-and-zero-quantity",
        "quantity -2 and 0",
        _file(
            "order_items.csv",
            rows("""
                order_id,line_no,sku_id,quantity,unit_price,paid_amount
                00042,1,00123,-2,89.00,178.00
                O-1002,1,SKU-B,0,19.90,0
                O-1003,1,SKU-C,1,99.00,99.00
            """),
        ),
        bad=(
            bad("order_items.csv:2:quantity", "must be greater than 0, got -2"),
            bad("order_items.csv:3:quantity", "must be greater than 0, got 0"),
        ),
        counts={"order_items": 1},
    ),
    RowCase(
        "unknown-enum",
        "order status 'shipping' (not a contract value); 'Shipped' and '交易成功' are accepted",
        _append(
            "orders",
            "O-1004,C-003,2026-11-02 10:00:00,,shipping,app,1,0",
            "O-1005,C-003,2026-11-02 10:00:00,,Shipped,app,1,0",
            "O-1006,C-003,2026-11-02 10:00:00,,交易成功,app,1,0",
        ),
        bad=(
            bad(
                "orders.csv:5:status",
                'unknown value for status (expected one of: created, paid, shipped, delivered, completed, cancelled, closed): "shipping"',
            ),
        ),
        counts={"orders": 5},
        checks=(
            (
                "SELECT order_id, status FROM orders WHERE order_id IN ('O-1005', 'O-1006') ORDER BY 1",
                [("O-1005", "shipped"), ("O-1006", "completed")],
            ),
        ),
    ),
    RowCase(
        "exact-duplicates",
        "the same rows twice: collapsed into one, nothing quarantined",
        _file("orders.csv", with_rows(ORDERS, ORDERS[2], ORDERS[1])),
    ),
    RowCase(
        "conflicting-duplicates",
        "the same order id twice with different values: the later row wins",
        _append(
            "orders", "O-1002,C-002,2026-11-01 12:30:00,2026-11-01 12:31:00,delivered,pc,29.90,0"
        ),
        bad=(
            bad(
                "orders.csv:3:order_id",
                "duplicate key (order_id=O-1002): a later row with the same key was kept",
            ),
        ),
        checks=(
            (
                "SELECT status, pay_amount FROM orders WHERE order_id = 'O-1002'",
                [("delivered", Decimal("29.9"))],
            ),
        ),
    ),
    RowCase(
        "orphans",
        "order_items pointing to an unknown order and an unknown SKU; a refund of an unknown order",
        lambda: {
            **_append("order_items", "O-9999,1,SKU-B,1,19.90,", "O-1003,2,NOPE,1,1,")(),
            **_append(
                "refunds", "R-0002,O-404,SKU-B,2026-11-03 11:00:00,refund_only,5,requested"
            )(),
        },
        bad=(
            bad("order_items.csv:5:order_id", 'no orders row with order_id = "O-9999"'),
            bad("order_items.csv:6:sku_id", 'no products row with sku_id = "NOPE"'),
            bad("refunds.csv:3:order_id", 'no orders row with order_id = "O-404"'),
        ),
        counts={"refunds": 1},
        checks=(
            (
                "SELECT refund_id, order_id, sku_id, kind FROM refunds",
                [("R-0001", "00042", "00123", "return_refund")],
            ),
        ),
    ),
    RowCase(
        "mixed-types",
        "a number column with a few text values; '1,234' and '12.0' are numbers, 'n/a' is empty",
        _file(
            "traffic.csv",
            rows("""
                date,product_id,source,visitors,gmv
                2026-11-01,00777,search,"1,234",n/a
                2026-11-01,00777,ads,约50,10
                2026-11-01,P-002,search,12.0,
                2026-11-02,P-002,search,,5
            """),
        ),
        bad=(
            bad("traffic.csv:3:visitors", 'not a whole number: "约50"'),
            bad("traffic.csv:5:visitors", "required value is missing"),
        ),
        counts={"traffic": 2},
        checks=(
            (
                "SELECT source, visitors, gmv FROM traffic ORDER BY visitors",
                [("search", 12, None), ("search", 1234, None)],
            ),
        ),
    ),
    RowCase(
        "money-formats",
        "amounts written ¥1,234.50, ￥19.90, $5, 1,000元; '12 yuan' is not a number",
        _file(
            "orders.csv",
            rows("""
                order_id,customer_id,created_at,status,pay_amount
                00042,C-001,2026-11-01 10:00,completed,"¥1,234.50"
                O-1002,C-002,2026-11-01 10:00,completed,￥19.90
                O-1003,C-002,2026-11-01 10:00,completed,$5
                O-1004,C-002,2026-11-01 10:00,completed,"1,000元"
                O-1005,C-002,2026-11-01 10:00,completed," 12.30 "
                O-1006,C-002,2026-11-01 10:00,completed,12 yuan
            """),
        ),
        bad=(bad("orders.csv:7:pay_amount", 'not a number: "12 yuan"'),),
        counts={"orders": 5},
        checks=(
            (
                "SELECT order_id, pay_amount FROM orders ORDER BY 1",
                [
                    ("00042", Decimal("1234.5")),
                    ("O-1002", Decimal("19.9")),
                    ("O-1003", 5),
                    ("O-1004", 1000),
                    ("O-1005", Decimal("12.3")),
                ],
            ),
        ),
    ),
    RowCase(
        "timestamp-offsets",
        "timestamps without offset (store time zone), with Z, +08:00, +0800 and Shopify's ' -0700'",
        _file(
            "orders.csv",
            rows("""
                order_id,customer_id,created_at,paid_at,status
                00042,C-001,2026-11-01 10:00:00,2026-11-01 10:05,paid
                O-1002,C-002,2026-11-01T02:00:00Z,2026-11-01T02:05:00.000Z,paid
                O-1003,C-001,2026-11-01T10:00:00+08:00,2026-11-01 10:05:00+0800,paid
                O-1004,C-003,2026-10-31 19:00:00 -0700,2026-10-31 19:05:00 -0700,paid
                O-1005,C-003,2026/11/01 10:00,,created
                O-1006,C-003,2026-11-01 10:00:00 +08:00 junk,,created
            """),
        ),
        bad=(bad("orders.csv:7:created_at", "not a timestamp (ISO 8601)"),),
        counts={"orders": 5},
        checks=(
            (
                "SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::VARCHAR FROM orders",
                [("2026-11-01 02:00:00",)],
            ),
            (
                "SELECT DISTINCT (paid_at AT TIME ZONE 'UTC')::VARCHAR FROM orders WHERE paid_at IS NOT NULL",
                [("2026-11-01 02:05:00",)],
            ),
        ),
    ),
    RowCase(
        "timezone-dst",
        "a store in America/Los_Angeles: local times become UTC with the right DST offset",
        _file(
            "orders.csv",
            rows("""
                order_id,customer_id,created_at,status
                00042,C-001,2026-11-01 00:30:00,paid
                O-1002,C-002,2026-11-02 00:30:00,paid
                O-1003,C-001,2026-11-02 00:30:00Z,paid
            """),
        ),
        checks=(
            (
                "SELECT order_id, (created_at AT TIME ZONE 'UTC')::VARCHAR FROM orders ORDER BY 1",
                [
                    ("00042", "2026-11-01 07:30:00"),
                    ("O-1002", "2026-11-02 08:30:00"),
                    ("O-1003", "2026-11-02 00:30:00"),
                ],
            ),
        ),
        toml=STORE_TOML.replace("Asia/Shanghai", "America/Los_Angeles"),
    ),
    RowCase(
        "extra-columns",
        "columns the contract does not know (备注, Gift Note) are kept in `extra`",
        _file(
            "orders.csv",
            [
                [*ORDERS[0], "备注", "Gift Note"],
                [*ORDERS[1], "加急，周末送达", "生日快乐"],
                [*ORDERS[2], "", ""],
                [*ORDERS[3], "请开发票", "x"],
            ],
        ),
        checks=(
            (
                "SELECT extra->>'备注', extra->>'Gift Note' FROM orders WHERE order_id = '00042'",
                [("加急，周末送达", "生日快乐")],
            ),
            ("SELECT count(*) FROM orders WHERE extra IS NOT NULL", [(3,)]),
        ),
    ),
    RowCase(
        "huge-cell",
        "a 5 MB product title in one cell",
        _huge_title,
        counts={"products": 4},
        checks=(
            (
                "SELECT sku_id, length(title) FROM products WHERE sku_id = 'SKU-H'",
                [("SKU-H", 1_700_000)],
            ),
        ),
    ),
    RowCase(
        "header-only",
        "traffic.csv with a header and no rows (and no final newline)",
        _text("traffic.csv", "date,product_id,source,visitors"),
        counts={"traffic": 0},
    ),
)

# -- files refused as a whole; each also brings a valid new product, which must not get in -----

NEW_PRODUCT = "SKU-NEW,P-NEW,新品 挂耳咖啡,咖啡/挂耳,39.00,9.90,on_sale,2026-11-01"


def _wide_traffic() -> Files:
    """The traffic table with 19,994 more columns, as a broken export has them."""
    extra = [f"c{i}" for i in range(20_000 - len(TRAFFIC[0]))]
    return {"traffic.csv": csv_bytes([TRAFFIC[0] + extra, TRAFFIC[1] + ["1"] * len(extra)])}


def _fatal(files: Callable[[], Files]) -> Callable[[], Files]:
    return lambda: {**_append("products", NEW_PRODUCT)(), **files()}


def _late_garbage() -> Files:
    data = _late_gbk()["traffic.csv"]
    assert data is not None
    return {"traffic.csv": data[: data.index("猜".encode("gbk"))] + b"\xff\xfe\xff\xfe,80\n"}


_NOT_TEXT = (
    b"date,product_id,source,visitors\n2026-11-01,00777,\xff\xfe\x80\xff,1\n"
    + bytes(range(128, 256)) * 4
)
_EMPTY = "the file is empty"

FATAL_CASES: tuple[FatalCase, ...] = (
    FatalCase(
        "empty-required-file",
        "orders.csv is 0 bytes",
        _fatal(lambda: {"orders.csv": b""}),
        DataContractError,
        ("orders.csv", _EMPTY),
    ),
    FatalCase(
        "empty-optional-file",
        "traffic.csv is 0 bytes",
        _fatal(lambda: {"traffic.csv": b""}),
        DataContractError,
        ("traffic.csv", _EMPTY),
    ),
    FatalCase(
        "bom-only",
        "traffic.csv holds only a UTF-8 byte-order mark",
        _fatal(lambda: {"traffic.csv": codecs.BOM_UTF8}),
        DataContractError,
        ("traffic.csv", _EMPTY),
    ),
    FatalCase(
        "utf16-no-header",
        "traffic.csv holds only a UTF-16 byte-order mark",
        _fatal(lambda: {"traffic.csv": codecs.BOM_UTF16_LE}),
        DataContractError,
        ("traffic.csv", _EMPTY),
    ),
    FatalCase(
        "xlsx-empty-sheet",
        "traffic.xlsx whose first sheet is empty",
        _fatal(lambda: {"traffic.xlsx": xlsx_bytes([])}),
        DataContractError,
        ("traffic.xlsx", _EMPTY),
    ),
    FatalCase(
        "missing-column",
        "traffic.csv without the required visitors column",
        _fatal(_file("traffic.csv", [r[:3] for r in TRAFFIC])),
        MissingColumnError,
        ("traffic.csv", "required column 'visitors' missing", "docs/aliases.md"),
    ),
    FatalCase(
        "missing-column-zh",
        "a GBK 千牛 orders.csv without 订单状态 (status)",
        _fatal(_file("orders.csv", [r[:4] + r[5:] for r in ORDERS_ZH], encoding="gbk")),
        MissingColumnError,
        ("orders.csv", "'status'", "订单编号"),
    ),
    FatalCase(
        "missing-file",
        "a new store without order_items",
        _fatal(lambda: {"order_items.csv": None}),
        MissingFileError,
        ("order_items.csv", "required table file missing"),
        on_existing_store=False,
    ),
    FatalCase(
        "missing-store-toml",
        "a new store without store.toml",
        _fatal(dict),
        MissingFileError,
        ("store.toml",),
        on_existing_store=False,
        toml="",
    ),
    FatalCase(
        "bad-store-toml",
        "store.toml with an unknown time zone",
        _fatal(dict),
        ConfigError,
        ("store.toml", "timezone", "Asia/Shangai"),
        toml=STORE_TOML.replace("Asia/Shanghai", "Asia/Shangai"),
    ),
    FatalCase(
        "not-text",
        "traffic.csv with bytes that are neither UTF-8 nor GBK",
        _fatal(lambda: {"traffic.csv": _NOT_TEXT}),
        UnreadableFileError,
        ("traffic.csv", "line 2", "UTF-8"),
    ),
    FatalCase(
        "not-text-after-first-mib",
        "the same bytes after a first MiB of plain ASCII",
        _fatal(_late_garbage),
        UnreadableFileError,
        ("traffic.csv", f"line {LATE_GBK_ROWS + 2}"),
    ),
    FatalCase(
        "corrupt-xlsx",
        "traffic.xlsx that is not a workbook (a broken download)",
        _fatal(lambda: {"traffic.xlsx": b"PK\x03\x04 not really a zip"}),
        UnreadableFileError,
        ("traffic.xlsx", "not a readable .xlsx"),
    ),
    FatalCase(
        "corrupt-parquet",
        "traffic.parquet that is not Parquet",
        _fatal(lambda: {"traffic.parquet": b"PAR1 not really parquet PAR1"}),
        UnreadableFileError,
        ("traffic.parquet", "not a readable Parquet file"),
    ),
)

# -- hostile files from trials, and their neighbours ------------------------------------------

_GOOD_1005 = "O-1005,C-003,2026-11-02 10:00:00,2026-11-02 10:01:00,paid,app,1,0"
_GOOD_1006 = "O-1006,C-003,2026-11-03 10:00:00,,created,app,1,0"
_BOGUS_1004 = "O-1004,C-003,2026-11-02 10:00:00,,bogus,app,1,0"


def _lines(*lines: str, end: str = "\n") -> str:
    return "".join(line + end for line in lines)


def _mixed_endings() -> Files:
    """A CRLF export appended to by a tool that writes LF (DuckDB's strict reader stops on it)."""
    head = _lines(*_ORDERS_CSV.splitlines(), end="\r\n")
    return {"orders.csv": (head + _lines(_BOGUS_1004, _GOOD_1005)).encode()}


def _cr_only() -> Files:
    return {
        "orders.csv": _lines(*_ORDERS_CSV.splitlines(), _BOGUS_1004, _GOOD_1005, end="\r").encode()
    }


def _over_buffer() -> Files:
    """A line over DuckDB's 32 MB read buffer (which it used to drop without a word)."""
    cell = "x" * (2 * MAX_LINE_BYTES + (1 << 20))
    text = _ORDERS_CSV + f"O-1004,C-003,2026-11-02 10:00:00,,paid,{cell},1,0\n" + _lines(_GOOD_1005)
    return {"orders.csv": text.encode()}


def _bom_in_the_middle() -> Files:
    """Two Excel exports glued together: the second's BOM and header sit in the middle."""
    second = "\ufeff" + _lines(ORDERS[0][0] + "," + ",".join(ORDERS[0][1:]), _GOOD_1005)
    return {"orders.csv": (_ORDERS_CSV + second).encode()}


def _nul_bytes() -> Files:
    return {"orders.csv": (_ORDERS_CSV + _lines(_GOOD_1005.replace("app", "a\x00pp"))).encode()}


def _utf16_no_bom() -> Files:
    return {"traffic.csv": csv_bytes(TRAFFIC_ZH, encoding="utf-16-le")}


def _random_bytes() -> Files:
    return {"orders.csv": random.Random(10).randbytes(200_000)}


def _random_after_newline() -> Files:
    """Random bytes that start with a line break (once read as an empty file)."""
    return {"traffic.csv": b"\n" + random.Random(11).randbytes(200_000)}


def _zip_named_csv() -> Files:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("traffic.csv", csv_bytes(TRAFFIC))
    return {"traffic.csv": out.getvalue()}


def _corrupt_parquet_pages() -> Files:
    """A Parquet file whose footer reads but whose data pages are broken (a bad copy)."""
    table = pa.table({h: [r[i] for r in TRAFFIC[1:]] * 2000 for i, h in enumerate(TRAFFIC[0])})
    out = io.BytesIO()
    pq.write_table(table, out, compression="snappy")
    data = bytearray(out.getvalue())
    data[100:150] = bytes(b ^ 0xFF for b in data[100:150])
    return {"traffic.parquet": bytes(data)}


def _inflating_xlsx() -> Files:
    """A workbook that unpacks to over 1 MB (the case runs with a 1 MB limit)."""
    return {"traffic.xlsx": xlsx_bytes([TRAFFIC[0], *([TRAFFIC[1]] * 6_000)])}


HOSTILE_CASES: tuple[RowCase | FatalCase, ...] = (
    RowCase(
        "mixed-line-endings",
        "orders.csv in CRLF with LF lines appended by another tool",
        _mixed_endings,
        bad=(bad("orders.csv:5:status", '"bogus"'),),
        counts={"orders": 4},
        notes=("orders.csv: read line by line",),
    ),
    RowCase(
        "cr-line-endings",
        "orders.csv whose lines end in CR only (old Mac)",
        _cr_only,
        bad=(bad("orders.csv:5:status", '"bogus"'),),
        counts={"orders": 4},
        notes=("lines end in CR only",),
    ),
    RowCase(
        "line-over-buffer",
        "a 33 MB line among good rows",
        _over_buffer,
        bad=(bad("orders.csv:5:*", "longer than the 16 MB limit"),),
        counts={"orders": 4},
    ),
    RowCase(
        "bom-in-the-middle",
        "two exports glued together: a BOM and a second header in the middle",
        _bom_in_the_middle,
        bad=(bad("orders.csv:5:created_at", 'not a timestamp (ISO 8601): "created_at"'),),
        counts={"orders": 4},
    ),
    RowCase(
        "nul-bytes",
        "a NUL byte inside a cell",
        _nul_bytes,
        counts={"orders": 4},
        checks=(("SELECT channel FROM orders WHERE order_id = 'O-1005'", [("a\x00pp",)]),),
    ),
    RowCase(
        "utf16-no-bom",
        "UTF-16 text without a byte-order mark",
        _utf16_no_bom,
        bad=(_VISITORS_BAD,),
        counts={"traffic": 2},
        notes=("read as utf-16-le",),
    ),
    FatalCase(
        "header-without-newline",
        "orders.csv: a header of 17 MB with no line break",
        _fatal(lambda: {"orders.csv": b"order_id," + b"y" * (MAX_LINE_BYTES + (1 << 20))}),
        UnreadableFileError,
        ("orders.csv", "without a line break"),
    ),
    FatalCase(
        "random-bytes",
        "orders.csv holding 200 KB of random bytes",
        _fatal(_random_bytes),
        UnreadableFileError,
        ("orders.csv", "binary data"),
    ),
    FatalCase(
        "random-bytes-after-newline",
        "traffic.csv: a blank first line, then random bytes",
        _fatal(_random_after_newline),
        UnreadableFileError,
        ("traffic.csv", "binary data"),
    ),
    FatalCase(
        "gzip-named-csv",
        "traffic.csv that is gzip-compressed",
        _fatal(lambda: {"traffic.csv": gzip.compress(csv_bytes(TRAFFIC), mtime=0)}),
        UnreadableFileError,
        ("traffic.csv", "gzip-compressed"),
    ),
    FatalCase(
        "zip-named-csv",
        "traffic.csv that is a ZIP archive",
        _fatal(_zip_named_csv),
        UnreadableFileError,
        ("traffic.csv", "ZIP archive"),
    ),
    FatalCase(
        "xlsx-not-zip",
        "traffic.xlsx that is CSV text renamed",
        _fatal(lambda: {"traffic.xlsx": csv_bytes(TRAFFIC)}),
        UnreadableFileError,
        ("traffic.xlsx", "not a readable .xlsx"),
    ),
    FatalCase(
        "xlsx-inflates",
        "traffic.xlsx that unpacks to more than the limit (here 1 MB)",
        _fatal(_inflating_xlsx),
        UnreadableFileError,
        ("traffic.xlsx", "over the 1 MB limit", "SHOPKEEPER_IMPORT_XLSX_MAX_MB"),
        env={"SHOPKEEPER_IMPORT_XLSX_MAX_MB": "1"},
    ),
    FatalCase(
        "twenty-thousand-columns",
        "traffic.csv: 170 KB with 20,000 columns (DuckDB ran out of memory staging it)",
        _fatal(_wide_traffic),
        DataContractError,
        ("traffic.csv", "too many columns: 20,000", "at most 21"),
    ),
    FatalCase(
        "corrupt-parquet-pages",
        "traffic.parquet whose footer reads but whose pages are broken",
        _fatal(_corrupt_parquet_pages),
        UnreadableFileError,
        ("traffic.parquet", "not a readable Parquet file"),
    ),
)

ALL_CASES: tuple[RowCase | FatalCase, ...] = (
    *FORMAT_CASES,
    *ROW_CASES,
    *FATAL_CASES,
    *HOSTILE_CASES,
)


def by_id(case_id: str) -> RowCase | FatalCase:
    """The corpus case named ``case_id``."""
    return next(c for c in ALL_CASES if c.id == case_id)


def build(case: RowCase | FatalCase, folder: Path, **kwargs: Any) -> Path:
    """Write ``case``'s store into ``folder`` (keyword arguments go to :func:`write_store`)."""
    return write_store(folder, case.files(), toml=case.toml or None, **kwargs)


# -- reading a warehouse back, read-only, as another process would -----------------------------


@contextmanager
def read_warehouse(settings: Settings, store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only DuckDB connection to ``store``'s warehouse, in UTC."""
    con = duckdb.connect(str(settings.store_dir(store) / "warehouse.duckdb"), read_only=True)
    try:
        use_zone(con, "UTC")
        yield con
    finally:
        con.close()


def dump(settings: Settings, store: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every contract table, the quarantine (without import ids) and the config, fully sorted (the
    day counts' stamp names its import, like the quarantine's ids: left out)."""
    if not (settings.store_dir(store) / "warehouse.duckdb").exists():
        return {}
    quarantine = "SELECT table_name, file, line, column_name, reason, errors::VARCHAR, raw::VARCHAR FROM _quarantine"
    with read_warehouse(settings, store) as con:
        out = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in TABLES}
        out["_quarantine"] = con.execute(quarantine + " ORDER BY ALL").fetchall()
        out["_store"] = con.execute(
            "SELECT key, value::VARCHAR FROM _store WHERE key <> 'day_counts' ORDER BY ALL"
        ).fetchall()
    return out


def counts(settings: Settings, store: str) -> dict[str, int]:
    """Rows per contract table."""
    with read_warehouse(settings, store) as con:
        return {t: len(con.execute(f'SELECT 1 FROM "{t}"').fetchall()) for t in TABLES}


def quarantine_json(store: str) -> list[dict[str, Any]]:
    """``shopkeeper store quarantine --store STORE --format json``, parsed (SHOPKEEPER_HOME set)."""
    from typer.testing import CliRunner

    from shopkeeper.cli.main import app

    result = CliRunner().invoke(app, ["store", "quarantine", "--store", store, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    quarantined = json.loads(result.stdout)
    assert isinstance(quarantined, list)
    return quarantined


def verify(case: RowCase, settings: Settings, store: str, notes: Iterable[str] = ()) -> None:
    """Check the quarantine (through the CLI) and the warehouse against ``case``."""
    found = {
        (r["table"], Path(r["file"]).name, r["line"], r["column"]): r["reason"]
        for r in quarantine_json(store)
    }
    expected = {b.key(): b.reason for b in case.bad}
    assert sorted(found) == sorted(expected), f"quarantined: {sorted(found.items())}"
    for key, reason in expected.items():
        assert reason in found[key], f"{key}: {found[key]!r} does not mention {reason!r}"
    want = {**BASE_COUNTS, **case.counts}
    have = counts(settings, store)
    assert {t: have[t] for t in want} == want
    with read_warehouse(settings, store) as con:
        for sql, result in case.checks:
            assert con.execute(sql).fetchall() == result, sql
    joined = "\n".join(notes)
    for note in case.notes:
        assert note in joined, f"no note {note!r} in {joined!r}"
