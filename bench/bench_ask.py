"""Benchmark: offline-mode ``ask`` on the demo store — routed questions answered in under 1 s.

Builds the demo store (scale 1) in a temporary home, then times routed zh/en questions through the
whole team (routing, the employee's skill call, the templated answer, the trace write): the first
question of the process (router and embedding model cold), the rest warm (median and p95), and one
``shopkeeper ask`` as a command in a fresh interpreter (median of five, after one uncounted run
that writes the bytecode caches as an installed package has them) — what a merchant waits for —
with its CPU time (user + system, all threads), the figure to compare on a machine that other
work shares.

    .venv/bin/python bench/bench_ask.py [--scale 1] [--keep]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shopkeeper.agents.service import ask
from shopkeeper.context import AppContext
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.service import create_demo

TARGET = 1.0
COMMAND_RUNS = 5
STORE = "bench"
QUESTIONS = (
    "上周卖了多少",
    "what were sales in the last 30 days",
    "卖得最好的5个商品",
    "哪些商品快断货了",
    "which campaigns lose money",
    "最近退款率是多少",
    "帮我做客户分群",
    "哪些关键词带来成交",
    "有多少订单还没发货",
    "今天店铺有什么问题",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true")
    opts = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sk-bench-ask-"))
    try:
        settings = Settings(home=home)
        create_demo(settings, STORE, scale=opts.scale, seed=7)
        times: list[tuple[str, float, list[str]]] = []
        app = AppContext(settings, ops_engine(settings))  # the process's edge, built once
        for q in QUESTIONS:
            started = time.perf_counter()
            result = ask(app, STORE, q)
            times.append((q, time.perf_counter() - started, result.skills))
        env = {**os.environ, "SHOPKEEPER_HOME": str(home)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [
            str(Path(sys.executable).with_name("shopkeeper")),
            "ask",
            QUESTIONS[0],
            "--store",
            STORE,
        ]
        subprocess.run(command, env=env, check=True, capture_output=True)  # bytecode caches
        runs, cpu = [], []
        for _ in range(COMMAND_RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            runs.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        cli = statistics.median(runs)
    finally:
        if not opts.keep:
            shutil.rmtree(home, ignore_errors=True)
    print(
        f"offline ask on the demo store (scale {opts.scale}), target < {TARGET:.1f} s per routed question"
    )
    for q, seconds, skills in times:
        print(f"  {seconds * 1000:8.1f} ms  {q}  → {', '.join(skills) or '(not routed)'}")
    warm = sorted(t for _, t, _ in times[1:])
    p95 = warm[min(len(warm) - 1, round(0.95 * (len(warm) - 1)))]
    rows = [
        ("first question (cold)", times[0][1]),
        ("warm median", statistics.median(warm)),
        ("warm p95", p95),
        (f"`shopkeeper ask` command (median of {COMMAND_RUNS})", cli),
        ("  its CPU time (median)", statistics.median(cpu)),
    ]
    for label, seconds in rows:
        verdict = "ok" if seconds < TARGET else "OVER"
        print(f"{label:40} {seconds:6.3f} s  {verdict}")


if __name__ == "__main__":
    main()
