"""Shared, read-only containers for Monte Carlo results under scenarios.

:class:`ScenarioResult` holds the simulated draws of one or more output variables under one or
more scenarios, as arrays with dimensions ``(scenario, draw, year)``, together with
:class:`ResultMetadata` (seed, number of draws, method, library version, input data hash, what
the intervals include, units). It is returned by :func:`nldtib_forecast.simulation.simulate` and
reused by every model that runs scenarios. Statistics are computed from the stored draws:
means, quantiles (:func:`numpy.quantile`, linear interpolation, Hyndman-Fan type 7), tidy
tables, draw-by-draw differences between scenarios (common random numbers), fan charts, and
export to xarray.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_level, check_option, check_year
from nldtib_forecast._format import format_value
from nldtib_forecast.simulation.fanchart import (
    _fan_chart,
    _plural,
    _tails,
)
from nldtib_forecast.simulation.metadata import (  # noqa: F401 - re-exported
    ResultMetadata,
    _metadata_from_dict,
    _update,
    data_hash,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from nldtib_forecast.scenarios import Scenario

__all__ = ["ScenarioResult", "ResultMetadata", "data_hash", "DEFAULT_QUANTILES", "FAN_LEVELS",
           "GRID_SEPARATOR", "interval_tails"]

#: Quantiles reported by :meth:`ScenarioResult.to_frame`.
DEFAULT_QUANTILES: tuple[float, ...] = (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)
#: Central interval levels drawn as bands by :meth:`ScenarioResult.plot`.
FAN_LEVELS: tuple[float, ...] = (0.5, 0.8, 0.95)
#: Separator of the future and the policy in the scenario names of a grid
#: (``"baseline/improved_conditions"``).
GRID_SEPARATOR = "/"


def interval_tails(level: float) -> tuple[float, float]:
    """The quantile levels ``(lower, upper)`` of a central interval of ``level``.

    Rounded to 12 decimals, so that a 90% interval is bounded by the 0.05 and 0.95 quantiles
    exactly (not 0.04999999999999999).

    Parameters
    ----------
    level : float
        Central interval level, a fraction in (0, 1) (0.9, not 90).

    Returns
    -------
    tuple of float
        ``((1 - level) / 2, (1 + level) / 2)``.

    Raises
    ------
    nldtib_forecast.InputError
        If ``level`` is not a number in (0, 1).

    See Also
    --------
    ScenarioResult.summary_frame : Central intervals of a variable.

    Examples
    --------
    >>> interval_tails(0.9)
    (0.05, 0.95)
    """
    return _tails(check_level(level))


def _years_index(years: Iterable[int]) -> pd.Index:
    values = list(years)
    if not values or any(not isinstance(y, (int, np.integer)) or isinstance(y, bool)
                         for y in values):
        raise InputError("ScenarioResult: years must be a non-empty sequence of int years")
    index = pd.Index(np.asarray(values, dtype="int64"), name="year")
    if not index.is_monotonic_increasing or not index.is_unique:
        raise InputError("ScenarioResult: years must be strictly increasing")
    return index


@dataclass(frozen=True, init=False, eq=False, repr=False)
class ScenarioResult:
    """Monte Carlo draws of output variables under scenarios (read-only).

    Parameters
    ----------
    draws : mapping of str to array_like
        Variable name to an array of shape ``(n_scenarios, n_draws, n_years)``. The arrays are
        copied to read-only float64 arrays.
    scenarios : sequence of str
        Scenario names, the first axis.
    years : sequence of int
        Years, the last axis (strictly increasing).
    metadata : ResultMetadata, optional
        Provenance; by default only ``n_draws`` is filled in.
    definitions : mapping of str to Scenario, optional
        The scenarios the draws were computed under.

    Raises
    ------
    nldtib_forecast.InputError
        Scenario names that are not unique non-empty strings, years that are not strictly
        increasing ints, arrays of the wrong shape, variables with different numbers of
        draws, or metadata whose ``n_draws`` differs from the draws'.

    See Also
    --------
    nldtib_forecast.simulation.simulate : Returns one.
    ResultMetadata : Its provenance.

    Notes
    -----
    Draw ``k`` of every scenario comes from the same random numbers (common random numbers,
    see :mod:`nldtib_forecast.simulation`), so differences between scenarios are computed draw
    by draw (:meth:`difference`). Quantiles use :func:`numpy.quantile` (linear interpolation).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> result = ScenarioResult({"capacity_index": 1 + rng.normal(0, .1, (2, 500, 3)).cumsum(2)},
    ...                         scenarios=["current_conditions", "improved_conditions"],
    ...                         years=[2026, 2027, 2028])
    >>> result
    <ScenarioResult: 2 scenarios x 500 draws x 3 years (2026-2028); variables: capacity_index>
    >>> result.quantiles([0.1, 0.9]).loc[("current_conditions", "capacity_index")].round(2)
    quantile   0.1   0.9
    year
    2026      0.87  1.11
    2027      0.82  1.16
    2028      0.78  1.22
    >>> float(result.difference("current_conditions").to_frame().value.abs().max())
    0.0
    """

    __slots__ = ("_draws", "_scenarios", "_years", "_metadata", "_definitions")
    _draws: Mapping[str, np.ndarray]  # variable -> read-only (scenario, draw, year) float64
    _scenarios: tuple[str, ...]
    _years: pd.Index  # int64, named "year", strictly increasing
    _metadata: ResultMetadata
    _definitions: Mapping[str, Scenario]  # the scenarios the draws were computed under

    def __init__(self, draws: Mapping[str, object], scenarios: Sequence[str],
                 years: Sequence[int], metadata: ResultMetadata | None = None,
                 definitions: Mapping[str, Scenario] | None = None, *,
                 _copy: bool = True) -> None:
        names = tuple(scenarios)
        if not names or len(set(names)) != len(names) or not all(
                isinstance(s, str) and s for s in names):
            raise InputError("ScenarioResult: scenarios must be unique non-empty strings")
        index = _years_index(years)
        if not isinstance(draws, Mapping) or not draws:
            raise InputError("ScenarioResult: draws must be a non-empty mapping of variable "
                             "name to array")
        store: dict[str, np.ndarray] = {}
        problems = []
        for var, values in draws.items():
            # _copy=False: the engine hands over arrays nobody else references
            arr = np.array(values, dtype="float64", copy=True if _copy else None)
            expected = (len(names), None, len(index))
            if not isinstance(var, str) or not var:
                problems.append(Problem(str(var), "variable names must be non-empty strings"))
            elif arr.ndim != 3 or arr.shape[0] != expected[0] or arr.shape[2] != expected[2]:
                problems.append(Problem(var, f"must have shape (n_scenarios={len(names)}, "
                                             f"n_draws, n_years={len(index)}), got {arr.shape}"))
            else:
                arr.flags.writeable = False
                store[var] = arr
        n_draws = {a.shape[1] for a in store.values()}
        if len(n_draws) > 1:
            problems.append(Problem("draws", f"variables differ in n_draws: {sorted(n_draws)}"))
        if problems:
            raise InputError("ScenarioResult: invalid draws", problems)
        n = n_draws.pop()
        if n < 1:
            raise InputError("ScenarioResult: draws must hold at least one draw")
        metadata = ResultMetadata(n_draws=n) if metadata is None else metadata
        if not isinstance(metadata, ResultMetadata) or metadata.n_draws != n:
            raise InputError(f"ScenarioResult: metadata must be a ResultMetadata with "
                             f"n_draws={n}")
        object.__setattr__(self, "_draws", MappingProxyType(store))
        object.__setattr__(self, "_scenarios", names)
        object.__setattr__(self, "_years", index)
        object.__setattr__(self, "_metadata", metadata)
        object.__setattr__(self, "_definitions", MappingProxyType(dict(definitions or {})))

    def __reduce__(self):
        return (ScenarioResult, (dict(self._draws), self._scenarios, list(self._years),
                                 self._metadata, dict(self._definitions)))

    # -- attributes ---------------------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        """Output variables, in model order."""
        return tuple(self._draws)

    @property
    def scenarios(self) -> tuple[str, ...]:
        """Scenario names."""
        return self._scenarios

    @property
    def years(self) -> pd.Index:
        """Years (int64 index named ``year``)."""
        return self._years

    @property
    def n_draws(self) -> int:
        """Draws per scenario."""
        return self._metadata.n_draws

    @property
    def metadata(self) -> ResultMetadata:
        """Seed, method, version, data hash, interval contents, units, ..."""
        return self._metadata

    @property
    def units(self) -> Mapping[str, str]:
        """Unit of each variable (empty string when unknown)."""
        return MappingProxyType({v: self._metadata.units.get(v, "") for v in self._draws})

    @property
    def definitions(self) -> Mapping[str, Scenario]:
        """The :class:`~nldtib_forecast.scenarios.Scenario` objects, by name (if recorded)."""
        return self._definitions

    # -- policies x futures -------------------------------------------------------------------
    def _grid(self) -> list[tuple[str, str, str]]:
        """``(name, future, policy)`` of the scenarios named ``"FUTURE/POLICY"``."""
        out = []
        for s in self._scenarios:
            if GRID_SEPARATOR in s:
                future, policy = s.split(GRID_SEPARATOR, 1)
                out.append((s, future, policy))
        return out

    @property
    def futures(self) -> tuple[str, ...]:
        """The futures of a policies x futures grid (scenarios named ``"FUTURE/POLICY"``), in
        order; empty when the result holds no grid."""
        return tuple(dict.fromkeys(f for _s, f, _p in self._grid()))

    @property
    def policies(self) -> tuple[str, ...]:
        """The policies of a policies x futures grid, in order; empty without a grid."""
        return tuple(dict.fromkeys(p for _s, _f, p in self._grid()))

    def policy_effects(self, variable: str, reference: str = "current_conditions",
                       years: int | Sequence[int] | None = None,
                       level: float = 0.9) -> pd.DataFrame:
        """What each policy adds over the reference policy, per future and year.

        For every future and policy of the grid, the difference ``policy - reference`` of one
        variable is taken draw by draw (within a future every policy is simulated on the same
        random numbers, so the differences are precise) and summarised over the draws.

        Parameters
        ----------
        variable : str
            An output variable, e.g. ``"turnover_real_eur"``.
        reference : str, default "current_conditions"
            The policy the others are compared with; it must be in the grid for every future.
        years : int or sequence of int, optional
            Years to report (default: all).
        level : float, default 0.9
            Central interval level: ``lower`` and ``upper`` are the ``(1 - level) / 2`` and
            ``(1 + level) / 2`` quantiles of the differences.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``(future, policy, year)`` (the reference policy left out), columns
            ``median``, ``lower``, ``upper`` of the draw-by-draw difference (in the unit of
            the variable), ``share_positive`` (fraction of draws in which the policy gives
            more than the reference) and ``mean``.

        Raises
        ------
        nldtib_forecast.InputError
            No grid in the result, an unknown variable, reference or year.

        See Also
        --------
        difference : Draw-by-draw differences from any base scenario.
        futures, policies : The grid's futures and policies.
        nldtib_forecast.models.outlook.Outlook.simulate : Simulates a policies x futures grid.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> base = 10 + rng.normal(0, 1, (1, 400, 2))
        >>> draws = np.concatenate([base, base + 1.0, base + 0.5, base + 2.0])
        >>> result = ScenarioResult({"turnover": draws},
        ...                         scenarios=["low/current_conditions", "low/improved",
        ...                                    "high/current_conditions", "high/improved"],
        ...                         years=[2030, 2035])
        >>> result.futures, result.policies
        (('low', 'high'), ('current_conditions', 'improved'))
        >>> result.policy_effects("turnover", years=2035)
                                median  lower  upper  share_positive  mean
        future policy   year
        low    improved 2035     1.0    1.0    1.0             1.0   1.0
        high   improved 2035     1.5    1.5    1.5             1.0   1.5
        """
        level = check_level(level)
        grid = self._grid()
        if not grid:
            raise InputError("policy_effects: the result holds no policies x futures grid "
                             "(scenarios named 'FUTURE/POLICY', as Outlook.simulate(policies=..., "
                             f"futures=...) returns); its scenarios are {list(self._scenarios)}")
        arr = self.array(variable)
        reference = check_option("reference", reference, list(self.policies))
        yrs = self._years if years is None else _years_index(
            [years] if isinstance(years, (int, np.integer)) else years)
        missing = yrs.difference(self._years)
        if len(missing):
            raise self._years_problem(list(missing), "years")
        yi = self._years.get_indexer(yrs)
        index = {(f, p): i for i, (_s, f, p) in enumerate(grid)}
        position = {s: i for i, s in enumerate(self._scenarios)}
        rows, keys = [], []
        lo_q, hi_q = _tails(level)
        for future in self.futures:
            if (future, reference) not in index:
                raise InputError(f"policy_effects: future {future!r} has no reference policy "
                                 f"{reference!r} in the result")
            ref = arr[position[grid[index[(future, reference)]][0]]][:, yi]
            for policy in self.policies:
                if policy == reference or (future, policy) not in index:
                    continue
                diff = arr[position[grid[index[(future, policy)]][0]]][:, yi] - ref
                lo, med, hi = np.quantile(diff, [lo_q, 0.5, hi_q], axis=0)
                rows.append(np.column_stack([med, lo, hi, (diff > 0).mean(axis=0),
                                             diff.mean(axis=0)]))
                keys += [(future, policy, int(y)) for y in yrs]
        if not rows:
            raise InputError(f"policy_effects: no policy other than {reference!r} in the grid")
        out = pd.DataFrame(np.vstack(rows), columns=["median", "lower", "upper",
                                                     "share_positive", "mean"],
                           index=pd.MultiIndex.from_tuples(keys,
                                                           names=["future", "policy", "year"]))
        return out

    # -- selection ----------------------------------------------------------------------------
    def _pick(self, kind: str, value: str | Sequence[str] | None,
              valid: Sequence[str]) -> list[str]:
        if value is None:
            return list(valid)
        items = [value] if isinstance(value, str) else list(value)
        return [check_option(kind, v, valid) for v in items]

    def array(self, variable: str) -> np.ndarray:
        """The draws of one variable as a read-only array ``(scenario, draw, year)``.

        No copy is made: the array is the result's own (not writeable). The axes follow
        :attr:`scenarios`, the draws and :attr:`years`; :meth:`draws` gives the same values as
        a labelled frame.

        Parameters
        ----------
        variable : str
            One of :attr:`variables`.

        Returns
        -------
        numpy.ndarray
            Read-only float64 array of shape ``(n_scenarios, n_draws, n_years)``, in the
            variable's unit (:attr:`units`).

        Raises
        ------
        nldtib_forecast.InputError
            An unknown variable (the message suggests the nearest one).

        See Also
        --------
        draws : The same values as a labelled table.

        Examples
        --------
        >>> result = ScenarioResult({"x": np.zeros((1, 4, 2))}, ["s"], [2026, 2027])
        >>> result.array("x").shape, result.array("x").flags.writeable
        ((1, 4, 2), False)
        """
        return self._draws[check_option("variable", variable, self.variables)]

    def select(self, scenarios: str | Sequence[str] | None = None,
               variables: str | Sequence[str] | None = None,
               years: Iterable[int] | None = None) -> ScenarioResult:
        """A result restricted to some scenarios, variables and years.

        Parameters
        ----------
        scenarios : str or sequence of str, optional
            Scenarios to keep, in the order given (default: all).
        variables : str or sequence of str, optional
            Variables to keep (default: all).
        years : iterable of int, optional
            Years to keep, strictly increasing (default: all).

        Returns
        -------
        ScenarioResult
            A new result with the selected draws, the same metadata and the definitions of
            the selected scenarios.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown scenario or variable, or a year not in the result (the message lists
            the result's years).

        See Also
        --------
        array : The draws of one variable as an array.
        difference : Differences from a base scenario.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> result.select("improved_conditions", years=[2028])
        <ScenarioResult: 1 scenario x 200 draws x 1 year (2028-2028); variables: capacity_index>
        """
        return self._select(scenarios, variables, years, "years")

    def _years_problem(self, missing: Sequence[int], name: str) -> InputError:
        have = self._years
        span = (f"{have[0]}-{have[-1]}" if len(have) > 1 and have[-1] - have[0] == len(have) - 1
                else ", ".join(str(y) for y in have))
        return InputError(f"argument '{name}': {', '.join(str(y) for y in missing[:5])} not in "
                          f"the result; its years are {span}")

    def _select(self, scenarios: str | Sequence[str] | None,
                variables: str | Sequence[str] | None, years: Iterable[int] | None,
                name: str) -> ScenarioResult:
        scen = self._pick("scenario", scenarios, self._scenarios)
        var = self._pick("variable", variables, self.variables)
        yrs = self._years if years is None else _years_index(years)
        missing = yrs.difference(self._years)
        if len(missing):
            raise self._years_problem(list(missing), name)
        si = [self._scenarios.index(s) for s in scen]
        yi = self._years.get_indexer(yrs)
        draws = {v: self._draws[v][np.ix_(np.asarray(si), np.arange(self.n_draws), yi)]
                 for v in var}
        return ScenarioResult(draws, scen, list(yrs), self._metadata,
                              {s: self._definitions[s] for s in scen if s in self._definitions})

    # -- tables -------------------------------------------------------------------------------
    def draws(self, variable: str | Sequence[str] | None = None,
              scenario: str | Sequence[str] | None = None, *, wide: bool = False
              ) -> pd.DataFrame:
        """The draws as a table.

        Parameters
        ----------
        variable, scenario : str or sequence of str, optional
            Restrict to these variables and scenarios.
        wide : bool, default False
            Long form (default): columns ``scenario, draw, year, variable, value``. Wide form
            (one variable only): indexed by ``(scenario, draw)``, one column per year.

        Returns
        -------
        pandas.DataFrame
            Long: one row per scenario, draw, year and variable with columns ``scenario``,
            ``draw`` (0-based), ``year``, ``variable``, ``value``. Wide: indexed by
            ``(scenario, draw)``, one column per year.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown variable or scenario, or ``wide=True`` with more than one variable.

        See Also
        --------
        array : The draws of one variable as an array, without a copy.
        to_frame : Statistics over the draws rather than the draws.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> result.draws(scenario="current_conditions").head(3)
                     scenario  draw  year        variable     value
        0  current_conditions     0  2026  capacity_index  1.012573
        1  current_conditions     0  2027  capacity_index  0.999363
        2  current_conditions     0  2028  capacity_index  1.063405
        >>> result.draws(wide=True).shape
        (400, 3)
        """
        sub = self.select(scenario, variable)
        s, d, t = len(sub.scenarios), sub.n_draws, len(sub.years)
        if wide:
            if len(sub.variables) != 1:
                raise InputError("argument 'variable': wide=True needs exactly one variable")
            arr = sub._draws[sub.variables[0]]
            index = pd.MultiIndex.from_product([list(sub.scenarios), range(d)],
                                               names=["scenario", "draw"])
            return pd.DataFrame(arr.reshape(s * d, t), index=index,
                                columns=sub.years.copy())
        parts = [pd.DataFrame({
            "scenario": np.repeat(np.asarray(sub.scenarios, dtype=object), d * t),
            "draw": np.tile(np.repeat(np.arange(d), t), s),
            "year": np.tile(sub.years.to_numpy(), s * d),
            "variable": var,
            "value": sub._draws[var].ravel(),
        }) for var in sub.variables]
        return pd.concat(parts, ignore_index=True)

    def quantiles(self, q: float | Sequence[float],
                  variable: str | Sequence[str] | None = None,
                  scenario: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Quantiles over draws.

        Parameters
        ----------
        q : float or sequence of float
            Quantile levels in [0, 1] (0.5 is the median). Computed with
            :func:`numpy.quantile` (linear interpolation).
        variable : str or sequence of str, optional
            Variables (default: all).
        scenario : str or sequence of str, optional
            Scenarios (default: all).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``(scenario, variable, year)``, one column per quantile level (the
            columns are named ``quantile``), in the variables' units.

        Raises
        ------
        nldtib_forecast.InputError
            Levels outside [0, 1], or an unknown variable or scenario.

        See Also
        --------
        summary_frame : Mean, standard deviation, median and a central interval.
        to_frame : Every statistic of every variable in one tidy table.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> result.quantiles(0.5).round(3)
        quantile                                   0.5
        scenario            variable       year
        current_conditions  capacity_index 2026  0.990
                                           2027  0.996
                                           2028  1.002
        improved_conditions capacity_index 2026  0.981
                                           2027  0.983
                                           2028  0.981
        """
        levels = np.atleast_1d(np.asarray(q, dtype=float))
        if levels.ndim != 1 or not np.all((levels >= 0) & (levels <= 1)):
            raise InputError(f"argument 'q': quantile levels must lie in [0, 1], got {q!r}")
        sub = self.select(scenario, variable)
        index = pd.MultiIndex.from_product(
            [list(sub.scenarios), list(sub.variables), sub.years.to_list()],
            names=["scenario", "variable", "year"])
        by_var = [np.quantile(sub._draws[v], levels, axis=1) for v in sub.variables]  # (Q,S,T)
        values = np.stack(by_var, axis=2)  # (Q, S, V, T)
        return pd.DataFrame(values.reshape(len(levels), -1).T, index=index,
                            columns=pd.Index(levels.tolist(), name="quantile"))

    def summary_frame(self, variable: str, level: float = 0.9,
                      scenario: str | Sequence[str] | None = None,
                      year: int | Sequence[int] | None = None) -> pd.DataFrame:
        """Mean, standard deviation, median and a central interval of one variable.

        Parameters
        ----------
        variable : str
            One of :attr:`variables`.
        level : float, default 0.9
            Central interval level (a fraction: 0.9 for the 5% and 95% quantiles).
        scenario : str or sequence of str, optional
            Scenarios (default: all).
        year : int or sequence of int, optional
            Years (default: all).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``(scenario, year)``, columns ``mean, std, median, lower, upper`` where
            ``lower``/``upper`` are the ``(1 - level)/2`` and ``(1 + level)/2`` quantiles
            (in the variable's unit; ``std`` over draws, NaN for a single draw).

        Raises
        ------
        nldtib_forecast.InputError
            An unknown variable or scenario, a year not in the result, or ``level`` not in
            (0, 1).

        See Also
        --------
        quantiles : Any quantile levels.
        summary : The same statistics as text, for every variable.
        nldtib_forecast.models.outlook.summary_table : A tidy table of several variables.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> result.summary_frame("capacity_index", year=2028).round(3)
                                   mean    std  median  lower  upper
        scenario            year
        current_conditions  2028  0.993  0.165   1.002  0.751  1.225
        improved_conditions 2028  0.988  0.180   0.981  0.680  1.308
        """
        level = check_level(level)
        years = None if year is None else ([year] if isinstance(year, (int, np.integer))
                                           else year)
        sub = self._select(scenario, variable, years, "year")
        arr = sub._draws[sub.variables[0]]
        lo, med, hi = np.quantile(arr, [*_tails(level)[:1], 0.5, _tails(level)[1]], axis=1)
        index = pd.MultiIndex.from_product([list(sub.scenarios), sub.years.to_list()],
                                           names=["scenario", "year"])
        return pd.DataFrame({"mean": arr.mean(axis=1).ravel(),
                             "std": arr.std(axis=1, ddof=1).ravel() if sub.n_draws > 1
                             else np.full(lo.size, np.nan),
                             "median": med.ravel(), "lower": lo.ravel(), "upper": hi.ravel()},
                            index=index)

    def to_frame(self, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> pd.DataFrame:
        """Tidy long table: one row per scenario, year, variable and statistic.

        Parameters
        ----------
        quantiles : sequence of float, default DEFAULT_QUANTILES
            Quantile levels in [0, 1] (:data:`DEFAULT_QUANTILES`: 0.025, 0.1, 0.25, 0.5,
            0.75, 0.9, 0.975).

        Returns
        -------
        pandas.DataFrame
            Columns ``scenario, year, variable, unit, statistic, value``; statistics
            ``mean``, ``std`` (over draws) and ``q<level>`` for every quantile level (e.g.
            ``q0.025``, ``q0.5``). ``attrs["metadata"]`` holds
            :meth:`ResultMetadata.to_dict`. The report's ``results.csv`` is this frame with
            the model's name first and the ``data`` column last (``docs/howto_report.rst``,
            "Files and frames").

        Raises
        ------
        nldtib_forecast.InputError
            Quantile levels outside [0, 1].

        See Also
        --------
        draws : The draws themselves.
        quantiles : Quantiles indexed by scenario, variable and year.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> tidy = result.to_frame(quantiles=[0.5])
        >>> tidy.columns.tolist()
        ['scenario', 'year', 'variable', 'unit', 'statistic', 'value']
        >>> len(tidy)
        18
        """
        levels = np.asarray([float(q) for q in quantiles], dtype=float)
        if not np.all((levels >= 0) & (levels <= 1)):
            raise InputError(f"argument 'quantiles': levels must lie in [0, 1], got "
                             f"{list(quantiles)!r}")
        labels = ["mean", "std"] + [f"q{q:g}" for q in levels]
        per_var = []  # (S, T, K) per variable
        for v in self.variables:
            arr = self._draws[v]
            std = (arr.std(axis=1, ddof=1) if self.n_draws > 1
                   else np.full((arr.shape[0], arr.shape[2]), np.nan))
            qs = np.quantile(arr, levels, axis=1) if levels.size else np.empty((0,) + std.shape)
            per_var.append(np.concatenate([arr.mean(axis=1)[None], std[None], qs]).transpose(
                1, 2, 0))
        values = np.stack(per_var, axis=2)  # (S, T, V, K)
        s, t, v, k = values.shape
        out = pd.DataFrame({
            "scenario": np.repeat(np.asarray(self._scenarios, dtype=object), t * v * k),
            "year": np.tile(np.repeat(self._years.to_numpy(), v * k), s),
            "variable": np.tile(np.repeat(np.asarray(self.variables, dtype=object), k), s * t),
            "unit": np.tile(np.repeat(np.asarray([self.units.get(name, "") for name in
                                                  self.variables], dtype=object), k), s * t),
            "statistic": np.tile(np.asarray(labels, dtype=object), s * t * v),
            "value": values.ravel(),
        })
        out.attrs["metadata"] = self._metadata.to_dict()
        return out

    # -- derived results ----------------------------------------------------------------------
    def difference(self, scenario: str | Sequence[str] | None = None,
                   base: str = "current_conditions") -> ScenarioResult:
        """Draw-by-draw differences ``scenario - base`` (common random numbers).

        Parameters
        ----------
        scenario : str or sequence of str, optional
            Scenarios to compare; by default every scenario except ``base``.
        base : str, default "current_conditions"
            The scenario subtracted.

        Returns
        -------
        ScenarioResult
            Same scenario names, draws replaced by differences; ``metadata.baseline`` is
            ``base``. The difference of a scenario with itself is exactly 0.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown scenario or base.

        See Also
        --------
        policy_effects : Differences between policies within each future of a grid.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> diff = result.difference("improved_conditions")
        >>> diff.scenarios
        ('improved_conditions',)
        >>> diff.metadata.baseline
        'current_conditions'
        """
        base = check_option("base", base, self._scenarios)
        if scenario is None:
            names = [s for s in self._scenarios if s != base] or [base]
        else:
            names = self._pick("scenario", scenario, self._scenarios)
        si = [self._scenarios.index(s) for s in names]
        bi = self._scenarios.index(base)
        draws = {v: a[si] - a[bi][None] for v, a in self._draws.items()}
        meta = replace(
            self._metadata, baseline=base,
            method=(self._metadata.method + f"; difference from {base!r}").lstrip("; "),
            interval_contents=(self._metadata.interval_contents + "; " if
                               self._metadata.interval_contents else "")
            + f"differences from {base!r} taken draw by draw (common random numbers)")
        return ScenarioResult(draws, names, list(self._years), meta,
                              {s: self._definitions[s] for s in names if s in self._definitions})

    def equals(self, other: object) -> bool:
        """Same scenarios, years, metadata and bit-identical draws.

        Parameters
        ----------
        other : object
            The object compared with.

        Returns
        -------
        bool
            True if ``other`` is a ScenarioResult with the same scenarios, years, variables
            and metadata and bit-identical draws.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> result.equals(result.select())
        True
        >>> result.equals(result.difference())
        False
        """
        return (isinstance(other, ScenarioResult) and self._scenarios == other._scenarios
                and self._years.equals(other._years) and self.variables == other.variables
                and self._metadata == other._metadata
                and all(np.array_equal(self._draws[v], other._draws[v]) for v in self._draws))

    # -- display ------------------------------------------------------------------------------
    def _header(self) -> list[str]:
        m = self._metadata
        lines = [f"Scenario results: {m.method or 'Monte Carlo simulation'}",
                 f"  {_plural(len(self._scenarios), 'scenario')} x {_plural(m.n_draws, 'draw')}"
                 f" x {_plural(len(self._years), 'year')} ({self._years[0]}-{self._years[-1]}); "
                 f"seed {m.seed}; block size "
                 f"{m.block_size}; nldtib_forecast {m.version}"]
        if m.baseline:
            lines.append(f"  differences from scenario {m.baseline!r}, draw by draw")
        lines.append(f"  intervals include: {m.interval_contents or 'not recorded'}")
        lines.append(f"  input data: {m.data_hash or 'not recorded'}")
        if m.synthetic:
            lines.append("  computed on SYNTHETIC data")
        return lines

    def _table(self, year: int | None, level: float) -> pd.DataFrame:
        year = int(self._years[-1]) if year is None else check_year(year)
        if year not in self._years:
            raise InputError(f"argument 'year': {year} is not in the result "
                             f"({self._years[0]}-{self._years[-1]})")
        rows = []
        for var in self.variables:
            frame = self.summary_frame(var, level, year=year)
            unit, signed = self.units[var], self._metadata.baseline is not None
            for (scen, _), row in frame.iterrows():
                rows.append({"variable": f"{var} ({unit})" if unit else var, "scenario": scen,
                             "median": format_value(row["median"], unit, signed=signed),
                             f"{level:.0%} interval":
                                 f"{format_value(row['lower'], unit, signed=signed)} to "
                                 f"{format_value(row['upper'], unit, signed=signed)}"})
        return pd.DataFrame(rows).set_index(["variable", "scenario"])

    def summary(self, year: int | None = None, level: float = 0.9) -> str:
        """Text summary: provenance, then the median and a central interval in one year.

        Parameters
        ----------
        year : int, optional
            The year shown (default: the last year).
        level : float, default 0.9
            Central interval level.

        Returns
        -------
        str
            The method, dimensions, seed, block size and version; what the intervals
            include; the input data hash; then a table of the median and the interval of
            every variable (with its unit) and scenario, formatted for reading.

        Raises
        ------
        nldtib_forecast.InputError
            A year not in the result, or ``level`` not in (0, 1).

        See Also
        --------
        summary_frame : The same statistics as numbers.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> print(result.summary(year=2028))
        Scenario results: Monte Carlo simulation
          2 scenarios x 200 draws x 3 years (2026-2028); seed None; block size None; ...
          intervals include: not recorded
          input data: not recorded
        <BLANKLINE>
        Median and 90% interval in 2028:
                                            median     90% interval
        variable       scenario
        capacity_index current_conditions    1.002  0.7512 to 1.225
                       improved_conditions  0.9812  0.6795 to 1.308
        """
        table = self._table(year, level)
        shown = int(self._years[-1]) if year is None else check_year(year)
        return "\n".join(self._header() + ["", f"Median and {level:.0%} interval in {shown}:",
                                           table.to_string()])

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        header = "<br>".join(html.escape(line.strip()) for line in self._header())
        return f"<p>{header}</p>" + self._table(None, 0.9).to_html()

    def __repr__(self) -> str:
        return (f"<ScenarioResult: {_plural(len(self._scenarios), 'scenario')} x "
                f"{_plural(self.n_draws, 'draw')} x {_plural(len(self._years), 'year')} "
                f"({self._years[0]}-{self._years[-1]}); variables: "
                f"{', '.join(self.variables)}>")

    # -- plots and export ---------------------------------------------------------------------
    def plot(self, variable: str, scenarios: str | Sequence[str] | None = None,
             ax: Axes | None = None, *, levels: Sequence[float] = FAN_LEVELS,
             title: str | None = None, legend: bool = True) -> Axes:
        """Fan chart of one variable: central bands at ``levels`` and the median, per scenario.

        Parameters
        ----------
        variable : str
            One of :attr:`variables`.
        scenarios : str or sequence of str, optional
            Scenarios drawn, each in its own colour (default: all).
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 7 x 4 inch figure.
        levels : sequence of float, default FAN_LEVELS
            Central interval levels of the bands, in (0, 1) (:data:`FAN_LEVELS`: 0.5, 0.8,
            0.95).
        title : str, optional
            Title (default: the variable, with the baseline of a difference and a note on
            synthetic data).
        legend : bool, default True
            Whether the axes get a legend (``False``: a chart of several panels that has one
            legend of its own, as the report's fan charts).

        Returns
        -------
        matplotlib.axes.Axes
            Bands are ``PolyCollection`` objects with gid ``"band-<level %>-<scenario>"``
            (e.g. ``"band-95-current_conditions"``), medians ``Line2D`` with gid
            ``"median-<scenario>"``.

        Raises
        ------
        nldtib_forecast.InputError
            An unknown variable or scenario, or levels outside (0, 1).

        See Also
        --------
        summary_frame : The median and an interval as numbers.

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> ax = result.plot("capacity_index")
        >>> ax.get_xlabel()
        'Year'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        return _fan_chart(self, variable, scenarios, ax, levels, title, legend=legend)

    def to_xarray(self):
        """The draws as an :class:`xarray.Dataset`.

        Returns
        -------
        xarray.Dataset
            Dimensions ``(scenario, draw, year)``, one data variable per output variable
            (with its unit in ``attrs["units"]``) and the metadata in ``attrs``.

        Raises
        ------
        ImportError
            If xarray is not installed (``pip install xarray``).

        Examples
        --------
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> draws = 1 + rng.normal(0, .1, (2, 200, 3)).cumsum(2)
        >>> result = ScenarioResult({"capacity_index": draws},
        ...                         scenarios=["current_conditions", "improved_conditions"],
        ...                         years=[2026, 2027, 2028])
        >>> try:
        ...     ds = result.to_xarray()
        ... except ImportError as err:  # xarray is optional: the error says how to get it
        ...     print("xarray" in str(err))
        ... else:
        ...     print(dict(ds.sizes) == {"scenario": 2, "draw": 200, "year": 3}
        ...           and list(ds.data_vars) == ["capacity_index"])
        True
        """
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("ScenarioResult.to_xarray() needs the optional package xarray; "
                              "install it with `pip install xarray`") from None
        coords = {"scenario": list(self._scenarios), "draw": np.arange(self.n_draws),
                  "year": self._years.to_numpy()}
        data = {v: xr.DataArray(np.array(a), dims=("scenario", "draw", "year"), coords=coords,
                                attrs={"units": self.units[v]}) for v, a in self._draws.items()}
        meta = {k: ("" if v is None else v if isinstance(v, (int, float, str)) else str(v))
                for k, v in self._metadata.to_dict().items() if k not in ("units", "extra")}
        meta["synthetic"] = int(self._metadata.synthetic)
        meta["seed"] = str(self._metadata.seed)
        return xr.Dataset(data, attrs=meta)
