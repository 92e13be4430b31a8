"""Bilateral price and quantity index numbers, additive contributions and difference indicators.

Private engine of :mod:`nldtib_forecast.models.price_volume`. Everything here is vectorised
over comparisons (pairs of periods) and items: a *comparison* is one row of four ``(k, n)``
arrays ``p0, q0, p1, q1`` (k comparisons of n items). Items that are not in a comparison
(matched-sample option) are *masked*: their price is set to 1 and their quantity to 0 in both
periods, which gives them a zero value weight in every formula here.

The formulas follow Balk (2008, chapters 3-4) and the IMF/ILO PPI and CPI Manuals (2004,
chapters 15-17 and 19-20); the methodology page of the documentation lists them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option

__all__ = ["INDEX_METHODS", "INDICATOR_METHODS", "logmean"]

#: Index number formulas, in the order the documentation lists them.
INDEX_METHODS: tuple[str, ...] = (
    "laspeyres",
    "paasche",
    "fisher",
    "tornqvist",
    "walsh",
    "montgomery_vartia",
    "sato_vartia",
    "geometric_laspeyres",
    "geometric_paasche",
)
#: Formulas that take logarithms of the relatives of the aggregated variable.
LOG_METHODS: frozenset[str] = frozenset(
    {"tornqvist", "montgomery_vartia", "sato_vartia", "geometric_laspeyres",
     "geometric_paasche"})
#: Difference (indicator) decompositions of a value change.
INDICATOR_METHODS: tuple[str, ...] = ("bennet", "montgomery", "laspeyres", "paasche")

_SHOWN = 5


# ---------------------------------------------------------------------------------------------
# The logarithmic mean
# ---------------------------------------------------------------------------------------------
def logmean(a, b):
    """Logarithmic mean ``L(a, b) = (a - b) / (ln a - ln b)``, ``L(a, a) = a``, ``L(a, 0) = 0``.

    Vectorised; accurate near ``a == b`` (series expansion) and exact at 0.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d = a / b - 1.0
        ratio = np.where(np.abs(d) > 1e-6, d / np.log1p(d), 1.0 + d / 2.0 - d * d / 12.0)
        out = b * ratio
    return np.where((a <= 0) | (b <= 0), 0.0, out)


def _safe_log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.where(x > 0, x, 1.0))


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------
def _cells(frame: pd.DataFrame, mask: np.ndarray) -> tuple[tuple, int]:
    rows, cols = np.nonzero(mask)
    labels = tuple((frame.index[i], frame.columns[j])
                   for i, j in zip(rows[:_SHOWN], cols[:_SHOWN], strict=True))
    return labels, int(len(rows))


def _as_float(frame: object, name: str) -> np.ndarray:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"argument '{name}': expected a pandas DataFrame with periods as the "
                         f"index and items as columns, got {type(frame).__name__}")
    try:
        return frame.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        bad = [str(c) for c in frame.columns
               if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
        raise InputError(f"argument '{name}': every column must be numeric",
                         [Problem(c, "is not numeric") for c in bad[:_SHOWN]]) from exc


def _align(prices: pd.DataFrame, quantities: pd.DataFrame) -> pd.DataFrame:
    """Return ``quantities`` in the row and column order of ``prices`` (or raise)."""
    problems: list[Problem] = []
    for axis, a, b in (("index (periods)", prices.index, quantities.index),
                       ("columns (items)", prices.columns, quantities.columns)):
        if a.has_duplicates or b.has_duplicates:
            problems.append(Problem(axis, "labels must be unique in prices and quantities"))
            continue
        only_p = a.difference(b)
        only_q = b.difference(a)
        if len(only_p) or len(only_q):
            problems.append(Problem(
                axis, f"prices and quantities must have the same labels; only in prices: "
                      f"{list(only_p[:_SHOWN])}, only in quantities: {list(only_q[:_SHOWN])}"))
    if problems:
        raise InputError("prices and quantities do not match (mismatched shapes or labels)",
                         problems)
    if prices.index.equals(quantities.index) and prices.columns.equals(quantities.columns):
        return quantities
    return quantities.reindex(index=prices.index, columns=prices.columns)


def check_prices_quantities(prices: pd.DataFrame, quantities: pd.DataFrame, missing: str,
                            positive_quantities: bool = False
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate prices and quantities; return ``p, q`` arrays and the validity mask.

    Zero or negative prices, negative quantities and infinite values are always errors;
    missing values (NaN) are errors unless ``missing == "matched"``. With
    ``positive_quantities`` zero quantities are errors too (formulas with logarithms of
    quantity relatives).
    """
    check_option("missing", missing, ("error", "matched"))
    p = _as_float(prices, "prices")
    _as_float(quantities, "quantities")
    quantities = _align(prices, quantities)
    q = _as_float(quantities, "quantities")
    if p.size == 0:
        raise InputError("prices and quantities are empty: need at least one period and one "
                         "item")
    if not prices.index.is_monotonic_increasing:
        raise InputError("the periods (index) must be sorted in increasing order; call "
                         ".sort_index() on prices and quantities first")
    problems: list[Problem] = []
    nan = np.isnan(p) | np.isnan(q)
    checks = [
        ("prices", prices, np.isinf(p), "must be finite"),
        ("prices", prices, ~np.isnan(p) & (p <= 0),
         "must be > 0 (zero or negative prices have no price relative)"),
        ("quantities", quantities, np.isinf(q), "must be finite"),
        ("quantities", quantities, ~np.isnan(q) & (q < 0), "must be >= 0"),
    ]
    if positive_quantities:
        checks.append(("quantities", quantities, ~np.isnan(q) & (q == 0),
                       "must be > 0 for this formula (it takes logarithms of quantity "
                       "relatives); use laspeyres, paasche, fisher or walsh"))
    if missing == "error":
        checks.append(("prices/quantities", prices, nan,
                       "missing values (NaN) are not allowed; pass missing='matched' to compare "
                       "each pair of periods over the items observed in both"))
    for name, frame, mask, rule in checks:
        if mask.any():
            cells, n = _cells(frame, mask)
            problems.append(Problem(name, rule + " (cells as (period, item))", cells, n))
    if problems:
        raise InputError("invalid prices or quantities", problems)
    return p, q, ~nan


# ---------------------------------------------------------------------------------------------
# Bilateral formulas, vectorised over comparisons
# ---------------------------------------------------------------------------------------------
def _masked(p0, q0, p1, q1, m):
    return (np.where(m, p0, 1.0), np.where(m, q0, 0.0),
            np.where(m, p1, 1.0), np.where(m, q1, 0.0))


def bilateral(p0, q0, p1, q1, mask, method: str) -> np.ndarray:
    """Index of ``p`` (the variable aggregated) from period 0 to 1, one value per row.

    ``q`` are the weights' companion variable (quantities for a price index; prices for a
    quantity index). Arrays have shape ``(k, n)``; ``mask`` marks the items in each comparison.
    """
    p0, q0, p1, q1 = _masked(p0, q0, p1, q1, mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        v0, v1 = p0 * q0, p1 * q1
        V0, V1 = v0.sum(axis=1), v1.sum(axis=1)
        if method in ("laspeyres", "paasche", "fisher"):
            lasp = (p1 * q0).sum(axis=1) / V0
            paas = V1 / (p0 * q1).sum(axis=1)
            return {"laspeyres": lasp, "paasche": paas}.get(method, np.sqrt(lasp * paas))
        if method == "walsh":
            a = np.sqrt(q0 * q1)
            return (p1 * a).sum(axis=1) / (p0 * a).sum(axis=1)
        lr = _safe_log(p1 / p0)
        s0, s1 = v0 / V0[:, None], v1 / V1[:, None]
        if method == "tornqvist":
            return np.exp((0.5 * (s0 + s1) * lr).sum(axis=1))
        if method == "geometric_laspeyres":
            return np.exp((s0 * lr).sum(axis=1))
        if method == "geometric_paasche":
            return np.exp((s1 * lr).sum(axis=1))
        if method == "sato_vartia":
            w = logmean(s0, s1)
            return np.exp((w * lr).sum(axis=1) / w.sum(axis=1))
        if method == "montgomery_vartia":
            w = logmean(v0, v1)
            return np.exp((w * lr).sum(axis=1) / logmean(V0, V1))
    raise AssertionError(method)  # pragma: no cover - checked by the caller


def contributions(p0, q0, p1, q1, mask, method: str) -> np.ndarray:
    """Additive contributions ``c`` of every item with ``sum(c) == index - 1`` per row.

    Arithmetic formulas (Laspeyres, Paasche, Walsh) are weighted arithmetic means of the
    relatives ``r`` and give ``w_i (r_i - 1)``. Fisher uses the van IJzeren decomposition
    (Balk 2008, section 4.2.2). Geometric formulas with weights summing to one (Tornqvist,
    Sato-Vartia, geometric Laspeyres/Paasche) use the weights ``w_i / L(r_i, P)`` normalised,
    which are the unique arithmetic weights reproducing the geometric mean (Reinsdorf, Diewert
    and Ehemann 2002; Balk 2008, section 4.2). Montgomery-Vartia, whose weights sum to less than
    one, splits ``P - 1`` in proportion to the log contributions ``w_i ln r_i``.
    """
    P = bilateral(p0, q0, p1, q1, mask, method)[:, None]
    p0, q0, p1, q1 = _masked(p0, q0, p1, q1, mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = p1 / p0
        v0, v1 = p0 * q0, p1 * q1
        V0, V1 = v0.sum(axis=1, keepdims=True), v1.sum(axis=1, keepdims=True)
        s0 = v0 / V0
        hybrid = p0 * q1 / (p0 * q1).sum(axis=1, keepdims=True)
        if method == "laspeyres":
            w = s0
        elif method == "paasche":
            w = hybrid
        elif method == "fisher":
            q_fisher = V1 / V0 / P
            q_lasp = (p0 * q1).sum(axis=1, keepdims=True) / V0
            w = (q_fisher * s0 + q_lasp * hybrid) / (q_fisher + q_lasp)
        elif method == "walsh":
            a = p0 * np.sqrt(q0 * q1)
            w = a / a.sum(axis=1, keepdims=True)
        elif method == "montgomery_vartia":
            omega = logmean(v0, v1) / logmean(V0, V1)
            out = logmean(P, np.ones_like(P)) * omega * _safe_log(r)
            return np.where(mask, out, np.nan)
        else:
            s1 = v1 / V1
            g = {"tornqvist": 0.5 * (s0 + s1), "geometric_laspeyres": s0,
                 "geometric_paasche": s1, "sato_vartia": logmean(s0, s1)}[method]
            g = g / g.sum(axis=1, keepdims=True)
            a = g / logmean(r, np.broadcast_to(P, r.shape))
            a = np.where(g > 0, a, 0.0)
            w = a / a.sum(axis=1, keepdims=True)
        return np.where(mask, w * (r - 1.0), np.nan)


def indicators(p0, q0, p1, q1, mask, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-item price and volume indicators (differences) with ``price + volume == v1 - v0``."""
    p0, q0, p1, q1 = _masked(p0, q0, p1, q1, mask)
    if method == "bennet":
        return 0.5 * (q0 + q1) * (p1 - p0), 0.5 * (p0 + p1) * (q1 - q0)
    if method == "laspeyres":  # Laspeyres price indicator, Paasche volume indicator
        return q0 * (p1 - p0), p1 * (q1 - q0)
    if method == "paasche":  # Paasche price indicator, Laspeyres volume indicator
        return q1 * (p1 - p0), p0 * (q1 - q0)
    if method == "montgomery":
        w = logmean(p1 * q1, p0 * q0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return w * _safe_log(p1 / p0), w * _safe_log(q1 / q0)
    raise AssertionError(method)  # pragma: no cover


def comparison_rows(n_periods: int, chained: bool, base_pos: int) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Row positions ``(i0, i1)`` of the comparisons: links ``t-1 -> t`` or ``base -> t``."""
    if chained:
        return np.arange(n_periods - 1), np.arange(1, n_periods)
    return np.full(n_periods, base_pos), np.arange(n_periods)


def check_totals(V0: np.ndarray, V1: np.ndarray, labels0, labels1) -> None:
    bad = ~((V0 > 0) & (V1 > 0))
    if bad.any():
        pairs = [(labels0[i], labels1[i]) for i in np.flatnonzero(bad)[:_SHOWN]]
        raise InputError("no positive total value in a comparison (all quantities zero, or "
                         "no item observed in both periods with missing='matched')",
                         [Problem("quantities", "total value must be > 0 in both periods of "
                                  "every comparison (pairs of periods shown)",
                                  tuple(pairs), int(bad.sum()))])
