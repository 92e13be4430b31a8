"""Benchmark: the full outlook, 4 scenarios x 2,000 draws x 10 years (2026-2035).

``Outlook.simulate`` runs the capacity model, the trade model and the outlook's price,
volume and labour equations in one model call per block of draws. Its time is reported as a
ratio to the two sub-models run alone on the same scenarios, draws and years, measured in the
same run (``CapacityModel.simulate(by="nld_area")`` + ``ExportShareModel.project``): the
outlook's own equations and its year loop should add little on top of them.

Also timed: calibration (``Outlook.from_survey``: both sub-models and the pass-through
regression), the outlook with ``n_jobs=2`` (bit-identical results; joblib worker start-up is
included) and, with ``--report``, the command ``nldtib-forecast report`` on the embedded data.

Run from the repository root::

    python benchmarks/bench_outlook.py [--draws 2000] [--repeats 3] [--report]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

from nldtib_forecast import __version__
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.outlook import OUTLOOK_SCENARIOS, Outlook


def best(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--report", action="store_true",
                        help="also time `nldtib-forecast report` (one run)")
    args = parser.parse_args()
    scen = list(OUTLOOK_SCENARIOS)
    survey = synthetic_survey(seed=0)

    t_cal, outlook = best(lambda: Outlook.from_survey(survey), args.repeats)
    kw = dict(horizon=2035, n_draws=args.draws, seed=1, progress=False)
    outlook.simulate(scen, **{**kw, "n_draws": 250})  # warm-up
    t_out, res = best(lambda: outlook.simulate(scen, **kw), args.repeats)
    t_par, res2 = best(lambda: outlook.simulate(scen, n_jobs=2, **kw), args.repeats)
    assert res.equals(res2), "n_jobs=2 changed the results"
    cap, trade = outlook.capacity_model, outlook.trade_model

    def submodels():
        cap.simulate(scen, by="nld_area", **kw)
        trade.simulate(scen, horizon=2035, n_draws=args.draws, seed=1)

    t_sub, _ = best(submodels, args.repeats)
    values = sum(a.size for a in (res.array(v) for v in res.variables))
    rows = [
        ("Outlook.from_survey (calibration)", t_cal, ""),
        ("capacity + trade sub-models alone (baseline)", t_sub, "1.00"),
        (f"Outlook.simulate, n_jobs=1 ({len(scen)} x {args.draws:,} x 10 years, "
         f"{len(res.variables)} variables)", t_out, f"{t_out / t_sub:.2f}"),
        ("Outlook.simulate, n_jobs=2 (same results)", t_par, f"{t_par / t_sub:.2f}"),
    ]
    if args.report:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [os.path.join(os.path.dirname(sys.executable), "nldtib-forecast"), "report",
                   "--out", os.path.join(tmp, "report"), "--quiet"]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            t_rep = time.perf_counter() - t0
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
        rows.append((f"nldtib-forecast report (one run, {status})", t_rep,
                     f"{t_rep / t_sub:.1f}"))
        if proc.returncode:
            print(proc.stderr[-2000:], file=sys.stderr)

    print(f"nldtib_forecast {__version__}, Python {platform.python_version()}, numpy "
          f"{np.__version__}, {os.cpu_count()} CPUs, {platform.machine()}; best of "
          f"{args.repeats}; {values:,} stored values")
    print("| step | time (s) | ratio to sub-models |")
    print("| --- | --- | --- |")
    for name, t, ratio in rows:
        print(f"| {name} | {t:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
