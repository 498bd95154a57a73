"""Expected and realized demand: order lines per SKU per day.

Expected lines = a heavy-tailed SKU rate x weekday x gentle trend x season of the line x listing and
SKU day noise x promotion uplift x listing life (ramp after listing, nothing after off-shelf),
normalised so the window holds ``150,000 x scale x days/180`` lines. Problem modifiers then move
demand (a stock-out stops it, a traffic drop lowers it...), and a Poisson draw realizes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper.store.demo.calendar import Calendar
from shopkeeper.store.demo.catalog import Catalog
from shopkeeper.store.demo.catalogs import CategorySpec
from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.plan import Plan
from shopkeeper.store.demo.rng import FloatArray, IntArray, rng_for
from shopkeeper.store.demo.timeline import Timeline

LINES_PER_DAY_AT_SCALE_1 = 150_000 / 180
TAIL_FLOOR = 0.4
"""Lowest expected lines/day of an on-sale SKU at scale >= 1: intermittent, but never weeks idle."""


@dataclass(frozen=True)
class Demand:
    """Demand of the window."""

    listing_base: FloatArray
    """Expected buyers per listing-day of the healthy store (traffic is derived from it)."""
    expected: FloatArray
    """Expected lines per SKU-day after all modifiers."""
    lines: IntArray
    """Realized lines per SKU-day."""


def _life(catalog: Catalog, timeline: Timeline) -> FloatArray:
    day = np.arange(timeline.days)[None, :]
    listed = catalog.listed_day[catalog.sku_listing][:, None]
    ramp = np.clip((day - listed + 1) / 21.0, 0.3, 1.0) * (day >= listed)
    return ramp * (day < catalog.off_day[:, None])


def _season(spec: CategorySpec, catalog: Catalog, timeline: Timeline) -> FloatArray:
    amp = np.array([spec.lines[li].season for li in catalog.line[catalog.sku_listing]])
    wave = np.cos(2 * np.pi * (timeline.day_of_year() - 200) / 365.0)
    return np.asarray(1.0 + amp[:, None] * wave[None, :], dtype=np.float64)


def _noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> FloatArray:
    return rng.lognormal(-sigma * sigma / 2, sigma, shape)


def base_demand(
    spec: CategorySpec,
    locale: Locale,
    catalog: Catalog,
    calendar: Calendar,
    timeline: Timeline,
    scale: float,
    seed: int,
) -> tuple[FloatArray, FloatArray]:
    """Expected lines per SKU-day of the healthy store, with and without the SKU-day noise.

    The noise-free version drives traffic, so visitors vary less from day to day than buyers.
    """
    rng = rng_for(seed, "demand", "base")
    daily = LINES_PER_DAY_AT_SCALE_1 * scale
    rate = catalog.sku_rate()
    rate = np.maximum(rate / rate.sum() * daily, TAIL_FLOOR * min(1.0, scale))
    weekday = np.asarray(locale.weekdays)[timeline.weekday()]
    growth = rng.uniform(0.05, 0.15)
    trend = 1.0 + growth * (np.arange(timeline.days) / timeline.days - 0.5)
    listing_noise = _noise(rng, (catalog.n_listings, timeline.days), 0.12)[catalog.sku_listing]
    lam = rate[:, None] * (weekday * trend)[None, :] * _season(spec, catalog, timeline)
    lam *= listing_noise * calendar.uplift * _life(catalog, timeline)
    noisy = lam * _noise(rng, lam.shape, 0.15)
    norm = daily * timeline.days / max(float(noisy.sum()), 1e-9)
    return noisy * norm, lam * norm


def realize(
    catalog: Catalog,
    base: tuple[FloatArray, FloatArray],
    plan: Plan,
    search_share: FloatArray,
    seed: int,
) -> Demand:
    """Apply the plan's modifiers to the base demand (noisy, smooth) and draw the lines."""
    noisy, smooth = base
    traffic = plan.all_mult * (1.0 - search_share[:, None] * (1.0 - plan.search_mult))
    listing_base = np.zeros((catalog.n_listings, noisy.shape[1]))
    np.add.at(listing_base, catalog.sku_listing, smooth)
    lam = noisy * plan.sku_mult * (plan.conv_mult * traffic)[catalog.sku_listing]
    lines = rng_for(seed, "demand", "lines").poisson(lam).astype(np.int64)
    if "out_of_stock" in plan.sku:
        sku, last_sale = plan.sku["out_of_stock"], plan.since(3)
        lines[sku, last_sale] = max(1, int(lines[sku, last_sale]))
    return Demand(listing_base, lam, lines)
