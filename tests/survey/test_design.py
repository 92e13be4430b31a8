"""Tests of SurveyDesign: design columns, fpc, single-PSU strata, domains, Rao-Wu replicates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.survey import SurveyDesign

RESULTS = Path(__file__).parent / "results"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    # the stratified sample: it has take-all strata, which several tests need
    return synthetic_survey(seed=0, design="stratified")


@pytest.fixture(scope="module")
def design(sample) -> SurveyDesign:
    return SurveyDesign(sample)


@pytest.fixture(scope="module")
def apistrat() -> pd.DataFrame:
    # R survey's data(api) apistrat, exported by results/r_survey_reference.R
    return pd.read_csv(RESULTS / "apistrat.csv")


def small_frame() -> pd.DataFrame:
    """Two strata, three firms each (one row per firm and year), not in the NLDTIB schema."""
    return pd.DataFrame({
        "firm_id": ["a", "a", "b", "c", "d", "e", "f", "f"],
        "year": [2024, 2025, 2025, 2025, 2025, 2025, 2024, 2025],
        "weight": [2.0, 2.0, 2.0, 2.0, 4.0, 4.0, 4.0, 4.0],
        "stratum": ["s1", "s1", "s1", "s1", "s2", "s2", "s2", "s2"],
        "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    })


# -- structure --------------------------------------------------------------------------------
def test_psu_is_the_firm(design, sample):
    assert design.n_psu == sample["firm_id"].nunique()
    assert design.n_strata == sample["stratum"].nunique()
    assert design.degrees_of_freedom == design.n_psu - design.n_strata
    table = design.strata_table()
    assert table["n_psu"].sum() == design.n_psu
    assert table["n_rows"].sum() == len(sample)
    firms = sample.drop_duplicates("firm_id").groupby("stratum").size()
    np.testing.assert_array_equal(table["n_psu"].to_numpy(), firms.loc[table.index].to_numpy())


def test_fpc_auto_from_attrs_matches_weights(sample):
    """draw_sample's weights are N_h / n_h: both "auto" sources give the same N_h."""
    from_attrs = SurveyDesign(sample)
    no_attrs = sample.copy()
    no_attrs.attrs = {}
    from_weights = SurveyDesign(no_attrs)
    assert (from_attrs.fpc_source, from_weights.fpc_source) == ("attrs", "weights")
    np.testing.assert_allclose(from_weights.strata_table()["population_psu"],
                               from_attrs.strata_table()["population_psu"], rtol=1e-12)
    pop = pd.Series(sample.attrs["population_firms"])
    np.testing.assert_array_equal(
        from_attrs.strata_table()["population_psu"].to_numpy(),
        pop.loc[from_attrs.strata_table().index].to_numpy(dtype=float))


def test_fpc_options(apistrat):
    by_column = SurveyDesign(apistrat, weight="pw", strata="stype", psu=None, fpc="fpc",
                             validate=False)
    by_dict = SurveyDesign(apistrat, weight="pw", strata="stype", psu=None,
                           fpc={"E": 4421, "H": 755, "M": 1018}, validate=False)
    by_series = SurveyDesign(apistrat, weight="pw", strata="stype", psu=None,
                             fpc=pd.Series({"E": 4421, "H": 755, "M": 1018}), validate=False)
    none = SurveyDesign(apistrat, weight="pw", strata="stype", psu=None, fpc=None,
                        validate=False)
    for d in (by_column, by_dict, by_series):
        np.testing.assert_array_equal(d.strata_table()["population_psu"], [4421, 755, 1018])
        np.testing.assert_allclose(d.strata_table()["sampling_fraction"],
                                   [100 / 4421, 50 / 755, 50 / 1018])
    assert none.fpc_source == "none"
    assert (none.strata_table()["sampling_fraction"] == 0).all()
    assert none.strata_table()["population_psu"].isna().all()
    single = SurveyDesign(apistrat, weight="pw", strata=None, psu=None, fpc=6194,
                          validate=False)
    assert single.strata_table()["population_psu"].iloc[0] == 6194


def test_data_are_copied(sample):
    df = sample.copy()
    design = SurveyDesign(df)
    before = design.weights.copy()
    df.loc[df.index[0], "weight"] = 1e9
    out = design.data
    out.loc[out.index[0], "weight"] = 5.0
    pd.testing.assert_series_equal(design.weights, before)
    assert design.data.attrs["synthetic"] is True


# -- bad input --------------------------------------------------------------------------------
def test_unknown_columns_are_named(sample):
    with pytest.raises(InputError, match="did you mean 'weight'") as err:
        SurveyDesign(sample, weight="weigth")
    assert "weigth" in err.value.columns
    with pytest.raises(InputError, match="stratumm"):
        SurveyDesign(sample, strata="stratumm")


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_bad_weights(bad):
    df = small_frame()
    df.loc[3, "weight"] = bad
    with pytest.raises(InputError, match="weights must be finite and > 0") as err:
        SurveyDesign(df, validate=False)
    assert err.value.problems[0].rows == (3,)


def test_schema_validation_is_applied(sample):
    broken = sample.drop(columns="domain")
    with pytest.raises(InputError, match="failed validation"):
        SurveyDesign(broken)
    zero = sample.copy()
    zero.loc[zero.index[:2], "weight"] = 0.0
    with pytest.raises(InputError, match="weight"):
        SurveyDesign(zero)


def test_psu_must_nest_in_strata():
    df = small_frame()
    df.loc[7, "stratum"] = "s1"  # firm f in two strata
    with pytest.raises(InputError, match="nested in strata"):
        SurveyDesign(df, validate=False)


def test_missing_labels_and_bad_fpc():
    df = small_frame()
    df.loc[2, "stratum"] = None
    with pytest.raises(InputError, match="strata labels must not be missing"):
        SurveyDesign(df, validate=False)
    with pytest.raises(InputError, match=r"s2 \(N_h=2 < n_h=3\)"):
        SurveyDesign(small_frame(), fpc={"s1": 10, "s2": 2}, validate=False)
    with pytest.raises(InputError, match="no population size N_h for stratum"):
        SurveyDesign(small_frame(), fpc={"s1": 10}, validate=False)
    with pytest.raises(InputError, match="single number is only allowed"):
        SurveyDesign(small_frame(), fpc=10, validate=False)
    with pytest.raises(InputError, match="fpc column not found"):
        SurveyDesign(small_frame(), fpc="N", validate=False)
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        SurveyDesign([1, 2, 3])
    with pytest.raises(InputError, match="empty"):
        SurveyDesign(small_frame().iloc[:0], validate=False)


def test_single_psu_stratum():
    df = small_frame()
    df = df[df["firm_id"].isin(["a", "d", "e", "f"])]  # stratum s1 keeps one firm
    design = SurveyDesign(df, validate=False)
    assert design.strata_table().loc["s1", "single_psu"]
    with pytest.raises(InputError, match="single PSU in stratum 's1'.*collapse strata"):
        design.replicate_weights(10, seed=0)
    with pytest.raises(InputError, match="single PSU in stratum 's1'"):
        design._total_variance(np.ones(len(df)))
    # a take-all singleton (N_h = n_h) has no variance contribution: allowed
    take_all = SurveyDesign(df, fpc={"s1": 1, "s2": 12}, validate=False)
    assert take_all.strata_table().loc["s1", "take_all"]
    rw = take_all.replicate_weights(10, seed=0)
    s1 = (df["stratum"] == "s1").to_numpy()
    np.testing.assert_array_equal(rw.to_numpy()[s1], np.repeat(df["weight"].to_numpy()[s1,
                                                                                        None],
                                                                  10, axis=1))


# -- replicate weights ------------------------------------------------------------------------
def test_replicates_are_seeded_and_cached(design):
    a = design.replicate_weights(50, seed=7)
    b = design.replicate_weights(50, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert design._replicate_factors(50, 7) is design._replicate_factors(50, 7)
    c = design.replicate_weights(50, seed=8)
    assert not np.allclose(a.to_numpy(), c.to_numpy())
    g = np.random.default_rng(7)
    pd.testing.assert_frame_equal(a, design.replicate_weights(50, seed=g))
    assert a.shape == (len(design), 50)
    assert a.columns.name == "replicate"


def test_replicate_structure(design, sample):
    rw = design.replicate_weights(400, seed=1)
    factors = rw.to_numpy() / design.weights.to_numpy()[:, None]
    # every row of a firm carries the firm's factor
    by_firm = pd.DataFrame(factors).groupby(sample["firm_id"].to_numpy())
    spread = by_firm.max() - by_firm.min()
    assert (spread.to_numpy() == 0).all()
    assert (factors >= 0).all()
    # take-all strata (2500+) keep their weights
    take_all = design.strata_table().query("take_all").index
    rows = sample["stratum"].isin(take_all).to_numpy()
    assert rows.any()
    np.testing.assert_array_equal(factors[rows], 1.0)
    # E[factor] = 1: the replicate weights are unbiased for the weights
    assert abs(factors[~rows].mean() - 1) < 0.01


def test_rao_wu_factor_formula():
    """One stratum, n = 3 of N = 6: factor = 1 - lam + lam * (n / m) * r, lam^2 = m(1-f)/(n-1)."""
    df = pd.DataFrame({"firm_id": list("abc"), "weight": 2.0, "stratum": "s"})
    design = SurveyDesign(df, validate=False)
    f = design._replicate_factors(2000, seed=3)
    lam = np.sqrt(2 * (1 - 0.5) / 2)
    r = (f - 1 + lam) / (lam * 3 / 2)  # recover the multinomial counts
    np.testing.assert_allclose(r, np.rint(r), atol=1e-12)
    np.testing.assert_array_equal(np.rint(r).sum(axis=0), 2)  # m_h = n_h - 1 draws
    with pytest.raises(InputError, match="n_replicates"):
        design.replicate_weights(1)
    with pytest.raises(InputError, match="seed"):
        design.replicate_weights(10, seed="abc")


# -- domains ----------------------------------------------------------------------------------
def test_subset_keeps_the_design(design, sample):
    land = sample["domain"] == "land"
    sub = design.subset(land)
    assert len(sub) == len(design) and sub.n_psu == design.n_psu
    np.testing.assert_array_equal(sub.domain.to_numpy(), land.to_numpy())
    both = sub.subset(sample["year"] == 2025)
    np.testing.assert_array_equal(both.domain.to_numpy(),
                                  (land & (sample["year"] == 2025)).to_numpy())
    assert design.domain is None
    assert "domain rows" in repr(both)
    with pytest.raises(InputError, match="one value per row"):
        design.subset(np.ones(3, dtype=bool))
    with pytest.raises(InputError, match="index does not match"):
        design.subset(land.iloc[:10])
