"""Tests of the PE growth premium estimators: recovery of the known premium, coverage, errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from nldtib_forecast import InputError
from nldtib_forecast.data import draw_sample, synthetic_survey
from nldtib_forecast.survey import SurveyDesign, _premium, pe_growth_premium
from nldtib_forecast.survey._premium import _batched_logistic_newton


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
        design = SurveyDesign(pop)  # validated once for the three years
        for year in (2021, 2023, 2025):
            est = pe_growth_premium(design, year=year, n_replicates=2,
                                    seed=0).estimates["estimate"]
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
    # the point estimate's propensity model is fitted on its own: it does not depend on the
    # number of replicates
    d = pe_growth_premium(sample, n_replicates=3, seed=4)
    assert a.estimates["estimate"].equals(d.estimates["estimate"])
    # a user-supplied model is refitted by joblib workers: identical for any n_jobs
    model = LogisticRegression(max_iter=1000)
    e = pe_growth_premium(sample, n_replicates=4, seed=4, propensity_model=model)
    f = pe_growth_premium(sample, n_replicates=4, seed=4, propensity_model=model, n_jobs=2)
    assert e.estimates.equals(f.estimates)


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


# --- the batched Newton solver of the default propensity model -----------------------------


def _survey_arrays(sample, n_replicates):
    """Covariates, treatment, weights and replicate weights as pe_growth_premium builds them."""
    design = SurveyDesign(sample)
    df = design.data
    d = _premium._growth_frame(df.assign(_row=np.arange(len(df))), 2025, "pe_backed",
                               "turnover_ds_eur")
    x = _premium._design_matrix(d, _premium.DEFAULT_COVARIATES).to_numpy(float)
    reps = design.replicate_weights(n_replicates=n_replicates, seed=0).to_numpy(float)
    return (x, d["_t"].to_numpy(float), d["weight"].to_numpy(float),
            reps[d["_row"].to_numpy()])


def _sklearn_fit(x, t, s, solver="lbfgs", c=1.0):
    """scikit-learn's fit run to (near) exactness, on the rows with positive weight: intercept
    and slopes, and the probabilities of all rows."""
    keep = s > 0
    with threadpool_limits(limits=1):  # small fits: threads only add overhead (10x CPU)
        m = LogisticRegression(C=c, solver=solver, tol=1e-12, max_iter=100_000).fit(
            x[keep], t[keep], sample_weight=s[keep])
    return np.r_[m.intercept_, m.coef_[0]], m.predict_proba(x)[:, 1]


def _objective(x, t, s, coef, c=1.0):
    """scikit-learn's objective: 0.5 * ||slopes||^2 + C * sum_i s_i * logloss_i."""
    eta = coef[0] + x @ coef[1:]
    return 0.5 * coef[1:] @ coef[1:] + c * np.sum(s * (np.logaddexp(0.0, eta) - t * eta))


#: Agreement with scikit-learn run to (near) exactness: coefficients (relative to the largest)
#: and probabilities. L-BFGS stops, even with tol=1e-12, when the objective's relative decrease
#: falls below 64 machine epsilons, which leaves errors up to about 1e-5 in the coefficients
#: (our objective is then the lower one); Newton-Cholesky converges quadratically as ours.
_TOLERANCE = {"lbfgs": (2e-5, 1e-6), "newton-cholesky": (1e-8, 1e-9)}


def _check_against_sklearn(x, t, s, c=1.0, solvers=("lbfgs", "newton-cholesky")):
    """The batched fits equal scikit-learn's (coefficients and probabilities, _TOLERANCE).

    The tolerance detects a wrong objective: penalising the intercept, or dividing the
    log-loss by the sum of the weights, moves the coefficients of the survey data by 0.1 and
    more."""
    coef, ok = _batched_logistic_newton(x, t, s, c=c)
    assert coef.shape == (s.shape[1], x.shape[1] + 1) and ok.all()
    prob = expit(coef[:, 0:1] + coef[:, 1:] @ x.T)
    for r in range(s.shape[1]):
        for solver in solvers:
            b, p = _sklearn_fit(x, t, s[:, r], solver, c)
            tol_coef, tol_prob = _TOLERANCE[solver]
            msg = f"fit {r}, {solver}"
            np.testing.assert_allclose(coef[r], b, rtol=0,
                                       atol=tol_coef * max(1.0, abs(b).max()), err_msg=msg)
            np.testing.assert_allclose(prob[r], p, rtol=0, atol=tol_prob, err_msg=msg)
            f_ours, f_sklearn = _objective(x, t, s[:, r], coef[r], c), \
                _objective(x, t, s[:, r], b, c)
            assert f_ours <= f_sklearn + 1e-12 * max(1.0, f_sklearn), (msg, f_ours, f_sklearn)
    return coef


def test_batched_newton_equals_sklearn_on_the_survey(sample):
    """The point estimate's and the replicates' propensity models (and a fit with a third of
    the rows left out) are scikit-learn's default logistic regression, run to exactness."""
    x, t, w, reps = _survey_arrays(sample, 3)
    left_out = np.where(np.arange(len(t)) % 3 == 0, 0.0, reps[:, 0])  # rows of weight 0
    coef = _check_against_sklearn(x, t, np.column_stack([w, reps, left_out]))
    # a batch of one gives the same fit as the same weights in a larger batch
    alone, ok = _batched_logistic_newton(x, t, w[:, None])
    assert ok.all()
    np.testing.assert_allclose(alone[0], coef[0], rtol=0, atol=1e-12)


def test_batched_newton_stays_close_to_the_default_lbfgs_fit(sample):
    """Against LogisticRegression(max_iter=1000) with its default tol=1e-4, as refitted for a
    user-supplied model, the estimates move at the optimiser's tolerance only."""
    a = pe_growth_premium(sample, n_replicates=8, seed=2)
    b = pe_growth_premium(sample, n_replicates=8, seed=2,
                          propensity_model=LogisticRegression(max_iter=1000))
    assert a.propensity_model == ("LogisticRegression(max_iter=1000) "
                                  "(fitted by batched Newton)")
    assert b.propensity_model == "LogisticRegression(max_iter=1000)"
    assert a.estimates.loc[["raw", "regression"]].equals(b.estimates.loc[["raw", "regression"]])
    diff = (a.estimates - b.estimates).abs().to_numpy()
    assert diff.max() < 5e-4, diff
    assert np.abs(a.overlap.to_numpy() - b.overlap.to_numpy()).max() < 5e-3


def _simulated(seed, n=300, p=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p))
    t = (rng.uniform(size=n) < expit(-1.0 + x @ rng.normal(size=p))).astype(float)
    return rng, x, t


def test_batched_newton_on_simulated_data():
    rng, x, t = _simulated(0)
    s = rng.uniform(0.5, 5.0, size=(len(t), 5))
    s[rng.uniform(size=s.shape) < 0.3] = 0.0  # rows left out of a fit
    s[:, 1] = np.where(np.arange(len(t)) < 150, 0.0, s[:, 1])  # half the rows left out
    _check_against_sklearn(x, t, s)
    _check_against_sklearn(x, t, s[:, 2:3], c=0.2)  # a single fit, another C


def test_batched_newton_near_separation():
    """A covariate that almost separates the groups: large coefficients, probabilities near 0
    and 1; Newton's step halving keeps it on course."""
    rng, x, t = _simulated(1, n=200, p=2)
    x = np.column_stack([x, 4.0 * (t - 0.5) + 0.3 * rng.normal(size=len(t))])
    s = rng.uniform(100.0, 1000.0, size=(len(t), 3))
    coef = _check_against_sklearn(x, t, s)
    assert np.abs(coef[:, -1]).min() > 5  # the separating covariate dominates
    prob = expit(coef[:, 0:1] + coef[:, 1:] @ x.T)
    assert prob.min() < 1e-6 and prob.max() > 1 - 1e-6


def test_batched_newton_constant_column():
    """A column constant on all rows (or on a fit's rows) is confounded with the intercept;
    the penalty on the slope makes the optimum unique, as in scikit-learn."""
    rng, x, t = _simulated(2, n=200, p=2)
    dummy = (rng.uniform(size=len(t)) < 0.2).astype(float)
    x = np.column_stack([x, np.full(len(t), 3.0), dummy])
    s = rng.uniform(1.0, 3.0, size=(len(t), 2))
    s[dummy == 1, 1] = 0.0  # the dummy is 0 on every row of the second fit
    coef = _check_against_sklearn(x, t, s)
    assert coef[1, -1] == pytest.approx(0.0, abs=1e-12)


def test_batched_newton_flags_fits_that_cannot_converge():
    """A fit whose rows are all of one group has no optimum (the intercept diverges): it is
    flagged, and the other fits in the batch are not affected."""
    rng, x, t = _simulated(3, n=150, p=3)
    s = rng.uniform(1.0, 3.0, size=(len(t), 3))
    s[t == 1, 1] = 0.0
    s[:, 2] = 0.0  # no rows at all
    coef, ok = _batched_logistic_newton(x, t, s)
    assert ok.tolist() == [True, False, False]
    alone, _ = _batched_logistic_newton(x, t, s[:, :1])
    np.testing.assert_allclose(coef[0], alone[0], rtol=0, atol=1e-12)


def test_fits_that_do_not_converge_fall_back_to_sklearn(sample, monkeypatch):
    """With the Newton solver stopped after 2 iterations nothing converges, every fit falls
    back to scikit-learn's LogisticRegression(max_iter=1000), and the results are those of
    that model given explicitly."""
    newton = _premium._batched_logistic_newton
    monkeypatch.setattr(_premium, "_batched_logistic_newton",
                        lambda *a, **k: newton(*a, **{**k, "max_iter": 2}))
    a = pe_growth_premium(sample, n_replicates=4, seed=3)
    b = pe_growth_premium(sample, n_replicates=4, seed=3,
                          propensity_model=LogisticRegression(max_iter=1000))
    assert a.estimates.equals(b.estimates)
    assert a.overlap.equals(b.overlap)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(12, 80), p=st.integers(1, 4),
       zero_share=st.floats(0.0, 0.6), scale=st.floats(0.05, 50.0))
def test_batched_newton_property(seed, n, p, zero_share, scale):
    """On random data and weights (some zero, any scale) the fit satisfies the optimality
    condition of scikit-learn's objective and equals scikit-learn's exact fit."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * rng.uniform(0.1, 3.0, size=p)
    t = (rng.uniform(size=n) < expit(x @ rng.normal(size=p))).astype(float)
    s = scale * rng.uniform(0.1, 2.0, size=(n, 2))
    s[rng.uniform(size=(n, 2)) < zero_share] = 0.0
    if not all(((s[:, r] > 0) & (t == g)).any() for r in range(2) for g in (0, 1)):
        return  # a fit with one group only has no optimum (see the test above)
    coef, ok = _batched_logistic_newton(x, t, s)
    assert ok.all()
    xm = np.column_stack([np.ones(n), x])
    for r in range(2):
        grad = np.r_[0.0, coef[r, 1:]] + (s[:, r] * (expit(xm @ coef[r]) - t)) @ xm
        assert np.abs(grad).max() <= 1e-8 * max(1.0, s[:, r].sum())
    _check_against_sklearn(x, t, s, solvers=("newton-cholesky",))
