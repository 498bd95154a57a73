"""Market: competitor_loss (product) from the daily competitor watch (生意参谋 竞品分析).

Buyers lost to rivals move with the listing's own traffic: they triple during Double 11 along with
the listing's own buyers. So the count expected in the recent window is the larger of the normal
daily loss × days and the normal loss per own buyer × the own buyers of the window; only a loss
clearly above both is a competitor taking buyers away.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule


class CompetitorSettings(BaseModel):
    """Thresholds of competitor_loss."""

    window_days: int = Field(7, description="recent: the last this many days")
    baseline_days: int = Field(
        28, description="normal: this many days before the window (promotions left out)"
    )
    min_lost: int = Field(10, description="at least this many buyers lost in the window")
    min_ratio: float = Field(
        2.5, description="a rival took at least this multiple of what is expected"
    )
    alpha: float = Field(
        0.01, description="chance per inspection that noise alone makes a watched listing fire"
    )
    min_share_of_buyers: float = Field(
        0.5, description="lost buyers at least this share of the listing's own buyers"
    )
    earlier_baselines: int = Field(
        2,
        description="also judge against this many earlier baselines of baseline_days each (a "
        "loss that began weeks ago has already raised the latest one)",
    )
    min_baseline_days: int = Field(
        14, description="an earlier baseline needs this many watched days to count"
    )


def own_shops(ctx: InspectionContext) -> set[str]:
    """The merchant's other shops, from ``own_shops = [...]`` in store.toml (and the store's name)."""
    return set(ctx.config.own_shops) | {ctx.config.name.strip()}


def _losses(ctx: InspectionContext, s: CompetitorSettings) -> dict[int, list[dict[str, Any]]]:
    """Per baseline ``k`` (0 the latest, up to ``earlier_baselines``), per watched listing and
    rival: buyers lost, recent and on normal days (the ``baseline_days`` ending
    ``k × baseline_days`` days before the window); the listing's own buyers and GMV; the rival's
    shop, title and price (latest, and average before the window). Each baseline reads the
    competitor rows from its first normal day on; all of them in one statement.
    """
    start = ctx.as_of - dt.timedelta(days=s.window_days - 1)
    normals: list[list[dt.date]] = []
    for k in range(1 + s.earlier_baselines):
        lag = k * s.baseline_days
        base = [start - dt.timedelta(days=j) for j in range(1 + lag, lag + s.baseline_days + 1)]
        normal = [d for d in base if d not in ctx.promo_days]
        normals.append(normal if len(normal) >= 7 else base)
    daily = ctx.sku_daily()
    rows = ctx.rows(
        f"""WITH b AS (SELECT unnest($ks) AS k, unnest($firsts) AS first, unnest($normals) AS normal),
            c AS (SELECT b.k, b.normal, x.* FROM competitors x JOIN b ON x.date BETWEEN b.first AND $as_of),
            own AS (
                SELECT b.k, d.product_id, sum(d.orders) FILTER (WHERE d.day >= $start) AS buyers,
                       sum(d.gmv) FILTER (WHERE d.day >= $start)::DOUBLE AS gmv,
                       sum(d.orders) FILTER (WHERE list_contains(b.normal, d.day)) AS buyers_base
                FROM {daily} d JOIN b ON d.day BETWEEN b.first AND $as_of GROUP BY 1, 2),
            days AS (
                SELECT k, our_product_id AS product_id, count(DISTINCT date) FILTER (WHERE date >= $start) AS days,
                       count(DISTINCT date) FILTER (WHERE list_contains(normal, date)) AS days_base
                FROM c GROUP BY 1, 2)
            SELECT c.k, c.our_product_id AS product_id, c.competitor_product_id, any_value(c.competitor_shop) AS shop,
                   any_value(c.competitor_title) AS title, arg_max(c.competitor_price, c.date)::DOUBLE AS price,
                   avg(c.competitor_price) FILTER (WHERE c.date < $start)::DOUBLE AS price_before,
                   coalesce(sum(c.lost_buyers) FILTER (WHERE c.date >= $start), 0) AS lost,
                   coalesce(sum(c.lost_buyers) FILTER (WHERE list_contains(c.normal, c.date)), 0) AS lost_base,
                   any_value(d.days) AS days, any_value(d.days_base) AS days_base,
                   coalesce(any_value(o.buyers), 0) AS buyers, coalesce(any_value(o.buyers_base), 0) AS buyers_base,
                   coalesce(any_value(o.gmv), 0) AS gmv
            FROM c JOIN days d ON d.k = c.k AND d.product_id = c.our_product_id
                 LEFT JOIN own o ON o.k = c.k AND o.product_id = c.our_product_id
            GROUP BY c.k, c.our_product_id, c.competitor_product_id ORDER BY ALL""",
        {
            "ks": list(range(len(normals))),
            "firsts": [min(n) for n in normals],
            "normals": normals,
            "as_of": ctx.as_of,
            "start": start,
        },
    )
    out: dict[int, list[dict[str, Any]]] = {k: [] for k in range(len(normals))}
    for r in rows:
        out[r.pop("k")].append(r)
    return out


def _baselined(ctx: InspectionContext, s: CompetitorSettings) -> list[dict[str, Any]]:
    """Each (listing, rival) with its ``expected`` recent loss against the lowest of its baselines:
    the latest one and ``earlier_baselines`` before it (those with ``min_baseline_days`` watched
    days), so a loss that set in weeks ago is measured against the time before it.
    """
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for k, losses in _losses(ctx, s).items():
        for r in losses:
            if k and (r["days_base"] or 0) < s.min_baseline_days:
                continue
            r = r | {
                "expected": r["lost_base"] * _exposure(r),
                "baseline_lag_days": k * s.baseline_days,
            }
            key = (str(r["product_id"]), str(r["competitor_product_id"]))
            if key not in best or r["expected"] < best[key]["expected"]:
                best[key] = r
    return [best[key] for key in sorted(best)]


def _exposure(r: dict[str, Any]) -> float:
    """Size of the window relative to the normal days: in days, or in own buyers if larger."""
    per_day = (r["days"] or 0) / max(r["days_base"] or 0, 1)
    per_buyer = r["buyers"] / r["buyers_base"] if r["buyers_base"] else 0.0
    return float(max(per_day, per_buyer))


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p).

    >>> round(binomial_sf(4, 4, 0.2), 4), binomial_sf(0, 3, 0.5)
    (0.0016, 1.0)
    """
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    logs = [
        math.lgamma(n + 1)
        - math.lgamma(x + 1)
        - math.lgamma(n - x + 1)
        + x * math.log(p)
        + (n - x) * math.log1p(-p)
        for x in range(k, n + 1)
    ]
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(v - top) for v in logs))


def _rose(r: dict[str, Any], s: CompetitorSettings, tests: int) -> bool:
    """Whether a rival's recent take clearly exceeds its normal one: a conditional test of two
    Poisson counts (recent vs normal, both uncertain), at ``alpha / tests``, and ``min_ratio``.
    """
    k, kb, ratio = int(r["lost"]), int(r["lost_base"]), _exposure(r)
    if k < s.min_ratio * max(r["expected"], 0.5) or ratio <= 0:
        return False
    return binomial_sf(k, k + kb, ratio / (1 + ratio)) < s.alpha / max(tests, 1)


def detect_competitor_loss(ctx: InspectionContext, s: CompetitorSettings) -> list[Finding]:
    """A watched listing that lost at least ``min_lost`` buyers to competitors in the last
    ``window_days`` (at least ``min_share_of_buyers`` × its own buyers of the window), because one
    rival took clearly more than it normally does: ≥ ``min_ratio`` × expected, and the recent and
    normal counts compared as two Poisson counts (a binomial test given their sum, so a thin
    baseline is not taken at face value) at ``alpha`` / the number of (listing, rival) pairs.
    Expected is the rival's normal take (``baseline_days`` before, promotions left out) scaled by
    days or by the listing's own buyers, whichever is larger, so a promotion that lifts everyone's
    traffic does not fire. A loss that set in weeks ago and persists has already raised the latest
    baseline, so the rival is also judged against ``earlier_baselines`` earlier ones (each of
    ``baseline_days``, with ``min_baseline_days`` watched days) and the lowest counts; the tests
    are counted once per baseline in the ``alpha`` split.
    Names the rival (shop, title, price and its change), and says when it is one of the merchant's
    own shops (``own_shops`` in store.toml: cannibalization). Impact: the excess lost buyers × the
    listing's GMV per buyer.
    """
    rows = _baselined(ctx, s)
    tests = len(rows) * (1 + s.earlier_baselines)
    by_product: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_product.setdefault(r["product_id"], []).append(r)
    out = []
    for rivals in by_product.values():
        lost = sum(r["lost"] for r in rivals)
        if lost < s.min_lost or lost < s.min_share_of_buyers * rivals[0]["buyers"]:
            continue
        risen = [r for r in rivals if _rose(r, s, tests)]
        if risen:
            top = max(risen, key=lambda r: r["lost"] - r["expected"])
            out.append(_finding(ctx, s, rivals, top, own_shops(ctx)))
    return out


def _finding(
    ctx: InspectionContext,
    s: CompetitorSettings,
    rivals: list[dict[str, Any]],
    top: dict[str, Any],
    mine: set[str],
) -> Finding:
    pid, shop = str(top["product_id"]), str(top["shop"])
    days, buyers = max(top["days"] or 0, 1), int(top["buyers"])
    lost, expected = int(sum(r["lost"] for r in rivals)), sum(r["expected"] for r in rivals)
    internal = shop.strip() in mine
    title_row = ctx.rows("SELECT any_value(title) AS t FROM products WHERE product_id = ?", [pid])
    per_buyer = float(top["gmv"]) / buyers if buyers else 0.0
    change = (
        (top["price"] / top["price_before"] - 1) if top["price"] and top["price_before"] else None
    )
    head = ctx.text(
        f"近 {days} 天流失 {lost} 个买家（平时约 {expected:.0f}），主要流向",
        f"Lost {lost} buyers in {days} days (about {expected:.0f} expected), mostly to",
    )
    where = (
        ctx.text(f"自家店铺「{shop}」（内部分流）", f" your own shop {shop} (cannibalization)")
        if internal
        else ctx.text(f"「{shop}」", f" {shop}")
    )
    if internal:
        advice = ctx.text(
            f"与「{shop}」协调同款的价格和推广，避免自家店铺互相抢客；明确两店的定位或下架重复款",
            f"Align price and promotion of this item with {shop} so your shops stop competing; "
            "give each shop its own range or delist the duplicate",
        )
    else:
        advice = ctx.text(
            f"对标「{shop}」的价格和卖点：考虑限时券或赠品，优化主图和详情页突出差异",
            f"Answer {shop}: a time-limited coupon or gift, and a listing that shows what sets yours apart",
        )
    return Finding.make(
        kind="competitor_loss",
        as_of=ctx.as_of,
        severity="high" if lost >= buyers else "medium",
        entity=Entity(type="product", id=pid, name=title_row[0]["t"] if title_row else None),
        title=head + where,
        evidence={
            "lost_buyers_recent": lost,
            "lost_buyers_expected": round(expected, 1),
            "own_buyers_recent": buyers,
            "window_days": days,
            "competitor_shop": shop,
            "own_shop": internal,
            "competitor_product_id": top["competitor_product_id"],
            "competitor_title": top["title"],
            "competitor_price": top["price"],
            "competitor_price_before": round(top["price_before"], 2)
            if top["price_before"]
            else None,
            "competitor_price_change": round(change, 3) if change is not None else None,
            "competitor_lost_buyers_recent": int(top["lost"]),
            "competitor_lost_buyers_expected": round(top["expected"], 1),
            "baseline_ends_days_before_window": int(top.get("baseline_lag_days", 0)),
        },
        impact=Impact(
            metric="gmv_lost", value=round(max(top["lost"] - top["expected"], 0.0) * per_buyer, 2)
        ),
        recommendation=advice,
        actions=[]
        if internal
        else [
            Action(
                type="change_price", params={"product_id": pid, "competitor_price": top["price"]}
            )
        ],
    )


RULES = (
    Rule(
        "competitor_loss",
        ("competitors",),
        CompetitorSettings,
        detect_competitor_loss,
        minimums=(Minimum("min_lost", "buyers the listing lost to rivals in the window"),),
    ),
)
