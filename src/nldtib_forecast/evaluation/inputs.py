"""Input handling of :func:`nldtib_forecast.evaluation.backtest` (private).

The built-in method names, the published series as a backtest input, the check of a
user-supplied series, its split into comparable segments, and the check of the arguments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_int, check_level, check_option

#: Built-in forecasting methods of :func:`backtest`.
METHODS: tuple[str, ...] = ("naive", "drift", "ets", "arima")
_GAPS = ("split", "steps")


# -- input handling ---------------------------------------------------------------------------
def _published_series(indicator: str) -> tuple[pd.Series, pd.Series]:
    """Newest published level per year and its series_break id."""
    from nldtib_forecast.data import load_published

    df = load_published(indicator)
    df = df[(df["category"] == "") & (df["year_start"] == df["year"])]
    if df.empty:
        raise InputError(f"argument 'series': indicator {indicator!r} has no yearly levels "
                         "(only breakdowns or period figures)")
    df = df.sort_values(["year", "edition"]).drop_duplicates("year", keep="last")
    values = pd.Series(df["value"].to_numpy(), index=pd.Index(df["year"], name="year"),
                       name=indicator)
    return values, pd.Series(df["series_break"].to_numpy(), index=values.index)


def _as_series(series: object, name: str | None) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise InputError("argument 'series': expected a pandas Series indexed by year or the "
                         f"name of a published indicator, got {type(series).__name__}")
    s = series.copy()
    if isinstance(s.index, pd.PeriodIndex):
        s.index = s.index.year
    if not pd.api.types.is_integer_dtype(s.index.dtype):
        raise InputError("argument 'series': the index must hold int years (or an annual "
                         f"PeriodIndex), got dtype {s.index.dtype}")
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()].unique()
        raise InputError("argument 'series': years must be unique", [
            Problem("year", "duplicate year", tuple(int(y) for y in dup[:5]), len(dup))])
    values = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        raise InputError(f"argument 'series': {int(bad.sum())} value(s) are missing or not "
                         f"finite, first years: {s.index[bad][:5].tolist()}")
    values.index = pd.Index(s.index.astype("int64"), name="year")
    values.name = name or (str(s.name) if s.name is not None else "series")
    return values.sort_index()


def _segments(values: pd.Series, breaks: pd.Series | None, gaps: str
              ) -> list[tuple[str, pd.Series]]:
    """Comparable, gap-free (for gaps='split') pieces of the series, labelled 'first-last'."""
    labels = np.zeros(values.size, dtype="int64")
    if breaks is not None:
        labels = np.cumsum(np.r_[0, np.diff(breaks.to_numpy()) != 0])
    if gaps == "split":
        labels = np.cumsum(np.r_[0, (np.diff(labels) != 0)
                                 | (np.diff(values.index.to_numpy()) != 1)])
    pieces = []
    for lab in np.unique(labels):
        piece = values[labels == lab]
        pieces.append((f"{piece.index[0]}-{piece.index[-1]}", piece))
    return pieces


def _check_args(methods, horizon, min_train, level, gaps, custom, arima_order):
    if isinstance(methods, str):
        methods = [methods]
    methods = [check_option("methods", m, METHODS) for m in methods]
    if len(set(methods)) != len(methods):
        raise InputError(f"argument 'methods': duplicate methods in {methods}")
    custom = dict(custom or {})
    for key, func in custom.items():
        if not isinstance(key, str) or not key or key in METHODS:
            raise InputError(f"argument 'custom': names must be non-empty strings other than "
                             f"the built-in methods {list(METHODS)}, got {key!r}")
        if not callable(func):
            raise InputError(f"argument 'custom': {key!r} is not callable")
    if not methods and not custom:
        raise InputError("argument 'methods': give at least one method (or a custom one)")
    horizon = check_int(horizon, "horizon", 1)
    min_train = check_int(min_train, "min_train", 3)
    level = check_level(level)
    check_option("gaps", gaps, _GAPS)
    order = tuple(arima_order)
    if len(order) != 3 or not all(isinstance(o, (int, np.integer)) and o >= 0 for o in order):
        raise InputError(f"argument 'arima_order': expected (p, d, q) of ints >= 0, got "
                         f"{arima_order!r}")
    return methods, custom, tuple(int(o) for o in order)

