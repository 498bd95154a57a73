"""Slot filling for buyer messages: order ids, phone tails, addresses, SKU ids, quantities.

Every extractor returns only what it found.

>>> order_ids("订单3600023958066010058怎么还没发，电话13812345678")
['3600023958066010058']
>>> phone_tail("手机尾号 5678")
'5678'
>>> a = address("改成浙江省杭州市西湖区文三路90号3单元1502室，张三 13812345678")
>>> a["province"], a["city"], a["district"], a["line1"], a["phone"], a["name"]
('浙江省', '杭州市', '西湖区', '文三路90号3单元1502室', '13812345678', '张三')
>>> address("上海市徐汇区漕溪北路88号")["province"]
'上海市'
>>> quantity("再买两袋"), quantity("2 bags")
(2, 2)
"""

from __future__ import annotations

import re
from collections.abc import Container

from shopkeeper.agents.amounts import CN_DIGITS

_ORDER = re.compile(
    r"(?<![A-Za-z0-9])(\d{10,24}|[A-Z][A-Z0-9]*-[A-Z0-9-]*\d[A-Z0-9-]*|#\d{4,})(?![A-Za-z0-9])"
)
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
_MOBILE_ONLY = re.compile(r"(?:86)?1[3-9]\d{9}")
_TAIL = re.compile(
    r"(?:尾号|后四位|后4位|ending(?: in)?|last (?:four|4)(?: digits)?)\D{0,4}(\d{4})", re.I
)
_SKU = re.compile(r"(?<![A-Za-z0-9])(\d{6})(?![A-Za-z0-9])")
_QTY = re.compile(
    r"(\d{1,3}|[一两二三四五六七八九十])\s*(?:件|个|包|袋|盒|瓶|罐|份|支|杯|套|pcs|pieces|bags?|boxes|packs?|units?)",
    re.I,
)
_MUNICIPALITY = ("北京市", "上海市", "天津市", "重庆市")
_PROVINCES = (
    "河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
    "云南|陕西|甘肃|青海|台湾"
)
_REGIONS = "内蒙古|广西|西藏|宁夏|新疆"
_ADDR = re.compile(
    rf"(?P<province>(?:{_PROVINCES})省?|(?:{_REGIONS})(?:[\u4e00-\u9fa5]{{0,4}}自治区)?|"
    r"北京市|上海市|天津市|重庆市|香港特别行政区|澳门特别行政区)?"
    r"(?P<city>(?:(?![省市区县])[\u4e00-\u9fa5]){2,7}?(?:市|自治州|地区|盟))?"
    r"(?P<district>(?:(?![省市区县])[\u4e00-\u9fa5]){1,7}?(?:区|县|旗|市))?"
    r"(?P<line1>[\u4e00-\u9fa5A-Za-z0-9#\-]{1,30}?(?:路|街|道|巷|弄|村|镇|乡|大道|胡同)"
    r"[\u4e00-\u9fa5A-Za-z0-9#\-]{0,30}(?:号|室|栋|楼|单元|座|层|户)?)"
)
_LEAD_IN = re.compile(
    r"(?:新的?|收货|收件|邮寄|寄送|配送)?地址(?:是|改|换|变更|修改|更改)?(?:成|为|到)?[:：]?|"
    r"(?:改|换|变更|修改|更改)(?:成|为|到)|寄到|送到|发到|邮到"
)
_PLACE_INSIDE = re.compile(rf"(?<=[\u4e00-\u9fa5])(?:{_PROVINCES}|{_REGIONS}|北京|上海|天津|重庆)")
_NAME = re.compile(
    r"([\u4e00-\u9fa5]{2,4}?)[\s,，]*(?:(?:联系电话|电话|手机号?)[\s:：]*)?"
    r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"
)
"""A name written just before a phone (张三 13812345678, 王小明，电话139 1234 5678)."""
_NAME_LABEL = r"收货人|收件人|联系人|姓名|名字|(?:recipient|receiver|name)\b"
_PHONE_LABEL = r"联系电话|电话|手机号?|(?:tel|phone|mobile)\b"
_LABELS = re.compile(rf"{_NAME_LABEL}|{_PHONE_LABEL}", re.I)
_NAMED = re.compile(
    rf"(?:{_NAME_LABEL})\s*(?:是|为|[:：])?\s*"
    r"([\u4e00-\u9fa5]{2,4}(?=$|[^\u4e00-\u9fa5]|联系电话|电话|手机)"
    r"|[A-Za-z][A-Za-z.'-]*(?: (?!(?:tel|phone|mobile)\b)[A-Za-z][A-Za-z.'-]*){0,3})",
    re.I,
)


def order_ids(text: str, known: Container[str] = ()) -> list[str]:
    """Order ids written in the message (long digit runs, or ids like ``PRESALE-UNPAID-1``),
    skipping the ``known`` ids of something else (the store's SKU and product ids, which can
    look the same: ``WH-73491``).

    >>> order_ids("WH-73491 还有货吗，订单 PRESALE-UNPAID-1", known={"WH-73491"})
    ['PRESALE-UNPAID-1']
    >>> order_ids("order 5012345678901: ship to 5 Elm St, Austin TX 78701, Al Hu 5125550100")
    ['5012345678901']
    """
    found = (m.lstrip("#") for m in _ORDER.findall(text))
    given = address(text) if _ORDER.search(text) else None
    phone = (given or {}).get("phone")  # the receiver's phone written with a new address
    return list(
        dict.fromkeys(
            m for m in found if not _MOBILE_ONLY.fullmatch(m) and m not in known and m != phone
        )
    )


def phone_tail(text: str) -> str | None:
    """The last four digits of a phone the buyer gave (尾号1234), if any."""
    m = _TAIL.search(text)
    if m:
        return m.group(1)
    full = _PHONE.search(text)
    return re.sub(r"\D", "", full.group(1))[-4:] if full else None


def sku_ids(text: str) -> list[str]:
    """Six-digit SKU ids written in the message."""
    return list(dict.fromkeys(_SKU.findall(text)))


def quantity(text: str, variant: str = "") -> int | None:
    """A quantity with its unit (两袋, 3件, 2 bags) — not one that is part of the ``variant``'s
    own name, which a buyer copies when naming it ("10 lb / 1 Bag", "3袋装").

    >>> quantity("我要两袋"), quantity("Tofu litter 10 lb 1 Bag price?", "10 lb / 1 Bag")
    (2, None)
    >>> quantity("2 bags of the 10 lb / 1 Bag one", "10 lb / 1 Bag")
    2
    """
    named = re.sub(r"\s+", "", variant).lower()
    for m in _QTY.finditer(text):
        if named and re.sub(r"\s+", "", m.group(0)).lower() in named:
            continue
        raw = m.group(1)
        return int(raw) if raw.isdigit() else CN_DIGITS.get(raw)
    return None


def address(text: str) -> dict[str, str] | None:
    """A Chinese address (province, city, district, street line), plus a phone and name when
    written with it; ``None`` without a street line and a city or district. Without a Chinese
    one, a US address (:func:`us_address`).

    The words that introduce an address (改成, 新地址是, 寄到…) are not part of it:

    >>> address("我要改地址，改成上海市浦东新区世纪大道100号 张三 13800138000")["city"]
    '上海市'
    >>> address("地址换成杭州市西湖区文三路90号")["city"]
    '杭州市'
    """
    text = _LEAD_IN.sub("，", text)
    best: dict[str, str] | None = None
    for start in range(min(len(text), 400)):
        m = _ADDR.match(text, start)
        if m is None:
            continue
        parts = {k: (v or "") for k, v in m.groupdict().items()}
        if not parts["line1"] or not (parts["city"] or parts["district"] or parts["province"]):
            continue
        if not parts["province"] and _PLACE_INSIDE.search(parts["city"] + parts["district"]):
            continue  # "改成上海市": a later start reads the province or municipality itself
        if parts["province"] in _MUNICIPALITY and not parts["city"]:
            parts["city"] = parts["province"]
        best = parts
        break
    if best is None:
        return us_address(text)
    best["line1"] = _cut_contact(best["line1"])
    phone = _PHONE.search(text)
    if phone:
        best["phone"] = re.sub(r"\D", "", phone.group(1))
    name = _contact_name(text)
    if name:
        best["name"] = name
    return best


_STREET = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Broadway"
)
_US_ADDR = re.compile(
    rf"(?P<line1>(?<![\w-])\d{{1,6}}\s+(?:[A-Za-z0-9.'-]+\s+){{0,4}}?(?:{_STREET})\b\.?)"
    r"(?:[,\s]+(?P<line2>(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|#)\.?\s*#?[\w-]+))?"
    r"[,\s]+(?P<city>[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*){0,2}?)"
    r"[,\s]+(?P<province>[A-Z]{2})\b"
    r"(?:[,\s]+(?P<zip>\d{5}(?:-\d{4})?)(?!\d))?"
)
_US_PHONE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?(\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})(?!\d)")
_US_NAME = re.compile(
    r"(?<![A-Za-z])([A-Z][a-z]+(?: [A-Z]\.?)?(?: [A-Z][a-z'-]+){1,2})[\s,]*(?:tel|phone)?[\s:,]*"
    r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
)


def us_address(text: str) -> dict[str, str] | None:
    """A US address (street line, unit, city, state, ZIP) with the phone and name written with
    it; ``None`` without a street line, a city and a state.

    >>> a = us_address("ship to 500 Oak Ave Apt 4, Portland OR 97201, Jane Doe 5035550100")
    >>> a["line1"], a["line2"], a["city"], a["province"], a["zip"], a["name"], a["phone"]
    ('500 Oak Ave', 'Apt 4', 'Portland', 'OR', '97201', 'Jane Doe', '5035550100')
    >>> us_address("change it to 123 Main St, Springfield?") is None
    True
    """
    m = _US_ADDR.search(text)
    if m is None:
        return None
    found = {k: (v or "") for k, v in m.groupdict().items()}
    rest = text[m.end() :] + " " + text[: m.start()]
    phone = _US_PHONE.search(rest)
    if phone:
        found["phone"] = re.sub(r"\D", "", phone.group(1))
    name = _NAMED.search(text) or _US_NAME.search(rest)
    if name:
        found["name"] = name.group(1).strip()
    return found


def _cut_contact(line1: str) -> str:
    """The street line without a contact written onto it (…100号收货人王小明电话139…)."""
    cuts = [m.start() for m in (_LABELS.search(line1), _PHONE.search(line1)) if m]
    return line1[: min(cuts)] if cuts and min(cuts) > 0 else line1


def _contact_name(text: str) -> str | None:
    """The recipient's name: after a label (收货人/联系人/姓名/name), else the word before a phone.

    >>> _contact_name("改地址到上海市徐汇区漕溪北路88号，收货人王小明，电话13912345678")
    '王小明'
    >>> _contact_name("联系人: 李雷 手机 +86 139 1234 5678，寄到北京市海淀区中关村大街1号")
    '李雷'
    >>> _contact_name("ship to 上海市徐汇区漕溪北路88号, name: Wang Xiaoming, tel: 13912345678")
    'Wang Xiaoming'
    >>> _contact_name("文三路90号3单元1502室，王小明，电话 139 1234 5678")
    '王小明'
    >>> _contact_name("电话13912345678") is None
    True
    """
    labeled = _NAMED.search(text)
    if labeled:
        return labeled.group(1).strip()
    for m in _NAME.finditer(text):
        word = m.group(1)
        if not _LABELS.search(word) and not any(u in word for u in "路号区市室"):
            return word
    return None
