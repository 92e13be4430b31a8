"""The survey figures of the 2026 letter to parliament, recomputed from microdata.

:func:`headline_figures` turns a survey edition's microdata into every survey figure the letter
of 21 May 2026 reports, each with a design-based confidence interval, the published value next
to it and its disclosure status. The estimators are those of
:mod:`nldtib_forecast.survey._estimators` (design-based, with disclosure control); statistics
across two years (growth rates) use the Rao-Wu bootstrap of the same design, because a firm's
rows in both years belong to one sampling unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from nldtib_forecast._errors import (
    InputError,
    check_int,
    check_level,
    check_option,
    check_seed,
    check_year,
)

__all__ = ["headline_figures", "HEADLINE_INDICATORS"]

#: Indicators of :func:`headline_figures`, in output order, with the statistic behind each.
HEADLINE_INDICATORS: dict[str, str] = {
    "firms": "weighted number of firms",
    "ds_turnover_eur": "total D&S turnover",
    "ds_turnover_growth": "ratio of total D&S turnover to the previous year's, minus 1 (all "
                          "firms, entrants and exits included; bootstrap)",
    "ds_turnover_share": "total D&S turnover / total turnover",
    "export_share": "total D&S exports / total D&S turnover",
    "scale_up_current": "D&S-turnover weighted mean scale-up, current conditions",
    "scale_up_improved": "D&S-turnover weighted mean scale-up, improved conditions",
    "no_cost_pass_through_share": "share of firms not passing cost increases on",
    "financing_challenge_share": "share of firms with financing challenges",
    "oem_share": "share of firms that are OEMs",
    "pe_growth_premium": "PE-backed minus other firms' D&S growth, AIPW (bootstrap)",
}

_COLUMNS = ["estimate", "std_error", "ci_lower", "ci_upper", "published", "covers_published",
            "status", "rule", "n_respondents", "variance_method", "note"]


def _row(indicator: str, category: str, est: pd.Series, method: str, note: str = "") -> dict:
    return {"indicator": indicator, "category": category, "estimate": est["estimate"],
            "std_error": est["std_error"], "ci_lower": est["ci_lower"],
            "ci_upper": est["ci_upper"], "status": est["status"], "rule": est["rule"],
            "n_respondents": est["n_respondents"], "variance_method": method, "note": note}


def _growth_rows(design, year: int, level: float, n_replicates: int, seed, rules,
                 protect: bool, by: str) -> list[dict]:
    """D&S turnover growth year-1 -> year, overall and by ``by``, from replicate weights."""
    from nldtib_forecast.survey._disclosure import DisclosureRules, cell_status
    from nldtib_forecast.survey._estimators import survey_total

    frame = design.data
    years = frame["year"].to_numpy()
    ds = frame["turnover_ds_eur"].to_numpy(float)
    w = design.weights.to_numpy(float)
    reps = design.replicate_weights(n_replicates=n_replicates, seed=seed).to_numpy(float)
    domain = pd.Series("all", index=frame.index)
    groups = {"": np.ones(len(frame), dtype=bool)}
    cats = frame[by].astype(str).to_numpy()
    for cat in pd.unique(cats[years == year]):
        groups[str(cat)] = cats == cat
    labels = list(groups)
    member = np.column_stack([groups[k] for k in labels]).astype(float)  # rows x domains
    rows = []
    totals = {}
    for y in (year - 1, year):
        m = (years == y)[:, None] * member * ds[:, None]
        totals[y] = (m.T @ np.column_stack([w, reps]))  # domains x (1 + R)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = totals[year] / totals[year - 1] - 1.0
    point, boot = growth[:, 0], growth[:, 1:]
    se = np.sqrt(np.mean((boot - point[:, None]) ** 2, axis=1))
    q = stats.t.ppf(0.5 + level / 2, design.degrees_of_freedom)
    cur = years == year
    rules_ = DisclosureRules() if rules is None else rules
    protect = protect and rules_.enabled
    status = pd.DataFrame({"status": "unprotected", "rule": "", "n_contributors": 0},
                          index=labels)
    if protect:
        cells = pd.Series(cats, index=frame.index)[cur]
        by_cell = cell_status(pd.Series(ds, index=frame.index)[cur], cells, rules_,
                              firm=frame.loc[cur, "firm_id"])
        overall = cell_status(pd.Series(ds, index=frame.index)[cur], domain[cur], rules_,
                              firm=frame.loc[cur, "firm_id"])
        status.loc[by_cell.index.astype(str), ["status", "rule"]] = by_cell[["status", "rule"]]
        status.loc["", ["status", "rule"]] = overall[["status", "rule"]].iloc[0].to_numpy()
        # a growth rate and one year's published level give the other year's level: a domain
        # is suppressed when the protected table of D&S turnover by domain of either year
        # suppresses it
        for y in (year - 1, year):
            t = survey_total(design, "turnover_ds_eur", by=by, year=y, rules=rules_)
            for lab_y, st, rl in zip(t.index.astype(str), t["status"], t["rule"],
                                     strict=True):
                if (lab_y in status.index and st in ("primary", "secondary")
                        and status.loc[lab_y, "status"] == "publish"):
                    status.loc[lab_y, ["status", "rule"]] = [st, f"{y}: {rl}"]
        bad = (status["status"] == "publish") & ~(np.isfinite(point) & np.isfinite(se))
        status.loc[bad, ["status", "rule"]] = ["not_available", "not a finite number"]
    n_resp = [int(((years == year) & groups[k]).sum()) for k in labels]
    for i, lab in enumerate(labels):
        hidden = status.loc[lab, "status"] in ("primary", "secondary", "not_available")
        est = pd.Series({"estimate": point[i], "std_error": se[i],
                         "ci_lower": point[i] - q * se[i], "ci_upper": point[i] + q * se[i],
                         "status": status.loc[lab, "status"], "rule": status.loc[lab, "rule"],
                         "n_respondents": n_resp[i]})
        if hidden:
            est[["estimate", "std_error", "ci_lower", "ci_upper"]] = np.nan
            est["n_respondents"] = pd.NA
        rows.append(_row("ds_turnover_growth", "" if lab == "" else f"{by}={lab}", est,
                         f"bootstrap ({n_replicates} Rao-Wu replicates)"))
    return rows


def headline_figures(survey, year: int | None = None, level: float = 0.95, *,
                     variance: str = "linearization", n_replicates: int = 500,
                     seed: int | np.random.Generator | None = 0, rules=None,
                     protect: bool = True,
                     growth_by: str = "nld_area", pe_replicates: int = 200) -> pd.DataFrame:
    """Recompute the survey figures of the 2026 letter from microdata, with intervals.

    Parameters
    ----------
    survey : pandas.DataFrame or SurveyDesign
        Survey microdata in the survey schema (e.g. :func:`~nldtib_forecast.data.synthetic_survey`).
    year : int, optional
        Reference year (default: the survey's last year). Growth rates compare with
        ``year - 1``, which must be in the data. A whole number (``2024``; ``2024.0`` is
        accepted, ``2024.5``, ``"2024"`` and ``[2024]`` are errors), as every ``year``
        argument of the package.
    level : float, default 0.95
        Confidence level.
    variance : {"linearization", "bootstrap"}
        Variance method of the one-year statistics (totals, ratios, proportions). Growth rates
        and the PE premium always use the Rao-Wu bootstrap.
    n_replicates : int, default 500
        Bootstrap replicates (growth rates, and all statistics with ``variance="bootstrap"``).
    seed : int, optional
        Seed of the bootstrap replicates (an integer >= 0, or a numpy Generator); the same seed
        gives identical results.
    rules : DisclosureRules, optional
        Disclosure rules (default :class:`~nldtib_forecast.survey.DisclosureRules`: at least 10
        firms and (2, 85%) dominance per cell). Suppressed figures are NaN.
    protect : bool, default True
        ``False`` turns disclosure control off; the output is then marked ``"unprotected"``.
    growth_by : str, default ``"nld_area"``
        Domain column for the growth rates by domain ("growth by NLD area" in the letter).
    pe_replicates : int, default 200
        Replicates of the PE growth premium (its models are refitted on each replicate).

    Returns
    -------
    pandas.DataFrame
        One row per figure, with the columns ``indicator`` (the indicator names of
        :func:`~nldtib_forecast.data.load_published`) and ``category`` (``""`` for totals,
        ``"nld_area=<area>"`` for growth by area) first, as in the report's
        ``headline.csv`` (``.set_index(["indicator", "category"])`` gives the keyed view),
        then ``estimate, std_error,
        ci_lower, ci_upper, published, covers_published, status, rule, n_respondents,
        variance_method, note``. ``published`` is the 2026 letter's value for the same year
        (NaN where it publishes none); ``covers_published`` says whether the interval contains
        it. ``status`` is the disclosure status (``publish``, ``primary``, ``unprotected``) or
        ``not_available`` for a question not asked in ``year``. ``attrs`` record the year,
        level, seed, synthetic flag and protection.

    Raises
    ------
    nldtib_forecast.InputError
        A bad ``year`` (or no rows for ``year - 1``), ``level``, ``variance``, ``seed`` or
        ``rules``, a ``growth_by`` column not in the data, or survey data failing schema
        validation.

    See Also
    --------
    nldtib_forecast.data.load_published : The letter's published figures compared with.
    survey_total, survey_ratio, survey_proportion : The estimators behind the figures.
    pe_growth_premium : The PE growth premium.

    Notes
    -----
    Scale-up figures are D&S-turnover weighted: :math:`\\sum w_i Y_i u_i / \\sum w_i Y_i` over
    firms that answered the question (a ratio estimator). Item non-response is excluded and
    counted in the estimators' ``n_missing``. The letter's "+21.5%" does not follow from its
    own levels (see :func:`~nldtib_forecast.data.audit_published`); the growth estimated here is
    the ratio of the two years' totals.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import headline_figures
    >>> h = headline_figures(synthetic_survey(seed=0), n_replicates=100, pe_replicates=20)
    >>> list(h.columns[:3])
    ['indicator', 'category', 'estimate']
    >>> keyed = h.set_index(["indicator", "category"])
    >>> float(keyed.loc[("scale_up_current", ""), "published"])
    0.33
    >>> bool(keyed.loc[("ds_turnover_share", ""), "covers_published"])
    True
    """
    from nldtib_forecast.data import load_published
    from nldtib_forecast.survey._design import SurveyDesign
    from nldtib_forecast.survey._estimators import (
        survey_proportion,
        survey_ratio,
        survey_total,
    )
    from nldtib_forecast.survey._premium import pe_growth_premium

    check_option("variance", variance, ("linearization", "bootstrap"))
    year = check_year(year, "year", optional=True)
    seed = check_seed(seed, "seed")
    n_replicates = check_int(n_replicates, "n_replicates", 2)
    pe_replicates = check_int(pe_replicates, "pe_replicates", 2)
    level = check_level(level)
    if not isinstance(protect, bool | np.bool_):
        raise InputError(f"argument 'protect': must be True or False, got {protect!r}")
    if not isinstance(growth_by, str):
        raise InputError(f"argument 'growth_by': must be a column name (str), got "
                         f"{type(growth_by).__name__}")
    frame = survey.data if isinstance(survey, SurveyDesign) else survey
    if not isinstance(frame, pd.DataFrame):
        raise InputError("argument 'survey': expected a DataFrame or a SurveyDesign, got "
                         f"{type(survey).__name__}")
    for col in ("scale_up_current", "scale_up_improved", "passes_on_costs", "chain_position",
                "financing_challenge", growth_by):
        if col not in frame.columns:
            raise InputError(f"column '{col}': not in the survey data")
    work = frame.copy()
    answered = work["scale_up_current"].notna() & work["scale_up_improved"].notna()
    ds_answered = work["turnover_ds_eur"].where(answered)
    work["_ds_scale_current"] = ds_answered * work["scale_up_current"]
    work["_ds_scale_improved"] = ds_answered * work["scale_up_improved"]
    work["_ds_answered"] = ds_answered
    pass_known = work["passes_on_costs"].notna()
    work["_no_pass"] = (work["passes_on_costs"] == "none").astype("boolean").where(pass_known)
    work["_oem"] = (work["chain_position"] == "oem").astype("boolean")
    if isinstance(survey, SurveyDesign):
        # same design on the frame with the derived columns; the population size per stratum
        # is carried over explicitly (None when the design has no fpc)
        fpc = (survey.strata_table()["population_psu"].to_dict()
               if survey.strata_column is not None and survey.fpc_source != "none" else None)
        design = SurveyDesign(work, weight=survey.weight_column, strata=survey.strata_column,
                              psu=survey.psu_column, fpc=fpc)
    else:
        design = SurveyDesign(work)
    data = design.data
    year = int(data["year"].max()) if year is None else year
    if not (data["year"] == year).any():
        raise InputError(f"argument 'year': no survey rows for {year}")
    if not (data["year"] == year - 1).any():
        raise InputError(f"argument 'year': growth needs rows for {year - 1} too")
    kw = dict(year=year, level=level, variance=variance, n_replicates=n_replicates, seed=seed,
              rules=rules, protect=protect)
    method = ("linearization" if variance == "linearization" else
              f"bootstrap ({n_replicates} Rao-Wu replicates)")
    rows = [
        _row("firms", "", survey_total(design, None, **kw).iloc[0], method),
        _row("ds_turnover_eur", "", survey_total(design, "turnover_ds_eur", **kw).iloc[0],
             method),
    ]
    rows += _growth_rows(design, year, level, n_replicates, seed, rules, protect, growth_by)
    rows[2]["note"] = ("the 2026 letter states +21.5%, but its levels 8.0 -> 10.2 bn give "
                       "+27.5%; see audit_published()")
    this_year = data["year"] == year

    def one(indicator, fn, *args, needs):
        # edition questions are asked once per edition: a year without answers is reported as
        # not available instead of being estimated from nothing
        if not data.loc[this_year, needs].notna().any():
            return {"indicator": indicator, "category": "", "estimate": np.nan,
                    "std_error": np.nan, "ci_lower": np.nan, "ci_upper": np.nan,
                    "status": "not_available", "rule": "", "n_respondents": 0,
                    "variance_method": method, "note": f"'{needs}' not answered in {year}"}
        return _row(indicator, "", fn(design, *args, **kw).iloc[0], method)

    rows += [
        one("ds_turnover_share", survey_ratio, "turnover_ds_eur", "turnover_total_eur",
            needs="turnover_ds_eur"),
        one("export_share", survey_ratio, "export_ds_eur", "turnover_ds_eur",
            needs="export_ds_eur"),
        one("scale_up_current", survey_ratio, "_ds_scale_current", "_ds_answered",
            needs="_ds_scale_current"),
        one("scale_up_improved", survey_ratio, "_ds_scale_improved", "_ds_answered",
            needs="_ds_scale_improved"),
        one("no_cost_pass_through_share", survey_proportion, "_no_pass", needs="_no_pass"),
        one("financing_challenge_share", survey_proportion, "financing_challenge",
            needs="financing_challenge"),
        one("oem_share", survey_proportion, "_oem", needs="_oem"),
    ]
    pe = pe_growth_premium(design, year=year, level=level, n_replicates=pe_replicates,
                           seed=seed)
    aipw = pe.estimates.loc["aipw"]
    from nldtib_forecast.survey._disclosure import DisclosureRules

    rules_ = DisclosureRules() if rules is None else rules
    active = protect and rules_.enabled
    small = active and rules_.min_frequency is not None and \
        min(pe.n_treated, pe.n_control) < rules_.min_frequency
    pe_est = pd.Series({**aipw.to_dict(),
                        "status": "primary" if small else ("publish" if active else
                                                           "unprotected"),
                        "rule": f"min_frequency({rules_.min_frequency})" if small else "",
                        "n_respondents": pe.n_treated + pe.n_control})
    if small:
        pe_est[["estimate", "std_error", "ci_lower", "ci_upper"]] = np.nan
    rows.append(_row("pe_growth_premium", "", pe_est,
                     f"bootstrap ({pe_replicates} Rao-Wu replicates, models refitted)",
                     "association under unconfoundedness, not causation; the letter says "
                     "PE-backed firms grow faster (no number)"))

    out = pd.DataFrame(rows).set_index(["indicator", "category"])
    pub = load_published(edition=2026)
    # figures for the year itself; growth rates are published for the later year of the pair
    same_year = (pub["year"] == year) & (
        (pub["year_start"] == year) | (pub["indicator"] == "ds_turnover_growth"))
    pub = pub[same_year]
    pub = pub.set_index(["indicator", "category"])["value"]
    pub = pub[~pub.index.duplicated()]
    out["published"] = pub.reindex(out.index).to_numpy(dtype=float)
    covers = (out["ci_lower"] <= out["published"]) & (out["published"] <= out["ci_upper"])
    out["covers_published"] = covers.astype("boolean").where(
        out["published"].notna() & out["estimate"].notna())
    # the keys as columns, as in headline.csv: the same shape in Python and on disk
    out = out[_COLUMNS].reset_index()
    out.attrs.update(year=year, level=level, seed=seed, variance=variance,
                     n_replicates=n_replicates, synthetic=bool(frame.attrs.get("synthetic")),
                     protected=bool(protect and rules_.enabled),
                     rules=rules_.describe() if rules_.enabled else "off")
    return out
