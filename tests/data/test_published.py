"""Tests of the embedded published NLDTIB figures (load_published, load_sources).

Reference values are those of the publications: L26 = letter to parliament of 21 May 2026
(DGBI/105727106), B24 = Berenschot April 2024 (page given per test), BT25 = Berenschot trend
survey 2025.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import load_published
from nldtib_forecast.data._published import (
    KEY,
    SERIES_BREAKS,
    _check,
    _parse,
    _read_package_csv,
    load_sources,
)

REQUIRED_INDICATORS = [
    "firms", "ds_turnover_eur", "ds_turnover_share", "ds_export_eur", "export_share",
    "fte_total", "fte_ds", "fte_ds_rnd", "fte_rnd", "value_added_eur", "ds_turnover_growth",
    "scale_up_current", "scale_up_improved", "scale_up_expected", "scale_up_max",
    "no_cost_pass_through_share", "oem_share", "financing_challenge_share",
    "rnd_share_of_turnover",
    # the other B24/BT25 figures
    "firms_by_size_class", "firms_by_domain", "sme_share", "customer_share",
    "survey_response_firms", "survey_response_rate", "nl_share_european_ds_turnover",
    "asd_export_share", "asd_turnover_per_fte", "expect_growth_share",
    "expect_growth_above_10pct_share", "no_financing_attracted_share",
    "financing_source_share", "excluded_by_financiers_share", "fte_ds_share",
    "fte_ds_rnd_share", "fte_indirect", "mod_materiel_spending_eur",
    "mod_materiel_spending_growth", "ds_turnover_expected_eur", "barrier_share",
]


@pytest.fixture(scope="module")
def pub() -> pd.DataFrame:
    return load_published()


def one(pub: pd.DataFrame, indicator: str, year: int, edition: int, category: str = "",
        year_start: int | None = None) -> float:
    sel = pub[(pub.indicator == indicator) & (pub.year == year) & (pub.edition == edition)
              & (pub.category == category)
              & (pub.year_start == (year if year_start is None else year_start))]
    assert len(sel) == 1, (indicator, year, edition, category, len(sel))
    return float(sel["value"].iloc[0])


def test_columns_and_dtypes(pub):
    assert list(pub.columns[:7]) == ["indicator", "year", "value", "unit", "edition", "source",
                                     "note"]
    for col in ("category", "year_start", "approximate", "series_break", "resolution"):
        assert col in pub.columns
    assert pub["year"].dtype == np.int64
    assert pub["year_start"].dtype == np.int64
    assert pub["edition"].dtype == np.int64
    assert pub["series_break"].dtype == np.int64
    assert pub["value"].dtype == np.float64
    assert pub["approximate"].dtype == bool
    assert isinstance(pub.index, pd.RangeIndex)


@pytest.mark.parametrize("indicator", REQUIRED_INDICATORS)
def test_every_indicator_present(pub, indicator):
    assert (pub["indicator"] == indicator).any()


def test_units(pub):
    money = pub["indicator"].str.endswith("_eur")
    assert (pub.loc[money, "unit"] == "EUR").all()
    assert (pub.loc[money, "value"] >= 1e6).all(), "money must be in EUR, not billions"
    shares = (pub["unit"] == "fraction") & ~pub["indicator"].str.endswith("_growth")
    assert shares.sum() > 50
    assert pub.loc[shares, "value"].between(0, 1).all()
    assert pub.loc[pub["indicator"].str.endswith("_share"), "unit"].eq("fraction").all()


def test_every_row_has_a_source_and_a_known_key(pub):
    assert (pub["source"].str.strip() != "").all()
    keys = set(pub["source"].str.split().str[0])
    assert keys <= set(load_sources()["key"])
    assert {"L26", "B24", "B22", "BT25"} <= keys


def test_editions(pub):
    ed = pub.assign(key=pub["source"].str.split().str[0]).groupby("key")["edition"].unique()
    assert list(ed["L26"]) == [2026]
    assert list(ed["B24"]) == [2024]
    assert list(ed["BT25"]) == [2025]
    assert list(ed["B22"]) == [2022]


def test_specific_values_l26(pub):
    assert one(pub, "ds_turnover_eur", 2025, 2026) == 10.2e9
    assert one(pub, "ds_turnover_eur", 2024, 2026) == 8.0e9
    assert one(pub, "ds_turnover_growth", 2025, 2026, year_start=2024) == 0.215
    assert one(pub, "ds_turnover_share", 2025, 2026) == 0.102
    assert one(pub, "firms", 2025, 2026) == 1503
    assert one(pub, "export_share", 2025, 2026) == 0.36
    assert one(pub, "scale_up_current", 2025, 2026) == 0.33
    assert one(pub, "scale_up_improved", 2025, 2026) == 0.67
    assert one(pub, "financing_challenge_share", 2025, 2026) == pytest.approx(1 / 3)


def test_l26_period_average_export_share(pub):
    # L26 p.2: "circa 45%" between 2019 and 2023, stored with year_start=2019, year=2023.
    sel = pub[(pub.indicator == "export_share") & (pub.edition == 2026) & (pub.year == 2023)]
    assert len(sel) == 1
    row = sel.iloc[0]
    assert (row["year_start"], row["value"], bool(row["approximate"])) == (2019, 0.45, True)
    assert "2019-2023" in row["note"]


def test_specific_values_b24(pub):
    # B24 p.7
    assert one(pub, "ds_turnover_share", 2023, 2024) == 0.149
    assert one(pub, "ds_turnover_eur", 2006, 2024) == 3.0e9
    assert one(pub, "ds_export_eur", 2023, 2024) == 3.33e9
    assert one(pub, "fte_total", 2023, 2024) == 180_504
    assert one(pub, "fte_ds_rnd", 2017, 2024) == 7_364
    assert one(pub, "fte_rnd", 2010, 2024) == 14_753  # p.55
    assert one(pub, "export_share", 2010, 2024) == 0.70  # p.36
    assert one(pub, "ds_turnover_growth", 2023, 2024, year_start=2021) == 0.62  # p.6
    assert one(pub, "rnd_share_of_turnover", 2023, 2024) == 0.11  # p.54
    assert one(pub, "rnd_share_of_turnover", 2023, 2024, "dutch_industry") == 0.067
    assert one(pub, "customer_share", 2023, 2024, "dutch_mod") == 0.73  # p.33
    assert one(pub, "survey_response_firms", 2023, 2024) == 286  # p.68
    assert one(pub, "survey_response_rate", 2023, 2024) == 0.272
    assert one(pub, "scale_up_expected", 2023, 2024) == 0.20  # p.43
    assert one(pub, "scale_up_max", 2023, 2024) == 0.60
    assert one(pub, "expect_growth_share", 2021, 2022) == 0.55  # B22 via B24 p.39
    assert one(pub, "ds_turnover_expected_eur", 2024, 2025) == 9.3e9  # BT25 p.4


def test_b24_time_series_complete(pub):
    years = [2006, 2010, 2014, 2017, 2019, 2020, 2021, 2022, 2023]
    for ind in ("ds_turnover_eur", "ds_turnover_share", "ds_export_eur", "fte_total",
                "fte_ds", "fte_ds_rnd", "fte_rnd"):
        got = pub[(pub.indicator == ind) & (pub.edition == 2024)]["year"].tolist()
        assert sorted(got) == years, ind
    firms = pub[(pub.indicator == "firms") & (pub.edition == 2024)].set_index("year")["value"]
    assert firms.to_dict() == {2006: 290, 2010: 451, 2014: 651, 2017: 475, 2019: 932,
                               2023: 1050}


def test_breakdowns_sum_to_population(pub):
    size = pub[pub.indicator == "firms_by_size_class"]
    assert size["value"].sum() == 1050
    assert set(size["category"]) == {"0-25", "25-100", "100-250", "250-500", "500-2500",
                                     "2500+"}
    domain = pub[pub.indicator == "firms_by_domain"].set_index("category")["value"]
    assert domain.sum() == 1050
    assert domain["land"] == 509


def test_category_empty_when_not_applicable(pub):
    assert (pub.loc[pub.indicator == "ds_turnover_eur", "category"] == "").all()
    assert not pub["category"].isna().any()


def test_series_breaks(pub):
    assert set(pub["series_break"]) <= set(SERIES_BREAKS)
    ts = pub[(pub.indicator == "ds_turnover_eur") & (pub.edition == 2024)].set_index("year")
    assert (ts.loc[:2017, "series_break"] == 0).all()
    assert (ts.loc[2019:, "series_break"] == 1).all()
    l26 = pub[(pub.indicator == "firms") & (pub.year == 2025)]
    assert l26["series_break"].tolist() == [2]
    assert "trend break" in pub[(pub.indicator == "firms") & (pub.year == 2019)]["note"].item()


def test_approximate_figures_keep_their_value(pub):
    assert one(pub, "oem_share", 2025, 2026) == 0.20
    approx = pub[pub["approximate"]]
    assert {"oem_share", "no_cost_pass_through_share", "financing_challenge_share",
            "value_added_eur", "scale_up_max"} <= set(approx["indicator"])
    assert not pub[(pub.indicator == "ds_turnover_eur")]["approximate"].any()


def test_resolution_of_rounded_levels(pub):
    row = pub[(pub.indicator == "ds_turnover_eur") & (pub.year == 2025)].iloc[0]
    assert row["resolution"] == 1e8  # "10.2 bn"
    row = pub[(pub.indicator == "ds_export_eur") & (pub.year == 2023)].iloc[0]
    assert row["resolution"] == 1e7  # "3.33 bn"


def test_no_duplicate_keys(pub):
    assert not pub.duplicated(list(KEY)).any()


def test_filters(pub):
    df = load_published("ds_turnover_eur")
    assert set(df["indicator"]) == {"ds_turnover_eur"}
    assert len(df) == 11
    df = load_published(["firms", "export_share"], edition=[2026])
    assert set(df["indicator"]) == {"firms", "export_share"}
    assert set(df["edition"]) == {2026}
    assert len(load_published(edition=2022)) == 1
    assert len(load_published()) == len(pub)


def test_unknown_indicator_is_an_error():
    with pytest.raises(InputError, match="ds_turnover_bn") as info:
        load_published("ds_turnover_bn")
    assert "ds_turnover_eur" in str(info.value), "the message lists the valid indicators"
    with pytest.raises(InputError, match="unknown edition"):
        load_published(edition=2023)
    with pytest.raises(InputError):
        load_published(edition="2024")


def test_returned_frame_is_a_copy():
    df = load_published()
    df.loc[0, "value"] = -1.0
    assert load_published().loc[0, "value"] != -1.0


def test_with_citation():
    df = load_published("ds_turnover_eur", with_citation=True)
    assert (df["citation"].str.len() > 20).all()
    assert df.loc[df.edition == 2024, "citation"].str.contains("31 125 nr. 131").all()


def test_validation_rejects_duplicates_and_billions():
    raw = _read_package_csv("published_figures.csv")
    _check(_parse(raw))  # the shipped table is valid
    dup = pd.concat([raw, raw.iloc[[3]]], ignore_index=True)
    with pytest.raises(InputError, match="unique"):
        _check(_parse(dup))
    billions = raw.copy()
    billions.loc[billions.indicator == "ds_turnover_eur", "value"] = "8.0"
    with pytest.raises(InputError, match="billions"):
        _check(_parse(billions))
    bad = raw.copy()
    bad.loc[0, "source"] = ""
    bad.loc[1, "value"] = "n/a"
    with pytest.raises(InputError, match="value"):
        _check(_parse(bad))
    bad = raw.copy()
    bad.loc[0, "source"] = ""
    with pytest.raises(InputError, match="source"):
        _check(_parse(bad))


def test_sources_table():
    src = load_sources()
    assert list(src.columns) == ["key", "citation", "url", "accessed", "licence", "vintage",
                                 "note"]
    assert src["key"].is_unique
    assert (src["citation"].str.len() > 20).all()
