"""Analysis tools that work on any scenario model: variance-based sensitivity analysis and
scenario discovery.

:func:`sobol_indices`, :func:`sobol_estimates`, :class:`SensitivityResult`
    Sobol' first-order and total indices of a model output over its drivers (Saltelli and
    Jansen estimators with bootstrap intervals).
:func:`discover_rules`, :class:`DiscoveryResult`
    PRIM scenario discovery: the boxes of driver values in which an outcome is reached.

The capacity model uses them (``CapacityModel.sensitivity`` and ``CapacityModel.discover``);
they take any function of a driver matrix.
"""

from __future__ import annotations

from nldtib_forecast.analysis.discovery import DiscoveryResult, discover_rules
from nldtib_forecast.analysis.sensitivity import (
    SensitivityResult,
    resolve_seed,
    sobol_estimates,
    sobol_indices,
)

__all__ = ["sobol_indices", "sobol_estimates", "SensitivityResult", "discover_rules",
           "DiscoveryResult", "resolve_seed"]


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
