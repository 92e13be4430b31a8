"""Tests of the export share model, the trade drivers and the built-in trade scenarios.

Reference values: ``tests/models/results/trade_published_history.csv`` holds the published
figures the calibration starts from (B24 p.7 and p.36, L26, EDA, B24 p.6, Rijksbegroting
2026), typed from the publications independently of the package's embedded data; see
``README_trade.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from nldtib_forecast import InputError
from nldtib_forecast.models.trade import (
    OUTPUT_UNITS,
    TRADE_BUILTIN_NAMES,
    TRADE_DRIVERS,
    ExportShareModel,
    builtin_scenarios,
    calibration_history,
)
from nldtib_forecast.scenarios import Scenario, drivers, load_scenarios, save_scenarios
from nldtib_forecast.simulation.results import ScenarioResult

RESULTS = Path(__file__).parent / "results"
YEARS = list(range(2019, 2026))


@pytest.fixture(scope="module")
def published():
    return pd.read_csv(RESULTS / "trade_published_history.csv", index_col="year")


@pytest.fixture(scope="module")
def model():
    return ExportShareModel.from_published()


@pytest.fixture(scope="module")
def projection(model):
    return model.simulate(n_draws=400, seed=11, horizon=2035)


# -- calibration data ---------------------------------------------------------------------------
def test_history_uses_the_published_figures(published):
    h = calibration_history()
    ref = published.loc[YEARS]
    assert_allclose(h["ds_turnover_eur"], ref["ds_turnover_eur"])
    b24 = list(range(2019, 2024))
    assert_allclose(h.loc[b24, "exports_eur"], ref.loc[b24, "ds_export_eur"])
    assert_allclose(h.loc[2025, "exports_eur"], 0.36 * 10.2e9)
    assert_allclose(h.loc[2024, "exports_eur"], (0.43 + 0.36) / 2 * 8.0e9)  # interpolated
    assert_allclose(h["domestic_eur"], h["ds_turnover_eur"] - h["exports_eur"])
    eda = ref["eda_equipment_procurement_eur"].dropna()
    assert_allclose(h.loc[eda.index, "eu_market_eur"], eda)
    # 2019-2020: investment x 0.83; 2022: investment x mean(43/52, 61/72)
    assert_allclose(h.loc[[2019, 2020], "eu_market_eur"],
                    0.83 * ref.loc[[2019, 2020], "eda_defence_investment_eur"])
    assert_allclose(h.loc[2022, "eu_market_eur"], 58e9 * (43 / 52 + 61 / 72) / 2)
    mat = published["mod_materiel_spending_eur"]
    assert_allclose(h.loc[[2021, 2023], "materiel_spending_eur"], mat.loc[[2021, 2023]])
    assert_allclose(h.loc[2022, "materiel_spending_eur"], np.sqrt(4.5e9 * 6.5e9))
    assert_allclose(h.loc[2025, "materiel_spending_eur"],
                    6.5e9 * (mat.loc[2026] / 6.5e9) ** (2 / 3))
    assert_allclose(h.loc[2019, "materiel_spending_eur"],
                    0.25 * 10.7e9 * (4.5e9 / (0.25 * 10.7e9)) ** (1 / 3))
    assert h.loc[2021, "filled"] == "" and "exports" in h.loc[2024, "filled"]
    assert h["sources"].str.len().min() > 20


def test_fitted_history_within_a_point_of_published_shares(model, published):
    h = model.history()
    ref = published.loc[YEARS, "export_share"]
    ok = ref.notna()
    gap = (h.loc[ok[ok].index, "export_share_fitted"] - ref[ok]).abs()
    assert (gap < 0.01).all(), gap
    assert h.loc[2025, "export_share_fitted"] == pytest.approx(0.36, abs=1e-12)
    assert np.isnan(h.loc[2024, "export_share_published"])
    fit = model.fit_statistics()["value"]
    assert fit["max_abs_fitted_pp"] < 1.0
    assert fit["n_published_shares"] == 6


def _reference_series(published):
    ref = published.loc[YEARS]
    exports = ref["ds_export_eur"].copy()
    exports[2024] = 0.395 * 8.0e9
    exports[2025] = 0.36 * 10.2e9
    market = ref["eda_equipment_procurement_eur"].copy()
    market[[2019, 2020]] = 0.83 * ref.loc[[2019, 2020], "eda_defence_investment_eur"]
    market[2022] = 58e9 * (43 / 52 + 61 / 72) / 2
    return exports, market


def test_elasticity_regression_matches_an_independent_fit(model, published):
    """OLS of ln(X/M) on ln(M/M_2025), recomputed with numpy from the reference file, and the
    normal prior on the elasticity combined by precision weighting."""
    exports, market = _reference_series(published)
    x = np.log(market / market[2025]).to_numpy()
    y = np.log(exports / market).to_numpy()
    slope, level = np.polyfit(x, y, 1)
    resid = y - (level + slope * x)
    se = np.sqrt(resid @ resid / 5 / ((x - x.mean()) ** 2).sum())
    p = model.params.loc["m"]
    assert_allclose([p["slope_ols"], p["se_slope_ols"]], [slope, se])
    prec = 1 / se ** 2 + 1 / 0.5 ** 2
    post = (slope / se ** 2 + 0.0 / 0.5 ** 2) / prec  # prior on the slope: N(1 - 1, 0.5^2)
    assert_allclose([p["slope"], p["se_slope"]], [post, np.sqrt(1 / prec)])
    assert_allclose(model.elasticity, 1 + post)
    # without the prior the estimate is the OLS one
    plain = ExportShareModel.from_published(elasticity_prior=None)
    assert_allclose(plain.params.loc["m", "slope"], slope)


def test_trend_option_matches_an_independent_fit(published):
    """market_response="trend": the share trend of the first release (OLS of ln m on year)."""
    model = ExportShareModel.from_published(market_response="trend")
    exports, market = _reference_series(published)
    t = np.array(YEARS) - 2025.0
    slope, level = np.polyfit(t, np.log(exports / market), 1)
    assert_allclose(model.params.loc["m", ["log_level", "slope"]], [level, slope])
    resid = np.log(exports / market) - (level + slope * t)
    assert_allclose(model.params.loc["m", "sigma"], np.sqrt(resid @ resid / 5))
    assert_allclose(model.params.loc["m", "se_slope"],
                    np.sqrt(resid @ resid / 5 / ((t - t.mean()) ** 2).sum()))
    assert np.isnan(model.elasticity)


def test_documented_calibration_numbers(model):
    """Numbers quoted in docs/methodology/trade.rst and in the driver registry."""
    p, fit = model.params, model.fit_statistics()["value"]
    assert round(model.elasticity, 2) == 0.49
    assert round(float(p.loc["m", "se_slope"]), 2) == 0.08
    assert round(1 + float(p.loc["m", "slope_ols"]), 2) == 0.48
    assert round(float(np.exp(p.loc["d", "log_level"])), 2) == 0.60
    assert round(float(fit["max_abs_fitted_pp"]), 2) == 0.78
    trend = ExportShareModel.from_published(market_response="trend").params
    assert round(float(np.expm1(trend.loc["m", "slope"])), 3) == -0.090
    assert round(float(trend.loc["m", "se_slope"]), 3) == 0.023


def test_the_elasticity_reproduces_the_fall_of_the_share_at_the_observed_market_growth(model):
    """At the 2019-2025 market growth the fitted equation gives the observed fall of the
    Dutch share (6.1% -> 3.7%), and at 3.5% a year exports still grow."""
    h = model.history()
    fitted = h["nl_market_share_on_trend"]
    observed = h["nl_market_share"]
    growth_fit = np.log(fitted[2025] / fitted[2019]) / 6
    growth_obs = np.log(observed[2025] / observed[2019]) / 6
    assert abs(growth_fit - growth_obs) < 0.02
    res = model.simulate(["current_conditions"], n_draws=300, seed=1, horizon=2035)
    x = res.array("exports_eur")[0]
    assert np.median(x[:, -1]) > x[0, 0] * 1.1  # exports grow, they do not collapse


def test_documented_dutch_cms_numbers(model):
    """docs/methodology/trade.rst, 'The Dutch export change 2019-2025'."""
    from nldtib_forecast.models.trade import cms_decomposition

    h = model.history()
    args = (h.loc[2019, "exports_eur"], h.loc[2025, "exports_eur"],
            h.loc[2019, "eu_market_eur"], h.loc[2025, "eu_market_eur"])
    ls = cms_decomposition(*args)
    assert round(ls.components["market_growth"] / 1e9, 2) == 4.01
    assert round(ls.components["competitiveness"] / 1e9, 2) == -2.44
    assert round(ls.supplementary["constant_share_exports"] / 1e9, 2) == 6.11
    assert round(1 + ls.supplementary["market_growth_rate"], 2) == 2.91
    assert round(-ls.components["competitiveness"] / ls.components["market_growth"], 2) == 0.61
    fs = cms_decomposition(*args, method="fagerberg_sollie")
    assert round(100 * fs.components["competitiveness"], 2) == -2.44
    assert round(100 * h.loc[2019, "nl_market_share"], 1) == 6.1
    assert round(100 * h.loc[2025, "nl_market_share"], 1) == 3.7


def test_driver_defaults_agree_with_the_estimates(model):
    defaults = drivers("trade")["default"]
    assert defaults["nl_market_share_trend"] == 0.0  # an extra drift beyond the response
    assert abs(defaults["domestic_sourcing_share"] - np.exp(model.params.loc["d", "log_level"])) \
        < 0.01


# -- drivers and scenarios ------------------------------------------------------------------------
def test_drivers_registered():
    table = drivers("trade")
    assert list(table.index) == [d.name for d in TRADE_DRIVERS]
    assert set(table.index) == {"eu_procurement_growth", "nl_defence_spending_gdp_share",
                                "nl_materiel_share", "nl_gdp_growth", "nl_market_share_trend",
                                "domestic_sourcing_share"}
    assert (table["source"].str.len() > 80).all()
    assert (table["default"] >= table["lower"]).all() and (table["default"] <= table["upper"]).all()


def test_builtin_scenarios_are_sourced_and_valid(tmp_path):
    scen = builtin_scenarios()
    assert tuple(scen) == TRADE_BUILTIN_NAMES
    names = set(drivers("trade").index)
    for s in scen.values():
        assert isinstance(s, Scenario)
        assert len(s.description) > 80 and len(s.sources) >= 2
        assert set(s.drivers) <= names
    path = save_scenarios(scen, tmp_path / "trade.toml")
    assert load_scenarios(path) == scen
    from nldtib_forecast.scenarios import BUILTIN_NAMES, builtin

    assert not set(scen) & set(BUILTIN_NAMES)  # no clash with the core built-ins
    merged = builtin()  # registered into the global built-ins, in registration order
    names = list(merged)
    first = names.index(TRADE_BUILTIN_NAMES[0])
    assert names[first:first + len(TRADE_BUILTIN_NAMES)] == list(TRADE_BUILTIN_NAMES)
    assert names[:len(BUILTIN_NAMES)] == list(BUILTIN_NAMES)  # the core policies first
    assert all(merged[n] == scen[n] for n in scen)


def test_eu_scenarios_arithmetic():
    scen = builtin_scenarios()
    years = list(range(2026, 2036))
    nato = scen["eu_nato_35"].path("eu_procurement_growth", years)
    assert_allclose(np.prod(1 + nato), 3.5 / 2.1 * 1.035 ** 10, rtol=1e-5)
    rearm = scen["eu_rearm"].path("eu_procurement_growth", years)
    assert_allclose(np.prod(1 + rearm[:3]), 3.4 / 2.1 * 1.035 ** 3, rtol=1e-5)
    assert_allclose(rearm[3:], 0.035)


def test_nl_path_starts_from_the_observed_share(model):
    """nl_path_35: from the observed 2.5% of GDP (2025) linearly to 3.5% (2035); with 3.5% GDP
    growth Dutch spending grows by (s_t / 0.025) 1.035^h."""
    res = model.simulate(["current_conditions", builtin_scenarios()["nl_path_35"]], n_draws=2,
                        seed=0)
    p = res.select(variables="materiel_spending_eur").draws(wide=True).xs(0, level="draw")
    ratio = p.loc["nl_path_35"] / p.loc["nl_path_35", 2025]
    assert_allclose(ratio[[2030, 2035]], [0.030 / 0.025 * 1.035 ** 5,
                                          0.035 / 0.025 * 1.035 ** 10], rtol=1e-9)
    base = p.loc["current_conditions"] / p.loc["current_conditions", 2025]
    assert_allclose(base[2035], 1.035 ** 10)


# -- projection ---------------------------------------------------------------------------------
def test_projection_structure(projection):
    assert isinstance(projection, ScenarioResult)
    assert projection.scenarios == ("current_conditions", *TRADE_BUILTIN_NAMES)
    assert projection.variables == tuple(OUTPUT_UNITS)
    assert list(projection.years) == list(range(2025, 2036))
    assert dict(projection.units) == OUTPUT_UNITS
    meta = projection.metadata
    assert meta.seed == 11 and meta.n_draws == 400 and not meta.synthetic
    assert "parameter uncertainty" in meta.interval_contents
    assert "not included" in meta.interval_contents
    assert meta.data_hash.startswith("sha256:")
    assert meta.extra["base_year"] == 2025


def test_base_year_is_observed(projection):
    share = projection.array("export_share")[:, :, 0]
    assert_allclose(share, 0.36)
    assert_allclose(projection.array("exports_eur")[:, :, 0], 0.36 * 10.2e9)
    assert_allclose(projection.array("eu_market_eur")[:, :, 0], 100e9)


def test_identities(projection):
    a = {v: projection.array(v) for v in projection.variables}
    assert_allclose(a["export_share"], a["exports_eur"] / (a["exports_eur"] + a["domestic_eur"]))
    assert_allclose(a["ds_turnover_eur"], a["exports_eur"] + a["domestic_eur"])
    assert_allclose(a["exports_eur"], a["nl_market_share"] * a["eu_market_eur"])
    assert_allclose(a["domestic_eur"], a["domestic_share"] * a["materiel_spending_eur"])
    assert ((a["export_share"] > 0) & (a["export_share"] < 1)).all()


def test_reproducible_and_independent_of_n_jobs(model):
    scen = ["current_conditions", "eu_rearm"]
    one = model.simulate([scen[0], builtin_scenarios()[scen[1]]], n_draws=250, seed=5,
                        horizon=2030)
    again = model.simulate([scen[0], builtin_scenarios()[scen[1]]], n_draws=250, seed=5,
                          horizon=2030, n_jobs=2)
    assert one.equals(again)
    other = model.simulate([scen[0], builtin_scenarios()[scen[1]]], n_draws=250, seed=6,
                          horizon=2030)
    assert not one.equals(other)


def _scenario(name: str, **drivers_) -> Scenario:
    return Scenario(name, drivers_)


def test_faster_european_market_raises_the_export_share(model):
    """Same market-share path, faster growing European market: a higher export share, draw by
    draw (common random numbers)."""
    res = model.simulate([_scenario("slow", eu_procurement_growth=0.02),
                         _scenario("fast", eu_procurement_growth=0.08)], n_draws=300, seed=2)
    diff = res.difference(base="slow")
    share = diff.array("export_share")[0]
    assert (share[:, 1:] > 0).all() and (share[:, 0] == 0).all()
    assert (diff.array("exports_eur")[0][:, 1:] > 0).all()
    # the elasticity is below 1: a faster market lowers the Dutch share of it
    assert (np.median(diff.array("nl_market_share")[0][:, 1:], axis=0) < 0).all()
    assert_allclose(diff.array("domestic_eur"), 0.0)


@settings(max_examples=15, deadline=None)
@given(st.floats(-0.2, 0.5), st.floats(0.001, 0.3), st.floats(-0.3, 0.3),
       st.integers(0, 2**32 - 1))
def test_monotone_in_european_growth_for_any_share_path(g, step, trend, seed):
    model = ExportShareModel.from_published()
    res = model.simulate([_scenario("a", eu_procurement_growth=g, nl_market_share_trend=trend),
                         _scenario("b", eu_procurement_growth=min(g + step, 1.0),
                                   nl_market_share_trend=trend)],
                        n_draws=20, seed=seed, horizon=2030)
    share = res.array("export_share")
    # weakly higher in every draw: a draw whose elasticity falls at or below 0 (the slope's
    # draw has Student-t tails) is truncated at 0, and the market then has no effect there
    assert (share[1, :, 1:] >= share[0, :, 1:] - 1e-12).all()
    # and strictly higher in the typical draw
    assert (np.median(share[1, :, 1:] - share[0, :, 1:], axis=0) > 0).all()


def test_other_drivers_move_the_share_the_right_way(model):
    res = model.simulate([
        _scenario("base"),
        _scenario("gdp", nl_gdp_growth=0.06),
        _scenario("dutch_spending", nl_defence_spending_gdp_share={2025: 0.025, 2035: 0.035}),
        _scenario("materiel", nl_materiel_share={2030: 0.45}),
        _scenario("sourcing", domestic_sourcing_share={2025: 0.6, 2030: 0.7}),
        _scenario("share_up", nl_market_share_trend=0.02),
    ], n_draws=200, seed=3)
    diff = res.difference(base="base")
    share = diff.array("export_share")[:, :, 1:]
    for i, name in enumerate(diff.scenarios):
        if name == "share_up":
            assert (share[i] > 0).all()
        else:
            assert (share[i] <= 1e-15).all() and (share[i][:, -1] < 0).all(), name


def test_level_drivers_are_relative_to_the_observed_base_year(model):
    """Doubling the GDP share by 2035 doubles materiel spending against current conditions; a
    constant acts from the first projected year; a base-year value other than the observed
    one is an error, never a silent change of the reference."""
    res = model.simulate([_scenario("base"),
                         _scenario("x2", nl_defence_spending_gdp_share={2035: 0.05}),
                         _scenario("const", nl_defence_spending_gdp_share=0.05)],
                        n_draws=2, seed=0)
    p = res.array("materiel_spending_eur")[:, 0]
    assert_allclose(p[1, -1] / p[0, -1], 2.0)
    assert_allclose(p[2, 1:] / p[0, 1:], 2.0)
    assert_allclose(p[:, 0], p[0, 0])
    with pytest.raises(InputError, match="observed 0.025"):
        _scenario("x2b", nl_defence_spending_gdp_share={2025: 0.03, 2035: 0.06})


# -- survey -------------------------------------------------------------------------------------
def test_from_survey_uses_weighted_totals():
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.survey import survey_total

    df = synthetic_survey(seed=0)
    m = ExportShareModel.from_survey(df)
    est = survey_total(df, "export_ds_eur", year=2025, protect=False)
    assert_allclose(m.base["exports_eur"], est["estimate"].iloc[0])
    turnover = survey_total(df, "turnover_ds_eur", year=2025, protect=False)
    assert_allclose(m.base["exports_eur"] + m.base["domestic_eur"], turnover["estimate"].iloc[0])
    assert m.level_source == "survey" and m.synthetic
    pub = ExportShareModel.from_published()
    assert_allclose(m.params["slope"], pub.params["slope"])  # responses from the history
    assert_allclose(m.params.loc["m", "se_level"],
                    est["std_error"].iloc[0] / est["estimate"].iloc[0])
    res = m.simulate(["current_conditions"], n_draws=100, seed=1, horizon=2027)
    assert res.metadata.synthetic and "sampling" in res.metadata.interval_contents
    assert_allclose(res.array("exports_eur")[0, :, 0], m.base["exports_eur"])
    assert "SYNTHETIC" in m.summary()


def test_from_survey_bad_input():
    with pytest.raises(InputError, match="missing column"):
        ExportShareModel.from_survey(pd.DataFrame({"year": [2025]}))
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        ExportShareModel.from_survey([1, 2, 3])


# -- display ------------------------------------------------------------------------------------
def test_summary_and_display(model):
    text = model.summary()
    assert "export elasticity 0.49" in text and "within 0.78 pp" in text
    assert "<pre>" in model._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = model.plot_history()
    assert {ln.get_gid() for ln in ax.get_lines()} == {"published", "fitted", "trend"}
    plt.close("all")


# -- bad inputs ---------------------------------------------------------------------------------
def test_bad_inputs(model):
    with pytest.raises(InputError, match="base_year"):
        ExportShareModel.from_published(base_year=2030)
    with pytest.raises(InputError, match="fit_years"):
        ExportShareModel.from_published(fit_years=[2019, 2020])
    with pytest.raises(InputError, match="market_response"):
        ExportShareModel.from_published(market_response="trends")
    with pytest.raises(InputError, match="elasticity_prior"):
        ExportShareModel.from_published(elasticity_prior=(1.0, 0.0))
    with pytest.raises(InputError, match="other_destinations"):
        ExportShareModel.from_published(other_destinations=1.2)
    with pytest.raises(InputError, match="horizon"):
        model.simulate(horizon=2025)
    with pytest.raises(InputError, match="missing"):
        ExportShareModel.from_published(market=pd.Series([1e9], index=[2019]))
    with pytest.raises(InputError, match="> 0"):
        ExportShareModel.from_published(materiel=pd.Series(-1.0, index=YEARS))
    with pytest.raises(InputError, match="did you mean"):
        model.simulate(["current_condition"], n_draws=10)
    with pytest.raises(InputError, match="outside"):
        Scenario("bad", {"nl_market_share_trend": 0.9})
    with pytest.raises(InputError, match="level driver"):
        model.simulate([_scenario("zero", nl_materiel_share={2025: 0.0, 2030: 0.3})], n_draws=5)
