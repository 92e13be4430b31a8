"""Drivers and combined built-in scenarios of the outlook model (private).

Importing this module (which :mod:`nldtib_forecast.models.outlook` does) registers the three
outlook drivers (model ``"outlook"``) and the combined built-in scenarios
``eu_surge_current`` and ``nl_35_improved`` (by name: they are built from the capacity and
trade built-ins when first used, :func:`~nldtib_forecast.scenarios.register_builtins`). The
core ``current_conditions`` and ``improved_conditions`` scenarios of
:func:`nldtib_forecast.scenarios.builtin` complete the outlook's default set
(:data:`OUTLOOK_SCENARIOS`): drivers a scenario does not set keep their registry defaults, so
every scenario is usable for every sub-model.
"""

from __future__ import annotations

# the other families' providers first, so that their drivers are registered before the
# outlook's (the registry lists drivers in registration order)
from nldtib_forecast.models.capacity.drivers import improved_paths
from nldtib_forecast.models.trade.drivers import builtin_scenarios as _trade_builtins
from nldtib_forecast.scenarios import Driver, Scenario, register_builtins, register_driver

__all__ = ["OUTLOOK_DRIVERS", "OUTLOOK_SCENARIOS", "outlook_builtins"]

#: The outlook's default scenarios, in display order.
OUTLOOK_SCENARIOS: tuple[str, ...] = ("current_conditions", "improved_conditions",
                                      "eu_surge_current", "nl_35_improved")

OUTLOOK_DRIVERS: tuple[Driver, ...] = (
    Driver(
        name="cost_inflation", unit="fraction per year", lower=-0.2, upper=0.5,
        default=0.025, model="outlook", kind="external",
        description="Annual growth of the unit costs of NLDTIB D&S production (wages, "
                    "materials, energy). Passed on to D&S prices at the estimated pass-through.",
        source="CBS (load_nl_macro): CPI inflation 3.3% in 2024 and 2025, 1.5% a year on "
               "average 2014-2021; ECB medium-term target 2%. 2.5% a year (the 2% target plus "
               "0.5 pp for the labour-intensive, wage-driven cost base of the sector) is an "
               "assumption.",
        source_nl="CBS (load_nl_macro): inflatie (cpi) 3,3% in 2024 en 2025, gemiddeld 1,5% "
                  "per jaar in 2014-2021; doelstelling van de ECB op middellange termijn 2%. "
                  "2,5% per jaar (de doelstelling van 2% plus 0,5 procentpunt voor de "
                  "arbeidsintensieve, door lonen bepaalde kosten van de sector) is een aanname.",
    ),
    Driver(
        name="capacity_pressure_markup", unit="fraction per unit of excess demand",
        lower=0.0, upper=2.0, default=0.0, model="outlook", kind="external", level=True,
        description="Extra price growth in year t per unit of the previous year's excess "
                    "demand ratio max(0, demand / capacity - 1): prices respond to shortages "
                    "with a one-year lag. 0 switches the response off.",
        source="L26: no disproportionate price increases; the pass-through margin test on the "
               "survey (price change minus cost change) is negative. The default 0 follows "
               "this; positive values are a sensitivity (assumption).",
        source_nl="L26: geen onevenredige prijsstijgingen; de margetoets op de "
                  "doorberekening in de enquête (prijsverandering min kostenverandering) is "
                  "negatief. De standaardwaarde 0 volgt daaruit; positieve waarden zijn een "
                  "gevoeligheidsanalyse (aanname).",
    ),
    Driver(
        name="domestic_priority", unit="fraction", lower=0.0, upper=1.0, default=0.0,
        model="outlook", kind="lever", level=True,
        description="How a capacity shortage is shared between domestic and export customers: "
                    "0 = in proportion to their demand, 1 = domestic demand served first "
                    "(security of supply), values in between mix the two.",
        source="Assumption. No published figure; the Defence Strategy for Industry and "
               "Innovation stresses security of supply, which argues for values above 0 as a "
               "scenario.",
        source_nl="Aanname. Er is geen gepubliceerd cijfer; de Defensie Strategie voor "
                  "Industrie en Innovatie benadrukt leveringszekerheid, wat pleit voor waarden "
                  "boven 0 als scenario.",
    ),
)

for _driver in OUTLOOK_DRIVERS:
    register_driver(_driver)


_SOURCES = (
    "L26: letter to parliament of 21 May 2026: scale-up of 33% under current and 67% under "
    "improved conditions; export share 36% in 2025; the Dutch share of the European market "
    "is falling.",
    "Capacity driver levels and phase-in: the scenario registry "
    "(nldtib_forecast.scenarios.drivers('capacity')), assumptions.",
)
_SOURCES_NL = (
    "L26: Kamerbrief van 21 mei 2026: opschaling met 33% onder huidige en met 67% onder "
    "verbeterde omstandigheden; exportaandeel 36% in 2025; het Nederlandse aandeel in de "
    "Europese markt daalt.",
    "Niveaus en invoering van de capaciteitsfactoren: het scenarioregister "
    "(nldtib_forecast.scenarios.drivers('capacity')), aannames.",
)


def outlook_builtins() -> dict[str, Scenario]:
    """The combined built-in scenarios registered by the outlook model.

    ``eu_surge_current``
        the European demand surge of ``eu_rearm`` (ReArm Europe: EU defence spending +1.5%
        of GDP over 2025-2028) with current capacity conditions.
    ``nl_35_improved``
        the Dutch path to 3.5% of GDP (``nl_path_35``) with the capacity drivers of
        ``improved_conditions``.

    Returns
    -------
    dict of str to Scenario
        The two scenarios by name, with their descriptions and sources.

    See Also
    --------
    OUTLOOK_SCENARIOS : The outlook's default scenarios.
    grid_scenarios : Every policy under every future.

    Examples
    --------
    >>> from nldtib_forecast.models.outlook.drivers import outlook_builtins
    >>> scen = outlook_builtins()
    >>> sorted(scen["nl_35_improved"].drivers)
    ['labour_supply_growth', 'nl_defence_spending_gdp_share', 'order_certainty', \
'procurement_lead_time_months']
    """
    trade = _trade_builtins()
    rearm, nl = trade["eu_rearm"], trade["nl_path_35"]
    return {
        "eu_surge_current": Scenario(
            "eu_surge_current", dict(rearm.drivers),
            "European demand surge with current conditions: " + rearm.description
            + " Capacity drivers (order certainty, procurement lead time, labour supply) stay "
            "at current conditions.", rearm.sources + _SOURCES,
            description_nl="Europese vraagpiek bij huidige omstandigheden: "
                           + rearm.description_nl + " De capaciteitsfactoren (orderzekerheid, "
                           "doorlooptijd van aanbestedingen, arbeidsaanbod) blijven op het "
                           "huidige niveau.",
            sources_nl=rearm.sources_nl + _SOURCES_NL),
        "nl_35_improved": Scenario(
            "nl_35_improved", {**dict(nl.drivers), **improved_paths()},
            "The Dutch path to 3.5% of GDP with improved conditions: " + nl.description
            + " Order certainty, procurement lead time and labour supply growth follow their "
            "improved_conditions paths (orders by 2028, procurement by 2029, labour by 2030).",
            nl.sources + _SOURCES,
            description_nl="Het Nederlandse pad naar 3,5% van het bbp bij verbeterde "
                           "omstandigheden: " + nl.description_nl[:1].lower()
                           + nl.description_nl[1:] + " Orderzekerheid, "
                           "doorlooptijd van aanbestedingen en groei van het arbeidsaanbod "
                           "volgen hun pad van verbeterde omstandigheden (de orders in 2028, de "
                           "aanbesteding in 2029, het arbeidsaanbod in 2030).",
            sources_nl=nl.sources_nl + _SOURCES_NL),
    }


# built on first use (scenarios.register_builtins): importing this module reads no data
register_builtins(outlook_builtins, ("eu_surge_current", "nl_35_improved"), kind="scenario",
                  model="outlook")
