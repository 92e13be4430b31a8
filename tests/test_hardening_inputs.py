"""Every bad input gives a clear InputError, never a traceback or a silent result (issue 13,
item 4).

The first part holds one test per case of the campaign (survey files, values, years and types,
API edge cases); scenario files are tested in ``tests/test_scenarios.py``. The second part
generates bad survey frames, bad survey files and bad scenario-file texts with Hypothesis and
checks that only :class:`~nldtib_forecast.InputError` is ever raised, while valid inputs still
pass.
"""

from __future__ import annotations

import contextlib
import lzma
import math
import struct
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast._errors import check_seed, check_year
from nldtib_forecast.data import COLUMNS, SCHEMA, read_survey, schema_table, validate_survey
from nldtib_forecast.scenarios import load_scenarios, parse_scenarios


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    from nldtib_forecast.data import synthetic_survey

    return synthetic_survey(seed=0)


def _row_of_year(df: pd.DataFrame, year: int, column: str | None = None) -> object:
    mask = df["year"] == year
    if column is not None:
        mask &= df[column].notna()
    return df.index[mask][0]


# =============================================================================================
# Survey files
# =============================================================================================
@pytest.mark.parametrize("name, content, cause", [
    ("empty.dta", b"", struct.error),  # pandas' Stata reader: struct.error
    ("garbage.dta", bytes(range(256)) * 8, None),
    ("garbage.csv.xz", b"\x00not xz at all" * 50, lzma.LZMAError),
    ("garbage.csv.gz", b"\x1f\x8b\x08garbage" * 50, None),
    ("garbage.csv.bz2", b"BZh9garbage" * 50, None),
    ("garbage.csv.zip", b"PK\x03\x04garbage" * 50, None),
    ("garbage.xlsx", b"PK\x03\x04garbage" * 50, None),
    ("garbage.csv", bytes(range(128, 256)) * 8, UnicodeDecodeError),
])
def test_garbage_bytes_name_the_file(tmp_path, name, content, cause):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_survey(path)
    assert str(path) in str(info.value)
    if cause is not None:
        assert isinstance(info.value.__cause__, cause)


@pytest.mark.parametrize("path", [None, 3, 2.5, b"survey.csv", ["survey.csv"]])
def test_path_that_is_not_a_path(path):
    with pytest.raises(InputError, match="argument 'path': expected the path of a file"):
        read_survey(path)


def test_directory_as_the_survey_path(tmp_path):
    folder = tmp_path / "survey.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_survey(folder)


def test_unknown_keyword_argument_names_the_reader(tmp_path, survey):
    path = tmp_path / "s.csv"
    survey.head(20).to_csv(path, index=False)
    with pytest.raises(InputError, match="unknown keyword argument.*'seperator'.*pandas.read_csv"):
        read_survey(path, seperator=";")
    with pytest.raises(InputError, match=r"'enconding' \(did you mean 'encoding'\?\)"):
        read_survey(path, enconding="latin-1")
    with pytest.raises(InputError, match="chunksize is not supported"):
        read_survey(path, chunksize=10)
    with pytest.raises(InputError, match="sheet_name='data' applies to Excel workbooks only"):
        read_survey(path, sheet_name="data")


def test_semicolon_separated_csv_says_which_options_to_pass(tmp_path, survey):
    path = tmp_path / "semi.csv"
    survey.to_csv(path, index=False, sep=";")
    with pytest.raises(InputError, match="semicolon-separated") as info:
        read_survey(path)
    assert "pass sep=';'" in str(info.value)
    assert len(info.value.problems) == 0  # one message, not 27 "missing column" lines
    pd.testing.assert_frame_equal(read_survey(path, sep=";"), validate_survey(survey))


def test_dutch_excel_export_says_sep_and_decimal(tmp_path, survey):
    path = tmp_path / "nl.csv"
    survey.to_csv(path, index=False, sep=";", decimal=",")
    with pytest.raises(InputError) as info:
        read_survey(path)
    assert "sep=';', decimal=','" in str(info.value)
    # only the separator given: the decimal commas are pointed at
    with pytest.raises(InputError, match="decimal=','") as info:
        read_survey(path, sep=";")
    assert "weight" in info.value.columns
    out = read_survey(path, sep=";", decimal=",")
    pd.testing.assert_frame_equal(out, validate_survey(survey))


def test_tab_separated_file(tmp_path, survey):
    path = tmp_path / "tabs.csv"
    survey.head(30).to_csv(path, index=False, sep="\t")
    with pytest.raises(InputError, match=r"tab-separated.*sep='\\t'"):
        read_survey(path)


@pytest.mark.parametrize("encoding, hint", [
    ("latin-1", "encoding='latin-1'"), ("cp1252", "encoding='cp1252'"),
    ("utf-16", "encoding='utf-16'")])
def test_encoding_is_named(tmp_path, survey, encoding, hint):
    df = survey.head(30).copy()
    df.loc[df.index[0], "stratum"] = "Café – défense"[:4]  # é: not UTF-8 in these encodings
    path = tmp_path / "enc.csv"
    df.to_csv(path, index=False, encoding=encoding)
    with pytest.raises(InputError, match="encoding=") as info:
        read_survey(path)
    assert hint in str(info.value) and str(path) in str(info.value)
    out = read_survey(path, encoding=encoding)
    assert out.loc[out.index[0], "stratum"] == "Café"


def test_duplicated_header_is_reported(tmp_path, survey):
    df = survey.head(30)
    columns = list(df.columns)
    columns[columns.index("fte_ds")] = "fte_total"  # header names fte_total twice
    path = tmp_path / "dup.csv"
    df.set_axis(columns, axis=1).to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        read_survey(path)
    rules = {p.column: p.rule for p in info.value.problems}
    assert "appears 2 times in the file's header" in rules["fte_total"]
    assert "'fte_total.1'" in rules["fte_total"]
    assert "required column is missing" in rules["fte_ds"]
    # a duplicated schema column is an error even when nothing else is wrong
    path2 = tmp_path / "dup2.csv"
    pd.concat([df, df[["weight"]]], axis=1).to_csv(path2, index=False)
    with pytest.raises(InputError, match="layout is invalid") as info:
        read_survey(path2)
    assert info.value.columns == ("weight",)


def test_xlsx_formula_without_a_saved_result(tmp_path, survey):
    import openpyxl

    path = tmp_path / "formulas.xlsx"
    survey.head(30).to_excel(path, index=False)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    col = [c.value for c in sheet[1]].index("turnover_total_eur") + 1
    sheet.cell(row=5, column=col).value = "=1+1"  # written by a program: no cached value
    book.save(path)
    with pytest.raises(InputError) as info:
        read_survey(path)
    problem = next(p for p in info.value.problems if "formula" in p.rule)
    assert problem.column == "turnover_total_eur"
    assert problem.rows == (3,)  # data row (Excel row 5, below the header)
    assert "save it" in problem.rule and "J5" in problem.rule


def test_parquet_without_pyarrow_says_install_pyarrow(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("pyarrow", "fastparquet")
                        else real(name, *a))
    path = tmp_path / "survey.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(InputError, match=r"install pyarrow"):
        read_survey(path)


# =============================================================================================
# Values: plausibility bounds, identifiers
# =============================================================================================
def test_huge_weight_is_rejected_not_published(survey):
    from nldtib_forecast.survey import survey_total

    bad = survey.copy()
    bad.loc[_row_of_year(bad, 2025), "weight"] = 1e308
    with pytest.raises(InputError, match="implausible") as info:
        validate_survey(bad)
    assert info.value.columns == ("weight",)
    assert "plausibility=" in str(info.value)
    with pytest.raises(InputError, match="implausible"):  # the estimators validate too
        survey_total(bad, "turnover_ds_eur")


@pytest.mark.parametrize("column, value", [
    ("price_change_ds", 1e6), ("cost_change_ds", 5.0), ("scale_up_current", 40.0),
    ("scale_up_improved", 40.0), ("expected_growth_ds", 15.0), ("turnover_total_eur", 1e15),
    ("fte_total", 2e6)])
def test_plausibility_bounds(survey, column, value):
    bad = survey.copy()
    row = _row_of_year(bad, 2025, column)
    bad.loc[row, column] = value
    if column == "scale_up_current":
        bad.loc[row, "scale_up_improved"] = value
    if column == "turnover_total_eur":
        pass
    with pytest.raises(InputError) as info:
        validate_survey(bad)
    problem = next(p for p in info.value.problems if p.column == column)
    assert "implausible" in problem.rule and problem.rows == (row,)
    assert "plausibility=False" in problem.rule
    # the documented override: off, or a larger bound for the column
    validate_survey(bad, plausibility={column: value * 2, "scale_up_improved": None})
    out = validate_survey(bad, plausibility=False)
    assert out.attrs["plausibility"] is False


def test_plausibility_override_is_kept_by_the_estimators(tmp_path, survey):
    from nldtib_forecast.survey import survey_total

    bad = survey.copy()
    bad.loc[bad["year"] == 2025, "weight"] *= 1e6  # e.g. weights in the wrong unit
    with pytest.raises(InputError, match="implausible"):
        survey_total(bad, None)
    ok = validate_survey(bad, plausibility={"weight": 1e8})
    assert ok.attrs["plausibility"] == {"weight": 1e8}
    total = survey_total(ok, None, protect=False)["estimate"].iloc[0]
    assert math.isfinite(total) and total > 1e8
    path = tmp_path / "big.csv"
    bad.to_csv(path, index=False)
    assert read_survey(path, plausibility=False).attrs["plausibility"] is False
    with pytest.raises(InputError, match="implausible"):
        read_survey(path)


@pytest.mark.parametrize("setting, match", [
    ("yes", "expected True"), ({"weigth": 1e7}, "did you mean 'weight'"),
    ({"weight": "big"}, "must be a number or None"), ({"firm_id": 3}, "not a numeric")])
def test_bad_plausibility_settings(survey, setting, match):
    with pytest.raises(InputError, match=match):
        validate_survey(survey.head(10), plausibility=setting)


def test_plausibility_bounds_are_in_the_schema():
    table = schema_table()
    assert table.loc["weight", "plausible_upper"] == 1e6
    assert table.loc["price_change_ds", "plausible_upper"] == 2.0
    assert table.loc["scale_up_current", "plausible_upper"] == 10.0
    assert np.isnan(table.loc["year", "plausible_upper"])
    assert {s.name for s in SCHEMA if s.plausible_upper is not None} >= {
        "weight", "price_change_ds", "cost_change_ds", "scale_up_current", "scale_up_improved"}


def test_firm_ids_are_stripped_and_compared(survey):
    df = survey.copy()
    first = df["firm_id"].iloc[0]
    rows = df.index[df["firm_id"] == first]
    ids = df["firm_id"].astype(object)
    ids[rows[0]] = f" {first}"  # the same firm, a blank before the id in one year
    ids[rows[1]] = f"{first}\u00a0"  # and a non-breaking space after it in another
    out = validate_survey(df.assign(firm_id=ids))
    assert out["firm_id"].nunique() == survey["firm_id"].nunique()
    assert set(out.loc[rows, "firm_id"]) == {first}
    # ' F00001' and 'F00001' in the same year are one firm twice
    dup = df.copy()
    other = dup.index[(dup["year"] == dup.loc[rows[0], "year"]) & (dup["firm_id"] != first)][0]
    dup["firm_id"] = dup["firm_id"].astype(object)
    dup.loc[other, "firm_id"] = f"{first} "
    with pytest.raises(InputError, match=r"\(firm_id, year\) pairs must be unique"):
        validate_survey(dup)


@pytest.mark.parametrize("bad_id", ["F\x0001", "F0\n01", "F\t1", "F\u200b001", "\ufeffF1"])
def test_control_characters_in_ids_are_rejected(survey, bad_id):
    df = survey.copy()
    df["firm_id"] = df["firm_id"].astype(object)
    df.loc[df.index[3], "firm_id"] = bad_id
    with pytest.raises(InputError, match="control or invisible character") as info:
        validate_survey(df)
    (problem,) = info.value.problems
    assert problem.column == "firm_id" and problem.rows == (df.index[3],)


def test_ids_of_other_types_are_rejected(survey):
    df = survey.head(10).copy()
    df["firm_id"] = df["firm_id"].astype(object)
    df.loc[df.index[2], "firm_id"] = b"F1"
    df.loc[df.index[4], "firm_id"] = ("F", 1)
    with pytest.raises(InputError, match="string or an integer identifier, got bytes, tuple"):
        validate_survey(df)


# =============================================================================================
# Years and types: one rule everywhere
# =============================================================================================
BAD_YEARS = [[2024], (2024,), 2024.5, "2024", True, float("nan"), np.array([2024]), {2024: 1}]


@pytest.mark.parametrize("year", [2024, np.int64(2024), np.int32(2024), 2024.0,
                                  np.float64(2024.0)])
def test_check_year_accepts_whole_numbers(year):
    out = check_year(year)
    assert out == 2024 and type(out) is int


@pytest.mark.parametrize("year", BAD_YEARS, ids=repr)
def test_check_year_rejects_everything_else(year):
    with pytest.raises(InputError, match="argument 'year': a year must be a whole number"):
        check_year(year)


def test_check_year_optional_and_bounds():
    assert check_year(None, optional=True) is None
    with pytest.raises(InputError, match="required"):
        check_year(None)
    with pytest.raises(InputError, match="outside 1990-2100"):
        check_year(1850, lower=1990, upper=2100)


@pytest.mark.parametrize("year", BAD_YEARS, ids=repr)
def test_year_rule_in_headline_premium_and_estimators(survey, year):
    from nldtib_forecast.survey import headline_figures, pe_growth_premium, survey_total

    for call in (lambda: headline_figures(survey, year=year, n_replicates=5, pe_replicates=5),
                 lambda: pe_growth_premium(survey, year=year, n_replicates=5),
                 lambda: survey_total(survey, "turnover_ds_eur", year=year)):
        with pytest.raises(InputError, match="a year must be a whole number"):
            call()


def test_integral_float_year_is_the_same_year(survey):
    from nldtib_forecast.models.trade import ExportShareModel
    from nldtib_forecast.survey import pe_growth_premium, survey_total

    a = survey_total(survey, "turnover_ds_eur", year=2024)
    b = survey_total(survey, "turnover_ds_eur", year=2024.0)
    pd.testing.assert_frame_equal(a, b, check_like=True)
    assert b.attrs["year"] == 2024 and type(b.attrs["year"]) is int
    res = pe_growth_premium(survey, year=np.float64(2024.0), n_replicates=5, seed=1)
    assert res.year == 2024 and type(res.year) is int
    model = ExportShareModel.from_survey(survey, year=2024.0)
    assert model.base_year == 2024
    with pytest.raises(InputError, match="a year must be a whole number"):
        ExportShareModel.from_survey(survey, year="2024")
    with pytest.raises(InputError, match="'fit_years'"):
        ExportShareModel.from_published(fit_years=[2019, 2020.5, 2021])
    with pytest.raises(InputError, match="'horizon'"):
        ExportShareModel.from_published().simulate(horizon="2030")


def test_scenario_years_follow_the_same_rule():
    from nldtib_forecast.scenarios import Scenario

    s = Scenario("y", {"order_certainty": 0.6})
    assert s.values([2026.0]).index.tolist() == [2026]
    for bad in ([2026.5], ["2026"], "2026", [True]):
        with pytest.raises(InputError, match="years"):
            s.values(bad)


# =============================================================================================
# API edge cases
# =============================================================================================
def test_export_share_model_from_an_empty_survey(survey):
    from nldtib_forecast.models.trade import ExportShareModel

    with pytest.raises(InputError, match="empty"):
        ExportShareModel.from_survey(survey.iloc[:0])


def test_fit_export_demand_on_an_empty_frame():
    from nldtib_forecast.models.trade import fit_export_demand

    with pytest.raises(InputError, match="no rows"):
        fit_export_demand(pd.DataFrame({"y": [], "x": []}), "y", "x")


@pytest.mark.parametrize("seed", [-1, 1.5, "1", True])
def test_check_seed(seed):
    with pytest.raises(InputError, match="argument 'seed'"):
        check_seed(seed)


def test_check_seed_accepts_ints_and_generators():
    rng = np.random.default_rng(0)
    assert check_seed(rng) is rng
    assert check_seed(np.int64(7)) == 7 and check_seed(None) is None


def test_negative_seed_in_headline_and_premium(survey):
    from nldtib_forecast.survey import headline_figures, pe_growth_premium

    with pytest.raises(InputError, match="argument 'seed'"):
        headline_figures(survey, seed=-1, n_replicates=5, pe_replicates=5)
    with pytest.raises(InputError, match="argument 'seed'"):
        pe_growth_premium(survey, seed=-1, n_replicates=5)


def test_negative_seed_in_survey_total(survey):
    from nldtib_forecast.survey import survey_total

    with pytest.raises(InputError, match="argument 'seed'"):
        survey_total(survey, "turnover_ds_eur", variance="bootstrap", n_replicates=10, seed=-1)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_replicates": 1}, "n_replicates"), ({"pe_replicates": "5"}, "pe_replicates"),
    ({"level": "0.9"}, "level"), ({"protect": "no"}, "protect"),
    ({"growth_by": ["nld_area"]}, "growth_by")])
def test_headline_arguments(survey, kwargs, match):
    from nldtib_forecast.survey import headline_figures

    with pytest.raises(InputError, match=match):
        headline_figures(survey, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"level": "0.9"}, "level"), ({"trim": 0.1}, "trim"), ({"trim": ("a", 1)}, "trim"),
    ({"n_replicates": True}, "n_replicates"), ({"covariates": "size_class"}, "covariates"),
    ({"treatment": 3}, "treatment"), ({"n_jobs": 0}, "n_jobs")])
def test_premium_arguments(survey, kwargs, match):
    from nldtib_forecast.survey import pe_growth_premium

    with pytest.raises(InputError, match=match):
        pe_growth_premium(survey, **kwargs)


@pytest.mark.parametrize("args, match", [
    (("a", 0.1), "'nominal_growth': must be a number"),
    ((0.1, None), "'volume_growth': must be a number"),
    ((-2, 0.1), "'nominal_growth': must be > -1"),
    ((0.1, -1.0), "'volume_growth': must be > -1"),
    ((np.array([0.1, -1.5]), 0.0), "growth rates out of range"),
    ((pd.Series(["x", "y"]), 0.0), "'nominal_growth': must be a number"),
    ((np.array([0.1, 0.2]), np.array([0.1, 0.2, 0.3])), "shapes do not match"),
])
def test_implied_price_change_inputs(args, match):
    from nldtib_forecast.models.price_volume import implied_price_change

    with pytest.raises(InputError, match=match):
        implied_price_change(*args)


def test_implied_price_change_values():
    from nldtib_forecast.models.price_volume import implied_price_change

    assert implied_price_change(0.1, 0.0) == pytest.approx(0.1)
    s = implied_price_change(pd.Series([0.1, np.nan], index=[2024, 2025]), 0.1)
    assert s.index.tolist() == [2024, 2025] and s.iloc[0] == pytest.approx(0.0)
    assert np.isnan(s.iloc[1])


# =============================================================================================
# Hypothesis: bad survey frames, survey files and scenario texts
# =============================================================================================
def _small_survey() -> pd.DataFrame:
    """12 firms of the synthetic survey, all their years, in one stratum (every variance can
    be estimated)."""
    from nldtib_forecast.data import synthetic_survey

    s = synthetic_survey(seed=0)
    firms = s["firm_id"].unique()[:12]
    out = s[s["firm_id"].isin(firms)].reset_index(drop=True)
    out["stratum"] = "all"
    return out


SMALL = _small_survey()
NUMERIC = [s.name for s in SCHEMA if s.kind in ("int", "float")]
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_odd_values = st.one_of(
    st.none(), st.just(np.nan), st.just(np.inf), st.just(-np.inf), st.just(1e308),
    st.just(-1e308), st.just(-0.0), st.just(5e-324), st.just(2**70), st.just(-(2**63)),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20),
    st.text(max_size=8), st.binary(max_size=4), st.booleans(),
    st.just(pd.Timestamp("2024-01-01")), st.just(pd.NaT), st.just(pd.NA), st.just(1 + 2j),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(),
                                                         max_size=1),
    st.sampled_from(["F00001", " F00001", "F\x0001", "", "  ", "2024", "2024.5", "1,5",
                     "nan", "inf", "tier4", "Maritime", "yes", "n/a"]),
)
_bad_ids = st.one_of(
    st.text(max_size=6), st.sampled_from([" F1", "F1 ", "F\x001", "F\n1", "\u200bF1", "", " "]),
    st.integers(-5, 5), st.floats(allow_nan=True), st.none(), st.binary(max_size=3))


@contextlib.contextmanager
def _complex_cast_allowed():
    """A corruption that casts a complex value (one of ``_odd_values``) to a real number: the
    frame is bad anyway, and numpy's ComplexWarning about the cast is the generator's, not
    the library's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        yield


_ACTIONS = st.sampled_from(["drop", "rename", "object", "value", "dtype", "id", "extreme",
                            "duplicate_column", "index", "rows"])
_DTYPES = st.sampled_from(["str", "float64", "category", "object", "boolean", "string", "Int64",
                           "datetime"])
_EXTREMES = st.sampled_from([1e308, -1e308, 1e16, -1e-300, 1e7, 41.0, -0.999999, 2.0000001,
                             10.5, 2100.5])
_NUMERIC_COLUMNS = st.sampled_from(NUMERIC)
#: The row labels an "index" corruption sets on a frame of n rows (built only when drawn)
_INDEXES = st.sampled_from([lambda n: [f"r{i}" for i in range(n)], lambda n: [0] * n,
                            lambda n: list(range(n, 0, -1)),
                            lambda n: pd.MultiIndex.from_arrays([range(n), range(n)])])


def _own(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame that may be changed in place: SMALL is shallow-copied before its first in-place
    change (copy-on-write: the change never reaches SMALL, and no deep copy is needed); the
    other corruptions return new frames."""
    return frame.copy(deep=False) if frame is SMALL else frame


@st.composite
def bad_frames(draw) -> pd.DataFrame:
    """The small valid survey with a few random corruptions."""
    df, n = SMALL, len(SMALL)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(_ACTIONS)
        cols = list(df.columns)
        if not cols:
            break
        col = draw(st.sampled_from(cols))
        rows = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True))
        if action == "drop":
            df = df.drop(columns=col)
        elif action == "rename":
            df = df.rename(columns={col: draw(st.one_of(st.text(max_size=12), st.integers(),
                                                         st.just(str(col).upper())))})
        elif action in ("object", "value"):
            if cols.count(col) != 1:
                continue
            s = df[col].astype(object)
            for r in rows:
                s.iloc[r] = draw(_odd_values)
            df = _own(df)
            df[col] = s
        elif action == "dtype":
            if cols.count(col) != 1:
                continue
            target = draw(_DTYPES)
            try:
                with _complex_cast_allowed():
                    s = (pd.to_datetime(df[col], errors="coerce", unit="s")
                         if target == "datetime" else df[col].astype(target))
                df = _own(df)
                df[col] = s
            except (TypeError, ValueError, OverflowError):  # e.g. inf to Int64: not a change
                pass
        elif action == "id":
            if cols.count("firm_id") != 1:
                continue
            s = df["firm_id"].astype(object)
            for r in rows:
                s.iloc[r] = draw(_bad_ids)
            df = _own(df)
            df["firm_id"] = s
        elif action == "extreme":
            num = draw(_NUMERIC_COLUMNS)
            if cols.count(num) != 1:
                continue
            with _complex_cast_allowed():
                s = pd.to_numeric(df[num], errors="coerce").astype(float)
            for r in rows:
                s.iloc[r] = draw(_EXTREMES)
            df = _own(df)
            df[num] = s
        elif action == "duplicate_column":
            df = pd.concat([df, df[[col]]], axis=1)
        elif action == "index":
            df = _own(df)
            df.index = draw(_INDEXES)(n)
        else:  # rows: none, a few, or duplicated
            k = draw(st.integers(0, 3))
            df = df.iloc[:k] if draw(st.booleans()) else pd.concat([df, df.iloc[:k]])
            n = len(df)
            if n == 0:
                break
    return _own(df)


@FUZZ
@given(bad_frames())
def test_bad_frames_raise_only_input_errors(df):
    try:
        out = validate_survey(df)
    except InputError as err:
        assert str(err)  # names column, rule and rows
        return
    # accepted: the result is a clean frame, finite where it must be
    assert list(out.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert np.isfinite(out["weight"]).all() and (out["weight"] <= 1e6).all()
    assert not out["firm_id"].str.contains("[\x00-\x1f]").any()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_frames())
def test_bad_frames_in_the_estimators_raise_only_input_errors(df):
    from nldtib_forecast.survey import survey_ratio, survey_total

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for call in (lambda: survey_total(df, "turnover_ds_eur", protect=False),
                     lambda: survey_ratio(df, "export_ds_eur", "turnover_ds_eur",
                                          protect=False)):
            try:
                out = call()
            except InputError:
                continue
            est = out["estimate"].to_numpy(dtype=float)
            assert not np.isinf(est).any()


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_valid_frames_still_pass(seed):
    """Valid variations of the survey (reordered rows, integer ids, text years, an extra
    column) pass validation unchanged in meaning."""
    rng = np.random.default_rng(seed)
    df = SMALL.sample(frac=1.0, random_state=rng).copy()
    df["year"] = df["year"].astype(str) if rng.random() < 0.5 else df["year"].astype(float)
    df["note"] = "x"
    df["firm_id"] = " " + df["firm_id"].astype(str) + " "
    out = validate_survey(df)
    assert out["firm_id"].str.startswith("F").all()
    assert out["year"].dtype == np.int64
    assert len(out) == len(SMALL)


_CSV_FRAGMENTS = st.sampled_from([
    ",".join(COLUMNS), ";".join(COLUMNS), "\t".join(COLUMNS), "firm_id,year\n", "a,b,c\n1,2\n",
    '"unterminated', "\x00\x00", "\ufeff", "caf\xe9", "1,5;2,5\n", "\n\n\n", "fte_total," * 3])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=600),
                 st.lists(_CSV_FRAGMENTS, max_size=6).map(lambda p: "".join(p).encode(
                     "utf-8", "surrogatepass")),
                 st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       st.sampled_from([".csv", ".csv.gz", ".csv.xz", ".dta", ".xlsx"]))
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # pandas' Stata reader on garbage
def test_bad_survey_files_raise_only_input_errors(tmp_path, content, ext):
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(content)
    try:
        read_survey(path)
    except InputError as err:
        assert str(path) in str(err) or err.problems


_NAMES = st.sampled_from(["a", "reform", "surge", "current_conditions", "baseline", "x y",
                          '"q"', "1"])
_SECTIONS = st.sampled_from(["scenarios", "futures", "policies", "scenario", "other"])
_DRIVERS = st.sampled_from(["order_certainty", "procurement_lead_time_months",
                            "labour_supply_growth", "eu_procurement_growth", "unknown_driver",
                            "description", "kind", "replace", "sources", "drivers"])
_TOML_VALUES = st.one_of(
    st.sampled_from(["0.5", "1", "-3", "1e400", "nan", "inf", "true", '"0.6"', "[]", "{}",
                     "[1, [2, [3]]]", "{ 2026 = 0.5 }", "{ 2026 = 0.5, 2026.5 = 1 }",
                     '{ "2026" = 0.4, 2030 = 0.7 }', "{ 2026 = { 2027 = 1 } }",
                     "1979-05-27", "'''multi\nline'''", '"policy"', '"future"', '"weird"',
                     "{ 99999999999999999999 = 1 }", "{ -5 = 0.1 }", "[\"a\", 1]"]),
    st.integers().map(str), st.floats(allow_nan=False).map(repr),
    st.integers(1, 200).map(lambda d: "[" * d + "]" * d),
    st.integers(1, 200).map(lambda d: "{a=" * d + "1" + "}" * d),
)


@st.composite
def scenario_texts(draw) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append("\ufeff")
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["header", "drivers", "kv", "garbage", "dotted"]))
        if kind == "header":
            lines.append(f"[{draw(_SECTIONS)}.{draw(_NAMES)}]")
        elif kind == "drivers":
            lines.append(f"[{draw(_SECTIONS)}.{draw(_NAMES)}.drivers]")
        elif kind == "kv":
            lines.append(f"{draw(_DRIVERS)} = {draw(_TOML_VALUES)}")
        elif kind == "dotted":
            lines.append(f"{draw(_SECTIONS)}.{draw(_NAMES)}.{draw(_DRIVERS)} = "
                         f"{draw(_TOML_VALUES)}")
        else:
            lines.append(draw(st.text(max_size=30)))
    return "\n".join(lines)


@FUZZ
@given(scenario_texts())
def test_bad_scenario_texts_raise_only_input_errors(text):
    try:
        out = parse_scenarios(text, "fuzz.toml")
    except InputError as err:
        assert "fuzz.toml" in str(err)
        return
    assert isinstance(out, dict)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), scenario_texts().map(
    lambda t: t.encode("utf-8", "surrogatepass")),
    scenario_texts().map(lambda t: t.encode("utf-16"))))
def test_bad_scenario_files_raise_only_input_errors(tmp_path, content):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    try:
        load_scenarios(path)
    except InputError:
        pass


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 1.0), st.dictionaries(st.integers(2026, 2040), st.floats(6.0, 60.0),
                                            min_size=1, max_size=4), st.booleans())
def test_valid_scenario_texts_still_pass(certainty, path, bom):
    assume(all(math.isfinite(v) for v in path.values()))
    lead = ", ".join(f"{y} = {v!r}" for y, v in path.items())
    text = ("\ufeff" if bom else "") + (
        f"[scenarios.mine.drivers]\norder_certainty = {certainty!r}\n"
        f"procurement_lead_time_months = {{ {lead} }}\n")
    found = parse_scenarios(text)
    assert list(found) == ["mine"]
    assert found["mine"].drivers["order_certainty"] == pytest.approx(certainty)


def test_one_year_rule_in_tables_and_models(survey):
    """tabulate, the capacity and pass-through models and the results take the same years:
    2024.0 is 2024, 2024.5 and "2024" are errors."""
    from nldtib_forecast.models.capacity import CapacityModel
    from nldtib_forecast.models.pass_through import estimate_pass_through
    from nldtib_forecast.survey import tabulate

    a = tabulate(survey, "nld_area", "turnover_ds_eur", year=2024)
    b = tabulate(survey, "nld_area", "turnover_ds_eur", year=2024.0)
    pd.testing.assert_frame_equal(a, b)
    assert CapacityModel.from_survey(survey, year=2025.0).base_year == 2025
    assert estimate_pass_through(survey, year=2025.0).year == 2025
    for bad in (2024.5, "2024", [2024], True):
        with pytest.raises(InputError, match="argument 'year'"):
            tabulate(survey, "nld_area", "turnover_ds_eur", year=bad)
        with pytest.raises(InputError, match="argument 'year'"):
            CapacityModel.from_survey(survey, year=bad)
        with pytest.raises(InputError, match="argument 'year'"):
            estimate_pass_through(survey, year=bad)


def test_one_level_rule_everywhere(survey):
    """Every ``level`` argument follows check_level: text, percentages and booleans are
    InputErrors naming the argument (before, several raised TypeError on "0.9")."""
    from nldtib_forecast.analysis import sobol_indices
    from nldtib_forecast.models.capacity import CapacityModel
    from nldtib_forecast.models.pass_through import estimate_pass_through
    from nldtib_forecast.models.price_volume import decompose_turnover
    from nldtib_forecast.survey import headline_figures, pe_growth_premium, survey_total

    model = CapacityModel.from_survey(survey)
    res = model.simulate(["current_conditions", "improved_conditions"], n_draws=50, seed=1)
    calls = [
        lambda lv: survey_total(survey, "turnover_ds_eur", level=lv),
        lambda lv: headline_figures(survey, level=lv, n_replicates=5, pe_replicates=5),
        lambda lv: pe_growth_premium(survey, level=lv, n_replicates=5),
        lambda lv: estimate_pass_through(survey, level=lv),
        lambda lv: decompose_turnover(survey, level=lv, n_replicates=0),
        lambda lv: res.summary_frame(res.variables[0], level=lv),
        lambda lv: sobol_indices(lambda x: x[:, 0], [2], n=8, level=lv, seed=1),
    ]
    for call in calls:
        for bad in ("0.9", 95, True, 1.0, 0):
            with pytest.raises(InputError, match="argument 'level'"):
                call(bad)
    with pytest.raises(InputError, match="write 0.95, not 95"):
        survey_total(survey, "turnover_ds_eur", level=95)
