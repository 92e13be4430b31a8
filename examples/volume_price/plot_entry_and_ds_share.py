"""
Entrants and the falling D&S share of turnover
==============================================

The 2026 letter reports that the defence and security (D&S) share of the NLDTIB firms'
turnover fell from 14.9% in 2023 to 10.2% in 2025, "because of the larger number of
entrants". How much of the 4.7 point fall do entrants explain, and how much comes from firms
that were already in the NLDTIB in 2023?

The aggregate D&S share is a turnover-weighted mean of the firms' own D&S shares,

.. math:: P_t = \\sum_i s_{it} p_{it}, \\quad
          s_{it} = \\frac{T_{it}}{\\sum_j T_{jt}}, \\quad p_{it} = \\frac{D_{it}}{T_{it}},

(:math:`T` total turnover, :math:`D` D&S turnover), which equals total D&S turnover over total
turnover. :func:`~nldtib_forecast.models.dynamics.decompose_dynamics` splits its change into the
contributions of continuing firms (``within``, ``between``, ``cross``), entrants and exiters.
The numbers below are computed on the **synthetic** NLDTIB population; they illustrate the
method and are not real statistics.
"""

# %%
# The decomposition with every method
# -----------------------------------
import matplotlib.pyplot as plt
import pandas as pd

from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.labels import label
from nldtib_forecast.models.dynamics import METHODS, decompose_dynamics

population = synthetic_survey(seed=0, population=True)
population["ds_share"] = population["turnover_ds_eur"] / population["turnover_total_eur"]

table = pd.DataFrame({
    method: decompose_dynamics(population, "ds_share", "turnover_total_eur", method=method,
                               periods=[2023, 2025])
    for method in METHODS
}).T
print((100 * table).round(2).to_string())  # percentage points

# %%
# Who are the entrants?
# ---------------------
# ``attrs`` records the aggregate in both years and the size of each group.
fhk = decompose_dynamics(population, "ds_share", "turnover_total_eur", periods=[2023, 2025])
print(f"D&S share: {fhk.attrs['levels'][2023]:.1%} (2023) -> {fhk.attrs['levels'][2025]:.1%} "
      f"(2025)")
print(f"continuing firms: {fhk.attrs['n_continuing'][0]}, entrants: {fhk.attrs['n_entry'][0]}, "
      f"exiters: {fhk.attrs['n_exit'][0]}")
print(f"entrants' share of 2025 turnover: {fhk.attrs['entry_weight_share'][0]:.1%}")
print("share of the fall explained by entry:")
print((table["entry"] / table["total"]).round(2).to_string())

# %%
# The methods agree that entry explains most of the fall
# ------------------------------------------------------
# Methods with a reference level (FHK: the 2023 aggregate; Griliches-Regev: the mean of both
# years; Melitz-Polanec and Diewert-Fox: the continuing firms' 2025 aggregate) attribute
# between 2.6 and 3.4 of the 4.7 points to entrants, who hold about a third of 2025 turnover but
# are far less D&S-dependent. Baily-Hulten-Campbell has no reference level: its entry term is
# the entrants' whole D&S turnover share (positive), offset by a large negative ``between``
# term, so it does not answer the question.
# The charts show labels, not identifiers: the components' labels come from the library's
# registry (:func:`~nldtib_forecast.labels.label`), the methods are named after their authors.
METHOD_NAMES = {"fhk": "Foster-Haltiwanger-\nKrizan", "griliches_regev": "Griliches-Regev",
                "bhc": "Baily-Hulten-\nCampbell", "melitz_polanec": "Melitz-Polanec",
                "diewert_fox": "Diewert-Fox"}
components = ["within", "between", "cross", "entry", "exit"]
shown = (100 * table[components]).rename(columns=label, index=METHOD_NAMES)
fig, ax = plt.subplots(figsize=(7, 4))
shown.plot.bar(ax=ax, width=0.8)
ax.axhline(0.0, color="black", lw=0.8)
ax.scatter(range(len(table)), 100 * table["total"], color="black", marker="D", zorder=3,
           label="total change")
ax.set_ylabel("percentage points")
ax.set_title("Change of the D&S share of turnover, 2023-2025 (synthetic data)")
ax.legend(ncols=3, fontsize="small", frameon=False)
ax.tick_params(axis="x", rotation=0, labelsize="small")
fig.tight_layout()

# %%
# The same from the respondent sample
# -----------------------------------
# With a sample, pass the design weights as ``survey_weight``: each respondent's turnover is
# grossed up by its weight. The sample estimate differs from the population value by sampling
# error.
sample = synthetic_survey(seed=0)
sample["ds_share"] = sample["turnover_ds_eur"] / sample["turnover_total_eur"]
estimate = decompose_dynamics(sample, "ds_share", "turnover_total_eur", method="melitz_polanec",
                              periods=[2023, 2025], survey_weight="weight")
(100 * estimate).round(2)
