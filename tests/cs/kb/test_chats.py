"""Mining past chats: human answers only, in time order, masked, near-duplicates merged."""

from __future__ import annotations

import duckdb
import pytest

from shopkeeper.cs.kb.chats import chat_entries

# (conversation, message, minute, sender, text, product)
MESSAGES = [
    # shuffled on purpose: the miner orders by time
    ("C1", "m2", 2, "agent", "亲，支持七天无理由退货，未拆封即可申请", "P1"),
    ("C1", "m1", 1, "customer", "收到了不喜欢，可以退吗？", "P1"),
    ("C2", "m1", 1, "customer", "收到了不喜欢，可以退吗", "P1"),
    ("C2", "m2", 2, "agent", "亲，支持七天无理由退货，未拆封即可申请", "P1"),
    ("C3", "m1", 1, "customer", "收到了，不喜欢可以退吗", "P1"),
    ("C3", "m2", 2, "agent", "不可以哦", "P1"),
    # bot-only answer: no pair
    ("C4", "m1", 1, "customer", "能开发票吗", None),
    ("C4", "m2", 2, "bot", "亲，可以的，在订单详情页申请", None),
    ("C4", "m3", 3, "customer", "好的", None),
    # an action report is not knowledge; small talk is not a question; PII is masked
    ("C5", "m1", 1, "customer", "在吗", None),
    ("C5", "m2", 2, "customer", "地址改成上海市徐汇区漕溪北路88号，电话13812345678", None),
    ("C5", "m3", 3, "agent", "好的，已经为您修改地址", None),
    ("C5", "m4", 4, "customer", "快递单号多少，我的手机13812345678", None),
    ("C5", "m5", 5, "agent", "单号 432198765432109，请留意手机13812345678的短信", None),
    # answers that depend on the listing are kept per listing
    ("C6", "m1", 1, "customer", "这款的烘焙度是什么？", "P1"),
    ("C6", "m2", 2, "agent", "亲，烘焙度：深", "P1"),
    ("C7", "m1", 1, "customer", "这款的烘焙度是什么", "P1"),
    ("C7", "m2", 2, "agent", "亲，烘焙度：深", "P1"),
    ("C8", "m1", 1, "customer", "这款的烘焙度是什么？", "P2"),
    ("C8", "m2", 2, "agent", "亲，烘焙度：浅", "P2"),
    ("C9", "m1", 1, "customer", "这款的烘焙度是什么？", "P2"),
    ("C9", "m2", 2, "agent", "亲，烘焙度：浅", "P2"),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE messages (conversation_id VARCHAR, message_id VARCHAR, sent_at TIMESTAMPTZ, "
        "customer_id VARCHAR, sender VARCHAR, text VARCHAR, order_id VARCHAR, product_id VARCHAR)"
    )
    for conv, mid, minute, sender, text, product in MESSAGES:
        con.execute(
            "INSERT INTO messages VALUES (?, ?, TIMESTAMPTZ '2026-06-01 10:00:00+00' + "
            "to_minutes(?), 'c', ?, ?, NULL, ?)",
            [conv, mid, minute, sender, text, product],
        )
    return con


def test_pairs_are_human_answers_deduplicated_and_masked(con: duckdb.DuckDBPyConnection) -> None:
    entries, skipped = chat_entries(con, "s", {"P1": "深烘豆", "P2": "浅烘豆"})
    by_question = {e.fields["question"]: e for e in entries}
    returns = by_question["收到了不喜欢，可以退吗？"]
    assert returns.fields["asked"] == 3
    assert returns.fields["answer_votes"] == 2
    assert returns.fields["answer"] == "亲，支持七天无理由退货，未拆封即可申请"  # the most frequent
    assert returns.kind == "chat_qa"
    assert returns.source.ref.startswith("messages:C")
    assert "能开发票吗" not in by_question  # answered by the bot only
    assert skipped["bot_only"] == 1
    assert skipped["action_reports"] == 1
    parcel = next(e for e in entries if "快递单号" in e.text)
    assert "13812345678" not in parcel.text
    assert "432198765432109" not in parcel.text
    assert "[手机号]" in parcel.fields["question"]
    assert "[number]" in parcel.fields["answer"]
    assert not any("漕溪北路" in e.text for e in entries)


def test_answers_that_depend_on_the_listing_are_split_per_listing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    entries, _ = chat_entries(con, "s", {"P1": "深烘豆", "P2": "浅烘豆"})
    roast = {e.fields["product_id"]: e for e in entries if "烘焙度" in e.text}
    assert set(roast) == {"P1", "P2"}
    assert roast["P1"].fields["answer"] == "亲，烘焙度：深"
    assert "深烘豆" in roast["P1"].title
    assert roast["P2"].fields["answer"] == "亲，烘焙度：浅"
