"""Pre-sale answers checked against the demo store's data."""

from __future__ import annotations

import datetime as dt
import json
import re

from .conftest import STORE, Demo

DOUBLE_11 = dt.datetime(2026, 11, 5, 4, 0, tzinfo=dt.UTC)


def test_price_and_stock_of_a_real_sku(demo: Demo) -> None:
    sku_id, title, price = demo.rows(
        "SELECT sku_id, title, price::DOUBLE FROM products WHERE title LIKE '%巴西喜拉多%' "
        "AND attributes->>'净含量' = '500g 咖啡豆'"
    )[0]
    stock = demo.rows(
        "SELECT sum(on_hand - coalesce(reserved, 0)) FROM inventory WHERE sku_id = ? "
        "AND date = (SELECT max(date) FROM inventory WHERE sku_id = ?)",
        [sku_id, sku_id],
    )[0][0]
    reply = demo.say("c-pre-1", "巴西喜拉多咖啡豆 500g 咖啡豆 多少钱？有货吗")
    assert reply.intent == "stock_price"
    assert f"¥{price:.2f}" in reply.reply
    # in stock / low / out — never the exact count
    said = "缺货" if stock <= 0 else "库存紧张" if stock < 10 else "有货"
    assert said in reply.reply
    assert stock <= 0 or f"{int(stock)} 件" not in reply.reply
    assert [s.ref for s in reply.sources] == [f"products:sku_id={sku_id}"]
    assert title in reply.reply
    # the follow-up keeps the SKU
    again = demo.say("c-pre-1", "价格再说一遍")
    assert f"¥{price:.2f}" in again.reply


def test_a_listing_without_a_variant_lists_every_variant_with_its_price(demo: Demo) -> None:
    rows = demo.rows(
        "SELECT sku_id, price::DOUBLE FROM products WHERE product_id = "
        "(SELECT product_id FROM products WHERE sku_id = '044674') ORDER BY sku_id"
    )
    reply = demo.say("c-pre-2", "巴西喜拉多咖啡豆 浅烘焙多少钱")
    cat = demo.cs.store(STORE).catalogue()
    for sku_id, price in rows:
        assert sku_id not in reply.reply  # variants by name, never a bare id
        assert cat.variant(cat.skus[sku_id]) in reply.reply
        assert f"¥{price:.2f}" in reply.reply
    assert {s.ref for s in reply.sources} == {f"products:sku_id={r[0]}" for r in rows}


def test_a_material_question_is_answered_from_the_listing(demo: Demo) -> None:
    reply = demo.say("c-pre-3", "咖啡滤纸是什么材质的？")
    assert reply.intent == "product_question"
    assert "原木浆" in reply.reply
    assert reply.sources
    sku = reply.sources[0].ref.split("=", 1)[1]
    attributes = json.loads(
        demo.rows("SELECT attributes FROM products WHERE sku_id = ?", [sku])[0][0]
    )
    assert attributes["材质"] in reply.reply


def test_an_unsupported_question_says_so_and_offers_a_human(demo: Demo) -> None:
    reply = demo.say("c-pre-4", "适合两岁的猫吗")
    assert "没有查到可靠的资料" in reply.reply
    assert "转人工" in reply.reply
    assert reply.sources == []
    assert not reply.handoff
    assert "转人工" in reply.suggestions
    english = demo.say("c-pre-5", "Is it safe for my two-year-old cat?")
    assert "couldn't find reliable information" in english.reply


def test_current_promotions_at_the_store_clock(demo: Demo) -> None:
    reply = demo.say("c-pre-6", "最近有什么活动", now=DOUBLE_11)
    assert "双11全球狂欢节" in reply.reply
    assert "周末满减" not in reply.reply  # not running on 11-05
    assert any(s.ref == "promotions:promotion_id=P0004" for s in reply.sources)
    none = demo.say(
        "c-pre-7", "最近有什么优惠活动吗", now=dt.datetime(2026, 11, 21, 17, tzinfo=dt.UTC)
    )
    assert "没有正在进行" in none.reply


def test_cart_optimiser_on_the_buyers_cart(demo: Demo) -> None:
    price = demo.rows("SELECT price::DOUBLE FROM products WHERE sku_id = '044674'")[0][0]
    reply = demo.say("c-pre-8", "购物车里有 044674 两袋，怎么用优惠最划算", now=DOUBLE_11)
    assert reply.intent == "promotions"
    assert f"¥{price * 2:.2f}" in reply.reply  # the subtotal
    assert "实付" in reply.reply
    assert "再加一件" in reply.reply


def test_compare_two_listings(demo: Demo) -> None:
    reply = demo.say("c-pre-9", "巴西喜拉多咖啡豆和耶加雪菲咖啡豆有什么区别")
    assert reply.intent == "compare"
    assert len(reply.sources) >= 2
    assert all(s.type == "product" for s in reply.sources)
    assert not re.search(r"库存 ?\d", reply.reply)  # in stock or low, never a count


def test_recommendations_come_from_the_catalogue(demo: Demo) -> None:
    reply = demo.say("c-pre-10", "推荐一款冷泡茶")
    on_sale = {
        r[0] for r in demo.rows("SELECT DISTINCT product_id FROM products WHERE status = 'on_sale'")
    }
    assert reply.intent == "recommend"
    assert reply.sources
    assert all(s.ref.split("=", 1)[1] in on_sale for s in reply.sources)


def test_greeting_in_english(demo: Demo) -> None:
    reply = demo.say("c-pre-11", "hello")
    assert reply.intent == "greeting"
    assert "welcome" in reply.reply.lower()


def test_a_follow_up_question_is_about_the_listing_in_the_conversation(demo: Demo) -> None:
    # the buyer asked a price, was shown the variants (no SKU chosen), then asks attributes
    (shelf_life,) = demo.rows(
        "SELECT attributes->>'保质期' FROM products "
        "WHERE title LIKE '%耶加雪菲咖啡豆%' ORDER BY sku_id LIMIT 1"
    )[0]
    first = demo.say("c-ctx-1", "耶加雪菲咖啡豆多少钱")
    assert first.intent == "stock_price"
    listing = first.reply.splitlines()[0]
    life = demo.say("c-ctx-1", "保质期多久")
    assert f"保质期：{shelf_life}" in life.reply
    assert life.sources[0].type != "kb" or life.sources[0].ref.startswith("products:")
    again = demo.say("c-ctx-1", "是什么烘焙度")  # 烘焙 is in most titles: still this listing
    assert "烘焙度：" in again.reply
    assert again.reply.split("：")[0] in listing


def test_an_attribute_question_with_no_product_asks_which_product(demo: Demo) -> None:
    reply = demo.say("c-ctx-2", "保质期多久")
    assert "哪款商品" in reply.reply
    assert not any(s.ref.startswith("messages:") for s in reply.sources)


def test_a_visitor_asking_about_shipping_gets_the_store_answer_not_no_orders(demo: Demo) -> None:
    reply = demo.say("visitor-no-orders", "发什么快递？几天能到")
    assert "没有查到您名下的订单" not in reply.reply
    mine = demo.say("visitor-no-orders-2", "我的快递到哪了")
    assert "没有查到您名下的订单" in mine.reply


def test_a_visitor_asking_about_returns_gets_the_policy_the_engine_enforces(demo: Demo) -> None:
    reply = demo.say("visitor-rules-1", "拆封了还能退吗")
    assert "没有查到您名下的订单" not in reply.reply
    assert "7 天内" in reply.reply  # the default return window of cs_policy.toml
    assert "拆封后不能退" in reply.reply
    assert [s.ref for s in reply.sources] == ["cs_policy.toml:returns"]
    assert reply.actions == []  # a question, not a request: nothing is proposed
    ship = demo.say("visitor-rules-2", "多久发货")
    assert "48 小时内发货" in ship.reply
    assert [s.ref for s in ship.sources] == ["cs_policy.toml:shipping"]
    en = demo.say("visitor-rules-3", "Can I return it if opened?", lang="en")
    assert "within 7 days of delivery" in en.reply
    assert "cannot be returned once opened" in en.reply


def test_the_policy_answer_follows_the_store_policy_file(demo: Demo) -> None:
    path = demo.settings.store_dir("demo") / "cs_policy.toml"
    path.write_text(
        "[returns]\nwindow_days = 15\n\n[shipping]\nship_within_hours = 24\n", encoding="utf-8"
    )
    try:
        assert "15 天内" in demo.say("visitor-rules-4", "可以七天无理由退货吗").reply
        assert "24 小时内发货" in demo.say("visitor-rules-5", "多久发货").reply
    finally:
        path.unlink()
