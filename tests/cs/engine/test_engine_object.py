"""The conversation engine is one object: its clock, database and per-store resources are its
own (passed in or held by it), never module-level state."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

import shopkeeper.cs.engine as engine_package
from shopkeeper.cs.aftersale.policy import POLICY_FILE
from shopkeeper.cs.engine import CsEngine
from shopkeeper.cs.messages import CsMessage
from shopkeeper.errors import StoreNotFound
from shopkeeper.opsdb import cs_suggestions

from .conftest import NOW, STORE, Demo, WordEmbedder

MOMENT = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)


def _engine(demo: Demo, clock: dt.datetime = MOMENT) -> CsEngine:
    return CsEngine(demo.settings, demo.ops, lambda: clock, embedder=WordEmbedder())


def test_a_turn_and_a_suggestion_run_on_the_engines_clock(demo: Demo) -> None:
    cs = _engine(demo)
    conv = demo.conversation()
    message = CsMessage(conversation_id=conv, customer_id="c-clock", text="你好")
    assert cs.handle_message(STORE, message).at == MOMENT  # no ``now``: the engine's clock
    found = cs.suggest(STORE, conv, "咖啡滤纸是什么材质的")
    with demo.ops.connect() as conn:
        at = conn.execute(
            select(cs_suggestions.c.created_at).where(
                cs_suggestions.c.suggestion_id == found[0].suggestion_id
            )
        ).scalar_one()
    assert at.replace(tzinfo=dt.UTC) == MOMENT


def test_the_after_sale_tools_take_the_turns_instant_without_changing_the_stores(
    demo: Demo,
) -> None:
    tools = _engine(demo).store(STORE).tools()
    before = tools.clock
    fixed = tools.at(NOW)
    assert fixed.clock() == NOW
    assert tools.clock is before
    assert fixed.backend is tools.backend
    assert fixed.policy is tools.policy


def test_each_engine_holds_its_own_store_resources_and_reloads_them(demo: Demo) -> None:
    one, two = _engine(demo), _engine(demo)
    shop = one.store(STORE)
    assert one.store(STORE) is shop
    assert two.store(STORE) is not shop
    catalogue, tools = shop.catalogue(), shop.tools()
    assert shop.catalogue() is catalogue
    assert shop.tools() is tools
    warehouse = next(Path(shop.directory).glob("*.duckdb"))
    later = warehouse.stat().st_mtime + 60
    os.utime(warehouse, (later, later))  # an import rewrote the warehouse
    assert shop.catalogue() is not catalogue
    policy = shop.directory / POLICY_FILE
    existed = policy.exists()
    try:
        if not existed:
            policy.write_text("", encoding="utf-8")
        stamp = policy.stat().st_mtime + 60
        os.utime(policy, (stamp, stamp))  # the merchant edited the policy
        assert shop.tools() is not tools
    finally:
        if not existed:
            policy.unlink()


def test_an_unknown_store_is_refused_in_one_sentence(demo: Demo) -> None:
    with pytest.raises(StoreNotFound, match="no store named 'nope'"):
        _engine(demo).store("nope")


def test_the_engine_modules_keep_no_process_state() -> None:
    folder = Path(engine_package.__file__).parent
    for path in folder.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*global\s", source, re.M), path.name
        assert "ContextVar" not in source, path.name
        assert "lru_cache" not in source, path.name
        empty = r"^_?\w+(?:: .+)? = (?:\{\}|dict\(\)|OrderedDict\(\)|None)$"  # a cache to fill
        assert not re.search(empty, source, re.M), path.name
