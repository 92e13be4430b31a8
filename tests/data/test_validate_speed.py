"""The fast paths of :func:`validate_survey` and :class:`SurveyDesign` against their general
paths.

Most frames validated in the suite and by the estimators are validated already (a
``SurveyDesign`` validates its data; ``synthetic_survey()`` and ``design.data`` are passed
on): their columns have the normalised dtypes. validate_survey reads such a column directly
(float64/int64 numbers, the nullable ``boolean`` dtype, the schema's categorical, text ids that
need no change) instead of through the general path of its kind, and a SurveyDesign ranks the
ids that the validation has factorized instead of factorizing them again. Each promises the
result of the general path in every respect: values, dtypes, index, column order, attrs, and
for a bad frame the same InputError (message, problems, offending rows). These tests hold
them to that:

* whole frames: validate_survey of the synthetic survey, of a validated frame and of small
  varied frames (missing and bad values, duplicated keys, each dtype a column may arrive in,
  extra columns, attrs) against validate_survey of the same frame with every schema column
  cast to ``object``, which takes the general paths only; SurveyDesign the same way (with
  the design's label codes made by pandas' sorted factorize);
* text ids: ``_clean_ids`` (the distinct ids judged at once) against the general path of
  ``_check_str``, and the Unicode facts it rests on, for every code point;
* numbers: ``_check_numeric`` against the computation it replaced (kept here), and
  ``_to_float`` of the normalised dtypes against its general path;
* ``_codes`` of the design against ``pd.factorize(values.astype(object), sort=True)``.
"""

from __future__ import annotations

import functools
import re
import sys
import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast.data import CATEGORIES, COLUMNS, SCHEMA, synthetic_survey, validate_survey
from nldtib_forecast.data import _validate as validate
from nldtib_forecast.survey import SurveyDesign
from nldtib_forecast.survey import _design as design_module

#: Modest numbers of examples (the suite has a CPU budget); each property costs < 0.5 s.
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPECS = {spec.name: spec for spec in SCHEMA}
NUMERIC = [spec for spec in SCHEMA if spec.kind in ("int", "float")]


@functools.lru_cache(maxsize=1)
def _survey() -> pd.DataFrame:
    """The validated synthetic survey (seed 0); do not change it."""
    return validate_survey(synthetic_survey(seed=0))


def _outcome(func, *args, **kwargs) -> tuple:
    """``("ok", result)`` or ``("error", message, problems)`` of an InputError."""
    try:
        return "ok", func(*args, **kwargs)
    except InputError as err:
        return "error", str(err), tuple(err.problems)


def _general(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with every schema column cast to ``object``: no fast path applies to it
    (the other columns are passed through as they are)."""
    out = df.astype({name: object for name in df.columns if name in SPECS})
    assert out.attrs == df.attrs
    return out


def _assert_same_objects(ours, ref) -> None:
    """Equal object arrays (missing where missing), element by element of the same type."""
    ours, ref = list(ours), list(ref)
    assert [type(v) for v in ours] == [type(v) for v in ref]
    assert [None if pd.isna(v) else v for v in ours] == [None if pd.isna(v) else v for v in ref]


def _assert_same_frame(ours: pd.DataFrame, ref: pd.DataFrame) -> None:
    """Equal in every respect, down to the values under a mask, the categories' order and
    dtype, and the type of every id (a str subclass would print differently)."""
    pd.testing.assert_frame_equal(ours, ref, check_exact=True, check_flags=True)
    assert ours.attrs == ref.attrs
    assert [repr(d) for d in ours.dtypes] == [repr(d) for d in ref.dtypes]
    assert list(ours.columns) == list(ref.columns)
    for name in ours.columns:
        a, b = ours[name].array, ref[name].array
        if isinstance(a, pd.arrays.BooleanArray):  # what the mask hides is kept as well
            np.testing.assert_array_equal(a._data, b._data)
            np.testing.assert_array_equal(a._mask, b._mask)
        elif isinstance(a, pd.Categorical):
            assert list(a.categories) == list(b.categories) and a.ordered == b.ordered
            assert a.categories.dtype == b.categories.dtype
        elif a.dtype == object or isinstance(a.dtype, pd.StringDtype):
            assert ([type(v) for v in a.to_numpy(dtype=object)]
                    == [type(v) for v in b.to_numpy(dtype=object)])


def _assert_same_outcome(ours: tuple, ref: tuple) -> None:
    assert ours[0] == ref[0], (ours[1:], ref[1:])
    if ours[0] == "ok":
        _assert_same_frame(ours[1], ref[1])
    else:
        assert ours[1:] == ref[1:]


def _reference_codes(values: pd.Series, factorized=None) -> tuple[np.ndarray, pd.Index]:
    """The design's label codes as they were made: pandas' sorted factorize."""
    codes, uniques = pd.factorize(values.astype(object), sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


_DESIGN_ARRAYS = ("_w", "_s_code", "_p_code", "_psu_stratum", "_n_h", "_N_h", "_f_h")


def _assert_same_design(ours: SurveyDesign, ref: SurveyDesign) -> None:
    _assert_same_frame(ours.data, ref.data)
    for name in _DESIGN_ARRAYS:
        a, b = getattr(ours, name), getattr(ref, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert ours._s_labels.equals(ref._s_labels)
    assert ours._s_labels.dtype == ref._s_labels.dtype
    assert [type(v) for v in ours._s_labels] == [type(v) for v in ref._s_labels]
    assert ours.fpc_source == ref.fpc_source
    assert (ours._psu_sum != ref._psu_sum).nnz == 0


# -- whole frames ---------------------------------------------------------------------------
def test_the_synthetic_and_validated_survey_take_the_fast_paths():
    """The frames the suite validates most never reach the general paths (which judge the
    missing values of every kind through ``_missing``), and equal their result."""
    raw = synthetic_survey(seed=0)
    general = validate_survey(_general(raw))
    for df in (raw, _survey(), SurveyDesign(raw).data):
        with mock.patch.object(validate, "_missing", side_effect=AssertionError("general")):
            out, keys = validate.validate_survey_with_keys(df)
        assert set(keys) == {"firm_id", "stratum"}
        for name, (codes, uniques) in keys.items():
            np.testing.assert_array_equal(uniques[codes], out[name].to_numpy(dtype=object))
        _assert_same_frame(out, general)  # (the three frames hold the same survey)


def test_a_validated_frame_keeps_its_categorical_dtypes():
    """Validation gives every frame the very same categorical dtype objects, recognised by
    identity the next time."""
    out = validate_survey(_survey())
    for name in CATEGORIES:
        assert out[name].dtype is _survey()[name].dtype


def test_design_of_the_synthetic_survey_equals_the_general_path():
    raw = synthetic_survey(seed=0)
    for df in (raw, _survey()):
        with mock.patch.object(design_module, "_codes", _reference_codes):
            ref = SurveyDesign(_general(df))
        _assert_same_design(SurveyDesign(df), ref)
    kwargs = {"strata": "firm_id", "psu": None}  # (other choices: the varied designs)
    with mock.patch.object(design_module, "_codes", _reference_codes):
        ref = SurveyDesign(_general(raw), **kwargs)
    _assert_same_design(SurveyDesign(raw, **kwargs), ref)


def test_missing_values_in_normalised_columns_are_reported_as_on_the_general_path():
    """A missing value in a column of its normalised dtype (read by a fast path) is
    reported as the general path reports it."""
    df = _survey().iloc[:20].copy()
    for row, name in enumerate(["weight", "domain", "size_class", "pe_backed", "stratum",
                                "firm_id", "barrier_orders", "turnover_total_eur"]):
        df.iloc[row + 2, df.columns.get_loc(name)] = None
    assert [repr(d) for d in df.dtypes] == [repr(d) for d in _survey().dtypes]
    ours = _outcome(validate_survey, df)
    assert ours[0] == "error" and len(ours[2]) == 7  # (barrier_orders is nullable)
    _assert_same_outcome(ours, _outcome(validate_survey, _general(df)))


ODD_IDS = ["F1", " F3", "", "  ", "F\t4", "F\u00a05", "F\u200b6", "\ufeffF7", "é8", "中9",
           "F 10", "F10 ", "\u3000F", np.str_("F1"), 7, 7.5, None, np.nan]
ODD_LABELS = ["Land", "", " land", "land ", None, np.nan, 3]
ODD_FLAGS = [None, np.nan, "yes", "maybe", 2, 0, 1.0, True]
ODD_NUMBERS = [np.nan, None, np.inf, -np.inf, -1.0, 1e13, 2023.5, 5, "3,5", "x", 0.0]


def _kind(name: object) -> str:
    return SPECS[name].kind if name in SPECS else "extra"


def _odd_value(name: str, pick: int) -> object:
    values = {"str": ODD_IDS, "category": ODD_LABELS, "bool": ODD_FLAGS}.get(
        _kind(name), ODD_NUMBERS)
    return values[pick % len(values)]


def _recast(s: pd.Series, name: str, variant: int) -> pd.Series:
    """The column in one of the dtypes it may arrive in (unchanged if it cannot be)."""
    kind = _kind(name)
    options: list = [None, object]
    if kind == "str":
        options += ["string", "str"]
    elif kind == "category":
        dtype = _survey()[name].dtype
        options += ["category", dtype,
                    pd.CategoricalDtype(list(dtype.categories)[::-1], ordered=dtype.ordered)]
    elif kind == "bool":
        options += ["boolean", bool]
    else:
        options += ["Float64", np.float64, np.int64]
    target = options[variant % len(options)]
    if target is None or (isinstance(target, pd.CategoricalDtype)
                          and not s.dropna().isin(target.categories).all()):
        return s  # (labels not in the categories would be lost)
    try:
        return s.astype(object).astype(target)
    except (TypeError, ValueError, OverflowError):
        return s


@st.composite
def varied_frames(draw) -> pd.DataFrame:
    """A few rows of the synthetic survey, raw or validated, with odd cells, duplicated
    keys, columns in other dtypes, extra or missing columns, another index, attrs."""
    base = _survey() if draw(st.booleans()) else synthetic_survey(seed=0)
    rows = draw(st.lists(st.integers(0, len(base) - 1), min_size=1, max_size=25, unique=True))
    df = base.iloc[sorted(rows)].copy()
    n = len(df)
    for name, row, pick in draw(st.lists(st.tuples(st.sampled_from(COLUMNS),
                                                   st.integers(0, n - 1), st.integers(0, 99)),
                                         max_size=3)):
        column = df[name].astype(object)
        column.iloc[row] = _odd_value(name, pick)
        df[name] = column
    if n > 1 and draw(st.booleans()):  # the first two rows: one firm, one year
        df.iloc[1, [0, 1]] = df.iloc[0, [0, 1]]
    variants = draw(st.lists(st.integers(0, 5), min_size=len(COLUMNS),
                             max_size=len(COLUMNS)))
    for name, variant in zip(COLUMNS, variants, strict=True):
        df[name] = _recast(df[name], name, variant)
    if draw(st.booleans()):
        df["comment"] = [f"c{i}" for i in range(n)]
    if draw(st.integers(0, 9)) == 0:
        df = df.drop(columns=draw(st.sampled_from(COLUMNS)))
    if draw(st.booleans()):
        df = df.set_axis([f"r{i}" for i in range(n)])
    df.attrs = draw(st.sampled_from([{}, {"kind": "test", "population_firms": {"a": 1}},
                                     {"plausibility": {"weight": 5e6}},
                                     {"plausibility": False}]))
    return df


@settings(SETTINGS, max_examples=8)
@given(df=varied_frames())
def test_varied_frames_validate_as_on_the_general_path(df):
    _assert_same_outcome(_outcome(validate_survey, df), _outcome(validate_survey, _general(df)))


@settings(SETTINGS, max_examples=5)
@given(df=varied_frames(), choice=st.sampled_from([{}, {"strata": "size_class"},
                                                   {"psu": None}, {"fpc": None}]))
def test_varied_designs_equal_the_general_path(df, choice):
    ours = _outcome(SurveyDesign, df, **choice)
    with mock.patch.object(design_module, "_codes", _reference_codes):
        ref = _outcome(SurveyDesign, _general(df), **choice)
    assert ours[0] == ref[0]
    if ours[0] == "ok":
        _assert_same_design(ours[1], ref[1])
    else:
        assert ours[1:] == ref[1:]


def test_design_labels_validation_may_leave_missing_are_checked():
    """Strata or PSUs in a column that validation lets hold missing values (nullable, or
    not in the schema) are still checked for them."""
    df = _survey().iloc[:30].copy()
    df["group"] = ["a", None] + ["b"] * 28
    for choice in ({"strata": "group"}, {"strata": "passes_on_costs"}, {"psu": "group"}):
        ours = _outcome(SurveyDesign, df, fpc=None, **choice)
        with mock.patch.object(design_module, "_codes", _reference_codes):
            ref = _outcome(SurveyDesign, _general(df), fpc=None, **choice)
        assert ours[0] == "error" and "missing" in ours[1] and ours[1:] == ref[1:]


def test_duplicated_keys_are_found_from_the_codes_of_the_ids():
    """``_check_unique_keys`` with the codes ``_check_str`` made reports what it reports
    when it factorizes the ids itself."""
    df = _survey().iloc[:40].copy()
    df.iloc[[5, 9], [0, 1]] = df.iloc[[3, 3], [0, 1]].to_numpy()
    keys: dict = {}
    chk = validate._Checker(df.index)
    checked, _ = validate._check_values(df, list(df.columns), {}, chk, keys)
    assert "firm_id" in keys
    with_codes, alone = validate._Checker(df.index), validate._Checker(df.index)
    validate._check_unique_keys(checked, with_codes, keys)
    validate._check_unique_keys(checked, alone)
    assert with_codes.problems == alone.problems and len(alone.problems) == 1
    assert alone.problems[0].rows == (3, 5, 9)


# -- text ids -------------------------------------------------------------------------------
def test_printable_text_holds_no_blank_but_the_space_and_no_bad_character():
    """The facts ``_clean_ids`` rests on, for every code point: a printable character is
    not one of ``_BAD_ID_CHARS`` and, if :meth:`str.strip` removes it, the ASCII space."""
    codes = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    codes = codes[(codes < 0xD800) | (codes > 0xDFFF)]  # surrogates: not printable, below
    everything = codes.tobytes().decode("utf-32-le")
    assert not any(chr(c).isprintable() or chr(c).isspace() for c in range(0xD800, 0xE000))
    blanks = set(re.findall(r"\s", everything))
    # what str.split (and strip) takes for blanks is exactly that set
    assert all(c.isspace() for c in blanks)
    assert len(everything) - len("".join(everything.split())) == len(blanks)
    assert {c for c in blanks if c.isprintable()} == {" "}
    bad = set(validate._BAD_ID_CHARS.findall(everything))
    assert len(bad) > 60 and not any(c.isprintable() for c in bad)


ID_ALPHABET = st.sampled_from(["F", "7", "a", "é", "中", " ", "\t", "\u00a0", "\u200b",
                               "\ufeff", "\u2028", "\x85", "\u3000", "\x00", "|", "-"])
IDS = st.one_of(st.text(ID_ALPHABET, max_size=4), st.sampled_from(["F1", "F2", "F 3"]),
                st.just(np.str_("F1")), st.none())


@settings(SETTINGS, max_examples=40)
@given(ids=st.lists(IDS, min_size=1, max_size=12),
       dtype=st.sampled_from(["str", "string"]))
def test_clean_ids_are_the_ids_of_the_general_path(ids, dtype):
    """``_check_str`` of a string column (its fast path whenever ``_clean_ids`` accepts the
    ids) against its general path (the column as objects): the same problems and values,
    and the fast path only where the general one changes and reports nothing."""
    s = pd.Series(pd.array(ids, dtype=dtype), index=pd.RangeIndex(10, 10 + len(ids)))
    spec = SPECS["firm_id"]
    fast_chk, general_chk, keys = validate._Checker(s.index), validate._Checker(s.index), {}
    fast = validate._check_str(s, spec, fast_chk, keys)
    general = validate._check_str(s.astype(object), spec, general_chk)
    assert fast_chk.problems == general_chk.problems
    if general[0] is None:
        assert fast[0] is None and fast[1] is None
        return
    _assert_same_objects(fast[0], general[0])
    assert type(fast[1]) is type(general[1]) and fast[1].dtype == general[1].dtype
    _assert_same_objects(fast[1], general[1])
    clean = validate._clean_ids(*validate._factorize(s))
    assert (clean is not None) == ("firm_id" in keys)
    if clean is not None:
        assert not general_chk.problems and None not in ids
        assert all(type(v) is str and v and v == v.strip() for v in clean)


def test_clean_ids_refuse_what_the_general_path_changes_or_reports():
    for ids in (["F1", " F2"], ["F1", "F2 "], ["F1", ""], ["F1", "   "], ["F1", "F\u00a0"],
                ["F1", "F\u200b2"], ["F1", None], ["F1", np.str_("F2")], ["\u3000F1"]):
        s = pd.Series(pd.array(ids, dtype="str"))
        assert validate._clean_ids(*validate._factorize(s)) is None, ids
    s = pd.Series(pd.array(["F 1", "F1", "中", "F 1"], dtype="string"))
    np.testing.assert_array_equal(validate._clean_ids(*validate._factorize(s)),
                                  np.array(["F 1", "F1", "中", "F 1"], dtype=object))


# -- numbers --------------------------------------------------------------------------------
def _reference_check_numeric(s, spec, chk):
    """``_check_numeric`` as it was (every mask computed, every comparison quiet)."""
    values, reported = validate._to_float(s, spec, chk)
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
        chk.add(name, validate._bound_rule(spec), out)
    checked = np.where(ok, values, np.nan)
    if spec.kind == "int":
        with np.errstate(invalid="ignore"):
            exact = finite.all() and bool((np.abs(values) < 2.0**62).all())
        return checked, (values.astype(np.int64) if exact else values)
    return checked, values


NUMBERS = st.sampled_from([0.0, 1.0, -1.0, -0.5, 0.25, 3.0, 1990.0, 2023.0, 2023.5, 2100.0,
                           2101.0, 1799.0, 1e13, -1e-300, np.nan, np.inf, -np.inf, 2.0**63])


@settings(SETTINGS, max_examples=40)
@given(values=st.lists(NUMBERS, min_size=1, max_size=15), spec=st.sampled_from(NUMERIC),
       as_int=st.booleans())
def test_check_numeric_equals_the_computation_it_replaced(values, spec, as_int):
    array = np.array(values)
    if as_int and np.isfinite(array).all() and (np.abs(array) < 2.0**62).all():
        array = array.astype(np.int64)
    s = pd.Series(array)
    ours_chk, ref_chk = validate._Checker(s.index), validate._Checker(s.index)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no comparison with NaN left unquieted
        ours = validate._check_numeric(s, spec, ours_chk)
    ref = _reference_check_numeric(s, spec, ref_chk)
    assert ours_chk.problems == ref_chk.problems
    for a, b in zip(ours, ref, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    # _to_float of the normalised dtypes against its general path (objects)
    fast_chk, general_chk = validate._Checker(s.index), validate._Checker(s.index)
    fast = validate._to_float(s, spec, fast_chk)
    general = validate._to_float(s.astype(object), spec, general_chk)
    assert fast_chk.problems == general_chk.problems == []
    for a, b in zip(fast, general, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


# -- the design's label codes ---------------------------------------------------------------
LABELS = st.one_of(st.text(st.sampled_from(["a", "B", "0", "|", " ", "é", "中"]), max_size=3),
                   st.just(np.str_("a")), st.integers(-2, 2))


@settings(SETTINGS, max_examples=40)
@given(labels=st.lists(LABELS, min_size=1, max_size=15),
       dtype=st.sampled_from([object, "str", "string"]), given_codes=st.booleans())
def test_codes_equal_pandas_sorted_factorize(labels, dtype, given_codes):
    try:
        s = pd.Series(labels, dtype=dtype)
    except (TypeError, ValueError):
        s = pd.Series(labels, dtype=object)
    factorized = pd.factorize(s.to_numpy(dtype=object)) if given_codes else None
    codes, index = design_module._codes(s, factorized)
    ref_codes, ref_index = _reference_codes(s)
    assert codes.dtype == ref_codes.dtype
    np.testing.assert_array_equal(codes, ref_codes)
    assert index.equals(ref_index) and index.dtype == ref_index.dtype
    assert [type(v) for v in index] == [type(v) for v in ref_index]


@pytest.mark.parametrize("name", ["firm_id", "stratum"])
def test_design_codes_from_the_validation_equal_a_new_factorize(name):
    out, keys = validate.validate_survey_with_keys(_survey())
    ours = design_module._codes(out[name], keys[name])
    ref = _reference_codes(out[name])
    np.testing.assert_array_equal(ours[0], ref[0])
    assert ours[1].equals(ref[1]) and ours[1].dtype == ref[1].dtype
