"""The contact written with a new address: the recipient's name and phone, never a label word."""

from __future__ import annotations

import pytest

from shopkeeper.cs.engine.slots import address


@pytest.mark.parametrize(
    ("text", "name", "phone", "line1"),
    [
        (
            "改地址到上海市徐汇区漕溪北路88号，收货人王小明，电话13912345678",
            "王小明",
            "13912345678",
            "漕溪北路88号",
        ),
        (
            "改成上海市徐汇区漕溪北路88号收货人王小明电话13912345678",
            "王小明",
            "13912345678",
            "漕溪北路88号",
        ),
        (
            "联系人：李雷 手机 +86 139 1234 5678，寄到北京市海淀区中关村大街1号",
            "李雷",
            "13912345678",
            "中关村大街1号",
        ),
        (
            "姓名 韩梅梅，手机号 139-1234-5678，地址改成杭州市西湖区文三路90号",
            "韩梅梅",
            "13912345678",
            "文三路90号",
        ),
        (
            "地址换成杭州市西湖区文三路90号，王小明，电话 139 1234 5678",
            "王小明",
            "13912345678",
            "文三路90号",
        ),
        (
            "改成浙江省杭州市西湖区文三路90号3单元1502室，张三 13812345678",
            "张三",
            "13812345678",
            "文三路90号3单元1502室",
        ),
        (
            "please ship to 上海市徐汇区漕溪北路88号, name: Wang Xiaoming, tel: +86 13912345678",
            "Wang Xiaoming",
            "13912345678",
            "漕溪北路88号",
        ),
        (
            "phone 13912345678 recipient Li Lei, 上海市徐汇区漕溪北路88号",
            "Li Lei",
            "13912345678",
            "漕溪北路88号",
        ),
    ],
)
def test_name_and_phone_come_out_of_the_address_text(
    text: str, name: str, phone: str, line1: str
) -> None:
    found = address(text)
    assert found is not None
    assert (found.get("name"), found.get("phone"), found["line1"]) == (name, phone, line1)


def test_a_phone_label_is_never_the_name() -> None:
    found = address("改地址到上海市徐汇区漕溪北路88号，电话13912345678")
    assert found is not None
    assert "name" not in found
    assert found["phone"] == "13912345678"
