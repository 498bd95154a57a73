"""Actions the team may take on a store, each with typed, validated arguments.

The inspection and the agents *propose* actions; nothing runs without the policy check of
:mod:`shopkeeper.ops.policy`, and above its limits nothing runs without a person's approval.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.errors import ConfigError
from shopkeeper.text import Message


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChangePrice(_Params):
    """Set a SKU's list price."""

    sku_id: str
    price: float = Field(gt=0)


class ChangeBid(_Params):
    """Set a campaign's (or keyword's) bid."""

    campaign_id: str
    bid: float = Field(gt=0)
    keyword: str | None = None


class ChangeBudget(_Params):
    """Set a campaign's daily budget."""

    campaign_id: str
    daily_budget: float = Field(gt=0)


class PauseCampaign(_Params):
    """Pause a campaign."""

    campaign_id: str


class HoldOrder(_Params):
    """Hold an unshipped order (e.g. an address to confirm)."""

    order_id: str
    note: str = ""


class Replenish(_Params):
    """Order stock for a SKU."""

    sku_id: str
    quantity: int = Field(gt=0)


class ReplyReview(_Params):
    """Reply publicly to a review."""

    review_id: str
    text: str = Field(min_length=1, max_length=500)


class UpdateListing(_Params):
    """Change a listing's title, images or attributes."""

    product_id: str
    title: str | None = None
    attributes: dict[str, str] | None = None


class AddressParams(_Params):
    """A delivery address (Chinese platforms: province/city/district/line1; others: state/zip)."""

    name: str = ""
    phone: str = ""
    country: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    line1: str = ""
    line2: str = ""
    zip: str = ""


class _AfterSale(_Params):
    """An after-sale action on one buyer's order (proposed by the buyer, confirmed by the buyer)."""

    order_id: str
    customer_id: str


class CsCancelOrder(_AfterSale):
    """Cancel an unshipped order; everything paid is refunded."""

    reason: str = ""


class CsChangeAddress(_AfterSale):
    """Change the delivery address of an unshipped order."""

    address: AddressParams


class CsChangeItems(_AfterSale):
    """Swap lines of an unshipped order for other variants of the same product."""

    line_ids: list[str] = Field(min_length=1)
    new_sku_ids: list[str] = Field(min_length=1)
    payment_method_id: str | None = None
    price_difference: float = 0.0


class CsChangePayment(_AfterSale):
    """Pay an unshipped order with another payment method."""

    payment_method_id: str


class CsReturnRefund(_AfterSale):
    """Return delivered lines (七天无理由 or a quality problem) and refund them."""

    line_ids: list[str] = Field(min_length=1)
    refund_method_id: str | None = None
    reason_kind: Literal["no_reason", "quality", "wrong_item", "damaged"] = "no_reason"
    reason: str = ""
    opened: bool = False
    amount: float = Field(0.0, ge=0)


class CsExchange(_AfterSale):
    """Exchange delivered lines for other variants of the same product."""

    line_ids: list[str] = Field(min_length=1)
    new_sku_ids: list[str] = Field(min_length=1)
    payment_method_id: str | None = None
    price_difference: float = 0.0


class CsRefundDeposit(_AfterSale):
    """Refund a presale deposit (定金) whose balance was never paid."""

    amount: float = Field(0.0, ge=0)
    merchant_caused: bool = False
    reason: str = ""


class CsReship(_AfterSale):
    """Ship missing or damaged lines again (补发)."""

    line_ids: list[str] = Field(min_length=1)
    evidence: list[str] = Field(default_factory=list)
    value: float = Field(0.0, ge=0)
    reason: str = ""


class CsChangeProfileAddress(_Params):
    """Change a buyer's default address (their profile, not an order)."""

    customer_id: str
    address: AddressParams


AFTERSALE_ACTIONS: dict[str, type[_Params]] = {
    "cs.cancel_order": CsCancelOrder,
    "cs.change_address": CsChangeAddress,
    "cs.change_items": CsChangeItems,
    "cs.change_payment": CsChangePayment,
    "cs.return_refund": CsReturnRefund,
    "cs.exchange": CsExchange,
    "cs.refund_deposit": CsRefundDeposit,
    "cs.reship": CsReship,
    "cs.change_profile_address": CsChangeProfileAddress,
}
"""After-sale actions (``cs.*``): decided by the store's cs policy (:mod:`shopkeeper.cs.aftersale`),
confirmed by the buyer, then recorded and executed through :mod:`shopkeeper.ops.approvals`."""


ACTIONS: dict[str, type[_Params]] = {
    "change_price": ChangePrice,
    "change_bid": ChangeBid,
    "change_budget": ChangeBudget,
    "pause_campaign": PauseCampaign,
    "hold_order": HoldOrder,
    "replenish": Replenish,
    "reply_review": ReplyReview,
    "update_listing": UpdateListing,
    **AFTERSALE_ACTIONS,
}
"""Every action type and its argument model (after-sale ones are ``cs.*``)."""


def validate_params(action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Validate an action's arguments; returns them normalised (exactly what will run)."""
    model = ACTIONS.get(action)
    if model is None:
        raise ConfigError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    return model.model_validate(params).model_dump(mode="json", exclude_none=True)


ACTION_NAMES: dict[str, Message] = {
    "change_price": Message("改价", "Change price"),
    "change_bid": Message("调整出价", "Change bid"),
    "change_budget": Message("调整日预算", "Change daily budget"),
    "pause_campaign": Message("暂停推广计划", "Pause campaign"),
    "hold_order": Message("暂缓发货", "Hold order"),
    "replenish": Message("补货", "Replenish"),
    "reply_review": Message("回复评价", "Reply to review"),
    "update_listing": Message("优化商品信息", "Update listing"),
    "contact_buyer": Message("联系买家", "Contact buyer"),
    "cs.cancel_order": Message("取消订单", "Cancel order"),
    "cs.change_address": Message("修改收货地址", "Change address"),
    "cs.change_items": Message("修改商品", "Change items"),
    "cs.change_payment": Message("修改支付方式", "Change payment"),
    "cs.return_refund": Message("退货退款", "Return and refund"),
    "cs.exchange": Message("换货", "Exchange"),
    "cs.refund_deposit": Message("退定金", "Refund deposit"),
    "cs.reship": Message("补发", "Reship"),
    "cs.change_profile_address": Message("修改默认地址", "Change default address"),
}
"""Each action type's name as a merchant reads it (pages, answers, notices)."""


def action_name(action: str, lang: str) -> str:
    """An action type's name in ``lang`` (an unknown one: its type in words).

    >>> action_name("reply_review", "zh"), action_name("reply_review", "en")
    ('回复评价', 'Reply to review')
    """
    known = ACTION_NAMES.get(action)
    if known is None:
        return action.replace("_", " ")
    return known.text(lang)
