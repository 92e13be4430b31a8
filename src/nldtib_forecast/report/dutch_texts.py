"""The Dutch of the texts that come with the report's data (private).

The page's own sentences are in :data:`nldtib_forecast.report.html._TEXT`, the labels in
:mod:`nldtib_forecast.labels`, the audit's notes in
:func:`~nldtib_forecast.data.audit_published` (``lang="nl"``), the sentence on the binding
constraint in :func:`~nldtib_forecast.models.outlook.binding_constraints`, and the Dutch of
the built-in scenarios and of the drivers' sources next to their English (``description_nl``,
``sources_nl``, ``Driver.source_nl``). This module holds what is left: the Dutch of the data
sources (``data/sources.csv``), of the notes of the published figures and of the survey's
headline figures, of a model's technical description and of the models' settings, and
:func:`localized_tables`, which puts them into the tables of a Dutch workbook. All of it is
written for the ministry's readers, not translated by machine.

Citations follow one rule (:data:`SOURCES_NL`): a Dutch document is cited in Dutch (the letter
is a *Kamerbrief van 21 mei 2026*); an English-language publication is cited in Dutch around
its original title, which stays English (listed in ``titles_en``, so that the page marks it
with ``lang="en"``); a sentence we wrote about a source is ours and has a Dutch version.

Every Dutch text of a source is tied to the English it renders by a fingerprint of that
English (:func:`fingerprint`): when ``sources.csv`` changes, the old Dutch is not shown (the
page shows the new English, marked as English) and the test of this module says what to
update.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from nldtib_forecast.labels import label

__all__ = ["SourceText", "SOURCES_NL", "fingerprint", "source_text", "headline_note",
           "published_note",
           "technical_text", "setting_text", "english_words", "localized_tables",
           "SOURCE_FIELDS"]

#: The text columns of ``sources.csv`` that have a Dutch version, in order (``url``: where a
#: source has no address, the text that says why).
SOURCE_FIELDS = ("citation", "note", "licence", "vintage", "url")


@dataclass(frozen=True)
class SourceText:
    """The Dutch of one row of ``sources.csv``.

    ``english`` is the :func:`fingerprint` of the English row it renders; ``titles_en`` the
    original English titles and names inside the Dutch texts (shown with ``lang="en"``);
    ``url`` the Dutch of a source's ``url`` where it is a text, not an address (``""``: the
    address itself).
    """

    english: str
    citation: str
    note: str
    licence: str
    vintage: str
    titles_en: tuple[str, ...] = ()
    url: str = ""


def fingerprint(row: Mapping) -> str:
    """The first 12 hex digits of the SHA-256 of a source's English texts
    (:data:`SOURCE_FIELDS`, joined by a tab)."""
    text = "\t".join(str(row.get(f, "") or "") for f in SOURCE_FIELDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


_RIJK = ("Publicatie van de Rijksoverheid: geen auteursrecht voorbehouden, hergebruik "
         "toegestaan (Auteurswet art. 15b); de inhoud van rijksoverheid.nl valt onder CC0 1.0")
_RAPPORT = ("Rapport in opdracht van de Rijksoverheid, met een Kamerbrief gepubliceerd: "
            "hergebruik toegestaan volgens Auteurswet art. 15b, tenzij het rapport zelf "
            "auteursrecht voorbehoudt (niet nagegaan); cijfers met bronvermelding geciteerd")

#: The Dutch of every row of ``sources.csv``, by key.
SOURCES_NL: Mapping[str, SourceText] = {
    "L26": SourceText(
        "e2915697cde6",
        "Minister van Economische Zaken en Klimaat (H. Herbert), minister van Defensie "
        "(D. Yeşilgöz) en staatssecretaris van Defensie (D. Boswijk), Kamerbrief aan de "
        "Voorzitter van de Tweede Kamer 'Periodiek onderzoek Nederlandse defensie- en "
        "veiligheid gerelateerde technologische industriële basis (NLDTIB)', Den Haag, "
        "21 mei 2026, kenmerk DGBI/105727106 (Directoraat-generaal Bedrijfsleven & "
        "Innovatie); met als bijlage het rapport van Berenschot over het onderzoek van 2026.",
        "Onderzoek door Berenschot, januari-maart 2026, gegevens over 2023-2025. "
        "Paginanummers verwijzen naar de brief van twee pagina's. Het eigen webadres van de "
        "brief is niet vastgelegd: de link verwijst naar de lijst van Kamerstukken van de "
        "uitgever (zoek op de titel of het kenmerk).",
        _RIJK,
        "Brief van 21 mei 2026; onderzoek januari-maart 2026, gegevens over 2023-2025."),
    "B24": SourceText(
        "a23820ae100c",
        "Berenschot, 'Nederlandse defensie- en veiligheid gerelateerde technologische "
        "industriële basis', Utrecht, april 2024, in opdracht van het Ministerie van "
        "Economische Zaken en Klimaat (EZK); op 27 mei 2024 aan de Kamer gezonden, Kamerstuk "
        "31 125, nr. 131, en als rapport gepubliceerd op rijksoverheid.nl.",
        "Gegevens over 2019-2023 en een tijdreeks 2006-2023 (blz. 7) met een trendbreuk "
        "tussen 2017 en 2019. Paginanummers verwijzen naar dat rapport. De link verwijst naar "
        "het Kamerstuk waarmee het rapport aan de Kamer is gezonden.",
        _RAPPORT,
        "Rapport van april 2024 (editie 2024); gegevens over 2019-2023 en een tijdreeks "
        "2006-2023."),
    "B22": SourceText(
        "f83f2a4ea641",
        "Berenschot, 'De Nederlandse defensie- en veiligheidgerelateerde technologische "
        "industriële basis (NLDTIB) 2022', Utrecht, mei 2022, in opdracht van het Ministerie "
        "van Economische Zaken en Klimaat (EZK); op 11 juli 2022 aan de Kamer gezonden.",
        "Gegevens over 2019-2021. Het eigen adres en het Kamerstuknummer van het rapport zijn "
        "niet vastgelegd: de link verwijst naar de lijst van rapporten van de uitgever. Het "
        "enige opgenomen cijfer is overgenomen uit B24, blz. 39.",
        _RAPPORT,
        "Rapport van mei 2022 (editie 2022), gegevens over 2019-2021; één cijfer, zoals B24 "
        "(blz. 39) het overneemt."),
    "BT25": SourceText(
        "172134c00438",
        "Berenschot, 'Strategie Trendsonderzoek 2025 defensie-industrie', Utrecht, april "
        "2025.",
        "Een onderzoek los van de NLDTIB-edities en daarmee niet vergelijkbaar. Het eigen "
        "adres van het document en de opdrachtgever zijn niet vastgelegd: de link verwijst "
        "naar de website van de uitgever.",
        "Gebruiksvoorwaarden niet vastgelegd; afzonderlijke cijfers met bronvermelding "
        "geciteerd voor onderzoek (citaatrecht, Auteurswet art. 15a)",
        "Trendonderzoek van april 2025; verwachtingen voor 2024."),
    "N24": SourceText(
        "1a3dbee705fe",
        "NIDV (Stichting Nederlandse Industrie voor Defensie en Veiligheid), nieuwsbericht "
        "'Noodzakelijke opschaling vraagt om passende maatregelen', 2024.",
        "Samenvatting van B24; geen cijfer in de tabel steunt alleen hierop. Het eigen adres "
        "van het bericht is niet vastgelegd: de link verwijst naar de website van de "
        "uitgever.",
        "Gebruiksvoorwaarden niet vastgelegd; aangehaald als samenvatting van B24, er is geen "
        "cijfer aan ontleend",
        "2024; geen opgenomen cijfer steunt erop."),
    "EDA": SourceText(
        "8d527dbe2483",
        "Europees Defensieagentschap (European Defence Agency, EDA), 'Defence Data "
        "2024-2025: Key Findings and Analysis', Brussel, 2025, en de eerdere edities van EDA "
        "Defence Data: defensie-uitgaven, defensie-investeringen, aanschaf van materieel en "
        "R&D (R&T) van de EU-lidstaten.",
        "Lopende prijzen zoals gepubliceerd; dekking EDA27 met het Verenigd Koninkrijk tot en "
        "met 2018, EDA26 (zonder Denemarken) 2019-2021, EU27 vanaf 2022. Overgenomen uit "
        "secundaire bronnen.",
        "© Europees Defensieagentschap; overname toegestaan met bronvermelding (de "
        "standaardvermelding van EDA, niet per editie nagegaan: de cijfers komen uit "
        "herdrukken)",
        "Edities tot en met Defence Data 2024-2025 (verschenen in 2025): gegevens over "
        "2018-2025, de waarden voor 2025 zijn ramingen; een streefcijfer voor 2035.",
        ("European Defence Agency", "Defence Data 2024-2025: Key Findings and Analysis",
         "Defence Data 2024-2025", "EDA Defence Data")),
    "NATO": SourceText(
        "4132d6c84d6b",
        "Noord-Atlantische Verdragsorganisatie (NAVO), 'Defence Expenditure of NATO "
        "Countries (2014-2025)', persbericht met tabellen, NATO Public Diplomacy Division, "
        "Brussel, 2025, en de eerdere edities van de reeks; 'The Hague Summit Declaration', "
        "uitgegeven door de staatshoofden en regeringsleiders van de NAVO, Den Haag, 25 juni "
        "2025.",
        "Uit tweede hand; de prijsgrondslag zoals in elke uitgave gepubliceerd. De link "
        "verwijst naar de pagina van de NAVO over defensie-uitgaven.",
        "Openbare uitgave van de NAVO; gebruiksvoorwaarden van nato.int niet nagegaan; "
        "cijfers met bronvermelding geciteerd",
        "Defence Expenditure of NATO Countries (2014-2025), uitgave 2025: gegevens over "
        "2014-2025, ramingen voor 2017 en 2025; verklaring van de top in Den Haag van 25 juni "
        "2025 (doel voor 2035).",
        ("Defence Expenditure of NATO Countries (2014-2025)", "NATO Public Diplomacy Division",
         "The Hague Summit Declaration")),
    "SIPRI": SourceText(
        "d44810aff243",
        "Stockholm International Peace Research Institute (SIPRI), SIPRI Military "
        "Expenditure Database, Stockholm, uitgave 2025, en factsheet 'Trends in World "
        "Military Expenditure, 2024', april 2025.",
        "Uit tweede hand.",
        "Gebruiksvoorwaarden van de SIPRI-database niet nagegaan; cijfers uit tweede hand, "
        "met bronvermelding geciteerd",
        "Uitgave 2025; gegevens over 2024.",
        ("Stockholm International Peace Research Institute", "SIPRI Military Expenditure "
         "Database", "Trends in World Military Expenditure, 2024")),
    "ASD": SourceText(
        "a327199adc67",
        "AeroSpace and Defence Industries Association of Europe (ASD), 'Facts & Figures', "
        "Brussel, jaarlijkse edities tot en met de editie 2025.",
        "Leden van ASD, alleen defensie. Overgenomen door NIDV, eunews.it en anderen; "
        "'herziene' waarden uit de editie 2025, uit tweede hand. De link verwijst naar de "
        "website van de uitgever.",
        "© ASD; gebruiksvoorwaarden niet nagegaan; cijfers uit tweede hand, met "
        "bronvermelding geciteerd",
        "Edities tot en met 2025: gegevens over 2014-2024, met de herzieningen van 2020-2023 "
        "uit de editie 2025.",
        ("AeroSpace and Defence Industries Association of Europe", "Facts & Figures")),
    "CBS": SourceText(
        "9b9e1891a12d",
        "Centraal Bureau voor de Statistiek (CBS), StatLine open data, Den Haag/Heerlen: "
        "consumentenprijzen, tabel 86141NED (2025=100); producentenprijzen van de industrie, "
        "tabellen 83936NED (2015=100, tot en met 2023, stopgezet) en 85770NED (ProdCom, "
        "2021=100); nationale rekeningen (reële bbp-groei; nominaal bbp na de revisie van "
        "2024); overheidsuitgaven aan defensie.",
        "De tabellen van de nationale rekeningen en van de defensie-uitgaven zijn niet met "
        "hun nummer vastgelegd; de links verwijzen naar de drie prijstabellen.",
        "CC BY 4.0 (open data van het CBS; bronvermelding 'Bron: CBS')",
        "StatLine, gegevens over 2014-2025 zoals gepubliceerd bij de opname; nominaal bbp "
        "2021 na de revisie van 2024."),
    "MINFIN": SourceText(
        "334ad7877f09",
        "Ministerie van Financiën, Miljoenennota 2026 en Rijksbegroting 2026 (Defensie, "
        "hoofdstuk X, Kamerstuk 36 800 X; Defensiematerieelbegrotingsfonds), aangeboden op "
        "Prinsjesdag, 16 september 2025; het begrotingscijfer voor 2024 uit de "
        "Miljoenennota.",
        "De cijfers voor 2026 (€ 26,8 mld., € 3,4 mld. meer) noemde de minister van Defensie "
        "ook op 16 september 2025, volgens Censor.NET "
        "(https://censor.net/en/news/3574439/netherlands-to-increase-defense-budget-in-2026). "
        "De editie van de Miljoenennota achter het cijfer voor 2024 is niet vastgelegd. De "
        "link verwijst naar de begrotingssite van het Ministerie van Financiën.",
        _RIJK,
        "Begroting 2026 zoals aangeboden in september 2025 (zonder latere wijziging zoals een "
        "Voorjaarsnota); begroting 2024."),
    "SECONDARY": SourceText(
        "4dc0e987dbda",
        "NIET TE HERLEIDEN: een secundair bericht (nieuws) over posten van de Nederlandse "
        "defensiebegroting, € 19,8 mld. voor 2025 en € 34,5 mld. voor 2026. Medium, auteur, "
        "datum en adres zijn bij de opname van de cijfers niet vastgelegd, en de cijfers zijn "
        "niet te herleiden tot een primaire tabel.",
        "NIET GEBRUIKEN VOOR ANALYSE. In strijd met de Miljoenennota (€ 26,8 mld. voor 2026, "
        "€ 3,4 mld. meer dan in 2025, dus ongeveer € 23,4 mld. voor 2025) en met het CBS "
        "(€ 19,9 mld. defensie-uitgaven in 2024); de definitie is onbekend. Alleen opgenomen "
        "om de tegenstrijdigheid vast te leggen; geen model gebruikt deze cijfers.",
        "Onbekend: de uitgever is niet bekend",
        "Begrotingsposten voor 2025 en 2026; datum van het bericht onbekend.",
        url="geen: niet te herleiden. Doorzocht: de bronnotities van het project (de brief, "
            "de gepubliceerde cijfers, de marktgegevens), die geen medium noemen, en "
            "nieuwsberichten over de Nederlandse defensiebegroting 2025-2026, waarvan geen "
            "enkel bericht deze cijfers geeft; geen cijfer van de Miljoenennota, de NAVO of "
            "het CBS in de opgenomen gegevens komt ermee overeen."),
    "PWC": SourceText(
        "7d6b03d9158a",
        "PwC, raming van het pad van de Nederlandse defensie-uitgaven naar 3,5% van het bbp "
        "in 2035 (€ 22 mld. in 2025, ongeveer € 38 mld. in 2030, € 59 mld. in 2035), 2025, "
        "uit tweede hand.",
        "Uit tweede hand; de oorspronkelijke publicatie van PwC is niet gevonden.",
        "Onbekend (publicatie niet gevonden); drie cijfers met bronvermelding geciteerd",
        "Raming uit 2025 van een pad voor 2025-2035.",
        url="geen: uit tweede hand; de publicatie van PwC, de datum en het adres zijn niet "
            "vastgelegd en de publicatie is niet gevonden."),
    "EC": SourceText(
        "8096661473ef",
        "Europese Commissie, 'ReArm Europe Plan / Readiness 2030', gepresenteerd door "
        "voorzitter Von der Leyen, Brussel, 4 maart 2025; Europese Commissie en de hoge "
        "vertegenwoordiger van de Unie voor buitenlandse zaken en veiligheidsbeleid, 'A new "
        "European Defence Industrial Strategy: Achieving EU readiness through a responsive "
        "and resilient European defence industry' (EDIS), JOIN(2024) 10 final, Brussel, "
        "5 maart 2024.",
        "De eerste link verwijst naar EDIS op EUR-Lex, de tweede naar de website van de "
        "Commissie over de defensie-industrie (ReArm Europe / Readiness 2030).",
        "© Europese Unie; hergebruik toegestaan met bronvermelding volgens Besluit "
        "2011/833/EU van de Commissie (CC BY 4.0 volgens Besluit C(2019) 1655)",
        "EDIS van maart 2024 (doelen voor 2030 en 2035); ReArm Europe van 4 maart 2025.",
        ("ReArm Europe Plan / Readiness 2030", "A new European Defence Industrial Strategy: "
         "Achieving EU readiness through a responsive and resilient European defence "
         "industry")),
}


def source_text(row: Mapping, lang: str = "en") -> SourceText | None:
    """The Dutch of a row of ``sources.csv`` (a mapping with ``key`` and
    :data:`SOURCE_FIELDS`) for ``lang="nl"``: None in English, for an unknown key, or when
    the English changed since the Dutch was written (its :func:`fingerprint` differs)."""
    if lang != "nl":
        return None
    found = SOURCES_NL.get(str(row.get("key", "")))
    return found if found is not None and found.english == fingerprint(row) else None


#: The Dutch of the notes of the survey's headline figures (``headline.csv``, ``note``).
_HEADLINE_NOTES_NL = {
    "the 2026 letter states +21.5%, but its levels 8.0 -> 10.2 bn give +27.5%; see "
    "audit_published()":
        "de Kamerbrief van 2026 noemt +21,5%, maar de niveaus in de brief (€ 8,0 mld. naar "
        "€ 10,2 mld.) geven +27,5%; zie de controle van de gepubliceerde cijfers",
    "association under unconfoundedness, not causation; the letter says PE-backed firms "
    "grow faster (no number)":
        "samenhang, geen oorzakelijk verband (onder de aanname dat er geen verstorende "
        "factoren buiten het model zijn); de Kamerbrief stelt dat bedrijven met private "
        "equity sneller groeien (zonder getal)",
}


#: The Dutch of the notes of the published figures (``published_figures.csv``, ``note``).
_PUBLISHED_NOTES_NL = {
    "'circa een op de drie' (about 1 in 3) firms; private equity increasingly important, esp. "
    "for newcomers; PE-backed firms grow faster":
        "'circa een op de drie' bedrijven; private equity wordt belangrijker, vooral voor "
        "nieuwkomers; bedrijven met private equity groeien sneller",
    "20% of firms earn 85% of turnover":
        "20% van de bedrijven verdient 85% van de omzet",
    "2019-2023 average as stated ('circa 45%'); year_start 2019, year 2023":
        "gemiddelde over 2019-2023 zoals vermeld ('circa 45%'); beginjaar 2019, jaar 2023",
    "D&S FTE as a share of all FTE at NLDTIB firms ('~12%')":
        "fte in D&S als aandeel van alle fte bij de NLDTIB-bedrijven ('~12%')",
    "D&S R&D employment":
        "R&D-werkgelegenheid in D&S",
    "D&S R&D employment; trend break between 2017 and 2019 (method change), do not chain":
        "R&D-werkgelegenheid in D&S; trendbreuk tussen 2017 en 2019 (andere methode), niet "
        "aan elkaar koppelen",
    "D&S share of the firms' total turnover":
        "aandeel D&S in de totale omzet van de bedrijven",
    "D&S share of the firms' total turnover; same figure as B24":
        "aandeel D&S in de totale omzet van de bedrijven; hetzelfde cijfer als in B24",
    "D&S share of the firms' total turnover; trend break between 2017 and 2019 (method "
    "change), do not chain":
        "aandeel D&S in de totale omzet van de bedrijven; trendbreuk tussen 2017 en 2019 "
        "(andere methode), niet aan elkaar koppelen",
    "D&S turnover growth 2021->2023 as stated":
        "groei van de D&S-omzet 2021-2023 zoals vermeld",
    "D&S-related export":
        "D&S-gerelateerde export",
    "D&S-related export; trend break between 2017 and 2019 (method change), do not chain":
        "D&S-gerelateerde export; trendbreuk tussen 2017 en 2019 (andere methode), niet aan "
        "elkaar koppelen",
    "D&S-related turnover":
        "D&S-gerelateerde omzet",
    "D&S-related turnover; trend break between 2017 and 2019 (method change), do not chain":
        "D&S-gerelateerde omzet; trendbreuk tussen 2017 en 2019 (andere methode), niet aan "
        "elkaar koppelen",
    "Dutch MoD materiel spending":
        "materieeluitgaven van Defensie",
    "NL share of European defence turnover, ASD data as used by B24":
        "Nederlands aandeel in de Europese defensieomzet, gegevens van ASD zoals B24 ze "
        "gebruikt",
    "OEMs as a share of firms":
        "OEM's als aandeel van de bedrijven",
    "OEMs with an integrator role, 'circa 20%' of firms":
        "OEM's met een rol als integrator, 'circa 20%' van de bedrijven",
    "R&D share of D&S FTE (page not given in the summary used)":
        "aandeel R&D in de fte in D&S (pagina niet vermeld in de gebruikte samenvatting)",
    "R&D spending as a share of turnover, NLDTIB firms":
        "R&D-uitgaven als aandeel van de omzet, NLDTIB-bedrijven",
    "SMEs (fewer than 250 employees) as a share of firms":
        "mkb-bedrijven (minder dan 250 werknemers) als aandeel van de bedrijven",
    "all R&D employment at NLDTIB firms (D&S and other)":
        "alle R&D-werkgelegenheid bij de NLDTIB-bedrijven (D&S en overig)",
    "all R&D employment at NLDTIB firms (D&S and other); trend break between 2017 and 2019":
        "alle R&D-werkgelegenheid bij de NLDTIB-bedrijven (D&S en overig); trendbreuk tussen "
        "2017 en 2019",
    "as stated by the letter (+21.5%); inconsistent with the stated levels 8.0 -> 10.2 bn "
    "(+27.5%)":
        "zoals vermeld in de brief (+21,5%); klopt niet met de vermelde niveaus van € 8,0 "
        "mld. naar € 10,2 mld. (+27,5%)",
    "benchmark: Dutch economy":
        "ter vergelijking: de Nederlandse economie",
    "benchmark: Dutch industry":
        "ter vergelijking: de Nederlandse industrie",
    "domestic growth outpaces international demand; NL share of the European defence market "
    "falling":
        "de binnenlandse groei is sneller dan de internationale vraag; het Nederlandse "
        "aandeel in de Europese defensiemarkt daalt",
    "employment at NLDTIB firms, all activities":
        "werkgelegenheid bij de NLDTIB-bedrijven, alle activiteiten",
    "employment at NLDTIB firms, all activities; trend break between 2017 and 2019 (method "
    "change), do not chain":
        "werkgelegenheid bij de NLDTIB-bedrijven, alle activiteiten; trendbreuk tussen 2017 "
        "en 2019 (andere methode), niet aan elkaar koppelen",
    "employment in D&S activities":
        "werkgelegenheid in D&S-activiteiten",
    "employment in D&S activities; trend break between 2017 and 2019 (method change), do not "
    "chain":
        "werkgelegenheid in D&S-activiteiten; trendbreuk tussen 2017 en 2019 (andere "
        "methode), niet aan elkaar koppelen",
    "expected 2024 D&S turnover in a separate trend survey (April 2025); L26 reports 8.0 bn "
    "for 2024":
        "verwachte D&S-omzet 2024 in een afzonderlijk trendonderzoek (april 2025); L26 meldt "
        "€ 8,0 mld. voor 2024",
    "expected scale-up of D&S turnover; not comparable with L26's 'current conditions' "
    "figure; barriers (p.47): contract certainty, staff shortages, bureaucracy, "
    "materials/chips, space/grid congestion, ESG exclusion by suppliers":
        "verwachte opschaling van de D&S-omzet; niet vergelijkbaar met het cijfer 'huidige "
        "omstandigheden' van L26; belemmeringen (blz. 47): zekerheid over contracten, "
        "personeelstekort, bureaucratie, materialen/chips, ruimte/netcongestie, uitsluiting "
        "op ESG-gronden door leveranciers",
    "export share of D&S turnover":
        "exportaandeel van de D&S-omzet",
    "export share of D&S turnover; trend break between 2017 and 2019":
        "exportaandeel van de D&S-omzet; trendbreuk tussen 2017 en 2019",
    "export share of defence turnover, ASD data as used by B24":
        "exportaandeel van de defensieomzet, gegevens van ASD zoals B24 ze gebruikt",
    "export share of defence turnover, ASD data as used by B24; differs from the survey's "
    "export_share":
        "exportaandeel van de defensieomzet, gegevens van ASD zoals B24 ze gebruikt; wijkt af "
        "van het exportaandeel uit de enquête",
    "falls because of many entrants (trend break vs 2023: wider population); note the same "
    "digits as the 10.2 bn turnover":
        "daalt door veel toetreders (trendbreuk ten opzichte van 2023: ruimere populatie); "
        "let op: dezelfde cijfers als de omzet van € 10,2 mld.",
    "firms by main defence domain (population 1,050)":
        "bedrijven naar belangrijkste defensiedomein (populatie 1.050)",
    "firms by number of employees (population 1,050)":
        "bedrijven naar aantal werknemers (populatie 1.050)",
    "first figure of the 2026 edition after 2023 (population widened to 1,503 firms by 2025, "
    "partly a scope change): trend break vs the B24 series, do not chain with 2023":
        "eerste cijfer van de editie 2026 na 2023 (populatie verruimd tot 1.503 bedrijven in "
        "2025, deels door een andere afbakening): trendbreuk ten opzichte van de reeks van "
        "B24, niet aan 2023 koppelen",
    "growth mainly in 'intelligent systems'; partly a change of scope of the population: "
    "trend break vs 2023, do not chain":
        "groei vooral in 'intelligente systemen'; deels een andere afbakening van de "
        "populatie: trendbreuk ten opzichte van 2023, niet aan elkaar koppelen",
    "growth of Dutch MoD materiel spending 2021->2023 as stated":
        "groei van de materieeluitgaven van Defensie 2021-2023 zoals vermeld",
    "indirect FTE per D&S FTE used for fte_indirect":
        "indirecte fte per fte in D&S, gebruikt voor de indirecte werkgelegenheid",
    "indirect employment ('~11,000 FTE')":
        "indirecte werkgelegenheid ('~11.000 fte')",
    "letter says +21.5% vs 2024; 10.2/8.0-1 = +27.5% (see audit_published)":
        "de brief noemt +21,5% ten opzichte van 2024; 10,2/8,0 - 1 = +27,5% (zie de controle "
        "van de gepubliceerde cijfers)",
    "lower bound: 'more than 70%' of firms expect turnover growth":
        "ondergrens: 'meer dan 70%' van de bedrijven verwacht omzetgroei",
    "maximum scale-up of D&S turnover ('~60%'); not comparable with L26's 'improved "
    "conditions' figure":
        "maximale opschaling van de D&S-omzet ('~60%'); niet vergelijkbaar met het cijfer "
        "'verbeterde omstandigheden' van L26",
    "population 2023, as in B24 (before the 2025 scope change)":
        "populatie 2023, zoals in B24 (vóór de andere afbakening van 2025)",
    "population of an earlier survey edition, shown under B24's data year":
        "populatie van een eerdere editie van het onderzoek, getoond onder het gegevensjaar "
        "van B24",
    "population of an earlier survey edition, shown under B24's data year; trend break "
    "between 2017 and 2019 (method change)":
        "populatie van een eerdere editie van het onderzoek, getoond onder het gegevensjaar "
        "van B24; trendbreuk tussen 2017 en 2019 (andere methode)",
    "population of the 2016 survey edition (B24 p.68), shown under data year 2014":
        "populatie van de editie 2016 van het onderzoek (B24, blz. 68), getoond onder "
        "gegevensjaar 2014",
    "population of the 2019 survey edition (B24 p.68), shown under data year 2017; last year "
    "before the trend break":
        "populatie van de editie 2019 van het onderzoek (B24, blz. 68), getoond onder "
        "gegevensjaar 2017; laatste jaar vóór de trendbreuk",
    "population of the 2022 survey edition (B22; B24 p.68), shown under data year 2019; first "
    "year after the trend break":
        "populatie van de editie 2022 van het onderzoek (B22; B24, blz. 68), getoond onder "
        "gegevensjaar 2019; eerste jaar na de trendbreuk",
    "population of the 2024 survey edition (B24 p.68)":
        "populatie van de editie 2024 van het onderzoek (B24, blz. 68)",
    "potential scale-up when conditions improve; barriers: order-volume uncertainty, complex "
    "and long procurement, labour; firms in the five NLD areas (radars and sensors, "
    "intelligent systems, space, smart materials, quantum) and the maritime domain (DSII) "
    "expect higher turnover and job growth":
        "mogelijke opschaling als de omstandigheden verbeteren; belemmeringen: onzekerheid "
        "over ordervolumes, complexe en lange aanbesteding, arbeidskrachten; bedrijven in de "
        "vijf NLD-gebieden (radars en sensoren, intelligente systemen, spacetechnologie, "
        "slimme materialen, quantumtechnologie) en het maritieme domein (DSII) verwachten "
        "meer omzet- en banengroei",
    "responding firms, 2024 survey edition":
        "responderende bedrijven, editie 2024 van het onderzoek",
    "response rate, 2024 survey edition (286 of 1,050)":
        "responspercentage, editie 2024 van het onderzoek (286 van de 1.050)",
    "share of firms excluded by financiers":
        "aandeel bedrijven dat door financiers wordt uitgesloten",
    "share of firms expecting more than 10% turnover growth ('~36%')":
        "aandeel bedrijven dat meer dan 10% omzetgroei verwacht ('~36%')",
    "share of firms expecting turnover growth in the 2022 edition, as reported by B24":
        "aandeel bedrijven dat omzetgroei verwacht in de editie 2022, zoals B24 meldt",
    "share of firms for which D&S turnover is marginal":
        "aandeel bedrijven waarvoor de D&S-omzet marginaal is",
    "share of firms fully dependent on D&S turnover":
        "aandeel bedrijven dat volledig afhankelijk is van D&S-omzet",
    "share of firms naming this barrier (survey of April 2025, stored under its last data "
    "year 2024)":
        "aandeel bedrijven dat deze belemmering noemt (onderzoek van april 2025, opgeslagen "
        "onder het laatste gegevensjaar 2024)",
    "share of firms not passing on cost increases ('ongeveer 14%'); growth mainly volume, no "
    "disproportionate price rises":
        "aandeel bedrijven dat kostenstijgingen niet doorberekent ('ongeveer 14%'); groei "
        "vooral in volume, geen onevenredige prijsstijgingen",
    "share of firms that attracted financing from this source in the last three years":
        "aandeel bedrijven dat in de afgelopen drie jaar financiering uit deze bron heeft "
        "aangetrokken",
    "share of firms that attracted no financing in the last three years ('~75%')":
        "aandeel bedrijven dat in de afgelopen drie jaar geen financiering heeft aangetrokken "
        "('~75%')",
    "share of firms with financing challenges":
        "aandeel bedrijven met uitdagingen bij de financiering",
    "share of firms with this customer group (multiple answers)":
        "aandeel bedrijven met deze klantgroep (meer antwoorden mogelijk)",
    "turnover per FTE in the European comparison (ASD data as used by B24); read as the Dutch "
    "figure":
        "omzet per fte in de Europese vergelijking (gegevens van ASD zoals B24 ze gebruikt); "
        "gelezen als het Nederlandse cijfer",
    "turnover scale-up possible under current conditions; not comparable with B24's "
    "'expected' scale-up":
        "mogelijke opschaling van de omzet onder huidige omstandigheden; niet vergelijkbaar "
        "met de 'verwachte' opschaling van B24",
    "value added, read off a chart":
        "toegevoegde waarde, afgelezen uit een grafiek",
    "value added, read off a chart; trend break between 2017 and 2019":
        "toegevoegde waarde, afgelezen uit een grafiek; trendbreuk tussen 2017 en 2019",
}


def published_note(note: str, lang: str = "en") -> str | None:
    """A note of the published figures in ``lang``: the note itself in English, its Dutch
    in Dutch (None when no Dutch is known)."""
    if lang != "nl":
        return note
    return _PUBLISHED_NOTES_NL.get(" ".join(str(note).split()))


def headline_note(note: str, lang: str = "en") -> str | None:
    """A note of the survey's headline figures in ``lang``: the note itself in English, its
    Dutch in Dutch (None when no Dutch is known)."""
    if lang != "nl":
        return note
    text = " ".join(str(note).split())
    if text in _HEADLINE_NOTES_NL:
        return _HEADLINE_NOTES_NL[text]
    found = re.fullmatch(r"'(\w+)' not answered in (\d{4})", text)
    if found:
        return (f"{label(found.group(1), 'nl', strict=False)}: niet gevraagd in "
                f"{found.group(2)}")
    return None


# ------------------------------------------------------------- a model's technical description
#: The phrases of the models' technical descriptions (``method`` and ``intervals_include``
#: of their results), in Dutch: (English regular expression, Dutch), applied in order. An
#: identifier left over is labelled in Dutch; a text with English left over is not used.
_TECHNICAL_NL: tuple[tuple[str, str], ...] = (
    (r"NLDTIB outlook: ", "NLDTIB-verkenning: "),
    (r"demand from the export share model \(exports respond to the European market at the "
     r"estimated elasticity\)",
     "de vraag uit het exportaandeelmodel (de export reageert op de Europese markt met de "
     "geschatte elasticiteit)"),
    (r"demand from the export share model \(exports follow the log-linear trend of the "
     r"market share\)",
     "de vraag uit het exportaandeelmodel (de export volgt de log-lineaire trend van het "
     "marktaandeel)"),
    (r"capacity from the capacity model", "de capaciteit uit het capaciteitsmodel"),
    (r"volume = min\(demand, capacity\) by (\w+)", r"volume = min(vraag, capaciteit) per \1"),
    (r"prices = cost inflation x pass-through", "prijzen = kostenstijging x doorberekening"),
    (r"^capacity: ", "capaciteit: "),
    (r"; demand: ", "; vraag: "),
    (r"parameter uncertainty \(priors: ([^)]*)\)",
     r"onzekerheid over de parameters (a-prioriverdelingen: \1)"),
    (r"\) and (sampling uncertainty)", r") en \1"),
    (r"sampling uncertainty \(survey bootstrap: Rao-Wu rescaling\)",
     "steekproefonzekerheid (bootstrap van de enquête: Rao-Wu-herschaling)"),
    (r"sampling uncertainty \(survey bootstrap: weighted Bayesian\)",
     "steekproefonzekerheid (bootstrap van de enquête: gewogen Bayesiaans)"),
    (r"nothing random \(fixed parameters, no survey bootstrap\)",
     "geen toeval (vaste parameters, geen bootstrap van de enquête)"),
    (r"parameter uncertainty of the export elasticity and the residual variances of m and "
     r"the domestic ratio d \(drawn from their posterior given (\d+) years\)",
     r"onzekerheid over de exportelasticiteit en de restvarianties van m en de binnenlandse "
     r"ratio d (getrokken uit hun a-posterioriverdeling bij \1 jaren)"),
    (r"parameter uncertainty of the log-linear trend of the market share m and the residual "
     r"variances of m and the domestic ratio d \(drawn from their posterior given (\d+) "
     r"years\)",
     r"onzekerheid over de log-lineaire trend van het marktaandeel m en de restvarianties van "
     r"m en de binnenlandse ratio d (getrokken uit hun a-posterioriverdeling bij \1 jaren)"),
    (r" and year-to-year deviations of m and d from their equations",
     " en afwijkingen van m en d van hun vergelijkingen van jaar tot jaar"),
    (r"; survey sampling uncertainty of the base-year levels",
     "; steekproefonzekerheid van de niveaus in het basisjaar"),
    (r"; sampling uncertainty of the pass-through coefficient \(normal with its robust "
     r"standard error, truncated at 0\)",
     "; steekproefonzekerheid van de doorberekeningscoëfficiënt (normaal verdeeld met zijn "
     "robuuste standaardfout, afgekapt bij 0)"),
    (r"; productivity growth drawn from the capacity model's prior\.",
     "; de groei van de productiviteit getrokken uit de a-prioriverdeling van het "
     "capaciteitsmodel."),
    (r" Not included: uncertainty of the scenario paths \(markets, spending, cost inflation: "
     r"shown as separate scenarios\), entry of new firms, substitution between segments, "
     r"model error",
     " Niet inbegrepen: onzekerheid over de paden van de scenario's (markten, uitgaven, "
     "kostenstijging: getoond als afzonderlijke scenario's), de toetreding van nieuwe "
     "bedrijven, verschuivingen tussen segmenten, modelfouten"),
    (r"; not scenario uncertainty \(scenarios are shown separately\) nor model error",
     "; niet de onzekerheid over de scenario's (die staan apart) en geen modelfouten"),
)
#: An identifier in a technical description (``curvature_orders``, ``nld_area``).
_IDENTIFIER = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(])")


def technical_text(text: str, lang: str = "en") -> str | None:
    """A model's technical description in ``lang``: the text itself in English; in Dutch
    from :data:`_TECHNICAL_NL`, identifiers by their Dutch labels (names in a list apart by
    semicolons, as a label may hold a comma), or None when a word of English is left over
    (:func:`english_words`) or an identifier without a label."""
    if lang != "nl":
        return text
    out = str(text)
    for pattern, dutch in _TECHNICAL_NL:
        out = re.sub(pattern, dutch, out)

    def names(match: re.Match) -> str:
        parts = [p.strip() for p in match.group(1).split(",")]
        shown = [_mid(label(p, "nl", strict=False)) for p in parts]
        return f"(a-prioriverdelingen: {'; '.join(shown)})"

    out = re.sub(r"\(a-prioriverdelingen: ([^)]*)\)", names, out)
    out = _IDENTIFIER.sub(lambda m: _mid(label(m.group(0), "nl", strict=False)), out)
    return None if english_words(out) or _IDENTIFIER.search(out) else out


def _mid(text: str) -> str:
    """A label inside a sentence: a lower-case first letter unless it is an abbreviation."""
    first = text.split(" ", 1)[0]
    if first[1:2].isupper() or not first[:1].isupper():
        return text
    return text[:1].lower() + text[1:]


#: The Dutch of the models' settings recorded as text (``priors``: ``value``).
_SETTINGS_NL = {"min": "minimum (de sterkst knellende belemmering)", "mean": "gemiddelde",
                "gamma": "gammacurve", "logistic": "logistische curve",
                "pool": "gedeeld arbeidsaanbod", "none": "geen", "rao_wu": "Rao-Wu",
                "bayesian": "Bayesiaanse bootstrap"}


def setting_text(text: str, lang: str = "en") -> str:
    """A model's setting recorded as text (``"gamma"``, ``"estimated: pooled ..."``) in
    ``lang``; the text itself when no Dutch is known."""
    if lang != "nl":
        return text
    found = re.fullmatch(r"estimated: pooled survey-weighted regression, (\d{4}), HC1 s\.e\.",
                         text)
    if found:
        return (f"geschat: gepoolde regressie met enquêtegewichten, {found.group(1)}, "
                "HC1-standaardfouten")
    return _SETTINGS_NL.get(text, text)


# ------------------------------------------------------------------ English left in Dutch
#: English words that are no Dutch words: two of them in a sentence mark it as English (*of*,
#: *is*, *in*, *over* and *door* are Dutch words too, so they do not count).
ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "and", "which", "with", "from", "are", "that", "this", "these", "for", "by", "to",
    "its", "their", "were", "has", "have", "than", "into", "not", "or", "an", "when",
    "where", "would", "should", "could", "will", "can", "between", "under", "after",
    "before", "each", "every", "only", "also", "such", "there", "they"})


def english_words(text: str) -> int:
    """How many English function words (:data:`ENGLISH_FUNCTION_WORDS`) ``text`` holds."""
    return sum(1 for w in re.findall(r"[a-z]+", str(text).lower())
               if w in ENGLISH_FUNCTION_WORDS)


# ------------------------------------------------------------------ the tables of a workbook
def localized_tables(tables: Mapping[str, pd.DataFrame], results: Mapping,
                     scenarios: Mapping, lang: str) -> dict[str, pd.DataFrame]:
    """The report's tables with their texts in ``lang``, for the workbook (the CSV files keep
    the English, for programs): in Dutch the sentence on the binding constraint, the notes
    of the audit and of the headline figures, the scenarios' descriptions and sources, the
    drivers' definitions and sources, the models' technical descriptions and settings, and
    the texts of the data sources. A text without Dutch keeps its English. ``tables`` itself
    is not changed; in English it is returned as it is (a new dict)."""
    out = dict(tables)
    if lang != "nl":
        return out
    from nldtib_forecast.data import audit_published
    from nldtib_forecast.report.tables import constraints_table, scenario_table
    from nldtib_forecast.scenarios import get_driver

    if "constraints" in out:
        out["constraints"] = constraints_table(results, lang)
    if "audit" in out:
        dutch = audit_published(lang="nl")
        audit = out["audit"]
        if list(dutch["check"]) == list(audit["check"]):  # the embedded figures: the same rows
            out["audit"] = audit.assign(note=dutch["note"].to_numpy())
    if "scenarios" in out:
        out["scenarios"] = scenario_table(scenarios, lang)
    if "drivers" in out:
        frame = out["drivers"].copy()
        frame["description"] = [label(d, "nl", kind="driver", long=True, strict=False)
                                if label(d, "nl", kind="driver", long=True, strict=False) != d
                                else text for d, text in zip(frame["driver"],
                                                             frame["description"],
                                                             strict=True)]
        frame["source"] = [get_driver(d).source_nl or text
                           for d, text in zip(frame["driver"], frame["source"], strict=True)]
        out["drivers"] = frame
    if "models" in out:
        frame = out["models"].copy()
        for column in ("method", "intervals_include"):
            if column in frame:
                frame[column] = [technical_text(t, "nl") or t for t in frame[column]]
        out["models"] = frame
    if "priors" in out and "value" in out["priors"]:
        frame = out["priors"].copy()
        frame["value"] = [setting_text(v, "nl") if isinstance(v, str) else v
                          for v in frame["value"]]
        out["priors"] = frame
    if "published" in out and "note" in out["published"]:
        frame = out["published"].copy()
        frame["note"] = [v if not isinstance(v, str) or not v.strip()
                         else (published_note(v, "nl") or v) for v in frame["note"]]
        out["published"] = frame
    if "headline" in out and "note" in out["headline"]:
        frame = out["headline"].copy()
        frame["note"] = [v if not isinstance(v, str) or not v.strip()
                         else (headline_note(v, "nl") or v) for v in frame["note"]]
        out["headline"] = frame
    if "sources" in out:
        frame = out["sources"].copy()
        rows = frame.to_dict("records")
        for field in SOURCE_FIELDS:
            if field in frame:
                frame[field] = [getattr(t, field) or r[field] if (t := source_text(r, "nl"))
                                else r[field] for r in rows]
        out["sources"] = frame
    return out
