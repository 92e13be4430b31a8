"""
Run your first scenario
=======================

This tutorial runs the **outlook** of the NLDTIB: D&S turnover, its export share, how much of
the demand the sector's capacity can serve, and the labour it needs, up to 2035. The outlook
(:class:`~nldtib_forecast.models.outlook.Outlook`) joins the sub-models of the package:

* *demand* from the export share model: Dutch materiel spending x the domestic ratio, and the
  European procurement market x the Dutch market share;
* *capacity* from the capacity model: base-year D&S turnover x (1 + scale-up), where the
  scale-up follows the survey's 33% (current) and 67% (improved conditions) with delays;
* *prices*: cost inflation passed on at the pass-through coefficient estimated from the
  survey, so that nominal turnover = price x volume.

The numbers are computed on the **synthetic** survey (calibrated to the published figures):
they illustrate the method and are not real statistics.
"""

# %%
# Build the outlook
# -----------------
# :meth:`~nldtib_forecast.models.outlook.Outlook.from_survey` calibrates every sub-model to
# one survey year (here the synthetic survey of 2025) and the embedded market data.
import matplotlib.pyplot as plt

from nldtib_forecast.models.outlook import Outlook, summary_table
from nldtib_forecast.scenarios import builtin

outlook = Outlook.from_survey()
print(outlook)
print(outlook.pass_through)

# %%
# The base year against the published figures: the letter of May 2026 reports EUR 10.2 bn of
# D&S turnover and an export share of 36% in 2025. The synthetic survey's weighted estimates
# are close (its sample covers slightly less turnover).
outlook.history().loc[2023:, ["turnover_ds_published_eur", "turnover_ds_model_eur",
                              "export_share_published", "export_share_model"]]

# %%
# The four outlook scenarios
# --------------------------
# ``current_conditions`` keeps every driver at its default; ``improved_conditions`` relieves
# the three capacity barriers (orders, procurement, labour); ``eu_surge_current`` is the
# ReArm Europe demand surge under current conditions; ``nl_35_improved`` is the Dutch path to
# 3.5% of GDP with improved conditions.
scenarios = builtin()
for name in ("eu_surge_current", "nl_35_improved"):
    print(f"{name}: {scenarios[name].description[:160]}...")

# %%
# Simulate
# --------
# One call runs every scenario with the same random numbers (common random numbers), so
# differences between scenarios are not noise. ``seed`` makes the run reproducible.
result = outlook.simulate(horizon=2035, n_draws=1000, seed=2026)
result

# %%
# The key numbers in 2030 and 2035: medians with 90% intervals (money in EUR, shares as
# fractions).
table = summary_table(result, years=(2030, 2035),
                      variables=["turnover_nominal_eur", "export_share", "utilisation"])
table.pivot_table(index=["scenario", "year"], columns="variable", values="median")

# %%
# Demand against capacity
# -----------------------
# Realised volume is the smaller of demand and capacity (per NLD area). Under the Dutch
# path to 3.5% demand grows faster than capacity, even with improved conditions: part of the
# demand cannot be served (the capacity gap).
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained", sharey=True)
for ax, scenario in zip(axes, ["current_conditions", "nl_35_improved"], strict=True):
    for variable, color in (("demand_eur", "C0"), ("capacity_eur", "C1"),
                            ("turnover_real_eur", "k")):
        frame = result.summary_frame(variable, scenario=scenario).loc[scenario]
        ax.plot(frame.index, frame["median"] / 1e9, color=color, label=variable)
        ax.fill_between(frame.index, frame["lower"] / 1e9, frame["upper"] / 1e9,
                        color=color, alpha=0.15)
    ax.set_title(scenario)
    ax.set_xlabel("year")
axes[0].set_ylabel("EUR bn, 2025 prices")
axes[0].legend(frameon=False, fontsize="small")

# %%
# The export share
# ----------------
# A fan chart per scenario: the median with 50%, 80% and 95% bands.
ax = result.plot("export_share")
ax.set_title("Export share of D&S turnover")

# %%
# Your own scenario
# -----------------
# A scenario sets any driver of any sub-model, as a constant or as a path ``{year: value}``.
# Here: the European surge, plus higher cost inflation and domestic customers served first
# when capacity is short.
mine = scenarios["eu_surge_current"].with_drivers(
    cost_inflation=0.04, domestic_priority=1.0, name="surge_costly_domestic_first")
mine_result = outlook.simulate([scenarios["eu_surge_current"], mine], horizon=2035,
                               n_draws=1000, seed=2026)
summary_table(mine_result, years=2030, variables=["price_index", "export_share"])

# %%
# Every identity holds draw by draw: nominal turnover is price x volume, exports plus
# domestic turnover is the total, and the growth of nominal turnover splits exactly into
# price, volume and their interaction.
g = mine_result.summary_frame("growth_nominal", year=2030)["median"]
g
