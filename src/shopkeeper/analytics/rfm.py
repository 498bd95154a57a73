"""RFM segmentation: recency, frequency and monetary value of each buyer, split high/low.

The classic eight-segment model (重要价值/重要发展/重要保持/重要挽留 and the four 一般 ones):
each of R, F and M is "high" when better than the centre (mean by default) of all buyers —
recency in days since the last order (lower is better), frequency in orders, monetary in money
spent. English names follow the usual CRM vocabulary (champions, loyal, at risk, hibernating...).

>>> seg = RFMSegmenter().fit([3, 40, 5, 90], [4, 3, 1, 1], [800.0, 700.0, 60.0, 50.0])
>>> seg.thresholds_
(34.5, 2.25, 402.5)
>>> seg.segments_
['important_value', 'important_retain', 'general_develop', 'general_win_back']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

SEGMENTS: dict[tuple[bool, bool, bool], tuple[str, str, str]] = {
    (True, True, True): ("important_value", "重要价值客户", "Champions"),
    (True, False, True): ("important_develop", "重要发展客户", "Promising big spenders"),
    (False, True, True): ("important_retain", "重要保持客户", "At risk (loyal big spenders)"),
    (False, False, True): ("important_win_back", "重要挽留客户", "Big spenders slipping away"),
    (True, True, False): ("general_value", "一般价值客户", "Loyal"),
    (True, False, False): ("general_develop", "一般发展客户", "New / recent buyers"),
    (False, True, False): ("general_retain", "一般保持客户", "Need attention"),
    (False, False, False): ("general_win_back", "一般挽留客户", "Hibernating"),
}
"""(recent, frequent, big spender) → (key, 中文名, English name)."""
LABELS: dict[str, tuple[str, str]] = {key: (zh, en) for key, zh, en in SEGMENTS.values()}


def segment_key(recent: bool, frequent: bool, big_spender: bool) -> str:
    """The segment of one buyer.

    >>> segment_key(False, False, True)
    'important_win_back'
    """
    return SEGMENTS[(recent, frequent, big_spender)][0]


@dataclass
class RFMSegmenter:
    """Split buyers into the eight RFM segments.

    ``center`` picks the threshold of each dimension (the mean, as the classic model, or the
    median). Learned state: ``thresholds_`` (recency days, orders, money) and ``segments_``
    (the key of each buyer passed to :meth:`fit`, in order).
    """

    center: Literal["mean", "median"] = "mean"
    thresholds_: tuple[float, float, float] = field(default=(0.0, 0.0, 0.0), init=False)
    segments_: list[str] = field(default_factory=list, init=False)

    def fit(
        self, recency: Sequence[float], frequency: Sequence[float], monetary: Sequence[float]
    ) -> RFMSegmenter:
        """Learn the thresholds from these buyers and segment them."""
        r, f, m = (np.asarray(x, dtype=np.float64) for x in (recency, frequency, monetary))
        if not len(r) == len(f) == len(m):
            raise ValueError(
                f"recency, frequency and monetary differ in length: {len(r)}, {len(f)}, {len(m)}"
            )
        centre = np.mean if self.center == "mean" else np.median
        self.thresholds_ = (
            (float(centre(r)), float(centre(f)), float(centre(m))) if len(r) else (0.0, 0.0, 0.0)
        )
        self.segments_ = self.predict(recency, frequency, monetary)
        return self

    def predict(
        self, recency: Sequence[float], frequency: Sequence[float], monetary: Sequence[float]
    ) -> list[str]:
        """The segment of each buyer against the learned thresholds: recent when the days since
        the last order are at most the threshold, frequent and big spender when above it.
        """
        tr, tf, tm = self.thresholds_
        return [
            segment_key(float(r) <= tr, float(f) > tf, float(m) > tm)
            for r, f, m in zip(recency, frequency, monetary, strict=True)
        ]
