"""Text → label, offline: keywords found in the text, and the nearest example phrasing on the
process's shared embedding (:mod:`shopkeeper.embedding`, multilingual-e5).

One implementation, instantiated by each user with its own labels, examples and thresholds: the
agents' router (:mod:`shopkeeper.agents.router`) and 店小蜜's intents
(:mod:`shopkeeper.cs.engine.intents`). Example vectors are computed once per classifier, on first
use, through one caching strategy (:class:`ExampleVectors`: a shipped file, then a cache folder,
then the encoder).

A keyword is a plain word (an ASCII word matches whole, plural ``s``/``es`` allowed; any other
matches as a substring) or ``re:`` and a regular expression; matching is case-insensitive.

>>> labels = [Label("greeting", ("re:^(?:hi|hello)$",)), Label("stock", ("库存", "stock"))]
>>> c = ExampleClassifier(labels)
>>> c.first_keyword("Hello"), c.first_keyword("查一下库存"), c.first_keyword("stocks?")
('greeting', 'stock', 'stock')
>>> c.first_keyword("stockpile") is None
True
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from shopkeeper import embedding

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Label:
    """One thing a text can be about: its keywords and example phrasings."""

    name: str
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


def _letter(text: str, at: int) -> bool:
    return 0 <= at < len(text) and "a" <= text[at] <= "z"


@dataclass(frozen=True)
class _Word:
    """An ASCII keyword matched whole, plural ``s``/``es`` allowed — what
    ``(?<![a-z])word(?:s|es)?(?![a-z])`` matches, without compiling one (a catalogue holds hundreds,
    and each process would compile them all).

    >>> w = _Word("stock")
    >>> w.search("stocks?"), w.search("stockpile"), w.search("in-stock"), _Word("box").search("boxes")
    (True, False, True, True)
    """

    word: str

    def search(self, lowered: str) -> bool:
        """Whether the word is in ``lowered`` (lower-cased text)."""
        start = lowered.find(self.word)
        while start >= 0:
            end = start + len(self.word)
            if not _letter(lowered, start - 1) and any(
                lowered.startswith(tail, end) and not _letter(lowered, end + len(tail))
                for tail in ("", "s", "es")
            ):
                return True
            start = lowered.find(self.word, start + 1)
        return False


def _matcher(keyword: str) -> re.Pattern[str] | _Word | str:
    if keyword.startswith("re:"):
        return re.compile(keyword[3:], re.I)
    if keyword.isascii():
        return _Word(keyword.lower())
    return keyword.lower()


def _found(matcher: re.Pattern[str] | _Word | str, lowered: str) -> bool:
    if isinstance(matcher, str):
        return matcher in lowered
    return bool(matcher.search(lowered))


class ExampleVectors:
    """Unit vectors of example phrasings (e5's ``query:`` side): taken from ``packaged`` (an
    ``.npz`` of ``texts`` and ``vectors`` shipped with the code) when it holds every text, else
    from ``cache_dir`` (``{name}-{digest}.npy``), else encoded and written there.
    """

    def __init__(
        self, *, packaged: Path | None = None, cache_dir: Path | None = None, name: str = "examples"
    ) -> None:
        self.packaged, self.cache_dir, self.name = packaged, cache_dir, name

    def shipped(self) -> dict[str, Vectors]:
        """The packaged vectors by text (empty when there is no such file)."""
        if self.packaged is None or not self.packaged.exists():
            return {}
        with np.load(self.packaged) as data:
            return dict(
                zip(data["texts"].tolist(), data["vectors"].astype(np.float32), strict=True)
            )

    def vectors(self, texts: list[str]) -> Vectors:
        """One unit row per text."""
        shipped = self.shipped()
        if texts and all(t in shipped for t in texts):
            return np.stack([shipped[t] for t in texts])
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        path = self.cache_dir / f"{self.name}-{digest}.npy" if self.cache_dir else None
        if path is not None and path.exists():
            return np.asarray(np.load(path), dtype=np.float32)
        vectors = embedding.queries(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors


class ExampleClassifier:
    """Scores texts against ``labels`` (in priority order): the keywords each label has in the
    text, and each label's best cosine similarity between the text and its examples; ``off_topic``
    examples belong to no label (how close a text is to them says it is not about any).
    """

    def __init__(
        self,
        labels: Sequence[Label],
        *,
        off_topic: Sequence[str] = (),
        vectors: ExampleVectors | None = None,
    ) -> None:
        self.labels = list(labels)
        self.off_topic = tuple(off_topic)
        self._source = vectors or ExampleVectors()
        self._matchers = [[(k, _matcher(k)) for k in label.keywords] for label in self.labels]
        self._owner = np.asarray(
            [n for n, label in enumerate(self.labels) for _ in label.examples], dtype=np.intp
        )
        self._lock = threading.Lock()
        self._vectors: tuple[Vectors, Vectors] | None = None

    def keywords(self, text: str, n: int) -> tuple[str, ...]:
        """The keywords of label ``n`` found in ``text``."""
        lowered = text.lower()
        return tuple(k for k, m in self._matchers[n] if _found(m, lowered))

    def first_keyword(self, text: str) -> str | None:
        """The first label with a keyword in ``text`` (the order of the labels sets priority)."""
        lowered = text.lower()
        for label, matchers in zip(self.labels, self._matchers, strict=True):
            if any(_found(m, lowered) for _, m in matchers):
                return label.name
        return None

    def example_vectors(self) -> tuple[Vectors, Vectors]:
        """(the labels' example vectors, the off-topic ones), computed on first use."""
        with self._lock:
            if self._vectors is None:
                texts = [e for label in self.labels for e in label.examples]
                both = self._source.vectors([*texts, *self.off_topic])
                self._vectors = (both[: len(texts)], both[len(texts) :])
            return self._vectors

    def similarities(self, text: str) -> tuple[Vectors, float]:
        """Each label's best example similarity to ``text`` (-1 without examples), and the best
        off-topic one (0 without off-topic examples).
        """
        examples, off_topic = self.example_vectors()
        query = embedding.queries([text])[0]
        best = np.full(len(self.labels), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owner, examples @ query)
        return best, float((off_topic @ query).max()) if len(off_topic) else 0.0

    def nearest(self, text: str, floor: float) -> tuple[str | None, float]:
        """The label of the example nearest to ``text`` and its similarity (``None`` below
        ``floor``).
        """
        best, _ = self.similarities(text)
        n = int(np.argmax(best))
        score = float(best[n])
        return (self.labels[n].name if score >= floor else None), score
