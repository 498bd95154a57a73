"""Days of cover and replenishment quantities."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.analytics.inventory import reorder_quantity
from shopkeeper.store.metrics import days_of_cover


def test_hand_checked() -> None:
    assert days_of_cover(0, 3.0) == 0.0
    assert days_of_cover(-4, 2.0) == 0.0
    # 1.5/day × (10 + 5) days = 22.5 → 23 needed, 8 free and 5 coming
    assert (
        reorder_quantity(daily=1.5, available=8, in_transit=5, lead_time_days=10, safety_days=5)
        == 10
    )


@given(
    st.floats(0, 100),
    st.integers(-5, 500),
    st.integers(0, 500),
    st.integers(0, 60),
    st.integers(0, 30),
)
def test_reorder_covers_the_lead_time(
    daily: float, available: int, in_transit: int, lead: int, safety: int
) -> None:
    qty = reorder_quantity(
        daily=daily,
        available=available,
        in_transit=in_transit,
        lead_time_days=lead,
        safety_days=safety,
    )
    assert qty >= 0
    assert max(available, 0) + in_transit + qty >= daily * (lead + safety) - 1e-6
    if qty > 0:  # not one unit more than needed
        assert max(available, 0) + in_transit + qty - 1 < daily * (lead + safety)
    cover = days_of_cover(available, daily)
    assert cover is None or (cover >= 0 and math.isfinite(cover))
