"""Tests of nldtib_forecast.simulation: determinism, chunking, memory bound, validation."""

from __future__ import annotations

import functools

import joblib
import numpy as np
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.scenarios import Scenario, builtin
from nldtib_forecast.simulation import (
    DEFAULT_BLOCK_SIZE,
    SimulationContext,
    _plan,
    block_rng,
    simulate,
)

YEARS = range(2026, 2031)
N_FIRMS = 40
SCEN = ["current_conditions", "improved_conditions", "labour_squeeze"]


def firm_model(ctx: SimulationContext, n_firms: int = N_FIRMS, max_n: int | None = None):
    """A small capacity-like model: firm-level arrays (scenario, draw, firm, year), reduced to
    aggregates inside the call. Module level, so every joblib backend can pickle it."""
    if max_n is not None:
        assert ctx.n <= max_n, (ctx.n, max_n)  # the engine never hands over more than a block
    size = ctx.rng.lognormal(0.0, 1.0, size=(1, ctx.n, n_firms, 1))
    shock = ctx.rng.normal(0.0, 0.02, size=(1, ctx.n, n_firms, ctx.n_years))
    growth = (0.1 * ctx.driver("order_certainty", 1)
              + 0.5 * ctx.driver("labour_supply_growth", 1)
              - 0.001 * ctx.driver("procurement_lead_time_months", 1) + shock)
    capacity = size * np.cumprod(1.0 + growth, axis=-1)  # (S, n, firms, T)
    return {"capacity": capacity.sum(axis=2),
            "share_growing": (growth > 0).mean(axis=2)}


@pytest.fixture(scope="module")
def reference():
    return simulate(firm_model, SCEN, YEARS, n_draws=230, seed=2026, block_size=20)


@pytest.mark.parametrize("n_jobs, chunk_size", [  # (2, 100): three chunks on two workers
    (1, None), (1, 1), (1, 45), (1, 1000), (2, None), (2, 20), (2, 60), (2, 100),
])
def test_bit_identical_for_any_n_jobs_and_chunk_size(reference, n_jobs, chunk_size):
    again = simulate(firm_model, SCEN, YEARS, n_draws=230, seed=2026, block_size=20,
                     n_jobs=n_jobs, chunk_size=chunk_size)
    assert again.equals(reference)
    for var in reference.variables:
        assert np.array_equal(again.array(var), reference.array(var))


def test_bit_identical_under_joblib_backends(reference):
    with joblib.parallel_config(backend="threading", n_jobs=3):
        threaded = simulate(firm_model, SCEN, YEARS, n_draws=230, seed=2026, block_size=20)
    assert threaded.equals(reference)
    # the multiprocessing backend cannot stream results: the engine falls back to a list
    with joblib.parallel_config(backend="multiprocessing", n_jobs=2):
        pooled = simulate(firm_model, SCEN, YEARS, n_draws=230, seed=2026, block_size=20,
                          chunk_size=100)
    assert pooled.equals(reference)


def test_memory_is_bounded_by_the_block():
    """The model never sees more than block_size draws, whatever n_draws and chunk_size are:
    its firm-level arrays are at most n_scenarios x block_size x n_firms x n_years."""
    model = functools.partial(firm_model, max_n=16)
    for chunk_size in (None, 16, 100, 10_000):
        result = simulate(model, SCEN, YEARS, n_draws=250, seed=1, block_size=16,
                          chunk_size=chunk_size, n_jobs=1)
        assert result.n_draws == 250
    seen = []

    def recording(ctx):
        seen.append((ctx.block, ctx.first_draw, ctx.n))
        return {"x": np.zeros((1, ctx.n, 1))}

    simulate(recording, "current_conditions", YEARS, n_draws=250, seed=1, block_size=16,
             chunk_size=10_000)
    assert seen == [(b, 16 * b, min(16, 250 - 16 * b)) for b in range(16)]


def test_plan_groups_whole_blocks_into_chunks():
    chunks = _plan(n_draws=250, block_size=100, chunk_size=150, n_jobs=1)
    assert chunks == [[(0, 0, 100), (1, 100, 200)], [(2, 200, 250)]]
    assert _plan(250, 100, None, 1) == [[(0, 0, 100)], [(1, 100, 200)], [(2, 200, 250)]]
    assert 12 <= len(_plan(10_000, 100, None, 4)) <= 16  # about four chunks per worker


def test_seeds():
    a = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=1, block_size=10)
    b = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=2, block_size=10)
    assert not np.array_equal(a.array("capacity"), b.array("capacity"))
    # the default seed (0) gives the same numbers for the same call
    first = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, block_size=10)
    assert first.metadata.seed == 0
    assert simulate(firm_model, SCEN[:1], YEARS, n_draws=50, block_size=10).equals(first)
    # seed=None draws fresh entropy, recorded so that the run can be repeated exactly
    fresh = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=None, block_size=10)
    assert isinstance(fresh.metadata.seed, int) and fresh.metadata.seed > 2**32
    replay = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=fresh.metadata.seed,
                      block_size=10)
    assert replay.equals(fresh)
    # a Generator is turned into recorded entropy
    gen = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=np.random.default_rng(5),
                   block_size=10)
    again = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=gen.metadata.seed,
                     block_size=10)
    assert again.equals(gen)
    # a SeedSequence child keeps its spawn key
    child = np.random.SeedSequence(7).spawn(2)[1]
    ss = simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=child, block_size=10)
    assert ss.metadata.seed == 7 and ss.metadata.extra["seed_spawn_key"] == (1,)
    assert not ss.equals(simulate(firm_model, SCEN[:1], YEARS, n_draws=50, seed=7,
                                  block_size=10))


def test_block_streams_follow_the_seed_sequence_children():
    root = np.random.SeedSequence(2026)
    children = root.spawn(3)
    for b, child in enumerate(children):
        expected = np.random.default_rng(child).random(4)
        assert np.array_equal(block_rng(2026, b).random(4), expected)


def test_full_blocks_do_not_depend_on_n_draws(reference):
    longer = simulate(firm_model, SCEN, YEARS, n_draws=400, seed=2026, block_size=20)
    short = reference.array("capacity")[:, :220]  # the 11 full blocks of the 230 draws
    assert np.array_equal(longer.array("capacity")[:, :220], short)
    other_block = simulate(firm_model, SCEN, YEARS, n_draws=230, seed=2026, block_size=23)
    assert not np.array_equal(other_block.array("capacity"), reference.array("capacity"))


def test_common_random_numbers_across_scenarios(reference):
    base = builtin()["current_conditions"]
    twins = [base, base.replace(name="twin")]
    result = simulate(firm_model, twins, YEARS, n_draws=60, seed=3, block_size=20)
    diff = result.difference("twin", base="current_conditions")
    for var in result.variables:
        assert np.all(diff.array(var) == 0.0)  # exactly zero
    # and improved conditions raise capacity in every draw (same shocks in both scenarios)
    gain = reference.difference("improved_conditions").array("capacity")
    assert np.all(gain[:, :, -1] > 0)


def test_model_receives_the_scenario_driver_paths():
    scen = builtin()
    received = {}

    def model(ctx):
        received.update({k: np.array(v) for k, v in ctx.drivers.items()})
        assert not ctx.drivers["order_certainty"].flags.writeable
        assert ctx.driver("order_certainty").shape == (2, 1, 5)
        assert ctx.driver("order_certainty", extra_axes=2).shape == (2, 1, 1, 1, 5)
        assert ctx.scenarios == ("improved_conditions", "labour_squeeze")
        assert ctx.years.tolist() == list(YEARS)
        return {"x": np.zeros(())}

    result = simulate(model, [scen["improved_conditions"], scen["labour_squeeze"]], YEARS,
                      n_draws=5, seed=0, drivers=["order_certainty", "labour_supply_growth"])
    assert set(received) == {"order_certainty", "labour_supply_growth"}
    np.testing.assert_array_equal(
        received["order_certainty"][0],
        scen["improved_conditions"].path("order_certainty", YEARS).to_numpy())
    assert result.definitions["labour_squeeze"] == scen["labour_squeeze"]
    assert result.array("x").shape == (2, 5, 5)  # a scalar broadcasts to the full shape


def test_metadata_is_recorded(reference):
    result = simulate(firm_model, {"current_conditions": builtin()["current_conditions"]},
                      YEARS, n_draws=20, seed=9, block_size=10, method="capacity scale-up",
                      units={"capacity": "EUR"}, interval_contents="firm shocks",
                      data_hash="sha256:00", synthetic=True, created_by="tests",
                      extra={"targets": "L26"})
    m = result.metadata
    assert (m.seed, m.n_draws, m.block_size, m.method, m.data_hash) == (
        9, 20, 10, "capacity scale-up", "sha256:00")
    assert m.units["capacity"] == "EUR" and m.synthetic and m.created_by == "tests"
    assert m.extra["targets"] == "L26" and m.version
    assert reference.metadata.block_size == 20
    assert DEFAULT_BLOCK_SIZE == simulate(firm_model, SCEN[0], YEARS, 5, seed=0
                                          ).metadata.block_size


@pytest.mark.parametrize("output, match", [
    ({"x": np.zeros((3, 7))}, "does not broadcast"),
    ({"x": np.full((1, 10, 5), np.nan)}, "not finite.*scenario 'current_conditions', draw 0"),
    ([np.zeros(5)], "mapping"),
    ({}, "mapping"),
    ({"x": "abc"}, "does not broadcast"),
])
def test_bad_model_output_is_reported(output, match):
    with pytest.raises(InputError, match=match):
        simulate(lambda ctx: output, SCEN[:2], YEARS, n_draws=10, seed=0)


def test_model_output_must_keep_its_variables():
    def model(ctx):
        return {"a": 0.0} if ctx.block == 0 else {"b": 0.0}

    with pytest.raises(InputError, match="differ from those of earlier blocks"):
        simulate(model, SCEN[0], YEARS, n_draws=30, seed=0, block_size=10)
    with pytest.raises(InputError, match="differ from those of earlier blocks"):
        simulate(model, SCEN[0], YEARS, n_draws=30, seed=0, block_size=10, chunk_size=10)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_draws=0), "n_draws"),
    (dict(block_size=-1), "block_size"),
    (dict(chunk_size=0), "chunk_size"),
    (dict(n_jobs=0), "n_jobs"),
    (dict(seed=-1), "seed"),
    (dict(seed="42"), "seed"),
    (dict(progress="yes"), "progress"),
    (dict(scenarios=["current_conditions", "current_conditions"]), "duplicate"),
    (dict(scenarios=["current_condition"]), "did you mean 'current_conditions'"),
    (dict(scenarios=[]), "at least one scenario"),
    (dict(scenarios={}), "at least one scenario"),
    (dict(scenarios=3), "scenarios"),
    (dict(scenarios={"other": Scenario("x")}), "keys differ"),
    (dict(years=[2027, 2026]), "strictly increasing"),
    (dict(years=[2026.5]), "years"),
    (dict(model=42), "callable"),
    (dict(drivers=["order_certanty"]), "did you mean 'order_certainty'"),
])
def test_bad_arguments(kwargs, match):
    args = dict(model=firm_model, scenarios=SCEN, years=YEARS, n_draws=10, seed=0) | kwargs
    with pytest.raises(InputError, match=match):
        simulate(**args)


def test_progress_bar(capsys):
    simulate(firm_model, SCEN[0], YEARS, n_draws=40, seed=0, block_size=10, progress=False)
    assert capsys.readouterr().err == ""
    simulate(firm_model, SCEN[0], YEARS, n_draws=40, seed=0, block_size=10)  # not a terminal
    assert capsys.readouterr().err == ""
    simulate(firm_model, SCEN[0], YEARS, n_draws=40, seed=0, block_size=10, progress=True)
    err = capsys.readouterr().err
    assert "simulate" in err and "40/40" in err


# ----------------------------------------------------------------------- n_jobs and memory
def test_n_jobs_values_and_bound():
    """``n_jobs``: None, -1 (all cores) or 1 .. 4 x the cores (at most 256); the command
    line's ``--jobs`` uses the same validator."""
    from nldtib_forecast.simulation import check_n_jobs, max_jobs

    limit = max_jobs()
    assert 4 <= limit <= 256 and limit == min(256, 4 * joblib.cpu_count())
    for ok in (None, -1, 1, 2, limit, np.int64(2)):
        assert check_n_jobs(ok) == (None if ok is None else int(ok))
    for bad in (0, -2, -3, limit + 1, 10**6, True, 1.5, "2"):
        with pytest.raises(InputError, match=rf"'n_jobs': must be None, -1 \(all cores\) or "
                                             rf"an integer from 1 to {limit}"):
            check_n_jobs(bad)
        with pytest.raises(InputError, match="n_jobs"):
            simulate(firm_model, SCEN[:1], YEARS, n_draws=10, seed=0, n_jobs=bad)
    with pytest.raises(InputError, match="must be -1"):
        check_n_jobs(None, allow_none=False)


def test_one_block_never_starts_more_than_one_worker(monkeypatch):
    seen = []
    real = joblib.Parallel

    def recording(*args, **kwargs):
        seen.append(kwargs.get("n_jobs"))
        return real(*args, **kwargs)

    monkeypatch.setattr(joblib, "Parallel", recording)
    reference = simulate(firm_model, SCEN[:1], YEARS, n_draws=10, seed=0, n_jobs=1)
    for n_jobs in (2, -1):
        again = simulate(firm_model, SCEN[:1], YEARS, n_draws=10, seed=0, n_jobs=n_jobs)
        assert again.equals(reference)
    assert seen == [1, 1, 1]
    # two chunks: at most two workers, whatever was asked for
    simulate(firm_model, SCEN[:1], YEARS, n_draws=20, seed=0, block_size=10, chunk_size=10,
             n_jobs=4)
    assert seen[-1] == 2
    simulate(firm_model, SCEN[:1], YEARS, n_draws=10, seed=0, n_jobs=None)
    assert seen[-1] is None  # None leaves it to joblib.parallel_config


def test_estimate_memory():
    from nldtib_forecast.simulation import estimate_memory

    # 5 variables x 6 scenarios x 2000 draws x 11 years x 8 bytes, plus 20 blocks of plan
    assert estimate_memory(2000, 6, 11, 5, block_size=100) == 5_280_000 + 20 * 256
    assert estimate_memory(2000, 6, 11, 5, block_size=100, copies=3) == 15_840_000 + 20 * 256


def test_too_many_draws_are_refused_before_the_run(monkeypatch):
    """A run that cannot fit in memory is an InputError at once (it used to build a plan of
    millions of blocks and die with a MemoryError)."""
    import time

    from nldtib_forecast import simulation

    called = []

    def model(ctx):
        called.append(ctx.block)
        return {"x": np.zeros((1, ctx.n, 1))}

    started = time.perf_counter()
    with pytest.raises(InputError, match=r"argument 'n_draws': 10,000,000,000,000 draws of 1 "
                                         r"scenario\(s\) and 5 year\(s\) needs about .* of "
                                         r"memory, more than the .* available on this machine"):
        simulate(model, SCEN[:1], YEARS, n_draws=10**13, seed=0, units={"x": ""})
    assert time.perf_counter() - started < 5 and called == []
    # the limit is the memory available now
    monkeypatch.setattr(simulation, "_available_memory", lambda: 10_000)
    with pytest.raises(InputError, match="more than the 10.0 KB available"):
        simulate(model, SCEN[:1], YEARS, n_draws=1000, seed=0)
    monkeypatch.setattr(simulation, "_available_memory", lambda: None)  # unknown: no check
    assert simulate(model, SCEN[:1], YEARS, n_draws=1000, seed=0).n_draws == 1000


def test_available_memory_is_plausible():
    from nldtib_forecast.simulation import _available_memory

    found = _available_memory()
    assert found is None or 10**7 < found < 2**60


def test_outlook_refuses_too_many_draws(default_outlook):
    # default_outlook: Outlook.from_survey(), calibrated once per session (conftest.py)
    with pytest.raises(InputError, match="memory"):
        default_outlook.simulate(["current_conditions"], n_draws=10**11, seed=0)


# ----------------------------------------------------------------------- last: kills the workers
def test_errors_in_workers_reach_the_caller():
    """An error raised in a worker process reaches the caller.

    Last in this module on purpose: joblib's loky backend kills its (reusable) worker
    processes when a task fails, and the next ``n_jobs=2`` call would start new ones, which
    import the whole stack again (about 0.7 s of CPU per worker)."""
    with pytest.raises(InputError, match="does not broadcast"):
        simulate(lambda ctx: {"x": np.zeros(3)}, SCEN[:2], YEARS, n_draws=40, seed=0,
                 block_size=10, n_jobs=2)
