"""Each after-sale flow end to end through the conversation: allowed, refused, needs approval,
always with the buyer's explicit confirmation before anything runs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from shopkeeper.opsdb import actions, audit_events, cs_order_changes, cs_requests

from .conftest import NOW, PRESALE_BUYER, PRESALE_ORDER, STORE, Demo


def _executed(demo: Demo, order_id: str) -> list[str]:
    with demo.ops.connect() as conn:
        rows = conn.execute(
            select(cs_order_changes.c.action).where(cs_order_changes.c.order_id == order_id)
        ).all()
    return [r[0] for r in rows]


def test_change_address_asks_confirms_and_executes(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'paid'")
    first = demo.say(buyer, f"订单{order_id}我要改地址")
    assert first.intent == "change_address"
    assert "新的收货地址" in first.reply
    proposed = demo.say(buyer, "改成浙江省杭州市西湖区文三路90号3单元1502室，张三 13812345678")
    (action,) = proposed.actions
    assert (action.action, action.status, action.decision) == (
        "change_address",
        "needs_confirmation",
        "allow",
    )
    assert "文三路90号" in proposed.reply
    assert "确认" in proposed.reply
    assert _executed(demo, order_id) == []  # nothing runs before the buyer says yes
    done = demo.say(buyer, "确认")
    assert done.actions[0].status == "executed"
    assert _executed(demo, order_id) == ["cs.change_address"]
    again = demo.say(buyer, "确认")  # nothing pending any more
    assert again.actions == []
    assert _executed(demo, order_id) == ["cs.change_address"]


def test_a_new_address_is_read_whole_never_mixed_with_the_old_one(demo: Demo) -> None:
    order_id, buyer = demo.buyers("status = 'paid'", n=2)[1]
    proposed = demo.say(
        buyer, f"订单{order_id}要改地址，改成上海市浦东新区世纪大道100号 张三 13800138000"
    )
    (action,) = proposed.actions
    new = action.params["address"]
    assert (new["province"], new["city"], new["district"]) == ("上海市", "上海市", "浦东新区")
    assert new["line1"] == "世纪大道100号"
    assert "改成" not in proposed.reply
    order_id, buyer = demo.buyers("status = 'paid' AND receiver_address NOT LIKE '%四川%'", n=3)[2]
    proposed = demo.say(buyer, f"订单{order_id}的地址换成成都市武侯区人民南路四段1号")
    assert proposed.actions, proposed.reply
    new = proposed.actions[0].params["address"]
    assert new["city"] == "成都市"
    assert new["province"] == ""  # not written: unknown, never the old address's province


def test_cancel_of_a_shipped_order_is_refused_with_the_reason(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'shipped'")
    reply = demo.say(buyer, f"帮我取消订单 {order_id}")
    (action,) = reply.actions
    assert (action.status, action.decision) == ("refused", "refuse")
    assert "无法取消" in reply.reply
    assert any(s.type == "policy" for s in reply.sources)
    assert _executed(demo, order_id) == []


def test_a_large_return_waits_for_a_person_after_confirmation(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers(
        "status = 'delivered' AND delivered_at > TIMESTAMPTZ '2026-11-16' AND pay_amount > 200"
    )
    proposed = demo.say(buyer, f"{order_id} 这个我想退货")
    (action,) = proposed.actions
    assert (action.status, action.decision) == ("needs_confirmation", "needs_human_approval")
    assert "人工审核" in proposed.reply
    done = demo.say(buyer, "是的")
    assert done.actions[0].status == "pending_approval"
    with demo.ops.connect() as conn:
        pending = conn.execute(
            select(actions.c.action).where(
                actions.c.status == "pending", actions.c.action == "cs.return_refund"
            )
        ).all()
    assert pending
    assert _executed(demo, order_id) == []


def test_anything_but_yes_cancels_the_pending_change(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'paid'", lines=2)
    proposed = demo.say(buyer, f"订单{order_id}不想要了，取消吧")
    assert proposed.actions[0].status == "needs_confirmation"
    other = demo.say(buyer, "算了，我再想想")
    assert other.actions[0].status == "cancelled"
    assert demo.say(buyer, "确认").actions == []
    assert _executed(demo, order_id) == []


def test_two_open_orders_get_a_clarifying_question(demo: Demo) -> None:
    buyer, ids = demo.rows(
        "SELECT customer_id, list(order_id ORDER BY created_at DESC) FROM orders WHERE status = 'paid' "
        "GROUP BY customer_id HAVING count(*) = 2 ORDER BY customer_id LIMIT 1"
    )[0]
    ask = demo.say(buyer, "催一下发货")
    assert all(i in ask.reply for i in ids)
    assert ask.actions == []
    picked = demo.say(buyer, "2")
    (action,) = picked.actions
    assert (action.action, action.order_id, action.status) == ("urge_shipment", ids[1], "recorded")
    assert "48" in picked.reply
    with demo.ops.connect() as conn:
        urged = conn.execute(
            select(cs_requests.c.order_id).where(cs_requests.c.customer_id == buyer)
        ).all()
    assert [r[0] for r in urged] == [ids[1]]


def test_order_status_and_logistics(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'shipped' AND tracking_no IS NOT NULL")
    carrier, tracking = demo.rows(
        "SELECT carrier, tracking_no FROM orders WHERE order_id = ?", [order_id]
    )[0]
    reply = demo.say(buyer, "我的快递到哪了")
    assert order_id in reply.reply
    assert tracking in reply.reply
    assert carrier in reply.reply
    assert reply.sources[0].ref == order_id


def test_deposit_refund_before_the_final_payment(demo: Demo) -> None:
    early = dt.datetime(2026, 10, 28, 12, tzinfo=dt.UTC)
    proposed = demo.say(PRESALE_BUYER, "我要退定金", now=early)
    (action,) = proposed.actions
    assert (action.action, action.order_id, action.status) == (
        "refund_deposit",
        PRESALE_ORDER,
        "needs_confirmation",
    )
    done = demo.say(PRESALE_BUYER, "确认", now=early)
    assert done.actions[0].status in ("executed", "pending_approval")
    late = demo.say("c-presale-late", "退定金", now=NOW)
    assert late.actions == []
    assert "没有查到" in late.reply


def test_exchange_asks_for_the_variant_then_proposes(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers(
        "status = 'delivered' AND delivered_at > TIMESTAMPTZ '2026-11-16' AND (SELECT count(*) FROM "
        "products p WHERE p.product_id = (SELECT q.product_id FROM order_items i JOIN products q "
        "USING (sku_id) WHERE i.order_id = o.order_id LIMIT 1) AND p.status = 'on_sale') >= 2"
    )
    ask = demo.say(buyer, f"订单 {order_id} 想换货")
    assert "规格" in ask.reply
    line_sku = demo.rows("SELECT sku_id FROM order_items WHERE order_id = ?", [order_id])[0][0]
    target = demo.rows(
        "SELECT sku_id FROM products WHERE status = 'on_sale' AND sku_id <> ? AND product_id = "
        "(SELECT product_id FROM products WHERE sku_id = ?) ORDER BY sku_id LIMIT 1",
        [line_sku, line_sku],
    )[0][0]
    assert target not in ask.reply  # the variants by name, never a bare id
    cat = demo.cs.store(STORE).catalogue()
    name = cat.variant(cat.skus[target])
    assert name in ask.reply
    proposed = demo.say(buyer, f"换成{name}")
    (action,) = proposed.actions
    assert action.action == "exchange"
    assert action.params["new_sku_ids"] == [target]
    assert action.status == "needs_confirmation"


def test_missing_item_in_a_delivered_parcel_proposes_a_reship_with_approval(demo: Demo) -> None:
    # not over 200: the large-return test's order stays out of it, whatever the demo's dates
    ((order_id, buyer),) = demo.buyers("status = 'delivered' AND pay_amount BETWEEN 100.01 AND 200")
    proposed = demo.say(buyer, f"订单{order_id}少发了一件")
    (action,) = proposed.actions
    assert action.action == "reship"
    assert action.decision == "needs_human_approval"
    assert demo.say(buyer, "确认").actions[0].status == "pending_approval"


def test_every_flow_leaves_audit_events(demo: Demo) -> None:
    with demo.ops.connect() as conn:
        events = {r[0] for r in conn.execute(select(audit_events.c.event)).all()}
    assert {"cs.proposed", "cs.confirmed", "cs.refused", "cs.shipment_urged"} <= events


def _phone(demo: Demo, order_id: str) -> str:
    row = demo.rows("SELECT receiver_phone FROM orders WHERE order_id = ?", [order_id])
    return str(row[0][0])


def test_a_guest_sees_no_orders_until_proving_one(demo: Demo) -> None:
    """H3: a widget buyer nobody vouched for cannot act on the buyer id they claim."""
    order_id, buyer = demo.buyers("status = 'paid' AND receiver_phone IS NOT NULL", n=6)[5]
    conv = demo.conversation()
    # claiming the buyer's id is not enough: no order is shown, nothing is proposed
    asked = demo.say(buyer, "我的订单取消", conversation=conv, verified=False)
    assert asked.actions == []
    assert "后四位" in asked.reply
    named = demo.say(buyer, f"订单{order_id}取消", conversation=conv, verified=False)
    assert named.actions == []
    assert "后四位" in named.reply
    wrong_tail = "0000" if not _phone(demo, order_id).endswith("0000") else "1111"
    wrong = demo.say(
        buyer, f"订单{order_id} 尾号{wrong_tail} 取消", conversation=conv, verified=False
    )
    assert wrong.actions == []
    assert order_id not in wrong.reply
    # the order id with the delivery phone's last four digits proves it
    tail = _phone(demo, order_id)[-4:]
    proved = demo.say(
        "visitor-1",
        f"订单{order_id} 尾号{tail} 取消",
        conversation=demo.conversation(),
        verified=False,
    )
    assert len(proved.actions) == 1, proved.reply
    (action,) = proved.actions
    assert (action.action, action.order_id) == ("cancel_order", order_id)


def test_a_guest_may_not_reach_another_order_of_the_proven_buyer(demo: Demo) -> None:
    rows = demo.rows(
        "SELECT customer_id, list(order_id ORDER BY order_id) FROM orders "
        "WHERE receiver_phone IS NOT NULL "
        "GROUP BY customer_id HAVING count(*) >= 2 ORDER BY customer_id DESC LIMIT 1"
    )
    first, second = rows[0][1][:2]
    conv = demo.conversation()
    tail = _phone(demo, first)[-4:]
    proved = demo.say(
        "visitor-2", f"订单{first} 尾号{tail} 到哪了", conversation=conv, verified=False
    )
    assert first in proved.reply
    assert "后四位" not in proved.reply
    other = demo.say("visitor-2", f"订单{second}到哪了", conversation=conv, verified=False)
    assert other.actions == []
    assert "后四位" in other.reply


def test_reship_evidence_is_an_attachment_never_a_word(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'delivered' AND pay_amount < 60", n=1)
    said = demo.say(
        buyer, f"订单{order_id}坏了请补发，我没有照片", conversation=demo.conversation()
    )
    (action,) = said.actions
    assert action.action == "reship"
    assert action.decision == "needs_human_approval"
    assert any("evidence" in r or "凭证" in r or "照片" in r for r in action.reasons)
    ((order_id, buyer),) = demo.buyers(
        "status = 'delivered' AND pay_amount < 60 AND order_id NOT IN (SELECT order_id FROM refunds)",
        n=2,
    )[1:]
    shown = demo.say(
        buyer,
        f"订单{order_id}坏了请补发",
        conversation=demo.conversation(),
        attachments=["https://img.example/1.jpg"],
    )
    (action,) = shown.actions
    assert action.decision == "allow", (action.reasons, shown.reply)
    assert action.params["evidence"] == ["https://img.example/1.jpg"]
