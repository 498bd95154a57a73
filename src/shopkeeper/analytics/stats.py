"""Small-number statistics for rates and counts, vectorised with NumPy (no SciPy).

A listing with 12 visitors cannot "drop 50%" meaningfully: detectors compare rates with the
Wilson score interval and counts with a Poisson tail, and only fire when the evidence is strong.

References: Wilson (1927), "Probable inference, the law of succession, and statistical
inference"; Brown, Cai & DasGupta (2001), "Interval estimation for a binomial proportion".

>>> round(float(wilson_upper(0, 10)), 3), round(float(wilson_lower(10, 10)), 3)
(0.278, 0.722)
>>> bool(rate_fell(successes=2, trials=400, base_successes=60, base_trials=1200))
True
>>> bool(rate_fell(successes=0, trials=12, base_successes=3, base_trials=60))
False
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Z_95 = 1.959963984540054
Z_99 = 2.5758293035489004
ArrayLike = npt.ArrayLike
Floats = npt.NDArray[np.float64]


def _bounds(successes: ArrayLike, trials: ArrayLike, z: float) -> tuple[Floats, Floats]:
    s = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    safe = np.maximum(n, 1.0)
    p = np.clip(s / safe, 0.0, 1.0)
    z2 = z * z
    centre = (p + z2 / (2 * safe)) / (1 + z2 / safe)
    half = z * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe)) / (1 + z2 / safe)
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def wilson_lower(successes: ArrayLike, trials: ArrayLike, z: float = Z_95) -> Floats:
    """Lower end of the Wilson score interval of ``successes / trials`` (0 when no trials)."""
    return _bounds(successes, trials, z)[0]


def wilson_upper(successes: ArrayLike, trials: ArrayLike, z: float = Z_95) -> Floats:
    """Upper end of the Wilson score interval of ``successes / trials`` (1 when no trials)."""
    return _bounds(successes, trials, z)[1]


def _rate(successes: ArrayLike, trials: ArrayLike) -> Floats:
    return np.asarray(successes, np.float64) / np.maximum(np.asarray(trials, np.float64), 1.0)


def rate_fell(
    successes: ArrayLike,
    trials: ArrayLike,
    base_successes: ArrayLike,
    base_trials: ArrayLike,
    *,
    z: float = Z_95,
    min_drop: float = 0.5,
) -> npt.NDArray[np.bool_]:
    """Whether a rate clearly fell: the whole current interval lies below the baseline's interval,
    and the current rate is at least ``min_drop`` (a fraction) below the baseline rate.
    """
    upper = wilson_upper(successes, trials, z)
    falls_far = _rate(successes, trials) <= (1 - min_drop) * _rate(base_successes, base_trials)
    return (upper < wilson_lower(base_successes, base_trials, z)) & falls_far


def rate_rose(
    successes: ArrayLike,
    trials: ArrayLike,
    base_successes: ArrayLike,
    base_trials: ArrayLike,
    *,
    z: float = Z_95,
    min_ratio: float = 2.0,
) -> npt.NDArray[np.bool_]:
    """Whether a rate clearly rose: the whole current interval lies above the baseline's interval,
    and the current rate is at least ``min_ratio`` × the baseline rate.
    """
    lower = wilson_lower(successes, trials, z)
    rises_far = _rate(successes, trials) >= min_ratio * _rate(base_successes, base_trials)
    return (lower > wilson_upper(base_successes, base_trials, z)) & rises_far


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


def count_fell(
    count: float, expected: float, *, alpha: float = 0.001, min_ratio: float = 0.6
) -> bool:
    """Whether a count is clearly below what was expected: Poisson tail under ``alpha`` and the
    count under ``min_ratio`` × expected (so a large shop's tiny dips are not "drops").
    """
    return (
        expected > 0 and count < min_ratio * expected and poisson_cdf(int(count), expected) < alpha
    )


def count_rose(
    count: float, expected: float, *, alpha: float = 0.001, min_ratio: float = 1.8
) -> bool:
    """Whether a count is clearly above what was expected (Poisson tail and a minimum ratio)."""
    return (
        count > min_ratio * max(expected, 0.5)
        and poisson_sf(int(count), max(expected, 0.5)) < alpha
    )
