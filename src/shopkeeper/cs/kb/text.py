"""Text helpers shared by the builders and the retriever: tokens, language, masking, normalising.

BM25 tokens are jieba's search-mode segmentation of Chinese (which also splits out runs of Latin
letters and digits) in lower case, without punctuation or stop words.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

from shopkeeper.text import has_cjk

_PUNCT = re.compile(r"^[\W_]+$")
_STOP = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "哈",
        "嘛",
        "么",
        "是",
        "有",
        "在",
        "我",
        "你",
        "您",
        "亲",
        "这",
        "那",
        "个",
        "和",
        "与",
        "及",
        "也",
        "都",
        "就",
        "还",
        "又",
        "a",
        "an",
        "the",
        "is",
        "are",
        "am",
        "be",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "it",
        "this",
        "that",
        "do",
        "does",
        "i",
        "you",
        "my",
        "your",
        "me",
        "we",
        "what",
        "how",
        "can",
        "with",
    ]
)


@cache
def _jieba() -> Any:
    with warnings.catch_warnings():  # jieba imports pkg_resources, which setuptools deprecates
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def tokens(text: str) -> list[str]:
    """BM25 tokens: jieba search-mode words, lower case, no punctuation or stop words.

    >>> tokens("咖啡豆的烘焙度是什么？Dark roast!")
    ['咖啡', '咖啡豆', '烘焙', '度', '什么', 'dark', 'roast']
    """
    return [
        t
        for t in _jieba().lcut_for_search(text.lower())
        if t.strip() and not _PUNCT.match(t) and t not in _STOP
    ]


_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)1[3-9]\d\*{4}\d{4}(?!\d)"
    r"|(?<![\d\w])(?:\+?\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d)"
)
_ADDR_UNIT = (
    r"(?:省|市|自治区|区|县|镇|乡|街道|路|街|大道|巷|弄|号|栋|幢|单元|室|村|小区|花园|大厦)"
)
_ZH_ADDRESS = re.compile(
    rf"(改成|改为|换成|寄到|送到|发到|地址是|地址[:：])?"
    rf"(?:[\u4e00-\u9fa5A-Za-z0-9#\-]{{1,12}}?{_ADDR_UNIT}){{2,}}"
)
_EN_ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|"
    r"Boulevard|Blvd|Court|Ct|Way|Place|Pl)\b\.?(?:,?\s+(?:Apt|Suite|Unit)\s*\w+)?",
)
_LONG_NUMBER = re.compile(r"(?<![\d.])\d{9,}(?![\d.])")


def mask_pii(text: str) -> str:
    """Mask phone numbers, street addresses and long ids (orders, parcels) in a mined text.

    >>> mask_pii("改成上海市徐汇区漕溪北路88号，电话13812345678")
    '改成[地址]，电话[手机号]'
    >>> mask_pii("Send it to 12 Baker Street please, order 3600000001964903306")
    'Send it to [address] please, order [number]'
    """
    text = _PHONE.sub(lambda m: "[手机号]" if has_cjk(text) else "[phone]", text)
    text = _ZH_ADDRESS.sub(lambda m: f"{m.group(1) or ''}[地址]", text)
    text = _EN_ADDRESS.sub("[address]", text)
    return _LONG_NUMBER.sub("[number]", text)


_NOISE = re.compile(r"[\s\W_]+")
_PARTICLES = re.compile(r"(?:^(?:亲|你好|您好|在吗|hi|hello)+)|[呢吗吧啊呀哦嘛么]")


def normalise(text: str) -> str:
    """A key for comparing questions: lower case, no punctuation, spaces or sentence particles.

    >>> normalise("你好，这款挂耳的烘焙度是什么？") == normalise("这款挂耳的烘焙度是什么")
    True
    """
    return _PARTICLES.sub("", _NOISE.sub("", text.lower()))


def bigrams(text: str) -> set[str]:
    """Character bigrams of a normalised text (single characters for one-character texts)."""
    return {text[i : i + 2] for i in range(max(len(text) - 1, 1))}
