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
                        [--quiet] [--overwrite] [--wait]
    nldtib-forecast report --out DIR [--draws N] [--seed S] [--jobs J]
                           [--survey FILE [--population COUNTS.csv [--weighting METHOD]
                            [--min-respondents N]]]
                           [--quiet] [--overwrite] [--wait]

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
number (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
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
    from nldtib_forecast.simulation import _check_n_jobs

    try:
        value: object = int(text)
    except ValueError:
        value = text
    try:
        return _check_n_jobs(value, name="", allow_none=False)  # type: ignore[return-value]
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
    parser.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help=f"random seed of the simulation{what} (default: 0)")
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
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bars and no final 'wrote N files' line")
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


# --------------------------------------------------------------------------- formula injection
#: A text cell starting with one of these is read as a formula by spreadsheet programs (OWASP,
#: "CSV injection"): it is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (a plain number such as ``-0.5``
    is a number, not a formula)."""
    return (len(text) > 1 and text.startswith(FORMULA_START)
            and _PLAIN_NUMBER.fullmatch(text) is None)


def neutralise_text(value: object) -> object:
    """``value`` as a CSV cell: text that a spreadsheet would run as a formula gets a leading
    single quote (OWASP), and a carriage return inside text becomes a line feed (which the
    CSV writer quotes: a bare carriage return would start a new row in a spreadsheet);
    anything else, numbers included, is returned unchanged.

    >>> neutralise_text("=1+2"), neutralise_text("@SUM(A1)"), neutralise_text("-0.5")
    ("'=1+2", "'@SUM(A1)", '-0.5')
    """
    if isinstance(value, str):
        if _formula_like(value):
            value = "'" + value
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _is_text_dtype(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or isinstance(
        dtype, (pd.StringDtype, pd.CategoricalDtype))


def _neutral_series(col: pd.Series) -> pd.Series:
    """``col`` with its formula-like text cells neutralised (the same object if none is)."""
    if not _is_text_dtype(col.dtype):
        return col
    values = col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col
    try:
        risky = {v: neutralise_text(v) for v in pd.unique(values.dropna())
                 if isinstance(v, str) and neutralise_text(v) != v}
    except TypeError:  # unhashable cells (lists, dicts): one by one
        out = values.astype(object).map(neutralise_text)
        return col if out.equals(values.astype(object)) else out
    if not risky:
        return col
    out = values.astype(object)
    mask = out.isin(list(risky)).to_numpy()
    out[mask] = [risky[v] for v in out[mask]]
    return out


def _neutral_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        levels = [_neutral_index(index.get_level_values(i)) for i in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(levels, names=[neutralise_text(n) for n in index.names])
    if _is_text_dtype(index.dtype) and any(neutralise_text(v) != v for v in index
                                           if isinstance(v, str)):
        index = pd.Index([neutralise_text(v) for v in index], dtype=object, name=index.name)
    name = neutralise_text(index.name)
    return index if name == index.name else index.rename(name)


def _neutral_frame(df: pd.DataFrame, index: bool) -> pd.DataFrame:
    """``df`` for a CSV file: every text cell (and header) that could run as a formula in a
    spreadsheet neutralised; numeric cells are left alone."""
    out = df
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        new = _neutral_series(col)
        if new is not col:
            if out is df:
                out = df.copy()
            out.isetitem(i, new)
    columns = _neutral_index(df.columns)
    if not columns.equals(df.columns) or columns.names != df.columns.names:
        out = out.copy() if out is df else out
        out.columns = columns
    if index:
        rows = _neutral_index(df.index)
        if not rows.equals(df.index) or rows.names != df.index.names:
            out = out.copy() if out is df else out
            out.index = rows
    return out


def _sheet_cells(sheet) -> Iterator:
    cells = getattr(sheet, "_cells", None)  # openpyxl's cell store: much faster than iter_rows
    if isinstance(cells, dict):
        return iter(list(cells.values()))
    return (cell for row in sheet.iter_rows() for cell in row)  # pragma: no cover


def _neutralise_sheet(sheet) -> None:
    """No cell of ``sheet`` is a formula or an error value: text that openpyxl would store as
    one (a leading ``=``, ``#N/A``) is stored as text, and formula-like text gets Excel's quote
    prefix, so that it stays text when the cell is edited."""
    for cell in _sheet_cells(sheet):
        value = cell.value
        if isinstance(value, str) and (cell.data_type in ("f", "e") or _formula_like(value)):
            cell.data_type = "s"
            cell.quotePrefix = True


# --------------------------------------------------------------------------- writing tables
def _frame_for_export(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Whether the index carries information (write it) or is a plain row number."""
    plain = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    return df, not plain


def _write_table(df: pd.DataFrame, path: Path, sheet_name: str = "data") -> None:
    """Write a table as CSV or as a one-sheet workbook, by the extension of ``path``; text
    cells that a spreadsheet could run as formulas are neutralised (:func:`neutralise_text`,
    :func:`_neutralise_sheet`)."""
    frame, index = _frame_for_export(df)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _neutral_frame(frame, index).to_csv(path, index=index, lineterminator="\n")
    elif suffix == ".xlsx":
        _write_workbook({sheet_name: frame}, path)
    else:  # pragma: no cover - guarded by the parser
        raise InputError(f"unsupported file extension {suffix!r}; use .csv or .xlsx")


def _excel_text(value: object) -> object:
    """Characters a workbook cannot hold (control characters) shown as ``\\xNN``."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if ILLEGAL_CHARACTERS_RE.search(value):
            return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", value)
    return value


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store timezone-aware datetimes, nor control characters in text."""
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, col.dt.tz_localize(None))
        elif _is_text_dtype(col.dtype):
            values = col.astype(object)
            try:
                bad = [v for v in pd.unique(values.dropna()) if _excel_text(v) is not v]
            except TypeError:  # unhashable cells
                bad = [None]
            if bad:
                out.isetitem(i, values.map(_excel_text))
    if _is_text_dtype(out.columns.dtype) and not isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.Index([_excel_text(c) for c in out.columns], dtype=object)
    if _is_text_dtype(out.index.dtype) and not isinstance(out.index, pd.MultiIndex):
        out.index = pd.Index([_excel_text(v) for v in out.index], dtype=object,
                             name=_excel_text(out.index.name))
    return out


def _write_workbook(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in sheets.items():
            frame, index = _frame_for_export(df)
            _excel_safe(frame).to_excel(writer, sheet_name=name[:31], index=index)
        for sheet in writer.book.worksheets:
            _neutralise_sheet(sheet)
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


# --------------------------------------------------------------------------- signals
class _Interrupted(KeyboardInterrupt):
    """A run stopped by SIGINT, SIGTERM or SIGHUP: handled like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = int(signum)


def _handled_signals() -> list[int]:
    return [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
            if hasattr(signal, name)]


class _SignalGuard:
    """While a command runs, SIGINT, SIGTERM and SIGHUP raise :class:`_Interrupted` (so that
    every ``finally`` clean-up runs, as for Ctrl-C), and each is remembered: even if library
    code swallowed the exception, nothing is moved into place after a signal. Signals that
    are ignored when the command starts (``nohup``, background jobs) stay ignored.

    During the move into place and the clean-up (:func:`_signals_deferred`) a signal is only
    remembered; once the output is in place (:func:`_output_committed`) it no longer stops
    the run.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self.deferring = 0
        self.finished = False
        self._previous: dict[int, object] = {}
        self._outer: _SignalGuard | None = None

    def __enter__(self) -> _SignalGuard:
        global _GUARD
        self._outer, _GUARD = _GUARD, self
        if threading.current_thread() is threading.main_thread():
            for signum in _handled_signals():
                try:
                    if signal.getsignal(signum) is signal.SIG_IGN:
                        continue
                    self._previous[signum] = signal.signal(signum, self._handle)
                except (ValueError, OSError):  # pragma: no cover - not settable here
                    pass
        return self

    def __exit__(self, *exc: object) -> None:
        global _GUARD
        for signum, previous in self._previous.items():
            try:
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
            except (ValueError, OSError, TypeError):  # pragma: no cover
                pass
        _GUARD = self._outer

    def _handle(self, signum: int, frame: object) -> None:
        if self.received is None:
            self.received = int(signum)
        if self.deferring or self.finished:
            return
        raise _Interrupted(self.received)


_GUARD: _SignalGuard | None = None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """A section that a signal does not interrupt (it is remembered)."""
    guard = _GUARD
    if guard is None:
        yield
        return
    guard.deferring += 1
    try:
        yield
    finally:
        guard.deferring -= 1


def _raise_if_interrupted() -> None:
    """Raise :class:`_Interrupted` if a signal came, even if its exception was swallowed."""
    guard = _GUARD
    if guard is not None and guard.received is not None and not guard.finished:
        raise _Interrupted(guard.received)


def _output_committed() -> None:
    """The new output is in place: a signal from now on no longer stops the run."""
    if _GUARD is not None:
        _GUARD.finished = True


# --------------------------------------------------------------------------- temporaries
def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows: os.kill(pid, 0) would end the process
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover
        return False
    return True


def _temp_prefix(name: str, kind: str) -> str:
    """Prefix of the temporary files and directories of this process for target ``name``:
    ``.NAME.tmp-PID-`` (the new output) or ``.NAME.old-PID-`` (the output it replaces)."""
    return f".{name}.{kind}-{os.getpid()}-"


def _stale_temporaries(parent: Path, name: str, suffix: str = "", *,
                       without_pid: bool = False, own: bool = False
                       ) -> list[tuple[Path, str]]:
    """Temporary files or directories for target ``name`` in ``parent`` whose process is
    gone: ``(path, kind)``, kind ``"tmp"`` or ``"old"``. ``without_pid``: also those named by
    versions without the process id; ``own``: also this process's (safe under the lock)."""
    pattern = re.compile(re.escape(f".{name}.") + r"(tmp|old)-(?:(\d+)-)?[a-z0-9_]+"
                         + re.escape(suffix))
    found = []
    try:
        entries = sorted(parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        if match.group(2) is None:
            if not without_pid:
                continue
        else:
            pid = int(match.group(2))
            if pid == os.getpid() and not own:
                continue
            if pid != os.getpid() and _pid_alive(pid):
                continue
        found.append((entry, match.group(1)))
    return found


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def _clean_stale_directories(target: Path) -> None:
    """Remove the temporary directories that dead runs left next to ``target``. If one died
    while moving its output into place (``target`` gone, the previous output still in its
    ``.old-`` directory), the previous output is put back first."""
    stale = _stale_temporaries(target.parent, target.name, without_pid=True, own=True)
    olds = [path for path, kind in stale if kind == "old" and path.is_dir()]
    if olds and not os.path.lexists(target):
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.replace(newest, target)
        stale = [(p, k) for p, k in stale if p != newest]
    for path, _kind in stale:
        _remove(path)


def _check_file_target(path: Path) -> Path:
    """The directory ``path`` will be written in; an error if it cannot be."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"argument --out: directory {str(parent)!r} does not exist")
    if path.is_dir():
        raise InputError(f"argument --out: {str(path)!r} is a directory")
    return parent


def _atomic_file(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same directory, then rename it.

    The temporary file, ``.NAME.tmp-PID-XXXX.EXT``, is removed on any failure or signal; those
    of dead processes are removed by the next write of the same file.
    """
    path = Path(path)
    parent = _check_file_target(path)
    for stale, _kind in _stale_temporaries(parent, path.name, path.suffix):
        _remove(stale)
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path.name, "tmp"), suffix=path.suffix,
                                    dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    done = False
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; give it normal permissions
        with _signals_deferred():
            _raise_if_interrupted()
            os.replace(tmp, path)
            done = True
            _output_committed()
    finally:
        with _signals_deferred():
            if not done:
                with contextlib.suppress(OSError):
                    tmp.unlink()


# --------------------------------------------------------------------------- the lock
try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:  # Windows
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

#: Windows locks a byte range: one byte far past the process id written at the start.
_WINDOWS_LOCK_OFFSET = 1 << 20
#: Seconds between two attempts to take the lock with ``--wait``.
_WAIT_POLL = 0.2


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock of the open file ``fd`` without blocking; False if another
    process holds it. Released by the system when the file is closed or the process dies."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        except OSError as err:  # a file system without locks (some network file systems)
            import errno

            if err.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return True
            raise
        return True
    if msvcrt is not None:  # pragma: no cover - Windows
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    return True  # pragma: no cover - no locking on this platform


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _lock_owner(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class _OutLock:
    """The lock of an output directory: ``.DIR.lock`` next to it, holding the process id of
    the run writing ``DIR``, locked (``flock``, or ``msvcrt.locking`` on Windows) while it
    runs. The lock of a process that died is free: the system releases it."""

    def __init__(self, target: Path, shown: str) -> None:
        self.path = target.parent / f".{target.name}.lock"
        self.shown = shown
        self.fd: int | None = None

    def acquire(self, wait: bool = False, quiet: bool = True) -> None:
        announced = False
        while True:
            fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            locked = False
            try:
                locked = _try_lock(fd)  # type: ignore[arg-type]
                # the previous holder may have removed the file just before we locked it
                if locked and _same_file(fd, self.path):  # type: ignore[arg-type]
                    os.ftruncate(fd, 0)  # type: ignore[arg-type]
                    os.lseek(fd, 0, os.SEEK_SET)  # type: ignore[arg-type]
                    os.write(fd, f"{os.getpid()}\n".encode("ascii"))  # type: ignore[arg-type]
                    self.fd, fd = fd, None
                    return
            finally:
                if fd is not None:
                    os.close(fd)
            if locked:
                continue  # lock the file now at the path
            owner = _lock_owner(self.path)
            who = f" (pid {owner})" if owner is not None else ""
            if not wait:
                raise InputError(f"argument --out: another nldtib-forecast run{who} is writing "
                                 f"{self.shown!r}; wait for it to finish, or use --wait")
            if not announced and not quiet:
                print(f"{PROG}: waiting for the run{who} writing {self.shown!r}",
                      file=sys.stderr, flush=True)
                announced = True
            time.sleep(_WAIT_POLL)

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is None:
            return
        if os.name == "nt":  # pragma: no cover - an open file cannot be removed on Windows
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            return
        with contextlib.suppress(OSError):  # still locked: a waiting run opens a new file
            os.unlink(self.path)
        os.close(fd)


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
    elif os.path.lexists(target):
        raise InputError(f"argument --out: {str(out)!r} is a broken symbolic link")
    return target


def _write_directory(target: Path, build: Callable[[Path], list[str]], *,
                     check: Callable[[], object] | None = None, wait: bool = False,
                     quiet: bool = True, shown: str | None = None) -> list[str]:
    """Build a directory in a temporary sibling of ``target`` and move it into place.

    Steps: make the missing parents; take the lock ``.NAME.lock`` next to ``target`` (an
    :class:`InputError` naming the other run's process id if another run holds it, unless
    ``wait``); remove what dead runs left (:func:`_clean_stale_directories`); ``check()`` again
    that ``target`` may be written (it may have changed while waiting); build into
    ``.NAME.tmp-PID-XXXX``; move it into place (an existing ``target`` is first moved to
    ``.NAME.old-PID-XXXX``, removed after the move). On any failure, interruption or signal the
    temporary directory, the lock file and the parents made here are removed, and an existing
    ``target`` is left as it was.
    """
    created: list[Path] = []  # parents made here, outermost first
    lock = _OutLock(target, shown if shown is not None else str(target))
    tmp: Path | None = None
    old: Path | None = None
    done = False
    try:
        for parent in reversed(_missing_parents(target)):
            try:
                parent.mkdir()
            except FileExistsError:  # made by another run just now: not ours to remove
                continue
            created.append(parent)
        lock.acquire(wait=wait, quiet=quiet)
        _clean_stale_directories(target)
        if check is not None:
            check()
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name, "tmp"), dir=target.parent))
        files = build(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; give it normal permissions
        with _signals_deferred():
            _raise_if_interrupted()  # a signal whose exception some library swallowed
            emptied = False
            if target.exists():
                if any(target.iterdir()):
                    old = Path(tempfile.mkdtemp(prefix=_temp_prefix(target.name, "old"),
                                                dir=target.parent))
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
            _output_committed()
    finally:
        with _signals_deferred():
            if tmp is not None and os.path.lexists(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
            if old is not None and done:
                shutil.rmtree(old, ignore_errors=True)
            lock.release()
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
                                 min_respondents=args.min_respondents,
                                 read_options=dict(args.read_options or ()),
                                 plausibility=not args.no_plausibility)

    def build(directory: Path) -> list[str]:
        files = _report.build_report(directory, spec)
        _report.write_timing(directory, spec, time.perf_counter() - started)
        return files

    files = _write_directory(target, build,
                             check=lambda: _check_out_dir(args.out, args.overwrite),
                             wait=args.wait, quiet=args.quiet, shown=str(args.out))
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

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 1 for bad input data, a run too large for the memory, an
        output directory another run is writing, or a file system error, 2 for bad
        command-line arguments, 128 + the signal number when interrupted (130 for Ctrl-C,
        143 for SIGTERM, 129 for SIGHUP; nothing is written).
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
    with _SignalGuard() as guard:
        try:
            try:
                return handler(args)
            finally:
                guard.finished = True  # from here on a signal is only remembered
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", None) or guard.received or signal.SIGINT
            what = ("interrupted" if signum == signal.SIGINT
                    else f"interrupted by {_signal_name(signum)}")
            print(f"{PROG}: {what}; nothing written", file=sys.stderr)
            return 128 + int(signum)
        except InputError as err:
            print(f"{PROG}: error: {_one_line(err)}", file=sys.stderr)
            return 1
        except MemoryError:
            print(f"{PROG}: error: out of memory; use fewer draws (--draws) or scenarios",
                  file=sys.stderr)
            return 1
        except OSError as err:
            where = f": {err.filename}" if getattr(err, "filename", None) else ""
            reason = err.strerror or _one_line(err) or type(err).__name__
            print(f"{PROG}: error: {reason}{where}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    raise SystemExit(main())
