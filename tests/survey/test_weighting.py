"""Tests of non-response weighting (weight_respondents, frame_counts, weighting_report): weights
that add up to the frame counts, the collapsing rule, input errors, the propensity model,
variances (linearisation, bootstrap replicates that re-run the weighting and calibration) and
reference values from R's survey package (results/r_weighting_reference.R)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM

from nldtib_forecast import InputError
from nldtib_forecast.data import draw_respondents, synthetic_survey
from nldtib_forecast.data._schema import CATEGORIES
from nldtib_forecast.survey import (
    SurveyDesign,
    WeightingReport,
    calibrate_weights,
    frame_counts,
    survey_mean,
    survey_ratio,
    survey_total,
    weight_respondents,
    weighting_report,
)

matplotlib.use("Agg")

RESULTS = Path(__file__).parent / "results"
BY = ["size_class", "nld_area"]
SIZES = list(CATEGORIES["size_class"])
AREAS = list(CATEGORIES["nld_area"])


# -- fixtures: the synthetic frame (all years) and a set of its respondents -------------------
@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return synthetic_survey(seed=0, population=True)


@pytest.fixture(scope="module")
def respondents(population) -> pd.DataFrame:
    # firm-years of the firms that answer (seed 1: every NLD area has >= 10 respondents, as
    # the propensity method needs)
    return draw_respondents(population, seed=1)


@pytest.fixture(scope="module")
def counts(population) -> pd.DataFrame:
    return frame_counts(population, BY)


@pytest.fixture(scope="module")
def cells(respondents, counts) -> pd.DataFrame:
    return weight_respondents(respondents, counts, BY)


@pytest.fixture(scope="module")
def propensity(respondents, counts) -> pd.DataFrame:
    return weight_respondents(respondents, counts, BY, method="propensity")


@pytest.fixture(scope="module")
def pop2025(population) -> pd.DataFrame:
    return population[population["year"] == 2025]


def firm_rows(df: pd.DataFrame) -> pd.DataFrame:
    """One row per firm (weights and strata are equal on all of a firm's rows)."""
    return df.drop_duplicates("firm_id")


def cell_of_firm(frame: pd.DataFrame, by=BY) -> pd.DataFrame:
    """Each firm's cell: its row of the latest year (computed independently of the library)."""
    return (frame.sort_values("year", kind="stable").drop_duplicates("firm_id", keep="last")
            .set_index("firm_id")[by].astype(str))


def hand_frame(spec, by=("size_class", "region"), years=(2025,)):
    """Respondents and frame counts from ``spec``: rows ``(*labels, N, n)`` = a frame cell with
    ``N`` firms of which ``n`` respond. Respondents report ``years`` (one row each)."""
    by = list(by)
    rows, pop, k = [], [], 0
    for *labels, N, n in spec:
        pop.append({**dict(zip(by, labels, strict=True)), "count": N})
        for _ in range(n):
            for year in years:
                rows.append({"firm_id": f"f{k:04d}", "year": year,
                             **dict(zip(by, labels, strict=True)), "y": float(k % 7)})
            k += 1
    return pd.DataFrame(rows), pd.DataFrame(pop)


def weigh(resp, pop, by=("size_class", "region"), **kw):
    return weight_respondents(resp, pop, list(by), validate=False, **kw)


def merges(df) -> list[tuple]:
    m = weighting_report(df).merges
    return list(m[["merged", "into", "respondents", "variable", "reason"]]
                .itertuples(index=False, name=None))


def groups(df) -> dict[str, tuple[int, int]]:
    g = weighting_report(df).groups
    return {str(k): (int(r["count"]), int(r["respondents"])) for k, r in g.iterrows()}


# -- 1. weights add up to the frame counts ----------------------------------------------------
def test_frame_counts_count_each_firm_once(population, counts):
    expected = cell_of_firm(population).groupby(BY).size()
    got = counts.set_index(BY)["count"]
    assert got.sum() == population["firm_id"].nunique() == 1688
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(),
                                   check_names=False)
    # cells in the categories' order (size classes ascending)
    assert list(dict.fromkeys(counts["size_class"])) == [s for s in SIZES
                                                        if s in set(counts["size_class"])]


def test_cells_weights_add_up_to_group_counts(cells, respondents, counts, population):
    firms = firm_rows(cells)
    assert len(firms) == respondents["firm_id"].nunique()
    rep = weighting_report(cells)
    pop_firms = cells.attrs["population_firms"]
    # stratum = response group; population_firms = the groups' frame counts
    assert set(cells["stratum"]) == set(rep.groups.index) == set(pop_firms)
    assert pop_firms == rep.groups["count"].astype(int).to_dict()
    sums = firms.groupby("stratum")["weight"].sum()
    for g, N in pop_firms.items():
        assert sums[g] == pytest.approx(N, rel=1e-12)
    assert firms["weight"].sum() == pytest.approx(1688, rel=1e-12)
    # the groups' counts from the frame itself: every frame firm's cell -> its group
    group_of_cell = {tuple(r[BY]): r["group"] for _, r in rep.cells.iterrows()}
    frame_groups = cell_of_firm(population).apply(lambda r: group_of_cell[tuple(r)], axis=1)
    assert frame_groups.value_counts().to_dict() == pop_firms
    # weight = N_g / n_g
    n_g = firms.groupby("stratum").size()
    expect = firms["stratum"].map(lambda g: pop_firms[g] / n_g[g])
    np.testing.assert_allclose(firms["weight"], expect, rtol=1e-13)
    # each firm's years share its weight and group
    assert (cells.groupby("firm_id")[["weight", "stratum"]].nunique() == 1).all().all()
    assert cells.attrs["weighting"]["method"] == "cells"
    assert list(cells.attrs["weighting"]["by"]) == BY


def test_caller_data_not_modified(respondents, counts):
    resp, pop = respondents.copy(deep=True), counts.copy(deep=True)
    resp_attrs = dict(respondents.attrs)
    for method in ("cells", "propensity"):
        out = weight_respondents(respondents, counts, BY, method=method)
        assert out is not respondents
        pd.testing.assert_frame_equal(respondents, resp)
        pd.testing.assert_frame_equal(counts, pop)
        assert "weight" not in respondents.columns and dict(respondents.attrs) == resp_attrs
    # the same with validate=False and a frame that already has weights
    had = respondents.assign(weight=1.0, stratum="x")
    before = had.copy(deep=True)
    weight_respondents(had, counts, BY, validate=False)
    pd.testing.assert_frame_equal(had, before)


def test_population_as_series(respondents, counts, cells):
    series = counts.set_index(BY)["count"]
    out = weight_respondents(respondents, series, BY)
    np.testing.assert_array_equal(out["weight"].to_numpy(), cells["weight"].to_numpy())
    assert out.attrs["population_firms"] == cells.attrs["population_firms"]


def test_firm_classified_by_latest_year():
    resp = pd.DataFrame({"firm_id": ["a", "a", "b", "c", "d", "e"],
                         "year": [2025, 2024, 2025, 2025, 2025, 2025],
                         "size_class": ["25-100", "0-25", "0-25", "0-25", "25-100", "25-100"]})
    pop = pd.DataFrame({"size_class": ["0-25", "25-100"], "count": [4, 9]})
    out = weight_respondents(resp, pop, "size_class", validate=False, min_respondents=2)
    # firm a is in 25-100 (its 2025 row), on both rows: 25-100 has a, d, e -> 9 / 3
    assert out.loc[out["firm_id"] == "a", "weight"].tolist() == [3.0, 3.0]
    assert out.loc[out["firm_id"] == "a", "stratum"].tolist() == ["25-100", "25-100"]
    assert out.loc[out["firm_id"] == "b", "weight"].item() == 2.0


def test_propensity_weights_add_up_to_every_margin(propensity, counts, respondents):
    firms = firm_rows(propensity)
    for b in BY:
        target = counts.groupby(b)["count"].sum()
        got = firms.groupby(b, observed=True)["weight"].sum()
        np.testing.assert_allclose(got.reindex(target.index), target, rtol=1e-10)
    assert (propensity.groupby("firm_id")[["weight", "stratum"]].nunique() == 1).all().all()
    rep = weighting_report(propensity)
    pop_firms = propensity.attrs["population_firms"]
    assert set(propensity["stratum"]) == set(pop_firms) == set(rep.groups.index)
    assert pop_firms == rep.groups["count"].astype(int).to_dict()
    assert sum(pop_firms.values()) == 1688
    # at most n_classes (20) classes, merged to at least min_respondents (10) respondents
    assert len(pop_firms) <= 20 and (rep.groups["respondents"] >= 10).all()
    # the classes are intervals of the estimated propensity, in order
    c = rep.cells
    names = list(rep.groups.index)
    lo = [c.loc[c["group"] == g, "propensity"].min() for g in names]
    hi = [c.loc[c["group"] == g, "propensity"].max() for g in names]
    assert all(hi[k] <= lo[k + 1] for k in range(len(names) - 1))
    assert all(g.startswith(f"propensity {k + 1} (") for k, g in enumerate(names))
    # a firm's class is the class of its cell
    cell_class = c.set_index(BY)["group"]
    firm_cells = cell_of_firm(respondents)
    expected = cell_class.reindex(pd.MultiIndex.from_frame(firm_cells)).to_numpy()
    got = firms.set_index("firm_id").loc[firm_cells.index, "stratum"].astype(str).to_numpy()
    np.testing.assert_array_equal(got, expected)


# -- 2. the collapsing rule -------------------------------------------------------------------
def test_ordered_size_class_merges_only_with_adjacent_classes():
    # 2500+ (2 respondents, rate 0.2) has the same rate as 0-25 and 25-100 but only 500-2500
    # is adjacent
    resp, pop = hand_frame([("0-25", 100, 20), ("25-100", 50, 10), ("100-250", 40, 12),
                            ("250-500", 30, 15), ("500-2500", 30, 12), ("2500+", 10, 2)],
                           by=["size_class"])
    df = weigh(resp, pop, by=["size_class"])
    assert merges(df) == [("2500+", "500-2500", 2, "size_class", "neighbour")]
    assert groups(df)["500-2500 + 2500+"] == (40, 14)
    assert len(groups(df)) == 5


@pytest.mark.parametrize("spec, into", [
    # 25-100 (rate 0.3): 100-250 has rate 0.3, 0-25 rate 0.2
    ([("0-25", 100, 20), ("25-100", 10, 3), ("100-250", 40, 12), ("250-500", 30, 15)],
     "100-250"),
    # 0-25 rate 0.3, 100-250 rate 0.5
    ([("0-25", 100, 30), ("25-100", 10, 3), ("100-250", 24, 12), ("250-500", 30, 15)],
     "0-25"),
])
def test_closest_response_rate_among_neighbours(spec, into):
    resp, pop = hand_frame(spec, by=["size_class"])
    df = weigh(resp, pop, by=["size_class"])
    assert merges(df) == [("25-100", into, 3, "size_class", "neighbour")]


def test_last_by_variable_is_collapsed_first():
    spec = [("0-25", "north", 40, 12), ("0-25", "south", 60, 12),
            ("25-100", "north", 10, 3), ("25-100", "south", 80, 30),
            ("100-250", "north", 40, 12), ("100-250", "south", 40, 12)]
    # by size_class, region: (25-100, north) merges across region, although both size
    # neighbours have its response rate (0.3) and (25-100, south) has 0.375
    resp, pop = hand_frame(spec)
    df = weigh(resp, pop)
    assert merges(df) == [("25-100|north", "25-100|south", 3, "region", "neighbour")]
    assert groups(df)["25-100|north + 25-100|south"] == (90, 33)
    # by region, size_class: across size class; both size neighbours have rate 0.3 and 12
    # respondents: the first in cell order
    resp, pop = hand_frame([(r, s, N, n) for s, r, N, n in spec], by=["region", "size_class"])
    df = weigh(resp, pop, by=["region", "size_class"])
    assert merges(df) == [("north|25-100", "north|0-25", 3, "size_class", "neighbour")]


def test_tie_on_rate_goes_to_fewest_respondents():
    # both size neighbours of (25-100, north) have rate 0.3; 100-250 has fewer respondents
    spec = [("north", "0-25", 50, 15), ("north", "25-100", 10, 3),
            ("north", "100-250", 40, 12)]
    resp, pop = hand_frame(spec, by=["region", "size_class"])
    df = weigh(resp, pop, by=["region", "size_class"])
    assert merges(df) == [("north|25-100", "north|100-250", 3, "size_class", "neighbour")]


def test_cells_without_respondents_are_merged_and_counted():
    spec = [("0-25", "north", 40, 12), ("0-25", "south", 5, 0),
            ("25-100", "north", 40, 12), ("25-100", "south", 40, 12)]
    resp, pop = hand_frame(spec)
    df = weigh(resp, pop)
    assert merges(df) == [("0-25|south", "0-25|north", 0, "region", "neighbour")]
    assert groups(df)["0-25|north + 0-25|south"] == (45, 12)
    firms = firm_rows(df)
    assert firms["weight"].sum() == pytest.approx(125)
    assert df.loc[df["size_class"] == "0-25", "weight"].unique().tolist() == [45 / 12]
    rep = weighting_report(df)
    empty = rep.cells.set_index(["size_class", "region"]).loc[("0-25", "south")]
    assert empty["respondents"] == 0 and np.isnan(empty["weight"])
    assert empty["group"] == "0-25|north + 0-25|south"


def test_frame_cells_with_count_zero_are_dropped():
    resp, pop = hand_frame([("0-25", "north", 40, 12), ("25-100", "north", 30, 12),
                            ("0-25", "south", 0, 0)])
    df = weigh(resp, pop)
    assert merges(df) == []
    assert len(weighting_report(df).cells) == 2


def test_group_without_neighbour_merges_by_closest_response_rate():
    # (2500+, south) differs from every other cell in both variables; its rate 0.4 is
    # closest to (0-25, north) 0.45, not to the nearer size class 25-100 (0.2)
    spec = [("0-25", "north", 100, 45), ("25-100", "north", 100, 20),
            ("2500+", "south", 10, 4)]
    resp, pop = hand_frame(spec)
    df = weigh(resp, pop)
    assert merges(df) == [("2500+|south", "0-25|north", 4, None, "closest response rate")]


def test_neighbours_of_a_merged_group_are_those_of_all_its_cells():
    resp, pop = hand_frame([("0-25", 10, 3), ("25-100", 10, 3), ("100-250", 60, 30),
                            ("250-500", 60, 30)], by=["size_class"])
    df = weigh(resp, pop, by=["size_class"])
    # 0-25 and 25-100 tie on 3 respondents: the first in cell order merges (with 25-100, its
    # only neighbour); the merged group then reaches 100-250 through 25-100
    assert merges(df) == [("0-25", "25-100", 3, "size_class", "neighbour"),
                          ("0-25 + 25-100", "100-250", 6, "size_class", "neighbour")]
    assert groups(df) == {"0-25 + 25-100 + 100-250": (80, 36), "250-500": (60, 30)}


def test_numeric_by_variable_is_ordered():
    # bands 1, 2, 9, 10: 10 is adjacent to 9 only (numeric, not text, order)
    resp, pop = hand_frame([(1, 50, 10), (2, 50, 25), (9, 20, 10), (10, 10, 2)],
                           by=["band"])
    df = weigh(resp, pop, by=["band"])
    assert merges(df) == [("10", "9", 2, "band", "neighbour")]


def test_tie_between_merged_groups_first_in_cell_order():
    # rates a 0.1, b 0.333, c 0.15, d 0.45. Step 1: a (1 respondent) -> c (closest rate).
    # Then {a, c} and {b} both have 4 respondents; {a, c} comes first in cell order (a is the
    # first cell), merges with b (rate 0.333 closer than d's 0.45 to its 0.133) and the
    # group {a, b, c} reaches 8 >= min_respondents. (An earlier version took {b} first: the
    # group {a, c} carried c's position.)
    spec = [("0-25", "a", 10, 1), ("0-25", "b", 12, 4), ("0-25", "c", 20, 3),
            ("0-25", "d", 40, 18), ("25-100", "a", 40, 20), ("25-100", "b", 40, 20),
            ("25-100", "c", 40, 20), ("25-100", "d", 40, 20)]
    resp, pop = hand_frame(spec)
    df = weigh(resp, pop, min_respondents=8)
    assert merges(df)[1] == ("0-25|a + 0-25|c", "0-25|b", 4, "region", "neighbour")
    assert groups(df)["0-25|a + 0-25|b + 0-25|c"] == (42, 8)


def test_min_respondents(respondents, counts):
    sizes = {}
    for m in (2, 10, 30):
        df = weight_respondents(respondents, counts, BY, min_respondents=m)
        rep = weighting_report(df)
        assert (rep.groups["respondents"] >= m).all()
        assert rep.min_respondents == m
        assert len(rep.merges) == len(rep.cells) - len(rep.groups)
        sizes[m] = len(rep.groups)
    assert sizes[2] > sizes[10] > sizes[30]
    # fewer respondents than the minimum in all: one group
    resp, pop = hand_frame([("0-25", 10, 2), ("25-100", 10, 2), ("100-250", 10, 2)],
                           by=["size_class"])
    df = weigh(resp, pop, by=["size_class"])
    assert groups(df) == {"0-25 + 25-100 + 100-250": (30, 6)}
    assert df["weight"].unique().tolist() == [5.0]


# -- 3. input errors --------------------------------------------------------------------------
@pytest.fixture
def small():
    resp, pop = hand_frame([("0-25", "north", 10, 3), ("0-25", "south", 10, 3),
                            ("25-100", "north", 10, 3), ("25-100", "south", 10, 3)])
    resp.index = resp.index + 100  # row labels distinct from positions
    return resp, pop


def _error(resp, pop, by=("size_class", "region"), **kw) -> InputError:
    with pytest.raises(InputError) as info:
        weight_respondents(resp, pop, list(by), validate=False, **kw)
    return info.value


def test_error_respondent_in_cell_not_in_population(small):
    resp, pop = small
    resp = pd.concat([resp, pd.DataFrame({"firm_id": ["z"], "year": [2025],
                                          "size_class": ["2500+"], "region": ["south"],
                                          "y": [1.0]}, index=[999])])
    err = _error(resp, pop)
    assert "cells the population does not have" in str(err)
    assert err.columns == ("size_class,region",)
    assert "('2500+', 'south')" in str(err) and err.problems[0].rows == (999,)
    # a cell the population has with count 0
    pop0 = pd.concat([pop, pd.DataFrame({"size_class": ["2500+"], "region": ["south"],
                                         "count": [0]})], ignore_index=True)
    err = _error(resp, pop0)
    assert "frame count > 0" in str(err) and "('2500+', 'south')" in str(err)
    assert err.problems[0].rows == (999,) and err.problems[0].n_rows == 1


def test_error_counts_below_respondents(small):
    resp, pop = small
    pop.loc[2, "count"] = 2  # (25-100, north) has 3 respondents
    err = _error(resp, pop)
    assert "counts below the number of respondents" in str(err)
    assert err.columns == ("count",)
    assert "('25-100', 'north'): 2 < 3" in str(err) and err.problems[0].rows == (2,)


def test_error_missing_by_columns(small):
    resp, pop = small
    err = _error(resp.rename(columns={"region": "regoin"}), pop)
    assert err.columns == ("region",)
    assert "not in the respondents' data (did you mean 'regoin'?)" in str(err)
    err = _error(resp, pop.rename(columns={"region": "regio"}))
    assert err.columns == ("region",)
    assert "not in the population counts (did you mean 'regio'?)" in str(err)
    err = _error(resp, pop.drop(columns="count"))
    assert err.columns == ("count",)
    err = _error(resp.drop(columns="firm_id"), pop)
    assert err.columns == ("firm_id",)


@pytest.mark.parametrize("bad, rows", [
    ({1: 2.5}, (1,)),  # not an integer
    ({0: -1, 3: -4}, (0, 3)),  # negative
    ({2: np.nan}, (2,)),  # missing
    ({1: "ten"}, (1,)),  # not a number
])
def test_error_invalid_counts(small, bad, rows):
    resp, pop = small
    pop = pop.astype({"count": object})
    for i, v in bad.items():
        pop.loc[i, "count"] = v
    err = _error(resp, pop)
    assert "invalid counts" in str(err) and "non-negative integers" in str(err)
    assert err.columns == ("count",)
    assert err.problems[0].rows == rows


def test_error_duplicated_cells(small):
    resp, pop = small
    pop = pd.concat([pop, pop.iloc[[1]]], ignore_index=True)
    err = _error(resp, pop)
    assert "duplicated cells" in str(err)
    assert err.columns == ("size_class,region",)
    assert err.problems[0].rows == (1, 4)


def test_error_unknown_method(small):
    err = _error(*small, method="propensty")
    assert "argument 'method'" in str(err) and "did you mean 'propensity'" in str(err)


def test_error_missing_by_value(small):
    resp, pop = small
    resp.loc[104, "region"] = None
    err = _error(resp, pop)
    assert "respondents without a cell" in str(err)
    assert err.columns == ("region",) and err.problems[0].rows == (104,)
    # in the population
    pop.loc[3, "size_class"] = None
    err = _error(small[0], pop)
    assert err.columns == ("size_class",) and err.problems[0].rows == (3,)


def test_error_series_with_wrong_index(small):
    resp, pop = small
    series = pop.set_index(["region", "size_class"])["count"]
    err = _error(resp, series)
    assert "['size_class', 'region']" in str(err) and "['region', 'size_class']" in str(err)
    err = _error(resp, pop["count"])
    assert "index levels are [None]" in str(err)


def test_error_other_arguments(small):
    resp, pop = small
    assert "min_respondents" in str(_error(resp, pop, min_respondents=0))
    assert "n_classes" in str(_error(resp, pop, n_classes=0))
    assert "argument 'by'" in str(_error(resp, pop, by=()))
    assert "at least 2" in str(_error(resp.iloc[:1], pop))
    assert "0 rows" in str(_error(resp.iloc[:0], pop))
    assert "expected a DataFrame" in str(_error(resp, pop.to_dict()))
    # a category without respondents: the response model separates, its firms would have
    # nobody to represent them
    none, pop0 = hand_frame([("0-25", "north", 10, 3), ("0-25", "south", 10, 3),
                             ("25-100", "north", 10, 0), ("25-100", "south", 10, 0)])
    err = _error(none, pop0, method="propensity")
    assert err.columns == ("size_class",)
    assert "categories without respondents: ['25-100']" in str(err)
    # a handful of respondents per category is enough (the classes are merged instead)
    df = weight_respondents(resp, pop, ["size_class", "region"], method="propensity",
                            validate=False)
    assert weighting_report(df).groups["respondents"].sum() == 12
    with pytest.raises(InputError, match="not weighted by weight_respondents"):
        weighting_report(resp)


# -- 4. the propensity model ------------------------------------------------------------------
def _rake(w, codes, totals, sweeps=500):
    """Iterative proportional fitting (test's own)."""
    w = w.copy()
    for _ in range(sweeps):
        for code, tot in zip(codes, totals, strict=True):
            s = np.bincount(code, weights=w, minlength=len(tot))
            w = w * (tot / s)[code]
    return w


def test_propensity_model_is_the_grouped_logit(propensity, counts):
    rep = weighting_report(propensity)
    c = rep.cells
    # the frame's cells with their respondents (independent count)
    assert c["count"].tolist() == counts["count"].tolist()
    # grouped logistic regression of response, main effects, treatment coding with the first
    # category (in the schema's order) as reference
    X = pd.DataFrame({"Intercept": 1.0}, index=c.index)
    for b, cats in (("size_class", SIZES), ("nld_area", AREAS)):
        for cat in [k for k in cats if k in set(c[b])][1:]:
            X[f"{b}[{cat}]"] = (c[b] == cat).astype(float)
    endog = np.column_stack([c["respondents"], c["count"] - c["respondents"]])
    fit = GLM(endog, X, family=Binomial()).fit(tol=1e-14)
    np.testing.assert_allclose(c["propensity"], fit.fittedvalues, rtol=1e-8)
    np.testing.assert_allclose(rep.model["coef"].reindex(X.columns), fit.params, rtol=1e-6,
                               atol=1e-9)
    np.testing.assert_allclose(rep.model["std_error"].reindex(X.columns), fit.bse, rtol=1e-6)
    assert propensity.attrs["weighting"]["model"]["deviance"] == pytest.approx(fit.deviance,
                                                                               rel=1e-8)


def test_propensity_weights_are_raked_inverse_propensities(propensity, counts):
    rep = weighting_report(propensity)
    firms = firm_rows(propensity)
    p = rep.cells.set_index(BY)["propensity"].reindex(
        pd.MultiIndex.from_frame(firms[BY].astype(str))).to_numpy()
    start = 1 / p  # the weights before raking
    codes = [firms[b].astype(str).map({k: i for i, k in enumerate(cats)}).to_numpy()
             for b, cats in (("size_class", SIZES), ("nld_area", AREAS))]
    totals = [counts.groupby(b)["count"].sum().reindex(cats).fillna(0).to_numpy(float)
              for b, cats in (("size_class", SIZES), ("nld_area", AREAS))]
    np.testing.assert_allclose(firms["weight"], _rake(start, codes, totals), rtol=1e-9)
    # raking multiplies 1/p by a size factor times an area factor
    log_ratio = np.log(firms["weight"].to_numpy() * p)
    D = np.column_stack([np.eye(len(SIZES))[codes[0]], np.eye(len(AREAS))[codes[1]]])
    resid = log_ratio - D @ np.linalg.lstsq(D, log_ratio, rcond=None)[0]
    assert np.abs(resid).max() < 1e-9


# -- 5. variance --------------------------------------------------------------------------------
def _by_hand_se(df: pd.DataFrame, value: str, year: int = 2025) -> float:
    """SE of the total of a stratified SRS of firms with fpc: sum_g N_g^2 (1 - n_g / N_g)
    s_g^2 / n_g, with y the firm's value in ``year`` (0 without a row that year)."""
    firms = firm_rows(df).set_index("firm_id")
    y = df[df["year"] == year].set_index("firm_id")[value].reindex(firms.index).fillna(0.0)
    var = 0.0
    for g, N in df.attrs["population_firms"].items():
        yg = y[firms["stratum"] == g]
        n = len(yg)
        var += N ** 2 * (1 - n / N) * yg.var(ddof=1) / n
    return float(np.sqrt(var))


@pytest.mark.parametrize("value", ["turnover_ds_eur", "fte_total", "export_ds_eur"])
def test_cells_linearization_is_stratified_with_fpc(cells, value):
    t = survey_total(cells, value, protect=False).loc["all"]
    assert t["std_error"] == pytest.approx(_by_hand_se(cells, value), rel=1e-10)
    # the same design declared by hand
    plain = cells.copy()
    plain.attrs = {}
    explicit = SurveyDesign(plain, strata="stratum", fpc=cells.attrs["population_firms"])
    assert explicit.fpc_source == "given"
    t2 = survey_total(explicit, value, protect=False).loc["all"]
    assert t2["estimate"] == pytest.approx(t["estimate"], rel=1e-13)
    assert t2["std_error"] == pytest.approx(t["std_error"], rel=1e-12)


def test_bootstrap_replicates_rerun_the_cells_weighting(cells):
    design = SurveyDesign(cells)
    assert design.replicate_method == ("Rao-Wu rescaling bootstrap, non-response weighting "
                                       "(cells) re-run")
    W = design.replicate_weights(n_replicates=100, seed=3)
    first = ~cells["firm_id"].duplicated().to_numpy()
    sums = W[first].groupby(cells["stratum"].to_numpy()[first]).sum()
    N = pd.Series(cells.attrs["population_firms"]).reindex(sums.index)
    np.testing.assert_allclose(sums.to_numpy(), np.repeat(N.to_numpy()[:, None], 100, axis=1),
                               rtol=1e-12)
    # replicate weights vary within groups and are equal on a firm's rows
    assert (W.std(axis=1) > 0).mean() > 0.9
    assert (W.groupby(cells["firm_id"].to_numpy()).nunique() == 1).all().all()
    # so the bootstrap variance of the groups' firm counts is 0
    ones = pd.DataFrame(np.ones((len(W), 1)))
    assert np.ptp((W[first].T @ ones[first].to_numpy()).to_numpy()) < 1e-8


def test_bootstrap_replicates_rerun_the_propensity_weighting(propensity, counts):
    design = SurveyDesign(propensity)
    assert design.replicate_method == ("Rao-Wu rescaling bootstrap, non-response weighting "
                                       "(propensity) re-run")
    W = design.replicate_weights(n_replicates=50, seed=3)
    first = ~propensity["firm_id"].duplicated().to_numpy()
    for b in BY:
        sums = W[first].groupby(propensity[b].astype(str).to_numpy()[first]).sum()
        target = counts.groupby(b)["count"].sum().reindex(sums.index).to_numpy(float)
        np.testing.assert_allclose(sums.to_numpy(), np.repeat(target[:, None], 50, axis=1),
                                   rtol=1e-9)
    assert (W.std(axis=1) > 0).all()


def _margins_2025(pop2025):
    return {"turnover_ds_eur": float(pop2025["turnover_ds_eur"].sum()),
            "domain": pop2025["domain"].astype(str).value_counts().to_dict()}


@pytest.mark.parametrize("method", ["linearization", "bootstrap"])
@pytest.mark.parametrize("margin", ["turnover_ds_eur", "domain"])
def test_calibrated_totals_have_no_variance(cells, pop2025, margin, method):
    margins = _margins_2025(pop2025)
    design = calibrate_weights(cells, {margin: margins[margin]}).design()
    assert design.replicate_method == ("Rao-Wu rescaling bootstrap, non-response weighting "
                                       "(cells) re-run, re-calibrated (raking)")
    kw = {"variance": method, "n_replicates": 100, "seed": 5, "protect": False}
    calibrated = survey_total(design, "turnover_ds_eur" if margin == "turnover_ds_eur"
                              else None, **kw).loc["all"]
    other = survey_total(design, "fte_total", **kw).loc["all"]
    target = (margins["turnover_ds_eur"] if margin == "turnover_ds_eur"
              else sum(margins["domain"].values()))
    assert calibrated["estimate"] == pytest.approx(target, rel=1e-9)
    assert calibrated["std_error"] < 1e-9 * target
    before = survey_total(cells, "fte_total", **kw).loc["all"]
    assert 0.2 * before["std_error"] < other["std_error"] < 2 * before["std_error"]
    if margin == "domain":  # every domain's count is calibrated
        by = survey_total(design, None, by="domain", **kw)
        assert (by["std_error"] < 1e-9 * by["estimate"]).all()


def test_calibrated_mixed_margins_bootstrap(cells, pop2025):
    design = calibrate_weights(cells, _margins_2025(pop2025)).design()
    kw = {"variance": "bootstrap", "n_replicates": 100, "seed": 5, "protect": False}
    for value, target in ((None, 1503), ("turnover_ds_eur", 10.2e9)):
        t = survey_total(design, value, **kw).loc["all"]
        assert t["estimate"] == pytest.approx(target, rel=1e-9)
        assert t["std_error"] < 1e-9 * target
    assert survey_mean(design, "turnover_ds_eur", **kw).loc["all", "std_error"] < 1e-3


def test_calibrated_mixed_margins_linearization(cells, pop2025):
    design = calibrate_weights(cells, _margins_2025(pop2025)).design()
    count = survey_total(design, None, protect=False).loc["all"]
    assert count["estimate"] == pytest.approx(1503, rel=1e-9)
    assert count["std_error"] < 1e-6 * 1503  # is about 20


def test_modified_frame_falls_back_to_rao_wu(cells, pop2025):
    firms = firm_rows(cells)
    big = firms["stratum"].value_counts().index[0]
    fid = firms.loc[firms["stratum"] == big, "firm_id"].iloc[0]
    dropped = cells[cells["firm_id"] != fid]
    edited = cells.copy()
    edited.loc[edited["firm_id"] == fid, "weight"] *= 1.5
    calibrated = calibrate_weights(cells, {"domain": _margins_2025(pop2025)["domain"]})
    cal_dropped = calibrated.design().data
    cal_dropped = cal_dropped[cal_dropped["firm_id"] != fid]
    for df in (dropped, edited, cal_dropped):
        assert "weighting" in df.attrs  # the recipe travelled with the frame...
        design = SurveyDesign(df)
        assert design.replicate_method == "Rao-Wu rescaling bootstrap"  # ...but is not used
        plain_df = df.copy()
        plain_df.attrs = {k: v for k, v in df.attrs.items()
                          if k not in ("weighting", "calibration")}
        plain = SurveyDesign(plain_df)
        pd.testing.assert_frame_equal(design.replicate_weights(50, seed=2),
                                      plain.replicate_weights(50, seed=2))
        for method in ("linearization", "bootstrap"):
            a = survey_total(design, "turnover_ds_eur", variance=method, n_replicates=50,
                             seed=2, protect=False)
            b = survey_total(plain, "turnover_ds_eur", variance=method, n_replicates=50,
                             seed=2, protect=False)
            pd.testing.assert_frame_equal(a, b, check_like=True, check_exact=False,
                                          rtol=1e-12)
            assert a.loc["all", "std_error"] > 0
    assert "calibration" in cal_dropped.attrs


def test_same_seed_same_replicates(cells, propensity, pop2025):
    for df in (cells, propensity):
        a = SurveyDesign(df).replicate_weights(60, seed=7)
        b = SurveyDesign(df).replicate_weights(60, seed=7)
        pd.testing.assert_frame_equal(a, b)
        c = SurveyDesign(df).replicate_weights(60, seed=8)
        assert not np.allclose(a.to_numpy(), c.to_numpy())
    cal = calibrate_weights(cells, _margins_2025(pop2025))
    a = cal.design().replicate_weights(60, seed=7)
    pd.testing.assert_frame_equal(a, cal.design().replicate_weights(60, seed=7))


# -- 6. reference values from R's survey package ------------------------------------------------
def _load_reference_data():
    spec = importlib.util.spec_from_file_location("weighting_reference_data",
                                                  RESULTS / "weighting_reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def r_data():
    """The respondent file R read (results/weighting_respondents.csv), its frame counts, and
    the library's weighting of that file."""
    resp = pd.read_csv(RESULTS / "weighting_respondents.csv", dtype={"firm_id": str})
    frame = pd.read_csv(RESULTS / "weighting_frame_counts.csv")
    data = resp[["firm_id", "size_class", "nld_area", "domain", "turnover_ds_eur",
                 "fte_total"]].assign(one=1.0)
    counts = frame[BY + ["count"]]
    return {"file": resp, "frame": frame, "data": data,
            "cells": weight_respondents(data, counts, BY, validate=False),
            # the R script's classes: n_classes=5 (the default until the study showed that 5
            # classes make the intervals conservative)
            "propensity": weight_respondents(data, counts, BY, method="propensity",
                                             n_classes=5, validate=False)}


@pytest.fixture(scope="module")
def r_ref() -> pd.DataFrame:
    # written by results/r_weighting_reference.R (R 4.2.2, survey 4.1-1)
    return pd.read_csv(RESULTS / "r_weighting_reference.csv")


def test_reference_files_are_current(r_data, r_ref):
    """The stored input of the R script is what the library computes today."""
    module = _load_reference_data()
    out, table = module.build()
    stored = r_data["file"]
    pd.testing.assert_frame_equal(out.reset_index(drop=True), stored, check_dtype=False,
                                  rtol=1e-12)
    pd.testing.assert_frame_equal(table.reset_index(drop=True), r_data["frame"],
                                  check_dtype=False)
    # and weighting the stored file gives the same groups and weights
    cells, prop = r_data["cells"], r_data["propensity"]
    assert (cells["stratum"].astype(str) == stored["group"]).all()
    assert (prop["stratum"].astype(str) == stored["pclass"]).all()
    np.testing.assert_allclose(cells["weight"], stored["w_cells"], rtol=1e-14)
    np.testing.assert_allclose(prop["weight"], stored["w_propensity"], rtol=1e-12)
    assert set(r_ref["r_version"]) == {"4.2.2"} and set(r_ref["survey_version"]) == {"4.1-1"}


def _ours(design) -> dict:
    """The statistics of the R script's estimates() on our design."""
    out = {}
    kw = {"protect": False}
    for v in ("turnover_ds_eur", "fte_total", "one"):
        out[("total", v, "all")] = survey_total(design, v, **kw).loc["all"]
    out[("mean", "turnover_ds_eur", "all")] = survey_mean(design, "turnover_ds_eur",
                                                          **kw).loc["all"]
    out[("ratio", "turnover_ds_eur/fte_total", "all")] = survey_ratio(
        design, "turnover_ds_eur", "fte_total", **kw).loc["all"]
    by = survey_total(design, "turnover_ds_eur", by="domain", **kw)
    for k, row in by.iterrows():
        out[("total", "turnover_ds_eur", f"domain={k}")] = row
    return out


def _design(r_data, name):
    T = 10.2e9
    area = r_data["frame"].groupby("nld_area")["count"].sum().to_dict()
    cells = SurveyDesign(r_data["cells"], validate=False)
    if name == "cells":
        return cells
    if name == "cells_cal_area":
        return calibrate_weights(cells, {"nld_area": area}).design()
    if name == "cells_cal_turnover":
        return calibrate_weights(cells, {"turnover_ds_eur": T}).design()
    if name == "cells_cal_area_turnover":
        return calibrate_weights(cells, {"nld_area": area, "turnover_ds_eur": T}).design()
    assert name == "propensity"
    return SurveyDesign(r_data["propensity"], validate=False)


def _compare(ours, ref, rtol):
    assert len(ref) == 9  # 3 totals, a mean, a ratio, 4 domain totals
    for row in ref.itertuples():
        got = ours[(row.statistic, row.variable, row.domain)]
        assert got["estimate"] == pytest.approx(row.estimate, rel=1e-9), row
        # calibrated totals: R's SE 0 is 1e-14 (counts) to 1e-6 (EUR) in floating point
        atol = 1e-12 * abs(row.estimate)
        assert got["std_error"] == pytest.approx(row.se, rel=rtol, abs=atol), row


@pytest.mark.parametrize("ours, r_name, rtol", [
    # (i) the response groups as strata with fpc: svydesign(ids=~firm_id, strata=~group,
    # fpc=~N_group)
    ("cells", "cells", 1e-9),
    # (ii) calibrated: R's own calibrate() designs. Like R, the library weights the GREG
    # regression by the weights before calibration; one categorical margin
    # (post-stratification), a EUR total, and both (a badly scaled mix)
    ("cells_cal_area", "cells_cal_area", 1e-9),
    ("cells_cal_turnover", "cells_cal_turnover", 1e-9),
    ("cells_cal_area_turnover", "cells_cal_area_turnover", 1e-9),
    # (iii) propensity weights: strata = propensity classes, residuals on the raking margins
    # weighted by the raked weights (R's rake() uses the 1/p weights: a 1e-4 difference)
    ("propensity", "propensity_recal", 1e-9),
    ("propensity", "propensity", 1e-3),
])
def test_standard_errors_match_r(r_data, r_ref, ours, r_name, rtol):
    _compare(_ours(_design(r_data, ours)), r_ref[r_ref["design"] == r_name], rtol=rtol)


def test_weights_match_r(r_data):
    rw = pd.read_csv(RESULTS / "r_weighting_weights.csv", dtype={"firm_id": str})
    assert (rw["firm_id"] == r_data["data"]["firm_id"]).all()
    # svydesign's weights N_g / n_g from the fpc
    np.testing.assert_allclose(r_data["cells"]["weight"], rw["cells"], rtol=1e-13)
    cells = SurveyDesign(r_data["cells"], validate=False)
    area = r_data["frame"].groupby("nld_area")["count"].sum().to_dict()
    for col, margins in (("cal_area", {"nld_area": area}),
                         ("cal_turnover", {"turnover_ds_eur": 10.2e9}),
                         ("cal_area_turnover", {"nld_area": area, "turnover_ds_eur": 10.2e9})):
        res = calibrate_weights(cells, margins)
        np.testing.assert_allclose(res.weights, rw[col], rtol=1e-8, err_msg=col)
    # glm fitted propensities, then calibrate(calfun = "raking") to size class and NLD area
    rep = weighting_report(r_data["propensity"])
    p = rep.cells.set_index(BY)["propensity"].reindex(
        pd.MultiIndex.from_frame(r_data["data"][BY])).to_numpy()
    np.testing.assert_allclose(1 / p, rw["inverse_propensity"], rtol=1e-8)
    np.testing.assert_allclose(r_data["propensity"]["weight"], rw["propensity"], rtol=1e-8)


def test_propensity_model_matches_r_glm(r_data, r_ref):
    rep = weighting_report(r_data["propensity"])
    glm = r_ref[r_ref["design"] == "glm"]
    p = glm[glm["statistic"] == "propensity"].set_index("variable")["estimate"]
    cells = rep.cells.assign(key=rep.cells["size_class"] + "|" + rep.cells["nld_area"])
    np.testing.assert_allclose(cells.set_index("key")["propensity"].reindex(p.index), p,
                               rtol=1e-8)
    coef = glm[glm["statistic"] == "coef"].set_index("variable")
    # R's names: size_class25-100; ours: size_class[25-100]
    names = {n: n if n == "Intercept" else n.replace("[", "").replace("]", "")
             for n in rep.model.index}
    ours = rep.model.rename(index=names).rename(index={"Intercept": "(Intercept)"})
    np.testing.assert_allclose(ours["coef"].reindex(coef.index), coef["estimate"], rtol=1e-6,
                               atol=1e-8)
    np.testing.assert_allclose(ours["std_error"].reindex(coef.index), coef["se"], rtol=1e-6)
    deviance = glm.loc[glm["statistic"] == "deviance", "estimate"].item()
    assert r_data["propensity"].attrs["weighting"]["model"]["deviance"] == pytest.approx(
        deviance, rel=1e-8)


# R's calibrated designs of data(api) apiclus1 (the examples of ?calibrate)
STYPE = {"E": 4421, "H": 755, "M": 1018}
SCHWIDE = {"No": 1072, "Yes": 5122}
API99 = 3914069


@pytest.fixture(scope="module")
def dclus1() -> SurveyDesign:
    return SurveyDesign(pd.read_csv(RESULTS / "apiclus1.csv"), weight="pw", strata=None,
                        psu="dnum", fpc="fpc", validate=False)


@pytest.mark.parametrize("name, margins, method, rtol", [
    ("dclus1", None, None, 1e-10),
    ("dclus1_poststrat_stype", {"stype": STYPE}, "linear", 1e-10),
    ("dclus1_linear_stype_api99", {"stype": STYPE, "api99": API99}, "linear", 1e-9),
    ("dclus1_raking_stype_schwide", {"stype": STYPE, "sch.wide": SCHWIDE}, "raking", 1e-9),
])
def test_calibrated_apiclus1_matches_r(dclus1, r_ref, name, margins, method, rtol):
    design = dclus1 if margins is None else calibrate_weights(dclus1, margins,
                                                              method=method).design()
    ref = r_ref[r_ref["design"] == name].set_index("statistic")
    total = survey_total(design, "enroll", protect=False).loc["all"]
    mean = survey_mean(design, "api00", protect=False).loc["all"]
    for got, r in ((total, ref.loc["total"]), (mean, ref.loc["mean"])):
        assert got["estimate"] == pytest.approx(r["estimate"], rel=1e-9)
        assert got["std_error"] == pytest.approx(r["se"], rel=rtol)


def test_apiclus1_weights_match_r(dclus1):
    rw = pd.read_csv(RESULTS / "r_weighting_apiclus1_weights.csv")
    for col, margins, method in (("linear_stype_api99", {"stype": STYPE, "api99": API99},
                                  "linear"),
                                 ("raking_stype_schwide", {"stype": STYPE, "sch.wide": SCHWIDE},
                                  "raking"),
                                 ("poststrat_stype", {"stype": STYPE}, "linear")):
        res = calibrate_weights(dclus1, margins, method=method)
        np.testing.assert_allclose(res.weights, rw[col], rtol=1e-8, err_msg=col)


# -- 7. properties ------------------------------------------------------------------------------
@st.composite
def frames(draw):
    sizes = SIZES[:draw(st.integers(1, 4))]
    regions = ["a", "b", "c"][:draw(st.integers(1, 3))]
    spec = []
    for s in sizes:
        for r in regions:
            if draw(st.booleans()) or not spec:  # some cells absent from the frame
                N = draw(st.integers(0, 25))
                spec.append((s, r, N, draw(st.integers(0, N))))
    years = (2024, 2025) if draw(st.booleans()) else (2025,)
    return spec, years


@settings(max_examples=60, deadline=None)
@given(frames(), st.integers(1, 12))
def test_weights_sum_to_counts_property(frame, min_respondents):
    spec, years = frame
    total = sum(n for *_, n in spec)
    assume(total >= 2)
    resp, pop = hand_frame(spec, years=years)
    df = weigh(resp, pop, min_respondents=min_respondents)
    rep = weighting_report(df)
    firms = firm_rows(df)
    # weights add up to the groups' frame counts, >= 1 (N_g >= n_g)
    sums = firms.groupby("stratum")["weight"].sum()
    pop_firms = df.attrs["population_firms"]
    assert set(sums.index) == set(pop_firms)
    for g, N in pop_firms.items():
        assert sums[g] == pytest.approx(N, rel=1e-12)
    assert sum(pop_firms.values()) == sum(N for *_, N, _ in spec)
    assert (df["weight"] >= 1 - 1e-12).all()
    # every group has the minimum, unless there is a single group
    n_g = rep.groups["respondents"]
    assert (n_g >= min(min_respondents, total)).all()
    assert len(n_g) == 1 or (n_g >= max(min_respondents, 2)).all()
    assert len(rep.merges) == int((pop["count"] > 0).sum()) - len(rep.groups)
    # a firm's stratum is the group of its cell
    cell_group = rep.cells.set_index(["size_class", "region"])["group"]
    expect = cell_group.reindex(pd.MultiIndex.from_frame(firms[["size_class", "region"]]))
    np.testing.assert_array_equal(firms["stratum"].astype(str).to_numpy(),
                                  expect.to_numpy())


# -- 8. the report ------------------------------------------------------------------------------
def test_report_summary_and_plot(cells, propensity):
    for df in (cells, propensity):
        rep = weighting_report(df)
        assert isinstance(rep, WeightingReport)
        text = rep.summary()
        assert str(rep) == text
        N, n = int(rep.cells["count"].sum()), int(rep.cells["respondents"].sum())
        assert f"frame firms: {N:,}" in text and f"responding firms: {n:,}" in text
        assert f"response rate: {n / N:.1%}" in text
        assert f"cells: {len(rep.cells)} ({int((rep.cells['respondents'] == 0).sum())} " \
               "without respondents)" in text
        assert f"groups (strata): {len(rep.groups)}" in text
        w = firm_rows(df)["weight"].to_numpy()
        assert f"min {w.min():.2f}" in text and f"max {w.max():.2f}" in text
        for g in rep.groups.index:
            assert g in text
        ax = rep.plot()
        assert isinstance(ax, matplotlib.axes.Axes)
        assert len(ax.patches) == len(rep.groups)
        heights = sorted(p.get_width() for p in ax.patches)
        np.testing.assert_allclose(heights, sorted(rep.groups["response_rate"]))
        matplotlib.pyplot.close("all")
    text = weighting_report(cells).summary()
    merges_ = weighting_report(cells).merges
    assert f"collapsed ({len(merges_)} merge(s))" in text
    assert all(f"{m.merged}  ->  {m.into}" in text for m in merges_.itertuples())
    rep = weighting_report(propensity)
    assert "response model (logit, main effects)" in rep.summary()
    assert f"{rep.model['coef'].iloc[0]:.3f}" in rep.summary()
    assert rep.model.index[0] == "Intercept"
    # groups table: counts and respondents add up
    assert rep.groups["count"].sum() == 1688
    assert rep.groups["respondents"].sum() == propensity["firm_id"].nunique()
