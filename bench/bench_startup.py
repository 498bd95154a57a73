"""Benchmark: how long a merchant waits for a command, as a whole process, against a baseline.

Times ``shopkeeper --version`` and ``shopkeeper inspect --store bench`` (median and max of
``--runs`` fresh interpreters each) on a demo store built with a fixed end date, for the working
tree and for a baseline revision of this repository (``--baseline``, default the commit before the
start-up work) checked out with ``git archive`` into a temporary folder and run with the same
virtual environment — so both figures come from the same machine in the same run.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--baseline REV] [--scale 1]

Targets (issue 11): ``--version`` under 0.3 s and ``inspect`` under 1.0 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"--version": 0.3, "inspect": 1.0}
END = dt.date(2026, 11, 20)
DEFAULT_BASELINE = "50972d6"  # the last landing before lazy command loading


def _checkout(rev: str, into: Path) -> Path | None:
    """The ``src`` folder of ``rev``, extracted under ``into``; None when git cannot give it."""
    try:
        data = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"baseline {rev!r} unavailable: {exc}", file=sys.stderr)
        return None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _time(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--scale", type=float, default=1.0)
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-startup-"))
    try:
        home = tmp / "home"
        env = {
            **os.environ,
            "SHOPKEEPER_HOME": str(home),
            "SHOPKEEPER_NOW": f"{END + dt.timedelta(days=1)}T10:00:00+08:00",
        }
        subprocess.run(
            [sys.executable, "-c", _BUILD.format(scale=opts.scale, end=END.isoformat())],
            env=env,
            check=True,
        )
        trees: dict[str, dict[str, str]] = {"working tree": env}
        base_src = _checkout(opts.baseline, tmp / "baseline")
        if base_src is not None:
            trees[f"baseline {opts.baseline}"] = {**env, "PYTHONPATH": str(base_src)}
        for src in [ROOT / "src", *([base_src] if base_src is not None else [])]:
            # compiled as an installed wheel is (and as `make` does): both trees time running, not
            # compiling, even where PYTHONDONTWRITEBYTECODE keeps Python from caching bytecode
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)
        cli = [sys.executable, "-m", "shopkeeper.cli"]
        commands = {"--version": [*cli, "--version"], "inspect": [*cli, "inspect", "-s", "bench"]}
        print(f"{'command':<12} {'tree':<22} {'median s':>9} {'max s':>7}  target")
        for name, argv in commands.items():
            for tree, tree_env in trees.items():
                median, worst = _time(argv, tree_env, opts.runs)
                verdict = "ok" if median < TARGETS[name] else "MISSED"
                print(
                    f"{name:<12} {tree:<22} {median:9.3f} {worst:7.3f}  < {TARGETS[name]} {verdict}"
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_BUILD = """
import datetime as dt
from shopkeeper.settings import Settings
from shopkeeper.store.service import create_demo
create_demo(Settings(), "bench", scale={scale}, seed=7, end_date=dt.date.fromisoformat("{end}"))
"""

if __name__ == "__main__":
    main()
