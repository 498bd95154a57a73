"""Benchmark: what the JSON API adds to a skill call.

Target (API issue): under 10 ms per call beyond the skill itself. A cheap skill
(``store_overview`` by default) is called ``--calls`` times directly through the registry, then
through the API — in process with FastAPI's ``TestClient``, and over a real uvicorn server on
loopback with an ``httpx`` keep-alive client — alternating the three in rounds so drift hits all
alike. Each line prints the median and p95; the overhead is the API's median minus the direct
median, compared with the target in the same run.

    .venv/bin/python bench/bench_api.py [--calls 200] [--skill store_overview] [--scale 0.2]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import uvicorn
from fastapi.testclient import TestClient
from pydantic import BaseModel

from shopkeeper.api.app import create_app
from shopkeeper.api.tokens import create_token
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, SkillRegistry, load_registry, skill
from shopkeeper.store.service import create_demo

TARGET_MS = 10.0
STORE = "bench"


class Echo(BaseModel):
    """Some text."""

    text: str = "ping"


@skill(tags=("bench",))
def bench_echo(ctx: SkillContext, args: Echo) -> Echo:
    """Say it back (no work: what is left is the API's own cost)."""
    return args


def timed(call: Callable[[], object], n: int, into: list[float]) -> None:
    """Run ``call`` ``n`` times, appending each wall time in ms."""
    for _ in range(n):
        started = time.perf_counter()
        call()
        into.append((time.perf_counter() - started) * 1000)


def p95(values: list[float]) -> float:
    """95th percentile."""
    return statistics.quantiles(values, n=20)[-1]


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def measure(
    settings: Settings,
    registry: SkillRegistry,
    name: str,
    headers: dict[str, str],
    port: int,
    calls: int,
    rounds: int,
) -> dict[str, list[float]]:
    """Times (ms) of ``name`` called directly, through TestClient and over uvicorn, in rounds."""
    run, ctx = registry.get(name), SkillContext(settings, STORE)
    url = f"/v1/stores/{STORE}/skills/{name}"
    times: dict[str, list[float]] = {"direct": [], "TestClient": [], "uvicorn+httpx": []}
    per_round = max(1, calls // rounds)
    with (
        TestClient(create_app(settings, registry=registry)) as client,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as http,
    ):

        def direct() -> None:
            run(ctx, {})

        def via_client() -> None:
            client.post(url, headers=headers).raise_for_status()

        def via_http() -> None:
            http.post(url).raise_for_status()

        for call in (direct, via_client, via_http):  # warm up
            timed(call, 5, [])
        for _ in range(rounds):
            timed(direct, per_round, times["direct"])
            timed(via_client, per_round, times["TestClient"])
            timed(via_http, per_round, times["uvicorn+httpx"])
    return times


def report(name: str, times: dict[str, list[float]]) -> None:
    """Print medians, p95s and the overhead against the target."""
    direct = statistics.median(times["direct"])
    print(f"skill {name!r}: {len(times['direct'])} calls each way")
    for way, values in times.items():
        print(f"  {way:14s} median {statistics.median(values):7.2f} ms   p95 {p95(values):7.2f} ms")
    for way in ("TestClient", "uvicorn+httpx"):
        extra = statistics.median(times[way]) - direct
        verdict = "OK" if extra < TARGET_MS else "OVER TARGET"
        print(
            f"  API overhead via {way}: median {extra:+.2f} ms "
            f"(target < {TARGET_MS:g} ms): {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skill", default="store_overview")
    parser.add_argument("--scale", type=float, default=0.2)
    opts = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="sk-bench-api-"))
    settings = Settings(home=home)
    create_demo(settings, STORE, scale=opts.scale, seed=11)
    token = create_token(ops_engine(settings), STORE, "owner").token
    headers = {"Authorization": f"Bearer {token}"}
    registry = load_registry()
    registry.register(bench_echo)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, registry=registry),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    print(f"demo store at scale {opts.scale}; uvicorn on 127.0.0.1:{port}")
    for name in (opts.skill, "bench_echo"):
        report(name, measure(settings, registry, name, headers, port, opts.calls, opts.rounds))
    server.should_exit = True
    thread.join(10)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
