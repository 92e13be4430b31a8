"""Tests of nldtib_forecast.models.trade.cms_decomposition.

Reference values (see tests/models/results/README_trade.md):

* ``cms_shift_share_inputs.csv`` / ``cms_reat_reference.csv``: REAT's ``shift()`` (Dunn) run
  in R on the Farhauer & Kroell (2013) example of REAT's documentation (regions A, B, C of
  nation X) and on Krumme's Holukuluku table, written by ``cms_reat_reference.R``;
* Krumme's published results for Holukuluku (growth 630, national growth effect 290, total
  shift 340, differential effect 420, composition effect -80), checked directly;
* small examples whose every term is computed by hand below.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from nldtib_forecast import InputError
from nldtib_forecast.models.trade import (
    CMS_COMPONENTS,
    CMS_METHODS,
    CMSResult,
    cms_decomposition,
)

RESULTS = Path(__file__).parent / "results"
REAT_NAMES = {"National share": "national_growth", "Industrial mix": "industry_mix",
              "Regional share": "competitive_effect"}


def _case(inputs: pd.DataFrame, case: str):
    d = inputs[inputs["case"] == case].set_index("industry")
    return (d["region_t0"], d["region_t1"], d["nation_t0"], d["nation_t1"])


@pytest.fixture(scope="module")
def inputs():
    return pd.read_csv(RESULTS / "cms_shift_share_inputs.csv", dtype={"industry": str})


# -- reference cases --------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["farhauer_kroell_A", "farhauer_kroell_B", "farhauer_kroell_C",
                                  "krumme_holukuluku"])
def test_shift_share_matches_reat(inputs, case):
    ref = pd.read_csv(RESULTS / "cms_reat_reference.csv")
    ref = ref[ref["case"] == case].set_index("component")["value"]
    res = cms_decomposition(*_case(inputs, case), method="shift_share")
    for reat, ours in REAT_NAMES.items():
        assert_allclose(res.components[ours], ref[reat], rtol=1e-12, atol=1e-9)
    assert_allclose(res.total, ref["Growth (t1-t)"], rtol=1e-12, atol=1e-9)
    assert_allclose(res.supplementary["net_total_shift"], ref["Net total shift"],
                    rtol=1e-12, atol=1e-9)


def test_farhauer_kroell_by_hand(inputs):
    """Region A: 180 -> 205 employees; the nation grows 1100 -> 1265 (+15%).

    national share 180 * 0.15 = 27; industry mix 90*1.1 + 20*1.4 + 10*0.9 + 60*1.2 - 180*1.15
    = 208 - 207 = 1; regional share 205 - 208 = -3; growth 27 + 1 - 3 = 25.
    """
    res = cms_decomposition(*_case(inputs, "farhauer_kroell_A"), method="shift_share")
    assert_allclose(res.components.to_numpy(), [27.0, 1.0, -3.0], atol=1e-12)
    assert res.total == 25.0


def test_regions_that_partition_the_nation_have_net_shifts_summing_to_zero(inputs):
    """Regions A, B and C add up to nation X, so their net total shifts cancel (-2 + 31 - 29)."""
    shifts = [cms_decomposition(*_case(inputs, f"farhauer_kroell_{r}"), method="shift_share")
              .supplementary["net_total_shift"] for r in "ABC"]
    assert_allclose(shifts, [-2.0, 31.0, -29.0], atol=1e-9)
    assert abs(sum(shifts)) < 1e-9


def test_krumme_published_results(inputs):
    """Krumme's table: regional growth 630 = national growth effect 290 + total shift 340;
    total shift = differential effect 420 + composition effect -80 (shown unsigned, 80, as
    'net' on the page: 1210 expected by industry - 1290 expected at the national rate)."""
    res = cms_decomposition(*_case(inputs, "krumme_holukuluku"), method="shift_share")
    assert res.total == 630.0
    assert_allclose(res.components["national_growth"], 290.0)
    assert_allclose(res.supplementary["net_total_shift"], 340.0)
    assert_allclose(res.components["competitive_effect"], 420.0)
    assert_allclose(res.components["industry_mix"], -80.0)
    # per industry: expected employment at the industry's national rate (col. 10 of the table)
    expected = res.detail["national_growth"] + res.detail["industry_mix"] + \
        pd.Series([500.0, 100.0, 200.0, 200.0], index=res.detail.index)
    assert_allclose(expected.to_numpy(), [550.0, 120.0, 260.0, 280.0])


def test_leamer_stern_on_one_market_equals_shift_share(inputs):
    x0, x1, m0, m1 = _case(inputs, "krumme_holukuluku")
    ls = cms_decomposition(x0, x1, m0, m1)
    ss = cms_decomposition(x0, x1, m0, m1, method="shift_share")
    assert ls.components["market_distribution"] == 0.0
    assert_allclose(ls.components[["market_growth", "commodity_composition", "competitiveness"]],
                    ss.components.to_numpy())


# -- hand-computed two-by-two example -------------------------------------------------------------
@pytest.fixture
def two_by_two():
    """Two products (a, b) and two markets (N, S).

    X0 = [[10, 10], [0, 20]], X1 = [[12, 18], [0, 30]]
    M0 = [[100, 100], [50, 250]], M1 = [[110, 150], [50, 340]]
    """
    idx, cols = ["a", "b"], ["N", "S"]
    x0 = pd.DataFrame([[10.0, 10.0], [0.0, 20.0]], idx, cols)
    x1 = pd.DataFrame([[12.0, 18.0], [0.0, 30.0]], idx, cols)
    m0 = pd.DataFrame([[100.0, 100.0], [50.0, 250.0]], idx, cols)
    m1 = pd.DataFrame([[110.0, 150.0], [50.0, 340.0]], idx, cols)
    return x0, x1, m0, m1


def test_leamer_stern_by_hand(two_by_two):
    """Total market 500 -> 650: r = 0.3. Product markets: a 200 -> 260 (r_a = 0.3),
    b 300 -> 390 (r_b = 0.3). Cells: r_aN = 0.1, r_aS = 0.5, r_bN = 0, r_bS = 0.36.

    market growth 0.3 * 40 = 12; commodity composition (0.3-0.3)*20 + (0.3-0.3)*20 = 0;
    market distribution (0.1-0.3)*10 + (0.5-0.3)*10 + (0.36-0.3)*20 = -2 + 2 + 1.2 = 1.2;
    competitiveness: change 20 - 12 - 0 - 1.2 = 6.8
    (cell by cell: 2 - 1 = 1, 8 - 5 = 3, 10 - 7.2 = 2.8).
    """
    res = cms_decomposition(*two_by_two)
    assert_allclose(res.components.to_numpy(), [12.0, 0.0, 1.2, 6.8], atol=1e-12)
    assert res.total == 20.0
    assert_allclose(res.detail.loc[("a", "N"), "competitiveness"], 1.0)
    assert_allclose(res.detail.loc[("b", "S"), "competitiveness"], 2.8)
    assert_allclose(res.supplementary["constant_share_exports"], 52.0)


def test_fagerberg_sollie_by_hand(two_by_two):
    """Cell shares s0 = [.1, .1, 0, .08], s1 = [12/110, .12, 0, 30/340]; market weights
    w0 = [.2, .2, .1, .5], w1 = [110, 150, 50, 340]/650. S0 = 40/500 = .08, S1 = 60/650.

    competitiveness = sum w0 ds; structure = sum s0 dw; adaptation = sum ds dw.
    """
    res = cms_decomposition(*two_by_two, method="fagerberg_sollie")
    s0 = np.array([0.1, 0.1, 0.0, 0.08])
    s1 = np.array([12 / 110, 0.12, 0.0, 30 / 340])
    w0 = np.array([0.2, 0.2, 0.1, 0.5])
    w1 = np.array([110, 150, 50, 340]) / 650
    assert_allclose(res.components.to_numpy(),
                    [w0 @ (s1 - s0), s0 @ (w1 - w0), (s1 - s0) @ (w1 - w0)], rtol=1e-12)
    assert_allclose(res.total, 60 / 650 - 0.08, rtol=1e-12)
    assert_allclose(res.components.sum(), res.total, rtol=1e-12)
    # milana: mid-point weights, no interaction term
    mil = cms_decomposition(*two_by_two, method="milana")
    assert_allclose(mil.components.to_numpy(),
                    [(w0 + w1) / 2 @ (s1 - s0), (s0 + s1) / 2 @ (w1 - w0)], rtol=1e-12)
    assert_allclose(mil.total, res.total)


def test_scalar_dutch_exports_against_eda_procurement():
    """Documented in docs/methodology/trade.rst: EUR 2.10 bn -> 3.672 bn exports, market
    EUR 34.362 bn -> 100 bn: constant-share exports 2.10 * 100 / 34.362 = 6.111 bn."""
    res = cms_decomposition(2.10e9, 3.672e9, 34.362e9, 100e9)
    assert_allclose(res.components["market_growth"], 2.10e9 * (100 / 34.362 - 1), rtol=1e-12)
    assert_allclose(res.components["competitiveness"],
                    3.672e9 - 2.10e9 * 100 / 34.362, rtol=1e-12)
    assert res.components[["commodity_composition", "market_distribution"]].abs().max() == 0
    fs = cms_decomposition(2.10e9, 3.672e9, 34.362e9, 100e9, method="fagerberg_sollie")
    assert_allclose(fs.components["competitiveness"], 3.672 / 100 - 2.10 / 34.362, rtol=1e-12)
    assert fs.components[["market_structure", "market_adaptation"]].abs().max() == 0


def test_market_by_destination_only():
    x0 = pd.DataFrame({"EU": [10.0], "US": [5.0]}, index=["all"])
    x1 = pd.DataFrame({"EU": [12.0], "US": [5.0]}, index=["all"])
    m0 = pd.DataFrame({"EU": [100.0], "US": [100.0]}, index=["all"])
    m1 = pd.DataFrame({"EU": [150.0], "US": [100.0]}, index=["all"])
    res = cms_decomposition(x0, x1, m0, m1)
    # r = 0.25; commodity 0 (one product); distribution (0.5-0.25)*10 + (0-0.25)*5 = 1.25
    assert_allclose(res.components.to_numpy(), [3.75, 0.0, 1.25, -3.0])


# -- properties ------------------------------------------------------------------------------------
_SHAPES = [(r, c) for r in range(1, 5) for c in range(1, 5)]
#: Exports (>= 0) and the market beyond them (> 0) of each shape, and the frames' labels: the
#: strategies and indexes are built once, not for every example
_EXPORTS = {shape: hnp.arrays(np.float64, shape, elements=st.floats(
    0.0, 1e6, allow_nan=False, allow_infinity=False)) for shape in _SHAPES}
_BEYOND = {shape: hnp.arrays(np.float64, shape, elements=st.floats(1e-3, 1e6))
           for shape in _SHAPES}
_PRODUCTS = [pd.Index([f"p{i}" for i in range(n)]) for n in range(5)]
_MARKETS = [pd.Index([f"c{j}" for j in range(n)]) for n in range(5)]


def _frames(draw, shape):
    arrays = [draw(_EXPORTS[shape]) for _ in range(2)]
    markets = [a + draw(_BEYOND[shape]) for a in arrays]
    idx, cols = _PRODUCTS[shape[0]], _MARKETS[shape[1]]
    return [pd.DataFrame(a, idx, cols) for a in (*arrays, *markets)]


@st.composite
def cms_inputs(draw):
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return _frames(draw, shape)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cms_inputs(), st.sampled_from(CMS_METHODS))
def test_components_sum_to_total(frames, method):
    res = cms_decomposition(*frames, method=method)
    scale = max(1.0, abs(res.total), float(res.components.abs().max()))
    assert abs(res.components.sum() - res.total) <= 1e-9 * scale
    assert_allclose(res.detail.sum().to_numpy(), res.components.to_numpy(),
                    rtol=1e-9, atol=1e-9 * scale)
    x0, x1, m0, m1 = frames
    if method in ("leamer_stern", "shift_share"):
        assert res.total == pytest.approx(x1.to_numpy().sum() - x0.to_numpy().sum())
    else:
        assert res.total == pytest.approx(x1.to_numpy().sum() / m1.to_numpy().sum()
                                          - x0.to_numpy().sum() / m0.to_numpy().sum())


@settings(max_examples=30, deadline=None)
@given(cms_inputs(), st.floats(0.1, 10.0))
def test_leamer_stern_invariant_to_market_units(frames, factor):
    """Only market growth rates enter: rescaling both market tables changes nothing."""
    x0, x1, m0, m1 = frames
    a = cms_decomposition(x0, x1, m0, m1)
    b = cms_decomposition(x0, x1, m0 * factor, m1 * factor)
    assert_allclose(a.components.to_numpy(), b.components.to_numpy(), rtol=1e-9, atol=1e-6)


def test_constant_shares_mean_no_competitiveness(two_by_two):
    x0, _x1, m0, m1 = two_by_two
    x1 = x0 * m1 / m0  # every cell keeps its share
    for method in ("leamer_stern", "fagerberg_sollie", "milana"):
        res = cms_decomposition(x0, x1, m0, m1, method=method)
        assert abs(res.components["competitiveness"]) < 1e-12
    # shift-share's competitive effect also holds Leamer-Stern's market distribution (1.2)
    ss = cms_decomposition(x0, x1, m0, m1, method="shift_share")
    assert_allclose(ss.components["competitive_effect"], 1.2)
    fs = cms_decomposition(x0, x0 * 1.5, m0, m0 * 2, method="fagerberg_sollie")
    assert fs.components[["market_structure", "market_adaptation"]].abs().max() < 1e-15


# -- result object ------------------------------------------------------------------------------
def test_result_object(two_by_two):
    res = cms_decomposition(*two_by_two)
    assert isinstance(res, CMSResult)
    assert tuple(res.components.index) == CMS_COMPONENTS["leamer_stern"]
    frame = res.to_frame()
    assert list(frame.columns) == ["method", "component", "value", "share_of_total"]
    assert frame["component"].tolist()[-1] == "total"
    assert "market_distribution" in res.summary() and "Leamer" in res.summary()
    assert "<table" in res._repr_html_()
    assert abs(res.residual) < 1e-12
    with pytest.raises(AttributeError):
        res.total = 0.0  # frozen


def test_plot(two_by_two):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = cms_decomposition(*two_by_two, method="milana").plot()
    gids = {p.get_gid() for p in ax.patches}
    assert {"component-competitiveness", "component-structure", "total"} <= gids
    plt.close("all")


# -- bad inputs ---------------------------------------------------------------------------------
def test_unknown_method(two_by_two):
    with pytest.raises(InputError, match="did you mean 'leamer_stern'"):
        cms_decomposition(*two_by_two, method="leamer-stern")


def test_mismatched_shapes(two_by_two):
    x0, x1, m0, m1 = two_by_two
    with pytest.raises(InputError, match="shape") as err:
        cms_decomposition(x0, x1.iloc[:1], m0, m1)
    assert "X1" in err.value.columns


def test_mismatched_labels(two_by_two):
    x0, x1, m0, m1 = two_by_two
    with pytest.raises(InputError, match="column labels differ"):
        cms_decomposition(x0, x1, m0.rename(columns={"S": "South"}), m1)
    with pytest.raises(InputError, match="row labels differ"):
        cms_decomposition(x0, x1, m0, m1.rename(index={"a": "A"}))


def test_negative_markets(two_by_two):
    x0, x1, m0, m1 = two_by_two
    m1 = m1.copy()
    m1.loc["a", "N"] = -1.0
    with pytest.raises(InputError, match="markets must be >= 0") as err:
        cms_decomposition(x0, x1, m0, m1)
    assert err.value.problems[0].rows == (("a", "N"),)


def test_missing_values_and_mixed_types(two_by_two):
    x0, x1, m0, m1 = two_by_two
    x0 = x0.copy()
    x0.loc["b", "S"] = np.nan
    with pytest.raises(InputError, match="finite"):
        cms_decomposition(x0, x1, m0, m1)
    with pytest.raises(InputError, match="must all be DataFrames, all Series or all numbers"):
        cms_decomposition(1.0, 2.0, m0, m1)
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        cms_decomposition("1", "2", "3", "4")


def test_exports_to_an_empty_market(two_by_two):
    x0, x1, m0, m1 = two_by_two
    m0 = m0.copy()
    m0.loc["a", "N"] = 0.0
    with pytest.raises(InputError, match="exports to an empty market"):
        cms_decomposition(x0, x1, m0, m1)
    with pytest.raises(InputError, match="total market must be > 0"):
        cms_decomposition(0.0, 1.0, 0.0, 5.0)


def test_empty_cells_without_exports_are_allowed():
    x0 = pd.Series({"a": 1.0, "b": 0.0})
    m0 = pd.Series({"a": 10.0, "b": 0.0})
    res = cms_decomposition(x0, x0 * 2, m0, m0 * 2)
    assert np.isfinite(res.components).all()
    assert_allclose(res.components.sum(), 1.0)
