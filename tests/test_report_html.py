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


def test_run_of_plain_scenarios_passes_the_content_checks(checker, shared_run):
    """``run FILE`` without a grid: one panel per scenario, a row per scenario."""
    out, code, _, _ = shared_run  # run examples/scenarios/example.toml, once per session
    assert code == 0
    page = (out / "nldtib_report.html").read_text(encoding="utf-8")
    assert checker.check_html(page) == []
    assert "one panel per scenario" in page and 'data-id="procurement_reform"' in page
