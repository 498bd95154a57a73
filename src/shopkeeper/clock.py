"""The store clock: what time the service believes it is.

By default it is real time. ``SHOPKEEPER_NOW`` (or ``shopkeeper serve --now``) sets the present
for a store whose data ends in the past — a demo store built for 2026-11-20 is served as if it
were that evening: schedules catch up and run on from there. A naive value is read as UTC.

>>> from shopkeeper.settings import Settings
>>> now(Settings(now=dt.datetime(2026, 11, 20, 18, 0))).isoformat()
'2026-11-20T18:00:00+00:00'
>>> clock = Clock(dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC))
>>> clock() >= clock.start
True
"""

from __future__ import annotations

import datetime as dt
import time

from shopkeeper.settings import Settings


def aware(value: dt.datetime) -> dt.datetime:
    """``value`` with a time zone (a naive value is UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def now(settings: Settings) -> dt.datetime:
    """The present instant: ``settings.now`` when set (fixed), else real time; always aware."""
    return aware(settings.now) if settings.now else dt.datetime.now(dt.UTC)


class Clock:
    """A running clock: starts at ``start`` (default: real time) and advances in real time."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.start = aware(start) if start else dt.datetime.now(dt.UTC)
        self._t0 = time.monotonic()
        self.real = start is None

    @classmethod
    def from_settings(cls, settings: Settings) -> Clock:
        """The service's clock: from ``settings.now`` on, or real time."""
        return cls(settings.now)

    def __call__(self) -> dt.datetime:
        """The current instant."""
        if self.real:
            return dt.datetime.now(dt.UTC)
        return self.start + dt.timedelta(seconds=time.monotonic() - self._t0)
