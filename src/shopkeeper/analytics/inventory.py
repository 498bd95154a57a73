"""Stock arithmetic: the replenishment quantity (days of cover is a store metric:
:func:`shopkeeper.store.metrics.days_of_cover`).

A purchase placed today arrives after the lead time, so stock must cover the lead time plus a
safety margin; what is already in transit counts.

>>> reorder_quantity(daily=2.0, available=10, in_transit=4, lead_time_days=7, safety_days=7)
14
>>> reorder_quantity(daily=0.0, available=0, in_transit=0, lead_time_days=7, safety_days=7)
0
"""

from __future__ import annotations

import math


def reorder_quantity(
    *, daily: float, available: float, in_transit: float, lead_time_days: float, safety_days: float
) -> int:
    """Units to order now so stock covers the lead time plus the safety days: the shortfall of
    ``daily × (lead time + safety)`` against free stock plus stock in transit, rounded up, ≥ 0.
    """
    need = daily * (lead_time_days + safety_days) - max(0.0, available) - max(0.0, in_transit)
    return max(0, math.ceil(need - 1e-9))
