"""Benchmark: the inspection vs one DuckDB scan of the same tables, on the demo store and a 5M-line store.

Targets (issue #3): the demo store (~150k order lines) inspected in under 2 s; the 5M-order-line
store in under 10 s and within 3x of the time DuckDB needs to scan the tables the inspection reads
once (every value of every column of every table: ``SELECT sum(hash(COLUMNS(*)))``; ``max`` could be answered
from zone maps without reading), measured in the same run.

    .venv/bin/python bench/bench_inspection.py [--scale 33] [--keep] [--large-dir DIR]

``--large-dir`` times an already imported store folder as the large store instead of building
one (for instance the one bench/bench_web.py keeps:
``/tmp/shopkeeper-bench-web/home-2026-11-30/stores/large``; the inspection only reads it).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store
from shopkeeper.store.schema import TABLES
from shopkeeper.store.warehouse import Warehouse, store_dir

OUT = Path(__file__).resolve().parent / "out"
TARGETS = {"demo": 2.0, "large": 10.0}
TARGET_RATIO = 3.0


def build(name: str, scale: float, seed: int, home: Path) -> Path:
    """Generate and import a demo store once (kept under bench/out for later runs)."""
    settings = Settings(home=home)
    folder = OUT / f"demo-{name}-{scale}"
    if not (folder / "planted.json").exists():
        t = time.perf_counter()
        generate_store(folder, scale=scale, seed=seed)
        print(f"generated {name} (scale {scale}) in {time.perf_counter() - t:.1f} s", flush=True)
    if not (store_dir(settings, name) / "warehouse.duckdb").exists():
        t = time.perf_counter()
        import_store(folder, name, settings=settings)
        print(f"imported {name} in {time.perf_counter() - t:.1f} s", flush=True)
    return store_dir(settings, name)


def measure(directory: Path, name: str, rounds: int) -> dict[str, float]:
    """Median inspection time and median full-scan time, alternating, in one process."""
    inspect_s, scan_s = [], []
    with Warehouse.open(directory, read_only=True) as wh:
        rows = wh.count("order_items")
        for _ in range(rounds):
            t = time.perf_counter()
            report = inspect_store(wh, name)
            inspect_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            for table in TABLES:
                wh.con.execute(f'SELECT sum(hash(COLUMNS(*))) FROM "{table}"').fetchall()
            scan_s.append(time.perf_counter() - t)
    ins, scan = statistics.median(inspect_s), statistics.median(scan_s)
    return {
        "order_lines": rows,
        "findings": len(report.findings),
        "inspect_s": round(ins, 3),
        "scan_s": round(scan, 3),
        "ratio": round(ins / scan, 2),
    }


def main() -> None:
    """Build both stores, time, print, compare with the targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scale", type=float, default=33.0, help="scale of the large store (33 ≈ 5M order lines)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--large-dir", type=Path, help="an imported store folder to time as the large store"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated stores for the next run"
    )
    args = parser.parse_args()
    home = OUT / "inspection-home"
    results = {}
    ok = True
    for name, scale, seed in (("demo", 1.0, 7), ("large", args.scale, 11)):
        if name == "large" and args.large_dir is not None:
            results[name] = measure(args.large_dir, args.large_dir.name, args.rounds)
        else:
            results[name] = measure(build(name, scale, seed, home), name, args.rounds)
        r = results[name]
        within = r["inspect_s"] <= TARGETS[name] and (name == "demo" or r["ratio"] <= TARGET_RATIO)
        ok &= within
        print(
            f"{'PASS' if within else 'FAIL'} {name}: {r['order_lines']:,} order lines, inspection {r['inspect_s']:.2f} s "
            f"(target {TARGETS[name]} s), one scan of all tables {r['scan_s']:.2f} s, ratio {r['ratio']:.2f}"
            + ("" if name == "demo" else f" (target ≤ {TARGET_RATIO})"),
            flush=True,
        )
    print(json.dumps(results, indent=2))
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
