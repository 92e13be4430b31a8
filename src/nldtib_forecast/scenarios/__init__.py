"""Scenarios: named, immutable sets of driver paths, the driver registry and TOML files.

A *driver* is an exogenous condition a model responds to (e.g. ``order_certainty``). The
module-level registry records, for every driver, its unit, valid range, default (current
conditions) value, an optional "improved conditions" reference level, a description and its
source. Models register their drivers and built-in scenarios at import
(:func:`register_driver`, :func:`register_builtin`, or :func:`register_builtins` for
built-ins built on first use) in their *provider* modules, which the registry finds through the
entry-point group ``nldtib_forecast.models``: the registry itself knows no model.

A :class:`Scenario` sets some drivers, each to a constant or to a path ``{year: value}``
(linear interpolation between the given years, flat before the first and after the last);
drivers it does not set keep their registry default. Scenarios load from and save to TOML
(:func:`load_scenarios`, :meth:`Scenario.from_toml`, :func:`save_scenarios`,
:meth:`Scenario.to_toml`); :func:`builtin` returns the built-in scenarios. Reading TOML never
executes code, and every invalid entry is reported at once in an
:class:`~nldtib_forecast.InputError` naming the scenario, the driver and the rule broken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from os import PathLike
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option, key_problem
from nldtib_forecast._version import __version__
from nldtib_forecast.labels import check_language
from nldtib_forecast.scenarios import toml_io as _toml
from nldtib_forecast.scenarios.registry import (  # noqa: F401 - re-exported; private names kept for callers
    _REGISTRY,
    PROVIDER_GROUP,
    Driver,
    _lookup,
    _unregister_driver,
    driver_names,
    drivers,
    get_driver,
    load_providers,
    model_rank,
    register_driver,
)

__all__ = [
    "Driver", "register_driver", "get_driver", "drivers", "driver_names",
    "Scenario", "load_scenarios", "save_scenarios", "parse_scenarios", "builtin",
    "register_builtins",
    "BUILTIN_NAMES", "PHASE_IN", "register_builtin", "BASE_YEAR", "SCENARIO_KINDS",
    "DRIVER_KINDS", "POLICY_NAMES", "FUTURE_NAMES", "policies", "futures",
]

SCENARIO_KINDS = _toml.SCENARIO_KINDS
DRIVER_KINDS = _toml.DRIVER_KINDS

#: What a scenario shows people, besides its drivers: the labels and the Dutch texts
#: (optional; the English ``description`` and ``sources`` are the default texts).
_PRESENTATION_KEYS = ("label_en", "label_nl", "description_nl", "sources_nl")
#: The keys of a scenario file's table ([scenarios.x], [futures.x] or [policies.x]).
_SCENARIO_KEYS = ("description", "sources", "drivers", "kind", "replace", *_PRESENTATION_KEYS)


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------
_years = _toml.check_years


#: The last observed year: the base year of the built-in scenarios and of the level-driver rule
#: (a level driver's value in this year and before is the observed one, its default).
BASE_YEAR = 2025


def _kind_problems(name: str, kind: str, spec: tuple) -> list[Problem]:
    """Drivers whose kind does not fit a policy (levers only) or a future (external only)."""
    if kind == "scenario":
        return []
    wanted = "lever" if kind == "policy" else "external"
    out = []
    for driver, _value in spec:
        d = _REGISTRY[driver]
        if d.kind != wanted:
            out.append(key_problem(
                f"scenarios.{name}.drivers.{driver}",
                f"driver {driver!r} is {'a lever' if d.kind == 'lever' else 'an external driver'}"
                f"; a {kind} sets only {'levers' if wanted == 'lever' else 'external drivers'} "
                "(use kind 'scenario' to mix them)"))
    return out


def _base_year_problems(name: str, spec: tuple) -> list[Problem]:
    """Level-driver paths whose points at or before BASE_YEAR differ from the observed value."""
    out = []
    for driver, value in spec:
        d = _REGISTRY[driver]
        if not d.level or isinstance(value, float):
            continue
        for year, v in value:
            if year <= BASE_YEAR and not np.isclose(v, d.default, rtol=1e-9, atol=1e-12):
                out.append(key_problem(
                    f"scenarios.{name}.drivers.{driver}",
                    f"driver {driver!r} is a level driver: its value in {year} (at or before "
                    f"the base year {BASE_YEAR}) is the observed {d.default:g}, got {v:g}; "
                    f"give the years after {BASE_YEAR} (the path starts from {d.default:g})"))
                break
    return out


def _path_values(driver: Driver, spec: float | tuple[tuple[int, float], ...] | None,
                 yrs: np.ndarray) -> np.ndarray:
    """Values of one driver in ``yrs`` under a scenario's spec (None, a float or a path)."""
    if spec is None:
        return np.full(yrs.shape, driver.default)
    if isinstance(spec, float):
        if driver.level:
            return np.where(yrs > BASE_YEAR, spec, driver.default)
        return np.full(yrs.shape, spec)
    points = list(spec)  # ((year, value), ...), sorted
    if driver.level and points[0][0] > BASE_YEAR:
        points = [(BASE_YEAR, driver.default), *points]
    xs, ys = zip(*points, strict=True)
    values = np.interp(yrs.astype(float), np.asarray(xs, float), np.asarray(ys, float))
    if driver.level:
        values = np.where(yrs <= BASE_YEAR, driver.default, values)
    return values


# --------------------------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------------------------
class Scenario:
    """A named, immutable set of driver paths.

    Parameters
    ----------
    name : str
        Letters, digits, ``_`` and ``-`` (a bare TOML key).
    drivers : mapping, optional
        Driver name to a constant, or to a path ``{year: value}`` with integer years. A path is
        interpolated linearly between its years and flat before the first and after the last.
        Drivers not given keep their registry default (current conditions).
    description : str, default ""
        What the scenario assumes.
    sources : sequence of str, default ()
        Where its numbers come from.
    kind : {"scenario", "policy", "future"}, default "scenario"
        ``"policy"``: sets only levers (drivers of kind ``"lever"``: what the government can
        move); ``"future"``: sets only external drivers (markets, budgets, prices);
        ``"scenario"``: both. Policies and futures combine into a grid
        (:meth:`~nldtib_forecast.models.outlook.Outlook.simulate`).
    label_en, label_nl : str, default ""
        The short label people read in English and in Dutch (a table header, a chart legend),
        e.g. ``"Procurement reform"`` and ``"Hervorming aanbesteding"``. ``""``: none; a
        report then shows the label in the other language, the label registry's
        (:func:`nldtib_forecast.labels.label`, for a built-in) or the name.
    description_nl : str, default ""
        ``description`` in Dutch, for a Dutch report (``--lang nl``); ``""``: none (the
        report shows ``description``, marked as English).
    sources_nl : sequence of str, default ()
        ``sources`` in Dutch, for a Dutch report; empty: none.

    Raises
    ------
    nldtib_forecast.InputError
        Listing every problem: unknown drivers (with the nearest known name), values that are
        not numbers or outside the driver's range, non-integer years, an unknown ``kind``, a
        driver whose kind does not fit the scenario's kind, a level driver whose path gives a
        base-year value other than the observed one, a label or description that is not text
        (or only spaces), sources that are not a list of texts.

    See Also
    --------
    builtin : The built-in scenarios.
    load_scenarios : Scenarios from TOML files.
    drivers : The registered drivers with their units, defaults and ranges.
    nldtib_forecast.simulation.simulate : Runs a model under scenarios.

    Notes
    -----
    Scenarios compare and hash by value (name, kind, drivers, description, sources, and the
    labels and Dutch texts); a
    driver's path ``{2026: 24}`` and the constant ``24`` are different specifications with the
    same values. Integer values are stored as floats.

    *Level drivers* (``Driver.level``: shares, lead times, ratios) follow one rule. Their
    value in the base year :data:`BASE_YEAR` (2025, the last observed year) and before is the
    observed one, the driver's default, in every scenario. A constant applies from the first
    projected year (2026) on. A path is interpolated linearly from the observed base-year
    value to its first year, between its years, and held flat after its last year; a path
    point at or before the base year must equal the observed value. So a level driver set to
    a value that differs from the observed one always acts. *Growth drivers* (rates per year)
    take their values as given; their base-year value is not used by the models.

    Examples
    --------
    >>> s = Scenario("procurement_reform",
    ...              {"order_certainty": 0.6,
    ...               "procurement_lead_time_months": {2026: 24, 2028: 12}})
    >>> s
    Scenario('procurement_reform', drivers={'order_certainty': 0.6, \
'procurement_lead_time_months': {2026: 24.0, 2028: 12.0}})
    >>> s.path("procurement_lead_time_months", range(2025, 2030)).tolist()
    [30.0, 24.0, 18.0, 12.0, 12.0]
    >>> s.values([2025, 2030], drivers=driver_names("capacity"))
    driver  order_certainty  procurement_lead_time_months  labour_supply_growth
    year
    2025                0.3                          30.0                  0.01
    2030                0.6                          12.0                  0.01
    """

    __slots__ = ("_name", "_spec", "_description", "_sources", "_kind", "_label_en",
                 "_label_nl", "_description_nl", "_sources_nl")
    _name: str
    _spec: tuple[tuple[str, float | tuple[tuple[int, float], ...]], ...]  # sorted by driver
    _description: str
    _sources: tuple[str, ...]
    _kind: str
    _label_en: str
    _label_nl: str
    _description_nl: str
    _sources_nl: tuple[str, ...]

    def __init__(self, name: str, drivers: Mapping[str, object] | None = None,
                 description: str = "", sources: Sequence[str] = (),
                 kind: str = "scenario", *, label_en: str = "", label_nl: str = "",
                 description_nl: str = "", sources_nl: Sequence[str] = ()) -> None:
        problems: list[Problem] = []
        name = _toml.check_name(name, problems)
        spec = _toml.check_drivers(name, {} if drivers is None else drivers, _lookup,
                                   _REGISTRY, problems)
        if kind not in _toml.SCENARIO_KINDS:
            close = get_close_matches(str(kind), _toml.SCENARIO_KINDS, n=1)
            problems.append(key_problem(f"scenarios.{name}.kind", f"unknown kind {kind!r}; "
                                        f"valid: {list(_toml.SCENARIO_KINDS)}" + (
                                            f" (did you mean {close[0]!r}?)" if close else "")))
        else:
            problems.extend(_kind_problems(name, kind, spec))
        problems.extend(_base_year_problems(name, spec))
        if not isinstance(description, str):
            problems.append(key_problem(f"scenarios.{name}.description",
                                    f"must be a str, got {type(description).__name__}"))
        for key, text in (("label_en", label_en), ("label_nl", label_nl),
                          ("description_nl", description_nl)):
            problems.extend(_text_problems(name, key, text))
        sources = _source_list(sources)
        sources_nl = _source_list(sources_nl)
        if not all(isinstance(s, str) for s in sources):
            problems.append(key_problem(f"scenarios.{name}.sources",
                                    f"must be a list of strings, got {list(sources)!r}"))
        if not all(isinstance(s, str) and s.strip() for s in sources_nl):
            problems.append(key_problem(f"scenarios.{name}.sources_nl",
                                        f"must be a list of non-empty strings, got "
                                        f"{list(sources_nl)!r}"))
        if problems:
            raise InputError(f"scenario {name!r}: invalid definition", problems)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "_description", description)
        object.__setattr__(self, "_sources", sources)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_label_en", label_en)
        object.__setattr__(self, "_label_nl", label_nl)
        object.__setattr__(self, "_description_nl", description_nl)
        object.__setattr__(self, "_sources_nl", sources_nl)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError("Scenario is immutable; use replace() or with_drivers()")

    # -- attributes ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._name

    @property
    def description(self) -> str:
        """What the scenario assumes."""
        return self._description

    @property
    def sources(self) -> tuple[str, ...]:
        """Where its numbers come from."""
        return self._sources

    @property
    def kind(self) -> str:
        """``"policy"`` (levers only), ``"future"`` (external drivers only) or ``"scenario"``."""
        return self._kind

    @property
    def label_en(self) -> str:
        """The short English label people read (``""``: none)."""
        return self._label_en

    @property
    def label_nl(self) -> str:
        """The short Dutch label people read (``""``: none)."""
        return self._label_nl

    @property
    def description_nl(self) -> str:
        """What the scenario assumes, in Dutch (``""``: none)."""
        return self._description_nl

    @property
    def sources_nl(self) -> tuple[str, ...]:
        """Where its numbers come from, in Dutch (empty: none)."""
        return self._sources_nl

    def text(self, lang: str = "en") -> tuple[str, tuple[str, ...]]:
        """The description and the sources in ``lang``, for a report.

        Parameters
        ----------
        lang : {"en", "nl"}, default "en"
            Language (:func:`nldtib_forecast.labels.check_language`).

        Returns
        -------
        tuple of (str, tuple of str)
            ``(description, sources)``: in Dutch :attr:`description_nl` and
            :attr:`sources_nl`, each ``""`` or empty where the scenario has no Dutch text (a
            report then shows the English one, marked as English); in English
            :attr:`description` and :attr:`sources`.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown language.

        Examples
        --------
        >>> s = Scenario("reform", {"order_certainty": 0.6}, "Framework contracts",
        ...              description_nl="Raamcontracten")
        >>> s.text("nl"), s.text("en")
        (('Raamcontracten', ()), ('Framework contracts', ()))
        """
        if check_language(lang) == "nl":
            return self._description_nl, self._sources_nl
        return self._description, self._sources

    @property
    def drivers(self) -> Mapping[str, float | Mapping[int, float]]:
        """Drivers the scenario sets (read-only): a constant or a path ``{year: value}``."""
        return MappingProxyType({n: v if isinstance(v, float) else MappingProxyType(dict(v))
                                 for n, v in self._spec})

    def to_dict(self) -> dict[str, object]:
        """Plain ``{"description", "sources", "drivers"}`` dict (the TOML table's content).

        Returns
        -------
        dict
            ``description`` (str), ``sources`` (list of str), ``drivers`` (driver name to a
            float or a ``{year: value}`` dict) and, for a policy or a future, ``kind``; the
            labels and Dutch texts (``label_en``, ``label_nl``, ``description_nl``,
            ``sources_nl``) where the scenario has them.

        Examples
        --------
        >>> s = Scenario("reform", {"order_certainty": 0.6}, description="Framework contracts")
        >>> s.to_dict()
        {'description': 'Framework contracts', 'sources': [], 'drivers': {'order_certainty': 0.6}}
        """
        out: dict[str, object] = {"description": self._description,
                                  "sources": list(self._sources),
                                  "drivers": {n: v if isinstance(v, float) else dict(v)
                                              for n, v in self._spec}}
        if self._kind != "scenario":
            out["kind"] = self._kind
        for key in _PRESENTATION_KEYS:
            value = getattr(self, key)
            if value:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out

    # -- values -------------------------------------------------------------------------------
    def path(self, driver: str, years: Iterable[int]) -> pd.Series:
        """Values of one driver in ``years`` (the default if the scenario does not set it).

        Parameters
        ----------
        driver : str
            A registered driver name.
        years : iterable of int
            The years, e.g. ``range(2025, 2036)``.

        Returns
        -------
        pandas.Series
            Float values indexed by ``year`` (in the driver's unit), named after the driver.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown driver (with the nearest known name), or years that are not whole
            numbers.

        See Also
        --------
        values : The values of several drivers.

        Examples
        --------
        >>> s = Scenario("phase_in", {"order_certainty": {2026: 0.3, 2030: 0.65}})
        >>> s.path("order_certainty", range(2025, 2032)).round(4).tolist()
        [0.3, 0.3, 0.3875, 0.475, 0.5625, 0.65, 0.65]
        """
        d = get_driver(driver)
        yrs = _years(years)
        return pd.Series(_path_values(d, dict(self._spec).get(d.name), yrs),
                         index=pd.Index(yrs, name="year"), name=d.name)

    def values(self, years: Iterable[int], drivers: Sequence[str] | None = None) -> pd.DataFrame:
        """Values of all registered drivers (or of ``drivers``) in ``years``.

        Parameters
        ----------
        years : iterable of int
            The years.
        drivers : sequence of str, optional
            Driver names (default: every registered driver).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year``, one float column per driver (registry order), defaults for the
            drivers the scenario does not set.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown driver, or years that are not whole numbers.

        See Also
        --------
        path : The values of one driver.

        Examples
        --------
        >>> s = Scenario("reform", {"order_certainty": 0.6}, description="Framework contracts")
        >>> s.values([2026, 2030], drivers=["order_certainty", "labour_supply_growth"])
        driver  order_certainty  labour_supply_growth
        year
        2026                0.6                  0.01
        2030                0.6                  0.01
        """
        yrs = _years(years)
        names = driver_names() if drivers is None else [get_driver(d).name for d in drivers]
        out = pd.DataFrame({d: self.path(d, yrs).to_numpy() for d in names},
                           index=pd.Index(yrs, name="year"), columns=list(names))
        out.columns.name = "driver"
        return out

    # -- derived scenarios --------------------------------------------------------------------
    def replace(self, *, name: str | None = None, drivers: Mapping[str, object] | None = None,
                description: str | None = None, sources: Sequence[str] | None = None,
                kind: str | None = None, label_en: str | None = None,
                label_nl: str | None = None, description_nl: str | None = None,
                sources_nl: Sequence[str] | None = None) -> Scenario:
        """A new scenario with the given fields replaced (``drivers`` replaced as a whole).

        Parameters
        ----------
        name : str, optional
            New name.
        drivers : mapping, optional
            New driver specifications (replacing all of them).
        description : str, optional
            New description.
        sources : sequence of str, optional
            New sources.
        kind : {"scenario", "policy", "future"}, optional
            New kind.
        label_en, label_nl, description_nl : str, optional
            New labels and Dutch description (``""``: none).
        sources_nl : sequence of str, optional
            New Dutch sources.

        Returns
        -------
        Scenario
            The new scenario; fields not given are those of this one.

        Raises
        ------
        nldtib_forecast.InputError
            As the constructor, for an invalid combination.

        See Also
        --------
        with_drivers : Change some drivers and keep the others.

        Examples
        --------
        >>> s = Scenario("reform", {"order_certainty": 0.6}, description="Framework contracts")
        >>> s.replace(name="reform_2", drivers={"labour_supply_growth": 0.02})
        Scenario('reform_2', drivers={'labour_supply_growth': 0.02})
        """
        return Scenario(self._name if name is None else name,
                        self.to_dict()["drivers"] if drivers is None else drivers,  # type: ignore
                        self._description if description is None else description,
                        self._sources if sources is None else sources,
                        self._kind if kind is None else kind,
                        label_en=self._label_en if label_en is None else label_en,
                        label_nl=self._label_nl if label_nl is None else label_nl,
                        description_nl=(self._description_nl if description_nl is None
                                        else description_nl),
                        sources_nl=self._sources_nl if sources_nl is None else sources_nl)

    def with_drivers(self, drivers: Mapping[str, object] | None = None, /, *,
                     name: str | None = None, **more: object) -> Scenario:
        """A new scenario with some drivers changed; a value of ``None`` unsets a driver.

        Parameters
        ----------
        drivers : mapping, optional
            Driver name to a constant, a path ``{year: value}`` or ``None`` (positional
            only).
        name : str, optional
            Name of the new scenario (default: this one's).
        **more
            More drivers as keyword arguments (``order_certainty=0.5``).

        Returns
        -------
        Scenario
            The new scenario: this one's drivers updated, other fields unchanged.

        Raises
        ------
        nldtib_forecast.InputError
            As the constructor, for unknown drivers or invalid values.

        See Also
        --------
        replace : Replace fields as a whole.

        Examples
        --------
        >>> s = Scenario("reform", {"order_certainty": 0.6}, description="Framework contracts")
        >>> s2 = s.with_drivers(labour_supply_growth=0.02, name="reform_plus")
        >>> s2.name, s2.drivers
        ('reform_plus', mappingproxy({'order_certainty': 0.6, 'labour_supply_growth': 0.02}))
        >>> s2.with_drivers(order_certainty=None).drivers
        mappingproxy({'labour_supply_growth': 0.02})
        """
        new: dict[str, object] = {n: v if isinstance(v, float) else dict(v)
                                  for n, v in self._spec}
        for key, value in {**(drivers or {}), **more}.items():
            if value is None:
                new.pop(key, None)
            else:
                new[key] = value
        return self.replace(name=name, drivers=new)

    # -- TOML ---------------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | PathLike, name: str | None = None) -> Scenario:
        """Read one scenario from a TOML file (the only one, or the one called ``name``).

        The file may hold ``[scenarios.<name>]``, ``[futures.<name>]`` and
        ``[policies.<name>]`` tables, and is checked as by :func:`load_scenarios` (a table
        named after a built-in must equal it or say ``replace = true``).

        Parameters
        ----------
        path : str or os.PathLike
            The TOML file.
        name : str, optional
            The scenario to read; required when the file holds several.

        Returns
        -------
        Scenario
            The scenario.

        Raises
        ------
        nldtib_forecast.InputError
            An unreadable or invalid file, several scenarios and no ``name``, or an unknown
            ``name``.

        See Also
        --------
        load_scenarios : All scenarios of one or more files.
        to_toml : Writes a scenario.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = pathlib.Path(tmp.name, "reform.toml")
        >>> path.write_text("[scenarios.reform.drivers]\\norder_certainty = 0.6", encoding="utf-8")
        48
        >>> Scenario.from_toml(path)
        Scenario('reform', drivers={'order_certainty': 0.6})
        >>> tmp.cleanup()
        """
        found = load_scenarios(path)
        if name is None:
            if len(found) != 1:
                raise InputError(f"{path}: the file holds {len(found)} scenarios "
                                 f"({', '.join(found) or 'none'}); pass name=... or use "
                                 "load_scenarios()")
            return next(iter(found.values()))
        return found[check_option("name", name, list(found))]

    def to_toml(self, path: str | PathLike) -> Path:
        """Write this scenario to a TOML file (overwritten).

        The table goes into the section of the scenario's kind: ``[policies.<name>]``,
        ``[futures.<name>]`` or ``[scenarios.<name>]`` (see :func:`save_scenarios`, which
        also marks a changed built-in with ``replace = true``).

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (UTF-8).

        Returns
        -------
        pathlib.Path
            The path written.

        See Also
        --------
        from_toml : Reads it back.
        save_scenarios : Writes several scenarios to one file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> s = Scenario("reform", {"order_certainty": 0.6}, description="Framework contracts",
        ...              kind="policy")
        >>> path = s.to_toml(pathlib.Path(tmp.name, "reform.toml"))
        >>> print(path.read_text(encoding='utf-8').strip())
        # Scenario file written by nldtib_forecast 0.1.0
        <BLANKLINE>
        [policies.reform]
        description = "Framework contracts"
        <BLANKLINE>
        [policies.reform.drivers]
        order_certainty = 0.6
        >>> Scenario.from_toml(path) == s
        True
        >>> tmp.cleanup()
        """
        return save_scenarios([self], path)

    # -- dunder -------------------------------------------------------------------------------
    def _key(self) -> tuple:
        return (self._name, self._spec, self._description, self._sources, self._kind,
                self._label_en, self._label_nl, self._description_nl, self._sources_nl)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        kind = "" if self._kind == "scenario" else f", kind={self._kind!r}"
        return f"Scenario({self._name!r}, drivers={self.to_dict()['drivers']!r}{kind})"

    def __reduce__(self):
        return (_scenario, (self._name, self.to_dict()["drivers"], self._description,
                            self._sources, self._kind, self._label_en, self._label_nl,
                            self._description_nl, self._sources_nl))


def _scenario(name, drivers, description, sources, kind, label_en="", label_nl="",
              description_nl="", sources_nl=()) -> Scenario:
    """A :class:`Scenario` from its fields in order (what a pickle stores)."""
    return Scenario(name, drivers, description, sources, kind, label_en=label_en,
                    label_nl=label_nl, description_nl=description_nl, sources_nl=sources_nl)


def _source_list(sources: object) -> tuple:
    """Sources as a tuple (one text becomes a one-item tuple)."""
    if isinstance(sources, str) or not isinstance(sources, Iterable):
        return (sources,)
    return tuple(sources)


def _text_problems(name: str, key: str, text: object) -> list[Problem]:
    """A label or Dutch description: a str, ``""`` for none, not only spaces."""
    if not isinstance(text, str):
        return [key_problem(f"scenarios.{name}.{key}",
                            f"must be a str, got {type(text).__name__}")]
    if text and not text.strip():
        return [key_problem(f"scenarios.{name}.{key}",
                            "must be a non-empty text (leave the key out for none)")]
    return []


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def _in_section(problem: Problem, name: str, where: str) -> Problem:
    """A problem of the :class:`Scenario` constructor, keyed by the file table ``where`` it
    comes from (the constructor says ``scenarios.<name>``, or ``name`` for a bad name)."""
    prefix = f"scenarios.{name}"
    column = problem.column
    if column == "name":
        column = where
    elif column == prefix or column.startswith(prefix + "."):
        column = where + column[len(prefix):]
    else:
        return problem
    return key_problem(column, problem.rule, problem.rows, problem.n_rows)


def _differences(mine: Scenario, theirs: Scenario) -> list[str]:
    """What differs between two scenarios of the same name, in words."""
    out = []
    if mine.kind != theirs.kind:
        out.append(f"kind {mine.kind!r}, the built-in's is {theirs.kind!r}")
    if mine.to_dict()["drivers"] != theirs.to_dict()["drivers"]:
        out.append("drivers")
    if mine.description != theirs.description:
        out.append("description")
    if mine.sources != theirs.sources:
        out.append("sources")
    out += [key for key in _PRESENTATION_KEYS  # those the table gives
            if getattr(mine, key) and getattr(mine, key) != getattr(theirs, key)]
    return out


def _plain(scenario: Scenario) -> Scenario:
    """``scenario`` without its labels and Dutch texts."""
    return scenario.replace(label_en="", label_nl="", description_nl="", sources_nl=())


def _builtin_problems(scenario: Scenario, where: str, replace: bool,
                      known: Mapping[str, Scenario]) -> list[Problem]:
    """The built-in name rule: a table named after a built-in either equals it or says
    ``replace = true``; ``replace = true`` needs a built-in of that name."""
    name = scenario.name
    theirs = known.get(name)
    if theirs is None:
        if not replace:
            return []
        close = get_close_matches(name, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return [key_problem(f"{where}.replace", f"replace = true, but there is no built-in "
                            f"scenario {name!r} to replace{hint}; correct the name or remove "
                            "the key")]
    if replace or scenario == theirs:
        return []
    return [key_problem(where, f"{name!r} is the name of a built-in {theirs.kind} "
                        f"(scenarios.builtin()) and this table differs from it "
                        f"({', '.join(_differences(scenario, theirs))}); add 'replace = true' "
                        "to the table to use this definition instead of the built-in, or "
                        "choose another name")]


def _from_document(doc: Mapping, source: str,
                   positions: Mapping[tuple[str, str], int] | None = None
                   ) -> tuple[dict[str, Scenario], dict[str, str]]:
    """The scenarios of a parsed file by name and the section (``scenarios``, ``futures`` or
    ``policies``) each was read from.

    ``positions`` (from :func:`_toml.table_positions`) puts the tables in file order across
    sections. Checks the structure, every table (as the :class:`Scenario` constructor does,
    with the problems keyed by the table's section), ``kind`` against the section,
    ``replace`` and the built-in name rule; raises one :class:`InputError` that names
    ``source`` and lists every problem.
    """
    entries, problems = _toml.scenario_tables(doc, _SCENARIO_KEYS, positions)
    known: Mapping[str, Scenario] = _Known() if entries else {}
    out: dict[str, Scenario] = {}
    sections: dict[str, str] = {}
    for section, name, table in entries:
        where = f"{section}.{name}"
        found: list[Problem] = []
        kind = _toml.SECTIONS[section]
        if section == "scenarios":
            kind = table.get("kind", kind)
        elif "kind" in table and table["kind"] != kind:
            given = table["kind"]
            move = (f"move the table to [{_toml.SECTION_OF_KIND[given]}.{name}] or "
                    if isinstance(given, str) and given in _toml.SECTION_OF_KIND else "")
            found.append(key_problem(f"{where}.kind", f"kind {given!r} contradicts the section: "
                                     f"a [{section}.<name>] table is a {kind}; {move}leave "
                                     "kind out"))
        replace = table.get("replace", False)
        if not isinstance(replace, bool):
            found.append(key_problem(f"{where}.replace", f"must be true or false, got "
                                     f"{type(replace).__name__} {replace!r}"))
        for key in _PRESENTATION_KEYS:
            if key in table and (table[key] == "" or table[key] == []):
                found.append(key_problem(f"{where}.{key}", "must not be empty (leave the key "
                                         "out for none)"))
        try:
            scenario = Scenario(name, table.get("drivers", {}), table.get("description", ""),
                                table.get("sources", ()), kind,
                                **{k: table[k] for k in _PRESENTATION_KEYS if k in table})
        except InputError as err:
            found.extend(_in_section(p, str(name), where) for p in err.problems)
        else:
            theirs = known.get(name)
            if (not found and not replace and theirs is not None
                    and not any(k in table for k in _PRESENTATION_KEYS)
                    and _plain(scenario) == _plain(theirs)):
                scenario = theirs  # a copy without the labels and Dutch texts: the built-in
            if not found:
                found.extend(_builtin_problems(scenario, where, replace, known))
        if found:
            problems.extend(found)
        else:
            out[name] = scenario
            sections[name] = section
    if problems:
        raise InputError(f"{source}: invalid scenario file", problems)
    return out, sections


def parse_scenarios(text: str, source: str = "<string>") -> dict[str, Scenario]:
    """Scenarios from TOML text, by name in file order (see :func:`load_scenarios`).

    Parameters
    ----------
    text : str
        TOML text with ``[scenarios.<name>]``, ``[futures.<name>]`` and
        ``[policies.<name>]`` tables, as in a scenario file.
    source : str, optional
        Name of the text in error messages, e.g. a file name (default ``"<string>"``).

    Returns
    -------
    dict of str to Scenario
        The scenarios, futures and policies by name, in the order of the text.

    Raises
    ------
    nldtib_forecast.InputError
        Malformed TOML or invalid tables, as :func:`load_scenarios` lists; every problem is
        named by its dotted key.

    See Also
    --------
    load_scenarios : The same from files.
    save_scenarios : Writes scenarios in this format.

    Examples
    --------
    >>> parse_scenarios('''
    ... [scenarios.fast]
    ... description = "Faster procurement"
    ... [scenarios.fast.drivers]
    ... procurement_lead_time_months = { 2026 = 24, 2028 = 12 }
    ... ''')
    {'fast': Scenario('fast', drivers={'procurement_lead_time_months': {2026: 24.0, 2028: 12.0}})}

    >>> text = '''
    ... [scenarios.reform.drivers]
    ... procurement_lead_time_months = { 2026 = 24, 2028 = 12 }
    ... '''
    >>> parse_scenarios(text)["reform"].path("procurement_lead_time_months", [2026, 2027]).tolist()
    [24.0, 18.0]

    Futures and policies have sections of their own:

    >>> found = parse_scenarios('''
    ... [futures.surge.drivers]
    ... eu_procurement_growth = { 2026 = 0.10, 2030 = 0.10, 2031 = 0.035 }
    ... [policies.fast.drivers]
    ... procurement_lead_time_months = { 2026 = 30, 2028 = 12 }
    ... ''')
    >>> {name: s.kind for name, s in found.items()}
    {'surge': 'future', 'fast': 'policy'}

    Every problem is listed at once, named by its dotted key:

    >>> parse_scenarios('''
    ... [scenarios.bad.drivers]
    ... order_certainty = "0.6"
    ... [policies.improved_conditions.drivers]
    ... order_certainty = 0.8
    ... ''', "mine.toml")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: mine.toml: invalid scenario file
      - key 'scenarios.bad.drivers.order_certainty': ... must be a number, got str '0.6'
      - key 'policies.improved_conditions': 'improved_conditions' is the name of a built-in \
policy ... add 'replace = true' ...
    """
    doc = _toml.loads(text, source)
    return _from_document(doc, source, _toml.table_positions(text))[0]


def load_scenarios(paths: str | PathLike | Sequence[str | PathLike]) -> dict[str, Scenario]:
    """Read the scenarios, futures and policies of one or several TOML files.

    Parameters
    ----------
    paths : path or sequence of paths
        Files holding ``[scenarios.<name>]``, ``[futures.<name>]`` and ``[policies.<name>]``
        tables (a table of ``[futures]`` is a :class:`Scenario` of kind ``"future"``, one of
        ``[policies]`` of kind ``"policy"``; a ``[scenarios]`` table may say ``kind = ...``
        and is a ``"scenario"`` otherwise). A name may appear only once across all sections
        and files.

    Returns
    -------
    dict of str to Scenario
        In file order (files in the order given).

    Raises
    ------
    nldtib_forecast.InputError
        If a file is malformed TOML, has unknown keys, unknown drivers, values of the wrong type
        or out of range, non-integer years, a driver that does not fit the table's kind, a
        ``kind`` that contradicts its section, a ``replace`` that is not a boolean, a name used
        twice (in one file or across files: the error names both), a table named after a
        built-in (:func:`builtin`) that differs from it without ``replace = true``, or
        ``replace = true`` on a name that no built-in has. Every problem of a file is listed,
        each named by its dotted key ``<section>.<name>.drivers.<driver>``.

    Notes
    -----
    A table identical to the built-in of its name (same kind, drivers, description and
    sources) is accepted as it is, so the file :func:`save_scenarios` writes for built-ins
    loads back; ``replace = true`` uses the table's definition in place of the built-in's.
    A copy of a built-in without the labels and Dutch texts (``label_en``, ``label_nl``,
    ``description_nl``, ``sources_nl``), as files written before they existed, is the
    built-in with them.

    See Also
    --------
    parse_scenarios : The same from TOML text.
    save_scenarios : Writes scenarios to a file.
    Scenario.from_toml : One scenario from a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> both = [builtin()["baseline"], builtin()["current_conditions"],
    ...         builtin()["improved_conditions"]]
    >>> path = save_scenarios(both, pathlib.Path(tmp.name, "three.toml"))
    >>> {name: s.kind for name, s in load_scenarios(path).items()}
    {'baseline': 'future', 'current_conditions': 'policy', 'improved_conditions': 'policy'}
    >>> tmp.cleanup()
    """
    if isinstance(paths, (str, PathLike)):
        paths = [paths]
    if isinstance(paths, bytes) or not isinstance(paths, Iterable):
        raise InputError(f"argument 'paths': expected the path of a scenario file (a str or "
                         f"os.PathLike) or a list of them, got {type(paths).__name__}")
    out: dict[str, Scenario] = {}
    seen: dict[str, tuple[str, str]] = {}  # name -> (file, section)
    for path in paths:
        if not isinstance(path, (str, PathLike)):
            raise InputError(f"argument 'paths': expected paths of scenario files (str or "
                             f"os.PathLike), got {type(path).__name__} {path!r}"[:300])
        try:
            path = Path(path)
        except TypeError as err:  # an os.PathLike that does not give a str
            raise InputError(f"argument 'paths': not a usable file path ({err})") from None
        text = _toml.read_text(path)
        found, sections = _from_document(_toml.loads(text, str(path)), str(path),
                                         _toml.table_positions(text))
        problems = [key_problem(f"{sections[name]}.{name}",
                                f"scenario {name!r} is also defined in {seen[name][0]} "
                                f"([{seen[name][1]}.{name}]); names must be unique across the "
                                "files loaded together")
                    for name in found if name in seen]
        if problems:
            raise InputError(f"{path}: duplicate scenario name", problems)
        for name, scenario in found.items():
            seen[name] = (str(path), sections[name])
            out[name] = scenario
    return out


def as_scenario_dict(scenarios: Scenario | Iterable[Scenario] | Mapping[str, Scenario]
             ) -> dict[str, Scenario]:
    """Scenarios by name (one, an iterable or a mapping of :class:`Scenario`).

    Duplicate names, keys that differ from the names and non-scenarios are errors. Used by the
    models and the simulation engine to take scenarios in any of these forms.
    """
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    items = list(scenarios.values() if isinstance(scenarios, Mapping) else scenarios)
    out: dict[str, Scenario] = {}
    for s in items:
        if not isinstance(s, Scenario):
            raise InputError(f"argument 'scenarios': expected Scenario objects, got "
                             f"{type(s).__name__}")
        if s.name in out:
            raise InputError("argument 'scenarios': duplicate scenario name",
                             [key_problem(f"scenarios.{s.name}", "name given more than once")])
        out[s.name] = s
    if isinstance(scenarios, Mapping):
        wrong = [k for k, s in scenarios.items() if k != s.name]
        if wrong:
            raise InputError(f"argument 'scenarios': keys differ from the scenario names: {wrong}")
    return out


def _file_tables(scenarios: Mapping[str, Scenario]) -> dict[str, dict[str, object]]:
    """The tables :func:`save_scenarios` writes: :meth:`Scenario.to_dict`, plus
    ``"replace": True`` for a scenario that has a built-in's name but differs from it."""
    known = _Known()
    out = {}
    for name, scenario in scenarios.items():
        table = scenario.to_dict()
        if name in known and known[name] != scenario:
            table["replace"] = True
        out[name] = table
    return out


def save_scenarios(scenarios: Scenario | Iterable[Scenario] | Mapping[str, Scenario],
                   path: str | PathLike) -> Path:
    """Write scenarios to one TOML file (overwritten).

    Each scenario goes into the section of its kind: ``[futures.<name>]``,
    ``[policies.<name>]`` or ``[scenarios.<name>]``, in the order given. A scenario that has
    the name of a built-in (:func:`builtin`) but a different definition is written with
    ``replace = true``. Reading the file back with :func:`load_scenarios` gives equal
    scenarios.

    Parameters
    ----------
    scenarios : Scenario, iterable of Scenario or mapping of str to Scenario
        The scenarios to write (names must be unique).
    path : str or os.PathLike
        The file to write (UTF-8).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    nldtib_forecast.InputError
        If ``scenarios`` holds something other than scenarios, or a name twice.

    See Also
    --------
    load_scenarios : Reads the file back.
    Scenario.to_toml : Writes one scenario.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> s = Scenario("reform", {"procurement_lead_time_months": {2026: 24, 2028: 12}})
    >>> path = save_scenarios(s, pathlib.Path(tmp.name, "reform.toml"))
    >>> print(path.read_text(encoding='utf-8').strip())
    # Scenario file written by nldtib_forecast 0.1.0
    <BLANKLINE>
    [scenarios.reform]
    <BLANKLINE>
    [scenarios.reform.drivers]
    procurement_lead_time_months = { 2026 = 24, 2028 = 12 }

    A changed built-in is marked as a replacement, so that the file loads back:

    >>> more = builtin()["improved_conditions"].with_drivers(order_certainty=0.8)
    >>> path = save_scenarios(more, pathlib.Path(tmp.name, "more.toml"))
    >>> print(path.read_text(encoding='utf-8').splitlines()[2:4])
    ['[policies.improved_conditions]', 'replace = true']
    >>> load_scenarios(path)["improved_conditions"] == more
    True
    >>> tmp.cleanup()
    """
    found = as_scenario_dict(scenarios)
    text = _toml.dumps(_file_tables(found),
                       header=f"Scenario file written by nldtib_forecast {__version__}")
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# The built-in scenarios
# --------------------------------------------------------------------------------------------
_CURRENT_SOURCES = (
    "L26: letter to parliament of 21 May 2026 (DGBI/105727106): firms can scale up turnover "
    "by 33% under current conditions and 67% when conditions improve; barriers named: order "
    "volume uncertainty, complex and long procurement procedures, labour.",
    "Driver levels: assumptions documented in the driver registry "
    "(nldtib_forecast.scenarios.drivers()).",
)
_CURRENT_SOURCES_NL = (
    "L26: Kamerbrief van 21 mei 2026 (kenmerk DGBI/105727106): bedrijven kunnen hun omzet "
    "onder de huidige omstandigheden met 33% opschalen en met 67% als de omstandigheden "
    "verbeteren; genoemde belemmeringen: onzekerheid over ordervolumes, complexe en lange "
    "aanbestedingsprocedures, arbeidskrachten.",
    "Niveaus van de factoren: aannames, vastgelegd in het register van factoren "
    "(nldtib_forecast.scenarios.drivers()).",
)


class _Deferred:
    """Built-in scenarios a provider declared by name and kind, built on first use, once.

    ``factory()`` returns them by name; the registry calls it the first time a value (not a
    name) is needed, checks that it gives the declared names and kind, and keeps the result.
    """

    def __init__(self, factory: Callable[[], Mapping[str, Scenario]], names: tuple[str, ...],
                 kind: str) -> None:
        self.factory = factory
        self.names = names
        self.kind = kind
        self.built: dict[str, Scenario] | None = None

    def get(self, name: str) -> Scenario:
        if self.built is None:
            found = self.factory()
            where = getattr(self.factory, "__qualname__", repr(self.factory))
            if not isinstance(found, Mapping) or list(found) != list(self.names):
                raise InputError(f"built-in scenarios of {where}: expected {list(self.names)}, "
                                 f"got {list(found) if isinstance(found, Mapping) else found!r}")
            for key, scenario in found.items():
                if not isinstance(scenario, Scenario) or scenario.name != key \
                        or scenario.kind != self.kind:
                    raise InputError(f"built-in scenario {key!r} of {where}: expected a "
                                     f"Scenario of kind {self.kind!r} named {key!r}, got "
                                     f"{scenario!r}"[:300])
            self.built = dict(found)
        return self.built[name]


@dataclass(frozen=True)
class _Builtin:
    name: str
    kind: str
    model: str | None
    default_grid: bool
    source: Scenario | _Deferred

    @property
    def scenario(self) -> Scenario:
        """The scenario (built now if its provider deferred it)."""
        if isinstance(self.source, Scenario):
            return self.source
        return self.source.get(self.name)


_BUILTINS: dict[str, _Builtin] = {}


def _current_conditions() -> Scenario:
    return Scenario(
        "current_conditions", {},
        "Current conditions (2025-2026): every driver at its registry default. Firms report "
        "a possible turnover scale-up of 33% under these conditions (L26).",
        _CURRENT_SOURCES, kind="policy",
        description_nl="Huidige omstandigheden (2025-2026): elke factor op zijn "
                       "standaardwaarde uit het register. Onder deze omstandigheden kunnen "
                       "bedrijven naar eigen zeggen hun omzet met 33% opschalen (L26).",
        sources_nl=_CURRENT_SOURCES_NL)


def _check_builtin_name(name: str, kind: str, default_grid: bool) -> None:
    if name == "current_conditions":
        raise InputError(f"scenario '{name}': the name of the core built-in scenario")
    if default_grid and kind not in ("policy", "future"):
        raise InputError(f"scenario '{name}': only a policy or a future can be in the default "
                         f"grid, got kind {kind!r}")


def register_builtin(scenario: Scenario, *, model: str | None = None,
                     default_grid: bool = False) -> None:
    """Add a model's built-in scenario to :func:`builtin` (called by model modules at import).

    Re-registering an equal scenario is a no-op; a different scenario under a taken name is an
    error. This keeps the dependency one way: models know the scenario registry, the registry
    finds the models' provider modules through their entry points (``PROVIDER_GROUP``).

    Parameters
    ----------
    scenario : Scenario
        The scenario (a policy, a future or a scenario).
    model : str, optional
        The model family that registers it (listings order the families as the providers,
        alphabetically; unknown families come last).
    default_grid : bool, default False
        A policy or future of the outlook's default grid (:data:`POLICY_NAMES`,
        :data:`FUTURE_NAMES`).

    Raises
    ------
    nldtib_forecast.InputError
        If ``scenario`` is not a :class:`Scenario`, takes the name ``current_conditions`` or
        the name of a different built-in, or is put in the default grid without being a
        policy or a future.

    See Also
    --------
    builtin : The registered built-in scenarios.
    register_builtins : Registers built-ins that are computed on first use.
    register_driver : Registers a driver.

    Examples
    --------
    >>> eu_rearm = builtin()["eu_rearm"]
    >>> register_builtin(eu_rearm, model="trade")  # equal scenario: no-op
    >>> builtin()["eu_rearm"] == eu_rearm
    True
    """
    if not isinstance(scenario, Scenario):
        raise InputError(f"argument 'scenario': expected a Scenario, got "
                         f"{type(scenario).__name__}")
    name = scenario.name
    _check_builtin_name(name, scenario.kind, default_grid)
    old = _BUILTINS.get(name)
    if old is not None and old.scenario != scenario:
        raise InputError(f"scenario '{name}': a different built-in scenario has this name")
    if old is None:
        _BUILTINS[name] = _Builtin(name, scenario.kind, model, bool(default_grid), scenario)


def register_builtins(factory: Callable[[], Mapping[str, Scenario]], names: Sequence[str], *,
                      kind: str, model: str | None = None, default_grid: bool = False) -> None:
    """Add built-in scenarios that are built on first use (called by model modules at import).

    A provider module declares the names and the kind of its built-ins; ``factory`` builds
    them the first time a value is needed (:func:`builtin`, :func:`policies`,
    :func:`futures`, a scenario file that uses a built-in's name), once per process. The
    names (:data:`POLICY_NAMES`, :data:`FUTURE_NAMES`) need no call, so importing a provider
    reads no data and imports no model code. Otherwise as :func:`register_builtin` for each
    scenario: the listings keep the order of ``names``, and a name already taken by a
    different built-in is an error (found when both are built).

    Parameters
    ----------
    factory : callable
        Called without arguments, returns the scenarios by name: exactly ``names``, in that
        order, each of kind ``kind``.
    names : sequence of str
        The names of the scenarios ``factory`` returns, in display order.
    kind : {"scenario", "policy", "future"}
        The kind of every one of them.
    model : str, optional
        The model family that registers them.
    default_grid : bool, default False
        Policies or futures of the outlook's default grid.

    Raises
    ------
    nldtib_forecast.InputError
        If ``factory`` is not callable, ``kind`` is unknown, a name is not a string, is
        ``current_conditions`` or is given twice, or the scenarios are put in the default
        grid without being policies or futures. When they are built: if ``factory`` returns
        other names or kinds than declared, or a scenario that differs from a built-in of the
        same name registered before.

    See Also
    --------
    register_builtin : Registers one built scenario.
    builtin : The registered built-in scenarios.

    Examples
    --------
    >>> from nldtib_forecast.models.capacity.drivers import CAPACITY_POLICIES, capacity_policies
    >>> register_builtins(capacity_policies, CAPACITY_POLICIES, kind="policy",
    ...                   model="capacity", default_grid=True)  # as registered: no-op
    >>> from nldtib_forecast.scenarios import POLICY_NAMES  # names only: nothing is built
    >>> POLICY_NAMES[:3]
    ('current_conditions', 'improved_conditions', 'orders_only')
    """
    if not callable(factory):
        raise InputError(f"argument 'factory': expected a callable, got "
                         f"{type(factory).__name__}")
    check_option("kind", kind, list(_toml.SCENARIO_KINDS))
    names = tuple(names)
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise InputError(f"argument 'names': expected distinct scenario names, got "
                         f"{list(names)!r}"[:300])
    deferred = _Deferred(factory, names, kind)
    for name in names:
        _check_builtin_name(name, kind, default_grid)
    for name in names:
        old = _BUILTINS.get(name)
        if old is None:
            _BUILTINS[name] = _Builtin(name, kind, model, bool(default_grid), deferred)
        elif not (isinstance(old.source, _Deferred) and old.source.factory is factory) \
                and old.scenario != deferred.get(name):
            raise InputError(f"scenario '{name}': a different built-in scenario has this name")


def _registered() -> list[_Builtin]:
    """Every registered built-in after loading the providers, ordered by model family."""
    load_providers()
    return sorted(_BUILTINS.values(), key=lambda b: model_rank(b.model))  # stable


class _Known(Mapping[str, Scenario]):
    """The built-in scenarios by name, as :func:`builtin`, each built when it is read (the
    names need no provider to build its scenarios)."""

    def __init__(self) -> None:
        self._entries: dict[str, _Builtin | None] = {
            "current_conditions": None, **{b.name: b for b in _registered()}}

    def __getitem__(self, name: str) -> Scenario:
        entry = self._entries[name]
        return _current_conditions() if entry is None else entry.scenario

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def builtin() -> dict[str, Scenario]:
    """The built-in scenarios, by name.

    ``current_conditions`` (every driver at its default: the conditions under which firms
    report a possible scale-up of 33%, L26) comes first; then the scenarios the models
    register (:func:`register_builtin`), by model family (capacity, outlook, trade), each in
    registration order: the capacity model's policies (``improved_conditions``,
    ``orders_only``, ``procurement_only``, ``labour_only``, ``labour_squeeze``:
    :func:`nldtib_forecast.models.capacity.capacity_policies`), the outlook's combined
    scenarios, and the export share model's scenarios and the outlook's futures
    (:mod:`nldtib_forecast.models.trade`).

    Returns
    -------
    dict of str to Scenario
        Every built-in scenario, policy and future by name, in the order above.

    See Also
    --------
    policies : The built-in policies only.
    futures : The built-in futures only.
    register_builtin : How a model adds its built-ins.

    Examples
    --------
    >>> scenarios = builtin()
    >>> list(scenarios)[:6]
    ['current_conditions', 'improved_conditions', 'orders_only', 'procurement_only', \
'labour_only', 'labour_squeeze']
    >>> "eu_rearm" in scenarios
    True
    >>> scenarios["improved_conditions"].path("order_certainty", [2026, 2027, 2028]).tolist()
    [0.3, 0.475, 0.65]
    """
    return dict(_Known())


def policies() -> dict[str, Scenario]:
    """The built-in policies (scenarios of kind ``"policy"``: levers only), by name.

    ``current_conditions`` (every lever at its current level) comes first; it is the
    reference of :meth:`~nldtib_forecast.results.ScenarioResult.policy_effects`.

    Returns
    -------
    dict of str to Scenario
        The policies by name, in the order of :func:`builtin`.

    See Also
    --------
    futures : The built-in futures.
    nldtib_forecast.models.outlook.grid_scenarios : Every policy under every future.

    Examples
    --------
    >>> list(policies())
    ['current_conditions', 'improved_conditions', 'orders_only', 'procurement_only', \
'labour_only', 'labour_squeeze']
    """
    return {n: s for n, s in builtin().items() if s.kind == "policy"}


def futures() -> dict[str, Scenario]:
    """The built-in futures (scenarios of kind ``"future"``: external drivers only), by name.

    The futures of the default grid, :data:`FUTURE_NAMES` (``baseline`` = committed policy
    first), come first, then the others (the export share model's ``eu_rearm``,
    ``eu_nato_35``, ...).

    Returns
    -------
    dict of str to Scenario
        The futures by name, in the order above.

    See Also
    --------
    policies : The built-in policies.
    nldtib_forecast.models.outlook.grid_scenarios : Every policy under every future.

    Examples
    --------
    >>> list(futures())[:4]
    ['baseline', 'european_surge', 'slower_path', 'constant_gdp_shares']
    """
    found = {n: s for n, s in builtin().items() if s.kind == "future"}
    return {**{n: found[n] for n in _grid_names("future")}, **found}


def _grid_names(kind: str) -> tuple[str, ...]:
    names = tuple(b.name for b in _registered() if b.default_grid and b.kind == kind)
    return ("current_conditions", *names) if kind == "policy" else names


def _phase_in() -> Mapping[str, tuple[int, int]]:
    load_providers()
    return MappingProxyType({n: d.phase_in for n in driver_names()
                             if (d := _REGISTRY[n]).phase_in is not None})


# The four names below are computed from the registry when read (module ``__getattr__``, PEP
# 562), so that they list what the installed models register; the annotations declare them.

#: Names of the built-in policies of the outlook's default grid, ``current_conditions`` first,
#: then those the models register with ``default_grid=True`` (the capacity model's
#: ``improved_conditions``, ``orders_only``, ``procurement_only``, ``labour_only``,
#: ``labour_squeeze``).
POLICY_NAMES: tuple[str, ...]
#: Names of the built-in futures of the outlook's default grid (registered with
#: ``default_grid=True``: ``baseline`` = committed policy, ``european_surge``, ``slower_path``,
#: ``constant_gdp_shares``, by :mod:`nldtib_forecast.models.trade`).
FUTURE_NAMES: tuple[str, ...]
#: The core built-in scenarios: the same names as :data:`POLICY_NAMES` (kept for code written
#: before policies and futures were separated).
BUILTIN_NAMES: tuple[str, ...]
#: Phase-in of the improved levels, driver -> (first year, year the improved level is
#: reached), for every registered driver with a ``phase_in`` (the capacity levers: 2026-2028,
#: 2026-2029, 2026-2030; assumptions).
PHASE_IN: Mapping[str, tuple[int, int]]

_COMPUTED = {
    "POLICY_NAMES": lambda: _grid_names("policy"),
    "FUTURE_NAMES": lambda: _grid_names("future"),
    "BUILTIN_NAMES": lambda: _grid_names("policy"),
    "PHASE_IN": _phase_in,
}


def __getattr__(name: str) -> object:
    if name in _COMPUTED:
        return _COMPUTED[name]()
    raise AttributeError(f"module 'nldtib_forecast.scenarios' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
