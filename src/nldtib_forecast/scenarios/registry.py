"""The driver registry of :mod:`nldtib_forecast.scenarios` (private; import from there).

Holds the registry state (``_REGISTRY``), :class:`Driver` and the functions that register and
look up drivers. The registry knows no model: model packages register their drivers and
built-in scenarios when their *provider* module is imported, and the registry finds the
providers through the entry-point group :data:`PROVIDER_GROUP` (declared in the package's
``pyproject.toml``; another installed package can declare providers too). Providers are loaded
the first time a complete listing is needed (:func:`driver_names`, :func:`drivers`,
``builtin()``) or a name is not found, never at import, so the registry imports no model. The
public names are re-exported by :mod:`nldtib_forecast.scenarios`, which documents them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from importlib.metadata import entry_points

import pandas as pd

from nldtib_forecast._errors import InputError, check_option
from nldtib_forecast.scenarios import toml_io as _toml

#: Entry-point group of the modules that register drivers and built-in scenarios at import (the
#: *providers*), e.g. ``capacity = "nldtib_forecast.models.capacity.drivers"``. The entry
#: point's name is the model family; listings order the families by it (alphabetically, as
#: ``importlib.metadata`` returns them): capacity, outlook, trade.
PROVIDER_GROUP = "nldtib_forecast.models"


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
    phase_in : tuple of two int, optional
        ``(first year, year the improved level is reached)``: how a policy that improves
        this driver moves it, linearly from ``default`` to ``improved``
        (:meth:`improved_path`). Needs ``improved``.
    source_nl : str, default ""
        ``source`` in Dutch, written for a Dutch report (``--lang nl``); ``""``: none (the
        report shows ``source``, marked as English). The Dutch label and definition of the
        driver are in the label registry (:func:`nldtib_forecast.labels.label`).

    Raises
    ------
    nldtib_forecast.InputError
        An invalid name, kind or phase-in, a range with ``lower > upper``, a default or
        improved level outside the range.

    See Also
    --------
    register_driver : Adds a driver to the registry.
    get_driver : A registered driver by name.
    drivers : The registry as a table.

    Examples
    --------
    >>> d = get_driver("order_certainty")
    >>> d.unit, d.lower, d.upper, d.default, d.model, d.kind, d.level
    ('fraction', 0.0, 1.0, 0.3, 'capacity', 'lever', True)
    >>> d.phase_in, d.improved_path()
    ((2026, 2028), {2026: 0.3, 2028: 0.65})
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
    phase_in: tuple[int, int] | None = None
    source_nl: str = ""

    def __post_init__(self) -> None:
        for field, value in _toml.check_driver_fields(self).items():
            object.__setattr__(self, field, value)

    def improved_path(self) -> dict[int, float]:
        """The path ``{first year: default, last year: improved}`` of :attr:`phase_in`.

        Returns
        -------
        dict of int to float
            Two points, ``{first year: default, year reached: improved}``; a scenario
            interpolates linearly between them (:meth:`Scenario.path`).

        Raises
        ------
        nldtib_forecast.InputError
            If the driver has no improved level or no phase-in.

        Examples
        --------
        >>> get_driver("procurement_lead_time_months").improved_path()
        {2026: 30.0, 2029: 12.0}
        """
        if self.improved is None or self.phase_in is None:
            raise InputError(f"driver {self.name!r} has no improved level and phase-in")
        start, end = self.phase_in
        return {start: self.default, end: self.improved}


_REGISTRY: dict[str, Driver] = {}


def register_driver(driver: Driver) -> Driver:
    """Add ``driver`` to the registry and return it.

    Models call this at import. Registering a driver equal to one already registered is a
    no-op; registering a *different* driver under a name already taken is an error.

    Parameters
    ----------
    driver : Driver
        The driver to register.

    Returns
    -------
    Driver
        The registered driver (the one already registered, if equal).

    Raises
    ------
    nldtib_forecast.InputError
        If ``driver`` is not a :class:`Driver` or conflicts with a registered one.

    See Also
    --------
    get_driver : A registered driver by name.
    register_builtin : Registers a built-in scenario.

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


def providers() -> tuple[tuple[str, str], ...]:
    """``(model, module)`` of every installed provider, ordered by model family.

    Read from the package metadata once per process (a scan of every installed distribution
    costs milliseconds, and the listings ask for the order of every built-in).

    Returns
    -------
    tuple of (str, str)
        The entry-point name (the model family) and the provider module of each provider.

    Examples
    --------
    >>> providers()[0]
    ('capacity', 'nldtib_forecast.models.capacity.drivers')
    """
    found = _PROVIDERS[0]
    if found is None:
        found = _PROVIDERS[0] = tuple((ep.name, ep.value)
                                      for ep in entry_points(group=PROVIDER_GROUP))
    return found


_PROVIDERS: list[tuple[tuple[str, str], ...] | None] = [None]


_LOADED: dict[str, bool] = {}


def load_providers(force: bool = False) -> None:
    """Import every provider module (once; again with ``force``), so the registry is complete.

    A provider whose module is missing is skipped (an uninstalled optional model); an error
    raised inside an existing provider module propagates.
    """
    if _LOADED and not force:
        return
    for ep in entry_points(group=PROVIDER_GROUP):
        try:
            ep.load()
        except ModuleNotFoundError as err:
            if err.name is None or not ep.value.startswith(err.name):
                raise  # a real import error inside an existing provider module
    _LOADED["all"] = True


def model_rank(model: str | None) -> int:
    """Position of a model family among the providers (unknown families last)."""
    names = [name for name, _ in providers()]
    return names.index(model) if model in names else len(names)


def _lookup(name: object) -> Driver | None:
    if not isinstance(name, str):
        return None
    if name not in _REGISTRY:
        load_providers()
    return _REGISTRY.get(name)


def get_driver(name: str) -> Driver:
    """The registered :class:`Driver` called ``name``.

    Parameters
    ----------
    name : str
        The driver's name, e.g. ``"order_certainty"``.

    Returns
    -------
    Driver
        Its unit, range, default and improved levels, kind and source.

    Raises
    ------
    nldtib_forecast.InputError
        If no driver has that name (the message suggests the nearest one).

    See Also
    --------
    drivers : Every driver as a table.
    driver_names : The names of the registered drivers.

    Examples
    --------
    >>> get_driver("procurement_lead_time_months").unit
    'months'
    >>> get_driver("order_certanty")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'driver': ...(did you mean 'order_certainty'?)
    """
    driver = _lookup(name)
    if driver is None:
        check_option("driver", name, list(_REGISTRY))
    return driver  # type: ignore[return-value]


def driver_names(model: str | None = None) -> tuple[str, ...]:
    """Names of the registered drivers (of one ``model`` if given), in registration order.

    The listing is complete: model modules that register drivers are imported first.

    Parameters
    ----------
    model : str, optional
        Only the drivers of this model family (``"capacity"``, ``"trade"``, ``"outlook"``);
        an unknown family gives an empty tuple.

    Returns
    -------
    tuple of str
        The names, by model family, each family's drivers in registration order.

    See Also
    --------
    drivers : The registry as a table.

    Examples
    --------
    >>> driver_names("capacity")
    ('order_certainty', 'procurement_lead_time_months', 'labour_supply_growth')
    >>> "order_certainty" in driver_names()
    True
    """
    load_providers()
    ordered = sorted(_REGISTRY.values(), key=lambda d: model_rank(d.model))  # stable
    return tuple(d.name for d in ordered if model is None or d.model == model)


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

    Raises
    ------
    nldtib_forecast.InputError
        An unknown model family.

    See Also
    --------
    get_driver : One driver.
    Scenario.values : A scenario's driver values by year.

    Examples
    --------
    >>> drivers("capacity")[["unit", "default", "improved"]]
                                               unit  default  improved
    driver
    order_certainty                        fraction     0.30      0.65
    procurement_lead_time_months             months    30.00     12.00
    labour_supply_growth          fraction per year     0.01      0.03
    """
    load_providers()
    if model is not None:
        check_option("model", model, sorted({d.model for d in _REGISTRY.values()}))
    columns = ["kind", "unit", "lower", "upper", "default", "improved", "model", "assumed",
               "level", "description", "source"]
    names = driver_names(model)
    rows = [{c: getattr(_REGISTRY[n], c) for c in columns} for n in names]
    out = pd.DataFrame(rows, columns=columns, index=pd.Index(names, name="driver"))
    out["improved"] = out["improved"].astype("float64")
    return out



# Functions are documented (and doctested) as part of the public module that re-exports them.
for _obj in (register_driver, get_driver, driver_names, drivers):
    _obj.__module__ = "nldtib_forecast.scenarios"
del _obj
