"""Patterns of personal data in Chinese and English store data (no state, no I/O).

Each pattern finds one kind of value: mobile and landline numbers, emails, ID-card numbers and
street addresses. An address match keeps what is coarse (province, city) in group ``keep`` and
marks the rest in group ``mask``. Digit patterns never match inside a longer run of digits, so
order numbers and amounts are left alone.

>>> bool(MOBILE.search("电话 138-1234-5678 转"))
True
>>> bool(MOBILE.search("订单 3138123456789012"))
False
>>> m = ADDRESS_ZH.search("寄到浙江省杭州市西湖区文三路90号翠苑小区12栋3单元1502室,谢谢")
>>> m["keep"], m["mask"]
('寄到浙江省杭州市', '西湖区文三路90号翠苑小区12栋3单元1502室')
"""

from __future__ import annotations

import re
from typing import Literal

from shopkeeper.text import CJK

Kind = Literal["buyer", "name", "phone", "tel", "email", "id_card", "address"]

ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    r"[0-9Xx](?![0-9A-Za-z])"
)
"""A mainland resident ID number (18 characters, a plausible birth date inside)."""

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[ -]?[3-9](?:[ -]?[\d*]){9}(?![\d*])")
"""A Chinese mobile number, with or without +86, spaces or dashes, or as a platform shows it
half-hidden (``138****5678``)."""

LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[ -]?[2-8]\d{2,3}[ -]?\d{4}(?!\d)")
"""A Chinese landline: area code (0xx or 0xxx) and a 7- or 8-digit number."""

PHONE_EN = re.compile(r"(?<![\d(])(?:\+1[ .-]?)?\(\d{3}\)[ .-]?(?:\d{3}|\*{3})[ .-]\d{4}(?!\d)")
"""A North American number written with its area code in parentheses: ``(212) 555-0134``."""

_CJK = CJK
_NAME = rf"(?:(?![省市区县旗州盟])[{_CJK}A-Za-z0-9])"  # a place-name character, not a level
_NUM = r"[0-9０-９一二三四五六七八九十百零〇]+"
_UNIT = rf"[{_CJK}A-Za-z0-9#-]{{0,20}}?(?:号楼|栋|幢|座|单元|楼|层|室|号|户)"
_PROVINCE = rf"(?:[{_CJK}]{{2,7}}?(?:省|自治区|特别行政区)|(?:北京|上海|天津|重庆)市?)"
_CITY = rf"[{_CJK}]{{1,6}}?(?:市|自治州|地区|盟)"
_DISTRICT = rf"{_NAME}{{1,6}}?(?:区|县|旗)"
_ROOM = r"(?:[A-Za-z0-9#-]*\d)?"  # a trailing room number written without 室
_STREET = rf"{_NAME}{{1,10}}?(?:大道|大街|路|街|巷|弄|胡同|道){_NUM}(?:号|弄)(?:{_UNIT})*{_ROOM}"
_ESTATE = rf"{_NAME}{{2,12}}?(?:小区|花园|公寓|大厦|新村|家园|广场|苑|村)(?:{_UNIT})+{_ROOM}"

ADDRESS_ZH = re.compile(
    rf"(?P<keep>{_PROVINCE}?(?:{_CITY})?)(?P<mask>(?:{_DISTRICT})?(?:{_STREET}|{_ESTATE}))"
)
"""A Chinese street address: ``keep`` (province, city) and ``mask`` (district, street, number,
building, room)."""

ADDRESS_EN = re.compile(
    r"(?P<keep>)(?P<mask>\b\d{1,6} (?:[A-Z][A-Za-z]+ ){1,4}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|"
    r"Boulevard|Ln|Lane|Dr|Drive|Way|Ct|Court|Pl|Place|Terrace|Close)\b\.?"
    r"(?:,? (?:Apt|Apartment|Suite|Unit|Flat)\.? ?[A-Za-z0-9-]+)?)"
)
"""A street line in English: ``12 Baker Street, Apt 4``."""

PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("id_card", ID_CARD),
    ("email", EMAIL),
    ("phone", MOBILE),
    ("tel", LANDLINE),
    ("phone", PHONE_EN),
    ("address", ADDRESS_ZH),
    ("address", ADDRESS_EN),
)
"""Applied in this order (an ID number first: it would otherwise look like other numbers)."""

KEY_KINDS: dict[str, Kind] = {
    "customer_id": "buyer",
    "buyer_id": "buyer",
    "buyer_nick": "buyer",
    "buyer": "buyer",
    "nick": "buyer",
    "receiver_name": "name",
    "buyer_name": "name",
    "customer_name": "name",
    "receiver_phone": "phone",
    "phone": "phone",
    "mobile": "phone",
    "telephone": "tel",
    "email": "email",
    "receiver_address": "address",
    "address": "address",
    "id_card": "id_card",
    "id_number": "id_card",
}
"""JSON keys whose whole value is personal data, whatever it looks like."""

LABELS: dict[str, dict[Kind, str]] = {
    "zh": {
        "buyer": "买家",
        "name": "收件人",
        "phone": "手机",
        "tel": "电话",
        "email": "邮箱",
        "id_card": "身份证",
        "address": "地址",
    },
    "en": {
        "buyer": "buyer",
        "name": "name",
        "phone": "phone",
        "tel": "tel",
        "email": "email",
        "id_card": "id",
        "address": "address",
    },
}
"""Placeholder words by language: ``[买家1]``, ``[buyer1]``."""

_ALL_LABELS = sorted(
    {w for words in LABELS.values() for w in words.values()}, key=len, reverse=True
)
PLACEHOLDER = re.compile(rf"\[(?:{'|'.join(map(re.escape, _ALL_LABELS))})\d+\]")
"""A placeholder this module writes: never masked again, restored by ``unmask``."""
