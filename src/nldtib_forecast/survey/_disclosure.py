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
from typing import NamedTuple

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option, check_year
from nldtib_forecast._format import percent
from nldtib_forecast.survey._suppression import (
    STATUSES,
    TOTAL,
    _assemble,
    _protect,
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
    work = _contributions(contributions, cells, rules, firm, magnitude, weight)
    return _primary_status(work, rules, magnitude)


class _Work(NamedTuple):
    """The checked inputs of :func:`cell_status`."""

    index: pd.Index  # the rows' labels
    columns: list  # the cell labels: a Series per cell variable, on the rows' index
    names: list  # the names of the cell variables
    x: np.ndarray  # the contribution of every row (1 for a frequency table)
    firm: np.ndarray | None  # the contributor of every row; None: every row is one


def _contributions(contributions: pd.Series | None, cells: pd.Series | pd.DataFrame,
                   rules: DisclosureRules, firm: pd.Series | None, magnitude: bool,
                   weight: pd.Series | None) -> _Work:
    """The checked inputs of :func:`cell_status`: the cell labels, the contribution (1 for a
    frequency table) and the contributor of every row; and the names of the cell
    variables."""
    if isinstance(cells, pd.Series):
        # what _as_frame makes of it: one column named as the series
        index, columns, names = cells.index, [cells], [cells.name]
        empty = len(cells) == 0
    else:
        frame = _as_frame(cells)
        index, names, empty = frame.index, list(frame.columns), frame.empty
        columns = [frame.iloc[:, i] for i in range(len(names))]
    if empty:
        raise InputError("argument 'cells': no rows", [Problem("cells", "must not be empty")])
    for i, column in enumerate(columns):
        na = column.isna().to_numpy()
        if na.any():
            raise InputError("argument 'cells': cell labels must not be missing", [Problem(
                str(names[i]), "missing cell label", tuple(index[na][:5]), int(na.sum()))])

    def _aligned(series, name):
        if not isinstance(series, pd.Series):
            raise InputError(f"argument '{name}': must be a pandas Series",
                             [Problem(name, f"got {type(series).__name__}")])
        if not series.index.equals(index):
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
        x = _finite_contributions(contributions.to_numpy(dtype=float, na_value=np.nan), index)
        if rules.enabled and rules.apply_to_weighted:
            if weight is None:
                raise InputError("argument 'weight': needed because rules.apply_to_weighted",
                                 [Problem("weight", "must be given")])
            x = x * np.abs(_aligned(weight, "weight").to_numpy(dtype=float))
    else:
        x = np.ones(len(index))
    ids = None
    if firm is not None:
        ids = _contributor_ids(_aligned(firm, "firm"), index)
    return _Work(index, columns, names, x, ids)


def _finite_contributions(values: np.ndarray, index: pd.Index) -> np.ndarray:
    """The absolute contributions, or the error of :func:`cell_status` when one is not
    finite (``index``: the rows' labels)."""
    x = np.abs(values)
    bad = ~np.isfinite(x)
    if bad.any():
        raise InputError("argument 'contributions': must be finite", [Problem(
            "contributions", "missing or infinite value", tuple(index[bad][:5]),
            int(bad.sum()))])
    return x


def _contributor_ids(firm: pd.Series, index: pd.Index) -> np.ndarray:
    """The contributor ids as an array, or the error of :func:`cell_status` when one is
    missing (``index``: the rows' labels)."""
    na = firm.isna().to_numpy()
    if na.any():
        raise InputError("argument 'firm': contributor ids must not be missing", [Problem(
            "firm", "missing id", tuple(index[na][:5]), int(na.sum()))])
    return firm.to_numpy()


def _work_frame(work: _Work) -> pd.DataFrame:
    """The inputs as one table, for the reference path: the cell labels ``_c0, _c1, ...``,
    the contribution ``_x`` and the contributor ``_firm`` of every row."""
    frame = pd.DataFrame({f"_c{i}": column for i, column in enumerate(work.columns)})
    frame["_x"] = work.x
    frame["_firm"] = np.arange(len(work.index)) if work.firm is None else work.firm
    return frame


#: Relative margin around a rule's threshold within which the fast path of
#: :func:`_primary_status` defers to the reference computation. The fast path sums in another
#: order than pandas' (compensated) group sums, which moves a cell's sums by at most about
#: ``n_rows * 1.1e-16`` of its total (the contributions are absolute values); 1e-9 covers
#: cells of up to a few million rows (larger tables take the reference path).
_NEAR = 1e-9
_FAST_MAX_ROWS = 1_000_000


def _cell_index(work: _Work) -> tuple[pd.Index, np.ndarray]:
    """The cells of :func:`cell_status`, as ``DataFrame.groupby(observed=True, sort=True)``
    on the cell variables (named ``_c0, _c1, ...``) gives them: the index of the cells and
    the cell (position in that index) of every row.

    Cell variables of categorical or string dtype are factorised directly
    (``pandas.factorize(sort=True)`` gives the index, or the levels of the MultiIndex, that
    ``groupby`` gives for these dtypes, and the cells are the combinations that occur, in
    lexicographic order), at a fraction of the cost; other cells are grouped by pandas."""
    keys = [f"_c{i}" for i in range(len(work.names))]
    if all(isinstance(c.dtype, pd.CategoricalDtype | pd.StringDtype) for c in work.columns):
        factorized = [pd.factorize(c, sort=True) for c in work.columns]
        if len(keys) == 1:
            codes, uniques = factorized[0]
            return uniques.rename(keys[0]), codes.astype(np.int64)
        if len(keys) == 2:
            (c0, u0), (c1, u1) = factorized
            combined = c0.astype(np.int64) * len(u1) + c1
            cells, code = np.unique(combined, return_inverse=True)
            index = pd.MultiIndex(levels=[u0, u1], codes=[cells // len(u1), cells % len(u1)],
                                  names=keys, verify_integrity=False)
            return index, code.ravel().astype(np.int64)
    frame = pd.DataFrame(dict(zip(keys, work.columns, strict=True)))
    grouped = frame.groupby(keys, observed=True, sort=True)
    return grouped.size().index, grouped.ngroup().to_numpy(dtype=np.int64)


def _primary_status(work: _Work, rules: DisclosureRules, magnitude: bool) -> pd.DataFrame:
    """The rules applied to the inputs of :func:`_contributions`: the frequency rule to the
    contributors of each cell, the dominance and p% rules to its largest contributions.

    Computed with integer codes and ``numpy`` (:func:`_primary_fired`); a cell whose sums lie
    so close to a rule's threshold that the order of summation could decide it is computed by
    the reference implementation with pandas group sums (:func:`_primary_fired_reference`),
    so that the result does not depend on the path."""
    index, cell = _cell_index(work)
    fast = _primary_fired(cell, len(index), work.x, work.firm, rules,
                          magnitude) if len(cell) <= _FAST_MAX_ROWS else None
    if fast is None:
        keys = [f"_c{i}" for i in range(len(work.names))]
        fast = _primary_fired_reference(_work_frame(work), keys, index, rules, magnitude)
    n, fired = fast
    return _status_frame(index, work.names, n, fired, rules)


def _primary_fired(cell: np.ndarray, n_cells: int, x: np.ndarray, firm: np.ndarray | None,
                   rules: DisclosureRules, magnitude: bool):
    """The contributors of every cell and the rules that fire, from the cell (an integer
    code ``0 <= cell < n_cells``), contribution and contributor (None: every row is one) of
    every row; None when a sum lies within ``_NEAR`` of a threshold (the caller then uses the
    reference)."""
    if firm is None:
        firm_code = np.arange(len(cell), dtype=np.int64)
    else:
        firm_code = pd.factorize(firm)[0].astype(np.int64)
    n_firms = int(firm_code.max()) + 1 if len(firm_code) else 1
    pair = cell * n_firms + firm_code
    uniq, inv = np.unique(pair, return_inverse=True)
    x = np.bincount(inv.ravel(), weights=x, minlength=uniq.size)
    c = uniq // n_firms  # the cell of every (cell, contributor)
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
    """The reference computation of :func:`_primary_fired` with pandas group sums, on the
    table of :func:`_work_frame` and the cells ``index`` (grouped by ``keys``)."""
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


def _rule_text(n_cells: int, fired: list, rules: DisclosureRules) -> list[str]:
    """The rules that fired in each cell, joined by ``"; "`` (``""`` when none did)."""
    if not fired:
        return [""] * n_cells
    labels = _rule_labels(rules)
    return ["; ".join(lab for lab, f in zip(labels, row, strict=True) if f)
            for row in np.column_stack(fired).tolist()]


def _status_frame(index: pd.Index, names: list, n: np.ndarray, fired: list,
                  rules: DisclosureRules) -> pd.DataFrame:
    """The table of :func:`cell_status` from the contributors and the rules that fired."""
    rule_text = _rule_text(len(index), fired, rules)
    if rules.enabled:
        status = ["primary" if r else "publish" for r in rule_text]
    else:
        status = ["unprotected"] * len(index)
    return pd.DataFrame({"n_contributors": n, "status": pd.array(status, dtype=str),
                         "rule": pd.array(rule_text, dtype=str)},
                        index=index.set_names(names))


# ---------------------------------------------------------------------------------------------
# tabulate
# ---------------------------------------------------------------------------------------------


def _check_survey(survey, by, value, stat, year, columns_only=False):
    """The checked arguments of :func:`tabulate`: the ``by`` columns, the year, the rows of
    the year with a value (``sel``) and whether the value is boolean. ``columns_only``: ``sel``
    holds only the columns a table needs, without ``attrs`` (for a survey with unique column
    labels: the same rows and columns, at less cost)."""
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
    if columns_only:
        survey = survey[list(dict.fromkeys(needed))]
        survey.attrs = {}
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
    sel = _year_rows(survey, value, year, columns_only)
    if value is not None:
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


def _year_rows(survey: pd.DataFrame, value: str | None, year: int,
               columns_only: bool) -> pd.DataFrame:
    """The rows of ``year`` where ``value`` (if any) is known; with ``columns_only`` (a
    survey with unique row labels) selected at once."""
    if columns_only:
        rows = (survey["year"] == year).to_numpy(dtype=bool, na_value=False)
        if value is not None:
            rows = rows & survey[value].notna().to_numpy()
        return survey.loc[rows]
    sel = survey.loc[survey["year"] == year]
    if value is not None:
        sel = sel.loc[sel[value].notna()]
    return sel


def _labels(s: pd.Series) -> list:
    if isinstance(s.dtype, pd.CategoricalDtype):
        seen = set(s.dropna().astype(object))
        return [c for c in s.cat.categories if c in seen]
    return sorted(s.dropna().astype(object).unique().tolist())


def _group_reference(sel, keys, x, w, contrib, magnitude, rules):
    """Weighted numerator and denominator, and the primary status, per cell of ``keys`` (the
    reference path of :func:`_tabulate`)."""
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
    return _tabulate(survey, by, value, year, stat, rules, protect, margins)


def _tabulate(survey, by, value, year, stat, rules, protect, margins) -> pd.DataFrame:
    """:func:`tabulate`.

    The rows of the year are coded once per ``by`` variable and every grouping the table
    needs (its cells, and with margins the one-way margins and the grand total) is computed
    from these codes (:class:`_Rows`): the weighted sums by the pandas group sum of the
    reference path (:func:`_group_sums`), the primary rules of all groupings in one call of
    :func:`_primary_fired`, the secondary suppression on arrays. A survey with duplicate row
    or column labels takes the reference path (:func:`_tabulate_reference`), whose results
    this reproduces."""
    stat = check_option("stat", stat, _STATS)
    rules = _check_rules(rules)
    if not isinstance(protect, bool | np.bool_) or not isinstance(margins, bool | np.bool_):
        raise InputError("arguments 'protect' and 'margins' must be True or False")
    if not (isinstance(survey, pd.DataFrame) and survey.index.is_unique
            and survey.columns.is_unique and not isinstance(survey.columns, pd.MultiIndex)):
        return _tabulate_reference(survey, by, value, year, stat, rules, protect, margins, {})
    by_list, year, sel, boolean = _check_survey(survey, by, value, stat, year,
                                                columns_only=True)
    protected = bool(protect) and rules.enabled
    rows = _Rows(sel, by_list, value, stat, boolean,
                 rules if protected else DisclosureRules.off())
    dims = tuple(range(len(by_list)))
    cells, shown, n, status, rule = rows.table(dims, bool(margins), protected)
    return _table(list(cells), shown, n, np.asarray(status), np.asarray(rule), by_list,
                  survey, protected, rules, stat, value, year)


def _table(cells: list, shown, n, status: np.ndarray, rule: np.ndarray, by_list: list,
           survey: pd.DataFrame, protected: bool, rules: DisclosureRules, stat: str,
           value, year) -> pd.DataFrame:
    """The table :func:`tabulate` returns, from its cells (label tuples), figures, numbers
    of contributors, statuses and rules (both paths build it here)."""
    suppressed = np.isin(status, ["primary", "secondary", "not_available"])
    if len(by_list) == 1:
        index = pd.Index([c[0] for c in cells], name=by_list[0], dtype=object)
    else:
        index = pd.MultiIndex.from_tuples(cells, names=by_list)
    out = pd.DataFrame(
        {
            "value": np.where(suppressed, np.nan, np.asarray(shown, dtype=float)),
            "n_contributors": pd.array(
                [pd.NA if s else int(k) for s, k in zip(suppressed, n, strict=True)],
                dtype="Int64"),
            "status": status,
            "rule": rule,
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


def _labels_and_codes(column: pd.Series) -> tuple[list, np.ndarray]:
    """:func:`_labels` of ``column`` (no label missing) and the position in them of every
    row's label, as the reference path matches them (by the labels as objects).

    For a categorical column the labels are the categories that occur, in their order, and
    the positions follow from the category codes (the categories are distinct as objects:
    pandas allows no duplicates)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        categories = list(column.cat.categories)
        present = np.bincount(codes, minlength=len(categories)) > 0
        labels = [c for c, p in zip(categories, present.tolist(), strict=True) if p]
        return labels, (np.cumsum(present) - 1)[codes].astype(np.int64)
    part, uniques = pd.factorize(column.astype(object).to_numpy(dtype=object))
    labels = sorted(uniques.tolist())
    position = {lab: i for i, lab in enumerate(labels)}
    return labels, np.array([position[u] for u in uniques], dtype=np.int64)[part]


class _Rows:
    """The rows of a table (the survey's year, where the value is known) and its cells.

    Every cell is a group of one *grouping*, a tuple of the ``by`` dimensions it is
    classified by: ``(0,)`` the cells of a one-way table or the row margins of a two-way
    table, ``(0, 1)`` the interior of a two-way table, ``()`` the grand total. The groups of
    all groupings are numbered together (``_offset`` of each grouping plus the position of
    the group's labels); :meth:`_compute` computes the weighted sums and the primary status
    of every group.
    """

    def __init__(self, sel: pd.DataFrame, by_list: list, value: str | None, stat: str,
                 boolean: bool, rules: DisclosureRules, x: np.ndarray | None = None):
        self.sel, self.by_list, self.value = sel, by_list, value
        self.stat, self.boolean, self.rules = stat, boolean, rules
        self.index = sel.index
        self.w = sel["weight"].to_numpy(dtype=float)
        if x is None:
            x = np.ones(len(sel)) if value is None else sel[value].to_numpy(dtype=float)
        self.x = x
        self.magnitude = stat != "count" and not boolean
        self.dims, self.codes = map(list, zip(*(_labels_and_codes(sel[b]) for b in by_list),
                                              strict=True))
        self._negated: _Rows | None = None
        self._offset: dict[tuple, int] = {}
        size = [1] + [len(d) for d in self.dims]
        groupings = [(), *((i,) for i in range(len(by_list)))]
        if len(by_list) == 2:
            groupings.append((0, 1))
            size.append(size[1] * size[2])
        at = 0
        for g, k in zip(groupings, size, strict=True):
            self._offset[g] = at
            at += k
        self._size = dict(zip(groupings, size, strict=True))
        self._done: set = set()
        self.num = np.zeros(at)
        self.den = np.zeros(at)
        self.present = np.zeros(at, dtype=bool)
        self.n = np.zeros(at, dtype=np.int64)
        self.status = np.full(at, "publish", dtype=object)
        self.rule = np.full(at, "", dtype=object)

    def negated(self) -> _Rows:
        """The rows with the boolean value negated, for the table of totals of the firms
        without the property (``tabulate`` of the survey with ``~value``)."""
        if self._negated is None:
            self._negated = _Rows(self.sel, self.by_list, self.value, "total", True,
                                  self.rules, x=1.0 - self.x)
        return self._negated

    def _group_ids(self, g: tuple) -> np.ndarray:
        if not g:
            return np.zeros(len(self.x), dtype=np.int64)
        if len(g) == 1:
            return self.codes[g[0]]
        return self.codes[0] * len(self.dims[1]) + self.codes[1]

    def _compute(self, groupings: list) -> None:
        """The weighted sums and the primary status of the groups of ``groupings``."""
        todo = [g for g in groupings if g not in self._done]
        if not todo:
            return
        self._done.update(todo)
        ids = [self._group_ids(g) + self._offset[g] for g in todo]
        k = len(todo)
        wx = self.w * self.x
        for i in ids:
            at, num, den = _group_sums(wx, self.w, i)
            self.num[at] = num
            self.den[at] = den
            self.present[at] = True

        if self.stat == "count":
            rows = np.ones(len(self.x), dtype=bool)
        elif self.boolean:
            rows = self.x > 0
        else:
            rows = np.ones(len(self.x), dtype=bool)
        if not rows.any():
            return
        labels = self.index[rows]
        rules = self.rules
        if self.magnitude:
            x = _finite_contributions(self.x[rows], labels)
            if rules.enabled and rules.apply_to_weighted:
                x = x * np.abs(self.w[rows])
        else:
            x = np.ones(int(rows.sum()))
        firm = self.sel["firm_id"]
        firm = _contributor_ids(firm if rows.all() else firm[rows], labels)
        firm_code = pd.factorize(firm)[0].astype(np.int64)
        cell = [i[rows] for i in ids]
        # one programme for all the groupings: the groups are numbered from 0 on
        base = min(self._offset[g] for g in todo)
        span = max(self._offset[g] + self._size[g] for g in todo) - base
        fast = _primary_fired(np.concatenate(cell) - base, span, np.tile(x, k),
                              np.tile(firm_code, k), rules, self.magnitude)
        if fast is not None:
            for c in cell:
                self._set(c, c - base, fast)
            return
        for c, g in zip(cell, todo, strict=True):
            off = self._offset[g]
            local = c - off
            n_cells = self._size[g]
            one = _primary_fired(local, n_cells, x, firm_code, rules, self.magnitude)
            if one is None:
                index = pd.Index(np.unique(local), name="_c0")
                work = pd.DataFrame({"_c0": local, "_x": x, "_firm": firm_code})
                n, fired = _primary_fired_reference(work, ["_c0"], index, rules,
                                                    self.magnitude)
                full_n = np.zeros(n_cells, dtype=np.int64)
                full_n[index.to_numpy()] = n
                full_fired = []
                for f in fired:
                    full = np.zeros(n_cells, dtype=bool)
                    full[index.to_numpy()] = f
                    full_fired.append(full)
                one = full_n, full_fired
            self._set(c, local, one)

    def _set(self, cell: np.ndarray, local: np.ndarray, result) -> None:
        """Store the contributors and statuses of the groups with contributing rows
        (``cell``: their global numbers, ``local``: their positions in ``result``)."""
        n, fired = result
        at, first = np.unique(cell, return_index=True)
        pos = local[first]
        self.n[at] = n[pos]
        text = _rule_text(len(pos), [f[pos] for f in fired], self.rules)
        self.rule[at] = text
        if self.rules.enabled:
            self.status[at] = ["primary" if r else "publish" for r in text]
        else:
            self.status[at] = "unprotected"

    def table(self, dims: tuple, margins: bool, protected: bool):
        """The cells of the table by ``dims`` (``(0,)``, ``(1,)`` or ``(0, 1)``) with their
        label tuples, shown figures, contributors, statuses and rules (object arrays), as
        :func:`_tabulate_reference` computes them before building its frame."""
        if len(dims) == 1:
            i = dims[0]
            size = len(self.dims[i])
            needed = [(i,), ()] if margins else [(i,)]
            self._compute(needed)
            cells: list[tuple] = [(r,) for r in self.dims[i]]
            cells += [(TOTAL,)] if margins else []
            row = np.arange(len(cells))
            col = np.full(len(cells), -1)
            group = self._offset[(i,)] + row
            if margins:
                group[-1] = self._offset[()]
            n_rows, n_cols = size, -1
        else:
            n_rows, n_cols = len(self.dims[0]), len(self.dims[1])
            needed = [(0, 1), (0,), (1,), ()] if margins else [(0, 1)]
            self._compute(needed)
            extra = [TOTAL] if margins else []
            rlab, clab = self.dims[0] + extra, self.dims[1] + extra
            cells = [(r, c) for r in rlab for c in clab]
            row = np.repeat(np.arange(len(rlab)), len(clab))
            col = np.tile(np.arange(len(clab)), len(rlab))
            group = self._offset[(0, 1)] + row * n_cols + col
            if margins:
                group = np.where(col == n_cols, self._offset[(0,)] + row, group)
                group = np.where(row == n_rows, self._offset[(1,)] + col, group)
                group[(row == n_rows) & (col == n_cols)] = self._offset[()]
        num, den = self.num[group], self.den[group]
        empty = ~self.present[group]
        n = self.n[group]
        status = self.status[group]
        rule = self.rule[group]
        if self.stat == "count":
            shown = additive = den
        else:
            additive = num
            if self.stat == "total":
                shown = num
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    shown = num / np.where(den > 0, den, np.nan)

        if protected and margins:
            grid = np.flatnonzero(~empty)
            layout_status = status[grid].copy()
            locked = np.zeros(grid.size, dtype=bool)
            if len(dims) == 2:
                # the margins are the one-way tables by each variable, which are published
                # on their own: their protected statuses are taken and never changed here
                for i in (0, 1):
                    _, _, _, one_status, one_rule = self.table((i,), True, True)
                    at = (col if i == 0 else row)[grid] == (n_cols if i == 0 else n_rows)
                    pos = (row if i == 0 else col)[grid][at]
                    layout_status[at] = one_status[pos]
                    locked[at] = True
                    rule[grid[at]] = one_rule[pos]
            status[grid] = self._secondary(
                [cells[j] for j in grid], row[grid], col[grid] if len(dims) == 2 else None,
                n_rows, n_cols, additive[grid], layout_status, locked)
            rule[(status == "secondary") & (rule == "")] = "complementary"
        if protected and self.boolean and self.stat == "mean":
            # a proportion reveals the count of firms with the property and the count of
            # those without it: it is published only where both protected count tables
            # publish
            _, _, _, other_status, other_rule = self.negated().table(dims, margins, True)
            for j in range(len(cells)):
                st, rl = other_status[j], other_rule[j]
                if st in ("primary", "secondary") and status[j] == "publish":
                    status[j] = st
                    rule[j] = (f"without the property: {rl}" if st == "primary"
                               else "complementary")
        if protected:
            # a figure that is not a finite number (an all-zero denominator, an overflow) is
            # never published
            bad = (status == "publish") & ~np.isfinite(shown)
            status[bad] = "not_available"
            rule[bad] = "not a finite number"
        return cells, shown, n, status, rule

    @staticmethod
    def _secondary(cells: list, row: np.ndarray, col: np.ndarray | None, n_rows: int,
                   n_cols: int, values: np.ndarray, status: np.ndarray,
                   locked: np.ndarray) -> np.ndarray:
        """The statuses after :func:`suppress_secondary` of the table's cells that have
        rows (``row``, ``col``: positions of their labels, ``n_rows``, ``n_cols``: those of
        the margins), as an object array.

        The table is given to the secondary suppression as arrays; when that finds the
        table invalid, the frame of the reference path is built and passed to
        :func:`suppress_secondary`, for its exact error."""
        two_d = col is not None
        try:
            bad = ~np.isin(status, STATUSES)
            suppressed = np.isin(status, ("primary", "secondary"))
            if bad.any() or (np.isnan(values) & ~suppressed).any():
                raise InputError("invalid table")
            nonnegative = bool(np.all(values[~np.isnan(values)] >= 0))
            row_codes, row_uniques = pd.factorize(row)
            if two_d:
                col_codes, col_uniques = pd.factorize(col)
                margin = (row == n_rows) | (col == n_cols)
                totals = (_where(row_uniques, n_rows), _where(col_uniques, n_cols))
                labels: list = cells
            else:
                col_codes, col_uniques = np.full(len(cells), -1), []
                margin = row == n_rows
                totals = (-1, -1)
                labels = [c[0] for c in cells]
            t = _assemble(labels, ["_d0", "_d1"] if two_d else ["_d0"], values, suppressed,
                          margin, two_d, (row_codes, list(row_uniques), col_codes,
                                          list(col_uniques), totals),
                          True, nonnegative, lambda: locked, "value")
        except InputError:
            dims_cols = {f"_d{i}": [c[i] for c in cells] for i in range(2 if two_d else 1)}
            layout = pd.DataFrame({**dims_cols, "value": values,
                                   "status": np.array(status, dtype=object),
                                   "locked": locked})
            done = suppress_secondary(layout, "value", "status", row="_d0",
                                      col="_d1" if two_d else None, locked="locked")
            return done["status"].to_numpy(dtype=object)
        supp = _protect(t, 1e-6)
        out = status.copy()
        out[supp & ~suppressed] = "secondary"
        return out


def _group_sums(wx: np.ndarray, w: np.ndarray, group: np.ndarray):
    """The groups of ``group`` and their sums of ``wx`` and ``w``, as the reference path
    computes them: one pandas group sum of the frame ``{"num": wx, "den": w}`` by the groups
    numbered in order of first appearance (the algorithm pandas uses depends on this
    numbering; its sums are compensated or pairwise, not those of ``numpy.bincount``). The
    numbers are given as an Index and the two columns are not selected, which costs pandas
    less than an array key and a selection, for the same group sum of the same values."""
    code, uniques = pd.factorize(group)
    agg = pd.DataFrame({"num": wx, "den": w})
    sums = agg.groupby(pd.Index(code), sort=False).sum()
    return (uniques[sums.index.to_numpy()], sums["num"].to_numpy(),
            sums["den"].to_numpy())


def _where(uniques: np.ndarray, label: int) -> int:
    """The position of ``label`` in ``uniques``, or -1."""
    at = np.flatnonzero(uniques == label)
    return int(at[0]) if at.size else -1


def _tabulate_reference(survey, by, value, year, stat, rules, protect, margins,
                        groups: dict) -> pd.DataFrame:
    """:func:`tabulate` with pandas (the reference path; :func:`_tabulate` takes it for a
    survey with duplicate row or column labels). ``groups`` holds the cells of each grouping
    (by the tuple of its ``by`` columns) already computed for the same survey, value, year,
    statistic and rules: a two-way table shares its one-way margins and grand total with the
    one-way tables it takes the margins' statuses from."""
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
            groups[tuple(keys)] = _group_reference(sel, keys, x, w, contrib, magnitude, run_rules)
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
                one = _tabulate_reference(survey, b, value, year, stat, rules, True, True,
                                          groups)
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
        other = _tabulate_reference(negated, by_list if len(by_list) > 1 else by_list[0],
                                    value, year, "total", rules, True, margins, {})
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
    return _table(list(table["cell"]), shown.to_numpy(dtype=float), table["n"],
                  table["status"].astype(str).to_numpy(), table["rule"].astype(str).to_numpy(),
                  by_list, survey, protected, rules, stat, value, year)
