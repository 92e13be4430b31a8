"""Design-based estimators of totals, means, ratios and proportions, by domain, with standard
errors, confidence intervals and disclosure status.

Every estimator takes a :class:`~nldtib_forecast.survey.SurveyDesign` (or a survey frame, from
which the default design is built), one reference ``year`` (default: the last year in the
data) and optional domains ``by``, and returns a DataFrame with one row per domain and the
columns ``estimate, std_error, ci_lower, ci_upper, n_respondents, n_missing, status, rule``.

Estimators (:cite:p:`sarndal1992`)

* total: Horvitz-Thompson ``Y = sum_s w_i y_i``; without a value, the number of firms;
* mean: Hajek ``sum w y / sum w``; proportion: the mean of a 0/1 indicator;
* ratio: ``R = sum w y / sum w x`` (e.g. the D&S share of turnover).

Variance

* ``"linearization"``: the stratified variance with fpc of the total of the (Taylor)
  linearised variable ``z_i = (y_i - R x_i) / X`` (``z_i = y_i`` for totals);
* ``"bootstrap"``: Rao-Wu rescaling bootstrap replicates
  (:meth:`~nldtib_forecast.survey.SurveyDesign.replicate_weights`); the variance is the mean
  squared deviation of the replicate estimates from the full-sample estimate.

Intervals are ``estimate +/- t_{df} se`` with the design degrees of freedom ``df = n_psu -
n_strata`` (as R's ``degf``); for proportions the interval is computed on the logit scale and
transformed back (as R's ``svyciprop(method="logit")``), so it stays within [0, 1]. The same
interval forms are used with bootstrap standard errors (not percentile intervals).
"""

from __future__ import annotations

from difflib import get_close_matches
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit, logit

from nldtib_forecast._errors import InputError, Problem, check_level, check_option
from nldtib_forecast.survey._design import SurveyDesign

if TYPE_CHECKING:  # pragma: no cover - _disclosure is imported where it is used
    from nldtib_forecast.survey._disclosure import DisclosureRules

__all__ = ["survey_total", "survey_mean", "survey_ratio", "survey_proportion"]

_VARIANCE = ("linearization", "bootstrap")
_COLUMNS = ["estimate", "std_error", "ci_lower", "ci_upper", "n_respondents", "n_missing",
            "status", "rule"]


# -- input handling ---------------------------------------------------------------------------
def _as_design(survey: SurveyDesign | pd.DataFrame) -> SurveyDesign:
    if isinstance(survey, SurveyDesign):
        return survey
    if isinstance(survey, pd.DataFrame):
        return SurveyDesign(survey)
    raise InputError(f"argument 'survey': expected a SurveyDesign or a pandas DataFrame, got "
                     f"{type(survey).__name__}")


def _unknown(frame: pd.DataFrame, name: object, argument: str) -> Problem:
    cands = [c for c in frame.columns if isinstance(c, str)]
    close = get_close_matches(str(name), cands, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Problem(str(name), f"column named by argument '{argument}' is not in the survey "
                              f"data{hint}")


def _column(frame: pd.DataFrame, name: object, argument: str) -> pd.Series:
    if not isinstance(name, str) or name not in frame.columns:
        raise InputError(f"argument '{argument}': unknown column",
                         [_unknown(frame, name, argument)])
    return frame[name]


def _check_level(level: float) -> float:
    return check_level(level)


@lru_cache(maxsize=64)
def _t_quantile(level: float, df: int) -> float:
    """The ``t_{df}`` quantile of a two-sided ``level`` interval (normal for ``df < 1``).
    Cached: scipy's ``ppf`` costs more than a whole estimate without disclosure control, and
    the same few (level, df) pairs recur (``level`` is a float from :func:`check_level`,
    ``df`` an int)."""
    return float(stats.t.ppf(0.5 + level / 2, df) if df >= 1
                 else stats.norm.ppf(0.5 + level / 2))


def _year_mask(design: SurveyDesign, year: object) -> tuple[int | None, np.ndarray]:
    from nldtib_forecast._errors import check_year

    year = check_year(year, "year", optional=True)  # the package's one rule for years
    frame = design._columns()
    if "year" not in frame.columns:
        if year is not None:
            raise InputError("argument 'year': the survey data have no 'year' column")
        return None, np.ones(len(frame), dtype=bool)
    column = frame["year"]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":  # no missing year
        years_int = column.to_numpy()
        available = [int(y) for y in np.unique(years_int)]
        if year is None and available:
            year = available[-1]
        if year in available:
            return year, years_int == year
    years = pd.to_numeric(column, errors="coerce")
    available = sorted(int(y) for y in pd.unique(years.dropna()))
    if not available:
        raise InputError("column 'year' holds no year")
    if year is None:
        year = available[-1]
    if year not in available:
        raise InputError(f"argument 'year': {year!r} is not a reference year of the survey "
                         f"data; available: {available}")
    return year, (years == year).to_numpy(dtype=bool, na_value=False)


def _numeric(frame: pd.DataFrame, name: str, argument: str) -> np.ndarray:
    s = _column(frame, name, argument)
    if isinstance(s.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
        raise InputError(f"argument '{argument}': column '{name}' must be numeric, it has "
                         f"dtype '{s.dtype}'")
    if isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":  # NaN already marks a gap
        values = s.to_numpy(dtype=float, copy=True)
    else:
        values = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        bad = frame.index[np.isinf(values)]
        raise InputError(f"argument '{argument}': non-finite values",
                         [Problem(name, "values must be finite (NaN = item non-response)",
                                  tuple(bad[:5].tolist()), len(bad))])
    return values


def _indicator(frame: pd.DataFrame, condition: object) -> tuple[np.ndarray, str]:
    """A 0/1 float array (NaN = missing) from a boolean column name or boolean Series."""
    s: pd.Series
    if isinstance(condition, pd.Series):
        label = str(condition.name) if condition.name is not None else "condition"
        if not condition.index.equals(frame.index):
            if condition.index.has_duplicates or not frame.index.isin(condition.index).all():
                raise InputError("argument 'condition': the Series' index does not match the "
                                 "survey data's index")
            condition = condition.reindex(frame.index)
        s = condition
    else:
        s, label = _column(frame, condition, "condition"), str(condition)
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    try:
        values = s.astype("boolean").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        values = None
    if values is None or (pd.api.types.is_numeric_dtype(s.dtype)
                          and not np.isin(s.dropna().to_numpy(), [0, 1]).all()):
        raise InputError(f"argument 'condition': column '{label}' must be boolean (True/False "
                         f"or 1/0, NaN for item non-response), it has dtype '{s.dtype}'")
    return values, label


def _domains(design: SurveyDesign, by: object, year: int | None, scope: np.ndarray):
    """Domain code of every row (-1 outside any domain), the domain labels and the keys."""
    frame = design._columns()
    n = len(frame)
    if by is None:
        codes = np.where(scope, 0, -1)
        return codes, pd.Index(["all"]), None
    names = [by] if isinstance(by, str) else list(by) if isinstance(by, (list, tuple)) else None
    if not names or not all(isinstance(b, str) for b in names) or len(set(names)) != len(names):
        raise InputError(f"argument 'by': expected None, a column name or a list of distinct "
                         f"column names, got {by!r}")
    cols, problems = {}, []
    for name in names:
        if name in frame.columns:
            cols[name] = frame[name]
        elif name == "entrant" and "entry_year" in frame.columns and year is not None:
            entry = pd.to_numeric(frame["entry_year"], errors="coerce")
            cols[name] = (entry >= year - 1).astype("boolean").where(entry.notna())
        else:
            problems.append(_unknown(frame, name, "by"))
    if problems:
        raise InputError("argument 'by': unknown column(s) ('entrant' is computed from "
                         "'entry_year' when the data have no such column)", problems)
    keys = pd.DataFrame(cols, index=frame.index)[scope]
    grouped = keys.groupby(names, observed=True, sort=True, dropna=True)
    ng = grouped.ngroup().to_numpy(dtype=float, na_value=np.nan)
    sizes = grouped.size()
    if len(sizes) == 0:
        where = f" in year {year}" if year is not None else ""
        raise InputError(f"argument 'by': empty domains: no row has a value of {names}{where}")
    codes = np.full(n, -1, dtype=np.int64)
    codes[np.flatnonzero(scope)] = np.where(np.isnan(ng), -1, np.nan_to_num(ng, nan=-1))
    return codes, sizes.index, keys


# -- the estimation core ------------------------------------------------------------------------
def _estimate(design: SurveyDesign, statistic: str, y: np.ndarray, x: np.ndarray | None,
              by: object, year: object, level: float, variance: str, n_replicates: int,
              seed: object, rules: DisclosureRules | None, protect: bool, contrib: np.ndarray,
              magnitude: bool, labels: dict) -> pd.DataFrame:
    variance = check_option("variance", variance, _VARIANCE)
    level = _check_level(level)
    year_used, in_year = _year_mask(design, year)
    scope = in_year if design._domain is None else in_year & design._domain
    codes, index, keys = _domains(design, by, year_used, scope)
    n, G = len(codes), len(index)
    D = np.zeros((n, G), dtype=bool)
    inside = codes >= 0
    D[np.flatnonzero(inside), codes[inside]] = True
    valid = ~np.isnan(y) if x is None else ~np.isnan(y) & ~np.isnan(x)
    M = D & valid[:, None]
    Y = np.where(M, np.nan_to_num(y)[:, None], 0.0)
    X = None if x is None else np.where(M, np.nan_to_num(x)[:, None], 0.0)
    n_resp = M.sum(axis=0)
    if not n_resp.any():
        raise InputError(f"no respondent with a value of {labels} in the domain(s)"
                         + (f" in year {year_used}" if year_used is not None else ""))
    w = design._w
    ty = w @ Y
    with np.errstate(divide="ignore", invalid="ignore"):
        tx = None if X is None else w @ X
        est = ty if X is None else np.where(tx != 0, ty / tx, np.nan)
        if variance == "linearization":
            U = Y if X is None or tx is None else ((Y - np.nan_to_num(est) * X)
                                                   / np.where(tx != 0, tx, 1.0))
            var = design._total_variance(U)
        else:
            R = design._replicate_matrix(n_replicates, seed)
            rep = R.T @ Y
            if X is not None:
                rep = rep / (R.T @ X)
            ok = np.isfinite(rep)  # a replicate may leave no weight in a small domain
            sq = np.where(ok, rep - est, 0.0) ** 2
            var = sq.sum(axis=0) / np.where(ok.any(axis=0), ok.sum(axis=0), np.nan)
    est = np.where(n_resp > 0, est, np.nan)
    var = np.where(np.isfinite(est), var, np.nan)
    se = np.sqrt(np.maximum(var, 0.0))
    df = design.degrees_of_freedom
    q = _t_quantile(level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "proportion":
            inner = (est > 0) & (est < 1) & (se > 0)
            p = np.clip(est, 1e-300, 1 - 1e-16)
            half = q * se / (p * (1 - p))
            lo = np.where(inner, expit(logit(p) - half), np.where(np.isnan(se), np.nan, est))
            hi = np.where(inner, expit(logit(p) + half), np.where(np.isnan(se), np.nan, est))
        else:
            lo, hi = est - q * se, est + q * se
    # the columns are assembled as arrays and the frame is built once: setting cells of a
    # DataFrame (.loc) costs more than computing the estimates
    n_respondents: np.ndarray | pd.api.extensions.ExtensionArray = n_resp.astype(np.int64)
    protected = False
    if protect:
        status, rule = _disclosure_status(design, codes, valid, keys, index, contrib, rules,
                                          magnitude)
        protected = rules is None or bool(getattr(rules, "enabled", True))
        if protected and keys is not None and len(index) > 1:
            p_status, p_rule = _table_pattern(design, codes, valid, keys, index, y, x,
                                              statistic, year_used, rules)
            more = (p_status != "publish") & (status == "publish")
            status[more] = p_status[more]
            rule[more] = p_rule[more]
        if protected:
            # a figure that is not a finite number is never published
            bad = (status == "publish") & ~(np.isfinite(est) & np.isfinite(se))
            status[bad] = "not_available"
            rule[bad] = "not a finite number"
        hide = np.isin(status, ["primary", "secondary", "not_available"])
        est, se, lo, hi = (np.where(hide, np.nan, a) for a in (est, se, lo, hi))
        # the number of respondents of a suppressed cell is itself a figure about it
        n_respondents = pd.arrays.IntegerArray(
            n_respondents, hide & np.isin(status, ["primary", "secondary"]))
    else:
        status = np.full(len(index), "unprotected", dtype=object)
        rule = np.full(len(index), "", dtype=object)
    out = pd.DataFrame(
        {"estimate": est, "std_error": se, "ci_lower": lo, "ci_upper": hi,
         "n_respondents": n_respondents,
         "n_missing": (D & ~valid[:, None]).sum(axis=0).astype(np.int64),
         # numpy str arrays: pandas stores them as Series.astype(str) would (its string
         # dtype; object before pandas 3)
         "status": status.astype(str), "rule": rule.astype(str)},
        index=index,
    )
    out.attrs.update(
        statistic=statistic, **labels, by=by, year=year_used,
        variance_method=variance, level=level, df=int(df),
        ci_method=("logit-transformed t interval" if statistic == "proportion"
                   else "t interval") + f" with df = n_psu - n_strata = {df}",
        n_replicates=int(n_replicates) if variance == "bootstrap" else None,
        seed=seed if variance == "bootstrap" and not isinstance(seed, np.random.Generator)
        else None,
        n_unclassified=int((scope & ~inside).sum()),
        synthetic=design._frame.attrs.get("synthetic"), protected=protected,
        domain=design._domain is not None, fpc=design.fpc_source,
    )
    return out


def _table_pattern(design: SurveyDesign, codes: np.ndarray, valid: np.ndarray,
                   keys: pd.DataFrame, index: pd.Index, y: np.ndarray,
                   x: np.ndarray | None, statistic: str, year: int | None,
                   rules: DisclosureRules | None) -> tuple[np.ndarray, np.ndarray]:
    """Status and rule of every domain (object arrays in the order of ``index``) as
    :func:`~nldtib_forecast.survey.tabulate` protects the same cells, margins included, so
    that this call, the call without ``by`` and the tables of :func:`tabulate` never reveal a
    suppressed cell together.

    The additive tables behind each statistic: a total, its table; a count, the count
    table; a mean, the total of its variable (mean x published count = total); a ratio,
    the totals of numerator and denominator; a proportion, the counts of the firms with and
    without the property. A domain is suppressed when any of these tables suppresses it.
    Two ``by`` variables: the two-way table with the one-way tables as fixed margins; more:
    the cells as one variable with the overall margin.
    """
    from nldtib_forecast.survey._disclosure import tabulate

    frame = design._columns()
    rows = np.flatnonzero(codes >= 0)
    names = list(keys.columns)
    if len(names) <= 2:
        labels = {f"_by{i}": keys[n].reindex(frame.index[rows]).astype(object).to_numpy()
                  for i, n in enumerate(names)}
    else:
        combined = keys.reindex(frame.index[rows]).astype(str).agg(" x ".join, axis=1)
        labels = {"_by0": combined.to_numpy(dtype=object)}
    by_cols = list(labels)
    firm = (frame[design.psu_column].astype(str).to_numpy()[rows] if design.psu_column
            else np.arange(len(frame))[rows].astype(str))
    base = pd.DataFrame({"firm_id": firm, "year": 0 if year is None else int(year),
                         "weight": design._w[rows], **labels})
    v = valid[rows]
    tables: list[tuple[pd.DataFrame, str | None, str]] = []  # (table, value column, stat)
    if statistic == "count":
        tables.append((base, None, "count"))
    elif statistic in ("total", "mean"):
        tables.append((base.assign(_y=y[rows]).loc[v], "_y", "total"))
    elif statistic == "ratio":
        assert x is not None, "a ratio has a denominator"
        tables.append((base.assign(_y=y[rows]).loc[v], "_y", "total"))
        tables.append((base.assign(_y=x[rows]).loc[v], "_y", "total"))
    else:  # proportion
        yes = y[rows] > 0.5
        tables.append((base.assign(_y=yes).loc[v], "_y", "total"))
        tables.append((base.assign(_y=~yes).loc[v], "_y", "total"))
    status = np.full(len(index), "publish", dtype=object)
    rule = np.full(len(index), "", dtype=object)
    lookup = {(k if isinstance(k, tuple) else (k,)): i for i, k in enumerate(index)}
    if len(names) > 2:
        lookup = {(" x ".join(str(v) for v in k),): i for k, i in lookup.items()}
    for tab, value, stat in tables:
        if len(tab) == 0:
            continue
        t = tabulate(tab, by_cols if len(by_cols) > 1 else by_cols[0], value, stat=stat,
                     rules=rules)
        for key, st, rl in zip(t.index, t["status"], t["rule"], strict=True):
            k = key if isinstance(key, tuple) else (key,)
            i = lookup.get(k)
            if i is None or st not in ("primary", "secondary"):
                continue
            if status[i] != "primary":
                status[i], rule[i] = st, rl
    return status, rule


def _disclosure_status(design: SurveyDesign, codes: np.ndarray, valid: np.ndarray,
                       keys: pd.DataFrame | None, index: pd.Index, contrib: np.ndarray,
                       rules: DisclosureRules | None, magnitude: bool
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Primary disclosure status and rule of each domain (``cell_status`` of the colleague
    module), as object arrays in the order of ``index`` (the rule ``""`` when none fired)."""
    from nldtib_forecast.survey._disclosure import cell_status

    frame = design._columns()
    rows = (codes >= 0) & valid
    idx = frame.index[rows]
    contributions = pd.Series(np.nan_to_num(contrib[rows]), index=idx, name="contribution")
    if keys is None:
        cells = pd.Series("all", index=idx, name="domain")
    else:
        cells = keys.loc[idx]
        if cells.shape[1] == 1:
            cells = cells.iloc[:, 0]
    firm = None if design.psu_column is None else frame.loc[idx, design.psu_column]
    table = cell_status(contributions, cells, rules=rules, firm=firm, magnitude=magnitude)
    aligned = table.reindex(index)
    if len(index) and aligned["status"].isna().all():  # labels typed differently
        by_str = table.set_axis([str(k) for k in table.index])
        aligned = by_str.reindex([str(k) for k in index]).set_axis(index)
    status = aligned["status"].to_numpy(dtype=object, copy=True)
    rule = aligned["rule"].to_numpy(dtype=object, copy=True)
    absent = pd.isna(status)  # a domain without respondents to the item
    status[absent] = "primary"
    rule[absent] = "no respondents"
    rule[pd.isna(rule)] = ""
    return status, rule


# -- public estimators ------------------------------------------------------------------------
def survey_total(survey: SurveyDesign | pd.DataFrame, value: str | None = None, by=None,
                 year: int | None = None, level: float = 0.95,
                 variance: str = "linearization", n_replicates: int = 500,
                 seed: int | np.random.Generator | None = 0, rules=None,
                 protect: bool = True) -> pd.DataFrame:
    """Horvitz-Thompson estimate of a population total, overall or by domain.

    Parameters
    ----------
    survey : SurveyDesign or pandas.DataFrame
        The design; a frame is turned into ``SurveyDesign(survey)`` (schema validation,
        strata ``stratum``, PSU ``firm_id``, fpc ``"auto"``).
    value : str, optional
        Numeric column to total (e.g. ``"turnover_ds_eur"``). ``None``: the number of firms
        (the weighted count). Missing values (item non-response) are left out and counted in
        ``n_missing``: the estimate is then the total over the item respondents.
    by : str or list of str, optional
        Domain column(s) (``nld_area``, ``domain``, ``size_class``, ``chain_position``, any
        column). ``"entrant"`` (unless the data have such a column) is ``entry_year >= year -
        1``: firms that entered in the reference year or the year before. Rows with a missing
        label are left out (counted in ``attrs["n_unclassified"]``). No overall row is added.
    year : int, optional
        Reference year; default the last year in the data. Ignored (must be None) when the
        data have no ``year`` column.
    level : float, default 0.95
        Confidence level of the interval.
    variance : {"linearization", "bootstrap"}
        Variance method (see the module documentation).
    n_replicates : int, default 500
        Bootstrap replicates (``variance="bootstrap"``).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the bootstrap replicates (``variance="bootstrap"``); the same seed gives the
        same result (``None``: fresh entropy, different standard errors on every call).
    rules : DisclosureRules, optional
        Disclosure rules (default ``DisclosureRules()``: at least 10 firms, (2, 85%)
        dominance). ``DisclosureRules.off()`` disables them explicitly.
    protect : bool, default True
        Apply primary disclosure control: cells failing a rule get status ``"primary"`` and
        NaN estimate, standard error and interval. ``False``: nothing is suppressed and the
        status is ``"unprotected"`` (for internal use only). Secondary suppression (of an
        overall row or of complementary cells) is done by :func:`tabulate`.

    Returns
    -------
    pandas.DataFrame
        One row per domain, indexed by the domain's label (a MultiIndex for several ``by``
        columns; the single row ``"all"`` without ``by``), with the columns

        - ``estimate``: the total, in the unit of ``value`` (e.g. EUR), or the number of
          firms;
        - ``std_error``, ``ci_lower``, ``ci_upper``: its standard error and the ``level``
          confidence interval;
        - ``n_respondents`` (nullable int: missing for a suppressed cell), ``n_missing``
          (item non-respondents in the domain);
        - ``status``: ``"publish"``, ``"primary"``, ``"secondary"``, ``"not_available"`` (a
          figure that is not a finite number) or ``"unprotected"`` (``protect=False``); the
          figures of a suppressed cell are NaN;
        - ``rule``: the disclosure rule a suppressed cell fails (``""`` otherwise).

        ``attrs`` records ``statistic``, ``variance_method``, ``level``, ``year``, ``df``,
        ``ci_method``, ``synthetic`` (copied from the data), ``protected`` and the settings.

    Raises
    ------
    nldtib_forecast.InputError
        Unknown columns (named, with a suggestion), a non-numeric value, an unknown variance
        method, a year not in the data, empty domains, or a design error (invalid weights,
        data failing schema validation, a single PSU in a stratum).

    See Also
    --------
    survey_mean : The mean per firm (Hajek estimator), with the same arguments.
    survey_ratio : The ratio of two totals, e.g. the D&S share of turnover.
    survey_proportion : The share of firms with a property.
    SurveyDesign : Strata, finite population correction and bootstrap replicates.
    tabulate : Tables with primary and secondary suppression, margins included.

    Notes
    -----
    The disclosure status uses the unweighted contributions of ``value`` by domain (the
    frequency rule only for counts).

    References
    ----------
    .. [1] Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey
       Sampling*. Springer. doi:10.1007/978-1-4612-4378-6
    .. [2] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import survey_total
    >>> df = synthetic_survey(seed=0)
    >>> t = survey_total(df, "turnover_ds_eur", protect=False)
    >>> (t.loc["all", ["estimate", "std_error"]] / 1e9).round(2).tolist()
    [9.86, 0.69]
    >>> t.attrs["year"], t.attrs["synthetic"]
    (2025, True)
    >>> survey_total(df, by="size_class", protect=False)["estimate"].round().tolist()
    [666.0, 449.0, 189.0, 95.0, 75.0, 39.0]
    """
    design = _as_design(survey)
    frame = design._columns()
    labels: dict[str, str | None]
    if value is None:
        y = np.ones(len(frame))
        statistic, labels = "count", {"value": None}
    else:
        y = _numeric(frame, value, "value")
        statistic, labels = "total", {"value": value}
    return _estimate(design, statistic, y, None, by, year, level, variance, n_replicates,
                     seed, rules, protect, contrib=y, magnitude=value is not None,
                     labels=labels)


def survey_mean(survey: SurveyDesign | pd.DataFrame, value: str, by=None,
                year: int | None = None, level: float = 0.95,
                variance: str = "linearization", n_replicates: int = 500,
                seed: int | np.random.Generator | None = 0, rules=None,
                protect: bool = True) -> pd.DataFrame:
    """Hajek estimate of a population mean per firm, overall or by domain.

    The mean is the ratio of the estimated total of ``value`` to the estimated number of
    firms (with a value); its variance is linearised (``z_i = (y_i - mean) / N``) or from the
    bootstrap.

    Parameters
    ----------
    survey : SurveyDesign or pandas.DataFrame
        The design; a frame is turned into ``SurveyDesign(survey)`` (schema validation,
        strata ``stratum``, PSU ``firm_id``, fpc ``"auto"``).
    value : str
        Numeric column to average (e.g. ``"expected_growth_ds"``, a fraction). Firms with a
        missing value (item non-response) are left out of numerator and denominator and
        counted in ``n_missing``.
    by : str or list of str, optional
        Domain column(s), as in :func:`survey_total` (``"entrant"`` is computed from
        ``entry_year`` when the data have no such column). Rows with a missing label are left
        out (counted in ``attrs["n_unclassified"]``).
    year : int, optional
        Reference year; default the last year in the data. Must be None when the data have
        no ``year`` column.
    level : float, default 0.95
        Confidence level of the interval (a fraction: 0.95, not 95).
    variance : {"linearization", "bootstrap"}, default "linearization"
        Variance method: Taylor linearisation with the stratified variance and fpc, or the
        Rao-Wu rescaling bootstrap.
    n_replicates : int, default 500
        Bootstrap replicates (``variance="bootstrap"``).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the bootstrap replicates (``variance="bootstrap"``); the same seed gives the
        same result (``None``: fresh entropy, different standard errors on every call).
    rules : DisclosureRules, optional
        Disclosure rules (default ``DisclosureRules()``: at least 10 firms, (2, 85%)
        dominance). ``DisclosureRules.off()`` disables them explicitly.
    protect : bool, default True
        Apply primary disclosure control (cells failing a rule get status ``"primary"`` and
        NaN figures). ``False``: nothing is suppressed and the status is ``"unprotected"``
        (for internal use only).

    Returns
    -------
    pandas.DataFrame
        One row per domain (the single row ``"all"`` without ``by``) with the columns
        ``estimate`` (the mean per firm, in the unit of ``value``), ``std_error``,
        ``ci_lower``, ``ci_upper``, ``n_respondents``, ``n_missing``, ``status`` and
        ``rule``, as :func:`survey_total` describes. ``attrs`` records ``statistic``
        (``"mean"``), ``value``, ``variance_method``, ``level``, ``year``, ``df``,
        ``ci_method``, ``synthetic`` and ``protected``.

    Raises
    ------
    nldtib_forecast.InputError
        An unknown or non-numeric ``value`` column, an unknown variance method, a level
        outside (0, 1), a year not in the data, empty domains, or a design error (as
        :func:`survey_total`).

    See Also
    --------
    survey_total : The total, and the description of the returned columns.
    survey_ratio : A ratio of two totals (the mean is the ratio to the number of firms).
    survey_proportion : The mean of a 0/1 indicator.
    tabulate : Tables of means with disclosure control, margins included.

    Notes
    -----
    Disclosure control uses the unweighted contributions of ``value``: a published mean
    times the published count would otherwise reveal the total.

    References
    ----------
    .. [1] Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey
       Sampling*. Springer, sections 5.6-5.7 (ratio and mean estimators) and 5.5
       (linearisation). doi:10.1007/978-1-4612-4378-6
    .. [2] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import survey_mean
    >>> m = survey_mean(synthetic_survey(seed=0), "expected_growth_ds", protect=False)
    >>> m.loc["all", ["estimate", "std_error"]].round(4).tolist()
    [0.0763, 0.0045]
    """
    design = _as_design(survey)
    y = _numeric(design._columns(), value, "value")
    return _estimate(design, "mean", y, np.ones(len(y)), by, year, level, variance,
                     n_replicates, seed, rules, protect, contrib=y, magnitude=True,
                     labels={"value": value})


def survey_ratio(survey: SurveyDesign | pd.DataFrame, numerator: str, denominator: str,
                 by=None, year: int | None = None, level: float = 0.95,
                 variance: str = "linearization", n_replicates: int = 500,
                 seed: int | np.random.Generator | None = 0, rules=None,
                 protect: bool = True) -> pd.DataFrame:
    """Ratio of two population totals, e.g. the D&S share of turnover, overall or by domain.

    ``R = sum w y / sum w x`` over the firms with both values. The linearisation variance uses
    ``z_i = (y_i - R x_i) / X``; ``variance="bootstrap"`` recomputes the ratio on every
    replicate. Disclosure control uses the numerator's contributions.

    Parameters
    ----------
    survey : SurveyDesign or pandas.DataFrame
        The design; a frame is turned into ``SurveyDesign(survey)`` (schema validation,
        strata ``stratum``, PSU ``firm_id``, fpc ``"auto"``).
    numerator : str
        Numeric column of the numerator ``y`` (e.g. ``"turnover_ds_eur"``, EUR).
    denominator : str
        Numeric column of the denominator ``x`` (e.g. ``"turnover_total_eur"``, EUR). Firms
        missing either value are left out of both totals and counted in ``n_missing``.
    by : str or list of str, optional
        Domain column(s), as in :func:`survey_total` (``"entrant"`` is computed from
        ``entry_year`` when the data have no such column). Rows with a missing label are left
        out (counted in ``attrs["n_unclassified"]``).
    year : int, optional
        Reference year; default the last year in the data. Must be None when the data have
        no ``year`` column.
    level : float, default 0.95
        Confidence level of the interval (a fraction: 0.95, not 95).
    variance : {"linearization", "bootstrap"}, default "linearization"
        Variance method: Taylor linearisation with the stratified variance and fpc, or the
        Rao-Wu rescaling bootstrap.
    n_replicates : int, default 500
        Bootstrap replicates (``variance="bootstrap"``).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the bootstrap replicates (``variance="bootstrap"``); the same seed gives the
        same result (``None``: fresh entropy, different standard errors on every call).
    rules : DisclosureRules, optional
        Disclosure rules (default ``DisclosureRules()``: at least 10 firms, (2, 85%)
        dominance). ``DisclosureRules.off()`` disables them explicitly.
    protect : bool, default True
        Apply primary disclosure control (cells failing a rule get status ``"primary"`` and
        NaN figures). ``False``: nothing is suppressed and the status is ``"unprotected"``
        (for internal use only).

    Returns
    -------
    pandas.DataFrame
        One row per domain (the single row ``"all"`` without ``by``) with the columns
        ``estimate`` (the ratio: a fraction when both columns are in EUR), ``std_error``,
        ``ci_lower``, ``ci_upper``, ``n_respondents``, ``n_missing``, ``status`` and
        ``rule``, as :func:`survey_total` describes. ``attrs`` records ``statistic``
        (``"ratio"``), ``numerator``, ``denominator``, ``variance_method``, ``level``,
        ``year``, ``df``, ``ci_method``, ``synthetic`` and ``protected``.

    Raises
    ------
    nldtib_forecast.InputError
        An unknown or non-numeric ``numerator`` or ``denominator`` column, an unknown
        variance method, a level outside (0, 1), a year not in the data, empty domains, or a
        design error (as :func:`survey_total`).

    See Also
    --------
    survey_total : The totals of numerator and denominator, and the returned columns.
    survey_mean : The ratio of a total to the number of firms.
    survey_proportion : The share of firms with a property.

    References
    ----------
    .. [1] Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey
       Sampling*. Springer, sections 5.6-5.7 (ratio and mean estimators) and 5.5
       (linearisation). doi:10.1007/978-1-4612-4378-6
    .. [2] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import survey_ratio
    >>> r = survey_ratio(synthetic_survey(seed=0), "turnover_ds_eur", "turnover_total_eur",
    ...                  protect=False)
    >>> r.loc["all", ["estimate", "std_error", "ci_lower", "ci_upper"]].round(4).tolist()
    [0.1044, 0.0069, 0.0908, 0.118]
    """
    design = _as_design(survey)
    y = _numeric(design._columns(), numerator, "numerator")
    x = _numeric(design._columns(), denominator, "denominator")
    return _estimate(design, "ratio", y, x, by, year, level, variance, n_replicates, seed,
                     rules, protect, contrib=y, magnitude=True,
                     labels={"numerator": numerator, "denominator": denominator})


def survey_proportion(survey: SurveyDesign | pd.DataFrame, condition, by=None,
                      year: int | None = None, level: float = 0.95,
                      variance: str = "linearization", n_replicates: int = 500,
                      seed: int | np.random.Generator | None = 0, rules=None,
                      protect: bool = True) -> pd.DataFrame:
    """Share of firms with a property, overall or by domain.

    Parameters
    ----------
    survey : SurveyDesign or pandas.DataFrame
        The design; a frame is turned into ``SurveyDesign(survey)`` (schema validation,
        strata ``stratum``, PSU ``firm_id``, fpc ``"auto"``).
    condition : str or pandas.Series of bool
        A boolean column (True/False, 1/0) or a boolean Series aligned with the data (e.g.
        ``df["chain_position"] == "oem"``). Missing values are item non-response: those firms
        are left out of numerator and denominator and counted in ``n_missing``.
    by : str or list of str, optional
        Domain column(s), as in :func:`survey_total` (``"entrant"`` is computed from
        ``entry_year`` when the data have no such column). Rows with a missing label are left
        out (counted in ``attrs["n_unclassified"]``).
    year : int, optional
        Reference year; default the last year in the data. Must be None when the data have
        no ``year`` column.
    level : float, default 0.95
        Confidence level of the interval (a fraction: 0.95, not 95).
    variance : {"linearization", "bootstrap"}, default "linearization"
        Variance method: Taylor linearisation with the stratified variance and fpc, or the
        Rao-Wu rescaling bootstrap.
    n_replicates : int, default 500
        Bootstrap replicates (``variance="bootstrap"``).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the bootstrap replicates (``variance="bootstrap"``); the same seed gives the
        same result (``None``: fresh entropy, different standard errors on every call).
    rules : DisclosureRules, optional
        Disclosure rules (default ``DisclosureRules()``: at least 10 firms, (2, 85%)
        dominance). ``DisclosureRules.off()`` disables them explicitly.
    protect : bool, default True
        Apply primary disclosure control (cells failing a rule get status ``"primary"`` and
        NaN figures). ``False``: nothing is suppressed and the status is ``"unprotected"``
        (for internal use only).

    Returns
    -------
    pandas.DataFrame
        One row per domain (the single row ``"all"`` without ``by``) with the columns
        ``estimate`` (the share of firms, a fraction in [0, 1]), ``std_error``,
        ``ci_lower``, ``ci_upper`` (logit interval, within [0, 1]), ``n_respondents``,
        ``n_missing``, ``status`` and ``rule``, as :func:`survey_total` describes. ``attrs``
        records ``statistic`` (``"proportion"``), ``condition``, ``variance_method``,
        ``level``, ``year``, ``df``, ``ci_method``, ``synthetic`` and ``protected``.

    Raises
    ------
    nldtib_forecast.InputError
        An unknown ``condition`` column, a column or Series that is not boolean, a Series
        whose index does not match the data's, an unknown variance method, a level outside
        (0, 1), a year not in the data, empty domains, or a design error (as
        :func:`survey_total`).

    See Also
    --------
    survey_mean : The proportion is the mean of the 0/1 indicator.
    survey_total : The number of firms with the property is ``survey_total`` of the
        indicator; the returned columns are described there.
    tabulate : Tables of counts with disclosure control, margins included.

    Notes
    -----
    The proportion is the Hajek mean of the 0/1 indicator, with the mean's variance. The
    interval is computed on the logit scale, ``expit(logit(p) +/- t se / (p (1 - p)))``, so
    it lies in [0, 1]; at ``p = 0`` or ``1`` it is the point (as R's
    ``svyciprop(method="logit")``). Disclosure control applies the frequency rule to the
    firms in each domain and protects the counts of the firms with and without the property.

    References
    ----------
    .. [1] Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey
       Sampling*. Springer, sections 5.6-5.7 (ratio and mean estimators) and 5.5
       (linearisation). doi:10.1007/978-1-4612-4378-6
    .. [2] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591
    .. [3] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
       doi:10.1002/9780470580066

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import survey_proportion
    >>> df = synthetic_survey(seed=0)
    >>> p = survey_proportion(df, "financing_challenge", protect=False)
    >>> p.loc["all", ["estimate", "ci_lower", "ci_upper"]].round(3).tolist()
    [0.366, 0.325, 0.409]
    >>> oem = survey_proportion(df, df["chain_position"] == "oem", protect=False)
    >>> round(float(oem.loc["all", "estimate"]), 3)
    0.2
    """
    design = _as_design(survey)
    y, label = _indicator(design._columns(), condition)
    return _estimate(design, "proportion", y, np.ones(len(y)), by, year, level, variance,
                     n_replicates, seed, rules, protect, contrib=np.ones(len(y)),
                     magnitude=False, labels={"condition": label})
