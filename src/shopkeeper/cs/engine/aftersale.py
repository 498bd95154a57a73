"""After-sale flows in a conversation, all through :mod:`shopkeeper.cs.aftersale`: the engine finds
the order and the item (asking when it is ambiguous), the tools and the policy decide, the buyer
confirms, and only then does anything run (or wait for a person). The engine never decides.

A buyer only ever sees their own orders: an order id of another buyer reads "not found". A guest
(nobody vouched for their ``customer_id``) sees only an order they prove: its id and the last four
digits of its delivery phone, in one message (:func:`shopkeeper.cs.engine.orders.find_order`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shopkeeper.cs.aftersale.ledger import Proposal
from shopkeeper.cs.aftersale.models import Address, Order
from shopkeeper.cs.aftersale.reasons import Decision
from shopkeeper.cs.aftersale.service import Outcome
from shopkeeper.cs.engine import slots
from shopkeeper.cs.engine.context import Turn
from shopkeeper.cs.engine.orders import (
    ask_item,
    find_order,
    local_time,
    order_lines,
    order_source,
    stage_label,
)
from shopkeeper.cs.engine.replies import Draft
from shopkeeper.cs.messages import ActionOutcome, Source
from shopkeeper.cs.status_words import status_word
from shopkeeper.text import messages, pick, t

ACTIONS = {
    "change_address": "cs.change_address",
    "cancel": "cs.cancel_order",
    "return_refund": "cs.return_refund",
    "exchange": "cs.exchange",
    "deposit_refund": "cs.refund_deposit",
    "reship": "cs.reship",
}
_QUALITY = re.compile(
    r"坏|破损|质量|发霉|变质|过期|漏|碎|异味|broken|damaged|defect|expired|leak", re.I
)
_OPENED = re.compile(r"拆封|打开|开封|喝了|用过|opened|used", re.I)
_MERCHANT = re.compile(r"缺货|发不了|商家原因|你们的问题|延迟发货|out of stock|your fault", re.I)


def _reasons(decision: Decision, lang: str) -> list[str]:
    return [r.text(lang) for r in decision.reasons]


def by_state(intent: str, order: Order) -> str:
    """The after-sale flow the request means for this order: a presale order whose balance is
    unpaid refunds its deposit; "cancel" on a delivered order is a return (七天无理由); a
    "refund" before shipment is a cancel.
    """
    presale = order.presale
    if (
        intent in ("cancel", "return_refund")
        and presale is not None
        and not presale.balance_paid
        and not presale.deposit_refunded
    ):
        return "deposit_refund"
    if intent == "cancel" and order.stage in ("delivered", "completed"):
        return "return_refund"
    if intent == "return_refund" and order.stage in ("unpaid", "awaiting_shipment"):
        return "cancel"
    return intent


def present(turn: Turn, intent: str, proposal: Proposal, order: Order | None) -> Draft:
    """Show the policy's decision: a refusal with its reasons, or the summary to confirm."""
    decision = proposal.decision
    outcome = ActionOutcome(
        action=proposal.action.removeprefix("cs."),
        order_id=proposal.params.get("order_id"),
        params={k: v for k, v in proposal.params.items() if k != "customer_id"},
        status="refused" if proposal.refused else "needs_confirmation",
        decision=decision.outcome,
        reasons=_reasons(decision, turn.lang),
        proposal_id=proposal.proposal_id,
    )
    sources = [
        Source(type="policy", ref=r.code, excerpt=r.text(turn.lang)) for r in decision.reasons
    ]
    if order is not None:
        sources.insert(0, order_source(order, turn.lang))
    turn.state.awaiting, turn.state.awaiting_slots = None, {}
    if proposal.refused:
        text = t(
            "cs.refused_action",
            turn.lang,
            action=t(f"cs.action.{outcome.action}", turn.lang),
            reasons="；".join(outcome.reasons),
        )
        return Draft(
            intent,
            text,
            turn.lang,
            actions=[outcome],
            sources=sources,
            facts={"refused": outcome.reasons},
        )
    turn.state.pending_token = proposal.token
    turn.state.pending_action = proposal.action
    turn.state.pending_order = proposal.params.get("order_id")
    summary = _named(
        turn, pick(turn.lang, proposal.summary.zh, proposal.summary.en), proposal, order
    )
    text = t("cs.confirm_prompt", turn.lang, summary=summary)
    if decision.outcome == "needs_human_approval":
        text += "\n" + t("cs.needs_approval_note", turn.lang)
    quick = pick(turn.lang, ["确认", "不用了"], ["Yes", "No"])
    return Draft(
        intent,
        text,
        turn.lang,
        actions=[outcome],
        sources=sources,
        suggestions=quick,
        facts={"summary": summary},
    )


def _named(turn: Turn, summary: str, proposal: Proposal, order: Order | None = None) -> str:
    """The summary with each new variant by its name (三文鱼味 5kg), never its bare SKU id, and
    each item of the order it acts on with its variant (the buyer may have two of one listing).
    """
    cat = turn.catalogue
    if order is not None:
        line_ids = [str(i) for i in proposal.params.get("line_ids") or []]
        for line in order.take_lines(line_ids) or []:
            sku = cat.skus.get(line.sku_id)
            if sku is not None and line.title and cat.variant(sku) and line.title in summary:
                named = pick(turn.lang, f"（{cat.variant(sku)}）", f" ({cat.variant(sku)})")
                summary = summary.replace(line.title, line.title + named, 1)
    for sku_id in proposal.params.get("new_sku_ids") or []:
        if sku_id in cat.skus:
            summary = re.sub(
                rf"(?<![\w-]){re.escape(sku_id)}(?![\w-])", cat.variant(cat.skus[sku_id]), summary
            )
    return summary


def confirm(turn: Turn) -> Draft:
    """The buyer's explicit yes to the pending proposal: the tools re-check and run it."""
    token = turn.state.pending_token
    action = (turn.state.pending_action or "").removeprefix("cs.")
    order_id = turn.state.pending_order
    turn.state.pending_token = turn.state.pending_action = turn.state.pending_order = None
    if not token:
        return Draft("confirm", t("cs.confirm_nothing", turn.lang), turn.lang, resolved=False)
    result: Outcome = turn.tools.confirm(turn.buyer, token)
    decision = result.decision
    reasons = _reasons(decision, turn.lang) if decision else []
    status_of = {
        "executed": "executed",
        "awaiting_approval": "pending_approval",
        "refused": "refused",
    }
    status = status_of.get(result.status, "refused")
    outcome = ActionOutcome(
        action=action,
        order_id=order_id,
        status=status,
        decision=decision.outcome if decision else "refuse",
        reasons=reasons,
        proposal_id=result.proposal_id,
    )
    if result.status == "executed":
        text = t("cs.executed", turn.lang, summary=action_label(turn.lang, action, order_id))
    elif result.status == "awaiting_approval":
        text = t("cs.awaiting_approval", turn.lang)
    elif result.status == "refused":
        text = t("cs.refused", turn.lang, reasons="；".join(reasons) or "-")
    else:
        draft = Draft(
            "confirm", t("cs.failed", turn.lang), turn.lang, actions=[outcome], handoff=True
        )
        draft.resolved = False
        return draft
    return Draft("confirm", text, turn.lang, actions=[outcome], facts={"status": result.status})


ACTION_NAMES = messages(
    {
        "cancel_order": ("取消订单", "cancel this order"),
        "change_address": ("修改收货地址", "change the address"),
        "return_refund": ("退货退款", "take this return"),
        "exchange": ("换货", "exchange it"),
        "refund_deposit": ("退定金", "refund the deposit"),
        "reship": ("补发", "reship it"),
    },
    prefix="cs.action.",
)
"""What each after-sale action is called when the store says it cannot do it."""


DONE = messages(
    {
        "cancel_order": ("订单 {order_id} 已取消，款项原路退回", "order {order_id} is cancelled and refunded"),
        "change_address": ("订单 {order_id} 的收货地址已修改", "the address of order {order_id} is changed"),
        "return_refund": ("订单 {order_id} 的退货退款申请已受理", "the return on order {order_id} is accepted"),
        "exchange": ("订单 {order_id} 的换货申请已受理", "the exchange on order {order_id} is accepted"),
        "refund_deposit": ("订单 {order_id} 的定金已退还", "the deposit of order {order_id} is refunded"),
        "reship": ("订单 {order_id} 的补发已安排", "a reship of order {order_id} is arranged"),
    },
    prefix="cs.done.",
)  # fmt: skip
"""What an executed action did, as the buyer reads it."""


def action_label(lang: str, action: str, order_id: str | None) -> str:
    """A short line saying what an executed action did."""
    key = f"cs.done.{action}"
    if key in DONE:
        return t(key, lang, order_id=order_id or "-")
    return pick(
        lang, f"订单 {order_id} {action}", f"{action.replace('_', ' ')} on order {order_id}"
    )


def deny(turn: Turn) -> Draft:
    """The buyer's no: the pending proposal is dropped (it never runs)."""
    pending = turn.state.pending_action
    turn.state.pending_token = turn.state.pending_action = turn.state.pending_order = None
    turn.state.awaiting, turn.state.awaiting_slots, turn.state.choices = None, {}, []
    actions = (
        [ActionOutcome(action=pending.removeprefix("cs."), status="cancelled", decision="allow")]
        if pending
        else []
    )
    return Draft("deny", t("cs.cancelled", turn.lang), turn.lang, actions=actions)


def handle(turn: Turn, intent: str) -> Draft:
    """Run the after-sale flow of ``intent`` for the message."""
    found = find_order(turn, intent)
    if isinstance(found, Draft):
        return found
    order = found
    intent = by_state(intent, order)
    handler = _HANDLERS[intent]
    return handler(turn, intent, order)


def _status(turn: Turn, intent: str, order: Order) -> Draft:
    logistics = turn.tools.logistics(turn.buyer, order.order_id)
    parts = []
    for p in logistics.parcels:
        s = p.shipment
        word = status_word(s.status, turn.lang)
        state = (
            word
            if p.days_in_transit is None
            else pick(
                turn.lang,
                f"{word}，已在途 {p.days_in_transit} 天",
                f"{word}, {p.days_in_transit} days on the way",
            )
        )
        parts.append(
            t(
                "cs.parcel",
                turn.lang,
                carrier=s.carrier or "-",
                tracking_no=s.tracking_no or "-",
                state=state,
            )
        )
    detail = "；".join(parts) or pick(turn.lang, "尚未发货", "not shipped yet")
    text = t(
        "cs.status",
        turn.lang,
        order_id=order.order_id,
        status=stage_label(order, turn.lang),
        detail=detail,
    )
    turn.state.awaiting = None
    facts = {
        "order_id": order.order_id,
        "status": order.status,
        "parcels": [p.shipment.model_dump(mode="json") for p in logistics.parcels],
    }
    return Draft(intent, text, turn.lang, sources=[order_source(order, turn.lang)], facts=facts)


def _urge(turn: Turn, intent: str, order: Order) -> Draft:
    promise = turn.tools.urge_shipment(turn.buyer, order.order_id)
    turn.state.awaiting = None
    when = local_time(turn, promise.promised_by)
    if promise.shipped:
        return _status(turn, intent, order)
    if order.stage == "unpaid":
        text = t("cs.urge_unpaid", turn.lang, order_id=order.order_id)
    elif promise.overdue:
        text = t("cs.urge_overdue", turn.lang, order_id=order.order_id, promised=when)
    else:
        hours = turn.tools.policy.shipping.ship_within_hours
        text = t("cs.urge_waiting", turn.lang, order_id=order.order_id, hours=hours, promised=when)
    actions = (
        [
            ActionOutcome(
                action="urge_shipment",
                order_id=order.order_id,
                status="recorded",
                decision="allow",
                params={
                    "promised_by": when,
                    "overdue": promise.overdue,
                    "times_urged": promise.times_urged,
                },
            )
        ]
        if promise.request_id
        else []
    )
    return Draft(
        intent,
        text,
        turn.lang,
        actions=actions,
        sources=[order_source(order, turn.lang)],
        facts=promise.model_dump(mode="json"),
    )


def _change_address(turn: Turn, intent: str, order: Order) -> Draft:
    found = slots.address(turn.text)
    if found is None and order.stage not in ("unpaid", "awaiting_shipment"):
        # a shipped or delivered order: the policy's refusal (and why) now, not a new address
        return present(
            turn,
            intent,
            turn.tools.change_address(turn.buyer, order.order_id, order.address),
            order,
        )
    if found is None:
        turn.state.awaiting = intent
        return Draft(
            intent,
            t("cs.ask_address", turn.lang),
            turn.lang,
            sources=[order_source(order, turn.lang)],
        )
    current = order.address
    same_city = found.get("city", "") in ("", current.city)  # never a new city in the old province
    address = Address(
        name=found.get("name") or current.name,
        phone=found.get("phone") or current.phone,
        province=found.get("province") or (current.province if same_city else ""),
        city=found.get("city") or "",
        district=found.get("district") or "",
        line1=found["line1"],
        line2=found.get("line2") or "",
        zip=found.get("zip") or "",
        country=current.country,
    )
    return present(
        turn, intent, turn.tools.change_address(turn.buyer, order.order_id, address), order
    )


def _cancel(turn: Turn, intent: str, order: Order) -> Draft:
    allowed = turn.tools.policy.cancel.reasons
    ids = turn.catalogue.order_ids(turn.text)
    said = turn.text.replace(ids[0], "") if ids else turn.text
    reason = next(
        (r for r in allowed if r in turn.text), allowed[0] if allowed else said.strip()[:60]
    )
    return present(
        turn, intent, turn.tools.cancel(turn.buyer, order.order_id, reason=reason), order
    )


def _return(turn: Turn, intent: str, order: Order) -> Draft:
    lines = order_lines(turn, order)
    if lines is None:
        return ask_item(turn, intent, order)
    quality = bool(_QUALITY.search(turn.text))
    proposal = turn.tools.return_refund(
        turn.buyer,
        order.order_id,
        [ln.line_id for ln in lines],
        reason_kind="quality" if quality else "no_reason",
        reason=turn.text[:120],
        opened=bool(_OPENED.search(turn.text)),
    )
    return present(turn, intent, proposal, order)


def _exchange(turn: Turn, intent: str, order: Order) -> Draft:
    lines = order_lines(turn, order)
    if lines is None:
        return ask_item(turn, intent, order)
    line = lines[0]
    cat = turn.catalogue
    bought = cat.skus.get(line.sku_id)
    # "换成鸡肉味的" of 三文鱼味 5kg is 鸡肉味 5kg: what was bought breaks the tie
    context = cat.variant(bought) if bought is not None else ""
    target = (
        cat.find_sku(turn.text, line.product_id, context)
        if line.product_id in cat.by_product
        else None
    )
    if target is None or target.sku_id == line.sku_id:
        turn.state.awaiting = intent
        options = pick(turn.lang, "；", "; ").join(
            cat.variant(s)
            for s in cat.by_product.get(line.product_id, [])
            if s.sku_id != line.sku_id
        )
        return Draft(
            intent,
            t("cs.ask_variant", turn.lang, options=options or "-"),
            turn.lang,
            sources=[order_source(order, turn.lang)],
            resolved=bool(options),
        )
    proposal = turn.tools.exchange(turn.buyer, order.order_id, [line.line_id], [target.sku_id])
    return present(turn, intent, proposal, order)


def _deposit(turn: Turn, intent: str, order: Order) -> Draft:
    merchant = bool(_MERCHANT.search(turn.text))
    proposal = turn.tools.refund_deposit(
        turn.buyer, order.order_id, merchant_caused=merchant, reason=turn.text[:120]
    )
    return present(turn, intent, proposal, order)


def _evidence(turn: Turn) -> list[str]:
    """The attachments the buyer sent in this conversation: "我没有照片" is no photo."""
    return list(turn.state.evidence)


def _missing(turn: Turn, intent: str, order: Order) -> Draft:
    lines = order_lines(turn, order)
    if lines is None:
        return ask_item(turn, intent, order)
    report = turn.tools.missing_item(
        turn.buyer, order.order_id, [ln.line_id for ln in lines], evidence=_evidence(turn)
    )
    if report.reship is not None:
        return present(turn, intent, report.reship, order)
    turn.state.awaiting = None
    where = {
        "in_transit": ("还在另一个包裹里运输中", "is still on its way in another parcel"),
        "not_shipped": ("还没有发出，会随后续包裹发出", "hasn't shipped yet and will follow"),
    }
    idx = pick(turn.lang, 0, 1)
    first = report.lines[0]
    text = t(
        "cs.missing_on_way",
        turn.lang,
        order_id=order.order_id,
        items="、".join(ln.title[:20] for ln in lines),
        where=where.get(first.where, ("状态未知", "status unknown"))[idx]
        + (f"（{first.tracking_no}）" if first.tracking_no else ""),
    )
    return Draft(
        intent,
        text,
        turn.lang,
        sources=[order_source(order, turn.lang)],
        facts=report.model_dump(mode="json"),
    )


def _reship(turn: Turn, intent: str, order: Order) -> Draft:
    lines = order_lines(turn, order)
    if lines is None:
        return ask_item(turn, intent, order)
    proposal = turn.tools.reship(
        turn.buyer,
        order.order_id,
        [ln.line_id for ln in lines],
        evidence=_evidence(turn),
        reason=turn.text[:120],
    )
    return present(turn, intent, proposal, order)


_HANDLERS: dict[str, Callable[[Turn, str, Order], Draft]] = {
    "order_status": _status,
    "urge_shipping": _urge,
    "change_address": _change_address,
    "cancel": _cancel,
    "return_refund": _return,
    "exchange": _exchange,
    "deposit_refund": _deposit,
    "missing_item": _missing,
    "reship": _reship,
}
