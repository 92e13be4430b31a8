"""Tests of nldtib_forecast.scenarios: registry, Scenario values, TOML files, validation."""

from __future__ import annotations

import pickle
import re
import string
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError
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
from nldtib_forecast.scenarios import registry as _drivers
from nldtib_forecast.scenarios import toml_io as _toml

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
    assert list(table.columns) == ["kind", "unit", "lower", "upper", "default", "improved",
                                   "model", "assumed", "level", "description", "source"]
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
    """Providers are found through their entry points; a missing provider module is skipped."""
    from importlib.metadata import EntryPoint

    (tmp_path / "fake_trade_model_xyz.py").write_text(
        "from nldtib_forecast.scenarios import Driver, register_driver\n"
        "register_driver(Driver('test_export_barrier', 'fraction', 0.0, 1.0, 0.2, 'd', 's', "
        "'trade'))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    group = _drivers.PROVIDER_GROUP
    fake = [EntryPoint("missing", "not_an_existing_module_xyz", group),
            EntryPoint("trade", "fake_trade_model_xyz", group)]
    monkeypatch.setattr(_drivers, "entry_points", lambda group: fake)
    monkeypatch.setattr(_drivers, "_LOADED", {})
    try:
        s = Scenario("t", {"test_export_barrier": 0.4})
        assert s.drivers["test_export_barrier"] == 0.4
    finally:
        sc._unregister_driver("test_export_barrier")
        sys.modules.pop("fake_trade_model_xyz", None)


def test_providers_are_the_declared_entry_points():
    assert _drivers.providers() == (
        ("capacity", "nldtib_forecast.models.capacity.drivers"),
        ("outlook", "nldtib_forecast.models.outlook.drivers"),
        ("trade", "nldtib_forecast.models.trade.drivers"))
    # every family's drivers come from its provider, grouped by family
    models = [get_driver(n).model for n in sc.driver_names()]
    assert models == sorted(models, key=_drivers.model_rank)


def test_an_error_inside_a_provider_propagates(tmp_path, monkeypatch):
    from importlib.metadata import EntryPoint

    (tmp_path / "broken_provider_xyz.py").write_text("import not_an_existing_module_abc\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fake = [EntryPoint("broken", "broken_provider_xyz", _drivers.PROVIDER_GROUP)]
    monkeypatch.setattr(_drivers, "entry_points", lambda group: fake)
    monkeypatch.setattr(_drivers, "_LOADED", {})
    try:
        with pytest.raises(ModuleNotFoundError, match="not_an_existing_module_abc"):
            _drivers.load_providers()
    finally:
        sys.modules.pop("broken_provider_xyz", None)


# --- paths and values -----------------------------------------------------------------------
def test_path_interpolates_linearly_and_is_flat_outside():
    s = Scenario("p", {"procurement_lead_time_months": {2028: 12, 2026: 24},
                       "order_certainty": 0.6})
    path = s.path("procurement_lead_time_months", range(2024, 2031))
    assert path.index.name == "year" and path.name == "procurement_lead_time_months"
    # a level driver: the observed 30 months up to the base year 2025, then the path
    assert path.tolist() == [30.0, 30.0, 24.0, 18.0, 12.0, 12.0, 12.0]
    assert s.path("order_certainty", [2020, 2040]).tolist() == [0.3, 0.6]
    # unset driver: registry default
    assert s.path("labour_supply_growth", [2030]).tolist() == [0.01]
    # a growth driver: flat before the first and after the last year of its path
    single = Scenario("single", {"labour_supply_growth": {2027: 0.02}})
    assert single.path("labour_supply_growth", [2020, 2027, 2035]).tolist() == [0.02] * 3


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(2000, 2060), st.floats(-0.2, 0.2), min_size=1, max_size=6),
       st.lists(st.integers(1990, 2070), min_size=1, max_size=20))
def test_path_stays_within_its_points_and_hits_them(points, years):
    s = Scenario("h", {"labour_supply_growth": points})  # a growth driver: values as given
    values = s.path("labour_supply_growth", years).to_numpy()
    assert np.all(values >= min(points.values()) - 1e-12)
    assert np.all(values <= max(points.values()) + 1e-12)
    knots = s.path("labour_supply_growth", sorted(points))
    np.testing.assert_allclose(knots.to_numpy(), [points[y] for y in sorted(points)])


def test_values_has_every_driver_with_defaults():
    s = Scenario("v", {"order_certainty": 0.6})
    table = s.values(range(2025, 2028))
    assert list(table.index) == [2025, 2026, 2027] and table.index.name == "year"
    assert list(table.columns[:3]) == list(CAPACITY)
    # a level driver: the observed value in the base year 2025, the constant from 2026
    assert table["order_certainty"].tolist() == [0.3, 0.6, 0.6]
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
@pytest.fixture(scope="module")
def toml_dir(tmp_path_factory) -> Path:
    """One directory for the files of the property tests' round trips (a new directory for
    each example costs about as much as the round trip)."""
    return tmp_path_factory.mktemp("toml")


def _fresh(directory: Path) -> Path:
    """The file of one example's round trip, removed first: a file left by an earlier example
    can never be read back."""
    path = directory / "s.toml"
    path.unlink(missing_ok=True)
    return path


#: The names r"[A-Za-z0-9_-]{1,20}" matches (as st.from_regex of it, fullmatch=True, but drawn
#: as one string instead of character by character)
_names = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=20)
_years = st.integers(1990, 2100)


def _value(driver):
    lo, hi = driver.lower, driver.upper
    number = st.one_of(st.floats(lo, hi, allow_nan=False), st.integers(int(np.ceil(lo)),
                                                                       int(np.floor(hi))))
    # a level driver's path starts after the base year (its base-year value is the observed one)
    years = st.integers(sc.BASE_YEAR + 1, 2100) if driver.level else _years
    return st.one_of(number, st.dictionaries(years, number, min_size=1, max_size=5))


_scenarios = st.builds(
    Scenario, _names,
    st.fixed_dictionaries({}, optional={d: _value(get_driver(d)) for d in CAPACITY}),
    st.text(max_size=60), st.lists(st.text(max_size=30), max_size=3))


@settings(max_examples=80, deadline=None)
@given(_scenarios)
def test_toml_round_trip(toml_dir, scenario):
    path = _fresh(toml_dir)
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
    assert "[policies.improved_conditions.drivers]" in text
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


def test_deeply_nested_toml_is_an_input_error(tmp_path):
    for text in ("x = " + "[" * 5000 + "]" * 5000,
                 "[scenarios.a.drivers]\norder_certainty = " + "{a=" * 3000 + "1" + "}" * 3000):
        path = tmp_path / "deep.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match="nested too deeply") as info:
            load_scenarios(path)
        assert str(path) in str(info.value)
        with pytest.raises(InputError, match="nested too deeply"):
            parse_scenarios(text)


def test_directory_and_non_paths_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        load_scenarios(tmp_path)
    with pytest.raises(InputError, match="is a directory"):
        Scenario.from_toml(tmp_path)
    for bad in (None, 3, [None], b"x.toml"):
        with pytest.raises(InputError, match="argument 'paths'"):
            load_scenarios(bad)


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[scenarios.reform.drivers]\norder_certainty = 0.6\n")
    assert load_scenarios(path)["reform"].drivers == {"order_certainty": 0.6}
    assert list(parse_scenarios("\ufeff[scenarios.r.drivers]\norder_certainty = 0.5")) == ["r"]


def test_utf16_file_says_save_as_utf8(tmp_path):
    path = tmp_path / "utf16.toml"
    path.write_text("[scenarios.reform.drivers]\norder_certainty = 0.6\n", encoding="utf-16")
    with pytest.raises(InputError, match="UTF-16.*save it as UTF-8"):
        load_scenarios(path)


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


# --- futures, policies and the built-in names (issue #11) -----------------------------------
_KINDS = drivers()["kind"]
_LEVERS = tuple(_KINDS.index[_KINDS == "lever"])
_EXTERNALS = tuple(_KINDS.index[_KINDS == "external"])
HOWTO = Path(__file__).resolve().parents[1] / "docs" / "howto_scenario_file.rst"

MIXED_FILE = """
[policies.fast]
description = "Faster procurement"

[policies.fast.drivers]
procurement_lead_time_months = { 2026 = 30, 2028 = 12 }

[futures.surge]
description = "European procurement grows 10% a year to 2030"
sources = ["Assumption"]

[futures.surge.drivers]
eu_procurement_growth = { 2026 = 0.1, 2030 = 0.1, 2031 = 0.035 }

[scenarios.both.drivers]
order_certainty = 0.6
eu_procurement_growth = 0.05

[scenarios.levers_only]
kind = "policy"

[scenarios.levers_only.drivers]
order_certainty = 0.5

[futures]
inline = { description = "An inline table", drivers = { nl_gdp_growth = 0.04 } }

[policies.late]
kind = "policy"
"""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load_error(path: Path | list) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenarios(path)
    return info.value


def test_three_sections_give_their_kinds_in_file_order():
    found = parse_scenarios(MIXED_FILE)
    assert list(found) == ["fast", "surge", "both", "levers_only", "inline", "late"]
    assert {n: s.kind for n, s in found.items()} == {
        "fast": "policy", "surge": "future", "both": "scenario", "levers_only": "policy",
        "inline": "future", "late": "policy"}
    assert found["surge"].sources == ("Assumption",)
    assert found["surge"].path("eu_procurement_growth", [2028, 2031]).tolist() == [0.1, 0.035]
    assert found["inline"].description == "An inline table"
    assert dict(found["late"].drivers) == {}


def test_table_positions_follow_the_text_across_sections():
    positions = _toml.table_positions(MIXED_FILE)
    order = sorted(positions, key=positions.__getitem__)
    assert order == [("policies", "fast"), ("futures", "surge"), ("scenarios", "both"),
                     ("scenarios", "levers_only"), ("futures", "inline"), ("policies", "late")]
    # dotted keys before the first header count too; other tables do not
    text = "futures.a.description = 'x'\n[other]\nb = 1\n[policies]\nc.kind = 'policy'\n"
    assert _toml.table_positions(text) == {("futures", "a"): 0, ("policies", "c"): 4}


@pytest.mark.parametrize("section, given", [
    ("futures", "policy"), ("futures", "scenario"), ("policies", "future"),
    ("policies", "bogus"), ("futures", 3)])
def test_kind_that_contradicts_the_section_is_an_error(tmp_path, section, given):
    value = f'"{given}"' if isinstance(given, str) else str(given)
    path = _file(tmp_path, "mine.toml", f"[{section}.x]\nkind = {value}\n")
    err = _load_error(path)
    assert err.columns == (f"{section}.x.kind",)
    _names_in(err, "mine.toml", "contradicts the section", repr(given))
    if given in ("policy", "future"):  # the table belongs in the other section
        _names_in(err, f"move the table to [{sc._toml.SECTION_OF_KIND[given]}.x]")


def test_kind_matching_the_section_is_accepted_and_checked_in_scenarios_tables():
    assert parse_scenarios("[futures.x]\nkind = 'future'\n")["x"].kind == "future"
    assert parse_scenarios("[policies.x]\nkind = 'policy'\n")["x"].kind == "policy"
    assert parse_scenarios("[scenarios.x]\nkind = 'scenario'\n")["x"].kind == "scenario"
    assert parse_scenarios("[scenarios.x]\n")["x"].kind == "scenario"
    err = _error("[scenarios.x]\nkind = 'futur'\n")
    assert err.columns == ("scenarios.x.kind",)
    _names_in(err, "bad.toml", "unknown kind 'futur'", "did you mean 'future'")
    err = _error("[scenarios.x]\nkind = 'future'\n[scenarios.x.drivers]\norder_certainty = 0.5\n")
    assert err.columns == ("scenarios.x.drivers.order_certainty",)
    _names_in(err, "is a lever", "a future sets only external drivers")


def test_problems_of_future_and_policy_tables_are_keyed_by_their_section():
    err = _error("[futures.surge.drivers]\norder_certainty = 0.5\neu_procurement_growth = 3\n"
                 "[policies.fast.drivers]\nprocurement_lead_time_monts = 12\n"
                 "eu_procurement_growth = 0.1\n"
                 '[futures."two words"]\n[policies.p]\ndescription = 3\n')
    assert set(err.columns) == {
        "futures.surge.drivers.order_certainty", "futures.surge.drivers.eu_procurement_growth",
        "policies.fast.drivers.procurement_lead_time_monts",
        "policies.fast.drivers.eu_procurement_growth", "futures.two words",
        "policies.p.description"}
    _names_in(err, "bad.toml", "is a lever; a future sets only external drivers",
              "is an external driver; a policy sets only levers", "outside the valid range",
              "did you mean 'procurement_lead_time_months'", "scenario name 'two words'",
              "must be a str")


def test_malformed_toml_in_future_and_policy_tables_names_the_key():
    err = _error("[futures.surge]\ndescription = 'x'\n[futures.surge.drivers]\n"
                 "eu_procurement_growth = { 2026 = 0.1,, }\n")
    _names_in(err, "bad.toml", "malformed TOML", "line 4")
    assert err.columns == ("futures.surge.drivers.eu_procurement_growth",)
    err = _error("[policies.fast]\ndescription = 'x'\n[policies.fast.drivers]\n"
                 "order_certainty = \n")
    assert err.columns == ("policies.fast.drivers.order_certainty",)
    err = _error("[policies.fast]\n[futures.b]\n[policies.fast]\n")
    _names_in(err, "malformed TOML", "a table of policy 'fast' is defined twice")
    # a line in a table of another kind is not put in the scenario above it
    err = _error("[futures.a]\n[other]\nx = \n")
    assert err.columns == ("x",)


def test_unknown_top_level_keys_and_table_keys_name_the_three_sections():
    err = _error("[future.surge]\n[futures.ok]\n")
    assert err.columns == ("future",)
    _names_in(err, "bad.toml", "unknown top-level key", "did you mean 'futures'",
              "[scenarios.<name>], [futures.<name>] and [policies.<name>]")
    err = _error("futures = 3\n[policies]\nfast = 0.5\n")
    assert err.columns == ("futures", "policies.fast")
    _names_in(err, "must be a table of futures", "must be a table ([policies.<name>])")
    err = _error("[policies.fast]\nreplaces = true\n")
    assert err.columns == ("policies.fast.replaces",)
    _names_in(err, "did you mean 'replace'", "a policy table holds description, sources, "
              "drivers, kind, replace")


@pytest.mark.parametrize("value", ['"yes"', "1", "[true]", '"true"'])
def test_replace_must_be_a_boolean(tmp_path, value):
    path = _file(tmp_path, "mine.toml", f"[policies.improved_conditions]\nreplace = {value}\n")
    err = _load_error(path)
    assert err.columns == ("policies.improved_conditions.replace",)
    _names_in(err, "mine.toml", "must be true or false")


def test_duplicate_names_across_sections_of_one_file():
    err = _error("[scenarios.b]\n[futures.a]\n[policies.a]\n[scenarios.a]\n")
    assert err.columns == ("policies.a", "scenarios.a")  # the later tables, in file order
    assert [p.rule.startswith("name 'a' is also used by [futures.a]") for p in err.problems] == [
        True, True]
    _names_in(err, "bad.toml", "a name may be used only once")


def test_duplicate_names_across_two_files_name_both(tmp_path):
    one = _file(tmp_path, "one.toml", "[futures.a]\n[policies.b]\n")
    two = _file(tmp_path, "two.toml", "[policies.a]\n[scenarios.c]\n[scenarios.b]\n")
    err = _load_error([one, two])
    assert err.message.startswith(f"{two}: duplicate scenario name")
    assert err.columns == ("policies.a", "scenarios.b")
    _names_in(err, f"'a' is also defined in {one} ([futures.a])",
              f"'b' is also defined in {one} ([policies.b])")
    assert list(load_scenarios([one, _file(tmp_path, "three.toml", "[scenarios.c]\n")])) == [
        "a", "b", "c"]


@pytest.mark.parametrize("section, name, driver, value", [
    ("policies", "improved_conditions", "order_certainty", "0.8"),
    ("policies", "current_conditions", "procurement_lead_time_months", "24"),
    ("futures", "baseline", "eu_procurement_growth", "0.2"),
    ("futures", "european_surge", "nl_gdp_growth", "0.05"),
])
def test_builtin_name_needs_replace_true(tmp_path, section, name, driver, value):
    text = f'[{section}.{name}]\ndescription = "Mine"\n\n[{section}.{name}.drivers]\n' \
           f"{driver} = {value}\n"
    path = _file(tmp_path, "mine.toml", text)
    err = _load_error(path)
    assert err.columns == (f"{section}.{name}",)
    _names_in(err, "mine.toml", f"{name!r} is the name of a built-in", "replace = true",
              "or choose another name", "drivers", "description")
    # with replace = true the user's definition is used
    _file(tmp_path, "mine.toml", text.replace('"Mine"\n', '"Mine"\nreplace = true\n'))
    mine = load_scenarios(path)[name]
    assert mine != builtin()[name]
    assert mine == Scenario(name, {driver: float(value)}, "Mine", kind=builtin()[name].kind)
    assert Scenario.from_toml(path) == mine


def test_builtin_name_in_the_wrong_kind_is_a_difference():
    same = builtin()["current_conditions"]
    text = _toml.dumps({same.name: {**same.to_dict(), "kind": "scenario"}})
    assert text.startswith("[scenarios.current_conditions]")
    err = _error(text)
    assert err.columns == ("scenarios.current_conditions",)
    # only the kind differs, and the message says so
    differs = re.search(r"differs from it \((.*)\); add", err.problems[0].rule)
    assert differs and differs.group(1) == "kind 'scenario', the built-in's is 'policy'"


def test_replace_true_needs_a_builtin_of_that_name():
    err = _error("[policies.improved_condition]\nreplace = true\n")
    assert err.columns == ("policies.improved_condition.replace",)
    _names_in(err, "no built-in scenario 'improved_condition'",
              "did you mean 'improved_conditions'")
    assert parse_scenarios("[policies.mine]\nreplace = false\n")["mine"].kind == "policy"


def test_identical_builtin_tables_load_silently(tmp_path):
    # what a report writes to its scenarios.toml: the built-ins, without replace
    text = _toml.dumps({n: s.to_dict() for n, s in builtin().items()},
                       header="Built-in scenarios")
    assert "replace" not in text
    path = _file(tmp_path, "scenarios.toml", text)
    assert load_scenarios(path) == builtin()
    assert list(load_scenarios(path)) == list(builtin())
    # a hand-written copy of one built-in, with the keys in another order
    orders = builtin()["orders_only"]
    hand = (f"[policies.orders_only.drivers]\norder_certainty = {{ 2028 = 0.65, 2026 = 0.3 }}\n"
            f"[policies.orders_only]\nsources = {_toml.format_value(list(orders.sources))}\n"
            f"description = {_toml.format_value(orders.description)}\n")
    assert parse_scenarios(hand) == {"orders_only": orders}


def test_save_writes_each_kind_to_its_section_and_marks_replaced_builtins(tmp_path):
    replaced = builtin()["baseline"].with_drivers(nl_gdp_growth=0.05)
    mine = [builtin()["current_conditions"], replaced,
            Scenario("my_future", {"eu_procurement_growth": 0.1}, kind="future"),
            Scenario("my_policy", {"order_certainty": 0.5}, kind="policy"),
            Scenario("my_mix", {"order_certainty": 0.5, "nl_gdp_growth": 0.04}),
            builtin()["eu_surge_current"]]
    path = save_scenarios(mine, tmp_path / "mine.toml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Scenario file written by nldtib_forecast ")
    headers = [line for line in text.splitlines() if line.startswith("[")
               and not line.endswith(".drivers]")]
    assert headers == ["[policies.current_conditions]", "[futures.baseline]",
                       "[futures.my_future]", "[policies.my_policy]", "[scenarios.my_mix]",
                       "[scenarios.eu_surge_current]"]
    assert text.count("replace = true") == 1
    assert "[futures.baseline]\nreplace = true\n" in text
    assert "kind" not in text
    back = load_scenarios(path)
    assert list(back) == [s.name for s in mine]
    assert back == {s.name: s for s in mine}


def test_dumps_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind 'bogus'"):
        _toml.dumps({"x": {"kind": "bogus"}})


#: The drivers a scenario of each kind may set (up to three), and the values of each driver:
#: built once, not for every example
_CHOSEN = {kind: st.lists(st.sampled_from(pool), unique=True, max_size=3) for kind, pool in
           {"policy": _LEVERS, "future": _EXTERNALS, "scenario": _LEVERS + _EXTERNALS}.items()}
_VALUES = {d: _value(get_driver(d)) for d in _LEVERS + _EXTERNALS}


@st.composite
def _any_scenario(draw, names=_names):
    kind = draw(st.sampled_from(sc.SCENARIO_KINDS))
    chosen = draw(_CHOSEN[kind])
    return Scenario(draw(names), {d: draw(_VALUES[d]) for d in chosen},
                    draw(st.text(max_size=40)), draw(st.lists(st.text(max_size=20), max_size=2)),
                    kind)


@settings(max_examples=40, deadline=None)
@given(st.lists(_any_scenario(st.one_of(_names, st.sampled_from(list(builtin())))),
                max_size=5, unique_by=lambda s: s.name),
       st.lists(st.sampled_from(list(builtin())), max_size=3, unique=True))
def test_round_trip_of_every_kind_with_builtins_and_replacements(toml_dir, mine, kept):
    taken = {s.name for s in mine}
    scenarios = mine + [builtin()[n] for n in kept if n not in taken]
    path = save_scenarios(scenarios, _fresh(toml_dir))
    back = load_scenarios(path)
    assert list(back) == [s.name for s in scenarios]
    for s in scenarios:
        assert back[s.name] == s and back[s.name].kind == s.kind
    known = builtin()
    replaced = sum(s.name in known and s != known[s.name] for s in scenarios)
    assert path.read_text(encoding="utf-8").count("\nreplace = true\n") == replaced


def test_toml_examples_of_the_howto_load():
    text = HOWTO.read_text(encoding="utf-8")
    blocks = re.findall(r"\.\. code-block:: toml\n\n((?:   .*\n|\n)+)", text)
    assert len(blocks) >= 2
    found: dict[str, Scenario] = {}
    for block in blocks:
        toml = "\n".join(line[3:] for line in block.splitlines())
        found.update(parse_scenarios(toml, str(HOWTO)))
    assert {n: found[n].kind for n in ("nato_path", "framework_contracts", "fast_procurement")
            } == {"nato_path": "future", "framework_contracts": "policy",
                  "fast_procurement": "policy"}
    assert found["improved_conditions"] != builtin()["improved_conditions"]  # replace = true
    # the level-driver rule as the how-to states it
    np.testing.assert_allclose(found["framework_contracts"].path(
        "order_certainty", [2025, 2026, 2028, 2030]), [0.3, 0.4, 0.6, 0.6])
    assert found["fast_procurement"].path("procurement_lead_time_months", [2025, 2026, 2035]
                                          ).tolist() == [30.0, 18.0, 18.0]
    np.testing.assert_allclose(found["nato_path"].path(
        "nl_defence_spending_gdp_share", [2025, 2035]), [0.025, 0.035])


# --- labels and Dutch texts (issue 15, item d) ----------------------------------------------
LABELLED = '''
[policies.reform]
label_en = "Procurement reform"
label_nl = "Hervorming van de aanbesteding"
description = "Framework contracts"
description_nl = "Raamcontracten"
sources = ["Letter of 21 May 2026"]
sources_nl = ["Kamerbrief van 21 mei 2026"]

[policies.reform.drivers]
order_certainty = 0.6
'''


def test_labels_and_dutch_texts_are_read_written_and_compared(tmp_path):
    reform = parse_scenarios(LABELLED)["reform"]
    assert (reform.label_en, reform.label_nl) == ("Procurement reform",
                                                  "Hervorming van de aanbesteding")
    assert reform.description_nl == "Raamcontracten"
    assert reform.sources_nl == ("Kamerbrief van 21 mei 2026",)
    assert reform.text("nl") == ("Raamcontracten", ("Kamerbrief van 21 mei 2026",))
    assert reform.text("en") == ("Framework contracts", ("Letter of 21 May 2026",))
    with pytest.raises(InputError, match="unknown language 'de'"):
        reform.text("de")
    # written back in the order of the format, and read back equal
    text = _toml.dumps({"reform": reform.to_dict()})
    keys = [line.split(" =")[0] for line in text.splitlines() if " = " in line]
    assert keys[:6] == ["label_en", "label_nl", "description", "description_nl", "sources",
                        "sources_nl"]
    assert parse_scenarios(text) == {"reform": reform}
    assert load_scenarios(save_scenarios(reform, tmp_path / "r.toml"))["reform"] == reform
    # the fields are part of the value: equality, hashing, pickling, replace()
    plain = reform.replace(label_en="", label_nl="", description_nl="", sources_nl=())
    assert plain != reform and hash(plain) != hash(reform)
    assert plain.to_dict() == {"description": "Framework contracts",
                               "sources": ["Letter of 21 May 2026"],
                               "drivers": {"order_certainty": 0.6}, "kind": "policy"}
    assert pickle.loads(pickle.dumps(reform)) == reform
    assert reform.with_drivers(order_certainty=0.7).label_nl == reform.label_nl


@pytest.mark.parametrize("line, rule", [
    ('label_nl = ""', "must not be empty"),
    ('label_en = "   "', "must be a non-empty text"),
    ("label_nl = 3", "must be a str, got int"),
    ('description_nl = ["a"]', "must be a str, got list"),
    ("sources_nl = []", "must not be empty"),
    ('sources_nl = ["ok", ""]', "must be a list of non-empty strings"),
    ('sources_nl = [1]', "must be a list of non-empty strings"),
])
def test_labels_and_dutch_texts_are_checked(line, rule):
    err = _error(f"[policies.mine]\n{line}\n")
    key = line.split(" =")[0]
    assert err.columns == (f"policies.mine.{key}",), err.columns
    _names_in(err, "bad.toml", rule)


def test_a_misspelt_label_key_is_an_unknown_key():
    err = _error('[scenarios.mine]\nlabel_de = "Reform"\nlabel = "x"\n')
    assert err.columns == ("scenarios.mine.label_de", "scenarios.mine.label")
    _names_in(err, "unknown key (did you mean 'label_en'?)", "label_en, label_nl, "
              "description_nl, sources_nl")


def test_constructor_checks_the_labels():
    with pytest.raises(InputError) as info:
        Scenario("mine", label_en=3, sources_nl="  ")  # type: ignore[arg-type]
    assert info.value.columns == ("scenarios.mine.label_en", "scenarios.mine.sources_nl")
    assert Scenario("mine", label_en="").label_en == ""  # "" is none


def test_every_builtin_has_its_description_and_sources_in_dutch():
    """Written, item by item: as many Dutch sources as English ones, and the Dutch
    description is not the English one."""
    for name, scenario in builtin().items():
        assert scenario.description_nl and scenario.description_nl != scenario.description, name
        assert len(scenario.sources_nl) == len(scenario.sources), name
        assert not re.search(r"\b(the|and|with|which|from)\b", scenario.description_nl), name
    for name in drivers().index:
        assert get_driver(name).source_nl, name


def test_a_builtin_copy_without_the_dutch_texts_is_the_builtin():
    """A table written before the labels and Dutch texts existed (the built-in's kind,
    drivers, description and sources) loads as the built-in, with them; one whose Dutch
    differs from the built-in's needs replace = true."""
    known = builtin()["orders_only"]
    old = {k: v for k, v in known.to_dict().items() if k not in ("description_nl", "sources_nl")}
    text = _toml.dumps({"orders_only": old})
    assert "description_nl" not in text
    assert parse_scenarios(text)["orders_only"] == known
    err = _error(text.replace("[policies.orders_only]\n",
                              '[policies.orders_only]\ndescription_nl = "Anders"\n'))
    _names_in(err, "differs from it (description_nl)", "replace = true")


def test_example_file_has_labels_in_both_languages():
    for scenario in load_scenarios(EXAMPLE).values():
        assert scenario.label_en and scenario.label_nl and scenario.description_nl
