"""From findings, KPIs, movers and upcoming promotions to concrete actions.

Candidates, most urgent first: findings grouped by kind (severity, then money at stake), KPI alarms
the findings do not already cover (late shipping, ROI under target, refund rate up, conversion down),
promotions starting within two weeks, then what the movers suggest. The owner's three decisions are
the first three; the weekly plan takes three to five, with at least one per source that has any.

Actions fit the data and never contradict each other: money at stake is counted once (a per-order
finding a store finding lists is not added again), no ad advice without ad data, no "ship the N
overdue orders" when none is overdue, and a listing with a complaint, stock, price or outlier
finding (``DO_NOT_PUSH``) is never the riser to back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from shopkeeper.inspection.kinds import kind_label
from shopkeeper.inspection.models import SEVERITY_ORDER, Finding
from shopkeeper.reports.models import Action, Kpi, Movers, Role
from shopkeeper.reports.text import short_title
from shopkeeper.text import change, money, pct, pick

OWNER_OF: dict[str, Role] = {
    "ad_roi_below_target": "ads",
    "ad_budget_limited": "ads",
    "keyword_opportunity": "ads",
    "negative_reviews": "cs",
    "refund_spike": "cs",
    "gmv_drop": "owner",
}
PLAN_MAX, DECISIONS = 5, 3
PROMO_HORIZON_DAYS = 14
ON_TIME_FLOOR = 0.95
REFUND_RISE, CONVERSION_FALL = 0.2, -0.1
DO_NOT_PUSH = frozenset(
    {
        "negative_reviews",
        "refund_spike",
        "listing_quality",
        "price_anomaly",
        "out_of_stock",
        "stockout_risk",
        "outlier_order",
        "delivery_late",
        "cancellation_spike",
        "traffic_black_hole",
    }
)
"""Finding kinds after which a plan never says to push the same listing (more ads, back it)."""


@dataclass(frozen=True)
class Promotion:
    """A promotion that starts soon."""

    id: str
    name: str
    start: dt.date
    days_away: int


@dataclass
class Signals:
    """What the actions are derived from."""

    lang: str
    currency: str
    kpis: dict[str, Kpi]
    findings: list[Finding]
    movers: Movers | None
    promotions: list[Promotion] = field(default_factory=list)
    top_sellers: list[str] = field(default_factory=list)
    refund_reason: str | None = None
    overdue_orders: int = 0
    brand: str | None = None

    @property
    def has_ads(self) -> bool:
        """Whether the store has ad data over the period (no ad advice without it)."""
        spend = self.kpis.get("ad_spend")
        return spend is not None and spend.value is not None

    def name(self, title: str, width: int = 28) -> str:
        """A listing's short name."""
        return short_title(title, width, self.brand)


def _listed(f: Finding) -> set[str]:
    """The entity ids an aggregate finding lists in its evidence (orders, SKUs, listings…)."""
    out: set[str] = set()
    for key in ("order_ids", "sku_ids", "product_ids", "entities"):
        for item in f.evidence.get(key) or []:
            out.add(str(item.get("id")) if isinstance(item, dict) else str(item))
    return out


def money_once(findings: list[Finding]) -> float:
    """Money at stake over findings, each amount counted once: a per-entity finding that a store
    finding of the same kind already lists is part of that finding's money.
    """
    listed = {(f.kind, i) for f in findings if f.entity.type == "store" for i in _listed(f)}
    return sum(
        f.money for f in findings if f.entity.type == "store" or (f.kind, f.entity.id) not in listed
    )


def _products_of(f: Finding) -> set[str]:
    ids = {str(f.evidence[k]) for k in ("product_id",) if f.evidence.get(k) is not None}
    ids |= {str(p) for p in f.evidence.get("product_ids") or []}
    if f.entity.type == "product":
        ids.add(f.entity.id)
    for m in f.evidence.get("entities") or []:
        if isinstance(m, dict) and m.get("type") == "product":
            ids.add(str(m.get("id")))
    return ids


def troubled(s: Signals) -> set[str]:
    """Listings with a finding that advises against pushing them (complaints, stock, price…)."""
    return {p for f in s.findings if f.kind in DO_NOT_PUSH for p in _products_of(f)}


def finding_actions(s: Signals) -> list[Action]:
    """One action per finding kind, for its most urgent finding; the count says how many more.

    A ``data_gap`` about a table is no action on the store (the report lists it with the missing
    data); a store that stopped trading is.
    """
    actionable = [f for f in s.findings if f.kind != "data_gap" or "trading_stop" in f.evidence]
    ranked = sorted(actionable, key=lambda f: (SEVERITY_ORDER[f.severity], -f.money, f.id))
    first_of: dict[str, int] = {}
    for i, f in enumerate(ranked):
        first_of.setdefault(f.kind, i)
    out = []
    for kind, group in groupby(
        sorted(ranked, key=lambda f: first_of[f.kind]), key=lambda f: f.kind
    ):
        items = list(group)
        head, n = items[0], len(items)
        subject = f"{kind_label(kind, s.lang)} · {s.name(head.entity.name or head.entity.id, 44)}"
        why = (
            head.title
            if n == 1
            else head.title + pick(s.lang, f"（同类共 {n} 条）", f" ({n} like this)")
        )
        stake = money_once(items) or None
        out.append(
            Action(
                subject=subject,
                title=head.recommendation,
                why=why,
                source="finding",
                ref=head.id,
                role=OWNER_OF.get(kind, "ops"),
                at_stake=stake,
            )
        )
    return out


def kpi_actions(s: Signals) -> list[Action]:
    """KPI alarms that no finding already covers."""
    kinds = {f.kind for f in s.findings}
    out: list[Action] = []
    ship = s.kpis.get("ship_on_time")
    if (
        ship
        and ship.value is not None
        and ship.value < ON_TIME_FLOOR
        and "shipping_delay" not in kinds
    ):
        out.append(
            Action(
                subject=ship.label,
                title=pick(
                    s.lang,
                    f"今天清完超时未发的 {s.overdue_orders} 单，并排查仓库发货瓶颈",
                    f"Ship the {s.overdue_orders} overdue orders today and find the warehouse bottleneck",
                )
                if s.overdue_orders
                else pick(
                    s.lang,
                    "排查这段时间发货超时的原因（仓库、快递揽收），避免再次超时",
                    "Find why orders shipped late in this period (warehouse, carrier pick-up) "
                    "before it happens again",
                ),
                why=pick(
                    s.lang,
                    f"{ship.label} {pct(ship.value)}，低于 {pct(ON_TIME_FLOOR, 0)}",
                    f"{ship.label}: {pct(ship.value)}, under {pct(ON_TIME_FLOOR, 0)}",
                ),
                source="kpi",
                ref="ship_on_time",
                role="ops",
            )
        )
    roi = s.kpis.get("roi")
    if (
        roi
        and roi.value is not None
        and roi.target
        and roi.value < roi.target
        and "ad_roi_below_target" not in kinds
    ):
        out.append(
            Action(
                subject=roi.label,
                title=pick(
                    s.lang,
                    "下调 ROI 低于目标的推广计划出价或预算，把钱挪给达标的计划",
                    "Cut bids or budgets of campaigns under target ROI and move the money to those above it",
                ),
                why=pick(
                    s.lang,
                    f"推广 ROI {roi.value:.2f}，目标 {roi.target:g}",
                    f"Ad ROI {roi.value:.2f} against a target of {roi.target:g}",
                ),
                source="kpi",
                ref="roi",
                role="ads",
            )
        )
    refund = s.kpis.get("refund_rate")
    if (
        refund
        and refund.baseline.ratio is not None
        and refund.baseline.ratio > REFUND_RISE
        and "refund_spike" not in kinds
    ):
        reason = s.refund_reason or pick(s.lang, "主要退款原因", "the top refund reason")
        out.append(
            Action(
                subject=refund.label,
                title=pick(
                    s.lang,
                    f"针对“{reason}”改进详情页说明和包装，并回访近期退款买家",
                    f"Fix what causes “{reason}” (listing text, packing) and call back recent refunders",
                ),
                why=pick(
                    s.lang,
                    f"退款率 {pct(refund.value)}，{change(refund.baseline.ratio)}",
                    f"Refund rate {pct(refund.value)}, {change(refund.baseline.ratio)}",
                ),
                source="kpi",
                ref="refund_rate",
                role="cs",
            )
        )
    conv = s.kpis.get("conversion")
    if (
        conv
        and conv.baseline.ratio is not None
        and conv.baseline.ratio < CONVERSION_FALL
        and "conversion_drop" not in kinds
    ):
        names = [
            s.name(m.title, 20)
            for m in (s.movers.falling if s.movers else [])
            if m.reason == "conversion"
        ][:2]
        which = (
            "、".join(names) if names else pick(s.lang, "转化下降的商品", "the listings that fell")
        )
        out.append(
            Action(
                subject=conv.label,
                title=pick(
                    s.lang,
                    f"检查 {which} 的价格、主图和评价",
                    f"Check price, main image and reviews of {which}",
                ),
                why=pick(
                    s.lang,
                    f"转化率 {pct(conv.value)}，{change(conv.baseline.ratio)}",
                    f"Conversion {pct(conv.value)}, {change(conv.baseline.ratio)}",
                ),
                source="kpi",
                ref="conversion",
                role="ops",
            )
        )
    return out


def promotion_actions(s: Signals) -> list[Action]:
    """Get ready for promotions that start within two weeks."""
    sellers = pick(s.lang, "、", ", ").join(s.top_sellers)
    return [
        Action(
            subject=p.name,
            title=pick(
                s.lang,
                f"备货并设置活动推广预算，重点：{sellers}",
                f"Stock up and set ad budgets; focus on {sellers}",
            )
            if s.has_ads
            else pick(s.lang, f"提前备货，重点：{sellers}", f"Stock up; focus on {sellers}"),
            why=pick(
                s.lang,
                f"{p.start:%m-%d} 开始（{p.days_away} 天后）",
                f"Starts {p.start:%b %d} (in {p.days_away} days)",
            ),
            source="promotion",
            ref=p.id,
            role="ops",
        )
        for p in s.promotions[:1]
    ]


def mover_actions(s: Signals) -> list[Action]:
    """Ride the best riser; find out why the worst faller fell."""
    out: list[Action] = []
    risers = [m for m in (s.movers.rising if s.movers else []) if m.product_id not in troubled(s)]
    if risers:
        m = risers[0]
        name = s.name(m.title, 44)
        out.append(
            Action(
                subject=name,
                title=pick(
                    s.lang,
                    "加码：确保库存充足，适当提高推广预算",
                    "Back it: keep it in stock and raise its ad budget",
                )
                if s.has_ads
                else pick(s.lang, "加码：确保库存充足", "Back it: keep it in stock"),
                why=pick(
                    s.lang,
                    f"支付金额 {money(m.change, s.currency, s.lang, digits=None)}（{m.reason_text}）",
                    f"GMV {money(m.change, s.currency, s.lang, digits=None)} ({m.reason_text})",
                ),
                source="mover",
                ref=m.product_id,
                role="ops",
                at_stake=m.change,
            )
        )
    if s.movers and s.movers.falling:
        m = s.movers.falling[0]
        name = s.name(m.title, 44)
        out.append(
            Action(
                subject=name,
                title=pick(
                    s.lang,
                    f"排查下滑原因（{m.reason_text}）并在本周内修复",
                    f"Find out why it fell ({m.reason_text}) and fix it this week",
                ),
                why=pick(
                    s.lang,
                    f"支付金额 {money(m.change, s.currency, s.lang, digits=None)}",
                    f"GMV {money(m.change, s.currency, s.lang, digits=None)}",
                ),
                source="mover",
                ref=m.product_id,
                role="ops",
                at_stake=-m.change,
            )
        )
    return out


def decisions(s: Signals) -> list[Action]:
    """The owner's three decisions: the most urgent candidates."""
    return (finding_actions(s) + kpi_actions(s) + promotion_actions(s) + mover_actions(s))[
        :DECISIONS
    ]


def weekly_plan(s: Signals) -> list[Action]:
    """Three to five actions for the coming week: the two most urgent findings, a KPI alarm and a
    promotion when there are any, then more findings, alarms and movers up to five.
    """
    found, alarms, promos, moves = (
        finding_actions(s),
        kpi_actions(s),
        promotion_actions(s),
        mover_actions(s),
    )
    first = found[:2] + alarms[:1] + promos[:1]
    return (first + found[2:3] + alarms[1:2] + moves)[:PLAN_MAX]
