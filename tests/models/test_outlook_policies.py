"""Tests of the policies x futures outlook (issue 11): the grid and its common random numbers,
policy effects, the published benchmark, the level-driver rule, the short run, sense checks as
property tests, the binding-constraint sentences, the hindcast and the built-in futures.

Every expected value is computed here from first principles (draw-by-draw arithmetic on the
stored draws, or the published numbers the issue names), not copied from the output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast.data import load_nl_defence, load_policy_targets
from nldtib_forecast.models.outlook import (
    Outlook,
    _benchmark_published,
    binding_constraints,
    grid_scenarios,
)
from nldtib_forecast.models.trade import ExportShareModel
from nldtib_forecast.models.trade.drivers import builtin_futures, nl_budget_2026
from nldtib_forecast.scenarios import (
    BASE_YEAR,
    FUTURE_NAMES,
    POLICY_NAMES,
    Scenario,
    builtin,
    drivers,
    futures,
    get_driver,
    policies,
)
from nldtib_forecast.simulation.results import GRID_SEPARATOR, ScenarioResult

YEARS = list(range(2026, 2036))
LEVERS_WITH_IMPROVED = ("order_certainty", "procurement_lead_time_months",
                        "labour_supply_growth")
TRADE_DRIVER_NAMES = ("eu_procurement_growth", "nl_defence_spending_gdp_share",
                      "nl_materiel_share", "nl_gdp_growth", "nl_market_share_trend",
                      "domestic_sourcing_share")
PROPERTY = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _a(res, var):
    return np.asarray(res.array(var))


def _rel_close(a, b, rtol=1e-9):
    return np.abs(a - b) <= rtol * np.maximum(np.abs(a), np.abs(b))


def _free(res, rtol=1e-9):
    """(S, n, T): no unmet demand in any segment (up to rounding of the segment sum)."""
    return _a(res, "unmet_demand_eur") <= rtol * _a(res, "demand_eur")


# -- fixtures (module scope: one calibration, a few small runs) -----------------------------
@pytest.fixture(scope="module")
def outlook(default_outlook):
    return default_outlook  # Outlook.from_survey(), calibrated once per session (conftest.py)


@pytest.fixture(scope="module")
def outlook_survey_level():
    return Outlook.from_survey(benchmark=None)


GRID_POLICIES = ["current_conditions", "improved_conditions", "labour_squeeze"]
GRID_FUTURES = ["constant_gdp_shares", "baseline"]


@pytest.fixture(scope="module")
def grid(outlook):
    return outlook.simulate(policies=GRID_POLICIES, futures=GRID_FUTURES, horizon=2035,
                            n_draws=200, seed=11)


@pytest.fixture(scope="module")
def low_grid(outlook):
    """Every built-in policy in the low case (demand at constant GDP shares)."""
    return outlook.simulate(policies=list(POLICY_NAMES), futures=["constant_gdp_shares"],
                            horizon=2035, n_draws=200, seed=5)


# ============================================================================================
# 1. The grid
# ============================================================================================
def test_grid_names_future_major_and_axes(grid):
    want = tuple(f"{f}{GRID_SEPARATOR}{p}" for f in GRID_FUTURES for p in GRID_POLICIES)
    assert GRID_SEPARATOR == "/"
    assert grid.scenarios == want
    assert grid.futures == tuple(GRID_FUTURES)
    assert grid.policies == tuple(GRID_POLICIES)
    assert grid.years.tolist() == YEARS
    assert grid.metadata.extra["grid"] == {f"{f}/{p}": [f, p] for f in GRID_FUTURES
                                           for p in GRID_POLICIES}
    # the definitions are kept under the grid labels: the future's external drivers and the
    # policy's levers together
    d = grid.definitions["baseline/improved_conditions"]
    base, imp = builtin()["baseline"], builtin()["improved_conditions"]
    assert dict(d.drivers) == {**base.drivers, **imp.drivers}


def test_grid_scenarios_order_and_content():
    g = grid_scenarios(["current_conditions", "orders_only"], ["baseline", "slower_path"])
    assert list(g) == [("baseline", "current_conditions"), ("baseline", "orders_only"),
                       ("slower_path", "current_conditions"), ("slower_path", "orders_only")]
    s = g[("slower_path", "orders_only")]
    assert s.name == "slower_path--orders_only"
    assert set(s.drivers) == set(builtin()["slower_path"].drivers) | {"order_certainty"}
    # defaults: every built-in policy under every built-in future, in that order
    full = grid_scenarios()
    assert list(full) == [(f, p) for f in FUTURE_NAMES for p in POLICY_NAMES]


def test_demand_is_the_same_for_every_policy_draw_by_draw(grid):
    # common random numbers: within a future the levers do not touch demand
    for var in ("demand_eur", "demand_export_eur", "demand_domestic_eur", "price_index"):
        arr = _a(grid, var)
        for f in range(len(GRID_FUTURES)):
            block = arr[3 * f:3 * f + 3]
            np.testing.assert_array_equal(block, np.broadcast_to(block[0], block.shape))


def test_policies_equal_where_demand_is_below_capacity(low_grid):
    """Low case: wherever no policy meets a capacity limit in any segment, every policy
    gives the same turnover draw by draw; and where current conditions are free of any limit,
    every policy that only improves conditions gives the same turnover too."""
    t = _a(low_grid, "turnover_real_eur")
    free = _free(low_grid)
    all_free = free.all(axis=0)  # (n, T)
    assert all_free.mean() > 0.5  # the low case is mostly demand-bound: not a vacuous check
    for i in range(1, t.shape[0]):
        assert np.all(_rel_close(t[i][all_free], t[0][all_free])), low_grid.scenarios[i]
    ref_free = free[0]
    for name in ("improved_conditions", "orders_only", "procurement_only", "labour_only"):
        i = low_grid.scenarios.index(f"constant_gdp_shares/{name}")
        assert np.all(_rel_close(t[i][ref_free], t[0][ref_free])), name
    # and the sentence agrees: demand limits turnover in (most draws of) every year
    b = binding_constraints(low_grid)
    for scen in low_grid.scenarios:
        assert b.loc[scen, "sentence"].iloc[0] == (
            "demand limits turnover in every year 2026-2035 (in most draws)")


def test_grid_equals_the_combined_scenarios_run_directly(outlook, grid):
    combined = grid_scenarios(GRID_POLICIES, GRID_FUTURES)
    direct = outlook.simulate(list(combined.values()), horizon=2035, n_draws=200, seed=11)
    assert direct.scenarios == tuple(f"{f}--{p}" for f, p in combined)
    assert direct.futures == () and direct.policies == ()
    assert direct.variables == grid.variables
    for var in grid.variables:
        np.testing.assert_array_equal(_a(direct, var), _a(grid, var))


def test_scenarios_are_appended_to_the_grid(outlook):
    res = outlook.simulate(["eu_surge_current"], policies=["current_conditions"],
                           futures=["constant_gdp_shares", "baseline"], horizon=2030,
                           n_draws=60, seed=2)
    assert res.scenarios == ("constant_gdp_shares/current_conditions",
                             "baseline/current_conditions", "eu_surge_current")
    assert res.futures == ("constant_gdp_shares", "baseline")
    assert res.policies == ("current_conditions",)
    alone = outlook.simulate(["eu_surge_current"], horizon=2030, n_draws=60, seed=2)
    for var in ("turnover_real_eur", "capacity_eur", "exports_eur"):
        np.testing.assert_array_equal(_a(res, var)[2], _a(alone, var)[0])


def test_one_axis_given_the_other_defaults_to_the_builtins(outlook):
    res = outlook.simulate(futures=["constant_gdp_shares"], horizon=2027, n_draws=20, seed=1)
    assert res.policies == POLICY_NAMES
    assert res.futures == ("constant_gdp_shares",)
    res = outlook.simulate(policies=["current_conditions"], horizon=2027, n_draws=20, seed=1)
    assert res.futures == FUTURE_NAMES


def test_wrong_kinds_and_unknown_names(outlook):
    # a future's name given as a policy, and the other way round
    with pytest.raises(InputError, match="baseline"):
        outlook.simulate(policies=["baseline"], futures=["constant_gdp_shares"], n_draws=10)
    with pytest.raises(InputError, match="improved_conditions"):
        outlook.simulate(policies=["current_conditions"], futures=["improved_conditions"],
                         n_draws=10)
    # a Scenario of kind "future" passed as a policy names it and its external drivers
    with pytest.raises(InputError, match="policies.baseline") as err:
        outlook.simulate(policies=[builtin()["baseline"]], futures=["constant_gdp_shares"],
                         n_draws=10)
    assert "eu_procurement_growth" in str(err.value)
    # a future that sets a lever (kind "scenario": mixed) names it and the lever
    mixed = Scenario("mixed_future", {"nl_gdp_growth": 0.02, "order_certainty": 0.5})
    with pytest.raises(InputError, match="mixed_future") as err:
        outlook.simulate(policies=["current_conditions"], futures=[mixed], n_draws=10)
    assert "order_certainty" in str(err.value)
    # a policy that sets an external driver, likewise
    ext = Scenario("spend_more", {"nl_gdp_growth": 0.05})
    with pytest.raises(InputError, match="spend_more") as err:
        outlook.simulate(policies=[ext], futures=["baseline"], n_draws=10)
    assert "nl_gdp_growth" in str(err.value)
    # an explicit kind that does not fit the drivers fails at construction
    with pytest.raises(InputError, match="order_certainty"):
        Scenario("f", {"order_certainty": 0.5}, kind="future")
    # kind "scenario" with drivers of the right kind only is accepted on either axis
    ok_f = Scenario("gdp_only", {"nl_gdp_growth": 0.02})
    ok_p = Scenario("orders_only_mine", {"order_certainty": 0.5})
    g = grid_scenarios([ok_p], [ok_f])
    assert list(g) == [("gdp_only", "orders_only_mine")]
    # unknown names: a suggestion
    with pytest.raises(InputError, match="did you mean 'improved_conditions'"):
        outlook.simulate(policies=["improved_conditons"], futures=["baseline"], n_draws=10)
    with pytest.raises(InputError, match="did you mean 'baseline'"):
        outlook.simulate(policies=["current_conditions"], futures=["baselin"], n_draws=10)
    # empty or duplicate axes
    with pytest.raises(InputError):
        grid_scenarios([], ["baseline"])
    with pytest.raises(InputError):
        grid_scenarios(["current_conditions", "current_conditions"], ["baseline"])


# ============================================================================================
# 2. policy_effects
# ============================================================================================
def test_policy_effects_equal_manual_quantiles(grid):
    eff = grid.policy_effects("turnover_real_eur", years=[2030, 2035], level=0.8)
    assert list(eff.index.names) == ["future", "policy", "year"]
    assert {"median", "lower", "upper", "share_positive"} <= set(eff.columns)
    want_index = [(f, p, y) for f in GRID_FUTURES for p in GRID_POLICIES[1:]
                  for y in (2030, 2035)]
    assert list(eff.index) == want_index  # the reference policy is left out
    arr = _a(grid, "turnover_real_eur")
    for f, p, y in want_index:
        t = YEARS.index(y)
        diff = (arr[grid.scenarios.index(f"{f}/{p}"), :, t]
                - arr[grid.scenarios.index(f"{f}/current_conditions"), :, t])
        row = eff.loc[(f, p, y)]
        lo, med, hi = np.quantile(diff, [0.1, 0.5, 0.9])
        assert row["median"] == pytest.approx(med, rel=1e-12, abs=1e-3)
        assert row["lower"] == pytest.approx(lo, rel=1e-12, abs=1e-3)
        assert row["upper"] == pytest.approx(hi, rel=1e-12, abs=1e-3)
        assert row["share_positive"] == pytest.approx(float(np.mean(diff > 0)))
    # in the baseline (capacity-bound) improved conditions add turnover by 2035 in most draws
    assert eff.loc[("baseline", "improved_conditions", 2035), "share_positive"] > 0.5
    assert eff.loc[("baseline", "labour_squeeze", 2035), "median"] < 0


def test_policy_effects_default_level_years_and_other_reference(grid):
    eff = grid.policy_effects("capacity_eur")
    assert sorted(set(eff.index.get_level_values("year"))) == YEARS
    arr = _a(grid, "capacity_eur")
    diff = arr[1, :, 0] - arr[0, :, 0]  # constant_gdp_shares, improved - current, 2026
    lo, hi = np.quantile(diff, [0.05, 0.95])
    row = eff.loc[("constant_gdp_shares", "improved_conditions", 2026)]
    assert row["lower"] == pytest.approx(lo, abs=1e-3) and row["upper"] == pytest.approx(
        hi, abs=1e-3)
    # against another reference the differences change sign: quantiles mirror
    other = grid.policy_effects("turnover_real_eur", reference="improved_conditions",
                                years=2035)
    assert ("baseline", "current_conditions", 2035) in other.index
    assert ("baseline", "improved_conditions", 2035) not in other.index
    ref = grid.policy_effects("turnover_real_eur", years=2035)
    a = other.loc[("baseline", "current_conditions", 2035)]
    b = ref.loc[("baseline", "improved_conditions", 2035)]
    assert a["median"] == pytest.approx(-b["median"], abs=1e-3)
    assert a["lower"] == pytest.approx(-b["upper"], abs=1e-3)
    assert a["upper"] == pytest.approx(-b["lower"], abs=1e-3)


def test_policy_effects_on_a_hand_made_result():
    base = np.arange(1.0, 101.0).reshape(1, 100, 1) * np.ones((1, 1, 2))
    draws = np.concatenate([base, base + np.linspace(-1, 3, 100).reshape(1, 100, 1)])
    res = ScenarioResult({"v": draws}, ["f/current_conditions", "f/p"], [2030, 2035])
    eff = res.policy_effects("v")
    diff = np.linspace(-1, 3, 100)
    assert eff.loc[("f", "p", 2035), "median"] == pytest.approx(np.median(diff))
    assert eff.loc[("f", "p", 2035), "share_positive"] == pytest.approx(np.mean(diff > 0))
    assert eff.loc[("f", "p", 2030), "lower"] == pytest.approx(np.quantile(diff, 0.05))


def test_policy_effects_errors(outlook, grid):
    plain = outlook.simulate(["current_conditions", "improved_conditions"], horizon=2028,
                             n_draws=20, seed=1)
    assert plain.futures == () and plain.policies == ()
    with pytest.raises(InputError, match="grid"):
        plain.policy_effects("turnover_real_eur")
    with pytest.raises(InputError, match="did you mean 'current_conditions'"):
        grid.policy_effects("turnover_real_eur", reference="current_conditons")
    with pytest.raises(InputError, match="did you mean 'turnover_real_eur'"):
        grid.policy_effects("turnover_reel_eur")
    with pytest.raises(InputError, match="2040"):
        grid.policy_effects("turnover_real_eur", years=[2030, 2040])
    with pytest.raises(InputError, match="level"):
        grid.policy_effects("turnover_real_eur", level=1.5)
    # a future without the reference policy
    draws = np.zeros((3, 5, 1))
    res = ScenarioResult({"v": draws}, ["a/current_conditions", "a/p", "b/p"], [2030])
    with pytest.raises(InputError, match="'b'"):
        res.policy_effects("v")
    # a grid with the reference only
    only = ScenarioResult({"v": np.zeros((1, 5, 1))}, ["a/current_conditions"], [2030])
    with pytest.raises(InputError):
        only.policy_effects("v")


# ============================================================================================
# 3. Benchmark
# ============================================================================================
def test_default_outlook_starts_at_the_published_totals(outlook, outlook_survey_level):
    assert outlook.benchmark == "published"
    assert outlook.base["turnover_ds_eur"] == pytest.approx(10.2e9, rel=1e-12)
    assert outlook.base["export_share"] == pytest.approx(0.36, rel=1e-12)
    assert outlook.base["exports_eur"] == pytest.approx(0.36 * 10.2e9, rel=1e-9)
    own = outlook_survey_level.base
    assert outlook_survey_level.benchmark is None
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.survey import survey_total

    est = survey_total(synthetic_survey(seed=0), "turnover_ds_eur", year=2025, protect=False)
    assert own["turnover_ds_eur"] == pytest.approx(est.loc["all", "estimate"], rel=1e-9)
    assert own["turnover_ds_eur"] == pytest.approx(own["survey_turnover_ds_eur"], rel=1e-12)
    assert outlook.base["survey_turnover_ds_eur"] == pytest.approx(own["turnover_ds_eur"],
                                                                   rel=1e-12)
    assert outlook.base["benchmark_factor"] == pytest.approx(10.2e9 / own["turnover_ds_eur"],
                                                             rel=1e-12)


def test_first_year_starts_from_the_benchmark(outlook, outlook_survey_level):
    kw = dict(policies=["current_conditions"], futures=["constant_gdp_shares"], horizon=2027,
              n_draws=300, seed=4)
    pub = outlook.simulate(**kw)
    own = outlook_survey_level.simulate(**kw)
    med_pub = float(np.median(_a(pub, "turnover_nominal_eur")[0, :, 0]))
    med_own = float(np.median(_a(own, "turnover_nominal_eur")[0, :, 0]))
    # one year of 3.5% nominal growth at constant GDP shares: within -5% .. +15% of the base
    assert 0.95 * 10.2e9 < med_pub < 1.15 * 10.2e9
    assert 0.95 * 9.28e9 < med_own < 1.15 * 9.28e9
    assert float(np.median(_a(pub, "export_share")[0, :, 0])) == pytest.approx(0.36, abs=0.04)


def test_benchmarks_differ_only_by_a_level_factor(outlook, outlook_survey_level):
    kw = dict(policies=["current_conditions", "improved_conditions"], futures=["baseline"],
              horizon=2032, n_draws=150, seed=9)
    pub = outlook.simulate(**kw)
    own = outlook_survey_level.simulate(**kw)
    np.testing.assert_array_equal(_a(pub, "uplift"), _a(own, "uplift"))
    factor = 10.2e9 / outlook_survey_level.base["turnover_ds_eur"]
    np.testing.assert_allclose(_a(pub, "capacity_eur") / _a(own, "capacity_eur"), factor,
                               rtol=1e-12)
    # demand: the same draws, scaled to the published exports and domestic turnover
    for var, col in (("demand_export_eur", "exports_eur"),
                     ("demand_domestic_eur", "domestic_eur")):
        ratio = outlook.base[col] / outlook_survey_level.base[col]
        np.testing.assert_allclose(_a(pub, var) / _a(own, var), ratio, rtol=1e-10)


def test_bad_benchmarks(outlook):
    with pytest.raises(InputError, match="did you mean 'published'"):
        Outlook.from_survey(benchmark="publishd")
    with pytest.raises(InputError, match="benchmark"):
        Outlook.from_survey(benchmark="survey")
    for year in (2018, 2026):
        with pytest.raises(InputError, match=r"benchmark=None") as err:
            _benchmark_published(outlook.trade_model, year)
        assert str(year) in str(err.value)
    # through the public API a survey of a year without published totals is refused too
    # (by the trade model's calibration years, before the benchmark is reached)
    from nldtib_forecast.data import synthetic_survey

    rows = synthetic_survey(seed=0)
    late = rows[rows["year"] == 2025].assign(year=2026)
    late.attrs = dict(rows.attrs)
    with pytest.raises(InputError, match="2026"):
        Outlook.from_survey(late)
    # a published year works and keeps the survey's relative level errors
    trade, source = _benchmark_published(outlook.trade_model, 2025)
    assert trade.base["exports_eur"] + trade.base["domestic_eur"] == pytest.approx(10.2e9)
    assert "published" in source


# ============================================================================================
# 4. Level drivers
# ============================================================================================
def test_level_driver_constant_acts_from_the_first_year(outlook):
    const = Scenario("nl_const_35", {"nl_defence_spending_gdp_share": 0.035})
    path = Scenario("nl_path_mine", {"nl_defence_spending_gdp_share": {2035: 0.035}})
    assert const.path("nl_defence_spending_gdp_share", [2024, 2025, 2026, 2035]).tolist() == [
        0.025, 0.025, 0.035, 0.035]
    want_path = [0.025 + 0.001 * (y - 2025) for y in range(2025, 2036)]
    np.testing.assert_allclose(path.path("nl_defence_spending_gdp_share",
                                         range(2025, 2036)).to_numpy(), want_path, rtol=1e-12)
    res = outlook.simulate(["current_conditions", const, path], horizon=2035, n_draws=100,
                           seed=3)
    dom = _a(res, "demand_domestic_eur")
    # materiel spending scales with value_t / value_base: 1.4 in every year from 2026
    np.testing.assert_allclose(dom[1] / dom[0], 0.035 / 0.025, rtol=1e-12)
    np.testing.assert_allclose(dom[2] / dom[0],
                               np.broadcast_to(np.array(want_path[1:]) / 0.025, dom[0].shape),
                               rtol=1e-12)
    np.testing.assert_array_equal(_a(res, "demand_export_eur")[1],
                                  _a(res, "demand_export_eur")[0])
    assert np.all(_a(res, "demand_eur")[1] > _a(res, "demand_eur")[0])


def test_level_driver_base_year_value_is_the_observed_one():
    assert get_driver("nl_defence_spending_gdp_share").default == 0.025
    assert BASE_YEAR == 2025
    with pytest.raises(InputError, match="nl_defence_spending_gdp_share"):
        Scenario("bad", {"nl_defence_spending_gdp_share": {2025: 0.03, 2035: 0.035}})
    with pytest.raises(InputError, match="nl_defence_spending_gdp_share"):
        Scenario("bad", {"nl_defence_spending_gdp_share": {2020: 0.02, 2035: 0.035}})
    # the observed value at the base year is accepted
    ok = Scenario("ok", {"nl_defence_spending_gdp_share": {2025: 0.025, 2035: 0.035}})
    assert ok.path("nl_defence_spending_gdp_share", [2030]).tolist() == pytest.approx([0.03])
    # nl_path_35 starts from the observed 2.5%, the registry default
    p = builtin()["nl_path_35"].path("nl_defence_spending_gdp_share", [2025, 2026, 2030, 2035])
    np.testing.assert_allclose(p.to_numpy(), [0.025, 0.026, 0.030, 0.035], rtol=1e-12)
    # every built-in scenario has the observed base-year value of every level driver
    for name, scen in builtin().items():
        for drv in scen.drivers:
            d = get_driver(drv)
            if d.level:
                assert scen.path(drv, [BASE_YEAR]).iloc[0] == pytest.approx(d.default), (
                    name, drv)


# ============================================================================================
# 5. Short run
# ============================================================================================
def test_short_run_capacity_available_in_2026(outlook, grid):
    u = _a(grid, "uplift")
    cur = grid.scenarios.index("baseline/current_conditions")
    assert np.all(u[cur, :, 0] > 0)
    cap = _a(grid, "capacity_eur")
    assert np.all(cap[cur, :, 0] > outlook.base["capacity_base_eur"])
    # equal across policies in 2026: improvements wait for lead time + build time
    for i in range(cap.shape[0]):
        np.testing.assert_array_equal(cap[i, :, 0], cap[cur, :, 0])
    # even a policy at the improved levels from 2026 on (a procurement lead time of 12
    # months: decisions of 2026 wait at least 1 year + build time) adds nothing in 2026-2027
    fast = Scenario("fast", {"order_certainty": 0.65, "procurement_lead_time_months": 12.0},
                    kind="policy")
    res = outlook.simulate(policies=["current_conditions", fast], futures=["baseline"],
                           horizon=2030, n_draws=100, seed=11)
    c = _a(res, "capacity_eur")
    np.testing.assert_array_equal(c[1, :, :2], c[0, :, :2])
    assert np.median(c[1, :, -1]) > np.median(c[0, :, -1])


# ============================================================================================
# 6. Sense checks: property tests on random driver paths
# ============================================================================================
_REG = drivers()


def _range(name):
    return float(_REG.loc[name, "lower"]), float(_REG.loc[name, "upper"])


@st.composite
def _spec(draw, name, lo=None, hi=None):
    """A constant, or a 2-point path ``((y1, v1), (y2, v2))`` after the base year."""
    a, b = _range(name)
    lo, hi = (a if lo is None else lo), (b if hi is None else hi)
    value = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if draw(st.booleans()):
        return draw(value)
    y1 = draw(st.integers(2026, 2033))
    y2 = draw(st.integers(y1 + 1, 2035))
    return ((y1, draw(value)), (y2, draw(value)))


def _as_driver(spec):
    return spec if isinstance(spec, float) else {y: v for y, v in spec}


def _shifted(spec, deltas, hi):
    """``spec`` with non-negative ``deltas`` added at its points (clipped at ``hi``): a path
    at least as high in every year."""
    if isinstance(spec, float):
        return min(spec + deltas[0], hi)
    return tuple((y, min(v + d, hi)) for (y, v), d in zip(spec, deltas, strict=True))


def _others(names, **ranges):
    """Random constants for other drivers (everything else equal between the two runs)."""
    return st.fixed_dictionaries({n: st.floats(*ranges.get(n, _range(n)), allow_nan=False)
                                  for n in names})


_DELTAS = st.tuples(st.floats(0.0, 0.5), st.floats(0.0, 0.5))
_EXTERNAL_OTHERS = ("nl_gdp_growth", "nl_defence_spending_gdp_share", "nl_materiel_share",
                    "nl_market_share_trend", "cost_inflation", "domestic_priority",
                    "domestic_sourcing_share", "order_certainty")


# Seed 33 (200 draws) holds a draw whose export elasticity is negative in both the trade
# model and the outlook streams (the elasticity 0.49, s.e. 0.08, is drawn with a t-tail
# from 5 residual degrees of freedom and is not truncated at 0); the explicit example keeps
# that case in every run.
@PROPERTY
@example(a_spec=0.0, deltas=(0.1, 0.1), others={}, seed=33)
@given(a_spec=_spec("eu_procurement_growth", hi=0.9), deltas=_DELTAS,
       others=_others(_EXTERNAL_OTHERS, cost_inflation=(-0.05, 0.15)),
       seed=st.integers(0, 2**16))
def test_more_european_demand_never_lowers_exports(outlook, a_spec, deltas, others, seed):
    hi = _range("eu_procurement_growth")[1]
    b_spec = _shifted(a_spec, deltas, hi)
    lo_s = Scenario("eu_low", {**others, "eu_procurement_growth": _as_driver(a_spec)})
    hi_s = Scenario("eu_high", {**others, "eu_procurement_growth": _as_driver(b_spec)})
    res = outlook.simulate([lo_s, hi_s], horizon=2035, n_draws=200, seed=seed)
    x = _a(res, "exports_eur")
    bad_outlook = (x[1] < x[0] * (1 - 1e-12)).any(axis=1)
    # the export share model alone
    trade = {k: v for k, v in lo_s.drivers.items() if k in TRADE_DRIVER_NAMES}
    lo_t = Scenario("eu_low", {**trade, "eu_procurement_growth": _as_driver(a_spec)})
    hi_t = Scenario("eu_high", {**trade, "eu_procurement_growth": _as_driver(b_spec)})
    proj = outlook.trade_model.simulate([lo_t, hi_t], horizon=2035, n_draws=200, seed=seed)
    x = _a(proj, "exports_eur")
    bad_trade = (x[1] < x[0] * (1 - 1e-12)).any(axis=1)
    assert not (bad_outlook.any() or bad_trade.any()), (
        f"more European demand lowers exports: outlook in draws "
        f"{np.flatnonzero(bad_outlook).tolist()}, ExportShareModel.project in draws "
        f"{np.flatnonzero(bad_trade).tolist()}")


# Lead 40 -> 48 months (both worse than the current 30): the larger loss of capacity of the
# longer lead time is itself delayed by that lead time (decisions wait lead/12 + build years),
# so capacity under 48 months stays above capacity under 40 months in some years.
@PROPERTY
@example(a_spec=40.0, deltas=(8.0, 8.0), others={}, seed=1)
@given(a_spec=_spec("procurement_lead_time_months"),
       deltas=st.tuples(st.floats(0.0, 60.0), st.floats(0.0, 60.0)),
       others=_others(("order_certainty", "labour_supply_growth")),
       seed=st.integers(0, 2**16))
def test_longer_lead_time_never_raises_capacity(outlook, a_spec, deltas, others, seed):
    hi = _range("procurement_lead_time_months")[1]
    b_spec = _shifted(a_spec, deltas, hi)
    short = Scenario("short", {**others, "procurement_lead_time_months": _as_driver(a_spec)},
                     kind="policy")
    long_ = Scenario("long", {**others, "procurement_lead_time_months": _as_driver(b_spec)},
                     kind="policy")
    yrs = range(2025, 2036)
    assert np.all(long_.path("procurement_lead_time_months", yrs).to_numpy()
                  >= short.path("procurement_lead_time_months", yrs).to_numpy())
    res = outlook.simulate(policies=[short, long_], futures=["baseline"], horizon=2035,
                           n_draws=150, seed=seed)
    cap = _a(res, "capacity_eur")
    bad = cap[1] > cap[0] * (1 + 1e-12)
    assert not bad.any(), (
        f"capacity higher under the longer lead time in {bad.mean():.1%} of draw-years "
        f"(years {[int(y) for y in np.array(YEARS)[bad.any(axis=0)]]}, by up to "
        f"{float(np.max(cap[1] / cap[0] - 1)):.2%})")


#: Values on the current side of each lever's improved level (beyond it the relief is capped:
#: moving "towards improved" from there would be a worsening).
_CURRENT_SIDE = {"order_certainty": (0.0, 0.65), "procurement_lead_time_months": (12.0, 120.0),
                 "labour_supply_growth": (-0.2, 0.03)}


@st.composite
def _lever_move(draw):
    name = draw(st.sampled_from(LEVERS_WITH_IMPROVED))
    assert float(get_driver(name).improved) in _CURRENT_SIDE[name]
    spec = draw(_spec(name, *_CURRENT_SIDE[name]))
    lam = draw(st.floats(0.05, 1.0))
    return name, spec, lam


def _yearly(driver, spec):
    """The values of a spec in 2026-2035 (level drivers start from the observed value)."""
    s = Scenario("tmp", {driver: _as_driver(spec)})
    return s.path(driver, YEARS).to_numpy()


# Two explicit examples, each a failure seen while writing these tests:
# * order certainty 0 -> 0.65 (labour supply growth 0, seed 18): with segments (NLD areas)
#   the labour pool's shortfall is shared by every segment in proportion to its labour-naming
#   firms, so more order certainty can lower the capacity of a segment whose firms do not name
#   orders; turnover falls in one draw-year (by 0.013%);
# * lead time 48 -> 40 months (towards the improved 12) lowers capacity, and with it turnover,
#   in some years of a capacity-bound future: see test_longer_lead_time_never_raises_capacity.
@pytest.fixture(scope="module")
def outlook_aggregate():
    return Outlook.from_survey(segments="none")


@PROPERTY
@example(move=("order_certainty", 0.0, 1.0), others={"labour_supply_growth": 0.0}, seed=18)
@example(move=("procurement_lead_time_months", 48.0, 2 / 9), others={}, seed=1)
@given(move=_lever_move(),
       others=_others(("order_certainty", "labour_supply_growth", "domestic_priority")),
       seed=st.integers(0, 2**16))
def test_lever_towards_improved_never_lowers_turnover(outlook, outlook_aggregate, move, others,
                                                      seed):
    """On the aggregate (segments="none") a lever moved towards its improved level never
    lowers turnover in any draw. With segments (NLD areas) the labour pool is shared: the
    pool's shortfall is spread over the segments in proportion to their labour-naming firms,
    so growth that orders or procurement release in one segment can take labour from another
    (crowding out in a tight labour market; documented in the capacity methodology). That can
    lower total turnover a little where the losing segment is capacity-bound and the gaining
    one demand-bound: bounded here at 0.1%."""
    name, spec, lam = move
    improved = float(get_driver(name).improved)
    a = _yearly(name, spec)
    b = a + lam * (improved - a)  # every year closer to the improved level
    others = {k: v for k, v in others.items() if k != name}
    surge = dict(builtin()["european_surge"].drivers)  # a future where capacity binds
    before = Scenario("before", {**surge, **others,
                                 name: {y: float(v) for y, v in zip(YEARS, a, strict=True)}})
    after = Scenario("after", {**surge, **others,
                               name: {y: float(v) for y, v in zip(YEARS, b, strict=True)}})
    for model, tol in ((outlook_aggregate, 1e-12), (outlook, 1e-3)):
        res = model.simulate([before, after], horizon=2035, n_draws=150, seed=seed)
        # markup 0: prices do not depend on the levers
        np.testing.assert_array_equal(_a(res, "price_index")[1], _a(res, "price_index")[0])
        t = _a(res, "turnover_real_eur")
        bad = t[1] < t[0] * (1 - tol)
        assert not bad.any(), (
            f"{name} moved towards {improved:g} lowers turnover ({model.segments}) in "
            f"{int(bad.sum())} draw-years (by up to {float(np.max(1 - t[1] / t[0])):.4%})")


@PROPERTY
@given(eu=_spec("eu_procurement_growth", lo=-0.5, hi=-0.15),
       gdp=st.floats(-0.2, -0.1), seed=st.integers(0, 2**16))
def test_low_demand_every_policy_gives_the_same_turnover(outlook, eu, gdp, seed):
    low = Scenario("low_demand", {"eu_procurement_growth": _as_driver(eu),
                                  "nl_gdp_growth": gdp}, kind="future")
    res = outlook.simulate(policies=list(POLICY_NAMES), futures=[low], horizon=2035,
                           n_draws=100, seed=seed)
    free = _free(res).all(axis=0)
    assert free.mean() > 0.9  # demand is below capacity almost everywhere
    t = _a(res, "turnover_real_eur")
    for i in range(1, t.shape[0]):
        assert np.all(_rel_close(t[i][free], t[0][free])), res.scenarios[i]
    b = binding_constraints(res)
    for scen in res.scenarios:
        assert b.loc[scen, "sentence"].iloc[0] == (
            "demand limits turnover in every year 2026-2035 (in most draws)")
        assert (b.loc[scen, "binding"] == "demand").all()


# ============================================================================================
# 7. binding_constraints
# ============================================================================================
def _hand_result(bound_share, years, n=100):
    """Demand 100 in every draw; unmet demand 5 (5%) in the first ``share * n`` draws."""
    s = len(bound_share)
    demand = np.full((s, n, len(years)), 100.0)
    unmet = np.zeros_like(demand)
    for i, shares in enumerate(bound_share):
        for t, share in enumerate(shares):
            unmet[i, :int(round(share * n)), t] = 5.0
    return ScenarioResult({"unmet_demand_eur": unmet, "demand_eur": demand},
                          [f"s{i}" for i in range(s)], years)


def test_binding_constraints_sentences():
    years = list(range(2026, 2036))
    switch = [0.0, 0.1, 0.5, 0.8, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0]  # 2029 the first > 0.5
    middle = [0.0, 0.0, 0.0, 0.7, 0.9, 0.2, 0.0, 0.0, 0.0, 0.0]
    back = [0.9, 0.9, 0.2, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    never = [0.4] * 10
    res = _hand_result([switch, middle, back, never], years)
    b = binding_constraints(res)
    assert list(b.index.names) == ["scenario", "year"]
    assert {"share_capacity_bound", "binding", "sentence"} <= set(b.columns)
    assert len(b) == 4 * len(years)
    np.testing.assert_allclose(b.loc["s0", "share_capacity_bound"].to_numpy(), switch)
    assert b.loc["s0", "binding"].tolist() == ["demand"] * 3 + ["capacity"] * 7
    assert set(b.loc["s0", "sentence"]) == {
        "demand limits turnover until 2028; capacity from 2029 (in most draws)"}
    assert b.loc["s1", "sentence"].iloc[0] == (
        "demand limits turnover until 2028; capacity in 2029-2030; demand from 2031 "
        "(in most draws)")
    assert b.loc["s2", "sentence"].iloc[0] == (
        "capacity limits turnover until 2027; demand in 2028; capacity from 2029 "
        "(in most draws)")
    assert b.loc["s3", "sentence"].iloc[0] == (
        "demand limits turnover in every year 2026-2035 (in most draws)")


def test_binding_constraints_threshold_and_majority():
    years = [2030, 2031]
    # exactly half the draws bound: not a majority; unmet exactly at the threshold: not bound
    res = _hand_result([[0.5, 0.51]], years)
    b = binding_constraints(res)
    assert b["binding"].tolist() == ["demand", "capacity"]
    assert binding_constraints(res, threshold=0.05)["share_capacity_bound"].tolist() == [0, 0]
    assert binding_constraints(res, majority=0.6)["binding"].tolist() == ["demand", "demand"]
    with pytest.raises(InputError, match="demand_eur"):
        binding_constraints(ScenarioResult({"unmet_demand_eur": np.zeros((1, 3, 2))}, ["a"],
                                           years))
    with pytest.raises(InputError):
        binding_constraints("not a result")


def test_binding_constraints_on_the_outlook(grid):
    b = binding_constraints(grid)
    assert list(b.index.unique("scenario")) == list(grid.scenarios)
    unmet, demand = _a(grid, "unmet_demand_eur"), _a(grid, "demand_eur")
    share = (unmet > 0.01 * demand).mean(axis=1)
    np.testing.assert_allclose(b["share_capacity_bound"].to_numpy(), share.ravel())
    assert b.loc["constant_gdp_shares/current_conditions", "sentence"].iloc[0].startswith(
        "demand limits turnover")


# ============================================================================================
# 8. Hindcast
# ============================================================================================
@pytest.fixture(scope="module")
def hindcast_2021(outlook):
    return outlook.hindcast(start=2021, end=2025, n_draws=400, seed=6)


def test_hindcast_frame(hindcast_2021, outlook):
    h = hindcast_2021
    assert list(h.columns) == ["year", "variable", "published", "median", "lower", "upper",
                               "covered"]
    assert h["variable"].unique().tolist() == ["ds_turnover_eur", "export_share"]
    for var in ("ds_turnover_eur", "export_share"):
        assert h.loc[h.variable == var, "year"].tolist() == [2022, 2023, 2024, 2025]
    assert (h["lower"] <= h["median"]).all() and (h["median"] <= h["upper"]).all()
    pub = outlook.history()["turnover_ds_published_eur"]
    turn = h[h.variable == "ds_turnover_eur"].set_index("year")
    np.testing.assert_allclose(turn["published"], pub.loc[2022:2025])
    share = h[h.variable == "export_share"].set_index("year")
    assert np.isnan(share.loc[2024, "published"])  # the export share of 2024 is unpublished
    assert share.loc[2025, "published"] == pytest.approx(0.36)
    # covered: NA where nothing is published, else lower <= published <= upper
    assert str(h["covered"].dtype) == "boolean"
    na = h["published"].isna()
    assert h.loc[na, "covered"].isna().all()
    inside = (h["lower"] <= h["published"]) & (h["published"] <= h["upper"])
    assert h.loc[~na, "covered"].astype(bool).tolist() == inside[~na].tolist()
    # from 2021, 400 draws, seed 6: all 7 published values (4 turnovers, 3 export shares)
    # lie inside the 90% intervals (checked also for seeds 0-2 and 300-2000 draws)
    assert int(h["covered"].sum()) >= 6
    assert int(h["covered"].notna().sum()) == 7


def test_hindcast_reproducible_and_checked(outlook, hindcast_2021):
    again = outlook.hindcast(start=2021, end=2025, n_draws=400, seed=6)
    pd.testing.assert_frame_equal(again, hindcast_2021)
    other = outlook.hindcast(start=2021, end=2025, n_draws=400, seed=7)
    assert not np.allclose(other["median"], hindcast_2021["median"])
    short = outlook.hindcast(start=2023, end=2024, n_draws=100, seed=1)
    assert short["year"].unique().tolist() == [2024]
    for start, end in ((2020, 2025), (2021, 2026), (2023, 2023), (2024, 2023)):
        with pytest.raises(InputError, match="start"):
            outlook.hindcast(start=start, end=end, n_draws=50, seed=1)
    with pytest.raises(InputError, match="start"):
        outlook.hindcast(start=2021.0, end=2025, n_draws=50, seed=1)
    with pytest.raises(InputError, match="level"):
        outlook.hindcast(start=2021, end=2025, n_draws=50, seed=1, level=0)


# ============================================================================================
# 9. Built-in futures and policies: every number traced
# ============================================================================================
def test_nl_budget_2026_arithmetic():
    nl = load_nl_defence()
    assert nl.loc[2026, "defence_budget_minfin_eur"] == pytest.approx(26.8e9)
    assert nl.loc[2026, "defence_budget_minfin_change_eur"] == pytest.approx(3.4e9)
    b = nl_budget_2026()
    assert b["budget_2026_eur"] == pytest.approx(26.8e9)
    assert b["budget_2025_eur"] == pytest.approx(23.4e9)
    assert b["budget_growth"] == pytest.approx(26.8 / 23.4 - 1, rel=1e-12)
    assert b["gdp_share_2026"] == pytest.approx(0.025 * (26.8 / 23.4) / 1.035, rel=1e-12)
    assert b["materiel_2026_eur"] == pytest.approx(13.53e9)
    # the materiel share reproduces the equipment fund's 2026 expenditure from the 2025 level
    implied = (b["materiel_2025_eur"] * 1.035 * (b["gdp_share_2026"] / 0.025)
               * (b["materiel_share_2026"] / 0.35))
    assert implied == pytest.approx(13.53e9, rel=1e-12)


def test_baseline_future_traced():
    fut = builtin_futures()
    b = nl_budget_2026()
    core = float(load_policy_targets().set_index(["target", "year"]).loc[
        ("nato_core_defence_gdp_share", 2035), "value"])
    assert core == 0.035
    base = fut["baseline"]
    share = base.path("nl_defence_spending_gdp_share", range(2025, 2037)).to_numpy()
    assert share[0] == 0.025
    assert share[1] == pytest.approx(b["gdp_share_2026"], abs=1e-6)
    assert share[10] == pytest.approx(0.035, rel=1e-12)
    assert share[11] == pytest.approx(0.035, rel=1e-12)
    np.testing.assert_allclose(np.diff(share[1:11]), (0.035 - share[1]) / 9, rtol=1e-9)
    # EU procurement: spending from 2.1% (2025, EDA) to 3.5% (2035) of GDP, GDP +3.5%
    g = base.path("eu_procurement_growth", range(2026, 2036)).to_numpy()
    s = 0.021 + (0.035 - 0.021) * np.arange(0, 11) / 10
    np.testing.assert_allclose(g, 1.035 * s[1:] / s[:-1] - 1, atol=1e-6)
    # the trade model under the baseline spends the equipment fund's EUR 13.53 bn in 2026
    proj = ExportShareModel.from_published().simulate(["baseline"], horizon=2026, n_draws=5,
                                                     seed=1)
    p26 = _a(proj, "materiel_spending_eur")[0, :, 1]
    np.testing.assert_allclose(p26, 13.53e9, rtol=1e-4)


def test_other_futures_traced():
    fut = builtin_futures()
    yrs = [2026, 2027, 2028]
    surge = fut["european_surge"].path("eu_procurement_growth", yrs).to_numpy()
    base = fut["baseline"].path("eu_procurement_growth", yrs).to_numpy()
    assert np.all(surge > base)
    assert np.all(surge > 0.18)  # ReArm: +19-25% a year in 2026-2028
    # the Netherlands as in the baseline
    for drv in ("nl_defence_spending_gdp_share", "nl_materiel_share"):
        assert fut["european_surge"].drivers[drv] == fut["baseline"].drivers[drv]
    slow = fut["slower_path"].path("nl_defence_spending_gdp_share", range(2026, 2036))
    s26 = nl_budget_2026()["gdp_share_2026"]
    np.testing.assert_allclose(slow.to_numpy(), s26, atol=1e-6)
    assert slow.nunique() == 1
    assert fut["slower_path"].path("nl_defence_spending_gdp_share", [2025]).iloc[0] == 0.025
    slow_eu = fut["slower_path"].path("eu_procurement_growth", range(2026, 2036)).to_numpy()
    assert np.all(slow_eu < fut["baseline"].path("eu_procurement_growth",
                                                 range(2026, 2036)).to_numpy())
    assert fut["constant_gdp_shares"].drivers == {}


def test_builtin_kinds_and_sources():
    fut, pol = futures(), policies()
    assert tuple(fut)[:len(FUTURE_NAMES)] == FUTURE_NAMES
    assert tuple(pol) == POLICY_NAMES
    for name in FUTURE_NAMES:
        assert builtin_futures()[name] == fut[name]
    for name, s in fut.items():
        assert s.kind == "future", name
        assert len(s.sources) > 0 and all(src.strip() for src in s.sources), name
        assert all(get_driver(d).kind == "external" for d in s.drivers), name
    for name, s in pol.items():
        assert s.kind == "policy", name
        assert all(get_driver(d).kind == "lever" for d in s.drivers), name
