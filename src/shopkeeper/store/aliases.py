"""Header and value aliases: platform export names mapped onto the contract.

Headers from Tmall/Taobao 生意参谋 and 千牛 exports and from Shopify's order and product CSV
exports are accepted in place of the contract's snake_case names. The full table is documented
in ``docs/aliases.md`` (a test checks that the two agree).

>>> canonical_column("traffic", "访客数")
'visitors'
>>> canonical_column("traffic", " Visitors ")
'visitors'
>>> canonical_column("orders", "支付金额(元)")
'pay_amount'
>>> canonical_value("orders", "status", "交易成功")
'completed'
"""

from __future__ import annotations

import re
import unicodedata

_UNIT_SUFFIX = re.compile(r"[\(（\[【][^\)）\]】]*[\)）\]】]\s*$")
_SEPARATORS = re.compile(r"[\s_\-/·.]+")


def normalize_header(header: str) -> str:
    """Normalise a header for alias lookup: NFKC, trimmed, lower case, units in brackets removed.

    >>> normalize_header("\\ufeff支付金额（元） ")
    '支付金额'
    >>> normalize_header("Lineitem  SKU")
    'lineitem sku'
    """
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "").strip()
    text = _UNIT_SUFFIX.sub("", text).strip()
    return _SEPARATORS.sub(" ", text).strip().lower()


# Aliases per table: normalised alias -> contract column. Contract names themselves always match.
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "products": {
        "商品id": "product_id",
        "宝贝id": "product_id",
        "sku id": "sku_id",
        "skuid": "sku_id",
        "商品标题": "title",
        "宝贝标题": "title",
        "类目": "category",
        "价格": "price",
        "一口价": "price",
    },
    "orders": {
        "订单编号": "order_id",
        "主订单编号": "order_id",
        "买家会员名": "customer_id",
        "订单创建时间": "created_at",
        "订单付款时间": "paid_at",
        "订单状态": "status",
        "买家实际支付金额": "pay_amount",
        "支付金额": "pay_amount",
    },
    "order_items": {
        "订单编号": "order_id",
        "主订单编号": "order_id",
        "购买数量": "quantity",
        "价格": "unit_price",
    },
    "traffic": {
        "统计日期": "date",
        "日期": "date",
        "商品id": "product_id",
        "流量来源": "source",
        "访客数": "visitors",
        "浏览量": "page_views",
        "加购人数": "add_to_cart",
        "收藏人数": "favorites",
        "支付买家数": "buyers",
        "支付金额": "gmv",
    },
}

# Enum values from platform exports: (table, column) -> normalised value -> contract value.
VALUE_ALIASES: dict[tuple[str, str], dict[str, str]] = {
    ("orders", "status"): {
        "等待买家付款": "created",
        "买家已付款,等待卖家发货": "paid",
        "买家已付款，等待卖家发货": "paid",
        "等待卖家发货": "paid",
        "卖家已发货,等待买家确认": "shipped",
        "卖家已发货，等待买家确认": "shipped",
        "卖家已发货": "shipped",
        "交易成功": "completed",
        "交易关闭": "closed",
        "已取消": "cancelled",
    },
    ("products", "status"): {"出售中": "on_sale", "已下架": "off_shelf", "仓库中": "off_shelf"},
}


def canonical_column(table: str, header: str) -> str | None:
    """The contract column a file header maps to in ``table``, or ``None`` for an extra column."""
    from shopkeeper.store.schema import TABLES

    key = normalize_header(header)
    spec = TABLES[table]
    snake = key.replace(" ", "_")
    if spec.has(snake):
        return snake
    return COLUMN_ALIASES.get(table, {}).get(key)


def canonical_value(table: str, column: str, value: str) -> str:
    """Map an enum value from an export onto the contract (returns the input when unknown)."""
    return VALUE_ALIASES.get((table, column), {}).get(value.strip(), value)
