"""The days a report covers and the days it is compared with.

>>> import datetime as dt
>>> p = plan_periods("daily", dt.date(2026, 11, 21))
>>> p.period.start, p.previous[0].start, p.baseline[0].start
(datetime.date(2026, 11, 21), datetime.date(2026, 11, 20), datetime.date(2026, 11, 14))
>>> w = plan_periods("weekly", dt.date(2026, 11, 21))
>>> w.period.start, w.previous[0].end, len(w.baseline), w.baseline[-1].start
(datetime.date(2026, 11, 15), datetime.date(2026, 11, 14), 4, datetime.date(2026, 10, 18))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shopkeeper.reports.models import ReportKind, Window

TREND_DAYS = 30
BASELINE_WEEKS = 4


@dataclass(frozen=True)
class Periods:
    """The report's period, the previous period, and the baseline windows (averaged).

    Daily: the day; the day before; the same weekday last week.
    Weekly: the 7 days ending on the day; the 7 days before (week over week); the 4 weeks before, averaged.
    """

    kind: ReportKind
    period: Window
    previous: list[Window]
    baseline: list[Window]

    @property
    def all(self) -> list[Window]:
        """Every window, in the order used by :func:`shopkeeper.reports.sql.windows_cte` (0 = period)."""
        return [self.period, *self.previous, *self.baseline]

    @property
    def first_day(self) -> dt.date:
        """Earliest day any window or the trend needs."""
        trend_start = self.period.end - dt.timedelta(days=TREND_DAYS - 1)
        return min(trend_start, *(w.start for w in self.all))

    @property
    def trend(self) -> Window:
        """The 30 days ending on the period's last day."""
        return Window(
            start=self.period.end - dt.timedelta(days=TREND_DAYS - 1), end=self.period.end
        )


def _span(end: dt.date, days: int) -> Window:
    return Window(start=end - dt.timedelta(days=days - 1), end=end)


def plan_periods(kind: ReportKind, end: dt.date) -> Periods:
    """The windows of a daily or weekly report ending on ``end``."""
    if kind == "daily":
        return Periods(
            kind,
            _span(end, 1),
            [_span(end - dt.timedelta(days=1), 1)],
            [_span(end - dt.timedelta(days=7), 1)],
        )
    weeks = [_span(end - dt.timedelta(days=7 * k), 7) for k in range(1, BASELINE_WEEKS + 1)]
    return Periods(kind, _span(end, 7), weeks[:1], weeks)
