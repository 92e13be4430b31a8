"""The files of ``nldtib-forecast run`` and ``nldtib-forecast report`` (private).

:func:`build_report` runs the models on a survey and a set of scenarios (:func:`_run_models`),
and writes into a directory: tidy CSV tables, one Excel workbook with a sheet per table, PNG
fan charts and the turnover waterfall, a self-contained HTML report
(:mod:`nldtib_forecast.report.html`), ``README.txt``, ``manifest.json`` (everything needed to
reproduce the run; identical for identical inputs and seed) and ``timing.json`` (durations,
the only file that changes between identical runs).

The report is generic over :class:`~nldtib_forecast.results.ScenarioResult` objects: tables come
from :meth:`~nldtib_forecast.results.ScenarioResult.to_frame` and
:meth:`~nldtib_forecast.results.ScenarioResult.summary_frame`, fan charts from
:meth:`~nldtib_forecast.results.ScenarioResult.plot`, for the variables in
:data:`KEY_VARIABLES`. The atomic move into place is done by
:func:`nldtib_forecast.report.io.write_directory`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError
from nldtib_forecast._format import BILLION, count, percent, unit_kind
from nldtib_forecast._version import __version__
from nldtib_forecast.labels import check_language
from nldtib_forecast.report.dutch_texts import localized_tables
from nldtib_forecast.report.io import PROG, write_table, write_workbook
from nldtib_forecast.report.tables import (  # noqa: F401  (KEY_VARIABLES: documented here)
    HEADER_ROW,
    KEY_VARIABLES,
    SUMMARY_LEVEL,
    constraints_table,
    cover_sheet,
    csv_table,
    data_label,
    decomposition_table,
    key_variables,
    models_table,
    policy_effects_table,
    priors_table,
    results_table,
    scenario_table,
    summary_table,
    survey_summary,
    workbook_sheets,
)
from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED

__all__ = ["build_report", "load_run_spec", "write_timing", "default_scenarios", "RunSpec",
           "survey_summary", "summary_table", "results_table", "scenario_table",
           "models_table", "priors_table", "decomposition_table"]

#: Last simulated year.
HORIZON = 2035
#: Default Monte Carlo draws of ``run`` and ``report``.
DEFAULT_DRAWS = DEFAULT_N_DRAWS  # the models' default: the API and the CLI agree
# --------------------------------------------------------------------------------- the models
#: The reference policy of the policy effects; always run with a grid.
REFERENCE_POLICY = "current_conditions"
#: Variables of the policy-effects table (the first is drawn in the policy-effects chart).
EFFECT_VARIABLES: tuple[str, ...] = ("turnover_real_eur", "turnover_nominal_eur",
                                     "capacity_eur", "export_share", "fte_required")


def default_scenarios() -> dict:
    """The built-in policies and futures ``report`` runs, by name."""
    from nldtib_forecast.scenarios import FUTURE_NAMES, POLICY_NAMES, builtin

    found = builtin()
    return {n: found[n] for n in (*POLICY_NAMES, *FUTURE_NAMES)}


@dataclass
class Steps:
    """Prints the steps of a run on ``stream`` as they start, numbered, with the time the
    previous one took, so that a person can tell a long run from a hang; silent if ``quiet``.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> steps = Steps(total=2, stream=out)
    >>> steps("calibrating the models")
    >>> steps("simulating")
    >>> print(out.getvalue().splitlines()[0])
    nldtib-forecast [1/2] calibrating the models
    """

    total: int = 5
    quiet: bool = False
    stream: TextIO | None = None  # None: standard error at the time of printing
    done: int = 0
    started: float = field(default_factory=time.perf_counter)

    def __call__(self, what: str) -> None:
        now = time.perf_counter()
        took = f" (previous step {now - self.started:.1f} s)" if self.done else ""
        self.done, self.started = self.done + 1, now
        if not self.quiet:
            print(f"{PROG} [{self.done}/{self.total}] {what}{took}",
                  file=self.stream or sys.stderr, flush=True)


def _run_models(survey: pd.DataFrame, scenarios: Mapping, horizon: int, n_draws: int,
                seed: int, n_jobs: int, progress: bool | None, policies=None,
                futures=None, steps: Steps | None = None) -> dict:
    """Run the outlook model: the policies x futures grid (if any) and the plain scenarios;
    results by model name."""
    from nldtib_forecast.models.outlook import Outlook

    steps = steps or Steps(quiet=True)
    steps(f"calibrating the capacity, trade and outlook models on the survey "
          f"({count(len(survey))} rows)")
    model = Outlook.from_survey(survey)
    grid = set(policies or ()) | set(futures or ())
    plain = [s for n, s in scenarios.items() if n not in grid]
    n_scen = (len(plain) + len(policies or ()) * len(futures or ())) if grid else len(plain)
    steps(f"simulating {count(n_scen)} scenarios x {count(n_draws)} draws, "
          f"{model.base_year + 1}-{horizon}")
    if policies or futures:
        return {"outlook": model.simulate(plain or None, horizon=horizon, n_draws=n_draws,
                                          seed=seed, n_jobs=n_jobs, progress=progress,
                                          policies=[scenarios[p] for p in policies],
                                          futures=[scenarios[f] for f in futures])}
    return {"outlook": model.simulate(plain, horizon=horizon, n_draws=n_draws, seed=seed,
                                      n_jobs=n_jobs, progress=progress)}


# --------------------------------------------------------------------------------- inputs
@dataclass
class RunSpec:
    """What a run computes: the inputs of :func:`build_report`."""

    command: str  # "run" or "report"
    scenarios: dict
    scenario_text: str  # TOML of the scenarios (the file's contents for ``run``)
    scenario_file: str | None  # file name as given, ``run`` only
    survey: pd.DataFrame
    survey_file: str | None  # None: the embedded synthetic survey
    survey_sha256: str | None
    n_draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    n_jobs: int = 1
    progress: bool | None = None
    horizon: int = HORIZON
    timing: dict = field(default_factory=dict)
    policies: list[str] | None = None  # the grid's policies (names in ``scenarios``)
    futures: list[str] | None = None  # the grid's futures
    # frame counts the survey file was weighted from (``--population``); None: the file's
    # own weights, or the synthetic survey
    population_file: str | None = None
    population_sha256: str | None = None
    weighting: str = "cells"  # ``--weighting``: method of the non-response weighting
    min_respondents: int | None = None  # ``--min-respondents`` (None: the default, 10)
    disclosure: dict | None = None  # the joint disclosure audit of the published tables
    read_options: dict = field(default_factory=dict)  # ``--read-option KEY=VALUE``
    plausibility: bool = True  # False: ``--no-plausibility``
    steps: Steps = field(default_factory=lambda: Steps(quiet=True))  # progress lines
    lang: str = "en"  # ``--lang``: language of the HTML page, the workbook and the charts

    @property
    def synthetic(self) -> bool:
        return bool(self.survey.attrs.get("synthetic", False))

    def weights_source(self) -> dict:
        """Where the survey's weights come from (``manifest.json``, ``inputs.survey.weights``).

        ``source`` is ``"frame counts"`` (the survey file weighted from ``--population``),
        ``"file"`` (the file's own ``weight`` column) or ``"synthetic"``; with frame counts
        also the counts file's name and SHA-256, the method, the frame variables and the
        numbers of frame firms, responding firms and response groups (strata).
        """
        if self.population_file is None:
            source = "file" if self.survey_file else "synthetic"
            out: dict = {"source": source}
            recipe = self.survey.attrs.get("weighting")
            if source == "synthetic" and isinstance(recipe, Mapping):
                out |= {"method": recipe.get("method"), "by": list(recipe.get("by", ()))}
            return out
        recipe = self.survey.attrs.get("weighting") or {}
        strata = self.survey.attrs.get("population_firms") or {}
        return {"source": "frame counts", "file": Path(self.population_file).name,
                "sha256": self.population_sha256, "method": self.weighting,
                "min_respondents": int(recipe.get("min_respondents", 10)),
                "by": list(recipe.get("by", ())),
                "frame_firms": int(sum(recipe.get("counts", ()))),
                "responding_firms": int(sum(recipe.get("respondents", ()))),
                "strata": len(strata),
                "replaced_file_weights": bool(self.survey.attrs.get("weights_replaced",
                                                                    False))}

    def survey_description(self) -> str:
        """The survey data and their weights in words (README, HTML)."""
        if not self.survey_file:
            recipe = self.survey.attrs.get("weighting")
            if not isinstance(recipe, Mapping):
                return f"synthetic survey (seed {self.seed})"
            n = int(sum(recipe.get("respondents", ())))
            return (f"synthetic survey (seed {self.seed}): a census with non-response, "
                    f"{count(n)} of {count(int(sum(recipe.get('counts', ()))))} frame "
                    "firms responded, weighted by response groups of "
                    f"{', '.join(recipe.get('by', ()))}")
        text = f"survey file {Path(self.survey_file).name}"
        if self.population_file is None:
            return text + ", with its own weights"
        w = self.weights_source()
        how = ("response homogeneity groups" if w["method"] == "cells"
               else "a response propensity model")
        return (text + f", weighted from the frame counts {w['file']} ({how} by "
                f"{', '.join(w['by'])}: {count(w['responding_firms'])} of "
                f"{count(w['frame_firms'])} frame firms responded, {w['strata']} response "
                "groups as strata)")

    def command_line(self) -> str:
        """The command that reproduces the run (``DIR`` for the output directory)."""
        words = ["nldtib-forecast", self.command]
        if self.command == "run":
            words.append("scenarios.toml")
        words += ["--out", "DIR", "--draws", str(self.n_draws), "--seed", str(self.seed)]
        if self.survey_file:
            words += ["--survey", Path(self.survey_file).name]
        if self.population_file:
            words += ["--population", Path(self.population_file).name]
            if self.weighting != "cells":
                words += ["--weighting", self.weighting]
            if self.min_respondents is not None:
                words += ["--min-respondents", str(self.min_respondents)]
        if self.survey_file:
            for key, value in self.read_options.items():
                words += ["--read-option", shlex.quote(f"{key}={value}")]
            if not self.plausibility:
                words.append("--no-plausibility")
        if self.command == "run" and self.futures:
            words += ["--futures", ",".join(self.futures)]
        if self.command == "run" and self.policies:
            words += ["--policies", ",".join(self.policies)]
        if self.lang != "en":
            words += ["--lang", self.lang]
        return " ".join(words)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _grid_names(given: list[str] | None, kind: str, file_scenarios: Mapping,
                builtins: Mapping, default: tuple[str, ...], other_given: bool,
                source: str) -> list[str]:
    """Names of the grid's policies or futures: given on the command line, else the file's,
    else (when the other axis is set) the built-in defaults."""
    wanted = "policy" if kind == "policies" else "future"
    pool = {**{n: s for n, s in builtins.items() if s.kind == wanted},
            **{n: s for n, s in file_scenarios.items() if s.kind == wanted}}
    if given is not None:
        bad = [n for n in given if n not in pool]
        if bad:
            from difflib import get_close_matches

            hints = [f"{n!r}" + (f" (did you mean {get_close_matches(n, list(pool), 1)[0]!r}?)"
                                 if get_close_matches(n, list(pool), 1) else "") for n in bad]
            raise InputError(f"--{kind}: unknown {kind} {', '.join(hints)}; known in {source} "
                             f"and the built-ins: {', '.join(pool)}")
        return list(given)
    in_file = [n for n, s in file_scenarios.items() if s.kind == wanted]
    if in_file:
        return in_file
    return list(default) if other_given else []


def load_run_spec(command: str, scenario_path: Path | None, survey_path: Path | None,
                  n_draws: int, seed: int, n_jobs: int, progress: bool | None, *,
                  futures: list[str] | None = None,
                  policies: list[str] | None = None,
                  population_path: Path | None = None,
                  weighting: str = "cells",
                  min_respondents: int | None = None,
                  read_options: dict | None = None,
                  plausibility: bool = True, lang: str = "en") -> RunSpec:
    """Read and check every input (scenario file, survey file, frame counts) before anything
    is written.

    With ``population_path`` (the frame counts, ``--population``) the survey file is read as
    unweighted respondents and weighted from the counts by ``weighting`` (``"cells"`` or
    ``"propensity"``; :func:`~nldtib_forecast.data.read_survey`); the file's own weights, if
    any, are replaced.

    ``report`` runs every built-in policy under every built-in future (or the ``futures`` /
    ``policies`` given). ``run FILE`` runs the file's ``[scenarios.*]`` as they are and, when
    the file defines ``[futures.*]`` or ``[policies.*]`` or ``futures``/``policies`` are given,
    the grid of policies x futures (an axis the file does not define takes the built-ins);
    ``current_conditions`` is always among the policies of a grid (the reference).
    """
    from nldtib_forecast.scenarios import FUTURE_NAMES, POLICY_NAMES, builtin, load_scenarios
    from nldtib_forecast.scenarios import toml_io as _toml

    started = time.perf_counter()
    if population_path is not None and survey_path is None:
        raise InputError("--population: the frame counts weight the respondents of a survey "
                         "file; give the file with --survey FILE")
    known = builtin()
    if scenario_path is not None:
        found = load_scenarios(scenario_path)
        if not found:
            raise InputError(f"{scenario_path}: no scenarios; add a [scenarios.<name>], "
                             "[futures.<name>] or [policies.<name>] table")
        text = _toml.read_text(Path(scenario_path))
        scenario_file: str | None = str(scenario_path)
        grid_in_file = any(s.kind in ("policy", "future") for s in found.values())
        use_grid = grid_in_file or futures is not None or policies is not None
        fut = _grid_names(futures, "futures", found, known, FUTURE_NAMES,
                          use_grid, str(scenario_path)) if use_grid else []
        pol = _grid_names(policies, "policies", found, known, POLICY_NAMES,
                          use_grid, str(scenario_path)) if use_grid else []
        scenarios = {n: s for n, s in found.items() if s.kind == "scenario"}
    else:
        found = {}
        fut = _grid_names(futures, "futures", {}, known, FUTURE_NAMES, True, "the built-ins")
        pol = _grid_names(policies, "policies", {}, known, POLICY_NAMES, True, "the built-ins")
        scenarios = {}
        text = ""
        scenario_file = None
    if fut or pol:
        if REFERENCE_POLICY not in pol:
            pol = [REFERENCE_POLICY, *pol]
        for name in (*pol, *fut):
            scenarios[name] = found[name] if name in found else known[name]
    if scenario_file is None:
        text = _toml.dumps({n: s.to_dict() for n, s in scenarios.items()},
                           header=f"Built-in policies and futures of nldtib_forecast "
                                  f"{__version__}")
    if survey_path is not None:
        from nldtib_forecast.data import read_survey

        options = dict(read_options or {})
        if not plausibility:
            options["plausibility"] = False
        try:
            if population_path is None:
                survey = read_survey(survey_path, **options)
            else:
                survey = read_survey(survey_path, population=population_path,
                                     method=weighting, min_respondents=min_respondents,
                                     **options)
        except InputError as err:
            text = str(err)
            hints = [h for key, h in (
                ("sep=", "--read-option sep=';' --read-option decimal=,"),
                ("encoding=", "--read-option encoding=cp1252"),
                ("plausibility", "--no-plausibility")) if key in text]
            if not hints:
                raise
            raise InputError(f"{err.message} (on the command line: {'; '.join(hints)})",
                             err.problems) from err
        survey.attrs["synthetic"] = bool(survey.attrs.get("synthetic", False))
        survey_sha = sha256_file(survey_path)
    else:
        from nldtib_forecast.data import synthetic_survey

        survey = synthetic_survey(seed=seed)
        survey_sha = None
    _check_run_memory(scenarios, pol, fut, survey, n_draws, HORIZON)
    spec = RunSpec(command, scenarios, text, scenario_file, survey,
                   None if survey_path is None else str(survey_path), survey_sha,
                   n_draws, seed, n_jobs, progress, policies=pol or None, futures=fut or None,
                   population_file=None if population_path is None else str(population_path),
                   population_sha256=(None if population_path is None
                                      else sha256_file(population_path)),
                   weighting=weighting, min_respondents=min_respondents,
                   read_options=dict(read_options or {}), plausibility=bool(plausibility),
                   lang=check_language(lang))
    spec.timing["load_inputs"] = time.perf_counter() - started
    return spec


#: Copies of the draws a run holds at its peak: the simulated draws, the selection without
#: the base year and the working arrays of the tables (measured: about 2.6).
_MEMORY_COPIES = 3.0


def _check_run_memory(scenarios: Mapping, policies: list[str], futures: list[str],
                      survey: pd.DataFrame, n_draws: int, horizon: int) -> None:
    """An :class:`InputError` before anything runs when the draws of the run (draws x
    scenarios x years x variables, 8 bytes each, :data:`_MEMORY_COPIES` times) would not fit in
    the available memory."""
    from nldtib_forecast.models.outlook import OUTPUT_UNITS
    from nldtib_forecast.scenarios import BASE_YEAR
    from nldtib_forecast.simulation import check_memory, estimate_memory

    grid = set(policies) | set(futures)
    n_scenarios = sum(1 for n in scenarios if n not in grid) + len(policies) * len(futures)
    try:
        base = int(pd.to_numeric(survey["year"]).max())
    except (KeyError, TypeError, ValueError):
        base = BASE_YEAR
    n_years = max(1, horizon - base + 1)
    needed = estimate_memory(n_draws, max(1, n_scenarios), n_years, len(OUTPUT_UNITS),
                              block_size=250, copies=_MEMORY_COPIES)
    check_memory(needed, f"--draws {n_draws}: the run ({count(n_draws)} draws x "
                          f"{n_scenarios} scenarios x {n_years} years x {len(OUTPUT_UNITS)} "
                          "variables)",
                  "use fewer draws (--draws) or fewer scenarios (--futures, --policies)")


def _safe(fn: Callable, notes: list[str], what: str):
    """``fn()``, or None with a note when the survey does not support it."""
    try:
        return fn()
    except InputError as err:
        notes.append(f"{what}: not computed ({' '.join(str(err).split())})")
        return None


# --------------------------------------------------------------------------------- figures
#: The resolution of the charts, and the zlib level of their PNG files (:func:`_png_file`).
_DPI = 100
_PNG_LEVEL = 3


def _figure(width: float = 7.0, height: float = 4.0,
            layout: Literal["constrained"] | None = "constrained"):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=_DPI, layout=layout)
    FigureCanvasAgg(fig)  # a canvas that can measure text (:func:`_arrange`)
    return fig


#: Padding between the parts of a chart laid out by :func:`_arrange`, in inches.
_PAD = 0.08


def _arrange(fig, axes, legend=None, suptitle=None) -> None:
    """Lay out a grid of panels with shared axes (``axes``: 2-D, ``rows x cols``) once, from
    the measured size of its parts, instead of with constrained layout.

    Constrained layout measures every panel's decorations at every draw (most of the cost of
    a chart with six panels); here the parts that set the margins are measured once: the
    suptitle, a panel title, the y axis of the first panel (tick labels and label) and the x
    axis of a bottom panel, and the legend (``legend``, placed under the panels) and the
    figure's title (``suptitle``, the artist ``fig.suptitle`` returned). Shared axes have the
    same tick labels in every panel, so one panel's measure holds for all;
    ``tests/test_report_charts.py`` checks that no text of a chart leaves the figure or runs
    into another panel or the legend.
    """
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    width, height = fig.get_size_inches()
    rows, cols = axes.shape

    def size(artist) -> tuple[float, float]:
        if artist is None or not artist.get_visible() or (
                hasattr(artist, "get_text") and not artist.get_text()):
            return 0.0, 0.0
        box = artist.get_window_extent(renderer)
        return box.width / dpi, box.height / dpi

    first = axes[0, 0]
    bottom = next((ax for ax in axes[-1] if ax.get_visible()), first)
    y_width = first.yaxis.get_tightbbox(renderer).width / dpi
    x_box = bottom.xaxis.get_tightbbox(renderer)
    x_height = x_box.height / dpi if x_box is not None else 0.0
    x_label = max((size(t)[0] for t in bottom.get_xticklabels()), default=0.0)
    title_h = max(size(ax.title)[1] for ax in axes.ravel())
    sup_h = size(suptitle)[1]
    legend_h = size(legend)[1]
    top = _PAD + sup_h + (_PAD if sup_h else 0.0) + title_h + _PAD
    low = _PAD + legend_h + (_PAD if legend_h else 0.0) + x_height + _PAD
    left, right = _PAD + y_width + _PAD, x_label / 2 + 2 * _PAD
    gap_h = title_h + 3 * _PAD  # between rows: the titles of the next row
    gap_w = x_label + 2 * _PAD  # between columns: the year labels at the panels' edges
    panel_h = (height - top - low - (rows - 1) * gap_h) / rows
    panel_w = (width - left - right - (cols - 1) * gap_w) / cols
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=low / height,
                        top=1 - top / height, hspace=gap_h / max(panel_h, 1e-3),
                        wspace=gap_w / max(panel_w, 1e-3))
    if legend is not None:
        legend.set_bbox_to_anchor((0.5, _PAD / height), transform=fig.transFigure)
    if suptitle is not None:
        suptitle.set_y(1 - _PAD / height)
        suptitle.set_va("top")
    if not first.yaxis.get_major_formatter().get_offset():  # no offset text at the top
        _fix_titles(axes.ravel())


def _fix_titles(axes) -> None:
    """Panel titles at the place matplotlib's draw finds for them, just above the panel
    (``y=1``), without the search it makes at every draw (measuring the y axis again): that
    is their place when no tick labels or x label are above the panel and the y axis has no
    offset text (``1e6``; the caller checks)."""
    for ax in axes:
        if (ax.xaxis.get_label_position() == "top" or not ax.get_title()
                or ax.xaxis.majorTicks[0].label2.get_visible()):  # labels above the panel
            continue
        ax.set_title(ax.get_title(), fontsize=ax.title.get_fontsize(), y=1.0)


def _png(fig) -> bytes:
    """The chart as PNG bytes at :data:`_DPI` (the pixels ``savefig`` would write, for less):
    a figure with a layout engine (constrained layout) is laid out once and then drawn
    once, where ``savefig`` draws it twice; an opaque chart is written as RGB, without the
    alpha channel that is 255 everywhere."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        # a chart whose labels leave no room is drawn without the layout, not with a warning
        warnings.filterwarnings("ignore", message=r"(constrained_layout|Tight layout|"
                                r"tight_layout) not applied", category=UserWarning)
        warnings.filterwarnings("ignore", message=r".*(axes sizes collapsed|"
                                r"decorations? .* too large)", category=UserWarning)
        if fig.dpi != _DPI:
            fig.set_dpi(_DPI)
        engine = fig.get_layout_engine()
        if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
            engine.execute(fig)  # as savefig's first draw does (its second draws the chart)
            fig.set_layout_engine("none")  # laid out: the draw leaves the axes where they are
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return _png_file(rgba[..., :3] if rgba[..., 3].min() == 255 else rgba)


def _png_file(pixels: np.ndarray) -> bytes:
    """A PNG file of 8-bit RGB or RGBA ``pixels`` (rows x columns x channels) at
    :data:`_DPI`, written by Pillow at zlib level :data:`_PNG_LEVEL`: charts are mostly large
    areas of one colour, and at level 3 the files are a little smaller than those of
    ``savefig`` (RGBA, level 6) and take less time.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> pixels = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    >>> image = Image.open(io.BytesIO(_png_file(pixels)))
    >>> image.mode, image.size, bool((np.asarray(image) == pixels).all())
    ('RGB', (4, 2), True)
    >>> [round(d) for d in image.info["dpi"]]
    [100, 100]
    """
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(
        buffer, format="png", compress_level=_PNG_LEVEL, dpi=(_DPI, _DPI))
    return buffer.getvalue()


#: Longest label (scenario, policy or future name) drawn in a chart legend, and as a tick
#: label; longer ones are cut (the tables have the full names).
_LABEL_CHARS = 40
_TICK_CHARS = 28
#: Most panels of a fan chart of plain scenarios (the others are in the tables).
_MAX_PANELS = 6


def _label(text: object, width: int = _LABEL_CHARS, lang: str = "en") -> str:
    """The label of an identifier for a chart (:func:`nldtib_forecast.report.html._label`),
    in ``lang``, cut to ``width`` characters with an ellipsis (the tables have the full
    names)."""
    from nldtib_forecast.report.html import _label as label

    text = label(text, lang)
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def _unit_axis(unit: str, lang: str = "en") -> str:
    """The axis label of a unit as the charts' ticks show it (``EUR bn``; ``mld. euro``)."""
    from nldtib_forecast.report.html import _unit_label

    kind = unit_kind(unit)
    if kind == "eur":
        return "mld. euro" if lang == "nl" else "EUR bn"
    return "%" if kind == "percent" else _unit_label(unit, lang)


#: The decimal mark and the thousands separator swapped: English tick text to Dutch.
_NL_MARKS = str.maketrans({",": ".", ".": ","})


@functools.cache
def _dutch_formatter() -> type:
    """The class of :func:`_dutch_ticks` (matplotlib is imported when a chart is drawn)."""
    from matplotlib.ticker import Formatter

    class DutchMarks(Formatter):
        """A tick formatter writing the numbers of another with a decimal comma and a
        point between thousands (``1.050``, ``14,5``)."""

        def __init__(self, inner) -> None:
            self.inner = inner

        def set_axis(self, axis) -> None:
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def set_locs(self, locs) -> None:
            self.inner.set_locs(locs)

        def __call__(self, x, pos=None) -> str:
            return str(self.inner(x, pos)).translate(_NL_MARKS)

        def format_ticks(self, values) -> list[str]:
            return [str(t).translate(_NL_MARKS) for t in self.inner.format_ticks(values)]

        def get_offset(self) -> str:
            return str(self.inner.get_offset()).translate(_NL_MARKS)

        def format_data_short(self, value) -> str:
            return str(self.inner.format_data_short(value)).translate(_NL_MARKS)

    return DutchMarks


def _dutch_ticks(*axes) -> None:
    """Dutch numbers on the tick labels of the (numeric) ``axes``: each axis keeps its
    formatter, whose text gets a decimal comma; an axis shared with one already done (they
    share the formatter) is left alone."""
    marks = _dutch_formatter()
    for axis in axes:
        current = axis.get_major_formatter()
        if not isinstance(current, marks):
            axis.set_major_formatter(marks(current))


#: The published series' titles in Dutch (English: :data:`nldtib_forecast.plotting.
#: INDICATOR_LABELS`), and the legend entries :func:`plot_published_series` writes itself.
_PUBLISHED_TITLES_NL = {"ds_turnover_eur": "D&S-omzet",
                        "export_share": "Exportaandeel van de D&S-omzet"}
_PUBLISHED_LEGEND_NL = {"Approximate": "Bij benadering",
                        "Average over a period": "Gemiddelde over een periode"}


def _published_png(published, indicator: str, estimates: pd.Series, label: str,
                   lang: str = "en") -> bytes:
    from nldtib_forecast import plotting

    fig = _figure(8.0, 4.2)
    ax = fig.add_subplot()
    if lang != "nl":
        plotting.plot_published_series(published, indicator, ax=ax, estimates=estimates,
                                       estimates_label=_label(label[:1].upper() + label[1:]),
                                       label="Published", break_label="Trend break")
        ax.set_xlabel("Year")
        return _png(fig)
    title = _PUBLISHED_TITLES_NL.get(indicator) or _label(indicator, 60, lang)
    plotting.plot_published_series(published, indicator, ax=ax, estimates=estimates,
                                   estimates_label=label[:1].upper() + label[1:],
                                   label="Gepubliceerd", break_label="Trendbreuk",
                                   title=title)
    ax.set_xlabel("Jaar")
    unit = str(published.loc[published["indicator"] == indicator, "unit"].iloc[0]) \
        if "unit" in published else ""
    ax.set_ylabel(_unit_axis(unit, lang) if unit else "")
    _dutch_ticks(ax.yaxis)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles, [_PUBLISHED_LEGEND_NL.get(n, n) for n in names], loc="best",
              frameon=False)
    return _png(fig)


#: The captions of the charts of a report (and the legend entry of the survey's estimates),
#: in English and Dutch.
_CAPTIONS: dict[str, dict[str, str]] = {
    "en": {
        "who_synthetic": "synthetic survey, weighted", "who_survey": "survey, weighted",
        "policy_effects": "What each policy adds to D&S turnover (constant {base} prices, "
                          "EUR bn) over {reference}, per future, in {years}: median and "
                          "{level} interval of the draw-by-draw difference",
        "ds_turnover": "D&S-related turnover: published series with trend breaks, and the "
                       "survey's weighted estimate",
        "export_share": "Export share of D&S turnover: published series with trend breaks, "
                        "and the survey's weighted estimate",
        "waterfall": "D&S turnover growth {first}-{last}: price, volume and net entry "
                     "(survey-weighted, 95% bootstrap intervals); each bar is a contribution "
                     "to nominal growth, exits negative (the turnover of firms that left), as "
                     "in the table"},
    "nl": {
        "who_synthetic": "synthetische enquête, gewogen", "who_survey": "enquête, gewogen",
        "policy_effects": "Wat elke beleidsvariant toevoegt aan de D&S-omzet (constante "
                          "prijzen van {base}, mld. euro) ten opzichte van {reference}, per "
                          "omgevingsscenario, in {years}: mediaan en {level}-interval van het "
                          "verschil, per trekking berekend",
        "ds_turnover": "D&S-omzet: de gepubliceerde reeks met trendbreuken en de gewogen "
                       "schatting uit de enquête",
        "export_share": "Exportaandeel van de D&S-omzet: de gepubliceerde reeks met "
                        "trendbreuken en de gewogen schatting uit de enquête",
        "waterfall": "Groei van de D&S-omzet {first}-{last}: prijs, volume en netto "
                     "toetreding (gewogen enquêteschatting, 95%-bootstrapintervallen); elke "
                     "staaf is een bijdrage aan de nominale groei, uittreders negatief (de "
                     "omzet van bedrijven die de NLDTIB hebben verlaten), zoals in de tabel"},
}


def fan_scenarios(result) -> list[str]:
    """The scenarios drawn in the fan charts: with a policies x futures grid, the reference
    policy and ``improved_conditions`` (or the next policy) in every future, one panel per
    future; else up to six scenarios, one panel each."""
    if not result.futures:
        return list(result.scenarios[:_MAX_PANELS])
    policies = [REFERENCE_POLICY] + [p for p in ("improved_conditions", *result.policies)
                                     if p != REFERENCE_POLICY][:1]
    return [s for f in result.futures for p in policies if (s := f"{f}/{p}")
            in result.scenarios]


def _panels(n: int) -> tuple[int, int]:
    cols = 1 if n == 1 else 2 if n <= 4 else 3
    return -(-n // cols), cols


def _fan_png(result, variable: str, lang: str = "en",
             frame: dict | None = None) -> tuple[bytes, str]:
    """Small multiples of one variable, on shared axes: with a grid one panel per future
    (the reference policy as a fan, the other policy as its median and 80% interval in
    lines), else one panel per scenario (the first scenario's median repeated in grey).
    The chart and its caption are in ``lang``.

    ``frame`` (a dict, empty at first) keeps the figure between the charts of one result
    (:func:`fan_charts`): its panels, with their titles, ticks and text measures, are drawn
    again with the next variable after :func:`_clear_panels`, instead of built anew."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from nldtib_forecast.simulation.fanchart import band_alphas

    shown = fan_scenarios(result)
    grid = bool(result.futures)
    panels = list(dict.fromkeys(s.split("/", 1)[0] for s in shown)) if grid else shown
    rows, cols = _panels(len(panels))
    key = (id(result), tuple(panels), lang)
    if frame and frame.get("key") == key:
        fig, grid_axes = frame["fig"], frame["axes"]
        _clear_panels(fig, grid_axes)
    else:
        fig = _figure(10.0 if cols > 1 else 8.0, 2.9 * rows + 1.0, layout=None)
        grid_axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
        for k in range(len(panels), rows * cols):
            grid_axes.flat[k].set_visible(False)
            grid_axes.flat[k - cols].xaxis.set_tick_params(labelbottom=True)  # above: years
        for k, ax in enumerate(grid_axes.flat[:len(panels)]):
            ax.grid(color="0.92")
            # no x label, and no y label right of the first column: their place (measured
            # at every draw from the tick labels) need not be looked for
            ax.xaxis.set_label_coords(0.5, 0.0)
            if k % cols:
                ax.yaxis.set_label_coords(0.0, 0.5)
        if frame is not None:
            frame.clear()
            frame.update(key=key, fig=fig, axes=grid_axes)
    axes = grid_axes.ravel()
    unit = result.units[variable]
    levels = (0.95, 0.8, 0.5)
    reference = [s for s in shown if s.endswith("/" + REFERENCE_POLICY)] if grid else shown[:1]
    other = [s for s in shown if s not in reference] if grid else []
    compared = other[0].split("/", 1)[1] if other else None
    first = result.quantiles(0.5, variable, shown[0])[0.5].to_numpy() if not grid else None
    years = result.years.to_numpy()
    for k, panel in enumerate(panels):
        ax = axes[k]
        fan = f"{panel}/{REFERENCE_POLICY}" if grid else panel
        result.plot(variable, scenarios=[fan], ax=ax, levels=levels,
                    title=_label(panel, _TICK_CHARS + 10, lang), legend=False)
        if grid and compared is not None and f"{panel}/{compared}" in result.scenarios:
            q = result.quantiles((0.1, 0.5, 0.9), variable, f"{panel}/{compared}")
            ax.plot(years, q[0.5].to_numpy(), color="C1", lw=2.0)
            for col in (0.1, 0.9):
                ax.plot(years, q[col].to_numpy(), color="C1", lw=1.0, ls="--")
        elif first is not None and k > 0:
            ax.plot(years, first, color="0.35", lw=1.2, ls=":")
        ax.set_xlabel("")
        ax.set_ylabel(_unit_axis(unit, lang) if k % cols == 0 else "")
        ax.title.set_fontsize("medium")
    stacked = band_alphas(np.linspace(0.15, 0.4, len(levels)))
    if lang == "nl":  # the y axis is shared by every panel: its formatter once
        if unit_kind(unit) == "count":  # whole numbers with a point between thousands
            from matplotlib.ticker import FuncFormatter

            axes[0].yaxis.set_major_formatter(
                FuncFormatter(lambda v, _pos: count(v, lang="nl")))
        else:
            _dutch_ticks(axes[0].yaxis)
        return _fan_legend_nl(fig, result, variable, unit, levels, stacked, grid, compared,
                              first is not None and len(panels) > 1, shown, grid_axes)
    who = _label(REFERENCE_POLICY) + ": " if grid else ""
    handles: list = [Line2D([], [], color="C0")]
    names = [f"{who}median" if who else "Median"]
    for lv, a in sorted(zip(levels, stacked, strict=True)):  # 50% first
        handles.append(Patch(facecolor="C0", alpha=a))
        names.append(f"{who}{round(lv * 100)}% interval")
    if compared is not None:
        handles += [Line2D([], [], color="C1", lw=2.0), Line2D([], [], color="C1", ls="--")]
        names += [f"{_label(compared)}: median", f"{_label(compared)}: 80% interval"]
    elif first is not None and len(panels) > 1:
        handles.append(Line2D([], [], color="0.35", ls=":"))
        names.append(f"{_label(shown[0])}: median")
    legend = fig.legend(handles, names, loc="lower center", ncols=3, frameon=False)
    title = _label(variable, 60)
    heading = fig.suptitle(title + (f", {_unit_axis(unit)}" if unit else ""), fontsize="large")
    _arrange(fig, grid_axes, legend, heading)
    what = (f"{title}: {_label(REFERENCE_POLICY)} (shaded: median and 50%, 80% and 95% "
            f"intervals)" + (f" and {_label(compared)} (lines: median and 80% interval)"
                             if compared else "") + ", one panel per future"
            if grid else f"{title}: median and 50%, 80% and 95% intervals, one panel per "
            "scenario" + ("" if len(panels) < 2 else
                          f"; dotted: the median of {_label(shown[0])}"))
    return _png(fig), what + "; all panels on the same scale."


def _fan_legend_nl(fig, result, variable: str, unit: str, levels, stacked, grid: bool,
                   compared: str | None, dotted: bool, shown: list[str],
                   grid_axes) -> tuple[bytes, str]:
    """The legend, title and caption of a fan chart in Dutch (:func:`_fan_png`)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from nldtib_forecast.report.html import _mid

    lang = "nl"
    reference = _label(REFERENCE_POLICY, lang=lang)
    who = reference + ": " if grid else ""
    handles: list = [Line2D([], [], color="C0")]
    names = [f"{who}mediaan" if who else "Mediaan"]
    for lv, a in sorted(zip(levels, stacked, strict=True)):  # 50% first
        handles.append(Patch(facecolor="C0", alpha=a))
        names.append(f"{who}{round(lv * 100)}%-interval")
    other = _label(compared, lang=lang) if compared is not None else ""
    if compared is not None:
        handles += [Line2D([], [], color="C1", lw=2.0), Line2D([], [], color="C1", ls="--")]
        names += [f"{other}: mediaan", f"{other}: 80%-interval"]
    elif dotted:
        handles.append(Line2D([], [], color="0.35", ls=":"))
        names.append(f"{_label(shown[0], lang=lang)}: mediaan")
    # the Dutch entries are longer: two columns fit the width of the chart
    legend = fig.legend(handles, names, loc="lower center", ncols=2, frameon=False)
    title = _label(variable, 60, lang)
    heading = fig.suptitle(title + (f", {_unit_axis(unit, lang)}" if unit else ""),
                           fontsize="large")
    _arrange(fig, grid_axes, legend, heading)
    bands = "50%-, 80%- en 95%-interval"
    if grid:
        what = (f"{title}: {_mid(reference, lang)} (gearceerd: mediaan en {bands})"
                + (f" en {_mid(other, lang)} (lijnen: mediaan en 80%-interval)"
                   if compared else "") + ", één paneel per omgevingsscenario")
    else:
        what = (f"{title}: mediaan en {bands}, één paneel per scenario"
                + (f"; gestippeld: de mediaan van {_mid(_label(shown[0], lang=lang), lang)}"
                   if dotted else ""))
    return _png(fig), what + "; alle panelen op dezelfde schaal."


def fan_charts(results: Mapping, lang: str = "en") -> dict[str, tuple[bytes, str]]:
    """``fan_<model>_<variable>.png`` -> (PNG bytes, caption) for every key variable, in
    ``lang`` (the charts of one result drawn in one figure, one after the other)."""
    out = {}
    for model, result in results.items():
        frame: dict = {}
        for var in key_variables(model, result):
            out[f"fan_{model}_{var}.png"] = _fan_png(result, var, lang, frame)
    return out


def _clear_panels(fig, axes) -> None:
    """The panels of a fan chart (:func:`_fan_png`) as before their first variable: without
    its bands and lines (and their data limits), the figure's legend and the y axis's tick
    formatter, and with the default margins (where :func:`_arrange` measures them; the
    number of y ticks depends on a panel's height). What stays: the panels, their titles,
    grid and tick settings, and the Tick objects (the costly part of a new figure)."""
    import matplotlib as mpl
    from matplotlib.ticker import ScalarFormatter

    rc = mpl.rcParams
    fig.subplots_adjust(left=rc["figure.subplot.left"], right=rc["figure.subplot.right"],
                        bottom=rc["figure.subplot.bottom"], top=rc["figure.subplot.top"],
                        wspace=rc["figure.subplot.wspace"], hspace=rc["figure.subplot.hspace"])
    for legend in list(fig.legends):
        legend.remove()
    for ax in axes.flat:
        for artist in (*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images):
            artist.remove()
        ax.relim()  # no data
        ax._autotitlepos = None  # the title's place found at draws again (_fix_titles)
    axes.flat[0].yaxis.set_major_formatter(ScalarFormatter())  # shared by every panel


def _policy_effects_png(effects: pd.DataFrame, variable: str, lang: str = "en") -> bytes:
    """One panel per future: each policy's effect on ``variable`` in the summary years, with
    the interval as an error bar; all panels on one scale; in ``lang``."""
    sub = effects[effects["variable"] == variable]
    futures = list(dict.fromkeys(sub["future"]))
    years = sorted(sub["year"].unique())
    rows, cols = _panels(len(futures))
    fig = _figure(10.0 if cols > 1 else 7.0, 2.7 * rows + 1.0, layout=None)
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    in_eur = unit_kind(sub["unit"].iloc[0]) == "eur"
    scale = BILLION if in_eur else 1.0
    for k, future in enumerate(futures):
        ax = axes[k // cols][k % cols]
        part = sub[sub["future"] == future]
        policies = list(dict.fromkeys(part["policy"]))
        y = np.arange(len(policies), dtype=float)
        for j, year in enumerate(years):
            pts = part[part["year"] == year].set_index("policy").loc[policies]
            off = (j - (len(years) - 1) / 2) * 0.3
            ax.errorbar(pts["median"] / scale, y + off,
                        xerr=[(pts["median"] - pts["lower"]) / scale,
                              (pts["upper"] - pts["median"]) / scale],
                        fmt="o", ms=5, capsize=3, color=f"C{j}", label=str(year))
        ax.axvline(0.0, color="0.5", lw=0.8)
        ax.set_yticks(y, [_label(p, _TICK_CHARS, lang) for p in policies])
        ax.set_title(_label(future, _TICK_CHARS + 10, lang), fontsize="medium")
        ax.grid(axis="x", color="0.9")
    axes[0][0].invert_yaxis()  # shared: once
    unit = _unit_axis("EUR", lang) if in_eur else _unit_axis(str(sub["unit"].iloc[0]), lang)
    xlabel = (f"Verschil met {_label(REFERENCE_POLICY, lang=lang).lower()}, {unit}"
              if lang == "nl" else f"More than {_label(REFERENCE_POLICY).lower()}, {unit}")
    for k in range(len(futures), rows * cols):
        axes[k // cols][k % cols].set_visible(False)
        above = axes[k // cols - 1][k % cols]
        above.xaxis.set_tick_params(labelbottom=True)
        above.set_xlabel(xlabel)
    for ax in axes[-1]:

        ax.set_xlabel(xlabel)
    handles, names = axes[0][0].get_legend_handles_labels()
    level = percent(SUMMARY_LEVEL, decimals=0)
    if lang == "nl":
        _dutch_ticks(axes[0][0].xaxis)  # shared by every panel
        names = [f"{n}: mediaan en {level}-interval" for n in names]
    else:
        names = [f"{n}: median and {level} interval" for n in names]
    legend = fig.legend(handles, names, loc="lower center", ncols=len(names), frameon=False)
    _arrange(fig, axes, legend)
    return _png(fig)


# --------------------------------------------------------------------------------- writing
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _versions() -> dict[str, str]:
    import matplotlib

    return {"python": platform.python_version(), "numpy": np.__version__,
            "pandas": pd.__version__, "matplotlib": matplotlib.__version__}


def build_report(directory: Path, spec: RunSpec) -> list[str]:
    """Write every file of a run into ``directory`` (which exists and is empty)."""
    from nldtib_forecast import data
    from nldtib_forecast.scenarios import drivers
    from nldtib_forecast.simulation.results import data_hash

    clock = time.perf_counter
    t0 = clock()
    results = _run_models(spec.survey, spec.scenarios, spec.horizon, spec.n_draws, spec.seed,
                          spec.n_jobs, spec.progress, spec.policies, spec.futures, spec.steps)
    spec.timing["models"] = clock() - t0

    t0 = clock()
    spec.steps("estimating the survey's headline figures and the turnover decomposition, "
               "checking disclosure")
    survey = spec.survey
    notes: list[str] = []
    published = data.load_published()
    audit = data.audit_published()
    summary, headline, decomposition = _survey_tables(spec, notes)
    if spec.population_file is not None:  # say where the weights came from
        summary["data"] = (f"survey, weighted from the frame counts "
                           f"{Path(spec.population_file).name}")
    # every additive figure published from the microdata, audited together: the report is
    # not written when a suppressed figure could be recovered from the others
    from nldtib_forecast.report.audit import disclosure_audit, summary_tables

    spec.disclosure = disclosure_audit(summary_tables(summary, headline))
    tables: dict[str, pd.DataFrame] = {}
    effects = policy_effects_table(results, EFFECT_VARIABLES, REFERENCE_POLICY)
    if effects is not None:
        tables["policy_effects"] = effects
        tables["constraints"] = constraints_table(results)
    tables |= {
        "summary": summary_table(results),
        "results": results_table(results),
        "scenarios": scenario_table(spec.scenarios),
        "drivers": drivers().reset_index(),
        "models": models_table(results),
        "priors": priors_table(results),
        "survey_summary": summary,
    }
    if headline is not None:
        tables["headline"] = headline
    if decomposition is not None:
        tables["decomposition"] = decomposition[0]
    tables |= {"published": published, "audit": audit, "sources": data.load_sources()}
    spec.timing["tables"] = clock() - t0

    t0 = clock()
    spec.steps("drawing the charts")
    from nldtib_forecast.report.html import scenario_labels

    with scenario_labels(spec.scenarios):  # a user's scenarios by their own labels
        figures, waterfall_year = _draw_figures(spec, results, effects, published, summary,
                                                decomposition, notes)
    spec.timing["figures"] = clock() - t0

    t0 = clock()
    csv_names = {"policy_effects": "policy_effects.csv", "constraints": "constraints.csv",
                 "summary": "summary.csv", "results": "results.csv",
                 "scenarios": "scenario_definitions.csv", "drivers": "drivers.csv",
                 "survey_summary": "survey_summary.csv", "headline": "headline.csv",
                 "decomposition": "decomposition.csv", "published": "published.csv",
                 "audit": "audit.csv"}
    spec.steps("writing the tables, the workbook and the HTML page")
    for key, name in csv_names.items():  # with the columns 'level' and 'data' (synthetic?)
        if key in tables:
            write_table(csv_table(key, tables[key], synthetic=spec.synthetic), directory / name)
    t1 = clock()
    # the CSV files keep their English texts (for programs); people read them in --lang
    shown = localized_tables(tables, results, spec.scenarios, spec.lang)
    sheets = workbook_sheets(shown, results, synthetic=spec.synthetic, lang=spec.lang,
                             seed=spec.seed if spec.survey_file is None else None,
                             scenarios=spec.scenarios)
    write_workbook([cover_sheet(spec, sheets, results, lang=spec.lang), *sheets],
                   directory / "nldtib_report.xlsx")
    spec.timing["workbook"] = clock() - t1
    for name, (png, _caption) in figures.items():
        (directory / name).write_bytes(png)
    (directory / "scenarios.toml").write_text(spec.scenario_text, encoding="utf-8",
                                              newline="\n")
    spec.timing["write_tables"] = clock() - t0

    t0 = clock()
    from nldtib_forecast.report.html import render_html

    hashes = {"survey": data_hash(survey), "published": data_hash(published)}
    html = render_html(spec=spec, results=results, tables=tables, figures=figures,
                       notes=notes, waterfall_year=waterfall_year, hashes=hashes,
                       lang=spec.lang)
    (directory / "nldtib_report.html").write_text(html, encoding="utf-8", newline="\n")
    spec.timing["html"] = clock() - t0

    descriptions = _file_descriptions(spec, tables, csv_names, figures)
    _write_readme(directory, spec, descriptions, audit, notes)
    files = sorted(descriptions)
    manifest = _manifest(directory, spec, results, files, descriptions, hashes)
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (directory / "manifest.json").write_text(text, encoding="utf-8", newline="\n")
    return [*files, "manifest.json", "timing.json"]


#: The survey tables of the synthetic survey by seed (:func:`_survey_tables`), computed once per
#: process: the synthetic survey of a seed is always the same (its sample is cached too).
_SYNTHETIC_TABLES: dict[int, tuple] = {}


def _survey_tables(spec: RunSpec, notes: list[str]) -> tuple:
    """The survey summary, the headline figures and the turnover decomposition of the run's
    survey (each with the notes of a table that could not be computed, see :func:`_safe`):
    ``(summary, headline or None, (table, decomposition) or None)``, copies of tables that
    are computed once per process for the synthetic survey of a seed (the four tables take
    about 0.8 s of CPU; the Dutch report, the explorer's report and a rerun need them
    again), and afresh for a survey file."""
    from nldtib_forecast.survey import headline_figures

    survey, seed = spec.survey, spec.seed
    synthetic = spec.survey_file is None
    if not synthetic or seed not in _SYNTHETIC_TABLES:
        own: list[str] = []
        summary = survey_summary(survey, seed=seed if synthetic else None)
        headline = _safe(lambda: headline_figures(survey, seed=seed), own, "headline figures")
        decomposition = _safe(lambda: decomposition_table(survey, seed), own,
                              "turnover decomposition")
        tables = (summary, headline, decomposition, tuple(own))
        if not synthetic:
            notes.extend(own)
            return summary, headline, decomposition
        if len(_SYNTHETIC_TABLES) >= 4:  # a few seeds at most
            _SYNTHETIC_TABLES.pop(next(iter(_SYNTHETIC_TABLES)))
        _SYNTHETIC_TABLES[seed] = tables
    summary, headline, decomposition, own_notes = _SYNTHETIC_TABLES[seed]
    notes.extend(own_notes)
    return (summary.copy(), None if headline is None else headline.copy(),
            None if decomposition is None else (decomposition[0].copy(), decomposition[1]))


def _draw_figures(spec: RunSpec, results: Mapping, effects: pd.DataFrame | None,
                  published: pd.DataFrame, summary: pd.DataFrame, decomposition,
                  notes: list[str]) -> tuple[dict[str, tuple[bytes, str]], int | None]:
    """The charts of the report with their captions, in the run's language, and the year of
    the turnover waterfall (None when it is not drawn; a note says why)."""
    import gc

    # matplotlib makes many objects with reference cycles, so the cyclic garbage collector
    # runs often while the charts are drawn, and each full run goes through every object of
    # the process (the models' results, pandas, ...): it is paused until the charts are drawn
    # (their garbage is collected by its next run), which saves about a tenth of their time.
    # (Not gc.freeze: gc.get_freeze_count walks every frozen object, and unfreeze would
    # release objects a caller froze.)
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _draw_charts(spec, results, effects, published, summary, decomposition, notes)
    finally:
        if paused:
            gc.enable()


def _draw_charts(spec: RunSpec, results: Mapping, effects: pd.DataFrame | None,
                 published: pd.DataFrame, summary: pd.DataFrame, decomposition,
                 notes: list[str]) -> tuple[dict[str, tuple[bytes, str]], int | None]:
    """:func:`_draw_figures`, run with the cyclic garbage collector paused."""
    lang = spec.lang  # the charts and their captions: English or Dutch
    who = _CAPTIONS[lang]["who_synthetic" if spec.synthetic else "who_survey"] + (
        f" (seed {spec.seed})" if spec.survey_file is None else "")
    figures: dict[str, tuple[bytes, str]] = {}
    if effects is not None:
        effect_years = [str(y) for y in sorted(effects["year"].unique())]
        figures["policy_effects.png"] = (
            _policy_effects_png(effects, EFFECT_VARIABLES[0], lang),
            _CAPTIONS[lang]["policy_effects"].format(
                base=results["outlook"].years[0] - 1,
                reference=_label(REFERENCE_POLICY, lang=lang).lower(),
                years=(" en ".join(effect_years) if lang == "nl" else ", ".join(effect_years)),
                level=percent(SUMMARY_LEVEL, decimals=0, lang=lang)))
    figures |= {
        "ds_turnover.png": (_published_png(published, "ds_turnover_eur",
                                           summary["ds_turnover_eur"], who, lang),
                            _CAPTIONS[lang]["ds_turnover"]),
        "export_share.png": (_published_png(published, "export_share",
                                            summary["export_share"], who, lang),
                             _CAPTIONS[lang]["export_share"]),
    }
    figures |= fan_charts(results, lang)
    waterfall_year = None
    if decomposition is not None:
        table, dec = decomposition
        last = int(table.index[-1])
        if table.loc[last, "status"] == "publish":
            fig = _figure(8.0, 4.5)
            dec.plot(year=last, ax=fig.add_subplot(), lang=lang)
            figures[f"waterfall_{last}.png"] = (
                _png(fig), _CAPTIONS[lang]["waterfall"].format(first=last - 1, last=last))
            waterfall_year = last
        else:
            notes.append(f"turnover waterfall {last}: suppressed by the disclosure rules "
                         f"({table.loc[last, 'rule']})")
    return figures, waterfall_year


def write_timing(directory: Path, spec: RunSpec, total: float) -> None:
    """``timing.json``: durations in seconds; the only file that differs between runs."""
    timing = {"seconds": {k: round(v, 3) for k, v in spec.timing.items()} | {
        "total": round(total, 3)}, "n_jobs": spec.n_jobs,
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (directory / "timing.json").write_text(json.dumps(timing, indent=2, sort_keys=True) + "\n",
                                           encoding="utf-8", newline="\n")


def _file_descriptions(spec: RunSpec, tables, csv_names, figures) -> dict[str, str]:
    if spec.lang == "nl":
        return _file_descriptions_nl(spec, tables, csv_names, figures)
    syn = " (synthetic data)" if spec.synthetic else ""
    text = {
        "policy_effects": "what each policy adds over current conditions, per future, variable "
                          "and year (2030, 2035): median, 90% interval and share of draws "
                          "with a gain, of the draw-by-draw difference",
        "constraints": "which constraint (demand or capacity) limits turnover in which years, "
                       "per scenario, in words",
        "summary": "median and 90% interval in 2030 and 2035, per model, scenario and variable",
        "results": "all results, tidy: one row per model, scenario, year, variable and "
                   "statistic (mean, std, quantiles over the Monte Carlo draws)",
        "scenarios": "the scenarios run: every driver each sets, with its path and default",
        "drivers": "driver registry: unit, valid range, default, improved level and source",
        "survey_summary": "design-based survey estimates per year with 95% intervals and "
                          "disclosure status" + syn,
        "headline": "the 2026 letter's survey figures recomputed from the survey, with 95% "
                    "intervals, published values and disclosure status" + syn,
        "decomposition": "D&S turnover growth split into price, volume and net entry per "
                         "year, disclosure-checked" + syn,
        "published": "published NLDTIB figures, one row per indicator, year and edition",
        "audit": "arithmetic audit of the published figures",
    }
    out = {name: text[key] for key, name in csv_names.items() if key in tables}
    out["nldtib_report.xlsx"] = ("for people: a cover sheet (what this is, the data used, how "
                                 "to reproduce), then one formatted sheet per table: "
                                 + ", ".join(tables) + " (results: median and interval per "
                                 "year; every statistic is in results.csv)")
    out["nldtib_report.html"] = "self-contained report (open in a browser): summary, charts, " \
                                "scenarios, assumptions, data sources"
    out["scenarios.toml"] = ("the scenario file run (its exact contents)" if spec.scenario_file
                             else "the built-in scenarios run, as a scenario file")
    out |= {name: caption for name, (_png_bytes, caption) in figures.items()}
    out["README.txt"] = "this description"
    return out


def _file_descriptions_nl(spec: RunSpec, tables, csv_names, figures) -> dict[str, str]:
    """The files of a Dutch run (``--lang nl``) in Dutch (:func:`_file_descriptions`)."""
    syn = " (synthetische gegevens)" if spec.synthetic else ""
    text = {
        "policy_effects": "wat elke beleidsvariant toevoegt ten opzichte van de huidige "
                          "omstandigheden, per omgevingsscenario, grootheid en jaar (2030, 2035): "
                          "mediaan, 90%-interval en aandeel trekkingen met winst, van het "
                          "verschil per trekking",
        "constraints": "welke beperking (vraag of capaciteit) de omzet in welke jaren begrenst, "
                       "per scenario, in woorden (Engels)",
        "summary": "mediaan en 90%-interval in 2030 en 2035, per model, scenario en grootheid",
        "results": "alle resultaten, één regel per model, scenario, jaar, grootheid en "
                   "statistiek (gemiddelde, standaardafwijking, kwantielen van de trekkingen)",
        "scenarios": "de doorgerekende scenario's: elke factor die een scenario vastlegt, met "
                     "pad en standaardwaarde",
        "drivers": "register van factoren: eenheid, toegestaan bereik, standaardwaarde, "
                   "verbeterd niveau en bron",
        "survey_summary": "schattingen per jaar volgens het steekproefontwerp, met "
                          "95%-intervallen en status voor onthullingsbeheersing" + syn,
        "headline": "de enquêtecijfers uit de Kamerbrief van 2026 opnieuw berekend, met "
                    "95%-intervallen, gepubliceerde waarden en status" + syn,
        "decomposition": "groei van de D&S-omzet gesplitst in prijs, volume en netto "
                         "toetreding per jaar, getoetst op onthulling" + syn,
        "published": "gepubliceerde NLDTIB-cijfers, één regel per indicator, jaar en editie",
        "audit": "rekenkundige controle van de gepubliceerde cijfers: per controle een code "
                 "van de bevinding en een toelichting in het Engels (in het werkboek in het "
                 "Nederlands)",
    }
    out = {name: text[key] for key, name in csv_names.items() if key in tables}
    out["nldtib_report.xlsx"] = ("voor lezers: een voorblad (wat dit is, de gebruikte gegevens, "
                                 "hoe u de berekening herhaalt), dan één opgemaakt blad per "
                                 "tabel: " + ", ".join(tables) + " (results: mediaan en "
                                 "interval per jaar; alle statistieken staan in results.csv)")
    out["nldtib_report.html"] = ("het rapport in één bestand (open het in een browser): "
                                 "samenvatting, grafieken, scenario's, aannames, bronnen")
    out["scenarios.toml"] = ("het doorgerekende scenariobestand (de exacte inhoud)"
                             if spec.scenario_file
                             else "de ingebouwde scenario's, als scenariobestand")
    out |= {name: caption for name, (_png_bytes, caption) in figures.items()}
    out["README.txt"] = "deze beschrijving"
    return out


def _readme_nl(spec: RunSpec, descriptions, audit, notes) -> list[str]:
    """The lines of README.txt of a Dutch run (``--lang nl``)."""
    n_bad = int((audit["status"] == "inconsistent").sum()) if "status" in audit else 0
    lines = [f"nldtib_forecast {__version__} {spec.command}", "",
             f"Herhalen met: {spec.command_line()}",
             f"Seed: {spec.seed}; Monte-Carlotrekkingen per scenario: {spec.n_draws}",
             f"Scenario's: {', '.join(spec.scenarios)}", ""]
    if spec.synthetic:
        lines += ["De enquêtegegevens in dit rapport zijn SYNTHETISCH: een panel van bedrijven",
                  "afgestemd op de gepubliceerde NLDTIB-cijfers, niet de vertrouwelijke",
                  "enquêtegegevens. De modeluitkomsten illustreren de methode; het zijn geen",
                  "ramingen."]
    else:
        lines += [f"Enquêtegegevens: {Path(spec.survey_file or '').name}. Tabellen uit de "
                  "microdata voldoen aan", "de standaardregels voor onthullingsbeheersing "
                  "(onderdrukte cijfers zijn leeg, met", "hun status); de microdata zelf worden "
                  "niet weggeschreven."]
        w = spec.weights_source()
        if w["source"] == "frame counts":
            how = "responsgroepen" if w["method"] == "cells" else "een responsmodel"
            lines += [f"Gewichten: uit de populatietellingen {w['file']} ({how} naar "
                      f"{', '.join(w['by'])};",
                      f"{count(w['responding_firms'], lang='nl')} van de "
                      f"{count(w['frame_firms'], lang='nl')} bedrijven in het kader hebben "
                      f"gerespondeerd; {w['strata']} responsgroepen zijn de strata)"
                      + ("; de eigen gewichten van het bestand zijn vervangen." if
                         w["replaced_file_weights"] else ".")]
        else:
            lines += ["Gewichten: de eigen kolommen weight en stratum van het bestand."]
    if spec.disclosure is not None:
        d = spec.disclosure
        lines += [f"Onthullingsbeheersing: {d['additive_tables']} gepubliceerde optelbare "
                  f"cijfer(s) uit de microdata samen", f"gecontroleerd; {d['suppressed_cells']} "
                  "onderdrukt, geen enkele af te leiden uit de andere (manifest.json,",
                  "'disclosure')."]
    lines += [f"De controle vindt {n_bad} inconsistente gepubliceerde cijfer(s); zie audit.csv.",
              "Trendbreuken (bijvoorbeeld tussen 2017 en 2019) staan in de grafieken; reeksen",
              "zijn over een trendbreuk heen niet vergelijkbaar."]
    lines += [f"Opmerking: {n}" for n in notes]
    lines += ["", "CSV-bestanden: één tabel per bestand, met de codes als kolomnamen, voor "
              "verdere", "verwerking. De tabellen uit de enquête hebben als laatste kolom "
              "'data':", f"'{data_label(True)}' voor de synthetische enquête, "
              f"'{data_label(False)}' voor een enquêtebestand;", "tabellen met intervallen "
              "hebben een kolom 'level' (0.9: lower en upper zijn het 5%- en",
              "95%-kwantiel). Getallen in de CSV-bestanden hebben een decimale punt.",
              "Werkmap: bedragen in euro, getoond in miljarden euro; aandelen als "
              "percentages; elk", "blad heeft een titel, wat het bevat en (synthetische "
              "gegevens) de waarschuwing boven de", f"tabel, waarvan de kop in rij "
              f"{HEADER_ROW} staat (pandas.read_excel(..., header={HEADER_ROW - 1})).",
              "", "Bestanden:"]
    lines += [f"  {name:<34} {text}" for name, text in sorted(descriptions.items())]
    lines += [f"  {'manifest.json':<34} alles om de run te herhalen: versie, seed, trekkingen,",
              f"  {'':<34} scenariobestand, kenmerken van de invoer, controlegetallen",
              f"  {'timing.json':<34} hoe lang elke stap duurde (verschilt per run)", ""]
    return lines


def _write_readme(directory: Path, spec: RunSpec, descriptions, audit, notes) -> None:
    if spec.lang == "nl":
        text = "\n".join(_readme_nl(spec, descriptions, audit, notes))
        (directory / "README.txt").write_text(text, encoding="utf-8", newline="\n")
        return
    n_bad = int((audit["status"] == "inconsistent").sum()) if "status" in audit else 0
    lines = [f"nldtib_forecast {__version__} {spec.command}", "",
             f"Reproduce with: {spec.command_line()}",
             f"Seed: {spec.seed}; Monte Carlo draws per scenario: {spec.n_draws}",
             f"Scenarios: {', '.join(spec.scenarios)}", ""]
    if spec.synthetic:
        lines += ["The survey data in this report are SYNTHETIC: a firm-level panel calibrated "
                  "to the", "published NLDTIB figures, not the confidential survey microdata.",
                  "Model results computed from them are illustrations, not estimates."]
    else:
        lines += [f"Survey data: {Path(spec.survey_file or '').name}. Tables from the "
                  "microdata pass the", "default disclosure rules (suppressed figures are "
                  "empty, with their status); the", "microdata themselves are not written."]
        w = spec.weights_source()
        if w["source"] == "frame counts":
            how = ("response homogeneity groups" if w["method"] == "cells"
                   else "a response propensity model")
            lines += [f"Weights: from the frame counts {w['file']} ({how} by "
                      f"{', '.join(w['by'])};",
                      f"{count(w['responding_firms'])} of {count(w['frame_firms'])} frame firms "
                      f"responded; {w['strata']} response groups are the strata)"
                      + ("; the file's own weights were replaced." if
                         w["replaced_file_weights"] else ".")]
        else:
            lines += ["Weights: the file's own weight and stratum columns."]
    if spec.disclosure is not None:
        d = spec.disclosure
        lines += [f"Disclosure: {d['additive_tables']} published additive figure(s) from the "
                  f"microdata audited together; {d['suppressed_cells']} suppressed, none",
                  "recoverable from the others (manifest.json, 'disclosure')."]
    lines += [f"The audit finds {n_bad} inconsistent published figure(s); see audit.csv.",
              "Trend breaks (e.g. between 2017 and 2019) are marked in the plots; series are",
              "not comparable across them."]
    lines += [f"Note: {n}" for n in notes]
    lines += ["", "CSV files: one table each, with the identifiers as column names, for machines."
              " The", "tables computed from the survey have a last column 'data' saying which "
              "data:", f"'{data_label(True)}' for the synthetic survey, '{data_label(False)}' "
              "for a survey file (pandas.read_csv", "reads every file as it is); those with "
              "intervals have a column 'level': lower and", "upper bound the central interval "
              "of that level (0.9: the 5% and 95% quantiles).",
              "Workbook: amounts are stored in EUR and shown in EUR bn, fractions as "
              "percentages;", "each sheet has its title, what it holds and (synthetic data) "
              "the caveat above the", f"table, whose header is in row {HEADER_ROW} "
              f"(pandas.read_excel(..., header={HEADER_ROW - 1})); lower (5%) and",
              "upper (95%) bound the central 90% interval of the draws."]
    lines += ["", "Files:"]
    lines += [f"  {name:<34} {text}" for name, text in sorted(descriptions.items())]
    lines += [f"  {'manifest.json':<34} everything needed to reproduce the run: version, seed,",
              f"  {'':<34} draws, scenario file, input data hashes, file checksums",
              f"  {'timing.json':<34} how long each step took (differs between runs)", ""]
    (directory / "README.txt").write_text("\n".join(lines), encoding="utf-8", newline="\n")


def _default_rules() -> str:
    from nldtib_forecast.survey import DisclosureRules

    return DisclosureRules().describe()


def _manifest(directory: Path, spec: RunSpec, results, files, descriptions, hashes) -> dict:
    survey = {"source": "file" if spec.survey_file else "synthetic",
              "synthetic": spec.synthetic, "data_hash": hashes["survey"],
              "rows": int(len(spec.survey))}
    if spec.survey_file:
        survey |= {"file": Path(spec.survey_file).name, "sha256": spec.survey_sha256}
    else:
        survey |= {"seed": spec.seed}
    survey["weights"] = spec.weights_source()
    return {
        "library": "nldtib_forecast",
        "version": __version__,
        "command": spec.command,
        "reproduce": spec.command_line(),
        "seed": spec.seed,
        "n_draws": spec.n_draws,
        "horizon": spec.horizon,
        "synthetic_survey": spec.synthetic,
        "scenarios": list(spec.scenarios),
        "scenario_file": {
            "name": Path(spec.scenario_file).name if spec.scenario_file else None,
            "sha256": _sha(spec.scenario_text.encode("utf-8")),
            "contents": spec.scenario_text},
        "inputs": {"survey": survey, "published_data_hash": hashes["published"]},
        "disclosure": ({"rules": _default_rules(), **spec.disclosure}
                       if spec.disclosure is not None else None),
        "models": {m: {"method": r.metadata.method, "created_by": r.metadata.created_by,
                       "data_hash": r.metadata.data_hash, "seed": str(r.metadata.seed),
                       "n_draws": r.metadata.n_draws, "block_size": r.metadata.block_size,
                       "intervals_include": r.metadata.interval_contents}
                   for m, r in results.items()},
        "environment": _versions(),
        "timing": "timing.json (durations; not part of the reproducible output)",
        "files": [{"name": name, "description": descriptions[name],
                   "bytes": (directory / name).stat().st_size,
                   "sha256": _sha((directory / name).read_bytes())} for name in files],
    }
