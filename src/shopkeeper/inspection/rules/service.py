"""After-sale service: negative_reviews (product) and refund_spike (sku).

Both compare a listing's (or SKU's) recent share of bad outcomes with its own normal share over
the weeks before, with the Wilson score interval at 99 %: the whole recent interval must lie above
the normal interval, the recent share must be a clear multiple of normal, and there must be a
minimum number of bad outcomes, so a listing with three reviews cannot "spike". A thin history is
shrunk toward the store's own normal share (``prior_weight`` pseudo-observations), so a listing
without a single low rating in its few past reviews is not held to a normal of zero. Only the few
texts of flagged listings are read for topics (:mod:`.complaints`, jieba for Chinese).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import Z_99, rate_rose
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Rule
from shopkeeper.inspection.rules.complaints import (
    BY_KEY,
    TOPICS,
    complaint_pattern,
    hit_vocabulary,
    topics_of,
)


class ReviewSettings(BaseModel):
    """Thresholds of negative_reviews."""

    window_days: int = Field(
        7, description="recent reviews: those written in the last this many days"
    )
    baseline_days: int = Field(
        84, description="normal share: reviews of this many days before the window"
    )
    min_low: int = Field(3, description="at least this many recent 1-2★ (or complaining) reviews")
    min_ratio: float = Field(2.0, description="recent share at least this multiple of normal")
    min_excess: float = Field(
        2.0, description="…and this many more low reviews than the normal share predicts"
    )
    prior_weight: float = Field(
        30.0, description="pseudo-reviews at the store's normal share added to a listing's history"
    )
    alpha: float = Field(
        0.01, description="chance per inspection that noise alone makes a listing fire"
    )
    examples: int = Field(3, description="example snippets quoted in the evidence")


def _review_counts(
    ctx: InspectionContext, s: ReviewSettings
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per listing: reviews and 1-2★ reviews, recent and normal; per listing and complaint topic:
    reviews mentioning the topic, recent and normal (one regex pass; negated mentions removed).
    """
    negated, complaint = complaint_pattern()
    words, keys = hit_vocabulary()
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    ctx.con.execute(
        """CREATE OR REPLACE TEMP TABLE review_hits AS
           SELECT coalesce(r.product_id, p.product_id) AS product_id, c.category, r.review_id, r.rating <= 2 AS low,
                  CAST(r.created_at AS DATE) >= ? AS recent,
                  CASE WHEN r.rating <= 3 THEN regexp_extract_all(regexp_replace(lower(coalesce(r.text, '')), ?, '', 'g'), ?)
                       ELSE [] END AS hits
           FROM reviews r LEFT JOIN products p USING (sku_id)
                LEFT JOIN (SELECT product_id, any_value(category) AS category FROM products GROUP BY 1) c
                       ON c.product_id = coalesce(r.product_id, p.product_id)
           WHERE CAST(r.created_at AS DATE) BETWEEN ? AND ? AND coalesce(r.product_id, p.product_id) IS NOT NULL""",
        [start, negated, complaint, start - dt.timedelta(days=s.baseline_days), ctx.as_of],
    )
    totals = ctx.rows(
        """SELECT product_id, any_value(category) AS category, count(*) FILTER (WHERE recent) AS n,
                  count(*) FILTER (WHERE recent AND low) AS low,
                  count(*) FILTER (WHERE NOT recent) AS n_base, count(*) FILTER (WHERE NOT recent AND low) AS low_base
           FROM review_hits GROUP BY product_id ORDER BY product_id"""
    )
    topics = ctx.rows(
        """WITH vocab AS (SELECT unnest(?::VARCHAR[]) AS hit, unnest(?::VARCHAR[]) AS topic),
                h AS (SELECT product_id, review_id, recent, unnest(hits) AS hit FROM review_hits WHERE len(hits) > 0)
           SELECT h.product_id, v.topic, count(DISTINCT review_id) FILTER (WHERE recent) AS k,
                  count(DISTINCT review_id) FILTER (WHERE NOT recent) AS k_base
           FROM h JOIN vocab v USING (hit) GROUP BY ALL""",
        [words, keys],
    )
    return totals, topics


def _lbeta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_binomial_sf(k: int, n: int, a: float, b: float) -> float:
    """P(X ≥ k) for X ~ BetaBinomial(n, a, b): the chance of ``k`` or more cases out of ``n`` when
    the rate itself is only known as Beta(a, b).

    >>> round(beta_binomial_sf(3, 4, 1.0, 99.0), 6), beta_binomial_sf(0, 4, 1.0, 99.0)
    (2.3e-05, 1.0)
    """
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    base = math.lgamma(n + 1) - _lbeta(a, b)
    total, mode = 0.0, (n * a) / (a + b)
    for x in range(k, n + 1):
        term = math.exp(
            base - math.lgamma(x + 1) - math.lgamma(n - x + 1) + _lbeta(x + a, n - x + b)
        )
        total += term
        if x > mode and term < total * 1e-12:
            break
    return min(total, 1.0)


def rise(
    k: Sequence[float],
    n: Sequence[float],
    kb: Sequence[float],
    nb: Sequence[float],
    prior_rate: Sequence[float] | float,
    *,
    prior_weight: float,
    min_count: int,
    min_ratio: float,
    min_excess: float,
    tests: int,
    alpha: float,
    floor: float = 0.5,
) -> tuple[list[bool], list[float]]:
    """Which recent counts ``k`` out of ``n`` clearly exceed their normal rate ``kb / nb``, and the
    counts expected at normal. The normal rate is a Beta belief: the ``prior_rate`` of comparable
    listings worth ``prior_weight`` pseudo-trials, updated with the history, and never below
    ``floor`` × the prior (a quiet history is partly luck). A rise needs ``min_count`` cases,
    ``min_excess`` more than expected, the Wilson 99 % interval above normal's with ``min_ratio`` ×
    its rate, and a beta-binomial tail under ``alpha / tests`` (so that ``alpha`` is the chance,
    per inspection, that noise alone makes any of the ``tests`` fire).

    >>> rise([12, 3], [40, 40], [4, 4], [400, 400], 0.01, prior_weight=30, min_count=3, min_ratio=2,
    ...      min_excess=2, tests=100, alpha=0.01)[0]
    [True, False]
    """
    k_ = np.asarray(k, dtype=np.float64)
    n_ = np.maximum(np.asarray(n, dtype=np.float64), k_)
    prior = np.maximum(np.asarray(prior_rate, dtype=np.float64), 1e-4)
    strength = np.asarray(nb, dtype=np.float64) + prior_weight
    a = np.maximum(
        np.asarray(kb, dtype=np.float64) + prior_weight * prior, floor * prior * strength
    )
    b = np.maximum(strength - a, 1.0)
    expected = n_ * a / (a + b)
    candidate = (
        (k_ >= min_count)
        & (k_ - expected >= min_excess)
        & rate_rose(k_, n_, a, a + b, z=Z_99, min_ratio=min_ratio)
    )
    flags = [
        bool(c)
        and beta_binomial_sf(int(kk), max(round(nn), int(kk)), aa, bb) < alpha / max(tests, 1)
        for c, kk, nn, aa, bb in zip(candidate, k_, n_, a, b, strict=True)
    ]
    return flags, [float(e) for e in expected]


def _rose(
    recent: list[int],
    n: list[int],
    base: list[int],
    n_base: list[int],
    store_rate: list[float] | float,
    s: ReviewSettings,
    tests: int,
) -> list[bool]:
    """Whether each recent share clearly rose above its normal share, shrunk toward the store's."""
    return rise(
        recent,
        n,
        base,
        n_base,
        store_rate,
        prior_weight=s.prior_weight,
        min_count=s.min_low,
        min_ratio=s.min_ratio,
        min_excess=s.min_excess,
        tests=tests,
        alpha=s.alpha,
    )[0]


def category_rates(
    groups: dict[str, list[float]], store: float, pseudo: float = 200.0
) -> dict[str, float]:
    """Per category ``[cases, trials]`` → its rate, blended with the store's rate by ``pseudo``
    trials so a small category borrows from the store.

    >>> category_rates({"a": [10.0, 100.0], "b": [0.0, 0.0]}, 0.02)
    {'a': 0.04666666666666667, 'b': 0.02}
    """
    return {c: (k + pseudo * store) / (n + pseudo) for c, (k, n) in groups.items()}


def _flag(
    ctx: InspectionContext, s: ReviewSettings
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Listings whose low ratings rose (``by_low``), and the complaint topics that rose per listing.
    A listing's prior is its category's normal share (1-2★, or each topic).
    """
    totals, topics = _review_counts(ctx, s)
    if not totals:
        return [], {}
    n_base_all = max(sum(r["n_base"] for r in totals), 1)
    low_groups: dict[str, list[float]] = {}
    for r in totals:
        g = low_groups.setdefault(str(r["category"]), [0.0, 0.0])
        g[0], g[1] = g[0] + r["low_base"], g[1] + r["n_base"]
    low_rate = category_rates(low_groups, sum(r["low_base"] for r in totals) / n_base_all)
    listings = sum(1 for r in totals if r["n"])
    low = _rose(
        [r["low"] for r in totals],
        [r["n"] for r in totals],
        [r["low_base"] for r in totals],
        [r["n_base"] for r in totals],
        [low_rate[str(r["category"])] for r in totals],
        s,
        listings,
    )
    by_id = {r["product_id"]: r | {"by_low": flag} for r, flag in zip(totals, low, strict=True)}
    store_topic: Counter[str] = Counter()
    cat_topic: dict[str, list[float]] = {}
    for t in topics:
        store_topic[t["topic"]] += t["k_base"]
        cat_topic.setdefault(f"{by_id[t['product_id']]['category']}|{t['topic']}", [0.0, 0.0])[
            0
        ] += t["k_base"]
    for key, g in cat_topic.items():
        g[1] = low_groups[key.rsplit("|", 1)[0]][1]
    rates = {
        key: category_rates({key: g}, store_topic[key.rsplit("|", 1)[1]] / n_base_all)[key]
        for key, g in cat_topic.items()
    }
    risen: dict[str, list[dict[str, Any]]] = {}
    totals_of = [by_id[t["product_id"]] for t in topics]
    flags = _rose(
        [t["k"] for t in topics],
        [r["n"] for r in totals_of],
        [t["k_base"] for t in topics],
        [r["n_base"] for r in totals_of],
        [rates[f"{r['category']}|{t['topic']}"] for r, t in zip(totals_of, topics, strict=True)],
        s,
        listings * len(TOPICS),
    )
    for t, flag in zip(topics, flags, strict=True):
        if flag:
            risen.setdefault(t["product_id"], []).append(t)
    flagged = [r for r in by_id.values() if r["by_low"] or r["product_id"] in risen]
    return flagged, risen


def _snippet(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _topics(
    ctx: InspectionContext, product_id: str, start: dt.date, s: ReviewSettings
) -> dict[str, Any]:
    """Dominant complaint topic of a flagged listing's recent bad reviews, with examples."""
    rows = ctx.rows(
        """SELECT r.review_id, r.rating, r.text, r.reply FROM reviews r LEFT JOIN products p USING (sku_id)
           WHERE coalesce(r.product_id, p.product_id) = ? AND CAST(r.created_at AS DATE) BETWEEN ? AND ?
             AND r.rating <= 3
           ORDER BY r.rating, r.created_at DESC LIMIT 300""",
        [product_id, start, ctx.as_of],
    )
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for r in rows:
        for topic in topics_of(r["text"], ctx.lang):
            if topic.buyer_side:
                continue
            counts[topic.key] += 1
            examples.setdefault(topic.key, []).append(_snippet(str(r["text"])))
    unreplied = [
        str(r["review_id"]) for r in rows if r["rating"] <= 2 and not (r["reply"] or "").strip()
    ]
    top = counts.most_common(1)[0][0] if counts else None
    return {
        "top": top,
        "counts": counts,
        "examples": examples.get(top, [])[: s.examples] if top else [],
        "by_topic": examples,
        "unreplied": unreplied,
        "low_texts": [_snippet(str(r["text"])) for r in rows if r["rating"] <= 2 and r["text"]],
    }


def _product_facts(ctx: InspectionContext, ids: list[str], days: int) -> dict[str, dict[str, Any]]:
    daily = ctx.sku_daily()
    rows = ctx.rows(
        f"""SELECT p.product_id, any_value(p.title) AS title,
                   coalesce(sum(d.gmv) FILTER (WHERE d.day > ?::DATE - INTERVAL (?) DAY), 0)::DOUBLE AS gmv
            FROM products p LEFT JOIN {daily} d USING (sku_id)
            WHERE list_contains(?, p.product_id) GROUP BY p.product_id""",
        [ctx.as_of, days, ids],
    )
    return {r["product_id"]: r for r in rows}


def detect_negative_reviews(ctx: InspectionContext, s: ReviewSettings) -> list[Finding]:
    """A listing whose share of 1-2★ reviews in the last ``window_days`` rose clearly above its
    normal share over the ``baseline_days`` before (Wilson 99 %, at least ``min_ratio`` × normal,
    at least ``min_low`` low reviews), or whose share of reviews mentioning one complaint topic
    (in reviews of 3★ or less; negated mentions such as 没有压坏 / no damage left out) rose the same way. The
    complaint topic that rose (else the dominant topic of the recent low reviews) is named, with
    example snippets. Impact: the listing's GMV of the window × the excess share of unhappy buyers.
    """
    flagged, risen = _flag(ctx, s)
    if not flagged:
        return []
    facts = _product_facts(ctx, [r["product_id"] for r in flagged], s.window_days)
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    out = []
    for r in flagged:
        topics = _topics(ctx, r["product_id"], start, s)
        rose = sorted(risen.get(r["product_id"], []), key=lambda t: -t["k"])
        if rose:
            topics["top"] = rose[0]["topic"]
            topics["examples"] = topics["by_topic"].get(rose[0]["topic"], [])[: s.examples]
        out.append(
            _review_finding(
                ctx, s, r, rose[0] if rose else None, facts.get(r["product_id"], {}), topics
            )
        )
    return out


def _review_finding(
    ctx: InspectionContext,
    s: ReviewSettings,
    r: dict[str, Any],
    rose: dict[str, Any] | None,
    fact: dict[str, Any],
    topics: dict[str, Any],
) -> Finding:
    share, normal = r["low"] / max(r["n"], 1), r["low_base"] / max(r["n_base"], 1)
    top = BY_KEY[topics["top"]] if topics["top"] else None
    label = top.label(ctx.lang) if top else ctx.text("未归类", "unclassified")
    excess = share - normal
    if r["by_low"]:
        head = ctx.text(
            f"差评率升至 {share:.0%}（平时 {normal:.0%}）",
            f"1-2★ reviews up to {share:.0%} (normally {normal:.0%})",
        )
    else:
        assert rose is not None
        t_share, t_normal = rose["k"] / max(r["n"], 1), rose["k_base"] / max(r["n_base"], 1)
        excess = max(excess, t_share - t_normal)
        head = ctx.text(
            f"「{label}」类评价升至 {t_share:.0%}（平时 {t_normal:.0%}）",
            f"Reviews about {label} up to {t_share:.0%} (normally {t_normal:.0%})",
        )
    evidence = {
        "reviews_recent": int(r["n"]),
        "low_reviews_recent": int(r["low"]),
        "low_share_recent": round(share, 3),
        "reviews_before": int(r["n_base"]),
        "low_reviews_before": int(r["low_base"]),
        "low_share_before": round(normal, 3),
        "window_days": s.window_days,
        "top_topic": label,
        "topic_reviews_recent": int(rose["k"]) if rose else topics["counts"].get(topics["top"], 0),
        "topic_reviews_before": int(rose["k_base"]) if rose else None,
        "topic_counts": {BY_KEY[k].label(ctx.lang): v for k, v in topics["counts"].most_common(5)},
        "examples": topics["examples"] or topics["low_texts"][: s.examples],
        "unreplied_low_reviews": len(topics["unreplied"]),
    }
    actions = [
        Action(type="reply_review", params={"review_id": rid}) for rid in topics["unreplied"][:10]
    ]
    return Finding.make(
        kind="negative_reviews",
        as_of=ctx.as_of,
        severity="high" if r["low"] >= 10 or share >= 0.3 else "medium",
        entity=Entity(type="product", id=str(r["product_id"]), name=fact.get("title")),
        title=head
        + (
            ctx.text(f"，集中在「{label}」", f", mostly about {label}")
            if r["by_low"] and top
            else ""
        ),
        evidence=evidence,
        impact=Impact(
            metric="gmv_at_risk", value=round(float(fact.get("gmv", 0.0)) * max(excess, 0.0), 2)
        ),
        recommendation=ctx.text(
            f"排查「{label}」的原因（批次、包装、仓库或快递），逐条回复差评并主动联系买家补偿；问题解决前在详情页说明",
            f"Find the cause of '{label}' (batch, packaging, warehouse or carrier), reply to every low review and "
            "reach out to the buyers; explain the fix on the listing until it is solved",
        ),
        actions=actions,
    )


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
        0.01, description="chance per inspection that noise alone makes a SKU fire"
    )


_SHIPPED = "(o.shipped_at IS NOT NULL OR o.delivered_at IS NOT NULL OR o.status IN ('shipped', 'delivered', 'completed'))"


def _refund_cases(ctx: InspectionContext, first: dt.date, max_age: int) -> None:
    """Temp table ``refund_cases(sku_id, order_id, day, order_day, age, amount, reason)``: after-sale
    cases of shipped orders opened from ``first`` to ``as_of`` within ``max_age`` days of payment;
    one row per SKU concerned (a case without a SKU concerns every SKU of its order).
    """
    paid = "CAST(coalesce(o.paid_at, o.created_at) AS DATE)"
    age = f"date_diff('day', {paid}, CAST(r.created_at AS DATE))"
    where = f"""{_SHIPPED} AND o.created_at >= $first::DATE - INTERVAL ($max_age + 60) DAY
                AND CAST(r.created_at AS DATE) BETWEEN $first AND $as_of AND {age} <= $max_age"""
    cols = f"r.order_id, CAST(r.created_at AS DATE) AS day, {paid} AS order_day, {age} AS age, r.amount, r.reason"
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
    return [float(x) for x in np.cumsum(counts) / total]


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
    moved = f"""SELECT i.sku_id, CAST(o.created_at AS DATE) AS created, CAST(o.paid_at AS DATE) AS paid,
                       count(DISTINCT o.order_id) AS n
                FROM orders o JOIN order_items i USING (order_id)
                WHERE o.presale_deposit > 0 AND o.status NOT IN ('cancelled', 'closed', 'created')
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
    for r in rows:
        found = topics_of(r["reason"], ctx.lang)
        counts[found[0].label(ctx.lang) if found else r["reason"]] += int(r["n"])
    return counts.most_common()


def _reason_topics(ctx: InspectionContext, s: RefundSettings) -> list[dict[str, Any]]:
    """Per SKU and complaint topic of the stated reasons: cases recent and normal."""
    mapping: dict[str, str] = {}
    for r in ctx.rows(
        "SELECT reason, count(*) AS n FROM refund_cases WHERE reason IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 500"
    ):
        found = topics_of(r["reason"], ctx.lang)
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
            "spiking_reason": top if topic else None,
            "spiking_reason_cases": int(topic["k"]) if topic else None,
            "spiking_reason_cases_before": int(topic["k_base"]) if topic else None,
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


RULES = (
    Rule("negative_reviews", ("reviews",), ReviewSettings, detect_negative_reviews),
    Rule("refund_spike", ("refunds",), RefundSettings, detect_refund_spike),
)
