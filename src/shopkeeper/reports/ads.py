"""The ads cut: campaigns' spend and ROI against their target, the best and the worst."""

from __future__ import annotations

from typing import Any

from shopkeeper.reports.kpis import AD_ROWS
from shopkeeper.reports.models import CampaignRow, CampaignsSection, Window
from shopkeeper.store.query import Query

TOP = 3
MIN_SPEND_SHARE = 0.02
"""Campaigns spending less than this share of the total are left out of best / worst."""


def _row(r: dict[str, Any]) -> CampaignRow:
    spend, gmv = float(r["spend"]), float(r["gmv"])
    budget = float(r["budget"]) if r["budget"] else None
    return CampaignRow(
        campaign_id=str(r["campaign_id"]),
        name=str(r["name"] or r["campaign_id"]),
        kind=r["kind"],
        spend=spend,
        gmv=gmv,
        roi=gmv / spend if spend else None,
        target_roi=float(r["target"]) if r["target"] is not None else None,
        budget_use=spend / budget if budget else None,
    )


def campaigns_section(db: Query, period: Window, store_target: float | None) -> CampaignsSection:
    """Every campaign over the period; ``top``/``bottom`` by ROI among those spending meaningfully."""
    if not db.has("ad_campaigns"):
        return CampaignsSection(available=False, missing=["ad_campaigns"], target_roi=store_target)
    rows = db.rows(
        f"""WITH a AS ({AD_ROWS}),
            days AS (SELECT campaign_id, date, max(daily_budget) AS budget FROM a GROUP BY ALL)
            SELECT campaign_id, any_value(campaign_name) AS name, any_value(kind) AS kind,
                   sum(spend) AS spend, sum(gmv) AS gmv, coalesce(avg(target_roi), ?) AS target,
                   (SELECT sum(budget) FROM days d WHERE d.campaign_id = a.campaign_id
                      AND d.date BETWEEN ? AND ?) AS budget
            FROM a WHERE date BETWEEN ? AND ? GROUP BY campaign_id HAVING sum(spend) > 0""",
        [store_target, period.start, period.end, period.start, period.end],
    )
    camps = [_row(r) for r in rows]
    spend = sum(c.spend for c in camps)
    gmv = sum(c.gmv for c in camps)
    ranked = sorted(
        (c for c in camps if c.roi is not None and c.spend >= MIN_SPEND_SHARE * spend),
        key=lambda c: (-(c.roi or 0.0), c.campaign_id),
    )
    bottom = list(reversed(ranked[TOP:][-TOP:]))
    return CampaignsSection(
        target_roi=store_target,
        spend=spend,
        gmv=gmv,
        roi=gmv / spend if spend else None,
        below_target=sum(
            1 for c in camps if c.target_roi and c.roi is not None and c.roi < c.target_roi
        ),
        top=ranked[:TOP],
        bottom=bottom,
    )
