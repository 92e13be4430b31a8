"""Tests of statistical disclosure control: primary rules, secondary suppression, tabulate.

The protection itself is tested as an intruder would attack it: for random tables, each
suppressed cell is bounded by a linear programme built here, independently of the module's
audit (all cells are variables, published cells are fixed by their bounds), and must not be
determined.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.survey import DisclosureRules, cell_status, suppress_secondary, tabulate
from nldtib_forecast.survey._disclosure import TOTAL, audit_suppression

# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def one_cell(values, rules, firm=None, **kwargs):
    """cell_status of a single cell 'a' with the given contributions."""
    x = pd.Series(values, dtype=float)
    cells = pd.Series("a", index=x.index, name="cell")
    f = None if firm is None else pd.Series(firm, index=x.index)
    return cell_status(x, cells, rules, firm=f, **kwargs).loc["a"]


def long_table(interior: np.ndarray, primary: np.ndarray) -> pd.DataFrame:
    """A 2-D table with margins in long format (row, col, value, status)."""
    n_r, n_c = interior.shape
    rows = [f"r{i}" for i in range(n_r)] + [TOTAL]
    cols = [f"c{j}" for j in range(n_c)] + [TOTAL]
    full = np.zeros((n_r + 1, n_c + 1))
    full[:n_r, :n_c] = interior
    full[:n_r, n_c] = interior.sum(axis=1)
    full[n_r, :n_c] = interior.sum(axis=0)
    full[n_r, n_c] = interior.sum()
    prim = np.zeros_like(full, dtype=bool)
    prim[:n_r, :n_c] = primary
    records = [
        {"row": rows[i], "col": cols[j], "value": full[i, j],
         "status": "primary" if prim[i, j] else "publish"}
        for i in range(n_r + 1) for j in range(n_c + 1)
    ]
    return pd.DataFrame.from_records(records)


def intruder_bounds(table: pd.DataFrame) -> dict:
    """Min and max of every suppressed cell from the published cells, all cells as variables.

    The 2 K programmes (each of the K suppressed cells minimised and maximised) are
    independent, so they are solved as one block-diagonal programme over 2 K copies of the
    cells (the sum of independent objectives is minimal exactly when every copy is: the same
    optima as 2 K separate ``linprog`` calls, in one). Every suppressed cell is boxed in
    ``[0, M]`` with ``M`` a million times the table's grand sum, so that an unbounded maximum
    cannot make the whole programme unbounded. The box only narrows the intervals (it keeps
    the true table feasible), so an interval found wide here is wide without it: the test
    cannot pass a cell that the unboxed programme would determine.
    """
    rows = list(dict.fromkeys(table["row"]))
    cols = list(dict.fromkeys(table["col"]))
    pos = {(r, c): k for k, (r, c) in enumerate(zip(table["row"], table["col"], strict=True))}
    n = len(table)
    eqs = []
    for r in rows:  # each row (total row included) adds up to its total
        a = np.zeros(n)
        for c in cols:
            a[pos[(r, c)]] = -1.0 if c == TOTAL else 1.0
        eqs.append(a)
    for c in cols:
        a = np.zeros(n)
        for r in rows:
            a[pos[(r, c)]] = -1.0 if r == TOTAL else 1.0
        eqs.append(a)
    suppressed = table["status"].isin(["primary", "secondary"]).to_numpy()
    cells = np.flatnonzero(suppressed)
    k = cells.size
    if k == 0:
        return {}
    box = 1e6 * (1.0 + float(np.abs(table["value"].to_numpy(dtype=float)).sum()))
    bounds = [(0, box) if s else (v, v) for s, v in zip(suppressed, table["value"], strict=True)]
    c = np.zeros((2 * k, n))
    c[np.arange(k), cells] = 1.0  # copy i < k minimises cell i, copy k + i maximises it
    c[k + np.arange(k), cells] = -1.0
    a_eq = sparse.kron(sparse.identity(2 * k, format="csr"), sparse.csr_matrix(np.array(eqs)),
                       format="csr")
    res = linprog(c.ravel(), A_eq=a_eq, b_eq=np.zeros(a_eq.shape[0]), bounds=bounds * (2 * k))
    assert res.status == 0, res.message
    x = res.x.reshape(2 * k, n)
    out = {}
    for i, cell in enumerate(cells):
        out[(table["row"].iloc[cell], table["col"].iloc[cell])] = (x[i, cell], x[k + i, cell])
    return out


# ------------------------------------------------------------------------------------------
# DisclosureRules
# ------------------------------------------------------------------------------------------


def test_default_rules_are_documented_defaults():
    rules = DisclosureRules()
    assert rules.min_frequency == 10
    assert rules.dominance == ((2, 0.85),)
    assert rules.p_percent is None
    assert rules.apply_to_weighted is False
    assert rules.enabled is True
    assert DisclosureRules.off().enabled is False
    assert "unprotected" in DisclosureRules.off().describe()


def test_dominance_list_is_normalised_to_tuple():
    rules = DisclosureRules(dominance=[[1, 0.5], (2, 0.85)])
    assert rules.dominance == ((1, 0.5), (2, 0.85))
    hash(rules)  # frozen and hashable


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_frequency": 0}, "min_frequency"),
        ({"min_frequency": 2.5}, "min_frequency"),
        ({"dominance": ((2, 85),)}, "dominance"),
        ({"dominance": ((0, 0.85),)}, "dominance"),
        ({"dominance": ((2, 0.0),)}, "dominance"),
        ({"dominance": (2, 0.85)}, "dominance"),
        ({"p_percent": 10}, "p_percent"),
        ({"p_percent": 1.0}, "p_percent"),
        ({"apply_to_weighted": "yes"}, "apply_to_weighted"),
        ({"min_frequency": None, "dominance": ()}, "enabled"),
    ],
)
def test_bad_rules_raise_input_error_naming_field(kwargs, field):
    with pytest.raises(InputError) as err:
        DisclosureRules(**kwargs)
    assert field in err.value.columns


# ------------------------------------------------------------------------------------------
# Primary suppression
# ------------------------------------------------------------------------------------------


def test_frequency_rule_fires_below_ten_not_at_ten():
    rules = DisclosureRules()  # equal contributions: the (2, 85%) rule does not fire
    nine = one_cell([1.0] * 9, rules)
    ten = one_cell([1.0] * 10, rules)
    assert (nine["status"], nine["rule"], nine["n_contributors"]) == (
        "primary", "min_frequency(10)", 9)
    assert (ten["status"], ten["rule"], ten["n_contributors"]) == ("publish", "", 10)


def test_dominance_rule_known_numbers():
    rules = DisclosureRules(min_frequency=None)
    # 50 + 40 = 90 of 100: 90% > 85% -> sensitive
    fired = one_cell([50, 40, 5, 5], rules)
    assert (fired["status"], fired["rule"]) == ("primary", "dominance(2,85%)")
    # 40 + 30 = 70 of 100: 70% <= 85% -> safe
    assert one_cell([40, 30, 20, 10], rules)["status"] == "publish"
    # exactly at the threshold, 50 + 35 = 85 of 100, is safe (the rule is "exceeds")
    assert one_cell([50, 35, 15], rules)["status"] == "publish"
    # order of the rows does not matter
    assert one_cell([5, 40, 5, 50], rules)["status"] == "primary"


def test_p_percent_rule_worked_example():
    # The p%-rule (Hundepool et al. 2012, sec. 4.2): sensitive when the second largest
    # contributor estimates the largest to within p%, i.e. when T - x1 - x2 < p * x1.
    rules = DisclosureRules(min_frequency=None, dominance=(), p_percent=0.10)
    # x = (100, 50, 5): T = 155, T - x1 - x2 = 5 < 0.10 * 100 = 10 -> sensitive
    fired = one_cell([100, 50, 5], rules)
    assert (fired["status"], fired["rule"]) == ("primary", "p_percent(10%)")
    # x = (100, 50, 15): T - x1 - x2 = 15 >= 10 -> safe
    assert one_cell([100, 50, 15], rules)["status"] == "publish"
    # x = (100, 50, 10): T - x1 - x2 = 10, not < 10 -> safe (boundary)
    assert one_cell([100, 50, 10], rules)["status"] == "publish"
    # A case the (2, 85%) rule misses: p = 50%, x = (60, 11, 10, 10, 9): T = 100,
    # x1 + x2 = 71% <= 85%, but T - x1 - x2 = 29 < 0.5 * 60 = 30 -> sensitive.
    both = DisclosureRules(min_frequency=None, p_percent=0.5)
    assert one_cell([60, 11, 10, 10, 9], both)["rule"] == "p_percent(50%)"


def test_two_85_dominance_implies_p_percent_15():
    # Documented reason why p% is off by default: with (2, 85%) safe, T - x1 - x2 >= 0.15 T
    # >= 0.15 x1, so p% with p <= 15% cannot fire. Check on random cells.
    rng = np.random.default_rng(1)
    both = DisclosureRules(min_frequency=None, p_percent=0.15)
    for _ in range(200):
        x = rng.pareto(1.0, size=rng.integers(1, 8)) + 0.01
        row = one_cell(x, both)
        if "p_percent" in row["rule"]:
            assert "dominance(2,85%)" in row["rule"]


def test_several_rules_report_all_that_fired():
    rules = DisclosureRules(dominance=((1, 0.5), (2, 0.85)), p_percent=0.10)
    row = one_cell([90, 5, 5], rules)
    assert row["rule"] == ("min_frequency(10); dominance(1,50%); dominance(2,85%); "
                           "p_percent(10%)")
    # (1, 50%) fires on 60 of 100, (2, 85%) does not (80 of 100); frequency off
    rules = DisclosureRules(min_frequency=None, dominance=((1, 0.5), (2, 0.85)))
    assert one_cell([60, 20, 10, 10], rules)["rule"] == "dominance(1,50%)"


def test_rows_of_one_firm_count_once():
    rules = DisclosureRules(dominance=())
    values = [1.0] * 10
    firms = ["f0", "f0", *[f"f{i}" for i in range(1, 9)]]  # 10 rows, 9 firms
    assert one_cell(values, rules)["n_contributors"] == 10
    row = one_cell(values, rules, firm=firms)
    assert (row["n_contributors"], row["status"]) == (9, "primary")
    # per-firm sums feed dominance: two rows of 45 make one contributor of 90 -> 90% > 85%
    rules = DisclosureRules(min_frequency=None, dominance=((1, 0.85),))
    assert one_cell([45, 45, 5, 5], rules)["status"] == "publish"
    assert one_cell([45, 45, 5, 5], rules, firm=["a", "a", "b", "c"])["status"] == "primary"


def test_zero_contributions_do_not_count_and_zero_cells_are_published():
    rules = DisclosureRules(dominance=())
    row = one_cell([0.0] * 11 + [5.0], rules)
    assert (row["n_contributors"], row["status"]) == (1, "primary")
    zero = one_cell([0.0] * 12, DisclosureRules())
    assert (zero["n_contributors"], zero["status"]) == (0, "publish")


def test_frequency_table_uses_only_the_frequency_rule():
    # dominated magnitudes, but a frequency table: only the count matters
    row = one_cell([100.0] + [0.0] * 9, DisclosureRules(), magnitude=False)
    assert (row["n_contributors"], row["status"]) == (10, "publish")
    row = one_cell([1.0] * 3, DisclosureRules(), magnitude=False)
    assert row["status"] == "primary"


def test_negative_contributions_count_by_absolute_value():
    rules = DisclosureRules(min_frequency=None)
    assert one_cell([-50, 40, 5, 5], rules)["status"] == "primary"


def test_weighted_contributions_only_when_asked():
    x = pd.Series([40.0, 30, 20, 10])
    w = pd.Series([10.0, 10, 1, 1])
    cells = pd.Series("a", index=x.index)
    plain = DisclosureRules(min_frequency=None)
    weighted = DisclosureRules(min_frequency=None, apply_to_weighted=True)
    # unweighted 70%: safe; weighted (400 + 300) / 730 = 96%: sensitive
    assert cell_status(x, cells, plain, weight=w)["status"].iloc[0] == "publish"
    assert cell_status(x, cells, weighted, weight=w)["status"].iloc[0] == "primary"
    with pytest.raises(InputError) as err:
        cell_status(x, cells, weighted)
    assert "weight" in err.value.columns


def test_cell_status_two_dimensional_cells_and_rules_off():
    x = pd.Series([5.0, 5, 5, 1])
    cells = pd.DataFrame({"area": ["a", "a", "b", "b"], "dom": ["x", "x", "y", "y"]})
    out = cell_status(x, cells)
    assert out.index.names == ["area", "dom"]
    assert list(out.columns) == ["n_contributors", "status", "rule"]
    off = cell_status(x, cells, DisclosureRules.off())
    assert set(off["status"]) == {"unprotected"}


def test_cell_status_bad_inputs():
    x = pd.Series([1.0, np.nan])
    with pytest.raises(InputError) as err:
        cell_status(x, pd.Series(["a", "a"]))
    assert "contributions" in err.value.columns
    with pytest.raises(InputError) as err:
        cell_status(pd.Series([1.0, 2.0]), pd.Series(["a", "a"], index=[5, 6]))
    assert "contributions" in err.value.columns
    with pytest.raises(InputError) as err:
        cell_status(pd.Series([1.0]), pd.Series(["a"]), rules={"min_frequency": 3})
    assert "rules" in err.value.columns


# ------------------------------------------------------------------------------------------
# Secondary suppression
# ------------------------------------------------------------------------------------------


def test_one_dimensional_secondary_suppresses_smallest_other_cell():
    t = pd.DataFrame(
        {"value": [5.0, 40.0, 25.0, 30.0, 100.0],
         "status": ["primary", "publish", "publish", "publish", "publish"]},
        index=pd.Index(["a", "b", "c", "d", TOTAL], name="area"),
    )
    out = suppress_secondary(t)
    assert out["status"].tolist() == ["primary", "publish", "secondary", "publish", "publish"]
    assert out["value"].equals(t["value"])  # values untouched, status only
    audit = audit_suppression(out)
    # a + c = 100 - 40 - 30 = 30, so each lies in [0, 30]
    np.testing.assert_allclose(audit[["lower", "upper"]].to_numpy(), [[0, 30], [0, 30]])
    assert not audit["exposed"].any()


def test_one_dimensional_two_primaries_need_nothing_and_no_margin_needs_nothing():
    t = pd.DataFrame(
        {"value": [5.0, 40.0, 25.0, 70.0], "status": ["primary", "primary", "publish", "publish"]},
        index=pd.Index(["a", "b", "c", TOTAL]),
    )
    assert suppress_secondary(t)["status"].tolist() == t["status"].tolist()
    no_margin = t.iloc[:3]
    assert suppress_secondary(no_margin, margins=False)["status"].tolist() == [
        "primary", "primary", "publish"]


def test_one_dimensional_audit_sees_recoverable_cell():
    t = pd.DataFrame(
        {"value": [np.nan, 40.0, 25.0, 70.0],
         "status": ["primary", "publish", "publish", "publish"]},
        index=pd.Index(["a", "b", "c", TOTAL]),
    )
    audit = audit_suppression(t)  # a = 70 - 40 - 25 = 5 exactly
    np.testing.assert_allclose(audit.loc["a", ["lower", "upper"]].astype(float), [5.0, 5.0])
    assert bool(audit.loc["a", "exposed"])


def test_two_dimensional_hand_made_table_gets_a_rectangle():
    interior = np.array([[20.0, 30, 50], [40, 5, 25], [10, 60, 15]])
    primary = np.zeros((3, 3), dtype=bool)
    primary[1, 1] = True  # r1, c1 = 5
    out = suppress_secondary(long_table(interior, primary), row="row", col="col")
    supp = out.loc[out["status"] != "publish"]
    cells = set(zip(supp["row"], supp["col"], strict=True))
    assert len(cells) >= 4
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    assert any({("r1", "c1"), ("r1", c), (r, "c1"), (r, c)} <= cells for r in rows for c in cols
               if r != "r1" and c != "c1")
    # the cheapest rectangle: r0c0 + r0c1 + r1c0 = 20 + 30 + 40 = 90 (others cost 100..110)
    assert cells == {("r1", "c1"), ("r0", "c0"), ("r0", "c1"), ("r1", "c0")}
    bounds = intruder_bounds(out)
    lo, hi = bounds[("r1", "c1")]
    # shifting +d on r1c1 and r0c0, -d on r0c1 and r1c0 keeps every margin: d in [-5, 30]
    # (r1c1 = 5 >= 0 and r0c1 = 30 >= 0 bind), so the intruder only knows r1c1 in [0, 35]
    np.testing.assert_allclose([lo, hi], [0.0, 35.0], atol=1e-7)
    # before the secondary suppression the row's margin gives r1c1 away: the intruder's
    # programme must see that (it is what the property test relies on)
    lo, hi = intruder_bounds(long_table(interior, primary))[("r1", "c1")]
    np.testing.assert_allclose([lo, hi], [5.0, 5.0], atol=1e-7)


def test_suppress_secondary_bad_inputs():
    t = pd.DataFrame({"value": [1.0, 2.0, 3.0], "status": ["primary", "publish", "publish"]},
                     index=pd.Index(["a", "b", TOTAL]))
    with pytest.raises(InputError) as err:
        suppress_secondary(t, status="state")
    assert "state" in err.value.columns
    bad = t.assign(value=[1.0, 2.0, 4.0])  # 1 + 2 != 4
    with pytest.raises(InputError) as err:
        suppress_secondary(bad)
    assert "value" in err.value.columns
    with pytest.raises(InputError) as err:
        suppress_secondary(t.assign(status=["primary", "hidden", "publish"]))
    assert "status" in err.value.columns
    with pytest.raises(InputError):
        suppress_secondary(t, margins=False)


@st.composite
def random_tables(draw):
    n_r = draw(st.integers(2, 5))
    n_c = draw(st.integers(2, 5))
    # many zeros and small values: the hard cases, where non-negativity pins cells down
    cells = st.one_of(st.just(0), st.integers(0, 5), st.integers(0, 100))
    interior = np.array(draw(st.lists(cells, min_size=n_r * n_c, max_size=n_r * n_c)),
                        dtype=float).reshape(n_r, n_c)
    flags = draw(st.lists(st.booleans(), min_size=n_r * n_c, max_size=n_r * n_c))
    primary = np.array(flags).reshape(n_r, n_c)
    if not primary.any():
        primary[draw(st.integers(0, n_r - 1)), draw(st.integers(0, n_c - 1))] = True
    return interior, primary


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_tables())
def test_property_no_suppressed_cell_can_be_recovered(case):
    interior, primary = case
    table = long_table(interior, primary)
    out = suppress_secondary(table, row="row", col="col")
    supp = out["status"].isin(["primary", "secondary"])
    # primary cells stay primary; only 'publish' cells may become 'secondary'
    assert (out.loc[table["status"] == "primary", "status"] == "primary").all()
    # no suppressed cell is alone in its row or column (margin rows and columns included)
    for key in ("row", "col"):
        counts = supp.groupby(out[key]).sum()
        assert not (counts == 1).any(), counts
    # an intruder cannot determine any suppressed cell: independent LP on the published cells
    scale = max(1.0, interior.sum())
    for cell, (lo, hi) in intruder_bounds(out).items():
        assert lo < hi - 1e-6 * scale, (cell, lo, hi)
    # the module's audit agrees, and needs only the published values
    published_only = out.assign(value=out["value"].where(~supp))
    audit = audit_suppression(published_only, row="row", col="col")
    assert not audit["exposed"].any()


# ------------------------------------------------------------------------------------------
# tabulate
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def survey():
    return synthetic_survey(seed=0, population=False)


def test_tabulate_protects_small_areas(survey):
    t = tabulate(survey, "nld_area", "turnover_ds_eur")
    assert t.index.name == "nld_area"
    assert t.index[-1] == TOTAL
    assert list(t.columns) == ["value", "n_contributors", "status", "rule"]
    assert t.attrs["protected"] is True and t.attrs["year"] == 2025
    assert t.loc["quantum", "status"] == "primary"
    assert "min_frequency(10)" in t.loc["quantum", "rule"]
    assert (t["status"] == "secondary").sum() >= 1
    suppressed = t["status"].isin(["primary", "secondary"])
    assert t.loc[suppressed, "value"].isna().all()
    assert t.loc[suppressed, "n_contributors"].isna().all()
    assert t.loc[~suppressed, "value"].notna().all()
    # the true quantum total appears nowhere in the returned object
    last = survey.loc[survey["year"] == 2025]
    q = last.loc[last["nld_area"] == "quantum"]
    secret = float((q["weight"] * q["turnover_ds_eur"]).sum())
    numbers = t[["value"]].to_numpy(dtype=float).ravel()
    assert not np.isclose(numbers, secret, rtol=1e-9).any()
    assert not any(np.isclose(v, secret) for v in t.attrs.values() if isinstance(v, float))
    # published totals match a direct computation
    r = last.loc[last["nld_area"] == "radars_sensors"]
    assert t.loc["radars_sensors", "value"] == pytest.approx(
        (r["weight"] * r["turnover_ds_eur"]).sum(), rel=1e-12)
    # and the published table resists the audit
    assert not audit_suppression(t).exposed.any()


def test_tabulate_two_dimensional_is_protected(survey):
    t = tabulate(survey, ["nld_area", "domain"], "turnover_ds_eur")
    assert t.index.names == ["nld_area", "domain"]
    assert (TOTAL, TOTAL) in t.index
    assert not audit_suppression(t).exposed.any()
    supp = t["status"].isin(["primary", "secondary"])
    for level in (0, 1):
        counts = supp.groupby(level=level).sum()
        assert not (counts == 1).any()


def test_tabulate_unprotected_is_marked(survey):
    t = tabulate(survey, "nld_area", "turnover_ds_eur", protect=False)
    assert t.attrs["protected"] is False
    assert set(t["status"]) == {"unprotected"}
    assert t["value"].notna().all()
    off = tabulate(survey, "nld_area", "turnover_ds_eur", rules=DisclosureRules.off())
    assert off.attrs["protected"] is False and set(off["status"]) == {"unprotected"}
    pd.testing.assert_series_equal(t["value"], off["value"])


def test_tabulate_count_and_mean(survey):
    counts = tabulate(survey, "nld_area", stat="count", year=2024)
    assert counts.attrs["year"] == 2024
    primary = counts["status"] == "primary"
    assert primary.any() and (counts.loc[primary, "rule"] == "min_frequency(10)").all()
    assert (counts.loc[counts["status"] == "publish", "n_contributors"] >= 10).all()
    last = survey.loc[survey["year"] == 2024]
    pub = counts.loc[counts["status"] == "publish"].drop(TOTAL, errors="ignore")
    for area, row in pub.iterrows():
        assert row["value"] == pytest.approx(last.loc[last["nld_area"] == area, "weight"].sum())
    means = tabulate(survey, "nld_area", "fte_ds", stat="mean")
    o = survey.loc[(survey["year"] == 2025) & (survey["nld_area"] == "other")]
    assert means.loc["other", "value"] == pytest.approx(
        (o["weight"] * o["fte_ds"]).sum() / o["weight"].sum())


def test_tabulate_custom_rules_change_the_result(survey):
    loose = tabulate(survey, "nld_area", "turnover_ds_eur",
                     rules=DisclosureRules(min_frequency=5, dominance=((1, 0.95),)))
    assert loose.loc["quantum", "status"] == "publish"
    assert loose.attrs["rules"] == "min_frequency(5); dominance(1,95%); unweighted contributions"


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"by": "nld_aera", "value": "turnover_ds_eur"}, "nld_aera"),
        ({"by": "nld_area", "value": "turnover"}, "turnover"),
        ({"by": "nld_area", "value": "firm_id"}, "firm_id"),
        ({"by": "nld_area", "value": "turnover_ds_eur", "stat": "median"}, "stat"),
        ({"by": "nld_area", "value": "turnover_ds_eur", "year": 1999}, "year"),
        ({"by": "nld_area", "value": "turnover_ds_eur", "rules": "strict"}, "rules"),
        ({"by": "nld_area"}, "value"),
    ],
)
def test_tabulate_bad_inputs_name_the_key(survey, kwargs, key):
    with pytest.raises(InputError) as err:
        tabulate(survey, **kwargs)
    assert key in str(err.value)


def test_tabulate_empty_cells_and_no_margins(survey):
    t = tabulate(survey, ["nld_area", "domain"], "turnover_ds_eur")
    last = survey.loc[survey["year"] == 2025]
    assert not ((last["nld_area"] == "quantum") & (last["domain"] == "air_space")).any()
    empty = t.loc[("quantum", "air_space")]
    assert (empty["value"], empty["n_contributors"], empty["status"]) == (0.0, 0, "publish")
    bare = tabulate(survey, "nld_area", "turnover_ds_eur", margins=False)
    assert TOTAL not in bare.index
    assert set(bare["status"]) <= {"publish", "primary"}


def test_rules_error_names_only_the_bad_field():
    with pytest.raises(InputError) as err:
        DisclosureRules(dominance=((2, 1.5),))
    assert err.value.columns == ("dominance",)


# ------------------------------------------- the batched audit programme (one HiGHS call)
def _one_by_one(objectives, a_eq, b_eq, nonnegative):
    """The reference: each cell's minimum and maximum in its own linear programme."""
    bounds = (0.0, None) if nonnegative else (None, None)
    out = np.empty((2, len(objectives)))
    for k, c in enumerate(objectives):
        for row, sign in ((0, 1.0), (1, -1.0)):
            res = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            assert res.status in (0, 3)
            out[row, k] = sign * res.fun if res.status == 0 else -sign * np.inf
    return out


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 9), m=st.integers(1, 6),
       nonnegative=st.booleans())
def test_batched_programme_equals_one_programme_per_cell(seed, n, m, nonnegative):
    """_range_lp solves the 2K problems of an audit in one block-diagonal programme; its
    bounds, infinite ones included, are those of 2K separate programmes."""
    from nldtib_forecast.survey._suppression import _range_lp

    rng = np.random.default_rng(seed)
    a_eq = rng.integers(-1, 2, size=(m, n)).astype(float)
    x0 = rng.uniform(0.0, 1.0, n)  # a feasible point (non-negative)
    b_eq = a_eq @ x0
    objectives = rng.integers(0, 2, size=(rng.integers(1, n + 1), n)).astype(float)
    objectives[np.arange(len(objectives)), rng.integers(0, n, len(objectives))] = 1.0
    low, high = _range_lp(objectives, a_eq, b_eq, nonnegative)
    expected = _one_by_one(objectives, a_eq, b_eq, nonnegative)
    np.testing.assert_allclose(low, expected[0], rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(high, expected[1], rtol=1e-7, atol=1e-7)
