"""Tests of nldtib_forecast.data.validate_survey and read_survey.

The fixture is a hand-made 3-firm x 3-year panel (2021-2023) with every schema column; the
edition questions are filled in the last year (2023) only, as in the survey.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import (
    CATEGORIES,
    COLUMNS,
    EDITION_COLUMNS,
    read_survey,
    validate_survey,
)

NAN = float("nan")
YEARS = [2021, 2022, 2023]


def _valid_frame() -> pd.DataFrame:
    """3 firms x 3 years, every schema column, edition questions in 2023 only."""
    firms = {
        "F001": dict(stratum="0-25|land", nld_area="space", domain="land",
                     chain_position="tier2", size_class="0-25", entry_year=2010,
                     pe_backed=False, total=2.0e6, ds=1.0e6, exp=2.0e5, fte=20.0, fte_ds=8.0),
        "F002": dict(stratum="100-250|maritime", nld_area="maritime", domain="maritime",
                     chain_position="tier1", size_class="100-250", entry_year=2021,
                     pe_backed=True, total=3.0e7, ds=2.4e7, exp=1.2e7, fte=180.0, fte_ds=150.0),
        "F003": dict(stratum="2500+|air_space", nld_area="radars_sensors", domain="air_space",
                     chain_position="oem", size_class="2500+", entry_year=1995,
                     pe_backed=False, total=9.0e8, ds=9.0e8, exp=0.0, fte=3000.0, fte_ds=3000.0),
    }
    edition = {  # answers given in the 2023 edition (last year only)
        "F001": dict(passes_on_costs="partial", scale_up_current=0.1, scale_up_improved=0.3,
                     barrier_orders=True, barrier_procurement=True, barrier_labour=False,
                     barrier_financing=True, barrier_materials=False,
                     financing_challenge=True, expected_growth_ds=0.12),
        "F002": dict(passes_on_costs="full", scale_up_current=0.25, scale_up_improved=0.25,
                     barrier_orders=False, barrier_procurement=True, barrier_labour=True,
                     barrier_financing=False, barrier_materials=True,
                     financing_challenge=False, expected_growth_ds=-0.05),
        "F003": dict(passes_on_costs="none", scale_up_current=0.0, scale_up_improved=0.5,
                     barrier_orders=True, barrier_procurement=False, barrier_labour=True,
                     barrier_financing=False, barrier_materials=True,
                     financing_challenge=False, expected_growth_ds=0.3),
    }
    rows = []
    for k, (fid, f) in enumerate(firms.items()):
        for t, year in enumerate(YEARS):
            growth = 1.0 + 0.05 * t
            row = {
                "firm_id": fid, "year": year, "weight": 1.0 + k, "stratum": f["stratum"],
                "nld_area": f["nld_area"], "domain": f["domain"],
                "chain_position": f["chain_position"], "size_class": f["size_class"],
                "entry_year": f["entry_year"], "turnover_total_eur": f["total"] * growth,
                "turnover_ds_eur": f["ds"] * growth, "export_ds_eur": f["exp"] * growth,
                "fte_total": f["fte"], "fte_ds": f["fte_ds"],
                "price_change_ds": NAN if t == 0 else 0.02 * t,
                "cost_change_ds": NAN if t == 0 else 0.03 * t,
                "pe_backed": f["pe_backed"],
            }
            for col in EDITION_COLUMNS:
                row[col] = edition[fid][col] if year == YEARS[-1] else None
            rows.append(row)
    return pd.DataFrame(rows)[list(COLUMNS)]


@pytest.fixture
def frame() -> pd.DataFrame:
    return _valid_frame()


def _set(col, rows, value):
    def change(df):
        s = df[col].astype(object)
        s.iloc[rows] = value
        return df.assign(**{col: s})
    return change


def _assign(**columns):
    return lambda df: df.assign(**{k: v(df) if callable(v) else v for k, v in columns.items()})


def _rename(old, new):
    return lambda df: df.rename(columns={old: new})


BAD_CASES = {
    "missing column": (lambda df: df.drop(columns="weight"), "weight",
                       "required column is missing"),
    "misspelled column": (_rename("turnover_ds_eur", "turnover_ds"), "turnover_ds_eur",
                          "did you mean turnover_ds_eur?"),
    "duplicated column": (lambda df: pd.concat([df, df[["fte_ds"]]], axis=1), "fte_ds",
                          "appears 2 times"),
    "non-numeric string": (_set("turnover_total_eur", [1], "1.000,5"), "turnover_total_eur",
                           "non-numeric value(s) '1.000,5'"),
    "datetime in a number column": (
        _assign(fte_total=lambda df: pd.Timestamp("2023-01-01")), "fte_total", "wrong dtype"),
    "bool dtype in a number column": (_assign(weight=True), "weight", "wrong dtype 'bool'"),
    "NaN in total turnover": (_set("turnover_total_eur", [4], NAN), "turnover_total_eur",
                              "missing value(s) (NaN) not allowed"),
    "NaN in weight": (_set("weight", [0], None), "weight", "missing value(s)"),
    "inf in fte_ds": (_set("fte_ds", [2], np.inf), "fte_ds", "infinite value(s) not allowed"),
    "inf in nullable price change": (_set("price_change_ds", [1], -np.inf), "price_change_ds",
                                     "infinite value(s) not allowed"),
    "inf in edition column": (_set("scale_up_current", [2], np.inf), "scale_up_current",
                              "infinite value(s)"),
    "negative exports": (_set("export_ds_eur", [3], -1.0), "export_ds_eur", "must be >= 0"),
    "negative total turnover": (_set("turnover_total_eur", [0], -5.0), "turnover_total_eur",
                                "must be >= 0"),
    "D&S turnover above total": (
        _assign(turnover_ds_eur=lambda df: df["turnover_total_eur"] * 1.01),
        "turnover_ds_eur", "must be <= turnover_total_eur"),
    "exports above D&S turnover": (
        _assign(export_ds_eur=lambda df: df["turnover_ds_eur"] + 1.0),
        "export_ds_eur", "must be <= turnover_ds_eur"),
    "fte_ds above fte_total": (_set("fte_ds", [5], 1e6), "fte_ds", "must be <= fte_total"),
    "zero weight": (_set("weight", [7], 0.0), "weight", "must be > 0"),
    "price change of -100%": (_set("price_change_ds", [4], -1.0), "price_change_ds",
                              "must be > -1"),
    "cost change below -1": (_set("cost_change_ds", [8], -1.5), "cost_change_ds",
                             "must be > -1"),
    "expected growth below -1": (_set("expected_growth_ds", [8], -2.0), "expected_growth_ds",
                                 "must be >= -1"),
    "negative scale-up": (_set("scale_up_current", [2], -0.1), "scale_up_current",
                          "must be >= 0"),
    "improved scale-up below current": (_set("scale_up_improved", [5], 0.1),
                                        "scale_up_improved", "must be >= scale_up_current"),
    "duplicated firm-year": (_set("year", [1], 2021), "firm_id",
                             "(firm_id, year) pairs must be unique"),
    "unknown chain position": (_set("chain_position", [0, 1], "tier4"), "chain_position",
                               "unknown category label(s) 'tier4'"),
    "unknown size class": (_set("size_class", [3], "100 - 250"), "size_class",
                           "unknown category label(s) '100 - 250'"),
    "wrong case of a label": (_set("domain", [6], "Maritime"), "domain",
                              "(did you mean 'maritime'?)"),
    "unknown edition label": (_set("passes_on_costs", [2], "sometimes"), "passes_on_costs",
                              "unknown category label(s) 'sometimes'"),
    "numeric category codes": (_set("nld_area", [0], 3), "nld_area",
                               "unknown category label(s) 3"),
    "missing category": (_set("nld_area", [1], None), "nld_area", "missing value(s)"),
    "non-integer year": (_set("year", [2], 2023.5), "year", "must be integer-valued"),
    "non-integer entry year": (_set("entry_year", [2], 2010.25), "entry_year",
                               "must be integer-valued"),
    "year out of range": (_set("year", [0], 1850), "year", "must be >= 1990 and <= 2100"),
    "non-numeric year": (_set("year", [0], "2021a"), "year", "non-numeric value(s) '2021a'"),
    "entry after year": (_set("entry_year", [3], 2022), "entry_year", "must be <= year"),
    "not a boolean": (_set("barrier_labour", [2], "maybe"), "barrier_labour",
                      "not a boolean value: 'maybe'"),
    "boolean coded 2": (_set("pe_backed", [0], 2), "pe_backed", "not a boolean value: 2"),
    "missing non-nullable bool": (_set("pe_backed", [4], None), "pe_backed",
                                  "missing value(s)"),
    "missing firm id": (_set("firm_id", [0], None), "firm_id", "missing value(s)"),
    "blank firm id": (_set("firm_id", [0], "  "), "firm_id", "missing value(s)"),
    "fractional numeric firm id": (_assign(firm_id=[1.5, 1, 1, 2, 2, 2, 3, 3, 3]), "firm_id",
                                   "must be a string or an integer identifier, got 1.5"),
    "missing stratum": (_set("stratum", [8], NAN), "stratum", "missing value(s)"),
    # plausibility bounds (issue 13): possible in principle, almost always an error
    "implausible weight": (_set("weight", [0], 1e308), "weight", "implausible value(s) 1e+308"),
    "implausible price change": (_set("price_change_ds", [1], 1e6), "price_change_ds",
                                 "implausible value(s) 1000000.0 above 2"),
    "scale-up as a percentage": (
        _assign(scale_up_current=lambda df: df["scale_up_current"] * 100,
                scale_up_improved=lambda df: df["scale_up_improved"] * 100),
        "scale_up_current", "implausible value(s)"),
    "turnover in cents": (_assign(turnover_total_eur=lambda df: df["turnover_total_eur"] * 1e6),
                          "turnover_total_eur", "above 1e+12"),
    # identifiers
    "NUL byte in a firm id": (_set("firm_id", [2], "F\x00001"), "firm_id",
                              "control or invisible character(s)"),
    "line break in a stratum": (_set("stratum", [2], "0-25|\nland"), "stratum",
                                "control or invisible character(s)"),
    "blank-padded id duplicates a firm-year": (_set("firm_id", [3], " F001 "), "firm_id",
                                               "(firm_id, year) pairs must be unique"),
    "bytes as a firm id": (_set("firm_id", [0], b"F001"), "firm_id",
                           "must be a string or an integer identifier, got bytes"),
    "decimal comma": (_set("weight", [1], "1,5"), "weight", "decimal=','"),
}


@pytest.mark.parametrize("change, column, rule", BAD_CASES.values(), ids=BAD_CASES.keys())
def test_bad_input_names_column_and_rule(frame, change, column, rule):
    bad = change(frame)
    with pytest.raises(InputError) as info:
        validate_survey(bad)
    err = info.value
    assert isinstance(err, ValueError)
    assert column in err.columns
    text = str(err)
    assert f"column '{column}'" in text
    assert rule in text
    problem = next(p for p in err.problems if p.column == column and rule in p.rule)
    assert problem.column in COLUMNS


def test_offending_rows_are_index_labels(frame):
    frame.index = [f"r{i}" for i in range(len(frame))]
    frame.loc["r4", "export_ds_eur"] = -3.0
    with pytest.raises(InputError) as info:
        validate_survey(frame)
    (problem,) = info.value.problems
    assert problem.rows == ("r4",)
    assert problem.n_rows == 1
    assert "1 offending row(s): 'r4'" in str(info.value)


def test_rows_shown_are_capped_but_counted():
    big = pd.concat([_valid_frame()] * 4, ignore_index=True)
    big["firm_id"] = np.tile(["A", "B", "C"], 12)  # keep (firm_id, year) unique
    big["year"] = np.repeat(np.arange(2000, 2012), 3)
    big["entry_year"] = 1995
    big["weight"] = -1.0
    with pytest.raises(InputError) as info:
        validate_survey(big)
    (problem,) = info.value.problems
    assert problem.column == "weight"
    assert problem.n_rows == 36
    assert problem.rows == (0, 1, 2, 3, 4)
    assert "36 offending row(s): 0, 1, 2, 3, 4 (and 31 more)" in str(info.value)


def test_every_problem_reported_at_once(frame):
    bad = frame.drop(columns="stratum").rename(columns={"fte_total": "FTE_total"})
    bad.loc[0, "weight"] = 0.0
    bad.loc[1, "turnover_ds_eur"] = 1e12
    bad.loc[2, "domain"] = "cyber"
    bad.loc[4, "year"] = 2021  # row 3 is the same firm in 2021
    bad.loc[5, "export_ds_eur"] = 1e12
    bad.loc[4, "price_change_ds"] = np.inf
    bad.loc[8, "barrier_orders"] = "perhaps"
    with pytest.raises(InputError) as info:
        validate_survey(bad)
    err = info.value
    assert set(err.columns) == {
        "stratum", "fte_total", "weight", "turnover_ds_eur", "export_ds_eur", "domain",
        "firm_id", "price_change_ds", "barrier_orders",
    }
    assert f"{len(err.problems)} problem(s)" in str(err)
    assert "did you mean fte_total?" in str(err)


def test_problem_does_not_hide_unrelated_checks(frame):
    # a non-numeric total turnover is one problem; the other columns are still checked
    bad = frame.assign(turnover_total_eur=frame["turnover_total_eur"].astype(object))
    bad.loc[0, "turnover_total_eur"] = "n/a"
    bad.loc[0, "fte_ds"] = 999.0
    with pytest.raises(InputError) as info:
        validate_survey(bad)
    rules = {(p.column, p.rule.split(";")[0]) for p in info.value.problems}
    assert rules == {("turnover_total_eur", "non-numeric value(s) 'n/a'"),
                     ("fte_ds", "must be <= fte_total")}


def test_valid_frame_passes_and_dtypes_are_normalised(frame):
    out = validate_survey(frame)
    assert list(out.columns) == list(COLUMNS)
    assert len(out) == 9
    for col in ("firm_id", "stratum"):
        assert pd.api.types.is_string_dtype(out[col].dtype)
    assert out["year"].dtype == np.int64
    assert out["entry_year"].dtype == np.int64
    for col in ("weight", "turnover_total_eur", "fte_ds", "price_change_ds",
                "scale_up_current", "expected_growth_ds"):
        assert out[col].dtype == np.float64, col
    for col, cats in CATEGORIES.items():
        dtype = out[col].dtype
        assert isinstance(dtype, pd.CategoricalDtype)
        assert tuple(dtype.categories) == cats
        assert dtype.ordered == (col == "size_class")
    for col in ("pe_backed", "barrier_orders", "financing_challenge"):
        assert out[col].dtype == "boolean"
    assert out["pe_backed"].tolist() == [False] * 3 + [True] * 3 + [False] * 3
    assert out["size_class"].min() == "0-25"


def test_caller_frame_is_not_modified(frame):
    frame.index = pd.RangeIndex(100, 109)
    frame = frame.assign(year=frame["year"].astype(str), firm_id=np.repeat([7, 8, 9], 3))
    before = frame.copy(deep=True)
    out = validate_survey(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out.index.equals(frame.index)
    assert out["firm_id"].tolist() == ["7"] * 3 + ["8"] * 3 + ["9"] * 3
    out.loc[100, "weight"] = 50.0
    assert frame.loc[100, "weight"] == 1.0


def test_nan_allowed_in_edition_and_change_columns(frame):
    frame = frame.assign(**{c: None for c in EDITION_COLUMNS})  # item non-response everywhere
    frame["price_change_ds"] = NAN
    frame["cost_change_ds"] = NAN
    out = validate_survey(frame)
    for col in EDITION_COLUMNS:
        assert out[col].isna().all()
    assert out["barrier_orders"].dtype == "boolean"
    assert out["scale_up_current"].dtype == np.float64
    assert isinstance(out["passes_on_costs"].dtype, pd.CategoricalDtype)


def test_accepted_spellings_are_normalised(frame):
    last = frame["year"] == 2023
    spellings = ["Yes", "NO", " true "]
    frame["barrier_orders"] = pd.Series(None, index=frame.index, dtype=object)
    frame.loc[last, "barrier_orders"] = spellings
    frame["barrier_labour"] = np.where(last, frame["barrier_labour"].astype(float), NAN)
    frame["pe_backed"] = frame["pe_backed"].astype(int)
    frame["barrier_financing"] = frame["barrier_financing"].astype(object).where(last, "")
    frame["year"] = frame["year"].astype(float)
    frame["entry_year"] = frame["entry_year"].astype(str)
    frame["fte_total"] = frame["fte_total"].astype("Float64")
    frame["weight"] = frame["weight"].astype(str)
    frame["domain"] = pd.Categorical(frame["domain"])  # categories differ from the schema
    frame["firm_id"] = np.repeat([1, 2, 3], 3)
    out = validate_survey(frame)
    assert out.loc[last, "barrier_orders"].tolist() == [True, False, True]
    assert out["barrier_orders"].isna().sum() == 6
    assert out.loc[last, "barrier_labour"].tolist() == [False, True, True]
    assert out["barrier_financing"].isna().sum() == 6
    assert out["pe_backed"].dtype == "boolean"
    assert out["year"].dtype == np.int64
    assert out["entry_year"].tolist() == [2010] * 3 + [2021] * 3 + [1995] * 3
    assert out["fte_total"].dtype == np.float64
    assert out["weight"].dtype == np.float64
    assert tuple(out["domain"].cat.categories) == CATEGORIES["domain"]
    assert out["firm_id"].iloc[0] == "1"


def test_extra_columns_pass_through(frame):
    frame.insert(0, "comment", ["x"] * 9)
    frame["survey_wave"] = np.arange(9, dtype=np.int16)
    out = validate_survey(frame)
    assert list(out.columns) == [*COLUMNS, "comment", "survey_wave"]
    assert out["survey_wave"].dtype == np.int16
    assert out["comment"].tolist() == ["x"] * 9


def test_duplicated_index_labels_and_extra_columns_are_kept(frame):
    frame.index = [0, 0, 1, 1, 2, 2, 3, 3, 3]
    frame["note"] = list("abcdefghi")
    frame = pd.concat([frame, frame[["note"]]], axis=1)  # a duplicated extra column
    before = frame.copy(deep=True)
    out = validate_survey(frame)
    assert out.index.tolist() == frame.index.tolist()
    assert list(out.columns) == [*COLUMNS, "note", "note"]
    out.iloc[0, -1] = "changed"
    pd.testing.assert_frame_equal(frame, before)


def test_empty_frame(frame):
    with pytest.raises(InputError, match="empty"):
        validate_survey(frame.iloc[:0])
    with pytest.raises(InputError, match="empty") as info:
        validate_survey(pd.DataFrame())
    assert set(info.value.columns) == set(COLUMNS)


def test_not_a_frame():
    with pytest.raises(InputError, match="must be a pandas DataFrame, got dict"):
        validate_survey({"firm_id": ["a"]})


def test_large_frame_validates():
    n_firms, n_years = 20_000, 10
    n = n_firms * n_years
    rng = np.random.default_rng(0)
    total = rng.lognormal(15, 1, n)
    ds = total * rng.uniform(0, 1, n)
    fte = rng.uniform(1, 500, n)
    year = np.tile(np.arange(2014, 2014 + n_years), n_firms)
    last = year == year.max()

    def edition(values):
        return np.where(last, values, np.nan)

    def pick(col):
        return rng.choice(np.array(CATEGORIES[col], dtype=object), n)

    df = pd.DataFrame({
        "firm_id": np.repeat(np.arange(n_firms), n_years), "year": year,
        "weight": rng.uniform(1, 5, n), "stratum": pick("size_class"),
        "nld_area": pick("nld_area"), "domain": pick("domain"),
        "chain_position": pick("chain_position"), "size_class": pick("size_class"),
        "entry_year": 2000, "turnover_total_eur": total, "turnover_ds_eur": ds,
        "export_ds_eur": ds * rng.uniform(0, 1, n), "fte_total": fte,
        "fte_ds": fte * rng.uniform(0, 1, n),
        "price_change_ds": rng.normal(0.03, 0.05, n), "cost_change_ds": rng.normal(0.04, 0.05, n),
        "passes_on_costs": np.where(last, pick("passes_on_costs"), None),
        "scale_up_current": edition(rng.uniform(0, 0.5, n)),
        "scale_up_improved": edition(rng.uniform(0.5, 1.0, n)),
        "expected_growth_ds": edition(rng.normal(0.1, 0.1, n)),
        "pe_backed": rng.integers(0, 2, n).astype(bool),
    })
    for col in ("barrier_orders", "barrier_procurement", "barrier_labour", "barrier_financing",
                "barrier_materials", "financing_challenge"):
        df[col] = edition(rng.integers(0, 2, n))
    out = validate_survey(df)
    assert len(out) == n
    assert out["barrier_orders"].dtype == "boolean"
    assert out["barrier_orders"].isna().sum() == n - n_firms


# --- read_survey ----------------------------------------------------------------------------


def _check_roundtrip(out: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(out[list(COLUMNS)].reset_index(drop=True),
                                  expected.reset_index(drop=True), check_dtype=True)


def test_read_survey_csv(tmp_path, frame):
    frame["firm_id"] = np.repeat(["007", "042", "100"], 3)  # leading zeros survive
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    out = read_survey(path)
    _check_roundtrip(out, validate_survey(frame))
    assert out["firm_id"].iloc[0] == "007"


def test_read_survey_csv_merges_dtype_and_forwards_kwargs(tmp_path, frame):
    path = tmp_path / "survey.csv.gz"
    frame.to_csv(path, index=False, sep=";")
    out = read_survey(path, sep=";", dtype={"year": "float64"})
    _check_roundtrip(out, validate_survey(frame))


def test_read_survey_xlsx(tmp_path, frame):
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="about")
        frame.to_excel(writer, sheet_name="data", index=False)
    out = read_survey(path, sheet_name="data")
    _check_roundtrip(out, validate_survey(frame))
    with pytest.raises(InputError, match="required column is missing"):
        read_survey(path)  # the first sheet is the cover sheet


def test_read_survey_stata(tmp_path, frame):
    stata = frame.copy()
    bool_cols = [c for c in COLUMNS if c.startswith("barrier_")] + ["financing_challenge",
                                                                       "pe_backed"]
    for col in bool_cols:  # Stata has no boolean type: store 0/1 with missing as float
        stata[col] = stata[col].astype("boolean").astype("Float64").astype(float)
    for col in CATEGORIES:  # value labels, read back as strings
        stata[col] = pd.Categorical(stata[col], categories=CATEGORIES[col])
    stata["stratum"] = stata["stratum"].astype(object)
    stata["firm_id"] = stata["firm_id"].astype(object)
    path = tmp_path / "survey.dta"
    stata.to_stata(path, write_index=False, version=118)
    out = read_survey(path)
    _check_roundtrip(out, validate_survey(frame))


def test_read_survey_parquet(tmp_path, frame):
    """Parquet is read when pyarrow (optional) is installed, and refused clearly otherwise."""
    import importlib.util

    path = tmp_path / "survey.parquet"
    if importlib.util.find_spec("pyarrow") is None:
        path.write_bytes(b"PAR1")
        with pytest.raises(InputError, match=r"install it \(pip install pyarrow\)"):
            read_survey(path)
        return
    frame.astype({c: "boolean" for c in EDITION_COLUMNS if c.startswith("barrier_")}).to_parquet(
        path)
    _check_roundtrip(read_survey(path), validate_survey(frame))


def test_read_survey_validates(tmp_path, frame):
    frame.loc[2, "fte_ds"] = 1e9
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match="must be <= fte_total") as info:
        read_survey(path)
    assert info.value.columns == ("fte_ds",)


def test_read_survey_unknown_extension(tmp_path):
    path = tmp_path / "survey.sav"
    path.write_text("x")
    with pytest.raises(InputError) as info:
        read_survey(path)
    text = str(info.value)
    assert str(path) in text
    assert "unsupported file extension" in text
    for ext in (".csv", ".xlsx", ".dta"):
        assert ext in text


def test_read_survey_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(InputError, match="no such file") as info:
        read_survey(path)
    assert str(path) in str(info.value)


def test_read_survey_unparsable_file(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_text("this is not a workbook")
    with pytest.raises(InputError, match="cannot read"):
        read_survey(path)


def test_missing_weight_and_stratum_hint_at_the_weighting(frame):
    with pytest.raises(InputError) as info:
        validate_survey(frame.drop(columns=["weight", "stratum"]))
    assert info.value.columns == ("weight", "stratum")
    for problem in info.value.problems:
        assert "required column is missing" in problem.rule
        assert "weight_respondents" in problem.rule and "population=" in problem.rule


# --- read_survey of unweighted respondents with the frame counts ------------------------------
BY = ["size_class", "nld_area"]


@pytest.fixture(scope="module")
def census():
    """An unweighted respondent file and the frame counts (size class x NLD area) of the
    synthetic census with non-response, as an analyst receives them."""
    from nldtib_forecast.data import draw_respondents, synthetic_survey
    from nldtib_forecast.survey import frame_counts

    frame = synthetic_survey(population=True)
    respondents = draw_respondents(frame, seed=11)
    return respondents, frame_counts(frame, BY), frame


@pytest.fixture
def files(tmp_path, census):
    respondents, counts, _ = census
    resp, cnt = tmp_path / "respondents.csv", tmp_path / "counts.csv"
    respondents.to_csv(resp, index=False)
    counts.to_csv(cnt, index=False)
    return resp, cnt


def _firm_weights(df: pd.DataFrame) -> pd.Series:
    return df.drop_duplicates("firm_id").set_index("firm_id")["weight"].sort_index()


def test_read_survey_weights_unweighted_file_to_the_counts(files, census):
    from nldtib_forecast.survey import weight_respondents, weighting_report

    respondents, counts, frame = census
    resp, cnt = files
    assert "weight" not in pd.read_csv(resp, nrows=1).columns
    df = read_survey(resp, population=cnt)
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == len(respondents)
    # every firm weighs the same in all its years; the weights add up to the frame
    assert (df.groupby("firm_id")["weight"].nunique() == 1).all()
    firm_rows = df.drop_duplicates("firm_id")
    assert firm_rows["weight"].sum() == pytest.approx(counts["count"].sum())
    assert firm_rows["weight"].sum() == pytest.approx(frame["firm_id"].nunique())
    # ... and to the frame count of every response group (the strata, with their fpc)
    by_group = firm_rows.groupby("stratum")["weight"].sum()
    assert by_group.to_dict() == pytest.approx(df.attrs["population_firms"])
    report = weighting_report(df)
    assert report.by == tuple(BY) and report.method == "cells"
    assert report.cells["count"].tolist() == counts["count"].tolist()
    assert df.attrs["weights_replaced"] is False
    # the same weights as weight_respondents on the frame itself
    direct = weight_respondents(respondents, counts, BY)
    pd.testing.assert_series_equal(_firm_weights(df), _firm_weights(direct))


def test_read_survey_population_as_frame_series_or_path(files, census):
    _, counts, _ = census
    resp, cnt = files
    expected = _firm_weights(read_survey(resp, population=cnt))
    series = counts.set_index(BY)["count"]
    for population, by in [(counts, None), (counts, BY), (series, None), (series, BY),
                           (str(cnt), None), (cnt, BY)]:
        out = read_survey(resp, population=population, by=by)
        pd.testing.assert_series_equal(_firm_weights(out), expected)
    # a coarser 'by': cells of the counts aggregated by size class only
    coarse = counts.groupby("size_class", observed=True)["count"].sum()
    out = read_survey(resp, population=coarse)
    assert out.attrs["weighting"]["by"] == ["size_class"]
    assert out.drop_duplicates("firm_id")["weight"].sum() == pytest.approx(counts["count"].sum())


def test_read_survey_counts_csv_with_semicolons_and_extra_reader_options(tmp_path, census):
    respondents, counts, _ = census
    resp, cnt = tmp_path / "resp.csv.gz", tmp_path / "counts.csv"
    respondents.to_csv(resp, index=False, sep=";")
    counts.to_csv(cnt, index=False, sep=";")  # Dutch-locale export
    out = read_survey(resp, population=cnt, sep=";")
    assert out.drop_duplicates("firm_id")["weight"].sum() == pytest.approx(counts["count"].sum())


def test_read_survey_population_replaces_the_files_weights(tmp_path, census):
    respondents, counts, _ = census
    weighted = respondents.assign(weight=1.0, stratum="everything")
    path = tmp_path / "weighted.csv"
    weighted.to_csv(path, index=False)
    as_is = read_survey(path)  # without counts: the file's weights
    assert (as_is["weight"] == 1.0).all() and set(as_is["stratum"]) == {"everything"}
    out = read_survey(path, population=counts)
    assert out.attrs["weights_replaced"] is True
    assert "everything" not in set(out["stratum"])
    assert out.drop_duplicates("firm_id")["weight"].sum() == pytest.approx(counts["count"].sum())


def test_read_survey_weighting_options(files, census):
    _, counts, _ = census
    resp, cnt = files
    default = read_survey(resp, population=cnt)
    coarser = read_survey(resp, population=cnt, min_respondents=30)
    assert coarser["stratum"].nunique() < default["stratum"].nunique()
    firms = coarser.drop_duplicates("firm_id")
    assert firms.groupby("stratum")["stratum"].size().min() >= 30
    prop = read_survey(resp, population=cnt, method="propensity")
    assert prop.attrs["weighting"]["method"] == "propensity"
    firms = prop.drop_duplicates("firm_id")
    # raked to the frame count of every size class and every NLD area
    for b in BY:
        got = firms.groupby(b, observed=True)["weight"].sum()
        want = counts.groupby(b, observed=True)["count"].sum()
        assert got.to_dict() == pytest.approx(want.to_dict())


def test_read_survey_unweighted_file_without_counts_says_how(files):
    resp, _ = files
    with pytest.raises(InputError) as info:
        read_survey(resp)
    err = info.value
    text = str(err)
    assert str(resp) in text
    assert "unweighted respondent file needs the frame counts" in text
    assert "population=" in text and "--population" in text
    assert err.columns == ("weight", "stratum")


def test_read_survey_without_counts_lists_other_problems_too(tmp_path, census):
    respondents, _, _ = census
    bad = respondents.drop(columns="fte_ds")
    path = tmp_path / "resp.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match="needs the frame counts") as info:
        read_survey(path)
    assert set(info.value.columns) == {"weight", "stratum", "fte_ds"}


def _counts_file(tmp_path, table: pd.DataFrame, name: str = "counts.csv"):
    path = tmp_path / name
    table.to_csv(path, index=False)
    return path


def test_read_survey_counts_file_errors_name_the_counts(tmp_path, files, census):
    _, counts, _ = census
    resp, _ = files
    missing = tmp_path / "nope.csv"
    with pytest.raises(InputError, match="frame counts .*nope.csv.*no such file"):
        read_survey(resp, population=missing)
    with pytest.raises(InputError, match="frame counts .*counts.xlsx.*expected a CSV file"):
        read_survey(resp, population=tmp_path / "counts.xlsx")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="cannot read the frame counts .*empty.csv"):
        read_survey(resp, population=empty)
    # no 'count' column: the column is named, with a hint when a similar one is present
    path = _counts_file(tmp_path, counts.rename(columns={"count": "Count"}))
    with pytest.raises(InputError, match="no 'count' column") as info:
        read_survey(resp, population=path)
    assert str(path) in str(info.value) and info.value.columns == ("count",)
    assert "did you mean count?" in str(info.value)
    path = _counts_file(tmp_path, counts.rename(columns={"count": "firms"}))
    with pytest.raises(InputError, match="columns found: 'size_class', 'nld_area', 'firms'"):
        read_survey(resp, population=path)
    path = _counts_file(tmp_path, counts[["count"]])
    with pytest.raises(InputError, match="no cell columns besides 'count'"):
        read_survey(resp, population=path)
    # a 'by' column the counts do not have
    path = _counts_file(tmp_path, counts)
    with pytest.raises(InputError, match="frame counts .*counts.csv.*column") as info:
        read_survey(resp, population=path, by=["size_class", "domain"])
    assert info.value.columns == ("domain",)


@pytest.mark.parametrize("column, value, rule", [
    ("count", -3, "non-negative integers"),
    ("count", 2.5, "non-negative integers"),
    ("count", "many", "non-negative integers"),
    ("nld_area", None, "cell labels must not be missing"),
])
def test_read_survey_invalid_counts_name_file_column_and_row(tmp_path, files, census, column,
                                                            value, rule):
    _, counts, _ = census
    resp, _ = files
    bad = counts.astype({column: object})
    bad.loc[4, column] = value
    path = _counts_file(tmp_path, bad)
    with pytest.raises(InputError, match=rule) as info:
        read_survey(resp, population=path)
    assert str(path) in str(info.value)
    (problem,) = info.value.problems
    assert problem.column == column and problem.rows == (4,)


def test_read_survey_duplicated_cells(tmp_path, files, census):
    _, counts, _ = census
    resp, _ = files
    path = _counts_file(tmp_path, pd.concat([counts, counts.iloc[[2]]], ignore_index=True))
    with pytest.raises(InputError, match="duplicated cells") as info:
        read_survey(resp, population=path)
    assert info.value.problems[0].rows == (2, len(counts))


def test_read_survey_respondents_outside_the_counts(tmp_path, files, census):
    respondents, counts, _ = census
    resp, _ = files
    path = _counts_file(tmp_path, counts[counts["nld_area"] != "quantum"])
    with pytest.raises(InputError, match="cells the population does not have") as info:
        read_survey(resp, population=path)
    text = str(info.value)
    assert str(resp) in text and str(path) in text and "quantum" in text
    (problem,) = info.value.problems
    rows = list(problem.rows)
    assert (respondents.loc[rows, "nld_area"] == "quantum").all()  # data rows of the file


def test_read_survey_counts_below_respondents(files, census):
    _, counts, _ = census
    resp, _ = files
    small = counts.assign(count=counts["count"].where(counts.index != 0, 1))
    with pytest.raises(InputError, match="counts below the number of respondents") as info:
        read_survey(resp, population=small)
    assert str(resp) in str(info.value)
    assert info.value.problems[0].rows == (0,)


def test_read_survey_respondents_without_a_by_column(tmp_path, census):
    respondents, counts, _ = census
    path = tmp_path / "resp.csv"
    respondents.drop(columns="nld_area").to_csv(path, index=False)
    with pytest.raises(InputError, match="cannot weight .*resp.csv") as info:
        read_survey(path, population=counts)
    assert info.value.columns == ("nld_area",)


def test_read_survey_validation_errors_with_counts_name_the_file(tmp_path, census):
    respondents, counts, _ = census
    bad = respondents.copy()
    bad.loc[3, "fte_ds"] = 1e9
    path = tmp_path / "resp.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(InputError, match="must be <= fte_total") as info:
        read_survey(path, population=counts)
    assert str(path) in str(info.value)
    assert info.value.problems[0].rows == (3,)


def test_read_survey_bad_weighting_arguments(files, census):
    _, counts, _ = census
    resp, cnt = files
    for kwargs in ({"by": "size_class"}, {"method": "propensity"}, {"min_respondents": 20}):
        with pytest.raises(InputError, match="pass population= too"):
            read_survey(resp, **kwargs)
    with pytest.raises(InputError, match="did you mean 'propensity'"):
        read_survey(resp, population=cnt, method="propensty")
    with pytest.raises(InputError, match="got dict"):
        read_survey(resp, population=counts.to_dict())
    unnamed = counts.set_index(BY)["count"].rename_axis([None, None])
    with pytest.raises(InputError, match="named 'by' columns"):
        read_survey(resp, population=unnamed)
    with pytest.raises(InputError, match="'by'"):
        read_survey(resp, population=counts, by=["size_class", "size_class"])


def test_read_survey_by_a_subset_of_the_count_columns_sums_the_counts(files, census):
    _, counts, _ = census
    resp, cnt = files
    out = read_survey(resp, population=cnt, by="size_class")
    coarse = read_survey(resp, population=counts.groupby("size_class", observed=True)["count"]
                         .sum())
    assert out.attrs["weighting"]["by"] == ["size_class"]
    pd.testing.assert_series_equal(_firm_weights(out), _firm_weights(coarse))
    # the counts are checked as given before they are summed: rows of the file
    bad = counts.astype({"count": object})
    bad.loc[6, "count"] = "x"
    with pytest.raises(InputError, match="non-negative integers") as info:
        read_survey(resp, population=bad, by="size_class")
    assert info.value.problems[0].rows == (6,)


# --- plausibility bounds and identifiers (issue 13) -------------------------------------------
def test_plausibility_can_be_switched_off_or_widened(frame):
    frame["weight"] = frame["weight"] * 1e7
    with pytest.raises(InputError, match="plausibility=False") as info:
        validate_survey(frame)
    assert info.value.columns == ("weight",) and info.value.problems[0].n_rows == 9
    assert validate_survey(frame, plausibility=False).attrs["plausibility"] is False
    wide = validate_survey(frame, plausibility={"weight": 1e8})
    assert wide.attrs["plausibility"] == {"weight": 1e8}
    assert validate_survey(wide).attrs["plausibility"] == {"weight": 1e8}  # kept by attrs
    with pytest.raises(InputError, match="bound set by the caller"):
        validate_survey(frame, plausibility={"weight": 10.0})
    assert "plausibility" not in validate_survey(_valid_frame()).attrs


def test_surrounding_blanks_of_ids_are_removed(frame):
    frame["firm_id"] = frame["firm_id"].map(lambda f: f" {f}\t")
    frame["stratum"] = frame["stratum"] + " "
    out = validate_survey(frame)
    assert out["firm_id"].tolist() == np.repeat(["F001", "F002", "F003"], 3).tolist()
    assert not out["stratum"].str.endswith(" ").any()


def test_read_survey_rejects_the_dialect_instead_of_guessing(tmp_path, frame):
    path = tmp_path / "nl.csv"
    frame.to_csv(path, index=False, sep=";", decimal=",")
    with pytest.raises(InputError, match="pass sep=';', decimal=','"):
        read_survey(path)
    _check_roundtrip(read_survey(path, sep=";", decimal=","), validate_survey(frame))
