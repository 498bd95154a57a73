"""What every inspection rule gets: the warehouse, the day, the language, and shared helpers."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import duckdb
from pydantic import BaseModel

from shopkeeper.store.config import StoreConfig

Lang = Literal["zh", "en"]
POST_PROMO_DAYS = 7
"""Days after a promotion ends that are still not "normal" (the post-Double-11 slump)."""
PROMO_LIKE_RATIO = 1.8
"""A day whose orders exceed this multiple of the surrounding median is treated as a promotion."""
PROMO_UPLIFT = 1.25
"""A declared promotion is a promotion when its days average at least this multiple of normal."""
MAX_EVENT_DAYS = 31
SALES_WINDOW_DAYS = 120
"""Days of per-SKU sales the shared ``sku_daily`` table holds."""
"""Declared promotions longer than this are the shop's normal state, not an event."""


@dataclass
class InspectionContext:
    """The warehouse (read-only), the store, the day inspected and the language of the text."""

    con: duckdb.DuckDBPyConnection
    store: str
    config: StoreConfig
    as_of: dt.date
    lang: Lang
    tables: dict[str, int]
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    _built: dict[str, bool] = field(default_factory=dict, repr=False)

    def has(self, *tables: str) -> bool:
        """Whether every table named holds data."""
        return all(self.tables.get(t, 0) > 0 for t in tables)

    def rows(
        self, sql: str, params: list[Any] | dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run a query; rows as dicts."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def scalar(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        """Run a query returning one value."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def text(self, zh: str, en: str) -> str:
        """The text in the store's language."""
        return zh if self.lang == "zh" else en

    def money(self, value: float) -> str:
        """Money as a merchant reads it: ``¥1,234`` / ``$1,234``."""
        symbol = {"CNY": "¥", "USD": "$", "GBP": "£", "EUR": "€"}.get(self.config.currency, "")
        return f"{symbol}{value:,.0f}" if abs(value) >= 100 else f"{symbol}{value:,.2f}"

    def settings(self, kind: str, model: type[BaseModel]) -> Any:
        """A rule's thresholds: its defaults, overridden by ``[inspection.<kind>]`` in store.toml."""
        return model.model_validate(self.overrides.get(kind, {}))

    @cached_property
    def daily_orders(self) -> dict[dt.date, int]:
        """Paid orders per store-local day over the 400 days up to ``as_of``."""
        rows = self.con.execute(
            f"""SELECT CAST(created_at AS DATE), count(*) FROM orders
               WHERE status NOT IN ('cancelled', 'closed', 'created') AND {self.created_between("created_at")}
               GROUP BY 1""",
            self.window_params(400),
        ).fetchall()
        return {day: int(n) for day, n in rows}

    @cached_property
    def promo_days(self) -> frozenset[dt.date]:
        """Days not comparable with normal days, judged by their effect, not their label.

        A declared promotion (not a coupon, at most ``MAX_EVENT_DAYS`` long: longer ones are the
        shop's normal state) counts when its days averaged at least ``PROMO_UPLIFT`` × the median
        day of the five weeks before it; a multi-day one also marks the ``POST_PROMO_DAYS`` after it
        (the slump after Double 11). A day whose orders exceed ``PROMO_LIKE_RATIO`` × the median of
        the month around it counts too (an undeclared event).
        """
        orders = self.daily_orders
        days: set[dt.date] = set()
        if self.has("promotions"):
            for r in self.rows(
                """SELECT DISTINCT CAST(start_at AS DATE) AS s, CAST(end_at AS DATE) AS e FROM promotions
                   WHERE kind <> 'coupon' AND CAST(end_at AS DATE) >= ?::DATE - INTERVAL 400 DAY
                     AND CAST(start_at AS DATE) <= ?""",
                [self.as_of, self.as_of],
            ):
                span = (r["e"] - r["s"]).days + 1
                if span > MAX_EVENT_DAYS:
                    continue
                window = [r["s"] + dt.timedelta(days=i) for i in range(span)]
                before = [orders.get(r["s"] - dt.timedelta(days=i), 0) for i in range(7, 42)]
                base = float(statistics.median(before)) if any(before) else 0.0
                during = [orders.get(d, 0) for d in window if d <= self.as_of]
                if base <= 0 or not during or statistics.fmean(during) < PROMO_UPLIFT * base:
                    continue
                tail = POST_PROMO_DAYS if span >= 3 else 0
                days.update(r["s"] + dt.timedelta(days=i) for i in range(span + tail))
        ordered = sorted(orders)
        for i, day in enumerate(ordered):
            around = [orders[d] for d in ordered[max(0, i - 14) : i + 15]]
            if len(around) >= 7 and orders[day] > PROMO_LIKE_RATIO * statistics.median(around):
                days.add(day)
        return frozenset(days)

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
        """Name of a temp table ``(day, sku_id, product_id, units, gmv, orders, min_unit, max_unit)`` of paid sales per SKU
        per store-local day over the ``SALES_WINDOW_DAYS`` up to ``as_of`` (cancelled, closed and
        unpaid orders excluded; ``orders`` counts order lines, which is orders for all but the rare
        order holding one SKU twice). Built once per inspection, shared by every rule.
        """
        if not self._built.get("sku_daily"):
            self.con.execute(
                f"""CREATE OR REPLACE TEMP TABLE sku_daily AS
                   SELECT CAST(o.created_at AS DATE) AS day, i.sku_id, any_value(p.product_id) AS product_id,
                          sum(i.quantity) AS units, sum(coalesce(i.paid_amount, i.unit_price * i.quantity)) AS gmv,
                          count(*) AS orders, min(i.unit_price)::DOUBLE AS min_unit, max(i.unit_price)::DOUBLE AS max_unit
                   FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
                   WHERE o.status NOT IN ('cancelled', 'closed', 'created') AND {self.created_between()}
                   GROUP BY ALL""",
                self.window_params(SALES_WINDOW_DAYS),
            )
            self._built["sku_daily"] = True
        return "sku_daily"

    def created_between(self, column: str = "o.created_at") -> str:
        """SQL condition: ``column`` falls in the window whose bounds :meth:`window_params` gives.

        Compares the timestamp itself (not its date), so DuckDB can skip row groups by their
        min/max; bind :meth:`window_params` for the two ``?``.
        """
        return f"{column} >= ?::TIMESTAMPTZ AND {column} < ?::TIMESTAMPTZ"

    def window_params(self, days: int) -> list[str]:
        """Local-midnight bounds (as text the session reads in the store's time zone) of the window."""
        start = self.as_of - dt.timedelta(days=days - 1)
        end = self.as_of + dt.timedelta(days=1)
        return [f"{start.isoformat()} 00:00:00", f"{end.isoformat()} 00:00:00"]

    def is_promo(self, day: dt.date) -> bool:
        """Whether a day is a promotion (or its aftermath)."""
        return day in self.promo_days
