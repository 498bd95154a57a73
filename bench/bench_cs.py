"""Customer service under load: 50 concurrent buyer conversations over HTTP on loopback.

A real uvicorn server runs in a subprocess (``shopkeeper.api.app.create_app``, the offline engine,
the zh demo store at its store clock); an httpx async client plays the buyers. Each conversation is
a realistic mix — pre-sale questions, order status and logistics, after-sale requests followed by
the buyer's confirmation — with the customer's real orders. Every message has a ``message_id``.
Like real buyers, each conversation waits for the reply, then reads and types for a while
(``--think``, mean 1 s) before its next message: 50 open chats offer about 50 messages a second.
``--think 0`` sends back to back instead: the saturation throughput of the machine.

Checks, in the same run:
- p95 latency per message against the target (50 ms on the 2-core machine);
- no message lost: every message got exactly one 200 reply naming its ``message_id``;
- none answered twice: a retry racing the original, and a replay of every message afterwards,
  return the same reply (and the conversation holds each buyer message once, when the engine
  exposes conversations).

``--fake`` replaces the engine by an instant one, to measure the HTTP layer alone. Run:

    .venv/bin/python bench/bench_cs.py [--conversations 50] [--turns 8] [--workers 1] [--fake]
    .venv/bin/python bench/bench_cs.py --profile   # cProfile of the engine on the same messages
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TARGET_P95_MS = 50.0
STORE = "bench"


# ── the server side (run in the subprocess) ───────────────────────────────────────────────────


class _InstantEngine:
    """An engine that answers at once (``--fake``): the cost of the HTTP layer alone."""

    def __init__(self) -> None:
        self.replies: dict[tuple[str, str, str], Any] = {}

    def handle_message(self, store: str, message: Any, now: dt.datetime) -> Any:
        from shopkeeper.cs.messages import CsReply

        key = (store, message.conversation_id, message.message_id or "")
        if key not in self.replies:
            self.replies[key] = CsReply(
                conversation_id=message.conversation_id,
                message_id=message.message_id or "x",
                reply="您好，已收到：" + message.text[:20],
                intent="echo",
                at=now,
            )
        return self.replies[key]

    def conversation(self, store: str, conversation_id: str) -> None:
        return None


def server_app() -> Any:
    """The app the subprocess serves (uvicorn factory; configured by environment)."""
    from shopkeeper.api.app import create_app
    from shopkeeper.api.cs_backend import get_backend
    from shopkeeper.settings import Settings

    settings = Settings()
    app = create_app(settings, tick_every_s=3600)  # its lifespan builds one engine per worker
    if os.environ.get("SK_BENCH_FAKE"):
        fake = _InstantEngine()
        app.dependency_overrides[get_backend] = lambda: fake
    return app


# ── the data ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class Buyer:
    customer_id: str
    orders: list[str]
    statuses: list[str]


@dataclass
class Conversation:
    conversation_id: str
    customer_id: str
    texts: list[str]


PRESALE = [
    "{p}有现货吗？",
    "{p}多少钱？",
    "{p}的规格是什么？",
    "现在有什么优惠活动吗",
    "满减怎么算？我买两件{p}",
    "{p}保质期多久",
    "有没有适合送礼的推荐",
    "你们发什么快递？几天能到",
]
ORDER = ["我的订单{o}到哪了", "订单{o}发货了吗", "帮我查下{o}的物流", "催一下发货，订单{o}"]
AFTER = [
    ("订单{o}我想退货", "确认"),
    ("订单{o}能改下地址吗？改成浙江省杭州市西湖区文三路100号", "确认"),
    ("我要取消订单{o}", "确认"),
    ("订单{o}少发了一件", "是的"),
    ("订单{o}想换个口味", "取消"),
]


def load_store(home: Path) -> tuple[list[str], list[Buyer], dt.datetime]:
    """Product titles, buyers with orders, and the store's last order time (its clock)."""
    from shopkeeper.store.warehouse import Warehouse

    with Warehouse.open(home / "stores" / STORE, read_only=True) as wh:
        titles = [r[0] for r in wh.con.execute("select title from products limit 40").fetchall()]
        rows = wh.con.execute(
            "select customer_id, list(order_id order by created_at desc), "
            "list(status order by created_at desc) from orders group by customer_id "
            "order by count(*) desc, customer_id limit 500"
        ).fetchall()
        last = wh.con.execute("select max(created_at) from orders").fetchone()
    buyers = [Buyer(c, list(o)[:5], list(s)[:5]) for c, o, s in rows]
    end = last[0] if last and last[0] else dt.datetime(2026, 11, 20, 18, 0)
    return titles, buyers, end


def conversations(
    titles: list[str], buyers: list[Buyer], n: int, turns: int, seed: int, run: str = ""
) -> list[Conversation]:
    """``n`` conversations of ``turns`` messages: pre-sale, order status, after-sale + confirm."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        buyer = buyers[i % len(buyers)]
        texts: list[str] = []
        while len(texts) < turns:
            kind = rng.random()
            order = rng.choice(buyer.orders)
            if kind < 0.45:
                short = rng.choice(titles)[:12]
                texts.append(rng.choice(PRESALE).format(p=short))
            elif kind < 0.75:
                texts.append(rng.choice(ORDER).format(o=order))
            else:
                ask, answer = rng.choice(AFTER)
                texts += [ask.format(o=order), answer]
        out.append(Conversation(f"bench-{run}-{seed}-{i}", buyer.customer_id, texts[:turns]))
    return out


# ── the load ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    replies: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    duplicates: int = 0
    wall_s: float = 0.0


async def _send(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], results: Results
) -> dict[str, Any] | None:
    t0 = time.perf_counter()
    try:
        r = await client.post(url, json=body)
    except httpx.HTTPError as exc:
        results.errors.append(f"{body['message_id']}: {type(exc).__name__}")
        return None
    results.latencies_ms.append((time.perf_counter() - t0) * 1000)
    if r.status_code != 200:
        results.errors.append(f"{body['message_id']}: {r.status_code} {r.text[:120]}")
        return None
    reply: dict[str, Any] = r.json()
    if reply.get("message_id") != body["message_id"]:
        results.errors.append(f"{body['message_id']}: reply names {reply.get('message_id')}")
    return reply


async def _converse(
    client: httpx.AsyncClient,
    url: str,
    conv: Conversation,
    results: Results,
    race_every: int,
    think: float,
) -> None:
    rng = random.Random(conv.conversation_id)
    await asyncio.sleep(rng.uniform(0, think))  # conversations start spread over a think time
    for k, text in enumerate(conv.texts):
        if k:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)  # the buyer reads and types
        mid = f"{conv.conversation_id}-m{k}"
        body = {
            "conversation_id": conv.conversation_id,
            "customer_id": conv.customer_id,
            "text": text,
            "message_id": mid,
        }
        if race_every and k % race_every == race_every - 1:  # a retry racing the original
            first, second = await asyncio.gather(
                _send(client, url, body, results), _send(client, url, body, results)
            )
            if first and second and first != second:
                results.duplicates += 1
                results.errors.append(f"{mid}: a racing retry got another reply")
            reply = first
        else:
            reply = await _send(client, url, body, results)
        if reply is not None:
            if mid in results.replies:
                results.errors.append(f"{mid}: answered twice")
            results.replies[mid] = reply


async def run_load(
    base: str, key: str, convs: list[Conversation], race_every: int, think: float
) -> Results:
    results = Results()
    limits = httpx.Limits(
        max_connections=len(convs) + 10, max_keepalive_connections=len(convs) + 10
    )
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/v1/stores/{STORE}/cs/messages"
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as c:
        t0 = time.perf_counter()
        await asyncio.gather(
            *(_converse(c, url, conv, results, race_every, think) for conv in convs)
        )
        results.wall_s = time.perf_counter() - t0
    return results


async def verify(base: str, key: str, convs: list[Conversation], results: Results) -> list[str]:
    """Replay every message: same reply; and each buyer message is in its conversation once."""
    problems: list[str] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as c:
        sem = asyncio.Semaphore(20)

        async def replay(conv: Conversation, k: int, text: str) -> None:
            mid = f"{conv.conversation_id}-m{k}"
            body = {
                "conversation_id": conv.conversation_id,
                "customer_id": conv.customer_id,
                "text": text,
                "message_id": mid,
            }
            async with sem:
                r = await c.post(f"/v1/stores/{STORE}/cs/messages", json=body)
            if r.status_code != 200 or r.json() != results.replies.get(mid):
                problems.append(f"{mid}: the replay differs")

        await asyncio.gather(*(replay(cv, k, t) for cv in convs for k, t in enumerate(cv.texts)))
        for conv in convs:
            r = await c.get(
                f"/v1/stores/{STORE}/cs/conversations/{conv.conversation_id}",
                params={"customer_id": conv.customer_id},
            )
            if r.status_code != 200:
                problems.append(f"{conv.conversation_id}: conversation view {r.status_code}")
                continue
            ids = [m.get("message_id") for m in r.json()["messages"] if m["role"] == "buyer"]
            want = [f"{conv.conversation_id}-m{k}" for k in range(len(conv.texts))]
            if sorted(i for i in ids if i) != sorted(want):
                problems.append(
                    f"{conv.conversation_id}: buyer messages held {len(ids)}, sent {len(want)}"
                )
    return problems


# ── orchestration ─────────────────────────────────────────────────────────────────────────────


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(home: Path, scale: float) -> tuple[str, dt.datetime]:
    """The demo store in ``home`` (built once), a widget key, and the store's clock."""
    from shopkeeper.api.tokens import create_token
    from shopkeeper.opsdb import ops_engine
    from shopkeeper.settings import Settings
    from shopkeeper.store.service import create_demo

    settings = Settings(home=home)
    if not (home / "stores" / STORE / "warehouse.duckdb").exists():
        t0 = time.perf_counter()
        create_demo(settings, STORE, scale=scale, seed=11)
        print(f"demo store built in {time.perf_counter() - t0:.1f} s (scale {scale})")
    engine = ops_engine(settings)
    key = create_token(engine, STORE, "widget", label="bench").token
    engine.dispose()
    _, _, end = load_store(home)
    return key, end


@contextmanager
def server(home: Path, now: dt.datetime, workers: int, fake: bool) -> Iterator[str]:
    """A uvicorn server in a subprocess on loopback; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "SHOPKEEPER_HOME": str(home),
        "SHOPKEEPER_NOW": now.isoformat(),
        "SK_BENCH_FAKE": "1" if fake else "",
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench_cs:server_app",
        "--factory",
        "--app-dir",
        str(Path(__file__).parent),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/docs", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    raise SystemExit("the server exited") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else 0.0


def report(results: Results, sent: int, problems: list[str], label: str) -> dict[str, Any]:
    lat = results.latencies_ms
    figures = {
        "label": label,
        "messages": sent,
        "requests": len(lat),
        "p50_ms": round(pct(lat, 50), 1),
        "p95_ms": round(pct(lat, 95), 1),
        "p99_ms": round(pct(lat, 99), 1),
        "mean_ms": round(statistics.fmean(lat), 1) if lat else 0.0,
        "throughput_msg_s": round(len(lat) / results.wall_s, 1) if results.wall_s else 0.0,
        "errors": len(results.errors),
        "lost": sent - len(results.replies),
        "answered_twice": results.duplicates,
        "replay_problems": len(problems),
        "target_p95_ms": TARGET_P95_MS,
    }
    print(f"\n{label}")
    print(
        f"  {figures['requests']} requests ({sent} messages) in {results.wall_s:.2f} s: "
        f"{figures['throughput_msg_s']} msg/s"
    )
    print(
        f"  latency p50 {figures['p50_ms']} ms · p95 {figures['p95_ms']} ms · "
        f"p99 {figures['p99_ms']} ms · mean {figures['mean_ms']} ms"
    )
    verdict = "PASS" if figures["p95_ms"] < TARGET_P95_MS else "FAIL"
    print(f"  p95 {figures['p95_ms']} ms vs target {TARGET_P95_MS:.0f} ms: {verdict}")
    print(
        f"  errors {figures['errors']} · lost {figures['lost']} · answered twice "
        f"{figures['answered_twice']} · replay problems {figures['replay_problems']}"
    )
    for line in (results.errors + problems)[:8]:
        print("   ", line)
    return figures


def profile(home: Path, now: dt.datetime, convs: list[Conversation], top: int) -> None:
    """cProfile of the engine on the benchmark's messages (in this process, no HTTP)."""
    import cProfile
    import pstats

    from shopkeeper.api.cs_backend import EngineBackend
    from shopkeeper.clock import Clock
    from shopkeeper.cs.engine import CsEngine
    from shopkeeper.cs.messages import CsMessage
    from shopkeeper.opsdb import ops_engine
    from shopkeeper.settings import Settings

    settings = Settings(home=home, now=now)
    backend = EngineBackend(CsEngine(settings, ops_engine(settings), Clock(now)))
    msgs = [
        CsMessage(
            conversation_id=f"prof-{c.conversation_id}",
            customer_id=c.customer_id,
            text=t,
            message_id=f"p{k}",
        )
        for c in convs
        for k, t in enumerate(c.texts)
    ]
    backend.handle_message(STORE, msgs[0], now)  # warm up (models, indexes)
    times = []
    prof = cProfile.Profile()
    for m in msgs[1:]:
        t0 = time.perf_counter()
        prof.enable()
        backend.handle_message(STORE, m, now)
        prof.disable()
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"\nengine alone, one thread: {len(times)} messages, p50 {pct(times, 50):.1f} ms, "
        f"p95 {pct(times, 95):.1f} ms, p99 {pct(times, 99):.1f} ms"
    )
    pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=8, help="messages per conversation")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--scale", type=float, default=0.3, help="demo store scale")
    parser.add_argument("--home", type=Path, help="SHOPKEEPER_HOME to reuse (default: a temp dir)")
    parser.add_argument(
        "--fake", action="store_true", help="an instant engine: the HTTP layer alone"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a buyer takes between a reply and the next message (0: saturate)",
    )
    parser.add_argument("--race-every", type=int, default=4, help="every Nth message races a retry")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine, no HTTP")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sk-bench-cs-") as tmp:
        home = args.home or Path(tmp)
        key, now = prepare(home, args.scale)
        titles, buyers, _ = load_store(home)
        run = f"{int(time.time()):x}"  # new conversations on every run, even in a reused home
        convs = conversations(titles, buyers, args.conversations, args.turns, seed=1, run=run)
        warm = conversations(titles, buyers, 4, 6, seed=99, run=run)
        if args.profile:
            profile(home, now, convs[:10], 40)
            return
        sent = sum(len(c.texts) for c in convs)
        label = (
            f"{'instant engine (HTTP layer alone)' if args.fake else 'offline engine'}: "
            f"{args.conversations} concurrent conversations × {args.turns} messages, "
            f"think time {args.think:g} s, {args.workers} worker(s), "
            f"store clock {now:%Y-%m-%d %H:%M}"
        )
        with server(home, now, args.workers, args.fake) as base:
            asyncio.run(run_load(base, key, warm, 0, 0.0))  # warm every worker up
            results = asyncio.run(run_load(base, key, convs, args.race_every, args.think))
            problems = [] if args.fake else asyncio.run(verify(base, key, convs, results))
        figures = report(results, sent, problems, label)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
