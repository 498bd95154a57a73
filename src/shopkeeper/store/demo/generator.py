"""Build a demo store folder: ``store.toml``, all 16 contract tables, and ``planted.json``.

>>> import tempfile
>>> m = generate_store(Path(tempfile.mkdtemp()), scale=0.02, days=60, end_date=date(2026, 11, 20), problems=())
>>> m.planted, m.row_counts["orders"] > 0
([], True)
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from pydantic import JsonValue

from shopkeeper.clock import today
from shopkeeper.errors import ConfigError
from shopkeeper.store.demo import evidence, stock_problems, traffic_problems
from shopkeeper.store.demo.ads import simulate_ads
from shopkeeper.store.demo.calendar import build_calendar, presale_skus
from shopkeeper.store.demo.catalog import build_catalog
from shopkeeper.store.demo.catalogs import get_spec
from shopkeeper.store.demo.chats import write_presale_chats
from shopkeeper.store.demo.competitors import simulate_competitors
from shopkeeper.store.demo.creatives import simulate_creatives
from shopkeeper.store.demo.demand import base_demand, realize
from shopkeeper.store.demo.inventory import simulate_stock, write_inventory
from shopkeeper.store.demo.locale import Locale
from shopkeeper.store.demo.locale_en import LOCALE as EN
from shopkeeper.store.demo.locale_zh import LOCALE as ZH
from shopkeeper.store.demo.manifest import (
    DEFAULT_PROBLEMS,
    PROBLEM_KINDS,
    DemoManifest,
    PlantedProblem,
)
from shopkeeper.store.demo.people import Crowd
from shopkeeper.store.demo.plan import SEARCH_SHARE_MIN, make_plan
from shopkeeper.store.demo.sales import customers_needed, simulate_sales
from shopkeeper.store.demo.search import simulate_search
from shopkeeper.store.demo.tables import (
    record_catalog_problems,
    store_config,
    write_customers,
    write_products,
    write_promotions,
    write_store_toml,
)
from shopkeeper.store.demo.timeline import Timeline
from shopkeeper.store.demo.traffic import SEARCH, simulate_traffic, source_shares, write_traffic
from shopkeeper.store.demo.world import World
from shopkeeper.store.demo.writer import StoreWriter
from shopkeeper.text import Lang

LOCALES: dict[str, Locale] = {"zh": ZH, "en": EN}
MIN_DAYS, MAX_DAYS = 60, 730
MIN_SCALE, MAX_SCALE = 0.01, 100.0


def _kinds(problems: Collection[str] | None) -> frozenset[str]:
    if problems is None:
        return frozenset(DEFAULT_PROBLEMS)
    if isinstance(problems, str):
        problems = [problems]
    for kind in problems:
        if kind not in PROBLEM_KINDS:
            near = difflib.get_close_matches(kind, PROBLEM_KINDS, n=1)
            hint = (
                f"; did you mean {near[0]!r}?"
                if near
                else f"; choose from {', '.join(PROBLEM_KINDS)}"
            )
            raise ConfigError(f"unknown problem kind {kind!r}{hint}")
    return frozenset(problems)


def _check(lang: str, scale: float, days: int) -> None:
    if lang not in LOCALES:
        raise ConfigError(f"unknown demo language {lang!r}: use 'zh' or 'en'")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ConfigError(
            f"demo scale {scale!r} is out of range: use {MIN_SCALE} to {MAX_SCALE} (1.0 = ~150,000 order lines)"
        )
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ConfigError(f"demo days {days!r} is out of range: use {MIN_DAYS} to {MAX_DAYS}")


def generate_store(
    out_dir: Path,
    *,
    lang: Lang = "zh",
    scale: float = 1.0,
    seed: int = 7,
    end_date: date | None = None,
    days: int = 180,
    category: str | None = None,
    problems: Collection[str] | None = None,
) -> DemoManifest:
    """Write a realistic demo store into ``out_dir`` and return what was planted in it.

    ``problems=None`` plants every default kind (all but ``gmv_drop``); ``problems=()`` builds a
    healthy control store. The same arguments always give byte-identical files.
    """
    _check(lang, scale, days)
    kinds = _kinds(problems)
    spec = get_spec(category or "coffee", lang)
    timeline = Timeline.ending(end_date or today() - timedelta(days=1), days)
    catalog = build_catalog(spec, scale, seed, timeline)
    presale = presale_skus(catalog, np.array([ln.presale for ln in spec.lines]))
    plan = make_plan(kinds, catalog, timeline, presale, seed)
    calendar = build_calendar(LOCALES[lang], spec.key, catalog, presale, timeline, seed)
    forced = (
        {plan.listing["traffic_drop"]: SEARCH_SHARE_MIN} if "traffic_drop" in plan.listing else {}
    )
    shares = source_shares(catalog, LOCALES[lang], forced, seed)
    base = base_demand(spec, LOCALES[lang], catalog, calendar, timeline, scale, seed)
    demand = realize(catalog, base, plan, shares[:, SEARCH], seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = World(
        spec,
        LOCALES[lang],
        timeline,
        catalog,
        calendar,
        plan,
        demand,
        shares,
        Crowd(LOCALES[lang], seed, customers_needed(float(demand.lines.sum()))),
        StoreWriter(out_dir),
        seed,
        scale,
    )
    return _simulate(world, out_dir)


def _simulate(world: World, out_dir: Path) -> DemoManifest:
    sales = simulate_sales(world)
    write_presale_chats(world, sales)
    stock = simulate_stock(world, sales)
    write_inventory(world, sales, stock)
    stock_problems.record(world, sales, stock)
    visitors, buyers, gmv = simulate_traffic(world, sales)
    write_traffic(world, visitors, buyers, gmv)
    traffic_problems.record(world, visitors, buyers, gmv)
    better_creative = simulate_creatives(world, visitors)
    simulate_search(world, visitors, buyers, gmv)
    simulate_ads(world, sales)
    simulate_competitors(world, sales)
    write_products(world)
    write_promotions(world)
    write_customers(world, sales)
    record_catalog_problems(world, sales)
    config = store_config(world, sales)
    write_store_toml(out_dir, config)
    counts = world.writer.close()
    evidence.record(world, sales, out_dir)
    manifest = _manifest(world, counts, {"better_creative": better_creative})
    (out_dir / "planted.json").write_text(
        manifest.model_dump_json(indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _manifest(world: World, counts: dict[str, int], notes: dict[str, JsonValue]) -> DemoManifest:
    rank = {k: i for i, k in enumerate(PROBLEM_KINDS)}
    planted: list[PlantedProblem] = sorted(
        world.plan.planted, key=lambda p: (rank[p.kind], p.entity_id)
    )
    spec = world.spec
    return DemoManifest(
        store_name=spec.store_name,
        lang=world.lang,
        category=spec.key,
        platform=spec.platform,
        currency=spec.currency,
        timezone=spec.timezone,
        seed=world.seed,
        scale=world.scale,
        start_date=world.timeline.start,
        end_date=world.timeline.end,
        row_counts=counts,
        planted=planted,
        notes=notes,
    )
