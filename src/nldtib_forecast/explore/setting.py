"""What the explorer shows and changes: the levers and the setting of a comparison.

A :class:`Lever` is a driver of kind ``"lever"`` from the scenario registry
(:func:`nldtib_forecast.scenarios.get_driver`) as a slider shows it: its label and unit from
:mod:`nldtib_forecast.labels`, the slider's range, step and display scale (fractions as
percentages), and the current and improved levels marked on it. A :class:`Setting` is the
state of the explorer: a future and a policy, both :class:`~nldtib_forecast.scenarios.Scenario`
values, with the draws and the seed. The policy holds the lever levels: :func:`policy_for`
builds it from the levels of the sliders, starting from a built-in policy or one of a scenario
file. Nothing here depends on the web framework, so the same functions serve the app, the
tests and a notebook.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import pandas as pd

from nldtib_forecast._errors import InputError, check_seed
from nldtib_forecast._format import format_value, percent, unit_kind
from nldtib_forecast.labels import label, unit_label
from nldtib_forecast.scenarios import (
    BASE_YEAR,
    Scenario,
    futures,
    get_driver,
    parse_scenarios,
    policies,
    save_scenarios,
)
from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED

__all__ = ["LEVER_NAMES", "REFERENCE_POLICY", "MAX_DRAWS", "Lever", "levers", "Setting",
           "Choices", "policy_for", "lever_levels", "save_setting", "check_draws"]

#: The levers the explorer has a slider for (issue 17): order certainty, procurement lead
#: time, labour supply growth and the priority given to domestic customers.
LEVER_NAMES: tuple[str, ...] = ("order_certainty", "procurement_lead_time_months",
                                "labour_supply_growth", "domestic_priority")
#: The policy every setting is compared with (as in ``nldtib-forecast run``).
REFERENCE_POLICY = "current_conditions"
#: Most draws the explorer computes on a change (more: ``nldtib-forecast run``).
MAX_DRAWS = 20_000
#: Default name of a policy changed in the explorer.
DEFAULT_POLICY_NAME = "explorer_policy"


@dataclass(frozen=True)
class Lever:
    """A lever as a slider shows it; every number is in the driver's own unit.

    Parameters
    ----------
    name : str
        The driver (``order_certainty``).
    label : str
        Its label (:func:`nldtib_forecast.labels.label`).
    unit : str
        The driver's unit (``fraction``, ``months``, ``fraction per year``).
    display_unit : str
        The unit the slider shows (``%``, ``months``, ``% per year``).
    scale : float
        Display value per unit value: 100 for fractions (shown as percentages), else 1.
    lower, upper : float
        The driver's valid range (the registry's).
    start, end : float
        The slider's range: the valid range, narrowed to twice the distance between the
        current and the improved level on either side of them (a typed value outside it
        widens the slider, up to the valid range).
    step : float
        The slider's step.
    current : float
        The level under current conditions (the registry default).
    improved : float or None
        The level under improved conditions, if the registry has one.
    phase_in : tuple of two int or None
        ``(first year, year the level is reached)`` of a policy that moves the lever.
    description : str
        What the lever measures (the label's one-sentence definition).

    See Also
    --------
    levers : The explorer's levers from the registry.

    Examples
    --------
    >>> lead = levers()["procurement_lead_time_months"]
    >>> lead.label, lead.display_unit, lead.current, lead.improved, lead.start, lead.end
    ('Procurement lead time', 'months', 30.0, 12.0, 1.0, 66.0)
    >>> levers()["order_certainty"].display(0.65)
    '65%'
    """

    name: str
    label: str
    unit: str
    display_unit: str
    scale: float
    lower: float
    upper: float
    start: float
    end: float
    step: float
    current: float
    improved: float | None
    phase_in: tuple[int, int] | None
    description: str

    def display(self, value: float) -> str:
        """A level as the explorer shows it (``65%``, ``18 months``, ``2.5% per year``).

        Parameters
        ----------
        value : float
            The level, in the driver's unit.

        Returns
        -------
        str
            The formatted level with its unit.

        Examples
        --------
        >>> levers()["labour_supply_growth"].display(0.025)
        '2.5% per year'
        """
        if unit_kind(self.unit) == "percent":  # "%" or "% per year"
            return percent(value, decimals=None) + self.display_unit[1:]
        return f"{format_value(value, self.unit)} {self.display_unit}"

    def marks(self) -> dict[str, float]:
        """The levels marked on the slider: ``{"current": ..., "improved": ...}`` (improved
        only when the registry has it), in the driver's unit.

        Returns
        -------
        dict of str to float
            The marked levels.

        Examples
        --------
        >>> levers()["domestic_priority"].marks()
        {'current': 0.0}
        """
        out = {"current": self.current}
        if self.improved is not None:
            out["improved"] = self.improved
        return out


def _step(unit: str) -> float:
    return {"fraction": 0.01, "fraction per year": 0.0025, "months": 1.0}.get(unit, 0.01)


def _lever(name: str) -> Lever:
    d = get_driver(name)
    if d.kind != "lever":
        raise InputError(f"driver {name!r} is not a lever (kind {d.kind!r})")
    step = _step(d.unit)
    start, end = d.lower, d.upper
    if d.improved is not None:
        gap = abs(d.improved - d.default)
        low, high = min(d.default, d.improved), max(d.default, d.improved)
        start = max(d.lower, math.floor((low - 2 * gap) / step) * step)
        end = min(d.upper, math.ceil((high + 2 * gap) / step) * step)
    percent = unit_kind(d.unit) == "percent"
    return Lever(name=d.name, label=label(d.name, kind="driver"), unit=d.unit,
                 display_unit=unit_label(d.unit), scale=100.0 if percent else 1.0,
                 lower=d.lower, upper=d.upper, start=round(start, 10), end=round(end, 10),
                 step=step, current=d.default, improved=d.improved, phase_in=d.phase_in,
                 description=label(d.name, kind="driver", long=True))


def levers(names: Sequence[str] = LEVER_NAMES) -> dict[str, Lever]:
    """The explorer's levers, from the driver registry.

    Parameters
    ----------
    names : sequence of str, default :data:`LEVER_NAMES`
        Drivers of kind ``"lever"``.

    Returns
    -------
    dict of str to Lever
        By driver name, in the order given.

    Raises
    ------
    nldtib_forecast.InputError
        An unknown driver, or one that is not a lever.

    See Also
    --------
    nldtib_forecast.scenarios.drivers : The registry as a table.

    Examples
    --------
    >>> [lv.label for lv in levers().values()]
    ['Order certainty', 'Procurement lead time', 'Growth of technical labour supply', \
'Priority for domestic customers']
    >>> levers()["labour_supply_growth"].marks()
    {'current': 0.01, 'improved': 0.03}
    """
    return {n: _lever(n) for n in names}


def _target(spec: object, default: float) -> float:
    """The level a driver spec reaches: the constant, or the last point of a path."""
    if spec is None:
        return default
    if isinstance(spec, (int, float)):
        return float(spec)
    points = dict(spec)  # type: ignore[call-overload]
    return float(points[max(points)])


def lever_levels(policy: Scenario, names: Sequence[str] = LEVER_NAMES) -> pd.Series:
    """The level each lever reaches under a policy (its default where the policy leaves it).

    Parameters
    ----------
    policy : Scenario
        A policy (or any scenario).
    names : sequence of str, default :data:`LEVER_NAMES`
        The levers.

    Returns
    -------
    pandas.Series
        Levels in the drivers' units, indexed by ``driver``, named ``level``.

    See Also
    --------
    policy_for : The policy of given levels.

    Examples
    --------
    >>> from nldtib_forecast.scenarios import builtin
    >>> lever_levels(builtin()["improved_conditions"]).tolist()
    [0.65, 12.0, 0.03, 0.0]
    """
    values = [_target(policy.drivers.get(n), get_driver(n).default) for n in names]
    return pd.Series(values, index=pd.Index(list(names), name="driver"), name="level",
                     dtype=float)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _describe(levels: Mapping[str, float], base: Scenario, phase_in: bool) -> str:
    parts = []
    for name, value in levels.items():
        lever = _lever(name)
        if _close(value, lever.current):
            continue
        when = (f" by {lever.phase_in[1]}" if phase_in and lever.phase_in
                else f" from {BASE_YEAR + 1}")
        parts.append(f"{lever.label.lower()} {lever.display(value)}{when} (current "
                     f"{lever.display(lever.current)})")
    what = "; ".join(parts) if parts else "every lever at its current level"
    return (f"Set in the scenario explorer, starting from the policy {base.name!r}: "
            f"{what}.")


def policy_for(levels: Mapping[str, float], base: Scenario | None = None, *,
               name: str = DEFAULT_POLICY_NAME, phase_in: bool = True) -> Scenario:
    """The policy of the sliders: ``base`` with the levers moved to ``levels``.

    A lever whose level is the one ``base`` reaches keeps ``base``'s path (so an unchanged
    built-in policy is returned as it is, name included); a lever moved to its current level
    is left at its default; a lever moved elsewhere reaches its level along the registry's
    phase-in (``{first year: current, year reached: level}``, as the built-in policies do)
    or, with ``phase_in=False`` or a lever without a phase-in, from the first projected year.

    Parameters
    ----------
    levels : mapping of str to float
        Lever name to level, in the driver's unit (levers not given keep ``base``'s).
    base : Scenario, optional
        The policy started from (default: current conditions).
    name : str, default ``"explorer_policy"``
        Name of the policy when it differs from ``base``.
    phase_in : bool, default True
        Move levers along their phase-in.

    Returns
    -------
    Scenario
        A policy (kind ``"policy"``).

    Raises
    ------
    nldtib_forecast.InputError
        A level outside the driver's range, a name that is not a valid scenario name, or a
        ``base`` that is not a policy; the message is the scenario file's (what
        ``nldtib-forecast run`` says for the same values in a file).

    See Also
    --------
    lever_levels : The levels a policy reaches.
    Setting : The explorer's state.

    Examples
    --------
    >>> from nldtib_forecast.scenarios import builtin
    >>> improved = builtin()["improved_conditions"]
    >>> policy_for({"order_certainty": 0.65}, improved) is improved
    True
    >>> p = policy_for({"procurement_lead_time_months": 18}, improved, name="faster")
    >>> p.name, dict(p.drivers["procurement_lead_time_months"])
    ('faster', {2026: 30.0, 2029: 18.0})
    >>> policy_for({"order_certainty": 1.5}).name
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: scenario 'explorer_policy': invalid definition
      - key 'scenarios.explorer_policy.drivers.order_certainty': ...
    """
    base = policies()[REFERENCE_POLICY] if base is None else base
    if not isinstance(base, Scenario) or base.kind != "policy":
        raise InputError(f"argument 'base': expected a policy (a Scenario of kind 'policy'), "
                         f"got {base!r}")
    drivers: dict[str, object] = {n: v if isinstance(v, float) else dict(v)
                                  for n, v in base.drivers.items()}
    changed = False
    for lever_name, value in levels.items():
        d = get_driver(lever_name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            drivers[lever_name] = value  # the Scenario's check names the problem
            changed = True
            continue
        value = float(value)
        if _close(value, _target(base.drivers.get(d.name), d.default)):
            continue
        changed = True
        if _close(value, d.default):
            drivers.pop(d.name, None)
        elif phase_in and d.phase_in is not None:
            drivers[d.name] = {d.phase_in[0]: d.default, d.phase_in[1]: value}
        else:
            drivers[d.name] = value
    if not changed:
        return base
    numeric = {k: float(v) for k, v in levels.items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return Scenario(name, drivers, description=_describe(numeric, base, phase_in),
                    sources=base.sources, kind="policy")


def check_draws(n_draws: object) -> int:
    """The number of draws of a setting: an int from 1 to :data:`MAX_DRAWS`.

    Parameters
    ----------
    n_draws : object
        The number given.

    Returns
    -------
    int
        ``n_draws``.

    Raises
    ------
    nldtib_forecast.InputError
        Not a whole number in the range.

    Examples
    --------
    >>> check_draws(1000)
    1000
    """
    if isinstance(n_draws, bool) or not isinstance(n_draws, int) or not (
            1 <= n_draws <= MAX_DRAWS):
        raise InputError(f"argument 'draws': must be a whole number from 1 to {MAX_DRAWS:,} "
                         f"in the explorer (for more, use nldtib-forecast run --draws N), "
                         f"got {n_draws!r}")
    return n_draws


@dataclass(frozen=True)
class Setting:
    """The explorer's state: a future, the policy compared with current conditions, the
    draws and the seed.

    Parameters
    ----------
    future : Scenario
        A future (kind ``"future"``): a built-in or one of a scenario file.
    policy : Scenario
        The policy (kind ``"policy"``) compared with current conditions; it holds the lever
        levels (:func:`policy_for`).
    n_draws : int, default 1000
        Monte Carlo draws per scenario (:data:`MAX_DRAWS` at most).
    seed : int, default 0
        Root seed of the simulation (and of the synthetic survey, as in
        ``nldtib-forecast run``).
    lever_names : tuple of str, default :data:`LEVER_NAMES`
        The levers :meth:`levels` reports.

    Raises
    ------
    nldtib_forecast.InputError
        A future or policy of the wrong kind, invalid draws or seed.

    See Also
    --------
    policy_for : The policy of the sliders.
    save_setting : Writes the setting as a scenario file.

    Examples
    --------
    >>> from nldtib_forecast.scenarios import builtin
    >>> s = Setting(builtin()["baseline"], builtin()["improved_conditions"])
    >>> list(s.scenarios()), s.n_draws, s.seed
    (['baseline', 'improved_conditions'], 1000, 0)
    >>> s.levels().round(2).tolist()
    [0.65, 12.0, 0.03, 0.0]
    """

    future: Scenario
    policy: Scenario
    n_draws: int = DEFAULT_N_DRAWS
    seed: int = DEFAULT_SEED
    lever_names: tuple[str, ...] = field(default=LEVER_NAMES, repr=False)

    def __post_init__(self) -> None:
        for what, value, kind in (("future", self.future, "future"),
                                  ("policy", self.policy, "policy")):
            if not isinstance(value, Scenario) or value.kind != kind:
                raise InputError(f"argument {what!r}: expected a Scenario of kind {kind!r}, "
                                 f"got {value!r}")
        check_draws(self.n_draws)
        if not isinstance(check_seed(self.seed), int):
            raise InputError(f"argument 'seed': must be an integer >= 0, got {self.seed!r}")

    @property
    def policies(self) -> tuple[str, ...]:
        """The policies simulated: current conditions, then the policy (once if it is
        current conditions)."""
        if self.policy.name == REFERENCE_POLICY:
            return (REFERENCE_POLICY,)
        return (REFERENCE_POLICY, self.policy.name)

    def scenarios(self) -> dict[str, Scenario]:
        """The future and the policy, by name: what a scenario file of the setting holds.

        Returns
        -------
        dict of str to Scenario
            ``{future name: future, policy name: policy}``.

        Examples
        --------
        >>> from nldtib_forecast.scenarios import builtin
        >>> s = Setting(builtin()["slower_path"], builtin()["orders_only"])
        >>> {name: scenario.kind for name, scenario in s.scenarios().items()}
        {'slower_path': 'future', 'orders_only': 'policy'}
        """
        return {self.future.name: self.future, self.policy.name: self.policy}

    def levels(self) -> pd.Series:
        """The level each lever reaches under the policy (:func:`lever_levels`).

        Returns
        -------
        pandas.Series
            Indexed by ``driver``.

        Examples
        --------
        >>> from nldtib_forecast.scenarios import builtin
        >>> s = Setting(builtin()["baseline"], builtin()["orders_only"])
        >>> s.levels()["order_certainty"]
        np.float64(0.65)
        """
        return lever_levels(self.policy, self.lever_names)


def save_setting(setting: Setting, path: str | PathLike) -> Path:
    """Write a setting as a scenario file: its future and its policy.

    ``nldtib-forecast run FILE --out DIR`` then runs the same comparison (the policy and
    current conditions under the future, with ``--draws`` and ``--seed`` of the setting), and
    :func:`~nldtib_forecast.scenarios.load_scenarios` reads it back. The file is written
    through a temporary file and renamed into place.

    Parameters
    ----------
    setting : Setting
        The setting.
    path : str or os.PathLike
        The ``.toml`` file (overwritten).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    nldtib_forecast.InputError
        A path without the ``.toml`` extension, or in a directory that does not exist.

    See Also
    --------
    nldtib_forecast.scenarios.save_scenarios : The writer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from nldtib_forecast.scenarios import builtin, load_scenarios
    >>> tmp = tempfile.TemporaryDirectory()
    >>> s = Setting(builtin()["baseline"],
    ...             policy_for({"order_certainty": 0.5}, name="more_orders"))
    >>> path = save_setting(s, pathlib.Path(tmp.name, "more_orders.toml"))
    >>> {n: x.kind for n, x in load_scenarios(path).items()}
    {'baseline': 'future', 'more_orders': 'policy'}
    >>> tmp.cleanup()
    """
    from nldtib_forecast.report.io import write_file

    path = Path(path)
    if path.suffix.lower() != ".toml":
        raise InputError(f"scenario file {str(path)!r}: the name must end in .toml")
    if path.parent != Path("") and not path.parent.is_dir():
        raise InputError(f"scenario file {str(path)!r}: directory {str(path.parent)!r} "
                         "does not exist")
    def write(tmp: Path) -> None:
        save_scenarios(setting.scenarios(), tmp)

    write_file(path, write)
    return path


@dataclass(frozen=True)
class Choices:
    """The futures and policies to choose from: the built-ins, then those of a scenario
    file (a file's table replaces the built-in of its name).

    Parameters
    ----------
    futures : mapping of str to Scenario
        Futures by name.
    policies : mapping of str to Scenario
        Policies by name (current conditions first).
    source : str or None
        The scenario file's name, None for the built-ins only.
    skipped : tuple of str
        Scenarios of the file that are neither a future nor a policy (kind
        ``"scenario"``), which the explorer cannot compare.
    file_names : tuple of str
        The futures and policies that come from the file.

    See Also
    --------
    Setting : The explorer's state.

    Examples
    --------
    >>> c = Choices.builtin()
    >>> list(c.futures)[:2], list(c.policies)[:2]
    (['baseline', 'european_surge'], ['current_conditions', 'improved_conditions'])
    """

    futures: Mapping[str, Scenario]
    policies: Mapping[str, Scenario]
    source: str | None = None
    skipped: tuple[str, ...] = ()
    file_names: tuple[str, ...] = ()

    @classmethod
    def builtin(cls) -> Choices:
        """The built-in futures and policies.

        Returns
        -------
        Choices
            Without a file.

        Examples
        --------
        >>> Choices.builtin().source is None
        True
        """
        return cls(dict(futures()), dict(policies()))

    @classmethod
    def from_text(cls, text: str, source: str) -> Choices:
        """The built-ins and the futures and policies of a scenario file's text.

        Parameters
        ----------
        text : str
            The file's contents (TOML).
        source : str
            The file's name, for the messages.

        Returns
        -------
        Choices
            The built-ins and the file's futures and policies.

        Raises
        ------
        nldtib_forecast.InputError
            Invalid TOML or scenarios (the message of ``nldtib-forecast run``), or a file
            without a future or a policy.

        Examples
        --------
        >>> text = "[policies.quick.drivers]\\nprocurement_lead_time_months = 18\\n"
        >>> c = Choices.from_text(text, "quick.toml")
        >>> list(c.policies)[:2], c.file_names
        (['current_conditions', 'quick'], ('quick',))
        """
        found = parse_scenarios(text, source)
        fut = {n: s for n, s in found.items() if s.kind == "future"}
        pol = {n: s for n, s in found.items() if s.kind == "policy"}
        if not fut and not pol:
            raise InputError(f"{source}: no [futures.<name>] or [policies.<name>] table; the "
                             "explorer compares a policy with current conditions under a "
                             "future")
        base = cls.builtin()
        skipped = tuple(n for n, s in found.items() if s.kind == "scenario")
        return cls({**fut, **{n: s for n, s in base.futures.items() if n not in fut}},
                   {REFERENCE_POLICY: base.policies[REFERENCE_POLICY], **pol,
                    **{n: s for n, s in base.policies.items() if n not in pol}},
                   source, skipped, (*fut, *pol))

    @classmethod
    def from_bytes(cls, data: bytes, source: str) -> Choices:
        """As :meth:`from_text`, from the bytes of an uploaded file.

        Parameters
        ----------
        data : bytes
            The file's contents.
        source : str
            The file's name, for the messages.

        Returns
        -------
        Choices
            The built-ins and the file's futures and policies.

        Raises
        ------
        nldtib_forecast.InputError
            Text that is not UTF-8 (the message of ``nldtib-forecast run``), or invalid
            scenarios.

        Examples
        --------
        >>> data = b"[futures.flat.drivers]\\neu_procurement_growth = 0.0\\n"
        >>> list(Choices.from_bytes(data, "flat.toml").futures)[0]
        'flat'
        """
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError(f"{source}: malformed TOML: the file is UTF-16 text; TOML files "
                             "are UTF-8: save it as UTF-8")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(f"{source}: malformed TOML: not UTF-8 text ({err.reason} at byte "
                             f"{err.start}); save the file as UTF-8") from None
        return cls.from_text(text, source)

    @classmethod
    def from_file(cls, path: str | PathLike) -> Choices:
        """As :meth:`from_text`, from a file.

        Parameters
        ----------
        path : str or os.PathLike
            The scenario file.

        Returns
        -------
        Choices
            The built-ins and the file's futures and policies.

        Raises
        ------
        nldtib_forecast.InputError
            An unreadable or invalid file.

        Examples
        --------
        >>> Choices.from_file("no_such_file.toml")
        Traceback (most recent call last):
        ...
        nldtib_forecast.InputError: scenario file 'no_such_file.toml' does not exist
        """
        from nldtib_forecast.scenarios import toml_io

        return cls.from_text(toml_io.read_text(Path(path)), str(path))
