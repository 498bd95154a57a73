"""Benchmark: rolling-origin backtest of every forecasting method against seasonal naive.

For the store's daily GMV (outlier orders capped as ``sales_forecast`` caps them) and for the
best-selling SKUs' daily units, at ``--origins`` origins 14 days apart ending ``--horizon`` days
before the last day: fit on everything up to the origin, forecast the next ``--horizon`` days, and
score. Printed per method: MAE (per day), sMAPE (of the horizon's total, %) and MASE (MAE over the
in-sample MAE of weekly seasonal naive; below 1 beats it). Stores: UCI Online Retail (imported
into a temporary home, read in place) and a generated demo store.

    .venv/bin/python bench/bench_forecast.py [--datasets ../shared/datasets] [--origins 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from shopkeeper.analytics.demand import ADIDA, TSB, Croston, YearlySeasonal, by_pattern
from shopkeeper.analytics.forecast import (
    Floats,
    SmoothingForecaster,
    forecast_series,
    seasonal_naive,
)
from shopkeeper.settings import Settings
from shopkeeper.skills.forecasting import CAPPED_ORDERS
from shopkeeper.store.metrics import line_gmv, order_gmv, paid
from shopkeeper.store.service import create_demo, import_online_retail
from shopkeeper.store.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
Method = Callable[[Floats, int], Floats]

STORE_METHODS: dict[str, Method] = {
    "seasonal_naive": lambda y, h: seasonal_naive(y, season=7, horizon=h),
    "smoothing": lambda y, h: SmoothingForecaster().fit(y[-56:]).predict(h).mean,
    "chosen (56 days)": lambda y, h: forecast_series(y[-56:], h).forecast.mean,
    "yearly_seasonal": lambda y, h: YearlySeasonal().fit(y).predict(h),
}
SKU_METHODS: dict[str, Method] = {
    "seasonal_naive": lambda y, h: seasonal_naive(y, season=7, horizon=h),
    "smoothing": lambda y, h: SmoothingForecaster().fit(y).predict(h).mean,
    "croston_sba": lambda y, h: Croston().fit(y).predict(h),
    "tsb": lambda y, h: TSB().fit(y).predict(h),
    "adida": lambda y, h: ADIDA().fit(y).predict(h),
    "by_pattern": lambda y, h: by_pattern(y, h)[2],
}


def load(wh: Warehouse, top: int) -> tuple[dt.date, Floats, dict[str, Floats]]:
    """First day, daily capped GMV, and daily units of the ``top`` best-selling SKUs."""
    con = wh.con
    first, end = con.execute(
        f"SELECT min(CAST(created_at AS DATE)), max(CAST(created_at AS DATE)) FROM orders o WHERE {paid()}"
    ).fetchone() or (None, None)
    if not (first and end):
        raise SystemExit("the store has no paid orders")
    orders = CAPPED_ORDERS.format(
        value=order_gmv("o", f"sum({line_gmv()})"), paid=paid(), where="TRUE"
    )
    params = {"since": first, "end": end}
    n = (end - first).days + 1
    gmv = np.zeros(n)
    for day, v in con.execute(
        f"WITH {orders} SELECT day, sum(v) FROM w GROUP BY 1", params
    ).fetchall():
        gmv[(day - first).days] = float(v)
    skus: dict[str, Floats] = {}
    rows = con.execute(
        f"""WITH {orders}, l AS (SELECT w.day, i.sku_id, i.quantity * w.uf AS u FROM w JOIN order_items i USING (order_id)),
            t AS (SELECT sku_id FROM l GROUP BY 1 ORDER BY sum(u) DESC, sku_id LIMIT {top})
            SELECT day, sku_id, sum(u) FROM l SEMI JOIN t USING (sku_id) GROUP BY 1, 2""",
        params,
    ).fetchall()
    for day, sku, u in rows:
        skus.setdefault(sku, np.zeros(n))[(day - first).days] += float(u)
    return first, gmv, skus


def score(
    series: list[Floats], methods: dict[str, Method], origins: int, h: int, window: int | None
) -> dict[str, tuple[float, float, float]]:
    """MAE, sMAPE of totals and MASE per method over every series and origin (methods that cannot
    fit at an origin are left out there)."""
    errs: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
    for y in series:
        n = len(y)
        for k in range(origins):
            cut = n - h - 14 * k
            train, test = y[:cut], y[cut : cut + h]
            if window:
                train = train[-window:]
            if len(train) < 21:
                continue
            scale = float(np.mean(np.abs(train[7:] - train[:-7]))) or 1.0
            for name, method in methods.items():
                try:
                    fc = np.maximum(method(train, h), 0.0)
                except ValueError:
                    continue  # too short for this method
                mae = float(np.mean(np.abs(fc - test)))
                den = abs(fc.sum()) + abs(test.sum())
                smape = 200 * abs(fc.sum() - test.sum()) / den if den else 0.0
                errs[name].append((mae, smape, mae / scale))
    return {m: tuple(float(x) for x in np.mean(v, axis=0)) for m, v in errs.items() if v}  # type: ignore[misc]


def report(title: str, scores: dict[str, tuple[float, float, float]]) -> None:
    """One table: a row per method."""
    print(f"\n{title}\n{'method':<18} {'MAE':>12} {'sMAPE %':>8} {'MASE':>6}")
    for name, (mae, smape, mase) in sorted(scores.items(), key=lambda kv: kv[1][2]):
        print(f"{name:<18} {mae:>12,.2f} {smape:>8.1f} {mase:>6.2f}")


def bench(label: str, wh: Warehouse, origins: int, h: int) -> None:
    """Both tables for one store."""
    first, gmv, skus = load(wh, top=200)
    print(
        f"\n=== {label}: {first} .. {first + dt.timedelta(days=len(gmv) - 1)}, {origins} origins, {h}-day horizon"
    )
    report("store GMV per day", score([gmv], STORE_METHODS, origins, h, None))
    report(
        f"units per day of the {len(skus)} best-selling SKUs (56 days fitted)",
        score(list(skus.values()), SKU_METHODS, origins, h, 56),
    )


def main() -> int:
    """Run the backtests on UCI (when present) and on a generated store."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--origins", type=int, default=8)
    parser.add_argument("--horizon", type=int, default=14)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        if (opts.datasets / "online_retail").is_dir():
            import_online_retail(settings, "uk", path=opts.datasets / "online_retail")
            with Warehouse.open(settings.store_dir("uk"), read_only=True) as wh:
                bench("UCI Online Retail", wh, opts.origins, opts.horizon)
        create_demo(settings, "demo", scale=0.3, seed=7, end_date=dt.date(2026, 11, 30))
        with Warehouse.open(settings.store_dir("demo"), read_only=True) as wh:
            bench("generated demo store", wh, opts.origins, opts.horizon)
    return 0


if __name__ == "__main__":
    sys.exit(main())
