"""Weights for respondents of a census with non-response.

The NLDTIB survey is sent to every known firm; about a quarter answer. The weights of the
respondents therefore do not come from a sampling design but from a model of who answers.
:func:`weight_respondents` builds them from the frame's counts of firms by a few frame
variables (size class, domain, NLD area):

* ``method="cells"``: **response homogeneity groups** :cite:p:`sarndal2005`. Every cell of the
  ``by`` variables is a group; a respondent's weight is ``N_g / n_g`` (frame firms over
  respondents of its group). Groups with fewer than ``min_respondents`` respondents are
  collapsed with a neighbour by the rule below. Under the assumption that firms respond at
  random within a group (MAR given the groups), the respondents of a group are a simple random
  sample of its firms; the groups are the strata of a stratified design with the finite
  population correction ``1 - n_g / N_g``.
* ``method="propensity"``: a **response propensity model** :cite:p:`little1986`: a logistic
  regression of response on the main effects of the ``by`` variables, fitted on the frame
  (respondents against non-respondents, cell by cell), weights ``1 / p_hat``, then raked to
  the frame's count of every category of every ``by`` variable
  (:func:`~nldtib_forecast.survey.calibrate_weights`). The strata for the variance are
  ``n_classes`` classes of the estimated propensity (merged to at least ``min_respondents``
  respondents), each with its frame count as ``N_h``.

Collapsing rule (``method="cells"``)
    Repeat while a group has fewer than ``min_respondents`` respondents: take the group with
    the fewest respondents (ties: first in cell order). Its *neighbours* are the groups holding
    a cell that differs from one of its cells in exactly one ``by`` variable, where for an
    ordered variable (``size_class``) only adjacent categories count. Merge it with the
    neighbour that differs in the latest ``by`` variable (the first ``by`` variable is kept
    intact longest), then with the closest response rate, then with the fewest respondents,
    then first in cell order. A group without neighbours merges with the group of closest
    response rate. Frame cells without respondents are groups with zero respondents and are
    merged the same way, so their firms are represented.

Replicates
    The design built on the weighted frame (:class:`~nldtib_forecast.survey.SurveyDesign`)
    recomputes the weights inside every bootstrap replicate: the Rao-Wu factors of the
    respondents change the respondent counts of the groups (and, for the propensity method, the
    fitted model and the raking), and the weights are recomputed from the frame counts. Counts
    the weights are calibrated to therefore have no replicate variance.

Why this module is in ``data`` (and its names are public in ``survey``)
    The non-response weights are part of *preparing* the survey file, not of estimating from
    it: a respondent file without weights is incomplete, and the embedded synthetic survey
    (:func:`~nldtib_forecast.data.synthetic_survey`) and
    :func:`~nldtib_forecast.data.read_survey` (``population=``) return frames weighted here.
    The weights need only the frame's counts and the schema (which is ``data``'s), not a
    design or an estimator, so the module sits in the lower layer: ``data`` then imports
    nothing of ``survey``, and ``survey`` (the design, which re-runs the weighting in its
    replicates, and the calibration, which rakes with :func:`rake`) imports ``data``, the one
    allowed direction (the ``layers`` contract in ``pyproject.toml``). The functions are
    estimation methods to a user, so their documented, public home stays
    :mod:`nldtib_forecast.survey` (``from nldtib_forecast.survey import weight_respondents``),
    which re-exports them; ``nldtib_forecast.data`` does not.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit

from nldtib_forecast._errors import InputError, Problem, check_int, check_option
from nldtib_forecast.data._schema import CATEGORIES

__all__ = ["weight_respondents", "weighting_report", "frame_counts", "WeightingReport",
           "MIN_RESPONDENTS"]

#: Default minimum number of responding firms per response homogeneity group.
MIN_RESPONDENTS = 10
_METHODS = ("cells", "propensity")
_SEP = "|"
_JOIN = " + "
_COUNT = "count"
_IRLS_TOL = 1e-12
_RAKE_TOL = 1e-12


class FrozenRecipe(Mapping):
    """A read-only mapping kept in ``DataFrame.attrs``: pandas deep-copies ``attrs`` on most
    operations, and a weighting recipe holds a few thousand numbers, so copies share it."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping) -> None:
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenRecipe({sorted(self._data)})"

    def __copy__(self) -> FrozenRecipe:
        return self

    def __deepcopy__(self, memo) -> FrozenRecipe:
        return self

    def __reduce__(self):
        return (FrozenRecipe, (self._data,))


#: Types whose values a deep copy returns as they are (immutable scalars).
_ATOMIC = frozenset({int, float, str, bool, type(None), np.float64, np.int64, np.bool_})


class AttrsDict(dict):
    """A dict of plain values (numbers, text) kept in ``DataFrame.attrs``, e.g. the frame
    size per stratum: pandas deep-copies ``attrs`` into every column taken from the frame
    and into most results, and a deep copy of a dict of immutable values is a shallow copy,
    which this makes about twenty times cheaper. A dict in every other respect (equal to,
    printed and pickled as the same values); a value that is not a plain scalar is deep-copied
    as usual."""

    __slots__ = ()

    def __deepcopy__(self, memo) -> dict:
        if all(type(v) in _ATOMIC for v in self.values()):
            return AttrsDict(self)
        import copy

        return AttrsDict({copy.deepcopy(k, memo): copy.deepcopy(v, memo)
                          for k, v in self.items()})

    def __reduce__(self):
        return (AttrsDict, (dict(self),))


# ---------------------------------------------------------------------------------- inputs
def _by_list(by: object) -> list[str]:
    names = [by] if isinstance(by, str) else list(by) if isinstance(by, (list, tuple)) else None
    if not names or not all(isinstance(b, str) for b in names) or len(set(names)) != len(names):
        raise InputError(f"argument 'by': expected a column name or a list of distinct column "
                         f"names, got {by!r}")
    return names


def _label(value: object) -> str:
    """A cell label as text (integers stored as floats lose their '.0')."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _labels_of(values: object) -> np.ndarray:
    """:func:`_label` of every element (an object array), computed once per distinct value.

    Values are grouped by :func:`pandas.factorize`; an object array whose distinct values are
    not all text (where ``1``, ``1.0`` and ``True`` would share a group) and missing values
    take the element-by-element path, so the result is that of ``map(_label)`` in any case.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))

    def _one_by_one() -> np.ndarray:
        return series.map(_label).astype(object).to_numpy()

    text_dtype = isinstance(series.dtype, pd.StringDtype)
    if not text_dtype and (not isinstance(series.dtype, np.dtype)
                           or series.dtype.kind not in "biufO"):
        return _one_by_one()  # categorical, nullable and date columns
    codes, uniques = pd.factorize(series)
    uniques = np.asarray(uniques, dtype=object)
    if (text_dtype or series.dtype.kind == "O") and not all(type(u) is str for u in uniques):
        return _one_by_one()
    text = np.empty(len(uniques) + 1, dtype=object)
    text[:-1] = [_label(u) for u in uniques]
    out = text[codes]  # code -1 (missing) picks the spare last slot, filled below
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        out[missing] = series.iloc[missing].map(_label).astype(object).to_numpy()
    return out


def _missing(frame_columns, name: str, where: str) -> Problem:
    cands = [c for c in frame_columns if isinstance(c, str)]
    close = get_close_matches(name, cands, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Problem(name, f"'by' column is not in the {where}{hint}")


def _population_table(population: object, by: list[str]) -> pd.DataFrame:
    """The frame counts as a DataFrame: the ``by`` columns (text) and ``count`` (int)."""
    labels, counts, _ = _population_cells(population, by)
    out = pd.DataFrame({b: pd.Series(text, dtype=object)
                        for b, text in zip(by, labels, strict=True)})
    out[_COUNT] = counts
    return out


def _population_cells(population: object, by: list[str]
                      ) -> tuple[list[np.ndarray], np.ndarray, dict[tuple, int]]:
    """The frame counts checked: the text labels of every ``by`` column (object arrays, in the
    order of ``by``) and the counts (int64), one element per cell (:func:`_population_table`
    as arrays), and the position of every cell by the tuple of its labels."""
    if isinstance(population, pd.Series):
        names = list(population.index.names)
        if names != by:
            raise InputError(f"argument 'population': a Series must be indexed by the 'by' "
                             f"columns {by}; its index levels are {names}")
        table = population.rename(_COUNT).reset_index()
    elif isinstance(population, pd.DataFrame):
        table = population  # only read
    else:
        raise InputError("argument 'population': expected a DataFrame with the 'by' columns "
                         "and a 'count' column, or a Series indexed by the 'by' columns; got "
                         f"{type(population).__name__}")
    problems = [_missing(table.columns, b, "population counts") for b in by
                if b not in table.columns]
    if _COUNT not in table.columns:
        problems.append(Problem(_COUNT, "the population counts need a 'count' column (the "
                                        "number of frame firms of each cell)"))
    if problems:
        raise InputError("argument 'population': column(s) missing", problems)
    if len(table) == 0:
        raise InputError("argument 'population': no cells (0 rows)")
    table = _without_attrs(table)
    columns = [table[b] for b in by]
    problems = []
    for b, column in zip(by, columns, strict=True):
        na = column.isna().to_numpy(dtype=bool)
        if na.any():
            problems.append(Problem(b, "cell labels must not be missing",
                                    tuple(table.index[na][:5]), int(na.sum())))
    count = table[_COUNT]
    if isinstance(count.dtype, np.dtype) and count.dtype.kind in "iuf":
        counts = count.to_numpy().astype(float)  # what pd.to_numeric(...) below gives
    else:
        counts = pd.to_numeric(count, errors="coerce").to_numpy(dtype=float,
                                                                 na_value=np.nan)
    bad = ~np.isfinite(counts) | (counts < 0) | (np.abs(counts - np.rint(counts)) > 1e-9)
    if bad.any():
        problems.append(Problem(_COUNT, "counts must be non-negative integers (numbers of "
                                        "frame firms)", tuple(table.index[bad][:5]),
                                int(bad.sum())))
    if problems:
        raise InputError("argument 'population': invalid counts", problems)
    labels = [_labels_of(column) for column in columns]
    lookup = {k: i for i, k in enumerate(zip(*labels, strict=True))}
    if len(lookup) != len(table):
        codes = _row_codes(labels)
        dup = np.bincount(codes)[codes] > 1
        raise InputError("argument 'population': duplicated cells",
                         [Problem(",".join(by), "each cell of the 'by' columns may appear "
                                  "only once", tuple(table.index[dup][:5]), int(dup.sum()))])
    return labels, np.rint(counts).astype(np.int64), lookup


def _without_attrs(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``, or a shallow copy without ``attrs`` (pandas deep-copies ``attrs`` into every
    column read from a frame that has them)."""
    if not frame.attrs:
        return frame
    view = frame.copy(deep=False)
    view.attrs = {}
    return view


def _row_codes(columns: list[np.ndarray]) -> np.ndarray:
    """An integer code of every row of ``columns`` (equal values of every column: equal
    codes), ``0..k-1`` in order of first appearance."""
    combined = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column)
        combined = pd.factorize(combined * max(len(uniques), 1) + codes)[0].astype(np.int64)
    return combined


def _category_order(name: str, labels: list[str], source: pd.Series | None) -> list[str]:
    """Order of a ``by`` variable's categories and whether adjacency is meaningful."""
    if name in CATEGORIES:
        known = [c for c in CATEGORIES[name] if c in labels]
        return known + sorted(c for c in labels if c not in known)
    if source is not None and isinstance(source.dtype, pd.CategoricalDtype):
        known = [_label(c) for c in source.cat.categories if _label(c) in labels]
        return known + sorted(c for c in labels if c not in known)
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)


def _is_ordered(name: str, source: pd.Series | None) -> bool:
    if name == "size_class":
        return True
    if source is not None and isinstance(source.dtype, pd.CategoricalDtype):
        return bool(source.cat.ordered)
    return source is not None and pd.api.types.is_numeric_dtype(source.dtype)


def _positions(labels: pd.Series | np.ndarray, order: list[str]) -> np.ndarray:
    """Position of every label in ``order`` (NaN for a label not in it), as
    ``labels.map({c: i for i, c in enumerate(order)})`` gives."""
    where = {c: i for i, c in enumerate(order)}
    pos = [where.get(v, np.nan) for v in np.asarray(labels, dtype=object)]
    return np.asarray(pos, dtype=float if any(p is np.nan for p in pos) else np.int64)


# ------------------------------------------------------------------------------- collapsing
def _collapse(pos: np.ndarray, N: np.ndarray, n: np.ndarray, by: list[str],
              is_ord: np.ndarray, min_resp: int) -> tuple[np.ndarray, list[dict]]:
    """Group index of every cell and the list of merges (see the module's collapsing rule).

    ``pos`` (cells x ``by``): the position of every cell's category of every ``by`` variable
    in its order; ``N``, ``n``: the cells' frame firms and respondents; ``is_ord``: whether
    each ``by`` variable is ordered.

    A group is known by the cell whose number it carries (a merged group takes the number of
    the group it merges into); its respondents, frame firms, first cell and neighbour relation
    to every other group are kept up to date merge by merge (sums of whole numbers and maxima:
    the same values as recomputing them from the cells).
    """
    C = len(N)
    # cell-level neighbour relation: differ in exactly one variable (adjacent if ordered);
    # value = index of that variable (larger = later 'by' variable)
    diff = pos[:, None, :] != pos[None, :, :]
    one = diff.sum(axis=2) == 1
    var = np.argmax(diff, axis=2)
    gap = np.abs(pos[:, None, :] - pos[None, :, :]).max(axis=2)
    adjacent = ~is_ord[var] | (gap == 1)
    neighbour_var = np.where(one & adjacent, var, -1)  # (C, C)
    # from here on neighbour_var[g, h] is kept, for the live groups g and h, as the latest
    # variable in which a cell of g neighbours a cell of h (-1: none); symmetric

    group = np.arange(C)
    g_n_all = np.asarray(n, dtype=float).copy()  # respondents of the group numbered i
    g_N_all = np.asarray(N, dtype=float).copy()
    rate_all = np.divide(g_n_all, g_N_all, out=np.zeros(C), where=g_N_all > 0)
    first_all = np.arange(C)  # its first cell
    alive = np.ones(C, dtype=bool)
    merges: list[dict] = []
    while True:
        live = np.flatnonzero(alive)  # the live groups' numbers, ascending
        if live.size == 1:
            break
        g_n = g_n_all[live]
        if g_n.min() >= min_resp:
            break
        first = first_all[live]
        k = int(np.lexsort((first, g_n))[0])  # fewest respondents; ties: first in cell order
        this = int(live[k])
        best_var = neighbour_var[this, live]  # (a copy)
        best_var[k] = -1
        cand = np.flatnonzero(best_var >= 0)
        reason = "neighbour"
        if cand.size == 0:
            cand, reason = np.flatnonzero(live != this), "closest response rate"
        # order: latest variable, closest response rate, fewest respondents, first (a unique
        # last key: the smallest tuple is the first of np.lexsort's order)
        rate = rate_all[live]
        j = min((-best_var[c], abs(rate[c] - rate[k]), g_n[c], first[c], c)
                for c in cand.tolist())[-1]
        other = int(live[j])
        merges.append({"group": this, "into": other, "respondents": int(g_n[k]),
                       "variable": by[best_var[j]] if best_var[j] >= 0 else None,
                       "reason": reason})
        group[group == this] = other
        g_n_all[other] += g_n_all[this]
        g_N_all[other] += g_N_all[this]
        rate_all[other] = g_n_all[other] / g_N_all[other] if g_N_all[other] > 0 else 0.0
        first_all[other] = min(first_all[other], first_all[this])
        joined = np.maximum(neighbour_var[other], neighbour_var[this])
        neighbour_var[other] = joined
        neighbour_var[:, other] = joined
        alive[this] = False
    # relabel 0..G-1 in order of first cell
    _, first, inverse = np.unique(group, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    return rank[inverse.ravel()], merges


# ----------------------------------------------------------------------- propensity model
def _main_effects(labels: list[np.ndarray], by: list[str], order: dict[str, list[str]]):
    """Design matrix of the main-effects logit on the cells (``labels``: the cells' text
    labels of every ``by`` variable): intercept + treatment dummies."""
    cols, names = [np.ones(len(labels[0]))], ["Intercept"]
    for b, text in zip(by, labels, strict=True):
        for cat in order[b][1:]:
            cols.append((text == cat).astype(float))
            names.append(f"{b}[{cat}]")
    return np.column_stack(cols), names


def _irls(X: np.ndarray, trials: np.ndarray, successes: np.ndarray,
          max_iter: int = 100) -> np.ndarray:
    """Grouped logistic regression by IRLS, vectorised over the columns of ``successes``.

    ``X`` (C, K); ``trials`` (C,); ``successes`` (C, B). Returns the fitted probabilities
    (C, B). A tiny ridge keeps replicates in which a category has no respondent finite.
    """
    C, K = X.shape
    B = successes.shape[1]
    beta = np.zeros((K, B))
    ridge = 1e-10 * np.eye(K)
    for _ in range(max_iter):
        p = expit(X @ beta)
        w = trials[:, None] * p * (1 - p)
        score = X.T @ (successes - trials[:, None] * p)
        H = np.einsum("ck,cb,cl->bkl", X, w, X) + ridge
        step = np.linalg.solve(H, score.T[:, :, None])[:, :, 0].T
        beta += step
        if np.max(np.abs(step)) < _IRLS_TOL:
            break
    return expit(X @ beta)


def rake(W: np.ndarray, codes: list[np.ndarray], totals: list[np.ndarray],
          max_iter: int = 200) -> np.ndarray:
    """Raking (IPF) of the columns of ``W`` (units x B) to categorical totals."""
    W = W.copy()
    n = W.shape[0]
    inds = [sparse.csr_array((np.ones(n), (code, np.arange(n))), shape=(len(t), n))
            for code, t in zip(codes, totals, strict=True)]
    for _ in range(max_iter):
        err = 0.0
        for ind, code, t in zip(inds, codes, totals, strict=True):
            s = ind @ W
            f = np.divide(t[:, None], s, out=np.ones_like(s), where=s > 0)
            W *= f[code]
            err = max(err, float(np.max(np.abs(s - t[:, None]) / (1 + t[:, None]))))
        if err < _RAKE_TOL:
            break
    return W


# ------------------------------------------------------------------------ the recipe
def _firm_units(frame: pd.DataFrame, firm: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The unit (firm, or row) of every row, and the row of each unit's latest year."""
    if firm is None:
        return np.arange(len(frame)), np.arange(len(frame))
    order = np.arange(len(frame))
    if "year" in frame.columns:
        year = frame["year"]
        if isinstance(year.dtype, np.dtype) and year.dtype.kind in "iu":
            yr = year.to_numpy().astype(float)  # what pd.to_numeric(...) below gives
        else:
            yr = pd.to_numeric(year, errors="coerce").to_numpy(dtype=float, na_value=-np.inf)
        order = np.lexsort((np.arange(len(frame)), yr))
    ids = frame[firm].astype(str).to_numpy()
    units = _sorted_codes(ids)
    last = np.zeros(units.max() + 1, dtype=np.int64)
    last[units[order]] = order  # the latest row of each firm wins
    return units, last


def _sorted_codes(values: np.ndarray) -> np.ndarray:
    """``pd.factorize(values, sort=True)[0]``; for text without missing values the distinct
    values are found by hashing and only they are sorted (pandas sorts text by ``argsort``
    too, so the codes are the same)."""
    codes, uniques = pd.factorize(values)
    if not (isinstance(uniques, np.ndarray) and uniques.dtype == object) or \
            (codes < 0).any() or not all(type(u) is str for u in uniques):
        return pd.factorize(values, sort=True)[0]
    rank = np.empty(len(uniques), dtype=codes.dtype)
    rank[np.argsort(uniques)] = np.arange(len(uniques))
    return rank[codes]


def _firm_cells(frame: pd.DataFrame, by: list[str], firm: str | None):
    """Per unit (firm, or row): its row positions and its ``by`` labels (last year's row)."""
    units, last = _firm_units(frame, firm)
    labels = pd.DataFrame({b: frame[b].to_numpy()[last] for b in by})
    return units, last, labels


def _column_codes(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The text labels (:func:`_label`) of ``column`` at ``rows`` as codes into an array of
    texts. A categorical column of text categories without missing values at ``rows`` is read
    from its codes (one label per category); any other column is labelled value by value as
    :func:`_cell_index` does (a missing value's text depends on how pandas hands it out)."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) and (
            isinstance(dtype.categories.dtype, pd.StringDtype)
            or dtype.categories.dtype == object) and all(
            type(c) is str for c in dtype.categories):
        categories = dtype.categories
        codes = np.asarray(column.array.codes)[rows].astype(np.int64)
        if not (codes < 0).any():
            texts = np.array([_label(c) for c in categories], dtype=object)
            return codes, texts
    labels = pd.DataFrame({"_": column.to_numpy()[rows]})["_"]
    codes, texts = pd.factorize(_labels_of(labels))
    return codes.astype(np.int64), np.asarray(texts, dtype=object)


def _unit_cells(frame: pd.DataFrame, by: list[str], last: np.ndarray,
                cells: pd.DataFrame) -> np.ndarray:
    """``_cell_index(_firm_cells(frame, by, firm)[2], cells, by)`` without labelling every
    unit: each distinct combination of the ``by`` columns' codes is looked up once."""
    lookup = {k: i for i, k in enumerate(cells[by].itertuples(index=False, name=None))}
    if len(lookup) != len(cells):  # duplicated cells: as _cell_index
        labels = pd.DataFrame({b: frame[b].to_numpy()[last] for b in by})
        return _cell_index(labels, cells, by)
    return _lookup_cells([frame[b] for b in by], last, lookup)


def _lookup_cells(columns: list[pd.Series], last: np.ndarray,
                  lookup: dict[tuple, int]) -> np.ndarray:
    """:func:`_unit_cells` given the ``by`` columns and the cells' positions by label tuple
    (cells without duplicates)."""
    combined = np.zeros(len(last), dtype=np.int64)
    parts = []
    for column in columns:
        codes, texts = _column_codes(column, last)
        if len(combined) and int(combined.max()) >= 2**62 // max(len(texts), 1):
            combined = np.unique(combined, return_inverse=True)[1].ravel().astype(np.int64)
        combined = combined * len(texts) + codes
        parts.append((codes, texts))
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    hit = np.array([lookup.get(k, -1) for k in zip(*(texts[codes[first]]
                                                      for codes, texts in parts), strict=True)],
                   dtype=np.int64)
    return hit[inverse.ravel()]


def _cell_index(labels: pd.DataFrame, cells: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Position in ``cells`` of every row of ``labels`` (-1: not a cell), matching the text
    labels (:func:`_label`) of the ``by`` columns; each distinct combination is looked up
    once."""
    lookup = {k: i for i, k in enumerate(cells[by].itertuples(index=False, name=None))}
    if len(lookup) != len(cells):  # duplicated cells: the MultiIndex raises as it always did
        probe = pd.MultiIndex.from_frame(pd.DataFrame(
            {b: pd.Series(_labels_of(labels[b]), dtype=object) for b in by}))
        return pd.MultiIndex.from_frame(cells[by]).get_indexer(probe)
    texts = [_labels_of(labels[b]) for b in by]  # text, never missing
    combined = np.zeros(len(labels), dtype=np.int64)
    for text in texts:
        codes, u = pd.factorize(text)
        combined = pd.factorize(combined * max(len(u), 1) + codes)[0].astype(np.int64)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    hit = np.array([lookup.get(k, -1) for k in zip(*(t[first] for t in texts), strict=True)],
                   dtype=np.int64)
    return hit[inverse.ravel()]


def _recipe_weights(recipe: Mapping, unit_cell: np.ndarray, F: np.ndarray) -> np.ndarray:
    """Unit weights (units x B) of the recipe for replicate factors ``F`` (units x B)."""
    counts = np.asarray(recipe["counts"], dtype=float)
    C = counts.size
    ind = sparse.csr_array((np.ones(unit_cell.size), (unit_cell, np.arange(unit_cell.size))),
                           shape=(C, unit_cell.size))
    if recipe["method"] == "cells":
        group = np.asarray(recipe["group_of_cell"], dtype=np.int64)
        G = int(group.max()) + 1
        g_ind = sparse.csr_array((np.ones(C), (group, np.arange(C))), shape=(G, C))
        N_g = g_ind @ counts
        n_g = g_ind @ (ind @ F)  # replicate respondents per group (G, B)
        adj = np.divide(N_g[:, None], n_g, out=np.zeros_like(n_g), where=n_g > 0)
        return F * adj[group[unit_cell]]
    X = np.asarray(recipe["design_matrix"], dtype=float)
    p = _irls(X, counts, ind @ F)
    W = np.divide(F, p[unit_cell], out=np.zeros_like(F), where=F > 0)
    codes = [np.asarray(c, dtype=np.int64)[unit_cell] for c in recipe["margin_codes"]]
    totals = [np.asarray(t, dtype=float) for t in recipe["margin_totals"]]
    return rake(W, codes, totals)


def replicate_reweighting(frame: pd.DataFrame, psu_code: np.ndarray, weights: np.ndarray):
    """``(reweight, margins)``: a function ``F (n_psu x B) -> row weights (rows x B)``
    re-running the weighting in replicates, and for the propensity method the PSU x category
    dummies of the raking margins (for the linearisation); None when the frame has no (still
    valid) weighting recipe.

    Valid means: the recipe's ``by`` and firm columns are in the frame, every firm falls in a
    frame cell, and the recipe recomputed on the frame reproduces ``weights`` (so the frame
    was not subset or re-weighted since :func:`weight_respondents`).
    """
    recipe = frame.attrs.get("weighting")
    if not isinstance(recipe, Mapping) or "counts" not in recipe:
        return None
    by, firm = list(recipe["by"]), recipe.get("firm")
    if any(b not in frame.columns for b in by) or (firm is not None and
                                                   firm not in frame.columns):
        return None
    units, last = _firm_units(frame, firm)
    cells = pd.DataFrame(recipe["cells"], columns=by).astype(object)
    unit_cell = _unit_cells(frame, by, last, cells)
    if (unit_cell < 0).any() or units.max() + 1 != psu_code.max() + 1:
        return None
    # units and PSUs must coincide (both factorised firm ids, sorted)
    if not np.array_equal(pd.factorize(units)[0], pd.factorize(psu_code)[0]):
        return None
    unit_of_psu = np.zeros(psu_code.max() + 1, dtype=np.int64)
    unit_of_psu[psu_code] = units

    def reweight(F: np.ndarray) -> np.ndarray:
        Fu = np.empty_like(F)
        Fu[unit_of_psu] = F
        return _recipe_weights(recipe, unit_cell, Fu)[units]

    check = reweight(np.ones((psu_code.max() + 1, 1)))[:, 0]
    if not np.allclose(check, weights, rtol=1e-7, atol=0.0):
        return None
    margins = None
    if recipe["method"] == "propensity":  # PSU x category dummies of the raking margins
        cell_of_psu = unit_cell[unit_of_psu]
        margins = np.column_stack([
            (np.asarray(code, dtype=np.int64)[cell_of_psu][:, None]
             == np.arange(len(tot))[None, :]).astype(float)
            for code, tot in zip(recipe["margin_codes"], recipe["margin_totals"], strict=True)])
    return reweight, margins


# ------------------------------------------------------------------------ public function
def weight_respondents(respondents: pd.DataFrame, population: pd.DataFrame | pd.Series,
                       by: str | list[str], *, method: str = "cells",
                       min_respondents: int = MIN_RESPONDENTS, n_classes: int = 20,
                       firm: str | None = "firm_id", validate: bool = True) -> pd.DataFrame:
    """Weights for the respondents of a census with non-response, from the frame's counts.

    Parameters
    ----------
    respondents : pandas.DataFrame
        The responding firms' rows (one per firm and year) in the survey schema, with or
        without ``weight`` and ``stratum`` (both are replaced).
    population : pandas.DataFrame or pandas.Series
        The frame's number of firms in every cell of the ``by`` columns: a DataFrame with the
        ``by`` columns and a ``count`` column, or a Series indexed by the ``by`` columns. Every
        firm of the frame (respondent or not) is counted once.
    by : str or list of str
        Frame variables defining the cells (e.g. ``["size_class", "domain"]``). A firm is
        classified by its row of the latest year.
    method : {"cells", "propensity"}, default "cells"
        Response homogeneity groups with collapsing, or a logistic response propensity model
        raked back to the counts (see the module documentation).
    min_respondents : int, default 10
        Minimum number of responding firms of a response group (``cells``), or of a
        propensity class (``propensity``); at least 2 in any case. Ten keeps the collapsed
        groups close to the frame's cells on the NLDTIB's ~400 respondents; larger values give
        less variable weights and coarser non-response adjustment (statistics offices
        commonly use 20-30 :cite:p:`kalton2003`).
    n_classes : int, default 20
        Number of propensity classes (of equal frame size, before merging classes with fewer
        than ``min_respondents`` respondents) used as strata for the variance
        (``propensity``). Few classes mix unlike firms in a stratum and make the intervals
        conservative (with 5 classes the standard errors exceed the estimator's standard
        deviation by about 20% on the synthetic survey; with 20, by about 3%).
    firm : str or None, default "firm_id"
        Firm identifier: the unit that responds and is weighted (all its years share one
        weight). ``None``: every row is a unit.
    validate : bool, default True
        Check the respondents against the survey schema
        (:func:`~nldtib_forecast.data.validate_survey`) and return its normalised frame.

    Returns
    -------
    pandas.DataFrame
        A copy of ``respondents`` with ``weight`` (the respondent's weight, equal on all its
        years) and ``stratum`` (its response group or propensity class). The weights of each
        group's firms add up to the group's frame count (``cells``), or to the count of every
        category of every ``by`` variable (``propensity``). ``attrs["population_firms"]``
        holds the frame count per stratum (the finite population correction of
        :class:`~nldtib_forecast.survey.SurveyDesign`) and ``attrs["weighting"]`` the recipe
        that replicates re-run; :func:`weighting_report` shows the groups and the collapsing.

    Raises
    ------
    nldtib_forecast.InputError
        A ``by`` column missing from respondents or counts; counts that are missing,
        negative or not integers; duplicated cells; a respondent with a missing ``by`` value
        or in a cell the population does not have (or has with count 0); a cell with fewer
        frame firms than respondents; an unknown ``method``; a category of a ``by`` variable
        without respondents (``propensity``); fewer than 2 respondents in all.

    See Also
    --------
    weighting_report : The groups, the collapsing and the propensity model of the weighting.
    frame_counts : The ``population`` argument from a list of the frame's firms.
    calibrate_weights : Calibrate the weights further to other known totals.
    nldtib_forecast.data.read_survey : Reads a file and weights it with ``population=``.

    Notes
    -----
    The variance treats the response groups as strata of a stratified simple random sample
    with the finite population correction: the standard treatment when firms respond at
    random within the groups :cite:p:`sarndal2005`. If response also depends on the
    variable of interest within a group, the estimates are biased and the intervals do not
    show it (see the coverage study in :doc:`/methodology/survey`).

    References
    ----------
    .. [1] Little, R. J. A. (1986). Survey nonresponse adjustments for estimates of means.
       *International Statistical Review*, 54(2), 139-157. doi:10.2307/1403140
    .. [2] Kalton, G. and Flores-Cervantes, I. (2003). Weighting methods. *Journal of
       Official Statistics*, 19(2), 81-97.
    .. [3] Särndal, C.-E. and Lundström, S. (2005). *Estimation in Surveys with
       Nonresponse*. Wiley. doi:10.1002/0470011351

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import weight_respondents, weighting_report
    >>> pop = synthetic_survey(seed=0, population=True)
    >>> frame = pop.drop_duplicates("firm_id")
    >>> counts = frame.groupby(["size_class", "domain"], observed=True).size().rename("count")
    >>> respondents = synthetic_survey(seed=0).drop(columns=["weight", "stratum"])
    >>> df = weight_respondents(respondents, counts, ["size_class", "domain"])
    >>> round(float(df.drop_duplicates("firm_id")["weight"].sum())) == len(frame)
    True
    >>> weighting_report(df).groups["respondents"].min() >= 10
    np.True_
    """
    method = check_option("method", method, _METHODS)
    by = _by_list(by)
    min_respondents = check_int(min_respondents, "min_respondents", 1)
    n_classes = check_int(n_classes, "n_classes", 1)
    if not isinstance(respondents, pd.DataFrame):
        raise InputError(f"argument 'respondents': expected a pandas DataFrame, got "
                         f"{type(respondents).__name__}")
    if len(respondents) == 0:
        raise InputError("argument 'respondents': no respondents (0 rows)")
    problems = [_missing(respondents.columns, b, "respondents' data") for b in by
                if b not in respondents.columns]
    if firm is not None and firm not in respondents.columns:
        problems.append(Problem(firm, "firm identifier column (argument 'firm') is not in the "
                                      "respondents' data"))
    if problems:
        raise InputError("weight_respondents: column(s) missing", problems)
    pop_labels, counts, lookup = _population_cells(population, by)

    attrs = dict(respondents.attrs)
    frame = respondents.copy()
    if validate:  # (the schema has weight and stratum; without validation both are set below)
        from nldtib_forecast.data._validate import validate_survey

        frame["weight"] = 1.0
        frame["stratum"] = "unweighted"
        frame = validate_survey(frame)  # (reads attrs["plausibility"])
    # the result's attrs are set at the end; meanwhile a frame without attrs spares pandas
    # deep-copying them into every column read
    frame.attrs = {}
    columns = [frame[b] for b in by]
    units, last = _firm_units(frame, firm)
    na = np.column_stack([column.isna().to_numpy()[last] for column in columns])
    if na.any():
        bad_rows = frame.index[last[na.any(axis=1)]]
        col = by[int(np.flatnonzero(na.any(axis=0))[0])]
        raise InputError("weight_respondents: respondents without a cell",
                         [Problem(col, "the 'by' values of a respondent must not be missing",
                                  tuple(bad_rows[:5]), len(bad_rows))])
    unit_cell = _lookup_cells(columns, last, lookup)
    outside = unit_cell < 0
    if not outside.any():
        outside = counts[unit_cell] == 0
    if outside.any():
        labels = _firm_cells(frame, by, firm)[2]
        cells_out = sorted({tuple(_label(v) for v in r) for r in
                            labels[outside].itertuples(index=False)})
        rows = frame.index[last[outside]]
        raise InputError("weight_respondents: respondents in cells the population does not "
                         "have",
                         [Problem(",".join(by), f"every respondent's cell must have a frame "
                                  f"count > 0; not in the population: {cells_out[:5]}",
                                  tuple(rows[:5]), len(rows))])
    resp = np.bincount(unit_cell, minlength=len(counts))
    over = resp > counts
    if over.any():
        table = pd.DataFrame({b: pd.Series(text, dtype=object)
                              for b, text in zip(by, pop_labels, strict=True)})
        which = [f"{tuple(table.loc[i, by])}: {counts[i]} < {resp[i]}"
                 for i in np.flatnonzero(over)[:5]]
        raise InputError("argument 'population': counts below the number of respondents",
                         [Problem(_COUNT, f"a cell's frame count must be >= its respondents; "
                                  f"violated in {which}", tuple(table.index[over][:5]),
                                  int(over.sum()))])
    if units.max() + 1 < 2:
        raise InputError("weight_respondents: at least 2 responding firms are needed")

    # the respondents' columns as given (validate_survey may have converted them)
    sources = dict(zip(by, columns, strict=True)) if not validate else \
        {b: respondents[b] for b in by}
    order = {b: _category_order(b, sorted(set(text)), sources[b])
             for b, text in zip(by, pop_labels, strict=True)}
    ordered = {b: _is_ordered(b, sources[b]) for b in by}
    # cells in a fixed order (by the categories' order), frame cells with count 0 dropped
    keep = counts > 0
    labels = [text[keep] for text in pop_labels]
    positions = [_positions(text, order[b]) for b, text in zip(by, labels, strict=True)]
    sort = np.lexsort(tuple(reversed(positions)))
    labels = [text[sort] for text in labels]
    positions = [pos[sort] for pos in positions]
    counts = counts[keep][sort]
    C = len(counts)
    # every respondent's cell has a count > 0 (checked above): renumber its cell
    new_position = np.full(keep.size, -1, dtype=np.int64)
    new_position[np.flatnonzero(keep)[sort]] = np.arange(sort.size)
    unit_cell = new_position[unit_cell]
    n_resp = np.bincount(unit_cell, minlength=C)
    cell_names = [_SEP.join(r) for r in zip(*labels, strict=True)]

    recipe: dict = {"method": method, "by": by, "firm": firm,
                    "min_respondents": int(min_respondents),
                    "cells": [list(r) for r in zip(*labels, strict=True)],
                    "counts": counts.tolist(),
                    "respondents": n_resp.tolist(),
                    "ordered": ordered}
    if method == "cells":
        group, merges = _collapse(np.column_stack(positions).astype(np.int64),
                                  counts.astype(float), n_resp.astype(float), by,
                                  np.array([ordered[b] for b in by]),
                                  max(int(min_respondents), 2))
        G = int(group.max()) + 1
        members: list[list[str]] = [[] for _ in range(G)]
        for name, g in zip(cell_names, group.tolist(), strict=True):
            members[g].append(name)
        group_names = [_JOIN.join(m) for m in members]
        n_g = np.bincount(group, weights=n_resp, minlength=G)
        if n_g.min() < 2:
            raise InputError(f"weight_respondents: only {int(n_g.sum())} responding firm(s); "
                             "at least 2 are needed for a variance")
        recipe.update(group_of_cell=group.tolist(), groups=group_names)
        stratum_of_unit = np.array(group_names, dtype=object)[group[unit_cell]]
        N_g = np.bincount(group, weights=counts, minlength=G)
        N_stratum = AttrsDict(zip(group_names, N_g.astype(int).tolist(), strict=True))
        # the merges as readable records: which cells ended in which group
        recipe["merges"] = _merge_records(merges, group, cell_names)
        # the weights N_g / n_g (as _recipe_weights computes them: sums of whole numbers)
        group_of_unit = group[unit_cell]
        n_g = np.bincount(group_of_unit, minlength=G).astype(float)
        unit_w = np.divide(N_g, n_g, out=np.zeros_like(n_g), where=n_g > 0)[group_of_unit]
    else:
        X, names = _main_effects(labels, by, order)
        problems = []
        margin_codes, margin_totals, margin_labels = [], [], []
        for b, code in zip(by, positions, strict=True):
            cats = order[b]
            r = np.bincount(code, weights=n_resp, minlength=len(cats))
            low = [str(c) for c, v in zip(cats, r, strict=True) if v < 1]
            if low:
                problems.append(Problem(b, f"categories without respondents: {low}; their "
                                           "firms cannot be represented (the response model "
                                           "separates): merge categories or use "
                                           "method='cells', which collapses cells"))
            margin_codes.append(code.tolist())
            margin_totals.append(np.bincount(code, weights=counts,
                                             minlength=len(cats)).tolist())
            margin_labels.append(cats)
        if problems:
            raise InputError("weight_respondents: the propensity model cannot be estimated",
                             problems)
        p_hat, model = _fit_propensity(X, names, n_resp.astype(float), counts.astype(float))
        classes = _propensity_classes(p_hat, counts.astype(float), n_resp.astype(float),
                                      n_classes, max(int(min_respondents), 2))
        K = int(classes.max()) + 1
        lo = [float(p_hat[classes == k].min()) for k in range(K)]
        hi = [float(p_hat[classes == k].max()) for k in range(K)]
        class_names = [f"propensity {k + 1} ({lo[k]:.2f}-{hi[k]:.2f})" for k in range(K)]
        recipe.update(design_matrix=X.tolist(), coef_names=names, model=model,
                      propensity=p_hat.tolist(), class_of_cell=classes.tolist(),
                      groups=class_names, margin_codes=margin_codes,
                      margin_totals=margin_totals, margin_labels=margin_labels, merges=[])
        stratum_of_unit = np.array(class_names, dtype=object)[classes[unit_cell]]
        N_stratum = AttrsDict(zip(class_names, np.bincount(classes, weights=counts,
                                                           minlength=K).astype(int).tolist(),
                                  strict=True))
        n_units = int(units.max()) + 1
        unit_w = _recipe_weights(recipe, unit_cell, np.ones((n_units, 1)))[:, 0]
    out = frame  # a copy already (of the respondents, or validate_survey's)
    out["weight"] = unit_w[units]
    out["stratum"] = pd.array(stratum_of_unit[units], dtype="string")
    attrs.update(population_firms=N_stratum, weighting=FrozenRecipe(recipe),
                 sampling=f"census with non-response; weights from {method} "
                          f"({', '.join(by)})")
    out.attrs = attrs
    return out


def frame_counts(frame: pd.DataFrame, by: str | list[str], firm: str | None = "firm_id",
                 ) -> pd.DataFrame:
    """The number of firms of a frame (a list of firms, or firm-year rows) by ``by`` cells.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per firm, or per firm and year (each firm counted once, classified by its
        row of the latest year, as :func:`weight_respondents` classifies respondents).
    by : str or list of str
        The cell variables.
    firm : str or None, default "firm_id"
        Firm identifier; ``None``: every row is a firm.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns and ``count`` (firms), one row per cell with firms, in the order
        of the categories: the ``population`` argument of :func:`weight_respondents`.

    Raises
    ------
    nldtib_forecast.InputError
        If ``frame`` is not a DataFrame, a ``by`` or ``firm`` column is missing, or a firm
        has no value of a ``by`` column.

    See Also
    --------
    weight_respondents : Weights the respondents to these counts.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import frame_counts
    >>> counts = frame_counts(synthetic_survey(population=True), "size_class")
    >>> counts.columns.tolist(), int(counts["count"].sum())
    (['size_class', 'count'], 1688)
    """
    by = _by_list(by)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"argument 'frame': expected a pandas DataFrame, got "
                         f"{type(frame).__name__}")
    problems = [_missing(frame.columns, b, "frame") for b in by if b not in frame.columns]
    if firm is not None and firm not in frame.columns:
        problems.append(Problem(firm, "firm identifier column (argument 'firm') is not in "
                                      "the frame"))
    if problems:
        raise InputError("frame_counts: column(s) missing", problems)
    _, _, labels = _firm_cells(frame, by, firm)
    na = labels.isna().any(axis=1).to_numpy()
    if na.any():
        raise InputError("frame_counts: firms without a cell",
                         [Problem(",".join(by), "the 'by' values must not be missing",
                                  n_rows=int(na.sum()))])
    labels = pd.DataFrame({b: pd.Series(_labels_of(labels[b]), index=labels.index, dtype=object)
                           for b in by})
    out = labels.groupby(by, sort=True).size().rename(_COUNT).reset_index()
    order = {b: _category_order(b, sorted(set(out[b])), frame[b]) for b in by}
    sort = np.lexsort(tuple(out[b].map({c: i for i, c in enumerate(order[b])}).to_numpy()
                            for b in reversed(by)))
    return out.iloc[sort].reset_index(drop=True)


def _merge_records(merges: list[dict], final: np.ndarray, cell_names: list[str]) -> list[dict]:
    """Readable record of each merge: the cells of both sides at the time of the merge."""
    members = {c: [c] for c in range(len(cell_names))}  # the cells of every group, ascending
    records = []
    for m in merges:
        a, b = members.pop(m["group"]), members[m["into"]]
        records.append({"merged": _JOIN.join([cell_names[c] for c in a]),
                        "into": _JOIN.join([cell_names[c] for c in b]),
                        "respondents": m["respondents"], "variable": m["variable"],
                        "reason": m["reason"]})
        members[m["into"]] = sorted(a + b)
    return records


def _fit_propensity(X: np.ndarray, names: list[str], r: np.ndarray, N: np.ndarray):
    """Grouped logistic regression of response on the cells (statsmodels GLM); ``r``, ``N``:
    the cells' respondents and frame firms (floats)."""
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    endog = np.column_stack([r, N - r])
    with warnings.catch_warnings():
        # a category in which every firm responds (e.g. all of the largest firms) has
        # p_hat = 1: "perfect prediction", harmless here (its firms get weight 1)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = GLM(endog, X, family=Binomial()).fit()
    p_hat = _irls(X, N, r[:, None])[:, 0]  # the replicates' solver, for exact agreement
    if not np.allclose(p_hat, fit.fittedvalues, rtol=1e-6, atol=1e-9):  # pragma: no cover
        raise RuntimeError("propensity model: IRLS and statsmodels disagree")
    model = {"params": dict(zip(names, fit.params.tolist(), strict=True)),
             "bse": dict(zip(names, fit.bse.tolist(), strict=True)),
             "deviance": float(fit.deviance), "df_resid": float(fit.df_resid),
             "llf": float(fit.llf)}
    return p_hat, model


def _propensity_classes(p: np.ndarray, N: np.ndarray, r: np.ndarray, k: int,
                        min_resp: int) -> np.ndarray:
    """Cells grouped into ``k`` classes of equal frame count by estimated propensity; classes
    with fewer than ``min_resp`` respondents merged, the smallest first, with their upper
    (else lower) neighbour."""
    order = np.argsort(p, kind="stable")
    cum = np.cumsum(N[order]) / N.sum()
    cls_sorted = np.minimum((cum * k - 1e-9).astype(np.int64), k - 1)
    classes = np.empty(len(p), dtype=np.int64)
    classes[order] = cls_sorted
    while True:
        labels = np.unique(classes)
        resp = np.array([r[classes == c].sum() for c in labels])
        if labels.size == 1 or resp.min() >= min_resp:
            break
        j = int(np.argmin(resp))
        target = labels[j + 1] if j + 1 < labels.size else labels[j - 1]
        classes[classes == labels[j]] = target
    return pd.factorize(classes, sort=True)[0].astype(np.int64)


# --------------------------------------------------------------------------------- report
@dataclass(frozen=True, eq=False)
class WeightingReport:
    """How the respondents of a census with non-response were weighted.

    Returned by :func:`weighting_report` (read-only).

    Attributes
    ----------
    method : str
        ``"cells"`` or ``"propensity"``.
    by : tuple of str
        The frame variables.
    cells : pandas.DataFrame
        One row per frame cell: the ``by`` values, ``count`` (frame firms),
        ``respondents``, ``response_rate``, ``group`` (response group or propensity class)
        and ``weight`` (mean weight of its respondents; NaN without respondents), and for the
        propensity method the estimated ``propensity``.
    groups : pandas.DataFrame
        One row per response group (the strata): ``count``, ``respondents``,
        ``response_rate``, ``n_cells``.
    merges : pandas.DataFrame
        The collapsing, one row per merge in order: ``merged``, ``into`` (cells joined with
        " + "), ``respondents`` of the merged group, the ``variable`` they differ in and the
        ``reason``.
    model : pandas.DataFrame or None
        Propensity model coefficients and standard errors (``propensity`` only).
    min_respondents : int
        The minimum applied.

    See Also
    --------
    weighting_report : Builds it from a weighted frame.
    weight_respondents : The weighting it reports.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import weighting_report
    >>> rep = weighting_report(synthetic_survey(seed=0))
    >>> rep.groups.columns.tolist()
    ['count', 'respondents', 'response_rate', 'n_cells']
    >>> rep.merges.columns.tolist()
    ['merged', 'into', 'respondents', 'variable', 'reason']
    """

    method: str
    by: tuple[str, ...]
    cells: pd.DataFrame
    groups: pd.DataFrame
    merges: pd.DataFrame
    model: pd.DataFrame | None
    min_respondents: int
    _weights: np.ndarray = field(repr=False)

    def summary(self) -> str:
        """Text summary: totals, groups, merges and (propensity) the model.

        Returns
        -------
        str
            Several lines: frame firms, respondents and the response rate; cells and
            groups; the range of the weights and Kish's design effect of weighting
            ``1 + cv^2``; every merge with its reason; the table of groups and (propensity
            method) the response model's coefficients.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import weighting_report
        >>> print(weighting_report(synthetic_survey(seed=0)).summary().splitlines()[1])
          frame firms: 1,688   responding firms: 474   response rate: 28.1%
        """
        c = self.cells
        N, n = int(c["count"].sum()), int(c["respondents"].sum())
        lines = [
            f"Non-response weighting ({self.method}) by {', '.join(self.by)}",
            f"  frame firms: {N:,}   responding firms: {n:,}   response rate: {n / N:.1%}",
            f"  cells: {len(c)} ({int((c['respondents'] == 0).sum())} without respondents)   "
            f"groups (strata): {len(self.groups)}   minimum respondents per group: "
            f"{self.min_respondents}",
            f"  weights: min {self._weights.min():.2f}  median {np.median(self._weights):.2f}  "
            f"max {self._weights.max():.2f}   Kish design effect of weighting "
            f"1 + cv^2 = {1 + np.var(self._weights) / np.mean(self._weights) ** 2:.2f}",
        ]
        if len(self.merges):
            lines.append(f"  collapsed ({len(self.merges)} merge(s)):")
            lines += [f"    {r.merged}  ->  {r.into}  ({r.respondents} respondent(s); "
                      f"{r.reason}{'' if r.variable is None else ', across ' + r.variable})"
                      for r in self.merges.itertuples(index=False)]
        lines.append("  groups:")
        table = self.groups.to_string(float_format=lambda v: f"{v:.3f}")
        lines += ["    " + line for line in table.splitlines()]
        if self.model is not None:
            lines.append("  response model (logit, main effects):")
            lines += ["    " + line for line in self.model.to_string(
                float_format=lambda v: f"{v:.3f}").splitlines()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self, ax=None):
        """Response rate of every response group (horizontal bar chart).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new figure, its height growing with the number
            of groups.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on: one bar per response group, response rate from 0 to 1.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import weighting_report
        >>> ax = weighting_report(synthetic_survey(seed=0)).plot()
        >>> ax.get_xlabel()
        'response rate (respondents / frame firms)'
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.3 * len(self.groups) + 1.5),
                                 layout="constrained")
        g = self.groups.iloc[::-1]
        ax.barh(np.arange(len(g)), g["response_rate"], color="#4c72b0")
        ax.set_yticks(np.arange(len(g)), [str(i) for i in g.index], fontsize=7)
        ax.set_xlabel("response rate (respondents / frame firms)")
        ax.set_xlim(0, 1)
        ax.set_title(f"Response groups ({self.method})")
        return ax


def weighting_report(data: pd.DataFrame) -> WeightingReport:
    """The weighting of a frame returned by :func:`weight_respondents`.

    Parameters
    ----------
    data : pandas.DataFrame
        A frame weighted by :func:`weight_respondents` (it carries ``attrs["weighting"]``).

    Returns
    -------
    WeightingReport
        The frame cells with their counts, respondents, response rates, groups and
        weights; the response groups; the merges of cells with too few respondents; the
        propensity model (``method="propensity"``).

    Raises
    ------
    nldtib_forecast.InputError
        If the frame was not weighted by :func:`weight_respondents`.

    See Also
    --------
    weight_respondents : Weights the respondents and records the weighting in ``attrs``.
    frame_counts : The frame's counts by cell.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import weighting_report
    >>> rep = weighting_report(synthetic_survey(seed=0))
    >>> rep.method, rep.by
    ('cells', ('size_class', 'nld_area'))
    >>> int(rep.groups["count"].sum()) == int(rep.cells["count"].sum())
    True
    """
    recipe = data.attrs.get("weighting") if isinstance(data, pd.DataFrame) else None
    if not isinstance(recipe, Mapping) or "counts" not in recipe:
        raise InputError("weighting_report: the data were not weighted by weight_respondents "
                         "(no attrs['weighting'])")
    by = list(recipe["by"])
    cells = pd.DataFrame(recipe["cells"], columns=by)
    cells["count"] = np.asarray(recipe["counts"], dtype=np.int64)
    cells["respondents"] = np.asarray(recipe["respondents"], dtype=np.int64)
    cells["response_rate"] = cells["respondents"] / cells["count"]
    key = "group_of_cell" if recipe["method"] == "cells" else "class_of_cell"
    names = np.asarray(recipe["groups"], dtype=object)
    cells["group"] = names[np.asarray(recipe[key], dtype=np.int64)]
    units, last = _firm_units(data, recipe.get("firm"))
    unit_cell = _unit_cells(data, by, last, cells)
    w_unit = data["weight"].to_numpy(dtype=float)[last]
    ok = unit_cell >= 0
    sums = np.bincount(unit_cell[ok], weights=w_unit[ok], minlength=len(cells))
    n = np.bincount(unit_cell[ok], minlength=len(cells))
    cells["weight"] = np.where(n > 0, sums / np.maximum(n, 1), np.nan)
    model = None
    if recipe["method"] == "propensity":
        cells["propensity"] = recipe["propensity"]
        model = pd.DataFrame({"coef": pd.Series(recipe["model"]["params"]),
                              "std_error": pd.Series(recipe["model"]["bse"])})
        model.index.name = "term"
    group_of_cell = np.asarray(recipe[key], dtype=np.int64)
    if len(set(names.tolist())) == len(names) and np.array_equal(np.unique(group_of_cell),
                                                                  np.arange(len(names))):
        # every group has cells (as the weighting makes them): sums by integer code
        groups = pd.DataFrame(
            {"count": np.bincount(group_of_cell, weights=cells["count"].to_numpy(),
                                  minlength=len(names)).astype(np.int64),
             "respondents": np.bincount(group_of_cell,
                                        weights=cells["respondents"].to_numpy(),
                                        minlength=len(names)).astype(np.int64),
             "n_cells": np.bincount(group_of_cell, minlength=len(names)).astype(np.int64)},
            index=pd.Index(names.tolist(), name="group"))
    else:
        groups = cells.groupby("group", sort=False).agg(
            count=("count", "sum"), respondents=("respondents", "sum"),
            n_cells=("count", "size")).reindex(list(names))
    groups.insert(2, "response_rate", groups["respondents"] / groups["count"])
    merges = pd.DataFrame(list(recipe.get("merges", [])),
                          columns=["merged", "into", "respondents", "variable", "reason"])
    return WeightingReport(method=recipe["method"], by=tuple(by), cells=cells, groups=groups,
                           merges=merges, model=model,
                           min_respondents=int(recipe["min_respondents"]),
                           _weights=w_unit)

