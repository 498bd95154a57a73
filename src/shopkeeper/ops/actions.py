"""Actions the team may take on a store, each with typed, validated arguments.

The inspection and the agents *propose* actions; nothing runs without the policy check of
:mod:`shopkeeper.ops.policy`, and above its limits nothing runs without a person's approval.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.errors import ConfigError


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


ACTIONS: dict[str, type[_Params]] = {
    "change_price": ChangePrice,
    "change_bid": ChangeBid,
    "change_budget": ChangeBudget,
    "pause_campaign": PauseCampaign,
    "hold_order": HoldOrder,
    "replenish": Replenish,
    "reply_review": ReplyReview,
    "update_listing": UpdateListing,
}
"""Every action type and its argument model (after-sale actions join later)."""


def validate_params(action: str, params: dict[str, Any]) -> dict[str, Any]:
    """Validate an action's arguments; returns them normalised (exactly what will run)."""
    model = ACTIONS.get(action)
    if model is None:
        raise ConfigError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    return model.model_validate(params).model_dump(mode="json", exclude_none=True)
