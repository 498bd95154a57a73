"""Small-number statistics for rates and counts, in plain Python (no NumPy, no SciPy: the
inspection imports this and must start fast).

A listing with 12 visitors cannot "drop 50%" meaningfully: detectors compare rates with the
Wilson score interval and counts with a Poisson tail, and only fire when the evidence is strong.

References: Wilson (1927), "Probable inference, the law of succession, and statistical
inference"; Brown, Cai & DasGupta (2001), "Interval estimation for a binomial proportion".

>>> round(wilson_upper(0, 10), 3), round(wilson_lower(10, 10), 3)
(0.278, 0.722)
>>> rate_rose(successes=60, trials=400, base_successes=2, base_trials=1200)
True
>>> rate_rose(successes=1, trials=12, base_successes=3, base_trials=60)
False
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054
Z_99 = 2.5758293035489004


def _clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def wilson_bounds(successes: float, trials: float, z: float = Z_95) -> tuple[float, float]:
    """Both ends of the Wilson score interval of ``successes / trials`` ((0, 1) when no trials).

    >>> tuple(round(x, 4) for x in wilson_bounds(3, 40))
    (0.0258, 0.1986)
    """
    if not trials > 0:
        return 0.0, 1.0
    n = max(float(trials), 1.0)
    p = _clip01(float(successes) / n)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return _clip01(centre - half), _clip01(centre + half)


def wilson_lower(successes: float, trials: float, z: float = Z_95) -> float:
    """Lower end of the Wilson score interval of ``successes / trials`` (0 when no trials)."""
    return wilson_bounds(successes, trials, z)[0]


def wilson_upper(successes: float, trials: float, z: float = Z_95) -> float:
    """Upper end of the Wilson score interval of ``successes / trials`` (1 when no trials)."""
    return wilson_bounds(successes, trials, z)[1]


def _rate(successes: float, trials: float) -> float:
    return float(successes) / max(float(trials), 1.0)


def rate_rose(
    successes: float,
    trials: float,
    base_successes: float,
    base_trials: float,
    *,
    z: float = Z_95,
    min_ratio: float = 2.0,
) -> bool:
    """Whether a rate clearly rose: the whole current interval lies above the baseline's interval,
    and the current rate is at least ``min_ratio`` × the baseline rate.
    """
    lower = wilson_lower(successes, trials, z)
    rises_far = _rate(successes, trials) >= min_ratio * _rate(base_successes, base_trials)
    return lower > wilson_upper(base_successes, base_trials, z) and rises_far


def poisson_sf(k: int, mu: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mu).

    >>> round(poisson_sf(10, 3.0), 4)
    0.0011
    """
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if mu > 500:  # normal approximation with continuity correction
        return 0.5 * math.erfc((k - 0.5 - mu) / math.sqrt(2 * mu))
    term = math.exp(-mu)
    cdf = term
    for i in range(1, k):
        term *= mu / i
        cdf += term
    return max(0.0, 1.0 - cdf)


def poisson_cdf(k: int, mu: float) -> float:
    """P(X ≤ k) for X ~ Poisson(mu).

    >>> round(poisson_cdf(0, 3.0), 4)
    0.0498
    """
    return 1.0 - poisson_sf(k + 1, mu)


def z_score(observed: float, expected: float, variance: float) -> float:
    """(observed − expected) / √variance; 0 when there is no variance."""
    return (observed - expected) / math.sqrt(variance) if variance > 0 else 0.0


def binom_tail(k: int, n: int, p: float, *, upper: bool) -> float:
    """P(X ≥ k) (``upper``) or P(X ≤ k) for X ~ Binomial(n, p), exact (summed in log space from k
    outwards until the terms vanish).

    >>> round(binom_tail(8, 10, 0.5, upper=True), 4), round(binom_tail(2, 10, 0.5, upper=False), 4)
    (0.0547, 0.0547)
    """
    if n <= 0 or (upper and k <= 0) or (not upper and k >= n):
        return 1.0
    if p <= 0.0:
        return 0.0 if upper else 1.0
    if p >= 1.0:
        return 1.0 if upper else 0.0
    k = min(max(k, 0), n)
    if (k <= n * p) if upper else (k >= n * p):  # the tail holds the mean: sum the other one
        return max(0.0, 1.0 - binom_tail(k - 1 if upper else k + 1, n, p, upper=not upper))
    log_p, log_q = math.log(p), math.log1p(-p)
    log_term = (
        math.lgamma(n + 1)
        - math.lgamma(k + 1)
        - math.lgamma(n - k + 1)
        + k * log_p
        + (n - k) * log_q
    )
    term, total, i = math.exp(log_term), 0.0, k
    if term == 0.0:  # beyond double precision: the terms only shrink from here
        return 0.0
    while 0 <= i <= n:
        total += term
        if term < 1e-16 * total:
            break
        if upper:
            term *= (n - i) / (i + 1) * p / (1 - p)
            i += 1
        else:
            term *= i / (n - i + 1) * (1 - p) / p
            i -= 1
    return min(total, 1.0)


def rate_test(
    successes: float, trials: float, base_successes: float, base_trials: float, *, upper: bool
) -> float:
    """Exact conditional test that a rate rose (``upper``) or fell against a baseline rate: given the
    successes of both, how unlikely this many (or more / fewer) fall on the current trials if the
    two rates were equal. Robust on small numbers, where a normal approximation is not.

    >>> rate_test(2, 400, 60, 1200, upper=False) < 1e-4
    True
    """
    pooled = round(successes + base_successes)
    share = trials / (trials + base_trials) if trials + base_trials > 0 else 0.0
    return binom_tail(round(successes), pooled, share, upper=upper)


def _lbeta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_binomial_sf(k: int, n: int, a: float, b: float) -> float:
    """P(X ≥ k) for X ~ BetaBinomial(n, a, b): the chance of ``k`` or more cases out of ``n`` when
    the rate itself is only known as Beta(a, b). Past the mode the terms only shrink, so the sum
    stops at a negligible one — or at one that underflowed to 0 (a count far in the tail of a
    large store: the rest would add nothing, and there are up to ``n`` of them).

    >>> round(beta_binomial_sf(3, 4, 1.0, 99.0), 6), beta_binomial_sf(0, 4, 1.0, 99.0)
    (2.3e-05, 1.0)
    """
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    base = math.lgamma(n + 1) - _lbeta(a, b)
    total, mode = 0.0, (n * a) / (a + b)
    for x in range(k, n + 1):
        term = math.exp(
            base - math.lgamma(x + 1) - math.lgamma(n - x + 1) + _lbeta(x + a, n - x + b)
        )
        total += term
        if x > mode and (term < total * 1e-12 or term == 0.0):
            break
    return min(total, 1.0)
