"""Error messages a new user can act on (issue 15, item 6): the argument's name, the value
given, the allowed values or a close match, and a hint for percent-vs-fraction and
string-vs-number mistakes; the command line prints one problem a line."""

from __future__ import annotations

import numpy as np
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.results import ScenarioResult
from nldtib_forecast.scenarios import Scenario


@pytest.fixture(scope="module")
def result() -> ScenarioResult:
    rng = np.random.default_rng(0)
    return ScenarioResult({"export_share": rng.uniform(0.3, 0.4, (1, 20, 5))},
                          ["current_conditions"], [2026, 2027, 2028, 2029, 2030])


def test_decompose_names_the_argument_and_a_close_column():
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.models.price_volume import decompose_turnover

    with pytest.raises(InputError) as info:
        decompose_turnover(synthetic_survey(), value="turnover_eur")
    text = str(info.value)
    assert "argument 'value'" in text and "'turnover_eur'" in text
    assert "did you mean 'turnover_ds_eur'?" in text


def test_year_as_text_says_pass_the_number():
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.models.capacity import CapacityModel

    with pytest.raises(InputError, match=r"argument 'year'.*'2025'.*year=2025"):
        CapacityModel.from_survey(synthetic_survey(), year="2025")


def test_unknown_indicator_suggests_the_right_one_and_lists_all():
    from nldtib_forecast.data import load_published
    from nldtib_forecast.plotting import plot_published_series

    published = load_published()
    with pytest.raises(InputError) as info:
        plot_published_series(published, "export_shares")
    text = str(info.value)
    assert "did you mean 'export_share'" in text
    for indicator in published["indicator"].unique():
        assert indicator in text  # every indicator listed, not the first twelve


@pytest.mark.parametrize("call, name", [
    (lambda r: r.summary_frame("export_share", year=2024), "year"),
    (lambda r: r.select(years=[2040]), "years"),
])
def test_missing_years_name_the_argument_and_list_the_years(result, call, name):
    with pytest.raises(InputError) as info:
        call(result)
    text = str(info.value)
    assert text.startswith(f"argument '{name}':"), text
    assert "its years are 2026-2030" in text


def test_summary_table_lists_the_years():
    from nldtib_forecast.models.outlook import summary_table

    rng = np.random.default_rng(1)
    res = ScenarioResult({"export_share": rng.uniform(size=(1, 10, 2))}, ["s"], [2026, 2027])
    with pytest.raises(InputError, match=r"argument 'years': 2040 not in the result; its "
                                         r"years are 2026-2027"):
        summary_table(res, years=2040, variables="export_share")


@pytest.mark.parametrize("driver, value, hint", [
    ("labour_supply_growth", 2, "write 0.02 for 2%"),
    ("order_certainty", 65, "write 0.65 for 65%"),
])
def test_percent_for_fraction_gets_a_hint(driver, value, hint):
    with pytest.raises(InputError, match=hint):
        Scenario("x", {driver: value})


def test_a_value_out_of_range_that_is_no_percentage_gets_no_hint():
    with pytest.raises(InputError) as info:
        Scenario("x", {"procurement_lead_time_months": 500})
    assert "percentage" not in str(info.value)


def test_cli_prints_one_problem_a_line(capsys):
    from nldtib_forecast._errors import error_text as _error_text

    err = InputError("scenario 'x': invalid definition",
                     [_problem("drivers.a", "too big"), _problem("drivers.b", "unknown")])
    lines = _error_text(err).splitlines()
    assert lines[0] == "scenario 'x': invalid definition"
    assert len(lines) == 3 and all(line.startswith("  - ") for line in lines[1:])
    assert _error_text(InputError("one line")) == "one line"


def _problem(key: str, rule: str):
    from nldtib_forecast import Problem

    return Problem(key, rule)


PUBLIC_MODULES = [
    "nldtib_forecast.data", "nldtib_forecast.survey", "nldtib_forecast.models",
    "nldtib_forecast.models.capacity", "nldtib_forecast.models.trade",
    "nldtib_forecast.models.outlook", "nldtib_forecast.models.price_volume",
    "nldtib_forecast.models.dynamics", "nldtib_forecast.models.pass_through",
    "nldtib_forecast.scenarios", "nldtib_forecast.simulation", "nldtib_forecast.results",
    "nldtib_forecast.evaluation", "nldtib_forecast.analysis", "nldtib_forecast.plotting",
    "nldtib_forecast.cli", "nldtib_forecast.report", "nldtib_forecast.labels",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_dir_lists_the_public_names_only(name):
    """Tab completion shows what the module offers, not its imports (np, pd, Mapping, ...)."""
    import importlib

    module = importlib.import_module(name)
    assert dir(module) == sorted(module.__all__)
    for attribute in module.__all__:
        assert hasattr(module, attribute), attribute


def test_dir_of_the_package_lists_its_subpackages():
    import nldtib_forecast

    assert {"data", "survey", "models", "scenarios", "results"} <= set(dir(nldtib_forecast))
    assert not {"importlib", "annotations", "TYPE_CHECKING"} & set(dir(nldtib_forecast))
