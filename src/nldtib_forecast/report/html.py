"""The self-contained HTML report of ``nldtib-forecast run`` and ``report`` (private).

One file, no external resources: inline CSS (with a print layout, so that "print to PDF" gives
a clean document), PNG charts as base64 ``data:`` URIs, no JavaScript. Every text goes
through :func:`html.escape`, so strings from scenario or survey files (descriptions, sources,
names) cannot inject markup.

What a reader sees is written for people: every identifier of a variable, driver, scenario,
policy or future is shown by its label (:func:`_label`, the one place labels come from) and
kept for machines in the ``data-id`` and ``title`` attributes of its element; every number is
formatted by its unit (:mod:`nldtib_forecast._format`); a missing value is an em dash, with a
legend under the table.

The page is written in English or in Dutch (``render_html(..., lang="nl")``, ``--lang nl``):
labels come from the registry :mod:`nldtib_forecast.labels` in that language, numbers in its
formats (``€ 9,86 mld.``, ``+€ 202,4 mln.``, ``36,2%``), and the page's own sentences from
:data:`_TEXT`, where both languages stand side by side. The Dutch is written for the
ministry's own readers in the words of the letter to parliament of 21 May 2026
(*D&S-omzet*, *opschalen*, *huidige* and *verbeterde omstandigheden*), not translated word by
word. Texts that come with the data have their Dutch next to their English: the audit's notes
(:func:`~nldtib_forecast.data.audit_published`, ``lang="nl"``), the sentence on the binding
constraint, the scenarios' and drivers' descriptions and sources (``description_nl``,
``sources_nl``, ``Driver.source_nl``), the data sources and the models' technical descriptions
(:mod:`nldtib_forecast.report.dutch_texts`). What has no Dutch (a user's scenario file
without ``description_nl``, the original title of an English-language publication) is shown
as written inside an element with ``lang="en"``, and the page says so once.
"""

from __future__ import annotations

import base64
import html
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import pandas as pd

from nldtib_forecast._format import (
    BILLION,
    DASH,
    count,
    eur,
    format_value,
    is_missing,
    number,
    percent,
    percentage_points,
    unit_kind,
)
from nldtib_forecast._version import __version__
from nldtib_forecast.report import dutch_texts

# --------------------------------------------------------------------------------- labels
#: Words of an identifier written otherwise in a label (the fallback of :func:`_label`).
_WORDS = {"eur": "EUR", "fte": "FTE", "gdp": "GDP", "eu": "EU", "nl": "NL", "ds": "D&S",
          "nato": "NATO", "rd": "R&D", "oem": "OEM", "pe": "PE", "nld": "NLD", "mod": "MoD",
          "ict": "ICT", "sme": "SME", "vs": "vs"}


def _registry() -> Callable[..., object] | None:
    """``nldtib_forecast.labels.label`` when the package has it, else None."""
    try:
        module = importlib.import_module("nldtib_forecast.labels")
    except ImportError:
        return None
    found = getattr(module, "label", None)
    return found if callable(found) else None


_REGISTRY = _registry()
#: The scenarios of the page being written (:func:`scenario_labels`): their own labels
#: (``label_en``, ``label_nl``) come before the registry's.
_SCENARIOS: ContextVar[Mapping[str, object] | None] = ContextVar("_SCENARIOS", default=None)


@contextmanager
def scenario_labels(scenarios: Mapping[str, object] | None) -> Iterator[None]:
    """Within the block, :func:`_label` (the page and the charts) shows the scenarios of
    ``scenarios`` (a run's, with those of a user's file) by their own labels."""
    token = _SCENARIOS.set(dict(scenarios) if scenarios else None)
    try:
        yield
    finally:
        _SCENARIOS.reset(token)


def _registry_text(identifier: str, lang: str, **options: object) -> str | None:
    """The registry's label of ``identifier`` (None when it has none); a scenario of the page
    by its own label first."""
    if _REGISTRY is None:
        return None
    scenarios = _SCENARIOS.get()
    if scenarios and not options.get("long"):
        options = {**options, "scenarios": scenarios}
    try:
        found = _REGISTRY(identifier, lang=lang, strict=False, **options)
    except (ValueError, LookupError, TypeError):
        return None
    return found if isinstance(found, str) and found and found != identifier else None


def _fallback_label(identifier: str) -> str:
    """A readable label made from an identifier: underscores to spaces, capitalised, a
    trailing ``_eur`` dropped (the unit is shown beside it), abbreviations in capitals."""
    words = [w for w in identifier.split("_") if w]
    if len(words) > 1 and words[-1].lower() == "eur":
        words = words[:-1]
    text = " ".join(_WORDS.get(w.lower(), w) for w in words) or identifier
    return text[:1].upper() + text[1:]


def _label(identifier: object, lang: str = "en") -> str:
    """The label a reader sees for an identifier (variable, driver, scenario, policy, future,
    indicator): from the registry :func:`nldtib_forecast.labels.label` when it knows it, else
    readable text made from the identifier. A grid scenario ``future/policy`` is labelled
    part by part (``Baseline / Improved conditions``)."""
    text = str(identifier)
    found = _registry_text(text, lang)
    if found is not None:
        return found
    if "/" in text:
        return " / ".join(_label(part, lang) for part in text.split("/"))
    if "=" in text:  # a category, e.g. nld_area=space
        key, _, value = text.partition("=")
        return f"{_label(key, lang)}: {_label(value, lang).lower()}"
    return _fallback_label(text)


def _definition(identifier: object, lang: str = "en") -> str:
    """The one-sentence definition of an identifier from the registry, or ``""``."""
    text = str(identifier)
    found = _registry_text(text, lang, long=True)
    return found if found is not None and found != _label(text, lang) else ""


#: Unit labels of the fallback (``nldtib_forecast.labels.unit_label`` when present).
_UNITS = {"eur": "EUR", "fraction": "%", "share": "%", "fraction per year": "% a year",
          "fte": "FTE", "firms": "firms", "months": "months", "index": "index"}


def _unit_label(unit: object, lang: str = "en") -> str:
    """The label of a unit (``EUR``, ``%``, ``% a year``, ``FTE``, ...)."""
    text = str(unit or "")
    try:
        module = importlib.import_module("nldtib_forecast.labels")
        found = module.unit_label(text, lang)
    except (ImportError, AttributeError, KeyError, LookupError, ValueError, TypeError):
        found = None
    if isinstance(found, str) and found:
        return found
    return _UNITS.get(text.strip().lower(), text) if lang == "en" else text


# --------------------------------------------------------------------------------- wording
#: The page's own sentences and headings, by key: ``{"en": ..., "nl": ...}``, formatted with
#: :meth:`str.format` (:func:`_t`); the texts hold HTML where the page needs markup.
_TEXT: dict[str, dict[str, str]] = {
    # the page
    "title_run": {"en": "NLDTIB scenario run", "nl": "NLDTIB-scenarioberekening"},
    "title_report": {"en": "NLDTIB outlook report", "nl": "NLDTIB-verkenning"},
    "banner": {
        "en": "SYNTHETIC DATA: the survey in this report is a synthetic firm-level panel "
              "calibrated to the published NLDTIB figures, not the confidential survey "
              "microdata. Model results are illustrations of the method, not estimates.",
        "nl": "SYNTHETISCHE GEGEVENS: de enquête in dit rapport is een synthetisch paneel van "
              "bedrijven, afgestemd op de gepubliceerde NLDTIB-cijfers, en niet de "
              "vertrouwelijke enquêtegegevens van de bedrijven zelf. De modeluitkomsten laten "
              "zien hoe de methode werkt; het zijn geen ramingen."},
    "nav_effects": {"en": "Policy effects", "nl": "Beleidseffecten"},
    "nav_summary": {"en": "Summary", "nl": "Samenvatting"},
    "nav_charts": {"en": "Fan charts", "nl": "Waaiergrafieken"},
    "nav_waterfall": {"en": "Price, volume and net entry",
                      "nl": "Prijs, volume en netto toetreding"},
    "nav_headline": {"en": "Survey figures", "nl": "Enquêtecijfers"},
    "nav_audit": {"en": "Published figures audit", "nl": "Controle gepubliceerde cijfers"},
    "nav_scenarios": {"en": "Scenarios", "nl": "Scenario's"},
    "nav_assumptions": {"en": "Assumptions", "nl": "Aannames"},
    "nav_sources": {"en": "Data sources", "nl": "Bronnen"},
    "nav_provenance": {"en": "Reproducibility", "nl": "Reproduceerbaarheid"},
    # the run at a glance
    "meta_library": {"en": "Library", "nl": "Programmatuur"},
    "meta_policies": {"en": "Policies", "nl": "Beleidsvarianten"},
    "meta_futures": {"en": "Futures", "nl": "Omgevingsscenario's"},
    "meta_scenarios": {"en": "Scenarios", "nl": "Scenario's"},
    "meta_scenario_file": {"en": "Scenario file", "nl": "Scenariobestand"},
    "meta_builtin": {"en": "built-in scenarios", "nl": "ingebouwde scenario's"},
    "meta_survey": {"en": "Survey data", "nl": "Enquêtegegevens"},
    "meta_seed": {"en": "Seed", "nl": "Startwaarde (seed)"},
    "meta_draws": {"en": "Monte Carlo draws", "nl": "Aantal trekkingen"},
    "meta_draws_value": {"en": "{n} per scenario", "nl": "{n} per scenario"},
    "meta_hash": {"en": "Survey data hash", "nl": "Vingerafdruk enquête"},
    # which constraint binds
    "binding_h2": {"en": "Which limit binds in {year}: demand or capacity",
                   "nl": "Wat begrenst de omzet in {year}: vraag of capaciteit"},
    "binding_intro": {
        "en": "<p>In most of the simulated outcomes. Where <b>capacity</b> binds, firms could "
              "sell more than they can make, so measures that raise capacity (order "
              "certainty, faster procurement, more technical staff) add turnover. Where "
              "<b>demand</b> binds, firms can make more than is ordered, and those measures "
              "add little.</p><ul>",
        "nl": "<p>Zo is het in de meeste gesimuleerde uitkomsten. Waar de <b>capaciteit</b> "
              "knelt, kunnen bedrijven meer verkopen dan zij kunnen maken; maatregelen die "
              "de capaciteit vergroten (orderzekerheid, snellere aanbesteding, meer "
              "technisch personeel) leveren dan extra omzet op. Waar de <b>vraag</b> knelt, "
              "kunnen bedrijven meer maken dan er besteld wordt en voegen die maatregelen "
              "weinig toe.</p><ul>"},
    "binding_all_capacity": {"en": "capacity limits turnover under every policy.",
                             "nl": "de capaciteit begrenst de omzet bij elke "
                                   "beleidsvariant."},
    "binding_all_demand": {"en": "demand limits turnover under every policy.",
                           "nl": "de vraag begrenst de omzet bij elke beleidsvariant."},
    "binding_mixed": {"en": "capacity limits turnover under {cap}; demand under {dem}.",
                      "nl": "de capaciteit begrenst de omzet bij {cap}; de vraag bij "
                            "{dem}."},
    "binding_capacity": {"en": "Capacity limits turnover under {names}.",
                         "nl": "De capaciteit begrenst de omzet bij {names}."},
    "binding_demand": {"en": "Demand limits turnover under {names}.",
                       "nl": "De vraag begrenst de omzet bij {names}."},
    "binding_more": {
        "en": '<p class="legend">Year by year in <a href="#constraints">Which constraint '
              "binds when</a> and <code>constraints.csv</code>.</p></section>",
        "nl": '<p class="legend">Per jaar in <a href="#constraints">Vraag of capaciteit: '
              "wat begrenst de omzet wanneer</a> en in <code>constraints.csv</code>.</p>"
              "</section>"},
    # policy effects
    "effects_h2": {"en": "What better conditions add: policy effects per future",
                   "nl": "Wat betere omstandigheden opleveren: beleidseffecten per "
                         "omgevingsscenario"},
    "effects_intro": {
        "en": "<p>Each row: how much more <span{ids}>D&amp;S turnover, in constant base-year "
              "prices,</span> a policy gives than current conditions, in the same future, "
              "computed draw by draw on common random numbers: the median of the difference, "
              "its {lv} interval in brackets, and the share of draws in which the policy "
              "gives more. A future is a path of budgets, markets and prices the government "
              "does not set; a policy moves the levers it does set (order certainty, "
              "procurement lead time, labour supply). Every variable is in "
              "<code>policy_effects.csv</code>.</p>",
        "nl": "<p>Per rij: hoeveel meer <span{ids}>D&amp;S-omzet, in constante prijzen van "
              "het basisjaar,</span> een beleidsvariant oplevert dan de huidige "
              "omstandigheden, binnen hetzelfde omgevingsscenario. Het verschil is per "
              "trekking berekend, met dezelfde toevalsgetallen voor beide: de mediaan van "
              "het verschil, het {lv}-interval tussen haakjes en het aandeel van de "
              "trekkingen waarin de beleidsvariant meer oplevert. Een omgevingsscenario is "
              "een pad van begrotingen, markten en prijzen dat het beleid in "
              "deze verkenning als gegeven neemt; een beleidsvariant verschuift de knoppen "
              "waar dat beleid wél aan draait (orderzekerheid, doorlooptijd van "
              "aanbestedingen, arbeidsaanbod). Alle variabelen staan in "
              "<code>policy_effects.csv</code>.</p>"},
    "effects_gain": {"en": "more in {p} of draws", "nl": "meer in {p} van de trekkingen"},
    "col_future": {"en": "Future", "nl": "Omgevingsscenario"},
    "col_policy": {"en": "Policy", "nl": "Beleidsvariant"},
    "col_scenario": {"en": "Scenario", "nl": "Scenario"},
    "col_year_median": {"en": "{y}: median ({lv} interval)",
                        "nl": "{y}: mediaan ({lv}-interval)"},
    "constraints_h3": {"en": "Which constraint binds when",
                       "nl": "Vraag of capaciteit: wat begrenst de omzet wanneer"},
    "constraints_intro": {
        "en": "<p>Year by year, in most draws: <b>capacity</b> limits turnover when firms "
              "cannot make all that is ordered, <b>demand</b> when they could make more.</p>",
        "nl": "<p>Per jaar, in de meeste trekkingen: de <b>capaciteit</b> begrenst de omzet "
              "als bedrijven niet alles kunnen maken wat besteld wordt, de <b>vraag</b> als "
              "zij meer zouden kunnen maken.</p>"},
    "col_binds": {"en": "Which limit binds", "nl": "Wat begrenst de omzet"},
    "range": {"en": "{low} to {high}", "nl": "{low} tot {high}"},
    # summary
    "summary_h2": {"en": "Summary: median and {lv} interval in {years}",
                   "nl": "Samenvatting: mediaan en {lv}-interval in {years}"},
    "summary_intro": {
        "en": "<p>Medians over the Monte Carlo draws with the central {lv} interval in "
              "brackets. All variables are in <code>summary.csv</code> and "
              "<code>results.csv</code>.</p>",
        "nl": "<p>Medianen over de Monte-Carlotrekkingen, met het centrale {lv}-interval "
              "tussen haakjes. Alle variabelen staan in <code>summary.csv</code> en "
              "<code>results.csv</code>.</p>"},
    "summary_none": {"en": "<p>The results do not reach the summary years.</p>",
                     "nl": "<p>De uitkomsten reiken niet tot de jaren van de "
                           "samenvatting.</p>"},
    "summary_grid": {"en": "Median and {lv} interval in {years}, per policy (rows) and "
                           "future (columns).",
                     "nl": "Mediaan en {lv}-interval in {years}, per beleidsvariant (rijen) "
                           "en omgevingsscenario (kolommen)."},
    # charts
    "charts_h2": {"en": "Fan charts", "nl": "Waaiergrafieken"},
    "charts_intro": {
        "en": "<p>Median (line) and 50%, 80% and 95% intervals (shaded, darker is more "
              "likely), one panel per future or scenario, all panels of a chart on the same "
              "scale.</p>",
        "nl": "<p>Mediaan (lijn) en 50%-, 80%- en 95%-interval (gearceerd: hoe donkerder, "
              "hoe waarschijnlijker), één paneel per omgevingsscenario of scenario, alle "
              "panelen van een grafiek op dezelfde schaal.</p>"},
    "file": {"en": "file", "nl": "bestand"},
    # price, volume and net entry
    "waterfall_h2": {"en": "Price, volume and net entry",
                     "nl": "Prijs, volume en netto toetreding"},
    "waterfall_intro": {
        "en": "<p>Contributions to nominal growth of D&amp;S turnover per year. Cells with too "
              "few firms or dominated by one or two firms are suppressed.</p>",
        "nl": "<p>Bijdragen aan de nominale groei van de D&amp;S-omzet per jaar. Cellen met "
              "te weinig bedrijven of waarin één of twee bedrijven de doorslag geven, zijn "
              "afgeschermd.</p>"},
    "waterfall_none": {"en": "<p>Not available for this survey (see the notes above).</p>",
                       "nl": "<p>Niet beschikbaar voor deze enquête (zie de opmerkingen "
                             "hierboven).</p>"},
    "dec_legend": {
        "en": '<p class="legend">Contributions in percentage points of the previous year\'s '
              "turnover: price + volume + entrants + exits = nominal growth (exits are "
              "negative: the turnover of firms that left). &mdash; no value.</p>",
        "nl": '<p class="legend">Bijdragen in procentpunten van de omzet van het voorgaande '
              "jaar: prijs + volume + toetreders + uittreders = nominale groei (uittreders "
              "zijn negatief: de omzet van bedrijven die de NLDTIB hebben verlaten). "
              "&mdash; geen waarde.</p>"},
    "dec_h3": {"en": "Respondents and disclosure", "nl": "Respondenten en geheimhouding"},
    "col_year": {"en": "Year", "nl": "Jaar"},
    "col_disclosure": {"en": "Disclosure", "nl": "Geheimhouding"},
    "suppressed": {"en": "suppressed", "nl": "afgeschermd"},
    "missing_legend": {
        "en": '<p class="legend">&mdash; no value: not applicable, not estimated or not '
              "published; <em>suppressed</em>: withheld by the disclosure rules.</p>",
        "nl": '<p class="legend">&mdash; geen waarde: niet van toepassing, niet geschat of '
              "niet gepubliceerd; <em>afgeschermd</em>: niet getoond op grond van de "
              "geheimhoudingsregels.</p>"},
    # survey figures
    "headline_h2": {"en": "Survey figures (disclosure-controlled)",
                    "nl": "Enquêtecijfers (getoetst op geheimhouding)"},
    "headline_intro": {
        "en": "<p>The survey figures of the 2026 letter recomputed from the survey microdata, "
              "with 95% intervals. Figures failing the disclosure rules (at least 10 firms, "
              "no two firms above 85%) are suppressed.</p>",
        "nl": "<p>De enquêtecijfers uit de Kamerbrief van 2026, opnieuw berekend uit de "
              "microdata van de enquête, met 95%-intervallen. Cijfers die niet aan de "
              "geheimhoudingsregels voldoen (ten minste 10 bedrijven, de twee grootste "
              "bedrijven samen niet boven 85%) zijn afgeschermd.</p>"},
    "col_figure": {"en": "Figure", "nl": "Cijfer"},
    "col_category": {"en": "Category", "nl": "Categorie"},
    "col_estimate": {"en": "Estimate", "nl": "Schatting"},
    "col_interval95": {"en": "95% interval", "nl": "95%-interval"},
    "col_published_l26": {"en": "Published (L26)", "nl": "Gepubliceerd (L26)"},
    # audit
    "audit_h2": {"en": "Published figures audit", "nl": "Controle van de gepubliceerde cijfers"},
    "audit_counts": {
        "en": "<p>{ok} checks consistent, {bad} inconsistent (the published figures do not "
              "add up within the tolerance; all checks are in <code>audit.csv</code>).</p>",
        "nl": "<p>{ok} controles kloppen, {bad} kloppen niet (de gepubliceerde cijfers tellen "
              "binnen de afrondingsmarge niet op; alle controles staan in "
              "<code>audit.csv</code>, met de toelichting in het Engels voor "
              "programma's, en in het werkboek in het Nederlands).</p>"},
    "col_check": {"en": "Check", "nl": "Controle"},
    "col_published": {"en": "Published", "nl": "Gepubliceerd"},
    "col_recomputed": {"en": "Recomputed", "nl": "Herberekend"},
    "col_difference": {"en": "Difference", "nl": "Verschil"},
    "col_meaning": {"en": "What it means", "nl": "Toelichting"},
    # scenarios
    "scenarios_h2": {"en": "Scenarios", "nl": "Scenario's"},
    "scenarios_intro": {
        "en": "<p>Drivers a scenario does not set stay at their default (current "
              "conditions). Paths are interpolated linearly between the given years.</p>",
        "nl": "<p>Factoren die een scenario niet vastlegt, blijven op hun standaardwaarde "
              "(huidige omstandigheden). Tussen de opgegeven jaren verlopen de paden "
              "lineair.</p>"},
    "kind_policy": {"en": "Policies", "nl": "Beleidsvarianten"},
    "kind_future": {"en": "Futures", "nl": "Omgevingsscenario's"},
    "kind_scenario": {"en": "Scenarios", "nl": "Scenario's"},
    "col_driver": {"en": "Driver", "nl": "Factor"},
    "col_unit": {"en": "Unit", "nl": "Eenheid"},
    "col_setting": {"en": "Setting (year: value)", "nl": "Instelling (jaar: waarde)"},
    "col_default": {"en": "Default", "nl": "Standaard"},
    "all_default": {"en": "<p><em>Every driver at its default (current conditions).</em></p>",
                    "nl": "<p><em>Alle factoren op hun standaardwaarde (huidige "
                          "omstandigheden).</em></p>"},
    "sources": {"en": "Sources", "nl": "Bronnen"},
    "source": {"en": "Source", "nl": "Bron"},
    "toml_run": {"en": "scenarios.toml (the scenario file run)",
                 "nl": "scenarios.toml (het doorgerekende scenariobestand, letterlijk: de "
                       "sleutels zijn die van het bestandsformaat, met de Engelse en de "
                       "Nederlandse teksten)"},
    "toml_builtin": {"en": "scenarios.toml (the built-in scenarios as a scenario file)",
                     "nl": "scenarios.toml (de ingebouwde scenario's als scenariobestand, "
                           "letterlijk: de sleutels zijn die van het bestandsformaat, met de "
                           "Engelse en de Nederlandse teksten)"},
    # assumptions
    "assumptions_h2": {"en": "Assumptions", "nl": "Aannames"},
    "models_h3": {"en": "Models", "nl": "Modellen"},
    "drivers_h3": {"en": "Driver registry", "nl": "Factoren en hun waarden"},
    "priors_h3": {"en": "Model priors and settings", "nl": "Modelaannames en -instellingen"},
    "model_years": {"en": " to ", "nl": " tot en met "},
    "method": {"en": "Method", "nl": "Methode"},
    "intervals_include": {"en": "Intervals include", "nl": "Onzekerheid in de intervallen"},
    "technical": {"en": "Technical description", "nl": "Technische beschrijving"},
    "english_note": {
        "en": "",
        "nl": '<p class="legend" id="english-note">Enkele teksten op deze pagina bestaan '
              "alleen in het Engels en staan er zo, als Engels gemarkeerd: de oorspronkelijke "
              "titels van Engelstalige publicaties{more}.</p>"},
    "english_note_more": {"en": "", "nl": " en teksten uit het scenariobestand of de "
                                          "gegevens zonder Nederlandse versie"},
    "used_by": {"en": "Used by the {model}.", "nl": "Gebruikt in het {model}."},
    "col_what": {"en": "What it is", "nl": "Omschrijving"},
    "col_range": {"en": "Valid range", "nl": "Toegestaan bereik"},
    "col_default_current": {"en": "Default (current)", "nl": "Standaard (huidig)"},
    "col_improved": {"en": "Improved", "nl": "Verbeterd"},
    "col_group": {"en": "Group", "nl": "Groep"},
    "col_setting_name": {"en": "Setting", "nl": "Instelling"},
    "col_value": {"en": "Value", "nl": "Waarde"},
    # data sources
    "sources_h2": {"en": "Data sources", "nl": "Bronnen"},
    "survey_line": {"en": "<p>Survey data: {name}{tail}</p>",
                    "nl": "<p>Enquêtegegevens: {name}{tail}</p>"},
    "survey_synthetic": {"en": " &mdash; synthetic, not real firms.",
                         "nl": " &mdash; synthetisch, geen echte bedrijven."},
    "survey_real": {"en": "; the microdata are not included in this report.",
                    "nl": "; de microdata zijn niet in dit rapport opgenomen."},
    # reproducibility
    "provenance_h2": {"en": "Reproducibility", "nl": "Reproduceerbaarheid"},
    "provenance_intro": {
        "en": "<p>Reproduce with <code>{cmd}</code> (with <code>scenarios.toml</code> from "
              "this directory). The same inputs and seed give identical files; "
              "<code>manifest.json</code> lists them with their checksums, "
              "<code>timing.json</code> the durations.</p>",
        "nl": "<p>Opnieuw te berekenen met <code>{cmd}</code> (met "
              "<code>scenarios.toml</code> uit deze map). Dezelfde invoer en seed geven "
              "identieke bestanden; <code>manifest.json</code> somt ze op met hun "
              "controlegetallen, <code>timing.json</code> de rekentijden.</p>"},
    "col_model": {"en": "Model", "nl": "Model"},
    "col_seed": {"en": "Seed", "nl": "Seed"},
    "col_draws": {"en": "Draws", "nl": "Trekkingen"},
    "col_data_hash": {"en": "Data hash", "nl": "Vingerafdruk gegevens"},
    "col_version": {"en": "Version", "nl": "Versie"},
    "published_hash": {"en": "<p>Published data hash: <code>{h}</code></p>",
                       "nl": "<p>Vingerafdruk van de gepubliceerde cijfers: "
                             "<code>{h}</code></p>"},
}


def _t(key: str, lang: str = "en", **values: object) -> str:
    """The page's text ``key`` in ``lang`` (:data:`_TEXT`), formatted with ``values``."""
    text = _TEXT[key]["nl" if lang == "nl" else "en"]
    return text.format(**values) if values else text


#: Words that keep their capital inside a Dutch sentence.
_PROPER_NL = frozenset({"D&S", "D&S-omzet", "D&S-export", "D&S-vraag", "EU", "NAVO", "NATO",
                        "NLD", "NLDTIB", "Nederland", "Nederlands", "Nederlandse", "Europa",
                        "Europees", "Europese", "ReArm", "OEM", "R&D"})


def _mid(text: str, lang: str) -> str:
    """A label inside a Dutch sentence: its first letter in lower case, unless it is a name
    or an abbreviation (English labels keep their capital, as they always did)."""
    if lang != "nl" or not text:
        return text
    first = text.split(" ", 1)[0]
    if first in _PROPER_NL or not text[1:2].islower():
        return text
    return text[:1].lower() + text[1:]


# --------------------------------------------------------------------------------- HTML bits
_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;
max-width:1100px;padding:0 1.5em 3em;color:#222;line-height:1.45;font-size:16px}
h1{margin-top:1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.4em}h4{margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.6em 0 .3em;font-size:.86em;max-width:100%}
table.wide{width:100%}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;
overflow-wrap:break-word}td{overflow-wrap:anywhere}
thead th{background:#f2f2f2}tbody th{background:#fafafa;font-weight:600}
td.num,th.num{text-align:right}td.num{white-space:nowrap}
td.val{text-align:right}.int,.sub{display:block;color:#555;font-size:.92em}.yr{color:#555;font-size:.92em;
margin-right:.2em}
.banner{background:#b00020;color:#fff;padding:.8em 1em;font-weight:bold;font-size:1.15em;
border-radius:4px;margin:1em 0}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em .8em;margin:.6em 0}
.key{background:#eef4fb;border-left:4px solid #3b6ea8;padding:.6em 1em;margin:1em 0}
.key h2{border:0;margin:.2em 0 .4em;font-size:1.25em}.key ul{margin:.3em 0;padding-left:1.3em}
.legend,.fn{font-size:.85em;color:#555;margin:.2em 0 .8em}.fn li{margin:.15em 0}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#444}figcaption .file{color:#777;font-size:.9em}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.8em;white-space:pre-wrap;
overflow-wrap:anywhere}code{overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:13em 1fr;gap:.1em 1em}dl.meta dt{font-weight:bold}
dl.meta dd{margin:0}nav a{margin-right:1em;white-space:nowrap}
details{margin:.3em 0}summary{cursor:pointer;color:#2a5d9f}
.scenario{border-top:1px solid #e5e5e5;padding-top:.2em}.kind{color:#666;font-weight:normal}
@media print{
@page{size:A4;margin:14mm 12mm}
body{max-width:none;padding:0;font-size:10pt}
nav{display:none}
h2{break-before:page;break-after:avoid}h3,h4{break-after:avoid}
.key h2{break-before:auto}
tr,figure,.banner,.note,.key,dl.meta{break-inside:avoid}
thead{display:table-header-group}
figure img{max-width:100%;max-height:235mm;border:0}
.banner,.key,.note,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
details.print-open::details-content{content-visibility:visible;display:contents}
details.print-open>summary{list-style:none;color:#222}
pre{break-inside:auto}a{color:inherit;text-decoration:none}
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _id_attrs(identifier: object) -> str:
    """``data-id`` and ``title`` attributes keeping an identifier for machines."""
    ident = _e(identifier)
    return f' data-id="{ident}" title="{ident}"'


def _named(identifier: object, lang: str = "en") -> str:
    """The label of an identifier as HTML, the identifier in the element's attributes."""
    return f"<span{_id_attrs(identifier)}>{_e(_label(identifier, lang))}</span>"


def _th(content: str, cls: str = "", row: bool = False, rowspan: int = 1,
        attrs: str = "") -> str:
    """A header cell; ``content`` is HTML."""
    extra = (f' class="{cls}"' if cls else "") + (' scope="row"' if row else ' scope="col"')
    extra += (f' rowspan="{rowspan}"' if rowspan > 1 else "") + attrs
    return f"<th{extra}>{content}</th>"


def _td(content: str, cls: str = "") -> str:
    """A data cell; ``content`` is HTML."""
    return f'<td class="{cls}">{content}</td>' if cls else f"<td>{content}</td>"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "data") -> str:
    """A table of header cells ``head`` and rows of cells (each already ``<th>``/``<td>``);
    plain text in ``head`` becomes a column header."""
    cells = "".join(h if h.startswith("<th") else _th(_e(h)) for h in head)
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


_MISSING_LEGEND = _t("missing_legend")


def _fmt(value: object, unit: str | None, signed: bool = False, lang: str = "en") -> str:
    """A value formatted by its unit, an em dash when missing (escaped HTML)."""
    return _e(format_value(value, unit, signed=signed, missing=DASH, lang=lang))


def _eur_scale(values: Iterable[object]) -> str:
    """The common scale (``bn``, ``m`` or ``unit``) of EUR amounts shown together."""
    finite = [abs(float(v)) for v in values if not is_missing(v)]  # type: ignore[arg-type]
    return "bn" if max(finite, default=0.0) >= BILLION else "m"


def _interval_cell(median: object, lower: object, upper: object, unit: str,
                   signed: bool = False, extra: str = "", lang: str = "en") -> str:
    """``median`` over ``(lower to upper)`` in one cell, formatted by ``unit`` (EUR amounts on
    one scale, the unit written once); ``extra`` is a further line of text."""
    if unit_kind(unit) == "eur":
        scale = _eur_scale((median, lower, upper))
        zero = not is_missing(median) and float(median) == 0.0  # type: ignore[arg-type]
        head = eur(median, scale=scale, signed=signed and not zero,  # type: ignore[arg-type]
                   missing=DASH, lang=lang)
        low = eur(lower, scale=scale, symbol=False, missing=DASH,  # type: ignore[arg-type]
                  lang=lang)
        high = eur(upper, scale=scale, symbol=False, missing=DASH,  # type: ignore[arg-type]
                   lang=lang)
    else:
        head = format_value(median, unit, signed=signed, missing=DASH, lang=lang)
        low = format_value(lower, unit, missing=DASH, lang=lang)
        high = format_value(upper, unit, missing=DASH, lang=lang)
    sub = f'<span class="sub">{_e(extra)}</span>' if extra else ""
    between = _e(_t("range", lang, low=low, high=high))
    return f'{_e(head)}<span class="int">({between})</span>{sub}'


def _img(png: bytes, caption: str, name: str, alt: str | None = None,
         lang: str = "en") -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure data-file="{_e(name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(alt or caption)}"><figcaption>{_e(caption)} '
            f'<span class="file">({_t("file", lang)} <code>{_e(name)}</code>)</span>'
            "</figcaption></figure>")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: Sequence[str], lang: str = "en") -> str:
    """``a``, ``a and b``, ``a, b and c`` (``en`` in Dutch)."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + (" en " if lang == "nl" else " and ") + words[-1]


def _split(scenario: str) -> tuple[str, str]:
    """``(future, policy)`` of a grid scenario ``future/policy``; ``("", name)`` otherwise."""
    future, sep, policy = str(scenario).partition("/")
    return (future, policy) if sep else ("", str(scenario))


def _grouped_rows(keys: Sequence[tuple[str, str]], cells: Sequence[list[str]],
                  lang: str = "en") -> list[list[str]]:
    """Rows of ``cells`` led by a header cell per group (spanning its consecutive rows) and
    one per member; keys ``("", member)`` have no group cell."""
    rows: list[list[str]] = []
    for i, ((group, member), rest) in enumerate(zip(keys, cells, strict=True)):
        row = []
        if group and (i == 0 or keys[i - 1][0] != group):
            span = next((j for j, (g, _m) in enumerate(keys[i:]) if g != group), len(keys) - i)
            row.append(_th(_named(group, lang), row=True, rowspan=span))
        row.append(_th(_named(member, lang), row=True))
        rows.append(row + list(rest))
    return rows


# --------------------------------------------------------------------------------- sections
def _target_year(results: Mapping, years: Sequence[int]) -> int | None:
    """The last of ``years`` that the results reach, else their last year."""
    reached = [int(y) for r in results.values() for y in r.years]
    if not reached:
        return None
    inside = [y for y in years if y in reached]
    return max(inside) if inside else max(reached)


def _bound_years(text: object) -> set[int]:
    """The years of a ``capacity_bound_years`` cell (``"2026, 2027"``)."""
    return {int(y) for y in re.findall(r"\d{4}", str(text or ""))}


def _binding_by_scenario(constraints: pd.DataFrame, year: int) -> dict[str, str]:
    """``"capacity"`` or ``"demand"`` in ``year`` per scenario, from the constraints table."""
    out: dict[str, str] = {}
    for row in constraints.itertuples():
        bound = _bound_years(getattr(row, "capacity_bound_years", "") or "")
        out[str(row.scenario)] = "capacity" if year in bound else "demand"
    return out


def _constraint_sentences(constraints: pd.DataFrame, results: Mapping,
                          lang: str) -> list[str]:
    """The sentence of each row of the constraints table, in ``lang``: in Dutch written by
    :func:`~nldtib_forecast.models.outlook.binding_constraints` (``lang="nl"``) from the
    results, else the table's own (English) sentence."""
    if lang != "nl" or not results:
        return [str(s) for s in constraints["sentence"]]
    from nldtib_forecast.report.tables import constraints_table

    dutch = constraints_table(results, lang)
    found = {(str(r.model), str(r.scenario)): str(r.sentence) for r in dutch.itertuples()}
    return [found.get((str(getattr(r, "model", "")), str(r.scenario)), str(r.sentence))
            for r in constraints.itertuples()]


def _binding_html(constraints: pd.DataFrame, year: int, lang: str = "en") -> str:
    """The sentences that say which constraint binds in ``year``, per future (or scenario)."""
    binding = _binding_by_scenario(constraints, year)
    if not binding:
        return ""
    out = ['<section class="key" id="binding">',
           f"<h2>{_e(_t('binding_h2', lang, year=year))}</h2>",
           _t("binding_intro", lang)]
    futures = list(dict.fromkeys(_split(s)[0] for s in binding))
    for future in futures:
        members = [(p, b) for s, b in binding.items()
                   for f, p in [_split(s)] if f == future]
        cap = [_mid(_label(p, lang), lang) for p, b in members if b == "capacity"]
        dem = [_mid(_label(p, lang), lang) for p, b in members if b == "demand"]
        if future:
            head = f"<li><b{_id_attrs(future)}>{_e(_label(future, lang))}</b>: "
            if not dem:
                text = _t("binding_all_capacity", lang)
            elif not cap:
                text = _t("binding_all_demand", lang)
            else:
                text = _t("binding_mixed", lang, cap=_join(cap, lang), dem=_join(dem, lang))
            out.append(head + _e(text) + "</li>")
        else:
            if cap:
                out.append(f"<li>{_e(_t('binding_capacity', lang, names=_join(cap, lang)))}"
                           "</li>")
            if dem:
                out.append(f"<li>{_e(_t('binding_demand', lang, names=_join(dem, lang)))}"
                           "</li>")
    out.append("</ul>")
    out.append(_t("binding_more", lang))
    return "\n".join(out)


def _lv(level: float, lang: str) -> str:
    """The level of an interval: ``90%`` (``90%`` in Dutch too, before ``-interval``)."""
    return percent(level, decimals=0, lang=lang)


def _effects_html(tables: Mapping[str, pd.DataFrame],
                  figures: Mapping[str, tuple[bytes, str]], level: float,
                  results: Mapping | None = None, lang: str = "en") -> str:
    """The first section: what each policy adds over current conditions, per future."""
    eff = tables["policy_effects"]
    main = str(eff["variable"].iloc[0])
    sub = eff[eff["variable"] == main]
    years = sorted(int(y) for y in sub["year"].unique())
    lv = _lv(level, lang)
    out = [f'<h2 id="effects">{_e(_t("effects_h2", lang))}</h2>',
           _t("effects_intro", lang, ids=_id_attrs(main), lv=lv)]
    if "policy_effects.png" in figures:
        out.append(_img(*figures["policy_effects.png"], "policy_effects.png", lang=lang))
    keys = list(dict.fromkeys(zip(sub["future"].astype(str), sub["policy"].astype(str),
                                  strict=True)))
    by_key = {(str(r.future), str(r.policy), int(r.year)): r for r in sub.itertuples()}
    cells = []
    for future, policy in keys:
        row = []
        for year in years:
            r = by_key.get((future, policy, year))
            if r is None:
                row.append(_td(DASH, "val"))
                continue
            gain = _t("effects_gain", lang,
                      p=percent(r.share_positive, decimals=0, lang=lang))
            row.append(_td(_interval_cell(r.median, r.lower, r.upper, str(r.unit),
                                          signed=True, extra=gain, lang=lang), "val"))
        cells.append(row)
    head = [_t("col_future", lang), _t("col_policy", lang),
            *[_th(_e(_t("col_year_median", lang, y=y, lv=lv)), "num") for y in years]]
    out.append(_table(head, _grouped_rows(keys, cells, lang), "data wide"))
    constraints = tables.get("constraints")
    if constraints is not None and len(constraints):
        out.append(f'<h3 id="constraints">{_e(_t("constraints_h3", lang))}</h3>')
        out.append(_t("constraints_intro", lang))
        ckeys = [_split(s) for s in constraints["scenario"].astype(str)]
        ccells = [[_td(_e(_cap(s)))]
                  for s in _constraint_sentences(constraints, results or {}, lang)]
        grid = any(f for f, _p in ckeys)
        chead = ([_t("col_future", lang), _t("col_policy", lang)] if grid
                 else [_t("col_scenario", lang)]) + [_t("col_binds", lang)]
        out.append(_table(chead, _grouped_rows(ckeys, ccells, lang), "data wide"))
    return "\n".join(out)


def _summary_html(results: Mapping, level: float, years, lang: str = "en") -> str:
    """Per key variable, median and interval in the summary years: a table with a column per
    future and a row per policy for a grid, else a row per scenario and a column per year."""
    from nldtib_forecast.report.tables import summary_table

    table = summary_table(results, years=years, level=level, key_only=True)
    if table.empty:
        return _t("summary_none", lang)
    lv = _lv(level, lang)
    out = []
    for (model, variable), part in table.groupby(["model", "variable"], sort=False):
        unit = str(part["unit"].iloc[0])
        unit_text = _unit_label(unit, lang)
        shown = (f"{_named(variable, lang)}" + (f", {_e(unit_text)}" if unit_text else "")
                 + (f' <span class="kind">{_e(_model_name(model, lang))}</span>'

                    if len(results) > 1 else ""))
        out.append(f"<h3{_id_attrs(variable)}>{shown}</h3>")
        if definition := _definition(variable, lang):
            out.append(f'<p class="legend">{_e(definition)}</p>')
        keys = [_split(s) for s in part["scenario"].astype(str)]
        grid = all(f for f, _p in keys)
        part_years = sorted(int(y) for y in part["year"].unique())
        by_key = {(str(r.scenario), int(r.year)): r for r in part.itertuples()}

        def cell(scenario: str, yrs: Sequence[int], label_years: bool,
                 by_key: dict = by_key, unit: str = unit) -> str:
            lines = []
            for y in yrs:
                r = by_key.get((scenario, y))
                if r is None:
                    continue
                body = _interval_cell(r.median, r.lower, r.upper, unit, lang=lang)
                lines.append((f'<b class="yr">{y}</b> ' if label_years else "") + body)
            return _td("".join(lines) or DASH, "val")

        if grid:
            futures = list(dict.fromkeys(f for f, _p in keys))
            policies = list(dict.fromkeys(p for _f, p in keys))
            head = [_t("col_policy", lang), *[_th(_named(f, lang), "num") for f in futures]]
            rows = [[_th(_named(p, lang), row=True),
                     *[cell(f"{f}/{p}", part_years, True) for f in futures]]
                    for p in policies]
            years_text = _join([str(y) for y in part_years], lang)
            out.append(f'<p class="legend">{_e(_t("summary_grid", lang, lv=lv, years=years_text))}'
                       "</p>")
        else:
            scenarios = list(dict.fromkeys(part["scenario"].astype(str)))
            head = [_t("col_scenario", lang),
                    *[_th(_e(_t("col_year_median", lang, y=y, lv=lv)), "num")
                      for y in part_years]]
            rows = [[_th(_named(s, lang), row=True),
                     *[cell(s, [y], False) for y in part_years]]
                    for s in scenarios]
        out.append(_table(head, rows, "data wide"))
    return "\n".join(out)


_STATUS = {"publish": "shown", "unprotected": "shown (no disclosure rule applies)",
           "primary": "suppressed", "secondary": "suppressed", "suppressed": "suppressed"}
_STATUS_NL = {"publish": "getoond", "unprotected": "getoond (geen geheimhoudingsregel van "
              "toepassing)", "primary": "afgeschermd", "secondary": "afgeschermd",
              "suppressed": "afgeschermd", "not_available": "niet beschikbaar"}


def _status_text(status: str, lang: str = "en") -> str:
    """A disclosure status in words."""
    return (_STATUS_NL if lang == "nl" else _STATUS).get(status, status)


def _rule_text(rule: object, lang: str = "en") -> str:
    """A disclosure rule in words: ``min_frequency(10)`` -> ``fewer than 10 firms``."""
    if is_missing(rule) or not str(rule).strip():
        return ""
    text = str(rule)
    if lang == "nl":
        text = re.sub(r"min_frequency\((\d+)\)", r"minder dan \1 bedrijven", text)
        text = re.sub(r"dominance\((\d+),\s*([\d.]+)%\)", lambda m: (
            f"{m.group(1)} grootste bedrijven samen boven {m.group(2).replace('.', ',')}%"),
            text)
        text = re.sub(r"(\d{4}): complementary", r"beschermt een ander cijfer (\1)", text)
        return re.sub(r"\b(entrants|exiters|continuing): ", lambda m: {
            "entrants": "toetreders: ", "exiters": "vertrokken bedrijven: ",
            "continuing": "blijvende bedrijven: "}[m.group(1)], text)
    text = re.sub(r"min_frequency\((\d+)\)", r"fewer than \1 firms", text)
    text = re.sub(r"dominance\((\d+),\s*([\d.]+%)\)", r"\1 largest firms above \2", text)
    text = re.sub(r"(\d{4}): complementary", r"protects another figure (\1)", text)
    text = re.sub(r"\b(entrants|exiters|continuing): ", lambda m: {
        "entrants": "entrants: ", "exiters": "firms that left: ",
        "continuing": "continuing firms: "}[m.group(1)], text)
    return text


def _headline_unit(indicator: str) -> str:
    return ("EUR" if indicator.endswith("_eur") else "firms" if indicator == "firms"
            else "fraction")


def _en(text: str, tag: str = "span") -> str:
    """``text`` (plain) as HTML in an element marked as English (``lang="en"``): a text the
    Dutch page shows as written because it has no Dutch version."""
    return f'<{tag} lang="en">{_e(text)}</{tag}>'


def _text_html(dutch: str | None, english: str, lang: str, cap: bool = False) -> str:
    """A text of the data as HTML in ``lang``: its Dutch when there is one, else the English
    as written, marked as English on a Dutch page."""
    if lang != "nl":
        return _e(_cap(english) if cap else english)
    if dutch:
        return _e(_cap(dutch) if cap else dutch)
    return _en(_cap(english) if cap else english)


def _headline_html(headline: pd.DataFrame, lang: str = "en") -> str:
    rows, notes = [], []
    suppressed = f"<em>{_t('suppressed', lang)}</em>"
    for r in headline.itertuples():
        ind = str(r.indicator)
        unit = _headline_unit(ind)
        status = str(r.status)
        shown = status in ("publish", "unprotected")
        category = "" if is_missing(r.category) or not str(r.category) else str(r.category)
        note = getattr(r, "note", None)
        mark = ""
        if not is_missing(note) and str(note).strip():
            notes.append(_text_html(dutch_texts.headline_note(str(note), lang), str(note),
                                    lang, cap=True))
            mark = f'<sup><a href="#hn{len(notes)}">{len(notes)}</a></sup>'
        rule = _rule_text(r.rule, lang)
        between = _t("range", lang, low=_fmt(r.ci_lower, unit, lang=lang),
                     high=_fmt(r.ci_upper, unit, lang=lang))
        rows.append([
            _th(_named(ind, lang) + mark, row=True),
            _td(_named(category, lang) if category else DASH),
            _td(_fmt(r.estimate, unit, lang=lang) if shown else suppressed, "num"),
            _td(between if shown else DASH, "num"),
            _td(_fmt(r.published, unit, lang=lang), "num"),
            _td(_e(_status_text(status, lang)) + (f"<br><small>{_e(rule)}</small>"
                                                   if rule else "")),
        ])
    head = [_t("col_figure", lang), _t("col_category", lang),
            _th(_t("col_estimate", lang), "num"), _th(_t("col_interval95", lang), "num"),
            _th(_e(_t("col_published_l26", lang)), "num"), _t("col_disclosure", lang)]
    out = [_table(head, rows, "data wide"), _t("missing_legend", lang)]
    if notes:
        out.append('<ol class="fn">' + "".join(f'<li id="hn{i}">{n}</li>'
                                              for i, n in enumerate(notes, 1)) + "</ol>")
    return "\n".join(out)


#: Columns of the decomposition table: (column, header, Dutch header).
_DEC_COLUMNS = (("nominal_growth", "Nominal growth", "Nominale groei"),
                ("price", "Price", "Prijs"), ("volume", "Volume", "Volume"),
                ("interaction", "Interaction", "Wisselwerking prijs en volume"),
                ("entry", "Entrants", "Toetreders"), ("exit", "Exits", "Uittreders"),
                ("price_growth", "Prices of continuing firms", "Prijzen blijvende bedrijven"),
                ("volume_growth", "Volume of continuing firms", "Volume blijvende bedrijven"))
_DEC_COUNTS = (("n_continuing", "Continuing firms", "Blijvende bedrijven"),
               ("n_price_missing", "of which without a price change",
                "waarvan zonder prijsverandering"),
               ("n_entrants", "Entrants", "Toetreders"),
               ("n_exiters", "Firms that left", "Vertrokken bedrijven"))


def _decomposition_html(table: pd.DataFrame, lang: str = "en") -> str:
    """Two tables that fit the page: the contributions, and the respondents and disclosure."""
    shown = table.reset_index()
    year_col = shown.columns[0]
    pick = 2 if lang == "nl" else 1
    cols = [(c[0], c[pick]) for c in _DEC_COLUMNS if c[0] in shown]
    if "interaction" in shown and (shown["interaction"].fillna(0.0) == 0.0).all():
        cols = [(c, h) for c, h in cols if c != "interaction"]  # the log split has none
    counted = [(c[0], c[pick]) for c in _DEC_COUNTS]
    suppressed = f"<em>{_t('suppressed', lang)}</em>"
    rows, rows2 = [], []
    for r in shown.to_dict("records"):
        published = str(r.get("status", "publish")) == "publish"
        cells = [_th(_e(r[year_col]), row=True)]
        for c, _h in cols:
            value = r[c]
            if c == "exit" and not is_missing(value):
                value = -float(value)  # a contribution to growth: turnover lost with exits
            text = percent(value, signed=True, missing=DASH if published else "", lang=lang)
            cells.append(_td(_e(text) if text else suppressed, "num"))
        rows.append(cells)
        counts = [_td(_e(count(r[c], missing=DASH, lang=lang))
                      if published or not is_missing(r[c]) else suppressed, "num")
                  for c, _h in counted if c in r]
        status = _status_text(str(r.get("status", "")), lang)
        rule = _rule_text(r.get("rule"), lang)
        rows2.append([_th(_e(r[year_col]), row=True), *counts,
                      _td(_e(status) + (f"<br><small>{_e(rule)}</small>" if rule else ""))])
    head = [_t("col_year", lang), *[_th(h, "num") for _c, h in cols]]
    head2 = [_t("col_year", lang), *[_th(h, "num") for c, h in counted if c in shown],
             _t("col_disclosure", lang)]
    return "\n".join([
        _table(head, rows, "data wide"),
        _t("dec_legend", lang),
        f"<h3>{_e(_t('dec_h3', lang))}</h3>",
        _table(head2, rows2, "data wide"), _t("missing_legend", lang)])


#: An identifier in running text (``size_class``; not a file name such as ``audit.csv``).
_WORD_ID = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")


#: First words of labels that keep their capital inside a sentence.
_PROPER = frozenset({"Dutch", "European", "Europe", "Netherlands", "NATO", "EU", "NL", "NLD",
                     "D&S", "GDP", "FTE", "EUR", "NLDTIB", "Fisher"})


def _relabel_words(text: str, lang: str = "en") -> str:

    """``text`` with each identifier in it that the label registry knows replaced by its
    label (every identifier, without the registry)."""
    def one(match: re.Match) -> str:
        word = match.group(0)
        found = _label(word, lang) if _REGISTRY is None else _registry_text(word, lang)
        if not found:
            return word
        if lang == "nl":
            return _mid(found, lang)
        first = found.split(" ", 1)[0]
        if first not in _PROPER and found[1:2].islower():  # inside a sentence
            found = found[:1].lower() + found[1:]
        return found

    return _WORD_ID.sub(one, text)


#: Words of the names of the audit's checks, in Dutch (after the indicators are labelled).
_CHECK_WORDS_NL = (
    (r"(\d{4})->(\d{4})", r"\1-\2"), (r"\s*->\s*", " naar "),
    (r": series break", ": trendbreuk"), (r"\bvs mean of\b", "tegenover het gemiddelde van"),
    (r"\bexpected vs\b", "verwacht tegenover"), (r"\bvs\b", "tegenover"),
    (r"\bimplied total turnover\b", "afgeleide totale omzet"),
    (r"\bsum of categories\b", "som van de categorieën"), (r"\(proxy\)", "(benadering)"),
    (r"\bNL share of EU equipment procurement\b",
     "Nederlands aandeel in de Europese materieelaanschaf"),
    (r"\bfirms < 250 employees\b", "bedrijven < 250 werknemers"),
    (r"\bsurvey\b", "enquête"), (r"\bmultiplier\b", "multiplier"),
    (r"\bp\.\s?(\d)", r"blz. \1"),  # a page, as the audit's notes write it
)


def _check_label(check: str, lang: str = "en") -> str:
    """An audit check's name with the indicator labelled: ``ds_turnover_growth 2024->2025``
    -> ``Growth of D&S turnover 2024 to 2025``."""
    first, sep, rest = check.partition(" ")
    if sep and "_" not in first and (found := _registry_text(first, lang)):
        check = f"{found} {rest}"
    if lang != "nl":
        return _relabel_words(check).replace("->", " to ")
    text = _relabel_words(check, lang)
    for pattern, words in _CHECK_WORDS_NL:
        text = re.sub(pattern, words, text)
    return _cap(text)


#: Dutch names of models whose label does not say *model*.
_MODEL_NL = {"outlook": "verkenningsmodel"}


def _model_name(model: object, lang: str = "en") -> str:
    """``Outlook model``: the label of a model, with the word *model* once."""
    if lang == "nl":
        return _cap(_MODEL_NL.get(str(model), _label(model, lang)))
    text = _label(model)
    return text if text.lower().endswith("model") else f"{text} model"



def _audit_html(audit: pd.DataFrame, published: pd.DataFrame | None,
                lang: str = "en") -> str:
    counts = audit["status"].value_counts()
    parts = [_t("audit_counts", lang, ok=int(counts.get("ok", 0)),
                bad=int(counts.get("inconsistent", 0)))]
    bad = audit[audit["status"] == "inconsistent"]
    if not len(bad):
        return "".join(parts)
    units: dict[str, str] = {}
    if published is not None and {"indicator", "unit"} <= set(published.columns):
        units = {str(k): str(v) for k, v in
                 published.drop_duplicates("indicator").set_index("indicator")["unit"].items()}
    dutch: dict[str, str] = {}
    if lang == "nl":  # the same checks with their notes written in Dutch
        from nldtib_forecast.data import audit_published

        found = audit_published(published, lang="nl") if published is not None else \
            audit_published(lang="nl")
        if list(found["check"]) == list(audit["check"]):
            dutch = dict(zip(found["check"].astype(str), found["note"].astype(str),
                             strict=True))
    rows = []
    for r in bad.to_dict("records"):
        ind = str(r.get("indicator", ""))
        unit = units.get(ind, _headline_unit(ind))
        diff = r.get("difference")
        diff_text = (percentage_points(diff, missing=DASH, lang=lang)
                     if unit_kind(unit) == "percent"
                     else format_value(diff, unit, signed=True, missing=DASH, lang=lang))
        year = r.get("year")
        rows.append([
            _th(f"<span{_id_attrs(r.get('check', ''))}>"
                f"{_e(_check_label(str(r.get('check', '')), lang))}</span>", row=True),
            _td(_e(DASH if is_missing(year) else int(year)), "num"),
            _td(_fmt(r.get("published"), unit, lang=lang), "num"),
            _td(_fmt(r.get("recomputed"), unit, lang=lang), "num"),
            _td(_e(diff_text), "num"),
            _td(_text_html(dutch.get(str(r.get("check", ""))), str(r.get("note", "")), lang,
                           cap=True)),
        ])
    head = [_t("col_check", lang), _th(_t("col_year", lang), "num"),
            _th(_t("col_published", lang), "num"), _th(_t("col_recomputed", lang), "num"),
            _th(_t("col_difference", lang), "num"), _t("col_meaning", lang)]
    parts.append(_table(head, rows, "data wide"))
    return "".join(parts)


def _setting_text(value: object, unit: str, lang: str = "en") -> str:
    """A driver's setting by its unit: ``30%``, or a path ``2026: 30%, 2028: 65%`` (in
    Dutch ``2026: 30%; 2028: 65%``, as the decimal mark is a comma)."""
    if isinstance(value, Mapping):
        return ("; " if lang == "nl" else ", ").join(
            f"{y}: {_setting_text(v, unit, lang)}" for y, v in value.items())
    if unit_kind(unit) == "percent":
        if is_missing(value):
            return DASH
        return number(100 * float(value), significant=3,  # type: ignore[arg-type]
                      lang=lang) + "%"
    return format_value(value, unit, missing=DASH, lang=lang)


def _sources_html(sources: Sequence[str], what: str = "Sources", english: bool = False) -> str:
    """The sources, folded (``english``: each item marked as English)."""
    if not sources:
        return ""
    mark = ' lang="en"' if english else ""
    items = "".join(f"<li{mark}>{_e(s)}</li>" for s in sources)
    return (f'<details class="print-open"><summary>{_e(what)} ({len(sources)})</summary>'
            f"<ul>{items}</ul></details>")


def _scenario_description(scen, lang: str) -> str:
    """What a scenario is, as HTML in ``lang``: in Dutch its ``description_nl`` (a built-in
    has one), else its description as written, marked as English."""
    description, _sources = scen.text(lang)
    if lang == "nl":
        return _text_html(description, scen.description, lang)
    return _e(_relabel_words(scen.description, lang))


def _scenario_sources(scen, lang: str) -> str:
    """A scenario's sources, folded, in ``lang`` (in Dutch its ``sources_nl``; without them
    the sources as written, each marked as English)."""
    _description, dutch = scen.text(lang)
    if lang != "nl" or dutch:
        return _sources_html(list(dutch if lang == "nl" else scen.sources),
                             _t("sources", lang))
    return _sources_html(list(scen.sources), _t("sources", lang), english=True)


def _scenarios_html(scenarios: Mapping, lang: str = "en") -> str:
    """Each scenario once: its description, the drivers it sets and its sources (folded)."""
    from nldtib_forecast.scenarios import get_driver

    out = []
    groups: dict[str, list[str]] = {}
    for name, scen in scenarios.items():
        groups.setdefault(str(getattr(scen, "kind", "scenario")), []).append(name)
    for kind, names in groups.items():
        if len(groups) > 1:
            heading = (_t(f"kind_{kind}", lang) if f"kind_{kind}" in _TEXT else _cap(kind))
            out.append(f"<h3>{_e(heading)}</h3>")
        for name in names:
            scen = scenarios[name]
            out.append(f'<div class="scenario"><h4{_id_attrs(name)}>'
                       f"{_e(_label(name, lang))}</h4>")
            if scen.description or scen.description_nl:
                out.append(f"<p>{_scenario_description(scen, lang)}</p>")
            rows = []
            for driver, value in scen.drivers.items():
                spec = get_driver(driver)
                rows.append([_th(_named(driver, lang), row=True),
                             _td(_e(_unit_label(spec.unit, lang))),
                             _td(_e(_setting_text(value, spec.unit, lang))),
                             _td(_e(_setting_text(spec.default, spec.unit, lang)), "num")])
            if rows:
                out.append(_table([_t("col_driver", lang), _t("col_unit", lang),
                                   _t("col_setting", lang),
                                   _th(_t("col_default", lang), "num")], rows, "data wide"))
            else:
                out.append(_t("all_default", lang))
            out.append(_scenario_sources(scen, lang) + "</div>")
    return "\n".join(out)


def _models_html(models: pd.DataFrame, lang: str = "en") -> str:
    out = []
    for r in models.to_dict("records"):
        years = str(r.get("years", "")).replace("-", _t("model_years", lang))
        method = _e(_relabel_words(str(r.get("method", ""))))
        intervals = _e(_relabel_words(str(r.get("intervals_include", ""))))
        if lang == "nl":  # the registry's description; the technical one folded
            summary = _definition(r["model"], lang) or _label(r["model"], lang)
            method = _text_html(dutch_texts.technical_text(str(r.get("method", "")), lang),
                                _relabel_words(str(r.get("method", ""))), lang)
            intervals = _text_html(
                dutch_texts.technical_text(str(r.get("intervals_include", "")), lang),
                _relabel_words(str(r.get("intervals_include", ""))), lang)
            out.append(f"<h4{_id_attrs(r['model'])}>{_e(_model_name(r['model'], lang))} "
                       f"({_e(years)})</h4>"
                       f'<dl class="meta"><dt>{_t("method", lang)}</dt>'
                       f"<dd>{_e(summary)}</dd></dl>"
                       f'<details><summary>{_e(_t("technical", lang))}</summary>'
                       f'<dl class="meta"><dt>{_t("method", lang)}</dt><dd>{method}</dd>'
                       f"<dt>{_t('intervals_include', lang)}</dt><dd>{intervals}</dd></dl>"
                       "</details>")
            continue
        out.append(f"<h4{_id_attrs(r['model'])}>{_e(_model_name(r['model']))} "
                   f"({_e(years)})</h4>"
                   f'<dl class="meta"><dt>Method</dt>'
                   f'<dd>{method}</dd>'
                   "<dt>Intervals include</dt>"
                   f"<dd>{intervals}</dd>"

                   "</dl>")
    return "\n".join(out)


def _driver_source_nl(driver: str) -> str:
    """The Dutch of a driver's source (``Driver.source_nl``; ``""`` when it has none)."""
    from nldtib_forecast.scenarios import get_driver

    try:
        return str(get_driver(driver).source_nl)
    except (ValueError, LookupError):
        return ""


def _drivers_html(drivers: pd.DataFrame, lang: str = "en") -> str:
    rows = []
    for r in drivers.to_dict("records"):
        unit = str(r.get("unit", ""))

        def val(key: str, r: dict = r, unit: str = unit) -> str:
            return _e(_setting_text(r.get(key), unit, lang))

        src = r.get("source")
        what = _t("source", lang)
        src_nl = _driver_source_nl(str(r["driver"])) if lang == "nl" else ""
        src_html = ("" if is_missing(src) or not str(src) else
                    _sources_html([src_nl or str(src)], what, english=lang == "nl"
                                  and not src_nl).replace(f"{what} (1)", what))
        model = r.get("model")
        used = ("" if is_missing(model) or not str(model) else
                '<span class="sub">' + _e(_t("used_by", lang, model="\0")).replace(
                    "\0", f"<span{_id_attrs(model)}>"
                          f"{_e(_mid(_model_name(model, lang), lang))}</span>")
                + "</span>")
        description = _e(_relabel_words(str(r.get("description", "")), lang))
        if lang == "nl":
            found = _definition(r["driver"], lang)
            description = _e(found) if found else _en(str(r.get("description", "")))
        rows.append([_th(_named(r["driver"], lang), row=True),
                     _td(description + used + src_html),
                     _td(_e(_unit_label(unit, lang))),
                     _td(_e(_t("range", lang, low="\0", high="\1")).replace(
                         "\0", val("lower")).replace("\1", val("upper")), "num"),
                     _td(val("default"), "num"), _td(val("improved"), "num")])
    head = [_t("col_driver", lang), _t("col_what", lang), _t("col_unit", lang),
            _th(_t("col_range", lang), "num"), _th(_t("col_default_current", lang), "num"),
            _th(_t("col_improved", lang), "num")]
    return _table(head, rows, "data wide") + _t("missing_legend", lang)


def _prior_value(name: str, value: object, lang: str = "en") -> str:
    """A prior or setting of a model for display: numbers by what the name says they are."""
    text = str(value)
    try:
        v = float(text)
    except ValueError:
        if lang == "nl" and (dutch := dutch_texts.setting_text(text, lang)) != text:
            return dutch
        return (_label(text, lang) if re.fullmatch(r"[a-z]+(_[a-z]+)+", text)
                else text)
    if name.endswith("_eur"):
        return eur(v, lang=lang)
    if name.startswith("fte") or name.endswith("_fte"):
        return count(v, lang=lang)
    if "share" in name:
        return percent(v, lang=lang)
    return number(v, lang=lang)


def _priors_html(priors: pd.DataFrame, lang: str = "en") -> str:
    shown = priors[priors["kind"].astype(str) != "grid"]  # the grid is under Scenarios
    if not len(shown):
        return ""
    rows = [[_th(_named(r["kind"], lang), row=True), _th(_named(r["name"], lang), row=True),
             _td(_e(_prior_value(str(r["name"]), r["value"], lang)), "num")]
            for r in shown.to_dict("records")]
    return _table([_t("col_group", lang), _t("col_setting_name", lang),
                   _th(_t("col_value", lang), "num")], rows)


#: Dutch headers of the data sources table.
_SOURCE_COLUMNS_NL = {"key": "Afkorting", "citation": "Bronvermelding",
                      "note": "Toelichting"}


def _titles_html(text: str, titles: Sequence[str]) -> str:
    """``text`` as HTML with each original English title in it marked as English."""
    out = _e(text)
    for title in sorted(titles, key=len, reverse=True):
        escaped = _e(title)
        marked = f'<span lang="en">{escaped}</span>'
        out = re.sub(rf"(?<![\w>]){re.escape(escaped)}(?![\w<])",
                     marked.replace("\\", "\\\\"), out)  # a replacement template
    return out


def _data_sources_html(sources: pd.DataFrame, lang: str = "en") -> str:
    cols = [c for c in ("key", "citation", "note") if c in sources]
    rows = []
    for r in sources.to_dict("records"):
        dutch = dutch_texts.source_text(r, lang)
        cells = []
        for c in cols[1:]:
            if is_missing(r[c]) or not str(r[c]):
                cells.append(_td(DASH))
            elif dutch is not None:
                cells.append(_td(_titles_html(getattr(dutch, c), dutch.titles_en)))
            else:
                cells.append(_td(_text_html(None, str(r[c]), lang)))
        rows.append([_th(_e(r[cols[0]]), row=True), *cells])
    head = [_SOURCE_COLUMNS_NL.get(c, _cap(c)) if lang == "nl" else _cap(c) for c in cols]
    return _table(head, rows, "data wide")


def _survey_text(spec, lang: str = "en") -> str:
    """The survey data and their weights in words (:meth:`RunSpec.survey_description`, in
    Dutch written here from the same facts)."""
    if lang != "nl":
        return _relabel_words(spec.survey_description())
    attrs = spec.survey.attrs
    recipe = attrs.get("weighting")

    def by(columns) -> str:
        return _join([_mid(_label(c, lang), lang) for c in columns], lang)

    if not spec.survey_file:
        if not isinstance(recipe, Mapping):
            return f"synthetische enquête (seed {spec.seed})"
        n = int(sum(recipe.get("respondents", ())))
        total = int(sum(recipe.get("counts", ())))
        return (f"synthetische enquête (seed {spec.seed}): een integrale uitvraag met "
                f"non-respons; {count(n, lang=lang)} van de {count(total, lang=lang)} "
                "bedrijven in het steekproefkader hebben gerespondeerd, gewogen naar "
                f"responsgroepen op {by(recipe.get('by', ()))}")
    text = f"enquêtebestand {Path(spec.survey_file).name}"
    if spec.population_file is None:
        return text + ", met de eigen weegfactoren van het bestand"
    w = spec.weights_source()
    how = ("responshomogeniteitsgroepen" if w["method"] == "cells"
           else "een model voor de responskans")
    return (text + f", gewogen naar de populatieaantallen in {w['file']} ({how} op "
            f"{by(w['by'])}: {count(w['responding_firms'], lang=lang)} van de "
            f"{count(w['frame_firms'], lang=lang)} bedrijven in het steekproefkader hebben "
            f"gerespondeerd, {w['strata']} responsgroepen als strata)")


def _note_line(note: str, lang: str = "en") -> str:
    """A note of the run (a part not computed, a chart suppressed) in ``lang``."""
    if lang != "nl":
        return _cap(note)
    found = re.fullmatch(r"turnover waterfall (\d{4}): suppressed by the disclosure rules "
                         r"\((.*)\)", note, re.S)
    if found:
        return (f"Watervaldiagram van de omzetgroei in {found.group(1)}: afgeschermd op grond "
                f"van de geheimhoudingsregels ({_rule_text(found.group(2), lang)})")
    found = re.fullmatch(r"(headline figures|turnover decomposition): not computed "
                         r"\((.*)\)", note, re.S)
    if found:
        what = {"headline figures": "Kerncijfers uit de enquête",
                "turnover decomposition": "Uitsplitsing van de omzetgroei"}[found.group(1)]
        return f"{what}: niet berekend ({found.group(2)})"
    return _cap(note)


# --------------------------------------------------------------------------------- the page
def render_html(*, spec, results: Mapping, tables: Mapping[str, pd.DataFrame],
                figures: Mapping[str, tuple[bytes, str]], notes: list[str],
                waterfall_year: int | None, hashes: Mapping[str, str],
                lang: str = "en") -> str:
    """The report as one HTML document (str), in English or (``lang="nl"``) Dutch; the
    figures' captions are expected in the same language. The run's scenarios are shown by
    their own labels where they have them (:func:`scenario_labels`)."""
    with scenario_labels(spec.scenarios):
        return _render_html(spec=spec, results=results, tables=tables, figures=figures,
                            notes=notes, waterfall_year=waterfall_year, hashes=hashes,
                            lang=lang)


def _render_html(*, spec, results: Mapping, tables: Mapping[str, pd.DataFrame],
                 figures: Mapping[str, tuple[bytes, str]], notes: list[str],
                 waterfall_year: int | None, hashes: Mapping[str, str],
                 lang: str = "en") -> str:
    from nldtib_forecast.report.tables import SUMMARY_LEVEL, SUMMARY_YEARS

    lang = "nl" if lang == "nl" else "en"
    title = _t("title_run" if spec.command == "run" else "title_report", lang)
    out = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{_e(title)}</h1>"]
    if spec.synthetic:
        out.append(f'<div class="banner" id="synthetic-banner">{_e(_t("banner", lang))}'
                   "</div>")
    sections = [(k, _t(f"nav_{k}", lang)) for k in (
        "effects", "summary", "charts", "waterfall", "headline", "audit", "scenarios",
        "assumptions", "sources", "provenance")]
    if "policy_effects" not in tables:
        sections = sections[1:]
    out.append("<nav>" + " ".join(f'<a href="#{k}">{_e(t)}</a>' for k, t in sections)
               + "</nav>")
    survey_name = _survey_text(spec, lang)
    policies = [s for s in spec.scenarios
                if getattr(spec.scenarios[s], "kind", "") == "policy"]
    futures = [s for s in spec.scenarios
               if getattr(spec.scenarios[s], "kind", "") == "future"]
    others = [s for s in spec.scenarios if s not in policies and s not in futures]
    listed = "".join(f"<dt>{_t(what, lang)}</dt>"
                     f"<dd>{', '.join(_named(n, lang) for n in names)}</dd>"
                     for what, names in (("meta_policies", policies),
                                         ("meta_futures", futures),
                                         ("meta_scenarios", others)) if names)
    scenario_file = (_e(Path(spec.scenario_file).name) if spec.scenario_file
                     else _e(_t("meta_builtin", lang)))
    draws = _t("meta_draws_value", lang, n=count(spec.n_draws, lang=lang))
    out.append('<dl class="meta">'
               f"<dt>{_t('meta_library', lang)}</dt><dd>nldtib_forecast {_e(__version__)}</dd>"
               f"{listed}"
               f"<dt>{_t('meta_scenario_file', lang)}</dt><dd>{scenario_file}</dd>"
               f"<dt>{_t('meta_survey', lang)}</dt><dd>{_e(survey_name)}</dd>"
               f"<dt>{_e(_t('meta_seed', lang))}</dt><dd>{_e(spec.seed)}</dd>"
               f"<dt>{_t('meta_draws', lang)}</dt><dd>{_e(draws)}</dd>"
               f"<dt>{_t('meta_hash', lang)}</dt><dd><code>{_e(hashes['survey'])}</code>"
               "</dd></dl>")
    for note in notes:
        out.append(f'<p class="note">{_e(_note_line(note, lang))}</p>')
    english_note = len(out)  # where the page says which texts are English, if any

    target = _target_year(results, SUMMARY_YEARS)
    constraints = tables.get("constraints")
    if target is not None and constraints is not None and len(constraints):
        out.append(_binding_html(constraints, target, lang))

    if "policy_effects" in tables:
        out.append(_effects_html(tables, figures, SUMMARY_LEVEL, results, lang))

    years = _join([str(y) for y in SUMMARY_YEARS], lang)
    level = _lv(SUMMARY_LEVEL, lang)
    out.append(f'<h2 id="summary">{_e(_t("summary_h2", lang, lv=level, years=years))}</h2>')
    out.append(_t("summary_intro", lang, lv=level))
    out.append(_summary_html(results, SUMMARY_LEVEL, SUMMARY_YEARS, lang))

    out.append(f'<h2 id="charts">{_e(_t("charts_h2", lang))}</h2>')
    out.append(_t("charts_intro", lang))
    for name, (png, caption) in figures.items():
        if name.startswith("fan_"):
            out.append(_img(png, caption, name, lang=lang))

    out.append(f'<h2 id="waterfall">{_e(_t("waterfall_h2", lang))}</h2>')
    if waterfall_year is not None:
        out.append(_img(*figures[f"waterfall_{waterfall_year}.png"],
                        f"waterfall_{waterfall_year}.png", lang=lang))
    if "decomposition" in tables:
        out.append(_t("waterfall_intro", lang))
        out.append(_decomposition_html(tables["decomposition"], lang))
    else:
        out.append(_t("waterfall_none", lang))

    out.append(f'<h2 id="headline">{_e(_t("headline_h2", lang))}</h2>')
    for name in ("ds_turnover.png", "export_share.png"):
        if name in figures:
            out.append(_img(*figures[name], name, lang=lang))
    if "headline" in tables:
        out.append(_t("headline_intro", lang))
        out.append(_headline_html(tables["headline"], lang))

    out.append(f'<h2 id="audit">{_e(_t("audit_h2", lang))}</h2>')
    out.append(_audit_html(tables["audit"], tables.get("published"), lang))

    out.append(f'<h2 id="scenarios">{_e(_t("scenarios_h2", lang))}</h2>')
    out.append(_t("scenarios_intro", lang))
    out.append(_scenarios_html(spec.scenarios, lang))
    label = _t("toml_run" if spec.scenario_file else "toml_builtin", lang)
    out.append(f"<details><summary>{_e(label)}</summary><pre>{_e(spec.scenario_text)}</pre>"
               "</details>")

    out.append(f'<h2 id="assumptions">{_e(_t("assumptions_h2", lang))}</h2>')
    out.append(f"<h3>{_e(_t('models_h3', lang))}</h3>")
    out.append(_models_html(tables["models"], lang))
    out.append(f"<h3>{_e(_t('drivers_h3', lang))}</h3>")
    out.append(_drivers_html(tables["drivers"], lang))
    if len(tables.get("priors", ())):
        out.append(f"<h3>{_e(_t('priors_h3', lang))}</h3>")
        out.append(_priors_html(tables["priors"], lang))

    out.append(f'<h2 id="sources">{_e(_t("sources_h2", lang))}</h2>')
    out.append(_data_sources_html(tables["sources"], lang))
    sources_end = len(out)  # where the note on English titles goes, if they are all
    out.append(_t("survey_line", lang, name=_e(survey_name),
                  tail=_t("survey_synthetic" if spec.synthetic else "survey_real", lang)))

    out.append(f'<h2 id="provenance">{_e(_t("provenance_h2", lang))}</h2>')
    out.append(_t("provenance_intro", lang, cmd=_e(spec.command_line())))
    rows = [[_th(_named(m, lang), row=True), _td(_e(r.metadata.seed), "num"),
             _td(_e(count(r.n_draws, lang=lang)), "num"),
             _td(f"<code>{_e(r.metadata.data_hash)}</code>"),
             _td(_e(r.metadata.version))] for m, r in results.items()]
    out.append(_table([_t("col_model", lang), _th(_t("col_seed", lang), "num"),
                       _th(_t("col_draws", lang), "num"), _t("col_data_hash", lang),
                       _t("col_version", lang)], rows))
    out.append(_t("published_hash", lang, h=_e(hashes["published"])))
    body = "\n".join(out[english_note:])
    if lang == "nl" and ' lang="en"' in body:  # say once which texts are English
        titles_only = all(_marked_title(m) for m in re.findall(
            r'<(\w+) lang="en">(.*?)</\1>', body, re.S))
        out.insert(sources_end if titles_only else english_note,
                   _t("english_note", lang, more="" if titles_only
                      else _t("english_note_more", lang)))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _marked_title(match: tuple[str, str]) -> bool:
    """Whether an element marked as English holds one of the original English titles of
    the data sources (:data:`nldtib_forecast.report.dutch_texts.SOURCES_NL`)."""
    text = html.unescape(match[1])
    return any(text == title for source in dutch_texts.SOURCES_NL.values()
               for title in source.titles_en)
