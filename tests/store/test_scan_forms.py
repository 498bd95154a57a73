"""The fast forms of a scan give what the plain forms give: :func:`valued_orders` the
:func:`order_gmv` of every order, :func:`day_range` the first and last store-local day of a table,
the beta-binomial tail of a count far past the mean 0 without summing every term, and the outlier
orders of a later start the kept answer of an earlier one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from shopkeeper.analytics import stats
from shopkeeper.analytics.stats import beta_binomial_sf
from shopkeeper.store.coverage import day_range
from shopkeeper.store.metrics import order_gmv, valued_orders
from shopkeeper.store.outliers import OutlierRule, outlier_orders
from shopkeeper.store.query import Params, Query
from shopkeeper.store.zone import use_zone


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    use_zone(c, "Asia/Shanghai")
    c.execute(
        """CREATE TABLE orders (order_id VARCHAR, created_at TIMESTAMPTZ, status VARCHAR,
                                pay_amount DECIMAL(18, 4))"""
    )
    c.execute(
        """CREATE TABLE order_items (order_id VARCHAR, quantity BIGINT, unit_price DECIMAL(18, 4),
                                     paid_amount DECIMAL(18, 4))"""
    )
    c.execute(
        """INSERT INTO orders VALUES
           ('paid', '2026-11-29 16:30:00+00', 'paid', 88.5),        -- 11-30 00:30 in Shanghai
           ('lines', '2026-11-30 03:00:00+00', 'paid', NULL),
           ('empty', '2026-11-30 15:59:00+00', 'paid', NULL),       -- 11-30 23:59 in Shanghai
           ('gone', '2026-11-28 12:00:00+00', 'cancelled', 10)"""
    )
    c.execute(
        """INSERT INTO order_items VALUES ('paid', 1, 100, 90), ('lines', 2, 10, NULL),
           ('lines', 1, 30, 25)"""
    )
    yield c
    c.close()


def test_valued_orders_gives_every_orders_gmv(con: duckdb.DuckDBPyConnection) -> None:
    plain = dict(con.execute(f"SELECT o.order_id, {order_gmv()} FROM orders o").fetchall())
    fast = dict(con.execute(f"SELECT o.order_id, o.gmv FROM {valued_orders('TRUE')} o").fetchall())
    assert fast == plain
    assert fast == {"paid": 88.5, "lines": 45, "empty": None, "gone": 10}


def test_valued_orders_binds_a_named_parameter_in_both_halves(
    con: duckdb.DuckDBPyConnection,
) -> None:
    where = "o.status <> $skip AND o.created_at >= $lo::TIMESTAMPTZ"
    rows = con.execute(
        f"SELECT o.order_id, o.gmv FROM {valued_orders(where)} o ORDER BY 1",
        {"skip": "cancelled", "lo": "2026-11-30 00:00:00"},
    ).fetchall()
    assert rows == [("empty", None), ("lines", 45), ("paid", 88.5)]


def test_day_range_is_the_store_local_first_and_last_day(con: duckdb.DuckDBPyConnection) -> None:
    per_row = con.execute(
        "SELECT min(CAST(created_at AS DATE)), max(CAST(created_at AS DATE)) FROM orders"
    ).fetchone()
    assert day_range(con, "orders") == per_row == (dt.date(2026, 11, 28), dt.date(2026, 11, 30))
    con.execute("DELETE FROM orders")
    assert day_range(con, "orders") == (None, None)


def test_tail_far_past_the_mean_stops_once_it_underflows(monkeypatch: pytest.MonkeyPatch) -> None:
    """A count far above the normal rate of a large store (the inspection of a 5M-line store asked
    this once): every term is 0.0 past the first, so the sum stops instead of running to ``n``."""
    calls = 0
    lgamma = stats.math.lgamma

    def counted(x: float) -> float:
        nonlocal calls
        calls += 1
        return lgamma(x)

    monkeypatch.setattr(stats.math, "lgamma", counted)
    assert beta_binomial_sf(27_773, 697_178, 20_647.37, 1_721_039.63) == 0.0
    assert calls < 100
    assert beta_binomial_sf(3, 4, 1.0, 99.0) == pytest.approx(2.26e-05, rel=0.01)


class _Counted(Query):
    """A query helper that counts the queries it runs."""

    runs = 0

    def rows(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        self.runs += 1
        return super().rows(sql, params)


def _outlier_store() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    use_zone(c, "Asia/Shanghai")
    c.execute("CREATE TABLE _imports AS SELECT 1 AS import_id, now() AS finished_at")
    c.execute(
        """CREATE TABLE orders AS
           SELECT 'o' || i AS order_id, 'c' || i AS customer_id, 'paid' AS status,
                  TIMESTAMPTZ '2026-11-01 12:00:00+08' + INTERVAL (i % 30) DAY AS created_at,
                  CASE WHEN i IN (9, 28) THEN 5000 ELSE 10 + i % 7 END::DECIMAL(18, 4) AS pay_amount
           FROM range(300) t(i)"""
    )
    c.execute(
        """CREATE TABLE order_items AS SELECT order_id, 1 AS quantity,
                  pay_amount AS unit_price, pay_amount AS paid_amount FROM orders"""
    )
    return c


def test_outliers_of_a_later_start_are_the_kept_answer_of_an_earlier_one() -> None:
    rule = OutlierRule(min_orders=50)
    end = dt.date(2026, 11, 30)
    fresh = Query(_outlier_store(), {})
    kept = _Counted(_outlier_store(), {})
    year = outlier_orders(kept, end - dt.timedelta(days=364), end, rule)
    assert [r["order_id"] for r in year] == ["o28", "o9"]
    for start in (dt.date(2026, 11, 5), dt.date(2026, 11, 29), end):
        assert outlier_orders(kept, start, end, rule) == outlier_orders(fresh, start, end, rule)
    assert kept.runs == 1  # the later starts were answered from the year's
    assert outlier_orders(kept, end - dt.timedelta(days=400), end, rule) == year
    assert kept.runs == 2  # an earlier start is read afresh
