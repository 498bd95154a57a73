"""What the after-sale tools see of a store: buyers, orders, lines, parcels, payments, SKUs.

One shape for every backend (a Shopkeeper store, the τ²-bench retail database...): a backend
translates its own records into these, and the policy decides on these alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.ops.actions import AddressParams as Address

__all__ = [
    "Address",
    "Buyer",
    "Order",
    "OrderLine",
    "Payment",
    "PaymentMethod",
    "Presale",
    "Shipment",
    "Sku",
    "Stage",
]

Stage = Literal[
    "unpaid",
    "awaiting_shipment",
    "shipped",
    "delivered",
    "completed",
    "cancelled",
    "closed",
    "after_sale",
]
"""Where an order is: before payment, paid and not shipped, on its way, delivered, confirmed
received, cancelled, closed unpaid, or handed over to an after-sale case as a whole."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Buyer(_Frozen):
    """Who the conversation acts for; ``verified`` once the platform or a lookup confirmed it."""

    customer_id: str
    verified: bool = False


class OrderLine(_Frozen):
    """One line of an order. ``line_id`` is what a buyer's request names."""

    line_id: str
    sku_id: str
    product_id: str = ""
    title: str = ""
    options: dict[str, str] = Field(default_factory=dict)
    quantity: int = 1
    unit_price: float
    paid_amount: float


class Shipment(_Frozen):
    """One parcel and the lines in it."""

    tracking_no: str = ""
    carrier: str = ""
    line_ids: list[str] = Field(default_factory=list)
    status: Literal["pending", "in_transit", "delivered"] = "in_transit"
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None


class Payment(_Frozen):
    """One money movement of an order."""

    kind: Literal["payment", "refund"] = "payment"
    amount: float
    method_id: str


class PaymentMethod(_Frozen):
    """A way the buyer pays or is refunded; a gift card has a balance."""

    method_id: str
    kind: str = "original"
    balance: float | None = None


class Presale(_Frozen):
    """A presale (定金预售) order: the deposit, and whether and from when the balance is due."""

    deposit: float
    balance_paid: bool
    final_payment_from: dt.datetime | None = None
    deposit_refunded: bool = False


class Sku(_Frozen):
    """A sellable variant, with what the policy needs to know about it."""

    sku_id: str
    product_id: str
    title: str = ""
    category: str = ""
    options: dict[str, str] = Field(default_factory=dict)
    price: float
    available: bool = True
    attributes: dict[str, str] = Field(default_factory=dict)
    shelf_life_days: int | None = None


class Order(_Frozen):
    """An order as the buyer and the policy see it, executed after-sale changes included."""

    order_id: str
    customer_id: str
    stage: Stage
    status: str = Field(description="the backend's own status, shown to the buyer as is")
    created_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    address: Address = Field(default_factory=Address)
    lines: list[OrderLine] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)
    presale: Presale | None = None
    locked: bool = Field(
        False, description="no more modification or cancel (items already changed)"
    )
    after_sale_lines: dict[str, str] = Field(
        default_factory=dict, description="line_id → the after-sale case it is already in"
    )

    @property
    def original_method_id(self) -> str | None:
        """The payment method the order was first paid with."""
        return next((p.method_id for p in self.payments if p.kind == "payment"), None)

    @property
    def paid_total(self) -> float:
        """Paid minus refunded."""
        return sum(p.amount if p.kind == "payment" else -p.amount for p in self.payments)

    def take_lines(self, line_ids: list[str]) -> list[OrderLine] | None:
        """The lines ``line_ids`` name, a repeated id taking the next line with it; ``None``
        when the order has fewer such lines than asked for.
        """
        pool = list(self.lines)
        taken: list[OrderLine] = []
        for line_id in line_ids:
            line = next((ln for ln in pool if ln.line_id == line_id), None)
            if line is None:
                return None
            pool.remove(line)
            taken.append(line)
        return taken
