"""RFM segments: the eight-segment model by hand, and invariants by property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.rfm import LABELS, SEGMENTS, RFMSegmenter


def test_hand_checked_segments() -> None:
    seg = RFMSegmenter().fit(
        [1, 100, 2, 100, 1, 100], [5, 5, 1, 1, 5, 1], [900, 900, 900, 900, 10, 10]
    )
    # means: recency 50.67, frequency 3, money 603.3
    assert seg.segments_ == [
        "important_value",
        "important_retain",
        "important_develop",
        "important_win_back",
        "general_value",
        "general_win_back",
    ]
    median = RFMSegmenter(center="median").fit([1, 2, 30], [1, 2, 3], [5, 50, 500])
    assert median.thresholds_ == (2.0, 2.0, 50.0)
    assert median.segments_ == ["general_develop", "general_develop", "important_retain"]


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        RFMSegmenter().fit([1, 2], [1], [3, 4])


def test_labels_cover_every_segment() -> None:
    assert len(SEGMENTS) == len(LABELS) == 8


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 365), st.integers(1, 20), st.floats(0.0, 1e5)),
        min_size=1,
        max_size=50,
    )
)
def test_every_buyer_gets_one_segment_consistent_with_thresholds(
    buyers: list[tuple[int, int, float]],
) -> None:
    r, f, m = zip(*buyers, strict=True)
    seg = RFMSegmenter().fit(r, f, m)
    assert len(seg.segments_) == len(buyers)
    tr, tf, tm = seg.thresholds_
    for (rec, freq, money), key in zip(buyers, seg.segments_, strict=True):
        assert key == SEGMENTS[(rec <= tr, freq > tf, money > tm)][0]
    # the most recent buyer is always "recent"; a buyer above every mean is never in a 挽留 segment
    best = min(range(len(buyers)), key=lambda i: buyers[i][0])
    assert seg.segments_[best] in {k for (rec, _, _), (k, _, _) in SEGMENTS.items() if rec}
