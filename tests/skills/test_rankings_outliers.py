"""Rankings are robust to one bulk order: the demo's planted wholesale order (``outlier_order``) is
left out of the listings' figures of ``top_products``, ``product_performance`` and the report's
best sellers — shown apart, never read as a listing's trend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.dates import END

from shopkeeper.reports.models import Window
from shopkeeper.reports.ops import listings_section
from shopkeeper.reports.trend import top_sellers
from shopkeeper.store.outliers import outlier_order_ids
from shopkeeper.store.query import Query
from shopkeeper.store.zone import use_zone

from .conftest import Stores

START = END - dt.timedelta(days=6)


@contextmanager
def _warehouse(stores: Stores) -> Iterator[Query]:
    """The zh store's warehouse, read-only, on the store's clock (days are store-local)."""
    path: Path = stores.settings.store_dir("zh") / "warehouse.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    try:
        use_zone(con, "Asia/Shanghai")
        yield Query(con, {"orders": 1, "order_items": 1, "products": 1})
    finally:
        con.close()


@pytest.fixture(scope="module")
def bulk(stores: Stores) -> dict[str, Any]:
    """The planted bulk order of the last week, with its listing, units and value."""
    with _warehouse(stores) as q:
        ids = outlier_order_ids(q, START, END)
    assert len(ids) == 1, ids
    rows = stores.sql(
        "zh",
        """SELECT p.product_id, sum(i.quantity), sum(coalesce(i.paid_amount, i.quantity * i.unit_price))
           FROM order_items i JOIN products p USING (sku_id) WHERE i.order_id = ? GROUP BY 1""",
        ids,
    )
    product, units, value = rows[0]
    return {"order_id": ids[0], "product_id": product, "units": int(units), "value": float(value)}


def test_top_products_leave_the_bulk_order_out_of_the_ranking(
    stores: Stores, bulk: dict[str, Any]
) -> None:
    args = {"start": START.isoformat(), "end": END.isoformat(), "by": "units", "limit": 200}
    top = stores.run("zh", "top_products", args)
    assert top.outlier_orders == [bulk["order_id"]]
    row = next(p for p in top.products if p.product_id == bulk["product_id"])
    assert row.outlier_units == bulk["units"]
    assert row.outlier_gmv == pytest.approx(bulk["value"], abs=0.01)
    ranked = [p.units for p in top.products]
    assert ranked == sorted(ranked, reverse=True)  # ranked on the units without the bulk order
    if top.products[0].product_id != bulk["product_id"]:  # it leads only on its own sales
        assert row.units <= top.products[0].units
    assert row.units + row.outlier_units > top.products[0].units  # with it, it would have led
    assert "outlier" in top.render("en")


def test_product_performance_and_its_advice_ignore_the_bulk_order(
    stores: Stores, bulk: dict[str, Any]
) -> None:
    args = {"start": START.isoformat(), "end": END.isoformat(), "limit": 500}
    perf = stores.run("zh", "product_performance", args)
    assert perf.outlier_orders == [bulk["order_id"]]
    gmv = stores.sql(
        "zh",
        """SELECT sum(coalesce(i.paid_amount, i.quantity * i.unit_price)) FROM orders o
           JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
           WHERE p.product_id = ? AND o.status NOT IN ('created', 'cancelled', 'closed')
             AND CAST(o.created_at AS DATE) BETWEEN ? AND ?""",
        [bulk["product_id"], START, END],
    )[0][0]
    row = next(p for p in perf.products if p.product_id == bulk["product_id"])
    assert row.gmv == pytest.approx(float(gmv) - bulk["value"], abs=0.01)


def test_the_reports_best_sellers_leave_the_bulk_order_out(
    stores: Stores, bulk: dict[str, Any]
) -> None:
    with _warehouse(stores) as q:
        section = listings_section(q, Window(start=START, end=END))
    top = {r.product_id: r.gmv for r in section.top}
    with_bulk = stores.run(
        "zh", "top_products", {"start": START.isoformat(), "end": END.isoformat(), "limit": 5}
    )
    assert [p.product_id for p in with_bulk.products] == list(top)
    assert {p.product_id: p.gmv for p in with_bulk.products} == pytest.approx(top)


def test_the_plans_best_sellers_leave_the_bulk_order_out(stores: Stores) -> None:
    with _warehouse(stores) as q:
        sellers = top_sellers(q, Window(start=START, end=END))
    args = {"start": START.isoformat(), "end": END.isoformat(), "by": "units", "limit": 3}
    assert sellers == [p.title for p in stores.run("zh", "top_products", args).products]
