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
    if keep is None:  # every continuing firm reports a price change
        keep = 1.0
        c0, c1 = totals
    else:
        c0, c1 = sum0(keep), sum1(keep)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method in ("laspeyres", "paasche", "fisher"):
            lasp = sum0(keep * r) / c0
            paas = c1 / sum1(keep / r)
            return {"laspeyres": lasp, "paasche": paas}.get(method, np.sqrt(lasp * paas))
        lr = np.log(r)
        if method == "geometric_laspeyres":
            return np.exp(sum0(keep * lr) / c0)
        if method == "geometric_paasche":
            return np.exp(sum1(keep * lr) / c1)
        if method == "tornqvist":
            return np.exp(0.5 * sum0(keep * lr) / c0 + 0.5 * sum1(keep * lr) / c1)
        # formulas that are not linear in the values: gather the rows
        v0, v1 = gather()
        if not np.isscalar(keep):
            v0, v1 = v0 * keep[:, None], v1 * keep[:, None]
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


def _components(wy: np.ndarray, rows_used, codes, n_groups: int, method: str, split: str,
                reported: np.ndarray, rel: np.ndarray | None,
                price_fixed: np.ndarray | None) -> np.ndarray:
    """Every float column of the table for each group and weight column.

    ``wy`` holds weighted turnover (rows, weight columns); returns an array
    (columns of ``FLOAT_COLUMNS``, groups, weight columns).
    """
    ic, jc, ie, ix = rows_used
    gc, ge, gx = codes
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
    if price_fixed is None:
        keep = None if reported.all() else reported.astype(float)
        price = _price_index(method, gc, sum0, sum1, gather, keep, rel, n_groups, (c0, c1))
    else:
        price = np.broadcast_to(price_fixed, c0.shape).copy()
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
    split : {"log", "interaction"}
        Additive form of the continuing firms' price/volume split (see above).
    n_replicates : int, default 200
        Rao-Wu bootstrap replicates of the survey design; ``0`` for point estimates only.
    seed : int, optional
        Seed of the replicates (same seed, same intervals).
    ci : {"normal", "percentile"}
        Intervals ``estimate +/- z SE`` with the bootstrap standard error, or bootstrap
        percentiles.
    value, price_change : str
        Turnover (EUR) and price change (fraction, vs the previous year) columns.
    missing_price : {"impute", "error"}
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

    Notes
    -----
    Turnover and weights are taken from each year's own row. The bootstrap recomputes every
    total, index and component with each replicate weight column (one matrix product for all
    replicates). Memory grows with rows x replicates.

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
    from nldtib_forecast.survey._design import SurveyDesign

    check_option("method", method, INDEX_METHODS)
    check_option("split", split, SPLITS)
    check_option("ci", ci, ("normal", "percentile"))
    check_option("missing_price", missing_price, ("impute", "error"))
    level = check_level(level)
    if (isinstance(n_replicates, bool) or not isinstance(n_replicates, (int, np.integer))
            or n_replicates < 0 or n_replicates == 1):
        raise InputError(f"argument 'n_replicates': must be 0 (no intervals) or an integer "
                         f">= 2, got {n_replicates!r}")
    design = survey if isinstance(survey, SurveyDesign) else None
    if design is not None:
        df, weight = design.data, design.weight_column
    elif isinstance(survey, pd.DataFrame):
        df, weight = survey, "weight"
    else:
        raise InputError(f"argument 'survey': expected a pandas DataFrame or SurveyDesign, got "
                         f"{type(survey).__name__}")
    if len(df) == 0:
        raise InputError("argument 'survey': no rows")
    needed = ["firm_id", "year", value, weight] + ([price_change] if deflator is None else [])
    needed += [by] if by is not None else []
    absent = [c for c in dict.fromkeys(needed) if c not in df.columns]
    if absent:
        raise InputError("survey: required column(s) not found",
                         [Problem(c, "required by decompose_turnover") for c in absent])

    # ---- arrays and checks ------------------------------------------------------------------
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
    if by is not None:
        dom, dom_labels = _codes(df[by], by, index)
    else:
        dom, dom_labels = np.zeros(len(df), dtype=np.int64), pd.Index(["all"])
    n_dom = len(dom_labels)

    y0 = int(year.min())
    span = int(year.max()) - y0 + 1
    if span > _MAX_YEAR_SPAN:
        raise InputError(f"column 'year': spans {span} years; at most {_MAX_YEAR_SPAN} allowed")
    t = year - y0
    present = np.bincount(t, minlength=span) > 0
    pair_ok = np.zeros(span, dtype=bool)
    pair_ok[1:] = present[1:] & present[:-1]
    if not pair_ok.any():
        raise InputError("survey: no pair of consecutive years; need rows for some year t-1 "
                         "and t")

    # ---- match every firm-year with the firm's previous and next year (no sort) ---------------
    # A dense table (firms x years, padded by one year on each side) maps (firm, year) -> row.
    n = len(df)
    n_firm = int(firm.max()) + 1
    width = span + 2
    key = firm * width + (t + 1)
    lookup = np.full(n_firm * width, -1, dtype=np.int64)
    rowpos = np.arange(n, dtype=np.int64)
    lookup[key] = rowpos
    dup = lookup[key] != rowpos
    if dup.any():
        rows, k = _rows(index, dup)
        raise InputError("survey: duplicate firm-years",
                         [Problem("firm_id", "each firm may have one row per year", rows, k)])
    prev = lookup[key - 1]
    nxt = lookup[key + 1]
    if by is not None:  # continuing only within the same domain
        prev[(prev >= 0) & (dom[prev] != dom)] = -1
        nxt[(nxt >= 0) & (dom[nxt] != dom)] = -1
    pair_next = np.append(pair_ok[1:], False)
    in_pair_cur = pair_ok[t]      # the row is the "t" of a pair t-1 -> t
    in_pair_prev = pair_next[t]   # the row is the "t-1" of a pair
    has_prev = prev >= 0
    ic = np.flatnonzero(in_pair_cur & has_prev)
    jc = prev[ic]
    ie = np.flatnonzero(in_pair_cur & ~has_prev)
    ix = np.flatnonzero(in_pair_prev & (nxt < 0))
    n_groups = n_dom * span
    g_cur = dom * span + t
    gc, ge, gx = g_cur[ic], g_cur[ie], g_cur[ix] + 1

    # ---- price relatives of continuing firms ------------------------------------------------
    pc_all = _numeric(df, price_change) if deflator is None else np.zeros(n)
    if deflator is None:
        rel = 1.0 + pc_all[ic]
        reported = ~np.isnan(rel)
        if not (rel[reported] > 0).all() or np.isinf(rel).any():
            bad = reported & ~((rel > 0) & np.isfinite(rel))
            rows, k = _rows(index[ic], bad)
            raise InputError("survey: invalid price changes",
                             [Problem(price_change, "must be finite and > -1 (a price "
                                      "relative 1 + change must be positive)", rows, k)])
        if missing_price == "error" and not reported.all():
            rows, k = _rows(index[ic], ~reported)
            raise InputError("survey: continuing firms without a price change",
                             [Problem(price_change, "missing for a firm present in the "
                                      "previous year (pass missing_price='impute')", rows, k)])
        rel[~reported] = 1.0
    else:
        reported = np.ones(len(ic), dtype=bool)
        ratios = _deflator_ratios(deflator, np.arange(span) + y0, pair_ok)

    # ---- totals, index and components: (columns, groups, weight columns) ---------------------
    rows_used = (ic, jc, ie, ix)
    codes = (gc, ge, gx)
    price_fixed = (np.tile(ratios, n_dom)[:, None] if deflator is not None else None)

    def components(wm: np.ndarray) -> np.ndarray:
        wy = np.multiply(wm, y[:, None], order="C")  # C order: fast row gathers
        return _components(wy, rows_used, codes, n_groups, method, split,
                           reported, rel if deflator is None else None, price_fixed)

    stacked = components(w[:, None])
    boot = None
    if n_replicates:
        if design is None:
            design = SurveyDesign(df, strata="stratum" if "stratum" in df.columns else None,
                                  validate=False)
        reps = design.replicate_weights(n_replicates=int(n_replicates), seed=seed)
        rep_w = reps.to_numpy(dtype=float)
        # replicates in blocks of columns: memory stays bounded by rows x block
        boot = np.concatenate([components(rep_w[:, i:i + _REPLICATE_BLOCK])
                               for i in range(0, rep_w.shape[1], _REPLICATE_BLOCK)], axis=2)

    # ---- counts and the groups to report --------------------------------------------------------
    counts = np.stack([np.bincount(gc, minlength=n_groups),
                       np.bincount(gc[~reported], minlength=n_groups),
                       np.bincount(ge, minlength=n_groups),
                       np.bincount(gx, minlength=n_groups)])
    g_dom, g_t = np.divmod(np.arange(n_groups), span)
    shown = pair_ok[g_t] & (counts[[0, 2, 3]].sum(axis=0) > 0)
    keep_g = np.flatnonzero(shown)
    years = g_t[keep_g] + y0
    if by is None:
        idx = pd.Index(years, name="year")
    else:
        idx = pd.MultiIndex.from_arrays([dom_labels[g_dom[keep_g]], years], names=[by, "year"])
    table = pd.DataFrame(stacked[:, keep_g, 0].T, index=idx, columns=list(FLOAT_COLUMNS))
    for name, col in zip(COUNT_COLUMNS, counts[:, keep_g], strict=True):
        table[name] = col.astype(np.int64)

    intervals = None
    if n_replicates:
        est = stacked[:, keep_g, :1]
        boot = boot[:, keep_g, :]
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
        ncol, ng = len(FLOAT_COLUMNS), len(keep_g)
        comp = np.tile(np.array(FLOAT_COLUMNS, dtype=object), ng)
        base = idx.repeat(ncol)
        if by is None:
            iv_idx = pd.MultiIndex.from_arrays([base, comp], names=["year", "component"])
        else:
            iv_idx = pd.MultiIndex.from_arrays(
                [base.get_level_values(0), base.get_level_values(1), comp],
                names=[by, "year", "component"])
        intervals = pd.DataFrame(
            {"estimate": est[..., 0].T.ravel(), "std_error": se.T.ravel(),
             "ci_lower": lo.T.ravel(), "ci_upper": hi.T.ravel(),
             "n_valid": n_valid.T.ravel().astype(np.int64)}, index=iv_idx)

    data_hash = _data_hash(key, y, w, pc_all, *((dom,) if by is not None else ()))
    defl = None
    if deflator is not None:
        defl = pd.Series(deflator, dtype=float).copy()
    return TurnoverDecomposition(
        table=table, intervals=intervals,
        method="deflator" if deflator is not None else method, split=split, by=by,
        deflator=defl, level=float(level), ci=ci, n_replicates=int(n_replicates),
        seed=seed if not isinstance(seed, np.random.Generator) else None,
        synthetic=bool(df.attrs.get("synthetic", False)), n_rows=n, data_hash=data_hash,
        value_column=value, price_column=price_change)
