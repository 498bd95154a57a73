"""The τ²-bench retail database as an order backend: users, orders, variants, payment methods
and gift cards, with τ²-bench's own write semantics in :meth:`Tau2Backend.apply`.

The base database is shared read-only between backends; a backend copies a record on its first
write (so a fresh backend per task costs nothing) and :meth:`Tau2Backend.changes` lists what
differs from the base, the way τ²-bench's ``gold_outcomes.json`` records it.

Documented quirks of their environment, matched here on purpose: a ``modify_pending_order_items``
that swaps several items gives every swapped item the price and options of the *last* new
variant, and its payment amount is not rounded; gift-card balances and exchange price
differences are rounded to cents.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path
from typing import Any

from shopkeeper.cs.aftersale.models import (
    Address,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    Shipment,
    Sku,
    Stage,
)
from shopkeeper.errors import DatasetNotFound

ORDER_OPTIONAL = (
    "cancel_reason",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
    "exchange_price_difference",
    "return_items",
    "return_payment_method_id",
)
"""Fields τ²-bench's order model adds (``null``) to every order."""

WRITES = frozenset(
    {
        "cs.cancel_order",
        "cs.change_address",
        "cs.change_items",
        "cs.change_payment",
        "cs.return_refund",
        "cs.exchange",
        "cs.change_profile_address",
    }
)


def load_db(folder: Path) -> dict[str, Any]:
    """The dataset's ``db.json`` (products, users, orders)."""
    path = folder / "db.json"
    if not path.exists():
        raise DatasetNotFound(
            f"no τ²-bench retail database at {path}; see ../shared/datasets/README.md"
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name or email (as τ²-bench matches them).

    >>> fold(" Vázquez ")
    'vazquez'
    """
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def order_record(record: dict[str, Any]) -> dict[str, Any]:
    """An order as τ²-bench dumps it: every optional field present (``None`` when unset)."""
    core = {k: v for k, v in record.items() if k not in ORDER_OPTIONAL}
    return {**core, **{k: record.get(k) for k in ORDER_OPTIONAL}}


def _address(a: Address) -> dict[str, str]:
    return {
        "address1": a.line1,
        "address2": a.line2,
        "city": a.city,
        "country": a.country,
        "state": a.province,
        "zip": a.zip,
    }


def _stage(status: str) -> Stage:
    if status.startswith("pending"):
        return "awaiting_shipment"
    stages: dict[str, Stage] = {
        "processed": "shipped",
        "delivered": "delivered",
        "cancelled": "cancelled",
    }
    return stages.get(status, "after_sale")


class Tau2Backend:
    """One τ²-bench environment: the base database plus this backend's writes."""

    name = "tau2"

    def __init__(self, db: dict[str, Any]) -> None:
        self.base = db
        self.users: dict[str, dict[str, Any]] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.applied: dict[str, dict[str, Any]] = {}
        self._variants = {
            item_id: (product, variant)
            for product in db["products"].values()
            for item_id, variant in product["variants"].items()
        }

    # -- raw records ---------------------------------------------------------------------------

    def user_record(self, user_id: str) -> dict[str, Any] | None:
        """A user as it stands now."""
        found: dict[str, Any] | None = self.users.get(user_id) or self.base["users"].get(user_id)
        return found

    def order_record(self, order_id: str) -> dict[str, Any] | None:
        """An order as it stands now."""
        found: dict[str, Any] | None = self.orders.get(order_id) or self.base["orders"].get(
            order_id
        )
        return found

    def _user_w(self, user_id: str) -> dict[str, Any]:
        if user_id not in self.users:
            self.users[user_id] = copy.deepcopy(self.base["users"][user_id])
        return self.users[user_id]

    def _order_w(self, order_id: str) -> dict[str, Any]:
        if order_id not in self.orders:
            self.orders[order_id] = copy.deepcopy(self.base["orders"][order_id])
        return self.orders[order_id]

    def user_ids(self) -> list[str]:
        """Every user id, in the database's order."""
        return list(self.base["users"])

    def product(self, product_id: str) -> dict[str, Any] | None:
        """A product with its variants (products never change)."""
        found: dict[str, Any] | None = self.base["products"].get(product_id)
        return found

    def variant(self, item_id: str) -> dict[str, Any] | None:
        """A variant by item id."""
        hit = self._variants.get(item_id)
        return hit[1] if hit else None

    def changes(self) -> dict[str, dict[str, Any]]:
        """Records that differ from the base, per collection, as full new records."""
        users = {k: v for k, v in self.users.items() if v != self.base["users"][k]}
        orders = {
            k: order_record(v)
            for k, v in self.orders.items()
            if order_record(v) != order_record(self.base["orders"][k])
        }
        return {"users": users, "orders": orders, "products": {}}

    # -- the OrderBackend protocol ---------------------------------------------------------------

    def order(self, order_id: str) -> Order | None:
        """An order in the common shape."""
        rec = self.order_record(order_id)
        if rec is None:
            return None
        a = rec["address"]
        status: str = rec["status"]
        delivered = status in ("delivered", "return requested", "exchange requested")
        return Order(
            order_id=rec["order_id"],
            customer_id=rec["user_id"],
            stage=_stage(status),
            status=status,
            address=Address(
                line1=a["address1"],
                line2=a["address2"],
                city=a["city"],
                province=a["state"],
                country=a["country"],
                zip=a["zip"],
            ),
            lines=[
                OrderLine(
                    line_id=it["item_id"],
                    sku_id=it["item_id"],
                    product_id=it["product_id"],
                    title=it["name"],
                    options=it["options"],
                    unit_price=it["price"],
                    paid_amount=it["price"],
                )
                for it in rec["items"]
            ],
            shipments=[
                Shipment(
                    tracking_no=(f["tracking_id"] or [""])[0],
                    line_ids=f["item_ids"],
                    status="delivered" if delivered else "in_transit",
                )
                for f in rec["fulfillments"]
            ],
            payments=[
                Payment(
                    kind=p["transaction_type"], amount=p["amount"], method_id=p["payment_method_id"]
                )
                for p in rec["payment_history"]
            ],
            locked=status.startswith("pending") and status != "pending",
            after_sale_lines={i: "exchange" for i in rec.get("exchange_items") or []}
            | {i: "return" for i in rec.get("return_items") or []},
        )

    def orders_of(self, customer_id: str) -> list[Order]:
        """A user's orders."""
        user = self.user_record(customer_id)
        found = [self.order(o) for o in (user or {}).get("orders", [])]
        return [o for o in found if o is not None]

    def sku(self, sku_id: str) -> Sku | None:
        """A variant in the common shape."""
        hit = self._variants.get(sku_id)
        if hit is None:
            return None
        product, v = hit
        return Sku(
            sku_id=v["item_id"],
            product_id=product["product_id"],
            title=product["name"],
            options=v["options"],
            price=v["price"],
            available=v["available"],
        )

    def payment_methods(self, customer_id: str) -> dict[str, PaymentMethod]:
        """A user's payment methods (gift cards with their balance)."""
        user = self.user_record(customer_id) or {"payment_methods": {}}
        return {
            k: PaymentMethod(method_id=k, kind=m["source"], balance=m.get("balance"))
            for k, m in user["payment_methods"].items()
        }

    def supports(self, action: str) -> bool:
        """The τ²-bench tools: no deposits and no reships in that shop."""
        return action in WRITES

    def apply(self, action_id: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """τ²-bench's effect of one write, once per action id."""
        if action_id in self.applied:
            return {**self.applied[action_id], "already_applied": True}
        if action == "cs.change_profile_address":
            user = self._user_w(params["customer_id"])
            user["address"] = _address(Address.model_validate(params["address"]))
            result = {"user_id": user["user_id"]}
        else:
            order = self._order_w(params["order_id"])
            _EFFECTS[action](self, order, params)
            result = {"order_id": order["order_id"], "status": order["status"]}
        self.applied[action_id] = result
        return {**result, "already_applied": False}

    # -- effects (τ²-bench's semantics) ---------------------------------------------------------

    def _gift_card(self, user_id: str, method_id: str) -> dict[str, Any] | None:
        method: dict[str, Any] = self._user_w(user_id)["payment_methods"][method_id]
        return method if method["source"] == "gift_card" else None

    def _cancel(self, order: dict[str, Any], p: dict[str, Any]) -> None:
        refunds = []
        for payment in order["payment_history"]:
            refunds.append(
                {
                    "transaction_type": "refund",
                    "amount": payment["amount"],
                    "payment_method_id": payment["payment_method_id"],
                }
            )
            card = self._gift_card(order["user_id"], payment["payment_method_id"])
            if card is not None:
                card["balance"] = round(card["balance"] + payment["amount"], 2)
        order["status"] = "cancelled"
        order["cancel_reason"] = p.get("reason", "")
        order["payment_history"].extend(refunds)

    def _change_address(self, order: dict[str, Any], p: dict[str, Any]) -> None:
        order["address"] = _address(Address.model_validate(p["address"]))

    def _change_items(self, order: dict[str, Any], p: dict[str, Any]) -> None:
        pairs = list(zip(p["line_ids"], p["new_sku_ids"], strict=True))
        diff: float = 0
        variant: dict[str, Any] = {}
        for item_id, new_id in pairs:
            item = next(it for it in order["items"] if it["item_id"] == item_id)
            variant = self.base["products"][item["product_id"]]["variants"][new_id]
            diff += variant["price"] - item["price"]
        method_id = p["payment_method_id"]
        order["payment_history"].append(
            {
                "transaction_type": "payment" if diff > 0 else "refund",
                "amount": abs(diff),  # not rounded, as theirs
                "payment_method_id": method_id,
            }
        )
        card = self._gift_card(order["user_id"], method_id)
        if card is not None:
            card["balance"] = round(card["balance"] - diff, 2)
        for item_id, new_id in pairs:
            item = next(it for it in order["items"] if it["item_id"] == item_id)
            item["item_id"] = new_id
            item["price"] = variant["price"]  # their quirk: the last new variant's price...
            item["options"] = copy.deepcopy(variant["options"])  # ...and options
        order["status"] = "pending (item modified)"

    def _change_payment(self, order: dict[str, Any], p: dict[str, Any]) -> None:
        first = order["payment_history"][0]
        amount = first["amount"]
        order["payment_history"].extend(
            [
                {
                    "transaction_type": "payment",
                    "amount": amount,
                    "payment_method_id": p["payment_method_id"],
                },
                {
                    "transaction_type": "refund",
                    "amount": amount,
                    "payment_method_id": first["payment_method_id"],
                },
            ]
        )
        card = self._gift_card(order["user_id"], p["payment_method_id"])
        if card is not None:
            card["balance"] = round(card["balance"] - amount, 2)
        old = self._gift_card(order["user_id"], first["payment_method_id"])
        if old is not None:
            old["balance"] = round(old["balance"] + amount, 2)

    def _return(self, order: dict[str, Any], p: dict[str, Any]) -> None:
        order["status"] = "return requested"
        order["return_items"] = sorted(p["line_ids"])
        order["return_payment_method_id"] = (
            p.get("refund_method_id") or order["payment_history"][0]["payment_method_id"]
        )

    def _exchange(self, order: dict[str, Any], p: dict[str, Any]) -> None:
        diff: float = 0
        for item_id, new_id in zip(p["line_ids"], p["new_sku_ids"], strict=True):
            item = next(it for it in order["items"] if it["item_id"] == item_id)
            diff += (
                self.base["products"][item["product_id"]]["variants"][new_id]["price"]
                - item["price"]
            )
        order["status"] = "exchange requested"
        order["exchange_items"] = sorted(p["line_ids"])
        order["exchange_new_items"] = sorted(p["new_sku_ids"])
        order["exchange_payment_method_id"] = p["payment_method_id"]
        order["exchange_price_difference"] = round(diff, 2)


_EFFECTS = {
    "cs.cancel_order": Tau2Backend._cancel,
    "cs.change_address": Tau2Backend._change_address,
    "cs.change_items": Tau2Backend._change_items,
    "cs.change_payment": Tau2Backend._change_payment,
    "cs.return_refund": Tau2Backend._return,
    "cs.exchange": Tau2Backend._exchange,
}
