"""Frames in Python and tables on disk have the same shape (issue #15, item 5).

The rule (``file_frame`` in nldtib_forecast.report.tables; docs/howto_report.rst, "Files and
frames"): a file is the frame of the public Python call with its index as leading columns,
``model`` before them, ``variable`` and ``unit`` after them when one file holds several
variables, the frame's columns in their order, and the provenance columns ``level`` (for
intervals) and ``data`` last. Checked on the files of the shared default report against the
Python calls that produce them."""

from __future__ import annotations

import pandas as pd
import pytest

from nldtib_forecast.models.outlook import summary_table
from nldtib_forecast.report.tables import file_frame


@pytest.fixture(scope="module")
def result(default_outlook):
    return default_outlook.simulate(n_draws=20, seed=0, horizon=2035,
                                    futures=["baseline"],
                                    policies=["current_conditions", "improved_conditions"])


def _columns(report, name: str) -> list[str]:
    return list(pd.read_csv(report / name, nrows=1).columns)


def test_results_file_is_to_frame(shared_report, result):
    frame = result.to_frame()
    assert _columns(shared_report, "results.csv") == ["model", *frame.columns, "data"]


def test_summary_file_is_summary_table(shared_report, result):
    frame = summary_table(result)
    assert frame.index.names == [None]  # flat in Python: flat on disk
    assert _columns(shared_report, "summary.csv") == ["model", *frame.columns, "level", "data"]


def test_policy_effects_file_is_policy_effects(shared_report, result):
    frame = result.policy_effects("turnover_real_eur", years=[2030, 2035])
    assert frame.index.names == ["future", "policy", "year"]
    assert _columns(shared_report, "policy_effects.csv") == [
        "model", *frame.index.names, "variable", "unit", *frame.columns, "level", "data"]


def test_survey_summary_file_is_survey_summary(shared_report, synthetic_sample):
    from nldtib_forecast.cli import survey_summary

    frame = survey_summary(synthetic_sample.copy(), seed=0)
    assert frame.index.names == ["year"]
    assert _columns(shared_report, "survey_summary.csv") == [
        "year", *[c for c in frame.columns if c not in ("level", "data")], "level", "data"]
    on_disk = pd.read_csv(shared_report / "survey_summary.csv", index_col="year")
    pd.testing.assert_frame_equal(on_disk[frame.columns].drop(columns="data", errors="ignore"),
                                  frame.drop(columns="data", errors="ignore"),
                                  check_dtype=False, check_exact=False, rtol=1e-9)


def test_headline_file_is_headline_figures(shared_report, synthetic_sample):
    from nldtib_forecast.survey import headline_figures

    frame = headline_figures(synthetic_sample.copy(), seed=0)
    assert frame.index.names == [None]
    assert _columns(shared_report, "headline.csv") == [
        *[c for c in frame.columns if c not in ("level", "data")], "level", "data"]


def test_file_frame_rule():
    keyed = pd.DataFrame({"median": [1.0, 2.0], "lower": [0.5, 1.5]},
                         index=pd.MultiIndex.from_tuples([("a", 2030), ("a", 2035)],
                                                         names=["scenario", "year"]))
    out = file_frame(keyed, model="outlook", variable="x", unit="EUR")
    assert list(out.columns) == ["model", "scenario", "year", "variable", "unit", "median",
                                 "lower"]
    assert out["year"].tolist() == [2030, 2035] and out.attrs == {}
    flat = keyed.reset_index()
    assert list(file_frame(flat, model="m").columns) == ["model", *flat.columns]
