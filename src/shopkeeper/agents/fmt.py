"""Numbers as a merchant reads them: money and percentages."""

from __future__ import annotations


def money(value: float | None, currency: str = "") -> str:
    """A money amount with thousands separators (``¥`` for CNY).

    >>> money(12345.6, "CNY"), money(None)
    ('¥12,345.60', '—')
    """
    if value is None:
        return "—"
    sign = "¥" if currency in ("CNY", "RMB", "") else f"{currency} "
    return f"{sign}{value:,.2f}"


def pct(value: float | None) -> str:
    """A ratio as a percentage.

    >>> pct(0.1234)
    '12.3%'
    """
    return "—" if value is None else f"{value * 100:.1f}%"
