"""What is wrong with a receiver's address: each check returns an issue code, or nothing.

Masked names and phones, as platforms export them (``王**``, ``138****1234``, ``(213) ***-1234``),
are valid. A region is judged only against the reference in :mod:`.geo`: an unknown city, district
or ZIP never makes an address "inconsistent".

>>> ok = {"receiver_name": "王**", "receiver_phone": "138****1234", "receiver_province": "浙江省",
...       "receiver_city": "杭州市", "receiver_district": "西湖区", "receiver_address": "文三路100号2栋301室"}
>>> address_issues(ok)
[]
>>> address_issues(ok | {"receiver_province": "广东省", "receiver_phone": "1234"})
['province_city_mismatch', 'invalid_phone']
>>> address_issues(ok | {"receiver_address": "杭州市"}), address_issues(ok | {"receiver_name": "测试"})
(['missing_street'], ['placeholder_text'])
>>> us = {"receiver_name": "Emily K.", "receiver_phone": "(213) ***-1234", "receiver_province": "CA",
...       "receiver_city": "Los Angeles", "receiver_district": "90012", "receiver_address": "120 Maple St"}
>>> address_issues(us, lang="en"), address_issues(us | {"receiver_district": "60601"}, lang="en")
([], ['district_not_in_city'])
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from shopkeeper.inspection.rules import geo
from shopkeeper.text import pick

FIELDS = (
    "receiver_name",
    "receiver_phone",
    "receiver_province",
    "receiver_city",
    "receiver_district",
    "receiver_address",
)
ISSUES_ZH = {
    "placeholder_text": "收件信息是测试/占位文字",
    "missing_street": "缺少街道门牌地址",
    "missing_region": "缺少省/市",
    "province_city_mismatch": "省份与城市不匹配",
    "district_not_in_city": "区县不属于该城市",
    "invalid_phone": "手机号无效",
    "missing_phone": "缺少手机号",
    "missing_name": "缺少收件人",
}
ISSUES_EN = {
    "placeholder_text": "test or placeholder text in the receiver",
    "missing_street": "no street address",
    "missing_region": "no state / city",
    "province_city_mismatch": "state does not match the city",
    "district_not_in_city": "ZIP / district does not belong to the state or city",
    "invalid_phone": "invalid phone number",
    "missing_phone": "no phone number",
    "missing_name": "no receiver name",
}

_PLACEHOLDER = re.compile(
    r"测试|请勿发货|勿发|占位|\btest(?:ing)?\b|do not ship|dummy|placeholder|lorem ipsum|asdf|qwer|[xX]{3,}",
    re.I,
)
_BLANKISH = re.compile(
    r"^(?:null|none|n/?a|nil|unknown|无|不详|未知|空|-+|\.+|0+|123\d*|([^*])\1{2,})$", re.I
)
_SEPARATORS = re.compile(r"[\s,，.。#\-/、()（）]+")
_CN_MOBILE = re.compile(r"^(?:\+?86)?1[3-9][\d*]{9}$")
_CN_LANDLINE = re.compile(r"^0\d{2,3}[\d*]{7,8}$")
_EXTENSION = re.compile(r"\s*(?:[-—_,，转#]|ext\.?|x)\s*\d{1,5}$", re.I)
_INTL = re.compile(r"^\+\d[\d*]{7,14}$")
_US = re.compile(r"^(?:\+?1)?[2-9*][\d*]{9}$")
_ANY = re.compile(r"^\+?(?!(\d)\1+$)[\d*]{7,15}$")
"""Elsewhere (English shops ship abroad too): 7 to 15 digits, not one digit repeated."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _placeholder(row: Mapping[str, Any]) -> bool:
    for field in ("receiver_name", "receiver_address"):
        value = _text(row.get(field))
        if value and (_PLACEHOLDER.search(value) or _BLANKISH.match(value)):
            return True
    return False


def _street_missing(row: Mapping[str, Any], min_chars: int) -> bool:
    rest = _text(row.get("receiver_address"))
    province = _text(row.get("receiver_province"))
    for part in (
        province,
        geo.cn_province(province) or "",
        _text(row.get("receiver_city")),
        _text(row.get("receiver_district")),
    ):
        if part:
            rest = rest.replace(part, "")
    return len(_SEPARATORS.sub("", rest)) < min_chars


def _phone_ok(raw: str, lang: str) -> bool:
    digits = re.sub(r"[\s()（）\-]", "", raw)
    if digits.count("*") > 6 or sum(ch.isdigit() for ch in digits) < 4:
        return False
    if raw.strip().startswith("+") and _INTL.match(digits):
        return True
    if lang == "zh":
        return bool(_CN_MOBILE.match(digits) or _CN_LANDLINE.match(digits))
    return bool(_US.match(digits) or _ANY.match(digits))


def phone_valid(phone: str, lang: str = "zh") -> bool:
    """A Chinese mobile or landline (zh stores); in English stores a US number or any plausible
    one (7-15 digits); an international number written with ``+``; masked digits and a
    privacy-number extension are allowed.

    >>> [phone_valid(p) for p in ("13812345678", "138****1234", "010-6275 1234", "17012345678-1234",
    ...                           "+44 20 7946 0958", "1234", "12345678901")]
    [True, True, True, True, True, False, False]
    >>> [phone_valid(p, "en") for p in ("(213) ***-1234", "***-***-1234", "020 7946 0958", "1234", "0000000")]
    [True, True, True, False, False]
    """
    return _phone_ok(phone, lang) or _phone_ok(_EXTENSION.sub("", phone.strip()), lang)


def _region_issue(row: Mapping[str, Any]) -> str | None:
    province, city, district = (
        row.get(f) for f in ("receiver_province", "receiver_city", "receiver_district")
    )
    if geo.cn_province(province) is not None or geo.cn_city_province(city) is not None:
        if geo.cn_city_in_province(city, province) is False:
            return "province_city_mismatch"
        return "district_not_in_city" if geo.cn_district_ok(city, district) is False else None
    state = geo.us_state(province)
    if state is None:
        return None
    zip_state, states = geo.us_zip_state(district), geo.us_city_states(city)
    if (
        zip_state is not None and zip_state != state
    ):  # the ZIP and the city agree: the state is wrong
        return (
            "province_city_mismatch"
            if states and zip_state in states and state not in states
            else "district_not_in_city"
        )
    if zip_state is None and states is not None and state not in states:
        return "province_city_mismatch"
    return None


def address_issues(
    row: Mapping[str, Any],
    judged: Collection[str] = FIELDS,
    *,
    lang: str = "zh",
    min_street_chars: int = 3,
) -> list[str]:
    """Issue codes of one order's receiver, in order of gravity. Only the ``judged`` columns
    (those the store fills in) may be reported missing.
    """
    issues: list[str] = []
    if _placeholder(row):
        issues.append("placeholder_text")
    if "receiver_name" in judged and not _text(row.get("receiver_name")):
        issues.append("missing_name")
    if any(f in judged and not _text(row.get(f)) for f in ("receiver_province", "receiver_city")):
        issues.append("missing_region")
    if (
        "receiver_address" in judged
        and "placeholder_text" not in issues
        and _street_missing(row, min_street_chars)
    ):
        issues.append("missing_street")
    region = _region_issue(row)
    if region:
        issues.append(region)
    phone = _text(row.get("receiver_phone"))
    if phone and not phone_valid(phone, lang):
        issues.append("invalid_phone")
    elif not phone and "receiver_phone" in judged:
        issues.append("missing_phone")
    return issues


def describe(issue: str, lang: str) -> str:
    """An issue code in the store's language."""
    return pick(lang, ISSUES_ZH, ISSUES_EN).get(issue, issue)
