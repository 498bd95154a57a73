"""General after-sale questions answered from the store's own policy file (``cs_policy.toml``).

A visitor asks "拆封了还能退吗" or "多久发货" before buying: there is no order to act on, and the
answer is what the policy the engine enforces says — nothing more (no "商品完好" or carrier the
file does not state). Each answer cites the policy section it reads.
"""

from __future__ import annotations

import re

from shopkeeper.cs.aftersale.policy import POLICY_FILE, CsPolicy
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.messages import Source

REGION = re.compile(
    r"新疆|西藏|青海|内蒙古?|宁夏|甘肃|海南|香港|澳门|台湾|港澳台|偏远地区|乌鲁木齐|拉萨|"
    r"\b(?:Alaska|Hawaii|Puerto Rico|Guam|Canada|Mexico|overseas|internationally|abroad)\b",
    re.I,
)
"""Places a shipping question may name that the policy's promise may not cover."""


def _source(section: str) -> Source:
    return Source(type="policy", ref=f"{POLICY_FILE}:{section}", title=section)


def _returns(policy: CsPolicy, zh: bool) -> str:
    rules = policy.returns
    parts = []
    if rules.window_days is None:
        parts.append(
            "签收后可申请无理由退货"
            if zh
            else "You can return goods without a reason after delivery"
        )
    else:
        parts.append(
            f"签收后 {rules.window_days} 天内可申请无理由退货"
            if zh
            else f"You can return goods without a reason within {rules.window_days} days of delivery"
        )
    if rules.not_returnable:
        words = [w for w in rules.not_returnable if (w.isascii() != zh)] or rules.not_returnable
        parts.append(
            f"{'、'.join(words)}类商品不支持无理由退货"
            if zh
            else f"{', '.join(words)} goods are excluded from no-reason returns"
        )
    if rules.no_return_if_opened:
        words = [
            w for w in rules.no_return_if_opened if (w.isascii() != zh)
        ] or rules.no_return_if_opened
        parts.append(
            f"{'、'.join(words)}类商品拆封后不能退；其他商品拆封不影响申请"
            if zh
            else f"{', '.join(words)} cannot be returned once opened; other goods can"
        )
    parts.append("退款原路退回" if zh else "refunds go back to the original payment method")
    return ("；".join(parts) + "。") if zh else ("; ".join(parts) + ".")


def policy_answer(turn: Turn, intent: str) -> Draft | None:
    """The policy's answer to a general question of this after-sale intent, or ``None``."""
    policy = turn.tools.policy
    zh = turn.lang == "zh"
    if intent == "return_refund":
        text, section = _returns(policy, zh), "returns"
    elif intent == "exchange":
        days = policy.exchange.window_days
        text = (
            (
                f"签收后 {days} 天内可申请换同款其他规格（有货时）。"
                if days is not None
                else "签收后可申请换同款其他规格（有货时）。"
            )
            if zh
            else (
                f"You can exchange for another variant of the same product (when in stock) within {days} days of delivery."
                if days is not None
                else "You can exchange for another variant of the same product (when in stock) after delivery."
            )
        )
        section = "exchange"
    elif intent in ("urge_shipping", "order_status"):
        hours = policy.shipping.ship_within_hours
        shown = f"{hours:g}"
        text = (
            f"本店承诺付款后 {shown} 小时内发货，发货后可在订单里查看物流。"
            if zh
            else f"We ship within {shown} hours of payment; tracking appears on the order once shipped."
        )
        section = "shipping"
        place = REGION.search(turn.text)
        if place is not None:  # the policy says nothing per region: say so, offer a person
            text += (
                f"寄往{place.group(0)}的运费和时效以实际为准，需要的话我帮您转人工客服确认。"
                if zh
                else f" Shipping cost and time to {place.group(0)} vary; I can bring in a "
                "colleague to confirm them."
            )
    else:
        return None
    return Draft(intent, text, turn.lang, sources=[_source(section)], facts={"policy": section})
