"""The cart optimiser: the cheapest valid way to use a store's promotions on a buyer's cart, and
the cheapest thing to add to reach the next threshold. Pure functions, money in integer cents.

How promotions combine (the usual Tmall / Taobao rules):

- **Item-level** parts apply by themselves to every eligible line: a ``discount_rate``
  (限时折扣 / 秒杀: ``0.15`` = 15 % off) and ``second_item_discount`` (第二件 N 折: the second unit of
  a SKU costs that fraction). A line gets the best one of them, never two.
- **One store offer** on top, chosen by the buyer's cart: a threshold discount 满X减Y
  (``{"threshold": 199, "off": 20}``, ``"repeat": true`` for 每满, or ``"tiers": [[199, 20],
  [399, 50]]`` for stacking tiers, the highest tier reached counts) or a multi-item discount
  满N件打折 (``{"min_items": 2, "discount_rate": 0.1}``). Offers do not stack with each other.
- **One coupon** (kind ``coupon``, threshold and amount; ``new_customers_only`` needs a new buyer).

Thresholds are checked against the eligible lines after the item-level discounts. The optimiser
tries every (store offer or none) × (coupon or none) pair and keeps the cheapest total.

>>> cart = [CartLine("A", "beans", 8900, 2)]
>>> offers = [Promotion("P1", "满199减20", "threshold", {"threshold": 199, "off": 20})]
>>> best = optimise(cart, offers)
>>> best.subtotal, best.total, best.applied
(17800, 17800, ())
>>> catalogue = [CartLine("B", "filter", 2900, 1), CartLine("C", "cups", 1900, 1)]
>>> nxt = next_thresholds(cart, offers, catalogue)[0]
>>> nxt.gap, nxt.add.sku_id, nxt.total_after
(2100, 'B', 18700)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ITEM_LEVEL = ("discount", "flash", "bundle")
"""Kinds whose rate parts apply to lines by themselves (a ``discount`` may also carry 满减)."""


@dataclass(frozen=True)
class CartLine:
    """``quantity`` units of one SKU at ``unit_price`` cents (the list price)."""

    sku_id: str
    title: str
    unit_price: int
    quantity: int = 1


@dataclass(frozen=True)
class Promotion:
    """One promotion as the ``promotions`` table holds it (amounts in the rule are in yuan)."""

    promotion_id: str
    name: str
    kind: str
    rule: Mapping[str, Any] = field(default_factory=dict)
    sku_ids: tuple[str, ...] = ()

    def covers(self, sku_id: str) -> bool:
        """Whether the promotion applies to ``sku_id`` (no SKU list = storewide)."""
        return not self.sku_ids or sku_id in self.sku_ids

    @property
    def is_coupon(self) -> bool:
        """A coupon (one per order) rather than a store offer."""
        return self.kind == "coupon"

    @property
    def tiers(self) -> list[tuple[int, int]]:
        """The (threshold, off) tiers in cents, lowest threshold first (empty: no 满减)."""
        raw = self.rule.get("tiers")
        pairs: list[tuple[float, float]] = [(float(t), float(o)) for t, o in raw] if raw else []
        if not pairs and self.rule.get("threshold") is not None and self.rule.get("off"):
            pairs = [(float(self.rule["threshold"]), float(self.rule["off"]))]
        return sorted((_cents(t), _cents(o)) for t, o in pairs if t > 0 and o > 0)

    @property
    def min_items(self) -> int | None:
        """满N件: the item count from which ``discount_rate`` applies to the eligible lines."""
        n = self.rule.get("min_items") or self.rule.get("min_quantity")
        return int(n) if n else None

    @property
    def is_offer(self) -> bool:
        """Whether the promotion has an order-level part (满减 or 满N件打折)."""
        return bool(self.tiers or self.min_items) and not self.is_coupon


@dataclass(frozen=True)
class Plan:
    """The cheapest use of the promotions on a cart."""

    subtotal: int
    item_discount: int
    offer_discount: int
    coupon_discount: int
    applied: tuple[str, ...]

    @property
    def total(self) -> int:
        """What the buyer pays, in cents."""
        return self.subtotal - self.item_discount - self.offer_discount - self.coupon_discount

    @property
    def saving(self) -> int:
        """Everything the promotions take off, in cents."""
        return self.subtotal - self.total


@dataclass(frozen=True)
class NextThreshold:
    """The cheapest item to add so that ``promotion`` reaches its next threshold."""

    promotion_id: str
    name: str
    threshold: int
    gap: int
    add: CartLine
    total_before: int
    total_after: int


def _cents(yuan: float) -> int:
    return round(yuan * 100)


def _line_price(line: CartLine, item_promos: Sequence[Promotion]) -> int:
    """The line's price after its best item-level discount."""
    full = line.unit_price * line.quantity
    best = full
    for promo in item_promos:
        if not promo.covers(line.sku_id):
            continue
        rate = promo.rule.get("discount_rate")
        if rate is not None and promo.kind in ITEM_LEVEL and not promo.min_items:
            best = min(best, full - math.floor(full * float(rate)))
        second = promo.rule.get("second_item_discount")
        if second is not None and line.quantity >= 2:
            pairs = line.quantity // 2
            off = math.floor(line.unit_price * (1 - float(second))) * pairs
            best = min(best, full - off)
    return best


def offer_discount(promo: Promotion, lines: Sequence[CartLine], prices: Sequence[int]) -> int:
    """What one store offer or coupon takes off, given each line's price after item discounts."""
    eligible = sum(p for ln, p in zip(lines, prices, strict=True) if promo.covers(ln.sku_id))
    if promo.min_items:
        count = sum(ln.quantity for ln in lines if promo.covers(ln.sku_id))
        rate = float(promo.rule.get("discount_rate") or 0)
        return math.floor(eligible * rate) if count >= promo.min_items else 0
    reached = [(t, o) for t, o in promo.tiers if eligible >= t]
    if not reached:
        return 0
    threshold, off = reached[-1]
    if promo.rule.get("repeat") and len(promo.tiers) == 1:
        off *= eligible // threshold
    return min(off, eligible)


def evaluate(
    lines: Sequence[CartLine],
    item_promos: Sequence[Promotion],
    offer: Promotion | None,
    coupon: Promotion | None,
) -> Plan:
    """The cart's price with this choice of store offer and coupon (either may be ``None``)."""
    prices = [_line_price(ln, item_promos) for ln in lines]
    subtotal = sum(ln.unit_price * ln.quantity for ln in lines)
    after_items = sum(prices)
    off = offer_discount(offer, lines, prices) if offer else 0
    coupon_off = min(offer_discount(coupon, lines, prices), after_items - off) if coupon else 0
    applied = tuple(
        p.promotion_id
        for p in item_promos
        if any(_line_price(ln, [p]) < ln.unit_price * ln.quantity for ln in lines)
    )
    applied += tuple(p.promotion_id for p, d in ((offer, off), (coupon, coupon_off)) if p and d)
    return Plan(subtotal, subtotal - after_items, off, coupon_off, applied)


def usable(promotions: Iterable[Promotion], *, new_customer: bool = True) -> list[Promotion]:
    """The promotions a buyer can use (a new-customer coupon needs a new customer)."""
    return [
        p for p in promotions if new_customer or not bool(p.rule.get("new_customers_only", False))
    ]


def optimise(
    lines: Sequence[CartLine], promotions: Sequence[Promotion], *, new_customer: bool = True
) -> Plan:
    """The cheapest valid combination of ``promotions`` (all running now) on ``lines``."""
    promos = usable(promotions, new_customer=new_customer)
    items = [p for p in promos if p.kind in ITEM_LEVEL and not p.is_coupon]
    offers: list[Promotion | None] = [None, *(p for p in promos if p.is_offer)]
    coupons: list[Promotion | None] = [None, *(p for p in promos if p.is_coupon and p.tiers)]
    plans = [evaluate(lines, items, o, c) for o, c in itertools.product(offers, coupons)]
    return min(plans, key=lambda plan: (plan.total, len(plan.applied)))


def next_thresholds(
    lines: Sequence[CartLine],
    promotions: Sequence[Promotion],
    catalogue: Sequence[CartLine],
    *,
    new_customer: bool = True,
) -> list[NextThreshold]:
    """For each threshold not yet reached, the cheapest catalogue item (one unit) that makes the
    cart reach it and lowers the best total's price per yuan added; cheapest addition first.
    """
    promos = usable(promotions, new_customer=new_customer)
    items = [p for p in promos if p.kind in ITEM_LEVEL and not p.is_coupon]
    before = optimise(lines, promos, new_customer=new_customer)
    prices = [_line_price(ln, items) for ln in lines]
    found: list[NextThreshold] = []
    for promo in promos:
        eligible = sum(p for ln, p in zip(lines, prices, strict=True) if promo.covers(ln.sku_id))
        target = next((t for t, _ in promo.tiers if t > eligible), None)
        if target is None and promo.tiers and promo.rule.get("repeat"):
            step = promo.tiers[0][0]
            target = (eligible // step + 1) * step
        if target is None:
            continue
        gap = target - eligible
        options = sorted(
            (c for c in catalogue if promo.covers(c.sku_id) and _line_price(c, items) >= gap),
            key=lambda c: (_line_price(c, items), c.sku_id),
        )
        if not options:
            continue
        add = options[0]
        after = optimise([*lines, add], promos, new_customer=new_customer)
        found.append(
            NextThreshold(
                promo.promotion_id, promo.name, target, gap, add, before.total, after.total
            )
        )
    return sorted(found, key=lambda n: (n.add.unit_price, n.promotion_id))
