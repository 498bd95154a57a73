"""The held-out conversation batches (:mod:`.heldout`, :mod:`.heldout2`: written apart from the
engine and from the other sets; their first-run scores are in their docstrings), each on its own
copy of the two pet-supplies stores: ≥ 90% pass, and no forbidden or premature action, no leak,
every angry buyer handed over."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from shopkeeper.clock import Clock
from shopkeeper.cs.engine import CsEngine
from shopkeeper.cs.messages import CsMessage
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.warehouse import Warehouse

from ...dates import NOW
from .conftest import STORES, make_stores
from .heldout import heldout_cases
from .heldout2 import heldout2_cases
from .runner import Case, run_case, score

BATCHES: dict[str, tuple[Callable[..., list[Case]], int, int]] = {
    "heldout": (heldout_cases, 25, 6),
    "heldout2": (heldout2_cases, 15, 2),
}
"""Per batch: its cases, at least this many conversations per language, and its angry buyers."""


@pytest.mark.parametrize("batch", list(BATCHES))
def test_each_held_out_batch_passes(batch: str, tmp_path: Path) -> None:
    make_cases, per_lang, angry_buyers = BATCHES[batch]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(tmp_path))
        get_settings.cache_clear()
        settings = make_stores(Settings())
        ops = ops_engine(settings)
        engine = CsEngine(settings, ops, Clock(NOW))
        cases = []
        for store, lang in STORES:
            with Warehouse.open(settings.store_dir(store), read_only=True) as wh:
                cases += make_cases(wh, engine.store(store).catalogue(), store, lang, NOW)
        results = [run_case(engine, case) for case in cases]
        ops.dispose()
    get_settings.cache_clear()
    figures = score(results)
    failed = [f for r in results for f in r.failures[:1]]
    assert figures["zh"] >= per_lang
    assert figures["en"] >= per_lang
    assert figures["forbidden"] == figures["premature"] == figures["leaks"] == 0, failed
    angry = [r for r in results if "-angry-" in r.case.name]
    assert len(angry) == angry_buyers
    assert all(r.passed for r in angry), failed
    assert figures["pass_rate"] >= 0.9, failed


def test_an_attribute_that_varies_by_variant_lists_every_value(
    pets: tuple[Settings, CsEngine],
) -> None:
    _, engine = pets
    message = CsMessage(
        conversation_id="ho-flavours", customer_id="ho-1", text="猫条幼猫的有哪几种口味"
    )
    reply = engine.handle_message("pets", message, now=NOW)
    assert all(f in reply.reply for f in ("三文鱼味", "鸡肉味", "金枪鱼味")), reply.reply


def test_an_exchange_to_a_named_flavour_keeps_the_size_and_shows_names(
    pets: tuple[Settings, CsEngine],
) -> None:
    settings, engine = pets
    since = (NOW - dt.timedelta(days=4)).isoformat()
    with Warehouse.open(settings.store_dir("pets"), read_only=True) as wh:
        row = wh.con.execute(
            "SELECT o.customer_id, p.sku_name FROM orders o JOIN order_items i USING (order_id) "
            "JOIN products p USING (sku_id) WHERE o.status = 'delivered' AND p.sku_name "
            f"LIKE '三文鱼味%' AND o.delivered_at > TIMESTAMPTZ '{since}' AND o.customer_id IN "
            "(SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) = 1) "
            "ORDER BY o.customer_id DESC LIMIT 1"
        ).fetchone()
    assert row is not None
    buyer, bought = str(row[0]), str(row[1])
    wanted = bought.replace("三文鱼味", "鸡肉味")
    message = CsMessage(conversation_id="ho-swap", customer_id=buyer, text="想换个口味 鸡肉味的")
    reply = engine.handle_message("pets", message, now=NOW)
    assert [(a.action, a.status) for a in reply.actions] == [("exchange", "needs_confirmation")]
    assert wanted in reply.reply, reply.reply
    assert not re.search(r"(?<!\d)\d{6}(?!\d)", reply.reply)  # no bare SKU id


def test_a_promotion_on_some_products_names_them(pets: tuple[Settings, CsEngine]) -> None:
    _, engine = pets
    cat = engine.store("pets").catalogue()
    (half,) = [p for p in cat.promotions if p.promotion.name == "第二件半价"]
    message = CsMessage(
        conversation_id="ho-scope", customer_id="ho-2", text="第二件半价哪些商品参加"
    )
    reply = engine.handle_message("pets", message, now=half.start_at + dt.timedelta(days=30))
    first = cat.skus[half.promotion.sku_ids[0]]
    assert f"{first.title}（{cat.variant(first)}）" in reply.reply, reply.reply
    assert not re.search(r"(?<!\d)\d{6}(?!\d)", reply.reply)


def test_an_item_of_a_two_item_order_is_named_by_its_variant(
    pets: tuple[Settings, CsEngine],
) -> None:
    settings, engine = pets
    since = (NOW - dt.timedelta(days=4)).isoformat()
    with Warehouse.open(settings.store_dir("pets"), read_only=True) as wh:
        rows = wh.con.execute(
            "SELECT o.customer_id, p.title, p.sku_name, p.product_id FROM orders o "
            "JOIN order_items i USING (order_id) JOIN products p USING (sku_id) "
            f"WHERE o.status = 'delivered' AND o.delivered_at > TIMESTAMPTZ '{since}' "
            "AND o.customer_id IN (SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) = 1) "
            "AND (SELECT count(DISTINCT product_id) FROM order_items j JOIN products q "
            "USING (sku_id) WHERE j.order_id = o.order_id) = 2 "
            "ORDER BY o.customer_id DESC, p.sku_name LIMIT 2"
        ).fetchall()
    (buyer, title, variant, _), _ = rows
    say = lambda text: engine.handle_message(  # noqa: E731
        "pets", CsMessage(conversation_id="ho-item", customer_id=buyer, text=text), now=NOW
    )
    asked = say("我要退货")
    assert not asked.actions
    assert f"{title}（{variant}）" in asked.reply  # the whole title, the variant by name
    picked = say(f"{variant}那个")
    assert [a.action for a in picked.actions] == ["return_refund"], picked.reply
    assert title in picked.reply


def test_an_address_written_out_is_where_to_send_the_order(
    pets: tuple[Settings, CsEngine],
) -> None:
    settings, engine = pets
    with Warehouse.open(settings.store_dir("pets"), read_only=True) as wh:
        row = wh.con.execute(
            "SELECT customer_id FROM orders WHERE status = 'paid' AND customer_id IN "
            "(SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) = 1) "
            "ORDER BY customer_id DESC LIMIT 1"
        ).fetchone()
    assert row is not None
    text = "寄到 江苏省南京市鼓楼区中山路1号 小王 13911112222 吧"
    message = CsMessage(conversation_id="ho-addr", customer_id=str(row[0]), text=text)
    reply = engine.handle_message("pets", message, now=NOW)
    assert [(a.action, a.status) for a in reply.actions] == [
        ("change_address", "needs_confirmation")
    ], reply.reply
