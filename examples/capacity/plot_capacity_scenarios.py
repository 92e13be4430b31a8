"""
Capacity scale-up under the built-in scenarios
==============================================

The 2026 letter reports that NLDTIB firms could scale up their D&S turnover by 33% under
current conditions and by 67% when conditions improve, and names three barriers: order
uncertainty, long procurement and labour. The capacity model
(:class:`~nldtib_forecast.models.capacity.CapacityModel`) ties each barrier to a driver,
reproduces both numbers exactly in the long run, and adds *when* the capacity arrives: after
the procurement lead time and a build time, along an S-shaped ramp, and no faster than labour
allows for the firms that name labour.

The numbers below are computed on the **synthetic** NLDTIB population (calibrated to the
published figures); they illustrate the method and are not real statistics.
"""

# %%
# Calibration: the long run reproduces the survey
# -----------------------------------------------
import matplotlib.pyplot as plt
import pandas as pd

from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.labels import label
from nldtib_forecast.models.capacity import CapacityModel
from nldtib_forecast.scenarios import BUILTIN_NAMES, builtin

model = CapacityModel.from_survey(synthetic_survey(population=True))
print(model)
scenarios = {name: builtin()[name] for name in BUILTIN_NAMES}  # the six capacity scenarios
long_run = model.long_run_uplift(scenarios)
print((100 * long_run).round(1).to_string())  # percent of 2025 D&S turnover

# %%
# ``current_conditions`` and ``improved_conditions`` give exactly the survey's weighted
# scale-up (33% and 67%). Each single measure unlocks only part of the gap, and the three
# parts add up to less than the whole: a firm that names several barriers scales up only when
# all of them are relieved (the binding barrier holds it back). ``labour_squeeze`` lowers the
# potential of the firms that name labour.
#
# Simulation: when does the capacity arrive?
# ------------------------------------------
# 500 draws per scenario, each with its own parameters (curvatures, build and ramp time,
# labour headroom, productivity) drawn from documented priors. The synthetic population is a
# census, so there is no sampling uncertainty here.
result = model.simulate(scenarios, horizon=2035, n_draws=500, seed=2026)
print(result.metadata.interval_contents)

fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
result.plot("uplift", ["current_conditions", "improved_conditions", "labour_squeeze"],
            ax=axes[0], title="Uplift of D&S capacity over 2025")
medians = result.quantiles(0.5, variable="uplift").xs("uplift", level="variable")[0.5]
for name, path in medians.groupby(level="scenario", sort=False):
    axes[1].plot(path.index.get_level_values("year"), 100 * path.to_numpy(), label=label(name))
axes[1].set_ylabel("median uplift, %")
axes[1].set_title("Median path of every built-in scenario")
axes[1].legend(frameon=False, fontsize="small")
plt.show()

# %%
# Under current conditions hardly anything arrives before 2029: a procurement lead time of 30
# months plus about a year of building comes first. Improved conditions shorten the lead time,
# but the difference between the scenarios opens up only after 2030, and labour keeps the 2035
# uplift below the long-run 67%.
summary = pd.concat({year: result.summary_frame("uplift", year=year)[["median", "lower",
                                                                        "upper"]]
                     for year in (2030, 2035)}, names=["at"]).droplevel("year")
print((100 * summary).round(1).unstack("at").to_string())

capacity = result.summary_frame("capacity_eur", year=2035)[["median", "lower", "upper"]]
print((capacity / 1e9).round(2).to_string())  # EUR bn, 2025 prices

# %%
# The effect of each measure, draw by draw
# ----------------------------------------
# All scenarios share the same draws (common random numbers), so differences from
# ``current_conditions`` are computed draw by draw and are much tighter than the levels.
effect = result.difference().summary_frame("uplift", year=2035)
print((100 * effect[["median", "lower", "upper"]]).round(1).to_string())

# %%
# What drives the uncertainty?
# ----------------------------
# Sobol' indices of the aggregate uplift, all horizon years in one pass. For 2030, timing
# (build and ramp time) dominates; by 2035 the drivers do, order certainty first.
sens = model.sensitivity([2030, 2035], n=2**9, seed=1, n_bootstrap=100)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
sens.plot(2030, ax=axes[0])
sens.plot(2035, ax=axes[1])
plt.show()

# %%
# Which conditions reach a 45% uplift by 2033?
# --------------------------------------------
# PRIM peels the sampled driver space down to a box where most cases reach the target; its
# density is the probability of reaching it inside the box (parameters drawn from the priors).
found = model.discover(target=0.45, year=2033, n=2048, seed=1)
print(found.summary())
