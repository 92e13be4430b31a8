"""The fast paths of the survey functions against their reference paths.

Several functions compute with integer codes and numpy (the fast path) and keep a pandas
computation (the reference path) for unusual inputs, promising that both give bit-identical
results. These property tests hold the paths to that promise, so that neither rots:

* disclosure control (``_disclosure``): :func:`_primary_fired` (numpy; None when a sum lies
  within ``_NEAR`` of a rule's threshold) against :func:`_primary_fired_reference` (pandas
  group sums); and :func:`cell_status` and :func:`tabulate` as a whole with the fast path and
  with the reference path forced (``_primary_fired`` patched to decline), on random tables
  with ties, zero and negative contributions, one or many contributors, several rows per
  contributor, and dominance and p% rules put at (or just off) a cell's exact threshold;
* :func:`cell_status` against its computation before the fast paths (cells grouped by pandas,
  the frame built column by column), and its cells (``_cell_index``) against ``groupby`` for
  labels of every dtype;
* :func:`tabulate` against the pandas implementation it replaced (``_tabulate_reference``):
  random surveys (sums that depend on the summation algorithm, overflowing sums, missing
  contributor ids, several rows per contributor, rows sorted or not), tables of the
  synthetic survey, and surveys with duplicate labels (which take the reference path); its
  weighted sums (``_group_sums``) against the reference's pandas group sums, bit for bit;
* secondary suppression (``_suppression``): the block programme of ``_range_lp`` against the
  Kronecker product it replaced (same matrix entries in the same order, same bounds to the
  bit), the kept optima, the additive relations and the rectangles against their former
  (loop) implementations;
* the linearisation variance of :class:`SurveyDesign` (``_design``): computed without the
  weighting recipe's replicate re-weighting (what it does for any weighting other than the
  propensity method) and with it built first, on weighted and on calibrated respondents.
"""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
from nldtib_forecast._errors import Problem
from nldtib_forecast.data import draw_respondents, draw_sample, synthetic_survey
from nldtib_forecast.survey import (
    DisclosureRules,
    SurveyDesign,
    calibrate_weights,
    cell_status,
    frame_counts,
    tabulate,
    weight_respondents,
)
from nldtib_forecast.survey import _disclosure as disclosure
from nldtib_forecast.survey import _suppression as suppression
from nldtib_forecast.survey._suppression import TOTAL

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _declined(*args, **kwargs):
    """A ``_primary_fired`` that always defers to the reference path."""
    return None


def reference_path():
    """Patch the fast path of the primary rules away: every cell takes the reference."""
    return mock.patch.object(disclosure, "_primary_fired", _declined)


# ------------------------------------------------------------------------ random tables
KINDS = ("single", "ties", "small_int", "float", "dominant", "zeros", "many")


def _cell_values(kind: str, rng: np.random.Generator) -> np.ndarray:
    """The row contributions of one cell (signed: cell_status uses their absolute values)."""
    if kind == "single":
        return np.array([rng.choice([0.0, 1.0, 7.5, 3e9])])
    if kind == "ties":
        n = int(rng.integers(2, 7))
        return np.full(n, float(rng.choice([1.0, 0.1, 123.0]))) * rng.choice([-1, 1], n)
    if kind == "small_int":
        n = int(rng.integers(2, 13))
        return rng.integers(-5, 6, n).astype(float)
    if kind == "dominant":
        n = int(rng.integers(2, 12))
        small = rng.integers(0, 4, n).astype(float)
        small[: int(rng.integers(1, 3))] = rng.choice([20.0, 50.0, 1000.0])
        return small
    if kind == "zeros":
        return np.zeros(int(rng.integers(1, 5)))
    n = int(rng.integers(2, 15)) if kind == "float" else int(rng.integers(20, 60))
    scale = 10.0 ** rng.integers(-3, 10)
    return rng.lognormal(0.0, 1.5, n) * scale * rng.choice([-1, 1], n)


def _per_firm(cell: np.ndarray, firm: np.ndarray, x: np.ndarray) -> dict:
    """Exact (fsum) per-contributor sums of the absolute contributions, per cell."""
    parts: dict = {}
    for c, f, v in zip(cell.tolist(), firm.tolist(), x.tolist(), strict=True):
        parts.setdefault(c, {}).setdefault(f, []).append(abs(v))
    return {c: sorted((math.fsum(v) for v in firms.values()), reverse=True)
            for c, firms in parts.items()}


def _top(values: list, m: int) -> float:
    return math.fsum(values[:m])


@st.composite
def tables(draw):
    """Keyword arguments of :func:`cell_status` (and the per-cell sums, for the checks)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_cells = draw(st.integers(1, 5))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n_cells, max_size=n_cells))
    values = [_cell_values(k, rng) for k in kinds]
    x = np.concatenate(values)
    cell = np.repeat(np.arange(n_cells), [v.size for v in values])
    magnitude = draw(st.booleans()) or draw(st.booleans())
    with_firm = draw(st.booleans())
    # a small pool of contributor ids shared by the cells: several rows per contributor
    firm = rng.integers(0, max(2, x.size // 2), x.size) if with_firm else np.arange(x.size)
    weighted = draw(st.booleans())
    w = rng.choice([1.0, 2.5, 7.0, 0.3], x.size)
    order = rng.permutation(x.size)  # rows in random order
    x, cell, firm, w = x[order], cell[order], firm[order], w[order]
    index = pd.RangeIndex(x.size) if draw(st.booleans()) else pd.Index(rng.permutation(x.size))
    labels = np.array(["b", "a", "c", "e", "d"], dtype=object)[cell]
    if draw(st.booleans()):  # two cell variables
        cells = pd.DataFrame({"row": labels, "col": np.where(cell % 2 == 0, "u", "v")},
                             index=index)
    elif draw(st.booleans()):
        cells = pd.Series(pd.Categorical(labels, categories=list("edcbaz")), index=index,
                          name="cell")
    else:
        cells = pd.Series(labels, index=index, name="cell")
    sums = _per_firm(cell, firm, x * w if weighted else x)
    rules = _rules(draw, sums, magnitude, weighted)
    return dict(contributions=pd.Series(x, index=index), cells=cells, rules=rules,
                firm=pd.Series(firm, index=index) if with_firm else None,
                magnitude=magnitude, weight=pd.Series(w, index=index)), sums


#: Relative shifts of a rule parameter from a cell's exact threshold: on it, inside the band
#: where the fast path defers (``_NEAR``), and just outside.
SHIFTS = (0.0, 0.0, 1e-13, -1e-13, 1e-10, -1e-10, 1e-8, -1e-8, 1e-3, -1e-3)


def _rules(draw, sums: dict, magnitude: bool, weighted: bool) -> DisclosureRules:
    """Random rules; some at a cell's exact dominance or p% threshold."""
    if not draw(st.integers(0, 9)):
        return DisclosureRules.off()
    positive = [v for v in sums.values() if v and v[0] > 0]
    min_frequency = draw(st.one_of(st.none(), st.integers(1, 12)))
    dominance = []
    for _ in range(draw(st.integers(0, 2))):
        m = draw(st.integers(1, 3))
        k = draw(st.sampled_from([0.5, 0.6, 0.75, 0.85, 0.9, 1.0]))
        if positive and draw(st.booleans()):  # at the threshold of one cell
            v = draw(st.sampled_from(positive))
            k = _top(v, m) / math.fsum(v) * (1.0 + draw(st.sampled_from(SHIFTS)))
        dominance.append((m, min(max(k, 1e-6), 1.0)))
    p = draw(st.one_of(st.none(), st.sampled_from([0.05, 0.1, 0.25])))
    if p is not None and positive and draw(st.booleans()):
        v = draw(st.sampled_from(positive))
        rest = math.fsum(v) - _top(v, 2)
        p = rest / v[0] * (1.0 + draw(st.sampled_from(SHIFTS)))
        if not 0 < p < 1:
            p = 0.1
    if min_frequency is None and not dominance and p is None:
        min_frequency = 3
    return DisclosureRules(min_frequency=min_frequency, dominance=tuple(dominance),
                           p_percent=p, apply_to_weighted=weighted)


def _near_thresholds(sums: dict, rules: DisclosureRules, magnitude: bool) -> list[float]:
    """Per cell and rule, the distance of the cell's sum from the rule's threshold, relative
    to the cell total (from exact per-cell sums)."""
    if not (rules.enabled and magnitude):
        return []
    eps = disclosure._EPS
    out = []
    for v in sums.values():
        tot = math.fsum(v)
        if tot <= 0:
            continue
        for m, k in rules.dominance:
            out.append(abs(_top(v, m) - (k * tot + eps * tot)) / tot)
        if rules.p_percent is not None:
            rest = tot - _top(v, 2)
            out.append(abs(rest - (rules.p_percent * v[0] - eps * tot)) / tot)
    return out


def _both_paths(kwargs: dict):
    work = disclosure._contributions(kwargs["contributions"], kwargs["cells"],
                                     kwargs["rules"], kwargs["firm"], kwargs["magnitude"],
                                     kwargs["weight"])
    index, cell = disclosure._cell_index(work)
    fast = disclosure._primary_fired(cell, len(index), work.x, work.firm, kwargs["rules"],
                                     kwargs["magnitude"])
    keys = [f"_c{i}" for i in range(len(work.names))]
    reference = disclosure._primary_fired_reference(disclosure._work_frame(work), keys, index,
                                                    kwargs["rules"], kwargs["magnitude"])
    return fast, reference


def original_cell_status(contributions, cells, rules, firm, magnitude, weight):
    """:func:`cell_status` as it was computed before its fast paths: the cells grouped by
    pandas, the rules by the reference path, the frame built column by column."""
    rules = disclosure._check_rules(rules)
    work = disclosure._contributions(contributions, cells, rules, firm, magnitude, weight)
    frame = disclosure._work_frame(work)
    keys = [f"_c{i}" for i in range(len(work.names))]
    index = frame.groupby(keys, observed=True, sort=True).size().index
    n, fired = disclosure._primary_fired_reference(frame, keys, index, rules, magnitude)
    labels = rules.labels()
    rule_text = ["; ".join(lab for lab, f in zip(labels, col, strict=True) if f)
                 for col in (zip(*fired, strict=True) if fired else [()] * len(index))]
    if rules.enabled:
        status = np.where([bool(r) for r in rule_text], "primary", "publish")
    else:
        status = np.full(len(index), "unprotected")
    out = pd.DataFrame({"n_contributors": n, "status": status.astype(object),
                        "rule": pd.Series(rule_text, dtype=object).to_numpy()}, index=index)
    out.index.names = work.names
    out["status"] = out["status"].astype(str)
    out["rule"] = out["rule"].astype(str)
    return out


def assert_identical_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """The same values, dtypes, index (type, dtype, names, levels) and attrs."""
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True,
                                  check_column_type=True, check_categorical=True)
    assert type(a.index) is type(b.index) and a.index.dtype == b.index.dtype
    assert list(a.index.names) == list(b.index.names)
    if isinstance(a.index, pd.MultiIndex):
        for x, y in zip(a.index.levels, b.index.levels, strict=True):
            assert x.equals(y) and x.dtype == y.dtype
    assert list(a.dtypes) == list(b.dtypes)
    assert a.attrs == b.attrs


# ------------------------------------------------------------------------ primary rules
@SETTINGS
@given(tables())
def test_primary_fired_fast_equals_reference(case):
    kwargs, sums = case
    fast, (n_ref, fired_ref) = _both_paths(kwargs)
    distance = _near_thresholds(sums, kwargs["rules"], kwargs["magnitude"])
    if any(d <= 0.5 * disclosure._NEAR for d in distance):
        assert fast is None, "the fast path decided a cell at a rule's threshold"
        return
    if all(d >= 2 * disclosure._NEAR for d in distance):
        assert fast is not None, "the fast path declined a cell far from every threshold"
    if fast is None:
        return
    n_fast, fired_fast = fast
    np.testing.assert_array_equal(n_fast, n_ref)
    assert n_fast.dtype == n_ref.dtype == np.int64
    assert len(fired_fast) == len(fired_ref) == len(kwargs["rules"].labels())
    for a, b in zip(fired_fast, fired_ref, strict=True):
        np.testing.assert_array_equal(a, b)


@SETTINGS
@given(tables())
def test_cell_status_fast_equals_reference(case):
    kwargs, _ = case
    fast = cell_status(**kwargs)
    with reference_path():
        reference = cell_status(**kwargs)
    pd.testing.assert_frame_equal(fast, reference, check_exact=True)
    assert_identical_frames(fast, original_cell_status(**kwargs))


#: Cells exactly at a rule's threshold (a cell at the threshold is safe: published).
AT_THRESHOLD = [
    # the largest exactly 85% of the total, under (1, 85%)
    ([85.0, 10.0, 5.0], None, DisclosureRules(min_frequency=None, dominance=((1, 0.85),))),
    # the two largest exactly 85%, one contributor's share split over two rows
    ([40.0, 5.0, 40.0, 10.0, 5.0], [1, 1, 2, 3, 4],
     DisclosureRules(min_frequency=2, dominance=((2, 0.85),))),
    # the rest exactly p% of the largest
    ([100.0, 50.0, 5.0, 5.0], None,
     DisclosureRules(min_frequency=None, dominance=(), p_percent=0.1)),
    # sums of decimal fractions, which the order of summation rounds differently
    ([0.1, 0.7, 0.1, 0.1], None, DisclosureRules(min_frequency=None, dominance=((1, 0.7),))),
    ([0.1] * 10 + [0.3, 0.2], None,
     DisclosureRules(min_frequency=None, dominance=((2, 0.5 / 1.5),))),
    ([0.3, 0.1, 0.2, 0.1], None,
     DisclosureRules(min_frequency=None, dominance=(), p_percent=0.2 / 0.3)),
]


@pytest.mark.parametrize(("values", "firm", "rules"), AT_THRESHOLD)
def test_cell_status_at_exact_threshold_takes_the_reference(values, firm, rules):
    x = pd.Series(values)
    cells = pd.Series("a", index=x.index, name="cell")
    f = None if firm is None else pd.Series(firm, index=x.index)
    kwargs = dict(contributions=x, cells=cells, rules=rules, firm=f, magnitude=True,
                  weight=None)
    fast, _ = _both_paths(kwargs)
    assert fast is None  # the fast path defers at the threshold
    with reference_path():
        reference = cell_status(**kwargs)
    pd.testing.assert_frame_equal(cell_status(**kwargs), reference, check_exact=True)
    assert reference.loc["a", "status"] == "publish"


# ------------------------------------------------------------------------ tabulate
@st.composite
def surveys(draw):
    """A small survey frame (firm-years) and the arguments of :func:`tabulate`.

    Besides ordinary values: values spread over many orders of magnitude (their sums depend
    on the order and the algorithm of summation), huge values whose sums overflow (figures
    that are not finite, margins that are not numbers), flaws (a missing contributor id, an
    infinite value); rows in random order or sorted by a classification (pandas sums the
    groups of sorted rows with another algorithm); a classification by integers."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_firms = draw(st.integers(2, 40))
    years = draw(st.sampled_from([[2024], [2023, 2024]]))
    firm = np.repeat(np.arange(n_firms), len(years))
    n = firm.size
    areas = np.array(["x", "y", "z", "w"], dtype=object)[:draw(st.integers(2, 4))]
    area = rng.choice(areas, n_firms)[firm]
    size = rng.choice(np.array(["s", "m", "l"], dtype=object), n_firms)[firm]
    band = rng.choice([3, 1, 2], n_firms)[firm]
    kind = draw(st.sampled_from(["float", "int", "bool", "signed", "wide", "huge"]))
    if kind == "bool":
        value = pd.array(rng.random(n) < 0.5, dtype="boolean")
    elif kind == "int":
        value = rng.integers(0, 4, n).astype(float)
    elif kind == "wide":
        value = rng.lognormal(0, 8, n) * rng.choice([-1, 1], n)
    elif kind == "huge":
        value = rng.uniform(0.2, 1.0, n) * 1e308 * rng.choice([-1, 1, 1], n)
    else:
        value = rng.lognormal(0, 2, n) * rng.choice([0.0, 1.0, 1.0, 1.0], n)
        if kind == "signed":
            value = value * rng.choice([-1, 1], n)
    firm_id = np.array([f"F{i:03d}" for i in range(n_firms)], dtype=object)[firm]
    flaw = draw(st.sampled_from([None] * 6 + ["firm", "value", "missing"]))
    if flaw == "firm":
        firm_id[rng.integers(0, n)] = None
    elif flaw in ("value", "missing") and kind != "bool":
        value = np.asarray(value, dtype=float).copy()
        value[rng.integers(0, n)] = np.inf if flaw == "value" else np.nan
    survey = pd.DataFrame({
        "firm_id": firm_id,
        "year": np.tile(years, n_firms),
        "weight": rng.choice([1.0, 2.0, 3.5, 10.0], n_firms)[firm],
        "area": area,
        "size": pd.Categorical(size, categories=["s", "m", "l"], ordered=True),
        "band": band,
        "value": value,
    })
    if draw(st.booleans()):  # some firms report in two rows (establishments) in a year
        split = survey.iloc[np.flatnonzero(rng.random(n) < 0.3)]
        if kind != "bool":
            split = split.assign(value=np.asarray(split["value"], dtype=float) * 0.25)
        survey = pd.concat([survey, split], ignore_index=True)
        n = len(survey)
    order = draw(st.sampled_from(["drawn", "shuffled", "area", "size"]))
    if order == "shuffled":
        survey = survey.iloc[rng.permutation(n)]
    elif order != "drawn":
        survey = survey.sort_values(order, kind="stable")
    by = draw(st.sampled_from(["area", "size", "band", ["area", "size"], ["size", "area"],
                               ["band", "area"]]))
    stat = draw(st.sampled_from(["total", "count", "mean"]))
    rules = draw(st.sampled_from([
        DisclosureRules(min_frequency=3),
        DisclosureRules(min_frequency=2, dominance=((1, 0.6), (2, 0.9)), p_percent=0.2),
        DisclosureRules(min_frequency=None, dominance=((1, 0.5),), apply_to_weighted=True),
    ]))
    return survey, dict(by=by, value=draw(st.sampled_from(["value", None])) if stat == "count"
                        else "value", stat=stat, rules=rules, margins=draw(st.booleans()),
                        year=draw(st.sampled_from([None, None, 2023, 2024, 2022])))


def _outcome(function, *args, **kwargs):
    """The table, or the type and message of the error (an InputError, or e.g. the
    ValueError of ``linprog`` for a table whose sums overflow)."""
    try:
        return function(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - the errors of both paths are compared
        return None, (type(exc).__name__, str(exc))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflowing sums
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surveys())
def test_tabulate_fast_equals_reference(case):
    """The same table, or the same error (a table secondary suppression cannot protect is an
    InputError on both paths)."""
    survey, kwargs = case
    fast, fast_error = _outcome(tabulate, survey, **kwargs)
    with reference_path():
        reference, reference_error = _outcome(tabulate, survey, **kwargs)
    assert fast_error == reference_error
    if fast_error is None:
        pd.testing.assert_frame_equal(fast, reference, check_exact=True)
        assert fast.attrs == reference.attrs


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # overflowing sums
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surveys(), st.booleans())
def test_tabulate_equals_its_reference_implementation(case, protect):
    """:func:`tabulate` (cells on integer codes, one group sum per grouping, the secondary
    suppression on arrays) gives the table of the pandas implementation it replaced
    (:func:`_tabulate_reference`), to the last bit, with the same dtypes and index; or the
    same error."""
    survey, kwargs = case
    new, new_error = _outcome(tabulate, survey, protect=protect, **kwargs)
    reference, reference_error = _outcome(
        disclosure._tabulate_reference, survey, kwargs["by"], kwargs["value"], kwargs["year"],
        kwargs["stat"], kwargs["rules"], protect, kwargs["margins"], {})
    assert new_error == reference_error
    if new_error is None:
        assert_identical_frames(new, reference)


#: Tables of the synthetic survey: a proportion (firms with and without the property,
#: "without the property" rules), a mean with an empty cell (not available), counts under
#: all the rules, totals without margins and unprotected; by variables of 8, 6 and 4 labels.
SYNTHETIC = [
    (["size_class", "domain"], "financing_challenge", "mean", None, True, True),
    (["nld_area", "domain"], "fte_ds", "mean", None, True, True),
    ("nld_area", None, "count",
     DisclosureRules(min_frequency=3, dominance=((1, 0.5),), p_percent=0.2), True, True),
    (["domain", "nld_area"], "turnover_ds_eur", "total",
     DisclosureRules(min_frequency=5, apply_to_weighted=True), True, False),
    ("size_class", "turnover_ds_eur", "mean", None, False, True),
]


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_survey(seed=0, population=False)


@pytest.mark.parametrize(("by", "value", "stat", "rules", "protect", "margins"), SYNTHETIC)
def test_tabulate_of_the_synthetic_survey_equals_the_reference(synthetic, by, value, stat,
                                                               rules, protect, margins):
    new = tabulate(synthetic, by, value, stat=stat, rules=rules, protect=protect,
                   margins=margins)
    reference = disclosure._tabulate_reference(synthetic, by, value, None, stat, rules,
                                               protect, margins, {})
    assert_identical_frames(new, reference)


@pytest.mark.parametrize("flaw", ["index", "columns"])
def test_tabulate_of_a_survey_with_duplicate_labels_takes_the_reference(flaw):
    """Duplicate row labels (the reference looks rows up by label) or column labels: the
    reference path's table, or its error."""
    rng = np.random.default_rng(3)
    survey = pd.DataFrame({"firm_id": [f"F{i}" for i in range(30)], "year": 2024,
                           "weight": rng.choice([1.0, 2.0], 30),
                           "area": rng.choice(list("xyz"), 30),
                           "flag": pd.array(rng.random(30) < 0.5, dtype="boolean")},
                          index=np.arange(30) // 2 if flaw == "index" else None)
    if flaw == "columns":
        survey.columns = ["firm_id", "year", "weight", "area", "area"]
    value = "flag" if flaw == "index" else None
    stat = "total" if flaw == "index" else "count"
    rules = DisclosureRules(min_frequency=4)
    new, new_error = _outcome(tabulate, survey, "area", value, stat=stat, rules=rules)
    reference, reference_error = _outcome(disclosure._tabulate_reference, survey, "area",
                                          value, None, stat, rules, True, True, {})
    assert new_error == reference_error
    if new_error is None:
        assert_identical_frames(new, reference)


def test_tabulate_audits_with_the_tolerance_of_suppress_secondary():
    """A primary cell whose complementary cell is tiny: its interval (0.005 wide) is not
    exposed at the default tolerance (1e-6 of the largest published value, 1500), so no
    third cell is suppressed (a larger tolerance would suppress one)."""
    values = [1e-3] + [1e-3] * 4 + [100.0] * 5 + [200.0] * 5
    survey = pd.DataFrame({"firm_id": [f"F{i}" for i in range(15)], "year": 2024,
                           "weight": 1.0, "area": list("abbbbcccccddddd"), "v": values})
    rules = DisclosureRules(min_frequency=3, dominance=())
    new = tabulate(survey, "area", "v", rules=rules)
    assert new["status"].tolist() == ["primary", "secondary", "publish", "publish", "publish"]
    reference = disclosure._tabulate_reference(survey, "area", "v", None, "total", rules,
                                               True, True, {})
    assert_identical_frames(new, reference)


def test_tabulate_a_table_that_cannot_be_protected_fails_alike_on_both_paths():
    """Found by hypothesis: an 11-firm two-way table of counts of a flag, with margins, that
    secondary suppression cannot protect (every cell it may still suppress is suppressed)."""
    flag = [True, True, False, True, False, False, False, True, True, False, True]
    survey = pd.DataFrame({
        "firm_id": [f"F{i:03d}" for i in range(11)], "year": 2024,
        "weight": [1.0, 1.0, 1.0, 1.0, 3.5, 10.0, 3.5, 2.0, 3.5, 10.0, 2.0],
        "area": list("yxyyzzyxxzy"),
        "size": pd.Categorical(["l", "s", "s", "s", "m", "m", "l",
                                "m", "s", "s", "l"],
                               categories=["s", "m", "l"], ordered=True),
        "value": pd.array(flag, dtype="boolean")})
    kwargs = dict(by=["area", "size"], value="value", stat="total",
                  rules=DisclosureRules(min_frequency=3), margins=True)
    with pytest.raises(InputError, match="cannot protect the table") as fast:
        tabulate(survey, **kwargs)
    with reference_path(), pytest.raises(InputError) as reference:
        tabulate(survey, **kwargs)
    assert str(fast.value) == str(reference.value)


# ------------------------------------------------------------------------ cells and sums
LABELS = ("category", "ordered", "str", "string", "object", "int", "float", "bool", "mixed",
          "two", "two_categories", "category_and_str")


@st.composite
def cell_labels(draw):
    """Cell labels of many dtypes (as Series, or a frame of two variables)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 30))
    kind = draw(st.sampled_from(LABELS))
    code = rng.integers(0, draw(st.integers(1, 4)), n)
    words = np.array(["b", "a", "d", "c"], dtype=object)
    index = pd.Index(rng.permutation(n) + 10)
    if kind in ("category", "ordered"):
        values = pd.Categorical(words[code], categories=["z", "d", "c", "b", "a"],
                                ordered=kind == "ordered")
    elif kind in ("str", "string"):
        values = pd.array(words[code], dtype=kind)
    elif kind == "object":
        values = words[code]
    elif kind == "int":
        values = code * 7 - 3
    elif kind == "float":
        values = code * 0.5
    elif kind == "bool":
        values = code % 2 == 0
    elif kind == "mixed":
        values = np.array([1, "a", 2.5, "b"], dtype=object)[code]
    elif kind == "two":
        return pd.DataFrame({"row": words[code], "col": code % 2}, index=index)
    else:
        other = rng.integers(0, 3, n)
        row = pd.Categorical(words[code], categories=["z", "d", "c", "b", "a"])
        col = (pd.Categorical(other * 10, categories=[20, 0, 10, 30], ordered=True)
               if kind == "two_categories" else pd.array(words[other], dtype="str"))
        return pd.DataFrame({"row": row, ("col", 1): col}, index=index)
    return pd.Series(values, index=index, name="cell")


@settings(max_examples=30, deadline=None)
@given(cell_labels())
def test_cell_index_is_that_of_groupby(cells):
    """The cells of :func:`cell_status` are those ``DataFrame.groupby`` gives (index type,
    dtype, categories, names, order) and so are the rows' cells, whatever the labels' dtype
    (categorical and string labels take the shortcut of ``factorize``)."""
    work = disclosure._contributions(None, cells, DisclosureRules(), None, False, None)
    index, code = disclosure._cell_index(work)
    frame = disclosure._work_frame(work)
    keys = [f"_c{i}" for i in range(len(work.names))]
    grouped = frame.groupby(keys, observed=True, sort=True)
    expected = grouped.size().index
    pd.testing.assert_index_equal(index, expected, exact=True, check_exact=True,
                                  check_categorical=True, check_order=True)
    assert type(index) is type(expected) and index.dtype == expected.dtype
    assert list(index.names) == list(expected.names)
    if isinstance(expected, pd.MultiIndex):
        for level, expected_level in zip(index.levels, expected.levels, strict=True):
            pd.testing.assert_index_equal(level, expected_level, exact=True)
        for codes, expected_codes in zip(index.codes, expected.codes, strict=True):
            np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(code, grouped.ngroup().to_numpy())


@st.composite
def sums(draw):
    """Values spread over many orders of magnitude (and NaN, infinities) and their groups,
    in random order, sorted or sorted backwards."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 200))
    wx = rng.lognormal(0, draw(st.sampled_from([1.5, 6.0])), n) * 1e6
    if draw(st.booleans()):
        wx = wx * rng.choice([-1, 1], n)
    w = rng.lognormal(0, 1, n)
    special = draw(st.sampled_from([None, None, np.nan, np.inf, -np.inf]))
    if special is not None:
        wx[rng.integers(0, n, 2)] = special
    group = rng.integers(0, draw(st.integers(1, 6)), n) * 3 + 5
    order = draw(st.sampled_from(["random", "sorted", "backwards"]))
    if order == "sorted":
        group = np.sort(group)
    elif order == "backwards":
        group = np.sort(group)[::-1].copy()
    return wx, w, group


def _reference_sums(wx, w, group):
    """The group sums of the reference path: the groups numbered in order of first
    appearance, the frame grouped by that array."""
    code, uniques = pd.factorize(group)
    agg = pd.DataFrame({"num": wx, "den": w})
    out = agg.groupby(code, sort=False)[["num", "den"]].sum()
    return uniques[out.index.to_numpy()], out["num"].to_numpy(), out["den"].to_numpy()


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and np.array_equal(a.view(np.int64), b.view(np.int64))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # sums with infinities
@settings(max_examples=40, deadline=None)
@given(sums())
def test_group_sums_are_the_reference_group_sums(case):
    """The weighted sums of :func:`tabulate` are the reference's to the last bit: pandas sums
    the groups with a compensated sum, or a pairwise one when the groups' rows are sorted,
    so the grouping must be numbered as the reference numbers it."""
    wx, w, group = case
    at, num, den = disclosure._group_sums(wx, w, group)
    ref_at, ref_num, ref_den = _reference_sums(wx, w, group)
    np.testing.assert_array_equal(at, ref_at)
    assert _same_bits(num, ref_num) and _same_bits(den, ref_den)


def test_group_sums_depend_on_the_algorithm():
    """Values like those of ``sums`` tell summation algorithms apart, so sums that differ
    from the reference in the last bit would be seen: one group of 400 turnovers summed as
    the only group (sorted rows: pairwise), as one group among others (compensated), and
    naively (``numpy.bincount``) gives three different sums; ``_group_sums`` gives the
    reference's in both arrangements."""
    rng = np.random.default_rng(2)
    wx = rng.lognormal(0, 1.5, 400) * 1e6
    alone = np.zeros(400, dtype=np.int64)
    among = np.r_[0, alone + 1, 0]  # the group's rows between those of another group
    _, pairwise, _ = _reference_sums(wx, np.ones(400), alone)
    at, both, _ = _reference_sums(np.r_[1.0, wx, 1.0], np.ones(402), among)
    compensated = both[at == 1]
    naive = np.bincount(alone, weights=wx)
    assert not _same_bits(pairwise, compensated)
    assert not _same_bits(pairwise, naive) and not _same_bits(compensated, naive)
    assert _same_bits(disclosure._group_sums(wx, np.ones(400), alone)[1], pairwise)
    at, num, _ = disclosure._group_sums(np.r_[1.0, wx, 1.0], np.ones(402), among)
    assert _same_bits(num[at == 1], compensated)


# ------------------------------------------------------------------------ secondary suppression
def _kron_range_lp(objectives, a_eq, b_eq, nonnegative):
    """``_range_lp`` with the block programme built by ``scipy.sparse.kron`` (as it was)."""
    from scipy import sparse
    from scipy.optimize import linprog

    k, n = objectives.shape
    box = suppression._BOX * (1.0 + float(np.abs(b_eq).sum()))
    signs = np.repeat([1.0, -1.0], k)
    c = (signs[:, None] * np.vstack([objectives, objectives])).ravel()
    a = sparse.kron(sparse.identity(2 * k, format="csr"), sparse.csr_matrix(a_eq), format="csr")
    res = linprog(c, A_eq=a, b_eq=np.tile(b_eq, 2 * k),
                  bounds=(0.0 if nonnegative else -box, box), method="highs")
    if res.status != 0:
        return None
    x = res.x.reshape(2 * k, n)
    low = np.einsum("ij,ij->i", objectives, x[:k])
    high = np.einsum("ij,ij->i", objectives, x[k:])
    reach = suppression._UNBOUNDED * box
    return np.where(low <= -reach, -np.inf, low), np.where(high >= reach, np.inf, high)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 9), m=st.integers(1, 6),
       copies=st.integers(1, 6), nonnegative=st.booleans())
def test_block_programme_is_the_kronecker_programme(seed, n, m, copies, nonnegative):
    """The block-diagonal matrix has the entries of the Kronecker product in the same order
    (so ``linprog`` passes HiGHS the same programme), and the bounds are the same to the
    last bit."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    a_eq = rng.integers(-1, 2, size=(m, n)).astype(float) * rng.choice([1.0, 0.5, 3.0], (m, n))
    block = sparse.coo_array(suppression._block_diagonal(a_eq, copies), dtype=float, copy=True)
    kron = sparse.coo_array(sparse.kron(sparse.identity(copies, format="csr"),
                                        sparse.csr_matrix(a_eq), format="csr"),
                            dtype=float, copy=True)
    assert block.shape == kron.shape
    for x, y in ((block.row, kron.row), (block.col, kron.col), (block.data, kron.data)):
        np.testing.assert_array_equal(x, y)
    b_eq = a_eq @ rng.uniform(0.0, 1.0, n)
    objectives = np.eye(n)[rng.permutation(n)[:int(rng.integers(1, n + 1))]]
    new = suppression._range_lp(objectives, a_eq, b_eq, nonnegative)
    old = _kron_range_lp(objectives, a_eq, b_eq, nonnegative)
    assert (new is None) == (old is None)
    if new is not None:
        assert _same_bits(new[0], old[0]) and _same_bits(new[1], old[1])


def _original_relations(labels, two_d, row_codes, row_uniques, col_codes, col_uniques):
    """``_relations`` as it was (the cells of each label by ``flatnonzero``)."""
    relations = []
    if not two_d:
        total = [i for i, lab in enumerate(labels) if lab == TOTAL]
        if not total:
            raise InputError(f"table: margins=True but no {TOTAL!r} cell",
                             [Problem(TOTAL, "missing margin cell")])
        idx = np.arange(len(labels))
        relations.append((idx, np.where(idx == total[0], -1.0, 1.0)))
        return relations
    lab = np.asarray([f"{a!r}, {b!r}" for a, b in labels], dtype=object)
    problems = []
    for codes, uniques, other, other_uniques, kind in (
        (row_codes, row_uniques, col_codes, col_uniques, "row"),
        (col_codes, col_uniques, row_codes, row_uniques, "column"),
    ):
        other_total = other_uniques.get_indexer([TOTAL])[0]
        if other_total < 0:
            problems.append(Problem(TOTAL, f"margins=True but no {TOTAL!r} {kind} total"))
            continue
        for k, name in enumerate(uniques):
            idx = np.flatnonzero(codes == k)
            is_total = other[idx] == other_total
            if not is_total.any():
                problems.append(Problem(str(name), f"{kind} {name!r} has no {TOTAL!r} cell",
                                        tuple(lab[idx][:5]), len(idx)))
                continue
            relations.append((idx, np.where(is_total, -1.0, 1.0)))
    if problems:
        raise InputError("table: margins=True but the margins are incomplete", problems)
    return relations


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 4), cols=st.integers(1, 4),
       keep=st.floats(0.3, 1.0), nan_label=st.booleans())
def test_relations_are_the_original_relations(seed, rows, cols, keep, nan_label):
    """The additive relations of a two-way table (and the error when margins are missing),
    in the same order: the order decides the complementary cells and the programme."""
    rng = np.random.default_rng(seed)
    row_labels = [f"r{i}" for i in range(rows)] + [TOTAL]
    col_labels = [f"c{j}" for j in range(cols)] + [TOTAL]
    if nan_label:
        row_labels[0] = np.nan
    cells = [(r, c) for r in row_labels for c in col_labels if rng.random() < keep]
    rng.shuffle(cells)
    if not cells:
        return
    keys = [[r for r, _ in cells], [c for _, c in cells]]
    row_codes, row_uniques = pd.factorize(pd.Index(keys[0], dtype=object))
    col_codes, col_uniques = pd.factorize(pd.Index(keys[1], dtype=object))
    totals = (row_uniques.get_indexer([TOTAL])[0], col_uniques.get_indexer([TOTAL])[0])
    new, new_error = _outcome(suppression._relations, cells, True, row_codes, row_uniques,
                              col_codes, col_uniques, totals)
    old, old_error = _outcome(_original_relations, cells, True, row_codes, row_uniques,
                              col_codes, col_uniques)
    assert new_error == old_error
    if new_error is None:
        assert len(new) == len(old)
        for (idx, coef), (idx_old, coef_old) in zip(new, old, strict=True):
            np.testing.assert_array_equal(idx, idx_old)
            np.testing.assert_array_equal(coef, coef_old)


@st.composite
def two_way_tables(draw):
    """A parsed two-way table with margins: values with ties, zeros or signs, some cells
    absent (structural zeros), some primary (their values unknown), some locked."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_r, n_c = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["ties", "spread", "signed"]))
    if kind == "ties":
        interior = rng.choice([0.0, 1.0, 2.0, 5.0], (n_r, n_c))
    else:
        interior = rng.lognormal(0, 2, (n_r, n_c)) * (rng.choice([-1, 1], (n_r, n_c))
                                                      if kind == "signed" else 1.0)
    present = rng.random((n_r, n_c)) < 0.85
    interior = np.where(present, interior, 0.0)
    full = np.zeros((n_r + 1, n_c + 1))
    full[:n_r, :n_c] = interior
    full[:n_r, n_c] = interior.sum(axis=1)
    full[n_r, :n_c] = interior.sum(axis=0)
    full[n_r, n_c] = interior.sum()
    rows = [f"r{i}" for i in range(n_r)] + [TOTAL]
    cols = [f"c{j}" for j in range(n_c)] + [TOTAL]
    records = []
    for i in range(n_r + 1):
        for j in range(n_c + 1):
            if i < n_r and j < n_c and not present[i, j]:
                continue
            primary = i < n_r and j < n_c and rng.random() < 0.25
            records.append({"row": rows[i], "col": cols[j],
                            "value": np.nan if primary and rng.random() < 0.3 else full[i, j],
                            "status": "primary" if primary else "publish",
                            "locked": bool(rng.random() < 0.15)})
    order = rng.permutation(len(records))
    table = pd.DataFrame.from_records([records[k] for k in order])
    return suppression._parse(table, "value", "status", "row", "col", True, None, "locked")


@settings(max_examples=40, deadline=None)
@given(two_way_tables())
def test_rectangles_are_those_of_the_loop(t):
    """The rectangles chosen from arrays (exact keys for the near-cheapest) are those of the
    loop over every (row, column) pair."""
    vectorised, looped = t.suppressed.copy(), t.suppressed.copy()
    suppression._rectangles(t, vectorised)
    suppression._rectangles_loop(t, looped)
    np.testing.assert_array_equal(vectorised, looped)


def test_range_lp_keeps_its_optima_and_returns_copies():
    """A programme solved again is taken from the kept optima: the same bits, and arrays the
    caller may change."""
    a_eq = np.array([[1.0, 1.0, 1.0, -1.0]])
    b_eq = np.array([0.0])
    objectives = np.eye(4)[:3]
    first = suppression._range_lp(objectives, a_eq, b_eq, True)
    fresh = suppression._solve_range_lp(objectives, a_eq, b_eq, True)
    first[0][:] = -1.0
    again = suppression._range_lp(objectives, a_eq, b_eq, True)
    assert _same_bits(again[0], fresh[0]) and _same_bits(again[1], fresh[1])
    view = np.asfortranarray(np.eye(4)[:3])  # not C-contiguous: solved, not kept
    solved = suppression._range_lp(view, a_eq, b_eq, True)
    assert _same_bits(solved[0], fresh[0]) and _same_bits(solved[1], fresh[1])


# ------------------------------------------------------------------------ linearisation
@pytest.fixture(scope="module")
def weighted():
    """Respondents of the synthetic population (seed 3) weighted by cells, and calibrated."""
    pop = synthetic_survey(population=True)
    by = ["size_class", "nld_area"]
    resp = draw_respondents(pop, seed=3)
    cells = weight_respondents(resp, frame_counts(pop, by), by, method="cells",
                               validate=False)
    last = pop.loc[pop["year"] == 2025]
    margins = {"domain": last.groupby("domain", observed=True).size()}
    calibrated = calibrate_weights(cells, margins, year=2025).design().data
    return {"cells": cells, "calibrated": calibrated,
            "sample": draw_sample(pop, seed=3)}


@pytest.mark.parametrize("which", ["cells", "calibrated", "sample"])
@settings(max_examples=2, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**16), k=st.integers(1, 3))
def test_linearisation_without_the_recipe_equals_with_it(weighted, which, seed, k):
    data = weighted[which]
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(len(data), k)) * rng.choice([0.0, 1.0, 1e6], (len(data), k))
    values[:, 0] = data["turnover_ds_eur"].fillna(0.0).to_numpy()
    without = SurveyDesign(data, validate=False)
    assert without._replicate_cache.get("steps") is None
    v_without = without._total_variance(values)
    assert without._replicate_cache.get("steps") is None  # the recipe was not re-run
    built = SurveyDesign(data, validate=False)
    reweight = built._reweighters()[0]
    if which != "sample":
        assert reweight is not None  # the recipe is valid: the linearisation could use it
    np.testing.assert_array_equal(v_without, built._total_variance(values))
