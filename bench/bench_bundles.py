"""Benchmark: copurchase_bundles on the UCI Online Retail shop — time and peak memory.

Targets (issue #12): the defaults (the last 90 days, the whole store) in under 10 s and 1 GiB peak
RSS; the whole last year in under 30 s and 2 GiB. The store is imported once into a temporary
SHOPKEEPER_HOME (not timed; the dataset is read in place). Each run is a fresh subprocess, so its
peak RSS (``VmHWM``; ``ru_maxrss`` would count the importing parent's memory inherited through the
fork) is its own; each figure is the median of ``--rounds`` runs. The machine is shared, so the load
average is printed, and ``--baseline`` times another ``itemsets.py`` (say, the last commit's)
alternating with the current one in the same rounds, and checks that both give the same answer:

    git show HEAD:src/shopkeeper/skills/itemsets.py > /tmp/itemsets_before.py
    .venv/bin/python bench/bench_bundles.py [--datasets ../shared/datasets] [--baseline /tmp/itemsets_before.py]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from shopkeeper.settings import Settings
from shopkeeper.store.service import import_online_retail

ROOT = Path(__file__).resolve().parents[1]
CASES = {"defaults (90 days)": ({"days": 90}, 10.0, 1.0), "last year": ({"days": 365}, 30.0, 2.0)}

CHILD = """
import hashlib, importlib.util, json, resource, sys, time
from pathlib import Path
from shopkeeper.context import AppContext
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry
import shopkeeper.skills.bundles
if sys.argv[3]:  # the baseline's mine() in place of the current one
    spec = importlib.util.spec_from_file_location("baseline_itemsets", sys.argv[3])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    shopkeeper.skills.bundles.mine = module.mine
def peak_gib():
    try:
        with open("/proc/self/status") as fh:
            return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
settings = Settings(home=Path(sys.argv[1]))
skill = load_registry(packs=[]).get("copurchase_bundles")
ctx = AppContext(settings, ops_engine(settings)).store("uk", "en")
before = peak_gib()
t, u0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
out = skill(ctx, json.loads(sys.argv[2]))
seconds = time.perf_counter() - t
u1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_gib": peak_gib(), "before_gib": before,
                  "baskets": out.baskets, "skipped": out.skipped_baskets, "min_orders": out.min_orders,
                  "rules": len(out.rules), "answer": hashlib.sha256(out.model_dump_json().encode()).hexdigest()}))
"""

HEAD = (
    f"{'case':<20} {'side':<8} {'seconds':>8} {'cpu s':>6} {'peak GiB':>9} {'(at start)':>10}"
    f" {'baskets':>8} {'skipped':>8} {'min orders':>10} {'rules':>6}"
)


def run_once(home: str, args: dict[str, Any], baseline: Path | None) -> dict[str, Any]:
    """One run of the skill in a fresh subprocess (with the baseline's ``mine`` when given)."""
    run = subprocess.run(
        [sys.executable, "-c", CHILD, home, json.dumps(args), str(baseline or "")],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise SystemExit(f"copurchase_bundles {args} failed:\n{run.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median time and CPU, highest peak, of a side's runs."""
    return runs[0] | {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak_gib": max(r["peak_gib"] for r in runs),
        "before_gib": max(r["before_gib"] for r in runs),
    }


def line(name: str, side: str, r: dict[str, Any]) -> str:
    """One row of the table."""
    return (
        f"{name:<20} {side:<8} {r['seconds']:>8.2f} {r['cpu']:>6.1f} {r['peak_gib']:>9.2f}"
        f" {r['before_gib']:>10.2f} {r['baskets']:>8} {r['skipped']:>8} {r['min_orders']:>10} {r['rules']:>6}"
    )


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes) and its CPU count."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> int:
    """Import the shop, run each case in subprocesses, print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side (medians shown)")
    parser.add_argument(
        "--baseline", type=Path, help="an itemsets.py to compare with, alternating in each round"
    )
    opts = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as home:
        import_online_retail(Settings(home=Path(home)), "uk", path=opts.datasets / "online_retail")
        print(f"{load()} (start)\n{HEAD}")
        for name, (args, max_s, max_gib) in CASES.items():
            sides: dict[str, list[dict[str, Any]]] = {"current": []}
            if opts.baseline:
                sides["baseline"] = []
            for _ in range(opts.rounds):
                for side, runs in sides.items():
                    runs.append(run_once(home, args, opts.baseline if side == "baseline" else None))
            figures = {side: summary(runs) for side, runs in sides.items()}
            for side, r in sorted(figures.items()):
                print(line(name, side, r))
            r = figures["current"]
            ok = r["seconds"] < max_s and r["peak_gib"] < max_gib
            note = f"target < {max_s:g} s, < {max_gib:g} GiB: " + ("ok" if ok else "MISSED")
            if "baseline" in figures:
                b = figures["baseline"]
                same = {x["answer"] for x in sides["current"] + sides["baseline"]} == {r["answer"]}
                ok &= same
                note += (
                    f"; {b['seconds'] / r['seconds']:.1f}x faster than the baseline (medians),"
                    f" same answer: {'yes' if same else 'NO'}"
                )
            failed |= not ok
            print(f"{'':<20} {note}")
        print(f"{load()} (end)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
