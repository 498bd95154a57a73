"""The alias tables: documented exactly, consistent with the contract, and behaving as lookups."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopkeeper.store.aliases import (
    COLUMN_ALIASES,
    VALUE_ALIASES,
    canonical_column,
    canonical_value,
    header_aliases,
    normalize_header,
    render_markdown,
    value_aliases,
)
from shopkeeper.store.schema import TABLES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "aliases.md"
_ROW = re.compile(r"^\|(?P<a>(?:[^|\\]|\\.)+)\|\s*`(?P<b>[a-z_]+)`\s*\|(?P<c>[^|]+)\|$")


def _parse_docs() -> tuple[set[tuple[str, str, str, str]], set[tuple[str, str, str, str, str]]]:
    """(table, header, column, source) and (table, column, raw, value, source) rows of the page."""
    headers: set[tuple[str, str, str, str]] = set()
    values: set[tuple[str, str, str, str, str]] = set()
    section, heading = "", ""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("### "):
            heading = line[4:].strip()
        elif (m := _ROW.match(line.strip())) is not None:
            cell = m["a"].strip().replace("\\|", "|")
            if section == "Header aliases":
                headers.add((heading, cell, m["b"], m["c"].strip()))
            else:
                table, column = heading.split(".")
                values.add((table, column, cell, m["b"], m["c"].strip()))
    return headers, values


def test_docs_list_exactly_the_header_aliases_of_the_code() -> None:
    documented, _ = _parse_docs()
    code = {(a.table, a.header, a.column, a.source) for a in header_aliases()}
    assert documented == code
    assert {(t, normalize_header(h), c) for t, h, c, _ in documented} == {
        (t, k, c) for t, mapping in COLUMN_ALIASES.items() for k, c in mapping.items()
    }


def test_docs_list_exactly_the_value_aliases_of_the_code() -> None:
    _, documented = _parse_docs()
    assert documented == {(v.table, v.column, v.raw, v.value, v.source) for v in value_aliases()}


def test_docs_are_regenerated() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "run render_markdown() into docs/aliases.md"
    )


def test_every_alias_names_a_contract_column() -> None:
    for alias in header_aliases():
        assert alias.table in TABLES, alias
        assert TABLES[alias.table].has(alias.column), alias


def test_no_alias_collides_with_another_contract_column() -> None:
    for alias in header_aliases():
        snake = normalize_header(alias.header).replace(" ", "_")
        if TABLES[alias.table].has(snake):
            assert snake == alias.column, (
                f"{alias.header!r} would be read as {snake!r}, not {alias.column!r}"
            )


def test_no_alias_is_listed_twice_in_a_table() -> None:
    seen: dict[tuple[str, str], str] = {}
    for alias in header_aliases():
        key = (alias.table, normalize_header(alias.header))
        assert key not in seen, f"{alias.header!r} duplicates {seen[key]!r} in {alias.table}"
        seen[key] = alias.header


def test_value_aliases_target_contract_enums() -> None:
    for (table, column), mapping in VALUE_ALIASES.items():
        enum = TABLES[table].column(column).enum
        assert enum, f"{table}.{column} is not an enum column"
        assert set(mapping.values()) <= set(enum)
        assert all(key == key.strip().lower() for key in mapping), (
            "keys must match lower(trim(cell))"
        )


def test_every_table_has_aliases() -> None:
    assert set(COLUMN_ALIASES) == set(TABLES)


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        ("orders", "支付金额", "pay_amount"),
        ("traffic", "支付金额(元)", "gmv"),
        ("orders", "\ufeff订单编号", "order_id"),
        ("orders", "买家实际支付金额（元）", "pay_amount"),
        ("orders", "Name", "order_id"),
        ("orders", "Fulfilled at", "shipped_at"),
        ("orders", "created_at", "created_at"),
        ("orders", "Created at", "created_at"),
        ("order_items", "Lineitem  quantity", "quantity"),
        ("order_items", "lineitem-price", "unit_price"),
        ("products", "Variant SKU", "sku_id"),
        ("products", "Cost per item", "cost"),
        ("products", "Handle", "product_id"),
        ("inventory", "Variant Inventory Qty", "on_hand"),
        ("ad_campaigns", "花费", "spend"),
        ("refunds", "是否需要退货", "kind"),
        ("competitors", "流失人数", "lost_buyers"),
        ("customers", "Province", "province"),
    ],
)
def test_canonical_column(table: str, header: str, column: str) -> None:
    assert canonical_column(table, header) == column


def test_unknown_headers_are_extras() -> None:
    assert canonical_column("orders", "Email") is None
    assert canonical_column("products", "Image Src") is None
    assert canonical_column("traffic", "订单编号") is None


@pytest.mark.parametrize(
    ("table", "column", "raw", "value"),
    [
        ("orders", "status", "买家已付款,等待卖家发货", "paid"),
        ("orders", "status", "买家已付款，等待卖家发货", "paid"),
        ("orders", "status", "  VOIDED ", "cancelled"),
        ("orders", "status", "partially refunded", "paid"),
        ("orders", "status", "Shipped", "shipped"),
        ("refunds", "kind", "仅退款", "refund_only"),
        ("refunds", "kind", "换货", "exchange"),
        ("refunds", "kind", "补寄", "reship"),
        ("refunds", "status", "退款成功", "completed"),
        ("refunds", "status", "退款关闭", "cancelled"),
        ("refunds", "status", "卖家拒绝", "rejected"),
        ("refunds", "status", "待处理", "requested"),
        ("refunds", "status", "退款中", "requested"),
        ("products", "status", "仓库中", "off_shelf"),
        ("products", "status", "Active", "on_sale"),
        ("products", "status", "draft", "off_shelf"),
        ("messages", "sender", "机器人", "bot"),
        ("messages", "sender", "客服", "agent"),
        ("messages", "sender", "Customer", "customer"),
        ("promotions", "kind", "聚划算", "flash"),
    ],
)
def test_canonical_value(table: str, column: str, raw: str, value: str) -> None:
    assert canonical_value(table, column, raw) == value


def test_unknown_values_pass_through_unchanged() -> None:
    assert canonical_value("orders", "status", " 火星 ") == " 火星 "
    assert canonical_value("traffic", "source", "手淘搜索") == "手淘搜索"


def test_sql_style_lookup_finds_raw_forms() -> None:
    """The importer matches ``lower(trim(cell))`` against the keys of VALUE_ALIASES."""
    statuses = VALUE_ALIASES[("orders", "status")]
    for raw in (
        "partially_refunded",
        "买家已付款，等待卖家发货",
        "卖家已发货,等待买家确认",
        "PAID",
    ):
        assert (
            statuses.get(raw.strip().lower(), raw.lower()) in TABLES["orders"].column("status").enum
        )
