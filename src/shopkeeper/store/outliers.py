"""Outlier orders: one order so large against the store's normal that it distorts the figures.

One definition for the inspection (``outlier_order``) and the reports (movers leave them out):
an order is an outlier when its value (or its units) is at least ``multiple`` × the median order
**and** above a robust bound — ``exp(median + z × 1.4826 × MAD)`` of the log values of the store's
paid orders of the ``history_days`` up to the last day judged (medians and MADs barely move
for the outliers among them) — **and** it makes at least ``min_share`` of the
store's GMV (or units) of the 7 days ending on its day. Order values are log-normal-ish, so the
bound is taken on logs; the share keeps a store of bulk buyers from flagging every bulk order.
A store needs ``min_orders`` paid orders in that history before anything is an outlier.

An order too small to move the store can still be a **bulk line** for one SKU (a customer's
1,404 units of a SKU that sells a few a day): a line whose units are at least ``multiple`` × the
SKU's median line **and** above ``exp(median + z × 1.4826 × MAD)`` of the log units of the SKU's
lines in the span judged (at least ``min_lines`` of them), **and** that make at least
``min_share`` of the SKU's units of the ``share_days`` ending on its day. The SKU's daily sales
rate leaves out both (:mod:`shopkeeper.store.sales`); a wholesale SKU whose every line is big has
a big median and no bulk line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from shopkeeper.store.memo import connection_memo, import_key
from shopkeeper.store.metrics import line_gmv, order_gmv, paid
from shopkeeper.store.query import Query


@dataclass(frozen=True)
class OutlierRule:
    """The thresholds of an outlier order (documented in the module docstring)."""

    z: float = 5.0
    multiple: float = 20.0
    min_share: float = 0.1
    min_orders: int = 200
    history_days: int = 365


DEFAULT = OutlierRule()


def _order_values(end: dt.date, days: int) -> str:
    first = end - dt.timedelta(days=int(days) + 7)  # local midnights: DuckDB skips older row groups
    return f"""SELECT o.order_id, o.customer_id, o.created_at, local_day(o.created_at) AS day,
                      coalesce({order_gmv("o", "l.value")}, 0)::DOUBLE AS value, l.units
               FROM orders o JOIN (SELECT order_id, sum(quantity) AS units,
                                          sum({line_gmv("")}) AS value
                                   FROM order_items GROUP BY 1) l USING (order_id)
               WHERE {paid()} AND o.created_at >= '{first} 00:00:00'::TIMESTAMPTZ
                     AND o.created_at < '{end + dt.timedelta(days=1)} 00:00:00'::TIMESTAMPTZ"""


def outlier_orders(
    q: Query, start: dt.date, end: dt.date, rule: OutlierRule = DEFAULT
) -> list[dict[str, Any]]:
    """The outlier orders placed from ``start`` to ``end`` (store days), largest first: each with
    ``order_id, customer_id, created_at, day, value, units``, the store's median order
    (``median_value, median_units``), the bounds it broke, and its share of the 7 days' GMV and
    units (``week_gmv, week_units, gmv_share, units_share``).

    Whether an order is an outlier depends on its own day, the history up to ``end`` and its
    week, not on ``start``: so the answer is kept per connection, import, ``end`` and rule, and a
    later question with a later ``start`` (the report's movers after the inspection's year) is
    the kept answer's orders from ``start`` on, not another scan of the year.
    """
    memo, key, name = connection_memo(q.con), import_key(q.con), ("outlier_orders", end, rule)
    known = cast("tuple[dt.date, list[dict[str, Any]]] | None", memo.peek(name, key))
    if known is None or start < known[0]:
        known = (start, _outlier_rows(q, start, end, rule))
        memo.put(name, key, known)
    return [dict(r) for r in known[1] if r["day"] >= start]


def _outlier_rows(
    q: Query, start: dt.date, end: dt.date, rule: OutlierRule
) -> list[dict[str, Any]]:
    rows = q.rows(
        f"""WITH v AS MATERIALIZED ({_order_values(end, rule.history_days + (end - start).days)}),
            h AS (SELECT median(value) AS mv, median(units) AS mu, count(*) AS n,
                         median(ln(value)) + $z * 1.4826 * coalesce(mad(ln(value)), 0) AS lv,
                         median(ln(units)) + $z * 1.4826 * coalesce(mad(ln(units)), 0) AS lu
                  FROM v WHERE value > 0 AND units > 0 AND day > $end::DATE - INTERVAL ($days) DAY),
            c AS (SELECT v.*, h.mv AS median_value, h.mu AS median_units,
                         greatest($multiple * h.mv, exp(h.lv)) AS value_bound,
                         greatest($multiple * h.mu, exp(h.lu)) AS units_bound
                  FROM v, h WHERE h.n >= $min_orders AND v.day BETWEEN $start AND $end),
            big AS (SELECT * FROM c WHERE value >= value_bound OR units >= units_bound),
            wk AS (SELECT b.order_id, sum(v.value) AS week_gmv, sum(v.units) AS week_units
                   FROM big b JOIN v ON v.day BETWEEN b.day - INTERVAL 6 DAY AND b.day GROUP BY 1)
            SELECT big.*, wk.week_gmv, wk.week_units, big.value / nullif(wk.week_gmv, 0) AS gmv_share,
                   big.units / nullif(wk.week_units, 0) AS units_share
            FROM big JOIN wk USING (order_id)
            WHERE (value >= value_bound AND value / nullif(week_gmv, 0) >= $share)
               OR (units >= units_bound AND units / nullif(week_units, 0) >= $share)
            ORDER BY value DESC, order_id""",
        {
            "z": rule.z,
            "multiple": rule.multiple,
            "share": rule.min_share,
            "min_orders": rule.min_orders,
            "days": rule.history_days,
            "start": start,
            "end": end,
        },
    )
    return rows


def outlier_order_ids(q: Query, start: dt.date, end: dt.date) -> list[str]:
    """Ids of the outlier orders placed from ``start`` to ``end`` (default thresholds)."""
    return [str(r["order_id"]) for r in outlier_orders(q, start, end)]


def is_outlier(order_ids: list[str], column: str = "o.order_id") -> str:
    """SQL condition: ``column`` is one of ``order_ids`` (the outlier orders of a period, from
    :func:`outlier_order_ids`; ``FALSE`` when there is none). Rankings filter on it, so that one
    bulk order does not make a best-seller.

    >>> is_outlier(["A1", "O'2"]), is_outlier([])
    ("o.order_id IN ('A1', 'O''2')", 'FALSE')
    """
    if not order_ids:
        return "FALSE"
    quoted = ", ".join("'" + oid.replace("'", "''") + "'" for oid in order_ids)
    return f"{column} IN ({quoted})"


@dataclass(frozen=True)
class BulkLineRule:
    """The thresholds of a bulk line (documented in the module docstring)."""

    z: float = 5.0
    multiple: float = 20.0
    min_share: float = 0.5
    min_lines: int = 10
    share_days: int = 28


BULK = BulkLineRule()


def flag_bulk_lines(lines: str, rule: BulkLineRule = BULK) -> str:
    """SQL: the rows of the query ``lines`` (one per order line, with at least ``sku_id``, ``day``
    and ``quantity``, over the span judged; read once) with a boolean column ``bulk`` added:
    whether the line is a bulk line for its SKU (the module's definition).
    """
    return f"""WITH l AS MATERIALIZED ({lines}),
               s AS (SELECT sku_id, count(*) AS n, median(quantity) AS mq,
                            median(ln(quantity)) + {float(rule.z)} * 1.4826 * coalesce(mad(ln(quantity)), 0) AS lq
                     FROM l WHERE quantity > 0 GROUP BY sku_id),
               w AS (SELECT sku_id, day, sum(sum(quantity)) OVER (
                            PARTITION BY sku_id ORDER BY day
                            RANGE BETWEEN INTERVAL {int(rule.share_days) - 1} DAY PRECEDING AND CURRENT ROW) AS near
                     FROM l GROUP BY sku_id, day)
               SELECT l.*, coalesce(s.n >= {int(rule.min_lines)}
                                    AND l.quantity >= greatest({float(rule.multiple)} * s.mq, exp(s.lq))
                                    AND l.quantity >= {float(rule.min_share)} * w.near, FALSE) AS bulk
               FROM l LEFT JOIN s USING (sku_id) LEFT JOIN w USING (sku_id, day)"""
