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
>>> amount("把价格改成59.9元")
59.9
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from shopkeeper.text import has_cjk

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


_CN_NUM = "零〇一二两三四五六七八九十百千万点"
_NUMBER = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_NUM}]+"
_MARKER = (
    r"(?:改成|改为|改回|改到|调回|调到|调成|调为|调整为|调整到|降到|降为|降价到|涨到|涨价到|提到|"
    r"提高到|减到|设为|设成|设置为|设置成|定为|定成|变成|换成|to|at|=|为|到)"
)
_AMOUNT = re.compile(
    _MARKER + rf"\s*[¥￥$]?\s*({_NUMBER})\s*(百|千|万|k|K)?(?![\d.A-Za-z_-])", re.I
)
_PRICED = re.compile(
    rf"[¥￥$]\s*({_NUMBER})\s*(百|千|万)?|({_NUMBER})\s*(百|千|万)?\s*(?:元|块|rmb|yuan|dollars?|usd|bucks)",
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


def _scaled(number: str, scale: str | None) -> float | None:
    value = cn_number(number)
    if value is None:
        return None
    return value * _SCALE.get((scale or "").lower(), 1)


def _money(text: str, number: str, scale: str | None, after: int) -> float | None:
    """A money amount: the number, its scale, and tenths said after the unit ("块九")."""
    value = _scaled(number, scale)
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
    rf"({_NUMBER})\s*(百|千|万)?\s*(?:件|个|包|袋|盒|箱|瓶|罐|份|units?|pcs|pieces|packs?|bags?)(?![A-Za-z])",
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
        value = _scaled(m.group(1), m.group(2))
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


_DOWN = (
    r"降低|下调|降|减少|减|少|便宜|砍|cut|drop|lower|reduce|decrease|trim|slash|down|minus|markdown"
)
_UP = r"提高|上调|增加|提|涨|加|贵|raise|increase|bump|boost|up|plus|add|hike"
_REL_NUMBER = rf"[¥￥$]?\s*({_NUMBER})"
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
