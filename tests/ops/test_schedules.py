"""Schedules: due slots, catch-up once after downtime, deliveries, and failures that are never silent."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError
from shopkeeper.ops.db import ops_engine
from shopkeeper.ops.schedules import (
    ScheduledRunFailed,
    add_schedule,
    list_schedules,
    remove_schedule,
    runs_of,
    tick,
)
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store

from ..dates import END

UTC = ZoneInfo("UTC")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("sched")
    generate_store(home / "src", scale=0.05, seed=51, end_date=END)
    s = Settings(home=home)
    import_store(home / "src", "shop", settings=s)
    return s


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    reply: ClassVar[tuple[int, dict[str, Any]]] = (200, {"errcode": 0})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        status, payload = _Hook.reply
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def hook() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received.clear()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_invalid_schedules_are_refused(settings: Settings) -> None:
    engine = ops_engine(settings)
    with pytest.raises(ConfigError, match="cron"):
        add_schedule(
            engine, "shop", "99 8 * * *", "report daily", "file:/tmp/x", timezone="Asia/Shanghai"
        )
    with pytest.raises(ConfigError, match="job"):
        add_schedule(
            engine, "shop", "0 8 * * *", "rm -rf /", "file:/tmp/x", timezone="Asia/Shanghai"
        )
    with pytest.raises(ConfigError, match="KIND:ADDRESS"):
        add_schedule(
            engine,
            "shop",
            "0 8 * * *",
            "report daily",
            "carrier-pigeon:roof",
            timezone="Asia/Shanghai",
        )


@pytest.mark.slow
def test_file_delivery_runs_once_per_slot_and_catches_up_once(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"delivery_dir": tmp_path})
    engine = ops_engine(settings)
    folder = tmp_path / "out"
    schedule = add_schedule(
        engine,
        "shop",
        "0 8 * * *",
        "report daily --role owner",
        f"file:{folder}",
        timezone="Asia/Shanghai",
    )
    start = utcnow()
    first = tick(settings, engine, start + dt.timedelta(days=1, hours=1))
    assert [r.status for r in first if r.schedule_id == schedule.schedule_id] == ["ok"]
    assert len(list(folder.glob("*.md"))) == 1
    assert (
        tick(settings, engine, start + dt.timedelta(days=1, hours=1)) == []
    )  # the same slot never runs twice
    later = tick(
        settings, engine, start + dt.timedelta(days=5, hours=1)
    )  # three slots missed while down
    assert len([r for r in later if r.schedule_id == schedule.schedule_id]) == 1
    assert len(list(folder.glob("*.md"))) == 2
    assert all(
        "日报" in f.read_text(encoding="utf-8") for f in folder.glob("*.md")
    )  # the zh demo's daily report
    for s in list_schedules(engine, "shop"):
        remove_schedule(engine, "shop", s.schedule_id)


@pytest.mark.slow
def test_webhook_delivery_and_failures_are_recorded_and_raised(
    settings: Settings, hook: str
) -> None:
    settings = settings.model_copy(update={"delivery_allow_hosts": ["127.0.0.1"]})
    engine = ops_engine(settings)
    schedule = add_schedule(
        engine, "shop", "0 9 * * *", "inspect", f"dingtalk:{hook}", timezone="Asia/Shanghai"
    )
    start = utcnow()
    _Hook.reply = (200, {"errcode": 0})
    tick(settings, engine, start + dt.timedelta(days=1, hours=2))
    assert _Hook.received[-1]["msgtype"] == "markdown"
    assert _Hook.received[-1]["markdown"]["text"]
    _Hook.reply = (500, {"error": "down"})
    with pytest.raises(ScheduledRunFailed, match="500"):
        tick(settings, engine, start + dt.timedelta(days=2, hours=2))
    _Hook.reply = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    with pytest.raises(ScheduledRunFailed, match="refused"):
        tick(settings, engine, start + dt.timedelta(days=3, hours=2))
    runs = [r for r in runs_of(engine, "shop") if r.schedule_id == schedule.schedule_id]
    assert [r.status for r in runs] == ["failed", "failed", "ok"]


@pytest.mark.slow
def test_an_hourly_schedule_runs_each_hour(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"delivery_dir": tmp_path})
    engine = ops_engine(settings)
    schedule = add_schedule(
        engine,
        "shop",
        "15 * * * *",
        "inspect --format json",
        f"file:{tmp_path}",
        timezone="Asia/Shanghai",
    )
    start = utcnow().replace(minute=20, second=0, microsecond=0) + dt.timedelta(hours=1)
    for hour in range(3):
        ran = [
            r
            for r in tick(settings, engine, start + dt.timedelta(hours=hour))
            if r.schedule_id == schedule.schedule_id
        ]
        assert len(ran) == 1, hour
        assert ran[0].slot.minute == 15
    assert len(list(tmp_path.glob("*.json"))) == 3
    remove_schedule(engine, "shop", schedule.schedule_id)
