"""delivery_late (store, aggregated): deliveries later than promised to the buyer.

The promise is ``orders.promised_delivery_at`` where the store's data has it, else the payment
plus the shipping promise plus the store's normal transit time (the median of its recent
deliveries) plus a grace. A late order is one delivered after its promise, or one that left the
warehouse and was still not delivered when its promise passed (a parcel that never arrived). The
finding aggregates the store's late orders (the most valuable listed) and says how much worse they
are rated: the share of 1-2★ reviews on late orders against on-time ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import wilson_lower
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.promises import (
    delivery_promise_sql,
    end_of_day,
    has_promised_dates,
)
from shopkeeper.store.complaint_lexicon import BUYER_SIDE
from shopkeeper.store.metrics import delivered_status, not_cancelled, order_gmv
from shopkeeper.store.topic_tags import join_tags


class DeliverySettings(BaseModel):
    """Thresholds of delivery_late."""

    window_days: int = Field(
        30, description="orders whose delivery promise fell in the last this many days are judged…"
    )
    recent_days: int = Field(
        10,
        description="…and, apart, those of the last this many days (a problem that began lately)",
    )
    min_orders: int = Field(
        30, description="shipped orders with a promise in the window needed to judge the store"
    )
    min_late: int = Field(5, description="at least this many late orders")
    max_late_share: float = Field(
        0.08,
        description="normal share of late orders: the Wilson 95 % lower bound of the late share "
        "must exceed it",
    )
    high_late_share: float = Field(0.2, description="a late share from this is high severity")
    min_deliveries: int = Field(
        20,
        description="recent deliveries needed to learn the normal transit (without a promise date)",
    )
    grace_days: float = Field(
        1.0,
        description="without a promise date: tolerance past payment + shipping promise + median transit",
    )
    rating_days: int = Field(
        120,
        description="reviews of orders promised in this many days compare late and on-time ratings",
    )
    min_reviews: int = Field(
        5, description="reviews needed on late and on on-time orders to compare their ratings"
    )
    max_orders: int = Field(
        500, description="late orders listed by id in the evidence, most valuable first"
    )


def _orders_sql(ctx: InspectionContext, promise: str, *, rated: bool = False) -> str:
    """Orders shipped by ``$cutoff`` whose promise fell in the ``$days`` before it: on time, late,
    or undelivered at ``$cutoff``, with their value and worst review (orders whose delivery time is
    unknown — delivered by status only — are left out). ``rated``: only the reviewed orders, with
    their worst review and no value (a join with the reviews per order, not a subquery per order).
    """
    reviews = (
        "(SELECT min(r.rating) FROM reviews r WHERE r.order_id = o.order_id)"
        if ctx.has("reviews")
        else "NULL"
    )
    value = f"coalesce({order_gmv()}, 0)::DOUBLE"
    joined = ""
    if rated:
        reviews, value = "rv.rating", "NULL::DOUBLE"
        joined = "JOIN (SELECT order_id, min(rating) AS rating FROM reviews GROUP BY 1) rv USING (order_id)"
    return f"""WITH o AS (
                SELECT *, {promise} AS promise FROM orders
                WHERE shipped_at <= $cutoff AND {not_cancelled("")}
                  AND created_at >= $cutoff::TIMESTAMPTZ - INTERVAL ($days + 120) DAY)
            SELECT order_id, promise, shipped_at, delivered_at, status, carrier,
                   {value} AS value, {reviews} AS rating,
                   CASE WHEN delivered_at <= $cutoff AND delivered_at <= promise THEN 'on_time'
                        WHEN delivered_at <= $cutoff THEN 'late'
                        WHEN delivered_at IS NULL AND NOT {delivered_status("")} OR delivered_at > $cutoff
                        THEN 'undelivered' END AS outcome,
                   (epoch(least(coalesce(delivered_at, $cutoff), $cutoff)) - epoch(promise)) / 86400.0 AS days_late
            FROM o {joined}
            WHERE promise BETWEEN $cutoff::TIMESTAMPTZ - INTERVAL ($days) DAY AND $cutoff"""


def _failed_orders(
    ctx: InspectionContext, promise: str, cutoff: dt.datetime, days: int, windows: list[int]
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The late and undelivered orders of :func:`_orders_sql` over ``days`` (``in<d>``: whether
    its promise fell in the last ``d`` days of ``windows``), and how many orders each of those
    windows judges (on-time orders are only counted, in SQL).
    """
    judged = ", ".join(
        f"count(*) FILTER (WHERE promise >= $cutoff::TIMESTAMPTZ - INTERVAL ({int(d)}) DAY) AS n{int(d)}"
        for d in windows
    )
    ctx.con.execute(
        f"CREATE OR REPLACE TEMP TABLE judged_orders AS SELECT * FROM ({_orders_sql(ctx, promise)}) "
        "WHERE outcome IS NOT NULL",
        {"cutoff": cutoff, "days": days},
    )
    counts = ctx.rows(f"SELECT {judged} FROM judged_orders", {"cutoff": cutoff})[0]
    within = ", ".join(
        f"promise >= $cutoff::TIMESTAMPTZ - INTERVAL ({int(d)}) DAY AS in{int(d)}" for d in windows
    )
    failed = ctx.rows(  # what the finding reads, and in which windows (no timestamps to convert)
        f"""SELECT order_id, value, carrier, outcome, days_late, {within}
            FROM judged_orders WHERE outcome <> 'on_time'""",
        {"cutoff": cutoff},
    )
    return failed, {d: int(counts[f"n{int(d)}"]) for d in windows}


def _ratings(
    ctx: InspectionContext, s: DeliverySettings, promise: str, cutoff: dt.datetime
) -> dict[str, Any]:
    """1-2★ share of reviews on late (or undelivered) orders against on-time ones (counted in SQL)."""
    if not ctx.has("reviews"):
        return {}
    counts = {
        bool(r["late"]): r
        for r in ctx.rows(
            f"""SELECT outcome <> 'on_time' AS late, count(rating) AS rated,
                       count(*) FILTER (WHERE rating <= 2) AS low
                FROM ({_orders_sql(ctx, promise, rated=True)}) WHERE outcome IS NOT NULL GROUP BY 1""",
            {"cutoff": cutoff, "days": s.rating_days},
        )
    }
    n_late, n_ok = (int(counts[k]["rated"]) if k in counts else 0 for k in (True, False))
    if n_late < s.min_reviews or n_ok < s.min_reviews:
        return {}
    late, ok = (int(counts[k]["low"]) / int(counts[k]["rated"]) for k in (True, False))
    return {
        "low_share_late": round(late, 3),
        "low_share_on_time": round(ok, 3),
        "reviews_late": n_late,
        "reviews_on_time": n_ok,
    }


@dataclass(frozen=True)
class LateDeliveries:
    """The judged orders of the window that failed, and the late ones among them."""

    judged: int
    """Orders the window judges (on time, late or undelivered)."""
    late: list[dict[str, Any]]
    window_days: int
    promise: str
    explained: frozenset[str]
    """Every order late in the longer window: the ratings and stalls the failure explains."""


def late_deliveries(ctx: InspectionContext, s: DeliverySettings) -> LateDeliveries | None:
    """The store's late deliveries when they are a problem (:func:`detect_delivery_late`), else None.

    Of the two windows, the one whose late share is surest (highest Wilson lower bound) is kept.
    Computed once per inspection and settings (three rules weigh it).
    """
    return ctx.shared(("late_deliveries", s.model_dump_json()), lambda: _late_deliveries(ctx, s))


def _late_deliveries(ctx: InspectionContext, s: DeliverySettings) -> LateDeliveries | None:
    cutoff = end_of_day(ctx)
    promise = delivery_promise_sql(
        ctx, cutoff, min_deliveries=s.min_deliveries, grace_days=s.grace_days
    )
    if promise is None:
        return None
    windows = sorted({s.recent_days, s.window_days})
    failed, judged = _failed_orders(ctx, promise, cutoff, s.window_days, windows)
    explained = frozenset(str(r["order_id"]) for r in failed)
    best: tuple[float, LateDeliveries] | None = None
    for days in windows:
        late = [r for r in failed if r[f"in{int(days)}"]]
        if judged[days] < s.min_orders or len(late) < s.min_late:
            continue
        lower = float(wilson_lower(len(late), judged[days]))
        if lower > s.max_late_share and (best is None or lower > best[0]):
            best = (lower, LateDeliveries(judged[days], late, days, promise, explained))
    return best[1] if best else None


DELIVERY_TOPICS = frozenset({"late", "missing"})
"""Complaint topics a late or lost parcel explains (slow delivery; "not received")."""


def reviews_explained(ctx: InspectionContext) -> list[str]:
    """Orders a ``delivery_late`` finding counts as late whose reviews complain of nothing but the
    delivery (none when it does not fire): their low ratings are that finding's.
    """
    if not ctx.has_column("reviews", "order_id"):
        return []
    failed = late_deliveries(ctx, ctx.settings("delivery_late", DeliverySettings))
    if failed is None:
        return []
    other = ctx.rows(  # a 4-5★ review names no complaint worth reading for (the lexicon's
        # topics are complaints), so only the low and middling ones count
        f"""SELECT DISTINCT r.order_id FROM reviews r {join_tags("r.text")}
            WHERE list_contains(?, r.order_id) AND r.rating <= 3
              AND len(list_filter(coalesce(tt.topics, []), lambda k: NOT list_contains(?, k))) > 0""",
        [sorted(failed.explained), sorted(DELIVERY_TOPICS | set(BUYER_SIDE))],
    )
    return sorted(failed.explained - {str(r["order_id"]) for r in other})


def detect_delivery_late(ctx: InspectionContext, s: DeliverySettings) -> list[Finding]:
    """Shipped orders whose delivery promise fell in the last ``window_days`` (and, apart, the last
    ``recent_days``): late when delivered after the promise, or still undelivered when it passed
    (a parcel handed to the carrier that never arrived counts). The promise is
    ``orders.promised_delivery_at`` where the data has it, else payment + the shipping promise
    (``ship_within_hours``, default 48) + the store's median transit time (at least
    ``min_deliveries`` deliveries in the 98 days before) + ``grace_days``. One store finding when,
    in either window, at least ``min_orders`` orders are judged, at least ``min_late`` are late,
    and the Wilson 95 % lower bound of the late share exceeds ``max_late_share`` (the surer window
    is reported); high severity from ``high_late_share``. Evidence: late and undelivered counts,
    the share, the promise source, the late orders (most valuable first), and the 1-2★ share of
    reviews (joined by order) on late against on-time orders of the last ``rating_days`` (when
    each side has ``min_reviews``). Parcels it counts are not reported again as stalled
    (``shipping_delay``). Impact: the value of the late orders.
    """
    found = late_deliveries(ctx, s)
    if found is None:
        return []
    return [_finding(ctx, s, found, _ratings(ctx, s, found.promise, end_of_day(ctx)))]


def _finding(
    ctx: InspectionContext, s: DeliverySettings, found: LateDeliveries, ratings: dict[str, Any]
) -> Finding:
    judged, late, days = (
        found.judged,
        sorted(found.late, key=lambda r: (-r["value"], str(r["order_id"]))),
        found.window_days,
    )
    share = len(late) / judged
    undelivered = sum(1 for r in late if r["outcome"] == "undelivered")
    value = sum(float(r["value"]) for r in late)
    source = "promised_delivery_at" if has_promised_dates(ctx) else "derived"
    title = ctx.text(
        f"近 {days} 天 {share:.0%} 的订单未按承诺送达（{len(late)}/{judged}，其中 {undelivered} 单至今未签收）",
        f"{share:.0%} of orders missed their delivery promise in {days} days "
        f"({len(late)}/{judged}, {undelivered} never delivered)",
    )
    if ratings:
        title += ctx.text(
            f"；延误订单差评率 {ratings['low_share_late']:.0%}，准时订单 {ratings['low_share_on_time']:.0%}",
            f"; 1-2★ reviews {ratings['low_share_late']:.0%} on late orders vs "
            f"{ratings['low_share_on_time']:.0%} on time",
        )
    carriers: dict[str, int] = {}
    for r in late:
        carriers[str(r["carrier"] or "-")] = carriers.get(str(r["carrier"] or "-"), 0) + 1
    evidence = {
        "orders_judged": judged,
        "late_orders": len(late),
        "delivered_late": len(late) - undelivered,
        "undelivered_past_promise": undelivered,
        "late_share": round(share, 3),
        "window_days": days,
        "promise_source": source,
        "late_by_carrier": dict(sorted(carriers.items(), key=lambda kv: -kv[1])[:5]),
        "order_value": round(value, 2),
        "order_ids": [str(r["order_id"]) for r in late[: s.max_orders]],
        **ratings,
    }
    return Finding.make(
        kind="delivery_late",
        as_of=ctx.as_of,
        severity="high" if share >= s.high_late_share else "medium",
        entity=ctx.store_entity,
        title=title,
        evidence=evidence,
        impact=Impact(metric="order_value", value=round(value, 2)),
        recommendation=ctx.text(
            "逐单向快递查询未签收包裹，丢件立即补发或退款并主动告知买家；与延误最多的快递复盘或更换，"
            "并把页面上的预计送达时间改成实际能做到的",
            "Trace every undelivered parcel with the carrier, reship or refund lost ones and tell the "
            "buyers first; review or replace the carrier with the most delays, and promise delivery "
            "dates you actually meet",
        ),
        actions=[
            Action(type="contact_buyer", params={"order_id": oid, "reason": "delivery_late"})
            for oid in evidence["order_ids"][:10]
        ],
    )


RULES = (
    Rule(
        "delivery_late",
        (),
        DeliverySettings,
        detect_delivery_late,
        minimums=(
            Minimum("min_orders", "shipped orders whose promise fell in the window judged"),
            Minimum("min_late", "late or undelivered orders among them"),
        ),
    ),
)
