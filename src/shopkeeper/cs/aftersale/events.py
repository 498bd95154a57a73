"""Audit events of the after-sale flow, written with :func:`shopkeeper.ops.audit.record` into the
same trail as every action (the action's own ``action.proposed/decided/executed`` events follow
once the buyer confirms). ``action_id`` is the proposal id until then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from shopkeeper.ops.audit import AuditEvent


class AfterSaleProposed(AuditEvent):
    """Fires when the policy lets a buyer's request go on (at once or after a person's approval)
    and its summary is shown to the buyer to confirm.
    """

    name: ClassVar[str] = "cs.proposed"
    action: str
    params: dict[str, Any]
    decision: str
    reasons: list[str]


class AfterSaleRefused(AuditEvent):
    """Fires when the policy refuses a buyer's request, when proposed or when confirmed (the
    order changed in between).
    """

    name: ClassVar[str] = "cs.refused"
    action: str
    reasons: list[str]


class AfterSaleConfirmed(AuditEvent):
    """Fires when the buyer explicitly confirms a proposal; ``action`` is the action it became."""

    name: ClassVar[str] = "cs.confirmed"
    proposal_id: str
    action: str


class ShipmentUrged(AuditEvent):
    """Fires when a buyer urges the shipment of an unshipped order (催发货)."""

    name: ClassVar[str] = "cs.shipment_urged"
    order_id: str
    promised_by: dt.datetime | None
    overdue: bool


EVENTS: tuple[type[AuditEvent], ...] = (
    AfterSaleProposed,
    AfterSaleRefused,
    AfterSaleConfirmed,
    ShipmentUrged,
)
"""Every after-sale audit event (documented in docs/cs-policy.md)."""
