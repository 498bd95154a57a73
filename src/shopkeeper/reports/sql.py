"""SQL shared by the reports (queries go through :class:`shopkeeper.store.query.Query`).

>>> import datetime as dt
>>> from shopkeeper.reports.models import Window
>>> windows_cte([Window(start=dt.date(2026, 1, 2), end=dt.date(2026, 1, 3))])
"w(k, s, e) AS (VALUES (0, DATE '2026-01-02', DATE '2026-01-03'))"
"""

from __future__ import annotations

from shopkeeper.reports.models import Window


def windows_cte(windows: list[Window]) -> str:
    """A ``w(k, s, e)`` common table expression: window index, first and last day (dates only)."""
    rows = ", ".join(
        f"({k}, DATE '{w.start.isoformat()}', DATE '{w.end.isoformat()}')"
        for k, w in enumerate(windows)
    )
    return f"w(k, s, e) AS (VALUES {rows})"
