"""The after-sale tools: typed operations a conversation calls on behalf of one buyer.

Reads (order status, logistics 催物流, urge shipment 催发货, missing item 分包少件) answer at once,
after the authorization check. Every change goes proposal → policy → the buyer's explicit
confirmation → execution or a person's approval → audit event::

    proposal = tools.cancel(buyer, "3600…", reason="拍错了")   # policy decides; nothing runs
    proposal.summary.zh, proposal.token                         # shown to the buyer
    outcome = tools.confirm(buyer, proposal.token)              # runs (or waits for a person)

Confirming twice runs once. Authorization is checked inside every tool: an unverified buyer is
refused, and another buyer's order is "not found".
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Engine

from shopkeeper.clock import utcnow
from shopkeeper.cs.aftersale import ledger
from shopkeeper.cs.aftersale.backend import OrderBackend
from shopkeeper.cs.aftersale.models import Address, Buyer, Order, Shipment, Sku
from shopkeeper.cs.aftersale.policy import CsPolicy, Facts, decide, price_difference
from shopkeeper.cs.aftersale.reasons import Decision, refuse
from shopkeeper.cs.aftersale.summaries import summarize
from shopkeeper.errors import ShopkeeperError
from shopkeeper.ops.actions import validate_params
from shopkeeper.ops.approvals import ActionRecord, record_decided
from shopkeeper.ops.connectors import Connector


class NotAllowed(ShopkeeperError, PermissionError):
    """A read the buyer may not make (unverified, or not their order); ``decision`` says why."""

    def __init__(self, decision: Decision) -> None:
        super().__init__("; ".join(str(r) for r in decision.reasons))
        self.decision = decision


class Outcome(BaseModel):
    """What confirming a proposal did."""

    status: Literal["executed", "awaiting_approval", "refused", "failed", "not_found"]
    proposal_id: str | None = None
    action: ActionRecord | None = None
    decision: Decision | None = None


class ShipmentPromise(BaseModel):
    """The answer to 催发货: the real promise, and whether it is already broken."""

    order_id: str
    status: str
    shipped: bool
    promised_by: dt.datetime | None
    overdue: bool
    request_id: str | None
    times_urged: int


class ParcelView(BaseModel):
    """One parcel as the buyer sees it (催物流)."""

    shipment: Shipment
    days_in_transit: float | None


class Logistics(BaseModel):
    """Where an order's parcels are."""

    order_id: str
    status: str
    parcels: list[ParcelView]


class MissingLine(BaseModel):
    """Where a line the buyer did not receive is (分包少件)."""

    line_id: str
    where: Literal["in_transit", "not_shipped", "delivered", "unknown"]
    tracking_no: str = ""


class MissingItemReport(BaseModel):
    """Each missing line's whereabouts, and a reship proposal when it should have arrived."""

    order_id: str
    lines: list[MissingLine]
    reship: ledger.Proposal | None = None


class AfterSale:
    """The after-sale tools of one store over one backend, under one policy."""

    def __init__(
        self,
        backend: OrderBackend,
        policy: CsPolicy,
        engine: Engine,
        store: str,
        *,
        connector: Connector | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.backend = backend
        self.policy = policy
        self.engine = engine
        self.store = store
        self.connector = ledger.AfterSaleConnector(backend, connector)
        self.clock = clock

    def at(self, now: dt.datetime) -> AfterSale:
        """These tools (same backend, policy and ledger) with their clock stopped at ``now``: one
        buyer turn's instant.
        """
        fixed = copy.copy(self)
        fixed.clock = lambda: now
        return fixed

    # -- reads ---------------------------------------------------------------------------------

    def order_status(self, buyer: Buyer, order_id: str) -> Order:
        """The buyer's order, as executed after-sale changes left it."""
        if not buyer.verified:
            raise NotAllowed(refuse("auth.unverified"))
        order = self.backend.order(order_id)
        if order is None or order.customer_id != buyer.customer_id:
            raise NotAllowed(refuse("order.not_found", order_id=order_id))
        return order

    def my_orders(self, buyer: Buyer) -> list[Order]:
        """The buyer's orders, newest first."""
        if not buyer.verified:
            raise NotAllowed(refuse("auth.unverified"))
        return self.backend.orders_of(buyer.customer_id)

    def logistics(self, buyer: Buyer, order_id: str) -> Logistics:
        """催物流: every parcel of the order with its carrier, tracking number and time on the way."""
        order = self.order_status(buyer, order_id)
        now = self.clock()
        parcels = [
            ParcelView(
                shipment=s,
                days_in_transit=round((now - s.shipped_at).total_seconds() / 86400, 1)
                if s.shipped_at and s.status == "in_transit"
                else None,
            )
            for s in order.shipments
        ]
        return Logistics(order_id=order_id, status=order.status, parcels=parcels)

    def promised_ship_by(self, order: Order) -> dt.datetime | None:
        """When the store promised to ship: payment time + the policy's hours (presale: from the
        final payment, which is the payment time too).
        """
        start = order.paid_at or order.created_at
        if start is None:
            return None
        return start + dt.timedelta(hours=self.policy.shipping.ship_within_hours)

    def urge_shipment(self, buyer: Buyer, order_id: str) -> ShipmentPromise:
        """催发货: records the request and returns the real promise (never an invented date)."""
        order = self.order_status(buyer, order_id)
        shipped = order.stage not in ("unpaid", "awaiting_shipment")
        promised = self.promised_ship_by(order)
        overdue = bool(not shipped and promised is not None and self.clock() > promised)
        request_id = None
        if not shipped and order.stage == "awaiting_shipment":
            request_id = ledger.record_urge(
                self.engine, self.store, order_id, buyer.customer_id, promised, overdue
            )
        return ShipmentPromise(
            order_id=order_id,
            status=order.status,
            shipped=shipped,
            promised_by=promised,
            overdue=overdue,
            request_id=request_id,
            times_urged=ledger.urge_count(self.engine, self.store, order_id),
        )

    def missing_item(
        self, buyer: Buyer, order_id: str, line_ids: list[str], *, evidence: list[str] | None = None
    ) -> MissingItemReport:
        """分包少件: finds each missing line's parcel; a line still in transit or not shipped is
        on its way (nothing to do), a line in a delivered parcel gets a reship proposal.
        """
        order = self.order_status(buyer, order_id)
        report: list[MissingLine] = []
        for line_id in line_ids:
            parcel = next((s for s in order.shipments if line_id in s.line_ids), None)
            if parcel is None:
                where = "not_shipped" if order.stage == "awaiting_shipment" else "unknown"
                report.append(MissingLine(line_id=line_id, where=where))
                continue
            where_of = {
                "pending": "not_shipped",
                "in_transit": "in_transit",
                "delivered": "delivered",
            }
            report.append(
                MissingLine(
                    line_id=line_id, where=where_of[parcel.status], tracking_no=parcel.tracking_no
                )
            )
        arrived = [m.line_id for m in report if m.where in ("delivered", "unknown")]
        reship = (
            self.reship(buyer, order_id, arrived, evidence=evidence or [], reason="missing item")
            if arrived and len(arrived) == len(line_ids)
            else None
        )
        return MissingItemReport(order_id=order_id, lines=report, reship=reship)

    # -- changes -------------------------------------------------------------------------------

    def propose(self, buyer: Buyer, action: str, params: dict[str, Any]) -> ledger.Proposal:
        """Any after-sale change: validate, complete the amounts, decide, record; nothing runs."""
        full = {**params, "customer_id": buyer.customer_id}
        facts = self._facts(buyer, action, full)
        full = self._complete(action, full, facts)
        decision = decide(self.policy, action, full, facts)
        clean = validate_params(action, full)
        return ledger.new_proposal(
            self.engine,
            self.store,
            buyer.customer_id,
            action,
            clean,
            decision,
            summarize(action, clean, facts.order),
        )

    def confirm(self, buyer: Buyer, token: str) -> Outcome:
        """The buyer's explicit "yes": re-check the policy on the current order, then execute
        (or hand to a person). The same token confirmed again returns the same action.
        """
        if not buyer.verified:
            return Outcome(status="refused", decision=refuse("auth.unverified"))
        proposal = ledger.find_proposal(self.engine, self.store, buyer.customer_id, token)
        if proposal is None or proposal.refused:
            return Outcome(status="not_found" if proposal is None else "refused")
        if proposal.status == "confirmed" and proposal.action_id:
            return self._record(proposal, proposal.action_id, proposal.decision)
        decision = decide(
            self.policy,
            proposal.action,
            proposal.params,
            self._facts(buyer, proposal.action, proposal.params),
        )
        if decision.outcome == "refuse":
            ledger.mark_refused(self.engine, proposal, decision)
            return Outcome(status="refused", proposal_id=proposal.proposal_id, decision=decision)
        action_id = ledger.mark_confirmed(self.engine, proposal)
        if action_id is None:  # a concurrent confirmation won: return what it recorded
            again = ledger.find_proposal(self.engine, self.store, buyer.customer_id, token)
            assert again is not None
            assert again.action_id is not None
            return self._record(again, again.action_id, again.decision)
        return self._record(proposal, action_id, decision)

    def _record(self, proposal: ledger.Proposal, action_id: str, decision: Decision) -> Outcome:
        try:
            record = record_decided(
                self.engine,
                self.connector,
                self.store,
                proposal.action,
                proposal.params,
                decision.ops_decision,
                [str(r) for r in decision.reasons],
                reason="; ".join(r.en for r in decision.reasons),
                proposed_by=f"buyer:{proposal.customer_id}",
                action_id=action_id,
            )
        except OSError:
            return Outcome(status="failed", proposal_id=proposal.proposal_id, decision=decision)
        status = {"executed": "executed", "pending": "awaiting_approval", "refused": "refused"}.get(
            record.status, "failed"
        )
        return Outcome(
            status=status,
            proposal_id=proposal.proposal_id,
            action=record,
            decision=decision,
        )

    def _facts(self, buyer: Buyer, action: str, params: dict[str, Any]) -> Facts:
        now = self.clock()
        supported = self.backend.supports(action)
        if not buyer.verified or not supported:
            return Facts(buyer=buyer, now=now, supported=supported)
        order = self.backend.order(params["order_id"]) if "order_id" in params else None
        if order is not None and order.customer_id != buyer.customer_id:
            order = None  # never look further into another buyer's order
        skus: dict[str, Sku] = {}
        wanted = list(params.get("new_sku_ids") or []) + [
            ln.sku_id for ln in (order.lines if order else [])
        ]
        for sku_id in wanted:
            sku = self.backend.sku(sku_id)
            if sku is not None:
                skus[sku_id] = sku
        return Facts(
            buyer=buyer,
            now=now,
            order=order,
            skus=skus,
            methods=self.backend.payment_methods(buyer.customer_id),
            supported=supported,
        )

    @staticmethod
    def _complete(action: str, params: dict[str, Any], facts: Facts) -> dict[str, Any]:
        """Fill in what the policy computes from the order: refund amount, price difference,
        reship value, deposit.
        """
        order = facts.order
        if order is None:
            return params
        lines = order.take_lines(list(params.get("line_ids") or [])) or []
        if action == "cs.return_refund":
            return {**params, "amount": round(sum(ln.paid_amount for ln in lines), 2)}
        if action == "cs.reship":
            return {**params, "value": round(sum(ln.unit_price * ln.quantity for ln in lines), 2)}
        if action == "cs.refund_deposit" and order.presale is not None:
            return {**params, "amount": order.presale.deposit}
        if action in ("cs.exchange", "cs.change_items"):
            pairs = [
                (ln, facts.skus[s])
                for ln, s in zip(lines, params.get("new_sku_ids") or [], strict=False)
                if s in facts.skus
            ]
            return {**params, "price_difference": price_difference(pairs)}
        return params

    # -- one method per change, for the conversation engine ------------------------------------

    def cancel(self, buyer: Buyer, order_id: str, *, reason: str = "") -> ledger.Proposal:
        """Cancel an unshipped order (refunded in full)."""
        return self.propose(buyer, "cs.cancel_order", {"order_id": order_id, "reason": reason})

    def change_address(self, buyer: Buyer, order_id: str, address: Address) -> ledger.Proposal:
        """Change the delivery address of an unshipped order."""
        return self.propose(
            buyer, "cs.change_address", {"order_id": order_id, "address": address.model_dump()}
        )

    def return_refund(
        self,
        buyer: Buyer,
        order_id: str,
        line_ids: list[str],
        *,
        refund_method_id: str | None = None,
        reason_kind: str = "no_reason",
        reason: str = "",
        opened: bool = False,
    ) -> ledger.Proposal:
        """Return delivered lines and refund them (七天无理由, or a quality problem)."""
        params = {
            "order_id": order_id,
            "line_ids": line_ids,
            "refund_method_id": refund_method_id,
            "reason_kind": reason_kind,
            "reason": reason,
            "opened": opened,
        }
        return self.propose(buyer, "cs.return_refund", params)

    def exchange(
        self,
        buyer: Buyer,
        order_id: str,
        line_ids: list[str],
        new_sku_ids: list[str],
        *,
        payment_method_id: str | None = None,
    ) -> ledger.Proposal:
        """Exchange delivered lines for available variants of the same product."""
        params = {
            "order_id": order_id,
            "line_ids": line_ids,
            "new_sku_ids": new_sku_ids,
            "payment_method_id": payment_method_id,
        }
        return self.propose(buyer, "cs.exchange", params)

    def change_items(
        self,
        buyer: Buyer,
        order_id: str,
        line_ids: list[str],
        new_sku_ids: list[str],
        *,
        payment_method_id: str | None = None,
    ) -> ledger.Proposal:
        """Swap lines of an unshipped order for other variants of the same product (once)."""
        params = {
            "order_id": order_id,
            "line_ids": line_ids,
            "new_sku_ids": new_sku_ids,
            "payment_method_id": payment_method_id,
        }
        return self.propose(buyer, "cs.change_items", params)

    def change_payment(
        self, buyer: Buyer, order_id: str, payment_method_id: str
    ) -> ledger.Proposal:
        """Pay an unshipped order with another of the buyer's payment methods."""
        params = {"order_id": order_id, "payment_method_id": payment_method_id}
        return self.propose(buyer, "cs.change_payment", params)

    def refund_deposit(
        self, buyer: Buyer, order_id: str, *, merchant_caused: bool = False, reason: str = ""
    ) -> ledger.Proposal:
        """退定金: refund a presale deposit by the presale rules."""
        params = {"order_id": order_id, "merchant_caused": merchant_caused, "reason": reason}
        return self.propose(buyer, "cs.refund_deposit", params)

    def reship(
        self,
        buyer: Buyer,
        order_id: str,
        line_ids: list[str],
        *,
        evidence: list[str] | None = None,
        reason: str = "",
    ) -> ledger.Proposal:
        """补发: ship lines again (evidence, and a person above a value, per policy)."""
        params = {
            "order_id": order_id,
            "line_ids": line_ids,
            "evidence": evidence or [],
            "reason": reason,
        }
        return self.propose(buyer, "cs.reship", params)

    def change_profile_address(self, buyer: Buyer, address: Address) -> ledger.Proposal:
        """Change the buyer's default address."""
        return self.propose(buyer, "cs.change_profile_address", {"address": address.model_dump()})
