"""The command's start-up and the scenario registry stay cheap (what they import, not how long).

``nldtib-forecast --help``, ``--version`` and a usage error import neither pandas nor the models;
loading the scenario registry (every driver, the names of every built-in) imports no model code
beyond the provider modules and reads no data: the built-in scenarios are built on first use
(:func:`nldtib_forecast.scenarios.register_builtins`). One fresh interpreter checks it all, as
``sys.modules`` of this test process already holds everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nldtib_forecast import InputError
from nldtib_forecast import scenarios as sc

_PROBE = r"""
import contextlib, io, json, sys

def loaded(*names):
    return sorted(n for n in names if n in sys.modules)

HEAVY = ("pandas", "matplotlib", "statsmodels", "sklearn", "scipy")
out = {}
import nldtib_forecast.cli as cli
out["import"] = loaded(*HEAVY)
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    codes = [cli.main(["--version"]), cli.main(["--help"]), cli.main(["run", "--draws", "x"])]
out["codes"] = codes
out["commands"] = loaded(*HEAVY, "nldtib_forecast.report.io", "nldtib_forecast.scenarios")

import nldtib_forecast.scenarios as sc
names = sc.driver_names()
grid = (sc.POLICY_NAMES, sc.FUTURE_NAMES)
out["registry"] = loaded("matplotlib", "statsmodels", "sklearn",
                         "nldtib_forecast.models.trade.ardl", "nldtib_forecast.models.trade.cms",
                         "nldtib_forecast.report.run")
out["unbuilt"] = sorted(b.name for b in sc._BUILTINS.values() if b.source.__class__.__name__
                        == "_Deferred" and b.source.built is None)
out["n_drivers"], out["futures"] = len(names), list(grid[1])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_cli_imports_no_pandas_or_models(probe):
    assert probe["import"] == []


def test_help_version_and_usage_errors_import_no_pandas_or_report(probe):
    assert probe["codes"] == [0, 0, 2]
    assert probe["commands"] == []


def test_registry_imports_no_model_code_and_reads_no_data(probe):
    # every driver and the names of the default grid, without statsmodels, matplotlib,
    # scikit-learn or the trade econometrics, and without building a built-in scenario. (The
    # capacity and outlook packages, parents of their provider modules, still import their
    # models and kernels: scipy.special and the export share model.)
    assert probe["registry"] == []
    assert probe["unbuilt"] == sorted(set(sc.builtin()) - {"current_conditions"})
    assert probe["n_drivers"] == len(sc.driver_names())
    assert probe["futures"] == list(sc.FUTURE_NAMES)


def test_cli_constants_agree_with_their_sources():
    from nldtib_forecast import cli, simulation
    from nldtib_forecast.report import io, run

    assert (cli.PROG, cli.DEFAULT_DRAWS, cli.DEFAULT_SEED) == (
        io.PROG, run.DEFAULT_DRAWS, simulation.DEFAULT_SEED)
    assert cli.survey_summary is run.survey_summary


def _policy(name: str) -> sc.Scenario:
    return sc.Scenario(name, {"order_certainty": 0.5}, "A test policy.", kind="policy")


def test_register_builtins_builds_once_on_first_use():
    calls = []

    def factory():
        calls.append(1)
        return {"test_lazy_a": _policy("test_lazy_a"), "test_lazy_b": _policy("test_lazy_b")}

    try:
        sc.register_builtins(factory, ["test_lazy_a", "test_lazy_b"], kind="policy",
                             model="zz_test")
        assert calls == []
        assert "test_lazy_b" in sc.policies() and calls == [1]
        assert list(sc.builtin())[-2:] == ["test_lazy_a", "test_lazy_b"]  # unknown family last
        assert sc.builtin()["test_lazy_a"] == _policy("test_lazy_a") and calls == [1]
        sc.register_builtins(factory, ["test_lazy_a", "test_lazy_b"], kind="policy",
                             model="zz_test")  # the same declaration again: no-op
        sc.register_builtin(_policy("test_lazy_a"), model="zz_test")  # equal: no-op
        with pytest.raises(InputError, match="different built-in"):
            sc.register_builtin(_policy("test_lazy_a").with_drivers(order_certainty=0.6))
    finally:
        for name in ("test_lazy_a", "test_lazy_b"):
            sc._BUILTINS.pop(name, None)


def test_register_builtins_checks_the_declaration_and_what_is_built():
    with pytest.raises(InputError, match="kind"):
        sc.register_builtins(dict, ["test_lazy_c"], kind="polcy")
    with pytest.raises(InputError, match="core built-in"):
        sc.register_builtins(dict, ["current_conditions"], kind="policy")
    with pytest.raises(InputError, match="default grid"):
        sc.register_builtins(dict, ["test_lazy_c"], kind="scenario", default_grid=True)
    with pytest.raises(InputError, match="callable"):
        sc.register_builtins({}, ["test_lazy_c"], kind="policy")
    try:
        sc.register_builtins(lambda: {"test_lazy_d": _policy("test_lazy_d")}, ["test_lazy_c"],
                             kind="policy", model="zz_test")
        with pytest.raises(InputError, match=r"expected \['test_lazy_c'\]"):
            sc.builtin()
    finally:
        sc._BUILTINS.pop("test_lazy_c", None)
    assert "test_lazy_c" not in sc.builtin()
