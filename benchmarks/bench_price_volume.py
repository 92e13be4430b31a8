"""Benchmark: ``decompose_turnover`` on a generated panel of 1,000,000 firm-years.

The time is reported as a ratio to a plain pandas groupby-sum over the same panel, measured in
the same run (target: within 5x). Two floors are measured:

``groupby(["nld_area", "year"]).sum()``
    the aggregate turnover by domain and year: the totals the decomposition reports, without
    matching firms across years (the floor named in the issue);
``groupby("firm_id").sum()``
    a groupby on the firm identifier: the decomposition has to identify firms too, and this
    shows what hashing a million string ids costs on its own.

The panel is sorted by firm and year, as survey files are (the survey schema's normaliser
sorts them); the last case shuffles the rows, which makes ``decompose_turnover`` hash the firm
ids (:func:`pandas.factorize`) instead of reading them off the sorted column.

Run from the repository root::

    python benchmarks/bench_price_volume.py [--rows 1000000] [--repeat 7] [--replicates 50]

``--replicates`` also times the survey bootstrap (Rao-Wu replicate weights of a stratified
design) for information; it is not part of the ratio.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

from nldtib_forecast import __version__
from nldtib_forecast.models.price_volume import decompose_turnover

AREAS = ["radars_sensors", "intelligent_systems", "space", "smart_materials", "quantum",
         "maritime", "other"]


def generate_panel(n_rows: int = 1_000_000, n_years: int = 10, seed: int = 0) -> pd.DataFrame:
    """A firm-year panel in the survey's layout, with entry, exit and missing price changes.

    Firms live for a contiguous run of years inside ``2016 .. 2016 + n_years - 1``; entrants
    have no price change in their first year (as in the survey) and 2% of the other firm-years
    miss it at random. Weights are constant per firm, in 8 strata.
    """
    rng = np.random.default_rng(seed)
    n_firms = n_rows // 2
    start = rng.integers(0, n_years, n_firms)
    length = np.minimum(rng.integers(1, 2 * n_years, n_firms), n_years - start)
    first = np.cumsum(length) - length                    # first row of every firm
    n_firms = int(np.searchsorted(first, n_rows))         # firms needed for n_rows rows
    total = int(length[:n_firms].sum())
    firm = np.repeat(np.arange(n_firms), length[:n_firms])[:n_rows]
    offset = (np.arange(total) - np.repeat(first[:n_firms], length[:n_firms]))[:n_rows]
    year = start[firm] + offset
    n = len(firm)
    size = np.exp(rng.normal(15.0, 1.5, n_firms))
    growth = np.cumsum(rng.normal(0.05, 0.15, n))
    turnover = size[firm] * np.exp(growth - growth[first[firm]])
    price = rng.normal(0.03, 0.03, n)
    price[(offset == 0) | (rng.random(n) < 0.02)] = np.nan
    stratum = rng.integers(0, 8, n_firms)
    weight = np.array([1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0])[stratum]
    ids = pd.array(np.char.add("F", np.char.zfill(np.arange(n_firms).astype(str), 7)),
                   dtype="string")
    return pd.DataFrame({
        "firm_id": ids[firm],
        "year": (2016 + year).astype(np.int64),
        "weight": weight[firm],
        "stratum": pd.array(np.char.add("s", stratum[firm].astype(str)), dtype="string"),
        "nld_area": pd.Categorical(np.asarray(AREAS)[rng.integers(0, len(AREAS), n_firms)][firm],
                                   categories=AREAS),
        "turnover_ds_eur": turnover,
        "price_change_ds": price,
    })


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--replicates", type=int, default=50)
    args = ap.parse_args()

    panel = generate_panel(args.rows)
    print(f"nldtib_forecast {__version__}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}")
    print(f"panel: {len(panel):,} firm-years, {panel.firm_id.nunique():,} firms, "
          f"{panel.year.nunique()} years, {panel.nld_area.nunique()} domains")

    floor_domain = best_of(lambda: panel.groupby(["nld_area", "year"], observed=True)[
        "turnover_ds_eur"].sum(), args.repeat)
    floor_firm = best_of(lambda: panel.groupby("firm_id")["turnover_ds_eur"].sum(), args.repeat)
    shuffled = panel.sample(frac=1.0, random_state=1)
    runs = {
        "decompose_turnover(by=None)": lambda: decompose_turnover(panel, n_replicates=0),
        "decompose_turnover(by='nld_area')": lambda: decompose_turnover(
            panel, by="nld_area", n_replicates=0),
        "decompose_turnover(by='nld_area', method='tornqvist')": lambda: decompose_turnover(
            panel, by="nld_area", method="tornqvist", n_replicates=0),
        "decompose_turnover(by='nld_area', method='sato_vartia')": lambda: decompose_turnover(
            panel, by="nld_area", method="sato_vartia", n_replicates=0),
        "decompose_turnover(by='nld_area'), rows shuffled": lambda: decompose_turnover(
            shuffled, by="nld_area", n_replicates=0),
    }
    print()
    print(f"{'case':58s} {'seconds':>8s} {'x domain floor':>15s} {'x firm floor':>13s}")
    print(f"{'floor: groupby([nld_area, year]).sum()':58s} {floor_domain:8.4f} {1.0:15.2f} "
          f"{floor_domain / floor_firm:13.2f}")
    print(f"{'floor: groupby(firm_id).sum()':58s} {floor_firm:8.4f} "
          f"{floor_firm / floor_domain:15.2f} {1.0:13.2f}")
    for name, fn in runs.items():
        t = best_of(fn, args.repeat)
        print(f"{name:58s} {t:8.4f} {t / floor_domain:15.2f} {t / floor_firm:13.2f}")
    if args.replicates:
        t = best_of(lambda: decompose_turnover(panel, by="nld_area",
                                               n_replicates=args.replicates, seed=1), 1)
        print(f"\nwith {args.replicates} bootstrap replicates (information, not in the ratio): "
              f"{t:.2f} s")


if __name__ == "__main__":
    main()
