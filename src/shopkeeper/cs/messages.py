"""The customer-service message contract: what a buyer's message carries in, what comes back out.

This is the schema of ``POST /v1/stores/{store}/cs/messages`` (and of each WebSocket frame), and
of :func:`shopkeeper.cs.engine.handle_message`, which every surface calls. It is documented in
``docs/cs-api.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.text import Lang


class CsMessage(BaseModel):
    """A buyer's message to the store."""

    conversation_id: str = Field(min_length=1, max_length=128, description="the chat session")
    customer_id: str = Field(
        min_length=1,
        max_length=128,
        description="the buyer, as the platform identified them (the only orders they may see)",
    )
    text: str = Field(min_length=1, max_length=4000, description="what the buyer wrote")
    message_id: str | None = Field(
        default=None,
        max_length=128,
        description="the client's id for this message; a retry with the same id gets the same "
        "reply and is never processed twice",
    )
    lang: Lang | None = Field(
        default=None, description="reply language (default: the message's language)"
    )
    attachments: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list,
        max_length=10,
        description="photos or videos the channel received with the message (their URLs or the "
        "channel's ids): the evidence an after-sale request such as a reship needs — words in "
        "the text never count as evidence",
    )


class Source(BaseModel):
    """Where a statement in the reply comes from (a knowledge-base entry, an order, a policy)."""

    type: str = Field(description="kb | order | policy | promotion | product | human")
    ref: str = Field(description="the entry id, order id, policy section… it cites")
    title: str = ""
    excerpt: str = ""


class ActionOutcome(BaseModel):
    """An after-sale action the reply proposed or executed, with the policy's decision."""

    action: str = Field(description="e.g. change_address, cancel_order, return_refund")
    order_id: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    status: Literal[
        "needs_confirmation", "executed", "pending_approval", "refused", "recorded", "cancelled"
    ]
    decision: Literal["allow", "needs_human_approval", "refuse"]
    reasons: list[str] = Field(default_factory=list, description="the policy's reasons, readable")
    proposal_id: str | None = None


class CsReply(BaseModel):
    """The store's reply to one buyer message."""

    conversation_id: str
    message_id: str = Field(description="id of the buyer message this answers")
    reply: str
    intent: str = Field(description="what the message was understood as")
    actions: list[ActionOutcome] = Field(default_factory=list)
    handoff: bool = Field(default=False, description="the conversation now waits for a human")
    handoff_summary: str | None = Field(
        default=None, description="for the human agent: why, which order, what the buyer said"
    )
    sources: list[Source] = Field(default_factory=list)
    suggestions: list[str] = Field(
        default_factory=list, description="quick replies the buyer can tap"
    )
    at: dt.datetime
