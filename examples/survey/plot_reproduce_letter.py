"""
Reproducing the 2026 letter to parliament
=========================================

The ministers' letter of 21 May 2026 on the NLDTIB survey reports figures and draws
conclusions from them. This page keeps three kinds of statement apart, each in its own
section:

1. **What the letter says.** The published figures as published, with their source, and the
   letter's conclusions in its own words.
2. **What the library computes from the published figures.** Arithmetic on the published
   numbers alone, with the range their rounding permits: the audit of the figures against
   each other, the readings that could reconcile the stated growth rate with the stated
   levels, and one model fitted to published series. No microdata are involved.
3. **What the synthetic survey reproduces by construction.** The library's survey estimators
   run on the *synthetic* survey (:func:`~nldtib_forecast.data.synthetic_survey`). The
   synthetic population was **calibrated to the published figures** and **built with the
   mechanisms the letter describes** (entrants with little D&S turnover, prices that follow
   costs, a growth premium for private equity). That its estimates resemble the letter is
   therefore not evidence for the letter: every result in that section demonstrates a method
   and has to be rerun on the ministry's microdata
   (:func:`~nldtib_forecast.data.read_survey`), where the same code gives the real estimates
   and their real uncertainty.

Every result on this page is computed by the code cells; the text states none of its own.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import norm

from nldtib_forecast.data import (
    audit_published,
    continuing_firms_reconciliation,
    load_published,
    synthetic_survey,
)
from nldtib_forecast.labels import label


def fmt(value, unit="fraction"):
    """A number as a reader writes it: EUR bn, percent, percentage points or a count."""
    if pd.isna(value):
        return "-"
    if unit == "EUR":
        return f"EUR {value / 1e9:,.2f} bn"
    if unit == "firms":
        return f"{value:,.0f}"
    if unit == "pp":
        return f"{100 * value:+.1f} pp"
    return f"{value:.1%}"


def interval(lower, upper, unit="fraction"):
    """An interval as text."""
    return f"{fmt(lower, unit)} to {fmt(upper, unit)}"


def as_published(value, unit, resolution):
    """A published figure with the digits it was published with ("EUR 8.0 bn", "33%")."""
    if unit == "EUR":
        return f"EUR {value / 1e9:.{max(0, round(-np.log10(resolution / 1e9)))}f} bn"
    if unit == "firms":
        return f"{value:,.0f}"
    if np.isnan(resolution) and abs(1 / value - round(1 / value)) < 1e-9:
        return f"1 in {round(1 / value)}"
    return f"{value:.{max(0, round(-np.log10(resolution)) - 2)}%}"


# %%
# 1. What the letter says (published figures)
# -------------------------------------------
# The figures of the 2026 edition as the letter and its annex publish them
# (:func:`~nldtib_forecast.data.load_published`; "about" marks the letter's "circa"). Two of
# them are averages over a period or growth between two years (``period``).
letter = load_published(edition=2026)
units = dict(zip(letter["indicator"], letter["unit"], strict=False))
pd.DataFrame({
    "figure": letter["indicator"].map(label),
    "period": [str(y) if y0 == y else f"{y0}-{y}"
               for y0, y in zip(letter["year_start"], letter["year"], strict=True)],
    "published": [("about " if row.approximate else "")
                  + as_published(row.value, row.unit, row.resolution)
                  for row in letter.itertuples()],
    "source": letter["source"],
}).set_index("figure")

# %%
# Next to the figures, the letter draws conclusions that carry no number of their own:
#
# * the growth in the number of firms is "mainly in intelligent systems";
# * the growth of turnover was "mainly driven by volume growth; price and cost increases play a
#   limited role", and there are "no disproportionate price rises";
# * the D&S share of the firms' turnover fell "because of the higher number of entrants";
# * "domestic growth outpaces international demand", and "although European demand rises, the
#   Dutch share of the European defence market falls";
# * "firms financed by private equity show on average a stronger growth".
#
# The letter publishes no interval, no number of respondents and no method for any of them.

# %%
# 2. What the library computes from the published figures
# -------------------------------------------------------
# Everything in this section is arithmetic on the published numbers (or, in the last part, a
# model fitted to published series). A published figure is rounded: one published with
# resolution *r* (the unit of its last digit) lies within *r*/2 of its value, and every result
# carries the range that rounding permits.
#
# The audit: which figures are consistent with each other
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# :func:`~nldtib_forecast.data.audit_published` recomputes every figure that follows from
# others. The checks that involve the 2026 letter, and the proxy of the Dutch share of
# European equipment procurement (the letter's "Dutch market share falls"):
audit = audit_published()
about_letter = audit[audit["check"].str.contains("L26") | (audit["group"] == "market_share")]
for check in about_letter.itertuples():
    print(f"[{check.status}] {check.check}\n    {check.note}\n")

# %%
# So the stated growth rate does not follow from the stated levels, the total turnover the
# letter implies nearly doubles between the two editions, and the firm counts of 2023 and
# 2025 straddle a change of scope: part of the "entrants" are firms counted for the first time,
# not new firms.
#
# The stated growth rate: three readings
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# The stated rate and the stated levels can both be right only if they refer to different
# things. Three readings reconcile them; arithmetic cannot choose between them.
#
# *Continuing firms.* The stated rate is the growth of the firms present in both years, and
# the rest of the growth comes from entrants (including firms added by the change of scope).
# :func:`~nldtib_forecast.data.continuing_firms_reconciliation` works this out under two
# assumptions, that no firm left between the two years and that both levels use one
# definition apart from entry; ``kind`` says which rows are published, assumed or computed:
reconciliation = continuing_firms_reconciliation()
points = {"gap": "pp", "entry": "pp", "exit": "pp", "net_entry": "pp"}  # growth points
rec_units = [points.get(q, u) for q, u in reconciliation["unit"].items()]
pd.DataFrame({
    "kind": reconciliation["kind"],
    "value": [fmt(v, u) for v, u in zip(reconciliation["value"], rec_units, strict=True)],
    "range permitted by rounding": [interval(lo, hi, u) for lo, hi, u in zip(
        reconciliation["lower"], reconciliation["upper"], rec_units, strict=True)],
    "note": reconciliation["note"],
})

# %%
# In words, computed from the table:
r = reconciliation["value"]
lo, hi = reconciliation["lower"], reconciliation["upper"]
print(f"If continuing firms grew {fmt(r['continuing_growth'])}, entrants earned "
      f"{fmt(r['entrants_turnover_eur'], 'EUR')} in 2025 "
      f"({interval(lo['entrants_turnover_eur'], hi['entrants_turnover_eur'], 'EUR')} within "
      f"rounding), {fmt(r['entrants_share_of_end'])} of 2025 D&S turnover. They account for "
      f"{fmt(r['entry'], 'pp')} of the {fmt(r['nominal_growth'])} growth "
      f"({fmt(r['net_entry_share_of_growth'])} of it).")
print(f"Other reading: the 2024 level for which {fmt(r['stated_growth'])} is the growth of "
      f"all firms is {fmt(r['implied_start_eur'], 'EUR')}, "
      f"{fmt(r['start_difference_eur'], 'EUR')} above the published 2024 level.")

# %%
# The no-exit assumption gives the smallest entry that fits the reading: turnover lost
# through exits has to be replaced by entrants as well. The exit share of 2024 turnover is not
# published; for a few values:
with_exits = {}
for share in (0.0, 0.02, 0.05):
    v = continuing_firms_reconciliation(exit_share=share)["value"]
    with_exits[f"exits hold {share:.0%} of 2024 turnover"] = {
        "entrants' contribution to growth": fmt(v["entry"], "pp"),
        "entrants' 2025 turnover": fmt(v["entrants_turnover_eur"], "EUR"),
        "entrants' share of 2025 turnover": fmt(v["entrants_share_of_end"]),
    }
pd.DataFrame(with_exits).T

# %%
# The continuing-firms reading as a chart: from the published 2024 level, the growth of the
# continuing firms at the stated rate, the entrants' turnover that must fill the rest, and
# the published 2025 level. Error bars: the range the rounding of the published figures
# permits.
steps = pd.DataFrame({
    "bottom": [0.0, r["ds_turnover_start_eur"], r["ds_turnover_start_eur"]
               * (1 + r["continuing_growth"]), 0.0],
    "height": [r["ds_turnover_start_eur"], r["ds_turnover_start_eur"] * r["continuing_growth"],
               r["entrants_turnover_eur"], r["ds_turnover_end_eur"]],
    "lower": [lo["ds_turnover_start_eur"], np.nan, lo["entrants_turnover_eur"],
              lo["ds_turnover_end_eur"]],
    "upper": [hi["ds_turnover_start_eur"], np.nan, hi["entrants_turnover_eur"],
              hi["ds_turnover_end_eur"]],
}, index=["D&S turnover 2024\n(published)", "Growth of continuing\nfirms (stated rate)",
          "Entrants\n(the rest)", "D&S turnover 2025\n(published)"])
fig, ax = plt.subplots(figsize=(7, 4))
colors = ["0.45", "tab:blue", "tab:green", "0.25"]
ax.bar(steps.index, steps["height"] / 1e9, bottom=steps["bottom"] / 1e9, color=colors)
ends = steps["bottom"] + steps["height"]
err = np.array([ends - (steps["bottom"] + steps["lower"]),
                (steps["bottom"] + steps["upper"]) - ends]) / 1e9
ax.errorbar(steps.index, ends / 1e9, yerr=np.nan_to_num(err), fmt="none", color="black",
            capsize=4)
for x, (h, top) in enumerate(zip(steps["height"], ends, strict=True)):
    ax.annotate(f"{h / 1e9:.2f}", (x, top / 1e9), textcoords="offset points",
                xytext=(0, 6), ha="center")
ax.set_ylabel(label("ds_turnover_eur", with_unit=True))
ax.set_ylim(0, 1.15 * ends.max() / 1e9)
ax.set_title("The letter's growth rate read as continuing firms' growth\n"
             "(published figures only; no exits assumed)")
fig.tight_layout()

# %%
# *Volume growth.* The stated rate is the growth of volume, and prices rose by the
# difference. The price change this requires:
from nldtib_forecast.models.price_volume import implied_price_change

print(f"price change implied if {fmt(r['stated_growth'])} were volume growth: "
      f"{implied_price_change(r['nominal_growth'], r['stated_growth']):+.1%}")

# %%
# Only the microdata can tell the readings apart: the continuing firms' own growth (with its
# design-based interval) tests the first, the firms' reported price changes the third, and the
# survey bureau's files the second. Section 3 shows that code on synthetic data.
#
# A model fitted to published series: exports and the European market
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# How Dutch D&S exports move with European equipment procurement, estimated on the published
# export and turnover series and the European market data (no survey microdata). An
# elasticity below one means exports grow more slowly than the market, so the Dutch share
# falls while the market grows. It rests on a handful of annual observations across a trend
# break, some of them interpolated, so it is an association with a wide interval, not a
# confirmation of the letter.
from nldtib_forecast.models.trade import ExportShareModel

trade = ExportShareModel.from_published()
fit = trade.params.loc["m"]
history = trade.history()
filled = history["filled"].str.len() > 0
print(f"export elasticity {trade.elasticity:.2f} (standard error {fit['se_slope']:.2f}), "
      f"{int(fit['nobs'])} annual observations {history.index.min()}-{history.index.max()}, "
      f"{int(filled.sum())} of them with an interpolated input")
history[["export_share_published", "export_share_fitted", "filled"]].rename(columns={
    "export_share_published": "export share, published",
    "export_share_fitted": "export share, fitted", "filled": "interpolated inputs"}).round(3)

# %%
# 3. What the synthetic survey reproduces by construction
# -------------------------------------------------------
# The synthetic survey is a population of firms built so that its totals equal the published
# figures exactly, and a set of respondents drawn from it with non-response, weighted as the
# real survey is (:doc:`/data/synthetic`). Its firm-level behaviour was chosen to match the
# letter's explanations: entrants of 2024-2025 have a much lower D&S share and are mostly in
# intelligent systems; each firm passes on all, half or none of its cost change to its prices;
# private-equity backed firms get a known growth premium. So:
#
# * the synthetic **population** agrees with the published figures *because it was made to*;
# * the synthetic **sample** estimates differ from the synthetic population by sampling
#   error only;
# * any "finding" below (volume rather than price, no disproportionate price rise, entrants
#   behind the falling D&S share, a private-equity premium) was put in by the generator. The
#   section shows that the estimators recover what was built in, and how precisely, at the
#   survey's size. It says nothing about the NLDTIB.
from nldtib_forecast.survey import headline_figures

survey = synthetic_survey(seed=0)  # respondents with design weights, 2019-2025
population = synthetic_survey(seed=0, population=True)  # every synthetic firm, weight 1
headline = headline_figures(survey, n_replicates=300, pe_replicates=50, seed=1)
headline = headline.set_index(["indicator", "category"]).xs("", level="category")
truth = headline_figures(population, protect=False, n_replicates=2, pe_replicates=2)
truth = truth.set_index(["indicator", "category"]).xs("", level="category")["estimate"]
n_resp = (survey["year"] == 2025).sum()
n_pop = (population["year"] == 2025).sum()
print(f"2025: {n_resp} respondents out of {n_pop} synthetic firms ({n_resp / n_pop:.1%})")

# %%
# Sample estimates, the synthetic population and the published figures
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# For each survey figure of the letter: the published value, the value in the synthetic
# population (what the calibration produced), the estimate from the respondents with its 95%
# interval, and whether that interval contains the published value.
shown = [i for i in headline.index if i != "pe_growth_premium"]
comparison = pd.DataFrame({
    "figure": [label(i) for i in shown],
    "published": [fmt(headline.loc[i, "published"], units.get(i)) for i in shown],
    "synthetic population": [fmt(truth[i], units.get(i)) for i in shown],
    "sample estimate": [fmt(headline.loc[i, "estimate"], units.get(i)) for i in shown],
    "95% interval": [interval(headline.loc[i, "ci_lower"], headline.loc[i, "ci_upper"],
                              units.get(i)) for i in shown],
    "interval contains published": headline.loc[shown, "covers_published"].to_numpy(),
}, index=shown)
comparison

# %%
# The same as a chart, each figure relative to its published value (1 = the published
# value): the sample estimate with its interval, and the synthetic population.
rel = headline.loc[shown].dropna(subset=["published"])
fig, ax = plt.subplots(figsize=(8, 4.8))
y = np.arange(len(rel))
ax.axvline(1.0, color="0.6", lw=1, zorder=0)
ax.errorbar(rel["estimate"] / rel["published"], y,
            xerr=[(rel["estimate"] - rel["ci_lower"]) / rel["published"],
                  (rel["ci_upper"] - rel["estimate"]) / rel["published"]],
            fmt="o", color="tab:blue", capsize=3, label="Sample estimate, 95% interval")
ax.scatter(truth[rel.index] / rel["published"], y, marker="D", s=22, color="tab:red",
           zorder=3, label="Synthetic population")
ax.set_yticks(y, [label(i) for i in rel.index])
ax.invert_yaxis()
ax.set_xlabel("Value relative to the published figure (published = 1)")
ax.set_title("Synthetic survey relative to the published figures")
ax.legend(loc="upper right", fontsize="small")
fig.tight_layout()

# %%
# Where the estimates differ from the published figures, and why:
est, pub = headline["estimate"], headline["published"]
for ind in ("ds_turnover_eur", "firms"):
    u = units[ind]
    inside = headline.loc[ind, "covers_published"]
    print(f"{label(ind)} 2025: sample estimate {fmt(est[ind], u)} against the published "
          f"{fmt(pub[ind], u)} ({est[ind] / pub[ind] - 1:+.1%}); the synthetic population "
          f"holds {fmt(truth[ind], u)}; the 95% interval "
          f"{'contains' if inside else 'does not contain'} the published value.")
ds25 = population.loc[population["year"] == 2025, "turnover_ds_eur"].sort_values(
    ascending=False)
top = int(np.ceil(0.05 * len(ds25)))
print(f"The largest {top} synthetic firms (5%) earn {ds25.iloc[:top].sum() / ds25.sum():.0%} "
      "of 2025 D&S turnover.")
g = headline.loc["ds_turnover_growth"]
print(f"{label('ds_turnover_growth')} 2024-2025: synthetic population "
      f"{fmt(truth['ds_turnover_growth'])}, sample {fmt(g['estimate'])} "
      f"({interval(g['ci_lower'], g['ci_upper'])}), letter {fmt(g['published'])}.")

# %%
# The population equals every published level because the generator scaled it to them (its
# D&S turnover *is* the published total, so no difference of definition can arise), and a
# difference between sample and population is sampling error alone. D&S turnover is
# concentrated in few firms, and the weights make the respondents represent the frame's
# *number* of firms per size class and NLD area, not its turnover: whether a few large firms
# respond moves the estimated total, which is why its interval is wide. The number of firms is
# not fixed either: the weights reproduce the counts of the whole frame (every firm of
# 2019-2025), not of each year. The growth rate differs from the letter's because the
# population was calibrated to the published *levels*, and their growth is not the stated
# rate. None of these comparisons tests the letter.
#
# The continuing-firms reading, estimated from microdata
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# :func:`~nldtib_forecast.models.price_volume.decompose_turnover` splits the growth of D&S
# turnover into continuing firms, entrants and exiters, with intervals from the Rao-Wu
# bootstrap of the survey design (200 replicates). Its rows have the names of the
# reconciliation table, so the published-figure reading and the survey estimate sit side by
# side:
from nldtib_forecast.models.price_volume import decompose_turnover

split = decompose_turnover(survey, n_replicates=200, seed=1)
pop_split = decompose_turnover(population, n_replicates=0)
parts = ["nominal_growth", "continuing_growth", "entry", "exit", "net_entry"]
unit_of = {"nominal_growth": "fraction", "continuing_growth": "fraction"}
survey_iv = split.intervals.xs(2025, level="year").loc[parts]
pd.DataFrame({
    "published figures, continuing-firms reading": [
        fmt(r[p], unit_of.get(p, "pp")) for p in parts],
    "range permitted by rounding": [interval(lo[p], hi[p], unit_of.get(p, "pp"))
                                    for p in parts],
    "synthetic population": [fmt(pop_split.table.loc[2025, p], unit_of.get(p, "pp"))
                             for p in parts],
    "survey estimate": [fmt(survey_iv.loc[p, "estimate"], unit_of.get(p, "pp"))
                        for p in parts],
    "95% interval": [interval(survey_iv.loc[p, "ci_lower"], survey_iv.loc[p, "ci_upper"],
                              unit_of.get(p, "pp")) for p in parts],
}, index=[label(p) for p in parts])

# %%
# On the microdata this is the test of the reading: if the interval of the continuing firms'
# growth contains the stated rate, the reading is possible; if it does not, the stated rate is
# not the continuing firms' growth. On the synthetic data the answer means nothing for the
# letter: the generator targeted the published levels, and its continuing firms grow at
# whatever rate its assumptions produce. It does show how precise the test is at the survey's
# size, and, because the synthetic population is known, whether the interval covers the value
# it estimates:
cg = survey_iv.loc["continuing_growth"]
stated = r["stated_growth"]
pop_cg = pop_split.table.loc[2025, "continuing_growth"]
print(f"continuing firms' growth: survey estimate {fmt(cg['estimate'])}, 95% interval "
      f"{interval(cg['ci_lower'], cg['ci_upper'])}; it "
      f"{'contains' if cg['ci_lower'] <= stated <= cg['ci_upper'] else 'does not contain'} "
      f"the stated {fmt(stated)}.")
print(f"synthetic population value {fmt(pop_cg)}: "
      f"{'inside' if cg['ci_lower'] <= pop_cg <= cg['ci_upper'] else 'outside'} the interval.")

# %%
# One sample's interval can miss the value it estimates. How often it does is a question for a
# simulation study: the library's coverage studies (:doc:`/validation`) cover totals and
# ratios of one year, not growth rates between two years.

# %%
# Price or volume
# ~~~~~~~~~~~~~~~
# The same decomposition splits the continuing firms' growth into price (a Fisher index of the
# firms' reported price changes) and volume. In the synthetic survey prices are built to follow
# unit costs, which rise by a few percent a year, so "mainly volume" is the generator's
# assumption, recovered by the estimator. If the stated rate were volume growth, prices would
# have had to rise by the implied change computed in section 2:
volume_reading = split.interpret_as_volume(stated, nominal_growth=r["nominal_growth"])
print(f"price change required if {fmt(stated)} were volume growth: "
      f"{volume_reading['implied_price_growth']:+.1%}; the continuing firms' price index: "
      f"{volume_reading['estimated_price_growth']:+.1%} (95% interval "
      f"{interval(volume_reading['ci_lower'], volume_reading['ci_upper'])}); the required "
      f"change lies {'inside' if volume_reading['implied_within_interval'] else 'outside'} "
      "the interval")
ax = split.plot(2025)
ax.figure.tight_layout()

# %%
# Cost pass-through and "no disproportionate price rises"
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# The share of firms that do not pass cost increases on was a calibration target. The
# one-sided test of "price change minus cost change > 0" (a price rise beyond the cost rise)
# cannot reject on these data by construction: every synthetic firm passes on all, half or
# none of its cost change. The estimated pass-through rates against the rates the generator
# used:
from nldtib_forecast.models.pass_through import estimate_pass_through

pass_through = estimate_pass_through(survey)
no_pass = headline.loc["no_cost_pass_through_share"]
print(f"{label('no_cost_pass_through_share')}: estimate {fmt(no_pass['estimate'])} "
      f"({interval(no_pass['ci_lower'], no_pass['ci_upper'])}), published "
      f"{fmt(no_pass['published'])}")
margin = pass_through.margin_test
print(f"price change minus cost change: {fmt(margin['estimate'], 'pp')} (95% interval "
      f"{interval(margin['ci_lower'], margin['ci_upper'], 'pp')}); one-sided p-value for a "
      f"price rise beyond the cost rise: {margin['p_value']:.2f}")
rates = pass_through.pass_through.loc[["full", "partial", "none"],
                                      ["estimate", "ci_lower", "ci_upper"]]
rates.insert(0, "built into the synthetic data", pd.Series(survey.attrs["true_pass_through"]))
rates.index = ["firms that say they pass on all costs", "... part of their costs",
               "... none of their costs"]
rates.columns = ["pass-through rate built in", "estimated rate", "95% interval: lower",
                 "upper"]
rates.round(3)

# %%
# Entrants and the falling D&S share
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# The D&S share of turnover in 2023 and 2025 (both calibration targets), and a
# Foster-Haltiwanger-Krizan decomposition of its change into continuing firms (within, between,
# cross) and entry and exit (:func:`~nldtib_forecast.models.dynamics.decompose_dynamics`). The
# generator gave the entrants of 2024-2025 a much lower D&S share, taking the letter's
# explanation as an assumption, so entrants explain the fall here by construction. Part of
# the real "entry" is the change of scope found in section 2, which the synthetic population
# treats as entry.
from nldtib_forecast.models.dynamics import decompose_dynamics
from nldtib_forecast.survey import survey_ratio

for year in (2023, 2025):
    share = survey_ratio(survey, "turnover_ds_eur", "turnover_total_eur", year=year)
    s = share.loc["all"]
    print(f"{label('ds_turnover_share')} {year}: estimate {fmt(s['estimate'])} "
          f"({interval(s['ci_lower'], s['ci_upper'])})")


def ds_share_change(frame, weight=None):
    """FHK decomposition of the change of the D&S share of turnover, 2023 to 2025."""
    panel = frame[frame["year"].isin([2023, 2025])].assign(
        ds_share=lambda d: d["turnover_ds_eur"] / d["turnover_total_eur"])
    return decompose_dynamics(panel, "ds_share", "turnover_total_eur", survey_weight=weight,
                              method="fhk")


dynamics = pd.DataFrame({"Survey estimate": ds_share_change(survey, "weight"),
                         "Synthetic population": ds_share_change(population)})
for column, d in dynamics.items():
    print(f"{column}: entrants account for {d['entry'] / d['total']:.0%} of the "
          f"{fmt(d['total'], 'pp')} change")
fig, ax = plt.subplots(figsize=(7, 3.8))
(100 * dynamics).rename(index=lambda c: label(c)).plot.bar(ax=ax, width=0.75,
                                                             color=["tab:blue", "tab:red"])
ax.axhline(0.0, color="black", lw=0.8)
ax.set_xlabel("")
ax.set_ylabel("Contribution, percentage points")
ax.set_title("Change of the D&S share of turnover, 2023-2025 (synthetic data)")
ax.tick_params(axis="x", rotation=0)
ax.legend(frameon=False, fontsize="small")
fig.tight_layout()

# %%
# The decomposition has no interval here; the point is the method, and on the microdata its
# answer depends on how the survey bureau recorded the change of scope.
#
# Firms by NLD focus area
# ~~~~~~~~~~~~~~~~~~~~~~~
# The weighted number of firms by area (design-based totals). The disclosure rules suppress an
# area with too few respondents, and a second one where the first could otherwise be derived
# from the total (empty cells). The synthetic entrants are mostly in intelligent systems by
# construction, so the growth pattern is the generator's, not a finding.
from nldtib_forecast.survey import survey_total

by_area = pd.concat(
    {year: survey_total(survey, by="nld_area", year=year)["estimate"] for year in (2023, 2025)},
    axis=1)
by_area["change"] = by_area[2025] - by_area[2023]
by_area.index = [label(f"nld_area={a}") for a in by_area.index]
by_area.round(0)

# %%
# Scale-up
# ~~~~~~~~
# Both scale-up figures are calibration targets of the synthetic population (see the table
# above). The capacity model, calibrated to the survey, returns the survey's own scale-up
# estimates as its long-run uplift (its calibration identity): matching them is a check of
# the code, not of the letter.
from nldtib_forecast.models.capacity import CapacityModel

capacity = CapacityModel.from_survey(survey)
uplift = capacity.long_run_uplift(["current_conditions", "improved_conditions"])
pd.DataFrame({
    "capacity model, long-run uplift": uplift.to_numpy(),
    "survey estimate": headline.loc[["scale_up_current", "scale_up_improved"], "estimate"],
    "published": headline.loc[["scale_up_current", "scale_up_improved"], "published"],
}).rename(index=label).round(4)

# %%
# Private equity and growth: what this synthetic sample can and cannot show
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# The difference in D&S turnover growth between PE-backed and other continuing firms,
# adjusted for size, area, domain and age (doubly robust AIPW estimate; an association under
# stated assumptions, not a causal effect). The generator added a known premium to PE-backed
# firms' growth; its expected value is stored with the data, and the finite synthetic
# population realises it with noise.
pe = headline.loc["pe_growth_premium"]
built_in = survey.attrs["true_pe_premium"][2025]
significant = not (pe["ci_lower"] <= 0.0 <= pe["ci_upper"])
print(f"{label('pe_growth_premium')} 2024-2025: estimate {fmt(pe['estimate'], 'pp')}, "
      f"95% interval {interval(pe['ci_lower'], pe['ci_upper'], 'pp')}, "
      f"{int(pe['n_respondents'])} respondents")
print(f"premium built into the generator (expected): {fmt(built_in, 'pp')}; "
      f"the same estimator on the whole synthetic population: "
      f"{fmt(truth['pe_growth_premium'], 'pp')}")
print("the interval excludes zero: PE-backed firms grew faster in this synthetic sample"
      if significant else
      "the interval includes zero: no significant difference in this synthetic sample, "
      "although a premium was built in")
z = built_in / pe["std_error"]
power = norm.cdf(z - norm.ppf(0.975)) + norm.cdf(-z - norm.ppf(0.975))
print(f"with a standard error of {fmt(pe['std_error'], 'pp').lstrip('+')}, a premium of the "
      f"built-in size is found significant in about {power:.0%} of samples (normal "
      "approximation)")

# %%
# Beyond the letter: a projection on the synthetic survey
# ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
# The letter makes no projection; the outlook does, and it too rests on synthetic inputs. It
# starts from the published 2025 totals (D&S turnover and export share), takes the structure
# and the scale-up answers from the synthetic survey, and runs each *policy* (conditions the
# government can change) under each *future* (budgets and markets it does not control): here
# the committed budgets (``baseline``) and a low case (``constant_gdp_shares``). 1,000 draws,
# seed 0. The capacity answers are synthetic, so the numbers show the method, not the
# NLDTIB.
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
added = added.rename(index=lambda v: label(v) if isinstance(v, str) else v)
added.index.names = [label(n) for n in added.index.names]
added.columns = [label("median"), label("lower", level=0.9), label("upper", level=0.9),
                 label("share_positive")]
added.round(2)

# %%
# Whether a policy can add anything depends on which constraint binds: when demand is below
# capacity, capacity that is not used adds nothing.
binding_constraints(grid)["sentence"].groupby(level="scenario").first()[
    ["baseline/current_conditions", "constant_gdp_shares/current_conditions"]]
