"""Demand forecast for the next days, per store and per SKU, with an interval and a backtest.

Methods (:mod:`shopkeeper.analytics.forecast`): seasonal naive (last week again) and exponential
smoothing with weekday factors and promotion spikes capped; the one that did better on the last
held-out days is used, and both errors are reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from shopkeeper.analytics.forecast import forecast_series
from shopkeeper.skills.common import DataAnswer, Recommendation, open_store
from shopkeeper.skills.registry import SkillContext, skill
from shopkeeper.skills.render import Lang, money, num, tr
from shopkeeper.store.metrics import line_gmv, paid


class ForecastArgs(BaseModel):
    """What to forecast."""

    horizon_days: int = Field(default=14, ge=1, le=90, description="days ahead")
    history_days: int = Field(default=56, ge=14, le=730, description="days of history fitted")
    end: dt.date | None = Field(
        default=None, description="last day of history (default: last day with orders)"
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
    method: str = Field(description="smoothing or seasonal_naive")
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
    skus: list[SeriesForecast] = Field(default_factory=list)

    def render(self, lang: Lang, currency: str = "") -> str:
        """Units and GMV expected over the horizon, then the main SKUs and what stock is short."""
        units, gmv = self.store_units, self.store_gmv
        total = num(units.forecast_total, 0) if units else "—"
        low, high = (num(units.lower, 0), num(units.upper, 0)) if units else ("—", "—")
        value = money(gmv.forecast_total if gmv else None, self.money_in(currency), lang)
        head = tr(
            lang,
            f"未来 {self.horizon_days} 天预计卖 {total} 件（区间 {low}–{high}），"
            f"成交约 {value}（依据 {self.history_start} 至 {self.history_end} 的数据）。主要 SKU：",
            f"Next {self.horizon_days} days: about {total} units (range {low}–{high}), "
            f"GMV about {value} (from {self.history_start} to {self.history_end}). Main SKUs:",
        )
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


def _one(
    key: str,
    title: str | None,
    unit: str,
    y: np.ndarray[Any, np.dtype[np.float64]],
    args: ForecastArgs,
) -> SeriesForecast:
    c = forecast_series(y, args.horizon_days, coverage=args.coverage)
    bt = c.backtest
    used = (
        None if bt is None else (bt.naive_mae if c.method == "seasonal_naive" else bt.smoothing_mae)
    )
    return SeriesForecast(
        id=key,
        title=title,
        unit=unit,
        history_total=round(float(y.sum()), 2),
        history_daily_mean=round(float(y.mean()), 3),
        forecast_total=round(c.forecast.total, 2),
        lower=round(c.forecast.total_lower, 2),
        upper=round(c.forecast.total_upper, 2),
        daily=[round(float(v), 3) for v in c.forecast.mean],
        method=c.method,
        backtest_mae=round(used, 3) if used is not None else None,
        naive_mae=round(bt.naive_mae, 3) if bt else None,
    )


@skill(tags=("data", "analyst", "orders"))
def sales_forecast(ctx: SkillContext, args: ForecastArgs) -> SalesForecast:
    """Demand forecast for the next N days (store units and GMV, best-selling SKUs) with an interval and a backtest."""
    with open_store(ctx) as d:
        base = d.answer_base()
        end = args.end or d.window_end()
        start = end - dt.timedelta(days=args.history_days - 1)
        lines = d.rows(
            f"""SELECT CAST(o.created_at AS DATE) AS day, i.sku_id, sum(i.quantity) AS units, sum({line_gmv()})::DOUBLE AS gmv
                FROM orders o JOIN order_items i USING (order_id)
                WHERE {paid()} AND CAST(o.created_at AS DATE) BETWEEN ? AND ? GROUP BY 1, 2""",
            [start, end],
        )
        titles = {r["sku_id"]: r["title"] for r in d.rows("SELECT sku_id, title FROM products")}
        stock = (
            {
                r["sku_id"]: (int(r["free"]), int(r["transit"]))
                for r in d.rows(
                    """SELECT sku_id, sum(on_hand - coalesce(reserved, 0)) AS free, sum(coalesce(in_transit, 0)) AS transit
                   FROM inventory WHERE date = (SELECT max(date) FROM inventory WHERE date <= ?) GROUP BY 1""",
                    [end],
                )
            }
            if d.has("inventory")
            else {}
        )
        text = d.text
    n = args.history_days
    units, gmv = np.zeros(n), np.zeros(n)
    per_sku: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
    for r in lines:
        k = (r["day"] - start).days
        units[k] += r["units"]
        gmv[k] += r["gmv"]
        per_sku.setdefault(r["sku_id"], np.zeros(n))[k] += r["units"]
    wanted = (
        [args.sku_id]
        if args.sku_id
        else sorted(per_sku, key=lambda s: (-per_sku[s].sum(), s))[: args.limit]
    )
    skus = []
    for sku in wanted:
        f = _one(sku, titles.get(sku), "units", per_sku.get(sku, np.zeros(n)), args)
        if sku in stock:
            free, transit = stock[sku]
            f.available_stock = free
            short = int(np.ceil(f.upper)) - free - transit
            f.stock_short_by = short if short > 0 else None
        skus.append(f)
    recs = [
        Recommendation(
            text=text(
                f"{f.title or f.id}：未来 {args.horizon_days} 天预计卖 {f.forecast_total:g} 件（上限 {f.upper:g}），可售库存 {f.available_stock} 件，建议补 {f.stock_short_by} 件",
                f"{f.title or f.id}: {f.forecast_total:g} units expected in {args.horizon_days} days (up to {f.upper:g}), {f.available_stock} free: reorder {f.stock_short_by}",
            ),
            action="replenish",
            params={"sku_id": f.id, "quantity": f.stock_short_by},
        )
        for f in skus
        if f.stock_short_by
    ]
    return SalesForecast(
        **base,
        history_start=start,
        history_end=end,
        horizon_days=args.horizon_days,
        store_units=_one("store", None, "units", units, args),
        store_gmv=_one("store", None, "gmv", gmv, args),
        skus=skus,
        recommendations=recs[:5],
    )
