"""Drivers and built-in policies of the capacity model (its provider module).

Importing this module registers the capacity model's three levers (model ``"capacity"``) and
its five built-in policies with :mod:`nldtib_forecast.scenarios` (the policies by name: they
are built when first used, :func:`~nldtib_forecast.scenarios.register_builtins`). The scenario
registry finds it through the entry point ``capacity`` of the group ``nldtib_forecast.models``
(``pyproject.toml``), so a scenario file naming these drivers loads without importing the model
first; the model package imports it too.
"""

from __future__ import annotations

from nldtib_forecast.scenarios import Driver, Scenario, register_builtins, register_driver

__all__ = ["CAPACITY_DRIVERS", "CAPACITY_POLICIES", "capacity_policies", "improved_paths"]

#: The capacity model's drivers, all levers with an improved level and a phase-in. The phase-in
#: years are assumptions: framework contracts can be signed within two years, procurement
#: reform takes three, a larger technical labour supply (training pipelines) four.
CAPACITY_DRIVERS: tuple[Driver, ...] = (
    Driver(
        name="order_certainty", unit="fraction", lower=0.0, upper=1.0, default=0.30,
        improved=0.65, model="capacity", kind="lever", level=True, phase_in=(2026, 2028),
        description="Share of expected D&S demand covered by firm multi-year orders or "
                    "framework contracts (0..1).",
        source="L26 names uncertainty about order volumes as the first barrier to scaling up; "
               "B24 p.47 names contract certainty. The Defensienota 2024 and the Defence "
               "Strategy for Industry and Innovation (D-SII) announce more long-term contracts "
               "and strategic partnerships. No published figure measures the share: 0.30 "
               "(current) and 0.65 (improved) are assumptions.",
        source_nl="L26 noemt onzekerheid over ordervolumes als eerste belemmering om op te "
                  "schalen; B24 (blz. 47) noemt zekerheid over contracten. De Defensienota 2024 "
                  "en de Defensie Strategie voor Industrie en Innovatie (D-SII) kondigen meer "
                  "langjarige contracten en strategische partnerschappen aan. Geen gepubliceerd "
                  "cijfer meet dit aandeel: 30% (huidig) en 65% (verbeterd) zijn aannames.",
    ),
    Driver(
        name="procurement_lead_time_months", unit="months", lower=1.0, upper=120.0,
        default=30.0, improved=12.0, model="capacity", kind="lever", level=True,
        phase_in=(2026, 2029),
        description="Time from a demand signal to a signed contract, in months.",
        source="L26 names complex and long procurement procedures as a barrier; B24 p.47 "
               "names bureaucracy. Dutch MoD projects from EUR 50 m follow the phased Defence "
               "Materiel Process (DMP: requirement, preliminary study, study, procurement "
               "preparation), each phase reported to parliament. 30 months (current, within a "
               "typical 12-36 month range) and 12 months (improved) are assumptions.",
        source_nl="L26 noemt complexe en lange aanbestedingsprocedures als belemmering; B24 "
                  "(blz. 47) noemt bureaucratie. Projecten van Defensie vanaf € 50 mln. "
                  "doorlopen het Defensie Materieelproces (DMP: behoeftestelling, voorstudie, "
                  "studie, voorbereiding van de verwerving), met voor elke fase een brief aan "
                  "de Kamer. 30 maanden (huidig, binnen een gebruikelijke bandbreedte van 12 "
                  "tot 36 maanden) en 12 maanden (verbeterd) zijn aannames.",
    ),
    Driver(
        name="labour_supply_growth", unit="fraction per year", lower=-0.2, upper=0.2,
        default=0.01, improved=0.03, model="capacity", kind="lever", phase_in=(2026, 2030),
        description="Annual growth of the technical labour available to the sector.",
        source="L26 names labour as a barrier; BT25 p.19: 42% of firms report access to staff "
               "as a barrier; UWV's labour-market tension indicator ranks technical "
               "occupations (engineers, electricians, mechanics) among the tightest. 1% a year "
               "(current, close to recent growth of the Dutch labour force) and 3% (improved: "
               "training, recruitment abroad, retention) are assumptions.",
        source_nl="L26 noemt arbeidskrachten als belemmering; BT25 (blz. 19): 42% van de "
                  "bedrijven noemt de beschikbaarheid van personeel een belemmering; volgens de "
                  "spanningsindicator van het UWV horen technische beroepen (ingenieurs, "
                  "elektriciens, monteurs) bij de krapste. 1% per jaar (huidig, dicht bij de "
                  "recente groei van de Nederlandse beroepsbevolking) en 3% (verbeterd: "
                  "opleiding, werving in het buitenland, behoud van personeel) zijn aannames.",
    ),
)

for _driver in CAPACITY_DRIVERS:
    register_driver(_driver)

#: Names of the capacity model's built-in policies, in display order (after
#: ``current_conditions``, the scenario registry's own).
CAPACITY_POLICIES: tuple[str, ...] = ("improved_conditions", "orders_only", "procurement_only",
                                      "labour_only", "labour_squeeze")

_SOURCES = (
    "L26: letter to parliament of 21 May 2026 (DGBI/105727106): firms can scale up turnover "
    "by 33% under current conditions and 67% when conditions improve; barriers named: order "
    "volume uncertainty, complex and long procurement procedures, labour.",
    "Driver levels and phase-in years: assumptions documented in the driver registry "
    "(nldtib_forecast.scenarios.drivers()).",
)
_SOURCES_NL = (
    "L26: Kamerbrief van 21 mei 2026 (kenmerk DGBI/105727106): bedrijven kunnen hun omzet "
    "onder de huidige omstandigheden met 33% opschalen en met 67% als de omstandigheden "
    "verbeteren; genoemde belemmeringen: onzekerheid over ordervolumes, complexe en lange "
    "aanbestedingsprocedures, arbeidskrachten.",
    "Niveaus van de factoren en jaren van invoering: aannames, vastgelegd in het register van "
    "factoren (nldtib_forecast.scenarios.drivers()).",
)


def improved_paths() -> dict[str, dict[int, float]]:
    """The paths of the three levers in ``improved_conditions``.

    Returns
    -------
    dict of str to dict of int to float
        Driver name (``order_certainty``, ``procurement_lead_time_months``,
        ``labour_supply_growth``) to its path ``{year: value}`` (in the driver's unit), from
        :meth:`Driver.improved_path <nldtib_forecast.scenarios.Driver.improved_path>`.

    See Also
    --------
    capacity_policies : The built-in policies built from these paths.

    Examples
    --------
    >>> improved_paths()["order_certainty"]
    {2026: 0.3, 2028: 0.65}
    """
    return {d.name: d.improved_path() for d in CAPACITY_DRIVERS}


def capacity_policies() -> dict[str, Scenario]:
    """The capacity model's built-in policies (:data:`CAPACITY_POLICIES`), by name.

    ``improved_conditions``
        all three capacity drivers move from their current to their improved level, phased in
        linearly (``Driver.phase_in``): the conditions behind the 67% of L26.
    ``orders_only``, ``procurement_only``, ``labour_only``
        one measure at a time, with the same path as in ``improved_conditions``.
    ``labour_squeeze``
        downside: technical labour supply shrinks by 1% a year from 2027 (e.g. ageing and
        competition for technicians from the energy transition), other drivers current.

    Returns
    -------
    dict of str to Scenario
        The policies by name, in the order above (``kind="policy"``, with their sources).

    See Also
    --------
    improved_paths : The driver paths of ``improved_conditions``.
    nldtib_forecast.scenarios.policies : Every registered policy, of every model.

    Examples
    --------
    >>> list(capacity_policies())
    ['improved_conditions', 'orders_only', 'procurement_only', 'labour_only', 'labour_squeeze']
    """
    paths = improved_paths()
    out = {"improved_conditions": Scenario(
        "improved_conditions", paths,
        "Improved conditions: order certainty, procurement lead time and labour supply "
        "growth move from their current to their improved levels, phased in linearly from "
        "2026 (orders by 2028, procurement by 2029, labour by 2030). Firms report a possible "
        "scale-up of 67% under improved conditions (L26).",
        _SOURCES, kind="policy",
        description_nl="Verbeterde omstandigheden: orderzekerheid, doorlooptijd van "
                       "aanbestedingen en groei van het technisch arbeidsaanbod gaan vanaf 2026 "
                       "geleidelijk van hun huidige naar hun verbeterde niveau (de orders in "
                       "2028, de aanbesteding in 2029, het arbeidsaanbod in 2030). Onder "
                       "verbeterde omstandigheden kunnen bedrijven naar eigen zeggen hun omzet "
                       "met 67% opschalen (L26).",
        sources_nl=_SOURCES_NL)}
    single = {
        "orders_only": ("order_certainty", "Firm orders and framework contracts only",
                        "Alleen vaste orders en raamcontracten: de orderzekerheid"),
        "procurement_only": ("procurement_lead_time_months", "Faster procurement only",
                             "Alleen snellere aanbesteding: de doorlooptijd van "
                             "aanbestedingen"),
        "labour_only": ("labour_supply_growth", "Larger technical labour supply only",
                        "Alleen een groter technisch arbeidsaanbod: de groei van het "
                        "technisch arbeidsaanbod"),
    }
    for name, (driver, title, dutch) in single.items():
        out[name] = Scenario(
            name, {driver: paths[driver]},
            f"{title}: {driver} follows its improved_conditions path, the other drivers stay at "
            "current conditions.", _SOURCES, kind="policy",
            description_nl=f"{dutch} volgt het pad van verbeterde omstandigheden; de andere "
                           "factoren blijven op het huidige niveau.",
            sources_nl=_SOURCES_NL)
    out["labour_squeeze"] = Scenario(
        "labour_squeeze", {"labour_supply_growth": {2026: 0.01, 2027: -0.01}},
        "Downside: the technical labour available to the sector shrinks by 1% a year from 2027 "
        "(ageing, competition for technicians from other sectors); other drivers at current "
        "conditions. The -1% is an assumption.", _SOURCES, kind="policy",
        description_nl="Neerwaarts risico: het technisch personeel dat voor de sector "
                       "beschikbaar is, krimpt vanaf 2027 met 1% per jaar (vergrijzing, "
                       "concurrentie om technici met andere sectoren); de andere factoren "
                       "blijven op het huidige niveau. De krimp van 1% per jaar is een "
                       "aanname.",
        sources_nl=_SOURCES_NL)
    return {n: out[n] for n in CAPACITY_POLICIES}


# built on first use (scenarios.register_builtins): importing this module builds no scenario
register_builtins(capacity_policies, CAPACITY_POLICIES, kind="policy", model="capacity",
                  default_grid=True)
