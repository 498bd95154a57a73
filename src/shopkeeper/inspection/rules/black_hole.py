"""Listings: traffic_black_hole.

A listing with plenty of visitors that converts far below **comparable listings of the store**
(:func:`~shopkeeper.inspection.rules.listing.peer_conversions`), so the traffic it gets is wasted.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import Z_99, wilson_upper
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule
from shopkeeper.inspection.rules.listing import _listing_traffic, peer_conversions


class BlackHoleSettings(BaseModel):
    """Thresholds of traffic_black_hole."""

    days: int = Field(28, description="window judged")
    min_visitors_per_day: float = Field(
        10.0, description="a listing must have this many visitors a day…"
    )
    traffic_quantile: float = Field(
        0.5, description="…and more than this quantile of the store's listings"
    )
    max_ratio: float = Field(0.35, description="conversion at most this × the peers' median")
    upper_ratio: float = Field(
        0.5, description="…with its Wilson upper bound under this × the median"
    )
    min_expected_buyers: float = Field(
        10.0, description="buyers it would have had at the peers' conversion"
    )
    min_peer_visitors: float = Field(
        100.0, description="a peer needs this many visitors in the window"
    )
    z: float = Field(Z_99, description="Wilson interval z")


def detect_traffic_black_hole(ctx: InspectionContext, s: BlackHoleSettings) -> list[Finding]:
    """An on-sale listing with lots of traffic over the last ``days`` days (at least
    ``min_visitors_per_day`` a day and more than the ``traffic_quantile`` of the store's listings)
    converting at most ``max_ratio`` × the median conversion of comparable listings (same category
    when it has 3 others with ``min_peer_visitors``, else top-level category, else the store), with
    the upper end of its Wilson interval under ``upper_ratio`` × that median and at least
    ``min_expected_buyers`` buyers expected at the peers' rate. Impact: the buyers it is short of
    the peers' conversion × its order value (or the store's).
    """
    rows = _listing_traffic(ctx, s.days)
    if len(rows) < 4:
        return []
    visitors = sorted(r["v"] for r in rows)
    cut = visitors[min(len(visitors) - 1, int(s.traffic_quantile * len(visitors)))]
    peers = peer_conversions(rows, s.min_peer_visitors)
    store_aov = sum(r["g"] for r in rows) / max(sum(r["b"] for r in rows), 1.0)
    out = []
    for r in rows:
        if not r["on_sale"] or r["v"] < max(cut, s.min_visitors_per_day * s.days):
            continue
        peer = peers.get(r["product_id"])
        if peer is None or peer <= 0:
            continue
        conv = r["b"] / r["v"]
        expected = peer * r["v"]
        upper = float(wilson_upper(r["b"], r["v"], s.z))
        if (
            conv > s.max_ratio * peer
            or upper >= s.upper_ratio * peer
            or expected < s.min_expected_buyers
        ):
            continue
        aov = r["g"] / r["b"] if r["b"] >= 3 else store_aov
        lost = (expected - r["b"]) * aov
        out.append(
            Finding.make(
                kind="traffic_black_hole",
                as_of=ctx.as_of,
                severity="high" if lost >= 5000 else "medium",
                entity=Entity(type="product", id=r["product_id"], name=r["title"]),
                title=ctx.text(
                    f"有流量无转化：近 {s.days} 天 {r['v']:.0f} 访客，转化率 {conv:.2%}，同类商品约 {peer:.2%}",
                    f"Traffic without sales: {r['v']:.0f} visitors in {s.days} days converting at {conv:.2%}, "
                    f"similar listings about {peer:.2%}",
                ),
                evidence={
                    "product_id": r["product_id"],
                    "days": s.days,
                    "visitors": int(r["v"]),
                    "buyers": int(r["b"]),
                    "visitors_per_day": round(r["v"] / s.days, 1),
                    "conversion": round(conv, 4),
                    "peer_median_conversion": round(peer, 4),
                    "expected_buyers": round(expected, 1),
                    "category": r["category"],
                },
                impact=Impact(metric="gmv_lost", value=round(lost, 2)),
                recommendation=ctx.text(
                    "流量来了却不成交：对比同类热销款检查价格、主图与详情页、SKU 是否缺货、评价与问大家；优化前先降低该商品的推广出价",
                    "Visitors come but do not buy: compare price, main image, description, stock of its SKUs and reviews "
                    "with the best-selling similar listings; lower its ad bids until it converts",
                ),
                actions=[Action(type="update_listing", params={"product_id": r["product_id"]})],
            )
        )
    return out


RULES = (
    Rule(
        "traffic_black_hole",
        ("traffic",),
        BlackHoleSettings,
        detect_traffic_black_hole,
        minimums=(
            Minimum("min_expected_buyers", "buyers the listing would have had at its peers' rate"),
            Minimum("min_visitors_per_day", "visitors a day over the window"),
        ),
    ),
)
