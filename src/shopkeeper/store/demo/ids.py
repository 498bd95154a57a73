"""Identifiers that look like the platform's: long order numbers, tracking numbers, review ids.

Numbers come from a running sequence scrambled by an odd multiplier modulo a power of ten (a
bijection, so ids never collide) and are formatted by DuckDB when a table is written; the Python
twins give the same text for the few ids a manifest needs.

>>> order_id(0, "zh"), order_id(1, "zh")
('3600000000000000000', '3600000000982451653')
>>> order_id(1, "en")
'5000982451653'
"""

from __future__ import annotations

MULT = 982_451_653

_ORDER = {"zh": (3_600_000_000_000_000_000, 10**17), "en": (5_000_000_000_000, 10**12)}
_REVIEW = {"zh": (1_000_000_000_000, 10**12), "en": (3_000_000_000, 10**9)}
_REFUND = {"zh": (200_000_000_000_000, 10**14), "en": (900_000_000, 10**8)}


def _sql(column: str, base: int, mod: int) -> str:
    return f"CAST({base} + ({column} * {MULT}) % {mod} AS VARCHAR)"


def order_id_sql(column: str, lang: str) -> str:
    """SQL for the order id of an order-sequence column."""
    return _sql(column, *_ORDER[lang])


def order_id(seq: int, lang: str) -> str:
    """The order id of an order sequence number."""
    base, mod = _ORDER[lang]
    return str(base + (seq * MULT) % mod)


def review_id_sql(column: str, lang: str) -> str:
    """SQL for the review id of a review-sequence column."""
    return _sql(column, *_REVIEW[lang])


def refund_id_sql(column: str, lang: str) -> str:
    """SQL for the refund id of a refund-sequence column."""
    return _sql(column, *_REFUND[lang])


def conversation_id_sql(column: str) -> str:
    """SQL for a chat conversation id."""
    return f"'CV' || lpad(CAST({column} AS VARCHAR), 9, '0')"


def message_id_sql(column: str) -> str:
    """SQL for a chat message id."""
    return f"'M' || lpad(CAST({column} AS VARCHAR), 10, '0')"
