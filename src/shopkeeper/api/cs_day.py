"""Customer service's numbers for one day (the web app's Customer service page):
``GET /v1/stores/{store}/cs/day`` (see :mod:`shopkeeper.cs.day`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query

from shopkeeper.api.auth import Principal, StorePath, require
from shopkeeper.api.deps import Services, ServicesDep
from shopkeeper.cs.day import CsDay, cs_day
from shopkeeper.errors import StoreNotFound
from shopkeeper.store.warehouse import store_config

Staff = Annotated[Principal, Depends(require("cs"))]

router = APIRouter(prefix="/v1/stores/{store}/cs", tags=["cs"])


def store_timezone(services: Services, store: str) -> str:
    """The store's time zone (UTC before its first import)."""
    try:
        return store_config(services.settings, store, reader=services.app.reader(store)).timezone
    except StoreNotFound:
        return "UTC"


def day_view(services: Services, store: str, day: dt.date | None) -> CsDay:
    """The numbers of ``day`` (default: today on the store clock, in the store's time zone)."""
    tz = store_timezone(services, store)
    day = day or services.clock().astimezone(ZoneInfo(tz)).date()
    return cs_day(services.engine, store, day, tz)


@router.get("/day")
def get_day(
    store: StorePath,
    _caller: Staff,
    services: ServicesDep,
    day: Annotated[dt.date | None, Query(description="a store-local day (default: today)")] = None,
) -> CsDay:
    """The day's conversations, auto-resolved share, hand-offs and suggestion adoption."""
    return day_view(services, store, day)
