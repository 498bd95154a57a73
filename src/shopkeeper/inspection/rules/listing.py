"""Listings: listing_quality, keyword_opportunity (conversion_drop: conversion; traffic_black_hole: black_hole).

Each judges a listing against **the store's own listings**: its images, title and attributes against
the norms of its category, its conversion against comparable listings, a search term's conversion
against the listing's other search terms. What counts as normal is learned from the store, so a
store whose listings all carry three images is not told that three is too few.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import rate_test
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule

LISTINGS = """SELECT product_id, any_value(title) AS title, any_value(category) AS category,
                     split_part(any_value(category), '/', 1) AS top_category,
                     bool_or(coalesce(status, 'on_sale') = 'on_sale') AS on_sale
              FROM products GROUP BY 1"""


def peer_groups(rows: list[dict[str, Any]], min_peers: int) -> dict[str, list[dict[str, Any]]]:
    """Each listing's group of comparable listings, itself included: its category when that has
    ``min_peers`` other listings, else its top-level category, else the whole store. Groups are
    shared lists (no per-listing copies), so this is linear in the number of listings.
    """
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_top: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_cat[r["category"]].append(r)
        by_top[r["top_category"]].append(r)
    out = {}
    for r in rows:
        for group in (by_cat[r["category"]], by_top[r["top_category"]], rows):
            if len(group) - 1 >= min_peers:
                out[r["product_id"]] = group
                break
    return out


def median_without(ordered: list[float], value: float) -> float:
    """Median of ``ordered`` (sorted) with one occurrence of ``value`` left out, in O(log n).

    >>> median_without([1.0, 2.0, 3.0, 10.0], 10.0), median_without([1.0, 2.0, 3.0, 10.0], 1.0)
    (2.0, 3.0)
    """
    i = bisect.bisect_left(ordered, value)
    n = len(ordered) - 1

    def at(j: int) -> float:
        return ordered[j if j < i else j + 1]

    return (at((n - 1) // 2) + at(n // 2)) / 2


class ListingQualitySettings(BaseModel):
    """Thresholds of listing_quality."""

    min_images: int = Field(3, description="fewer main images than this…")
    image_share: float = Field(0.5, description="…and at most this share of the category's median")
    title_share: float = Field(
        0.4, description="a title at most this share of the category's median length"
    )
    key_attribute_share: float = Field(
        0.8, description="an attribute is key when this share of the category has it"
    )
    missing_share: float = Field(
        0.5, description="missing all key attributes, or at least two and this share"
    )
    min_peers: int = Field(3, description="listings needed to know a category's norms")


def _listing_facts(ctx: InspectionContext) -> list[dict[str, Any]]:
    return ctx.rows(
        """SELECT product_id, any_value(title) AS title, any_value(category) AS category,
                  split_part(any_value(category), '/', 1) AS top_category,
                  max(image_count) AS images, max(length(trim(title))) AS title_len,
                  list_distinct(flatten(list(CASE WHEN json_type(attributes) = 'OBJECT' THEN json_keys(attributes) ELSE [] END))) AS attrs,
                  bool_or(coalesce(status, 'on_sale') = 'on_sale') AS on_sale
           FROM products GROUP BY 1"""
    )


@dataclass
class _Norms:
    """A group's sorted image counts and title lengths, and how many listings carry each attribute."""

    images: list[float]
    title_lengths: list[float]
    attributes: Counter[str]
    size: int

    @classmethod
    def of(cls, group: list[dict[str, Any]]) -> _Norms:
        return cls(
            sorted(float(p["images"]) for p in group if p["images"] is not None),
            sorted(float(p["title_len"]) for p in group),
            Counter(k for p in group for k in p["attrs"]),
            len(group),
        )


def _issues(r: dict[str, Any], norms: _Norms, s: ListingQualitySettings) -> dict[str, Any]:
    """What is wrong with one listing compared with the rest of its group (empty: nothing)."""
    issues: dict[str, Any] = {}
    if r["images"] is not None and len(norms.images) > 1:
        norm = median_without(norms.images, float(r["images"]))
        if r["images"] < s.min_images and r["images"] <= s.image_share * norm:
            issues["too_few_images"] = {"image_count": r["images"], "category_median": norm}
    norm_len = median_without(norms.title_lengths, float(r["title_len"]))
    if r["title_len"] <= s.title_share * norm_len:
        issues["short_title"] = {"title_length": r["title_len"], "category_median": norm_len}
    own = set(r["attrs"])
    peers = norms.size - 1
    key_attrs = sorted(
        k for k, n in norms.attributes.items() if n - (k in own) >= s.key_attribute_share * peers
    )
    missing = [k for k in key_attrs if k not in own]
    if missing and (
        len(missing) == len(key_attrs) or len(missing) >= max(2, s.missing_share * len(key_attrs))
    ):
        issues["missing_attributes"] = {"missing": missing, "key_attributes": len(key_attrs)}
    return issues


def detect_listing_quality(ctx: InspectionContext, s: ListingQualitySettings) -> list[Finding]:
    """An on-sale listing that falls short of the other listings of its category (its leaf category
    when that has ``min_peers`` other listings, else its top-level category, else the store): fewer
    than ``min_images`` main images and at most ``image_share`` of the category's median; a title
    at most ``title_share`` of the median title length; or missing at least ``missing_share`` of the
    category's key attributes (those at least ``key_attribute_share`` of its listings carry).
    Medium severity with two or more issues, else low. Impact (with traffic data): the listing's
    buyers short of its category's conversion over 28 days × its order value.
    """
    rows = [r for r in _listing_facts(ctx) if r["title_len"] is not None]
    groups = peer_groups(rows, s.min_peers)
    norms = {id(g): _Norms.of(g) for g in groups.values()}
    lost = _lost_to_peers(ctx) if ctx.has("traffic") else {}
    out = []
    for r in rows:
        group = groups.get(r["product_id"])
        if not r["on_sale"] or group is None:
            continue
        issues = _issues(r, norms[id(group)], s)
        if not issues:
            continue
        labels = {
            "too_few_images": ("主图太少", "too few images"),
            "short_title": ("标题过短", "a very short title"),
            "missing_attributes": ("缺少关键属性", "missing key attributes"),
        }
        zh = "、".join(labels[k][0] for k in issues)
        en = ", ".join(labels[k][1] for k in issues)
        fixes_zh = {
            "too_few_images": "补齐 5 张以上主图（含细节、场景、规格图）",
            "short_title": "把标题补全为品牌 + 品类 + 卖点 + 规格的完整写法",
            "missing_attributes": "补填"
            + "、".join(issues.get("missing_attributes", {}).get("missing", [])[:6]),
        }
        fixes_en = {
            "too_few_images": "add at least 5 main images (details, in use, sizes)",
            "short_title": "write a full title: brand, product, key benefit, size",
            "missing_attributes": "fill in "
            + ", ".join(issues.get("missing_attributes", {}).get("missing", [])[:6]),
        }
        evidence: dict[str, Any] = {
            "product_id": r["product_id"],
            "image_count": r["images"],
            "title_length": r["title_len"],
            "attribute_count": len(r["attrs"]),
            "issues": issues,
        }
        money = lost.get(r["product_id"], 0.0)
        out.append(
            Finding.make(
                kind="listing_quality",
                as_of=ctx.as_of,
                severity="medium" if len(issues) >= 2 else "low",
                entity=Entity(type="product", id=r["product_id"], name=r["title"]),
                title=ctx.text(f"商品信息不全：{zh}", f"Weak listing: {en}"),
                evidence=evidence,
                impact=Impact(metric="gmv_at_risk", value=round(money, 2)) if money > 0 else None,
                recommendation=ctx.text(
                    "；".join(fixes_zh[k] for k in issues),
                    "; ".join(fixes_en[k] for k in issues).capitalize(),
                ),
                actions=[
                    Action(
                        type="update_listing",
                        params={"product_id": r["product_id"], "fix": list(issues)},
                    )
                ],
            )
        )
    return out


def _listing_traffic(ctx: InspectionContext, days: int = 28) -> list[dict[str, Any]]:
    """Per listing over the last ``days`` days: visitors, buyers, GMV, with its category (queried
    once per inspection for each ``days``: the rows are shared, read them without changing them).
    """
    return ctx.shared(("listing_traffic", days), lambda: _query_listing_traffic(ctx, days))


def _query_listing_traffic(ctx: InspectionContext, days: int) -> list[dict[str, Any]]:
    return ctx.rows(
        f"""WITH t AS (SELECT product_id, sum(visitors)::DOUBLE AS v, sum(coalesce(buyers, 0))::DOUBLE AS b,
                              sum(coalesce(gmv, 0))::DOUBLE AS g
                       FROM traffic WHERE date BETWEEN ?::DATE - INTERVAL (?) DAY AND ? GROUP BY 1)
            SELECT t.*, l.title, l.category, l.top_category, l.on_sale FROM t JOIN ({LISTINGS}) l USING (product_id)""",
        [ctx.as_of, days - 1, ctx.as_of],
    )


def peer_conversions(rows: list[dict[str, Any]], min_visitors: float) -> dict[str, float]:
    """Each listing's peers' median conversion (:func:`peer_groups` of 3 or more listings, among
    those with at least ``min_visitors`` visitors, so tiny listings' noisy rates do not count).
    """
    judged = [r for r in rows if r["v"] >= min_visitors]
    groups = peer_groups(judged, 3)
    rates = {id(g): sorted(p["b"] / p["v"] for p in g) for g in groups.values()}
    return {
        r["product_id"]: median_without(rates[id(groups[r["product_id"]])], r["b"] / r["v"])
        for r in judged
        if r["product_id"] in groups
    }


def _lost_to_peers(ctx: InspectionContext) -> dict[str, float]:
    """GMV a listing missed over 28 days by converting below its peers' median (0 when above)."""
    rows = _listing_traffic(ctx)
    peers = peer_conversions(rows, 100)
    out = {}
    for r in rows:
        peer = peers.get(r["product_id"])
        if peer is not None and r["b"] > 0 and r["v"] > 0:
            out[r["product_id"]] = max(0.0, (peer * r["v"] - r["b"]) * r["g"] / r["b"])
    return out


class KeywordSettings(BaseModel):
    """Thresholds of keyword_opportunity."""

    days: int = Field(28, description="window judged")
    min_ratio: float = Field(
        2.0, description="converts at least this × the listing's other search terms"
    )
    max_share: float = Field(
        0.15, description="…while bringing at most this share of the listing's search visitors"
    )
    min_buyers: int = Field(5, description="buyers the term must have brought")
    tolerance: float = Field(
        1.25, description="null hypothesis: the term converts at most this × the others"
    )
    family_alpha: float = Field(
        0.05, description="chance of any false alarm in the store (split over the terms)"
    )
    bid_raise_pct: int = Field(30, description="suggested bid raise")


def detect_keyword_opportunity(ctx: InspectionContext, s: KeywordSettings) -> list[Finding]:
    """A search term of a listing (``search_terms``, last ``days`` days) converting at least
    ``min_ratio`` × the listing's other search terms together, while bringing at most ``max_share``
    of the listing's search visitors and at least ``min_buyers`` buyers. The rise must be clear by
    an exact conditional binomial test (:func:`~shopkeeper.analytics.stats.rate_test`, null:
    ``tolerance`` × the others' rate) at ``family_alpha`` / the number of terms in the window — a
    store has hundreds of terms, and some convert well by chance. Impact: the GMV doubling its
    traffic at its conversion would add.
    """
    n_terms = ctx.scalar(
        "SELECT count(DISTINCT (product_id, keyword)) FROM search_terms WHERE date BETWEEN ?::DATE - INTERVAL (?) DAY AND ?",
        [ctx.as_of, s.days - 1, ctx.as_of],
    )
    alpha = s.family_alpha / max(int(n_terms or 0), 1)
    rows = ctx.rows(
        """WITH k AS (SELECT product_id, keyword, sum(visitors)::DOUBLE AS v, sum(coalesce(buyers, 0))::DOUBLE AS b,
                             sum(coalesce(gmv, 0))::DOUBLE AS g
                      FROM search_terms WHERE date BETWEEN ?::DATE - INTERVAL (?) DAY AND ? GROUP BY ALL),
                p AS (SELECT product_id, sum(v) AS pv, sum(b) AS pb FROM k GROUP BY 1),
                l AS (SELECT product_id, any_value(title) AS title FROM products GROUP BY 1)
           SELECT k.*, p.pv - k.v AS rest_v, p.pb - k.b AS rest_b, p.pv, l.title
           FROM k JOIN p USING (product_id) LEFT JOIN l USING (product_id)
           WHERE k.b >= ? AND k.v <= ? * p.pv AND p.pv > k.v
             AND k.b * (p.pv - k.v) >= ? * (p.pb - k.b) * k.v""",
        [ctx.as_of, s.days - 1, ctx.as_of, s.min_buyers, s.max_share, s.min_ratio],
    )
    out = []
    for r in rows:
        if rate_test(r["b"], r["v"] * s.tolerance, r["rest_b"], r["rest_v"], upper=True) >= alpha:
            continue
        conv, rest = r["b"] / r["v"], r["rest_b"] / r["rest_v"]
        in_title = r["keyword"].replace(" ", "") in (r["title"] or "").replace(" ", "")
        out.append(
            Finding.make(
                kind="keyword_opportunity",
                as_of=ctx.as_of,
                severity="medium" if r["g"] >= 2000 else "low",
                entity=Entity(type="keyword", id=r["keyword"], name=r["title"]),
                title=ctx.text(
                    f"搜索词「{r['keyword']}」转化率 {conv:.1%}，是该商品其他搜索词的 {conv / max(rest, 1e-9):.1f} 倍，但只带来 {r['v'] / r['pv']:.0%} 的搜索访客",
                    f"Search term '{r['keyword']}' converts at {conv:.1%}, {conv / max(rest, 1e-9):.1f}× the listing's "
                    f"other terms, but brings only {r['v'] / r['pv']:.0%} of its search visitors",
                ),
                evidence={
                    "product_id": r["product_id"],
                    "days": s.days,
                    "visitors": int(r["v"]),
                    "buyers": int(r["b"]),
                    "conversion": round(conv, 4),
                    "listing_other_terms_conversion": round(rest, 4),
                    "share_of_search_visitors": round(r["v"] / r["pv"], 3),
                    "gmv": round(r["g"], 2),
                    "in_title": in_title,
                },
                impact=Impact(metric="gmv_opportunity", value=round(r["g"], 2)),
                recommendation=ctx.text(
                    f"提高该词的关键词出价约 {s.bid_raise_pct}%"
                    + ("" if in_title else "，并把它写进标题")
                    + "，观察一周转化与 ROI",
                    f"Raise the bid on this term by about {s.bid_raise_pct}%"
                    + ("" if in_title else " and work it into the title")
                    + "; review conversion and ROI after a week",
                ),
                actions=[
                    Action(
                        type="change_bid",
                        params={
                            "product_id": r["product_id"],
                            "keyword": r["keyword"],
                            "change_pct": s.bid_raise_pct,
                        },
                    )
                ],
            )
        )
    return out


RULES = (
    Rule(
        "listing_quality",
        (),
        ListingQualitySettings,
        detect_listing_quality,
        minimums=(Minimum("min_peers", "other listings a category's norms are learned from"),),
    ),
    Rule(
        "keyword_opportunity",
        ("search_terms",),
        KeywordSettings,
        detect_keyword_opportunity,
        minimums=(Minimum("min_buyers", "buyers the search term brought in the window"),),
    ),
)
