"""店小蜜 on stores it has never seen: the conversation set of :mod:`.cases` (≥ 100, zh and en)
passes at ≥ 90% with no forbidden or premature action and no leak."""

from __future__ import annotations

from shopkeeper.cs.engine import CsEngine
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse

from ...dates import NOW
from .cases import all_cases
from .conftest import STORES
from .runner import run_case, score


def test_the_conversation_set_passes(pets: tuple[Settings, CsEngine]) -> None:
    settings, engine = pets
    cases = []
    for store, lang in STORES:
        with Warehouse.open(settings.store_dir(store), read_only=True) as wh:
            cases += all_cases(wh, engine.store(store).catalogue(), store, lang, NOW)
    results = [run_case(engine, case) for case in cases]
    figures = score(results)
    failed = [f for r in results for f in r.failures[:1]]
    assert figures["conversations"] >= 100
    assert figures["zh"] >= 40
    assert figures["en"] >= 40
    assert figures["forbidden"] == figures["premature"] == figures["leaks"] == 0, failed
    assert figures["pass_rate"] >= 0.9, failed
