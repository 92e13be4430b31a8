"""Drivers and built-in scenarios of the export share model.

The six drivers are registered (model ``"trade"``) when this module is imported, which
:mod:`nldtib_forecast.models.trade` does. Two kinds:

* *growth* drivers (``eu_procurement_growth``, ``nl_gdp_growth``, ``nl_market_share_trend``):
  the value of year ``t`` moves the variable from ``t - 1`` to ``t``; their base-year value is
  not used.
* *level* drivers (``nl_defence_spending_gdp_share``, ``nl_materiel_share``,
  ``domestic_sourcing_share``): only their change relative to the scenario's own base-year
  value matters (``value_t / value_base``). A path should therefore start at the base year
  (2025): paths are flat before their first year, so ``{2035: 0.035}`` alone means no change.

Built-in scenarios (:func:`builtin_scenarios`) derive their numbers from the embedded data
(EDA, NATO, PwC, EC) so that each number can be traced; the arithmetic is in the functions
below and in :doc:`/methodology/trade`.
"""

from __future__ import annotations

from nldtib_forecast.scenarios import Driver, Scenario, register_driver

__all__ = ["TRADE_DRIVERS", "builtin_scenarios", "TRADE_BUILTIN_NAMES", "GDP_GROWTH",
           "BASE_YEAR"]

#: Base year of the built-in scenarios (the last published year).
BASE_YEAR = 2025
#: Nominal GDP growth assumed for the EU and the Netherlands (about 1.5% real growth plus 2%
#: inflation, the ECB's target; an assumption).
GDP_GROWTH = 0.035
_MARKET_SHARE_TREND = -0.09  # OLS trend of ln m 2019-2025: -0.0938 a year = -8.95% a year

TRADE_DRIVERS: tuple[Driver, ...] = (
    Driver(
        name="eu_procurement_growth", unit="fraction per year", lower=-0.5, upper=1.0,
        default=GDP_GROWTH, model="trade",
        description="Nominal growth of European defence equipment procurement (the market M "
                    "of the export share model; EDA equipment procurement of EU member states "
                    "is the proxy).",
        source="Current conditions: EU27 defence spending stays at its 2025 share of GDP (2.1%, "
               "EDA estimate) with a constant equipment share, so procurement grows with "
               "nominal GDP, 3.5% a year (about 1.5% real plus 2% inflation: an assumption). "
               "The 2019-2025 growth of EDA equipment procurement (EUR 34 bn -> >100 bn, 19.5% "
               "a year) is not a baseline: continued to 2035 it would exceed EDA's estimate of "
               "total EU defence spending at NATO's 3.5% (> EUR 630 bn). Scenarios eu_rearm and "
               "eu_nato_35 set the policy paths.",
    ),
    Driver(
        name="nl_defence_spending_gdp_share", unit="fraction", lower=0.0, upper=0.2,
        default=0.025, model="trade", assumed=False,
        description="Dutch defence spending (NATO definition) as a share of GDP. The model "
                    "uses its change relative to the base year: materiel spending P scales "
                    "with value_t / value_base.",
        source="NATO, Defence Expenditure of NATO Countries: 2.05% of GDP in 2024, 2.5% "
               "estimated for 2025 (the default; current conditions hold it constant). NATO "
               "The Hague summit (25 June 2025): 3.5% core defence by 2035.",
    ),
    Driver(
        name="nl_materiel_share", unit="fraction", lower=0.0, upper=1.0, default=0.35,
        model="trade",
        description="Share of Dutch defence spending on materiel (equipment investment and "
                    "sustainment). Used relative to the base year, like "
                    "nl_defence_spending_gdp_share.",
        source="B24 p.6: MoD materiel spending EUR 6.5 bn in 2023, about 35% of NATO-definition "
               "spending (1.70% of GDP, about EUR 18 bn); NATO: equipment 'almost 25%' in "
               "2018. Held constant under current conditions (assumption).",
    ),
    Driver(
        name="nl_gdp_growth", unit="fraction per year", lower=-0.2, upper=0.3,
        default=GDP_GROWTH, model="trade",
        description="Nominal growth of Dutch GDP (drives Dutch defence and materiel spending "
                    "at a given share of GDP).",
        source="CBS: real GDP growth averaged 2.3% a year in 2014-2025 and CPI inflation 1.5% "
               "a year in 2014-2021 (3.3-10% in 2022-2025). 3.5% nominal (about 1.5% real plus "
               "2% inflation) is an assumption; with it, the PwC path (EUR 22 bn in 2025, 38 bn "
               "in 2030, 59 bn in 2035 = 3.5% of GDP) needs a 1.90-fold rise in the GDP "
               "share.",
    ),
    Driver(
        name="nl_market_share_trend", unit="fraction per year", lower=-0.5, upper=0.5,
        default=_MARKET_SHARE_TREND, model="trade", assumed=False,
        description="Annual growth of the Dutch share m of the European procurement market "
                    "(NLDTIB D&S exports / EDA equipment procurement). The trend's "
                    "estimation uncertainty is added to any value.",
        source="Estimated: the log-linear trend of m over 2019-2025 (6.1% -> 3.7%) is -0.094 a "
               "year (standard error 0.023), i.e. -9% a year: continued erosion, as the letter "
               "(L26) describes. 0 = stabilisation; positive = recovery.",
    ),
    Driver(
        name="domestic_sourcing_share", unit="fraction", lower=0.0, upper=2.0, default=0.60,
        model="trade",
        description="Ratio d of NLDTIB domestic D&S turnover to Dutch materiel spending (a "
                    "sourcing share in spirit; it also covers security customers and sales to "
                    "other Dutch firms, so it is not bounded by 1). Used relative to the base "
                    "year.",
        source="Calibrated: the log-linear trend of d over 2019-2025 is flat (+0.1% a year) at "
               "about 0.60 (0.47-0.67 by year); the default is that level (current "
               "conditions).",
    ),
)

for _driver in TRADE_DRIVERS:
    register_driver(_driver)


#: Names of the built-in trade scenarios, in display order.
TRADE_BUILTIN_NAMES: tuple[str, ...] = (
    "eu_rearm", "eu_nato_35", "nl_path_35", "share_stabilisation", "share_recovery",
    "buildup_and_recovery",
)


def _growth_path(shares: dict[int, float], gdp_growth: float = GDP_GROWTH) -> dict[int, float]:
    """Yearly nominal growth of procurement when spending follows a GDP-share path (linear
    between the given years) with a constant equipment share: ``(1+g) s_t / s_{t-1} - 1``.
    The year after the path ends, growth returns to ``gdp_growth``."""
    years = sorted(shares)
    values = {}
    for a, b in zip(years, years[1:], strict=False):
        for y in range(a, b + 1):
            values[y] = shares[a] + (shares[b] - shares[a]) * (y - a) / (b - a)
    out = {y: round((1 + gdp_growth) * values[y] / values[y - 1] - 1, 6)
           for y in range(years[0] + 1, years[-1] + 1)}
    out[years[-1] + 1] = gdp_growth
    return out


def _eu_rearm() -> tuple[dict[int, float], str]:
    from nldtib_forecast.data import load_european_market, load_policy_targets

    eu = load_european_market()
    targets = load_policy_targets().set_index(["target", "year"])["value"]
    s24, s25 = float(eu.loc[2024, "eda_defence_gdp_share"]), float(eu.loc[2025,
                                                                          "eda_defence_gdp_share"])
    extra = float(targets[("rearm_europe_gdp_increase", 2028)])
    return _growth_path({2025: s25, 2028: round(s24 + extra, 6)}), (
        f"ReArm Europe / Readiness 2030: EU defence spending rises by {extra:.1%} of GDP over "
        f"2025-2028 from its 2024 level ({s24:.1%}, EDA), i.e. from {s25:.1%} (2025) to "
        f"{s24 + extra:.1%} of GDP in 2028 (the full use of the national escape clause), then "
        "stays at that share; equipment procurement keeps its share of spending and GDP grows "
        "3.5% a year. Procurement grows 19-25% a year in 2026-2028, close to its 2019-2025 "
        "growth (19.5% a year), then 3.5%.")


def _eu_nato() -> tuple[dict[int, float], str]:
    from nldtib_forecast.data import load_european_market, load_policy_targets

    eu = load_european_market()
    targets = load_policy_targets().set_index(["target", "year"])["value"]
    s25 = float(eu.loc[2025, "eda_defence_gdp_share"])
    core = float(targets[("nato_core_defence_gdp_share", 2035)])
    return _growth_path({2025: s25, 2035: core}), (
        f"NATO The Hague (2025): EU defence spending rises linearly from {s25:.1%} of GDP "
        f"(2025, EDA) to {core:.1%} core defence in 2035 (EDA: more than EUR 630 bn a year for "
        "the EU27); equipment procurement keeps its share of spending and GDP grows 3.5% a "
        "year, so procurement grows 8-10% a year (2.35-fold by 2035).")


def _nl_path() -> tuple[dict[int, float], str]:
    from nldtib_forecast.data import load_nl_defence, load_policy_targets

    pwc = load_nl_defence()["pwc_path_35_eur"].dropna()
    core = float(load_policy_targets().set_index(["target", "year"]).loc[
        ("nato_core_defence_gdp_share", 2035), "value"])
    g = 1 + GDP_GROWTH
    s35 = core
    s25 = s35 * g ** 10 * pwc[2025] / pwc[2035]
    s30 = s25 * (pwc[2030] / pwc[2025]) / g ** 5
    path = {2025: round(float(s25), 5), 2030: round(float(s30), 5), 2035: s35}
    return path, (
        f"The Dutch path to {core:.1%} of GDP in 2035 as estimated by PwC: defence spending EUR "
        f"{pwc[2025] / 1e9:.0f} bn (2025), ~{pwc[2030] / 1e9:.0f} bn (2030), "
        f"{pwc[2035] / 1e9:.0f} bn (2035). With 3.5% nominal GDP growth this is a GDP share of "
        f"{s25:.2%} -> {s30:.2%} -> {s35:.1%}; only the relative change is used (NATO's 2.5% "
        "estimate for 2025 rests on another GDP and definition). Materiel keeps its share.")


_SHARE_STABLE = {BASE_YEAR: _MARKET_SHARE_TREND, 2027: 0.0}
_SHARE_RECOVERY = {BASE_YEAR: _MARKET_SHARE_TREND, 2027: 0.0, 2030: 0.03}
_SOURCES_EU = ("EDA Defence Data: EU defence spending 2.1% of GDP (2025 estimate), 1.9% "
               "(2024); > EUR 630 bn a year at 3.5% of GDP.",
               "EC ReArm Europe / Readiness 2030 (4 March 2025): ~EUR 800 bn, of which ~650 bn "
               "national fiscal space assuming +1.5% of GDP over four years, 150 bn SAFE loans.",
               "NATO The Hague Summit Declaration (25 June 2025): 3.5% core defence by 2035.",
               "Assumption: nominal GDP growth 3.5% a year; equipment share of spending "
               "constant.")
_SOURCES_NL = ("PwC estimate: Dutch defence spending EUR 22 bn (2025), ~38 bn (2030), 59 bn "
               "(2035) = 3.5% of GDP.",
               "NATO The Hague Summit Declaration (25 June 2025): 3.5% core defence by 2035.",
               "Assumption: nominal GDP growth 3.5% a year; materiel share constant.")
_SOURCES_SHARE = ("L26: the Dutch share of the European defence market is falling.",
                  "Estimated trend of the Dutch share of EDA equipment procurement 2019-2025: "
                  "-9% a year.",
                  "EC EDIS (2024): 40% joint procurement and 50% of procurement in the European "
                  "industry by 2030, 60% by 2035; 35% intra-EU defence trade.",
                  "Assumption: the speed of stabilisation and the +3% a year of recovery.")


def builtin_scenarios() -> dict[str, Scenario]:
    """The built-in scenarios of the export share model, by name.

    ``eu_rearm``
        ReArm Europe: EU defence spending +1.5% of GDP over 2025-2028.
    ``eu_nato_35``
        EU defence spending to NATO's 3.5% core by 2035.
    ``nl_path_35``
        Dutch defence spending to 3.5% of GDP by 2035 (PwC's euro path).
    ``share_stabilisation``
        The erosion of the Dutch market share fades out by 2027.
    ``share_recovery``
        Stabilisation by 2027, then +3% a year by 2030 (EU joint procurement and
        "buy European" targets).
    ``buildup_and_recovery``
        ``eu_nato_35``, ``nl_path_35`` and ``share_recovery`` together.

    Drivers a scenario does not set stay at their defaults (current conditions); the
    ``current_conditions`` scenario of :func:`nldtib_forecast.scenarios.builtin` is the
    baseline.

    Examples
    --------
    >>> from nldtib_forecast.models.trade import builtin_scenarios
    >>> scen = builtin_scenarios()
    >>> list(scen)
    ['eu_rearm', 'eu_nato_35', 'nl_path_35', 'share_stabilisation', 'share_recovery', \
'buildup_and_recovery']
    >>> scen["nl_path_35"].drivers["nl_defence_spending_gdp_share"][2035]
    0.035
    >>> scen["eu_rearm"].path("eu_procurement_growth", [2026, 2030]).round(3).tolist()
    [0.249, 0.035]
    """
    rearm, rearm_text = _eu_rearm()
    nato, nato_text = _eu_nato()
    nl, nl_text = _nl_path()
    stable_text = ("Stabilisation: the erosion of the Dutch share of the European market "
                   "(-9% a year, 2019-2025 trend) fades out linearly by 2027 and the share then "
                   "stays constant; European and Dutch spending as under current conditions.")
    recovery_text = ("Recovery: the erosion fades out by 2027 and the Dutch share then grows, "
                     "reaching +3% a year by 2030 (assumption), as Dutch firms take part in EU "
                     "joint procurement and the shift to European suppliers (EDIS: 50% of "
                     "procurement in the European industry by 2030, 60% by 2035).")
    out = {
        "eu_rearm": Scenario("eu_rearm", {"eu_procurement_growth": rearm}, rearm_text,
                             _SOURCES_EU),
        "eu_nato_35": Scenario("eu_nato_35", {"eu_procurement_growth": nato}, nato_text,
                               _SOURCES_EU),
        "nl_path_35": Scenario("nl_path_35", {"nl_defence_spending_gdp_share": nl}, nl_text,
                               _SOURCES_NL),
        "share_stabilisation": Scenario("share_stabilisation",
                                        {"nl_market_share_trend": _SHARE_STABLE}, stable_text,
                                        _SOURCES_SHARE),
        "share_recovery": Scenario("share_recovery", {"nl_market_share_trend": _SHARE_RECOVERY},
                                   recovery_text, _SOURCES_SHARE),
        "buildup_and_recovery": Scenario(
            "buildup_and_recovery",
            {"eu_procurement_growth": nato, "nl_defence_spending_gdp_share": nl,
             "nl_market_share_trend": _SHARE_RECOVERY},
            "European build-up to NATO's 3.5% (eu_nato_35), the Dutch path to 3.5% "
            "(nl_path_35) and a recovering Dutch market share (share_recovery) together.",
            _SOURCES_EU + _SOURCES_NL + _SOURCES_SHARE),
    }
    return {n: out[n] for n in TRADE_BUILTIN_NAMES}


def _register_builtins() -> None:
    from nldtib_forecast.scenarios import register_builtin

    for scenario in builtin_scenarios().values():
        register_builtin(scenario)


_register_builtins()
