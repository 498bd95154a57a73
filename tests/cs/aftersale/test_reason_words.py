"""Refusal reasons name the buyer's items by their titles, never by an order-line number."""

from __future__ import annotations

from .conftest import Demo

RECENT = "status = 'delivered' AND delivered_at > TIMESTAMPTZ '2026-11-16 00:00:00+00'"
ONE_LINE = "(SELECT count(*) FROM order_items i WHERE i.order_id = o.order_id) = 1"


def test_an_item_already_in_after_sale_is_named_by_its_title(demo: Demo) -> None:
    [(order, buyer)] = demo.pick(f"{RECENT} AND pay_amount <= 150 AND {ONE_LINE}", skip=3)
    first = demo.tools.return_refund(buyer, order, ["1"])
    assert demo.tools.confirm(buyer, first.token).status == "executed"
    again = demo.tools.return_refund(buyer, order, ["1"])
    assert again.decision.codes == ["lines.in_after_sale"]
    [line] = demo.tools.order_status(buyer, order).lines
    words = again.decision.reasons[0]
    assert line.title
    assert line.title in words.zh
    assert line.title in words.en
    assert "商品 1" not in words.zh
    assert "items 1" not in words.en
