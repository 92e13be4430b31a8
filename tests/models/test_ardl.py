"""Tests of nldtib_forecast.models.trade.fit_export_demand (ARDL / UECM / bounds test).

Reference values (see tests/models/results/README_trade.md):

* ``ardl_r_ardl_readme_denmark.csv``: the README of R's ARDL package (Natsiopoulos), money
  demand in Denmark, ARDL(3,1,3,2): ARDL and UECM coefficients with standard errors, the
  long-run multipliers and the bounds F statistic (case 2). statsmodels' ARDL notebook fits the
  same model on ``statsmodels.datasets.danish_data``;
* ``ardl_statsmodels_bounds_cases.csv``: the bounds statistics of cases 1-5 from statsmodels'
  own test suite for the same UECM;
* simulated data with a known long-run elasticity.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from nldtib_forecast import InputError
from nldtib_forecast.models import _ardl
from nldtib_forecast.models.trade import (
    BoundsTest,
    ExportDemandResult,
    ShortSampleWarning,
    fit_export_demand,
)

RESULTS = Path(__file__).parent / "results"
X = ["lry", "ibo", "ide"]
ORDER = {"lry": 1, "ibo": 3, "ide": 2}


@pytest.fixture(scope="module")
def denmark():
    from statsmodels.datasets import danish_data

    return danish_data.load_pandas().data


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(RESULTS / "ardl_r_ardl_readme_denmark.csv")


@pytest.fixture(scope="module")
def selected(denmark):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 52 observations: simulated critical values, no warning
        return fit_export_demand(denmark, "lrm", X, max_lag=3, case=2, nsim=2000)


def _r_name(term: str) -> str:
    """statsmodels names -> R ARDL names (e.g. 'lrm.L1' -> 'L(LRM, 1)', 'D.ibo.L1' ->
    'd(L(IBO, 1))', 'lry.L0' -> 'LRY')."""
    if term == "const":
        return "(Intercept)"
    diff = term.startswith("D.")
    var, lag = term.removeprefix("D.").split(".L")
    base = var.upper() if lag == "0" else f"L({var.upper()}, {lag})"
    return f"d({base})" if diff else base


# -- reference: R ARDL README / statsmodels notebook --------------------------------------------
def test_order_selection_matches_r(selected):
    assert selected.ardl_order == (3, 1, 3, 2)
    assert selected.selected and selected.ic == "aic"
    assert selected.nobs == 52  # 1974 Q4 - 1987 Q3 in R


def test_ardl_coefficients_match_r(selected, reference):
    ref = reference[reference["block"] == "ardl"].set_index("term")
    params, bse = selected.ardl_results.params, selected.ardl_results.bse
    for term in params.index:
        r = ref.loc[_r_name(term)]
        assert_allclose(params[term], r["estimate"], atol=5.1e-5)  # R prints 4 decimals
        assert_allclose(bse[term], r["std_error"], atol=5.1e-5)


def test_uecm_coefficients_match_r(selected, reference):
    ref = reference[reference["block"] == "uecm"].set_index("term")
    assert len(selected.params) == len(ref)
    for term, value in selected.params.items():
        r = ref.loc[_r_name(term)]
        assert_allclose(value, r["estimate"], atol=5.1e-6)  # 5 decimals
        assert_allclose(selected.uecm_results.bse[term], r["std_error"], atol=5.1e-6)


def test_long_run_matches_r_multipliers(selected, reference):
    ref = reference[reference["block"] == "long_run"].set_index("term")
    lr = selected.long_run
    assert list(lr.index) == X
    for name in X:
        assert_allclose(lr.loc[name, "coefficient"], ref.loc[name.upper(), "estimate"],
                        atol=5.1e-8)
        assert_allclose(lr.loc[name, "std_error"], ref.loc[name.upper(), "std_error"],
                        atol=5.1e-8)
    const = selected.long_run_deterministic.loc["const"]
    assert_allclose(const["coefficient"], ref.loc["(Intercept)", "estimate"], atol=5.1e-8)
    assert_allclose(const["std_error"], ref.loc["(Intercept)", "std_error"], atol=5.1e-8)
    # t intervals with the UECM's 39 residual degrees of freedom
    from scipy import stats

    q = stats.t.ppf(0.975, 39)
    assert_allclose(lr["upper"] - lr["coefficient"], q * lr["std_error"])


def test_speed_of_adjustment_and_t_statistic_match_r(selected, reference):
    ref = reference.set_index(["block", "term"])
    soa = selected.speed_of_adjustment
    assert_allclose(soa["coefficient"], ref.loc[("uecm", "L(LRM, 1)"), "estimate"], atol=5.1e-6)
    assert_allclose(soa["coefficient"] / soa["std_error"],
                    ref.loc[("bounds_t", "case 3"), "estimate"], atol=5.1e-5)
    assert_allclose(soa["half_life"], np.log(0.5) / np.log1p(soa["coefficient"]))


def test_bounds_statistic_matches_r(selected, reference):
    f_ref = reference.set_index(["block", "term"]).loc[("bounds_f", "case 2"), "estimate"]
    assert_allclose(selected.bounds_test.statistic, f_ref, atol=5.1e-5)
    assert selected.bounds_test.case == 2


@pytest.mark.parametrize("case", [1, 2, 3, 4, 5])
def test_bounds_statistic_all_cases_match_statsmodels_tests(denmark, case):
    ref = pd.read_csv(RESULTS / "ardl_statsmodels_bounds_cases.csv").set_index("case")
    trend = {1: "n", 2: "c", 3: "c", 4: "ct", 5: "ct"}[case]
    res = fit_export_demand(denmark, "lrm", X, lags=3, order=ORDER, trend=trend, case=case,
                            critical_values="simulated", nsim=500)
    assert_allclose(res.bounds_test.statistic, ref.loc[case, "statistic"], rtol=1e-6)


def test_asymptotic_critical_values_reject_at_one_percent(denmark):
    """R ARDL: F = 5.1168, p = 0.0044 (asymptotic): a level relationship at 1%."""
    with pytest.warns(ShortSampleWarning, match="asymptotic critical values with 52"):
        res = fit_export_demand(denmark, "lrm", X, lags=3, order=ORDER, case=2,
                                critical_values="asymptotic")
    bt = res.bounds_test
    assert bt.critical_values_method == "asymptotic" and bt.nsim is None
    assert bt.conclusion(0.01) == "level relationship"
    assert bt.p_values["upper"] < 0.01
    # PSS (2001) table CI(iii), k = 3, case 2, 5%: I(0) 2.79, I(1) 3.67 (statsmodels' tables
    # are simulated and close to them)
    assert_allclose(bt.critical_values.loc[95.0, ["lower", "upper"]], [2.56, 3.49], atol=0.3)


def test_simulated_critical_values_are_larger_in_short_samples(denmark):
    sim = fit_export_demand(denmark, "lrm", X, lags=3, order=ORDER, case=3, nsim=4000, seed=1)
    with pytest.warns(ShortSampleWarning):
        asy = fit_export_demand(denmark, "lrm", X, lags=3, order=ORDER, case=3,
                                critical_values="asymptotic")
    assert sim.bounds_test.critical_values_method == "simulated"
    assert sim.bounds_test.nsim == 4000 and sim.bounds_test.nobs == 52
    assert (sim.bounds_test.critical_values["upper"]
            > asy.bounds_test.critical_values["upper"]).all()
    again = fit_export_demand(denmark, "lrm", X, lags=3, order=ORDER, case=3, nsim=4000, seed=1)
    pd.testing.assert_frame_equal(again.bounds_test.critical_values,
                                  sim.bounds_test.critical_values)


# -- statsmodels 0.14 / 0.15 compatibility --------------------------------------------------------
class _OldResults:
    """A stand-in for statsmodels 0.14's UECMResults: ``seed`` keyword, old field names."""

    nobs = 40

    def __init__(self):
        self.kwargs = None

    def bounds_test(self, case, cov_type="nonrobust", cov_kwds=None, use_t=True,
                    asymptotic=True, nsim=100_000, seed=None):
        self.kwargs = dict(case=case, asymptotic=asymptotic, nsim=nsim, seed=seed)
        crit = pd.DataFrame({"lower": [2.0, 2.5], "upper": [3.0, 3.5]},
                            index=pd.Index([90.0, 95.0], name="percentile"))
        return SimpleNamespace(stat=4.2, crit_vals=crit,
                               p_values=pd.Series({"lower": 0.01, "upper": 0.04}),
                               null="No Cointegration", alternative="Possible Cointegration")


def test_bounds_test_reads_statsmodels_014_fields():
    old = _OldResults()
    bt = _ardl._bounds_test(old, case=3, simulated=True, nsim=500, seed=7)
    assert old.kwargs == {"case": 3, "asymptotic": False, "nsim": 500, "seed": 7}
    assert isinstance(bt, BoundsTest)
    assert bt.statistic == 4.2 and bt.p_values["upper"] == 0.04
    assert bt.conclusion(0.05) == "level relationship"
    assert bt.conclusion(0.10) == "level relationship"
    assert list(bt.to_frame().columns) == ["lower", "upper", "statistic", "p_lower", "p_upper"]
    with pytest.raises(InputError, match="level"):
        bt.conclusion(0.01)


def test_bounds_conclusions():
    crit = pd.DataFrame({"lower": [3.0], "upper": [4.0]}, index=pd.Index([95.0]))
    p = pd.Series({"lower": 0.1, "upper": 0.2})
    assert BoundsTest(2.0, crit, p, 3, "asymptotic", 50).conclusion() == "no level relationship"
    assert BoundsTest(3.5, crit, p, 3, "asymptotic", 50).conclusion() == "inconclusive"


# -- simulated data with a known elasticity --------------------------------------------------------
def _simulated(n: int, seed: int, elasticity: float = 1.5, speed: float = -0.4):
    """log exports y and log market x cointegrated: y* = 0.5 + elasticity * x; x a random walk
    with drift; dy_t = speed * (y_{t-1} - y*_{t-1}) + 0.3 dx_t + e_t."""
    rng = np.random.default_rng(seed)
    x = np.cumsum(0.02 + rng.normal(0, 0.05, n))
    y = np.empty(n)
    y[0] = 0.5 + elasticity * x[0]
    for t in range(1, n):
        gap = y[t - 1] - 0.5 - elasticity * x[t - 1]
        y[t] = y[t - 1] + speed * gap + 0.3 * (x[t] - x[t - 1]) + rng.normal(0, 0.02)
    return pd.DataFrame({"log_exports": y, "log_market": x}, index=pd.RangeIndex(1900, 1900 + n))


def test_recovers_known_elasticity():
    data = _simulated(300, seed=20260521)
    res = fit_export_demand(data, "log_exports", "log_market", lags=1, order=1, nsim=2000)
    lr = res.long_run.loc["log_market"]
    assert lr["lower"] < 1.5 < lr["upper"]
    assert abs(lr["coefficient"] - 1.5) < 0.1
    soa = res.speed_of_adjustment
    assert soa["lower"] < -0.4 < soa["upper"]
    assert res.bounds_test.critical_values_method == "asymptotic"  # 299 >= 80 observations
    assert res.bounds_test.conclusion(0.01) == "level relationship"
    assert res.warnings == ()


def test_coverage_of_the_long_run_interval():
    """The 95% interval covers the true elasticity in most of 40 simulated samples."""
    hits = 0
    for seed in range(40):
        res = fit_export_demand(_simulated(120, seed), "log_exports", "log_market", lags=1,
                                order=1, critical_values="asymptotic")
        lr = res.long_run.loc["log_market"]
        hits += lr["lower"] < 1.5 < lr["upper"]
    assert hits >= 33  # expected 38; P(hits < 33) is tiny under correct coverage


def test_automatic_selection_on_simulated_data():
    res = fit_export_demand(_simulated(200, seed=3), "log_exports", "log_market",
                            critical_values="asymptotic")
    assert res.selected and res.ardl_order[0] >= 1
    assert res.long_run.loc["log_market", "lower"] < 1.5 < res.long_run.loc["log_market",
                                                                             "upper"]


def test_zero_order_regressor_enters_the_uecm_with_order_one():
    data = _simulated(150, seed=5)
    with pytest.warns(ShortSampleWarning, match="ARDL order 0"):
        res = fit_export_demand(data, "log_exports", "log_market", lags=1, order=0, nsim=500)
    assert res.ardl_order == (1, 0) and res.uecm_order == (1, 1)


# -- short samples ------------------------------------------------------------------------------
def test_short_sample_warns():
    data = _simulated(12, seed=1)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = fit_export_demand(data, "log_exports", "log_market", lags=1, order=1, nsim=500)
    messages = [str(w.message) for w in record if w.category is ShortSampleWarning]
    assert any("only 12 observations" in m for m in messages)
    assert any("7 residual degrees of freedom" in m for m in messages)
    assert res.bounds_test.critical_values_method == "simulated"
    assert tuple(messages) == res.warnings
    assert "Warnings:" in res.summary()


def test_seven_annual_observations():
    """Seven years (2019-2025) support at most a one-regressor ARDL(1, 1), with a warning."""
    data = _simulated(7, seed=1).set_axis(range(2019, 2026))
    data["log_price"] = np.linspace(0.0, 0.1, 7) ** 2
    with pytest.raises(InputError, match="cannot support lag selection"):
        fit_export_demand(data, "log_exports", ["log_market", "log_price"], max_lag=1)
    with pytest.raises(InputError, match="cannot estimate"):
        fit_export_demand(data, "log_exports", "log_market", lags=2, order=2)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        res = fit_export_demand(data, "log_exports", "log_market", lags=1, order=1, nsim=200)
    assert any("only 7 observations" in str(w.message) for w in record)
    assert res.sample == (2020, 2025)


# -- bad inputs ---------------------------------------------------------------------------------
def test_bad_inputs(denmark):
    with pytest.raises(InputError, match="column not in data"):
        fit_export_demand(denmark, "lrm", ["lry", "gdp"])
    with pytest.raises(InputError, match="must not also be a regressor"):
        fit_export_demand(denmark, "lrm", ["lrm", "lry"])
    with pytest.raises(InputError, match="give both"):
        fit_export_demand(denmark, "lrm", X, lags=2)
    with pytest.raises(InputError, match="does not fit trend"):
        fit_export_demand(denmark, "lrm", X, lags=2, order=1, trend="c", case=5)
    with pytest.raises(InputError, match="valid values: 'n', 'c', 'ct'"):
        fit_export_demand(denmark, "lrm", X, lags=2, order=1, trend="tc")
    with pytest.raises(InputError, match="argument 'ic'"):
        fit_export_demand(denmark, "lrm", X, ic="aicc")
    with pytest.raises(InputError, match="critical_values"):
        fit_export_demand(denmark, "lrm", X, lags=2, order=1, critical_values="exact")
    with pytest.raises(InputError, match="keys must be the regressors"):
        fit_export_demand(denmark, "lrm", X, lags=2, order={"lry": 1})
    with pytest.raises(InputError, match="lags"):
        fit_export_demand(denmark, "lrm", X, lags=0, order=1)
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        fit_export_demand(denmark.to_numpy(), "lrm", X)
    gaps = denmark.copy()
    gaps.iloc[[3, 9], 1] = np.nan
    with pytest.raises(InputError, match="missing or infinite") as err:
        fit_export_demand(gaps, "lrm", X)
    assert err.value.problems[0].n_rows == 2
    with pytest.raises(InputError, match="increasing"):
        fit_export_demand(denmark.iloc[::-1], "lrm", X)
    annual = _simulated(40, seed=2).set_axis(range(1980, 2020)).drop(index=[1990, 1991])
    with pytest.raises(InputError, match=r"consecutive; missing years: \[1990, 1991\]"):
        fit_export_demand(annual, "log_exports", "log_market")


# -- result object ------------------------------------------------------------------------------
def test_result_object(selected):
    assert isinstance(selected, ExportDemandResult)
    frame = selected.to_frame()
    assert set(frame["part"]) == {"long_run", "long_run_deterministic", "speed_of_adjustment",
                                  "bounds_test"}
    assert {"coefficient", "std_error", "lower", "upper"} <= set(frame["statistic"])
    text = selected.summary()
    assert "ARDL(3, 1, 3, 2)" in text and "bounds test, case 2" in text
    assert "<table" in selected._repr_html_()
    with pytest.raises(AttributeError):
        selected.y = "x"


def test_plot(selected):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = selected.plot()
    assert ax.get_lines()[0].get_gid() == "equilibrium-error"
    plt.close("all")
