"""Drivers, built-in trade scenarios and the built-in futures of the outlook.

The six drivers are registered (model ``"trade"``) when this module is imported, which
:mod:`nldtib_forecast.models.trade` does; the built-in scenarios and futures are registered by
name and built from the embedded data when first used
(:func:`~nldtib_forecast.scenarios.register_builtins`). Two kinds of values:

* *growth* drivers (``eu_procurement_growth``, ``nl_gdp_growth``, ``nl_market_share_trend``):
  the value of year ``t`` moves the variable from ``t - 1`` to ``t``; their base-year value is
  not used.
* *level* drivers (``nl_defence_spending_gdp_share``, ``nl_materiel_share``,
  ``domestic_sourcing_share``): the model uses ``value_t / value_base``, and the base-year
  value is the observed one (the default) in every scenario (the level-driver rule of
  :class:`~nldtib_forecast.scenarios.Scenario`): ``{2035: 0.035}`` rises linearly from the
  observed 2.5% in 2025 to 3.5% in 2035, and a constant applies from 2026.

``domestic_sourcing_share`` is a lever (the government decides where it buys); the others are
external drivers.

Built-in trade scenarios (:func:`builtin_scenarios`) and built-in futures
(:func:`builtin_futures`) derive their numbers from the embedded data (EDA, NATO, the 2026
Miljoenennota, PwC, EC) so that each number can be traced; the arithmetic is in the functions
below and in :doc:`/methodology/trade` and :doc:`/methodology/outlook`.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from nldtib_forecast._format import eur, percent
from nldtib_forecast.scenarios import Driver, Scenario, register_builtins, register_driver

__all__ = ["TRADE_DRIVERS", "builtin_scenarios", "TRADE_BUILTIN_NAMES", "GDP_GROWTH",
           "BASE_YEAR", "builtin_futures", "FUTURE_NAMES", "nl_budget_2026"]

#: Base year of the built-in scenarios (the last published year).
BASE_YEAR = 2025
#: Nominal GDP growth assumed for the EU and the Netherlands (about 1.5% real growth plus 2%
#: inflation, the ECB's target; an assumption).
GDP_GROWTH = 0.035

TRADE_DRIVERS: tuple[Driver, ...] = (
    Driver(
        name="eu_procurement_growth", unit="fraction per year", lower=-0.5, upper=1.0,
        default=GDP_GROWTH, model="trade", kind="external",
        description="Nominal growth of European defence equipment procurement (the market M "
                    "of the export share model; EDA equipment procurement of EU member states "
                    "is the proxy).",
        source="Current conditions: EU27 defence spending stays at its 2025 share of GDP (2.1%, "
               "EDA estimate) with a constant equipment share, so procurement grows with "
               "nominal GDP, 3.5% a year (about 1.5% real plus 2% inflation: an assumption). "
               "The 2019-2025 growth of EDA equipment procurement (EUR 34 bn -> >100 bn, 19.5% "
               "a year) is not a baseline: continued to 2035 it would exceed EDA's estimate of "
               "total EU defence spending at NATO's 3.5% (> EUR 630 bn). The futures baseline, "
               "european_surge and slower_path set the paths of the commitments.",
        source_nl="Huidige omstandigheden: de defensie-uitgaven van de EU27 blijven op hun "
                  "bbp-aandeel van 2025 (2,1%, schatting van EDA) met een constant aandeel "
                  "materieel, dus de aanschaf groeit met het nominale bbp, 3,5% per jaar "
                  "(ongeveer 1,5% reëel plus 2% inflatie: een aanname). De groei van de "
                  "materieelaanschaf volgens EDA in 2019-2025 (van € 34 mld. naar meer dan "
                  "€ 100 mld., 19,5% per jaar) is geen basispad: doorgetrokken tot 2035 zou die "
                  "hoger uitkomen dan de raming van EDA voor alle defensie-uitgaven in de EU "
                  "bij de NAVO-norm van 3,5% (meer dan € 630 mld.). De omgevingsscenario's "
                  "basispad, Europese versnelling en trager pad leggen de paden van de "
                  "toezeggingen vast.",
    ),
    Driver(
        name="nl_defence_spending_gdp_share", unit="fraction", lower=0.0, upper=0.2,
        default=0.025, model="trade", assumed=False, kind="external", level=True,
        description="Dutch defence spending (NATO definition) as a share of GDP. The model "
                    "uses its change relative to the observed base-year value: materiel "
                    "spending P scales with value_t / value_base.",
        source="NATO, Defence Expenditure of NATO Countries: 2.05% of GDP in 2024, 2.5% "
               "estimated for 2025 (the default; current conditions hold it constant). NATO "
               "The Hague summit (25 June 2025): 3.5% core defence by 2035.",
        source_nl="NAVO, cijfers over de defensie-uitgaven van de bondgenoten: 2,05% van het "
                  "bbp in 2024, naar schatting 2,5% in 2025 (de standaardwaarde; onder huidige "
                  "omstandigheden blijft die gelijk). NAVO-top in Den Haag (25 juni 2025): 3,5% "
                  "voor kerndefensie in 2035.",
    ),
    Driver(
        name="nl_materiel_share", unit="fraction", lower=0.0, upper=1.0, default=0.35,
        model="trade", kind="external", level=True,
        description="Share of Dutch defence spending on materiel (equipment investment and "
                    "sustainment). Used relative to the base year, like "
                    "nl_defence_spending_gdp_share.",
        source="B24 p.6: MoD materiel spending EUR 6.5 bn in 2023, about 35% of NATO-definition "
               "spending (1.70% of GDP, about EUR 18 bn); NATO: equipment 'almost 25%' in "
               "2018. Held constant under current conditions (assumption).",
        source_nl="B24 (blz. 6): materieeluitgaven van Defensie € 6,5 mld. in 2023, ongeveer "
                  "35% van de uitgaven volgens de NAVO-definitie (1,70% van het bbp, ongeveer "
                  "€ 18 mld.); NAVO: materieel 'bijna 25%' in 2018. Onder huidige "
                  "omstandigheden constant (aanname).",
    ),
    Driver(
        name="nl_gdp_growth", unit="fraction per year", lower=-0.2, upper=0.3,
        default=GDP_GROWTH, model="trade", kind="external",
        description="Nominal growth of Dutch GDP (drives Dutch defence and materiel spending "
                    "at a given share of GDP).",
        source="CBS: real GDP growth averaged 2.3% a year in 2014-2025 and CPI inflation 1.5% "
               "a year in 2014-2021 (3.3-10% in 2022-2025). 3.5% nominal (about 1.5% real plus "
               "2% inflation) is an assumption; with it, the PwC path (EUR 22 bn in 2025, 38 bn "
               "in 2030, 59 bn in 2035 = 3.5% of GDP) needs a 1.90-fold rise in the GDP "
               "share.",
        source_nl="CBS: de reële bbp-groei was gemiddeld 2,3% per jaar in 2014-2025 en de "
                  "inflatie (cpi) 1,5% per jaar in 2014-2021 (3,3-10% in 2022-2025). Een "
                  "nominale groei van 3,5% (ongeveer 1,5% reëel plus 2% inflatie) is een "
                  "aanname; daarmee vraagt het pad van PwC (€ 22 mld. in 2025, € 38 mld. in "
                  "2030, € 59 mld. in 2035 = 3,5% van het bbp) een stijging van het "
                  "bbp-aandeel met een factor 1,90.",
    ),
    Driver(
        name="nl_market_share_trend", unit="fraction per year", lower=-0.5, upper=0.5,
        default=0.0, model="trade", kind="external",
        description="Change per year of the Dutch share m of the European procurement market "
                    "beyond the estimated market response (exports grow with the market at the "
                    "estimated elasticity; this driver adds an autonomous gain or loss of "
                    "share on top). 0 = exports follow the market response only.",
        source="Estimated market response: the elasticity of NLDTIB D&S exports to European "
               "equipment procurement, 0.48 (s.e. 0.08) over 2019-2025, reproduces the fall of "
               "the Dutch share (6.1% -> 3.7%) at the 2019-2025 market growth. The default 0 "
               "adds nothing to it; positive values are a recovery of share (EU joint "
               "procurement, 'buy European'), negative values an erosion beyond the response "
               "(assumptions).",
        source_nl="Geschatte marktreactie: de elasticiteit van de D&S-export van de NLDTIB "
                  "ten opzichte van de Europese materieelaanschaf, 0,48 (standaardfout 0,08) "
                  "over 2019-2025, verklaart bij de marktgroei van 2019-2025 de daling van het "
                  "Nederlandse aandeel (van 6,1% naar 3,7%). De standaardwaarde 0 voegt daar "
                  "niets aan toe; positieve waarden zijn een herstel van het aandeel "
                  "(gezamenlijke Europese aanschaf, 'Europees kopen'), negatieve waarden een "
                  "verdere daling bovenop de marktreactie (aannames).",
    ),
    Driver(
        name="domestic_sourcing_share", unit="fraction", lower=0.0, upper=2.0, default=0.60,
        model="trade", kind="lever", level=True,
        description="Ratio d of NLDTIB domestic D&S turnover to Dutch materiel spending (a "
                    "sourcing share in spirit; it also covers security customers and sales to "
                    "other Dutch firms, so it is not bounded by 1). Used relative to the base "
                    "year.",
        source="Calibrated: the log-linear trend of d over 2019-2025 is flat (+0.1% a year) at "
               "about 0.60 (0.47-0.67 by year); the default is that level (current "
               "conditions). A lever: buying more from the national industry (the Defence "
               "Strategy for Industry and Innovation) raises it.",
        source_nl="Gekalibreerd: de log-lineaire trend van d over 2019-2025 is vlak (+0,1% per "
                  "jaar) op ongeveer 0,60 (0,47-0,67 per jaar); de standaardwaarde is dat "
                  "niveau (huidige omstandigheden). Een beleidsknop: meer inkopen bij de eigen "
                  "industrie (de Defensie Strategie voor Industrie en Innovatie) verhoogt de "
                  "ratio.",
    ),
)

for _driver in TRADE_DRIVERS:
    register_driver(_driver)


#: Names of the built-in trade scenarios, in display order.
TRADE_BUILTIN_NAMES: tuple[str, ...] = (
    "eu_rearm", "eu_nato_35", "nl_path_35", "share_recovery", "buildup_and_recovery",
)
#: Names of the built-in futures, in display order (``baseline`` first).
FUTURE_NAMES: tuple[str, ...] = ("baseline", "european_surge", "slower_path",
                                 "constant_gdp_shares")
#: EU defence spending in % of GDP in 2035 under ``slower_path`` (assumption: the 2029 NATO
#: review lowers the ambition; half of the way from 2.1% to 3.5%).
SLOWER_EU_2035 = 0.028


def _shares_by_year(shares: dict[int, float]) -> dict[int, float]:
    """A GDP-share path, linear between the given years (one value per year)."""
    years = sorted(shares)
    values = {years[0]: shares[years[0]]}
    for a, b in zip(years, years[1:], strict=False):
        for y in range(a + 1, b + 1):
            values[y] = shares[a] + (shares[b] - shares[a]) * (y - a) / (b - a)
    return values


def _growth_path(shares: dict[int, float], gdp_growth: float = GDP_GROWTH) -> dict[int, float]:
    """Yearly nominal growth of procurement when spending follows a GDP-share path (linear
    between the given years) with a constant equipment share: ``(1+g) s_t / s_{t-1} - 1``.
    The year after the path ends, growth returns to ``gdp_growth``."""
    values = _shares_by_year(shares)
    years = sorted(values)
    out = {y: round((1 + gdp_growth) * values[y] / values[y - 1] - 1, 6) for y in years[1:]}
    out[years[-1] + 1] = gdp_growth
    return out


@cache  # read from the embedded data once per process (immutable floats)
def _eu_shares() -> tuple[float, float, float, float]:
    """EDA 2024 and 2025 defence spending shares of GDP, the ReArm increase, NATO's 3.5%."""
    from nldtib_forecast.data import load_european_market, load_policy_targets

    eu = load_european_market()
    targets = load_policy_targets().set_index(["target", "year"])["value"]
    return (float(eu.loc[2024, "eda_defence_gdp_share"]),
            float(eu.loc[2025, "eda_defence_gdp_share"]),
            float(targets[("rearm_europe_gdp_increase", 2028)]),
            float(targets[("nato_core_defence_gdp_share", 2035)]))


def _nl(x: float, decimals: int = 1) -> str:
    """A share as a Dutch percentage (``2,8%``)."""
    return percent(x, decimals=decimals, lang="nl")


def _eu_rearm() -> tuple[dict[int, float], str, str]:
    s24, s25, extra, _core = _eu_shares()
    return _growth_path({2025: s25, 2028: round(s24 + extra, 6)}), (
        f"ReArm Europe / Readiness 2030: EU defence spending rises by {extra:.1%} of GDP over "
        f"2025-2028 from its 2024 level ({s24:.1%}, EDA), i.e. from {s25:.1%} (2025) to "
        f"{s24 + extra:.1%} of GDP in 2028 (the full use of the national escape clause), then "
        "stays at that share; equipment procurement keeps its share of spending and GDP grows "
        "3.5% a year. Procurement grows 19-25% a year in 2026-2028, close to its 2019-2025 "
        "growth (19.5% a year), then 3.5%."), (
        f"ReArm Europe / Readiness 2030: de defensie-uitgaven in de EU stijgen in 2025-2028 met "
        f"{_nl(extra)} van het bbp ten opzichte van 2024 ({_nl(s24)}, EDA), dus van "
        f"{_nl(s25)} (2025) naar {_nl(s24 + extra)} van het bbp in 2028 (volledig gebruik van "
        "de nationale ontsnappingsclausule), en blijven daarna op dat aandeel; de "
        "materieelaanschaf houdt haar aandeel in de uitgaven en het bbp groeit 3,5% per jaar. "
        "De aanschaf groeit in 2026-2028 met 19-25% per jaar, dicht bij de groei in 2019-2025 "
        "(19,5% per jaar), daarna met 3,5%.")


def _eu_nato() -> tuple[dict[int, float], str, str]:
    _s24, s25, _extra, core = _eu_shares()
    return _growth_path({2025: s25, 2035: core}), (
        f"NATO The Hague (2025): EU defence spending rises linearly from {s25:.1%} of GDP "
        f"(2025, EDA) to {core:.1%} core defence in 2035 (EDA: more than EUR 630 bn a year for "
        "the EU27); equipment procurement keeps its share of spending and GDP grows 3.5% a "
        "year, so procurement grows 8-10% a year (2.35-fold by 2035)."), (
        f"NAVO-top Den Haag (2025): de defensie-uitgaven in de EU stijgen lineair van "
        f"{_nl(s25)} van het bbp (2025, EDA) naar {_nl(core)} voor kerndefensie in 2035 (EDA: "
        "meer dan € 630 mld. per jaar voor de EU27); de materieelaanschaf houdt haar aandeel in "
        "de uitgaven en het bbp groeit 3,5% per jaar, dus de aanschaf groeit 8-10% per jaar "
        "(tot 2035 een factor 2,35).")


def _nl_path() -> tuple[dict[int, float], str, str]:
    from nldtib_forecast.data import load_policy_targets

    core = float(load_policy_targets().set_index(["target", "year"]).loc[
        ("nato_core_defence_gdp_share", 2035), "value"])
    return {2035: core}, (
        f"Dutch defence spending (NATO definition) rises linearly from the observed 2.5% of "
        f"GDP (2025, NATO estimate) to {core:.1%} in 2035 (NATO The Hague commitment, "
        "confirmed by the cabinet on 13 June 2025); GDP grows 3.5% a year, materiel keeps its "
        "share: spending grows 1.98-fold by 2035 (PwC's euro path, EUR 22 bn -> 59 bn, starts "
        "from a lower 2025 share and rises 2.7-fold)."), (
        f"De Nederlandse defensie-uitgaven (NAVO-definitie) stijgen lineair van de "
        f"waargenomen 2,5% van het bbp (2025, schatting van de NAVO) naar {_nl(core)} in 2035 "
        "(de toezegging van de NAVO-top in Den Haag, door het kabinet bevestigd op 13 juni "
        "2025); het bbp groeit 3,5% per jaar en materieel houdt zijn aandeel: de uitgaven "
        "worden tot 2035 een factor 1,98 hoger (het pad in euro's van PwC, van € 22 mld. naar "
        "€ 59 mld., begint bij een lager aandeel in 2025 en stijgt met een factor 2,7).")


def nl_budget_2026() -> pd.Series:
    """The adopted 2026 Dutch budget and what it implies for the level drivers.

    Returns
    -------
    pandas.Series
        ``budget_2025_eur`` (EUR 26.8 bn minus the EUR 3.4 bn increase, Miljoenennota 2026),
        ``budget_2026_eur`` (EUR 26.8 bn), ``budget_growth`` (+14.5%), ``gdp_share_2026`` (the
        observed 2.5% of 2025 x budget growth / nominal GDP growth), ``materiel_2025_eur``
        (the calibration history's 2025 materiel spending), ``materiel_2026_eur`` (the 2026
        expenditure of the defence equipment fund, EUR 13.53 bn), ``materiel_share_2026``
        (the materiel share that, with the 2026 GDP share and GDP growth, gives that
        expenditure).

    See Also
    --------
    builtin_futures : The futures that start from this budget.
    nldtib_forecast.data.load_nl_defence : The Dutch defence budget data.

    Examples
    --------
    >>> from nldtib_forecast.models.trade.drivers import nl_budget_2026
    >>> b = nl_budget_2026()
    >>> round(float(b["budget_growth"]), 3), round(float(b["gdp_share_2026"]), 4)
    (0.145, 0.0277)
    """
    from nldtib_forecast.data import load_nl_defence
    from nldtib_forecast.models.trade.history import calibration_history
    from nldtib_forecast.scenarios import get_driver

    nl = load_nl_defence()
    b26 = float(nl.loc[2026, "defence_budget_minfin_eur"])
    b25 = b26 - float(nl.loc[2026, "defence_budget_minfin_change_eur"])
    growth = b26 / b25 - 1
    share25 = get_driver("nl_defence_spending_gdp_share").default
    share26 = share25 * (1 + growth) / (1 + GDP_GROWTH)
    p25 = float(calibration_history().loc[2025, "materiel_spending_eur"])
    p26 = float(nl.loc[2026, "equipment_fund_expenditure_eur"])
    mat25 = get_driver("nl_materiel_share").default
    mat26 = mat25 * (p26 / p25) / ((1 + GDP_GROWTH) * share26 / share25)
    return pd.Series({"budget_2025_eur": b25, "budget_2026_eur": b26, "budget_growth": growth,
                      "gdp_share_2026": share26, "materiel_2025_eur": p25,
                      "materiel_2026_eur": p26, "materiel_share_2026": mat26},
                     name="nl_budget_2026")


_SHARE_RECOVERY = {2026: 0.0, 2030: 0.03}
_SOURCES_EU = ("EDA Defence Data: EU defence spending 2.1% of GDP (2025 estimate), 1.9% "
               "(2024); > EUR 630 bn a year at 3.5% of GDP.",
               "EC ReArm Europe / Readiness 2030 (4 March 2025): ~EUR 800 bn, of which ~650 bn "
               "national fiscal space assuming +1.5% of GDP over four years, 150 bn SAFE loans.",
               "NATO The Hague Summit Declaration (25 June 2025): 3.5% core defence by 2035.",
               "Assumption: nominal GDP growth 3.5% a year; equipment share of spending "
               "constant.")
_SOURCES_NL = ("NATO: Dutch defence spending 2.05% of GDP (2024), 2.5% estimated for 2025.",
               "NATO The Hague Summit Declaration (25 June 2025): 3.5% core defence by 2035; "
               "Dutch cabinet decision of 13 June 2025 to follow it (no timetable).",
               "PwC estimate: Dutch defence spending EUR 22 bn (2025), ~38 bn (2030), 59 bn "
               "(2035) = 3.5% of GDP (for comparison).",
               "Assumption: nominal GDP growth 3.5% a year; materiel share constant.")
_SOURCES_BUDGET = ("Miljoenennota / Rijksbegroting 2026 (Prinsjesdag, September 2025): defence "
                   "budget EUR 26.8 bn in 2026 (+3.4 bn on 2025); Defensiematerieel"
                   "begrotingsfonds expenditure EUR 13.53 bn in 2026.",)
_SOURCES_SHARE = ("L26: the Dutch share of the European defence market is falling.",
                  "Estimated elasticity of NLDTIB D&S exports to EDA equipment procurement, "
                  "2019-2025.",
                  "EC EDIS (2024): 40% joint procurement and 50% of procurement in the European "
                  "industry by 2030, 60% by 2035; 35% intra-EU defence trade.",
                  "Assumption: the +3% a year of recovery.")
# the same sources in Dutch, item by item (written for the ministry's readers)
_SOURCES_EU_NL = ("EDA, Defence Data: defensie-uitgaven in de EU 2,1% van het bbp (raming "
                  "2025), 1,9% (2024); meer dan € 630 mld. per jaar bij 3,5% van het bbp.",
                  "Europese Commissie, ReArm Europe / Readiness 2030 (4 maart 2025): ongeveer "
                  "€ 800 mld., waarvan ongeveer € 650 mld. nationale begrotingsruimte bij +1,5% "
                  "van het bbp over vier jaar en € 150 mld. aan SAFE-leningen.",
                  "Verklaring van de NAVO-top in Den Haag (25 juni 2025): 3,5% voor "
                  "kerndefensie in 2035.",
                  "Aanname: nominale bbp-groei van 3,5% per jaar; aandeel materieel in de "
                  "uitgaven constant.")
_SOURCES_NL_NL = ("NAVO: Nederlandse defensie-uitgaven 2,05% van het bbp (2024), naar schatting "
                  "2,5% in 2025.",
                  "Verklaring van de NAVO-top in Den Haag (25 juni 2025): 3,5% voor "
                  "kerndefensie in 2035; kabinetsbesluit van 13 juni 2025 om die te volgen "
                  "(zonder tijdpad).",
                  "Raming van PwC: Nederlandse defensie-uitgaven € 22 mld. (2025), ongeveer "
                  "€ 38 mld. (2030), € 59 mld. (2035) = 3,5% van het bbp (ter vergelijking).",
                  "Aanname: nominale bbp-groei van 3,5% per jaar; materieelaandeel constant.")
_SOURCES_BUDGET_NL = ("Miljoenennota / Rijksbegroting 2026 (Prinsjesdag, september 2025): "
                      "defensiebegroting € 26,8 mld. in 2026 (€ 3,4 mld. meer dan in 2025); "
                      "uitgaven van het Defensiematerieelbegrotingsfonds € 13,53 mld. in "
                      "2026.",)
_SOURCES_SHARE_NL = ("L26: het Nederlandse aandeel in de Europese defensiemarkt daalt.",
                     "Geschatte elasticiteit van de D&S-export van de NLDTIB ten opzichte van "
                     "de materieelaanschaf volgens EDA, 2019-2025.",
                     "Europese Commissie, EDIS (2024): 40% gezamenlijke aanschaf en 50% van de "
                     "aanschaf bij de Europese industrie in 2030, 60% in 2035; 35% "
                     "defensiehandel binnen de EU.",
                     "Aanname: het herstel van +3% per jaar.")


def builtin_scenarios() -> dict[str, Scenario]:
    """The built-in scenarios of the export share model, by name.

    All are futures (external drivers only).

    ``eu_rearm``
        ReArm Europe: EU defence spending +1.5% of GDP over 2025-2028.
    ``eu_nato_35``
        EU defence spending to NATO's 3.5% core by 2035.
    ``nl_path_35``
        Dutch defence spending from the observed 2.5% (2025) to 3.5% of GDP by 2035.
    ``share_recovery``
        The Dutch share of the European market gains +3% a year by 2030 on top of the
        market response (EU joint procurement and "buy European" targets).
    ``buildup_and_recovery``
        ``eu_nato_35``, ``nl_path_35`` and ``share_recovery`` together.

    Drivers a scenario does not set stay at their defaults (current conditions). The
    outlook's futures (:func:`builtin_futures`) combine these paths with the adopted 2026
    budget.

    Returns
    -------
    dict of str to Scenario
        The scenarios by name, in the order above (``kind="future"``, with their sources).

    See Also
    --------
    builtin_futures : The outlook's futures.
    ExportShareModel.simulate : Simulates them (the default scenarios).
    nldtib_forecast.scenarios.futures : Every registered future, of every model.

    Examples
    --------
    >>> from nldtib_forecast.models.trade import builtin_scenarios
    >>> scen = builtin_scenarios()
    >>> list(scen)
    ['eu_rearm', 'eu_nato_35', 'nl_path_35', 'share_recovery', 'buildup_and_recovery']
    >>> scen["nl_path_35"].path("nl_defence_spending_gdp_share", [2025, 2030, 2035]).tolist()
    [0.025, 0.03, 0.035]
    >>> scen["eu_rearm"].path("eu_procurement_growth", [2026, 2030]).round(3).tolist()
    [0.249, 0.035]
    """
    rearm, rearm_text, rearm_nl = _eu_rearm()
    nato, nato_text, nato_nl = _eu_nato()
    nl, nl_text, nl_nl = _nl_path()
    recovery_text = ("Recovery: from 2026 the Dutch share of the European market gains on top "
                     "of the market response, reaching +3% a year by 2030 (assumption), as "
                     "Dutch firms take part in EU joint procurement and the shift to European "
                     "suppliers (EDIS: 50% of procurement in the European industry by 2030, 60% "
                     "by 2035).")
    recovery_nl = ("Herstel: vanaf 2026 wint het Nederlandse aandeel in de Europese markt "
                   "bovenop de marktreactie, oplopend tot +3% per jaar in 2030 (aanname), "
                   "doordat Nederlandse bedrijven meedoen aan gezamenlijke Europese aanschaf en "
                   "de verschuiving naar Europese leveranciers (EDIS: 50% van de aanschaf bij de "
                   "Europese industrie in 2030, 60% in 2035).")
    out = {
        "eu_rearm": Scenario("eu_rearm", {"eu_procurement_growth": rearm}, rearm_text,
                             _SOURCES_EU, kind="future", description_nl=rearm_nl,
                             sources_nl=_SOURCES_EU_NL),
        "eu_nato_35": Scenario("eu_nato_35", {"eu_procurement_growth": nato}, nato_text,
                               _SOURCES_EU, kind="future", description_nl=nato_nl,
                               sources_nl=_SOURCES_EU_NL),
        "nl_path_35": Scenario("nl_path_35", {"nl_defence_spending_gdp_share": nl}, nl_text,
                               _SOURCES_NL, kind="future", description_nl=nl_nl,
                               sources_nl=_SOURCES_NL_NL),
        "share_recovery": Scenario("share_recovery", {"nl_market_share_trend": _SHARE_RECOVERY},
                                   recovery_text, _SOURCES_SHARE, kind="future",
                                   description_nl=recovery_nl, sources_nl=_SOURCES_SHARE_NL),
        "buildup_and_recovery": Scenario(
            "buildup_and_recovery",
            {"eu_procurement_growth": nato, "nl_defence_spending_gdp_share": nl,
             "nl_market_share_trend": _SHARE_RECOVERY},
            "European build-up to NATO's 3.5% (eu_nato_35), the Dutch path to 3.5% "
            "(nl_path_35) and a recovering Dutch market share (share_recovery) together.",
            _SOURCES_EU + _SOURCES_NL + _SOURCES_SHARE, kind="future",
            description_nl="Drie scenario's samen: de Europese opbouw naar de NAVO-norm van "
                           "3,5%, het Nederlandse pad naar 3,5% en het herstel van het "
                           "Nederlandse marktaandeel.",
            sources_nl=_SOURCES_EU_NL + _SOURCES_NL_NL + _SOURCES_SHARE_NL),
    }
    return {n: out[n] for n in TRADE_BUILTIN_NAMES}


def builtin_futures() -> dict[str, Scenario]:
    """The built-in futures of the outlook (external drivers only), by name.

    ``baseline``
        Committed policy. Netherlands: the adopted 2026 budget (defence budget +14.5%, the
        defence equipment fund's EUR 13.53 bn), then defence spending rises linearly to 3.5% of
        GDP in 2035 (NATO The Hague; an assumed path: the years after 2026 are not budgeted).
        Europe: EU defence spending rises linearly from 2.1% of GDP (2025, EDA) to 3.5% in
        2035 (procurement +8-10% a year).
    ``european_surge``
        As ``baseline`` for the Netherlands; Europe front-loads: ReArm Europe's escape clause
        used in full (3.4% of GDP by 2028, procurement +19-25% a year in 2026-2028, close to
        2019-2025), then 3.5% by 2035.
    ``slower_path``
        The commitments slip: the Netherlands keeps the adopted 2026 budget and holds that
        share of GDP; EU spending rises only to 2.8% of GDP by 2035.
    ``constant_gdp_shares``
        The low case: Dutch and European defence spending stay at their 2025 shares of GDP
        (every external driver at its default); no 2026 budget step.

    Nominal GDP grows 3.5% a year, cost inflation is 2.5% a year and the Dutch share of the
    European market follows the estimated market response (no extra trend) in every future.

    Returns
    -------
    dict of str to Scenario
        The futures by name, in the order above (``kind="future"``, with their sources).

    See Also
    --------
    builtin_scenarios : The export share model's scenarios.
    nl_budget_2026 : The adopted 2026 budget behind ``baseline``.
    nldtib_forecast.models.outlook.outlook_builtins : The outlook's policies and futures.

    Examples
    --------
    >>> from nldtib_forecast.models.trade import builtin_futures
    >>> fut = builtin_futures()
    >>> list(fut)
    ['baseline', 'european_surge', 'slower_path', 'constant_gdp_shares']
    >>> fut["baseline"].path("nl_defence_spending_gdp_share", [2025, 2026, 2035]).round(4).tolist()
    [0.025, 0.0277, 0.035]
    >>> fut["baseline"].kind
    'future'
    """
    b = nl_budget_2026()
    s26, m26 = round(float(b["gdp_share_2026"]), 6), round(float(b["materiel_share_2026"]), 6)
    _s24, s25, extra, core = _eu_shares()
    nato = _growth_path({2025: s25, 2035: core})
    surge = _growth_path({2025: s25, 2028: round(_s24 + extra, 6), 2035: core})
    slow = _growth_path({2025: s25, 2035: SLOWER_EU_2035})
    nl_commit = {2026: s26, 2035: core}
    budget_nl = (f"Nederland: de vastgestelde begroting 2026 (defensiebegroting van "
                 f"{eur(b['budget_2025_eur'], scale='bn', decimals=1, lang='nl')} naar "
                 f"{eur(b['budget_2026_eur'], scale='bn', decimals=1, lang='nl')}, "
                 f"+{_nl(b['budget_growth'])}: defensie-uitgaven {_nl(s26, 2)} van het bbp in "
                 f"2026 tegen de waargenomen 2,5%; materieeluitgaven van "
                 f"{eur(b['materiel_2025_eur'], scale='bn', decimals=1, lang='nl')} naar "
                 f"{eur(b['materiel_2026_eur'], scale='bn', decimals=2, lang='nl')}, het "
                 f"Defensiematerieelbegrotingsfonds, dus een materieelaandeel van {_nl(m26)} "
                 "tegen 35%)")
    budget_text = (f"Netherlands: the adopted 2026 budget (defence budget EUR "
                   f"{b['budget_2025_eur'] / 1e9:.1f} bn -> {b['budget_2026_eur'] / 1e9:.1f} bn, "
                   f"+{b['budget_growth']:.1%}: defence spending {s26:.2%} of GDP in 2026 from "
                   f"the observed 2.5%; materiel spending EUR {b['materiel_2025_eur'] / 1e9:.1f}"
                   f" bn -> {b['materiel_2026_eur'] / 1e9:.2f} bn, the equipment fund, i.e. a "
                   f"materiel share of {m26:.1%} from 35%)")
    out = {
        "baseline": Scenario(
            "baseline",
            {"eu_procurement_growth": nato, "nl_defence_spending_gdp_share": nl_commit,
             "nl_materiel_share": {2026: m26}},
            "Committed policy. " + budget_text + f", then a linear rise to {core:.1%} of GDP in "
            "2035 (NATO The Hague; the years after 2026 are an assumed path, not a budget). "
            f"Europe: EU defence spending from {s25:.1%} of GDP (2025, EDA) linearly to "
            f"{core:.1%} in 2035 with a constant equipment share (procurement +8-10% a year).",
            _SOURCES_BUDGET + _SOURCES_NL + _SOURCES_EU, kind="future",
            description_nl=(
                "Vastgesteld beleid. " + budget_nl + f", daarna een lineaire stijging naar "
                f"{_nl(core)} van het bbp in 2035 (NAVO-top Den Haag; de jaren na 2026 zijn een "
                f"verondersteld pad, geen begroting). Europa: de defensie-uitgaven in de EU "
                f"stijgen lineair van {_nl(s25)} van het bbp (2025, EDA) naar {_nl(core)} in "
                "2035, met een constant aandeel materieel (aanschaf +8-10% per jaar)."),
            sources_nl=_SOURCES_BUDGET_NL + _SOURCES_NL_NL + _SOURCES_EU_NL),
        "european_surge": Scenario(
            "european_surge",
            {"eu_procurement_growth": surge, "nl_defence_spending_gdp_share": nl_commit,
             "nl_materiel_share": {2026: m26}},
            "European surge. Netherlands as in baseline. Europe front-loads: ReArm Europe's "
            f"national escape clause used in full ({_s24 + extra:.1%} of GDP in 2028; "
            "procurement +19-25% a year in 2026-2028, close to its 2019-2025 pace of 19.5%), "
            f"then {core:.1%} in 2035.",
            _SOURCES_BUDGET + _SOURCES_NL + _SOURCES_EU, kind="future",
            description_nl=(
                "Europese versnelling. Nederland als in het basispad. Europa versnelt aan het "
                "begin: de nationale ontsnappingsclausule van ReArm Europe wordt volledig benut "
                f"({_nl(_s24 + extra)} van het bbp in 2028; aanschaf +19-25% per jaar in "
                "2026-2028, dicht bij het tempo van 19,5% per jaar in 2019-2025), daarna "
                f"{_nl(core)} in 2035."),
            sources_nl=_SOURCES_BUDGET_NL + _SOURCES_NL_NL + _SOURCES_EU_NL),
        "slower_path": Scenario(
            "slower_path",
            {"eu_procurement_growth": slow, "nl_defence_spending_gdp_share": {2026: s26},
             "nl_materiel_share": {2026: m26}},
            "Slower path: the commitments slip. " + budget_text + ", then defence spending "
            f"stays at {s26:.2%} of GDP (no growth beyond the adopted budget). Europe: EU "
            f"defence spending rises only to {SLOWER_EU_2035:.1%} of GDP by 2035 (assumption: "
            "the 2029 NATO review lowers the ambition).",
            _SOURCES_BUDGET + _SOURCES_EU, kind="future",
            description_nl=(
                "Trager pad: de toezeggingen schuiven op. " + budget_nl + ", daarna blijven de "
                f"defensie-uitgaven op {_nl(s26, 2)} van het bbp (geen groei boven de "
                "vastgestelde begroting). Europa: de defensie-uitgaven in de EU stijgen tot "
                f"slechts {_nl(SLOWER_EU_2035)} van het bbp in 2035 (aanname: de evaluatie van "
                "de NAVO in 2029 verlaagt de ambitie)."),
            sources_nl=_SOURCES_BUDGET_NL + _SOURCES_EU_NL),
        "constant_gdp_shares": Scenario(
            "constant_gdp_shares", {},
            "Low case: Dutch and European defence spending and the Dutch materiel share stay at "
            "their 2025 shares of GDP (every external driver at its default; GDP +3.5% a "
            "year); the adopted 2026 budget step is left out.",
            ("Driver defaults: nldtib_forecast.scenarios.drivers().",), kind="future",
            description_nl=(
                "Laag scenario: de Nederlandse en Europese defensie-uitgaven en het Nederlandse "
                "materieelaandeel blijven op hun aandelen van 2025 (elke externe factor op zijn "
                "standaardwaarde; bbp +3,5% per jaar); de stap van de vastgestelde begroting "
                "2026 blijft buiten beschouwing."),
            sources_nl=("Standaardwaarden van de factoren: "
                        "nldtib_forecast.scenarios.drivers().",)),
    }
    return {n: out[n] for n in FUTURE_NAMES}


# Registered by name and kind; the scenarios are built from the embedded data when first used
# (scenarios.register_builtins), so importing this module reads no data.
register_builtins(builtin_scenarios, TRADE_BUILTIN_NAMES, kind="future", model="trade")
register_builtins(builtin_futures, FUTURE_NAMES, kind="future", model="trade",
                  default_grid=True)
