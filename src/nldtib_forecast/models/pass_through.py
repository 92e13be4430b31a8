"""Cost pass-through to D&S prices.

The 2026 letter states that price and cost increases play a limited role, that there are "no
disproportionate price increases", and that about 14% of firms do not pass cost increases on
to their customers. :func:`estimate_pass_through` puts numbers with intervals on the three
statements, for one survey year:

1. **the share of firms that do not pass cost increases on** (``passes_on_costs == "none"``),
   overall and by domain, a design-based proportion with disclosure control
   (:func:`~nldtib_forecast.survey.survey_proportion`);
2. **the pass-through coefficient**: a survey-weighted least squares regression of the D&S
   price change on the unit-cost change with controls (size class, NLD area, chain position),
   with heteroskedasticity-robust (sandwich) standard errors; when the survey records each
   firm's pass-through behaviour, an interaction model gives one coefficient per group;
3. **a one-sided test of "no disproportionate price increases"**: is the population mean of
   ``price change - cost change`` greater than zero? The mean and its standard error are
   design-based (stratified linearisation with the finite population correction).

See :doc:`/methodology/pass_through` for the equations, the choice of standard errors and the
limitations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from nldtib_forecast._errors import InputError, Problem, check_level, check_option, check_year
from nldtib_forecast._format import percent
from nldtib_forecast._version import __version__

__all__ = ["estimate_pass_through", "PassThroughResult", "DEFAULT_CONTROLS", "COV_TYPES"]

#: Default controls of the pass-through regression (categorical columns, entered as dummies).
DEFAULT_CONTROLS: tuple[str, ...] = ("size_class", "nld_area", "chain_position")
#: Heteroskedasticity-robust covariance types (MacKinnon and White, 1985).
COV_TYPES: tuple[str, ...] = ("HC0", "HC1", "HC2", "HC3")
_COEF_COLUMNS = ["model", "term", "estimate", "std_error", "ci_lower", "ci_upper", "p_value"]
_NONE = "none"  # the answer "does not pass cost increases on"


@dataclass(frozen=True)
class PassThroughResult:
    """Cost pass-through estimates for one survey year.

    Returned by :func:`estimate_pass_through` (read-only).

    Attributes
    ----------
    no_pass_share : pandas.DataFrame
        Share of firms that do not pass cost increases on, indexed by ``(by, domain)``:
        ``("all", "all")`` and, when ``by`` was given, one row per domain. Columns as
        :func:`~nldtib_forecast.survey.survey_proportion` (``estimate, std_error, ci_lower,
        ci_upper, n_respondents, n_missing, status, rule``). Empty when the survey has no
        pass-through question.
    coefficients : pandas.DataFrame
        Every regression coefficient: ``model`` (``"pooled"`` or ``"by_group"``), ``term``,
        ``estimate, std_error, ci_lower, ci_upper, p_value`` (two-sided).
    margin_test : pandas.Series
        One-sided test of H0: mean(price change - cost change) <= 0 against H1: > 0:
        ``estimate, std_error, ci_lower, ci_upper`` (two-sided interval), ``t_statistic, df,
        p_value, n_respondents``.
    binned : pandas.DataFrame
        Survey-weighted means of cost and price change in equal-weight bins of the cost
        change (for :meth:`plot`): ``cost_change, price_change, n_respondents, weight``.
    year : int
        The survey year.
    n : int
        Respondents in the regression (with price change, cost change and controls).
    controls : tuple of str
        The control columns of the regression.
    group : str or None
        The column classifying firms by pass-through behaviour (None: not used).
    cov_type : str
        The heteroskedasticity-robust covariance (``"HC0"`` to ``"HC3"``).
    level : float
        Confidence level of the intervals.
    synthetic : bool
        Whether the data were synthetic.
    price, cost : str
        The price change and unit-cost change columns.
    n_excluded : int
        Respondents left out of the regression (a missing price change, cost change or
        control).
    version : str
        Version of nldtib_forecast that computed the result.

    See Also
    --------
    estimate_pass_through : Computes it.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> res = estimate_pass_through(synthetic_survey(seed=0))
    >>> res.year, res.n
    (2025, 349)
    >>> res.coefficients.columns.tolist()
    ['model', 'term', 'estimate', 'std_error', 'ci_lower', 'ci_upper', 'p_value']
    """

    no_pass_share: pd.DataFrame
    coefficients: pd.DataFrame
    margin_test: pd.Series
    binned: pd.DataFrame
    year: int
    n: int
    controls: tuple[str, ...]
    group: str | None
    cov_type: str
    level: float
    synthetic: bool
    price: str = "price_change_ds"
    cost: str = "cost_change_ds"
    n_excluded: int = 0
    version: str = field(default=__version__)

    @property
    def pass_through(self) -> pd.DataFrame:
        """The pass-through coefficients only: ``pooled`` and one row per group."""
        c = self.coefficients
        parts = [c[(c["model"] == "pooled") & (c["term"] == self.cost)]]
        labels = ["pooled"]
        if self.group is not None:
            prefix = f"{self.cost}:{self.group}["
            grp = c[(c["model"] == "by_group") & c["term"].str.startswith(prefix)]
            parts.append(grp)
            labels += [t[len(prefix):-1] for t in grp["term"]]
        out = pd.concat(parts).drop(columns=["model", "term"])
        out.index = pd.Index(labels, name="pass_through")
        return out

    @property
    def interval_contents(self) -> str:
        """What the intervals include."""
        return (f"sampling uncertainty: design-based (stratified linearisation) for the share "
                f"and the margin test; {self.cov_type} heteroskedasticity-robust for the "
                f"regression (ignores stratification and the finite population correction)")

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: one row per quantity and statistic.

        Returns
        -------
        pandas.DataFrame
            Columns ``year, part, label, statistic, value`` where ``part`` is
            ``no_pass_share`` (label ``"all"`` or ``"<by>=<domain>"``), ``pass_through``
            (the slopes, label ``"pooled"`` or the group; every coefficient is in
            :attr:`coefficients`) or ``margin_test`` (label ``"price_minus_cost"``), and
            ``statistic`` is ``estimate``, ``std_error``, ``ci_lower``, ``ci_upper`` and, for
            the tests, ``p_value`` (and ``t_statistic``, ``df``).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> res = estimate_pass_through(synthetic_survey(seed=0))
        >>> tidy = res.to_frame()
        >>> tidy.columns.tolist()
        ['year', 'part', 'label', 'statistic', 'value']
        """
        stats_cols = ["estimate", "std_error", "ci_lower", "ci_upper"]
        parts = []
        if len(self.no_pass_share):
            share = self.no_pass_share[stats_cols].copy()
            share.index = ["all" if b == "all" else f"{b}={d}" for b, d in share.index]
            parts.append(("no_pass_share", share))
        parts.append(("pass_through", self.pass_through[[*stats_cols, "p_value"]]))
        margin = self.margin_test[[*stats_cols, "t_statistic", "df", "p_value"]]
        parts.append(("margin_test", margin.to_frame("price_minus_cost").T))
        rows = []
        for part, frame in parts:
            long = frame.rename_axis("label").reset_index().melt(
                id_vars="label", var_name="statistic", value_name="value")
            long.insert(0, "part", part)
            rows.append(long)
        out = pd.concat(rows, ignore_index=True)
        out["value"] = out["value"].astype(float)
        out.insert(0, "year", self.year)
        return out

    def summary(self) -> str:
        """A text summary of the three results, the sample and what the intervals include.

        Returns
        -------
        str
            Several lines: the year, the respondents and controls, the share of firms not
            passing costs on (overall and by domain), the pass-through coefficients with
            their intervals, the one-sided margin test and what the intervals include.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> res = estimate_pass_through(synthetic_survey(seed=0))
        >>> print(res.summary().splitlines()[0])
        Cost pass-through, survey year 2025 (SYNTHETIC data)
        """
        pct = int(round(self.level * 100))
        lines = [f"Cost pass-through, survey year {self.year}"
                 + (" (SYNTHETIC data)" if self.synthetic else ""),
                 f"  regression respondents: {self.n} ({self.n_excluded} excluded: missing "
                 f"price change, cost change or controls); controls: "
                 f"{', '.join(self.controls) or 'none'}; {self.cov_type} standard errors", ""]
        if len(self.no_pass_share):
            lines.append(f"Share of firms not passing cost increases on ({pct}% interval):")
            for (b, d), r in self.no_pass_share.iterrows():
                label = "all firms" if b == "all" else f"{b} = {d}"
                lines.append(f"  {label:32s} {_pct(r['estimate'])} "
                             f"[{_pct(r['ci_lower'])}, {_pct(r['ci_upper'])}]  "
                             f"n={_count(r['n_respondents'])} {r['status']}")
            lines.append("")
        lines.append(f"Pass-through of cost changes to D&S prices ({pct}% interval):")
        for label, r in self.pass_through.iterrows():
            lines.append(f"  {label:32s} {r['estimate']:6.3f} "
                         f"[{r['ci_lower']:6.3f}, {r['ci_upper']:6.3f}]")
        m = self.margin_test
        verdict = ("evidence" if m["p_value"] < 1 - self.level else "no evidence")
        lines += ["", "No disproportionate price increases? H0: mean(price - cost change) <= 0",
                  f"  mean {m['estimate']:+.4f} (SE {m['std_error']:.4f}), "
                  f"t = {m['t_statistic']:.2f}, df = {int(m['df'])}, one-sided p = "
                  f"{m['p_value']:.3g}: {verdict} of price increases beyond cost increases",
                  "", f"Intervals: {self.interval_contents}."]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        share = ("" if not len(self.no_pass_share) else
                 "<h4>Share not passing costs on</h4>" + self.no_pass_share.to_html(
                     float_format=lambda v: f"{v:.3f}"))
        coefs = self.pass_through.to_html(float_format=lambda v: f"{v:.3f}")
        margin = self.margin_test.to_frame("price_minus_cost").to_html(
            float_format=lambda v: f"{v:.4g}")
        return (f"<p><b>Cost pass-through, {self.year}</b> ({self.n} respondents; "
                f"{self.cov_type} standard errors"
                + ("; <b>synthetic data</b>" if self.synthetic else "") + ")</p>"
                + share + "<h4>Pass-through coefficients</h4>" + coefs
                + "<h4>One-sided test: mean(price - cost change) &gt; 0</h4>" + margin)

    def plot(self, ax=None):
        """Binned scatter of price against cost change with the pooled fit.

        Points are survey-weighted means in equal-weight bins of the cost change; the solid line
        has the pooled pass-through slope through the weighted means, the dashed line is full
        pass-through (slope 1).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 5 x 4 inch figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on (unit-cost change on x, price change on y, fractions).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> res = estimate_pass_through(synthetic_survey(seed=0))
        >>> ax = res.plot()
        >>> ax.get_xlabel()
        'unit-cost change'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        b = self.binned
        ax.scatter(b["cost_change"], b["price_change"], s=25, zorder=3, label="binned means")
        x = np.linspace(b["cost_change"].min(), b["cost_change"].max(), 2)
        w = b["weight"]
        xm = np.average(b["cost_change"], weights=w)
        ym = np.average(b["price_change"], weights=w)
        slope = float(self.pass_through.loc["pooled", "estimate"])
        ax.plot(x, ym + slope * (x - xm), label=f"pass-through {slope:.2f}")
        ax.plot(x, ym + (x - xm), ls="--", color="grey", lw=0.8, label="full pass-through")
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel("unit-cost change")
        ax.set_ylabel("D&S price change")
        ax.set_title(f"Cost pass-through {self.year}"
                     + (" (synthetic data)" if self.synthetic else ""))
        ax.legend(frameon=False, fontsize="small")
        return ax


def _count(n) -> str:
    """A respondent count, or '-' when it is suppressed with its cell."""
    return "-" if pd.isna(n) else str(int(n))


def _pct(v: float) -> str:
    return f"{percent(v):>6}"


def _dummies(col: pd.Series, name: str) -> pd.DataFrame:
    """Treatment dummies (first observed level is the reference)."""
    cat = col.astype("category").cat.remove_unused_categories()
    out = pd.get_dummies(cat, prefix=name, prefix_sep="[", drop_first=True, dtype=float)
    out.columns = [f"{c}]" for c in out.columns]
    return out


def _fit(y, X, w, cov_type, level, model):
    from statsmodels.regression.linear_model import WLS

    res = WLS(y, X, weights=w).fit(cov_type=cov_type, use_t=True)
    ci = res.conf_int(alpha=1 - level)
    return pd.DataFrame({"model": model, "term": X.columns, "estimate": res.params.to_numpy(),
                         "std_error": res.bse.to_numpy(), "ci_lower": ci.iloc[:, 0].to_numpy(),
                         "ci_upper": ci.iloc[:, 1].to_numpy(),
                         "p_value": res.pvalues.to_numpy()})


def _binned(cost: np.ndarray, price: np.ndarray, w: np.ndarray, n_bins: int) -> pd.DataFrame:
    n_bins = max(1, min(n_bins, len(cost) // 10))
    order = np.argsort(cost, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    bins = np.minimum((cum - w[order] / w.sum() / 2) * n_bins, n_bins - 1).astype(int)
    frame = pd.DataFrame({"bin": bins, "w": w[order], "wc": (w * cost)[order],
                          "wp": (w * price)[order]})
    g = frame.groupby("bin")
    tot = g[["w", "wc", "wp"]].sum()
    return pd.DataFrame({"cost_change": tot["wc"] / tot["w"],
                         "price_change": tot["wp"] / tot["w"],
                         "n_respondents": g.size(), "weight": tot["w"]})


def _margin_test(design, price_minus_cost: np.ndarray, year: int, level: float,
                 protect: bool, rules) -> pd.Series:
    """Design-based mean of price - cost change and the one-sided t test of mean > 0."""
    from nldtib_forecast.survey import SurveyDesign, survey_mean

    table = design.strata_table()
    fpc = None
    if design.fpc_source != "none":
        fpc = {str(k): float(v) for k, v in table["population_psu"].items()}
    frame = design.data.assign(price_minus_cost=price_minus_cost)
    derived = SurveyDesign(frame, weight=design.weight_column, strata=design.strata_column,
                           psu=design.psu_column, fpc=fpc, validate=False)
    if design.domain is not None:
        derived = derived.subset(design.domain)
    m = survey_mean(derived, "price_minus_cost", year=year, level=level, protect=protect,
                    rules=rules).loc["all"]
    df = int(derived.degrees_of_freedom)
    est, se = float(m["estimate"]), float(m["std_error"])
    if se > 0:
        t, pv = est / se, float(stats.t.sf(est / se, df))
    else:  # a census (or take-all design): the mean is known without sampling error
        t = np.sign(est) * np.inf if est != 0 else np.nan
        pv = 0.0 if est > 0 else 1.0 if np.isfinite(est) else np.nan
    return pd.Series({"estimate": est, "std_error": se,
                      "ci_lower": m["ci_lower"], "ci_upper": m["ci_upper"],
                      "t_statistic": t, "df": df, "p_value": pv,
                      "n_respondents": (pd.NA if pd.isna(m["n_respondents"])
                                        else int(m["n_respondents"]))}, name="price_minus_cost")


def estimate_pass_through(survey, year: int | None = None,
                          controls: tuple[str, ...] | list[str] = DEFAULT_CONTROLS, *,
                          group: str | None = "passes_on_costs", by=None,
                          price: str = "price_change_ds", cost: str = "cost_change_ds",
                          cov_type: str = "HC1", level: float = 0.95, protect: bool = True,
                          rules=None, n_bins: int = 10) -> PassThroughResult:
    """Estimate cost pass-through: the share not passing costs on, the pass-through
    coefficient, and a one-sided test of disproportionate price increases.

    Parameters
    ----------
    survey : pandas.DataFrame or SurveyDesign
        Survey microdata (a frame is validated and wrapped in
        :class:`~nldtib_forecast.survey.SurveyDesign`: strata ``stratum``, PSU ``firm_id``).
        A population frame (weights 1) gives population values with zero design variance.
    year : int, optional
        Survey year. Default: the last year with price and cost changes (and, when the
        survey has the ``group`` column, answers to it).
    controls : sequence of str
        Columns entered as controls (categorical columns as dummies with the first observed
        level as reference, numeric ones linearly). ``()`` for none.
    group : str or None, default ``"passes_on_costs"``
        Column classifying firms by pass-through behaviour (``full``, ``partial``, ``none``).
        When present, (a) the share of ``"none"`` is estimated and (b) an interaction model
        estimates one pass-through coefficient per group. Both are skipped (and the result's
        ``group`` is ``None``) when the default column is absent or has no answer in ``year``;
        ``None`` skips them explicitly.
    by : str or list of str, optional
        Domain column(s) for the share of firms not passing costs on (in addition to the
        overall share), e.g. ``"nld_area"``.
    price, cost : str
        Columns of the price change and the unit-cost change (fractions); default
        ``"price_change_ds"`` and ``"cost_change_ds"``.
    cov_type : {"HC0", "HC1", "HC2", "HC3"}, default "HC1"
        Heteroskedasticity-robust covariance of the regression (statsmodels ``WLS``).
    level : float, default 0.95
        Confidence level of all intervals.
    protect : bool, default True
        Disclosure control of the shares and the margin mean, as
        :func:`~nldtib_forecast.survey.survey_proportion`.
    rules : DisclosureRules, optional
        Disclosure rules (default ``DisclosureRules()``).
    n_bins : int, default 10
        Bins of the binned scatter (at least 10 respondents per bin on average).

    Returns
    -------
    PassThroughResult
        The share of firms not passing costs on, every regression coefficient (pooled and
        by group), the one-sided margin test and the binned means for the plot.

    Raises
    ------
    nldtib_forecast.InputError
        Unknown columns or covariance type, a year without price and cost changes, fewer
        respondents than regression terms, or a design error.

    See Also
    --------
    nldtib_forecast.survey.survey_proportion : The share not passing costs on.
    nldtib_forecast.models.price_volume.decompose_turnover : Price and volume in turnover
        growth, from the same price changes.

    Notes
    -----
    The regression is weighted least squares with the survey weights :math:`w_i`,

    .. math:: \\Delta p_i = \\alpha + \\beta\\,\\Delta c_i + x_i'\\gamma + \\varepsilon_i,

    and, with groups :math:`g`, :math:`\\Delta p_i = \\alpha_g + \\beta_g \\Delta c_i +
    x_i'\\gamma + \\varepsilon_i`. The sandwich covariance with the weights equals the
    linearisation variance of the survey-weighted estimator for a with-replacement,
    unstratified design; it ignores the stratification and the finite population correction
    (usually conservative). Intervals and p-values use the t distribution with the residual
    degrees of freedom. The margin test uses the design degrees of freedom
    ``n_psu - n_strata``.

    References
    ----------
    .. [1] White, H. (1980). A heteroskedasticity-consistent covariance matrix estimator and
       a direct test for heteroskedasticity. *Econometrica*, 48(4), 817-838.
       doi:10.2307/1912934
    .. [2] MacKinnon, J. G. and White, H. (1985). Some heteroskedasticity-consistent
       covariance matrix estimators with improved finite sample properties. *Journal of
       Econometrics*, 29(3), 305-325. doi:10.1016/0304-4076(85)90158-7
    .. [3] Binder, D. A. (1983). On the variances of asymptotically normal estimators from
       complex surveys. *International Statistical Review*, 51(3), 279-292.
       doi:10.2307/1402588
    .. [4] Solon, G., Haider, S. J. and Wooldridge, J. M. (2015). What are we weighting
       for? *Journal of Human Resources*, 50(2), 301-316. doi:10.3368/jhr.50.2.301

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.pass_through import estimate_pass_through
    >>> res = estimate_pass_through(synthetic_survey(seed=0))
    >>> res.year, res.cov_type
    (2025, 'HC1')
    >>> res.pass_through["estimate"].round(2)  # true rates: 1.0, 0.5 and 0.0
    pass_through
    pooled     0.63
    full       0.98
    partial    0.49
    none       0.07
    Name: estimate, dtype: float64
    >>> round(float(res.no_pass_share.loc[("all", "all"), "estimate"]), 2)
    0.14
    >>> bool(res.margin_test["p_value"] > 0.5)  # prices rose less than costs
    True
    """
    from nldtib_forecast.survey import SurveyDesign, survey_proportion

    cov_type = check_option("cov_type", cov_type, COV_TYPES)
    level = check_level(level)
    if isinstance(controls, str):
        controls = (controls,)
    controls = tuple(controls)
    if isinstance(survey, SurveyDesign):
        design = survey
    elif isinstance(survey, pd.DataFrame):
        design = SurveyDesign(survey)
    else:
        raise InputError(f"argument 'survey': expected a SurveyDesign or a pandas DataFrame, "
                         f"got {type(survey).__name__}")
    df = design.data
    if group is not None and group not in df.columns and group == "passes_on_costs":
        group = None
    problems = [Problem(str(c), f"column named by argument '{arg}' is not in the survey data")
                for arg, cols in (("price", [price]), ("cost", [cost]), ("controls", controls),
                                  ("group", [] if group is None else [group]))
                for c in cols if c not in df.columns]
    if "year" not in df.columns:
        problems.append(Problem("year", "the survey data need a 'year' column"))
    if problems:
        raise InputError("estimate_pass_through: column(s) not found", problems)
    p = pd.to_numeric(df[price], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    c = pd.to_numeric(df[cost], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    has = np.isfinite(p) & np.isfinite(c)
    if group is not None:
        has_group = has & df[group].notna().to_numpy(dtype=bool)
    years_ok = sorted(set(df.loc[has_group if group is not None else has, "year"].tolist()))
    if year is None:
        if not years_ok:
            raise InputError(f"no survey year has both '{price}' and '{cost}'"
                             + (f" and '{group}'" if group is not None else ""))
        year = int(years_ok[-1])
    elif check_year(year) not in set(df.loc[has, "year"].tolist()):
        raise InputError(f"argument 'year': {year!r} has no respondent with '{price}' and "
                         f"'{cost}'; years with both: {sorted(set(df.loc[has, 'year']))}")
    year = int(year)
    in_year = (df["year"] == year).to_numpy(dtype=bool)
    if design.domain is not None:
        in_year = in_year & design.domain.to_numpy(dtype=bool)
    if group is not None and not (in_year & has_group).any():
        group = None  # the pass-through question was not asked (answered) in this year

    # 1. share of firms not passing cost increases on, overall and by domain
    no_pass = _share_not_passing(design, df, group, by, year, level, protect, rules,
                                 survey_proportion)

    # 2. regression: pooled and (with groups) by group
    X_ctrl = _controls_matrix(df, controls)
    ok = in_year & has & X_ctrl.notna().all(axis=1).to_numpy(dtype=bool)
    n_excluded = int(in_year.sum() - ok.sum())
    rows = df.index[ok]
    w = design.weights.to_numpy(float)[ok]
    X = X_ctrl.loc[rows]
    X = X.loc[:, X.std(ddof=0) > 0]
    y = pd.Series(p[ok], index=rows, name=price)
    pooled = pd.concat([pd.Series(1.0, index=rows, name="const"),
                        pd.Series(c[ok], index=rows, name=cost), X], axis=1)
    if ok.sum() <= pooled.shape[1]:
        raise InputError(f"estimate_pass_through: {int(ok.sum())} respondents in {year} for "
                         f"{pooled.shape[1]} regression terms")
    coefs = [_fit(y, pooled, w, cov_type, level, "pooled")]
    if group is not None:
        g_ok = df.loc[rows, group].notna().to_numpy(dtype=bool)
        gr = rows[g_ok]
        labels = df.loc[gr, group].astype("category").cat.remove_unused_categories()
        D = pd.get_dummies(labels, dtype=float)
        slopes = D.mul(c[ok][g_ok], axis=0)
        slopes.columns = [f"{cost}:{group}[{k}]" for k in D.columns]
        inter = _dummies(labels, group)
        Xg = pd.concat([pd.Series(1.0, index=gr, name="const"), inter, slopes, X.loc[gr]],
                       axis=1)
        coefs.append(_fit(y.loc[gr], Xg, w[g_ok], cov_type, level, "by_group"))
    coefficients = pd.concat(coefs, ignore_index=True)[_COEF_COLUMNS]

    # 3. one-sided test of mean(price - cost) > 0, design based
    margin = _margin_test(design, p - c, year, level, protect, rules)
    return PassThroughResult(
        no_pass_share=no_pass, coefficients=coefficients, margin_test=margin,
        binned=_binned(c[ok], p[ok], w, n_bins), year=year, n=int(ok.sum()),
        controls=controls, group=group, cov_type=cov_type, level=float(level),
        synthetic=bool(df.attrs.get("synthetic", False)), price=price, cost=cost,
        n_excluded=n_excluded)


def _controls_matrix(df: pd.DataFrame, controls: tuple[str, ...]) -> pd.DataFrame:
    parts = []
    for name in controls:
        col = df[name]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(
                col.dtype):
            parts.append(col.astype(float).rename(name).to_frame())
            continue
        d = _dummies(col, name)
        d[col.isna().to_numpy()] = np.nan  # a missing control excludes the respondent
        parts.append(d)
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=df.index)


def _share_not_passing(design, df, group, by, year, level, protect, rules, survey_proportion):
    columns = ["estimate", "std_error", "ci_lower", "ci_upper", "n_respondents", "n_missing",
               "status", "rule"]
    empty = pd.DataFrame(columns=columns, index=pd.MultiIndex.from_tuples([], names=["by",
                                                                                   "domain"]))
    if group is None:
        return empty
    answer = df[group]
    cond = (answer.astype(object) == _NONE).astype("boolean").where(answer.notna())
    cond.name = f"{group} == '{_NONE}'"
    parts = {"all": survey_proportion(design, cond, year=year, level=level, protect=protect,
                                      rules=rules)}
    if by is not None:
        dom = survey_proportion(design, cond, by=by, year=year, level=level, protect=protect,
                                rules=rules)
        dom.index = [" | ".join(map(str, k)) if isinstance(k, tuple) else str(k)
                     for k in dom.index]
        parts[by if isinstance(by, str) else " x ".join(by)] = dom
    out = pd.concat(parts, names=["by", "domain"])
    return out[columns]


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
