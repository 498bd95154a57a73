"""Benchmark: the inspection and the daily / weekly reports on a freshly built demo store.

Targets (reports issue): inspection under 2 s, either report under 3 s on the demo store at scale 1
(~150k order lines). Each figure is the median of ``--rounds`` runs in this process (imports warm),
and once more as a whole CLI command in a fresh interpreter (imports cold), which is what a merchant
waits for.

    .venv/bin/python bench/bench_reports.py [--scale 1] [--lang zh] [--rounds 3] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from shopkeeper.context import AppContext, StoreContext
from shopkeeper.inspection.service import run_inspection
from shopkeeper.opsdb import ops_engine
from shopkeeper.reports.html import render_report_html
from shopkeeper.reports.markdown import render_report_md
from shopkeeper.reports.service import run_report
from shopkeeper.settings import Settings
from shopkeeper.store.service import create_demo

TARGETS = {"inspection": 2.0, "daily report": 3.0, "weekly report": 3.0}
STORE = "bench"


def median_seconds(job: Callable[[], object], rounds: int) -> float:
    """Median wall time of ``job`` over ``rounds`` runs."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cli_seconds(home: Path, *args: str) -> float:
    """Wall time of one ``shopkeeper`` command in a fresh interpreter."""
    env = {**os.environ, "SHOPKEEPER_HOME": str(home)}
    started = time.perf_counter()
    command = Path(sys.executable).with_name("shopkeeper")
    subprocess.run([str(command), *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def report_job(store: StoreContext, kind: str) -> Callable[[], object]:
    """Build the owner's report and render it as HTML and markdown."""

    def job() -> object:
        report = run_report(store, kind=kind)  # type: ignore[arg-type]
        return render_report_html(report), render_report_md(report)

    return job


def main() -> None:
    """Build the store, time the three jobs, print the figures and the verdict."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary SHOPKEEPER_HOME")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sk-bench-reports-"))
    settings = Settings(home=home)
    try:
        started = time.perf_counter()
        demo = create_demo(settings, STORE, lang=args.lang, scale=args.scale)
        lines = demo.report.tables["order_items"].imported
        print(
            f"built demo store ({lines:,} order lines, scale {args.scale}) in {time.perf_counter() - started:.1f} s"
        )
        store = AppContext(settings, ops_engine(settings)).store(STORE)  # built once, as an edge
        warm = {
            "inspection": median_seconds(
                lambda: run_inspection(store, remember=False), args.rounds
            ),
            "daily report": median_seconds(report_job(store, "daily"), args.rounds),
            "weekly report": median_seconds(report_job(store, "weekly"), args.rounds),
        }
        out = home / "out"
        out.mkdir()
        cold = {
            "inspection": cli_seconds(
                home, "inspect", "--store", STORE, "--format", "json", "--out", str(out / "i.json")
            ),
            "daily report": cli_seconds(
                home,
                "report",
                "daily",
                "--store",
                STORE,
                "--format",
                "html",
                "--out",
                str(out / "d.html"),
            ),
            "weekly report": cli_seconds(
                home,
                "report",
                "weekly",
                "--store",
                STORE,
                "--format",
                "html",
                "--out",
                str(out / "w.html"),
            ),
        }
        print(
            json.dumps(
                {
                    "order_lines": lines,
                    "warm_median_s": warm,
                    "cold_cli_s": cold,
                    "targets_s": TARGETS,
                },
                indent=2,
            )
        )
        ok = True
        for name, target in TARGETS.items():
            worst = max(warm[name], cold[name])
            ok &= worst < target
            verdict = "PASS" if worst < target else "FAIL"
            print(
                f"{verdict}: {name} {warm[name]:.2f} s warm, {cold[name]:.2f} s as a command (target {target:.0f} s)"
            )
        sys.exit(0 if ok else 1)
    finally:
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
