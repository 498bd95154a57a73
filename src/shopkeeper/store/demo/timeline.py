"""The days a demo store covers, and conversions between dates, day indices and timestamps.

Timestamps are whole seconds since 1970-01-01 on the store's local wall clock (no offset), which is
exactly how the contract writes them.

>>> t = Timeline.ending(date(2026, 11, 20), 180)
>>> t.start, t.days, t.index(date(2026, 11, 20))
(datetime.date(2026, 5, 25), 180, 179)
>>> t.now - t.epoch0 == 180 * 86400 - 1
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from shopkeeper.store.demo.rng import IntArray

DAY = 86_400
HOUR = 3_600
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Timeline:
    """``days`` consecutive days ending at ``end`` (inclusive)."""

    start: date
    end: date
    days: int

    @classmethod
    def ending(cls, end: date, days: int) -> Timeline:
        """The ``days`` days that end with ``end``."""
        return cls(end - timedelta(days=days - 1), end, days)

    @property
    def epoch0(self) -> int:
        """Local seconds at 00:00 of the first day."""
        return (self.start - _EPOCH).days * DAY

    @property
    def now(self) -> int:
        """Local seconds at 23:59:59 of the last day: the moment the data is taken."""
        return self.epoch0 + self.days * DAY - 1

    def index(self, day: date) -> int:
        """Day index of a date (negative before the start, ``>= days`` after the end)."""
        return (day - self.start).days

    def date(self, index: int) -> date:
        """Date of a day index."""
        return self.start + timedelta(days=int(index))

    def weekday(self) -> IntArray:
        """Weekday (0 = Monday) of every day."""
        return (np.arange(self.days, dtype=np.int64) + self.start.weekday()) % 7

    def day_of_year(self) -> IntArray:
        """Day of the year (1-366) of every day."""
        first = self.start.timetuple().tm_yday
        return (np.arange(self.days, dtype=np.int64) + first - 1) % 365 + 1

    def day_start(self, index: IntArray) -> IntArray:
        """Local seconds at 00:00 of each day index."""
        return self.epoch0 + index.astype(np.int64) * DAY

    def day_of(self, ts: IntArray) -> IntArray:
        """Day index of local timestamps."""
        return (ts - self.epoch0) // DAY
