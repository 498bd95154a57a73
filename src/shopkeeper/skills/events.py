"""Event plans: 双11, 双12, 618, 年货节, Black Friday / Cyber Monday and Prime Day.

A plan has a timeline (this year's dates of the event, from :func:`event_window`), a stock plan
(each SKU's normal daily rate × the lift the store saw at the same event last year, against its
free stock and what is on the way, with the day to reorder by given its lead time), an ad budget
plan per campaign (from ``ad_campaigns``: campaigns that pay back get the lift), threshold
discounts (满减) priced against the store's margin (cost from ``products``), customer-service
readiness, and the risks the latest inspection found. Where the team can act the plan carries
proposals (``replenish``, ``change_budget``) ready for ``propose_action``.

The calendar (event names and dates) lives in :mod:`shopkeeper.skills.event_calendar`.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.clock import today
from shopkeeper.errors import ConfigError
from shopkeeper.inspection.history import history
from shopkeeper.inspection.models import SEVERITY_ORDER
from shopkeeper.skills.common import DataAnswer, Recommendation, StoreData, open_store, ratio
from shopkeeper.skills.event_calendar import (
    EVENT_NAMES,
    Event,
    event_window,
    next_event,
    next_window,
)
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, num, pct, tr
from shopkeeper.skills.sales import paid_totals
from shopkeeper.store.sales import Sales

ASSUMED_LIFT = 1.5
"""Daily sales during an event over normal days, when the store has no history of that event."""
BASELINE_DAYS = 28
DEFAULT_LEAD_DAYS = 7


class EventArgs(BaseModel):
    """Which event to prepare for."""

    event: Event | None = Field(
        default=None,
        description="double11 (双11), double12 (双12), 618, new_year (年货节), "
        "black_friday (Black Friday / Cyber Monday) or prime_day (default: the store's next one)",
    )


class Milestone(BaseModel):
    """One step of the timeline."""

    day: dt.date
    zh: str
    en: str


class StockLine(BaseModel):
    """A SKU's need over the event against its stock."""

    sku_id: str
    title: str
    daily: float = Field(description="normal daily units")
    need: int = Field(description="units from today to the event's end, with the lift")
    stock: int = Field(description="free stock plus what is on the way")
    reorder: int
    order_by: dt.date | None = Field(description="the last day to order, given the lead time")
    late: bool = Field(default=False, description="the lead time no longer fits: order at once")


class BudgetLine(BaseModel):
    """A campaign's daily budget now and for the event."""

    campaign_id: str
    name: str
    roi: float | None
    daily_budget: float | None
    event_budget: float | None


class Promotion(BaseModel):
    """A threshold discount (满减) and what it leaves of the margin."""

    threshold: float
    off: float
    discount: float = Field(description="off / threshold (0-1)")
    margin_left: float = Field(description="margin on an order at the threshold after the discount")


class EventPlan(DataAnswer):
    """A plan for one event."""

    event: Event
    start: dt.date
    end: dt.date
    peak: dt.date
    lift: float
    lift_from_history: bool
    timeline: list[Milestone] = Field(default_factory=list)
    stock: list[StockLine] = Field(default_factory=list, description="reorders first")
    budgets: list[BudgetLine] = Field(default_factory=list)
    promotions: list[Promotion] = Field(default_factory=list)
    margin: float | None = Field(default=None, description="the store's gross margin (0-1)")
    orders_per_day: float = Field(default=0.0, description="expected orders a day in the event")
    risks: list[str] = Field(default_factory=list, description="the latest inspection's findings")

    def render(self, lang: Lang, currency: str = "") -> str:
        """The plan, section by section."""
        cur = self.money_in(currency)
        name = tr(lang, *EVENT_NAMES[self.event])
        source = (
            tr(lang, "去年同期活动的实际增幅", "last year's lift at the same event")
            if self.lift_from_history
            else tr(lang, "没有去年的活动数据，按假设", "no history of this event: an assumption")
        )
        lines = [
            tr(
                lang,
                f"{name}准备计划（{self.start} 至 {self.end}，高峰 {self.peak}）：预计日销为平时的 {self.lift:.1f} 倍（{source}）。",
                f"{name} plan ({self.start} to {self.end}, peak {self.peak}): daily sales expected at {self.lift:.1f}× normal ({source}).",
            ),
            tr(lang, "1. 时间表：", "1. Timeline:"),
            *[f"- {m.day} {tr(lang, m.zh, m.en)}" for m in self.timeline],
            tr(lang, "2. 备货：", "2. Stock:"),
        ]
        reorders = [s for s in self.stock if s.reorder]
        lines += [
            tr(
                lang,
                f"- {s.title}（{s.sku_id}）：需要 {s.need} 件，现有 {s.stock}，补 {s.reorder} 件，"
                + ("交期已来不及，立即下单" if s.late else f"最晚 {s.order_by} 下单"),
                f"- {s.title} ({s.sku_id}): needs {s.need}, has {s.stock}, reorder {s.reorder} "
                + ("now (the lead time no longer fits)" if s.late else f"by {s.order_by}"),
            )
            for s in reorders[:8]
        ] or [tr(lang, "- 现有库存够用到活动结束。", "- Stock covers the event.")]
        lines.append(tr(lang, "3. 推广预算：", "3. Ad budgets:"))
        lines += [
            tr(
                lang,
                f"- {b.name}（{b.campaign_id}）：ROI {num(b.roi)}，日预算 {money(b.daily_budget, cur, lang)} → {money(b.event_budget, cur, lang)}",
                f"- {b.name} ({b.campaign_id}): ROI {num(b.roi)}, daily budget {money(b.daily_budget, cur, lang)} → {money(b.event_budget, cur, lang)}",
            )
            for b in self.budgets[:6]
        ] or [
            tr(
                lang,
                "- 店铺没有推广数据，无法给出预算计划。",
                "- The store has no ads data: no budget plan.",
            )
        ]
        lines.append(
            tr(
                lang,
                f"4. 促销（毛利率 {pct(self.margin)}）：",
                f"4. Promotions (gross margin {pct(self.margin)}):",
            )
        )
        lines += [
            tr(
                lang,
                f"- 满 {money(p.threshold, cur, lang, digits=0)} 减 {money(p.off, cur, lang, digits=0)}（折让 {pct(p.discount)}，剩余毛利 {pct(p.margin_left)}）",
                f"- {money(p.off, cur, lang, digits=0)} off orders over {money(p.threshold, cur, lang, digits=0)} ({pct(p.discount)} off, {pct(p.margin_left)} margin left)",
            )
            for p in self.promotions
        ] or [
            tr(
                lang,
                "- 没有成本数据，无法按毛利定满减。",
                "- No cost data: discounts cannot be priced against margin.",
            )
        ]
        lines += [
            tr(lang, "5. 客服：", "5. Customer service:"),
            tr(
                lang,
                f"- 预计活动期每天约 {num(self.orders_per_day)} 单：提前排班，更新快捷回复（发货时间、满减规则、价保、退换），开启自动回复。",
                f"- About {num(self.orders_per_day)} orders a day expected: schedule staff, update quick replies (shipping times, discount rules, price protection, returns), switch on auto-replies.",
            ),
            tr(lang, "6. 风险（最近一次巡检）：", "6. Risks (latest inspection):"),
            *(
                [f"- {r}" for r in self.risks[:5]]
                or [tr(lang, "- 没有记录的风险。", "- None recorded.")]
            ),
        ]
        return "\n".join([*lines, *self.tail(lang)])


def _lift(d: StoreData, event: Event, start: dt.date, end: dt.date) -> float | None:
    """Daily GMV at last year's event over the 28 days before it (None without that history)."""
    try:
        s0, e0, _ = event_window(event, start.year - 1)
    except ConfigError:
        return None
    during = paid_totals(d.wh, s0, e0)
    before = paid_totals(d.wh, s0 - dt.timedelta(days=BASELINE_DAYS), s0 - dt.timedelta(days=1))
    if not during.orders or not before.orders:
        return None
    lift = (during.gmv / ((e0 - s0).days + 1)) / (before.gmv / BASELINE_DAYS)
    return round(max(lift, 1.0), 2)


def _stock(
    d: StoreData, as_of: dt.date, on: dt.date, end: dt.date, lift: float, length: int
) -> list[StockLine]:
    if not d.tables.get("inventory"):
        return []
    lines = []
    for r in Sales(d, as_of).stock():
        daily = float(r["rate"] or 0)
        if daily <= 0:
            continue
        before_event = max((end - on).days + 1 - length, 0)
        need = math.ceil(daily * before_event + daily * lift * length)
        stock = int(r["available"] or 0) + int(r["in_transit"] or 0)
        lead = int(r["lead_time_days"] or DEFAULT_LEAD_DAYS)
        order_by = end - dt.timedelta(days=length + lead - 1)
        lines.append(
            StockLine(
                sku_id=r["sku_id"],
                title=r["title"] or r["sku_id"],
                daily=round(daily, 2),
                need=need,
                stock=stock,
                reorder=max(need - stock, 0),
                order_by=max(order_by, on),
                late=order_by < on,
            )
        )
    return sorted(lines, key=lambda s: (-s.reorder, -s.need, s.sku_id))


def _budgets(d: StoreData, as_of: dt.date, lift: float) -> list[BudgetLine]:
    if not d.tables.get("ad_campaigns"):
        return []
    target = (d.config.targets.roi if d.config else None) or 2.0
    rows = d.rows(
        """SELECT campaign_id, any_value(campaign_name) AS name, sum(spend)::DOUBLE AS spend,
                  sum(gmv)::DOUBLE AS gmv, arg_max(daily_budget, date)::DOUBLE AS budget
           FROM ad_campaigns WHERE date BETWEEN ?::DATE - 13 AND ? GROUP BY 1 ORDER BY spend DESC""",
        [as_of, as_of],
    )
    lines = []
    for r in rows:
        roi = ratio(r["gmv"] or 0, r["spend"] or 0, 2)
        budget = r["budget"]
        grow = budget is not None and roi is not None and roi >= target
        lines.append(
            BudgetLine(
                campaign_id=r["campaign_id"],
                name=r["name"] or r["campaign_id"],
                roi=roi,
                daily_budget=budget,
                event_budget=round(budget * lift) if grow and budget else budget,
            )
        )
    return lines


def _promotions(d: StoreData, as_of: dt.date) -> tuple[float | None, list[Promotion]]:
    row = d.rows(
        """SELECT sum(i.quantity * p.cost)::DOUBLE AS cost, sum(i.quantity * i.unit_price)::DOUBLE AS sales
           FROM orders o JOIN order_items i USING (order_id) JOIN products p USING (sku_id)
           WHERE p.cost IS NOT NULL AND local_day(o.created_at) BETWEEN ?::DATE - 27 AND ?""",
        [as_of, as_of],
    )
    if not row or not row[0]["sales"]:
        return None, []
    margin = round(1 - row[0]["cost"] / row[0]["sales"], 4)
    totals = paid_totals(d.wh, as_of - dt.timedelta(days=BASELINE_DAYS - 1), as_of)
    aov = totals.gmv / totals.orders if totals.orders else 0
    if aov <= 0 or margin <= 0:
        return margin, []
    step = 10 ** max(int(math.log10(aov)) - 1, 0)
    threshold = math.ceil(aov * 1.3 / step) * step  # above the usual basket, to lift it
    promos: list[Promotion] = []
    for share in (0.05, 0.1, 0.15, 0.2):
        off = max(round(threshold * share / step) * step, 1)
        left = margin - off / threshold
        if left >= margin / 2 and all(p.off != off for p in promos):  # keep half the margin
            promos.append(
                Promotion(
                    threshold=threshold,
                    off=off,
                    discount=round(off / threshold, 4),
                    margin_left=round(left, 4),
                )
            )
    return margin, promos


def _timeline(
    on: dt.date, start: dt.date, end: dt.date, peak: dt.date, stock: list[StockLine]
) -> list[Milestone]:
    """The steps from ``on`` to after the event; steps whose day has passed are due today."""
    order_by = min((s.order_by for s in stock if s.reorder and s.order_by), default=None)
    steps = [
        *(
            [
                Milestone(
                    day=order_by,
                    zh="补货最晚下单日（按交期）",
                    en="last day to order stock (by lead time)",
                )
            ]
            if order_by
            else []
        ),
        Milestone(
            day=start - dt.timedelta(days=21),
            zh="报名平台活动，确定主推款和满减",
            en="sign up for the platform event; pick hero products and discounts",
        ),
        Milestone(
            day=start - dt.timedelta(days=10),
            zh="上架活动价和优惠券，准备详情页和主图",
            en="set event prices and coupons; update listing pages and images",
        ),
        Milestone(
            day=start - dt.timedelta(days=5),
            zh="加推广预算，预热人群（加购、收藏）",
            en="raise ad budgets; warm up audiences (carts, favourites)",
        ),
        Milestone(
            day=start - dt.timedelta(days=2),
            zh="客服排班和快捷回复就绪，仓库备人",
            en="customer service and warehouse staffed",
        ),
        Milestone(day=start, zh="活动开始", en="event starts"),
        Milestone(
            day=peak,
            zh="高峰日：盯库存、预算和发货",
            en="peak day: watch stock, budgets and shipping",
        ),
        Milestone(
            day=end + dt.timedelta(days=7),
            zh="复盘，处理售后高峰",
            en="review results; handle the after-sale peak",
        ),
    ]
    due = [
        m.model_copy(
            update={
                "day": on,
                "zh": f"（已过期，今天完成）{m.zh}",
                "en": f"(overdue: do today) {m.en}",
            }
        )
        if m.day < on
        else m
        for m in steps
    ]
    return sorted(due, key=lambda m: m.day)


def _risks(ctx: SkillContext, lang: Lang) -> list[str]:
    try:
        found = history(ctx.engine, ctx.store)
    except ConfigError:
        return []
    latest = [
        p.finding for p in found.problems if p.last_seen == found.latest and p.status != "resolved"
    ]
    latest.sort(key=lambda f: (SEVERITY_ORDER[f.severity], -(f.impact.value if f.impact else 0)))
    return [tr(lang, f"{f.title}（{f.id}）", f"{f.title} ({f.id})") for f in latest]


def _proposals(
    d: StoreData, stock: list[StockLine], budgets: list[BudgetLine]
) -> list[Recommendation]:
    recs = [
        Recommendation(
            text=d.text(
                f"补货 {s.title}（{s.sku_id}）{s.reorder} 件，{s.order_by} 前下单",
                f"reorder {s.reorder} of {s.title} ({s.sku_id}) by {s.order_by}",
            ),
            action="replenish",
            params={"sku_id": s.sku_id, "quantity": s.reorder},
        )
        for s in stock
        if s.reorder
    ][:5]
    recs += [
        Recommendation(
            text=d.text(
                f"活动期把 {b.name}（{b.campaign_id}）日预算调到 {b.event_budget:g}",
                f"raise {b.name} ({b.campaign_id}) to {b.event_budget:g} a day for the event",
            ),
            action="change_budget",
            params={"campaign_id": b.campaign_id, "daily_budget": b.event_budget},
        )
        for b in budgets
        if b.event_budget and b.daily_budget and b.event_budget > b.daily_budget
    ][:3]
    return recs


@skill(tags=("data", "analyst", "manager"))
def event_plan(ctx: SkillContext, args: EventArgs) -> EventPlan:
    """A plan for a sales event (双11, 双12, 618, 年货节, Black Friday, Prime Day): timeline, stock to reorder by when, ad budgets, threshold discounts, customer service and risks."""
    with open_store(ctx) as d:
        tz = d.config.timezone if d.config else "UTC"
        on = today(tz, settings=ctx.settings)
        event = args.event or next_event(d.config.language if d.config else "zh", on)
        start, end, peak = next_window(event, on)
        as_of = d.window_end()
        history_lift = _lift(d, event, start, end)
        lift = history_lift or ASSUMED_LIFT
        length = (end - start).days + 1
        stock = _stock(d, as_of, on, end, lift, length)
        budgets = _budgets(d, as_of, lift)
        margin, promos = _promotions(d, as_of)
        base = paid_totals(d.wh, as_of - dt.timedelta(days=BASELINE_DAYS - 1), as_of)
        extra: dict[str, Any] = d.answer_base("inventory", "ad_campaigns")
        recs = _proposals(d, stock, budgets)
    return EventPlan(
        **extra,
        event=event,
        start=start,
        end=end,
        peak=peak,
        lift=lift,
        lift_from_history=history_lift is not None,
        timeline=_timeline(on, start, end, peak, stock),
        stock=stock,
        budgets=budgets,
        promotions=promos,
        margin=margin,
        orders_per_day=round(base.orders / BASELINE_DAYS * lift, 1),
        risks=_risks(ctx, d.lang),
        recommendations=recs,
    )


def register(registry: SkillRegistry) -> None:
    """Register the event planner."""
    registry.register(event_plan)
