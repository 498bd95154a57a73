"""Build (or rebuild) a store's knowledge base from the warehouse, its documents and its chats.

Rebuilds are incremental where it costs: an entry whose clipped passage is unchanged reuses the
vector of the previous generation (only new or edited entries are embedded); BM25 is re-indexed in
full (seconds for 10,000 entries). Document sources are remembered in the generation, so
``build`` re-reads them; a source that no longer exists drops its entries.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from shopkeeper.cs.kb.catalog import load_skus, product_entries, promotion_entries
from shopkeeper.cs.kb.chats import chat_entries
from shopkeeper.cs.kb.documents import document_files, load_document, source_path
from shopkeeper.cs.kb.embed import E5Embedder, Embedder, passage_key
from shopkeeper.cs.kb.models import BuildReport, KbEntry
from shopkeeper.cs.kb.storage import KB_DIR, KbMeta, build_lock, current, load, write
from shopkeeper.cs.kb.text import tokens
from shopkeeper.errors import ConfigError
from shopkeeper.settings import Settings
from shopkeeper.store.warehouse import Warehouse, existing_store_dir


def kb_dir(settings: Settings, store: str) -> Path:
    """Folder of a store's knowledge base."""
    return existing_store_dir(settings, store) / KB_DIR


def warehouse_entries(settings: Settings, store: str) -> tuple[list[KbEntry], dict[str, int]]:
    """Products, SKUs, promotions and mined chat answers of a store's warehouse."""
    with Warehouse.open(existing_store_dir(settings, store), read_only=True) as wh:
        config = wh.store_config()
        lang = config.language if config else "zh"
        currency = config.currency if config else "CNY"
        con = wh.cursor()
        skus = load_skus(con)
        entries = product_entries(skus, store, lang, currency)
        sku_titles = {s.sku_id: s.title for s in skus}
        entries += promotion_entries(con, store, lang, currency, sku_titles)
        chats, skipped = chat_entries(con, store, {s.product_id: s.title for s in skus})
    return entries + chats, skipped


def document_entries(
    sources: list[Path], store: str, *, links: list[Path] | None = None
) -> tuple[list[KbEntry], list[Path], int]:
    """Entries of the document sources that still exist, the sources kept, and the file count
    (symbolic links inside folders are skipped, into ``links``).
    """
    kept = [s for s in sources if s.exists()]
    files = document_files(kept, links=links)
    entries: list[KbEntry] = []
    for file in files:
        entries += load_document(file, store)
    return entries, kept, len(files)


def _unique(entries: list[KbEntry]) -> list[KbEntry]:
    seen: dict[str, KbEntry] = {}
    for entry in entries:
        seen.setdefault(entry.id, entry)
    return list(seen.values())


def index_tokens(entry: KbEntry) -> list[str]:
    """What BM25 indexes of an entry: title and text, plus its SKU / product ids."""
    ids = [str(entry.fields[k]) for k in ("sku_id", "product_id") if entry.fields.get(k)]
    return tokens(f"{entry.title}\n{entry.text}") + ids or ["_"]


def build(
    settings: Settings,
    store: str,
    *,
    add: list[Path] | None = None,
    remove: list[Path] | None = None,
    embedder: Embedder | None = None,
) -> BuildReport:
    """(Re)build the knowledge base; ``add``/``remove`` change the remembered document sources."""
    started = time.perf_counter()
    embedder = embedder or E5Embedder()
    folder = kb_dir(settings, store)
    with build_lock(folder):
        begun = time.time()  # what the build read is as of now: a later import makes it stale
        old = load(folder, store) if current(folder) else None
        sources = [Path(s) for s in (old.meta.sources if old else [])]
        for path in add or []:
            resolved = source_path(path)
            if resolved not in sources:
                sources.append(resolved)
        gone = {p.expanduser().resolve() for p in remove or []}
        unknown = sorted(str(p) for p in gone if p not in sources)
        if unknown:
            added = ", ".join(str(s) for s in sources) or "none"
            raise ConfigError(
                f"{unknown[0]!r} was never added to the knowledge base of {store!r}; "
                f"documents added: {added}"
            )
        sources = [s for s in sources if s not in gone]
        links: list[Path] = []
        docs, sources, files = document_entries(sources, store, links=links)
        found, skipped = warehouse_entries(settings, store)
        entries = _unique(found + docs)
        passages = _passages(entries, embedder)
        keys = [passage_key(p) for p in passages]
        reuse = {k: old.vectors[i] for i, k in enumerate(old.keys)} if old else {}
        missing = sorted(
            {k: p for k, p in zip(keys, passages, strict=True) if k not in reuse}.items()
        )
        fresh = embedder.passages([p for _, p in missing]) if missing else None
        if fresh is not None:
            reuse.update({k: fresh[i] for i, (k, _) in enumerate(missing)})
        vectors = (
            np.stack([reuse[k] for k in keys]).astype(np.float32)
            if keys
            else np.zeros((0, embedder.dim), np.float32)
        )
        bm25 = _bm25(entries)
        counts = Counter(e.kind for e in entries)
        meta = KbMeta(
            store=store,
            model=embedder.name,
            built_at=begun,
            sources=[str(s) for s in sources],
            counts=dict(counts),
        )
        path = write(folder, meta, entries, keys, vectors, bm25)
    old_ids = {e.id for e in old.entries} if old else set()
    embedded = {k for k, _ in missing}
    return BuildReport(
        store=store,
        entries=len(entries),
        by_kind=dict(sorted(counts.items())),
        embedded=len(missing),
        reused=sum(1 for k in keys if k not in embedded),
        removed=len(old_ids - {e.id for e in entries}),
        documents=files,
        skipped_links=[str(p) for p in links],
        skipped_chats=skipped,
        seconds=round(time.perf_counter() - started, 2),
        path=str(path),
    )


def _passages(entries: list[KbEntry], embedder: Embedder) -> list[str]:
    """What the dense model reads of each entry (clipped); a SKU reads as its listing, so the
    listing's vector serves all its SKUs and only BM25 and the re-rank tell variants apart.
    """
    listing = {e.fields.get("product_id"): e.passage() for e in entries if e.kind == "product"}
    clipped: dict[str, str] = {}
    out = []
    for entry in entries:
        text = entry.passage()
        if entry.kind == "sku":
            text = listing.get(entry.fields.get("product_id"), text)
        if text not in clipped:
            clipped[text] = embedder.clip(text)
        out.append(clipped[text])
    return out


def _bm25(entries: list[KbEntry]) -> object:
    import bm25s

    index = bm25s.BM25()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        index.index([index_tokens(e) for e in entries] or [["_"]], show_progress=False)
    return index
