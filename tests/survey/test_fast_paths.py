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
    work, names = disclosure._contributions(kwargs["contributions"], kwargs["cells"],
                                            kwargs["rules"], kwargs["firm"],
                                            kwargs["magnitude"], kwargs["weight"])
    keys = [f"_c{i}" for i in range(len(names))]
    grouped = work.groupby(keys, observed=True, sort=True)
    index = grouped.size().index
    fast = disclosure._primary_fired(work, grouped.ngroup().to_numpy(dtype=np.int64),
                                     len(index), kwargs["rules"], kwargs["magnitude"])
    reference = disclosure._primary_fired_reference(work, keys, index, kwargs["rules"],
                                                    kwargs["magnitude"])
    return fast, reference


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
    """A small survey frame (firm-years) and the arguments of :func:`tabulate`."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_firms = draw(st.integers(2, 40))
    years = draw(st.sampled_from([[2024], [2023, 2024]]))
    firm = np.repeat(np.arange(n_firms), len(years))
    n = firm.size
    area = rng.choice(np.array(["x", "y", "z"], dtype=object), n_firms)[firm]
    size = rng.choice(np.array(["s", "m", "l"], dtype=object), n_firms)[firm]
    kind = draw(st.sampled_from(["float", "int", "bool", "signed"]))
    if kind == "bool":
        value = pd.array(rng.random(n) < 0.5, dtype="boolean")
    elif kind == "int":
        value = rng.integers(0, 4, n).astype(float)
    else:
        value = rng.lognormal(0, 2, n) * rng.choice([0.0, 1.0, 1.0, 1.0], n)
        if kind == "signed":
            value = value * rng.choice([-1, 1], n)
    survey = pd.DataFrame({
        "firm_id": np.array([f"F{i:03d}" for i in range(n_firms)], dtype=object)[firm],
        "year": np.tile(years, n_firms),
        "weight": rng.choice([1.0, 2.0, 3.5, 10.0], n_firms)[firm],
        "area": area,
        "size": pd.Categorical(size, categories=["s", "m", "l"], ordered=True),
        "value": value,
    })
    by = draw(st.sampled_from(["area", "size", ["area", "size"], ["size", "area"]]))
    stat = draw(st.sampled_from(["total", "count", "mean"]))
    rules = draw(st.sampled_from([
        DisclosureRules(min_frequency=3),
        DisclosureRules(min_frequency=2, dominance=((1, 0.6), (2, 0.9)), p_percent=0.2),
        DisclosureRules(min_frequency=None, dominance=((1, 0.5),), apply_to_weighted=True),
    ]))
    return survey, dict(by=by, value=draw(st.sampled_from(["value", None])) if stat == "count"
                        else "value", stat=stat, rules=rules, margins=draw(st.booleans()))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surveys())
def test_tabulate_fast_equals_reference(case):
    """The same table, or the same error (a table secondary suppression cannot protect is an
    InputError on both paths)."""
    survey, kwargs = case

    def outcome():
        try:
            return tabulate(survey, **kwargs), None
        except InputError as exc:
            return None, str(exc)

    fast, fast_error = outcome()
    with reference_path():
        reference, reference_error = outcome()
    assert fast_error == reference_error
    if fast_error is None:
        pd.testing.assert_frame_equal(fast, reference, check_exact=True)
        assert fast.attrs == reference.attrs


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
