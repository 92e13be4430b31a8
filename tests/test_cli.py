"""Tests of the nldtib-forecast command (nldtib_forecast.cli).

Most tests call ``main([...])`` in-process (fast); a few run the command in a subprocess to
check the real entry point, exit codes and stderr.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nldtib_forecast import __version__
from nldtib_forecast.cli import main
from nldtib_forecast.survey import weighting_report

#: Files every report has (besides the fan charts fan_<model>_<variable>.png and the waterfall
#: waterfall_<year>.png, whose names depend on the models and the data).
REPORT_FILES = {
    "published.csv",
    "audit.csv",
    "survey_summary.csv",
    "headline.csv",
    "summary.csv",
    "results.csv",
    "scenario_definitions.csv",
    "drivers.csv",
    "decomposition.csv",
    "scenarios.toml",
    "nldtib_report.xlsx",
    "nldtib_report.html",
    "ds_turnover.png",
    "export_share.png",
    "README.txt",
    "manifest.json",
    "timing.json",
}
#: Written when policies run under futures (always by ``report``).
GRID_FILES = {"policy_effects.csv", "constraints.csv", "policy_effects.png"}
SHEETS = {"cover", "policy_effects", "constraints",
          "summary", "results", "scenarios", "drivers", "models", "priors", "survey_summary",
          "headline", "decomposition", "published", "audit", "sources"}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / "example.toml"


def _names(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}


def _check_report_files(path: Path, grid: bool = True) -> None:
    names = _names(path)
    expected = REPORT_FILES | (GRID_FILES if grid else set())
    assert expected <= names, expected - names
    assert grid or not (GRID_FILES & names)
    extra = names - expected
    assert extra, "no charts"
    assert all(n.endswith(".png") and n.startswith(("fan_", "waterfall_")) for n in extra), extra


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "nldtib_forecast.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _tree(path: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
        if p.is_file() and p.name not in skip
    }


@pytest.fixture(scope="module")
def report_dir(shared_report) -> Path:
    """``report --seed 0 --draws 200``, built once per session (tests/conftest.py); read-only."""
    return shared_report


EARLIER = b"from an earlier run"  # what the report overwritten by shared_report_nl held


@pytest.fixture(scope="module")
def overwritten_report(shared_report_nl) -> Path:
    """``report --seed 0 --draws 200 --lang nl --overwrite`` written over an earlier report
    (every file name of the shared report with other contents, a manifest and a stale file):
    ``shared_report_nl`` (tests/conftest.py), one build for --overwrite, the same seed and the
    Dutch report; read-only."""
    return shared_report_nl


# ----------------------------------------------------------------------------- subprocess
def test_help_subprocess():
    res = _run("--help")
    assert res.returncode == 0
    assert "usage: nldtib-forecast" in res.stdout
    for command in ("data", "run", "report"):
        assert command in res.stdout


def test_python_m_package_runs_the_cli():
    """``python -m nldtib_forecast`` is the command (``python -m nldtib_forecast.cli``: the
    other subprocess tests)."""
    res = subprocess.run(
        [sys.executable, "-m", "nldtib_forecast", "--version"], capture_output=True, text=True
    )
    assert res.returncode == 0
    assert res.stdout.strip() == f"nldtib-forecast {__version__}"


def test_unknown_extension_one_line_error_subprocess(tmp_path):
    res = _run("data", "published", "--out", str(tmp_path / "published.txt"))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "'.txt'" in lines[0] and ".csv or .xlsx" in lines[0]
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- in-process
@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["data"],
        ["data", "published"],
        ["data", "nope", "--out", "x.csv"],
        ["report"],
        ["report", "--out", "x", "--seed", "abc"],
        ["data", "survey", "--out", "x.csv", "--seed", "-3"],
        ["--bogus"],
        ["run"],
        ["run", "s.toml"],
        ["run", "s.toml", "--out", "x", "--draws", "0"],
        ["run", "s.toml", "--out", "x", "--draws", "many"],
        ["run", "s.toml", "--out", "x", "--jobs", "0"],
        ["report", "--out", "x", "--jobs", "-2"],
        ["report", "--out", "x", "--population", "counts.csv"],
        ["run", "s.toml", "--out", "x", "--population", "counts.csv"],
        ["report", "--out", "x", "--survey", "s.csv", "--weighting", "cells"],
        ["report", "--out", "x", "--survey", "s.csv", "--population", "c.csv",
         "--weighting", "raking"],
        ["report", "--out", "x", "--survey", "s.csv", "--min-respondents", "5"],
        ["report", "--out", "x", "--survey", "s.csv", "--population", "c.csv",
         "--min-respondents", "0"],
    ],
)
def test_usage_errors_are_one_line_exit_2(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1
    assert "error:" in captured.err
    assert "Traceback" not in captured.err


def test_help_and_version_in_process(capsys):
    assert main(["--help"]) == 0
    assert "report" in capsys.readouterr().out
    assert main(["report", "--help"]) == 0
    assert "--overwrite" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_data_published_xlsx_roundtrip(tmp_path):
    out = tmp_path / "published.xlsx"
    assert main(["data", "published", "--out", str(out)]) == 0
    df = pd.read_excel(out, sheet_name="published")
    values = df.loc[(df["indicator"] == "ds_turnover_eur") & (df["year"] == 2025), "value"]
    assert 10.2e9 in values.round(-6).tolist()
    assert [p.name for p in tmp_path.iterdir()] == ["published.xlsx"]


def test_data_published_csv_matches_loader(tmp_path):
    from nldtib_forecast.data import load_published

    out = tmp_path / "p.CSV"  # extension is case-insensitive
    assert main(["data", "published", "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == list(load_published().columns)
    assert len(df) == len(load_published())
    values = df.loc[(df["indicator"] == "ds_turnover_eur") & (df["year"] == 2025), "value"]
    # L26: D&S-related turnover EUR 10.2 bn in 2025.
    assert 10.2e9 in values.round(-6).tolist()


def test_data_audit_csv(tmp_path):
    out = tmp_path / "audit.csv"
    assert main(["data", "audit", "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert set(df["status"]) <= {"ok", "inconsistent"}
    assert (df["status"] == "inconsistent").any()


def test_data_survey_sample_and_population(tmp_path):
    sample = tmp_path / "s.csv"
    population = tmp_path / "p.csv"
    assert main(["data", "survey", "--out", str(sample), "--seed", "3"]) == 0
    assert main(["data", "survey", "--out", str(population), "--population", "--seed", "3"]) == 0
    s = pd.read_csv(sample)
    p = pd.read_csv(population)
    assert "weight" in s.columns
    assert len(s) < len(p)
    assert set(s["year"]) == set(range(2019, 2026))


def test_data_into_missing_directory_is_one_line_error(tmp_path, capsys):
    assert main(["data", "published", "--out", str(tmp_path / "no" / "p.csv")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "does not exist" in err


def test_report_writes_all_files(report_dir):
    _check_report_files(report_dir)
    manifest = json.loads((report_dir / "manifest.json").read_text())
    assert manifest["version"] == __version__
    assert manifest["seed"] == 0
    assert manifest["n_draws"] == 200
    assert manifest["command"] == "report"
    assert manifest["synthetic_survey"] is True
    assert manifest["inputs"]["survey"] == {**manifest["inputs"]["survey"],
                                            "source": "synthetic", "seed": 0}
    assert manifest["inputs"]["survey"]["data_hash"].startswith("sha256:")
    assert manifest["scenario_file"]["contents"] == (report_dir / "scenarios.toml").read_text()
    assert {f["name"] for f in manifest["files"]} == _names(report_dir) - {
        "manifest.json", "timing.json"}
    timing = json.loads((report_dir / "timing.json").read_text())
    assert timing["seconds"]["total"] > 0
    readme = (report_dir / "README.txt").read_text()
    assert "SYNTHETIC" in readme


def test_report_tables(report_dir, workbooks):
    summary = pd.read_csv(report_dir / "survey_summary.csv", index_col="year")
    assert list(summary.index) == list(range(2019, 2026))
    assert summary["data"].str.contains("synthetic").all()
    assert summary["export_share"].between(0, 1).all()
    assert summary["ds_turnover_share"].between(0, 1).all()
    assert (summary["firms"] > summary["respondents"]).all()
    sheets = workbooks.sheets(report_dir / "nldtib_report.xlsx", header=3)
    assert set(sheets) == SHEETS
    assert (summary["ds_turnover_eur_ci_lower"] < summary["ds_turnover_eur"]).all()
    assert set(summary["firms_status"]) == {"publish"}
    headline = pd.read_csv(report_dir / "headline.csv")
    row = headline[headline.indicator == "scale_up_improved"].iloc[0]
    assert row["published"] == pytest.approx(0.67) and row["status"] == "publish"
    assert len(sheets["published"]) == len(pd.read_csv(report_dir / "published.csv"))


def test_report_summary_is_weighted_sum(report_dir):
    from nldtib_forecast.data import synthetic_survey

    survey = synthetic_survey(seed=0)
    summary = pd.read_csv(report_dir / "survey_summary.csv", index_col="year")
    y = survey[survey["year"] == 2025]
    w = y["weight"]
    assert summary.loc[2025, "firms"] == pytest.approx(w.sum())
    assert summary.loc[2025, "ds_turnover_eur"] == pytest.approx(
        (w * y["turnover_ds_eur"]).sum()
    )
    assert summary.loc[2025, "export_share"] == pytest.approx(
        (w * y["export_ds_eur"]).sum() / (w * y["turnover_ds_eur"]).sum()
    )


def test_report_same_seed_identical_files(report_dir, overwritten_report):
    """The same seed gives the same tables for programs (every CSV file and scenarios.toml,
    byte for byte) in another build, here the Dutch one: the language changes the page, the
    workbook and the charts, not the numbers. (That every file, the HTML, the workbook and the
    charts included, is byte-identical for the same arguments is shown for ``run`` across
    processes and workers: test_run_same_seed_identical_files.)"""
    again = overwritten_report
    first, second = _tree(report_dir, ("timing.json",)), _tree(again, ("timing.json",))
    assert first.keys() == second.keys()
    tables = [n for n in first if n.endswith(".csv")] + ["scenarios.toml"]
    assert {"results.csv", "summary.csv", "survey_summary.csv", "audit.csv"} <= set(tables)
    for name in tables:
        assert first[name] == second[name], name


def test_report_other_seed_differs_in_survey_only(report_dir, evil_run):
    other = evil_run  # a run with seed 5 (report_dir: seed 0)
    assert (other / "published.csv").read_bytes() == (report_dir / "published.csv").read_bytes()
    assert (other / "survey_summary.csv").read_bytes() != (
        report_dir / "survey_summary.csv"
    ).read_bytes()


def test_report_refuses_non_empty_dir(tmp_path, capsys):
    target = tmp_path / "results"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    assert main(["report", "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--overwrite" in err
    assert _tree(target) == {"keep.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_report_into_empty_dir_and_overwrite(report_dir, overwritten_report):
    # the shared report was written into a directory that existed and was empty
    _check_report_files(report_dir)
    assert sorted(p.name for p in report_dir.parent.iterdir()) == ["results"]
    # --overwrite replaced every file of an earlier report and removed its stale file
    _check_report_files(overwritten_report)
    assert not [p.name for p in overwritten_report.iterdir() if p.read_bytes() == EARLIER]
    manifest = json.loads((overwritten_report / "manifest.json").read_text())
    assert manifest["seed"] == 0 and "--lang nl" in manifest["reproduce"]
    assert sorted(p.name for p in overwritten_report.parent.iterdir()) == ["results"]


def test_overwrite_only_replaces_reports(tmp_path, capsys):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("precious")
    assert main(["report", "--out", str(target), "--overwrite"]) == 1
    err = capsys.readouterr().err
    assert "not an earlier nldtib-forecast report" in err
    assert _tree(target) == {"thesis.tex": b"precious"}


def test_overwrite_refuses_current_directory(tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    (work / "manifest.json").write_text('{"library": "nldtib_forecast"}')
    monkeypatch.chdir(work)
    assert main(["report", "--out", ".", "--overwrite"]) == 1
    assert "current directory" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path), "--overwrite"]) == 1
    assert [p.name for p in work.iterdir()] == ["manifest.json"]


def test_report_out_is_a_file(tmp_path, capsys):
    target = tmp_path / "results"
    target.write_text("x")
    assert main(["report", "--out", str(target)]) == 1
    assert "not a directory" in capsys.readouterr().err
    assert target.read_text() == "x"


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), RuntimeError("boom")])
def test_report_failure_midway_leaves_nothing(tmp_path, monkeypatch, capsys, exc):
    import nldtib_forecast.plotting

    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr(nldtib_forecast.plotting, "plot_published_series", broken)
    target = tmp_path / "deeper" / "results"
    # (few draws: the failure comes after the models, survey tables and headline)
    if isinstance(exc, OSError):
        assert main(["report", "--out", str(target), "--draws", "20"]) == 1
        err = _error_lines(capsys.readouterr().err)
        assert "No space left" in err
    else:
        with pytest.raises(RuntimeError, match="boom"):
            main(["report", "--out", str(target), "--draws", "20"])
    # no partial output, no temporary directories, no created parents
    assert list(tmp_path.iterdir()) == []


def test_report_failure_keeps_existing_dir_on_overwrite(tmp_path, monkeypatch):
    import nldtib_forecast.plotting

    def broken(*args, **kwargs):
        raise OSError(5, "Input/output error")

    target = tmp_path / "results"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    monkeypatch.setattr(nldtib_forecast.plotting, "plot_published_series", broken)
    assert main(["report", "--out", str(target), "--overwrite"]) == 1
    assert _tree(target) == {"keep.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


# ----------------------------------------------------------------------------- run
BAD_DRIVER = """
[scenarios.faster]
description = "Faster procurement"
[scenarios.faster.drivers]
procurement_lead_tme_months = 12
"""


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def example_runs(population_run_output, tmp_path_factory) -> dict:
    """The example scenarios run twice with the same arguments (``--seed 7 --draws 200`` on
    the respondent file weighted from the frame counts): by the command in a subprocess (the
    real entry point, one worker), and in this process with ``--jobs 2 --quiet`` (stdout and
    stderr captured; ``population_run_output``, tests/conftest.py, built once per session).
    Two builds check the entry point, identical files across processes and for any number of
    workers, and a quiet run."""
    sub = tmp_path_factory.mktemp("example_run") / "run"
    here = population_run_output
    res = _run(*here.args(sub))
    return {"subprocess": (res, sub), "in_process": (here.code, here.stdout, here.stderr,
                                                     here.out)}


def test_run_example_subprocess(example_runs):
    res, out = example_runs["subprocess"]
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {len(_names(out))} files to {out}"
    _check_report_files(out, grid=False)
    assert (out / "scenarios.toml").read_bytes() == EXAMPLE.read_bytes()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "run" and manifest["seed"] == 7
    assert manifest["n_draws"] == 200
    assert manifest["scenario_file"]["name"] == "example.toml"
    assert manifest["scenario_file"]["contents"] == EXAMPLE.read_text()
    assert manifest["scenarios"] == ["procurement_reform", "slow_reform", "labour_push"]
    assert "run scenarios.toml" in manifest["reproduce"]
    results = pd.read_csv(out / "results.csv")
    assert set(results["scenario"]) == set(manifest["scenarios"])
    assert list(results.columns) == ["model", "scenario", "year", "variable", "unit",
                                     "statistic", "value", "data"]
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["year"]) == {2030, 2035}
    assert (summary["lower"] <= summary["median"]).all()
    assert (summary["median"] <= summary["upper"]).all()
    assert _leftovers(out.parent) == []


def test_run_same_seed_identical_files(example_runs):
    """The same seed gives the same files (timing.json aside) in another process (another
    hash seed, cold caches) and with another number of workers (--jobs 2)."""
    _, a = example_runs["subprocess"]
    code, _, _, b = example_runs["in_process"]
    assert code == 0
    first, second = _tree(a, ("timing.json",)), _tree(b, ("timing.json",))
    assert first.keys() == second.keys()
    assert first == second
    assert (a / "timing.json").exists() and (b / "timing.json").exists()


def test_run_quiet_prints_nothing(example_runs):
    code, out, err, _ = example_runs["in_process"]
    assert code == 0
    assert out == "" and err == ""


def _error_lines(err: str) -> str:
    """The error after any step lines: one line, then one line per problem (issue 15);
    returned as one string."""
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines()
             if not line.startswith("nldtib-forecast [")]  # the steps printed before it
    assert lines[0].startswith("nldtib-forecast: error: "), err
    assert all(line.startswith("  - ") for line in lines[1:]), err
    return " ".join(lines)


def test_run_unknown_driver(tmp_path, capsys):
    """In process: the exit status and stderr of the real entry point are those of ``main``
    (test_unknown_extension_one_line_error_subprocess, test_run_sigint_subprocess)."""
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_DRIVER)
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 1
    line = _error_lines(capsys.readouterr().err)
    assert "bad.toml" in line and "faster" in line and "procurement_lead_tme_months" in line
    assert "did you mean 'procurement_lead_time_months'" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_run_malformed_toml_names_position(tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text('[scenarios.a]\ndescription = "unterminated\n')
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 1
    err = _error_lines(capsys.readouterr().err)
    assert "broken.toml" in err and "line 2" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.toml"]


def test_run_missing_scenario_file(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "nope.toml" in err
    assert list(tmp_path.iterdir()) == []


def test_run_bad_survey_file(tmp_path, capsys):
    """(The real entry point's exit code and stderr for an error: the subprocess tests above
    and test_run_unknown_driver_subprocess.)"""
    survey = tmp_path / "survey.csv"
    survey.write_text("firm_id,year\nA,2025\n")
    assert main(["run", str(EXAMPLE), "--out", str(tmp_path / "out"), "--survey",
                 str(survey)]) == 1
    line = _error_lines(capsys.readouterr().err)
    assert "survey" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survey.csv"]


def test_run_with_survey_file_has_no_banner_and_no_microdata(population_run, respondent_files,
                                                              tmp_path, workbooks):
    """A run on a survey file (here the respondents weighted from frame counts:
    ``population_run``) says it used real data and writes no microdata."""
    from nldtib_forecast.data import read_survey, synthetic_survey
    from nldtib_forecast.report.tables import data_label

    resp, _ = respondent_files
    out = population_run
    html = (out / "nldtib_report.html").read_text()
    assert "synthetic-banner" not in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["synthetic_survey"] is False
    assert manifest["inputs"]["survey"]["file"] == "respondents.csv"
    assert manifest["inputs"]["survey"]["sha256"] == hashlib.sha256(resp.read_bytes()).hexdigest()
    assert "--survey respondents.csv" in manifest["reproduce"]
    # no firm identifiers anywhere in the output
    respondents = pd.read_csv(resp)
    firms = [f.encode() for f in respondents["firm_id"].astype(str).unique()[:20]]
    for name, content in _tree(out).items():
        assert not [f for f in firms if f in content], name
    for name in ("headline.csv", "survey_summary.csv", "decomposition.csv"):
        assert "firm_id" not in pd.read_csv(out / name).columns
    # real data: the CSV files say so, the workbook has no synthetic-data caveat
    assert pd.read_csv(out / "summary.csv")["data"].str.startswith("survey").all()
    book = workbooks.book(out / "nldtib_report.xlsx")
    assert book["cover"]["A2"].value == "Real survey data"
    assert all(ws["A3"].value is None for ws in book.worksheets[1:])
    assert not [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row
                if "SYNTHETIC" in str(c.value)]
    # a plain file written from the synthetic survey (no marker) is read as real survey data
    path = tmp_path / "my_survey.csv"
    synthetic_survey(seed=3).to_csv(path, index=False)
    assert read_survey(path).attrs.get("synthetic", False) is False
    assert data_label(False) == "survey"


def test_run_interrupted_leaves_nothing(tmp_path, monkeypatch, capsys):
    from nldtib_forecast.report import run as _report

    def interrupted(directory, spec):
        (directory / "partial.csv").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(_report, "build_report", interrupted)
    out = tmp_path / "deep" / "out"
    assert main(["run", str(EXAMPLE), "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "nldtib-forecast: interrupted; nothing written"
    assert list(tmp_path.iterdir()) == []


def _default_signals() -> None:  # pragma: no cover - runs in the child before exec
    import signal

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_run_sigint_subprocess(tmp_path):
    """Ctrl-C during a long run: exit 130, no DIR, no temporary directory.

    The child starts with SIGINT at its default: where the tests run as a background job of
    a non-interactive shell, SIGINT is ignored and a child would inherit that, run to the end
    and exit 0 (what made this test fail once). The command takes SIGINT from the start and
    remembers it, so the signal is sent as soon as the temporary directory appears, with no
    timing assumption.
    """
    import signal
    import time

    out = tmp_path / "out"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nldtib_forecast.cli", "run", str(EXAMPLE), "--out", str(out),
         "--draws", "20000", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=_default_signals)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if any(p.name.startswith(".out.tmp-") for p in tmp_path.iterdir()):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert stderr.strip() == "nldtib-forecast: interrupted; nothing written"
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- --population
#: The response homogeneity groups of ``respondent_files`` (tests/conftest.py).
BY = ["size_class", "nld_area"]


def test_help_shows_population(capsys):
    for command in ("run", "report"):
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert "--population COUNTS.csv" in out and "--weighting {cells,propensity}" in out


def test_run_with_population_weights_the_respondents(population_run, respondent_files):
    from nldtib_forecast.data import read_survey

    resp, counts = respondent_files
    out = population_run
    _check_report_files(out, grid=False)
    survey = read_survey(resp, population=counts)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["synthetic_survey"] is False
    inputs = manifest["inputs"]["survey"]
    assert inputs["file"] == "respondents.csv"
    assert inputs["sha256"] == hashlib.sha256(resp.read_bytes()).hexdigest()
    weights = inputs["weights"]
    assert weights == {
        "source": "frame counts", "file": "counts.csv",
        "sha256": hashlib.sha256(counts.read_bytes()).hexdigest(), "method": "cells",
        "by": BY, "frame_firms": int(pd.read_csv(counts)["count"].sum()),
        "responding_firms": int(survey["firm_id"].nunique()),
        "strata": len(survey.attrs["population_firms"]), "replaced_file_weights": False,
        "min_respondents": 10}
    assert "--survey respondents.csv --population counts.csv" in manifest["reproduce"]
    assert "--weighting" not in manifest["reproduce"]
    readme = (out / "README.txt").read_text()
    assert "SYNTHETIC" not in readme
    assert "Weights: from the frame counts counts.csv (response homogeneity groups" in readme
    html = (out / "nldtib_report.html").read_text()
    assert "synthetic-banner" not in html
    assert "--population counts.csv" in html
    # the survey estimates are those of the weighted respondents, with intervals
    summary = pd.read_csv(out / "survey_summary.csv", index_col="year")
    assert (summary["data"] == "survey, weighted from the frame counts counts.csv").all()
    y = survey[survey["year"] == 2025]
    assert summary.loc[2025, "firms"] == pytest.approx(y["weight"].sum())
    assert summary.loc[2025, "ds_turnover_eur"] == pytest.approx(
        (y["weight"] * y["turnover_ds_eur"]).sum())
    assert (summary["ds_turnover_eur_ci_lower"] < summary["ds_turnover_eur"]).all()
    assert (summary["ds_turnover_eur"] < summary["ds_turnover_eur_ci_upper"]).all()
    headline = pd.read_csv(out / "headline.csv")
    firms = headline[headline["indicator"] == "firms"].iloc[0]
    assert firms["ci_lower"] < firms["estimate"] < firms["ci_upper"]
    # no firm identifiers anywhere in the output
    firm = str(survey["firm_id"].iloc[0])
    for name, content in _tree(out).items():
        assert firm.encode() not in content, name


def test_report_with_population_and_propensity(respondent_files, tmp_path, monkeypatch):
    """``report --survey --population --weighting``: the spec the report is built from (the
    files themselves are those of ``run``, checked above)."""
    from nldtib_forecast.report import run as _report

    resp, counts = respondent_files
    seen = []

    def build(directory, spec):
        seen.append(spec)
        return []

    monkeypatch.setattr(_report, "build_report", build)
    monkeypatch.setattr(_report, "write_timing", lambda *args: None)
    for method in ("cells", "propensity"):
        out = tmp_path / method
        assert main(["report", "--out", str(out), "--survey", str(resp), "--population",
                     str(counts), "--weighting", method, "--quiet"]) == 0
        spec = seen[-1]
        assert spec.population_file == str(counts) and spec.weighting == method
        assert spec.population_sha256 == hashlib.sha256(counts.read_bytes()).hexdigest()
        assert spec.survey.attrs["weighting"]["method"] == method
        assert spec.weights_source()["method"] == method
        firms = spec.survey.drop_duplicates("firm_id")
        assert firms["weight"].sum() == pytest.approx(pd.read_csv(counts)["count"].sum())
        line = spec.command_line()
        assert line.startswith("nldtib-forecast report")
        assert "--survey respondents.csv --population counts.csv" in line
        assert ("--weighting propensity" in line) == (method == "propensity")
        assert "counts.csv" in spec.survey_description()
    assert seen[-1].survey["stratum"].str.startswith("propensity").all()
    # --min-respondents reaches the weighting and the command line
    assert main(["report", "--out", str(tmp_path / "min"), "--survey", str(resp),
                 "--population", str(counts), "--min-respondents", "25", "--quiet"]) == 0
    spec = seen[-1]
    assert spec.survey.attrs["weighting"]["min_respondents"] == 25
    assert (weighting_report(spec.survey).groups["respondents"] >= 25).all()
    assert "--min-respondents 25" in spec.command_line()
    assert spec.weights_source()["min_respondents"] == 25


def test_unweighted_survey_without_population_is_a_clear_error(respondent_files, tmp_path,
                                                                capsys):
    resp, _ = respondent_files
    out = tmp_path / "out"
    assert main(["report", "--out", str(out), "--survey", str(resp)]) == 1
    err = _error_lines(capsys.readouterr().err)
    assert "respondents.csv" in err and "frame counts" in err and "--population" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["run", "report"])
def test_population_without_survey_is_a_usage_error(command, tmp_path, capsys):
    argv = ([command] + ([str(EXAMPLE)] if command == "run" else [])
            + ["--out", str(tmp_path / "out"), "--population", "counts.csv"])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--population" in err and "--survey FILE" in err
    assert list(tmp_path.iterdir()) == []


def test_load_run_spec_population_without_survey():
    from nldtib_forecast import InputError
    from nldtib_forecast.report import run as _report

    with pytest.raises(InputError, match="--survey"):
        _report.load_run_spec("report", None, None, 10, 0, 1, False,
                              population_path=Path("counts.csv"))


def _bad_counts(tmp_path: Path, counts: Path, case: str) -> Path:
    table = pd.read_csv(counts)
    path = tmp_path / "bad_counts.csv"
    if case == "missing":
        return tmp_path / "nope.csv"
    if case == "no count column":
        table = table.rename(columns={"count": "firms"})
    elif case == "negative count":
        table.loc[3, "count"] = -1
    elif case == "cell missing":
        table = table[table["nld_area"] != "space"]
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("case, words", [
    ("missing", ["nope.csv", "no such file"]),
    ("no count column", ["bad_counts.csv", "'count'"]),
    ("negative count", ["bad_counts.csv", "non-negative integers", "row(s): 3"]),
    ("cell missing", ["respondents.csv", "bad_counts.csv", "space"]),
])
def test_bad_counts_file_is_one_line_error_and_writes_nothing(respondent_files, tmp_path,
                                                              capsys, case, words):
    resp, counts = respondent_files
    path = _bad_counts(tmp_path, counts, case)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["run", str(EXAMPLE), "--out", str(tmp_path / "out"), "--survey", str(resp),
                 "--population", str(path)]) == 1
    err = _error_lines(capsys.readouterr().err)
    for word in words:
        assert word in err, (word, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_counts_file_of_a_report(respondent_files, tmp_path, capsys):
    resp, counts = respondent_files
    path = _bad_counts(tmp_path, counts, "no count column")
    assert main(["report", "--out", str(tmp_path / "out"), "--survey", str(resp),
                 "--population", str(path)]) == 1
    line = _error_lines(capsys.readouterr().err)
    assert "bad_counts.csv" in line and "count" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad_counts.csv"]
