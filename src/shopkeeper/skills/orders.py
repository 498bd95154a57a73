"""Order questions: one order's state, and the shipping queue (unshipped, overdue, late, bad addresses).

An order is overdue when it is paid, unshipped at the end of the day asked, and the shipping
promise (``[targets] ship_within_hours``, else 48) has passed since payment (its creation when the
export has no payment time). Addresses are judged by the inspection's rules
(:mod:`shopkeeper.inspection.rules.addresses`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.skills.common import DataAnswer, end_of_day, open_store, promise_hours
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, tr
from shopkeeper.skills.shipping import shipping_overview

ShipState = Literal["not_paid", "awaiting_shipment", "in_transit", "delivered", "cancelled"]


class OrderArgs(BaseModel):
    """Which order."""

    order_id: str | None = Field(default=None, description="the order number")
    tracking_no: str | None = Field(default=None, description="…or its tracking number")


class OrderLine(BaseModel):
    """One line of the order."""

    sku_id: str
    title: str | None
    quantity: int
    unit_price: float
    paid_amount: float | None


class RefundCase(BaseModel):
    """An after-sale case of the order."""

    refund_id: str
    kind: str
    status: str | None
    amount: float | None
    reason: str | None
    created_at: dt.datetime


class OrderStatus(DataAnswer):
    """One order as the store's data shows it."""

    found: bool = False
    order_id: str | None = None
    customer_id: str | None = None
    status: str | None = None
    created_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    pay_amount: float | None = Field(default=None, description="money")
    shipping_fee: float | None = None
    shipment: ShipState | None = None
    carrier: str | None = None
    tracking_no: str | None = None
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    ship_by: dt.datetime | None = Field(default=None, description="payment + shipping promise")
    overdue: bool = Field(
        default=False, description="unshipped past ship_by at the data's last day"
    )
    items: list[OrderLine] = Field(default_factory=list)
    refunds: list[RefundCase] = Field(default_factory=list)
    refund_state: str | None = Field(default=None, description="status of the latest case, if any")

    def render(self, lang: Lang, currency: str = "") -> str:
        """The order's state, payment and shipping, then its lines."""
        if not self.found:
            return "\n".join([tr(lang, "没有找到这个订单。", "No such order."), *self.tail(lang)])
        cur = self.money_in(currency)
        ship = f"{self.shipment or '—'} {self.carrier or ''} {self.tracking_no or ''}".rstrip()
        head = tr(
            lang,
            f"订单 {self.order_id}：{self.status}，实付 {money(self.pay_amount, cur, lang)}，下单 {self.created_at}；物流 {ship}"
            + ("，已超时未发货" if self.overdue else "")
            + (f"，售后：{self.refund_state}" if self.refund_state else "")
            + "。",
            f"Order {self.order_id}: {self.status}, paid {money(self.pay_amount, cur, lang)}, placed {self.created_at}; shipping {ship}"
            + (", overdue to ship" if self.overdue else "")
            + (f", after-sale: {self.refund_state}" if self.refund_state else "")
            + ".",
        )
        rows = [
            f"- {r.title or r.sku_id} ×{r.quantity}：{money(r.paid_amount, cur, lang)}"
            for r in self.items
        ]
        return self.join(lang, head, rows)


def _shipment(o: dict[str, Any]) -> ShipState:
    if o["status"] in ("cancelled", "closed"):
        return "cancelled"
    if o["delivered_at"] is not None or o["status"] in ("delivered", "completed"):
        return "delivered"
    if o["shipped_at"] is not None or o["status"] == "shipped":
        return "in_transit"
    return "awaiting_shipment" if o["status"] == "paid" or o["paid_at"] else "not_paid"


@skill(tags=("data", "orders", "cs"))
def order_status(ctx: SkillContext, args: OrderArgs) -> OrderStatus:
    """Look up one order by id (or tracking number): status, items, amounts, shipment and refund state."""
    with open_store(ctx) as d:
        base = d.answer_base()
        if not (args.order_id or args.tracking_no):
            return OrderStatus(
                **base
                | {"note": d.text("请提供订单号或运单号", "give an order id or a tracking number")}
            )
        found = d.rows(
            "SELECT * EXCLUDE (extra) FROM orders WHERE order_id = $id OR ($t IS NOT NULL AND tracking_no = $t) LIMIT 1",
            {"id": args.order_id or "", "t": args.tracking_no},
        )
        if not found:
            wanted = args.order_id or args.tracking_no
            return OrderStatus(
                **base
                | {"note": d.text(f"找不到订单 {wanted}", f"no order {wanted!r} in the store")}
            )
        o = found[0]
        items = d.rows(
            """SELECT i.sku_id, p.title, i.quantity, i.unit_price, i.paid_amount FROM order_items i
               LEFT JOIN products p USING (sku_id) WHERE i.order_id = ? ORDER BY i.line_no""",
            [o["order_id"]],
        )
        refunds = (
            d.rows(
                "SELECT refund_id, kind, status, amount, reason, created_at FROM refunds WHERE order_id = ? ORDER BY created_at",
                [o["order_id"]],
            )
            if d.has("refunds")
            else []
        )
        last = end_of_day(d, d.window_end())
        promise = promise_hours(d)
    paid = o["paid_at"] or (
        o["created_at"] if o["status"] not in ("created", "cancelled", "closed") else None
    )
    ship_by = paid + dt.timedelta(hours=promise) if paid else None
    shipment = _shipment(o)
    return OrderStatus(
        **base,
        found=True,
        order_id=o["order_id"],
        customer_id=o["customer_id"],
        status=o["status"],
        created_at=o["created_at"],
        paid_at=o["paid_at"],
        pay_amount=o.get("pay_amount"),
        shipping_fee=o.get("shipping_fee"),
        shipment=shipment,
        carrier=o.get("carrier"),
        tracking_no=o.get("tracking_no"),
        shipped_at=o.get("shipped_at"),
        delivered_at=o.get("delivered_at"),
        ship_by=ship_by,
        overdue=bool(shipment == "awaiting_shipment" and ship_by and ship_by < last),
        items=[OrderLine(**r) for r in items],
        refunds=[RefundCase(**r) for r in refunds],
        refund_state=refunds[-1]["status"] if refunds else None,
    )


def register(registry: SkillRegistry) -> None:
    """Register the order skills."""
    registry.register(order_status, shipping_overview)
