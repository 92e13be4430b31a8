"""Benchmark of the replicate weights that re-run the non-response weighting.

A generated census frame (``--firms`` firms, 3 years each, cells of size class x NLD area x
domain) is sent a survey; about 27% respond, with a response probability depending on the
cells. The respondents are weighted with :func:`~nldtib_forecast.survey.weight_respondents`
(cells and propensity), and the same cells weights are calibrated further to a numeric total
with :func:`~nldtib_forecast.survey.calibrate_weights`. Each timing of
``SurveyDesign.replicate_weights(B)`` (which re-runs the weighting, and the calibration, in
every replicate) is reported as a ratio to the plain Rao-Wu replicate weights of the same
design (``w * factor``; the floor), measured in the same run on a design whose weighting recipe
was dropped.

Usage (from the repository root)::

    python benchmarks/bench_weighting.py                   # 50,000 firms, 500 replicates
    python benchmarks/bench_weighting.py --firms 5000 --replicates 200 --repeats 3

Timings are the best of ``--repeats`` runs after one warm-up run (the replicate cache is
cleared before every run). Targets: cells within 3x of the floor, propensity and calibration
within 10x. Results of a run are in ``benchmarks/README_weighting.md``.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
import pandas as pd
from _timing import best_time
from scipy.special import expit

from nldtib_forecast.data import CATEGORIES, EDITION_COLUMNS
from nldtib_forecast.survey import SurveyDesign, calibrate_weights, frame_counts, weight_respondents

BY = ["size_class", "nld_area", "domain"]


def make_frame(n_firms: int, seed: int = 0) -> pd.DataFrame:
    """A census frame of ``n_firms`` firms x 3 years in the survey schema (weights 1)."""
    rng = np.random.default_rng(seed)
    size = rng.choice(CATEGORIES["size_class"], n_firms, p=[.4, .3, .13, .07, .07, .03])
    area = rng.choice(CATEGORIES["nld_area"], n_firms)
    domain = rng.choice(CATEGORIES["domain"], n_firms)
    ds = rng.lognormal(14.0, 1.5, n_firms)
    years = np.array([2023, 2024, 2025])
    rep = np.repeat(np.arange(n_firms), years.size)
    growth = rng.normal(1.05, 0.1, (n_firms, years.size)).cumprod(axis=1).ravel()
    ds_rows = ds[rep] * growth
    frame = pd.DataFrame({
        "firm_id": pd.array([f"F{i:07d}" for i in rep], dtype="string"),
        "year": np.tile(years, n_firms), "weight": 1.0, "stratum": "all",
        "nld_area": area[rep], "domain": domain[rep], "chain_position": "tier2",
        "size_class": size[rep], "entry_year": 2000,
        "turnover_total_eur": ds_rows * 5, "turnover_ds_eur": ds_rows,
        "export_ds_eur": ds_rows * 0.4, "fte_total": ds_rows / 5e4, "fte_ds": ds_rows / 2.5e5,
        "price_change_ds": np.nan, "cost_change_ds": np.nan, "pe_backed": False,
        "expected_growth_ds": np.nan,
    })
    for col in EDITION_COLUMNS:
        frame[col] = None if col in ("passes_on_costs",) else np.nan
    for col in ("barrier_orders", "barrier_procurement", "barrier_labour", "barrier_financing",
                "barrier_materials", "financing_challenge"):
        frame[col] = pd.array([pd.NA] * len(frame), dtype="boolean")
    size_idx = pd.Categorical(size, categories=CATEGORIES["size_class"]).codes
    p = expit(-1.4 + 0.35 * size_idx + 0.2 * (area == "radars_sensors"))
    answered = rng.random(n_firms) < p
    frame.attrs["respondents"] = answered[rep]
    return frame


def _timed(design: SurveyDesign, B: int, repeats: int) -> float:
    def run():
        design._replicate_cache.clear()
        design.replicate_weights(B, seed=1)
    return best_time(run, repeats)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=50_000)
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    frame = make_frame(args.firms)
    counts = frame_counts(frame, BY)
    resp = frame[frame.attrs.pop("respondents")].reset_index(drop=True)
    cells = weight_respondents(resp, counts, BY, method="cells", min_respondents=20)
    prop = weight_respondents(resp, counts, BY, method="propensity", min_respondents=20)
    total = float(frame.loc[frame.year == 2025, "turnover_ds_eur"].sum())
    calibrated = calibrate_weights(cells, {"turnover_ds_eur": total}).design()
    plain = cells.copy()
    plain.attrs = {k: v for k, v in cells.attrs.items() if k != "weighting"}
    designs = {
        "plain Rao-Wu (floor)": SurveyDesign(plain, validate=False),
        "cells re-run": SurveyDesign(cells, validate=False),
        "propensity re-run": SurveyDesign(prop, validate=False),
        "cells re-run + calibration": calibrated,
    }
    rows = []
    for name, design in designs.items():
        seconds = _timed(design, args.replicates, args.repeats)
        rows.append({"replicates": name, "method": design.replicate_method,
                     "seconds": seconds})
    table = pd.DataFrame(rows).set_index("replicates")
    table["ratio_to_floor"] = table["seconds"] / table["seconds"].iloc[0]
    print(f"frame: {args.firms:,} firms x 3 years; respondents: {resp.firm_id.nunique():,} "
          f"firms ({len(resp):,} rows); {args.replicates} replicates; best of {args.repeats}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas "
          f"{pd.__version__}, {platform.machine()}")
    print(table[["seconds", "ratio_to_floor"]].to_string(float_format=lambda v: f"{v:.3g}"))
    return table


if __name__ == "__main__":
    main()
