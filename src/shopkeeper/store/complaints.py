"""Complaint topics in review texts and after-sale reasons: a small lexicon, read with negation.

Chinese text is segmented with jieba (the lexicon's terms are added to its dictionary so that
``包装破损`` or ``不新鲜`` stay one word), so ``醇厚不苦`` or ``没有压坏`` — a praise — is not read
as a complaint, and ``酸度柔和`` does not match ``酸``. English text is matched word by word with
the same negation rule (``no damage``, ``wasn't broken``). A topic whose term itself negates
(``不新鲜``, ``not as described``, ``never arrived``) is matched as a whole.

The importer reads each text the checks need once and keeps its topics in the warehouse
(:mod:`shopkeeper.store.topic_tags`); queries join those.

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
from typing import Any

from shopkeeper.store.complaint_lexicon import (
    NEGATIONS_EN,
    NEGATIONS_ZH,
    TOPICS,
    Topic,
)
from shopkeeper.text import has_cjk

_INTENSIFIERS_ZH = frozenset({"很", "太", "都", "也", "有", "会", "被", "一点", "怎么", "是"})
_SELF_NEGATING = re.compile(r"^(不|没|无|未|not |never |nothing |no |didn't |doesn't |does not )")
_EN_WORD = re.compile(r"[a-z0-9'\-]+")


_TOKENIZER_LOCK = threading.Lock()


def _tokenizer() -> Any:
    """Jieba's default dictionary plus the lexicon's terms (loaded once, only when needed)."""
    with _TOKENIZER_LOCK:
        return _load_tokenizer()


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
