"""The capacity model's assumptions, argument checks and the engine's model function.

Part of the :mod:`nldtib_forecast.models.capacity` package: ``kernel`` holds the equations,
this module the default assumptions (:data:`DEFAULT_ASSUMPTIONS`), their checks and the
function the simulation engine calls per block of draws; the package's ``__init__`` holds
:class:`~nldtib_forecast.models.capacity.CapacityModel`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

import numpy as np

from nldtib_forecast._errors import InputError, Problem, check_int, check_option
from nldtib_forecast.models.capacity import kernel as K
from nldtib_forecast.models.capacity.kernel import DRIVERS, PRIORS, Prior
from nldtib_forecast.scenarios import Scenario, builtin

if TYPE_CHECKING:  # pragma: no cover
    from nldtib_forecast.simulation import SimulationContext

#: Structural assumptions and their defaults (priors are set by parameter name, see PRIORS).
DEFAULT_ASSUMPTIONS: dict[str, object] = dataclasses.asdict(K.Settings())
_OPTIONS = {"relief_aggregation": K.AGGREGATIONS, "no_barrier_relief": K.NO_BARRIER,
            "ramp": K.RAMPS, "labour_constraint": K.LABOUR_CONSTRAINTS,
            "bootstrap": K.BOOTSTRAPS}
#: Survey columns the capacity model needs.
REQUIRED_COLUMNS: tuple[str, ...] = ("year", "weight", "turnover_ds_eur", "scale_up_current",
                                     "scale_up_improved", *K.BARRIERS)
#: Draws per block of the capacity model's simulations (part of the method: the random numbers
#: of a block depend on it, so results are reproducible for a given block size).
BLOCK_SIZE = 250
NOT_INCLUDED = "not scenario uncertainty (scenarios are shown separately) nor model error"


def _check_assumptions(given: Mapping[str, object]) -> tuple[K.Settings, dict[str, Prior]]:
    known = list(DEFAULT_ASSUMPTIONS) + list(PRIORS)
    problems: list[Problem] = []
    settings: dict[str, Any] = dict(DEFAULT_ASSUMPTIONS)
    priors = dict(PRIORS)
    for key, value in given.items():
        if key not in known:
            close = get_close_matches(key, known, n=1)
            problems.append(Problem(key, "unknown assumption" + (
                f" (did you mean '{close[0]}'?)" if close else "") + f"; valid: {known}"))
        elif key in _OPTIONS:
            if value not in _OPTIONS[key]:
                close = get_close_matches(str(value), _OPTIONS[key], n=1)
                problems.append(Problem(key, f"unknown value {value!r}; valid values: "
                                        f"{list(_OPTIONS[key])}" + (
                                            f" (did you mean '{close[0]}'?)" if close else "")))
            else:
                settings[key] = value
        elif key == "ramp_shape":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    0 < value <= 50):
                problems.append(Problem(key, f"must be a number in (0, 50], got {value!r}"))
            else:
                settings[key] = float(value)
        elif isinstance(value, Prior):
            priors[key] = value
        elif isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and \
                np.isfinite(value) and (value > 0 or key in ("productivity_growth",
                                                              "labour_headroom")):
            priors[key] = Prior("fixed", float(value), source="fixed by the caller")
        else:
            problems.append(Problem(key, f"must be a Prior or a (positive) number, got "
                                    f"{value!r}"))
    if problems:
        raise InputError("CapacityModel.from_survey: invalid assumptions", problems)
    return K.Settings(**settings), priors


def _as_scenarios(scenario: str | Scenario | Iterable[str | Scenario]
                  | Mapping[str, str | Scenario]) -> dict[str, Scenario]:
    items = scenario.values() if isinstance(scenario, Mapping) else (
        [scenario] if isinstance(scenario, (str, Scenario)) else scenario)
    out, known = {}, None
    for s in items:
        if isinstance(s, str):
            known = builtin() if known is None else known
            s = known[check_option("scenario", s, list(known))]
        if not isinstance(s, Scenario):
            raise InputError(f"argument 'scenario': expected a Scenario or a built-in name, got "
                             f"{type(s).__name__}")
        out[s.name] = s
    if not out:
        raise InputError("argument 'scenario': at least one scenario is needed")
    return out


def _int_arg(name: str, value: object, lower: int) -> int:
    return check_int(value, name, lower)


@dataclass(eq=False)
class CapacitySimulation:
    """The capacity model's function for :func:`nldtib_forecast.simulation.simulate`.

    Built by :meth:`CapacityModel.kernel <nldtib_forecast.models.capacity.CapacityModel.kernel>`
    (picklable, so that joblib workers can run it). One call draws, for a block of ``n``
    draws, the parameters from their priors and one survey bootstrap replicate per draw, then
    evaluates the uplift paths of every barrier group.

    Parameters
    ----------
    features : numpy.ndarray
        ``(firms, K)`` firm features (``kernel.feature_matrix``): column 0 the D&S turnover,
        then the group statistics per category.
    labels : tuple of str
        Output variables: ``"uplift"`` (all firms) and ``"uplift[<column>=<category>]"``.
    weights : numpy.ndarray
        ``(firms,)`` survey weights of the base year.
    plan : RaoWuPlan, BayesPlan or None
        The survey bootstrap (None: no sampling uncertainty).
    priors : mapping of str to Prior
        The parameters' priors, in the order of :data:`PRIORS` (the order of the draws).
    settings : Settings
        Structural assumptions.
    references : mapping of str to (float, float)
        Current and improved level of each driver.
    base_lead : float
        Procurement lead time (months) under current conditions.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.capacity import CapacityModel
    >>> from nldtib_forecast.simulation import simulate
    >>> function = CapacityModel.from_survey(synthetic_survey(population=True)).kernel().function
    >>> result = simulate(function, ["current_conditions"], [2026, 2027], 100, seed=1,
    ...                   drivers=function.drivers)
    >>> result.variables
    ('uplift', 'capacity_eur')
    """

    features: np.ndarray
    labels: tuple[str, ...]
    weights: np.ndarray
    plan: K.RaoWuPlan | K.BayesPlan | None
    priors: Mapping[str, Prior]
    settings: K.Settings
    references: Mapping[str, tuple[float, float]]
    base_lead: float
    _linear: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False)

    @property
    def drivers(self) -> tuple[str, ...]:
        """The drivers the function reads from the simulation context."""
        return tuple(DRIVERS)

    @property
    def full(self) -> np.ndarray:
        """Weighted sums of the features over the full sample, ``(1, K)``."""
        return (self.weights @ self.features)[None]

    def parameters(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        """Draws of every parameter, ``(1, n, 1)`` each (``(1, 1, 1)`` for a fixed one).

        Parameters
        ----------
        rng : numpy.random.Generator
            The block's generator; one uniform draw per uncertain parameter and draw, in the
            order of :data:`PRIORS`.
        n : int
            Number of draws.

        Returns
        -------
        dict of str to numpy.ndarray
            Parameter name to its values: drawn from the prior by its quantile function
            (:meth:`Prior.ppf`), or the fixed value.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> drawn = model.kernel().function.parameters(np.random.default_rng(0), 5)
        >>> drawn["build_years"].shape
        (1, 5, 1)
        """
        out = {}
        for name, prior in self.priors.items():  # fixed order: the order of PRIORS
            values = np.full(1, prior.central) if prior.fixed else prior.ppf(rng.random(n))
            out[name] = values.reshape(1, -1, 1)
        return out

    def sums(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Weighted sums of the features under ``n`` bootstrap replicates, ``(n, K)``.

        Column 0 is the weighted D&S turnover; a census (no sampling variance) gives the
        full-sample sums ``(1, K)``.

        Parameters
        ----------
        rng : numpy.random.Generator
            The block's generator, for the bootstrap replicates.
        n : int
            Number of replicates (one per draw).

        Returns
        -------
        numpy.ndarray
            Shape ``(n, K)``, or ``(1, K)`` without sampling uncertainty: the features
            summed with the replicate weights.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> function = CapacityModel.from_survey(synthetic_survey(population=True)
        ...                                      ).kernel().function
        >>> function.sums(np.random.default_rng(0), 4).shape[1] == function.features.shape[1]
        True
        """
        if self.plan is None or self.plan.trivial:
            return self.full
        if isinstance(self.plan, K.RaoWuPlan):  # linear in the draw counts: no firm weights
            if self._linear is None:
                self._linear = self.plan.linear(self.weights[:, None] * self.features)
            const, grid = self._linear
            return const + self.plan.counts(rng, n) @ grid
        return (self.weights * self.plan.factors(rng, n)) @ self.features

    def __call__(self, ctx: SimulationContext) -> dict[str, np.ndarray]:
        """The outputs of one block: ``{variable: (S, n, T)}``."""
        return self.run(ctx)[0]

    def run(self, ctx: SimulationContext) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The outputs of one block and the parameters drawn for it.

        Models built on this one (the outlook) reuse the parameter draws, e.g. the
        productivity growth.

        Parameters
        ----------
        ctx : SimulationContext
            The block: scenarios, years, driver paths, number of draws and generator.

        Returns
        -------
        outputs : dict of str to numpy.ndarray
            Variable to its values, shape ``(n_scenarios, n, n_years)``: every label of
            :attr:`labels` (uplift, a fraction of base-year D&S turnover) and
            ``capacity_eur`` (EUR, base-year prices).
        drawn : dict of str to numpy.ndarray
            The parameters drawn for the block, as :meth:`parameters` returns them.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> from nldtib_forecast.scenarios import builtin
        >>> from nldtib_forecast.simulation import SimulationContext
        >>> function = CapacityModel.from_survey(synthetic_survey(population=True)
        ...                                      ).kernel().function
        >>> years = np.array([2026, 2027])
        >>> drivers = {d: builtin()["current_conditions"].path(d, years).to_numpy()[None]
        ...            for d in function.drivers}
        >>> ctx = SimulationContext(("current_conditions",), years, drivers, 3,
        ...                         np.random.default_rng(0), 0, 0)
        >>> outputs, drawn = function.run(ctx)
        >>> outputs["uplift"].shape, sorted(drawn)[:2]
        ((1, 3, 2), ['build_years', 'curvature_labour'])
        """
        # the engine already runs model calls single-threaded; this keeps direct calls (e.g.
        # from the sensitivity analysis) consistent with them
        from nldtib_forecast.simulation import single_threaded_blas

        with single_threaded_blas():
            return self._run(ctx)

    def _run(self, ctx: SimulationContext
             ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        params = self.parameters(ctx.rng, ctx.n)
        sums = self.sums(ctx.rng, ctx.n)
        n_cat = len(self.labels)
        grp = sums[:, 1:].reshape(len(sums), K.N_GROUPS, n_cat, K.N_STATS)
        drivers = {d: ctx.driver(d) for d in DRIVERS}
        up = K.uplift_paths(drivers, params, grp, self.references, self.settings,
                            self.base_lead)
        empty = grp[..., 0].sum(axis=1) <= 0  # (n, C): category without respondents
        if empty.any():
            full = self.full[:, 1:].reshape(1, K.N_GROUPS, n_cat, K.N_STATS)
            fallback = K.uplift_paths(drivers, params, full, self.references, self.settings,
                                      self.base_lead)
            up = np.where(empty[None, :, :, None], fallback, up)
        total = np.broadcast_to(sums[:, 0], (up.shape[1],))
        out = {"uplift": up[:, :, 0], "capacity_eur": total[None, :, None] * (1 + up[:, :, 0])}
        out.update({label: up[:, :, c] for c, label in enumerate(self.labels) if c})
        return out, params
