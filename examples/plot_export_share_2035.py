"""
Where does the export share go by 2035?
=======================================

The export share of NLDTIB defence and security (D&S) turnover was 45-54% in 2019-2023 and
fell to 36% in 2025. The 2026 letter calls the falling export share a strategic risk: Dutch
domestic demand grows faster than international demand, and although European demand for
defence products rises, the Dutch share of the European market falls.

:class:`~nldtib_forecast.models.trade.ExportShareModel` writes the split as

.. math:: X_t = m_t M_t, \\qquad D_t = d_t P_t, \\qquad
          \\text{export share}_t = \\frac{X_t}{X_t + D_t},

with :math:`M` European equipment procurement (EDA), :math:`m` the Dutch share of it,
:math:`P` Dutch MoD materiel spending and :math:`d` the domestic turnover it generates. It is
calibrated on the published 2019-2025 history and projected to 2035 under the built-in
scenarios: European spending (ReArm Europe, NATO's 3.5%), the Dutch path to 3.5% of GDP, and
a stabilising or recovering Dutch market share. See :doc:`/methodology/trade`.
"""

# %%
# Calibration on the published history
# -------------------------------------
# The calibrated shares reproduce the published export shares within a point (the gap is
# the rounding of the published euro figures against the published percentages). The
# log-linear trends of the two shares fit the export share less closely (RMSE about 4
# points): seven annual observations carry little information, and the projections say so.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nldtib_forecast.models.trade import (
    ExportShareModel,
    builtin_scenarios,
    cms_decomposition,
)

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
# The scenarios
# -------------
# ``current_conditions`` keeps every driver at its registry default: European procurement
# and Dutch spending grow with nominal GDP (3.5% a year) and the Dutch market share keeps
# eroding at its 2019-2025 trend (-9% a year). The built-in trade scenarios change one
# group of drivers each, and ``buildup_and_recovery`` combines them.
for name, scenario in builtin_scenarios().items():
    print(f"{name}: {scenario.description}\n")

# %%
# Projection to 2035
# ------------------
# 2,000 draws per scenario: the levels, trends and residual variances of the two shares are
# drawn from their distribution given the seven years, plus year-to-year deviations from
# trend. The European and Dutch spending paths are scenario assumptions: the intervals do not
# include their uncertainty.
result = model.project(horizon=2035, n_draws=2000, seed=20260521)
table = result.summary_frame("export_share", level=0.9, year=2035)
print((100 * table[["median", "lower", "upper"]]).round(1).to_string())

# %%
# Fan charts for three scenarios, with the history.
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
result.plot("export_share", ["current_conditions", "eu_nato_35", "buildup_and_recovery"],
            ax=ax, levels=(0.5, 0.9), title="Export share of NLDTIB D&S turnover")
ax.plot(h.index, h["export_share_published"], "o", color="k", label="published")
ax.plot(h.index, h["export_share_trend"], "--", color="grey", lw=1, label="trend 2019-2025")
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
ax.set_yticks(y, q2035.index)
ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
ax.set_xlabel("export share of D&S turnover in 2035")
ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
plt.show()

# %%
# Exports and domestic turnover
# -----------------------------
# Under current conditions exports fall (the Dutch market share erodes faster than the
# European market grows) while domestic turnover grows with Dutch materiel spending. European
# spending alone (ReArm, NATO's 3.5%) raises exports, but does not stop the fall of the share
# while the Dutch market share keeps eroding. Medians in EUR bn:
parts = pd.DataFrame({
    v: result.summary_frame(v, year=2035)["median"].droplevel("year") / 1e9
    for v in ("exports_eur", "domestic_eur", "eu_market_eur", "materiel_spending_eur")})
print(parts.round(1).to_string())

# %%
# Reading the result
# ------------------
# * Under current conditions the share keeps falling, towards about 20% by 2035, because the
#   Dutch share of the European market has been falling by about 9% a year.
# * Faster European spending (``eu_rearm``, ``eu_nato_35``) slows the fall; the Dutch path
#   to 3.5% of GDP (``nl_path_35``) speeds it up, since domestic demand grows faster.
# * Only a stabilising or recovering market share keeps the export share near its 2025
#   level.
#
# The intervals are wide: the trends rest on seven annual observations, some interpolated,
# with a trend break between the 2024 and 2026 survey editions. They show what the history
# implies if its trends continue, not a forecast of policy.
