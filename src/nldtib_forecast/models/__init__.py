"""Model families of nldtib_forecast, one subpackage (or module) each.

Each family is a package with its model, kernel (the vectorised equations), drivers and result
types, in the manner of statsmodels' ``tsa``: ``price_volume`` (``index_numbers``,
``decompose``, ``result``), ``capacity`` (``kernel``, ``assumptions``), ``trade``
(``export_share``, ``ardl``, ``cms``, ``history``, ``drivers``) and ``outlook`` (``kernel``,
``drivers``). Sensitivity analysis and scenario discovery, which work on any model, are in
:mod:`nldtib_forecast.analysis`. The public names are those of each package.

:mod:`~nldtib_forecast.models.price_volume`
    index numbers, the split of turnover growth into price, volume and entry
:mod:`~nldtib_forecast.models.dynamics`
    decompositions of aggregate change into within, between, cross, entry and exit terms
:mod:`~nldtib_forecast.models.pass_through`
    cost pass-through to D&S prices
:mod:`~nldtib_forecast.models.capacity`
    capacity scale-up under scenarios for order certainty, procurement and labour, with
    Sobol' sensitivity analysis and scenario discovery
:mod:`~nldtib_forecast.models.trade`
    domestic versus export: the export share projection, constant market share analysis and
    export-demand econometrics
:mod:`~nldtib_forecast.models.outlook`
    the NLDTIB outlook: demand, capacity and prices joined in one scenario model

Sub-modules are imported on first use so that ``import nldtib_forecast.models`` stays light.
"""

from __future__ import annotations

import importlib

_SUBMODULES = ("price_volume", "dynamics", "pass_through", "capacity", "trade", "outlook")

__all__ = list(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"nldtib_forecast.models.{name}")
    raise AttributeError(f"module 'nldtib_forecast.models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
