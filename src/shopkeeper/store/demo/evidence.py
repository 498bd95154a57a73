"""Numbers for planted problems that are best read back from the written files (reviews, refunds)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from shopkeeper.store.demo.manifest import PlantedProblem
from shopkeeper.store.demo.plan import REFUND_DAYS, REVIEW_DAYS
from shopkeeper.store.demo.sales import Sales
from shopkeeper.store.demo.world import World

BASELINE_DAYS = 28


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object]
) -> list[tuple[object, ...]]:
    return con.execute(sql, params).fetchall()


def record(world: World, sales: Sales, folder: Path) -> None:
    """Add negative_reviews and refund_spike problems, measured on reviews.csv and refunds.csv."""
    plan = world.plan
    if "negative_reviews" not in plan.listing and "refund_spike" not in plan.sku:
        return
    con = duckdb.connect()
    try:
        if "negative_reviews" in plan.listing:
            _reviews(world, con, folder)
        if "refund_spike" in plan.sku:
            _refunds(world, sales, con, folder)
    finally:
        con.close()


def _reviews(world: World, con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    li, first = world.plan.listing["negative_reviews"], world.plan.since(REVIEW_DAYS)
    since = world.timeline.date(first)
    rows = _rows(
        con,
        f"""
        SELECT CAST(created_at AS DATE) >= ? AS recent, CAST(rating AS INT) <= 2 AS low, text
        FROM read_csv('{(folder / "reviews.csv").as_posix()}', all_varchar = true)
        WHERE product_id = ? AND CAST(created_at AS DATE) >= ? - INTERVAL {BASELINE_DAYS} DAY""",
        [since, world.catalog.product_id[li], since],
    )
    recent = [r for r in rows if r[0]]
    before = [r for r in rows if not r[0]]
    topic = sum(
        1 for r in recent if r[1] and any(str(r[2]).startswith(t) for t in world.spec.burst_texts)
    )
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": "negative_reviews",
                "entity_type": "product",
                "entity_id": world.catalog.product_id[li],
                "since": since,
                "details": {
                    "topic": world.spec.burst_topic,
                    "reviews_recent": len(recent),
                    "low_reviews_recent": sum(1 for r in recent if r[1]),
                    "topic_reviews_recent": topic,
                    "reviews_before": len(before),
                    "low_share_before": round(
                        sum(1 for r in before if r[1]) / max(1, len(before)), 3
                    ),
                    "days": REVIEW_DAYS,
                },
            }
        )
    )


def _refunds(world: World, sales: Sales, con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    s, first = world.plan.sku["refund_spike"], world.plan.since(REFUND_DAYS)
    since = world.timeline.date(first)
    rows = _rows(
        con,
        f"""
        SELECT CAST(created_at AS DATE) >= ? AS recent, reason
        FROM read_csv('{(folder / "refunds.csv").as_posix()}', all_varchar = true)
        WHERE sku_id = ? AND CAST(created_at AS DATE) >= ? - INTERVAL {BASELINE_DAYS} DAY""",
        [since, world.catalog.sku_id[s], since],
    )
    recent = [str(r[1]) for r in rows if r[0]]
    before = [r for r in rows if not r[0]]
    wrong = world.locale.wrong_item_reason
    delivered_recent = int(sales.delivered[s, first:].sum())
    delivered_before = int(sales.delivered[s, first - BASELINE_DAYS : first].sum())
    world.plan.add(
        PlantedProblem.model_validate(
            {
                "kind": "refund_spike",
                "entity_type": "sku",
                "entity_id": world.catalog.sku_id[s],
                "since": since,
                "details": {
                    "product_id": world.catalog.product_id[world.catalog.sku_listing[s]],
                    "refunds_recent": len(recent),
                    "delivered_lines_recent": delivered_recent,
                    "refund_rate_recent": round(len(recent) / max(1, delivered_recent), 3),
                    "refund_rate_before": round(len(before) / max(1, delivered_before), 3),
                    "top_reason": wrong,
                    "top_reason_share": round(recent.count(wrong) / max(1, len(recent)), 3),
                    "days": REFUND_DAYS,
                },
            }
        )
    )
