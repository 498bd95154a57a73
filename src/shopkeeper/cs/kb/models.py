"""The knowledge base's typed records: entries, their sources, search hits and build reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.text import Lang

EntryKind = Literal["product", "sku", "promotion", "policy", "faq", "doc_chunk", "chat_qa"]
ENTRY_KINDS: tuple[EntryKind, ...] = (
    "product",
    "sku",
    "promotion",
    "policy",
    "faq",
    "doc_chunk",
    "chat_qa",
)
SourceType = Literal["warehouse", "document", "chat"]
FieldValue = str | int | float | bool | list[str] | None


class KbSource(BaseModel):
    """Where an entry comes from, precisely enough to check it by hand.

    ``ref`` is a one-line citation: ``products:sku_id=044674``, ``退换货政策.docx#p3``,
    ``faq.xlsx:row 7``, ``messages:CV000000002/M0000000008``.
    """

    model_config = ConfigDict(frozen=True)

    type: SourceType
    ref: str
    file: str | None = None
    table: str | None = None
    row: int | None = None
    line: int | None = None
    page: int | None = None


class KbEntry(BaseModel):
    """One piece of knowledge about a store.

    ``id`` is stable across rebuilds (it hashes the kind and the natural key: a SKU id, a file and
    chunk position, a normalised question); ``content_hash`` changes whenever what is embedded
    changes, so an unchanged entry is never embedded twice. Numbers that a buyer may be quoted
    (price, stock, thresholds) live in ``fields``, straight from the data.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    kind: EntryKind
    title: str
    text: str
    store: str
    source: KbSource
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    lang: Lang = "zh"
    updated_at: dt.datetime | None = None
    content_hash: str = ""

    def passage(self) -> str:
        """The text the dense model reads: the title first (it carries most of the meaning).

        A question-answer entry reads as its question (buyers' questions are matched against
        questions; the answer adds tokens, not recall); a SKU stops at its price line.
        """
        if self.kind in ("faq", "chat_qa"):
            return self.title
        body = "\n".join(self.text.splitlines()[:2]) if self.kind == "sku" else self.text
        return body if body.startswith(self.title) else f"{self.title}\n{body}"

    def citation(self) -> str:
        """A short human-readable citation."""
        return self.source.ref


def stable_id(kind: str, store: str, key: str) -> str:
    """The id of an entry: a short hash of its kind, store and natural key.

    >>> stable_id("sku", "demo", "044674") == stable_id("sku", "demo", "044674")
    True
    """
    digest = hashlib.blake2b(f"{kind}\x1f{store}\x1f{key}".encode(), digest_size=8).hexdigest()
    return f"{kind[:3]}-{digest}"


def make_entry(
    *,
    kind: EntryKind,
    key: str,
    title: str,
    text: str,
    store: str,
    source: KbSource,
    fields: dict[str, FieldValue] | None = None,
    lang: Lang = "zh",
    updated_at: dt.datetime | None = None,
) -> KbEntry:
    """Build an entry with its stable id and content hash."""
    fields = fields or {}
    payload = json.dumps([title, text, fields], ensure_ascii=False, sort_keys=True, default=str)
    content = hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()
    return KbEntry(
        id=stable_id(kind, store, key),
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        store=store,
        source=source,
        fields=fields,
        lang=lang,
        updated_at=updated_at,
        content_hash=content,
    )


class KbHit(BaseModel):
    """One search result: the entry, its final score and how each retriever ranked it."""

    entry: KbEntry
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    dense_similarity: float = 0.0
    bm25_score: float = 0.0
    boosts: list[str] = Field(default_factory=list)

    @property
    def citation(self) -> str:
        """Where the hit comes from."""
        return self.entry.source.ref


class BuildReport(BaseModel):
    """What a (re)build did."""

    store: str
    entries: int
    by_kind: dict[str, int]
    embedded: int
    reused: int
    removed: int
    documents: int
    skipped_chats: dict[str, int] = Field(default_factory=dict)
    skipped_links: list[str] = Field(
        default_factory=list, description="symbolic links in document folders, never followed"
    )
    seconds: float
    path: str
