"""The words of the agents' console (catalogue keys ``pages.console.*``), in the agent's language
only: the store's language unless the agent picks the other (``?lang=``).

The engine stores a handoff reason as text in the store's language when it hands over; the console
shows it in the agent's language (:func:`reason_words`). Conversation states, message roles,
intents and suggestion kinds are shown as words, never as the engine's ids.

>>> state_word("handoff", "en"), intent_word("return_refund", "zh"), intent_word("xyz", "en")
('Handed off', '退货退款', 'other')
>>> reason_words("buyer is angry / complaint", "zh"), reason_words("连续 3 轮未解决", "en")
('买家情绪激动/投诉', '3 unresolved turns')
>>> who("buyer-1", "buyer-1"), who("buyer-1", "pg-1"), who("b7", "conv-b7-2")
('buyer-1', 'buyer-1 · pg-1', 'conv-b7-2')
"""

from __future__ import annotations

import re

from shopkeeper.cs.engine import core  # noqa: F401  (adds the cs.reason.* entries)
from shopkeeper.text import CATALOGUE, messages, t

messages(
    {
        "title": ("客服工作台", "Agent console"),
        "logout": ("退出", "Log out"),
        "login": ("登录", "Log in"),
        "token": ("访问令牌（cs 或 owner 角色）", "API token (role cs or owner)"),
        "bad_token": ("令牌无效或无客服权限", "Unknown token, or its role may not use cs"),
        "queue": ("待人工", "Handed off"),
        "live": ("进行中", "Live"),
        "nobody": ("暂无等待的会话", "Nobody waiting"),
        "no_live": ("暂无进行中的会话", "No live conversations"),
        "suggested": ("建议回复", "Suggested replies"),
        "no_suggestions": ("暂无建议", "No suggestions"),
        "adopt": ("采用", "Adopt"),
        "edit": ("编辑", "Edit"),
        "reject": ("拒绝", "Reject"),
        "reply_label": ("回复买家", "Reply to the buyer"),
        "send": ("发送", "Send"),
        "release": ("交还机器人", "Release to the bot"),
        "handoff_badge": ("转人工", "Handed off"),
        "pick": ("从左侧选择一个会话", "Pick a conversation on the left"),
        "no_preview": ("（还没有消息）", "(no messages yet)"),
        "other_lang": ("English", "中文"),
        "state.bot": ("机器人接待", "Bot"),
        "state.handoff": ("待人工", "Handed off"),
        "state.human": ("人工接待中", "With an agent"),
        "state.closed": ("已结束", "Closed"),
        "role.buyer": ("买家", "Buyer"),
        "role.bot": ("机器人", "Bot"),
        "role.human": ("客服", "Agent"),
        "role.system": ("系统", "System"),
        "intent.order_status": ("查订单", "order status"),
        "intent.urge_shipping": ("催发货", "hurry shipment"),
        "intent.change_address": ("改地址", "change address"),
        "intent.cancel": ("取消订单", "cancel order"),
        "intent.return_refund": ("退货退款", "return and refund"),
        "intent.exchange": ("换货", "exchange"),
        "intent.missing_item": ("少件", "missing item"),
        "intent.reship": ("补发", "reship"),
        "intent.refund_deposit": ("退定金", "deposit refund"),
        "intent.product_question": ("商品咨询", "product question"),
        "intent.stock_price": ("价格库存", "price and stock"),
        "intent.recommend": ("推荐", "recommendation"),
        "intent.compare": ("商品对比", "comparison"),
        "intent.promotions": ("活动优惠", "promotions"),
        "intent.policy": ("店铺政策", "store policy"),
        "intent.greeting": ("问候", "greeting"),
        "intent.human": ("转人工", "asks for a person"),
        "intent.confirm": ("确认", "confirmation"),
        "intent.deny": ("拒绝", "refusal"),
        "intent.aftersale_status": ("售后进度", "after-sale status"),
        "intent.other": ("其他", "other"),
        "kind.template": ("话术模板", "template"),
        "kind.faq": ("常见问题", "FAQ"),
        "kind.chat_qa": ("历史对话", "past chats"),
        "kind.policy": ("店铺政策", "store policy"),
        "kind.document": ("商家文档", "merchant document"),
        "kind.product": ("商品信息", "product facts"),
        "kind.aftersale_status": ("售后进度", "after-sale status"),
        "kind.other": ("知识库", "knowledge base"),
    },
    prefix="pages.console.",
)


def _word(group: str, name: str, lang: str, fallback: str) -> str:
    key = f"pages.console.{group}.{name}"
    return t(key if key in CATALOGUE else f"pages.console.{group}.{fallback}", lang)


def state_word(state: str, lang: str) -> str:
    """A conversation's state (bot, handoff, human, closed) as the agent reads it."""
    return _word("state", state, lang, "bot")


def role_word(role: str, lang: str) -> str:
    """Who wrote a message (buyer, bot, human, system)."""
    return _word("role", role, lang, "system")


def intent_word(intent: str | None, lang: str) -> str:
    """What a message asked, in words (an unknown intent reads "other")."""
    return _word("intent", intent or "other", lang, "other")


def kind_word(kind: str, lang: str) -> str:
    """Where a suggested reply comes from."""
    return _word("kind", kind, lang, "other")


def _reason_patterns() -> list[tuple[re.Pattern[str], str]]:
    found = []
    for key, message in CATALOGUE.items():
        if key.startswith("cs.reason."):
            for text in message:
                pattern = re.escape(text).replace(re.escape("{n}"), r"(?P<n>\d+)")
                found.append((re.compile(pattern), key))
    return found


def reason_words(reason: str, lang: str) -> str:
    """A handoff reason (stored in the store's language) in the agent's ``lang``; a reason given
    in free text (an integration's own) is shown as it was written.
    """
    for pattern, key in _reason_patterns():
        m = pattern.fullmatch(reason.strip())
        if m:
            return t(key, lang, n=m.groupdict().get("n", ""))
    return reason


def who(customer_id: str, conversation_id: str) -> str:
    """The queue's name for a conversation: the buyer, and the conversation when it says more
    than the buyer's id (never the same id twice).
    """
    if not customer_id or customer_id in conversation_id:
        return conversation_id or customer_id
    return f"{customer_id} · {conversation_id}"


FILTERS = {
    "state_word": state_word,
    "role_word": role_word,
    "intent_word": intent_word,
    "kind_word": kind_word,
    "reason_words": reason_words,
}
"""The console's Jinja2 filters: ``{{ q.state|state_word(lang) }}``."""
