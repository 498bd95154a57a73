"""The after-sale policy: a per-store file (``stores/<name>/cs_policy.toml``) and one
deterministic :func:`decide` — allow, needs a person's approval, or refuse, always with reasons.

Defaults follow the usual Chinese-platform rules: 七天无理由 within 7 days of delivery, except
customised, fresh or opened cosmetic goods; address changes and cancellations only before
shipment; deposits (定金) refundable before the final payment opens or when the merchant caused
it; reships need evidence, and a person above a value. A file overrides any of them::

    [returns]
    window_days = 7
    auto_refund_max = 200      # refunds above this wait for a person
    [reship]
    auto_max_value = 100

The function reads nothing: the facts (order, SKUs, payment methods, the time) come in
:class:`Facts`, so the same policy runs on any backend, the τ²-bench database included.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopkeeper.cs.aftersale.models import Buyer, Order, OrderLine, PaymentMethod, Sku
from shopkeeper.cs.aftersale.reasons import Decision, Reason, reason, refuse
from shopkeeper.errors import ConfigError

POLICY_FILE = "cs_policy.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CancelRules(_Section):
    """Cancelling an unshipped order."""

    reasons: list[str] = Field(
        default_factory=list, description="accepted reasons; empty = any reason"
    )


class ReturnRules(_Section):
    """Returns and refunds of delivered goods."""

    window_days: int | None = Field(
        7, ge=0, description="七天无理由 from delivery; None = no window"
    )
    auto_refund_max: float | None = Field(
        200.0, ge=0, description="refunds up to this run at once; above wait for a person"
    )
    refund_to: Literal["original", "original_or_gift_card"] = "original"
    not_returnable: list[str] = Field(
        default_factory=lambda: ["定制", "生鲜", "鲜花", "customised", "custom-made", "fresh"],
        description="words that, in a SKU's category, attribute names or values, exclude no-reason returns",
    )
    perishable_days: int = Field(
        15, ge=0, description="goods that keep this many days or fewer count as fresh (生鲜)"
    )
    no_return_if_opened: list[str] = Field(
        default_factory=lambda: ["美妆", "彩妆", "护肤", "化妆品", "cosmetics", "beauty"],
        description="category words of goods that cannot be returned once opened",
    )


class ExchangeRules(_Section):
    """Exchanges of delivered goods for another variant of the same product."""

    window_days: int | None = Field(7, ge=0)


class DepositRules(_Section):
    """Presale deposit (定金) refunds."""

    auto_refund_max: float | None = Field(100.0, ge=0)


class ReshipRules(_Section):
    """Reships (补发) of missing or damaged lines."""

    auto_max_value: float = Field(
        100.0, ge=0, description="reships with evidence up to this value run at once"
    )
    evidence_required: bool = True


class ShippingRules(_Section):
    """What the store promises about shipping (催发货 answers with it)."""

    ship_within_hours: float = Field(48.0, gt=0)


class ModifyRules(_Section):
    """Changes of an unshipped order."""

    items_once: bool = Field(True, description="items change once; the order then locks")


class CsPolicy(BaseModel):
    """A store's after-sale policy."""

    model_config = ConfigDict(extra="forbid")
    cancel: CancelRules = CancelRules()
    returns: ReturnRules = ReturnRules()
    exchange: ExchangeRules = ExchangeRules()
    deposit: DepositRules = DepositRules()
    reship: ReshipRules = ReshipRules()
    shipping: ShippingRules = ShippingRules()
    modify: ModifyRules = ModifyRules()


def load_cs_policy(store_dir: Path) -> CsPolicy:
    """The store's after-sale policy (``cs_policy.toml`` in its folder), or the defaults."""
    path = store_dir / POLICY_FILE
    if not path.exists():
        return CsPolicy()
    try:
        return CsPolicy.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid after-sale policy: {exc}") from exc


@dataclass(frozen=True)
class Facts:
    """Everything :func:`decide` may look at, gathered by the service from the backend."""

    buyer: Buyer
    now: dt.datetime
    order: Order | None = None
    skus: Mapping[str, Sku] = field(default_factory=dict)
    methods: Mapping[str, PaymentMethod] = field(default_factory=dict)
    supported: bool = True


_UNSHIPPED = ("unpaid", "awaiting_shipment")
_DELIVERED = ("delivered", "completed")


def decide(policy: CsPolicy, action: str, params: Mapping[str, Any], facts: Facts) -> Decision:
    """The decision on after-sale ``action`` with validated ``params``, given ``facts``.

    Checks, in order: the buyer is verified; the order is theirs (another buyer's order is
    "not found", never described); the backend supports the action; then the action's rules.
    """
    if not facts.buyer.verified:
        return refuse("auth.unverified")
    if params.get("customer_id") != facts.buyer.customer_id:
        return refuse("order.not_found", order_id=params.get("order_id", ""))
    if not facts.supported:
        return refuse("backend.unsupported", action=action)
    if action == "cs.change_profile_address":
        return _address_complete(params) or Decision(
            outcome="allow", reasons=[reason("profile.ok")]
        )
    order = facts.order
    if order is None or order.customer_id != facts.buyer.customer_id:
        return refuse("order.not_found", order_id=params.get("order_id", ""))
    rule = _RULES.get(action)
    if rule is None:
        return refuse("request.invalid", detail=f"unknown after-sale action {action!r}")
    return rule(policy, params, order, facts)


def _address_complete(params: Mapping[str, Any]) -> Decision | None:
    address = params.get("address") or {}
    missing = [k for k in ("city", "line1") if not address.get(k)]
    return refuse("address.incomplete", missing=", ".join(missing)) if missing else None


def _unshipped(
    order: Order, what: str, what_en: str, *, locked_ok: bool = False
) -> Decision | None:
    if order.stage not in _UNSHIPPED:
        return refuse("order.not_unshipped", status=order.status, what=what, what_en=what_en)
    if order.locked and not locked_ok:
        return refuse("order.locked")
    return None


def _cancel(policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts) -> Decision:
    blocked = _unshipped(order, "取消", "cancelled")
    if blocked:
        return blocked
    allowed = policy.cancel.reasons
    if allowed and params.get("reason") not in allowed:
        return refuse("cancel.reason", allowed=", ".join(allowed))
    return Decision(outcome="allow", reasons=[reason("cancel.ok")])


def _change_address(
    policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts
) -> Decision:
    return (
        _unshipped(order, "修改地址", "re-addressed")
        or _address_complete(params)
        or Decision(outcome="allow", reasons=[reason("address.ok")])
    )


def _method(
    facts: Facts, method_id: str | None, amount: float
) -> tuple[PaymentMethod | None, Decision | None]:
    if method_id is None:
        return None, None
    method = facts.methods.get(method_id)
    if method is None:
        return None, refuse("payment.not_found", method_id=method_id)
    if method.balance is not None and method.kind == "gift_card" and method.balance < amount:
        return method, refuse("payment.balance", balance=method.balance, amount=amount)
    return method, None


def _swaps(
    params: Mapping[str, Any], order: Order, facts: Facts
) -> tuple[list[tuple[OrderLine, Sku]], Decision | None]:
    """The (old line, new variant) pairs of an item change or exchange, or why not."""
    line_ids, new_ids = list(params["line_ids"]), list(params["new_sku_ids"])
    if len(line_ids) != len(new_ids):
        return [], refuse("lines.count_mismatch")
    lines = order.take_lines(line_ids)
    if lines is None:
        return [], refuse("lines.not_in_order", line_ids=", ".join(line_ids))
    pairs: list[tuple[OrderLine, Sku]] = []
    for line, new_id in zip(lines, new_ids, strict=True):
        sku = facts.skus.get(new_id)
        if sku is None:
            return [], refuse("variant.not_found", sku_id=new_id)
        if sku.product_id != line.product_id:
            return [], refuse("variant.other_product", sku_id=new_id)
        if sku.sku_id == line.sku_id:
            return [], refuse("variant.same", sku_id=new_id)
        if not sku.available:
            return [], refuse("variant.unavailable", sku_id=new_id)
        pairs.append((line, sku))
    return pairs, None


def price_difference(pairs: list[tuple[OrderLine, Sku]]) -> float:
    """What the buyer pays (positive) or gets back (negative) for the swaps, in cents."""
    return round(sum(sku.price - line.unit_price for line, sku in pairs), 2)


def _change_items(
    policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts
) -> Decision:
    blocked = _unshipped(order, "修改商品", "modified")
    if blocked:
        return blocked
    pairs, invalid = _swaps(params, order, facts)
    if invalid:
        return invalid
    diff = price_difference(pairs)
    _, bad_method = _method(facts, params.get("payment_method_id"), diff)
    if bad_method:
        return bad_method
    return Decision(outcome="allow", reasons=[reason("items.ok", diff=diff)])


def _change_payment(
    policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts
) -> Decision:
    blocked = _unshipped(order, "更换支付方式", "re-paid")
    if blocked:
        return blocked
    if len(order.payments) != 1 or order.payments[0].kind != "payment":
        return refuse("payment.not_single")
    if order.payments[0].method_id == params["payment_method_id"]:
        return refuse("payment.same")
    _, bad_method = _method(facts, params["payment_method_id"], order.payments[0].amount)
    return bad_method or Decision(outcome="allow", reasons=[reason("payment.ok")])


def _delivered(order: Order, what: str, what_en: str) -> Decision | None:
    if order.stage not in _DELIVERED:
        return refuse("order.not_delivered", status=order.status, what=what, what_en=what_en)
    return None


def _lines_free(order: Order, line_ids: list[str]) -> Decision | None:
    lines = order.take_lines(line_ids)
    if lines is None:
        return refuse("lines.not_in_order", line_ids=", ".join(line_ids))
    busy = [ln for ln in lines if ln.line_id in order.after_sale_lines]
    return refuse("lines.in_after_sale", items=_titles(busy)) if busy else None


def _titles(lines: list[OrderLine]) -> str:
    """The lines as the buyer knows them: their titles (with the variant), once each."""
    names = (ln.title or ln.sku_id for ln in lines)
    return "、".join(f"「{name}」" for name in dict.fromkeys(names))


def _window(days: int | None, order: Order, now: dt.datetime, code: str) -> Decision | None:
    if days is None:
        return None
    if order.delivered_at is None:
        return Decision(outcome="needs_human_approval", reasons=[reason("return.no_delivery_time")])
    if now > order.delivered_at + dt.timedelta(days=days):
        return refuse(code, days=days, since=order.delivered_at.date().isoformat())
    return None


def _not_returnable(
    rules: ReturnRules, sku: Sku | None, line: OrderLine, opened: bool
) -> Reason | None:
    title = line.title or line.sku_id
    if sku is None:
        return None
    haystack = " ".join([sku.category, *sku.attributes.keys(), *sku.attributes.values()]).lower()
    for word in rules.not_returnable:
        if word.lower() in haystack:
            return reason("return.not_eligible", title=title, why=word, why_en=word)
    if sku.shelf_life_days is not None and sku.shelf_life_days <= rules.perishable_days:
        return reason("return.not_eligible", title=title, why="生鲜", why_en="perishable")
    if opened and any(w.lower() in sku.category.lower() for w in rules.no_return_if_opened):
        return reason("return.opened", title=title)
    return None


def _return_refund(
    policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts
) -> Decision:
    rules = policy.returns
    line_ids = list(params["line_ids"])
    blocked = _delivered(order, "退货", "returned") or _lines_free(order, line_ids)
    if blocked:
        return blocked
    method_id = params.get("refund_method_id") or order.original_method_id
    if method_id is not None and method_id != order.original_method_id:
        method = facts.methods.get(method_id)
        if method is None:
            return refuse("payment.not_found", method_id=method_id)
        if not (rules.refund_to == "original_or_gift_card" and method.kind == "gift_card"):
            gift = rules.refund_to == "original_or_gift_card"
            return refuse(
                "refund.destination",
                or_gift="或礼品卡" if gift else "",
                or_gift_en=" or a gift card" if gift else "",
            )
    lines = order.take_lines(line_ids) or []
    amount = round(sum(ln.paid_amount for ln in lines), 2)
    if amount > order.paid_total + 0.005:
        return refuse("refund.above_paid", amount=amount, paid=order.paid_total)
    if params.get("reason_kind", "no_reason") != "no_reason":
        return Decision(outcome="needs_human_approval", reasons=[reason("return.quality")])
    late = _window(rules.window_days, order, facts.now, "return.window_passed")
    if late:
        return late
    for line in lines:
        excluded = _not_returnable(
            rules, facts.skus.get(line.sku_id), line, bool(params.get("opened"))
        )
        if excluded:
            return Decision(outcome="refuse", reasons=[excluded])
    return _refund_limit(rules.auto_refund_max, amount, reason("return.ok", amount=amount))


def _refund_limit(limit: float | None, amount: float, ok: Reason) -> Decision:
    if limit is not None and amount > limit:
        return Decision(
            outcome="needs_human_approval",
            reasons=[ok, reason("refund.above_auto", amount=amount, limit=limit)],
        )
    return Decision(outcome="allow", reasons=[ok])


def _exchange(policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts) -> Decision:
    line_ids = list(params["line_ids"])
    blocked = _delivered(order, "换货", "exchanged") or _lines_free(order, line_ids)
    if blocked:
        return blocked
    late = _window(policy.exchange.window_days, order, facts.now, "exchange.window_passed")
    if late and late.outcome == "refuse":
        return late
    pairs, invalid = _swaps(params, order, facts)
    if invalid:
        return invalid
    diff = price_difference(pairs)
    _, bad_method = _method(facts, params.get("payment_method_id"), diff)
    if bad_method:
        return bad_method
    ok = reason("exchange.ok", diff=diff)
    return (
        late.model_copy(update={"reasons": [ok, *late.reasons]})
        if late
        else Decision(outcome="allow", reasons=[ok])
    )


def _refund_deposit(
    policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts
) -> Decision:
    presale = order.presale
    if presale is None or presale.deposit <= 0:
        return refuse("deposit.none")
    if presale.deposit_refunded:
        return refuse("deposit.already_refunded")
    if presale.balance_paid:
        return refuse("deposit.balance_paid")
    amount = presale.deposit
    if params.get("merchant_caused"):
        ok = reason("deposit.merchant_caused", amount=amount)
        # the merchant's fault is a claim: a person confirms it
        return Decision(outcome="needs_human_approval", reasons=[ok])
    opens = presale.final_payment_from
    if opens is not None and facts.now >= opens:
        return refuse("deposit.forfeited", since=opens.date().isoformat())
    return _refund_limit(
        policy.deposit.auto_refund_max, amount, reason("deposit.before_final", amount=amount)
    )


def _reship(policy: CsPolicy, params: Mapping[str, Any], order: Order, facts: Facts) -> Decision:
    if order.stage in ("unpaid", "awaiting_shipment", "cancelled", "closed"):
        return refuse("order.not_shipped")
    line_ids = list(params["line_ids"])
    blocked = _lines_free(order, line_ids)
    if blocked:
        return blocked
    lines = order.take_lines(line_ids) or []
    for line in lines:
        parcel = next((s for s in order.shipments if line.line_id in s.line_ids), None)
        if parcel is not None and parcel.status == "in_transit":
            return refuse("reship.in_transit", tracking_no=parcel.tracking_no)
        if parcel is not None and parcel.status == "pending":
            return refuse("reship.not_shipped")
    value = round(sum(ln.unit_price * ln.quantity for ln in lines), 2)
    waits = []
    if policy.reship.evidence_required and not params.get("evidence"):
        waits.append(reason("reship.no_evidence"))
    if value > policy.reship.auto_max_value:
        waits.append(reason("reship.above_auto", value=value, limit=policy.reship.auto_max_value))
    if waits:
        return Decision(outcome="needs_human_approval", reasons=waits)
    return Decision(outcome="allow", reasons=[reason("reship.ok", value=value)])


_RULES = {
    "cs.cancel_order": _cancel,
    "cs.change_address": _change_address,
    "cs.change_items": _change_items,
    "cs.change_payment": _change_payment,
    "cs.return_refund": _return_refund,
    "cs.exchange": _exchange,
    "cs.refund_deposit": _refund_deposit,
    "cs.reship": _reship,
}
