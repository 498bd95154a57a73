"""Market-basket analysis: frequent itemsets (Apriori) and association rules, in plain Python.

Baskets are sets of item ids (one per order). An itemset's *support* is the share of baskets that
hold all its items; a rule ``A → C`` has *confidence* ``support(A ∪ C) / support(A)`` and *lift*
``confidence / support(C)`` (above 1: bought together more often than by chance). Candidates of
size k are built only from frequent itemsets of size k − 1 (Agrawal & Srikant 1994), so the work
stays small when few items are frequent.

>>> baskets = [{"a", "b"}, {"a", "b", "c"}, {"a", "c"}, {"b"}]
>>> sets = frequent_itemsets(baskets, min_support=0.5)
>>> sorted((sorted(s), n) for s, n in sets.items())
[(['a'], 3), (['a', 'b'], 2), (['a', 'c'], 2), (['b'], 3), (['c'], 2)]
>>> r = association_rules(sets, len(baskets), min_lift=1.0)[0]
>>> sorted(r.antecedent), sorted(r.consequent), r.support, round(r.confidence, 3), round(r.lift, 3)
(['a'], ['c'], 0.5, 0.667, 1.333)
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

Itemset = frozenset[str]


def frequent_itemsets(
    baskets: Sequence[Collection[str]],
    min_support: float,
    *,
    max_len: int | None = 3,
    min_count: int = 1,
) -> dict[Itemset, int]:
    """Every itemset held by at least ``min_support`` of the baskets (and ``min_count`` of them),
    up to ``max_len`` items (``None``: no limit), with the number of baskets holding it.
    """
    n = len(baskets)
    if n == 0:
        return {}
    need = max(min_count, math.ceil(min_support * n - 1e-9))
    sets = [frozenset(b) for b in baskets]
    singles = Counter(item for b in sets for item in b)
    level: dict[Itemset, int] = {frozenset([i]): c for i, c in singles.items() if c >= need}
    found = dict(level)
    k = 2
    while level and (max_len is None or k <= max_len):
        items = {i for s in level for i in s}
        counts: Counter[Itemset] = Counter()
        for b in sets:
            kept = sorted(b & items)
            if len(kept) < k:
                continue
            for combo in itertools.combinations(kept, k):
                cand = frozenset(combo)
                if all(cand - {i} in level for i in combo):
                    counts[cand] += 1
        level = {s: c for s, c in counts.items() if c >= need}
        found.update(level)
        k += 1
    return found


@dataclass(frozen=True)
class Rule:
    """An association rule ``antecedent → consequent`` and its measures (shares of all baskets)."""

    antecedent: Itemset
    consequent: Itemset
    count: int
    support: float
    antecedent_support: float
    consequent_support: float
    confidence: float
    lift: float


def _splits(itemset: Itemset) -> Iterable[tuple[Itemset, Itemset]]:
    items = sorted(itemset)
    for size in range(1, len(items)):
        for left in itertools.combinations(items, size):
            a = frozenset(left)
            yield a, itemset - a


def association_rules(
    itemsets: dict[Itemset, int],
    n_baskets: int,
    *,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
) -> list[Rule]:
    """Every rule from the frequent itemsets (each split of an itemset of two or more items),
    keeping those with at least ``min_confidence`` and ``min_lift``; highest lift first, then
    support, then the items (so the order is stable).
    """
    rules = []
    for itemset, count in itemsets.items():
        if len(itemset) < 2:
            continue
        for a, c in _splits(itemset):
            if a not in itemsets or c not in itemsets:  # cannot happen for Apriori output
                continue
            support = count / n_baskets
            sa, sc = itemsets[a] / n_baskets, itemsets[c] / n_baskets
            confidence = support / sa
            lift = confidence / sc
            if confidence >= min_confidence - 1e-12 and lift >= min_lift - 1e-12:
                rules.append(Rule(a, c, count, support, sa, sc, confidence, lift))
    rules.sort(
        key=lambda r: (
            -round(r.lift, 9),
            -round(r.support, 9),
            sorted(r.antecedent),
            sorted(r.consequent),
        )
    )
    return rules
