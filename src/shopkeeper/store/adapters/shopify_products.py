"""Shopify's products export → contract ``products`` and ``inventory`` rows.

The export has several rows per ``Handle``: the first holds the product fields (Title, Vendor,
Product Category, Type, Status, option names) and the first variant; further rows hold one more
variant each, or only an image (``Image Src``) with every variant field empty.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shopkeeper.store.adapters.report import Cell
from shopkeeper.store.adapters.shopify_csv import Row, first, read_rows, synth_sku

PRODUCT_COLUMNS = ("Handle", "Title", "Variant SKU", "Variant Price")
_VARIANT_FIELDS = (
    "Variant SKU",
    "Variant Price",
    "Option1 Value",
    "Option2 Value",
    "Option3 Value",
)
_DEFAULT_OPTION = "default title"
UNCATEGORIZED = "Uncategorized"


@dataclass
class Catalog:
    """Products and inventory rows from the products export, plus counts for the notes."""

    products: dict[str, dict[str, Cell]] = field(default_factory=dict)
    inventory: list[dict[str, Cell]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def read_catalog(paths: list[Path], as_of: date) -> Catalog:
    """Convert products exports; the inventory snapshot is dated ``as_of``."""
    catalog = Catalog()
    for path in paths:
        for handle, rows in _by_handle(read_rows(path, PRODUCT_COLUMNS)).items():
            _add_listing(catalog, handle, rows, as_of)
    return catalog


def _by_handle(rows: Iterable[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        if row["Handle"]:
            groups.setdefault(row["Handle"], []).append(row)
    return groups


def _add_listing(catalog: Catalog, handle: str, rows: list[Row], as_of: date) -> None:
    title = first(rows, "Title") or handle
    images = {r["Image Src"] for r in rows if r.get("Image Src")}
    option_names = [first(rows, f"Option{i} Name") for i in (1, 2, 3)]
    listing: dict[str, Cell] = {
        "product_id": handle,
        "title": title,
        "category": _category(rows, catalog),
        "status": _status(rows),
        "brand": first(rows, "Vendor") or None,
        "image_count": len(images),
    }
    variants = [r for r in rows if any(r.get(f) for f in _VARIANT_FIELDS)]
    catalog.counts["image_rows"] += len(rows) - len(variants)
    for row in variants:
        _add_variant(catalog, listing, row, option_names, as_of)


def _add_variant(
    catalog: Catalog, listing: dict[str, Cell], row: Row, names: list[str], as_of: date
) -> None:
    values = [row.get(f"Option{i} Value", "") for i in (1, 2, 3)]
    sku = row["Variant SKU"]
    if not sku:
        sku = synth_sku(variant_item_name(str(listing["title"]), values))
        catalog.counts["synth_variant_skus"] += 1
    if sku in catalog.products:
        catalog.counts["duplicate_skus"] += 1
        return
    catalog.products[sku] = {
        **listing,
        "sku_id": sku,
        "price": row["Variant Price"] or None,
        "cost": row.get("Cost per item") or None,
        "attributes": _attributes(names, values),
        "sku_name": variant_title(values),
    }
    qty = row.get("Variant Inventory Qty", "")
    if qty:
        _add_stock(catalog, sku, qty, as_of)


def _add_stock(catalog: Catalog, sku: str, qty: str, as_of: date) -> None:
    on_hand: Cell = qty
    try:
        if int(float(qty)) < 0:
            on_hand = 0
            catalog.counts["negative_stock"] += 1
    except ValueError:
        pass  # passed through; the importer quarantines it with its line
    catalog.inventory.append(
        {"date": as_of.isoformat(), "sku_id": sku, "warehouse": "main", "on_hand": on_hand}
    )


def variant_item_name(title: str, values: list[str]) -> str:
    """The name Shopify gives an order line of this variant: ``Title - Value1 / Value2``.

    >>> variant_item_name("Mug", ["Default Title", "", ""]), variant_item_name("Mug", ["Blue", "L", ""])
    ('Mug', 'Mug - Blue / L')
    """
    shown = variant_title(values)
    return f"{title} - {shown}" if shown else title


def variant_title(values: list[str]) -> str | None:
    """The variant as buyers see it (Shopify's variant title), ``None`` for a single-variant product.

    >>> variant_title(["Blue", "L", ""]), variant_title(["Default Title", "", ""])
    ('Blue / L', None)
    """
    shown = [v for v in values if v and v.lower() != _DEFAULT_OPTION]
    return " / ".join(shown) if shown else None


def _attributes(names: list[str], values: list[str]) -> str | None:
    pairs = {
        name: value
        for name, value in zip(names, values, strict=True)
        if name and value and value.lower() != _DEFAULT_OPTION
    }
    return json.dumps(pairs, ensure_ascii=False) if pairs else None


def _category(rows: list[Row], catalog: Catalog) -> str:
    """``Product Category`` (its `` > `` path as ``/``), else ``Type``, else Uncategorized."""
    path = first(rows, "Product Category")
    if path:
        return "/".join(part.strip().replace("/", "-") for part in path.split(">"))
    kind = first(rows, "Type")
    if kind:
        catalog.counts["category_from_type"] += 1
        return kind
    catalog.counts["uncategorized"] += 1
    return UNCATEGORIZED


def _status(rows: list[Row]) -> str:
    """``Status`` active → on_sale, draft/archived → off_shelf; older exports: ``Published``."""
    status = first(rows, "Status").lower()
    if status:
        return "on_sale" if status == "active" else "off_shelf"
    published = first(rows, "Published").lower()
    return "off_shelf" if published in ("false", "no", "0") else "on_sale"
