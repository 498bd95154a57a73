"""An inspection asks each question of the warehouse once (issue #11): rules that share a query
share its answer, and several answers come from one statement where they can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from tests.dates import END

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.engine import inspect_store, run_rules
from shopkeeper.inspection.registry import MAIN_LANE, SIDE_LANE, load_rules
from shopkeeper.inspection.rules.listing import _listing_traffic
from shopkeeper.inspection.rules.market import CompetitorSettings, _baselined, _losses
from shopkeeper.inspection.rules.promises import has_promised_dates
from shopkeeper.inspection.rules.traffic import traffic_days
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse
from shopkeeper.store.zone import use_zone

from ..store.counting import Counting
from .stores import build_store

STORE = "trips"


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    options = {"lang": "en", "scale": 0.03, "seed": 42, "end_date": END}
    return build_store(tmp_path_factory.mktemp("trips"), STORE, options)[1]


@pytest.fixture
def counted(directory: Path) -> Iterator[tuple[Warehouse, Counting]]:
    with Warehouse.open(directory, read_only=True) as wh:
        counting = Counting(wh.con)
        use_zone(counting.typed, wh.zone)  # the proxy is a session set up as the warehouse's
        counting.sql.clear()
        yield Warehouse(wh.path, counting.typed, wh.zone), counting


def _ctx(wh: Warehouse) -> InspectionContext:
    config = wh.store_config()
    assert config is not None
    return InspectionContext(wh.con, STORE, config, END, "en", wh.counts(TABLES))


def test_an_inspection_asks_each_shared_question_once(
    counted: tuple[Warehouse, Counting],
) -> None:
    wh, con = counted
    report = inspect_store(wh, STORE, as_of=END, lang="en")
    assert report.summary.checks_run
    assert not [s for s in con.sql if s.startswith('SELECT count(*) FROM "')]  # one for all:
    assert con.ran('SELECT (SELECT count(*) FROM "products")') == 1
    assert con.ran("max(date) AS snap_date FROM inventory") == 1  # the four stock rules
    assert con.ran("FROM competitors") == 1  # competitor_loss's three baselines
    assert con.ran("information_schema") == 0
    assert con.ran('count("promised_delivery_at") > 0') == 1
    assert con.ran("SELECT max(date) FROM traffic") == 1
    assert con.ran("SELECT t.*, l.title") == 1  # listing_quality and traffic_black_hole
    zone = [s for s in con.sql if "current_setting('TimeZone')" in s]
    assert zone
    assert all("_imports" in s for s in zone)  # asked with the import it keys answers by


def test_shared_answers_are_the_answers(counted: tuple[Warehouse, Counting]) -> None:
    wh, con = counted
    ctx = _ctx(wh)
    days = [END - dt.timedelta(days=k) for k in range(7)]
    assert traffic_days(ctx, days) == traffic_days(ctx, days) == days
    assert has_promised_dates(ctx) is has_promised_dates(ctx) is True
    rows = _listing_traffic(ctx)
    assert rows
    assert _listing_traffic(ctx, 28) is rows
    assert len(_listing_traffic(ctx, 14)) <= len(rows)
    assert con.ran("SELECT t.*, l.title") == 2
    assert con.ran("SELECT max(date) FROM traffic") == con.ran("duckdb_columns()") == 1


def test_competitor_baselines_come_from_one_statement(
    counted: tuple[Warehouse, Counting],
) -> None:
    wh, con = counted
    ctx = _ctx(wh)
    s = CompetitorSettings()
    by_lag = _losses(ctx, s)
    assert list(by_lag) == [0, 1, 2]
    assert con.ran("FROM competitors") == 1
    assert by_lag[0], "the generated store watches competitors"
    for rows in by_lag.values():
        keys = [(r["product_id"], r["competitor_product_id"]) for r in rows]
        assert keys == sorted(keys)
        assert all("k" not in r for r in rows)
    # an earlier baseline reads further back: every rival of a later one is in it
    assert set(map(_pair, by_lag[0])) <= set(map(_pair, by_lag[1])) <= set(map(_pair, by_lag[2]))
    assert {r["lost"] for r in by_lag[0]} == {
        r["lost"] for r in by_lag[2] if _pair(r) in set(map(_pair, by_lag[0]))
    }
    best = _baselined(ctx, s)
    assert {_pair(r) for r in best} == set(map(_pair, by_lag[0])) | {
        _pair(r) for k in (1, 2) for r in by_lag[k] if r["days_base"] >= s.min_baseline_days
    }


def _pair(r: dict[str, object]) -> tuple[str, str]:
    return str(r["product_id"]), str(r["competitor_product_id"])


def test_the_two_lanes_answer_as_one_after_the_other(directory: Path) -> None:
    rules = load_rules()
    assert {r.lane for r in rules} == {MAIN_LANE, SIDE_LANE}
    with Warehouse.open(directory, read_only=True) as wh:
        side_by_side = run_rules(_ctx(wh), rules)
    with Warehouse.open(directory, read_only=True) as wh:
        one_lane = run_rules(_ctx(wh), [replace(r, lane=MAIN_LANE) for r in rules])
    found, ran, skipped = side_by_side
    assert found, "the generated store has problems to find"
    assert [f.model_dump() for f in found] == [f.model_dump() for f in one_lane[0]]
    assert (ran, skipped) == one_lane[1:]
    assert ran == [r.kind for r in rules if r.kind in ran]  # in the rules' order
