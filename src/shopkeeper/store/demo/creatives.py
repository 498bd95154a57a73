"""Creatives (main images, videos, titles) and their daily A/B results (contract v1.1).

Every listing shows one live main image and its live title. The most visited established listings
(up to :data:`TESTS`) run a creative test over the last :data:`TEST_DAYS` days: three main images
(the old one live, two testing), a testing video on every other one, and a second title. Each
day a test listing's impressions (its visitors over a click-through of about 5 %) rotate evenly
over its images, and likewise over its titles; clicks and buyers are binomial draws. On the first
test listing one testing image clearly wins (click-through × :data:`WINNER_LIFT`); it is recorded
in the manifest's ``notes`` as ``better_creative``, for skills that pick a creative.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from pydantic import JsonValue

from shopkeeper.store.demo.rng import IntArray, rng_for
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup, money, timestamps

TESTS, TEST_DAYS = 8, 28
BASE_CTR, WINNER_LIFT = 0.05, 1.6
JsonDict = dict[str, JsonValue]


def simulate_creatives(world: World, visitors: IntArray) -> JsonDict:
    """Write creatives.csv and creative_stats.csv; return the planted better creative."""
    cat, tl = world.catalog, world.timeline
    rng = rng_for(world.seed, "creatives")
    per_day = visitors.sum(axis=1)  # [listing, day]
    established = cat.listed_day < 0
    ranked = np.argsort(-np.where(established, per_day[:, -TEST_DAYS:].sum(axis=1), -1.0))
    tests = [int(li) for li in ranked[: min(TESTS, int(established.sum()))]]
    start = max(0, tl.days - TEST_DAYS)
    rows: dict[str, list[str | int]] = {
        k: [] for k in ("id", "product", "kind", "path", "text", "created", "status")
    }
    stats: dict[str, list[int | str]] = {
        k: [] for k in ("day", "id", "product", "impr", "clicks", "buyers", "gmv")
    }
    winner: JsonDict = {}
    price = np.bincount(
        cat.sku_listing, weights=cat.price_now * cat.share, minlength=cat.n_listings
    )

    def add(li: int, kind: str, k: int, status: str, created: int, text: str = "") -> str:
        pid = cat.product_id[li]
        cid = f"{pid}-{kind[0].upper()}{k}"
        ext = {"main_image": "jpg", "image": "jpg", "video": "mp4"}.get(kind)
        rows["id"].append(cid)
        rows["product"].append(pid)
        rows["kind"].append(kind)
        rows["path"].append(f"creatives/{pid}/{kind}_{k}.{ext}" if ext else "")
        rows["text"].append(text)
        rows["created"].append(created)
        rows["status"].append(status)
        return cid

    listed = tl.epoch0 + np.minimum(cat.listed_day, tl.days - 1) * DAY + 10 * 3600
    test_created = tl.epoch0 + start * DAY + 9 * 3600
    for li in range(cat.n_listings):
        testing = li in tests
        main = add(li, "main_image", 1, "live", int(listed[li]))
        title = add(li, "title", 1, "live", int(listed[li]), cat.title[li])
        if not testing:
            continue
        images = [main, *(add(li, "main_image", k, "testing", test_created) for k in (2, 3))]
        titles = [title, add(li, "title", 2, "testing", test_created, _alt_title(cat.title[li]))]
        videos = [add(li, "video", 1, "testing", test_created)] if li % 2 == 0 else []
        lift = {c: float(rng.lognormal(0.0, 0.06)) for c in [*images, *titles, *videos]}
        if li == tests[0]:
            lift[images[2]] = WINNER_LIFT
            winner = {"creative_id": images[2], "product_id": cat.product_id[li]}
        conv = float(np.clip(rng.normal(0.08, 0.01), 0.04, 0.12))
        for group in (images, titles, videos):
            for day in range(start, tl.days):
                shown = per_day[li, day] / BASE_CTR / max(len(group), 1)
                for cid in group:
                    impr = int(rng.poisson(shown))
                    clicks = int(rng.binomial(impr, min(BASE_CTR * lift[cid], 0.5)))
                    buyers = int(rng.binomial(clicks, conv))
                    stats["day"].append(day)
                    stats["id"].append(cid)
                    stats["product"].append(cat.product_id[li])
                    stats["impr"].append(impr)
                    stats["clicks"].append(clicks)
                    stats["buyers"].append(buyers)
                    stats["gmv"].append(round(float(buyers * price[li])))
    _write(world, rows, stats)
    if winner:
        won = [i for i, c in enumerate(stats["id"]) if c == winner["creative_id"]]
        others = [
            i
            for i, c in enumerate(stats["id"])
            if str(c).startswith(f"{winner['product_id']}-M") and c != winner["creative_id"]
        ]
        winner["ctr"] = round(_ctr(stats, won), 4)
        winner["others_ctr"] = round(_ctr(stats, others), 4)
        winner["days"] = tl.days - start
    return winner


def _ctr(stats: dict[str, list[int | str]], idx: list[int]) -> float:
    impr = sum(int(stats["impr"][i]) for i in idx)
    return sum(int(stats["clicks"][i]) for i in idx) / max(impr, 1)


def _alt_title(title: str) -> str:
    """A reworded title: the same words, the first one moved to the end."""
    words = title.split(" ")
    return " ".join([*words[1:], words[0]]) if len(words) > 1 else title


def _write(
    world: World, rows: dict[str, list[str | int]], stats: dict[str, list[int | str]]
) -> None:
    n = len(rows["id"])
    world.writer.write(
        "creatives",
        {
            "id": pa.array(rows["id"], pa.string()),
            "product": pa.array(rows["product"], pa.string()),
            "kind": pa.array(rows["kind"], pa.string()),
            "path": pa.array([p or None for p in rows["path"]], pa.string()),
            "text": pa.array([t or None for t in rows["text"]], pa.string()),
            "created": timestamps(np.array(rows["created"], dtype=np.int64)),
            "status": lookup(
                np.array([("live", "testing").index(str(s)) for s in rows["status"]]),
                ["live", "testing"],
            )
            if n
            else pa.array([], pa.string()),
        },
        {
            "creative_id": "id",
            "product_id": "product",
            "kind": "kind",
            "path": "path",
            "text": "text",
            "created_at": "created",
            "status": "status",
        },
    )
    day = np.array(stats["day"], dtype=np.int64)
    world.writer.write(
        "creative_stats",
        {
            "date": dates(world.timeline.epoch0 // DAY + day),
            "id": pa.array(stats["id"], pa.string()),
            "product": pa.array(stats["product"], pa.string()),
            "impr": np.array(stats["impr"], dtype=np.int64),
            "clicks": np.array(stats["clicks"], dtype=np.int64),
            "buyers": np.array(stats["buyers"], dtype=np.int64),
            "gmv": np.array(stats["gmv"], dtype=np.int64),
        },
        {
            "date": "date",
            "creative_id": "id",
            "audience": "NULL",
            "product_id": "product",
            "impressions": "impr",
            "clicks": "clicks",
            "add_to_cart": "NULL",
            "buyers": "buyers",
            "gmv": money("gmv"),
        },
    )
