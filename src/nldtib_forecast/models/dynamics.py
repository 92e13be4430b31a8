"""Firm dynamics: split the change of a weighted aggregate into within, between, cross, entry
and exit terms.

The aggregate of period :math:`t` is a share-weighted mean over the firms present in
:math:`t`,

.. math::  P_t = \\sum_i s_{it} p_{it}, \\qquad s_{it} = \\frac{w_{it}}{\\sum_j w_{jt}},

for instance aggregate productivity (``p`` = productivity, ``w`` = employment) or the D&S share
of turnover (``p`` = a firm's D&S share, ``w`` = its total turnover: ``P_t`` is then total D&S
turnover over total turnover). Between two periods the firms are *continuing* (present in
both), *entrants* (only in the later period) or *exiters* (only in the earlier one).
:func:`decompose_dynamics` splits :math:`\\Delta P = P_t - P_{t-1}` with one of five methods:

``fhk``
    Foster, Haltiwanger and Krizan (2001); entry and exit relative to :math:`P_{t-1}`.
``griliches_regev``
    Griliches and Regev (1995); averages of the two periods, relative to :math:`\\bar P`.
``bhc``
    Baily, Hulten and Campbell (1992); no reference level (``between`` includes the cross
    term).
``melitz_polanec``
    Melitz and Polanec (2015), the dynamic Olley-Pakes decomposition; entry and exit relative to
    the continuing firms' aggregate, the continuing firms' change split into the change of their
    unweighted mean (``within``) and of the Olley-Pakes covariance (``between``).
``diewert_fox``
    Diewert and Fox (2010); entry and exit as Melitz-Polanec, the continuing firms' change split
    symmetrically (Bennet-type averages of shares normalised within the continuing firms).

The equations are in the methodology page (:doc:`/methodology/dynamics`). Every method is
exact: the five components add up to :math:`\\Delta P`. The terms agree with the ``dynamics``
function of the R package dfvad (Zeng), see ``tests/models/results/README_dynamics.md``.

Everything is vectorised over firms *and* transitions, with no Python loop over either: values
and shares are laid out as (periods x firms) arrays whose slices ``[:-1]`` and ``[1:]`` along
the period axis are the earlier and later periods of every transition, and each sum is one
:func:`numpy.einsum` over the firm axis. Panels too sparse for that layout are processed
row-wise (rows sorted on firm x period, sums per transition with :func:`numpy.bincount`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option

__all__ = ["decompose_dynamics", "METHODS", "COMPONENTS"]

#: Decomposition methods accepted by :func:`decompose_dynamics`.
METHODS: tuple[str, ...] = ("fhk", "griliches_regev", "bhc", "melitz_polanec", "diewert_fox")
#: Components of every decomposition (``cross`` is 0 for all but ``fhk``).
COMPONENTS: tuple[str, ...] = ("within", "between", "cross", "entry", "exit")
_SHOWN = 5


def _rows(index: pd.Index, mask: np.ndarray) -> tuple[tuple, int]:
    bad = index[np.asarray(mask, dtype=bool)]
    return tuple(bad[:_SHOWN].tolist()), int(len(bad))


def _numeric(panel: pd.DataFrame, name: str, *, nonneg: bool, positive: bool = False,
             what: str) -> tuple[np.ndarray, list[Problem]]:
    col = panel[name]
    if isinstance(col.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype)):
        return np.empty(0), [Problem(name, f"{what} must be numeric, it has dtype "
                                           f"'{col.dtype}'")]
    x = col.to_numpy(dtype=float, na_value=np.nan)
    problems = []
    bad = ~np.isfinite(x)
    if bad.any():
        problems.append(Problem(name, f"{what} must be finite (no missing or infinite "
                                      f"values; drop or fill those rows first)",
                                *_rows(panel.index, bad)))
    if nonneg:
        neg = np.isfinite(x) & ((x <= 0) if positive else (x < 0))
        if neg.any():
            rule = "must be > 0" if positive else "must be >= 0 (negative weights)"
            problems.append(Problem(name, f"{what} {rule}", *_rows(panel.index, neg)))
    return x, problems


def _validate(panel, value, weight, firm, period, survey_weight):
    if not isinstance(panel, pd.DataFrame):
        raise InputError(f"argument 'panel': expected a pandas DataFrame, got "
                         f"{type(panel).__name__}")
    named = {"value": value, "weight": weight, "firm": firm, "period": period,
             "survey_weight": survey_weight}
    problems = []
    for arg, name in named.items():
        if name is None and arg in ("weight", "survey_weight"):
            continue
        if not isinstance(name, str) or name not in panel.columns:
            problems.append(Problem(str(name), f"column named by argument '{arg}' is not in "
                                               f"the panel"))
    if problems:
        raise InputError("decompose_dynamics: column(s) not found", problems)
    if len(panel) == 0:
        raise InputError("argument 'panel': the panel is empty (0 rows)")
    for arg in ("firm", "period"):
        miss = pd.isna(panel[named[arg]].to_numpy())
        if miss.any():
            problems.append(Problem(named[arg], f"{arg} labels must not be missing",
                                    *_rows(panel.index, miss)))
    v, p = _numeric(panel, value, nonneg=False, what="values")
    problems += p
    w, p = (np.ones(len(panel)), []) if weight is None else _numeric(
        panel, weight, nonneg=True, what="weights")
    problems += p
    g, p = (np.ones(len(panel)), []) if survey_weight is None else _numeric(
        panel, survey_weight, nonneg=True, positive=True, what="survey weights")
    problems += p
    if problems:
        raise InputError("decompose_dynamics: invalid panel", problems)
    return v, w, g


def _small_int_range(col: pd.Series, limit: int) -> tuple[np.ndarray, int] | None:
    """``(values - min, min)`` of an integer column whose range is at most ``limit``."""
    if not (pd.api.types.is_integer_dtype(col.dtype) and not pd.api.types.is_bool_dtype(
            col.dtype)):
        return None
    x = col.to_numpy(dtype=np.int64)
    lo, hi = int(x.min()), int(x.max())
    if hi - lo + 1 > limit:
        return None
    return x - lo, lo


def _period_codes(panel: pd.DataFrame, period: str, periods) -> tuple[np.ndarray, pd.Index]:
    """Code 0..T-1 of every row's period (-1: a period not in ``periods``) and the labels."""
    col = panel[period]
    if periods is not None:
        labels = pd.Index(list(periods))
        if labels.has_duplicates or len(labels) < 2:
            raise InputError(f"argument 'periods': need at least two distinct periods, got "
                             f"{list(periods)!r}")
    fast = _small_int_range(col, 100_000)
    if fast is not None:  # integer periods (years): a lookup table instead of hashing
        off, lo = fast
        if periods is None:
            seen = np.bincount(off) > 0
            labels = pd.Index(lo + np.flatnonzero(seen))
            codes = (np.cumsum(seen) - 1)[off]
        else:
            lut = np.full(len(np.bincount(off)), -1, dtype=np.int64)
            pos = np.asarray([lab - lo if isinstance(lab, (int, np.integer)) else -1
                              for lab in labels], dtype=np.int64)
            ok = (pos >= 0) & (pos < len(lut))
            lut[pos[ok]] = np.flatnonzero(ok)
            codes = lut[off]
    elif periods is None:
        codes, uniques = pd.factorize(col, sort=True)
        labels = pd.Index(uniques)
    else:
        codes = labels.get_indexer(col)
    codes = np.asarray(codes, dtype=np.int64)
    if periods is not None:
        counts = np.bincount(codes[codes >= 0], minlength=len(labels))
        absent = [lab for lab, k in zip(labels, counts, strict=True) if k == 0]
        if absent:
            raise InputError(f"argument 'periods': period(s) {absent} not in column "
                             f"'{period}'", [Problem(period, f"no row has period(s) {absent}")])
    return codes, labels


def _firm_codes(col: pd.Series) -> tuple[np.ndarray, int]:
    """Code of every row's firm and the number of codes (integer ids are used as they are)."""
    fast = _small_int_range(col, 2 * len(col) + 1024)
    if fast is not None:
        off, _ = fast
        return off, int(off.max()) + 1
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(dtype=np.int64), len(col.cat.categories)
    codes = pd.factorize(col)[0].astype(np.int64)
    return codes, int(codes.max()) + 1


def _check_total_weight(W: np.ndarray, labels: pd.Index, weight: str | None) -> None:
    if (W <= 0).any():
        empty = [_plain(labels[i]) for i in np.flatnonzero(W <= 0)]
        raise InputError("decompose_dynamics: a period has zero total weight",
                         [Problem(str(weight), f"weights sum to zero in period(s) {empty}; "
                                               f"shares are undefined")])


#: What the layouts need to name the input in errors: (panel, firm, period, weight column).
_Context = tuple[pd.DataFrame, str, str, str | None]


def _duplicates(panel: pd.DataFrame, firm: str, period: str, dup: np.ndarray) -> InputError:
    return InputError("decompose_dynamics: duplicate firm-period rows",
                      [Problem(f"{firm}, {period}", "each firm may appear once per period",
                               *_rows(panel.index, dup))])


def _no_continuing(method: str, bad: np.ndarray, labels: pd.Index) -> InputError:
    which = [(_plain(labels[k]), _plain(labels[k + 1])) for k in np.flatnonzero(bad)[:5]]
    return InputError(f"method '{method}': no continuing firms (or continuing firms with zero "
                      f"total weight) in transition(s) {which}; the continuing firms' "
                      f"aggregate is undefined")


def _dense(method, fc, F, pc, labels, v, e, g, ctx: _Context):
    """Period-major layout: arrays of shape (periods, firms), sums along the firm axis.

    Transitions are the slices ``[:-1]`` (earlier period) and ``[1:]`` (later period) of the
    period axis, so all transitions are computed at once; the masks of continuing firms,
    entrants and exiters enter the sums as boolean operands of :func:`numpy.einsum`, which
    keeps the number of temporary arrays small.
    """
    T, n, K = len(labels), len(v), len(labels) - 1
    cell = pc * F + fc
    M = np.zeros(T * F, dtype=bool)
    M[cell] = True
    if np.count_nonzero(M) != n:  # two rows in one firm-period cell
        raise _duplicates(*ctx[:3], np.bincount(cell, minlength=T * F)[cell] > 1)
    M = M.reshape(T, F)

    def grid(x):
        out = np.zeros(T * F)
        out[cell] = x
        return out.reshape(T, F)

    def dot(*ops):
        return np.einsum(",".join(["kf"] * len(ops)) + "->k", *ops)

    S, V = grid(e), grid(v)
    W = S.sum(axis=1)
    _check_total_weight(W, labels, ctx[3])
    S /= W[:, None]
    P = dot(S, V)
    M0, M1 = M[:-1], M[1:]
    C, N, X = M0 & M1, M1 > M0, M0 > M1
    S0, S1, V0, V1 = S[:-1], S[1:], V[:-1], V[1:]
    s_n, sv_n = dot(S1, N), dot(S1, V1, N)
    s_x, sv_x = dot(S0, X), dot(S0, V0, X)
    counts = tuple(np.count_nonzero(m, axis=1) for m in (C, N, X)) + (s_n, s_x)
    P0, P1 = P[:-1], P[1:]
    dp = V1 - V0
    zero = np.zeros(K)
    if method in ("fhk", "griliches_regev", "bhc"):
        ds = S1 - S0
        if method == "fhk":
            ref = P0
            within, cross = dot(S0, C, dp), dot(ds, C, dp)
            between = dot(V0, C, ds) - ref * dot(C, ds)
        elif method == "griliches_regev":
            ref = (P0 + P1) / 2
            within = (dot(S0, C, dp) + dot(S1, C, dp)) / 2
            between = (dot(V0, C, ds) + dot(V1, C, ds)) / 2 - ref * dot(C, ds)
            cross = zero
        else:
            ref = zero
            within, between, cross = dot(S0, C, dp), dot(ds, C, V1), zero
        return (within, between, cross, sv_n - ref * s_n, ref * s_x - sv_x), counts, P
    SC0, SC1 = dot(S0, C), dot(S1, C)
    bad = (SC0 <= 0) | (SC1 <= 0)
    if bad.any():
        raise _no_continuing(method, bad, labels)
    phi0, phi1 = dot(S0, C, V0) / SC0, dot(S1, C, V1) / SC1
    entry, exit_ = sv_n - s_n * phi1, s_x * phi0 - sv_x
    if method == "melitz_polanec":
        if g is None:
            m0, m1 = dot(C, V0) / counts[0], dot(C, V1) / counts[0]
        else:
            G = grid(g)
            m0 = dot(G[:-1], C, V0) / dot(G[:-1], C)
            m1 = dot(G[1:], C, V1) / dot(G[1:], C)
        return (m1 - m0, (phi1 - m1) - (phi0 - m0), zero, entry, exit_), counts, P
    within = (dot(S0, C, dp) / SC0 + dot(S1, C, dp) / SC1) / 2
    between = (dot(V0, C, S1) / SC1 + phi1 - phi0 - dot(V1, C, S0) / SC0) / 2
    return (within, between, zero, entry, exit_), counts, P


def _sparse(method, fc, F, pc, labels, v, e, g, ctx: _Context):
    """Row layout for panels too sparse for :func:`_dense`: rows sorted on ``firm x period``,
    consecutive rows of a firm paired, sums per transition with :func:`numpy.bincount`."""
    T, K = len(labels), len(labels) - 1
    W = np.bincount(pc, weights=e, minlength=T)
    _check_total_weight(W, labels, ctx[3])
    s = e / W[pc]
    P = np.bincount(pc, weights=s * v, minlength=T)
    key = fc * T + pc
    order = np.argsort(key, kind="stable")
    ks = key[order]
    same = ks[1:] == ks[:-1]
    if same.any():
        dup = np.zeros(len(key), dtype=bool)
        dup[order[1:][same]] = dup[order[:-1][same]] = True
        raise _duplicates(*ctx[:3], dup)
    cont = (ks[1:] == ks[:-1] + 1) & (pc[order[:-1]] < T - 1)
    a, b = order[:-1][cont], order[1:][cont]
    has_next, has_prev = np.zeros(len(key), dtype=bool), np.zeros(len(key), dtype=bool)
    has_next[a] = has_prev[b] = True
    x = np.flatnonzero(~has_next & (pc < T - 1))
    n = np.flatnonzero(~has_prev & (pc > 0))
    kc, kx, kn = pc[a], pc[x], pc[n] - 1

    def tot(k, val):
        return np.bincount(k, weights=val, minlength=K)

    s1, s2, p1, p2 = s[a], s[b], v[a], v[b]
    dp, ds = p2 - p1, s2 - s1
    sv_n, s_n = tot(kn, s[n] * v[n]), tot(kn, s[n])
    sv_x, s_x = tot(kx, s[x] * v[x]), tot(kx, s[x])
    counts = (np.bincount(kc, minlength=K), np.bincount(kn, minlength=K),
              np.bincount(kx, minlength=K), s_n, s_x)
    P0, P1 = P[:-1], P[1:]
    zero = np.zeros(K)
    if method in ("fhk", "griliches_regev", "bhc"):
        ref: np.ndarray  # the reference aggregate of the between and entry/exit terms
        if method == "fhk":
            ref = P0
            within, between = tot(kc, s1 * dp), tot(kc, (p1 - ref[kc]) * ds)
            cross = tot(kc, ds * dp)
        elif method == "griliches_regev":
            ref = (P0 + P1) / 2
            within = tot(kc, (s1 + s2) / 2 * dp)
            between, cross = tot(kc, ((p1 + p2) / 2 - ref[kc]) * ds), zero
        else:
            ref = zero
            within, between, cross = tot(kc, s1 * dp), tot(kc, ds * p2), zero
        return (within, between, cross, sv_n - ref * s_n, ref * s_x - sv_x), counts, P
    S1, S2 = tot(kc, s1), tot(kc, s2)
    bad = (S1 <= 0) | (S2 <= 0)
    if bad.any():
        raise _no_continuing(method, bad, labels)
    phi1, phi2 = tot(kc, s1 * p1) / S1, tot(kc, s2 * p2) / S2
    entry, exit_ = sv_n - s_n * phi2, s_x * phi1 - sv_x
    if method == "melitz_polanec":
        g1, g2 = (np.ones(len(a)),) * 2 if g is None else (g[a], g[b])
        m1, m2 = tot(kc, g1 * p1) / tot(kc, g1), tot(kc, g2 * p2) / tot(kc, g2)
        return (m2 - m1, (phi2 - m2) - (phi1 - m1), zero, entry, exit_), counts, P
    r1, r2 = s1 / S1[kc], s2 / S2[kc]
    ref = (phi1 + phi2) / 2
    within = tot(kc, (r1 + r2) / 2 * dp)
    between = tot(kc, ((p1 + p2) / 2 - ref[kc]) * (r2 - r1))
    return (within, between, zero, entry, exit_), counts, P


#: The dense layout is used when ``periods x firms <= _DENSE_FILL x rows + _DENSE_MIN``
#: (memory stays within a few times that of the panel); sparser panels use the row layout.
_DENSE_FILL, _DENSE_MIN = 4, 4096


def decompose_dynamics(panel: pd.DataFrame, value: str, weight: str | None,
                       firm: str = "firm_id", period: str = "year", method: str = "fhk", *,
                       survey_weight: str | None = None,
                       periods: Sequence | None = None) -> pd.Series | pd.DataFrame:
    """Decompose the change of a weighted aggregate into within, between, cross, entry and
    exit terms.

    Parameters
    ----------
    panel : pandas.DataFrame
        Long panel, one row per firm and period.
    value : str
        Column with the firm-level value :math:`p_{it}` (productivity, a firm's D&S share).
    weight : str or None
        Column with the firm's weight :math:`w_{it} \\ge 0` (employment, total turnover). It is
        normalised to shares within each period. ``None``: equal weights.
    firm : str, default ``"firm_id"``
        Column identifying the firm across periods.
    period : str, default ``"year"``
        Column with the period (any sortable labels).
    method : {"fhk", "griliches_regev", "bhc", "melitz_polanec", "diewert_fox"}
        The decomposition (see the module documentation).
    survey_weight : str, optional
        Column of grossing-up (design or calibrated) weights :math:`g_{it} > 0` of a sample:
        firm *i* represents :math:`g_{it}` firms, so its weight becomes :math:`g_{it}
        w_{it}`, and Melitz-Polanec's unweighted mean of the continuing firms becomes the
        :math:`g`-weighted mean. On a population (or a census) leave it ``None``.
    periods : sequence, optional
        The periods to compare, in order (e.g. ``[2023, 2025]``: one transition from 2023 to
        2025, firms present in both being continuing). Default: every period of the panel,
        sorted, with one transition between each pair of consecutive periods. Rows of other
        periods are ignored.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        For two periods, a Series indexed by ``within, between, cross, entry, exit, total``;
        for more, a DataFrame with one row per transition (a ``(from, to)`` MultiIndex) and
        those columns. ``total`` is :math:`P_t - P_{t-1}`; the five components add up to it
        (to floating-point rounding). ``attrs`` records the method, the columns, the
        aggregate of every period (``levels``) and, per transition, the number of continuing
        firms, entrants and exiters and the weight share of entrants (in the later period) and
        exiters (in the earlier one).

    Raises
    ------
    nldtib_forecast.InputError
        Unknown method (the message lists the valid ones); a column that is missing; missing
        firm or period labels; missing or non-finite values or weights; negative weights;
        duplicate firm-period rows; a period whose weights sum to zero (the column and the
        period are named); for ``melitz_polanec`` and ``diewert_fox``, a transition without
        continuing firms (their aggregate is undefined).

    See Also
    --------
    nldtib_forecast.models.price_volume.decompose_turnover : Turnover growth split into
        price, volume and net entry.

    Notes
    -----
    ``cross`` is 0 for every method but ``fhk``. For ``melitz_polanec`` the survivors' term is
    reported as ``within`` (change of their unweighted mean) and ``between`` (change of their
    Olley-Pakes covariance between shares and values).

    References
    ----------
    .. [1] Baily, M. N., Hulten, C. and Campbell, D. (1992). Productivity dynamics in
       manufacturing plants. *Brookings Papers on Economic Activity. Microeconomics*, 1992,
       187-267. doi:10.2307/2534764
    .. [2] Griliches, Z. and Regev, H. (1995). Firm productivity in Israeli industry
       1979-1988. *Journal of Econometrics*, 65(1), 175-203.
       doi:10.1016/0304-4076(94)01601-U
    .. [3] Foster, L., Haltiwanger, J. C. and Krizan, C. J. (2001). Aggregate productivity
       growth: lessons from microeconomic evidence. In *New Developments in Productivity
       Analysis*, NBER Studies in Income and Wealth 63, 303-372. University of Chicago
       Press.
    .. [4] Melitz, M. J. and Polanec, S. (2015). Dynamic Olley-Pakes productivity
       decomposition with entry and exit. *The RAND Journal of Economics*, 46(2), 362-375.
       doi:10.1111/1756-2171.12088
    .. [5] Diewert, W. E. and Fox, K. J. (2010). On measuring the contribution of entering
       and exiting firms to aggregate productivity growth. In *Price and Productivity
       Measurement: Volume 6 -- Index Number Theory*, 41-66. Trafford Press.

    Examples
    --------
    Two continuing firms (A, B), an exiter (C) and an entrant (D):

    >>> import pandas as pd
    >>> from nldtib_forecast.models.dynamics import decompose_dynamics
    >>> panel = pd.DataFrame({
    ...     "firm_id": ["A", "B", "C", "A", "B", "D"],
    ...     "year":    [2023, 2023, 2023, 2025, 2025, 2025],
    ...     "value":   [0.20, 0.10, 0.05, 0.25, 0.10, 0.02],
    ...     "weight":  [50.0, 30.0, 20.0, 60.0, 40.0, 100.0]})
    >>> d = decompose_dynamics(panel, "value", "weight", method="fhk")
    >>> d.round(4)
    component
    within     0.025
    between   -0.008
    cross     -0.010
    entry     -0.060
    exit       0.018
    total     -0.035
    Name: contribution, dtype: float64
    >>> bool(abs(d.drop("total").sum() - d["total"]) < 1e-15)
    True
    >>> decompose_dynamics(panel, "value", "weight", method="melitz_polanec").round(4).tolist()
    [0.025, 0.0025, 0.0, -0.085, 0.0225, -0.035]
    """
    method = check_option("method", method, METHODS)
    v, w, g = _validate(panel, value, weight, firm, period, survey_weight)
    pc, labels = _period_codes(panel, period, periods)
    keep = pc >= 0
    if not keep.all():
        panel, v, w, g, pc = panel[keep], v[keep], w[keep], g[keep], pc[keep]
    T, K = len(labels), len(labels) - 1
    if T < 2:
        raise InputError(f"column '{period}': need at least two periods to decompose a "
                         f"change, found {list(labels)}")
    fc, F = _firm_codes(panel[firm])
    layout = _dense if T * F <= _DENSE_FILL * len(fc) + _DENSE_MIN else _sparse
    e, g = (w, None) if survey_weight is None else (w * g, g)
    parts, counts, P = layout(method, fc, F, pc, labels, v, e, g, (panel, firm, period, weight))
    values = np.column_stack([*parts, P[1:] - P[:-1]])  # the components and the total
    attrs = {
        "method": method, "value": value, "weight": weight, "survey_weight": survey_weight,
        "levels": {_plain(k): float(p) for k, p in zip(labels, P, strict=True)},
        "n_continuing": [int(c) for c in counts[0]],
        "n_entry": [int(c) for c in counts[1]],
        "n_exit": [int(c) for c in counts[2]],
        "entry_weight_share": [float(c) for c in counts[3]],
        "exit_weight_share": [float(c) for c in counts[4]],
    }
    columns = pd.Index([*COMPONENTS, "total"], name="component")
    if K == 1:
        res = pd.Series(values[0], index=columns, name="contribution")
        res.attrs = {**attrs, "from": _plain(labels[0]), "to": _plain(labels[1])}
        return res
    out = pd.DataFrame(values, columns=columns,
                       index=pd.MultiIndex.from_arrays([labels[:-1], labels[1:]],
                                                       names=["from", "to"]))
    out.attrs = attrs
    return out


def _plain(x):
    """A numpy scalar as a plain Python value (for readable ``attrs``)."""
    return x.item() if isinstance(x, np.generic) else x


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
