"""
Was NLDTIB growth volume or price?
==================================

The 2026 letter to parliament reports that the D&S-related turnover of the NLDTIB firms rose
from EUR 8.0 bn in 2024 to EUR 10.2 bn in 2025, "an increase of 21.5%", and that "the positive
turnover development was mainly driven by volume growth; price and cost increases play a
limited role". This example

1. checks the arithmetic of the letter's figures;
2. splits the growth of aggregate D&S turnover in the survey into the price and volume effects
   of continuing firms and the turnover of entrants and exiters, with survey bootstrap
   intervals (:func:`~nldtib_forecast.models.price_volume.decompose_turnover`);
3. asks what "+21.5%" would mean if it were a volume growth rate.

The survey numbers are computed on the **synthetic** NLDTIB survey, calibrated to the
published levels: they show how the real microdata would answer the question, they are not
real statistics.
"""

# %%
# The letter's arithmetic
# -----------------------
# EUR 8.0 bn to 10.2 bn is +27.5%, not +21.5%. Read as a volume growth rate, +21.5% would
# imply that prices rose by 1.275 / 1.215 - 1, about 4.9%.
import matplotlib.pyplot as plt
import pandas as pd

from nldtib_forecast.data import load_nl_macro, synthetic_survey
from nldtib_forecast.models.price_volume import decompose_turnover, implied_price_change

nominal = 10.2 / 8.0 - 1
print(f"nominal growth 2024-2025: {nominal:.1%}")
print(f"2024 turnover for +21.5% to reach EUR 10.2 bn: EUR {10.2 / 1.215:.2f} bn")
print(f"price change implied if +21.5% were volume growth: "
      f"{implied_price_change(nominal, 0.215):.1%}")

# %%
# Decomposing turnover growth in the (synthetic) survey
# -----------------------------------------------------
# Continuing firms report the change in their D&S prices; aggregated with the Fisher formula
# (firms as items, weighted turnover as values), they give the price effect. The volume effect
# is implicit (value ratio / price index) and the turnover of entrants and exiters is kept
# nominal. The components are growth points of 2024 turnover and add up exactly to nominal
# growth. Intervals: Rao-Wu bootstrap of the survey design, 200 replicates.
sample = synthetic_survey(seed=0)
result = decompose_turnover(sample, method="fisher", n_replicates=200, seed=1)
cols = ["nominal_growth", "price", "volume", "entry", "exit", "price_growth",
        "volume_growth", "volume_growth_total"]
(100 * result.table[cols]).round(1)

# %%
# For 2024 -> 2025, with the intervals of each component:
iv = result.intervals.xs(2025, level="year")
(100 * iv.loc[["nominal_growth", "price", "volume", "entry", "exit", "price_growth"],
              ["estimate", "ci_lower", "ci_upper"]]).round(1)

# %%
# The waterfall: price and volume of continuing firms, entry, minus exit, and the total.
ax = result.plot(year=2025)
plt.tight_layout()

# %%
# The letter's statements next to the decomposition
# -------------------------------------------------
# If "+21.5%" were volume growth, the continuing firms' prices must have risen by about 4.9%.
# The survey's price index (with its interval) says whether that is plausible.
check = result.interpret_as_volume(0.215, year=2025, nominal_growth=nominal)
check

# %%
# A compact comparison for 2024 -> 2025.
row = result.table.loc[2025]
comparison = pd.DataFrame(
    {
        "letter": [
            "+27.5% (10.2 / 8.0; the text says +21.5%)",
            "'a limited role'; +4.9% if +21.5% were volume",
            "'mainly volume'",
            "not given",
        ],
        "synthetic survey": [
            f"{row.nominal_growth:+.1%}",
            f"{row.price_growth:+.1%}",
            f"{row.volume_growth:+.1%} (continuing firms), {row.volume_growth_total:+.1%} "
            "(entrants counted as volume)",
            f"price {row.price:+.1%}, volume {row.volume:+.1%}, net entry "
            f"{row.net_entry:+.1%}",
        ],
    },
    index=["nominal growth", "price growth, continuing firms", "volume growth",
           "contributions (growth points)"],
)
comparison

# %%
# Does the index formula matter?
# ------------------------------
# Laspeyres (base-year turnover shares) and Paasche (current shares) bracket the superlative
# Fisher and Tornqvist indexes; with small price changes they are close.
methods = ["laspeyres", "paasche", "fisher", "tornqvist"]
by_method = pd.DataFrame({
    m: decompose_turnover(sample, method=m, n_replicates=0).table.loc[2025, ["price_growth",
                                                                            "price",
                                                                            "volume"]]
    for m in methods
}).T
(100 * by_method).round(2)

# %%
# External deflation
# ------------------
# Instead of the firms' own price changes, a published price index can deflate turnover
# (``deflator=``). Here Dutch consumer price inflation (CBS), a poor proxy for D&S producer
# prices, shown only to illustrate the option: the price effect is then the CPI's.
cpi = load_nl_macro()["cpi_inflation"].dropna()
cpi_level = (1 + cpi).cumprod()
deflated = decompose_turnover(sample, deflator=cpi_level, n_replicates=200, seed=1)
(100 * deflated.table.loc[[2024, 2025], ["nominal_growth", "price", "volume", "entry",
                                         "exit"]]).round(1)

# %%
# By NLD focus area
# -----------------
# The same decomposition within each NLD area (a firm changing area would count as an exiter
# of one and an entrant into the other). Small domains have wide intervals.
areas = decompose_turnover(sample, by="nld_area", n_replicates=200, seed=1)
(100 * areas.table.xs(2025, level="year")[["nominal_growth", "price", "volume", "entry",
                                            "exit"]]).round(1)

# %%
# Sample against population
# -------------------------
# The synthetic population is the "truth" the sample estimates: its 2024 -> 2025 nominal
# growth is exactly the published +27.5%.
population = synthetic_survey(seed=0, population=True)
truth = decompose_turnover(population, n_replicates=0).table.loc[2025, cols]
pd.DataFrame({"population": truth, "sample estimate": result.table.loc[2025, cols]}).mul(
    100).round(1)

# %%
# Summary
# -------
print(result.summary())
