"""A SKU's daily sales rate leaves out the outlier orders: the demo's planted wholesale order
(``outlier_order``) stays in the SKU's units and GMV but not in its rate, so it neither makes the
SKU look fast nor shortens its days of cover — and the inspection, the report and the skill agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.registry import load_rules
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, load_registry
from shopkeeper.store.outliers import flag_bulk_lines, outlier_order_ids
from shopkeeper.store.query import Query
from shopkeeper.store.sales import Sales
from shopkeeper.store.schema import TABLES
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

from .counting import Counting

END = dt.date(2026, 8, 20)
"""A summer day without promotions: the wholesale order (planted in the last days) falls in the
rate's comparable days — around Double 11 the post-promotion days are left out of it anyway."""
STORE = "bulk"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(home=tmp_path_factory.mktemp("sales-home"))
    create_demo(settings, STORE, scale=0.2, seed=11, end_date=END)
    return settings


@pytest.fixture
def wh(settings: Settings) -> Iterator[Warehouse]:
    with Warehouse.open(settings.store_dir(STORE), read_only=True) as warehouse:
        yield warehouse


def _q(wh: Warehouse) -> Query:
    return Query(wh.con, {t: wh.count(t) for t in TABLES})


def _bulk(con: duckdb.DuckDBPyConnection, q: Query) -> dict[str, Any]:
    """The planted wholesale order of the last week: its id, SKU, day and units."""
    (oid,) = outlier_order_ids(q, END - dt.timedelta(days=6), END)
    row = con.execute(
        """SELECT i.sku_id, CAST(o.created_at AS DATE), i.quantity
           FROM orders o JOIN order_items i USING (order_id) WHERE o.order_id = ?""",
        [oid],
    ).fetchone()
    assert row is not None
    return {"order_id": oid, "sku_id": row[0], "day": row[1], "units": int(row[2])}


def _rate(by_day: dict[dt.date, float], sales: Sales) -> float:
    """The module's definition, by hand: the 7/28 comparable-day blend, capped."""
    last7, last28 = sales.rate_days()
    s7, s28 = sum(by_day.get(d, 0) for d in last7), sum(by_day.get(d, 0) for d in last28)
    s14 = sum(v for d, v in by_day.items() if d > END - dt.timedelta(days=14))
    blend = 0.5 * s7 / len(last7) + 0.5 * s28 / len(last28)
    return min(blend, max(s28 / len(last28), s14 / 14))


def test_the_rate_leaves_out_the_bulk_order(wh: Warehouse) -> None:
    q = _q(wh)
    bulk = _bulk(wh.con, q)
    sales = Sales(q, END)
    rows = wh.con.execute(
        f"SELECT day, units, normal_units FROM {sales.sku_daily()} WHERE sku_id = ?",
        [bulk["sku_id"]],
    ).fetchall()
    units = {d: float(u) for d, u, _ in rows}
    normal = {d: float(n) for d, _, n in rows}
    assert units[bulk["day"]] - normal[bulk["day"]] == bulk["units"]  # only that order left out
    assert all(units[d] == normal[d] for d in units if d != bulk["day"])
    (rate, units28, rate14) = wh.con.execute(
        f"SELECT rate, units28, rate14 FROM {sales.sku_rates()} WHERE sku_id = ?",
        [bulk["sku_id"]],
    ).fetchone() or (None, None, None)
    assert bulk["day"] in sales.rate_days()[0]
    assert rate == pytest.approx(_rate(normal, sales))
    fortnight = [v for d, v in normal.items() if d > END - dt.timedelta(days=14)]
    assert rate14 == pytest.approx(sum(fortnight) / 14)
    assert units28 < bulk["units"]
    assert _rate(units, sales) > rate + bulk["units"] / 28  # what the order would have added


def test_the_bulk_skus_cover_is_the_same_everywhere(settings: Settings, wh: Warehouse) -> None:
    bulk = _bulk(wh.con, _q(wh))
    row = next(r for r in Sales(_q(wh), END).stock() if r["sku_id"] == bulk["sku_id"])
    skill = load_registry(packs=[]).get("stock_status")
    out = skill(SkillContext(settings, STORE, "en"), {"date": END, "sku_id": bulk["sku_id"]})
    (sku,) = out.skus
    assert sku.avg_daily_units == pytest.approx(row["rate"], abs=0.006)
    assert sku.days_of_cover == (
        None if row["cover"] is None else pytest.approx(row["cover"], abs=0.1)
    )
    rules = [r for r in load_rules() if r.kind in ("stockout_risk", "outlier_order")]
    report = inspect_store(wh, STORE, as_of=END, lang="en", rules=rules)
    assert bulk["order_id"] in {f.entity.id for f in report.findings if f.kind == "outlier_order"}
    for f in report.findings:
        if f.kind == "stockout_risk" and f.entity.id == bulk["sku_id"]:
            assert f.evidence["daily_sales_forecast"] == pytest.approx(row["rate"], abs=0.006)


def test_stock_is_queried_once_per_sales(wh: Warehouse) -> None:
    """The inspection's stock rules each ask for the fresh snapshots: one query answers them all,
    each caller gets rows of its own (the rules fill in a missing lead time)."""
    counted = Counting(wh.con)
    sales = Sales(Query(counted.typed, wh.counts(TABLES)), END)
    every = sales.stock()
    fresh = [sales.stock(fresh_days=3) for _ in range(3)]
    assert counted.ran("WITH snap AS") == 1
    assert fresh[0]
    assert [r["sku_id"] for r in every] == sorted(r["sku_id"] for r in every)
    fresh[0][0]["lead_time_days"] = -1
    assert fresh[1][0]["lead_time_days"] != -1
    assert sales.stock(fresh_days=3) == fresh[1]


@pytest.mark.parametrize(("after", "days"), [(0, 3), (0, 0), (2, 2), (2, 1), (5, 3)])
def test_fresh_stock_is_the_snapshots_at_most_fresh_days_old(
    wh: Warehouse, after: int, days: int
) -> None:
    as_of = END + dt.timedelta(days=after)
    sales = Sales(_q(wh), as_of)
    rows = sales.stock(fresh_days=days)
    assert rows == [r for r in sales.stock() if r["snap_date"] >= as_of - dt.timedelta(days=days)]
    skus = wh.con.execute(
        """SELECT sku_id FROM (SELECT sku_id, max(date) AS d FROM inventory WHERE date <= ?
           GROUP BY 1) JOIN products USING (sku_id) WHERE d >= ?::DATE - INTERVAL (?) DAY ORDER BY 1""",
        [as_of, as_of, days],
    ).fetchall()
    assert [r["sku_id"] for r in rows] == [s for (s,) in skus]
    assert bool(rows) == (after <= days)


def _bulk_flags(lines: list[tuple[str, int, int]]) -> list[tuple[str, int, int, bool]]:
    """``flag_bulk_lines`` over ``(sku_id, day offset, quantity)`` lines."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (sku_id VARCHAR, day DATE, quantity INTEGER)")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        [(sku, END - dt.timedelta(days=k), n) for sku, k, n in lines],
    )
    rows = con.execute(
        f"SELECT sku_id, day, quantity, bulk FROM ({flag_bulk_lines('SELECT * FROM t')})"
    ).fetchall()
    return [(s, (END - d).days, n, b) for s, d, n, b in sorted(rows)]


def test_a_bulk_line_is_one_customers_many_units_of_a_slow_sku() -> None:
    slow = [("SLOW", k, 1 + k % 4) for k in range(1, 40, 2)]  # 20 lines of 1-4 units
    flags = _bulk_flags([*slow, ("SLOW", 3, 1404)])
    assert [f for f in flags if f[3]] == [("SLOW", 3, 1404, True)]
    # a wholesale SKU whose every line is big has no bulk line, nor a SKU with few lines
    big = [("WHOLE", k, 400 + 50 * (k % 5)) for k in range(30)]
    few = [("FEW", k, 1) for k in range(5)]
    assert not any(f[3] for f in _bulk_flags([*big, *few, ("FEW", 1, 500)]))
    # …nor a big line among the SKU's many sales of its last four weeks (no share of them)
    busy = [("BUSY", k, 1 + k % 3) for k in range(40) for _ in range(20)]
    assert not any(f[3] for f in _bulk_flags([*busy, ("BUSY", 2, 600)]))
