"""The order backend protocol: what the after-sale tools need from wherever orders live.

A Shopkeeper store (:mod:`shopkeeper.cs.aftersale.store`) and the τ²-bench retail database
(:mod:`shopkeeper.cs.tau2.backend`) both implement it, so the same tools and the same policy run
on both. Reads return the order *as changed by executed after-sale actions*; :meth:`apply` is
the one write, idempotent by ``action_id``.
"""

from __future__ import annotations

from typing import Any, Protocol

from shopkeeper.cs.aftersale.models import Order, PaymentMethod, Sku


class OrderBackend(Protocol):
    """Where orders, SKUs and payment methods come from, and where executed changes go."""

    name: str

    def order(self, order_id: str) -> Order | None:
        """One order, whoever it belongs to (the service checks that), or ``None``."""
        ...

    def orders_of(self, customer_id: str) -> list[Order]:
        """A buyer's orders, newest first."""
        ...

    def sku(self, sku_id: str) -> Sku | None:
        """One SKU (variant), or ``None``."""
        ...

    def payment_methods(self, customer_id: str) -> dict[str, PaymentMethod]:
        """The buyer's payment methods by id (on platforms that refund to the original payment
        only, the order's own method is enough).
        """
        ...

    def supports(self, action: str) -> bool:
        """Whether this backend can execute after-sale ``action`` (e.g. ``cs.change_payment``)."""
        ...

    def apply(self, action_id: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """Execute an approved after-sale action; applying the same ``action_id`` twice applies
        it once. Returns what it did.
        """
        ...
