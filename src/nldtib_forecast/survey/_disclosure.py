"""Statistical disclosure control of tables computed from the survey microdata.

:class:`DisclosureRules`
    the primary suppression rules (minimum frequency, (n, k)-dominance, p%-rule)
:func:`cell_status`
    primary suppression: which cells are sensitive, and which rule fired
:func:`suppress_secondary`, :func:`audit_suppression`
    complementary suppression and its linear-programming audit (in ``_suppression``)
:func:`tabulate`
    a protected one- or two-dimensional table (totals, counts or means) from the survey

The method and the choice of defaults are described in ``docs/methodology/disclosure.rst``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral, Real

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option, check_year
from nldtib_forecast._format import percent
from nldtib_forecast.survey._suppression import (
    STATUSES,
    TOTAL,
    audit_suppression,
    suppress_secondary,
)

__all__ = [
    "STATUSES",
    "TOTAL",
    "DisclosureRules",
    "audit_suppression",
    "cell_status",
    "suppress_secondary",
    "tabulate",
]

_STATS = ("total", "count", "mean")
#: Relative slack in the rule comparisons, so that a cell exactly at a threshold is safe.
_EPS = 1e-12


def _pct(x: float) -> str:
    return percent(x, decimals=None)


@dataclass(frozen=True)
class DisclosureRules:
    """Primary suppression rules, in the spirit of tau-Argus' rule set.

    A cell is *sensitive* (primary suppressed) when any active rule fires. The defaults,
    a minimum of 10 contributors and the (2, 85%) dominance rule, are a common handbook
    choice, not a norm: configure the data owner's own output checking rules.

    Parameters
    ----------
    min_frequency : int or None, default 10
        A cell with ``0 < n < min_frequency`` contributors is sensitive. None switches the
        rule off.
    dominance : tuple of (int, float), default ((2, 0.85),)
        (n, k) rules: the cell is sensitive when its ``n`` largest contributions exceed the
        fraction ``k`` of the cell total. Several rules may be given; ``()`` switches them
        off.
    p_percent : float or None, default None
        The p%-rule with ``p`` as a fraction (0.10 for 10%): the cell is sensitive when the
        total minus the two largest contributions is less than ``p`` times the largest, i.e.
        when the second largest contributor can estimate the largest to within p%. Off by
        default because the (2, 85%) rule already implies the p%-rule for every p <= 15%.
    apply_to_weighted : bool, default False
        Apply the dominance and p% rules to weighted contributions (weight x value) instead
        of the respondent's own reported value.
    enabled : bool, default True
        False switches disclosure control off; use :meth:`off` to say so explicitly.

    Raises
    ------
    InputError
        A parameter out of range (the problem names the field), or no rule active while
        enabled.

    See Also
    --------
    cell_status : Applies the rules to the cells of a table.
    tabulate : A protected table from the microdata.

    References
    ----------
    .. [1] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
       E., Spicer, K. and de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
       chapter 4 (magnitude tables). doi:10.1002/9781118348239
    .. [2] de Wolf, P.-P., Hundepool, A., Giessing, S., Salazar-González, J.-J. and
       Castro, J. (2018). *tau-ARGUS User's Manual, Version 4.2*. Statistics Netherlands.

    Examples
    --------
    >>> DisclosureRules().describe()
    'min_frequency(10); dominance(2,85%); unweighted contributions'
    >>> DisclosureRules(min_frequency=5, dominance=(), p_percent=0.1).describe()
    'min_frequency(5); p_percent(10%); unweighted contributions'
    >>> DisclosureRules.off().describe()
    'disclosure control off (unprotected)'
    """

    min_frequency: int | None = 10
    dominance: tuple[tuple[int, float], ...] = ((2, 0.85),)
    p_percent: float | None = None
    apply_to_weighted: bool = False
    enabled: bool = True

    def __post_init__(self) -> None:
        problems = []
        m = self.min_frequency
        if m is not None and (isinstance(m, bool) or not isinstance(m, Integral) or m < 1):
            problems.append(Problem("min_frequency", f"must be an integer >= 1 or None, got {m!r}"))
        dom = self.dominance
        pairs: list[tuple[int, float]] = []
        if dom is None:
            dom = ()
        if (isinstance(dom, tuple | list) and len(dom) == 2 and isinstance(dom[0], Integral)
                and not isinstance(dom[0], tuple | list)):
            problems.append(Problem("dominance", "must be a sequence of (n, k) pairs, e.g. "
                                                 f"(({dom[0]!r}, {dom[1]!r}),), got {dom!r}"))
            dom = ()
        try:
            items = list(dom)
        except TypeError:
            problems.append(Problem("dominance", f"must be a sequence of (n, k) pairs, got "
                                                 f"{dom!r}"))
            items = []
        for item in items:
            try:
                n, k = item
            except (TypeError, ValueError):
                problems.append(Problem("dominance", f"each rule must be an (n, k) pair, got "
                                                     f"{item!r}"))
                continue
            if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
                problems.append(Problem("dominance", f"n must be an integer >= 1, got {n!r}"))
            elif isinstance(k, bool) or not isinstance(k, Real) or not 0 < k <= 1:
                problems.append(Problem("dominance", f"k must be a fraction in (0, 1], got {k!r} "
                                                     "(write 0.85 for 85%)"))
            else:
                pairs.append((int(n), float(k)))
        p = self.p_percent
        if p is not None and (isinstance(p, bool) or not isinstance(p, Real) or not 0 < p < 1):
            problems.append(Problem("p_percent", f"must be a fraction in (0, 1) or None, got {p!r} "
                                                 "(write 0.10 for 10%)"))
        for name in ("apply_to_weighted", "enabled"):
            if not isinstance(getattr(self, name), bool | np.bool_):
                problems.append(Problem(name, f"must be True or False, got "
                                              f"{getattr(self, name)!r}"))
        if problems:
            raise InputError("DisclosureRules: invalid parameter(s)", problems)
        object.__setattr__(self, "dominance", tuple(pairs))
        if self.enabled and m is None and not pairs and p is None:
            raise InputError("DisclosureRules: no rule is active",
                             [Problem("enabled", "enabled=True needs at least one rule; use "
                                                 "DisclosureRules.off() to switch control off")])

    @classmethod
    def off(cls) -> DisclosureRules:
        """Rules that switch disclosure control off: outputs are marked unprotected.

        Returns
        -------
        DisclosureRules
            Rules with ``enabled=False``: no cell is suppressed and every status is
            ``"unprotected"``.

        Examples
        --------
        >>> rules = DisclosureRules.off()
        >>> rules.enabled, rules.labels()
        (False, [])
        """
        return cls(enabled=False)

    def labels(self) -> list[str]:
        """Labels of the active rules, as they appear in the ``rule`` column.

        Returns
        -------
        list of str
            E.g. ``"min_frequency(10)"``, ``"dominance(2,85%)"``, ``"p_percent(10%)"``, in
            that order; empty when disclosure control is off.

        Examples
        --------
        >>> DisclosureRules().labels()
        ['min_frequency(10)', 'dominance(2,85%)']
        >>> DisclosureRules(min_frequency=5, dominance=(), p_percent=0.1).labels()
        ['min_frequency(5)', 'p_percent(10%)']
        """
        if not self.enabled:
            return []
        out = [] if self.min_frequency is None else [f"min_frequency({self.min_frequency})"]
        out += [f"dominance({n},{_pct(k)})" for n, k in self.dominance]
        if self.p_percent is not None:
            out.append(f"p_percent({_pct(self.p_percent)})")
        return out

    def describe(self) -> str:
        """A short text of the active rules.

        Returns
        -------
        str
            The labels of the active rules and whether they apply to unweighted or weighted
            contributions, joined by ``"; "``; ``"disclosure control off (unprotected)"``
            when it is off.

        Examples
        --------
        >>> DisclosureRules().describe()
        'min_frequency(10); dominance(2,85%); unweighted contributions'
        >>> DisclosureRules(min_frequency=3).describe()
        'min_frequency(3); dominance(2,85%); unweighted contributions'
        """
        if not self.enabled:
            return "disclosure control off (unprotected)"
        basis = "weighted" if self.apply_to_weighted else "unweighted"
        return "; ".join([*self.labels(), f"{basis} contributions"])


@lru_cache(maxsize=64)
def _rule_labels(rules: DisclosureRules) -> tuple[str, ...]:
    """:meth:`DisclosureRules.labels` of (frozen, hashable) rules, formatted once."""
    return tuple(rules.labels())


def _check_rules(rules) -> DisclosureRules:
    if rules is None:
        return DisclosureRules()
    if not isinstance(rules, DisclosureRules):
        raise InputError("argument 'rules': must be a DisclosureRules or None",
                         [Problem("rules", f"got {type(rules).__name__}")])
    return rules


def _as_frame(cells) -> pd.DataFrame:
    if isinstance(cells, pd.Series):
        return cells.to_frame(name=cells.name)
    if isinstance(cells, pd.DataFrame):
        return cells
    raise InputError("argument 'cells': must be a pandas Series or DataFrame",
                     [Problem("cells", f"got {type(cells).__name__}")])


def cell_status(
    contributions: pd.Series | None,
    cells: pd.Series | pd.DataFrame,
    rules: DisclosureRules | None = None,
    firm: pd.Series | None = None,
    *,
    magnitude: bool = True,
    weight: pd.Series | None = None,
) -> pd.DataFrame:
    """Primary suppression: the status of every cell under the disclosure rules.

    Parameters
    ----------
    contributions : pandas.Series or None
        Per-row magnitudes (e.g. a firm's D&S turnover). Absolute values are used (negative
        magnitudes are not expected; a negative contribution counts by its size). Ignored,
        and may be None, for frequency tables (``magnitude=False``).
    cells : pandas.Series or pandas.DataFrame
        The cell label(s) of each row, on the same index as ``contributions``.
    rules : DisclosureRules, optional
        Default :class:`DisclosureRules()`.
    firm : pandas.Series, optional
        Contributor id of each row. The rows of one contributor within a cell (e.g. several
        years) are summed and count as one contributor. Default: every row is a contributor.
    magnitude : bool, default True
        Magnitude table (totals, means): all rules apply and a contributor counts when its
        contribution is non-zero. Frequency table (counts, proportions): only the frequency
        rule applies and every contributor with a row counts.
    weight : pandas.Series, optional
        Survey weights; used (and required) only when ``rules.apply_to_weighted``.

    Returns
    -------
    pandas.DataFrame
        Indexed by cell, with ``n_contributors`` (the count the frequency rule uses),
        ``status`` (``"publish"`` or ``"primary"``; ``"unprotected"`` when the rules are off)
        and ``rule`` (the rules that fired, joined by ``"; "``, or ``""``). A magnitude cell
        whose contributions are all zero has 0 contributors and is published.

    Raises
    ------
    nldtib_forecast.InputError
        Bad ``rules``; ``cells`` empty, not a Series or DataFrame, or with missing labels;
        ``contributions``, ``firm`` or ``weight`` not a Series on the index of ``cells``;
        contributions absent, non-numeric or not finite in a magnitude table; no ``weight``
        with ``rules.apply_to_weighted``; missing contributor ids.

    See Also
    --------
    DisclosureRules : The rules.
    suppress_secondary : Protects the primary cells against recovery from the margins.
    tabulate : Primary and secondary suppression of a table from the microdata.

    References
    ----------
    .. [1] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
       E., Spicer, K. and de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
       chapter 4 (magnitude tables). doi:10.1002/9781118348239

    Examples
    --------
    Two firms hold 90% of cell ``a``, more than the 85% of the (2, 85%) rule; cell ``b`` has
    four contributors of which the two largest hold 70%:

    >>> import pandas as pd
    >>> x = pd.Series([50.0, 40, 5, 5, 40, 30, 20, 10])
    >>> cell = pd.Series(list("aaaabbbb"), name="area")
    >>> cell_status(x, cell, DisclosureRules(min_frequency=3))
          n_contributors   status               rule
    area
    a                  4  primary  dominance(2,85%)
    b                  4  publish
    """
    rules = _check_rules(rules)
    work, names = _contributions(contributions, cells, rules, firm, magnitude, weight)
    return _primary_status(work, names, rules, magnitude)


def _contributions(contributions: pd.Series | None, cells: pd.Series | pd.DataFrame,
                   rules: DisclosureRules, firm: pd.Series | None, magnitude: bool,
                   weight: pd.Series | None) -> tuple[pd.DataFrame, list]:
    """The checked inputs of :func:`cell_status` as one table: the cell labels ``_c0, _c1,
    ...``, the contribution ``_x`` (1 for a frequency table) and the contributor ``_firm`` of
    every row; and the names of the cell variables."""
    frame = _as_frame(cells)
    names = list(frame.columns)
    if frame.empty:
        raise InputError("argument 'cells': no rows", [Problem("cells", "must not be empty")])
    work = pd.DataFrame({f"_c{i}": frame.iloc[:, i] for i in range(len(names))})
    for i, key in enumerate(work.columns):
        na = work[key].isna().to_numpy()
        if na.any():
            raise InputError("argument 'cells': cell labels must not be missing", [Problem(
                str(names[i]), "missing cell label", tuple(frame.index[na][:5]), int(na.sum()))])

    def _aligned(series, name):
        if not isinstance(series, pd.Series):
            raise InputError(f"argument '{name}': must be a pandas Series",
                             [Problem(name, f"got {type(series).__name__}")])
        if not series.index.equals(frame.index):
            raise InputError(f"argument '{name}': must have the same index as 'cells'",
                             [Problem(name, "index differs from the index of 'cells'")])
        return series

    if magnitude:
        if contributions is None:
            raise InputError("argument 'contributions': needed for a magnitude table",
                             [Problem("contributions", "must be given when magnitude=True")])
        contributions = _aligned(contributions, "contributions")
        if not pd.api.types.is_numeric_dtype(contributions):
            raise InputError("argument 'contributions': must be numeric", [Problem(
                "contributions", f"must be numeric, got dtype {contributions.dtype}")])
        x = np.abs(contributions.to_numpy(dtype=float, na_value=np.nan))
        bad = ~np.isfinite(x)
        if bad.any():
            raise InputError("argument 'contributions': must be finite", [Problem(
                "contributions", "missing or infinite value", tuple(frame.index[bad][:5]),
                int(bad.sum()))])
        if rules.enabled and rules.apply_to_weighted:
            if weight is None:
                raise InputError("argument 'weight': needed because rules.apply_to_weighted",
                                 [Problem("weight", "must be given")])
            x = x * np.abs(_aligned(weight, "weight").to_numpy(dtype=float))
    else:
        x = np.ones(len(frame))
    work["_x"] = x
    if firm is None:
        work["_firm"] = np.arange(len(frame))
    else:
        f = _aligned(firm, "firm")
        na = f.isna().to_numpy()
        if na.any():
            raise InputError("argument 'firm': contributor ids must not be missing", [Problem(
                "firm", "missing id", tuple(frame.index[na][:5]), int(na.sum()))])
        work["_firm"] = f.to_numpy()
    return work, names


#: Relative margin around a rule's threshold within which the fast path of
#: :func:`_primary_status` defers to the reference computation. The fast path sums in another
#: order than pandas' (compensated) group sums, which moves a cell's sums by at most about
#: ``n_rows * 1.1e-16`` of its total (the contributions are absolute values); 1e-9 covers
#: cells of up to a few million rows (larger tables take the reference path).
_NEAR = 1e-9
_FAST_MAX_ROWS = 1_000_000


def _primary_status(work: pd.DataFrame, names: list, rules: DisclosureRules,
                    magnitude: bool) -> pd.DataFrame:
    """The rules applied to the table of :func:`_contributions`: the frequency rule to the
    contributors of each cell, the dominance and p% rules to its largest contributions.

    Computed with integer codes and ``numpy`` (:func:`_primary_fired`); a cell whose sums lie
    so close to a rule's threshold that the order of summation could decide it is computed by
    the reference implementation with pandas group sums (:func:`_primary_fired_reference`),
    so that the result does not depend on the path."""
    keys = [f"_c{i}" for i in range(len(names))]
    grouped = work.groupby(keys, observed=True, sort=True)
    index = grouped.size().index
    fast = _primary_fired(work, grouped.ngroup().to_numpy(dtype=np.int64), len(index), rules,
                          magnitude) if len(work) <= _FAST_MAX_ROWS else None
    n, fired = fast if fast is not None else _primary_fired_reference(work, keys, index, rules,
                                                                      magnitude)
    return _status_frame(index, names, n, fired, rules)


def _primary_fired(work: pd.DataFrame, cell: np.ndarray, n_cells: int,
                   rules: DisclosureRules, magnitude: bool):
    """The contributors of every cell and the rules that fire, from integer codes; None when
    a sum lies within ``_NEAR`` of a threshold (the caller then uses the reference)."""
    firm_code = pd.factorize(work["_firm"].to_numpy())[0].astype(np.int64)
    pair = cell * (int(firm_code.max()) + 1) + firm_code
    uniq, inv = np.unique(pair, return_inverse=True)
    x = np.bincount(inv.ravel(), weights=work["_x"].to_numpy(dtype=float), minlength=uniq.size)
    c = uniq // (int(firm_code.max()) + 1)  # the cell of every (cell, contributor)
    if magnitude:
        n = np.bincount(c, weights=(x > 0), minlength=n_cells).astype(np.int64)
    else:
        n = np.bincount(c, minlength=n_cells).astype(np.int64)
    order = np.lexsort((-x, c))  # by cell, largest contribution first
    c_sorted, x_sorted = c[order], x[order]
    start = np.searchsorted(c_sorted, np.arange(n_cells))
    rank = np.arange(c_sorted.size) - start[c_sorted]
    tot = np.bincount(c_sorted, weights=x_sorted, minlength=n_cells)

    def _top(m):
        keep = rank < m
        return np.bincount(c_sorted[keep], weights=x_sorted[keep], minlength=n_cells)

    fired: list[np.ndarray] = []
    near = np.zeros(n_cells, dtype=bool)
    positive = tot > 0
    if rules.enabled:
        if rules.min_frequency is not None:
            fired.append((n > 0) & (n < rules.min_frequency))
        for m, k in rules.dominance:
            top, bound = _top(m), k * tot + _EPS * tot
            fired.append(magnitude & positive & (top > bound))
            near |= magnitude & positive & (np.abs(top - bound) <= _NEAR * tot)
        if rules.p_percent is not None:
            x1 = _top(1)
            rest = tot - _top(2)
            bound = rules.p_percent * x1 - _EPS * tot
            fired.append(magnitude & positive & (rest < bound))
            near |= magnitude & positive & (np.abs(rest - bound) <= _NEAR * tot)
    if near.any():
        return None
    return n, fired


def _primary_fired_reference(work: pd.DataFrame, keys: list, index: pd.Index,
                             rules: DisclosureRules, magnitude: bool):
    """The reference computation of :func:`_primary_fired` with pandas group sums."""
    per_firm = work.groupby([*keys, "_firm"], observed=True, sort=False)["_x"].sum()
    per_firm = per_firm.reset_index().sort_values("_x", ascending=False, kind="stable")
    per_firm["_rank"] = per_firm.groupby(keys, observed=True, sort=False).cumcount()
    grouped = per_firm.groupby(keys, observed=True, sort=True)
    total = grouped["_x"].sum().reindex(index)
    if magnitude:
        n = (per_firm["_x"] > 0).groupby([per_firm[k] for k in keys], observed=True,
                                         sort=True).sum().reindex(index)
    else:
        n = grouped.size().reindex(index)
    n = n.to_numpy(dtype=np.int64)
    tot = total.to_numpy(dtype=float)

    def _top(m):
        top = per_firm.loc[per_firm["_rank"] < m]
        return top.groupby(keys, observed=True, sort=True)["_x"].sum().reindex(
            index, fill_value=0.0).to_numpy(dtype=float)

    fired: list[np.ndarray] = []
    if rules.enabled:
        if rules.min_frequency is not None:
            fired.append((n > 0) & (n < rules.min_frequency))
        for m, k in rules.dominance:
            fired.append(magnitude & (tot > 0) & (_top(m) > k * tot + _EPS * tot))
        if rules.p_percent is not None:
            x1 = _top(1)
            rest = tot - _top(2)
            fired.append(magnitude & (tot > 0) & (rest < rules.p_percent * x1 - _EPS * tot))
    return n, fired


def _status_frame(index: pd.Index, names: list, n: np.ndarray, fired: list,
                  rules: DisclosureRules) -> pd.DataFrame:
    """The table of :func:`cell_status` from the contributors and the rules that fired."""
    labels = _rule_labels(rules)
    rule_text = ["; ".join(lab for lab, f in zip(labels, col, strict=True) if f)
                 for col in (zip(*fired, strict=True) if fired else [()] * len(index))]
    if rules.enabled:
        status = np.where([bool(r) for r in rule_text], "primary", "publish")
    else:
        status = np.full(len(index), "unprotected")
    out = pd.DataFrame({"n_contributors": n, "status": status.astype(object),
                        "rule": pd.Series(rule_text, dtype=object).to_numpy()}, index=index)
    out.index.names = names
    out["status"] = out["status"].astype(str)
    out["rule"] = out["rule"].astype(str)
    return out


# ---------------------------------------------------------------------------------------------
# tabulate
# ---------------------------------------------------------------------------------------------


def _check_survey(survey, by, value, stat, year):
    if not isinstance(survey, pd.DataFrame):
        raise InputError(f"argument 'survey': must be a pandas DataFrame, got {type(survey)!r}")
    by_list = [by] if isinstance(by, str) else list(by) if isinstance(by, list | tuple) else None
    if by_list is None or not 1 <= len(by_list) <= 2 or not all(
            isinstance(b, str) for b in by_list) or len(set(by_list)) != len(by_list):
        raise InputError("argument 'by': must be a column name or a list of one or two "
                         f"distinct column names, got {by!r}")
    if value is None and stat != "count":
        raise InputError(f"argument 'value': needed for stat={stat!r}",
                         [Problem("value", f"a numeric column must be given for stat={stat!r}")])
    if value is not None and (not isinstance(value, str) or value in by_list):
        raise InputError("argument 'value': must be a column name not in 'by'",
                         [Problem(str(value), "not a valid value column")])
    needed = [*by_list, *([value] if value else []), "year", "weight", "firm_id"]
    missing = [c for c in needed if c not in survey.columns]
    if missing:
        raise InputError("survey: missing column(s)",
                         [Problem(c, "column not found in the survey") for c in missing])
    boolean = False
    if value is not None:
        dtype = survey[value].dtype
        boolean = pd.api.types.is_bool_dtype(dtype)
        if not boolean and not pd.api.types.is_numeric_dtype(dtype):
            raise InputError("survey: the value column must be numeric or boolean",
                             [Problem(value, f"must be numeric, got dtype {dtype}")])
    years = survey["year"].dropna()
    if years.empty:
        raise InputError("survey: no rows", [Problem("year", "the survey has no rows")])
    year = check_year(year, "year", optional=True)
    if year is None:
        year = int(years.max())
    if not (years == year).any():
        listed = ", ".join(str(int(y)) for y in sorted(years.unique()))
        raise InputError(f"argument 'year': no survey rows for year {year!r}",
                         [Problem("year", f"must be one of the survey's years: {listed}")])
    sel = survey.loc[survey["year"] == year]
    if value is not None:
        sel = sel.loc[sel[value].notna()]
        if sel.empty:
            raise InputError(f"survey: no non-missing values of '{value}' in {year}",
                             [Problem(value, f"all missing in year {year}")])
    problems = []
    for b in by_list:
        na = sel[b].isna().to_numpy()
        if na.any():
            problems.append(Problem(b, "missing label", tuple(sel.index[na][:5]), int(na.sum())))
        elif (sel[b].astype(object) == TOTAL).any():
            problems.append(Problem(b, f"the label {TOTAL!r} is reserved for the margins"))
    w = sel["weight"].to_numpy(dtype=float, na_value=np.nan)
    bad = ~(w > 0)
    if bad.any():
        problems.append(Problem("weight", "must be > 0", tuple(sel.index[bad][:5]),
                                int(bad.sum())))
    if problems:
        raise InputError("survey: cannot tabulate", problems)
    return by_list, int(year), sel, boolean


def _labels(s: pd.Series) -> list:
    if isinstance(s.dtype, pd.CategoricalDtype):
        seen = set(s.dropna().astype(object))
        return [c for c in s.cat.categories if c in seen]
    return sorted(s.dropna().astype(object).unique().tolist())


def _group(sel, keys, x, w, contrib, magnitude, rules):
    """Weighted numerator and denominator, and the primary status, per cell of ``keys``."""
    # the cell of every row as an integer code, in order of first appearance (the groups of
    # the rows' label tuples; the labels are never missing, _check_survey saw to that)
    code = np.zeros(len(sel), dtype=np.int64)
    if keys:
        cells = sel[keys].astype(object)
        labels = [cells[k].to_numpy(dtype=object) for k in keys]
        for values in labels:
            part, uniques = pd.factorize(values)
            code = pd.factorize(code * max(len(uniques), 1) + part)[0].astype(np.int64)
        first = np.unique(code, return_index=True)[1]
        cell_keys = list(zip(*(values[first] for values in labels), strict=True))
    else:
        cells = pd.Series(TOTAL, index=sel.index, name="_all", dtype=object)
        cell_keys = [(TOTAL,)] if len(sel) else []
    agg = pd.DataFrame({"num": w * x, "den": w}, index=sel.index)
    sums = agg.groupby(code, sort=False)[["num", "den"]].sum()  # group i: cell_keys[i]
    rows = contrib.index
    st = cell_status(contrib, cells.loc[rows], rules, firm=sel.loc[rows, "firm_id"],
                     magnitude=magnitude, weight=sel.loc[rows, "weight"]) if len(rows) else None
    out = {}
    for key, num, den in zip([cell_keys[i] for i in sums.index], sums["num"].to_numpy(),
                             sums["den"].to_numpy(), strict=True):
        out[key] = {"num": num, "den": den, "n": 0, "status": "publish", "rule": ""}
    if st is not None:
        for key, r in zip(st.index, st.itertuples(index=False), strict=True):
            k = key if isinstance(key, tuple) else (key,)
            out[k].update(n=int(r.n_contributors), status=r.status, rule=r.rule)
    return out


def tabulate(
    survey: pd.DataFrame,
    by: str | list[str],
    value: str | None = None,
    year: int | None = None,
    stat: str = "total",
    rules: DisclosureRules | None = None,
    protect: bool = True,
    margins: bool = True,
) -> pd.DataFrame:
    """A protected one- or two-dimensional weighted table from the survey microdata.

    Primary suppression applies ``rules`` to every cell, margins included (magnitude rules on
    the respondents' unweighted values of ``value``; the frequency rule only for counts and
    for boolean columns); secondary suppression (:func:`suppress_secondary`) then protects
    the primary cells against recovery from the margins. Suppressed cells are returned
    without their value or contributor count.

    Parameters
    ----------
    survey : pandas.DataFrame
        Firm-year microdata with the schema columns ``firm_id``, ``year``, ``weight``.
    by : str or list of str
        One or two classification columns (rows, or rows and columns).
    value : str, optional
        Numeric or boolean column. Rows where it is missing are left out (item
        non-response). None with ``stat="count"`` counts firms.
    year : int, optional
        Reference year; default the survey's last year.
    stat : {"total", "count", "mean"}
        Weighted total of ``value``; weighted number of firms; or weighted mean (weighted
        total over weighted count). For a boolean column the total is the weighted number
        of firms with ``True`` and the mean is a proportion.
    rules : DisclosureRules, optional
        Default :class:`DisclosureRules()` (10 contributors, (2, 85%) dominance).
    protect : bool, default True
        False (or ``rules=DisclosureRules.off()``) returns every value and marks every cell
        ``"unprotected"``; ``attrs["protected"]`` is then False.
    margins : bool, default True
        Add the ``"Total"`` row (and column) margins. Without margins no secondary
        suppression is done, which is only safe if the totals are not published elsewhere.

    Returns
    -------
    pandas.DataFrame
        Indexed by the ``by`` columns (a MultiIndex for two columns), one row per cell, the
        margins labelled ``"Total"``; columns ``value`` (NaN when suppressed),
        ``n_contributors`` (nullable integer, missing when suppressed), ``status``
        (``"publish"``, ``"primary"``, ``"secondary"``, ``"not_available"`` for a figure
        that is not a finite number, or ``"unprotected"``) and ``rule``
        (the primary rules that fired, ``"complementary"`` for secondary cells). ``attrs``
        holds ``protected``, ``rules`` (text), ``stat``, ``value``, ``by``, ``year`` and
        ``synthetic``. Cells without respondents in a 2-D table are published as 0 with 0
        contributors (a mean there is ``not_available``).

    Raises
    ------
    InputError
        Unknown columns, a non-numeric value column, an unknown ``stat``, bad ``rules``, a
        year without data.

    See Also
    --------
    cell_status : The primary suppression alone.
    suppress_secondary : The secondary suppression it applies.
    audit_tables : Audits the tables published together.
    survey_total : Design-based totals with standard errors and the same protection.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> survey = synthetic_survey(seed=0, population=False)
    >>> t = tabulate(survey, "nld_area", "turnover_ds_eur")
    >>> t.loc["quantum", ["status", "rule"]].tolist()
    ['primary', 'min_frequency(10)']
    >>> bool(t.loc["quantum", "value"] != t.loc["quantum", "value"])  # NaN: not returned
    True
    >>> t.attrs["protected"], t.attrs["rules"]
    (True, 'min_frequency(10); dominance(2,85%); unweighted contributions')
    """
    return _tabulate(survey, by, value, year, stat, rules, protect, margins, {})


def _tabulate(survey, by, value, year, stat, rules, protect, margins,
              groups: dict) -> pd.DataFrame:
    """:func:`tabulate`. ``groups`` holds the cells of each grouping (by the tuple of its
    ``by`` columns) already computed for the same survey, value, year, statistic and rules:
    a two-way table shares its one-way margins and grand total with the one-way tables it
    takes the margins' statuses from."""
    stat = check_option("stat", stat, _STATS)
    rules = _check_rules(rules)
    if not isinstance(protect, bool | np.bool_) or not isinstance(margins, bool | np.bool_):
        raise InputError("arguments 'protect' and 'margins' must be True or False")
    by_list, year, sel, boolean = _check_survey(survey, by, value, stat, year)
    protected = bool(protect) and rules.enabled
    run_rules = rules if protected else DisclosureRules.off()

    w = sel["weight"].to_numpy(dtype=float)
    x = np.ones(len(sel)) if value is None else sel[value].to_numpy(dtype=float)
    magnitude = stat != "count" and not boolean
    if stat == "count":
        contrib = pd.Series(1.0, index=sel.index)
    elif boolean:
        contrib = pd.Series(1.0, index=sel.index[x > 0])
    else:
        contrib = pd.Series(x, index=sel.index)

    def grouped(keys: list) -> dict:
        if tuple(keys) not in groups:
            groups[tuple(keys)] = _group(sel, keys, x, w, contrib, magnitude, run_rules)
        return groups[tuple(keys)]

    dims = [_labels(sel[b]) for b in by_list]
    # the groupings by dimension index (() = the grand total) and the cells' label tuples
    groupings: dict[tuple[int, ...], dict]
    cells: list[tuple]
    if len(by_list) == 1:
        groupings = {(0,): grouped(by_list)}
        cells = [(r,) for r in dims[0]] + ([(TOTAL,)] if margins else [])
    else:
        groupings = {(0, 1): grouped(by_list)}
        if margins:
            groupings[(0,)] = grouped(by_list[:1])
            groupings[(1,)] = grouped(by_list[1:])
        extra = [TOTAL] if margins else []
        cells = [(r, c) for r in dims[0] + extra for c in dims[1] + extra]
    if margins:
        groupings[()] = grouped([])

    records = []
    for cell in cells:
        dims_used = tuple(i for i, lab in enumerate(cell) if lab != TOTAL)
        key = tuple(cell[i] for i in dims_used) if dims_used else (TOTAL,)
        rec = groupings[dims_used].get(key)
        empty = rec is None
        rec = rec or {"num": 0.0, "den": 0.0, "n": 0, "status": "publish", "rule": ""}
        records.append({**rec, "cell": cell, "empty": empty})
    table = pd.DataFrame.from_records(records)
    table["status"] = table["status"].astype(object)
    if stat == "count":
        shown, additive = table["den"], table["den"]
    else:
        additive = table["num"]
        shown = table["num"] if stat == "total" else table["num"] / table["den"].where(
            table["den"] > 0)

    if protected and margins:
        grid = table.loc[~table["empty"]]
        dims_cols = {f"_d{i}": [c[i] for c in grid["cell"]] for i in range(len(by_list))}
        layout = pd.DataFrame({**dims_cols, "value": additive[grid.index].to_numpy(),
                               "status": np.array(grid["status"], dtype=object),
                               "locked": False}, index=grid.index)
        if len(by_list) == 2:
            # the margins are the one-way tables by each variable, which are published on
            # their own: take their protected statuses and never change them here, so that
            # no combination of the one- and two-way tables recovers a suppressed cell
            for i, b in enumerate(by_list):
                # the same survey, value, year, statistic and rules: its groupings are
                # those computed here
                one = _tabulate(survey, b, value, year, stat, rules, True, True, groups)
                one_status = dict(zip(one.index, one["status"], strict=True))
                one_rule = dict(zip(one.index, one["rule"], strict=True))
                other = 1 - i
                at = layout[f"_d{other}"].to_numpy(dtype=object) == TOTAL
                labels = layout.loc[at, f"_d{i}"]
                layout.loc[at, "status"] = [one_status.get(v, "publish") for v in labels]
                layout.loc[at, "locked"] = True
                table.loc[layout.index[at], "rule"] = [one_rule.get(v, "") for v in labels]
        done = suppress_secondary(layout, "value", "status", row="_d0",
                                  col="_d1" if len(by_list) == 2 else None, locked="locked")
        table.loc[grid.index, "status"] = done["status"]
        secondary = (table["status"] == "secondary") & (table["rule"] == "")
        table.loc[secondary, "rule"] = "complementary"
    if protected and boolean and stat == "mean":
        # a proportion reveals the count of firms with the property and the count of those
        # without it: it is published only where both protected count tables publish
        negated = survey.copy(deep=False)
        negated[value] = ~survey[value].astype("boolean")
        other = tabulate(negated, by_list if len(by_list) > 1 else by_list[0], value, year,
                         "total", rules, protect=True, margins=margins)
        other_key = {(k if isinstance(k, tuple) else (k,)): (st, rl) for k, st, rl in
                     zip(other.index, other["status"], other["rule"], strict=True)}
        for i, cell in enumerate(table["cell"]):
            st, rl = other_key.get(tuple(cell), ("publish", ""))
            if st in ("primary", "secondary") and table.at[i, "status"] == "publish":
                table.at[i, "status"] = st
                table.at[i, "rule"] = (f"without the property: {rl}" if st == "primary"
                                       else "complementary")

    if protected:
        # a figure that is not a finite number (an all-zero denominator, an overflow) is
        # never published
        bad = (table["status"] == "publish").to_numpy() & ~np.isfinite(
            shown.to_numpy(dtype=float))
        table.loc[bad, "status"] = "not_available"
        table.loc[bad, "rule"] = "not a finite number"
    suppressed = table["status"].isin(["primary", "secondary", "not_available"]).to_numpy()
    if len(by_list) == 1:
        index = pd.Index([c[0] for c in table["cell"]], name=by_list[0], dtype=object)
    else:
        index = pd.MultiIndex.from_tuples(list(table["cell"]), names=by_list)
    out = pd.DataFrame(
        {
            "value": np.where(suppressed, np.nan, shown.to_numpy(dtype=float)),
            "n_contributors": pd.array(
                [pd.NA if s else int(n) for s, n in zip(suppressed, table["n"], strict=True)],
                dtype="Int64"),
            "status": table["status"].astype(str).to_numpy(),
            "rule": table["rule"].astype(str).to_numpy(),
        },
        index=index,
    )
    out.attrs = {
        "protected": protected,
        "rules": rules.describe() if protected else DisclosureRules.off().describe(),
        "stat": stat,
        "value": value,
        "by": tuple(by_list),
        "year": year,
        "synthetic": bool(survey.attrs.get("synthetic", False)),
    }
    return out
