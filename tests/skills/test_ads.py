"""ads_performance against SQL; every proposed move is a valid typed action."""

from __future__ import annotations

import pytest

from shopkeeper.ops.actions import validate_params
from shopkeeper.skills.ads import suggest

from .conftest import Stores


def test_campaigns_match_sql(stores: Stores) -> None:
    out = stores.run("zh", "ads_performance", {"days": 14})
    spend, gmv, clicks = stores.sql(
        "zh",
        "SELECT sum(spend)::DOUBLE, sum(gmv)::DOUBLE, sum(clicks) FROM ad_campaigns WHERE date BETWEEN ? AND ?",
        [out.start, out.end],
    )[0]
    assert (out.spend, out.gmv, out.clicks) == (
        pytest.approx(spend, abs=0.05),
        pytest.approx(gmv, abs=0.05),
        clicks,
    )
    assert out.roi == pytest.approx(gmv / spend, abs=1e-3)
    c = out.campaigns[0]
    cs, cc = stores.sql(
        "zh",
        "SELECT sum(spend)::DOUBLE, sum(clicks) FROM ad_campaigns WHERE campaign_id = ? AND date BETWEEN ? AND ?",
        [c.campaign_id, out.start, out.end],
    )[0]
    assert (c.spend, c.clicks) == (pytest.approx(cs, abs=0.01), cc)
    assert c.cpc == pytest.approx(cs / cc, abs=0.01)
    judged = {x.campaign_id: x for x in out.campaigns if x.suggestion != "too_little_data"}
    assert judged[out.best[0]].roi >= judged[out.worst[0]].roi
    for x in out.campaigns:
        assert (x.suggestion, x.proposed_bid, x.proposed_daily_budget) == suggest(
            x.roi,
            x.target_roi,
            x.clicks,
            x.conversions,
            x.bid,
            x.daily_budget,
            x.budget_limited_days,
            50,
        )


def test_recommendations_are_valid_actions(stores: Stores) -> None:
    out = stores.run("zh", "ads_performance")
    assert out.recommendations
    for r in out.recommendations:
        assert r.action in ("change_bid", "change_budget", "pause_campaign")
        validate_params(r.action, r.params)


def test_target_roi_argument(stores: Stores) -> None:
    low = stores.run("en", "ads_performance", {"target_roi": 0.5})
    high = stores.run("en", "ads_performance", {"target_roi": 50})
    own = {
        c.campaign_id for c in low.campaigns if c.target_roi != 0.5
    }  # campaigns with their own target
    assert all(c.target_roi == 50 for c in high.campaigns if c.campaign_id not in own)
    assert sum(c.suggestion == "pause" for c in high.campaigns) >= sum(
        c.suggestion == "pause" for c in low.campaigns
    )
