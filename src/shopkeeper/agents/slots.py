"""Slot filling for the offline router: periods, counts, ids and amounts in a zh/en request.

Every extractor returns only what it found; the router keeps just the arguments the chosen skill
accepts, so a skill's own defaults apply to everything else.

>>> period("上周卖了多少")
{'days': 7}
>>> period("last 30 days")
{'days': 30}
>>> period("2026-11-01到2026-11-11的销售额")
{'start': '2026-11-01', 'end': '2026-11-11'}
>>> limit("销量前5的商品"), limit("top 3 products")
(5, 3)
>>> amount("把价格改成59.9元")
59.9
"""

from __future__ import annotations

import re
from typing import Any

CN_DIGITS = {
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

_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_RANGE = re.compile(_DATE + r"\s*(?:到|至|~|-|—|to|until|through)\s*" + _DATE)
_ONE_DATE = re.compile(_DATE)
_LAST_N = re.compile(
    r"(?:最近|近|过去|前)\s*(\d+|[一两二三四五六七八九十]+)\s*(天|日|周|星期|个月|月)"
    r"|(?:last|past|previous)\s+(\d+)\s+(days?|weeks?|months?)",
    re.I,
)
_FIXED: tuple[tuple[str, int], ...] = (
    (r"昨天|昨日|yesterday|今天|今日|today", 1),
    (r"上周|上星期|本周|这周|这星期|last week|this week|past week|一周", 7),
    (r"上个月|上月|本月|这个月|last month|this month|past month", 30),
    (r"本季度|上季度|这个季度|last quarter|this quarter", 90),
    (r"今年|全年|this year|past year|last year", 365),
)
_UNIT_DAYS = {
    "天": 1,
    "日": 1,
    "周": 7,
    "星期": 7,
    "个月": 30,
    "月": 30,
    "day": 1,
    "week": 7,
    "month": 30,
}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], 0) if len(text) > 1 else 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_DIGITS.get(tens, 1) * 10 + CN_DIGITS.get(ones, 0)
    return CN_DIGITS.get(text, 1)


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def period(text: str) -> dict[str, Any]:
    """A period: explicit dates, "最近N天"/"last N days", or 昨天/上周/本月-style words."""
    if m := _RANGE.search(text):
        g = m.groups()
        return {"start": _iso(*g[:3]), "end": _iso(*g[3:])}
    if m := _ONE_DATE.search(text):
        day = _iso(*m.groups())
        return {"start": day, "end": day}
    if m := _LAST_N.search(text):
        n, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        unit = unit.lower().rstrip("s")
        return {"days": max(1, min(3660, _number(n) * _UNIT_DAYS.get(unit, 1)))}
    lowered = text.lower()
    for pattern, days in _FIXED:
        if re.search(pattern, lowered):
            return {"days": days}
    return {}


_LIMIT = re.compile(
    r"(?:前|top\s*|最好的|最差的)\s*(\d+|[一两二三四五六七八九十]+)(?:\s*(?:个|名|款|种|件|条|products|items))?"
    r"|(\d+|[一两二三四五六七八九十]+)\s*(?:个|款|种)(?:商品|产品|sku)",
    re.I,
)


def limit(text: str) -> int | None:
    """A "top N" count."""
    m = _LIMIT.search(text)
    if not m:
        return None
    value = _number(m.group(1) or m.group(2))
    return value if 1 <= value <= 200 else None


_AMOUNT = re.compile(
    r"(?:改成|改为|调到|调整为|降到|降价到|涨到|涨价到|设为|设置为|to|at|=)\s*[¥￥$]?\s*(\d+(?:\.\d+)?)",
    re.I,
)


def amount(text: str) -> float | None:
    """The target amount of a change ("改成59.9元", "to 19.9")."""
    m = _AMOUNT.search(text)
    return float(m.group(1)) if m else None


_ID = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z]{1,6}[-_]?\d[\w-]*|\d{6,})(?![A-Za-z0-9_-])")


def ids(text: str) -> list[str]:
    """Things that look like order, SKU or campaign ids ("SKU-1024", "C003", "2026111100123")."""
    found = [m.group(1) for m in _ID.finditer(text)]
    return [f for f in found if not re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}", f)]


def ranking(text: str) -> dict[str, Any]:
    """Worst-first and by-units modifiers of a ranking."""
    found: dict[str, Any] = {}
    if re.search(r"最差|最少|垫底|滞销|卖不动|卖不出|worst|least|bottom|slowest", text, re.I):
        found["order"] = "bottom"
    if re.search(r"销量|件数|units|quantity", text, re.I):
        found["by"] = "units"
    return found


_RULE = re.compile(
    r"不做|不要|不能|不得|不许|禁止|必须|一律|最低|最多|以后|底线|never|always|must|do not|don't|no more than|at least|at most",
    re.I,
)
_PREFERENCE = re.compile(r"喜欢|偏好|希望|习惯|优先|prefer|like|rather", re.I)
_DECISION = re.compile(r"决定|定了|拍板|decided|we will|going to", re.I)


def memory_kind(text: str) -> str:
    """What a stated memory is: a rule the team must follow, a preference, a decision or a note.

    >>> memory_kind("不做低于5折的促销"), memory_kind("我喜欢周报用表格"), memory_kind("供应商周五放假")
    ('rule', 'preference', 'note')
    """
    if _RULE.search(text):
        return "rule"
    if _DECISION.search(text):
        return "decision"
    if _PREFERENCE.search(text):
        return "preference"
    return "note"
