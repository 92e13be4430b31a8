"""Growth decompositions and the survey turnover decomposition.

Reference values: ``tests/models/results/pv_r_toy_decomposition.csv``, written by the
independent base-R implementation ``pv_r_reference.R`` for the small panel
``pv_toy_panel.csv`` (entry, exit, a missing price change, a firm changing domain). The
identities (components add up to nominal growth) are checked as hypothesis properties on
random panels.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.models.price_volume import (
    COMPONENTS,
    INDEX_METHODS,
    TurnoverDecomposition,
    decompose_growth,
    decompose_turnover,
    implied_price_change,
    price_index,
)
from nldtib_forecast.survey import SurveyDesign

RESULTS = Path(__file__).parent / "results"


@pytest.fixture(scope="module")
def toy():
    return pd.read_csv(RESULTS / "pv_toy_panel.csv")


@pytest.fixture(scope="module")
def sample():
    return synthetic_survey(seed=0)


@pytest.fixture(scope="module")
def result(sample):
    return decompose_turnover(sample, n_replicates=80, seed=3)


def identity_gap(table: pd.DataFrame) -> np.ndarray:
    parts = table[["price", "volume", "interaction", "entry"]].sum(axis=1, skipna=False)
    parts = parts - table["exit"]
    return (parts - table["nominal_growth"]).to_numpy()


# ---------------------------------------------------------------------------------------------
# decompose_growth and implied_price_change
# ---------------------------------------------------------------------------------------------
def test_letter_arithmetic():
    """L26: EUR 8.0 bn -> 10.2 bn is +27.5%; read as volume growth, "+21.5%" implies prices
    up by 1.275 / 1.215 - 1 = 4.94%."""
    assert implied_price_change(10.2 / 8.0 - 1, 0.215) == pytest.approx(0.04938, abs=1e-5)
    s = implied_price_change(pd.Series([0.275, 0.1]), pd.Series([0.215, 0.1]))
    assert_allclose(s, [1.275 / 1.215 - 1, 0.0])
    with pytest.raises(InputError):
        implied_price_change(0.1, -1.0)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0.1, 100.0), min_size=2, max_size=8),
       st.lists(st.floats(0.2, 5.0), min_size=8, max_size=8))
def test_decompose_growth_identities(values, prices):
    idx = pd.RangeIndex(2018, 2018 + len(values))
    d = decompose_growth(pd.Series(values, idx), pd.Series(prices[: len(values)], idx))
    # the columns as arrays (one index): plain numpy keeps the checks cheap
    g, p, v, inter, p_log, v_log, volume, value, price = (d[c].to_numpy() for c in (
        "value_growth", "price_growth", "volume_growth", "interaction", "price_log",
        "volume_log", "volume", "value", "price_index"))
    assert_allclose((1 + g)[1:], ((1 + p) * (1 + v))[1:], rtol=1e-12)
    assert_allclose(g[1:], (p + v + inter)[1:], rtol=1e-9, atol=1e-12)
    assert_allclose(g[1:], (p_log + v_log)[1:], rtol=1e-9, atol=1e-12)
    assert_allclose(volume, value / price, rtol=1e-15)
    assert np.isnan([g[0], p[0], v[0]]).all()


def test_decompose_growth_from_prices_and_quantities():
    p = pd.DataFrame({"a": [1.0, 1.1, 1.3], "b": [2.0, 1.9, 2.2]}, index=[2023, 2024, 2025])
    q = pd.DataFrame({"a": [5.0, 6.0, 6.5], "b": [1.0, 1.5, 1.2]}, index=p.index)
    d = decompose_growth(prices=p, quantities=q, method="fisher")
    assert_allclose(d["value"], (p * q).sum(axis=1))
    assert_allclose(d["price_index"], price_index(p, q, "fisher", chained=True))
    from nldtib_forecast.models.price_volume import quantity_index

    # chained Fisher: volume index = chained Fisher quantity index (factor reversal per link)
    assert_allclose(d["volume"] / d["volume"].iloc[0],
                    quantity_index(p, q, "fisher", chained=True), rtol=1e-12)
    with pytest.raises(InputError, match="not both"):
        decompose_growth(d["value"], d["price_index"], prices=p, quantities=q)
    with pytest.raises(InputError, match="together"):
        decompose_growth(prices=p)
    with pytest.raises(InputError, match="> 0"):
        decompose_growth(pd.Series([1.0, -1.0]), pd.Series([1.0, 1.0]))
    with pytest.raises(InputError, match="same periods"):
        decompose_growth(pd.Series([1.0, 2.0]), pd.Series([1.0, 1.0], index=[5, 6]))


# ---------------------------------------------------------------------------------------------
# decompose_turnover: reference values
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", [None, "seg"])
@pytest.mark.parametrize("split", ["log", "interaction"])
@pytest.mark.parametrize("method", ["laspeyres", "paasche", "fisher", "tornqvist", "walsh",
                                    "sato_vartia", "montgomery_vartia",
                                    "geometric_laspeyres"])
def test_toy_panel_against_independent_r_implementation(toy, method, split, by):
    ref = pd.read_csv(RESULTS / "pv_r_toy_decomposition.csv")
    ref = ref[(ref.method == method) & (ref.split == split)
              & ((ref.domain == "all") if by is None else (ref.domain != "all"))]
    res = decompose_turnover(toy, by=by, method=method, split=split, n_replicates=0)
    for _, row in ref.iterrows():
        key = row.year if by is None else (row.domain, row.year)
        assert res.table.loc[key, row.component] == pytest.approx(row.value, rel=1e-12,
                                                                  abs=1e-14), (key, row.component)


def test_toy_panel_bookkeeping(toy):
    res = decompose_turnover(toy, by="seg", n_replicates=0)
    t = res.table
    # G moves from y to x in 2025: an exiter of y and an entrant into x
    assert t.loc[("y", 2025), "n_exiters"] == 1 and t.loc[("x", 2025), "n_entrants"] == 1
    assert t.loc[("x", 2025), "n_price_missing"] == 1  # B
    total = decompose_turnover(toy, n_replicates=0).table
    # euros add up across domains: turnover levels and changes
    for col in ("turnover_prev_eur", "turnover_eur"):
        assert_allclose(t[col].groupby(level="year").sum(), total[col], rtol=1e-14)
    assert total.loc[2025, "n_continuing"] == 5 and total.loc[2025, "n_entrants"] == 1
    euros = res.in_euros()
    assert_allclose(euros[list(COMPONENTS)[:-1]].sum(axis=1) - euros["exit"],
                    euros["change_eur"], rtol=1e-12)


@pytest.mark.parametrize("method", INDEX_METHODS)
def test_continuing_price_index_is_the_index_with_firms_as_items(sample, method):
    """The survey price index equals price_index() on firms as items: prices 1 and
    1 + price change, quantities weighted turnover and weighted turnover / relative."""
    res = decompose_turnover(sample, method=method, n_replicates=0)
    d = sample[["firm_id", "year", "weight", "turnover_ds_eur", "price_change_ds"]]
    cur = d[d.year == 2025].merge(d[d.year == 2024], on="firm_id", suffixes=("", "_0"))
    cur = cur[cur.price_change_ds.notna()]
    r = 1 + cur.price_change_ds.to_numpy()
    p = pd.DataFrame([np.ones_like(r), r], index=[2024, 2025])
    q = pd.DataFrame([cur.weight_0 * cur.turnover_ds_eur_0,
                      cur.weight * cur.turnover_ds_eur / r], index=[2024, 2025]).set_axis(
        p.columns, axis=1)
    expected = price_index(p, q, method).loc[2025]
    assert res.table.loc[2025, "price_index"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("method", INDEX_METHODS)
def test_missing_price_changes_take_the_index_of_the_others(toy, method):
    """The reporters' index is applied to all continuing turnover. For Laspeyres, Paasche and
    the geometric Laspeyres/Paasche this is exactly the same as imputing the missing relative
    by that index; for the formulas weighting both years (Fisher, Tornqvist, ...) explicit
    imputation differs only to second order."""
    base = decompose_turnover(toy, method=method, n_replicates=0).table
    filled = toy.copy()
    mask = (filled.firm_id == "B") & (filled.year == 2025)
    filled.loc[mask, "price_change_ds"] = base.loc[2025, "price_growth"]
    again = decompose_turnover(filled, method=method, n_replicates=0).table
    exact = method in ("laspeyres", "paasche", "geometric_laspeyres", "geometric_paasche")
    assert_allclose(again.loc[2025, "price_index"], base.loc[2025, "price_index"],
                    rtol=1e-12 if exact else 1e-3)
    assert base.loc[2025, "n_price_missing"] == 1 and again.loc[2025, "n_price_missing"] == 0
    # the continuing firms' turnover is all deflated: B's turnover stays in the volume
    assert base.loc[2025, "continuing_growth"] == again.loc[2025, "continuing_growth"]
    with pytest.raises(InputError, match="missing_price='impute'"):
        decompose_turnover(toy, missing_price="error", n_replicates=0)


def test_deflator_replaces_the_survey_prices(toy):
    ppi = pd.Series({2023: 100.0, 2024: 103.0, 2025: 106.09})
    res = decompose_turnover(toy, deflator=ppi, n_replicates=0)
    assert res.method == "deflator" and res.deflator is not None
    assert_allclose(res.table["price_index"], [1.03, 1.03], rtol=1e-12)
    t = res.table
    assert_allclose(t["volume_index"], (1 + t["continuing_growth"]) / 1.03, rtol=1e-12)
    assert_allclose(identity_gap(t), 0.0, atol=1e-15)
    no_prices = toy.drop(columns="price_change_ds")
    assert_allclose(decompose_turnover(no_prices, deflator=ppi.to_dict(),
                                       n_replicates=0).table, t)
    with pytest.raises(InputError, match="2023"):
        decompose_turnover(toy, deflator=ppi.drop(2023), n_replicates=0)
    with pytest.raises(InputError, match="> 0"):
        decompose_turnover(toy, deflator=ppi * 0, n_replicates=0)
    with pytest.raises(InputError, match="Series"):
        decompose_turnover(toy, deflator=[1.0, 1.1], n_replicates=0)


# ---------------------------------------------------------------------------------------------
# decompose_turnover: identities as properties
# ---------------------------------------------------------------------------------------------
_WEIGHTS = st.floats(0.5, 10.0)
_TURNOVERS = st.floats(1e-3, 1e6)
_PRICE_CHANGES = st.floats(-0.5, 0.5)
_FIRM_IDS = np.array([f"F{f:02d}" for f in range(12)], dtype=object)
_SEGMENTS = np.array(["x", "y"], dtype=object)


@st.composite
def panels(draw):
    """2-12 firms over 2-4 years, in any row order. Firm 0 is in the first two years, each
    other firm in a run of years; a firm starts in domain x or y (probability 1/2 each) and
    changes domain before a year with probability ~1/10; turnover is 0 with probability 1/2;
    the price change is missing in a firm's first year and with probability 1/8 after it.

    The coin flips for the largest panel (12 firms x 4 years) come from one bytes draw of a
    fixed size (bytes of a size that followed the other draws would often be replaced by
    zeros when Hypothesis mutates an example), the frame is built once from arrays, and the
    rows are shuffled as ``DataFrame.sample(frac=1.0, random_state=seed)`` does."""
    n_firms = draw(st.integers(2, 12))
    n_years = draw(st.integers(2, 4))
    first, last = [0], [1]
    for _ in range(1, n_firms):
        first.append(draw(st.integers(0, n_years - 1)))
        last.append(draw(st.integers(first[-1], n_years - 1)))
    weight = np.array([draw(_WEIGHTS) for _ in range(n_firms)])
    # per (firm, year): a byte for the change of domain, a byte of flags (bit 0: turnover
    # > 0, bits 1-3 all zero: price change missing; bit 4 in year 0: the firm starts in y)
    switch, flags = np.frombuffer(draw(st.binary(min_size=96, max_size=96)),
                                  dtype=np.uint8).reshape(2, 12, 4)
    firm, year, seg = [], [], []
    for f in range(n_firms):
        y = (flags[f, 0] >> 4) & 1
        for k in range(first[f], last[f] + 1):
            y ^= switch[f, k] < 26  # firms occasionally change domain
            firm.append(f)
            year.append(k)
            seg.append(y)
    firm, year = np.array(firm), np.array(year)
    cell = flags[firm, year]
    turnover = np.zeros(len(firm))
    positive = (cell & 1) == 1
    turnover[positive] = [draw(_TURNOVERS) for _ in range(int(positive.sum()))]
    price = np.full(len(firm), np.nan)
    reported = (year > np.array(first)[firm]) & ((cell >> 1) & 7 != 0)
    price[reported] = [draw(_PRICE_CHANGES) for _ in range(int(reported.sum()))]
    order = np.random.RandomState(draw(st.integers(0, 1000))).permutation(len(firm))
    return pd.DataFrame({
        "firm_id": _FIRM_IDS[firm], "year": 2020 + year, "weight": weight[firm],
        "seg": _SEGMENTS[np.array(seg, dtype=int)], "turnover_ds_eur": turnover,
        "price_change_ds": price}).take(order)  # any row order


@settings(max_examples=80, deadline=None)
@given(panels(), st.sampled_from(INDEX_METHODS), st.sampled_from(["log", "interaction"]),
       st.sampled_from([None, "seg"]))
def test_components_add_up_exactly(panel, method, split, by):
    res = decompose_turnover(panel, by=by, method=method, split=split, n_replicates=0)
    t = res.table
    # groups with a previous-year total, and a price index unless no firm continues (a
    # group whose continuing firms report no price change has no price/volume split: NaN)
    ok = (np.isfinite(t["nominal_growth"]) & (np.isfinite(t["price_index"])
                                               | (t["n_continuing"] == 0))).to_numpy()
    scale = np.maximum(1.0, np.abs(t["nominal_growth"].to_numpy()))
    assert (np.abs(identity_gap(t)[ok]) <= 1e-12 * scale[ok]).all()
    fine = ok & (t["continuing_share"] > 0).to_numpy() & np.isfinite(t["price_index"]).to_numpy()
    sub = t[fine]
    assert_allclose(1 + sub["continuing_growth"], sub["price_index"] * sub["volume_index"],
                    rtol=1e-10)
    assert_allclose(sub["turnover_eur"] / sub["turnover_prev_eur"] - 1,
                    sub["nominal_growth"], rtol=1e-10, atol=1e-12)
    if split == "log":
        assert (t["interaction"] == 0).all()
    shuffled = decompose_turnover(panel.sort_values(["firm_id", "year"]), by=by,
                                  method=method, split=split, n_replicates=0)
    assert_allclose(shuffled.table.to_numpy(dtype=float), t.to_numpy(dtype=float),
                    rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------------------------
# The synthetic survey and the letter
# ---------------------------------------------------------------------------------------------
def test_population_reproduces_the_published_growth():
    """On the synthetic population, 2024 -> 2025 nominal growth is the published 27.5%
    (EUR 8.0 -> 10.2 bn) and growth is mostly volume, as the letter concludes."""
    pop = synthetic_survey(seed=0, population=True)
    res = decompose_turnover(pop, n_replicates=4, seed=0)
    row = res.table.loc[2025]
    assert row["nominal_growth"] == pytest.approx(0.275, rel=1e-9)
    assert row["turnover_prev_eur"] == pytest.approx(8.0e9, rel=1e-9)
    assert row["volume"] > 5 * row["price"] > 0
    # a census (weights 1, take-all strata) has no sampling error
    assert_allclose(res.intervals["std_error"].fillna(0.0), 0.0, atol=1e-9)


def test_sample_result_and_intervals(result):
    t = result.table
    assert list(t.index) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert t.index.name == "year"
    assert_allclose(identity_gap(t), 0.0, atol=1e-14)
    iv = result.intervals
    assert_allclose(iv.xs("nominal_growth", level="component")["estimate"],
                    t["nominal_growth"], rtol=0)
    est = iv["estimate"]
    finite = iv["std_error"] > 0
    assert ((iv["ci_lower"] <= est) & (est <= iv["ci_upper"])).all()
    assert finite.xs("price", level="component").all()
    assert (iv["n_valid"] == 80).all()
    again = decompose_turnover(synthetic_survey(seed=0), n_replicates=80, seed=3)
    pd.testing.assert_frame_equal(again.intervals, iv)
    pct = decompose_turnover(synthetic_survey(seed=0), n_replicates=80, seed=3,
                             ci="percentile")
    assert not pct.intervals["ci_lower"].equals(iv["ci_lower"])
    assert_allclose(pct.intervals["std_error"], iv["std_error"])


def test_interpret_as_volume(result):
    s = result.interpret_as_volume(0.215, nominal_growth=0.275)
    assert s["implied_price_growth"] == pytest.approx(1.275 / 1.215 - 1, rel=1e-12)
    assert s["ci_lower"] < s["estimated_price_growth"] < s["ci_upper"]
    # the synthetic survey's continuing firms raised prices by far less than 4.9%
    assert s["implied_within_interval"] is False
    own = result.interpret_as_volume(0.215)
    assert own["nominal_growth"] == result.table.loc[2025, "nominal_growth"]
    with pytest.raises(InputError, match="no decomposition for 2019"):
        result.interpret_as_volume(0.2, year=2019)


def test_design_input_and_domains(sample):
    design = SurveyDesign(sample)
    a = decompose_turnover(design, by="domain", n_replicates=20, seed=5)
    b = decompose_turnover(sample, by="domain", n_replicates=20, seed=5)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    assert a.table.index.names == ["domain", "year"]
    assert set(a.table.index.get_level_values(0)) == {"land", "security", "maritime",
                                                      "air_space"}
    total = decompose_turnover(sample, n_replicates=0).table
    assert_allclose(a.table["turnover_eur"].groupby(level="year").sum(),
                    total["turnover_eur"], rtol=1e-12)


def test_to_frame_summary_html_and_metadata(result, sample):
    long = result.to_frame()
    assert list(long.columns) == ["year", "domain", "component", "statistic", "value"]
    assert set(long.statistic) == {"estimate", "std_error", "ci_lower", "ci_upper"}
    assert (long.domain == "all").all()
    n_float = len(result.table.columns) - 4
    assert len(long) == len(result.table) * (4 * n_float + 4)
    assert not long.value.isna().any()
    cell = long[(long.year == 2025) & (long.component == "price")
                & (long.statistic == "estimate")].value.item()
    assert cell == result.table.loc[2025, "price"]
    point = decompose_turnover(sample, n_replicates=0)
    assert point.intervals is None
    assert set(point.to_frame().statistic) == {"estimate"}
    text = result.summary()
    assert "fisher" in text and "SYNTHETIC" in text and "2024->2025" in text
    assert str(result) == text
    assert "<table" in result._repr_html_()
    assert result.synthetic and result.n_replicates == 80 and result.seed == 3
    assert result.level == 0.95 and result.split == "log" and result.version
    assert len(result.data_hash) == 16
    assert point.data_hash == result.data_hash
    changed = sample.copy()
    changed.loc[changed.index[0], "turnover_ds_eur"] *= 1.01
    assert decompose_turnover(changed, n_replicates=0).data_hash != result.data_hash
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.method = "paasche"
    assert isinstance(result, TurnoverDecomposition)


def test_plot_waterfall(result, toy):
    from matplotlib.axes import Axes

    ax = result.plot()
    assert isinstance(ax, Axes)
    heights = [p.get_height() for p in ax.patches]
    row = result.table.loc[2025]
    assert_allclose(heights, [row.price, row.volume, row.entry, -row.exit, row.nominal_growth])
    assert "2024-2025" in ax.get_title()
    inter = decompose_turnover(toy, split="interaction", by="seg", n_replicates=0)
    ax = inter.plot(year=2025, domain="x")
    assert len(ax.patches) == 6
    with pytest.raises(InputError, match="choose one of"):
        inter.plot()
    with pytest.raises(InputError, match="no domains"):
        result.plot(domain="x")
    import matplotlib.pyplot as plt

    plt.close("all")


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
def test_errors(toy):
    with pytest.raises(InputError, match="did you mean 'fisher'"):
        decompose_turnover(toy, method="fischer", n_replicates=0)
    with pytest.raises(InputError, match="valid values"):
        decompose_turnover(toy, split="bennet", n_replicates=0)
    with pytest.raises(InputError, match="'seg2'"):
        decompose_turnover(toy, by="seg2", n_replicates=0)
    with pytest.raises(InputError, match="turnover_ds_eur"):
        decompose_turnover(toy.drop(columns="turnover_ds_eur"), n_replicates=0)
    with pytest.raises(InputError, match="duplicate"):
        decompose_turnover(pd.concat([toy, toy.iloc[:1]]), n_replicates=0)
    bad = toy.copy()
    bad.loc[1, "price_change_ds"] = -1.0
    with pytest.raises(InputError, match="> -1"):
        decompose_turnover(bad, n_replicates=0)
    bad = toy.copy()
    bad.loc[2, "turnover_ds_eur"] = np.nan
    with pytest.raises(InputError, match="finite and >= 0") as err:
        decompose_turnover(bad, n_replicates=0)
    assert err.value.problems[0].rows == (2,)
    bad = toy.copy()
    bad.loc[0, "weight"] = 0.0
    with pytest.raises(InputError, match="weight"):
        decompose_turnover(bad, n_replicates=0)
    bad = toy.copy()
    bad["year"] = bad["year"] + 0.5
    with pytest.raises(InputError, match="whole numbers"):
        decompose_turnover(bad, n_replicates=0)
    with pytest.raises(InputError, match="consecutive"):
        decompose_turnover(toy[toy.year != 2024], n_replicates=0)
    for n in (1, -1, 2.5, True):
        with pytest.raises(InputError, match="n_replicates"):
            decompose_turnover(toy, n_replicates=n)
    with pytest.raises(InputError, match="level"):
        decompose_turnover(toy, level=95, n_replicates=0)
    with pytest.raises(InputError, match="DataFrame"):
        decompose_turnover(toy.to_numpy(), n_replicates=0)
    bad = toy.copy()
    bad.loc[3, "firm_id"] = None
    with pytest.raises(InputError, match="must not be missing"):
        decompose_turnover(bad, n_replicates=0)
