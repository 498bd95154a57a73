"""Role views: the same data, cut for who reads it.

- ``owner``: money — every KPI that adds up to profit, the three decisions to make, all findings;
- ``ops``: listings, stock and shipping;
- ``cs``: refunds, reviews and what customers ask in chats;
- ``ads``: campaigns, spend and ROI against target.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.reports.models import Role


@dataclass(frozen=True)
class RoleView:
    """What one role sees."""

    kpis: tuple[str, ...]
    sections: tuple[str, ...]
    kinds: frozenset[str] | None
    """Finding kinds shown (``None``: all)."""
    charts: tuple[str, ...]


ROLES: dict[Role, RoleView] = {
    "owner": RoleView(
        kpis=(
            "gmv",
            "orders",
            "buyers",
            "aov",
            "visitors",
            "conversion",
            "refund_rate",
            "ad_spend",
            "roi",
            "ship_on_time",
        ),
        sections=(),
        kinds=None,
        charts=("trend", "funnel", "movers"),
    ),
    "ops": RoleView(
        kpis=("orders", "units", "visitors", "conversion", "add_to_cart_rate", "ship_on_time"),
        sections=("stock", "shipping", "listings"),
        kinds=frozenset(
            {
                "out_of_stock",
                "stockout_risk",
                "slow_moving",
                "expiry_risk",
                "price_anomaly",
                "listing_quality",
                "traffic_drop",
                "conversion_drop",
                "traffic_black_hole",
                "gmv_drop",
                "shipping_delay",
                "abnormal_address",
                "competitor_loss",
                "keyword_opportunity",
            }
        ),
        charts=("trend", "funnel", "movers"),
    ),
    "cs": RoleView(
        kpis=(
            "refund_rate",
            "refund_cases",
            "refund_amount",
            "avg_rating",
            "low_ratings",
            "conversations",
            "ship_on_time",
        ),
        sections=("refunds", "reviews", "chat"),
        kinds=frozenset({"negative_reviews", "refund_spike", "shipping_delay", "abnormal_address"}),
        charts=("trend", "topics", "reasons"),
    ),
    "ads": RoleView(
        kpis=("ad_spend", "ad_gmv", "roi", "clicks", "cpc", "ad_share", "gmv"),
        sections=("campaigns",),
        kinds=frozenset(
            {
                "ad_roi_below_target",
                "ad_budget_limited",
                "keyword_opportunity",
                "traffic_black_hole",
            }
        ),
        charts=("trend", "campaigns"),
    ),
}


def shows_kind(role: Role, kind: str) -> bool:
    """Whether a finding kind belongs to a role's cut (new ``ad_*`` kinds go to ads)."""
    kinds = ROLES[role].kinds
    return kinds is None or kind in kinds or (role == "ads" and kind.startswith("ad_"))
