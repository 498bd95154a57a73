"""The store-data contract v1.1 (``shared/spec/store-data.md``) as data: one source of truth.

Every importer, adapter, the demo-store generator and the warehouse DDL read these definitions;
nobody re-types a column list.

>>> TABLES["order_items"].key
('order_id', 'line_no')
>>> TABLES["orders"].column("status").enum[:3]
('created', 'paid', 'shipped')
>>> [t.name for t in TABLES.values() if t.required]
['products', 'orders', 'order_items']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColType(StrEnum):
    """Contract types and the DuckDB type each is stored as."""

    STR = "str"
    INT = "int"
    DEC = "dec"
    DATE = "date"
    TS = "ts"
    BOOL = "bool"
    JSON = "json"
    ENUM = "enum"

    @property
    def sql(self) -> str:
        """DuckDB storage type."""
        return _SQL_TYPES[self]


_SQL_TYPES = {
    ColType.STR: "VARCHAR",
    ColType.INT: "BIGINT",
    ColType.DEC: "DECIMAL(18,4)",
    ColType.DATE: "DATE",
    ColType.TS: "TIMESTAMPTZ",
    ColType.BOOL: "BOOLEAN",
    ColType.JSON: "JSON",
    ColType.ENUM: "VARCHAR",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a contract table."""

    name: str
    type: ColType
    required: bool = False
    key: bool = False
    enum: tuple[str, ...] = ()
    default: str | int | None = None
    min_value: int | None = None
    max_value: int | None = None
    positive: bool = False  # strictly > 0
    blank_ok: bool = False  # a required column whose cell may be empty (a guest's customer_id)
    date_is_end_of_day: bool = False  # a timestamp written as a date alone means 23:59:59 that day
    doc: str = ""


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """``column`` must match ``ref_table.ref_column``.

    Strict keys quarantine rows that point nowhere; soft keys only raise a data-quality warning
    (e.g. a chat that mentions an order from before the export window).
    """

    column: str
    ref_table: str
    ref_column: str
    strict: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    """One contract table."""

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    time_column: str | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    doc: str = ""
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def key(self) -> tuple[str, ...]:
        """Primary-key column names, in order."""
        return tuple(c.name for c in self.columns if c.key)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns that must be present in every file of this table."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """Look a column up by name."""
        return self._by_name[name]

    def has(self, name: str) -> bool:
        """Whether the contract defines this column."""
        return name in self._by_name


S, I, D, DT, TS, B, J, E = (  # noqa: E741
    ColType.STR,
    ColType.INT,
    ColType.DEC,
    ColType.DATE,
    ColType.TS,
    ColType.BOOL,
    ColType.JSON,
    ColType.ENUM,
)

ORDER_STATUSES = ("created", "paid", "shipped", "delivered", "completed", "cancelled", "closed")
REFUND_KINDS = ("refund_only", "return_refund", "exchange", "reship")
REFUND_STATUSES = ("requested", "approved", "rejected", "completed", "cancelled")
PROMOTION_KINDS = ("discount", "threshold", "coupon", "bundle", "presale", "flash")
CREATIVE_KINDS = ("main_image", "image", "video", "title")
CREATIVE_STATUSES = ("testing", "live", "retired")

_TABLES: tuple[Table, ...] = (
    Table(
        "products",
        required=True,
        time_column="listed_at",
        doc="One row per SKU.",
        columns=(
            Column("sku_id", S, required=True, key=True),
            Column("product_id", S, required=True),
            Column("title", S, required=True),
            Column("category", S, required=True),
            Column("price", D, required=True, min_value=0),
            Column("cost", D, min_value=0),
            Column("status", E, enum=("on_sale", "off_shelf"), default="on_sale"),
            Column("listed_at", DT),
            Column("brand", S),
            Column("image_count", I, min_value=0),
            Column("attributes", J),
            Column("shelf_life_days", I, min_value=0),
            Column("lead_time_days", I, min_value=0, default=7),
            Column("sku_name", S, doc="v1.1: the variant as buyers see it (销售属性)"),
        ),
    ),
    Table(
        "orders",
        required=True,
        time_column="created_at",
        doc="One row per order.",
        columns=(
            Column("order_id", S, required=True, key=True),
            Column(
                "customer_id",
                S,
                required=True,
                blank_ok=True,
                doc="v1.1: empty = a guest checkout (an order, not a customer)",
            ),
            Column("created_at", TS, required=True),
            Column("paid_at", TS),
            Column("status", E, required=True, enum=ORDER_STATUSES),
            Column("channel", S),
            Column("pay_amount", D, min_value=0),
            Column("shipping_fee", D, min_value=0),
            Column("receiver_name", S),
            Column("receiver_phone", S),
            Column("receiver_country", S, doc="v1.1: ISO code or name"),
            Column("receiver_province", S),
            Column("receiver_city", S),
            Column("receiver_district", S),
            Column("receiver_address", S),
            Column("shipped_at", TS),
            Column("delivered_at", TS),
            Column(
                "promised_delivery_at",
                TS,
                date_is_end_of_day=True,
                doc="v1.1: delivery promised to the buyer",
            ),
            Column("carrier", S),
            Column("tracking_no", S),
            Column("presale_deposit", D, min_value=0),
        ),
    ),
    Table(
        "order_items",
        required=True,
        doc="One row per order line.",
        foreign_keys=(
            ForeignKey("order_id", "orders", "order_id"),
            ForeignKey("sku_id", "products", "sku_id"),
        ),
        columns=(
            Column("order_id", S, required=True, key=True),
            Column("line_no", I, key=True, min_value=1),
            Column("sku_id", S, required=True),
            Column("quantity", I, required=True, positive=True),
            Column("unit_price", D, required=True, min_value=0),
            Column("paid_amount", D, min_value=0),
        ),
    ),
    Table(
        "traffic",
        time_column="date",
        doc="Daily visitors per listing per source.",
        foreign_keys=(ForeignKey("product_id", "products", "product_id"),),
        columns=(
            Column("date", DT, required=True, key=True),
            Column("product_id", S, required=True, key=True),
            Column("source", S, required=True, key=True),
            Column("impressions", I, min_value=0),
            Column("visitors", I, required=True, min_value=0),
            Column("page_views", I, min_value=0),
            Column("add_to_cart", I, min_value=0),
            Column("favorites", I, min_value=0),
            Column("buyers", I, min_value=0),
            Column("gmv", D, min_value=0),
        ),
    ),
    Table(
        "search_terms",
        time_column="date",
        doc="Daily visitors per listing per search term.",
        foreign_keys=(ForeignKey("product_id", "products", "product_id"),),
        columns=(
            Column("date", DT, required=True, key=True),
            Column("product_id", S, required=True, key=True),
            Column("keyword", S, required=True, key=True),
            Column("impressions", I, min_value=0),
            Column("visitors", I, required=True, min_value=0),
            Column("buyers", I, min_value=0),
            Column("gmv", D, min_value=0),
        ),
    ),
    Table(
        "ad_campaigns",
        time_column="date",
        doc="Daily spend and results per campaign (optionally per listing / audience).",
        foreign_keys=(ForeignKey("product_id", "products", "product_id"),),
        columns=(
            Column("date", DT, required=True, key=True),
            Column("campaign_id", S, required=True, key=True),
            Column("product_id", S, key=True, default=""),
            Column("audience", S, key=True, default=""),
            Column("campaign_name", S),
            Column("kind", S),
            Column("daily_budget", D, min_value=0),
            Column("target_roi", D, min_value=0),
            Column("bid", D, min_value=0),
            Column("spend", D, required=True, min_value=0),
            Column("impressions", I, min_value=0),
            Column("clicks", I, required=True, min_value=0),
            Column("conversions", I, min_value=0),
            Column("gmv", D, required=True, min_value=0),
        ),
    ),
    Table(
        "inventory",
        time_column="date",
        doc="Stock snapshots per SKU per warehouse (and lot).",
        foreign_keys=(ForeignKey("sku_id", "products", "sku_id"),),
        columns=(
            Column("date", DT, required=True, key=True),
            Column("sku_id", S, required=True, key=True),
            Column("warehouse", S, key=True, default="main"),
            Column("on_hand", I, required=True, min_value=0),
            Column("reserved", I, min_value=0),
            Column("in_transit", I, min_value=0),
            Column("expiry_date", DT),
            Column("lot_id", S, key=True, default=""),
        ),
    ),
    Table(
        "reviews",
        time_column="created_at",
        doc="Product reviews.",
        foreign_keys=(
            ForeignKey("sku_id", "products", "sku_id"),
            ForeignKey("order_id", "orders", "order_id", strict=False),
        ),
        columns=(
            Column("review_id", S, required=True, key=True),
            Column("order_id", S),
            Column("sku_id", S, required=True),
            Column("product_id", S),
            Column("created_at", TS, required=True),
            Column("rating", I, required=True, min_value=1, max_value=5),
            Column("text", S),
            Column("has_media", B),
            Column("reply", S),
        ),
    ),
    Table(
        "refunds",
        time_column="created_at",
        doc="After-sale cases.",
        foreign_keys=(
            ForeignKey("order_id", "orders", "order_id"),
            ForeignKey("sku_id", "products", "sku_id"),
        ),
        columns=(
            Column("refund_id", S, required=True, key=True),
            Column("order_id", S, required=True),
            Column("sku_id", S),
            Column("created_at", TS, required=True),
            Column("kind", E, required=True, enum=REFUND_KINDS),
            Column("amount", D, min_value=0),
            Column("reason", S),
            Column("status", E, enum=REFUND_STATUSES),
            Column("resolved_at", TS),
        ),
    ),
    Table(
        "messages",
        time_column="sent_at",
        doc="Customer-service chat log, one row per message.",
        foreign_keys=(
            ForeignKey("order_id", "orders", "order_id", strict=False),
            ForeignKey("product_id", "products", "product_id", strict=False),
        ),
        columns=(
            Column("conversation_id", S, required=True, key=True),
            Column("message_id", S, required=True, key=True),
            Column("sent_at", TS, required=True),
            Column("customer_id", S),
            Column("sender", E, required=True, enum=("customer", "agent", "bot")),
            Column("text", S, required=True),
            Column("order_id", S),
            Column("product_id", S),
        ),
    ),
    Table(
        "competitors",
        time_column="date",
        doc="Daily watch of competing listings (生意参谋 竞品分析).",
        foreign_keys=(ForeignKey("our_product_id", "products", "product_id"),),
        columns=(
            Column("date", DT, required=True, key=True),
            Column("our_product_id", S, required=True, key=True),
            Column("competitor_product_id", S, required=True, key=True),
            Column("competitor_shop", S, required=True),
            Column("competitor_title", S),
            Column("competitor_price", D, min_value=0),
            Column("competitor_sales", I, min_value=0),
            Column("lost_buyers", I, min_value=0),
        ),
    ),
    Table(
        "creatives",
        time_column="created_at",
        doc="v1.1: the images, videos and titles a listing shows.",
        foreign_keys=(ForeignKey("product_id", "products", "product_id"),),
        columns=(
            Column("creative_id", S, required=True, key=True),
            Column("product_id", S, required=True),
            Column("kind", E, required=True, enum=CREATIVE_KINDS),
            Column("path", S),
            Column("text", S),
            Column("created_at", TS),
            Column("status", E, enum=CREATIVE_STATUSES),
        ),
    ),
    Table(
        "creative_stats",
        time_column="date",
        doc="v1.1: daily results per creative (and audience), as a 测图 / A/B report gives them.",
        foreign_keys=(
            ForeignKey("creative_id", "creatives", "creative_id"),
            ForeignKey("product_id", "products", "product_id", strict=False),
        ),
        columns=(
            Column("date", DT, required=True, key=True),
            Column("creative_id", S, required=True, key=True),
            Column("audience", S, key=True, default=""),
            Column("product_id", S),
            Column("impressions", I, required=True, min_value=0),
            Column("clicks", I, required=True, min_value=0),
            Column("add_to_cart", I, min_value=0),
            Column("buyers", I, min_value=0),
            Column("gmv", D, min_value=0),
        ),
    ),
    Table(
        "customers",
        time_column="first_seen_at",
        doc="Buyers.",
        columns=(
            Column("customer_id", S, required=True, key=True),
            Column("first_seen_at", TS),
            Column("gender", S),
            Column("age_band", S),
            Column("province", S),
            Column("city", S),
            Column("member_level", S),
            Column("tags", J),
        ),
    ),
    Table(
        "promotions",
        time_column="start_at",
        doc="Promotions and campaigns of the shop itself.",
        columns=(
            Column("promotion_id", S, required=True, key=True),
            Column("name", S, required=True),
            Column("kind", E, required=True, enum=PROMOTION_KINDS),
            Column("start_at", TS, required=True),
            Column("end_at", TS, required=True),
            Column("rule", J),
            Column("sku_ids", J),
        ),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in _TABLES}
"""All 16 contract tables, by name, in dependency order (referenced tables first)."""

REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLES if t.required)

EXTRA_COLUMN = "extra"
"""Warehouse column (JSON object) holding a file's columns that the contract does not define."""


def import_order(names: list[str]) -> list[str]:
    """Sort table names so that referenced tables load before the tables that point at them."""
    rank = {name: i for i, name in enumerate(TABLES)}
    return sorted(names, key=lambda n: rank[n])
