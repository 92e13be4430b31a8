"""What the explorer computes: the comparison of a setting, and its report.

:func:`load_inputs` reads the survey as ``nldtib-forecast run --survey FILE --population
COUNTS`` does (the same checks and messages); :func:`compare` simulates one future under the
setting's policy and current conditions with the outlook
(:meth:`~nldtib_forecast.models.outlook.Outlook.simulate`, the same call and random numbers as
``run``) and summarises it as the app shows it: the fan chart quantiles of turnover, capacity
and demand, the policy effects against current conditions
(:meth:`~nldtib_forecast.results.ScenarioResult.policy_effects`), the key figures in 2030 and
2035 (:func:`~nldtib_forecast.models.outlook.summary_table`) and the sentence on which
constraint binds when (:func:`~nldtib_forecast.models.outlook.binding_constraints`).
:func:`write_report` writes the files of ``nldtib-forecast run`` for the setting.
"""

from __future__ import annotations

import functools
import tempfile
import time
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, error_text
from nldtib_forecast._format import eur, format_value, percent, percentage_points, unit_kind
from nldtib_forecast.explore.setting import REFERENCE_POLICY, Setting, save_setting
from nldtib_forecast.labels import GRID_SEPARATOR, label
from nldtib_forecast.models.outlook import Outlook, binding_constraints, summary_table
from nldtib_forecast.report.run import EFFECT_VARIABLES, HORIZON
from nldtib_forecast.report.tables import SUMMARY_LEVEL, SUMMARY_YEARS
from nldtib_forecast.results import ScenarioResult
from nldtib_forecast.scenarios import policies

__all__ = ["Inputs", "Comparison", "load_inputs", "compare", "write_report", "FAN_VARIABLES",
           "KEY_FIGURES", "FAN_QUANTILES", "error_text"]

#: Variables of the fan charts: turnover (constant prices), capacity and demand.
FAN_VARIABLES: tuple[str, ...] = ("turnover_real_eur", "capacity_eur", "demand_eur")
#: Variables of the key figures table, in its order.
KEY_FIGURES: tuple[str, ...] = ("turnover_real_eur", "turnover_nominal_eur", "capacity_eur",
                                "demand_eur", "export_share", "fte_required")
#: Quantile levels of the fan charts: the 95%, 80% and 50% bands and the median.
FAN_QUANTILES: tuple[float, ...] = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)


# --------------------------------------------------------------------------------- inputs
@functools.lru_cache(maxsize=4)
def _synthetic_outlook(seed: int) -> Outlook:
    """The outlook calibrated on the synthetic survey of ``seed`` (as ``run`` does)."""
    from nldtib_forecast.data import synthetic_survey

    return Outlook.from_survey(synthetic_survey(seed=seed))


@dataclass(frozen=True, eq=False)
class Inputs:
    """The survey the explorer's outlook is calibrated on.

    Parameters
    ----------
    survey_file : str or None
        The survey file (``--survey``), None for the embedded synthetic survey.
    population_file : str or None
        The frame counts the survey file was weighted from (``--population``).
    outlook : Outlook or None
        The outlook calibrated on the survey file; None for the synthetic survey, whose
        outlook depends on the seed (:meth:`outlook_for`).
    synthetic : bool, default True
        Whether the survey data are synthetic (the synthetic survey, or a file that says
        so in its ``data`` column).

    See Also
    --------
    load_inputs : Reads the survey.

    Examples
    --------
    >>> Inputs().describe(), Inputs().synthetic
    ('the synthetic survey', True)
    """

    survey_file: str | None = None
    population_file: str | None = None
    outlook: Outlook | None = None
    synthetic: bool = True

    def outlook_for(self, seed: int) -> Outlook:
        """The calibrated outlook of a setting with ``seed``.

        Parameters
        ----------
        seed : int
            The setting's seed (the synthetic survey is drawn with it, as in ``run``).

        Returns
        -------
        Outlook
            The calibrated model (cached).

        Examples
        --------
        >>> Inputs().outlook_for(0).base_year
        2025
        """
        return self.outlook if self.outlook is not None else _synthetic_outlook(int(seed))

    def describe(self) -> str:
        """The survey in words, for the page.

        Returns
        -------
        str
            E.g. ``"the synthetic survey"``.

        Examples
        --------
        >>> Inputs("survey.csv", "counts.csv").describe()
        'survey file survey.csv, weighted from the frame counts counts.csv'
        """
        if self.survey_file is None:
            return "the synthetic survey"
        text = f"survey file {Path(self.survey_file).name}"
        if self.population_file is not None:
            text += f", weighted from the frame counts {Path(self.population_file).name}"
        return text


def load_inputs(survey: str | PathLike | None = None,
                population: str | PathLike | None = None) -> Inputs:
    """Read the survey file (or take the synthetic survey) and calibrate the outlook.

    The file is read and checked as ``nldtib-forecast run --survey FILE [--population
    COUNTS]`` reads it, with the same messages.

    Parameters
    ----------
    survey : str or os.PathLike, optional
        Survey microdata (``.csv``, ``.xlsx`` or ``.dta``); default: the synthetic survey.
    population : str or os.PathLike, optional
        The frame's counts of firms per cell, to weight the respondents of ``survey``.

    Returns
    -------
    Inputs
        The survey's description and calibrated outlook.

    Raises
    ------
    nldtib_forecast.InputError
        An unreadable or invalid file, or ``population`` without ``survey``.

    See Also
    --------
    nldtib_forecast.data.read_survey : Reads and weights a survey file.

    Examples
    --------
    >>> load_inputs().synthetic
    True
    """
    if survey is None:
        if population is not None:
            raise InputError("--population: the frame counts weight the respondents of a "
                             "survey file; give the file with --survey FILE")
        return Inputs()
    from nldtib_forecast.report.run import load_run_spec

    spec = load_run_spec("report", None, Path(survey), 1, 0, 1, False,
                         futures=["baseline"], policies=[REFERENCE_POLICY],
                         population_path=None if population is None else Path(population))
    return Inputs(str(survey), None if population is None else str(population),
                  Outlook.from_survey(spec.survey), spec.synthetic)


# --------------------------------------------------------------------------------- compare
@dataclass(frozen=True, eq=False)
class Comparison:
    """The outputs of a setting: what the explorer shows.

    Parameters
    ----------
    setting : Setting
        What was computed.
    result : ScenarioResult
        The simulation: current conditions and the policy under the future (scenarios
        ``FUTURE/POLICY``).
    fan : pandas.DataFrame
        Quantiles ``FAN_QUANTILES`` of :data:`FAN_VARIABLES`, indexed by ``(policy,
        variable, year)``, in EUR.
    effects : pandas.DataFrame
        The policy's effect against current conditions (the draw-by-draw difference),
        indexed by ``(variable, year)`` for the variables of the report's policy effects:
        ``unit``, ``median``, ``lower``, ``upper`` (the central interval of
        :attr:`level`), ``share_positive``.
    key_figures : pandas.DataFrame
        Median and interval of :data:`KEY_FIGURES` in 2030 and 2035 per policy (tidy:
        ``policy, year, variable, unit, median, lower, upper``).
    constraints : pandas.Series
        The sentence on which constraint binds when, by policy.
    level : float
        Level of the intervals (0.9, as in the report).
    synthetic : bool
        Whether the survey is the synthetic one.
    seconds : float
        How long the computation took (simulation and summaries).

    See Also
    --------
    compare : Computes it.

    Examples
    --------
    >>> from nldtib_forecast.scenarios import builtin
    >>> c = compare(Setting(builtin()["baseline"], builtin()["orders_only"], n_draws=100))
    >>> c.years[0], c.years[-1], c.level
    (2026, 2035, 0.9)
    """

    setting: Setting
    result: ScenarioResult
    fan: pd.DataFrame
    effects: pd.DataFrame
    key_figures: pd.DataFrame
    constraints: pd.Series
    level: float
    synthetic: bool
    seconds: float

    @property
    def years(self) -> list[int]:
        """The simulated years."""
        return [int(y) for y in self.result.years]

    def effect_sentence(self, variable: str = EFFECT_VARIABLES[0],
                        year: int | None = None) -> str:
        """The policy effect in words, e.g. *In 2035 the policy adds EUR 0.85 bn ...*.

        Parameters
        ----------
        variable : str, default ``"turnover_real_eur"``
            A variable of :attr:`effects`.
        year : int, optional
            Default: the last year.

        Returns
        -------
        str
            One sentence with the median effect, its interval and the share of draws with a
            gain.

        Examples
        --------
        >>> from nldtib_forecast.scenarios import builtin
        >>> c = compare(Setting(builtin()["baseline"], builtin()["improved_conditions"],
        ...                     n_draws=100))
        >>> print(c.effect_sentence())  # doctest: +NORMALIZE_WHITESPACE
        In 2035, with improved conditions, D&S turnover (constant prices) is EUR ... bn
        higher than under current conditions (90% interval ...; higher in ...% of the
        draws).
        """
        year = self.years[-1] if year is None else int(year)
        what = _lower(label(variable))
        if self.setting.policy.name == REFERENCE_POLICY:
            return ("The policy is current conditions: no effect to show. Move a lever or "
                    "choose another policy.")
        row = self.effects.loc[(variable, year)]
        unit = str(row["unit"])
        level = f"{round(self.level * 100)}%"
        median = _rounded(row["median"], unit)
        how = ("higher" if median > 0 else "lower") + " than under current conditions"
        size = _amount(abs(median), unit)
        if median == 0:
            how, size = "the same as under current conditions", "in the median"
        return (f"In {year}, with {_policy_label(self.setting.policy.name)}, {what} is "
                f"{size + ' ' if median else ''}{how}{' in the median' if not median else ''} "
                f"({level} interval {_amount(row['lower'], unit, signed=True)} to "
                f"{_amount(row['upper'], unit, signed=True)}; higher in "
                f"{percent(row['share_positive'], decimals=0)} of the draws).").replace(
                    " in the median in the median", " in the median")


def _lower(text: str) -> str:
    """A label inside a sentence: the first letter in lower case, unless it starts an
    abbreviation (``D&S turnover``)."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _policy_label(name: str) -> str:
    text = label(name, kind="scenario", strict=False)
    return _lower(text) if text != name else f"the policy {name!r}"


def _rounded(value: float, unit: str) -> float:
    """``value`` rounded as it is shown (so that ``-0.0`` and ``+0.00`` do not appear)."""
    kind = unit_kind(unit)
    if kind == "percent":
        return round(float(value), 4) + 0.0
    if kind == "eur":
        return round(float(value) / 1e9, 2) * 1e9 + 0.0
    return round(float(value)) + 0.0


def _amount(value: float, unit: str, signed: bool = False) -> str:
    value = _rounded(value, unit)
    if unit_kind(unit) == "percent":
        return percentage_points(value, signed=signed)
    if unit_kind(unit) == "eur":
        return eur(value, scale="bn", signed=signed)
    return format_value(value, unit, signed=signed) + (f" {unit}" if unit else "")


def _policy_names(index: pd.Index) -> list[str]:
    return [str(s).split(GRID_SEPARATOR, 1)[-1] for s in index]


def compare(setting: Setting, inputs: Inputs | None = None) -> Comparison:
    """Simulate a setting and summarise it as the explorer shows it.

    One future under current conditions and the setting's policy, with the setting's draws
    and seed: the same simulation as ``nldtib-forecast run`` of the setting's scenario file
    (:func:`~nldtib_forecast.explore.save_setting`), so the numbers are the report's.

    Parameters
    ----------
    setting : Setting
        The future, the policy, the draws and the seed.
    inputs : Inputs, optional
        The survey (default: the synthetic survey).

    Returns
    -------
    Comparison
        The fan chart quantiles, the policy effects, the key figures and the binding
        constraints.

    Raises
    ------
    nldtib_forecast.InputError
        As :meth:`~nldtib_forecast.models.outlook.Outlook.simulate`.

    See Also
    --------
    write_report : The full report of the same comparison.

    Examples
    --------
    >>> from nldtib_forecast.scenarios import builtin
    >>> setting = Setting(builtin()["baseline"], builtin()["improved_conditions"],
    ...                   n_draws=200)
    >>> c = compare(setting)
    >>> bool(c.effects.loc[("turnover_real_eur", 2035), "median"] > 0)
    True
    >>> c.constraints.index.tolist()
    ['current_conditions', 'improved_conditions']
    """
    inputs = Inputs() if inputs is None else inputs
    started = time.perf_counter()
    model = inputs.outlook_for(setting.seed)
    reference = policies()[REFERENCE_POLICY]
    grid = [reference] if setting.policy.name == REFERENCE_POLICY else [reference,
                                                                           setting.policy]
    result = model.simulate(policies=grid, futures=[setting.future], horizon=HORIZON,
                            n_draws=setting.n_draws, seed=setting.seed, n_jobs=1,
                            progress=False)
    fan = result.quantiles(list(FAN_QUANTILES), list(FAN_VARIABLES))
    fan.index = fan.index.set_levels(_policy_names(fan.index.levels[0]), level=0)
    fan = fan.rename_axis(index={"scenario": "policy"}).sort_index()
    effects = _effects(result, setting)
    key = summary_table(result, years=list(SUMMARY_YEARS), variables=list(KEY_FIGURES),
                        level=SUMMARY_LEVEL)
    key.insert(0, "policy", _policy_names(pd.Index(key.pop("scenario"))))
    bound = binding_constraints(result)["sentence"].groupby(level="scenario",
                                                              sort=False).first()
    bound.index = pd.Index(_policy_names(bound.index), name="policy")
    return Comparison(setting, result, fan, effects, key, bound, SUMMARY_LEVEL,
                      inputs.synthetic, time.perf_counter() - started)


def _effects(result: ScenarioResult, setting: Setting) -> pd.DataFrame:
    frames = []
    for var in EFFECT_VARIABLES:
        if setting.policy.name == REFERENCE_POLICY:
            years = pd.Index([int(y) for y in result.years], name="year")
            zero = np.zeros(len(years))
            part = pd.DataFrame({"median": zero, "lower": zero, "upper": zero,
                                 "share_positive": zero}, index=years)
        else:
            part = result.policy_effects(var, level=SUMMARY_LEVEL).droplevel(["future",
                                                                              "policy"])
            part = part[["median", "lower", "upper", "share_positive"]]
        part.insert(0, "unit", result.units[var])
        frames.append(pd.concat({var: part}, names=["variable"]))
    return pd.concat(frames)


# --------------------------------------------------------------------------------- report
def write_report(setting: Setting, out: str | PathLike, inputs: Inputs | None = None, *,
                 overwrite: bool = False) -> list[str]:
    """Write the report of a setting: the files of ``nldtib-forecast run``.

    The setting is written as a scenario file (:func:`~nldtib_forecast.explore.save_setting`)
    and run as ``nldtib-forecast run FILE --out OUT --draws N --seed S [--survey FILE
    [--population COUNTS]]`` runs it, atomically (the output appears complete or not at all).

    Parameters
    ----------
    setting : Setting
        The comparison.
    out : str or os.PathLike
        The output directory (must not exist or be empty, or hold an earlier report and
        ``overwrite``).
    inputs : Inputs, optional
        The survey (default: the synthetic survey).
    overwrite : bool, default False
        Replace an earlier report in ``out``.

    Returns
    -------
    list of str
        The files written.

    Raises
    ------
    nldtib_forecast.InputError
        An output directory that may not be written, or another run writing it (the
        messages of ``run``).

    See Also
    --------
    nldtib_forecast.cli.main : ``nldtib-forecast run``.

    Examples
    --------
    >>> from nldtib_forecast.scenarios import builtin
    >>> setting = Setting(builtin()["baseline"], builtin()["orders_only"], n_draws=100)
    >>> files = write_report(setting, "orders_only_report")  # doctest: +SKIP
    >>> "nldtib_report.html" in files  # doctest: +SKIP
    True
    """
    from nldtib_forecast.report.io import check_out_dir, write_directory
    from nldtib_forecast.report.run import build_report, load_run_spec, write_timing

    inputs = Inputs() if inputs is None else inputs
    started = time.perf_counter()
    out = Path(out)
    check_out_dir(out, overwrite)
    with tempfile.TemporaryDirectory(prefix="nldtib-explore-") as tmp:
        path = save_setting(setting, Path(tmp, f"{setting.policy.name}.toml"))
        spec = load_run_spec(
            "run", path, None if inputs.survey_file is None else Path(inputs.survey_file),
            setting.n_draws, setting.seed, 1, False,
            population_path=(None if inputs.population_file is None
                             else Path(inputs.population_file)))

        def build(directory: Path) -> list[str]:
            files = build_report(directory, spec)
            write_timing(directory, spec, time.perf_counter() - started)
            return files

        return write_directory(out, build, overwrite=overwrite, quiet=True)
