"""Shared fixtures of the test suite and its CPU-time report (see tests/README.md).

The suite's budget is CPU time (user + system, child processes included), not wall time: the
README's ``python -m pytest`` should stay under 90 s of CPU on a quiet 2-core machine
(``benchmarks/bench_suite.py`` checks it). ``--cpu-durations=N`` lists the N tests that cost the
most CPU, with the cost of collection and of the whole session. A session-scoped fixture is
paid by the first test that uses it.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import pytest

try:  # POSIX: the CPU of this process and of the child processes it has waited for
    import resource

    def cpu_seconds() -> float:
        """CPU seconds (user + system) of this process and its waited-for children."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
except ImportError:  # pragma: no cover - Windows: this process only
    def cpu_seconds() -> float:
        """CPU seconds (user + system) of this process."""
        return time.process_time()


# ------------------------------------------------------------------------ CPU-time report
def pytest_addoption(parser):
    group = parser.getgroup("cpu-durations", "CPU time per test")
    group.addoption("--cpu-durations", type=int, default=None, metavar="N",
                    help="show the N tests with the most CPU time (user + system, child "
                         "processes included; 0 for all), and the CPU of collection and of "
                         "the session")


class CpuDurations:
    """Registered as a plugin (not a conftest hook), so it also times the doctests in src/."""

    def __init__(self, n: int):
        self.n = n
        self.start = cpu_seconds()
        self.wall = time.perf_counter()
        self.collected = self.start
        self.times: dict[str, float] = {}

    def pytest_collection_finish(self, session):
        self.collected = cpu_seconds()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        t0 = cpu_seconds()
        yield
        self.times[item.nodeid] = cpu_seconds() - t0

    def pytest_terminal_summary(self, terminalreporter):
        tr = terminalreporter
        total = cpu_seconds() - self.start
        ranked = sorted(self.times.items(), key=lambda kv: kv[1], reverse=True)
        shown = ranked if self.n == 0 else ranked[:self.n]
        tr.write_sep("=", f"CPU time of the {len(shown)} costliest tests (setup + call + "
                          f"teardown, child processes included)")
        for nodeid, seconds in shown:
            tr.write_line(f"{seconds:8.2f}s  {nodeid}")
        tests = sum(self.times.values())
        tr.write_line(f"CPU: collection {self.collected - self.start:.1f} s, "
                      f"{len(self.times)} tests {tests:.1f} s, session {total:.1f} s "
                      f"(wall {time.perf_counter() - self.wall:.1f} s)")


#: The cyclic garbage collector's thresholds while the tests run: a full collection walks
#: every object the suite keeps (fixtures, caches, modules imported since collection), and the
#: default (every 10 collections of the middle generation, once the long-lived objects have
#: grown by a quarter) runs one about every 2 s of the suite, each about 0.15 s. The youngest
#: generations are collected as usual, so short-lived cycles are freed as soon as before.
GC_THRESHOLDS = (700, 10, 100)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    """No automatic full collection while the tests are collected: importing the libraries
    and rewriting the test modules' assertions make hundreds of thousands of objects that
    live until the end, and each full collection would walk all of them again (about 2 s of
    CPU in all). The youngest generations are collected as usual."""
    import gc

    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1_000_000_000)


def pytest_collection_finish(session):
    """The objects made by importing the libraries and collecting the tests (about 200,000)
    live until the session ends: :func:`gc.freeze` takes them out of the cyclic garbage
    collector's full collections, which would otherwise walk them again and again (about 2%
    of the suite's CPU); then the collector runs with :data:`GC_THRESHOLDS`."""
    import gc

    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_configure(config):
    n = config.getoption("cpu_durations", None)
    if n is not None and not config.pluginmanager.has_plugin("cpu-durations"):
        config.pluginmanager.register(CpuDurations(n), "cpu-durations")


# ------------------------------------------------------------------------ shared objects
#: Arguments of the shared report (``shared_report``).
SHARED_REPORT_ARGS = ("--seed", "0", "--draws", "200")


@pytest.fixture(scope="session")
def shared_report(tmp_path_factory):
    """``nldtib-forecast report --seed 0 --draws 200``, built once per session for the tests
    that only read a report (about 10 s of CPU per build).

    It is written into a directory that exists and is empty (a target ``report`` must accept),
    the only entry of its parent. Its files are made read-only, so that a test that writes
    into it fails instead of changing what the other tests read; a test that needs a report
    to change copies it first (``shutil.copytree(..., copy_function=shutil.copyfile)``).
    Tests of failure modes, locks, signals and clean-up run their own commands.
    """
    from nldtib_forecast.cli import main

    out = tmp_path_factory.mktemp("shared_report") / "results"
    out.mkdir()
    assert main(["report", "--out", str(out), *SHARED_REPORT_ARGS, "--quiet"]) == 0
    for path in out.iterdir():
        path.chmod(0o444)
    return out


#: What the earlier report that ``shared_report_nl`` overwrites holds in every file.
EARLIER = b"from an earlier run"


@pytest.fixture(scope="session")
def shared_report_nl(shared_report, tmp_path_factory):
    """``nldtib-forecast report --seed 0 --draws 200 --lang nl --overwrite``: the shared report
    in Dutch, built once per session for the tests that only read it; read-only, as
    ``shared_report``. It is written over an earlier report (every file name of the shared
    report holding :data:`EARLIER`, a ``manifest.json`` and a stale file), so that one build
    also shows that ``--overwrite`` replaces every file and removes the stale one; its tables
    for programs (CSV) are those of the English build (the same seed)."""
    from nldtib_forecast.cli import main

    out = tmp_path_factory.mktemp("shared_report_nl") / "results"
    out.mkdir()
    for path in shared_report.iterdir():
        (out / path.name).write_bytes(EARLIER)
    (out / "manifest.json").write_text('{"library": "nldtib_forecast"}')
    (out / "stale.txt").write_bytes(EARLIER)
    assert main(["report", "--out", str(out), *SHARED_REPORT_ARGS, "--lang", "nl",
                 "--overwrite", "--quiet"]) == 0
    for path in out.iterdir():
        path.chmod(0o444)
    return out


#: The example scenario file of the repository.
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "example.toml"
#: Columns of the response homogeneity groups of the respondent files (``respondent_files``).
BY = ["size_class", "nld_area"]


@pytest.fixture(scope="session")
def respondent_files(tmp_path_factory) -> tuple[Path, Path]:
    """An unweighted respondent file and the frame counts, as an analyst receives them:
    ``(respondents.csv, counts.csv)``, drawn from the synthetic population (seed 1) and
    counted by :data:`BY`."""
    from nldtib_forecast.data import draw_respondents, synthetic_survey
    from nldtib_forecast.survey import frame_counts

    base = tmp_path_factory.mktemp("census")
    frame = synthetic_survey(population=True)
    resp, counts = base / "respondents.csv", base / "counts.csv"
    draw_respondents(frame, seed=1).to_csv(resp, index=False)
    frame_counts(frame, BY).to_csv(counts, index=False)
    return resp, counts


def population_run_args(out, respondent_files) -> list[str]:
    """The arguments of ``population_run``: the example scenarios (no grid) on the
    respondent file weighted from the frame counts, ``--seed 7 --draws 200`` (two blocks of
    draws, so that two workers share the work)."""
    resp, counts = respondent_files
    return ["run", str(EXAMPLE), "--out", str(out), "--seed", "7", "--draws", "200",
            "--survey", str(resp), "--population", str(counts)]


@pytest.fixture(scope="session")
def population_run_output(respondent_files, tmp_path_factory):
    """``nldtib-forecast run examples/scenarios/example.toml --seed 7 --draws 200 --survey
    respondents.csv --population counts.csv --jobs 2 --quiet``, in this process, once per
    session; read-only. A namespace: ``out`` (the directory), ``code``, ``stdout``,
    ``stderr``, and ``args(directory)``: the same command (without ``--jobs`` and
    ``--quiet``) writing into another directory.

    The run of plain scenarios (one panel per scenario, no policies x futures grid) on a
    survey file, weighted from frame counts, with two workers: ``test_cli`` runs the same
    command in a subprocess with one worker and compares every file."""
    import types

    from nldtib_forecast.cli import main

    out = tmp_path_factory.mktemp("population") / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main([*population_run_args(out, respondent_files), "--jobs", "2", "--quiet"])
    if out.is_dir():
        for path in out.iterdir():
            path.chmod(0o444)
    return types.SimpleNamespace(out=out, code=code, stdout=stdout.getvalue(),
                                 stderr=stderr.getvalue(),
                                 args=lambda other: population_run_args(other,
                                                                        respondent_files))


@pytest.fixture(scope="session")
def population_run(population_run_output) -> Path:
    """The directory of ``population_run_output`` (the run must have succeeded); read-only."""
    assert population_run_output.code == 0, population_run_output.stderr
    return population_run_output.out


#: Scenario texts that must stay text (tests/scenario_texts/): HTML (tests/test_report.py),
#: spreadsheet formulas (tests/test_hardening_cli.py), and names longer than any chart label.
SCENARIO_TEXTS = Path(__file__).resolve().parent / "scenario_texts"
EVIL_HTML = (SCENARIO_TEXTS / "evil_html.toml").read_text(encoding="utf-8")
EVIL_FORMULAS = (SCENARIO_TEXTS / "evil_formulas.toml").read_text(encoding="utf-8")
#: A future and a policy of a user's file (a grid with a built-in future: --futures).
GRID = (SCENARIO_TEXTS / "grid.toml").read_text(encoding="utf-8")
LONG_SCENARIO = "a_very_long_scenario_name_" + "that_goes_on_" * 8
LONG_POLICY = "an_equally_long_policy_name_" + "which_goes_on_" * 8
LONG_NAMES = (f"\n[scenarios.{LONG_SCENARIO}]\ndescription = 'long'\n"
              f"[scenarios.{LONG_SCENARIO}.drivers]\norder_certainty = 0.5\n"
              f"[policies.{LONG_POLICY}]\n[policies.{LONG_POLICY}.drivers]\n"
              f"order_certainty = 0.6\n")
#: Arguments of the shared run of these texts (``evil_run_output``).
EVIL_RUN_ARGS = ("--draws", "20", "--seed", "5", "--futures", "fast_europe,baseline")


@pytest.fixture(scope="session")
def evil_run_output(tmp_path_factory):
    """One quiet ``run`` of the example scenarios plus EVIL_HTML, EVIL_FORMULAS, GRID and
    LONG_NAMES (``--draws 20 --seed 5 --futures fast_europe,baseline``: a policies x futures
    grid of the file's policies and a future of the file and a built-in one), in
    this process, once per session; read-only. A namespace: ``out`` (the directory),
    ``stdout``, ``stderr``, ``warnings`` (every warning, recorded with ``always``: what a fresh
    process with ``PYTHONWARNINGS=default`` would show), ``long_scenario``, ``long_policy``."""
    import types
    import warnings

    from nldtib_forecast.cli import main

    base = tmp_path_factory.mktemp("evil")
    path = base / "evil.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n" + EVIL_HTML + "\n"
                    + EVIL_FORMULAS + "\n" + GRID + LONG_NAMES, encoding="utf-8")
    out = base / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(stdout), \
            contextlib.redirect_stderr(stderr):
        warnings.simplefilter("always")
        code = main(["run", str(path), "--out", str(out), *EVIL_RUN_ARGS, "--quiet"])
    assert code == 0, stderr.getvalue()
    for item in out.iterdir():
        item.chmod(0o444)
    return types.SimpleNamespace(out=out, stdout=stdout.getvalue(), stderr=stderr.getvalue(),
                                 warnings=list(caught), long_scenario=LONG_SCENARIO,
                                 long_policy=LONG_POLICY)


@pytest.fixture(scope="session")
def evil_run(evil_run_output):
    """The directory of ``evil_run_output``; read-only."""
    return evil_run_output.out


# ----------------------------------------------------------- survey and calibrated models
@pytest.fixture(scope="session")
def synthetic_sample():
    """``synthetic_survey(seed=0)``, the default sample, built once per session. A pandas
    frame is mutable: a module fixture hands its tests ``synthetic_sample.copy()``."""
    from nldtib_forecast.data import synthetic_survey

    return synthetic_survey(seed=0)


@pytest.fixture(scope="session")
def default_outlook():
    """``Outlook.from_survey()`` (the synthetic sample, published benchmark), calibrated once
    per session; an immutable (frozen) object."""
    from nldtib_forecast.models.outlook import Outlook

    return Outlook.from_survey()


@pytest.fixture(scope="session")
def capacity_model(synthetic_sample):
    """``CapacityModel.from_survey(synthetic_survey())``, calibrated once per session; an
    immutable (frozen) object."""
    from nldtib_forecast.models.capacity import CapacityModel

    return CapacityModel.from_survey(synthetic_sample.copy())


# ------------------------------------------------------------------ workbooks, parsed once
class Workbooks:
    """The workbooks of the shared (read-only) reports, parsed once per session.

    openpyxl needs about 0.8 s of CPU to parse a report's workbook (60,000 cells); a dozen
    tests read the same four. ``book(path)`` is the openpyxl workbook (normal mode, so cells,
    styles and number formats can be read; do not change it), ``sheet(path, name, header)`` a
    pandas frame of one sheet (a copy: change it as you like), read from that same parse
    (``pandas.read_excel`` takes an openpyxl workbook). A file that changed on disk (its size
    or modification time) is parsed again.
    """

    def __init__(self) -> None:
        self._books: dict = {}
        self._frames: dict = {}

    @staticmethod
    def _key(path) -> tuple:
        path = Path(path).resolve()
        stat = path.stat()
        return str(path), stat.st_mtime_ns, stat.st_size

    def book(self, path):
        """The openpyxl workbook of ``path`` (shared: read it, do not change it)."""
        import openpyxl

        key = self._key(path)
        if key not in self._books:
            self._books[key] = openpyxl.load_workbook(key[0])
        return self._books[key]

    def sheet(self, path, name: str, header: int = 3):
        """One sheet as ``pandas.read_excel(path, sheet_name=name, header=header)`` gives it."""
        import pandas as pd

        key = (*self._key(path), name, header)
        if key not in self._frames:
            self._frames[key] = pd.read_excel(self.book(path), sheet_name=name, header=header,
                                              engine="openpyxl")
        return self._frames[key].copy()

    def sheets(self, path, header: int = 3) -> dict:
        """Every sheet, as ``pandas.read_excel(path, sheet_name=None, header=header)``."""
        return {name: self.sheet(path, name, header) for name in self.book(path).sheetnames}


@pytest.fixture(scope="session")
def workbooks() -> Workbooks:
    """:class:`Workbooks`: report workbooks parsed once per session (read-only reports)."""
    return Workbooks()
