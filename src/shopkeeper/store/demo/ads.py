"""Ad campaigns, daily: a store-wide campaign, keyword campaigns on top listings, audience campaigns.

Spend follows the store's sales (about 8 % of GMV), 45-90 % of the daily budget (budgets double
in big events); ROI sits a little above each campaign's target with day-to-day noise. A campaign
without its own target falls back to the store's. Planted: a keyword campaign whose bids were
raised two weeks ago and now spends heavily at ROI ~0.8 against a target of 3, and a campaign with
ROI ~1.8x its target whose budget was cut four weeks ago and is exhausted every day since.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.plan import BUDGET_DAYS, ROI_DAYS
from shopkeeper.store.demo.rng import FloatArray, IntArray, rng_for
from shopkeeper.store.demo.sales import Sales
from shopkeeper.store.demo.timeline import DAY
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import dates, lookup, money

STORE_ROI = 3.0
AD_SHARE = 0.08


@dataclass(frozen=True)
class Campaign:
    """One campaign and how it behaves."""

    cid: str
    name: str
    kind: str
    listing: int
    audiences: tuple[str, ...]
    target: float | None
    weight: float
    bid: int


def _campaigns(world: World, rng: np.random.Generator) -> list[Campaign]:
    cat, zh = world.catalog, world.lang == "zh"
    top = [int(i) for i in np.argsort(-cat.popularity) if cat.listed_day[i] < 0][:5]
    ids = rng.choice(10**8, size=12, replace=False)
    cid = [f"2{x:09d}" if zh else f"12{x:08d}" for x in ids]
    bid = (rng.uniform(0.8, 2.5, 12) if zh else rng.uniform(0.6, 1.8, 12)) * 100
    out = [
        Campaign(
            cid[0],
            "全站推广·全店" if zh else "Performance Max - All Products",
            "full_site",
            -1,
            (),
            3.5,
            3.0,
            int(bid[0]),
        )
    ]
    for i, li in enumerate(top):
        target = None if i in (1, 3) else round(float(rng.uniform(2.5, 3.5)), 1)
        name = f"关键词推广-{cat.longtail[li]}" if zh else f"Search - {cat.longtail[li]}"
        out.append(Campaign(cid[1 + i], name, "keyword", li, (), target, 1.5, int(bid[1 + i])))
    auds = list(world.spec.audiences)
    for j in range(3):
        picked = tuple(auds[(j + k) % len(auds)] for k in range(2 + j % 2))
        name = f"人群推广-{picked[0]}" if zh else f"Meta - {picked[0]}"
        out.append(Campaign(cid[6 + j], name, "audience", -1, picked, 2.5, 1.0, int(bid[6 + j])))
    return out


def _daily(
    world: World, sales: Sales, c: Campaign, total_weight: float, rng: np.random.Generator
) -> dict[str, FloatArray]:
    d = world.timeline.days
    gmv = sales.gmv.sum(axis=0).astype(np.float64)
    smooth = np.convolve(gmv, np.ones(7) / 7, mode="same")
    typical = float(np.median(smooth)) * AD_SHARE * c.weight / total_weight
    budget = np.full(d, max(5000.0, round(typical / 0.72 / 5000) * 5000.0), dtype=np.float64)
    event = world.calendar.uplift.mean(axis=0) > 1.3
    budget[event] *= 2
    util = np.clip(
        rng.normal(0.72, 0.08, d) * np.sqrt(smooth / max(float(np.median(smooth)), 1.0)), 0.45, 0.9
    )
    target = c.target or STORE_ROI
    roi = target * rng.uniform(1.02, 1.25) * rng.lognormal(0, 0.12, d) * np.where(event, 1.1, 1.0)
    return {"budget": budget, "spend": budget * util, "roi": roi}


def _plant(
    world: World, c: Campaign, days: dict[str, FloatArray], kind: str, rng: np.random.Generator
) -> None:
    plan = world.plan
    if kind == "ad_roi_below_target":
        first = plan.since(ROI_DAYS)
        days["budget"][first:] *= 2.5
        days["spend"][first:] = days["budget"][first:] * rng.uniform(
            0.86, 0.96, len(days["budget"]) - first
        )
        days["roi"][first:] = rng.normal(0.8, 0.07, len(days["roi"]) - first)
    else:
        first = plan.since(BUDGET_DAYS)
        days["budget"][first:] = np.maximum(
            1000.0, np.round(days["budget"][first:] * 0.5 / 1000) * 1000
        )
        days["spend"][first:] = days["budget"][first:] * rng.uniform(
            0.996, 1.0, len(days["budget"]) - first
        )
        days["roi"][first:] = (c.target or STORE_ROI) * rng.normal(
            1.8, 0.08, len(days["roi"]) - first
        )


def _rows(
    world: World, c: Campaign, days: dict[str, FloatArray], rng: np.random.Generator
) -> dict[str, IntArray]:
    """Daily rows of one campaign, one per audience (or one for all)."""
    d = world.timeline.days
    n_aud = max(1, len(c.audiences))
    split = rng.dirichlet(np.ones(n_aud) * 4, d)
    spend = np.rint(days["spend"][:, None] * split).astype(np.int64)
    cpc = c.bid * rng.uniform(0.55, 0.85, (d, n_aud))
    clicks = np.maximum(1, np.rint(spend / cpc)).astype(np.int64)
    gmv = np.rint(spend * days["roi"][:, None] * rng.uniform(0.92, 1.08, (d, n_aud))).astype(
        np.int64
    )
    aov = float(world.catalog.price.mean()) * 1.2
    return {
        "day": np.repeat(np.arange(d), n_aud),
        "audience": np.tile(np.arange(n_aud), d),
        "budget": np.repeat(np.rint(days["budget"]).astype(np.int64), n_aud),
        "spend": spend.ravel(),
        "clicks": clicks.ravel(),
        "impressions": np.rint(clicks.ravel() / rng.uniform(0.01, 0.04, d * n_aud)).astype(
            np.int64
        ),
        "conversions": np.rint(gmv.ravel() / aov).astype(np.int64),
        "gmv": gmv.ravel(),
    }


def simulate_ads(world: World, sales: Sales) -> None:
    """Write ad_campaigns.csv and record the planted ad problems."""
    rng = rng_for(world.seed, "ads")
    camps = _campaigns(world, rng)
    kinds = [k for k in ("ad_roi_below_target", "ad_budget_limited") if k in world.plan.kinds]
    planted = {
        int(j): k
        for k, j in zip(
            kinds, rng.choice(np.arange(1, 6), size=len(kinds), replace=False), strict=True
        )
    }
    total = sum(c.weight for c in camps)
    audiences = sorted({a for c in camps for a in c.audiences})
    parts: list[dict[str, IntArray]] = []
    for i, c in enumerate(camps):
        if i in planted:
            c = camps[i] = Campaign(
                c.cid, c.name, c.kind, c.listing, c.audiences, STORE_ROI, c.weight, c.bid
            )
        days = _daily(world, sales, c, total, rng)
        if i in planted:
            _plant(world, c, days, planted[i], rng)
        rows = _rows(world, c, days, rng)
        if i in planted:
            _record(world, c, planted[i], rows)
        rows["audience"] = np.array([audiences.index(a) for a in c.audiences] or [-1])[
            rows["audience"]
        ]
        rows["campaign"] = np.full(len(rows["day"]), i)
        parts.append(rows)
    _write(world, camps, audiences, {k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


def _record(world: World, c: Campaign, kind: str, rows: dict[str, IntArray]) -> None:
    first = world.plan.since(ROI_DAYS if kind == "ad_roi_below_target" else BUDGET_DAYS)
    recent = rows["day"] >= first
    spend, gmv = rows["spend"][recent].sum(), rows["gmv"][recent].sum()
    before = (rows["day"] < first) & (rows["day"] >= first - 28)
    details: dict[str, object] = {
        "target_roi": c.target,
        "roi_recent": round(float(gmv / max(spend, 1)), 2),
        "roi_before": round(
            float(rows["gmv"][before].sum() / max(rows["spend"][before].sum(), 1)), 2
        ),
        "spend_recent": round(float(spend) / 100, 2),
        "daily_budget": round(float(rows["budget"][recent][-1]) / 100, 2),
        "days": int(world.timeline.days - first),
    }
    if kind == "ad_budget_limited":
        details["budget_utilization"] = round(
            float(spend / max(rows["budget"][recent].sum(), 1)), 3
        )
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": kind,
                "entity_type": "campaign",
                "entity_id": c.cid,
                "since": world.timeline.date(first),
                "details": details,
            }
        )
    )


def _write(
    world: World, camps: list[Campaign], audiences: list[str], flat: dict[str, IntArray]
) -> None:
    ci, audience = flat["campaign"], flat["audience"]
    listing = np.array([c.listing for c in camps])[ci]
    target = np.array([c.target if c.target is not None else -1.0 for c in camps])[ci]
    order = np.lexsort((audience, ci, flat["day"]))
    data = {
        "date": dates(world.timeline.epoch0 // DAY + flat["day"][order]),
        "cid": lookup(ci[order], [c.cid for c in camps]),
        "product": lookup(
            np.maximum(listing, 0)[order], world.catalog.product_id, (listing >= 0)[order]
        ),
        "audience": lookup(
            np.maximum(audience, 0)[order], audiences or [""], (audience >= 0)[order]
        ),
        "name": lookup(ci[order], [c.name for c in camps]),
        "kind": lookup(ci[order], [c.kind for c in camps]),
        "target": np.rint(np.where(target >= 0, target * 100, -1)[order]).astype(np.int64),
        "bid": np.array([c.bid for c in camps])[ci][order],
        **{
            k: flat[k][order]
            for k in ("budget", "spend", "impressions", "clicks", "conversions", "gmv")
        },
    }
    select = {
        "date": "date",
        "campaign_id": "cid",
        "product_id": "product",
        "audience": "audience",
        "campaign_name": "name",
        "kind": "kind",
        "daily_budget": money("budget"),
        "target_roi": f"CASE WHEN target >= 0 THEN {money('target')} END",
        "bid": money("bid"),
        "spend": money("spend"),
        "impressions": "impressions",
        "clicks": "clicks",
        "conversions": "conversions",
        "gmv": money("gmv"),
    }
    world.writer.write("ad_campaigns", data, select)
