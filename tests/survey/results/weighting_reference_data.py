"""Input data of ``r_weighting_reference.R``: a weighted respondent file of a census with
non-response, and the frame's counts.

The frame is the synthetic NLDTIB population of 2025 (``synthetic_survey(seed=0,
population=True)``, the 1,503 firms of year 2025, one row each); the respondents are drawn by
:func:`~nldtib_forecast.data.draw_respondents` (seed 5, the response model
``RESPONSE_MODEL``) and weighted by :func:`~nldtib_forecast.survey.weight_respondents` by size
class x NLD area with both methods (cells: ``min_respondents=10``; propensity: ``n_classes=5``).

Run from the repository root::

    python tests/survey/results/weighting_reference_data.py

It writes, next to this file,

* ``weighting_respondents.csv``: one row per responding firm: ``firm_id, size_class, nld_area,
  domain, turnover_ds_eur, fte_total`` (the input), and the library's weighting of it:
  ``group`` (response homogeneity group), ``N_group`` (its frame count), ``w_cells`` (weight of
  the cells method), ``pclass`` (propensity class), ``N_pclass`` (its frame count),
  ``propensity`` (estimated response propensity of the firm's cell) and ``w_propensity``
  (weight of the propensity method, after raking);
* ``weighting_frame_counts.csv``: the frame's number of firms (``count``) and respondents per
  cell of size class x NLD area (the cells in the library's order).

R uses the groups and classes as strata and recomputes the weights itself (R's ``svydesign``
weights ``N_h / n_h``; ``glm`` and ``calibrate(calfun = "raking")`` for the propensity
method), so the weights in the file are only compared, never used by R.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nldtib_forecast.data import draw_respondents, synthetic_survey
from nldtib_forecast.survey import frame_counts, weight_respondents, weighting_report

HERE = Path(__file__).parent
BY = ["size_class", "nld_area"]
YEAR = 2025
RESPONSE_SEED = 5
INPUT = ["firm_id", "size_class", "nld_area", "domain", "turnover_ds_eur", "fte_total"]


def build() -> tuple[pd.DataFrame, pd.DataFrame]:
    pop = synthetic_survey(seed=0, population=True)
    frame = pop[pop["year"] == YEAR].reset_index(drop=True)
    counts = frame_counts(frame, BY)
    resp = draw_respondents(frame, seed=RESPONSE_SEED)
    data = resp[INPUT].astype({c: str for c in ["firm_id", "size_class", "nld_area",
                                                "domain"]})
    cells = weight_respondents(data, counts, BY, validate=False)
    prop = weight_respondents(data, counts, BY, method="propensity", n_classes=5,
                              validate=False)
    rep = weighting_report(prop)
    p_of_cell = rep.cells.set_index(BY)["propensity"]
    out = data.copy()
    out["group"] = cells["stratum"].astype(str)
    out["N_group"] = out["group"].map(cells.attrs["population_firms"]).astype(int)
    out["w_cells"] = cells["weight"]
    out["pclass"] = prop["stratum"].astype(str)
    out["N_pclass"] = out["pclass"].map(prop.attrs["population_firms"]).astype(int)
    out["propensity"] = p_of_cell.reindex(pd.MultiIndex.from_frame(out[BY])).to_numpy()
    out["w_propensity"] = prop["weight"]
    table = weighting_report(cells).cells[BY + ["count", "respondents"]]
    return out, table


def main() -> None:
    out, table = build()
    out.to_csv(HERE / "weighting_respondents.csv", index=False, float_format="%.17g")
    table.to_csv(HERE / "weighting_frame_counts.csv", index=False)


if __name__ == "__main__":
    main()
