"""Disclosure control that holds across calls and tables (issue 13, item 1).

Every attack of the hardening campaign is replayed: subtracting published domains from the
published overall total, comparing ``survey_total(by=...)`` with ``tabulate``, multiplying a
published mean by a published count, and combining one-way with two-way tables. Each must
leave every suppressed cell with an interval of positive width (``audit_tables``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.survey import (
    DisclosureRules,
    audit_tables,
    survey_mean,
    survey_proportion,
    survey_ratio,
    survey_total,
    tabulate,
)

SUPPRESSED = ("primary", "secondary")


@pytest.fixture(scope="module")
def s() -> pd.DataFrame:
    return synthetic_survey(seed=0)


def test_overall_minus_published_domains_recovers_nothing(s):
    overall = survey_total(s, "turnover_ds_eur", year=2025)
    by = survey_total(s, "turnover_ds_eur", by="nld_area", year=2025)
    assert by.loc["quantum", "status"] == "primary"
    hidden = by.index[by["status"].isin(SUPPRESSED)]
    # before: only quantum was hidden, so overall - published domains = quantum exactly
    assert len(hidden) >= 2
    audit = audit_tables([overall, by])
    assert len(audit) == len(hidden) and not audit["exposed"].any()
    assert (audit["upper"] - audit["lower"] > 0.01 * overall.loc["all", "estimate"]).all()


def test_estimators_and_tabulate_suppress_the_same_cells(s):
    by = survey_total(s, "turnover_ds_eur", by="nld_area", year=2025)
    tab = tabulate(s, "nld_area", "turnover_ds_eur", year=2025).drop(index="Total")
    assert by["status"].to_dict() == tab["status"].to_dict()
    assert by.loc["smart_materials", "status"] == "secondary"  # tabulate's complement
    count = survey_total(s, None, by="nld_area", year=2025)
    count_tab = tabulate(s, "nld_area", None, year=2025, stat="count").drop(index="Total")
    assert count["status"].to_dict() == count_tab["status"].to_dict()


def test_mean_times_count_recovers_nothing(s):
    mean = survey_mean(s, "turnover_ds_eur", by="nld_area", year=2025)
    tab = tabulate(s, "nld_area", "turnover_ds_eur", year=2025)
    hidden = tab.index[tab["status"].isin(SUPPRESSED)]
    # a published mean times the published count would give the suppressed total
    assert mean.loc[hidden, "estimate"].isna().all()
    assert mean.loc[hidden, "status"].isin(SUPPRESSED).all()


def test_ratio_is_suppressed_where_numerator_or_denominator_is(s):
    ratio = survey_ratio(s, "turnover_ds_eur", "turnover_total_eur", by="nld_area")
    for value in ("turnover_ds_eur", "turnover_total_eur"):
        t = tabulate(s, "nld_area", value).drop(index="Total")
        hidden = t.index[t["status"].isin(SUPPRESSED)]
        assert ratio.loc[hidden, "status"].isin(SUPPRESSED).all()


def test_one_way_and_two_way_tables_together(s):
    one_row = survey_total(s, "turnover_ds_eur", by="nld_area")
    one_col = survey_total(s, "turnover_ds_eur", by="domain")
    two = survey_total(s, "turnover_ds_eur", by=["nld_area", "domain"])
    two_tab = tabulate(s, ["nld_area", "domain"], "turnover_ds_eur")
    # the two-way table's margins are the one-way tables, as published
    margins = two_tab.xs("Total", level="domain")["status"].drop(index="Total")
    assert margins.to_dict() == one_row["status"].to_dict()
    # before: a published row total minus the published cells of its row gave a cell
    for area, row in two["status"].groupby(level="nld_area"):
        if one_row.loc[area, "status"] == "publish":
            assert (row.isin(SUPPRESSED)).sum() != 1, area
    audit = audit_tables([survey_total(s, "turnover_ds_eur"), one_row, one_col, two, two_tab])
    assert audit.attrs["n_tables"] == 5 and len(audit) > 0
    assert not audit["exposed"].any()


def test_suppressed_rows_do_not_show_their_respondents(s):
    by = survey_total(s, "turnover_ds_eur", by="nld_area")
    assert by.loc["quantum", "status"] == "primary"
    assert pd.isna(by.loc["quantum", "n_respondents"])  # was 9
    assert by.loc["radars_sensors", "n_respondents"] > 10


def test_proportions_count_firms_with_and_without_the_property(s):
    """One frequency rule for proportions: at least ``min_frequency`` firms with the property
    and at least as many without it, in the estimators and in tabulate."""
    p = survey_proportion(s, "financing_challenge", by="nld_area")
    t = tabulate(s, "nld_area", "financing_challenge", stat="mean").drop(index="Total")
    assert p["status"].to_dict() == t["status"].to_dict()
    d = s[s["year"] == 2025]
    answered = d["financing_challenge"].notna()
    yes = d[answered].groupby("nld_area", observed=True)["financing_challenge"].agg(
        lambda v: int(v.sum()))
    no = d[answered].groupby("nld_area", observed=True)["financing_challenge"].agg(
        lambda v: int((~v.astype(bool)).sum()))
    few = yes.index[(yes < 10) | (no < 10)]
    assert len(few) > 0
    assert (p.loc[few, "status"] == "primary").all()


def test_a_result_that_is_not_finite_is_never_published(s):
    d = s.copy()
    zero = d["nld_area"] == "radars_sensors"
    d.loc[zero, "turnover_total_eur"] = 0.0
    d.loc[zero, "turnover_ds_eur"] = 0.0
    d.loc[zero, "export_ds_eur"] = 0.0
    r = survey_ratio(d, "turnover_ds_eur", "turnover_total_eur", by="nld_area")
    assert r.loc["radars_sensors", "status"] != "publish"
    assert np.isnan(r.loc["radars_sensors", "estimate"])
    published = r[r["status"] == "publish"]
    assert np.isfinite(published["estimate"]).all()


# -- random tables ----------------------------------------------------------------------------
@st.composite
def frames(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(30, 160))
    a = rng.choice(list("abcd")[:draw(st.integers(2, 4))], n)
    b = rng.choice(list("xyz")[:draw(st.integers(2, 3))], n)
    value = rng.lognormal(0, draw(st.floats(0.2, 2.0)), n)
    return pd.DataFrame({"firm_id": [f"f{i}" for i in range(n)], "year": 2025,
                         "weight": rng.uniform(1, 5, n), "a": a, "b": b, "v": value})


@settings(max_examples=25, deadline=None)
@given(frames(), st.integers(3, 12))
def test_no_combination_of_published_tables_recovers_a_cell(df, min_frequency):
    rules = DisclosureRules(min_frequency=min_frequency)
    kw = dict(rules=rules)
    tables = [
        tabulate(df, "a", "v", **kw),
        tabulate(df, "b", "v", **kw),
        tabulate(df, ["a", "b"], "v", **kw),
    ]
    audit = audit_tables(tables)
    assert not audit["exposed"].any(), audit[audit["exposed"]]


def test_audit_suppression_takes_the_set_of_tables(s):
    from nldtib_forecast.survey import audit_suppression

    tables = [survey_total(s, "turnover_ds_eur"),
              survey_total(s, "turnover_ds_eur", by="nld_area")]
    joint = audit_suppression(tables)
    pd.testing.assert_frame_equal(joint, audit_tables(tables))
    assert set(joint["cell"]) == {"quantum", "smart_materials"}


def test_an_infinite_weight_gives_no_published_figure(s):
    """weight = 1e308 (allowed only with plausibility=False) overflows: never 'publish'."""
    from nldtib_forecast.data import validate_survey

    d = s.copy()
    d.loc[d.index[0], "weight"] = 1e308
    d.loc[d["firm_id"] == d.loc[d.index[0], "firm_id"], "weight"] = 1e308
    d = validate_survey(d, plausibility=False)
    with np.errstate(over="ignore"):  # the overflow is the point
        t = survey_total(d, "turnover_ds_eur", year=int(d.loc[d.index[0], "year"]))
    assert t.loc["all", "status"] == "not_available"
    assert np.isnan(t.loc["all", "estimate"])


def test_growth_with_one_years_level_recovers_nothing(s):
    """The headline growth by NLD area and the published D&S turnover by area of 2024 would
    give the 2025 level of a cell suppressed in 2025: growth is suppressed there too."""
    from nldtib_forecast.survey import headline_figures

    h = headline_figures(s, n_replicates=30, pe_replicates=5).set_index(
        ["indicator", "category"])
    growth = h.loc["ds_turnover_growth"]
    for year in (2024, 2025):
        t = survey_total(s, "turnover_ds_eur", by="nld_area", year=year)
        for area in t.index[t["status"].isin(SUPPRESSED)]:
            row = growth.loc[f"nld_area={area}"]
            assert row["status"] != "publish" and np.isnan(row["estimate"]), (year, area)
            assert pd.isna(row["n_respondents"])
