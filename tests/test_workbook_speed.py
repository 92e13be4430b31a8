"""The fast ways of the workbook writer give the bytes of the plain ways.

:func:`~nldtib_forecast.report.io.write_workbook` writes the rows of a table sheet as XML
itself (``_SheetRows``) instead of through openpyxl's cell writer, and fits the widths of
number and text columns without a pass over each value in Python (``_column``). Both are
checked here against the ways they replace: openpyxl writing every row (the sheet refused to
``_SheetRows``) and the loop over each value (the column as ``object``, which takes it).
"""

from __future__ import annotations

import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nldtib_forecast.report import io as report_io

_BN = '#,##0.0,,," bn"'
_FORMATS = [None, "", "0.0%", _BN, "#,##0", "0.000"]


def _both(tmp_path, monkeypatch, sheets, name="book"):
    """The bytes of ``sheets`` written as they are, and with openpyxl writing every row;
    and how many sheets went the fast way."""
    used = []
    can_write = report_io._SheetRows.can_write

    def spy(columns):
        used.append(can_write(columns))
        return used[-1]

    with monkeypatch.context() as m:
        m.setattr(report_io._SheetRows, "can_write", staticmethod(spy))
        report_io.write_workbook(sheets, tmp_path / f"{name}.xlsx")
    with monkeypatch.context() as m:
        m.setattr(report_io._SheetRows, "can_write", staticmethod(lambda columns: False))
        report_io.write_workbook(sheets, tmp_path / f"{name}_plain.xlsx")
    fast = (tmp_path / f"{name}.xlsx").read_bytes()
    plain = (tmp_path / f"{name}_plain.xlsx").read_bytes()
    return fast, plain, sum(used)


def _assert_same(fast: bytes, plain: bytes, tmp_path) -> None:
    if fast == plain:
        return
    # name the first part that differs, and where
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(fast)
    b.write_bytes(plain)
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for part in za.namelist():
            x, y = za.read(part), zb.read(part)
            if x != y:
                i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]),
                         min(len(x), len(y)))
                pytest.fail(f"{part} differs at {i}: {x[max(0, i - 80):i + 80]!r} != "
                            f"{y[max(0, i - 80):i + 80]!r}")
    pytest.fail("the files differ, their parts do not")


_TEXTS = ["plain", "a & b < c > d", 'quotes " and \'', "  leading", "trailing  ", "  ",
          "", "line\nbreak", "crlf\r\nbreak", "tab\there", "\u2028sep", "é ü ß 😀",
          "=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "-0.5", "#N/A", "#DIV/0!",
          "ctrl\x01char", "x" * 40]


def _frame(n: int = 24, long_text: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    texts = [_TEXTS[i % len(_TEXTS)] for i in range(n)]
    if long_text:
        texts[3] = "a long text that wraps in its column " * 4
    floats = rng.normal(0, 1e6, n)
    specials = [0.0, -0.0, 1e-7, 1e20, math.nan, math.inf, -math.inf, 0.1]
    floats[:len(specials)] = specials[:n]
    return pd.DataFrame({
        "text": texts,
        "string": pd.array([None if i % 5 == 0 else f"s{i}" for i in range(n)],
                           dtype="string"),
        "int": np.arange(n, dtype=np.int64) * 10**12 - 3,
        "float": floats,
        "share": rng.uniform(-1, 1, n),
        "flag": np.arange(n) % 3 == 0,
        "count": pd.array([None if i % 4 == 0 else i for i in range(n)], dtype="Int64"),
        "maybe": pd.array([None if i % 6 == 0 else i % 2 == 0 for i in range(n)],
                          dtype="boolean"),
        "mixed": [1, "two", 3.5, None, True, "=x"] * (n // 6) + [None] * (n % 6),
        "category": pd.Categorical([["a", "b", "=c"][i % 3] for i in range(n)]),
    })


def _formats(n: int) -> dict:
    return {"float": [_FORMATS[i % len(_FORMATS)] for i in range(n)], "share": "0.0%",
            "int": "#,##0", "count": "#,##0", "text": "0.0%"}


@pytest.mark.parametrize("long_text", [False, True], ids=["numbers", "wrapped"])
def test_table_sheets_as_openpyxl_writes_them(tmp_path, monkeypatch, long_text):
    """Text of every kind (escaped, spaced, quoted as formulas and errors, control characters
    shown), numbers with and without number formats, truth values, missing values; a sheet
    with wrapped text (every cell styled) and one without; several sheets and a text sheet in
    one book (styles numbered across them)."""
    frame = _frame(long_text=long_text)
    indexed = frame.set_index("text").rename_axis("=index")
    preface = [(style, f"{style or 'plain'} row") for style in report_io.ROW_STYLES]
    sheets = [
        report_io.TextSheet("cover", [("title", "Title", "=not a formula"),
                                      ("", "", ""), ("note", "Note", "  text  ")]),
        report_io.Sheet("first", frame, formats=_formats(len(frame))),
        report_io.Sheet("second", indexed, preface=[*preface, ("", "")], freeze_columns=2,
                        formats={"float": "0.000", "flag": "0.0%"}),
        report_io.Sheet("third", frame.head(5), headers=["h"] * frame.shape[1],
                        table=False),
        report_io.Sheet("fourth", frame.iloc[:0]),
    ]
    fast, plain, used = _both(tmp_path, monkeypatch, sheets)
    assert used == 4
    _assert_same(fast, plain, tmp_path)


def test_edge_shapes_as_openpyxl_writes_them(tmp_path, monkeypatch):
    """A table without columns (empty rows), a very long text (cut at Excel's 32,767
    characters), a plain DataFrame (the mapping form)."""
    no_columns = pd.DataFrame(index=range(3))
    long = pd.DataFrame({"text": ["y" * 40000, " z" * 20000], "n": [1, 2]})
    fast, plain, used = _both(tmp_path, monkeypatch,
                              {"empty": no_columns, "long": long, "tiny": pd.DataFrame()})
    assert used == 3
    _assert_same(fast, plain, tmp_path)


def test_dates_are_left_to_openpyxl(tmp_path, monkeypatch):
    """A sheet with dates goes openpyxl's way (openpyxl picks their number format); the book's
    other sheets still go the fast way."""
    dated = pd.DataFrame({"when": pd.to_datetime(["2024-01-02", "2025-03-04"]), "n": [1, 2]})
    fast, plain, used = _both(tmp_path, monkeypatch,
                              [report_io.Sheet("dated", dated),
                               report_io.Sheet("numbers", _frame(12), formats=_formats(12))])
    assert used == 1
    _assert_same(fast, plain, tmp_path)


def test_the_table_writer_is_used_by_write_table(tmp_path, monkeypatch):
    """A one-sheet workbook of ``write_table`` (the command line's ``--out x.xlsx``)."""
    frame = _frame()
    paths = [tmp_path / "fast.xlsx", tmp_path / "plain.xlsx"]
    report_io.write_table(frame, paths[0], data=report_io.SYNTHETIC)
    monkeypatch.setattr(report_io._SheetRows, "can_write", staticmethod(lambda columns: False))
    report_io.write_table(frame, paths[1], data=report_io.SYNTHETIC)
    _assert_same(paths[0].read_bytes(), paths[1].read_bytes(), tmp_path)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
                      min_size=1, max_size=6))
def test_any_text_as_openpyxl_writes_it(tmp_path, monkeypatch, texts):
    frame = pd.DataFrame({"text": texts, "object": pd.Series(texts, dtype=object)})
    fast, plain, used = _both(tmp_path, monkeypatch, {"t": frame})
    assert used == 1
    _assert_same(fast, plain, tmp_path)


# ----------------------------------------------------------------------- column widths
def _same_column(col: pd.Series, fmt) -> None:
    fast = report_io._column(col, "header", fmt)
    slow = report_io._column(col.astype(object), "header", fmt)  # the loop over each value
    assert (fast.width, fast.wrap, fast.is_text) == (slow.width, slow.wrap, slow.is_text)
    assert [type(v) for v in fast.values] == [type(v) for v in slow.values]
    assert [repr(v) for v in fast.values] == [repr(v) for v in slow.values]
    assert fast.formats == slow.formats


_floats = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")  # float32
@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.one_of(_floats, st.sampled_from([0.0, -0.0, 0.05, -0.05, 9.96,
                                                            -9.96, 1e11, 1e16, 0.1])),
                       min_size=1, max_size=12),
       formats=st.lists(st.sampled_from(_FORMATS), min_size=1, max_size=12),
       uniform=st.booleans())
def test_float_widths_as_the_loop_over_each_value(values, formats, uniform):
    fmt = formats[0] if uniform else [formats[i % len(formats)] for i in range(len(values))]
    _same_column(pd.Series(values, dtype=float), fmt)
    _same_column(pd.Series(values, dtype=np.float32), fmt)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(-2**63, 2**63 - 1), min_size=1, max_size=12),
       fmt=st.sampled_from(_FORMATS))
def test_int_widths_as_the_loop_over_each_value(values, fmt):
    _same_column(pd.Series(values, dtype=np.int64), fmt)


@pytest.mark.parametrize("col", [
    pd.Series([True, False, True]), pd.Series([True, True]),
    pd.Series(["a", None, "a much longer text\nover two lines", "x" * 70], dtype="string"),
    pd.Series(["a", None, "b"], dtype="str"), pd.Series([], dtype="string"),
    pd.Series([], dtype=float), pd.Series([math.nan, math.nan]),
    pd.Series(np.array([1, 2**64 - 1], dtype=np.uint64)),
], ids=lambda c: str(c.dtype))
def test_other_widths_as_the_loop_over_each_value(col):
    _same_column(col, None)
    _same_column(col, "0.0%")


def test_another_openpyxl_version_writes_every_row_itself(monkeypatch):
    """The rows are written as XML only for the openpyxl versions whose bytes they are."""
    import openpyxl

    column = report_io._column(pd.Series([1.0, 2.0]), "x", None)
    assert report_io._SheetRows.can_write([column])
    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")
    assert not report_io._SheetRows.can_write([column])
