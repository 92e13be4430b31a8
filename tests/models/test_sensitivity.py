"""Tests of the Sobol' engine and of scenario discovery (nldtib_forecast.analysis.sensitivity).

Reference values: tests/models/results/sensitivity_ishigami_reference.csv (analytic Ishigami
indices, Ishigami & Homma 1990 / Sobol' & Levitan 1999; SALib's stored estimate, SALib
tests/test_cli_analyze.py); see README_sensitivity.md. The estimator itself is checked against
scipy.stats.sobol_indices on identical evaluations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nldtib_forecast import InputError
from nldtib_forecast.analysis.sensitivity import (
    DiscoveryResult,
    discover_rules,
    sobol_estimates,
    sobol_indices,
)

RESULTS = Path(__file__).parent / "results"


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(RESULTS / "sensitivity_ishigami_reference.csv").set_index(
        ["index", "factor"])


@pytest.fixture(scope="module")
def ishigami_result():
    return sobol_indices(ishigami, ["x1", "x2", "x3"], n=2**14, seed=20260521,
                         n_bootstrap=300)


def test_reference_file_holds_the_analytic_formulas(reference):
    a, b, pi = 7.0, 0.1, np.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + b * pi**4 / 5) ** 2, a**2 / 8, 8 * b**2 * pi**8 / 225
    expected = [v1 / v, v2 / v, 0.0, (v1 + v13) / v, v2 / v, v13 / v]
    np.testing.assert_allclose(reference["analytic"].to_numpy(), expected, rtol=1e-15)
    # the rounded values quoted in the literature
    np.testing.assert_allclose(reference["analytic"].round(4).to_numpy(),
                               [0.3139, 0.4424, 0.0, 0.5576, 0.4424, 0.2437])


def test_ishigami_indices_match_the_analytic_values(ishigami_result, reference):
    got = ishigami_result.indices.loc[0]
    for idx in ("S1", "ST"):
        truth = reference.loc[idx, "analytic"]
        np.testing.assert_allclose(got[idx].to_numpy(), truth.to_numpy(), atol=0.012)
        # the 95% bootstrap intervals cover the truth
        assert (got[f"{idx}_lower"] <= truth + 0.005).all()
        assert (got[f"{idx}_upper"] >= truth - 0.005).all()


def test_ishigami_indices_agree_with_salib_within_its_interval(ishigami_result, reference):
    got = ishigami_result.indices.loc[0]
    for idx in ("S1", "ST"):
        ref = reference.loc[idx]
        diff = (got[idx] - ref["salib_estimate"]).abs()
        assert (diff <= ref["salib_conf95"] + 0.015).all()


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_estimator_equals_scipy_on_the_same_evaluations(n_outputs):
    rng = np.random.default_rng(7)
    n, d = 2**10, 3
    a, b = rng.random((n, d)), rng.random((n, d))
    ab = np.stack([np.where(np.arange(d) == i, b, a) for i in range(d)])  # (d, n, d)

    def f(u):
        base = ishigami(u.reshape(-1, d)).reshape(u.shape[:-1])
        return np.stack([base * (k + 1) + k for k in range(n_outputs)], axis=-1)

    f_a, f_b, f_ab = f(a), f(b), f(ab)
    first, total = sobol_estimates(f_a, f_b, f_ab)
    ref = stats.sobol_indices(func={"f_A": f_a.T, "f_B": f_b.T, "f_AB": f_ab.transpose(0, 2, 1)},
                              n=n)
    np.testing.assert_allclose(first, np.atleast_2d(ref.first_order).T, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(total, np.atleast_2d(ref.total_order).T, rtol=1e-10, atol=1e-13)
    one_first, _ = sobol_estimates(f_a[:, 0], f_b[:, 0], f_ab[..., 0])
    np.testing.assert_allclose(one_first, first[:, 0], rtol=1e-14)


def test_groups_of_a_linear_model():
    # Y = sum c_i X_i with X_i ~ U(0, 1): S_i = ST_i = c_i^2 / sum c^2; a group adds up
    c = np.array([1.0, 2.0, 3.0, 0.5])

    def linear(u):
        return u @ c

    res = sobol_indices(linear, {"a": 1, "bc": 2, "d": 1}, n=2**13, seed=3, n_bootstrap=0)
    truth = np.array([c[0] ** 2, c[1] ** 2 + c[2] ** 2, c[3] ** 2]) / (c**2).sum()
    np.testing.assert_allclose(res.indices["S1"].to_numpy(), truth, atol=0.01)
    np.testing.assert_allclose(res.indices["ST"].to_numpy(), truth, atol=0.01)
    assert res.indices["S1_lower"].isna().all()  # no bootstrap
    assert list(res.factors["dims"]) == [1, 2, 1] and res.n_evaluations == 2**13 * 5


def test_many_outputs_in_one_pass_equal_separate_runs():
    def two(u):
        return np.column_stack([ishigami(u), u[:, 0] + 2 * u[:, 2]])

    both = sobol_indices(two, ["x1", "x2", "x3"], n=2**9, seed=5, n_bootstrap=20,
                         outputs=pd.Index([2030, 2035], name="year"))
    first = sobol_indices(ishigami, ["x1", "x2", "x3"], n=2**9, seed=5, n_bootstrap=20)
    np.testing.assert_allclose(both.indices.loc[2030, ["S1", "ST"]].to_numpy(),
                               first.indices.loc[0, ["S1", "ST"]].to_numpy(), rtol=1e-12)
    assert both.indices.index.names == ["year", "factor"]
    chunked = sobol_indices(two, ["x1", "x2", "x3"], n=2**9, seed=5, n_bootstrap=20,
                            outputs=[2030, 2035], chunk_rows=100)
    np.testing.assert_allclose(chunked.indices.to_numpy(), both.indices.to_numpy(), rtol=1e-12)


def test_constant_output_gives_missing_indices_and_seeded_runs_repeat():
    def half_constant(u):
        return np.column_stack([np.zeros(len(u)), u[:, 0]])

    res = sobol_indices(half_constant, ["x", "y"], n=2**6, seed=1, n_bootstrap=10)
    assert res.indices.loc[0].isna().all().all()
    assert res.indices.loc[(1, "x"), "ST"] == pytest.approx(1.0, abs=0.05)
    again = sobol_indices(half_constant, ["x", "y"], n=2**6, seed=1, n_bootstrap=10)
    pd.testing.assert_frame_equal(res.indices, again.indices)


def test_result_presentation(ishigami_result):
    import matplotlib

    matplotlib.use("Agg")
    text = ishigami_result.summary()
    assert "x1" in text and "Jansen" in text
    long = ishigami_result.to_frame()
    assert set(long.columns) == {"output", "factor", "index", "statistic", "value"}
    assert len(long) == 3 * 2 * 3
    ax = ishigami_result.plot()
    gids = {p.get_gid() for p in ax.patches}
    assert {"ST-x1", "S1-x3"} <= gids
    assert "<table" in ishigami_result._repr_html_()
    assert ishigami_result.table().index[0] == "x1"  # largest total index first


def test_bad_inputs():
    with pytest.raises(InputError, match="power of 2"):
        sobol_indices(ishigami, ["a", "b", "c"], n=1000)
    with pytest.raises(InputError, match="unique factor names"):
        sobol_indices(ishigami, ["a", "a", "c"], n=64)
    with pytest.raises(InputError, match="level"):
        sobol_indices(ishigami, ["a", "b", "c"], n=64, level=1.5)
    with pytest.raises(InputError, match="not finite"):
        sobol_indices(lambda u: np.full(len(u), np.nan), ["a"], n=64)
    with pytest.raises(InputError, match="outputs"):
        sobol_indices(ishigami, ["a", "b", "c"], n=64, outputs=[1, 2])
    with pytest.raises(InputError, match="seed"):
        sobol_indices(ishigami, ["a", "b", "c"], n=64, seed="x")


# --------------------------------------------------------------------------------------------
# Scenario discovery
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def box_problem():
    rng = np.random.default_rng(0)
    x = rng.random((4000, 3))
    y = (x[:, 0] >= 0.6) & (x[:, 1] <= 0.3)  # a box in the first two inputs; x2 irrelevant
    return x, y


def test_prim_recovers_a_box(box_problem):
    x, y = box_problem
    limits = np.array([[0.0, 1.0]] * 3)
    boxes, chosen = discover_rules(x, y, ["a", "b", "c"], limits, min_density=0.9)
    best = boxes.loc[chosen]
    assert best["density"] >= 0.9 and best["coverage"] >= 0.8
    assert best["a_lower"] == pytest.approx(0.6, abs=0.03)
    assert best["b_upper"] == pytest.approx(0.3, abs=0.03)
    assert "c" not in best["rule"] and best["rule"].startswith("a >= 0.")
    assert boxes["mass"].is_monotonic_decreasing and boxes.loc[0, "rule"] == "(no restriction)"


def test_tree_recovers_a_box(box_problem):
    x, y = box_problem
    boxes, chosen = discover_rules(x, y, ["a", "b", "c"], np.array([[0.0, 1.0]] * 3),
                                   method="tree", max_depth=2)
    best = boxes.loc[chosen]
    assert best["density"] == 1.0 and best["coverage"] == 1.0
    assert best["rule"].startswith("a > 0.6") and " and b <= 0.29" in best["rule"]
    assert best["a_lower"] == pytest.approx(0.6, abs=0.01)
    assert best["b_upper"] == pytest.approx(0.3, abs=0.01) and best["c_upper"] == 1.0


def test_discovery_result_and_bad_options(box_problem):
    import matplotlib

    matplotlib.use("Agg")
    x, y = box_problem
    limits = np.array([[0.0, 1.0]] * 3)
    boxes, chosen = discover_rules(x, y, ["a", "b", "c"], limits)
    res = DiscoveryResult(boxes, chosen, pd.DataFrame(limits, index=list("abc"),
                                                      columns=["lower", "upper"]),
                          "toy target", "PRIM (peeling)", len(y), 0, float(y.mean()))
    assert res.rule == boxes.loc[chosen, "rule"] and "coverage" in res.summary()
    assert res.to_frame()["chosen"].sum() == 1
    assert res.plot().lines[0].get_gid() == "chosen"
    nothing = discover_rules(x, np.zeros(len(y), bool), ["a", "b", "c"], limits,
                             method="tree")
    assert nothing[1] is None and len(nothing[0]) == 0
    with pytest.raises(InputError, match="did you mean 'prim'"):
        discover_rules(x, y, ["a", "b", "c"], limits, method="prin")
    with pytest.raises(InputError, match="alpha"):
        discover_rules(x, y, ["a", "b", "c"], limits, alpha=0.7)
