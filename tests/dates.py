"""The one date the suite lives on: demo stores end on ``END`` and the store clock reads ``NOW``
(18:00 in Shanghai on the day after), whatever the machine's clock says.

Every test runs with ``SHOPKEEPER_NOW=NOW`` (tests/conftest.py); fixtures that generate a demo
store pass ``end_date=END`` too, so their data never depends on the day the suite runs.
"""

from __future__ import annotations

import datetime as dt

END = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
