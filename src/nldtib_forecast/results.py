"""Scenario results: :class:`ScenarioResult` and its helpers.

The code lives in :mod:`nldtib_forecast.simulation.results` (the simulation package: engine,
results, metadata, fan charts); this public path stays, for users and the docs.
"""

from __future__ import annotations

from nldtib_forecast.simulation.results import *  # noqa: F403
from nldtib_forecast.simulation.results import __all__


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
