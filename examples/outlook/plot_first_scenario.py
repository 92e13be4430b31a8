"""
Run your first scenario
=======================

This tutorial runs the **outlook** of the NLDTIB: D&S turnover, its export share, how much of
the demand the sector's capacity can serve, and the labour it needs, up to 2035. The outlook
(:class:`~nldtib_forecast.models.outlook.Outlook`) joins the sub-models of the package:

* *demand* from the export share model: Dutch materiel spending x the domestic ratio, and the
  European procurement market x the Dutch market share, which responds to the market with an
  estimated elasticity;
* *capacity* from the capacity model: base-year D&S turnover x (1 + scale-up), where the
  scale-up follows the survey's answers under current and improved conditions: the current
  potential in the short run, the relief of the barriers after the procurement lead time and
  a build time;
* *prices*: cost inflation passed on at the pass-through coefficient estimated from the
  survey, so that nominal turnover = price x volume.

It asks the question of the 2026 letter: *under the budgets that are committed, and under
other futures, what do better conditions (orders, procurement, labour) add, and when?*

The capacity side is computed on the **synthetic** survey, which is built to reproduce the
published figures: the numbers illustrate the method and are not statistics about the NLDTIB.
"""

# %%
# Build the outlook
# -----------------
# :meth:`~nldtib_forecast.models.outlook.Outlook.from_survey` calibrates every sub-model to
# one survey year (here the synthetic survey of 2025) and the embedded market data. By
# default the outlook starts at the **published** 2025 totals of the letter (D&S turnover
# EUR 10.2 bn, export share 36%); the survey supplies the structure (segments, scale-up
# answers, productivity) and the sampling uncertainty of the levels.
import matplotlib.pyplot as plt
import numpy as np

from nldtib_forecast.labels import label
from nldtib_forecast.models.outlook import Outlook, binding_constraints, summary_table
from nldtib_forecast.scenarios import Scenario, drivers, futures, policies

outlook = Outlook.from_survey()
print(outlook)
print(outlook.benchmark_source)

# %%
# The survey's own weighted total is lower (an estimate from the synthetic respondents, within
# its sampling error of the population total); ``Outlook.from_survey(benchmark=None)`` would
# start there instead.
outlook.base[["turnover_ds_eur", "survey_turnover_ds_eur", "benchmark_factor",
              "export_share"]]

# %%
# Policies and futures
# --------------------
# Every driver is a *lever* (something the government can move) or an *external* driver
# (something it cannot).
drivers()[["kind", "level", "default", "improved", "unit"]]

# %%
# A *policy* sets levers only, a *future* external drivers only. The built-in policies are
# the capacity scenarios; the built-in futures start with ``baseline``, committed policy:
# the 2026 budget, then the NATO path to 3.5% of GDP by 2035, and European spending from
# 2.1% to 3.5% of GDP. ``constant_gdp_shares`` is the low case.
print(list(policies()))
print(list(futures())[:4])
print(futures()["baseline"].description)

# %%
# Simulate every policy under every future
# ----------------------------------------
# One call runs the grid: six policies x four futures = 24 scenarios named
# ``"FUTURE/POLICY"``. All of them share the random numbers (common random numbers), so the
# difference a policy makes within a future is computed draw by draw. ``seed`` makes the run
# reproducible; these are the settings of the default report (1,000 draws, seed 0).
result = outlook.simulate(policies=list(policies()), futures=list(futures())[:4],
                          horizon=2035, n_draws=1000, seed=0)
print(result.futures)
print(result.policies)

# %%
# What each policy adds
# ---------------------
# :meth:`~nldtib_forecast.results.ScenarioResult.policy_effects`: the draw-by-draw difference
# of D&S turnover in 2025 prices against ``current_conditions``, per future and year: the
# median, the central 90% interval and the share of draws in which the policy adds something.
effects = result.policy_effects("turnover_real_eur", years=[2030, 2035])
table = effects[["median", "lower", "upper"]] / 1e9
table["share_positive"] = effects["share_positive"]
table.round(2)

# %%
# The same in a chart: the effect in 2035 with its 90% interval, one panel per future. Charts
# show the labels of the library's registry (:func:`~nldtib_forecast.labels.label`), not the
# identifiers: ``label("constant_gdp_shares")`` is "Constant shares of GDP".
fig, axes = plt.subplots(1, 4, figsize=(12, 3.6), layout="constrained", sharex=True,
                         sharey=True)
for ax, future in zip(axes, result.futures, strict=True):
    part = effects.xs((future, 2035), level=["future", "year"]) / 1e9
    y = np.arange(len(part))[::-1]
    ax.hlines(y, part["lower"], part["upper"], color="C0")
    ax.plot(part["median"], y, "o", color="k")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_title(label(future), fontsize="medium")
    ax.set_yticks(y, [label(policy) for policy in part.index])
    ax.set_xlabel("EUR bn (2025 prices)")
fig.suptitle("What each policy adds to D&S turnover in 2035, over current conditions")
plt.show()

# %%
# Which constraint binds
# ----------------------
# A policy acts on capacity. When demand is below capacity, capacity that is not used adds
# nothing, and every policy gives the same turnover.
# :func:`~nldtib_forecast.models.outlook.binding_constraints` says per scenario, in words,
# which of the two limits turnover in most draws:
sentences = binding_constraints(result)["sentence"].groupby(level="scenario").first()
sentences[[f"{f}/current_conditions" for f in result.futures]]

# %%
# Demand against capacity
# -----------------------
# Realised volume is the smaller of demand and capacity (per NLD area). Capacity rises at
# once (the short run: the potential firms report under current conditions) and again when
# the relief of the barriers arrives under improved conditions. Where demand is below
# capacity, turnover equals demand and the two lines coincide.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained", sharey=True)
for ax, future in zip(axes, ["baseline", "constant_gdp_shares"], strict=True):
    for scenario, variable, color, style in (
            (f"{future}/current_conditions", "demand_eur", "C0", "-"),
            (f"{future}/current_conditions", "capacity_eur", "C1", "-"),
            (f"{future}/improved_conditions", "capacity_eur", "C1", "--"),
            (f"{future}/current_conditions", "turnover_real_eur", "k", "-")):
        frame = result.summary_frame(variable, scenario=scenario).loc[scenario]
        name = label(variable) + (", improved conditions" if "improved" in scenario else "")
        ax.plot(frame.index, frame["median"] / 1e9, color=color, ls=style, label=name)
        if style == "-":
            ax.fill_between(frame.index, frame["lower"] / 1e9, frame["upper"] / 1e9,
                            color=color, alpha=0.15)
    ax.set_title(label(future))
    ax.set_xlabel("year")
axes[0].set_ylabel("EUR bn, 2025 prices")
axes[0].legend(frameon=False, fontsize="small")
plt.show()

# %%
# The levels: medians and 90% intervals of the key variables in 2030 and 2035.
levels = summary_table(result, years=(2030, 2035),
                       variables=["turnover_nominal_eur", "export_share", "utilisation"])
levels[levels["scenario"].str.endswith("/current_conditions")].pivot_table(
    index=["scenario", "year"], columns="variable", values="median")

# %%
# Your own policy
# ---------------
# A policy sets levers, as a constant or as a path ``{year: value}``. Level drivers (shares,
# lead times) start from their observed 2025 value: ``{2028: 0.6}`` phases order certainty
# in from 0.3 in 2025 to 0.6 in 2028. Here: framework contracts and faster procurement, run
# under two futures against current conditions.
mine = Scenario("contracts_and_speed",
                {"order_certainty": {2028: 0.6}, "procurement_lead_time_months": 18},
                description="Framework contracts (order certainty 0.6 by 2028) and contracts "
                            "signed within 18 months from 2026", kind="policy")
print(mine.path("order_certainty", range(2025, 2030)).round(3).tolist())
own = outlook.simulate(policies=["current_conditions", mine],
                       futures=["baseline", "constant_gdp_shares"], horizon=2035,
                       n_draws=1000, seed=0)
(own.policy_effects("turnover_real_eur", years=[2030, 2035])[["median", "lower", "upper"]]
 / 1e9).round(2)

# %%
# Every identity holds draw by draw: nominal turnover is price x volume, exports plus
# domestic turnover is the total, and the growth of nominal turnover splits exactly into
# price, volume and their interaction.
split = {v: own.draws(v, wide=True) for v in ("growth_nominal", "growth_price",
                                               "growth_volume", "growth_interaction")}
gap = split["growth_nominal"] - (split["growth_price"] + split["growth_volume"]
                                 + split["growth_interaction"])
print(f"largest gap in the growth split: {gap.abs().to_numpy().max():.1e}")
