"""What the buyer is asked to confirm: one line per change, in zh and en, from the exact
arguments that will run.

>>> summarize("cs.cancel_order", {"order_id": "A1", "customer_id": "c", "reason": "拍错了"}, None).zh
'确认取消订单 A1（原因：拍错了），已付款项原路退回？'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopkeeper.cs.aftersale.ledger import Summary
from shopkeeper.cs.aftersale.models import Order


def _address(a: Mapping[str, Any]) -> str:
    """The address in the order its country writes it: 省 市 区 street in China, the street first
    elsewhere.

    >>> _address({"line1": "500 Oak Ave", "line2": "Apt 4", "city": "Portland", "province": "OR",
    ...           "zip": "97201"})
    '500 Oak Ave Apt 4, Portland, OR 97201'
    """
    if str(a.get("line1", "")).isascii():
        street = " ".join(p for p in (a.get("line1", ""), a.get("line2", "")) if p)
        region = " ".join(p for p in (a.get("province", ""), a.get("zip", "")) if p)
        return ", ".join(p for p in (street, a.get("city", ""), region) if p)
    parts = [
        a.get(k, "") for k in ("province", "city", "district", "line1", "line2", "zip", "country")
    ]
    return " ".join(p for p in parts if p)


def _titles(order: Order | None, line_ids: list[str]) -> str:
    if order is None:
        return ", ".join(line_ids)
    lines = order.take_lines(line_ids) or []
    return ", ".join(ln.title or ln.sku_id for ln in lines) or ", ".join(line_ids)


def summarize(action: str, p: Mapping[str, Any], order: Order | None) -> Summary:
    """The confirmation text for after-sale ``action`` with arguments ``p``."""
    oid = p.get("order_id", "")
    items = _titles(order, list(p.get("line_ids") or []))
    diff = float(p.get("price_difference") or 0)
    money = (
        f"需补差价 {diff:.2f}" if diff > 0 else f"退还差价 {-diff:.2f}" if diff < 0 else "无差价"
    )
    money_en = (
        f"you pay {diff:.2f} more"
        if diff > 0
        else f"{-diff:.2f} is refunded"
        if diff < 0
        else "no price difference"
    )
    texts: dict[str, tuple[str, str]] = {
        "cs.cancel_order": (
            f"确认取消订单 {oid}（原因：{p.get('reason') or '未填写'}），已付款项原路退回？",
            f"Cancel order {oid} (reason: {p.get('reason') or 'none given'}); everything paid is refunded?",
        ),
        "cs.change_address": (
            f"确认把订单 {oid} 的收货地址改为：{_address(p.get('address') or {})}？",
            f"Change the delivery address of order {oid} to: {_address(p.get('address') or {})}?",
        ),
        "cs.change_items": (
            f"确认把订单 {oid} 中的 {items} 改为新规格 {', '.join(p.get('new_sku_ids') or [])}，{money}？改过后订单不能再修改或取消。",
            f"Change {items} of order {oid} to {', '.join(p.get('new_sku_ids') or [])}; {money_en}? The order cannot be modified or cancelled afterwards.",
        ),
        "cs.change_payment": (
            f"确认把订单 {oid} 的支付方式改为 {p.get('payment_method_id')}？",
            f"Pay order {oid} with {p.get('payment_method_id')} instead?",
        ),
        "cs.return_refund": (
            f"确认退货：订单 {oid} 的 {items}，退款 {float(p.get('amount') or 0):.2f} 退回 {p.get('refund_method_id') or '原支付方式'}？",
            f"Return {items} of order {oid}, refunding {float(p.get('amount') or 0):.2f} to {p.get('refund_method_id') or 'the original payment method'}?",
        ),
        "cs.exchange": (
            f"确认换货：订单 {oid} 的 {items} 换成 {', '.join(p.get('new_sku_ids') or [])}，{money}？",
            f"Exchange {items} of order {oid} for {', '.join(p.get('new_sku_ids') or [])}; {money_en}?",
        ),
        "cs.refund_deposit": (
            f"确认退还订单 {oid} 的定金 {float(p.get('amount') or 0):.2f}？订单将关闭。",
            f"Refund the deposit of {float(p.get('amount') or 0):.2f} on order {oid}? The order closes.",
        ),
        "cs.reship": (
            f"确认为订单 {oid} 补发 {items}？",
            f"Reship {items} of order {oid}?",
        ),
        "cs.change_profile_address": (
            f"确认把默认收货地址改为：{_address(p.get('address') or {})}？",
            f"Change your default address to: {_address(p.get('address') or {})}?",
        ),
    }
    zh, en = texts.get(action, (action, action))
    return Summary(zh=zh, en=en)
