"""Hybrid retrieval over a store's knowledge base.

Method (:meth:`KnowledgeBase.search`):

1. **Candidates.** BM25 (bm25s, over jieba tokens of title + text, plus SKU / product ids) and
   dense cosine similarity (multilingual-e5-small: ``query:`` vs ``passage:`` vectors) each rank the
   entries allowed by ``kinds`` and ``filters``; each keeps its top :data:`POOL`.
2. **Fusion.** Reciprocal-rank fusion: ``rrf = Σ 1 / (60 + rank)`` over the two lists.
3. **Re-rank.** The fused score is multiplied by ``1 + Σ boosts``, cross-features of the query and
   the entry: the entry's SKU or listing id written in the query (``id`` +2.0); the share of the
   entry's title words found in the query (``title`` up to +1.0, the product-name match); an
   intent the entry can answer — price or stock words for SKU / listing entries, promotion words
   for promotions, after-sale words for policies, FAQs and chat answers (``intent`` +0.3); an
   attribute name of the entry asked about, e.g. 材质, 烘焙度 (``field`` +0.3); and recency for
   promotions: running now +0.5, upcoming +0.1, ended ×0.3 (``ended``).

:func:`supported` says whether the best hit really answers the question (thresholds calibrated on
the demo stores, see the function), so the caller can offer a human instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from shopkeeper.clock import utcnow
from shopkeeper.cs.kb.embed import E5Embedder, Embedder
from shopkeeper.cs.kb.models import EntryKind, FieldValue, KbEntry, KbHit
from shopkeeper.cs.kb.storage import Generation, load
from shopkeeper.cs.kb.text import tokens
from shopkeeper.embedding import spare_cores

POOL = 30
RRF_K = 60
_PRICE = re.compile(r"多少钱|价格|价钱|几块|多少元|贵|便宜|price|cost|how much", re.I)
_STOCK = re.compile(r"有货|现货|库存|没货|缺货|还有吗|卖完|in stock|stock|available|sold out", re.I)
_PROMO = re.compile(
    r"优惠|活动|满减|满\d+|券|折扣|打折|折|促销|大促|秒杀|定金|预售|双11|双十一|618|半价|"
    r"discount|coupon|sale|deal|promo|off\b",
    re.I,
)
_AFTER_SALE = re.compile(
    r"退|换|售后|保修|质保|运费|发货|快递|物流|包邮|发票|破损|坏了|"
    r"return|refund|exchange|warranty|shipping|deliver|invoice|damaged",
    re.I,
)
_ATTRIBUTE = re.compile(r"^([^\s:：]{1,12})[:：]", re.M)
_OVERLAP = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kb-query")


class KnowledgeBase:
    """A loaded knowledge base generation, ready to search (keep one per process and store)."""

    def __init__(self, generation: Generation, bm25: Any, embedder: Embedder) -> None:
        self.generation = generation
        self.entries: list[KbEntry] = generation.entries
        self.vectors = np.ascontiguousarray(generation.vectors, dtype=np.float32)
        self.bm25 = bm25
        self.embedder = embedder
        self.kinds = np.array([e.kind for e in self.entries])
        self._titles = [frozenset(tokens(e.title)) for e in self.entries]
        self._attributes = [frozenset(_ATTRIBUTE.findall(e.text)) for e in self.entries]
        self._ids = [
            {str(e.fields[k]) for k in ("sku_id", "product_id") if e.fields.get(k)}
            for e in self.entries
        ]

    @classmethod
    def open(cls, kb_dir: Path, store: str, embedder: Embedder | None = None) -> KnowledgeBase:
        """Load the live generation of ``kb_dir``."""
        import bm25s

        generation = load(kb_dir, store)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bm25 = bm25s.BM25.load(str(generation.path / "bm25"), show_progress=False)
        return cls(generation, bm25, embedder or E5Embedder())

    def __len__(self) -> int:
        return len(self.entries)

    def search(
        self,
        query: str,
        k: int = 5,
        kinds: Collection[EntryKind] | None = None,
        filters: Mapping[str, FieldValue] | None = None,
        *,
        now: dt.datetime | None = None,
    ) -> list[KbHit]:
        """The ``k`` entries that best answer ``query``, best first.

        ``kinds`` keeps only those entry kinds; ``filters`` keeps entries whose ``fields`` (or
        ``lang``) equal the given values (a list field matches when it contains the value);
        ``now`` (default: real time) decides which promotions are running.
        """
        allowed = self._mask(kinds, filters)
        if not allowed.any() or not query.strip():
            return []
        # The question's vector is most of the cost. With a spare core it is encoded on two
        # threads after BM25; otherwise on one thread while this one runs BM25 (the encoder
        # releases the GIL), so a busy machine pays max(encoding, BM25) instead of their sum.
        pending = None if spare_cores() >= 2 else _OVERLAP.submit(self.embedder.query, query)
        q_tokens = tokens(query)
        bm25_scores = self._bm25_scores(q_tokens)
        vector = self.embedder.query(query) if pending is None else pending.result()
        # einsum, not ``@``: a matrix this size makes OpenBLAS wake a second thread, which then
        # spins ~100 ms on the other core after the product (0.5 ms on one core either way).
        dense = np.einsum("ij,j->i", self.vectors, vector)
        bm25_top = _top(np.where(allowed & (bm25_scores > 0), bm25_scores, -np.inf), POOL)
        dense_top = _top(np.where(allowed, dense, -np.inf), POOL)
        fused: dict[int, float] = {}
        for ranking in (bm25_top, dense_top):
            for rank, i in enumerate(ranking, start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
        bm25_rank = {i: r for r, i in enumerate(bm25_top, start=1)}
        dense_rank = {i: r for r, i in enumerate(dense_top, start=1)}
        moment = now or utcnow()
        scored = []
        for i, rrf in fused.items():
            boosts = self._boosts(i, query, frozenset(q_tokens), moment)
            factor = 1.0 + sum(b for _, b in boosts if b > 0)
            factor *= math.prod(-b for _, b in boosts if b < 0) or 1.0
            scored.append((rrf * factor, i, boosts))
        scored.sort(key=lambda s: -s[0])
        return [
            KbHit(
                entry=self.entries[i],
                score=round(score, 6),
                bm25_rank=bm25_rank.get(i),
                dense_rank=dense_rank.get(i),
                dense_similarity=round(float(dense[i]), 4),
                bm25_score=round(float(bm25_scores[i]), 4),
                boosts=[name for name, _ in boosts],
            )
            for score, i, boosts in scored[:k]
        ]

    def _mask(
        self, kinds: Collection[EntryKind] | None, filters: Mapping[str, FieldValue] | None
    ) -> np.ndarray:
        mask = np.isin(self.kinds, list(kinds)) if kinds else np.ones(len(self.entries), bool)
        for key, value in (filters or {}).items():
            mask &= np.array([_matches(e, key, value) for e in self.entries], dtype=bool)
        return mask

    def _bm25_scores(self, q_tokens: list[str]) -> np.ndarray:
        known = [t for t in q_tokens if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.entries), np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def _boosts(
        self, i: int, query: str, q_tokens: frozenset[str], now: dt.datetime
    ) -> list[tuple[str, float]]:
        """(name, value) pairs: a positive value adds to the factor, a negative one multiplies."""
        entry = self.entries[i]
        boosts: list[tuple[str, float]] = []
        if any(len(x) >= 4 and x in query for x in self._ids[i]):
            boosts.append(("id", 2.0))
        title = self._titles[i]
        if title and (share := len(title & q_tokens) / len(title)) > 0:
            boosts.append(("title", round(share, 3)))
        kind = entry.kind
        if (
            (kind in ("sku", "product") and (_PRICE.search(query) or _STOCK.search(query)))
            or (kind == "promotion" and _PROMO.search(query))
            or (kind in ("policy", "faq", "chat_qa") and _AFTER_SALE.search(query))
        ):
            boosts.append(("intent", 0.3))
        if any(a in query for a in self._attributes[i] if len(a) >= 2):
            boosts.append(("field", 0.3))
        if kind in MERCHANT_KINDS:
            boosts.append(("merchant", 0.5))  # the merchant's own rules outrank mined chats
        if kind == "promotion":
            boosts.append(_recency(entry, now))
        return boosts


MERCHANT_KINDS = frozenset({"policy", "faq", "doc_chunk"})
"""Entries the merchant wrote (policy, FAQ sheets, documents added with ``cs kb add``)."""


def _recency(entry: KbEntry, now: dt.datetime) -> tuple[str, float]:
    start, end = entry.fields.get("start_at"), entry.fields.get("end_at")
    if not isinstance(start, str) or not isinstance(end, str):
        return ("running", 0.0)
    if dt.datetime.fromisoformat(end) < now:
        return ("ended", -0.3)
    if dt.datetime.fromisoformat(start) > now:
        return ("upcoming", 0.1)
    return ("running", 0.5)


def _matches(entry: KbEntry, key: str, value: FieldValue) -> bool:
    have: Any = entry.lang if key == "lang" else entry.fields.get(key)
    if isinstance(have, list) and not isinstance(value, list):
        return value in have
    return bool(have == value)


def _top(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` highest finite scores, best first."""
    n = min(n, int(np.isfinite(scores).sum()))
    if n <= 0:
        return []
    part = np.argpartition(-scores, n - 1)[:n]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]


def supported(hits: list[KbHit], query: str) -> bool:
    """Whether the best hit is real support for an answer to ``query``.

    Calibrated on the zh and en demo stores (in-domain questions vs. unrelated ones): the best
    hit needs a dense similarity of at least :data:`SIM_STRONG`, or at least :data:`SIM_WEAK`
    together with lexical evidence (a BM25 match among the top 10, with the hit's words covering
    at least half of the question's).
    """
    if not hits:
        return False
    best = hits[0]
    if best.dense_similarity >= SIM_STRONG:
        return True
    q = set(tokens(query))
    if not q or best.dense_similarity < SIM_WEAK:
        return False
    covered = len(q & set(tokens(f"{best.entry.title} {best.entry.text}"))) / len(q)
    return best.bm25_rank is not None and best.bm25_rank <= 10 and covered >= 0.5


SIM_STRONG = 0.88
SIM_WEAK = 0.82
