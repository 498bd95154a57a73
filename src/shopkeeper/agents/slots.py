"""Slot filling for the offline router: periods, counts, ids and amounts in a zh/en request.

Every extractor returns only what it found; the router keeps just the arguments the chosen skill
accepts, so a skill's own defaults apply to everything else.

>>> period("上周卖了多少")
{'days': 7}
>>> period("last 30 days")
{'days': 30}
>>> period("上上周卖了多少"), period("这礼拜生意咋样"), period("the month before last")
({'days': 7, 'offset_days': 7}, {'days': 7}, {'days': 30, 'offset_days': 30})
>>> period("2026-11-01到2026-11-11的销售额")
{'start': '2026-11-01', 'end': '2026-11-11'}
>>> limit("销量前5的商品"), limit("top 3 products"), limit("my 5 worst selling products")
(5, 3, 5)

Amounts and changes by an amount or a share are in :mod:`shopkeeper.agents.amounts`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shopkeeper.agents.amounts import CN_DIGITS, NUMBER, scaled

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
    (r"上周|上星期|本周|这周|这星期|礼拜|last week|this week|past week|一周", 7),
    (r"上个月|上月|本月|这个月|last month|this month|past month", 30),
    (r"本季度|上季度|这个季度|last quarter|this quarter", 90),
    (r"今年|全年|this year|past year|last year", 365),
)
_TWO_BACK = re.compile(
    r"上上(?:个)?(?:周|星期|礼拜|月)|(?:week|month) before last|two (?:weeks|months) ago"
)
"""The period before the last one ("上上周", "the week before last")."""
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


_MONTH_TO_DATE = re.compile(
    r"月初(?:到|至|以来)|(?:本月|这个?月)(?:到现在|到今天|至今|以来|迄今)|\bmtd\b|month[- ]to[- ]date|"
    r"so far this month|this month so far",
    re.I,
)
"""The month so far: from the 1st through yesterday, however many days that is."""


def period(text: str, today: dt.date | None = None) -> dict[str, Any]:
    """A period: explicit dates, "最近N天"/"last N days", 昨天/上周/本月-style words, or the
    month so far ("月初到现在", "MTD": the days since the 1st, through yesterday, when ``today`` is
    known).

    >>> period("月初到现在成交额", dt.date(2026, 11, 21)), period("MTD revenue", dt.date(2026, 11, 1))
    ({'days': 20}, {'days': 1})
    """
    if today is not None and _MONTH_TO_DATE.search(text):
        return {"days": max(1, today.day - 1)}
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
    if re.search(r"前天|day before yesterday", lowered):
        return {"days": 1, "offset_days": 1}
    if m := _TWO_BACK.search(lowered):
        days = 30 if re.search(r"月|month", m.group(0)) else 7
        return {"days": days, "offset_days": days}
    for pattern, days in _FIXED:
        if re.search(pattern, lowered):
            return {"days": days}
    return {}


_VERSUS = re.compile(r"\s*(?:\bvs\.?|\bversus\b|\bcompared (?:to|with)\b|对比)\s*", re.I)
_SAME_DAY = re.compile(r"same (?:day|weekday)|同一天|上周的?今天|上周同天", re.I)
_SAME_PERIOD = (
    (re.compile(r"(?:last|a) week|上周|上星期", re.I), 7),
    (re.compile(r"(?:last|a) month|上个?月", re.I), 28),
    (re.compile(r"(?:last|a) year|去年", re.I), 364),
)
"""How far back "the same day/period last week, month, year" is (whole weeks: same weekdays)."""


def compared(
    text: str, today: dt.date | None = None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The two periods of "A vs B" ("yesterday vs same day last week"), when B is not simply the
    period before A (which every period answer compares with already).

    >>> compared("yesterday vs same day last week")
    ({'days': 1}, {'days': 1, 'offset_days': 7})
    >>> compared("this week vs last week revenue"), compared("昨天卖了多少")
    (None, None)
    """
    parts = _VERSUS.split(text, maxsplit=1)
    if len(parts) != 2 or not (first := period(parts[0], today)) or "days" not in first:
        return None
    days, offset = int(first["days"]), int(first.get("offset_days", 0))
    second: dict[str, Any] = {}
    if _SAME_DAY.search(parts[1]) or re.search(r"same (?:period|time)|同期", parts[1], re.I):
        back = next((n for pattern, n in _SAME_PERIOD if pattern.search(parts[1])), 0)
        second = {"days": days, "offset_days": offset + back} if back else {}
    else:
        second = period(parts[1], today)
    if not second or second == first or second == {"days": days, "offset_days": offset + days}:
        return None
    return first, second


_LIMIT = re.compile(
    r"(?:前|top\s*|最好的|最差的|最高的|最多的|最低的|最少的)\s*(\d+|[一两二三四五六七八九十]+)(?:\s*(?:个|名|款|种|件|条|products|items))?"
    r"|(\d+|[一两二三四五六七八九十]+)\s*(?:个|款|种)(?:商品|产品|sku)"
    r"|\b(\d+)\s+(?:best|worst|top|bottom|slowest|fastest|biggest)\b",
    re.I,
)


def limit(text: str) -> int | None:
    """A "top N" count."""
    m = _LIMIT.search(text)
    if not m:
        return None
    value = _number(m.group(1) or m.group(2) or m.group(3))
    return value if 1 <= value <= 200 else None


_ID = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z]{1,6}[-_]?\d[\w-]*|\d{6,})(?![A-Za-z0-9_-])")


def ids(text: str) -> list[str]:
    """Things that look like order, SKU or campaign ids ("SKU-1024", "C003", "2026111100123")."""
    found = [m.group(1) for m in _ID.finditer(text)]
    return [f for f in found if not re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}", f)]


def ranking(text: str) -> dict[str, Any]:
    """Worst-first and by-units modifiers of a ranking."""
    found: dict[str, Any] = {}
    if re.search(
        r"最差|最少|最低|垫底|滞销|卖不动|卖不出|worst|least|bottom|slowest|not selling|n't selling",
        text,
        re.I,
    ):
        found["order"] = "bottom"
    if re.search(r"销量|件数|units|quantity", text, re.I):
        found["by"] = "units"
    return found


_PERFORMANCE_SORT = (
    ("conversion_rate", r"转化|conversion|convert"),
    ("refund_rate", r"退款率|退货率|refund rate|return rate"),
    ("visitors", r"访客|流量|visitors|traffic"),
    ("gmv_change_pct", r"涨得|跌得|增长最|下滑最|growing|falling|grew|fell"),
    ("orders", r"订单|单量|orders"),
)


def performance_order(text: str) -> dict[str, Any]:
    """How a per-listing table is sorted: by the figure the request names, worst first when it
    asks for the worst.

    >>> performance_order("转化最差的几个品"), performance_order("which listings get the most traffic")
    ({'order': 'asc', 'sort_by': 'conversion_rate'}, {'order': 'desc', 'sort_by': 'visitors'})
    """
    found: dict[str, Any] = {"order": "asc" if ranking(text).get("order") == "bottom" else "desc"}
    for field, pattern in _PERFORMANCE_SORT:
        if re.search(pattern, text, re.I):
            found["sort_by"] = field
            break
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


_HORIZON_N = re.compile(
    r"(?:未来|接下来|之后|next|coming)\s*(\d+|[一两二三四五六七八九十]+)\s*(天|日|周|星期|个月|days?|weeks?|months?)",
    re.I,
)
_HORIZON_FIXED: tuple[tuple[str, int], ...] = (
    (r"下周|下星期|下个星期|未来一周|next week|coming week|week ahead", 7),
    (r"下个月|下月|未来一个月|next month|coming month|month ahead", 30),
)


def horizon(text: str) -> int | None:
    """How many days ahead a forecast looks ("下周" 7, "未来30天" 30, "next 2 weeks" 14).

    >>> horizon("预测下周的销量"), horizon("未来30天能卖多少"), horizon("next 2 weeks"), horizon("上周")
    (7, 30, 14, None)
    """
    if m := _HORIZON_N.search(text):
        unit = m.group(2).lower().rstrip("s")
        return max(1, min(90, _number(m.group(1)) * _UNIT_DAYS.get(unit, 1)))
    lowered = text.lower()
    for pattern, days in _HORIZON_FIXED:
        if re.search(pattern, lowered):
            return days
    return None


_QUANTITY = re.compile(
    rf"({NUMBER})\s*(百|千|万)?\s*(?:件|个|包|袋|盒|箱|瓶|罐|份|units?|pcs|pieces|packs?|bags?)(?![A-Za-z])",
    re.I,
)


_ORDER_N = re.compile(
    r"\b(?:order|reorder|restock|buy|replenish|add)\s+(?:another\s+)?(\d+)\b(?!\s*(?:%|days?|weeks?))",
    re.I,
)


def quantity(text: str) -> int | None:
    """A number of units ("补200件", "order 50 units", "restock 40 of the tea"): the last one
    given ("10袋的补200件").

    >>> quantity("给耶加雪菲补200件"), quantity("reorder 50 units"), quantity("补两百件"), quantity("补货")
    (200, 50, 200, None)
    >>> quantity("给茉莉花茶10袋补200件"), quantity("restock 40 of the Peppermint tea 3 boxes")
    (200, 40)
    >>> quantity("reorder 60 of the jasmine 30 bags")
    60
    """
    if (m := _ORDER_N.search(text)) and int(m.group(1)) >= 1:
        return int(m.group(1))  # the number after the verb, whatever the name holds ("30 bags")
    for m in reversed(list(_QUANTITY.finditer(text))):
        value = scaled(m.group(1), m.group(2))
        if value is not None and value >= 1:
            return int(value)
    return None


_EVENTS = (
    ("double11", r"双\s*11|双十一|11\.11|singles'? ?day"),
    ("double12", r"双\s*12|双十二|12\.12"),
    ("618", r"618|6\.18"),
    ("new_year", r"年货节|年货|春节|chinese new year|lunar new year|spring festival"),
    ("black_friday", r"黑五|黑色星期五|black friday|cyber monday|bfcm"),
    ("prime_day", r"prime day|会员日"),
)


def event(text: str) -> dict[str, Any]:
    """The sales event a request names ("帮我准备双11", "get me ready for Black Friday").

    >>> event("帮我准备一下双12，要做哪些事？"), event("Get me ready for Black Friday"), event("hi")
    ({'event': 'double12'}, {'event': 'black_friday'}, {})
    """
    for name, pattern in _EVENTS:
        if re.search(pattern, text, re.I):
            return {"event": name}
    return {}


_DROP = re.compile(
    r"少了|减少|下降|下滑|掉了|掉|跌|降了|变差|不如|低了|不好|不行|腰斩|萎缩|惨淡|"
    r"drop|fell|fall|down|declin|decreas|lower|worse|tank|plung|plummet|crash|slump|dip|sink|sank|"
    r"slid|shrank|shrink",
    re.I,
)
_RISE = re.compile(
    r"多了|增加|上涨|上升|涨了|涨|变好|高了|暴增|大增|翻倍|"
    r"ris[ei]|rose|up\b|jump|grew|grow|increas|higher|spike|surg|soar|boom|doubl|climb",
    re.I,
)


def premise(text: str) -> dict[str, Any]:
    """The direction a "why" question assumes, and which figure it asks about.

    >>> premise("为什么这周的成交额比上周少了？"), premise("Why did revenue drop last week?")
    ({'premise': 'drop', 'metric': 'gmv'}, {'premise': 'drop', 'metric': 'gmv'})
    >>> premise("销量怎么掉了"), premise("why are orders up?")
    ({'premise': 'drop', 'metric': 'units'}, {'premise': 'rise', 'metric': 'orders'})
    >>> premise("why did orders tank this week?"), premise("what's behind the spike in revenue?")
    ({'premise': 'drop', 'metric': 'orders'}, {'premise': 'rise', 'metric': 'gmv'})
    >>> premise("这礼拜订单多了还是少了")
    {'metric': 'orders'}
    """
    found: dict[str, Any] = {}
    drop, rise = _DROP.search(text), _RISE.search(text)
    if drop and not rise:
        found["premise"] = "drop"
    elif rise and not drop:
        found["premise"] = "rise"  # both ("多了还是少了"): the question assumes neither
    if re.search(r"销量|件数|units", text, re.I):
        found["metric"] = "units"
    elif re.search(r"订单|单量|多少单|orders", text, re.I):
        found["metric"] = "orders"
    else:
        found["metric"] = "gmv"
    return found
