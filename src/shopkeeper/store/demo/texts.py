"""Text banks as flat lists plus index arithmetic, so texts are drawn for many rows at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopkeeper import text
from shopkeeper.store.demo.rng import BoolArray, FloatArray, IntArray, choice_idx
from shopkeeper.store.demo.world import World
from shopkeeper.store.schema import REFUND_KINDS

NO_TEXT_ZH = "此用户没有填写评价。"


@dataclass(frozen=True)
class ReviewTexts:
    """Review sentences: ``first`` (about the product) and ``second`` (logistics/service), replies."""

    first: list[str]
    second: list[str]
    replies: list[str]
    sep: str
    offsets: IntArray
    """[line, bucket] start of the product sentences of a product line's group; bucket 0 low, 1 mid, 2 high."""
    counts: IntArray
    burst: tuple[int, int]
    second_offsets: IntArray
    second_counts: IntArray
    no_text: int
    n_bad_replies: int

    @classmethod
    def of(cls, world: World) -> ReviewTexts:
        """The banks of a store."""
        spec, loc = world.spec, world.locale
        first: list[str] = []
        offsets = np.zeros((len(spec.lines), 3), dtype=np.int64)
        counts = np.zeros((len(spec.lines), 3), dtype=np.int64)
        for li, line in enumerate(spec.lines):
            bank = spec.reviews[line.review_group]
            for b, texts in enumerate((bank.bad, bank.mid, bank.good)):
                offsets[li, b], counts[li, b] = len(first), len(texts)
                first.extend(texts)
        burst = (len(first), len(spec.burst_texts))
        first.extend(spec.burst_texts)
        no_text = text.pick(loc.lang, len(first), -1)
        first.append(NO_TEXT_ZH)
        groups = (loc.review_bad, loc.review_mid, loc.review_good)
        second = [t for g in groups for t in g]
        second_counts = np.array([len(g) for g in groups], dtype=np.int64)
        second_offsets = np.r_[0, np.cumsum(second_counts)[:-1]].astype(np.int64)
        return cls(
            first,
            second,
            [*loc.replies_bad, *loc.replies_good],
            text.pick(loc.lang, "，", ". "),
            offsets,
            counts,
            burst,
            second_offsets,
            second_counts,
            no_text,
            len(loc.replies_bad),
        )

    def pick(
        self, line: IntArray, rating: IntArray, angry: BoolArray, rng: np.random.Generator
    ) -> tuple[IntArray, IntArray]:
        """Index of the first and second sentence (-1: none) of each review."""
        n = len(line)
        bucket = np.where(rating <= 2, 0, np.where(rating == 3, 1, 2))
        t1 = self.offsets[line, bucket] + (rng.random(n) * self.counts[line, bucket]).astype(
            np.int64
        )
        t1 = np.where(angry, self.burst[0] + (rng.random(n) * self.burst[1]).astype(np.int64), t1)
        t2 = self.second_offsets[bucket] + (rng.random(n) * self.second_counts[bucket]).astype(
            np.int64
        )
        t2 = np.where(rng.random(n) < np.where(angry, 0.6, 0.3), -1, t2)
        if self.no_text >= 0:
            blank = (rating == 5) & (rng.random(n) < 0.08)
            t1, t2 = np.where(blank, self.no_text, t1), np.where(blank, -1, t2)
        return t1, t2

    def reply(self, rating: IntArray, rng: np.random.Generator) -> IntArray:
        """Index into ``replies`` of each review's reply."""
        n, bad = len(rating), self.n_bad_replies
        good = len(self.replies) - bad
        return np.where(rating <= 3, rng.integers(0, bad, n), bad + rng.integers(0, good, n))


@dataclass(frozen=True)
class ReasonBank:
    """After-sale reasons: text, weight, case kinds and partial-refund share of each."""

    texts: list[str]
    weights: FloatArray
    kinds: FloatArray
    """[reason, kind] cumulative probabilities over REFUND_KINDS."""
    partial: FloatArray
    wrong_item: int
    cancel: IntArray

    @classmethod
    def of(cls, world: World) -> ReasonBank:
        """The reasons of a store."""
        loc = world.locale
        texts = (
            [r.text for r in loc.refund_reasons]
            + [world.spec.taste_reason]
            + list(loc.cancel_reasons)
        )
        weights = [r.weight for r in loc.refund_reasons] + [10.0] + [0.0] * len(loc.cancel_reasons)
        kinds = np.zeros((len(texts), len(REFUND_KINDS)))
        for i, r in enumerate(loc.refund_reasons):
            for kind, p in r.kinds:
                kinds[i, REFUND_KINDS.index(kind)] = p
        kinds[len(loc.refund_reasons) :, REFUND_KINDS.index("return_refund")] = 1.0
        partial = np.array(
            [r.partial for r in loc.refund_reasons] + [0.0] * (1 + len(loc.cancel_reasons))
        )
        first_cancel = len(loc.refund_reasons) + 1
        return cls(
            texts,
            np.array(weights),
            np.cumsum(kinds, axis=1),
            partial,
            texts.index(loc.wrong_item_reason),
            np.arange(first_cancel, len(texts), dtype=np.int64),
        )

    def draw(
        self, cancelled: BoolArray, wrong: BoolArray, rng: np.random.Generator
    ) -> tuple[IntArray, IntArray, BoolArray]:
        """Reason, kind (index into REFUND_KINDS) and whether the refund is partial, per case."""
        n = len(cancelled)
        reason = choice_idx(rng, self.weights, n)
        reason = np.where(wrong, self.wrong_item, reason)
        reason = np.where(cancelled, self.cancel[rng.integers(0, len(self.cancel), n)], reason)
        u = rng.random(n)
        kind = (u[:, None] > self.kinds[reason]).sum(axis=1).clip(0, len(REFUND_KINDS) - 1)
        kind = np.where(cancelled, 0, kind)
        partial = (kind == 0) & ~cancelled & (rng.random(n) < self.partial[reason])
        return reason, kind.astype(np.int64), partial
