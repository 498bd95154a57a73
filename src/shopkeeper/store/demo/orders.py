"""Orders from order lines, one chunk of days at a time, fully vectorized.

The realized lines of the chunk's SKU-days are shuffled within each day and cut into orders (a new
order starts with probability 0.78, so most orders have one line and some have two to four; a
presale line is always an order of its own). Orders get a creation time (evening-heavy; around
midnight on a big event's peak day) and are numbered in time order. Money follows the platform:
line = list price x quantity less the event/flash/bundle discount; order-level 满减 and coupons are
spread over the lines; shipping is charged below the free-shipping threshold; ``pay_amount`` =
sum of lines + shipping. Payment follows creation by seconds to hours, or for a presale order
comes on the final-payment day.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from shopkeeper.store.demo.calendar import DEPOSIT_RATE, Calendar
from shopkeeper.store.demo.catalog import Catalog
from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.plan import Plan, price_mask
from shopkeeper.store.demo.rng import BoolArray, IntArray, choice_idx
from shopkeeper.store.demo.timeline import HOUR, Timeline

NEW_ORDER = 0.78
UNPAID = 0.025
COUPON_USE = 0.06
MAX_ORDER_OFF = 0.4
# fmt: off
PEAK_HOURS = (14, 6, 3, 1.5, 1, 1, 1.5, 2.5, 3.5, 4.5, 5, 5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 5, 7, 8, 8, 7)
# fmt: on
"""Hourly weights of order creation on a big event's peak day (a rush right after midnight)."""


@dataclass
class Chunk:
    """Order lines (grouped by order) and orders of a range of days."""

    sku: IntArray
    qty: IntArray
    unit: IntArray
    paid_amount: IntArray
    order: IntArray
    """Chunk-local order index of each line."""
    line_no: IntArray
    day: IntArray
    """Creation day index of each order."""
    created: IntArray
    starts: IntArray
    customer: IntArray
    channel: IntArray
    pay: IntArray
    fee: IntArray
    presale: BoolArray
    deposit: IntArray
    paid_at: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """-1 when not paid; likewise shipped / delivered."""
    status: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    shipped: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    delivered: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    carrier: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    promised: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Delivery promised to the buyer (end of a local day), -1 when not paid."""
    overrides: dict[str, dict[int, str]] = field(default_factory=dict)
    """Receiver fields replaced for a few orders (planted bad addresses), by column."""

    @property
    def n_orders(self) -> int:
        """Orders in the chunk."""
        return len(self.day)

    def line_day(self) -> IntArray:
        """Creation day of each line's order."""
        return self.day[self.order]


def _lines(counts: IntArray, first_day: int, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """SKU and day of every line of a [SKU, day] count block, shuffled within each day."""
    n_sku, n_day = counts.shape
    flat = counts.T.ravel()
    sku = np.repeat(np.tile(np.arange(n_sku), n_day), flat)
    day = np.repeat(np.arange(n_day) + first_day, counts.sum(axis=0))
    order = np.lexsort((rng.random(len(sku)), day))
    return sku[order], day[order]


def _created(
    day: IntArray, cal: Calendar, locale: Locale, timeline: Timeline, rng: np.random.Generator
) -> IntArray:
    hour = choice_idx(rng, locale.hours, len(day))
    peak = cal.peak_hours[day]
    if peak.any():
        hour[peak] = choice_idx(rng, PEAK_HOURS, int(peak.sum()))
    return timeline.day_start(day) + hour * HOUR + rng.integers(0, HOUR, len(day))


def _group(sku: IntArray, day: IntArray, presale: BoolArray, rng: np.random.Generator) -> BoolArray:
    """Start flag of each line: a new order begins here (and where a SKU would repeat in an order)."""
    flag = rng.random(len(sku)) < NEW_ORDER
    flag[1:] |= day[1:] != day[:-1]
    flag |= presale
    flag[1:] |= presale[:-1]
    if len(flag):
        flag[0] = True
    key = (np.cumsum(flag) - 1) * (int(sku.max()) + 1) + sku if len(sku) else sku
    repeat = np.ones(len(sku), dtype=bool)
    repeat[np.unique(key, return_index=True)[1]] = False
    return flag | repeat


def _by_time(flag: BoolArray, created: IntArray) -> tuple[IntArray, IntArray]:
    """Line permutation that puts orders in time order, and each sorted line's new order index."""
    rank = np.empty(len(created), dtype=np.int64)
    rank[np.argsort(created, kind="stable")] = np.arange(len(created))
    new = rank[np.cumsum(flag) - 1]
    perm = np.argsort(new, kind="stable")
    return perm, new[perm]


def _discounts(
    sku: IntArray, day: IntArray, qty: IntArray, unit: IntArray, cal: Calendar
) -> IntArray:
    rate = cal.discount[sku, day]
    bundle = cal.bundle[sku] & (qty >= 2)
    rate = np.where(bundle, np.maximum(rate, 0.5 * (qty // 2) / qty), rate)
    return np.round(unit * qty * (1.0 - rate)).astype(np.int64)


def _order_off(
    subtotal: IntArray, day: IntArray, cal: Calendar, locale: Locale, rng: np.random.Generator
) -> IntArray:
    thr, off = cal.threshold[day], cal.off[day]
    times = np.where(cal.repeat[day], subtotal // np.maximum(thr, 1), 1)
    total = np.where((thr > 0) & (subtotal >= thr), times * off, 0)
    _, c_thr, c_off = locale.coupon
    coupon = (rng.random(len(subtotal)) < COUPON_USE) & (subtotal - total >= c_thr)
    total = total + np.where(coupon, c_off, 0)
    return np.minimum(total, (subtotal * MAX_ORDER_OFF).astype(np.int64))


def _spread(after: IntArray, starts: IntArray, order: IntArray, off: IntArray) -> IntArray:
    """Paid amount per line: the order-level discount shared in proportion to each line."""
    subtotal = np.add.reduceat(after, starts)
    share = np.floor(off[order] * after / np.maximum(subtotal[order], 1)).astype(np.int64)
    rest = off - np.add.reduceat(share, starts)
    share[starts] += rest
    return after - share


def build_chunk(
    first: int,
    last: int,
    lines: IntArray,
    catalog: Catalog,
    cal: Calendar,
    plan: Plan,
    locale: Locale,
    timeline: Timeline,
    rng: np.random.Generator,
) -> Chunk:
    """The orders created on days ``first`` .. ``last - 1`` (at least one line must exist)."""
    sku, day = _lines(lines[:, first:last], first, rng)
    flag = _group(sku, day, cal.presale[sku, day], rng)
    created = _created(day[flag], cal, locale, timeline, rng)
    perm, order = _by_time(flag, created)
    sku, day = sku[perm], day[perm]
    starts = np.searchsorted(order, np.arange(len(created)))
    qty = (
        1
        + (rng.random(len(sku)) < np.where(cal.bundle[sku], 0.35, 0.12))
        + (rng.random(len(sku)) < 0.03)
    )
    unit = catalog.price[sku].copy()
    unit[price_mask(plan, sku, day)] = plan.wrong_price
    after = _discounts(sku, day, qty, unit, cal)
    o_day = day[starts]
    off = _order_off(np.add.reduceat(after, starts), o_day, cal, locale, rng)
    paid_amount = _spread(after, starts, order, off)
    items = np.add.reduceat(paid_amount, starts)
    fee = np.where(items < locale.free_shipping[0], locale.free_shipping[1], 0).astype(np.int64)
    presale = cal.presale[sku[starts], o_day]
    pay = items + fee
    return Chunk(
        sku=sku,
        qty=qty.astype(np.int64),
        unit=unit,
        paid_amount=paid_amount,
        order=order,
        line_no=np.arange(len(sku)) - starts[order] + 1,
        day=o_day,
        created=np.sort(created),
        starts=starts,
        customer=np.zeros(len(starts), dtype=np.int64),
        channel=choice_idx(rng, [w for _, w in locale.channels], len(starts)),
        pay=pay,
        fee=fee,
        presale=presale,
        deposit=np.where(presale, np.round(pay * DEPOSIT_RATE / 100) * 100, -1).astype(np.int64),
    )


def pay_times(chunk: Chunk, cal: Calendar, timeline: Timeline, rng: np.random.Generator) -> None:
    """Set ``paid_at``: seconds to hours after creation; presale orders on the final-payment day."""
    n = chunk.n_orders
    quick = rng.random(n) < 0.6
    delay = np.where(
        quick,
        rng.integers(5, 90, n),
        np.minimum(rng.exponential(900, n), 12 * HOUR).astype(np.int64) + 30,
    )
    paid = chunk.created + delay
    final = cal.final_day[chunk.day]
    final_at = timeline.day_start(final) + np.minimum(
        rng.exponential(2 * HOUR, n), 20 * HOUR
    ).astype(np.int64)
    paid = np.where(chunk.presale & (final >= 0), final_at, paid)
    unpaid = (rng.random(n) < UNPAID) & ~chunk.presale
    chunk.paid_at = np.where(unpaid | (paid > timeline.now), -1, paid)


def chunk_bounds(lines: IntArray, max_lines: int) -> list[tuple[int, int]]:
    """Day ranges holding at most about ``max_lines`` lines each (at least one day each)."""
    per_day = lines.sum(axis=0)
    bounds: list[tuple[int, int]] = []
    first, total = 0, 0
    for d, n in enumerate(per_day):
        if total and total + int(n) > max_lines:
            bounds.append((first, d))
            first, total = d, 0
        total += int(n)
    bounds.append((first, len(per_day)))
    return bounds
