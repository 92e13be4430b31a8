"""Tests of the report builder behind ``nldtib-forecast run`` and ``report``
(nldtib_forecast.report.run, nldtib_forecast.report.html): the HTML report's content, its
self-containment and escaping, the generic tables and the disclosure control of the turnover
decomposition."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import __version__
from nldtib_forecast.cli import main
from nldtib_forecast.report import run as _report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "example.toml"
@pytest.fixture(scope="module")
def run_dir(evil_run) -> Path:
    """A run of the example scenarios plus scenarios with HTML, formulas and long names in
    their texts (``evil_run``, tests/conftest.py: ``--draws 20 --seed 5 --futures
    fast_europe,baseline``); read-only."""
    return evil_run


@pytest.fixture(scope="module")
def html(run_dir) -> str:
    return (run_dir / "nldtib_report.html").read_text(encoding="utf-8")


def test_html_is_self_contained(html, run_dir):
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    pngs = sorted(run_dir.glob("*.png"))
    assert len(images) == len(pngs)
    embedded = {base64.b64decode(data) for data in images}
    assert embedded == {p.read_bytes() for p in pngs}


def test_html_escapes_scenario_text(html):
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html \
        or "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_html_sections(html):
    assert 'id="synthetic-banner"' in html and "SYNTHETIC DATA" in html
    for anchor in ("summary", "charts", "waterfall", "headline", "audit", "scenarios",
                   "assumptions", "sources", "provenance"):
        assert f'id="{anchor}"' in html, anchor
    # summary: median and 90% interval in 2030 and 2035
    assert "2030: median (90% interval)" in html and "2035: median (90% interval)" in html
    # scenario definitions: names, drivers, paths and the TOML file itself
    for text in ("procurement_reform", "slow_reform", "labour_push", "2026: 24, 2028: 12",
                 "[scenarios.procurement_reform.drivers]"):
        assert text in html, text
    # assumptions: the driver registry with defaults and sources
    assert "procurement_lead_time_months" in html and "labour_supply_growth" in html
    # data sources and provenance
    assert "DGBI/105727106" in html
    assert f"nldtib_forecast {__version__}" in html
    assert "<dt>Seed</dt><dd>5</dd>" in html
    assert re.search(r"sha256:[0-9a-f]{64}", html)


def test_html_headline_and_audit(html, run_dir):
    headline = pd.read_csv(run_dir / "headline.csv")
    assert "scale_up_improved" in html
    if (headline["status"] == "primary").any():
        assert "suppressed" in html
    assert "inconsistent" in html


def test_excel_has_scenario_definitions(run_dir, workbooks):
    # human headers; the codes stay in the "(code)" columns
    scen = workbooks.sheet(run_dir / "nldtib_report.xlsx", "scenarios", header=3)
    assert {"procurement_reform", "slow_reform", "labour_push", "evil_html"} <= set(
        scen["Scenario (code)"])
    row = scen[(scen["Scenario (code)"] == "slow_reform")
               & (scen["Driver (code)"] == "order_certainty")].iloc[0]
    assert row["Path or value"] == "2026: 0.3, 2031: 0.6"
    assert "<script>" in scen.loc[scen["Scenario (code)"] == "evil_html", "Description"].iloc[0]


def test_summary_table_matches_results(run_dir):
    summary = pd.read_csv(run_dir / "summary.csv")
    results = pd.read_csv(run_dir / "results.csv")
    row = summary.iloc[0]
    median = results[(results["model"] == row["model"]) & (results["scenario"] == row["scenario"])
                     & (results["variable"] == row["variable"]) & (results["year"] == row["year"])
                     & (results["statistic"] == "q0.5")]["value"]
    assert row["median"] == pytest.approx(float(median.iloc[0]))


# ------------------------------------------------------------------------- generic tables
@pytest.fixture(scope="module")
def small_results():
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.scenarios import builtin

    scen = {n: builtin()[n] for n in ("current_conditions", "improved_conditions")}
    return _report._run_models(synthetic_survey(seed=0), scen, 2035, 50, 1, 1, False)


def test_summary_and_results_tables(small_results):
    table = _report.summary_table(small_results)
    assert list(table.columns) == ["model", "scenario", "year", "variable", "unit", "median",
                                   "lower", "upper"]
    assert set(table["year"]) == {2030, 2035}
    assert (table["lower"] <= table["upper"]).all()
    key = _report.summary_table(small_results, key_only=True)
    assert len(key) < len(table)
    tidy = _report.results_table(small_results)
    assert set(tidy["model"]) == set(small_results)
    assert tidy["unit"].notna().all()


def test_the_report_runs_the_outlook(small_results):
    from nldtib_forecast.scenarios import FUTURE_NAMES, POLICY_NAMES

    assert set(small_results) == {"outlook"}
    assert list(_report.default_scenarios()) == [*POLICY_NAMES, *FUTURE_NAMES]


@pytest.fixture(scope="module")
def report_dir(shared_report) -> Path:
    """``report --seed 0 --draws 200``, built once per session (tests/conftest.py); read-only."""
    return shared_report


def test_report_leads_with_the_policy_effects_per_future(report_dir):
    """The default report runs every built-in policy under every built-in future; its first
    table and first chart are what each policy adds over current conditions, per future, in
    2030 and 2035, with intervals."""
    from nldtib_forecast.scenarios import FUTURE_NAMES, POLICY_NAMES

    eff = pd.read_csv(report_dir / "policy_effects.csv")
    assert list(eff.columns) == ["model", "future", "policy", "year", "variable", "unit",
                                 "median", "lower", "upper", "share_positive", "mean", "level",
                                 "data"]
    assert list(dict.fromkeys(eff["future"])) == list(FUTURE_NAMES)
    assert set(eff["policy"]) == set(POLICY_NAMES) - {"current_conditions"}
    assert set(eff["year"]) == {2030, 2035}
    assert (eff["lower"] <= eff["median"] + 1e-6).all()
    assert (eff["median"] <= eff["upper"] + 1e-6).all()
    real = eff[eff["variable"] == "turnover_real_eur"].set_index(["future", "policy", "year"])
    # better conditions add turnover in the committed future by 2035 ...
    assert real.loc[("baseline", "improved_conditions", 2035), "median"] > 0.5e9
    assert real.loc[("baseline", "improved_conditions", 2035), "share_positive"] > 0.9
    # ... and nothing where demand never reaches capacity
    assert real.loc[("constant_gdp_shares", "improved_conditions", 2035), "median"] == 0
    html = (report_dir / "nldtib_report.html").read_text(encoding="utf-8")
    first_h2 = re.search(r'<h2 id="([^"]+)"', html).group(1)
    assert first_h2 == "effects"
    first_img = re.search(r'<figcaption>.*?<code>([^<]+)</code>', html).group(1)
    assert first_img == "policy_effects.png"
    assert "limits turnover" in html
    workbook = pd.ExcelFile(report_dir / "nldtib_report.xlsx")
    assert workbook.sheet_names[:2] == ["cover", "policy_effects"]
    constraints = pd.read_csv(report_dir / "constraints.csv")
    assert len(constraints) == len(POLICY_NAMES) * len(FUTURE_NAMES)
    assert constraints["sentence"].str.contains("limits turnover").all()


def test_run_with_futures_and_policies(evil_run, tmp_path, monkeypatch):
    """run FILE --futures a --policies b: a grid; the file's futures/policies tables; the
    reference policy is always run; unknown names are clear errors."""
    path = Path(__file__).resolve().parent / "scenario_texts" / "grid.toml"
    out = evil_run  # the file's future and policies, --futures fast_europe,baseline
    eff = pd.read_csv(out / "policy_effects.csv")
    assert list(dict.fromkeys(eff["future"])) == ["fast_europe", "baseline"]
    assert "framework_contracts" in set(eff["policy"])
    assert "current_conditions" not in set(eff["policy"])  # the reference
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert "--futures fast_europe,baseline" in manifest
    # the file alone: its futures and policies. The run above showed that the grid of the
    # spec is what the report holds, so here the spec the report would be built from is
    # checked.
    seen = []

    def build(directory, spec):
        seen.append(spec)
        (directory / "manifest.json").write_text('{"library": "nldtib_forecast"}')
        return ["manifest.json"]

    monkeypatch.setattr(_report, "build_report", build)
    monkeypatch.setattr(_report, "write_timing", lambda *args: None)
    out2 = tmp_path / "out2"
    assert main(["run", str(path), "--out", str(out2), "--draws", "60", "--quiet"]) == 0
    assert list(seen[-1].futures) == ["fast_europe"]
    assert set(seen[-1].policies) == {"current_conditions", "framework_contracts"}
    monkeypatch.undo()
    assert main(["run", str(path), "--out", str(tmp_path / "bad"), "--futures", "baselin",
                 "--quiet"]) != 0
    assert not (tmp_path / "bad").exists()


def test_decomposition_suppresses_failing_cells():
    from nldtib_forecast.data import synthetic_survey

    table, dec = _report.decomposition_table(synthetic_survey(seed=0), seed=0)
    suppressed = table["status"] != "publish"
    assert set(table["status"]) <= {"publish", "suppressed"}
    assert table.loc[suppressed, "nominal_growth"].isna().all()
    for year in table.index[suppressed]:
        rule = table.loc[year, "rule"]
        if "entrants" in rule:
            assert np.isnan(table.loc[year, "entry"])
        if "exiters" in rule:
            assert np.isnan(table.loc[year, "exit"])
    published = table.index[~suppressed]
    pd.testing.assert_series_equal(table.loc[published, "nominal_growth"],
                                   dec.table.loc[published, "nominal_growth"])


def test_survey_tables_of_the_synthetic_survey_are_computed_once_and_handed_out_as_copies():
    """A build on the synthetic survey of a seed reuses the survey tables of an earlier build
    in the process (the same survey: the same tables); each build gets its own copies."""
    from nldtib_forecast.report.tables import survey_summary

    spec = _report.load_run_spec("report", None, None, 10, 0, 1, False)
    first_notes: list[str] = []
    summary, headline, (table, _dec) = _report._survey_tables(spec, first_notes)
    pd.testing.assert_frame_equal(summary, survey_summary(spec.survey, seed=0))
    for frame in (summary, headline, table):  # what one build does to its copies
        frame[frame.columns[-1]] = "changed"
    again, headline2, (table2, _) = _report._survey_tables(spec, [])
    pd.testing.assert_frame_equal(again, survey_summary(spec.survey, seed=0))
    assert not (headline2.iloc[:, -1] == "changed").any()
    assert not (table2.iloc[:, -1] == "changed").any()
    assert 0 in _report._SYNTHETIC_TABLES
