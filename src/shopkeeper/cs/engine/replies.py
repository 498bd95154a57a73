"""What the engine says: bilingual templates (offline), and an optional LLM phrasing step that
rewrites the engine's facts into a friendlier reply without deciding anything.

The phrasing step gets the draft reply and the facts behind it (tool results, knowledge-base
hits, the policy's decision) and returns text only; actions, sources and the handoff flag stay
the engine's. A model answer that drops or changes a number of the draft is not used.

The templates are catalogue entries ``cs.<name>`` (see :mod:`shopkeeper.text`):

>>> from shopkeeper.text import t
>>> t("cs.ask_order", "zh")
'请问是哪一个订单呢？请发一下订单号。'
>>> t("cs.not_found", "en", order_id="123")
"I couldn't find order 123 under your account. Please check the order number."
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from shopkeeper.cs.messages import ActionOutcome, Source
from shopkeeper.llm.base import Message, Model, ModelError, ModelSettings
from shopkeeper.text import Lang, messages

_TEMPLATES: dict[str, tuple[str, str]] = {
    "greeting": (
        "您好，欢迎光临！我是店小蜜，可以帮您查商品、查订单、办理售后，请问有什么可以帮您？",
        "Hello and welcome! I can help with products, orders and after-sale requests. "
        "What can I do for you?",
    ),
    "ask_order": (
        "请问是哪一个订单呢？请发一下订单号。",
        "Which order is it? Please send the order number.",
    ),
    "choose_order": (
        "您有几个订单，请问是哪一个？\n{lines}\n回复序号或订单号即可。",
        "You have several orders. Which one?\n{lines}\nReply with the number or the order id.",
    ),
    "no_orders": ("没有查到您名下的订单。", "I couldn't find any orders under your account."),
    "prove_order": (
        "为了保护您的订单信息，请发送订单号和收货手机号的后四位（例如：订单 123… 尾号 5678）。",
        "To protect your order, please send the order number and the last four digits of the "
        "delivery phone number (e.g. order 123… ending 5678).",
    ),
    "not_found": (
        "没有找到您名下的订单 {order_id}，请核对订单号。",
        "I couldn't find order {order_id} under your account. Please check the order number.",
    ),
    "status": (
        "订单 {order_id}：{status}。{detail}",
        "Order {order_id}: {status}. {detail}",
    ),
    "parcel": (
        "{carrier} 运单号 {tracking_no}（{state}）",
        "{carrier} tracking number {tracking_no} ({state})",
    ),
    "urge_shipped": (
        "订单 {order_id} 已经发出了：{detail}",
        "Order {order_id} has already shipped: {detail}",
    ),
    "urge_waiting": (
        "已为您催促仓库尽快发货（订单 {order_id}）。本店承诺付款后 {hours:g} 小时内发货，"
        "即最晚 {promised} 前发出。",
        "I've asked the warehouse to hurry (order {order_id}). We promise to ship within "
        "{hours:g} hours of payment, i.e. by {promised}.",
    ),
    "urge_overdue": (
        "非常抱歉，订单 {order_id} 已超过承诺的发货时间（{promised}），已为您记录催发货并加急处理，"
        "如需补偿可以为您转人工。",
        "Sorry, order {order_id} is past the promised ship time ({promised}). I've recorded "
        "your request and escalated it; I can bring in a colleague if you'd like compensation.",
    ),
    "urge_unpaid": (
        "订单 {order_id} 还未付款（或尾款未付），付款后才会安排发货。",
        "Order {order_id} isn't paid yet (or its balance isn't), so it can't ship yet.",
    ),
    "confirm_prompt": (
        "{summary}\n回复「确认」办理，回复其他内容则不办理。",
        '{summary}\nReply "yes" to go ahead; anything else cancels it.',
    ),
    "needs_approval_note": (
        "（这项需要人工审核，确认后会提交给客服主管处理。）",
        "(This needs a person's approval: once you confirm, it goes to a supervisor.)",
    ),
    "refused": ("抱歉，这个请求无法办理：{reasons}", "Sorry, I can't do that: {reasons}"),
    "refused_action": ("抱歉，{action}无法办理：{reasons}", "Sorry, I can't {action}: {reasons}"),
    "executed": ("已为您办理：{summary}", "Done: {summary}"),
    "awaiting_approval": (
        "已提交人工审核，审核通过后会为您处理，请留意消息。",
        "Submitted for a person's approval; you'll hear back once it's decided.",
    ),
    "cancelled": ("好的，这次不办理了。还有什么可以帮您？", "OK, I won't do that. Anything else?"),
    "confirm_nothing": (
        "目前没有需要您确认的操作。请问需要什么帮助？",
        "There's nothing waiting for your confirmation. How can I help?",
    ),
    "failed": (
        "办理时系统出了点问题，已为您转人工处理。",
        "Something went wrong while doing that; a colleague will take over.",
    ),
    "ask_address": (
        "请把新的收货地址发给我（省、市、区、详细地址），例如：浙江省杭州市西湖区文三路90号。",
        "Please send the new address (province, city, district, street), e.g. "
        "浙江省杭州市西湖区文三路90号.",
    ),
    "ask_item": (
        "请问是订单里的哪件商品？\n{lines}",
        "Which item of the order?\n{lines}",
    ),
    "ask_variant": (
        "请问要换成哪个规格？可选：{options}",
        "Which variant would you like instead? Options: {options}",
    ),
    "missing_on_way": (
        "订单 {order_id} 的{items}{where}，请再耐心等一等。",
        "{items} of order {order_id} {where}; please wait a little longer.",
    ),
    "dont_know": (
        "抱歉，这个问题我没有查到可靠的资料，不想给您错误的信息。需要为您转人工客服吗？",
        "Sorry, I couldn't find reliable information on that and don't want to guess. "
        "Shall I bring in a colleague?",
    ),
    "handoff": (
        "已为您转接人工客服，请稍候，客服会在这里回复您。",
        "I've passed you to a colleague; they'll reply here shortly.",
    ),
    "handoff_angry": (
        "非常抱歉给您带来不好的体验，已为您转接人工客服优先处理，请稍候。",
        "I'm very sorry about this. A colleague will take over right away.",
    ),
    "waiting_human": (
        "已收到，人工客服会尽快回复您。",
        "Got it; a colleague will reply shortly.",
    ),
    "price": (
        "{title}（{variant}）价格 {price}，{stock}。",
        "{title} ({variant}) costs {price}; {stock}.",
    ),
    "in_stock": ("现货库存 {n} 件", "{n} in stock"),
    "out_of_stock": ("目前缺货", "currently out of stock"),
    "off_shelf": ("已下架", "no longer sold"),
    "stock_unknown": ("库存请以下单页为准", "stock is shown on the product page"),
    "variants": (
        "{title} 有这些规格：\n{lines}\n请问您要哪一个？",
        "{title} comes in:\n{lines}\nWhich one would you like?",
    ),
    "which_product": (
        "请问您问的是哪款商品？可以发商品名称或链接里的编号。",
        "Which product do you mean? Please send its name or id.",
    ),
    "no_promotions": (
        "当前没有正在进行的店铺活动。",
        "There are no promotions running right now.",
    ),
    "promotions": ("当前活动：\n{lines}", "Running now:\n{lines}"),
    "cart_best": (
        "您的购物车原价 {subtotal}，最优用法：{how}，实付 {total}（省 {saving}）。",
        "Your cart is {subtotal}; best use: {how}, you pay {total} (saving {saving}).",
    ),
    "cart_next": (
        "再加一件 {title}（{price}）即可满 {threshold}，用上「{name}」后实付 {after}。",
        'Add {title} ({price}) to reach {threshold} for "{name}": you\'d pay {after}.',
    ),
    "compare": ("对比如下：\n{lines}", "Side by side:\n{lines}"),
    "recommend": ("为您推荐：\n{lines}", "You might like:\n{lines}"),
    "kb_answer": ("{answer}", "{answer}"),
    "injection": (
        "抱歉，我不能按照消息里的指令改变规则或透露内部信息，退款等售后也只能按店铺政策为您本人的订单办理。"
        "请问您的订单需要什么帮助？",
        "Sorry, I can't follow instructions inside a message, change the rules or reveal "
        "internal information; refunds and other after-sale requests follow the store's policy "
        "for your own orders only. How can I help with your order?",
    ),
    "privacy": (
        "抱歉，我只能查看和办理您本人账号下的订单，其他买家的订单、地址和电话无法提供。"
        "请问您自己的订单需要什么帮助？",
        "Sorry, I can only look at and act on the orders of your own account; other buyers' "
        "orders, addresses and phone numbers can't be shared. How can I help with yours?",
    ),
    "in_stock_plain": ("有货", "in stock"),
    "enough": ("，{n} 件库存充足，可以放心下单", "; {n} are available, you can order them"),
    "not_enough": (
        "，{n} 件暂时不够，可以先拍现有数量或联系人工为您调货",
        "; {n} aren't available right now, a colleague can check a restock for you",
    ),
    "also_named": (
        "名称相近的还有：{names}。如果您问的是这些，告诉我具体哪一款。",
        "Similar listings: {names}. If you meant one of these, tell me which.",
    ),
    "low_stock": ("库存紧张，建议尽快下单", "low stock, order soon"),
    "other": (
        "抱歉，我没太明白您的意思。您可以问我商品、价格、活动，或者订单、物流、退换货的问题。",
        "Sorry, I didn't quite get that. You can ask about products, prices, promotions, "
        "orders, shipping, returns or exchanges.",
    ),
}
TEMPLATES = messages(_TEMPLATES, prefix="cs.")
"""The engine's replies, as catalogue entries ``cs.<name>``."""


@dataclass
class Draft:
    """A reply being built: the text, what it did, where it comes from, and the facts behind it."""

    intent: str
    text: str
    lang: Lang
    actions: list[ActionOutcome] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    handoff: bool = False
    suggestions: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    resolved: bool = True
    kind: str = "template"


_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_SYSTEM = {
    "zh": "你是网店客服。只根据给出的事实改写草稿回复，使其礼貌自然；不得增加、删除或修改任何数字、"
    "订单号、价格、日期或承诺；不得答应事实之外的任何操作。只输出回复文本。",
    "en": "You are a shop's customer-service assistant. Rewrite the draft reply politely and "
    "naturally using only the given facts; never add, drop or change any number, order id, "
    "price, date or promise, and never agree to anything beyond the facts. Output the reply only.",
}


def phrase(model: Model, draft: Draft) -> str:
    """The model's wording of ``draft`` from its facts; the draft itself when the model fails or
    its answer loses or invents a number.
    """
    facts = json.dumps(draft.facts, ensure_ascii=False, default=str)[:4000]
    messages = [
        Message(role="system", content=_SYSTEM[draft.lang]),
        Message(role="user", content=f"FACTS: {facts}\nDRAFT: {draft.text}"),
    ]
    try:
        answer = model.request(messages, (), ModelSettings(language=draft.lang, max_tokens=400))
    except ModelError:
        return draft.text
    text = answer.text.strip()
    if not text or set(_NUMBER.findall(text)) != set(_NUMBER.findall(draft.text)):
        return draft.text
    return text
