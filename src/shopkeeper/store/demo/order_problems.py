"""Planted order-level problems of contract v1.1: late deliveries, a cancellation spike, a bulk order.

They are planted on orders that carry no other planted problem (nor a line of a listing with
one), with random draws of their own, the last two in the last chunk of orders (its
:data:`~.sales.FINAL_DAYS` days):

- ``delivery_late`` (store): the store's least used carrier takes :data:`LATE_SHARE` of the
  parcels paid :data:`SETTLED_DAYS` to :data:`LATE_DAYS` days ago and delivers most of them past
  the promised date (paid that long ago, a late parcel has arrived, so it does not also read as
  stalled in transit); a few (:data:`MAX_LOST`) never arrive (the parcel left and stays
  ``shipped``). About half of those buyers leave a 1-2★ review saying the parcel was late or did
  not come ("没收到" / "not received");
- ``cancellation_spike`` (store): an extra :data:`CANCEL_SHARE` of the orders paid in the last
  :data:`CANCEL_DAYS` days are cancelled before shipping (sold out), over 10× the normal share;
- ``outlier_order`` (order): one paid order of the last days becomes a wholesale order of
  hundreds of units of one SKU, about a quarter of its week's GMV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from shopkeeper.store.demo.fulfilment import (
    CANCELLED,
    COMPLETED,
    DELIVERED,
    PAID,
    SHIPPED,
    untouched,
)
from shopkeeper.store.demo.ids import order_id, order_id_sql, review_id_sql
from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.orders import Chunk
from shopkeeper.store.demo.rng import BoolArray, IntArray, rng_for
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import lookup, timestamps

if TYPE_CHECKING:
    from shopkeeper.store.demo.sales import Sales

LATE_DAYS, SETTLED_DAYS = 14, 8.5
LATE_SHARE, LATE_OF_REST, LOST_SHARE, MAX_LOST = 0.8, 0.85, 0.05, 6
LATE_REVIEW_RATE = 0.5
CANCEL_DAYS, CANCEL_SHARE = 10, 0.18
OUTLIER_DAYS, OUTLIER_WEEK_SHARE, OUTLIER_MIN_UNITS = 5, 0.25, 200
NOT_RECEIVED = {
    "zh": (
        "等了半个月还没收到货，物流一直不更新",
        "显示已发货但一直没收到，客服也不管",
        "超过预计送达好几天了，快递太慢",
        "没收到货！包裹丢了也没人处理",
        "物流太差了，比承诺晚了一个星期才到",
    ),
    "en": (
        "Never received my order, tracking stopped updating",
        "Not received. Says shipped two weeks ago",
        "Arrived a week later than the promised date",
        "Package lost in transit, still not received",
        "Very late delivery, way past the estimated date",
    ),
}


def _stamp(seconds: int) -> str:
    return str(np.datetime64(int(seconds), "s")).replace("T", " ")


def plant_order_problems(world: World, chunk: Chunk, seq0: int, *, final: bool) -> IntArray:
    """Plant the kinds the plan asks for; return the orders made late (for their reviews).

    Late deliveries span the chunks of the last :data:`LATE_DAYS` days; the rest is planted in the
    final chunk, which also records the late deliveries in the manifest.
    """
    kinds = world.plan.kinds
    rng = _stream(world, seq0, "plant")  # its own draws: the other problems stay as planted
    free = untouched(chunk, world.plan)
    # nor on a listing with a planted problem: its review burst or drop would blur
    listed = np.isin(world.catalog.sku_listing[chunk.sku], list(world.plan.listing.values()))
    free[chunk.order[listed]] = False
    if final:
        planted = {p.entity_id for p in world.plan.planted if p.entity_type == "order"}
        for i in np.flatnonzero(free):  # orders with a planted delay or bad address
            if order_id(seq0 + int(i), world.lang) in planted:
                free[i] = False
    late = np.zeros(0, np.int64)
    if "delivery_late" in kinds:
        late = _late_carrier(world, chunk, free, rng)
        free[late] = False
        if final:
            _record_late(world)
    if final and "cancellation_spike" in kinds:
        free[_cancellations(world, chunk, free, rng)] = False
    if final and "outlier_order" in kinds:
        _outlier(world, chunk, free, seq0, rng)
    return late


def _stream(world: World, seq0: int, purpose: str) -> np.random.Generator:
    return rng_for(world.seed, "order_problems", purpose, seq0)


def _bad_carrier(world: World) -> int:
    return int(np.argmin([c.weight for c in world.locale.carriers]))


def _late_carrier(
    world: World, chunk: Chunk, free: BoolArray, rng: np.random.Generator
) -> IntArray:
    now = world.timeline.now
    # paid long enough ago that a late parcel has arrived by now: in transit, it would also read
    # as stalled (shipping_delay), which is planted on other orders
    recent = (chunk.paid_at >= now - LATE_DAYS * DAY) & (chunk.paid_at <= now - SETTLED_DAYS * DAY)
    if not recent.any():
        return np.zeros(0, np.int64)
    moving = ~chunk.presale & np.isin(chunk.status, (SHIPPED, DELIVERED, COMPLETED)) & recent
    routed = np.flatnonzero(moving & free & (rng.random(chunk.n_orders) < LATE_SHARE))
    chunk.carrier[routed] = _bad_carrier(world)
    u = rng.random(len(routed))
    tally = world.plan.tally
    lost = routed[u < LOST_SHARE][: max(MAX_LOST - tally.get("lost", 0), 0)]
    slow = routed[(u >= LOST_SHARE) & (u < LOST_SHARE + (1 - LOST_SHARE) * LATE_OF_REST)]
    chunk.delivered[lost] = -1
    chunk.status[lost] = SHIPPED
    arrive = chunk.promised[slow] + (rng.uniform(0.3, 2.0, len(slow)) * DAY).astype(np.int64)
    arrived = arrive <= now
    chunk.delivered[slow] = np.where(arrived, arrive, -1)
    chunk.status[slow] = np.where(arrived, DELIVERED, SHIPPED)
    late = np.sort(np.concatenate([lost, slow]))
    overdue = late[chunk.promised[late] <= now]
    tally["shipped"] = tally.get("shipped", 0) + int(moving.sum())
    tally["late"] = tally.get("late", 0) + len(overdue)
    tally["lost"] = tally.get("lost", 0) + len(lost)
    return np.asarray(overdue, dtype=np.int64)


def _record_late(world: World) -> None:
    tl, tally = world.timeline, world.plan.tally
    world.plan.add(
        PlantedProblem(
            kind="delivery_late",
            entity_type="store",
            entity_id=world.spec.store_name,
            since=tl.date(tl.days - LATE_DAYS),
            details={
                "carrier": world.locale.carriers[_bad_carrier(world)].name,
                "orders_shipped": tally.get("shipped", 0),
                "late_or_undelivered_past_promise": tally.get("late", 0),
                "never_delivered": tally.get("lost", 0),
                "late_share": round(tally.get("late", 0) / max(tally.get("shipped", 0), 1), 3),
                "days": LATE_DAYS,
            },
        )
    )


def _cancellations(
    world: World, chunk: Chunk, free: BoolArray, rng: np.random.Generator
) -> IntArray:
    tl, now = world.timeline, world.timeline.now
    fresh = (
        ~chunk.presale
        & np.isin(chunk.status, (PAID, SHIPPED, DELIVERED, COMPLETED))
        & free
        & (chunk.paid_at >= now - CANCEL_DAYS * DAY)
        & (chunk.paid_at <= now - DAY)
    )
    pick = np.flatnonzero(fresh & (rng.random(chunk.n_orders) < CANCEL_SHARE))
    chunk.status[pick] = CANCELLED
    chunk.shipped[pick] = -1
    chunk.delivered[pick] = -1
    chunk.carrier[pick] = -1
    window = (chunk.paid_at >= now - CANCEL_DAYS * DAY) & (chunk.paid_at >= 0)
    cancelled = window & (chunk.status == CANCELLED)
    world.plan.add(
        PlantedProblem(
            kind="cancellation_spike",
            entity_type="store",
            entity_id=world.spec.store_name,
            since=tl.date(tl.days - CANCEL_DAYS),
            details={
                "planted_cancellations": len(pick),
                "cancelled": int(cancelled.sum()),
                "paid_orders": int(window.sum()),
                "cancelled_share": round(int(cancelled.sum()) / max(int(window.sum()), 1), 3),
                "days": CANCEL_DAYS,
                "reason": "sold out",
            },
        )
    )
    return np.asarray(pick, dtype=np.int64)


def _outlier(
    world: World, chunk: Chunk, free: BoolArray, seq0: int, rng: np.random.Generator
) -> None:
    tl, now = world.timeline, world.timeline.now
    single = np.bincount(chunk.order, minlength=chunk.n_orders) == 1
    ok = (
        ~chunk.presale
        & single
        & np.isin(chunk.status, (PAID, SHIPPED, DELIVERED, COMPLETED))
        & free
        & (chunk.paid_at >= now - OUTLIER_DAYS * DAY)
        & (chunk.paid_at <= now - DAY)
    )
    found = np.flatnonzero(ok)
    if not len(found):
        return
    i = int(found[int(rng.integers(len(found)))])
    line = int(chunk.starts[i])
    week = (chunk.paid_at >= now - 7 * DAY) & (chunk.status != CANCELLED) & (chunk.paid_at >= 0)
    week_gmv = int(chunk.pay[week].sum())
    unit = max(int(chunk.unit[line]), 1)
    qty = max(OUTLIER_MIN_UNITS, int(np.ceil(OUTLIER_WEEK_SHARE * week_gmv / unit / 100)) * 100)
    old = int(chunk.paid_amount[line])
    new = unit * qty
    chunk.qty[line] = qty
    chunk.paid_amount[line] = new
    chunk.pay[i] = int(chunk.pay[i]) - old + new
    world.plan.add(
        PlantedProblem(
            kind="outlier_order",
            entity_type="order",
            entity_id=order_id(seq0 + i, world.lang),
            since=tl.date(int(chunk.day[i])),
            details={
                "sku_id": world.catalog.sku_id[int(chunk.sku[line])],
                "quantity": qty,
                "pay_amount": round(int(chunk.pay[i]) / 100, 2),
                "week_gmv_without": round(week_gmv / 100, 2),
                "paid_at": _stamp(int(chunk.paid_at[i])),
            },
        )
    )


def write_late_reviews(world: World, chunk: Chunk, sales: Sales, seq0: int, late: IntArray) -> None:
    """1-2★ reviews on about half of the late orders: soon after a late delivery, or after the
    promise passed for a parcel that never came ("not received").
    """
    if not len(late):
        return
    rng = _stream(world, seq0, "reviews")
    after = np.where(chunk.delivered[late] >= 0, chunk.delivered[late], chunk.promised[late])
    when = after + (rng.uniform(0.3, 3.0, len(late)) * DAY).astype(np.int64)
    keep = (rng.random(len(late)) < LATE_REVIEW_RATE) & (when <= world.timeline.now)
    orders, when = late[keep], when[keep]
    if not len(orders):
        return
    sku = chunk.sku[chunk.starts[orders]]
    texts = NOT_RECEIVED[world.lang]
    cols = {
        "seq": sales.reviews + np.arange(len(orders), dtype=np.int64),
        "oseq": seq0 + orders,
        "sku": lookup(sku, world.catalog.sku_id),
        "product": lookup(world.catalog.sku_listing[sku], world.catalog.product_id),
        "created": timestamps(when),
        "rating": 1 + (rng.random(len(orders)) < 0.3).astype(np.int64),
        "text": lookup(rng.integers(0, len(texts), len(orders)), texts),
        "media": np.zeros(len(orders), dtype=bool),
    }
    select = {
        "review_id": review_id_sql("seq", world.lang),
        "order_id": order_id_sql("oseq", world.lang),
        "sku_id": "sku",
        "product_id": "product",
        "created_at": "created",
        "rating": "rating",
        "text": "text",
        "has_media": "media",
        "reply": "NULL",
    }
    world.writer.write("reviews", cols, select)
    sales.reviews += len(orders)
