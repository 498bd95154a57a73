"""Benchmark: import of a store with N order_items lines vs. DuckDB's own read_csv of the same files.

Targets (issue #2): import within 2x of DuckDB's read_csv (same files, same run) and peak memory
under 2 GiB. Both sides run in fresh subprocesses, alternating over several rounds; medians are compared, and
peak RSS is measured per process.

    .venv/bin/python bench/bench_import.py [--lines 5000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

OUT = Path(__file__).resolve().parent / "out"
TARGET_RATIO = 2.0
TARGET_PEAK_GIB = 2.0


def build_store(folder: Path, lines: int) -> None:
    """A contract store with ``lines`` order_items rows (~3 lines per order), written by DuckDB."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "store.toml").write_text(
        'name = "bench"\nplatform = "tmall"\ntimezone = "Asia/Shanghai"\nlanguage = "zh"\n'
    )
    orders = lines // 3
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'SKU' || lpad(range::VARCHAR, 5, '0') AS sku_id, 'P' || (range // 3)::VARCHAR AS product_id,
            '云南小粒咖啡豆 中深烘焙 ' || range::VARCHAR AS title, '咖啡/咖啡豆' AS category,
            (19.9 + range % 80)::DECIMAL(10,2) AS price, (9.5 + range % 40)::DECIMAL(10,2) AS cost
            FROM range(300)) TO '{folder / "products.csv"}' (HEADER)"""
    )
    con.execute(
        f"""COPY (SELECT 'O' || lpad(range::VARCHAR, 10, '0') AS order_id, 'c' || (range % 200000)::VARCHAR AS customer_id,
            strftime(TIMESTAMP '2026-05-01' + to_seconds(range * 9), '%Y-%m-%d %H:%M:%S') AS created_at,
            strftime(TIMESTAMP '2026-05-01' + to_seconds(range * 9 + 60), '%Y-%m-%d %H:%M:%S') AS paid_at,
            'completed' AS status, (59 + range % 300)::DECIMAL(10,2) AS pay_amount, 0 AS shipping_fee,
            '浙江省' AS receiver_province, '杭州市' AS receiver_city
            FROM range({orders})) TO '{folder / "orders.csv"}' (HEADER)"""
    )
    con.execute(
        f"""COPY (SELECT 'O' || lpad((range // 3)::VARCHAR, 10, '0') AS order_id, range % 3 + 1 AS line_no,
            'SKU' || lpad((hash(range) % 300)::VARCHAR, 5, '0') AS sku_id, 1 + range % 4 AS quantity,
            (19.9 + range % 80)::DECIMAL(10,2) AS unit_price, (17.5 + range % 80)::DECIMAL(10,2) AS paid_amount
            FROM range({orders * 3})) TO '{folder / "order_items.csv"}' (HEADER)"""
    )
    con.close()


_BASELINE = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[1])
t = time.perf_counter()
for name in ("products", "orders", "order_items"):
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{sys.argv[2]}/{name}.csv')")
print(time.perf_counter() - t)
"""

_OURS = """
import sys, time
from pathlib import Path
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
t = time.perf_counter()
report = import_store(Path(sys.argv[2]), "bench", settings=Settings(home=Path(sys.argv[1])))
assert report.bad_rows == 0, report.warnings
print(time.perf_counter() - t)
"""


def run(script: str, *args: str) -> tuple[float, float]:
    """Run a script in a fresh interpreter; return (seconds it printed, its own peak RSS in GiB)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"benchmark child failed with exit code {proc.returncode}")
    return float(out.strip().splitlines()[-1]), usage.ru_maxrss / 2**20


def main() -> None:
    """Build the store, time both sides, print figures and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs of each side (medians compared)"
    )
    args = parser.parse_args()
    folder = OUT / f"store-{args.lines}"
    if not (folder / "order_items.csv").exists():
        t = time.perf_counter()
        build_store(folder, args.lines)
        print(f"built {args.lines:,}-line store in {time.perf_counter() - t:.1f} s at {folder}")
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20
    work = OUT / "work"
    base_runs: list[tuple[float, float]] = []
    ours_runs: list[tuple[float, float]] = []
    for _ in range(args.rounds):  # alternate the two sides so machine noise hits both alike
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        base_runs.append(run(_BASELINE, str(work / "baseline.duckdb"), str(folder)))
        ours_runs.append(run(_OURS, str(work / "home"), str(folder)))
    base_s = statistics.median(r[0] for r in base_runs)
    ours_s = statistics.median(r[0] for r in ours_runs)
    ours_peak = max(r[1] for r in ours_runs)
    ratio = ours_s / base_s
    result = {
        "order_items_lines": args.lines,
        "csv_mib": round(size, 1),
        "rounds": args.rounds,
        "duckdb_read_csv_s": [round(r[0], 2) for r in base_runs],
        "shopkeeper_import_s": [round(r[0], 2) for r in ours_runs],
        "ratio_of_medians": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "peak_rss_gib": round(ours_peak, 2),
        "target_peak_gib": TARGET_PEAK_GIB,
        "baseline_peak_rss_gib": round(max(r[1] for r in base_runs), 2),
    }
    print(json.dumps(result, indent=2))
    ok = ratio <= TARGET_RATIO and ours_peak <= TARGET_PEAK_GIB
    print(
        ("PASS" if ok else "FAIL")
        + f": import {ours_s:.2f} s = {ratio:.2f}x read_csv {base_s:.2f} s (medians); peak {ours_peak:.2f} GiB"
    )
    shutil.rmtree(work, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
