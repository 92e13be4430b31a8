"""Embedded data and the survey schema.

Published figures
    :func:`load_published`, :func:`load_sources`, :func:`audit_published`,
    :func:`continuing_firms_reconciliation`
European defence market and Dutch defence spending
    :func:`load_european_market`, :func:`load_nl_defence`, :func:`load_nl_macro`,
    :func:`load_policy_targets`
Survey schema and microdata
    :data:`SCHEMA`, :data:`PLAUSIBILITY_BOUNDS`, :func:`schema_table`,
    :func:`validate_survey`, :func:`read_survey`
Synthetic survey (the embedded default data)
    :func:`synthetic_survey`, :func:`draw_sample`, :func:`draw_respondents`,
    :func:`response_probability`, :data:`RESPONSE_MODEL`, :func:`calibration_targets`

The non-response weighting that prepares a respondent file (``read_survey(population=...)``,
the synthetic survey) is defined here too (``data._weighting``, below ``survey`` in the layers)
and public as :func:`nldtib_forecast.survey.weight_respondents` and its companions.

Every data file ships inside the package; nothing is read from the network.
Money is in EUR, shares and growth rates are fractions.
"""

from __future__ import annotations

import importlib

from nldtib_forecast.data._schema import (
    CATEGORIES,
    COLUMNS,
    EDITION_COLUMNS,
    PLAUSIBILITY_BOUNDS,
    SCHEMA,
    SIZE_CLASS_BOUNDS,
    ColumnSpec,
    schema_table,
)

# Public name -> private module that defines it. Resolved lazily so that importing
# ``nldtib_forecast.data`` stays cheap and each part can be imported on its own.
_LAZY = {
    "load_published": "_published",
    "load_sources": "_published",
    "SERIES_BREAKS": "_published",
    "audit_published": "_audit",
    "continuing_firms_reconciliation": "_audit",
    "AUDIT_TOLERANCES": "_audit",
    "load_european_market": "_market",
    "load_nl_defence": "_market",
    "load_policy_targets": "_market",
    "load_nl_macro": "_market",
    "validate_survey": "_validate",
    "read_survey": "_validate",
    "synthetic_survey": "_synthetic",
    "draw_sample": "_synthetic",
    "draw_respondents": "_synthetic",
    "response_probability": "_synthetic",
    "RESPONSE_MODEL": "_synthetic",
    "calibration_targets": "_synthetic",
}

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "EDITION_COLUMNS",
    "PLAUSIBILITY_BOUNDS",
    "SCHEMA",
    "SIZE_CLASS_BOUNDS",
    "ColumnSpec",
    "schema_table",
    *_LAZY,
]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"nldtib_forecast.data.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'nldtib_forecast.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
