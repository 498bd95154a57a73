"""The event calendar: 双11, 双12, 618, 年货节, Black Friday / Cyber Monday and Prime Day —
their names, this year's dates of each (:func:`event_window`) and the events a store plans for.

>>> event_window("double11", 2026)
(datetime.date(2026, 11, 1), datetime.date(2026, 11, 11), datetime.date(2026, 11, 11))
>>> event_window("new_year", 2027)[1], event_window("black_friday", 2026)
(datetime.date(2027, 1, 29), (datetime.date(2026, 11, 27), datetime.date(2026, 11, 30), datetime.date(2026, 11, 27)))
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from shopkeeper.errors import ConfigError

Event = Literal["double11", "double12", "618", "new_year", "black_friday", "prime_day"]
EVENT_NAMES: dict[str, tuple[str, str]] = {
    "double11": ("双11", "Singles' Day (11.11)"),
    "double12": ("双12", "Double 12 (12.12)"),
    "618": ("618", "618"),
    "new_year": ("年货节", "Chinese New Year festival (年货节)"),
    "black_friday": ("黑五 / 网络星期一", "Black Friday / Cyber Monday"),
    "prime_day": ("Prime Day", "Prime Day"),
}
LUNAR_NEW_YEAR = {
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}
"""Spring Festival (春节) by year: 年货节 ends about a week before it, when couriers stop."""


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def event_window(event: Event, year: int) -> tuple[dt.date, dt.date, dt.date]:
    """The event's first day, last day and peak day in ``year`` (the usual platform calendar;
    Prime Day is an estimate, Amazon announces its dates a few weeks before).
    """
    if event == "double11":
        return dt.date(year, 11, 1), dt.date(year, 11, 11), dt.date(year, 11, 11)
    if event == "double12":
        return dt.date(year, 12, 1), dt.date(year, 12, 12), dt.date(year, 12, 12)
    if event == "618":
        return dt.date(year, 5, 31), dt.date(year, 6, 18), dt.date(year, 6, 18)
    if event == "new_year":
        if year not in LUNAR_NEW_YEAR:
            raise ConfigError(
                f"年货节 dates are known for {min(LUNAR_NEW_YEAR)}–{max(LUNAR_NEW_YEAR)}, not {year}"
            )
        spring = LUNAR_NEW_YEAR[year]
        return (
            spring - dt.timedelta(days=30),
            spring - dt.timedelta(days=8),
            spring - dt.timedelta(days=8),
        )
    if event == "black_friday":
        friday = _nth_weekday(year, 11, 3, 4) + dt.timedelta(days=1)  # after Thanksgiving
        return friday, friday + dt.timedelta(days=3), friday
    tuesday = _nth_weekday(year, 7, 1, 2)
    return tuesday, tuesday + dt.timedelta(days=1), tuesday


MARKET_EVENTS: dict[str, tuple[Event, ...]] = {
    "zh": ("double11", "double12", "new_year", "618"),
    "en": ("black_friday", "prime_day"),
}
"""The events a store of each language plans for when the merchant names none ("大促")."""


def next_event(lang: str, on: dt.date) -> Event:
    """The store's next event from ``on`` (by the start of its next window).

    >>> next_event("zh", dt.date(2026, 11, 21)), next_event("en", dt.date(2026, 12, 1))
    ('double12', 'prime_day')
    """
    return min(MARKET_EVENTS.get(lang, MARKET_EVENTS["en"]), key=lambda e: next_window(e, on)[0])


def next_window(event: Event, on: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """The event's next window that has not ended by ``on``."""
    window = event_window(event, on.year)
    return window if window[1] >= on else event_window(event, on.year + 1)
