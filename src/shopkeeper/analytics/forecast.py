"""Daily demand forecasts that say how sure they are: seasonal naive and exponential smoothing.

:func:`seasonal_naive` repeats the last season (a week). :class:`SmoothingForecaster` caps one-off
spikes (a promotion day), learns weekday factors (shrunk towards 1 when few weeks are seen),
smooths the de-seasonalised level exponentially (simple exponential smoothing, Hyndman &
Athanasopoulos, *Forecasting: Principles and Practice*, ch. 8) and takes the spread of its own
one-step-ahead errors for the interval. :func:`backtest` scores both on the last days held out, so
a caller can use the one that did better and say by how much. Forecasts are never negative.

>>> f = SmoothingForecaster(season=7).fit([10.0] * 28)
>>> f.predict(3).mean.tolist(), f.sigma_
([10.0, 10.0, 10.0], 0.0)
>>> seasonal_naive([1, 2, 3, 4, 5, 6, 7, 8], season=7, horizon=3).tolist()
[2.0, 3.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Series = Sequence[float] | Floats


@dataclass(frozen=True)
class Forecast:
    """Daily means and a per-day interval, and the interval of their total."""

    mean: Floats
    lower: Floats
    upper: Floats
    total: float
    total_lower: float
    total_upper: float


def seasonal_naive(y: Series, *, season: int = 7, horizon: int = 7) -> Floats:
    """Each future day equals the same day of the last full season (the last value if shorter)."""
    arr = np.asarray(y, dtype=np.float64)
    if len(arr) == 0:
        return np.zeros(horizon)
    if len(arr) < season:
        return np.full(horizon, arr[-1])
    last = arr[-season:]
    return np.array([last[i % season] for i in range(horizon)], dtype=np.float64)


def cap_spikes(y: Floats) -> Floats:
    """Cap values above ``max(q75 + 3·IQR, q95)``: a promotion day does not set the level (only
    from four weeks of history on: on less, a high day may be the new normal).
    """
    if len(y) < 28:
        return y
    q25, q75, q95 = np.quantile(y, [0.25, 0.75, 0.95])
    capped: Floats = np.minimum(y, max(q75 + 3 * (q75 - q25), q95))
    return capped


@dataclass
class SmoothingForecaster:
    """Exponential smoothing with weekday factors and an interval from its one-step errors.

    Hyper-parameters: ``season`` (days), ``alpha`` (smoothing weight of the newest day),
    ``coverage`` (of the interval), ``shrink_weeks`` (weekday factors are pulled towards 1 as if
    this many flat weeks were added). Learned: ``level_``, ``factors_`` (one per day of the season,
    indexed from the first day fitted), ``sigma_`` (sd of the one-step errors), ``n_``.
    """

    season: int = 7
    alpha: float = 0.3
    coverage: float = 0.8
    shrink_weeks: float = 2.0
    level_: float = field(default=0.0, init=False)
    factors_: Floats = field(default_factory=lambda: np.ones(7), init=False)
    sigma_: float = field(default=0.0, init=False)
    n_: int = field(default=0, init=False)

    def fit(self, y: Series) -> SmoothingForecaster:
        """Learn level, weekday factors and error spread from a daily series (oldest first)."""
        arr = cap_spikes(np.maximum(np.asarray(y, dtype=np.float64), 0.0))
        self.n_ = len(arr)
        self.factors_ = self._factors(arr)
        if len(arr) == 0:
            self.level_, self.sigma_ = 0.0, 0.0
            return self
        seasonal = self.factors_[np.arange(len(arr)) % self.season]
        z = arr / seasonal
        warm = min(len(arr), self.season)
        level = float(np.mean(z[:warm]))
        errors = []
        for t in range(warm, len(arr)):
            errors.append(arr[t] - level * seasonal[t])
            level = self.alpha * float(z[t]) + (1 - self.alpha) * level
        self.level_ = level
        self.sigma_ = float(np.std(errors, ddof=1)) if len(errors) >= 2 else float(np.std(arr))
        return self

    def _factors(self, arr: Floats) -> Floats:
        weeks = len(arr) // self.season
        if weeks < 2 or arr.mean() <= 0:
            return np.ones(self.season)
        tail = arr[len(arr) - weeks * self.season :]
        offset = (len(arr) - weeks * self.season) % self.season
        by_day = tail.reshape(weeks, self.season).mean(axis=0) / tail.mean()
        shrunk = (weeks * by_day + self.shrink_weeks) / (weeks + self.shrink_weeks)
        shrunk = np.maximum(shrunk, 0.05)
        shrunk = shrunk / shrunk.mean()
        return np.roll(shrunk, offset)  # index 0 = the first day fitted

    def predict(self, horizon: int) -> Forecast:
        """The next ``horizon`` days: means, per-day interval, and the total's interval (errors
        taken as independent, so the total's spread grows with √horizon).
        """
        idx = (self.n_ + np.arange(horizon)) % self.season
        mean = np.maximum(self.level_ * self.factors_[idx], 0.0)
        z = NormalDist().inv_cdf(0.5 + self.coverage / 2)
        lower = np.maximum(mean - z * self.sigma_, 0.0)
        upper = mean + z * self.sigma_
        total = float(mean.sum())
        spread = z * self.sigma_ * float(np.sqrt(horizon))
        return Forecast(mean, lower, upper, total, max(total - spread, 0.0), total + spread)


@dataclass(frozen=True)
class Backtest:
    """Mean absolute error per day of each method on the held-out days."""

    holdout_days: int
    smoothing_mae: float
    naive_mae: float

    @property
    def best(self) -> str:
        """``smoothing`` unless seasonal naive did strictly better."""
        return "seasonal_naive" if self.naive_mae < self.smoothing_mae else "smoothing"


def backtest(
    y: Series, *, holdout: int = 14, model: SmoothingForecaster | None = None
) -> Backtest | None:
    """Fit on all but the last ``holdout`` days, score both methods on them (``None`` when the
    series is too short to hold out two seasons of training).
    """
    arr = np.asarray(y, dtype=np.float64)
    proto = model or SmoothingForecaster()
    if len(arr) < holdout + 2 * proto.season:
        return None
    train, test = arr[:-holdout], arr[-holdout:]
    fitted = SmoothingForecaster(proto.season, proto.alpha, proto.coverage, proto.shrink_weeks)
    smooth = fitted.fit(train).predict(holdout).mean
    naive = seasonal_naive(train, season=proto.season, horizon=holdout)
    return Backtest(
        holdout,
        float(np.mean(np.abs(smooth - test))),
        float(np.mean(np.abs(naive - test))),
    )


@dataclass(frozen=True)
class Chosen:
    """The forecast of the method that did better on the held-out days, and that score."""

    forecast: Forecast
    method: str
    backtest: Backtest | None


def forecast_series(y: Series, horizon: int, *, coverage: float = 0.8) -> Chosen:
    """Backtest both methods, refit the better one on the whole series and forecast ``horizon``
    days; the interval's spread is the smoothing model's one-step error either way.

    >>> c = forecast_series([5.0, 5, 5, 5, 5, 20, 20] * 6, 7)
    >>> c.method, c.forecast.mean.tolist()
    ('seasonal_naive', [5.0, 5.0, 5.0, 5.0, 5.0, 20.0, 20.0])
    """
    model = SmoothingForecaster(coverage=coverage).fit(y)
    smooth = model.predict(horizon)
    scored = backtest(y, holdout=min(14, max(horizon, 7)), model=model)
    if scored is None or scored.best == "smoothing":
        return Chosen(smooth, "smoothing", scored)
    mean = seasonal_naive(y, season=model.season, horizon=horizon)
    z = NormalDist().inv_cdf(0.5 + coverage / 2)
    total, spread = float(mean.sum()), z * model.sigma_ * float(np.sqrt(horizon))
    naive = Forecast(
        mean,
        np.maximum(mean - z * model.sigma_, 0.0),
        mean + z * model.sigma_,
        total,
        max(total - spread, 0.0),
        total + spread,
    )
    return Chosen(naive, "seasonal_naive", scored)
