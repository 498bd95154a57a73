"""refund_spike (sku): after-sale cases clearly above a SKU's normal rate, with the top reasons.

Cases are counted by the day they were opened; the orders they are set against are weighted by
when their cases are expected to open, learned from the store's own older orders
(:func:`_maturity`), so a promotion's orders meet the refunds that follow it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import accumulate
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Entity, Finding, Impact
from shopkeeper.inspection.rules.rates import category_rates, rise
from shopkeeper.store.complaint_lexicon import BY_KEY, TOPICS
from shopkeeper.store.metrics import presale_paid, shipped
from shopkeeper.store.topic_tags import tagged_topics


class RefundSettings(BaseModel):
    """Thresholds of refund_spike."""

    window_days: int = Field(
        10, description="recent: after-sale cases opened in the last this many days"
    )
    baseline_days: int = Field(
        56, description="normal rate: cases opened in this many days before the window"
    )
    max_age_days: int = Field(
        30, description="cases opened within this many days of the order are counted"
    )
    min_refunds: int = Field(4, description="at least this many recent cases")
    min_excess: float = Field(3.0, description="…and this many more than the normal rate predicts")
    min_ratio: float = Field(2.0, description="recent rate at least this multiple of normal")
    prior_weight: float = Field(
        30.0, description="pseudo-orders at the store's normal rate added to a SKU's history"
    )
    alpha: float = Field(
        0.002, description="chance per inspection that noise alone makes a SKU fire"
    )


def _refund_cases(ctx: InspectionContext, first: dt.date, max_age: int) -> None:
    """Temp table ``refund_cases(sku_id, order_id, day, order_day, age, amount, reason)``: after-sale
    cases of shipped orders opened from ``first`` to ``as_of`` within ``max_age`` days of payment;
    one row per SKU concerned (a case without a SKU concerns every SKU of its order).
    """
    paid = "local_day(coalesce(o.paid_at, o.created_at))"
    age = f"date_diff('day', {paid}, local_day(r.created_at))"
    where = f"""{shipped()} AND o.created_at >= $first::DATE - INTERVAL ($max_age + 60) DAY
                AND local_day(r.created_at) BETWEEN $first AND $as_of AND {age} <= $max_age"""
    cols = f"r.order_id, local_day(r.created_at) AS day, {paid} AS order_day, {age} AS age, r.amount, r.reason"
    ctx.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE refund_cases AS
            SELECT r.sku_id, {cols} FROM refunds r JOIN orders o USING (order_id) WHERE r.sku_id IS NOT NULL AND {where}
            UNION ALL
            SELECT i.sku_id, {cols} FROM refunds r JOIN orders o USING (order_id) JOIN order_items i USING (order_id)
            WHERE r.sku_id IS NULL AND {where}""",
        {"first": first, "as_of": ctx.as_of, "max_age": max_age},
    )


def _maturity(ctx: InspectionContext, s: RefundSettings) -> list[float]:
    """``F[a]``: the share of an order's after-sale cases (within ``max_age_days``) opened by the
    time it is ``a`` days old, learned from the store's cases of orders old enough to be complete.
    """
    rows = ctx.rows(
        "SELECT age, count(*) AS n FROM refund_cases WHERE order_day <= ?::DATE - INTERVAL (?) DAY GROUP BY age",
        [ctx.as_of, s.max_age_days],
    )
    counts = [0] * (s.max_age_days + 1)
    for r in rows:
        counts[min(max(int(r["age"]), 0), s.max_age_days)] += int(r["n"])
    total = sum(counts)
    if total < 20:  # too few cases to learn from: assume they arrive evenly over two weeks
        return [min(1.0, (a + 1) / 14) for a in range(s.max_age_days + 1)]
    return [x / total for x in accumulate(counts)]


def _opened(day_diff: str) -> str:
    """SQL: F at an age (0 before the order, 1 after ``max_age``)."""
    return f"(CASE WHEN {day_diff} < 0 THEN 0.0 WHEN {day_diff} > $max_age THEN 1.0 ELSE $w[{day_diff} + 1] END)"


def _paid_orders(ctx: InspectionContext, first: dt.date) -> str:
    """SQL: ``(sku_id, day, orders)``, paid orders per SKU per day of payment from ``first`` on: the
    shared daily sales (by order day), with presale orders moved from their deposit day to the day
    of their final payment.
    """
    daily = f"SELECT sku_id, day, orders FROM {ctx.sku_daily()} WHERE day >= '{first.isoformat()}'::DATE"
    presale = ctx.scalar(
        "SELECT count(*) FROM orders WHERE presale_deposit > 0 AND paid_at IS NOT NULL AND created_at >= ?::DATE",
        [first - dt.timedelta(days=60)],
    )
    if not presale:
        return daily
    moved = f"""SELECT i.sku_id, local_day(o.created_at) AS created, local_day(o.paid_at) AS paid,
                       count(DISTINCT o.order_id) AS n
                FROM orders o JOIN order_items i USING (order_id)
                WHERE {presale_paid()}
                  AND o.created_at >= '{(first - dt.timedelta(days=60)).isoformat()}'::DATE GROUP BY ALL"""
    return f"""{daily} UNION ALL SELECT sku_id, created, -n FROM ({moved}) WHERE created >= '{first.isoformat()}'::DATE
               UNION ALL SELECT sku_id, paid, n FROM ({moved}) WHERE paid >= '{first.isoformat()}'::DATE"""


def _refund_rates(ctx: InspectionContext, s: RefundSettings) -> list[dict[str, Any]]:
    """Per SKU: after-sale cases opened in each window, and the orders exposed to each window —
    every order counts by the share of its cases expected to open within the window.
    """
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    first = start - dt.timedelta(days=s.baseline_days)
    _refund_cases(ctx, first, s.max_age_days)
    end_f, start_f, first_f = (
        _opened(f"date_diff('day', day, ${d})") for d in ("as_of", "before_start", "before_first")
    )
    return ctx.rows(
        f"""WITH paid AS ({_paid_orders(ctx, first - dt.timedelta(days=s.max_age_days))}),
            exposure AS (
                SELECT sku_id, sum(orders * ({end_f} - {start_f})) AS orders, sum(orders * ({start_f} - {first_f})) AS orders_base
                FROM paid GROUP BY sku_id),
            counted AS (
                SELECT sku_id, count(DISTINCT order_id) FILTER (WHERE day >= $start) AS refunds,
                       count(DISTINCT order_id) FILTER (WHERE day < $start) AS refunds_base,
                       coalesce(sum(amount) FILTER (WHERE day >= $start), 0)::DOUBLE AS amount
                FROM refund_cases GROUP BY sku_id)
            SELECT e.sku_id, p.product_id, p.title, p.category, coalesce(e.orders, 0) AS orders, coalesce(e.orders_base, 0) AS orders_base,
                   coalesce(c.refunds, 0) AS refunds, coalesce(c.refunds_base, 0) AS refunds_base,
                   coalesce(c.amount, 0) AS amount
            FROM exposure e JOIN products p USING (sku_id) LEFT JOIN counted c USING (sku_id)
            ORDER BY e.sku_id""",
        {
            "w": _maturity(ctx, s),
            "as_of": ctx.as_of,
            "max_age": s.max_age_days,
            "start": start,
            "before_start": start - dt.timedelta(days=1),
            "before_first": first - dt.timedelta(days=1),
        },
    )


def _reasons(ctx: InspectionContext, sku: str, start: dt.date) -> list[tuple[str, int]]:
    """Recent after-sale reasons of a SKU, normalised into topics, most frequent first."""
    rows = ctx.rows(
        """SELECT coalesce(nullif(trim(reason), ''), '?') AS reason, count(DISTINCT order_id) AS n
           FROM refund_cases WHERE sku_id = ? AND day >= ? GROUP BY 1""",
        [sku, start],
    )
    counts: Counter[str] = Counter()
    for r, found in zip(rows, tagged_topics(ctx, [r["reason"] for r in rows]), strict=True):
        counts[found[0].label(ctx.lang) if found else r["reason"]] += int(r["n"])
    return counts.most_common()


def _reason_topics(ctx: InspectionContext, s: RefundSettings) -> list[dict[str, Any]]:
    """Per SKU and complaint topic of the stated reasons: cases recent and normal."""
    mapping: dict[str, str] = {}
    reasons = ctx.rows(
        "SELECT reason, count(*) AS n FROM refund_cases WHERE reason IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 500"
    )
    for r, found in zip(reasons, tagged_topics(ctx, [r["reason"] for r in reasons]), strict=True):
        if found and not any(t.buyer_side for t in found):
            mapping[r["reason"]] = found[0].key
    if not mapping:
        return []
    return ctx.rows(
        """WITH m AS (SELECT unnest(?::VARCHAR[]) AS reason, unnest(?::VARCHAR[]) AS topic)
           SELECT c.sku_id, m.topic, count(DISTINCT c.order_id) FILTER (WHERE c.day >= ?) AS k,
                  count(DISTINCT c.order_id) FILTER (WHERE c.day < ?) AS k_base
           FROM refund_cases c JOIN m USING (reason) GROUP BY ALL ORDER BY ALL""",
        [
            list(mapping),
            list(mapping.values()),
            *[ctx.as_of - dt.timedelta(days=s.window_days - 1)] * 2,
        ],
    )


def detect_refund_spike(ctx: InspectionContext, s: RefundSettings) -> list[Finding]:
    """A SKU whose after-sale cases (refunds, returns, exchanges, reships of shipped orders;
    cancellations before shipping are not counted) opened in the last ``window_days`` clearly
    exceed its normal rate over the ``baseline_days`` before: Wilson 99 %, ≥ ``min_ratio`` ×
    normal, ≥ ``min_refunds`` cases and ≥ ``min_excess`` more than the normal rate predicts —
    either all its cases, or the cases of one stated reason (normalised into complaint topics:
    发错货 / wrong item, 破损 / damaged...; buyer's-choice reasons are not a topic). The
    rate is per order exposed: each order counts by the share of its cases expected to open within
    the window, learned from when the store's older orders opened theirs (``max_age_days``), so the
    refunds that follow a big promotion are set against that promotion's orders. The buyers' stated
    reasons are grouped into topics. Impact: the refunded amount of the window.
    """
    rows = _refund_rates(ctx, s)
    if not rows:
        return []
    by_sku = {r["sku_id"]: r for r in rows}
    base_orders = max(sum(r["orders_base"] for r in rows), 1)
    skus = sum(1 for r in rows if r["orders"] > 0)
    groups: dict[str, list[float]] = {}
    for r in rows:
        g = groups.setdefault(str(r["category"]), [0.0, 0.0])
        g[0], g[1] = g[0] + r["refunds_base"], g[1] + r["orders_base"]
    prior = category_rates(groups, sum(r["refunds_base"] for r in rows) / base_orders)

    def test(
        k: list[int], of: list[dict[str, Any]], kb: list[int], rate: list[float], tests: int
    ) -> tuple[list[bool], list[float]]:
        return rise(
            k,
            [r["orders"] for r in of],
            kb,
            [r["orders_base"] for r in of],
            rate,
            prior_weight=s.prior_weight,
            min_count=s.min_refunds,
            min_ratio=s.min_ratio,
            min_excess=s.min_excess,
            tests=tests,
            alpha=s.alpha,
        )

    flags, expected = test(
        [r["refunds"] for r in rows],
        rows,
        [r["refunds_base"] for r in rows],
        [prior[str(r["category"])] for r in rows],
        skus,
    )
    flagged: dict[str, tuple[float, dict[str, Any] | None]] = {
        r["sku_id"]: (e, None) for r, f, e in zip(rows, flags, expected, strict=True) if f
    }
    topics = [t for t in _reason_topics(ctx, s) if t["sku_id"] in by_sku]
    topic_base: Counter[str] = Counter()
    for t in topics:
        topic_base[t["topic"]] += t["k_base"]
    of = [by_sku[t["sku_id"]] for t in topics]
    t_flags, t_expected = test(
        [t["k"] for t in topics],
        of,
        [t["k_base"] for t in topics],
        [topic_base[t["topic"]] / base_orders for t in topics],
        skus * len(TOPICS),
    )
    for t, f, e in sorted(zip(topics, t_flags, t_expected, strict=True), key=lambda x: -x[0]["k"]):
        if f and t["sku_id"] not in flagged:
            flagged[t["sku_id"]] = (e, t)
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    return [
        _refund_finding(ctx, s, by_sku[sku], e, t, _reasons(ctx, sku, start))
        for sku, (e, t) in sorted(flagged.items())
    ]


def _refund_finding(
    ctx: InspectionContext,
    s: RefundSettings,
    r: dict[str, Any],
    expected: float,
    topic: dict[str, Any] | None,
    reasons: list[tuple[str, int]],
) -> Finding:
    matured = max(float(r["orders"]), float(r["refunds"]), 1.0)
    now, normal = r["refunds"] / matured, r["refunds_base"] / max(float(r["orders_base"]), 1.0)
    total = sum(n for _, n in reasons) or 1
    top = (
        BY_KEY[topic["topic"]].label(ctx.lang)
        if topic
        else reasons[0][0]
        if reasons
        else ctx.text("未填写", "not given")
    )
    return Finding.make(
        kind="refund_spike",
        as_of=ctx.as_of,
        severity="high" if now >= 3 * max(normal, 0.02) and r["refunds"] >= 8 else "medium",
        entity=Entity(type="sku", id=str(r["sku_id"]), name=r["title"]),
        title=ctx.text(
            f"售后率升至 {now:.0%}（平时 {normal:.0%}），主要原因「{top}」",
            f"After-sale rate up to {now:.0%} (normally {normal:.0%}), mostly '{top}'",
        ),
        evidence={
            "product_id": r["product_id"],
            "refunds_recent": int(r["refunds"]),
            "orders_exposed_recent": round(matured, 1),
            "refund_rate_recent": round(now, 3),
            "orders_exposed_before": round(float(r["orders_base"]), 1),
            "refund_rate_before": round(normal, 3),
            "refunds_before": int(r["refunds_base"]),
            "refunds_expected": round(expected, 1),
            "window_days": s.window_days,
            **(
                {
                    "spiking_reason": top,
                    "spiking_reason_cases": int(topic["k"]),
                    "spiking_reason_cases_before": int(topic["k_base"]),
                }
                if topic
                else {}
            ),
            "top_reasons": [
                {"reason": name, "cases": n, "share": round(n / total, 2)}
                for name, n in reasons[:3]
            ],
            "refund_amount_recent": round(float(r["amount"]), 2),
        },
        impact=Impact(metric="refund_amount", value=round(float(r["amount"]), 2)),
        recommendation=ctx.text(
            f"核查「{top}」：抽检库存批次与拣货/包装环节，修正后在详情页和客服话术中说明；对已售后的买家主动致歉补偿",
            f"Look into '{top}': check the stock batch and picking/packing, fix it, tell buyers on the listing "
            "and in service replies, and make it right with the buyers who already complained",
        ),
    )
