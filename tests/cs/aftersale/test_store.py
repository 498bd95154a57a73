"""The after-sale tools on the demo store: each operation allowed / refused / needing approval by
policy, buyer isolation, confirmation, idempotency and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from shopkeeper.cs.aftersale.models import Address, Buyer
from shopkeeper.cs.aftersale.service import NotAllowed
from shopkeeper.ops import approvals
from shopkeeper.ops.audit import audit_log
from shopkeeper.opsdb import cs_order_changes

from .conftest import NOW, PRESALE_ORDER, Demo

PAID = "status = 'paid'"
SHIPPED = "status = 'shipped'"
RECENT = "status = 'delivered' AND delivered_at > TIMESTAMPTZ '2026-11-16 00:00:00+00'"
ONE_LINE = "(SELECT count(*) FROM order_items i WHERE i.order_id = o.order_id) = 1"
OLD = "status = 'completed' AND delivered_at < TIMESTAMPTZ '2026-10-01 00:00:00+00'"
ADDRESS = Address(province="浙江省", city="杭州市", district="西湖区", line1="文三路 100 号")


def test_a_buyer_sees_only_their_own_orders(demo: Demo) -> None:
    (mine, me), (_, other) = demo.pick(PAID, 2)
    assert demo.tools.order_status(me, mine).order_id == mine
    with pytest.raises(NotAllowed) as exc:
        demo.tools.order_status(other, mine)
    assert exc.value.decision.codes == ["order.not_found"]
    with pytest.raises(NotAllowed) as exc:
        demo.tools.order_status(Buyer(customer_id=me.customer_id), mine)
    assert exc.value.decision.codes == ["auth.unverified"]
    assert all(o.customer_id == me.customer_id for o in demo.tools.my_orders(me))


def test_acting_for_an_unverified_or_other_buyer_is_refused(demo: Demo) -> None:
    (order, me), (_, other) = demo.pick(PAID, 2)
    unverified = demo.tools.cancel(Buyer(customer_id=me.customer_id), order, reason="拍错了")
    assert unverified.refused
    assert unverified.decision.codes == ["auth.unverified"]
    theirs = demo.tools.cancel(other, order, reason="拍错了")
    assert theirs.refused
    assert theirs.decision.codes == ["order.not_found"]
    assert demo.tools.order_status(me, order).stage == "awaiting_shipment"


def test_cancel_runs_once_after_confirmation_and_is_audited(demo: Demo) -> None:
    [(order, buyer)] = demo.pick(PAID, skip=10)
    proposal = demo.tools.cancel(buyer, order, reason="拍错了")
    assert proposal.status == "awaiting_confirmation"
    assert proposal.decision.outcome == "allow"
    assert order in proposal.summary.zh
    assert proposal.token
    assert demo.tools.order_status(buyer, order).stage == "awaiting_shipment"  # not yet confirmed

    first = demo.tools.confirm(buyer, proposal.token)
    again = demo.tools.confirm(buyer, proposal.token)
    assert first.status == again.status == "executed"
    assert first.action is not None
    assert again.action is not None
    assert first.action.action_id == again.action.action_id
    with demo.engine.connect() as conn:
        applied = conn.execute(
            select(func.count()).where(cs_order_changes.c.action_id == first.action.action_id)
        ).scalar()
    assert applied == 1
    assert demo.tools.order_status(buyer, order).status == "cancelled"

    events = [e.event for e in audit_log(demo.engine, "demo")]
    for name in (
        "cs.proposed",
        "cs.confirmed",
        "action.proposed",
        "action.decided",
        "action.executed",
    ):
        assert name in events
    trail = audit_log(demo.engine, "demo", action_id=first.action.action_id)
    assert [e.event for e in trail].count("action.executed") == 1


def test_a_wrong_or_foreign_token_confirms_nothing(demo: Demo) -> None:
    (order, me), (_, other) = demo.pick(PAID, 2, skip=12)
    before = demo.tools.order_status(me, order).address
    proposal = demo.tools.change_address(me, order, ADDRESS)
    assert demo.tools.confirm(me, "nope").status == "not_found"
    assert demo.tools.confirm(other, proposal.token).status == "not_found"
    assert demo.tools.order_status(me, order).address == before


def test_shipped_orders_cannot_be_cancelled_or_readdressed(demo: Demo) -> None:
    [(order, buyer)] = demo.pick(SHIPPED)
    cancel = demo.tools.cancel(buyer, order)
    address = demo.tools.change_address(buyer, order, ADDRESS)
    assert cancel.refused
    assert cancel.decision.codes == ["order.not_unshipped"]
    assert address.refused
    assert not address.token
    assert "已发货" in cancel.decision.reasons[0].zh


def test_address_change_before_shipment_shows_on_the_order(demo: Demo) -> None:
    [(order, buyer)] = demo.pick(PAID, skip=14)
    proposal = demo.tools.change_address(buyer, order, ADDRESS)
    assert demo.tools.confirm(buyer, proposal.token).status == "executed"
    assert demo.tools.order_status(buyer, order).address.line1 == "文三路 100 号"


def test_return_within_the_window_small_runs_large_waits_for_a_person(demo: Demo) -> None:
    [(small, b1)] = demo.pick(f"{RECENT} AND pay_amount <= 150 AND {ONE_LINE}")
    [(large, b2)] = demo.pick(f"{RECENT} AND pay_amount > 260 AND {ONE_LINE}")
    ok = demo.tools.return_refund(b1, small, ["1"])
    assert ok.decision.outcome == "allow"
    assert demo.tools.confirm(b1, ok.token).status == "executed"
    assert demo.tools.order_status(b1, small).after_sale_lines == {"1": "return_refund"}
    again = demo.tools.return_refund(b1, small, ["1"])
    assert again.refused
    assert again.decision.codes == ["lines.in_after_sale"]

    big = demo.tools.return_refund(b2, large, ["1"])
    assert big.decision.outcome == "needs_human_approval"
    assert "refund.above_auto" in big.decision.codes
    waiting = demo.tools.confirm(b2, big.token)
    assert waiting.status == "awaiting_approval"
    assert waiting.action is not None
    assert demo.tools.order_status(b2, large).after_sale_lines == {}
    # a person approves through the ordinary approvals path (outbox connector): the order shows it
    approvals.approve(demo.engine, demo.connector, "demo", waiting.action.action_id)
    assert demo.tools.order_status(b2, large).after_sale_lines == {"1": "return_refund"}


def test_return_outside_the_window_or_of_ineligible_goods_is_refused(demo: Demo) -> None:
    [(old, b1)] = demo.pick(f"{OLD} AND {ONE_LINE}")
    late = demo.tools.return_refund(b1, old, ["1"])
    assert late.refused
    assert late.decision.codes == ["return.window_passed"]
    [(recent, b2)] = demo.pick(f"{RECENT} AND {ONE_LINE}", skip=5)
    fresh = demo.with_clock(NOW, returns={"perishable_days": 1000})  # everything counts as 生鲜
    refused = fresh.return_refund(b2, recent, ["1"])
    assert refused.refused
    assert refused.decision.codes == ["return.not_eligible"]
    quality = fresh.return_refund(b2, recent, ["1"], reason_kind="quality")
    assert quality.decision.outcome == "needs_human_approval"


def test_exchange_to_another_variant_of_the_same_product(demo: Demo) -> None:
    rows = demo.rows(
        f"SELECT o.order_id, o.customer_id, i.sku_id, p.product_id FROM orders o "
        f"JOIN order_items i USING (order_id) JOIN products p USING (sku_id) "
        f"WHERE o.{RECENT.replace('AND ', 'AND o.')} AND {ONE_LINE} AND p.product_id IN "
        "(SELECT product_id FROM products GROUP BY 1 HAVING count(*) > 1) ORDER BY 1 DESC LIMIT 1"
    )
    order, customer, sku, product = rows[0]
    buyer = Buyer(customer_id=customer, verified=True)
    [(other_sku,)] = demo.rows(
        "SELECT sku_id FROM products WHERE product_id = ? AND sku_id <> ? LIMIT 1", [product, sku]
    )
    [(foreign,)] = demo.rows("SELECT sku_id FROM products WHERE product_id <> ? LIMIT 1", [product])
    wrong = demo.tools.exchange(buyer, order, ["1"], [foreign])
    assert wrong.refused
    assert wrong.decision.codes == ["variant.other_product"]
    same = demo.tools.exchange(buyer, order, ["1"], [sku])
    assert same.refused
    assert same.decision.codes == ["variant.same"]
    ok = demo.tools.exchange(buyer, order, ["1"], [other_sku])
    assert ok.decision.outcome == "allow"
    assert "price_difference" in ok.params
    assert demo.tools.confirm(buyer, ok.token).status == "executed"
    assert demo.tools.order_status(buyer, order).status == "exchange_requested"


def test_presale_deposit_refund_follows_the_presale_rules(demo: Demo) -> None:
    buyer = Buyer(customer_id="c-presale", verified=True)
    before = demo.with_clock(dt.datetime(2026, 10, 28, tzinfo=dt.UTC))
    after = demo.with_clock(dt.datetime(2026, 11, 5, tzinfo=dt.UTC))
    forfeited = after.refund_deposit(buyer, PRESALE_ORDER)
    assert forfeited.refused
    assert forfeited.decision.codes == ["deposit.forfeited"]
    merchant = after.refund_deposit(buyer, PRESALE_ORDER, merchant_caused=True)
    assert merchant.decision.outcome == "needs_human_approval"
    ok = before.refund_deposit(buyer, PRESALE_ORDER)
    assert ok.decision.codes == ["deposit.before_final"]
    assert ok.decision.outcome == "allow"
    assert before.confirm(buyer, ok.token).status == "executed"
    order = before.order_status(buyer, PRESALE_ORDER)
    assert order.presale is not None
    assert order.presale.deposit_refunded
    assert order.stage == "closed"
    [(paid, b2)] = demo.pick("presale_deposit IS NOT NULL AND status = 'completed'")
    assert demo.tools.refund_deposit(b2, paid).decision.codes == ["deposit.balance_paid"]


def test_reship_needs_evidence_and_approval_above_the_value(demo: Demo) -> None:
    [(cheap, b1)] = demo.pick(f"{RECENT} AND pay_amount <= 90 AND {ONE_LINE}", skip=8)
    [(dear, b2)] = demo.pick(f"{RECENT} AND pay_amount > 150 AND {ONE_LINE}", skip=8)
    [(moving, b3)] = demo.pick(SHIPPED, skip=1)
    bare = demo.tools.reship(b1, cheap, ["1"])
    assert bare.decision.outcome == "needs_human_approval"
    assert bare.decision.codes == ["reship.no_evidence"]
    ok = demo.tools.reship(b1, cheap, ["1"], evidence=["photo://unboxing.jpg"])
    assert ok.decision.outcome == "allow"
    dear_one = demo.tools.reship(b2, dear, ["1"], evidence=["photo://unboxing.jpg"])
    assert dear_one.decision.codes == ["reship.above_auto"]
    in_transit = demo.tools.reship(b3, moving, ["1"], evidence=["photo"])
    assert in_transit.refused
    assert in_transit.decision.codes == ["reship.in_transit"]


def test_missing_item_in_a_parcel_still_on_its_way(demo: Demo) -> None:
    [(moving, b1)] = demo.pick(SHIPPED, skip=2)
    report = demo.tools.missing_item(b1, moving, ["1"])
    assert report.lines[0].where == "in_transit"
    assert report.lines[0].tracking_no
    assert report.reship is None
    [(arrived, b2)] = demo.pick(f"{RECENT} AND {ONE_LINE}", skip=12)
    arrived_report = demo.tools.missing_item(b2, arrived, ["1"], evidence=["photo"])
    assert arrived_report.lines[0].where == "delivered"
    assert arrived_report.reship is not None
    assert not arrived_report.reship.refused


def test_urge_shipment_records_the_request_and_tells_the_real_promise(demo: Demo) -> None:
    [(order, buyer)] = demo.pick(PAID, skip=16)
    promise = demo.tools.urge_shipment(buyer, order)
    paid_at = demo.tools.order_status(buyer, order).paid_at
    assert paid_at is not None
    assert promise.promised_by == paid_at + dt.timedelta(hours=48)
    assert promise.overdue == (promise.promised_by < NOW)
    assert promise.request_id
    assert promise.times_urged == 1
    assert demo.tools.urge_shipment(buyer, order).times_urged == 2
    urged = [e for e in audit_log(demo.engine, "demo") if e.event == "cs.shipment_urged"]
    assert any(e.payload["order_id"] == order for e in urged)
    [(moving, b2)] = demo.pick(SHIPPED, skip=3)
    shipped = demo.tools.urge_shipment(b2, moving)
    assert shipped.shipped
    assert shipped.request_id is None
    assert demo.tools.logistics(b2, moving).parcels[0].days_in_transit is not None


def test_actions_the_store_cannot_do_online_are_refused(demo: Demo) -> None:
    [(order, buyer)] = demo.pick(PAID, skip=18)
    proposal = demo.tools.change_payment(buyer, order, "alipay")
    assert proposal.refused
    assert proposal.decision.codes == ["backend.unsupported"]
