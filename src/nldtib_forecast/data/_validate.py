"""Validation of NLDTIB survey microdata against :data:`~nldtib_forecast.data.SCHEMA`.

:func:`validate_survey` checks a frame and returns a copy with normalised dtypes;
:func:`read_survey` reads a CSV, Excel, Stata (or, with pyarrow, Parquet) file and validates it.
Every problem found is collected and reported at once in one
:class:`~nldtib_forecast.InputError`. All checks are vectorised: the only Python loops run over
the columns of the schema and over the distinct values of a column, never over rows.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import importlib.util
import inspect
import lzma
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from difflib import get_close_matches
from numbers import Real
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError as XMLParseError

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from nldtib_forecast._errors import InputError, Problem, check_option
from nldtib_forecast.data._schema import (
    CATEGORIES,
    COLUMNS,
    PLAUSIBILITY_BOUNDS,
    SCHEMA,
    ColumnSpec,
)

__all__ = ["read_survey", "validate_survey"]

_MAX_ROWS = 5  # offending row labels kept per problem (the count is always complete)
_MAX_VALUES = 5  # offending values quoted per problem
_REL_TOL = 1e-9  # relative tolerance of the "part <= whole" checks (floating-point rounding)

#: Columns that real respondent files lack: the weighting adds them from the frame counts.
_DESIGN_COLUMNS = ("weight", "stratum")
_UNWEIGHTED_HINT = (" (unweighted respondents? weight them from the frame's counts: "
                    "nldtib_forecast.survey.weight_respondents, or "
                    "read_survey(path, population=COUNTS))")

#: Characters not allowed inside identifiers: control characters (NUL, tab, newline...) and
#: invisible format characters (zero-width space, byte-order mark...) that make two ids that
#: look the same differ.
_BAD_ID_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                           "\ufeff]")
#: A number written with a decimal comma (Dutch locale), e.g. '3,58' or '-1.234,5'.
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+\s*$")
_PLAUSIBILITY_ATTR = "plausibility"

#: The numpy dtypes of the normalised numeric columns, which :func:`_to_float` reads directly.
_FLOAT64 = np.dtype(np.float64)
_NUMBERS = (_FLOAT64, np.dtype(np.int64))

_TRUE = frozenset({"true", "yes", "1", "1.0"})
_FALSE = frozenset({"false", "no", "0", "0.0"})

#: (column, other, relation, reason) checked row by row where both values are present.
_RELATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("turnover_ds_eur", "turnover_total_eur", "<=", ""),
    ("export_ds_eur", "turnover_ds_eur", "<=", ""),
    ("fte_ds", "fte_total", "<=", ""),
    ("scale_up_improved", "scale_up_current", ">=", ""),
    ("entry_year", "year", "<=",
     " (a firm cannot belong to the population before its entry year)"),
)


class _Checker:
    """Collects problems; row masks are turned into index labels of the first few rows."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.problems: list[Problem] = []

    def add(self, column: str, rule: str, mask: np.ndarray | None = None) -> None:
        if mask is None:
            self.problems.append(Problem(column, rule))
            return
        pos = np.flatnonzero(mask)
        if pos.size:
            rows = tuple(self.index[pos[:_MAX_ROWS]].tolist())
            self.problems.append(Problem(column, rule, rows, int(pos.size)))


def _quote(values) -> str:
    """``'a', 'b', 'c'`` (and N more) for a list of offending values."""
    values = list(values)
    shown = ", ".join(repr(v.item() if isinstance(v, np.generic) else v)
                      for v in values[:_MAX_VALUES])
    if len(values) > _MAX_VALUES:
        shown += f" (and {len(values) - _MAX_VALUES} more)"
    return shown


def _bound_rule(spec: ColumnSpec) -> str:
    parts = []
    if spec.lower is not None:
        parts.append(f"{'>' if spec.lower_open else '>='} {spec.lower:g}")
    if spec.upper is not None:
        parts.append(f"<= {spec.upper:g}")
    return "must be " + " and ".join(parts)


def _factorize(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`pandas.factorize` (missing values -> -1) with the distinct values as an object
    array (the checks look at each of them in Python, several times faster on a NumPy array
    than on a pandas string array); a string column is factorized as objects (faster)."""
    values = s.to_numpy(dtype=object) if pdt.is_string_dtype(s.dtype) else s
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # NaN, None, NA -> -1
    return codes, np.asarray(uniques, dtype=object)


def _text(s: pd.Series) -> bool:
    """Whether a column holds objects or strings (judged per distinct value)."""
    return pdt.is_object_dtype(s.dtype) or pdt.is_string_dtype(s.dtype)


def _missing(s: pd.Series, factorized: tuple[np.ndarray, np.ndarray] | None = None
             ) -> np.ndarray:
    """Missing values: NaN/None/NA and, in text columns, blank strings.

    Text is judged once per distinct value (a survey repeats its labels and firm ids), then
    mapped back to the rows; ``factorized`` is :func:`_factorize` of a text column, if the
    caller has it."""
    if not _text(s):
        return s.isna().to_numpy(dtype=bool)
    codes, uniques = _factorize(s) if factorized is None else factorized
    blank = np.fromiter((isinstance(u, str) and not u.strip() for u in uniques), dtype=bool,
                        count=len(uniques))
    return (codes < 0) | np.append(blank, False)[codes]


def _wrong_dtype(s: pd.Series) -> bool:
    """Dtypes that cannot hold any schema value (dates, durations, complex numbers...)."""
    return (pdt.is_datetime64_any_dtype(s.dtype) or pdt.is_timedelta64_dtype(s.dtype)
            or pdt.is_complex_dtype(s.dtype) or isinstance(s.dtype, pd.PeriodDtype)
            or isinstance(s.dtype, pd.IntervalDtype))


def _to_float(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Numbers as float64 (missing -> NaN) and a mask of rows already reported as
    non-numeric; ``(None, None)`` if the column is unusable."""
    name = spec.name
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype in _NUMBERS:
        # the normalised dtypes (a validated frame): what the general branch below does for
        # them, without its dtype tests; an int64 column has no missing value to fill, so
        # pandas' fill (which looks for NaN through a new Series) is skipped
        values = (s.to_numpy(dtype=np.float64, na_value=np.nan) if dtype == _FLOAT64
                  else s.to_numpy().astype(np.float64))
        return values, np.zeros(len(values), dtype=bool)
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if pdt.is_bool_dtype(s.dtype) or _wrong_dtype(s):
        chk.add(name, f"wrong dtype '{s.dtype}'; expected numbers ({spec.kind})")
        return None, None
    if pdt.is_numeric_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(s), dtype=bool)
    miss = _missing(s)
    values = pd.to_numeric(s.where(~miss), errors="coerce")
    if pdt.is_bool_dtype(values.dtype) or pdt.is_complex_dtype(values.dtype):
        chk.add(name, f"wrong dtype '{values.dtype}'; expected numbers ({spec.kind})")
        return None, None
    out = values.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.isnan(out) & ~miss
    if bad.any():
        uniq = pd.unique(s[bad].astype(object))
        hint = ""
        if all(isinstance(u, str) and _DECIMAL_COMMA.match(u) for u in uniq[:_MAX_VALUES]):
            hint = (" (numbers with a decimal comma, as a Dutch-locale export writes them: "
                    "read the file with decimal=',', e.g. read_survey(path, sep=';', "
                    "decimal=','))")
        chk.add(name, f"non-numeric value(s) {_quote(uniq)}; expected numbers{hint}", bad)
    return out, bad


def _check_numeric(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Validate an ``int`` or ``float`` column; return (values for checks, normalised array)."""
    values, reported = _to_float(s, spec, chk)
    if values is None:
        return None, None
    name = spec.name
    finite = np.isfinite(values)
    all_finite = bool(finite.all())
    if not all_finite:  # else no value is missing or infinite: nothing to report on them
        nan = np.isnan(values)
        if not spec.nullable:
            chk.add(name, "missing value(s) (NaN) not allowed", nan & ~reported)
        chk.add(name, "infinite value(s) not allowed", ~finite & ~nan)
    # without NaN no comparison below can warn (setting the error state costs more than the
    # checks); a factory, as an np.errstate cannot be entered twice
    quiet = (contextlib.nullcontext if all_finite
             else functools.partial(np.errstate, invalid="ignore"))
    ok = finite.copy()
    if spec.kind == "int":
        frac = np.zeros_like(finite)
        np.not_equal(values, np.floor(values), out=frac, where=finite)
        chk.add(name, "must be integer-valued (e.g. 2023, not 2023.5)", frac)
        ok &= ~frac
    if spec.lower is not None or spec.upper is not None:
        out = np.zeros_like(finite)
        with quiet():
            if spec.lower is not None:
                out |= (values <= spec.lower) if spec.lower_open else (values < spec.lower)
            if spec.upper is not None:
                out |= values > spec.upper
        out &= finite
        chk.add(name, _bound_rule(spec), out)
    checked = np.where(ok, values, np.nan)  # only sensible values enter cross-column checks
    if spec.kind == "int":
        with quiet():
            exact = all_finite and bool((np.abs(values) < 2.0**62).all())
        return checked, (values.astype(np.int64) if exact else values)
    return checked, values


def _clean_ids(codes: np.ndarray, uniques: np.ndarray) -> np.ndarray | None:
    """The identifiers as :func:`_check_str` normalises them, if that leaves them unchanged
    and finds nothing to report; else None. ``codes, uniques`` are :func:`_factorize` of a
    string column.

    That is the case when no value is missing and every distinct value is a ``str`` (not a
    subclass, which ``str()`` would turn into one) that is not empty, has no surrounding
    blanks and holds no character of :data:`_BAD_ID_CHARS`. The distinct values are judged
    at once on their concatenation: a printable text (:meth:`str.isprintable`) holds no
    control or invisible format character, nor any blank but the ASCII space (all other
    blanks are "Separator" or "Other" characters); joined by NUL (not in a printable text)
    with NUL at both ends, a value that starts or ends with a space (or is all spaces) shows
    as a NUL next to a space. Text that is not printable (e.g. with a no-break space) is
    left to the general path, which judges each value."""
    if not len(codes) or codes.min() < 0:
        return None
    labels = uniques.tolist()
    if set(map(type, labels)) != {str}:
        return None
    text = "".join(labels)
    if not text.isprintable() or "" in labels:
        return None
    if " " in text:  # a space somewhere: none at the ends of a value?
        joined = "\0" + "\0".join(labels) + "\0"
        if "\0 " in joined or " \0" in joined:
            return None
    return uniques[codes]  # str(u).strip() is u itself for each of them


def _check_str(s: pd.Series, spec: ColumnSpec, chk: _Checker,
               keys: dict[str, tuple[np.ndarray, np.ndarray]] | None = None):
    """Identifiers: strings, or integers converted to strings.

    A string column whose values need no change and have nothing to report (e.g. of a
    validated frame) is read by :func:`_clean_ids`; its factorization ``(codes, uniques)``,
    which is also that of the values returned, is then put in ``keys`` (if given) for
    :func:`_check_unique_keys` and :class:`~nldtib_forecast.survey.SurveyDesign`."""
    name = spec.name
    factorized = None
    if isinstance(s.dtype, pd.StringDtype):  # text: factorized below in any case
        factorized = _factorize(s)
        ids = _clean_ids(*factorized)
        if ids is not None:
            if keys is not None:
                keys[name] = factorized
            return ids, pd.arrays.NumpyExtensionArray(ids)
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if pdt.is_bool_dtype(s.dtype) or _wrong_dtype(s):
        chk.add(name, f"wrong dtype '{s.dtype}'; expected strings or integers")
        return None, None
    if factorized is None and _text(s):
        factorized = _factorize(s)
    miss = _missing(s, factorized)
    if pdt.is_float_dtype(s.dtype):  # e.g. integer ids read as float because of a gap
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~miss & (~np.isfinite(values) | (values != np.round(values)))
        if bad.any():
            chk.add(name, f"must be a string or an integer identifier, got "
                          f"{_quote(pd.unique(values[bad]))}", bad)
        ints = np.where(miss | bad, 0, values).astype(np.int64)
        out = pd.Series(ints, index=s.index).astype("str").where(~miss)
    else:
        if not (pdt.is_integer_dtype(s.dtype) or pdt.infer_dtype(s, skipna=True) in (
                "string", "empty", "integer")):
            # objects other than text and integers (bytes, lists, floats...): named, not
            # silently turned into their repr
            kinds = s.map(_id_kind, na_action="ignore")
            odd = ~miss & kinds.notna().to_numpy(dtype=bool)
            if odd.any():
                chk.add(name, "must be a string or an integer identifier, got "
                              f"{', '.join(sorted(set(kinds[odd])))} value(s)", odd)
                return None, None
        # once per distinct value: ' F001' and 'F001' are the same firm
        codes, uniques = _factorize(s) if factorized is None else factorized
        stripped = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
        bad_chars = np.array([bool(_BAD_ID_CHARS.search(u)) for u in stripped[:-1]] + [False])
        out = pd.Series(stripped[codes], index=s.index, dtype=object).where(~miss)
        hidden = ~miss & bad_chars[codes]
        if hidden.any():
            chk.add(name, "control or invisible character(s) (NUL, tab, line break, zero-width "
                          f"space...) not allowed in an identifier: "
                          f"{_quote(pd.unique(out[hidden].astype(object)))}", hidden)
    if not spec.nullable:
        chk.add(name, "missing value(s) (NaN or blank) not allowed", miss)
    return out.to_numpy(dtype=object), out.array


def _id_kind(value: object) -> str | None:
    """None for an accepted identifier value (text or integer), else the name of its type."""
    if isinstance(value, str) or (isinstance(value, int | np.integer)
                                  and not isinstance(value, bool | np.bool_)):
        return None
    return type(value).__name__


@functools.lru_cache(maxsize=32)
def _category_dtype(cats: tuple[str, ...], ordered: bool) -> pd.CategoricalDtype:
    """The normalised dtype of a category column, made once: building a CategoricalDtype
    infers the dtype of its labels (an Index) each time. Dtypes are immutable, so the
    validated frames share it (and a column that has it is recognised by identity)."""
    return pd.CategoricalDtype(list(cats), ordered=ordered)


def _check_category(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Labels from :data:`CATEGORIES`, normalised to a Categorical (``size_class`` ordered)."""
    name = spec.name
    cats = CATEGORIES[name]
    dtype = _category_dtype(tuple(cats), name == "size_class")
    given = s.dtype
    if isinstance(given, pd.CategoricalDtype) and (
            given is dtype or (given == dtype and list(given.categories) == list(cats))):
        # already the schema's categorical (e.g. a validated frame, whose dtype is this very
        # object): every label is valid and no category is blank, so only missing values
        # (code -1) are to be reported
        codes = s.array.codes
        miss = codes == -1
        if not spec.nullable:
            chk.add(name, "missing value(s) (NaN or blank) not allowed", miss)
        return None, pd.Categorical.from_codes(codes, dtype=dtype)
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if _wrong_dtype(s):
        chk.add(name, f"wrong dtype '{s.dtype}'; expected category labels")
        return None, None
    miss = _missing(s)
    uniq = s[~miss].unique()
    valid = set(cats)
    unknown = [u for u in uniq if not (isinstance(u, str) and u in valid)]
    if unknown:
        shown = []
        for u in unknown[:_MAX_VALUES]:
            close = get_close_matches(str(u).lower(), cats, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            shown.append(f"{_quote([u])}{hint}")
        more = f" (and {len(unknown) - _MAX_VALUES} more)" if len(unknown) > _MAX_VALUES else ""
        chk.add(name, f"unknown category label(s) {', '.join(shown)}{more}; "
                      f"valid: {', '.join(map(repr, cats))}",
                s.isin(unknown).to_numpy(dtype=bool) & ~miss)
    if not spec.nullable:
        chk.add(name, "missing value(s) (NaN or blank) not allowed", miss)
    if unknown:
        return None, None
    out = pd.Categorical(s.where(~miss), dtype=dtype)
    return None, out


#: Numbers accepted as booleans (keyed by object: numpy numbers hash like Python's).
_NUMBER_FLAGS: dict[object, bool] = {1: True, 0: False}


def _bool_of(value) -> bool | None:
    """True/False for an accepted boolean spelling, else None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return _NUMBER_FLAGS.get(value)  # 1.0 == 1 hashes alike
    if isinstance(value, str):
        low = value.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else None
    return None


def _check_bool(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """True/False, 0/1 or 'true'/'false'/'yes'/'no' -> pandas nullable ``boolean``."""
    name = spec.name
    if isinstance(s.dtype, pd.BooleanDtype):
        # already the normalised dtype (e.g. a validated frame): every value is a flag, so
        # the branch of the boolean dtypes below, read from the array (no Series of the
        # missing values) and with nothing to report but missing values
        array = s.array
        miss = np.asarray(array.isna(), dtype=bool)
        truth = array.to_numpy(dtype=bool, na_value=False, copy=True)
        if not spec.nullable:
            chk.add(name, "missing value(s) (NaN or blank) not allowed", miss)
        return None, pd.arrays.BooleanArray(truth, miss)
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if _wrong_dtype(s):
        chk.add(name, f"wrong dtype '{s.dtype}'; expected booleans")
        return None, None
    miss = _missing(s)
    if pdt.is_bool_dtype(s.dtype):
        truth = s.to_numpy(dtype=bool, na_value=False)
        bad = np.zeros(len(s), dtype=bool)
    elif pdt.is_numeric_dtype(s.dtype):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        truth = values == 1
        bad = ~miss & ~truth & (values != 0)
    else:
        lookup = {u: _bool_of(u) for u in pd.unique(s[~miss].astype(object))}
        mapped = s.where(~miss).astype(object).map(lookup)
        bad = ~miss & mapped.isna().to_numpy(dtype=bool)
        truth = mapped.eq(True).to_numpy(dtype=bool)
    if bad.any():
        chk.add(name, f"not a boolean value: {_quote(pd.unique(s[bad].astype(object)))}; "
                      "accepted: True/False, 1/0, 'true'/'false', 'yes'/'no'", bad)
    if not spec.nullable:
        chk.add(name, "missing value(s) (NaN or blank) not allowed", miss)
    return None, pd.arrays.BooleanArray(truth & ~bad, miss | bad)


_CHECKERS = {"int": _check_numeric, "float": _check_numeric, "str": _check_str,
             "category": _check_category, "bool": _check_bool}


def _plausibility(setting: object, df: pd.DataFrame) -> tuple[dict[str, float], object]:
    """The plausibility bounds to apply (column -> upper bound) and the setting to record in
    the result's ``attrs`` (``None`` for the defaults)."""
    where = "argument 'plausibility'"
    if setting is None:  # the frame's own setting (from an earlier validate_survey/read_survey)
        setting = df.attrs.get(_PLAUSIBILITY_ATTR, True)
        where = f"attrs[{_PLAUSIBILITY_ATTR!r}] of the survey data"
    defaults = {name: bound for name, (bound, _) in PLAUSIBILITY_BOUNDS.items()}
    if isinstance(setting, bool | np.bool_):
        return (defaults, None) if setting else ({}, False)
    if not isinstance(setting, Mapping):
        raise InputError(f"{where}: expected True (the default bounds), False (no plausibility "
                         "check) or a mapping {column: upper bound or None}, got "
                         f"{type(setting).__name__}")
    numeric = [spec.name for spec in SCHEMA if spec.kind in ("int", "float")]
    problems = []
    bounds = dict(defaults)
    for key, value in setting.items():
        if key not in numeric:
            close = get_close_matches(str(key), numeric, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(Problem(str(key), f"{where}: not a numeric survey column{hint}"))
        elif value is None:
            bounds.pop(key, None)
        elif (isinstance(value, Real) and not isinstance(value, bool | np.bool_)
              and not np.isnan(float(value))):
            bounds[key] = float(value)
        else:
            problems.append(Problem(str(key), f"{where}: the bound must be a number or None "
                                              f"(no bound), got {value!r}"))
    if problems:
        raise InputError(f"{where}: invalid plausibility bounds", problems)
    return bounds, {str(k): (None if v is None else float(v)) for k, v in setting.items()}


def validate_survey(df: pd.DataFrame, *, plausibility: bool | Mapping | None = None
                    ) -> pd.DataFrame:
    """Check survey microdata against the schema and return a copy with normalised dtypes.

    Every column of :data:`~nldtib_forecast.data.SCHEMA` must be present (edition questions
    and price/cost changes may hold missing values, but the column itself is required; add
    it filled with NaN if the question was not asked). All problems are collected and
    reported together.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per firm and reference year. Not modified.
    plausibility : bool or mapping, optional
        The plausibility bounds (:ref:`plausibility-bounds`, the ``plausible_upper`` column
        of :func:`~nldtib_forecast.data.schema_table`): values that
        are possible in principle but almost always a unit or typing error, such as a weight
        above 1e6, a price change above +200 % or a scale-up above +1000 %. ``True``: check
        them; ``False``: do not; a mapping ``{column: bound or None}`` replaces the bound of
        the columns it names (``None`` removes it), e.g. ``{"weight": 5e6}``. Default: the
        setting recorded in ``df.attrs["plausibility"]`` by an earlier call, else ``True``.
        The result records a non-default setting in its ``attrs["plausibility"]``, so that
        the estimators (which validate their input again) keep it.

    Returns
    -------
    pandas.DataFrame
        A copy with the caller's index (so that row labels in errors match the input).
        Schema columns come first, in schema order, normalised to: ``firm_id`` and
        ``stratum`` strings (integer ids are converted), ``year`` and ``entry_year``
        ``int64``, other numbers ``float64``, flags the nullable ``boolean`` dtype,
        categories a :class:`pandas.Categorical` with exactly the labels of
        :data:`~nldtib_forecast.data.CATEGORIES` (``size_class`` ordered). Columns not in
        the schema follow, unchanged.

    Raises
    ------
    nldtib_forecast.InputError
        Listing every problem found: for each, the column, the rule broken and the index
        labels of the first offending rows with their count. Rules checked: frame not empty;
        required columns present (with a "did you mean" hint) and not duplicated; the type of
        each column (numbers, integer-valued years, booleans, known category labels); no
        missing values in non-nullable columns; no infinite values; ranges (e.g. money >= 0,
        ``weight`` > 0, price/cost changes > -1); the plausibility bounds (see
        ``plausibility``); identifiers (``firm_id``, ``stratum``) are text or integers without
        control characters (surrounding blanks are removed: ``" F001"`` is ``"F001"``);
        ``turnover_ds_eur <= turnover_total_eur``,
        ``export_ds_eur <= turnover_ds_eur``, ``fte_ds <= fte_total``,
        ``scale_up_improved >= scale_up_current`` and ``entry_year <= year`` (to a relative
        tolerance of 1e-9, for floating-point rounding); and unique ``(firm_id, year)``
        pairs.

    See Also
    --------
    read_survey : Read a CSV, Excel or Stata file and validate it.

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.data import EDITION_COLUMNS, validate_survey
    >>> firm = {"firm_id": 101, "weight": 1.0, "stratum": "25-100 land", "nld_area": "space",
    ...         "domain": "land", "chain_position": "tier2", "size_class": "25-100",
    ...         "entry_year": 2015, "turnover_total_eur": 4e6, "turnover_ds_eur": 1.5e6,
    ...         "export_ds_eur": 5e5, "fte_total": 40.0, "fte_ds": 12.0, "pe_backed": "no"}
    >>> df = pd.DataFrame([{**firm, "year": 2022}, {**firm, "year": 2023}]).assign(
    ...     price_change_ds=[None, 0.04], cost_change_ds=[None, 0.06],
    ...     **{c: None for c in EDITION_COLUMNS})
    >>> out = validate_survey(df)
    >>> out["firm_id"].tolist(), out["year"].dtype, out["pe_backed"].dtype
    (['101', '101'], dtype('int64'), BooleanDtype)
    >>> bad = df.assign(turnover_ds_eur=[1.5e6, 9e6], domain=["land", "Maritime"], weight=0.0)
    >>> validate_survey(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: survey data failed validation: 3 problem(s) found
      - column 'weight': must be > 0; 2 offending row(s): 0, 1
      - column 'domain': unknown category label(s) 'Maritime' (did you mean 'maritime'?); ...
      - column 'turnover_ds_eur': must be <= turnover_total_eur; 1 offending row(s): 1
    """
    return validate_survey_with_keys(df, plausibility)[0]


def validate_survey_with_keys(df: pd.DataFrame, plausibility: bool | Mapping | None = None
                              ) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """:func:`validate_survey`, and the identifier columns it has factorized:
    ``{column: (codes, uniques)}`` with ``out[column]`` holding ``uniques[codes]``, exactly
    :func:`pandas.factorize` of its values (see :func:`_check_str`), for a caller that would
    factorize them again (:class:`~nldtib_forecast.survey.SurveyDesign`).

    The package's hand-off to the survey layer (not exported from
    :mod:`nldtib_forecast.data`: the codes are an implementation detail of the design)."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"survey data must be a pandas DataFrame, got {type(df).__name__}")
    bounds, setting = _plausibility(plausibility, df)
    chk = _Checker(df.index)
    present = list(df.columns)
    extras = [c for c in dict.fromkeys(present) if c not in COLUMNS]
    _check_column_names(present, extras, chk)
    if len(df) == 0:
        raise InputError("survey data is empty (0 rows); expected one row per firm and "
                         "reference year", chk.problems)
    keys: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    checked, normalised = _check_values(df, present, bounds, chk, keys)
    _check_relations(checked, chk)
    _check_unique_keys(checked, chk, keys)
    if chk.problems:
        raise InputError(f"survey data failed validation: {len(chk.problems)} problem(s) "
                         "found", chk.problems)
    out = pd.DataFrame(normalised, index=df.index)
    if extras:  # passed through unchanged (copy-on-write: no data copied here)
        out = pd.concat([out, df[extras]], axis=1)
    if setting is not None:
        out.attrs[_PLAUSIBILITY_ATTR] = setting
    return out, keys


# -- the steps of validate_survey: each adds the problems it finds to the checker -------------
def _check_column_names(present: list, extras: list, chk: _Checker) -> None:
    """Every schema column present exactly once (with a hint for a misspelt one)."""
    candidates = [c for c in extras if isinstance(c, str)]
    for name in COLUMNS:
        count = present.count(name)
        if count == 0:
            close = get_close_matches(name, candidates, n=1, cutoff=0.6)
            hint = (f" (a column {close[0]!r} is present: did you mean {name}?)"
                    if close else "")
            if not hint and SCHEMA[COLUMNS.index(name)].nullable:
                hint = " (it may hold only missing values, NaN, but must be present)"
            if not hint and name in _DESIGN_COLUMNS:
                hint = _UNWEIGHTED_HINT
            chk.add(name, f"required column is missing{hint}")
        elif count > 1:
            chk.add(name, f"column appears {count} times; column names must be unique")


def _check_values(df: pd.DataFrame, present: list, bounds: Mapping[str, float | None],
                  chk: _Checker, keys: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
                  ) -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """Each schema column checked by the rules of its kind and its plausibility bound:
    returns the checked values (for the relations between columns) and the normalised
    columns. ``keys`` receives the factorized identifier columns that :func:`_check_str`
    has."""
    checked: dict[str, np.ndarray] = {}
    normalised: dict[str, object] = {}
    if df.attrs:  # a column of a frame with attrs deep-copies them: read a plain view
        df = df.copy(deep=False)
        df.attrs = {}
    for spec in SCHEMA:
        if present.count(spec.name) != 1:
            continue
        s = df[spec.name]
        try:
            if spec.kind == "str":
                values, out = _check_str(s, spec, chk, keys)
            else:
                values, out = _CHECKERS[spec.kind](s, spec, chk)
        except (TypeError, ValueError, OverflowError) as exc:  # e.g. unhashable cell values
            chk.add(spec.name, f"could not be read as {spec.kind}: {exc}")
            continue
        if values is not None:
            checked[spec.name] = values
            bound = bounds.get(spec.name)
            if bound is not None and spec.kind in ("int", "float"):
                _check_plausible(spec.name, values, bound, chk)
        if out is not None:
            normalised[spec.name] = out
    return checked, normalised


def _check_plausible(name: str, values: np.ndarray, bound: float, chk: _Checker) -> None:
    with np.errstate(invalid="ignore"):
        high = values > bound
    if high.any():
        default = PLAUSIBILITY_BOUNDS.get(name)
        why = (default[1] if default is not None and default[0] == bound
               else "bound set by the caller")
        chk.add(name, f"implausible value(s) {_quote(pd.unique(values[high]))} "
                      f"above {bound:g} ({why}); if the values are right, "
                      f"pass plausibility={{{name!r}: <larger bound>}} "
                      "(or plausibility=False) to validate_survey or "
                      "read_survey", high)


def _check_relations(checked: dict[str, np.ndarray], chk: _Checker) -> None:
    """The order relations between columns (e.g. D&S turnover <= total turnover)."""
    for col, other, op, why in _RELATIONS:
        if col in checked and other in checked:
            a, b = checked[col], checked[other]
            with np.errstate(invalid="ignore"):
                slack = _REL_TOL * np.abs(b)
                bad = a > b + slack if op == "<=" else a < b - slack
            chk.add(col, f"must be {op} {other}{why}", bad)


def _check_unique_keys(checked: dict[str, np.ndarray], chk: _Checker,
                       keys: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None
                       ) -> None:
    """One row per (firm_id, year).

    ``keys["firm_id"]``, if given, is ``pd.factorize(checked["firm_id"])``, made already
    (by :func:`_check_str`)."""
    if "firm_id" in checked and "year" in checked:
        # the pairs as integer codes (a pair with a missing part is never a duplicate)
        if keys is not None and "firm_id" in keys:
            firm = keys["firm_id"][0]
        else:
            firm, _ = pd.factorize(checked["firm_id"], use_na_sentinel=True)
        year, _ = pd.factorize(checked["year"], use_na_sentinel=True)
        known = (firm >= 0) & (year >= 0)
        pair, _ = pd.factorize(firm[known].astype(np.int64) * (int(year.max()) + 1)
                               + year[known])
        dup = np.zeros(len(firm), dtype=bool)
        dup[known] = np.bincount(pair)[pair] > 1
        if dup.any():
            table = pd.DataFrame({"firm_id": checked["firm_id"], "year": checked["year"]})
            first = table[dup].drop_duplicates().head(_MAX_VALUES)
            pairs = [(f, int(y)) for f, y in zip(first["firm_id"], first["year"], strict=True)]
            chk.add("firm_id", "(firm_id, year) pairs must be unique; duplicated: "
                               f"{_quote(pairs)}", dup)


_CSV = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zip", ".csv.zst")
_EXCEL = (".xlsx", ".xlsm", ".xls")
_STATA = (".dta",)
_PARQUET = (".parquet",)
_SUPPORTED = _CSV + _EXCEL + _STATA + _PARQUET
_TEXT_IDS = {"firm_id": str, "stratum": str}
#: Formats that need an optional package: extension -> (any of these modules, pip name).
_OPTIONAL = {".parquet": (("pyarrow", "fastparquet"), "pyarrow"), ".xls": (("xlrd",), "xlrd"),
             ".csv.zst": (("zstandard",), "zstandard")}
#: Reader options that return chunks instead of one table.
_CHUNKING = ("chunksize", "iterator")
_HEAD_BYTES = 1 << 16  # bytes read to diagnose a CSV file (dialect, encoding)


def _read_errors() -> tuple[type[BaseException], ...]:
    """What a pandas reader raises on a damaged or foreign file (garbage bytes, truncated or
    mislabelled compression, malformed workbook XML...)."""
    errors: list[type[BaseException]] = [
        ValueError, OSError, KeyError, IndexError, EOFError, TypeError, OverflowError,
        NotImplementedError, AttributeError, struct.error, lzma.LZMAError, zlib.error,
        zipfile.BadZipFile, XMLParseError, UnicodeError]
    try:
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        pass
    else:
        errors.append(InvalidFileException)
    return tuple(errors)


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    return next((ext for ext in sorted(_SUPPORTED, key=len, reverse=True)
                 if name.endswith(ext)), None)


def _check_path(path: object, what: str) -> Path:
    """The path of an existing file, or an InputError that says what is wrong with it."""
    if not isinstance(path, str | os.PathLike):
        raise InputError(f"{what}: expected the path of a file (a str or os.PathLike), got "
                         f"{type(path).__name__} {path!r}"[:300])
    try:
        path = Path(path)
    except TypeError as exc:  # an os.PathLike that does not give a str
        raise InputError(f"{what}: not a usable file path ({exc})") from None
    return path


def _head_bytes(path: Path, kind: str) -> bytes | None:
    """The first bytes of a (decompressed) CSV file, or None if they cannot be had."""
    try:
        if kind.endswith(".gz"):
            import gzip

            with gzip.open(path, "rb") as fh:
                return fh.read(_HEAD_BYTES)
        if kind.endswith(".bz2"):
            import bz2

            with bz2.open(path, "rb") as fh:
                return fh.read(_HEAD_BYTES)
        if kind.endswith(".xz"):
            with lzma.open(path, "rb") as fh:
                return fh.read(_HEAD_BYTES)
        if kind.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if not members:
                    return None
                with archive.open(members[0]) as fh:
                    return fh.read(_HEAD_BYTES)
        if kind.endswith(".zst"):
            return None
        with open(path, "rb") as fh:
            return fh.read(_HEAD_BYTES)
    except (OSError, EOFError, lzma.LZMAError, zlib.error, zipfile.BadZipFile, ValueError,
            NotImplementedError, RuntimeError):
        return None


def _is_utf16(head: bytes | None) -> bool:
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:400]
    return sample.count(b"\x00") > len(sample) // 4  # every other byte NUL: UTF-16 text


def _encoding_hint(head: bytes | None, kwargs: dict) -> str:
    given = kwargs.get("encoding")
    if _is_utf16(head) and not str(given or "").lower().replace("-", "").startswith("utf16"):
        return ("the file is UTF-16 text (as Excel's 'Unicode text' export writes it): pass "
                "encoding='utf-16'")
    what = f"{given!r} text" if given else "UTF-8 text"
    return (f"the file is not {what}: pass its encoding, e.g. encoding='cp1252' (a Windows or "
            "Excel export) or encoding='latin-1' (reads any byte)")


_DIALECT_OPTIONS = ("sep", "delimiter", "header", "names", "skiprows", "comment", "engine",
                    "compression", "lineterminator", "quotechar", "quoting", "delim_whitespace")
_SEPARATORS = {";": "semicolon", "\t": "tab", "|": "pipe"}


def _dialect_problem(path: Path, head: bytes | None, kwargs: dict) -> str | None:
    """A message if the file is evidently not comma-separated: its header line has no comma
    but a semicolon, tab or '|' (a Dutch-locale Excel export uses ';' and decimal commas).

    The reader does not guess: a wrong guess of the decimal separator would misread numbers
    silently ('1.000' is one thousand in a Dutch file), so the caller is told what to pass."""
    if head is None or any(k in kwargs for k in _DIALECT_OPTIONS):
        return None
    try:
        decoder = codecs.getincrementaldecoder(kwargs.get("encoding") or "utf-8")("replace")
        text = decoder.decode(head)
    except (LookupError, TypeError):
        return None
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()][:20]
    if not lines or "," in lines[0]:
        return None
    sep = next((c for c in _SEPARATORS if c in lines[0]), None)
    if sep is None:
        return None
    comma = any(_DECIMAL_COMMA.match(field.strip().strip('"'))
                for line in lines[1:] for field in line.split(sep))
    args = f"sep={sep!r}" + (", decimal=','" if comma else "")
    where = ("as Excel writes CSV files in a Dutch (comma-decimal) locale" if sep == ";"
             else "not comma-separated")
    numbers = ", and its numbers have decimal commas" if comma else ""
    return (f"cannot read '{path}': it looks like a {_SEPARATORS[sep]}-separated file (its "
            f"header line holds {sep!r} and no comma{numbers}), {where}; pass {args}: "
            f"read_survey(path, {args})")


def _check_reader_options(path: Path, kind: str, reader, kwargs: dict) -> None:
    """Unknown keyword arguments are errors that name the pandas reader they go to."""
    params = inspect.signature(reader).parameters
    name = f"pandas.{reader.__name__}"
    chunked = [k for k in _CHUNKING if kwargs.get(k)]
    if chunked:
        raise InputError(f"cannot read '{path}': {', '.join(chunked)} is not supported; "
                         "read_survey reads and validates the whole file")
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return  # e.g. read_parquet passes further options on to its engine
    allowed = list(params)[1:]  # the first parameter is the file
    unknown = [k for k in kwargs if k not in allowed]
    if unknown:
        hints = []
        for key in unknown:
            close = get_close_matches(key, allowed, n=1)
            hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise InputError(f"read_survey: unknown keyword argument(s) {', '.join(hints)} for a "
                         f"{kind} file; extra keyword arguments are passed on to {name}, which "
                         "has no such option")


def _check_readable(path: Path, sheet_name: str | int) -> str:
    """The file's kind, after checking that it exists, is supported and can be read here."""
    if path.is_dir():
        raise InputError(f"cannot read '{path}': it is a directory, not a survey file")
    kind = _kind(path)
    if kind is None:
        raise InputError(f"cannot read '{path}': unsupported file extension; supported: "
                         f"{', '.join(_SUPPORTED)}")
    if not path.is_file():
        raise InputError(f"cannot read '{path}': no such file")
    modules, package = _OPTIONAL.get(kind, ((), ""))
    if modules and not any(importlib.util.find_spec(m) is not None for m in modules):
        raise InputError(f"cannot read '{path}': {kind} files need the optional package "
                         f"{package}; install it (pip install {package}) or save the survey "
                         "as .csv or .xlsx")
    if kind not in _EXCEL and not (isinstance(sheet_name, int) and sheet_name == 0):
        raise InputError(f"cannot read '{path}': sheet_name={sheet_name!r} applies to Excel "
                         f"workbooks only, not to a {kind} file")
    return kind


def _reader(kind: str) -> Callable[..., Any]:
    if kind in _CSV:
        return pd.read_csv
    if kind in _EXCEL:
        return pd.read_excel
    if kind in _STATA:
        return pd.read_stata
    return pd.read_parquet


def _read_table(path: Path, kind: str, sheet_name: str | int, kwargs: dict) -> object:
    """What pandas' reader of ``kind`` returns (ids of the schema read as text)."""
    if kind in _CSV or kind in _EXCEL:
        dtype = kwargs.pop("dtype", None)
        if dtype is None or isinstance(dtype, dict):
            dtype = {**_TEXT_IDS, **(dtype or {})}
        if kind in _CSV:
            return pd.read_csv(path, dtype=dtype, **kwargs)
        return pd.read_excel(path, sheet_name=sheet_name, dtype=dtype, **kwargs)
    if kind in _STATA:
        df = pd.read_stata(path, **kwargs)
        for col in df.columns:
            if isinstance(df[col].dtype, pd.CategoricalDtype):
                df[col] = df[col].astype(object).where(df[col].notna())
        return df
    return pd.read_parquet(path, **kwargs)


def _read_frame(path: Path, sheet_name: str | int, kwargs: dict) -> pd.DataFrame:
    """The table of a survey file as pandas reads it (not validated)."""
    kind = _check_readable(path, sheet_name)
    kwargs = dict(kwargs)
    _check_reader_options(path, kind, _reader(kind), kwargs)
    head = _head_bytes(path, kind) if kind in _CSV and "compression" not in kwargs else None
    if kind in _CSV:
        dialect = _dialect_problem(path, head, kwargs)
        if dialect:
            raise InputError(dialect)
    try:
        df = _read_table(path, kind, sheet_name, kwargs)
    except ImportError as exc:
        raise InputError(f"cannot read '{path}': {exc}") from exc
    except UnicodeError as exc:
        hint = _encoding_hint(head if head is not None else _head_bytes(path, kind), kwargs)
        raise InputError(f"cannot read '{path}' ({kind} file): {hint} ({exc})") from exc
    except _read_errors() as exc:
        raise InputError(f"cannot read '{path}': not a valid {kind} file (damaged, truncated "
                         f"or of another format; {type(exc).__name__}: {exc})") from exc
    if isinstance(df, dict):  # sheet_name=None or a list of sheets
        raise InputError(f"cannot read '{path}': sheet_name must name a single worksheet")
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"cannot read '{path}': the reader returned a "
                         f"{type(df).__name__}, not a table")
    return df


_COPY = re.compile(r"^(?P<name>.+)\.(?P<n>\d+)$")


def _duplicated_header(df: pd.DataFrame) -> list[Problem]:
    """Schema columns named more than once in a file's header (pandas reads the copies as
    ``name.1``, ``name.2``, ...)."""
    copies: dict[str, list[str]] = {}
    present = set(df.columns)
    for col in df.columns:
        match = _COPY.match(col) if isinstance(col, str) else None
        if match and match["name"] in COLUMNS and match["name"] in present:
            copies.setdefault(match["name"], []).append(col)
    return [Problem(name, f"column appears {len(found) + 1} times in the file's header (pandas "
                          f"read the later ones as {_quote(found)}); column names must be "
                          "unique: remove or rename the copies")
            for name, found in copies.items()]


def _uncached_formulas(path: Path, sheet_name: str | int, kwargs: dict) -> list[Problem]:
    """Formula cells of an .xlsx/.xlsm worksheet without a saved result (as written by a
    program, not by Excel): pandas reads them as empty cells, which would pass silently as
    missing values."""
    try:
        from openpyxl import load_workbook
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.exceptions import InvalidFileException

        def sheet(book):
            return book[sheet_name] if isinstance(sheet_name, str) else \
                book.worksheets[sheet_name]

        book = load_workbook(path, read_only=True, data_only=False)
        try:
            ws = sheet(book)
            formulas = [(cell.row, cell.column) for row in ws.iter_rows() for cell in row
                        if getattr(cell, "data_type", None) == "f"]
            header = [cell.value for row in ws.iter_rows(max_row=1) for cell in row]
        finally:
            book.close()
        if not formulas:
            return []
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = sheet(book)
            wanted = set(formulas)
            empty = [(cell.row, cell.column) for row in ws.iter_rows() for cell in row
                     if (getattr(cell, "row", None), getattr(cell, "column", None)) in wanted
                     and cell.value is None]
        finally:
            book.close()
    except (OSError, KeyError, IndexError, ValueError, TypeError, zipfile.BadZipFile,
            XMLParseError, InvalidFileException):
        return []  # best effort: pandas has read the sheet already
    plain = kwargs.get("header", 0) == 0 and "skiprows" not in kwargs
    by_column: dict[int, list[int]] = {}
    for r, c in sorted(empty, key=lambda rc: (rc[1], rc[0])):
        by_column.setdefault(c, []).append(r)
    problems = []
    for c, rows in by_column.items():
        label = header[c - 1] if c - 1 < len(header) and header[c - 1] is not None else \
            f"column {get_column_letter(c)}"
        cells = ", ".join(f"{get_column_letter(c)}{r}" for r in rows[:_MAX_ROWS])
        data_rows = tuple(r - 2 for r in rows[:_MAX_ROWS]) if plain else ()
        problems.append(Problem(str(label), f"{len(rows)} formula cell(s) without a saved "
                                f"result (e.g. {cells}): pandas reads them as empty; open the "
                                "workbook in Excel or LibreOffice and save it (which stores "
                                "the results), or paste the values",
                                data_rows, len(rows) if plain else 0))
    return problems


def _file_problems(df: pd.DataFrame, path: Path, sheet_name: str | int,
                   kwargs: dict) -> list[Problem]:
    """Problems of the file's layout that validation of the frame cannot see."""
    problems = _duplicated_header(df)
    if _kind(path) in (".xlsx", ".xlsm"):
        problems += _uncached_formulas(path, sheet_name, kwargs)
    return problems


_COUNT = "count"
_OTHER_SEPS = (";", "\t")  # separators of counts files written with other locales


def _read_counts(path: Path) -> pd.DataFrame:
    """A counts CSV as text columns (``count`` is converted by the weighting)."""
    name = path.name.lower()
    if path.is_dir():
        raise InputError(f"cannot read the frame counts '{path}': it is a directory, not a file")
    if not name.endswith(_CSV):
        raise InputError(f"cannot read the frame counts '{path}': unsupported file extension; "
                         f"expected a CSV file ({', '.join(_CSV)}) with the 'by' columns and "
                         "'count'")
    if not path.is_file():
        raise InputError(f"cannot read the frame counts '{path}': no such file")
    try:
        table = pd.read_csv(path, dtype=str)
        if table.shape[1] == 1:  # e.g. a Dutch-locale export separated by ';'
            sep = next((c for c in _OTHER_SEPS if c in str(table.columns[0])), None)
            if sep is not None:
                table = pd.read_csv(path, dtype=str, sep=sep)
    except UnicodeError as exc:
        hint = _encoding_hint(_head_bytes(path, _kind(path) or ".csv"), {})
        raise InputError(f"cannot read the frame counts '{path}' (CSV file): {hint} "
                         f"({exc})") from exc
    except _read_errors() as exc:
        raise InputError(f"cannot read the frame counts '{path}' (CSV file): "
                         f"{type(exc).__name__}: {exc}") from exc
    return table


def _frame_counts(population: object, by: object) -> tuple[pd.DataFrame | pd.Series,
                                                           list[str], str]:
    """The frame counts (read if a path), the ``by`` columns and how to name them in errors;
    the counts are checked here, so that their errors name the counts and not the survey."""
    from nldtib_forecast.data._weighting import _by_list, _population_table

    if isinstance(population, str | os.PathLike):
        path = _check_path(population, "argument 'population'")
        label = f"frame counts '{path}'"
        table: pd.DataFrame | pd.Series = _read_counts(path)
    elif isinstance(population, pd.DataFrame | pd.Series):
        label, table = "frame counts (argument 'population')", population
    else:
        raise InputError("argument 'population': expected the frame counts as the path of a CSV "
                         "file or a DataFrame with the 'by' columns and 'count', or a Series of "
                         f"counts indexed by the 'by' columns; got {type(population).__name__}")
    if isinstance(table, pd.Series):
        names = list(table.index.names)
        if by is None:
            if not all(isinstance(n, str) for n in names):
                raise InputError(f"{label}: a Series of counts must be indexed by the named "
                                 f"'by' columns (e.g. size_class, nld_area); its index levels "
                                 f"are {names}")
            by = names
    else:
        columns = list(table.columns)
        if _COUNT not in columns:
            texts = [c for c in columns if isinstance(c, str)]
            close = ([c for c in texts if c.strip().lower() == _COUNT]
                     or get_close_matches(_COUNT, texts, n=1, cutoff=0.6))
            hint = (f" (a column {close[0]!r} is present: did you mean count?)" if close
                    else f"; columns found: {_quote(columns)}")
            raise InputError(f"{label}: no 'count' column", [Problem(
                _COUNT, "required column is missing: the number of frame firms of each cell, "
                        f"next to the 'by' columns{hint}")])
        if by is None:
            by = [c for c in columns if c != _COUNT]
            if not by:
                raise InputError(f"{label}: no cell columns besides 'count'; expected the 'by' "
                                 "columns (e.g. size_class, nld_area) and 'count'")
    by_list = _by_list(by)
    cells = (list(table.index.names) if isinstance(table, pd.Series)
             else [c for c in table.columns if c != _COUNT])
    # counts finer than 'by' (more cell columns): checked as given, then summed over the rest
    finer = (all(isinstance(c, str) for c in cells) and len(set(cells)) == len(cells)
             and set(by_list) < set(cells))
    try:
        checked = _population_table(table, cells if finer else by_list)
    except InputError as err:
        message = err.message.removeprefix("argument 'population': ")
        raise InputError(f"{label}: {message}", err.problems) from None
    if finer:
        table = checked.groupby(by_list, sort=False)[_COUNT].sum().reset_index()
    return table, by_list, label


def read_survey(path: str | os.PathLike, *,
                population: pd.DataFrame | pd.Series | str | os.PathLike | None = None,
                by: str | list[str] | None = None, method: str = "cells",
                min_respondents: int | None = None, sheet_name: str | int = 0,
                plausibility: bool | Mapping | None = None, **kwargs) -> pd.DataFrame:
    """Read survey microdata from a file, weight the respondents if the frame counts are given,
    and validate the result with :func:`validate_survey`.

    Real NLDTIB microdata are the respondents of a census with non-response and arrive without
    weights. Given the frame's counts of firms by a few frame variables (``population``), the
    respondents are weighted on the way in by
    :func:`~nldtib_forecast.survey.weight_respondents`: ``weight`` and ``stratum`` (the
    response groups) are set and the frame counts are kept for the finite population
    correction, so that every estimator gives intervals for a census with non-response.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` file (also compressed: ``.csv.gz``, ``.csv.zip``, ...), an Excel workbook
        (``.xlsx``, ``.xlsm``; ``.xls`` needs the optional package ``xlrd``), a Stata ``.dta``
        file, or a ``.parquet`` file when :mod:`pyarrow` is installed. The extension decides
        the reader (case-insensitive). Without ``population`` the file must hold ``weight``
        and ``stratum``; with it they may be left out.
    population : str, path-like, pandas.DataFrame or pandas.Series, optional
        The frame's number of firms in every cell of the ``by`` columns (every firm the survey
        was sent to, respondent or not, counted once): the path of a CSV file or a DataFrame
        with the ``by`` columns and a ``count`` column (as
        :func:`~nldtib_forecast.survey.frame_counts` makes), or a Series of counts indexed by
        the ``by`` columns. If given, the respondents are weighted from it; **weights and strata
        in the file are replaced** (they are not needed and not read).
    by : str or list of str, optional
        The frame variables of the cells (e.g. ``["size_class", "nld_area"]``). Default: the
        columns of the counts other than ``count`` (for a Series, its index names). A subset
        of them weights on fewer variables: the counts are summed over the others. Only with
        ``population``.
    method : {"cells", "propensity"}, default "cells"
        Response homogeneity groups, or a response propensity model raked to the counts; see
        :func:`~nldtib_forecast.survey.weight_respondents`. Only with ``population``.
    min_respondents : int, optional
        Minimum number of respondents per response group; smaller groups are collapsed with a
        neighbour (default: that of :func:`~nldtib_forecast.survey.weight_respondents`, 10).
        Only with ``population``.
    sheet_name : str or int, default 0
        Worksheet to read; Excel only.
    plausibility : bool or mapping, optional
        The plausibility bounds of :func:`validate_survey` (default: checked); ``False`` turns
        them off, ``{"weight": 5e6}`` replaces a bound. Recorded in the result's
        ``attrs["plausibility"]`` so that the estimators keep the setting.
    **kwargs
        Passed to the pandas reader of the survey file (:func:`pandas.read_csv`,
        :func:`pandas.read_excel`, :func:`pandas.read_stata`, :func:`pandas.read_parquet`);
        an option the reader does not have is an error. CSV and Excel files read ``firm_id``
        and ``stratum`` as text by default (so that ids such as ``"007"`` keep their zeros); a
        ``dtype`` mapping given here is merged over that default. A CSV file is read with
        ``,`` as separator and ``.`` as decimal point unless ``sep=``/``decimal=`` say
        otherwise: a file whose header line holds ``;`` (or a tab) and no comma is refused
        with the options to pass (e.g. ``sep=';', decimal=','`` for a Dutch-locale Excel
        export), and a file that is not UTF-8 with the ``encoding=`` to pass. A counts CSV is
        read with ``,`` (or, if that gives a single column, ``;`` or a tab) as separator, its
        cell labels as text.

    Returns
    -------
    pandas.DataFrame
        The validated frame, see :func:`validate_survey`. Stata value labels are turned into
        their label strings. With ``population``, the weighted frame of
        :func:`~nldtib_forecast.survey.weight_respondents` (``attrs["population_firms"]``,
        ``attrs["weighting"]``; :func:`~nldtib_forecast.survey.weighting_report` describes it);
        ``attrs["weights_replaced"]`` says whether the file had a ``weight`` column. A file
        whose ``data`` column says ``synthetic`` in every row (as ``nldtib-forecast data
        survey`` writes it) is marked ``attrs["synthetic"] = True``, so that every result
        computed from it says so.

    Raises
    ------
    nldtib_forecast.InputError
        If ``path`` is not a path; if the file (or the counts file) does not exist, is a
        directory, has an unsupported extension, needs an optional package that is not
        installed (``pyarrow`` for Parquet, ``xlrd`` for ``.xls``), or cannot be parsed
        (damaged or foreign content, a separator or encoding other than the reader's, unknown
        reader options); if its header names a column twice; if a workbook holds formula
        cells without a saved result; if its content fails validation; if the file has no
        ``weight`` or ``stratum`` and ``population`` is not given (an unweighted respondent
        file needs the frame counts); if the counts lack ``count`` or a ``by`` column, hold missing,
        negative, non-integer or duplicated cells; if a respondent falls in a cell the counts do
        not have, or a cell has fewer frame firms than respondents; if ``by``, ``method`` or
        ``min_respondents`` are given without ``population``. Each error names the file, the
        column and the first offending rows (data rows counted from 0).

    See Also
    --------
    nldtib_forecast.survey.weight_respondents : Weight respondents already in a DataFrame.
    nldtib_forecast.survey.frame_counts : The counts of a frame (list of firms).

    Examples
    --------
    An unweighted respondent file and the frame counts, written from the synthetic survey:

    >>> import pathlib, tempfile
    >>> from nldtib_forecast.data import draw_respondents, read_survey, synthetic_survey
    >>> from nldtib_forecast.survey import frame_counts
    >>> frame = synthetic_survey(population=True)
    >>> tmp = tempfile.TemporaryDirectory()
    >>> resp, counts = pathlib.Path(tmp.name, "resp.csv"), pathlib.Path(tmp.name, "counts.csv")
    >>> draw_respondents(frame, seed=1).to_csv(resp, index=False)
    >>> frame_counts(frame, ["size_class", "nld_area"]).to_csv(counts, index=False)
    >>> df = read_survey(resp, population=counts)
    >>> round(float(df.drop_duplicates("firm_id")["weight"].sum()))
    1688
    >>> read_survey(resp)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: ...an unweighted respondent file needs the frame counts...
    >>> tmp.cleanup()
    >>> read_survey("survey.sav")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: cannot read 'survey.sav': unsupported file extension; ...
    """
    path = _check_path(path, "argument 'path'")
    method = check_option("method", method, ("cells", "propensity"))
    setting = None if plausibility is None else _plausibility(plausibility, pd.DataFrame())[1]
    if population is None:
        given = [name for name, value in (("by", by), ("min_respondents", min_respondents))
                 if value is not None] + (["method"] if method != "cells" else [])
        if given:
            raise InputError(f"argument(s) {', '.join(map(repr, given))}: only used to weight "
                             "the respondents from the frame counts; pass population= too")
    else:
        counts, by_list, label = _frame_counts(population, by)
    df = _read_frame(path, sheet_name, kwargs)
    file_problems = _file_problems(df, path, sheet_name, kwargs)
    # a file written from the synthetic survey (its 'data' column says so) stays synthetic, so
    # that every output computed from it carries the caveat
    synthetic = "data" in df.columns and len(df) > 0 and bool(
        (df["data"].astype(str) == "synthetic").all())
    if setting is not None:
        df.attrs[_PLAUSIBILITY_ATTR] = setting
    else:
        df.attrs.pop(_PLAUSIBILITY_ATTR, None)
    if population is None:
        missing = [c for c in _DESIGN_COLUMNS if c not in df.columns]
        try:
            out = validate_survey(df)
        except InputError as err:
            if not missing:
                problems = file_problems + list(err.problems)
                message = err.message
                if message.startswith("survey data failed validation"):
                    message = f"survey data failed validation: {len(problems)} problem(s) found"
                raise InputError(f"'{path}': {message}", problems) from None
            # weight/stratum missing: the hint of the problems is the message here
            problems = [Problem(p.column, p.rule.replace(_UNWEIGHTED_HINT, ""), p.rows,
                                p.n_rows, p.kind) for p in err.problems]
            raise InputError(
                f"'{path}' has no {', '.join(map(repr, missing))} column(s): an unweighted "
                "respondent file needs the frame counts to be weighted; pass population=COUNTS "
                "(a CSV file, DataFrame or Series of frame firms by cell) to read_survey, or "
                f"--population COUNTS.csv on the command line. {err.message}",
                file_problems + problems) from None
        if file_problems:
            raise InputError(f"'{path}': the file's layout is invalid: {len(file_problems)} "
                             "problem(s) found", file_problems)
        if synthetic:
            out.attrs["synthetic"] = True
        return out
    if file_problems:
        raise InputError(f"'{path}': the file's layout is invalid: {len(file_problems)} "
                         "problem(s) found", file_problems)
    from nldtib_forecast.data._weighting import MIN_RESPONDENTS, weight_respondents

    try:
        out = weight_respondents(df, counts, by_list, method=method,
                                 min_respondents=(MIN_RESPONDENTS if min_respondents is None
                                                  else min_respondents))
    except InputError as err:
        message = err.message.removeprefix("weight_respondents: ").removeprefix(
            "argument 'population': ")
        raise InputError(f"cannot weight '{path}' with the {label}: {message}",
                         err.problems) from None
    out.attrs["weights_replaced"] = "weight" in df.columns
    if synthetic:
        out.attrs["synthetic"] = True
    return out
