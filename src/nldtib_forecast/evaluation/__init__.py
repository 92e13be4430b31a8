"""Rolling-origin backtests of simple forecasts of the published aggregate series.

:func:`backtest` refits each forecasting method on an expanding window of a year-indexed
series (the *origin* moves forward one year at a time), forecasts ``1 .. horizon`` years
ahead and scores every forecast against the published value: absolute error, the scaled
error of MASE (Hyndman & Koehler, 2006), the continuous ranked probability score CRPS
(Gneiting & Raftery, 2007) and whether the central ``level`` interval covered the outcome.
:func:`backtest_published` runs it on indicators of
:func:`~nldtib_forecast.data.load_published`, never training across a trend break.

Built-in methods (``horizon`` ``h``, ``n`` first differences ``d`` of the training window):

``naive``
    Random walk: point ``y_T``, variance ``h s^2`` with ``s^2 = mean(d^2)``.
``drift``
    Random walk with drift: point ``y_T + h mean(d)``, variance ``h s^2 (1 + h/n)`` with
    ``s^2`` the sample variance of ``d`` (the ``h/n`` term is the uncertainty of the drift).
``ets``
    Simple exponential smoothing, ETS(A,N,N), fitted by maximum likelihood with
    :class:`statsmodels.tsa.exponential_smoothing.ets.ETSModel`; analytic variance.
``arima``
    :class:`statsmodels.tsa.arima.model.ARIMA` of order ``arima_order`` (default
    ``(0, 1, 0)``) with a drift term, fitted by maximum likelihood; analytic variance.

Every built-in predictive distribution is Gaussian on the modelling scale (log-normal on the
original scale with ``log=True``). Variances are plug-in estimates: with few training points
the intervals are too narrow (see :doc:`/methodology/evaluation`). A fit that raises, warns
of non-convergence or returns non-finite numbers is replaced by the ``naive`` forecast; the
replacement is recorded in the ``fallback`` column and announced with a
:class:`BacktestWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import pandas as pd
from scipy import stats

from nldtib_forecast._errors import InputError, check_option
from nldtib_forecast.evaluation.inputs import (  # noqa: F401 - METHODS is re-exported
    _GAPS,
    METHODS,
    _as_series,
    _check_args,
    _published_series,
    _segments,
)
from nldtib_forecast.evaluation.scores import crps_lognormal, crps_normal, crps_sample

__all__ = ["METHODS", "BacktestResult", "BacktestWarning", "backtest", "backtest_published",
           "crps_lognormal", "crps_normal", "crps_sample"]

_FORECAST_COLUMNS = ("series", "segment", "method", "origin", "year", "horizon", "n_train",
                     "actual", "forecast", "lower", "upper", "abs_error", "scale",
                     "scaled_error", "crps", "covered", "distribution", "fallback")
_SCORE_COLUMNS = ("n", "mae", "mase", "crps", "coverage", "mean_width", "n_fallback")


class BacktestWarning(UserWarning):
    """A forecasting method failed on a training window and the naive forecast replaced it.

    See Also
    --------
    backtest : Warns with it when ``ets`` or ``arima`` fall back to the naive forecast.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> issubclass(BacktestWarning, UserWarning)
    True
    >>> y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", BacktestWarning)  # make fallbacks errors
    ...     res = backtest(y, ["naive", "drift"])
    >>> bool((res.forecasts["fallback"] == "").all())
    True
    """


# -- forecasting methods ---------------------------------------------------------------------
def _naive(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    d = np.diff(y)
    h = np.arange(1, horizon + 1)
    return np.full(horizon, y[-1]), np.sqrt(h * np.mean(d**2))


def _drift(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    d = np.diff(y)
    n = d.size
    h = np.arange(1, horizon + 1)
    return y[-1] + h * d.mean(), np.sqrt(h * (1 + h / n) * d.var(ddof=1))


def _ets(y: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    res = ETSModel(pd.Series(y), error="add", trend=None).fit(disp=False)
    pred = res.get_prediction(start=y.size, end=y.size + horizon - 1)
    return (np.asarray(pred.predicted_mean, dtype="float64"),
            np.sqrt(np.asarray(pred.forecast_variance, dtype="float64")))


def _arima(y: np.ndarray, horizon: int, order: tuple[int, int, int]
           ) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.arima.model import ARIMA

    res = ARIMA(y, order=order, trend="t" if order[1] >= 1 else "c").fit()
    fc = res.get_forecast(horizon)
    return (np.asarray(fc.predicted_mean, dtype="float64"),
            np.sqrt(np.asarray(fc.var_pred_mean, dtype="float64")))


def _fit_builtin(method: str, y: np.ndarray, horizon: int, order: tuple[int, int, int]
                 ) -> tuple[np.ndarray, np.ndarray, str]:
    """Mean and sd of the Gaussian forecast on the modelling scale, and a fallback reason."""
    if method == "naive":
        return (*_naive(y, horizon), "")
    if method == "drift":
        return (*_drift(y, horizon), "")
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    from nldtib_forecast.simulation import single_threaded_blas

    reason = ""
    # one BLAS thread: the likelihood of a short series is many tiny matrix products, which
    # multi-threaded BLAS does not speed up; its idle threads spin and cost 3-4 times the
    # CPU of the fit itself (measured on 2 cores)
    with warnings.catch_warnings(record=True) as caught, single_threaded_blas():
        warnings.simplefilter("always")
        try:
            mu, sd = _ets(y, horizon) if method == "ets" else _arima(y, horizon, order)
        except Exception as exc:  # noqa: BLE001 -- any failure of the fit falls back
            reason = f"fit failed: {type(exc).__name__}: {str(exc)[:80]}"
    if not reason:
        conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
        if conv:
            reason = f"no convergence: {str(conv[0].message)[:80]}"
        elif not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sd)) and np.all(sd >= 0)):
            reason = "non-finite forecast or variance"
    if reason:
        return (*_naive(y, horizon), reason)
    return mu, sd, ""


class _CustomForecast(TypedDict):
    """A custom method's forecasts at one origin, one value per horizon."""

    forecast: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    distribution: str  # "normal" (from mean, lower, upper) or "samples"
    crps: Callable[[np.ndarray], np.ndarray]  # the CRPS of the outcomes


def _custom_forecast(name: str, func: Callable, train: pd.Series, horizon: int, level: float
                     ) -> _CustomForecast:
    """Call a custom method; return point, lower, upper and a CRPS function per horizon."""
    out = func(train.copy(), horizon)
    where = f"custom method {name!r} (origin {int(train.index[-1])})"
    if isinstance(out, tuple) and len(out) == 3:
        mean, lower, upper = (np.asarray(v, dtype="float64").reshape(-1) for v in out)
        if not mean.size == lower.size == upper.size == horizon:
            raise InputError(f"{where}: (mean, lower, upper) must each have {horizon} values "
                             f"(one per horizon), got {mean.size}, {lower.size}, {upper.size}")
        if not (np.all(np.isfinite(out_ := np.r_[mean, lower, upper]))
                and np.all(lower <= mean) and np.all(mean <= upper)):
            raise InputError(f"{where}: needs finite lower <= mean <= upper, got "
                             f"{out_.tolist()}")
        sigma = (upper - lower) / (2 * stats.norm.ppf(0.5 + level / 2))
        return {"forecast": mean, "lower": lower, "upper": upper, "distribution": "normal",
                "crps": lambda y: crps_normal(y, mean, sigma)}
    samples = np.asarray(out, dtype="float64")
    if samples.ndim != 2 or samples.shape[1] != horizon or samples.shape[0] < 2:
        raise InputError(f"{where}: must return (mean, lower, upper) or samples of shape "
                         f"(n_samples >= 2, horizon={horizon}), got shape {samples.shape}")
    if not np.all(np.isfinite(samples)):
        raise InputError(f"{where}: samples must be finite")
    tail = (1 - level) / 2
    return {"forecast": np.median(samples, axis=0),
            "lower": np.quantile(samples, tail, axis=0),
            "upper": np.quantile(samples, 1 - tail, axis=0), "distribution": "samples",
            "crps": lambda y: crps_sample(y, samples)}


def backtest(
    series: pd.Series | str,
    methods: str | Sequence[str] = METHODS,
    *,
    horizon: int = 1,
    min_train: int = 3,
    level: float = 0.9,
    log: bool = False,
    respect_breaks: bool = True,
    breaks: Iterable[int] | None = None,
    gaps: str = "split",
    custom: Mapping[str, Callable] | None = None,
    arima_order: Sequence[int] = (0, 1, 0),
    name: str | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of simple forecasting methods on one yearly series.

    Within each comparable segment of ``n`` points, every method is fitted to the first
    ``k`` points for ``k = min_train, ..., n - 1`` (an expanding window; the origin is the
    ``k``-th year) and forecasts ``h = 1 .. horizon`` steps ahead, as far as the segment has
    outcomes. No window ever spans a trend break or a gap in the years.

    Parameters
    ----------
    series : pandas.Series or str
        Values indexed by int year (or an annual ``PeriodIndex``), or the name of an
        indicator of :func:`~nldtib_forecast.data.load_published`. For an indicator, the
        yearly levels are used (no breakdowns, no period averages), the newest edition per
        year, and the segments are its ``series_break`` ids.
    methods : str or sequence of str, default all of :data:`METHODS`
        Built-in methods: ``"naive"``, ``"drift"``, ``"ets"``, ``"arima"``.
    horizon : int, default 1
        Longest forecast horizon, in years (in steps with ``gaps="steps"``).
    min_train : int, default 3
        Fewest training points (at least 3: two differences to estimate a variance).
    level : float, default 0.9
        Probability of the central prediction interval whose coverage is scored.
    log : bool, default False
        Fit the built-in methods to ``log(series)`` (all values must be positive). Forecasts,
        intervals, errors and CRPS are reported on the original scale (log-normal
        predictive distributions; the point forecast is the median ``exp(mean)``).
    respect_breaks : bool, default True
        Split the series at trend breaks (``series_break`` of a published indicator, or
        ``breaks``). ``False`` chains levels across breaks -- only for comparison.
    breaks : iterable of int, optional
        For a Series: first years of new comparable segments.
    gaps : {"split", "steps"}, default "split"
        ``"split"`` cuts segments where years are missing (the B24 series before 2017 is
        four-yearly); ``"steps"`` treats consecutive observations as equally spaced.
    custom : mapping of str to callable, optional
        Extra methods ``func(train, horizon)``, where ``train`` is the training window (a
        Series on the original scale, indexed by year). Return either a tuple
        ``(mean, lower, upper)`` of arrays with ``horizon`` values (the central ``level``
        interval; scored with a normal distribution of that mean and width) or an array of
        samples of shape ``(n_samples, horizon)`` (point forecast = median, sample CRPS).
        ``log`` does not apply to custom methods.
    arima_order : (p, d, q), default (0, 1, 0)
        Order of the ``arima`` method; a drift (``d >= 1``) or constant term is included.
    name : str, optional
        Name of the series in the output (default: the Series name or indicator).

    Returns
    -------
    BacktestResult
        ``forecasts`` (one row per method, origin and horizon), ``scores`` (per series,
        method and horizon) and ``segments``.

    Raises
    ------
    nldtib_forecast.InputError
        For an unknown method (the message lists the valid ones), a bad argument, or a
        series without any segment of at least ``min_train + 1`` points.

    Warns
    -----
    BacktestWarning
        When ``ets`` or ``arima`` fell back to the naive forecast on some windows.

    See Also
    --------
    backtest_published : The backtest of the published indicators.
    crps_normal, crps_lognormal, crps_sample : The CRPS of the predictive distributions.
    nldtib_forecast.models.outlook.hindcast : The outlook's own hindcast.

    References
    ----------
    .. [1] Hyndman, R. J. and Koehler, A. B. (2006). Another look at measures of forecast
       accuracy. *International Journal of Forecasting*, 22(4), 679-688.
       doi:10.1016/j.ijforecast.2006.03.001
    .. [2] Gneiting, T. and Raftery, A. E. (2007). Strictly proper scoring rules,
       prediction, and estimation. *Journal of the American Statistical Association*,
       102(477), 359-378. doi:10.1198/016214506000001437
    .. [3] Hyndman, R. J. and Athanasopoulos, G. (2021). *Forecasting: Principles and
       Practice*, 3rd edition. OTexts, section 5.5.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")
    >>> res = backtest(y, ["naive", "drift"])
    >>> res.forecasts[["method", "origin", "year", "forecast", "actual"]]
      method  origin  year  forecast  actual
    0  naive    2021  2022       4.0     5.0
    1  naive    2022  2023       5.0     7.0
    2  drift    2021  2022       5.5     5.0
    3  drift    2022  2023       6.333333     7.0
    >>> res.scores.loc[("y", "drift", 1), ["n", "mae", "mase"]].round(4).tolist()
    [2.0, 0.5833, 0.4167]
    >>> backtest(y, ["naïve"])
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'methods': unknown value 'naïve'; ...
    """
    methods, custom, order = _check_args(methods, horizon, min_train, level, gaps, custom,
                                         arima_order)
    horizon, min_train = int(horizon), int(min_train)
    source = "series"
    if isinstance(series, str):
        values, break_ids = _published_series(series)
        values.name = name or series
        source = f"load_published({series!r}): yearly levels, newest edition per year"
    else:
        values = _as_series(series, name)
        break_ids = None
        if breaks is not None:
            starts = sorted(int(b) for b in breaks)
            break_ids = pd.Series(np.searchsorted(starts, values.index, side="right"),
                                  index=values.index)
    if not respect_breaks:
        break_ids = None
    if log and methods and np.any(values.to_numpy() <= 0):
        bad = values.index[values.to_numpy() <= 0]
        raise InputError(f"argument 'log': needs positive values; not positive in years "
                         f"{bad[:5].tolist()}")

    rows, seg_rows = [], []
    z = stats.norm.ppf(0.5 + level / 2)
    for label, piece in _segments(values, break_ids, gaps):
        n = piece.size
        origins = max(0, n - min_train)
        seg_rows.append({"series": values.name, "segment": label, "first_year": piece.index[0],
                         "last_year": piece.index[-1], "n_points": n, "n_origins": origins})
        y_orig = piece.to_numpy()
        y_model = np.log(y_orig) if log else y_orig
        for k in range(min_train, n):
            steps = min(horizon, n - k)
            actual = y_orig[k:k + steps]
            scale = np.mean(np.abs(np.diff(y_orig[:k])))
            results: dict[str, dict[str, Any]] = {}  # method -> forecasts, crps, fallback
            for method in methods:
                mu, sd, reason = _fit_builtin(method, y_model[:k], steps, order)
                if log:
                    results[method] = {
                        "forecast": np.exp(mu), "lower": np.exp(mu - z * sd),
                        "upper": np.exp(mu + z * sd), "distribution": "lognormal",
                        "crps": crps_lognormal(actual, mu, sd), "fallback": reason}
                else:
                    results[method] = {
                        "forecast": mu, "lower": mu - z * sd, "upper": mu + z * sd,
                        "distribution": "normal", "crps": crps_normal(actual, mu, sd),
                        "fallback": reason}
            for cname, func in custom.items():
                out = _custom_forecast(cname, func, piece.iloc[:k], steps, level)
                results[cname] = {**out, "crps": out["crps"](actual), "fallback": ""}
            for method, r in results.items():
                err = np.abs(actual - r["forecast"])
                for i in range(steps):
                    rows.append({
                        "series": values.name, "segment": label, "method": method,
                        "origin": int(piece.index[k - 1]), "year": int(piece.index[k + i]),
                        "horizon": i + 1, "n_train": k, "actual": actual[i],
                        "forecast": r["forecast"][i], "lower": r["lower"][i],
                        "upper": r["upper"][i], "abs_error": err[i], "scale": scale,
                        "scaled_error": err[i] / scale if scale > 0 else np.nan,
                        "crps": float(r["crps"][i]),
                        "covered": bool(r["lower"][i] <= actual[i] <= r["upper"][i]),
                        "distribution": r["distribution"], "fallback": r["fallback"]})
    segments = pd.DataFrame(seg_rows)
    if not rows:
        listed = "; ".join(f"{s.segment}: {s.n_points} point(s)" for s in segments.itertuples())
        raise InputError(f"argument 'series': too short -- backtesting needs a comparable, "
                         f"gap-free segment of at least min_train + 1 = {min_train + 1} "
                         f"points; segments of {values.name!r}: {listed}")
    forecasts = pd.DataFrame(rows, columns=list(_FORECAST_COLUMNS))
    order_of = {m: i for i, m in enumerate([*methods, *custom])}
    forecasts = forecasts.sort_values(["method", "segment", "origin", "horizon"],
                                      key=lambda c: c.map(order_of) if c.name == "method" else c,
                                      kind="stable").reset_index(drop=True)
    settings = {"methods": [*methods, *custom], "horizon": horizon, "min_train": min_train,
                "level": float(level), "log": bool(log), "respect_breaks": bool(respect_breaks),
                "gaps": gaps, "arima_order": order}
    _warn_fallbacks(forecasts)
    from nldtib_forecast._version import __version__
    from nldtib_forecast.simulation.results import data_hash

    metadata = {"source": source, "data_hash": data_hash(values), "version": __version__}
    return BacktestResult(forecasts, _scores(forecasts), segments, settings, metadata,
                          {values.name: values})


def _warn_fallbacks(forecasts: pd.DataFrame) -> None:
    fell = forecasts[forecasts["fallback"] != ""].drop_duplicates(["series", "method",
                                                                   "origin"])
    if fell.empty:
        return
    parts = []
    for (series, method), grp in fell.groupby(["series", "method"], sort=False):
        n_orig = forecasts.query("series == @series and method == @method")["origin"].nunique()
        parts.append(f"{series}/{method}: {len(grp)} of {n_orig} origins "
                     f"(first: {grp['fallback'].iloc[0]})")
    warnings.warn("fell back to the naive forecast: " + "; ".join(parts)
                  + ". See the 'fallback' column of BacktestResult.forecasts.",
                  BacktestWarning, stacklevel=3)


def _scores(forecasts: pd.DataFrame) -> pd.DataFrame:
    g = forecasts.assign(width=forecasts["upper"] - forecasts["lower"],
                         fell=forecasts["fallback"] != "").groupby(
        ["series", "method", "horizon"], sort=False)
    scores = pd.DataFrame({
        "n": g.size(), "mae": g["abs_error"].mean(), "mase": g["scaled_error"].mean(),
        "crps": g["crps"].mean(), "coverage": g["covered"].mean(),
        "mean_width": g["width"].mean(), "n_fallback": g["fell"].sum()})
    return scores.astype({"n": "int64", "n_fallback": "int64"})


# -- the result -------------------------------------------------------------------------------
@dataclass(frozen=True)
class BacktestResult:
    """Forecasts and scores of a rolling-origin backtest (read-only; see :func:`backtest`).

    Attributes
    ----------
    forecasts : pandas.DataFrame
        One row per series, method, origin and target year: ``segment`` (``"first-last"``
        year of the comparable segment), ``origin`` (last training year), ``year``,
        ``horizon``, ``n_train``, ``actual``, ``forecast`` (median of the predictive
        distribution), ``lower``/``upper`` (central ``level`` interval), ``abs_error``,
        ``scale`` (in-sample one-step naive MAE of the training window), ``scaled_error``
        (``abs_error / scale``), ``crps``, ``covered``, ``distribution`` and ``fallback``
        (why the naive forecast replaced the method; ``""`` if it did not).
    scores : pandas.DataFrame
        Index ``(series, method, horizon)``; columns ``n`` (forecasts scored), ``mae``,
        ``mase`` (mean scaled error), ``crps`` (mean), ``coverage`` (share of outcomes in
        the interval), ``mean_width`` and ``n_fallback``.
    segments : pandas.DataFrame
        The comparable segments: years, points and origins (0 = too short to use).
    settings : dict
        The arguments of the backtest.
    metadata : dict
        Data source, content hash of the data and library version.
    data : dict
        The series backtested, by name.

    See Also
    --------
    backtest : Computes it.
    backtest_published : Computes it for the published indicators.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")
    >>> res = backtest(y, ["naive", "drift"])
    >>> res.settings["methods"], res.settings["min_train"]
    (['naive', 'drift'], 3)
    >>> res.scores.index.names
    FrozenList(['series', 'method', 'horizon'])
    """

    forecasts: pd.DataFrame
    scores: pd.DataFrame
    segments: pd.DataFrame
    settings: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The forecasts as a tidy table (a copy of :attr:`forecasts`).

        Returns
        -------
        pandas.DataFrame
            One row per series, method, origin and target year, with the columns of
            :attr:`forecasts` (``series``, ``method``, ``origin``, ``year``, ``horizon``,
            ``actual``, ``forecast``, ``lower``, ``upper``, the errors and the CRPS).

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")
        >>> res = backtest(y, ["naive", "drift"])
        >>> res.to_frame()[["method", "origin", "year", "forecast", "actual"]].head(2)
          method  origin  year  forecast  actual
        0  naive    2021  2022       4.0     5.0
        1  naive    2022  2023       5.0     7.0
        """
        return self.forecasts.copy()

    def _lines(self) -> list[str]:
        s = self.settings
        head = [f"Rolling-origin backtest: {', '.join(map(str, self.data))}",
                f"methods {', '.join(s['methods'])}; expanding window from "
                f"{s['min_train']} points; horizon 1-{s['horizon']}; {s['level']:.0%} "
                f"intervals; {'log scale' if s['log'] else 'original scale'}; "
                f"{'within' if s['respect_breaks'] else 'ACROSS'} trend breaks",
                "segments used: " + ", ".join(
                    f"{r.series} {r.segment} ({r.n_origins} origin(s))"
                    for r in self.segments.itertuples() if r.n_origins > 0)]
        n_min = int(self.scores["n"].min())
        if n_min < 20:
            head.append(f"caution: as few as {n_min} forecast(s) per score -- differences "
                        "between methods are not significant")
        return head

    def summary(self) -> str:
        """The scores as text, with the settings and a caution for few forecasts.

        Returns
        -------
        str
            The series, methods, window, horizon, interval level and scale; the segments
            used; a caution when scores rest on fewer than 20 forecasts; the table of
            scores (coverage in percent).

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")
        >>> res = backtest(y, ["naive", "drift"])
        >>> print(res.summary().splitlines()[0])
        Rolling-origin backtest: y
        """
        table = self.scores.copy()
        table["coverage"] = (table["coverage"] * 100).round(0).astype(int).astype(str) + "%"
        return "\n".join(self._lines()) + "\n\n" + table.to_string(float_format="{:.4g}".format)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        lines = "".join(f"<p>{line}</p>" for line in self._lines())
        return lines + self.scores.to_html(float_format="{:.4g}".format)

    def plot(self, series: str | None = None, methods: str | Sequence[str] | None = None,
             horizon: int = 1, ax=None):
        """Plot the series with each method's forecasts and intervals at one horizon.

        Parameters
        ----------
        series : str, optional
            The series (default: the first backtested).
        methods : str or sequence of str, optional
            Methods shown (default: all of the backtest).
        horizon : int, default 1
            The forecast horizon shown, in years.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 8 x 4 inch figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on: the series by comparable segment and, per method, the
            forecasts with their intervals (offset slightly per method).

        Raises
        ------
        nldtib_forecast.InputError
            An unknown series or method.

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")
        >>> res = backtest(y, ["naive", "drift"])
        >>> ax = res.plot()
        >>> ax.get_title()
        'y: 1-year-ahead forecasts, 90% intervals'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        series = check_option("series", series if series is not None else next(iter(self.data)),
                              list(self.data))
        methods = [methods] if isinstance(methods, str) else list(methods or
                                                                   self.settings["methods"])
        for m in methods:
            check_option("methods", m, self.settings["methods"])
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        values = self.data[series]
        for seg in self.segments[self.segments["series"] == series].itertuples():
            part = values.loc[seg.first_year:seg.last_year]
            ax.plot(part.index, part.to_numpy(), "k.-", lw=1)
        f = self.forecasts.query("series == @series and horizon == @horizon")
        width = 0.8 / max(len(methods), 1)
        for i, m in enumerate(methods):
            fm = f[f["method"] == m]
            x = fm["year"].to_numpy() + (i - (len(methods) - 1) / 2) * width / 2
            ax.errorbar(x, fm["forecast"], yerr=[fm["forecast"] - fm["lower"],
                                                 fm["upper"] - fm["forecast"]],
                        fmt="o", ms=4, capsize=2, label=m)
        ax.set_title(f"{series}: {horizon}-year-ahead forecasts, "
                     f"{self.settings['level']:.0%} intervals")
        ax.set_xlabel("year")
        ax.legend(frameon=False)
        return ax


def backtest_published(indicators: str | Sequence[str] = ("ds_turnover_eur", "export_share"),
                       methods: str | Sequence[str] = METHODS, **kwargs) -> BacktestResult:
    """Backtest published indicators within their comparable segments.

    Parameters
    ----------
    indicators : str or sequence of str, default ("ds_turnover_eur", "export_share")
        Indicators of :func:`~nldtib_forecast.data.load_published` with yearly levels.
    methods : str or sequence of str, default all of METHODS
        Built-in methods, as in :func:`backtest`.
    **kwargs
        Other arguments of :func:`backtest` (``log``, ``horizon``, ``min_train``,
        ``custom``, ...), except ``name``.

    Returns
    -------
    BacktestResult
        All indicators in one result (the ``series`` column and index level).

    Raises
    ------
    nldtib_forecast.InputError
        No indicator, ``name`` given, or the errors of :func:`backtest`.

    See Also
    --------
    backtest : The backtest of one series.
    nldtib_forecast.data.SERIES_BREAKS : The trend breaks that delimit the segments.

    Examples
    --------
    >>> res = backtest_published(["ds_turnover_eur"], ["naive", "drift"], log=True)
    >>> res.segments[["segment", "n_points", "n_origins"]]
        segment  n_points  n_origins
    0  2006-2006         1          0
    1  2010-2010         1          0
    2  2014-2014         1          0
    3  2017-2017         1          0
    4  2019-2023         5          2
    5  2024-2025         2          0
    >>> res.scores["n"].tolist()
    [2, 2]
    """
    if "name" in kwargs:
        raise InputError("argument 'name': not used by backtest_published (series are named "
                         "after their indicator)")
    indicators = [indicators] if isinstance(indicators, str) else list(indicators)
    if not indicators:
        raise InputError("argument 'indicators': give at least one indicator")
    parts = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BacktestWarning)
        for ind in indicators:
            parts.append(backtest(ind, methods, **kwargs))
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    first = parts[0]
    return BacktestResult(
        pd.concat([p.forecasts for p in parts], ignore_index=True),
        pd.concat([p.scores for p in parts]),
        pd.concat([p.segments for p in parts], ignore_index=True),
        first.settings,
        {"source": [p.metadata["source"] for p in parts],
         "data_hash": [p.metadata["data_hash"] for p in parts],
         "version": first.metadata["version"]},
        {k: v for p in parts for k, v in p.data.items()})


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
