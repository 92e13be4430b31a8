"""
Published NLDTIB figures, their audit and trend breaks
======================================================

The NLDTIB survey editions (2022, 2024 and 2026) publish the D&S-related turnover of the Dutch
defence and security industry, the share of exports in it and a few other key figures. This
example loads them, runs the arithmetic audit and plots two series with their trend breaks.
"""

# %%
# Load the published figures
# --------------------------
# One tidy row per indicator, year and survey edition. Money is in EUR, shares are fractions;
# each row keeps its source.
from nldtib_forecast.data import audit_published, load_published
from nldtib_forecast.plotting import plot_published_series

published = load_published()
turnover = published[published["indicator"] == "ds_turnover_eur"].sort_values("year")
turnover[["year", "value", "edition", "source", "series_break"]]

# %%
# Audit the figures
# -----------------
# The audit recomputes every figure that can be recomputed from the others (growth rates,
# shares, implied totals) and flags the ones that do not add up within the rounding of the
# publication.
audit = audit_published()
inconsistent = audit[audit["status"] == "inconsistent"]
inconsistent[["check", "published", "recomputed", "difference"]]

# %%
# Each inconsistent row says what the arithmetic gives and what could reconcile it:
print(inconsistent["note"].iloc[0])

# %%
# D&S turnover over time
# ----------------------
# The series is drawn per comparable segment: no line joins two points across a trend break
# (dashed vertical line): the survey method changed between 2017 and 2019, and the 2026
# edition widened the population. Tick labels show EUR billions; the data stay in EUR.
ax = plot_published_series(published, "ds_turnover_eur")

# %%
# Export share over time
# ----------------------
# Shares are stored as fractions and shown as percentages on the axis only. The 2026 letter's
# "about 45% in 2019-2023" covers a period: it is drawn as a dotted bar, not as a 2023 value.
ax = plot_published_series(published, "export_share")
