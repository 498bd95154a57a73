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
from sqlalchemy import create_engine, select, text

from shopkeeper.clock import utcnow
from shopkeeper.context import AppContext
from shopkeeper.errors import ConfigError
from shopkeeper.jobs import job_runner
from shopkeeper.ops.schedules import (
    InspectJob,
    ReportJob,
    ScheduledRunFailed,
    add_schedule,
    list_schedules,
    parse_job,
    remove_schedule,
    runs_of,
    tick,
)
from shopkeeper.opsdb import MIGRATIONS, ops_engine, schema_version
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
            engine, "shop", "99 8 * * *", ReportJob(), "file:/tmp/x", timezone="Asia/Shanghai"
        )
    with pytest.raises(ConfigError, match="KIND:ADDRESS"):
        add_schedule(
            engine,
            "shop",
            "0 8 * * *",
            ReportJob(),
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
        parse_job("report daily --role owner"),
        f"file:{folder}",
        timezone="Asia/Shanghai",
    )
    start = utcnow()
    run = job_runner(AppContext(settings, engine))
    first = tick(settings, engine, start + dt.timedelta(days=1, hours=1), run=run)
    assert [r.status for r in first if r.schedule_id == schedule.schedule_id] == ["ok"]
    assert len(list(folder.glob("*.md"))) == 1
    assert (
        tick(settings, engine, start + dt.timedelta(days=1, hours=1), run=run) == []
    )  # the same slot never runs twice
    later = tick(
        settings, engine, start + dt.timedelta(days=5, hours=1), run=run
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
        engine, "shop", "0 9 * * *", InspectJob(), f"dingtalk:{hook}", timezone="Asia/Shanghai"
    )
    run = job_runner(AppContext(settings, engine))
    start = utcnow()
    _Hook.reply = (200, {"errcode": 0})
    tick(settings, engine, start + dt.timedelta(days=1, hours=2), run=run)
    assert _Hook.received[-1]["msgtype"] == "markdown"
    assert _Hook.received[-1]["markdown"]["text"]
    _Hook.reply = (500, {"error": "down"})
    with pytest.raises(ScheduledRunFailed, match="500"):
        tick(settings, engine, start + dt.timedelta(days=2, hours=2), run=run)
    _Hook.reply = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    with pytest.raises(ScheduledRunFailed, match="refused"):
        tick(settings, engine, start + dt.timedelta(days=3, hours=2), run=run)
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
        InspectJob(format="json"),
        f"file:{tmp_path}",
        timezone="Asia/Shanghai",
    )
    run = job_runner(AppContext(settings, engine))
    start = utcnow().replace(minute=20, second=0, microsecond=0) + dt.timedelta(hours=1)
    for hour in range(3):
        ran = [
            r
            for r in tick(settings, engine, start + dt.timedelta(hours=hour), run=run)
            if r.schedule_id == schedule.schedule_id
        ]
        assert len(ran) == 1, hour
        assert ran[0].slot.minute == 15
    assert len(list(tmp_path.glob("*.json"))) == 3
    remove_schedule(engine, "shop", schedule.schedule_id)


@pytest.mark.parametrize(
    ("words", "job"),
    [
        ("inspect", InspectJob()),
        ("inspect --format json", InspectJob(format="json")),
        ("report daily", ReportJob()),
        (
            "report weekly --role ops --format html",
            ReportJob(period="weekly", role="ops", format="html"),
        ),
        ("report --format html", ReportJob(format="html")),
    ],
)
def test_the_cli_words_build_a_typed_job_and_back(words: str, job: InspectJob | ReportJob) -> None:
    assert parse_job(words) == job
    assert parse_job(job.words()) == job


@pytest.mark.parametrize(
    "words",
    [
        "",
        "rm -rf /",
        "report monthly",
        "report daily --role boss",
        "inspect weekly",
        "sync",
        "report 'x",
    ],
)
def test_words_that_are_no_job_are_refused(words: str) -> None:
    with pytest.raises(ConfigError, match="job"):
        parse_job(words)


def test_a_schedule_keeps_its_typed_job_and_the_runner_gets_it(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    engine = ops_engine(settings)
    job = ReportJob(period="weekly", role="ops", format="html")
    add_schedule(engine, "shop", "0 8 * * *", job, "file:out", timezone="UTC", settings=settings)
    assert [s.job for s in list_schedules(engine, "shop")] == [job]
    got: list[object] = []

    def run(settings: Settings, store: str, job: InspectJob | ReportJob) -> tuple[str, str]:
        got.append(job)
        return "title", "<html></html>"

    tick(settings, engine, utcnow() + dt.timedelta(days=1), run=run)
    assert got == [job]
    assert len(list((settings.store_dir("shop") / "out").glob("*.html"))) == 1
    engine.dispose()


def test_migration_11_turns_command_lines_into_typed_jobs(tmp_path: Path) -> None:
    legacy = create_engine(f"sqlite:///{tmp_path / 'ops.sqlite'}")
    with legacy.begin() as conn:
        schema_version.create(conn)
        conn.execute(schema_version.insert(), [{"version": v} for v in MIGRATIONS if v < 11])
        conn.execute(
            text(
                "CREATE TABLE schedules (schedule_id VARCHAR PRIMARY KEY, store VARCHAR NOT NULL, "
                "cron VARCHAR NOT NULL, command VARCHAR NOT NULL, deliver VARCHAR NOT NULL, "
                "timezone VARCHAR NOT NULL, created_at DATETIME NOT NULL, last_slot DATETIME)"
            )
        )
        for sid, command in [
            ("a", "inspect"),
            ("b", "report weekly --role ops --format html"),
            ("c", "inspect --format json"),
            ("d", "report daily"),
        ]:
            conn.execute(
                text(
                    "INSERT INTO schedules VALUES (:id, 'shop', '0 8 * * *', :c, 'file:out', 'UTC', "
                    "'2026-01-01 00:00:00', NULL)"
                ),
                {"id": sid, "c": command},
            )
    legacy.dispose()
    engine = ops_engine(Settings(home=tmp_path))
    jobs = {s.schedule_id: s.job for s in list_schedules(engine, "shop")}
    assert jobs == {
        "a": InspectJob(),
        "b": ReportJob(period="weekly", role="ops", format="html"),
        "c": InspectJob(format="json"),
        "d": ReportJob(),
    }
    with engine.connect() as conn:
        assert 11 in set(conn.execute(select(schema_version.c.version)).scalars())
    engine.dispose()
