"""Complaint topics of review and chat texts in any language the embedding model reads.

Two readers, in order: the zh/en lexicon of :mod:`shopkeeper.store.complaints` (exact,
with negation), then — for a text it finds nothing in — the nearest topic prototype under the
multilingual embedding model (:mod:`shopkeeper.embedding`, multilingual-e5-small). Prototypes are
short complaints written in Chinese, English, Portuguese and Spanish, plus a "no complaint" class
(praise, thanks), so a happy review is not pulled into the nearest complaint. A text gets the
topic whose two closest prototypes are on average at least :data:`FLOOR` similar, and closer than
the "no complaint" class and every other topic.

The prototype vectors are computed once per process (:func:`_prototypes`), like a compiled
pattern: they are derived from the constants below, not a resource.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np

from shopkeeper import embedding
from shopkeeper.store.complaint_lexicon import BY_KEY
from shopkeeper.store.complaints import topics_of
from shopkeeper.store.query import Query
from shopkeeper.store.topic_tags import tagged_topics
from shopkeeper.text import pick

FLOOR = 0.9
"""Least mean similarity of a topic's two closest prototypes (e5 similarities sit high: unrelated
texts score about 0.85)."""
MAX_EMBEDDED = 500
"""Texts embedded per call at most (the newest first): enough to rank the complaints."""
NONE = "none"

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "not_received": (
        "I never received my order",
        "my package never arrived",
        "não recebi o produto",
        "não recebi meu pedido",
        "o pedido nunca chegou",
        "没收到货",
        "一直没收到",
        "no recibí mi pedido",
        "el paquete nunca llegó",
    ),
    "late": (
        "the delivery was late",
        "it took weeks to arrive",
        "atraso na entrega",
        "a entrega atrasou",
        "demorou muito para chegar",
        "物流太慢",
        "发货太慢了",
        "la entrega llegó tarde",
        "el envío tardó mucho",
    ),
    "out_of_stock": (
        "the item was out of stock",
        "they cancelled because there was no stock",
        "sem estoque",
        "produto esgotado",
        "cancelaram por falta de estoque",
        "缺货",
        "没有库存了",
        "producto agotado",
        "sin stock",
    ),
    "missing": (
        "an item was missing from the box",
        "veio faltando uma peça",
        "faltou um item no pedido",
        "少发了一件",
        "faltaba una pieza",
    ),
    "damaged": (
        "the package arrived damaged",
        "it arrived broken",
        "chegou quebrado",
        "embalagem danificada",
        "包装破损",
        "东西坏了",
        "llegó roto",
        "llegó dañado",
    ),
    "wrong_item": (
        "they sent the wrong item",
        "veio o produto errado",
        "发错货了",
        "me enviaron otro producto",
    ),
    "quality": (
        "poor quality, it broke quickly",
        "qualidade ruim",
        "produto com defeito, não funciona",
        "质量太差",
        "mala calidad, defectuoso",
    ),
    NONE: (
        "great product, I love it",
        "arrived fast, very happy",
        "produto ótimo, recomendo",
        "muito bom, chegou rápido",
        "recebi tudo certo",
        "很好用，推荐",
        "物流很快，很满意",
        "excelente producto",
        "todo perfecto",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "not_received": ("未收到货", "not received"),
    "out_of_stock": ("缺货", "out of stock"),
}
"""Labels of the topics the lexicon does not have (the others use the lexicon's)."""


def label(key: str, lang: str) -> str:
    """A topic's name in ``lang``."""
    if key in BY_KEY:
        return BY_KEY[key].label(lang)
    return pick(lang, *LABELS.get(key, (key, key)))


@cache
def _prototypes() -> tuple[tuple[str, ...], embedding.Vectors]:
    keys = tuple(k for k, texts in PROTOTYPES.items() for _ in texts)
    return keys, embedding.queries([t for texts in PROTOTYPES.values() for t in texts])


def nearest(texts: Sequence[str]) -> list[str | None]:
    """The prototype topic of each text (``None``: no complaint, or nothing close enough)."""
    if not texts:
        return []
    keys, protos = _prototypes()
    sims = embedding.queries(list(texts)) @ protos.T
    names = sorted(PROTOTYPES)
    owner = np.array(keys)
    out: list[str | None] = []
    for row in sims:
        score = {k: float(np.sort(row[owner == k])[-2:].mean()) for k in names}
        best = max(names, key=lambda k: (score[k], k))
        out.append(best if best != NONE and score[best] >= FLOOR else None)
    return out


def topics_of_texts(texts: Sequence[str | None], q: Query | None = None) -> list[list[str]]:
    """The complaint topic keys of each text: the lexicon's (buyer-side reasons left out; read
    from the warehouse's tags when ``q`` is given), else the nearest prototype's for the first
    :data:`MAX_EMBEDDED` texts the lexicon cannot read.
    """
    read = tagged_topics(q, texts) if q is not None else [topics_of(text) for text in texts]
    found = [[t.key for t in topics if not t.buyer_side] for topics in read]
    todo = [i for i, (text, hit) in enumerate(zip(texts, found, strict=True)) if text and not hit]
    todo = todo[:MAX_EMBEDDED]
    for i, key in zip(todo, nearest([texts[i] or "" for i in todo]), strict=True):
        if key:
            found[i] = [key]
    return found


def tally(topics: Sequence[Sequence[str]]) -> Counter[str]:
    """How many texts mention each topic."""
    return Counter(k for keys in topics for k in set(keys))
