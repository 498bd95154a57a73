"""The customer-service cut: refunds and their reasons, reviews, and what customers ask in chats."""

from __future__ import annotations

from shopkeeper.reports.kpis import LOW_RATING
from shopkeeper.reports.models import (
    ChatSection,
    NamedCount,
    RefundsSection,
    ReviewRow,
    ReviewsSection,
    Window,
)
from shopkeeper.reports.topics import topic_case, topic_label
from shopkeeper.store.metrics import refund_counted
from shopkeeper.store.query import Query
from shopkeeper.text import pick

TOP = 5


def refunds_section(db: Query, period: Window, lang: str) -> RefundsSection:
    """After-sale cases opened in the period (not rejected or cancelled) and the top stated reasons."""
    if not db.has("refunds"):
        return RefundsSection(available=False, missing=["refunds"])
    unknown = pick(lang, "未填写", "not given")
    rows = db.rows(
        f"""SELECT coalesce(nullif(trim(reason), ''), ?) AS reason, count(*) AS n, coalesce(sum(amount), 0) AS amount
           FROM refunds WHERE local_day(created_at) BETWEEN ? AND ?
             AND {refund_counted("")}
           GROUP BY 1 ORDER BY n DESC, reason""",
        [unknown, period.start, period.end],
    )
    cases = sum(int(r["n"]) for r in rows)
    return RefundsSection(
        cases=cases,
        amount=float(sum(r["amount"] for r in rows)),
        reasons=[
            NamedCount(
                key=str(r["reason"]),
                label=str(r["reason"]),
                count=int(r["n"]),
                share=r["n"] / cases,
            )
            for r in rows[:TOP]
        ],
    )


def reviews_section(db: Query, period: Window) -> ReviewsSection:
    """Reviews written in the period: average, low ratings, unanswered ones, the latest three."""
    if not db.has("reviews"):
        return ReviewsSection(available=False, missing=["reviews"])
    where = "local_day(r.created_at) BETWEEN ? AND ?"
    head = db.rows(
        f"""SELECT count(*) AS n, avg(rating) AS avg, count(*) FILTER (WHERE rating <= {LOW_RATING}) AS low,
                   count(*) FILTER (WHERE rating <= {LOW_RATING} AND coalesce(trim(reply), '') = '') AS unreplied
            FROM reviews r WHERE {where}""",
        [period.start, period.end],
    )[0]
    recent = db.rows(
        f"""SELECT coalesce(p.title, r.sku_id) AS product, r.rating, coalesce(r.text, '') AS text,
                   coalesce(trim(r.reply), '') <> '' AS replied
            FROM reviews r LEFT JOIN products p USING (sku_id)
            WHERE {where} AND r.rating <= {LOW_RATING} AND coalesce(trim(r.text), '') <> ''
            ORDER BY r.created_at DESC LIMIT 3""",
        [period.start, period.end],
    )
    return ReviewsSection(
        count=int(head["n"]),
        avg_rating=round(float(head["avg"]), 2) if head["avg"] is not None else None,
        low=int(head["low"]),
        low_unreplied=int(head["unreplied"]),
        recent_low=[
            ReviewRow(
                product=str(r["product"]),
                rating=int(r["rating"]),
                text=str(r["text"]),
                replied=bool(r["replied"]),
            )
            for r in recent
        ],
    )


def chat_section(db: Query, period: Window, lang: str) -> ChatSection:
    """Conversations in the period and the topics customers asked about most (by conversations)."""
    if not db.has("messages"):
        return ChatSection(available=False, missing=["messages"])
    case, params = topic_case("text")
    rows = db.rows(
        f"""WITH m AS (SELECT conversation_id, text, {case} AS topic FROM messages
                       WHERE sender = 'customer' AND local_day(sent_at) BETWEEN ? AND ?)
            SELECT topic, count(DISTINCT conversation_id) AS n, mode(text) AS example,
                   (SELECT count(DISTINCT conversation_id) FROM m) AS total, (SELECT count(*) FROM m) AS messages
            FROM m GROUP BY topic ORDER BY n DESC, topic""",
        [*params, period.start, period.end],
    )
    total = int(rows[0]["total"]) if rows else 0
    topics = [r for r in rows if r["topic"] is not None][:TOP]
    return ChatSection(
        conversations=total,
        customer_messages=int(rows[0]["messages"]) if rows else 0,
        topics=[
            NamedCount(
                key=str(r["topic"]),
                label=topic_label(str(r["topic"]), lang),
                count=int(r["n"]),
                share=r["n"] / total if total else 0.0,
                example=str(r["example"]),
            )
            for r in topics
        ],
    )
