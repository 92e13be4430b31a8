"""The workbook and the CSV files a decision maker receives (issue 15, item 2).

The workbook (``nldtib_report.xlsx``) is for people: a cover sheet, then one sheet per table
with number formats per unit (EUR bn, percentages, counts, indices), fitted widths, a frozen
header, an Excel table with filters, the interval level in the headers and, in a run on
synthetic data, the caveat above every table. The CSV files are for machines: machine column
names, full precision, a ``level`` column where they hold intervals and a ``data`` column that
says ``synthetic`` in every row of a table computed from the synthetic survey.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from nldtib_forecast._format import COUNT_UNITS, EUR_UNITS, PERCENT_UNITS
from nldtib_forecast.cli import main
from nldtib_forecast.report import io as report_io
from nldtib_forecast.report import tables as T

#: Excel's number formats of the workbook, as a person sees them (an implementation of its
#: own, to check the formats the writer chose).
_BN = '#,##0.0,,," bn"'


def _shown(value: object, fmt: str) -> str:
    """A cell as Excel shows it, for the formats the workbook uses."""
    if value is None:
        return ""
    if isinstance(value, str) or isinstance(value, bool):
        return str(value)
    v = float(value)
    if fmt == _BN:
        return f"{v / 1e9:,.1f} bn"
    if fmt == "0.0%":
        return f"{100 * v:.1f}%"
    if fmt == "#,##0":
        return f"{v:,.0f}"
    if fmt == "0.000":
        return f"{v:.3f}"
    assert fmt == "General", fmt
    return str(int(v)) if v.is_integer() else f"{v:.10g}"


def _render(ws, max_rows: int = 12) -> str:
    """The first rows of a sheet as text, aligned as a reader sees them."""
    rows = [[_shown(c.value, c.number_format) for c in row]
            for row in ws.iter_rows(max_row=max_rows)]
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(ws.max_column)]
    return "\n".join(" | ".join(cell[:40].ljust(min(w, 40)) for cell, w in zip(r, widths,
                                                                            strict=False))
                     for r in rows)


@pytest.fixture(scope="module")
def book(shared_report, workbooks):
    return workbooks.book(shared_report / "nldtib_report.xlsx")


# ----------------------------------------------------------------------------- formats
def test_number_format_per_unit_kind():
    """One rule (nldtib_forecast._format.unit_kind) decides the Excel format of a unit."""
    assert {T.number_format(u) for u in PERCENT_UNITS} == {"0.0%"}
    assert {T.number_format(u) for u in EUR_UNITS} == {_BN}
    assert {T.number_format(u) for u in COUNT_UNITS} == {"#,##0"}
    assert T.number_format("index") == T.number_format("ratio") == "0.000"
    assert T.number_format("months") is None  # Excel's General
    assert T.number_format("EUR", "nl") == '#,##0.0,,," mld."'
    assert T.number_format("EUR", billions=False) == "#,##0"  # amounts of single firms
    assert _shown(9.86e9, _BN) == "9.9 bn" and _shown(0.3623, "0.0%") == "36.2%"


def test_headers_say_the_interval_level():
    assert [T.header(c, bounds=0.9) for c in ("median", "lower", "upper")] == [  # labels
        "Median", "Lower (5%)", "Upper (95%)"]
    assert T.header("export_share_ci_upper", bounds=0.95) == "Export share: upper (97.5%)"
    assert T.header("lower", bounds="valid range") == "Lower (valid range)"
    assert T.header("lower", "nl", bounds=0.9) == "Ondergrens (5%)"
    with pytest.raises(ValueError, match="lang"):
        T.header("lower", "fr", bounds=0.9)


def test_column_units_by_name():
    assert [T.column_unit(c) for c in ("turnover_ds_eur", "firms_ci_lower", "n_exiters",
                                       "fte_total", "share_positive", "year", "status")] == [
        "EUR", "count", "count", "FTE", "fraction", None, None]


# ----------------------------------------------------------------------------- the writer
def _sheet() -> report_io.Sheet:
    frame = pd.DataFrame({
        "scenario": ["baseline", "=1+2", "@evil"],
        "unit": ["EUR", "fraction", "FTE"],
        "median": [9.86e9, 0.3623, 12345.4],
        "lower": [8.5e9, 0.30, float("nan")],
        "description": ["a long description " * 12, "short", "#N/A"],
    })
    return report_io.Sheet(
        "demo", frame,
        preface=[("title", "Demo"), ("note", "What it holds"), ("warning", "SYNTHETIC DATA: x")],
        headers=[T.header(c, bounds=0.9) for c in frame.columns],
        formats={c: [T.number_format(u) for u in frame["unit"]] for c in ("median", "lower")},
        freeze_columns=1)


def test_workbook_sheet_layout(tmp_path):
    path = tmp_path / "w.xlsx"
    report_io.write_workbook([_sheet()], path)
    ws = openpyxl.load_workbook(path)["demo"]
    assert [ws[f"A{r}"].value for r in (1, 2, 3)] == ["Demo", "What it holds",
                                                       "SYNTHETIC DATA: x"]
    assert ws["A1"].font.b and ws["A3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["E3"].fill.fgColor.rgb.endswith("FFC7CE")  # the caveat spans the table
    assert [c.value for c in ws[4]] == ["Scenario", "Unit", "Median", "Lower (5%)",
                                        "Description"]
    assert all(c.font.b for c in ws[4])
    assert ws.freeze_panes == "B5" and ws.print_title_rows == "$1:$4"
    (name, ref), = ws.tables.items()
    assert ref == "A4:E7" and ws.tables[name].autoFilter.ref == ref
    assert [_shown(ws[f"C{r}"].value, ws[f"C{r}"].number_format) for r in (5, 6, 7)] == [
        "9.9 bn", "36.2%", "12,345"]
    assert ws["C5"].value == pytest.approx(9.86e9)  # stored in EUR, shown in bn
    assert ws["D7"].value is None
    # long text wraps in a capped column; short columns are narrow
    assert ws["E5"].alignment.wrap_text and ws.column_dimensions["E"].width <= 62
    assert ws.column_dimensions["B"].width < 15
    # no formula, no error value: text stays text
    assert ws["A6"].value == "=1+2" and ws["A6"].data_type == "s" and ws["A6"].quotePrefix
    assert ws["A7"].quotePrefix and ws["E7"].value == "#N/A" and ws["E7"].data_type == "s"


def test_workbook_bytes_are_reproducible(tmp_path):
    cover = report_io.TextSheet("cover", [("title", "T", ""), ("warning", "SYNTHETIC", "x")])
    for name in ("a.xlsx", "b.xlsx"):
        report_io.write_workbook([cover, _sheet()], tmp_path / name)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_one_sheet_workbook_keeps_its_header_in_the_first_row(tmp_path):
    frame = pd.DataFrame({"indicator": ["ds_turnover_eur"], "value": [10.2e9], "unit": ["EUR"]})
    path = tmp_path / "t.xlsx"
    report_io.write_table(frame, path, sheet_name="published",
                          formats=T.table_formats("published", frame), data="synthetic")
    back = pd.read_excel(path, sheet_name="published")
    assert back.columns.tolist() == ["indicator", "value", "unit", "data"]
    ws = openpyxl.load_workbook(path)["published"]
    assert ws["B2"].number_format == _BN and ws.freeze_panes == "A2"


# ----------------------------------------------------------------------------- the report
def test_report_workbook_cover(book, shared_report):
    manifest = json.loads((shared_report / "manifest.json").read_text())
    assert book.sheetnames[0] == "cover"
    cover = {row[0]: row[1] for row in book["cover"].iter_rows(values_only=True) if row[0]}
    assert book["cover"]["A1"].value == "NLDTIB outlook report"
    assert book["cover"]["A2"].value == "SYNTHETIC DATA"  # said first, in red
    assert book["cover"]["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert cover["Command line"] == manifest["reproduce"]
    assert cover["Command"].startswith(manifest["reproduce"])  # how to reproduce
    assert cover["Library"] == f"nldtib_forecast {manifest['version']}"
    assert "seed 0" in cover["Survey"] and "synthetic" in cover["Survey"]
    for sheet in book.sheetnames[1:]:  # one line per sheet
        assert cover[sheet]
    assert "results.csv" in cover
    assert cover["Lower (5%), Upper (95%)"].startswith("the 5% and 95% quantiles")


def test_report_workbook_sheets(book, shared_report):
    for ws in book.worksheets[1:]:
        assert ws["A3"].value.startswith("SYNTHETIC DATA"), ws.title
        assert ws.freeze_panes in ("A5", "B5"), ws.title
        (_name, ref), = ws.tables.items()
        assert ref == f"A4:{ws.cell(4, ws.max_column).column_letter}{ws.max_row}", ws.title
        assert all(ws.column_dimensions[c].width <= 62 for c in ws.column_dimensions), ws.title
    summary = book["summary"]
    head = [c.value for c in summary[4]]
    assert head[-3:] == ["Median", "Lower (5%)", "Upper (95%)"]
    expected = {"EUR": _BN, "fraction": "0.0%", "fraction per year": "0.0%", "FTE": "#,##0",
                "index": "0.000"}
    unit = head.index("Unit") + 1
    for row in summary.iter_rows(min_row=5):
        assert {c.number_format for c in row[-3:]} == {expected[row[unit - 1].value]}
    text = _render(summary)
    assert re.search(r"\| 2030 \| demand_domestic_eur \| Domestic D&S demand +\| EUR +\| "
                     r"\d+\.\d bn", text), text
    assert "Number of NLDTIB firms: lower (2.5%)" in [c.value for c in
                                                      book["survey_summary"][4]]


def test_results_sheet_is_compact(book, shared_report, workbooks):
    """People get median and interval per scenario, variable and year; machines get every
    statistic in results.csv."""
    results = pd.read_csv(shared_report / "results.csv")
    ws = book["results"]
    n = results.groupby(["model", "scenario", "variable", "year"]).ngroups
    assert ws.max_row - 4 == n < len(results) / 5
    sheet = workbooks.sheet(shared_report / "nldtib_report.xlsx", "results", header=3)
    median = results[results["statistic"] == "q0.5"].set_index(
        ["scenario", "variable", "year"])["value"]
    row = sheet.iloc[0]
    assert row["Median"] == pytest.approx(median[(row["Scenario (code)"],
                                                  row["Variable (code)"], row["Year"])])


def test_workbook_keeps_suppressed_cells_suppressed(shared_report, workbooks):
    for name, value in (("headline", "estimate"), ("decomposition", "nominal_growth")):
        csv = pd.read_csv(shared_report / f"{name}.csv")
        sheet = workbooks.sheet(shared_report / "nldtib_report.xlsx", name, header=3)
        assert sheet[T.label(value)].isna().tolist() == csv[value].isna().tolist(), name
        assert sheet[T.label("status")].tolist() == csv["status"].tolist()


def test_report_csv_files_say_which_data(shared_report):
    """One rule for every CSV: a table computed from the survey has a last column 'data',
    'synthetic' for the synthetic survey; pandas reads every file as it is."""
    survey_based = ("policy_effects", "constraints", "summary", "results", "survey_summary",
                    "headline", "decomposition")
    for name in survey_based:
        df = pd.read_csv(shared_report / f"{name}.csv")
        assert df.columns[-1] == "data" and (df["data"] == "synthetic").all(), name
    for name in ("published", "audit", "drivers", "scenario_definitions"):
        assert "data" not in pd.read_csv(shared_report / f"{name}.csv").columns, name
    levels = {name: set(pd.read_csv(shared_report / f"{name}.csv")["level"])
              for name in ("policy_effects", "summary", "survey_summary", "headline")}
    assert levels == {"policy_effects": {0.9}, "summary": {0.9}, "survey_summary": {0.95},
                      "headline": {0.95}}
    readme = (shared_report / "README.txt").read_text()
    assert "column 'data'" in readme and "column 'level'" in readme


def test_workbook_is_not_most_of_the_report(shared_report):
    seconds = json.loads((shared_report / "timing.json").read_text())["seconds"]
    assert seconds["workbook"] < 0.5 * seconds["total"]


# ----------------------------------------------------------------------------- data command
def test_data_survey_says_synthetic(tmp_path, monkeypatch):
    from nldtib_forecast import cli
    from nldtib_forecast.data import read_survey

    out = tmp_path / "s.csv"
    assert main(["data", "survey", "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert df.columns[-1] == "data" and (df["data"] == "synthetic").all()
    assert (read_survey(out)["data"] == "synthetic").all()  # a survey file: passed through
    # the workbook: the command's writer on the survey's first rows (the whole survey is
    # 60,000 cells, a second of CPU, for the same code)
    load = cli._load_table
    monkeypatch.setattr(cli, "_load_table", lambda *args: load(*args).head(30))
    book_path = tmp_path / "s.xlsx"
    assert main(["data", "survey", "--out", str(book_path)]) == 0
    first, second = openpyxl.load_workbook(book_path, read_only=True)["survey"].iter_rows(
        max_row=2)
    head = [c.value for c in first]
    assert head[-1] == "data" and second[len(head) - 1].value == "synthetic"
    # the amounts of single firms in whole euro, not in billions
    assert second[head.index("turnover_total_eur")].number_format == "#,##0"
    published = tmp_path / "p.csv"
    assert main(["data", "published", "--out", str(published)]) == 0
    assert "data" not in pd.read_csv(published).columns


# ----------------------------------------------------------------------------- real data
def test_real_survey_has_no_caveat(tmp_path):
    """A run on a survey file: no caveat on any sheet, the cover names the file."""
    from nldtib_forecast.data import load_published, synthetic_survey
    from nldtib_forecast.report.run import load_run_spec

    path = tmp_path / "survey_2026.csv"
    synthetic_survey(seed=1).to_csv(path, index=False)  # a file: read as real microdata
    spec = load_run_spec("report", None, path, 10, 0, 1, False)
    assert not spec.synthetic
    results = {"outlook": SimpleNamespace(scenarios=("a", "b"), years=pd.Index([2026, 2035]))}
    tables = {"published": load_published(),
              "summary": pd.DataFrame({"model": ["outlook"], "scenario": ["a"],
                                       "variable": ["export_share"], "unit": ["fraction"],
                                       "year": [2030], "median": [0.4], "lower": [0.3],
                                       "upper": [0.5]})}
    sheets = T.workbook_sheets(tables, results, synthetic=False)
    book_path = tmp_path / "real.xlsx"
    report_io.write_workbook([T.cover_sheet(spec, sheets, results), *sheets], book_path)
    wb = openpyxl.load_workbook(book_path)
    assert wb["cover"]["A2"].value == "Real survey data"
    assert "survey_2026.csv" in wb["cover"]["B2"].value
    assert all(ws["A3"].value is None and ws["A4"].value for ws in wb.worksheets[1:])
    assert not [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if "SYNTHETIC" in str(c.value)]
    cover = {r[0]: r[1] for r in wb["cover"].iter_rows(values_only=True) if r[0]}
    assert cover["Survey file SHA-256"] == spec.survey_sha256
    csv = T.csv_table("summary", tables["summary"], synthetic=False)
    assert csv.columns[-2:].tolist() == ["level", "data"] and csv["data"].iloc[0] == "survey"


def test_dutch_workbook_formats(tmp_path):
    results = {"outlook": SimpleNamespace(scenarios=("a",), years=pd.Index([2030]))}
    frame = pd.DataFrame({"model": ["outlook"], "unit": ["EUR"], "median": [1e9],
                          "lower": [0.5e9], "upper": [2e9]})
    (sheet,) = T.workbook_sheets({"summary": frame}, results, synthetic=True, lang="nl")
    assert sheet.headers is not None and list(sheet.headers)[-2:] == ["Ondergrens (5%)",
                                                                    "Bovengrens (95%)"]
    assert sheet.formats["median"] == ['#,##0.0,,," mld."']


def test_header_row_is_the_documented_one():
    """The cover and the README say where the table starts: the writer agrees."""
    results = {"outlook": SimpleNamespace(scenarios=("a",), years=pd.Index([2030]))}
    for synthetic in (True, False):
        (sheet,) = T.workbook_sheets({"sources": pd.DataFrame({"key": ["L26"]})}, results,
                                     synthetic=synthetic)
        assert sheet.header_row == T.HEADER_ROW


def test_a_survey_file_written_from_the_synthetic_survey_stays_synthetic(tmp_path):
    """``data survey --out s.csv`` marks the rows; reading the file back keeps the caveat, so a
    report computed from it cannot present synthetic firms as real ones."""
    from nldtib_forecast.cli import main
    from nldtib_forecast.data import read_survey

    path = tmp_path / "s.csv"
    assert main(["data", "survey", "--out", str(path)]) == 0
    assert read_survey(path).attrs.get("synthetic") is True
    real = pd.read_csv(path).drop(columns="data")
    real.to_csv(tmp_path / "real.csv", index=False)
    assert not read_survey(tmp_path / "real.csv").attrs.get("synthetic", False)


def test_dutch_workbook_is_written_in_dutch(shared_report_nl, workbooks):
    """``--lang nl``: cover, sheet titles, descriptions, caveats and headers in Dutch; the codes
    stay in the "(code)" columns and the CSV files keep their machine names."""
    out = shared_report_nl  # report --seed 0 --draws 200 --lang nl, once per session
    book = workbooks.book(out / "nldtib_report.xlsx")
    cover = book["cover"]
    assert cover["A1"].value == "NLDTIB-verkenning" and cover["A2"].value == \
        "SYNTHETISCHE GEGEVENS"
    assert "--lang nl" in json.loads((out / "manifest.json").read_text())["reproduce"]
    summary = book["summary"]
    assert summary["A1"].value.startswith("Samenvatting")
    assert summary["A3"].value.startswith("SYNTHETISCHE GEGEVENS")
    head = [c.value for c in summary[4]]
    assert {"Scenario (code)", "Variabele", "Mediaan", "Ondergrens (5%)",
            "Bovengrens (95%)"} <= set(head)
    labels = {c.value for c in summary["C"][4:]}
    assert "Basispad, verbeterde omstandigheden" in labels
    assert list(pd.read_csv(out / "summary.csv").columns[:4]) == ["model", "scenario", "year",
                                                                "variable"]


def test_rows_of_wrapped_text_get_their_height(book):
    """Spreadsheet programs do not all fit the height of wrapped rows when they open a file
    (LibreOffice keeps one line, so the text overlaps): the writer sets it."""
    cover = book["cover"]
    long_rows = [r for r in range(1, cover.max_row + 1)
                 if isinstance(cover.cell(r, 2).value, str) and len(cover.cell(r, 2).value) > 250]
    assert long_rows
    for r in long_rows:
        assert cover.row_dimensions[r].height >= 45, r
    scenarios = book["scenarios"]
    heights = [scenarios.row_dimensions[r].height for r in range(5, scenarios.max_row + 1)]
    assert any(h and h > 15 for h in heights)
