"""The capacity model's assumptions, argument checks and the engine's model function.

Part of the :mod:`nldtib_forecast.models.capacity` package: ``kernel`` holds the equations,
this module the default assumptions (:data:`DEFAULT_ASSUMPTIONS`), their checks and the
function the simulation engine calls per block of draws; the package's ``__init__`` holds
:class:`~nldtib_forecast.models.capacity.CapacityModel`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from difflib import get_close_matches

import numpy as np

from nldtib_forecast._errors import InputError, Problem, check_int, check_option
from nldtib_forecast.models.capacity import kernel as K
from nldtib_forecast.models.capacity.kernel import DRIVERS, PRIORS, Prior
from nldtib_forecast.scenarios import Scenario, builtin

#: Structural assumptions and their defaults (priors are set by parameter name, see PRIORS).
DEFAULT_ASSUMPTIONS: dict[str, object] = dataclasses.asdict(K.Settings())
_OPTIONS = {"relief_aggregation": K.AGGREGATIONS, "no_barrier_relief": K.NO_BARRIER,
            "ramp": K.RAMPS, "labour_constraint": K.LABOUR_CONSTRAINTS,
            "bootstrap": K.BOOTSTRAPS}
_REQUIRED = ("year", "weight", "turnover_ds_eur", "scale_up_current", "scale_up_improved",
             *K.BARRIERS)
_BLOCK_SIZE = 250
_NOT_INCLUDED = "not scenario uncertainty (scenarios are shown separately) nor model error"


def _check_assumptions(given: Mapping[str, object]) -> tuple[K.Settings, dict[str, Prior]]:
    known = list(DEFAULT_ASSUMPTIONS) + list(PRIORS)
    problems, settings, priors = [], dict(DEFAULT_ASSUMPTIONS), dict(PRIORS)
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


def _as_scenarios(scenario: object) -> dict[str, Scenario]:
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


class _SimulationModel:
    """The model function handed to :func:`nldtib_forecast.simulation.simulate` (picklable)."""

    def __init__(self, model, features: np.ndarray, labels: list[str]):
        self.features, self.labels = features, labels
        self.weights, self.plan = model._w, model._plan
        self.priors, self.settings = model._priors, model._settings
        self.references, self.base_lead = model._references, model._base_lead
        self.full = (self.weights @ features)[None]
        self._linear = None

    def parameters(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        out = {}
        for name, prior in self.priors.items():  # fixed order: the order of PRIORS
            values = np.full(1, prior.central) if prior.fixed else prior.ppf(rng.random(n))
            out[name] = values.reshape(1, -1, 1)
        return out

    def sums(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Weighted sums of the features under ``n`` bootstrap replicates, ``(n, K)``."""
        if self.plan is None or self.plan.trivial:
            return self.full
        if isinstance(self.plan, K.RaoWuPlan):  # linear in the draw counts: no firm weights
            if self._linear is None:
                self._linear = self.plan.linear(self.weights[:, None] * self.features)
            const, grid = self._linear
            return const + self.plan.counts(rng, n) @ grid
        return (self.weights * self.plan.factors(rng, n)) @ self.features

    def __call__(self, ctx) -> dict[str, np.ndarray]:
        # the engine already runs model calls single-threaded; this keeps direct calls (e.g.
        # from the sensitivity analysis) consistent with them
        from nldtib_forecast.simulation import single_threaded_blas

        with single_threaded_blas():
            return self._call(ctx)

    def _call(self, ctx) -> dict[str, np.ndarray]:
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
        return out
