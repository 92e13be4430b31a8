"""Tests of headline_figures: the letter's survey figures recomputed from microdata."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.survey import DisclosureRules, SurveyDesign, headline_figures


@pytest.fixture(scope="module")
def sample():
    return synthetic_survey(seed=0)


def _keyed(frame):
    """The figures keyed by (indicator, category)."""
    return frame.set_index(["indicator", "category"])


@pytest.fixture(scope="module")
def flat(sample):
    return headline_figures(sample, n_replicates=200, pe_replicates=30, seed=1)


@pytest.fixture(scope="module")
def table(flat):
    return _keyed(flat)


def test_same_shape_as_headline_csv(flat, tmp_path):
    """The frame has the keys as columns, as the report's headline.csv: reading the file back
    gives the same columns in the same order."""
    assert list(flat.columns[:2]) == ["indicator", "category"]
    assert isinstance(flat.index, pd.RangeIndex)
    flat.to_csv(tmp_path / "headline.csv", index=False)
    assert list(pd.read_csv(tmp_path / "headline.csv").columns) == list(flat.columns)


def test_every_letter_figure_is_there(table):
    overall = table.xs("", level="category")
    for ind in ("firms", "ds_turnover_eur", "ds_turnover_growth", "ds_turnover_share",
                "export_share", "scale_up_current", "scale_up_improved",
                "no_cost_pass_through_share", "financing_challenge_share", "oem_share",
                "pe_growth_premium"):
        assert ind in overall.index, ind
    by_area = table.loc["ds_turnover_growth"].index
    assert {"nld_area=intelligent_systems", "nld_area=radars_sensors"} <= set(by_area)
    assert table.attrs["year"] == 2025 and table.attrs["synthetic"] is True


def test_published_values_and_coverage(table):
    pub = table["published"].xs("", level="category")
    assert pub["firms"] == 1503 and pub["ds_turnover_eur"] == 10.2e9
    assert pub["ds_turnover_growth"] == pytest.approx(0.215)  # as stated by the letter
    assert pub["scale_up_improved"] == pytest.approx(0.67)
    assert np.isnan(pub["pe_growth_premium"])  # the letter gives no number
    covered = table["covers_published"].dropna()
    assert len(covered) == 10
    # the intervals cover the published values in the large majority of indicators; the
    # letter's +21.5% is not among them (its own levels imply +27.5%)
    assert covered.sum() >= 8
    assert not covered[("ds_turnover_growth", "")]


def test_estimates_equal_weighted_sums(sample, table):
    d = sample[sample.year == 2025]
    w = d["weight"]
    est = table["estimate"].xs("", level="category")
    assert est["firms"] == pytest.approx(w.sum())
    assert est["ds_turnover_eur"] == pytest.approx((w * d.turnover_ds_eur).sum())
    assert est["ds_turnover_share"] == pytest.approx(
        (w * d.turnover_ds_eur).sum() / (w * d.turnover_total_eur).sum())
    assert est["scale_up_current"] == pytest.approx(
        (w * d.turnover_ds_eur * d.scale_up_current).sum() / (w * d.turnover_ds_eur).sum())
    d24 = sample[sample.year == 2024]
    assert est["ds_turnover_growth"] == pytest.approx(
        (w * d.turnover_ds_eur).sum() / (d24.weight * d24.turnover_ds_eur).sum() - 1)
    assert est["oem_share"] == pytest.approx(
        (w * (d.chain_position == "oem")).sum() / w.sum())


def test_growth_interval_covers_population_growth(table):
    pop = synthetic_survey(seed=0, population=True)
    g = pop.groupby("year")["turnover_ds_eur"].sum()
    true = g[2025] / g[2024] - 1
    row = table.loc[("ds_turnover_growth", "")]
    assert row["ci_lower"] <= true <= row["ci_upper"]
    assert row["std_error"] > 0


def test_disclosure_applies_by_default_and_can_be_turned_off(sample, table):
    quantum = table.loc[("ds_turnover_growth", "nld_area=quantum")]
    assert quantum["status"] == "primary" and np.isnan(quantum["estimate"])
    open_ = _keyed(headline_figures(sample, n_replicates=20, pe_replicates=5, protect=False))
    assert (open_["status"] == "unprotected").all()
    assert np.isfinite(open_.loc[("ds_turnover_growth", "nld_area=quantum"), "estimate"])
    assert open_.attrs["protected"] is False
    strict = _keyed(headline_figures(sample, n_replicates=20, pe_replicates=5,
                                     rules=DisclosureRules(min_frequency=50)))
    assert strict.loc[("pe_growth_premium", ""), "status"] == "primary"


def test_deterministic_and_accepts_a_design(sample):
    a = headline_figures(sample, n_replicates=30, pe_replicates=5, seed=3)
    b = headline_figures(SurveyDesign(sample), n_replicates=30, pe_replicates=5, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_other_year_and_bootstrap_variance(sample):
    h = _keyed(headline_figures(sample, year=2023, variance="bootstrap", n_replicates=50,
                                pe_replicates=5))
    assert h.attrs["year"] == 2023
    # scale-up was not asked in 2023: no respondents, suppressed, nothing invented
    assert np.isnan(h.loc[("scale_up_current", ""), "estimate"])
    assert h.loc[("scale_up_current", ""), "status"] == "not_available"
    assert h.loc[("ds_turnover_share", ""), "published"] == pytest.approx(0.149)


@pytest.mark.parametrize("kwargs, key", [({"year": 2019}, "year"), ({"year": 2030}, "year"),
                                         ({"variance": "jackknife"}, "variance")])
def test_bad_input(sample, kwargs, key):
    with pytest.raises(InputError, match=key):
        headline_figures(sample, n_replicates=10, pe_replicates=3, **kwargs)


def test_missing_column(sample):
    with pytest.raises(InputError, match="scale_up_current"):
        headline_figures(sample.drop(columns="scale_up_current"))
