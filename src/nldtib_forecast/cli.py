"""The ``nldtib-forecast`` command.

Usage::

    nldtib-forecast --help
    nldtib-forecast --version
    nldtib-forecast data published --out published.csv
    nldtib-forecast data audit --out audit.xlsx
    nldtib-forecast data survey --out survey.csv [--population] [--seed S]
    nldtib-forecast run SCENARIOS.toml --out DIR [--draws N] [--seed S] [--jobs J]
                        [--survey FILE [--population COUNTS.csv [--weighting METHOD]
                            [--min-respondents N]]]
                        [--quiet] [--overwrite]
    nldtib-forecast report --out DIR [--draws N] [--seed S] [--jobs J]
                           [--survey FILE [--population COUNTS.csv [--weighting METHOD]
                            [--min-respondents N]]]
                           [--quiet] [--overwrite]

``run`` runs the scenarios of a TOML file, ``report`` the built-in scenarios; both write tidy
CSV tables, one Excel workbook, PNG charts, a self-contained HTML report, ``README.txt``,
``manifest.json`` (reproducibility: identical for identical inputs and seed) and
``timing.json`` (durations). ``--survey FILE`` replaces the synthetic survey; an unweighted
respondent file is weighted from the frame's counts of firms given by ``--population``.
Directories are written atomically: the output is built in a
temporary directory next to ``DIR`` and moved into place at the end, so a failure or Ctrl-C
leaves nothing behind. Bad arguments give a one-line error on stderr and exit code 2; bad input
data or a file system error exit code 1; an interruption exit code 130.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from nldtib_forecast._errors import InputError
from nldtib_forecast._report import DEFAULT_DRAWS, survey_summary
from nldtib_forecast._version import __version__

__all__ = ["main", "build_parser", "survey_summary"]

PROG = "nldtib-forecast"
_TABLE_FORMATS = (".csv", ".xlsx")
_WEIGHTING = ("cells", "propensity")


# --------------------------------------------------------------------------- argument parsing
class _UsageError(Exception):
    """Raised instead of argparse's print-usage-and-exit, so that main() prints one line."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise _UsageError(self.prog, message)


def _table_path(text: str) -> Path:
    suffix = Path(text).suffix.lower()
    if suffix not in _TABLE_FORMATS:
        shown = repr(suffix) if suffix else "none"
        raise argparse.ArgumentTypeError(
            f"unsupported file extension {shown} in {text!r}; use .csv or .xlsx"
        )
    return Path(text)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seed must be a non-negative integer, got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}")
    return value


def _draws(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"draws must be a positive integer, got {text!r}")
    return value


def _min_respondents(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0 or value < -1:
        raise argparse.ArgumentTypeError(
            f"jobs must be a positive integer or -1 (all cores), got {text!r}")
    return value


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",")]
    if not text.strip() or any(not n for n in names):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated names, e.g. baseline,european_surge; got {text!r}")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"a name is given twice in {text!r}")
    return names


def _add_run_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="output directory (must not exist or be empty)")
    parser.add_argument("--draws", type=_draws, default=DEFAULT_DRAWS, metavar="N",
                        help=f"Monte Carlo draws per scenario (default: {DEFAULT_DRAWS})")
    parser.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help=f"random seed of the simulation{what} (default: 0)")
    parser.add_argument("--jobs", type=_jobs, default=1, metavar="J",
                        help="parallel workers, -1 for all cores (default: 1); results do "
                        "not depend on it")
    parser.add_argument("--survey", type=Path, default=None, metavar="FILE",
                        help="survey microdata (.csv, .xlsx or .dta) instead of the embedded "
                        "synthetic survey; never copied into the output")
    parser.add_argument("--population", type=Path, default=None, metavar="COUNTS.csv",
                        help="the frame's number of firms per cell (CSV: the cell columns, "
                        "e.g. size_class,nld_area, and count) to weight the respondents of "
                        "--survey FILE, which then needs no weight and stratum columns (any "
                        "are replaced)")
    parser.add_argument("--weighting", choices=_WEIGHTING, default=None,
                        help="non-response weighting with --population: response homogeneity "
                        "groups (cells, the default) or a response propensity model")
    parser.add_argument("--min-respondents", type=_min_respondents, default=None, metavar="N",
                        help="with --population: minimum responding firms per response group "
                        "(cells) or per category of a frame variable (propensity); default 10")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bars and no final 'wrote N files' line")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace DIR if it holds an earlier report")
    parser.add_argument("--futures", type=_names, default=None, metavar="A,B",
                        help="futures to run (comma-separated names of built-in futures or of "
                        "[futures.<name>] tables in the file); every policy runs under every "
                        "future")
    parser.add_argument("--policies", type=_names, default=None, metavar="C,D",
                        help="policies to run (comma-separated names of built-in policies or "
                        "of [policies.<name>] tables in the file); current_conditions, the "
                        "reference of the policy effects, is always run")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nldtib-forecast`` command."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Economics of the Dutch defence and security technological industrial base "
            "(NLDTIB). Export the embedded data, run scenario files, or write a report with "
            "tables, an Excel workbook, plots and an HTML page. The default survey data are "
            "synthetic."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    data = commands.add_parser(
        "data",
        help="export an embedded table to CSV or XLSX",
        description="Export an embedded table. The format follows the extension of --out "
        "(.csv or .xlsx).",
    )
    tables = data.add_subparsers(dest="table", metavar="TABLE", required=True)
    out_help = "output file, .csv or .xlsx"
    published = tables.add_parser(
        "published", help="published NLDTIB figures with their sources",
        description="Published NLDTIB figures (tidy: one row per indicator, year and edition).",
    )
    published.add_argument("--out", required=True, type=_table_path, metavar="FILE",
                           help=out_help)
    audit = tables.add_parser(
        "audit", help="arithmetic audit of the published figures",
        description="Arithmetic audit of the published figures (status ok/inconsistent).",
    )
    audit.add_argument("--out", required=True, type=_table_path, metavar="FILE", help=out_help)
    survey = tables.add_parser(
        "survey", help="synthetic survey (respondent sample, or population)",
        description="The synthetic firm-year survey in the survey schema. Synthetic data, "
        "calibrated to the published figures: not real firms.",
    )
    survey.add_argument("--out", required=True, type=_table_path, metavar="FILE", help=out_help)
    survey.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help="random seed (default: 0)")
    survey.add_argument("--population", action="store_true",
                        help="write the full synthetic population instead of the respondents")

    run = commands.add_parser(
        "run",
        help="run the scenarios of a TOML file and write a report directory",
        description="Run the scenarios of SCENARIOS.toml through the models and write into "
        "DIR: tidy CSV tables of all results, an Excel workbook with a sheet per table, PNG "
        "fan charts and a turnover waterfall, a self-contained HTML report, README.txt, "
        "manifest.json (everything needed to reproduce the run) and timing.json. The same "
        "inputs and seed give identical files (except timing.json).",
    )
    run.add_argument("scenarios", type=Path, metavar="SCENARIOS.toml",
                     help="scenario file ([scenarios.<name>], [futures.<name>] and "
                     "[policies.<name>] tables)")
    _add_run_options(run, "")

    report = commands.add_parser(
        "report",
        help="run the built-in policies under the built-in futures and write a report "
        "directory",
        description="Run every built-in policy (current_conditions, improved_conditions, "
        "orders_only, ...) under every built-in future (baseline, european_surge, "
        "slower_path, constant_gdp_shares) on the embedded (synthetic) survey, or on --survey "
        "FILE, and write the same files as 'run', together with the published figures, "
        "their audit and survey summaries, into DIR. The first table and chart are what each "
        "policy adds over current conditions in each future. The same seed gives identical "
        "files (except timing.json).",
    )
    _add_run_options(report, " and of the synthetic survey")
    return parser


# --------------------------------------------------------------------------- writing tables
def _frame_for_export(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Whether the index carries information (write it) or is a plain row number."""
    plain = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    return df, not plain


def _write_table(df: pd.DataFrame, path: Path, sheet_name: str = "data") -> None:
    frame, index = _frame_for_export(df)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=index, lineterminator="\n")
    elif suffix == ".xlsx":
        _write_workbook({sheet_name: frame}, path)
    else:  # pragma: no cover - guarded by the parser
        raise InputError(f"unsupported file extension {suffix!r}; use .csv or .xlsx")


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store timezone-aware datetimes or nullable-NA objects everywhere."""
    out = df.copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = col.dt.tz_localize(None)
    return out


def _write_workbook(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in sheets.items():
            frame, index = _frame_for_export(df)
            _excel_safe(frame).to_excel(writer, sheet_name=name[:31], index=index)
    _normalise_xlsx(path)


_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_XML_TIME = "1980-01-01T00:00:00Z"
_CORE_TIME = re.compile(
    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)"
)


def _normalise_xlsx(path: Path) -> None:
    """Drop the time stamps openpyxl writes, so equal content gives equal bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    tmp = path.with_name(path.name + ".norm")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info, payload in entries:
            if info.filename == "docProps/core.xml":
                text = _CORE_TIME.sub(
                    lambda m: f"{m.group(1)}{_FIXED_XML_TIME}{m.group(3)}",
                    payload.decode("utf-8"),
                )
                payload = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, payload)
    os.replace(tmp, path)


def _check_file_target(path: Path) -> Path:
    """The directory ``path`` will be written in; an error if it cannot be."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"argument --out: directory {str(parent)!r} does not exist")
    if path.is_dir():
        raise InputError(f"argument --out: {str(path)!r} is a directory")
    return parent


def _atomic_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same directory, then rename it."""
    path = Path(path)
    parent = _check_file_target(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# --------------------------------------------------------------------------- data commands
def _load_table(table: str, seed: int = 0, population: bool = False) -> pd.DataFrame:
    from nldtib_forecast import data

    if table == "published":
        return data.load_published()
    if table == "audit":
        return data.audit_published()
    if table == "survey":
        return data.synthetic_survey(seed=seed, population=population)
    raise InputError(f"unknown table {table!r}")  # pragma: no cover - guarded by the parser


def _cmd_data(args: argparse.Namespace) -> int:
    _check_file_target(args.out)  # fail before the (slower) data are built
    df = _load_table(args.table, getattr(args, "seed", 0), getattr(args, "population", False))
    _atomic_file(args.out, lambda tmp: _write_table(df, tmp, sheet_name=args.table))
    print(f"wrote {args.out} ({len(df)} rows)")
    return 0


# --------------------------------------------------------------------------- run and report
def _is_report_dir(path: Path) -> bool:
    """Whether ``path`` holds a report written by this command (its manifest says so)."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("library") == "nldtib_forecast"


def _missing_parents(path: Path) -> list[Path]:
    missing = []
    for parent in path.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def _check_out_dir(out: Path, overwrite: bool) -> Path:
    """The absolute output directory; an error if it may not be written."""
    target = Path(os.path.abspath(out))
    if target.exists():
        if not target.is_dir():
            raise InputError(f"argument --out: {str(out)!r} exists and is not a directory")
        if any(target.iterdir()):
            if not overwrite:
                raise InputError(
                    f"argument --out: directory {str(out)!r} is not empty; "
                    "use --overwrite to replace it"
                )
            cwd = Path.cwd().resolve()
            if target.resolve() == cwd or target.resolve() in cwd.parents:
                raise InputError(
                    f"argument --out: {str(out)!r} is or contains the current directory; "
                    "refusing to replace it"
                )
            if not _is_report_dir(target):
                raise InputError(
                    f"argument --out: {str(out)!r} is not an earlier nldtib-forecast "
                    "report (no manifest.json); --overwrite only replaces reports"
                )
    return target


def _write_directory(target: Path, build: Callable[[Path], list[str]]) -> list[str]:
    """Build a directory in a temporary sibling of ``target`` and move it into place.

    On any failure or interruption (``KeyboardInterrupt``) the temporary directory and any
    parents made here are removed, and an existing ``target`` is left as it was.
    """
    created: list[Path] = []  # parents made here, outermost first
    tmp: Path | None = None
    old: Path | None = None
    done = False
    try:
        for parent in reversed(_missing_parents(target)):
            parent.mkdir()
            created.append(parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        files = build(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; give it normal permissions
        emptied = False
        if target.exists():
            if any(target.iterdir()):
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
                os.rmdir(old)
                os.replace(target, old)
            else:
                os.rmdir(target)
                emptied = True
        try:
            os.replace(tmp, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
                old = None
            elif emptied:
                target.mkdir()
            raise
        done = True
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and done:
            shutil.rmtree(old, ignore_errors=True)
        if not done:
            for parent in reversed(created):
                try:
                    parent.rmdir()
                except OSError:
                    break
    return files


def _cmd_run_or_report(args: argparse.Namespace) -> int:
    from nldtib_forecast import _report

    started = time.perf_counter()
    target = _check_out_dir(args.out, args.overwrite)
    scenario_file = args.scenarios if args.command == "run" else None
    # every input is read and checked before anything is written
    spec = _report.load_run_spec(args.command, scenario_file, args.survey, args.draws,
                                 args.seed, args.jobs, False if args.quiet else None,
                                 futures=args.futures, policies=args.policies,
                                 population_path=args.population,
                                 weighting=args.weighting or "cells",
                                 min_respondents=args.min_respondents)

    def build(directory: Path) -> list[str]:
        files = _report.build_report(directory, spec)
        _report.write_timing(directory, spec, time.perf_counter() - started)
        return files

    files = _write_directory(target, build)
    if not args.quiet:
        print(f"wrote {len(files)} files to {args.out}")
    return 0


# --------------------------------------------------------------------------- entry point
def _one_line(text: str) -> str:
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _check_combinations(args: argparse.Namespace) -> None:
    """Options that only make sense together (a usage error otherwise)."""
    if args.command not in ("run", "report"):
        return
    prog = f"{PROG} {args.command}"
    if args.population is not None and args.survey is None:
        raise _UsageError(prog, "argument --population: the frame counts weight the "
                                "respondents of a survey file; give the file with --survey FILE")
    for option, value in (("--weighting", args.weighting),
                          ("--min-respondents", args.min_respondents)):
        if value is not None and args.population is None:
            raise _UsageError(prog, f"argument {option}: needs --population COUNTS.csv (the "
                                    "frame counts the respondents are weighted from)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nldtib-forecast`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 for bad input data or a file system error, 2 for bad
        command-line arguments, 130 when interrupted (Ctrl-C; nothing is written).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
        _check_combinations(args)
    except _UsageError as err:
        print(f"{err.prog}: error: {_one_line(err.message)} (see '{err.prog} --help')",
              file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)

    handler = {"data": _cmd_data, "run": _cmd_run_or_report,
               "report": _cmd_run_or_report}[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing written", file=sys.stderr)
        return 130
    except InputError as err:
        print(f"{PROG}: error: {_one_line(err)}", file=sys.stderr)
        return 1
    except OSError as err:
        where = f": {err.filename}" if getattr(err, "filename", None) else ""
        reason = err.strerror or _one_line(err) or type(err).__name__
        print(f"{PROG}: error: {reason}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
