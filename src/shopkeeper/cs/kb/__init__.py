"""The customer-service knowledge base of a store: build it, search it, know when it has no answer.

>>> from shopkeeper.cs.kb import build, open_kb, supported   # doctest: +SKIP
>>> build(settings, "demo")                                    # doctest: +SKIP
>>> kb = open_kb(settings, "demo")                             # doctest: +SKIP
>>> hits = kb.search("巴西咖啡豆多少钱", k=3, kinds=["sku"])     # doctest: +SKIP
>>> supported(hits, "巴西咖啡豆多少钱"), hits[0].citation         # doctest: +SKIP
(True, 'products:sku_id=044674')
"""

from __future__ import annotations

from shopkeeper.cs.kb.build import build, kb_dir
from shopkeeper.cs.kb.documents import UnsupportedDocumentError
from shopkeeper.cs.kb.embed import E5Embedder, Embedder
from shopkeeper.cs.kb.index import KnowledgeBase, supported
from shopkeeper.cs.kb.models import (
    ENTRY_KINDS,
    BuildReport,
    EntryKind,
    KbEntry,
    KbHit,
    KbSource,
)
from shopkeeper.cs.kb.storage import KbNotBuilt
from shopkeeper.settings import Settings

__all__ = [
    "ENTRY_KINDS",
    "BuildReport",
    "E5Embedder",
    "Embedder",
    "EntryKind",
    "KbEntry",
    "KbHit",
    "KbNotBuilt",
    "KbSource",
    "KnowledgeBase",
    "UnsupportedDocumentError",
    "build",
    "open_kb",
    "supported",
]


def open_kb(settings: Settings, store: str, embedder: Embedder | None = None) -> KnowledgeBase:
    """The store's knowledge base, loaded for searching."""
    return KnowledgeBase.open(kb_dir(settings, store), store, embedder)
