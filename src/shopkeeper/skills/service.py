"""After-sale questions: refunds (how many, why, which SKUs) and reviews (ratings, complaints).

Complaint topics come from the inspection's lexicon (:mod:`shopkeeper.store.complaints`,
read with negation, Chinese and English). Refund rate = orders with a refund case opened in the
period / paid orders placed in the period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.skills.common import (
    DataAnswer,
    PeriodArgs,
    Recommendation,
    StoreData,
    open_store,
    pct_change,
    previous_window,
)
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, pct, tr
from shopkeeper.skills.reviews import review_summary
from shopkeeper.store.complaint_lexicon import BY_KEY, Topic
from shopkeeper.store.metrics import paid, refund_rate
from shopkeeper.store.topic_tags import tagged_topics


class RefundArgs(PeriodArgs):
    """Which refunds (default: opened in the last 30 days)."""

    limit: int = Field(default=10, ge=1, le=200, description="rows per list")


class ReasonRow(BaseModel):
    """Refund cases of one stated reason."""

    reason: str
    cases: int
    amount: float = Field(description="money")
    share: float = Field(description="share of the period's cases (0-1)")
    topic: str | None = Field(description="complaint topic of the reason (damaged, quality, ...)")
    buyer_side: bool = Field(
        description="the buyer's choice (changed mind...), not a product problem"
    )


class SkuRefunds(BaseModel):
    """One SKU's refunds in the period."""

    sku_id: str
    title: str
    cases: int
    amount: float
    orders: int = Field(description="paid orders holding the SKU in the period")
    refund_rate: float | None = Field(description="cases / orders (0-1)")
    top_reason: str | None


class DayRefunds(BaseModel):
    """One day's refund cases."""

    day: dt.date
    cases: int
    amount: float


class RefundSummary(DataAnswer):
    """Refunds over the period, against the period before."""

    start: dt.date | None = None
    end: dt.date | None = None
    cases: int | None = Field(
        default=0, description="None: the refund data misses days of the period (unknown, not 0)"
    )
    amount: float | None = 0.0
    refunded_orders: int | None = 0
    paid_orders: int = 0
    refund_rate: float | None = Field(
        default=None, description="refunded_orders / paid_orders (0-1)"
    )
    cases_prev: int | None = 0
    amount_prev: float | None = 0.0
    refund_rate_prev: float | None = None
    cases_change_pct: float | None = None
    open_cases: int = Field(default=0, description="requested or approved, not resolved")
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_reason: list[ReasonRow] = Field(default_factory=list)
    top_skus: list[SkuRefunds] = Field(default_factory=list)
    days: list[DayRefunds] = Field(default_factory=list)

    def render(self, lang: Lang, currency: str = "") -> str:
        """Cases, amount and refund rate against the period before, then the top reasons."""
        cur = self.money_in(currency)
        if self.cases is None:
            return self.join(
                lang,
                tr(
                    lang,
                    f"{self.start} 至 {self.end}：缺少退款数据，售后单数、金额和退款率未知（不是 0）。",
                    f"{self.start} to {self.end}: refund data is missing, so after-sale cases, "
                    "amount and refund rate are unknown (not 0).",
                ),
                [],
            )
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：售后 {self.cases} 单，金额 {money(self.amount, cur, lang)}，"
            f"退款率 {pct(self.refund_rate)}（上期 {pct(self.refund_rate_prev)}），未结 {self.open_cases} 单。主要原因：",
            f"{self.start} to {self.end}: {self.cases} after-sale cases, {money(self.amount, cur, lang)}, "
            f"refund rate {pct(self.refund_rate)} (before: {pct(self.refund_rate_prev)}), {self.open_cases} open. Top reasons:",
        )
        rows = [
            tr(
                lang,
                f"- {r.reason}：{r.cases} 单（{pct(r.share)}）",
                f"- {r.reason}: {r.cases} cases ({pct(r.share)})",
            )
            for r in self.by_reason
        ]
        return self.join(lang, head, rows)


_GRANTED = "coalesce(status, '') NOT IN ('rejected', 'cancelled')"
"""Claims that refund money: the amount and the refund rate leave out rejected and cancelled ones."""


def _window_totals(d: StoreData, s: dt.date, e: dt.date) -> tuple[int, float, int, int]:
    row = d.rows(
        f"""SELECT (SELECT count(*) FROM refunds WHERE local_day(created_at) BETWEEN $s AND $e) AS cases,
                  (SELECT coalesce(sum(amount), 0)::DOUBLE FROM refunds WHERE local_day(created_at) BETWEEN $s AND $e AND {_GRANTED}) AS amount,
                  (SELECT count(DISTINCT order_id) FROM refunds WHERE local_day(created_at) BETWEEN $s AND $e AND {_GRANTED}) AS refunded,
                  (SELECT count(*) FROM orders o WHERE {paid()} AND local_day(o.created_at) BETWEEN $s AND $e) AS paid""",
        {"s": s, "e": e},
    )[0]
    return int(row["cases"]), float(row["amount"]), int(row["refunded"]), int(row["paid"])


def _reason_row(r: dict[str, Any], topics: list[Topic], total: int) -> ReasonRow:
    return ReasonRow(
        reason=r["reason"],
        cases=int(r["cases"]),
        amount=round(r["amount"], 2),
        share=round(int(r["cases"]) / total, 4),
        topic=topics[0].key if topics else None,
        buyer_side=bool(topics) and topics[0].buyer_side,
    )


@skill(tags=("data", "cs", "analyst"))
def refund_summary(ctx: SkillContext, args: RefundArgs) -> RefundSummary:
    """Refunds: cases, amount and rate against the period before, by reason and kind, the most refunded SKUs, daily trend."""
    with open_store(ctx) as d:
        base = d.answer_base("refunds")
        if base["missing"]:
            return RefundSummary(**base)
        start, end = d.window(args)
        cases, amount, refunded, paid_orders = _window_totals(d, start, end)
        pc, pa, pr, pp = _window_totals(d, *previous_window(start, end))
        gap_now = d.unknown("refunds", start, end)
        gap_prev = d.unknown("refunds", *previous_window(start, end))
        if gap_now or gap_prev:  # missing days are unknown, not days without refunds
            gap_start = previous_window(start, end)[0] if gap_prev else start
            base["note"] = d.gap_note("refunds", gap_start, end)
        span = {"s": start, "e": end}
        cur = "FROM refunds r WHERE local_day(r.created_at) BETWEEN $s AND $e"
        reasons = d.rows(
            f"SELECT coalesce(reason, '-') AS reason, count(*) AS cases, coalesce(sum(amount), 0)::DOUBLE AS amount {cur} GROUP BY 1 ORDER BY 2 DESC, 1",
            span,
        )
        kinds = d.rows(f"SELECT kind, count(*) AS n {cur} GROUP BY 1 ORDER BY 2 DESC", span)
        open_cases = d.scalar(
            f"SELECT count(*) {cur.replace('$s', '?').replace('$e', '?')} AND status IN ('requested', 'approved') AND resolved_at IS NULL",
            [start, end],
        )
        skus = d.rows(
            f"""WITH rf AS (SELECT r.sku_id, count(*) AS cases, coalesce(sum(amount), 0)::DOUBLE AS amount, mode(reason) AS top_reason
                           {cur} AND r.sku_id IS NOT NULL GROUP BY 1),
                sold AS (SELECT i.sku_id, count(DISTINCT o.order_id) AS orders FROM orders o JOIN order_items i USING (order_id)
                         WHERE {paid()} AND local_day(o.created_at) BETWEEN $s AND $e GROUP BY 1)
               SELECT rf.*, p.title, coalesce(sold.orders, 0) AS orders FROM rf JOIN products p USING (sku_id)
               LEFT JOIN sold USING (sku_id) ORDER BY cases DESC, amount DESC, sku_id LIMIT $n""",
            span | {"n": args.limit},
        )
        days = d.rows(
            f"SELECT local_day(created_at) AS day, count(*) AS cases, coalesce(sum(amount), 0)::DOUBLE AS amount {cur} GROUP BY 1 ORDER BY 1",
            span,
        )
        shown = reasons[: args.limit]
        read = tagged_topics(d, [r["reason"] for r in shown])
        by_reason = [_reason_row(r, topics, cases) for r, topics in zip(shown, read, strict=True)]
        recs = []
        product = [r for r in by_reason if r.topic and not r.buyer_side]
        if product:
            top = product[0]
            label = BY_KEY[top.topic].label(d.lang) if top.topic else top.reason
            recs.append(
                Recommendation(
                    text=d.text(
                        f"退款主因「{top.reason}」（{label}）{top.cases} 单、占 {top.share:.0%}：查对应批次/包装/发货环节",
                        f"Main product-side refund reason '{top.reason}' ({label}): {top.cases} cases, {top.share:.0%} — check the batch, packaging and dispatch",
                    )
                )
            )
        if open_cases:
            recs.append(
                Recommendation(
                    text=d.text(
                        f"还有 {open_cases} 个退款待处理：尽快处理以免超时",
                        f"{open_cases} refund cases are still open: resolve them before they time out",
                    )
                )
            )
        return RefundSummary(
            **base,
            start=start,
            end=end,
            cases=None if gap_now else cases,
            amount=None if gap_now else round(amount, 2),
            refunded_orders=None if gap_now else refunded,
            paid_orders=paid_orders,
            refund_rate=None if gap_now else refund_rate(refunded, paid_orders),
            cases_prev=None if gap_prev else pc,
            amount_prev=None if gap_prev else round(pa, 2),
            refund_rate_prev=None if gap_prev else refund_rate(pr, pp),
            cases_change_pct=None if gap_now or gap_prev else pct_change(cases, pc),
            open_cases=int(open_cases or 0),
            by_kind={r["kind"]: int(r["n"]) for r in kinds},
            by_reason=by_reason,
            top_skus=[
                SkuRefunds(
                    sku_id=r["sku_id"],
                    title=r["title"],
                    cases=int(r["cases"]),
                    amount=round(r["amount"], 2),
                    orders=int(r["orders"]),
                    refund_rate=refund_rate(int(r["cases"]), int(r["orders"])),
                    top_reason=r["top_reason"],
                )
                for r in skus
            ],
            days=[
                DayRefunds(day=r["day"], cases=int(r["cases"]), amount=round(r["amount"], 2))
                for r in days
            ],
            recommendations=recs,
        )


def register(registry: SkillRegistry) -> None:
    """Register the after-sale skills."""
    registry.register(refund_summary, review_summary)
