"""Every public function and class has an Examples section in its docstring.

The public API is what the public modules list in ``__all__``. For a class, the public methods
defined in the class body (including class and static methods, not properties or inherited
methods) are checked too. The examples themselves are run as doctests (``--doctest-modules``).
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

PUBLIC_MODULES = (
    "nldtib_forecast",
    "nldtib_forecast.data",
    "nldtib_forecast.survey",
    "nldtib_forecast.scenarios",
    "nldtib_forecast.simulation",
    "nldtib_forecast.simulation.results",
    "nldtib_forecast.evaluation",
    "nldtib_forecast.plotting",
    "nldtib_forecast.labels",
    "nldtib_forecast.models.price_volume",
    "nldtib_forecast.models.dynamics",
    "nldtib_forecast.models.pass_through",
    "nldtib_forecast.models.capacity",
    "nldtib_forecast.models.trade",
    "nldtib_forecast.models.outlook",
)

_EXAMPLES = re.compile(r"^Examples\n-{8,}\n", re.MULTILINE)


def _public_objects():
    """(name, object) of every public function, class and class method, each once."""
    seen = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # constants and submodules
            key = (obj.__module__, obj.__qualname__)
            if key in seen:
                continue
            seen.add(key)
            yield f"{module_name}.{name}", obj
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    if isinstance(value, staticmethod | classmethod):
                        value = value.__func__
                    if inspect.isfunction(value):
                        yield f"{module_name}.{name}.{attr}", value


PUBLIC = sorted(_public_objects(), key=lambda item: item[0])


def test_public_api_is_found():
    names = {name for name, _ in PUBLIC}
    assert len(PUBLIC) > 100
    assert "nldtib_forecast.survey.headline_figures" in names
    assert "nldtib_forecast.simulation.results.ScenarioResult.plot" in names
    assert "nldtib_forecast.models.capacity.CapacityModel.from_survey" in names


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_has_examples_section(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert _EXAMPLES.search(doc), f"{name}: the docstring has no 'Examples' section"
    assert ">>> " in doc[_EXAMPLES.search(doc).end():], f"{name}: 'Examples' has no doctest"
