"""Ad questions: per campaign spend, clicks, CTR, CPC, conversions, GMV and ROI against the target,
with bid and budget suggestions (numbers only: changing them goes through ``propose_action``).

ROI is the platform's: attributed GMV / spend (ROAS). A campaign's target is its own
``target_roi``, else the argument, else ``[targets] roi`` in store.toml, else 3.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

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
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, num, tr

DEFAULT_TARGET_ROI = 3.0
Move = Literal["raise_bid", "lower_bid", "raise_budget", "pause", "keep", "too_little_data"]


class AdsArgs(PeriodArgs):
    """Which campaigns, over which period (default: the last 14 days)."""

    days: int = Field(
        default=14, ge=1, le=3660, description="length of the period when `start` is not given"
    )
    target_roi: float | None = Field(
        default=None, gt=0, description="target for campaigns without their own"
    )
    campaign_id: str | None = Field(default=None, description="only this campaign")
    min_clicks: int = Field(
        default=50, ge=1, description="clicks a campaign needs before it is judged"
    )
    limit: int = Field(default=50, ge=1, le=500, description="at most this many campaigns")


class CampaignRow(BaseModel):
    """One campaign over the period."""

    campaign_id: str
    campaign_name: str | None
    kind: str | None
    spend: float = Field(description="money")
    impressions: int
    clicks: int
    ctr: float | None = Field(description="clicks / impressions (0-1)")
    cpc: float | None = Field(description="spend / clicks (money)")
    conversions: int = Field(description="attributed orders")
    cvr: float | None = Field(description="conversions / clicks (0-1)")
    gmv: float = Field(description="attributed GMV (money)")
    roi: float | None = Field(description="gmv / spend (ROAS)")
    roi_prev: float | None = Field(description="ROI of the period before")
    target_roi: float
    bid: float | None = Field(description="latest average bid (money)")
    daily_budget: float | None = Field(description="latest daily budget (money)")
    budget_limited_days: int = Field(description="days spend reached 95% of the budget")
    suggestion: Move
    reason: str
    proposed_bid: float | None = Field(description="new bid for raise_bid / lower_bid")
    proposed_daily_budget: float | None = Field(description="new budget for raise_budget")


class AdsPerformance(DataAnswer):
    """Campaigns against their ROI target, the best and worst, and what to change."""

    start: dt.date | None = None
    end: dt.date | None = None
    spend: float = 0.0
    gmv: float = 0.0
    roi: float | None = None
    clicks: int = 0
    conversions: int = 0
    best: list[str] = Field(
        default_factory=list, description="campaign_ids with the highest ROI (judged ones)"
    )
    worst: list[str] = Field(
        default_factory=list, description="campaign_ids with the lowest ROI (judged ones)"
    )
    campaigns: list[CampaignRow] = Field(default_factory=list, description="most spend first")

    def render(self, lang: Lang, currency: str = "") -> str:
        """Spend, GMV and ROI, then each campaign against its target."""
        cur = self.money_in(currency)
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：广告花费 {money(self.spend, cur, lang)}，带来成交 {money(self.gmv, cur, lang)}，"
            f"ROI {num(self.roi, 2)}，点击 {num(self.clicks)}，转化 {num(self.conversions)}。",
            f"{self.start} to {self.end}: ad spend {money(self.spend, cur, lang)}, GMV {money(self.gmv, cur, lang)}, "
            f"ROI {num(self.roi, 2)}, {num(self.clicks)} clicks, {num(self.conversions)} conversions.",
        )
        rows = [
            tr(
                lang,
                f"- {r.campaign_name or r.campaign_id}（{r.campaign_id}）：花费 {money(r.spend, cur, lang)}，ROI {num(r.roi, 2)}（目标 {num(r.target_roi, 2)}）",
                f"- {r.campaign_name or r.campaign_id} ({r.campaign_id}): spend {money(r.spend, cur, lang)}, ROI {num(r.roi, 2)} (target {num(r.target_roi, 2)})",
            )
            for r in self.campaigns
        ]
        return self.join(lang, head, rows)


def _facts(d: StoreData, args: AdsArgs) -> tuple[dt.date, dt.date, list[dict[str, Any]]]:
    start, end = d.window(args)
    pstart, _ = previous_window(start, end)
    rows = d.rows(
        """WITH day AS (
                SELECT campaign_id, date, sum(spend)::DOUBLE AS spend, sum(coalesce(impressions, 0)) AS impressions,
                       sum(clicks) AS clicks, sum(coalesce(conversions, 0)) AS conversions, sum(gmv)::DOUBLE AS gmv,
                       max(daily_budget)::DOUBLE AS budget, avg(bid)::DOUBLE AS bid, avg(target_roi)::DOUBLE AS target,
                       any_value(campaign_name) AS name, any_value(kind) AS kind
                FROM ad_campaigns WHERE date BETWEEN $ps AND $e AND ($cid IS NULL OR campaign_id = $cid) GROUP BY 1, 2)
           SELECT campaign_id, any_value(name) AS name, any_value(kind) AS kind,
                  sum(spend) FILTER (WHERE date >= $s) AS spend, sum(impressions) FILTER (WHERE date >= $s) AS impressions,
                  sum(clicks) FILTER (WHERE date >= $s) AS clicks, sum(conversions) FILTER (WHERE date >= $s) AS conversions,
                  sum(gmv) FILTER (WHERE date >= $s) AS gmv,
                  sum(spend) FILTER (WHERE date < $s) AS spend_prev, sum(gmv) FILTER (WHERE date < $s) AS gmv_prev,
                  arg_max(bid, date) FILTER (WHERE bid IS NOT NULL) AS bid,
                  arg_max(budget, date) FILTER (WHERE budget IS NOT NULL) AS budget,
                  avg(target) FILTER (WHERE date >= $s) AS target,
                  count(*) FILTER (WHERE date >= $s AND budget > 0 AND spend >= 0.95 * budget) AS limited_days
           FROM day GROUP BY 1 HAVING count(*) FILTER (WHERE date >= $s) > 0""",
        {"s": start, "e": end, "ps": pstart, "cid": args.campaign_id},
    )
    return start, end, rows


def suggest(
    roi: float | None,
    target: float,
    clicks: int,
    conversions: int,
    bid: float | None,
    budget: float | None,
    limited_days: int,
    min_clicks: int,
) -> tuple[Move, float | None, float | None]:
    """The move for one campaign, with the new bid or budget.

    >>> suggest(1.0, 3.0, 400, 0, 2.0, 100.0, 0, 50)
    ('pause', None, None)
    >>> suggest(2.4, 3.0, 400, 9, 2.0, 100.0, 0, 50)
    ('lower_bid', 1.6, None)
    >>> suggest(4.5, 3.0, 400, 30, 2.0, 100.0, 10, 50)
    ('raise_budget', None, 130.0)
    >>> suggest(4.5, 3.0, 400, 30, 2.0, 100.0, 0, 50)
    ('raise_bid', 2.2, None)
    """
    if roi is None or clicks < min_clicks:
        return "too_little_data", None, None
    if roi < 0.5 * target and (conversions == 0 or roi < 0.4 * target):
        return "pause", None, None
    if roi < 0.9 * target:
        return "lower_bid", (round(bid * max(0.7, roi / target), 2) if bid else None), None
    if roi >= 1.2 * target and budget and limited_days >= 3:
        return "raise_budget", None, round(budget * 1.3, 2)
    if roi >= 1.2 * target:
        return "raise_bid", (round(bid * 1.1, 2) if bid else None), None
    return "keep", None, None


def _reason(d: StoreData, move: Move, roi: float | None, target: float, limited: int) -> str:
    r = f"{roi:.2f}" if roi is not None else "-"
    return {
        "pause": d.text(
            f"ROI {r} 不到目标 {target:g} 的一半", f"ROI {r} is under half the target {target:g}"
        ),
        "lower_bid": d.text(
            f"ROI {r} 低于目标 {target:g}：降低出价减少低效点击",
            f"ROI {r} below target {target:g}: bid less to cut poor clicks",
        ),
        "raise_budget": d.text(
            f"ROI {r} 高于目标 {target:g}，且 {limited} 天预算花完",
            f"ROI {r} above target {target:g} and the budget ran out on {limited} days",
        ),
        "raise_bid": d.text(
            f"ROI {r} 高于目标 {target:g}：可加价拿更多流量",
            f"ROI {r} above target {target:g}: bid more for more traffic",
        ),
        "keep": d.text(f"ROI {r} 接近目标 {target:g}", f"ROI {r} near target {target:g}"),
        "too_little_data": d.text("点击太少，暂不判断", "too few clicks to judge"),
    }[move]


def _row(d: StoreData, r: dict[str, Any], args: AdsArgs, default_target: float) -> CampaignRow:
    spend, gmv, clicks = float(r["spend"] or 0), float(r["gmv"] or 0), int(r["clicks"] or 0)
    conversions, roi = int(r["conversions"] or 0), ratio(gmv, spend, 3)
    target = float(r["target"] or default_target)
    bid, budget, limited = r["bid"], r["budget"], int(r["limited_days"])
    move, new_bid, new_budget = suggest(
        roi, target, clicks, conversions, bid, budget, limited, args.min_clicks
    )
    return CampaignRow(
        campaign_id=r["campaign_id"],
        campaign_name=r["name"],
        kind=r["kind"],
        spend=round(spend, 2),
        impressions=int(r["impressions"] or 0),
        clicks=clicks,
        ctr=ratio(clicks, int(r["impressions"] or 0)),
        cpc=ratio(spend, clicks, 2),
        conversions=conversions,
        cvr=ratio(conversions, clicks),
        gmv=round(gmv, 2),
        roi=roi,
        roi_prev=ratio(float(r["gmv_prev"] or 0), float(r["spend_prev"] or 0), 3),
        target_roi=target,
        bid=round(bid, 2) if bid is not None else None,
        daily_budget=round(budget, 2) if budget is not None else None,
        budget_limited_days=limited,
        suggestion=move,
        reason=_reason(d, move, roi, target, limited),
        proposed_bid=new_bid,
        proposed_daily_budget=new_budget,
    )


def _recommendation(d: StoreData, c: CampaignRow) -> Recommendation | None:
    name = c.campaign_name or c.campaign_id
    if c.suggestion == "pause":
        return Recommendation(
            text=d.text(f"暂停「{name}」：{c.reason}", f"Pause '{name}': {c.reason}"),
            action="pause_campaign",
            params={"campaign_id": c.campaign_id},
        )
    if c.suggestion in ("lower_bid", "raise_bid") and c.proposed_bid:
        return Recommendation(
            text=d.text(
                f"「{name}」出价 {c.bid:g} → {c.proposed_bid:g}：{c.reason}",
                f"'{name}' bid {c.bid:g} → {c.proposed_bid:g}: {c.reason}",
            ),
            action="change_bid",
            params={"campaign_id": c.campaign_id, "bid": c.proposed_bid},
        )
    if c.suggestion == "raise_budget" and c.proposed_daily_budget:
        return Recommendation(
            text=d.text(
                f"「{name}」日预算 {c.daily_budget:g} → {c.proposed_daily_budget:g}：{c.reason}",
                f"'{name}' daily budget {c.daily_budget:g} → {c.proposed_daily_budget:g}: {c.reason}",
            ),
            action="change_budget",
            params={"campaign_id": c.campaign_id, "daily_budget": c.proposed_daily_budget},
        )
    return None


@skill(tags=("data", "ads"))
def ads_performance(ctx: SkillContext, args: AdsArgs) -> AdsPerformance:
    """Ad campaigns: spend, clicks, CTR, CPC, conversions, GMV, ROI vs target, best and worst, bid and budget suggestions."""
    with open_store(ctx) as d:
        base = d.answer_base("ad_campaigns")
        if base["missing"]:
            return AdsPerformance(**base)
        store_target = d.config.targets.roi if d.config else None
        target = args.target_roi or store_target or DEFAULT_TARGET_ROI
        start, end, facts = _facts(d, args)
        rows = sorted(
            (_row(d, r, args, target) for r in facts), key=lambda c: (-c.spend, c.campaign_id)
        )
        judged = sorted(
            (c for c in rows if c.suggestion != "too_little_data"),
            key=lambda c: (-(c.roi or 0), c.campaign_id),
        )
        moves = [
            rec for c in sorted(rows, key=lambda c: -c.spend) if (rec := _recommendation(d, c))
        ]
        spend, gmv = sum(c.spend for c in rows), sum(c.gmv for c in rows)
        return AdsPerformance(
            **base,
            start=start,
            end=end,
            spend=round(spend, 2),
            gmv=round(gmv, 2),
            roi=ratio(gmv, spend, 3),
            clicks=sum(c.clicks for c in rows),
            conversions=sum(c.conversions for c in rows),
            best=[c.campaign_id for c in judged[:3]],
            worst=[c.campaign_id for c in judged[::-1][:3]],
            campaigns=rows[: args.limit],
            recommendations=moves[:8],
        )


def register(registry: SkillRegistry) -> None:
    """Register the ad skills."""
    registry.register(ads_performance)
