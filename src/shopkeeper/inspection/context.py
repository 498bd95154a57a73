"""What every inspection rule gets: the warehouse, the day, the language, and shared helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar, cast

import duckdb
from pydantic import BaseModel

from shopkeeper.inspection.models import Entity
from shopkeeper.store.config import StoreConfig
from shopkeeper.store.query import Query
from shopkeeper.store.sales import Sales
from shopkeeper.store.zone import session_zone, use_zone
from shopkeeper.text import Lang, money, pick

T = TypeVar("T")


@dataclass
class InspectionContext(Query):
    """The warehouse (read-only), the store, the day inspected and the language of the text."""

    con: duckdb.DuckDBPyConnection
    store: str
    config: StoreConfig
    as_of: dt.date
    lang: Lang
    tables: dict[str, int]
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    """Results one rule computes and others reuse in the same inspection (see :meth:`shared`)."""

    @cached_property
    def sales(self) -> Sales:
        """The store's paid sales up to the day inspected (shared by every rule)."""
        return Sales(self, self.as_of)

    @contextmanager
    def fork(self) -> Iterator[InspectionContext]:
        """The same inspection on a new cursor of the warehouse, for another thread (a DuckDB
        connection is used by one thread at a time): in the session's time zone, with its own
        working tables and shared results; the cursor is closed when the block ends.
        """
        zone = session_zone(self.con)
        if zone is None:  # a session not set up by use_zone (a test's own connection)
            row = self.con.execute("SELECT current_setting('TimeZone')").fetchone()
            zone = str(row[0]) if row else "UTC"
        cursor = self.con.cursor()
        try:
            use_zone(cursor, zone)
            yield replace(self, con=cursor, memo={})
        finally:
            cursor.close()

    def shared(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per inspection for ``key``: what several rules read (the late
        deliveries that delivery_late, shipping_delay and negative_reviews all weigh) is queried once.
        """
        if key not in self.memo:
            self.memo[key] = compute()
        return cast(T, self.memo[key])

    @property
    def store_entity(self) -> Entity:
        """The store as a finding's entity: its id is the name it was imported under (the folder
        ``--store`` takes), its display name from store.toml the entity's name — one id for every
        store finding, so they are tracked and grouped as one thing.
        """
        return Entity(type="store", id=self.store, name=self.config.name)

    def text(self, zh: str, en: str) -> str:
        """The text in the store's language."""
        return pick(self.lang, zh, en)

    def money(self, value: float) -> str:
        """Money as a merchant reads it: ``¥1,234`` / ``$1,234``."""
        return money(value, self.config.currency, self.lang, digits=None)

    def settings(self, kind: str, model: type[BaseModel]) -> Any:
        """A rule's thresholds: its defaults, overridden by ``[inspection.<kind>]`` in store.toml."""
        return model.model_validate(self.overrides.get(kind, {}))

    @property
    def daily_orders(self) -> dict[dt.date, int]:
        """Paid orders per store-local day over the 400 days up to ``as_of``."""
        return self.sales.daily_orders

    @property
    def history_days(self) -> int:
        """Days from the store's first paid order (within 400 days) to ``as_of``, both included;
        0 without one. A rule that reads "no sale for weeks" needs that many weeks of history.
        """
        first = min((d for d, n in self.daily_orders.items() if n > 0), default=None)
        return 0 if first is None else (self.as_of - first).days + 1

    @property
    def promo_days(self) -> frozenset[dt.date]:
        """Days not comparable with normal days (see :attr:`Sales.promo_days`)."""
        return self.sales.promo_days

    def comparable_days(self, *, weeks: int = 4, before: dt.date | None = None) -> list[dt.date]:
        """Same-weekday days in the ``weeks`` weeks before ``before`` (default: as_of), skipping promotions.

        Looks back up to twice as far to find ``weeks`` normal days; may return fewer.
        """
        anchor = before or self.as_of
        out = []
        for k in range(1, 2 * weeks + 1):
            day = anchor - dt.timedelta(weeks=k)
            if day not in self.promo_days:
                out.append(day)
            if len(out) == weeks:
                break
        return out

    def sku_daily(self) -> str:
        """Name of the temp table of paid sales per SKU per day (see :meth:`Sales.sku_daily`)."""
        return self.sales.sku_daily()

    def created_between(self, column: str = "o.created_at") -> str:
        """SQL condition: ``column`` falls in the window :meth:`window_params` bounds."""
        return self.sales.created_between(column)

    def window_params(self, days: int) -> list[str]:
        """Local-midnight bounds of the ``days`` days up to ``as_of`` (see :meth:`Sales.window_params`)."""
        return self.sales.window_params(days)

    def is_promo(self, day: dt.date) -> bool:
        """Whether a day is a promotion (or its aftermath)."""
        return day in self.promo_days
