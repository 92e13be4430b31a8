"""Tests of nldtib_forecast.models.outlook: identities draw by draw, consistency with the
capacity and trade models run alone, determinism across n_jobs, monotonicity, built-ins and
bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.capacity import CapacityModel
from nldtib_forecast.models.outlook import (
    KEY_VARIABLES,
    OUTLOOK_SCENARIOS,
    OUTPUT_UNITS,
    Outlook,
    summary_table,
)
from nldtib_forecast.models.trade import ExportShareModel
from nldtib_forecast.scenarios import Scenario, builtin, drivers
from nldtib_forecast.simulation import SimulationContext, block_rng

FOUR = list(OUTLOOK_SCENARIOS)


@pytest.fixture(scope="module")
def survey():
    return synthetic_survey(seed=0)


@pytest.fixture(scope="module")
def outlook(survey):
    return Outlook.from_survey(survey)


@pytest.fixture(scope="module")
def result(outlook):
    return outlook.simulate(FOUR, horizon=2035, n_draws=500, seed=7)


def _a(res, var):
    return np.asarray(res.array(var))


# -- identities (draw by draw) ---------------------------------------------------------------
def _check_identities(res, base_total):
    nominal, real, price = (_a(res, v) for v in ("turnover_nominal_eur", "turnover_real_eur",
                                                 "price_index"))
    np.testing.assert_allclose(nominal, price * real, rtol=1e-13)
    np.testing.assert_allclose(_a(res, "exports_eur") + _a(res, "domestic_eur"), nominal,
                               rtol=1e-12)
    np.testing.assert_allclose(_a(res, "demand_domestic_eur") + _a(res, "demand_export_eur"),
                               _a(res, "demand_eur"), rtol=1e-12)
    demand, cap = _a(res, "demand_eur"), _a(res, "capacity_eur")
    assert np.all(real <= demand) and np.all(real <= cap * (1 + 1e-12))
    np.testing.assert_allclose(_a(res, "unmet_demand_eur"), demand - real, rtol=1e-12)
    assert np.all(_a(res, "unmet_demand_eur") >= 0)
    np.testing.assert_allclose(_a(res, "utilisation"), real / cap, rtol=1e-13)
    share = _a(res, "export_share")
    assert np.all((share >= 0) & (share <= 1))
    np.testing.assert_allclose(share * nominal, _a(res, "exports_eur"), rtol=1e-10)
    g = [_a(res, f"growth_{k}") for k in ("nominal", "price", "volume", "interaction")]
    np.testing.assert_allclose(g[0], g[1] + g[2] + g[3], atol=1e-13)
    # growth is measured against the previous year (the base year for the first)
    prev = np.concatenate([np.full(real.shape[:2] + (1,), base_total), real[..., :-1]], -1)
    np.testing.assert_allclose(g[2], real / prev - 1, atol=1e-13)
    np.testing.assert_allclose(np.cumprod(1 + g[1], axis=-1), price, rtol=1e-12)


def test_identities_hold_draw_by_draw(result, outlook):
    assert result.variables == tuple(OUTPUT_UNITS)
    assert list(result.years) == list(range(2026, 2036))
    assert dict(result.units) == OUTPUT_UNITS
    _check_identities(result, outlook.base["turnover_ds_eur"])


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cost=st.floats(-0.05, 0.15), markup=st.floats(0.0, 2.0), prio=st.floats(0.0, 1.0),
       growth=st.floats(0.0, 0.4), seed=st.integers(0, 2**32 - 1))
def test_identities_property(outlook, cost, markup, prio, growth, seed):
    scen = Scenario("x", {"cost_inflation": cost, "capacity_pressure_markup": markup,
                          "domestic_priority": prio, "eu_procurement_growth": growth})
    res = outlook.simulate(scen, horizon=2031, n_draws=20, seed=seed, block_size=10)
    _check_identities(res, outlook.base["turnover_ds_eur"])


# -- consistency with the sub-models ---------------------------------------------------------
def test_uplift_equals_capacity_model_bit_for_bit(survey, result):
    # the capacity part draws first from the block's generator, as CapacityModel.simulate
    # does; with the same segments (``by``) the feature sums are the same too
    cap = CapacityModel.from_survey(survey).simulate(FOUR, horizon=2035, n_draws=500, seed=7,
                                                     by="nld_area")
    np.testing.assert_array_equal(_a(result, "uplift"), _a(cap, "uplift"))


def test_capacity_equals_capacity_model_without_bootstrap(survey):
    # without the survey bootstrap the capacity model's base turnover is the same in every
    # draw, so capacity_eur is identical (aggregate, segments="none")
    out = Outlook.from_survey(survey, segments="none", bootstrap="none", benchmark=None)
    res = out.simulate(["current_conditions", "improved_conditions"], horizon=2032,
                       n_draws=300, seed=3)
    cap = out.capacity_model.simulate(["current_conditions", "improved_conditions"],
                                      horizon=2032, n_draws=300, seed=3)
    np.testing.assert_allclose(_a(res, "capacity_eur"), _a(cap, "capacity_eur"), rtol=1e-13)


def test_demand_equals_trade_kernel_exactly(survey):
    """With pass-through 0 the price index is 1: nominal demand is the trade kernel's
    D&S turnover draw for draw (same random numbers: the first child stream of the block),
    and where capacity does not bind the realised turnover and export share equal it too."""
    out = Outlook.from_survey(survey, pass_through=0.0, benchmark=None)
    kernel = out.kernel()
    scen = [builtin()[s] for s in ("current_conditions", "nl_35_improved")]
    years = np.arange(2025, 2036)
    from nldtib_forecast.models.outlook import _ALL_DRIVERS

    drv = {d: np.stack([s.path(d, years).to_numpy() for s in scen]) for d in _ALL_DRIVERS}

    def ctx(rng):
        return SimulationContext(tuple(s.name for s in scen), years, drv, 50, rng, 0, 0)

    got = kernel(ctx(block_rng(11, 0)))
    trade_rng = block_rng(11, 0).spawn(2)[0]
    want = kernel.trade(ctx(trade_rng))
    np.testing.assert_array_equal(got["price_index"][..., 1:], 1.0)
    np.testing.assert_allclose(got["demand_eur"][..., 1:], want["ds_turnover_eur"][..., 1:],
                               rtol=1e-13)
    np.testing.assert_allclose(got["demand_export_eur"][..., 1:], want["exports_eur"][..., 1:],
                               rtol=1e-13)
    # capacity does not bind in any segment: no unmet demand (with segments, a segment can
    # bind while the aggregate utilisation is below 1)
    free = got["unmet_demand_eur"][..., 1:] == 0
    assert free.any() and (~free).any()
    np.testing.assert_allclose(got["turnover_nominal_eur"][..., 1:][free],
                               want["ds_turnover_eur"][..., 1:][free], rtol=1e-12)
    np.testing.assert_allclose(got["export_share"][..., 1:][free],
                               want["export_share"][..., 1:][free], rtol=1e-12)


def test_demand_distribution_matches_trade_projection(survey):
    out = Outlook.from_survey(survey, pass_through=0.0, benchmark=None)
    res = out.simulate(["nl_35_improved"], horizon=2035, n_draws=2000, seed=5)
    trade = ExportShareModel.from_survey(survey).simulate(["nl_35_improved"], horizon=2035,
                                                        n_draws=2000, seed=5)
    a = res.summary_frame("demand_eur")["median"].to_numpy()
    b = trade.summary_frame("ds_turnover_eur")["median"].to_numpy()[1:]
    np.testing.assert_allclose(a, b, rtol=0.03)


def test_base_levels_agree_across_submodels(outlook, survey):
    b = outlook.base
    assert b["turnover_ds_eur"] == pytest.approx(b["capacity_base_eur"], rel=1e-9)
    # the default benchmark: the published 2025 totals
    assert b["turnover_ds_eur"] == pytest.approx(10.2e9, rel=1e-12)
    assert b["export_share"] == pytest.approx(0.36, rel=1e-12)
    assert b["benchmark_factor"] == pytest.approx(10.2e9 / b["survey_turnover_ds_eur"])
    h = outlook.history()
    assert h.loc[2025, "turnover_ds_published_eur"] == 10.2e9
    assert h.loc[2025, "export_share_published"] == 0.36
    assert h.loc[2025, "export_share_gap"] == pytest.approx(0.0, abs=1e-12)
    own = Outlook.from_survey(survey, benchmark=None).base
    assert own["turnover_ds_eur"] == pytest.approx(own["survey_turnover_ds_eur"])
    # the survey's own level: the design-based 2025 estimates (no benchmark)
    from nldtib_forecast.survey import survey_ratio

    est = survey_ratio(survey, "export_ds_eur", "turnover_ds_eur", year=2025, protect=False)
    assert own["export_share"] == pytest.approx(est.loc["all", "estimate"], rel=1e-9)


# -- determinism, monotonicity -------------------------------------------------------------
def test_deterministic_across_n_jobs(outlook):
    a = outlook.simulate(FOUR[:2], horizon=2030, n_draws=300, seed=4, n_jobs=1)
    b = outlook.simulate(FOUR[:2], horizon=2030, n_draws=300, seed=4, n_jobs=2,
                         chunk_size=250)
    assert a.equals(b)
    assert a.metadata.seed == 4


def test_more_demand_gives_weakly_more_volume(result):
    i, j = result.scenarios.index("current_conditions"), result.scenarios.index(
        "eu_surge_current")
    dem, vol = _a(result, "demand_eur"), _a(result, "turnover_real_eur")
    assert np.all(dem[j] >= dem[i] * (1 - 1e-12))
    assert np.all(vol[j] >= vol[i] * (1 - 1e-12))


def test_improved_conditions_give_weakly_more_capacity(result):
    i, j = result.scenarios.index("current_conditions"), result.scenarios.index(
        "improved_conditions")
    cap = _a(result, "capacity_eur")
    assert np.all(cap[j] >= cap[i] * (1 - 1e-12))
    assert np.median(cap[j, :, -1]) > np.median(cap[i, :, -1])


def test_domestic_priority_serves_domestic_first(outlook):
    scen = builtin()["eu_surge_current"].with_drivers(domestic_priority=1.0, name="prio")
    res = outlook.simulate(scen, horizon=2030, n_draws=100, seed=1)
    dom = _a(res, "domestic_eur") / _a(res, "price_index")
    np.testing.assert_allclose(dom, np.minimum(_a(res, "demand_domestic_eur"),
                                               _a(res, "turnover_real_eur")), rtol=1e-12)


def test_markup_raises_prices_only_after_a_shortage(outlook):
    base = builtin()["nl_35_improved"]
    res = outlook.simulate([base, base.with_drivers(capacity_pressure_markup=0.5, name="mk")],
                           horizon=2035, n_draws=200, seed=2)
    p = _a(res, "price_index")
    assert np.all(p[1] >= p[0] * (1 - 1e-12))
    assert np.all(p[1, :, 0] == p[0, :, 0])  # no shortage before the first year
    assert (p[1, :, -1] > p[0, :, -1]).mean() > 0.5


# -- registry, tables, metadata ------------------------------------------------------------
def test_builtins_and_drivers_registered():
    known = builtin()
    for name in FOUR:
        assert name in known
    assert known["nl_35_improved"].drivers["order_certainty"][2028] == 0.65
    assert "eu_procurement_growth" in known["eu_surge_current"].drivers
    reg = drivers("outlook")
    assert list(reg.index) == ["cost_inflation", "capacity_pressure_markup",
                               "domestic_priority"]
    assert reg.loc["cost_inflation", "default"] == 0.025


def test_summary_table(result):
    table = summary_table(result)
    assert list(table.columns) == ["scenario", "year", "variable", "unit", "median", "lower",
                                   "upper"]
    assert len(table) == 4 * 2 * len(KEY_VARIABLES)
    assert table["scenario"].iloc[0] == "current_conditions"
    assert (table["lower"] <= table["median"]).all() and (table["median"] <=
                                                          table["upper"]).all()
    row = table[(table.scenario == "current_conditions") & (table.year == 2035)
                & (table.variable == "export_share")].iloc[0]
    assert row["unit"] == "fraction"
    assert row["median"] == pytest.approx(
        float(np.median(_a(result, "export_share")[0, :, -1])))


def test_metadata(result):
    md = result.metadata
    assert md.synthetic and md.extra["base_year"] == 2025
    assert "pass-through" in md.interval_contents
    assert "not modelled" in md.extra["entry"]
    assert isinstance(result.to_frame(), pd.DataFrame)


def test_history_with_overlapping_result(outlook):
    res = outlook.simulate(["current_conditions"], horizon=2026, n_draws=20, seed=1)
    h = outlook.history(res)  # no overlap with the published years: no extra columns
    assert "turnover_nominal_eur_current_conditions_median" not in h


# -- bad inputs ----------------------------------------------------------------------------
def test_bad_inputs(survey, outlook):
    with pytest.raises(InputError, match="did you mean 'segments'"):
        Outlook.from_survey(survey, segmnets="nld_area")
    with pytest.raises(InputError, match="unknown value"):
        Outlook.from_survey(survey, segments="region")
    with pytest.raises(InputError, match="pass_through"):
        Outlook.from_survey(survey, pass_through=-1)
    with pytest.raises(InputError, match="horizon"):
        outlook.simulate(horizon=2025)
    with pytest.raises(InputError, match="horizon"):
        outlook.simulate(horizon=2020)
    with pytest.raises(InputError, match="current_conditions"):
        outlook.simulate(["current_conditons"], n_draws=10)
    with pytest.raises(InputError):
        outlook.simulate(n_draws=0)
    with pytest.raises(InputError):
        summary_table("not a result")


def test_kernel_is_built_once_and_copies_do_not_carry_it(default_outlook):
    """The outlook is immutable, so its kernel is built once; a copy or a pickle starts
    without it, and a changed outlook (dataclasses.replace) builds its own."""
    import copy
    import dataclasses
    import pickle

    kernel = default_outlook.kernel()
    assert default_outlook.kernel() is kernel
    for other in (pickle.loads(pickle.dumps(default_outlook)), copy.deepcopy(default_outlook),
                  dataclasses.replace(default_outlook)):
        assert other._kernels == {}
        rebuilt = other.kernel()
        assert rebuilt is not kernel
        assert rebuilt.base_total == kernel.base_total
    cap = default_outlook.capacity_model
    assert cap.kernel([]) is cap.kernel([])
