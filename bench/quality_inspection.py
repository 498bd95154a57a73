"""Inspection quality: recall on planted problems and false alarms on healthy controls, per kind.

Builds generated stores over seeds, sizes, languages and categories — with problems planted, as
healthy controls, and inspected in the middle of Double 11 — inspects each, and prints per finding
kind: planted, found, recall; findings on planted stores that match nothing planted; and findings
on healthy controls (false alarms). Targets: recall ≥ 0.9 and no false alarm on healthy controls.

    .venv/bin/python bench/quality_inspection.py [--quick] [--json out.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from shopkeeper.inspection.engine import inspect_store
from shopkeeper.inspection.evaluation import score
from shopkeeper.settings import Settings
from shopkeeper.store.demo import generate_store
from shopkeeper.store.importer import import_store
from shopkeeper.store.warehouse import Warehouse, store_dir

TARGET_RECALL = 0.9


@dataclass(frozen=True)
class Case:
    """One generated store."""

    name: str
    lang: str
    category: str
    scale: float
    seed: int
    healthy: bool = False
    end_date: dt.date = dt.date(2026, 11, 20)  # fixed: the figures do not move with the calendar


def cases(quick: bool) -> list[Case]:
    """The matrix of stores to build."""
    out = []
    seeds = (1, 2) if quick else (1, 2, 3)
    for seed in seeds:
        for lang, category in (("zh", "coffee"), ("en", "snacks"), ("zh", "beauty")):
            out.append(Case(f"{lang}-{category}-s{seed}", lang, category, 1.0, seed))
            out.append(
                Case(f"{lang}-{category}-s{seed}-healthy", lang, category, 1.0, seed, healthy=True)
            )
    out.append(Case("small-zh-s5", "zh", "coffee", 0.03, 5))
    out.append(Case("small-zh-s5-healthy", "zh", "coffee", 0.03, 5, healthy=True))
    out.append(Case("double11-zh-s6", "zh", "coffee", 1.0, 6, end_date=dt.date(2026, 11, 12)))
    out.append(
        Case(
            "double11-zh-s6-healthy",
            "zh",
            "coffee",
            1.0,
            6,
            healthy=True,
            end_date=dt.date(2026, 11, 14),
        )
    )
    if not quick:
        out.append(Case("large-en-s7", "en", "coffee", 8.0, 7))
        out.append(Case("large-en-s7-healthy", "en", "coffee", 8.0, 7, healthy=True))
    return out


def run_case(case: Case, home: Path) -> dict[str, object]:
    """Generate, import and inspect one store; return its score."""
    settings = Settings(home=home)
    folder = home / "src" / case.name
    manifest = generate_store(
        folder,
        lang=case.lang,
        scale=case.scale,
        seed=case.seed,
        category=case.category,  # type: ignore[arg-type]
        problems=() if case.healthy else None,
        end_date=case.end_date,
    )
    import_store(folder, case.name, settings=settings)
    with Warehouse.open(store_dir(settings, case.name), read_only=True) as wh:
        started = time.perf_counter()
        report = inspect_store(wh, case.name)  # the default day, as `shopkeeper inspect` uses
        seconds = time.perf_counter() - started
    s = score(report.findings, [p.model_dump() for p in manifest.planted])
    return {
        "case": case.name,
        "healthy": case.healthy,
        "seconds": round(seconds, 2),
        "score": s,
        "orders": manifest.row_counts.get("orders", 0),
    }


def main() -> None:
    """Run the matrix and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer seeds, no large store")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sk-quality-"))
    planted: dict[str, int] = defaultdict(int)
    found: dict[str, int] = defaultdict(int)
    unplanted: dict[str, int] = defaultdict(int)
    false_alarms: dict[str, int] = defaultdict(int)
    missed: dict[str, list[str]] = defaultdict(list)
    rows = []
    try:
        for case in cases(args.quick):
            result = run_case(case, home)
            rows.append(result)
            s = result["score"]
            assert hasattr(s, "kinds")
            for kind, k in s.kinds.items():
                planted[kind] += k.planted
                found[kind] += k.found
                (false_alarms if case.healthy else unplanted)[kind] += k.unplanted
                missed[kind] += [f"{case.name}:{m}" for m in k.missed]
            print(
                f"{case.name:28s} orders {result['orders']:>8,} inspect {result['seconds']:5.2f}s "
                f"recall {s.recall:.2f} {'false alarms' if case.healthy else 'unplanted'} {s.unplanted}",
                flush=True,
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"\n{'kind':22s} {'planted':>7s} {'found':>6s} {'recall':>6s} {'unplanted':>9s} {'false alarms (healthy)':>22s}"
    )
    kinds = sorted(set(planted) | set(false_alarms) | set(unplanted))
    for kind in kinds:
        recall = found[kind] / planted[kind] if planted[kind] else float("nan")
        print(
            f"{kind:22s} {planted[kind]:7d} {found[kind]:6d} {recall:6.2f} {unplanted[kind]:9d} {false_alarms[kind]:22d}"
        )
    total_recall = sum(found.values()) / max(sum(planted.values()), 1)
    total_false = sum(false_alarms.values())
    print(
        f"\noverall recall {total_recall:.3f} (target ≥ {TARGET_RECALL}); false alarms on healthy controls: {total_false} (target 0)"
    )
    for kind in kinds:
        if missed[kind]:
            print(
                f"missed {kind}: {', '.join(missed[kind][:6])}{' …' if len(missed[kind]) > 6 else ''}"
            )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "recall": total_recall,
                    "false_alarms": total_false,
                    "per_kind": {
                        k: {
                            "planted": planted[k],
                            "found": found[k],
                            "unplanted": unplanted[k],
                            "false_alarms": false_alarms[k],
                        }
                        for k in kinds
                    },
                },
                indent=2,
            )
        )
    sys.exit(0 if total_recall >= TARGET_RECALL and total_false == 0 else 1)


if __name__ == "__main__":
    main()
