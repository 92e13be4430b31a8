"""
Where does the export share go by 2035?
=======================================

The export share of NLDTIB defence and security (D&S) turnover was 43-54% in 2019-2023 (43% in
2023) and fell to 36% in 2025. The 2026 letter calls the falling export share a strategic
risk: Dutch domestic demand grows faster than international demand, and although European
demand for defence products rises, the Dutch share of the European market falls.

:class:`~nldtib_forecast.models.trade.ExportShareModel` writes the split as

.. math:: X_t = m_t M_t, \\qquad D_t = d_t P_t, \\qquad
          \\text{export share}_t = \\frac{X_t}{X_t + D_t},

with :math:`M` European equipment procurement (EDA), :math:`m` the Dutch share of it,
:math:`P` Dutch MoD materiel spending and :math:`d` the domestic turnover it generates.
Exports respond to the European market with an elasticity estimated on the published
2019-2025 history; the domestic ratio is a constant level. The model is projected to 2035
under the built-in futures: the committed budgets (``baseline``), a European surge, a slower
path, constant shares of GDP (the low case), and the trade model's own scenarios (ReArm
Europe, NATO's 3.5%, the Dutch path to 3.5% of GDP, a recovering Dutch market share). See
:doc:`/methodology/trade`. Everything here uses published data only, no survey.
"""

# %%
# Calibration on the published history
# -------------------------------------
# The calibrated shares reproduce the published export shares within a point (the gap is
# the rounding of the published euro figures against the published percentages). The fitted
# equations (the market share on the market, the domestic ratio at its mean) fit the export
# share less closely: seven annual observations carry little information, and the
# projections say so. The export elasticity is the OLS estimate combined with a normal prior
# centred on one (exports growing with their market).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nldtib_forecast.labels import label
from nldtib_forecast.models.trade import ExportShareModel, cms_decomposition
from nldtib_forecast.scenarios import futures

model = ExportShareModel.from_published()
print(model.summary())
model.plot_history()
plt.show()

# %%
# Where did the 2019-2025 export change come from?
# ------------------------------------------------
# A constant-market-share decomposition of the Dutch D&S exports against European equipment
# procurement: had the Dutch share stayed at its 2019 level (6.1%), exports would have been
# EUR 6.1 bn in 2025 instead of EUR 3.7 bn.
h = model.history()
cms = cms_decomposition(h.loc[2019, "exports_eur"] / 1e9, h.loc[2025, "exports_eur"] / 1e9,
                        h.loc[2019, "eu_market_eur"] / 1e9, h.loc[2025, "eu_market_eur"] / 1e9)
print(cms.summary())
cms.plot(title="Dutch D&S exports 2019-2025, EUR bn")
plt.show()

# %%
# Why an elasticity, not a trend of the share?
# --------------------------------------------
# The first release extrapolated the 2019-2025 trend of the Dutch market share, -9% a year,
# whatever the market did. That trend was estimated while the market grew about 20% a year.
# Carried into a future in which the market grows with GDP (3.5% a year), it makes exports
# fall by almost half by 2035. The elasticity ties the fall of the share to the growth of the
# market. ``market_response="trend"`` keeps the old model for comparison:
trend = ExportShareModel.from_published(market_response="trend")
compare = pd.DataFrame({
    name: m.simulate(["constant_gdp_shares", "baseline"], horizon=2035, n_draws=1000,
                    seed=20260521).summary_frame("exports_eur", year=2035)["median"] / 1e9
    for name, m in (("elasticity", model), ("share trend", trend))})
print("exports in 2025: EUR 3.67 bn; in 2035 (median, EUR bn):")
compare.round(2)

# %%
# The futures
# -----------
# A *future* sets the drivers the government does not control. ``constant_gdp_shares`` keeps
# every driver at its registry default: European procurement and Dutch spending grow with
# nominal GDP (3.5% a year), and the Dutch share of the market follows the estimated
# response, with no extra drift. The other futures change the European and Dutch spending
# paths, and ``share_recovery`` adds a recovery of the Dutch share on top of the response.
scenarios = futures()
for name, scenario in scenarios.items():
    print(f"{name}: {scenario.description}\n")

# %%
# Projection to 2035
# ------------------
# 1,000 draws per future: the elasticity and the residual variances of the two equations are
# drawn from their distribution given the seven years, plus year-to-year deviations. The
# European and Dutch spending paths are assumptions of each future: the intervals do not
# include their uncertainty.
result = model.simulate(list(scenarios.values()), horizon=2035, n_draws=1000, seed=20260521)
table = result.summary_frame("export_share", level=0.9, year=2035)
print((100 * table[["median", "lower", "upper"]]).round(1).to_string())

# %%
# Fan charts for three scenarios, with the history.
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
result.plot("export_share", ["baseline", "constant_gdp_shares", "share_recovery"],
            ax=ax, levels=(0.5, 0.9), title="Export share of NLDTIB D&S turnover")
ax.plot(h.index, h["export_share_published"], "o", color="k", label="published")
ax.plot(h.index, h["export_share_trend"], "--", color="grey", lw=1,
        label="fitted equations 2019-2025")
ax.legend(frameon=False, fontsize="small", ncol=2)
plt.show()

# %%
# All scenarios in 2035: median with 50% and 90% intervals.
q = result.quantiles([0.05, 0.25, 0.5, 0.75, 0.95], variable="export_share")
q2035 = q.xs(2035, level="year").droplevel("variable")
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
y = np.arange(len(q2035))[::-1]
ax.hlines(y, q2035[0.05], q2035[0.95], color="C0", lw=1.5, label="90% interval")
ax.hlines(y, q2035[0.25], q2035[0.75], color="C0", lw=5, label="50% interval")
ax.plot(q2035[0.5], y, "o", color="k", label="median")
ax.axvline(0.36, color="C3", ls=":", label="2025 (36%)")
ax.set_yticks(y, [label(name) for name in q2035.index])
ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
ax.set_xlabel("export share of D&S turnover in 2035")
ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
plt.show()

# %%
# Exports and domestic turnover
# -----------------------------
# Exports grow in every future, more slowly than the European market (the elasticity is
# below one); domestic turnover grows with Dutch materiel spending. Medians in EUR bn:
parts = pd.DataFrame({
    v: result.summary_frame(v, year=2035)["median"].droplevel("year") / 1e9
    for v in ("exports_eur", "domestic_eur", "eu_market_eur", "materiel_spending_eur")})
print(parts.round(1).to_string())

# %%
# Reading the result
# ------------------
# * With every driver at its default (``constant_gdp_shares``: European and Dutch spending
#   grow with GDP) the export share drifts down, because exports grow at about half the pace
#   of their market while domestic turnover grows with Dutch materiel spending.
# * More European spending (``eu_rearm``, ``eu_nato_35``) raises the export share; faster
#   Dutch spending (``nl_path_35``, and the Dutch part of ``baseline``) lowers it, since
#   domestic demand grows faster. Under the committed budgets both happen, and the Dutch
#   part weighs more.
# * A recovering Dutch market share (``share_recovery``) keeps the export share near its
#   2025 level.
#
# The intervals are wide: the elasticity rests on seven annual observations, some
# interpolated, in a period of a European surge, with a trend break between the 2024 and 2026
# survey editions. They show what the history implies under each future, not a forecast of
# policy.
