"""Traffic questions: visitors by source against the period before, and how each source converts."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from shopkeeper.skills.common import (
    DataAnswer,
    Recommendation,
    open_store,
    pct_change,
    previous_window,
    ratio,
)
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, change, num, pct, tr
from shopkeeper.skills.sales import Period
from shopkeeper.store.metrics import conversion


class TrafficArgs(Period):
    """Which period (default: the last 7 days against the 7 before)."""

    product_id: str | None = Field(default=None, description="only this listing's traffic")


class SourceRow(BaseModel):
    """One traffic source."""

    source: str
    visitors: int
    visitors_prev: int
    change_pct: float | None = Field(description="visitors vs the period before, percent")
    share: float = Field(description="share of all visitors (0-1)")
    buyers: int = Field(description="paying buyers attributed to the source (0 when not exported)")
    conversion_rate: float | None = Field(description="buyers / visitors (0-1)")
    conversion_rate_prev: float | None
    add_to_cart_rate: float | None = Field(description="add_to_cart / visitors (0-1)")
    gmv: float = Field(description="attributed GMV (money)")


class TrafficSources(DataAnswer):
    """Visitors by source."""

    start: dt.date | None = None
    end: dt.date | None = None
    visitors: int = 0
    visitors_prev: int = 0
    change_pct: float | None = None
    conversion_rate: float | None = None
    sources: list[SourceRow] = Field(default_factory=list, description="most visitors first")

    def render(self, lang: Lang, currency: str = "") -> str:
        """Visitors and conversion against the period before, then each source."""
        moved = change(self.change_pct).strip("（）") or "—"
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：访客 {num(self.visitors)}（上期 {num(self.visitors_prev)}，{moved}），转化率 {pct(self.conversion_rate)}。各渠道：",
            f"{self.start} to {self.end}: {num(self.visitors)} visitors (before {num(self.visitors_prev)}, {moved}), conversion {pct(self.conversion_rate)}. By source:",
        )
        rows = [
            tr(
                lang,
                f"- {r.source}：{num(r.visitors)}{change(r.change_pct)}，占 {pct(r.share)}，转化率 {pct(r.conversion_rate)}（上期 {pct(r.conversion_rate_prev)}）",
                f"- {r.source}: {num(r.visitors)}{change(r.change_pct)}, {pct(r.share)} of visitors, conversion {pct(r.conversion_rate)} (before {pct(r.conversion_rate_prev)})",
            )
            for r in self.sources
        ]
        return self.join(lang, head, rows)


@skill(tags=("data", "analyst"))
def traffic_sources(ctx: SkillContext, args: TrafficArgs) -> TrafficSources:
    """Visitors by traffic source with the change vs the period before, and conversion by source."""
    with open_store(ctx) as d:
        base = d.answer_base("traffic")
        if base["missing"]:
            return TrafficSources(**base)
        start, end = d.window(args)
        pstart, pend = previous_window(start, end)
        rows = d.rows(
            """SELECT source, coalesce(sum(visitors) FILTER (WHERE date >= $s), 0) AS v,
                      coalesce(sum(visitors) FILTER (WHERE date <= $pe), 0) AS vp,
                      sum(buyers) FILTER (WHERE date >= $s) AS b,
                      sum(buyers) FILTER (WHERE date <= $pe) AS bp,
                      sum(add_to_cart) FILTER (WHERE date >= $s) AS cart,
                      coalesce(sum(gmv) FILTER (WHERE date >= $s), 0)::DOUBLE AS gmv
               FROM traffic WHERE date BETWEEN $ps AND $e AND ($pid IS NULL OR product_id = $pid)
               GROUP BY 1 ORDER BY 2 DESC, 1""",
            {"s": start, "e": end, "ps": pstart, "pe": pend, "pid": args.product_id},
        )
        text = d.text
    total, total_prev = sum(int(r["v"]) for r in rows), sum(int(r["vp"]) for r in rows)
    sources = [
        SourceRow(
            source=r["source"],
            visitors=int(r["v"]),
            visitors_prev=int(r["vp"]),
            change_pct=pct_change(r["v"], r["vp"]),
            share=round(int(r["v"]) / total, 4) if total else 0.0,
            buyers=int(r["b"] or 0),
            conversion_rate=conversion(int(r["b"]), int(r["v"])) if r["b"] is not None else None,
            conversion_rate_prev=conversion(int(r["bp"]), int(r["vp"]))
            if r["bp"] is not None
            else None,
            add_to_cart_rate=ratio(int(r["cart"]), int(r["v"])) if r["cart"] is not None else None,
            gmv=round(r["gmv"], 2),
        )
        for r in rows
    ]
    drops = sorted(
        (s for s in sources if s.visitors_prev and (s.change_pct or 0) <= -15),
        key=lambda s: s.visitors - s.visitors_prev,
    )
    recs = [
        Recommendation(
            text=text(
                f"「{s.source}」流量下降 {-(s.change_pct or 0):.0f}%（{s.visitors_prev} → {s.visitors}）：查该渠道的排名、推广或活动变化",
                f"'{s.source}' visitors down {-(s.change_pct or 0):.0f}% ({s.visitors_prev} → {s.visitors}): check ranking, ads or campaigns on that channel",
            )
        )
        for s in drops[:3]
    ]
    return TrafficSources(
        **base,
        start=start,
        end=end,
        visitors=total,
        visitors_prev=total_prev,
        change_pct=pct_change(total, total_prev),
        conversion_rate=conversion(sum(s.buyers for s in sources), total),
        sources=sources,
        recommendations=recs,
    )


def register(registry: SkillRegistry) -> None:
    """Register the traffic skills."""
    registry.register(traffic_sources)
