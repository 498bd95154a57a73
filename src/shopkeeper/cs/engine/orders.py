"""The buyer's order: found by its id, by a guest's order id and phone tail, or among the buyer's
recent orders (asking which one when several fit); its stage in words; the item of it asked about.
"""

from __future__ import annotations

import datetime as dt
import re

from shopkeeper.cs.aftersale.models import Order, OrderLine
from shopkeeper.cs.aftersale.service import NotAllowed
from shopkeeper.cs.engine import presale, slots
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.policy_answers import policy_answer
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.kb import supported
from shopkeeper.cs.messages import Source
from shopkeeper.cs.status_words import is_known_status
from shopkeeper.text import pick, t

_GENERAL_TOO = frozenset({"order_status", "urge_shipping", "return_refund", "exchange"})
"""Intents whose words (快递, 发货, 退, 换) also make general questions about the store's rules."""
_MINE = re.compile(r"我的|我买的|我下的|我的单|订单|单号|运单|my order|my package|my parcel", re.I)
_RELEVANT: dict[str, tuple[str, ...]] = {
    "urge_shipping": ("awaiting_shipment", "unpaid"),
    "change_address": ("awaiting_shipment", "unpaid"),
    "cancel": ("awaiting_shipment", "unpaid"),
    "return_refund": ("delivered", "completed", "shipped"),
    "exchange": ("delivered", "completed", "shipped"),
    "missing_item": ("delivered", "completed", "shipped"),
    "reship": ("delivered", "completed", "shipped"),
    "order_status": ("awaiting_shipment", "shipped", "delivered", "unpaid"),
}
_PICK = re.compile(r"^\s*(?:第)?([1-9一二三四五])\s*(?:个|单)?\s*$")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
MAX_CHOICES = 5
MAX_PROOFS = 5
"""Wrong order-id + phone-tail pairs a guest may send in one conversation."""


_STAGE = {
    "unpaid": ("待付款", "awaiting payment"),
    "awaiting_shipment": ("已付款，待发货", "paid, awaiting shipment"),
    "shipped": ("已发货，运输中", "shipped, on its way"),
    "delivered": ("已签收", "delivered"),
    "completed": ("交易完成", "completed"),
    "cancelled": ("已取消", "cancelled"),
    "closed": ("已关闭", "closed"),
    "after_sale": ("售后处理中", "in an after-sale case"),
}


def stage_label(order: Order, lang: str) -> str:
    """The order's stage in words (the backend's own status when it says more)."""
    zh, en = _STAGE.get(order.stage, (order.status, order.status))
    label = pick(lang, zh, en)
    if not is_known_status(order.status) and order.status not in label:
        label = pick(lang, f"{label}（{order.status}）", f"{label} ({order.status})")
    return label


def local_time(turn: Turn, moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant in the store's time zone (``-`` for none)."""
    return turn.catalogue.local(moment, fmt)


def order_source(order: Order, lang: str = "zh") -> Source:
    """The order as the source of an answer, titled with its stage."""
    return Source(type="order", ref=order.order_id, title=stage_label(order, lang))


def _guest_order(turn: Turn, intent: str) -> Draft | None:
    """For a guest naming an order they have not proved: prove it now (the order id and the
    delivery phone's last four digits in this message), else the question asking for both.
    """
    state = turn.state
    ids = turn.catalogue.order_ids(turn.text)
    if turn.verified or not ids or ids[0] == state.proven_order:
        return None
    tail = slots.phone_tail(turn.text)
    order = turn.tools.backend.order(ids[0]) if tail and state.proof_failures < MAX_PROOFS else None
    if tail and order is not None and order.address.phone.endswith(tail):
        state.proven_order, state.proven_customer = order.order_id, order.customer_id
        state.order_id, state.choices = None, []
        return None
    state.proof_failures += bool(tail)
    state.awaiting = intent
    return Draft(intent, t("cs.prove_order", turn.lang), turn.lang, resolved=False)


def my_orders(turn: Turn) -> list[Order]:
    """The buyer's orders; a guest's is the one they proved (or none)."""
    if not turn.verified and not turn.state.proven_order:
        return []
    orders = turn.tools.my_orders(turn.buyer)
    if turn.verified:
        return orders
    return [o for o in orders if o.order_id == turn.state.proven_order]


def find_order(turn: Turn, intent: str) -> Order | Draft:
    """The order the message is about, or the question/answer to send instead."""
    guest = _guest_order(turn, intent)
    if guest is not None:
        return guest
    ids = turn.catalogue.order_ids(turn.text)
    if ids:
        try:
            order = turn.tools.order_status(turn.buyer, ids[0])
        except NotAllowed:
            return Draft(
                intent, t("cs.not_found", turn.lang, order_id=ids[0]), turn.lang, resolved=False
            )
        turn.state.order_id, turn.state.choices = order.order_id, []
        return order
    pick = _PICK.match(turn.text)
    if pick and turn.state.choices:
        raw = pick.group(1)
        n = int(raw) if raw.isdigit() else _CN[raw]
        if 1 <= n <= len(turn.state.choices):
            return own_order(turn, intent, turn.state.choices[n - 1])
    if turn.state.order_id and (turn.state.awaiting or not turn.state.choices):
        return own_order(turn, intent, turn.state.order_id)
    orders = my_orders(turn)
    if not orders:
        if intent in _GENERAL_TOO and not _MINE.search(turn.text):
            # "拆封了还能退吗" / "多久发货" / "发什么快递" from a visitor: a pre-sale question about
            # the store's rules — the policy file answers returns, exchanges and when orders ship;
            # the knowledge base (then the shipping promise) answers questions about delivery
            general = policy_answer(turn, intent) if intent != "order_status" else None
            if general is None:
                hits = presale.kb_hits(turn)
                if hits and supported(hits, turn.text):
                    return presale.product_question(turn, intent)
                general = policy_answer(turn, intent)
            if general is not None:
                return general
        if not turn.verified:
            turn.state.awaiting = intent
            return Draft(intent, t("cs.prove_order", turn.lang), turn.lang, resolved=False)
        return Draft(intent, t("cs.no_orders", turn.lang), turn.lang, resolved=False)
    tail = slots.phone_tail(turn.text)
    if tail:
        orders = [o for o in orders if o.address.phone.endswith(tail)] or orders
    relevant = [o for o in orders if o.stage in _RELEVANT.get(intent, ())]
    if intent == "deposit_refund":
        relevant = [o for o in orders if o.presale is not None]
    candidates = relevant or orders[:MAX_CHOICES]
    if len(candidates) == 1:
        turn.state.order_id, turn.state.choices = candidates[0].order_id, []
        return candidates[0]
    shown = candidates[:MAX_CHOICES]
    turn.state.choices = [o.order_id for o in shown]
    turn.state.awaiting = intent
    lines = "\n".join(
        f"{i}. {o.order_id}  {local_time(turn, o.created_at, '%Y-%m-%d') if o.created_at else ''}  "
        f"{stage_label(o, turn.lang)}  {'、'.join(ln.title[:14] for ln in o.lines[:2])}"
        for i, o in enumerate(shown, start=1)
    )
    return Draft(intent, t("cs.choose_order", turn.lang, lines=lines), turn.lang, resolved=True)


def own_order(turn: Turn, intent: str, order_id: str) -> Order | Draft:
    """The order ``order_id`` when it is the buyer's, else the answer that says why not."""
    try:
        order = turn.tools.order_status(turn.buyer, order_id)
    except NotAllowed:
        return Draft(
            intent, t("cs.not_found", turn.lang, order_id=order_id), turn.lang, resolved=False
        )
    turn.state.order_id, turn.state.choices = order.order_id, []
    return order


def order_lines(turn: Turn, order: Order) -> list[OrderLine] | None:
    """The order lines the message names, every line of a one-line order, else ``None``."""
    if len(order.lines) == 1:
        return list(order.lines)
    text = turn.text.lower()
    named = [ln for ln in order.lines if ln.sku_id in text or ln.line_id == text.strip()]
    if not named:
        pids = set(turn.catalogue.find_products(turn.text, limit=3))
        named = [ln for ln in order.lines if ln.product_id in pids]
    if len(named) != 1:
        # "the chicken one" / "30磅那个": the line whose variant the buyer names
        by_variant = [ln for ln in named or order.lines if names_line(turn, ln)]
        named = by_variant if len(by_variant) == 1 else named
    if not named and re.search(r"全部|都|所有|整单|all|everything|whole", text):
        named = list(order.lines)
    return named or None


def names_line(turn: Turn, line: OrderLine) -> bool:
    """Whether the text names the variant this order line bought."""
    cat = turn.catalogue
    if line.product_id not in cat.by_product or not cat.names_variant(turn.text, line.product_id):
        return False
    found = cat.find_sku(turn.text, line.product_id)
    return found is not None and found.sku_id == line.sku_id


def ask_item(turn: Turn, intent: str, order: Order) -> Draft:
    """Ask which item of the order the request is about (its lines by variant name)."""
    turn.state.awaiting = intent
    cat = turn.catalogue
    lines = "\n".join(
        f"- {ln.title}"
        + (
            pick(
                turn.lang,
                f"（{cat.variant(cat.skus[ln.sku_id])}）",
                f" ({cat.variant(cat.skus[ln.sku_id])})",
            )
            if ln.sku_id in cat.skus
            else ""
        )
        + f" ×{ln.quantity}"
        for ln in order.lines
    )
    return Draft(
        intent,
        t("cs.ask_item", turn.lang, lines=lines),
        turn.lang,
        sources=[order_source(order, turn.lang)],
    )
