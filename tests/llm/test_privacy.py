"""Personal data is masked before it reaches an external model, consistently, and restored after."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.llm.base import Message, ModelResponse, TextDelta, ToolCall, ToolSpec
from shopkeeper.llm.privacy import Masker, MaskingModel, mask_if_external
from shopkeeper.llm.testing import FunctionModel, ScriptedModel
from shopkeeper.settings import Settings

# -- patterns ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 13812345678",
        "+86-138-1234-5678",
        "8613812345678",
        "19912345678",
        "138****5678",
    ],
)
def test_mobile_numbers_in_every_shape(phone: str) -> None:
    masked = Masker().mask_text(f"请联系{phone}谢谢")
    assert masked == "请联系[手机1]谢谢"


@pytest.mark.parametrize(
    "text",
    [
        "订单号 202311130012345678901",  # a long order number
        "金额 13812.34 元",
        "SKU 1381234567",  # ten digits
        "12345678901",  # 11 digits, not a mobile prefix
        "物流单号 7138123456789",  # a mobile inside a longer number
        "2024-11-11 13:45 下单",
    ],
)
def test_numbers_that_are_not_phones_are_left_alone(text: str) -> None:
    assert Masker().mask_text(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("座机 0571-88886666", "座机 [电话1]"),
        ("座机 (010)62345678", "座机 [电话1]"),
        ("座机 021 6888 1234", "座机 [电话1]"),
        ("邮箱 li.lei+shop@example.com.cn 收", "邮箱 [邮箱1] 收"),
        ("身份证 11010519900307123X", "身份证 [身份证1]"),
        ("身份证 440305200012319876 ", "身份证 [身份证1] "),
    ],
)
def test_landlines_emails_id_cards(text: str, expected: str) -> None:
    assert Masker().mask_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙江省杭州市西湖区文三路90号翠苑小区12栋3单元1502室", "浙江省杭州市[地址1]"),
        ("寄到北京市朝阳区建国路88号SOHO现代城A座1201, 谢谢", "寄到北京市[地址1], 谢谢"),
        ("上海市浦东新区张江路123弄5号602室", "上海市[地址1]"),
        ("内蒙古自治区呼和浩特市新城区新华大街1号", "内蒙古自治区呼和浩特市[地址1]"),
        ("杭州市余杭区阳光花园3幢2单元501室", "杭州市[地址1]"),
        ("文三路90号翠苑小区12栋3单元1502室", "[地址1]"),
        ("Ship to 221 Baker Street, Apt 4B, London", "Ship to [地址1], London"),
    ],
)
def test_addresses_keep_province_and_city(text: str, expected: str) -> None:
    assert Masker().mask_text(text) == expected


@pytest.mark.parametrize(
    "text", ["杭州市西湖区的订单最多", "这款咖啡豆在浙江省卖得最好", "中山路店的销量下降了"]
)
def test_places_without_a_street_address_stay(text: str) -> None:
    assert Masker().mask_text(text) == text


# -- consistency and known values ----------------------------------------------------------------


def test_same_value_same_placeholder_and_unmask_round_trip() -> None:
    m = Masker()
    m.add_known(["tb_小鹿咖啡", "c000104729"], "buyer")
    m.add_known(["王**", "Alice Wu"], "name")
    text = (
        "tb_小鹿咖啡 (c000104729) 和 王** 都买了; tb_小鹿咖啡 手机 138 1234 5678, "
        "又用 13812345678 下单; Alice Wu 没买"
    )
    masked = m.mask_text(text)
    assert masked == (
        "[买家1] ([买家2]) 和 [收件人1] 都买了; [买家1] 手机 [手机1], "
        "又用 [手机1] 下单; [收件人2] 没买"
    )
    assert m.unmask_text(masked).startswith("tb_小鹿咖啡 (c000104729) 和 王**")
    assert m.unmask_text("[买家9] is unknown") == "[买家9] is unknown"


def test_known_values_respect_ascii_word_boundaries() -> None:
    m = Masker(lang="en")
    m.add_known(["Ann", "x"], "name")  # "x" is too short to be masked
    assert m.mask_text("Ann bought an Annual pass; box x") == "[name1] bought an Annual pass; box x"


def test_placeholders_are_never_masked_again() -> None:
    m = Masker()
    m.add_known(["买家1", "手机"], "buyer")
    once = m.mask_text("手机 13812345678")
    assert m.mask_text(once) == once


def test_from_warehouse_learns_buyers_names_phones_addresses(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute(
        "CREATE TABLE orders (order_id VARCHAR, customer_id VARCHAR, receiver_name VARCHAR, "
        "receiver_phone VARCHAR, receiver_address VARCHAR)"
    )
    con.execute(
        "INSERT INTO orders VALUES ('o1', 'c000000001', '张*', '138****0001', '文三路1号A栋101室'),"
        "('o2', 'c000000002', '李**', NULL, NULL)"
    )
    con.execute("CREATE TABLE customers (customer_id VARCHAR)")
    con.execute("INSERT INTO customers VALUES ('tb_only_in_customers')")
    m = Masker.from_warehouse(con)  # no messages table: skipped
    con.close()
    masked = m.mask_text("c000000001 和 tb_only_in_customers, 收件人 张* 李**")
    assert masked == "[买家1] 和 [买家2], 收件人 [收件人1] [收件人2]"


# -- JSON and messages ---------------------------------------------------------------------------


def test_tool_results_are_masked_by_key_and_by_pattern() -> None:
    m = Masker()
    result = {
        "orders": [
            {
                "order_id": "202311130012345678901",
                "customer_id": "c000104729",
                "receiver_name": "赵*",
                "receiver_phone": "159****0042",
                "receiver_province": "浙江省",
                "receiver_city": "杭州市",
                "receiver_address": "文三路90号翠苑小区12栋3单元1502室",
                "note": "买家留言: 打 13912345678",
                "pay_amount": 138.0,
            },
            {"customer_id": 7001, "email": "x", "paid": True},
        ]
    }
    masked = json.loads(m.mask_content(json.dumps(result, ensure_ascii=False)))
    first, second = masked["orders"]
    assert first["order_id"] == "202311130012345678901"
    assert first["customer_id"] == "[买家1]"
    assert first["receiver_name"] == "[收件人1]"
    assert first["receiver_phone"] == "[手机1]"
    assert (first["receiver_province"], first["receiver_city"]) == ("浙江省", "杭州市")
    assert first["receiver_address"] == "[地址1]"
    assert first["note"] == "买家留言: 打 [手机2]"
    assert first["pay_amount"] == 138.0
    assert second == {"customer_id": "[买家2]", "email": "[邮箱1]", "paid": True}
    assert m.unmask_json(masked) == result | {
        "orders": [result["orders"][0], {"customer_id": "7001", "email": "x", "paid": True}]
    }


def test_mask_messages_covers_contents_and_tool_arguments() -> None:
    m = Masker()
    messages = [
        Message(role="user", content="13812345678 的订单到哪了?"),
        Message(
            role="assistant",
            tool_calls=[ToolCall(id="1", name="find_order", arguments={"phone": "13812345678"})],
        ),
        Message(role="tool", tool_call_id="1", content='{"receiver_name": "钱*"}'),
        Message(role="tool", tool_call_id="2", content="not json {"),
    ]
    masked = m.mask_messages(messages)
    assert masked[0].content == "[手机1] 的订单到哪了?"
    assert masked[1].tool_calls[0].arguments == {"phone": "[手机1]"}
    assert json.loads(masked[2].content) == {"receiver_name": "[收件人1]"}
    assert masked[3].content == "not json {"
    assert messages[0].content.startswith("138")  # the originals are untouched


# -- the wrapper ---------------------------------------------------------------------------------


class External(FunctionModel):
    @property
    def external(self) -> bool:
        return True


def test_masking_model_masks_out_and_unmasks_back() -> None:
    seen: list[list[Message]] = []

    def answer(messages: list[Message], tools: list[ToolSpec]) -> ModelResponse:
        seen.append(messages)
        return ModelResponse(
            text="已为 [手机1] 查询, 地址 杭州市[地址1]",
            tool_calls=[ToolCall(id="1", name="find_order", arguments={"phone": "[手机1]"})],
            model_name="deepseek:x",
        )

    m = MaskingModel(External(answer, name="deepseek:x"), Masker())
    ask = [Message(role="user", content="13812345678 寄到杭州市西湖区文三路9号")]
    response = m.request(ask)
    assert "13812345678" not in seen[0][0].content
    assert response.text == "已为 13812345678 查询, 地址 杭州市西湖区文三路9号"
    assert response.tool_calls[0].arguments == {"phone": "13812345678"}
    assert (m.name, m.external) == ("deepseek:x", True)


def test_masking_model_stream_never_splits_a_placeholder() -> None:
    masker = Masker()
    masker.mask_text("13812345678 and 13987654321")  # [手机1], [手机2]
    text = "联系 [手机1] 或 [手机2] 吧"
    inner = ScriptedModel([text])
    events = list(MaskingModel(inner, masker).stream([]))
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert "".join(deltas) == "联系 13812345678 或 13987654321 吧"
    assert all("[" not in d for d in deltas)
    final = events[-1]
    assert isinstance(final, ModelResponse)
    assert final.text == "联系 13812345678 或 13987654321 吧"


def test_mask_if_external_only_when_external_and_enabled() -> None:
    local = ScriptedModel([])
    remote = External(lambda m, t: ModelResponse(model_name="x"), name="x")
    masker = Masker()
    assert mask_if_external(local, masker, Settings()) is local
    assert isinstance(mask_if_external(remote, masker, Settings()), MaskingModel)
    assert mask_if_external(remote, masker, Settings(mask_pii=False)) is remote


# -- properties ----------------------------------------------------------------------------------

_digits = st.text("0123456789", min_size=9, max_size=9)
_sep = st.sampled_from(["", "", " ", "-"])
_filler = st.text(
    st.sampled_from(list("的了买家电话手机号订单咖啡豆abcXYZ ,.:;!?()[]")), max_size=20
)
_any_filler = st.text(max_size=20)


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """(as written, its 11 digits)."""
    digits = "1" + draw(st.sampled_from("3456789")) + draw(_digits)
    written = digits[0]
    for d in digits[1:]:
        written += draw(_sep) + d
    return written, digits


@settings(max_examples=150, deadline=None)
@given(mobiles(), _filler, _filler)
def test_masked_text_never_contains_the_phone_digits(
    phone: tuple[str, str], before: str, after: str
) -> None:
    written, digits = phone
    masked = Masker().mask_text(before + written + after)
    assert digits not in re.sub(r"[\s-]", "", masked)
    assert written not in masked


@settings(max_examples=150, deadline=None)
@given(mobiles(), _any_filler, _any_filler)
def test_phone_between_non_digits_is_always_masked(
    phone: tuple[str, str], before: str, after: str
) -> None:
    written, digits = phone
    if (
        before[-1:].isdigit()
        or after.lstrip(" -")[:1] in set("0123456789*")
        or "[" in before + after
    ):
        return  # part of a longer number (deliberately not a phone), or a fake placeholder
    masker = Masker()
    text = before + written + after
    masked = masker.mask_text(text)
    assert written not in masked
    assert digits not in masked
    assert masker.unmask_text(masked) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=2, max_size=8).filter(str.strip), min_size=1, max_size=5), _filler)
def test_known_values_round_trip(values: list[str], filler: str) -> None:
    masker = Masker()
    masker.add_known(values, "buyer")
    text = filler.join(values)
    masked = masker.mask_text(text)
    assert masker.unmask_text(masked) == text
    assert masker.mask_text(masked) == masked
