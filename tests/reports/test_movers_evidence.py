"""A mover needs a few orders: one past sale gone is not "sales fell 100%"."""

from __future__ import annotations

import datetime as dt

import duckdb

from shopkeeper.reports.movers import MIN_ORDERS, find_movers
from shopkeeper.reports.periods import plan_periods
from shopkeeper.store.query import Query
from shopkeeper.store.zone import use_zone

END = dt.date(2026, 11, 21)


def test_one_past_sale_is_not_a_fall_and_one_order_not_a_rise() -> None:
    con = duckdb.connect()
    use_zone(con, "UTC")
    con.execute("CREATE TABLE products (sku_id VARCHAR, product_id VARCHAR, title VARCHAR)")
    con.execute(
        "CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, created_at TIMESTAMP, status VARCHAR, pay_amount DOUBLE)"
    )
    con.execute(
        "CREATE TABLE order_items (order_id VARCHAR, sku_id VARCHAR, quantity INT, unit_price DOUBLE, paid_amount DOUBLE)"
    )
    con.execute(
        "INSERT INTO products VALUES ('A', 'PA', 'once'), ('B', 'PB', 'steady'), ('C', 'PC', 'bulk')"
    )
    before, now = END - dt.timedelta(days=10), END - dt.timedelta(days=2)
    rows = [("a1", "A", before, 500.0), ("c1", "C", now, 9000.0)]
    rows += [(f"b{k}", "B", before, 100.0) for k in range(MIN_ORDERS)]
    for oid, sku, day, value in rows:
        con.execute("INSERT INTO orders VALUES (?, ?, ?, 'completed', NULL)", [oid, oid, day])
        con.execute("INSERT INTO order_items VALUES (?, ?, 1, ?, NULL)", [oid, sku, value])
    movers = find_movers(
        Query(con, {"orders": 1, "order_items": 1, "products": 1}),
        plan_periods("weekly", END),
        "en",
    )
    assert [m.product_id for m in movers.falling] == ["PB"]
    assert movers.rising == []
