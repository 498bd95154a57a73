"""Forecasts: never negative, intervals ordered, reference values by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.forecast import SmoothingForecaster, backtest, cap_spikes, seasonal_naive


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 500), min_size=0, max_size=70),
    st.integers(1, 30),
    st.floats(0.05, 0.95),
)
def test_forecasts_are_non_negative_and_intervals_ordered(
    y: list[float], horizon: int, alpha: float
) -> None:
    fc = SmoothingForecaster(alpha=alpha).fit(y).predict(horizon)
    assert len(fc.mean) == horizon
    assert (fc.mean >= 0).all()
    assert (fc.lower <= fc.mean + 1e-9).all()
    assert (fc.mean <= fc.upper + 1e-9).all()
    assert 0 <= fc.total_lower <= fc.total + 1e-9 <= fc.total_upper + 2e-9
    assert fc.total == pytest.approx(float(fc.mean.sum()))
    assert (seasonal_naive(y, horizon=horizon) >= 0).all()


def test_weekly_pattern_is_learned() -> None:
    week = [10, 10, 10, 10, 10, 30, 30]  # weekends sell three times as much
    fc = SmoothingForecaster(shrink_weeks=0).fit(week * 8).predict(7)
    assert fc.mean.tolist() == pytest.approx(week)
    assert fc.total == pytest.approx(110)
    # the next day after 8 whole weeks is a weekday again
    shifted = SmoothingForecaster(shrink_weeks=0).fit(week * 8 + week[:5]).predict(2)
    assert shifted.mean.tolist() == pytest.approx([30, 30])


def test_level_follows_exponential_smoothing() -> None:
    # flat factors (one week only): level starts at the first week's mean 10, then one day of 20
    f = SmoothingForecaster(alpha=0.5).fit([10.0] * 7 + [20.0])
    assert f.level_ == pytest.approx(15.0)  # 0.5·20 + 0.5·10
    assert f.predict(1).mean[0] == pytest.approx(15.0)


def test_a_promotion_spike_is_capped() -> None:
    y = np.array([10.0] * 40 + [300.0] + [10.0] * 15)
    assert cap_spikes(y).max() < 20
    assert SmoothingForecaster().fit(y).predict(7).total == pytest.approx(70, rel=0.05)


def test_backtest_prefers_the_better_method() -> None:
    week = [5.0, 5, 5, 5, 5, 20, 20]
    bt = backtest(week * 6, holdout=7)
    assert bt is not None
    assert bt.naive_mae == 0.0
    assert bt.best == "seasonal_naive"
    assert backtest([1.0] * 10, holdout=7) is None
