"""The scenario explorer (issue 17): its logic, without a browser.

What the page computes and writes is tested here: the levers from the registry, the setting
(a future and a policy, both Scenario values) and the policy of the sliders, the outputs of
one update, the scenario file 'Save as scenario' writes (it loads back, and ``nldtib-forecast
run`` runs it), the report 'Report' writes (the files of ``run``, with the numbers the page
shows), the messages of bad input (the command line's) and the ``explore`` command's own
errors. The page itself (Panel widgets, events) is tested when the ``explore`` extra is
installed; the real browser check is ``.ci/check_explore.py`` (run by ``.ci/run``).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast._errors import error_text as cli_error_text
from nldtib_forecast.cli import main
from nldtib_forecast.explore import (
    FAN_VARIABLES,
    KEY_FIGURES,
    LEVER_NAMES,
    MISSING_EXTRA,
    Choices,
    Setting,
    compare,
    error_text,
    framework_missing,
    key_figures_table,
    lever_levels,
    levers,
    policy_for,
    save_setting,
    write_report,
)
from nldtib_forecast.labels import label
from nldtib_forecast.scenarios import builtin, get_driver, load_scenarios

needs_panel = pytest.mark.skipif(
    framework_missing() is not None,
    reason='the page needs the optional "explore" extra (pip install '
           '"nldtib-forecast[explore]"; the test extra includes it)')

BUILTIN = builtin()
DRAWS = 200  # the outputs' structure and identities do not depend on the draws


@pytest.fixture(scope="module")
def setting():
    policy = policy_for({"procurement_lead_time_months": 18}, BUILTIN["improved_conditions"],
                        name="faster_contracts")
    # seed 0: the synthetic survey of the shared report, whose survey tables a report
    # computes once per process
    return Setting(BUILTIN["baseline"], policy, n_draws=DRAWS, seed=0)


@pytest.fixture(scope="module")
def comparison(setting):
    return compare(setting)


# ----------------------------------------------------------------------------- levers
def test_levers_come_from_the_registry():
    found = levers()
    assert tuple(found) == LEVER_NAMES
    for name, lever in found.items():
        d = get_driver(name)
        assert d.kind == "lever"
        assert lever.label == label(name, kind="driver")
        assert (lever.unit, lever.lower, lever.upper) == (d.unit, d.lower, d.upper)
        assert lever.current == d.default and lever.improved == d.improved
        assert lever.marks() == ({"current": d.default} if d.improved is None
                                 else {"current": d.default, "improved": d.improved})
        # the slider lies in the valid range and shows both marks
        assert d.lower <= lever.start < lever.end <= d.upper
        assert all(lever.start <= v <= lever.end for v in lever.marks().values())
    assert found["order_certainty"].display_unit == "%" and found["order_certainty"].scale == 100
    assert found["procurement_lead_time_months"].display(18) == "18 months"
    assert found["labour_supply_growth"].display(0.025) == "2.5% per year"


# ----------------------------------------------------------------------------- the setting
def test_an_unchanged_builtin_policy_is_returned_as_it_is():
    for name in ("current_conditions", "improved_conditions", "labour_squeeze"):
        policy = BUILTIN[name]
        assert policy_for(dict(lever_levels(policy)), policy) is policy


def test_moved_levers_follow_the_registry_phase_in():
    improved = BUILTIN["improved_conditions"]
    p = policy_for({"procurement_lead_time_months": 18.0, "labour_supply_growth": 0.01,
                    "domestic_priority": 0.5}, improved, name="mine")
    assert p.name == "mine" and p.kind == "policy"
    assert dict(p.drivers["procurement_lead_time_months"]) == {2026: 30.0, 2029: 18.0}
    assert "labour_supply_growth" not in p.drivers  # back at its current level
    assert p.drivers["domestic_priority"] == 0.5  # no phase-in: from 2026
    assert p.drivers["order_certainty"] == improved.drivers["order_certainty"]  # kept
    assert lever_levels(p).to_dict() == {"order_certainty": 0.65,
                                         "procurement_lead_time_months": 18.0,
                                         "labour_supply_growth": 0.01,
                                         "domestic_priority": 0.5}
    assert "procurement lead time 18 months by 2029" in p.description
    flat = policy_for({"order_certainty": 0.5}, phase_in=False)
    assert flat.drivers["order_certainty"] == 0.5


def test_bad_levels_give_the_scenario_files_message():
    with pytest.raises(InputError) as err:
        policy_for({"order_certainty": 1.5})
    text = error_text(err.value)
    assert text == cli_error_text(err.value)  # the command line's text
    assert "scenarios.explorer_policy.drivers.order_certainty" in text
    assert "[0, 1]" in text
    with pytest.raises(InputError, match="name"):
        policy_for({"order_certainty": 0.5}, name="no spaces allowed")


def test_a_setting_checks_its_parts():
    with pytest.raises(InputError, match="kind 'future'"):
        Setting(BUILTIN["improved_conditions"], BUILTIN["improved_conditions"])
    with pytest.raises(InputError, match="draws"):
        Setting(BUILTIN["baseline"], BUILTIN["improved_conditions"], n_draws=10**7)
    with pytest.raises(InputError, match="seed"):
        Setting(BUILTIN["baseline"], BUILTIN["improved_conditions"], seed=-1)


def test_choices_from_a_file(tmp_path):
    text = ("[futures.tight_market.drivers]\neu_procurement_growth = 0.01\n"
            "[policies.quick.drivers]\nprocurement_lead_time_months = 18\n"
            "[scenarios.mixed.drivers]\norder_certainty = 0.5\n")
    choices = Choices.from_text(text, "mine.toml")
    assert list(choices.futures)[0] == "tight_market"
    assert list(choices.policies)[:2] == ["current_conditions", "quick"]
    assert choices.file_names == ("tight_market", "quick") and choices.skipped == ("mixed",)
    assert "baseline" in choices.futures  # the built-ins stay
    with pytest.raises(InputError) as err:
        Choices.from_bytes("x = 1".encode("utf-16"), "utf16.toml")
    assert "UTF-16" in error_text(err.value)
    with pytest.raises(InputError) as err:
        Choices.from_file(tmp_path / "missing.toml")
    assert "does not exist" in error_text(err.value)


# ----------------------------------------------------------------------------- one update
def test_an_update_gives_labelled_outputs(comparison, setting):
    c = comparison
    assert c.fan.index.names == ["policy", "variable", "year"]
    assert set(c.fan.index.get_level_values("policy")) == {"current_conditions",
                                                            "faster_contracts"}
    assert set(c.fan.index.get_level_values("variable")) == set(FAN_VARIABLES)
    assert c.effects.index.names == ["variable", "year"]
    assert list(c.effects.columns) == ["unit", "median", "lower", "upper", "share_positive"]
    assert list(c.key_figures.columns) == ["policy", "year", "variable", "unit", "median",
                                           "lower", "upper"]
    assert set(c.key_figures["variable"]) == set(KEY_FIGURES)
    assert c.constraints.index.tolist() == ["current_conditions", "faster_contracts"]
    assert all("limits turnover" in s for s in c.constraints)
    # the effect is the library's: policy_effects of the same result
    lib = c.result.policy_effects("turnover_real_eur", level=0.9)
    assert c.effects.loc["turnover_real_eur", "median"].tolist() == lib["median"].tolist()
    assert c.effects.loc[("turnover_real_eur", 2035), "median"] > 0
    table = key_figures_table(c)
    assert table.index[0] == "D&S turnover (constant prices), EUR bn"
    assert table.columns.get_level_values("year").unique().tolist() == [2030, 2035]
    assert not table.apply(lambda col: col.str.contains("nan")).any().any()
    assert c.effect_sentence().startswith("In 2035, with the policy 'faster_contracts', "
                                          "D&S turnover (constant prices) is EUR ")


def test_current_conditions_against_itself():
    c = compare(Setting(BUILTIN["baseline"], BUILTIN["current_conditions"], n_draws=50))
    assert (c.effects[["median", "lower", "upper"]] == 0).all().all()
    assert "no effect" in c.effect_sentence()


# ----------------------------------------------------------------------------- files
def test_saved_setting_loads_back_and_runs_with_the_cli(setting, tmp_path, monkeypatch):
    path = save_setting(setting, tmp_path / "faster.toml")
    assert load_scenarios(path) == setting.scenarios()
    from nldtib_forecast.report import run as _report

    seen = {}

    def fake_build(directory: Path, spec) -> list[str]:
        seen["spec"] = spec
        (directory / "manifest.json").write_text("{}", encoding="utf-8")
        return ["manifest.json"]

    monkeypatch.setattr(_report, "build_report", fake_build)
    monkeypatch.setattr(_report, "write_timing", lambda *args: None)
    code = main(["run", str(path), "--out", str(tmp_path / "out"), "--draws", "50",
                 "--quiet"])
    assert code == 0
    spec = seen["spec"]
    assert spec.futures == ["baseline"]
    assert spec.policies == ["current_conditions", "faster_contracts"]
    assert spec.scenarios["faster_contracts"] == setting.policy
    with pytest.raises(InputError, match=".toml"):
        save_setting(setting, tmp_path / "faster.txt")


def test_report_writes_the_files_of_run_with_the_numbers_shown(setting, comparison, tmp_path):
    out = tmp_path / "report"
    files = write_report(setting, out)
    for name in ("nldtib_report.html", "nldtib_report.xlsx", "policy_effects.csv",
                 "summary.csv", "scenarios.toml", "README.txt", "manifest.json",
                 "timing.json"):
        assert name in files and (out / name).is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "run" and manifest["n_draws"] == DRAWS
    assert manifest["seed"] == setting.seed
    assert load_scenarios(out / "scenarios.toml") == setting.scenarios()
    effects = pd.read_csv(out / "policy_effects.csv")
    row = effects[(effects["variable"] == "turnover_real_eur") & (effects["year"] == 2035)]
    assert row["median"].iloc[0] == pytest.approx(
        comparison.effects.loc[("turnover_real_eur", 2035), "median"], rel=1e-12)
    with pytest.raises(InputError, match="not empty"):
        write_report(setting, out)


# ----------------------------------------------------------------------------- command
def test_explore_without_the_extra_says_what_to_install(monkeypatch, capsys):
    import nldtib_forecast.explore as explore

    monkeypatch.setattr(explore, "framework_missing", lambda: MISSING_EXTRA)
    assert main(["explore", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert 'pip install "nldtib-forecast[explore]"' in err


def test_framework_missing_when_panel_cannot_be_imported(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "panel", None)
    assert framework_missing() == MISSING_EXTRA


@pytest.mark.parametrize("argv, code, text", [
    (["explore", "--port", "70000"], 2, "--port: must be a whole number from 1 to 65535"),
    (["explore", "--port", "http"], 2, "--port"),
    (["explore", "--population", "counts.csv"], 2, "--population"),
])
def test_explore_argument_errors(argv, code, text, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert text in err and err.count("\n") == 1


@needs_panel
def test_a_taken_port_is_a_one_line_error(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["explore", "--no-browser", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is in use" in err and err.count("\n") == 1


def test_a_bad_survey_file_gives_the_message_of_run(tmp_path, capsys):
    from nldtib_forecast.explore import load_inputs

    bad = tmp_path / "survey.csv"
    bad.write_text("firm_id,year\n1,2025\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(bad)
    assert main(["report", "--out", str(tmp_path / "o"), "--survey", str(bad)]) == 1
    assert error_text(err.value) in capsys.readouterr().err


# ----------------------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def page():
    from nldtib_forecast.explore import app

    return app(n_draws=DRAWS)


@needs_panel
def test_the_page_moves_with_its_sliders(page):
    c0 = page.comparison
    assert page.setting().policy.name == "improved_conditions" and page.error == ""
    import param

    slider = page.sliders["procurement_lead_time_months"]
    with param.edit_constant(slider):  # as the browser sets it when the slider is released
        slider.param.update(value=18, value_throttled=18)
    c1 = page.comparison
    assert c1 is not c0 and c1.setting.policy.name == "explorer_policy"
    assert page.fields["procurement_lead_time_months"].value == 18
    assert (c1.effects.loc[("turnover_real_eur", 2035), "median"]
            != c0.effects.loc[("turnover_real_eur", 2035), "median"])
    assert page.src["turnover_pol"].data["x"] == c1.years
    page.policy_select.value = "orders_only"  # its levels on the sliders, one update
    assert page.sliders["procurement_lead_time_months"].value == 30
    assert page.setting().policy == BUILTIN["orders_only"]


@needs_panel
def test_the_page_shows_the_command_lines_message_and_keeps_running(page, tmp_path):
    before = page.comparison
    page.fields["order_certainty"].value = 150.0  # typed: 150%
    with pytest.raises(InputError) as err:
        policy_for({"order_certainty": 1.5}, page.choices.policies[page.policy_select.value])
    assert page.error == cli_error_text(err.value)
    assert page.comparison is before  # the last good result stays
    assert page.sliders["order_certainty"].value == pytest.approx(65.0)  # not applied
    page.file_input.filename = "utf16.toml"
    page.file_input.value = "x = 1".encode("utf-16")
    assert "UTF-16" in page.error
    page.draws_input.value = 0
    assert "draws" in page.error
    page.draws_input.value = DRAWS
    assert page.error == "" and page.comparison is not before
    page.save_path.value = str(tmp_path / "saved.toml")
    page.save_button.clicks += 1
    assert load_scenarios(tmp_path / "saved.toml") == page.setting().scenarios()
