"""Order and parcel statuses in the buyer's words: the backend's ``in_transit`` or
``awaiting_shipment`` never reach a zh buyer as such (catalogue entries ``cs.status.<status>``).
"""

from __future__ import annotations

from shopkeeper.text import messages, t

_WORDS = messages(
    {
        "pending": ("待发出", "not yet handed to the carrier"),
        "in_transit": ("运输中", "in transit"),
        "delivered": ("已签收", "delivered"),
        "shipped": ("已发货", "shipped"),
        "awaiting_shipment": ("待发货", "awaiting shipment"),
        "created": ("已下单", "placed"),
        "paid": ("已付款", "paid"),
        "unpaid": ("待付款", "awaiting payment"),
        "completed": ("交易完成", "completed"),
        "cancelled": ("已取消", "cancelled"),
        "closed": ("已关闭", "closed"),
        "after_sale": ("售后处理中", "in an after-sale case"),
        "refunded": ("已退款", "refunded"),
    },
    prefix="cs.status.",
)
"""Order and parcel statuses in the buyer's words (never ``in_transit`` in the zh widget)."""


def status_word(status: str, lang: str) -> str:
    """A backend status in words: the catalogue's for the known ones, the backend's own text
    (a merchant's 自定义状态) otherwise.

    >>> status_word("in_transit", "zh"), status_word("awaiting_shipment", "zh")
    ('运输中', '待发货')
    """
    key = f"cs.status.{status}"
    return t(key, lang) if key in _WORDS else status


def is_known_status(status: str) -> bool:
    """Whether the catalogue has words for ``status``."""
    return f"cs.status.{status}" in _WORDS
