"""KPIs against independent SQL on the same warehouse: the day, the day before, the same weekday
last week, and the weekly windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from shopkeeper.reports.models import Report
from shopkeeper.reports.service import build_report
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import WAREHOUSE_FILE, Warehouse
from shopkeeper.store.zone import use_zone

from .conftest import DEMO


@pytest.fixture(scope="module")
def reports(demo_home: Settings) -> dict[str, Report]:
    with Warehouse.open(demo_home.store_dir(DEMO), read_only=True) as wh:
        return {kind: build_report(wh, DEMO, kind=kind) for kind in ("daily", "weekly")}  # type: ignore[misc]


@pytest.fixture(scope="module")
def con(demo_home: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(demo_home.store_dir(DEMO) / WAREHOUSE_FILE), read_only=True)
    use_zone(c, "Asia/Shanghai")
    yield c
    c.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> float:
    row = con.execute(sql, list(params)).fetchone()
    assert row is not None
    return float(row[0] or 0)


PAID = "status IN ('paid', 'shipped', 'delivered', 'completed')"


def gmv(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> float:
    return one(
        con,
        f"SELECT sum(pay_amount) FROM orders WHERE {PAID} AND created_at::DATE BETWEEN ? AND ?",
        start,
        end,
    )


def orders(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> float:
    return one(
        con,
        f"SELECT count(*) FROM orders WHERE {PAID} AND created_at::DATE BETWEEN ? AND ?",
        start,
        end,
    )


def buyers(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> float:
    return one(
        con,
        f"SELECT count(DISTINCT customer_id) FROM orders WHERE {PAID} AND created_at::DATE BETWEEN ? AND ?",
        start,
        end,
    )


def refund_cases(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> float:
    return one(
        con,
        "SELECT count(*) FROM refunds WHERE status IN ('requested', 'approved', 'completed') "
        "AND created_at::DATE BETWEEN ? AND ?",
        start,
        end,
    )


def value(report: Report, key: str) -> float:
    k = report.kpi(key)
    assert k is not None, key
    assert k.value is not None, key
    return k.value


def test_the_day_matches_sql(reports: dict[str, Report], con: duckdb.DuckDBPyConnection) -> None:
    r = reports["daily"]
    day = r.period.end
    assert r.period.start == day
    assert value(r, "gmv") == pytest.approx(gmv(con, day, day))
    assert value(r, "orders") == orders(con, day, day)
    assert value(r, "buyers") == buyers(con, day, day)
    assert value(r, "aov") == pytest.approx(gmv(con, day, day) / orders(con, day, day))
    assert value(r, "refund_rate") == pytest.approx(
        refund_cases(con, day, day) / orders(con, day, day)
    )
    visitors = one(con, "SELECT sum(visitors) FROM traffic WHERE date = ?", day)
    assert value(r, "visitors") == visitors
    assert value(r, "conversion") == pytest.approx(buyers(con, day, day) / visitors)


def test_ad_roi_counts_each_campaign_day_once(
    reports: dict[str, Report], con: duckdb.DuckDBPyConnection
) -> None:
    day = reports["daily"].period.end
    per_day: dict[str, list[tuple[bool, float, float]]] = {}
    for cid, pid, aud, spend, g in con.execute(
        "SELECT campaign_id, product_id, audience, spend, gmv FROM ad_campaigns WHERE date = ?",
        [day],
    ).fetchall():
        per_day.setdefault(cid, []).append((not pid and not aud, float(spend), float(g)))
    spend = total = 0.0
    for rows in per_day.values():
        whole = [r for r in rows if r[0]]
        for _, s, g in whole or rows:
            spend, total = spend + s, total + g
    assert value(reports["daily"], "ad_spend") == pytest.approx(spend)
    assert value(reports["daily"], "roi") == pytest.approx(total / spend)


def test_on_time_shipping_against_the_promise(
    reports: dict[str, Report], con: duckdb.DuckDBPyConnection
) -> None:
    day = reports["daily"].period.end
    due = on_time = 0
    for paid, shipped, status in con.execute(
        "SELECT paid_at, shipped_at, status FROM orders WHERE paid_at IS NOT NULL"
    ).fetchall():
        deadline = paid + dt.timedelta(hours=48)
        if deadline.astimezone(paid.tzinfo).date() != day or (
            shipped is None and status in ("cancelled", "closed")
        ):
            continue
        due += 1
        on_time += shipped is not None and shipped <= deadline
    assert due > 0
    assert value(reports["daily"], "ship_on_time") == pytest.approx(on_time / due)


def test_daily_deltas_against_the_day_before_and_the_same_weekday(
    reports: dict[str, Report], con: duckdb.DuckDBPyConnection
) -> None:
    r = reports["daily"]
    day = r.period.end
    before, last_week = day - dt.timedelta(days=1), day - dt.timedelta(days=7)
    k = r.kpi("gmv")
    assert k is not None
    assert k.value is not None
    assert k.previous.value == pytest.approx(gmv(con, before, before))
    assert k.baseline.value == pytest.approx(gmv(con, last_week, last_week))
    assert k.previous.ratio == pytest.approx(k.value / gmv(con, before, before) - 1)
    assert k.baseline.diff == pytest.approx(k.value - gmv(con, last_week, last_week))
    assert [c.windows[0].start for c in r.comparisons] == [before, last_week]
    assert k.previous.trend == (
        "good" if k.previous.ratio > 0.02 else "bad" if k.previous.ratio < -0.02 else "flat"
    )
    refund = r.kpi("refund_rate")
    assert refund is not None
    assert refund.better == "down"
    if refund.previous.diff is not None and refund.previous.diff > 0.002:
        assert refund.previous.trend == "bad"


def test_weekly_is_week_over_week_and_against_four_weeks(
    reports: dict[str, Report], con: duckdb.DuckDBPyConnection
) -> None:
    r = reports["weekly"]
    end = r.period.end
    start = end - dt.timedelta(days=6)
    assert r.period.start == start
    assert value(r, "gmv") == pytest.approx(gmv(con, start, end))
    assert value(r, "buyers") == buyers(
        con, start, end
    )  # distinct over the week, not a sum of days
    k = r.kpi("gmv")
    assert k is not None
    assert k.previous.value == pytest.approx(
        gmv(con, start - dt.timedelta(days=7), end - dt.timedelta(days=7))
    )
    four = [
        gmv(con, start - dt.timedelta(days=7 * w), end - dt.timedelta(days=7 * w))
        for w in range(1, 5)
    ]
    assert k.baseline.value == pytest.approx(sum(four) / 4)
    assert len(r.comparisons[1].windows) == 4
    assert 3 <= len(r.plan) <= 5


def test_trend_is_thirty_days_ending_on_the_day(
    reports: dict[str, Report], con: duckdb.DuckDBPyConnection
) -> None:
    r = reports["daily"]
    assert len(r.trend) == 30
    assert r.trend[-1].date == r.period.end
    assert r.trend[-1].gmv == pytest.approx(value(r, "gmv"))
    assert r.trend[-1].orders == value(r, "orders")
    assert r.funnel is not None
    assert r.funnel.visitors >= (r.funnel.add_to_cart or 0) >= r.funnel.buyers > 0


def test_movers_rise_and_fall_with_a_reason(reports: dict[str, Report]) -> None:
    m = reports["weekly"].movers
    assert m is not None
    assert m.rising or m.falling
    assert all(x.change > 0 for x in m.rising)
    assert all(x.change < 0 for x in m.falling)
    assert [x.change for x in m.falling] == sorted(x.change for x in m.falling)
    assert all(
        x.reason in ("traffic", "conversion", "order_value", "stock") for x in m.rising + m.falling
    )
    assert all(x.reason_text for x in m.rising + m.falling)


def test_an_earlier_date_reports_that_day(
    demo_home: Settings, con: duckdb.DuckDBPyConnection
) -> None:
    day = dt.date.fromisoformat(
        str(con.execute("SELECT max(created_at)::DATE FROM orders").fetchone()[0])
    ) - dt.timedelta(days=10)  # type: ignore[index]
    with Warehouse.open(demo_home.store_dir(DEMO), read_only=True) as wh:
        r = build_report(wh, DEMO, kind="daily", as_of=day)
    assert r.period.end == day
    assert value(r, "gmv") == pytest.approx(gmv(con, day, day))
