"""Tests of nldtib_forecast.evaluation: scores, methods, coverage, trend breaks, inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from nldtib_forecast import InputError
from nldtib_forecast.evaluation import (
    METHODS,
    BacktestResult,
    BacktestWarning,
    backtest,
    backtest_published,
    crps_lognormal,
    crps_normal,
    crps_sample,
)


def _crps_numerical(cdf, y, lo, hi):
    """CRPS by its definition, the integral of (F(x) - 1{x >= y})^2 over x."""
    left = integrate.quad(lambda x: cdf(x) ** 2, lo, y, limit=200)[0]
    right = integrate.quad(lambda x: (1 - cdf(x)) ** 2, y, hi, limit=200)[0]
    return left + right


# -- scores -------------------------------------------------------------------------------
@pytest.mark.parametrize("y, mu, sigma", [(0.0, 0.0, 1.0), (1.3, -0.2, 0.7), (-4.0, 2.0, 3.0),
                                          (5e9, 4.7e9, 3e8)])
def test_crps_normal_matches_numerical_integration(y, mu, sigma):
    expected = _crps_numerical(stats.norm(mu, sigma).cdf, y, mu - 12 * sigma, mu + 12 * sigma)
    np.testing.assert_allclose(crps_normal(y, mu, sigma), expected, rtol=1e-7)


def test_crps_normal_reference_values():
    # Gneiting & Raftery (2007), eq. 21 at z = 0: sigma * (2 phi(0) - 1/sqrt(pi))
    # = sigma * (sqrt(2) - 1) / sqrt(pi).
    np.testing.assert_allclose(crps_normal(0.0, 0.0, 2.0), 2 * (np.sqrt(2) - 1) / np.sqrt(np.pi))
    # point mass: CRPS is the absolute error
    np.testing.assert_allclose(crps_normal([1.0, -2.0], 0.5, 0.0), [0.5, 2.5])
    # vanishing sigma tends to the absolute error
    np.testing.assert_allclose(crps_normal(1.0, 0.5, 1e-9), 0.5, atol=1e-8)


@pytest.mark.parametrize("y, mu, sigma", [(1.0, 0.0, 0.5), (3.0, 0.2, 0.3), (0.4, 0.1, 1.0)])
def test_crps_lognormal_matches_numerical_integration(y, mu, sigma):
    dist = stats.lognorm(s=sigma, scale=np.exp(mu))
    expected = _crps_numerical(dist.cdf, y, 0.0, dist.ppf(1 - 1e-13))
    np.testing.assert_allclose(crps_lognormal(y, mu, sigma), expected, rtol=1e-6)


def test_crps_sample_small_cases_by_hand():
    # samples {0, 1}, y = 0.5: mean|x - y| = 0.5, mean over 4 pairs of |x - x'| = 0.5 -> 0.25
    assert crps_sample(0.5, [0.0, 1.0]) == pytest.approx(0.25)
    # samples {0, 1, 3}, y = 2: mean|x-y| = (2+1+1)/3; pairs sum = 2*(1+3+2) = 12 over 9 -> /2
    assert crps_sample(2.0, [0.0, 1.0, 3.0]) == pytest.approx(4 / 3 - 12 / 18)
    # a single sample is a point mass
    assert crps_sample(2.0, [5.0]) == pytest.approx(3.0)


def test_crps_sample_equals_pairwise_definition():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 3))
    y = np.array([0.1, -1.0, 2.0])
    direct = (np.abs(x - y).mean(axis=0)
              - 0.5 * np.abs(x[:, None, :] - x[None, :, :]).mean(axis=(0, 1)))
    np.testing.assert_allclose(crps_sample(y, x), direct, rtol=1e-12)


def test_crps_sample_converges_to_closed_form():
    # m = 200,000 draws: the Monte Carlo standard error of the sample CRPS is about
    # sd(|X - y|) / sqrt(m) <= 1.5 / 447 ~ 0.0034 here; we allow 0.012 (~3.5 standard errors)
    rng = np.random.default_rng(1)
    draws = rng.normal(0.3, 1.5, size=(200_000, 3))
    y = np.array([0.0, 1.0, -3.0])
    np.testing.assert_allclose(crps_sample(y, draws), crps_normal(y, 0.3, 1.5), atol=0.012)


# -- methods and metrics against hand computations -----------------------------------------------
Y = pd.Series([1.0, 2.0, 4.0, 5.0, 7.0], index=range(2019, 2024), name="y")


def test_metrics_by_hand():
    res = backtest(Y, ["naive", "drift"], level=0.9)
    f = res.forecasts.set_index(["method", "origin"])
    # naive: last value; variance mean(d^2): origin 2021, d = (1, 2) -> s^2 = 2.5
    assert f.loc[("naive", 2021), "forecast"] == 4.0
    z = stats.norm.ppf(0.95)
    assert f.loc[("naive", 2021), "upper"] == pytest.approx(4.0 + z * np.sqrt(2.5))
    # drift: 5 + (4 - 1)/3 ... origin 2022: d = (1, 2, 1), mean 4/3, var (ddof 1) 1/3
    assert f.loc[("drift", 2022), "forecast"] == pytest.approx(5 + 4 / 3)
    sd = np.sqrt(1 / 3 * (1 + 1 / 3))
    assert f.loc[("drift", 2022), "lower"] == pytest.approx(5 + 4 / 3 - z * sd)
    assert f.loc[("drift", 2022), "crps"] == pytest.approx(float(crps_normal(7.0, 5 + 4 / 3, sd)))
    # MASE: errors scaled by the in-sample one-step naive MAE of each training window
    # naive: |5-4| / mean(1, 2) = 2/3 and |7-5| / mean(1, 2, 1) = 1.5 -> MASE 13/12
    s = res.scores.loc[("y", "naive", 1)]
    assert s["n"] == 2
    assert s["mae"] == pytest.approx(1.5)
    assert s["mase"] == pytest.approx((2 / 3 + 1.5) / 2)
    # drift: |5.5 - 5| / 1.5 and |19/3 - 7| / (4/3)
    assert res.scores.loc[("y", "drift", 1), "mase"] == pytest.approx((1 / 3 + 0.5) / 2)
    assert res.scores.loc[("y", "drift", 1), "mae"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert s["coverage"] == np.mean(f.loc["naive", "covered"])


def test_horizons_and_origins():
    y = pd.Series(np.arange(10.0) ** 1.5, index=range(2010, 2020))
    res = backtest(y, ["naive"], horizon=3, min_train=4)
    f = res.forecasts
    # origins k = 4..9 points; horizons cut at the end of the series
    assert sorted(f["n_train"].unique()) == [4, 5, 6, 7, 8, 9]
    assert res.scores["n"].tolist() == [6, 5, 4]
    assert (f["year"] - f["origin"] == f["horizon"]).all()
    assert (f["forecast"] == y.loc[f["origin"]].to_numpy()).all()
    # naive h-step sd grows with sqrt(h)
    one = f[(f.origin == 2013)].set_index("horizon")
    width = one["upper"] - one["lower"]
    np.testing.assert_allclose(width / width.loc[1], np.sqrt([1, 2, 3]))


def test_naive_forecast_of_random_walk_is_last_value():
    rng = np.random.default_rng(3)
    walk = pd.Series(np.cumsum(rng.standard_normal(30)), index=range(1990, 2020))
    res = backtest(walk, ["naive"], min_train=5)
    f = res.forecasts
    np.testing.assert_array_equal(f["forecast"], walk.loc[f["origin"]].to_numpy())
    np.testing.assert_array_equal(f["actual"], walk.loc[f["year"]].to_numpy())
    # one-step naive errors of a random walk are its increments
    np.testing.assert_allclose(f["abs_error"], np.abs(np.diff(walk.to_numpy())[4:]))


def test_log_transform():
    y = pd.Series([100.0, 110.0, 121.0, 133.1, 146.41], index=range(2019, 2024))
    res = backtest(y, ["drift", "naive"], log=True)
    f = res.forecasts.set_index(["method", "origin"])
    # constant 10% growth: the drift on the log scale is exact, with zero variance
    assert f.loc[("drift", 2022), "forecast"] == pytest.approx(146.41)
    assert f.loc[("drift", 2022), "crps"] == pytest.approx(0.0, abs=1e-9)
    assert (res.forecasts["distribution"] == "lognormal").all()
    # the median forecast and interval are exp of the log-scale ones
    naive = f.loc[("naive", 2022)]
    assert naive["forecast"] == pytest.approx(133.1, rel=1e-14)
    assert naive["forecast"] ** 2 == pytest.approx(naive["lower"] * naive["upper"])
    with pytest.raises(InputError, match="positive"):
        backtest(y - 120, ["naive"], log=True)


def test_statsmodels_methods_run_and_match_simple_cases():
    rng = np.random.default_rng(5)
    y = pd.Series(np.cumsum(0.5 + rng.standard_normal(25)), index=range(2000, 2025))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BacktestWarning)
        res = backtest(y, ["drift", "arima", "ets"], min_train=20)
    f = res.forecasts.set_index(["method", "origin"])
    # ARIMA(0,1,0) with drift estimates the drift by the mean difference (MLE), like 'drift'
    fitted = f.loc["arima"][f.loc["arima", "fallback"] == ""]
    np.testing.assert_allclose(fitted["forecast"], f.loc["drift"].loc[fitted.index, "forecast"],
                               rtol=1e-4)
    assert set(res.forecasts["method"]) == {"drift", "arima", "ets"}
    assert np.isfinite(res.forecasts[["forecast", "lower", "upper", "crps"]]).all().all()


def test_failed_fit_falls_back_to_naive_and_warns(monkeypatch):
    import nldtib_forecast.evaluation as ev

    def broken(y, horizon):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(ev, "_ets", broken)
    with pytest.warns(BacktestWarning, match="ets: 2 of 2 origins"):
        res = backtest(Y, ["naive", "ets"])
    f = res.forecasts
    ets, naive = f[f.method == "ets"], f[f.method == "naive"]
    assert ets["fallback"].str.contains("LinAlgError").all()
    np.testing.assert_array_equal(ets["forecast"], naive["forecast"])
    assert res.scores.loc[("y", "ets", 1), "n_fallback"] == 2


# -- coverage on simulated data ----------------------------------------------------------------
def test_drift_interval_coverage_on_simulated_random_walks():
    """Coverage of the drift method's 90% intervals on random walks with drift.

    With Gaussian increments, the standardised one-step error of the drift forecast from a
    window of n differences is exactly Student-t with n - 1 degrees of freedom, so the plug-in
    normal interval covers P(|t_{n-1}| <= z_0.95) (0.855 for n = 8), not 0.90. The walks are
    stacked into one series and separated by ``breaks``, so each is an independent segment
    with one forecast at its last origin. Over 2,000 walks the Monte Carlo standard error of
    the coverage is sqrt(p (1 - p) / 2000) ~ 0.008; we allow 4 standard errors. With long
    windows (n = 150, 400 walks) the exact coverage is 0.899, i.e. ~0.90.
    """
    rng = np.random.default_rng(2024)
    z = stats.norm.ppf(0.95)
    for n_points, n_walks in ((10, 2000), (152, 400)):
        walks = np.cumsum(0.3 + 1.7 * rng.standard_normal((n_walks, n_points)), axis=1)
        years = np.arange(n_walks * n_points)
        y = pd.Series(walks.ravel(), index=years)
        res = backtest(y, ["drift"], min_train=n_points - 1, breaks=years[::n_points][1:])
        assert len(res.forecasts) == n_walks
        coverage = res.scores["coverage"].iloc[0]
        n = n_points - 2  # differences in the training window
        exact = 2 * stats.t.cdf(z, n - 1) - 1
        mc_se = np.sqrt(exact * (1 - exact) / n_walks)
        assert abs(coverage - exact) < 4 * mc_se, (n_points, coverage, exact)
        if n_points > 100:
            assert abs(coverage - 0.9) < 4 * mc_se + 0.002


# -- trend breaks, gaps, published data ----------------------------------------------------------
def test_no_training_across_trend_breaks():
    res = backtest("ds_turnover_eur", ["naive", "drift"])
    f = res.forecasts
    # the only comparable, gap-free segment with enough points is 2019-2023
    assert set(f["segment"]) == {"2019-2023"}
    assert f["origin"].min() >= 2019 + 2 and f["year"].max() <= 2023
    assert (f["origin"] - f["n_train"] + 1 >= 2019).all()  # the window starts in 2019
    # chaining across the 2023/2024 break (not allowed by default) adds 2024 and 2025
    chained = backtest("ds_turnover_eur", ["naive"], respect_breaks=False)
    assert {2024, 2025} <= set(chained.forecasts["year"])
    # a user-given break: nothing before 2020 is used to forecast 2022 onwards
    y = pd.Series(np.arange(8.0), index=range(2016, 2024))
    cut = backtest(y, ["naive"], breaks=[2020]).forecasts
    assert set(cut["segment"]) == {"2016-2019", "2020-2023"}
    first_train_year = cut["origin"] - cut["n_train"] + 1
    assert ((first_train_year >= 2020) | (cut["year"] <= 2019)).all()
    assert cut["year"].tolist() == [2019, 2023]


def test_gaps_split_or_steps():
    y = pd.Series([1.0, 2.0, 3.0, 4.0, 6.0], index=[2006, 2010, 2014, 2017, 2018])
    with pytest.raises(InputError, match="too short"):
        backtest(y, ["naive"])
    steps = backtest(y, ["naive"], gaps="steps")
    assert steps.forecasts["year"].tolist() == [2017, 2018]


def test_published_export_share_uses_yearly_levels_newest_edition():
    res = backtest("export_share", ["naive"])
    # 2023: L26's 'circa 45%' is a 2019-2023 average and is not used; B24's 0.43 is
    assert res.data["export_share"].loc[2023] == 0.43
    assert res.forecasts.set_index("year").loc[2023, "actual"] == 0.43


def test_backtest_published_combines_indicators():
    res = backtest_published(methods=["naive", "drift"])
    assert isinstance(res, BacktestResult)
    assert set(res.scores.index.get_level_values("series")) == {"ds_turnover_eur",
                                                                "export_share"}
    assert (res.scores["n"] == 2).all()
    text = res.summary()
    assert "caution" in text and "ds_turnover_eur" in text
    assert "<table" in res._repr_html_()
    assert res.to_frame().equals(res.forecasts)
    assert res.to_frame() is not res.forecasts


def test_plot_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = backtest_published(["ds_turnover_eur"], ["naive", "drift"])
    ax = res.plot()
    assert len(ax.get_legend().get_texts()) == 2
    plt.close("all")


# -- custom methods (the hook for the structural outlook) ---------------------------------------
def test_custom_interval_and_samples():
    def interval(train, horizon):
        assert isinstance(train, pd.Series) and train.index[-1] < 2023
        last = train.iloc[-1]
        return (np.full(horizon, last + 1.0), np.full(horizon, last), np.full(horizon, last + 2))

    def samples(train, horizon):
        rng = np.random.default_rng(int(train.index[-1]))
        return train.iloc[-1] + 1.5 + rng.standard_normal((4000, horizon))

    res = backtest(Y, ["naive"], custom={"plus_one": interval, "sampled": samples})
    f = res.forecasts.set_index(["method", "origin"])
    assert f.loc[("plus_one", 2021), "forecast"] == 5.0
    sigma = 2 / (2 * stats.norm.ppf(0.95))
    assert f.loc[("plus_one", 2021), "crps"] == pytest.approx(
        float(crps_normal(5.0, 5.0, sigma)))
    assert f.loc[("sampled", 2022), "distribution"] == "samples"
    assert f.loc[("sampled", 2022), "forecast"] == pytest.approx(6.5, abs=0.1)
    assert f.loc[("sampled", 2022), "crps"] == pytest.approx(
        float(crps_normal(7.0, 6.5, 1.0)), abs=0.02)
    assert list(res.scores.index.get_level_values("method")) == ["naive", "plus_one", "sampled"]


def test_custom_bad_output():
    with pytest.raises(InputError, match="custom method 'bad'"):
        backtest(Y, ["naive"], custom={"bad": lambda train, h: np.zeros(h)})
    with pytest.raises(InputError, match="lower <= mean <= upper"):
        backtest(Y, [], custom={"bad": lambda train, h: ([1.0] * h, [2.0] * h, [3.0] * h)})
    with pytest.raises(InputError, match="built-in"):
        backtest(Y, ["naive"], custom={"naive": lambda train, h: None})


# -- determinism and inputs -------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::nldtib_forecast.evaluation.BacktestWarning")
def test_deterministic():
    a = backtest_published(log=True)
    b = backtest_published(log=True)
    pd.testing.assert_frame_equal(a.forecasts, b.forecasts)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert a.metadata == b.metadata


def test_unknown_method_lists_valid_ones():
    with pytest.raises(InputError) as err:
        backtest(Y, ["naive", "arma"])
    msg = str(err.value)
    assert all(repr(m) in msg for m in METHODS)
    assert "did you mean 'arima'" in msg


@pytest.mark.parametrize("kwargs, match", [
    (dict(min_train=2), "min_train"),
    (dict(horizon=0), "horizon"),
    (dict(level=90), "level"),
    (dict(gaps="skip"), "gaps"),
    (dict(arima_order=(1, 1)), "arima_order"),
    (dict(methods=["naive", "naive"]), "duplicate"),
    (dict(methods=[]), "at least one method"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        backtest(Y, **kwargs)


def test_bad_series():
    with pytest.raises(InputError, match="too short"):
        backtest(Y.iloc[:3], ["naive"])
    with pytest.raises(InputError, match="unknown indicator"):
        backtest("ds_turnover", ["naive"])
    with pytest.raises(InputError, match="int years"):
        backtest(pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd")), ["naive"])
    with pytest.raises(InputError, match="not finite"):
        backtest(pd.Series([1.0, np.nan, 3.0, 4.0], index=range(4)), ["naive"])
    with pytest.raises(InputError, match="unique"):
        backtest(pd.Series([1.0, 2.0, 3.0, 4.0], index=[1, 2, 2, 3]), ["naive"])
    with pytest.raises(InputError, match="Series"):
        backtest([1.0, 2.0, 3.0, 4.0], ["naive"])
    # an annual PeriodIndex is accepted
    p = Y.copy()
    p.index = pd.period_range("2019", periods=5, freq="Y")
    assert backtest(p, ["naive"]).forecasts["year"].tolist() == [2022, 2023]
