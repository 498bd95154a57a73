"""Reviews: rating distribution, negative share, what the negative ones complain about, the latest ones."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from shopkeeper.skills.common import (
    DataAnswer,
    PeriodArgs,
    Recommendation,
    StoreData,
    open_store,
    previous_window,
    ratio,
)
from shopkeeper.skills.registry import SkillContext, skill
from shopkeeper.skills.render import Lang, num, pct, tr
from shopkeeper.skills.review_topics import label, tally, topics_of_texts
from shopkeeper.text import pick


class ReviewArgs(PeriodArgs):
    """Which reviews (default: written in the last 30 days)."""

    product_id: str | None = Field(default=None, description="only reviews of this listing")
    negative_max_rating: int = Field(
        default=2, ge=1, le=4, description="a review rated this or lower is negative"
    )
    limit: int = Field(default=10, ge=1, le=200, description="recent negative reviews listed")


class TopicRow(BaseModel):
    """A complaint topic among the negative reviews."""

    topic: str
    label: str
    reviews: int
    share_of_negative: float = Field(description="0-1")


class NegativeReview(BaseModel):
    """One negative review."""

    review_id: str
    product_id: str | None
    sku_id: str
    title: str | None
    rating: int
    created_at: dt.datetime
    excerpt: str = Field(description="the text, cut at 80 characters")
    replied: bool
    topics: list[str]


class ReviewSummary(DataAnswer):
    """Ratings over the period against the period before, and the complaints."""

    start: dt.date | None = None
    end: dt.date | None = None
    reviews: int = 0
    avg_rating: float | None = None
    distribution: dict[int, int] = Field(default_factory=dict, description="reviews per star (1-5)")
    negative: int = 0
    negative_share: float | None = Field(default=None, description="negative / reviews (0-1)")
    negative_share_prev: float | None = None
    unreplied_negative: int = 0
    top_negative_topics: list[TopicRow] = Field(default_factory=list)
    recent_negative: list[NegativeReview] = Field(default_factory=list, description="newest first")

    def render(self, lang: Lang, currency: str = "") -> str:
        """Ratings and negative share against the period before, then what the complaints are about."""
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：{self.reviews} 条评价，平均 {num(self.avg_rating, 2)} 分，"
            f"差评 {self.negative} 条（{pct(self.negative_share)}，上期 {pct(self.negative_share_prev)}），未回复差评 {self.unreplied_negative} 条。差评集中在：",
            f"{self.start} to {self.end}: {self.reviews} reviews, average {num(self.avg_rating, 2)}, "
            f"{self.negative} negative ({pct(self.negative_share)}, before {pct(self.negative_share_prev)}), {self.unreplied_negative} unanswered. Main complaints:",
        )
        rows = [
            tr(
                lang,
                f"- {r.label}：{r.reviews} 条（占差评 {pct(r.share_of_negative)}）",
                f"- {r.label}: {r.reviews} reviews ({pct(r.share_of_negative)} of negatives)",
            )
            for r in self.top_negative_topics
        ]
        return self.join(lang, head, rows)


def _counts(d: StoreData, s: dt.date, e: dt.date, args: ReviewArgs) -> dict[int, int]:
    rows = d.rows(
        """SELECT rating, count(*) AS n FROM reviews WHERE local_day(created_at) BETWEEN $s AND $e
           AND ($pid IS NULL OR product_id = $pid OR sku_id IN (SELECT sku_id FROM products WHERE product_id = $pid))
           GROUP BY 1""",
        {"s": s, "e": e, "pid": args.product_id},
    )
    return {int(r["rating"]): int(r["n"]) for r in rows}


def _excerpt(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 80 else text[:79] + "…"


def _reply(d: StoreData) -> str:
    """The reply to a buyer, in the store's language (not the language the merchant asked in)."""
    return pick(
        d.config.language if d.config else d.lang,
        "非常抱歉给您带来不好的体验！我们已记录问题并联系您处理，请留意消息。",
        "We're sorry this fell short — we've noted the problem and will contact you to make it right.",
    )


@skill(tags=("data", "cs"))
def review_summary(ctx: SkillContext, args: ReviewArgs) -> ReviewSummary:
    """Reviews: rating distribution, negative share vs the period before, top complaint topics, recent negative reviews."""
    with open_store(ctx) as d:
        base = d.answer_base("reviews")
        if base["missing"]:
            return ReviewSummary(**base)
        start, end = d.window(args)
        now, before = _counts(d, start, end, args), _counts(d, *previous_window(start, end), args)
        neg = d.rows(
            """SELECT r.review_id, coalesce(r.product_id, p.product_id) AS product_id, r.sku_id, p.title, r.rating,
                      r.created_at, r.text, r.reply IS NOT NULL AND r.reply <> '' AS replied
               FROM reviews r LEFT JOIN products p USING (sku_id)
               WHERE local_day(r.created_at) BETWEEN $s AND $e AND r.rating <= $max
                 AND ($pid IS NULL OR coalesce(r.product_id, p.product_id) = $pid)
               ORDER BY r.created_at DESC, r.review_id""",
            {"s": start, "e": end, "max": args.negative_max_rating, "pid": args.product_id},
        )
        found = topics_of_texts([r["text"] for r in neg], d)  # while the warehouse is open
    total = sum(now.values())
    n_neg = sum(n for star, n in now.items() if star <= args.negative_max_rating)
    prev_neg = sum(n for star, n in before.items() if star <= args.negative_max_rating)
    counts = tally(found)
    topics = [
        TopicRow(topic=k, label=label(k, d.lang), reviews=n, share_of_negative=round(n / n_neg, 4))
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    unreplied = [r for r in neg if not r["replied"]]
    recs = [
        Recommendation(
            text=d.text(
                f"差评主要问题「{t.label}」（{t.reviews} 条）：追查原因并在详情页/客服话术中回应",
                f"Most negative reviews are about '{t.label}' ({t.reviews}): find the cause and address it in the listing and replies",
            )
        )
        for t in topics[:2]
    ]
    recs += [
        Recommendation(
            text=d.text(
                f"回复差评 {r['review_id']}（{r['rating']}★）：{_excerpt(r['text'])[:30]}",
                f"Reply to review {r['review_id']} ({r['rating']}★): {_excerpt(r['text'])[:40]}",
            ),
            action="reply_review",
            params={"review_id": r["review_id"], "text": _reply(d)},
        )
        for r in unreplied[:3]
    ]
    return ReviewSummary(
        **base,
        start=start,
        end=end,
        reviews=total,
        avg_rating=round(sum(star * n for star, n in now.items()) / total, 2) if total else None,
        distribution={star: now.get(star, 0) for star in range(1, 6)},
        negative=n_neg,
        negative_share=ratio(n_neg, total),
        negative_share_prev=ratio(prev_neg, sum(before.values())),
        unreplied_negative=len(unreplied),
        top_negative_topics=topics,
        recent_negative=[
            NegativeReview(
                review_id=r["review_id"],
                product_id=r["product_id"],
                sku_id=r["sku_id"],
                title=r["title"],
                rating=int(r["rating"]),
                created_at=r["created_at"],
                excerpt=_excerpt(r["text"]),
                replied=bool(r["replied"]),
                topics=keys,
            )
            for r, keys in zip(neg[: args.limit], found, strict=False)
        ],
        recommendations=recs,
    )
