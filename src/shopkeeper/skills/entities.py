"""Products, SKUs and campaigns named the way a merchant names them: an id, or a fragment of a
title, a variant (``sku_name``) or a campaign name, in Chinese or English.

A fragment is scored by the character bigrams of its Chinese runs and the words of its Latin runs
found in each candidate's name (action words such as 调价 or "change the price" do not count). The
best-scoring candidates are the matches: one is an answer, several are a question to ask.

>>> skus = [Candidate("S1", "肯尼亚AA 挂耳咖啡 10片"), Candidate("S2", "耶加雪菲 深烘 咖啡豆 250g"),
...         Candidate("S3", "耶加雪菲 深烘 咖啡豆 500g")]
>>> [c.id for c in match("把肯尼亚挂耳的价格调到25块", skus)]
['S1']
>>> [c.id for c in match("耶加雪菲深烘调价到 60", skus)], [c.id for c in match("250g的", skus)]
(['S2', 'S3'], ['S2'])
>>> [c.id for c in match("change the price of s3 to 14.99", skus)], match("苹果", skus)
(['S3'], [])
>>> [c.id for c in match("耶加雪菲 500g", skus)], [c.id for c in match("肯尼亚 10片", skus)]
(['S3'], ['S1'])
>>> words("把肯尼亚挂耳调成八十八块八")
'肯尼亚挂耳'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import duckdb

from shopkeeper.text import CJK

ACTION_WORDS = re.compile(
    r"把|帮我|请|给我|一下|那个|这个|这款|那款|的|价格|价钱|售价|调价|改价|降价|涨价|调到|调成|调整|改成|改为|"
    r"改回|降到|涨到|日预算|预算|出价|暂停|停掉|停止|关掉|关闭|计划|推广计划|补货|补|采购|商品|产品|"
    r"元|块钱|块|钱|吧|呢|吗|改|调|到|为",
)
STOP_WORDS = frozenset(
    [
        "change",
        "set",
        "the",
        "price",
        "prices",
        "of",
        "to",
        "for",
        "a",
        "an",
        "my",
        "please",
        "pause",
        "stop",
        "campaign",
        "campaigns",
        "budget",
        "daily",
        "bid",
        "raise",
        "lower",
        "increase",
        "decrease",
        "sku",
        "product",
        "it",
        "that",
        "this",
        "and",
        "make",
        "update",
        "at",
        "per",
        "day",
        "reprice",
        "adjust",
        "cost",
        "restock",
        "replenish",
        "order",
        "units",
        "unit",
        "with",
        "on",
        "in",
        "by",
    ]
)
_ID_LIKE = re.compile(r"[A-Za-z]{0,6}[-_]?\d{3,}[\w-]*|\d+(?:\.\d+)?")
_CN_AMOUNT = re.compile(
    r"[零一二两三四五六七八九十百千万点]+\s*(?:元|块|件|个|包|袋)(?:[一二两三四五六七八九][毛角]?)?"
)
_LATIN = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*", re.I)
_CJK = re.compile(f"[{CJK}]+")


@dataclass(frozen=True)
class Candidate:
    """Something a merchant can name: its id, its name as shown, and its current value."""

    id: str
    name: str
    value: float | None = None


def _terms(text: str) -> tuple[set[str], set[str]]:
    """(Chinese bigrams, Latin words) of ``text``."""
    lowered = text.lower()
    grams = {run[i : i + 2] for run in _CJK.findall(lowered) for i in range(max(len(run) - 1, 1))}
    words = {w for w in _LATIN.findall(lowered)}
    return grams, words


SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"re-?targeting|remarketing|retarget|再营销|重定向", re.I), "past purchasers 老客"),
    (
        re.compile(r"老客|老顾客|回头客|复购|past (?:buyers|customers)", re.I),
        "past purchasers 老客",
    ),
    (re.compile(r"look-?alike|相似人群|类似人群", re.I), "lookalike"),
    (re.compile(r"\bpmax\b|全站|整店|全店", re.I), "performance max all products 全站"),
)
"""What merchants call a campaign or product, added to the name words they typed ("the
retargeting campaign" is the one aimed at past purchasers)."""


def _query_terms(text: str) -> tuple[set[str], set[str]]:
    text = " ".join([text, *(also for pattern, also in SYNONYMS if pattern.search(text))])
    grams, _ = _terms(ACTION_WORDS.sub(" ", _CN_AMOUNT.sub(" ", text)))
    _, words = _terms(_ID_LIKE.sub(" ", text))
    kept = {w for w in words if w not in STOP_WORDS and len(w) > 1}
    kept |= {
        w.lower()
        for w in re.findall(
            r"\d+(?:\.\d+)?\s*(?:g|kg|ml|l|oz|lb|片|包|袋|盒|颗|号)(?![a-z])", text, re.I
        )
    }
    return grams, {w.replace(" ", "") for w in kept}


def words(text: str) -> str:
    """The naming part of a request, as shown back to the merchant ("肯尼亚挂耳", "kenya aa").

    >>> words("把肯尼亚挂耳的价格调到25块"), words("pause the Kenya AA campaign")
    ('肯尼亚挂耳', 'kenya aa')
    """
    grams, latin = _query_terms(text)
    cleaned = ACTION_WORDS.sub(" ", _CN_AMOUNT.sub(" ", text))
    runs = [r for r in _CJK.findall(cleaned) if len(r) > 1 or r in grams]
    kept = [w for w in _LATIN.findall(_ID_LIKE.sub(" ", text).lower()) if w in latin]
    return " ".join([*runs, *kept]).strip() or text.strip()


def _score(grams: set[str], words: set[str], name: str) -> int:
    lowered = name.lower()
    compact = re.sub(r"(\d)\s+(?=[a-z" + CJK + "])", r"\1", lowered)  # "12 oz" → "12oz"
    name_words = set(_LATIN.findall(compact))
    hits = sum(1 for g in grams if g in lowered)
    hits += sum(
        2
        for w in words
        if w in name_words or ((len(w) >= 4 or any(c.isdigit() for c in w)) and w in compact)
    )
    return hits


def by_id(text: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate whose id the text names as a whole token (case-insensitive)."""
    tokens = {t.lower() for t in re.findall(r"[\w-]+", text)}
    return next((c for c in candidates if c.id.lower() in tokens), None)


def match(text: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates ``text`` names: the one whose id it gives, else the best-scoring by name
    (several when they tie), else none.
    """
    if (found := by_id(text, candidates)) is not None:
        return [found]
    grams, words = _query_terms(text)
    if not grams and not words:
        return []
    scored = [(_score(grams, words, c.name), c) for c in candidates]
    best = max((s for s, _ in scored), default=0)
    tied = [c for s, c in scored if s == best] if best > 0 else []
    if len(tied) > 1:  # "250g咖啡豆": the one whose name repeats the words (its variant too)
        counts = [(sum(c.name.lower().count(g) for g in grams), c) for c in tied]
        most = max(n for n, _ in counts)
        tied = [c for n, c in counts if n == most]
    return tied


def skus(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    """Every SKU: title and variant, and its list price."""
    columns = {r[0] for r in con.execute("DESCRIBE products").fetchall()}
    variant = "coalesce(' ' || sku_name, '')" if "sku_name" in columns else "''"
    rows = con.execute(
        f"SELECT sku_id, title || {variant}, price::DOUBLE FROM products ORDER BY sku_id"
    ).fetchall()
    return [Candidate(str(i), str(n), v) for i, n, v in rows]


def campaigns(
    con: duckdb.DuckDBPyConnection, value: Literal["daily_budget", "bid"] = "daily_budget"
) -> list[Candidate]:
    """Every campaign: its latest name and daily budget (or bid)."""
    rows = con.execute(
        f"""SELECT campaign_id, arg_max(coalesce(campaign_name, campaign_id), date),
                  arg_max({value}, date)::DOUBLE
           FROM ad_campaigns GROUP BY campaign_id ORDER BY campaign_id"""
    ).fetchall()
    return [Candidate(str(i), str(n), v) for i, n, v in rows]
