"""Calibration of survey weights to known population margins: raking (iterative proportional
fitting), linear (GREG) calibration, and their bounded versions.

Calibration finds new weights ``w_i g_i``, as close as possible to the design weights ``w_i``
in a distance ``G``, that reproduce known population totals ``T`` of auxiliary variables
``x_i`` (counts of firms by size class and by domain, a published turnover total):
``sum_i w_i g_i x_i = T`` :cite:p:`deville1992,deville1993`. With ``g_i = F(x_i' lambda)``:

* ``"raking"``: ``F(u) = exp(u)`` (multiplicative, entropy distance). For categorical margins
  without bounds it is solved by iterative proportional fitting (Deming-Stephan), otherwise by
  Newton's method;
* ``"linear"``: ``F(u) = 1 + u`` (chi-square distance, the GREG weights); closed form, weights
  may become negative unless bounded;
* ``"logit"``: the bounded logit method of :cite:p:`deville1992`, ``L < g < U``.

``bounds=(L, U)`` truncates ``g`` of the raking and linear methods to ``[L, U]`` (as R's
``calibrate(..., bounds=)``, :cite:p:`lumley2010`). Convergence: ``max |T_hat - T| / (1 + |T|)
< tol`` (R's criterion).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from numbers import Real

import numpy as np
import pandas as pd
from scipy.special import expit

from nldtib_forecast._errors import InputError, Problem, check_int, check_option
from nldtib_forecast.survey._design import SurveyDesign

__all__ = ["calibrate_weights", "CalibrationResult"]

_METHODS = ("raking", "linear", "logit")
_GRAND_TOL = 1e-6


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Calibrated weights of one reference year with convergence diagnostics.

    Returned by :func:`calibrate_weights` (read-only); :meth:`design` gives the survey design
    with the calibrated weights.

    Attributes
    ----------
    weights : pandas.Series
        Calibrated weights of the year's rows (indexed like the survey data).
    g : pandas.Series
        Ratios ``g = calibrated / design weight``.
    converged : bool
        Whether every margin is met to ``tol``.
    n_iter : int
        Iterations used (IPF sweeps or Newton steps).
    max_abs_error : float
        Largest absolute difference between a calibrated and a target total (in the unit of
        the margin: firms, EUR).
    history : pandas.Series
        Convergence criterion ``max |T_hat - T| / (1 + |T|)`` per iteration (0 = design
        weights).
    margins : pandas.DataFrame
        One row per margin cell (``variable``, ``category``): ``target``, ``initial``
        (design weights) and ``calibrated`` totals and the ``error``.
    method : str
        ``"raking"``, ``"linear"`` or ``"logit"``.
    algorithm : str
        How it was solved: ``"iterative proportional fitting"`` (unbounded raking on
        categorical margins), ``"Newton-Raphson"`` or ``"Newton-Raphson (closed form)"``
        (unbounded linear calibration).
    bounds : tuple of float or None
        Bounds ``(L, U)`` on ``g``.
    year : int or None
        Reference year calibrated (None when the data have no year).
    tol : float
        The convergence tolerance on ``max |T_hat - T| / (1 + |T|)``.

    See Also
    --------
    calibrate_weights : Computes it.
    SurveyDesign : The design that :meth:`design` returns.

    References
    ----------
    .. [1] Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey
       sampling. *Journal of the American Statistical Association*, 87(418), 376-382.
       doi:10.1080/01621459.1992.10475217

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import calibrate_weights
    >>> df = synthetic_survey(seed=0)
    >>> pop = synthetic_survey(seed=0, population=True).query("year == 2025")
    >>> res = calibrate_weights(df, {"domain": pop["domain"].value_counts().to_dict()})
    >>> res.converged, res.method
    (True, 'raking')
    >>> round(float(res.weights.sum()))
    1503
    >>> res.margins.columns.tolist()
    ['target', 'initial', 'calibrated', 'error']
    """

    weights: pd.Series
    g: pd.Series
    converged: bool
    n_iter: int
    max_abs_error: float
    history: pd.Series
    margins: pd.DataFrame
    method: str
    algorithm: str
    bounds: tuple[float, float] | None
    year: int | None
    tol: float
    _design: SurveyDesign = field(repr=False)
    _rows: np.ndarray = field(repr=False)
    _margins_spec: Mapping = field(repr=False, default_factory=dict)
    _max_iter: int = field(repr=False, default=100)

    def summary(self) -> str:
        """Text summary: method, convergence, the distribution of ``g`` and the margins.

        Returns
        -------
        str
            Several lines: the method and algorithm, the year, rows and bounds, convergence
            (iterations, final criterion, largest margin error), quantiles of ``g`` and the
            table of margins (``target``, ``initial``, ``calibrated``, ``error``).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import calibrate_weights
        >>> df = synthetic_survey(seed=0)
        >>> pop = synthetic_survey(seed=0, population=True).query("year == 2025")
        >>> res = calibrate_weights(df, {"domain": pop["domain"].value_counts().to_dict()})
        >>> print(res.summary().splitlines()[0])
        Calibration of survey weights (raking, iterative proportional fitting)
        """
        g = self.g.to_numpy()
        lines = [
            f"Calibration of survey weights ({self.method}, {self.algorithm})",
            f"  year: {self.year}   rows: {len(g)}   bounds on g: {self.bounds}",
            f"  converged: {self.converged} after {self.n_iter} iteration(s); "
            f"criterion {self.history.iloc[-1]:.3g} (tol {self.tol:g}); "
            f"max abs. margin error {self.max_abs_error:.6g}",
            f"  g: min {g.min():.4f}  p05 {np.quantile(g, 0.05):.4f}  median "
            f"{np.median(g):.4f}  p95 {np.quantile(g, 0.95):.4f}  max {g.max():.4f}; "
            f"{int((g <= 0).sum())} weight(s) <= 0",
            "  margins:",
        ]
        table = self.margins.to_string(float_format=lambda v: f"{v:,.6g}")
        lines += ["    " + line for line in table.splitlines()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def design(self) -> SurveyDesign:
        """The survey design with the calibrated weights on the year's rows.

        Strata, PSUs and the finite population correction are those of the original design
        (other years keep their weights). The calibration travels with the data
        (``attrs["calibration"]``): linearisation variances use the residuals of the
        calibration variables (GREG), and bootstrap replicates are re-calibrated to the same
        margins (:attr:`SurveyDesign.replicate_method`), so the calibrated totals have no
        variance and related variables gain precision. A frame changed afterwards (rows
        dropped, weights edited) no longer reproduces the calibration; it is then treated as
        design weights (conservative).

        Returns
        -------
        SurveyDesign
            A new design (the original is unchanged) whose data carry the calibrated
            weights in ``weight`` and the calibration in ``attrs["calibration"]``.

        Raises
        ------
        nldtib_forecast.InputError
            If a calibrated weight is <= 0 (unbounded linear calibration): use bounds or the
            logit method.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import calibrate_weights
        >>> df = synthetic_survey(seed=0)
        >>> pop = synthetic_survey(seed=0, population=True).query("year == 2025")
        >>> res = calibrate_weights(df, {"domain": pop["domain"].value_counts().to_dict()})
        >>> design = res.design()
        >>> weights = design.data.query("year == 2025").groupby("domain", observed=True)["weight"]
        >>> weights.sum().round().tolist()
        [748.0, 279.0, 194.0, 282.0]
        """
        w = self._design._w.copy()
        w[self._rows] = self.weights.to_numpy()
        out = self._design._with_weights(w)
        from nldtib_forecast.data._weighting import FrozenRecipe

        out._frame.attrs["calibration"] = FrozenRecipe({
            "method": self.method, "year": self.year, "bounds": self.bounds,
            "converged": self.converged, "tol": self.tol, "max_iter": self._max_iter,
            "margins": _margins_record(self._margins_spec),
            "base_weights": self._design._w.tolist()})
        return out


# -- margins ------------------------------------------------------------------------------------
def _parse_margins(frame: pd.DataFrame, rows: np.ndarray, margins: object, year):
    """The margins checked against the rows ``rows`` of the frame: the categorical margins
    ``(column, categories, code of every row, totals)`` and the numeric ones ``(column,
    values, total)``. Every problem of every margin is reported at once."""
    if not isinstance(margins, Mapping) or not margins:
        raise InputError("argument 'margins': expected a non-empty dict column -> {category: "
                         "population total} (or -> a number for a numeric total)")
    sel = frame.iloc[rows]
    where = f" in year {year}" if year is not None else ""
    problems: list[Problem] = []
    cats, nums = [], []
    for col, spec in margins.items():
        if not isinstance(col, str) or col not in frame.columns:
            close = get_close_matches(str(col), [c for c in frame.columns if isinstance(c, str)],
                                      n=1, cutoff=0.6)
            problems.append(Problem(str(col), "margin column not in the survey data" +
                                    (f" (did you mean '{close[0]}'?)" if close else "")))
            continue
        s = sel[col]
        if isinstance(spec, Real) and not isinstance(spec, bool):
            found = _numeric_margin_problems(col, s, spec, where)
            if not found:
                nums.append((col, s.to_numpy(dtype=float), float(spec)))
            problems += found
            continue
        if isinstance(spec, pd.Series):
            spec = dict(spec.items())
        if not isinstance(spec, Mapping) or not spec:
            problems.append(Problem(col, "margin must be a non-empty {category: total} mapping, "
                                         "a Series, or a number"))
            continue
        problems += _category_margin_problems(col, s, spec, frame[col], where)
        if not problems:
            keys = list(spec)
            code = pd.Index(keys).get_indexer(s.astype(object).to_numpy())
            cats.append((col, keys, code, np.array([float(spec[k]) for k in keys])))
    if problems:
        raise InputError("argument 'margins': the margins do not match the survey data",
                         problems)
    if len(cats) > 1:
        totals = {c: t.sum() for c, _, _, t in cats}
        ref = next(iter(totals.values()))
        if any(abs(t - ref) > _GRAND_TOL * max(abs(ref), 1.0) for t in totals.values()):
            listed = ", ".join(f"{c}: {t:,.6g}" for c, t in totals.items())
            raise InputError("argument 'margins': inconsistent margins: the categorical "
                             f"margins must have the same grand total; got {listed}")
    return cats, nums


def _numeric_margin_problems(col: str, s: pd.Series, total: Real, where: str) -> list[Problem]:
    """A numeric total: finite, of a numeric column without missing values."""
    if not np.isfinite(float(total)):
        return [Problem(col, "numeric total must be finite")]
    if not (pd.api.types.is_numeric_dtype(s.dtype)
            and not isinstance(s.dtype, pd.CategoricalDtype)):
        return [Problem(col, f"a numeric total needs a numeric column, got dtype '{s.dtype}'")]
    if s.isna().any():
        idx = s.index[s.isna().to_numpy()]
        return [Problem(col, f"missing values{where}", tuple(idx[:5]), len(idx))]
    return []


def _category_margin_problems(col: str, s: pd.Series, spec: Mapping, column: pd.Series,
                              where: str) -> list[Problem]:
    """A categorical margin ``{category: total}`` for the labels ``s`` of the rows used:
    labels present; every margin category a category of the ``column`` with respondents and a
    total > 0; every category of the rows in the margin."""
    if s.isna().any():
        idx = s.index[s.isna().to_numpy()]
        return [Problem(col, f"missing category labels{where}", tuple(idx[:5]), len(idx))]
    problems = []
    labels = s.astype(object).to_numpy()
    observed = pd.unique(labels).tolist()
    valid = (list(s.cat.categories) if isinstance(s.dtype, pd.CategoricalDtype)
             else list(pd.unique(column.dropna().astype(object))))
    keys = list(spec)
    for k in keys:
        v = spec[k]
        if k not in valid:
            close = get_close_matches(str(k), [str(c) for c in valid], n=1)
            problems.append(Problem(col, f"margin category {k!r} is not a category of the "
                                    "column" + (f" (did you mean '{close[0]}'?)" if close
                                                else "")))
        elif k not in observed:
            problems.append(Problem(col, f"margin cell {k!r} has no respondents{where}: "
                                    "merge it with a neighbouring category"))
        elif (isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(float(v))
              or v <= 0):
            problems.append(Problem(col, f"population total of {k!r} must be a number > 0, "
                                         f"got {v!r}"))
    absent = [c for c in observed if c not in keys]
    if absent:
        n_abs = int(np.isin(labels, absent).sum())
        problems.append(Problem(col, f"data categories {absent} have no margin (they hold "
                                     f"{n_abs} respondent row(s){where}); give their "
                                     "population totals"))
    return problems


def _check_bounds(bounds, method: str):
    if bounds is None:
        if method == "logit":
            raise InputError("argument 'bounds': the logit method needs bounds (L, U) with "
                             "0 <= L < 1 < U")
        return None
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise InputError(f"argument 'bounds': expected (L, U), got {bounds!r}") from exc
    if not (0 <= lo < 1 < hi) or not np.isfinite(hi):
        raise InputError(f"argument 'bounds': need 0 <= L < 1 < U < inf, got {bounds!r}")
    return lo, hi


# -- distance functions: g = F(u) and dF/du --------------------------------------------------
def _calfun(method: str, bounds):
    lo, hi = bounds if bounds is not None else (-np.inf, np.inf)
    if method == "linear":
        def f(u):
            g = 1.0 + u
            return np.clip(g, lo, hi), ((g > lo) & (g < hi)).astype(float)
    elif method == "raking":
        def f(u):
            e = np.exp(np.minimum(u, 700.0))
            return np.clip(e, lo, hi), np.where((e > lo) & (e < hi), e, 0.0)
    else:
        a = (hi - lo) / ((1.0 - lo) * (hi - 1.0))
        shift = np.log((1.0 - lo) / (hi - 1.0))

        def f(u):
            s = expit(a * u + shift)
            return lo + (hi - lo) * s, (hi - lo) * a * s * (1.0 - s)
    return f


def _criterion(achieved: np.ndarray, target: np.ndarray) -> float:
    return float(np.max(np.abs(achieved - target) / (1.0 + np.abs(target))))


def calibrate_weights(survey: SurveyDesign | pd.DataFrame, margins: Mapping,
                      method: str = "raking", bounds: tuple[float, float] | None = None,
                      max_iter: int = 100, tol: float = 1e-10, year: int | None = None,
                      strict: bool = True) -> CalibrationResult:
    """Calibrate the design weights of one year to known population margins.

    Parameters
    ----------
    survey : SurveyDesign or pandas.DataFrame
        The design (a frame is turned into ``SurveyDesign(survey)``).
    margins : dict
        ``column -> {category: population total}`` (or a Series indexed by category) for
        counts of firms, e.g. ``{"size_class": {...}, "domain": {...}}``; or ``column ->
        number`` for the population total of a numeric column (e.g.
        ``{"turnover_ds_eur": 10.2e9}``).
    method : {"raking", "linear", "logit"}, default "raking"
        Distance function (see the module documentation). ``"logit"`` needs ``bounds``.
    bounds : (float, float), optional
        Bounds ``(L, U)`` with ``0 <= L < 1 < U`` on ``g = new weight / design weight``.
    max_iter : int, default 100
        Maximum IPF sweeps or Newton iterations.
    tol : float, default 1e-10
        Convergence tolerance on ``max |T_hat - T| / (1 + |T|)``.
    year : int, optional
        Reference year whose rows are calibrated (default the last); the other years'
        weights are unchanged.
    strict : bool, default True
        If the iterations do not converge, raise :class:`~nldtib_forecast.InputError`;
        ``False`` returns the result with ``converged=False`` and a ``RuntimeWarning``.

    Returns
    -------
    CalibrationResult
        The calibrated weights of the year's rows, the ratios ``g``, the convergence
        history and the margins achieved; :meth:`CalibrationResult.design` is the design
        to estimate with.

    Raises
    ------
    nldtib_forecast.InputError
        Margin columns not in the data; margin categories that are not categories of the
        column, or have no respondents in the year; data categories without a margin;
        missing labels or values; totals <= 0; categorical margins with different grand
        totals (inconsistent); bad bounds; non-convergence with ``strict=True`` (typically
        bounds too tight for the margins).

    See Also
    --------
    CalibrationResult : The result and its design.
    weight_respondents : Non-response weights from the frame's counts (before calibration).
    SurveyDesign.replicate_weights : Bootstrap replicates, re-calibrated to the same margins.

    Notes
    -----
    A warning is given when unbounded linear calibration produces weights <= 0.

    References
    ----------
    .. [1] Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey
       sampling. *Journal of the American Statistical Association*, 87(418), 376-382.
       doi:10.1080/01621459.1992.10475217
    .. [2] Deville, J.-C., Särndal, C.-E. and Sautory, O. (1993). Generalized raking
       procedures in survey sampling. *Journal of the American Statistical Association*,
       88(423), 1013-1020. doi:10.1080/01621459.1993.10476369
    .. [3] Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of a sampled
       frequency table when the expected marginal totals are known. *The Annals of
       Mathematical Statistics*, 11(4), 427-444. doi:10.1214/aoms/1177731829
    .. [4] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
       doi:10.1002/9780470580066

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import calibrate_weights
    >>> df = synthetic_survey(seed=0)
    >>> pop = synthetic_survey(seed=0, population=True).query("year == 2025")
    >>> margins = {"size_class": pop["size_class"].value_counts().to_dict(),
    ...            "domain": pop["domain"].value_counts().to_dict()}
    >>> res = calibrate_weights(df, margins)
    >>> res.converged, res.algorithm, round(float(res.weights.sum()))
    (True, 'iterative proportional fitting', 1503)
    >>> res.design().data.query("year == 2025").groupby("domain", observed=True)[
    ...     "weight"].sum().round().tolist()
    [748.0, 279.0, 194.0, 282.0]
    """
    design = survey if isinstance(survey, SurveyDesign) else SurveyDesign(survey)
    method = check_option("method", method, _METHODS)
    bounds = _check_bounds(bounds, method)
    max_iter = check_int(max_iter, "max_iter", 1)
    if isinstance(tol, bool) or not isinstance(tol, Real) or not tol > 0:
        raise InputError(f"argument 'tol': must be a number > 0, got {tol!r}")
    if design._domain is not None:
        raise InputError("calibrate_weights: calibrate the full design, not a subset (domain)")
    from nldtib_forecast.survey._estimators import _year_mask

    year_used, in_year = _year_mask(design, year)
    rows = np.flatnonzero(in_year)
    frame = design._frame
    cats, nums = _parse_margins(frame, rows, margins, year_used)
    w0 = design._w[rows]

    # full list of margin cells (for diagnostics) as a matrix X_full and targets T_full
    cols_full, names, targets = [], [], []
    for col, keys, code, tot in cats:
        for j, k in enumerate(keys):
            cols_full.append((code == j).astype(float))
            names.append((col, k))
        targets.extend(tot)
    for col, x, tot in nums:
        cols_full.append(x)
        names.append((col, "(total)"))
        targets.append(tot)
    X_full = np.column_stack(cols_full)
    T_full = np.asarray(targets, dtype=float)

    def totals(g):
        return (w0 * g) @ X_full

    g = np.ones(len(rows))
    history = [_criterion(totals(g), T_full)]
    if method == "raking" and bounds is None and not nums:
        algorithm = "iterative proportional fitting"
        for _ in range(max_iter):
            if history[-1] < tol:
                break
            for _, keys, code, tot in cats:
                current = np.bincount(code, weights=w0 * g, minlength=len(keys))
                g = g * (tot / current)[code]
            history.append(_criterion(totals(g), T_full))
    else:
        algorithm = "Newton-Raphson" + (" (closed form)" if method == "linear" and
                                        bounds is None else "")
        g = _newton(X_full, T_full, cats, w0, _calfun(method, bounds), max_iter, tol, history)

    achieved = totals(g)
    converged = history[-1] < tol
    result = CalibrationResult(
        weights=pd.Series(w0 * g, index=frame.index[rows], name=design.weight_column),
        g=pd.Series(g, index=frame.index[rows], name="g"),
        converged=bool(converged), n_iter=len(history) - 1,
        max_abs_error=float(np.max(np.abs(achieved - T_full))),
        history=pd.Series(history, index=pd.RangeIndex(len(history), name="iteration"),
                          name="criterion"),
        margins=pd.DataFrame({"target": T_full, "initial": w0 @ X_full,
                              "calibrated": achieved, "error": achieved - T_full},
                             index=pd.MultiIndex.from_tuples(names,
                                                             names=["variable", "category"])),
        method=method, algorithm=algorithm, bounds=bounds, year=year_used, tol=float(tol),
        _design=design, _rows=rows, _margins_spec=dict(margins), _max_iter=int(max_iter),
    )
    if not converged:
        msg = (f"calibration ({method}) did not converge after {result.n_iter} iteration(s): "
               f"criterion {history[-1]:.3g} > tol {tol:g}, max abs. margin error "
               f"{result.max_abs_error:.6g}. The bounds {bounds} may be too tight for the "
               "margins, or the margins inconsistent with the sample: widen the bounds, merge "
               "small categories or raise max_iter")
        if strict:
            raise InputError(msg + "; pass strict=False to get the unconverged result")
        warnings.warn(msg, RuntimeWarning, stacklevel=2)
    if (g <= 0).any():
        warnings.warn(f"calibration produced {int((g <= 0).sum())} weight(s) <= 0; use bounds "
                      "or method='logit'", UserWarning, stacklevel=2)
    return result


def _newton(X_full, T_full, cats, w0, calfun, max_iter, tol, history) -> np.ndarray:
    """Solve ``sum w0 F(x' lam) x = T`` by Newton's method with step halving."""
    # drop the first category of every categorical margin after the first (redundant: the
    # grand totals agree); scale the columns so that the Jacobian is well conditioned
    keep: list[int] = []  # the columns of X_full kept
    pos = 0
    for i, (_, keys, _, _) in enumerate(cats):
        keep.extend(range(pos + (1 if i else 0), pos + len(keys)))
        pos += len(keys)
    keep.extend(range(pos, X_full.shape[1]))
    X, T = X_full[:, keep], T_full[keep]
    scale = np.maximum(np.abs(X).max(axis=0), 1e-300)
    X, T = X / scale, T / scale
    lam = np.zeros(X.shape[1])
    g, dg = calfun(X @ lam)

    def merit(g):
        r = (T - (w0 * g) @ X) / (1.0 + np.abs(T))
        return float(r @ r)

    for _ in range(max_iter):
        if history[-1] < tol:
            break
        resid = T - (w0 * g) @ X
        J = (X * (w0 * dg)[:, None]).T @ X
        step = np.linalg.lstsq(J, resid, rcond=None)[0]
        m0, t = merit(g), 1.0
        for _ in range(30):  # step halving: keep the merit from increasing
            g_new, dg_new = calfun(X @ (lam + t * step))
            if np.all(np.isfinite(g_new)) and merit(g_new) <= m0:
                break
            t /= 2.0
        lam = lam + t * step
        g, dg = g_new, dg_new
        history.append(_criterion((w0 * g) @ X_full, T_full))
    return g


# -- calibration inside replicates ---------------------------------------------------------------
def _margins_record(margins: Mapping) -> list:
    """The margins as plain lists (for ``attrs``): ``[column, total]`` or ``[column,
    [[category, total], ...]]``."""
    out = []
    for col, spec in margins.items():
        if isinstance(spec, pd.Series):
            spec = dict(spec.items())
        if isinstance(spec, Mapping):
            out.append([col, [[k, float(v)] for k, v in spec.items()]])
        else:
            out.append([col, float(spec)])
    return out


def _margins_from_record(record: list) -> dict:
    return {col: (dict((k, v) for k, v in spec) if isinstance(spec, list) else spec)
            for col, spec in record}


def replicate_recalibration(design: SurveyDesign):
    """``(recalibrate, (rows, X))`` for a design whose data carry a calibration
    (``attrs["calibration"]`` from :meth:`CalibrationResult.design`) that the weights still
    satisfy: ``recalibrate`` maps replicate weights (rows x B) to weights re-calibrated on the
    calibrated year's rows; ``rows``/``X`` are those rows and their calibration variables (for
    the GREG linearisation). ``(None, None)`` otherwise."""
    cal = design._frame.attrs.get("calibration")
    if not isinstance(cal, Mapping) or "margins" not in cal:  # (a domain keeps the full
        return None, None                                      # design's calibration)
    from nldtib_forecast.survey._estimators import _year_mask

    try:
        margins = _margins_from_record(cal["margins"])
        _, in_year = _year_mask(design, cal.get("year"))
        rows = np.flatnonzero(in_year)
        cats, nums = _parse_margins(design._frame, rows, margins, cal.get("year"))
    except (InputError, TypeError, ValueError):
        return None, None
    cols = [(code == j).astype(float) for _, keys, code, _ in cats for j in range(len(keys))]
    cols += [x for _, x, _ in nums]
    X_full = np.column_stack(cols)
    T_full = np.array([t for *_, tot in cats for t in tot] + [t for *_, t in nums])
    achieved = design._w[rows] @ X_full
    if _criterion(achieved, T_full) > max(1e-6, 10 * float(cal.get("tol", 1e-10))):
        return None, None
    method = str(cal["method"])
    bounds = None if cal.get("bounds") is None else tuple(cal["bounds"])
    max_iter = int(cal.get("max_iter", 100))
    tol = float(cal.get("tol", 1e-10))

    def recalibrate(W: np.ndarray) -> np.ndarray:
        W = np.array(W, dtype=float)
        W0 = W[rows]
        if method == "raking" and bounds is None and not nums:
            from nldtib_forecast.data._weighting import rake

            W[rows] = rake(W0, [code for _, _, code, _ in cats],
                           [np.asarray(t, dtype=float) for *_, t in cats], max_iter)
        else:
            W[rows] = W0 * _newton_batch(X_full, T_full, cats, W0,
                                         _calfun(method, bounds), max_iter, tol)
        return W

    base = np.asarray(cal.get("base_weights", design._w), dtype=float)
    base_rows = base[rows] if base.shape == design._w.shape else design._w[rows]
    return recalibrate, (rows, X_full, base_rows)


def _newton_batch(X_full, T_full, cats, W0, calfun, max_iter, tol) -> np.ndarray:
    """:func:`_newton` for every column of the initial weights ``W0`` (rows x B) at once:
    returns ``g`` (rows x B)."""
    keep: list[int] = []  # the columns of X_full kept
    pos = 0
    for i, (_, keys, _, _) in enumerate(cats):
        keep.extend(range(pos + (1 if i else 0), pos + len(keys)))
        pos += len(keys)
    keep.extend(range(pos, X_full.shape[1]))
    X, T = X_full[:, keep], T_full[keep]
    scale = np.maximum(np.abs(X).max(axis=0), 1e-300)
    X, T = X / scale, T / scale
    B = W0.shape[1]
    lam = np.zeros((X.shape[1], B))
    g, dg = calfun(X @ lam)

    def merit(g):
        r = (T[:, None] - X.T @ (W0 * g)) / (1.0 + np.abs(T))[:, None]
        return np.sum(r * r, axis=0)

    for _ in range(max_iter):
        crit = np.max(np.abs(X_full.T @ (W0 * g) - T_full[:, None])
                      / (1.0 + np.abs(T_full))[:, None])
        if crit < tol:
            break
        resid = T[:, None] - X.T @ (W0 * g)
        J = np.einsum("mk,mb,ml->bkl", X, W0 * dg, X)
        step = (np.linalg.pinv(J) @ resid.T[:, :, None])[:, :, 0].T
        m0 = merit(g)
        t = np.ones(B)
        g_new, dg_new = calfun(X @ (lam + t * step))
        for _ in range(30):  # step halving, column by column (vectorised)
            worse = ~np.all(np.isfinite(g_new), axis=0) | (merit(g_new) > m0)
            if not worse.any():
                break
            t = np.where(worse, t / 2.0, t)
            g_new, dg_new = calfun(X @ (lam + t * step))
        lam = lam + t * step
        g, dg = g_new, dg_new
    return g
