"""Ads: ad_roi_below_target and ad_budget_limited, per campaign over several recent days.

A campaign's day is the sum of its rows (per listing / audience); its budget is the day's largest
``daily_budget``; its target is its own ``target_roi``, else the store's ``[targets] roi``. A
campaign without either target is not judged. One day never decides: both rules look at a window
of days and at how many of them agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule


def _campaigns(ctx: InspectionContext, days: int, full_share: float) -> list[dict[str, Any]]:
    """Per campaign over the last ``days`` days: spend, GMV, days with spend, days below target,
    days with the budget used up (spend ≥ ``full_share`` × budget), and its share of all ad spend.
    """
    start = ctx.as_of - dt.timedelta(days=days - 1)
    return ctx.rows(
        """WITH d AS (
               SELECT campaign_id, date, any_value(campaign_name) AS name, any_value(kind) AS kind,
                      sum(spend)::DOUBLE AS spend, sum(gmv)::DOUBLE AS gmv, max(daily_budget)::DOUBLE AS budget,
                      coalesce(max(target_roi), ?)::DOUBLE AS target, avg(bid)::DOUBLE AS bid
               FROM ad_campaigns WHERE date BETWEEN ? AND ? GROUP BY ALL)
           SELECT campaign_id, any_value(name) AS name, any_value(kind) AS kind, sum(spend) AS spend, sum(gmv) AS gmv,
                  arg_max(budget, date) AS budget, arg_max(target, date) AS target, arg_max(bid, date) AS bid,
                  count(*) FILTER (WHERE spend > 0) AS days_spent,
                  count(*) FILTER (WHERE spend > 0 AND gmv < target * spend) AS days_below,
                  count(*) FILTER (WHERE budget > 0 AND spend >= ? * budget) AS days_capped,
                  sum(spend) FILTER (WHERE budget > 0) / nullif(sum(budget), 0) AS utilization,
                  sum(spend) / nullif(sum(sum(spend)) OVER (), 0) AS spend_share
           FROM d GROUP BY campaign_id HAVING any_value(target) IS NOT NULL ORDER BY campaign_id""",
        [ctx.config.targets.roi, start, ctx.as_of, full_share],
    )


class RoiSettings(BaseModel):
    """Thresholds of ad_roi_below_target."""

    window_days: int = Field(7, description="judge the last this many days together")
    min_days_spent: int = Field(5, description="the campaign spent on at least this many of them")
    max_roi_ratio: float = Field(
        0.8, description="ROI of the window at most this fraction of target"
    )
    min_days_below: float = Field(
        0.7, description="…and below target on at least this share of its days"
    )
    min_spend_share: float = Field(
        0.03, description="spending meaningfully: at least this share of all ad spend"
    )
    pause_below_ratio: float = Field(
        0.5, description="ROI under this fraction of target: propose pausing"
    )


def detect_ad_roi_below_target(ctx: InspectionContext, s: RoiSettings) -> list[Finding]:
    """A campaign that spent on at least ``min_days_spent`` of the last ``window_days`` days, at least
    ``min_spend_share`` of the store's ad spend, with ROI (GMV / spend) over the window at most
    ``max_roi_ratio`` × its target and below target on at least ``min_days_below`` of its days.
    Proposes pausing it when ROI is under ``pause_below_ratio`` × target, else lowering the bid in
    proportion. Impact: the spend not earned back at target ROI (spend − GMV / target).
    """
    out = []
    for c in _campaigns(ctx, s.window_days, 0.95):
        spend, gmv, target = c["spend"] or 0.0, c["gmv"] or 0.0, c["target"]
        roi = gmv / spend if spend else 0.0
        if (
            c["days_spent"] < s.min_days_spent
            or (c["spend_share"] or 0) < s.min_spend_share
            or roi > s.max_roi_ratio * target
            or c["days_below"] < s.min_days_below * c["days_spent"]
        ):
            continue
        out.append(_roi_finding(ctx, s, c, roi))
    return out


def _roi_finding(ctx: InspectionContext, s: RoiSettings, c: dict[str, Any], roi: float) -> Finding:
    cid, target, spend = str(c["campaign_id"]), float(c["target"]), float(c["spend"])
    wasted = spend - float(c["gmv"] or 0.0) / target
    pause = roi < s.pause_below_ratio * target
    if pause:
        actions = [Action(type="pause_campaign", params={"campaign_id": cid})]
        advice = ctx.text(
            "暂停该计划，检查近期的出价/关键词/人群改动，调整后小预算重新测试",
            "Pause it, review recent bid, keyword and audience changes, then restart on a small budget",
        )
    else:
        bid = round(float(c["bid"]) * roi / target, 2) if c["bid"] else None
        actions = [Action(type="change_bid", params={"campaign_id": cid, "bid": bid})]
        advice = ctx.text(
            f"按 ROI 差距下调出价{f'至 {bid}' if bid else ''}，剔除低转化关键词/人群",
            f"Lower the bid in line with the ROI gap{f' to {bid}' if bid else ''} and drop "
            "keywords or audiences that do not convert",
        )
    return Finding.make(
        kind="ad_roi_below_target",
        as_of=ctx.as_of,
        severity="high" if pause else "medium",
        entity=Entity(type="campaign", id=cid, name=c["name"]),
        title=ctx.text(
            f"近 {s.window_days} 天 ROI {roi:.2f}，低于目标 {target:g}，花费 {ctx.money(spend)}",
            f"ROI {roi:.2f} over {s.window_days} days against a target of {target:g}, "
            f"{ctx.money(spend)} spent",
        ),
        evidence={
            "roi": round(roi, 2),
            "target_roi": target,
            "spend": round(spend, 2),
            "gmv": round(float(c["gmv"] or 0.0), 2),
            "days": s.window_days,
            "days_spent": int(c["days_spent"]),
            "days_below_target": int(c["days_below"]),
            "spend_share": round(float(c["spend_share"]), 3),
            "daily_budget": c["budget"],
            "bid": c["bid"],
            "campaign_kind": c["kind"],
        },
        impact=Impact(metric="ad_spend_wasted", value=round(max(wasted, 0.0), 2)),
        recommendation=advice,
        actions=actions,
    )


class BudgetSettings(BaseModel):
    """Thresholds of ad_budget_limited."""

    window_days: int = Field(14, description="judge the last this many days together")
    min_days_spent: int = Field(10, description="the campaign spent on at least this many of them")
    full_share: float = Field(
        0.95, description="a day's budget is used up when spend reaches this share of it"
    )
    min_capped_share: float = Field(
        0.7, description="budget used up on at least this share of the days"
    )
    min_roi_ratio: float = Field(
        1.3, description="ROI of the window at least this multiple of target"
    )
    raise_by: float = Field(0.5, description="proposed budget increase (a fraction)")


def detect_ad_budget_limited(ctx: InspectionContext, s: BudgetSettings) -> list[Finding]:
    """A campaign with ROI over the last ``window_days`` days at least ``min_roi_ratio`` × its
    target that spent on at least ``min_days_spent`` of those days and used up its daily budget
    (spend ≥ ``full_share`` × budget) on at least ``min_capped_share`` of them: an opportunity.
    Proposes raising the budget by ``raise_by``.
    Impact: the GMV the extra budget would bring at no better than the target ROI (per week).
    """
    out = []
    for c in _campaigns(ctx, s.window_days, s.full_share):
        spend, gmv, target, budget = c["spend"] or 0.0, c["gmv"] or 0.0, c["target"], c["budget"]
        roi = gmv / spend if spend else 0.0
        if (
            not budget
            or c["days_spent"] < s.min_days_spent
            or roi < s.min_roi_ratio * target
            or c["days_capped"] < s.min_capped_share * s.window_days
        ):
            continue
        out.append(_budget_finding(ctx, s, c, roi))
    return out


def _budget_finding(
    ctx: InspectionContext, s: BudgetSettings, c: dict[str, Any], roi: float
) -> Finding:
    cid, budget, target = str(c["campaign_id"]), float(c["budget"]), float(c["target"])
    new = round(budget * (1 + s.raise_by), 2)
    return Finding.make(
        kind="ad_budget_limited",
        as_of=ctx.as_of,
        severity="medium",
        entity=Entity(type="campaign", id=cid, name=c["name"]),
        title=ctx.text(
            f"ROI {roi:.2f}（目标 {target:g}），近 {s.window_days} 天有 {c['days_capped']} 天预算花光",
            f"ROI {roi:.2f} (target {target:g}) and the budget ran out on {c['days_capped']} of "
            f"{s.window_days} days",
        ),
        evidence={
            "roi": round(roi, 2),
            "target_roi": target,
            "daily_budget": budget,
            "days_budget_used_up": int(c["days_capped"]),
            "days": s.window_days,
            "spend": round(float(c["spend"]), 2),
            "budget_utilization": round(float(c["utilization"] or 0.0), 3),
            "campaign_kind": c["kind"],
        },
        impact=Impact(metric="gmv_opportunity", value=round((new - budget) * 7 * target, 2)),
        recommendation=ctx.text(
            f"把日预算从 {ctx.money(budget)} 提到 {ctx.money(new)}，观察 3-5 天 ROI 是否仍高于目标",
            f"Raise the daily budget from {ctx.money(budget)} to {ctx.money(new)} and check "
            "over 3-5 days that ROI stays above target",
        ),
        actions=[Action(type="change_budget", params={"campaign_id": cid, "daily_budget": new})],
    )


RULES = (
    Rule(
        "ad_roi_below_target",
        ("ad_campaigns",),
        RoiSettings,
        detect_ad_roi_below_target,
        minimums=(Minimum("min_days_spent", "days of the window the campaign spent on"),),
    ),
    Rule(
        "ad_budget_limited",
        ("ad_campaigns",),
        BudgetSettings,
        detect_ad_budget_limited,
        minimums=(Minimum("min_days_spent", "days of the window the campaign spent on"),),
    ),
)
