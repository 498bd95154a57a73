"""cancellation_spike (store): cancelled or closed orders clearly above the store's normal share,
or persistently high.

A cancellation is an order placed and then ``cancelled``, or ``closed`` after it was paid (an
unpaid order that closes is an abandoned checkout, not a cancellation). Its share is of the orders
placed in the window that were paid or cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.rates import rise
from shopkeeper.store.metrics import available, paid, valued_orders
from shopkeeper.store.topic_tags import tagged_topics

CANCELLED = "(o.status = 'cancelled' OR (o.status = 'closed' AND o.paid_at IS NOT NULL))"
"""An order cancelled by either side (an unpaid order that closed is not one)."""
WINDOW = "o.created_at >= $lo::TIMESTAMPTZ AND o.created_at < $hi::TIMESTAMPTZ"
"""Orders placed in the window whose bounds ``$lo``, ``$hi`` bind (see ``ctx.window_params``)."""


class CancellationSettings(BaseModel):
    """Thresholds of cancellation_spike."""

    window_days: int = Field(28, description="recent: orders placed in the last this many days…")
    recent_days: int = Field(
        10, description="…or, for a spike only, in the last this many days (one that began lately)"
    )
    baseline_days: int = Field(
        84, description="normal share: orders placed in this many days before the window"
    )
    min_orders: int = Field(30, description="orders placed in the window needed to judge")
    min_cancelled: int = Field(5, description="at least this many cancelled orders in the window")
    min_ratio: float = Field(2.0, description="a spike: share at least this multiple of normal…")
    min_excess: float = Field(4.0, description="…and this many more than the normal share predicts")
    alpha: float = Field(0.001, description="chance that noise alone makes a normal store spike")
    high_share: float = Field(
        0.1, description="a share at least this high is persistently high, whatever the baseline"
    )
    prior_weight: float = Field(
        200.0, description="pseudo-orders at the baseline share (floor 1 %) added to the baseline"
    )


def _counts(ctx: InspectionContext, s: CancellationSettings, days: int) -> dict[str, Any]:
    start = ctx.as_of - dt.timedelta(days=days - 1)
    lo, hi = ctx.window_params(days + s.baseline_days)
    return ctx.rows(
        f"""SELECT count(*) FILTER (WHERE recent) AS n, count(*) FILTER (WHERE recent AND c) AS k,
                   count(*) FILTER (WHERE NOT recent) AS nb, count(*) FILTER (WHERE NOT recent AND c) AS kb,
                   coalesce(sum(value) FILTER (WHERE recent AND c), 0)::DOUBLE AS value,
                   coalesce(sum(value) FILTER (WHERE recent AND NOT c), 0)::DOUBLE AS kept
            FROM (SELECT local_day(o.created_at) >= $start AS recent, {CANCELLED} AS c,
                         coalesce(o.gmv, 0) AS value
                  FROM {valued_orders(f"{WINDOW} AND ({paid()} OR {CANCELLED})")} o)""",
        {"start": start, "lo": lo, "hi": hi},
    )[0]


def _reasons(ctx: InspectionContext, days: int) -> dict[str, Any]:
    """Why: statuses, the buyers' stated reasons (refunds of cancelled orders), the listings most
    cancelled, and how many cancelled SKUs are out of stock now.
    """
    params = {"start": ctx.as_of - dt.timedelta(days=days - 1), "as_of": ctx.as_of}
    where = f"local_day(o.created_at) BETWEEN $start AND $as_of AND {CANCELLED}"
    status = ctx.rows(
        f"SELECT o.status, count(*) AS n FROM orders o WHERE {where} GROUP BY 1", params
    )
    listings = ctx.rows(
        f"""SELECT p.product_id, any_value(p.title) AS title, count(DISTINCT o.order_id) AS n
            FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
            WHERE {where} GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5""",
        params,
    )
    out: dict[str, Any] = {
        "by_status": {str(r["status"]): int(r["n"]) for r in status},
        "top_listings": [
            {"product_id": str(r["product_id"]), "title": r["title"], "cancelled": int(r["n"])}
            for r in listings
        ],
    }
    if ctx.has("refunds"):
        texts = ctx.rows(
            f"""SELECT r.reason FROM refunds r JOIN orders o USING (order_id)
                WHERE {where} AND r.reason IS NOT NULL""",
            params,
        )
        said = Counter(str(r["reason"]).strip() for r in texts if str(r["reason"]).strip())
        read = tagged_topics(ctx, [str(r["reason"]) for r in texts])
        topics = Counter(t.label(ctx.lang) for found in read for t in found)
        out["reasons"] = dict(said.most_common(5))
        out["reason_topics"] = dict(topics.most_common(5))
    if ctx.has("inventory"):
        out["cancelled_skus_out_of_stock"] = int(
            ctx.scalar(
                f"""WITH snap AS (SELECT sku_id, max(date) AS d FROM inventory WHERE date <= $as_of GROUP BY 1),
                        stock AS (SELECT i.sku_id, sum({available("i")}) AS free FROM inventory i
                                  JOIN snap ON snap.sku_id = i.sku_id AND snap.d = i.date GROUP BY 1)
                    SELECT count(DISTINCT i.sku_id) FROM orders o JOIN order_items i USING (order_id)
                    JOIN stock USING (sku_id) WHERE {where} AND stock.free <= 0""",
                params,
            )
            or 0
        )
    return out


def detect_cancellation_spike(ctx: InspectionContext, s: CancellationSettings) -> list[Finding]:
    """The store's share of cancelled orders (cancelled, or closed after payment) among the orders
    placed in the last ``window_days`` or the last ``recent_days`` (at least ``min_orders`` of them
    and ``min_cancelled`` cancelled) is either a spike — clearly above its normal share over the
    ``baseline_days`` before the window (a Beta belief worth ``prior_weight`` pseudo-orders at that
    share, never under 1 %; Wilson 99 %, ≥ ``min_ratio`` × normal, ≥ ``min_excess`` more than
    expected, beta-binomial tail under ``alpha`` / 2 windows) — or persistently high: at least
    ``high_share`` over ``window_days`` whatever the baseline.
    Evidence: counts, shares, statuses, the listings most cancelled, the stated reasons (refunds of
    the cancelled orders, grouped into complaint topics) and how many cancelled SKUs are out of
    stock now. High severity when the share is at least ``high_share`` and doubled or more.
    Impact: the value of the cancelled orders.
    """
    for days in (s.window_days, s.recent_days):
        c = _counts(ctx, s, days)
        n, k, nb, kb = int(c["n"]), int(c["k"]), int(c["nb"]), int(c["kb"])
        if n < s.min_orders or k < s.min_cancelled:
            continue
        normal = kb / nb if nb else 0.0
        flags, expected = rise(
            [k],
            [n],
            [kb],
            [nb],
            max(normal, 0.01),
            prior_weight=s.prior_weight,
            min_count=s.min_cancelled,
            min_ratio=s.min_ratio,
            min_excess=s.min_excess,
            tests=2,
            alpha=s.alpha,
        )
        high = days == s.window_days and k / n >= s.high_share
        if flags[0] or high:
            return [_finding(ctx, s, c, normal, expected[0], days=days, spike=flags[0])]
    return []


def _finding(
    ctx: InspectionContext,
    s: CancellationSettings,
    c: dict[str, Any],
    normal: float,
    expected: float,
    *,
    days: int,
    spike: bool,
) -> Finding:
    n, k = int(c["n"]), int(c["k"])
    share = k / n
    why = _reasons(ctx, days)
    value = round(float(c["value"]), 2)
    title = ctx.text(
        f"近 {days} 天 {share:.0%} 的订单被取消（{k}/{n}，平时 {normal:.1%}），涉及 {ctx.money(value)}",
        f"{share:.0%} of orders cancelled in {days} days ({k}/{n}, normally {normal:.1%}), "
        f"worth {ctx.money(value)}",
    )
    stockouts = why.get("cancelled_skus_out_of_stock", 0)
    advice = ctx.text(
        "逐单查看取消原因：缺货的立即补货或下架，并同步库存避免超卖；"
        "发货慢或描述不符导致的，先修正发货时效和详情页；联系仍有意向的买家挽回",
        "Go through the cancellation reasons: restock or delist what is out of stock and sync stock "
        "so you stop overselling; fix slow dispatch or misleading listings; win back buyers who "
        "still want the item",
    )
    return Finding.make(
        kind="cancellation_spike",
        as_of=ctx.as_of,
        severity="high" if share >= s.high_share and share >= 2 * normal else "medium",
        entity=ctx.store_entity,
        title=title,
        evidence={
            "orders": n,
            "cancelled": k,
            "cancelled_share": round(share, 4),
            "orders_before": int(c["nb"]),
            "cancelled_before": int(c["kb"]),
            "cancelled_share_before": round(normal, 4),
            "cancelled_expected": round(expected, 1),
            "window_days": days,
            "trigger": "spike" if spike else "persistently_high",
            "cancelled_value": value,
            "cancelled_skus_out_of_stock": stockouts,
            **why,
        },
        impact=Impact(metric="gmv_lost", value=value),
        recommendation=advice,
    )


RULES = (
    Rule(
        "cancellation_spike",
        (),
        CancellationSettings,
        detect_cancellation_spike,
        minimums=(
            Minimum("min_orders", "orders placed in the window judged"),
            Minimum("min_cancelled", "cancelled orders among them"),
        ),
    ),
)
