"""Tests of weight calibration: R survey reference weights, exact margins, bounds, diagnostics
and errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast.data import calibration_targets, synthetic_survey
from nldtib_forecast.survey import (
    CalibrationResult,
    SurveyDesign,
    calibrate_weights,
    survey_mean,
    survey_total,
)

RESULTS = Path(__file__).parent / "results"

# Population margins of R's ?rake and ?calibrate examples (data(api): apipop)
STYPE = {"E": 4421, "H": 755, "M": 1018}
SCHWIDE = {"No": 1072, "Yes": 5122}
API99 = 3914069


@pytest.fixture(scope="module")
def dclus1() -> SurveyDesign:
    # svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)
    return SurveyDesign(pd.read_csv(RESULTS / "apiclus1.csv"), weight="pw", strata=None,
                        psu="dnum", fpc="fpc", validate=False)


@pytest.fixture(scope="module")
def r_weights() -> pd.DataFrame:
    # written by results/r_survey_reference.R (R 4.2.2, survey 4.1-1), see results/README.md
    return pd.read_csv(RESULTS / "r_survey_calibration_weights.csv")


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return synthetic_survey(seed=0)


def _published_2023() -> dict:
    """B24's firm counts by size class and by domain, 2023 (calibration_targets)."""
    t = calibration_targets()
    t = t[t["year"] == 2023]
    size = t[t["indicator"] == "firms_by_size_class"].set_index("category")["value"]
    dom = t[t["indicator"] == "firms_by_domain"].set_index("category")["value"]
    return {"size_class": size, "domain": dom.to_dict()}


# -- reference values from R's survey package -----------------------------------------------
@pytest.mark.parametrize("method, margins, bounds, column", [
    # rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
    ("raking", {"stype": STYPE, "sch.wide": SCHWIDE}, None, "rake_stype_schwide"),
    # calibrate(dclus1, ~stype + api99, pop.totals)
    ("linear", {"stype": STYPE, "api99": API99}, None, "linear_stype_api99"),
    # ... bounds = c(0.6, 1.6)
    ("linear", {"stype": STYPE, "api99": API99}, (0.6, 1.6), "linear_bounded"),
    # ... bounds = c(0.6, 1.6), calfun = "logit"
    ("logit", {"stype": STYPE, "api99": API99}, (0.6, 1.6), "logit_bounded"),
    # ... bounds = c(0.6, 1.6), calfun = "raking"
    ("raking", {"stype": STYPE, "api99": API99}, (0.6, 1.6), "raking_bounded"),
    # ... calfun = "raking"
    ("raking", {"stype": STYPE, "api99": API99}, None, "raking_stype_api99"),
])
def test_matches_r_survey(dclus1, r_weights, method, margins, bounds, column):
    res = calibrate_weights(dclus1, margins, method=method, bounds=bounds)
    assert res.converged
    # R stops at |misfit| / (1 + |T|) < 1e-12 (script); ours at 1e-10
    np.testing.assert_allclose(res.weights.to_numpy(), r_weights[column].to_numpy(),
                               rtol=1e-8)
    if bounds is not None:
        assert res.g.min() >= bounds[0] - 1e-12 and res.g.max() <= bounds[1] + 1e-12
        if method != "logit":  # the truncated methods put units on the bounds
            assert np.isclose(res.g, bounds[0]).any() or np.isclose(res.g, bounds[1]).any()


def test_r_point_estimates(dclus1):
    """svymean(~api00, rclus1) = 641.23032092682; svytotal(~enroll, dclus1g3) =
    3638487.20413188 (printed by r_survey_reference.R)."""
    rake = calibrate_weights(dclus1, {"stype": STYPE, "sch.wide": SCHWIDE})
    assert survey_mean(rake.design(), "api00", protect=False).loc["all", "estimate"] == (
        pytest.approx(641.23032092682, rel=1e-10))
    lin = calibrate_weights(dclus1, {"stype": STYPE, "api99": API99}, method="linear")
    assert survey_total(lin.design(), "enroll", protect=False).loc["all", "estimate"] == (
        pytest.approx(3638487.20413188, rel=1e-10))


# -- hand-checkable cases ------------------------------------------------------------------------
def test_one_margin_is_poststratification(dclus1):
    """With one categorical margin, raking and linear calibration both give g = N_c / N_hat_c."""
    data = dclus1.data
    n_hat = data.groupby("stype")["pw"].sum()
    expected = data["pw"] * data["stype"].map(pd.Series(STYPE) / n_hat)
    for method in ("raking", "linear"):
        res = calibrate_weights(dclus1, {"stype": STYPE}, method=method)
        np.testing.assert_allclose(res.weights, expected, rtol=1e-12)
    assert calibrate_weights(dclus1, {"stype": STYPE}).n_iter == 1


def test_deming_stephan_ipf():
    """A 2 x 2 table with unit weights raked to rows (30, 70) and columns (40, 60); IPF's
    limit has the odds ratio of the start (1) so cell (a, x) = 30 * 40 / 100 = 12."""
    df = pd.DataFrame({"r": list("aabb"), "c": list("xyxy"), "w": 1.0})
    design = SurveyDesign(df, weight="w", strata=None, psu=None, fpc=None, validate=False)
    res = calibrate_weights(design, {"r": {"a": 30, "b": 70}, "c": {"x": 40, "y": 60}})
    np.testing.assert_allclose(res.weights, [12, 18, 28, 42], rtol=1e-10)
    assert res.algorithm == "iterative proportional fitting"


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_margins_are_reproduced(data):
    """Margins are the totals of some positive weights (so a raking solution exists); the
    calibrated weights reproduce them exactly."""
    n = data.draw(st.integers(8, 40))
    w = np.array(data.draw(st.lists(st.floats(0.5, 20), min_size=n, max_size=n)))
    a = [["p", "q", "r"][i % 3] for i in range(n)]
    b = data.draw(st.lists(st.sampled_from(["u", "v"]), min_size=n, max_size=n))
    if len(set(b)) < 2:
        return
    df = pd.DataFrame({"w": w, "a": a, "b": b, "x": np.arange(n) % 5 + 1.0})
    design = SurveyDesign(df, weight="w", strata=None, psu=None, fpc=None, validate=False)
    true = w * np.array(data.draw(st.lists(st.floats(0.2, 5), min_size=n, max_size=n)))
    margins = {"a": pd.Series(true).groupby(df["a"]).sum(),
               "b": pd.Series(true).groupby(df["b"]).sum().to_dict(),
               "x": float(true @ df["x"])}
    for method in ("raking", "linear"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # linear: weights <= 0 possible
            res = calibrate_weights(design, margins, method=method, max_iter=500)
        assert res.converged
        m = res.margins
        np.testing.assert_allclose(m["calibrated"], m["target"], rtol=1e-8)
        got = pd.Series(res.weights.to_numpy()).groupby(df["a"].to_numpy()).sum()
        np.testing.assert_allclose(got, margins["a"].loc[got.index], rtol=1e-8)


# -- the synthetic survey ------------------------------------------------------------------------
def test_calibrate_to_published_2023_margins(sample):
    margins = _published_2023()
    design = SurveyDesign(sample)
    res = calibrate_weights(design, margins, year=2023)
    assert isinstance(res, CalibrationResult) and res.converged and res.year == 2023
    assert res.max_abs_error < 1e-6
    assert res.history.iloc[-1] < 1e-10 and res.history.iloc[0] > res.history.iloc[-1]
    new = res.design()
    d23 = new.data[new.data["year"] == 2023]
    counts = d23.groupby("size_class", observed=True)["weight"].sum()
    np.testing.assert_allclose(counts, margins["size_class"].loc[counts.index], rtol=1e-10)
    assert d23["weight"].sum() == pytest.approx(1050)
    # other years keep their design weights; the design (strata, PSUs, fpc) is unchanged
    other = new.data["year"] != 2023
    np.testing.assert_array_equal(new.weights[other], design.weights[other])
    pd.testing.assert_frame_equal(new.strata_table().drop(columns="weight_sum"),
                                  design.strata_table().drop(columns="weight_sum"))
    assert new.data.attrs["calibration"]["year"] == 2023
    count = survey_total(new, None, by="domain", year=2023, protect=False)
    np.testing.assert_allclose(count["estimate"],
                               pd.Series(margins["domain"]).loc[count.index], rtol=1e-10)
    text = res.summary()
    assert "converged: True" in text and "size_class" in text and str(res) == text
    assert set(res.margins.columns) == {"target", "initial", "calibrated", "error"}


def test_methods_and_numeric_total(sample):
    margins = {**_published_2023(), "turnover_ds_eur": 7.7e9}
    for method, bounds in (("raking", None), ("linear", (0.3, 3.0)), ("logit", (0.3, 3.0)),
                           ("raking", (0.3, 3.0))):
        res = calibrate_weights(sample, margins, method=method, bounds=bounds, year=2023)
        assert res.converged, (method, bounds)
        d = res.design()
        total = survey_total(d, "turnover_ds_eur", year=2023, protect=False).loc["all"]
        assert total.estimate == pytest.approx(7.7e9, rel=1e-9)
        if bounds:
            assert bounds[0] - 1e-12 <= res.g.min() and res.g.max() <= bounds[1] + 1e-12


# -- errors and diagnostics ----------------------------------------------------------------------
def test_margin_errors(sample):
    good = _published_2023()
    with pytest.raises(InputError, match="did you mean 'size_class'"):
        calibrate_weights(sample, {"sizeclass": good["size_class"]}, year=2023)
    typo = {**good, "domain": {**good["domain"], "lnd": 1}}
    with pytest.raises(InputError, match="'lnd' is not a category.*did you mean 'land'"):
        calibrate_weights(sample, typo, year=2023)
    short = {"size_class": good["size_class"].drop("2500+")}
    with pytest.raises(InputError, match=r"data categories \['2500\+'\] have no margin"):
        calibrate_weights(sample, short, year=2023)
    inconsistent = {**good, "domain": {**good["domain"], "land": 600}}
    with pytest.raises(InputError, match="inconsistent margins.*1,141"):
        calibrate_weights(sample, inconsistent, year=2023)
    with pytest.raises(InputError, match="must be a number > 0"):
        calibrate_weights(sample, {"domain": {**good["domain"], "land": -5}}, year=2023)
    with pytest.raises(InputError, match="numeric total needs a numeric column"):
        calibrate_weights(sample, {"domain": 1050.0}, year=2023)
    with pytest.raises(InputError, match="non-empty dict"):
        calibrate_weights(sample, {})
    with pytest.raises(InputError, match="unknown value 'ipf'"):
        calibrate_weights(sample, good, method="ipf", year=2023)


def test_category_without_respondents(sample):
    df = sample[~((sample["year"] == 2025) & (sample["nld_area"] == "quantum"))]
    counts = {k: 100.0 for k in ("radars_sensors", "intelligent_systems", "space",
                                 "smart_materials", "quantum", "maritime", "other")}
    with pytest.raises(InputError, match="'quantum' has no respondents in year 2025"):
        calibrate_weights(df, {"nld_area": counts})


def test_bounds_and_convergence(sample):
    margins = _published_2023()
    with pytest.raises(InputError, match="logit method needs bounds"):
        calibrate_weights(sample, margins, method="logit", year=2023)
    for bad in ((1.2, 2.0), (0.5, 0.9), "tight", (0.5, np.inf)):
        with pytest.raises(InputError, match="bounds"):
            calibrate_weights(sample, margins, method="linear", bounds=bad, year=2023)
    with pytest.raises(InputError, match="did not converge.*widen the bounds"):
        calibrate_weights(sample, margins, method="linear", bounds=(0.99, 1.01), year=2023)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        res = calibrate_weights(sample, margins, method="raking", bounds=(0.99, 1.01),
                                year=2023, strict=False)
    assert not res.converged and res.n_iter == 100 and res.max_abs_error > 1
    assert "converged: False" in res.summary()
    with pytest.raises(InputError, match="subset"):
        calibrate_weights(SurveyDesign(sample).subset(sample["year"] == 2023), margins)


def test_negative_linear_weights(dclus1):
    """Unbounded GREG weights can be negative: a warning, and design() refuses them."""
    margins = {"stype": STYPE, "api99": API99 * 1.6}
    with pytest.warns(UserWarning, match="weight\\(s\\) <= 0"):
        res = calibrate_weights(dclus1, margins, method="linear")
    assert (res.g <= 0).any()
    with pytest.raises(InputError, match="weights must be finite and > 0"):
        res.design()
