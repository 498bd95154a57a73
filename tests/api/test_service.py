"""The service runs the schedules (catch-up on start, then a background tick), on the store clock."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.api.ticker import Ticker
from shopkeeper.clock import Clock, now, utcnow
from shopkeeper.context import AppContext
from shopkeeper.ops.schedules import InspectJob, ReportJob, add_schedule, runs_of
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings

from .conftest import OTHER, bearer, registry


def test_store_clock() -> None:
    fixed = Settings(now=dt.datetime(2026, 11, 20, 18, 0))
    assert now(fixed) == dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
    assert now(Settings(now=None)).tzinfo is not None
    clock = Clock.from_settings(fixed)
    first = clock()
    time.sleep(0.01)
    assert dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC) <= first < clock()
    assert clock() - first < dt.timedelta(seconds=5)
    real = Clock.from_settings(Settings(now=None))
    assert abs(real() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_startup_catches_up_missed_runs_once(
    api_home: Settings, tokens: dict[str, str], tmp_path: Path
) -> None:
    engine = ops_engine(api_home)
    schedule = add_schedule(
        engine, OTHER, "0 8 * * *", ReportJob(), f"file:{tmp_path}", timezone="Asia/Shanghai"
    )
    later = utcnow() + dt.timedelta(days=3)  # three 08:00 slots were missed
    owned = api_home.model_copy(update={"delivery_dir": tmp_path})
    app = create_app(owned, now=lambda: later, registry=registry())
    with TestClient(app) as client:
        runs = client.get(
            f"/v1/stores/{OTHER}/schedules/runs", headers=bearer(tokens["other-owner"])
        )
        mine = [r for r in runs.json() if r["schedule_id"] == schedule.schedule_id]
        assert [r["status"] for r in mine] == ["ok"]  # caught up once, not three times
        assert len(list(tmp_path.glob("*.md"))) == 1
    with TestClient(create_app(owned, now=lambda: later, registry=registry())):
        pass  # a restart at the same instant runs nothing again
    assert len([r for r in runs_of(engine, OTHER) if r.schedule_id == schedule.schedule_id]) == 1
    engine.dispose()


def test_a_failing_run_is_recorded_and_logged(
    api_home: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = ops_engine(api_home)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    schedule = add_schedule(
        engine, OTHER, "*/5 * * * *", InspectJob(), f"file:{blocked}", timezone="UTC"
    )
    later = utcnow() + dt.timedelta(hours=1)
    with caplog.at_level(logging.ERROR, logger="shopkeeper.schedules"):
        settings = api_home.model_copy(update={"delivery_dir": tmp_path})
        Ticker(AppContext(settings, engine, lambda: later)).tick_once()
    failed = [r for r in runs_of(engine, OTHER) if r.schedule_id == schedule.schedule_id]
    assert [r.status for r in failed] == ["failed"]
    assert schedule.schedule_id in caplog.text
    engine.dispose()


def test_background_ticks_and_clean_stop(api_home: Settings) -> None:
    app = create_app(api_home, registry=registry(), tick_every_s=0.02)
    with TestClient(app):
        ticker = app.state.ticker
        deadline = time.monotonic() + 10
        while ticker.ticks < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ticker.ticks >= 3  # the start-up tick and at least two more
    assert ticker._thread is not None
    assert not ticker._thread.is_alive()


def test_service_runs_on_the_configured_clock(api_home: Settings) -> None:
    settings = api_home.model_copy(update={"now": dt.datetime(2026, 11, 20, 18, 0)})
    app = create_app(settings, registry=registry())
    with TestClient(app):
        at = app.state.services.clock()
    assert dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC) <= at
    assert at < dt.datetime(2026, 11, 20, 18, 1, tzinfo=dt.UTC)


def test_knowledge_bases_are_kept_only_when_asked(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)  # no stores: the keeper has nothing to build
    app = create_app(settings, registry=registry())
    with TestClient(app):
        assert app.state.kb_keeper is None
    app = create_app(settings, registry=registry(), keep_kb=True)
    with TestClient(app):
        keeper = app.state.kb_keeper
        deadline = time.monotonic() + 10
        while keeper.passes < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert keeper.passes >= 1
    assert keeper._thread is not None
    assert not keeper._thread.is_alive()
