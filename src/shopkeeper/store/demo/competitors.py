"""The daily competitor watch (竞品分析) of the top listings, and the planted competitor losses.

Each watched listing has two or three rival listings (one may belong to the merchant's own other
shop, named in store.toml ``own_shops``): similar titles, prices within -20 %..+15 %, their own
sales, and a steady trickle of "lost buyers" (5-20 % of our buyers). Planted: one listing loses
~1.6x its buyers a day to a rival that cut its price by 20 % a week ago; another loses as many to
the merchant's own other shop.
"""

from __future__ import annotations

import numpy as np

from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.plan import COMPETITOR_DAYS
from shopkeeper.store.demo.rng import FloatArray, IntArray, rng_for
from shopkeeper.store.demo.sales import Sales
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup, money
from shopkeeper.text import pick

WATCHED = 15
LOSS_MULT, PRICE_CUT = 1.6, 0.8


def _watched(world: World) -> list[int]:
    cat, plan = world.catalog, world.plan
    top = [int(i) for i in np.argsort(-cat.popularity) if cat.listed_day[i] < 0][:WATCHED]
    extra = [
        plan.listing[k] for k in ("competitor_loss", "competitor_loss_own") if k in plan.listing
    ]
    return sorted(set(top) | set(extra))


def _brand(shop: str) -> str:
    for suffix in ("官方旗舰店", "旗舰店", "官方店", "专营店", "庄园店"):
        shop = shop.removesuffix(suffix)
    return shop.split(" ")[0]


def _rival_title(title: str, own_brand: str, brand: str) -> str:
    return title.replace(own_brand, brand, 1) if own_brand in title else f"{brand} {title}"


def simulate_competitors(world: World, sales: Sales) -> None:
    """Write competitors.csv and record the planted competitor losses."""
    rng = rng_for(world.seed, "competitors")
    cat, spec, tl, plan = world.catalog, world.spec, world.timeline, world.plan
    shops = list(spec.competitor_shops)
    names = [*shops, spec.own_shop]
    own = len(shops)
    own_healthy = set(rng.choice(_watched(world), size=2, replace=False).tolist())
    first = plan.since(COMPETITOR_DAYS)
    d = tl.days
    rows: dict[str, list[IntArray]] = {
        k: [] for k in ("day", "our", "shop", "rival", "price", "sales", "lost")
    }
    rival_ids: list[str] = []
    titles: list[str] = []
    for li in _watched(world):
        price = float(
            np.average(cat.price[cat.sku_listing == li], weights=cat.share[cat.sku_listing == li])
        )
        buyers = sales.buyers[li].astype(np.float64)
        units = sales.units[cat.sku_listing == li].sum(axis=0).astype(np.float64)
        loss = "competitor_loss" if plan.listing.get("competitor_loss") == li else None
        loss = "competitor_loss_own" if plan.listing.get("competitor_loss_own") == li else loss
        picks = list(rng.choice(len(shops), size=int(rng.integers(2, 4)), replace=False))
        if li in own_healthy or loss == "competitor_loss_own":
            picks[-1] = own
        for k, shop in enumerate(picks):
            ratio = rng.uniform(0.8, 1.15)
            p = np.full(d, price * ratio) * (
                1 - world.calendar.discount.max(axis=0) * rng.uniform(0.5, 1.0)
            )
            sold = rng.poisson(units * rng.uniform(0.4, 2.0))
            lost = rng.poisson(buyers * rng.uniform(0.05, 0.2) + 0.2)
            if loss is not None and k == len(picks) - 1:
                baseline = float(buyers[first - 28 : first].mean())
                p[first:] = (
                    price * min(ratio, 1.0) * (PRICE_CUT if loss == "competitor_loss" else 0.85)
                )
                sold[first:] = rng.poisson(units[first:] * 2.5 + 2)
                lost[first:] = rng.poisson(baseline * LOSS_MULT + 5, d - first)
                _record(world, li, loss, names[shop], lost, buyers, p, first)
            rival_ids.append(
                pick(
                    world.lang,
                    f"6{rng.integers(10**10, 10**11):011d}",
                    f"7{rng.integers(10**11, 10**12):012d}",
                )
            )
            titles.append(
                cat.title[li]
                if shop == own
                else _rival_title(cat.title[li], cat.brand[li], _brand(names[shop]))
            )
            for key, value in (
                ("day", np.arange(d)),
                ("our", np.full(d, li)),
                ("shop", np.full(d, shop)),
                ("rival", np.full(d, len(rival_ids) - 1)),
                ("price", np.rint(p)),
                ("sales", sold),
                ("lost", lost),
            ):
                rows[key].append(np.asarray(value, dtype=np.int64))
    _write(world, {k: np.concatenate(v) for k, v in rows.items()}, names, rival_ids, titles)


def _record(
    world: World,
    li: int,
    loss: str,
    shop: str,
    lost: IntArray,
    buyers: FloatArray,
    price: FloatArray,
    first: int,
) -> None:
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": "competitor_loss",
                "entity_type": "product",
                "entity_id": world.catalog.product_id[li],
                "since": world.timeline.date(first),
                "details": {
                    "competitor_shop": shop,
                    "own_shop": loss == "competitor_loss_own",
                    "lost_buyers_per_day_recent": round(float(lost[first:].mean()), 1),
                    "lost_buyers_per_day_before": round(float(lost[first - 28 : first].mean()), 1),
                    "our_buyers_per_day": round(float(buyers[first - 28 :].mean()), 1),
                    "competitor_price_before": round(float(price[first - 1]) / 100, 2),
                    "competitor_price_recent": round(float(price[-1]) / 100, 2),
                    "days": int(world.timeline.days - first),
                },
            }
        )
    )


def _write(
    world: World,
    rows: dict[str, IntArray],
    shops: list[str],
    rival_ids: list[str],
    titles: list[str],
) -> None:
    order = np.lexsort((rows["rival"], rows["our"], rows["day"]))
    rows = {k: v[order] for k, v in rows.items()}
    data = {
        "date": dates(world.timeline.epoch0 // DAY + rows["day"]),
        "our": lookup(rows["our"], world.catalog.product_id),
        "rival": lookup(rows["rival"], rival_ids),
        "shop": lookup(rows["shop"], shops),
        "title": lookup(rows["rival"], titles),
        "price": rows["price"],
        "sales": rows["sales"],
        "lost": rows["lost"],
    }
    select = {
        "date": "date",
        "our_product_id": "our",
        "competitor_product_id": "rival",
        "competitor_shop": "shop",
        "competitor_title": "title",
        "competitor_price": money("price"),
        "competitor_sales": "sales",
        "lost_buyers": "lost",
    }
    world.writer.write("competitors", data, select)
