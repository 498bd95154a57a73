"""Demand estimators: never negative, reconciled forecasts add up, reference values by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.demand import (
    ADIDA,
    TSB,
    Croston,
    YearlySeasonal,
    by_pattern,
    classify,
    reconcile,
    winsorize,
)

demand = st.lists(st.one_of(st.just(0.0), st.floats(0, 1000)), min_size=0, max_size=60)


@settings(max_examples=60, deadline=None)
@given(demand, st.integers(1, 30))
def test_every_method_is_non_negative(y: list[float], horizon: int) -> None:
    for model in (Croston(), Croston(sba=False), TSB(), ADIDA()):
        out = model.fit(y).predict(horizon)
        assert len(out) == horizon
        assert (out >= 0).all()
    _, _, mean = by_pattern(np.asarray(y), horizon)
    assert (mean >= 0).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.floats(0, 100), min_size=5, max_size=5), min_size=1, max_size=6),
    st.lists(st.floats(0, 1000), min_size=5, max_size=5),
)
def test_reconciled_skus_add_up_to_the_store(rows: list[list[float]], total: list[float]) -> None:
    base = {f"s{i}": np.asarray(r) for i, r in enumerate(rows)}
    out = reconcile(base, np.asarray(total), {k: float(v.sum()) for k, v in base.items()})
    summed = np.sum(list(out.values()), axis=0)
    assert summed == pytest.approx(total, abs=1e-6)
    assert all((v >= 0).all() for v in out.values())


def test_croston_by_hand() -> None:
    # Croston 1972: demands 4 at day 2 and 2 at day 5; alpha 0.5: size 4 → 3, interval 2 → 2.5
    f = Croston(alpha=0.5, sba=False).fit([0, 4, 0, 0, 2])
    assert (f.size_, f.interval_, f.rate_) == (3.0, 2.5, 1.2)
    # Syntetos-Boylan: × (1 − α/2)
    assert Croston(alpha=0.5).fit([0, 4, 0, 0, 2]).rate_ == pytest.approx(0.9)


def test_tsb_decays_when_demand_stops() -> None:
    # Teunter-Syntetos-Babai 2011: the probability falls every day without a demand; Croston freezes
    y = [5.0, 0, 5, 0, 5, 0] + [0.0] * 30
    assert TSB(alpha=0.2, beta=0.2).fit(y).rate_ < 0.01 * Croston().fit(y).rate_ + 0.1
    assert Croston().fit(y).rate_ > 1.0
    # by hand: p0 = 2/3, then 1, 0, 1 with beta 0.5 -> 0.8333, 0.4167, 0.7083; size stays 6
    f = TSB(alpha=0.5, beta=0.5).fit([6.0, 0, 6])
    assert f.probability_ == pytest.approx(0.708333, abs=1e-5)
    assert f.rate_ == pytest.approx(6 * 0.708333, abs=1e-4)


def test_adida_by_hand() -> None:
    # Nikolopoulos et al. 2011: weekly buckets 7, 14 (the oldest partial week dropped), SES 0.5
    y = [9.0] + [1.0] * 7 + [2.0] * 7
    f = ADIDA(aggregation=7, alpha=0.5).fit(y)
    assert f.bucket_level_ == pytest.approx(10.5)
    assert f.predict(2).tolist() == pytest.approx([1.5, 1.5])


def test_yearly_seasonal_repeats_last_year_at_the_new_level() -> None:
    year = [10.0 + (i % 7) + (30 if 300 <= i < 320 else 0) for i in range(364)]
    y = year + [2 * v for v in year[:28]]  # this year's last four weeks sold double
    f = YearlySeasonal().fit(y)
    assert f.ratio_ == pytest.approx(2.0)
    assert f.predict(7).tolist() == pytest.approx([2 * v for v in year[28:35]])
    with pytest.raises(ValueError, match="too short"):
        YearlySeasonal().fit(y[:100])


def test_classification_and_outliers() -> None:
    # Syntetos, Boylan & Croston 2005: ADI 1.32, CV² 0.49
    assert classify([3, 3, 4, 3, 3, 4]) == "smooth"
    assert classify([1, 30, 1, 40, 2, 50]) == "erratic"
    assert classify([0, 0, 5, 0, 0, 5]) == "intermittent"
    assert classify([0, 0, 1, 0, 0, 60]) == "lumpy"
    assert classify([0, 0]) == "none"
    assert winsorize([1.0] * 10 + [500.0]).max() == 500.0  # too few orders to call one an outlier
    assert winsorize([1.0] * 2000 + [80_995.0]).max() < 2
