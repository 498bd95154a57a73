"""Reference values of the Wilson bounds, ``rate_rose`` and ``rates.rise``, pinned exactly.

The values were computed with the earlier NumPy implementation (issue 11 moved these to plain
Python so the inspection starts without NumPy); a rewrite that drifts by one ulp fails here.
"""

from __future__ import annotations

import pytest

from shopkeeper.analytics.stats import (
    Z_99,
    rate_rose,
    wilson_bounds,
    wilson_lower,
    wilson_upper,
)
from shopkeeper.inspection.rules.rates import rise

# (successes, trials) -> (lower 95 %, upper 95 %, lower 99 %, upper 99 %)
WILSON = {
    (0, 10): (0.0, 0.2775327998628892, 0.0, 0.3988540933049081),
    (10, 10): (0.7224672001371107, 0.9999999999999999, 0.6011459066950919, 1.0),
    (3, 40): (0.025836025774588198, 0.19864233524310543, 0.019163255329385148, 0.2517689761520616),
    (12, 40): (0.18074845229746528, 0.45430018818144935, 0.1532774708786343, 0.5036318145243993),
    (1, 1): (0.20654931437723745, 1.0, 0.13097754328018596, 1.0),
    (0, 0): (0.0, 1.0, 0.0, 1.0),
    (5, 1234): (
        0.001731918264539404,
        0.009450013575004124,
        0.0013547642654008893,
        0.012053609662009981,
    ),
    (7.5, 20.25): (0.1971043998057126, 0.5849760445926836, 0.16034153644629356, 0.6443815362174642),
}


@pytest.mark.parametrize(("counts", "expected"), WILSON.items())
def test_wilson_bounds_match_the_reference_exactly(
    counts: tuple[float, float], expected: tuple[float, float, float, float]
) -> None:
    s, n = counts
    got = (wilson_lower(s, n), wilson_upper(s, n), *wilson_bounds(s, n, Z_99))
    assert got == expected
    assert all(type(x) is float for x in got)


def test_wilson_bounds_without_trials_are_uninformative() -> None:
    assert wilson_bounds(3, 0) == wilson_bounds(0, -1.0) == (0.0, 1.0)
    assert wilson_bounds(5, 0.5) == wilson_bounds(5, 1)  # under one trial counts as one


def test_rate_rose_is_a_plain_bool() -> None:
    assert rate_rose(60, 400, 2, 1200) is True
    assert rate_rose(1, 12, 3, 60) is False
    assert rate_rose(12, 40, 4, 400, z=Z_99) is True
    assert rate_rose(12, 40, 40, 400, z=Z_99, min_ratio=3.5) is False  # above, but not 3.5×
    assert rate_rose(12, 40, 40, 400, z=Z_99, min_ratio=2.0) is True


def test_rise_matches_the_reference_exactly() -> None:
    options = {
        "prior_weight": 30,
        "min_count": 3,
        "min_ratio": 2,
        "min_excess": 2,
        "tests": 100,
        "alpha": 0.01,
    }
    assert rise(
        [12, 3, 0, 9], [40, 40, 0, 5], [4, 4, 0, 1], [400, 400, 0, 300], [0.01, 0.01, 0.02, 0.005],
        **options,
    ) == ([True, False, False, True], [0.4, 0.4, 0.0, 0.031363636363636364])  # fmt: skip
    assert rise([12, 3], [40, 40], [4, 4], [400, 400], 0.01, **options) == (
        [True, False],
        [0.4, 0.4],
    )
    assert rise([], [], [], [], 0.01, **options) == ([], [])
