"""nldtib_forecast: economics of the Dutch defence and security technological industrial base.

The package is organised in sub-packages that are imported lazily, so ``import nldtib_forecast``
stays light (no statsmodels, scikit-learn or matplotlib at import time):

- :mod:`nldtib_forecast.data`: published figures with an audit, European market and Dutch
  defence spending data, the survey schema and its validation, and the calibrated synthetic
  survey.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from nldtib_forecast._errors import InputError, Problem
from nldtib_forecast._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from nldtib_forecast import data

__all__ = ["InputError", "Problem", "__version__", "data"]

_SUBMODULES = {"data", "survey", "models", "scenarios", "simulation", "results", "evaluation",
               "labels",
               "cli", "plotting"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"nldtib_forecast.{name}")
    raise AttributeError(f"module 'nldtib_forecast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)
