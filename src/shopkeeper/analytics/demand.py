"""Demand estimators by pattern — yearly seasonal, Croston, TSB, ADIDA — and the demand-pattern
classification that picks one, each with the scikit-learn contract (hyper-parameters in
``__init__``, learning in :meth:`fit`, learned state in ``attr_``, :meth:`predict` gives daily means).

- :class:`YearlySeasonal` — the seasonal index × level method: the same days one year earlier
  (364 days, so weekdays line up), scaled by how the last ``level_days`` compare with the same days
  a year before (the seasonal naive forecast of Hyndman & Athanasopoulos, *Forecasting: Principles
  and Practice*, 3rd ed., §5.2, with its level adjusted).
- :class:`Croston` — Croston (1972), "Forecasting and stock control for intermittent demands",
  *Operational Research Quarterly* 23(3): sizes and intervals of non-zero demands smoothed apart,
  forecast size / interval; ``sba=True`` applies the Syntetos-Boylan (2005) bias correction
  (1 − α/2).
- :class:`TSB` — Teunter, Syntetos & Babai (2011), "Intermittent demand: linking forecasting to
  inventory obsolescence", *EJOR* 214(3): the probability of a demand is smoothed every day, so a
  product that stops selling is forecast down instead of frozen.
- :class:`ADIDA` — Nikolopoulos, Syntetos, Boylan, Petropoulos & Assimakopoulos (2011), "An
  aggregate–disaggregate intermittent demand approach (ADIDA)", *JORS* 62(3): sum the series into
  buckets of ``aggregation`` days, smooth the buckets (SES), spread the bucket forecast evenly.
- :func:`by_pattern` forecasts a SKU with the method of its pattern, and :func:`reconcile` scales
  SKU forecasts so they add up to the store's.
- :func:`classify` — Syntetos, Boylan & Croston (2005) categories from the average demand interval
  (ADI, cut-off 1.32) and the squared coefficient of variation of non-zero sizes (CV², cut-off 0.49):
  smooth, erratic, intermittent, lumpy.

Every forecast is non-negative and flat for the intermittent methods (a rate per day).

>>> Croston(alpha=0.5, sba=False).fit([0, 4, 0, 0, 2]).predict(2).tolist()  # size 3, every 2.5 days
[1.2, 1.2]
>>> TSB(alpha=0.5, beta=0.5).fit([0, 0, 0, 0]).predict(1).tolist()
[0.0]
>>> classify([0, 0, 5, 0, 0, 5, 0, 0, 5])
'intermittent'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from shopkeeper.analytics.forecast import Floats, Series, SmoothingForecaster

Pattern = Literal["smooth", "erratic", "intermittent", "lumpy", "none"]
ADI_CUT, CV2_CUT = 1.32, 0.49


def _arr(y: Series) -> Floats:
    return np.maximum(np.asarray(y, dtype=np.float64), 0.0)


def classify(y: Series) -> Pattern:
    """The demand pattern of a daily series (``none`` when it never sold)."""
    arr = _arr(y)
    sizes = arr[arr > 0]
    if len(sizes) == 0:
        return "none"
    adi = len(arr) / len(sizes)
    mean_sq = float(np.mean(sizes)) ** 2
    cv2 = float(np.var(sizes)) / mean_sq if len(sizes) > 1 and mean_sq > 0 else 0.0
    if adi <= ADI_CUT:
        return "smooth" if cv2 <= CV2_CUT else "erratic"
    return "intermittent" if cv2 <= CV2_CUT else "lumpy"


@dataclass
class YearlySeasonal:
    """Last year's same days × (last ``level_days`` / the same days a year before).

    Learned: ``ratio_`` (the level adjustment, clipped to ``[1/max_ratio, max_ratio]``),
    ``base_`` (the last ``year`` days, the days the forecast repeats).

    >>> f = YearlySeasonal(year=4, level_days=2).fit([1, 2, 3, 4, 2, 4])
    >>> f.ratio_, f.predict(3).tolist()
    (2.0, [6.0, 8.0, 4.0])
    """

    year: int = 364
    level_days: int = 28
    max_ratio: float = 3.0
    ratio_: float = field(default=1.0, init=False)
    base_: Floats = field(default_factory=lambda: np.zeros(0), init=False)

    def fit(self, y: Series) -> YearlySeasonal:
        """Learn the level ratio; ``y`` needs ``year + level_days`` days."""
        arr = _arr(y)
        if len(arr) < self.year + self.level_days:
            raise ValueError(
                f"{len(arr)} days is too short: a yearly forecast needs {self.year + self.level_days}"
            )
        recent = float(arr[-self.level_days :].sum())
        before = float(arr[-self.level_days - self.year : -self.year].sum())
        ratio = recent / before if before > 0 else 1.0
        self.ratio_ = float(np.clip(ratio, 1 / self.max_ratio, self.max_ratio))
        self.base_ = arr[-self.year :]
        return self

    def predict(self, horizon: int) -> Floats:
        """The next ``horizon`` days."""
        idx = np.arange(horizon) % self.year
        out: Floats = self.base_[idx] * self.ratio_
        return out


@dataclass
class Croston:
    """Croston's method (``sba``: with the Syntetos-Boylan correction). Learned: ``size_``,
    ``interval_`` (days between demands), ``rate_`` (the forecast per day).
    """

    alpha: float = 0.1
    sba: bool = True
    size_: float = field(default=0.0, init=False)
    interval_: float = field(default=1.0, init=False)
    rate_: float = field(default=0.0, init=False)

    def fit(self, y: Series) -> Croston:
        """Smooth sizes and intervals at each day with demand."""
        arr = _arr(y)
        hits = np.flatnonzero(arr > 0)
        if len(hits) == 0:
            self.size_, self.interval_, self.rate_ = 0.0, float(max(len(arr), 1)), 0.0
            return self
        size, interval, last = float(arr[hits[0]]), float(hits[0] + 1), int(hits[0])
        for t in hits[1:]:
            size += self.alpha * (float(arr[t]) - size)
            interval += self.alpha * (float(t - last) - interval)
            last = int(t)
        self.size_, self.interval_ = size, interval
        self.rate_ = size / interval * ((1 - self.alpha / 2) if self.sba else 1.0)
        return self

    def predict(self, horizon: int) -> Floats:
        """A flat rate per day."""
        return np.full(horizon, self.rate_)


@dataclass
class TSB:
    """Teunter-Syntetos-Babai. Learned: ``probability_`` (of a demand on a day), ``size_``,
    ``rate_`` = probability × size.
    """

    alpha: float = 0.1
    beta: float = 0.1
    probability_: float = field(default=0.0, init=False)
    size_: float = field(default=0.0, init=False)
    rate_: float = field(default=0.0, init=False)

    def fit(self, y: Series) -> TSB:
        """Smooth the demand probability every day, the size on days with demand."""
        arr = _arr(y)
        hits = arr[arr > 0]
        if len(hits) == 0:
            self.probability_ = self.size_ = self.rate_ = 0.0
            return self
        prob, size = len(hits) / len(arr), float(hits[0])
        for v in arr:
            prob += self.beta * (float(v > 0) - prob)
            if v > 0:
                size += self.alpha * (float(v) - size)
        self.probability_, self.size_, self.rate_ = prob, size, prob * size
        return self

    def predict(self, horizon: int) -> Floats:
        """A flat rate per day."""
        return np.full(horizon, self.rate_)


@dataclass
class ADIDA:
    """Aggregate into ``aggregation``-day buckets, SES on the buckets, spread evenly.
    Learned: ``bucket_level_``, ``rate_`` = bucket level / aggregation.

    >>> ADIDA(aggregation=2, alpha=0.5).fit([0, 4, 0, 0]).rate_
    1.0
    """

    aggregation: int = 7
    alpha: float = 0.2
    bucket_level_: float = field(default=0.0, init=False)
    rate_: float = field(default=0.0, init=False)

    def fit(self, y: Series) -> ADIDA:
        """Sum whole buckets from the newest day backwards, then smooth them oldest first."""
        arr = _arr(y)
        k = max(1, self.aggregation)
        n = len(arr) // k
        if n == 0:
            self.bucket_level_ = float(arr.sum()) * k / max(len(arr), 1)
        else:
            buckets = arr[len(arr) - n * k :].reshape(n, k).sum(axis=1)
            level = float(buckets[0])
            for b in buckets[1:]:
                level += self.alpha * (float(b) - level)
            self.bucket_level_ = level
        self.rate_ = self.bucket_level_ / k
        return self

    def predict(self, horizon: int) -> Floats:
        """A flat rate per day."""
        return np.full(horizon, self.rate_)


def winsorize(y: Series, *, quantile: float = 0.999, min_points: int = 1000) -> Floats:
    """Cap values above the ``quantile`` of the series — from ``min_points`` values on (on fewer,
    the quantile is too close to the maximum to tell an outlier). Used on order values, so one
    giant order does not become a trend.

    >>> float(winsorize([1.0] * 999 + [500.0]).max()) < 2
    True
    """
    arr = np.asarray(y, dtype=np.float64)
    if len(arr) < min_points:
        return arr
    capped: Floats = np.minimum(arr, float(np.quantile(arr, quantile)))
    return capped


METHOD_OF: dict[str, str] = {
    "smooth": "smoothing",
    "erratic": "smoothing",
    "intermittent": "croston_sba",
    "lumpy": "tsb",
    "none": "tsb",
}
"""The method for each demand pattern (:func:`shopkeeper.analytics.demand.classify`)."""


def by_pattern(y: Floats, horizon: int) -> tuple[str, str, Floats]:
    """A SKU's pattern, method and daily means: smoothing (ETS-style, weekday factors) for smooth
    and erratic demand, Croston-SBA for intermittent, TSB for lumpy demand.
    """
    pattern = classify(y)
    method = METHOD_OF[pattern]
    if method == "smoothing":
        return pattern, method, SmoothingForecaster().fit(y).predict(horizon).mean
    model = Croston() if method == "croston_sba" else TSB()
    return pattern, method, model.fit(y).predict(horizon)


def reconcile(
    base: dict[str, Floats], total: Floats, history: dict[str, float]
) -> dict[str, Floats]:
    """Scale the SKUs' forecasts day by day so they add up to the store's (proportional
    top-down reconciliation); a day where every SKU says 0 is split by the SKUs' history.

    >>> base = {"a": np.array([1.0, 0.0]), "b": np.array([3.0, 0.0])}
    >>> out = reconcile(base, np.array([8.0, 2.0]), {"a": 1, "b": 1})
    >>> out["a"].tolist(), out["b"].tolist()
    ([2.0, 1.0], [6.0, 1.0])
    """
    keys = sorted(base)
    if not keys:
        return {}
    stacked = np.vstack([base[k] for k in keys])
    sums = stacked.sum(axis=0)
    weights = np.array([max(history.get(k, 0.0), 0.0) for k in keys])
    share = weights / weights.sum() if weights.sum() > 0 else np.full(len(keys), 1 / len(keys))
    fallback = np.outer(share, total)
    scaled = np.where(sums > 1e-9, stacked * (total / np.where(sums > 1e-9, sums, 1.0)), fallback)
    return {k: scaled[i] for i, k in enumerate(keys)}
