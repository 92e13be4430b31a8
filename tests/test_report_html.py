"""The HTML report as a reader sees it (issue 15, item 3): human labels, formatted numbers,
notes, the binding constraint near the top, tables that fit the page, a print layout.

The content checks are those of ``.ci/check_report_html.py`` (which CI also runs in headless
Chromium on the smoke-test report), run here on the HTML text with an HTML parser, so that the
suite catches a regression without a browser."""

from __future__ import annotations

import html as _html
import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.report import html as report_html

CHECK_SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "check_report_html.py"


@pytest.fixture(scope="module")
def checker():
    if not CHECK_SCRIPT.is_file():  # an unpacked sdist has no .ci/
        pytest.skip(f"{CHECK_SCRIPT} is not here")
    spec = importlib.util.spec_from_file_location("check_report_html", CHECK_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report_dir(shared_report) -> Path:
    """``report --seed 0 --draws 200``, built once per session (tests/conftest.py); read-only."""
    return shared_report


@pytest.fixture(scope="module")
def page(report_dir) -> str:
    return (report_dir / "nldtib_report.html").read_text(encoding="utf-8")


def _visible(page: str) -> str:
    """The page's text without tags, styles and the verbatim scenario file."""
    text = re.sub(r"<(style|pre)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_report_passes_the_content_checks(checker, page):
    assert checker.check_html(page) == []


def test_the_checks_catch_what_the_issue_lists(checker):
    names = checker.identifiers()
    assert {"turnover_nominal_eur", "fte_required", "current_conditions",
            "baseline/improved_conditions", "order_certainty"} <= names
    bad = ("<html><body><h1>Report</h1><h3>turnover_nominal_eur</h3>"
           "<table><tr><th>fte_required</th><th>baseline</th></tr>"
           "<tr><td>2.150000e-01</td><td>nan</td><td>&lt;NA&gt;</td><td>None</td></tr>"
           "</table><figure><img src='http://example.org/x.png' alt='current_conditions'>"
           "<figcaption>baseline/improved_conditions</figcaption></figure></body></html>")
    problems = "\n".join(checker.check_html(bad, names))
    for text in ("'turnover_nominal_eur' in <h3>", "'fte_required' in <th>",
                 "'baseline' in <th>", "'baseline/improved_conditions' in <figcaption>",
                 "'current_conditions' in the alt text", "image not embedded",
                 "'2.150000e-01'", "'nan'", "'<NA>'", "'None'"):
        assert text in problems, text
    # file names in a caption, words that merely contain an identifier, prose: fine
    good = ("<html><body><h1>Report</h1><h2>Baseline and utilisation</h2><figure>"
            "<img src='data:image/png;base64,AA==' alt='D&amp;S turnover'><figcaption>"
            "Turnover (file <code>fan_outlook_turnover_nominal_eur.png</code>)</figcaption>"
            "</figure><pre>x = 1e-05</pre><p>None of the 3 figures; 1,000 draws</p>"
            "</body></html>")
    (only,) = checker.check_html(good, names)  # "None" is checked as it is written
    assert only.startswith("visible text: 'None' in ")


def test_labels_come_from_one_function_with_identifiers_kept(page, monkeypatch):
    # every variable of the summary is shown by its label, the identifier in data-id/title
    assert 'data-id="turnover_nominal_eur"' in page
    assert f">{_html.escape(report_html._label('turnover_nominal_eur'))}<" in page
    assert 'title="baseline"' in page
    # without the registry the fallback is readable text made from the identifier
    monkeypatch.setattr(report_html, "_REGISTRY", None)
    assert report_html._label("turnover_nominal_eur") == "Turnover nominal"
    assert report_html._label("fte_required") == "FTE required"
    assert report_html._label("baseline/improved_conditions") == \
        "Baseline / Improved conditions"
    assert report_html._label("nld_area=space") == "NLD area: space"


def test_numbers_are_formatted_and_missing_values_are_dashes(page):
    text = _visible(page)
    assert not re.search(r"\d(\.\d+)?e[+-]\d", text)
    assert not re.search(r"\b(nan|NaN|None)\b|<NA>", text)
    # the audit table: percentages and percentage points, not 2.150000e-01
    assert "21.5%" in text and "27.5%" in text and "-6.0 pp" in text
    # a missing value is an em dash, with a legend
    assert "\u2014" in text and "no value: not applicable" in text


def test_notes_are_visible(page, report_dir):
    """The note that explains +21.5% vs +27.5% (headline.csv) is on the page; so is every
    audit note."""
    text = _visible(page).lower()
    headline = pd.read_csv(report_dir / "headline.csv")
    for note in headline["note"].dropna():
        assert " ".join(str(note).split()).lower() in text, note
    assert "the 2026 letter states +21.5%" in text


def test_binding_constraint_sentence_near_the_top(page):
    top = page.index('id="binding"')
    assert top < page.index('id="effects"') < page.index('id="summary"')
    section = _visible(page[top:page.index('id="effects"')]).replace(" :", ":")
    assert "Which limit binds in 2035" in section
    assert "Baseline: capacity limits turnover" in section
    assert "Constant shares of GDP: demand limits turnover under every policy" in section


def test_exit_has_one_sign(page, report_dir):
    """Exits are a negative contribution in the table as in the waterfall chart."""
    dec = pd.read_csv(report_dir / "decomposition.csv", index_col=0)
    last = dec.index[-1]
    if dec.loc[last, "status"] != "publish":
        pytest.skip("the last year is suppressed")
    exit_text = f"-{100 * dec.loc[last, 'exit']:.1f}%"
    waterfall = page[page.index('id="waterfall"'):page.index('id="headline"')]
    assert exit_text in _visible(waterfall)
    assert "exits negative" in waterfall


def test_scenario_definitions_once(page):
    from nldtib_forecast.report.run import default_scenarios

    page = re.sub(r"<pre\b.*?</pre>", "", page, flags=re.S)  # the scenario file as it is

    scenarios = default_scenarios()  # once: each call reloads the registry (slow)
    for name, scenario in scenarios.items():
        description = _html.escape(scenario.description.split(":")[0], quote=True)
        if description:
            assert page.count(description) >= 1, name
        for source in scenario.sources:  # folded, once per scenario at most
            assert page.count(_html.escape(source, quote=True)) <= sum(
                source in s.sources for s in scenarios.values())
    assert page.count("<details") >= len(scenarios)


def test_print_layout_and_self_containment(page):
    css = page[page.index("<style>"):page.index("</style>")]
    assert "@media print" in css and "break-before:page" in css
    assert "break-inside:avoid" in css and "@page{size:A4" in css
    assert "sticky" not in css and "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    # the existing sections and anchors stay
    for anchor in ("effects", "summary", "charts", "waterfall", "headline", "audit",
                   "scenarios", "assumptions", "sources", "provenance"):
        assert f'id="{anchor}"' in page, anchor


def test_fan_charts_are_small_multiples(report_dir, page):
    """One panel per future, with a legend whose swatches have the bands' colours."""
    assert page.count('data-file="fan_outlook_') == 7
    assert "one panel per future" in page
    caption = re.search(r'data-file="fan_outlook_turnover_nominal_eur.png".*?<figcaption>'
                        r"(.*?)</figcaption>", page, re.S).group(1)
    assert "turnover_nominal_eur" not in caption.split("<span")[0]


@pytest.mark.skipif(not CHECK_SCRIPT.is_file(), reason="no .ci/ (sdist)")
def test_in_headless_chromium(checker, report_dir, tmp_path):
    chromium = checker.find_chromium()
    if chromium is None:
        pytest.skip("no Chromium on this machine")
    problems, detail = checker.check_browser(chromium, report_dir / "nldtib_report.html",
                                             tmp_path / "report.pdf")
    assert problems == [], detail
    assert (tmp_path / "report.pdf").stat().st_size > 10_000


def test_run_of_plain_scenarios_passes_the_content_checks(checker, population_run):
    """``run FILE`` without a grid: one panel per scenario, a row per scenario."""
    out = population_run  # run examples/scenarios/example.toml on a survey file, once
    page = (out / "nldtib_report.html").read_text(encoding="utf-8")
    assert checker.check_html(page) == []
    assert "one panel per scenario" in page and 'data-id="procurement_reform"' in page
    # the file's own labels (label_en), not labels made from the names
    assert '<h4 data-id="procurement_reform" title="procurement_reform">Procurement reform' \
        in page
    assert ">Labour push<" in page and ">Slow reform<" in page


# ------------------------------------------------------------------------------------------
# the page in Dutch (issue 15, item 1): ``report --lang nl``
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nl_report_dir(shared_report_nl) -> Path:
    """``report --lang nl --seed 0 --draws 200``, the shared report's arguments in Dutch,
    built once per session (tests/conftest.py); read-only."""
    return shared_report_nl


@pytest.fixture(scope="module")
def nl_page(nl_report_dir) -> str:
    return (nl_report_dir / "nldtib_report.html").read_text(encoding="utf-8")


def _section(page: str, start: str, end: str) -> str:
    return _visible(page[page.index(f'id="{start}"'):page.index(f'id="{end}"')])


def test_dutch_page_passes_the_content_checks(checker, nl_page):
    """The checks of the English page, and those of a Dutch one: no English word or number
    format in a heading, header, caption or the navigation, Dutch number cells, the banner
    in Dutch."""
    assert checker.page_language(nl_page) == "nl"
    assert checker.check_html(nl_page) == []


def test_the_dutch_checks_catch_english(checker, page):
    """The English page marked as Dutch fails the Dutch checks, for the reasons expected."""
    problems = "\n".join(checker.check_html(page.replace('<html lang="en">',
                                                         '<html lang="nl">', 1)))
    for text in ("English in <h2>", "English in <th>", "English in <nav>",
                 "English number format in a number cell", "banner is not in Dutch",
                 "English sentence ("):
        assert text in problems, text
    assert checker.english_leftovers([("h2", "Samenvatting: mediaan en 90%-interval in "
                                             "2030 en 2035")]) == []


def test_dutch_page_is_written_in_dutch(nl_page, page):
    assert '<html lang="nl">' in nl_page and "<title>NLDTIB-verkenning</title>" in nl_page
    text = _visible(nl_page)
    assert "SYNTHETISCHE GEGEVENS: de enquête in dit rapport is een synthetisch" in text
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", nl_page)
    english = set(re.findall(r"<h2[^>]*>(.*?)</h2>", page))
    assert len(headings) == len(english) and not english & set(headings)
    for words in ("Wat betere omstandigheden opleveren: beleidseffecten per "
                  "omgevingsscenario", "Samenvatting: mediaan en 90%-interval in 2030 en 2035",
                  "Waaiergrafieken", "Prijs, volume en netto toetreding", "Scenario's",
                  "Aannames", "Reproduceerbaarheid"):
        assert _html.escape(words) in nl_page or words in headings, words
    # the terms of the letter to parliament and of the label registry
    for term in ("D&S-omzet", "huidige omstandigheden", "Verbeterde omstandigheden",
                 "Beleidsvariant", "Omgevingsscenario", "Basispad", "mediaan",
                 "90%-interval", "trekkingen", "Exportaandeel", "afgeschermd"):
        assert term in text, term
    # identifiers stay for machines
    assert 'data-id="turnover_nominal_eur"' in nl_page and 'title="baseline"' in nl_page


def test_dutch_numbers(nl_page):
    text = _visible(nl_page)
    assert not re.search(r"\bn/a\b|\bEUR\b(?!-Lex)|\d bn\b", text)  # EUR-Lex: a name
    # the audit of the published figures: Dutch percentages and percentage points
    audit = _section(nl_page, "audit", "scenarios")
    assert "21,5%" in audit and "27,5%" in audit and "-6,0%-punt" in audit
    # a signed amount: the sign before the euro sign (the Rijksoverheid's style)
    effects = _section(nl_page, "effects", "summary")
    assert re.search(r"\+€ \d", effects) and re.search(r"-€ \d", effects)
    assert not re.search(r"€ [+-]", text)
    headline = _section(nl_page, "headline", "audit")
    assert "€ 10,20 mld." in headline and "1.503" in headline
    assert "tot" in headline and "geen waarde: niet van toepassing" in headline
    # the note that explains +21.5% vs +27.5%, in Dutch
    assert "Kamerbrief van 2026 noemt +21,5%" in text
    # a path of a driver: a semicolon between the years, as the decimal mark is a comma
    assert "2026: 2,77%; 2035: 3,5%" in _section(nl_page, "scenarios", "assumptions")


def test_dutch_binding_constraint_sentences(nl_page):
    section = _visible(nl_page[nl_page.index('id="binding"'):nl_page.index('id="effects"')])
    section = section.replace(" :", ":")
    assert "Wat begrenst de omzet in 2035: vraag of capaciteit" in section
    assert "Basispad: de capaciteit begrenst de omzet bij elke beleidsvariant" in section
    assert ("Gelijkblijvende bbp-aandelen: de vraag begrenst de omzet bij elke "
            "beleidsvariant") in section
    effects = _section(nl_page, "effects", "summary")
    assert "in elk jaar van 2026 tot en met 2035 (in de meeste trekkingen)" in effects
    assert "meer in " in effects and " van de trekkingen" in effects


def test_dutch_charts_and_captions(nl_page, nl_report_dir, report_dir):
    """The charts are drawn again in Dutch (other PNGs than the English report's), with
    Dutch captions; the exit has one sign in the waterfall and its table."""
    for name in ("policy_effects.png", "fan_outlook_turnover_nominal_eur.png",
                 "ds_turnover.png", "export_share.png"):
        assert (nl_report_dir / name).read_bytes() != (report_dir / name).read_bytes(), name
    assert nl_page.count('data-file="fan_outlook_') == 7
    assert "één paneel per omgevingsscenario" in nl_page
    assert "(bestand <code>policy_effects.png</code>)" in nl_page
    dec = pd.read_csv(nl_report_dir / "decomposition.csv", index_col=0, comment="#")
    last = dec.index[-1]
    if dec.loc[last, "status"] == "publish":
        exit_text = f"-{100 * dec.loc[last, 'exit']:.1f}%".replace(".", ",")
        waterfall = _section(nl_page, "waterfall", "headline")
        assert exit_text in waterfall and "uittreders negatief" in waterfall


def test_dutch_helpers():
    """The Dutch constraint sentence (the outlook's, ``lang="nl"``), and the tick labels of
    the Dutch charts (the numbers of the axis's own formatter with a decimal comma)."""
    import numpy as np

    from nldtib_forecast.models import outlook
    from nldtib_forecast.report import run

    years = list(range(2026, 2036))
    never = np.zeros(len(years), dtype=bool)
    assert outlook._constraint_sentence(years, never, "nl") == (
        "de vraag begrenst de omzet in elk jaar van 2026 tot en met 2035 (in de meeste "
        "trekkingen)")
    cap = np.isin(years, [2026, *range(2032, 2036)])
    assert outlook._constraint_sentence(years, cap, "nl") == (
        "tot en met 2026 begrenst de capaciteit de omzet; in 2027-2031 de vraag; vanaf 2032 "
        "de capaciteit (in de meeste trekkingen)")
    assert outlook._constraint_sentence(years, cap) == (
        "capacity limits turnover until 2026; demand in 2027-2031; capacity from 2032 (in "
        "most draws)")
    with pytest.raises(InputError, match="argument 'lang': unknown language 'fr'"):
        outlook.binding_constraints(None, lang="fr")  # the language is checked first
    assert report_html._setting_text({2026: 0.0277, 2035: 0.035}, "fraction", "nl") == \
        "2026: 2,77%; 2035: 3,5%"
    assert report_html._rule_text("entrants: dominance(2, 85%)", "nl") == \
        "toetreders: 2 grootste bedrijven samen boven 85%"
    fig = run._figure()
    ax = fig.add_subplot()
    ax.plot([0.0, 1.5], [1000.0, 2500.0])
    run._dutch_ticks(ax.xaxis)
    run._dutch_ticks(ax.xaxis)  # once only: a second call leaves the formatter alone
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "0,4" in ticks and not any("." in t for t in ticks)


def test_dutch_run_writes_its_readme_in_dutch(shared_report_nl):
    """--lang nl: README.txt, for people, is Dutch too (the CSV files keep their codes)."""
    text = (shared_report_nl / "README.txt").read_text(encoding="utf-8")
    assert "Herhalen met: nldtib-forecast report" in text and "--lang nl" in text
    assert "SYNTHETISCH" in text and "Bestanden:" in text
    assert "Reproduce with" not in text and "Files:" not in text


# ------------------------------------------------------------------------------------------
# no English sentence on the Dutch page (issue 15, item 1b): the texts that come with the
# data are Dutch too, and what must stay English is marked lang="en"
# ------------------------------------------------------------------------------------------
def test_dutch_page_has_the_data_texts_in_dutch(nl_page):
    """The audit's notes, the scenarios' descriptions and sources, the drivers' sources, the
    data sources and the model's technical description: Dutch, not marked English."""
    audit = _section(nl_page, "audit", "scenarios")
    assert "Gepubliceerd +21,5%, maar 10,2/8,0 - 1 = +27,5%" in audit
    assert "Niet vergelijkbaar tussen de edities" in audit and "trendbreuk" in audit
    assert "Published +21.5%" not in audit and "Not comparable" not in audit
    scenarios = _section(nl_page, "scenarios", "assumptions")
    for dutch in ("Huidige omstandigheden (2025-2026): elke factor op zijn standaardwaarde",
                  "Vastgesteld beleid. Nederland: de vastgestelde begroting 2026",
                  "L26: Kamerbrief van 21 mei 2026 (kenmerk DGBI/105727106)"):
        assert dutch in scenarios, dutch
    for english in ("Current conditions (2025-2026)", "Committed policy",
                    "letter to parliament"):
        assert english not in scenarios, english
    assumptions = _section(nl_page, "assumptions", "sources")
    assert "L26 noemt onzekerheid over ordervolumes" in assumptions
    assert "Niet inbegrepen: onzekerheid over de paden van de scenario's" in assumptions
    assert "(Engels)" not in nl_page
    sources = _section(nl_page, "sources", "provenance")
    assert "Kamerbrief aan de Voorzitter van de Tweede Kamer" in sources
    assert "letter to the President" not in sources


def test_english_on_the_dutch_page_is_marked_and_said_once(nl_page, checker):
    """What stays English (the original titles of English-language publications) is in
    elements with lang="en", each of them one of the known titles, and the page says so
    once, in Dutch."""
    from nldtib_forecast.report.dutch_texts import SOURCES_NL

    marked = [_html.unescape(m) for m in re.findall(r'<span lang="en">(.*?)</span>', nl_page)]
    titles = {t for source in SOURCES_NL.values() for t in source.titles_en}
    assert marked and set(marked) <= titles
    assert nl_page.count('id="english-note"') == 1
    assert "oorspronkelijke titels van Engelstalige publicaties" in nl_page


def test_the_english_sentence_check_bites(checker, nl_page):
    """A planted English sentence fails the Dutch checks; the same sentence marked
    lang="en" (or in the verbatim file) passes; Dutch sentences with the Dutch words *of*,
    *is*, *in* pass; a sign after the euro sign fails."""
    sentence = "The published figures are consistent with the levels and the rounding."
    at = '<h2 id="scenarios">'
    planted = checker.check_html(nl_page.replace(at, f"<p>{sentence}</p>{at}", 1))
    assert len(planted) == 1 and planted[0].startswith("English sentence (and, are, the, with)")
    folded = nl_page.replace(at, f"<details><summary>x</summary><ul><li>{sentence}</li>"
                                 f"</ul></details>{at}", 1)
    assert checker.check_html(folded) != []  # folded text is visible text too
    assert checker.check_html(nl_page.replace(at, f'<p lang="en">{sentence}</p>{at}', 1)) == []
    assert checker.check_html(nl_page.replace(at, f"<pre>{sentence}</pre>{at}", 1)) == []
    assert checker.english_sentences("Het is de vraag of dit in 2030 lukt; of niet.") == []
    assert checker.english_sentences("Scale-up is possible under the current conditions.") \
        != []
    assert checker.english_sentences("the x; and y") == []  # one word per sentence
    signed = checker.check_html(nl_page.replace("+€ ", "€ +", 1))
    assert any(p.startswith("sign after the euro sign") for p in signed)


def test_user_scenario_labels_on_the_page():
    """A scenario of a user's file is shown by its own label in the page's language (the
    other language's when it has only that one, else a label made from its name), in
    headings, tables and the charts (which use the same function)."""
    from nldtib_forecast.scenarios import Scenario

    mine = {"reform": Scenario("reform", {"order_certainty": 0.6}, kind="policy",
                               label_en="Procurement reform",
                               label_nl="Hervorming van de aanbesteding"),
            "only_en": Scenario("only_en", {"order_certainty": 0.5}, kind="policy",
                                label_en="Faster contracts"),
            "bare_name": Scenario("bare_name", {"order_certainty": 0.4}, kind="policy")}
    with report_html.scenario_labels(mine):
        assert report_html._label("reform", "nl") == "Hervorming van de aanbesteding"
        assert report_html._label("reform") == "Procurement reform"
        assert report_html._label("only_en", "nl") == "Faster contracts"
        assert report_html._label("bare_name", "nl") == "Bare name"
        assert report_html._label("baseline/reform", "nl") == \
            "Basispad, hervorming van de aanbesteding"
        assert report_html._label("baseline", "nl") == "Basispad"  # a built-in: the registry
    assert report_html._label("reform", "nl") == "Reform"  # outside the block: the name


# ------------------------------------------------------------------------------------------
# the Dutch of the texts that come with the data, and the Dutch workbook
# ------------------------------------------------------------------------------------------
def test_every_published_note_has_its_dutch():
    from nldtib_forecast.data import load_published
    from nldtib_forecast.report.dutch_texts import published_note

    notes = {str(n) for n in load_published()["note"].dropna() if str(n).strip()}
    assert [n for n in notes if not published_note(n, "nl")] == []
    assert published_note("not a note of the data", "nl") is None


def test_every_data_source_has_its_current_dutch():
    """Each row of sources.csv has a Dutch version written for its current English (the
    fingerprint matches); when the English changes, this test names the rows to rewrite."""
    from nldtib_forecast.data import load_sources
    from nldtib_forecast.report.dutch_texts import SOURCES_NL, fingerprint, source_text

    rows = load_sources().to_dict("records")
    stale = [r["key"] for r in rows if source_text(r, "nl") is None]
    assert stale == [], (f"rewrite the Dutch of {stale} in report/dutch_texts.py; their "
                         f"English fingerprints are now "
                         f"{ {r['key']: fingerprint(r) for r in rows if r['key'] in stale} }")
    assert set(SOURCES_NL) == {r["key"] for r in rows}
    changed = {**rows[0], "note": rows[0]["note"] + " More."}
    assert source_text(changed, "nl") is None and source_text(rows[0], "en") is None
    for source in SOURCES_NL.values():  # each English title kept is in the Dutch text
        for title in source.titles_en:
            assert title in " ".join((source.citation, source.note, source.vintage)), title


def test_technical_description_in_dutch_or_not_at_all():
    from nldtib_forecast.report.dutch_texts import english_words, technical_text

    text = ("capacity: parameter uncertainty (priors: curvature_orders, build_years) and "
            "sampling uncertainty (survey bootstrap: Rao-Wu rescaling); demand: parameter "
            "uncertainty of the export elasticity and the residual variances of m and the "
            "domestic ratio d (drawn from their posterior given 7 years)")
    dutch = technical_text(text, "nl")
    assert dutch is not None and english_words(dutch) == 0
    assert dutch.startswith("capaciteit: onzekerheid over de parameters "
                            "(a-prioriverdelingen: vorm van de respons, orderzekerheid; ")
    assert technical_text(text) == text
    assert technical_text("a model we have not described in Dutch", "nl") is None


def test_dutch_workbook_has_its_texts_in_dutch(nl_report_dir, checker, workbooks):
    """The sheets people read: the audit's notes and check names, the constraints, the
    scenarios, the drivers, the models, the notes of the published figures and the sources in
    Dutch (the CSV files keep the English); no English sentence in any sheet."""
    from nldtib_forecast.report.tables import HEADER_ROW

    path = nl_report_dir / "nldtib_report.xlsx"

    def sheet(name: str) -> pd.DataFrame:
        return workbooks.sheet(path, name, header=HEADER_ROW - 1)

    audit = sheet("audit")
    notes = audit["Toelichting"].astype(str)
    assert notes.str.startswith("gepubliceerd +21,5%, maar 10,2/8,0 - 1 = +27,5%").any()
    assert not notes.str.contains(r"\b(?:the|and|with)\b").any()
    assert pd.read_csv(nl_report_dir / "audit.csv")["note"].str.contains(
        "published +21.5%, but", regex=False).any()  # the CSV file: English, for programs
    constraints = sheet("constraints").astype(str).to_string()
    assert "in de meeste trekkingen" in constraints and "most draws" not in constraints
    scenarios = sheet("scenarios").astype(str).to_string()
    assert "Vastgesteld beleid" in scenarios and "Committed policy" not in scenarios
    assert "Kamerbrief van 21 mei 2026" in scenarios
    drivers = sheet("drivers").astype(str).to_string()
    assert "L26 noemt onzekerheid over ordervolumes" in drivers
    assert "Niet inbegrepen" in sheet("models").astype(str).to_string()
    sources = sheet("sources").astype(str).to_string()
    assert "Kamerbrief aan de Voorzitter" in sources and "letter to the President" not in sources
    assert "Groei D&S-omzet 2024-2025 (L26)" in set(audit["Controle"])
    assert {"Klopt", "Klopt niet"} <= set(audit["Status"])
    published = sheet("published")["Toelichting"].dropna().astype(str)
    assert published.str.contains("trendbreuk tussen 2017 en 2019").any()
    book = workbooks.book(path)
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert checker.english_sentences(value) == [], (ws.title, value)
