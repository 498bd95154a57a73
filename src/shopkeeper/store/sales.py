"""A store's paid sales up to a day: per day, per SKU and day, each SKU's normal daily sales rate
and its stock position (available stock and days of cover).

One definition for the inspection, the reports and the skills: a SKU's **daily sales rate** is the
mean of units per day over its last 7 and its last 28 comparable days (promotions and their
aftermath left out, days without sales counted as 0), weighted half and half so a recent trend
counts without one good day deciding, and at most the higher of its mean over the 28 comparable
days and over the last 14 calendar days (after a long promotion the 7 comparable days lie weeks
back, and a slow SKU's few units then would double its rate); its **days of cover** is its available stock
(:func:`shopkeeper.store.metrics.available`, summed over warehouses in its latest snapshot) over
that rate (:func:`shopkeeper.store.metrics.days_of_cover`).

The rate counts a SKU's **normal** units: the outlier orders and the SKU's bulk lines
(:mod:`shopkeeper.store.outliers`: the ``outlier_order`` finding's wholesale orders, tests and
mistyped quantities, and one customer's 1,404 units of a SKU that sells a few a day) are left
out, so one bulk order does not make a SKU look fast, fill its reorder or hide that it is slow.
``sku_daily`` keeps every paid sale in ``units`` and ``gmv`` (GMV is GMV) and the units without
those lines in ``normal_units`` (bulk lines judged over its ``SALES_WINDOW_DAYS``); the rate and
its companions (``units28``, ``days_sold28``, ``rate14``) read ``normal_units``, while
``last_sale`` is the last sale of any kind.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from shopkeeper.store.coverage import table_days
from shopkeeper.store.day_counts import PAID_ORDERS
from shopkeeper.store.metrics import available, days_of_cover, line_gmv, paid
from shopkeeper.store.outliers import DEFAULT, flag_bulk_lines, is_outlier, outlier_order_ids
from shopkeeper.store.query import Query

POST_PROMO_DAYS = 7
"""Days after a promotion ends that are still not "normal" (the post-Double-11 slump)."""
PROMO_LIKE_RATIO = 1.8
"""A day whose orders exceed this multiple of the surrounding median is treated as a promotion."""
PROMO_UPLIFT = 1.25
"""A declared promotion is a promotion when its days average at least this multiple of normal."""
MAX_EVENT_DAYS = 31
"""Declared promotions longer than this are the shop's normal state, not an event."""
SALES_WINDOW_DAYS = 120
"""Days of per-SKU sales the shared ``sku_daily`` table holds."""
RATE_DAYS = 84
"""Recent days the normal daily sales rate picks its 7 and 28 comparable days from."""


@dataclass
class Sales:
    """Paid sales of the store behind ``q`` up to and including ``as_of`` (store-local days)."""

    q: Query
    as_of: dt.date
    _built: set[str] = field(default_factory=set, repr=False)

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

    @cached_property
    def daily_orders(self) -> dict[dt.date, int]:
        """Paid orders per store-local day over the 400 days up to ``as_of`` (the import's counts,
        :func:`~shopkeeper.store.coverage.table_days`).
        """
        first = self.as_of - dt.timedelta(days=399)
        daily = table_days(self.q.con, PAID_ORDERS)
        return {day: n for day, n in daily.items() if first <= day <= self.as_of}

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
        if self.q.has("promotions"):
            for r in self.q.rows(
                """SELECT DISTINCT local_day(start_at) AS s, local_day(end_at) AS e FROM promotions
                   WHERE kind <> 'coupon' AND local_day(end_at) >= ?::DATE - INTERVAL 400 DAY
                     AND local_day(start_at) <= ?""",
                [self.as_of, self.as_of],
            ):
                days.update(self._declared(orders, r["s"], r["e"]))
        ordered = sorted(orders)
        for i, day in enumerate(ordered):
            around = [orders[d] for d in ordered[max(0, i - 14) : i + 15]]
            if len(around) >= 7 and orders[day] > PROMO_LIKE_RATIO * statistics.median(around):
                days.add(day)
        return frozenset(days)

    def _declared(self, orders: dict[dt.date, int], s: dt.date, e: dt.date) -> list[dt.date]:
        """The days a declared promotion from ``s`` to ``e`` marks (none when it did not lift sales)."""
        span = (e - s).days + 1
        if span > MAX_EVENT_DAYS:
            return []
        window = [s + dt.timedelta(days=i) for i in range(span)]
        before = [orders.get(s - dt.timedelta(days=i), 0) for i in range(7, 42)]
        base = float(statistics.median(before)) if any(before) else 0.0
        during = [orders.get(d, 0) for d in window if d <= self.as_of]
        if base <= 0 or not during or statistics.fmean(during) < PROMO_UPLIFT * base:
            return []
        tail = POST_PROMO_DAYS if span >= 3 else 0
        return [s + dt.timedelta(days=i) for i in range(span + tail)]

    def _table(self, kind: str) -> tuple[str, bool]:
        """The temp table's name for this day, and whether it still has to be built."""
        name = f"{kind}_{self.as_of:%Y%m%d}"
        fresh = name not in self._built
        self._built.add(name)
        return name, fresh

    def outlier_ids(self) -> list[str]:
        """The outlier orders among the sales up to ``as_of`` (those of the year the inspection's
        ``outlier_order`` judges: the same question, so one query answers both).
        """
        start = self.as_of - dt.timedelta(days=DEFAULT.history_days - 1)
        return outlier_order_ids(self.q, start, self.as_of)

    def sku_daily(self) -> str:
        """Name of a temp table ``(day, sku_id, product_id, units, normal_units, gmv, orders,
        min_unit, max_unit)`` of paid sales per SKU per store-local day over the
        ``SALES_WINDOW_DAYS`` up to ``as_of`` (``gmv`` is :func:`~shopkeeper.store.metrics.line_gmv`;
        ``normal_units`` leaves out the :meth:`outlier_ids` and the bulk lines; ``orders`` counts
        order lines, which is orders for all but the rare order holding one SKU twice). Built once
        per :class:`Sales`.
        """
        name, build = self._table("sku_daily")
        if build:
            lines = f"""SELECT local_day(o.created_at) AS day, i.sku_id, p.product_id, i.quantity,
                               {line_gmv()} AS gmv, i.unit_price, {is_outlier(self.outlier_ids())} AS outlier
                        FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
                        WHERE {paid()} AND {self.created_between()}"""
            self.q.con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {name} AS
                   SELECT day, sku_id, any_value(product_id) AS product_id, sum(quantity) AS units,
                          coalesce(sum(quantity) FILTER (WHERE NOT (outlier OR bulk)), 0) AS normal_units,
                          sum(gmv) AS gmv, count(*) AS orders,
                          min(unit_price)::DOUBLE AS min_unit, max(unit_price)::DOUBLE AS max_unit
                   FROM ({flag_bulk_lines(lines)}) GROUP BY ALL""",
                self.window_params(SALES_WINDOW_DAYS),
            )
        return name

    def rate_days(self) -> tuple[list[dt.date], list[dt.date]]:
        """The last 7 and the last 28 comparable days up to ``as_of`` the daily rate averages.

        In a long promotion season (under 14 normal days in ``RATE_DAYS``) every recent day counts:
        it is the best evidence there is.
        """
        recent = [self.as_of - dt.timedelta(days=k) for k in range(RATE_DAYS)]
        normal = [d for d in recent if d not in self.promo_days]
        if len(normal) < 14:
            normal = recent
        return normal[:7], normal[:28]

    def sku_rates(self) -> str:
        """Temp table ``(sku_id, rate, units28, days_sold28, last_sale, rate14)``: each SKU's daily
        sales rate (the module's definition), units and selling days in the 28 comparable days, its
        last sale and the plain mean of the last 14 calendar days (promotions included) — all but
        ``last_sale`` without the outlier orders and bulk lines (``normal_units``).
        """
        name, build = self._table("sku_rate")
        if build:
            daily = self.sku_daily()
            last7, last28 = self.rate_days()
            self.q.con.execute(
                f"""CREATE OR REPLACE TEMP TABLE {name} AS
                    WITH r AS (
                    SELECT sku_id,
                           0.5 * coalesce(sum(normal_units) FILTER (WHERE list_contains($last7, day)), 0) / greatest($n7, 1)
                         + 0.5 * coalesce(sum(normal_units) FILTER (WHERE list_contains($last28, day)), 0) / greatest($n28, 1) AS blend,
                           coalesce(sum(normal_units) FILTER (WHERE list_contains($last28, day)), 0) AS units28,
                           count(DISTINCT day) FILTER (WHERE list_contains($last28, day) AND normal_units > 0) AS days_sold28,
                           max(day) AS last_sale,
                           coalesce(sum(normal_units) FILTER (WHERE day > $as_of::DATE - INTERVAL 14 DAY), 0) / 14.0 AS rate14
                    FROM {daily} GROUP BY sku_id)
                    SELECT sku_id, least(blend, greatest(units28 / greatest($n28, 1), rate14)) AS rate,
                           units28, days_sold28, last_sale, rate14
                    FROM r""",
                {
                    "last7": last7,
                    "n7": len(last7),
                    "last28": last28,
                    "n28": len(last28),
                    "as_of": self.as_of,
                },
            )
        return name

    def stock(self, *, fresh_days: int | None = None) -> list[dict[str, Any]]:
        """Each SKU's stock position in its latest snapshot on or before ``as_of`` (only snapshots at
        most ``fresh_days`` old, when given), summed over warehouses, with its product facts and
        sales: ``on_hand, reserved, in_transit, available, snap_date, product_id, title, price,
        cost, status, lead_time_days`` (as stored), ``listed_at``, the :meth:`sku_rates` columns
        (0 without sales) and ``cover`` (days of cover; ``None`` when it does not sell). By SKU;
        each call gets its own dicts, read from one query per :class:`Sales`.
        """
        oldest = None if fresh_days is None else self.as_of - dt.timedelta(days=int(fresh_days))
        return [dict(r) for r in self._stock_rows if oldest is None or r["snap_date"] >= oldest]

    @cached_property
    def _stock_rows(self) -> list[dict[str, Any]]:
        """:meth:`stock` of every snapshot, by SKU (queried once)."""
        rate = self.sku_rates()
        rows = self.q.rows(
            f"""WITH snap AS (
                    SELECT sku_id, max(date) AS snap_date FROM inventory WHERE date <= ? GROUP BY sku_id),
                inv AS (
                    SELECT i.sku_id, s.snap_date, sum(i.on_hand) AS on_hand, sum(coalesce(i.reserved, 0)) AS reserved,
                           sum({available("i")}) AS available, sum(coalesce(i.in_transit, 0)) AS in_transit
                    FROM inventory i JOIN snap s ON i.sku_id = s.sku_id AND i.date = s.snap_date GROUP BY ALL)
                SELECT inv.*, p.product_id, p.title, p.price::DOUBLE AS price, p.cost::DOUBLE AS cost, p.status,
                       p.lead_time_days, p.listed_at,
                       coalesce(r.rate, 0) AS rate, coalesce(r.units28, 0) AS units28,
                       coalesce(r.days_sold28, 0) AS days_sold28, r.last_sale, coalesce(r.rate14, 0) AS rate14
                FROM inv JOIN products p USING (sku_id) LEFT JOIN {rate} r USING (sku_id)
                ORDER BY inv.sku_id""",
            [self.as_of],
        )
        for r in rows:
            r["cover"] = days_of_cover(r["available"], r["rate"])
        return rows
