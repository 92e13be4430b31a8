"""Tests of continuing_firms_reconciliation: the letter's +21.5% read as continuing firms' growth.

Expected values are worked out by hand from the published figures (L26: EUR 8.0 bn in 2024,
10.2 bn in 2025, "+21.5%"), each lying within half its last digit (AUDIT_TOLERANCES).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import continuing_firms_reconciliation, load_published

T0, T1, G = 8.0e9, 10.2e9, 0.215  # L26 levels (resolution 0.1 bn) and stated rate (0.1 pt)
T0_IV, T1_IV, G_IV = (7.95e9, 8.05e9), (10.15e9, 10.25e9), (0.2145, 0.2155)


@pytest.fixture(scope="module")
def rec() -> pd.DataFrame:
    return continuing_firms_reconciliation()


def value(frame: pd.DataFrame, quantity: str, column: str = "value") -> float:
    return float(frame.loc[quantity, column])


def test_layout(rec):
    assert rec.index.name == "quantity"
    assert list(rec.columns) == ["value", "lower", "upper", "unit", "kind", "note"]
    assert rec.index.is_unique
    assert set(rec["unit"]) == {"EUR", "fraction"}
    assert set(rec["kind"]) == {"published", "assumption", "computed"}
    assert (rec["lower"] <= rec["value"]).all() and (rec["value"] <= rec["upper"]).all()
    assert (rec["note"].str.len() > 20).all()
    assert rec.attrs["source"] == "L26"
    assert (rec.attrs["year_start"], rec.attrs["year"]) == (2024, 2025)
    assert rec.attrs["exit_share"] == 0.0
    assert len(rec.attrs["assumptions"]) == 3


def test_published_inputs(rec):
    assert value(rec, "ds_turnover_start_eur") == T0
    assert value(rec, "ds_turnover_end_eur") == T1
    assert value(rec, "stated_growth") == G
    assert value(rec, "continuing_growth") == G  # the reading being tested
    assert rec.loc["ds_turnover_start_eur", "kind"] == "published"
    assert rec.loc["continuing_growth", "kind"] == "assumption"


def test_central_values_by_hand(rec):
    assert value(rec, "nominal_growth") == pytest.approx(10.2 / 8.0 - 1)  # +27.5%
    assert value(rec, "gap") == pytest.approx(0.275 - 0.215)  # 6.0 points
    assert value(rec, "entry") == pytest.approx(0.06)
    assert value(rec, "exit") == 0.0
    assert value(rec, "net_entry") == pytest.approx(0.06)
    assert value(rec, "entrants_turnover_eur") == pytest.approx(10.2e9 - 8.0e9 * 1.215)  # 0.48
    assert value(rec, "entrants_turnover_eur") == pytest.approx(0.48e9)
    assert value(rec, "entrants_share_of_end") == pytest.approx(0.48 / 10.2)
    assert value(rec, "net_entry_share_of_growth") == pytest.approx(0.06 / 0.275)
    assert value(rec, "implied_start_eur") == pytest.approx(10.2e9 / 1.215)  # 8.395 bn
    assert value(rec, "start_difference_eur") == pytest.approx(10.2e9 / 1.215 - 8.0e9)


def test_identities(rec):
    """Growth of all firms = continuing firms' contribution + entry - exit, exactly."""
    v = rec["value"]
    e = v["exit"]
    assert v["nominal_growth"] == pytest.approx((1 - e) * v["continuing_growth"] + v["entry"]
                                                - v["exit"])
    assert v["net_entry"] == pytest.approx(v["entry"] - v["exit"])
    assert v["gap"] == pytest.approx(v["nominal_growth"] - v["stated_growth"])
    assert v["entrants_turnover_eur"] == pytest.approx(v["entry"] * v["ds_turnover_start_eur"])
    assert v["entrants_share_of_end"] == pytest.approx(v["entrants_turnover_eur"]
                                                       / v["ds_turnover_end_eur"])
    assert v["implied_start_eur"] * (1 + v["stated_growth"]) == pytest.approx(
        v["ds_turnover_end_eur"])
    assert v["net_entry_share_of_growth"] == pytest.approx(v["net_entry"]
                                                           / v["nominal_growth"])


def test_rounding_bounds(rec):
    """Bounds are the exact extremes over the rounded figures, worked out by hand."""
    assert (value(rec, "ds_turnover_start_eur", "lower"),
            value(rec, "ds_turnover_start_eur", "upper")) == pytest.approx(T0_IV)
    assert (value(rec, "stated_growth", "lower"),
            value(rec, "stated_growth", "upper")) == pytest.approx(G_IV)
    expected = {
        "nominal_growth": (10.15 / 8.05 - 1, 10.25 / 7.95 - 1),  # the audit's 26.1% to 28.9%
        "entry": (10.15 / 8.05 - 1.2155, 10.25 / 7.95 - 1.2145),
        "entrants_turnover_eur": (10.15e9 - 8.05e9 * 1.2155, 10.25e9 - 7.95e9 * 1.2145),
        "entrants_share_of_end": (1 - 8.05 * 1.2155 / 10.15, 1 - 7.95 * 1.2145 / 10.25),
        "implied_start_eur": (10.15e9 / 1.2155, 10.25e9 / 1.2145),
        "start_difference_eur": (10.15e9 / 1.2155 - 8.05e9, 10.25e9 / 1.2145 - 7.95e9),
        "net_entry_share_of_growth": (1 - 0.2155 / (10.15 / 8.05 - 1),
                                      1 - 0.2145 / (10.25 / 7.95 - 1)),
    }
    for quantity, (lo, hi) in expected.items():
        assert value(rec, quantity, "lower") == pytest.approx(lo), quantity
        assert value(rec, quantity, "upper") == pytest.approx(hi), quantity
    # every corner of the rounding box lies inside the bounds
    for t0 in T0_IV:
        for t1 in T1_IV:
            for g in G_IV:
                entrants = t1 - (1 + g) * t0
                assert (value(rec, "entrants_turnover_eur", "lower") - 1
                        <= entrants <= value(rec, "entrants_turnover_eur", "upper") + 1)
    # the reading never needs entry to be zero or negative: +21.5% is not the growth of all
    # firms under any rounding of the published figures
    assert value(rec, "entry", "lower") > 0.04


def test_exits_increase_entry():
    base = continuing_firms_reconciliation()
    with_exits = continuing_firms_reconciliation(exit_share=0.02)
    assert value(with_exits, "exit") == 0.02
    assert value(with_exits, "entry") == pytest.approx(1.275 - 0.98 * 1.215)
    assert value(with_exits, "entry") > value(base, "entry")
    assert value(with_exits, "net_entry") == pytest.approx(value(with_exits, "entry") - 0.02)
    assert value(with_exits, "nominal_growth") == pytest.approx(
        0.98 * 0.215 + value(with_exits, "entry") - 0.02)
    # the other reading does not depend on exits
    assert value(with_exits, "implied_start_eur") == value(base, "implied_start_eur")
    assert "2.0%" in with_exits.loc["exit", "note"]


def test_modified_frame_changes_the_answer():
    pub = load_published()
    base = ((pub.indicator == "ds_turnover_eur") & (pub.year == 2024)
            & (pub.edition == 2026))
    assert base.sum() == 1
    pub.loc[base, ["value", "resolution"]] = [8.39e9, 1e7]
    rec = continuing_firms_reconciliation(pub)
    assert value(rec, "nominal_growth") == pytest.approx(10.2 / 8.39 - 1)
    assert value(rec, "entry") == pytest.approx(10.2 / 8.39 - 1.215)
    assert abs(value(rec, "entry")) < 0.001
    assert value(rec, "entry", "lower") < 0 < value(rec, "entry", "upper")

    growth = (pub.indicator == "ds_turnover_growth") & (pub.year == 2025)
    pub.loc[growth, "value"] = 0.25
    assert value(continuing_firms_reconciliation(pub), "entry") == pytest.approx(
        10.2 / 8.39 - 1.25)


def test_other_year_b24():
    """B24's +62% for 2021 -> 2023 (levels 4.7 and 7.7 bn) is also reconciled."""
    rec = continuing_firms_reconciliation(year=2023)
    assert rec.attrs["source"] == "B24"
    assert (rec.attrs["year_start"], rec.attrs["year"]) == (2021, 2023)
    assert value(rec, "entry") == pytest.approx(7.7 / 4.7 - 1.62)
    # within rounding, B24's growth can be that of all firms: entry may be zero
    assert value(rec, "entry", "lower") < 0 < value(rec, "entry", "upper")


def test_minimal_frame_without_optional_columns():
    frame = pd.DataFrame({
        "indicator": ["ds_turnover_eur", "ds_turnover_eur", "ds_turnover_growth"],
        "year": [2024, 2025, 2025],
        "year_start": [2024, 2025, 2024],
        "value": [8.0e9, 10.2e9, 0.215],
        "unit": ["EUR", "EUR", "fraction"],
        "source": ["L26 p.1"] * 3,
    })
    rec = continuing_firms_reconciliation(frame)
    assert value(rec, "entry") == pytest.approx(0.06)
    # no resolution column: the default resolutions of AUDIT_TOLERANCES (0.1 bn, 1 point)
    assert value(rec, "stated_growth", "lower") == pytest.approx(0.21)


@pytest.mark.parametrize("kwargs, match", [
    ({"published": "L26"}, "DataFrame"),
    ({"published": pd.DataFrame({"indicator": ["x"]})}, "required columns"),
    ({"year": 2019}, "no published D&S turnover growth"),
    ({"year": 2025.5}, "whole number"),
    ({"year": "2025"}, "whole number"),
    ({"exit_share": -0.1}, r"\[0, 1\)"),
    ({"exit_share": 1.0}, r"\[0, 1\)"),
    ({"exit_share": True}, "number"),
    ({"exit_share": "0.1"}, "number"),
])
def test_bad_input_raises(kwargs, match):
    with pytest.raises(InputError, match=match):
        continuing_firms_reconciliation(**kwargs)


def test_missing_level_raises():
    pub = load_published()
    pub = pub[~((pub.indicator == "ds_turnover_eur") & (pub.year == 2024))]
    with pytest.raises(InputError, match="levels"):
        continuing_firms_reconciliation(pub, year=2025)
    growth_only = pub[pub.indicator == "ds_turnover_growth"]
    with pytest.raises(InputError, match="no D&S turnover growth rate"):
        continuing_firms_reconciliation(growth_only)


def test_nonpositive_inputs_raise():
    pub = load_published()
    base = (pub.indicator == "ds_turnover_eur") & (pub.year == 2024) & (pub.edition == 2026)
    bad = pub.copy()
    bad.loc[base, "value"] = 0.0
    with pytest.raises(InputError, match="positive"):
        continuing_firms_reconciliation(bad)
    bad = pub.copy()
    bad.loc[(pub.indicator == "ds_turnover_growth") & (pub.year == 2025), "value"] = -1.0
    with pytest.raises(InputError, match="-100%"):
        continuing_firms_reconciliation(bad)


def test_zero_growth_makes_the_share_unbounded():
    pub = load_published()
    end = (pub.indicator == "ds_turnover_eur") & (pub.year == 2025) & (pub.edition == 2026)
    pub.loc[end, "value"] = 8.0e9
    rec = continuing_firms_reconciliation(pub)
    assert value(rec, "nominal_growth") == 0.0
    assert value(rec, "net_entry_share_of_growth", "lower") == -np.inf
    assert value(rec, "net_entry_share_of_growth", "upper") == np.inf
