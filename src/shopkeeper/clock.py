"""The store clock: what time the service believes it is.

By default it is real time. ``SHOPKEEPER_NOW`` (or ``shopkeeper serve --now``) sets the present
for a store whose data ends in the past — a demo store built for 2026-11-20 is served as if it
were that evening: schedules catch up and run on from there. A naive value is read as UTC.

Every reading of the time in the package goes through this module (a test checks it): ``now`` where
a :class:`Settings` is at hand, ``utcnow`` / ``today`` elsewhere (audit events, approvals, memory,
sessions, traces...) — they read ``SHOPKEEPER_NOW`` from the environment and run on from it.

One running clock per process: ``SHOPKEEPER_NOW`` starts one :class:`Clock`, anchored at the
process's first reading of it — by :func:`utcnow`, or by :meth:`Clock.from_settings` when the
edge builds its context (``shopkeeper serve --now`` sets the variable first), so a server's
clock (``Services.clock``) and ``utcnow()`` (audit events, sessions, run records) read the same
instant. A settings' ``now`` other than ``SHOPKEEPER_NOW`` gets a clock of its own.

>>> from shopkeeper.settings import Settings
>>> now(Settings(now=dt.datetime(2026, 11, 20, 18, 0))).isoformat()
'2026-11-20T18:00:00+00:00'
>>> clock = Clock(dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC))
>>> clock() >= clock.start
True
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from zoneinfo import ZoneInfo

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
        """The service's clock: from ``settings.now`` on, or real time — the process's running
        clock (the one :func:`utcnow` reads) when ``settings.now`` is ``SHOPKEEPER_NOW``.
        """
        value = os.environ.get("SHOPKEEPER_NOW") or None
        if settings.now is not None and value is not None:
            process = _process_clock(value)
            if process.start == aware(settings.now):
                return process
        return cls(settings.now)

    def __call__(self) -> dt.datetime:
        """The current instant."""
        if self.real:
            return dt.datetime.now(dt.UTC)
        return self.start + dt.timedelta(seconds=time.monotonic() - self._t0)


_process: tuple[str | None, Clock] | None = None
_process_guard = threading.Lock()


def _process_clock(value: str | None) -> Clock:
    """The process's running clock for ``SHOPKEEPER_NOW=value``: started at its first reading
    (anchored once; started again only when the variable changes).
    """
    global _process
    current = _process
    if current is None or current[0] != value:
        with _process_guard:
            current = _process
            if current is None or current[0] != value:
                current = _process = (value, Clock(Settings().now if value else None))
    return current[1]


def utcnow() -> dt.datetime:
    """The present instant where no :class:`Settings` is at hand: from ``SHOPKEEPER_NOW`` on
    (the process's one running clock, see the module docstring), else real time; always aware,
    in UTC.
    """
    return _process_clock(os.environ.get("SHOPKEEPER_NOW") or None)().astimezone(dt.UTC)


def today(tz: str | dt.tzinfo | None = None, *, settings: Settings | None = None) -> dt.date:
    """Today's date in ``tz`` (an IANA name or a tzinfo; default: the machine's zone), by
    ``now(settings)`` when settings are given, else by :func:`utcnow`.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return (now(settings) if settings else utcnow()).astimezone(zone).date()


def pause(stop: threading.Event, seconds: float, *, step: float = 0.05) -> bool:
    """Wait up to ``seconds`` or until ``stop`` is set; True when it was set.

    Sleeps in short steps instead of ``stop.wait(seconds)``: under a shifted system clock
    (libfaketime, as the suite runs on other dates) timed waits on a condition never time out,
    while ``time.sleep`` does.

    >>> stop = threading.Event()
    >>> pause(stop, 0.01)
    False
    >>> stop.set(); pause(stop, 60)
    True
    """
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, step))
    return True
