"""Shopify CSV exports (Orders → Export, Products → Export) → a contract store folder.

The orders export has one row per line item; order-level fields (Financial Status, Paid at,
totals, addresses, Cancelled at, Refunded Amount) are filled on the first row of each order only,
and ``Name`` (``#1001``) identifies the order. Timestamps carry an offset
(``2026-11-01 10:15:32 -0700``). The products export is read by :mod:`.shopify_products`.

Judgement calls, each reported with counts in :attr:`AdapterReport.notes`:

- ``customer_id`` is ``cust-`` + a sha256 prefix of the lower-cased email, never the email;
  orders without an email are guest checkouts with an empty ``customer_id``;
- ``status``: Cancelled at or ``voided`` → cancelled; ``refunded`` → closed; fulfilled →
  shipped (the export says nothing about delivery); paid / partially_refunded → paid; else created;
- a line without ``Lineitem sku`` gets a stable ``nosku-…`` id from its name (the same id its
  variant gets in the products export), and every order-line SKU missing from the products export
  gets a product row built from the line, so the store keeps referential integrity;
- ``Refunded Amount`` > 0 → one ``refund_only``/``completed`` refund; the export has no refund
  date, so it is dated at Cancelled at, else the order's latest known timestamp.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from shopkeeper.clock import today
from shopkeeper.store.adapters.report import (
    AdapterReport,
    Cell,
    prepare_out_dir,
    write_csv,
    write_store_toml,
)
from shopkeeper.store.adapters.shopify_csv import (
    Row,
    customer_id,
    first,
    iso,
    money,
    parse_ts,
    read_header,
    read_rows,
    synth_sku,
)
from shopkeeper.store.adapters.shopify_notes import catalog_notes, order_notes
from shopkeeper.store.adapters.shopify_products import UNCATEGORIZED, Catalog, read_catalog
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.schema import TABLES
from shopkeeper.text import Lang

ORDER_COLUMNS = ("Name", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price")
_ORDER_SIGNATURE = frozenset(
    h.lower() for h in (*ORDER_COLUMNS, "Financial Status", "Lineitem sku")
)
CENT = Decimal("0.01")
_PRODUCT_SIGNATURE = frozenset(
    h.lower() for h in ("Handle", "Title", "Variant SKU", "Variant Price")
)


def detect_shopify(path: Path) -> Literal["orders", "products"] | None:
    """Which Shopify export a CSV file is, judged by its header row (never by its name)."""
    header = {h.lower() for h in read_header(path)}
    if header >= _ORDER_SIGNATURE:
        return "orders"
    if header >= _PRODUCT_SIGNATURE:
        return "products"
    return None


def order_status(financial: str, fulfillment: str, cancelled: bool) -> str:
    """The contract status of a Shopify order.

    >>> order_status("paid", "fulfilled", False), order_status("refunded", "fulfilled", False)
    ('shipped', 'closed')
    >>> order_status("voided", "", False), order_status("paid", "", True), order_status("pending", "", False)
    ('cancelled', 'cancelled', 'created')
    """
    financial, fulfillment = financial.lower(), fulfillment.lower()
    if cancelled or financial == "voided":
        return "cancelled"
    if financial == "refunded":
        return "closed"
    if fulfillment == "fulfilled":
        return "shipped"
    if financial in ("paid", "partially_refunded"):
        return "paid"
    return "created"


@dataclass
class _Tables:
    orders: list[dict[str, Cell]] = field(default_factory=list)
    items: list[dict[str, Cell]] = field(default_factory=list)
    refunds: list[dict[str, Cell]] = field(default_factory=list)
    customers: dict[str, dict[str, Cell]] = field(default_factory=dict)
    seen: dict[str, datetime] = field(default_factory=dict)  # customer -> latest order time
    line_products: dict[str, dict[str, Cell]] = field(default_factory=dict)
    line_seen: dict[str, datetime] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)


def convert_shopify(
    orders: Sequence[Path],
    products: Sequence[Path],
    out_dir: Path,
    *,
    store_name: str,
    timezone: str = "UTC",
    currency: str | None = None,
    language: Lang = "en",
    inventory_date: date | None = None,
) -> AdapterReport:
    """Convert Shopify orders and products exports into a contract store folder at ``out_dir``.

    ``inventory_date`` dates the stock snapshot taken from ``Variant Inventory Qty`` (default: the
    day the first products file was last modified, in ``timezone``).
    """
    config = StoreConfig(
        name=store_name,
        platform="shopify",
        currency=currency or "USD",
        timezone=timezone,
        language=language,
    )
    tz = ZoneInfo(config.timezone)
    groups, counts = _group_orders(orders)
    tables = _Tables(counts=counts)
    for name, rows in groups.items():
        _add_order(tables, name, rows, tz)
    as_of = inventory_date or _file_day(products, tz)
    catalog = read_catalog(list(products), as_of) if products else Catalog()
    product_rows = _merge_products(catalog, tables, have_catalog=bool(products))
    found_currency = currency or _currency(groups)
    config = config.model_copy(update={"currency": found_currency or "USD"})
    notes = prepare_out_dir(out_dir)
    write_store_toml(out_dir, config)
    written = {
        "products": write_csv(out_dir, "products", product_rows),
        "orders": write_csv(out_dir, "orders", tables.orders),
        "order_items": write_csv(out_dir, "order_items", tables.items),
        "customers": write_csv(out_dir, "customers", list(tables.customers.values())),
        "refunds": write_csv(out_dir, "refunds", tables.refunds),
        "inventory": write_csv(out_dir, "inventory", catalog.inventory),
    }
    notes += order_notes(tables.counts, tables.orders)
    notes += catalog_notes(catalog.counts, as_of if products else None)
    if currency is None:
        notes.append(
            f"currency {found_currency!r} taken from the orders' Currency column"
            if found_currency
            else "no Currency in the orders export; currency set to 'USD'"
        )
    written_rows = {k: v for k, v in written.items() if v or TABLES[k].required}
    return AdapterReport("shopify", out_dir, written_rows, notes)


def _group_orders(paths: Sequence[Path]) -> tuple[dict[str, list[Row]], Counter[str]]:
    """Rows per order ``Name``; an order in several files keeps the rows of the last file."""
    merged: dict[str, list[Row]] = {}
    counts: Counter[str] = Counter()
    for path in paths:
        groups: dict[str, list[Row]] = {}
        current = ""
        for row in read_rows(path, ORDER_COLUMNS):
            if not row["Name"]:
                counts["continuation_rows" if current else "rows_without_order"] += 1
            current = row["Name"] or current
            if current:
                groups.setdefault(current, []).append(row)
        counts["orders_replaced"] += sum(1 for name in groups if name in merged)
        merged.update(groups)
    return merged, counts


def _add_order(tables: _Tables, name: str, rows: list[Row], tz: tzinfo) -> None:
    created, paid = parse_ts(first(rows, "Created at"), tz), parse_ts(first(rows, "Paid at"), tz)
    fulfilled, cancelled = (
        parse_ts(first(rows, "Fulfilled at"), tz),
        parse_ts(first(rows, "Cancelled at"), tz),
    )
    status = order_status(
        first(rows, "Financial Status"),
        first(rows, "Fulfillment Status"),
        bool(first(rows, "Cancelled at")),
    )
    tables.counts[f"status_{status}"] += 1
    tables.orders.append(
        {
            "order_id": name,
            "customer_id": _customer(tables, name, rows, created),
            "created_at": iso(created) or first(rows, "Created at"),
            "paid_at": iso(paid),
            "status": status,
            "channel": first(rows, "Source") or None,
            "pay_amount": first(rows, "Total") or None,
            "shipping_fee": first(rows, "Shipping") or None,
            **_receiver(rows),
            "shipped_at": iso(fulfilled),
        }
    )
    skus = _add_items(tables, name, rows, created)
    latest = max((t for t in (created, paid, fulfilled) if t is not None), default=None)
    _add_refund(tables, name, first(rows, "Refunded Amount"), cancelled or latest, skus)


def _receiver(rows: list[Row]) -> dict[str, Cell]:
    """The shipping address fields of an order."""
    street = first(rows, "Shipping Street") or " ".join(
        filter(None, (first(rows, "Shipping Address1"), first(rows, "Shipping Address2")))
    )
    return {
        "receiver_name": first(rows, "Shipping Name") or None,
        "receiver_phone": first(rows, "Shipping Phone") or None,
        "receiver_country": first(rows, "Shipping Country") or None,
        "receiver_province": _province(rows) or None,
        "receiver_city": first(rows, "Shipping City") or None,
        "receiver_address": street or None,
    }


def _province(rows: list[Row]) -> str:
    """The full province name when the export has it, else Shopify's province code."""
    return first(rows, "Shipping Province Name") or first(rows, "Shipping Province")


def _customer(tables: _Tables, name: str, rows: list[Row], created: datetime | None) -> str | None:
    cust = customer_id(first(rows, "Email"))
    if cust is None:  # a guest checkout: an order, not a customer
        tables.counts["guest_orders"] += 1
        return None
    record = tables.customers.setdefault(cust, {"customer_id": cust, "first_seen_at": iso(created)})
    if created is None:
        return cust
    if record["first_seen_at"] is None or created < datetime.fromisoformat(
        str(record["first_seen_at"])
    ):
        record["first_seen_at"] = iso(created)
    last = tables.seen.get(cust)
    if last is None or created >= last:
        tables.seen[cust] = created
        record["province"] = _province(rows) or None
        record["city"] = first(rows, "Shipping City") or None
    return cust


def _add_items(tables: _Tables, name: str, rows: list[Row], created: datetime | None) -> list[str]:
    skus: list[str] = []
    for row in rows:
        if not (row["Lineitem quantity"] or row["Lineitem name"]):
            continue
        sku = row.get("Lineitem sku", "")
        if not sku:
            sku = synth_sku(row["Lineitem name"])
            tables.counts["synth_line_skus"] += 1
        skus.append(sku)
        tables.items.append(
            {
                "order_id": name,
                "line_no": len(skus),
                "sku_id": sku,
                "quantity": row["Lineitem quantity"],
                "unit_price": row["Lineitem price"],
                "paid_amount": _paid_amount(row),
            }
        )
        _remember_line_product(tables, sku, row, created)
    return skus


def _paid_amount(row: Row) -> str | None:
    qty, price = money(row["Lineitem quantity"]), money(row["Lineitem price"])
    if qty is None or price is None:
        return None
    discount = money(row.get("Lineitem discount", "")) or 0
    return str(max(qty * price - discount, Decimal(0)).quantize(CENT))


def _remember_line_product(tables: _Tables, sku: str, row: Row, created: datetime | None) -> None:
    """Keep the latest line of each SKU, in case the products export lacks it."""
    stamp = created or datetime.min.replace(tzinfo=UTC)
    if sku in tables.line_products and stamp < tables.line_seen[sku]:
        return
    tables.line_seen[sku] = stamp
    tables.line_products[sku] = {
        "sku_id": sku,
        "product_id": sku,
        "title": row["Lineitem name"] or sku,
        "category": UNCATEGORIZED,
        "price": row["Lineitem price"] or None,
        "brand": row.get("Vendor") or None,
    }


def _add_refund(
    tables: _Tables, name: str, refunded: str, when: datetime | None, skus: list[str]
) -> None:
    amount = money(refunded)
    if amount is None or amount <= 0:
        return
    tables.counts["refunds"] += 1
    tables.refunds.append(
        {
            "refund_id": f"{name}-refund",
            "order_id": name,
            "sku_id": skus[0] if len(set(skus)) == 1 else None,
            "created_at": iso(when),
            "kind": "refund_only",
            "amount": str(amount),
            "status": "completed",
            "resolved_at": iso(when),
        }
    )


def _merge_products(
    catalog: Catalog, tables: _Tables, *, have_catalog: bool
) -> list[dict[str, Cell]]:
    """Catalog rows, then a row built from the order lines for every SKU the catalog lacks."""
    rows = list(catalog.products.values())
    for sku, line in tables.line_products.items():
        if sku in catalog.products:
            continue
        tables.counts["products_from_lines"] += 1
        product = dict(line)
        product["status"] = "off_shelf" if have_catalog else "on_sale"
        rows.append(product)
    return rows


def _file_day(paths: Sequence[Path], tz: tzinfo) -> date:
    if not paths:
        return today(tz)
    return datetime.fromtimestamp(paths[0].stat().st_mtime, tz).date()


def _currency(groups: dict[str, list[Row]]) -> str | None:
    found = Counter(first(rows, "Currency") for rows in groups.values())
    del found[""]
    return found.most_common(1)[0][0] if found else None
