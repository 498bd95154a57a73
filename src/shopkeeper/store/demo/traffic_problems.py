"""The planted traffic and conversion problems, described with the numbers traffic.csv really shows."""

from __future__ import annotations

import numpy as np

from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.plan import CONVERSION_DROP_DAYS, GMV_DROP_DAYS, TRAFFIC_DROP_DAYS
from shopkeeper.store.demo.rng import IntArray
from shopkeeper.store.demo.traffic import SEARCH
from shopkeeper.store.demo.world import World

BASELINE_DAYS = 28


def _mean(x: IntArray) -> float:
    return round(float(x.mean()), 2) if x.size else 0.0


def _conv(b: IntArray, v: IntArray) -> float:
    return round(float(b.sum() / max(1, v.sum())), 4)


def quiet_days(world: World, first: int, count: int = BASELINE_DAYS) -> IntArray:
    """Up to ``count`` days before ``first`` without a store-wide promotion or its hangover."""
    cal = world.calendar
    uplift = cal.uplift.mean(axis=0)
    quiet = (cal.discount.max(axis=0) == 0) & (np.abs(uplift - 1) <= 0.05)
    days = np.flatnonzero(quiet[:first])[::-1][:count]
    return np.sort(days) if len(days) >= 7 else np.arange(max(0, first - count), first)


def _add(
    world: World,
    kind: str,
    entity_type: str,
    entity_id: str,
    since: int,
    details: dict[str, object],
) -> None:
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": kind,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "since": world.timeline.date(since),
                "details": details,
            }
        )
    )


def record(world: World, visitors: IntArray, buyers: IntArray, gmv: IntArray) -> None:
    """Add traffic_drop, conversion_drop, traffic_black_hole and gmv_drop problems to the plan."""
    plan, ids = world.plan, world.catalog.product_id
    if "traffic_drop" in plan.listing:
        li, first = plan.listing["traffic_drop"], plan.since(TRAFFIC_DROP_DAYS)
        base, recent = quiet_days(world, first), slice(first, None)
        search, total = visitors[li, SEARCH], visitors[li].sum(axis=0)
        _add(
            world,
            "traffic_drop",
            "product",
            ids[li],
            first,
            {
                "source": "search",
                "search_visitors_baseline": _mean(search[base]),
                "search_visitors_recent": _mean(search[recent]),
                "visitors_baseline": _mean(total[base]),
                "visitors_recent": _mean(total[recent]),
                "drop_pct": round(
                    100 * (1 - search[recent].mean() / max(search[base].mean(), 1e-9)), 1
                ),
                "days": TRAFFIC_DROP_DAYS,
            },
        )
    if "conversion_drop" in plan.listing:
        li, first = plan.listing["conversion_drop"], plan.since(CONVERSION_DROP_DAYS)
        base, recent = quiet_days(world, first), slice(first, None)
        v, b = visitors[li].sum(axis=0), buyers[li].sum(axis=0)
        _add(
            world,
            "conversion_drop",
            "product",
            ids[li],
            first,
            {
                "conversion_baseline": _conv(b[base], v[base]),
                "conversion_recent": _conv(b[recent], v[recent]),
                "visitors_baseline": _mean(v[base]),
                "visitors_recent": _mean(v[recent]),
                "days": CONVERSION_DROP_DAYS,
            },
        )
    if "traffic_black_hole" in plan.listing:
        _black_hole(world, visitors, buyers)
    if "gmv_drop" in plan.kinds:
        _gmv_drop(world, visitors, buyers, gmv)


def _black_hole(world: World, visitors: IntArray, buyers: IntArray) -> None:
    li = world.plan.listing["traffic_black_hole"]
    window = slice(-BASELINE_DAYS, None)
    v, b = visitors[:, :, window].sum(axis=(1, 2)), buyers[:, :, window].sum(axis=(1, 2))
    conv = b / np.maximum(v, 1)
    peers = np.array(
        [
            c.split("/")[0] == world.catalog.category[li].split("/")[0]
            for c in world.catalog.category
        ]
    )
    peers &= (v >= BASELINE_DAYS * 20) & (np.arange(len(v)) != li)
    _add(
        world,
        "traffic_black_hole",
        "product",
        world.catalog.product_id[li],
        0,
        {
            "visitors_per_day": round(float(v[li]) / BASELINE_DAYS, 1),
            "visitors_rank": int((v > v[li]).sum()) + 1,
            "conversion": round(float(conv[li]), 4),
            "peer_median_conversion": round(
                float(np.median(conv[peers])) if peers.any() else 0.0, 4
            ),
        },
    )


def _gmv_drop(world: World, visitors: IntArray, buyers: IntArray, gmv: IntArray) -> None:
    first = world.plan.since(GMV_DROP_DAYS)
    base, recent = quiet_days(world, first), slice(first, None)
    v, b, g = visitors.sum(axis=(0, 1)), buyers.sum(axis=(0, 1)), gmv.sum(axis=(0, 1)) / 100
    _add(
        world,
        "gmv_drop",
        "store",
        world.spec.store_name,
        first,
        {
            "gmv_baseline": _mean(g[base]),
            "gmv_recent": _mean(g[recent]),
            "drop_pct": round(100 * (1 - g[recent].mean() / max(g[base].mean(), 1e-9)), 1),
            "visitors_baseline": _mean(v[base]),
            "visitors_recent": _mean(v[recent]),
            "conversion_baseline": _conv(b[base], v[base]),
            "conversion_recent": _conv(b[recent], v[recent]),
            "days": GMV_DROP_DAYS,
        },
    )
