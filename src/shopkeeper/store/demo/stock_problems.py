"""The planted stock problems, described with the numbers the written inventory really shows."""

from __future__ import annotations

import numpy as np

from shopkeeper.store.demo.inventory import EXPIRY_IN_DAYS, FREEZE, Stock
from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.sales import Sales
from shopkeeper.store.demo.world import World


def _r(x: float, nd: int = 2) -> float:
    return round(float(x), nd)


def record(world: World, sales: Sales, stock: Stock) -> None:
    """Add out_of_stock, stockout_risk, slow_moving and expiry_risk problems to the plan."""
    for kind, s in world.plan.sku.items():
        maker = _MAKERS.get(kind)
        if maker is not None:
            maker(world, sales, stock, s)


def _problem(world: World, kind: str, s: int, since: int, details: dict[str, object]) -> None:
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": kind,
                "entity_type": "sku",
                "entity_id": world.catalog.sku_id[s],
                "since": world.timeline.date(since),
                "details": {
                    "product_id": world.catalog.product_id[world.catalog.sku_listing[s]],
                    **details,
                },
            }
        )
    )


def _out_of_stock(world: World, sales: Sales, stock: Stock, s: int) -> None:
    last = world.timeline.days - 1
    sold = sales.units[s]
    last_sale = int(np.flatnonzero(sold)[-1]) if sold.any() else 0
    _problem(
        world,
        "out_of_stock",
        s,
        last - 1,
        {
            "on_hand": int(stock.available[s, -1] + sales.reserved[s, -1]),
            "available": int(stock.available[s, -1]),
            "avg_daily_units_before": _r(sold[last - 29 : last - 1].mean()),
            "last_sale_date": world.timeline.date(last_sale).isoformat(),
            "in_transit": int(stock.in_transit[s, -1]),
            "lead_time_days": int(world.catalog.lead_time[s]),
        },
    )


def _stockout_risk(world: World, sales: Sales, stock: Stock, s: int) -> None:
    rate = float(sales.units[s, -14:].mean())
    lead = int(world.catalog.lead_time[s])
    cover = stock.available[s] / max(rate, 1e-9)
    below = np.flatnonzero(cover[-FREEZE["stockout_risk"] :] >= lead)
    since = (
        world.timeline.days - FREEZE["stockout_risk"] + (int(below[-1]) + 1 if len(below) else 0)
    )
    _problem(
        world,
        "stockout_risk",
        s,
        min(since, world.timeline.days - 1),
        {
            "available": int(stock.available[s, -1]),
            "daily_sales_14d": _r(rate),
            "days_of_cover": _r(cover[-1]),
            "lead_time_days": lead,
            "in_transit": int(stock.in_transit[s, -1]),
        },
    )


def _slow_moving(world: World, sales: Sales, stock: Stock, s: int) -> None:
    sold = sales.units[s]
    sale_days = np.flatnonzero(sold)
    last_sale = int(sale_days[-1]) if len(sale_days) else -1
    idle = world.timeline.days - 1 - last_sale
    _problem(
        world,
        "slow_moving",
        s,
        last_sale + 1,
        {
            "on_hand": int(stock.available[s, -1] + sales.reserved[s, -1]),
            "days_without_sales": idle,
            "last_sale_date": world.timeline.date(last_sale).isoformat()
            if last_sale >= 0
            else None,
            "avg_daily_units_before": _r(sold[: world.timeline.days - idle].mean()),
            "received_units": int(stock.receipts[s, -idle - 3 :].sum()),
        },
    )


def _expiry_risk(world: World, sales: Sales, stock: Stock, s: int) -> None:
    tl = world.timeline
    rate = float(sales.units[s, -28:].mean())
    on_hand = int(stock.available[s, -1] + sales.reserved[s, -1])
    _problem(
        world,
        "expiry_risk",
        s,
        tl.days - 1 - 35,
        {
            "on_hand": on_hand,
            "expiry_date": tl.date(int(stock.expiry[s, -1])).isoformat(),
            "days_to_expiry": int(stock.expiry[s, -1]) - (tl.days - 1),
            "daily_sales_28d": _r(rate),
            "days_to_sell": _r(on_hand / max(rate, 1e-9), 1),
            "units_expiring": int(max(0.0, on_hand - rate * EXPIRY_IN_DAYS)),
            "shelf_life_days": int(world.catalog.shelf_life[s]),
        },
    )


_MAKERS = {
    "out_of_stock": _out_of_stock,
    "stockout_risk": _stockout_risk,
    "slow_moving": _slow_moving,
    "expiry_risk": _expiry_risk,
}
