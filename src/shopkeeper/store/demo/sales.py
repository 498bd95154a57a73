"""The order loop: chunk by chunk of days, build orders, fulfil them, write them, and keep tallies.

Each chunk holds at most ~400,000 lines, so memory stays flat at any scale. Besides orders and
order lines, each chunk writes its reviews, after-sale cases and order-related chats, and adds to
the tallies the other tables are built from: units sold and reserved per SKU-day, paying buyers and
GMV per listing-day, and per customer the first order, order count and spend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper.store.demo import aftersale, chats
from shopkeeper.store.demo.fulfilment import CANCELLED, fulfil, plant_addresses, plant_delays
from shopkeeper.store.demo.order_problems import plant_order_problems, write_late_reviews
from shopkeeper.store.demo.order_tables import write_items, write_orders
from shopkeeper.store.demo.orders import Chunk, build_chunk, chunk_bounds, pay_times
from shopkeeper.store.demo.plan import price_mask
from shopkeeper.store.demo.rng import IntArray, rng_for
from shopkeeper.store.demo.world import World

MAX_CHUNK_LINES = 400_000
RESERVE_DAYS = 7
FINAL_DAYS = 14
NEVER = np.iinfo(np.int64).max


@dataclass
class Sales:
    """Tallies over all orders."""

    units: IntArray
    """Units paid per SKU-day (by payment day; cancelled orders excluded)."""
    reserved: IntArray
    """Units paid but not yet shipped at the end of each SKU-day."""
    buyers: IntArray
    """Paying orders per listing-day (by creation day)."""
    gmv: IntArray
    """Paid amount in cents per listing-day."""
    first_seen: IntArray
    orders: IntArray
    spend: IntArray
    promo_orders: IntArray
    delivered: IntArray
    """Order lines delivered per SKU-day."""
    wrong_price_lines: int = 0
    n_orders: int = 0
    n_lines: int = 0
    reviews: int = 0
    refunds: int = 0
    conversations: int = 0
    messages: int = 0

    @classmethod
    def empty(cls, n_sku: int, n_listing: int, days: int, customers: int) -> Sales:
        """All-zero tallies."""
        zeros = np.zeros
        return cls(
            zeros((n_sku, days), np.int64),
            zeros((n_sku, days), np.int64),
            zeros((n_listing, days), np.int64),
            zeros((n_listing, days), np.int64),
            np.full(customers, NEVER, np.int64),
            zeros(customers, np.int64),
            zeros(customers, np.int64),
            zeros(customers, np.int64),
            zeros((n_sku, days), np.int64),
        )


def _grid(rows: IntArray, cols: IntArray, weights: IntArray, shape: tuple[int, int]) -> IntArray:
    flat = np.bincount(rows * shape[1] + cols, weights=weights, minlength=shape[0] * shape[1])
    return np.rint(flat).astype(np.int64).reshape(shape)


def _tally_stock(world: World, chunk: Chunk, sales: Sales) -> None:
    days = world.timeline.days
    ok = (chunk.paid_at >= 0) & (chunk.status != CANCELLED)
    line_ok = ok[chunk.order]
    sku, qty = chunk.sku[line_ok], chunk.qty[line_ok]
    paid = chunk.paid_at[chunk.order][line_ok]
    shipped = chunk.shipped[chunk.order][line_ok]
    pday = world.timeline.day_of(paid)
    sales.units += _grid(sku, pday, qty, sales.units.shape)
    delivered = chunk.delivered[chunk.order]
    got = delivered >= 0
    sales.delivered += _grid(
        chunk.sku[got],
        world.timeline.day_of(delivered[got]),
        np.ones(int(got.sum()), np.int64),
        sales.delivered.shape,
    )
    for k in range(RESERVE_DAYS):
        day = pday + k
        end = world.timeline.day_start(day + 1) - 1
        held = (day < days) & ((shipped < 0) | (shipped > end))
        sales.reserved += _grid(sku[held], day[held], qty[held], sales.reserved.shape)


def _tally_buyers(world: World, chunk: Chunk, sales: Sales) -> None:
    n_listing = world.catalog.n_listings
    paid_line = (chunk.paid_at >= 0)[chunk.order]
    listing = world.catalog.sku_listing[chunk.sku]
    day = chunk.line_day()
    sales.gmv += _grid(
        listing[paid_line], day[paid_line], chunk.paid_amount[paid_line], sales.gmv.shape
    )
    pairs = np.unique(chunk.order[paid_line] * n_listing + listing[paid_line])
    order, li = pairs // n_listing, pairs % n_listing
    sales.buyers += _grid(li, chunk.day[order], np.ones(len(li), np.int64), sales.buyers.shape)


def _tally_customers(world: World, chunk: Chunk, sales: Sales) -> None:
    first, idx = np.unique(chunk.customer, return_index=True)
    sales.first_seen[first] = np.minimum(sales.first_seen[first], chunk.created[idx])
    paid = chunk.paid_at >= 0
    cust = chunk.customer[paid]
    size = len(sales.orders)
    sales.orders += np.bincount(cust, minlength=size)
    sales.spend += np.rint(np.bincount(cust, weights=chunk.pay[paid], minlength=size)).astype(
        np.int64
    )
    promo = world.calendar.discount.max(axis=0)[chunk.day[paid]] > 0
    sales.promo_orders += np.bincount(cust[promo], minlength=size)


def _one_chunk(world: World, sales: Sales, number: int, first: int, last: int, final: bool) -> None:
    rng = rng_for(world.seed, "orders", number)
    cat, cal, plan, tl = world.catalog, world.calendar, world.plan, world.timeline
    chunk = build_chunk(first, last, world.demand.lines, cat, cal, plan, world.locale, tl, rng)
    chunk.customer = world.crowd.pick(rng, chunk.n_orders)
    pay_times(chunk, cal, tl, rng)
    fulfil(chunk, world.locale, tl, rng)
    seq0 = sales.n_orders
    if final and "shipping_delay" in plan.kinds:
        plant_delays(chunk, plan, tl, world.lang, seq0, rng)
    if final and "abnormal_address" in plan.kinds:
        plant_addresses(chunk, plan, world.crowd, tl, seq0, rng)
    late = plant_order_problems(world, chunk, seq0, final=final)
    write_orders(world, chunk, seq0)
    write_items(world, chunk, seq0)
    _tally_stock(world, chunk, sales)
    _tally_buyers(world, chunk, sales)
    _tally_customers(world, chunk, sales)
    sales.wrong_price_lines += int(price_mask(plan, chunk.sku, chunk.line_day()).sum())
    aftersale.write_reviews(world, chunk, sales, seq0, rng)
    write_late_reviews(world, chunk, sales, seq0, late)
    aftersale.write_refunds(world, chunk, sales, seq0, rng)
    chats.write_order_chats(world, chunk, sales, seq0, rng)
    sales.n_orders += chunk.n_orders
    sales.n_lines += len(chunk.sku)


def simulate_sales(world: World) -> Sales:
    """Write orders, order lines, reviews, refunds and order chats; return the tallies.

    The last chunk always holds the last ``FINAL_DAYS`` days, where order-level problems are planted.
    """
    tl, cat = world.timeline, world.catalog
    sales = Sales.empty(cat.n_skus, cat.n_listings, tl.days, world.crowd.size)
    cut = max(0, tl.days - FINAL_DAYS)
    bounds = chunk_bounds(world.demand.lines[:, :cut], MAX_CHUNK_LINES) if cut else []
    bounds.append((cut, tl.days))
    for number, (first, last) in enumerate(bounds):
        _one_chunk(world, sales, number, first, last, final=number == len(bounds) - 1)
    return sales


def customers_needed(total_lines: float) -> int:
    """Size of the customer pool for an expected number of order lines."""
    return max(200, int(total_lines / 1.3 * 0.72))
