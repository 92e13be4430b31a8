"""Price and volume: index numbers and the decomposition of turnover growth.

The 2026 letter to parliament reports that D&S turnover of the NLDTIB rose from EUR 8.0 bn
(2024) to EUR 10.2 bn (2025) and concludes that the growth was "mainly driven by volume".
This module provides the tools to check such a statement:

Index numbers
    :func:`price_index` and :func:`quantity_index`: Laspeyres, Paasche, Fisher, Tornqvist,
    Walsh, Montgomery-Vartia, Sato-Vartia and geometric Laspeyres/Paasche, direct (fixed base)
    or chained, with an optional matched-sample treatment of missing observations;
    :func:`index_contributions`: additive contributions of each item to an index's change.
Growth decompositions
    :func:`decompose_growth`: volume = value / price, the multiplicative identity
    ``(1 + g) = (1 + p)(1 + v)`` and its additive and log-additive forms;
    :func:`value_change_decomposition`: Bennet, Montgomery, Laspeyres and Paasche difference
    decompositions of a value change in money, which add up exactly;
    :func:`implied_price_change`: the price change implied by a nominal and a volume growth.
Survey turnover
    :func:`decompose_turnover`: aggregate D&S turnover growth of the survey split into the
    price and volume effects of continuing firms and net entry, with survey bootstrap
    intervals; the result is a :class:`TurnoverDecomposition`.

All inputs and outputs are labelled pandas objects; growth rates are fractions (0.275, not
27.5). The equations are on the methodology page "Price and volume" of the documentation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option
from nldtib_forecast.models.price_volume.decompose import decompose_turnover
from nldtib_forecast.models.price_volume.index_numbers import (
    INDEX_METHODS,
    INDICATOR_METHODS,
    LOG_METHODS,
    bilateral,
    check_prices_quantities,
    check_totals,
    comparison_rows,
    contributions,
    indicators,
    logmean,
)
from nldtib_forecast.models.price_volume.result import COMPONENTS, SPLITS, TurnoverDecomposition

__all__ = [
    "INDEX_METHODS",
    "INDICATOR_METHODS",
    "SPLITS",
    "COMPONENTS",
    "price_index",
    "quantity_index",
    "index_contributions",
    "decompose_growth",
    "value_change_decomposition",
    "implied_price_change",
    "decompose_turnover",
    "TurnoverDecomposition",
]


# ---------------------------------------------------------------------------------------------
# Index numbers
# ---------------------------------------------------------------------------------------------
def _base_position(index: pd.Index, base) -> int:
    if base is None:
        return 0
    try:
        pos = index.get_loc(base)
    except (KeyError, TypeError) as exc:
        shown = ", ".join(repr(v) for v in index[:5].tolist())
        raise InputError(f"argument 'base': {base!r} is not a period of the data; periods "
                         f"start {shown}") from exc
    if not isinstance(pos, (int, np.integer)):
        raise InputError(f"argument 'base': {base!r} matches several periods")
    return int(pos)


def _index(prices, quantities, method, chained, base, missing, kind) -> pd.Series:
    check_option("method", method, INDEX_METHODS)
    if not isinstance(chained, (bool, np.bool_)):
        raise InputError(f"argument 'chained': expected True or False, got {chained!r}")
    positive_q = kind == "quantity" and method in LOG_METHODS
    p, q, valid = check_prices_quantities(prices, quantities, missing, positive_q)
    periods = prices.index
    base_pos = _base_position(periods, base)
    i0, i1 = comparison_rows(len(periods), bool(chained), base_pos)
    m = valid[i0] & valid[i1]
    v = np.where(valid, p * q, 0.0)
    check_totals(np.where(m, v[i0], 0.0).sum(axis=1), np.where(m, v[i1], 0.0).sum(axis=1),
                 periods[i0], periods[i1])
    x, z = (p, q) if kind == "price" else (q, p)
    links = bilateral(x[i0], z[i0], x[i1], z[i1], m, method)
    if chained:
        level = np.concatenate([[1.0], np.cumprod(links)])
        level = level / level[base_pos]
    else:
        level = links.copy()
    level[base_pos] = 1.0
    return pd.Series(level, index=periods.copy(), name=f"{kind}_index")


def price_index(prices: pd.DataFrame, quantities: pd.DataFrame, method: str = "fisher",
                chained: bool = False, base=None, *, missing: str = "error") -> pd.Series:
    """Price index of several items over time, direct (fixed base) or chained.

    Parameters
    ----------
    prices, quantities : pandas.DataFrame
        Periods as the index (sorted increasing, unique), items as columns; the same labels in
        both (the order of ``quantities`` is aligned to ``prices``). Prices must be > 0,
        quantities >= 0.
    method : str, default ``"fisher"``
        One of :data:`INDEX_METHODS`: ``laspeyres, paasche, fisher, tornqvist, walsh,
        montgomery_vartia, sato_vartia, geometric_laspeyres, geometric_paasche``. An unknown
        name raises :class:`~nldtib_forecast.InputError` listing the valid names.
    chained : bool, default False
        ``False``: every period is compared directly with the base period. ``True``: the
        product of the period-on-period indexes (links ``t-1 -> t``).
    base : period label, optional
        The period where the index equals 1 (default: the first).
    missing : {"error", "matched"}, keyword-only
        Missing prices or quantities (NaN) raise by default. ``"matched"`` compares each pair
        of periods over the items observed in both (a matched sample: IndexNumR's
        ``sample = "matched"``); items entering or leaving then do not affect that comparison.

    Returns
    -------
    pandas.Series
        The index by period (same index as ``prices``), equal to 1 in the base period, named
        ``"price_index"``.

    Raises
    ------
    nldtib_forecast.InputError
        Unknown method, mismatched labels, unsorted periods, non-positive prices, negative
        quantities, missing values (unless ``missing="matched"``), or a comparison without
        positive total value.

    See Also
    --------
    quantity_index : The volume index, with the same formulas.
    index_contributions : Each item's additive contribution to the index's change.
    decompose_growth : Value growth split into price and volume growth.
    value_change_decomposition : The same split in money (indicators).

    Notes
    -----
    With ``s_i`` value shares and ``r_i = p_i^1 / p_i^0``: Laspeyres ``sum s_i^0 r_i``; Paasche
    ``1 / sum s_i^1 / r_i``; Fisher ``sqrt(L P)``; Tornqvist ``prod r_i^((s_i^0+s_i^1)/2)``;
    Walsh ``sum p^1 sqrt(q^0 q^1) / sum p^0 sqrt(q^0 q^1)``; Montgomery-Vartia
    ``exp(sum L(v_i^0, v_i^1) ln r_i / L(V^0, V^1))``; Sato-Vartia ``exp(sum w_i ln r_i)`` with
    ``w_i`` proportional to ``L(s_i^0, s_i^1)``; geometric Laspeyres ``prod r_i^(s_i^0)``;
    ``L`` is the logarithmic mean (Balk 2008, chapter 3).

    References
    ----------
    .. [1] Balk, B. M. (2008). *Price and Quantity Index Numbers: Models for Measuring
       Aggregate Change and Difference*. Cambridge University Press.
       doi:10.1017/CBO9780511720758
    .. [2] Diewert, W. E. (1976). Exact and superlative index numbers. *Journal of
       Econometrics*, 4(2), 115-145. doi:10.1016/0304-4076(76)90009-9
    .. [3] Vartia, Y. O. (1976). Ideal log-change index numbers. *Scandinavian Journal of
       Statistics*, 3(3), 121-126.
    .. [4] Sato, K. (1976). The ideal log-change index number. *The Review of Economics and
       Statistics*, 58(2), 223-228.
    .. [5] IMF, ILO, OECD, UNECE and World Bank (2004). *Producer Price Index Manual:
       Theory and Practice*. International Monetary Fund.

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.models.price_volume import price_index
    >>> p = pd.DataFrame({"a": [1.0, 1.2, 1.3], "b": [1.0, 0.9, 1.0]},
    ...                  index=pd.Index([2023, 2024, 2025], name="year"))
    >>> q = pd.DataFrame({"a": [10.0, 9.0, 9.5], "b": [5.0, 6.0, 6.0]}, index=p.index)
    >>> price_index(p, q, method="laspeyres").round(4).tolist()
    [1.0, 1.1, 1.2]
    >>> price_index(p, q, method="fisher", chained=True, base=2024).round(4).tolist()
    [0.9175, 1.0, 1.0924]
    """
    return _index(prices, quantities, method, chained, base, missing, "price")


def quantity_index(prices: pd.DataFrame, quantities: pd.DataFrame, method: str = "fisher",
                   chained: bool = False, base=None, *, missing: str = "error") -> pd.Series:
    """Quantity (volume) index of several items over time, direct or chained.

    The same formulas as :func:`price_index` with the roles of prices and quantities
    exchanged (e.g. Laspeyres ``sum p^0 q^1 / sum p^0 q^0``). Fisher satisfies the factor
    reversal test: Fisher price x Fisher quantity = value ratio; Laspeyres price x Paasche
    quantity (and Paasche price x Laspeyres quantity) = value ratio.

    Parameters
    ----------
    prices, quantities : pandas.DataFrame
        As for :func:`price_index`. The logarithmic formulas (``tornqvist``,
        ``montgomery_vartia``, ``sato_vartia``, ``geometric_*``) need quantities > 0.
    method : str, default "fisher"
        One of :data:`INDEX_METHODS`.
    chained : bool, default False
        ``False``: every period compared directly with the base period; ``True``: the
        product of the period-on-period links.
    base : period label, optional
        The period where the index equals 1 (default: the first).
    missing : {"error", "matched"}, default "error"
        Missing values raise, or each pair of periods is compared over the items observed in
        both (as for :func:`price_index`).

    Returns
    -------
    pandas.Series
        The index by period, 1 in the base period, named ``"quantity_index"``.

    Raises
    ------
    nldtib_forecast.InputError
        As :func:`price_index`; also quantities <= 0 with a logarithmic formula.

    See Also
    --------
    price_index : The price index; Fisher price x Fisher quantity = value ratio.
    decompose_growth : Value growth split into price and volume growth.

    References
    ----------
    .. [1] Balk, B. M. (2008). *Price and Quantity Index Numbers: Models for Measuring
       Aggregate Change and Difference*. Cambridge University Press.
       doi:10.1017/CBO9780511720758

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.models.price_volume import price_index, quantity_index
    >>> p = pd.DataFrame({"a": [1.0, 1.2], "b": [1.0, 0.9]}, index=[2024, 2025])
    >>> q = pd.DataFrame({"a": [10.0, 9.0], "b": [5.0, 6.0]}, index=[2024, 2025])
    >>> qi = quantity_index(p, q)
    >>> value_ratio = (p * q).sum(axis=1) / (p * q).sum(axis=1).iloc[0]
    >>> bool(abs(price_index(p, q).iloc[1] * qi.iloc[1] - value_ratio.iloc[1]) < 1e-12)
    True
    """
    return _index(prices, quantities, method, chained, base, missing, "quantity")


def index_contributions(prices: pd.DataFrame, quantities: pd.DataFrame,
                        method: str = "fisher", kind: str = "price", *,
                        missing: str = "error") -> pd.DataFrame:
    """Additive contributions of each item to the period-on-period change of an index.

    For every link ``t-1 -> t`` the contributions ``c_i`` satisfy ``sum_i c_i = P(t-1, t) - 1``
    exactly. Laspeyres, Paasche and Walsh are weighted arithmetic means of the relatives
    ``r_i`` and give ``c_i = w_i (r_i - 1)``; Fisher uses the van IJzeren decomposition (Balk
    2008, section 4.2.2); Tornqvist, Sato-Vartia and the geometric indexes use the arithmetic
    weights ``w_i / L(r_i, P)`` (normalised) that reproduce the geometric mean (Reinsdorf,
    Diewert and Ehemann 2002); Montgomery-Vartia splits ``P - 1`` in proportion to the log
    contributions ``w_i ln r_i``.

    Parameters
    ----------
    prices, quantities : pandas.DataFrame
        As for :func:`price_index`.
    method : str, default ``"fisher"``
        One of :data:`INDEX_METHODS`.
    kind : {"price", "quantity"}
        Contributions to the price index or to the quantity index.
    missing : {"error", "matched"}, keyword-only
        As for :func:`price_index`; items outside a matched comparison get NaN.

    Returns
    -------
    pandas.DataFrame
        Indexed by the second period of each link, one column per item; each row adds up
        to the link's index minus 1 (a fraction).

    Raises
    ------
    nldtib_forecast.InputError
        As :func:`price_index`, an unknown ``kind``, or fewer than two periods.

    See Also
    --------
    price_index, quantity_index : The indexes decomposed.

    References
    ----------
    .. [1] Balk, B. M. (2008). *Price and Quantity Index Numbers: Models for Measuring
       Aggregate Change and Difference*. Cambridge University Press.
       doi:10.1017/CBO9780511720758
    .. [2] Reinsdorf, M. B., Diewert, W. E. and Ehemann, C. (2002). Additive decompositions
       for Fisher, Törnqvist and geometric mean indexes. *Journal of Economic and Social
       Measurement*, 28(1-2), 51-61.

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.models.price_volume import index_contributions, price_index
    >>> p = pd.DataFrame({"a": [1.0, 1.2], "b": [1.0, 0.9]}, index=[2024, 2025])
    >>> q = pd.DataFrame({"a": [10.0, 9.0], "b": [5.0, 6.0]}, index=[2024, 2025])
    >>> c = index_contributions(p, q, method="laspeyres")
    >>> c.round(4)
               a       b
    2025  0.1333 -0.0333
    >>> float(c.sum(axis=1).iloc[0]), float(price_index(p, q, "laspeyres").iloc[1] - 1)
    (0.1, 0.1)
    """
    check_option("method", method, INDEX_METHODS)
    check_option("kind", kind, ("price", "quantity"))
    positive_q = kind == "quantity" and method in LOG_METHODS
    p, q, valid = check_prices_quantities(prices, quantities, missing, positive_q)
    periods = prices.index
    if len(periods) < 2:
        raise InputError("index_contributions needs at least two periods")
    i0, i1 = comparison_rows(len(periods), True, 0)
    m = valid[i0] & valid[i1]
    v = np.where(valid, p * q, 0.0)
    check_totals(np.where(m, v[i0], 0.0).sum(axis=1), np.where(m, v[i1], 0.0).sum(axis=1),
                 periods[i0], periods[i1])
    x, z = (p, q) if kind == "price" else (q, p)
    c = contributions(x[i0], z[i0], x[i1], z[i1], m, method)
    return pd.DataFrame(c, index=periods[1:].copy(), columns=prices.columns.copy())


# ---------------------------------------------------------------------------------------------
# Growth decompositions
# ---------------------------------------------------------------------------------------------
def _positive_series(s, name: str) -> pd.Series:
    if isinstance(s, pd.DataFrame) and s.shape[1] == 1:
        s = s.iloc[:, 0]
    if not isinstance(s, pd.Series):
        raise InputError(f"argument '{name}': expected a pandas Series indexed by period, got "
                         f"{type(s).__name__}")
    x = pd.to_numeric(s, errors="coerce").astype(float)
    bad = ~np.isfinite(x.to_numpy()) | (x.to_numpy() <= 0)
    if bad.any():
        rows = tuple(s.index[bad][:5].tolist())
        raise InputError(f"argument '{name}': invalid values",
                         [Problem(name, "must be finite and > 0", rows, int(bad.sum()))])
    return x


def decompose_growth(values: pd.Series | None = None, price_index: pd.Series | None = None,
                     *, prices: pd.DataFrame | None = None,
                     quantities: pd.DataFrame | None = None, method: str = "fisher",
                     chained: bool = True, missing: str = "error") -> pd.DataFrame:
    """Split value growth into price and volume growth, multiplicatively and additively.

    Volume is value deflated by the price index, ``volume = value / price_index``. For each
    period ``t`` with value growth ``g``, price growth ``p`` and volume growth ``v`` (all
    against ``t-1``):

    * multiplicative: ``1 + g = (1 + p)(1 + v)`` (``volume_growth`` is implicit, so exact);
    * additive with interaction: ``g = p + v + p v``;
    * log-additive (Montgomery-Vartia): ``g = price_log + volume_log`` with
      ``price_log = L(1 + g, 1) ln(1 + p)`` and ``volume_log = L(1 + g, 1) ln(1 + v)``,
      ``L`` the logarithmic mean; no interaction term.

    Parameters
    ----------
    values : pandas.Series, optional
        Values (e.g. turnover in EUR) by period, > 0.
    price_index : pandas.Series, optional
        Price index levels by period (any base), > 0, with the same periods as ``values``.
    prices, quantities : pandas.DataFrame, keyword-only, optional
        Instead of ``values`` and ``price_index``: item prices and quantities; ``values`` are
        ``sum p q`` and the price index is :func:`price_index` with ``method``, ``chained``
        and ``missing``. With ``missing="matched"`` the values include every observed item,
        so items entering or leaving count as volume.
    method : str, default "fisher"
        Index formula (one of :data:`INDEX_METHODS`) when ``prices`` and ``quantities`` are
        given.
    chained : bool, default True
        Chained or direct price index, when ``prices`` and ``quantities`` are given.
    missing : {"error", "matched"}, default "error"
        Treatment of missing prices or quantities (as for :func:`price_index`).

    Returns
    -------
    pandas.DataFrame
        Indexed by period with columns ``value, price_index, volume`` (levels; ``volume`` in the
        money of the price index's base period) and ``value_growth, price_growth,
        volume_growth, interaction, price_log, volume_log`` (fractions; NaN in the first
        period).

    Raises
    ------
    nldtib_forecast.InputError
        Both or neither of the pairs (``values``, ``price_index``) and (``prices``,
        ``quantities``); values or index levels that are not finite and > 0; different
        periods in ``values`` and ``price_index``; or the errors of :func:`price_index`.

    See Also
    --------
    price_index : The price index used to deflate.
    value_change_decomposition : The split in money rather than in growth rates.
    implied_price_change : The price change implied by a nominal and a volume growth.

    References
    ----------
    .. [1] Balk, B. M. (2008). *Price and Quantity Index Numbers: Models for Measuring
       Aggregate Change and Difference*. Cambridge University Press.
       doi:10.1017/CBO9780511720758

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.models.price_volume import decompose_growth
    >>> values = pd.Series([8.0e9, 10.2e9], index=[2024, 2025])
    >>> prices = pd.Series([1.0, 1.035], index=[2024, 2025])
    >>> d = decompose_growth(values, prices)
    >>> d.loc[2025, ["value_growth", "price_growth", "volume_growth"]].round(4).tolist()
    [0.275, 0.035, 0.2319]
    >>> row = d.loc[2025]
    >>> bool(abs(row.price_log + row.volume_log - row.value_growth) < 1e-12)
    True
    """
    from_pq = prices is not None or quantities is not None
    if from_pq:
        if values is not None or price_index is not None:
            raise InputError("pass either values and price_index, or prices and quantities, "
                             "not both")
        if prices is None or quantities is None:
            raise InputError("prices and quantities must be given together")
        pi = _index(prices, quantities, method, chained, None, missing, "price")
        p, q, valid = check_prices_quantities(prices, quantities, missing)
        values = pd.Series(np.where(valid, p * q, 0.0).sum(axis=1), index=prices.index)
        price_index = pi
    elif values is None or price_index is None:
        raise InputError("decompose_growth needs values and price_index (or prices and "
                         "quantities)")
    values = _positive_series(values, "values")
    price_index = _positive_series(price_index, "price_index")
    if not values.index.equals(price_index.index):
        if set(values.index) != set(price_index.index) or values.index.has_duplicates:
            raise InputError("values and price_index must have the same periods (index)")
        price_index = price_index.reindex(values.index)
    out = pd.DataFrame({"value": values, "price_index": price_index,
                        "volume": values / price_index}, index=values.index)
    g = out["value"] / out["value"].shift(1) - 1.0
    p = out["price_index"] / out["price_index"].shift(1) - 1.0
    v = (1.0 + g) / (1.0 + p) - 1.0
    scale = pd.Series(logmean(1.0 + g.to_numpy(), np.ones(len(g))), index=g.index)
    scale[g.isna()] = np.nan
    out["value_growth"] = g
    out["price_growth"] = p
    out["volume_growth"] = v
    out["interaction"] = p * v
    out["price_log"] = scale * np.log1p(p)
    out["volume_log"] = scale * np.log1p(v)
    return out


def value_change_decomposition(prices: pd.DataFrame, quantities: pd.DataFrame,
                               method: str = "bennet", by_item: bool = False, *,
                               missing: str = "error") -> pd.DataFrame:
    """Difference decomposition of the change in value into a price and a volume effect.

    Indicators (Diewert 2005) split ``V^t - V^{t-1}`` additively, in money, for every pair of
    consecutive periods:

    ``bennet`` (Bennet 1920)
        price ``sum (q^0 + q^1)/2 (p^1 - p^0)``, volume ``sum (p^0 + p^1)/2 (q^1 - q^0)``;
    ``montgomery`` (Montgomery 1929, 1937)
        price ``sum L(v^1, v^0) ln(p^1/p^0)``, volume ``sum L(v^1, v^0) ln(q^1/q^0)`` (needs
        quantities > 0);
    ``laspeyres``
        Laspeyres price indicator ``sum q^0 (p^1 - p^0)`` with the Paasche volume indicator
        ``sum p^1 (q^1 - q^0)``;
    ``paasche``
        Paasche price indicator ``sum q^1 (p^1 - p^0)`` with the Laspeyres volume indicator
        ``sum p^0 (q^1 - q^0)``.

    All four add up exactly, item by item: ``price_effect + volume_effect = value_change``.

    Parameters
    ----------
    prices, quantities : pandas.DataFrame
        As for :func:`price_index`.
    method : str, default ``"bennet"``
        One of :data:`INDICATOR_METHODS`.
    by_item : bool, default False
        Return the effects of every item (rows ``(period, item)``) instead of their sums.
    missing : {"error", "matched"}, keyword-only
        As for :func:`price_index`; with ``"matched"`` the value change is that of the items
        observed in both periods.

    Returns
    -------
    pandas.DataFrame
        Indexed by the second period of each pair (and item with ``by_item``), columns
        ``value_change, price_effect, volume_effect`` in the units of ``p q`` (e.g. EUR).

    Raises
    ------
    nldtib_forecast.InputError
        An unknown method, fewer than two periods, or the errors of :func:`price_index`
        (``montgomery`` also needs quantities > 0).

    See Also
    --------
    decompose_growth : The split in growth rates.
    index_contributions : Each item's contribution to an index's change.

    References
    ----------
    .. [1] Diewert, W. E. (2005). Index number theory using differences rather than
       ratios. *American Journal of Economics and Sociology*, 64(1), 311-360.
       doi:10.1111/j.1536-7150.2005.00365.x
    .. [2] Bennet, T. L. (1920). The theory of measurement of changes in cost of living.
       *Journal of the Royal Statistical Society*, 83(3), 455-462.
    .. [3] Montgomery, J. K. (1937). *The Mathematical Problem of the Price Index*. P. S.
       King and Son.

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.models.price_volume import value_change_decomposition
    >>> p = pd.DataFrame({"a": [1.0, 1.2], "b": [1.0, 0.9]}, index=[2024, 2025])
    >>> q = pd.DataFrame({"a": [10.0, 9.0], "b": [5.0, 6.0]}, index=[2024, 2025])
    >>> value_change_decomposition(p, q, "bennet")
          value_change  price_effect  volume_effect
    2025           1.2          1.35         -0.15
    """
    check_option("method", method, INDICATOR_METHODS)
    p, q, valid = check_prices_quantities(prices, quantities, missing,
                                          positive_quantities=method == "montgomery")
    periods = prices.index
    if len(periods) < 2:
        raise InputError("value_change_decomposition needs at least two periods")
    i0, i1 = comparison_rows(len(periods), True, 0)
    m = valid[i0] & valid[i1]
    price_eff, vol_eff = indicators(p[i0], q[i0], p[i1], q[i1], m, method)
    change = np.where(m, np.where(m, p[i1] * q[i1], 0.0) - np.where(m, p[i0] * q[i0], 0.0),
                      np.nan)
    price_eff = np.where(m, price_eff, np.nan)
    vol_eff = np.where(m, vol_eff, np.nan)
    if by_item:
        idx = pd.MultiIndex.from_product([periods[1:], prices.columns],
                                         names=[periods.name or "period",
                                                prices.columns.name or "item"])
        return pd.DataFrame({"value_change": change.ravel(), "price_effect": price_eff.ravel(),
                             "volume_effect": vol_eff.ravel()}, index=idx)
    return pd.DataFrame({"value_change": np.nansum(change, axis=1),
                         "price_effect": np.nansum(price_eff, axis=1),
                         "volume_effect": np.nansum(vol_eff, axis=1)},
                        index=periods[1:].copy())


def implied_price_change(nominal_growth, volume_growth):
    """Price change implied by a nominal and a volume growth: ``(1 + g) / (1 + v) - 1``.

    Parameters
    ----------
    nominal_growth, volume_growth : float, array or pandas.Series
        Growth rates as fractions.

    Returns
    -------
    float, array or pandas.Series
        The implied price change, as a fraction.

    Raises
    ------
    nldtib_forecast.InputError
        If a growth rate is not a number, or is <= -1 (a fall of 100% or more), or the arrays'
        shapes do not match. NaN passes through.

    See Also
    --------
    decompose_growth : Price and volume growth from values and a price index.

    Examples
    --------
    The letter's turnover rose from EUR 8.0 to 10.2 bn (+27.5%); if its "+21.5%" were a
    volume growth, prices would have risen by about 4.9%:

    >>> from nldtib_forecast.models.price_volume import implied_price_change
    >>> round(implied_price_change(10.2 / 8.0 - 1, 0.215), 4)
    0.0494
    """
    g = _growth_argument("nominal_growth", nominal_growth)
    v = _growth_argument("volume_growth", volume_growth)
    try:
        out = (1.0 + g) / (1.0 + v) - 1.0
    except ValueError as exc:  # arrays of different shapes
        raise InputError(f"arguments 'nominal_growth' and 'volume_growth': shapes do not match "
                         f"({exc})") from None
    return float(out) if isinstance(out, float | np.floating) else out


def _growth_argument(name: str, value: object):
    """A growth rate (scalar, array or Series) as floats; not a number, or <= -1, is an
    InputError naming the offending positions."""
    if isinstance(value, bool | np.bool_ | str | bytes) or value is None:
        raise InputError(f"argument '{name}': must be a number, array or Series of growth rates "
                         f"(fractions), got {type(value).__name__} {value!r}")
    try:
        if isinstance(value, pd.Series):
            if pd.api.types.is_bool_dtype(value.dtype):
                raise TypeError("booleans")
            out = value.astype(float)
            arr = out.to_numpy()
            labels = value.index
        else:
            arr = np.asarray(value)
            if arr.dtype.kind not in "iuf":
                raise TypeError(f"dtype {arr.dtype}")
            arr = arr.astype(float)
            out = float(arr) if arr.ndim == 0 else arr
            labels = None
    except (TypeError, ValueError) as exc:
        raise InputError(f"argument '{name}': must be a number, array or Series of growth rates "
                         f"(fractions); got {type(value).__name__} ({exc})") from None
    with np.errstate(invalid="ignore"):
        bad = np.atleast_1d(arr <= -1)
    if bad.any():
        rule = "must be > -1 (a value or volume cannot fall by 100% or more)"
        if np.ndim(arr) == 0:
            raise InputError(f"argument '{name}': {rule}, got {float(arr):g}")
        pos = np.flatnonzero(bad)
        rows = tuple(pos[:5].tolist()) if labels is None else tuple(labels[pos[:5]].tolist())
        raise InputError(f"argument '{name}': growth rates out of range",
                         [Problem(name, rule, rows, int(pos.size))])
    return out


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
