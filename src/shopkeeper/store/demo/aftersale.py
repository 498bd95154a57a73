"""Reviews and after-sale cases of one chunk of orders, plus the planted review burst and refund spike.

About a fifth of delivered lines get a review a few days after delivery: mostly 4-5 stars, ~5 % at
1-2 stars, text = a sentence about the product (by rating) and one about logistics or service; the
shop answers most low ratings. About 3-5 % of delivered lines open an after-sale case with a
platform-style reason; paid orders cancelled before shipping are refunded at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from shopkeeper.store.demo.fulfilment import CANCELLED
from shopkeeper.store.demo.ids import order_id_sql, refund_id_sql, review_id_sql
from shopkeeper.store.demo.orders import Chunk
from shopkeeper.store.demo.plan import REFUND_DAYS, REVIEW_DAYS
from shopkeeper.store.demo.rng import BoolArray, FloatArray, IntArray, choice_idx, hash_uniform
from shopkeeper.store.demo.texts import ReasonBank, ReviewTexts
from shopkeeper.store.demo.timeline import DAY, HOUR
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import lookup, money, timestamps
from shopkeeper.store.schema import REFUND_KINDS, REFUND_STATUSES

if TYPE_CHECKING:
    from shopkeeper.store.demo.sales import Sales

REVIEW_RATE = 0.2
RATINGS = np.array([0.025, 0.025, 0.05, 0.14, 0.76])
REFUND_RATE = {"coffee": 0.035, "snacks": 0.03, "beauty": 0.045, "pets": 0.03}
BURST_LOW, BURST_RATE = 0.65, 0.55
SPIKE_RATE, SPIKE_WRONG = 0.35, 0.9


def _listing_factor(world: World, listing: IntArray, field: str) -> FloatArray:
    return 0.7 + 0.6 * hash_uniform(listing, world.seed, field)


def _ratings(world: World, listing: IntArray, rng: np.random.Generator) -> IntArray:
    shift = hash_uniform(listing, world.seed, "quality") - 0.5
    probs = RATINGS[None, :] * np.exp(np.outer(-shift, [1.2, 1.2, 0.6, 0.0, 0.0]))
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(listing)) * cum[:, -1]
    return np.asarray((u[:, None] > cum).sum(axis=1) + 1, dtype=np.int64)


def write_reviews(
    world: World, chunk: Chunk, sales: Sales, seq0: int, rng: np.random.Generator
) -> None:
    """Reviews of the chunk's delivered lines."""
    delivered = chunk.delivered[chunk.order]
    listing = world.catalog.sku_listing[chunk.sku]
    created = delivered + ((0.2 + rng.exponential(2.5, len(delivered))) * DAY).astype(np.int64)
    rate = REVIEW_RATE * _listing_factor(world, listing, "review")
    burst = _burst_lines(world, listing, created)
    rate = np.where(burst, BURST_RATE, rate)
    pick = (delivered >= 0) & (created <= world.timeline.now) & (rng.random(len(rate)) < rate)
    idx = np.flatnonzero(pick)
    rating = _ratings(world, listing[idx], rng)
    angry = burst[idx] & (rng.random(len(idx)) < BURST_LOW)
    rating = np.where(angry, 1 + (rng.random(len(idx)) < 0.3), rating)
    texts = ReviewTexts.of(world)
    t1, t2 = texts.pick(world.catalog.line[listing[idx]], rating, angry, rng)
    low = rating <= 2
    media = rng.random(len(idx)) < np.where(low, 0.35, np.where(rating == 5, 0.15, 0.1))
    replied = rng.random(len(idx)) < np.where(low, 0.85, np.where(rating == 3, 0.4, 0.1))
    reply = texts.reply(rating, rng)
    cols = {
        "seq": sales.reviews + np.arange(len(idx), dtype=np.int64),
        "oseq": seq0 + chunk.order[idx],
        "sku": lookup(chunk.sku[idx], world.catalog.sku_id),
        "product": lookup(listing[idx], world.catalog.product_id),
        "created": timestamps(created[idx]),
        "rating": rating,
        "t1": lookup(t1, texts.first),
        "t2": lookup(np.maximum(t2, 0), texts.second, t2 >= 0),
        "media": media,
        "reply": lookup(reply, texts.replies, replied),
    }
    select = {
        "review_id": review_id_sql("seq", world.lang),
        "order_id": order_id_sql("oseq", world.lang),
        "sku_id": "sku",
        "product_id": "product",
        "created_at": "created",
        "rating": "rating",
        "text": f"t1 || coalesce('{texts.sep}' || t2, '')",
        "has_media": "media",
        "reply": "reply",
    }
    world.writer.write("reviews", cols, select)
    sales.reviews += len(idx)


def _burst_lines(world: World, listing: IntArray, created: IntArray) -> BoolArray:
    li = world.plan.listing.get("negative_reviews")
    if li is None:
        return np.zeros(len(listing), dtype=bool)
    since = world.timeline.day_start(np.array([world.plan.since(REVIEW_DAYS)]))[0]
    return np.asarray((listing == li) & (created >= since), dtype=np.bool_)


def _spike_lines(world: World, chunk: Chunk, created: IntArray) -> BoolArray:
    sku = world.plan.sku.get("refund_spike")
    if sku is None:
        return np.zeros(len(created), dtype=bool)
    since = world.timeline.day_start(np.array([world.plan.since(REFUND_DAYS)]))[0]
    return np.asarray((chunk.sku == sku) & (created >= since), dtype=np.bool_)


def write_refunds(
    world: World, chunk: Chunk, sales: Sales, seq0: int, rng: np.random.Generator
) -> None:
    """After-sale cases: instant refunds of cancelled orders and cases opened after delivery."""
    bank = ReasonBank.of(world)
    now, n = world.timeline.now, len(chunk.sku)
    delivered = chunk.delivered[chunk.order]
    created = delivered + (rng.uniform(0.1, 6.0, n) * DAY).astype(np.int64)
    rate = REFUND_RATE.get(world.spec.key, 0.035) * (
        0.7 + 0.6 * hash_uniform(chunk.sku, world.seed, "refund")
    )
    spike = _spike_lines(world, chunk, created) & (delivered >= 0)
    after = (
        (delivered >= 0) & (created <= now) & (rng.random(n) < np.where(spike, SPIKE_RATE, rate))
    )
    cancelled = (chunk.status == CANCELLED)[chunk.order]
    paid_at = chunk.paid_at[chunk.order]
    created = np.where(cancelled, paid_at + rng.integers(600, 20 * HOUR, n), created)
    idx = np.flatnonzero(after | cancelled)
    reason, kind, partial = bank.draw(
        cancelled[idx], spike[idx] & (rng.random(len(idx)) < SPIKE_WRONG), rng
    )
    amount = np.where(
        partial,
        np.round(chunk.paid_amount[idx] * rng.uniform(0.2, 0.5, len(idx))),
        chunk.paid_amount[idx],
    )
    amount = np.where(kind >= 2, 0, amount).astype(np.int64)
    status, resolved = _refund_status(created[idx], cancelled[idx], now, rng)
    cols = {
        "seq": sales.refunds + np.arange(len(idx), dtype=np.int64),
        "oseq": seq0 + chunk.order[idx],
        "sku": lookup(chunk.sku[idx], world.catalog.sku_id),
        "created": timestamps(created[idx]),
        "kind": lookup(kind, REFUND_KINDS),
        "amount": amount,
        "reason": lookup(reason, bank.texts),
        "status": lookup(status, REFUND_STATUSES),
        "resolved": timestamps(resolved, resolved >= 0),
    }
    select = {
        "refund_id": refund_id_sql("seq", world.lang),
        "order_id": order_id_sql("oseq", world.lang),
        "sku_id": "sku",
        "created_at": "created",
        "kind": "kind",
        "amount": money("amount"),
        "reason": "reason",
        "status": "status",
        "resolved_at": "resolved",
    }
    world.writer.write("refunds", cols, select)
    sales.refunds += len(idx)


def _refund_status(
    created: IntArray, cancelled: BoolArray, now: int, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    """Status (index into REFUND_STATUSES) and resolution time (-1 when open) of each case."""
    n = len(created)
    requested, approved, rejected, completed, cancel = range(5)
    settled = choice_idx(rng, [0.88, 0.07, 0.05], n)
    status = np.array([completed, rejected, cancel])[settled]
    resolved = created + np.where(
        cancelled, rng.integers(300, 3 * HOUR, n), rng.integers(2 * HOUR, 3 * DAY, n)
    )
    fresh = (resolved > now) & ~cancelled
    status = np.where(fresh, np.where(rng.random(n) < 0.5, requested, approved), status)
    status = np.where(cancelled, completed, status)
    return status.astype(np.int64), np.where(fresh, -1, resolved)
