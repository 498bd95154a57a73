"""Traffic drops: traffic_drop, the day helpers gmv_drop (:mod:`.gmv`) uses, and the count tests
conversion_drop shares.

They compare the last ``recent_days`` days (default 3) with *comparable days*: for each recent
day, the same weekday in the weeks before it, promotions and their aftermath left out
(:meth:`InspectionContext.comparable_days`).

A listing is also compared with **the rest of the store on the same day**: its expected visitors
are its usual visitors × how much the rest of the store's traffic from the same source moved. A
promotion, the slump after it, a holiday or a store-wide fall moves every listing together, so it
is never one listing's drop; a store-wide fall is reported once, as a ``store`` finding, and only
on days that are not promotions or their aftermath (there is nothing normal to compare them with).

Counts are judged with an over-dispersed Poisson z-score: a day's count varies by its Poisson noise
plus φ × its level, φ estimated from how much the store's own comparable days vary (real traffic is
noisier than Poisson), and the baseline's own uncertainty is added. The threshold is the normal
quantile of a *family* false-alarm rate split over the listings judged (Bonferroni), so a store
with 500 listings is not told that one of them fell by chance. A drop must also be large.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.analytics.stats import z_score
from shopkeeper.inspection.context import InspectionContext
from shopkeeper.inspection.models import Action, Entity, Finding, Impact
from shopkeeper.inspection.registry import Minimum, Rule


def recent_days(ctx: InspectionContext, n: int) -> list[dt.date]:
    """The last ``n`` days up to ``as_of``, newest first."""
    return [ctx.as_of - dt.timedelta(days=k) for k in range(n)]


def traffic_days(ctx: InspectionContext, days: list[dt.date]) -> list[dt.date]:
    """The days the traffic table covers (an export may end a day before the orders do)."""
    last = ctx.shared(
        "traffic_last_day",
        lambda: ctx.scalar("SELECT max(date) FROM traffic WHERE date <= ?", [ctx.as_of]),
    )
    return [d for d in days if last is not None and d <= last]


def day_pairs(
    ctx: InspectionContext, days: list[dt.date], weeks: int
) -> tuple[list[dt.date], list[dt.date]]:
    """(recent day, comparable day) pairs as two parallel lists, for ``unnest`` in SQL."""
    left: list[dt.date] = []
    right: list[dt.date] = []
    for day in days:
        for base in ctx.comparable_days(weeks=weeks, before=day):
            left.append(day)
            right.append(base)
    return left, right


def noisy_variance(expected: float, day_noise: float, n_base: int) -> float:
    """Variance of one day's count: Poisson plus ``day_noise`` × level, and the baseline's own
    uncertainty (a mean of ``n_base`` comparable days).
    """
    return (expected + (day_noise * expected) ** 2) * (1.0 + 1.0 / max(n_base, 1))


@dataclass
class Series:
    """Observed and expected counts of one thing (a listing, a store, a source) over recent days."""

    observed: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))
    expected: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))
    baseline: dict[dt.date, float] = field(default_factory=lambda: defaultdict(float))
    n_base: dict[dt.date, int] = field(default_factory=dict)

    def add(
        self, day: dt.date, observed: float, expected: float, baseline: float, n_base: int
    ) -> None:
        """Add one cell (a source of a listing on a day)."""
        self.observed[day] += observed
        self.expected[day] += expected
        self.baseline[day] += baseline
        self.n_base[day] = n_base

    @property
    def o(self) -> float:
        """Observed over all days."""
        return sum(self.observed.values())

    @property
    def e(self) -> float:
        """Expected over all days."""
        return sum(self.expected.values())

    def ratio(self) -> float:
        """Observed / expected over all days."""
        return self.o / self.e if self.e > 0 else 1.0

    def days_down(self, drop: float) -> int:
        """Days whose observed count is at most ``1 − drop`` of expected."""
        return sum(
            1 for d, e in self.expected.items() if e > 0 and self.observed[d] <= (1 - drop) * e
        )

    def z(self, day_noise: float) -> float:
        """Over-dispersed Poisson z-score of the total."""
        var = sum(
            noisy_variance(e, day_noise, self.n_base.get(d, 1)) for d, e in self.expected.items()
        )
        return z_score(self.o, self.e, var)

    def fell(self, *, drop: float, z: float, day_noise: float, min_days: int) -> bool:
        """Clearly below expected: by at least ``drop`` overall, on at least ``min_days`` days, and with
        a z-score of at most −``z``.
        """
        return (
            self.e > 0
            and self.ratio() <= 1 - drop
            and self.days_down(drop / 2) >= min_days
            and self.z(day_noise) <= -z
        )


class TrafficDropSettings(BaseModel):
    """Thresholds of traffic_drop."""

    recent_days: int = Field(3, description="days judged, up to and including the inspected day")
    min_days_down: int = Field(2, description="…of which at least this many must be down")
    weeks: int = Field(4, description="comparable same-weekday days in the baseline")
    min_visitors_per_day: float = Field(
        10.0, description="a listing must expect this many visitors a day"
    )
    min_store_visitors_per_day: float = Field(
        200.0, description="a store must expect this many visitors a day"
    )
    total_drop: float = Field(
        0.5, description="visitors at least this fraction below expected on all sources"
    )
    source_drop: float = Field(
        0.5, description="a source at least this fraction below its expected…"
    )
    source_loss: float = Field(
        0.15, description="…losing at least this fraction of the listing's visitors…"
    )
    source_apart: float = Field(
        0.6, description="…and falling to at most this × the other sources' ratio"
    )
    store_drop: float = Field(0.2, description="store visitors at least this fraction below normal")
    family_alpha: float = Field(
        0.01, description="chance of any false alarm in the store (split over the tests)"
    )
    min_day_noise: float = Field(
        0.1, description="floor of the day-to-day noise estimated from the data"
    )
    store_day_noise: float = Field(
        0.08, description="day-to-day noise of the store's visitors beyond Poisson"
    )


def _listing_cells(ctx: InspectionContext, s: TrafficDropSettings) -> list[dict[str, Any]]:
    """Visitors per listing, source and recent day: observed, usual (mean and variance over the
    comparable days, also of the listing's total), and expected given the rest of the store's
    traffic from that source that day. Listings expecting too little are left out.
    """
    days = traffic_days(ctx, recent_days(ctx, s.recent_days))
    left, right = day_pairs(ctx, days, s.weeks)
    if len(days) < s.min_days_down or not left:
        return []
    return ctx.rows(
        """WITH m AS (SELECT unnest(?::DATE[]) AS day, unnest(?::DATE[]) AS base),
           t AS (SELECT date, product_id, source, sum(visitors)::DOUBLE AS v FROM traffic
                 WHERE date IN (SELECT day FROM m UNION SELECT base FROM m) GROUP BY ALL),
           tot AS (SELECT date, source, sum(v) AS v FROM t GROUP BY ALL),
           keys AS (SELECT DISTINCT product_id, source FROM t),
           grid AS (
               SELECT k.product_id, k.source, m.day, m.base, coalesce(t.v, 0) AS v,
                      coalesce(tot.v, 0) - coalesce(t.v, 0) AS rest
               FROM keys k CROSS JOIN m
               LEFT JOIN t ON t.product_id = k.product_id AND t.source = k.source AND t.date = m.base
               LEFT JOIN tot ON tot.source = k.source AND tot.date = m.base),
           base AS (SELECT product_id, source, day, count(*) AS n_base, avg(v) AS usual,
                           coalesce(var_samp(v), 0) AS usual_var, avg(rest) AS rest_usual FROM grid GROUP BY ALL),
           lvar AS (SELECT product_id, day, coalesce(var_samp(v), 0) AS listing_var
                    FROM (SELECT product_id, day, base, sum(v) AS v FROM grid GROUP BY ALL) GROUP BY ALL),
           cell AS (
               SELECT b.*, lvar.listing_var, coalesce(t.v, 0) AS visitors,
                      b.usual * CASE WHEN b.rest_usual > 0
                                     THEN (coalesce(tot.v, 0) - coalesce(t.v, 0)) / b.rest_usual ELSE 1 END AS expected
               FROM base b JOIN lvar USING (product_id, day)
               LEFT JOIN t ON t.product_id = b.product_id AND t.source = b.source AND t.date = b.day
               LEFT JOIN tot ON tot.source = b.source AND tot.date = b.day),
           prod AS (SELECT product_id, sum(usual) AS usual FROM cell GROUP BY 1),
           listing AS (SELECT product_id, any_value(title) AS title,
                              bool_or(coalesce(status, 'on_sale') = 'on_sale') AS on_sale
                       FROM products GROUP BY 1)
           SELECT c.product_id, l.title, c.source, c.day, c.n_base, c.visitors, c.usual, c.usual_var,
                  c.listing_var, c.expected
           FROM cell c JOIN prod p USING (product_id) JOIN listing l USING (product_id)
           WHERE l.on_sale AND p.usual >= ? ORDER BY c.product_id, c.source, c.day""",
        [left, right, s.min_visitors_per_day * len(days)],
    )


def day_noise(cells: list[dict[str, Any]], *, listing: bool, floor: float) -> float:
    """The store's day-to-day noise beyond Poisson (φ, a fraction of the level), estimated from how
    much the comparable days themselves vary: Σ(variance − mean) / Σ mean² over listings (or
    listing-sources) with at least 3 comparable days.
    """
    excess = level = 0.0
    if listing:
        groups: dict[tuple[str, dt.date], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for c in cells:
            g = groups[(c["product_id"], c["day"])]
            g[0] += c["usual"]
            g[1] = c["listing_var"]
            g[2] = c["n_base"]
        pairs = [(m, v) for m, v, n in groups.values() if n >= 3 and m >= 3]
    else:
        pairs = [
            (c["usual"], c["usual_var"]) for c in cells if c["n_base"] >= 3 and c["usual"] >= 3
        ]
    for mean, var in pairs:
        excess += var - mean
        level += mean * mean
    return max(floor, math.sqrt(max(excess, 0.0) / level) if level > 0 else floor)


def _store_cells(ctx: InspectionContext, s: TrafficDropSettings) -> list[dict[str, Any]]:
    """Store visitors per source and recent day (promotion days left out), with their usual level."""
    days = [d for d in traffic_days(ctx, recent_days(ctx, s.recent_days)) if not ctx.is_promo(d)]
    left, right = day_pairs(ctx, days, s.weeks)
    if not left:
        return []
    return ctx.rows(
        """WITH m AS (SELECT unnest(?::DATE[]) AS day, unnest(?::DATE[]) AS base),
           t AS (SELECT date, source, sum(visitors)::DOUBLE AS v FROM traffic
                 WHERE date IN (SELECT day FROM m UNION SELECT base FROM m) GROUP BY ALL),
           keys AS (SELECT DISTINCT source FROM t),
           base AS (SELECT k.source, m.day, count(*) AS n_base, avg(coalesce(t.v, 0)) AS usual
                    FROM keys k CROSS JOIN m LEFT JOIN t ON t.source = k.source AND t.date = m.base GROUP BY ALL)
           SELECT b.source, b.day, b.n_base, coalesce(t.v, 0) AS visitors, b.usual, b.usual AS expected
           FROM base b LEFT JOIN t ON t.source = b.source AND t.date = b.day ORDER BY 1, 2""",
        [left, right],
    )


def _group(
    cells: list[dict[str, Any]], key: str | None
) -> dict[str, tuple[Series, dict[str, Series]]]:
    """Cells grouped by ``key`` (None: one group), as a total series and one series per source."""
    out: dict[str, tuple[Series, dict[str, Series]]] = {}
    for c in cells:
        total, sources = out.setdefault(c[key] if key else "", (Series(), {}))
        args = (
            c["day"],
            float(c["visitors"]),
            float(c["expected"]),
            float(c["usual"]),
            int(c["n_base"]),
        )
        total.add(*args)
        sources.setdefault(c["source"], Series()).add(*args)
    return out


def _fallen_sources(
    total: Series, sources: dict[str, Series], s: TrafficDropSettings, noise: float, z: float
) -> list[str]:
    """Sources that fell by ``source_drop`` and clearly, each losing ``source_loss`` of the total and
    falling out of line with the listing's other sources (at most ``source_apart`` × their ratio).
    """
    out = []
    for name, src in sources.items():
        rest_e, rest_o = total.e - src.e, total.o - src.o
        rest_ratio = rest_o / rest_e if rest_e > 0 else 1.0
        if (
            src.e - src.o >= s.source_loss * total.e
            and src.ratio() <= s.source_apart * rest_ratio
            and src.fell(drop=s.source_drop, z=z, day_noise=noise, min_days=s.min_days_down)
        ):
            out.append(name)
    return out


def _source_evidence(sources: dict[str, Series], days: int) -> dict[str, dict[str, float]]:
    """Per source: visitors a day now, expected, and usual (largest losses first)."""
    ranked = sorted(sources.items(), key=lambda kv: kv[1].o - kv[1].e)
    return {
        name: {
            "current": round(src.o / days, 1),
            "expected": round(src.e / days, 1),
            "baseline": round(sum(src.baseline.values()) / days, 1),
            "change_pct": round(100 * (src.ratio() - 1), 1),
        }
        for name, src in ranked
    }


def _value_per_visitor(ctx: InspectionContext) -> dict[str, float]:
    """GMV per visitor by listing over the last 28 days (to price a traffic loss); '' = the store."""
    rows = ctx.rows(
        """SELECT product_id, sum(coalesce(gmv, 0))::DOUBLE AS g, sum(visitors)::DOUBLE AS v FROM traffic
           WHERE date BETWEEN ?::DATE - INTERVAL 27 DAY AND ? GROUP BY 1""",
        [ctx.as_of, ctx.as_of],
    )
    out = {r["product_id"]: r["g"] / max(r["v"], 1.0) for r in rows}
    out[""] = sum(r["g"] for r in rows) / max(sum(r["v"] for r in rows), 1.0)
    return out


def _drop_finding(
    ctx: InspectionContext,
    entity: Entity,
    total: Series,
    sources: dict[str, Series],
    fallen: list[str],
    n_days: int,
    vpv: float,
) -> Finding:
    lost = total.e - total.o
    pct = 100 * (1 - total.ratio())
    names = "、".join(fallen) if fallen else ctx.text("各来源普遍", "all sources")
    what = ctx.text(
        "店铺" if entity.type == "store" else "", "Store " if entity.type == "store" else ""
    )
    evidence: dict[str, Any] = {
        "days": n_days,
        "visitors_per_day": round(total.o / n_days, 1),
        "expected_visitors_per_day": round(total.e / n_days, 1),
        "baseline_visitors_per_day": round(sum(total.baseline.values()) / n_days, 1),
        "drop_pct": round(pct, 1),
        "days_down": total.days_down(0.1),
        "fallen_sources": fallen,
        "sources": _source_evidence(sources, n_days),
    }
    if entity.type == "product":
        evidence["product_id"] = entity.id
    money = lost * vpv
    return Finding.make(
        kind="traffic_drop",
        as_of=ctx.as_of,
        severity="high" if pct >= 50 or money >= 3000 else "medium",
        entity=entity,
        title=ctx.text(
            f"{what}访客近 {n_days} 天比平时少 {pct:.0f}%（日均 {total.o / n_days:.0f}，平时约 {total.e / n_days:.0f}），主要来自{names}",
            f"{what}visitors {pct:.0f}% below normal over {n_days} days ({total.o / n_days:.0f}/day vs about "
            f"{total.e / n_days:.0f}); mostly {', '.join(fallen) if fallen else 'all sources'}",
        ),
        evidence=evidence,
        impact=Impact(metric="gmv_at_risk", value=round(money, 2)) if money > 0 else None,
        recommendation=ctx.text(
            f"检查{names}流量下降的原因：搜索排名与关键词、主图和标题是否被改动、是否有违规降权、推广计划是否暂停或预算用完",
            f"Find out why {', '.join(fallen) if fallen else 'traffic'} fell: search ranking and keywords, changed "
            "main image or title, a listing penalty, paused ad campaigns or exhausted budgets",
        ),
        actions=[Action(type="update_listing", params={"product_id": entity.id})]
        if entity.type == "product"
        else [],
    )


def _listing_drops(
    ctx: InspectionContext, s: TrafficDropSettings, vpv: dict[str, float]
) -> list[Finding]:
    cells = _listing_cells(ctx, s)
    grouped = _group(cells, "product_id")
    listing_noise = day_noise(cells, listing=True, floor=s.min_day_noise)
    source_noise = day_noise(cells, listing=False, floor=s.min_day_noise)
    z = -NormalDist().inv_cdf(s.family_alpha / max(2 * len(grouped), 1))
    titles = {c["product_id"]: c["title"] for c in cells}
    out = []
    for pid, (total, sources) in grouped.items():
        fallen = _fallen_sources(total, sources, s, source_noise, z)
        by_source = bool(fallen) and total.ratio() <= 0.9
        if by_source or total.fell(
            drop=s.total_drop, z=z, day_noise=listing_noise, min_days=s.min_days_down
        ):
            entity = Entity(type="product", id=pid, name=titles[pid])
            n_days = len(total.expected)
            out.append(
                _drop_finding(ctx, entity, total, sources, fallen, n_days, vpv.get(pid, 0.0))
            )
    return out


def _store_drop(
    ctx: InspectionContext, s: TrafficDropSettings, vpv: dict[str, float]
) -> list[Finding]:
    cells = _store_cells(ctx, s)
    if not cells:
        return []
    total, sources = _group(cells, None)[""]
    judged = len(total.expected)
    z = -NormalDist().inv_cdf(s.family_alpha)
    if (
        total.e < s.min_store_visitors_per_day * judged
        or judged < s.min_days_down
        or not total.fell(
            drop=s.store_drop, z=z, day_noise=s.store_day_noise, min_days=s.min_days_down
        )
    ):
        return []
    lost = total.e - total.o
    fallen = [
        n
        for n, src in sources.items()
        if src.e - src.o >= 0.25 * lost and src.ratio() <= 1 - s.store_drop
    ]
    entity = ctx.store_entity
    return [_drop_finding(ctx, entity, total, sources, fallen, judged, vpv.get("", 0.0))]


def detect_traffic_drop(ctx: InspectionContext, s: TrafficDropSettings) -> list[Finding]:
    """Visitors clearly below normal over the last ``recent_days`` days.

    **Listing:** per source and day, expected visitors = the listing's mean on the ``weeks``
    comparable days × the rest of the store's change from that source that day (so promotions and
    store-wide moves cancel out); listings usually below ``min_visitors_per_day`` are skipped.
    Reported when a source fell ``source_drop`` below its expected, losing at least ``source_loss``
    of the listing's visitors and falling out of line with its other sources (at most
    ``source_apart`` × their ratio; the total down at least 10 %), or when all sources together fell
    ``total_drop`` below expected; either way on at least ``min_days_down`` days (at half the
    drop) and clearly: an over-dispersed Poisson z-score — the day-to-day noise φ estimated from how
    much the comparable days vary — below the normal quantile of ``family_alpha`` / (2 × listings).
    **Store:** the store's visitors on non-promotion recent days against their comparable days,
    ``store_drop`` below normal by the same tests (z at ``family_alpha``, noise ``store_day_noise``),
    when at least ``min_store_visitors_per_day`` are expected a day.
    Evidence names the fallen sources with their current, expected and usual visitors a day.
    Impact: lost visitors × GMV per visitor over the last 28 days.
    """
    vpv = _value_per_visitor(ctx)
    return _listing_drops(ctx, s, vpv) + _store_drop(ctx, s, vpv)


RULES = (
    Rule(
        "traffic_drop",
        ("traffic",),
        TrafficDropSettings,
        detect_traffic_drop,
        minimums=(
            Minimum("min_visitors_per_day", "visitors a day a listing is expected to have"),
            Minimum("min_store_visitors_per_day", "visitors a day the store is expected to have"),
        ),
    ),
)
