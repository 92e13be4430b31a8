"""Tests of the PE growth premium estimators: recovery of the known premium, coverage, errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import draw_sample, synthetic_survey
from nldtib_forecast.survey import pe_growth_premium


@pytest.fixture(scope="module")
def sample():
    return synthetic_survey(seed=0)


@pytest.fixture(scope="module")
def result(sample):
    return pe_growth_premium(sample, n_replicates=60, seed=1)


def test_adjusted_estimators_recover_the_true_premium_on_populations():
    """On whole synthetic populations (no sampling error) the adjusted estimators are unbiased
    for the known premium, while the raw difference is biased upwards by confounding."""
    errors = []
    for seed in range(6):
        pop = synthetic_survey(seed=seed, population=True)
        for year in (2021, 2023, 2025):
            est = pe_growth_premium(pop, year=year, n_replicates=2, seed=0).estimates["estimate"]
            errors.append(est.to_numpy() - pop.attrs["true_pe_premium"][year])
    errors = np.array(errors)
    bias = errors.mean(axis=0)
    mc_se = errors.std(axis=0, ddof=1) / np.sqrt(len(errors))
    raw, adjusted = bias[0], bias[1:]
    assert np.all(np.abs(adjusted) < 3 * mc_se[1:] + 0.002), (adjusted, mc_se)
    assert raw > 3 * mc_se[0]  # confounded: young and NLD-area firms grow faster anyway


def test_intervals_cover_the_truth_on_the_default_sample(sample, result):
    truth = sample.attrs["true_pe_premium"][2025]
    est = result.estimates
    for name in ("regression", "ipw", "aipw"):
        assert est.loc[name, "ci_lower"] <= truth <= est.loc[name, "ci_upper"], name
    assert (est["std_error"] > 0).all()
    assert (est["ci_lower"] < est["estimate"]).all() and (est["estimate"] < est["ci_upper"]).all()


def test_coverage_over_repeated_samples():
    """AIPW 95% intervals over 16 samples of one population: coverage near 95%.

    With 16 samples the Monte Carlo standard error of a 95% coverage is about 5.4 points; we
    require at least 12 of 16 (P(X <= 11 | p = 0.95) is about 0.7%)."""
    pop = synthetic_survey(seed=3, population=True)
    truth = pop.attrs["true_pe_premium"][2025]
    hits = 0
    for s in range(16):
        smp = draw_sample(pop, seed=100 + s)
        est = pe_growth_premium(smp, n_replicates=40, seed=s).estimates.loc["aipw"]
        hits += est["ci_lower"] <= truth <= est["ci_upper"]
    assert hits >= 12, hits


def test_deterministic_and_independent_of_n_jobs(sample):
    a = pe_growth_premium(sample, n_replicates=10, seed=4)
    b = pe_growth_premium(sample, n_replicates=10, seed=4, n_jobs=2)
    assert a.estimates.equals(b.estimates)
    c = pe_growth_premium(sample, n_replicates=10, seed=5)
    assert not a.estimates["std_error"].equals(c.estimates["std_error"])


def test_point_estimates_by_hand(sample):
    """The raw estimate is the weighted difference of mean growth, computed here by hand."""
    res = pe_growth_premium(sample, n_replicates=2, seed=0)
    prev = sample[sample.year == 2024].set_index("firm_id")["turnover_ds_eur"]
    cur = sample[sample.year == 2025].set_index("firm_id")
    cur = cur[cur.index.isin(prev.index)]
    g = cur["turnover_ds_eur"] / prev[cur.index] - 1
    pe = cur["pe_backed"].astype(bool)
    w = cur["weight"]
    raw = np.average(g[pe], weights=w[pe]) - np.average(g[~pe], weights=w[~pe])
    assert res.estimates.loc["raw", "estimate"] == pytest.approx(raw, rel=1e-12)
    assert res.n_treated == int(pe.sum()) and res.n_control == int((~pe).sum())


def test_any_sklearn_classifier_and_percentile_intervals(sample):
    from sklearn.ensemble import RandomForestClassifier

    res = pe_growth_premium(sample, n_replicates=5, seed=0, ci="percentile",
                            propensity_model=RandomForestClassifier(
                                n_estimators=20, min_samples_leaf=20, random_state=0))
    assert "RandomForestClassifier" in res.propensity_model
    assert np.isfinite(res.estimates.to_numpy()).all()


def test_result_outputs(result):
    text = result.summary()
    assert "not proof of causation" in text and "SYNTHETIC" in text
    assert "aipw" in result._repr_html_()
    tidy = result.to_frame()
    assert set(tidy.columns) == {"year", "estimator", "statistic", "value"}
    assert len(tidy) == 4 * 4
    ax = result.plot()
    assert ax.get_title().startswith("PE growth premium")
    assert set(result.overlap.index) == {"pe_backed", "other"}
    assert "smd_ipw" in result.balance
    with pytest.raises(AttributeError):
        result.year = 2024  # immutable


@pytest.mark.parametrize(
    "kwargs, key",
    [({"treatment": "no_such"}, "no_such"), ({"covariates": ("nope",)}, "nope"),
     ({"ci": "bca"}, "ci"), ({"level": 1.5}, "level"), ({"year": 2019}, "year"),
     ({"n_replicates": 1}, "n_replicates"), ({"trim": (0.5, 0.1)}, "trim")],
)
def test_bad_input(sample, kwargs, key):
    with pytest.raises(InputError, match=key):
        pe_growth_premium(sample, **kwargs)
