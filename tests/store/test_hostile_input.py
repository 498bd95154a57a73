"""Files that broke the importer in trials, and their neighbours: never a traceback, never a silent loss.

Each case goes through the real command (``shopkeeper store import``) on top of a store that was
already imported. A case with bad rows ends with exit code 0, the good rows imported and every bad
row located in the quarantine; a case that cannot be read ends with exit code 1, one sentence on
stderr naming the file, and the previous warehouse exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopkeeper.cli.main import app
from shopkeeper.errors import StoreBusy
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store import sources
from shopkeeper.store.importer import import_store
from shopkeeper.store.locks import import_lock
from shopkeeper.store.sources import careful_reason

from .corpus import (
    FORMAT_CASES,
    HOSTILE_CASES,
    ORDERS,
    ROW_CASES,
    FatalCase,
    RowCase,
    build,
    csv_bytes,
    dump,
    verify,
    with_rows,
    write_store,
)

STORE = "shop"


def _import(folder: Path, *extra: str) -> Any:
    return CliRunner().invoke(
        app, ["store", "import", str(folder), "--store", STORE, "--format", "json", *extra]
    )


def _no_traceback(result: Any) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=str)
def test_hostile_file_imports_good_rows_or_fails_in_one_sentence(
    case: RowCase | FatalCase, sk_home: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _import(write_store(tmp_path / "good"))
    assert first.exit_code == 0, first.stderr
    before = dump(sk_home, STORE)
    for key, value in getattr(case, "env", {}).items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    result = _import(build(case, tmp_path / case.id))
    _no_traceback(result)
    if isinstance(case, RowCase):
        assert result.exit_code == 0, result.stderr
        report = json.loads(result.stdout)
        verify(case, sk_home, STORE, report["notes"])
        assert sum(t["bad"] for t in report["tables"].values()) == len(case.bad)
    else:
        assert result.exit_code == 1
        message = " ".join(result.stderr.split())
        assert message.startswith("error:"), message
        for part in case.message:
            assert part in message, f"{part!r} not in {message!r}"
        assert len(message) < 600, "one sentence, not a dump of the file"
        assert dump(sk_home, STORE) == before, "a failed import changed the warehouse"


def test_careful_reader_only_for_files_duckdb_cannot_take(tmp_path: Path) -> None:
    """The fast path keeps its speed: a plain CSV is not sent to the careful reader."""
    plain = tmp_path / "orders.csv"
    plain.write_bytes(csv_bytes(ORDERS, newline="\r\n"))
    assert careful_reason(plain) is None
    lone_cr = tmp_path / "cr.csv"
    lone_cr.write_bytes(csv_bytes(ORDERS, newline="\r"))
    assert careful_reason(lone_cr) == "its lines end in CR only"


# -- two imports at once --------------------------------------------------------------------


def test_second_import_of_a_store_says_one_is_running(sk_home: Settings, tmp_path: Path) -> None:
    folder = write_store(tmp_path / "good")
    with import_lock(sk_home.store_dir(STORE)):  # the first import, still running
        started = time.monotonic()
        result = _import(folder)
        assert time.monotonic() - started < 10
    _no_traceback(result)
    assert result.exit_code == 1
    assert f"an import of store '{STORE}' is running" in " ".join(result.stderr.split())
    assert _import(folder).exit_code == 0  # once it has finished


def test_import_lock_is_per_store(sk_home: Settings, tmp_path: Path) -> None:
    with import_lock(sk_home.store_dir("other")):
        report = import_store(write_store(tmp_path / "good"), STORE, settings=sk_home)
    assert report.tables["orders"].imported == 3


_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def _warehouse_held(settings: Settings) -> Iterator[None]:
    """Another process holds the warehouse for writing, as a running import does."""
    path = settings.store_dir(STORE) / "warehouse.duckdb"
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), "60"], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "locked"
            yield
        finally:
            child.kill()


def test_store_locked_by_another_process_is_one_sentence(sk_home: Settings, tmp_path: Path) -> None:
    folder = write_store(tmp_path / "good")
    assert _import(folder).exit_code == 0
    with _warehouse_held(sk_home):
        result = CliRunner().invoke(app, ["store", "info", "--store", STORE])
    _no_traceback(result)
    assert result.exit_code == 1
    assert "is in use by another process" in " ".join(result.stderr.split())


def test_api_answers_503_json_with_retry_after_during_an_import(
    sk_home: Settings, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from shopkeeper.api.app import create_app
    from shopkeeper.api.tokens import create_token
    from shopkeeper.opsdb import ops_engine
    from shopkeeper.skills.registry import load_registry

    assert _import(write_store(tmp_path / "good")).exit_code == 0
    engine = ops_engine(sk_home)
    token = create_token(engine, STORE, "owner").token
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(sk_home, registry=load_registry())) as client:
        url = f"/v1/stores/{STORE}/skills/store_overview"
        assert client.post(url, headers=headers).status_code == 200
        with _warehouse_held(sk_home):
            busy = client.post(url, headers=headers)
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"].isdigit()
        body = busy.json()
        assert body["error"] == StoreBusy.__name__
        assert STORE in body["detail"]
        assert client.post(url, headers=headers).status_code == 200  # the import is over


# -- orders dated after the import's clock --------------------------------------------------


def test_orders_after_the_import_clock_are_warned_about(
    sk_home: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = with_rows(
        ORDERS,
        "O-2001,C-003,2026-12-01 10:00:00,,created,app,1,0",
        "O-2002,C-003,2027-01-05 09:30:00,,created,app,1,0",
    )
    folder = write_store(tmp_path / "late", {"orders.csv": csv_bytes(orders)})
    monkeypatch.setenv("SHOPKEEPER_NOW", "2026-11-20T12:00:00Z")
    get_settings.cache_clear()
    result = _import(folder)
    assert result.exit_code == 0, result.stderr
    warnings = "\n".join(json.loads(result.stdout)["warnings"])
    assert "2 笔订单" in warnings, warnings
    assert "2027-01-05 09:30" in warnings  # the latest, in the store's time zone
    assert "2026-11-20 12:00 UTC" in warnings


def test_no_warning_when_every_order_is_in_the_past(sk_home: Settings, tmp_path: Path) -> None:
    settings = sk_home.model_copy(update={"now": dt.datetime(2026, 11, 20, tzinfo=dt.UTC)})
    report = import_store(write_store(tmp_path / "good"), STORE, settings=settings)
    assert not [w for w in report.warnings if "订单" in w or "dated after" in w]


# -- the careful reader locates bad rows exactly as DuckDB's reader does -----------------------


@pytest.mark.parametrize("case", [*FORMAT_CASES, *ROW_CASES], ids=str)
def test_careful_reader_agrees_with_the_fast_reader(
    case: RowCase, sk_home: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus case, with every CSV read line by line: the same rows, lines and reasons."""
    monkeypatch.setattr(sources, "careful_reason", lambda _path: "forced by the test")
    report = import_store(build(case, tmp_path / case.id), STORE, settings=sk_home)
    verify(case, sk_home, STORE, report.notes)
    assert report.bad_rows == len(case.bad)
