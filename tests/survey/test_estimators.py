"""Tests of the survey estimators: R survey reference values, identities, domains, disclosure,
bad input, and a small simulation study of interval coverage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nldtib_forecast import InputError
from nldtib_forecast.data import draw_sample, synthetic_survey
from nldtib_forecast.survey import (
    DisclosureRules,
    SurveyDesign,
    survey_mean,
    survey_proportion,
    survey_ratio,
    survey_total,
)

RESULTS = Path(__file__).parent / "results"
COLUMNS = ["estimate", "std_error", "ci_lower", "ci_upper", "n_respondents", "n_missing",
           "status", "rule"]


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return synthetic_survey(seed=0)


@pytest.fixture(scope="module")
def design(sample) -> SurveyDesign:
    return SurveyDesign(sample)


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return synthetic_survey(seed=0, population=True)


# -- reference values from R's survey package -----------------------------------------------
# tests/survey/results/r_survey_estimates.csv was written by results/r_survey_reference.R
# (R 4.2.2, survey 4.1-1) from R's data(api); see results/README.md. The published R output
# svymean(~api00, dstrat) = 662.29 (SE 9.4089) and svytotal(~enroll, dstrat) = 3687178
# (SE 114642) is reproduced by that script (and checked below to the printed digits).
def _r_designs() -> dict[str, SurveyDesign]:
    strat = pd.read_csv(RESULTS / "apistrat.csv")
    clus = pd.read_csv(RESULTS / "apiclus1.csv")
    return {
        # svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)
        "dstrat": SurveyDesign(strat, weight="pw", strata="stype", psu=None, fpc="fpc",
                               validate=False),
        # svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat)
        "dstrat_nofpc": SurveyDesign(strat, weight="pw", strata="stype", psu=None, fpc=None,
                                     validate=False),
        # svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
        "dclus1": SurveyDesign(clus, weight="pw", strata=None, psu="dnum", fpc="fpc",
                               validate=False),
    }


R_REF = pd.read_csv(RESULTS / "r_survey_estimates.csv")
R_DESIGNS = _r_designs()


def _ours(row) -> pd.Series:
    design = R_DESIGNS[row.design]
    data = design.data
    by = None if row.domain == "all" else row.domain.split("=")[0]
    kw = dict(by=by, protect=False)
    if row.statistic == "total":
        out = survey_total(design, row.variable, **kw)
    elif row.statistic == "mean":
        out = survey_mean(design, row.variable, **kw)
    elif row.statistic == "ratio":
        num, den = row.variable.split("/")
        out = survey_ratio(design, num, den, **kw)
    else:
        col, val = row.variable.split("==")
        out = survey_proportion(design, data[col] == val, **kw)
    label = "all" if by is None else row.domain.split("=")[1]
    assert out.attrs["df"] == row.df
    return out.loc[label]


@pytest.mark.parametrize("row", list(R_REF.itertuples(index=False)),
                         ids=[f"{r.design}-{r.statistic}-{r.variable}-{r.domain}"
                              for r in R_REF.itertuples(index=False)])
def test_matches_r_survey(row):
    got = _ours(row)
    # svyciprop gets the proportion from an iteratively fitted logistic GLM (R's glm
    # tolerance 1e-8); everything else is closed form in R
    rtol = 1e-7 if row.statistic == "proportion" else 1e-9
    np.testing.assert_allclose(
        got[["estimate", "std_error", "ci_lower", "ci_upper"]].to_numpy(dtype=float),
        [row.estimate, row.se, row.ci_lower, row.ci_upper], rtol=rtol, atol=1e-12)


def test_published_r_output():
    """The numbers printed by R: svymean(~api00, dstrat) and svytotal(~enroll, dstrat)."""
    d = R_DESIGNS["dstrat"]
    m = survey_mean(d, "api00", protect=False).loc["all"]
    t = survey_total(d, "enroll", protect=False).loc["all"]
    assert (round(m.estimate, 2), round(m.std_error, 4)) == (662.29, 9.4089)
    assert (round(t.estimate), round(t.std_error)) == (3687178, 114642)


def test_bootstrap_agrees_with_linearization():
    """Rao-Wu replicates: E[bootstrap variance] = linearised variance for a total. With 4000
    replicates the Monte Carlo relative SE of the SE is about 1-2% (heavy-tailed enroll)."""
    d = R_DESIGNS["dstrat"]
    boot = survey_total(d, "enroll", variance="bootstrap", n_replicates=4000, seed=2024,
                        protect=False).loc["all"]
    assert boot.std_error == pytest.approx(114641.716, rel=0.05)
    ratio = survey_ratio(d, "api00", "api99", variance="bootstrap", n_replicates=4000,
                         seed=2024, protect=False).loc["all"]
    assert ratio.std_error == pytest.approx(0.00364392, rel=0.05)
    assert ratio.estimate == pytest.approx(1.05226054621825, rel=1e-12)


# -- independent textbook formula ---------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.data())
def test_stratified_srswor_variance_formula(data):
    """Var(Y_hat) = sum_h N_h^2 (1 - n_h/N_h) s_h^2 / n_h (Cochran 1977, chapter 5)."""
    n_strata = data.draw(st.integers(1, 4))
    rows = []
    for h in range(n_strata):
        n_h = data.draw(st.integers(2, 6))
        N_h = n_h + data.draw(st.integers(0, 20))
        ys = data.draw(st.lists(st.floats(-100, 100, allow_nan=False), min_size=n_h,
                                max_size=n_h))
        rows += [{"s": f"h{h}", "y": y, "w": N_h / n_h, "N": N_h} for y in ys]
    df = pd.DataFrame(rows)
    design = SurveyDesign(df, weight="w", strata="s", psu=None, fpc="N", validate=False)
    got = survey_total(design, "y", protect=False).loc["all"]
    g = df.groupby("s")
    expected = (g["N"].first() ** 2 * (1 - g.size() / g["N"].first()) * g["y"].var(ddof=1)
                / g.size()).sum()
    assert got.estimate == pytest.approx((df.w * df.y).sum(), rel=1e-9, abs=1e-9)
    assert got.std_error ** 2 == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0.1, 50), st.floats(0, 1e3), st.floats(1, 1e3),
                          st.sampled_from(["a", "b"])), min_size=6, max_size=30))
def test_ratio_is_total_over_total(rows):
    df = pd.DataFrame(rows, columns=["w", "y", "x", "s"])
    df["y"] = np.minimum(df["y"], df["x"])
    if df["s"].value_counts().min() < 2 or df["s"].nunique() < 2:
        return
    design = SurveyDesign(df, weight="w", strata="s", psu=None, fpc=None, validate=False)
    r = survey_ratio(design, "y", "x", by="s", protect=False)
    ty = survey_total(design, "y", by="s", protect=False)["estimate"]
    tx = survey_total(design, "x", by="s", protect=False)["estimate"]
    np.testing.assert_allclose(r["estimate"], ty / tx, rtol=1e-12)
    m = survey_mean(design, "y", protect=False).loc["all", "estimate"]
    count = survey_total(design, None, protect=False).loc["all", "estimate"]
    assert m == pytest.approx(survey_total(design, "y", protect=False).loc["all", "estimate"]
                              / count, rel=1e-12)


# -- synthetic survey: identities, census, domains --------------------------------------------
@pytest.mark.parametrize("by", ["size_class", "nld_area", "chain_position", "entrant",
                                ["domain", "entrant"]])
def test_domain_estimates_add_up(design, by):
    for value in ("turnover_ds_eur", None):
        parts = survey_total(design, value, by=by, protect=False)
        whole = survey_total(design, value, protect=False).loc["all"]
        assert parts["estimate"].sum() == pytest.approx(whole.estimate, rel=1e-12)
        assert parts["n_respondents"].sum() == whole.n_respondents
        assert (parts["std_error"] >= 0).all() and (parts["std_error"] > 0).any()


def test_census_has_no_sampling_variance(population):
    """The population with weights 1 and N_h = n_h (fpc from the weights): variance 0."""
    census = SurveyDesign(population)
    assert census.fpc_source == "weights" and census.strata_table()["take_all"].all()
    p25 = population[population["year"] == 2025]
    total = survey_total(census, "turnover_ds_eur", year=2025, protect=False).loc["all"]
    share = survey_ratio(census, "turnover_ds_eur", "turnover_total_eur", year=2025,
                         protect=False).loc["all"]
    count = survey_total(census, None, by="size_class", year=2025, protect=False)
    assert total.estimate == pytest.approx(p25["turnover_ds_eur"].sum(), rel=1e-12)
    assert share.estimate == pytest.approx(0.102, abs=1e-3)  # L26 figure, calibrated
    assert total.std_error == 0 and share.std_error == 0
    assert (count["std_error"] == 0).all()
    boot = survey_total(census, "turnover_ds_eur", variance="bootstrap", n_replicates=20,
                        seed=1, protect=False).loc["all"]
    assert boot.std_error <= 1e-12 * boot.estimate  # floating-point summation order only


def test_subset_equals_by_domain(design, sample):
    by = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", by="domain",
                      protect=False)
    sub = survey_ratio(design.subset(sample["domain"] == "maritime"), "turnover_ds_eur",
                       "turnover_total_eur", protect=False).loc["all"]
    pd.testing.assert_series_equal(sub.drop("status"), by.loc["maritime"].drop("status"),
                                   check_names=False)


def test_entrant_definition(design, sample):
    out = survey_total(design, None, by="entrant", year=2024, protect=False)
    manual = sample.assign(new=sample["entry_year"] >= 2023)
    ref = survey_total(SurveyDesign(manual), None, by="new", year=2024, protect=False)
    np.testing.assert_allclose(out["estimate"], ref["estimate"])
    assert out.index.name == "entrant" and list(out.index) == [False, True]


def test_year_and_attrs(design):
    out = survey_total(design, "turnover_ds_eur", protect=False)
    assert list(out.columns) == COLUMNS
    assert out.attrs["year"] == 2025 and out.attrs["synthetic"] is True
    assert out.attrs["statistic"] == "total"
    assert out.attrs["variance_method"] == "linearization" and out.attrs["level"] == 0.95
    assert out.attrs["protected"] is False and (out["status"] == "unprotected").all()
    y23 = survey_total(design, "turnover_ds_eur", year=2023, protect=False)
    assert y23.attrs["year"] == 2023
    assert y23.loc["all", "n_respondents"] < out.loc["all", "n_respondents"]
    wide = survey_total(design, "turnover_ds_eur", level=0.99, protect=False).loc["all"]
    assert wide.ci_upper - wide.ci_lower > out.loc["all", "ci_upper"] - out.loc["all",
                                                                                "ci_lower"]
    q = stats.t.ppf(0.975, design.degrees_of_freedom)
    row = out.loc["all"]
    assert row.ci_upper == pytest.approx(row.estimate + q * row.std_error, rel=1e-12)


def test_bootstrap_is_seeded(design):
    kw = dict(variance="bootstrap", n_replicates=200, protect=False)
    a = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", seed=5, **kw)
    b = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", seed=5, **kw)
    c = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", seed=6, **kw)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc["all", "std_error"] != c.loc["all", "std_error"]
    lin = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", protect=False)
    assert a.loc["all", "estimate"] == lin.loc["all", "estimate"]
    assert a.loc["all", "std_error"] == pytest.approx(lin.loc["all", "std_error"], rel=0.25)
    assert a.attrs["variance_method"] == "bootstrap" and a.attrs["seed"] == 5


def test_proportion_item_nonresponse(sample):
    df = sample.copy()
    df["flag"] = df["pe_backed"].astype("boolean")
    last = df.index[df["year"] == 2025]
    df.loc[last[:7], "flag"] = pd.NA
    out = survey_proportion(df, "flag", protect=False).loc["all"]
    full = survey_proportion(df[~df.index.isin(last[:7])], "flag", protect=False).loc["all"]
    assert out.n_missing == 7 and out.n_respondents == full.n_respondents
    assert out.estimate == pytest.approx(full.estimate, rel=1e-12)
    assert 0 <= out.ci_lower < out.estimate < out.ci_upper <= 1
    series = survey_proportion(df, df["chain_position"] == "oem", by="domain", protect=False)
    assert series.attrs["condition"] == "chain_position"
    assert ((series["estimate"] > 0) & (series["estimate"] < 1)).all()


def test_mean_with_missing_values(design):
    out = survey_mean(design, "price_change_ds", by="passes_on_costs", protect=False)
    assert (out["n_missing"] > 0).all()
    assert list(out.index) == ["full", "partial", "none"]
    assert out.loc["full", "estimate"] > out.loc["none", "estimate"]


def test_domain_without_item_respondents(sample):
    df = sample.copy()
    df.loc[(df["year"] == 2025) & (df["domain"] == "security"), "price_change_ds"] = np.nan
    for variance in ("linearization", "bootstrap"):
        out = survey_mean(df, "price_change_ds", by="domain", variance=variance, seed=1,
                          n_replicates=50, protect=False)
        assert out.loc["security", "n_respondents"] == 0
        assert out.loc["security", ["estimate", "std_error", "ci_lower"]].isna().all()
        assert out.drop(index="security")["std_error"].gt(0).all()
    protected = survey_total(df, "price_change_ds", by="domain")
    assert protected.loc["security", ["status", "rule"]].tolist() == ["primary",
                                                                       "no respondents"]


# -- disclosure control (colleague's cell_status) -------------------------------------------------
def test_primary_suppression(design):
    out = survey_total(design, "turnover_ds_eur", by="nld_area")
    raw = survey_total(design, "turnover_ds_eur", by="nld_area", protect=False)
    small = raw["n_respondents"] < 10
    assert small.any()
    assert (out.loc[small, "status"] == "primary").all()
    assert out.loc[small, "n_respondents"].isna().all()  # hidden with the figure
    assert out.loc[small, ["estimate", "std_error", "ci_lower", "ci_upper"]].isna().all().all()
    assert out.loc[small, "rule"].str.contains("min_frequency").all()
    assert out.attrs["protected"] is True
    published = out["status"] == "publish"
    assert out.loc[published, "estimate"].notna().all()
    off = survey_total(design, "turnover_ds_eur", by="nld_area", rules=DisclosureRules.off())
    assert off.attrs["protected"] is False and off["estimate"].notna().all()
    strict = survey_proportion(design, "financing_challenge", by="domain",
                               rules=DisclosureRules(min_frequency=1000))
    assert (strict["status"] == "primary").all()


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input(design, sample):
    with pytest.raises(InputError, match="did you mean 'turnover_ds_eur'"):
        survey_total(design, "turnover_dss_eur")
    with pytest.raises(InputError, match="unknown column") as err:
        survey_total(design, "turnover_ds_eur", by=["size_class", "sizeclass"])
    assert "sizeclass" in err.value.columns
    with pytest.raises(InputError, match="unknown value 'bootstrapp'"):
        survey_total(design, "turnover_ds_eur", variance="bootstrapp")
    with pytest.raises(InputError, match="level"):
        survey_mean(design, "turnover_ds_eur", level=95)
    with pytest.raises(InputError, match="not a reference year.*2019"):
        survey_total(design, "turnover_ds_eur", year=2030)
    with pytest.raises(InputError, match="must be numeric"):
        survey_total(design, "domain")
    with pytest.raises(InputError, match="must be boolean"):
        survey_proportion(design, "turnover_ds_eur")
    with pytest.raises(InputError, match="empty domains"):
        survey_total(design, "turnover_ds_eur", by="passes_on_costs", year=2024)
    with pytest.raises(InputError, match="no respondent"):
        survey_mean(design, "scale_up_current", year=2024)
    with pytest.raises(InputError, match="SurveyDesign or a pandas DataFrame"):
        survey_total(sample.to_dict(), "turnover_ds_eur")
    bad = sample.assign(weight=sample["weight"].where(sample.index != sample.index[3], -1.0))
    with pytest.raises(InputError, match="weight"):
        survey_total(bad, "turnover_ds_eur")
    with pytest.raises(InputError, match="failed validation"):
        survey_total(sample.drop(columns="stratum"), "turnover_ds_eur")


# -- simulation study -----------------------------------------------------------------------------
def test_coverage_simulation(population):
    """Repeated stratified samples from the synthetic population (seed 0): 95% intervals of the
    2025 D&S turnover total and D&S share must cover the population values in about 95% of
    samples. With R = 200 samples the Monte Carlo SE of a coverage of 0.95 is
    sqrt(0.95 * 0.05 / 200) = 0.015; the bounds [0.88, 0.99] are about -4.6 / +2.6 MC SE.
    Deterministic: sample s uses seed s; bootstrap replicates use seed 1000 + s."""
    p25 = population[population["year"] == 2025]
    true_total = p25["turnover_ds_eur"].sum()
    true_share = true_total / p25["turnover_total_eur"].sum()
    hits = []
    for s in range(200):
        design = SurveyDesign(draw_sample(population, seed=s), validate=False)
        t = survey_total(design, "turnover_ds_eur", year=2025, protect=False).loc["all"]
        r = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", year=2025,
                         protect=False).loc["all"]
        b = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", year=2025,
                         variance="bootstrap", n_replicates=100, seed=1000 + s,
                         protect=False).loc["all"]
        hits.append([t.ci_lower <= true_total <= t.ci_upper,
                     r.ci_lower <= true_share <= r.ci_upper,
                     b.ci_lower <= true_share <= b.ci_upper])
    coverage = np.mean(hits, axis=0)
    assert ((coverage >= 0.88) & (coverage <= 0.99)).all(), coverage
