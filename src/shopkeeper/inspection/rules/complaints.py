"""Complaint topics in review texts and after-sale reasons: a small lexicon, read with negation.

Chinese text is segmented with jieba (the lexicon's terms are added to its dictionary so that
``包装破损`` or ``不新鲜`` stay one word), so ``醇厚不苦`` or ``没有压坏`` — a praise — is not read
as a complaint, and ``酸度柔和`` does not match ``酸``. English text is matched word by word with
the same negation rule (``no damage``, ``wasn't broken``). A topic whose term itself negates
(``不新鲜``, ``not as described``, ``never arrived``) is matched as a whole.

Only the few texts of listings already flagged by SQL are tagged here; the SQL side uses
:func:`complaint_pattern` (multi-character terms, negated mentions removed first).

>>> [t.key for t in topics_of("包装破了，豆子撒了一箱子")]
['damaged']
>>> topics_of("包装很用心，没有压坏"), topics_of("醇厚不苦，酸度柔和")
([], [])
>>> [t.key for t in topics_of("Tasted stale, roast date was months ago")]
['stale']
>>> topics_of("Arrived with no damage at all")
[]
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shopkeeper.text import has_cjk, pick


@dataclass(frozen=True)
class Topic:
    """One complaint topic: its labels and the words that reveal it."""

    key: str
    zh: str
    en: str
    zh_terms: tuple[str, ...]
    en_terms: tuple[str, ...]
    buyer_side: bool = False
    """A reason on the buyer's side (changed mind, ordered by mistake), not a product problem."""

    def label(self, lang: str) -> str:
        """The topic's name in the store's language."""
        return pick(lang, self.zh, self.en)


TOPICS: tuple[Topic, ...] = (
    Topic(
        "buyer_side",
        "买家原因（无理由/拍错/不想要）",
        "buyer's choice (changed mind, ordered by mistake)",
        (
            "七天无理由",
            "无理由",
            "不想要",
            "拍错",
            "多拍",
            "协商一致",
            "地址填错",
            "地址写错",
            "不喜欢了",
        ),
        (
            "changed my mind",
            "ordered by mistake",
            "no longer need",
            "no longer want",
            "found a better price",
            "wrong shipping address",
            "wrong address",
            "don't need",
            "do not need",
        ),
        buyer_side=True,
    ),
    Topic(
        "wrong_item",
        "发错货",
        "wrong item sent",
        (
            "发错",
            "错发",
            "发成",
            "不是我买的",
            "不是我拍的",
            "规格不对",
            "型号不对",
            "颜色不对",
            "口味不对",
        ),
        (
            "wrong item",
            "wrong product",
            "wrong size",
            "wrong flavor",
            "wrong flavour",
            "wrong color",
            "wrong colour",
            "not what i ordered",
            "different item",
            "sent the wrong",
        ),
    ),
    Topic(
        "missing",
        "少发漏发",
        "missing items",
        ("少发", "漏发", "少件", "缺件", "少了一", "少一", "没收到", "未收到", "空包"),
        (
            "missing",
            "not included",
            "only received",
            "never received",
            "empty box",
            "short shipped",
        ),
    ),
    Topic(
        "leaking",
        "漏液撒漏",
        "leaking",
        ("漏液", "漏了", "漏得", "漏出", "渗漏", "洒了", "漏过来", "漏水"),
        ("leak", "spill", "seeped"),
    ),
    Topic(
        "damaged",
        "包装破损",
        "damaged in transit",
        (
            "包装破损",
            "破损",
            "破了",
            "压坏",
            "压扁",
            "摔坏",
            "碎了",
            "撒了",
            "裂开",
            "裂了",
            "烂了",
            "破洞",
            "变形",
            "碎成",
        ),
        (
            "damaged",
            "damage",
            "broken",
            "crushed",
            "dented",
            "torn",
            "cracked",
            "smashed",
            "ripped",
            "busted",
        ),
    ),
    Topic(
        "late",
        "物流慢",
        "slow delivery",
        (
            "物流慢",
            "物流太慢",
            "发货慢",
            "太慢",
            "很慢",
            "好慢",
            "慢得",
            "迟迟",
            "延迟",
            "还没到",
            "等了好",
            "超时",
        ),
        (
            "took forever",
            "took too long",
            "too long",
            "slow shipping",
            "slow delivery",
            "late",
            "delayed",
            "delay",
            "still waiting",
            "never arrived",
            "took a while",
            "took weeks",
        ),
    ),
    Topic(
        "expired",
        "过期临期",
        "expired or short-dated",
        ("过期", "临期", "快过期", "生产日期", "保质期快到"),
        (
            "expired",
            "expiry",
            "expiration",
            "best-by",
            "best by",
            "best before",
            "short-dated",
            "short dated",
        ),
    ),
    Topic(
        "stale",
        "不新鲜/受潮",
        "stale, not fresh",
        (
            "不新鲜",
            "受潮",
            "哈喇",
            "陈味",
            "陈货",
            "变质",
            "发霉",
            "霉",
            "不脆",
            "软了",
            "放了很久",
            "发黑",
        ),
        (
            "stale",
            "rancid",
            "moldy",
            "mouldy",
            "mold",
            "spoiled",
            "soggy",
            "not fresh",
            "old beans",
            "months old",
            "no aroma",
            "no crema",
        ),
    ),
    Topic(
        "irritation",
        "过敏刺痛",
        "skin irritation",
        (
            "过敏",
            "刺痛",
            "红疹",
            "泛红",
            "发痒",
            "很痒",
            "烂脸",
            "闷痘",
            "起疙瘩",
            "小疙瘩",
            "刺激",
        ),
        (
            "irritation",
            "irritated",
            "irritating",
            "rash",
            "burning",
            "burns",
            "stung",
            "sting",
            "redness",
            "broke out",
            "breakout",
            "allergic",
            "itchy",
        ),
    ),
    Topic(
        "bitter_sour",
        "苦/酸涩",
        "bitter or sour",
        (
            "苦",
            "太苦",
            "很苦",
            "发苦",
            "苦涩",
            "发涩",
            "涩",
            "酸",
            "太酸",
            "很酸",
            "酸味重",
            "焦苦",
        ),
        ("bitter", "sour", "burnt", "acidic", "astringent"),
    ),
    Topic(
        "taste",
        "口味差",
        "bad taste",
        (
            "难喝",
            "难吃",
            "怪味",
            "寡淡",
            "不好喝",
            "不好吃",
            "香精味",
            "刷锅水",
            "太咸",
            "太淡",
            "没味道",
            "口味不喜欢",
            "奇怪",
        ),
        (
            "tastes like cardboard",
            "tasteless",
            "flavorless",
            "bland",
            "weird taste",
            "off taste",
            "off-taste",
            "bad taste",
            "awful taste",
            "didn't like the taste",
            "tastes bad",
            "too salty",
            "watery",
        ),
    ),
    Topic(
        "not_as_described",
        "与描述不符",
        "not as described",
        ("不符", "描述不符", "色差", "和图片差", "假货", "不一样", "差别很大", "差很多"),
        (
            "not as described",
            "nothing like",
            "fake",
            "counterfeit",
            "misleading",
            "looks different",
            "not as pictured",
        ),
    ),
    Topic(
        "quality",
        "质量问题",
        "quality defect",
        (
            "质量问题",
            "质量差",
            "坏了",
            "做工粗糙",
            "粗糙",
            "劣质",
            "有瑕疵",
            "划痕",
            "不能用",
            "用不了",
            "结块",
            "不准",
            "搓泥",
        ),
        (
            "defective",
            "defect",
            "poor quality",
            "bad quality",
            "quality issue",
            "stopped working",
            "broke",
            "scratched",
            "flimsy",
            "cheaply made",
            "doesn't work",
            "does not work",
            "clumped",
        ),
    ),
    Topic(
        "service",
        "客服态度",
        "customer service",
        ("客服态度差", "客服态度很差", "态度差", "态度很差", "态度恶劣", "没人回", "不理人"),
        (
            "never replied",
            "never responded",
            "no response",
            "no reply",
            "rude",
            "ignored my",
            "unhelpful",
        ),
    ),
)
"""Checked in this order; a text may carry several topics."""

BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}
NEGATIONS_ZH = frozenset(
    {
        "不",
        "没",
        "没有",
        "未",
        "无",
        "并不",
        "并没有",
        "毫无",
        "不会",
        "不算",
        "不是",
        "并非",
        "一点也不",
        "也不",
        "都不",
    }
)
NEGATIONS_EN = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "isn't",
        "wasn't",
        "weren't",
        "didn't",
        "don't",
        "doesn't",
        "zero",
        "nothing",
        "wasnt",
        "didnt",
        "dont",
        "hardly",
    }
)
_INTENSIFIERS_ZH = frozenset({"很", "太", "都", "也", "有", "会", "被", "一点", "怎么", "是"})
_SELF_NEGATING = re.compile(r"^(不|没|无|未|not |never |nothing |no |didn't |doesn't |does not )")
_EN_WORD = re.compile(r"[a-z0-9'\-]+")


_TOKENIZER_LOCK = threading.Lock()


def _tokenizer() -> Any:
    """Jieba's default dictionary plus the lexicon's terms (loaded once, only when needed)."""
    with _TOKENIZER_LOCK:
        return _load_tokenizer()


def warm_up() -> None:
    """Load the tokenizer on a background thread: a Chinese store's inspection starts it before
    its rules run, so the dictionary (about half a second) loads while their SQL does.
    """
    threading.Thread(target=_tokenizer, name="shopkeeper-jieba", daemon=True).start()


@functools.cache
def _load_tokenizer() -> Any:
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources when present
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for topic in TOPICS:
        for term in topic.zh_terms:
            if len(term) >= 2:
                tok.add_word(term, freq=20_000)
    return tok


def _negated_zh(tokens: list[str], i: int) -> bool:
    j = i - 1
    while j >= 0 and j >= i - 3 and tokens[j] in _INTENSIFIERS_ZH:
        j -= 1
    return j >= 0 and tokens[j] in NEGATIONS_ZH


def _zh_hits(text: str) -> list[Topic]:
    tokens = [t for t in _tokenizer().lcut(text, HMM=False) if t.strip()]
    found: list[Topic] = []
    for i, token in enumerate(tokens):
        for topic in TOPICS:
            if topic in found:
                continue
            for term in topic.zh_terms:
                if not (token == term or (len(term) >= 2 and term in token)):
                    continue
                negates_itself = bool(_SELF_NEGATING.match(term))
                prefixed = token != term and token[0] in "不没未无" and token[0] != term[0]
                if negates_itself or not (prefixed or _negated_zh(tokens, i)):
                    found.append(topic)
                    break
    return found


_SUFFIXES = ("", "s", "es", "d", "ed", "ing", "y")


def _word_is(word: str, stem: str, last: bool) -> bool:
    return word == stem or (last and any(word == stem + s for s in _SUFFIXES))


def _en_hits(text: str) -> list[Topic]:
    words = _EN_WORD.findall(text.lower())
    found: list[Topic] = []
    for topic in TOPICS:
        for term in topic.en_terms:
            parts = term.split()
            n = len(parts)
            starts = (
                i
                for i in range(len(words) - n + 1)
                if all(_word_is(words[i + k], p, k == n - 1) for k, p in enumerate(parts))
            )
            negates_itself = bool(_SELF_NEGATING.match(term + " "))
            if any(
                negates_itself or not NEGATIONS_EN.intersection(words[max(0, i - 2) : i])
                for i in starts
            ):
                found.append(topic)
                break
    return found


def topics_of(text: str | None) -> list[Topic]:
    """The complaint topics a text mentions (not negated), in lexicon order. A text is read by its
    own script (a Chinese shop gets English reviews too, and the other way round).
    """
    if not text:
        return []
    hits = _zh_hits(text) if has_cjk(text) else _en_hits(text)
    return [t for t in TOPICS if t in hits]


def tally(texts: Iterable[str | None], *, with_buyer_side: bool = True) -> Counter[str]:
    """How many texts mention each topic (a text counts once per topic)."""
    counts: Counter[str] = Counter()
    for text in texts:
        for topic in topics_of(text):
            if with_buyer_side or not topic.buyer_side:
                counts[topic.key] += 1
    return counts


def complaint_pattern() -> tuple[str, str]:
    """RE2 patterns for SQL: ``(negated, complaint)``. Remove the negated mentions from a text
    (``regexp_replace(text, negated, '', 'g')``), then ``regexp_matches(rest, complaint)`` tells
    whether it mentions a product or delivery complaint (Chinese terms of two characters or more,
    English terms as whole words).

    >>> import re
    >>> negated, complaint = complaint_pattern()
    >>> bool(re.search(complaint, re.sub(negated, "", "包装很用心，没有压坏")))
    False
    >>> bool(re.search(complaint, "收到的时候袋子破了一个口")), bool(re.search(complaint, "dark chocolate"))
    (True, False)
    """
    product = [t for t in TOPICS if not t.buyer_side]
    zh = sorted(
        {t for topic in product for t in topic.zh_terms if len(t) >= 2}, key=len, reverse=True
    )
    en = sorted({t for topic in product for t in topic.en_terms}, key=len, reverse=True)
    zh_plain = "|".join(re.escape(t) for t in zh if not _SELF_NEGATING.match(t))
    en_plain = "|".join(re.escape(t) for t in en if not _SELF_NEGATING.match(t + " "))
    suffix = "(?:s|es|d|ed|ing|y)?\\b"
    negated = (
        f"(?i)(?:(?:不|没有|没|未|无|毫无)(?:很|太|都|也|有|被|是|会|算|一点)?(?:{zh_plain})"
        f"|\\b(?:no|not|never|without|zero|\\w+n't)\\s+(?:\\w+\\s+)?(?:{en_plain}){suffix})"
    )
    complaint = (
        f"(?i)(?:{'|'.join(re.escape(t) for t in zh)}"
        f"|\\b(?:{'|'.join(re.escape(t) for t in en)}){suffix})"
    )
    return negated, complaint


def hit_vocabulary() -> tuple[list[str], list[str]]:
    """Every lower-case string :func:`complaint_pattern` can match, and the topic key of each
    (English terms with their suffixes), for a join in SQL.

    >>> words, keys = hit_vocabulary()
    >>> keys[words.index("damaged")], keys[words.index("破了")]
    ('damaged', 'damaged')
    """
    vocab: dict[str, str] = {}
    for topic in TOPICS:
        if topic.buyer_side:
            continue
        for term in topic.zh_terms:
            if len(term) >= 2:
                vocab.setdefault(term.lower(), topic.key)
        for term in topic.en_terms:
            for suffix in _SUFFIXES:
                vocab.setdefault(term.lower() + suffix, topic.key)
    return list(vocab), list(vocab.values())
