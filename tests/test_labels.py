"""The label registry (nldtib_forecast.labels) and the Dutch number formats (_format).

Coverage is computed from the code: every output variable, driver, built-in scenario, unit,
statistic, indicator, category, component, estimator, model and parameter the package defines,
and every header and identifier of the tables a report writes, must have a label in English and
in Dutch. A new variable or column without a label fails here.
"""

from __future__ import annotations

import ast
import csv
import io
import math
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError, labels
from nldtib_forecast import _format as fmt
from nldtib_forecast.labels import (
    GRID_SEPARATOR,
    ID_COLUMNS,
    KINDS,
    LANGUAGES,
    check_language,
    column_labels,
    label,
    relabel,
    unit_label,
    unlabelled,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "nldtib_forecast"

#: Rows whose Dutch label is the English one, and why (the test below fails on any other).
SAME_IN_DUTCH = {
    ("unit", "fraction"): "a percentage sign in both languages",
    ("unit", "share"): "a percentage sign in both languages",
    ("scenario", "eu_rearm"): "the name of the European Commission's plan, not translated",
    ("column", "model"): "'model' is the Dutch word",
    ("column", "scenario"): "'scenario' is the Dutch word",
    ("column", "status"): "'status' is the Dutch word",
    ("component", "volume"): "'volume' is the Dutch word (CBS: prijs en volume)",
    ("category", "land"): "the land domain is 'land' in Dutch (Defensie: landdomein)",
    ("estimator", "fhk"): "the authors' names of a decomposition method",
    ("estimator", "griliches_regev"): "the authors' names of a decomposition method",
    ("estimator", "bhc"): "the authors' names of a decomposition method",
    ("estimator", "melitz_polanec"): "the authors' names of a decomposition method",
    ("estimator", "diewert_fox"): "the authors' names of a decomposition method",
}


def _registry() -> pd.DataFrame:
    return labels.labels(None)


def _texts(frame: pd.DataFrame, lang: str) -> list[tuple[tuple[str, str], str]]:
    """((kind, id), text) of every short label and definition in ``lang``."""
    out = []
    for key, row in frame.iterrows():
        out.append((key, row[lang]))
        if row[f"{lang}_long"]:
            out.append((key, row[f"{lang}_long"]))
    return out


def _both(identifier: str, **kwargs) -> tuple[str, str]:
    return label(identifier, "en", **kwargs), label(identifier, "nl", **kwargs)


# ------------------------------------------------------------------ the registry file
def test_registry_file_is_well_formed():
    text = resources.files("nldtib_forecast").joinpath("data").joinpath("labels.csv") \
        .read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["kind", "id", "en", "nl", "en_long", "nl_long", "unit"]
    reg = _registry()
    assert set(reg.index.get_level_values("kind")) == set(KINDS)
    assert reg.index.is_unique
    for (kind, ident), row in reg.iterrows():
        assert row["en"].strip() and row["nl"].strip(), (kind, ident)
        assert bool(row["en_long"]) == bool(row["nl_long"]), (kind, ident)
        for value in (ident, *row):
            assert value == value.strip() and "  " not in value, (kind, ident, value)
        if row["unit"]:
            assert unit_label(row["unit"]), (kind, ident)
            assert ("unit", row["unit"]) in reg.index, (kind, ident, row["unit"])
    units = reg.loc["unit"].index.str.lower()
    assert units.is_unique  # units are looked up without case
    # canonical form: writing the registry back gives the file, byte for byte
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    writer.writerows([k, i, *r] for (k, i), r in reg.iterrows())
    assert out.getvalue() == text


@pytest.mark.parametrize(("text", "problem"), [
    ("kind,id,en,nl,en_long,nl_long,unit\nvariable,x,X,\n", "fields"),
    ("kind,id,en,nl\n", "the columns must be"),
    ("kind,id,en,nl,en_long,nl_long,unit\nvariable,x,X,,,,\n", "empty id, en or nl"),
    ("kind,id,en,nl,en_long,nl_long,unit\nthing,x,X,Y,,,\n", "unknown kind 'thing'"),
    ("kind,id,en,nl,en_long,nl_long,unit\nunit,x,X,Y,,,\nunit,x,X,Y,,,\n", "listed twice"),
])
def test_a_broken_registry_file_is_refused(tmp_path, monkeypatch, text, problem):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "labels.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(labels.resources, "files", lambda package: tmp_path)
    labels._registry.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=problem):
            label("export_share")
    finally:
        monkeypatch.undo()
        labels._registry.cache_clear()
    assert label("export_share") == "Export share"


def test_labels_frame():
    en = labels.labels("en", kind="driver")
    assert list(en.columns) == ["label", "long", "unit"]
    assert en.index.names == ["kind", "id"]
    nl = labels.labels("nl")
    assert nl.loc[("scenario", "current_conditions"), "label"] == "Huidige omstandigheden"
    with pytest.raises(InputError, match="argument 'kind'.*did you mean 'driver'"):
        labels.labels("en", kind="drivers")
    with pytest.raises(InputError, match="argument 'lang'"):
        labels.labels("fr")


# ------------------------------------------------------------------ coverage, from the code
def test_every_model_output_variable_has_a_label_and_its_unit():
    from nldtib_forecast.models import outlook, trade

    variables = {**outlook.OUTPUT_UNITS, **trade.OUTPUT_UNITS}
    assert {"uplift", "capacity_eur"} <= set(variables)
    registry = labels.labels(None, kind="variable")
    for name, unit in variables.items():
        assert ("variable", name) in registry.index, name
        assert registry.loc[("variable", name), "unit"] == unit, name
        assert label(name, kind="variable") and label(name, "nl", kind="variable")
    texts = registry["en"].tolist() + registry["nl"].tolist()
    assert not {t for t in texts if texts.count(t) > 1} - {
        "D&S turnover", "D&S-omzet"}  # only the trade model's and the survey's turnover


def test_capacity_breakdown_variables_are_composed():
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.data._schema import CATEGORIES
    from nldtib_forecast.models.capacity import CapacityModel

    model = CapacityModel.from_survey(synthetic_survey(population=True))
    for by in ("size_class", "domain", "nld_area"):
        segments = model.kernel(by=by).segments
        assert len(segments) == len(CATEGORIES[by]) + 1
        for segment in segments:
            en, nl = _both(segment.variable)
            assert "[" not in en + nl and "_" not in en + nl, segment.variable
            if segment.category is not None:
                assert label(segment.category, kind="category") .lower() in en.lower()
    assert _both("uplift[size_class=0-25]") == ("Scale-up, size class: 0-25 employees",
                                                "Opschaling, grootteklasse: 0-25 werknemers")
    # a category of a user's own survey is shown as written
    assert label("uplift[domain=cyber]") == "Scale-up, domain: cyber"


def test_every_driver_has_a_label_and_its_unit():
    from nldtib_forecast.scenarios import driver_names, drivers

    table = drivers()
    registry = labels.labels(None, kind="driver")
    assert set(driver_names()) == set(registry.index.get_level_values("id"))
    for name in driver_names():
        assert registry.loc[("driver", name), "unit"] == table.loc[name, "unit"], name
        assert registry.loc[("driver", name), "en_long"], name
    assert registry["en"].is_unique and registry["nl"].is_unique


def test_every_builtin_scenario_and_every_grid_cell_has_a_label():
    from nldtib_forecast.scenarios import FUTURE_NAMES, POLICY_NAMES, builtin

    registry = labels.labels(None, kind="scenario")
    assert set(builtin()) == set(registry.index.get_level_values("id"))
    for lang in LANGUAGES:
        assert registry[lang].is_unique, lang  # a legend must tell them apart
        assert registry[f"{lang}_long"].str.len().gt(0).all(), lang
    cells = {}
    for future in FUTURE_NAMES:
        for policy in POLICY_NAMES:
            name = f"{future}{GRID_SEPARATOR}{policy}"
            en, nl = _both(name)
            assert en.startswith(label(future)) and nl.startswith(label(future, "nl"))
            assert "_" not in en + nl and GRID_SEPARATOR not in en + nl, name
            cells[name] = (en, nl)
    assert len(set(cells.values())) == len(cells)
    assert cells["baseline/improved_conditions"] == (
        "Baseline, improved conditions", "Basispad, verbeterde omstandigheden")
    assert label("european_surge/current_conditions") == "European surge, current conditions"


def test_grid_separator_is_the_simulations():
    from nldtib_forecast.simulation.results import GRID_SEPARATOR as SIMULATION_SEPARATOR

    assert GRID_SEPARATOR == SIMULATION_SEPARATOR


def test_every_unit_has_a_label():
    from nldtib_forecast.data import load_published
    from nldtib_forecast.data._schema import SCHEMA
    from nldtib_forecast.models import outlook, trade
    from nldtib_forecast.scenarios import drivers

    units = (set(outlook.OUTPUT_UNITS.values()) | set(trade.OUTPUT_UNITS.values())
             | set(drivers()["unit"]) | set(load_published()["unit"])
             | {s.unit for s in SCHEMA if s.unit}
             | fmt.PERCENT_UNITS | fmt.EUR_UNITS | fmt.COUNT_UNITS)
    assert {"EUR", "fraction", "fraction per year", "months", "index", "FTE",
            "fraction per unit of excess demand"} <= units
    for unit in sorted(units):
        en, nl = unit_label(unit), unit_label(unit, "nl")
        assert en and nl, unit
        if fmt.unit_kind(unit) == "percent":
            assert en.startswith("%") and nl.startswith("%"), unit
    assert (unit_label("EUR"), unit_label("EUR", "nl")) == ("EUR bn", "mld. euro")
    assert (unit_label("EUR", scale="m"), unit_label("EUR", "nl", scale="m")) == (
        "EUR m", "mln. euro")
    assert unit_label("EUR", "nl", scale="unit") == "euro"
    assert unit_label("") == unit_label(None) == ""


def test_every_statistic_has_a_label():
    from nldtib_forecast.simulation.results import DEFAULT_QUANTILES

    quantiles = [f"q{q:g}" for q in DEFAULT_QUANTILES]
    for name in ["median", "lower", "upper", "mean", "std", "share_positive", "estimate",
                 "std_error", "ci_lower", "ci_upper", "p_value", "value", *quantiles]:
        en, nl = _both(name, kind="statistic")
        assert en != name and nl != name, name
    assert _both("q0.025") == ("2.5th percentile", "2,5e percentiel")
    assert _both("q0.5") == ("Median", "Mediaan")


def test_every_indicator_and_category_has_a_label():
    from nldtib_forecast.data import audit_published, load_published
    from nldtib_forecast.data._schema import CATEGORIES
    from nldtib_forecast.survey._headline import HEADLINE_INDICATORS

    published = load_published()
    indicators = (set(published["indicator"]) | set(HEADLINE_INDICATORS)
                  | set(audit_published()["indicator"]))
    registry = labels.labels(None, kind="indicator")
    for name in sorted(indicators):
        assert ("indicator", name) in registry.index, name
    for name, unit in published.groupby("indicator")["unit"].first().items():
        assert registry.loc[("indicator", name), "unit"] == unit, name
    for name in HEADLINE_INDICATORS:  # shown with their definition in the report
        assert registry.loc[("indicator", name), "en_long"], name
    categories = {c for c in published["category"] if c}
    categories |= {c for values in CATEGORIES.values() for c in values}
    for category in sorted(categories):
        assert label(category, kind="category") and label(category, "nl", kind="category")
    for column, values in CATEGORIES.items():
        for value in values:  # headline categories: "nld_area=space"
            en, nl = _both(f"{column}={value}", kind="category")
            assert "_" not in en + nl and "=" not in en + nl, (column, value)
    assert _both("nld_area=intelligent_systems") == (
        "NLD area: intelligent systems", "NLD-gebied: intelligente systemen")


def test_every_component_estimator_model_and_parameter_has_a_label():
    import pkgutil
    from importlib.metadata import entry_points

    import nldtib_forecast.models as models_package
    from nldtib_forecast.models import dynamics
    from nldtib_forecast.models.capacity import DEFAULT_ASSUMPTIONS, PRIORS
    from nldtib_forecast.models.price_volume import result as price_volume
    from nldtib_forecast.models.trade import CMS_COMPONENTS
    from nldtib_forecast.scenarios.registry import PROVIDER_GROUP
    from nldtib_forecast.survey._premium import ESTIMATORS

    components = set(price_volume.COMPONENTS) | set(dynamics.COMPONENTS) | {"total"}
    components |= {c for values in CMS_COMPONENTS.values() for c in values}
    for name in sorted(components):
        assert _both(name, kind="component"), name
    for name in price_volume.FLOAT_COLUMNS + price_volume.COUNT_COLUMNS:
        assert "_" not in "".join(_both(name, kind="column")), name
    for name in ESTIMATORS:
        assert _both(name, kind="estimator"), name
    models = {ep.name for ep in entry_points(group=PROVIDER_GROUP)}
    models |= {m.name for m in pkgutil.iter_modules(models_package.__path__)}
    for name in sorted(models):
        assert _both(name, kind="model"), name
    for name in [*PRIORS, *DEFAULT_ASSUMPTIONS]:
        assert ("parameter", name) in labels.labels(kind="parameter").index, name


def test_every_survey_column_has_a_label():
    from nldtib_forecast.data._schema import COLUMNS

    for name in COLUMNS:
        en, nl = _both(name, kind="column")
        assert "_" not in en + nl, name


# ------------------------------------------------------ coverage: the report's tables
@pytest.fixture(scope="module")
def report_tables(shared_report, workbooks) -> dict[str, pd.DataFrame]:
    """Every table the default report writes (CSV files and workbook sheets), by name
    (``shared_report``, tests/conftest.py: every built-in policy under every built-in
    future)."""
    out = shared_report
    tables = {}
    for path in sorted(out.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        # one row per distinct combination of identifiers: every header and identifier value
        # stays (results.csv: 4,320 of its 38,880 rows; the rest differ in numbers only)
        keys = [c for c in frame.columns if c in ID_COLUMNS]
        tables[f"{path.stem}.csv"] = frame.drop_duplicates(subset=keys or None)
    # the workbook's sheets hold the same tables under human headers (title rows above them);
    # their names must have labels
    tables |= {f"sheet {name}": pd.DataFrame()
               for name in workbooks.book(out / "nldtib_report.xlsx").sheetnames}
    return tables


#: Cells of identifier columns that are sentences, not identifiers (the report engineers may
#: replace them with an empty cell and a note).
_NOT_IDENTIFIERS = {("driver", "(none: every driver at its default)")}


def test_every_report_table_header_and_identifier_has_a_label(report_tables):
    assert len(report_tables) > 10
    missing = {}
    for name, frame in report_tables.items():
        found = [f for f in unlabelled(frame) if f not in _NOT_IDENTIFIERS]
        if found:
            missing[name] = found
    assert not missing, f"identifiers without a label: {missing}"
    for name in (n.removeprefix("sheet ") for n in report_tables if n.startswith("sheet ")):
        assert _both(name, kind="table"), name


def test_report_tables_relabel_in_both_languages(report_tables):
    for name, frame in report_tables.items():
        frame = frame[[c for c in frame.columns]].copy()
        if "driver" in frame:
            frame["driver"] = frame["driver"].where(
                ~frame["driver"].isin([v for _, v in _NOT_IDENTIFIERS]), "")
        for lang in LANGUAGES:
            out = relabel(frame, lang, headers=True, level=0.9)
            assert len(out.columns) >= len(frame.columns), name
            assert not [c for c in out.columns if re.fullmatch(r"[a-z0-9_.]+", c)
                        and "_" in c], (name, lang)


# ------------------------------------------------------------------- language and style
def test_dutch_differs_from_english_except_where_the_word_is_the_same():
    reg = _registry()
    same = {key for key, row in reg.iterrows() if row["en"] == row["nl"]}
    assert same == set(SAME_IN_DUTCH), sorted(same ^ set(SAME_IN_DUTCH))
    long_same = [key for key, row in reg.iterrows()
                 if row["en_long"] and row["en_long"] == row["nl_long"]]
    assert not long_same


_ENGLISH_WORDS = re.compile(r"\b(the|and|with|share|growth|turnover|firms|demand|current|"
                            r"improved|spending|employment)\b", re.IGNORECASE)
_DUTCH_WORDS = re.compile(r"\b(het|van|en|met|omzet|bedrijven|aandeel|groei|vraag|huidige|"
                          r"uitgaven|werkgelegenheid)\b", re.IGNORECASE)


def test_each_language_reads_as_itself():
    reg = _registry()
    english_in_dutch = [(k, t) for k, t in _texts(reg, "nl") if _ENGLISH_WORDS.search(t)
                        and k != ("scenario", "eu_rearm")]
    dutch_in_english = [(k, t) for k, t in _texts(reg, "en") if _DUTCH_WORDS.search(t)]
    assert not english_in_dutch
    assert not dutch_in_english


def test_dutch_government_style():
    reg = _registry()
    for key, text in _texts(reg, "nl"):
        # D&S and R&D are joined to the noun with a hyphen: D&S-omzet, R&D-werkgelegenheid
        assert not re.search(r"(D&S|R&D) (omzet|export|vraag|werkgelegenheid|productie|"
                             r"prijs|kosten|uitgaven|personeel|activiteit|sector|markt)",
                             text), (key, text)
        # a decimal comma (3,5%), never a decimal point; no English unit abbreviations
        assert not re.search(r"\d\.\d{1,2}(?!\d)", text), (key, text)
        assert not re.search(r"\b(EUR|bn|FTE|GDP|NATO|pp)\b", text), (key, text)
    for key, text in _texts(reg, "en"):
        assert not re.search(r"\d,\d{1,2}(?!\d)", text), (key, text)
    assert _both("turnover_nominal_eur") == ("D&S turnover (nominal)", "D&S-omzet (nominaal)")
    assert _both("export_share") == ("Export share", "Exportaandeel")
    assert _both("improved_conditions") == ("Improved conditions", "Verbeterde omstandigheden")
    assert unit_label("FTE", "nl") == "fte"


def test_short_labels_are_sentence_case_and_definitions_sentences():
    reg = _registry()
    for (kind, ident), row in reg.iterrows():
        for lang in LANGUAGES:
            short, long = row[lang], row[f"{lang}_long"]
            if kind != "unit" and ident != "p_value":
                assert not short[0].islower(), (kind, ident, short)
                words = short.split()
                capitals = [w for w in words[1:] if w[:1].isupper() and w[1:].islower()]
                assert len(capitals) < max(2, len(words) - 1), (kind, ident, short)
            assert not short.endswith("."), (kind, ident, short)
            if long:
                assert long[0].isupper() and long.endswith("."), (kind, ident, long)


def test_labels_of_a_kind_round_trip():
    """Within a kind, a label names one identifier (so a legend or a header is unambiguous)."""
    for kind in ("variable", "driver", "scenario", "model", "table", "estimator"):
        frame = labels.labels(None, kind=kind)
        for lang in LANGUAGES:
            back = {text: ident for (_, ident), text in frame[lang].items()}
            repeated = frame[lang][frame[lang].duplicated(keep=False)]
            for (_, ident), text in frame[lang].items():
                if text not in set(repeated):
                    assert back[text] == ident


# ------------------------------------------------------------------------------- API
def test_check_language():
    assert [check_language(x) for x in ("en", "nl", "NL", " nl-NL ", "en_GB")] == [
        "en", "nl", "nl", "nl", "en"]
    with pytest.raises(InputError, match=r"argument 'lang'.*'de'.*'en'.*'nl'"):
        check_language("de")
    with pytest.raises(InputError, match=r"write lang='nl'"):
        check_language("dutch")
    with pytest.raises(InputError, match="argument 'lang'"):
        check_language(None)
    with pytest.raises(InputError, match="argument 'lang'"):
        label("export_share", "fr")


def test_unknown_identifiers_name_the_argument_and_close_matches():
    with pytest.raises(InputError, match=r"argument 'identifier'.*'order_certanty'.*"
                                         r"did you mean 'order_certainty'"):
        label("order_certanty")
    with pytest.raises(InputError, match=r"no label for scenario 'baseline2'.*did you mean "
                                         r"'baseline'"):
        label("baseline2", kind="scenario")
    with pytest.raises(InputError, match=r"known scenarios: .*'current_conditions'"):
        label("zzz", kind="scenario")
    with pytest.raises(InputError, match=r"argument 'kind'.*did you mean 'variable'"):
        label("export_share", kind="variables")
    with pytest.raises(InputError, match="argument 'identifier': an identifier is text"):
        label(2030)
    with pytest.raises(InputError, match=r"argument 'level'.*write 0.9"):
        label("lower", level=90)
    with pytest.raises(InputError, match=r"argument 'unit': unknown unit 'euros'.*did you "
                                         r"mean"):
        unit_label("euros")
    with pytest.raises(InputError, match="argument 'scale'"):
        unit_label("EUR", scale="billion")
    # a future that is not built in: an error, or the name as written
    with pytest.raises(InputError):
        label("my_future/current_conditions")
    assert label("my_future", strict=False) == "my_future"


def test_kinds_are_searched_in_order_and_column_falls_back():
    assert label("export_share", kind="indicator") == "Export share"
    assert label("median", kind="column") == "Median"  # a statistic used as a header
    assert label("share") == "%"  # a unit before a code
    assert label("share", kind="code") == "Shares"
    with pytest.raises(InputError):
        label("median", kind="driver")


def test_interval_level_in_bound_labels():
    assert _both("upper", level=0.9) == ("Upper bound (90% interval)",
                                         "Bovengrens (90%-interval)")
    assert _both("ci_lower", level=0.95) == ("Lower bound (95% confidence interval)",
                                             "Ondergrens (95%-betrouwbaarheidsinterval)")
    assert label("export_share_ci_upper", level=0.95) == (
        "Export share: upper bound (95% confidence interval)")
    assert label("median", level=0.9) == "Median"  # not a bound


def test_long_labels_and_units():
    en = label("utilisation", long=True)
    assert en.endswith(".") and len(en) > len(label("utilisation"))
    assert label("share_of_total", long=True) == label("share_of_total")  # no definition
    assert label("fte_required", "nl", with_unit=True) == "Benodigde D&S-werkgelegenheid, fte"
    assert label("uplift[domain=land]", with_unit=True) == "Scale-up, domain: land, %"
    grid = label("baseline/labour_only", "nl", long=True)
    assert grid.startswith(label("baseline", "nl", long=True))


def test_relabel_keeps_identifiers_and_adds_labels():
    frame = pd.DataFrame({
        "model": ["outlook"] * 3,
        "scenario": ["baseline/current_conditions", "baseline/improved_conditions", None],
        "variable": ["turnover_nominal_eur", "export_share", "uplift[nld_area=quantum]"],
        "unit": ["EUR", "fraction", "fraction"],
        "statistic": ["q0.025", "mean", "q0.5"],
        "value": [1.0, 2.0, 3.0],
    })
    out = relabel(frame, "nl")
    assert list(out.columns) == ["model", "model_label", "scenario", "scenario_label",
                                 "variable", "variable_label", "unit", "unit_label",
                                 "statistic", "statistic_label", "value"]
    pd.testing.assert_frame_equal(out[frame.columns], frame)  # identifiers unchanged
    assert out["scenario_label"].tolist()[:2] == ["Basispad, huidige omstandigheden",
                                                  "Basispad, verbeterde omstandigheden"]
    assert pd.isna(out["scenario_label"].iloc[2])  # missing stays missing
    assert out["variable_label"].tolist() == [
        "D&S-omzet (nominaal)", "Exportaandeel", "Opschaling, NLD-gebied: quantumtechnologie"]
    assert out["unit_label"].tolist() == ["mld. euro", "%", "%"]
    assert out["statistic_label"].tolist() == ["2,5e percentiel", "Gemiddelde", "Mediaan"]
    # idempotent, and the frame given is not changed
    pd.testing.assert_frame_equal(relabel(out, "nl"), out)
    assert "model_label" not in frame
    headers = relabel(frame, "en", headers=True).columns.tolist()
    assert headers[:4] == ["Model (code)", "Model", "Scenario (code)", "Scenario"]
    assert headers[-1] == "Value"


def test_relabel_columns_argument():
    frame = pd.DataFrame({"who": ["orders_only"], "variable": ["export_share"]})
    out = relabel(frame, columns={"who": "scenario"})
    assert out.columns.tolist() == ["who", "who_label", "variable"]
    assert relabel(frame, columns="variable", suffix=" (label)").columns.tolist() == [
        "who", "variable", "variable (label)"]
    with pytest.raises(InputError, match=r"argument 'columns': 'policy' not in the frame"):
        relabel(frame, columns=["policy"])
    with pytest.raises(InputError, match="argument 'frame'"):
        relabel(frame.to_dict(), "en")
    with pytest.raises(InputError, match="argument 'identifier'.*'who'"):
        relabel(frame, headers=True)
    kept = relabel(pd.DataFrame({"scenario": ["my_reform"]}), strict=False)
    assert kept["scenario_label"].tolist() == ["my_reform"]


def test_relabel_codes_and_booleans():
    frame = pd.DataFrame({"kind": ["lever", "external"], "status": ["publish", "primary"],
                          "synthetic": [True, False]})
    out = relabel(frame, "nl", columns={"kind": "code", "status": "code",
                                        "synthetic": "code"})
    assert out["kind_label"].tolist() == ["Beleidsinstrument", "Externe factor"]
    assert out["status_label"].tolist() == ["Publiceerbaar", "Afgeschermd (primair)"]
    assert out["synthetic_label"].tolist() == ["Ja", "Nee"]


def test_column_labels_and_unlabelled():
    assert column_labels(["year", "median", "lower", "upper"], "nl", level=0.9) == [
        "Jaar", "Mediaan", "Ondergrens (90%-interval)", "Bovengrens (90%-interval)"]
    assert column_labels(["firms", "firms_ci_lower", "firms_status"]) == [
        "Number of NLDTIB firms", "Number of NLDTIB firms: lower bound",
        "Number of NLDTIB firms: status"]
    frame = pd.DataFrame({"variable": ["export_share", "nope", "nope"], "x_y": [1, 2, 3],
                          "indicator": ["firms", "", None]})
    assert unlabelled(frame) == [(None, "x_y"), ("variable", "nope")]
    assert unlabelled(frame[["indicator"]]) == []


def test_ids_columns_name_known_kinds():
    assert all(kind is None or kind in KINDS for kind in ID_COLUMNS.values())


def test_module_sits_in_the_lowest_layers():
    """labels imports no model, scenario, survey, data or report module (import-linter layer
    just above _errors and _format); it reads labels.csv as package data."""
    tree = ast.parse((SRC / "labels.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    ours = {m for m in imported if m.startswith("nldtib_forecast")}
    assert ours == {"nldtib_forecast._errors", "nldtib_forecast._format"}
    assert dir(labels) == sorted(labels.__all__)


# ---------------------------------------------------------------- Dutch number formats
def test_dutch_number_formats():
    assert fmt.eur(9.86e9, lang="nl") == "€ 9,86 mld."
    assert fmt.eur(10.2e9, decimals=1, lang="nl") == "€ 10,2 mld."
    assert fmt.eur(-250e6, lang="nl") == "-€ 250,0 mln."
    assert fmt.eur(12_345, lang="nl") == "€ 12.345"
    assert fmt.eur(1.5e9, signed=True, symbol=False, lang="nl") == "+1,50 mld."
    assert fmt.percent(0.215, signed=True, lang="nl") == "+21,5%"
    assert fmt.percent(0.33, decimals=0, lang="nl") == "33%"
    assert fmt.percent(0.005, decimals=None, lang="nl") == "0,5%"
    assert fmt.percentage_points(0.012, lang="nl") == "+1,2%-punt"
    assert fmt.percentage_points(-0.0345, decimals=2, lang="nl") == "-3,45%-punt"
    assert fmt.count(1503, lang="nl") == "1.503"
    assert fmt.count(180_504, lang="nl") == "180.504"
    assert fmt.number(1234567.891, decimals=2, lang="nl") == "1.234.567,89"
    assert fmt.number(1.02345, lang="nl") == "1,023"
    assert fmt.number(3e-9, lang="nl") == "3e-09"
    assert fmt.format_value(0.3623, "fraction", lang="nl") == "36,2%"
    assert fmt.format_value(9.86e9, "EUR", lang="nl") == "€ 9,86 mld."
    assert fmt.format_value(12345.4, "FTE", lang="nl") == "12.345"
    assert fmt.format_value("suppressed", "EUR", lang="nl") == "suppressed"


def test_dutch_signed_amounts_put_the_sign_before_the_euro_sign():
    """Dutch government texts write a difference as ``+€ 202,4 mln.``: the sign before the
    currency sign, never ``€ +202,4 mln.``; English keeps ``EUR +1.50 bn``."""
    assert fmt.eur(202.4e6, signed=True, lang="nl") == "+€ 202,4 mln."
    assert fmt.eur(-320.9e6, signed=True, lang="nl") == "-€ 320,9 mln."
    assert fmt.eur(2.24e9, signed=True, lang="nl") == "+€ 2,24 mld."
    assert fmt.eur(-0.85e9, scale="bn", signed=True, lang="nl") == "-€ 0,85 mld."
    assert fmt.format_value(-1.3e9, "EUR", signed=True, lang="nl") == "-€ 1,30 mld."
    assert fmt.eur(1.5e9, signed=True) == "EUR +1.50 bn"
    for text in (fmt.eur(v, signed=s, lang="nl") for v in (-2e9, -3e6, 4e6, 5e9)
                 for s in (True, False)):
        assert not re.search(r"€ [+-]", text), text


def test_missing_values_in_dutch():
    for f in (fmt.number, fmt.percent, fmt.percentage_points, fmt.eur, fmt.count):
        assert f(None, lang="nl") == "n.b." == f(np.nan, lang="nl"), f.__name__
        assert f(pd.NA, lang="nl", missing=fmt.DASH) == fmt.DASH, f.__name__
        assert f(None) == "n/a", f.__name__
    assert fmt.format_value(math.inf, "EUR", lang="nl") == "n.b."


@pytest.mark.parametrize("function", ["number", "percent", "percentage_points", "eur", "count",
                                      "format_value"])
def test_formats_reject_an_unknown_language(function):
    with pytest.raises(ValueError, match=r"argument 'lang': unknown value 'de'"):
        getattr(fmt, function)(1.0, lang="de")


def test_dutch_marks_are_the_english_ones_swapped():
    """For any number, the Dutch text is the English one with ',' and '.' swapped (and the
    Dutch words for the units): the two never differ in digits or rounding."""
    swap = str.maketrans({",": ".", ".": ","})
    rng = np.random.default_rng(0)
    values = np.concatenate([[0.0, -0.0, 1.0, 999.5, 1e15, 1e-5],
                             rng.choice([-1, 1], 300) * 10 ** rng.uniform(-6, 14, 300)])
    for v in values:
        assert fmt.number(v, lang="nl") == fmt.number(v).translate(swap)
        assert fmt.count(v, lang="nl") == fmt.count(v).translate(swap)
        assert fmt.percent(v, lang="nl") == fmt.percent(v).translate(swap)
        assert fmt.percentage_points(v, lang="nl") == (
            fmt.percentage_points(v).removesuffix(" pp").translate(swap) + "%-punt")
        en = fmt.eur(v, symbol=False)
        nl = fmt.eur(v, symbol=False, lang="nl")
        number = en.removesuffix(" bn").removesuffix(" m")
        assert nl.startswith(number.translate(swap)), (v, en, nl)
        assert nl.endswith({" bn": " mld.", " m": " mln."}.get(en[len(number):], "")), (v, nl)


def test_english_formats_are_unchanged():
    assert fmt.eur(9.86e9) == "EUR 9.86 bn" == fmt.eur(9.86e9, lang="en")
    assert fmt.percent(0.3623) == "36.2%"
    assert fmt.percentage_points(0.012) == "+1.2 pp"
    assert fmt.count(1050) == "1,050"
    assert fmt.format_value(float("nan"), "EUR") == "n/a"


# ----------------------------------------------------- the labels of a user's scenarios
def test_user_scenarios_are_labelled_by_their_own_labels():
    """A scenario of a user's file: its label in the language asked for, else in the other
    language, else the registry's (a built-in), else its name (strict=False)."""
    from nldtib_forecast.scenarios import Scenario, builtin

    mine = {"reform": Scenario("reform", {"order_certainty": 0.6}, kind="policy",
                               label_en="Procurement reform",
                               label_nl="Hervorming van de aanbesteding"),
            "dutch_only": Scenario("dutch_only", kind="future", label_nl="Alleen Nederlands"),
            "bare": Scenario("bare", kind="policy"),
            "baseline": builtin()["baseline"]}
    assert label("reform", "nl", scenarios=mine) == "Hervorming van de aanbesteding"
    assert label("reform", scenarios=mine) == "Procurement reform"
    assert label("dutch_only", "en", scenarios=mine) == "Alleen Nederlands"
    assert label("bare", "nl", scenarios=mine, strict=False) == "bare"
    assert label("baseline", "nl", scenarios=mine) == "Basispad"  # the registry's
    assert label("dutch_only/reform", "nl", scenarios=mine) == \
        "Alleen Nederlands, hervorming van de aanbesteding"
    assert label("baseline/reform", scenarios=mine) == "Baseline, procurement reform"
    with pytest.raises(InputError, match="no label for 'reform'"):
        label("reform", "nl")  # without the scenarios: unknown
    with pytest.raises(InputError, match="argument 'scenarios'"):
        label("reform", scenarios=["reform"])  # type: ignore[arg-type]
    frame = pd.DataFrame({"future": ["baseline", "dutch_only"], "policy": ["reform", "bare"]})
    shown = relabel(frame, "nl", strict=False, scenarios=mine)
    assert shown["policy_label"].tolist() == ["Hervorming van de aanbesteding", "bare"]
    assert shown["future_label"].tolist() == ["Basispad", "Alleen Nederlands"]
