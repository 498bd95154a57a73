"""Search terms: the search visitors of each listing, split over its keywords, and the planted opportunity.

Each listing's search visitors are shared by its 3-6 keywords (generic category terms and one
long-tail term of its own), about 85 % of them (the rest are terms too small to list). A keyword's
buyers are the listing's search buyers of the day, shared in proportion to visitors times a
keyword lift of 0.85-1.2. The planted ``keyword_opportunity`` is a new long-tail term with little
traffic that converts about 4x better than the listing's search traffic.
"""

from __future__ import annotations

import numpy as np

from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.plan import KEYWORD_DAYS
from shopkeeper.store.demo.rng import FloatArray, IntArray, rng_for
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.traffic import SEARCH, split_counts
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup, money

COVERAGE = 0.85
OPPORTUNITY_LIFT = 4.0


def _keywords(world: World) -> tuple[list[str], IntArray, IntArray]:
    """Distinct keyword texts, and the (listing, keyword) pairs."""
    texts: dict[str, int] = {}
    listing: list[int] = []
    word: list[int] = []
    for li in range(world.catalog.n_listings):
        for kw in dict.fromkeys((*world.catalog.keywords[li], world.catalog.longtail[li])):
            listing.append(li)
            word.append(texts.setdefault(kw, len(texts)))
    return list(texts), np.array(listing, dtype=np.int64), np.array(word, dtype=np.int64)


def _split_visitors(search: IntArray, shares: FloatArray, rng: np.random.Generator) -> IntArray:
    """Visitors per (pair, day) from the listing's search visitors [pair, day]."""
    return rng.binomial(search, shares[:, None])


def _split_buyers(
    listing: IntArray,
    kw_v: IntArray,
    search_v: IntArray,
    search_b: IntArray,
    lift: FloatArray,
    rng: np.random.Generator,
) -> IntArray:
    """The listing's search buyers of each day, shared by its keywords (and unlisted terms)."""
    n_l = search_v.shape[0]
    slot = np.arange(len(listing)) - np.searchsorted(listing, listing)
    width = int(slot.max()) + 2
    weights = np.zeros((n_l, width, search_v.shape[1]))
    weights[listing, slot] = kw_v * lift[:, None]
    listed = np.zeros(search_v.shape)
    np.add.at(listed, listing, kw_v)
    weights[:, -1] = np.maximum(search_v - listed, 0)
    split = split_counts(search_b, weights, rng)
    return np.asarray(np.minimum(split[listing, slot], kw_v), dtype=np.int64)


def _pair_shares(listing: IntArray, rng: np.random.Generator) -> FloatArray:
    raw = rng.gamma(2.0, 1.0, len(listing))
    totals = np.bincount(listing, weights=raw)
    return COVERAGE * raw / totals[listing]


def simulate_search(world: World, visitors: IntArray, buyers: IntArray, gmv: IntArray) -> None:
    """Write search_terms.csv (and plant the keyword opportunity)."""
    rng = rng_for(world.seed, "search")
    texts, listing, word = _keywords(world)
    search_v, search_b, search_g = visitors[:, SEARCH], buyers[:, SEARCH], gmv[:, SEARCH]
    kw_v = _split_visitors(search_v[listing], _pair_shares(listing, rng), rng)
    kw_b = _split_buyers(
        listing, kw_v, search_v, search_b, rng.uniform(0.85, 1.2, len(listing)), rng
    )
    per_buyer = np.where(
        search_b > 0, search_g / np.maximum(search_b, 1), _avg_price(world)[:, None]
    )
    kw_g = np.rint(kw_b * per_buyer[listing]).astype(np.int64)
    pair, day = np.nonzero(kw_v)
    kw_list, li_list = word[pair], listing[pair]
    v, b, g = kw_v[pair, day], kw_b[pair, day], kw_g[pair, day]
    planted = _plant_opportunity(world, search_v, search_b, per_buyer, rng)
    if planted is not None:
        texts.append(planted[0])
        pl_day, pl_v, pl_b, pl_g = planted[1]
        li = world.plan.listing["keyword_opportunity"]
        kw_list = np.r_[kw_list, np.full(len(pl_day), len(texts) - 1)]
        li_list = np.r_[li_list, np.full(len(pl_day), li)]
        day, v, b, g = np.r_[day, pl_day], np.r_[v, pl_v], np.r_[b, pl_b], np.r_[g, pl_g]
    _write(world, texts, li_list, kw_list, day, v, b, g, rng)


def _avg_price(world: World) -> FloatArray:
    cat = world.catalog
    total = np.bincount(cat.sku_listing, weights=cat.price * cat.share, minlength=cat.n_listings)
    return np.asarray(total * 1.1, dtype=np.float64)


def _plant_opportunity(
    world: World,
    search_v: IntArray,
    search_b: IntArray,
    per_buyer: FloatArray,
    rng: np.random.Generator,
) -> tuple[str, tuple[IntArray, IntArray, IntArray, IntArray]] | None:
    li = world.plan.listing.get("keyword_opportunity")
    if li is None:
        return None
    cat = world.catalog
    top_sku = int(
        np.flatnonzero(cat.sku_listing == li)[np.argmax(cat.share[cat.sku_listing == li])]
    )
    keyword = f"{cat.longtail[li]} {cat.variant[top_sku]}"
    first = world.plan.since(KEYWORD_DAYS)
    day = np.arange(first, world.timeline.days)
    listing_conv = float(search_b[li, first:].sum() / max(1, search_v[li, first:].sum()))
    level = max(3.0, 0.08 * float(search_v[li, first - 28 : first].mean()))
    v = rng.poisson(level, len(day))
    conv = min(0.45, OPPORTUNITY_LIFT * listing_conv)
    b = rng.binomial(v, conv)
    g = np.rint(b * per_buyer[li, day]).astype(np.int64)
    window = slice(first, world.timeline.days)
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": "keyword_opportunity",
                "entity_type": "keyword",
                "entity_id": keyword,
                "since": world.timeline.date(first),
                "details": {
                    "product_id": cat.product_id[li],
                    "visitors": int(v.sum()),
                    "buyers": int(b.sum()),
                    "conversion": round(float(b.sum() / v.sum()), 4),
                    "listing_search_conversion": round(listing_conv, 4),
                    "listing_search_visitors": int(search_v[li, window].sum()),
                    "days": len(day),
                },
            }
        )
    )
    return keyword, (day, v, b, g)


def _write(
    world: World,
    texts: list[str],
    listing: IntArray,
    word: IntArray,
    day: IntArray,
    v: IntArray,
    b: IntArray,
    g: IntArray,
    rng: np.random.Generator,
) -> None:
    order = np.lexsort((word, listing, day))
    listing, word, day, v, b, g = (
        listing[order],
        word[order],
        day[order],
        v[order],
        b[order],
        g[order],
    )
    cols = {
        "date": dates(world.timeline.epoch0 // DAY + day),
        "product": lookup(listing, world.catalog.product_id),
        "keyword": lookup(word, texts),
        "impressions": np.rint(v / rng.uniform(0.02, 0.06, len(v))).astype(np.int64),
        "visitors": v,
        "buyers": b,
        "gmv": g,
    }
    select = {
        "date": "date",
        "product_id": "product",
        "keyword": "keyword",
        "impressions": "impressions",
        "visitors": "visitors",
        "buyers": "buyers",
        "gmv": money("gmv"),
    }
    world.writer.write("search_terms", cols, select)
