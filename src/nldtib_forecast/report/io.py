"""Writing the output of the command line and the report: tables and workbooks that
cannot run code, atomic files and directories, the lock on an output directory, and the
handling of signals while writing.

The command line (:mod:`nldtib_forecast.cli`) only parses arguments and dispatches; what it
writes goes through the public names here:

:func:`write_table`, :func:`write_workbook`
    a table as CSV or a workbook (by the extension), a workbook of several sheets; text cells
    that a spreadsheet could run as formulas are neutralised
:func:`check_file_target`, :func:`write_table_file`, :func:`write_file`
    one output file, written through a temporary file and renamed into place
:func:`check_out_dir`, :func:`write_directory`
    an output directory, built in a temporary sibling under the lock ``.DIR.lock``
    (:class:`OutLock`) and moved into place
:class:`SignalGuard`
    while a command runs, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted`; writers
    moving output into place use :func:`signals_deferred`, :func:`raise_if_interrupted` and
    :func:`output_committed`
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import pandas as pd

from nldtib_forecast._defaults import PROG as _PROG
from nldtib_forecast._errors import InputError

__all__ = ["PROG", "FORMULA_START", "DATA_COLUMN", "SYNTHETIC", "neutralise_text",
           "with_data_column", "write_table", "write_workbook", "Sheet", "TextSheet",
           "ColumnFormat", "ROW_STYLES", "check_file_target", "write_file", "write_table_file",
           "check_out_dir", "write_directory", "OutLock", "SignalGuard", "Interrupted",
           "signals_deferred", "raise_if_interrupted", "output_committed"]

#: The command's name, in messages.
PROG = _PROG


# --------------------------------------------------------------------------- formula injection
#: A text cell starting with one of these is read as a formula by spreadsheet programs (OWASP,
#: "CSV injection"): it is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (a plain number such as ``-0.5``
    is a number, not a formula)."""
    return (len(text) > 1 and text.startswith(FORMULA_START)
            and _PLAIN_NUMBER.fullmatch(text) is None)


def neutralise_text(value: object) -> object:
    """``value`` as a CSV cell: text that a spreadsheet would run as a formula gets a leading
    single quote (OWASP), and a carriage return inside text becomes a line feed (which the
    CSV writer quotes: a bare carriage return would start a new row in a spreadsheet);
    anything else, numbers included, is returned unchanged.

    >>> neutralise_text("=1+2"), neutralise_text("@SUM(A1)"), neutralise_text("-0.5")
    ("'=1+2", "'@SUM(A1)", '-0.5')
    """
    if isinstance(value, str):
        if _formula_like(value):
            value = "'" + value
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _is_text_dtype(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or isinstance(
        dtype, (pd.StringDtype, pd.CategoricalDtype))


def _neutral_series(col: pd.Series) -> pd.Series:
    """``col`` with its formula-like text cells neutralised (the same object if none is)."""
    if not _is_text_dtype(col.dtype):
        return col
    values = col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col
    try:
        risky = {v: neutralise_text(v) for v in pd.unique(values.dropna())
                 if isinstance(v, str) and neutralise_text(v) != v}
    except TypeError:  # unhashable cells (lists, dicts): one by one
        out = values.astype(object).map(neutralise_text)
        return col if out.equals(values.astype(object)) else out
    if not risky:
        return col
    out = values.astype(object)
    mask = out.isin(list(risky)).to_numpy()
    out[mask] = [risky[v] for v in out[mask]]
    return out


def _neutral_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_neutral_index(index.get_level_values(i)) for i in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=[neutralise_text(n) for n in index.names])
    if _is_text_dtype(index.dtype) and any(neutralise_text(v) != v for v in index
                                           if isinstance(v, str)):
        index = pd.Index([neutralise_text(v) for v in index], dtype=object, name=index.name)
    name = neutralise_text(index.name)
    return index if name == index.name else index.rename(name)


def _neutral_frame(df: pd.DataFrame, index: bool) -> pd.DataFrame:
    """``df`` for a CSV file: every text cell (and header) that could run as a formula in a
    spreadsheet neutralised; numeric cells are left alone."""
    out = df
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        new = _neutral_series(col)
        if new is not col:
            if out is df:
                out = df.copy()
            out.isetitem(i, new)
    columns = _neutral_index(df.columns)
    if not columns.equals(df.columns) or columns.names != df.columns.names:
        out = out.copy() if out is df else out
        out.columns = columns
    if index:
        rows = _neutral_index(df.index)
        if not rows.equals(df.index) or rows.names != df.index.names:
            out = out.copy() if out is df else out
            out.index = rows
    return out


# --------------------------------------------------------------------------- writing tables
#: The column of a CSV file (and of a one-sheet workbook) that says which data its figures
#: come from: the same value in every row, ``"synthetic"`` (:data:`SYNTHETIC`) for figures
#: computed from the synthetic survey. Added last, when the table has no such column.
DATA_COLUMN = "data"
#: The value of :data:`DATA_COLUMN` for synthetic data.
SYNTHETIC = "synthetic"


def _frame_for_export(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Whether the index carries information (write it) or is a plain row number."""
    plain = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    return df, not plain


def with_data_column(df: pd.DataFrame, data: str | None) -> pd.DataFrame:
    """``df`` with a last column :data:`DATA_COLUMN` holding ``data`` in every row (``df``
    itself when ``data`` is None or the table already has that column or index level).

    >>> with_data_column(pd.DataFrame({"x": [1, 2]}), SYNTHETIC)
       x       data
    0  1  synthetic
    1  2  synthetic
    """
    if data is None or DATA_COLUMN in df.columns or DATA_COLUMN in df.index.names:
        return df
    out = df.copy()
    out[DATA_COLUMN] = data
    return out


def write_table(df: pd.DataFrame, path: Path, sheet_name: str = "data", *,
                data: str | None = None, formats: Mapping[object, ColumnFormat] | None = None
                ) -> None:
    """Write a table as CSV or as a one-sheet workbook, by the extension of ``path``; text
    cells that a spreadsheet could run as formulas are neutralised (:func:`neutralise_text`;
    in a workbook they are text cells with Excel's quote prefix).

    ``data``: which data the figures come from, written as a last column
    :data:`DATA_COLUMN` (:func:`with_data_column`; :data:`SYNTHETIC` for synthetic data).
    ``formats``: number formats of the columns in a workbook (:attr:`Sheet.formats`).
    """
    frame, index = _frame_for_export(with_data_column(df, data))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _neutral_frame(frame, index).to_csv(path, index=index, lineterminator="\n")
    elif suffix == ".xlsx":
        write_workbook([Sheet(sheet_name, frame, formats=dict(formats or {}))], path)
    else:  # pragma: no cover - guarded by the parser
        raise InputError(f"unsupported file extension {suffix!r}; use .csv or .xlsx")


def _excel_text(value: object) -> object:
    """Characters a workbook cannot hold (control characters) shown as ``\\xNN``."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if ILLEGAL_CHARACTERS_RE.search(value):
            return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value)
    return value


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store timezone-aware datetimes, nor control characters in text."""
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, col.dt.tz_localize(None))
        elif _is_text_dtype(col.dtype):
            values = col.astype(object)
            try:
                bad = [v for v in pd.unique(values.dropna()) if _excel_text(v) is not v]
            except TypeError:  # unhashable cells
                bad = [None]
            if bad:
                out.isetitem(i, values.map(_excel_text))
    if _is_text_dtype(out.columns.dtype) and not isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.Index([_excel_text(c) for c in out.columns], dtype=object)
    if _is_text_dtype(out.index.dtype) and not isinstance(out.index, pd.MultiIndex):
        out.index = pd.Index([_excel_text(v) for v in out.index], dtype=object,
                             name=_excel_text(out.index.name))
    return out


# --------------------------------------------------------------------------- workbooks
#: A column's number format in a workbook: one Excel format code for every row, one per row
#: (``None``: Excel's General), or ``None``.
ColumnFormat = str | Sequence[str | None] | None

#: Styles of the rows above a table (:attr:`Sheet.preface`) and of a text sheet
#: (:class:`TextSheet`): a title, a note, a warning (the synthetic-data caveat: bold dark red on
#: light red across the table), a notice (bold on light green), a section heading, plain text.
ROW_STYLES = ("title", "note", "warning", "notice", "heading", "")


@dataclass
class Sheet:
    """A table as a workbook sheet for people (:func:`write_workbook`).

    Rows above the table (``preface``: ``(style, text)``, style one of :data:`ROW_STYLES`),
    then the header row (``headers``, default the column names; styled, wrapped, frozen), then
    the rows as an Excel table with filters. ``formats`` maps a column name to its number
    format (:data:`ColumnFormat`); the first ``freeze_columns`` columns stay in view when
    scrolling right. Widths are fitted to the content (capped: longer text wraps).
    """

    name: str
    frame: pd.DataFrame
    preface: Sequence[tuple[str, str]] = ()
    headers: Sequence[str] | None = None
    formats: Mapping[object, ColumnFormat] = field(default_factory=dict)
    freeze_columns: int = 0
    table: bool = True

    @property
    def header_row(self) -> int:
        """The (1-based) row of the table's header."""
        return len(self.preface) + 1


@dataclass
class TextSheet:
    """A sheet of text (the cover of a workbook): rows ``(style, label, text)``, the label in
    a narrow first column and the text, wrapped, in a wide second one; style one of
    :data:`ROW_STYLES`."""

    name: str
    rows: Sequence[tuple[str, str, str]]


#: Widths of the workbook columns, in characters: text longer than ``_WRAP_AT`` wraps in a
#: column that wide; headers longer than ``_HEADER_AT`` wrap; numbers are at most
#: ``_NUMBER_WIDTH`` wide.
_WRAP_AT = 60
_HEADER_AT = 24
_MIN_WIDTH = 6
_NUMBER_WIDTH = 20
#: Widths of a text sheet's two columns.
_TEXT_SHEET_WIDTHS = (30, 110)
#: Colours (RGB) of the styled rows and of the header row.
_COLOURS = {"warning": ("9C0006", "FFC7CE"), "notice": ("006100", "C6EFCE"),
            "header": ("1F3864", "D9E1F2"), "heading": ("1F3864", "D9E1F2")}
#: Excel's error values: text equal to one is stored as text, not as an error.
_ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                          "#N/A"})


def _risky(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula or an error value."""
    return _formula_like(text) or text in _ERROR_VALUES or (len(text) > 1
                                                             and text.startswith("="))


class _Styles:
    """The few cell styles of a workbook, made once (openpyxl registers each in the book)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        def fill(rgb: str) -> PatternFill:
            return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)

        self.fonts = {
            "title": Font(bold=True, size=14), "note": Font(italic=True, color="595959"),
            "warning": Font(bold=True, color=_COLOURS["warning"][0]),
            "notice": Font(bold=True, color=_COLOURS["notice"][0]),
            "heading": Font(bold=True, size=12, color=_COLOURS["heading"][0]),
            "header": Font(bold=True, color=_COLOURS["header"][0]), "label": Font(bold=True)}
        self.fills = {k: fill(_COLOURS[k][1]) for k in ("warning", "notice", "header",
                                                           "heading")}
        self.header_border = Border(bottom=Side(style="thin", color="8EA9DB"))
        self.wrap_top = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")


def _cell(ws, value: object, styles: _Styles | None = None, *, font: str | None = None,
          fill: str | None = None, number_format: str | None = None, wrap: bool = False,
          top: bool = False):
    """A write-only cell; text that a spreadsheet would run as a formula or read as an error
    value stays text (with Excel's quote prefix, so that it stays text when edited)."""
    from openpyxl.cell import WriteOnlyCell

    risky = isinstance(value, str) and _risky(value)
    cell = WriteOnlyCell(ws, value=None if risky else value)
    if risky:
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    if styles is not None:
        if font is not None:
            cell.font = styles.fonts[font]
        if fill is not None:
            cell.fill = styles.fills[fill]
        if wrap or top:
            cell.alignment = styles.wrap_top if wrap else styles.top
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _plain(value: object) -> object:
    """A value a workbook cell can hold: missing values empty, infinities as text (as pandas
    writes them), anything that is not a number, text, truth value or date as text."""
    import datetime as _dt
    import numbers

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str | _dt.date | _dt.time | _dt.timedelta):
        return value
    if isinstance(value, numbers.Number):
        try:
            v = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(value)
        if v != v:  # NaN
            return None
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return value
    try:
        if pd.isna(value):  # numpy.datetime64('NaT'), ...
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _shown_length(value: object, number_format: str | None) -> int:
    """About how many characters a cell shows: the width of the column it needs."""
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    v = float(value)
    fmt = number_format or ""
    decimals = len(fmt.split(".", 1)[1].split(",", 1)[0].split("%", 1)[0].split('"', 1)[0]
                   ) if "." in fmt else 0
    if ',,,' in fmt:  # billions
        return len(f"{v / 1e9:,.{decimals}f}") + len(fmt.rsplit('"', 2)[-2]) + 1
    if fmt.endswith("%"):
        return len(f"{100 * v:,.{decimals}f}") + 1
    if fmt:
        return len(f"{v:,.{decimals}f}")
    if float(v).is_integer() and abs(v) < 1e11:
        return len(str(int(v)))
    return min(len(repr(v)), 11)  # General: at most 11 characters


@dataclass
class _Column:
    """A sheet column ready to write: values, number formats, width, wrapping."""

    values: list
    formats: list[str | None]
    width: float
    wrap: bool
    is_text: bool


def _plain_values(col: pd.Series) -> tuple[list, np.ndarray | None]:
    """:func:`_plain` of each value of ``col``, without a call per value for the dtypes of
    most columns; and, for a column of numbers (a numpy integer or float dtype), its array.

    The values are what ``col.astype(object).tolist()`` gives, through :func:`_plain`: for
    numbers and truth values Python ints, floats and bools (NaN empty, infinities as text),
    for text dtypes the text (missing values empty). (A long double is no Python float: it
    takes the way of other values.)
    """
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and (dtype.kind in "iu" or (dtype.kind == "f"
                                                               and dtype.itemsize <= 8)):
        array = col.to_numpy()
        values = array.tolist()
        if dtype.kind == "f":
            for i in np.flatnonzero(~np.isfinite(array)).tolist():
                values[i] = _plain(values[i])
        return values, array
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return col.to_numpy().tolist(), None
    if isinstance(dtype, pd.StringDtype):
        values = col.astype(object).tolist()
        for i in np.flatnonzero(col.isna().to_numpy()).tolist():
            values[i] = None
        return values, None
    return [_plain(v) for v in col.astype(object).tolist()], None


def _longest_number(array: np.ndarray, values: list, formats: list[str | None]
                    ) -> tuple[int, bool]:
    """The widest shown value of a column of numbers (``array``, its numpy values; ``values``,
    as :func:`_plain_values` gives them) and whether any is text (an infinity).

    As the loop of :func:`_column` over each value, at the cost of a few array operations: the
    width of a number in a fixed number format grows with its magnitude, so the extremes of
    each format (the first of equal values, as :func:`min` and :func:`max` keep them) are the
    widest; only General shows a fraction in as many digits as it takes (at most 11).
    """
    longest, texts = 0, False
    finite = np.isfinite(array)
    for i in np.flatnonzero(~finite).tolist():
        v = values[i]
        if v is not None:  # an infinity, as text
            texts = True
            longest = max(longest, _shown_length(v, None))
    if formats.count(formats[0]) == len(formats):
        groups = {formats[0]: finite}
    else:
        rows: dict[str | None, list[int]] = {}
        for i, f in enumerate(formats):
            rows.setdefault(f, []).append(i)
        groups = {}
        for f, numbers in rows.items():
            mask = np.zeros(len(formats), dtype=bool)
            mask[numbers] = True
            groups[f] = mask & finite
    fractions = array.dtype.kind == "f"
    for f, mask in groups.items():
        index = np.flatnonzero(mask)
        if not len(index):
            continue
        group = array[index]
        lo = values[index[np.flatnonzero(group == group.min())[0]]]
        hi = values[index[np.flatnonzero(group == group.max())[0]]]
        longest = max(longest, _shown_length(lo, f), _shown_length(hi, f))
        if not f and fractions:
            for i in index[group != np.floor(group)].tolist():
                if longest >= 11:  # General shows at most 11 characters
                    break
                longest = max(longest, _shown_length(values[i], f))
    return longest, texts


def _column(col: pd.Series, header: str, fmt: ColumnFormat) -> _Column:
    """A column of a table sheet (:class:`_Column`): its values, number formats (``fmt``),
    and the width its widest value and ``header`` need."""
    values, array = _plain_values(col)
    n = len(values)
    if fmt is None or isinstance(fmt, str):
        formats: list[str | None] = [fmt] * n
    else:
        formats = list(fmt)
        if len(formats) != n:
            raise ValueError(f"column {header!r}: {len(formats)} number formats for {n} rows")
    # the widest shown value of each number format (at the extremes), and of the text
    longest = 0
    texts = False
    if array is not None:
        if n:
            longest, texts = _longest_number(array, values, formats)
    elif isinstance(col.dtype, np.dtype) and col.dtype.kind == "b":
        longest = max((len(str(v)) for v in set(values)), default=0)
    elif isinstance(col.dtype, pd.StringDtype):
        shown = set(values)
        shown.discard(None)
        texts = bool(shown)
        longest = max((_shown_length(v, None) for v in shown), default=0)
    else:
        numbers: dict[str | None, list[float]] = {}
        for v, f in zip(values, formats, strict=True):
            if v is None:
                continue
            if isinstance(v, int | float) and not isinstance(v, bool):
                group = numbers.setdefault(f, [v, v])
                group[0], group[1] = min(group[0], v), max(group[1], v)
                if not float(v).is_integer():
                    longest = max(longest, _shown_length(v, f))
            else:
                texts = texts or isinstance(v, str)
                longest = max(longest, _shown_length(v, None))
        for f, (lo, hi) in numbers.items():
            longest = max(longest, _shown_length(lo, f), _shown_length(hi, f))
    wrap = texts and longest > _WRAP_AT
    head = min(len(header), _HEADER_AT) if len(header) > _HEADER_AT else len(header)
    words = max((len(w) for w in header.split()), default=0)
    content = min(longest, _WRAP_AT if texts else _NUMBER_WIDTH)
    width = max(_MIN_WIDTH, content, min(head, max(words, content, 10))) + 2
    return _Column(values, formats, float(width), wrap, texts)


#: How a table's cell is styled (:func:`_cell`): wrapped, at the top, its number format.
_CellStyle = tuple[bool, bool, str | None]


def _cell_styles(col: _Column, aligned: bool) -> list[_CellStyle | None] | None:
    """How each value of ``col`` is written in a sheet whose cells are all at the top
    (``aligned``) or not: None for a plain value, or the ``(wrap, top, number_format)`` of its
    styled cell (:func:`_cell`): wrapped text, numbers with a number format, and text that a
    spreadsheet would read as a formula or an error value (quoted). None if no value is
    styled."""
    values, formats = col.values, col.formats
    if col.wrap or aligned:
        return [None if v is None else (col.wrap, aligned, None) if isinstance(v, str)
                else (False, aligned, f) for v, f in zip(values, formats, strict=True)]
    # risky text is checked once per distinct value
    try:
        distinct: Iterable[object] = set(values)
    except TypeError:  # pragma: no cover - _plain gives hashable values
        distinct = values
    risky = {v for v in distinct if isinstance(v, str) and _risky(v)}
    if not risky and formats.count(None) == len(formats):
        return None
    return [None if v is None else ((False, False, None) if v in risky else None)
            if isinstance(v, str) else (None if f is None else (False, False, f))
            for v, f in zip(values, formats, strict=True)]


def _table_name(sheet: str, taken: set[str]) -> str:
    """A valid, unique Excel table name for a sheet (letters, digits, underscores)."""
    base = "tbl_" + re.sub(r"[^A-Za-z0-9_]", "_", sheet)
    name, i = base, 1
    while name.lower() in taken:
        i += 1
        name = f"{base}_{i}"
    taken.add(name.lower())
    return name


def _page_setup(ws, title_rows: int) -> None:
    """Landscape, the table's width on one page, the rows above it printed on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"


#: Height of one line of text in a row, in points (the default font, 11 pt).
_LINE_HEIGHT = 15.0


def _lines(text: object, width: float) -> int:
    """About how many lines ``text`` takes wrapped in a column ``width`` characters wide."""
    if not isinstance(text, str) or not text:
        return 1
    per_line = max(width - 2.0, 8.0)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _fit_row_height(ws, row: int, lines: int) -> None:
    """Set the height of a row of wrapped text (spreadsheet programs do not all fit it when
    they open the file: LibreOffice keeps one line), before the row is written."""
    if lines > 1:
        ws.row_dimensions[row].height = _LINE_HEIGHT * min(lines, 30)


def _write_preface(ws, out, rows: Sequence[tuple[str, str]], n_cols: int, styles: _Styles
                   ) -> None:
    """The rows above a table (:attr:`Sheet.preface`), appended to ``out``: ``ws`` or its
    :class:`_SheetRows`."""
    for style, text in rows:
        if style not in ROW_STYLES:
            raise ValueError(f"unknown row style {style!r}; known: {', '.join(ROW_STYLES)}")
        if not text:
            out.append([])
            continue
        fill = style if style in styles.fills else None
        first = _cell(ws, _excel_text(text), styles, font=style or None, fill=fill)
        rest = [_cell(ws, None, styles, fill=fill) for _ in range(n_cols - 1)] if fill else []
        out.append([first, *rest])


def _write_sheet(ws, sheet: Sheet, styles: _Styles, table_names: set[str]
                 ) -> _SheetRows | None:
    """One table sheet (:class:`Sheet`) into the write-only worksheet ``ws``; its rows are
    appended to ``ws``, or, if its cells are all text, numbers and truth values, written as
    XML (returned: :class:`_SheetRows`, for :func:`write_workbook` to put into the file)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    frame, index = _frame_for_export(sheet.frame)
    if index:
        frame = frame.reset_index()
    frame = _excel_safe(frame)
    names = list(frame.columns)
    headers = [str(_excel_text(str(h))) for h in (sheet.headers or names)]
    if len(headers) != len(names):
        raise ValueError(f"sheet {sheet.name!r}: {len(headers)} headers for {len(names)} "
                         "columns")
    columns = [_column(frame.iloc[:, i], headers[i], sheet.formats.get(names[i]))
               for i in range(len(names))]
    n_rows, n_cols, top = len(frame), len(names), sheet.header_row
    for i, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{top + 1}"
    _page_setup(ws, top)
    rows = _SheetRows(ws, styles) if _SheetRows.can_write(columns) else None
    out = ws if rows is None else rows
    make = rows.cell if rows is not None else partial(_cell, ws, styles=styles)
    _write_preface(ws, out, sheet.preface, max(n_cols, 1), styles)
    _fit_row_height(ws, top, max((_lines(h, c.width) for h, c in zip(headers, columns,
                                                                      strict=True)), default=1))
    out.append([_cell(ws, h, styles, font="header", fill="header", wrap=True) for h in headers])
    aligned = any(c.wrap for c in columns)  # rows with wrapped text: every cell at the top
    wrapped = [c for c in columns if c.wrap]
    # the columns with styled cells, and how each is styled; the cells are made row by row,
    # as they are written: openpyxl numbers the styles of a workbook in the order of first use
    styled = [(i, how) for i, how in enumerate(_cell_styles(c, aligned) for c in columns)
              if how is not None]
    lines = zip(*(c.values for c in columns), strict=True) if columns else iter([()] * n_rows)
    for r, values in enumerate(lines):
        if wrapped:
            _fit_row_height(ws, top + 1 + r, max(_lines(c.values[r], c.width) for c in wrapped))
        row = list(values)
        for i, how in styled:
            style = how[r]
            if style is not None:
                row[i] = make(row[i], wrap=style[0], top=style[1], number_format=style[2])
        out.append(row)
    if n_cols == 0:
        return rows
    ref = f"A{top}:{get_column_letter(n_cols)}{top + max(n_rows, 1)}"
    unique = len({h.lower() for h in headers}) == len(headers) and all(h.strip()
                                                                      for h in headers)
    if sheet.table and n_rows and unique:
        table = Table(displayName=_table_name(sheet.name, table_names), ref=ref,
                      tableColumns=[TableColumn(id=i, name=h) for i, h in
                                    enumerate(headers, 1)],
                      autoFilter=AutoFilter(ref=ref),
                      tableStyleInfo=TableStyleInfo(name="TableStyleLight1",
                                                    showRowStripes=True))
        with warnings.catch_warnings():  # "add table columns manually": they are
            warnings.simplefilter("ignore", UserWarning)
            ws.add_table(table)
    else:
        ws.auto_filter.ref = ref
    return rows


def _write_text_sheet(ws, sheet: TextSheet, styles: _Styles) -> None:
    """A text sheet (:class:`TextSheet`): label and text columns."""
    for letter, width in zip("AB", _TEXT_SHEET_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    _page_setup(ws, 0)
    for number, (style, label, text) in enumerate(sheet.rows, start=1):
        _fit_row_height(ws, number, max(_lines(text, _TEXT_SHEET_WIDTHS[1]),
                                        _lines(label, _TEXT_SHEET_WIDTHS[0])))
        if style not in ROW_STYLES:
            raise ValueError(f"unknown row style {style!r}; known: {', '.join(ROW_STYLES)}")
        if not (label or text):
            ws.append([])
            continue
        fill = style if style in styles.fills else None
        font = style if style in ("title", "warning", "notice", "heading", "note") else "label"
        # the label wraps in its column too (its row is as high as the longer of the two)
        first = _cell(ws, _excel_text(label), styles, font=font, fill=fill, wrap=True)
        second = _cell(ws, _excel_text(text) if text else None, styles,
                       font=style if style in ("warning", "notice", "note") else None,
                       fill=fill, wrap=True)
        ws.append([first, second])


#: The openpyxl versions whose bytes :class:`_SheetRows` writes (``str.startswith``).
_OPENPYXL_WRITTEN_AS = ("3.1.",)
#: The types of the values that :class:`_SheetRows` writes itself.
_DIRECT_TYPES = frozenset({type(None), str, int, float, bool})


def _xml_text(text: str) -> str:
    """``text`` as XML character data, escaped as ElementTree (and et_xmlfile) escape it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _xml_attribute(text: str) -> str:
    """``text`` as an XML attribute value, escaped as ElementTree escapes it."""
    text = _xml_text(text)
    for char, entity in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if char in text:
            text = text.replace(char, entity)
    return text


@dataclass(slots=True)
class _Styled:
    """A value of a cell whose style :class:`_SheetRows` has numbered before: its ``style``
    attribute (`` s="N"``) and whether it is quoted text (:func:`_cell`)."""

    value: object
    style: str
    quoted: bool


@dataclass(slots=True)
class _NewStyle:
    """An openpyxl cell (:func:`_cell`) of a style not yet numbered, by ``key``."""

    cell: Any
    key: tuple


class _SheetRows:
    """The rows of a table sheet as the XML of the worksheet's ``sheetData``: byte for byte
    what openpyxl's write-only worksheet writes for them (``append``; openpyxl 3.1 without
    lxml, which serialises with et_xmlfile), in a fraction of the time.

    openpyxl makes an element tree of each cell and serialises it, some 10 µs a cell: most of
    the time of a report's workbook (59,000 cells). Here a cell is a formatted string, and a
    text the same as before is not escaped again. Only sheets whose values are text, numbers
    and truth values are written so (:meth:`can_write`).

    Styles: openpyxl registers a cell's font, fill, alignment and number format in the book
    when they are set, and numbers its style (``Cell.style_id``) when it writes the cell; the
    book's styles are listed in that order. The first cell of each style is therefore an
    openpyxl cell made (:func:`_cell`) and numbered when openpyxl would make and write it;
    the next cells of that style (:meth:`cell`) would register nothing new, and get its number.

    The worksheet itself gets no rows: openpyxl writes its ``sheetData`` empty, and
    :func:`_normalise_xlsx` puts these rows into it. tests/test_workbook_speed.py compares
    the bytes with openpyxl's.
    """

    def __init__(self, ws, styles: _Styles) -> None:
        from openpyxl.cell import Cell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.styles = styles
        self.rows: list[str] = []
        self.letters: list[str] = []
        #: the XML of a cell of a text (or number) after its reference and style attribute
        self.texts: dict[str, str] = {}
        #: the style attribute of the cells of a style, by :meth:`cell`'s key
        self.style_ids: dict[tuple, str] = {}
        self._cell_type = Cell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._letter = get_column_letter

    @staticmethod
    def can_write(columns: Sequence[_Column]) -> bool:
        """Whether the values of ``columns`` are all of types written here (dates, times
        and other values are left to openpyxl), and openpyxl is a version whose bytes these
        are (:data:`_OPENPYXL_WRITTEN_AS`; another version writes every row itself, until
        tests/test_workbook_speed.py shows the bytes are its bytes too) writing without lxml
        (with lxml it writes the same cells in other bytes: it is left to write them)."""
        import openpyxl

        return (not openpyxl.LXML and openpyxl.__version__.startswith(_OPENPYXL_WRITTEN_AS)
                and all(set(map(type, c.values)) <= _DIRECT_TYPES for c in columns))

    def xml(self) -> str:
        """The rows appended so far, as the content of ``sheetData``."""
        return "".join(self.rows)

    def cell(self, value: object, *, wrap: bool, top: bool, number_format: str | None
             ) -> object:
        """A styled cell of a table's row, for :meth:`append`: as :func:`_cell` makes it."""
        quoted = type(value) is str and _risky(value)
        key = (wrap, top, number_format, quoted)
        style = self.style_ids.get(key)
        if style is None:
            return _NewStyle(_cell(self.ws, value, self.styles, wrap=wrap, top=top,
                                   number_format=number_format), key)
        return _Styled(value, style, quoted)

    def append(self, values: Sequence[object]) -> None:
        """Append a row, as ``WriteOnlyWorksheet.append``: values, openpyxl cells and the
        cells of :meth:`cell`."""
        number = len(self.rows) + 1
        # the row's height, if set (:func:`_fit_row_height`); taken off the worksheet, which
        # would otherwise write the row itself
        dimensions = self.ws.row_dimensions.pop(number, None)
        if dimensions is None:
            parts = [f'<row r="{number}">']
        else:
            attributes = {"r": f"{number}"}
            attributes.update(dimensions)
            parts = ["<row", *(f' {k}="{_xml_attribute(v)}"' for k, v in attributes.items()),
                     ">"]
        letters = self.letters
        while len(letters) < len(values):
            letters.append(self._letter(len(letters) + 1))
        for letter, value in zip(letters, values, strict=False):  # letters: at least as many
            if value is None:
                continue
            if type(value) is str:
                parts.append(f'<c r="{letter}{number}"{self._text(value, True)}')
            elif isinstance(value, int | float):  # and truth values
                parts.append(f'<c r="{letter}{number}"{self._number(value)}')
            elif isinstance(value, _Styled):
                parts.append(self._styled(f"{letter}{number}", value))
            elif isinstance(value, _NewStyle):
                parts.append(self._new_style(f"{letter}{number}", value))
            elif isinstance(value, self._cell_type):
                parts.append(self._cell(f"{letter}{number}", value))
            else:
                raise TypeError(f"cannot write {value!r} to a workbook cell")
        parts.append("</row>")
        self.rows.append("".join(parts))

    def _text(self, text: str, plain: bool = False) -> str:
        """A cell of text after its reference and style: openpyxl's inline string, as
        ``Cell.check_string`` keeps it (spaces at either end kept). A ``plain`` value that
        openpyxl would store as a formula or an error value is not written here
        (:func:`_cell` quotes such text)."""
        xml = self.texts.get(text)
        if xml is None:
            kept = text[:32767]
            if self._illegal.search(kept):
                from openpyxl.utils.exceptions import IllegalCharacterError

                raise IllegalCharacterError(f"{kept} cannot be used in worksheets.")
            if not kept:
                xml = ' t="inlineStr" />'
            else:
                stripped = kept.strip()
                space = ' xml:space="preserve"' if stripped and stripped != kept else ""
                xml = f' t="inlineStr"><is><t{space}>{_xml_text(kept)}</t></is></c>'
            self.texts[text] = xml
        if plain and ((len(text) > 1 and text.startswith("=")) or text in _ERROR_VALUES):
            raise ValueError(f"text {text!r} would be a formula or an error value")
        return xml

    @staticmethod
    def _number(value: float, data_type: str | None = None) -> str:
        """A cell of a number or truth value after its reference and style (``safe_string``:
        16 significant digits, ``1`` for true; nothing for NaN and infinities)."""
        if data_type is None:
            data_type = "b" if type(value) is bool else "n"
        shown = "%.16g" % value if math.isfinite(value) else ""  # noqa: UP031 - as openpyxl
        return f' t="{data_type}"><v>{shown}</v></c>' if shown else f' t="{data_type}"><v /></c>'

    def _styled(self, ref: str, cell: _Styled) -> str:
        """A cell of :meth:`cell` of a numbered style (as openpyxl writes its cell)."""
        value = cell.value
        if value is None:
            return f'<c r="{ref}"{cell.style} t="n" />' if cell.style else ""
        if type(value) is str:
            return f'<c r="{ref}"{cell.style}{self._text(value, not cell.quoted)}'
        return f'<c r="{ref}"{cell.style}{self._number(value)}'  # type: ignore[arg-type]

    def _new_style(self, ref: str, new: _NewStyle) -> str:
        """The first cell of a style: written, and its style numbered, by openpyxl's rules."""
        xml = self._cell(ref, new.cell)
        self.style_ids[new.key] = f' s="{new.cell.style_id}"' if new.cell.has_style else ""
        return xml

    def _cell(self, ref: str, cell) -> str:
        """An openpyxl cell (``etree_write_cell``): its style, value and data type."""
        value, data_type, styled = cell.value, cell.data_type, cell.has_style
        if value is None and not styled:
            return ""
        style = f' s="{cell.style_id}"' if styled else ""
        if value is None or value == "":
            kind = "inlineStr" if data_type == "s" else data_type
            return f'<c r="{ref}"{style} t="{kind}" />'
        if data_type == "s" and type(value) is str:
            return f'<c r="{ref}"{style}{self._text(value)}'
        if data_type in ("n", "b") and type(value) in (int, float, bool):
            return f'<c r="{ref}"{style}{self._number(value, data_type)}'
        raise TypeError(f"cannot write {value!r} ({data_type}) to a workbook cell")


def write_workbook(sheets: Mapping[str, pd.DataFrame] | Sequence[Sheet | TextSheet],
                   path: Path) -> None:
    """Write an Excel workbook: a sheet per table (:class:`Sheet`; a plain DataFrame is a
    sheet of that name with its header in the first row), or of text (:class:`TextSheet`).

    Sheet names are cut to Excel's 31 characters. No cell is a formula or an error value (text
    that a spreadsheet would read as one is a text cell with Excel's quote prefix), characters
    a workbook cannot hold are shown as ``\\xNN``, and the time stamps are fixed, so that equal
    tables give equal bytes. openpyxl's write-only mode writes the book; the rows of a table
    sheet of text, numbers and truth values are written as openpyxl would write them, at a
    fraction of its cost (:class:`_SheetRows`).
    """
    from openpyxl import Workbook

    items: list[Sheet | TextSheet] = (
        [Sheet(name, df) for name, df in sheets.items()] if isinstance(sheets, Mapping)
        else list(sheets))
    book = Workbook(write_only=True)
    styles = _Styles()
    table_names: set[str] = set()
    written: list[tuple[Any, _SheetRows]] = []
    for item in items:
        ws = book.create_sheet(title=item.name[:31])
        if isinstance(item, TextSheet):
            _write_text_sheet(ws, item, styles)
        else:
            rows = _write_sheet(ws, item, styles, table_names)
            if rows is not None:
                written.append((ws, rows))
    book.save(path)
    # the parts of the sheets in the file, as openpyxl named them when saving
    _normalise_xlsx(path, {ws.path.lstrip("/"): rows.xml() for ws, rows in written})


_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_FIXED_XML_TIME = "1980-01-01T00:00:00Z"


_CORE_TIME = re.compile(
    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)"
)


#: The empty ``sheetData`` of a worksheet without rows, as openpyxl writes it.
_EMPTY_SHEET_DATA = "<sheetData></sheetData>"


def _normalise_xlsx(path: Path, sheet_data: Mapping[str, str] | None = None) -> None:
    """Drop the time stamps openpyxl writes, so equal content gives equal bytes; and put the
    rows ``sheet_data`` (by the name of the worksheet's part, :class:`_SheetRows`) into the
    empty ``sheetData`` of their worksheets."""
    sheet_data = dict(sheet_data or {})
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_name(path.name + ".norm")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
            for info, payload in entries:
                if info.filename == "docProps/core.xml":
                    text = _CORE_TIME.sub(
                        lambda m: f"{m.group(1)}{_FIXED_XML_TIME}{m.group(3)}",
                        payload.decode("utf-8"),
                    )
                    payload = text.encode("utf-8")
                elif info.filename in sheet_data:
                    text = payload.decode("utf-8")
                    if text.count(_EMPTY_SHEET_DATA) != 1:
                        raise RuntimeError(f"{info.filename}: no empty sheetData to fill")
                    rows = sheet_data.pop(info.filename)
                    payload = text.replace(_EMPTY_SHEET_DATA,
                                           f"<sheetData>{rows}</sheetData>").encode("utf-8")
                fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
                fixed.compress_type = zipfile.ZIP_DEFLATED
                fixed.external_attr = 0o644 << 16
                dst.writestr(fixed, payload)
        if sheet_data:
            raise RuntimeError(f"worksheets not in the workbook: {', '.join(sorted(sheet_data))}")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# --------------------------------------------------------------------------- signals
class Interrupted(KeyboardInterrupt):
    """A run stopped by SIGINT, SIGTERM or SIGHUP: handled like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = int(signum)


#: A signal handler, as :func:`signal.signal` takes and returns it.
_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def _handled_signals() -> list[int]:
    return [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
            if hasattr(signal, name)]


class SignalGuard:
    """While a command runs, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (so that
    every ``finally`` clean-up runs, as for Ctrl-C), and each is remembered: even if library
    code swallowed the exception, nothing is moved into place after a signal. Signals that
    are ignored when the command starts (``nohup``, background jobs) stay ignored.

    During the move into place and the clean-up (:func:`signals_deferred`) a signal is only
    remembered; once the output is in place (:func:`output_committed`) it no longer stops
    the run.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self.deferring = 0
        self.finished = False
        self._previous: dict[int, _Handler] = {}
        self._outer: SignalGuard | None = None

    def __enter__(self) -> SignalGuard:
        global _GUARD
        self._outer, _GUARD = _GUARD, self
        # A signal that arrives while Python runs a callback from C (a weakref callback of the
        # import machinery, a finaliser) raises there, and Python can only print the exception
        # as "Exception ignored in ...". The guard has remembered the signal and stops the run
        # at the next check, so that message is noise: keep it off stderr.
        self._unraisable = sys.unraisablehook
        previous_hook = self._unraisable

        def hook(unraisable) -> None:
            if isinstance(unraisable.exc_value, Interrupted):
                return
            previous_hook(unraisable)

        sys.unraisablehook = hook
        if threading.current_thread() is threading.main_thread():
            for signum in _handled_signals():
                # a signal that cannot be set here (ValueError, OSError) is left as it is
                with contextlib.suppress(ValueError, OSError):
                    if signal.getsignal(signum) is signal.SIG_IGN:
                        continue
                    self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        global _GUARD
        for signum, previous in self._previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):  # best effort
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        sys.unraisablehook = self._unraisable
        _GUARD = self._outer

    def _handle(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = int(signum)
        if self.deferring or self.finished:
            return
        raise Interrupted(self.received)

    def signal_number(self, exc: KeyboardInterrupt) -> int:
        """The signal that stopped the run with ``exc``: the :class:`Interrupted` signal, else
        the signal received, else SIGINT (a plain Ctrl-C ``KeyboardInterrupt``)."""
        return int(getattr(exc, "signum", None) or self.received or signal.SIGINT)


_GUARD: SignalGuard | None = None


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """A section that a signal does not interrupt (it is remembered)."""
    guard = _GUARD
    if guard is None:
        yield
        return
    guard.deferring += 1
    try:
        yield
    finally:
        guard.deferring -= 1


def raise_if_interrupted() -> None:
    """Raise :class:`Interrupted` if a signal came, even if its exception was swallowed."""
    guard = _GUARD
    if guard is not None and guard.received is not None and not guard.finished:
        raise Interrupted(guard.received)


def output_committed() -> None:
    """The new output is in place: a signal from now on no longer stops the run."""
    if _GUARD is not None:
        _GUARD.finished = True


# --------------------------------------------------------------------------- temporaries
def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would end the process
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover
        return False
    return True


def _temp_prefix(name: str, kind: str) -> str:
    """Prefix of the temporary files and directories of this process for target ``name``:
    ``.NAME.tmp-PID-`` (the new output) or ``.NAME.old-PID-`` (the output it replaces)."""
    return f".{name}.{kind}-{os.getpid()}-"


def _stale_temporaries(parent: Path, name: str, suffix: str = "", *,
                       without_pid: bool = False, own: bool = False
                       ) -> list[tuple[Path, str]]:
    """Temporary files or directories for target ``name`` in ``parent`` whose process is
    gone: ``(path, kind)``, kind ``"tmp"`` or ``"old"``. ``without_pid``: also those named by
    versions without the process id; ``own``: also this process's (safe under the lock)."""
    pattern = re.compile(re.escape(f".{name}.") + r"(tmp|old)-(?:(\d+)-)?[a-z0-9_]+"
                         + re.escape(suffix))
    found = []
    try:
        entries = sorted(parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        if match.group(2) is None:
            if not without_pid:
                continue
        else:
            pid = int(match.group(2))
            if pid == os.getpid() and not own:
                continue
            if pid != os.getpid() and _pid_alive(pid):
                continue
        found.append((entry, match.group(1)))
    return found


def _remove(path: Path) -> None:
    """Remove a file or folder if possible (clean-up is best effort: a leftover is removed by
    the next run's clean-up of stale temporaries)."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def _clean_stale_directories(target: Path) -> None:
    """Remove the temporary directories that dead runs left next to ``target``. If one died
    while moving its output into place (``target`` gone, the previous output still in its
    ``.old-`` directory), the previous output is put back first."""
    stale = _stale_temporaries(target.parent, target.name, without_pid=True, own=True)
    olds = [path for path, kind in stale if kind == "old" and path.is_dir()]
    if olds and not os.path.lexists(target):
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.replace(newest, target)
        stale = [(p, k) for p, k in stale if p != newest]
    for path, _kind in stale:
        _remove(path)


def check_file_target(path: Path) -> Path:
    """The directory ``path`` will be written in; an error if it cannot be."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"argument --out: directory {str(parent)!r} does not exist")
    if path.is_dir():
        raise InputError(f"argument --out: {str(path)!r} is a directory")
    return parent


def write_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same directory, then rename it.

    The temporary file, ``.NAME.tmp-PID-XXXX.EXT``, is removed on any failure or signal; those
    of dead processes are removed by the next write of the same file.
    """
    path = Path(path)
    parent = check_file_target(path)
    for stale, _kind in _stale_temporaries(parent, path.name, path.suffix):
        _remove(stale)
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path.name, "tmp"), suffix=path.suffix,
                                    dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    done = False
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; give it normal permissions
        with signals_deferred():
            raise_if_interrupted()
            os.replace(tmp, path)
            done = True
            output_committed()
    finally:
        with signals_deferred():
            if not done:
                with contextlib.suppress(OSError):
                    tmp.unlink()


def write_table_file(df: pd.DataFrame, path: Path, sheet_name: str = "data", *,
                     data: str | None = None,
                     formats: Mapping[object, ColumnFormat] | None = None) -> None:
    """Write a table to ``path`` (CSV or a one-sheet workbook, by the extension) atomically:
    :func:`write_table` (with ``data`` and ``formats``) into a temporary file, renamed into
    place (:func:`write_file`)."""
    # only the options given (a writer that takes none stays usable)
    options: dict[str, Any] = {k: v for k, v in (("data", data), ("formats", formats))
                               if v is not None}
    write_file(path, lambda tmp: write_table(df, tmp, sheet_name=sheet_name, **options))


# --------------------------------------------------------------------------- the lock
try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]


#: Windows locks a byte range: one byte far past the process id written at the start.
_WINDOWS_LOCK_OFFSET = 1 << 20


#: Seconds between two attempts to take the lock with ``--wait``.
_WAIT_POLL = 0.2


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock of the open file ``fd`` without blocking; False if another
    process holds it. Released by the system when the file is closed or the process dies."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        except OSError as err:  # a file system without locks (some network file systems)
            import errno

            if err.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return True
            raise
        return True
    if msvcrt is not None:  # pragma: no cover - Windows
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    return True  # pragma: no cover - no locking on this platform


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _lock_owner(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class OutLock:
    """The lock of an output directory: ``.DIR.lock`` next to it, holding the process id of
    the run writing ``DIR``, locked (``flock``, or ``msvcrt.locking`` on Windows) while it
    runs. The lock of a process that died is free: the system releases it."""

    def __init__(self, target: Path, shown: str) -> None:
        self.path = target.parent / f".{target.name}.lock"
        self.shown = shown
        self.fd: int | None = None

    def acquire(self, wait: bool = False, quiet: bool = True) -> None:
        """Take the lock; if another run holds it, an :class:`InputError` naming its process
        id, or with ``wait`` poll until it is free (saying so on stderr unless ``quiet``)."""
        announced = False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            locked = kept = False
            try:
                locked = _try_lock(fd)
                # the previous holder may have removed the file just before we locked it
                if locked and _same_file(fd, self.path):
                    os.ftruncate(fd, 0)
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
                    self.fd, kept = fd, True
                    return
            finally:
                if not kept:
                    os.close(fd)
            if locked:
                continue  # lock the file now at the path
            owner = _lock_owner(self.path)
            who = f" (pid {owner})" if owner is not None else ""
            if not wait:
                raise InputError(f"argument --out: another nldtib-forecast run{who} is writing "
                                 f"{self.shown!r}; wait for it to finish, or use --wait")
            if not announced and not quiet:
                print(f"{PROG}: waiting for the run{who} writing {self.shown!r}",
                      file=sys.stderr, flush=True)
                announced = True
            time.sleep(_WAIT_POLL)

    def release(self) -> None:
        """Release the lock and remove its file (nothing if it is not held)."""
        fd, self.fd = self.fd, None
        if fd is None:
            return
        if os.name == "nt":  # pragma: no cover - an open file cannot be removed on Windows
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            return
        with contextlib.suppress(OSError):  # still locked: a waiting run opens a new file
            os.unlink(self.path)
        os.close(fd)


# --------------------------------------------------------------------------- run and report
def _is_report_dir(path: Path) -> bool:
    """Whether ``path`` holds a report written by this command (its manifest says so)."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("library") == "nldtib_forecast"


def _missing_parents(path: Path) -> list[Path]:
    missing = []
    for parent in path.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def check_out_dir(out: Path, overwrite: bool) -> Path:
    """The absolute output directory ``out``; an :class:`InputError` if it may not be written
    (it exists and is a file or a broken link, or holds files and ``overwrite`` is off, or
    is not an earlier report, or holds the current directory)."""
    target = Path(os.path.abspath(out))
    if target.exists():
        if not target.is_dir():
            raise InputError(f"argument --out: {str(out)!r} exists and is not a directory")
        if any(target.iterdir()):
            if not overwrite:
                raise InputError(
                    f"argument --out: directory {str(out)!r} is not empty; "
                    "use --overwrite to replace it"
                )
            cwd = Path.cwd().resolve()
            if target.resolve() == cwd or target.resolve() in cwd.parents:
                raise InputError(
                    f"argument --out: {str(out)!r} is or contains the current directory; "
                    "refusing to replace it"
                )
            if not _is_report_dir(target):
                raise InputError(
                    f"argument --out: {str(out)!r} is not an earlier nldtib-forecast "
                    "report (no manifest.json); --overwrite only replaces reports"
                )
    elif os.path.lexists(target):
        raise InputError(f"argument --out: {str(out)!r} is a broken symbolic link")
    return target


def write_directory(out: Path, build: Callable[[Path], list[str]], *, overwrite: bool = False,
                    wait: bool = False, quiet: bool = True) -> list[str]:
    """Build the output directory ``out`` in a temporary sibling and move it into place.

    Steps: make the missing parents; take the lock ``.NAME.lock`` next to ``out``
    (:class:`OutLock`: an :class:`InputError` naming the other run's process id if another
    run holds it, unless ``wait``); remove what dead runs left
    (:func:`_clean_stale_directories`); check that ``out`` may be written
    (:func:`check_out_dir` with ``overwrite``: it may have changed while waiting; the caller
    checks it before its inputs too); ``build`` into ``.NAME.tmp-PID-XXXX``, which returns the
    names of the files written; move it into place (an existing ``out`` is first moved to
    ``.NAME.old-PID-XXXX``, removed after the move). On any failure, interruption or signal
    the temporary directory, the lock file and the parents made here are removed, and an
    existing ``out`` is left as it was. Returns what ``build`` returned.
    """
    target = Path(os.path.abspath(out))
    created: list[Path] = []  # parents made here, outermost first
    lock = OutLock(target, str(out))
    tmp: Path | None = None
    old: Path | None = None
    done = False
    try:
        for parent in reversed(_missing_parents(target)):
            try:
                parent.mkdir()
            except FileExistsError:  # made by another run just now: not ours to remove
                continue
            created.append(parent)
        lock.acquire(wait=wait, quiet=quiet)
        _clean_stale_directories(target)
        check_out_dir(out, overwrite)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name, "tmp"), dir=target.parent))
        files = build(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; give it normal permissions
        with signals_deferred():
            raise_if_interrupted()  # a signal whose exception some library swallowed
            emptied = False
            if target.exists():
                if any(target.iterdir()):
                    old = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name, "old"),
                                                dir=target.parent))
                    os.rmdir(old)
                    os.replace(target, old)
                else:
                    os.rmdir(target)
                    emptied = True
            try:
                os.replace(tmp, target)
            except BaseException:
                if old is not None:
                    os.replace(old, target)
                    old = None
                elif emptied:
                    target.mkdir()
                raise
            done = True
            output_committed()
    finally:
        with signals_deferred():
            if tmp is not None and os.path.lexists(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and done:
                shutil.rmtree(old, ignore_errors=True)
            lock.release()
            if not done:
                for parent in reversed(created):
                    try:
                        parent.rmdir()
                    except OSError:
                        break
    return files

