"""Deliveries cannot be turned on the machine: webhooks reach public hosts only (checked before
every connection, redirects included), files stay under the store's folder, a run records a short
reason and never the receiver's reply, and a slot runs once however many tickers race for it."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from shopkeeper.clock import utcnow
from shopkeeper.errors import ConfigError
from shopkeeper.ops.delivery import DeliveryError, check_target, deliver
from shopkeeper.ops.schedules import InspectJob, ScheduledRunFailed, add_schedule, runs_of, tick
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings

SECRET = "RECEIVER-SECRET-7f3a"


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    reply: ClassVar[tuple[int, dict[str, str], bytes]] = (200, {}, b'{"errcode": 0}')

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.received.append(json.loads(body))
        status, headers, data = _Receiver.reply
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received.clear()
    _Receiver.reply = (200, {}, b'{"errcode": 0}')
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


class FakeDns:
    """A resolver that knows a few names and records every look-up (never the real DNS)."""

    def __init__(self, **names: str) -> None:
        self.names = {k.replace("_", "."): v for k, v in names.items()}
        self.asked: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.asked.append(host)
        if host not in self.names:
            raise OSError(f"unknown host {host}")
        return [self.names[host]]


def _allow_local(home: Path, **extra: Any) -> Settings:
    return Settings(home=home, delivery_allow_hosts=["127.0.0.1"], **extra)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://[::1]:8080/hook",
        "http://0x7f000001/hook",
        "http://127.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
    ],
)
def test_adding_a_webhook_to_a_private_address_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match=r"public address|metadata"):
        check_target(f"webhook:{url}", Settings(home=tmp_path), "shop")
    engine = ops_engine(Settings(home=tmp_path))
    with pytest.raises(ConfigError):
        add_schedule(
            engine,
            "shop",
            "0 8 * * *",
            InspectJob(),
            f"webhook:{url}",
            timezone="UTC",
            settings=Settings(home=tmp_path),
        )
    engine.dispose()


def test_the_owner_can_allow_a_host(tmp_path: Path) -> None:
    assert check_target("webhook:http://127.0.0.1:9/h", _allow_local(tmp_path), "shop")
    assert check_target("dingtalk:https://oapi.dingtalk.com/robot/send?access_token=x")


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(
    tmp_path: Path,
) -> None:
    dns = FakeDns(hooks_example="10.1.2.3")
    with pytest.raises(DeliveryError, match=r"10\.1\.2\.3, not a public address"):
        deliver(
            "webhook:http://hooks.example/h?key=abc",
            "t",
            "x",
            settings=Settings(home=tmp_path),
            resolve=dns,
        )
    assert dns.asked == ["hooks.example"]


def test_an_allow_listed_local_receiver_gets_the_message(tmp_path: Path, receiver: str) -> None:
    dns = FakeDns()
    where = deliver(
        f"webhook:{receiver}?key=k", "title", "text", settings=_allow_local(tmp_path), resolve=dns
    )
    assert _Receiver.received == [{"title": "title", "text": "text"}]
    assert where == receiver  # the key in the query is not shown
    assert dns.asked == []


def test_every_redirect_is_checked_before_connecting(tmp_path: Path, receiver: str) -> None:
    dns = FakeDns(internal_example="192.168.1.9")
    _Receiver.reply = (307, {"Location": "http://internal.example/steal"}, b"{}")
    with pytest.raises(DeliveryError, match=r"internal\.example.*192\.168\.1\.9"):
        deliver(f"webhook:{receiver}", "t", "x", settings=_allow_local(tmp_path), resolve=dns)
    assert dns.asked == ["internal.example"]
    _Receiver.reply = (302, {"Location": "http://169.254.169.254/latest/"}, b"{}")
    with pytest.raises(DeliveryError, match=r"169\.254\.169\.254"):
        deliver(f"webhook:{receiver}", "t", "x", settings=_allow_local(tmp_path), resolve=dns)


class FastJob:
    """A job runner that only records which store it ran for."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def __call__(self, settings: Settings, store: str, job: object) -> tuple[str, str]:
        self.ran.append(store)
        time.sleep(0.3)  # long enough for racing tickers to all find the slot due
        return f"{store} report", "text"


@pytest.fixture
def fast_job() -> FastJob:
    return FastJob()


def test_a_run_records_a_short_reason_never_the_reply(
    tmp_path: Path, receiver: str, fast_job: FastJob
) -> None:
    settings = _allow_local(tmp_path)
    engine = ops_engine(settings)
    add_schedule(
        engine,
        "shop",
        "0 8 * * *",
        InspectJob(),
        f"dingtalk:{receiver}?access_token=tok",
        timezone="UTC",
        settings=settings,
    )
    later = utcnow() + dt.timedelta(days=1)
    _Receiver.reply = (500, {}, json.dumps({"error": SECRET}).encode())
    with pytest.raises(ScheduledRunFailed, match="HTTP 500") as failed:
        tick(settings, engine, later, run=fast_job, resolve=FakeDns())
    _Receiver.reply = (200, {}, json.dumps({"errcode": 310000, "errmsg": SECRET}).encode())
    with pytest.raises(ScheduledRunFailed, match="refused") as refused:
        tick(settings, engine, later + dt.timedelta(days=1), run=fast_job, resolve=FakeDns())
    details = " ".join(r.detail for r in runs_of(engine, "shop"))
    for text in (details, str(failed.value), str(refused.value)):
        assert SECRET not in text
        assert "tok" not in text
    engine.dispose()


def test_a_plain_webhook_failure_names_it_once(
    tmp_path: Path, receiver: str, fast_job: FastJob
) -> None:
    settings = _allow_local(tmp_path)
    engine = ops_engine(settings)
    add_schedule(
        engine,
        "shop",
        "0 8 * * *",
        InspectJob(),
        f"webhook:{receiver}",
        timezone="UTC",
        settings=settings,
    )
    _Receiver.reply = (500, {}, b"")
    with pytest.raises(ScheduledRunFailed, match="HTTP 500") as failed:
        tick(settings, engine, utcnow() + dt.timedelta(days=1), run=fast_job, resolve=FakeDns())
    assert "webhook webhook" not in str(failed.value)
    assert "webhook http" in str(failed.value)
    engine.dispose()


def test_file_delivery_stays_under_the_stores_folder(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    outside = tmp_path / "home" / "stores" / "shop" / ".." / ".." / "escaped"
    for target in (f"file:{outside}", f"file:{tmp_path}", "file:../other", "file:/etc"):
        with pytest.raises(ConfigError, match="outside"):
            check_target(target, settings, "shop")
        with pytest.raises(ConfigError, match="outside"):
            deliver(target, "t", "x", settings=settings, store="shop")
    where = Path(deliver("file:reports", "t", "x", settings=settings, store="shop"))
    assert where.parent == (settings.store_dir("shop") / "reports").resolve()
    assert not (tmp_path / "escaped").exists()
    owned = settings.model_copy(update={"delivery_dir": tmp_path / "outbox"})
    assert Path(deliver(f"file:{tmp_path / 'outbox' / 'a'}", "t", "x", settings=owned)).exists()


def test_racing_tickers_run_a_slot_once(tmp_path: Path, fast_job: FastJob) -> None:
    settings = Settings(home=tmp_path)
    engine = ops_engine(settings)
    add_schedule(
        engine, "shop", "0 8 * * *", InspectJob(), "file:out", timezone="UTC", settings=settings
    )
    later = utcnow() + dt.timedelta(days=1)
    results: list[int] = []

    def one_ticker() -> None:  # each as its own process would: its own engine
        mine = ops_engine(settings)
        results.append(len(tick(settings, mine, later, run=fast_job)))
        mine.dispose()

    threads = [threading.Thread(target=one_ticker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fast_job.ran == ["shop"]
    assert sorted(results) == [0, 0, 1]
    assert len(runs_of(engine, "shop")) == 1
    assert len(list((settings.store_dir("shop") / "out").glob("*.md"))) == 1
    engine.dispose()
