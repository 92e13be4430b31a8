"""Tests of the nldtib-forecast command (nldtib_forecast.cli).

Most tests call ``main([...])`` in-process (fast); a few run the command in a subprocess to
check the real entry point, exit codes and stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nldtib_forecast import __version__
from nldtib_forecast.cli import main

REPORT_FILES = {
    "published.csv",
    "audit.csv",
    "survey_summary.csv",
    "headline.csv",
    "nldtib_report.xlsx",
    "ds_turnover.png",
    "export_share.png",
    "README.txt",
    "manifest.json",
}


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


def _tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "results"
    assert main(["report", "--out", str(out), "--seed", "0"]) == 0
    return out


# ----------------------------------------------------------------------------- subprocess
def test_help_subprocess():
    res = _run("--help")
    assert res.returncode == 0
    assert "usage: nldtib-forecast" in res.stdout
    for command in ("data", "report"):
        assert command in res.stdout


def test_version_subprocess():
    res = _run("--version")
    assert res.returncode == 0
    assert res.stdout.strip() == f"nldtib-forecast {__version__}"


def test_python_m_package_runs_the_cli():
    res = subprocess.run(
        [sys.executable, "-m", "nldtib_forecast", "--version"], capture_output=True, text=True
    )
    assert res.returncode == 0
    assert __version__ in res.stdout


def test_unknown_extension_one_line_error_subprocess(tmp_path):
    res = _run("data", "published", "--out", str(tmp_path / "published.txt"))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "'.txt'" in lines[0] and ".csv or .xlsx" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_data_published_csv_subprocess(tmp_path):
    out = tmp_path / "published.csv"
    res = _run("data", "published", "--out", str(out))
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    values = df.loc[(df["indicator"] == "ds_turnover_eur") & (df["year"] == 2025), "value"]
    # L26: D&S-related turnover EUR 10.2 bn in 2025.
    assert 10.2e9 in values.round(-6).tolist()


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
    assert {p.name for p in report_dir.iterdir()} == REPORT_FILES
    manifest = json.loads((report_dir / "manifest.json").read_text())
    assert manifest["version"] == __version__
    assert manifest["seed"] == 0
    assert manifest["synthetic_survey"] is True
    assert {f["name"] for f in manifest["files"]} == REPORT_FILES - {"manifest.json"}
    readme = (report_dir / "README.txt").read_text()
    assert "SYNTHETIC" in readme


def test_report_tables(report_dir):
    summary = pd.read_csv(report_dir / "survey_summary.csv", index_col="year")
    assert list(summary.index) == list(range(2019, 2026))
    assert summary["data"].str.contains("synthetic").all()
    assert summary["export_share"].between(0, 1).all()
    assert summary["ds_turnover_share"].between(0, 1).all()
    assert (summary["firms"] > summary["respondents"]).all()
    sheets = pd.read_excel(report_dir / "nldtib_report.xlsx", sheet_name=None)
    assert set(sheets) == {"published", "audit", "survey_summary", "headline"}
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


def test_report_same_seed_identical_files(report_dir, tmp_path):
    again = tmp_path / "again"
    assert main(["report", "--out", str(again), "--seed", "0"]) == 0
    first, second = _tree(report_dir), _tree(again)
    assert first.keys() == second.keys()
    for name in ("published.csv", "audit.csv", "survey_summary.csv"):
        assert first[name] == second[name], name
    assert first == second  # also the workbook, the plots and the manifest


def test_report_other_seed_differs_in_survey_only(report_dir, tmp_path):
    other = tmp_path / "other"
    assert main(["report", "--out", str(other), "--seed", "1"]) == 0
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


def test_report_into_empty_dir_and_overwrite(tmp_path):
    target = tmp_path / "results"
    target.mkdir()
    assert main(["report", "--out", str(target)]) == 0
    assert {p.name for p in target.iterdir()} == REPORT_FILES
    (target / "stale.txt").write_text("old")
    assert main(["report", "--out", str(target), "--overwrite", "--seed", "2"]) == 0
    assert {p.name for p in target.iterdir()} == REPORT_FILES
    assert json.loads((target / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


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
    if isinstance(exc, OSError):
        assert main(["report", "--out", str(target)]) == 1
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1
        assert "No space left" in err
    else:
        with pytest.raises(RuntimeError, match="boom"):
            main(["report", "--out", str(target)])
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
