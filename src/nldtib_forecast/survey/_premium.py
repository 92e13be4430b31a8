"""The private-equity growth premium: do PE-backed firms' D&S turnover grow faster?

The 2026 letter says firms financed by private equity "show on average a stronger growth".
:func:`pe_growth_premium` estimates the difference in D&S turnover growth between PE-backed
and other continuing firms four ways:

``raw``
    weighted (Hajek) difference in mean growth between the two groups;
``regression``
    regression adjustment: a weighted linear outcome model per group, averaged over the
    weighted covariate distribution of all continuing firms, mean of ``mu1(x) - mu0(x)``;
``ipw``
    inverse probability weighting with a propensity model (scikit-learn's logistic regression by
    default, fitted by a batched Newton solver; any classifier with ``predict_proba``),
    normalised (Hajek) weights;
``aipw``
    the augmented IPW (doubly robust) estimator, consistent if either the outcome models or the
    propensity model is correct.

All four target the same estimand: the survey-weighted average effect on the yearly growth rate
among continuing firms (ATE), under *unconfoundedness* given the covariates and *overlap*. This
is an association under those assumptions, not proof of causation: firms attract private equity
for reasons (management, technology, growth prospects) that the survey does not measure.
Intervals come from the Rao-Wu rescaling bootstrap of the survey design, refitting every model on
every replicate.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import pandas as pd
from scipy import stats

from nldtib_forecast._errors import (
    InputError,
    check_int,
    check_level,
    check_option,
    check_seed,
    check_year,
)
from nldtib_forecast._version import __version__

__all__ = ["pe_growth_premium", "PEPremiumResult", "DEFAULT_COVARIATES"]

#: Default covariates: size class, NLD area, domain and firm age band (``age_band`` is derived
#: from ``year - entry_year``: ``0-1``, ``2-5``, ``6+`` years in the NLDTIB).
DEFAULT_COVARIATES: tuple[str, ...] = ("size_class", "nld_area", "domain", "age_band")
ESTIMATORS: tuple[str, ...] = ("raw", "regression", "ipw", "aipw")
_AGE_BINS = (-np.inf, 1, 5, np.inf)
_AGE_LABELS = ("0-1", "2-5", "6+")


@dataclass(frozen=True)
class PEPremiumResult:
    """Estimates of the PE growth premium with bootstrap intervals and overlap diagnostics.

    Returned by :func:`pe_growth_premium` (read-only).

    Attributes
    ----------
    estimates : pandas.DataFrame
        Indexed by estimator (``raw, regression, ipw, aipw``) with ``estimate, std_error,
        ci_lower, ci_upper``: differences in growth rates (fractions: 0.05 is 5 percentage
        points).
    overlap : pandas.DataFrame
        Propensity score distribution by group (min, quantiles, max) and the share of firms with
        a score outside [0.05, 0.95].
    balance : pandas.DataFrame
        Weighted standardised mean differences of every covariate column, before and after
        inverse probability weighting.
    year : int
        Growth from ``year - 1`` to ``year``.
    n_treated, n_control : int
        Respondents (continuing firms) with and without PE backing.
    level : float
        Confidence level of the intervals.
    covariates : tuple of str
        The confounders adjusted for.
    propensity_model : str
        Description of the propensity score classifier (for the default, its scikit-learn
        ``repr`` and that it was fitted by the batched Newton solver).
    n_replicates : int
        Rao-Wu bootstrap replicates behind the intervals.
    seed : int, numpy.random.Generator or None
        Seed of the bootstrap.
    trim : tuple of float
        The interval the propensity scores were clipped to.
    synthetic : bool
        Whether the data were synthetic.
    n_excluded : int
        Continuing firms left out (no D&S turnover in ``year - 1``).
    version : str
        Version of nldtib_forecast that computed the result.

    See Also
    --------
    pe_growth_premium : Computes it.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import pe_growth_premium
    >>> res = pe_growth_premium(synthetic_survey(seed=0), n_replicates=20, seed=1)
    >>> res.year, res.n_treated > 0, res.n_control > 0
    (2025, True, True)
    >>> res.estimates.columns.tolist()
    ['estimate', 'std_error', 'ci_lower', 'ci_upper']
    """

    estimates: pd.DataFrame
    overlap: pd.DataFrame
    balance: pd.DataFrame
    year: int
    n_treated: int
    n_control: int
    level: float
    covariates: tuple[str, ...]
    propensity_model: str
    n_replicates: int
    seed: int | np.random.Generator | None
    trim: tuple[float, float]
    synthetic: bool
    n_excluded: int = 0
    version: str = field(default=__version__)

    @property
    def interval_contents(self) -> str:
        """What the intervals include."""
        return ("sampling uncertainty of the survey design (Rao-Wu bootstrap, every model "
                "refitted on every replicate); not model misspecification or unmeasured "
                "confounding")

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: one row per estimator and statistic.

        Returns
        -------
        pandas.DataFrame
            Columns ``year``, ``estimator`` (``raw``, ``regression``, ``ipw``, ``aipw``),
            ``statistic`` (``estimate``, ``std_error``, ``ci_lower``, ``ci_upper``) and
            ``value`` (a difference in growth rates, as a fraction).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import pe_growth_premium
        >>> res = pe_growth_premium(synthetic_survey(seed=0), n_replicates=20, seed=1)
        >>> tidy = res.to_frame()
        >>> tidy.columns.tolist()
        ['year', 'estimator', 'statistic', 'value']
        >>> sorted(tidy['estimator'].unique())
        ['aipw', 'ipw', 'raw', 'regression']
        """
        out = self.estimates.reset_index(names="estimator").melt(
            id_vars="estimator", var_name="statistic", value_name="value")
        out.insert(0, "year", self.year)
        return out

    def summary(self) -> str:
        """A text summary of the estimates, the design and the assumptions.

        Returns
        -------
        str
            Several lines: the comparison, the respondents in each group and those
            excluded, the covariates and propensity model, what the intervals include, and
            the table of estimates in percentage points.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import pe_growth_premium
        >>> res = pe_growth_premium(synthetic_survey(seed=0), n_replicates=20, seed=1)
        >>> print(res.summary().splitlines()[0])
        PE growth premium: D&S turnover growth 2024->2025, PE-backed minus other continuing firms
        """
        pct = self.estimates.map(lambda v: f"{v:+.1%}" if np.isfinite(v) else "n/a")
        lines = [
            f"PE growth premium: D&S turnover growth {self.year - 1}->{self.year}, "
            f"PE-backed minus other continuing firms",
            f"  respondents: {self.n_treated} PE-backed, {self.n_control} other "
            f"({self.n_excluded} excluded: no D&S turnover in {self.year - 1})",
            f"  covariates: {', '.join(self.covariates)}; propensity model: "
            f"{self.propensity_model}; scores clipped to {self.trim}",
            f"  intervals: {self.level:.0%}, {self.interval_contents}; "
            f"{self.n_replicates} replicates, seed {self.seed}",
            "",
            pct.to_string(),
            "",
            "Association under unconfoundedness and overlap, not proof of causation.",
        ]
        if self.synthetic:
            lines.append("Computed on SYNTHETIC data.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        body = self.estimates.to_html(float_format=lambda v: f"{v:+.3f}")
        return (f"<p><b>PE growth premium {self.year - 1}&rarr;{self.year}</b> "
                f"({self.n_treated} PE-backed, {self.n_control} other respondents; "
                f"{self.level:.0%} intervals: {self.interval_contents})</p>{body}"
                + ("<p><b>Synthetic data.</b></p>" if self.synthetic else ""))

    def plot(self, ax=None):
        """Forest plot of the four estimates with their intervals.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 6 x 3 inch figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on: one row per estimator, the estimate with its interval.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import pe_growth_premium
        >>> res = pe_growth_premium(synthetic_survey(seed=0), n_replicates=20, seed=1)
        >>> ax = res.plot()
        >>> len(ax.get_yticks())
        4
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3))
        est = self.estimates
        y = np.arange(len(est))[::-1]
        ax.errorbar(est["estimate"], y,
                    xerr=[est["estimate"] - est["ci_lower"], est["ci_upper"] - est["estimate"]],
                    fmt="o", capsize=3)
        ax.axvline(0.0, color="grey", lw=0.8, ls="--")
        ax.set_yticks(y, est.index)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel("difference in D&S turnover growth")
        ax.set_title(f"PE growth premium {self.year - 1}-{self.year}"
                     + (" (synthetic data)" if self.synthetic else ""))
        return ax


def _growth_frame(df: pd.DataFrame, year: int, treatment: str, outcome: str) -> pd.DataFrame:
    return _growth_frame_of(df, year, treatment, outcome, _continuing_rows(df, year, outcome))


def _growth_frame_of(df: pd.DataFrame, year: int, treatment: str, outcome: str,
                     rows: tuple[np.ndarray, np.ndarray] | None) -> pd.DataFrame:
    """:func:`_growth_frame` given ``rows = _continuing_rows(df, year, outcome)``."""
    if rows is None:
        prev = df.loc[df["year"] == year - 1, ["firm_id", outcome]].rename(
            columns={outcome: "_prev"})
        cur = df[df["year"] == year].merge(prev, on="firm_id", how="inner",
                                           validate="one_to_one")
        cur = cur[cur["_prev"] > 0].copy()
    else:  # the same frame without the merge's overhead
        cur_rows, prev_rows = rows
        prev_values = df[outcome].take(prev_rows)
        if isinstance(prev_values.dtype, np.dtype) and prev_values.dtype.kind in "iuf":
            # the continuing firms with a positive outcome in year - 1, without the filter
            # either (their frame: index and all)
            positive = np.flatnonzero(prev_values.to_numpy() > 0)
            cur = df.take(cur_rows[positive])
            cur.index = pd.RangeIndex(len(cur_rows)).take(positive)
            cur["_prev"] = pd.Series(prev_values.to_numpy()[positive], index=cur.index)
        else:
            cur = df.take(cur_rows).reset_index(drop=True)
            cur["_prev"] = prev_values.reset_index(drop=True)
            cur = cur[cur["_prev"] > 0].copy()
    cur["_growth"] = cur[outcome] / cur["_prev"] - 1.0
    if "age_band" not in cur and "entry_year" in cur:
        cur["age_band"] = pd.cut(cur["year"] - cur["entry_year"], _AGE_BINS,
                                 labels=list(_AGE_LABELS))
    cur["_t"] = cur[treatment].astype(float)
    return cur


def _continuing_rows(df: pd.DataFrame, year: int,
                     outcome: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions of the rows of ``year`` whose firm has a row in ``year - 1`` (in their order)
    and of that row: the rows the inner one-to-one merge on ``firm_id`` in
    :func:`_growth_frame` pairs. None where the merge itself is needed: years that are not
    integers, firm identifiers that are missing or neither text nor integers, a firm with two
    rows in either year (the merge raises), or a column ``_prev`` already in ``df``."""
    year_col, ids = df["year"], df["firm_id"]
    if "_prev" in df.columns or outcome == "firm_id" or not (
            isinstance(year_col.dtype, np.dtype) and year_col.dtype.kind in "iu") or not (
            isinstance(ids.dtype, pd.StringDtype)
            or (isinstance(ids.dtype, np.dtype) and ids.dtype.kind in "iu")):
        return None
    years = year_col.to_numpy()
    cur, prev = np.flatnonzero(years == year), np.flatnonzero(years == year - 1)
    codes, uniques = pd.factorize(ids)
    if (codes < 0).any():
        return None
    cur_codes, prev_codes = codes[cur], codes[prev]
    if np.bincount(cur_codes, minlength=len(uniques)).max(initial=0) > 1 or \
            np.bincount(prev_codes, minlength=len(uniques)).max(initial=0) > 1:
        return None
    row_of = np.full(len(uniques), -1, dtype=np.int64)
    row_of[prev_codes] = prev
    match = row_of[cur_codes]
    keep = match >= 0
    return cur[keep], match[keep]


def _design_matrix(d: pd.DataFrame, covariates: tuple[str, ...]) -> pd.DataFrame:
    x = _dummies_of_categories(d, covariates)
    if x is not None:
        return x
    parts = []
    for c in covariates:
        col = d[c]
        if isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object or \
                pd.api.types.is_string_dtype(col) or pd.api.types.is_bool_dtype(col):
            cat = pd.Categorical(col.astype(str))
            dummies = pd.get_dummies(cat, prefix=c, drop_first=True, dtype=float)
            dummies.index = d.index
            parts.append(dummies)
        else:
            parts.append(col.astype(float).rename(c).to_frame())
    x = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=d.index)
    return x.loc[:, x.std(ddof=0) > 0]


def _weighted_means(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``np.average(a[r], weights=w[r])`` for every row ``r`` of ``w`` (k, m), a C-contiguous
    array; ``a`` is (m,) or (k, m). The same operations as :func:`numpy.average` (numpy sums
    each contiguous row as it sums a vector), so every row's mean is that of the row alone,
    to the last bit."""
    scale = w.sum(axis=1)
    if np.any(scale == 0.0):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    return np.multiply(a, w).sum(axis=1) / scale


def _dummies_of_categories(d: pd.DataFrame, covariates: tuple[str, ...]) -> pd.DataFrame | None:
    """:func:`_design_matrix` of covariates that are all categorical with text categories
    (the default ones), from the category codes: one 0/1 column per category present but the
    first in text order, named ``covariate_category``, constant columns dropped (as
    ``pd.get_dummies(pd.Categorical(column.astype(str)), drop_first=True)`` gives them).
    None for other covariates, missing values, or when no column is left (the general code
    then says how)."""
    columns, names = [], []
    for c in covariates:
        col = d[c]
        categories = getattr(col.dtype, "categories", None)
        if not isinstance(col.dtype, pd.CategoricalDtype) or categories is None or \
                not all(type(v) is str for v in categories):
            return None
        codes = np.asarray(col.array.codes)
        if (codes < 0).any():  # a missing value: its text depends on pandas' options
            return None
        present = np.flatnonzero(np.bincount(codes, minlength=len(categories)))
        levels = sorted((categories[i], i) for i in present)  # the categories in text order
        for label, i in levels[1:]:
            dummy = (codes == i).astype(float)
            if dummy.min() < dummy.max():
                columns.append(dummy)
                names.append(f"{c}_{label}")
    if not columns:
        return None
    return pd.DataFrame(np.column_stack(columns), index=d.index, columns=pd.Index(names))


def _wls_predictions(xm: np.ndarray, y: np.ndarray, w: np.ndarray,
                     mask: np.ndarray) -> np.ndarray:
    """For every row of the weights ``w`` (k, n): weighted least squares of ``y`` on ``xm``
    (intercept and covariates) fitted on the ``mask`` rows, predicted for all rows (k, n).
    One least-squares solve per row of ``w`` (LAPACK's, minimum norm if the ``mask`` rows
    leave a coefficient undetermined)."""
    sw = np.sqrt(w * mask)
    out = np.empty(sw.shape)
    for r in range(sw.shape[0]):
        beta, *_ = np.linalg.lstsq(xm * sw[r][:, None], y * sw[r], rcond=None)
        out[r] = xm @ beta
    return out


def _outcome_estimates(x, y, t, w, e, trim) -> np.ndarray:
    """The four estimates for every column of the weights ``w`` (n, k), given the propensity
    scores ``e`` (n, k): an array (k, 4) of raw, regression, IPW and AIPW estimates.

    The outcome models are fitted replicate by replicate; the rest is computed for all
    replicates at once on (k, n) arrays, elementwise and by sums over each replicate's
    (contiguous) row, which numpy sums as it sums the replicate's vector alone: each row of
    the result equals the estimates computed for its replicate alone."""
    xm = np.column_stack([np.ones(len(x)), x])
    treated, control = t == 1, t == 0
    w = np.ascontiguousarray(np.asarray(w).T)  # (k, n)
    # (np.compress, not w[:, mask]: numpy's fancy indexing gives columns, not rows, in a row)
    raw = _weighted_means(y[treated], np.compress(treated, w, axis=1)) - \
        _weighted_means(y[control], np.compress(control, w, axis=1))
    mu1 = _wls_predictions(xm, y, w, treated)
    mu0 = _wls_predictions(xm, y, w, control)
    reg = _weighted_means(mu1 - mu0, w)
    e = np.clip(np.ascontiguousarray(np.asarray(e).T), *trim)
    a1, a0 = w * t / e, w * (1 - t) / (1 - e)
    s1, s0 = np.sum(a1, axis=1), np.sum(a0, axis=1)
    ipw = np.sum(a1 * y, axis=1) / s1 - np.sum(a0 * y, axis=1) / s0
    aipw = reg + (np.sum(a1 * (y - mu1), axis=1) / s1 - np.sum(a0 * (y - mu0), axis=1) / s0)
    return np.column_stack([raw, reg, ipw, aipw])


def _fitted_propensity(x, t, w, model) -> np.ndarray:
    """A clone of ``model`` fitted on the rows with positive weight; P(T = 1) for all rows."""
    from sklearn.base import clone

    fitted = clone(model)
    keep = w > 0
    fitted.fit(x[keep], t[keep], sample_weight=w[keep])
    return fitted.predict_proba(x)[:, list(fitted.classes_).index(1)]


@functools.cache
def _threadpools():
    """The thread pools (BLAS, OpenMP) of the libraries loaded when first asked: finding them
    reads ``/proc/self/maps`` (a few milliseconds), so the default model's fits, which use
    only numpy's and scipy's, reuse the controller."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


#: Convergence of the batched Newton solver: the largest Newton step relative to the largest
#: coefficient (quadratic convergence: the coefficients are then exact to rounding).
_NEWTON_TOL = 1e-10
_NEWTON_MAX_ITER = 100
_NEWTON_MAX_HALVINGS = 50


def _logistic_objective(xm: np.ndarray, t: np.ndarray, cs: np.ndarray, beta: np.ndarray,
                        pen: np.ndarray) -> np.ndarray:
    """``0.5 * sum(pen * beta**2) + sum_i cs_i * logloss_i`` for each row of ``beta``."""
    eta = beta @ xm.T  # (fits, rows)
    loss = np.logaddexp(0.0, eta) - t * eta
    return 0.5 * np.sum(pen * beta ** 2, axis=1) + np.sum(cs * loss, axis=1)


def _batched_logistic_newton(x: np.ndarray, t: np.ndarray, s: np.ndarray, c: float = 1.0,
                             tol: float = _NEWTON_TOL, max_iter: int = _NEWTON_MAX_ITER
                             ) -> tuple[np.ndarray, np.ndarray]:
    """L2-penalised logistic regressions fitted for many weight vectors at once by Newton.

    For every column ``s[:, r]`` of sample weights, minimises
    ``0.5 * ||b||^2 + c * sum_i s_ir * logloss_i(b0 + x_i b)`` over the intercept ``b0``
    (not penalised) and the slopes ``b``: the objective of scikit-learn's
    ``LogisticRegression(C=c)`` (L2, ``fit_intercept=True``) with ``sample_weight``. Rows with
    weight 0 do not enter. The objective is strictly convex in the slopes; Newton steps with
    step halving (Armijo condition on the objective, per fit) from ``0`` converge
    quadratically.

    Parameters
    ----------
    x : (n, p) array
        Covariates, without intercept column.
    t : (n,) array of 0/1
        Outcome.
    s : (n, k) array
        Sample weights (>= 0), one column per fit.

    Returns
    -------
    coef : (k, p + 1) array
        Intercept first, then the slopes.
    converged : (k,) bool array
        Whether the fit met the tolerance (largest Newton step at most ``tol`` times
        ``max(1, largest |coefficient|)``) within ``max_iter`` iterations with finite values.
    """
    from scipy.special import expit

    n, p = x.shape
    xm = np.column_stack([np.ones(n), x])
    pen = np.ones(p + 1)
    pen[0] = 0.0
    cs_all = c * np.asarray(s, float).T  # (k, n)
    k = cs_all.shape[0]
    beta = np.zeros((k, p + 1))
    converged = np.zeros(k, dtype=bool)
    active = np.arange(k)
    f_all = _logistic_objective(xm, t, cs_all, beta, pen)
    for _ in range(max_iter):
        if active.size == 0:
            break
        b, cs, f = beta[active], cs_all[active], f_all[active]
        prob = expit(b @ xm.T)  # (a, n)
        grad = pen * b + (cs * (prob - t)) @ xm
        hess = np.matmul(xm.T * (cs * prob * (1.0 - prob))[:, None, :], xm)
        hess += np.diag(pen)
        try:
            step = -np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:  # singular only without data (all weights or
            step = np.full_like(grad, np.nan)  # probabilities 0): those fits stop
            for j in range(len(step)):
                with contextlib.suppress(np.linalg.LinAlgError):
                    step[j] = -np.linalg.solve(hess[j], grad[j])
        size = np.max(np.abs(step), axis=1)
        done = size <= tol * np.maximum(1.0, np.max(np.abs(b), axis=1))
        done &= np.isfinite(size)
        # converged fits take their last (tiny) step without a line search: their objective
        # changes at rounding level only
        beta[active[done]] = b[done] + step[done]
        converged[active[done]] = True
        todo = ~done & np.isfinite(size)
        idx, b, cs, f = active[todo], b[todo], cs[todo], f[todo]
        step, slope = step[todo], np.sum(grad[todo] * step[todo], axis=1)
        alpha = np.ones(idx.size)
        accepted = np.zeros(idx.size, dtype=bool)
        f_new = f.copy()
        for _ in range(_NEWTON_MAX_HALVINGS):
            left = ~accepted
            if not left.any():
                break
            trial = b[left] + alpha[left, None] * step[left]
            f_trial = _logistic_objective(xm, t, cs[left], trial, pen)
            # Armijo; a slack of 1e-13 of the objective (rounding) lets steps through whose
            # decrease is lost in rounding (close to the optimum)
            ok = f_trial <= f[left] + 1e-4 * alpha[left] * slope[left] + \
                1e-13 * np.abs(f[left])
            pos = np.flatnonzero(left)
            accepted[pos[ok]] = True
            f_new[pos[ok]] = f_trial[ok]
            beta[idx[pos[ok]]] = trial[ok]
            alpha[pos[~ok]] *= 0.5
        f_all[idx] = f_new
        # fits without an acceptable step stop (not converged)
        active = idx[accepted]
    converged &= np.all(np.isfinite(beta), axis=1)
    return beta, converged


def _default_propensities(x: np.ndarray, t: np.ndarray, s: np.ndarray, model) -> np.ndarray:
    """P(T = 1) for every row (n) and weight column of ``s`` (n, k): the default logistic
    regression fitted by :func:`_batched_logistic_newton`, scikit-learn for any fit that did
    not converge."""
    from scipy.special import expit

    coef, ok = _batched_logistic_newton(x, t, s, c=float(model.C))
    e = expit(coef @ np.column_stack([np.ones(len(x)), x]).T).T  # (n, k)
    for r in np.flatnonzero(~ok):
        e[:, r] = _fitted_propensity(x, t, s[:, r], model)
    return e


def _smd(x: np.ndarray, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    m1 = np.average(x[t == 1], weights=w[t == 1], axis=0)
    m0 = np.average(x[t == 0], weights=w[t == 0], axis=0)
    v1 = np.average((x[t == 1] - m1) ** 2, weights=w[t == 1], axis=0)
    v0 = np.average((x[t == 0] - m0) ** 2, weights=w[t == 0], axis=0)
    sd = np.sqrt((v1 + v0) / 2)
    return np.where(sd > 0, (m1 - m0) / np.where(sd > 0, sd, 1), 0.0)


def _number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_) and \
        not np.isnan(float(value))


def pe_growth_premium(survey, year: int | None = None, *, treatment: str = "pe_backed",
                      outcome: str = "turnover_ds_eur",
                      covariates: tuple[str, ...] | list[str] = DEFAULT_COVARIATES,
                      propensity_model=None, trim: tuple[float, float] = (0.01, 0.99),
                      level: float = 0.95, n_replicates: int = 200,
                      seed: int | np.random.Generator | None = 0, ci: str = "normal",
                      n_jobs: int = 1) -> PEPremiumResult:
    """Estimate the difference in D&S turnover growth between PE-backed and other firms.

    Parameters
    ----------
    survey : pandas.DataFrame or SurveyDesign
        Survey microdata in the survey schema (a frame is validated and wrapped in a
        :class:`~nldtib_forecast.survey.SurveyDesign`).
    year : int, optional
        Growth from ``year - 1`` to ``year`` (default: the survey's last year). Only continuing
        firms with positive D&S turnover in ``year - 1`` enter. A whole number (``2024.0`` is
        accepted; ``2024.5``, ``"2024"`` and ``[2024]`` are errors).
    treatment : str, default ``"pe_backed"``
        Boolean treatment column (its value in ``year``).
    outcome : str, default ``"turnover_ds_eur"``
        The level whose growth rate is compared.
    covariates : sequence of str
        Confounders adjusted for. Categorical columns enter as dummies, numeric ones linearly.
        ``age_band`` (``0-1``, ``2-5``, ``6+`` years since ``entry_year``) is derived if absent.
    propensity_model : scikit-learn classifier, optional
        Any classifier with ``fit(X, y, sample_weight)`` and ``predict_proba``, cloned and
        refitted on every replicate; default ``LogisticRegression(max_iter=1000)``
        (L2-penalised, C=1), whose exact optimum a batched Newton solver computes for all
        replicates at once (Notes).
    trim : (float, float), default (0.01, 0.99)
        Propensity scores are clipped to this interval before weighting.
    level : float, default 0.95
        Confidence level of the intervals.
    n_replicates : int, default 200
        Rao-Wu bootstrap replicates.
    seed : int, numpy.random.Generator or None, default 0
        Seed of the bootstrap (an integer >= 0, or a numpy Generator); the same seed gives
        identical intervals.
    ci : {"normal", "percentile"}, default "normal"
        Normal intervals from the bootstrap standard error, or bootstrap percentiles.
    n_jobs : int, default 1
        Replicates refitted in parallel with joblib when a ``propensity_model`` is given; the
        replicate weights are drawn before dispatch, so results are identical for any
        ``n_jobs``. The default propensity model is fitted for all replicates at once in
        this process (Notes), so ``n_jobs`` does not change it either.

    Returns
    -------
    PEPremiumResult
        The raw difference and the regression, IPW and AIPW estimates of the premium
        (differences in growth rates, fractions) with bootstrap standard errors and
        intervals, the overlap of the propensity scores and the covariate balance.

    Raises
    ------
    nldtib_forecast.InputError
        A column not in the data; bad ``trim``, ``covariates``, ``level``, ``seed`` or
        ``ci``; a survey without rows for ``year - 1`` and ``year``; missing treatment values
        among the continuing firms; fewer than 2 respondents in either group.

    See Also
    --------
    survey_ratio : Design-based estimates of growth ratios without adjustment.
    SurveyDesign.replicate_weights : The Rao-Wu bootstrap replicates.

    Notes
    -----
    With survey weights :math:`w_i`, growth :math:`y_i`, treatment :math:`T_i`, outcome models
    :math:`\\hat\\mu_t(x)` (weighted least squares per group) and propensity
    :math:`\\hat e(x)`, the AIPW estimate is

    .. math::

       \\hat\\tau = \\frac{\\sum_i w_i(\\hat\\mu_1 - \\hat\\mu_0)(x_i)}{\\sum_i w_i}
       + \\frac{\\sum_i a_{1i}(y_i - \\hat\\mu_1(x_i))}{\\sum_i a_{1i}}
       - \\frac{\\sum_i a_{0i}(y_i - \\hat\\mu_0(x_i))}{\\sum_i a_{0i}},

    with :math:`a_{1i} = w_i T_i / \\hat e(x_i)` and
    :math:`a_{0i} = w_i (1 - T_i) / (1 - \\hat e(x_i))`.

    It is an *association* under unconfoundedness and overlap, not a causal proof. The
    bootstrap refits every model on every replicate; its cost is linear in ``n_replicates``.

    *The default propensity model* is the logistic regression of scikit-learn's
    ``LogisticRegression(C=1)`` with sample weights :math:`s_i` (the survey weights, or a
    replicate's weights; rows with weight 0 are left out): the intercept :math:`b_0` and slopes
    :math:`b` minimise

    .. math::

       \\tfrac12 \\lVert b \\rVert^2 + C \\sum_i s_i \\left[\\log\\left(1 + e^{\\eta_i}\\right)
       - T_i \\eta_i\\right], \\qquad \\eta_i = b_0 + x_i^\\top b,

    (the intercept is not penalised). Rather than one L-BFGS fit per replicate (a Python loop,
    most of the run time), the point estimate's fit and then all replicates' fits at once are
    computed by Newton's method, vectorised over the replicates (one stacked Hessian solve per
    iteration), with step halving on the objective (Armijo condition) for each fit. A fit has
    converged when its largest Newton step is at most :math:`10^{-10}` times
    :math:`\\max(1, \\max_j |b_j|)`; Newton's quadratic convergence makes the coefficients
    then exact to rounding (about 7 iterations on the synthetic survey). That is the exact
    optimum of the same objective, where L-BFGS with scikit-learn's default ``tol=1e-4``
    stops short of it: on the synthetic surveys the estimates and interval bounds differ from
    those of a ``LogisticRegression(max_iter=1000)`` refitted by scikit-learn by at most a
    few :math:`10^{-4}` (0.03 percentage points, under 1% of the standard error). A fit
    that does not converge within 100 iterations (e.g. a replicate without both groups) falls
    back to scikit-learn's fit of the model. The results do not depend on ``n_jobs``.

    References
    ----------
    .. [1] Robins, J. M., Rotnitzky, A. and Zhao, L. P. (1994). Estimation of regression
       coefficients when some regressors are not always observed. *Journal of the American
       Statistical Association*, 89(427), 846-866.
    .. [2] Hirano, K., Imbens, G. W. and Ridder, G. (2003). Efficient estimation of average
       treatment effects using the estimated propensity score. *Econometrica*, 71(4),
       1161-1189.
    .. [3] Glynn, A. N. and Quinn, K. M. (2010). An introduction to the augmented inverse
       propensity weighted estimator. *Political Analysis*, 18(1), 36-56.
    .. [4] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import pe_growth_premium
    >>> res = pe_growth_premium(synthetic_survey(seed=0), n_replicates=50, seed=1)
    >>> list(res.estimates.index)
    ['raw', 'regression', 'ipw', 'aipw']
    >>> res.year
    2025
    """
    from sklearn.linear_model import LogisticRegression

    from nldtib_forecast.survey._design import SurveyDesign

    check_option("ci", ci, ("normal", "percentile"))
    year = check_year(year, "year", optional=True)
    seed = check_seed(seed, "seed")
    level = check_level(level)
    n_replicates = check_int(n_replicates, "n_replicates", 2)
    if (isinstance(trim, str) or not isinstance(trim, Sequence) or len(trim) != 2
            or not all(_number(t) for t in trim) or not 0 <= trim[0] < trim[1] <= 1):
        raise InputError(f"argument 'trim': need (lower, upper) with 0 <= lower < upper <= 1, "
                         f"got {trim!r}")
    from nldtib_forecast._errors import check_n_jobs

    jobs = check_n_jobs(n_jobs)  # the package's one rule for the number of workers
    if isinstance(covariates, str) or not isinstance(covariates, Iterable):
        raise InputError(f"argument 'covariates': expected a list of column names, got "
                         f"{covariates!r}")
    covariates = tuple(covariates)
    for name, value in (("treatment", treatment), ("outcome", outcome),
                        *(("covariates", c) for c in covariates)):
        if not isinstance(value, str):
            raise InputError(f"argument '{name}': column names must be str, got {value!r}")
    design = survey if isinstance(survey, SurveyDesign) else SurveyDesign(survey)
    df = design.data
    for col in (treatment, outcome, *[c for c in covariates if c != "age_band"]):
        if col not in df.columns:
            raise InputError(f"column '{col}': not in the survey data")
    year = int(df["year"].max()) if year is None else year
    if not ((df["year"] == year).any() and (df["year"] == year - 1).any()):
        raise InputError(f"argument 'year': the survey needs rows for {year - 1} and {year}")

    frame = df.copy(deep=False)
    frame.attrs = {}  # pandas deep-copies attrs in every operation: not needed here
    rows = _continuing_rows(frame, year, outcome)
    d = _growth_frame_of(frame.assign(_row=np.arange(len(df))), year, treatment, outcome, rows)
    n_all = len(rows[0]) if rows is not None else int(((frame["year"] == year) & frame[
        "firm_id"].isin(frame.loc[frame["year"] == year - 1, "firm_id"])).sum())
    if d["_t"].isna().any():
        raise InputError(f"column '{treatment}': missing values among continuing firms in {year}")
    n1, n0 = int((d["_t"] == 1).sum()), int((d["_t"] == 0).sum())
    if min(n1, n0) < 2:
        raise InputError(f"column '{treatment}': need at least 2 respondents in each group in "
                         f"{year}; got {n1} treated and {n0} control")
    x_df = _design_matrix(d, covariates)
    x, y, t = x_df.to_numpy(float), d["_growth"].to_numpy(float), d["_t"].to_numpy(float)
    w = d[design.weight_column].to_numpy(float)
    model = LogisticRegression(max_iter=1000) if propensity_model is None else propensity_model
    reps = design.replicate_weights(n_replicates=n_replicates, seed=seed)
    rep_w = reps.to_numpy(float)[d["_row"].to_numpy()]
    from joblib import Parallel, delayed
    from threadpoolctl import threadpool_limits

    # Hundreds of small fits (a few hundred firms, ~20 columns): multithreaded BLAS only adds
    # overhead (6x slower per fit on a 2-core machine), so the fits run single-threaded;
    # joblib's workers (n_jobs > 1) limit their threads themselves. (A given model may load
    # libraries of its own: their thread pools are looked up afresh.)
    with (_threadpools().limit(limits=1) if propensity_model is None
          else threadpool_limits(limits=1)):
        # the propensity models of the point estimate and then of all replicates; the
        # replicates' estimates at once (one row each)
        if propensity_model is None:
            # the default logistic regression: all fits at once by batched Newton (Notes);
            # the point estimate's fit alone, so that it does not depend on n_replicates
            e = _default_propensities(x, t, w[:, None], model)[:, 0]
            point = _outcome_estimates(x, y, t, w[:, None], e[:, None], trim)[0]
            e_rep = _default_propensities(x, t, rep_w, model)
        else:
            e = _fitted_propensity(x, t, w, model)
            point = _outcome_estimates(x, y, t, w[:, None], e[:, None], trim)[0]
            e_rep = np.column_stack(Parallel(n_jobs=jobs)(
                delayed(_fitted_propensity)(x, t, rep_w[:, r], model)
                for r in range(rep_w.shape[1])))
        boot = _outcome_estimates(x, y, t, rep_w, e_rep, trim)
    e = np.clip(e, *trim)
    description = repr(model) if propensity_model is not None else \
        f"{model!r} (fitted by batched Newton)"
    se = np.sqrt(np.mean((boot - point) ** 2, axis=0))
    alpha = 1 - level
    if ci == "normal":
        z = stats.norm.ppf(1 - alpha / 2)
        lo, hi = point - z * se, point + z * se
    else:
        lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2], axis=0)
    estimates = pd.DataFrame({"estimate": point, "std_error": se, "ci_lower": lo,
                              "ci_upper": hi}, index=pd.Index(ESTIMATORS, name="estimator"))

    qs = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
    overlap = pd.DataFrame(
        {grp: np.quantile(e[t == v], qs) for grp, v in (("pe_backed", 1), ("other", 0))},
        index=[f"q{int(q * 100):02d}" for q in qs]).T
    overlap["share_outside_0.05_0.95"] = [np.mean((e[t == v] < 0.05) | (e[t == v] > 0.95))
                                          for v in (1, 0)]
    ipw_w = np.where(t == 1, w / e, w / (1 - e))
    balance = pd.DataFrame({"smd_unweighted": _smd(x, t, w), "smd_ipw": _smd(x, t, ipw_w)},
                           index=x_df.columns)
    return PEPremiumResult(
        estimates=estimates, overlap=overlap, balance=balance, year=year, n_treated=n1,
        n_control=n0, level=level, covariates=covariates, propensity_model=description,
        n_replicates=int(n_replicates), seed=seed, trim=(trim[0], trim[1]),
        synthetic=bool(df.attrs.get("synthetic", False)), n_excluded=n_all - len(d))
