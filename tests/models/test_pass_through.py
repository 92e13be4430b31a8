"""Tests of nldtib_forecast.models.pass_through.estimate_pass_through.

The synthetic survey's data-generating process is known: a firm passes on all (``full``),
half (``partial``) or none (``none``) of its unit-cost change to its D&S price, plus noise
with standard deviation 0.01 (``attrs["true_pass_through"]``), and 14% of the 2025
population do not pass costs on (the letter's figure; calibration target).
"""

from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from statsmodels.regression.linear_model import WLS
from statsmodels.tools.tools import add_constant

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.pass_through import PassThroughResult, estimate_pass_through
from nldtib_forecast.survey import SurveyDesign, survey_mean

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def sample():
    return synthetic_survey(seed=0)


@pytest.fixture(scope="module")
def population():
    return synthetic_survey(seed=0, population=True)


@pytest.fixture(scope="module")
def result(sample):
    return estimate_pass_through(sample, by="nld_area")


def test_population_recovers_true_pass_through(population):
    res = estimate_pass_through(population)
    truth = population.attrs["true_pass_through"]
    slopes = res.pass_through["estimate"]
    for grp, value in truth.items():
        assert abs(slopes[grp] - value) < 0.05, grp
    # the population share is the calibration target (L26: ~14%), without sampling error
    share = res.no_pass_share.loc[("all", "all")]
    assert share["estimate"] == pytest.approx(0.14, abs=0.005)
    assert share["std_error"] == pytest.approx(0.0, abs=1e-12)
    # a census: the mean margin is known, prices rose less than costs
    assert res.margin_test["estimate"] < 0 and res.margin_test["p_value"] == 1.0


def test_sample_intervals_cover_the_truth(result, sample):
    truth = sample.attrs["true_pass_through"]
    pt = result.pass_through
    for grp, value in truth.items():
        assert pt.loc[grp, "ci_lower"] <= value <= pt.loc[grp, "ci_upper"], grp
    # pooled slope between the group slopes, below full pass-through
    assert truth["none"] < pt.loc["pooled", "estimate"] < 1.0
    share = result.no_pass_share.loc[("all", "all")]
    assert share["ci_lower"] <= 0.14 <= share["ci_upper"]


def test_no_pass_share_matches_survey_proportion(result, sample):
    from nldtib_forecast.survey import survey_proportion

    cond = (sample["passes_on_costs"].astype(object) == "none").astype("boolean").where(
        sample["passes_on_costs"].notna())
    direct = survey_proportion(sample, cond, year=2025)
    got = result.no_pass_share.loc[("all", "all")]
    assert_allclose(got[["estimate", "std_error", "ci_lower", "ci_upper"]].astype(float),
                    direct.loc["all", ["estimate", "std_error", "ci_lower", "ci_upper"]]
                    .astype(float))
    by_area = result.no_pass_share.loc["nld_area"]
    assert "quantum" in by_area.index and by_area.loc["quantum", "status"] == "primary"
    # a weighted share by hand
    y = sample[(sample.year == 2025) & sample.passes_on_costs.notna()]
    by_hand = np.average(y.passes_on_costs.astype(str) == "none", weights=y.weight)
    assert got["estimate"] == pytest.approx(by_hand, rel=1e-12)


def test_regression_equals_statsmodels_wls(result, sample):
    y = sample[sample.year == 2025].dropna(subset=["price_change_ds", "cost_change_ds"])
    X = pd.get_dummies(y[["size_class", "nld_area", "chain_position"]], drop_first=True,
                       dtype=float)
    X = X.loc[:, X.std(ddof=0) > 0]
    X.insert(0, "cost_change_ds", y["cost_change_ds"])
    X = add_constant(X)
    fit = WLS(y["price_change_ds"], X, weights=y["weight"]).fit(cov_type="HC1")
    pooled = result.coefficients[result.coefficients.model == "pooled"].set_index("term")
    assert result.n == len(y)
    assert pooled.loc["cost_change_ds", "estimate"] == pytest.approx(
        fit.params["cost_change_ds"], rel=1e-10)
    assert pooled.loc["cost_change_ds", "std_error"] == pytest.approx(
        fit.bse["cost_change_ds"], rel=1e-10)
    # HC1 = sqrt(n / (n - k)) x HC0 (MacKinnon and White 1985)
    hc0 = estimate_pass_through(sample, cov_type="HC0").pass_through["std_error"]
    k = X.shape[1]
    assert pooled.loc["cost_change_ds", "std_error"] == pytest.approx(
        hc0["pooled"] * np.sqrt(len(y) / (len(y) - k)), rel=1e-10)


def test_margin_test_is_design_based(result, sample):
    frame = sample.assign(price_minus_cost=sample.price_change_ds - sample.cost_change_ds)
    m = survey_mean(frame, "price_minus_cost", year=2025).loc["all"]
    t = result.margin_test
    assert t["estimate"] == pytest.approx(m["estimate"], rel=1e-12)
    assert t["std_error"] == pytest.approx(m["std_error"], rel=1e-12)
    assert t["df"] == SurveyDesign(sample).degrees_of_freedom
    assert t["t_statistic"] == pytest.approx(t["estimate"] / t["std_error"])
    from scipy import stats

    assert t["p_value"] == pytest.approx(stats.t.sf(t["t_statistic"], t["df"]))
    assert t["estimate"] < 0 and t["p_value"] > 0.99  # no disproportionate price increases


def test_disproportionate_increases_are_detected(sample):
    """Raise every price by 3 points more than costs: the one-sided test rejects."""
    shifted = sample.assign(price_change_ds=sample.cost_change_ds + 0.03)
    res = estimate_pass_through(shifted)
    assert res.margin_test["estimate"] == pytest.approx(0.03)
    assert res.margin_test["p_value"] < 1e-6
    assert "evidence of price increases" in res.summary()


def test_result_object(result):
    assert isinstance(result, PassThroughResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.year = 2024
    assert result.year == 2025 and result.synthetic and result.cov_type == "HC1"
    assert result.controls == ("size_class", "nld_area", "chain_position")
    assert list(result.coefficients.columns) == ["model", "term", "estimate", "std_error",
                                                 "ci_lower", "ci_upper", "p_value"]
    assert list(result.pass_through.index) == ["pooled", "full", "partial", "none"]
    text = result.summary()
    for piece in ("2025", "SYNTHETIC", "not passing cost", "pooled", "one-sided p", "HC1"):
        assert piece in text
    assert str(result) == text
    html = result._repr_html_()
    assert "<table" in html and "synthetic" in html
    long = result.to_frame()
    assert list(long.columns) == ["year", "part", "label", "statistic", "value"]
    assert set(long["part"]) == {"no_pass_share", "pass_through", "margin_test"}
    row = long[(long.part == "pass_through") & (long.label == "full")
               & (long.statistic == "estimate")]
    assert row["value"].iloc[0] == pytest.approx(result.pass_through.loc["full", "estimate"])
    assert len(result.binned) == 10 and (result.binned["n_respondents"] >= 10).all()
    ax = result.plot()
    assert ax.get_xlabel() == "unit-cost change"
    import matplotlib.pyplot as plt

    plt.close("all")


def test_default_year_and_options(sample):
    res = estimate_pass_through(sample, controls=(), cov_type="HC3", level=0.9)
    assert res.year == 2025 and res.controls == () and res.level == 0.9
    assert set(res.coefficients.model) == {"pooled", "by_group"}
    # an earlier year has price and cost changes but no pass-through question: no groups
    early = estimate_pass_through(sample, year=2023)
    assert early.year == 2023 and early.group is None and early.no_pass_share.empty
    assert list(early.pass_through.index) == ["pooled"]
    explicit = estimate_pass_through(sample, group=None)
    assert explicit.group is None and explicit.year == 2025
    # a domain design: the regression and the estimates use the domain's firms only
    land = SurveyDesign(sample).subset(sample["domain"] == "land")
    res_land = estimate_pass_through(land, controls=("size_class",))
    n_land = int(((sample.year == 2025) & (sample.domain == "land")
                  & sample.price_change_ds.notna()).sum())
    assert res_land.n == n_land
    # a survey without the question: the default group column is skipped
    design = SurveyDesign(sample.drop(columns="passes_on_costs"), validate=False)
    res = estimate_pass_through(design)
    assert res.group is None and res.year == 2025


def test_errors(sample):
    with pytest.raises(InputError, match="valid values: 'HC0', 'HC1', 'HC2', 'HC3'"):
        estimate_pass_through(sample, cov_type="hc1")
    with pytest.raises(InputError) as err:
        estimate_pass_through(sample, controls=("size_clas",), price="price")
    assert set(err.value.columns) == {"size_clas", "price"}
    with pytest.raises(InputError, match="2030"):
        estimate_pass_through(sample, year=2030)
    with pytest.raises(InputError, match="'2025'"):
        estimate_pass_through(sample, year="2025")
    with pytest.raises(InputError, match="level"):
        estimate_pass_through(sample, level=95)
    with pytest.raises(InputError, match="SurveyDesign or a pandas DataFrame"):
        estimate_pass_through([1, 2, 3])
