"""Survey estimation: design-based estimates with uncertainty, weight calibration, the letter's
headline figures from microdata, the private-equity growth premium, and disclosure control.

Design and variance
    :class:`SurveyDesign` (strata, finite population correction, Rao-Wu bootstrap replicates)
Estimators
    :func:`survey_total`, :func:`survey_mean`, :func:`survey_ratio`, :func:`survey_proportion`
Non-response weighting
    :func:`weight_respondents` (response homogeneity groups or a response propensity model,
    from the frame's counts), :func:`weighting_report`, :func:`frame_counts`
Weight calibration
    :func:`calibrate_weights` (raking and linear/GREG calibration to known margins)
Headline figures and the PE premium
    :func:`headline_figures`, :func:`pe_growth_premium`
Disclosure control
    :class:`DisclosureRules`, :func:`tabulate`, :func:`cell_status`,
    :func:`suppress_secondary`, :func:`audit_suppression`, :func:`audit_tables`

Public names are resolved lazily from private modules so that each part imports on its own.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "SurveyDesign": "_design",
    "survey_total": "_estimators",
    "survey_mean": "_estimators",
    "survey_ratio": "_estimators",
    "survey_proportion": "_estimators",
    "weight_respondents": "_weighting",
    "weighting_report": "_weighting",
    "frame_counts": "_weighting",
    "WeightingReport": "_weighting",
    "calibrate_weights": "_calibration",
    "CalibrationResult": "_calibration",
    "headline_figures": "_headline",
    "pe_growth_premium": "_premium",
    "PEPremiumResult": "_premium",
    "DisclosureRules": "_disclosure",
    "tabulate": "_disclosure",
    "cell_status": "_disclosure",
    "suppress_secondary": "_disclosure",
    "audit_suppression": "_disclosure",
    "audit_tables": "_suppression",
    "TOTAL": "_disclosure",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"nldtib_forecast.survey.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'nldtib_forecast.survey' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
