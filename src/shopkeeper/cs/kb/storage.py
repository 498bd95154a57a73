"""On-disk layout of a store's knowledge base, written so that a reader never sees half a build.

::

    stores/<store>/kb/
      CURRENT              name of the live generation (replaced atomically with os.replace)
      .lock                held (flock) by the one build running
      g-<time>-<pid>/      one generation, never modified once CURRENT points at it
        meta.json          model, sources (document paths), counts, build time
        entries.jsonl      one KbEntry per line
        vectors.npy        float32 (entries × 384), row i ↔ line i
        keys.json          the passage key of each row (vectors are reused by key)
        bm25/              the bm25s index over the same rows

A build writes a new generation folder completely, then points ``CURRENT`` at it, then removes
generations older than the previous one (a reader that opened the previous one keeps working).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from shopkeeper.cs.kb.models import KbEntry
from shopkeeper.embedding import Vectors
from shopkeeper.errors import ShopkeeperError

KB_DIR = "kb"


class KbNotBuilt(ShopkeeperError, LookupError):
    """The store has no knowledge base yet."""


class KbMeta(BaseModel):
    """What a generation holds and how it was made."""

    store: str
    model: str
    built_at: float
    sources: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)


class Generation(BaseModel):
    """A loaded generation (without its BM25 index, which :mod:`.index` loads)."""

    model_config = {"arbitrary_types_allowed": True}

    path: Path
    meta: KbMeta
    entries: list[KbEntry]
    keys: list[str]
    vectors: Any  # Vectors; pydantic cannot validate numpy arrays


def current(kb_dir: Path) -> Path | None:
    """The live generation folder, if any."""
    pointer = kb_dir / "CURRENT"
    if not pointer.exists():
        return None
    path = kb_dir / pointer.read_text(encoding="utf-8").strip()
    return path if path.is_dir() else None


@contextmanager
def build_lock(kb_dir: Path) -> Iterator[None]:
    """Hold the store's build lock (one build at a time; released if the process dies)."""
    kb_dir.mkdir(parents=True, exist_ok=True)
    with (kb_dir / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load(kb_dir: Path, store: str) -> Generation:
    """The live generation's entries, keys and vectors."""
    path = current(kb_dir)
    if path is None:
        raise KbNotBuilt(
            f"store {store!r} has no knowledge base yet; build it with "
            f"`shopkeeper cs kb build --store {store}`"
        )
    meta = KbMeta.model_validate_json((path / "meta.json").read_text(encoding="utf-8"))
    with (path / "entries.jsonl").open(encoding="utf-8") as fh:
        entries = [KbEntry.model_validate_json(line) for line in fh if line.strip()]
    keys = json.loads((path / "keys.json").read_text(encoding="utf-8"))
    vectors = np.load(path / "vectors.npy")
    return Generation(path=path, meta=meta, entries=entries, keys=keys, vectors=vectors)


def write(
    kb_dir: Path,
    meta: KbMeta,
    entries: list[KbEntry],
    keys: list[str],
    vectors: Vectors,
    bm25: Any,
) -> Path:
    """Write a new generation and make it live; return its folder."""
    name = f"g-{time.time_ns()}-{os.getpid()}"
    tmp = kb_dir / f".{name}.tmp"
    tmp.mkdir(parents=True)
    try:
        with (tmp / "entries.jsonl").open("w", encoding="utf-8") as fh:
            for entry in entries:
                fh.write(entry.model_dump_json() + "\n")
        (tmp / "keys.json").write_text(json.dumps(keys), encoding="utf-8")
        np.save(tmp / "vectors.npy", vectors)
        bm25.save(str(tmp / "bm25"), show_progress=False)
        (tmp / "meta.json").write_text(meta.model_dump_json(indent=2), encoding="utf-8")
        final = kb_dir / name
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = current(kb_dir)
    pointer = kb_dir / f".CURRENT.{os.getpid()}.tmp"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, kb_dir / "CURRENT")
    for old in kb_dir.glob("g-*"):
        if old not in (final, previous):
            shutil.rmtree(old, ignore_errors=True)
    return final
