"""Hardening of the ``nldtib-forecast`` command (issue 13): spreadsheet formula injection,
signals, concurrent runs, stale temporaries, the memory check, the bound of ``--jobs``, quiet
runs, and random command lines (Hypothesis).

The heavy report build is replaced by a fake (``fake_build``) wherever the test is about the
command's handling of files, locks and signals rather than about the report's content.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nldtib_forecast import InputError, simulation
from nldtib_forecast.cli import main
from nldtib_forecast.report import io as report_io
from nldtib_forecast.report import run as _report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "example.toml"
POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

#: What OWASP says a spreadsheet runs as a formula: text starting with one of these.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _runs_as_formula(cell: str) -> bool:
    return len(cell) > 1 and cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell)


def _default_signals() -> None:  # pragma: no cover - runs in the child before exec
    """The child starts with the default SIGINT, SIGTERM and SIGHUP handling, also when the
    tests run where they are ignored (a background job of a non-interactive shell ignores
    SIGINT, nohup SIGHUP; a child would inherit that and never be interrupted)."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)


def _popen(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "nldtib_forecast.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg"},
                            preexec_fn=_default_signals)


def _wait_for(condition, proc: subprocess.Popen | None = None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the process ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def _has_temp(parent: Path, name: str = "out") -> bool:
    return parent.is_dir() and any(p.name.startswith(f".{name}.tmp-") for p in parent.iterdir())


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _tree(path: Path) -> dict[str, str]:
    """Every file and directory under ``path`` with a hash of its contents."""
    out = {}
    for p in sorted(path.rglob("*")):
        rel = str(p.relative_to(path))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    res = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                         capture_output=True, text=True, check=True)
    return int(res.stdout)


def _fake_report(directory: Path, spec=None) -> list[str]:
    (directory / "manifest.json").write_text(json.dumps({"library": "nldtib_forecast"}))
    (directory / "summary.csv").write_text("a,b\n1,2\n")
    return ["manifest.json", "summary.csv"]


@pytest.fixture
def fake_build(monkeypatch):
    """Replace the report build (models, tables, charts) by two small files."""
    monkeypatch.setattr(_report, "build_report", _fake_report)
    monkeypatch.setattr(_report, "write_timing", lambda *args: None)
    return _fake_report


def _earlier_report(path: Path) -> None:
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps({"library": "nldtib_forecast"}))
    (path / "old.csv").write_text("previous,good\n1,2\n")


# =============================================================== 2. formula injection
# The run is in tests/conftest.py (``evil_run``), shared with tests/test_report.py.
EVIL = (Path(__file__).resolve().parent / "scenario_texts" / "evil_formulas.toml").read_text(
    encoding="utf-8")


def test_no_csv_cell_of_a_run_runs_as_a_formula(evil_run):
    checked = 0
    for path in sorted(evil_run.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not _runs_as_formula(cell), (path.name, cell)
                    checked += 1
    assert checked > 1000
    scen = pd.read_csv(evil_run / "scenario_definitions.csv")
    evil = scen[scen["scenario"] == "evil"].iloc[0]
    assert evil["description"] == "'=cmd|' /C calc'!A0"
    assert evil["sources"].startswith("'=HYPERLINK(")
    assert scen.loc[scen["scenario"] == "plus", "description"].iloc[0] == "'+cmd|' /C calc'!A0"
    assert scen.loc[scen["scenario"] == "minus", "description"].iloc[0] == "'-1+1"
    # numbers stay numbers, negative ones included
    results = pd.read_csv(evil_run / "results.csv")
    assert results["value"].dtype == "float64"
    effects = pd.read_csv(evil_run / "policy_effects.csv")
    assert effects["lower"].dtype == "float64"


def test_no_workbook_cell_of_a_run_is_a_formula(evil_run, workbooks):
    book = workbooks.book(evil_run / "nldtib_report.xlsx")
    kinds = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                kinds[cell.data_type] = kinds.get(cell.data_type, 0) + 1
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate,
                                                          cell.value)
                if isinstance(cell.value, str) and _runs_as_formula(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
    assert kinds["n"] > 100 and kinds["s"] > 100
    scen = workbooks.sheet(evil_run / "nldtib_report.xlsx", "scenarios", header=3)
    # in the workbook the text is kept as it was: a text cell, never a formula
    assert scen.loc[scen["Scenario (code)"] == "evil", "Description"].iloc[0] == \
        "=cmd|' /C calc'!A0"


def _evil_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": ["=1+2", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx", "plain", "-", "-0.5", "#N/A"],
        "number": [-1.5, -2.0, 0.0, 3.0, -1e-9, 1.0, 2.0, 3.0, 4.0, 5.0],
        "cat": pd.Categorical(["=x", "y"] * 5),
        "=header": range(10),
    })


def test_write_table_csv_neutralises_text_only(tmp_path):
    path = tmp_path / "t.csv"
    report_io.write_table(_evil_frame(), path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["text", "number", "cat", "'=header"]
    # a carriage return would start a new row: it is written as a (quoted) line feed
    assert [r[0] for r in rows[1:]] == ["'=1+2", "'+A1", "'-A1", "'@SUM(A1)", "'\tx", "'\nx",
                                        "plain", "-", "-0.5", "#N/A"]
    assert [float(r[1]) for r in rows[1:]] == [-1.5, -2.0, 0.0, 3.0, -1e-9, 1.0, 2.0, 3.0, 4.0,
                                               5.0]
    assert {r[2] for r in rows[1:]} == {"'=x", "y"}
    # a written index is neutralised too
    indexed = pd.DataFrame({"v": [-1, 2]}, index=pd.Index(["=evil", "ok"], name="@name"))
    report_io.write_table(indexed, path)
    assert path.read_text(encoding="utf-8") == "'@name,v\n'=evil,-1\nok,2\n"
    # a carriage return inside text cannot smuggle in a row that starts with a formula
    report_io.write_table(pd.DataFrame({"a": ["x\r=1+2", "y\r\n@z"], "b": [1, 2]}), path)
    with open(path, newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["a", "b"], ["x\n=1+2", "1"], ["y\n@z", "2"]]


def test_write_table_xlsx_has_no_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    frame = _evil_frame()
    frame["control"] = "bell\x07"  # a character a workbook cannot hold
    report_io.write_table(frame, path, sheet_name="x")
    sheet = openpyxl.load_workbook(path)["x"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
    text = [c.value for c in sheet["A"]][1:]  # (XML reads a carriage return as a line feed)
    assert text == ["=1+2", "+A1", "-A1", "@SUM(A1)", "\tx", "\nx", "plain", "-", "-0.5", "#N/A"]
    assert all(sheet.cell(row=r, column=1).quotePrefix for r in range(2, 7))
    numbers = [c for c in sheet["B"]][1:]
    assert all(c.data_type == "n" for c in numbers) and numbers[0].value == -1.5
    assert sheet["D1"].value == "=header" and sheet["D1"].data_type == "s"
    assert sheet["E2"].value == "bell\\x07"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_data_command_neutralises_text(tmp_path, monkeypatch, suffix):
    import nldtib_forecast.data as data

    table = pd.DataFrame({"indicator": ["=cmd|' /C calc'!A0", "ds"], "value": [-1.0, 2.0],
                          "source": ["=HYPERLINK(\"http://example.invalid\")", "letter"]})
    monkeypatch.setattr(data, "load_published", lambda: table.copy())
    out = tmp_path / f"published{suffix}"
    assert main(["data", "published", "--out", str(out)]) == 0
    if suffix == ".csv":
        back = pd.read_csv(out)
        assert back["indicator"].tolist() == ["'=cmd|' /C calc'!A0", "ds"]
        assert back["source"].iloc[0].startswith("'=HYPERLINK")
        assert back["value"].tolist() == [-1.0, 2.0]
    else:
        sheet = openpyxl.load_workbook(out)["published"]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        assert sheet["A2"].value == "=cmd|' /C calc'!A0"
        assert sheet["B2"].value == -1.0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


# =============================================================== 3. signals
# SIGTERM in a real process: test_concurrent_run_fails_with_the_other_runs_pid (below) ends
# the first run with it; SIGHUP runs through the same handler (in process, below).


@POSIX
def test_sigterm_during_overwrite_keeps_the_previous_output(tmp_path):
    out = tmp_path / "out"
    _earlier_report(out)
    before = _tree(tmp_path)
    proc = _popen("run", str(EXAMPLE), "--out", str(out), "--draws", "20000", "--quiet",
                  "--overwrite")
    try:
        _wait_for(lambda: _has_temp(tmp_path), proc)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143, err
    assert _tree(tmp_path) == before


@pytest.fixture
def default_signals():
    """SIGINT, SIGTERM and SIGHUP at their defaults in this process for the test (the tests
    may run where they are ignored), restored afterwards."""
    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.getsignal(getattr(signal, n)) for n in names}
    for name in names:
        signal.signal(getattr(signal, name), signal.default_int_handler if name == "SIGINT"
                      else signal.SIG_DFL)
    yield
    for name, handler in previous.items():
        signal.signal(getattr(signal, name), handler)


@POSIX
@pytest.mark.parametrize("signame, code, message", [
    ("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "interrupted by SIGTERM"),
    ("SIGHUP", 129, "interrupted by SIGHUP")])
def test_signal_swallowed_by_a_library_still_stops_the_run(tmp_path, monkeypatch, capsys,
                                                           default_signals, signame, code,
                                                           message):
    """Some code catches the KeyboardInterrupt a signal raises (an ``except BaseException``,
    or a finaliser, where Python only prints it): the run still stops before its output is
    moved into place, with the signal's exit status (it used to finish and exit 0)."""

    def build(directory, spec):
        _fake_report(directory)
        try:
            os.kill(os.getpid(), getattr(signal, signame))
            time.sleep(5)
        except KeyboardInterrupt:
            pass  # swallowed
        return ["manifest.json", "summary.csv"]

    monkeypatch.setattr(_report, "build_report", build)
    monkeypatch.setattr(_report, "write_timing", lambda *args: None)
    out = tmp_path / "deep" / "out"
    assert main(["report", "--out", str(out), "--draws", "10", "--quiet"]) == code
    assert capsys.readouterr().err == f"nldtib-forecast: {message}; nothing written\n"
    assert list(tmp_path.iterdir()) == []


@POSIX
def test_ignored_signal_stays_ignored(tmp_path, monkeypatch, fake_build, default_signals):
    """A signal ignored when the command starts (nohup ignores SIGHUP) does not stop it."""

    def build(directory, spec):
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.05)
        return _fake_report(directory)

    monkeypatch.setattr(_report, "build_report", build)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert main(["report", "--out", str(tmp_path / "out"), "--quiet"]) == 0
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert (tmp_path / "out" / "manifest.json").exists()


@POSIX
def test_sigterm_while_writing_a_data_file_leaves_nothing(tmp_path, monkeypatch, capsys,
                                                          default_signals):
    real = report_io.write_table

    def write(df, path, sheet_name="data"):
        real(df, path, sheet_name)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)

    monkeypatch.setattr(report_io, "write_table", write)
    assert main(["data", "published", "--out", str(tmp_path / "p.csv")]) == 143
    assert capsys.readouterr().err == "nldtib-forecast: interrupted by SIGTERM; nothing written\n"
    assert list(tmp_path.iterdir()) == []


def test_signal_handlers_are_restored(tmp_path, fake_build):
    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    before = {n: signal.getsignal(getattr(signal, n)) for n in names}
    assert main(["report", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert main(["report", "--out", str(tmp_path / "out"), "--quiet"]) == 1  # not empty
    assert {n: signal.getsignal(getattr(signal, n)) for n in names} == before


@POSIX
def test_signal_during_the_move_into_place_is_deferred(default_signals):
    with report_io.SignalGuard() as guard:
        with report_io.signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # no exception here: the move into place is not cut short
        assert guard.received == signal.SIGTERM
        with pytest.raises(KeyboardInterrupt) as info:
            report_io.raise_if_interrupted()
        assert info.value.signum == signal.SIGTERM
        report_io.output_committed()
        os.kill(os.getpid(), signal.SIGTERM)  # once the output is in place: remembered only
        time.sleep(0.05)
        report_io.raise_if_interrupted()


def test_keyboard_interrupt_in_process_is_130(tmp_path, monkeypatch, capsys):
    def build(directory, spec):
        _fake_report(directory)
        raise KeyboardInterrupt

    monkeypatch.setattr(_report, "build_report", build)
    out = tmp_path / "a" / "b" / "out"
    assert main(["report", "--out", str(out), "--quiet"]) == 130
    assert capsys.readouterr().err == "nldtib-forecast: interrupted; nothing written\n"
    assert list(tmp_path.iterdir()) == []


# =============================================================== 3. concurrent runs
HOLDER = """
import pathlib, sys, time
from nldtib_forecast.report.io import OutLock
target = pathlib.Path(sys.argv[1])
lock = OutLock(target, str(target))
lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
if sys.argv[3] == "write":
    target.mkdir()
    (target / "theirs.txt").write_text("theirs")
if sys.argv[3] != "die":
    lock.release()
"""


def _holder(target: Path, seconds: float, then: str = "release") -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(target), str(seconds), then],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@POSIX
def test_concurrent_run_fails_with_the_other_runs_pid(tmp_path, capsys):
    """Two runs into the same DIR: the second fails at once with a one-line error naming the
    first (exit 1); the first is not disturbed. Then SIGTERM stops the first like Ctrl-C:
    exit 128 + 15, no DIR, no temporary directory, no lock file and no parent directory made
    for DIR."""
    parent = tmp_path / "new" / "deeper"
    out = parent / "out"
    lock = parent / ".out.lock"
    proc = _popen("run", str(EXAMPLE), "--out", str(out), "--draws", "20000", "--quiet")
    try:
        _wait_for(lambda: _has_temp(parent) and lock.exists()
                  and lock.read_text().strip() == str(proc.pid), proc)
        assert main(["run", str(EXAMPLE), "--out", str(out), "--draws", "10", "--quiet"]) == 1
        line = _one_line(capsys.readouterr().err)
        assert f"another nldtib-forecast run (pid {proc.pid}) is writing" in line
        assert "--wait" in line
        assert proc.poll() is None and lock.read_text().strip() == str(proc.pid)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143, err
    assert _one_line(err) == "nldtib-forecast: interrupted by SIGTERM; nothing written"
    assert list(tmp_path.iterdir()) == []


def test_wait_waits_for_the_other_run(tmp_path, fake_build, capsys):
    out = tmp_path / "out"
    holder = _holder(out, 3.0)
    try:
        assert main(["report", "--out", str(out), "--wait"]) == 0
    finally:
        holder.wait(timeout=60)
    captured = capsys.readouterr()
    assert captured.err == (f"nldtib-forecast: waiting for the run (pid {holder.pid}) "
                            f"writing {str(out)!r}\n")
    assert captured.out == f"wrote 2 files to {out}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_wait_checks_dir_again_after_waiting(tmp_path, fake_build, capsys):
    """The run waited for wrote DIR: without --overwrite the waiting run now refuses it."""
    out = tmp_path / "out"
    holder = _holder(out, 1.0, "write")
    try:
        assert main(["report", "--out", str(out), "--wait", "--quiet"]) == 1
    finally:
        holder.wait(timeout=60)
    assert "is not empty; use --overwrite" in _one_line(capsys.readouterr().err)
    assert _tree(tmp_path) == {"out": "dir", "out/theirs.txt": _tree(out)["theirs.txt"]}


def test_lock_of_a_dead_run_is_taken_over(tmp_path, fake_build):
    out = tmp_path / "out"
    holder = _holder(out, 0.0, "die")  # ends without releasing: the system frees the lock
    holder.wait(timeout=60)
    assert (tmp_path / ".out.lock").read_text().strip() == str(holder.pid)
    assert main(["report", "--out", str(out), "--quiet"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_lock_file_left_by_an_older_crash_is_taken_over(tmp_path, fake_build):
    (tmp_path / ".out.lock").write_text(f"{_dead_pid()}\n")
    assert main(["report", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# =============================================================== 3. stale temporaries
def test_stale_temporaries_of_dead_runs_are_removed(tmp_path, fake_build):
    dead = _dead_pid()
    for name in (f".out.tmp-{dead}-abc123de", f".out.old-{dead}-xyz12345",
                 ".out.tmp-k2j3h4g5"):  # the last: named by a version without the pid
        (tmp_path / name).mkdir()
        (tmp_path / name / "partial.csv").write_text("x")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".out.tmp-{live.pid}-livelive").mkdir()
        (tmp_path / ".other.tmp-k2j3h4g5").mkdir()  # another target's
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "manifest.json").write_text('{"library": "nldtib_forecast"}')
        assert main(["report", "--out", str(tmp_path / "out"), "--quiet", "--overwrite"]) == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            ".other.tmp-k2j3h4g5", f".out.tmp-{live.pid}-livelive", "out"]
    finally:
        live.kill()
        live.wait()


def test_previous_output_of_a_run_killed_while_moving_is_put_back(tmp_path, fake_build,
                                                                  capsys):
    """A run killed (SIGKILL, power cut) between moving DIR aside and moving the new output
    into place: the next run first puts the previous output back."""
    dead = _dead_pid()
    _earlier_report(tmp_path / f".out.old-{dead}-abcdefgh")
    (tmp_path / f".out.tmp-{dead}-ijklmnop").mkdir()
    expected = _tree(tmp_path / f".out.old-{dead}-abcdefgh")
    assert main(["report", "--out", str(tmp_path / "out"), "--quiet"]) == 1
    assert "not empty; use --overwrite" in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert _tree(tmp_path / "out") == expected
    assert main(["report", "--out", str(tmp_path / "out"), "--quiet", "--overwrite"]) == 0
    assert (tmp_path / "out" / "summary.csv").exists()


def test_stale_temporary_file_of_the_data_command_is_removed(tmp_path):
    stale = tmp_path / f".published.csv.tmp-{_dead_pid()}-abcd1234.csv"
    stale.write_text("partial")
    out = tmp_path / "published.csv"
    assert main(["data", "published", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.csv"]
    assert oct(out.stat().st_mode & 0o777) == oct(0o644) or os.name == "nt"


def test_failure_removes_created_parents_and_lock(tmp_path, monkeypatch, capsys):
    def build(directory, spec):
        _fake_report(directory)
        raise InputError("bad data")

    monkeypatch.setattr(_report, "build_report", build)
    assert main(["report", "--out", str(tmp_path / "a" / "b" / "out"), "--quiet"]) == 1
    assert _one_line(capsys.readouterr().err) == "nldtib-forecast: error: bad data"
    assert list(tmp_path.iterdir()) == []


# =============================================================== 3. memory and --jobs
def test_draws_beyond_the_memory(tmp_path, capsys):
    """The real memory of this machine (the check below replaces it by a small one)."""
    assert main(["report", "--out", str(tmp_path / "out"), "--draws", "10000000000"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert "--draws 10000000000" in line and "of memory, more than the" in line
    assert "available on this machine" in line
    assert list(tmp_path.iterdir()) == []


def test_memory_check_uses_the_available_memory(tmp_path, monkeypatch, capsys, fake_build):
    monkeypatch.setattr(simulation, "_available_memory", lambda: 50_000_000)
    assert main(["report", "--out", str(tmp_path / "out"), "--draws", "1000"]) == 1
    line = _one_line(capsys.readouterr().err)
    # 1000 draws x 24 scenarios x 11 years x 18 variables x 8 bytes x 3 copies = 114 MB
    assert "needs about 114.0 MB of memory, more than the 50.0 MB available" in line
    assert "24 scenarios" in line and "--draws" in line
    assert list(tmp_path.iterdir()) == []
    assert main(["report", "--out", str(tmp_path / "out"), "--draws", "100", "--quiet"]) == 0


def test_memory_error_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    def build(directory, spec):
        raise MemoryError

    monkeypatch.setattr(_report, "build_report", build)
    assert main(["report", "--out", str(tmp_path / "out")]) == 1
    assert "out of memory" in _one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["-3", "-2", "0", "1", "2", "-1", "x", "1.5", "MAX", "MAX+1",
                                   "100000"])
def test_jobs_accepts_what_n_jobs_accepts(value, tmp_path, monkeypatch, fake_build, capsys):
    limit = simulation.max_jobs()
    text = {"MAX": str(limit), "MAX+1": str(limit + 1)}.get(value, value)
    try:
        number: object = int(text)
    except ValueError:
        number = text
    try:
        simulation.check_n_jobs(number)
        api_ok = True
    except InputError:
        api_ok = False
    seen = []
    monkeypatch.setattr(_report, "build_report",
                        lambda directory, spec: seen.append(spec.n_jobs) or _fake_report(directory))
    code = main(["report", "--out", str(tmp_path / "out"), "--jobs", text, "--quiet"])
    assert code == (0 if api_ok else 2)
    assert api_ok == (text in ("1", "2", "-1", str(limit)))  # at most 256 workers
    if not api_ok:
        line = _one_line(capsys.readouterr().err)
        assert f"integer from 1 to {limit}" in line and "-1 (all cores)" in line
    else:
        assert seen == [int(text)]


# =============================================================== quiet runs
def test_quiet_run_with_long_names_prints_nothing(evil_run_output):
    """No warning (matplotlib layout warnings from long names in the charts included) and no
    output of a quiet run."""
    run = evil_run_output
    assert [f"{w.category.__name__}: {w.message}" for w in run.warnings] == []
    assert run.stdout == "" and run.stderr == ""
    scen = pd.read_csv(run.out / "scenario_definitions.csv")
    assert run.long_scenario in set(scen["scenario"])  # the tables keep the full names
    assert run.long_policy in set(pd.read_csv(run.out / "policy_effects.csv")["policy"])


# =============================================================== random command lines
SCENARIO_FILES = {
    "example": EXAMPLE.read_text(encoding="utf-8"),
    "evil": EVIL,
    "broken": "[scenarios.a]\ndescription = \"unterminated\n",
    "unknown_driver": "[scenarios.a.drivers]\nno_such_driver = 1\n",
    "empty": "",
}


def _value(*values):
    return st.sampled_from(values)


OPTIONS = {
    "--draws": _value("1", "5", "0", "-1", "x", "1e3", "10000000000"),
    "--seed": _value("0", "7", "-1", "x"),
    "--jobs": _value("1", "2", "-1", "0", "-2", "100000", "x"),
    "--futures": _value("baseline", "baseline,european_surge", "nope", "", "a,,b",
                        "baseline,baseline"),
    "--policies": _value("current_conditions", "orders_only,labour_only", "nope", ""),
    "--survey": _value("@missing.csv", "@scenarios.toml"),
    "--population": _value("@missing.csv"),
    "--weighting": _value("cells", "propensity", "raking"),
    "--min-respondents": _value("1", "0", "x"),
}
FLAGS = ("--quiet", "--overwrite", "--wait", "--bogus")
OUTS = ("new", "nested/new/out", "empty_dir", "earlier_report", "other_dir", "a_file",
        "@missing_parent/out")


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(["run", "report", "data"]))
    if command == "data":
        table = draw(st.sampled_from(["published", "audit", "survey", "nope"]))
        out = draw(st.sampled_from(["t.csv", "t.xlsx", "T.CSV", "t.txt", "t", "empty_dir",
                                    "missing_parent/t.csv", "a_file"]))
        args = ["data", table, "--out", "@" + out]
        if table == "survey" and draw(st.booleans()):
            args += ["--seed", draw(_value("0", "3", "-1", "x"))]
        if draw(st.integers(0, 9)) == 0:
            args.append(draw(st.sampled_from(["--population", "--quiet"])))
        return args
    args = [command]
    if command == "run" and draw(st.integers(0, 9)):
        args.append("@scenarios.toml")
    if draw(st.integers(0, 9)):
        args += ["--out", "@" + draw(st.sampled_from(OUTS))]
    for option in draw(st.lists(st.sampled_from(sorted(OPTIONS)), max_size=3, unique=True)):
        args += [option, draw(OPTIONS[option])]
    args += draw(st.lists(st.sampled_from(FLAGS), max_size=3, unique=True))
    return args


def _sandbox(base: Path, scenario_text: str) -> None:
    (base / "scenarios.toml").write_text(scenario_text, encoding="utf-8")
    (base / "empty_dir").mkdir()
    _earlier_report(base / "earlier_report")
    (base / "other_dir").mkdir()
    (base / "other_dir" / "thesis.tex").write_text("precious")
    (base / "a_file").write_text("x")


def _leftovers(base: Path) -> list[str]:
    return [str(p.relative_to(base)) for p in base.rglob("*")
            if re.search(r"\.(tmp|old)-|\.lock$", p.name)]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=command_lines(), scenario=st.sampled_from(sorted(SCENARIO_FILES)),
       failure=st.sampled_from([None, None, None, "input", "os"]))
def test_random_command_lines(argv, scenario, failure, monkeypatch):
    """Any combination of options: exit status 0, 1 or 2, never a traceback, a one-line
    error, and after a failure the files are exactly as before (no partial output, no
    temporary directory, no lock file, no parent directory).

    The report is a fake (``build``) and so are the tables of ``data`` (``write_table``: a
    workbook of the synthetic population takes seconds; what is checked here is the
    command's handling of its target, the same for any contents)."""

    def write_table(df, path, sheet_name="data", **options):
        Path(path).write_text(f"{sheet_name}: {len(df)} rows\n", encoding="utf-8")

    def build(directory, spec):
        if failure == "input":
            raise InputError("the model failed\non two lines")
        files = _fake_report(directory)
        if failure == "os":
            raise OSError(28, "No space left on device", str(directory / "summary.csv"))
        return files

    monkeypatch.setattr(_report, "build_report", build)
    monkeypatch.setattr(_report, "write_timing", lambda *args: None)
    monkeypatch.setattr(report_io, "write_table", write_table)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _sandbox(base, SCENARIO_FILES[scenario])
        before = _tree(base)
        args = [str(base / a[1:]) if a.startswith("@") else a for a in argv]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)  # an exception escaping here would be a traceback
        err_text = err.getvalue()
        event(f"{argv[0]}: exit {code}")
        assert code in (0, 1, 2), (args, code, err_text)
        assert "Traceback" not in err_text
        if code:  # steps, then the error on one line and one line per problem
            lines = [line for line in err_text.strip().splitlines()
                     if not line.startswith("nldtib-forecast [")]
            assert "error:" in lines[0], (args, err_text)
            assert all(line.startswith("  - ") for line in lines[1:]), (args, err_text)
            assert _tree(base) == before, args
        else:
            assert err_text == "", args
        assert _leftovers(base) == [], args


def test_read_options_reach_the_reader_and_the_reproduce_line(tmp_path, monkeypatch):
    """A Dutch-locale export (``;`` and decimal comma) is read with --read-option, and the
    error for it says so; --no-plausibility lifts the bounds."""
    from nldtib_forecast.cli import main
    from nldtib_forecast.data import synthetic_survey
    from nldtib_forecast.report import run as _report

    s = synthetic_survey(seed=0)
    path = tmp_path / "nl.csv"
    s.to_csv(path, sep=";", decimal=",", index=False)
    seen = []
    monkeypatch.setattr(_report, "build_report", lambda d, spec: seen.append(spec) or [])
    monkeypatch.setattr(_report, "write_timing", lambda *a: None)
    err_out = tmp_path / "err"
    assert main(["report", "--out", str(err_out), "--survey", str(path), "--quiet"]) == 1
    assert not err_out.exists()
    assert main(["report", "--out", str(tmp_path / "ok"), "--survey", str(path),
                 "--read-option", "sep=';'", "--read-option", "decimal=,", "--quiet"]) == 0
    spec = seen[-1]
    assert spec.read_options == {"sep": ";", "decimal": ","}
    assert len(spec.survey) == len(s)
    assert "--read-option 'sep=;' --read-option decimal=," in spec.command_line()
    big = s.copy()
    big.loc[0, "price_change_ds"] = 5.0  # +500%: above the plausibility bound
    bad = tmp_path / "big.csv"
    big.to_csv(bad, index=False)
    assert main(["report", "--out", str(tmp_path / "b1"), "--survey", str(bad), "--quiet"]) == 1
    assert main(["report", "--out", str(tmp_path / "b2"), "--survey", str(bad),
                 "--no-plausibility", "--quiet"]) == 0
    assert "--no-plausibility" in seen[-1].command_line()


def test_read_options_hint_on_the_command_line(tmp_path, capsys):
    from nldtib_forecast.cli import main
    from nldtib_forecast.data import synthetic_survey

    path = tmp_path / "nl.csv"
    synthetic_survey(seed=0).to_csv(path, sep=";", decimal=",", index=False)
    assert main(["report", "--out", str(tmp_path / "x"), "--survey", str(path)]) == 1
    err = capsys.readouterr().err
    assert "--read-option sep=';' --read-option decimal=," in err
    assert main(["report", "--out", str(tmp_path / "y"), "--read-option", "sep=;"]) == 2
    assert main(["report", "--out", str(tmp_path / "y"), "--read-option", "nokey"]) == 2


def test_a_signal_inside_a_c_callback_prints_nothing(capsys):
    """A signal handled while Python runs a callback from C (here a weakref callback) cannot
    raise there; the guard remembers it and keeps the 'Exception ignored' noise off stderr."""
    import weakref

    class Thing:
        pass

    with report_io.SignalGuard() as guard:
        thing = Thing()
        ref = weakref.ref(thing, lambda ref: guard._handle(signal.SIGINT, None))  # noqa: F841
        del thing  # the callback runs from C and raises _Interrupted: unraisable
        assert guard.received == signal.SIGINT
        with pytest.raises(KeyboardInterrupt):
            report_io.raise_if_interrupted()
    assert capsys.readouterr().err == ""
