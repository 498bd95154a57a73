"""The words of the pages (catalogue keys ``pages.*``): the sample store page and the chat widget.

The widget runs in the buyer's browser and picks its language there (``data-lang``), so its
script is served with both languages' words, taken from the catalogue (:func:`widget_words`).
"""

from __future__ import annotations

from shopkeeper.text import LANGS, Message, messages

messages(
    {
        "title": ("示例店铺页面", "Sample store page"),
        "header": ("示例店铺页面（聊天挂件演示）", "Sample store page (chat widget demo)"),
        "drip": ("挂耳咖啡 10 包", "Drip coffee, 10 bags"),
        "cold_brew": ("冷萃咖啡液 6 瓶", "Cold brew, 6 bottles"),
        "longjing": ("明前龙井 100g", "Longjing tea, 100 g"),
    },
    prefix="pages.sample.",
)
SAMPLE_PRODUCTS: tuple[tuple[str, float], ...] = (
    ("pages.sample.drip", 39.9),
    ("pages.sample.cold_brew", 59.0),
    ("pages.sample.longjing", 128.0),
)
"""The sample page's products: catalogue key and price (in the store's currency)."""

_UI = messages(
    {
        "title": ("在线客服", "Customer service"),
        "hello": ("您好，有什么可以帮您？", "Hello! How can we help?"),
        "placeholder": ("输入消息…", "Type a message…"),
        "send": ("发送", "Send"),
        "confirm": ("确认", "Confirm"),
        "cancel": ("取消", "Cancel"),
        "human": ("人工客服", "Agent"),
        "handoff": ("已为您转接人工客服，请稍候。", "A human agent will join shortly."),
        "offline": ("网络不稳定，已改用普通连接。", "Connection unstable, switched to plain HTTP."),
        "error": ("发送失败，请重试。", "Could not send, please retry."),
        "sources": ("来源", "Sources"),
        "open": ("打开客服对话", "Open the chat"),
        "lang": ("EN", "中文"),
    },
    prefix="pages.widget.",
)
_ACTIONS = messages(
    {
        "change_address": ("修改地址", "change address"),
        "cancel_order": ("取消订单", "cancel order"),
        "return_refund": ("退货退款", "return and refund"),
        "refund": ("退款", "refund"),
        "exchange": ("换货", "exchange"),
        "refund_deposit": ("退定金", "refund deposit"),
        "reship": ("补发", "reship"),
        "missing_item": ("少件补发", "missing item"),
        "urge_shipment": ("催发货", "urge shipment"),
        "change_items": ("修改商品", "change items"),
        "change_payment": ("更换支付方式", "change payment"),
        "needs_confirmation": ("待您确认", "needs confirmation"),
        "executed": ("已办理", "executed"),
        "pending_approval": ("待商家审核", "pending approval"),
        "refused": ("无法办理", "refused"),
        "recorded": ("已记录", "recorded"),
        "cancelled": ("已取消", "cancelled"),
    },
    prefix="pages.widget.action.",
)


def _words(entries: dict[str, Message], prefix: str) -> dict[str, dict[str, str]]:
    return {
        lang: {key.removeprefix(prefix): m.text(lang) for key, m in entries.items()}
        for lang in LANGS
    }


def widget_words() -> dict[str, dict[str, dict[str, str]]]:
    """The widget's words in both languages: ``{"ui": {lang: {name: text}}, "actions": …}``.

    >>> widget_words()["ui"]["en"]["send"], widget_words()["actions"]["zh"]["reship"]
    ('Send', '补发')
    """
    return {
        "ui": _words(_UI, "pages.widget."),
        "actions": _words(_ACTIONS, "pages.widget.action."),
    }
