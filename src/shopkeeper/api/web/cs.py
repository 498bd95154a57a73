"""``/s/{store}/cs``: customer service's day — conversations, the share the bot resolved alone,
hand-offs to people, suggestion adoption — the last seven days, and a link into the console.

Rendered from the JSON route's own function (:func:`shopkeeper.api.cs_day.day_view`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from shopkeeper.api.cs_day import day_view
from shopkeeper.api.web.core import Page, store_page
from shopkeeper.cs.day import cs_day

router = APIRouter(tags=["pages"], include_in_schema=False)

CsPage = Annotated[Page, Depends(store_page("cs"))]
WEEK = 7


@router.get("/s/{store}/cs")
def cs_page(page: CsPage, day: Annotated[dt.date | None, Query()] = None) -> Response:
    """The day's numbers (default: today in the store's time zone) and the week up to it (the
    store's time zone read once, the day itself counted once).
    """
    today = day_view(page.services, page.store, day)
    tz = page.timezone
    before = [
        cs_day(page.services.engine, page.store, today.day - dt.timedelta(days=n), tz)
        for n in range(WEEK - 1, 0, -1)
    ]
    return page.render("cs.html", today=today, week=[*before, today])
