"""Search terms (``search_terms``): which bring visitors and buyers, which rise or fall, which waste traffic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.skills.common import (
    DataAnswer,
    Recommendation,
    StoreData,
    open_store,
    pct_change,
    previous_window,
)
from shopkeeper.skills.registry import SkillContext, skill
from shopkeeper.skills.render import Lang, change, num, pct, tr
from shopkeeper.skills.sales import Period
from shopkeeper.store.metrics import conversion


class KeywordArgs(Period):
    """Which terms, over which period (default: the last 7 days against the 7 before)."""

    product_id: str | None = Field(default=None, description="only terms leading to this listing")
    min_visitors: int = Field(
        default=20, ge=1, description="visitors a term needs to be ranked on conversion or change"
    )
    limit: int = Field(default=10, ge=1, le=200, description="terms per list")


class KeywordRow(BaseModel):
    """One search term over the period."""

    keyword: str
    impressions: int
    visitors: int
    visitors_prev: int
    visitors_change_pct: float | None
    buyers: int
    gmv: float = Field(description="money")
    conversion_rate: float | None = Field(description="buyers / visitors (0-1)")


class KeywordAnalysis(DataAnswer):
    """Search terms ranked several ways."""

    start: dt.date | None = None
    end: dt.date | None = None
    keywords: int = Field(default=0, description="distinct terms with visitors in the period")
    visitors: int = 0
    buyers: int = 0
    top_by_visitors: list[KeywordRow] = Field(default_factory=list)
    top_by_buyers: list[KeywordRow] = Field(default_factory=list)
    top_by_conversion: list[KeywordRow] = Field(
        default_factory=list, description="terms with min_visitors or more, best conversion first"
    )
    rising: list[KeywordRow] = Field(
        default_factory=list, description="visitors up ≥ 20% (min_visitors now or before)"
    )
    falling: list[KeywordRow] = Field(
        default_factory=list, description="visitors down ≥ 20% (min_visitors now or before)"
    )
    no_conversion: list[KeywordRow] = Field(
        default_factory=list, description="min_visitors or more and not one buyer"
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """Totals, then the terms that brought the most buyers."""
        head = tr(
            lang,
            f"{self.start} 至 {self.end}：{self.keywords} 个搜索词带来 {num(self.visitors)} 访客、{num(self.buyers)} 买家。成交最多的词：",
            f"{self.start} to {self.end}: {self.keywords} search terms brought {num(self.visitors)} visitors and {num(self.buyers)} buyers. Top terms by buyers:",
        )
        rows = [
            tr(
                lang,
                f"- {r.keyword}：访客 {num(r.visitors)}{change(r.visitors_change_pct)}，买家 {r.buyers}，转化率 {pct(r.conversion_rate)}",
                f"- {r.keyword}: {num(r.visitors)} visitors{change(r.visitors_change_pct)}, {r.buyers} buyers, conversion {pct(r.conversion_rate)}",
            )
            for r in self.top_by_buyers
        ]
        return self.join(lang, head, rows)


def _terms(d: StoreData, args: KeywordArgs) -> tuple[dt.date, dt.date, list[KeywordRow]]:
    start, end = d.window(args)
    pstart, pend = previous_window(start, end)
    rows = d.rows(
        """SELECT keyword, coalesce(sum(impressions) FILTER (WHERE date >= $s), 0) AS impressions,
                  coalesce(sum(visitors) FILTER (WHERE date >= $s), 0) AS visitors,
                  coalesce(sum(visitors) FILTER (WHERE date <= $pe), 0) AS visitors_prev,
                  coalesce(sum(buyers) FILTER (WHERE date >= $s), 0) AS buyers,
                  coalesce(sum(gmv) FILTER (WHERE date >= $s), 0)::DOUBLE AS gmv
           FROM search_terms WHERE date BETWEEN $ps AND $e AND ($pid IS NULL OR product_id = $pid)
           GROUP BY 1""",
        {"s": start, "e": end, "ps": pstart, "pe": pend, "pid": args.product_id},
    )
    return start, end, [_row(r) for r in rows]


def _row(r: dict[str, Any]) -> KeywordRow:
    return KeywordRow(
        keyword=r["keyword"],
        impressions=int(r["impressions"]),
        visitors=int(r["visitors"]),
        visitors_prev=int(r["visitors_prev"]),
        visitors_change_pct=pct_change(r["visitors"], r["visitors_prev"]),
        buyers=int(r["buyers"]),
        gmv=round(r["gmv"], 2),
        conversion_rate=conversion(int(r["buyers"]), int(r["visitors"])),
    )


def _advice(d: StoreData, out: KeywordAnalysis) -> list[Recommendation]:
    recs = [
        Recommendation(
            text=d.text(
                f"搜索词「{k.keyword}」访客上升 {k.visitors_change_pct:.0f}%：写进标题/加到推广词，趁热加预算",
                f"Search term '{k.keyword}' visitors up {k.visitors_change_pct:.0f}%: put it in titles and "
                "ad keywords while it is hot",
            )
        )
        for k in out.rising[:2]
    ]
    recs += [
        Recommendation(
            text=d.text(
                f"搜索词「{k.keyword}」带来 {k.visitors} 访客却 0 成交：检查落地商品是否对题，推广中降价或否词",
                f"Search term '{k.keyword}' brought {k.visitors} visitors and no buyer: check the listing "
                "matches the search, and lower its bid or add it as a negative keyword",
            )
        )
        for k in out.no_conversion[:3]
    ]
    return recs


@skill(tags=("data", "analyst", "ads"))
def keyword_analysis(ctx: SkillContext, args: KeywordArgs) -> KeywordAnalysis:
    """Search terms: top by visitors, buyers and conversion, rising and falling terms, and terms with traffic but no sale."""
    with open_store(ctx) as d:
        base = d.answer_base("search_terms")
        if base["missing"]:
            return KeywordAnalysis(**base)
        start, end, terms = _terms(d, args)
        now = [t for t in terms if t.visitors > 0]
        enough = [t for t in terms if max(t.visitors, t.visitors_prev) >= args.min_visitors]
        n = args.limit
        out = KeywordAnalysis(
            **base,
            start=start,
            end=end,
            keywords=len(now),
            visitors=sum(t.visitors for t in now),
            buyers=sum(t.buyers for t in now),
            top_by_visitors=sorted(now, key=lambda t: (-t.visitors, t.keyword))[:n],
            top_by_buyers=sorted(now, key=lambda t: (-t.buyers, -t.gmv, t.keyword))[:n],
            top_by_conversion=sorted(
                (t for t in now if t.visitors >= args.min_visitors),
                key=lambda t: (-(t.conversion_rate or 0), t.keyword),
            )[:n],
            rising=sorted(
                (
                    t
                    for t in enough
                    if t.visitors_change_pct is not None and t.visitors_change_pct >= 20
                ),
                key=lambda t: (-(t.visitors - t.visitors_prev), t.keyword),
            )[:n],
            falling=sorted(
                (t for t in enough if t.visitors_prev > 0 and (t.visitors_change_pct or 0) <= -20),
                key=lambda t: (t.visitors - t.visitors_prev, t.keyword),
            )[:n],
            no_conversion=sorted(
                (t for t in now if t.visitors >= args.min_visitors and t.buyers == 0),
                key=lambda t: (-t.visitors, t.keyword),
            )[:n],
        )
        out.recommendations = _advice(d, out)
        return out
