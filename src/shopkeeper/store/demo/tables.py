"""The small tables: store.toml, products, promotions, customers; and the planted catalog problems."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from shopkeeper.store.config import StoreConfig, Targets
from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.plan import PRICE_DAYS
from shopkeeper.store.demo.rng import IntArray, hash_u64, hash_uniform
from shopkeeper.store.demo.sales import NEVER, Sales
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup, money, timestamps

SHIP_WITHIN_HOURS = 48.0
PRIOR_SHARE = 0.45


def store_config(world: World, sales: Sales) -> StoreConfig:
    """The store's store.toml, with a daily GMV target ~10 % above its recent level."""
    spec = world.spec
    daily = float(np.median(sales.gmv.sum(axis=0)[-56:])) / 100
    target = float(round(daily * 1.1, -2 if daily >= 1000 else -1))
    return StoreConfig(
        name=spec.store_name,
        platform=spec.platform,
        currency=spec.currency,
        timezone=spec.timezone,
        language=world.lang,
        own_shops=[spec.own_shop],
        targets=Targets(
            daily_gmv=target,
            roi=3.0,
            ship_within_hours=SHIP_WITHIN_HOURS,
            return_window_days=world.locale.return_window_days,
            ads_objective="gmv",
        ),
    )


def write_store_toml(folder: Path, config: StoreConfig) -> None:
    """Write store.toml (``own_shops`` names the merchant's other shop, seen among competitors)."""
    (folder / "store.toml").write_text(config.to_toml(), encoding="utf-8")


def write_products(world: World) -> None:
    """products.csv: one row per SKU, with the listing's title, images and attributes."""
    cat, tl = world.catalog, world.timeline
    li = cat.sku_listing
    lines = world.spec.lines
    attrs = [
        json.dumps(
            {**cat.attrs[i], **lines[int(cat.line[i])].variant_attributes(cat.variant[s])}
            if cat.attrs[i]
            else {},
            ensure_ascii=False,
        )
        for s, i in enumerate(li)
    ]
    idx = np.arange(cat.n_skus)
    data = {
        "sku": lookup(idx, cat.sku_id),
        "product": lookup(li, cat.product_id),
        "title": lookup(li, cat.title),
        "category": lookup(li, cat.category),
        "price": cat.price_now,
        "cost": cat.cost,
        "status": lookup((cat.off_day < tl.days).astype(np.int64), ["on_sale", "off_shelf"]),
        "listed": dates(tl.epoch0 // DAY + cat.listed_day[li]),
        "brand": lookup(li, cat.brand),
        "images": cat.images[li],
        "attrs": lookup(idx, attrs),
        "shelf": pa.array(cat.shelf_life, mask=cat.shelf_life <= 0),
        "lead": cat.lead_time,
        "variant": lookup(idx, cat.variant),
    }
    select = {
        "sku_id": "sku",
        "product_id": "product",
        "title": "title",
        "category": "category",
        "price": money("price"),
        "cost": money("cost"),
        "status": "status",
        "listed_at": "listed",
        "brand": "brand",
        "image_count": "images",
        "attributes": "attrs",
        "shelf_life_days": "shelf",
        "lead_time_days": "lead",
        "sku_name": "variant",
    }
    world.writer.write("products", data, select)


def write_promotions(world: World) -> None:
    """promotions.csv from the calendar."""
    rows = world.calendar.rows
    data = {k: pa.array([r[k] for r in rows], pa.string()) for k in rows[0]}
    select = {k: (f"CAST({k} AS TIMESTAMP)" if k.endswith("_at") else k) for k in rows[0]}
    world.writer.write("promotions", data, select)


def _tags(world: World, idx: IntArray, sales: Sales, first: IntArray) -> pa.Array:
    """Tags: new (first order in the last 30 days), repeat, high spender, promotion-driven."""
    orders = sales.orders[idx]
    flags = (first >= world.timeline.now - 30 * DAY).astype(np.int64)
    flags |= (orders >= 2).astype(np.int64) << 1
    per_order = sales.spend[idx] / np.maximum(orders, 1)
    flags |= (per_order > np.quantile(per_order, 0.8)).astype(np.int64) << 2
    flags |= (sales.promo_orders[idx] * 2 > orders).astype(np.int64) << 3
    tags = world.locale.tags
    combos = [
        json.dumps([t for b, t in enumerate(tags) if code >> b & 1], ensure_ascii=False)
        for code in range(16)
    ]
    return lookup(flags, combos)


def write_customers(world: World, sales: Sales) -> None:
    """customers.csv: everyone who ordered, some known from before the window."""
    crowd, tl, seed = world.crowd, world.timeline, world.seed
    idx = np.flatnonzero(sales.first_seen < NEVER)
    before = hash_uniform(idx, seed, "prior") < PRIOR_SHARE
    prior = np.where(
        before, (hash_u64(idx, seed, "prior_days") % np.uint64(900)).astype(np.int64) + 1, -1
    )
    first = np.where(
        before,
        tl.epoch0
        - prior * DAY
        + (hash_u64(idx, seed, "prior_s") % np.uint64(DAY)).astype(np.int64),
        sales.first_seen[idx],
    )
    total = sales.orders[idx] + np.where(
        before, (hash_u64(idx, seed, "prior_n") % np.uint64(6)).astype(np.int64), 0
    )
    level = np.searchsorted([2, 4, 8], total, side="right")
    place = crowd.place(idx)
    data = {
        "cust": idx,
        "first": timestamps(first),
        "gender": crowd.gender(idx),
        "age": crowd.age_band(idx),
        "province": lookup(place, [p.province for p in world.locale.places]),
        "city": lookup(place, [p.city for p in world.locale.places]),
        "level": lookup(level, world.locale.member_levels),
        "tags": _tags(world, idx, sales, first),
    }
    select = {
        "customer_id": crowd.id_sql("cust"),
        "first_seen_at": "first",
        "gender": "gender",
        "age_band": "age",
        "province": "province",
        "city": "city",
        "member_level": "level",
        "tags": "tags",
    }
    world.writer.write("customers", data, select)


def record_catalog_problems(world: World, sales: Sales) -> None:
    """Add price_anomaly and listing_quality problems to the plan."""
    cat, plan, tl = world.catalog, world.plan, world.timeline
    if "price_anomaly" in plan.sku:
        s = plan.sku["price_anomaly"]
        plan.add(
            PlantedProblem.model_validate(
                {
                    "kind": "price_anomaly",
                    "entity_type": "sku",
                    "entity_id": cat.sku_id[s],
                    "since": tl.date(plan.since(PRICE_DAYS)),
                    "details": {
                        "product_id": cat.product_id[cat.sku_listing[s]],
                        "issue": "missing_digit",
                        "wrong_price": cat.price_now[s] / 100,
                        "right_price": cat.price[s] / 100,
                        "cost": cat.cost[s] / 100,
                        "below_cost": bool(cat.price_now[s] < cat.cost[s]),
                        "order_lines_at_wrong_price": sales.wrong_price_lines,
                    },
                }
            )
        )
    if "listing_quality" in plan.listing:
        li = plan.listing["listing_quality"]
        plan.add(
            PlantedProblem.model_validate(
                {
                    "kind": "listing_quality",
                    "entity_type": "product",
                    "entity_id": cat.product_id[li],
                    "since": tl.date(int(cat.listed_day[li])),
                    "details": {
                        "title": cat.title[li],
                        "title_length": len(cat.title[li]),
                        "image_count": int(cat.images[li]),
                        "attributes": {},
                        "issues": ["too_few_images", "short_title", "missing_attributes"],
                    },
                }
            )
        )
