"""
The synthetic survey against the published figures
===================================================

The library's default data are a *synthetic* NLDTIB: a population of firms calibrated to the
published figures of the survey editions, and its respondents: as in the real survey, every
firm is asked, about 27% answer, and the respondents are weighted from the frame's counts.
This example recomputes the calibration targets from the population, and shows what the
weighted respondents estimate for the same figures: the estimates scatter around the
published values because of who happened to respond.
"""

# %%
# The calibration targets, each with its source
# ---------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nldtib_forecast.data import calibration_targets, synthetic_survey

targets = calibration_targets()
targets[targets.kind == "published"].head(12)

# %%
# The population reproduces the published levels
# -----------------------------------------------
# Sums over the population (weights are 1) for every year.
population = synthetic_survey(seed=0, population=True)
by_year = population.groupby("year")
table = pd.DataFrame(
    {
        "firms": by_year.size(),
        "ds_turnover_eur": by_year["turnover_ds_eur"].sum(),
        "ds_turnover_share": by_year["turnover_ds_eur"].sum()
        / by_year["turnover_total_eur"].sum(),
        "export_share": by_year["export_ds_eur"].sum() / by_year["turnover_ds_eur"].sum(),
    }
)
table

# %%
# The respondent sample estimates them with sampling error
# --------------------------------------------------------
# Horvitz-Thompson estimates: weighted sums with the design weights ``N_h / n_h``.
sample = synthetic_survey(seed=0)
w = sample["weight"]
est = pd.DataFrame(
    {
        "firms": w.groupby(sample["year"]).sum(),
        "ds_turnover_eur": (w * sample["turnover_ds_eur"]).groupby(sample["year"]).sum(),
    }
)
print(f"{sample.firm_id.nunique()} responding firms of {population.firm_id.nunique()}")

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(table.index, table["ds_turnover_eur"] / 1e9, "o-", label="population = published")
ax.plot(est.index, est["ds_turnover_eur"] / 1e9, "s--", label="sample estimate (synthetic)")
ax.set_ylabel("D&S turnover (EUR bn)")
ax.set_title("Synthetic NLDTIB: D&S turnover 2019-2025")
ax.legend()
ax.set_xticks(np.arange(2019, 2026))
plt.show()
