"""Tests of the European market, Dutch defence, Dutch macro and policy-target tables.

Reference values: EDA Defence Data (EU27 2024 equipment procurement EUR 88 bn), ASD Facts &
Figures (2023 turnover 158.8 bn, revised 161.1 bn), CBS StatLine (CPI 2022 +10.0%, real GDP
2020 -3.9%), Miljoenennota 2026 (defence budget 26.8 bn), NATO The Hague summit (3.5% + 1.5%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import load_european_market, load_nl_defence, load_policy_targets
from nldtib_forecast.data._market import LONG_COLUMNS, _typed, load_nl_macro
from nldtib_forecast.data._published import _read_package_csv, load_sources

LOADERS = [load_european_market, load_nl_defence, load_nl_macro]


@pytest.mark.parametrize("loader", LOADERS)
def test_wide_index_is_int_year(loader):
    df = loader()
    assert df.index.name == "year"
    assert df.index.dtype == np.int64
    assert df.index.is_monotonic_increasing and df.index.is_unique
    numeric = df.drop(columns=["eda_coverage"], errors="ignore")
    assert all(dtype == np.float64 for dtype in numeric.dtypes)


@pytest.mark.parametrize("loader", LOADERS)
def test_every_value_has_a_source(loader):
    df = loader()
    sources = df.attrs["sources"]
    numeric = df.drop(columns=["eda_coverage"], errors="ignore")
    for col in numeric.columns:
        for year in numeric.index[numeric[col].notna()]:
            assert sources[col][int(year)].strip(), (col, year)
    long = loader(long=True)
    assert list(long.columns) == list(LONG_COLUMNS)
    assert (long["source"].str.strip() != "").all()
    assert set(long["source"].str.split().str[0]) <= set(load_sources()["key"])
    assert long["year"].dtype == np.int64
    assert not long.duplicated(["series", "year"]).any()


@pytest.mark.parametrize("loader", LOADERS)
def test_units(loader):
    long = loader(long=True)
    eur = long["series"].str.endswith("_eur")
    assert (long.loc[eur, "unit"] == "EUR").all()
    assert (long.loc[eur, "value"] >= 1e6).all(), "money in EUR, not billions"
    usd = long["series"].str.endswith("_usd")
    assert (long.loc[usd, "unit"] == "USD").all()
    frac = long["unit"] == "fraction"
    assert long.loc[frac, "value"].between(-1, 1).all()


def test_long_and_wide_agree():
    long = load_european_market(long=True)
    wide = load_european_market()
    for r in long.itertuples():
        assert wide.loc[r.year, r.series] == r.value


def test_eda_values_and_coverage():
    eu = load_european_market()
    assert eu.loc[2024, "eda_equipment_procurement_eur"] == 88e9
    assert eu.loc[2023, "eda_rnd_eur"] == 11e9
    assert eu.loc[2018, "eda_total_defence_expenditure_eur"] == 223.4e9
    assert eu.loc[2024, "eda_defence_gdp_share"] == 0.019
    assert eu.loc[2018, "eda_coverage"] == "EDA27 incl. UK"
    assert eu.loc[2021, "eda_coverage"].startswith("EDA26")
    assert eu.loc[2022, "eda_coverage"] == "EU27"
    assert np.isnan(eu.loc[2022, "eda_equipment_procurement_eur"])


def test_approximate_and_bounds():
    eu = load_european_market()
    assert eu.loc[2025, "eda_defence_investment_eur"] == 130e9
    assert eu.loc[2025, "eda_equipment_procurement_eur"] == 100e9
    assert eu.attrs["approximate"]["eda_equipment_procurement_eur"][2025] is True
    assert "lower bound" in eu.attrs["notes"]["eda_equipment_procurement_eur"][2025]
    assert eu.attrs["approximate"]["eda_equipment_procurement_eur"][2024] is False


def test_asd_published_and_revised_kept():
    eu = load_european_market()
    assert eu.loc[2023, "asd_turnover_eur"] == 158.8e9
    assert eu.loc[2023, "asd_turnover_revised_eur"] == 161.1e9
    assert eu.loc[2020, "asd_turnover_eur"] == 119e9
    assert eu.loc[2020, "asd_turnover_revised_eur"] == 123.7e9
    assert "revised" in eu.attrs["sources"]["asd_turnover_revised_eur"][2020]
    parts = eu.loc[2024, ["asd_turnover_air_eur", "asd_turnover_naval_eur",
                          "asd_turnover_land_eur"]].sum()
    assert parts == pytest.approx(eu.loc[2024, "asd_turnover_eur"])
    assert eu.loc[2023, "asd_employment"] == 581_000
    assert eu.attrs["units"]["asd_employment"] == "persons"


def test_nato_sipri_growth():
    eu = load_european_market()
    assert eu.loc[2024, "nato_europe_canada_real_growth"] == 0.186
    assert eu.loc[2025, "nato_europe_canada_expenditure_usd"] == 559e9
    assert eu.attrs["units"]["sipri_europe_expenditure_usd"] == "USD"
    assert eu.loc[2024, "sipri_europe_real_growth"] == 0.17


def test_nl_defence_values_and_conflict():
    nl = load_nl_defence()
    assert nl.loc[2024, "nato_defence_gdp_share"] == 0.0205
    assert nl.loc[2014, "nato_defence_gdp_share"] == 0.0115
    assert nl.loc[2024, "cbs_defence_expenditure_eur"] == 19.9e9
    assert nl.loc[2026, "defence_budget_minfin_eur"] == 26.8e9
    assert nl.loc[2026, "defence_budget_secondary_eur"] == 34.5e9
    assert "CONFLICT" in nl.attrs["notes"]["defence_budget_secondary_eur"][2026]
    assert "CONFLICT" in nl.attrs["notes"]["defence_budget_minfin_eur"][2026]
    assert nl.loc[2026, "equipment_fund_expenditure_eur"] == 13.53e9
    assert nl.loc[[2025, 2030, 2035], "pwc_path_35_eur"].tolist() == [22e9, 38e9, 59e9]
    assert nl.loc[[2021, 2023], "mod_materiel_spending_eur"].tolist() == [4.5e9, 6.5e9]
    assert nl.loc[2016, "nato_defence_expenditure_eur"] == 8.23e9


def test_nl_macro_values():
    macro = load_nl_macro()
    assert macro.loc[2022, "cpi_inflation"] == 0.100
    assert macro.loc[2020, "real_gdp_growth"] == -0.039
    assert list(macro["cpi_inflation"].dropna().index) == list(range(2014, 2026))
    assert list(macro["real_gdp_growth"].dropna().index) == list(range(2014, 2026))
    assert macro.loc[2021, "nominal_gdp_eur"] == 891.6e9
    assert macro.loc[2022, "ppi_manufacturing_yoy_jun"] == 0.305
    assert macro.loc[2023, "ppi_manufacturing_yoy_dec"] == -0.031


def test_policy_targets():
    t = load_policy_targets()
    assert list(t.columns[:4]) == ["target", "value", "unit", "year"]
    assert {"source", "note"} <= set(t.columns)
    assert t["year"].dtype == np.int64
    assert (t["source"].str.strip() != "").all()
    v = t.set_index(["target", "year"])["value"]
    assert v[("nato_core_defence_gdp_share", 2035)] == 0.035
    assert v[("nato_defence_security_related_gdp_share", 2035)] == 0.015
    assert v[("rearm_europe_total_eur", 2030)] == 800e9
    assert v[("rearm_europe_national_fiscal_space_eur", 2028)] + v[
        ("rearm_europe_safe_loans_eur", 2030)] == 800e9
    assert v[("edis_joint_procurement_share", 2030)] == 0.40
    assert v[("edis_european_procurement_share", 2030)] == 0.50
    assert v[("edis_european_procurement_share", 2035)] == 0.60
    assert v[("edis_intra_eu_trade_share", 2030)] == 0.35
    assert v[("eda_required_spending_35_eur", 2035)] == 630e9
    assert "review in 2029" in t.set_index("target").loc["nato_core_defence_gdp_share", "note"]


def test_returned_frames_are_copies():
    eu = load_european_market()
    eu.loc[2024, "eda_equipment_procurement_eur"] = 0.0
    eu.attrs["sources"]["eda_equipment_procurement_eur"][2024] = "x"
    fresh = load_european_market()
    assert fresh.loc[2024, "eda_equipment_procurement_eur"] == 88e9
    assert fresh.attrs["sources"]["eda_equipment_procurement_eur"][2024] != "x"
    long = load_nl_defence(long=True)
    long.loc[0, "value"] = -1.0
    assert load_nl_defence(long=True).loc[0, "value"] != -1.0


def test_long_must_be_bool():
    with pytest.raises(InputError, match="long"):
        load_european_market(long="yes")


def test_validation_catches_bad_tables():
    raw = _read_package_csv("european_market.csv")
    _typed(raw, LONG_COLUMNS, "european_market")
    bad = raw.copy()
    bad.loc[0, "source"] = ""
    bad.loc[1, "value"] = "~130"
    with pytest.raises(InputError) as info:
        _typed(bad, LONG_COLUMNS, "european_market")
    assert set(info.value.columns) == {"source", "value"}
    dup = pd.concat([raw, raw.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="unique"):
        _typed(dup, LONG_COLUMNS, "european_market")
