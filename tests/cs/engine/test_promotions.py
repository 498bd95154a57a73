"""The cart optimiser: hand-checked examples and properties against a brute force."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.cs.engine.promotions import (
    CartLine,
    Promotion,
    evaluate,
    next_thresholds,
    optimise,
)

A = CartLine("A", "beans", 8900, 2)  # ¥178
B = CartLine("B", "filter", 2900, 1)  # ¥29
WEEKEND = Promotion("P1", "满199减20", "threshold", {"threshold": 199, "off": 20})
TIERS = Promotion("P2", "满200减20 满400减50", "threshold", {"tiers": [[200, 20], [400, 50]]})
EVERY = Promotion("P3", "每满300减50", "threshold", {"threshold": 300, "off": 50, "repeat": True})
COUPON = Promotion(
    "C1", "新客券 满99减10", "coupon", {"threshold": 99, "off": 10, "new_customers_only": True}
)
TWO_FOR = Promotion("P4", "满2件9折", "discount", {"min_items": 2, "discount_rate": 0.1})
DOUBLE11 = Promotion(
    "P5", "双11", "discount", {"discount_rate": 0.15, "threshold": 300, "off": 50, "repeat": True}
)
HALF = Promotion("P6", "第二件半价", "bundle", {"second_item_discount": 0.5}, ("A",))


def test_threshold_reached_and_coupon_stacks() -> None:
    plan = optimise([A, B], [WEEKEND, COUPON])
    # 207 ≥ 199 → −20; coupon 满99减10 → −10
    assert (plan.subtotal, plan.offer_discount, plan.coupon_discount, plan.total) == (
        20700,
        2000,
        1000,
        17700,
    )
    assert set(plan.applied) == {"P1", "C1"}


def test_a_returning_customer_gets_no_new_customer_coupon() -> None:
    assert optimise([A, B], [WEEKEND, COUPON], new_customer=False).total == 18700


def test_offers_do_not_stack_the_best_one_wins() -> None:
    cart = [CartLine("X", "kettle", 21000, 2)]  # ¥420
    plan = optimise(cart, [WEEKEND, TIERS, TWO_FOR])
    # 满199减20 → 400; tiers → 满400减50 → 370; 满2件9折 → 378: the tier wins
    assert plan.total == 37000
    assert plan.applied == ("P2",)


def test_every_threshold_repeats() -> None:
    cart = [CartLine("X", "kettle", 31000, 2)]  # ¥620 → 2 × 50 off
    assert optimise(cart, [EVERY]).total == 52000


def test_item_discount_first_then_threshold_on_the_discounted_amount() -> None:
    cart = [CartLine("X", "kettle", 36000, 1)]  # ¥360 → 15 % off = 306 → 每满300减50 → 256
    assert optimise(cart, [DOUBLE11]).total == 25600


def test_second_item_half_price_only_on_its_skus() -> None:
    plan = optimise([A, CartLine("Z", "other", 8900, 2)], [HALF])
    assert plan.item_discount == 4450
    assert plan.applied == ("P6",)


def test_next_threshold_picks_the_cheapest_item_that_reaches_it() -> None:
    catalogue = [CartLine("C", "cups", 1900, 1), B, CartLine("D", "grinder", 29900, 1)]
    nxt = next_thresholds([A], [WEEKEND], catalogue)
    assert len(nxt) == 1
    assert (nxt[0].gap, nxt[0].add.sku_id, nxt[0].total_before, nxt[0].total_after) == (
        2100,
        "B",
        17800,
        18700,
    )


def test_nothing_to_suggest_when_every_threshold_is_reached() -> None:
    assert next_thresholds([A, B], [WEEKEND], [B]) == []


prices = st.integers(min_value=100, max_value=40000)
lines = st.lists(
    st.builds(CartLine, st.sampled_from("ABCDE"), st.just("x"), prices, st.integers(1, 4)),
    min_size=1,
    max_size=5,
)
promos = st.lists(
    st.sampled_from([WEEKEND, TIERS, EVERY, COUPON, TWO_FOR, DOUBLE11, HALF]),
    max_size=5,
    unique_by=lambda p: p.promotion_id,
)


@settings(max_examples=150, deadline=None)
@given(lines, promos, st.booleans())
def test_the_optimum_is_the_cheapest_valid_combination(
    cart: list[CartLine], offers: list[Promotion], new: bool
) -> None:
    plan = optimise(cart, offers, new_customer=new)
    assert 0 <= plan.total <= plan.subtotal
    assert plan.saving == plan.item_discount + plan.offer_discount + plan.coupon_discount
    usable = [p for p in offers if new or not p.rule.get("new_customers_only")]
    items = [p for p in usable if p.kind in ("discount", "flash", "bundle")]
    store_offers = [None, *(p for p in usable if p.is_offer)]
    coupons = [None, *(p for p in usable if p.is_coupon)]
    every = [evaluate(cart, items, o, c).total for o, c in itertools.product(store_offers, coupons)]
    assert plan.total == min(every)
    assert set(plan.applied) <= {p.promotion_id for p in usable}


@settings(max_examples=80, deadline=None)
@given(
    lines,
    promos,
    st.lists(
        st.builds(CartLine, st.sampled_from("FGH"), st.just("y"), prices), min_size=1, max_size=4
    ),
)
def test_a_suggested_addition_reaches_its_threshold(
    cart: list[CartLine], offers: list[Promotion], catalogue: list[CartLine]
) -> None:
    for n in next_thresholds(cart, offers, catalogue):
        assert n.gap > 0
        assert n.add in catalogue
        assert n.total_after == optimise([*cart, n.add], offers).total
