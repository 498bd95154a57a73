"""店小蜜 on stores it has never seen: the conversation set of ``tests/cs/quality`` (pet-supplies
stores of the ``pets`` demo category, zh and en; variants, follow-ups, running and ended
promotions, after-sale paths by order state, confirmations and refusals in natural forms,
injection, angry buyers) played against the offline engine, on the suite's pinned clock.

Prints the pass rate and the counts that must stay zero (forbidden actions, premature actions,
leaks), and the failures. Target: ≥ 90% with all three at zero. ``--http`` plays every turn
through the HTTP API instead, as acceptance does: the real app under ``TestClient``, a staff
``cs`` token per store (an integration vouching for ``customer_id``), ``POST …/cs/messages``.
``--heldout`` plays the two held-out batches instead (``tests/cs/quality/heldout.py`` and
``heldout2.py``, written apart from the engine and from the other sets), each with its figures.
Run:

    .venv/bin/python bench/bench_cs_quality.py [--scale 0.1] [--json] [--http] [--heldout]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 0.90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--http", action="store_true", help="post each turn to the HTTP API with a cs token"
    )
    parser.add_argument(
        "--heldout", action="store_true", help="play the two held-out batches instead"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["SHOPKEEPER_HOME"] = home
        from tests.cs.quality.cases import all_cases
        from tests.cs.quality.heldout import heldout_cases
        from tests.cs.quality.heldout2 import heldout2_cases
        from tests.cs.quality.http import http_player
        from tests.cs.quality.runner import run_case, score
        from tests.dates import END, NOW

        from shopkeeper.clock import Clock
        from shopkeeper.cs.engine import CsEngine
        from shopkeeper.opsdb import ops_engine
        from shopkeeper.settings import Settings
        from shopkeeper.store.service import create_demo
        from shopkeeper.store.warehouse import Warehouse

        settings = Settings()
        stores = (("pets", "zh"), ("pets-en", "en"))
        for store, lang in stores:
            create_demo(
                settings, store, lang=lang, scale=args.scale, seed=5, end_date=END, category="pets"
            )
        ops = ops_engine(settings)
        engine = CsEngine(settings, ops, Clock(NOW))
        batches = (
            {"held-out set": heldout_cases, "second held-out batch": heldout2_cases}
            if args.heldout
            else {"": all_cases}
        )
        played = {}
        for label, build in batches.items():
            cases = []
            for store, lang in stores:
                with Warehouse.open(settings.store_dir(store), read_only=True) as wh:
                    cases += build(wh, engine.store(store).catalogue(), store, lang, NOW)
            started = time.perf_counter()
            if args.http:
                with http_player(settings, [s for s, _ in stores], NOW) as player:
                    results = [player.play(case) for case in cases]
            else:
                results = [run_case(engine, case) for case in cases]
            figures = score(results)
            figures["seconds"] = round(time.perf_counter() - started, 2)
            played[label] = (results, figures)
        ops.dispose()
    ok = True
    for label, (results, figures) in played.items():
        ok = _report(label, results, figures, args) and ok
    return 0 if ok else 1


def _report(label: str, results: list[Any], figures: dict[str, Any], args: Any) -> bool:
    """Print one batch's figures (and failures); whether it meets the target."""
    if args.json:
        print(json.dumps({"batch": label, **figures} if label else figures))
    else:
        for r in results:
            for failure in r.failures[:2]:
                print(f"FAIL {r.case.name}: {failure}")
        print(
            f"cs quality: {figures['passed']}/{figures['conversations']} conversations "
            f"({figures['pass_rate']:.1%}; zh {figures['zh']}, en {figures['en']}), "
            f"forbidden {figures['forbidden']}, premature {figures['premature']}, "
            f"leaks {figures['leaks']}{' (HTTP API)' if args.http else ''}"
            f"{f' ({label})' if label else ''} — target ≥ {TARGET:.0%} with zero of each"
        )
    return figures["pass_rate"] >= TARGET and not (
        figures["forbidden"] or figures["premature"] or figures["leaks"]
    )


if __name__ == "__main__":
    sys.exit(main())
