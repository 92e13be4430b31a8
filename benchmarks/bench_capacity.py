"""Benchmark of :meth:`nldtib_forecast.models.capacity.CapacityModel.simulate`.

The model is calibrated to the synthetic NLDTIB population of 2025 (1,503 firms) and simulates
2 scenarios (``current_conditions``, ``improved_conditions``) x 10,000 draws x 11 years
(2026-2036). Timings are reported as ratios measured in the same run against

Four configurations: the census (the synthetic population has weights 1, so the survey
bootstrap is trivial and firm weights are fixed), the same 1,503 firms treated as a sample
without finite population correction (fresh Rao-Wu or Bayesian bootstrap weights for every
firm in every draw), and the synthetic respondent sample (415 firms).

(a) **the loop**: the same model evaluated one experiment (scenario x draw) at a time in a
    Python loop, the pattern of EMA Workbench: draw the parameters of the experiment, draw its
    survey bootstrap weights, evaluate the model firm by firm for that experiment
    (:func:`nldtib_forecast.models.capacity.kernel.reference_uplift`, numpy over firms and
    years). The loop is timed on ``--loop-experiments`` experiments and scaled linearly to all
    20,000 (its cost per experiment is constant). Target: the vectorised run at least 100x
    faster.
(b) **the floor**: generating one standard normal per firm-year-draw with numpy
    (``Generator.standard_normal``; 1,503 x 11 x 10,000 = 165 million numbers, in blocks of the
    model's block size). Any Monte Carlo model with firm-level randomness pays at least this.

Before timing, the benchmark checks on a few draws that the vectorised kernel and the loop's
firm-by-firm function give the same numbers (to 1e-13). It also measures the peak resident
memory of a fresh process simulating the 2 scenarios x 100,000 draws (target: below 1.5 GiB).

Usage (from the repository root)::

    python benchmarks/bench_capacity.py
    python benchmarks/bench_capacity.py --draws 2000 --loop-experiments 500 --repeats 1

Timings are the best of ``--repeats`` runs after one warm-up run. Results of a run are in
``benchmarks/README_capacity.md``.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys

import numpy as np
import pandas as pd
from _timing import best_time

from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.capacity import CapacityModel
from nldtib_forecast.models.capacity import kernel as K
from nldtib_forecast.scenarios import builtin
from nldtib_forecast.simulation import SimulationContext
from nldtib_forecast.survey import SurveyDesign

SCENARIOS = ("current_conditions", "improved_conditions")
HORIZON = 2036  # 11 years after the 2025 base year


def driver_paths(years: np.ndarray) -> dict[str, np.ndarray]:
    scen = builtin()
    return {d: np.stack([scen[s].path(d, years).to_numpy() for s in SCENARIOS])
            for d in K.DRIVERS}


def loop_run(model: CapacityModel, n_experiments: int, seed: int = 0) -> np.ndarray:
    """The loop baseline: one experiment (scenario x draw) at a time, firm by firm."""
    years = np.arange(model.base_year + 1, HORIZON + 1)
    paths = driver_paths(years)
    rng = np.random.default_rng(seed)
    fn = model.kernel([]).function
    ans = model._ans
    out = np.empty((n_experiments, len(years)))
    for e in range(n_experiments):
        s = e % len(SCENARIOS)
        params = {k: float(v.ravel()[0]) for k, v in fn.parameters(rng, 1).items()}
        factors = np.ones(len(model._w)) if fn.plan is None or fn.plan.trivial else \
            fn.plan.factors(rng, 1)[0]
        weights = (model._w * factors * model._y)[ans]
        out[e] = K.reference_uplift(model._u_cur[ans], model._u_imp[ans], model._barriers[ans],
                                    weights, {d: p[s] for d, p in paths.items()}, params,
                                    model._references, model._settings, model._base_lead)
    return out


def check_same_model(model: CapacityModel, n: int = 5) -> float:
    """Largest difference between the vectorised kernel and the loop's function."""
    years = np.arange(model.base_year + 1, HORIZON + 1)
    paths = driver_paths(years)
    fn = model.kernel([]).function
    out = fn(SimulationContext(SCENARIOS, years, paths, n, np.random.default_rng(1), 0, 0))
    rng = np.random.default_rng(1)
    params = fn.parameters(rng, n)
    factors = np.ones((n, len(model._w))) if fn.plan is None or fn.plan.trivial else \
        fn.plan.factors(rng, n)
    ans, gap = model._ans, 0.0
    for s in range(len(SCENARIOS)):
        for d in range(n):
            p = {k: float(np.broadcast_to(v, (1, n, 1))[0, d, 0]) for k, v in params.items()}
            ref = K.reference_uplift(model._u_cur[ans], model._u_imp[ans],
                                     model._barriers[ans], (model._w * factors[d] * model._y)[ans],
                                     {k: v[s] for k, v in paths.items()}, p, model._references,
                                     model._settings, model._base_lead)
            gap = max(gap, float(np.abs(ref - out["uplift"][s, d]).max()))
    return gap


def floor_run(n_draws: int, n_firms: int, n_years: int, block: int) -> None:
    for b in range(0, n_draws, block):
        rng = np.random.default_rng(b)
        rng.standard_normal((min(block, n_draws - b), n_firms, n_years))


_MEMORY_SCRIPT = """
import resource, sys
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.capacity import CapacityModel
model = CapacityModel.from_survey(synthetic_survey(population={population}){extra})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
res = model.simulate({scenarios!r}, horizon={horizon}, n_draws={draws}, seed=1, progress=False)
assert res.n_draws == {draws}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before * 1024, after * 1024)
"""


def peak_memory(draws: int, population: bool = True, extra: str = "") -> tuple[float, float]:
    """Peak RSS (bytes) of a fresh process before and after simulating ``draws`` draws."""
    code = _MEMORY_SCRIPT.format(population=population, extra=extra, scenarios=SCENARIOS,
                                 horizon=HORIZON, draws=draws)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--loop-experiments", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-draws", type=int, default=100_000)
    args = parser.parse_args(argv)

    population = synthetic_survey(population=True)
    as_sample = SurveyDesign(population, fpc=None)  # no fpc: every stratum is resampled
    configs = {
        "census (default): fixed weights": (population, {}),
        "1,503 firms as a sample, Rao-Wu weights per draw": (as_sample, {}),
        "1,503 firms as a sample, Bayesian weights per draw": (as_sample,
                                                               {"bootstrap": "bayesian"}),
        "synthetic sample (415 firms), Rao-Wu": (synthetic_survey(), {}),
    }
    n_years = HORIZON - 2025
    rows = []
    floor = None
    for label, (survey, assumptions) in configs.items():
        model = CapacityModel.from_survey(survey, **assumptions)
        gap = check_same_model(model)
        n_exp = len(SCENARIOS) * args.draws
        vec = best_time(lambda m=model: m.simulate(list(SCENARIOS), horizon=HORIZON,
                                                   n_draws=args.draws, seed=1,
                                                   progress=False), args.repeats)
        k = min(args.loop_experiments, n_exp)
        loop_k = best_time(lambda m=model, k=k: loop_run(m, k), max(1, args.repeats - 2))
        loop = loop_k / k * n_exp
        n_firms = len(model._w)
        if floor is None or n_firms != floor[0]:
            floor = (n_firms, best_time(lambda f=n_firms: floor_run(args.draws, f, n_years, 250),
                                        args.repeats))
        rows.append({"configuration": label, "firms": n_firms, "vectorised_s": vec,
                     "loop_s (scaled)": loop, "loop_per_experiment_ms": loop_k / k * 1e3,
                     "speed-up vs loop": loop / vec, "floor_s": floor[1],
                     "ratio to floor": vec / floor[1], "max |kernel - loop|": gap})
    table = pd.DataFrame(rows).set_index("configuration")
    before, after = peak_memory(args.memory_draws)
    print(f"{len(SCENARIOS)} scenarios x {args.draws:,} draws x {n_years} years "
          f"({2026}-{HORIZON}); best of {args.repeats} runs; loop timed on "
          f"{args.loop_experiments:,} experiments and scaled")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas "
          f"{pd.__version__}, {platform.machine()}")
    print(table.to_string(float_format=lambda v: f"{v:.3g}"))
    print(f"peak RSS, {args.memory_draws:,} draws, population: {after / 2**30:.3f} GiB "
          f"({before / 2**30:.3f} GiB after imports and calibration)")
    return table


if __name__ == "__main__":
    main()
