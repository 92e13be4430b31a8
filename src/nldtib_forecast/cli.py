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
                        [--lang en|nl] [--quiet] [--overwrite] [--wait]
    nldtib-forecast report --out DIR [--draws N] [--seed S] [--jobs J]
                           [--survey FILE [--population COUNTS.csv [--weighting METHOD]
                            [--min-respondents N]]]
                           [--lang en|nl] [--quiet] [--overwrite] [--wait]
    nldtib-forecast explore [--survey FILE [--population COUNTS.csv]] [--port N]
                            [--no-browser]

``run`` runs the scenarios of a TOML file, ``report`` the built-in scenarios; both write tidy
CSV tables, one Excel workbook, PNG charts, a self-contained HTML report, ``README.txt``,
``manifest.json`` (reproducibility: identical for identical inputs and seed) and
``timing.json`` (durations). ``--survey FILE`` replaces the synthetic survey; an unweighted
respondent file is weighted from the frame's counts of firms given by ``--population``.
Directories are written atomically: the output is built in a
temporary directory next to ``DIR`` and moved into place at the end, so a failure, Ctrl-C,
SIGTERM or SIGHUP leaves nothing behind but the previous output; temporary directories of
runs that died are removed by the next run. A lock file next to ``DIR`` (``.DIR.lock``)
keeps two runs from writing the same ``DIR`` (the second fails, or waits with ``--wait``).
Text cells of CSV and Excel files are neutralised against formula injection. Bad arguments
give a one-line error on stderr and exit code 2; bad input data, a run too large for the
memory, a busy ``DIR`` or a file system error exit code 1; an interruption 128 + the signal
number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP). ``explore`` serves the scenario
explorer on 127.0.0.1 until Ctrl-C, which stops it with exit code 0; it needs the optional
``explore`` extra (without it: one line saying what to install, exit code 1).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nldtib_forecast._defaults import DEFAULT_N_DRAWS, DEFAULT_SEED, PROG
from nldtib_forecast._errors import InputError, error_text, one_line
from nldtib_forecast._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from nldtib_forecast.report.run import survey_summary

__all__ = ["main", "build_parser", "survey_summary"]

# The commands import pandas, the report and the models when they run, not when this module is
# imported: --help, --version and a usage error stay fast. The parser's defaults come from
# nldtib_forecast._defaults, which imports nothing (tests/test_startup.py).
DEFAULT_DRAWS = DEFAULT_N_DRAWS

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


def _read_option(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE (e.g. sep=';'), got {text!r}")
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]  # --read-option sep=';' as typed in a shell that kept the quotes
    return key, value


def _min_respondents(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _jobs(text: str) -> int:
    from nldtib_forecast._errors import check_n_jobs

    try:
        value: object = int(text)
    except ValueError:
        value = text
    try:
        return check_n_jobs(value, name="", allow_none=False)  # type: ignore[return-value]  # not None
    except InputError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


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
    parser.add_argument("--seed", type=_seed, default=DEFAULT_SEED, metavar="S",
                        help=f"random seed of the simulation{what} (default: {DEFAULT_SEED})")
    parser.add_argument("--jobs", type=_jobs, default=1, metavar="J",
                        help="parallel workers, -1 for all cores, at most 4 per core "
                        "(default: 1); results do not depend on it")
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
    parser.add_argument("--read-option", type=_read_option, action="append", default=None,
                        metavar="KEY=VALUE", dest="read_options",
                        help="with --survey: an option of the file reader, repeatable, e.g. "
                        "--read-option sep=';' --read-option decimal=, for a Dutch-locale "
                        "export, or --read-option encoding=cp1252 (as read_survey's keyword "
                        "arguments; values are text)")
    parser.add_argument("--no-plausibility", action="store_true",
                        help="with --survey: do not apply the plausibility bounds of the survey "
                        "schema (values far outside them are almost always unit errors)")
    parser.add_argument("--lang", choices=("en", "nl"), default="en",
                        help="language of the HTML page, the workbook and the charts: en "
                        "(English, the default) or nl (Nederlands); the CSV files keep "
                        "identifiers for machines")
    parser.add_argument("--quiet", action="store_true",
                        help="no step lines, progress bars or final 'wrote N files' line")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace DIR if it holds an earlier report")
    parser.add_argument("--wait", action="store_true",
                        help="if another run is writing DIR, wait for it to finish instead of "
                        "failing")
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
        "(.csv or .xlsx). A table of synthetic data has a last column 'data' with the value "
        "'synthetic' in every row.",
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
        "calibrated to the published figures: not real firms. Every row says so: the last "
        "column, 'data', is 'synthetic' (as in every CSV file the library writes from "
        "synthetic data; read_survey and --survey pass it through).",
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
        "DIR: tidy CSV tables of all results, an Excel workbook (a cover sheet, then a "
        "formatted sheet per table), PNG fan charts and a turnover waterfall, a "
        "self-contained HTML report, README.txt, manifest.json (everything needed to "
        "reproduce the run) and timing.json. The CSV tables computed from the survey have a "
        "last column 'data': 'synthetic' for the synthetic survey. The same inputs and seed "
        "give identical files (except timing.json).",
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
    _add_explore(commands)
    return parser


# --------------------------------------------------------------------------- explore
def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 65535, got {text!r}")
    return value


def _add_explore(commands) -> None:
    explore = commands.add_parser(
        "explore",
        help="the scenario explorer: move the levers, see the outlook change, in the browser",
        description="Start the scenario explorer, a local web app (on 127.0.0.1, this machine "
        "only), and open it in the browser: choose a future, start from a policy, move the "
        "levers (order certainty, procurement lead time, labour supply growth, priority for "
        "domestic customers) and see turnover, capacity and demand, the policy effect against "
        "current conditions, the export share, the FTE required and which constraint binds "
        "when. 'Save as scenario' writes a scenario file for 'run'; 'Report' writes the files "
        "of 'run'. Ctrl-C stops it. Needs the optional 'explore' extra: pip install "
        "\"nldtib-forecast[explore]\". In a notebook: nldtib_forecast.explore.app().",
    )
    explore.add_argument("--survey", type=Path, default=None, metavar="FILE",
                         help="survey microdata (.csv, .xlsx or .dta) instead of the embedded "
                         "synthetic survey")
    explore.add_argument("--population", type=Path, default=None, metavar="COUNTS.csv",
                         help="the frame's number of firms per cell, to weight the "
                         "respondents of --survey FILE (as for 'run')")
    explore.add_argument("--port", type=_port, default=5006, metavar="N",
                         help="port of the local web app (default: 5006)")
    explore.add_argument("--no-browser", action="store_true",
                         help="do not open the page in the browser; only print its address")


def _cmd_explore(args: argparse.Namespace) -> int:
    from nldtib_forecast import explore

    missing = explore.framework_missing()
    if missing is not None:
        print(f"{PROG}: error: {missing}", file=sys.stderr)
        return 1
    return explore.serve(args.survey, args.population, port=args.port,
                         browser=not args.no_browser)


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
    from nldtib_forecast.report.io import SYNTHETIC, check_file_target, write_table_file

    check_file_target(args.out)  # fail before the (slower) data are built
    from nldtib_forecast.report.tables import table_formats

    df = _load_table(args.table, getattr(args, "seed", 0), getattr(args, "population", False))
    # a table of synthetic data says so in every row: the last column 'data' is 'synthetic'
    write_table_file(df, args.out, sheet_name=args.table,
                     data=SYNTHETIC if df.attrs.get("synthetic", False) else None,
                     formats=(table_formats(args.table, df)
                              if args.out.suffix.lower() == ".xlsx" else None))
    print(f"wrote {args.out} ({len(df)} rows)")
    return 0


def _cmd_run_or_report(args: argparse.Namespace) -> int:
    from nldtib_forecast.report import run as _report
    from nldtib_forecast.report.io import check_out_dir, write_directory

    started = time.perf_counter()
    check_out_dir(args.out, args.overwrite)  # fail before the inputs are read
    scenario_file = args.scenarios if args.command == "run" else None
    # every input is read and checked before anything is written
    spec = _report.load_run_spec(args.command, scenario_file, args.survey, args.draws,
                                 args.seed, args.jobs, False if args.quiet else None,
                                 futures=args.futures, policies=args.policies,
                                 population_path=args.population,
                                 weighting=args.weighting or "cells",
                                 min_respondents=args.min_respondents,
                                 read_options=dict(args.read_options or ()),
                                 plausibility=not args.no_plausibility,
                                 lang=args.lang)
    spec.steps = _report.Steps(quiet=args.quiet)  # the steps on stderr as they start

    def build(directory: Path) -> list[str]:
        files = _report.build_report(directory, spec)
        _report.write_timing(directory, spec, time.perf_counter() - started)
        return files

    files = write_directory(args.out, build, overwrite=args.overwrite, wait=args.wait,
                            quiet=args.quiet)
    if not args.quiet:
        print(f"wrote {len(files)} files to {args.out}")
    return 0


# --------------------------------------------------------------------------- entry point
def _check_combinations(args: argparse.Namespace) -> None:
    """Options that only make sense together (a usage error otherwise)."""
    if args.command == "explore" and args.population is not None and args.survey is None:
        raise _UsageError(f"{PROG} explore", "argument --population: the frame counts weight "
                          "the respondents of a survey file; give the file with --survey FILE")
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
    for option, value in (("--read-option", args.read_options),
                          ("--no-plausibility", args.no_plausibility or None)):
        if value is not None and args.survey is None:
            raise _UsageError(prog, f"argument {option}: applies to a survey file; give it "
                                    "with --survey FILE")


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:  # pragma: no cover
        return f"signal {signum}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``nldtib-forecast`` command.

    The entry point of the console script (``[project.scripts]``) and of ``python -m
    nldtib_forecast``: parses ``argv`` and runs the subcommand. ``data`` writes the published
    figures, their audit or the synthetic survey; ``run`` simulates the scenarios of a TOML
    file and ``report`` the built-in ones, each writing tables, a workbook, charts, an HTML
    report and a manifest to ``--out DIR`` (atomically: an error or an interruption leaves
    the previous output). Errors are printed to standard error, one problem a line; the
    function does not raise for them but returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``), e.g.
        ``["report", "--out", "results", "--draws", "1000"]``.

    Returns
    -------
    int
        Exit status: 0 on success, 1 for bad input data, a run too large for the memory, an
        output directory another run is writing, or a file system error, 2 for bad
        command-line arguments, 128 + the signal number when interrupted (130 for Ctrl-C,
        143 for SIGTERM, 129 for SIGHUP; nothing is written).

    See Also
    --------
    nldtib_forecast.scenarios.load_scenarios : Reads the scenario file of ``run``.
    nldtib_forecast.data.read_survey : Reads the ``--survey`` file.

    Notes
    -----
    The options of every subcommand, with their defaults, are on the page
    :doc:`/cli`, generated from the parser (``nldtib-forecast <command> --help``).

    Examples
    --------
    >>> from nldtib_forecast.cli import main
    >>> main(["--version"])
    nldtib-forecast ...
    0
    >>> main(["report", "--draws", "ten"])  # the one-line error goes to standard error
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
        _check_combinations(args)
    except _UsageError as err:
        print(f"{err.prog}: error: {one_line(err.message)} (see '{err.prog} --help')",
              file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)

    handler = {"data": _cmd_data, "run": _cmd_run_or_report,
               "report": _cmd_run_or_report, "explore": _cmd_explore}[args.command]
    from nldtib_forecast.report.io import SignalGuard

    with SignalGuard() as guard:
        try:
            try:
                return handler(args)
            finally:
                guard.finished = True  # from here on a signal is only remembered
        except KeyboardInterrupt as exc:
            signum = guard.signal_number(exc)
            what = ("interrupted" if signum == signal.SIGINT
                    else f"interrupted by {_signal_name(signum)}")
            print(f"{PROG}: {what}; nothing written", file=sys.stderr)
            return 128 + int(signum)
        except InputError as err:
            print(f"{PROG}: error: {error_text(err)}", file=sys.stderr)
            return 1
        except MemoryError:
            print(f"{PROG}: error: out of memory; use fewer draws (--draws) or scenarios",
                  file=sys.stderr)
            return 1
        except OSError as err:
            print(f"{PROG}: error: {error_text(err)}", file=sys.stderr)
            return 1


def __getattr__(name: str) -> object:
    if name == "survey_summary":  # re-exported from the report, imported on first use
        from nldtib_forecast.report.run import survey_summary

        return survey_summary
    raise AttributeError(f"module 'nldtib_forecast.cli' has no attribute {name!r}")


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)


if __name__ == "__main__":
    raise SystemExit(main())
