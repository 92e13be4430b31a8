"""The split of aggregate D&S turnover growth into price, volume and net entry.

Private engine of :func:`nldtib_forecast.models.price_volume.decompose_turnover` (its result
is :class:`~nldtib_forecast.models.price_volume.result.TurnoverDecomposition`). The hot path is
vectorised over firms, years, domains and bootstrap replicates: firms are matched to their
previous year through a dense lookup table (no sort), every total is a grouped sum
(``numpy.bincount`` for the estimate, one sparse matrix product for a block of replicates),
and the index formulas act on ``(groups, replicates)`` arrays.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse, stats

from nldtib_forecast._errors import InputError, Problem, check_level, check_option
from nldtib_forecast.models.price_volume.index_numbers import INDEX_METHODS, logmean
from nldtib_forecast.models.price_volume.result import (
    COUNT_COLUMNS,
    FLOAT_COLUMNS,
    SPLITS,
    TurnoverDecomposition,
)

if TYPE_CHECKING:  # pragma: no cover - imported where used (survey is not needed to import)
    from nldtib_forecast.survey._design import SurveyDesign

__all__ = ["decompose_turnover"]

_MAX_YEAR_SPAN = 500
_REPLICATE_BLOCK = 64
_SHOWN = 5


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _group_sum(codes: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """Sums of the rows of ``x`` (m, c) by group code: (n_groups, c)."""
    if x.shape[1] == 1:
        return np.bincount(codes, weights=x[:, 0], minlength=n_groups)[:, None]
    m = sparse.csr_array((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                         shape=(n_groups, len(codes)))
    return np.asarray(m @ x)


def _rows(index: pd.Index, mask: np.ndarray) -> tuple[tuple, int]:
    rows = index[np.asarray(mask, dtype=bool)]
    return tuple(rows[:_SHOWN].tolist()), int(len(rows))


def _numeric(df: pd.DataFrame, col: str) -> np.ndarray:
    s = df[col]
    try:
        if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            return s.to_numpy(dtype=float, na_value=np.nan)
        return pd.to_numeric(s).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise InputError(f"column '{col}': must be numeric") from exc


def _codes(values: pd.Series, name: str, index: pd.Index,
           labels: bool = True) -> tuple[np.ndarray, pd.Index | None]:
    """Integer codes of a label column (no missing values allowed) and the labels.

    Categorical columns use their codes (labels: the categories; unused ones are dropped
    later). A column sorted in increasing order (as survey files sorted by firm and year are)
    is coded from the positions where the label changes, without hashing; otherwise
    :func:`pandas.factorize`.
    """
    if values.isna().any():
        rows, n = _rows(index, values.isna().to_numpy(dtype=bool))
        raise InputError("missing labels", [Problem(name, "must not be missing", rows, n)])
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), pd.Index(values.cat.categories)
    arr = values.array
    if len(arr) > 1 and not (arr.dtype == object):
        try:
            ordered = np.asarray(arr[1:] >= arr[:-1], dtype=bool)
        except (TypeError, ValueError):
            ordered = np.zeros(1, dtype=bool)
        if ordered.all():
            change = np.asarray(arr[1:] != arr[:-1], dtype=bool)
            codes = np.empty(len(arr), dtype=np.int64)
            codes[0] = 0
            np.cumsum(change, out=codes[1:])
            if not labels:
                return codes, None
            starts = np.flatnonzero(np.r_[True, change])
            return codes, pd.Index(arr[starts])
    codes, uniques = pd.factorize(values, sort=name != "firm_id")
    return codes.astype(np.int64), pd.Index(uniques)


def _deflator_ratios(deflator, years: np.ndarray, pair_ok: np.ndarray) -> np.ndarray:
    """Deflator growth factors ``D[t] / D[t-1]`` for every year position (NaN where unused)."""
    if isinstance(deflator, dict):
        deflator = pd.Series(deflator)
    if not isinstance(deflator, pd.Series):
        raise InputError(f"argument 'deflator': expected a pandas Series (price index levels "
                         f"indexed by year), got {type(deflator).__name__}")
    d = pd.to_numeric(deflator, errors="coerce")
    d.index = pd.Index([int(y) for y in d.index])
    needed = sorted({int(y) for t, y in enumerate(years) if pair_ok[t]} |
                    {int(y) - 1 for t, y in enumerate(years) if pair_ok[t]})
    missing = [y for y in needed if y not in d.index or not np.isfinite(d.get(y, np.nan))]
    if missing:
        raise InputError(f"argument 'deflator': no finite value for year(s) {missing}; it must "
                         f"cover every year of the survey's consecutive pairs {needed}")
    if (d.loc[needed] <= 0).any():
        raise InputError("argument 'deflator': price index levels must be > 0")
    out = np.full(len(years), np.nan)
    for t, y in enumerate(years):  # one entry per year (a handful), not per firm
        if pair_ok[t]:
            out[t] = float(d.loc[int(y)] / d.loc[int(y) - 1])
    return out


def _wsum(codes: np.ndarray, rows: np.ndarray, coef, wy: np.ndarray,
          n_groups: int) -> np.ndarray:
    """Grouped sums ``sum_k coef_k wy[rows_k, :]`` by ``codes``: (n_groups, weight columns).

    With several weight columns this is one sparse (groups x rows) matrix product, so the
    selected rows of ``wy`` are never copied.
    """
    coef = np.broadcast_to(np.asarray(coef, dtype=float), rows.shape)
    if wy.shape[1] == 1:
        return np.bincount(codes, weights=coef * wy[rows, 0], minlength=n_groups)[:, None]
    m = sparse.csr_array((coef, (codes, rows)), shape=(n_groups, wy.shape[0]))
    return np.asarray(m @ wy)


def _price_index(method: str, gc: np.ndarray, sum0, sum1, gather, keep: np.ndarray | None,
                 r: np.ndarray, n_groups: int, totals) -> np.ndarray:
    """Price index per group and weight column of the continuing firms that report a price.

    Firms are the items, with price 1 in the base year, price ``r`` in the current year and
    quantities ``v0`` and ``v1 / r`` (weighted turnover in the two years); ``keep`` is 1 for
    firms reporting a price change and 0 otherwise (``None``: all report, and ``totals`` are
    the grouped sums of ``v0`` and ``v1``). ``sum0(coef)`` and ``sum1(coef)`` return the
    grouped sums of ``coef * v0`` and ``coef * v1``; ``gather()`` returns ``v0, v1``.
    """
    weight: np.ndarray | float  # 1 for a firm that reports a price change, else 0
    if keep is None:  # every continuing firm reports a price change
        weight = 1.0
        c0, c1 = totals
    else:
        weight = keep
        c0, c1 = sum0(keep), sum1(keep)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("laspeyres", "paasche", "fisher"):
            lasp = sum0(weight * r) / c0
            paas = c1 / sum1(weight / r)
            return {"laspeyres": lasp, "paasche": paas}.get(method, np.sqrt(lasp * paas))
        lr = np.log(r)
        if method == "geometric_laspeyres":
            return np.exp(sum0(weight * lr) / c0)
        if method == "geometric_paasche":
            return np.exp(sum1(weight * lr) / c1)
        if method == "tornqvist":
            return np.exp(0.5 * sum0(weight * lr) / c0 + 0.5 * sum1(weight * lr) / c1)
        # formulas that are not linear in the values: gather the rows
        v0, v1 = gather()
        if isinstance(weight, np.ndarray):
            v0, v1 = v0 * weight[:, None], v1 * weight[:, None]
        r2, lr2 = r[:, None], lr[:, None]
        if method == "walsh":
            return (_group_sum(gc, np.sqrt(v0 * v1 * r2), n_groups)
                    / _group_sum(gc, np.sqrt(v0 * v1 / r2), n_groups))
        if method == "sato_vartia":
            w = logmean(v0 / c0[gc], v1 / c1[gc])
            return np.exp(_group_sum(gc, w * lr2, n_groups) / _group_sum(gc, w, n_groups))
        if method == "montgomery_vartia":
            w = logmean(v0, v1)
            return np.exp(_group_sum(gc, w * lr2, n_groups) / logmean(c0, c1))
    raise AssertionError(method)  # pragma: no cover


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
                 0x27D4EB2F165667C5, 0x94D049BB133111EB], dtype=np.uint64)


def _data_hash(*arrays: np.ndarray) -> str:
    """Content hash of the rows used (16 hex digits).

    The 64-bit words of the columns are mixed row by row (each column multiplied by its own
    odd constant), folded in blocks of 8 rows with 8 further constants (so that row order
    matters), and the folded words are hashed with BLAKE2b.
    """
    n = len(arrays[0])
    acc = np.zeros(n + (-n) % 8, dtype=np.uint64)
    tmp = np.empty(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k, a in enumerate(arrays):
            a = np.ascontiguousarray(a)
            if a.dtype.itemsize != 8:
                a = a.astype(np.int64)
            np.multiply(a.view(np.uint64), _MIX[k % 8], out=tmp)
            np.bitwise_xor(acc[:n], tmp, out=acc[:n])
        block = acc.reshape(-1, 8)
        np.multiply(block, _MIX, out=block)
        folded = block.sum(axis=1, dtype=np.uint64)
    h = hashlib.blake2b(digest_size=8)
    h.update(np.array([n, len(arrays)], dtype=np.int64).tobytes())
    h.update(folded.tobytes())
    return h.hexdigest()


def _components(wy: np.ndarray, pairs: _Pairs, prices: _Prices, n_groups: int, method: str,
                split: str) -> np.ndarray:
    """Every float column of the table for each group and weight column.

    ``wy`` holds weighted turnover (rows, weight columns); returns an array
    (columns of ``FLOAT_COLUMNS``, groups, weight columns).
    """
    ic, jc, ie, ix = pairs.ic, pairs.jc, pairs.ie, pairs.ix
    gc, ge, gx = pairs.gc, pairs.ge, pairs.gx
    if wy.shape[1] == 1:  # the estimate: gather once, then bincount
        v0, v1 = wy[jc, 0], wy[ic, 0]

        def sum0(coef):
            return np.bincount(gc, weights=v0 * coef, minlength=n_groups)[:, None]

        def sum1(coef):
            return np.bincount(gc, weights=v1 * coef, minlength=n_groups)[:, None]

        def gather():
            return v0[:, None], v1[:, None]

        c0 = np.bincount(gc, weights=v0, minlength=n_groups)[:, None]
        c1 = np.bincount(gc, weights=v1, minlength=n_groups)[:, None]
    else:  # replicates: sparse selection matrices, rows never copied

        def sum0(coef):
            return _wsum(gc, jc, coef, wy, n_groups)

        def sum1(coef):
            return _wsum(gc, ic, coef, wy, n_groups)

        def gather():
            return wy[jc], wy[ic]

        c0, c1 = sum0(1.0), sum1(1.0)
    ent = _wsum(ge, ie, 1.0, wy, n_groups)
    ext = _wsum(gx, ix, 1.0, wy, n_groups)
    if prices.fixed is None:
        keep = None if prices.reported.all() else prices.reported.astype(float)
        price = _price_index(method, gc, sum0, sum1, gather, keep, prices.rel, n_groups,
                             (c0, c1))
    else:
        price = np.broadcast_to(prices.fixed, c0.shape).copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        prev_total, cur_total = c0 + ext, c1 + ent
        nominal = cur_total / prev_total - 1.0
        share = c0 / prev_total
        growth_c = c1 / c0 - 1.0
        volume = (1.0 + growth_c) / price
        has_c = c0 > 0
        # continuing firms without turnover in t-1 (c0 = 0, no growth rate): their turnover
        # in t counts as volume
        new_volume = c1 / prev_total
        if split == "log":
            # no log split when continuing turnover falls to 0: all of it is volume
            gone = has_c & (c1 == 0)
            scale = share * logmean(1.0 + growth_c, np.ones_like(growth_c))
            p_part = np.where(has_c & ~gone, scale * np.log(price), 0.0)
            v_part = np.where(has_c, np.where(gone, -share, scale * np.log(volume)),
                              new_volume)
            inter = np.zeros_like(p_part)
        else:
            p_part = np.where(has_c, share * (price - 1.0), 0.0)
            v_part = np.where(has_c, share * (volume - 1.0), new_volume)
            inter = np.where(has_c, share * (price - 1.0) * (volume - 1.0), 0.0)
        entry, exit_ = ent / prev_total, ext / prev_total
        volume_total = (1.0 + nominal) / price - 1.0
    return np.stack([prev_total, cur_total, nominal, p_part, v_part, inter, entry, exit_,
                     entry - exit_, share, growth_c, price, volume, price - 1.0,
                     volume - 1.0, volume_total])


# ---------------------------------------------------------------------------------------------
# The decomposition
# ---------------------------------------------------------------------------------------------
def decompose_turnover(survey, by: str | None = None, method: str = "fisher", deflator=None,
                       level: float = 0.95, *, split: str = "log", n_replicates: int = 200,
                       seed: int | None = 0, ci: str = "normal",
                       value: str = "turnover_ds_eur", price_change: str = "price_change_ds",
                       missing_price: str = "impute") -> TurnoverDecomposition:
    """Split the growth of aggregate D&S turnover into price, volume and net entry.

    For each pair of consecutive years ``t - 1 -> t`` (and each domain with ``by``), with
    survey-weighted totals:

    * **continuing firms** report turnover in both years; their growth ``g_c`` is split into
      a price index ``P`` (their reported ``price_change`` aggregated with the index formula
      ``method``, firms as items, turnover as values) and an implicit volume index
      ``(1 + g_c) / P``;
    * **entrants** report turnover in ``t`` only, **exiters** in ``t - 1`` only; their turnover
      is the net entry effect, kept nominal (entrants have no previous-year price).

    With ``Y`` aggregate turnover, ``C`` continuing firms' turnover, ``E`` entrants' turnover
    in ``t`` and ``X`` exiters' turnover in ``t - 1``, and ``s = C_{t-1} / Y_{t-1}``::

        g = Y_t / Y_{t-1} - 1 = s g_c + E / Y_{t-1} - X / Y_{t-1}
          = price + volume + interaction + entry - exit          (exactly)

    where, with ``split="log"`` (default; symmetric, no interaction term)::

        price  = s L(1 + g_c, 1) ln P,   volume = s L(1 + g_c, 1) ln V,   interaction = 0

    (``L`` the logarithmic mean, so ``L(1 + g_c, 1) ln(1 + g_c) = g_c``) and with
    ``split="interaction"``: ``price = s p``, ``volume = s v``, ``interaction = s p v``
    (``p = P - 1``, ``v = V - 1``, since ``1 + g_c = (1 + p)(1 + v)``).

    Parameters
    ----------
    survey : pandas.DataFrame or SurveyDesign
        Firm-year microdata with ``firm_id``, ``year``, the ``value`` and ``price_change``
        columns and survey weights (``weight``, or the design's weight column).
    by : str, optional
        Domain column (e.g. ``"nld_area"``, ``"domain"``). A firm that changes domain counts
        as an exiter from the old domain and an entrant into the new one.
    method : str, default ``"fisher"``
        Index formula for the continuing firms' prices: one of ``laspeyres, paasche, fisher,
        tornqvist, walsh, montgomery_vartia, sato_vartia, geometric_laspeyres,
        geometric_paasche``. Ignored with ``deflator``.
    deflator : pandas.Series or dict, optional
        External price index levels by year (e.g. a producer price index). Replaces the
        survey's price changes: ``P = D[t] / D[t-1]`` for every domain. Treated as known (no
        sampling error).
    level : float, default 0.95
        Confidence level of the intervals.
    split : {"log", "interaction"}, default "log"
        Additive form of the continuing firms' price/volume split (see above).
    n_replicates : int, default 200
        Rao-Wu bootstrap replicates of the survey design; ``0`` for point estimates only.
    seed : int or None, default 0
        Seed of the replicates (same seed, same intervals).
    ci : {"normal", "percentile"}, default "normal"
        Intervals ``estimate +/- z SE`` with the bootstrap standard error, or bootstrap
        percentiles.
    value : str, default "turnover_ds_eur"
        Turnover column (EUR).
    price_change : str, default "price_change_ds"
        Price change column (a fraction, against the previous year).
    missing_price : {"impute", "error"}, default "impute"
        Continuing firms without a price change: ``"impute"`` computes the index over the firms
        that report one and applies it to all continuing turnover (their turnover stays in the
        value ratio, so it is deflated as if their prices moved like the others'). For
        Laspeyres, Paasche and the geometric Laspeyres/Paasche this equals imputing each
        missing relative by that index exactly; for the formulas weighting both years
        (Fisher, Tornqvist, Walsh, the Vartia indexes) up to second-order terms. The number of
        such firms is in ``n_price_missing``. ``"error"`` raises.

    Returns
    -------
    TurnoverDecomposition
        The components of nominal growth by year (and domain) with bootstrap intervals in
        ``table`` (fractions of the previous year's turnover), the totals in EUR
        (:meth:`TurnoverDecomposition.in_euros`) and the settings.

    Raises
    ------
    nldtib_forecast.InputError
        Missing columns, an unknown ``method``, ``split``, ``ci`` or ``missing_price``, a bad
        ``level``, ``n_replicates`` or ``deflator`` (years missing, levels not > 0),
        invalid or duplicate firm-years, no pair of consecutive years, or continuing firms
        without a price change with ``missing_price="error"``.

    See Also
    --------
    decompose_growth : The same split of an aggregate value and a price index.
    price_index : The index formulas.
    nldtib_forecast.models.dynamics.decompose_dynamics : Productivity growth split into
        within-firm, reallocation, entry and exit terms.

    Notes
    -----
    Turnover and weights are taken from each year's own row. The bootstrap recomputes every
    total, index and component with each replicate weight column (one matrix product for all
    replicates). Memory grows with rows x replicates.

    References
    ----------
    .. [1] Balk, B. M. (2008). *Price and Quantity Index Numbers: Models for Measuring
       Aggregate Change and Difference*. Cambridge University Press.
       doi:10.1017/CBO9780511720758
    .. [2] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.price_volume import decompose_turnover
    >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=50, seed=1)
    >>> row = res.table.loc[2025]
    >>> parts = row[["price", "volume", "interaction", "entry"]].sum() - row["exit"]
    >>> bool(abs(parts - row["nominal_growth"]) < 1e-12)
    True
    >>> res.method, res.split, res.synthetic
    ('fisher', 'log', True)
    """
    level = _check_arguments(method, split, ci, missing_price, level, n_replicates)
    df, weight, design = _survey_frame(survey)
    _check_columns(df, {"firm_id": None, "year": None, value: "value", weight: None,
                        **({price_change: "price_change"} if deflator is None else {}),
                        **({by: "by"} if by is not None else {})})
    panel = _firm_panel(df, value, weight, by)
    pairs = _match_firms(panel, by is not None)
    prices = _price_relatives(df, panel, pairs, price_change, missing_price, deflator)

    # totals, index numbers and components: (columns, groups, weight columns)
    def components(wm: np.ndarray) -> np.ndarray:
        wy = np.multiply(wm, panel.y[:, None], order="C")  # C order: fast row gathers
        return _components(wy, pairs, prices, panel.n_groups, method, split)

    stacked = components(panel.w[:, None])
    table, shown = _table(stacked, panel, pairs, prices, by)
    intervals = None
    if n_replicates:
        if design is None:
            design = _default_design(df)
        reps = design.replicate_weights(n_replicates=int(n_replicates), seed=seed)
        rep_w = reps.to_numpy(dtype=float)
        # replicates in blocks of columns: memory stays bounded by rows x block
        boot = np.concatenate([components(rep_w[:, i:i + _REPLICATE_BLOCK])
                               for i in range(0, rep_w.shape[1], _REPLICATE_BLOCK)], axis=2)
        intervals = _intervals(stacked[:, shown, :1], boot[:, shown, :], table.index, by,
                               level, ci)

    data_hash = _data_hash(pairs.firm_year, panel.y, panel.w, prices.changes,
                           *((panel.dom,) if by is not None else ()))
    defl = None
    if deflator is not None:
        defl = pd.Series(deflator, dtype=float).copy()
    return TurnoverDecomposition(
        table=table, intervals=intervals,
        method="deflator" if deflator is not None else method, split=split, by=by,
        deflator=defl, level=float(level), ci=ci, n_replicates=int(n_replicates),
        seed=seed if not isinstance(seed, np.random.Generator) else None,
        synthetic=bool(df.attrs.get("synthetic", False)), n_rows=len(df), data_hash=data_hash,
        value_column=value, price_column=price_change)


# ---------------------------------------------------------------------------------------------
# The steps of the decomposition
# ---------------------------------------------------------------------------------------------
def _check_arguments(method: str, split: str, ci: str, missing_price: str, level: float,
                     n_replicates: int) -> float:
    """The options checked; returns the confidence level as a float."""
    check_option("method", method, INDEX_METHODS)
    check_option("split", split, SPLITS)
    check_option("ci", ci, ("normal", "percentile"))
    check_option("missing_price", missing_price, ("impute", "error"))
    level = check_level(level)
    if (isinstance(n_replicates, bool) or not isinstance(n_replicates, (int, np.integer))
            or n_replicates < 0 or n_replicates == 1):
        raise InputError(f"argument 'n_replicates': must be 0 (no intervals) or an integer "
                         f">= 2, got {n_replicates!r}")
    return level


def _survey_frame(survey: object) -> tuple[pd.DataFrame, str, SurveyDesign | None]:
    """The rows, the weight column and the design (``None`` for a plain DataFrame)."""
    from nldtib_forecast.survey._design import SurveyDesign

    if isinstance(survey, SurveyDesign):
        df, weight, design = survey.data, survey.weight_column, survey
    elif isinstance(survey, pd.DataFrame):
        df, weight, design = survey, "weight", None
    else:
        raise InputError(f"argument 'survey': expected a pandas DataFrame or SurveyDesign, got "
                         f"{type(survey).__name__}")
    if len(df) == 0:
        raise InputError("argument 'survey': no rows")
    return df, weight, design


def _default_design(df: pd.DataFrame) -> SurveyDesign:
    """The design of a plain DataFrame for the replicates: stratified when it has strata."""
    from nldtib_forecast.survey._design import SurveyDesign

    return SurveyDesign(df, strata="stratum" if "stratum" in df.columns else None,
                        validate=False)


def _check_columns(df: pd.DataFrame, needed: dict[str, str | None]) -> None:
    """Every needed column is in the survey; ``needed`` maps a column to the argument that
    named it (None for the schema's own columns)."""
    problems = []
    for column, argument in needed.items():
        if column in df.columns:
            continue
        close = get_close_matches(str(column), [str(c) for c in df.columns], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        source = f"argument {argument!r} names" if argument else "decompose_turnover needs"
        problems.append(Problem(column, f"{source} the column {column!r}, which is not in the "
                                        f"survey{hint}"))
    if problems:
        raise InputError("decompose_turnover: survey column(s) not found", problems)


@dataclass(frozen=True)
class _Panel:
    """The survey rows as arrays (row order kept): who, when, how much, in which domain."""

    index: pd.Index  # the survey's row labels (for error messages)
    firm: np.ndarray  # firm code of every row
    t: np.ndarray  # year - first_year of every row
    y: np.ndarray  # turnover
    w: np.ndarray  # weight
    dom: np.ndarray  # domain code (0 without ``by``)
    dom_labels: pd.Index  # the domains (``["all"]`` without ``by``)
    first_year: int
    span: int  # years from the first to the last, both included
    pair_ok: np.ndarray  # (span,): rows present in year t - 1 and year t

    @property
    def n_groups(self) -> int:
        """Groups of the sums: every (domain, year)."""
        return len(self.dom_labels) * self.span


def _firm_panel(df: pd.DataFrame, value: str, weight: str, by: str | None) -> _Panel:
    """The rows as arrays, checked: labels present, whole years, turnover >= 0, weights > 0,
    at most ``_MAX_YEAR_SPAN`` years and at least one pair of consecutive years."""
    index = df.index
    firm, _ = _codes(df["firm_id"], "firm_id", index, labels=False)
    if pd.api.types.is_integer_dtype(df["year"].dtype) and not df["year"].hasnans:
        year = df["year"].to_numpy(dtype=np.int64)
    else:
        year_f = _numeric(df, "year")
        bad_year = ~np.isfinite(year_f) | (year_f != np.round(year_f))
        if bad_year.any():
            rows, n = _rows(index, bad_year)
            raise InputError("invalid years",
                             [Problem("year", "must be whole numbers", rows, n)])
        year = year_f.astype(np.int64)
    y = _numeric(df, value)
    w = _numeric(df, weight)
    problems = []
    for col, mask, rule in ((value, ~np.isfinite(y) | (y < 0), "must be finite and >= 0"),
                            (weight, ~np.isfinite(w) | (w <= 0), "must be finite and > 0")):
        if mask.any():
            rows, n = _rows(index, mask)
            problems.append(Problem(col, rule, rows, n))
    if problems:
        raise InputError("survey: invalid values", problems)
    dom_labels: pd.Index | None
    if by is not None:
        dom, dom_labels = _codes(df[by], by, index)
        assert dom_labels is not None  # _codes returns the labels unless told not to
    else:
        dom, dom_labels = np.zeros(len(df), dtype=np.int64), pd.Index(["all"])

    first_year = int(year.min())
    span = int(year.max()) - first_year + 1
    if span > _MAX_YEAR_SPAN:
        raise InputError(f"column 'year': spans {span} years; at most {_MAX_YEAR_SPAN} allowed")
    t = year - first_year
    present = np.bincount(t, minlength=span) > 0
    pair_ok = np.zeros(span, dtype=bool)
    pair_ok[1:] = present[1:] & present[:-1]
    if not pair_ok.any():
        raise InputError("survey: no pair of consecutive years; need rows for some year t-1 "
                         "and t")
    return _Panel(index=index, firm=firm, t=t, y=y, w=w, dom=dom, dom_labels=dom_labels,
                  first_year=first_year, span=span, pair_ok=pair_ok)


@dataclass(frozen=True)
class _Pairs:
    """The rows of each year pair ``t - 1 -> t``: continuing firms, entrants and exiters, with
    the (domain, year) group of their sums (the group of the pair's year ``t``)."""

    firm_year: np.ndarray  # the key firm x year of every row (hashed with the data)
    ic: np.ndarray  # continuing firms: their row in year t ...
    jc: np.ndarray  # ... and in year t - 1
    ie: np.ndarray  # entrants: their row in year t
    ix: np.ndarray  # exiters: their row in year t - 1
    gc: np.ndarray  # group of each continuing firm, entrant, exiter
    ge: np.ndarray
    gx: np.ndarray


def _match_firms(panel: _Panel, by_domain: bool) -> _Pairs:
    """Every firm-year matched with the firm's previous and next year (no sort).

    A dense table (firms x years, padded by one year on each side) maps (firm, year) -> row.
    With domains, a firm continues only within the same domain (a firm that changes domain
    exits the old one and enters the new one).
    """
    n = len(panel.t)
    n_firm = int(panel.firm.max()) + 1
    width = panel.span + 2
    key = panel.firm * width + (panel.t + 1)
    lookup = np.full(n_firm * width, -1, dtype=np.int64)
    rowpos = np.arange(n, dtype=np.int64)
    lookup[key] = rowpos
    dup = lookup[key] != rowpos
    if dup.any():
        rows, k = _rows(panel.index, dup)
        raise InputError("survey: duplicate firm-years",
                         [Problem("firm_id", "each firm may have one row per year", rows, k)])
    prev = lookup[key - 1]
    nxt = lookup[key + 1]
    dom = panel.dom
    if by_domain:  # continuing only within the same domain
        prev[(prev >= 0) & (dom[prev] != dom)] = -1
        nxt[(nxt >= 0) & (dom[nxt] != dom)] = -1
    pair_next = np.append(panel.pair_ok[1:], False)
    in_pair_cur = panel.pair_ok[panel.t]  # the row is the "t" of a pair t-1 -> t
    in_pair_prev = pair_next[panel.t]  # the row is the "t-1" of a pair
    has_prev = prev >= 0
    ic = np.flatnonzero(in_pair_cur & has_prev)
    ie = np.flatnonzero(in_pair_cur & ~has_prev)
    ix = np.flatnonzero(in_pair_prev & (nxt < 0))
    g_cur = dom * panel.span + panel.t
    return _Pairs(firm_year=key, ic=ic, jc=prev[ic], ie=ie, ix=ix, gc=g_cur[ic], ge=g_cur[ie],
                  gx=g_cur[ix] + 1)


@dataclass(frozen=True)
class _Prices:
    """The continuing firms' price relatives, or the deflator that replaces them."""

    changes: np.ndarray  # the price change column (zeros with a deflator; hashed)
    rel: np.ndarray  # relative 1 + change of every continuing firm (1 where not reported)
    reported: np.ndarray  # whether the continuing firm reports a price change
    fixed: np.ndarray | None  # deflator growth factor of every group, (groups, 1)


def _price_relatives(df: pd.DataFrame, panel: _Panel, pairs: _Pairs, price_change: str,
                     missing_price: str, deflator) -> _Prices:
    """The inputs of the index numbers, checked: relatives > 0 and finite, reported by every
    continuing firm with ``missing_price="error"``; or the deflator's growth factors."""
    if deflator is not None:
        ratios = _deflator_ratios(deflator, np.arange(panel.span) + panel.first_year,
                                  panel.pair_ok)
        return _Prices(changes=np.zeros(len(df)), rel=np.ones(len(pairs.ic)),
                       reported=np.ones(len(pairs.ic), dtype=bool),
                       fixed=np.tile(ratios, len(panel.dom_labels))[:, None])
    changes = _numeric(df, price_change)
    rel = 1.0 + changes[pairs.ic]
    reported = ~np.isnan(rel)
    at = panel.index[pairs.ic]
    if not (rel[reported] > 0).all() or np.isinf(rel).any():
        bad = reported & ~((rel > 0) & np.isfinite(rel))
        rows, k = _rows(at, bad)
        raise InputError("survey: invalid price changes",
                         [Problem(price_change, "must be finite and > -1 (a price "
                                  "relative 1 + change must be positive)", rows, k)])
    if missing_price == "error" and not reported.all():
        rows, k = _rows(at, ~reported)
        raise InputError("survey: continuing firms without a price change",
                         [Problem(price_change, "missing for a firm present in the "
                                  "previous year (pass missing_price='impute')", rows, k)])
    rel[~reported] = 1.0
    return _Prices(changes=changes, rel=rel, reported=reported, fixed=None)


def _table(stacked: np.ndarray, panel: _Panel, pairs: _Pairs, prices: _Prices,
           by: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The table of the estimate, one row per (domain and) year of a pair with respondents,
    and the groups it shows."""
    n_groups, span = panel.n_groups, panel.span
    counts = np.stack([np.bincount(pairs.gc, minlength=n_groups),
                       np.bincount(pairs.gc[~prices.reported], minlength=n_groups),
                       np.bincount(pairs.ge, minlength=n_groups),
                       np.bincount(pairs.gx, minlength=n_groups)])
    g_dom, g_t = np.divmod(np.arange(n_groups), span)
    shown = panel.pair_ok[g_t] & (counts[[0, 2, 3]].sum(axis=0) > 0)
    keep_g = np.flatnonzero(shown)
    years = g_t[keep_g] + panel.first_year
    if by is None:
        idx = pd.Index(years, name="year")
    else:
        idx = pd.MultiIndex.from_arrays([panel.dom_labels[g_dom[keep_g]], years],
                                        names=[by, "year"])
    table = pd.DataFrame(stacked[:, keep_g, 0].T, index=idx, columns=list(FLOAT_COLUMNS))
    for name, col in zip(COUNT_COLUMNS, counts[:, keep_g], strict=True):
        table[name] = col.astype(np.int64)
    return table, keep_g


def _intervals(est: np.ndarray, boot: np.ndarray, idx: pd.Index, by: str | None, level: float,
               ci: str) -> pd.DataFrame:
    """Bootstrap standard errors and intervals of every float column of the table: ``est``
    (columns, groups shown, 1) and ``boot`` (columns, groups shown, replicates)."""
    dev = boot - est
    valid = np.isfinite(dev)
    n_valid = valid.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(np.where(valid, dev * dev, 0.0).sum(axis=2) / n_valid)
        if ci == "normal":
            z = stats.norm.ppf(0.5 + level / 2)
            lo, hi = est[..., 0] - z * se, est[..., 0] + z * se
        else:
            alpha = 1 - level
            lo, hi = np.nanquantile(np.where(valid, boot, np.nan),
                                    [alpha / 2, 1 - alpha / 2], axis=2)
    ncol, ng = len(FLOAT_COLUMNS), est.shape[1]
    comp = np.tile(np.array(FLOAT_COLUMNS, dtype=object), ng)
    base = idx.repeat(ncol)
    if by is None:
        iv_idx = pd.MultiIndex.from_arrays([base, comp], names=["year", "component"])
    else:
        iv_idx = pd.MultiIndex.from_arrays(
            [base.get_level_values(0), base.get_level_values(1), comp],
            names=[by, "year", "component"])
    return pd.DataFrame(
        {"estimate": est[..., 0].T.ravel(), "std_error": se.T.ravel(),
         "ci_lower": lo.T.ravel(), "ci_upper": hi.T.ravel(),
         "n_valid": n_valid.T.ravel().astype(np.int64)}, index=iv_idx)
