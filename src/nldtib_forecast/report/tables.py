"""Tables of the ``nldtib-forecast run`` and ``report`` output (private).

Generic over :class:`~nldtib_forecast.results.ScenarioResult` objects (a mapping of model name
to result), plus the disclosure-controlled survey tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from nldtib_forecast._format import number

#: Years of the summary table (median and interval), when the results reach them.
SUMMARY_YEARS: tuple[int, ...] = (2030, 2035)
#: Central interval level of the summary table.
SUMMARY_LEVEL = 0.9


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
        n = int((survey["year"] == year).sum())
        # the respondent count is a frequency cell of its own: shown only when it may be
        row["respondents"] = n if row["firms_status"] == "publish" else pd.NA
        rows.append(row)
    out = pd.DataFrame(rows).set_index("year")
    out.index = out.index.astype("int64")
    out["respondents"] = out["respondents"].astype("Int64")
    if survey.attrs.get("synthetic", False):
        label = "synthetic survey, not real firms"
        if seed is not None:
            label += f" (seed {seed})"
    else:
        label = "survey"
    out["data"] = label
    return out


def policy_effects_table(results: Mapping, variables, reference: str,
                         years=SUMMARY_YEARS, level: float = SUMMARY_LEVEL
                         ) -> pd.DataFrame | None:
    """What each policy adds over ``reference``, per future, variable and year (tidy):
    ``model, future, policy, variable, unit, year, median, lower, upper, share_positive``;
    ``None`` when no result holds a policies x futures grid."""
    rows = []
    for model, result in results.items():
        if not result.futures:
            continue
        shown = [y for y in years if y in result.years] or [int(result.years[-1])]
        for var in variables:
            if var not in result.variables:
                continue
            eff = result.policy_effects(var, reference=reference, years=shown, level=level)
            frame = eff.reset_index()
            frame.insert(0, "model", model)
            frame.insert(3, "variable", var)
            frame.insert(4, "unit", result.units[var])
            rows.append(frame[["model", "future", "policy", "variable", "unit", "year",
                               "median", "lower", "upper", "share_positive"]])
    if not rows:
        return None
    out = pd.concat(rows, ignore_index=True)
    order = {v: i for i, v in enumerate(variables)}
    return out.sort_values(["model", "variable"], key=lambda s: s.map(order)
                           if s.name == "variable" else s, kind="stable").reset_index(drop=True)


def constraints_table(results: Mapping) -> pd.DataFrame:
    """Which constraint limits turnover when: ``model, scenario, sentence`` and the years in
    which capacity binds in most draws."""
    from nldtib_forecast.models.outlook import binding_constraints

    rows = []
    for model, result in results.items():
        if "unmet_demand_eur" not in result.variables:
            continue
        b = binding_constraints(result)
        for scen in result.scenarios:
            part = b.loc[scen]
            cap = [int(y) for y in part.index[part["binding"] == "capacity"]]
            rows.append({"model": model, "scenario": scen,
                         "sentence": part["sentence"].iloc[0],
                         "capacity_bound_years": ", ".join(map(str, cap))})
    return pd.DataFrame(rows, columns=["model", "scenario", "sentence",
                                       "capacity_bound_years"])


def results_table(results: Mapping) -> pd.DataFrame:
    """All results, tidy: ``model, scenario, year, variable, unit, statistic, value``."""
    parts = []
    for model, result in results.items():
        frame = result.to_frame()
        frame.insert(0, "model", model)
        frame.insert(4, "unit", frame["variable"].map(dict(result.units)))
        frame.attrs = {}
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def summary_table(results: Mapping, years=SUMMARY_YEARS, level: float = SUMMARY_LEVEL,
                  key_only: bool = False) -> pd.DataFrame:
    """Median and central interval in ``years``: ``model, scenario, variable, unit, year,
    median, lower, upper`` (the years a result does not reach are left out)."""
    rows = []
    for model, result in results.items():
        shown = [y for y in years if y in result.years]
        if not shown:
            continue
        variables = key_variables(model, result) if key_only else result.variables
        for var in variables:
            frame = result.summary_frame(var, level=level, year=shown).reset_index()
            frame.insert(0, "model", model)
            frame.insert(2, "variable", var)
            frame.insert(3, "unit", result.units[var])
            rows.append(frame[["model", "scenario", "variable", "unit", "year", "median",
                               "lower", "upper"]])
    if not rows:
        return pd.DataFrame(columns=["model", "scenario", "variable", "unit", "year",
                                     "median", "lower", "upper"])
    return pd.concat(rows, ignore_index=True)


def _setting(value) -> str:
    """A driver's setting as text: ``0.02``, or a path ``2025: 0.02, 2030: 0.03``."""
    if isinstance(value, Mapping):
        return ", ".join(f"{y}: {_setting(v)}" for y, v in value.items())
    return number(value, significant=6, grouping=False)


def scenario_table(scenarios: Mapping) -> pd.DataFrame:
    """One row per scenario and driver it sets: the path (``year: value``), the driver's unit
    and default, the description and the sources."""
    from nldtib_forecast.scenarios import get_driver

    rows = []
    for name, scenario in scenarios.items():
        base = {"scenario": name, "description": scenario.description,
                "sources": "; ".join(scenario.sources)}
        set_drivers = scenario.drivers
        if not set_drivers:
            rows.append({**base, "driver": "(none: every driver at its default)", "unit": "",
                         "setting": "", "default": np.nan})
        for driver, value in set_drivers.items():
            spec = get_driver(driver)
            rows.append({**base, "driver": driver, "unit": spec.unit, "setting": _setting(value),
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


