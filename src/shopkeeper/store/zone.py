"""The store's time zone in a warehouse session, and the store-local day of an instant.

Store days are local days: every session on a warehouse runs in the store's time zone
(:func:`use_zone`), and SQL names the day of an instant ``local_day(ts)`` — a macro this module
defines in the session, the one definition of "the store day of a timestamp". It is exactly
DuckDB's ``CAST(ts AS DATE)`` in the session's zone, only cheaper: the cast converts every row
through ICU's calendar (about 80 ns a row, the dearest step of most of our queries), while a zone
whose UTC offset no longer changes (Asia/Shanghai since 1991, UTC always) gives the same day by
arithmetic on the epoch, about four times faster. So the macro does the arithmetic from the zone's
last offset change on (:func:`fixed_offset_since`) and the cast before it — and always in a zone
that still changes its clocks (daylight saving time).

>>> since, offset = fixed_offset_since("Asia/Shanghai")
>>> since.year, offset
(1991, 28800)
>>> fixed_offset_since("America/New_York") is None
True
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_HORIZON = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
_STEP = dt.timedelta(days=7)
"""Offsets are compared week by week back from the horizon (no zone changed its offset for less
than a week and back), then the change is found to the second."""
_DAY_US = 86_400_000_000


def _offset(zone: ZoneInfo, instant: dt.datetime) -> dt.timedelta | None:
    return instant.astimezone(zone).utcoffset()


@lru_cache(maxsize=64)
def fixed_offset_since(zone_name: str) -> tuple[dt.datetime, int] | None:
    """The instant from which ``zone_name``'s UTC offset never changes again (to 2100), and that
    offset in seconds; ``None`` for a zone that still changes its clocks, or one Python does not
    know (the cast is then used throughout).
    """
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    last = _offset(zone, _HORIZON)
    if last is None:
        return None
    later = _HORIZON
    while later > _EPOCH:
        earlier = later - _STEP
        if _offset(zone, earlier) != last:
            low, high = int(earlier.timestamp()), int(later.timestamp())
            while high - low > 1:  # the change, to the second (zones change on whole seconds)
                middle = (low + high) // 2
                if _offset(zone, dt.datetime.fromtimestamp(middle, dt.UTC)) == last:
                    high = middle
                else:
                    low = middle
            later = dt.datetime.fromtimestamp(high, dt.UTC)
            break
        later = earlier
    if later > _HORIZON - dt.timedelta(days=366):  # it changes every year: daylight saving time
        return None
    return max(later, _EPOCH), int(last.total_seconds())


def local_day_sql(zone_name: str) -> str:
    """The body of the ``local_day(ts)`` macro for a session in ``zone_name``."""
    fixed = fixed_offset_since(zone_name)
    if fixed is None:
        return "CAST(ts AS DATE)"
    since, offset = fixed
    arithmetic = (
        f"DATE '1970-01-01' + CAST((epoch_us(ts) + {offset * 1_000_000}) // {_DAY_US} AS INTEGER)"
    )
    return (
        f"CASE WHEN ts >= TIMESTAMPTZ '{since.isoformat()}' THEN {arithmetic} "
        "ELSE CAST(ts AS DATE) END"
    )


_ZONES: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def use_zone(con: duckdb.DuckDBPyConnection, zone_name: str) -> None:
    """Run the session ``con`` in ``zone_name`` (an IANA name) and define its ``local_day(ts)``:
    every warehouse session is set up here, cursors included (they start in UTC).
    """
    con.execute(f"SET TimeZone = '{zone_name}'")
    con.execute(f"CREATE OR REPLACE TEMP MACRO local_day(ts) AS {local_day_sql(zone_name)}")
    with _LOCK:
        _ZONES[con] = zone_name


def session_zone(con: duckdb.DuckDBPyConnection) -> str | None:
    """The zone :func:`use_zone` set on ``con`` (``None``: a session not set up here)."""
    with _LOCK:
        return _ZONES.get(con)
