"""Why the after-sale policy decided what it did: stable reason codes, each with zh and en text.

A code is for machines (tests, the conversation engine, analytics); the texts are for the buyer
and the human agent. Every code the policy can give is in :data:`REASONS`; the texts are catalogue
entries ``aftersale.<code>`` (:mod:`shopkeeper.text`).

>>> r = reason("return.window_passed", days=7, since="2026-11-01")
>>> r.code, r.en
('return.window_passed', 'the 7-day no-reason return window from delivery (2026-11-01) has passed')
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shopkeeper.cs.status_words import status_word
from shopkeeper.text import messages, pick, t

Outcome = Literal["allow", "needs_human_approval", "refuse"]

REASONS: dict[str, tuple[str, str]] = {
    # who may act
    "auth.unverified": (
        "还未核实您的身份，暂时无法查看或操作订单",
        "the buyer's identity is not verified: nothing can be looked up or changed",
    ),
    "order.not_found": (
        "没有找到您名下的这个订单（{order_id}）",
        "no order {order_id} of this buyer",
    ),
    "backend.unsupported": (
        "本店暂不支持在线办理此项业务，已为您转人工",
        "this store does not support {action} online",
    ),
    "request.invalid": ("请求内容有误：{detail}", "invalid request: {detail}"),
    # stage
    "order.not_unshipped": (
        "订单当前状态为「{status}」，已发货或已处理的订单无法{what}",
        "the order is {status}: only an unshipped order can be {what_en}",
    ),
    "order.not_delivered": (
        "订单当前状态为「{status}」，签收后才能{what}",
        "the order is {status}: only a delivered order can be {what_en}",
    ),
    "order.locked": (
        "订单商品已修改过一次，不能再修改或取消",
        "the order's items were already changed once: it cannot be modified or cancelled any more",
    ),
    "order.not_shipped": ("订单还未发货", "the order has not shipped yet"),
    # lines and variants
    "lines.not_in_order": (
        "订单里没有这些商品：{line_ids}",
        "the order does not hold these items: {line_ids}",
    ),
    "lines.in_after_sale": (
        "商品{items}已在售后处理中",
        "{items} already in an after-sale case",
    ),
    "lines.count_mismatch": (
        "要更换的商品和新商品数量不一致",
        "the number of items and of new items differ",
    ),
    "variant.not_found": ("没有找到新规格 {sku_id}", "no variant {sku_id}"),
    "variant.other_product": (
        "只能换成同一商品的其他规格（{sku_id} 不是同款）",
        "an item can only change to another variant of the same product ({sku_id} is not)",
    ),
    "variant.same": ("新规格和原规格相同（{sku_id}）", "the new variant is the same ({sku_id})"),
    "variant.unavailable": ("规格 {sku_id} 暂时缺货", "variant {sku_id} is not available"),
    # money
    "payment.not_found": (
        "没有找到您的支付方式 {method_id}",
        "no payment method {method_id} of this buyer",
    ),
    "payment.same": (
        "新的支付方式与原支付方式相同",
        "the new payment method is the same as the current one",
    ),
    "payment.not_single": (
        "订单不是单笔支付，无法更换支付方式",
        "the order does not have exactly one payment: its payment method cannot be changed",
    ),
    "payment.balance": (
        "礼品卡余额 {balance:.2f} 不足以支付 {amount:.2f}",
        "gift card balance {balance:.2f} does not cover {amount:.2f}",
    ),
    "refund.destination": (
        "退款只能退回原支付方式{or_gift}",
        "a refund can only go to the original payment method{or_gift_en}",
    ),
    # cancel
    "cancel.reason": (
        "取消原因需为以下之一：{allowed}",
        "the cancellation reason must be one of: {allowed}",
    ),
    "cancel.ok": (
        "未发货订单可以取消，全额退款",
        "an unshipped order can be cancelled, refunded in full",
    ),
    # address
    "address.ok": ("未发货订单可以修改地址", "an unshipped order's address can be changed"),
    "address.incomplete": ("新地址不完整：缺少{missing}", "the new address lacks {missing}"),
    # items / payment
    "items.ok": (
        "未发货订单可以改为同款其他规格，差价 {diff:.2f}",
        "unshipped items can change to other variants of the same product, difference {diff:.2f}",
    ),
    "payment.ok": ("未发货订单可以更换支付方式", "an unshipped order's payment method can change"),
    "profile.ok": ("可以修改默认收货地址", "the default address can be changed"),
    # returns
    "return.window_passed": (
        "签收（{since}）已超过 {days} 天，不支持七天无理由退货",
        "the {days}-day no-reason return window from delivery ({since}) has passed",
    ),
    "return.no_delivery_time": (
        "查不到签收时间，需人工核实是否在退货期内",
        "the delivery time is unknown: a person must check the return window",
    ),
    "return.not_eligible": (
        "「{title}」属于{why}，不支持七天无理由退货",
        "{title!r} is {why_en}: not eligible for no-reason returns",
    ),
    "return.opened": (
        "「{title}」已拆封，影响二次销售，不支持七天无理由退货",
        "{title!r} was opened and cannot be resold: not eligible for no-reason returns",
    ),
    "return.quality": (
        "质量问题退货需人工核实凭证",
        "a return for a quality problem needs a person to check the evidence",
    ),
    "return.ok": (
        "符合七天无理由退货，退款 {amount:.2f}",
        "eligible for a no-reason return, refund {amount:.2f}",
    ),
    "refund.above_auto": (
        "退款金额 {amount:.2f} 超过自动退款上限 {limit:.2f}，需人工审核",
        "a refund of {amount:.2f} is above the {limit:.2f} that is refunded without a person",
    ),
    "refund.above_paid": (
        "退款金额 {amount:.2f} 超过实付 {paid:.2f}",
        "a refund of {amount:.2f} exceeds the {paid:.2f} paid",
    ),
    # exchange
    "exchange.window_passed": (
        "签收（{since}）已超过 {days} 天换货期",
        "the {days}-day exchange window from delivery ({since}) has passed",
    ),
    "exchange.ok": (
        "可以换成同款其他规格，差价 {diff:.2f}",
        "can be exchanged for other variants of the same product, difference {diff:.2f}",
    ),
    # deposit
    "deposit.none": ("这不是定金预售订单", "the order is not a presale order with a deposit"),
    "deposit.balance_paid": (
        "尾款已支付，请申请取消或退货退款",
        "the balance is already paid: cancel or return the order instead",
    ),
    "deposit.already_refunded": ("定金已退", "the deposit was already refunded"),
    "deposit.forfeited": (
        "尾款支付已于 {since} 开始，定金不退（商家原因除外）",
        "the final-payment window opened on {since}: the deposit is not refundable unless the merchant caused it",
    ),
    "deposit.before_final": (
        "尾款支付开始前可以退定金 {amount:.2f}",
        "before the final-payment window the deposit of {amount:.2f} is refundable",
    ),
    "deposit.merchant_caused": (
        "商家原因，定金 {amount:.2f} 可退",
        "the merchant caused it: the deposit of {amount:.2f} is refundable",
    ),
    # reship
    "reship.no_evidence": (
        "补发需要提供凭证（如开箱照片），需人工审核",
        "a reship without evidence (e.g. an unboxing photo) needs a person's approval",
    ),
    "reship.above_auto": (
        "补发货值 {value:.2f} 超过 {limit:.2f}，需人工审核",
        "a reship worth {value:.2f} is above the {limit:.2f} that ships without a person",
    ),
    "reship.ok": (
        "凭证齐全，可以补发（货值 {value:.2f}）",
        "evidence given: reship worth {value:.2f}",
    ),
    "reship.in_transit": (
        "商品在另一个包裹中（{tracking_no}），仍在运输途中，请耐心等待",
        "the item is in another parcel ({tracking_no}) still in transit",
    ),
    "reship.not_shipped": (
        "商品还未发出，会随后续包裹发出",
        "the item has not shipped yet: it will follow in a later parcel",
    ),
}
"""Every reason code → (zh template, en template)."""

PREFIX = "aftersale."
messages(REASONS, prefix=PREFIX)


class Reason(BaseModel):
    """One reason of a decision, bilingual."""

    model_config = ConfigDict(frozen=True)
    code: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.code}: {self.en}"

    def text(self, lang: str) -> str:
        """The reason in ``lang``."""
        return pick(lang, self.zh, self.en)


def reason(code: str, **values: Any) -> Reason:
    """The reason ``code`` with its templates filled in (a KeyError names an unknown code)."""
    key = PREFIX + code
    zh, en = dict(values), dict(values)
    if isinstance(values.get("status"), str):  # "delivered" → 已签收 / delivered
        zh["status"] = status_word(values["status"], "zh")
        en["status"] = status_word(values["status"], "en")
    return Reason(code=code, zh=t(key, "zh", **zh), en=t(key, "en", **en))


class Decision(BaseModel):
    """The policy's decision on one request: allow, wait for a person, or refuse — and why."""

    model_config = ConfigDict(frozen=True)
    outcome: Outcome
    reasons: list[Reason]

    @property
    def codes(self) -> list[str]:
        """The reason codes, in order."""
        return [r.code for r in self.reasons]

    @property
    def ops_decision(self) -> Literal["auto", "needs_approval", "refused"]:
        """The same decision in the vocabulary of :mod:`shopkeeper.ops.approvals`."""
        return {"allow": "auto", "needs_human_approval": "needs_approval", "refuse": "refused"}[
            self.outcome
        ]  # type: ignore[return-value]


def refuse(code: str, **values: Any) -> Decision:
    """A refusal for one reason."""
    return Decision(outcome="refuse", reasons=[reason(code, **values)])
