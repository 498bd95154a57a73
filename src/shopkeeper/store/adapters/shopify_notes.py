"""Plain-English notes on the judgement calls of the Shopify adapter, with their counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from shopkeeper.store.adapters.report import Cell

_ORDER_CALLS: dict[str, tuple[str, str]] = {
    "guest_orders": (
        "orders without an email",
        "guest checkouts with an empty customer_id (orders, not customers)",
    ),
    "continuation_rows": ("rows with an empty Name", "taken as further lines of the order above"),
    "rows_without_order": ("rows before any order Name", "skipped"),
    "orders_replaced": (
        "orders found in more than one orders file",
        "the last file's rows were kept",
    ),
    "synth_line_skus": (
        "order lines without a Lineitem sku",
        "each got the stable id 'nosku-' + a sha256 prefix of its Lineitem name "
        "(its variant in the products export gets the same id)",
    ),
    "products_from_lines": (
        "order-line SKUs missing from the products export",
        "deleted products, custom items or no products export; each got a product row from its "
        "latest line (title = Lineitem name, category 'Uncategorized', status off_shelf when a "
        "products export was given)",
    ),
    "refunds": (
        "orders with Refunded Amount > 0",
        "one refund each (kind refund_only, status completed); the orders export has no refund "
        "date, so each is dated at Cancelled at, else at the order's latest timestamp, and names "
        "a SKU only when the order has a single SKU",
    ),
}

_CATALOG_CALLS: dict[str, tuple[str, str]] = {
    "image_rows": (
        "image-only rows (Image Src without variant fields)",
        "counted as images, not variants",
    ),
    "synth_variant_skus": (
        "variants without a Variant SKU",
        "each got 'nosku-' + a sha256 prefix of its line-item name ('Title - Option values')",
    ),
    "duplicate_skus": ("variants repeating a SKU already seen", "the first one was kept"),
    "category_from_type": (
        "listings without a Product Category",
        "their Type was used as category",
    ),
    "uncategorized": (
        "listings with neither Product Category nor Type",
        "category 'Uncategorized'",
    ),
    "negative_stock": (
        "variants with a negative Variant Inventory Qty (oversold)",
        "on_hand set to 0",
    ),
}


def _counted(counts: Counter[str], calls: dict[str, tuple[str, str]]) -> list[str]:
    return [
        f"{label}: {counts[key]} — {what}" for key, (label, what) in calls.items() if counts[key]
    ]


def order_notes(counts: Counter[str], orders: Sequence[dict[str, Cell]]) -> list[str]:
    """Notes about orders, customers, order lines and refunds."""
    c = counts
    status = (
        f"orders: {len(orders)}; status from Cancelled at, Financial Status and Fulfillment Status: "
        f"cancelled {c['status_cancelled']} (Cancelled at set, or voided), closed {c['status_closed']} "
        f"(fully refunded), shipped {c['status_shipped']} (fulfilled; the export has no delivery date), "
        f"paid {c['status_paid']} (incl. partially fulfilled or refunded), created {c['status_created']} "
        "(payment pending)"
    )
    privacy = (
        "customer_id is 'cust-' + 12 hex digits of sha256(lower-cased Email); no email is stored"
    )
    return [status, privacy, *_counted(counts, _ORDER_CALLS)]


def catalog_notes(catalog: Counter[str], as_of: date | None) -> list[str]:
    """Notes about the products export (``as_of`` is ``None`` when there was none)."""
    if as_of is None:
        return ["no products export given: every product row was built from order lines"]
    rules = (
        "products: one row per variant, product_id = Handle, Status active → on_sale and "
        "draft/archived → off_shelf, image_count = distinct Image Src per Handle, attributes = "
        "Option1..3 Name/Value (Shopify's 'Default Title' left out), category = Product Category "
        "with ' > ' written as '/'"
    )
    stock = f"inventory: Variant Inventory Qty as an on_hand snapshot dated {as_of.isoformat()}, warehouse 'main'"
    return [rules, stock, *_counted(catalog, _CATALOG_CALLS)]
