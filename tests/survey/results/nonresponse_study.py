"""Coverage study of the non-response weighting (the full version of the test
``tests/survey/test_nonresponse_coverage.py``).

The NLDTIB survey is a census with non-response: every firm of the frame is asked and about 27%
answer. This study sends the synthetic survey ``N_REPETITIONS`` times to the synthetic
population (``synthetic_survey(seed=0, population=True)``, 1,688 frame firms) with
:func:`~nldtib_forecast.data.draw_respondents` (repetition ``r`` uses seed ``r`` in every
scenario, hence the same uniform draws), weights the respondents with
:func:`~nldtib_forecast.survey.weight_respondents` from the frame counts by ``size_class x
nld_area`` (:func:`~nldtib_forecast.survey.frame_counts`), estimates 2025 statistics and
records how often the 95% interval covers the population value, the Monte Carlo standard error
of that coverage ``sqrt(c (1 - c) / R)``, the relative bias of the estimator (and its Monte
Carlo SE), the ratio of the mean standard error to the standard deviation of the estimates
over the repetitions, and the mean response rate.

Response mechanisms (``SCENARIOS``); the intercept of each is solved (``scipy.optimize.brentq``)
so that the expected response rate is 27.2%, as in the default model:

* ``"MAR given the cells"``: the synthetic survey's default response model
  (:data:`~nldtib_forecast.data.RESPONSE_MODEL`: logit = intercept + size class effect + NLD
  area effect). Response depends only on the ``by`` variables, as the weighting assumes.
* ``"informative (response depends on growth)"``: the same logit ``+ BETA * z_i`` where
  ``z_i`` is the normal score of the firm's D&S turnover growth in euros 2024 -> 2025,
  ``turnover_ds_eur_2025 - turnover_ds_eur_2024``: ``z_i = Phi^-1((rank_i - 0.5) / n)`` over
  the ``n = 1,239`` firms with D&S turnover in both years (a rank transform, because growth in
  euros is heavy-tailed). Firms without both values (2025 entrants, firms that left before
  2025, firms outside 2024-2025) get ``z_i = 0``, the median grower. With ``BETA = 0.5`` a
  firm whose growth lies one SD (of the normal scores) higher responds with odds e^0.5 = 1.65
  times larger: fast growers respond more, so the 2025 D&S turnover total is overestimated.
* ``"informative (response depends on the growth rate)"``: as above with ``z_i`` the
  standardised log growth rate ``log(turnover_ds_eur_2025 / turnover_ds_eur_2024)`` (mean
  0.216, SD 0.121 over the same 1,239 firms; z from -4.1 to 2.9; 0 for the other firms). In the
  synthetic population growth rates are independent of the firm's level, so the bias of the
  2025 *level* is small and its sign is set by the growth of the few firms that dominate D&S
  turnover; the D&S share and the 2024 total are biased instead. It shows that the bias
  depends on how response relates to the estimated variable within the response groups.

The weighting is the same in every scenario (so the bias shows). Weighting methods:
``"cells"`` (response homogeneity groups, default ``min_respondents=10``) and ``"propensity"``
(main-effects logit of response on size class and NLD area, raked to the margins), both with
the library's defaults (for the propensity method ``n_classes=20`` variance strata merged to
at least ``min_respondents=10`` respondents).

Statistics (2025): the total D&S turnover, the D&S share of turnover (ratio) and the number of
firms; variance by linearisation in all repetitions, and by the Rao-Wu bootstrap
(``N_REPLICATES`` replicates, seed ``10_000 + r``; the replicates re-run the weighting, for
the propensity method refitting the logit in every replicate) in all repetitions
(``N_BOOTSTRAP``; column ``n_repetitions``).

Run from the repository root::

    python tests/survey/results/nonresponse_study.py

It uses ``PROCESSES = 2`` worker processes and takes about 3 minutes on 2 cores (1,000
repetitions x 3 response mechanisms x 2 weighting methods x 2 variance methods). It writes
``nonresponse_study.csv`` next to this file, one row per response mechanism x weighting method
x statistic x variance method; docs/methodology/survey.rst quotes it.

Findings: see ``nonresponse_study.csv`` and docs/methodology/survey.rst. (A first run with
five propensity classes as variance strata found the propensity method's intervals
conservative, coverage 0.968 and mean SE / SD 1.19, because differences between the cells
within a class count as sampling variance; the default became 20 classes.)
"""

from __future__ import annotations

import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit
from scipy.stats import norm

from nldtib_forecast.data import RESPONSE_MODEL, draw_respondents, synthetic_survey
from nldtib_forecast.survey import (
    SurveyDesign,
    frame_counts,
    survey_ratio,
    survey_total,
    weight_respondents,
)

N_REPETITIONS = 1000
N_REPLICATES = 200
#: repetitions with bootstrap variance, per weighting method
N_BOOTSTRAP = {"cells": N_REPETITIONS, "propensity": N_REPETITIONS}
YEAR = 2025
BETA = 0.5
PROCESSES = 2
BY = ["size_class", "nld_area"]
MAR = "MAR given the cells"
INFORMATIVE = "informative (response depends on growth)"
INFORMATIVE_RATE = "informative (response depends on the growth rate)"
SCENARIOS = (MAR, INFORMATIVE, INFORMATIVE_RATE)
WEIGHTING: dict[str, dict] = {"cells": {}, "propensity": {}}
STATISTICS = ("total D&S turnover", "D&S share of turnover (ratio)", "number of firms")
VARIANCES = ("linearization", "bootstrap")


def growth_score(population: pd.DataFrame, measure: str = "euros") -> pd.Series:
    """Score of each frame firm's D&S turnover growth 2024 -> 2025 (0 without both years).

    ``measure="euros"``: normal scores of the growth in euros; ``"rate"``: the standardised
    log growth rate. Indexed by ``firm_id`` (text, sorted).
    """
    wide = population.pivot(index="firm_id", columns="year", values="turnover_ds_eur")
    wide.index = wide.index.astype(str)
    both = wide[YEAR].notna() & wide[YEAR - 1].notna()
    new, old = wide.loc[both, YEAR], wide.loc[both, YEAR - 1]
    if measure == "euros":
        growth = new - old
        z = pd.Series(norm.ppf((growth.rank() - 0.5) / len(growth)), index=growth.index)
    elif measure == "rate":
        growth = np.log(new / old)
        z = (growth - growth.mean()) / growth.std(ddof=1)
    else:
        raise ValueError(f"unknown growth measure {measure!r}")
    return z.reindex(wide.index).fillna(0.0).sort_index().rename("growth_score")


def response_propensity(population: pd.DataFrame, scenario: str,
                        beta: float = BETA) -> pd.Series:
    """Each frame firm's probability to respond under ``scenario`` (expected rate 27.2%)."""
    frame = population.drop_duplicates("firm_id").copy()
    frame["firm_id"] = frame["firm_id"].astype(str)
    frame = frame.set_index("firm_id").sort_index()
    logit = (frame["size_class"].astype(str).map(RESPONSE_MODEL["size_class"]).to_numpy(float)
             + frame["nld_area"].astype(str).map(RESPONSE_MODEL["nld_area"]).to_numpy(float))
    if scenario in (INFORMATIVE, INFORMATIVE_RATE):
        measure = "euros" if scenario == INFORMATIVE else "rate"
        logit = logit + beta * growth_score(population, measure).reindex(frame.index).to_numpy()
    elif scenario != MAR:
        raise ValueError(f"unknown scenario {scenario!r}")
    rate = RESPONSE_MODEL["rate"]
    a = brentq(lambda b: expit(logit + b).mean() - rate, -40.0, 40.0, xtol=1e-14)
    return pd.Series(expit(logit + a), index=pd.Index(frame.index, name="firm_id"),
                     name="propensity")


def true_values(population: pd.DataFrame) -> dict[str, float]:
    """The 2025 population values of ``STATISTICS``."""
    p = population[population["year"] == YEAR]
    return {
        "total D&S turnover": float(p["turnover_ds_eur"].sum()),
        "D&S share of turnover (ratio)": float(p["turnover_ds_eur"].sum()
                                               / p["turnover_total_eur"].sum()),
        "number of firms": float(len(p)),
    }


def _estimate(design: SurveyDesign, statistic: str, **kw) -> pd.Series:
    if statistic == "total D&S turnover":
        out = survey_total(design, "turnover_ds_eur", **kw)
    elif statistic == "D&S share of turnover (ratio)":
        out = survey_ratio(design, "turnover_ds_eur", "turnover_total_eur", **kw)
    else:
        out = survey_total(design, None, **kw)
    return out.loc["all"]


_STATE: dict = {}


def _setup(settings: dict) -> None:
    pop = synthetic_survey(seed=0, population=True)
    _STATE.clear()
    _STATE.update(settings, population=pop, counts=frame_counts(pop, BY),
                  propensity={s: response_propensity(pop, s, settings["beta"])
                              for s in settings["scenarios"]})


def _one(r: int) -> list[tuple]:
    """All estimates of repetition ``r`` (seed ``r``)."""
    pop, counts = _STATE["population"], _STATE["counts"]
    n_frame = int(counts["count"].sum())
    records = []
    for scenario in _STATE["scenarios"]:
        resp = draw_respondents(pop, seed=r, propensity=_STATE["propensity"][scenario])
        rate = resp["firm_id"].nunique() / n_frame
        for method in _STATE["weighting"]:
            weighted = weight_respondents(resp, counts, BY, method=method, validate=False,
                                          **WEIGHTING[method])
            n_strata = weighted["stratum"].nunique()
            design = SurveyDesign(weighted, validate=False)
            variances = [v for v in _STATE["variances"]
                         if v != "bootstrap" or r < _STATE["n_bootstrap"][method]]
            for statistic in _STATE["statistics"]:
                for variance in variances:
                    kw = dict(year=YEAR, protect=False, variance=variance)
                    if variance == "bootstrap":
                        kw.update(n_replicates=_STATE["n_replicates"], seed=10_000 + r)
                    row = _estimate(design, statistic, **kw)
                    records.append((scenario, method, statistic, variance, r, rate, n_strata,
                                    row.estimate, row.std_error, row.ci_lower, row.ci_upper))
    return records


def simulate(n_repetitions: int = N_REPETITIONS, scenarios=SCENARIOS,
             weighting=tuple(WEIGHTING), statistics=STATISTICS, variances=VARIANCES,
             n_replicates: int = N_REPLICATES, n_bootstrap: dict | None = None,
             beta: float = BETA, processes: int = PROCESSES) -> pd.DataFrame:
    """One row per repetition x scenario x weighting x statistic x variance method.

    ``n_bootstrap``: repetitions with bootstrap variance per weighting method (default
    ``N_BOOTSTRAP``, capped at ``n_repetitions``). ``processes=1`` runs in this process.
    """
    settings = dict(scenarios=tuple(scenarios), weighting=tuple(weighting),
                    statistics=tuple(statistics), variances=tuple(variances),
                    n_replicates=n_replicates, beta=beta,
                    n_bootstrap=dict(N_BOOTSTRAP if n_bootstrap is None else n_bootstrap))
    if processes > 1:
        with Pool(processes, initializer=_setup, initargs=(settings,)) as pool:
            chunks = pool.map(_one, range(n_repetitions), chunksize=5)
        truth = true_values(synthetic_survey(seed=0, population=True))
    else:
        _setup(settings)
        chunks = [_one(r) for r in range(n_repetitions)]
        truth = true_values(_STATE["population"])
    raw = pd.DataFrame([rec for chunk in chunks for rec in chunk],
                       columns=["scenario", "weighting", "statistic", "variance", "repetition",
                                "response_rate", "n_strata", "estimate", "std_error",
                                "ci_lower", "ci_upper"])
    raw["true_value"] = raw["statistic"].map(truth)
    raw["covered"] = (raw["ci_lower"] <= raw["true_value"]) & (
        raw["true_value"] <= raw["ci_upper"])
    return raw


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    """Coverage, its Monte Carlo SE, relative bias, SE ratio per scenario x weighting x
    statistic x variance method."""
    g = raw.groupby(["scenario", "weighting", "statistic", "variance"], sort=False)
    truth = g["true_value"].first()
    R = g.size()
    sd = g["estimate"].std(ddof=1)
    out = pd.DataFrame({
        "true_value": truth,
        "n_repetitions": R,
        "coverage": g["covered"].mean(),
        "relative_bias": g["estimate"].mean() / truth - 1,
        "mc_se_relative_bias": sd / np.sqrt(R) / truth.abs(),
        "relative_sd": sd / truth.abs(),
        "se_ratio": g["std_error"].mean() / sd,
        "mean_ci_width": g["ci_upper"].mean() - g["ci_lower"].mean(),
        "mean_response_rate": g["response_rate"].mean(),
        "mean_n_strata": g["n_strata"].mean(),
    })
    out.insert(3, "mc_se", np.sqrt(out["coverage"] * (1 - out["coverage"]) / R))
    out.insert(4, "mc_se_at_0.95", np.sqrt(0.95 * 0.05 / R))
    return out


if __name__ == "__main__":
    start = time.perf_counter()
    table = summarise(simulate())
    seconds = time.perf_counter() - start
    path = Path(__file__).with_name("nonresponse_study.csv")
    table.to_csv(path, float_format="%.6g")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table)
    print(f"written to {path} ({seconds:.0f} s)")
