"""The store clock: every reading of the time in the package goes through shopkeeper.clock, and
what reads it (audit events, deliveries, the demo store's last day) follows SHOPKEEPER_NOW."""

from __future__ import annotations

import ast
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import shopkeeper
from shopkeeper.cli.main import app
from shopkeeper.clock import Clock, today, utcnow
from shopkeeper.ops.audit import ActionProposed
from shopkeeper.ops.delivery import deliver
from shopkeeper.settings import Settings, get_settings

from .dates import END, NOW

SRC = Path(shopkeeper.__file__).parent
READS_TIME = {"now", "today", "utcnow"}


def _time_reads(path: Path, root: Path = SRC) -> list[str]:
    """``datetime.now()``, ``date.today()``, ``dt.datetime.utcnow()``... called in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if node.func.attr in READS_TIME and name in {"datetime", "date"}:
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_only_the_clock_module_reads_the_time() -> None:
    reads = [hit for p in sorted(SRC.rglob("*.py")) for hit in _time_reads(p)]
    assert [r for r in reads if not r.startswith("clock.py")] == []
    assert reads  # the check sees clock.py's own reads


def test_the_check_sees_every_spelling(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "import datetime as dt\nfrom datetime import date, datetime\n"
        "a = dt.datetime.now(dt.UTC)\nb = date.today()\nc = datetime.now()\n"
        "d = dt.date.today()\ne = dt.datetime.utcnow()\nf = now(settings)\n",
        encoding="utf-8",
    )
    assert _time_reads(module, tmp_path) == [f"probe.py:{n}" for n in (3, 4, 5, 6, 7)]


def test_utcnow_runs_on_from_shopkeeper_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_NOW", "2027-02-17T10:00:00+08:00")
    first = utcnow()
    assert first.tzinfo is dt.UTC
    assert dt.datetime(2027, 2, 17, 2, 0, tzinfo=dt.UTC) <= first < first + dt.timedelta(seconds=5)
    time.sleep(0.01)
    assert first < utcnow() < first + dt.timedelta(seconds=5)  # it runs, in real time
    monkeypatch.setenv("SHOPKEEPER_NOW", "2028-02-29")  # naive: UTC, read again when it changes
    assert utcnow().date() == dt.date(2028, 2, 29)
    assert today() == dt.date(2028, 2, 29)
    assert today("America/Los_Angeles") == dt.date(2028, 2, 28)


def test_real_time_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPKEEPER_NOW")
    real = dt.datetime.fromtimestamp(time.time(), dt.UTC)
    assert abs(utcnow() - real) < dt.timedelta(seconds=5)
    assert today(dt.UTC) in {real.date(), (real + dt.timedelta(seconds=5)).date()}


def test_today_by_settings() -> None:
    late = Settings(now=dt.datetime(2027, 11, 10, 20, 0))  # 11-11 04:00 in Shanghai
    assert today("Asia/Shanghai", settings=late) == dt.date(2027, 11, 11)
    assert today(dt.UTC, settings=late) == dt.date(2027, 11, 10)


def test_the_suite_runs_at_its_own_date() -> None:
    assert Settings().now == NOW
    assert utcnow() - NOW < dt.timedelta(hours=6)
    assert today(dt.UTC) == END + dt.timedelta(days=1)


def test_audit_events_are_stamped_by_the_store_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_NOW", "2027-11-11T00:00:00+08:00")
    event = ActionProposed(store="s", action_id="a1", actor="me", action="noop", params={})
    assert event.at.astimezone(dt.UTC).date() == dt.date(2027, 11, 10)
    assert event.at.tzinfo is not None


def test_file_deliveries_are_stamped_by_the_store_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHOPKEEPER_NOW", "2027-02-17T10:00:00+00:00")
    where = deliver("file:out", "Daily report", "body", settings=Settings(home=tmp_path), store="s")
    local = dt.datetime(2027, 2, 17, 10, 0, tzinfo=dt.UTC).astimezone()  # the machine's zone
    assert Path(where).name == f"Daily-report-{local:%Y%m%d-%H%M}.md"


def test_demo_create_ends_the_day_before_the_store_clock(
    sk_home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()

    def last_day(*args: str) -> str:
        made = runner.invoke(app, ["demo", "create", "--scale", "0.05", "--no-kb", *args])
        assert made.exit_code == 0, made.output
        planted = sk_home.store_dir("demo") / "source" / "planted.json"
        return str(json.loads(planted.read_text(encoding="utf-8"))["end_date"])

    monkeypatch.setenv("SHOPKEEPER_NOW", "2028-03-01T10:00:00")
    get_settings.cache_clear()
    assert last_day() == "2028-02-29"
    assert last_day("--end-date", END.isoformat()) == END.isoformat()


def test_the_server_clock_and_utcnow_are_one_running_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from shopkeeper.api.app import create_app

    monkeypatch.setenv("SHOPKEEPER_NOW", "2027-06-18T20:00:00+08:00")  # not read before here
    monkeypatch.setenv("SHOPKEEPER_HOME", str(tmp_path))
    app = create_app(Settings())
    time.sleep(1.5)  # utcnow is first read after the app's clock started
    with TestClient(app) as client:
        first = utcnow()
        server = client.app.state.services.clock()  # type: ignore[attr-defined]
        assert abs(server - first) < dt.timedelta(seconds=1)
        assert first >= dt.datetime(2027, 6, 18, 12, 0, 1, tzinfo=dt.UTC)
    other = Clock.from_settings(Settings(now=dt.datetime(2027, 1, 1)))  # another instant: its own
    assert other().date() == dt.date(2027, 1, 1)
