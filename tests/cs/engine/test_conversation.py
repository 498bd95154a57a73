"""Sessions (idempotent message ids, one customer per conversation, masked storage), handoff and
the human side, suggestion mode, and LLM phrasing with a scripted model."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from shopkeeper.cs.engine import ConversationOwned
from shopkeeper.cs.engine.handoff import anger
from shopkeeper.cs.engine.replies import Draft, phrase
from shopkeeper.cs.kb import open_kb
from shopkeeper.llm.testing import ScriptedModel
from shopkeeper.opsdb import cs_messages, cs_requests

from .conftest import STORE, Demo, WordEmbedder


def _count(demo: Demo, conversation: str) -> int:
    with demo.ops.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(cs_messages)
                .where(cs_messages.c.conversation_id == conversation)
            ).scalar_one()
        )


def test_the_same_message_id_is_answered_once(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'paid'")
    conv = demo.conversation()
    first = demo.say(buyer, f"订单{order_id}催一下发货", conversation=conv, message_id="m-1")
    again = demo.say(buyer, f"订单{order_id}催一下发货", conversation=conv, message_id="m-1")
    assert again == first
    assert _count(demo, conv) == 2  # one buyer message, one reply
    with demo.ops.connect() as conn:
        urged = conn.execute(
            select(cs_requests.c.seq).where(cs_requests.c.order_id == order_id)
        ).all()
    assert len(urged) == 1


def test_concurrent_retries_are_processed_once(demo: Demo) -> None:
    ((order_id, buyer),) = demo.buyers("status = 'shipped'")
    conv = demo.conversation()
    with ThreadPoolExecutor(4) as pool:
        replies = list(
            pool.map(
                lambda _: demo.say(
                    buyer, f"{order_id} 到哪了", conversation=conv, message_id="same"
                ),
                range(6),
            )
        )
    assert len({r.model_dump_json() for r in replies}) == 1
    assert _count(demo, conv) == 2


def test_a_conversation_belongs_to_one_customer(demo: Demo) -> None:
    conv = demo.conversation()
    demo.say("c-owner", "你好", conversation=conv)
    with pytest.raises(ConversationOwned):
        demo.say("c-intruder", "我的订单到哪了", conversation=conv)


def test_phones_and_addresses_are_masked_in_stored_messages(demo: Demo) -> None:
    conv = demo.conversation()
    demo.say(
        "c-mask",
        "改地址到浙江省杭州市西湖区文三路90号3单元1502室 电话13812345678",
        conversation=conv,
    )
    stored = " ".join(m.text for m in demo.cs.history(STORE, conv))
    assert "13812345678" not in stored
    assert "文三路90号" not in stored
    assert "杭州市" in stored


def test_anger_hands_over_with_a_summary_then_human_reply_and_release(demo: Demo) -> None:
    assert anger("你们就是骗子！！！我要去12315投诉") >= 0.6
    ((order_id, buyer),) = demo.buyers("status = 'shipped'")
    conv = demo.conversation()
    demo.say(buyer, f"订单{order_id}到哪了", conversation=conv)
    angry = demo.say(buyer, "怎么还没到！！！你们就是骗子，我要去12315投诉", conversation=conv)
    assert angry.handoff
    assert angry.intent == "complaint"
    assert angry.handoff_summary
    assert order_id in angry.handoff_summary
    assert "12315" in angry.handoff_summary
    queued = {q.conversation_id: q for q in demo.cs.list_queue(STORE)}
    assert conv in queued
    assert queued[conv].order_id == order_id
    waiting = demo.say(buyer, "人呢", conversation=conv)
    assert waiting.handoff
    assert waiting.actions == []
    seen = demo.cs.history(STORE, conv)[-1].seq
    human = demo.cs.human_reply(STORE, conv, "非常抱歉，已为您联系快递加急。", agent="小王")
    polled = demo.cs.history(STORE, conv, after=seen)
    assert [(m.role, m.author, m.text) for m in polled] == [
        ("human", "小王", "非常抱歉，已为您联系快递加急。")
    ]
    assert human.seq == polled[0].seq
    demo.cs.release(STORE, conv, agent="小王")
    assert conv not in {q.conversation_id for q in demo.cs.list_queue(STORE)}
    back = demo.say(buyer, "好的谢谢，再问下巴西喜拉多咖啡豆 500g 咖啡豆 多少钱", conversation=conv)
    assert not back.handoff
    assert back.intent == "stock_price"


def test_explicit_request_and_repeated_failure_hand_over(demo: Demo) -> None:
    asked = demo.say("c-human", "转人工")
    assert asked.handoff
    assert asked.intent == "human"
    conv = demo.conversation()
    assert not demo.say("c-fail", "适合两岁的猫吗", conversation=conv).handoff
    second = demo.say("c-fail", "那适合三岁的狗吗", conversation=conv)
    assert second.handoff
    assert second.handoff_summary


def test_suggestions_outcomes_stats_and_kb_candidates(demo: Demo) -> None:
    conv = demo.conversation()
    demo.say("c-agent", "你好", conversation=conv)
    found = demo.cs.suggest(STORE, conv, "咖啡滤纸是什么材质的")
    assert [s.rank for s in found] == list(range(1, len(found) + 1))
    assert "原木浆" in found[0].text
    assert found[0].sources
    other = demo.cs.suggest(STORE, conv, "巴西喜拉多咖啡豆 500g 咖啡豆 多少钱")
    demo.cs.record_outcome(found[0].suggestion_id, "adopted")
    demo.cs.record_outcome(
        other[0].suggestion_id,
        "edited",
        "¥129，现货充足，今天下单明天发。",
        agent="小王",
    )
    demo.cs.record_outcome(found[1].suggestion_id, "rejected")
    stats = demo.cs.adoption_stats(STORE)
    assert (stats.adopted, stats.edited, stats.rejected, stats.decided) == (1, 1, 1, 3)
    assert stats.adoption_rate == pytest.approx(1 / 3, abs=1e-3)
    assert stats.use_rate == pytest.approx(2 / 3, abs=1e-3)
    assert stats.by_intent["product_question"]["adopted"] == 1
    pending = demo.cs.kb_candidates(STORE)
    assert {c.suggestion_id for c in pending} == {found[0].suggestion_id, other[0].suggestion_id}
    demo.cs.approve_candidate(STORE, other[0].suggestion_id)
    assert {c.suggestion_id for c in demo.cs.kb_candidates(STORE)} == {found[0].suggestion_id}
    kb = open_kb(demo.settings, STORE, WordEmbedder())
    assert any(e.kind == "faq" and "今天下单明天发" in e.text for e in kb.entries)


def test_the_llm_phrases_the_facts_but_keeps_the_numbers() -> None:
    draft = Draft(
        "stock_price", "巴西豆（500g）价格 ¥129.00，现货库存 11 件。", "zh", facts={"price": 129.0}
    )
    kind = ScriptedModel(["亲，这款巴西豆 500g 售价 ¥129.00，目前现货 11 件哦～"])
    assert phrase(kind, draft) == "亲，这款巴西豆 500g 售价 ¥129.00，目前现货 11 件哦～"
    assert "129" in kind.requests[0].messages[1].content
    liar = ScriptedModel(["亲，这款只要 ¥99，库存充足！"])
    assert phrase(liar, draft) == draft.text
