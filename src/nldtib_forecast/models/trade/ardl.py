"""Export demand econometrics: ARDL / error-correction models and the PSS bounds test.

:func:`fit_export_demand` wraps :mod:`statsmodels.tsa.ardl` (``ardl_select_order``, ``ARDL``,
``UECM``): it selects the lag orders (or takes them), fits the unrestricted error-correction
model (UECM), and returns the long-run coefficients (elasticities when the data are in logs)
with standard errors and intervals, the speed of adjustment and the Pesaran-Shin-Smith (2001)
bounds test for a level relationship. With a short sample the bounds test uses critical values
simulated for the actual number of observations instead of the asymptotic tables.

The asymptotic critical values and p-values are looked up here, not taken from
``UECMResults.bounds_test``: statsmodels (checked on 0.15.0) indexes its Pesaran-Shin-Smith
tables by the number of variables *including* the dependent one, so with ``k`` regressors it
reports the bounds of ``k + 1`` (with one regressor in case 3, 5% bounds 3.80 and 4.81 instead
of PSS's 4.94 and 5.73, and a size of about 10% at the nominal 5%). Its tables themselves
(simulated with 32 million replications) and its finite-sample simulation are correct; the
lookup below uses the tables with ``k`` = the number of regressors in levels, excluding ``y``,
as PSS (2001) define it.

statsmodels renamed the fields of ``BoundsTestResult`` between 0.14 (``stat``, ``crit_vals``,
``p_values``) and 0.15 (``statistic``, ``critical_values``, ``pvalue``), and the seed argument
of ``bounds_test`` (``seed`` -> ``rng``); both are read here by duck typing.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_int, check_level, check_option
from nldtib_forecast._version import __version__

__all__ = ["fit_export_demand", "ExportDemandResult", "BoundsTest", "ShortSampleWarning",
           "SMALL_SAMPLE"]

#: Below this number of observations the bounds test uses critical values simulated for the
#: sample size (Narayan 2005 tabulates 30-80 observations and shows that the asymptotic PSS
#: values are too small there).
SMALL_SAMPLE = 80
_TRENDS = ("n", "c", "ct")
_CASES_BY_TREND = {"n": (1,), "c": (2, 3), "ct": (4, 5)}
_DEFAULT_CASE = {"n": 1, "c": 3, "ct": 5}
_DETERMINISTIC = {"n": 0, "c": 1, "ct": 2}
_CASE_TEXT = {
    1: "no deterministic terms",
    2: "restricted constant (constant in the long-run relation and in the test)",
    3: "unrestricted constant (constant in the model, not in the test)",
    4: "unrestricted constant, restricted trend (trend in the test)",
    5: "unrestricted constant and trend (neither in the test)",
}


class ShortSampleWarning(UserWarning):
    """The sample is too short for (part of) the inference asked for.

    See Also
    --------
    fit_export_demand : Warns with it below :data:`SMALL_SAMPLE` observations.

    Examples
    --------
    >>> import warnings
    >>> from statsmodels.datasets import danish_data
    >>> from nldtib_forecast.models.trade import fit_export_demand
    >>> dk = danish_data.load_pandas().data
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = fit_export_demand(dk.iloc[:25], "lrm", "lry", lags=1, order=1, case=2,
    ...                             critical_values="asymptotic")
    >>> [w.category.__name__ for w in caught]
    ['ShortSampleWarning', 'ShortSampleWarning']
    >>> print(caught[0].message)
    only 25 observations: ARDL long-run coefficients and the bounds test are unreliable ...
    """


# ---------------------------------------------------------------------------------------------
# Bounds test
# ---------------------------------------------------------------------------------------------
def _field(obj: object, *names: str):
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(f"{type(obj).__name__} has none of the fields {names}")


@dataclass(frozen=True)
class BoundsTest:
    """The Pesaran-Shin-Smith bounds test for a level relationship (read-only).

    Attributes
    ----------
    statistic : float
        The F-type Wald statistic that all level coefficients (and, in cases 2 and 4, the
        restricted deterministic term) are zero.
    critical_values : pandas.DataFrame
        Columns ``lower`` (all regressors I(0)) and ``upper`` (all I(1)), indexed by
        percentile (90, 95, 99, 99.9).
    p_values : pandas.Series
        ``lower`` and ``upper`` p-values.
    case : int
        The PSS case (1 to 5).
    critical_values_method : str
        ``"asymptotic"`` (the asymptotic tables of PSS 2001, as re-simulated by statsmodels
        with 32 million replications, for ``k`` regressors) or ``"simulated"`` (simulated for
        ``nobs`` observations with ``nsim`` replications; also used beyond the tables, for
        ``k > 10``).
    nobs : int
        Observations used by the UECM.
    nsim : int or None
        Replications of the simulation.
    null : str
        The null hypothesis.
    k : int or None
        Regressors in levels, excluding the dependent variable (the ``k`` of PSS's tables).

    See Also
    --------
    fit_export_demand : Fits the model and runs the test.

    References
    ----------
    .. [1] Pesaran, M. H., Shin, Y. and Smith, R. J. (2001). Bounds testing approaches to
       the analysis of level relationships. *Journal of Applied Econometrics*, 16(3),
       289-326. doi:10.1002/jae.616
    .. [2] Narayan, P. K. (2005). The saving and investment nexus for China: evidence from
       cointegration tests. *Applied Economics*, 37(17), 1979-1990.

    Examples
    --------
    >>> from statsmodels.datasets import danish_data
    >>> from nldtib_forecast.models.trade import fit_export_demand
    >>> dk = danish_data.load_pandas().data
    >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
    >>> bt = res.bounds_test
    >>> round(bt.statistic, 4), bt.case, bt.k, bt.critical_values_method
    (5.1168, 2, 3, 'simulated')
    """

    statistic: float
    critical_values: pd.DataFrame
    p_values: pd.Series
    case: int
    critical_values_method: str
    nobs: int
    nsim: int | None = None
    null: str = "no level relationship (no cointegration)"
    k: int | None = None

    def conclusion(self, level: float = 0.05) -> str:
        """The test's verdict at a significance level.

        Parameters
        ----------
        level : float, default 0.05
            Significance level: 0.1, 0.05, 0.01 or 0.001 (the percentiles of
            :attr:`critical_values`).

        Returns
        -------
        str
            ``"level relationship"`` if the statistic exceeds the upper bound at ``level``,
            ``"no level relationship"`` if it is below the lower bound, ``"inconclusive"``
            between the bounds.

        Raises
        ------
        nldtib_forecast.InputError
            If ``level`` is not one of the tabulated significance levels.

        Examples
        --------
        >>> from statsmodels.datasets import danish_data
        >>> from nldtib_forecast.models.trade import fit_export_demand
        >>> dk = danish_data.load_pandas().data
        >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
        >>> res.bounds_test.conclusion(0.05), res.bounds_test.conclusion(0.01)
        ('level relationship', 'inconclusive')
        """
        pct = round(100 * (1 - level), 6)
        cv = self.critical_values
        if pct not in cv.index:
            raise InputError(f"argument 'level': must be one of "
                             f"{[round(1 - p / 100, 6) for p in cv.index]}")
        # scalar look-ups (.at): a tenth of the cost of .loc with a list of columns, which
        # matters when a size study asks for thousands of verdicts
        lower, upper = cv.at[pct, "lower"], cv.at[pct, "upper"]
        if self.statistic > upper:
            return "level relationship"
        if self.statistic < lower:
            return "no level relationship"
        return "inconclusive"

    def to_frame(self) -> pd.DataFrame:
        """Critical values with the statistic and p-values: one row per percentile.

        Returns
        -------
        pandas.DataFrame
            Indexed by percentile (90, 95, 99, 99.9), with the bounds ``lower`` (all
            regressors I(0)) and ``upper`` (all I(1)), the ``statistic`` and its p-values
            ``p_lower`` and ``p_upper`` (repeated on every row).

        Examples
        --------
        >>> from statsmodels.datasets import danish_data
        >>> from nldtib_forecast.models.trade import fit_export_demand
        >>> dk = danish_data.load_pandas().data
        >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
        >>> res.bounds_test.to_frame().columns.tolist()
        ['lower', 'upper', 'statistic', 'p_lower', 'p_upper']
        """
        out = self.critical_values.copy()
        out["statistic"] = self.statistic
        out["p_lower"], out["p_upper"] = self.p_values["lower"], self.p_values["upper"]
        return out

    def __str__(self) -> str:
        cv = self.critical_values
        rows = "\n".join(f"    {p:>5g}%  {lo:8.3f}  {up:8.3f}" for p, (lo, up) in
                         zip(cv.index, cv[["lower", "upper"]].to_numpy(), strict=True))
        sim = f", {self.nsim:,} replications" if self.nsim else ""
        regs = "" if self.k is None else f", k = {self.k} regressor{'s' * (self.k != 1)}"
        return (f"PSS bounds test, case {self.case} ({_CASE_TEXT[self.case]}){regs}\n"
                f"  F = {self.statistic:.4f}; p-value {self.p_values['lower']:.4g} (I(0)), "
                f"{self.p_values['upper']:.4g} (I(1)); H0: {self.null}\n"
                f"  critical values ({self.critical_values_method} for {self.nobs} "
                f"observations{sim}):\n      pct     I(0)      I(1)\n{rows}\n"
                f"  conclusion at 5%: {self.conclusion(0.05)}")


#: Largest number of regressors in statsmodels' asymptotic PSS tables (k = 1, ..., 10).
_PSS_MAX_K = 10


def _asymptotic_pvalue(stat: float, k: int, case: int, i1: bool) -> float:
    """Asymptotic p-value of the bounds F statistic: statsmodels' response surface
    ``1 - Phi(c_0 + c_1 x + c_2 x^2 [+ c_3 x^3])``, ``x = log(stat)``, for ``k`` regressors
    (excluding ``y``); ``i1``: all regressors I(1) (upper bound) or I(0) (lower bound)."""
    from scipy import stats
    from statsmodels.tsa.ardl import pss_critical_values as pss

    if not stat > 0:
        return 1.0
    key = (k, case, i1)
    coef = pss.small_p[key] if stat > pss.stat_star[key] else pss.large_p[key]
    return float(stats.norm.sf(np.polyval(coef[::-1], np.log(stat))))


def _asymptotic_critical_values(k: int, case: int) -> pd.DataFrame:
    """statsmodels' asymptotic PSS critical values for ``k`` regressors in levels (excluding
    ``y``) and ``case``: columns ``lower``, ``upper``; index percentiles 90, 95, 99, 99.9."""
    from statsmodels.tsa.ardl import pss_critical_values as pss

    return pd.DataFrame({"lower": pss.crit_vals[(k, case, False)],
                         "upper": pss.crit_vals[(k, case, True)]}, dtype="float64",
                        index=pd.Index([float(p) for p in pss.crit_percentiles],
                                       name="percentile"))


#: Simulated critical values and p-values already computed in this process, keyed by what
#: statsmodels' simulation depends on: the statistic, ``k``, the case, the observations, the
#: replications and the (integer) seed. A repeated fit (the same data and options) reuses
#: them instead of simulating again: the numbers are identical. At most
#: :data:`_SIMULATED_MAX` entries (a few floats each); the oldest goes first.
_SIMULATED: dict[tuple, tuple[pd.DataFrame, pd.Series]] = {}
_SIMULATED_MAX = 64


def _statistic(raw) -> float:
    return float(_field(raw, "statistic", "stat"))


def _bounds_test(uecm_res, case: int, simulated: bool, nsim: int, seed,
                 k: int | None = None) -> BoundsTest:
    """The bounds test of a fitted UECM with ``k`` regressors (default: from the model).

    The statistic (and, if ``simulated``, the critical values and p-values, which statsmodels
    simulates with the right number of regressors) come from ``uecm_res.bounds_test``; the
    asymptotic ones are looked up with the right ``k`` (statsmodels uses ``k + 1``). Beyond
    the tables (``k > 10``) they are simulated. Simulated values with an integer seed are
    kept in :data:`_SIMULATED`: the statistic is read first (statsmodels' table branch, no
    simulation), and only a new combination of statistic, ``k``, case, observations,
    replications and seed is simulated.
    """
    if k is None:
        k = len(uecm_res.model.ardl_order) - 1  # (p, q_1, ..., q_k)
    simulated = simulated or k > _PSS_MAX_K
    key = None
    if (simulated and k + 1 <= _PSS_MAX_K and isinstance(seed, (int, np.integer))
            and not isinstance(seed, bool)):
        stat = _statistic(uecm_res.bounds_test(case=case, asymptotic=True))
        key = (stat, int(k), int(case), int(uecm_res.nobs), int(nsim), int(seed))
        if key in _SIMULATED:
            crit, pvals = _SIMULATED[key]
            return BoundsTest(stat, crit.copy(), pvals.copy(), case, "simulated",
                              int(uecm_res.nobs), int(nsim), k=int(k))
    if simulated:
        sim_args: tuple[int, object] | None = (int(nsim), seed)
    elif k + 1 > _PSS_MAX_K:
        # with k = 10 statsmodels would look for a table of 11 and simulate 100,000 unseeded
        # replications; only its statistic is used here, so a small seeded run suffices
        sim_args = (100, 0)
    else:
        sim_args = None
    kwargs: dict[str, object] = {"case": case, "asymptotic": sim_args is None}
    if sim_args is not None:
        params = inspect.signature(uecm_res.bounds_test).parameters
        kwargs["nsim"] = sim_args[0]
        kwargs["rng" if "rng" in params else "seed"] = sim_args[1]  # 0.15: rng; 0.14: seed
    if sim_args is None:
        raw = uecm_res.bounds_test(**kwargs)
    else:
        from nldtib_forecast.simulation import single_threaded_blas

        # the simulation solves thousands of tiny least-squares problems, which threaded BLAS
        # does not speed up: its spinning threads only add CPU time (same numbers)
        with single_threaded_blas():
            raw = uecm_res.bounds_test(**kwargs)
    stat = _statistic(raw)
    if simulated:
        crit = pd.DataFrame(_field(raw, "critical_values", "crit_vals")).astype("float64")
        crit.index = pd.Index([float(p) for p in crit.index], name="percentile")
        pvals = pd.Series(_field(raw, "pvalue", "p_values"), dtype="float64")
        pvals = pvals.loc[["lower", "upper"]]
        if key is not None and key[0] == stat:
            while len(_SIMULATED) >= _SIMULATED_MAX:
                del _SIMULATED[next(iter(_SIMULATED))]
            _SIMULATED[key] = (crit.copy(), pvals.copy())
    else:
        crit = _asymptotic_critical_values(k, case)
        pvals = pd.Series({"lower": _asymptotic_pvalue(stat, k, case, False),
                           "upper": _asymptotic_pvalue(stat, k, case, True)}, dtype="float64")
    return BoundsTest(stat, crit, pvals, case, "simulated" if simulated else "asymptotic",
                      int(uecm_res.nobs), int(nsim) if simulated else None, k=int(k))


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportDemandResult:
    """An ARDL / error-correction model of export demand (read-only).

    Attributes
    ----------
    y : str
        The dependent variable.
    x : tuple of str
        The regressors.
    ardl_order : tuple of int
        ``(p, q_1, ..., q_k)``: lags of ``y`` and of each regressor in the ARDL.
    uecm_order : tuple of int
        The orders of the fitted UECM (a regressor with ARDL order 0 enters with order 1:
        the UECM cannot restrict its short-run coefficient).
    selected : bool
        Whether the orders were selected by an information criterion.
    long_run : pandas.DataFrame
        Indexed by regressor: ``coefficient, std_error, lower, upper, t_value, p_value``
        (delta-method standard errors, t intervals at ``level``). In logs, the long-run
        elasticities.
    long_run_deterministic : pandas.DataFrame
        The same for the deterministic terms in the normalised long-run relation.
    speed_of_adjustment : pandas.Series
        ``coefficient`` (on ``y`` lagged once in the UECM; negative if ``y`` returns to the
        long-run relation), ``std_error, lower, upper`` and ``half_life`` (periods to close
        half of a gap, NaN unless the coefficient lies in (-1, 0)).
    bounds_test : BoundsTest
        The Pesaran-Shin-Smith bounds test.
    nobs : int
        Observations used in the estimation (after lags).
    sample : tuple
        First and last index labels of the estimation sample.
    trend : str
        ``"n"``, ``"c"`` or ``"ct"``.
    level : float
        Confidence level of the intervals.
    warnings : tuple of str
        Short-sample warnings raised during the fit.
    uecm_results, ardl_results : statsmodels results
        The underlying statsmodels results (``UECMResults``, ``ARDLResults``).
    ic : str
        Information criterion of the order selection.
    version : str
        Version of nldtib_forecast that computed the result.

    See Also
    --------
    fit_export_demand : Fits the model.

    Examples
    --------
    >>> from statsmodels.datasets import danish_data
    >>> from nldtib_forecast.models.trade import fit_export_demand
    >>> dk = danish_data.load_pandas().data
    >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
    >>> res.y, res.x, res.ardl_order
    ('lrm', ('lry', 'ibo', 'ide'), (3, 1, 3, 2))
    >>> res.long_run.columns.tolist()
    ['coefficient', 'std_error', 'lower', 'upper', 't_value', 'p_value']
    """

    y: str
    x: tuple[str, ...]
    ardl_order: tuple[int, ...]
    uecm_order: tuple[int, ...]
    selected: bool
    long_run: pd.DataFrame
    long_run_deterministic: pd.DataFrame
    speed_of_adjustment: pd.Series
    bounds_test: BoundsTest
    nobs: int
    sample: tuple
    trend: str
    level: float
    warnings: tuple[str, ...]
    uecm_results: object = field(repr=False)
    ardl_results: object = field(repr=False)
    ic: str = "aic"
    version: str = field(default=__version__)

    @property
    def params(self) -> pd.Series:
        """Coefficients of the UECM."""
        return self.uecm_results.params  # type: ignore[attr-defined]

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form of the long-run coefficients, the adjustment and the bounds test.

        Returns
        -------
        pandas.DataFrame
            Columns ``part`` (``long_run``, ``long_run_deterministic``,
            ``speed_of_adjustment``, ``bounds_test``), ``term`` (the regressor, ``<y>.L1`` or
            ``case <c>``), ``statistic`` (e.g. ``coefficient``, ``std_error``, ``p_value``,
            ``cv95_upper``) and ``value``.

        Examples
        --------
        >>> from statsmodels.datasets import danish_data
        >>> from nldtib_forecast.models.trade import fit_export_demand
        >>> dk = danish_data.load_pandas().data
        >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
        >>> tidy = res.to_frame()
        >>> tidy.columns.tolist()
        ['part', 'term', 'statistic', 'value']
        >>> sorted(tidy['part'].unique())
        ['bounds_test', 'long_run', 'long_run_deterministic', 'speed_of_adjustment']
        """
        parts = []
        for part, frame in (("long_run", self.long_run),
                            ("long_run_deterministic", self.long_run_deterministic)):
            long = frame.reset_index(names="term").melt(id_vars="term", var_name="statistic")
            long.insert(0, "part", part)
            parts.append(long)
        soa = self.speed_of_adjustment
        parts.append(pd.DataFrame({"part": "speed_of_adjustment", "term": f"{self.y}.L1",
                                   "statistic": soa.index, "value": soa.to_numpy()}))
        bt = self.bounds_test
        rows = [("statistic", bt.statistic), ("p_lower", bt.p_values["lower"]),
                ("p_upper", bt.p_values["upper"])]
        rows += [(f"cv{p:g}_{b}", bt.critical_values.loc[p, b])
                 for p in bt.critical_values.index for b in ("lower", "upper")]
        parts.append(pd.DataFrame({"part": "bounds_test", "term": f"case {bt.case}",
                                   "statistic": [r[0] for r in rows],
                                   "value": [float(r[1]) for r in rows]}))
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> str:
        """Text summary: specification, long run, adjustment, bounds test, warnings.

        Returns
        -------
        str
            Several lines: the ARDL orders, trend and sample; the long-run coefficients; the
            speed of adjustment with its half-life; the bounds test with its critical values
            and verdicts; the short-sample warnings.

        Examples
        --------
        >>> from statsmodels.datasets import danish_data
        >>> from nldtib_forecast.models.trade import fit_export_demand
        >>> dk = danish_data.load_pandas().data
        >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
        >>> print(res.summary().splitlines()[0])
        Export demand: ARDL(3, 1, 3, 2) of lrm on lry, ibo, ide; trend 'c'; orders selected by aic
        """
        soa = self.speed_of_adjustment
        order = ", ".join(map(str, self.ardl_order))
        lr = self.long_run.copy()
        lines = [
            f"Export demand: ARDL({order}) of {self.y} on {', '.join(self.x)}; trend "
            f"{self.trend!r}; orders {'selected by ' + self.ic if self.selected else 'given'}",
            f"  sample {self.sample[0]} - {self.sample[1]} ({self.nobs} observations); "
            f"{self.level:.0%} intervals; statsmodels UECM",
            "",
            "Long-run coefficients (elasticities if the data are in logs):",
            lr.to_string(float_format=lambda v: f"{v:.4f}"),
            "",
            f"Speed of adjustment ({self.y}.L1): {soa['coefficient']:.4f} "
            f"(s.e. {soa['std_error']:.4f}; interval {soa['lower']:.4f} to {soa['upper']:.4f});"
            f" half-life {soa['half_life']:.2f} periods",
            "",
            str(self.bounds_test),
        ]
        if self.warnings:
            lines += ["", "Warnings:"] + [f"  - {w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        head = (f"<p><b>Export demand ARDL({', '.join(map(str, self.ardl_order))})</b> of "
                f"{html.escape(self.y)}; {self.nobs} observations; bounds test F = "
                f"{self.bounds_test.statistic:.3f} (case {self.bounds_test.case}, "
                f"{html.escape(self.bounds_test.critical_values_method)} critical values): "
                f"{html.escape(self.bounds_test.conclusion())} at 5%</p>")
        warn = "".join(f"<p><b>Warning:</b> {html.escape(w)}</p>" for w in self.warnings)
        return head + self.long_run.to_html(float_format=lambda v: f"{v:.4f}") + warn

    def plot(self, ax=None):
        """The equilibrium error (deviation from the long-run relation) over time.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 7 x 3.5 inch figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on: the UECM's equilibrium error by period (gid
            ``"equilibrium-error"``) and the zero line.

        Examples
        --------
        >>> from statsmodels.datasets import danish_data
        >>> from nldtib_forecast.models.trade import fit_export_demand
        >>> dk = danish_data.load_pandas().data
        >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
        >>> ax = res.plot()
        >>> ax.get_title()
        'Deviation of lrm from its long-run relation'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _fig, ax = plt.subplots(figsize=(7.0, 3.5), layout="constrained")
        resid = pd.Series(self.uecm_results.ci_resids)  # type: ignore[attr-defined]
        ax.plot(resid.index, resid.to_numpy(), color="C0", gid="equilibrium-error")
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.set_title(f"Deviation of {self.y} from its long-run relation")
        return ax


# ---------------------------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------------------------
def _check_data(data: object, y: object, x: object) -> tuple[pd.Series, pd.DataFrame]:
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"argument 'data': expected a pandas DataFrame, got "
                         f"{type(data).__name__}")
    xs = [x] if isinstance(x, str) else list(x) if isinstance(x, Sequence) else None
    if not isinstance(y, str) or xs is None or not xs or not all(isinstance(v, str) for v in xs):
        raise InputError("arguments 'y' and 'x': y must be a column name and x a column name "
                         "or a non-empty list of column names")
    problems = [Problem(c, "column not in data") for c in [y, *xs] if c not in data.columns]
    if y in xs:
        problems.append(Problem(y, "y must not also be a regressor"))
    if len(set(xs)) != len(xs):
        problems.append(Problem("x", "regressors must be unique"))
    if problems:
        raise InputError("fit_export_demand: invalid columns", problems)
    if len(data) == 0:
        raise InputError("argument 'data': no rows (0 observations); fit_export_demand needs a "
                         "time series of y and x, one row per period")
    frame = data[[y, *xs]]
    try:
        frame = frame.astype("float64")
    except (TypeError, ValueError):
        raise InputError("fit_export_demand: y and x must be numeric") from None
    bad = ~np.isfinite(frame.to_numpy())
    if bad.any():
        rows, cols = np.nonzero(bad)
        raise InputError("fit_export_demand: missing or infinite values", [Problem(
            frame.columns[c], "must be finite (drop or fill missing years first)",
            tuple(frame.index[rows[cols == c]][:5]), int((cols == c).sum()))
            for c in sorted(set(cols))])
    if not frame.index.is_unique or not frame.index.is_monotonic_increasing:
        raise InputError("argument 'data': the index (time) must be unique and increasing")
    if pd.api.types.is_integer_dtype(frame.index.dtype):
        # statsmodels mishandles integer (e.g. RangeIndex from 1900) indexes: int years
        # become an annual PeriodIndex, other integers positions
        idx = frame.index.to_numpy()
        if idx.min() >= 1000 and idx.max() <= 9999:  # years
            missing = sorted(set(range(int(idx[0]), int(idx[-1]) + 1)) - set(idx.tolist()))
            if missing:
                raise InputError(f"argument 'data': the years must be consecutive; missing "
                                 f"years: {missing[:5]}")
            frame = frame.set_axis(pd.period_range(str(idx[0]), periods=len(idx), freq="Y"))
        else:
            frame = frame.reset_index(drop=True)
    return frame[y], frame[xs]


def _int(name: str, value: object, low: int) -> int:
    return check_int(value, name, low)


def _orders(order: object, xs: list[str]) -> dict[str, int]:
    if isinstance(order, Mapping):
        unknown = [k for k in order if k not in xs]
        missing = [k for k in xs if k not in order]
        if unknown or missing:
            raise InputError(f"argument 'order': keys must be the regressors {xs}; unknown "
                             f"{unknown}, missing {missing}")
        return {k: _int(f"order[{k!r}]", order[k], 0) for k in xs}
    q = _int("order", order, 0)
    return {k: q for k in xs}


def fit_export_demand(data: pd.DataFrame, y: str, x: str | Sequence[str],
                      lags: int | None = None, order: int | Mapping[str, int] | None = None,
                      trend: str = "c", case: int | None = None, *, max_lag: int | None = None,
                      ic: str = "aic", level: float = 0.95, critical_values: str = "auto",
                      nsim: int = 20_000, seed: int | None = 0) -> ExportDemandResult:
    """Fit an ARDL / error-correction model of export demand with the bounds test.

    Parameters
    ----------
    data : pandas.DataFrame
        Time series indexed by period (int years, a ``PeriodIndex`` or dates), increasing,
        without gaps in the values (int years are passed to statsmodels as an annual
        ``PeriodIndex``). Use logs for elasticities (e.g. ``log_exports``,
        ``log_market``, ``log_relative_price``).
    y : str
        Dependent variable (exports).
    x : str or list of str
        Regressors (market size, relative prices, ...).
    lags, order : int, optional
        ARDL orders: ``lags`` of ``y`` (>= 1) and ``order`` of every regressor (an int, or a
        dict regressor -> int). Both ``None`` (default): selected by ``ic`` with
        :func:`statsmodels.tsa.ardl.ardl_select_order` up to ``max_lag``. Give both or neither.
    trend : {"n", "c", "ct"}, default "c"
        Deterministic terms: none, constant, constant and trend.
    case : {1, 2, 3, 4, 5}, optional
        PSS case of the bounds test: 1 needs ``trend="n"``, 2 and 3 ``"c"``, 4 and 5 ``"ct"``.
        Default: 1, 3 or 5 (unrestricted deterministic terms).
    max_lag : int, optional
        Largest lag tried by the selection (default: 1 below 30 observations, else
        ``min(4, nobs // 12)``).
    ic : {"aic", "bic", "hqic"}, default "aic"
        Information criterion of the selection.
    level : float, default 0.95
        Confidence level of the intervals.
    critical_values : {"auto", "asymptotic", "simulated"}, default "auto"
        Critical values of the bounds test: the asymptotic tables of PSS (2001) for
        ``k = len(x)`` regressors (statsmodels' re-simulation of them; beyond ``k = 10``
        simulated), or simulated for the sample size (``nsim`` replications). ``"auto"``:
        simulated below :data:`SMALL_SAMPLE` observations.
    nsim : int, default 20000
        Replications of the simulated critical values.
    seed : int or None, default 0
        Seed of the simulation (the same seed gives the same critical values).

    Returns
    -------
    ExportDemandResult
        The ARDL orders, the long-run coefficients (elasticities for data in logs) with
        delta-method intervals, the speed of adjustment, the bounds test and the
        statsmodels results.

    Raises
    ------
    nldtib_forecast.InputError
        Unknown columns, non-numeric or missing values, bad orders, an unknown option, a case
        that does not fit the trend, or too few observations to estimate the model.

    Warns
    -----
    ShortSampleWarning
        Fewer than 30 observations, or fewer than 10 degrees of freedom: the long-run
        coefficients and the bounds test are then unreliable (e.g. 7 annual observations of
        the NLDTIB survey cannot support an ARDL).

    Notes
    -----
    The long-run coefficient of regressor ``k`` is ``-pi_k / pi_y`` from the UECM
    ``dy_t = c + pi_y y_{t-1} + sum_k pi_k x_{k,t-1} + short-run terms``; its standard error
    is statsmodels' delta-method ``ci_bse``. The speed of adjustment is ``pi_y``.

    See Also
    --------
    ExportShareModel : The projection model of the export share.
    cms_decomposition : Constant-market-share decomposition of export growth.
    statsmodels.tsa.ardl.UECM : The statsmodels model fitted.

    References
    ----------
    .. [1] Pesaran, M. H., Shin, Y. and Smith, R. J. (2001). Bounds testing approaches to
       the analysis of level relationships. *Journal of Applied Econometrics*, 16(3),
       289-326. doi:10.1002/jae.616
    .. [2] Natsiopoulos, K. and Tzeremes, N. G. (2022). ARDL bounds test for cointegration:
       replicating the Pesaran et al. (2001) results for the UK earnings equation using R.
       *Journal of Applied Econometrics*, 37(5), 1079-1090. doi:10.1002/jae.2919
    .. [3] Seabold, S. and Perktold, J. (2010). Statsmodels: econometric and statistical
       modeling with Python. *Proceedings of the 9th Python in Science Conference*, 92-96.

    Examples
    --------
    The money-demand example of statsmodels' ARDL notebook and of R's ARDL package (Danish
    data, ARDL(3, 1, 3, 2)):

    >>> from statsmodels.datasets import danish_data
    >>> from nldtib_forecast.models.trade import fit_export_demand
    >>> dk = danish_data.load_pandas().data
    >>> res = fit_export_demand(dk, "lrm", ["lry", "ibo", "ide"], max_lag=3, case=2)
    >>> res.ardl_order
    (3, 1, 3, 2)
    >>> res.long_run["coefficient"].round(4)
    term
    lry    0.9965
    ibo   -4.5381
    ide    2.8915
    Name: coefficient, dtype: float64
    >>> round(res.bounds_test.statistic, 4), res.bounds_test.critical_values_method
    (5.1168, 'simulated')
    >>> res.bounds_test.conclusion(0.05), res.bounds_test.conclusion(0.01)
    ('level relationship', 'inconclusive')

    With 52 observations the critical values simulated for the sample size are larger than
    the asymptotic ones, with which R's ARDL rejects at 1% (p = 0.0044).
    """
    from statsmodels.tsa.ardl import ARDL, UECM, ardl_select_order

    endog, exog = _check_data(data, y, x)
    xs = list(exog.columns)
    trend = check_option("trend", trend, _TRENDS)
    ic = check_option("ic", ic, ("aic", "bic", "hqic"))
    critical_values = check_option("critical_values", critical_values,
                                   ("auto", "asymptotic", "simulated"))
    level = check_level(level)
    nsim = _int("nsim", nsim, 100)
    if case is None:
        case = _DEFAULT_CASE[trend]
    elif case not in _CASES_BY_TREND[trend]:
        raise InputError(f"argument 'case': case {case!r} does not fit trend={trend!r}; "
                         f"valid cases: {_CASES_BY_TREND[trend]} (1: trend 'n'; 2, 3: 'c'; "
                         "4, 5: 'ct')")
    n = len(endog)
    messages: list[str] = []
    selected = lags is None and order is None
    if selected:
        if max_lag is None:
            max_lag = 1 if n < 30 else min(4, n // 12)
        max_lag = _int("max_lag", max_lag, 1)
        n_params = _DETERMINISTIC[trend] + max_lag + len(xs) * (1 + max_lag)
        if n - max_lag <= n_params:
            raise InputError(f"fit_export_demand: {n} observations cannot support lag "
                             f"selection up to max_lag={max_lag} with {len(xs)} regressor(s); "
                             "give fewer regressors or a smaller max_lag")
        sel = ardl_select_order(endog, max_lag, exog, max_lag, ic=ic, trend=trend)
        p = int(max(sel.model.ar_lags or [0]))
        q = {k: int(sel.model.ardl_order[i + 1]) for i, k in enumerate(xs)}
        if p < 1:  # the UECM needs y lagged once; an ARDL(0, ...) has no adjustment term
            p = 1
            messages.append("the selected ARDL had no lag of y; lags=1 is used")
    elif lags is None or order is None:
        raise InputError("arguments 'lags' and 'order': give both (fixed orders) or neither "
                         "(automatic selection)")
    else:
        p, q = _int("lags", lags, 1), _orders(order, xs)
    ardl_order = (p, *(q[k] for k in xs))
    q_uecm = {k: max(1, v) for k, v in q.items()}
    if q_uecm != q:
        zero = [k for k, v in q.items() if v == 0]
        messages.append(f"regressor(s) {zero} have ARDL order 0; the UECM uses order 1 "
                        "(it cannot restrict the short-run coefficient)")
    # UECM coefficients: deterministic terms, y_{t-1}, x_{t-1}, p - 1 lags of dy, q_k of dx_k
    n_params = _DETERMINISTIC[trend] + p + len(xs) + sum(q_uecm.values())
    n_used = n - max(p, *q_uecm.values())
    if n_used - n_params < 1:
        raise InputError(f"fit_export_demand: {n} observations ({n_used} after lags) cannot "
                         f"estimate {n_params} coefficients; use fewer lags or regressors")
    if n < 30:
        messages.append(f"only {n} observations: ARDL long-run coefficients and the bounds test "
                        "are unreliable below about 30 observations (Narayan 2005 tabulates "
                        "critical values from 30); treat the estimates as descriptive")
    if n_used - n_params < 10:
        messages.append(f"only {n_used - n_params} residual degrees of freedom: intervals are "
                        "wide and sensitive to the lag orders")
    simulated = critical_values == "simulated" or (critical_values == "auto"
                                                   and n_used < SMALL_SAMPLE)
    if critical_values == "asymptotic" and n_used < SMALL_SAMPLE:
        messages.append(f"asymptotic critical values with {n_used} observations: they are too "
                        "small in short samples (Narayan 2005); critical_values='simulated' "
                        "gives sample-size-specific ones")
    for msg in messages:
        warnings.warn(msg, ShortSampleWarning, stacklevel=2)

    ardl_res = ARDL(endog, p, exog, q, trend=trend).fit()
    uecm_res = UECM(endog, p, exog, q_uecm, trend=trend).fit()
    bounds = _bounds_test(uecm_res, case, simulated, nsim, seed, k=len(xs))

    ci_params, ci_bse = uecm_res.ci_params, uecm_res.ci_bse
    df_resid = float(uecm_res.df_resid)
    from scipy import stats

    tq = float(stats.t.ppf((1 + level) / 2, df_resid))

    def long_frame(names: list[str]) -> pd.DataFrame:
        coef = -ci_params.loc[names].astype(float)
        se = ci_bse.loc[names].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            tval = coef / se
        frame = pd.DataFrame({"coefficient": coef, "std_error": se,
                              "lower": coef - tq * se, "upper": coef + tq * se,
                              "t_value": tval,
                              "p_value": 2 * stats.t.sf(np.abs(tval), df_resid)})
        frame.index.name = "term"
        return frame

    det = [c for c in ci_params.index if c not in (y, *xs)]
    name = f"{y}.L1"
    coef, se = float(uecm_res.params[name]), float(uecm_res.bse[name])
    half = np.log(0.5) / np.log1p(coef) if -1 < coef < 0 else np.nan
    soa = pd.Series({"coefficient": coef, "std_error": se, "lower": coef - tq * se,
                     "upper": coef + tq * se, "half_life": float(half)}, name=name)
    labels = data.index[n - int(uecm_res.nobs):]
    sample = (labels[0], labels[-1]) if len(labels) else (None, None)
    result = ExportDemandResult(
        y=y, x=tuple(xs), ardl_order=ardl_order, uecm_order=(p, *(q_uecm[k] for k in xs)),
        selected=selected, long_run=long_frame(xs), long_run_deterministic=long_frame(det),
        speed_of_adjustment=soa, bounds_test=bounds, nobs=int(uecm_res.nobs), sample=sample,
        trend=trend, level=level, warnings=tuple(messages), uecm_results=uecm_res,
        ardl_results=ardl_res, ic=ic)
    return result
