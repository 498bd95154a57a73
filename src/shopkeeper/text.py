"""Everything a merchant or a buyer reads: the language, the message catalogue, and how numbers
and money are written. The ground floor: the standard library only.

One mechanism for bilingual text:

- **A catalogue entry** (:class:`Message`, looked up with :func:`t`) for every sentence or label
  that has a name — report headings, customer-service replies, after-sale reasons. Each domain
  keeps its entries in its own module as data and adds them with :func:`messages`.
- :func:`pick` for a one-off choice inside a function where a catalogue key would be silly
  (an f-string built from values, a pair of word lists).

>>> _ = messages({"demo.hello": ("您好，{name}", "Hello, {name}")})
>>> t("demo.hello", "en", name="Ann"), t("demo.hello", "zh", name="安")
('Hello, Ann', '您好，安')
>>> pick("en", "件", "units")
'units'
>>> money(1234.5, "USD", "en"), money(1234.5, "CNY", "zh", digits=None), pct(0.0314)
('$1,234.50', '¥1,234', '3.1%')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, NamedTuple, TypeVar

Lang = Literal["zh", "en"]
"""The language of a text: Chinese or English (a store's language, a buyer's message)."""

LANGS: tuple[Lang, ...] = ("zh", "en")

T = TypeVar("T")


class Message(NamedTuple):
    """One catalogue entry: the same text in Chinese and in English, with ``{placeholders}``."""

    zh: str
    en: str

    def text(self, lang: str, **values: object) -> str:
        """The text in ``lang`` (anything but ``zh`` reads English), placeholders filled.

        >>> Message("共 {n} 件", "{n} items").text("zh", n=3)
        '共 3 件'
        """
        template = self.zh if lang == "zh" else self.en
        return template.format(**values) if values else template


CATALOGUE: dict[str, Message] = {}
"""Every message by key; each domain module adds its entries with :func:`messages`."""


def messages(entries: Mapping[str, tuple[str, str]], *, prefix: str = "") -> dict[str, Message]:
    """Add a domain's entries to the catalogue (keys ``prefix + key``) and return them as messages.

    A key already there with other text is a mistake in the catalogues: it raises ``ValueError``.

    >>> sorted(messages({"x": ("甲", "A")}, prefix="demo."))
    ['demo.x']
    """
    added = {prefix + key: Message(*pair) for key, pair in entries.items()}
    for key, message in added.items():
        if CATALOGUE.setdefault(key, message) != message:
            raise ValueError(f"message {key!r} is defined twice with different text")
    return added


def t(key: str, lang: str, **values: object) -> str:
    """The catalogue text ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    >>> t("demo.x", "zh")
    '甲'
    """
    try:
        message = CATALOGUE[key]
    except KeyError:
        raise KeyError(f"no message {key!r} (is the module that defines it imported?)") from None
    return message.text(lang, **values)


def other_lang(lang: str) -> Lang:
    """The other language (the language switch's target).

    >>> other_lang("zh"), other_lang("en")
    ('en', 'zh')
    """
    return "en" if lang == "zh" else "zh"


def pick(lang: str, zh: T, en: T) -> T:
    """``zh`` for Chinese, else ``en``: for a one-off text that needs no catalogue key.

    >>> pick("zh", "行", "rows"), pick("en", ["甲"], ["A"])
    ('行', ['A'])
    """
    return zh if lang == "zh" else en


def lang_of(value: str | None, default: Lang = "zh") -> Lang:
    """A language code as :data:`Lang` (``en``/``en-US`` read English, ``zh*`` Chinese).

    >>> lang_of("en-US"), lang_of(None), lang_of("zh_CN", "en")
    ('en', 'zh', 'zh')
    """
    if not value:
        return default
    code = value.lower()[:2]
    return "en" if code == "en" else "zh" if code == "zh" else default


# --- language detection -------------------------------------------------------------------

CJK = "\u3400-\u9fff\uf900-\ufaff"
"""The CJK ideograph ranges (extension A, unified, compatibility): the one definition."""

_CJK = re.compile(f"[{CJK}]")


def has_cjk(text: str) -> bool:
    """Whether the text holds a Chinese character.

    >>> has_cjk("SKU 挂耳"), has_cjk("drip bags")
    (True, False)
    """
    return _CJK.search(text) is not None


def detect_lang(text: str) -> Lang:
    """``zh`` when Chinese characters are a real share (over 10%) of the letters, else ``en``.

    >>> detect_lang("上周卖了多少"), detect_lang("sales last week"), detect_lang("这款是深烘吗 dark")
    ('zh', 'en', 'zh')
    >>> detect_lang("Is the 山 blend dark roast, and how long does delivery take?")
    'en'
    """
    letters = sum(ch.isalpha() for ch in text) or 1
    return "zh" if len(_CJK.findall(text)) / letters > 0.1 else "en"


# --- numbers and money --------------------------------------------------------------------

SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "RMB": "¥",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "SGD": "S$",
    "AUD": "A$",
    "CAD": "C$",
    "BRL": "R$",
    "KRW": "₩",
    "INR": "₹",
}
"""Currency code → the symbol a merchant writes; other ISO codes print as ``CODE 12.00``."""

WHOLE_UNITS = frozenset({"JPY", "KRW"})
"""Currencies written without decimals."""


def money(
    value: float | None,
    currency: str | None,
    lang: str,
    *,
    digits: int | None = 2,
    compact: bool = False,
) -> str:
    """An amount in the store's ``currency`` (an ISO code; empty is an error, never a silent ¥).

    ``digits=None`` writes whole units from 100 up and cents below (reports, findings);
    ``compact`` writes ``¥8.7万`` / ``$87.5k`` for tight places (charts).

    >>> money(12345.6, "CNY", "zh"), money(-12.5, "USD", "en"), money(None, "USD", "en")
    ('¥12,345.60', '-$12.50', '—')
    >>> money(1234.5, "JPY", "en"), money(12, "BRL", "en"), money(12, "CHF", "en")
    ('¥1,234', 'R$12.00', 'CHF 12.00')
    >>> money(1234.6, "EUR", "en", digits=None), money(87_500, "CNY", "zh", compact=True)
    ('€1,235', '¥8.8万')
    >>> money(87_500, "USD", "en", compact=True), money(12, "GBP", "en", digits=0)
    ('$87.5k', '£12')
    >>> money(1, "", "zh")
    Traceback (most recent call last):
    ...
    ValueError: money needs the store's currency code, got ''
    """
    if not currency:
        raise ValueError(f"money needs the store's currency code, got {currency!r}")
    if value is None:
        return "—"
    code = currency.upper()
    symbol = SYMBOLS.get(code, code + " ")
    sign = "-" if value < 0 else ""
    v = abs(value)
    if compact:
        unit, size = ("万", 10_000) if lang == "zh" else ("k", 1_000)
        if v >= size:
            return f"{sign}{symbol}{v / size:.1f}".removesuffix(".0") + unit
        digits = 0
    if digits is None:
        digits = 2 if v < 100 else 0
    if code in WHOLE_UNITS:
        digits = 0
    return f"{sign}{symbol}{v:,.{digits}f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage.

    >>> pct(0.0314), pct(0.5, 0), pct(None)
    ('3.1%', '50%', '—')
    """
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def change(ratio: float | None, digits: int = 1) -> str:
    """A relative change with its sign.

    >>> change(0.123), change(-0.05), change(None)
    ('+12.3%', '-5.0%', '—')
    """
    return "—" if ratio is None else f"{ratio * 100:+.{digits}f}%"


def points(diff: float | None, lang: str) -> str:
    """A change of a rate in percentage points.

    >>> points(0.004, "en"), points(-0.004, "zh")
    ('+0.4pp', '-0.4个点')
    """
    if diff is None:
        return "—"
    return f"{diff * 100:+.1f}" + pick(lang, "个点", "pp")


def number(value: float | None, digits: int = 1) -> str:
    """A count or a rate with thousands separators and at most ``digits`` decimals, trimmed.

    >>> number(12.036), number(1234567), number(2.25, 2), number(1234.4, 0), number(None)
    ('12', '1,234,567', '2.25', '1,234', '—')
    >>> number(1.55), number(-0.01)
    ('1.6', '0')
    """
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
