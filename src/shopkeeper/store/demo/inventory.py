"""Daily stock per SKU, consistent with what sold, built backwards from the last day.

Available stock at the end of each day is known at the end (a healthy level, or the planted one)
and walked back through the days: each day adds back what sold; whenever the stock the day before
would lie above the SKU's high band, a receipt arrived that day, leaving the low band before it.
Forward, that reads as periodic replenishment: stock runs down to ``lead time + 7`` days of cover,
then a ~30-day order arrives. Stock is never negative by construction. ``on_hand`` adds the units
paid but not yet shipped (``reserved``); ``in_transit`` is what was ordered ``lead_time`` days before
each receipt; ``expiry_date`` is the expiry of the oldest lot left (first in, first out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper.store.demo.rng import BoolArray, FloatArray, IntArray, rng_for
from shopkeeper.store.demo.sales import Sales
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup

SAFETY_DAYS, CYCLE_DAYS = 7, 30
MEAN_QTY = 1.16
STOCKOUT_RISK_COVER = 2.0
EXPIRY_IN_DAYS = 25
FREEZE = {"out_of_stock": 21, "stockout_risk": 24, "slow_moving": 42}


@dataclass
class Stock:
    """Stock arrays [SKU, day]."""

    available: IntArray
    receipts: IntArray
    in_transit: IntArray
    expiry: IntArray
    """Expiry as a day index (relative to the window start); -1 for non-perishables."""


def _trailing(units: IntArray, days: int = 28) -> FloatArray:
    """Mean units per day over the last ``days`` days up to each day (fewer at the start)."""
    cum = np.concatenate([np.zeros((units.shape[0], 1)), np.cumsum(units, axis=1)], axis=1)
    end = np.arange(1, units.shape[1] + 1)
    start = np.maximum(end - days, 0)
    return np.asarray((cum[:, end] - cum[:, start]) / (end - start), dtype=np.float64)


def _bands(world: World, sold: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Planning rate (units/day), low and high bands per SKU-day.

    The rate blends the expected demand of the coming lead time with the units actually sold over
    the last four weeks, so stock follows a SKU that sells below (or above) its expectation.
    """
    lead = world.catalog.lead_time[:, None]
    units = world.demand.expected * MEAN_QTY
    horizon = int(lead.max()) + SAFETY_DAYS
    padded = np.concatenate(
        [units, np.repeat(np.median(units[:, -28:], axis=1, keepdims=True), horizon, axis=1)],
        axis=1,
    )
    cum = np.concatenate([np.zeros((units.shape[0], 1)), np.cumsum(padded, axis=1)], axis=1)
    days = np.arange(units.shape[1])[None, :]
    span = lead + SAFETY_DAYS
    ahead = (cum[np.arange(units.shape[0])[:, None], days + span] - cum[:, days[0]]) / span
    rate = 0.5 * ahead + 0.5 * _trailing(sold)
    low = np.maximum(rate * span, 2.0)
    return rate, low, low + np.maximum(rate * CYCLE_DAYS, 4.0)


def _targets(
    world: World,
    sales: Sales,
    rate: FloatArray,
    low: FloatArray,
    high: FloatArray,
    rng: np.random.Generator,
) -> tuple[FloatArray, BoolArray]:
    """Available stock at the end of the last day, and the days receipts may arrive."""
    cat, plan, d = world.catalog, world.plan, world.timeline.days
    recent = sales.units[:, -14:].mean(axis=1)
    end = np.round(rng.uniform(low[:, -1] + rate[:, -1] * 3, high[:, -1]))
    # a healthy SKU also covers its lead time at its normal pace: the mean of its days without a
    # promotion in the last eight weeks (the inspection's rate skips promotion days the same way,
    # so a slow SKU's quiet fortnight after a peak must not leave it short)
    normal = world.calendar.uplift[:, -56:] <= 1.0
    normal_units = (sales.units[:, -56:] * normal).sum(axis=1) / np.maximum(normal.sum(axis=1), 1)
    pace = np.maximum(recent, normal_units)
    end = np.maximum(end, np.ceil(pace * (cat.lead_time + SAFETY_DAYS)))
    allowed = np.ones((cat.n_skus, d), dtype=bool)
    gone = cat.off_day < d
    end[gone] = 0.0
    for g in np.flatnonzero(gone):
        allowed[g, max(0, int(cat.off_day[g]) - 30) :] = False
    for kind, s in plan.sku.items():
        if kind in FREEZE:
            allowed[s, d - FREEZE[kind] :] = False
        if kind == "out_of_stock":
            end[s] = 0
        elif kind == "stockout_risk":
            end[s] = max(1.0, round(STOCKOUT_RISK_COVER * recent[s]))
        elif kind == "slow_moving":
            before = sales.units[s, : d - FREEZE[kind]].mean()
            end[s] = max(300.0, round(before * 150, -1))
        elif kind == "expiry_risk":
            end[s] = max(60.0, round(recent[s] * 80, -1))
            arrival = d - 1 + EXPIRY_IN_DAYS - int(cat.shelf_life[s] * 0.9)
            allowed[s, max(0, arrival + 1) :] = False
    return end, allowed


def _walk_back(
    sold: IntArray,
    end: FloatArray,
    low: FloatArray,
    high: FloatArray,
    allowed: BoolArray,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray]:
    n, d = sold.shape
    avail = np.zeros((n, d), dtype=np.int64)
    recv = np.zeros((n, d), dtype=np.int64)
    avail[:, -1] = end.astype(np.int64)
    noise = rng.uniform(1.0, 1.15, (n, d))
    for day in range(d - 1, 0, -1):
        before = avail[:, day] + sold[:, day]
        need = allowed[:, day] & (before > high[:, day - 1])
        target = np.ceil(low[:, day - 1] * noise[:, day]).astype(np.int64)
        recv[:, day] = np.where(need, before - np.minimum(target, before), 0)
        avail[:, day - 1] = before - recv[:, day]
    return avail, recv


def _in_transit(recv: IntArray, lead: IntArray) -> IntArray:
    n, d = recv.shape
    diff = np.zeros((n, d + 1), dtype=np.int64)
    s, day = np.nonzero(recv)
    np.add.at(diff, (s, np.maximum(day - lead[s], 0)), recv[s, day])
    np.add.at(diff, (s, day), -recv[s, day])
    return np.cumsum(diff, axis=1)[:, :d]


def _expiry(
    world: World, sold: IntArray, avail: IntArray, recv: IntArray, rng: np.random.Generator
) -> IntArray:
    """Expiry day of the oldest lot on hand (FIFO), per perishable SKU-day."""
    cat, d = world.catalog, world.timeline.days
    out = np.full(sold.shape, -1, dtype=np.int64)
    for s in np.flatnonzero(cat.shelf_life > 0):
        life = int(cat.shelf_life[s])
        opening = avail[s, 0] + sold[s, 0] - recv[s, 0]
        days = np.flatnonzero(recv[s])
        opened = max(0, int(cat.listed_day[cat.sku_listing[s]]))
        first = opened + int(life * rng.uniform(0.6, 0.8))
        expiry = np.r_[first, days + life - rng.integers(5, 30, len(days))]
        if world.plan.sku.get("expiry_risk") == s:
            expiry[-1] = d - 1 + EXPIRY_IN_DAYS
        lots = np.cumsum(np.r_[opening, recv[s, days]])
        consumed = np.cumsum(sold[s])
        oldest = np.searchsorted(lots, consumed, side="right")
        out[s] = expiry[np.minimum(oldest, len(expiry) - 1)]
    return out


def simulate_stock(world: World, sales: Sales) -> Stock:
    """Stock of every SKU on every day, with the planted stock problems."""
    rng = rng_for(world.seed, "inventory")
    rate, low, high = _bands(world, sales.units)
    end, allowed = _targets(world, sales, rate, low, high, rng)
    avail, recv = _walk_back(sales.units, end, low, high, allowed, rng)
    transit = _in_transit(recv, world.catalog.lead_time)
    if "out_of_stock" in world.plan.sku:
        s = world.plan.sku["out_of_stock"]
        transit[s, -3:] += int(max(20, round(rate[s, -30] * CYCLE_DAYS)))
    return Stock(avail, recv, transit, _expiry(world, sales.units, avail, recv, rng))


def write_inventory(world: World, sales: Sales, stock: Stock) -> None:
    """inventory.csv: one row per SKU per day (warehouse ``main``)."""
    tl, cat = world.timeline, world.catalog
    n, d = stock.available.shape
    day0 = tl.epoch0 // DAY
    on_hand = stock.available + sales.reserved
    expiry = np.where(on_hand > 0, stock.expiry, -1).ravel()
    cols = {
        "date": dates(day0 + np.tile(np.arange(d), n)),
        "sku": lookup(np.repeat(np.arange(n), d), cat.sku_id),
        "on_hand": on_hand.ravel(),
        "reserved": sales.reserved.ravel(),
        "in_transit": stock.in_transit.ravel(),
        "expiry": dates(np.where(expiry >= 0, day0 + expiry, 0)),
        "has_expiry": expiry >= 0,
    }
    select = {
        "date": "date",
        "sku_id": "sku",
        "warehouse": "'main'",
        "on_hand": "on_hand",
        "reserved": "reserved",
        "in_transit": "in_transit",
        "expiry_date": "CASE WHEN has_expiry THEN expiry END",
        "lot_id": "NULL",
    }
    world.writer.write("inventory", cols, select)
