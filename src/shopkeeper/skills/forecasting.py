"""Demand forecast for the next days, per store and per SKU, with an interval and a backtest.

The store: with a year of history, the same days a year earlier scaled by the recent level
(:class:`~shopkeeper.analytics.demand.YearlySeasonal`) — a November peak and a Christmas wind-down
come from last year; with less, the better on held-out days of weekly seasonal naive and
exponential smoothing (:mod:`shopkeeper.analytics.forecast`). Outlier orders (above the 99.9th
percentile of value or units) are capped first, so one giant order is not a trend.

SKUs: a method per demand pattern (smoothing for smooth demand, Croston-SBA for intermittent, TSB
for lumpy), then reconciled day by day so that every SKU together adds up to the store's units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from statistics import NormalDist

import numpy as np
from pydantic import BaseModel, Field

from shopkeeper.analytics.demand import YearlySeasonal, by_pattern, reconcile
from shopkeeper.analytics.forecast import (
    Floats,
    Forecast,
    SmoothingForecaster,
    forecast_series,
    seasonal_naive,
)
from shopkeeper.skills.common import (
    DataAnswer,
    Recommendation,
    SegmentFilter,
    StoreData,
    open_store,
)
from shopkeeper.skills.registry import SkillContext, skill
from shopkeeper.skills.render import Lang, money, num, tr
from shopkeeper.store.metrics import line_gmv, order_gmv, paid

YEAR, LEVEL_DAYS = 364, 28
"""A year back (whole weeks, so weekdays line up) and the days that set the level against it."""


class ForecastArgs(SegmentFilter):
    """What to forecast (all orders, or one country, province or channel)."""

    horizon_days: int = Field(default=14, ge=1, le=90, description="days ahead")
    history_days: int = Field(default=56, ge=14, le=730, description="days of history fitted")
    end: dt.date | None = Field(
        default=None,
        description="last day of history (default: the last complete day of real trading)",
    )
    sku_id: str | None = Field(
        default=None, description="only this SKU (default: the best sellers)"
    )
    limit: int = Field(default=10, ge=0, le=200, description="best-selling SKUs forecast")
    coverage: float = Field(default=0.8, gt=0.5, lt=1, description="interval coverage")


class SeriesForecast(BaseModel):
    """The forecast of one series."""

    id: str = Field(description="sku_id, or 'store'")
    title: str | None = None
    unit: str = Field(description="'units' or money ('gmv')")
    history_total: float = Field(description="total over the history fitted")
    history_daily_mean: float
    forecast_total: float = Field(description="expected total over the horizon")
    lower: float = Field(description="interval of the total")
    upper: float
    daily: list[float] = Field(description="expected value per day ahead")
    method: str = Field(
        description="yearly_seasonal, smoothing or seasonal_naive (store); smoothing, croston_sba or tsb (SKUs)"
    )
    pattern: str | None = Field(
        default=None, description="SKUs: smooth, erratic, intermittent or lumpy demand"
    )
    backtest_mae: float | None = Field(
        description="mean absolute daily error of the method used on held-out days"
    )
    naive_mae: float | None = Field(description="…of seasonal naive")
    available_stock: int | None = Field(
        default=None, description="free stock now (SKUs, with inventory data)"
    )
    stock_short_by: int | None = Field(
        default=None, description="forecast upper − free stock − in transit, if > 0"
    )


class SalesForecast(DataAnswer):
    """Store and SKU forecasts."""

    history_start: dt.date | None = None
    history_end: dt.date | None = None
    horizon_days: int = 14
    store_units: SeriesForecast | None = None
    store_gmv: SeriesForecast | None = None
    skus: list[SeriesForecast] = Field(
        default_factory=list,
        description="reconciled: with other_skus_units they add up to the store",
    )
    other_skus_units: float | None = Field(
        default=None, description="units expected from the SKUs not listed"
    )
    capped_orders: int = Field(
        default=0, description="outlier orders capped at the 99.9th percentile before fitting"
    )

    def render(self, lang: Lang, currency: str = "") -> str:
        """Units and GMV expected over the horizon, then the main SKUs and what stock is short."""
        units, gmv = self.store_units, self.store_gmv
        total = num(units.forecast_total, 0) if units else "—"
        low, high = (num(units.lower, 0), num(units.upper, 0)) if units else ("—", "—")
        value = money(gmv.forecast_total if gmv else None, self.money_in(currency), lang)
        head = tr(
            lang,
            f"未来 {self.horizon_days} 天预计卖 {total} 件（区间 {low}–{high}），"
            f"成交约 {value}（依据 {self.history_start} 至 {self.history_end} 的数据）",
            f"Next {self.horizon_days} days: about {total} units (range {low}–{high}), "
            f"GMV about {value} (from {self.history_start} to {self.history_end})",
        )
        if gmv and gmv.method == "yearly_seasonal":
            head += tr(
                lang,
                "（按去年同期走势乘以近期水平）",
                " (last year's same days scaled to the recent level)",
            )
        if self.capped_orders:
            head += tr(
                lang,
                f"（{num(self.capped_orders)} 笔异常大单已按上限计）",
                f" ({num(self.capped_orders)} outlier orders capped)",
            )
        head += tr(lang, "。主要 SKU：", ". Main SKUs:")
        rows = [
            tr(
                lang,
                f"- {r.title or r.id}：{num(r.forecast_total, 0)} 件"
                + (f"，库存还差 {num(r.stock_short_by, 0)} 件" if r.stock_short_by else ""),
                f"- {r.title or r.id}: {num(r.forecast_total, 0)} units"
                + (f", stock short by {num(r.stock_short_by, 0)}" if r.stock_short_by else ""),
            )
            for r in self.skus
        ]
        return self.join(lang, head, rows)


def _interval(mean: Floats, sigma: float, coverage: float) -> Forecast:
    """A forecast from daily means with the spread ``sigma`` of daily errors (independent days)."""
    z = NormalDist().inv_cdf(0.5 + coverage / 2)
    total, spread = float(mean.sum()), z * sigma * float(np.sqrt(len(mean)))
    return Forecast(
        mean,
        np.maximum(mean - z * sigma, 0.0),
        mean + z * sigma,
        total,
        max(total - spread, 0.0),
        total + spread,
    )


def _series(
    key: str, title: str | None, unit: str, y: Floats, fc: Forecast, method: str, bt: Scores
) -> SeriesForecast:
    return SeriesForecast(
        id=key,
        title=title,
        unit=unit,
        history_total=round(float(y.sum()), 2),
        history_daily_mean=round(float(y.mean()), 3) if len(y) else 0.0,
        forecast_total=round(fc.total, 2),
        lower=round(fc.total_lower, 2),
        upper=round(fc.total_upper, 2),
        daily=[round(float(v), 3) for v in fc.mean],
        method=method,
        backtest_mae=None if bt is None else round(bt[0], 3),
        naive_mae=None if bt is None else round(bt[1], 3),
    )


Scores = tuple[float, float] | None
"""Mean absolute daily error of the method used and of seasonal naive on the held-out days."""


def _store(y: Floats, recent: Floats, args: ForecastArgs) -> tuple[Forecast, str, Scores]:
    """The store's forecast: yearly seasonal with a year of history, else the better of weekly
    seasonal naive and smoothing over the recent days.
    """
    h = args.horizon_days
    sigma = SmoothingForecaster().fit(recent).sigma_
    if len(y) >= YEAR + LEVEL_DAYS:
        mean = YearlySeasonal(YEAR, LEVEL_DAYS).fit(y).predict(h)
        bt: Scores = None
        if len(y) >= YEAR + LEVEL_DAYS + h:
            test, train = y[-h:], y[:-h]
            yearly = YearlySeasonal(YEAR, LEVEL_DAYS).fit(train).predict(h)
            naive = seasonal_naive(train, season=7, horizon=h)
            bt = (float(np.mean(np.abs(yearly - test))), float(np.mean(np.abs(naive - test))))
        return _interval(mean, sigma, args.coverage), "yearly_seasonal", bt
    c = forecast_series(recent, h, coverage=args.coverage)
    b = c.backtest
    scores = (
        None
        if b is None
        else (b.naive_mae if c.method == "seasonal_naive" else b.smoothing_mae, b.naive_mae)
    )
    return c.forecast, c.method, scores


@skill(tags=("data", "analyst", "orders"))
def sales_forecast(ctx: SkillContext, args: ForecastArgs) -> SalesForecast:
    """Demand forecast for the next N days (store units and GMV, best-selling SKUs) with an interval and a backtest."""
    with open_store(ctx) as d:
        base = d.answer_base()
        end = args.end or d.window_end()
        start = end - dt.timedelta(days=args.history_days - 1)
        first = d.scalar(
            "SELECT min(local_day(created_at)) FROM orders WHERE local_day(created_at) <= ?",
            [end],
        )
        back = end - dt.timedelta(days=2 * YEAR + LEVEL_DAYS - 1)
        since = min(start, max(first or start, back))
        where, params = args.segment_sql(d)
        params |= {"since": since, "start": start, "end": end}
        orders = CAPPED_ORDERS.format(
            value=order_gmv("o", f"sum({line_gmv()})"), paid=paid(), where=where
        )
        days = d.rows(
            f"""WITH {orders} SELECT day, sum(v) AS gmv, sum(units * uf) AS units,
                       sum(units) FILTER (WHERE day >= $start) AS raw_units,
                       sum(value) FILTER (WHERE day >= $start) AS raw_gmv,
                       count(*) FILTER (WHERE uf < 1 OR v < value) AS capped
                FROM w GROUP BY day""",
            params,
        )
        lines = d.rows(
            f"""WITH {orders} SELECT w.day, i.sku_id, sum(i.quantity * w.uf) AS units, sum(i.quantity) AS raw
                FROM w JOIN order_items i USING (order_id) WHERE w.day >= $start GROUP BY 1, 2""",
            params,
        )
        titles = {r["sku_id"]: r["title"] for r in d.rows("SELECT sku_id, title FROM products")}
        stock = _stock(d, end)
        text = d.text
    n_all, n = (end - since).days + 1, args.history_days
    gmv, units = np.zeros(n_all), np.zeros(n_all)
    for r in days:
        k = (r["day"] - since).days
        gmv[k], units[k] = float(r["gmv"] or 0), float(r["units"] or 0)
    per_sku: dict[str, Floats] = {}
    raw_sku: dict[str, float] = {}
    for r in lines:
        per_sku.setdefault(r["sku_id"], np.zeros(n))[(r["day"] - start).days] += r["units"]
        raw_sku[r["sku_id"]] = raw_sku.get(r["sku_id"], 0.0) + float(r["raw"])
    h = args.horizon_days
    units_fc, units_method, units_bt = _store(units, units[-n:], args)
    gmv_fc, gmv_method, gmv_bt = _store(gmv, gmv[-n:], args)
    fitted = {sku: by_pattern(y, h) for sku, y in per_sku.items()}
    shares = {sku: float(y.sum()) for sku, y in per_sku.items()}
    rec = reconcile({k: v[2] for k, v in fitted.items()}, units_fc.mean, shares)
    scale = units_fc.total / units_fc.mean.sum() if units_fc.mean.sum() > 0 else 1.0
    wanted = (
        [args.sku_id]
        if args.sku_id
        else sorted(per_sku, key=lambda s: (-raw_sku[s], s))[: args.limit]
    )
    skus = []
    for sku in wanted:
        mean = rec.get(sku, np.zeros(h))
        sigma = SmoothingForecaster().fit(per_sku.get(sku, np.zeros(n))).sigma_
        pattern, method, _ = fitted.get(sku, ("none", "tsb", mean))
        f = _series(
            sku,
            titles.get(sku),
            "units",
            per_sku.get(sku, np.zeros(n)),
            _interval(mean, sigma * scale, args.coverage),
            method,
            None,
        )
        f.history_total = round(raw_sku.get(sku, 0.0), 2)
        f.pattern = pattern
        _add_stock(f, stock)
        skus.append(f)
    listed = set(wanted)
    others = sum(float(v.sum()) for k, v in rec.items() if k not in listed)
    store_units = _series("store", None, "units", units[-n:], units_fc, units_method, units_bt)
    store_units.history_total = round(sum(float(r["raw_units"] or 0) for r in days), 2)
    store_gmv = _series("store", None, "gmv", gmv[-n:], gmv_fc, gmv_method, gmv_bt)
    store_gmv.history_total = round(sum(float(r["raw_gmv"] or 0) for r in days), 2)
    return SalesForecast(
        **base,
        history_start=start,
        history_end=end,
        horizon_days=h,
        store_units=store_units,
        store_gmv=store_gmv,
        skus=skus,
        other_skus_units=round(others, 2),
        capped_orders=sum(int(r["capped"]) for r in days),
        recommendations=_reorders(skus, h, text)[:5],
    )


CAPPED_ORDERS = """o AS (
        SELECT o.order_id, local_day(o.created_at) AS day, {value}::DOUBLE AS value,
               sum(i.quantity)::DOUBLE AS units
        FROM orders o JOIN order_items i USING (order_id)
        WHERE {paid} AND local_day(o.created_at) BETWEEN $since AND $end AND {where}
        GROUP BY o.order_id, day, o.pay_amount),
    caps AS (
        SELECT CASE WHEN count(*) >= 1000 THEN quantile_cont(value, 0.999) END AS vcap,
               CASE WHEN count(*) >= 1000 THEN quantile_cont(units, 0.999) END AS ucap FROM o),
    w AS (
        SELECT o.*, least(value, coalesce(vcap, value)) AS v,
               CASE WHEN units > coalesce(ucap, units) THEN ucap / units ELSE 1.0 END AS uf
        FROM o, caps)"""
"""Paid orders since ``$since``, each capped at the 99.9th percentile of order value and units
(from 1,000 orders on): ``v`` is the capped value, ``uf`` the factor on its lines' units."""


def _stock(d: StoreData, end: dt.date) -> dict[str, tuple[int, int]]:
    """Free stock and stock in transit per SKU in the last snapshot up to ``end``."""
    if not d.has("inventory"):
        return {}
    return {
        r["sku_id"]: (int(r["free"]), int(r["transit"]))
        for r in d.rows(
            """SELECT sku_id, sum(on_hand - coalesce(reserved, 0)) AS free, sum(coalesce(in_transit, 0)) AS transit
               FROM inventory WHERE date = (SELECT max(date) FROM inventory WHERE date <= ?) GROUP BY 1""",
            [end],
        )
    }


def _add_stock(f: SeriesForecast, stock: dict[str, tuple[int, int]]) -> None:
    if f.id in stock:
        free, transit = stock[f.id]
        f.available_stock = free
        short = int(np.ceil(f.upper)) - free - transit
        f.stock_short_by = short if short > 0 else None


def _reorders(
    skus: list[SeriesForecast], h: int, text: Callable[[str, str], str]
) -> list[Recommendation]:
    return [
        Recommendation(
            text=text(
                f"{f.title or f.id}：未来 {h} 天预计卖 {f.forecast_total:g} 件（上限 {f.upper:g}），可售库存 {f.available_stock} 件，建议补 {f.stock_short_by} 件",
                f"{f.title or f.id}: {f.forecast_total:g} units expected in {h} days (up to {f.upper:g}), {f.available_stock} free: reorder {f.stock_short_by}",
            ),
            action="replenish",
            params={"sku_id": f.id, "quantity": f.stock_short_by},
        )
        for f in skus
        if f.stock_short_by
    ]
