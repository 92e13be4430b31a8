"""European defence market, Dutch defence spending, Dutch macro data and policy targets.

The figures are reprints of EDA, NATO, SIPRI, ASD, CBS and budget publications, stored as
published in CSV files inside the package. Each edition of those publications has its own
coverage and price base: the rows are as published, not one continuous constant-price series,
and every value keeps its coverage, source and note.
"""

from __future__ import annotations

from functools import cache, lru_cache

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem
from nldtib_forecast.data._published import _read_package_csv

__all__ = ["load_european_market", "load_nl_defence", "load_nl_macro", "load_policy_targets"]

#: Columns of the long (tidy) market tables.
LONG_COLUMNS: tuple[str, ...] = (
    "year", "series", "value", "unit", "coverage", "approximate", "source", "note",
)
#: Columns of :func:`load_policy_targets`.
TARGET_COLUMNS: tuple[str, ...] = (
    "target", "value", "unit", "year", "approximate", "source", "note",
)
_UNITS = frozenset({"EUR", "USD", "fraction", "persons"})
_FILES = {
    "european_market": "european_market.csv",
    "nl_defence": "nl_defence.csv",
    "nl_macro": "nl_macro.csv",
}


def _typed(raw: pd.DataFrame, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """Types and checks shared by the market tables; InputError lists every problem."""
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise InputError(f"{name}: missing columns",
                         [Problem(c, "required column is missing") for c in missing])
    df = raw.loc[:, list(columns)].copy()
    problems: list[Problem] = []
    for col in ("year", "value"):
        num = pd.to_numeric(df[col].astype(str).str.strip(), errors="coerce")
        bad = ~np.isfinite(num)
        if col == "year":
            bad |= num.notna() & (num != np.round(num))
        if bad.any():
            problems.append(Problem(col, "must be a finite number", tuple(df.index[bad][:5]),
                                    int(bad.sum())))
        df[col] = num
    flag = df["approximate"].astype(str).str.strip().str.lower()
    for col, bad, rule in (
        ("approximate", ~flag.isin(["true", "false"]), "must be 'true' or 'false'"),
        ("source", df["source"].astype(str).str.strip() == "", "must not be empty"),
        ("unit", ~df["unit"].isin(_UNITS), f"must be one of {sorted(_UNITS)}"),
    ):
        if bad.any():
            problems.append(Problem(col, rule, tuple(df.index[bad][:5]), int(bad.sum())))
    key = "target" if "target" in df.columns else "series"
    dup = df.duplicated([key, "year"], keep=False)
    if dup.any():
        problems.append(Problem(f"{key}, year", "must be unique", tuple(df.index[dup][:5]),
                                int(dup.sum())))
    if problems:
        raise InputError(f"{name}: invalid table", problems)
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["approximate"] = flag == "true"
    return df


@cache
def _long_table(name: str) -> pd.DataFrame:
    return _typed(_read_package_csv(_FILES[name]), LONG_COLUMNS, name)


def _wide(long: pd.DataFrame) -> pd.DataFrame:
    """Year-indexed wide frame, one column per series; per-value metadata in ``attrs``."""
    order = list(pd.unique(long["series"]))
    wide = long.pivot(index="year", columns="series", values="value")
    wide = wide.reindex(columns=order).sort_index()
    wide.index = wide.index.astype("int64")
    wide.index.name = "year"
    wide.columns.name = None

    def per_value(col: str) -> dict[str, dict[int, object]]:
        return {
            s: {int(y): v for y, v in zip(g["year"], g[col], strict=True)}
            for s, g in long.groupby("series", sort=False)
        }

    wide.attrs = {
        "units": dict(zip(long["series"], long["unit"], strict=True)),
        "sources": per_value("source"),
        "coverage": per_value("coverage"),
        "approximate": {s: {y: bool(v) for y, v in d.items()}
                        for s, d in per_value("approximate").items()},
        "notes": per_value("note"),
    }
    return wide


def _load(name: str, long: bool) -> pd.DataFrame:
    if not isinstance(long, bool):
        raise InputError(f"argument 'long': expected True or False, got {long!r}")
    table = _long_table(name)
    return table.reset_index(drop=True).copy() if long else _wide(table)


def load_european_market(*, long: bool = False) -> pd.DataFrame:
    """European defence spending and defence industry figures (EDA, NATO, SIPRI, ASD).

    Parameters
    ----------
    long : bool, default False
        Return the tidy long table (one row per value) instead of the wide one.

    Returns
    -------
    pandas.DataFrame
        *Wide* (default): indexed by ``year`` (int), one float column per series, NaN where
        nothing is published. Metadata per value are in ``df.attrs``: ``"sources"``,
        ``"coverage"``, ``"approximate"`` and ``"notes"`` map ``series -> {year: ...}``;
        ``"units"`` maps ``series -> unit``. ``attrs`` do not survive every pandas operation:
        use ``long=True`` to keep the metadata with the values.

        *Long*: columns ``year, series, value, unit, coverage, approximate, source, note``,
        one row per published value. The first word of ``source`` is a key of
        :func:`~nldtib_forecast.data.load_sources`.

    See Also
    --------
    load_nl_defence : Dutch defence spending.
    load_policy_targets : Defence spending and industrial policy targets (NATO, ReArm
        Europe, EDIS).
    nldtib_forecast.models.trade.calibration_history : The series the export share model is fitted
        on.

    Notes
    -----
    Money in EUR (USD series end in ``_usd`` and have unit ``"USD"``), shares and growth rates
    as fractions. Series:

    - ``eda_*``: EDA defence data for EU member states, current prices as published.
      Coverage changes: EDA27 incl. the UK up to 2018, EDA26 (no Denmark) 2019-2021, EU27
      from 2022; the wide frame has an ``eda_coverage`` column. 2025 values are estimates;
      ``eda_defence_investment_eur`` 2025 ("~130 bn") and ``eda_equipment_procurement_eur``
      2025 (">100 bn", a lower bound) are flagged approximate. 2018 has R&T
      (``eda_rnt_eur``), not R&D; 2019 gives procurement and R&D as shares of investment.
    - ``nato_europe_canada_*``: NATO European Allies and Canada, real growth and USD level.
    - ``sipri_europe_*``: SIPRI's Europe region, 2024.
    - ``asd_*``: ASD Facts & Figures (ASD members, defence only). ``asd_turnover_eur`` is
      as first published, ``asd_turnover_revised_eur`` the revised value of the 2025 edition
      (both kept). Employment 2019-2020 are lower bounds ("> 440,000"). ASD exports differ in
      coverage by year (total European exports 2019, outside the EU 2023).

    ASD publishes no country shares; the Dutch share of European defence turnover that B24
    derives from ASD data is in :func:`~nldtib_forecast.data.load_published`
    (``nl_share_european_ds_turnover``).

    Examples
    --------
    >>> from nldtib_forecast.data import load_european_market
    >>> eu = load_european_market()
    >>> float(eu.loc[2024, "eda_equipment_procurement_eur"])
    88000000000.0
    >>> eu.loc[2019, "eda_coverage"]
    'EDA26 (EU without Denmark)'
    >>> eu.attrs["sources"]["eda_equipment_procurement_eur"][2024]
    'EDA Defence Data'
    >>> tidy = load_european_market(long=True)
    >>> tidy.query("series == 'asd_turnover_revised_eur' and year == 2023")["value"].item()
    161100000000.0
    """
    df = _load("european_market", long)
    if not long:
        coverage = df.attrs["coverage"]["eda_total_defence_expenditure_eur"]
        df.insert(0, "eda_coverage", df.index.map(coverage).fillna("").astype(str))
    return df


def load_nl_defence(*, long: bool = False) -> pd.DataFrame:
    """Dutch defence spending: NATO definition, CBS, budgets, the path to 3.5%, MoD materiel.

    Parameters
    ----------
    long : bool, default False
        Return the tidy long table (one row per value) instead of the wide one.

    Returns
    -------
    pandas.DataFrame
        *Wide* (default): indexed by ``year`` (int), one float column per series, NaN where
        nothing is published. Metadata per value are in ``df.attrs``: ``"sources"``,
        ``"coverage"``, ``"approximate"`` and ``"notes"`` map ``series -> {year: ...}``;
        ``"units"`` maps ``series -> unit``. ``attrs`` do not survive every pandas operation:
        use ``long=True`` to keep the metadata with the values.

        *Long*: columns ``year, series, value, unit, coverage, approximate, source, note``,
        one row per published value. The first word of ``source`` is a key of
        :func:`~nldtib_forecast.data.load_sources`.

    See Also
    --------
    load_european_market : European defence spending and procurement.
    load_nl_macro : Dutch GDP and prices.
    nldtib_forecast.models.trade.nl_budget_2026 : The adopted 2026 budget in the model's terms.

    Notes
    -----
    Series: ``nato_defence_gdp_share`` (NATO definition, 2016, 2017 and 2025 estimates from a
    secondary source), ``nato_defence_expenditure_eur``, ``nato_equipment_share`` (2018,
    "almost 25%", an upper bound), ``cbs_defence_expenditure_eur`` (CBS, 2024),
    ``defence_budget_minfin_eur`` and ``defence_budget_minfin_change_eur`` (Miljoenennota),
    ``defence_budget_secondary_eur`` (source key ``SECONDARY``: an *untraced* secondary
    report, whose outlet, date and primary table are unknown; its 2026 figure, EUR 34.5 bn,
    conflicts with the Miljoenennota's EUR 26.8 bn: both are kept, the notes flag the
    conflict; do not mix them in one series and do not use it for analysis; no model uses
    it), ``equipment_fund_expenditure_eur`` (the
    Defensiematerieelbegrotingsfonds, 2026), ``pwc_path_35_eur`` (PwC's path to 3.5% of GDP,
    2025, 2030, 2035), ``mod_materiel_spending_eur`` (B24: 4.5 bn in 2021, 6.5 bn in 2023)
    and ``sipri_real_growth`` (SIPRI, 2024).

    Examples
    --------
    >>> from nldtib_forecast.data import load_nl_defence
    >>> nl = load_nl_defence()
    >>> float(nl.loc[2024, "nato_defence_gdp_share"])
    0.0205
    >>> [float(nl.loc[2026, c]) for c in ("defence_budget_minfin_eur",
    ...                                    "defence_budget_secondary_eur")]
    [26800000000.0, 34500000000.0]
    >>> nl.attrs["notes"]["defence_budget_secondary_eur"][2026][:8]
    'CONFLICT'
    """
    return _load("nl_defence", long)


def load_nl_macro(*, long: bool = False) -> pd.DataFrame:
    """Dutch consumer prices, real GDP growth, nominal GDP and producer prices (CBS).

    Parameters
    ----------
    long : bool, default False
        Return the tidy long table (one row per value) instead of the wide one.

    Returns
    -------
    pandas.DataFrame
        *Wide* (default): indexed by ``year`` (int), one float column per series, NaN where
        nothing is published. Metadata per value are in ``df.attrs``: ``"sources"``,
        ``"coverage"``, ``"approximate"`` and ``"notes"`` map ``series -> {year: ...}``;
        ``"units"`` maps ``series -> unit``. ``attrs`` do not survive every pandas operation:
        use ``long=True`` to keep the metadata with the values.

        *Long*: columns ``year, series, value, unit, coverage, approximate, source, note``,
        one row per published value. The first word of ``source`` is a key of
        :func:`~nldtib_forecast.data.load_sources`.

    See Also
    --------
    load_nl_defence : Dutch defence spending.
    load_european_market : European defence spending and procurement.

    Notes
    -----
    Series: ``cpi_inflation`` and ``real_gdp_growth`` 2014-2025 (fractions, year on year),
    ``nominal_gdp_eur`` (2021, after the 2024 revision), and manufacturing producer prices
    year on year in June (``ppi_manufacturing_yoy_jun``, 2022, the peak) and December
    (``ppi_manufacturing_yoy_dec``, 2022 and 2023). CBS tables: CPI 86141NED (2025=100), PPI
    83936NED (2015=100, to 2023, discontinued) and 85770NED (ProdCom, 2021=100).

    Examples
    --------
    >>> from nldtib_forecast.data import load_nl_macro
    >>> macro = load_nl_macro()
    >>> float(macro.loc[2022, "cpi_inflation"])
    0.1
    >>> float(macro.loc[2020, "real_gdp_growth"])
    -0.039
    """
    return _load("nl_macro", long)


@lru_cache(maxsize=1)
def _targets_table() -> pd.DataFrame:
    df = _typed(_read_package_csv("policy_targets.csv"), TARGET_COLUMNS, "policy_targets")
    return df.reset_index(drop=True)


def load_policy_targets() -> pd.DataFrame:
    """Defence spending and industrial policy targets (NATO, ReArm Europe, EDIS, EDA).

    Returns
    -------
    pandas.DataFrame
        Tidy table with columns ``target, value, unit, year, approximate, source, note``:
        one row per target and target year (EDIS's European-procurement share has rows for
        2030 and 2035). ``year`` (int) is the year by which the target applies; ``value`` is
        a fraction or an amount in EUR.

    See Also
    --------
    load_nl_defence : Dutch defence spending.
    nldtib_forecast.models.trade.builtin_futures : The outlook's futures, which follow these
        targets.

    Notes
    -----
    - NATO, The Hague summit of 25 June 2025: 5% of GDP by 2035, of which at least 3.5% core
      defence and up to 1.5% defence- and security-related spending; review in 2029.
    - ReArm Europe / Readiness 2030 (4 March 2025): about EUR 800 bn, of which about EUR 650
      bn national fiscal space through the escape clause (assuming +1.5% of GDP over four
      years) and EUR 150 bn SAFE loans.
    - EU defence industrial strategy (EDIS, 2024): 40% joint procurement and 50% of the
      procurement budget spent in Europe by 2030, 60% by 2035; intra-EU defence trade 35% of
      the EU defence market.
    - EDA: reaching NATO's 3.5% would take more than EUR 630 bn a year for the EU27 (a lower
      bound, flagged approximate).

    Growth of defence spending (NATO, SIPRI) is in
    :func:`~nldtib_forecast.data.load_european_market`.

    Examples
    --------
    >>> from nldtib_forecast.data import load_policy_targets
    >>> targets = load_policy_targets().set_index(["target", "year"])
    >>> float(targets.loc[("nato_core_defence_gdp_share", 2035), "value"])
    0.035
    >>> float(targets.loc[("edis_european_procurement_share", 2035), "value"])
    0.6
    """
    return _targets_table().copy()
