"""The report's joint disclosure audit (issue 13, item 1)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.report.audit import disclosure_audit, summary_tables
from nldtib_forecast.survey import survey_total


def _table(values, statuses, labels, by="nld_area"):
    t = pd.DataFrame({"estimate": values, "status": statuses},
                     index=pd.Index(labels, name=by))
    t.attrs.update(statistic="total", value="turnover_ds_eur", year=2025, by=by)
    return t


def test_a_recoverable_cell_stops_the_report():
    overall = _table([100.0], ["publish"], ["all"], by=None)
    # one suppressed domain: overall minus the others gives it exactly
    domains = _table([60.0, float("nan"), 30.0], ["publish", "primary", "publish"],
                     ["a", "b", "c"])
    with pytest.raises(InputError, match="could be recovered") as err:
        disclosure_audit([overall, domains])
    assert "cell b" in str(err.value)
    safe = _table([60.0, float("nan"), float("nan")], ["publish", "primary", "secondary"],
                  ["a", "b", "c"])
    record = disclosure_audit([overall, safe])
    assert record["suppressed_cells"] == 2 and record["exposed_cells"] == 0


def test_the_report_audits_what_it_publishes():
    from nldtib_forecast.report.tables import survey_summary

    s = synthetic_survey(seed=0)
    summary = survey_summary(s)
    tables = summary_tables(summary)
    assert len(tables) == 4 * len(summary)  # firms, D&S turnover, FTE total, FTE D&S
    t = [x for x in tables if x.attrs["year"] == 2025 and x.attrs["value"] == "turnover_ds_eur"]
    direct = survey_total(s, "turnover_ds_eur", year=2025)
    assert t[0].iloc[0]["estimate"] == pytest.approx(direct.loc["all", "estimate"])
    assert disclosure_audit(tables)["exposed_cells"] == 0


def test_manifest_records_the_audit(shared_report):
    out = shared_report  # report --seed 0 --draws 200, built once per session (conftest.py)
    manifest = json.loads((out / "manifest.json").read_text())
    d = manifest["disclosure"]
    assert d["exposed_cells"] == 0 and d["additive_tables"] > 0
    assert d["rules"].startswith("min_frequency(10)")
    assert "Disclosure:" in (out / "README.txt").read_text()
