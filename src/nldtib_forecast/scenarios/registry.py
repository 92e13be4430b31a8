"""The driver registry of :mod:`nldtib_forecast.scenarios` (private; import from there).

Holds the registry state (``_REGISTRY``), :class:`Driver`, the functions that register and look
up drivers, and the three drivers of the capacity model, registered at import. The public names
are re-exported by :mod:`nldtib_forecast.scenarios`, which is where they are documented.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass

import pandas as pd

from nldtib_forecast._errors import InputError, check_option
from nldtib_forecast.scenarios import toml_io as _toml

#: Modules that register drivers at import. When a scenario names an unknown driver, these are
#: imported (missing ones are skipped) before the name is reported as unknown, so that a file
#: using, say, trade drivers loads without importing the trade model first.
_DRIVER_MODULES: tuple[str, ...] = (
    "nldtib_forecast.models.capacity",
    "nldtib_forecast.models.trade",
    "nldtib_forecast.models.outlook",
)


# --------------------------------------------------------------------------------------------
# Driver registry
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Driver:
    """An exogenous driver of a model, as recorded in the registry.

    Parameters
    ----------
    name : str
        Lower-case identifier (``[a-z][a-z0-9_]*``), the key used in scenario files.
    unit : str
        Unit of the values, e.g. ``"fraction"``, ``"months"``, ``"fraction per year"``.
    lower, upper : float
        Valid range (inclusive); ``-inf``/``inf`` for an open side.
    default : float
        Value under current conditions, used when a scenario does not set the driver.
    description : str
        What the driver measures.
    source : str
        Where the default (and improved) level comes from; says which numbers are assumptions.
    model : str
        The model family that registered the driver (e.g. ``"capacity"``).
    improved : float or None
        Reference level under "improved conditions", if the model defines one.
    assumed : bool
        ``True`` when the default and improved levels are assumptions rather than published
        figures.
    kind : {"external", "lever"}, default "external"
        ``"lever"``: a condition the government can move (order certainty, procurement lead
        time, labour supply, domestic priority, domestic sourcing); ``"external"``: a driver
        outside its control (European procurement, Dutch GDP, cost inflation, ...). Policies
        set only levers, futures only external drivers (:class:`Scenario` ``kind``).
    level : bool, default False
        ``True`` for a *level* driver (a share, a lead time, a ratio), ``False`` for a
        *growth* driver (a rate per year). Level drivers follow the rule of
        :data:`BASE_YEAR`: their base-year value is the observed one (the default), and a
        scenario's constant or path applies after it (:meth:`Scenario.path`).

    Examples
    --------
    >>> d = get_driver("order_certainty")
    >>> d.unit, d.lower, d.upper, d.default, d.model, d.kind, d.level
    ('fraction', 0.0, 1.0, 0.3, 'capacity', 'lever', True)
    """

    name: str
    unit: str
    lower: float
    upper: float
    default: float
    description: str
    source: str
    model: str
    improved: float | None = None
    assumed: bool = True
    kind: str = "external"
    level: bool = False

    def __post_init__(self) -> None:
        for field, value in _toml.check_driver_fields(self).items():
            object.__setattr__(self, field, value)


_REGISTRY: dict[str, Driver] = {}


def register_driver(driver: Driver) -> Driver:
    """Add ``driver`` to the registry and return it.

    Models call this at import. Registering a driver equal to one already registered is a
    no-op; registering a *different* driver under a name already taken is an error.

    Raises
    ------
    nldtib_forecast.InputError
        If ``driver`` is not a :class:`Driver` or conflicts with a registered one.

    Examples
    --------
    >>> d = get_driver("order_certainty")
    >>> register_driver(d) is d  # identical: no-op
    True
    """
    if not isinstance(driver, Driver):
        raise InputError(f"register_driver expects a Driver, got {type(driver).__name__}")
    known = _REGISTRY.get(driver.name)
    if known is not None and known != driver:
        diff = [k for k, v in asdict(driver).items() if asdict(known)[k] != v]
        raise InputError(
            f"driver {driver.name!r} is already registered (by model {known.model!r}) with a "
            f"different definition; fields that differ: {', '.join(diff)}")
    _REGISTRY.setdefault(driver.name, driver)
    return _REGISTRY[driver.name]


def _unregister_driver(name: str) -> None:
    """Remove a driver (for tests of models that register temporary drivers)."""
    _REGISTRY.pop(name, None)


_LOADED: list[tuple[str, ...] | None] = [None]


def _load_driver_modules(force: bool = False) -> None:
    """Import the modules of :data:`_DRIVER_MODULES` (once, or again with ``force``)."""
    if not force and _LOADED[0] is _DRIVER_MODULES:
        return
    for module in _DRIVER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:  # a real import error inside an existing model module
                raise
    _LOADED[0] = _DRIVER_MODULES


def _lookup(name: object) -> Driver | None:
    if isinstance(name, str) and name not in _REGISTRY:
        _load_driver_modules(force=True)
    return _REGISTRY.get(name) if isinstance(name, str) else None


def get_driver(name: str) -> Driver:
    """The registered :class:`Driver` called ``name``.

    Examples
    --------
    >>> get_driver("procurement_lead_time_months").unit
    'months'
    >>> get_driver("order_certanty")
    Traceback (most recent call last):
    ...
    nldtib_forecast._errors.InputError: argument 'driver': ...(did you mean 'order_certainty'?)
    """
    driver = _lookup(name)
    if driver is None:
        check_option("driver", name, list(_REGISTRY))
    return driver  # type: ignore[return-value]


def driver_names(model: str | None = None) -> tuple[str, ...]:
    """Names of the registered drivers (of one ``model`` if given), in registration order.

    The listing is complete: model modules that register drivers are imported first.

    Examples
    --------
    >>> driver_names("capacity")
    ('order_certainty', 'procurement_lead_time_months', 'labour_supply_growth')
    >>> "order_certainty" in driver_names()
    True
    """
    _load_driver_modules()
    return tuple(n for n, d in _REGISTRY.items() if model is None or d.model == model)


def drivers(model: str | None = None) -> pd.DataFrame:
    """The driver registry as a table, one row per driver.

    Parameters
    ----------
    model : str, optional
        Only the drivers of this model family (e.g. ``"capacity"``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``driver``, with ``kind`` (``"lever"`` or ``"external"``), ``unit, lower,
        upper, default, improved, model, assumed, level, description, source``.

    Examples
    --------
    >>> drivers("capacity")[["unit", "default", "improved"]]
                                               unit  default  improved
    driver
    order_certainty                        fraction     0.30      0.65
    procurement_lead_time_months             months    30.00     12.00
    labour_supply_growth          fraction per year     0.01      0.03
    """
    _load_driver_modules()
    if model is not None:
        check_option("model", model, sorted({d.model for d in _REGISTRY.values()}))
    columns = ["kind", "unit", "lower", "upper", "default", "improved", "model", "assumed",
               "level", "description", "source"]
    rows = [{c: getattr(d, c) for c in columns} for n, d in _REGISTRY.items()
            if model is None or d.model == model]
    out = pd.DataFrame(rows, columns=columns, index=pd.Index(driver_names(model), name="driver"))
    out["improved"] = out["improved"].astype("float64")
    return out



# --------------------------------------------------------------------------------------------
# The capacity model's drivers and the built-in scenarios
# --------------------------------------------------------------------------------------------
for _driver in (
    Driver(
        name="order_certainty", unit="fraction", lower=0.0, upper=1.0, default=0.30,
        improved=0.65, model="capacity", kind="lever", level=True,
        description="Share of expected D&S demand covered by firm multi-year orders or "
                    "framework contracts (0..1).",
        source="L26 names uncertainty about order volumes as the first barrier to scaling up; "
               "B24 p.47 names contract certainty. The Defensienota 2024 and the Defence "
               "Strategy for Industry and Innovation (D-SII) announce more long-term contracts "
               "and strategic partnerships. No published figure measures the share: 0.30 "
               "(current) and 0.65 (improved) are assumptions.",
    ),
    Driver(
        name="procurement_lead_time_months", unit="months", lower=1.0, upper=120.0,
        default=30.0, improved=12.0, model="capacity", kind="lever", level=True,
        description="Time from a demand signal to a signed contract, in months.",
        source="L26 names complex and long procurement procedures as a barrier; B24 p.47 "
               "names bureaucracy. Dutch MoD projects from EUR 50 m follow the phased Defence "
               "Materiel Process (DMP: requirement, preliminary study, study, procurement "
               "preparation), each phase reported to parliament. 30 months (current, within a "
               "typical 12-36 month range) and 12 months (improved) are assumptions.",
    ),
    Driver(
        name="labour_supply_growth", unit="fraction per year", lower=-0.2, upper=0.2,
        default=0.01, improved=0.03, model="capacity", kind="lever",
        description="Annual growth of the technical labour available to the sector.",
        source="L26 names labour as a barrier; BT25 p.19: 42% of firms report access to staff "
               "as a barrier; UWV's labour-market tension indicator ranks technical "
               "occupations (engineers, electricians, mechanics) among the tightest. 1% a year "
               "(current, close to recent growth of the Dutch labour force) and 3% (improved: "
               "training, recruitment abroad, retention) are assumptions.",
    ),
):
    register_driver(_driver)

# Functions are documented (and doctested) as part of the public module that re-exports them.
for _obj in (register_driver, get_driver, driver_names, drivers):
    _obj.__module__ = "nldtib_forecast.scenarios"
del _obj
