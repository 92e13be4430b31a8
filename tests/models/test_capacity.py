"""Tests of nldtib_forecast.models.capacity: calibration identity, relief, downside, the
vectorised kernel against a firm-by-firm reference, determinism, scenarios, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.capacity import CapacityModel, Prior
from nldtib_forecast.models.capacity import kernel as K
from nldtib_forecast.scenarios import (
    BUILTIN_NAMES,
    Scenario,
    builtin,
    get_driver,
    load_scenarios,
)
from nldtib_forecast.simulation import SimulationContext

SIX = list(BUILTIN_NAMES)  # the capacity model's built-in scenarios
YEARS = np.arange(2026, 2036)


@pytest.fixture(scope="module")
def population():
    return synthetic_survey(population=True)


@pytest.fixture(scope="module")
def sample(synthetic_sample):
    return synthetic_sample.copy()  # synthetic_survey(), built once per session (conftest.py)


@pytest.fixture(scope="module")
def pop_model(population):
    return CapacityModel.from_survey(population)


@pytest.fixture(scope="module")
def model(capacity_model):
    return capacity_model  # CapacityModel.from_survey(synthetic_survey()), once per session


# --------------------------------------------------------------------------------------------
# Calibration identity
# --------------------------------------------------------------------------------------------
def test_identity_on_the_synthetic_population_is_33_and_67_percent(pop_model):
    # L26: 33% under current, 67% under improved conditions; the synthetic population is
    # calibrated to both exactly (D&S-turnover weighted)
    assert pop_model.long_run_uplift("current_conditions") == pytest.approx(0.33, abs=1e-12)
    assert pop_model.long_run_uplift("improved_conditions") == pytest.approx(0.67, abs=1e-12)


@pytest.mark.parametrize("assumptions", [
    {}, {"relief_aggregation": "mean"}, {"no_barrier_relief": "min"},
    {"relief_aggregation": "mean", "no_barrier_relief": "min", "curvature_orders": 2.5},
    {"curvature_labour": Prior("lognormal", 0.5, 0.1)},
])
def test_identity_is_exact_on_the_sample(sample, assumptions):
    m = CapacityModel.from_survey(sample, **assumptions)
    cal = m.calibration
    lr = m.long_run_uplift(["current_conditions", "improved_conditions"])
    # bit for bit: the same weighted mean of the same firm values
    assert lr["current_conditions"] == cal["scale_up_current"]
    assert lr["improved_conditions"] == cal["scale_up_improved"]
    d = sample[sample.year == 2025]
    a = d.weight * d.turnover_ds_eur
    assert cal["scale_up_current"] == pytest.approx((a * d.scale_up_current).sum() / a.sum(),
                                                    rel=1e-12)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_identity_holds_for_any_answers_and_barriers(sample, seed):
    rng = np.random.default_rng(seed)
    df = sample.copy()
    rows = df.index[df.year == 2025]
    cur = rng.gamma(1.5, 0.2, len(rows))
    df.loc[rows, "scale_up_current"] = cur
    df.loc[rows, "scale_up_improved"] = cur + rng.gamma(1.0, 0.3, len(rows))
    for b in K.BARRIERS:
        df[b] = df[b].astype("boolean")
        df.loc[rows, b] = pd.array(rng.random(len(rows)) < rng.uniform(0.1, 0.9),
                                   dtype="boolean")
    m = CapacityModel.from_survey(df, relief_aggregation=["min", "mean"][seed % 2])
    lr = m.long_run_uplift(["current_conditions", "improved_conditions"])
    assert lr.tolist() == m.calibration.tolist()


def test_long_run_uplift_of_a_path_uses_its_last_value_or_the_given_year(model):
    s = builtin()["orders_only"]
    assert model.long_run_uplift(s) == model.long_run_uplift(
        Scenario("x", {"order_certainty": 0.65}))
    assert model.long_run_uplift(s, year=2026) == model.long_run_uplift("current_conditions")
    assert isinstance(model.long_run_uplift([s]), pd.Series)


# --------------------------------------------------------------------------------------------
# Relief: monotone in every driver, downside below current
# --------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(a=st.floats(-2, 2), b=st.floats(-2, 2), gamma=st.floats(0.2, 5))
def test_relief_is_monotone_and_bounded(a, b, gamma):
    for d in K.DRIVERS:
        cur, imp = get_driver(d).default, get_driver(d).improved
        x1, x2 = sorted([cur + a * (imp - cur), cur + b * (imp - cur)],
                        key=lambda x: (x - cur) / (imp - cur))  # x2 is the better level
        r1, r2 = K.relief([x1, x2], cur, imp, gamma)
        assert r1 <= r2 and -1 <= r1 <= 1 and -1 <= r2 <= 1
    assert K.relief(30.0, 30.0, 12.0, gamma) == 0 and K.relief(12.0, 30.0, 12.0, gamma) == 1


@settings(max_examples=25, deadline=None)
@given(driver=st.sampled_from(K.DRIVERS), u1=st.floats(0, 1), u2=st.floats(0, 1))
def test_long_run_uplift_is_monotone_in_each_driver(model, driver, u1, u2):
    drv = get_driver(driver)
    lo, hi = model.driver_ranges(1.0).loc[driver, ["lower", "upper"]]
    x1, x2 = lo + u1 * (hi - lo), lo + u2 * (hi - lo)
    better = (x2 - x1) * (drv.improved - drv.default) >= 0
    v1 = model.long_run_uplift(Scenario("a", {driver: x1}))
    v2 = model.long_run_uplift(Scenario("b", {driver: x2}))
    assert (v2 >= v1 - 1e-15) if better else (v1 >= v2 - 1e-15)


def test_downside_is_below_current_in_the_long_run_and_in_every_draw(model):
    assert model.long_run_uplift("labour_squeeze") < model.long_run_uplift("current_conditions")
    res = model.simulate(["current_conditions", "labour_squeeze"], n_draws=300, seed=3)
    diff = res.difference("labour_squeeze").array("uplift")[0]  # draw by draw (CRN)
    assert (diff <= 1e-15).all()
    assert (diff[:, -1] < 0).all()


def test_firm_uplift_never_falls_below_zero_at_the_worst_relief(model):
    worst = Scenario("worst", {"order_certainty": 0.0, "procurement_lead_time_months": 120,
                               "labour_supply_growth": -0.2})
    assert 0 <= model.long_run_uplift(worst) < model.long_run_uplift("current_conditions")


# --------------------------------------------------------------------------------------------
# The vectorised kernel equals the firm-by-firm model, draw by draw
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("assumptions", [
    {}, {"relief_aggregation": "mean", "no_barrier_relief": "min", "ramp": "logistic"},
    {"bootstrap": "bayesian", "ramp_shape": 3.5, "labour_constraint": "none"},
])
def test_kernel_matches_the_firm_level_reference(sample, assumptions):
    m = CapacityModel.from_survey(sample, **assumptions)
    fn = m.kernel([]).function
    scen = {n: builtin()[n] for n in SIX}
    drivers = {d: np.stack([s.path(d, YEARS).to_numpy() for s in scen.values()])
               for d in K.DRIVERS}
    ctx = SimulationContext(tuple(scen), YEARS, drivers, 5, np.random.default_rng(3), 0, 0)
    out = fn(ctx)
    rng = np.random.default_rng(3)  # replay the draws of the call
    params = fn.parameters(rng, 5)
    factors = fn.plan.factors(rng, 5)
    ans = m._ans
    for si in range(len(scen)):
        for d in range(5):
            p = {k: float(np.broadcast_to(v, (1, 5, 1))[0, d, 0]) for k, v in params.items()}
            ref = K.reference_uplift(m._u_cur[ans], m._u_imp[ans], m._barriers[ans],
                                     (m._w * factors[d] * m._y)[ans],
                                     {k: drivers[k][si] for k in K.DRIVERS}, p,
                                     m._references, m._settings, m._base_lead)
            np.testing.assert_allclose(out["uplift"][si, d], ref, rtol=0, atol=1e-13)
            total = (m._w * factors[d] * m._y).sum()
            np.testing.assert_allclose(out["capacity_eur"][si, d], total * (1 + ref),
                                       rtol=1e-12)


def test_simulation_reaches_the_long_run_when_lags_vanish(sample):
    m = CapacityModel.from_survey(sample, build_years=1e-3, ramp_years=1e-3,
                                  short_run_years=1e-3, labour_constraint="none",
                                  bootstrap="none")
    res = m.simulate(SIX, horizon=2034, n_draws=20, seed=0)
    last = res.summary_frame("uplift", year=2034)["mean"].droplevel("year")
    np.testing.assert_allclose(last.to_numpy(), m.long_run_uplift(SIX).to_numpy(),
                               rtol=1e-12)
    # the drivers end at their current, improved or worst levels, where curvature has no effect
    assert res.summary_frame("uplift", year=2034)["std"].max() < 1e-12


def test_uplift_paths_are_zero_before_the_first_delay_and_bounded(model):
    res = model.simulate(SIX, n_draws=200, seed=5)
    up = res.array("uplift")
    # 2026: the current-conditions potential ramps up at once (short run) ...
    assert (up[0, :, 0] > 0).all()
    # ... but no relief of a barrier has arrived: a lead time of 30 months has not passed
    np.testing.assert_allclose(up[:, :, 0], np.broadcast_to(up[0, :, 0], up[:, :, 0].shape))
    assert (up > -1).all() and (up < 2).all()
    assert (np.diff(res.array("uplift")[0], axis=1) >= -1e-12).all()  # current: no decline


def test_by_categories_add_up_to_the_total(sample):
    m = CapacityModel.from_survey(sample, bootstrap="none")
    res = m.simulate(["improved_conditions", "labour_squeeze"], n_draws=50, seed=2,
                     by="size_class")
    firms = m.firms[m.firms.respondent]
    a = firms.weight * firms.turnover_ds_eur
    sizes = sample.loc[sample.year == 2025, "size_class"].astype(str).to_numpy()[
        m.firms.respondent.to_numpy()]
    total = sum(a[sizes == c].sum() * res.array(f"uplift[size_class={c}]")
                for c in np.unique(sizes))
    np.testing.assert_allclose(total / a.sum(), res.array("uplift"), rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------------------------------
# Determinism, metadata, scenarios
# --------------------------------------------------------------------------------------------
def test_bit_identical_across_n_jobs_and_chunk_sizes(model):
    ref = model.simulate(["current_conditions", "improved_conditions"], horizon=2032,
                         n_draws=260, seed=11, block_size=50, by="nld_area")
    for n_jobs, chunk in [(1, 50), (1, 1000), (2, None), (2, 100)]:
        again = model.simulate(["current_conditions", "improved_conditions"], horizon=2032,
                               n_draws=260, seed=11, block_size=50, by="nld_area",
                               n_jobs=n_jobs, chunk_size=chunk)
        assert again.equals(ref)


def test_metadata_says_what_the_intervals_include(model, pop_model):
    res = model.simulate("current_conditions", horizon=2028, n_draws=10, seed=1)
    meta = res.metadata
    assert meta.units["uplift"] == "fraction" and meta.units["capacity_eur"] == "EUR"
    assert "parameter uncertainty (priors" in meta.interval_contents
    assert "sampling uncertainty (survey bootstrap: Rao-Wu" in meta.interval_contents
    assert "not scenario uncertainty" in meta.interval_contents
    assert meta.synthetic and meta.seed == 1 and meta.data_hash.startswith("sha256:")
    assert meta.extra["base_year"] == 2025 and list(res.years) == [2026, 2027, 2028]
    # a census has no sampling uncertainty
    census = pop_model.simulate("current_conditions", horizon=2028, n_draws=10, seed=1)
    assert "sampling" not in census.metadata.interval_contents
    fixed = CapacityModel.from_survey(synthetic_survey(population=True),
                                      **{n: p.central for n, p in K.PRIORS.items()})
    assert fixed.simulate("current_conditions", horizon=2027, n_draws=2).metadata\
        .interval_contents.startswith("nothing random")


def test_capacity_is_base_turnover_times_one_plus_uplift(pop_model):
    res = pop_model.simulate(SIX, n_draws=30, seed=4)
    np.testing.assert_allclose(res.array("capacity_eur"),
                               pop_model.base_turnover_eur * (1 + res.array("uplift")),
                               rtol=1e-12)
    assert pop_model.base_turnover_eur == pytest.approx(10.2e9, rel=1e-9)


def test_scenario_toml_round_trip_gives_identical_results(model, tmp_path):
    custom = Scenario("fast_procurement", {"procurement_lead_time_months": {2026: 30, 2027: 15},
                                           "order_certainty": 0.5}, "test", ["none"])
    path = custom.to_toml(tmp_path / "s.toml")
    loaded = load_scenarios(path)["fast_procurement"]
    assert loaded == custom
    a = model.simulate([custom, "current_conditions"], horizon=2031, n_draws=40, seed=8)
    b = model.simulate([loaded, "current_conditions"], horizon=2031, n_draws=40, seed=8)
    assert a.equals(b)


def test_excluded_firms_are_reported_and_the_base_total_keeps_them(sample):
    df = sample.copy()
    rows = df.index[df.year == 2025][:25]
    df.loc[rows[:15], "scale_up_current"] = np.nan
    df.loc[rows[15:], "scale_up_improved"] = np.nan
    m = CapacityModel.from_survey(df)
    assert m.n_excluded == 25 and m.n_respondents == (df.year == 2025).sum() - 25
    full = CapacityModel.from_survey(sample)
    assert m.base_turnover_eur == full.base_turnover_eur
    assert m.long_run_uplift("current_conditions") == m.calibration["scale_up_current"]


def test_missing_barrier_answers_count_as_not_named(sample):
    df = sample.copy()
    rows = df.index[df.year == 2025]
    for b in K.BARRIERS:
        df[b] = df[b].astype("boolean")
    df.loc[rows, "barrier_labour"] = pd.NA
    m = CapacityModel.from_survey(df)
    assert not m._barriers[:, 2].any()
    assert m.long_run_uplift("labour_squeeze") < m.long_run_uplift("current_conditions")


def test_summary_repr_and_plot(model):
    import matplotlib

    matplotlib.use("Agg")
    assert "base year 2025" in repr(model) and "SYNTHETIC" in repr(model)
    assert set(model.priors.index) == set(K.PRIORS)
    assert model.priors.loc["build_years", "median"] == pytest.approx(1.0)
    res = model.simulate(["current_conditions", "improved_conditions"], n_draws=50, seed=1)
    ax = res.plot("capacity_eur")
    assert ax.get_ylabel() == "EUR bn"
    assert "Median and 90% interval in 2035" in res.summary()


# --------------------------------------------------------------------------------------------
# Sensitivity and discovery on the model
# --------------------------------------------------------------------------------------------
def test_sensitivity_of_the_model(model):
    res = model.sensitivity([2026, 2030, 2035], n=2**8, seed=2, n_bootstrap=40)
    assert list(res.factors.index) == [*K.DRIVERS, "curvature", "timing", "labour_pool",
                                       "short_run", "sampling"]
    assert res.n_evaluations == 2**8 * 10
    tab = res.table(2035)
    assert tab["ST"].between(-0.05, 1.2).all() and (tab["ST"] >= tab["S1"] - 0.1).all()
    # 2026: only the current-conditions potential has arrived, so the drivers (whose relief
    # waits for the lead time) explain nothing and the short-run ramp explains most
    first = res.table(2026)
    assert first.loc[list(K.DRIVERS), "ST"].abs().max() < 0.02
    assert first.loc["short_run", "ST"] > 0.5
    again = model.sensitivity([2026, 2030, 2035], n=2**8, seed=2, n_bootstrap=40)
    pd.testing.assert_frame_equal(res.indices, again.indices)
    assert "2035" in res.summary() and len(res.to_frame()) == 3 * 8 * 2 * 3


def test_discover_finds_readable_rules(pop_model):
    found = pop_model.discover(target=0.4, year=2030, n=1024, seed=1)
    chosen = found.boxes.loc[found.chosen]
    assert found.rule.startswith("order_certainty >= ")
    assert 0 < chosen["coverage"] <= 1 and 0 < chosen["density"] <= 1
    assert chosen["density"] > found.base_rate
    tree = pop_model.discover(target=0.4, year=2030, n=1024, seed=1, method="tree")
    assert "order_certainty >" in tree.rule
    assert found.to_frame()["chosen"].sum() == 1 and "coverage" in found.summary()


# --------------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------------
def test_unknown_assumption_is_an_error_with_a_suggestion(sample):
    with pytest.raises(InputError, match="did you mean 'relief_aggregation'"):
        CapacityModel.from_survey(sample, relief_agregation="min")
    with pytest.raises(InputError, match="did you mean 'logistic'"):
        CapacityModel.from_survey(sample, ramp="logistik")
    with pytest.raises(InputError, match="build_years"):
        CapacityModel.from_survey(sample, build_years=-1.0)
    with pytest.raises(InputError, match="ramp_shape"):
        CapacityModel.from_survey(sample, ramp_shape=0)
    with pytest.raises(InputError, match="invalid parameters"):
        Prior("lognormal", -1.0, 0.3)


def test_survey_without_scale_up_answers(sample):
    with pytest.raises(InputError, match=r"no scale-up answers .* in 2023; years with "
                                         r"answers: \[2025\]"):
        CapacityModel.from_survey(sample, year=2023)
    df = sample.copy()
    df["scale_up_current"] = np.nan
    with pytest.raises(InputError, match="in any year"):
        CapacityModel.from_survey(df)


def test_bad_simulation_arguments(model):
    with pytest.raises(InputError, match="did you mean 'labour_squeeze'"):
        model.simulate(["labour_sqeeze"], n_draws=5)
    with pytest.raises(InputError, match="horizon"):
        model.simulate("current_conditions", horizon=2025)
    with pytest.raises(InputError, match="n_draws"):
        model.simulate("current_conditions", n_draws=0)
    with pytest.raises(InputError, match="did you mean 'nld_area'"):
        model.simulate("current_conditions", n_draws=5, by="nld_aera")
    with pytest.raises(InputError, match="power of 2"):
        model.sensitivity(n=1000)
    with pytest.raises(InputError, match="did you mean 'prior'"):
        model.discover(parameters="priors")
    with pytest.raises(InputError, match="year"):
        model.discover(year=2020)


def test_bootstrap_inside_the_model_matches_the_survey_design(model, sample):
    # the Rao-Wu factors drawn inside the model call reproduce the sampling spread of the
    # design's own replicate weights (SurveyDesign.replicate_weights) for the D&S total
    from nldtib_forecast.survey import SurveyDesign

    factors = model._plan.factors(np.random.default_rng(0), 4000)
    ours = (model._w * factors) @ model._y
    rows = (sample.year == 2025).to_numpy()
    rw = SurveyDesign(sample).replicate_weights(1000, seed=1).to_numpy()[rows]
    theirs = rw.T @ sample.loc[rows, "turnover_ds_eur"].to_numpy()
    assert ours.std() == pytest.approx(theirs.std(), rel=0.08)
    assert ours.mean() == pytest.approx(model.base_turnover_eur, rel=0.01)
    bayes = CapacityModel.from_survey(sample, bootstrap="bayesian")
    spread = (bayes._w * bayes._plan.factors(np.random.default_rng(0), 4000)) @ bayes._y
    assert 1.0 < spread.std() / theirs.std() < 1.6  # no fpc: somewhat wider


def test_category_without_respondents_in_a_replicate_falls_back(sample):
    # without fpc a firm drops out of a Rao-Wu replicate with probability ~ 1/e; a category of
    # one firm then has no weight, and the draw takes the full-sample value of that draw
    from nldtib_forecast.survey import SurveyDesign

    df = sample.copy()
    lone = df.loc[df.index[df.year == 2025][0], "firm_id"]
    df["tiny"] = np.where(df.firm_id == lone, "one", "rest")
    m = CapacityModel.from_survey(SurveyDesign(df, fpc=None))
    fn = m.kernel(["tiny"]).function
    scen = {n: builtin()[n] for n in ("current_conditions", "improved_conditions")}
    drivers = {d: np.stack([s.path(d, YEARS).to_numpy() for s in scen.values()])
               for d in K.DRIVERS}
    ctx = SimulationContext(tuple(scen), YEARS, drivers, 40, np.random.default_rng(5), 0, 0)
    out = fn(ctx)["uplift[tiny=one]"]
    rng = np.random.default_rng(5)
    params = fn.parameters(rng, 40)
    factors = fn.plan.factors(rng, 40)
    i = int(np.flatnonzero(m.firms.firm_id.to_numpy() == lone)[0])
    dropped = factors[:, i] == 0
    assert dropped.any() and (~dropped).any()
    full = fn.full[:, 1:].reshape(1, K.N_GROUPS, len(fn.labels), K.N_STATS)
    expected = K.uplift_paths({d: v[:, None, :] for d, v in drivers.items()}, params, full,
                              m._references, m._settings, m._base_lead)[:, :, 1]
    np.testing.assert_allclose(out[:, dropped], expected[:, dropped], rtol=1e-12)
    assert np.isfinite(out).all()
