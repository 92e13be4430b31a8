"""Tests of nldtib_forecast.scenarios: registry, Scenario values, TOML files, validation."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError, _drivers
from nldtib_forecast import scenarios as sc
from nldtib_forecast.scenarios import (
    BUILTIN_NAMES,
    Driver,
    Scenario,
    builtin,
    drivers,
    get_driver,
    load_scenarios,
    parse_scenarios,
    register_driver,
    save_scenarios,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "example.toml"
CAPACITY = ("order_certainty", "procurement_lead_time_months", "labour_supply_growth")


def _error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_scenarios(text, "bad.toml")
    return info.value


# --- registry -------------------------------------------------------------------------------
def test_registry_lists_the_capacity_drivers_with_sources():
    table = drivers("capacity")
    assert list(table.index) == list(CAPACITY)
    assert list(table.columns) == ["unit", "lower", "upper", "default", "improved", "model",
                                   "assumed", "description", "source"]
    assert table.loc["order_certainty", ["lower", "upper"]].tolist() == [0.0, 1.0]
    assert (table["improved"] != table["default"]).all()
    assert table["source"].str.contains("L26").all()  # every level argued from the letter
    assert table["source"].str.contains("assumption").all()  # and marked as an assumption
    assert table["assumed"].all()
    assert set(CAPACITY) <= set(drivers().index)


def test_register_identical_driver_is_a_noop_and_conflicting_one_an_error():
    known = get_driver("order_certainty")
    assert register_driver(Driver(**{**known.__dict__})) is known
    with pytest.raises(InputError, match="already registered.*default"):
        register_driver(Driver(**{**known.__dict__, "default": 0.5}))
    with pytest.raises(InputError, match="expects a Driver"):
        register_driver("order_certainty")


def test_new_driver_registers_and_is_used_by_scenarios():
    d = Driver("test_tariff_rate", "fraction", 0.0, 1.0, 0.1, "A test driver.", "Test.", "test")
    try:
        register_driver(d)
        s = Scenario("tariffs", {"test_tariff_rate": {2026: 0.1, 2027: 0.3}})
        assert s.values([2027])["test_tariff_rate"].tolist() == [0.3]
        assert list(drivers("test").index) == ["test_tariff_rate"]
    finally:
        sc._unregister_driver("test_tariff_rate")


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "Bad Name"}, "must match"),
    ({"default": 2.0}, "outside"),
    ({"improved": -1.0}, "outside"),
    ({"lower": 2.0}, "lower"),
    ({"default": "0.3"}, "must be a number"),
])
def test_driver_definition_is_checked(kwargs, match):
    base = dict(name="x_driver", unit="fraction", lower=0.0, upper=1.0, default=0.3,
                description="d", source="s", model="test")
    with pytest.raises(InputError, match=match):
        Driver(**{**base, **kwargs})


def test_unknown_driver_module_is_imported_on_demand(tmp_path, monkeypatch):
    (tmp_path / "fake_trade_model_xyz.py").write_text(
        "from nldtib_forecast.scenarios import Driver, register_driver\n"
        "register_driver(Driver('test_export_barrier', 'fraction', 0.0, 1.0, 0.2, 'd', 's', "
        "'trade'))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # The loader reads the list where the registry lives (nldtib_forecast._drivers).
    monkeypatch.setattr(_drivers, "_DRIVER_MODULES", ("not_an_existing_module_xyz",
                                                      "fake_trade_model_xyz"))
    try:
        s = Scenario("t", {"test_export_barrier": 0.4})
        assert s.drivers["test_export_barrier"] == 0.4
    finally:
        sc._unregister_driver("test_export_barrier")
        sys.modules.pop("fake_trade_model_xyz", None)


# --- paths and values -----------------------------------------------------------------------
def test_path_interpolates_linearly_and_is_flat_outside():
    s = Scenario("p", {"procurement_lead_time_months": {2028: 12, 2026: 24},
                       "order_certainty": 0.6})
    path = s.path("procurement_lead_time_months", range(2024, 2031))
    assert path.index.name == "year" and path.name == "procurement_lead_time_months"
    assert path.tolist() == [24.0, 24.0, 24.0, 18.0, 12.0, 12.0, 12.0]
    assert s.path("order_certainty", [2020, 2040]).tolist() == [0.6, 0.6]
    # unset driver: registry default
    assert s.path("labour_supply_growth", [2030]).tolist() == [0.01]
    single = Scenario("single", {"order_certainty": {2027: 0.5}})
    assert single.path("order_certainty", [2020, 2027, 2035]).tolist() == [0.5] * 3


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(2000, 2060), st.floats(0, 1), min_size=1, max_size=6),
       st.lists(st.integers(1990, 2070), min_size=1, max_size=20))
def test_path_stays_within_its_points_and_hits_them(points, years):
    s = Scenario("h", {"order_certainty": points})
    values = s.path("order_certainty", years).to_numpy()
    assert np.all(values >= min(points.values()) - 1e-12)
    assert np.all(values <= max(points.values()) + 1e-12)
    knots = s.path("order_certainty", sorted(points))
    np.testing.assert_allclose(knots.to_numpy(), [points[y] for y in sorted(points)])


def test_values_has_every_driver_with_defaults():
    s = Scenario("v", {"order_certainty": 0.6})
    table = s.values(range(2025, 2028))
    assert list(table.index) == [2025, 2026, 2027] and table.index.name == "year"
    assert list(table.columns[:3]) == list(CAPACITY)
    assert (table["order_certainty"] == 0.6).all()
    assert (table["procurement_lead_time_months"] == 30.0).all()
    assert list(s.values([2030], drivers=["labour_supply_growth"]).columns) == [
        "labour_supply_growth"]
    with pytest.raises(InputError, match="did you mean 'order_certainty'"):
        s.path("order_certanty", [2030])
    with pytest.raises(InputError, match="years"):
        s.values([2025.5])


# --- value semantics ------------------------------------------------------------------------
def test_scenario_is_immutable_and_compares_by_value():
    a = Scenario("a", {"order_certainty": 0.6, "procurement_lead_time_months": {2026: 24}})
    b = Scenario("a", {"procurement_lead_time_months": {"2026": 24.0}, "order_certainty": 0.6})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != a.replace(description="other")
    assert a != Scenario("a", {"order_certainty": 0.6, "procurement_lead_time_months": 24})
    with pytest.raises(AttributeError):
        a.name = "b"
    with pytest.raises(TypeError):
        a.drivers["order_certainty"] = 0.1
    with pytest.raises(TypeError):
        a.drivers["procurement_lead_time_months"][2027] = 1.0
    assert pickle.loads(pickle.dumps(a)) == a


def test_with_drivers_and_replace_return_new_scenarios():
    base = builtin()["current_conditions"]
    new = base.with_drivers({"order_certainty": 0.5}, name="orders", labour_supply_growth=0.02)
    assert new.name == "orders" and new.description == base.description
    assert dict(new.drivers) == {"order_certainty": 0.5, "labour_supply_growth": 0.02}
    assert dict(new.with_drivers(order_certainty=None).drivers) == {"labour_supply_growth": 0.02}
    assert base.drivers == {}  # unchanged
    assert new.replace(drivers={}).drivers == {}
    assert "orders" in repr(new) and "order_certainty" in repr(new)


# --- built-in scenarios ---------------------------------------------------------------------
def test_builtin_scenarios_are_present_documented_and_consistent():
    everything = builtin()
    assert tuple(everything)[: len(BUILTIN_NAMES)] == BUILTIN_NAMES  # model built-ins follow
    found = {n: everything[n] for n in BUILTIN_NAMES}
    assert {"current_conditions", "improved_conditions", "orders_only", "procurement_only",
            "labour_only", "labour_squeeze"} == set(found)
    table = drivers("capacity")
    years = range(2025, 2036)
    for name, s in found.items():
        assert s.name == name and s.description and s.sources
        values = s.values(years, drivers=CAPACITY)
        assert ((values >= table["lower"]) & (values <= table["upper"])).all().all()
    current = found["current_conditions"].values(years, drivers=CAPACITY)
    improved = found["improved_conditions"].values(years, drivers=CAPACITY)
    pd.testing.assert_series_equal(current.iloc[0], table["default"], check_names=False)
    pd.testing.assert_series_equal(improved.loc[2030], table["improved"], check_names=False)
    # phased in: starts at current conditions in 2026, monotone towards the improved level
    pd.testing.assert_series_equal(improved.loc[2026], table["default"], check_names=False)
    assert (improved["order_certainty"].diff().dropna() >= 0).all()
    assert (improved["procurement_lead_time_months"].diff().dropna() <= 0).all()
    for name, driver in [("orders_only", "order_certainty"),
                         ("procurement_only", "procurement_lead_time_months"),
                         ("labour_only", "labour_supply_growth")]:
        single = found[name].values(years, drivers=CAPACITY)
        pd.testing.assert_series_equal(single[driver], improved[driver])
        others = [d for d in CAPACITY if d != driver]
        pd.testing.assert_frame_equal(single[others], current[others])
    squeeze = found["labour_squeeze"].path("labour_supply_growth", years)
    assert squeeze.loc[2030] == -0.01
    assert builtin() == everything  # a fresh, equal copy each call


# --- TOML round trip ------------------------------------------------------------------------
_names = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
_years = st.integers(1990, 2100)


def _value(driver):
    lo, hi = driver.lower, driver.upper
    number = st.one_of(st.floats(lo, hi, allow_nan=False), st.integers(int(np.ceil(lo)),
                                                                       int(np.floor(hi))))
    return st.one_of(number, st.dictionaries(_years, number, min_size=1, max_size=5))


_scenarios = st.builds(
    Scenario, _names,
    st.fixed_dictionaries({}, optional={d: _value(get_driver(d)) for d in CAPACITY}),
    st.text(max_size=60), st.lists(st.text(max_size=30), max_size=3))


@settings(max_examples=80, deadline=None)
@given(_scenarios)
def test_toml_round_trip(tmp_path_factory, scenario):
    path = tmp_path_factory.mktemp("toml") / "s.toml"
    scenario.to_toml(path)
    back = Scenario.from_toml(path)
    assert back == scenario
    assert back.description == scenario.description and back.sources == scenario.sources
    for d in CAPACITY:  # identical values, not merely close
        assert back.path(d, range(1990, 2101, 7)).equals(scenario.path(d, range(1990, 2101, 7)))


def test_several_scenarios_round_trip_and_builtins(tmp_path):
    path = save_scenarios(builtin(), tmp_path / "builtin.toml")
    assert load_scenarios(path) == builtin()
    text = path.read_text(encoding="utf-8")
    assert "[scenarios.improved_conditions.drivers]" in text
    assert "order_certainty = { 2026 = 0.3, 2028 = 0.65 }" in text
    with pytest.raises(InputError, match=f"holds {len(builtin())} scenarios"):
        Scenario.from_toml(path)
    assert Scenario.from_toml(path, "labour_squeeze") == builtin()["labour_squeeze"]
    with pytest.raises(InputError, match="did you mean 'labour_squeeze'"):
        Scenario.from_toml(path, "labour_sqeeze")


def test_example_file_loads():
    found = load_scenarios(EXAMPLE)
    assert list(found) == ["procurement_reform", "slow_reform", "labour_push"]
    reform = found["procurement_reform"]
    assert reform.path("procurement_lead_time_months", [2027]).tolist() == [18.0]
    assert reform.description == "Framework contracts and faster procurement from 2026"


# --- validation -----------------------------------------------------------------------------
def _names_in(err: InputError, *words: str) -> None:
    text = str(err)
    for word in words:
        assert word in text, (word, text)


def test_unknown_driver_suggests_the_nearest_name():
    err = _error("[scenarios.reform.drivers]\norder_certanty = 0.6\n")
    _names_in(err, "bad.toml", "reform", "order_certanty", "did you mean 'order_certainty'")
    assert err.columns == ("scenarios.reform.drivers.order_certanty",)


@pytest.mark.parametrize("value, rule", [
    ("1.4", "outside the valid range [0, 1]"),
    ("-0.1", "outside the valid range"),
    ("{ 2026 = 0.5, 2028 = 1.5 }", "value for year 2028 (1.5) is outside"),
    ("nan", "must be finite"),
    ('"0.6"', "must be a number, got str '0.6'"),
    ("true", "must be a number, got bool"),
    ("[0.3, 0.6]", "must be a number, got list"),
    ("{ 2026 = \"high\" }", "value for year 2026 must be a number"),
    ("{}", "at least one year"),
    ("2026-01-01", "must be a number, got date"),
])
def test_bad_values_name_scenario_driver_and_rule(value, rule):
    err = _error(f"[scenarios.reform.drivers]\norder_certainty = {value}\n")
    _names_in(err, "reform", "order_certainty", rule)


@pytest.mark.parametrize("path, rule", [
    ('{ y2026 = 0.5 }', "year key 'y2026' is not an integer year"),
    ('{ 2026.5 = 0.5 }', "must be a number, got table"),  # a dotted key: {2026: {5: 0.5}}
    ('{ "2026a" = 0.5 }', "not an integer year"),
    ('{ 20260 = 0.5 }', "outside 1900-2200"),
])
def test_non_integer_year_keys_are_rejected(path, rule):
    err = _error(f"[scenarios.reform.drivers]\norder_certainty = {path}\n")
    _names_in(err, "reform", "order_certainty", rule)


def test_python_constructor_reports_the_same_problems_all_at_once():
    with pytest.raises(InputError) as info:
        Scenario("reform", {"order_certainty": 1.4, "labour_supply_growth": {2026.0: 0.01},
                            "procurment_lead_time_months": 12})
    err = info.value
    assert len(err.problems) == 3
    _names_in(err, "scenario 'reform'", "order_certainty", "labour_supply_growth",
              "2026.0", "did you mean 'procurement_lead_time_months'")
    with pytest.raises(InputError, match="year 2026 is given twice"):
        Scenario("dup", {"order_certainty": {2026: 0.3, "2026": 0.4}})
    for bad in ("", "two words", 3):
        with pytest.raises(InputError, match="scenario name"):
            Scenario(bad)
    with pytest.raises(InputError, match="sources"):
        Scenario("s", sources=[1, 2])
    with pytest.raises(InputError, match="description"):
        Scenario("s", description=None)
    with pytest.raises(InputError, match="drivers must be a table"):
        Scenario("s", drivers=[("order_certainty", 0.3)])


def test_malformed_toml_names_line_scenario_and_driver():
    err = _error("[scenarios.reform]\ndescription = \"x\"\n[scenarios.reform.drivers]\n"
                 "order_certainty = 0.6\nprocurement_lead_time_months = { 2026 = 24,, }\n")
    _names_in(err, "bad.toml", "malformed TOML", "line 5",
              "scenarios.reform.drivers.procurement_lead_time_months")
    err = _error("[scenarios.reform\norder_certainty = 0.6\n")
    _names_in(err, "malformed TOML", "line 1")


def test_duplicate_scenario_names_are_rejected(tmp_path):
    err = _error("[scenarios.a]\ndescription = 'x'\n[scenarios.b]\n[scenarios.a]\n"
                 "description = 'y'\n")
    _names_in(err, "malformed TOML", "scenario 'a' is defined twice")
    one, two = tmp_path / "one.toml", tmp_path / "two.toml"
    save_scenarios([Scenario("a"), Scenario("b")], one)
    save_scenarios([Scenario("b", {"order_certainty": 0.4})], two)
    with pytest.raises(InputError, match="'b' is also defined in .*one.toml"):
        load_scenarios([one, two])
    with pytest.raises(InputError, match="duplicate scenario name"):
        save_scenarios([Scenario("a"), Scenario("a", {"order_certainty": 0.4})],
                       tmp_path / "x.toml")


def test_unknown_keys_and_structure_errors():
    err = _error("[scenarios.reform]\ndriver = { order_certainty = 0.6 }\n")
    _names_in(err, "scenarios.reform.driver", "did you mean 'drivers'")
    err = _error("title = 'my file'\n[scenarios.a]\n")
    _names_in(err, "title", "unknown top-level key")
    err = _error("scenarios = 3\n")
    _names_in(err, "must be a table of scenarios")
    err = _error("[scenarios]\nreform = 0.6\n")
    _names_in(err, "scenarios.reform", "must be a table")
    err = _error("[scenarios.reform]\nsources = 3\n")
    _names_in(err, "scenarios.reform.sources", "must be a list of strings")
    # a single string is read as a list of one source
    assert parse_scenarios("[scenarios.r]\nsources = 'L26'\n")["r"].sources == ("L26",)


def test_loading_never_executes_code(tmp_path):
    marker = tmp_path / "executed"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    err = _error(f'[scenarios.evil.drivers]\norder_certainty = "{code}"\n')
    _names_in(err, "evil", "order_certainty", "must be a number, got str")
    # in a description the text stays a plain string
    found = parse_scenarios(f"[scenarios.evil]\ndescription = \"{code}\"\n")
    assert found["evil"].description == code
    assert not marker.exists()


def test_file_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_scenarios(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("[scenarios.a]\ndescription = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_scenarios(bad)
    assert load_scenarios([]) == {}
    assert parse_scenarios("") == {}


def test_register_builtin_rejects_conflicts():
    from nldtib_forecast.scenarios import register_builtin

    with pytest.raises(InputError, match="current_conditions"):
        register_builtin(Scenario("current_conditions", {}))
    existing = builtin()["eu_rearm"]
    register_builtin(existing)  # an equal scenario again is a no-op
    with pytest.raises(InputError, match="eu_rearm"):
        register_builtin(Scenario("eu_rearm", {}))
    with pytest.raises(InputError, match="scenario"):
        register_builtin("eu_rearm")
