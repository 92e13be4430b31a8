"""
The 2026 letter's figures from survey microdata
===============================================

:func:`nldtib_forecast.survey.headline_figures` recomputes every survey figure of the letter
to parliament of 21 May 2026 from firm-level microdata, with a design-based 95% interval, the
published value, and the disclosure status of each figure. Here it runs on the *synthetic*
respondent sample; with the ministry's microdata the same call gives the real figures.
"""

# %%
# The table
# ---------
import matplotlib.pyplot as plt
import numpy as np

from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.labels import label
from nldtib_forecast.survey import headline_figures

survey = synthetic_survey(seed=0)
table = headline_figures(survey, n_replicates=300, pe_replicates=50, seed=1)
table = table.set_index(["indicator", "category"])  # keyed by indicator and category
shown = table[["estimate", "ci_lower", "ci_upper", "published", "covers_published", "status"]]
shown.style.format("{:,.3f}", subset=["estimate", "ci_lower", "ci_upper", "published"],
                   na_rep="")

# %%
# Which published figures do the intervals cover?
# ------------------------------------------------
# The intervals cover the published values except the letter's "+21.5%" growth, which its own
# levels (EUR 8.0 bn to 10.2 bn, +27.5%) contradict; see the audit of the published figures.
# The quantum area has fewer than 10 responding firms: its growth is suppressed.
covered = table["covers_published"].dropna()
print(f"{int(covered.sum())} of {len(covered)} published figures inside their 95% interval")
print(table.loc[("ds_turnover_growth", ""), "note"])

# %%
# Estimates and published values, as shares
# -----------------------------------------
shares = table.xs("", level="category").loc[
    ["ds_turnover_share", "export_share", "scale_up_current", "scale_up_improved",
     "no_cost_pass_through_share", "financing_challenge_share", "oem_share"]]
fig, ax = plt.subplots(figsize=(7, 4))
y = np.arange(len(shares))[::-1]
ax.errorbar(shares["estimate"], y, xerr=[shares["estimate"] - shares["ci_lower"],
                                          shares["ci_upper"] - shares["estimate"]],
            fmt="o", capsize=3, label="synthetic survey, 95% interval")
ax.plot(shares["published"], y, "kx", label="published (2026 letter)")
ax.set_yticks(y, [label(indicator) for indicator in shares.index])
ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
ax.set_title("Headline figures 2025 (synthetic data)")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
