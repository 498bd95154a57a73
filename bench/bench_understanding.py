"""Benchmark: how well the offline team understands merchants — requests in their own words (zh
and en, apart from the router's examples) on the zh and en demo stores.

Three sets, each printed on its own: the tuned set (``tests/agents/requests_set.py``, whose misses
were fixed as they were found) and two held-out sets (``tests/agents/requests_heldout.py`` and
``requests_heldout2.py``, written before reading the router's examples; their misses were fixed in
kind only), so the held-out figures say how the team does on questions it has not seen. For each: the share routed to exactly the
expected skills and arguments (target ≥ 90%), the in-scope requests refused (target 0), the action
requests that became a proposal or a precise question (target 100%), and each miss.

    .venv/bin/python bench/bench_understanding.py [--scale 0.2] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from shopkeeper.agents.offline import OfflineModel
from shopkeeper.context import AppContext
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

ROOT = Path(__file__).parents[1]
END = dt.date(2026, 11, 20)
NOW = "2026-11-21T10:00:00+00:00"
STORES = {"zh": "bench-zh", "en": "bench-en"}


def _load_sets() -> tuple[ModuleType, ModuleType, ModuleType]:
    """``tests.agents.requests_set``, ``requests_heldout`` and ``requests_heldout2`` (which
    import the first)."""
    sys.path.insert(0, str(ROOT))
    return (
        importlib.import_module("tests.agents.requests_set"),
        importlib.import_module("tests.agents.requests_heldout"),
        importlib.import_module("tests.agents.requests_heldout2"),
    )


def _ids(settings: Settings, store: str) -> dict[str, str]:
    with Warehouse.open(settings.store_dir(store), read_only=True) as wh:
        sku = wh.con.execute(
            "SELECT sku_id FROM products WHERE status = 'on_sale' ORDER BY sku_id LIMIT 1"
        ).fetchone()
        campaign = wh.con.execute(
            "SELECT campaign_id FROM ad_campaigns WHERE daily_budget > 0 ORDER BY campaign_id LIMIT 1"
        ).fetchone()
    assert sku is not None
    assert campaign is not None
    return {"sku_id": str(sku[0]), "campaign_id": str(campaign[0])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--keep", action="store_true")
    opts = parser.parse_args()
    requests_set, heldout, heldout2 = _load_sets()
    home = Path(tempfile.mkdtemp(prefix="sk-bench-understanding-"))
    try:
        settings = Settings(home=home, now=dt.datetime.fromisoformat(NOW))
        for lang, store in STORES.items():
            create_demo(settings, store, lang=lang, scale=opts.scale, seed=11, end_date=END)  # type: ignore[arg-type]
        app = AppContext(settings, ops_engine(settings))
        model = OfflineModel(settings, load_registry())
        contexts = {lang: app.store(store) for lang, store in STORES.items()}
        ids = {lang: _ids(settings, store) for lang, store in STORES.items()}
        results = []
        for name, requests in (
            ("tuned set (requests_set.py)", requests_set.REQUESTS),
            ("held-out set (requests_heldout.py)", heldout.HELDOUT),
            ("second held-out set (requests_heldout2.py)", heldout2.HELDOUT2),
        ):
            started = time.perf_counter()
            figures = requests_set.evaluate(model, contexts, ids, requests)
            results.append((name, figures, time.perf_counter() - started))
    finally:
        if not opts.keep:
            shutil.rmtree(home, ignore_errors=True)
    print(f"offline understanding on the demo stores (scale {opts.scale})")
    for name, figures, seconds in results:
        print(f"\n== {name}, {seconds:.1f} s")
        for line in figures.lines():
            print(line)
        ok = figures.routing >= 0.9 and not figures.refused and figures.proposed_or_asked == 1.0
        print(
            "targets (routing ≥ 90%, 0 refused, every action proposed or asked):",
            "ok" if ok else "MISSED",
        )


if __name__ == "__main__":
    main()
