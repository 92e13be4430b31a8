"""The published history the export share model is calibrated on (2019-2025).

Everything comes from the embedded data (:func:`~nldtib_forecast.data.load_published`,
:func:`~nldtib_forecast.data.load_european_market`,
:func:`~nldtib_forecast.data.load_nl_defence`). Years without a published value are filled by
documented interpolations, and every filled value is flagged in the ``filled`` column of
:func:`calibration_history`:

``ds_turnover_eur``
    B24 p.7 for 2019-2023, L26 for 2024-2025 (a trend break: the 2026 edition widened the
    population, so 2024-2025 are not chained with 2019-2023).
``exports_eur``
    B24 p.7 for 2019-2023. 2025: 36% (L26) of EUR 10.2 bn. 2024 (not published): export share
    39.5%, the mean of B24's 43% (2023) and L26's 36% (2025), times EUR 8.0 bn.
``eu_market_eur``
    EDA equipment procurement, EU member states, current prices (the proxy for M).
    Published for 2021 (EUR 43 bn, EDA26), 2023 (61), 2024 (88) and 2025 (100: an estimate
    and a lower bound, "> EUR 100 bn"). 2019-2020: defence investment times 0.83, EDA's
    equipment share of investment in 2019 ("~83%"). 2022: defence investment (EUR 58 bn)
    times the mean of the 2021 and 2023 equipment shares of investment (43/52 and 61/72).
    Coverage changes from EDA26 (no Denmark) to EU27 in 2022; not adjusted (Denmark is about
    2% of EU defence spending).
``materiel_spending_eur``
    Dutch MoD materiel spending (the P of the model): B24 p.6 gives EUR 4.5 bn (2021) and
    6.5 bn (2023). The other years are log-linear interpolations between anchors: 2018 = NATO
    equipment share "almost 25%" of EUR 10.7 bn NATO-definition spending (EUR 2.675 bn, an
    upper bound) for 2019-2020; 2021-2023 for 2022; 2023 and the 2026 expenditure of the
    defence equipment fund (Defensiematerieelbegrotingsfonds, EUR 13.53 bn, Rijksbegroting
    2026, a budget figure) for 2024-2025.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError

__all__ = ["calibration_history", "HISTORY_YEARS", "COLUMNS"]

#: The years of the published history.
HISTORY_YEARS: tuple[int, ...] = tuple(range(2019, 2026))
#: Columns of :func:`calibration_history`.
COLUMNS: tuple[str, ...] = (
    "ds_turnover_eur", "exports_eur", "domestic_eur", "export_share_published",
    "eu_market_eur", "materiel_spending_eur", "filled", "sources",
)


def _loglinear(y0: int, v0: float, y1: int, v1: float, year: int) -> float:
    return float(np.exp(np.log(v0) + (np.log(v1) - np.log(v0)) * (year - y0) / (y1 - y0)))


@lru_cache(maxsize=1)
def _history() -> pd.DataFrame:
    from nldtib_forecast.data import load_european_market, load_nl_defence, load_published

    pub = load_published(["ds_turnover_eur", "ds_export_eur", "export_share"])
    pub = pub[(pub["year"] == pub["year_start"]) & pub["year"].between(2019, 2025)]

    def series(indicator: str) -> dict[int, float]:
        rows = pub[pub["indicator"] == indicator]
        return {int(y): float(v) for y, v in zip(rows["year"], rows["value"], strict=True)}

    turnover, exports, shares = (series(i) for i in
                                 ("ds_turnover_eur", "ds_export_eur", "export_share"))
    eu = load_european_market()
    nl = load_nl_defence()
    inv = eu["eda_defence_investment_eur"]
    proc = eu["eda_equipment_procurement_eur"]
    share_2019 = float(eu.loc[2019, "eda_equipment_procurement_share_of_investment"])
    materiel = nl["mod_materiel_spending_eur"].dropna()
    anchor_2018 = float(nl.loc[2018, "nato_equipment_share"] * nl.loc[2018,
                                                                       "nato_defence_expenditure_eur"])
    fund_2026 = float(nl.loc[2026, "equipment_fund_expenditure_eur"])

    rows = []
    for year in HISTORY_YEARS:
        filled, sources = [], []
        t = turnover[year]
        sources.append("turnover: " + ("B24 p.7" if year <= 2023 else "L26 p.1"))
        if year in exports:
            x = exports[year]
            sources.append("exports: B24 p.7")
        elif year in shares:
            x = shares[year] * t
            sources.append("exports: L26 p.2 share x turnover")
        else:
            s = (shares[year - 1] + shares[year + 1]) / 2
            x = s * t
            filled.append("exports")
            sources.append("exports: share interpolated (B24 2023, L26 2025) x turnover")
        if np.isfinite(proc.get(year, np.nan)):
            m = float(proc[year])
            sources.append("market: EDA equipment procurement")
        elif year in (2019, 2020):
            m = float(inv[year]) * share_2019
            filled.append("eu_market")
            sources.append("market: EDA investment x 0.83")
        else:
            ratio = (proc[2021] / inv[2021] + proc[2023] / inv[2023]) / 2
            m = float(inv[year] * ratio)
            filled.append("eu_market")
            sources.append("market: EDA investment x mean equipment share 2021/2023")
        if year in materiel.index:
            p = float(materiel[year])
            sources.append("materiel: B24 p.6")
        else:
            if year < 2021:
                p = _loglinear(2018, anchor_2018, 2021, float(materiel[2021]), year)
            elif year < 2023:
                p = _loglinear(2021, float(materiel[2021]), 2023, float(materiel[2023]), year)
            else:
                p = _loglinear(2023, float(materiel[2023]), 2026, fund_2026, year)
            filled.append("materiel")
            sources.append("materiel: log-linear interpolation")
        rows.append({"year": year, "ds_turnover_eur": t, "exports_eur": x,
                     "domestic_eur": t - x, "export_share_published": shares.get(year, np.nan),
                     "eu_market_eur": m, "materiel_spending_eur": p,
                     "filled": ", ".join(filled), "sources": "; ".join(sources)})
    out = pd.DataFrame(rows).set_index("year")
    out.index = out.index.astype("int64")
    return out


def calibration_history(market: pd.Series | None = None,
                        materiel: pd.Series | None = None) -> pd.DataFrame:
    """The 2019-2025 history of the export share model, with sources and filled values.

    Parameters
    ----------
    market, materiel : pandas.Series, optional
        Replace the European market proxy (EDA equipment procurement) or the Dutch materiel
        spending series: EUR values indexed by int year, covering 2019-2025, all > 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` with the columns ``ds_turnover_eur``, ``exports_eur``,
        ``domestic_eur``, ``export_share_published``, ``eu_market_eur``,
        ``materiel_spending_eur``, ``filled`` and ``sources`` (money in EUR, shares as
        fractions; ``export_share_published`` NaN for 2024). ``filled`` names the inputs of
        a row that are interpolated or derived, ``sources`` where each value comes from.

    Raises
    ------
    nldtib_forecast.InputError
        A replacement that is not a Series, misses a year of 2019-2025, or holds values
        that are not finite and > 0.

    See Also
    --------
    ExportShareModel.from_published : Calibrates the export share model on it.
    nldtib_forecast.data.load_published : The published figures it draws on.
    nldtib_forecast.data.load_european_market : The European market data.

    Examples
    --------
    >>> from nldtib_forecast.models.trade.history import calibration_history
    >>> h = calibration_history()
    >>> (h.loc[2025, ["exports_eur", "eu_market_eur"]] / 1e9).round(3).tolist()
    [3.672, 100.0]
    >>> h.loc[2024, "filled"]
    'exports, materiel'
    """
    out = _history().copy()
    for name, column, replacement in (("market", "eu_market_eur", market),
                                      ("materiel", "materiel_spending_eur", materiel)):
        if replacement is None:
            continue
        if not isinstance(replacement, pd.Series):
            raise InputError(f"argument '{name}': expected a pandas Series indexed by year, "
                             f"got {type(replacement).__name__}")
        missing = [y for y in HISTORY_YEARS if y not in replacement.index]
        if missing:
            raise InputError(f"argument '{name}': years {missing} are missing (need "
                             f"{HISTORY_YEARS[0]}-{HISTORY_YEARS[-1]})")
        values = pd.to_numeric(replacement.loc[list(HISTORY_YEARS)], errors="coerce")
        bad = ~(np.isfinite(values) & (values > 0))
        if bad.any():
            raise InputError(f"argument '{name}': values must be finite and > 0 (EUR); "
                             f"offending years: {list(values.index[bad])[:5]}")
        out[column] = values.to_numpy(dtype="float64")
        out["sources"] = out["sources"] + f"; {name}: user-supplied"
        tag = {"market": "eu_market", "materiel": "materiel"}[name]
        out["filled"] = out["filled"].map(
            lambda s, tag=tag: ", ".join(p for p in s.split(", ") if p and p != tag))
    return out
