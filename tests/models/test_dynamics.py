"""Tests of nldtib_forecast.models.dynamics.decompose_dynamics.

Reference values (see tests/models/results/README_dynamics.md):

* ``dynamics_hand_example.csv`` / ``dynamics_hand_expected.json``: a five-firm example whose
  terms are computed by hand below, from the formulas of the papers;
* ``dynamics_dfvad_reference.csv``: the ``dynamics`` function of the R package dfvad (Zeng),
  run by ``dynamics_dfvad_reference.R`` on two panels with entry, exit and gaps.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from nldtib_forecast import InputError
from nldtib_forecast.models import dynamics
from nldtib_forecast.models.dynamics import COMPONENTS, METHODS, decompose_dynamics

RESULTS = Path(__file__).parent / "results"
COLUMNS = [*COMPONENTS, "total"]
LAYOUTS = ("dense", "sparse")


@contextmanager
def layout(name: str):
    """Force the dense (periods x firms arrays) or the sparse (sorted rows) computation."""
    saved = dynamics._DENSE_FILL, dynamics._DENSE_MIN
    dynamics._DENSE_FILL, dynamics._DENSE_MIN = (10**9, 10**9) if name == "dense" else (-1, -1)
    try:
        yield
    finally:
        dynamics._DENSE_FILL, dynamics._DENSE_MIN = saved


# -- reference cases ----------------------------------------------------------------------------
def test_hand_example():
    """Every term computed by hand (shares are weight / 100 in both years).

    2023: A s=.4 p=2, B s=.3 p=1, C s=.1 p=3, D s=.2 p=.5 (exits)   -> P0 = 1.5
    2025: A s=.3 p=2.5, B s=.3 p=1, C s=.2 p=2, E s=.2 p=4 (enters) -> P1 = 2.25
    """
    panel = pd.read_csv(RESULTS / "dynamics_hand_example.csv")
    expected = json.loads((RESULTS / "dynamics_hand_expected.json").read_text())["methods"]
    P0, P1 = 0.4 * 2 + 0.3 * 1 + 0.1 * 3 + 0.2 * 0.5, 0.3 * 2.5 + 0.3 * 1 + 0.2 * 2 + 0.2 * 4
    assert (P0, P1) == pytest.approx((1.5, 2.25))
    # FHK 2001: reference level P0
    fhk = {
        "within": 0.4 * 0.5 + 0.3 * 0 + 0.1 * (-1),                      # sum s0 dp
        "between": (2 - P0) * -0.1 + (1 - P0) * 0 + (3 - P0) * 0.1,      # sum (p0 - P0) ds
        "cross": -0.1 * 0.5 + 0 * 0 + 0.1 * -1,                          # sum ds dp
        "entry": 0.2 * (4 - P0),                                          # sum_N s1 (p1 - P0)
        "exit": -0.2 * (0.5 - P0),                                        # -sum_X s0 (p0 - P0)
    }
    # Griliches-Regev 1995: averages over the two years, reference P_bar
    Pb = (P0 + P1) / 2
    gr = {
        "within": 0.35 * 0.5 + 0.3 * 0 + 0.15 * -1,                      # sum s_bar dp
        "between": (2.25 - Pb) * -0.1 + (1 - Pb) * 0 + (2.5 - Pb) * 0.1,  # sum (p_bar - P_bar) ds
        "cross": 0.0,
        "entry": 0.2 * (4 - Pb),
        "exit": -0.2 * (0.5 - Pb),
    }
    # Baily-Hulten-Campbell 1992: no reference level, between at end-period values
    bhc = {"within": fhk["within"], "between": -0.1 * 2.5 + 0 * 1 + 0.1 * 2, "cross": 0.0,
           "entry": 0.2 * 4, "exit": -0.2 * 0.5}
    # Melitz-Polanec 2015: continuing firms' aggregates Phi_C0, Phi_C1 (shares .8 in both)
    phi0, phi1 = (0.8 + 0.3 + 0.3) / 0.8, (0.75 + 0.3 + 0.4) / 0.8        # 1.75, 1.8125
    mean0, mean1 = (2 + 1 + 3) / 3, (2.5 + 1 + 2) / 3
    mp = {"within": mean1 - mean0, "between": (phi1 - mean1) - (phi0 - mean0), "cross": 0.0,
          "entry": 0.2 * (4 - phi1), "exit": 0.2 * (phi0 - 0.5)}
    # Diewert-Fox 2010: shares within continuing firms r0 = (.5, .375, .125), r1 = (.375,
    # .375, .25)
    df = {"within": (0.5 + 0.375) / 2 * 0.5 + 0.375 * 0 + (0.125 + 0.25) / 2 * -1,
          "between": 2.25 * (0.375 - 0.5) + 1 * 0 + 2.5 * (0.25 - 0.125), "cross": 0.0,
          "entry": mp["entry"], "exit": mp["exit"]}
    by_hand = {"fhk": fhk, "griliches_regev": gr, "bhc": bhc, "melitz_polanec": mp,
               "diewert_fox": df}
    for method, terms in by_hand.items():
        terms = {**terms, "total": P1 - P0}
        stored = expected[method]["expected"]
        assert_allclose([terms[c] for c in COLUMNS], [stored[c] for c in COLUMNS], atol=1e-15)
        got = decompose_dynamics(panel, "value", "weight", firm="firm", method=method)
        assert list(got.index) == COLUMNS
        assert_allclose(got.to_numpy(), [terms[c] for c in COLUMNS], atol=1e-14,
                        err_msg=method)
        assert got.attrs["n_continuing"] == [3] and got.attrs["n_entry"] == [1]
        assert got.attrs["n_exit"] == [1]


@pytest.mark.parametrize("how", LAYOUTS)
@pytest.mark.parametrize("panel_file", ["dynamics_reference_panel.csv",
                                        "dynamics_random_panel.csv"])
@pytest.mark.parametrize("method", METHODS)
def test_against_dfvad(panel_file, method, how):
    """R package dfvad, function dynamics() (see results/README_dynamics.md)."""
    ref = pd.read_csv(RESULTS / "dynamics_dfvad_reference.csv")
    ref = ref[(ref["panel"] == panel_file) & (ref["method"] == method)]
    assert len(ref) >= 2
    panel = pd.read_csv(RESULTS / panel_file)
    with layout(how):
        got = decompose_dynamics(panel, "tfp", "weight", firm="firm", period="period",
                                 method=method)
    assert list(got.index.get_level_values("to")) == ref["to"].tolist()
    assert_allclose(got[COLUMNS].to_numpy(), ref[COLUMNS].to_numpy(), rtol=0, atol=1e-13)


def test_multi_period_equals_pairwise():
    panel = pd.read_csv(RESULTS / "dynamics_random_panel.csv")
    for method in METHODS:
        full = decompose_dynamics(panel, "tfp", "weight", firm="firm", period="period",
                                  method=method)
        assert full.index.names == ["from", "to"]
        for (a, b), row in full.iterrows():
            pair = decompose_dynamics(panel, "tfp", "weight", firm="firm", period="period",
                                      method=method, periods=[a, b])
            assert_allclose(row.to_numpy(), pair.to_numpy(), atol=1e-14)
            assert pair.attrs["from"] == a and pair.attrs["to"] == b


def test_periods_skip_a_year_and_attrs():
    panel = pd.read_csv(RESULTS / "dynamics_reference_panel.csv")
    d = decompose_dynamics(panel, "tfp", "weight", firm="firm", period="period",
                           periods=[2021, 2023])
    # F01, F02, F06, F08, F09 in both 2021 and 2023; F03, F04 exit; F05, F07 enter
    assert d.attrs["n_continuing"] == [5]
    assert d.attrs["n_exit"] == [2] and d.attrs["n_entry"] == [2]
    lv = d.attrs["levels"]
    assert d["total"] == pytest.approx(lv[2023] - lv[2021], abs=1e-15)


def test_ds_share_application_2023_2025():
    """The docs' application: entrants explain most of the fall of the D&S share."""
    from nldtib_forecast.data import synthetic_survey

    pop = synthetic_survey(seed=0, population=True)
    pop["ds_share"] = pop["turnover_ds_eur"] / pop["turnover_total_eur"]
    for method in ("fhk", "griliches_regev", "melitz_polanec", "diewert_fox"):
        d = decompose_dynamics(pop, "ds_share", "turnover_total_eur", method=method,
                               periods=[2023, 2025])
        assert d.attrs["levels"][2023] == pytest.approx(0.149, abs=0.005)
        assert d.attrs["levels"][2025] == pytest.approx(0.102, abs=0.005)
        assert d["entry"] < 0 and d["entry"] / d["total"] > 0.5
    # the aggregate is total D&S turnover over total turnover
    y = pop[pop.year == 2025]
    assert d.attrs["levels"][2025] == pytest.approx(
        y.turnover_ds_eur.sum() / y.turnover_total_eur.sum(), rel=1e-12)


def test_survey_weight_multiplies_weight():
    panel = pd.read_csv(RESULTS / "dynamics_random_panel.csv")
    rng = np.random.default_rng(3)
    g = pd.Series(rng.uniform(1, 5, panel["firm"].nunique()),
                  index=panel["firm"].unique())
    panel["g"] = panel["firm"].map(g)
    panel["wg"] = panel["weight"] * panel["g"]
    for method in ("fhk", "griliches_regev", "bhc", "diewert_fox"):
        a = decompose_dynamics(panel, "tfp", "weight", "firm", "period", method,
                               survey_weight="g")
        b = decompose_dynamics(panel, "tfp", "wg", "firm", "period", method)
        assert_allclose(a.to_numpy(), b.to_numpy(), atol=1e-13)
    # Melitz-Polanec: the continuing firms' mean becomes the g-weighted mean
    a = decompose_dynamics(panel, "tfp", "weight", "firm", "period", "melitz_polanec",
                           survey_weight="g", periods=[2019, 2020])
    both = panel[panel.firm.isin(set(panel.firm[panel.period == 2019])
                                 & set(panel.firm[panel.period == 2020]))]
    m = both.groupby("period").apply(lambda d: np.average(d.tfp, weights=d.g))
    assert a["within"] == pytest.approx(m[2020] - m[2019], abs=1e-13)


def test_equal_weights_when_weight_is_none():
    panel = pd.read_csv(RESULTS / "dynamics_hand_example.csv")
    d = decompose_dynamics(panel, "value", None, firm="firm", method="melitz_polanec")
    assert d["between"] == pytest.approx(0.0, abs=1e-15)  # no covariance with equal shares
    means = panel.groupby("year")["value"].mean()
    assert d["total"] == pytest.approx(means[2025] - means[2023])


# -- errors ----------------------------------------------------------------------------------
def _hand():
    return pd.read_csv(RESULTS / "dynamics_hand_example.csv")


def test_unknown_method_lists_valid():
    with pytest.raises(InputError, match="valid values: 'fhk', 'griliches_regev'.*"
                                         "did you mean 'melitz_polanec'"):
        decompose_dynamics(_hand(), "value", "weight", firm="firm", method="melitz-polanec")


def test_missing_columns_are_named():
    with pytest.raises(InputError) as err:
        decompose_dynamics(_hand(), "vallue", "wieght", firm="firm_id")
    assert set(err.value.columns) == {"vallue", "wieght", "firm_id"}


def test_negative_weights_and_missing_values():
    p = _hand()
    p.loc[2, "weight"] = -1.0
    p.loc[5, "value"] = np.nan
    with pytest.raises(InputError) as err:
        decompose_dynamics(p, "value", "weight", firm="firm")
    assert set(err.value.columns) == {"weight", "value"}
    assert "negative" in str(err.value) and "2" in str(err.value)


def test_zero_total_weight_in_a_period():
    p = _hand()
    p.loc[p.year == 2025, "weight"] = 0.0
    with pytest.raises(InputError, match="zero .*2025") as err:
        decompose_dynamics(p, "value", "weight", firm="firm")
    assert err.value.columns == ("weight",)


@pytest.mark.parametrize("how", LAYOUTS)
def test_duplicates_missing_labels_and_periods(how):
    p = pd.concat([_hand(), _hand().iloc[[0]]], ignore_index=True)
    with layout(how), pytest.raises(InputError, match="duplicate") as err:
        decompose_dynamics(p, "value", "weight", firm="firm")
    assert err.value.problems[0].rows == (0, 8)
    q = _hand().astype({"firm": object})
    q.loc[1, "firm"] = None
    with pytest.raises(InputError, match="firm labels must not be missing"):
        decompose_dynamics(q, "value", "weight", firm="firm")
    with pytest.raises(InputError, match="2024"):
        decompose_dynamics(_hand(), "value", "weight", firm="firm", periods=[2023, 2024])
    with pytest.raises(InputError, match="at least two periods"):
        decompose_dynamics(_hand()[lambda d: d.year == 2023], "value", "weight", firm="firm")
    with pytest.raises(InputError, match="must be numeric"):
        decompose_dynamics(_hand().assign(value="x"), "value", "weight", firm="firm")


@pytest.mark.parametrize("how", LAYOUTS)
def test_no_continuing_firms(how):
    p = pd.DataFrame({"firm": ["a", "b"], "year": [1, 2], "v": [1.0, 2.0], "w": [1.0, 1.0]})
    with layout(how):
        d = decompose_dynamics(p, "v", "w", firm="firm")  # fhk works: all entry and exit
        assert d["entry"] + d["exit"] == pytest.approx(1.0)
        for method in ("melitz_polanec", "diewert_fox"):
            with pytest.raises(InputError, match=r"no continuing firms.*\(1, 2\)"):
                decompose_dynamics(p, "v", "w", firm="firm", method=method)


def test_zero_weight_continuing_firms():
    p = pd.DataFrame({"firm": ["a", "b", "a", "c"], "year": [1, 1, 2, 2],
                      "v": [1.0, 2.0, 3.0, 4.0], "w": [0.0, 1.0, 1.0, 1.0]})
    with pytest.raises(InputError, match="zero total weight"):
        decompose_dynamics(p, "v", "w", firm="firm", method="diewert_fox")


# -- properties --------------------------------------------------------------------------------
_FINITE = {"allow_nan": False, "allow_infinity": False}
_VALUE = st.floats(-1e3, 1e3, **_FINITE)
_POSITIVE_WEIGHT = st.floats(1e-3, 1e6, **_FINITE)
_FIRM_IDS = np.array([f"f{i}" for i in range(7)], dtype=object)


def _bits(draw, n: int) -> np.ndarray:
    """``n`` fair coin flips from one bytes draw, one choice instead of ``n`` booleans (a zero
    byte, what Hypothesis shrinks towards, gives False). Draw a fixed ``n``: Hypothesis
    replaces a choice that no longer fits a mutated example (bytes of another size) by its
    simplest value, so bytes whose size followed other draws would come out all zero far
    too often."""
    size = (n + 7) // 8
    blob = draw(st.binary(min_size=size, max_size=size))
    return np.unpackbits(np.frombuffer(blob, dtype=np.uint8), count=n).astype(bool)


@st.composite
def panels(draw, full: bool = False):
    """1-7 firms over 2-4 years: each (firm, year) present with probability 1/2 (firm 0 in
    every year), values in [-1e3, 1e3], weights 0 (probability 1/2) or in [1e-3, 1e6] (firm
    0's at least 1). The coin flips of the largest panel come from one bytes draw, and the
    frame is built once from arrays: drawing is cheap."""
    n = draw(st.integers(1, 7))
    T = draw(st.integers(2, 4))
    present, nonzero = _bits(draw, 2 * 7 * 4).reshape(2, 7, 4)[:, :n, :T]
    present[0] = True  # one firm continues throughout (Melitz-Polanec needs one)
    if full:
        present[:] = True
    fi, ti = np.nonzero(present)
    nonzero = nonzero[fi, ti]
    w = np.zeros(len(fi))
    w[nonzero] = [draw(_POSITIVE_WEIGHT) for _ in range(int(nonzero.sum()))]
    values = np.array([draw(_VALUE) for _ in fi], dtype=float)
    w[fi == 0] = np.maximum(w[fi == 0], 1.0)
    return pd.DataFrame({"firm_id": _FIRM_IDS[fi], "year": 2000 + ti,
                         "value": values, "weight": w})


def _values(res) -> np.ndarray:
    """The terms as a (transitions x COLUMNS) array, for one transition (a Series) or more
    (a DataFrame); plain numpy keeps the property tests' own checks cheap."""
    assert list(res.index if isinstance(res, pd.Series) else res.columns) == COLUMNS
    return np.atleast_2d(res.to_numpy())


def _scale(panel) -> float:
    return 1.0 + float(np.abs(panel["value"].to_numpy()).max())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panel=panels(), method=st.sampled_from(METHODS), how=st.sampled_from(LAYOUTS))
def test_components_add_up_to_total(panel, method, how):
    with layout(how):
        res = _values(decompose_dynamics(panel, "value", "weight", method=method))
    scale = _scale(panel)
    total = res[:, len(COMPONENTS)]
    assert_allclose(res[:, :len(COMPONENTS)].sum(axis=1), total, rtol=0, atol=1e-12 * scale)
    # total is the change of the weighted aggregate sum(w p) / sum(w) (years sorted)
    _, year = np.unique(panel["year"].to_numpy(), return_inverse=True)
    v, w = panel["value"].to_numpy(), panel["weight"].to_numpy()
    level = np.bincount(year, weights=v * w) / np.bincount(year, weights=w)
    assert_allclose(total, np.diff(level), rtol=0, atol=1e-12 * scale)


@settings(max_examples=75, deadline=None)
@given(panel=panels(full=True), method=st.sampled_from(METHODS), how=st.sampled_from(LAYOUTS))
def test_no_entry_no_exit(panel, method, how):
    with layout(how):
        res = _values(decompose_dynamics(panel, "value", "weight", method=method))
    entry, exit_ = COLUMNS.index("entry"), COLUMNS.index("exit")
    assert (res[:, entry] == 0).all() and (res[:, exit_] == 0).all()


@settings(max_examples=75, deadline=None)
@given(panel=panels(), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_firm_ids_and_row_order(panel, method, seed):
    rng = np.random.default_rng(seed)
    codes, firms = pd.factorize(panel["firm_id"])
    relabel = rng.permutation(np.array([f"z{i}" for i in range(len(firms))], dtype=object))
    order = rng.permutation(len(panel))  # new firm ids, rows in a random order
    other = pd.DataFrame({"firm_id": relabel[codes][order],
                          **{c: panel[c].to_numpy()[order] for c in ("year", "value",
                                                                      "weight")}})
    a = _values(decompose_dynamics(panel, "value", "weight", method=method))
    b = _values(decompose_dynamics(other, "value", "weight", method=method))
    assert_allclose(a, b, rtol=0, atol=1e-12 * _scale(panel))


@settings(max_examples=75, deadline=None)
@given(panel=panels(), method=st.sampled_from(METHODS),
       factor=st.sampled_from([1e-3, 0.37, 2.0, 1e4]))
def test_invariant_to_weight_scale(panel, method, factor):
    a = _values(decompose_dynamics(panel, "value", "weight", method=method))
    b = _values(decompose_dynamics(panel.assign(weight=panel.weight * factor), "value",
                                   "weight", method=method))
    assert_allclose(a, b, rtol=0, atol=1e-12 * _scale(panel))


@settings(max_examples=75, deadline=None)
@given(panel=panels(), method=st.sampled_from(METHODS))
def test_dense_and_sparse_layouts_agree(panel, method):
    with layout("dense"):
        a = decompose_dynamics(panel, "value", "weight", method=method)
    with layout("sparse"):
        b = decompose_dynamics(panel, "value", "weight", method=method)
    assert_allclose(_values(a), _values(b), rtol=0, atol=1e-12 * _scale(panel))
    assert a.attrs["n_entry"] == b.attrs["n_entry"] and a.attrs["n_exit"] == b.attrs["n_exit"]


def test_integer_and_categorical_ids_and_period_labels():
    """Integer firm ids and periods take a lookup-table path; strings and categoricals hash."""
    panel = pd.read_csv(RESULTS / "dynamics_random_panel.csv")
    base = decompose_dynamics(panel, "tfp", "weight", firm="firm", period="period")
    ints = panel.assign(firm=panel["firm"].str[1:].astype(int))          # lookup table
    spread = panel.assign(firm=panel["firm"].str[1:].astype(int) * 10**6)  # hashed
    cats = panel.assign(firm=panel["firm"].astype("category"),
                        period=pd.PeriodIndex(panel["period"].astype(str), freq="Y"))
    for other in (ints, spread, cats):
        got = decompose_dynamics(other, "tfp", "weight", firm="firm", period="period")
        assert_allclose(got.to_numpy(), base.to_numpy(), rtol=0, atol=1e-14)
    got = decompose_dynamics(cats, "tfp", "weight", firm="firm", period="period",
                             periods=[pd.Period("2019", "Y"), pd.Period("2021", "Y")])
    assert got.attrs["to"] == pd.Period("2021", "Y")
