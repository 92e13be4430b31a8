"""The joint disclosure audit of everything a report publishes from the microdata (private).

Every additive figure a report publishes from the survey microdata (weighted counts of firms
and totals, per variable and year, overall or by domain) is collected as a published table
and :func:`~nldtib_forecast.survey.audit_tables` bounds every suppressed cell given *all* of
them together. Ratios, means and growth rates are not additive: the estimators suppress them
wherever the additive tables behind them are suppressed. The report refuses to write its
output when a suppressed cell could be recovered.
"""

from __future__ import annotations

import pandas as pd

from nldtib_forecast._errors import InputError

__all__ = ["disclosure_audit", "summary_tables"]

#: survey_summary columns that are additive, with the estimator statistic and variable.
_ADDITIVE = {
    "firms": ("count", None),
    "ds_turnover_eur": ("total", "turnover_ds_eur"),
    "fte_total": ("total", "fte_total"),
    "fte_ds": ("total", "fte_ds"),
}


def _one_cell(value: float, status: str, statistic: str, variable, year: int) -> pd.DataFrame:
    table = pd.DataFrame({"estimate": [value], "status": [status]},
                         index=pd.Index(["all"], name="domain"))
    table.attrs.update(statistic=statistic, value=variable, year=int(year), by=None)
    return table


def summary_tables(summary: pd.DataFrame | None, headline: pd.DataFrame | None = None
                   ) -> list[pd.DataFrame]:
    """The additive figures of the report's survey tables as published one-cell tables.

    ``summary``: the ``survey_summary`` table (one row per year); ``headline``: the
    ``headline_figures`` table (its ``firms`` and ``ds_turnover_eur`` rows, for the year in
    its ``attrs``, else the summary's last year).
    """
    tables: list[pd.DataFrame] = []
    if summary is not None:
        for year, row in summary.iterrows():
            for col, (statistic, variable) in _ADDITIVE.items():
                if col in summary.columns:
                    tables.append(_one_cell(row[col], str(row.get(f"{col}_status", "publish")),
                                            statistic, variable, int(year)))
    if headline is not None and len(headline):
        year = headline.attrs.get("year")
        if year is None and summary is not None and len(summary):
            year = int(summary.index.max())
        if year is not None:
            flat = headline if "indicator" in headline.columns else headline.reset_index()
            for name, (statistic, variable) in (("firms", _ADDITIVE["firms"]),
                                                ("ds_turnover_eur", _ADDITIVE["ds_turnover_eur"])):
                rows = flat[(flat["indicator"] == name) & (flat["category"].fillna("") == "")]
                if len(rows):
                    r = rows.iloc[0]
                    tables.append(_one_cell(r["estimate"], str(r["status"]), statistic,
                                            variable, int(year)))
    return tables


def disclosure_audit(tables: list[pd.DataFrame]) -> dict:
    """Audit the published tables together; raise when a suppressed cell is recoverable.

    Returns the record written to ``manifest.json``: the number of additive tables audited,
    of suppressed cells, and of exposed cells (always 0: otherwise an ``InputError`` is
    raised and nothing is written).
    """
    from nldtib_forecast.survey import audit_tables

    audit = audit_tables(tables)
    exposed = audit[audit["exposed"]]
    if len(exposed):
        cells = ", ".join(f"table {r.table} cell {r.cell}" for r in exposed.itertuples())
        raise InputError("disclosure audit of the report: suppressed cells could be recovered "
                         f"from the published tables ({cells}); nothing was written")
    return {"additive_tables": int(audit.attrs["n_tables"]),
            "suppressed_cells": int(len(audit)), "exposed_cells": 0,
            "method": "audit_tables: every suppressed cell bounded by linear programming "
                      "given every published additive figure"}
