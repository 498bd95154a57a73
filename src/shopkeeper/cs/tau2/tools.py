"""τ²-bench's retail tools, answered by Shopkeeper's after-sale tools and policy.

Each tool keeps τ²-bench's name, arguments and output (their JSON dump of the record), but runs
through :class:`~shopkeeper.cs.aftersale.service.AfterSale`: the session must have found the user
(by email, or name + zip) before any order or profile is shown or changed, only that user's
orders are reachable, and a write is a proposal the policy decides, confirmed at once — a tool
call there is the agent acting on the user's explicit "yes", which their policy requires first.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable
from typing import Any

from shopkeeper.cs.aftersale.models import Address, Buyer
from shopkeeper.cs.aftersale.policy import CancelRules, CsPolicy, ExchangeRules, ReturnRules
from shopkeeper.cs.aftersale.service import AfterSale, NotAllowed
from shopkeeper.cs.tau2.backend import Tau2Backend, fold, order_record
from shopkeeper.errors import ShopkeeperError

TAU2_POLICY = CsPolicy(
    cancel=CancelRules(reasons=["no longer needed", "ordered by mistake"]),
    returns=ReturnRules(
        window_days=None,
        auto_refund_max=None,
        refund_to="original_or_gift_card",
        not_returnable=[],
        perishable_days=0,
        no_return_if_opened=[],
    ),
    exchange=ExchangeRules(window_days=None),
)
"""Their policy.md in our policy's terms: the two cancellation reasons, no return window or
refund limit, refunds to the original payment method or a gift card."""


class ToolError(ShopkeeperError, ValueError):
    """A tool call failed (not found, or refused by the policy); the message is what the agent sees."""


_OPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return float(_OPS[type(node.op)](_arith(node.left), _arith(node.right)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _arith(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    raise ToolError("Invalid expression")


def calculate(expression: str) -> str:
    """τ²-bench's calculator: + - * / and parentheses, rounded to cents (no ``eval``).

    >>> calculate("3131.1 + 4777.75 + 367.38")
    '8276.23'
    """
    if not all(c in "0123456789+-*/(). " for c in expression):
        raise ToolError("Invalid characters in expression")
    try:
        tree = ast.parse(expression, mode="eval")
        return str(round(_arith(tree), 2))
    except (SyntaxError, ZeroDivisionError) as exc:
        raise ToolError(f"Invalid expression: {exc}") from exc


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record)


class Tau2Tools:
    """One conversation (one user, authenticated by a lookup) on one τ²-bench backend."""

    def __init__(self, aftersale: AfterSale, backend: Tau2Backend) -> None:
        self.aftersale = aftersale
        self.backend = backend
        self.buyer = Buyer(customer_id="", verified=False)

    def call(self, name: str, arguments: dict[str, Any]) -> str:
        """Run tool ``name``; a failure raises :class:`ToolError`."""
        tool = getattr(self, name, None)
        if name.startswith("_") or name == "call" or not callable(tool):
            raise ToolError(f"Tool {name!r} not found")
        result: str = tool(**arguments)
        return result

    # -- identity -------------------------------------------------------------------------------

    def _found(self, user_id: str) -> str:
        self.buyer = Buyer(customer_id=user_id, verified=True)
        return user_id

    def find_user_id_by_email(self, email: str) -> str:
        """Authenticate by email."""
        wanted = fold(email)
        for user_id in self.backend.user_ids():
            if fold(self.backend.user_record(user_id)["email"]) == wanted:  # type: ignore[index]
                return self._found(user_id)
        raise ToolError("User not found")

    def find_user_id_by_name_zip(self, first_name: str, last_name: str, zip: str) -> str:
        """Authenticate by first name, last name and zip code."""
        first, last = fold(first_name), fold(last_name)
        for user_id in self.backend.user_ids():
            user = self.backend.user_record(user_id) or {}
            if (
                fold(user["name"]["first_name"]) == first
                and fold(user["name"]["last_name"]) == last
                and user["address"]["zip"] == zip
            ):
                return self._found(user_id)
        raise ToolError("User not found")

    def _own_user(self, user_id: str) -> dict[str, Any]:
        if not self.buyer.verified:
            raise ToolError(
                "User not authenticated: find the user id by email or name and zip first"
            )
        if user_id != self.buyer.customer_id:
            raise ToolError("User not found")  # another user is never shown
        user = self.backend.user_record(user_id)
        if user is None:
            raise ToolError("User not found")
        return user

    # -- reads ----------------------------------------------------------------------------------

    def get_user_details(self, user_id: str) -> str:
        """The authenticated user's profile."""
        return _dump(self._own_user(user_id))

    def get_order_details(self, order_id: str) -> str:
        """One of the authenticated user's orders."""
        try:
            self.aftersale.order_status(self.buyer, order_id)
        except NotAllowed as exc:
            codes = exc.decision.codes
            raise ToolError("Order not found" if "order.not_found" in codes else str(exc)) from exc
        return _dump(order_record(self.backend.order_record(order_id) or {}))

    def get_product_details(self, product_id: str) -> str:
        """A product and its variants (the catalogue is public)."""
        product = self.backend.product(product_id)
        if product is None:
            raise ToolError("Product not found")
        return _dump(product)

    def get_item_details(self, item_id: str) -> str:
        """One variant."""
        variant = self.backend.variant(item_id)
        if variant is None:
            raise ToolError("Item not found")
        return _dump(variant)

    def list_all_product_types(self) -> str:
        """Product names → product ids."""
        products = self.backend.base["products"].values()
        return json.dumps({p["name"]: p["product_id"] for p in products}, sort_keys=True)

    def calculate(self, expression: str) -> str:
        """Arithmetic."""
        return calculate(expression)

    def transfer_to_human_agents(self, summary: str) -> str:
        """Hand the conversation to a person."""
        return "Transfer successful"

    def think(self, thought: str) -> str:
        """Nothing happens."""
        return ""

    # -- writes: proposal → policy → the user's yes → execution --------------------------------

    def _change(self, action: str, params: dict[str, Any]) -> None:
        proposal = self.aftersale.propose(self.buyer, action, params)
        if proposal.refused:
            raise ToolError("; ".join(r.en for r in proposal.decision.reasons))
        outcome = self.aftersale.confirm(self.buyer, proposal.token)
        if outcome.status != "executed":
            why = outcome.decision.reasons if outcome.decision else []
            raise ToolError(f"not executed ({outcome.status}): " + "; ".join(r.en for r in why))

    def _order_out(self, order_id: str) -> str:
        return _dump(order_record(self.backend.order_record(order_id) or {}))

    def cancel_pending_order(self, order_id: str, reason: str) -> str:
        """Cancel a pending order."""
        self._change("cs.cancel_order", {"order_id": order_id, "reason": reason})
        return self._order_out(order_id)

    def modify_pending_order_address(
        self,
        order_id: str,
        address1: str,
        address2: str,
        city: str,
        state: str,
        country: str,
        zip: str,
    ) -> str:
        """Change a pending order's address."""
        address = Address(
            line1=address1, line2=address2, city=city, province=state, country=country, zip=zip
        )
        self._change("cs.change_address", {"order_id": order_id, "address": address.model_dump()})
        return self._order_out(order_id)

    def modify_pending_order_items(
        self, order_id: str, item_ids: list[str], new_item_ids: list[str], payment_method_id: str
    ) -> str:
        """Swap items of a pending order (once)."""
        params = {
            "order_id": order_id,
            "line_ids": item_ids,
            "new_sku_ids": new_item_ids,
            "payment_method_id": payment_method_id,
        }
        self._change("cs.change_items", params)
        return self._order_out(order_id)

    def modify_pending_order_payment(self, order_id: str, payment_method_id: str) -> str:
        """Pay a pending order with another method."""
        self._change(
            "cs.change_payment", {"order_id": order_id, "payment_method_id": payment_method_id}
        )
        return self._order_out(order_id)

    def modify_user_address(
        self,
        user_id: str,
        address1: str,
        address2: str,
        city: str,
        state: str,
        country: str,
        zip: str,
    ) -> str:
        """Change the authenticated user's default address."""
        self._own_user(user_id)
        address = Address(
            line1=address1, line2=address2, city=city, province=state, country=country, zip=zip
        )
        self._change("cs.change_profile_address", {"address": address.model_dump()})
        return _dump(self.backend.user_record(user_id) or {})

    def return_delivered_order_items(
        self, order_id: str, item_ids: list[str], payment_method_id: str
    ) -> str:
        """Return items of a delivered order."""
        params = {"order_id": order_id, "line_ids": item_ids, "refund_method_id": payment_method_id}
        self._change("cs.return_refund", params)
        return self._order_out(order_id)

    def exchange_delivered_order_items(
        self, order_id: str, item_ids: list[str], new_item_ids: list[str], payment_method_id: str
    ) -> str:
        """Exchange items of a delivered order."""
        params = {
            "order_id": order_id,
            "line_ids": item_ids,
            "new_sku_ids": new_item_ids,
            "payment_method_id": payment_method_id,
        }
        self._change("cs.exchange", params)
        return self._order_out(order_id)
