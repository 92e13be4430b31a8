"""Tables of the ``nldtib-forecast run`` and ``report`` output (private).

Generic over :class:`~nldtib_forecast.results.ScenarioResult` objects (a mapping of model name
to result), plus the disclosure-controlled survey tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError
from nldtib_forecast._format import BILLION, LANGUAGES, count, eur, number, percent, unit_kind
from nldtib_forecast.report.io import DATA_COLUMN, SYNTHETIC, Sheet, TextSheet, with_data_column

#: Years of the summary table (median and interval), when the results reach them.
SUMMARY_YEARS: tuple[int, ...] = (2030, 2035)
#: Central interval level of the summary table.
SUMMARY_LEVEL = 0.9
#: Level of the confidence intervals of the survey estimates (survey summary, headline).
SURVEY_LEVEL = 0.95


#: Variables drawn as fan charts and shown in the HTML summary, per model (in this order);
#: a model not listed shows its first four variables.
KEY_VARIABLES: dict[str, tuple[str, ...]] = {
    "outlook": ("turnover_nominal_eur", "demand_eur", "capacity_eur", "utilisation",
                "unmet_demand_eur", "export_share", "fte_required"),
}



def key_variables(model: str, result) -> list[str]:
    """The variables of ``result`` drawn as fan charts."""
    wanted = KEY_VARIABLES.get(model)
    if wanted is None:
        return list(result.variables[:4])
    return [v for v in wanted if v in result.variables]


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
        Seed the synthetic survey was drawn with, recorded in ``attrs["seed"]``.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` with, for ``firms`` (weighted count), ``ds_turnover_eur``,
        ``ds_turnover_share``, ``export_share``, ``fte_total`` and ``fte_ds``, the estimate
        and ``<name>_ci_lower``, ``<name>_ci_upper``, ``<name>_status``; then ``respondents``
        and ``data`` (``"synthetic"`` when the frame is synthetic, else
        ``"survey"``).
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
        n = int((survey["year"] == year).sum())
        # the respondent count is a frequency cell of its own: shown only when it may be
        row["respondents"] = n if row["firms_status"] == "publish" else pd.NA
        rows.append(row)
    out = pd.DataFrame(rows).set_index("year")
    out.index = out.index.astype("int64")
    out["respondents"] = out["respondents"].astype("Int64")
    out["data"] = data_label(bool(survey.attrs.get("synthetic", False)))
    if seed is not None:
        out.attrs["seed"] = seed
    return out


def policy_effects_table(results: Mapping, variables, reference: str,
                         years=SUMMARY_YEARS, level: float = SUMMARY_LEVEL
                         ) -> pd.DataFrame | None:
    """What each policy adds over ``reference``, per future, variable and year (tidy):
    ``model, future, policy, year, variable, unit, median, lower, upper, share_positive,
    mean``: :meth:`ScenarioResult.policy_effects` of each variable with its index as columns,
    the model first and the variable and its unit after the keys ("Files and frames" in
    ``docs/howto_report.rst``); ``None`` when no result holds a policies x futures grid."""
    rows = []
    for model, result in results.items():
        if not result.futures:
            continue
        shown = [y for y in years if y in result.years] or [int(result.years[-1])]
        for var in variables:
            if var not in result.variables:
                continue
            eff = result.policy_effects(var, reference=reference, years=shown, level=level)
            rows.append(file_frame(eff, model=model, variable=var,
                                   unit=result.units[var]))
    if not rows:
        return None
    out = pd.concat(rows, ignore_index=True)
    order = {v: i for i, v in enumerate(variables)}
    return out.sort_values(["model", "variable"], key=lambda s: s.map(order)
                           if s.name == "variable" else s, kind="stable").reset_index(drop=True)


def file_frame(frame: pd.DataFrame, model: str | None = None, variable: str | None = None,
               unit: str | None = None) -> pd.DataFrame:
    """A frame as the report writes it: its index as leading columns (in the index's order),
    ``model`` before them and ``variable``, ``unit`` after them when given, then the frame's
    columns in their order. The writers add the provenance columns (``level``, ``data``) last.
    This is the one rule from the frames of the Python API to the report's files."""
    keyed = frame.index.names != [None]
    out = frame.reset_index() if keyed else frame.reset_index(drop=True)
    n_keys = frame.index.nlevels if keyed else 0
    if variable is not None:
        out.insert(n_keys, "variable", variable)
        n_keys += 1
    if unit is not None:
        out.insert(n_keys, "unit", unit)
    if model is not None:
        out.insert(0, "model", model)
    out.attrs = {}
    return out


def constraints_table(results: Mapping, lang: str = "en") -> pd.DataFrame:
    """Which constraint limits turnover when: ``model, scenario, sentence`` and the years in
    which capacity binds in most draws; the sentence in ``lang`` (English in
    ``constraints.csv``, Dutch in a Dutch workbook and page)."""
    from nldtib_forecast.models.outlook import binding_constraints

    rows = []
    for model, result in results.items():
        if "unmet_demand_eur" not in result.variables:
            continue
        b = binding_constraints(result, lang=lang)
        for scen in result.scenarios:
            part = b.loc[scen]
            cap = [int(y) for y in part.index[part["binding"] == "capacity"]]
            rows.append({"model": model, "scenario": scen,
                         "sentence": part["sentence"].iloc[0],
                         "capacity_bound_years": ", ".join(map(str, cap))})
    return pd.DataFrame(rows, columns=["model", "scenario", "sentence",
                                       "capacity_bound_years"])


def results_table(results: Mapping) -> pd.DataFrame:
    """All results, tidy: ``model`` and :meth:`ScenarioResult.to_frame` (``scenario, year,
    variable, unit, statistic, value``)."""
    return pd.concat([file_frame(result.to_frame(), model=model)
                      for model, result in results.items()], ignore_index=True)


def summary_table(results: Mapping, years=SUMMARY_YEARS, level: float = SUMMARY_LEVEL,
                  key_only: bool = False) -> pd.DataFrame:
    """Median and central interval in ``years``: ``model`` and
    :func:`nldtib_forecast.models.outlook.summary_table` (``scenario, year, variable, unit,
    median, lower, upper``); the years a result does not reach are left out."""
    from nldtib_forecast.models.outlook import summary_table as outlook_summary

    columns = ["model", "scenario", "year", "variable", "unit", "median", "lower", "upper"]
    rows = []
    for model, result in results.items():
        shown = [y for y in years if y in result.years]
        if not shown:
            continue
        variables = key_variables(model, result) if key_only else result.variables
        rows.append(file_frame(outlook_summary(result, years=shown, level=level,
                                               variables=list(variables)), model=model))
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)[columns]


def _setting(value, lang: str = "en") -> str:
    """A driver's setting as text: ``0.02``, or a path ``2025: 0.02, 2030: 0.03`` (in Dutch
    ``2025: 0,02; 2030: 0,03``: the decimal mark is a comma)."""
    if isinstance(value, Mapping):
        return ("; " if lang == "nl" else ", ").join(f"{y}: {_setting(v, lang)}"
                                                      for y, v in value.items())
    return number(value, significant=6, grouping=False, lang=lang)


#: The row of a scenario that sets no driver, per language.
_NO_DRIVER = {"en": "(none: every driver at its default)",
              "nl": "(geen: alle factoren op hun standaardwaarde)"}


def scenario_table(scenarios: Mapping, lang: str = "en") -> pd.DataFrame:
    """One row per scenario and driver it sets: the path (``year: value``), the driver's unit
    and default, the description and the sources; in ``lang`` (Dutch: the scenario's
    ``description_nl`` and ``sources_nl`` where it has them, else the English)."""
    from nldtib_forecast.scenarios import get_driver

    rows = []
    for name, scenario in scenarios.items():
        description, sources = scenario.text(lang)
        base = {"scenario": name, "description": description or scenario.description,
                "sources": "; ".join(sources or scenario.sources)}
        set_drivers = scenario.drivers
        if not set_drivers:
            rows.append({**base, "driver": _NO_DRIVER["nl" if lang == "nl" else "en"],
                         "unit": "", "setting": "", "default": np.nan})
        for driver, value in set_drivers.items():
            spec = get_driver(driver)
            rows.append({**base, "driver": driver, "unit": spec.unit,
                         "setting": _setting(value, "nl" if lang == "nl" else "en"),
                         "default": spec.default})
    columns = ["scenario", "driver", "unit", "setting", "default", "description", "sources"]
    return pd.DataFrame(rows, columns=columns)


def models_table(results: Mapping) -> pd.DataFrame:
    """What each model result is: method, interval contents, seed, draws, input data hash."""
    rows = []
    for model, result in results.items():
        m = result.metadata
        rows.append({"model": model, "method": m.method, "intervals_include":
                     m.interval_contents, "variables": ", ".join(result.variables),
                     "years": f"{result.years[0]}-{result.years[-1]}", "n_draws": m.n_draws,
                     "seed": str(m.seed), "data_hash": m.data_hash or "",
                     "synthetic": bool(m.synthetic), "version": m.version,
                     "created_by": m.created_by})
    return pd.DataFrame(rows)


def priors_table(results: Mapping) -> pd.DataFrame:
    """Model priors, assumptions and base-year levels recorded in the results' metadata
    (every mapping in ``metadata.extra``): ``model, kind, name, value``."""
    rows = []
    for model, result in results.items():
        for kind, values in result.metadata.extra.items():
            if isinstance(values, Mapping):
                rows += [{"model": model, "kind": str(kind), "name": str(k), "value": str(v)}
                         for k, v in values.items()]
    return pd.DataFrame(rows, columns=["model", "kind", "name", "value"])


_COMPONENT_CELLS = {"continuing": ("price", "volume", "interaction", "price_growth",
                                   "volume_growth"), "entrants": ("entry",),
                    "exiters": ("exit",)}


def decomposition_table(survey: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, object]:
    """Price/volume/entry decomposition of D&S turnover growth per year, protected.

    For every year ``t`` the firms behind each component form a cell: continuing firms (their
    turnover in ``t``; price, volume and interaction), entrants (turnover in ``t``; entry) and
    exiters (turnover in ``t - 1``; exit). Cells failing the default disclosure rules
    (:func:`~nldtib_forecast.survey.cell_status`) are suppressed (NaN), and so is the total of
    a year with a suppressed component. Returns the table and the decomposition object.
    """
    from nldtib_forecast.models.price_volume import decompose_turnover
    from nldtib_forecast.survey import cell_status

    dec = decompose_turnover(survey, seed=seed)
    table = dec.table.copy()
    value = dec.value_column
    table["status"] = "publish"
    table["rule"] = ""
    for year in table.index:
        prev = survey.loc[(survey["year"] == year - 1) & survey[value].notna()]
        cur = survey.loc[(survey["year"] == year) & survey[value].notna()]
        before, after = set(prev["firm_id"]), set(cur["firm_id"])
        parts = [
            cur[cur["firm_id"].isin(before)].assign(_cell="continuing"),
            cur[~cur["firm_id"].isin(before)].assign(_cell="entrants"),
            prev[~prev["firm_id"].isin(after)].assign(_cell="exiters"),
        ]
        frame = pd.concat(parts, ignore_index=True)
        status = cell_status(frame[value].astype(float), frame["_cell"].rename("cell"),
                             firm=frame["firm_id"])
        failed = [c for c in _COMPONENT_CELLS if c in status.index
                  and status.loc[c, "status"] == "primary"]
        if failed:
            for cell in failed:
                cols = [c for c in _COMPONENT_CELLS[cell] if c in table.columns]
                table.loc[year, cols] = np.nan
            table.loc[year, "status"] = "suppressed"
            table.loc[year, "rule"] = "; ".join(
                f"{c}: {status.loc[c, 'rule']}" for c in failed)
    keep = [c for c in ("nominal_growth", "price", "volume", "interaction", "entry", "exit",
                        "price_growth", "volume_growth") if c in table.columns]
    counts = [c for c in table.columns if c.startswith("n_")]
    suppressed = table["status"] != "publish"
    table.loc[suppressed, "nominal_growth"] = np.nan  # else a suppressed part is a residual
    out = table[keep + counts + ["status", "rule"]].copy()
    for c in counts:  # counts of entrants/exiters are frequency cells: shown when published
        out[c] = out[c].astype("Int64").mask(suppressed)
    return out, dec


# ------------------------------------------------------------------------- CSV data marker
#: Tables computed from the survey (directly, or through the models calibrated on it): their
#: CSV files have the column ``data`` (:data:`~nldtib_forecast.report.io.DATA_COLUMN`), and in
#: a run on synthetic data their sheets say that the figures are synthetic. The published
#: figures, their audit, the driver registry, the scenario definitions and the sources do not
#: depend on the survey.
SURVEY_TABLES = frozenset({"policy_effects", "constraints", "summary", "results", "models",
                           "priors", "survey_summary", "headline", "decomposition"})


#: The column of the CSV files with intervals that holds their level: ``lower`` and ``upper``
#: (``ci_lower``, ``<name>_ci_lower``, ...) bound the central interval of that level (0.9: the
#: 5% and 95% quantiles). The CSV files keep the machine names; the workbook says the level in
#: its headers (:func:`header`).
LEVEL_COLUMN = "level"


def csv_table(key: str, table: pd.DataFrame, *, synthetic: bool,
              level: float = SUMMARY_LEVEL, survey_level: float = SURVEY_LEVEL
              ) -> pd.DataFrame:
    """A table of the report as its CSV file holds it: with the column :data:`LEVEL_COLUMN`
    when its bounds are those of a central interval, and, when it is computed from the survey
    (:data:`SURVEY_TABLES`), the column ``data`` last (:func:`data_label`).

    >>> t = pd.DataFrame({"median": [1.0], "lower": [0.5], "upper": [2.0]})
    >>> csv_table("summary", t, synthetic=True).columns.tolist()
    ['median', 'lower', 'upper', 'level', 'data']
    """
    spec = _sheet_specs(level, survey_level).get(key)
    out = table
    bounds = any(header(c, bounds=0.5) != header(c) for c in out.columns)  # lower, ci_upper..
    if spec is not None and isinstance(spec.bounds, float) and bounds and \
            LEVEL_COLUMN not in out:
        out = out.copy()
        where = out.columns.get_loc(DATA_COLUMN) if DATA_COLUMN in out else out.shape[1]
        out.insert(int(where), LEVEL_COLUMN, spec.bounds)
    return with_data_column(out, data_label(synthetic)) if key in SURVEY_TABLES else out


def data_label(synthetic: bool) -> str:
    """The value of the ``data`` column of the tables computed from the survey:
    ``"synthetic"`` (:data:`~nldtib_forecast.report.io.SYNTHETIC`) for the synthetic survey,
    else ``"survey"``.

    >>> data_label(True), data_label(False)
    ('synthetic', 'survey')
    """
    return SYNTHETIC if synthetic else "survey"


# ------------------------------------------------------------------------- the workbook
#: The words of the interval bounds in the workbook headers, per language.
_BOUND_WORDS = {"en": ("lower", "upper"), "nl": ("ondergrens", "bovengrens")}
#: Row of the header of every table sheet of the report workbook (title, what the sheet holds
#: and the synthetic-data caveat, or an empty row, above it): ``pandas.read_excel(path,
#: sheet_name=NAME, header=HEADER_ROW - 1)`` reads a sheet.
HEADER_ROW = 4


def label(identifier: object, lang: str = "en") -> str:
    """The name people read for an identifier (a column, variable, driver, scenario) in the
    workbook.

    Every header and label of the workbook comes through here (and :func:`header`), so that
    the registry of labels (:mod:`nldtib_forecast.labels`, English and Dutch) plugs in at one
    place; until then the identifier itself. The identifiers stay in the CSV files and in the
    identifier columns of the sheets.

    >>> label("turnover_nominal_eur"), label("turnover_nominal_eur", "nl")
    ('D&S turnover (nominal)', 'D&S-omzet (nominaal)')
    """
    if lang not in LANGUAGES:
        raise ValueError(f"argument 'lang': unknown value {lang!r}; valid values: "
                         f"{', '.join(map(repr, LANGUAGES))}")
    from nldtib_forecast.labels import label as registry_label

    return registry_label(str(identifier), lang, kind="column", strict=False)


def header(column: object, lang: str = "en", *, bounds: float | str | None = None) -> str:
    """The workbook header of ``column``: its :func:`label`, with the level of the interval
    in the bounds of an interval.

    ``bounds`` says what ``lower`` and ``upper`` (also ``ci_lower``, ``ci_upper`` and
    ``<name>_ci_lower``, ``<name>_ci_upper``) bound: the level of a central interval (a
    float, e.g. 0.9: ``lower (5%)``, ``upper (95%)``, the quantiles), or a few words (e.g.
    ``"valid range"``); None: the column's label.

    >>> header("lower", bounds=0.9), header("upper", bounds=0.9)
    ('Lower (5%)', 'Upper (95%)')
    >>> header("firms_ci_lower", bounds=0.95), header("ci_upper", bounds=0.95)
    ('Number of NLDTIB firms: lower (2.5%)', 'Upper (97.5%)')
    >>> header("lower", bounds="valid range"), header("median", bounds=0.9)
    ('Lower (valid range)', 'Median')
    >>> header("upper", "nl", bounds=0.9), header("lower", "nl", bounds="valid range")
    ('Bovengrens (95%)', 'Ondergrens (toegestaan bereik)')
    """
    name = str(column)
    words = {"valid range": "toegestaan bereik", "rounding range": "afrondingsbereik"}
    if bounds is not None:
        for i, end in enumerate(("lower", "upper")):
            if name in (end, f"ci_{end}") or name.endswith(f"_ci_{end}"):
                base = name[:-len(f"_ci_{end}")] if name.endswith(f"_ci_{end}") else ""
                if isinstance(bounds, str):
                    what = words.get(bounds, bounds) if lang == "nl" else bounds
                else:
                    q = (1 - bounds) / 2 if i == 0 else (1 + bounds) / 2
                    what = percent(q, decimals=None, lang=lang)
                text = f"{_BOUND_WORDS[lang][i]} ({what})"
                if base:
                    return f"{label(base, lang)}: {text}"
                return text[0].upper() + text[1:]
    return label(name, lang)


def column_unit(name: object) -> str | None:
    """The unit of a column or an indicator by its name, for the tables that do not carry
    one (None: not known, shown as it is).

    ``..._eur`` is an amount in EUR; ``firms``, ``respondents``, ``n_...`` and ``..._firms``
    are counts, ``fte...`` full-time equivalents; a name with the word ``share``, ``rate``,
    ``growth``, ``fraction``, ``utilisation`` or ``premium`` is a fraction; ``..._index`` an
    index; ``..._per_...`` a ratio of units (None). The bounds of an interval
    (``..._ci_lower``, ``..._ci_upper``) have the unit of their figure.

    >>> [column_unit(n) for n in ("ds_turnover_eur_ci_lower", "n_respondents", "fte_ds",
    ...                           "export_share", "price_index", "productivity_eur_per_fte")]
    ['EUR', 'count', 'FTE', 'fraction', 'index', None]
    """
    text = str(name).lower()
    for end in ("_ci_lower", "_ci_upper"):
        text = text.removesuffix(end)
    words = text.split("_")
    if "per" in words:
        return None
    if text.endswith("_eur"):
        return "EUR"
    if text in ("firms", "respondents", "count") or text.startswith("n_") or text.endswith(
            "_firms"):
        return "count"
    if words[0] == "fte" or words[-1] == "fte":
        return "FTE"
    if {"share", "rate", "growth", "fraction", "utilisation", "premium"} & set(words):
        return "fraction"
    if words[-1] == "index":
        return "index"
    return None


def number_format(unit: str | None, lang: str = "en", *, billions: bool = True
                  ) -> str | None:
    """The Excel number format of values in ``unit`` (by :func:`nldtib_forecast._format.
    unit_kind`); None: Excel's General.

    Amounts in EUR are stored in EUR and shown in billions with one decimal (``#,##0.0,,,``:
    each trailing comma divides by a thousand), so that a cell holds the same number as the
    CSV file and a formula over it gives EUR (``billions=False``: in whole euro, for the
    amounts of single firms); fractions are shown as percentages with one
    decimal, counts as whole numbers with thousands separators, indices and ratios with three
    decimals, amounts per unit (``EUR/FTE``) as whole numbers. The marks shown follow the
    reader's Excel; the unit suffix follows ``lang``.

    >>> [number_format(u) for u in ("EUR", "fraction per year", "FTE", "index", "months")]
    ['#,##0.0,,," bn"', '0.0%', '#,##0', '0.000', None]
    >>> number_format("EUR", "nl"), number_format("EUR", billions=False)
    ('#,##0.0,,," mld."', '#,##0')
    """
    kind = unit_kind(unit)
    if kind == "eur" and not billions:
        return "#,##0"
    if kind == "eur":
        suffix = eur(BILLION, scale="bn", decimals=0, symbol=False, lang=lang)[1:]
        return f'#,##0.0,,,"{suffix}"'
    if kind == "percent":
        return "0.0%"
    if kind == "count":
        return "#,##0"
    key = (unit or "").strip().lower()
    if key in ("index", "ratio"):
        return "0.000"
    if key.startswith("eur/"):
        return "#,##0"
    return None


@dataclass(frozen=True)
class _SheetSpec:
    """How a table of the report is shown as a sheet: its title and what it holds, what its
    intervals bound (:func:`header`), the units of its columns (fixed ones, each row's from a
    ``unit`` column or from an identifier column) and the label columns kept in view."""

    title: str
    about: str
    bounds: float | str | None = None
    units: Mapping[str, str] = field(default_factory=dict)
    row_unit: str | None = None  # the column with each row's unit
    row_name: str | None = None  # ... or the column whose identifier gives it (column_unit)
    row_columns: tuple[str, ...] = ()  # the columns shown in each row's unit
    freeze: int = 0


_VALUES = ("median", "lower", "upper")
_GROWTH_PARTS = ("nominal_growth", "price", "volume", "interaction", "entry", "exit",
                 "price_growth", "volume_growth")


def _sheet_texts_nl(level: float, survey_level: float) -> dict[str, tuple[str, str]]:
    """The Dutch title and description of every sheet (written, not translated by machine)."""
    interval = f"mediaan en {percent(level, decimals=0, lang='nl')}-interval"
    ci = f"{percent(survey_level, decimals=0, lang='nl')}-betrouwbaarheidsintervallen"
    years = " en ".join(map(str, SUMMARY_YEARS))
    return {
        "policy_effects": ("Effect van het beleid", "Wat elke beleidsvariant toevoegt ten "
                           "opzichte van de huidige omstandigheden, per omgevingsscenario, "
                           f"grootheid en jaar: {interval} van het verschil per trekking, en "
                           "het aandeel trekkingen met winst"),
        "constraints": ("Bindende beperkingen", "Welke beperking (vraag of capaciteit) de omzet "
                        "in welke jaren begrenst, per scenario, in woorden"),
        "summary": (f"Samenvatting {years}", f"{interval.capitalize()} in {years}, per scenario "
                    "en grootheid"),
        "results": ("Resultaten per jaar", f"{interval.capitalize()} per scenario, grootheid en "
                    "jaar (alle statistieken en kwantielen van de trekkingen, voor verdere "
                    "verwerking: results.csv)"),
        "scenarios": ("Omschrijving van de scenario's", "De doorgerekende scenario's: elke "
                      "factor die een scenario vastlegt, met pad en standaardwaarde, de "
                      "omschrijving en de bronnen"),
        "drivers": ("Factoren en aannames", "Het register van factoren: eenheid, toegestaan "
                    "bereik, standaardwaarde, verbeterd niveau en bron van elke factor"),
        "models": ("Modellen", "Wat elk modelresultaat is: methode, wat de intervallen omvatten, "
                   "seed, aantal trekkingen, kenmerk (hash) van de invoergegevens"),
        "priors": ("Aannames van de modellen", "A-prioriverdelingen, aannames en niveaus in het "
                   "basisjaar zoals vastgelegd bij de resultaten"),
        "survey_summary": ("Schattingen uit de enquête per jaar", "Schattingen per jaar volgens "
                           f"het steekproefontwerp, met {ci} en de status voor "
                           "onthullingsbeheersing"),
        "headline": ("Kerncijfers uit de Kamerbrief van 2026", "De enquêtecijfers uit de "
                     f"Kamerbrief van 2026 opnieuw berekend uit de enquête, met {ci}, de "
                     "gepubliceerde waarden en de status voor onthullingsbeheersing"),
        "decomposition": ("Prijs, volume en netto toetreding", "De groei van de D&S-omzet "
                          "gesplitst in prijs, volume en netto toetreding per jaar (bijdragen "
                          "aan de groei), getoetst op onthulling"),
        "published": ("Gepubliceerde cijfers", "Gepubliceerde NLDTIB-cijfers, één regel per "
                      "indicator, jaar en editie, met hun bronnen"),
        "audit": ("Controle van de gepubliceerde cijfers", "Rekenkundige controle van de "
                  "gepubliceerde cijfers: opnieuw berekend uit de gepubliceerde niveaus, met het "
                  "bereik dat de afronding van de invoer toelaat"),
        "sources": ("Bronnen", "De publicaties waar de cijfers uit komen"),
    }


def _sheet_specs(level: float, survey_level: float, lang: str = "en"
                 ) -> dict[str, _SheetSpec]:
    specs = _sheet_specs_en(level, survey_level)
    if lang == "nl":
        texts = _sheet_texts_nl(level, survey_level)
        specs = {key: replace(spec, title=texts[key][0], about=texts[key][1])
                 if key in texts else spec for key, spec in specs.items()}
    return specs


def _sheet_specs_en(level: float, survey_level: float) -> dict[str, _SheetSpec]:
    interval = f"median and {percent(level, decimals=0)} interval"
    years = " and ".join(map(str, SUMMARY_YEARS))
    return {
        "policy_effects": _SheetSpec(
            "Policy effects", f"What each policy adds over current conditions, per future, "
            f"variable and year: {interval} of the draw-by-draw difference, and the share of "
            "draws with a gain", level, row_unit="unit", row_columns=_VALUES),
        "constraints": _SheetSpec(
            "Binding constraints", "Which constraint (demand or capacity) limits turnover in "
            "which years, per scenario, in words"),
        "summary": _SheetSpec(
            f"Summary {years}", f"{interval.capitalize()} in {years}, per scenario and "
            "variable", level, row_unit="unit", row_columns=_VALUES),
        "results": _SheetSpec(
            "Results by year", f"{interval.capitalize()} per scenario, variable and year (every "
            "statistic and quantile of the draws, for machines: results.csv)", level,
            row_unit="unit", row_columns=_VALUES),
        "scenarios": _SheetSpec(
            "Scenario definitions", "The scenarios run: every driver each sets, with its path "
            "and default, the description and the sources", row_unit="unit",
            row_columns=("default",), freeze=1),
        "drivers": _SheetSpec(
            "Drivers", "The driver registry: unit, valid range, default, improved level and "
            "source of every driver", "valid range", row_unit="unit",
            row_columns=("lower", "upper", "default", "improved"), freeze=1),
        "models": _SheetSpec(
            "Models", "What each model result is: method, what its intervals include, seed, "
            "draws, input data hash"),
        "priors": _SheetSpec(
            "Priors and assumptions", "Model priors, assumptions and base-year levels recorded "
            "with the results", row_name="name", row_columns=("value",)),
        "survey_summary": _SheetSpec(
            "Survey estimates", f"Design-based survey estimates per year with "
            f"{percent(survey_level, decimals=0)} confidence intervals and disclosure status",
            survey_level, freeze=1),
        "headline": _SheetSpec(
            "Headline survey figures", f"The 2026 letter's survey figures recomputed from the "
            f"survey, with {percent(survey_level, decimals=0)} confidence intervals, the "
            "published values and disclosure status", survey_level, row_name="indicator",
            row_columns=("estimate", "std_error", "ci_lower", "ci_upper", "published"),
            freeze=1),
        "decomposition": _SheetSpec(
            "Turnover growth decomposition", "D&S turnover growth split into price, volume "
            "and net entry per year (contributions to growth), disclosure-checked",
            units={c: "fraction" for c in _GROWTH_PARTS}, freeze=1),
        "published": _SheetSpec(
            "Published figures", "Published NLDTIB figures, one row per indicator, year and "
            "edition, with their sources", row_unit="unit",
            row_columns=("value", "resolution"), freeze=1),
        "audit": _SheetSpec(
            "Audit of the published figures", "Arithmetic audit of the published figures: "
            "recomputed from the published levels, with the range the rounding of the inputs "
            "permits", "rounding range", row_name="indicator",
            row_columns=("published", "recomputed", "difference", "lower", "upper"),
            freeze=1),
        "sources": _SheetSpec("Sources", "The publications the figures come from", freeze=1),
    }


def _indicator_units() -> dict[str, str]:
    """The unit of each published indicator."""
    from nldtib_forecast.data import load_published

    pub = load_published()
    return dict(zip(pub["indicator"].astype(str), pub["unit"].astype(str), strict=True))


def sheet_formats(frame: pd.DataFrame, spec: _SheetSpec | None = None, lang: str = "en",
                  indicator_units: Mapping[str, str] | None = None, *,
                  billions: bool = True) -> dict:
    """The Excel number format of every column of ``frame`` (:func:`number_format`, with
    ``billions``): the columns of ``spec.row_columns`` in each row's unit, the others by
    ``spec.units`` or by their name (:func:`column_unit`)."""
    spec = spec or _SheetSpec("", "")
    units = dict(indicator_units or {})
    out: dict = {}
    row_units: list | None = None
    if spec.row_unit is not None and spec.row_unit in frame.columns:
        row_units = [None if pd.isna(u) else str(u) for u in frame[spec.row_unit]]
    elif spec.row_name is not None and spec.row_name in frame.columns:
        row_units = [units.get(str(n)) or column_unit(n) for n in frame[spec.row_name]]
    cache: dict[str | None, str | None] = {}
    for column in frame.columns:
        if row_units is not None and column in spec.row_columns:
            for u in set(row_units) - set(cache):
                cache[u] = number_format(u, lang, billions=billions)
            out[column] = [cache[u] for u in row_units]
        elif not pd.api.types.is_bool_dtype(frame[column]):  # (text cells keep no format)
            out[column] = number_format(spec.units.get(str(column)) or column_unit(column),
                                        lang, billions=billions)
    return out


def table_formats(key: str, frame: pd.DataFrame, lang: str = "en") -> dict:
    """The Excel number formats of the columns of a table of the report (``key``: a sheet
    name such as ``"published"``), for a one-sheet workbook (``nldtib-forecast data ... --out
    FILE.xlsx``); any other table (the survey's firm rows) by the names of its columns, with
    amounts in whole euro."""
    spec = _sheet_specs(SUMMARY_LEVEL, SURVEY_LEVEL).get(key)
    units = _indicator_units() if spec is not None and spec.row_name == "indicator" else None
    return sheet_formats(frame, spec, lang, units, billions=spec is not None)


def results_by_year(results: Mapping, level: float = SUMMARY_LEVEL) -> pd.DataFrame:
    """Median and central interval in every simulated year (the ``results`` sheet of the
    workbook: a person's view of ``results.csv``): ``model, scenario, variable, unit, year,
    median, lower, upper``."""
    years = sorted({int(y) for r in results.values() for y in r.years})
    return summary_table(results, years=years, level=level)


def _numbers_where_possible(values: pd.Series) -> pd.Series:
    """Text that is a number as that number (the priors are recorded as text)."""
    as_numbers = pd.to_numeric(values, errors="coerce")
    return values.astype(object).where(as_numbers.isna(), as_numbers.astype(object))


def workbook_sheets(tables: Mapping[str, pd.DataFrame], results: Mapping, *,
                    synthetic: bool, seed: int | None = None, lang: str = "en",
                    level: float = SUMMARY_LEVEL, survey_level: float = SURVEY_LEVEL,
                    scenarios: Mapping | None = None) -> list[Sheet]:
    """The table sheets of the report workbook, in the order of ``tables``: each with a
    title, what it holds, the synthetic-data caveat (a run on synthetic data) or an empty row,
    then the table from row :data:`HEADER_ROW` with number formats per unit
    (:func:`sheet_formats`), headers (:func:`header`) and the label column kept in view.

    The ``results`` sheet holds the median and interval per scenario, variable and year
    (:func:`results_by_year`) instead of every statistic of ``results.csv``. ``tables`` hold
    their texts in ``lang`` (:func:`nldtib_forecast.report.dutch_texts.localized_tables`);
    ``scenarios`` (the run's) give the labels of a user's scenarios
    (:func:`nldtib_forecast.labels.relabel`).
    """
    specs = _sheet_specs(level, survey_level, lang)
    indicator_units = _indicator_units()
    seeded = f" (seed {seed})" if seed is not None else ""
    sheets = []
    for key, table in tables.items():
        spec = specs.get(key) or _SheetSpec(key, "")
        frame = results_by_year(results, level) if key == "results" else table
        if not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None):
            frame = frame.reset_index()
        if key == "priors" and "value" in frame:
            frame = frame.assign(value=_numbers_where_possible(frame["value"]))
        if key in _CODE_LABELS:
            frame = _code_labels(frame, lang, _CODE_LABELS[key])
        if not synthetic:
            caveat = ("", "")
        elif key in SURVEY_TABLES and lang == "nl":
            caveat = ("warning", "SYNTHETISCHE GEGEVENS: de cijfers op dit blad zijn berekend "
                      f"uit een synthetische enquête{seeded}, "
                      "afgestemd op de gepubliceerde cijfers, niet uit de vertrouwelijke "
                      "enquêtegegevens: ze illustreren de methode en zijn geen schattingen.")
        elif key in SURVEY_TABLES:
            caveat = ("warning", f"SYNTHETIC DATA: the figures on this sheet are computed from "
                      f"a synthetic survey{seeded}, calibrated to the published figures, not "
                      "from the confidential survey microdata: they illustrate the method and "
                      "are not estimates.")
        elif lang == "nl":
            caveat = ("warning", "SYNTHETISCHE GEGEVENS in dit rapport (zie het voorblad): de "
                      "enquête is synthetisch; dit blad hangt er niet van af.")
        else:
            caveat = ("warning", "SYNTHETIC DATA in this report (see the cover sheet): the "
                      "survey is synthetic; this sheet does not depend on it.")
        frame, headers = _with_label_columns(frame, lang, spec.bounds, scenarios)
        sheets.append(Sheet(
            key, frame, preface=[("title", spec.title), ("note", spec.about), caveat],
            headers=headers,
            formats=sheet_formats(frame, spec, lang, indicator_units),
            freeze_columns=spec.freeze))
    return sheets


#: The code columns of a sheet that get a column of words next to them (besides
#: :data:`_LABELLED`): the audit's checks, statuses and groups, the drivers' kinds, units and
#: models, the kinds of the models' settings, the units of the scenarios' drivers.
_CODE_LABELS = {"audit": ("check", "status", "group"), "drivers": ("kind", "unit", "model"),
                "priors": ("kind",), "scenarios": ("unit",)}


def _code_labels(frame: pd.DataFrame, lang: str, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with a column ``<column>_label`` of words after each code column of
    ``columns``: a check's name as on the page, a unit as a header shows it, a model or a
    code by its label (the code itself where the registry has none)."""
    from nldtib_forecast.labels import label, unit_label
    from nldtib_forecast.report.html import _check_label

    def words(column: str, code: str) -> str:
        if column == "check":
            return _check_label(code, lang)
        if column == "unit":
            try:
                return unit_label(code, lang) or code
            except InputError:
                return code
        return label(code, lang, kind="model" if column == "model" else "code", strict=False)

    frame = frame.copy()
    for column in columns:
        if column in frame and f"{column}_label" not in frame:
            frame.insert(frame.columns.get_loc(column) + 1, f"{column}_label",
                         [words(column, str(c)) for c in frame[column]])
    return frame


#: Identifier columns that get a column of labels next to them in the workbook (people read
#: the label; the code stays for filters and formulas).
_LABELLED = ("future", "policy", "scenario", "variable", "driver", "indicator")


def _with_label_columns(frame: pd.DataFrame, lang: str, bounds: float | str | None,
                        scenarios: Mapping | None = None) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with a label column after each identifier column of :data:`_LABELLED`, and
    the headers: ``Scenario (code)`` and ``Scenario`` for such a pair, :func:`header` else."""
    from nldtib_forecast.labels import column_labels, relabel

    ids = [c for c in _LABELLED if c in frame.columns]
    if ids:
        frame = relabel(frame, lang, ids, strict=False, scenarios=scenarios)
    ids += [c for c in frame.columns if isinstance(c, str) and c not in ids
            and f"{c}_label" in frame.columns]  # labels written before (the audit's checks)
    headers = []
    for column in frame.columns:
        if column in ids:
            headers.append(column_labels([column, f"{column}_label"], lang)[0])
        elif isinstance(column, str) and column.removesuffix("_label") in ids:
            headers.append(column_labels([column.removesuffix("_label"), column], lang)[1])
        else:
            headers.append(header(column, lang, bounds=bounds))
    return frame, headers


def _cover_rows_data(spec) -> list[tuple[str, str, str]]:
    """The cover's rows on the data used."""
    survey = spec.survey
    years = sorted(int(y) for y in pd.unique(survey["year"]))
    rows = [("", "Survey", spec.survey_description()),
            ("", "Survey rows", f"{count(len(survey))} firm-years, {years[0]}-{years[-1]}"
             if years else count(len(survey)))]
    if spec.survey_file:
        rows.append(("", "Survey file SHA-256", str(spec.survey_sha256)))
    if spec.population_file:
        w = spec.weights_source()
        rows += [("", "Frame counts", f"{w['file']}: {count(w['frame_firms'])} frame firms, "
                  f"{count(w['responding_firms'])} responded, {w['strata']} response groups"),
                 ("", "Frame counts SHA-256", str(spec.population_sha256))]
    rows.append(("", "Published figures", "the NLDTIB letters and reports (sheets 'published' "
                 "and 'sources'), checked on the sheet 'audit'"))
    if spec.disclosure is not None:
        d = spec.disclosure
        rows.append(("", "Disclosure", f"{d['additive_tables']} published additive figure(s) "
                     f"from the microdata audited together; {d['suppressed_cells']} "
                     "suppressed (empty cells, with their status), none recoverable from the "
                     "others"))
    return rows


def cover_sheet(spec, sheets: list[Sheet], results: Mapping, *, level: float = SUMMARY_LEVEL,
                survey_level: float = SURVEY_LEVEL, lang: str = "en") -> TextSheet:
    """The cover of the report workbook: what it is, the data used (synthetic or real, said
    first), how to reproduce it, what each sheet holds and how to read the intervals.

    ``spec`` is the run's :class:`~nldtib_forecast.report.run.RunSpec`; ``lang`` the language
    (``"nl"``: Dutch)."""
    if lang == "nl":
        return _cover_sheet_nl(spec, sheets, results, level=level, survey_level=survey_level)
    from nldtib_forecast._version import __version__

    n_scen = sum(len(r.scenarios) for r in results.values())
    first = min((int(r.years[0]) for r in results.values()), default=None)
    rows: list[tuple[str, str, str]] = [("title", "NLDTIB outlook report", "")]
    if spec.synthetic:
        rows.append(("warning", "SYNTHETIC DATA", "The survey in this report is synthetic: a "
                     f"firm-level panel drawn with seed {spec.seed} and calibrated to the "
                     "published figures, not the confidential survey microdata. Every figure "
                     "computed from it (model results, survey estimates) illustrates the "
                     "method and is not an estimate of the real NLDTIB."))
    else:
        rows.append(("notice", "Real survey data", f"The survey is the file "
                     f"{Path(spec.survey_file or '').name}; tables from the microdata pass the "
                     "disclosure rules (suppressed figures are empty cells, with their status); "
                     "the microdata themselves are not in this workbook."))
    rows += [
        ("", "", ""), ("heading", "What this is", ""),
        ("", "Report", "Outlook of the Dutch defence and security technological industrial base "
         f"(NLDTIB): {count(n_scen)} scenarios simulated "
         + (f"{first}-{spec.horizon} " if first else "")
         + f"with {count(spec.n_draws)} Monte Carlo draws each, the survey's headline figures "
         "and turnover decomposition, and the published figures with their audit"),
        ("", "Library", f"nldtib_forecast {__version__}"),
        ("", "Command line", spec.command_line()),
        ("", "Date", "not written here, so that the same inputs and seed give identical files: "
         "timing.json in the report directory has when the run finished"),
        ("", "", ""), ("heading", "Data used", ""), *_cover_rows_data(spec),
        ("", "", ""), ("heading", "How to reproduce", ""),
        ("", "Command", f"{spec.command_line()}  (DIR: a new directory)"),
        ("", "Check", "manifest.json in the report directory has the version, seed, draws, "
         "scenario file, the hashes of the input data and the SHA-256 of every file: the same "
         "command gives byte-identical files (timing.json excepted)"),
        ("", "", ""), ("heading", "Sheets", ""),
        *[("", s.name, s.preface[1][1] if len(s.preface) > 1 else "") for s in sheets],
        ("", "results.csv", "every statistic of the draws (mean, standard deviation, "
         "quantiles) per model, scenario, year and variable: the file for machines"),
        ("", "", ""), ("heading", "Intervals", ""),
        ("", f"{header('lower', bounds=level)}, {header('upper', bounds=level)}",
         f"the {percent((1 - level) / 2, decimals=None)} and "
         f"{percent((1 + level) / 2, decimals=None)} quantiles of the Monte Carlo draws: a "
         f"central {percent(level, decimals=0)} interval around the median (sheets "
         "policy_effects, summary, results; for the policy effects, of the draw-by-draw "
         "difference). What they include and leave out: sheet 'models', column "
         "intervals_include"),
        ("", f"{header('lower', bounds=survey_level)}, {header('upper', bounds=survey_level)}",
         f"design-based {percent(survey_level, decimals=0)} confidence intervals of the survey "
         "estimates (sampling uncertainty; sheets survey_summary, headline)"),
        ("", "lower (valid range), upper (valid range)", "the values a driver may take (sheet "
         "drivers)"),
        ("", "lower (rounding range), upper (rounding range)", "what the rounded published "
         "inputs permit (sheet audit)"),
        ("", "", ""), ("heading", "Reading the sheets", ""),
        ("", "Layout", f"each sheet: its title (row 1), what it holds (row 2), the synthetic-data "
         f"caveat (row 3, in a run on synthetic data), the table from row {HEADER_ROW} with "
         "filters. pandas: pd.read_excel(path, sheet_name=NAME, "
         f"header={HEADER_ROW - 1}); the CSV files hold the same tables with machine column "
         "names"),
        ("", "Units", "amounts are stored in EUR and shown in EUR bn with one decimal; fractions "
         "as percentages; counts with thousands separators; indices with three decimals. An "
         "empty cell is a missing or suppressed figure (see the status columns)"),
        ("", "CSV files", "the same tables with the identifiers as column names, for machines: "
         "those computed from the survey have a last column 'data' ('synthetic' for the "
         "synthetic survey, 'survey' for a survey file), those with intervals a column "
         "'level' (0.9: lower and upper are the 5% and 95% quantiles)"),
    ]
    return TextSheet("cover", rows)


def _cover_sheet_nl(spec, sheets: list[Sheet], results: Mapping, *, level: float,
                    survey_level: float) -> TextSheet:
    """The Dutch cover (:func:`cover_sheet`), for the ministry's own readers."""
    from nldtib_forecast._version import __version__

    def pct(value: float) -> str:
        return percent(value, decimals=None, lang="nl")

    n_scen = sum(len(r.scenarios) for r in results.values())
    first = min((int(r.years[0]) for r in results.values()), default=None)
    survey = spec.survey
    years = sorted(int(y) for y in pd.unique(survey["year"]))
    rows: list[tuple[str, str, str]] = [("title", "NLDTIB-verkenning", "")]
    if spec.synthetic:
        rows.append(("warning", "SYNTHETISCHE GEGEVENS", "De enquête in dit rapport is "
                     f"synthetisch: een panel van bedrijven getrokken met seed {spec.seed} en "
                     "afgestemd op de gepubliceerde cijfers, niet de vertrouwelijke "
                     "enquêtegegevens. Elk cijfer dat eruit is berekend (modeluitkomsten, "
                     "schattingen uit de enquête) illustreert de methode en is geen schatting "
                     "voor de echte NLDTIB."))
    else:
        rows.append(("notice", "Echte enquêtegegevens", "De enquête is het bestand "
                     f"{Path(spec.survey_file or '').name}; tabellen uit de microdata voldoen "
                     "aan de regels voor onthullingsbeheersing (onderdrukte cijfers zijn lege "
                     "cellen, met hun status); de microdata zelf staan niet in deze werkmap."))
    from nldtib_forecast.report.html import _survey_text

    data_rows = [("", "Enquête", _survey_text(spec, "nl")),
                 ("", "Regels in de enquête", f"{count(len(survey), lang='nl')} "
                  f"bedrijfsjaren, {years[0]}-{years[-1]}" if years
                  else count(len(survey), lang="nl"))]
    if spec.survey_file:
        data_rows.append(("", "SHA-256 van het enquêtebestand", str(spec.survey_sha256)))
    if spec.population_file:
        w = spec.weights_source()
        data_rows += [("", "Populatietellingen", f"{w['file']}: "
                       f"{count(w['frame_firms'], lang='nl')} bedrijven in het kader, "
                       f"{count(w['responding_firms'], lang='nl')} hebben gerespondeerd, "
                       f"{w['strata']} responsgroepen"),
                      ("", "SHA-256 van de populatietellingen", str(spec.population_sha256))]
    data_rows.append(("", "Gepubliceerde cijfers", "de Kamerbrieven en rapporten over de NLDTIB "
                      "(bladen 'published' en 'sources'), gecontroleerd op het blad 'audit'"))
    if spec.disclosure is not None:
        d = spec.disclosure
        data_rows.append(("", "Onthullingsbeheersing", f"{d['additive_tables']} gepubliceerde "
                          "optelbare cijfer(s) uit de microdata samen gecontroleerd; "
                          f"{d['suppressed_cells']} onderdrukt (lege cellen, met hun status), "
                          "geen enkele af te leiden uit de andere"))
    lower, upper = header("lower", "nl", bounds=level), header("upper", "nl", bounds=level)
    s_lower = header("lower", "nl", bounds=survey_level)
    s_upper = header("upper", "nl", bounds=survey_level)
    rows += [
        ("", "", ""), ("heading", "Wat dit is", ""),
        ("", "Rapport", "Verkenning van de Nederlandse defensie- en veiligheidsgerelateerde "
         f"technologische industriële basis (NLDTIB): {count(n_scen, lang='nl')} scenario's "
         "doorgerekend " + (f"voor {first}-{spec.horizon} " if first else "")
         + f"met elk {count(spec.n_draws, lang='nl')} Monte-Carlotrekkingen, de kerncijfers "
         "uit de enquête en de splitsing van de omzetgroei, en de gepubliceerde cijfers met "
         "hun controle"),
        ("", "Bibliotheek", f"nldtib_forecast {__version__}"),
        ("", "Opdrachtregel", spec.command_line()),
        ("", "Datum", "staat hier niet, zodat dezelfde invoer en seed identieke bestanden "
         "geven: timing.json in de rapportmap vermeldt wanneer de run klaar was"),
        ("", "", ""), ("heading", "Gebruikte gegevens", ""), *data_rows,
        ("", "", ""), ("heading", "Zo herhaalt u de berekening", ""),
        ("", "Opdracht", f"{spec.command_line()}  (DIR: een nieuwe map)"),
        ("", "Controle", "manifest.json in de rapportmap bevat de versie, de seed, het aantal "
         "trekkingen, het scenariobestand, de kenmerken (hashes) van de invoergegevens en de "
         "SHA-256 van elk bestand: dezelfde opdracht geeft byte voor byte dezelfde bestanden "
         "(behalve timing.json)"),
        ("", "", ""), ("heading", "Bladen", ""),
        *[("", sh.name, sh.preface[1][1] if len(sh.preface) > 1 else "") for sh in sheets],
        ("", "results.csv", "alle statistieken van de trekkingen (gemiddelde, standaardafwijking, "
         "kwantielen) per model, scenario, jaar en grootheid: het bestand voor verdere "
         "verwerking"),
        ("", "", ""), ("heading", "Intervallen", ""),
        ("", f"{lower}, {upper}", f"het {pct((1 - level) / 2)}- en {pct((1 + level) / 2)}-"
         "kwantiel van de Monte-Carlotrekkingen: een centraal "
         f"{percent(level, decimals=0, lang='nl')}-interval rond de mediaan (bladen "
         "policy_effects, summary, results; bij de beleidseffecten van het verschil per "
         "trekking). Wat ze omvatten en weglaten: blad 'models', kolom 'Wat de intervallen "
         "omvatten'"),
        ("", f"{s_lower}, {s_upper}", f"{percent(survey_level, decimals=0, lang='nl')}-"
         "betrouwbaarheidsintervallen van de schattingen uit de enquête volgens het "
         "steekproefontwerp (steekproefonzekerheid; bladen survey_summary, headline)"),
        ("", "Ondergrens en bovengrens (toegestaan bereik)", "de waarden die een factor mag "
         "aannemen (blad drivers)"),
        ("", "Ondergrens en bovengrens (afrondingsbereik)", "wat de afgeronde gepubliceerde "
         "invoer toelaat (blad audit)"),
        ("", "", ""), ("heading", "Zo leest u de bladen", ""),
        ("", "Opbouw", "elk blad: de titel (rij 1), wat het bevat (rij 2), de waarschuwing voor "
         f"synthetische gegevens (rij 3, bij een run op synthetische gegevens), de tabel vanaf "
         f"rij {HEADER_ROW} met filters. pandas: pd.read_excel(pad, sheet_name=NAAM, "
         f"header={HEADER_ROW - 1}); de CSV-bestanden bevatten dezelfde tabellen met "
         "kolomnamen voor verdere verwerking"),
        ("", "Eenheden", "bedragen zijn opgeslagen in euro en worden getoond in miljarden euro "
         "met één decimaal; aandelen als percentages; aantallen met scheidingstekens voor "
         "duizendtallen; indexcijfers met drie decimalen. Een lege cel is een ontbrekend of "
         "onderdrukt cijfer (zie de statuskolommen)"),
        ("", "CSV-bestanden", "dezelfde tabellen met de codes als kolomnamen, voor verdere "
         "verwerking: de tabellen uit de enquête hebben als laatste kolom 'data' ('synthetic' "
         "voor de synthetische enquête, 'survey' voor een enquêtebestand), die met intervallen "
         "een kolom 'level' (0.9: lower en upper zijn het 5%- en 95%-kwantiel)"),
    ]
    return TextSheet("cover", rows)
