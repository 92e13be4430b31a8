"""Constant market share (CMS) and shift-share decompositions of export change.

:func:`cms_decomposition` splits the change of a country's (or an industry's) exports between
two periods into the part explained by the growth of its markets and the part explained by
changes in its market shares, with four methods:

``leamer_stern``
    Leamer and Stern (1970): the change in exports ``X1 - X0`` = market growth + commodity
    composition + market distribution + competitiveness.
``shift_share``
    The classic shift-share form of Dunn (1960), as in REAT's ``shift()``: national growth +
    industry mix + competitive effect (regional shift).
``fagerberg_sollie``
    Fagerberg and Sollie (1987): the change in the aggregate market share ``S1 - S0`` =
    competitiveness (market share effect) + market structure + market adaptation.
``milana``
    Symmetric (mid-point) weights in the spirit of Milana (1988): the change in the aggregate
    market share = competitiveness + structure, with no interaction term.

Every decomposition is an identity: the components add up to the total change exactly (to
floating-point rounding), which the tests check on random inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option
from nldtib_forecast._format import number, percentage_points
from nldtib_forecast._version import __version__

__all__ = ["cms_decomposition", "CMSResult", "CMS_METHODS", "CMS_COMPONENTS"]

#: Component names of each method, in order.
CMS_COMPONENTS: dict[str, tuple[str, ...]] = {
    "leamer_stern": ("market_growth", "commodity_composition", "market_distribution",
                     "competitiveness"),
    "shift_share": ("national_growth", "industry_mix", "competitive_effect"),
    "fagerberg_sollie": ("competitiveness", "market_structure", "market_adaptation"),
    "milana": ("competitiveness", "structure"),
}
#: The methods of :func:`cms_decomposition`.
CMS_METHODS: tuple[str, ...] = tuple(CMS_COMPONENTS)

_TOTAL_LABEL = {
    "leamer_stern": "change in exports, X1 - X0",
    "shift_share": "change in exports, X1 - X0",
    "fagerberg_sollie": "change in the aggregate market share, S1 - S0",
    "milana": "change in the aggregate market share, S1 - S0",
}
_REFERENCES = {
    "leamer_stern": "Leamer and Stern (1970), Quantitative International Economics, ch. 7",
    "shift_share": "Dunn (1960); formulas and terms as REAT's shift() (Farhauer and Kroell "
                   "2013)",
    "fagerberg_sollie": "Fagerberg and Sollie (1987), Applied Economics 19(12)",
    "milana": "Milana (1988), European Journal of Political Economy 4(4): symmetric "
              "(mid-point) weights, no interaction term",
}
_ARGS = ("X0", "X1", "M0", "M1")


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CMSResult:
    """A constant-market-share or shift-share decomposition (read-only).

    Attributes
    ----------
    method : str
        One of :data:`CMS_METHODS`.
    components : pandas.Series
        The components, in the method's order (:data:`CMS_COMPONENTS`). They add up to
        ``total``.
    total : float
        The change decomposed: ``X1 - X0`` (``leamer_stern``, ``shift_share``, in the unit of
        the exports) or ``S1 - S0`` (``fagerberg_sollie``, ``milana``: a fraction), computed
        directly from the data.
    detail : pandas.DataFrame
        Each component per cell, indexed by ``(row, column)`` of the input (product or
        segment, destination market); the columns add up to ``components``.
    supplementary : pandas.Series
        Derived figures that are not components: e.g. the constant-share exports
        ``X0 * M1 / M0`` (``leamer_stern``), the net total shift (``shift_share``, the sum of
        industry mix and competitive effect), the aggregate shares ``S0`` and ``S1``.
    shape : tuple of int
        ``(rows, columns)`` of the input (a Series is one column, a scalar ``(1, 1)``).
    version : str
        Version of nldtib_forecast that computed the result.

    See Also
    --------
    cms_decomposition : Computes it.

    Examples
    --------
    >>> from nldtib_forecast.models.trade import cms_decomposition
    >>> res = cms_decomposition(2.10, 3.672, 34.362, 100.0)
    >>> res.method, round(res.total, 3)
    ('leamer_stern', 1.572)
    >>> res.components.index.tolist()
    ['market_growth', 'commodity_composition', 'market_distribution', 'competitiveness']
    """

    method: str
    components: pd.Series
    total: float
    detail: pd.DataFrame
    supplementary: pd.Series
    shape: tuple[int, int]
    version: str = field(default=__version__)

    @property
    def total_label(self) -> str:
        """What ``total`` is."""
        return _TOTAL_LABEL[self.method]

    @property
    def reference(self) -> str:
        """The publication the method follows."""
        return _REFERENCES[self.method]

    @property
    def residual(self) -> float:
        """``total - components.sum()``: zero up to floating-point rounding."""
        return float(self.total - self.components.sum())

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: one row per component, plus the total.

        Returns
        -------
        pandas.DataFrame
            Columns ``method``, ``component`` (the components in the method's order, then
            ``total``), ``value`` (in the unit of the exports, or a fraction for
            ``fagerberg_sollie`` and ``milana``) and ``share_of_total`` (NaN when the total
            is zero).

        Examples
        --------
        >>> from nldtib_forecast.models.trade import cms_decomposition
        >>> res = cms_decomposition(2.10, 3.672, 34.362, 100.0)
        >>> res.to_frame().round(3)
                 method              component  value  share_of_total
        0  leamer_stern          market_growth  4.011           2.552
        1  leamer_stern  commodity_composition  0.000           0.000
        2  leamer_stern    market_distribution  0.000           0.000
        3  leamer_stern        competitiveness -2.439          -1.552
        4  leamer_stern                  total  1.572           1.000
        """
        values = pd.concat([self.components, pd.Series({"total": self.total})])
        share = values / self.total if self.total != 0 else values * np.nan
        return pd.DataFrame({"method": self.method, "component": values.index,
                             "value": values.to_numpy(), "share_of_total": share.to_numpy()})

    def _fmt(self, value: float) -> str:
        if self.method in ("fagerberg_sollie", "milana"):
            return percentage_points(value, decimals=2, signed=True)
        return number(value, significant=6, signed=True)

    def summary(self) -> str:
        """Text summary: method, reference, every component and the total.

        Returns
        -------
        str
            Several lines: the method and its reference, the input's shape, what the total
            is, every component with its share of the total, the total and the
            supplementary figures.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import cms_decomposition
        >>> res = cms_decomposition(2.10, 3.672, 34.362, 100.0)
        >>> print(res.summary().splitlines()[0])
        Constant market share decomposition: leamer_stern
        """
        width = max(len(c) for c in (*self.components.index, "total"))
        lines = [f"Constant market share decomposition: {self.method}",
                 f"  {self.reference}",
                 f"  input: {self.shape[0]} row(s) x {self.shape[1]} column(s)",
                 f"  total = {self.total_label}", ""]
        for name, value in self.components.items():
            pct = f"  ({value / self.total:6.1%} of total)" if self.total else ""
            lines.append(f"  {name:<{width}}  {self._fmt(value)}{pct}")
        lines.append(f"  {'total':<{width}}  {self._fmt(self.total)}")
        if len(self.supplementary):
            lines += ["", "  supplementary:"]
            lines += [f"    {k}: {v:,.6g}" for k, v in self.supplementary.items()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        frame = self.to_frame().set_index("component")[["value", "share_of_total"]]
        return (f"<p><b>CMS decomposition ({html.escape(self.method)})</b>: "
                f"{html.escape(self.total_label)}<br>{html.escape(self.reference)}</p>"
                + frame.to_html(float_format=lambda v: f"{v:,.6g}"))

    def plot(self, ax=None, *, title: str | None = None):
        """Waterfall chart of the components ending in the total.

        Bars carry gids ``"component-<name>"`` and ``"total"``.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 7 x 3.8 inch figure.
        title : str, optional
            Title of the chart.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on: one bar per component (green if positive, red if negative)
            and the total.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import cms_decomposition
        >>> res = cms_decomposition(2.10, 3.672, 34.362, 100.0)
        >>> ax = res.plot(title='Dutch D&S exports 2019-2025')
        >>> ax.get_title()
        'Dutch D&S exports 2019-2025'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _fig, ax = plt.subplots(figsize=(7.0, 3.8), layout="constrained")
        start = 0.0
        names = list(self.components.index)
        for i, (name, value) in enumerate(self.components.items()):
            color = "C2" if value >= 0 else "C3"
            (bar,) = ax.bar(i, value, bottom=start, color=color)
            bar.set_gid(f"component-{name}")
            start += value
        (bar,) = ax.bar(len(names), self.total, color="C0")
        bar.set_gid("total")
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.margins(y=0.08)
        ax.set_xticks(range(len(names) + 1), [n.replace("_", "\n") for n in names] + ["total"])
        ax.set_ylabel(self.total_label)
        ax.set_title(title if title is not None else f"CMS decomposition ({self.method})")
        return ax


# ---------------------------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------------------------
def _as_frame(value: object, name: str) -> pd.DataFrame:
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, pd.Series):
        return value.to_frame(name="market")  # one market; the Series' name is ignored
    if isinstance(value, Real) and not isinstance(value, bool):
        return pd.DataFrame({"market": [float(value)]}, index=pd.Index(["total"]))
    raise InputError(f"argument '{name}': expected a pandas DataFrame, a Series or a number, "
                     f"got {type(value).__name__}")


def _check_inputs(values: dict[str, object]) -> dict[str, pd.DataFrame]:
    kinds = {type(v).__name__ if isinstance(v, (pd.DataFrame, pd.Series)) else "number"
             for v in values.values()}
    if len(kinds) > 1:
        raise InputError("X0, X1, M0 and M1 must all be DataFrames, all Series or all numbers; "
                         f"got {', '.join(f'{k}: {type(v).__name__}' for k, v in values.items())}")
    frames = {k: _as_frame(v, k) for k, v in values.items()}
    ref = frames["X0"]
    problems: list[Problem] = []
    for name, frame in frames.items():
        if frame.shape != ref.shape:
            problems.append(Problem(name, f"shape {frame.shape} differs from X0's {ref.shape}"))
            continue
        if not frame.index.equals(ref.index):
            diff = list(frame.index.symmetric_difference(ref.index))[:5]
            problems.append(Problem(name, "row labels differ from X0's (products or segments "
                                          f"must match; differing labels: {diff})"))
        if not frame.columns.equals(ref.columns):
            diff = list(frame.columns.symmetric_difference(ref.columns))[:5]
            problems.append(Problem(name, "column labels differ from X0's (destination markets "
                                          f"must match; differing labels: {diff})"))
    if ref.size == 0:
        problems.append(Problem("X0", "must hold at least one value"))
    if not ref.index.is_unique or not ref.columns.is_unique:
        problems.append(Problem("X0", "row and column labels must be unique"))
    if problems:
        raise InputError("cms_decomposition: inputs do not match", problems)
    out = {}
    for name, frame in frames.items():
        try:
            arr = frame.to_numpy(dtype="float64")
        except (TypeError, ValueError):
            raise InputError(f"argument '{name}': values must be numeric") from None
        bad = ~np.isfinite(arr)
        if bad.any():
            problems.append(_cells(name, frame, bad, "must be finite numbers (no NaN or inf)"))
        elif (arr < 0).any():
            kind = "markets" if name.startswith("M") else "exports"
            problems.append(_cells(name, frame, arr < 0, f"{kind} must be >= 0"))
        out[name] = arr
    if problems:
        raise InputError("cms_decomposition: invalid values", problems)
    for period in ("0", "1"):
        x, m = out["X" + period], out["M" + period]
        if m.sum() <= 0:
            problems.append(Problem("M" + period, "the total market must be > 0"))
        bad = (x > 0) & (m == 0)
        if bad.any():
            problems.append(_cells("M" + period, frames["M" + period], bad,
                                   f"must be > 0 where X{period} > 0 (exports to an empty "
                                   "market)"))
    if problems:
        raise InputError("cms_decomposition: invalid values", problems)
    return {"frame": ref, **out}


def _cells(name: str, frame: pd.DataFrame, mask: np.ndarray, rule: str) -> Problem:
    rows, cols = np.nonzero(mask)
    cells = tuple((frame.index[r], frame.columns[c]) for r, c in zip(rows, cols, strict=True))
    return Problem(name, rule, cells[:5], len(cells))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` with 0 where ``den == 0`` (such cells carry no exports)."""
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


# ---------------------------------------------------------------------------------------------
# Methods
# ---------------------------------------------------------------------------------------------
def _leamer_stern(x0, x1, m0, m1, shift: bool):
    r = m1.sum() / m0.sum() - 1.0
    row0, row1 = m0.sum(axis=1, keepdims=True), m1.sum(axis=1, keepdims=True)
    growth_row = _ratio(row1, row0) - 1.0  # 0 for rows with no market (and no exports)
    growth_cell = _ratio(m1, m0) - 1.0
    market = r * x0
    commodity = (growth_row - r) * x0 * (row0 > 0)
    distribution = (growth_cell - growth_row) * x0 * (m0 > 0)
    rest = (x1 - x0) - market - commodity - distribution
    if shift:
        return {"national_growth": market, "industry_mix": commodity,
                "competitive_effect": distribution + rest}, r
    return {"market_growth": market, "commodity_composition": commodity,
            "market_distribution": distribution, "competitiveness": rest}, r


def _share_parts(x0, x1, m0, m1):
    s0, s1 = _ratio(x0, m0), _ratio(x1, m1)
    w0, w1 = m0 / m0.sum(), m1 / m1.sum()
    return s0, s1, w0, w1


def _fagerberg_sollie(x0, x1, m0, m1):
    s0, s1, w0, w1 = _share_parts(x0, x1, m0, m1)
    ds, dw = s1 - s0, w1 - w0
    return {"competitiveness": ds * w0, "market_structure": s0 * dw,
            "market_adaptation": ds * dw}


def _milana(x0, x1, m0, m1):
    s0, s1, w0, w1 = _share_parts(x0, x1, m0, m1)
    return {"competitiveness": (s1 - s0) * (w0 + w1) / 2,
            "structure": (s0 + s1) / 2 * (w1 - w0)}


def cms_decomposition(X0, X1, M0, M1, method: str = "leamer_stern") -> CMSResult:
    """Decompose an export change into market growth, structure and competitiveness.

    Parameters
    ----------
    X0, X1 : pandas.DataFrame, pandas.Series or float
        Exports in the first and last period: rows products or segments, columns destination
        markets. A Series is one market (rows products or segments); a number is one product
        and one market. To decompose by destination markets only, pass a one-row DataFrame
        (``series.to_frame().T``).
    M0, M1 : same type as ``X0``
        Size of the same markets (imports of each product in each destination, or the market
        the exports compete in), with the same labels and shape as ``X0``. For
        ``shift_share``, the reference economy (the nation in Dunn's regional analysis).
    method : {"leamer_stern", "shift_share", "fagerberg_sollie", "milana"}
        See the module documentation and :doc:`/methodology/trade`.

    Returns
    -------
    CMSResult
        ``components`` add up to ``total`` exactly (up to floating-point rounding).

    Raises
    ------
    nldtib_forecast.InputError
        If the inputs differ in type, shape or labels, hold negative, missing or infinite
        values, a market is empty where there are exports, the total market is zero, or the
        method is unknown.

    See Also
    --------
    CMSResult : The result, with ``summary()``, ``to_frame()`` and ``plot()``.
    fit_export_demand : Export demand elasticities from time series.

    Notes
    -----
    With ``r`` the growth of the total market, ``r_i`` of product ``i``'s market (summed over
    destinations) and ``r_ij`` of cell ``(i, j)``:

    - ``leamer_stern``: market growth ``r X0``; commodity composition
      ``sum_i (r_i - r) X_i0``; market distribution ``sum_ij (r_ij - r_i) X_ij0``;
      competitiveness ``sum_ij (X_ij1 - X_ij0 - r_ij X_ij0)``.
    - ``shift_share``: national growth ``r X0``, industry mix ``sum_i (r_i - r) X_i0``,
      competitive effect ``sum_i (X_i1 - X_i0 - r_i X_i0)`` (REAT's "regional share"). With one
      market (a Series) it equals ``leamer_stern`` with market distribution 0.
    - ``fagerberg_sollie`` and ``milana`` decompose ``S1 - S0`` where ``S = sum X / sum M``,
      ``s_ij = X_ij / M_ij`` and ``w_ij = M_ij / sum M``: competitiveness
      ``sum w_ij0 (s_ij1 - s_ij0)``, market structure ``sum s_ij0 (w_ij1 - w_ij0)``, market
      adaptation ``sum (s_ij1 - s_ij0)(w_ij1 - w_ij0)`` (Fagerberg-Sollie); Milana's
      symmetric form weighs with the mean of both periods, so there is no adaptation term.

    References
    ----------
    .. [1] Leamer, E. E. and Stern, R. M. (1970). *Quantitative International Economics*.
       Allyn and Bacon, chapter 7.
    .. [2] Fagerberg, J. and Sollie, G. (1987). The method of constant market shares
       analysis reconsidered. *Applied Economics*, 19(12), 1571-1583.
    .. [3] Milana, C. (1988). Constant-market-shares analysis and index number theory.
       *European Journal of Political Economy*, 4(4), 453-478.
    .. [4] Dunn, E. S., Jr. (1960). A statistical and analytical technique for regional
       analysis. *Papers and Proceedings of the Regional Science Association*, 6, 97-112.

    Examples
    --------
    The Dutch D&S exports against EDA equipment procurement, 2019-2025 (EUR bn; 2025 exports
    are 36% of EUR 10.2 bn, the 2019 market is derived from defence investment):

    >>> from nldtib_forecast.models.trade import cms_decomposition
    >>> res = cms_decomposition(2.10, 3.672, 34.362, 100.0)
    >>> res.components.round(3)
    market_growth            4.011
    commodity_composition    0.000
    market_distribution      0.000
    competitiveness         -2.439
    dtype: float64
    >>> round(res.total, 3), abs(res.residual) < 1e-12
    (1.572, True)

    A shift-share example with two industries (national growth 10%):

    >>> import pandas as pd
    >>> x0, x1 = pd.Series({"air": 10.0, "land": 10.0}), pd.Series({"air": 14.0, "land": 9.0})
    >>> m0, m1 = pd.Series({"air": 50.0, "land": 50.0}), pd.Series({"air": 60.0, "land": 50.0})
    >>> cms_decomposition(x0, x1, m0, m1, method="shift_share").components.round(6)
    national_growth       2.0
    industry_mix          0.0
    competitive_effect    1.0
    dtype: float64
    """
    method = check_option("method", method, CMS_METHODS)
    checked = _check_inputs(dict(zip(_ARGS, (X0, X1, M0, M1), strict=True)))
    frame: pd.DataFrame = checked["frame"]
    x0, x1, m0, m1 = (checked[k] for k in _ARGS)
    supplementary: dict[str, float] = {}
    if method in ("leamer_stern", "shift_share"):
        parts, r = _leamer_stern(x0, x1, m0, m1, shift=method == "shift_share")
        total = float(x1.sum() - x0.sum())
        supplementary["market_growth_rate"] = float(r)
        supplementary["constant_share_exports"] = float(x0.sum() * (1.0 + r))
        if method == "shift_share":
            supplementary["net_total_shift"] = float(x1.sum() - x0.sum() * (1.0 + r))
    else:
        parts = _fagerberg_sollie(x0, x1, m0, m1) if method == "fagerberg_sollie" else \
            _milana(x0, x1, m0, m1)
        s0, s1 = x0.sum() / m0.sum(), x1.sum() / m1.sum()
        total = float(s1 - s0)
        supplementary.update(S0=float(s0), S1=float(s1))
    index = pd.MultiIndex.from_product([frame.index, frame.columns], names=["row", "column"])
    detail = pd.DataFrame({k: v.ravel() for k, v in parts.items()}, index=index)
    components = pd.Series({k: float(v.sum()) for k, v in parts.items()}, dtype="float64")
    return CMSResult(method=method, components=components, total=total, detail=detail,
                     supplementary=pd.Series(supplementary, dtype="float64"),
                     shape=(int(frame.shape[0]), int(frame.shape[1])))
