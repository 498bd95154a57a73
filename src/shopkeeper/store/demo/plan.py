"""Which problems to plant, on which entities, and the modifiers that make them happen.

Entities are drawn by seed from pools that fit each kind (a best seller for ``stockout_risk``, a
mid-tail SKU for ``slow_moving``, a top listing for ``traffic_drop``...), each from a different
listing, so no two problems overlap. The plan holds demand, traffic and conversion multipliers per
day; the simulation modules read them and record the planted problems with their realized numbers.
Day offsets are counted back from the last day ``E`` of the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from shopkeeper.store.demo.catalog import Catalog
from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.rng import BoolArray, FloatArray, IntArray, rng_for
from shopkeeper.store.demo.timeline import Timeline

TRAFFIC_DROP_DAYS, TRAFFIC_DROP_LEFT = 4, 0.3
CONVERSION_DROP_DAYS, CONVERSION_DROP_LEFT = 5, 0.3
BLACK_HOLE_CONVERSION = 0.15
GMV_DROP_DAYS, GMV_DROP_LEFT = 4, 0.6
PRICE_DAYS, PRICE_DEMAND = 3, 3.0
SLOW_DAYS = 42
REVIEW_DAYS = 7
REFUND_DAYS = 10
COMPETITOR_DAYS = 7
ROI_DAYS = 14
BUDGET_DAYS = 28
KEYWORD_DAYS = 28
SEARCH_SHARE_MIN = 0.55


@dataclass
class Plan:
    """The problems to plant and their per-day modifiers."""

    kinds: frozenset[str]
    last: int
    sku_mult: FloatArray
    search_mult: FloatArray
    all_mult: FloatArray
    conv_mult: FloatArray
    sku: dict[str, int] = field(default_factory=dict)
    """Planted SKU per kind (stock kinds, price_anomaly, refund_spike)."""
    listing: dict[str, int] = field(default_factory=dict)
    """Planted listing per kind (competitor_loss_own for the loss to the merchant's own shop)."""
    wrong_price: int = 0
    planted: list[PlantedProblem] = field(default_factory=list)
    tally: dict[str, int] = field(default_factory=dict)
    """Counts of a problem planted over several chunks of orders (late deliveries)."""

    def since(self, days: int) -> int:
        """Day index of the first of the last ``days`` days."""
        return self.last - days + 1

    def add(self, problem: PlantedProblem) -> None:
        """Record a planted problem."""
        self.planted.append(problem)


class _Picker:
    """Draws entities from pools in seed order, never twice from the same listing."""

    def __init__(self, catalog: Catalog, rng: np.random.Generator) -> None:
        self.catalog = catalog
        self.rng = rng
        self.used: set[int] = set()

    def listing(self, pool: IntArray, fallback: IntArray) -> int | None:
        """A listing of the pool (else the first free one of ``fallback``) not used yet."""
        for li in [*self.rng.permutation(pool), *fallback]:
            if int(li) not in self.used:
                self.used.add(int(li))
                return int(li)
        return None

    def sku(self, pool: IntArray, fallback: IntArray) -> int | None:
        """A SKU of the pool (else the first free one of ``fallback``) whose listing is not used yet."""
        for s in [*self.rng.permutation(pool), *fallback]:
            li = int(self.catalog.sku_listing[s])
            if li not in self.used:
                self.used.add(li)
                return int(s)
        return None


def _pools(catalog: Catalog, timeline: Timeline, presale: IntArray) -> tuple[IntArray, IntArray]:
    """Established listings by popularity, and steady on-sale SKUs of them by demand."""
    established = catalog.listed_day < 0
    lrank = np.argsort(-np.where(established, catalog.popularity, -1.0))[: int(established.sum())]
    steady = established[catalog.sku_listing] & (catalog.off_day >= timeline.days)
    steady[presale] = False
    rate = catalog.sku_rate()
    srank = np.argsort(-np.where(steady, rate, -1.0))[: int(steady.sum())]
    return lrank, srank


def _sku_pools(catalog: Catalog, srank: IntArray) -> dict[str, IntArray]:
    n = len(srank)
    price_ok = catalog.price[srank] >= 2_000
    single = catalog.share[srank] <= 0.6
    perishable = catalog.shelf_life[srank] > 0
    mid = slice(n // 10, n // 2)
    return {
        "stockout_risk": srank[:8],
        "refund_spike": srank[:8],
        "out_of_stock": srank[3:30][single[3:30]],
        "price_anomaly": srank[5:40][price_ok[5:40]],
        "expiry_risk": srank[mid][perishable[mid]],
        "slow_moving": srank[n // 3 : 2 * n // 3],
    }


def _listing_pools(lrank: IntArray) -> dict[str, IntArray]:
    n = len(lrank)
    return {
        "competitor_loss": lrank[:15],
        "negative_reviews": lrank[:6],
        "traffic_drop": lrank[1:12],
        "conversion_drop": lrank[:8],
        "traffic_black_hole": lrank[4:16],
        "keyword_opportunity": lrank[2:20],
        "listing_quality": lrank[n // 2 :],
    }


_ORDER = (
    "competitor_loss",
    "stockout_risk",
    "negative_reviews",
    "traffic_drop",
    "conversion_drop",
    "refund_spike",
    "out_of_stock",
    "traffic_black_hole",
    "keyword_opportunity",
    "price_anomaly",
    "slow_moving",
    "expiry_risk",
    "listing_quality",
)


def make_plan(
    kinds: frozenset[str], catalog: Catalog, timeline: Timeline, presale: IntArray, seed: int
) -> Plan:
    """Choose the planted entities for ``kinds`` and build the modifiers."""
    s, n_l, d = catalog.n_skus, catalog.n_listings, timeline.days
    plan = Plan(
        kinds, d - 1, np.ones((s, d)), np.ones((n_l, d)), np.ones((n_l, d)), np.ones((n_l, d))
    )
    picker = _Picker(catalog, rng_for(seed, "plan"))
    lrank, srank = _pools(catalog, timeline, presale)
    sku_pools, listing_pools = _sku_pools(catalog, srank), _listing_pools(lrank)
    for kind in _ORDER:
        if kind not in kinds:
            continue
        if kind in sku_pools:
            sku = picker.sku(sku_pools[kind], srank)
            if sku is not None:
                plan.sku[kind] = sku
        else:
            for key in (
                ("competitor_loss", "competitor_loss_own") if kind == "competitor_loss" else (kind,)
            ):
                li = picker.listing(listing_pools[kind], lrank)
                if li is not None:
                    plan.listing[key] = li
    _modifiers(plan, catalog)
    return plan


def _modifiers(plan: Plan, catalog: Catalog) -> None:
    if "traffic_drop" in plan.listing:
        plan.search_mult[plan.listing["traffic_drop"], plan.since(TRAFFIC_DROP_DAYS) :] = (
            TRAFFIC_DROP_LEFT
        )
    if "conversion_drop" in plan.listing:
        plan.conv_mult[plan.listing["conversion_drop"], plan.since(CONVERSION_DROP_DAYS) :] = (
            CONVERSION_DROP_LEFT
        )
    for key in ("competitor_loss", "competitor_loss_own"):
        if key in plan.listing:
            plan.conv_mult[plan.listing[key], plan.since(COMPETITOR_DAYS) :] = 0.85
    if "traffic_black_hole" in plan.listing:
        catalog.conversion[plan.listing["traffic_black_hole"]] = BLACK_HOLE_CONVERSION
    if "gmv_drop" in plan.kinds:
        plan.all_mult[:, plan.since(GMV_DROP_DAYS) :] = GMV_DROP_LEFT
    if "out_of_stock" in plan.sku:
        plan.sku_mult[plan.sku["out_of_stock"], plan.since(2) :] = 0.0
    if "slow_moving" in plan.sku:
        plan.sku_mult[plan.sku["slow_moving"], plan.since(SLOW_DAYS) :] = 0.0
    if "price_anomaly" in plan.sku:
        sku = plan.sku["price_anomaly"]
        plan.sku_mult[sku, plan.since(PRICE_DAYS) :] = PRICE_DEMAND
        plan.wrong_price = int(catalog.price[sku] // 10)
        catalog.price_now[sku] = plan.wrong_price
    if "stockout_risk" in plan.sku:
        catalog.lead_time[plan.sku["stockout_risk"]] = max(
            10, int(catalog.lead_time[plan.sku["stockout_risk"]])
        )
    if "listing_quality" in plan.listing:
        _degrade_listing(plan, catalog, plan.listing["listing_quality"])


def _degrade_listing(plan: Plan, catalog: Catalog, li: int) -> None:
    """A hastily uploaded listing: one image, a bare title, no attributes; listed a month ago."""
    catalog.images[li] = 1
    catalog.title[li] = catalog.item[li]
    catalog.attrs[li] = {}
    catalog.listed_day[li] = plan.last - 34
    catalog.conversion[li] = min(float(catalog.conversion[li]), 0.8)
    catalog.popularity[li] = min(
        float(catalog.popularity[li]), float(np.median(catalog.popularity))
    )


def price_mask(plan: Plan, sku: IntArray, day: IntArray) -> BoolArray:
    """Lines sold at the planted wrong price."""
    if "price_anomaly" not in plan.sku:
        return np.zeros(len(sku), dtype=bool)
    return np.asarray(
        (sku == plan.sku["price_anomaly"]) & (day >= plan.since(PRICE_DAYS)), dtype=np.bool_
    )
