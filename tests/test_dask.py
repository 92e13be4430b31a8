"""Running the simulation engine on a dask cluster gives the same numbers as ``n_jobs=1``.

``dask[distributed]`` is part of the ``test`` extra, so this module imports it directly: a
missing install is an error, not a silent skip. The cluster is a :class:`LocalCluster` with one
worker *process* running two threads, so tasks are pickled, shipped to another interpreter and
run there, as on a real cluster, two at a time (a second worker process would cost another
second of CPU to start, for nothing that one process does not show).
"""

from __future__ import annotations

import sys

import cloudpickle
import distributed
import joblib
import numpy as np
import pytest

from nldtib_forecast.simulation import simulate

SCENARIOS = ["current_conditions", "improved_conditions"]

# Ship this module's functions (the toy models) to the workers by value, so that the worker
# processes need not import the test module (they may not have ``tests/`` on their path).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as dask_client:
        yield dask_client


def _toy_model(ctx):
    """Module-level (picklable) toy model: common shocks plus a driver effect."""
    shock = ctx.rng.normal(0.0, 0.05, size=(1, ctx.n, ctx.n_years))
    return {"growth": 0.5 * ctx.driver("order_certainty") + shock,
            "level": np.cumsum(1.0 + shock, axis=-1) + 0.0 * ctx.driver("order_certainty")}


def test_dask_backend_is_used(client):
    with joblib.parallel_config(backend="dask"):
        from joblib.parallel import get_active_backend

        backend, _ = get_active_backend()
        runner = joblib.Parallel(n_jobs=-1, return_as="generator")
    assert type(backend).__name__ == "DaskDistributedBackend"
    # The engine asks for return_as="generator" (results streamed into the aggregate arrays)
    # and falls back to a list only for backends that reject it; dask accepts it.
    assert backend.supports_return_generator
    assert runner.return_generator


def test_generator_output_supported_by_dask_backend(client):
    # The engine streams chunk results with Parallel(return_as="generator") and falls back to
    # a list only if a backend rejects it; the dask backend accepts it.
    with joblib.parallel_config(backend="dask"):
        runner = joblib.Parallel(n_jobs=-1, return_as="generator")
        out = list(runner(joblib.delayed(pow)(i, 2) for i in range(8)))
    assert out == [i**2 for i in range(8)]


def test_engine_identical_on_dask(client):
    kwargs = dict(scenarios=["current_conditions", "orders_only"], years=range(2026, 2036),
                  n_draws=500, seed=7, block_size=50, progress=False)
    reference = simulate(_toy_model, n_jobs=1, **kwargs)
    with distributed.get_task_stream(client) as stream, \
            joblib.parallel_config(backend="dask"):
        on_dask = simulate(_toy_model, n_jobs=-1, chunk_size=100, **kwargs)
    assert len(stream.data) >= 5  # the five chunks ran as tasks on the cluster
    assert on_dask.equals(reference)
    for var in reference.variables:
        np.testing.assert_array_equal(on_dask.draws(var).to_numpy(),
                                      reference.draws(var).to_numpy())


def test_engine_closure_model_on_dask(client):
    # Closures are fine: dask pickles tasks with cloudpickle.
    scale = 0.1

    def model(ctx):
        return {"x": scale * ctx.rng.standard_normal((1, ctx.n, ctx.n_years))}

    kwargs = dict(scenarios="current_conditions", years=[2026, 2027], n_draws=300, seed=3,
                  progress=False)
    reference = simulate(model, n_jobs=1, **kwargs)
    with joblib.parallel_config(backend="dask"):
        assert simulate(model, n_jobs=None, **kwargs).equals(reference)


def test_capacity_model_identical_on_dask(client, capacity_model):
    reference = capacity_model.simulate(SCENARIOS, n_draws=300, seed=1, n_jobs=1,
                                        progress=False)
    with joblib.parallel_config(backend="dask"):
        on_dask = capacity_model.simulate(SCENARIOS, n_draws=300, seed=1, n_jobs=-1,
                                          progress=False)
    assert on_dask.equals(reference)
    for var in reference.variables:
        np.testing.assert_array_equal(on_dask.draws(var).to_numpy(),
                                      reference.draws(var).to_numpy())
    assert on_dask.metadata.seed == reference.metadata.seed == 1
