"""
Reproducing the 2026 letter to parliament
=========================================

The ministers' letter of 21 May 2026 on the NLDTIB survey makes a handful of statements. This
page goes through them one by one and recomputes each with the library: the estimate, its 95%
interval, and the published value. It runs on the **synthetic** survey, which is calibrated to
the published figures, so the estimates land near the letter by construction; with the
ministry's microdata (:func:`nldtib_forecast.data.read_survey`) the same code gives the real
figures and their real uncertainty. The last section goes one step beyond the letter: what
would better conditions add to the turnover the sector can deliver, under the committed
budgets and under a low case?
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd

from nldtib_forecast.data import audit_published, synthetic_survey
from nldtib_forecast.survey import headline_figures, survey_ratio, survey_total

survey = synthetic_survey(seed=0)  # ~27% of firms, design weights, 2019-2025
headline = headline_figures(survey, n_replicates=300, pe_replicates=50, seed=1)
headline = headline.set_index(["indicator", "category"])  # keyed by indicator and category


def show(indicator, category=""):
    """One headline row: estimate, 95% interval and published value."""
    return headline.loc[(indicator, category),
                        ["estimate", "ci_lower", "ci_upper", "published", "status"]]


# %%
# 1. "The NLDTIB grew to 1,503 firms in 2025 from 1,050 in 2023, mainly in intelligent systems"
# ---------------------------------------------------------------------------------------------
# The weighted number of firms, and the growth by NLD focus area (design-based totals; the
# quantum area has fewer than 10 respondents and is suppressed by the disclosure rules).
print(show("firms"))
by_area = pd.concat(
    {year: survey_total(survey, by="nld_area", year=year)["estimate"] for year in (2023, 2025)},
    axis=1)
by_area["change"] = by_area[2025] - by_area[2023]
by_area.round(0)

# %%
# 2. "D&S turnover rose from EUR 8.0 bn in 2024 to 10.2 bn in 2025, an increase of 21.5%"
# ---------------------------------------------------------------------------------------
# The letter's own levels give +27.5%, not +21.5%: the audit of the published figures flags
# it, and says what could reconcile the two.
audit = audit_published()
row = audit[audit["check"] == "ds_turnover_growth 2024->2025 (L26)"].iloc[0]
print(row["status"], "-", row["note"])
print(show("ds_turnover_eur"))
print(show("ds_turnover_growth"))

# %%
# 3. "Growth was driven mainly by volume; prices and costs played a limited role"
# -------------------------------------------------------------------------------
# The split of 2024-2025 growth into the price and volume of continuing firms and net entry
# (Fisher price index of the firms' reported price changes). If +21.5% were a *volume* growth,
# prices would have risen by 4.9%; the firms' reported price changes say otherwise.
from nldtib_forecast.models.price_volume import decompose_turnover

split = decompose_turnover(survey, n_replicates=200, seed=1)
print(split.table.loc[2025, ["nominal_growth", "price", "volume", "entry", "exit"]])
print(split.interpret_as_volume(0.215, nominal_growth=0.275))
ax = split.plot(2025)
plt.show()

# %%
# 4. "About 14% of firms do not pass cost increases on; no disproportionate price rises"
# --------------------------------------------------------------------------------------
# The share of firms not passing costs on, and a one-sided test of "price change minus cost
# change > 0" (a disproportionate price rise): the test does not reject.
from nldtib_forecast.models.pass_through import estimate_pass_through

pass_through = estimate_pass_through(survey)
print(show("no_cost_pass_through_share"))
print(pass_through.margin_test[["estimate", "ci_lower", "ci_upper", "p_value"]])

# %%
# 5. "The D&S share of turnover fell from 14.9% to 10.2% because many firms entered"
# ----------------------------------------------------------------------------------
# The D&S share in both years, and a Foster-Haltiwanger-Krizan decomposition of its change into
# continuing firms (within, between, cross) and entry and exit.
from nldtib_forecast.models.dynamics import decompose_dynamics

for year in (2023, 2025):
    share = survey_ratio(survey, "turnover_ds_eur", "turnover_total_eur", year=year)
    print(year, share.loc["all", ["estimate", "ci_lower", "ci_upper"]].round(4).to_dict())
panel = survey[survey["year"].isin([2023, 2025])].assign(
    ds_share=lambda d: d["turnover_ds_eur"] / d["turnover_total_eur"])
dynamics = decompose_dynamics(panel, "ds_share", "turnover_total_eur", survey_weight="weight",
                              method="fhk")
print(dynamics.round(4))
print(f"entrants account for {dynamics['entry'] / dynamics['total']:.0%} of the fall")

# %%
# 6. "Firms can scale up turnover by 33% under current conditions, 67% with better conditions"
# --------------------------------------------------------------------------------------------
# The D&S-turnover weighted scale-up from the survey, and the capacity model's long-run uplift
# under the built-in scenarios (equal to the survey's answers by construction: the calibration
# identity of the capacity model).
from nldtib_forecast.models.capacity import CapacityModel

print(show("scale_up_current"))
print(show("scale_up_improved"))
capacity = CapacityModel.from_survey(survey)
print(capacity.long_run_uplift(["current_conditions", "improved_conditions"]).round(4))

# %%
# 7. "The export share was about 45% in 2019-2023 and fell to 36% in 2025"
# ------------------------------------------------------------------------
# The survey estimate for 2025, and the export share model's fit to the published history.
# B24 published 50, 49, 54, 45 and 43% for 2019-2023: a mean of 48%, which the audit notes.
# The letter adds: "although European demand rises, the Dutch market share falls". On the
# published data (not the synthetic survey) the export share model estimates how Dutch D&S
# exports respond to European equipment procurement: an elasticity below one means exports
# grow more slowly than the market, so the Dutch share falls while the market grows.
from nldtib_forecast.models.trade import ExportShareModel

print(show("export_share"))
trade = ExportShareModel.from_published()
print(f"export elasticity {trade.elasticity:.2f} "
      f"(standard error {trade.params.loc['m', 'se_slope']:.2f}), 2019-2025")
history = trade.history()
history.filter(like="export_share").round(3)

# %%
# 8. "One in three firms has financing challenges; PE-backed firms grow faster"
# -----------------------------------------------------------------------------
# The share of firms with financing challenges, and the PE growth premium (doubly robust AIPW
# estimate; an association under the stated assumptions, not proof of causation).
print(show("financing_challenge_share"))
print(show("pe_growth_premium"))

# %%
# All figures at once
# -------------------
# ``covers_published`` says whether the 95% interval contains the published value.
headline[["estimate", "ci_lower", "ci_upper", "published", "covers_published"]].xs(
    "", level="category").round(4)

# %%
# Beyond the letter: what would better conditions add, and when?
# --------------------------------------------------------------
# The letter makes no projection; the outlook does. It starts at the letter's published 2025
# totals (statements 2 and 7: EUR 10.2 bn, 36%), takes the structure and the scale-up answers
# of statement 6 from the survey, and runs each *policy* (conditions the government can
# change) under each *future* (budgets and markets it does not control): here the committed
# budgets (``baseline``: the 2026 budget, then the NATO path to 3.5% of GDP) and the low case
# (``constant_gdp_shares``). 1,000 draws, seed 0. The capacity answers are synthetic, so the
# numbers show the method, not the NLDTIB.
from nldtib_forecast.models.outlook import Outlook, binding_constraints

outlook = Outlook.from_survey(survey)
print(outlook)
grid = outlook.simulate(
    policies=["current_conditions", "improved_conditions", "orders_only", "procurement_only",
              "labour_only"],
    futures=["baseline", "constant_gdp_shares"], horizon=2035, n_draws=1000, seed=0)

# %%
# What each policy adds to D&S turnover (EUR bn, 2025 prices) over current conditions: the
# median and central 90% interval of the draw-by-draw difference, and the share of draws in
# which it adds something.
effects = grid.policy_effects("turnover_real_eur", years=[2030, 2035])
added = effects[["median", "lower", "upper"]] / 1e9
added["share_positive"] = effects["share_positive"]
added.round(2)

# %%
# Whether a policy can add anything depends on which constraint binds: when demand is below
# capacity, capacity that is not used adds nothing.
binding_constraints(grid)["sentence"].groupby(level="scenario").first()[
    ["baseline/current_conditions", "constant_gdp_shares/current_conditions"]]

