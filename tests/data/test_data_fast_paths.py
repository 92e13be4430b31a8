"""The fast paths of the data functions against their reference paths.

Several functions compute with integer codes and numpy (the fast path) and keep a general
computation for unusual inputs, promising that both give identical results. These property
tests hold the paths to that promise, so that neither rots:

* :func:`draw_sample`: the fast path (``_sample_frame`` and ``_srswor_rank``) against the
  general path ``_draw_sample_frame`` (pandas), for random seeds and sampling fractions, on
  the synthetic population and on small random populations in its schema (unsorted rows,
  firms of several rows, text and integer firm ids, both pandas string dtypes);
* :func:`draw_respondents` against the algorithm it replaced (recreated here: the sorted
  ``str`` firm ids, the propensity reindexed by them, one uniform draw per id in that order),
  with random propensities indexed by text, by a string index and by non-text labels;
* the cell labels of the weighting (``_weighting``): ``_labels_of`` (once per distinct value)
  against ``_label`` of every element, ``_unit_cells`` (categorical codes, once per distinct
  combination) against a plain per-unit lookup and against ``_cell_index``, and
  :func:`weight_respondents` on categorical and on object-dtype copies of the same
  respondents;
* the ``(firm_id, year)`` uniqueness check of :func:`validate_survey` (integer codes) against
  pandas' ``duplicated``; ``AttrsDict`` (a shallow deep copy) against a dict's deep copy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nldtib_forecast.data import (
    CATEGORIES,
    draw_respondents,
    draw_sample,
    synthetic_survey,
)
from nldtib_forecast.data import _synthetic as synthetic
from nldtib_forecast.data import _weighting as weighting
from nldtib_forecast.survey import frame_counts, weight_respondents

SIZES = list(CATEGORIES["size_class"])
SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def population():
    """The synthetic population (seed 0), built once for the module; do not change it."""
    return synthetic_survey(population=True)


def fractions_strategy():
    """Sampling fractions per size class: tiny (n_h = 2, or the whole stratum), 1, random."""
    return st.lists(st.sampled_from([1e-6, 0.05, 0.22, 0.5, 0.999, 1.0]), min_size=len(SIZES),
                    max_size=len(SIZES)).map(lambda fs: dict(zip(SIZES, fs, strict=True)))


def _general(pop: pd.DataFrame, fractions: dict, seed: int) -> pd.DataFrame:
    return synthetic._draw_sample_frame(pop, dict(fractions), np.random.default_rng(seed))


def _assert_same_sample(fast: pd.DataFrame, general: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(fast, general, check_exact=True)
    assert fast.attrs == general.attrs
    assert list(fast.attrs["population_firms"]) == list(general.attrs["population_firms"])


# ------------------------------------------------------------------------ draw_sample
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), fractions=fractions_strategy())
def test_draw_sample_fast_equals_general_on_the_synthetic_population(population, seed,
                                                                     fractions):
    assert synthetic._sample_frame(population, fractions) is not None  # the fast path
    _assert_same_sample(draw_sample(population, fractions, seed=seed),
                        _general(population, fractions, seed))


@st.composite
def small_populations(draw):
    """A small population frame in the schema: rows of the synthetic population with new
    firm ids (several rows per firm, rows unsorted), strata and size classes."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 60))
    n_firms = draw(st.integers(1, n))
    ids = draw(st.sampled_from(["text", "int", "mixed_width"]))
    firm = rng.integers(0, n_firms, n)
    if ids == "text":
        labels = np.array([f"F{i}" for i in range(n_firms)], dtype=object)
    elif ids == "mixed_width":  # sorts differently as text and as numbers; non-ASCII
        labels = np.array([f"{i * 7}é"[: 1 + i % 3] + str(i) for i in range(n_firms)],
                          dtype=object)
    else:
        labels = rng.permutation(n_firms * 3)[:n_firms] - n_firms
    strata = np.array(["b|x", "a|y", "a|x", "ä", "B", "z z"], dtype=object)
    n_strata = draw(st.integers(1, len(strata)))
    size = rng.choice(np.array(SIZES[: draw(st.integers(1, len(SIZES)))], dtype=object), n)
    return pd.DataFrame({
        "firm_id": pd.array(labels[firm], dtype=draw(st.sampled_from(["string", "str"])))
        if ids != "int" else labels[firm],
        "year": rng.integers(2019, 2026, n),
        "weight": 1.0,
        "stratum": pd.array(rng.choice(strata[:n_strata], n),
                            dtype=draw(st.sampled_from(["string", "str"]))),
        "size_class": pd.Categorical(size, categories=SIZES, ordered=True),
        "turnover_ds_eur": rng.normal(size=n),
    }, index=pd.Index(rng.permutation(n) + 10) if draw(st.booleans()) else None)


@SETTINGS
@given(pop=small_populations(), seed=st.integers(0, 2**32 - 1), fractions=fractions_strategy())
def test_draw_sample_fast_equals_general_on_random_populations(pop, seed, fractions):
    assert synthetic._sample_frame(pop, fractions) is not None  # the fast path
    _assert_same_sample(draw_sample(pop, fractions, seed=seed), _general(pop, fractions, seed))


# ------------------------------------------------------------------------ draw_respondents
def old_draw_respondents(population: pd.DataFrame, seed: int,
                         propensity: pd.Series) -> pd.DataFrame:
    """The algorithm :func:`draw_respondents` replaced."""
    ids = np.sort(population["firm_id"].astype(str).unique())
    probs = propensity.rename(index=str).reindex(ids).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    answered = set(ids[rng.random(ids.size) < probs])
    rows = population["firm_id"].map(str).isin(answered).to_numpy()
    return population[rows].drop(columns=["weight", "stratum"]).reset_index(drop=True)


def _propensity(rng: np.random.Generator, ids: np.ndarray, index_kind: str) -> pd.Series:
    """Random probabilities (0 and 1 included) per firm id, in random order, with a label
    that no firm has; indexed as ``index_kind`` says."""
    labels = np.concatenate([ids, ids[:1]])[rng.permutation(ids.size + 1)]
    probs = rng.choice([0.0, 1.0, 0.3, 0.5, 0.9], labels.size) * rng.random(labels.size) ** 0.1
    probs[labels == ids[0]] = 0.5  # the extra label: ids[0]'s (dropped below)
    series = pd.Series(probs, index=pd.Index(labels, dtype=object)).groupby(level=0).first()
    series = series.sample(frac=1.0, random_state=rng)
    if index_kind == "string":
        series.index = series.index.astype("string")
    elif index_kind == "extra":
        series = pd.concat([series, pd.Series([0.5], index=["not a firm"])])
    return series


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), index_kind=st.sampled_from(["object", "string", "extra"]))
def test_draw_respondents_equals_the_old_algorithm(population, seed, index_kind):
    rng = np.random.default_rng(seed)
    ids = population["firm_id"].unique().to_numpy(dtype=object)
    p = _propensity(rng, ids, index_kind)
    new = draw_respondents(population, seed=seed, propensity=p)
    pd.testing.assert_frame_equal(new, old_draw_respondents(population, seed, p),
                                  check_exact=True)


@SETTINGS
@given(pop=small_populations(), seed=st.integers(0, 2**32 - 1),
       index_kind=st.sampled_from(["object", "string", "extra", "labels"]))
def test_draw_respondents_equals_the_old_algorithm_on_random_populations(pop, seed,
                                                                          index_kind):
    rng = np.random.default_rng(seed)
    ids = pop["firm_id"].unique()
    if index_kind == "labels":  # non-text labels: their str() is the firm id
        ids = np.asarray(ids, dtype=object)
        pop = pop.assign(firm_id=pop["firm_id"].astype(str))
        p = _propensity(rng, ids, "object")
        p.index = pd.Index(list(p.index), dtype=object)
    else:
        p = _propensity(rng, np.asarray(ids, dtype=object).astype(str).astype(object),
                        index_kind)
    new = draw_respondents(pop, seed=seed, propensity=p)
    pd.testing.assert_frame_equal(new, old_draw_respondents(pop, seed, p), check_exact=True)


# ------------------------------------------------------------------------ cell labels
MIXED = [1, 1.0, 2.5, True, False, 0, "1", "1.0", "a", "", None, np.nan, -3, 1e20, 7.0,
         np.int64(4), np.float64(4.0), "é", pd.NA]


@st.composite
def label_columns(draw):
    """A column of cell labels of any of the dtypes a respondent file may have."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 30))
    kind = draw(st.sampled_from(["mixed", "text", "string", "str", "int", "float", "bool",
                                 "category", "category_string", "category_int", "Int64"]))
    texts = np.array(["a", "b", "1", "1.0", "nan", "é"], dtype=object)
    if kind == "mixed":
        values = np.empty(n, dtype=object)
        values[:] = [MIXED[i] for i in rng.integers(0, len(MIXED), n)]
        return pd.Series(values, dtype=object)
    if kind == "text":
        return pd.Series(rng.choice(texts, n), dtype=object)
    if kind in ("string", "str"):
        values = rng.choice(texts, n)
        values[rng.random(n) < 0.2] = None
        return pd.Series(values, dtype=kind)
    if kind == "int":
        return pd.Series(rng.integers(-2, 3, n))
    if kind == "float":
        return pd.Series(rng.choice([0.0, 1.0, 1.5, -2.0, np.nan, 1e16], n))
    if kind == "bool":
        return pd.Series(rng.random(n) < 0.5)
    if kind == "Int64":
        return pd.Series(pd.array(rng.integers(0, 3, n), dtype="Int64")).where(
            rng.random(n) < 0.8)
    categories = {"category": pd.Index(["b", "a", "1", "nan"], dtype=object),
                  "category_string": pd.Index(["b", "a", "1"], dtype="string"),
                  "category_int": pd.Index([3, 1, 2])}[kind]
    codes = rng.integers(-1, len(categories), n)  # -1: missing
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


@settings(max_examples=40, deadline=None)
@given(label_columns())
def test_labels_of_equals_label_of_every_element(column):
    values = column.to_numpy(dtype=object)
    if isinstance(column.dtype, pd.CategoricalDtype):  # Series.map: a missing value is nan
        values = np.where(column.isna().to_numpy(), np.nan, values)
    expected = [weighting._label(v) for v in values]
    got = weighting._labels_of(column)
    assert got.dtype == object and len(got) == len(column)
    assert list(got) == expected


@st.composite
def frames_and_cells(draw):
    """A respondent frame (firm-years) with two ``by`` columns, and a table of cells (text
    labels) that has some of the frame's cells and others."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a, b = draw(label_columns()), draw(label_columns())
    n = min(len(a), len(b))
    frame = pd.DataFrame({"a": a.iloc[:n].to_numpy(), "b": b.iloc[:n].to_numpy()})
    for name, col in (("a", a), ("b", b)):
        if isinstance(col.dtype, (pd.CategoricalDtype, pd.StringDtype)) or col.dtype == "Int64":
            frame[name] = col.iloc[:n].reset_index(drop=True).astype(col.dtype)
    frame["firm_id"] = rng.integers(0, max(1, n // 2 + 1), n).astype(str)
    frame["year"] = rng.integers(2019, 2026, n)
    units, last = weighting._firm_units(frame, "firm_id")
    labels = weighting._firm_cells(frame, ["a", "b"], "firm_id")[2]
    present = sorted({(weighting._label(x), weighting._label(y))
                      for x, y in labels.itertuples(index=False)})
    pool = present + [("a", "b"), ("1", "1"), ("nan", "nan"), ("<NA>", "<NA>"), ("zz", "0")]
    keep = [c for c in pool if rng.random() < 0.7]
    if draw(st.booleans()) and keep:  # a duplicated cell: the path of _cell_index
        keep.append(keep[0])
    keep = [keep[i] for i in rng.permutation(len(keep))]
    cells = pd.DataFrame(keep, columns=["a", "b"], dtype=object).astype(object)
    return frame, last, labels, cells


@settings(max_examples=40, deadline=None)
@given(frames_and_cells())
def test_unit_cells_equals_per_unit_lookup(case):
    frame, last, labels, cells = case
    by = ["a", "b"]
    if cells.duplicated().any():  # both raise, as the MultiIndex always did
        for f, arg in ((weighting._cell_index, labels), (weighting._unit_cells, frame)):
            with pytest.raises(pd.errors.InvalidIndexError):
                f(arg, cells, by) if f is weighting._cell_index else f(frame, by, last, cells)
        return
    expected = weighting._cell_index(labels, cells, by)
    got = weighting._unit_cells(frame, by, last, cells)
    np.testing.assert_array_equal(got, expected)
    lookup = {k: i for i, k in enumerate(cells.itertuples(index=False, name=None))}
    if len(lookup) == len(cells):  # plain: label the unit's row of every column, look it up
        plain = [lookup.get(tuple(weighting._label(v) for v in row), -1)
                 for row in labels.itertuples(index=False, name=None)]
        np.testing.assert_array_equal(got, plain)


@pytest.fixture(scope="module")
def respondents(population):
    """Respondents (seed 2) and the frame counts by size class and NLD area."""
    by = ["size_class", "nld_area"]
    return draw_respondents(population, seed=2), frame_counts(population, by), by


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["cells", "propensity"]))
def test_weight_respondents_categorical_equals_object(respondents, seed, method):
    resp, counts, by = respondents
    rng = np.random.default_rng(seed)
    firms = resp["firm_id"].unique()
    drop = set(rng.choice(firms, size=len(firms) // 10, replace=False))
    sub = resp[~resp["firm_id"].isin(drop)].sample(frac=1.0, random_state=rng)
    as_object = sub.assign(**{b: sub[b].astype(object) for b in by})
    kw = dict(method=method, min_respondents=int(rng.integers(2, 12)), validate=False)
    a = weight_respondents(sub, counts, by, **kw)
    b = weight_respondents(as_object, counts, by, **kw)
    pd.testing.assert_frame_equal(a.drop(columns=by), b.drop(columns=by), check_exact=True)
    assert dict(a.attrs["weighting"]) == dict(b.attrs["weighting"])
    assert a.attrs["population_firms"] == b.attrs["population_firms"]


@pytest.mark.parametrize("codes", [[-1], [-1, 0], [0, -1, 1]])
def test_unit_cells_of_a_missing_text_category(codes):
    """A missing value of a categorical column with text categories gets the label the
    reference gives it (pandas hands it out as ``<NA>`` or ``nan`` depending on the other
    values; the fast path used to say ``nan`` always)."""
    column = pd.Categorical.from_codes(codes, categories=pd.Index(["b", "a"], dtype="string"))
    frame = pd.DataFrame({"k": column, "firm_id": [str(i) for i in range(len(codes))],
                          "year": 2024})
    cells = pd.DataFrame({"k": ["<NA>", "nan", "a", "b"]}, dtype=object)
    _units, last = weighting._firm_units(frame, "firm_id")
    reference = weighting._cell_index(weighting._firm_cells(frame, ["k"], "firm_id")[2],
                                      cells, ["k"])
    assert weighting._unit_cells(frame, ["k"], last, cells).tolist() == reference.tolist()


@settings(max_examples=60, deadline=None)
@given(firms=st.lists(st.sampled_from(["F1", "F2", " F3", None, np.nan]), min_size=1,
                      max_size=30),
       years=st.lists(st.sampled_from([2023.0, 2024.0, 2025.0, np.nan]), min_size=30,
                      max_size=30))
def test_duplicate_keys_equal_pandas_duplicated(firms, years):
    """validate_survey's (firm_id, year) check, from integer codes, flags exactly the rows
    pandas' ``duplicated(keep=False)`` flags among pairs without a missing part."""
    from nldtib_forecast.data import _validate as validate

    checked = {"firm_id": np.array(firms, dtype=object),
               "year": np.array(years[:len(firms)], dtype=float)}
    keys = pd.DataFrame(checked)
    expected = (keys.duplicated(keep=False).to_numpy(dtype=bool)
                & keys.notna().all(axis=1).to_numpy(dtype=bool))
    chk = validate._Checker(pd.RangeIndex(len(firms)))
    validate._check_unique_keys(checked, chk)
    positions = np.flatnonzero(expected)
    if not positions.size:
        assert chk.problems == []
        return
    (problem,) = chk.problems
    assert problem.column == "firm_id" and problem.n_rows == positions.size
    assert problem.rows == tuple(positions[:len(problem.rows)].tolist())
    assert len(problem.rows) == min(positions.size, validate._MAX_ROWS)


def test_attrs_dict_deep_copies_like_a_dict():
    """``AttrsDict`` (the dicts of plain values in a survey's ``attrs``): a deep copy is an
    independent dict of the same values, cheaper than a dict's; a value that is not a plain
    scalar is deep-copied as usual; pickles and compares as a dict."""
    import copy
    import pickle

    from nldtib_forecast.data._weighting import AttrsDict

    plain = AttrsDict({"a": 1, "b": 2.5, 2025: np.float64(0.1), "c": "x", "d": None})
    deep = copy.deepcopy(plain)
    assert deep == plain == dict(plain) and deep is not plain
    assert type(deep) is AttrsDict
    deep["a"] = 99
    assert plain["a"] == 1
    nested = AttrsDict({"list": [1, 2]})
    other = copy.deepcopy(nested)
    other["list"].append(3)
    assert nested["list"] == [1, 2]
    assert pickle.loads(pickle.dumps(plain)) == plain
    assert repr(plain) == repr(dict(plain))
    survey = synthetic_survey(seed=0)
    column = survey["weight"]  # pandas deep-copies attrs into the column
    assert column.attrs["population_firms"] == survey.attrs["population_firms"]
    assert column.attrs["population_firms"] is not survey.attrs["population_firms"]
