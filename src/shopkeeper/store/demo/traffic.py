"""Daily traffic per listing per source, consistent with the orders.

Paying buyers of a listing-day are the realized ones, split over sources in proportion to each
source's expected buyers. Visitors = buyers + non-buyers, where non-buyers follow expected buyers /
conversion (the listing's conversion, 2-8 %, times the source's ratio: direct and live convert
best, recommendation and external worst). Add-to-cart, favourites, page views and impressions
follow visitors; GMV is the listing-day's paid amount split by buyers.
"""

from __future__ import annotations

import numpy as np

from shopkeeper.store.demo.catalog import Catalog
from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.rng import FloatArray, IntArray, rng_for
from shopkeeper.store.demo.sales import Sales
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup, money

SEARCH = 0
ADD_TO_CART, FAVORITE = 0.07, 0.025


def source_shares(
    catalog: Catalog, locale: Locale, forced_search: dict[int, float], seed: int
) -> FloatArray:
    """Buyer share of each source per listing; ``forced_search`` pins the search share of some listings."""
    rng = rng_for(seed, "traffic", "shares")
    base = np.array([s.share for s in locale.sources])
    shares = rng.dirichlet(base * 40, catalog.n_listings)
    names = [s.name for s in locale.sources]
    if "live" in names:
        shares[rng.random(catalog.n_listings) < 0.6, names.index("live")] = 0.0
    shares /= shares.sum(axis=1, keepdims=True)
    for li, share in forced_search.items():
        rest = np.delete(np.arange(len(names)), SEARCH)
        shares[li, rest] *= (1 - share) / shares[li, rest].sum()
        shares[li, SEARCH] = share
    return shares


def conversion(world: World) -> FloatArray:
    """Conversion per listing per source [listing, source]."""
    ratio = np.array([s.conv_ratio for s in world.locale.sources])
    conv = world.locale.base_conversion * world.catalog.conversion[:, None] * ratio[None, :]
    return np.asarray(np.clip(conv, 0.001, 0.6), dtype=np.float64)


def boost(world: World) -> FloatArray:
    """Conversion lift of promotions per listing-day: part of a promotion's uplift is conversion."""
    cat = world.catalog
    uplift = np.zeros((cat.n_listings, world.timeline.days))
    np.add.at(uplift, cat.sku_listing, world.calendar.uplift)
    uplift /= np.bincount(cat.sku_listing, minlength=cat.n_listings)[:, None]
    return np.clip(uplift, 0.85, None) ** 0.4


def expected_buyers(world: World) -> FloatArray:
    """Expected buyers per listing, source and day [listing, source, day], with traffic modifiers."""
    plan = world.plan
    per_source = world.demand.listing_base[:, None, :] * world.shares[:, :, None]
    per_source = per_source * plan.all_mult[:, None, :]
    per_source[:, SEARCH, :] *= plan.search_mult
    return per_source


def split_counts(total: IntArray, weights: FloatArray, rng: np.random.Generator) -> IntArray:
    """Multinomial split of ``total`` [L, D] over ``weights`` [L, S, D]."""
    out = np.zeros(weights.shape, dtype=np.int64)
    remaining = total.copy()
    left = weights.sum(axis=1)
    for k in range(weights.shape[1] - 1):
        p = np.divide(weights[:, k], left, out=np.zeros_like(left), where=left > 0).clip(0, 1)
        out[:, k] = rng.binomial(remaining, p)
        remaining -= out[:, k]
        left = left - weights[:, k]
    out[:, -1] = remaining
    return out


def _gmv_split(gmv: IntArray, buyers: IntArray) -> IntArray:
    """Split cents [L, D] over sources in proportion to buyers [L, S, D], summing exactly."""
    total = np.maximum(buyers.sum(axis=1, keepdims=True), 1)
    cum = np.rint(gmv[:, None, :] * np.cumsum(buyers, axis=1) / total).astype(np.int64)
    return np.asarray(np.diff(cum, axis=1, prepend=0), dtype=np.int64)


def simulate_traffic(world: World, sales: Sales) -> tuple[IntArray, IntArray, IntArray]:
    """Visitors, buyers and GMV cents per [listing, source, day]."""
    rng = rng_for(world.seed, "traffic")
    exp_buyers = expected_buyers(world)
    buyers = split_counts(sales.buyers, exp_buyers, rng)
    exp_visitors = exp_buyers / (conversion(world)[:, :, None] * boost(world)[:, None, :])
    visitors = buyers + rng.poisson(np.maximum(exp_visitors - exp_buyers, 0.0))
    return visitors, buyers, _gmv_split(sales.gmv, buyers)


def write_traffic(world: World, visitors: IntArray, buyers: IntArray, gmv: IntArray) -> None:
    """traffic.csv: rows with at least one visitor."""
    rng = rng_for(world.seed, "traffic", "funnel")
    li, src, day = np.nonzero(visitors)
    v, b = visitors[li, src, day], buyers[li, src, day]
    ctr = np.array([s.ctr for s in world.locale.sources])[src]
    cols = {
        "date": dates(world.timeline.epoch0 // DAY + day),
        "product": lookup(li, world.catalog.product_id),
        "source": lookup(src, [s.name for s in world.locale.sources]),
        "impressions": np.maximum(v, np.rint(v / ctr * rng.lognormal(0, 0.1, len(v)))).astype(
            np.int64
        ),
        "visitors": v,
        "page_views": v + rng.poisson(v * 0.8),
        "add_to_cart": b + rng.binomial(v - b, ADD_TO_CART),
        "favorites": rng.binomial(v, FAVORITE),
        "buyers": b,
        "gmv": gmv[li, src, day],
    }
    order = np.lexsort((src, li, day))
    cols = {
        k: (c.take(order) if not isinstance(c, np.ndarray) else c[order]) for k, c in cols.items()
    }
    select = {
        "date": "date",
        "product_id": "product",
        "source": "source",
        "impressions": "impressions",
        "visitors": "visitors",
        "page_views": "page_views",
        "add_to_cart": "add_to_cart",
        "favorites": "favorites",
        "buyers": "buyers",
        "gmv": money("gmv"),
    }
    world.writer.write("traffic", cols, select)
