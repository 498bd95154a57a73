"""Benchmark: copurchase_bundles on the UCI Online Retail shop — time and peak memory.

Targets (issue #12): the defaults (the last 90 days, the whole store) in under 10 s and 1 GiB peak
RSS; the whole last year in under 30 s and 2 GiB. Each case runs in a fresh subprocess (so its peak
RSS, from ``resource.getrusage``, is its own) on a store imported once into a temporary
SHOPKEEPER_HOME; the dataset is read in place. CPU seconds are printed too: on a shared machine the
wall time depends on the load.

    .venv/bin/python bench/bench_bundles.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from shopkeeper.settings import Settings
from shopkeeper.store.service import import_online_retail

ROOT = Path(__file__).resolve().parents[1]
CASES = {"defaults (90 days)": ({"days": 90}, 10.0, 1.0), "last year": ({"days": 365}, 30.0, 2.0)}

CHILD = """
import json, resource, sys, time
from pathlib import Path
from shopkeeper.context import AppContext
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry
settings = Settings(home=Path(sys.argv[1]))
skill = load_registry(packs=[]).get("copurchase_bundles")
ctx = AppContext(settings, ops_engine(settings)).store("uk", "en")
t, u0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
out = skill(ctx, json.loads(sys.argv[2]))
seconds = time.perf_counter() - t
u1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = u1.ru_utime + u1.ru_stime - u0.ru_utime - u0.ru_stime
peak = u1.ru_maxrss / 2**20
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_gib": peak, "baskets": out.baskets,
                  "skipped": out.skipped_baskets, "min_orders": out.min_orders, "rules": len(out.rules)}))
"""


def main() -> int:
    """Import the shop, run each case in a subprocess, print the figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    opts = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as home:
        import_online_retail(Settings(home=Path(home)), "uk", path=opts.datasets / "online_retail")
        print(
            f"{'case':<20} {'seconds':>8} {'cpu s':>6} {'peak GiB':>9} {'baskets':>8} {'skipped':>8} {'min orders':>10} {'rules':>6}"
        )
        for name, (args, max_s, max_gib) in CASES.items():
            run = subprocess.run(
                [sys.executable, "-c", CHILD, home, json.dumps(args)],
                capture_output=True,
                text=True,
            )
            if run.returncode:
                print(f"{name}: failed\n{run.stderr[-2000:]}")
                return 1
            r = json.loads(run.stdout.strip().splitlines()[-1])
            ok = r["seconds"] < max_s and r["peak_gib"] < max_gib
            failed |= not ok
            print(
                f"{name:<20} {r['seconds']:>8.2f} {r['cpu']:>6.1f} {r['peak_gib']:>9.2f} {r['baskets']:>8} {r['skipped']:>8}"
                f" {r['min_orders']:>10} {r['rules']:>6}  target < {max_s:g} s, < {max_gib:g} GiB: "
                + ("ok" if ok else "MISSED")
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
