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
The non-response weighting is defined in ``nldtib_forecast.data._weighting`` (it prepares the
survey file, so it sits in the lower ``data`` layer; see that module) and is public here.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "SurveyDesign": "nldtib_forecast.survey._design",
    "survey_total": "nldtib_forecast.survey._estimators",
    "survey_mean": "nldtib_forecast.survey._estimators",
    "survey_ratio": "nldtib_forecast.survey._estimators",
    "survey_proportion": "nldtib_forecast.survey._estimators",
    "weight_respondents": "nldtib_forecast.data._weighting",
    "weighting_report": "nldtib_forecast.data._weighting",
    "frame_counts": "nldtib_forecast.data._weighting",
    "WeightingReport": "nldtib_forecast.data._weighting",
    "calibrate_weights": "nldtib_forecast.survey._calibration",
    "CalibrationResult": "nldtib_forecast.survey._calibration",
    "headline_figures": "nldtib_forecast.survey._headline",
    "pe_growth_premium": "nldtib_forecast.survey._premium",
    "PEPremiumResult": "nldtib_forecast.survey._premium",
    "DisclosureRules": "nldtib_forecast.survey._disclosure",
    "tabulate": "nldtib_forecast.survey._disclosure",
    "cell_status": "nldtib_forecast.survey._disclosure",
    "suppress_secondary": "nldtib_forecast.survey._disclosure",
    "audit_suppression": "nldtib_forecast.survey._disclosure",
    "audit_tables": "nldtib_forecast.survey._suppression",
    "TOTAL": "nldtib_forecast.survey._disclosure",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        return getattr(module, name)
    raise AttributeError(f"module 'nldtib_forecast.survey' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
