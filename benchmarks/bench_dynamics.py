"""Benchmark of :func:`nldtib_forecast.models.dynamics.decompose_dynamics`.

A generated panel of 1,000,000 firm-years (8 periods, firms with random spells, so there is
entry, exit and survival in every transition) is decomposed with every method. Each timing is
reported as a ratio to plain pandas group-by sums over the same panel, measured in the same
run (the floor):

* ``groupby(period).sum()``: the cheapest pass over the panel (it computes the aggregate of
  every period, not its decomposition);
* ``groupby(firm).sum()``: the pass that links each firm's rows across periods, which every
  decomposition needs.

Usage (from the repository root)::

    python benchmarks/bench_dynamics.py                # 1,000,000 rows, integer firm ids
    python benchmarks/bench_dynamics.py --ids string   # string firm ids ("F0000001")
    python benchmarks/bench_dynamics.py --rows 200000 --repeats 3

Timings are the best of ``--repeats`` runs after one warm-up run. The target is a ratio of at
most 5 to the floor. Results of a run are in ``benchmarks/README_dynamics.md``.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import pandas as pd
from _timing import best_time

from nldtib_forecast.models.dynamics import COMPONENTS, METHODS, decompose_dynamics


def make_panel(n_rows: int = 1_000_000, n_periods: int = 8, seed: int = 0,
               ids: str = "int") -> pd.DataFrame:
    """A firm-year panel with ``n_rows`` rows: random spells, values and weights.

    Every firm is present in one spell of consecutive periods (start and length uniform), so
    each transition has continuing firms, entrants and exiters. Rows are sorted by firm and
    period, as survey frames are.
    """
    rng = np.random.default_rng(seed)
    n_firms = int(n_rows / ((n_periods + 1) / 2) * 1.6) + 10
    start = rng.integers(0, n_periods, n_firms)
    length = np.minimum(rng.integers(1, n_periods + 1, n_firms), n_periods - start)
    spell_end = np.cumsum(length)
    n_firms = int(np.searchsorted(spell_end, n_rows)) + 1
    length[n_firms - 1] -= spell_end[n_firms - 1] - n_rows  # trim the last spell
    start, length = start[:n_firms], length[:n_firms]
    firm = np.repeat(np.arange(n_firms), length)
    offset = np.arange(n_rows) - np.repeat(np.cumsum(length) - length, length)
    period = 2000 + np.repeat(start, length) + offset
    firm_id = firm if ids == "int" else pd.array([f"F{i:07d}" for i in firm], dtype="string")
    return pd.DataFrame({
        "firm_id": firm_id,
        "year": period.astype(np.int64),
        "value": rng.lognormal(-2.0, 0.8, n_rows),
        "weight": rng.lognormal(15.0, 1.5, n_rows),
    })


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--ids", choices=("int", "string"), default="int")
    args = parser.parse_args(argv)

    panel = make_panel(args.rows, args.periods, ids=args.ids)
    floor_period = best_time(lambda: panel.groupby("year")["value"].sum(), args.repeats)
    floor_firm = best_time(lambda: panel.groupby("firm_id")["value"].sum(), args.repeats)
    rows = []
    for method in METHODS:
        seconds = best_time(lambda m=method: decompose_dynamics(panel, "value", "weight",
                                                                method=m), args.repeats)
        res = decompose_dynamics(panel, "value", "weight", method=method)
        gap = float(np.max(np.abs(res[list(COMPONENTS)].sum(axis=1) - res["total"])))
        rows.append({"method": method, "seconds": seconds,
                     "ratio_to_groupby_period": seconds / floor_period,
                     "ratio_to_groupby_firm": seconds / floor_firm,
                     "max_abs_gap_components_vs_total": gap})
    table = pd.DataFrame(rows).set_index("method")
    n_firms = panel["firm_id"].nunique()
    print(f"panel: {len(panel):,} firm-years, {n_firms:,} firms ({args.ids} ids), "
          f"{args.periods} periods; best of {args.repeats} runs")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas "
          f"{pd.__version__}, {platform.machine()}")
    print(f"floor groupby(period).sum(): {floor_period * 1e3:.1f} ms; "
          f"groupby(firm).sum(): {floor_firm * 1e3:.1f} ms")
    print(table.to_string(float_format=lambda v: f"{v:.3g}"))
    return table


if __name__ == "__main__":
    main()
