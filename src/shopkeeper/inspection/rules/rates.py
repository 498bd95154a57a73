"""Has a rate clearly risen? Small-number tests shared by the after-sale rules.

A listing's normal rate is a Beta belief: the rate of comparable listings (its category) worth a
few pseudo-observations, updated with its own history and never assumed far better than its
category. A recent count must clear a Wilson 99 % test, a minimum ratio and excess, and a
beta-binomial tail at ``alpha / tests``, so that ``alpha`` bounds the chance that noise alone
makes any listing of the store fire in one inspection.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopkeeper.analytics.stats import Z_99, beta_binomial_sf, rate_rose


def rise(
    k: Sequence[float],
    n: Sequence[float],
    kb: Sequence[float],
    nb: Sequence[float],
    prior_rate: Sequence[float] | float,
    *,
    prior_weight: float,
    min_count: int,
    min_ratio: float,
    min_excess: float,
    tests: int,
    alpha: float,
    floor: float = 0.5,
) -> tuple[list[bool], list[float]]:
    """Which recent counts ``k`` out of ``n`` clearly exceed their normal rate ``kb / nb``, and the
    counts expected at normal. The normal rate is a Beta belief: the ``prior_rate`` of comparable
    listings worth ``prior_weight`` pseudo-trials, updated with the history, and never below
    ``floor`` × the prior (a quiet history is partly luck). A rise needs ``min_count`` cases,
    ``min_excess`` more than expected, the Wilson 99 % interval above normal's with ``min_ratio`` ×
    its rate, and a beta-binomial tail under ``alpha / tests`` (so that ``alpha`` is the chance,
    per inspection, that noise alone makes any of the ``tests`` fire).

    >>> rise([12, 3], [40, 40], [4, 4], [400, 400], 0.01, prior_weight=30, min_count=3, min_ratio=2,
    ...      min_excess=2, tests=100, alpha=0.01)[0]
    [True, False]
    """
    priors = [prior_rate] * len(k) if isinstance(prior_rate, float | int) else prior_rate
    flags: list[bool] = []
    expected: list[float] = []
    for kk, nn, kkb, nnb, pr in zip(k, n, kb, nb, priors, strict=True):
        k_ = float(kk)
        n_ = max(float(nn), k_)
        prior = max(float(pr), 1e-4)
        strength = float(nnb) + prior_weight
        a = max(float(kkb) + prior_weight * prior, floor * prior * strength)
        b = max(strength - a, 1.0)
        e = n_ * a / (a + b)
        flags.append(
            k_ >= min_count
            and k_ - e >= min_excess
            and rate_rose(k_, n_, a, a + b, z=Z_99, min_ratio=min_ratio)
            and beta_binomial_sf(int(k_), max(round(n_), int(k_)), a, b) < alpha / max(tests, 1)
        )
        expected.append(e)
    return flags, expected


def category_rates(
    groups: dict[str, list[float]], store: float, pseudo: float = 200.0
) -> dict[str, float]:
    """Per category ``[cases, trials]`` → its rate, blended with the store's rate by ``pseudo``
    trials so a small category borrows from the store.

    >>> category_rates({"a": [10.0, 100.0], "b": [0.0, 0.0]}, 0.02)
    {'a': 0.04666666666666667, 'b': 0.02}
    """
    return {c: (k + pseudo * store) / (n + pseudo) for c, (k, n) in groups.items()}
