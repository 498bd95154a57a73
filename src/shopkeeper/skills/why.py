"""Why-questions: a period's change decomposed, against the period before and a year before.

GMV = visitors × conversion × value per buyer (conversion as :func:`shopkeeper.store.metrics.
conversion` defines it: paying buyers / visitors), when the ``traffic`` table covers both periods.
Each factor's share of the change is its log-change share (it adds up to the change exactly). The
change is then split by listing, by channel (``orders.channel``) and by traffic source; the few
largest moves in the direction of the change are the drivers. The latest recorded inspection's
findings on those listings (or on the whole store) are cited. A question that assumes the wrong
direction ("why did revenue drop?" when it rose) is corrected first.

>>> log_shares(150.0, 100.0, {"visitors": (120.0, 100.0), "conversion": (0.025, 0.02),
...                           "value": (50.0, 50.0)})
{'visitors': 22.48, 'conversion': 27.52, 'value': 0.0}
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import BaseModel, Field

from shopkeeper.errors import ConfigError
from shopkeeper.inspection.history import history
from shopkeeper.skills.common import DataAnswer, StoreData, open_store, pct_change, ratio
from shopkeeper.skills.registry import SkillContext, SkillRegistry, skill
from shopkeeper.skills.render import Lang, money, num, pct, tr
from shopkeeper.skills.sales import Period, Totals, paid_totals, previous_days
from shopkeeper.store.metrics import conversion, line_gmv, order_gmv, paid
from shopkeeper.text import change as text_change
from shopkeeper.text import points

Metric = Literal["gmv", "orders", "units"]
_METRIC = {"gmv": ("成交额", "revenue"), "orders": ("订单数", "orders"), "units": ("销量", "units")}
_DIM = {
    "product": ("商品", "product"),
    "channel": ("渠道", "channel"),
    "source": ("流量来源", "source"),
}
DRIVERS_PER_DIMENSION = 2


class WhyArgs(Period):
    """Which figure moved, over which period (default: the last 7 days)."""

    metric: Metric = Field(
        default="gmv", description="the figure asked about: gmv, orders or units"
    )
    premise: Literal["drop", "rise"] | None = Field(
        default=None,
        description="the direction the question assumes ('why did revenue drop': drop); "
        "a wrong one is corrected",
    )


class Factor(BaseModel):
    """One factor of GMV = visitors × conversion × value per buyer, in both periods."""

    name: Literal["visitors", "conversion", "value_per_buyer"]
    now: float | None
    before: float | None
    contribution: float | None = Field(description="its share of the GMV change (money)")


class Driver(BaseModel):
    """A listing, channel or traffic source whose move makes up part of the change."""

    dimension: Literal["product", "channel", "source"]
    key: str
    name: str
    now: float
    before: float

    @property
    def delta(self) -> float:
        """The move (now − before)."""
        return self.now - self.before


class Comparison(BaseModel):
    """The figure against one earlier period, decomposed."""

    against: Literal["previous", "last_year"]
    start: dt.date
    end: dt.date
    value: float
    change_pct: float | None
    factors: list[Factor] = Field(default_factory=list, description="empty without traffic data")
    drivers: list[Driver] = Field(default_factory=list, description="largest moves first")


class CitedFinding(BaseModel):
    """A finding of the latest inspection that bears on the change."""

    id: str
    title: str


class WhyAnswer(DataAnswer):
    """Why a figure moved: the comparisons, their drivers and the findings that explain them."""

    metric: Metric = "gmv"
    start: dt.date | None = None
    end: dt.date | None = None
    value: float = 0.0
    premise: Literal["drop", "rise"] | None = None
    comparisons: list[Comparison] = Field(default_factory=list)
    findings: list[CitedFinding] = Field(default_factory=list)

    def _amount(self, value: float, lang: Lang, currency: str) -> str:
        if self.metric == "gmv":
            return money(value, self.money_in(currency), lang)
        return num(value)

    def correction(self, lang: Lang) -> str | None:
        """The corrected premise ("revenue did not drop: it rose 55% vs the previous week")."""
        first = self.comparisons[0] if self.comparisons else None
        if self.premise is None or first is None or first.change_pct is None:
            return None
        zh, en = _METRIC[self.metric]
        rose = first.change_pct > 0
        if self.premise == "drop" and rose:
            return tr(
                lang,
                f"{zh}并没有下降：比上一期上升了 {first.change_pct:.1f}%。",
                f"{en.capitalize()} did not drop: it rose {first.change_pct:.1f}% vs the previous period.",
            )
        if self.premise == "rise" and first.change_pct < 0:
            return tr(
                lang,
                f"{zh}并没有上升：比上一期下降了 {-first.change_pct:.1f}%。",
                f"{en.capitalize()} did not rise: it fell {-first.change_pct:.1f}% vs the previous period.",
            )
        return None

    def render(self, lang: Lang, currency: str = "") -> str:
        """The correction, the comparisons, the factors, the drivers and the findings."""
        if not self.comparisons:
            return "\n".join(
                [tr(lang, "没有可比较的数据。", "Nothing to compare."), *self.tail(lang)]
            )
        zh, en = _METRIC[self.metric]
        lines = [c for c in [self.correction(lang)] if c]
        against = [self._against(c, lang) for c in self.comparisons]
        lines.append(
            tr(
                lang,
                f"{self.start} 至 {self.end} {zh} {self._amount(self.value, lang, currency)}："
                + "，".join(against)
                + "。",
                f"{en.capitalize()} {self.start} to {self.end}: {self._amount(self.value, lang, currency)}, "
                + "; ".join(against)
                + ".",
            )
        )
        if len(self.comparisons) == 1:
            lines.append(
                tr(lang, "去年同期没有数据，无法同比。", "No data for the same period last year.")
            )
        first = self.comparisons[0]
        if first.factors:
            lines.append(self._factors(first, lang, currency))
        if first.drivers:
            lines.append(
                tr(lang, "主要原因（对比上一期）：", "Main drivers (vs the previous period):")
            )
            lines += [self._driver(d, lang, currency) for d in first.drivers]
        if self.findings:
            lines.append(tr(lang, "最近一次巡检的相关发现：", "The latest inspection found:"))
            lines += [
                tr(lang, f"- {f.title}（{f.id}）", f"- {f.title} ({f.id})") for f in self.findings
            ]
        return "\n".join([*lines, *self.tail(lang)])

    def _against(self, c: Comparison, lang: Lang) -> str:
        moved = text_change(c.change_pct / 100) if c.change_pct is not None else "—"
        if c.against == "previous":
            return tr(
                lang,
                f"比上一期（{c.start} 至 {c.end}）{moved}",
                f"{moved} vs the previous period ({c.start} to {c.end})",
            )
        return tr(
            lang,
            f"比去年同期（{c.start} 至 {c.end}）{moved}",
            f"{moved} vs the same period last year ({c.start} to {c.end})",
        )

    def _factors(self, c: Comparison, lang: Lang, currency: str) -> str:
        cur = self.money_in(currency)
        parts = []
        for f in c.factors:
            share = _signed(f.contribution, cur, lang)
            if f.name == "visitors":
                moved = (
                    text_change(ratio(f.now - f.before, f.before))
                    if f.now is not None and f.before
                    else "—"
                )
                parts.append(
                    tr(
                        lang,
                        f"访客 {num(f.now)}（{moved}，贡献 {share}）",
                        f"visitors {num(f.now)} ({moved}, {share})",
                    )
                )
            elif f.name == "conversion":
                moved = (
                    points(f.now - f.before, lang)
                    if f.now is not None and f.before is not None
                    else "—"
                )
                parts.append(
                    tr(
                        lang,
                        f"转化率 {pct(f.now)}（{moved}，贡献 {share}）",
                        f"conversion {pct(f.now)} ({moved}, {share})",
                    )
                )
            else:
                moved = (
                    text_change(ratio(f.now - f.before, f.before))
                    if f.now is not None and f.before
                    else "—"
                )
                parts.append(
                    tr(
                        lang,
                        f"人均消费 {money(f.now, cur, lang)}（{moved}，贡献 {share}）",
                        f"value per buyer {money(f.now, cur, lang)} ({moved}, {share})",
                    )
                )
        return tr(
            lang,
            "拆解：成交额 = 访客 × 转化率 × 人均消费 —— ",
            "GMV = visitors × conversion × value per buyer: ",
        ) + tr(lang, "；", "; ").join(parts)

    def _driver(self, d: Driver, lang: Lang, currency: str) -> str:
        zh, en = _DIM[d.dimension]
        amount = self._amount
        sign = "+" if d.delta >= 0 else "−"
        delta = f"{sign}{amount(abs(d.delta), lang, currency)}"
        label = (
            d.name if d.name == d.key else tr(lang, f"{d.name}（{d.key}）", f"{d.name} ({d.key})")
        )
        return tr(
            lang,
            f"- {zh} {label}：{amount(d.before, lang, currency)} → {amount(d.now, lang, currency)}（{delta}）",
            f"- {en} {label}: {amount(d.before, lang, currency)} → {amount(d.now, lang, currency)} ({delta})",
        )


def _signed(value: float | None, currency: str, lang: Lang) -> str:
    """Money with its sign (+¥12.00, −¥3.50), "—" when unknown."""
    if value is None:
        return "—"
    return ("+" if value >= 0 else "−") + money(abs(value), currency, lang)


def log_shares(
    now: float, before: float, factors: dict[str, tuple[float, float]]
) -> dict[str, float]:
    """Each factor's share of ``now − before`` when ``now = Π factors``: its log-change share."""
    total = now - before
    if now <= 0 or before <= 0 or math.isclose(now, before):
        return {k: 0.0 if math.isclose(now, before) else math.nan for k in factors}
    log_total = math.log(now / before)
    return {
        k: round(total * math.log(a / b) / log_total, 2) if a > 0 and b > 0 else math.nan
        for k, (a, b) in factors.items()
    }


def _visitors(d: StoreData, start: dt.date, end: dt.date) -> float | None:
    if not d.tables.get("traffic") or d.unknown("traffic", start, end):
        return None
    value = d.scalar("SELECT sum(visitors) FROM traffic WHERE date BETWEEN ? AND ?", [start, end])
    return float(value) if value else None


def _factors(
    d: StoreData, now: tuple[Totals, dt.date, dt.date], before: tuple[Totals, dt.date, dt.date]
) -> list[Factor]:
    (t1, s1, e1), (t0, s0, e0) = now, before
    v1, v0 = _visitors(d, s1, e1), _visitors(d, s0, e0)
    if not v1 or not v0 or not t1.buyers or not t0.buyers:
        return []
    c1, c0 = t1.buyers / v1, t0.buyers / v0  # exact here; shown as metrics.conversion rounds it
    p1, p0 = t1.gmv / t1.buyers, t0.gmv / t0.buyers
    shares = log_shares(
        t1.gmv, t0.gmv, {"visitors": (v1, v0), "conversion": (c1, c0), "value_per_buyer": (p1, p0)}
    )
    shown = {"conversion": (conversion(t1.buyers, v1), conversion(t0.buyers, v0))}
    return [
        Factor(
            name=name,
            now=shown.get(name, (round(a, 4), None))[0],
            before=shown.get(name, (None, round(b, 4)))[1],
            contribution=None if math.isnan(shares[name]) else shares[name],
        )
        for name, (a, b) in {
            "visitors": (v1, v0),
            "conversion": (c1, c0),
            "value_per_buyer": (p1, p0),
        }.items()
    ]


def _by(
    d: StoreData, dimension: str, metric: Metric, start: dt.date, end: dt.date
) -> dict[str, tuple[str, float]]:
    """The metric per listing, channel or source over ``start``..``end`` (key → (name, value))."""
    value = {
        "gmv": f"sum({line_gmv()})",
        "orders": "count(DISTINCT o.order_id)",
        "units": "sum(i.quantity)",
    }[metric]
    if dimension == "product":
        sql = f"""SELECT coalesce(p.product_id, i.sku_id), any_value(coalesce(p.title, i.sku_id)), {value}::DOUBLE
                  FROM orders o JOIN order_items i USING (order_id) LEFT JOIN products p USING (sku_id)
                  WHERE {paid()} AND local_day(o.created_at) BETWEEN ? AND ? GROUP BY 1"""
    elif dimension == "channel":
        if not d.column_exists("orders", "channel"):
            return {}
        per_order = {
            "gmv": f"{order_gmv('o', f'sum({line_gmv()})')}",
            "orders": "1",
            "units": "sum(i.quantity)",
        }[metric]
        sql = f"""WITH o AS (SELECT o.order_id, coalesce(o.channel, '—') AS channel, {per_order}::DOUBLE AS v
                             FROM orders o JOIN order_items i USING (order_id)
                             WHERE {paid()} AND local_day(o.created_at) BETWEEN ? AND ?
                             GROUP BY o.order_id, o.channel, o.pay_amount)
                  SELECT channel, channel, sum(v) FROM o GROUP BY 1"""
    else:
        if not d.tables.get("traffic") or metric == "units":
            return {}
        column = "gmv" if metric == "gmv" else "buyers"
        sql = f"SELECT source, source, sum({column})::DOUBLE FROM traffic WHERE date BETWEEN ? AND ? GROUP BY 1 HAVING sum({column}) IS NOT NULL"
    rows: list[tuple[Any, ...]] = d.con.execute(sql, [start, end]).fetchall()
    return {str(r[0]): (str(r[1]), float(r[2] or 0)) for r in rows}


def _drivers(
    d: StoreData,
    metric: Metric,
    now: tuple[dt.date, dt.date],
    before: tuple[dt.date, dt.date],
    direction: float,
) -> list[Driver]:
    found: list[Driver] = []
    for dimension in ("product", "channel", "source"):
        a, b = _by(d, dimension, metric, *now), _by(d, dimension, metric, *before)
        moves = [
            Driver(
                dimension=dimension,
                key=k,
                name=(a.get(k) or b[k])[0],
                now=round(a.get(k, ("", 0.0))[1], 2),
                before=round(b.get(k, ("", 0.0))[1], 2),
            )
            for k in a.keys() | b.keys()
        ]
        if len(moves) < 2 and dimension != "product":
            continue  # one channel or source is the whole store: no split to name
        aligned = [m for m in moves if m.delta * direction > 0] if direction else moves
        found += sorted(aligned, key=lambda m: (-abs(m.delta), m.key))[:DRIVERS_PER_DIMENSION]
    return found


def _value(t: Totals, metric: Metric) -> float:
    return float(t.gmv if metric == "gmv" else t.orders if metric == "orders" else t.units)


def _compare(
    d: StoreData,
    args: WhyArgs,
    now: tuple[Totals, dt.date, dt.date],
    against: Literal["previous", "last_year"],
) -> Comparison:
    _, start, end = now
    if against == "previous":
        s0, e0 = previous_days(start, end)
    else:
        s0, e0 = start - dt.timedelta(days=364), end - dt.timedelta(days=364)  # same weekdays
    before = paid_totals(d.wh, s0, e0)
    v1, v0 = _value(now[0], args.metric), _value(before, args.metric)
    return Comparison(
        against=against,
        start=s0,
        end=e0,
        value=v0,
        change_pct=pct_change(v1, v0),
        factors=_factors(d, now, (before, s0, e0)) if args.metric == "gmv" else [],
        drivers=_drivers(d, args.metric, (start, end), (s0, e0), v1 - v0) if v0 or v1 else [],
    )


def _driver_keys(d: StoreData, comparisons: list[Comparison]) -> set[str]:
    """The drivers' ids, with the SKUs of the driving listings (findings name either)."""
    keys = {dr.key for c in comparisons[:1] for dr in c.drivers}
    products = [dr.key for c in comparisons[:1] for dr in c.drivers if dr.dimension == "product"]
    if products:
        rows = d.con.execute(
            "SELECT sku_id FROM products WHERE list_contains(?, product_id)", [products]
        ).fetchall()
        keys |= {str(r[0]) for r in rows}
    return keys


def _cited(ctx: SkillContext, keys: set[str]) -> list[CitedFinding]:
    """Findings of the latest inspection on the drivers (``keys``), or on the whole store."""
    try:
        engine = ctx.engine
    except ConfigError:
        return []  # a context without the operational database: no inspection to cite
    found = history(engine, ctx.store)
    latest = [
        p.finding for p in found.problems if p.last_seen == found.latest and p.status != "resolved"
    ]
    return [
        CitedFinding(id=f.id, title=f.title)
        for f in latest
        if f.entity.id in keys or f.entity.type == "store"
    ][:3]


@skill(tags=("data", "analyst"))
def explain_change(ctx: SkillContext, args: WhyArgs) -> WhyAnswer:
    """Why revenue (orders, units) rose or fell: the change vs the period before and last year, split into visitors × conversion × value per buyer and by product, channel and source."""
    with open_store(ctx) as d:
        start, end = d.window(args)
        totals = paid_totals(d.wh, start, end)
        now = (totals, start, end)
        comparisons = [_compare(d, args, now, "previous")]
        last_year = _compare(d, args, now, "last_year")
        if last_year.value:
            comparisons.append(last_year)
        currency = d.currency
        keys = _driver_keys(d, comparisons)
    return WhyAnswer(
        currency=currency,
        metric=args.metric,
        start=start,
        end=end,
        value=_value(totals, args.metric),
        premise=args.premise,
        comparisons=comparisons,
        findings=_cited(ctx, keys),
    )


def register(registry: SkillRegistry) -> None:
    """Register the "why" skill."""
    registry.register(explain_change)
