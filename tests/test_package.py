"""Package-level tests: version, public names, light import, py.typed."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import nldtib_forecast


def test_version_and_error_type():
    assert isinstance(nldtib_forecast.__version__, str) and nldtib_forecast.__version__
    assert issubclass(nldtib_forecast.InputError, ValueError)


def test_import_is_light():
    """``import nldtib_forecast`` (and its data, survey and scenario namespaces) must not pull in
    statsmodels, scikit-learn or matplotlib; they are imported where they are used."""
    code = (
        "import sys, nldtib_forecast, nldtib_forecast.data, nldtib_forecast.survey, "
        "nldtib_forecast.scenarios\n"
        "heavy = [m for m in ('statsmodels', 'sklearn', 'matplotlib') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_lazy_submodules_resolve():
    for name in ("data", "survey", "models", "scenarios", "simulation", "results"):
        assert getattr(nldtib_forecast, name).__name__ == f"nldtib_forecast.{name}"


def test_py_typed_and_data_files_ship_with_the_package():
    root = resources.files("nldtib_forecast")
    assert root.joinpath("py.typed").is_file()
    assert root.joinpath("data", "published_figures.csv").is_file()
