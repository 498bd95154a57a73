"""negative_reviews (product): a rise in 1-2★ reviews or in one complaint topic on a listing.

The recent window's share is compared with the listing's normal share over the weeks before
(:func:`.rates.rise`). Complaint topics are the ones the importer read in each text
(:mod:`shopkeeper.store.topic_tags`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.rules.delivery import reviews_explained
from shopkeeper.inspection.rules.rates import category_rates, rise
from shopkeeper.store.complaint_lexicon import BUYER_SIDE, BY_KEY, TOPICS
from shopkeeper.store.topic_tags import join_tags, tagged_topics


class ReviewSettings(BaseModel):
    """Thresholds of negative_reviews."""

    window_days: int = Field(
        7, description="recent reviews: those written in the last this many days"
    )
    baseline_days: int = Field(
        84, description="normal share: reviews of this many days before the window"
    )
    min_low: int = Field(3, description="at least this many recent 1-2★ (or same-topic) reviews")
    min_ratio: float = Field(2.0, description="recent share at least this multiple of normal")
    min_excess: float = Field(2.0, description="…and this many more than the normal share predicts")
    prior_weight: float = Field(
        30.0, description="pseudo-reviews at the category's share added to a listing's history"
    )
    alpha: float = Field(
        0.002,
        description="chance per inspection that noise alone makes a listing's 1-2★ share fire",
    )
    topic_alpha: float = Field(
        0.01, description="…or one of its complaint topics (a topic is a sharper signal)"
    )
    min_topic_reviews: int = Field(
        4, description="recent reviews a listing needs before a topic's share is judged"
    )
    examples: int = Field(3, description="example snippets quoted in the evidence")
    store_window_days: int = Field(
        30, description="store alarm: 1-2★ share of the store's reviews of the last this many days…"
    )
    store_baseline_days: int = Field(
        180, description="…against the store's normal share over this many days before"
    )
    store_min_low: int = Field(5, description="…with at least this many 1-2★ reviews")


def _review_counts(
    ctx: InspectionContext, s: ReviewSettings, explained: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per listing: reviews and 1-2★ reviews, recent and normal; per listing and complaint topic:
    reviews mentioning the topic, recent and normal (one regex pass; negated mentions removed).
    """
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    ctx.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE review_hits AS
           SELECT coalesce(r.product_id, p.product_id) AS product_id, c.category, r.review_id, r.rating <= 2 AS low,
                  local_day(r.created_at) >= ? AS recent,
                  CASE WHEN r.rating <= 3 THEN list_filter(coalesce(tt.topics, []), lambda k: NOT list_contains(?, k))
                       ELSE [] END AS hits
           FROM reviews r LEFT JOIN products p USING (sku_id)
                LEFT JOIN (SELECT product_id, any_value(category) AS category FROM products GROUP BY 1) c
                       ON c.product_id = coalesce(r.product_id, p.product_id)
                {join_tags("r.text")}
           WHERE local_day(r.created_at) BETWEEN ? AND ? AND coalesce(r.product_id, p.product_id) IS NOT NULL
             AND coalesce(r.order_id, '') NOT IN (SELECT unnest(?::VARCHAR[]))""",
        [
            start,
            BUYER_SIDE,
            start - dt.timedelta(days=s.baseline_days),
            ctx.as_of,
            explained,
        ],
    )
    totals = ctx.rows(
        """SELECT product_id, any_value(category) AS category, count(*) FILTER (WHERE recent) AS n,
                  count(*) FILTER (WHERE recent AND low) AS low,
                  count(*) FILTER (WHERE NOT recent) AS n_base, count(*) FILTER (WHERE NOT recent AND low) AS low_base
           FROM review_hits GROUP BY product_id ORDER BY product_id"""
    )
    topics = ctx.rows(
        """WITH h AS (SELECT product_id, review_id, recent, unnest(hits) AS topic FROM review_hits WHERE len(hits) > 0)
           SELECT product_id, topic, count(DISTINCT review_id) FILTER (WHERE recent) AS k,
                  count(DISTINCT review_id) FILTER (WHERE NOT recent) AS k_base
           FROM h GROUP BY ALL"""
    )
    return totals, topics


def _rose(
    k: list[int],
    n: list[int],
    kb: list[int],
    nb: list[int],
    prior: list[float],
    s: ReviewSettings,
    *,
    tests: int,
    alpha: float,
) -> list[bool]:
    """Whether each recent share clearly rose above its normal share (:func:`.rates.rise`)."""
    return rise(
        k,
        n,
        kb,
        nb,
        prior,
        prior_weight=s.prior_weight,
        min_count=s.min_low,
        min_ratio=s.min_ratio,
        min_excess=s.min_excess,
        tests=tests,
        alpha=alpha,
    )[0]


def _share_sums(rows: list[dict[str, Any]], key: str, cases: str) -> dict[str, list[float]]:
    """``{key value: [cases, reviews]}`` over the normal window."""
    out: dict[str, list[float]] = {}
    for r in rows:
        g = out.setdefault(str(r[key]), [0.0, 0.0])
        g[0], g[1] = g[0] + r[cases], g[1] + r["n_base"]
    return out


def _flag(
    ctx: InspectionContext, s: ReviewSettings, explained: list[str]
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Listings whose 1-2★ share rose (``by_low``), and the complaint topics that rose per listing.
    A listing's prior is its category's normal share (of 1-2★ reviews, or of each topic).
    """
    totals, topics = _review_counts(ctx, s, explained)
    if not totals:
        return [], {}
    store_n = max(sum(r["n_base"] for r in totals), 1)
    by_cat = _share_sums(totals, "category", "low_base")
    low_rate = category_rates(by_cat, sum(r["low_base"] for r in totals) / store_n)
    listings = sum(1 for r in totals if r["n"])
    low = _rose(
        [r["low"] for r in totals],
        [r["n"] for r in totals],
        [r["low_base"] for r in totals],
        [r["n_base"] for r in totals],
        [low_rate[str(r["category"])] for r in totals],
        s,
        tests=listings,
        alpha=s.alpha,
    )
    by_id = {r["product_id"]: r | {"by_low": flag} for r, flag in zip(totals, low, strict=True)}
    rows = [
        t
        | {
            "category": by_id[t["product_id"]]["category"],
            "n": by_id[t["product_id"]]["n"],
            "n_base": by_id[t["product_id"]]["n_base"],
        }
        for t in topics
    ]
    rows = [t for t in rows if t["n"] >= s.min_topic_reviews]
    store_topic: Counter[str] = Counter()
    cat_topic: dict[str, list[float]] = {}
    for t in topics:
        store_topic[t["topic"]] += t["k_base"]
        key = f"{by_id[t['product_id']]['category']}|{t['topic']}"
        cat_topic.setdefault(key, [0.0, by_cat[str(by_id[t["product_id"]]["category"])][1]])[0] += (
            t["k_base"]
        )
    rate = {
        key: category_rates({key: g}, store_topic[key.rsplit("|", 1)[1]] / store_n)[key]
        for key, g in cat_topic.items()
    }
    flags = _rose(
        [t["k"] for t in rows],
        [t["n"] for t in rows],
        [t["k_base"] for t in rows],
        [t["n_base"] for t in rows],
        [rate[f"{t['category']}|{t['topic']}"] for t in rows],
        s,
        tests=listings * len(TOPICS),
        alpha=s.topic_alpha,
    )
    risen: dict[str, list[dict[str, Any]]] = {}
    for t, flag in zip(rows, flags, strict=True):
        if flag:
            risen.setdefault(t["product_id"], []).append(t)
    return [r for r in by_id.values() if r["by_low"] or r["product_id"] in risen], risen


def _snippet(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _topics(
    ctx: InspectionContext, product_id: str, start: dt.date, s: ReviewSettings
) -> dict[str, Any]:
    """Dominant complaint topic of a flagged listing's recent bad reviews, with examples."""
    rows = ctx.rows(
        """SELECT r.review_id, r.rating, r.text, r.reply FROM reviews r LEFT JOIN products p USING (sku_id)
           WHERE coalesce(r.product_id, p.product_id) = ? AND local_day(r.created_at) BETWEEN ? AND ?
             AND r.rating <= 3
           ORDER BY r.rating, r.created_at DESC LIMIT 300""",
        [product_id, start, ctx.as_of],
    )
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for r, found in zip(rows, tagged_topics(ctx, [r["text"] for r in rows]), strict=True):
        for topic in found:
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
    **Store alarm** (entity ``store``): low ratings spread over listings that each stay under their
    own threshold — the 1-2★ share of the reviews of the last ``store_window_days`` on the listings
    not flagged above rose clearly above its share over the ``store_baseline_days`` before, by the
    same tests (at least ``store_min_low`` 1-2★ reviews, ``min_ratio``, ``min_excess``, ``alpha``);
    evidence lists the listings and complaint topics. Impact: the store's GMV of the window × the
    excess share. Reviews of orders a ``delivery_late`` finding counts as late that complain of
    nothing but the delivery are left out of both: their low ratings are that finding's (it reports
    how much worse late orders are rated).
    """
    explained = reviews_explained(ctx)
    flagged, risen = _flag(ctx, s, explained)
    alarm = _store_alarm(ctx, s, [str(r["product_id"]) for r in flagged], explained)
    if not flagged:
        return alarm
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
    return out + alarm


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


def _store_counts(
    ctx: InspectionContext, s: ReviewSettings, skip: list[str], explained: list[str]
) -> dict[str, Any]:
    start = ctx.as_of - dt.timedelta(days=s.store_window_days - 1)
    return ctx.rows(
        """WITH r AS (
               SELECT r.rating <= 2 AS low, local_day(r.created_at) >= $start AS recent
               FROM reviews r LEFT JOIN products p USING (sku_id)
               WHERE local_day(r.created_at) BETWEEN $first AND $as_of
                 AND NOT list_contains($skip, coalesce(r.product_id, p.product_id))
                 AND coalesce(r.order_id, '') NOT IN (SELECT unnest($explained::VARCHAR[])))
           SELECT count(*) FILTER (WHERE recent) AS n, count(*) FILTER (WHERE recent AND low) AS k,
                  count(*) FILTER (WHERE NOT recent) AS nb, count(*) FILTER (WHERE NOT recent AND low) AS kb
           FROM r""",
        {
            "start": start,
            "first": start - dt.timedelta(days=s.store_baseline_days),
            "as_of": ctx.as_of,
            "skip": skip,
            "explained": explained,
        },
    )[0]


def _store_alarm(
    ctx: InspectionContext, s: ReviewSettings, skip: list[str], explained: list[str]
) -> list[Finding]:
    """The store alarm of :func:`detect_negative_reviews` (empty when it does not fire)."""
    c = _store_counts(ctx, s, skip, explained)
    n, k, nb, kb = int(c["n"]), int(c["k"]), int(c["nb"]), int(c["kb"])
    if k < s.store_min_low:
        return []
    normal = kb / nb if nb else 0.0
    flags, expected = rise(
        [k],
        [n],
        [kb],
        [nb],
        max(normal, 0.02),
        prior_weight=s.prior_weight,
        min_count=s.store_min_low,
        min_ratio=s.min_ratio,
        min_excess=s.min_excess,
        tests=1,
        alpha=s.alpha,
    )
    if not flags[0]:
        return []
    return [_store_finding(ctx, s, c, normal, expected[0], skip, explained)]


def _store_finding(
    ctx: InspectionContext,
    s: ReviewSettings,
    c: dict[str, Any],
    normal: float,
    expected: float,
    skip: list[str],
    explained: list[str],
) -> Finding:
    n, k = int(c["n"]), int(c["k"])
    share = k / n
    start = ctx.as_of - dt.timedelta(days=s.store_window_days - 1)
    lows = ctx.rows(
        """SELECT coalesce(r.product_id, p.product_id) AS product_id, any_value(p.title) AS title,
                  count(*) AS n, list(r.text) AS texts
           FROM reviews r LEFT JOIN products p USING (sku_id)
           WHERE local_day(r.created_at) BETWEEN ? AND ? AND r.rating <= 2
             AND NOT list_contains(?, coalesce(r.product_id, p.product_id))
             AND coalesce(r.order_id, '') NOT IN (SELECT unnest(?::VARCHAR[]))
           GROUP BY 1 ORDER BY n DESC, 1""",
        [start, ctx.as_of, skip, explained],
    )
    topics: Counter[str] = Counter()
    examples: list[str] = []
    for r in lows:
        for text, read in zip(r["texts"], tagged_topics(ctx, r["texts"]), strict=True):
            found = [t for t in read if not t.buyer_side]
            topics.update(t.label(ctx.lang) for t in found)
            if text and len(examples) < s.examples:
                examples.append(_snippet(str(text)))
    gmv = float(
        ctx.scalar(
            f"SELECT coalesce(sum(gmv), 0)::DOUBLE FROM {ctx.sku_daily()} WHERE day >= ?", [start]
        )
        or 0.0
    )
    top = topics.most_common(1)[0][0] if topics else None
    title = ctx.text(
        f"近 {s.store_window_days} 天全店差评 {k}/{n}（{share:.0%}，平时 {normal:.0%}），分散在 {len(lows)} 个商品",
        f"{k} of {n} reviews 1-2★ in {s.store_window_days} days ({share:.0%}, normally {normal:.0%}), "
        f"spread over {len(lows)} listings",
    )
    if top:
        title += ctx.text(f"，多为「{top}」", f", mostly about {top}")
    return Finding.make(
        kind="negative_reviews",
        as_of=ctx.as_of,
        severity="high" if share >= 0.3 else "medium",
        entity=ctx.store_entity,
        title=title,
        evidence={
            "reviews_recent": n,
            "low_reviews_recent": k,
            "low_share_recent": round(share, 3),
            "reviews_before": int(c["nb"]),
            "low_reviews_before": int(c["kb"]),
            "low_share_before": round(normal, 3),
            "low_reviews_expected": round(expected, 1),
            "window_days": s.store_window_days,
            "listings": [
                {
                    "product_id": str(r["product_id"]),
                    "title": r["title"],
                    "low_reviews": int(r["n"]),
                }
                for r in lows[:10]
            ],
            "topic_counts": dict(topics.most_common(5)),
            "examples": examples,
        },
        impact=Impact(metric="gmv_at_risk", value=round(gmv * max(share - normal, 0.0), 2)),
        recommendation=ctx.text(
            "差评不集中在单个商品，多半是全店环节出了问题（发货、快递、包装或客服）：按主题排查共同原因，"
            "逐条回复差评并联系买家补救",
            "Low ratings are spread over many listings, so the cause is usually store-wide (dispatch, "
            "carrier, packaging or service): find the common cause by topic, reply to every low "
            "review and make it right with the buyers",
        ),
    )
