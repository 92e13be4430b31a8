"""Simulation study of the survey estimators' 95% intervals (the full version of the test
``tests/survey/test_estimators.py::test_coverage_simulation``).

Draws ``N_SAMPLES`` stratified samples from the synthetic population (``synthetic_survey(seed=0,
population=True)``) with :func:`~nldtib_forecast.data.draw_sample` (sample ``s`` uses seed
``s``), estimates 2025 statistics with both variance methods, and records how often the 95%
interval covers the population value, the Monte Carlo standard error of that coverage, the
relative bias of the estimator and the ratio of the mean standard error to the standard
deviation of the estimates over the samples.

Run from the repository root (about a minute)::

    python tests/survey/results/simulation_study.py

It writes ``simulation_study.csv`` next to this file; docs/methodology/survey.rst quotes it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nldtib_forecast.data import draw_sample, synthetic_survey
from nldtib_forecast.survey import (
    SurveyDesign,
    survey_proportion,
    survey_ratio,
    survey_total,
)

N_SAMPLES = 1000
N_REPLICATES = 200
YEAR = 2025


def main() -> pd.DataFrame:
    pop = synthetic_survey(seed=0, population=True)
    p = pop[pop["year"] == YEAR]
    truth = {
        "total D&S turnover": p["turnover_ds_eur"].sum(),
        "D&S share of turnover (ratio)": p["turnover_ds_eur"].sum()
        / p["turnover_total_eur"].sum(),
        "number of firms": float(len(p)),
        "share with financing challenges": p["financing_challenge"].astype(float).mean(),
    }
    stats = {
        "total D&S turnover": lambda d, **kw: survey_total(d, "turnover_ds_eur", **kw),
        "D&S share of turnover (ratio)": lambda d, **kw: survey_ratio(
            d, "turnover_ds_eur", "turnover_total_eur", **kw),
        "number of firms": lambda d, **kw: survey_total(d, None, **kw),
        "share with financing challenges": lambda d, **kw: survey_proportion(
            d, "financing_challenge", **kw),
    }
    records = []
    for s in range(N_SAMPLES):
        design = SurveyDesign(draw_sample(pop, seed=s), validate=False)
        for name, f in stats.items():
            for method in ("linearization", "bootstrap"):
                kw = dict(year=YEAR, protect=False, variance=method)
                if method == "bootstrap":
                    kw.update(n_replicates=N_REPLICATES, seed=10_000 + s)
                row = f(design, **kw).loc["all"]
                records.append((name, method, s, row.estimate, row.std_error, row.ci_lower,
                                row.ci_upper))
    raw = pd.DataFrame(records, columns=["statistic", "variance", "sample", "estimate",
                                         "std_error", "ci_lower", "ci_upper"])
    raw["true_value"] = raw["statistic"].map(truth)
    raw["covered"] = (raw["ci_lower"] <= raw["true_value"]) & (
        raw["true_value"] <= raw["ci_upper"])
    g = raw.groupby(["statistic", "variance"], sort=False)
    out = pd.DataFrame({
        "true_value": g["true_value"].first(),
        "n_samples": g.size(),
        "coverage": g["covered"].mean(),
        "relative_bias": g["estimate"].mean() / g["true_value"].first() - 1,
        "se_ratio": g["std_error"].mean() / g["estimate"].std(ddof=1),
        "mean_ci_width": (g["ci_upper"].mean() - g["ci_lower"].mean()),
    })
    out["mc_se_coverage"] = np.sqrt(out["coverage"] * (1 - out["coverage"]) / out["n_samples"])
    out["mc_se_at_0.95"] = np.sqrt(0.95 * 0.05 / out["n_samples"])
    out.attrs["n_replicates"] = N_REPLICATES
    return out


if __name__ == "__main__":
    table = main()
    path = Path(__file__).with_name("simulation_study.csv")
    table.to_csv(path, float_format="%.6g")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table)
    print(f"written to {path}")
