"""The ``nldtib-forecast`` command.

Usage::

    nldtib-forecast --help
    nldtib-forecast --version
    nldtib-forecast data published --out published.csv
    nldtib-forecast data audit --out audit.xlsx
    nldtib-forecast data survey --out survey.csv [--population] [--seed S]
    nldtib-forecast report --out DIR [--seed S] [--overwrite]

Files are written atomically: a report is built in a temporary directory next to ``DIR`` and
moved into place at the end, so a failure leaves nothing behind. Bad arguments give a one-line
error on stderr and exit code 2; bad input data exit code 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from nldtib_forecast._errors import InputError
from nldtib_forecast._version import __version__

__all__ = ["main", "build_parser"]

PROG = "nldtib-forecast"
_TABLE_FORMATS = (".csv", ".xlsx")


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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``nldtib-forecast`` command."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Economics of the Dutch defence and security technological industrial base "
            "(NLDTIB). Export the embedded data, or write a report with tables, an Excel "
            "workbook and plots. The default survey data are synthetic."
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

    report = commands.add_parser(
        "report",
        help="write tables, an Excel workbook and plots into a directory",
        description="Write the published figures, their audit, a summary of the synthetic "
        "survey, an Excel workbook with one sheet per table, two plots, README.txt and "
        "manifest.json into DIR. The same seed gives identical files.",
    )
    report.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="output directory (must not exist or be empty)")
    report.add_argument("--seed", type=_seed, default=0, metavar="S",
                        help="random seed of the synthetic survey (default: 0)")
    report.add_argument("--overwrite", action="store_true",
                        help="replace DIR if it holds an earlier report")
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


# --------------------------------------------------------------------------- report
def survey_summary(survey: pd.DataFrame, seed: int | None = None,
                   level: float = 0.95) -> pd.DataFrame:
    """Design-based estimates of the main survey totals and ratios per year, protected.

    Every figure is a design-based estimate of :mod:`nldtib_forecast.survey` (Horvitz-Thompson
    totals, ratios of totals; linearisation variance with the finite population correction)
    and passes the default disclosure rules: a suppressed figure is NaN with its status.

    Parameters
    ----------
    survey : pandas.DataFrame
        Firm-year frame in the survey schema with a ``weight`` column.
    seed : int, optional
        Seed the synthetic survey was drawn with, recorded in the ``data`` column.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` with, for ``firms`` (weighted count), ``ds_turnover_eur``,
        ``ds_turnover_share``, ``export_share``, ``fte_total`` and ``fte_ds``, the estimate
        and ``<name>_ci_lower``, ``<name>_ci_upper``, ``<name>_status``; then ``respondents``
        and ``data`` (``"synthetic ..."`` when the frame is synthetic).
    """
    from nldtib_forecast.survey import SurveyDesign, survey_ratio, survey_total

    design = SurveyDesign(survey)
    specs = {
        "firms": (survey_total, (None,)),
        "ds_turnover_eur": (survey_total, ("turnover_ds_eur",)),
        "ds_turnover_share": (survey_ratio, ("turnover_ds_eur", "turnover_total_eur")),
        "export_share": (survey_ratio, ("export_ds_eur", "turnover_ds_eur")),
        "fte_total": (survey_total, ("fte_total",)),
        "fte_ds": (survey_total, ("fte_ds",)),
    }
    years = sorted(int(y) for y in survey["year"].unique())
    rows = []
    for year in years:  # a handful of years; the estimators are vectorised over firms
        row: dict[str, object] = {"year": year}
        for name, (fn, args) in specs.items():
            est = fn(design, *args, year=year, level=level).iloc[0]
            row[name] = est["estimate"]
            row[f"{name}_ci_lower"] = est["ci_lower"]
            row[f"{name}_ci_upper"] = est["ci_upper"]
            row[f"{name}_status"] = est["status"]
        row["respondents"] = int((survey["year"] == year).sum())
        rows.append(row)
    out = pd.DataFrame(rows).set_index("year")
    out.index = out.index.astype("int64")
    if survey.attrs.get("synthetic", False):
        label = "synthetic survey, not real firms"
        if seed is not None:
            label += f" (seed {seed})"
    else:
        label = "survey"
    out["data"] = label
    return out


def _plot_to_file(
    published: pd.DataFrame,
    indicator: str,
    estimates: pd.Series,
    path: Path,
    seed: int,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from nldtib_forecast.plotting import plot_published_series

    fig = Figure(figsize=(7.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    plot_published_series(
        published,
        indicator,
        ax=ax,
        estimates=estimates,
        estimates_label=f"synthetic survey, weighted (seed {seed})",
    )
    fig.savefig(path, dpi=120, metadata={"Software": None})


_REPORT_FILES: dict[str, str] = {
    "published.csv": "published NLDTIB figures, one row per indicator, year and edition",
    "audit.csv": "arithmetic audit of the published figures",
    "survey_summary.csv": "design-based estimates per year with 95% intervals and disclosure "
    "status (synthetic data)",
    "headline.csv": "the 2026 letter's survey figures recomputed from the (synthetic) survey, "
    "with 95% intervals, the published values and disclosure status",
    "nldtib_report.xlsx": "the four tables above, one sheet each",
    "ds_turnover.png": "D&S-related turnover: published series with trend breaks, and the "
    "synthetic survey's weighted estimate",
    "export_share.png": "export share of D&S turnover: published series with trend breaks, and "
    "the synthetic survey's weighted estimate",
    "README.txt": "this description",
}


def _write_report(directory: Path, seed: int) -> list[str]:
    from nldtib_forecast import data

    published = data.load_published()
    audit = data.audit_published()
    survey = data.synthetic_survey(seed=seed)
    summary = survey_summary(survey, seed=seed)
    from nldtib_forecast.survey import headline_figures

    headline = headline_figures(survey, seed=seed).reset_index()

    _write_table(published, directory / "published.csv")
    _write_table(audit, directory / "audit.csv")
    _write_table(summary, directory / "survey_summary.csv")
    _write_table(headline, directory / "headline.csv")
    _write_workbook(
        {"published": published, "audit": audit, "survey_summary": summary,
         "headline": headline},
        directory / "nldtib_report.xlsx",
    )
    _plot_to_file(published, "ds_turnover_eur", summary["ds_turnover_eur"],
                  directory / "ds_turnover.png", seed)
    _plot_to_file(published, "export_share", summary["export_share"],
                  directory / "export_share.png", seed)

    n_bad = int((audit["status"] == "inconsistent").sum()) if "status" in audit else 0
    lines = [
        f"nldtib_forecast {__version__} report",
        "",
        f"Command: {PROG} report --out DIR --seed {seed}",
        f"Seed of the synthetic survey: {seed}",
        "",
        "The survey data in this report are SYNTHETIC: a firm-level panel calibrated to the",
        "published NLDTIB figures, not the confidential survey microdata. The published",
        "figures are as published, with their sources in published.csv.",
        f"The audit finds {n_bad} inconsistent published figure(s); see audit.csv.",
        "Trend breaks (e.g. between 2017 and 2019) are marked in the plots; series are",
        "not comparable across them.",
        "",
        "Files:",
    ]
    lines += [f"  {name:<20} {text}" for name, text in _REPORT_FILES.items()]
    lines += ["  manifest.json        version, seed and checksums of the files", ""]
    (directory / "README.txt").write_text("\n".join(lines), encoding="utf-8", newline="\n")

    files = sorted(_REPORT_FILES)
    manifest = {
        "library": "nldtib_forecast",
        "version": __version__,
        "command": "report",
        "seed": seed,
        "synthetic_survey": bool(survey.attrs.get("synthetic", False)),
        "files": [
            {
                "name": name,
                "description": _REPORT_FILES[name],
                "bytes": (directory / name).stat().st_size,
                "sha256": hashlib.sha256((directory / name).read_bytes()).hexdigest(),
            }
            for name in files
        ],
    }
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (directory / "manifest.json").write_text(text, encoding="utf-8", newline="\n")
    return [*files, "manifest.json"]


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


def _cmd_report(args: argparse.Namespace) -> int:
    target = Path(os.path.abspath(args.out))
    if target.exists():
        if not target.is_dir():
            raise InputError(f"argument --out: {str(args.out)!r} exists and is not a directory")
        if any(target.iterdir()):
            if not args.overwrite:
                raise InputError(
                    f"argument --out: directory {str(args.out)!r} is not empty; "
                    "use --overwrite to replace it"
                )
            cwd = Path.cwd().resolve()
            if target.resolve() == cwd or target.resolve() in cwd.parents:
                raise InputError(
                    f"argument --out: {str(args.out)!r} is or contains the current directory; "
                    "refusing to replace it"
                )
            if not _is_report_dir(target):
                raise InputError(
                    f"argument --out: {str(args.out)!r} is not an earlier nldtib-forecast "
                    "report (no manifest.json); --overwrite only replaces reports"
                )
    created: list[Path] = []  # parents made here, outermost first
    tmp: Path | None = None
    old: Path | None = None
    done = False
    try:
        for parent in reversed(_missing_parents(target)):
            parent.mkdir()
            created.append(parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        files = _write_report(tmp, args.seed)
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
    print(f"wrote {len(files)} files to {args.out}")
    return 0


# --------------------------------------------------------------------------- entry point
def _one_line(text: str) -> str:
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


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
        command-line arguments.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except _UsageError as err:
        print(f"{err.prog}: error: {_one_line(err.message)} (see '{err.prog} --help')",
              file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)

    handler = {"data": _cmd_data, "report": _cmd_report}[args.command]
    try:
        return handler(args)
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
