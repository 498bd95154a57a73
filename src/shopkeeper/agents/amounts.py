"""Amounts in a merchant's words — "¥1,299", "三十九块九", "9元9角", "六百", "2.5万" — and changes by
an amount or a share ("降5块", "提高20%", "打九折", "bump it by $2").

>>> amount("把价格改成59.9元")
59.9
"""

from __future__ import annotations

import re

from shopkeeper.text import has_cjk

CN_DIGITS = {  # the Chinese digits merchants and buyers write
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}

_CN_NUM = "零〇一二两三四五六七八九十百千万点"
NUMBER = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_NUM}]+"
_MARKER = (
    r"(?:改成|改为|改回|改到|调回|调到|调成|调为|调整为|调整到|降到|降为|降价到|涨到|涨价到|提到|"
    r"提高到|减到|设为|设成|设置为|设置成|定为|定成|变成|换成|to|at|=|为|到)"
)
_AMOUNT = re.compile(_MARKER + rf"\s*[¥￥$]?\s*({NUMBER})\s*(百|千|万|k|K)?(?![\d.A-Za-z_-])", re.I)
_PRICED = re.compile(
    rf"[¥￥$]\s*({NUMBER})\s*(百|千|万)?|({NUMBER})\s*(百|千|万)?\s*(?:元|块|rmb|yuan|dollars?|usd|bucks)",
    re.I,
)
_SCALE = {"百": 100, "千": 1000, "万": 10000, "k": 1000}
_JIAO = re.compile(
    r"\s*(?:块|元(?=\s*[1-9一二两三四五六七八九]\s*角))\s*([1-9一二两三四五六七八九])\s*[毛角]?"
    r"(?![\d十百千万.])"
)
"""Tenths after the unit, as a price is said: "三十九块九" is 39.9, "2块5毛" 2.5, "9元9角" 9.9."""


def cn_number(text: str) -> float | None:
    """A number in Chinese numerals ("二十五", "一百一十九", "三点五"), or digits.

    >>> cn_number("二十五"), cn_number("一百一十九"), cn_number("三点五"), cn_number("六百")
    (25.0, 119.0, 3.5, 600.0)
    """
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    whole, _, frac = text.partition("点")
    total, section, digit = 0, 0, -1
    for ch in whole:
        if ch in "零〇":
            digit = 0
        elif ch in CN_DIGITS and ch != "十":
            digit = CN_DIGITS[ch]
        elif ch in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            section += (1 if digit < 0 else digit) * unit
            digit = -1
        elif ch == "万":
            total += (section + max(digit, 0)) * 10000
            section, digit = 0, -1
        else:
            return None
    value = float(total + section + max(digit, 0))
    if frac:
        digits = "".join(str(CN_DIGITS.get(c, 0)) for c in frac if c in CN_DIGITS or c in "零〇")
        value += float("0." + digits) if digits else 0.0
    return value if whole or frac else None


def scaled(number: str, scale: str | None) -> float | None:
    """A number written with an optional scale (百, 千, 万, k) as a float."""
    value = cn_number(number)
    if value is None:
        return None
    return value * _SCALE.get((scale or "").lower(), 1)


def _money(text: str, number: str, scale: str | None, after: int) -> float | None:
    """A money amount: the number, its scale, and tenths said after the unit ("块九")."""
    value = scaled(number, scale)
    if value is not None and not scale and (j := _JIAO.match(text, after)):
        value = round(value + (cn_number(j.group(1)) or 0) / 10, 2)
    return value


def amount(text: str) -> float | None:
    """The target amount of a change: after a "改成/调到/to" marker ("改成59.9元", "to 14.99",
    "调到6百"), else the number given as money ("25块", "二十五元", "¥19.9").

    >>> amount("把价格调到25块"), amount("日预算调到624"), amount("二十五元"), amount("预算调到6百")
    (25.0, 624.0, 25.0, 600.0)
    >>> amount("调到一个合适的价格"), amount("预算调到600的")
    (None, 600.0)
    >>> amount("change the price of RI-99441 to 14.99"), amount("把它改回119"), amount("调价")
    (14.99, 119.0, None)
    >>> amount("调成三十九块九"), amount("改成2块5毛"), amount("set it to ¥1,299"), amount("卖9元9角")
    (39.9, 2.5, 1299.0, 9.9)
    >>> amount("调到25块"), amount("二十五块"), amount("预算加到$1,000.50")
    (25.0, 25.0, 1000.5)
    """
    if (value := marked_amount(text)) is not None:
        return value
    for m in _PRICED.finditer(text):
        number, scale = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        unit_at = m.end() if m.group(1) else m.end(4) if m.group(4) else m.end(3)
        if (value := _money(text, number, scale, unit_at)) is not None and value > 0:
            return value
    return None


def marked_amount(text: str) -> float | None:
    """The amount after a "改成/调到/to" marker only (a target, not a change by an amount).

    >>> marked_amount("预算调到6百"), marked_amount("降5块")
    (600.0, None)
    """
    for m in _AMOUNT.finditer(text):
        after = text[m.end() : m.end() + 1]
        if not m.group(1)[0].isdigit() and after and has_cjk(after) and after not in "元块":
            continue  # "调到一个合适的价格": a word, not a number
        if (value := _money(text, m.group(1), m.group(2), m.end())) is not None and value > 0:
            return value
    return None


_DOWN = (
    r"降低|下调|降|减少|减|少|便宜|砍|cut|drop|lower|reduce|decrease|trim|slash|down|minus|markdown"
)
_UP = r"提高|上调|增加|提|涨|加|贵|raise|increase|bump|boost|up|plus|add|hike"
_REL_NUMBER = rf"[¥￥$]?\s*({NUMBER})"
_REL_ZH = re.compile(
    rf"({_DOWN}|{_UP})(?:价|了|个)?\s*{_REL_NUMBER}\s*(%|％|个点|成|块|元|毛|角)?(?![\d.])", re.I
)
_REL_BY = re.compile(rf"\bby\s+{_REL_NUMBER}\s*(%|percent|pct)?", re.I)
_REL_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|percent\b|pct\b)", re.I)
_DISCOUNT = re.compile(r"打?\s*(\d(?:\.\d)?|[一二两三四五六七八九]{1,2})\s*折")
_DIRECTION = re.compile(rf"({_DOWN})|({_UP})", re.I)


def _sign(text: str) -> int:
    """+1 for a raise, -1 for a cut, 0 when the request says neither (or both first-equal)."""
    for m in _DIRECTION.finditer(text):
        if re.fullmatch(r"[a-z]+", m.group(0), re.I) and not re.search(
            rf"\b{m.group(0)}\b", text, re.I
        ):
            continue  # "up" inside "update"
        return -1 if m.group(1) else 1
    return 0


def change(text: str) -> dict[str, float]:
    """A change relative to the current amount: ``change_pct`` (per cent, signed) or ``change_by``
    (an amount, signed) — "降5块", "预算提高20%", "涨价一成", "打9折", "by $2", "bump ... by 20%".
    An absolute target ("降到25") is not a change.

    >>> change("把挂耳的价格降5块"), change("预算提高20%"), change("涨价一成"), change("打九折")
    ({'change_by': -5.0}, {'change_pct': 20.0}, {'change_pct': 10.0}, {'change_pct': -10.0})
    >>> change("cut the price of RI-82115 by $2"), change("raise Earl Grey 4 oz price 10%")
    ({'change_by': -2.0}, {'change_pct': 10.0})
    >>> change("降价到75"), change("把价格调到25块"), change("补200件"), change("update SKU 1 to 10")
    ({}, {}, {}, {})
    """
    if m := _REL_ZH.search(text):
        value = cn_number(m.group(2))
        unit = (m.group(3) or "").lower()
        if value is not None and value > 0:
            sign = -1 if re.fullmatch(_DOWN, m.group(1), re.I) else 1
            if unit in ("%", "％", "个点", "成"):
                return {"change_pct": sign * value * (10 if unit == "成" else 1)}
            if unit in ("毛", "角"):
                return {"change_by": sign * value / 10}
            if unit or has_cjk(m.group(1)):
                return {"change_by": float(sign * value)}
    if m := _DISCOUNT.search(text):
        tenths = cn_number(m.group(1)) if not m.group(1)[0].isdigit() else float(m.group(1))
        if tenths is not None and 0 < tenths < 10:
            factor = tenths if tenths >= 1 else tenths * 10
            return {"change_pct": round(factor * 10 - 100, 2)}
    sign = _sign(text)
    if sign and (m := _REL_BY.search(text)):
        value = cn_number(m.group(1))
        if value is not None and value > 0:
            key = "change_pct" if m.group(2) else "change_by"
            return {key: sign * value}
    if sign and (m := _REL_PCT.search(text)):
        return {"change_pct": sign * float(m.group(1))}
    return {}
