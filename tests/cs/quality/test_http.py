"""The conversation set through the HTTP API with a staff ``cs`` token (as acceptance drives it)
gets the same verdicts as in process: a sample of every fifth case, on fresh copies of the stores
(a conversation's actions change its orders, so each way plays on its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.clock import Clock
from shopkeeper.cs.engine import CsEngine
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.warehouse import Warehouse

from ...dates import NOW
from .cases import all_cases
from .conftest import STORES, make_stores
from .http import http_player
from .runner import Case, Result, run_case


def _fresh(home: Path, mp: pytest.MonkeyPatch) -> Settings:
    mp.setenv("SHOPKEEPER_HOME", str(home))
    get_settings.cache_clear()
    return make_stores(Settings())


def _sample(settings: Settings, engine: CsEngine) -> list[Case]:
    cases: list[Case] = []
    for store, lang in STORES:
        with Warehouse.open(settings.store_dir(store), read_only=True) as wh:
            cases += all_cases(wh, engine.store(store).catalogue(), store, lang, NOW)
    return cases[::5]


def _verdicts(results: list[Result]) -> dict[str, tuple[bool, int, int, int]]:
    return {r.case.name: (r.passed, r.forbidden, r.premature, r.leaks) for r in results}


def test_the_http_api_gives_the_same_verdicts(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        settings = _fresh(tmp_path / "in-process", mp)
        ops = ops_engine(settings)
        engine = CsEngine(settings, ops, Clock(NOW))
        sample = _sample(settings, engine)
        local = [run_case(engine, case) for case in sample]
        ops.dispose()

        settings = _fresh(tmp_path / "http", mp)
        with http_player(settings, [s for s, _ in STORES], NOW) as player:
            remote = [player.play(case) for case in sample]
    get_settings.cache_clear()
    assert len(sample) >= 20
    assert {c.lang for c in sample} == {"zh", "en"}
    assert any(len(c.turns) > 1 for c in sample)  # confirmations go through the API too
    assert _verdicts(remote) == _verdicts(local), [r.failures[:1] for r in remote]
    assert sum(r.passed for r in remote) >= 0.9 * len(remote)


def test_the_console_over_the_real_engine(tmp_path: Path) -> None:
    """The queue lists each conversation once with its last message; the console shows the
    handoff reason (stored in the store's language) in the agent's language."""
    with pytest.MonkeyPatch.context() as mp:
        settings = _fresh(tmp_path, mp)
        with http_player(settings, ["pets"], NOW) as player:
            c, headers = player.client, {"Authorization": f"Bearer {player.tokens['pets']}"}
            for conv, text in (
                ("a", "你好"),
                ("a", "豆腐猫砂多少钱"),
                ("b", "你们发错货了！太垃圾了，找人工"),
            ):
                body = {"conversation_id": conv, "customer_id": "hw-buyer", "text": text}
                assert c.post("/v1/stores/pets/cs/messages", json=body, headers=headers).is_success
            queue = c.get("/v1/stores/pets/cs/queue", headers=headers).json()
            login = {"token": player.tokens["pets"]}
            c.post("/console/pets/login", data=login, headers={"Origin": "http://testserver"})
            en = c.get("/console/pets", params={"lang": "en"}).text
            zh = c.get("/console/pets").text
    get_settings.cache_clear()
    assert sorted(q["conversation_id"] for q in queue) == ["a", "b"]
    assert all(q["last_message"] for q in queue)
    assert "buyer is angry / complaint" in en
    assert "买家情绪激动/投诉" not in en
    assert "买家情绪激动/投诉" in zh
    assert "hw-buyer · a" in zh
