"""The store's metrics, each defined once, by name: what a paid order is, what a line and an order
are worth, what stock is free to sell, and the rates built on them.

Every SQL fragment takes the alias of its table (``""`` for an unqualified column), so a query
writes ``WHERE {paid()} AND …`` or ``sum({line_gmv()})`` instead of its own copy. Inspection,
reports and skills all read these; when two of them disagree on a number, the fix is here.

>>> paid()
"o.status NOT IN ('created', 'cancelled', 'closed')"
>>> paid("")
"status NOT IN ('created', 'cancelled', 'closed')"
>>> line_gmv()
'coalesce(i.paid_amount, i.unit_price * i.quantity)'
>>> order_gmv("o", "l.total")
'coalesce(o.pay_amount, l.total)'
>>> refund_rate(3, 60), conversion(12, 400), conversion(1, 0)
(0.05, 0.03, None)
"""

from __future__ import annotations


def _col(alias: str, column: str) -> str:
    return f"{alias}.{column}" if alias else column


def paid(alias: str = "o") -> str:
    """A paid order: every status but unpaid (``created``), ``cancelled`` and ``closed``.

    The sales figures (GMV, orders, units, daily sales rate) count these orders only, on the day
    they were placed.
    """
    return f"{_col(alias, 'status')} NOT IN ('created', 'cancelled', 'closed')"


def paid_or_deposit(alias: str = "o") -> str:
    """A paid order, or a presale (定金) order whose deposit is paid and balance due later.

    The variant for judging a day's sales against other days: without it a presale season would
    look like a slump.
    """
    return f"({paid(alias)} OR coalesce({_col(alias, 'presale_deposit')}, 0) > 0)"


def presale_paid(alias: str = "o") -> str:
    """A paid presale order (a deposit was taken and the order is paid)."""
    return f"{_col(alias, 'presale_deposit')} > 0 AND {paid(alias)}"


def not_cancelled(alias: str = "o") -> str:
    """An order still alive: not ``cancelled`` or ``closed`` (unpaid ones included).

    The variant for questions about what a buyer placed rather than what they paid: shipping
    duty, a buyer's order history, the prices buyers were offered.
    """
    return f"{_col(alias, 'status')} NOT IN ('cancelled', 'closed')"


def shipped(alias: str = "o") -> str:
    """An order that left the warehouse: a shipping or delivery time, or a status past shipping.

    Statuses alone miss stores that never update them; times alone miss stores without them.
    """
    return (
        f"({_col(alias, 'shipped_at')} IS NOT NULL OR {_col(alias, 'delivered_at')} IS NOT NULL"
        f" OR {_col(alias, 'status')} IN ('shipped', 'delivered', 'completed'))"
    )


def delivered_status(alias: str = "o") -> str:
    """An order whose status says it reached the buyer (``delivered`` or ``completed``).

    The delivery check reads it beside ``delivered_at``: a parcel with neither is undelivered.
    """
    return f"{_col(alias, 'status')} IN ('delivered', 'completed')"


def refund_counted(alias: str = "r") -> str:
    """A refund that counts: every status but ``rejected`` and ``cancelled`` (withdrawn by the buyer)."""
    return f"coalesce({_col(alias, 'status')}, '') NOT IN ('rejected', 'cancelled')"


def line_gmv(alias: str = "i") -> str:
    """What an order line finally cost: its ``paid_amount``, else ``unit_price × quantity``.

    Per-SKU and per-listing GMV is the sum of this over paid orders' lines.
    """
    return f"coalesce({_col(alias, 'paid_amount')}, {_col(alias, 'unit_price')} * {_col(alias, 'quantity')})"


def order_gmv(alias: str = "o", lines: str | None = None) -> str:
    """What an order finally cost: its ``pay_amount``, else the sum of its lines' :func:`line_gmv`.

    ``lines`` is the expression for that sum where the query already has it (a join or a
    ``GROUP BY``); by default a subquery over ``order_items`` computes it, only for the orders
    without a ``pay_amount`` (the condition on the outer row lets DuckDB join the lines of those
    orders alone: about 2.5 × faster on a store whose export has the amount paid). Store GMV is the
    sum of this over paid orders (it holds shipping and order-level discounts, which lines do not).
    """
    total = lines or (
        f"(SELECT sum({line_gmv('x')}) FROM order_items x WHERE x.order_id = {_col(alias, 'order_id')}"
        f" AND {_col(alias, 'pay_amount')} IS NULL)"
    )
    return f"coalesce({_col(alias, 'pay_amount')}, {total})"


def valued_orders(where: str) -> str:
    """SQL row source: the ``orders`` rows matching ``where`` (written on the alias ``o``) with
    their :func:`order_gmv` as ``gmv`` — for a query summing it over many orders: FROM
    ``{valued_orders(...)} o``.

    The orders with a ``pay_amount`` and those without are read apart, so only the latter ask
    for their lines: DuckDB turns :func:`order_gmv`'s subquery into a join over every order
    of the scan (about 6 × slower on a store whose export has the amount paid). Bind the
    parameters of ``where`` by name (``$start``): it appears twice.
    """
    lines = f"(SELECT sum({line_gmv('x')}) FROM order_items x WHERE x.order_id = o.order_id)"
    return (
        f"(SELECT o.*, o.pay_amount AS gmv FROM orders o WHERE o.pay_amount IS NOT NULL AND ({where})"
        f" UNION ALL SELECT o.*, {lines} AS gmv FROM orders o WHERE o.pay_amount IS NULL AND ({where}))"
    )


def order_value_or_deposit(alias: str = "o") -> str:
    """What an order is worth while its presale balance may still be unpaid: its ``pay_amount``,
    else the presale deposit, else 0 (the value at stake in an order that has not shipped).
    """
    return f"coalesce({_col(alias, 'pay_amount')}, {_col(alias, 'presale_deposit')}, 0)"


def available(alias: str = "") -> str:
    """Stock free to sell in one inventory row: ``on_hand − reserved`` (no reservation: 0).

    A SKU's available stock is the sum of this over its warehouses in its latest snapshot; it may be
    negative when more is promised than held. :func:`shopkeeper.store.sales.Sales.stock` gives it
    per SKU.
    """
    return f"({_col(alias, 'on_hand')} - coalesce({_col(alias, 'reserved')}, 0))"


def _share(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def refund_rate(refund_orders: float, paid_orders: float) -> float | None:
    """Orders with an after-sale case / paid orders, 0-1 to 4 places; ``None`` without paid orders."""
    return _share(refund_orders, paid_orders)


def conversion(buyers: float, visitors: float) -> float | None:
    """Paying buyers / visitors, 0-1 to 4 places; ``None`` without visitors."""
    return _share(buyers, visitors)


def days_of_cover(available: float, daily: float) -> float | None:
    """Days the free stock lasts at the current rate (``None`` when nothing sells — including a rate
    so small that the division would overflow).

    >>> days_of_cover(30, 4.0), days_of_cover(-3, 2.0), days_of_cover(5, 0.0)
    (7.5, 0.0, None)
    """
    if daily <= 1e-9:
        return None
    return max(0.0, available) / daily
