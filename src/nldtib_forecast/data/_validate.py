"""Validation of NLDTIB survey microdata against :data:`~nldtib_forecast.data.SCHEMA`.

:func:`validate_survey` checks a frame and returns a copy with normalised dtypes;
:func:`read_survey` reads a CSV, Excel, Stata (or, with pyarrow, Parquet) file and validates it.
Every problem found is collected and reported at once in one
:class:`~nldtib_forecast.InputError`. All checks are vectorised: the only Python loops run over
the columns of the schema and over the distinct values of a column, never over rows.
"""

from __future__ import annotations

import importlib.util
import os
import zipfile
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from nldtib_forecast._errors import InputError, Problem
from nldtib_forecast.data._schema import CATEGORIES, COLUMNS, SCHEMA, ColumnSpec

__all__ = ["read_survey", "validate_survey"]

_MAX_ROWS = 5  # offending row labels kept per problem (the count is always complete)
_MAX_VALUES = 5  # offending values quoted per problem
_REL_TOL = 1e-9  # relative tolerance of the "part <= whole" checks (floating-point rounding)

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


def _missing(s: pd.Series) -> np.ndarray:
    """Missing values: NaN/None/NA and, in text columns, blank strings."""
    miss = s.isna().to_numpy(dtype=bool)
    if pdt.is_object_dtype(s.dtype) or pdt.is_string_dtype(s.dtype):
        try:
            blank = s.str.strip().eq("")
        except AttributeError:  # object column without any string
            return miss
        miss = miss | blank.fillna(False).to_numpy(dtype=bool)
    return miss


def _wrong_dtype(s: pd.Series) -> bool:
    """Dtypes that cannot hold any schema value (dates, durations, complex numbers...)."""
    return (pdt.is_datetime64_any_dtype(s.dtype) or pdt.is_timedelta64_dtype(s.dtype)
            or pdt.is_complex_dtype(s.dtype) or isinstance(s.dtype, pd.PeriodDtype)
            or isinstance(s.dtype, pd.IntervalDtype))


def _to_float(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Numbers as float64 (missing -> NaN) and a mask of rows already reported as
    non-numeric; ``(None, None)`` if the column is unusable."""
    name = spec.name
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
        chk.add(name, f"non-numeric value(s) {_quote(uniq)}; expected numbers", bad)
    return out, bad


def _check_numeric(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Validate an ``int`` or ``float`` column; return (values for checks, normalised array)."""
    values, reported = _to_float(s, spec, chk)
    if values is None:
        return None, None
    name = spec.name
    nan = np.isnan(values)
    if not spec.nullable:
        chk.add(name, "missing value(s) (NaN) not allowed", nan & ~reported)
    inf = np.isinf(values)
    chk.add(name, "infinite value(s) not allowed", inf)
    finite = ~nan & ~inf
    ok = finite.copy()
    if spec.kind == "int":
        frac = np.zeros_like(finite)
        np.not_equal(values, np.floor(values), out=frac, where=finite)
        chk.add(name, "must be integer-valued (e.g. 2023, not 2023.5)", frac)
        ok &= ~frac
    if spec.lower is not None or spec.upper is not None:
        out = np.zeros_like(finite)
        with np.errstate(invalid="ignore"):
            if spec.lower is not None:
                out |= (values <= spec.lower) if spec.lower_open else (values < spec.lower)
            if spec.upper is not None:
                out |= values > spec.upper
        out &= finite
        chk.add(name, _bound_rule(spec), out)
    checked = np.where(ok, values, np.nan)  # only sensible values enter cross-column checks
    if spec.kind == "int":
        return checked, (values.astype(np.int64) if finite.all() else values)
    return checked, values


def _check_str(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Identifiers: strings, or integers converted to strings."""
    name = spec.name
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if pdt.is_bool_dtype(s.dtype) or _wrong_dtype(s):
        chk.add(name, f"wrong dtype '{s.dtype}'; expected strings or integers")
        return None, None
    miss = _missing(s)
    if pdt.is_float_dtype(s.dtype):  # e.g. integer ids read as float because of a gap
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~miss & (~np.isfinite(values) | (values != np.round(values)))
        if bad.any():
            chk.add(name, f"must be a string or an integer identifier, got "
                          f"{_quote(pd.unique(values[bad]))}", bad)
        ints = np.where(miss | bad, 0, values).astype(np.int64)
        out = pd.Series(ints, index=s.index).astype("str").where(~miss)
    else:
        out = s.astype("str").where(~miss)
    if not spec.nullable:
        chk.add(name, "missing value(s) (NaN or blank) not allowed", miss)
    return out.to_numpy(dtype=object), out.array


def _check_category(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """Labels from :data:`CATEGORIES`, normalised to a Categorical (``size_class`` ordered)."""
    name = spec.name
    cats = CATEGORIES[name]
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
    dtype = pd.CategoricalDtype(list(cats), ordered=name == "size_class")
    out = pd.Categorical(s.where(~miss), dtype=dtype)
    return None, out


def _bool_of(value) -> bool | None:
    """True/False for an accepted boolean spelling, else None."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return {1: True, 0: False}.get(value)  # 1.0 == 1 hashes alike
    if isinstance(value, str):
        low = value.strip().lower()
        return True if low in _TRUE else False if low in _FALSE else None
    return None


def _check_bool(s: pd.Series, spec: ColumnSpec, chk: _Checker):
    """True/False, 0/1 or 'true'/'false'/'yes'/'no' -> pandas nullable ``boolean``."""
    name = spec.name
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


def validate_survey(df: pd.DataFrame) -> pd.DataFrame:
    """Check survey microdata against the schema and return a copy with normalised dtypes.

    Every column of :data:`~nldtib_forecast.data.SCHEMA` must be present (edition questions
    and price/cost changes may hold missing values, but the column itself is required; add
    it filled with NaN if the question was not asked). All problems are collected and
    reported together.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per firm and reference year. Not modified.

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
        ``weight`` > 0, price/cost changes > -1); ``turnover_ds_eur <= turnover_total_eur``,
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
    nldtib_forecast._errors.InputError: survey data failed validation: 3 problem(s) found
      - column 'weight': must be > 0; 2 offending row(s): 0, 1
      - column 'domain': unknown category label(s) 'Maritime' (did you mean 'maritime'?); ...
      - column 'turnover_ds_eur': must be <= turnover_total_eur; 1 offending row(s): 1
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"survey data must be a pandas DataFrame, got {type(df).__name__}")
    chk = _Checker(df.index)
    present = list(df.columns)
    extras = [c for c in dict.fromkeys(present) if c not in COLUMNS]
    candidates = [c for c in extras if isinstance(c, str)]
    for name in COLUMNS:
        count = present.count(name)
        if count == 0:
            close = get_close_matches(name, candidates, n=1, cutoff=0.6)
            hint = (f" (a column {close[0]!r} is present: did you mean {name}?)"
                    if close else "")
            if not hint and SCHEMA[COLUMNS.index(name)].nullable:
                hint = " (it may hold only missing values, NaN, but must be present)"
            chk.add(name, f"required column is missing{hint}")
        elif count > 1:
            chk.add(name, f"column appears {count} times; column names must be unique")
    if len(df) == 0:
        raise InputError("survey data is empty (0 rows); expected one row per firm and "
                         "reference year", chk.problems)

    checked: dict[str, np.ndarray] = {}
    normalised: dict[str, object] = {}
    for spec in SCHEMA:
        if present.count(spec.name) != 1:
            continue
        s = df[spec.name]
        try:
            values, out = _CHECKERS[spec.kind](s, spec, chk)
        except (TypeError, ValueError) as exc:  # e.g. unhashable cell values
            chk.add(spec.name, f"could not be read as {spec.kind}: {exc}")
            continue
        if values is not None:
            checked[spec.name] = values
        if out is not None:
            normalised[spec.name] = out

    for col, other, op, why in _RELATIONS:
        if col in checked and other in checked:
            a, b = checked[col], checked[other]
            with np.errstate(invalid="ignore"):
                slack = _REL_TOL * np.abs(b)
                bad = a > b + slack if op == "<=" else a < b - slack
            chk.add(col, f"must be {op} {other}{why}", bad)

    if "firm_id" in checked and "year" in checked:
        keys = pd.DataFrame({"firm_id": checked["firm_id"], "year": checked["year"]})
        dup = (keys.duplicated(keep=False).to_numpy(dtype=bool)
               & keys.notna().all(axis=1).to_numpy(dtype=bool))
        if dup.any():
            first = keys[dup].drop_duplicates().head(_MAX_VALUES)
            pairs = [(f, int(y)) for f, y in zip(first["firm_id"], first["year"], strict=True)]
            chk.add("firm_id", "(firm_id, year) pairs must be unique; duplicated: "
                               f"{_quote(pairs)}", dup)

    if chk.problems:
        raise InputError(f"survey data failed validation: {len(chk.problems)} problem(s) "
                         "found", chk.problems)
    out = pd.DataFrame(normalised, index=df.index)
    if extras:  # passed through unchanged (copy-on-write: no data copied here)
        out = pd.concat([out, df[extras]], axis=1)
    return out


_CSV = (".csv", ".csv.gz", ".csv.bz2", ".csv.xz", ".csv.zip", ".csv.zst")
_EXCEL = (".xlsx", ".xlsm", ".xls")
_STATA = (".dta",)
_PARQUET = (".parquet",)
_TEXT_IDS = {"firm_id": str, "stratum": str}


def _supported() -> tuple[str, ...]:
    extra = _PARQUET if importlib.util.find_spec("pyarrow") is not None else ()
    return _CSV + _EXCEL + _STATA + extra


def read_survey(path: str | os.PathLike, *, sheet_name: str | int = 0,
                **kwargs) -> pd.DataFrame:
    """Read survey microdata from a file and validate it with :func:`validate_survey`.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` file (also compressed: ``.csv.gz``, ``.csv.zip``, ...), an Excel workbook
        (``.xlsx``, ``.xlsm``; ``.xls`` needs the optional package ``xlrd``), a Stata ``.dta``
        file, or a ``.parquet`` file when :mod:`pyarrow` is installed. The extension decides
        the reader (case-insensitive).
    sheet_name : str or int, default 0
        Worksheet to read; Excel only.
    **kwargs
        Passed to the pandas reader (:func:`pandas.read_csv`, :func:`pandas.read_excel`,
        :func:`pandas.read_stata`, :func:`pandas.read_parquet`). CSV and Excel files read
        ``firm_id`` and ``stratum`` as text by default (so that ids such as ``"007"`` keep
        their zeros); a ``dtype`` mapping given here is merged over that default.

    Returns
    -------
    pandas.DataFrame
        The validated frame, see :func:`validate_survey`. Stata value labels are turned into
        their label strings.

    Raises
    ------
    nldtib_forecast.InputError
        If the file does not exist, has an unsupported extension, cannot be parsed, or its
        content fails validation.

    Examples
    --------
    >>> from nldtib_forecast.data import read_survey
    >>> read_survey("survey.sav")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nldtib_forecast._errors.InputError: cannot read 'survey.sav': unsupported file extension; ...
    """
    path = Path(path)
    name = path.name.lower()
    supported = _supported()
    kind = next((ext for ext in sorted(supported, key=len, reverse=True)
                 if name.endswith(ext)), None)
    if kind is None:
        raise InputError(f"cannot read '{path}': unsupported file extension; supported: "
                         f"{', '.join(supported)}")
    if not path.is_file():
        raise InputError(f"cannot read '{path}': no such file")
    try:
        if kind in _CSV or kind in _EXCEL:
            dtype = kwargs.pop("dtype", None)
            if dtype is None or isinstance(dtype, dict):
                dtype = {**_TEXT_IDS, **(dtype or {})}
            if kind in _CSV:
                df = pd.read_csv(path, dtype=dtype, **kwargs)
            else:
                df = pd.read_excel(path, sheet_name=sheet_name, dtype=dtype, **kwargs)
        elif kind in _STATA:
            df = pd.read_stata(path, **kwargs)
            for col in df.columns:
                if isinstance(df[col].dtype, pd.CategoricalDtype):
                    df[col] = df[col].astype(object).where(df[col].notna())
        else:
            df = pd.read_parquet(path, **kwargs)
    except ImportError as exc:
        raise InputError(f"cannot read '{path}': {exc}") from exc
    except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read '{path}' ({kind} file): {exc}") from exc
    if isinstance(df, dict):  # sheet_name=None or a list of sheets
        raise InputError(f"cannot read '{path}': sheet_name must name a single worksheet")
    return validate_survey(df)
