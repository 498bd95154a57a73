"""Customer questions: RFM segments (重要价值客户…), their value, and new against returning buyers.

Buyers are customers with a paid order in the lookback; recency is days from their last order to
the last day, frequency their paid orders, monetary what they paid (order ``pay_amount``, else
the sum of its lines). Thresholds are the means over all buyers (the classic model).

Guest checkouts (an empty ``customer_id``) are orders, not customers: nobody can count, contact or
target them, so they are reported apart (``guest_orders``, ``guest_gmv``) and never segmented. On a
store where nearly every customer buys once (:data:`ONE_TIME_SHARE`) the frequency split means
nothing: the answer says so and recommends winning second orders instead of a campaign per segment.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from shopkeeper.analytics.rfm import LABELS, SEGMENTS, RFMSegmenter
from shopkeeper.skills.common import (
    DataAnswer,
    Recommendation,
    SegmentFilter,
    open_store,
    ratio,
)
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, num, pct, tr
from shopkeeper.store.metrics import line_gmv, order_gmv, paid
from shopkeeper.text import pick

ONE_TIME_SHARE = 0.9
"""From this share of one-order customers on, RFM segments are not turned into campaigns."""
CONTACTS = 5
"""Customers listed (by spend) for each segment worth reaching out to."""
OUTREACH = ("important_retain", "important_win_back", "important_develop")

ACTIONS: dict[str, tuple[str, str]] = {
    "important_value": (
        "专属客服/会员权益，新品优先试用，维持关系",
        "VIP care and early access to new products: keep them",
    ),
    "important_develop": (
        "推荐复购套餐/订阅，第二单券，提高购买频次",
        "Subscription or second-order coupon: make them buy more often",
    ),
    "important_retain": (
        "近期没来：定向短信/老客专享价，唤回",
        "Gone quiet: targeted message with a returning-customer offer",
    ),
    "important_win_back": (
        "高价值但流失：大额唤回券+新品推荐，优先召回",
        "High spenders slipping away: strong win-back coupon and new arrivals",
    ),
    "general_value": (
        "复购稳定但客单低：推荐凑单/加价购提高客单价",
        "Loyal but low spend: cross-sell and add-on offers to raise order value",
    ),
    "general_develop": (
        "新客：首单后 7 天内推送使用指导和复购券",
        "New buyers: usage tips and a repeat coupon within a week of the first order",
    ),
    "general_retain": (
        "购买多次但近期沉默：会员日提醒，低成本触达",
        "Bought often, quiet lately: member-day reminder, low-cost reach",
    ),
    "general_win_back": (
        "低价值沉睡客：仅在大促时低成本触达",
        "Hibernating, low value: reach cheaply during big promotions only",
    ),
}


class SegmentArgs(SegmentFilter):
    """Which buyers to segment (all, or one country, province or channel)."""

    end: dt.date | None = Field(
        default=None, description="last day (default: the last complete day of real trading)"
    )
    days: int = Field(
        default=365, ge=7, le=3660, description="lookback for recency, frequency and spend"
    )
    recent_days: int = Field(
        default=30, ge=1, le=365, description="window for new vs returning buyers"
    )
    center: Literal["mean", "median"] = Field(
        default="mean", description="threshold of high vs low"
    )


class Segment(BaseModel):
    """One RFM segment."""

    key: str = Field(description="stable id, e.g. important_value")
    label: str = Field(description="name in the answer's language (重要价值客户 / Champions)")
    customers: int
    share_of_customers: float = Field(description="0-1")
    gmv: float = Field(description="what the segment paid in the lookback (money)")
    share_of_gmv: float = Field(description="0-1")
    orders: int
    avg_order_value: float | None = Field(description="gmv / orders (money)")
    repeat_rate: float = Field(description="share of its buyers with 2+ orders (0-1)")
    avg_recency_days: float
    suggested_action: str
    top_customers: list[str] = Field(
        default_factory=list,
        description="customer ids to reach, highest spend first (segments worth an outreach)",
    )


class CustomerSegments(DataAnswer):
    """RFM segments with their value, and new vs returning buyers."""

    start: dt.date | None = None
    end: dt.date | None = None
    customers: int = Field(default=0, description="buyers with a customer_id (guests apart)")
    gmv: float = Field(default=0.0, description="what those customers paid (money)")
    guest_orders: int = Field(default=0, description="paid guest checkouts in the lookback")
    guest_gmv: float = Field(default=0.0, description="what the guest checkouts paid (money)")
    one_time_share: float | None = Field(
        default=None, description="customers with one order / customers (0-1)"
    )
    avg_order_value: float | None = None
    repeat_rate: float | None = Field(
        default=None, description="buyers with 2+ orders / buyers (0-1)"
    )
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="recency_days, orders, spend separating high from low"
    )
    segments: list[Segment] = Field(default_factory=list, description="most valuable first")
    recent_buyers: int = Field(default=0, description="buyers in the last recent_days")
    new_buyers: int = Field(
        default=0, description="…whose first paid order ever falls in that window"
    )
    returning_buyers: int = Field(default=0, description="…who had bought before it")

    def render(self, lang: Lang, currency: str = "") -> str:
        """Customers, repeat rate and AOV, then each segment with what to do about it."""
        cur = self.money_in(currency)
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：{num(self.customers)} 位客户，复购率 {pct(self.repeat_rate)}，"
            f"客单价 {money(self.avg_order_value, cur, lang)}；近期买家中新客 {num(self.new_buyers)}、老客 {num(self.returning_buyers)}。",
            f"{self.start} to {self.end}: {num(self.customers)} customers, repeat rate {pct(self.repeat_rate)}, "
            f"AOV {money(self.avg_order_value, cur, lang)}; recent buyers: {num(self.new_buyers)} new, {num(self.returning_buyers)} returning.",
        )
        rows = [
            tr(
                lang,
                f"- {r.label}：{num(r.customers)} 人（{pct(r.share_of_customers)}），贡献 {pct(r.share_of_gmv)} 成交 → {r.suggested_action}",
                f"- {r.label}: {num(r.customers)} ({pct(r.share_of_customers)}), {pct(r.share_of_gmv)} of GMV → {r.suggested_action}",
            )
            for r in self.segments
        ]
        if self.guest_orders:
            head += tr(
                lang,
                f"另有 {num(self.guest_orders)} 笔游客订单（{money(self.guest_gmv, cur, lang)}），没有客户身份，不计入客户。",
                f" {num(self.guest_orders)} guest checkouts ({money(self.guest_gmv, cur, lang)}) have no customer and are not counted as customers.",
            )
        tail = self.model_copy(update={"recommendations": []}).tail(lang)
        return "\n".join([head, *rows[:8], *tail])


@skill(tags=("data", "audience", "analyst"))
def customer_segments(ctx: SkillContext, args: SegmentArgs) -> CustomerSegments:
    """RFM customer segments (重要价值/重要保持/…): counts, GMV share, order value, repeat rate, new vs returning buyers, actions."""
    with open_store(ctx) as d:
        end = args.end or d.window_end()
        start = end - dt.timedelta(days=args.days - 1)
        recent = end - dt.timedelta(days=args.recent_days - 1)
        where, params = args.segment_sql(d)
        paid_orders = f"""SELECT o.order_id, nullif(trim(o.customer_id), '') AS customer_id,
                            local_day(o.created_at) AS day, {order_gmv("o", f"sum({line_gmv()})")}::DOUBLE AS paid
                     FROM orders o JOIN order_items i USING (order_id)
                     WHERE {paid()} AND local_day(o.created_at) <= $end AND {where}
                     GROUP BY o.order_id, o.customer_id, day, o.pay_amount"""
        params |= {"end": end, "start": start}
        rows = d.rows(
            f"""WITH o AS ({paid_orders})
                SELECT customer_id, $end - max(day) AS recency, count(*) FILTER (WHERE day >= $start) AS orders,
                       coalesce(sum(paid) FILTER (WHERE day >= $start), 0) AS spend, min(day) AS first_day,
                       max(day) >= $recent AS recent
                FROM o WHERE customer_id IS NOT NULL
                GROUP BY 1 HAVING count(*) FILTER (WHERE day >= $start) > 0 ORDER BY customer_id""",
            params | {"recent": recent},
        )
        guests = d.rows(
            f"""WITH o AS ({paid_orders}) SELECT count(*) AS n, coalesce(sum(paid), 0) AS gmv
                FROM o WHERE customer_id IS NULL AND day >= $start""",
            params,
        )[0]
        lang, currency = d.lang, d.currency
    seg = RFMSegmenter(center=args.center).fit(
        [r["recency"] for r in rows], [r["orders"] for r in rows], [r["spend"] for r in rows]
    )
    total_gmv = sum(r["spend"] for r in rows)
    total_orders = sum(int(r["orders"]) for r in rows)
    segments = []
    for key, _, _ in SEGMENTS.values():
        members = [r for r, k in zip(rows, seg.segments_, strict=True) if k == key]
        if not members:
            continue
        gmv, orders = sum(r["spend"] for r in members), sum(int(r["orders"]) for r in members)
        segments.append(
            Segment(
                key=key,
                label=pick(lang, *LABELS[key]),
                customers=len(members),
                share_of_customers=round(len(members) / len(rows), 4),
                gmv=round(gmv, 2),
                share_of_gmv=round(gmv / total_gmv, 4) if total_gmv else 0.0,
                orders=orders,
                avg_order_value=ratio(gmv, orders, 2),
                repeat_rate=round(sum(int(r["orders"]) >= 2 for r in members) / len(members), 4),
                avg_recency_days=round(sum(r["recency"] for r in members) / len(members), 1),
                suggested_action=pick(lang, *ACTIONS[key]),
                top_customers=[
                    r["customer_id"] for r in sorted(members, key=lambda r: -r["spend"])[:CONTACTS]
                ]
                if key in OUTREACH
                else [],
            )
        )
    segments.sort(key=lambda s: -s.gmv)
    recent_rows = [r for r in rows if r["recent"]]
    new = sum(1 for r in recent_rows if r["first_day"] >= recent)
    one_time = ratio(sum(int(r["orders"]) == 1 for r in rows), len(rows))
    recs, note = _advice(segments, one_time, lang)
    return CustomerSegments(
        note=note,
        guest_orders=int(guests["n"]),
        guest_gmv=round(float(guests["gmv"]), 2),
        one_time_share=one_time,
        currency=currency,
        start=start,
        end=end,
        customers=len(rows),
        gmv=round(total_gmv, 2),
        avg_order_value=ratio(total_gmv, total_orders, 2),
        repeat_rate=ratio(sum(int(r["orders"]) >= 2 for r in rows), len(rows)),
        thresholds=dict(
            zip(
                ("recency_days", "orders", "spend"),
                (round(t, 2) for t in seg.thresholds_),
                strict=True,
            )
        ),
        segments=segments,
        recent_buyers=len(recent_rows),
        new_buyers=new,
        returning_buyers=len(recent_rows) - new,
        recommendations=recs,
    )


def _advice(
    segments: list[Segment], one_time: float | None, lang: Lang
) -> tuple[list[Recommendation], str | None]:
    """An outreach per valuable segment, or — when nearly everyone bought once — one note and
    one recommendation: the store's task is a second order, not a campaign per segment.
    """
    if one_time is not None and one_time >= ONE_TIME_SHARE:
        note = pick(
            lang,
            f"{pct(one_time)} 的客户只买过一次：RFM 分群在这里区分不出谁更忠诚，不宜按分群做营销。",
            f"{pct(one_time)} of customers bought only once: RFM segments cannot tell loyal customers "
            "apart here, so they are no basis for campaigns.",
        )
        rec = Recommendation(
            text=pick(
                lang,
                "先促成第二单：首单后跟进使用体验、随包裹附复购券，并对比复购率变化",
                "Win second orders first: follow up after the first order and include a repeat-purchase "
                "coupon in the parcel, then watch the repeat rate",
            )
        )
        return [rec], note
    recs = [
        Recommendation(
            text=pick(
                lang,
                f"{s.label}（{s.customers}）：{s.suggested_action}",
                f"{s.label} ({s.customers}): {s.suggested_action}",
            )
        )
        for s in segments
        if s.key in OUTREACH
    ]
    return recs, None


def register(registry: SkillRegistry) -> None:
    """Register the customer skills."""
    registry.register(customer_segments)
