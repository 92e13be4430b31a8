"""Trade: the domestic/export split of NLDTIB D&S turnover, its decomposition and econometrics.

The export share of NLDTIB D&S turnover was 43-54% in 2019-2023 (B24; 43% in 2023) and fell
to 36% in 2025 (L26): domestic demand grows faster than international demand, and the Dutch
share of the European defence market falls. The letter calls this a strategic risk. This
module has three parts.

Export share projection
    :class:`ExportShareModel`: exports ``X = m M`` (the Dutch share ``m`` of the European
    equipment procurement market ``M``, plus optional other destinations), domestic D&S
    turnover ``D = d P`` (``d`` relative to Dutch materiel spending ``P``), export share
    ``X / (X + D)``. Calibrated on the published 2019-2025 history
    (:meth:`ExportShareModel.from_published`) or with base-year levels from survey microdata
    (:meth:`ExportShareModel.from_survey`); :meth:`ExportShareModel.simulate` runs the
    scenarios (drivers registered here, built-in scenarios in :func:`builtin_scenarios`) and
    returns a :class:`~nldtib_forecast.results.ScenarioResult`.
Constant market share and shift-share
    :func:`cms_decomposition` splits an export change into market growth, structure and
    competitiveness (Leamer-Stern, Dunn's shift-share, Fagerberg-Sollie, Milana).
Export demand econometrics
    :func:`fit_export_demand`: ARDL / error-correction models through statsmodels with the
    Pesaran-Shin-Smith bounds test.

Importing this module registers the six trade drivers (model ``"trade"``):
``eu_procurement_growth``, ``nl_defence_spending_gdp_share``, ``nl_materiel_share``,
``nl_gdp_growth``, ``nl_market_share_trend``, ``domestic_sourcing_share``. The model modules
(``export_share``, ``ardl``, ``cms``, ``history``) are imported when one of their names is first
used, and statsmodels only when a model is fitted.

Examples
--------
The Dutch export change 2019-2025 against the European market: at a constant share the
exports would have grown by EUR 4.0 bn; the falling share took EUR 2.4 bn of that away.

>>> from nldtib_forecast.models.trade import ExportShareModel, cms_decomposition
>>> model = ExportShareModel.from_published()
>>> h = model.history()
>>> res = cms_decomposition(h.loc[2019, "exports_eur"], h.loc[2025, "exports_eur"],
...                         h.loc[2019, "eu_market_eur"], h.loc[2025, "eu_market_eur"])
>>> (res.components[["market_growth", "competitiveness"]] / 1e9).round(2).tolist()
[4.01, -2.44]
>>> bool((h["export_share_fitted"] - h["export_share_published"]).abs().max() < 0.01)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# the provider module (drivers and built-ins; light): imported with the package, so that
# importing it registers the trade drivers
from nldtib_forecast.models.trade.drivers import (
    FUTURE_NAMES,
    TRADE_BUILTIN_NAMES,
    TRADE_DRIVERS,
    builtin_futures,
    builtin_scenarios,
    nl_budget_2026,
)

if TYPE_CHECKING:  # pragma: no cover - the model modules are imported on first use
    from nldtib_forecast.models.trade.ardl import (
        SMALL_SAMPLE,
        BoundsTest,
        ExportDemandResult,
        ShortSampleWarning,
        fit_export_demand,
    )
    from nldtib_forecast.models.trade.cms import (
        CMS_COMPONENTS,
        CMS_METHODS,
        CMSResult,
        cms_decomposition,
    )
    from nldtib_forecast.models.trade.export_share import (
        OUTPUT_UNITS,
        ExportShareModel,
        TradeKernel,
    )
    from nldtib_forecast.models.trade.history import calibration_history

__all__ = [
    "ExportShareModel", "TradeKernel", "OUTPUT_UNITS", "calibration_history",
    "builtin_scenarios", "TRADE_BUILTIN_NAMES", "TRADE_DRIVERS", "builtin_futures",
    "FUTURE_NAMES", "nl_budget_2026",
    "cms_decomposition", "CMSResult", "CMS_METHODS", "CMS_COMPONENTS",
    "fit_export_demand", "ExportDemandResult", "BoundsTest", "ShortSampleWarning",
    "SMALL_SAMPLE",
]

#: The module of each public name that is imported on first use (PEP 562), so that importing
#: the package (e.g. for its provider module, ``drivers``) imports no model code.
_LAZY = {
    **dict.fromkeys(("SMALL_SAMPLE", "BoundsTest", "ExportDemandResult", "ShortSampleWarning",
                     "fit_export_demand"), "ardl"),
    **dict.fromkeys(("CMS_COMPONENTS", "CMS_METHODS", "CMSResult", "cms_decomposition"), "cms"),
    **dict.fromkeys(("OUTPUT_UNITS", "ExportShareModel", "TradeKernel"), "export_share"),
    "calibration_history": "history",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        module = importlib.import_module(f"nldtib_forecast.models.trade.{_LAZY[name]}")
        value = getattr(module, name)
        globals()[name] = value  # once: later reads find it in the module
        return value
    raise AttributeError(f"module 'nldtib_forecast.models.trade' has no attribute {name!r}")


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
