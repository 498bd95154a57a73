"""Buyers' words the second held-out batch (tests/cs/quality/heldout2.py) found unread: pinyin and
typos, a parcel emoji, gift wrapping, a no that starts with "…等等", an emoji-only opening message,
and a shipping question naming a region."""

from __future__ import annotations

import pytest

from shopkeeper.cs.engine.core import message_language
from shopkeeper.cs.engine.intents import IntentClassifier, confirmation
from shopkeeper.cs.engine.policy_answers import REGION


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("wo yao tuihuo 猫不爱吃", "return_refund"),
        ("tuikuan", "return_refund"),
        ("i wnat to cancle my ordr pls", "cancel"),
        ("📦❓", "order_status"),
        ("it's a present - do you do gift wrapping and a little note?", "product_question"),
        ("送朋友的 可以帮忙礼品包装一下吗", "product_question"),
        ("looking for a gift for my cat-loving sister", "recommend"),
    ],
)
def test_pinyin_typos_emoji_and_gift_wrap_name_the_intent(text: str, intent: str) -> None:
    assert IntentClassifier().keyword_intent(text) == intent


def test_a_no_after_an_ellipsis_is_a_no() -> None:
    assert confirmation("嗯…等等 还是先不取消了 我再想想", "cs.cancel_order") == "deny"


def test_a_message_without_letters_opens_in_the_stores_language() -> None:
    assert message_language("📦❓", None, "zh") == "zh"
    assert message_language("📦❓", None, "en") == "en"
    assert message_language("👍", "en", "zh") == "en"  # the conversation's, once it has one


@pytest.mark.parametrize("text", ["寄新疆乌鲁木齐包邮吗 大概几天能到", "do you ship to Hawaii?"])
def test_a_shipping_question_names_its_region(text: str) -> None:
    assert REGION.search(text)
