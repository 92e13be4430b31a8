"""The numerical core of the capacity model (private).

Everything here is vectorised over scenarios, draws and years; firms enter only through
per-group sums of their survey answers (:func:`group_sums`), because a firm's relief depends
only on *which* of the three barriers it names (eight groups). The equations are documented in
:doc:`/methodology/capacity`; :func:`reference_uplift` evaluates the same model firm by firm,
one experiment at a time, and serves as the independent check of :func:`uplift_paths` (tests)
and as the loop baseline of ``benchmarks/bench_capacity.py``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from nldtib_forecast._errors import InputError

#: The capacity model's drivers, in the order of the barrier bits.
DRIVERS: tuple[str, ...] = ("order_certainty", "procurement_lead_time_months",
                            "labour_supply_growth")
#: Survey columns of the barriers tied to the drivers (same order).
BARRIERS: tuple[str, ...] = ("barrier_orders", "barrier_procurement", "barrier_labour")
#: Barrier groups: group ``g`` names barrier ``k`` when bit ``k`` of ``g`` is set.
N_GROUPS = 8
LABOUR_GROUPS = np.array([g for g in range(N_GROUPS) if g & 4])
#: Per-group sums, last axis of the sums array: sum of a, a*u_cur, a*u_imp, a*h.
N_STATS = 4
RAMPS: tuple[str, ...] = ("gamma", "logistic")
AGGREGATIONS: tuple[str, ...] = ("min", "mean")
NO_BARRIER: tuple[str, ...] = ("mean", "min")
LABOUR_CONSTRAINTS: tuple[str, ...] = ("pool", "none")
BOOTSTRAPS: tuple[str, ...] = ("rao_wu", "bayesian", "none")
_LOGISTIC_STEEPNESS = 4.0  # midpoint / scale of the logistic ramp


def group_label(g: int) -> str:
    """``"orders+labour"``, ``"none"``, ... for barrier group ``g``."""
    names = [n.removeprefix("barrier_") for k, n in enumerate(BARRIERS) if g >> k & 1]
    return "+".join(names) or "none"


# --------------------------------------------------------------------------------------------
# Priors
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prior:
    """A prior distribution of one model parameter.

    Parameters
    ----------
    distribution : {"lognormal", "normal", "uniform", "fixed"}
        ``lognormal``: ``a`` is the median and ``b`` the standard deviation of the log;
        ``normal``: mean ``a`` and standard deviation ``b``; ``uniform``: on ``[a, b]``;
        ``fixed``: the value ``a`` (no uncertainty).
    a, b : float
        Parameters, as above.
    source : str
        Where the prior comes from (evidence or assumption).

    Raises
    ------
    nldtib_forecast.InputError
        An unknown distribution, parameters that are not finite, or invalid for the
        distribution (a lognormal median <= 0, a negative spread, ``b < a`` for a uniform).

    See Also
    --------
    PRIORS : The priors of the capacity model's parameters, with their sources.
    CapacityModel.from_survey : Replaces a prior with ``<parameter>=Prior(...)``.

    Examples
    --------
    >>> from nldtib_forecast.models.capacity import PRIORS
    >>> prior = PRIORS["build_years"]
    >>> prior.distribution, prior.describe()
    ('lognormal', 'lognormal(median 1, sd log 0.5)')
    >>> Prior("uniform", 0.0, 2.0).describe()
    'uniform(0, 2)'
    """

    distribution: str
    a: float
    b: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        if self.distribution not in ("lognormal", "normal", "uniform", "fixed"):
            raise InputError(f"Prior: unknown distribution {self.distribution!r}; valid: "
                             "'lognormal', 'normal', 'uniform', 'fixed'")
        a, b = float(self.a), float(self.b)
        bad = (not (math.isfinite(a) and math.isfinite(b))
               or (self.distribution == "lognormal" and (a <= 0 or b < 0))
               or (self.distribution == "normal" and b < 0)
               or (self.distribution == "uniform" and b < a))
        if bad:
            raise InputError(f"Prior: invalid parameters for a {self.distribution} prior: "
                             f"a={self.a!r}, b={self.b!r}")
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "b", b)

    @property
    def fixed(self) -> bool:
        """No uncertainty (a fixed value, or a zero spread)."""
        return self.distribution == "fixed" or (self.distribution != "uniform" and self.b == 0)

    @property
    def central(self) -> float:
        """The central value used by deterministic calculations: the median."""
        return float(self.ppf(np.array([0.5]))[0])

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function (maps uniform draws on (0, 1) to the prior).

        Parameters
        ----------
        u : array_like of float
            Probabilities in (0, 1) (clipped to ``[1e-12, 1 - 1e-12]`` for the normal and
            lognormal).

        Returns
        -------
        numpy.ndarray
            The quantiles, of the shape of ``u``, in the parameter's unit.

        Examples
        --------
        >>> import numpy as np
        >>> Prior("uniform", 0.0, 2.0).ppf(np.array([0.25, 0.5]))
        array([0.5, 1. ])
        >>> Prior("lognormal", 1.0, 0.35).ppf(np.array([0.5]))
        array([1.])
        """
        u = np.asarray(u, dtype=float)
        if self.distribution == "fixed":
            return np.full(u.shape, self.a)
        if self.distribution == "uniform":
            return self.a + (self.b - self.a) * u
        from scipy import special  # here: loading the registry imports this module

        z = special.ndtri(np.clip(u, 1e-12, 1 - 1e-12))
        if self.distribution == "normal":
            return self.a + self.b * z
        return self.a * np.exp(self.b * z)

    def describe(self) -> str:
        """A short text such as ``"lognormal(median 1, sd log 0.35)"``.

        Returns
        -------
        str
            ``"fixed at <a>"``, ``"uniform(<a>, <b>)"``, ``"normal(mean <a>, sd <b>)"`` or
            ``"lognormal(median <a>, sd log <b>)"``.

        Examples
        --------
        >>> Prior("lognormal", 1.0, 0.35).describe()
        'lognormal(median 1, sd log 0.35)'
        """
        if self.distribution == "fixed":
            return f"fixed at {self.a:g}"
        if self.distribution == "uniform":
            return f"uniform({self.a:g}, {self.b:g})"
        if self.distribution == "normal":
            return f"normal(mean {self.a:g}, sd {self.b:g})"
        return f"lognormal(median {self.a:g}, sd log {self.b:g})"


_CURVATURE_SOURCE = (
    "Assumption. The survey gives two points (current and improved conditions); no evidence "
    "fixes the shape in between. Centred on linear relief (1), with a 90% range of about "
    "0.56 to 1.78 (threshold-like convex relief to early-payoff concave relief).")

#: Default priors of the uncertain parameters, in draw order.
PRIORS: dict[str, Prior] = {
    "curvature_orders": Prior("lognormal", 1.0, 0.35, _CURVATURE_SOURCE),
    "curvature_procurement": Prior("lognormal", 1.0, 0.35, _CURVATURE_SOURCE),
    "curvature_labour": Prior("lognormal", 1.0, 0.35, _CURVATURE_SOURCE),
    "build_years": Prior(
        "lognormal", 1.0, 0.5,
        "Time from a signed contract to the first additional output (hiring, tooling, "
        "buildings). Rheinmetall's greenfield 155mm plant in Unterluess took 15 months from "
        "ground-breaking (February 2024) to opening (August 2025); expansions within existing "
        "sites (shifts, lines, hiring) take months. Median 1 year, 90% range 0.44-2.3."),
    "ramp_years": Prior(
        "lognormal", 1.0, 0.5,
        "Time from the first additional output to half of the increment. Unterluess: 25,000 "
        "shells in 2025, 140,000 in 2026, 350,000 a year from 2027 (half of full rate about "
        "1.2 years after opening); US 155mm output: 14,000 a month in 2022, 40,000 by late 2024, "
        "100,000 target moved to 2026; EU capacity 0.3 m (2022), 1 m (January 2024), about 2 m "
        "(end 2025). Median 1 year, 90% range 0.44-2.3."),
    "labour_headroom": Prior(
        "uniform", 0.0, 0.2,
        "Extra D&S output the firms naming labour can reach with their current staff (moving "
        "staff from civil to D&S work, overtime, retention) before they need labour supply "
        "growth. D&S work is 10-15% of these firms' turnover (B24 p.7, L26), so civil staff "
        "are a reservoir; B24 p.7: D&S FTE +14.7% from 2022 to 2023 while total FTE grew "
        "4.6%. Uniform 0-20%."),
    "productivity_growth": Prior(
        "normal", 0.01, 0.005,
        "Labour productivity growth per year. CBS (2024): 1.5% a year on average 1974-2013, "
        "0.4% a year 2014-2023; the synthetic survey assumes 1%. Mean 1%, 90% range 0.2-1.8%."),
    "short_run_years": Prior(
        "lognormal", 1.0, 0.4,
        "Time for half of the scale-up firms report under CURRENT conditions to become output. "
        "The survey asked what firms could add now (L26: 33% under current conditions), so "
        "this potential needs no new procurement cycle, only hiring, shifts and orders from "
        "existing customers: it starts at once and ramps up with this half-time (gamma ramp, "
        "as ramp_years). The 2025 growth of D&S turnover (+27.5%, L26) shows such slack being "
        "used within a year; Unterluess-type greenfield plants (15 months to open) are the "
        "upper end. Median 1 year, 90% range 0.5-1.9 years (assumption)."),
}
#: Parameter groups of the sensitivity analysis.
PARAMETER_GROUPS: dict[str, tuple[str, ...]] = {
    "curvature": ("curvature_orders", "curvature_procurement", "curvature_labour"),
    "timing": ("build_years", "ramp_years"),
    "labour_pool": ("labour_headroom", "productivity_growth"),
    "short_run": ("short_run_years",),
}


# --------------------------------------------------------------------------------------------
# Relief, ramp, lags
# --------------------------------------------------------------------------------------------
def relief(x, current: float, improved: float, curvature=1.0) -> np.ndarray:
    """Relief of one barrier: ``sign(z) |z|^curvature`` with ``z`` clipped to [-1, 1].

    ``z = (x - current) / (improved - current)`` is 0 at the current level, 1 at the improved
    level and negative when conditions worsen; a driver whose improved level is *lower* (the
    procurement lead time) is reversed automatically by the sign of the denominator.

    >>> relief([30.0, 21.0, 12.0, 6.0, 48.0], 30.0, 12.0).tolist()
    [0.0, 0.5, 1.0, 1.0, -1.0]
    """
    z = np.clip((np.asarray(x, dtype=float) - current) / (improved - current), -1.0, 1.0)
    return np.sign(z) * np.abs(z) ** curvature


def aggregate_reliefs(reliefs: np.ndarray, aggregation: str, no_barrier: str) -> np.ndarray:
    """Relief of each barrier group from the three barrier reliefs.

    ``reliefs`` has the barriers on axis -2 (shape ``(..., 3, T)``); returns ``(..., 8, T)``.
    Group 0 (no tied barrier named) gets the ``no_barrier`` aggregate of all three.
    """
    shape = reliefs.shape[:-2] + (N_GROUPS, reliefs.shape[-1])
    out = np.empty(shape)
    for g in range(1, N_GROUPS):  # group g = group `rest` plus barrier `top`
        top = g.bit_length() - 1
        rest, r_top = g ^ (1 << top), reliefs[..., top, :]
        if rest == 0:
            out[..., g, :] = r_top
        elif aggregation == "min":
            np.minimum(out[..., rest, :], r_top, out=out[..., g, :])
        else:
            c = rest.bit_count()
            out[..., g, :] = (out[..., rest, :] * c + r_top) / (c + 1)
    out[..., 0, :] = out[..., 7, :] if no_barrier == aggregation else (
        np.mean if no_barrier == "mean" else np.min)(reliefs, axis=-2)
    return out


@functools.lru_cache(maxsize=32)
def _gamma_median(shape: float) -> float:
    from scipy import special

    return float(special.gammaincinv(shape, 0.5))


def _ramp_scale(ramp_years, kind: str, shape: float):
    """Time scale of the ramp: ``x / scale`` is the argument of the standard curve."""
    return ramp_years / _gamma_median(shape) if kind == "gamma" else ramp_years


def _ramp_of_scaled(y: np.ndarray, kind: str, shape: float) -> np.ndarray:
    """The ramp at ``y = x / scale``; ``y`` is owned and overwritten (in-place operations)."""
    np.maximum(y, 0.0, out=y)
    if kind == "gamma":
        if shape == 1:
            return -np.expm1(-y)
        if float(shape).is_integer() and shape <= 8:  # Erlang: 1 - exp(-y) sum_j y^j / j!
            total, term = 1.0 + y, y
            for j in range(2, int(shape)):
                term = term * y / j
                total += term
            np.negative(y, out=y)
            np.exp(y, out=y)
            y *= total
            return np.subtract(1.0, y, out=y)
        from scipy import special

        return special.gammainc(shape, y)
    from scipy import special

    e0 = special.expit(-_LOGISTIC_STEEPNESS)
    f = (special.expit(_LOGISTIC_STEEPNESS * (y - 1.0)) - e0) / (1.0 - e0)
    return np.where(y > 0, f, 0.0)


def ramp_cdf(x, ramp_years, kind: str = "gamma", shape: float = 2.0) -> np.ndarray:
    """Share of an increment available ``x`` years after its delay ended (0 for ``x <= 0``).

    ``gamma``: the gamma CDF with the given shape, scaled so that half is reached after
    ``ramp_years`` (closed form for integer shapes). ``logistic``: a logistic curve with
    midpoint ``ramp_years`` and scale ``ramp_years / 4``, rescaled to start at 0.

    >>> ramp_cdf([-1.0, 0.0, 1.0, 50.0], 1.0).round(3).tolist()
    [0.0, 0.0, 0.5, 1.0]
    """
    scale = _ramp_scale(np.asarray(ramp_years, dtype=float), kind, shape)
    return _ramp_of_scaled(np.array(np.asarray(x, dtype=float) / scale), kind, shape)


def lag_weights(lead_months: np.ndarray, base_lead_months: float, build_years: np.ndarray,
                ramp_years: np.ndarray, kind: str, shape: float,
                short_run_years: np.ndarray | None = None) -> np.ndarray:
    """Share of the decision of year ``j`` available in output year ``m``.

    ``lead_months`` holds the lead time of the decision years ``t0 + 1 .. t0 + T`` (last axis
    ``T``); decision 0 is the base year (the survey year: the potential firms report under
    current conditions). Returns ``(..., T + 1, T)``: ``F(m - j - D_j)`` with the delay
    ``D_j = lead_j / 12 + build``. With ``short_run_years`` (the short run), decision 0 has
    no delay and ramps up with that half-time, ``F_sr(m)``; without it (the first release),
    decision 0 waits ``base_lead_months / 12 + build`` like any other decision.
    """
    lead_months, build_years = np.asarray(lead_months, float), np.asarray(build_years, float)
    T = lead_months.shape[-1]
    shape_all = np.broadcast_shapes(lead_months.shape, build_years.shape)
    lead = np.broadcast_to(lead_months, shape_all)
    delay = np.concatenate([np.full(shape_all[:-1] + (1,), base_lead_months / 12.0), lead / 12.0],
                           axis=-1) + build_years  # (..., T + 1)
    gap = (np.arange(1, T + 1)[None, :] - np.arange(T + 1)[:, None]).astype(float)
    rate = 1.0 / _ramp_scale(np.asarray(ramp_years, float), kind, shape)
    y = gap * rate[..., None] - (delay * rate)[..., :, None]  # (x / scale), (..., T + 1, T)
    out = _ramp_of_scaled(y, kind, shape)
    if short_run_years is not None:  # decision 0: no delay, its own half-time
        sr = np.broadcast_to(np.asarray(short_run_years, float),
                             np.broadcast_shapes(np.shape(short_run_years), shape_all))[..., 0]
        first = np.arange(1, T + 1, dtype=float) / _ramp_scale(sr, kind, shape)[..., None]
        out = np.array(np.broadcast_to(out, np.broadcast_shapes(out.shape, first.shape[:-1]
                                                                + (T + 1, T))))
        out[..., 0, :] = _ramp_of_scaled(np.array(np.broadcast_to(first, out[..., 0, :].shape)),
                                         kind, shape)
    return out


def labour_cap(labour_growth: np.ndarray, productivity: np.ndarray | float,
               headroom: np.ndarray | float = 0.0) -> np.ndarray:
    """Largest uplift the labour pool allows: ``(1 + h) prod_{s <= t} (1 + g_L(s) + g_P) - 1``.

    >>> labour_cap(np.array([0.01, 0.01]), 0.01, 0.1).round(4).tolist()
    [0.122, 0.1444]
    """
    return (1.0 + headroom) * np.cumprod(1.0 + labour_growth + productivity, axis=-1) - 1.0


# --------------------------------------------------------------------------------------------
# The vectorised kernel
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """Structural assumptions (not drawn): see ``CapacityModel.from_survey``."""

    relief_aggregation: str = "min"
    no_barrier_relief: str = "mean"
    ramp: str = "gamma"
    ramp_shape: float = 2.0
    labour_constraint: str = "pool"
    bootstrap: str = "rao_wu"


def group_sums(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Weighted sums ``weights @ features`` (draws x firms @ firms x columns)."""
    return np.asarray(weights, float) @ features


def feature_matrix(y: np.ndarray, u_cur: np.ndarray, u_imp: np.ndarray, group: np.ndarray,
                   answering: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """Firm x column matrix whose weighted sums feed :func:`uplift_paths`.

    Column 0 is the D&S turnover (for the base-year total); then, for every barrier group
    ``g``, category ``c`` and statistic ``k``, ``y * s_k * [firm in g and c]`` with ``s`` =
    (1, u_cur, u_imp, h) and ``h = min(u_imp - u_cur, u_cur)`` (the downside slope).
    ``categories`` is a boolean firm x category matrix (column 0: all firms).
    """
    n_firms, n_cat = categories.shape
    y = np.where(np.isfinite(y), y, 0.0)
    u_cur, u_imp = np.where(answering, u_cur, 0.0), np.where(answering, u_imp, 0.0)
    h = np.minimum(u_imp - u_cur, u_cur)
    stats = np.stack([np.ones(n_firms), u_cur, u_imp, h], axis=1) * (y * answering)[:, None]
    onehot = (group[:, None] == np.arange(N_GROUPS)[None, :]) & answering[:, None]
    cols = onehot[:, :, None, None] * categories[:, None, :, None] * stats[:, None, None, :]
    return np.concatenate([y[:, None], cols.reshape(n_firms, N_GROUPS * n_cat * N_STATS)],
                          axis=1)


def uplift_paths(drivers: dict[str, np.ndarray], params: dict[str, np.ndarray],
                 sums: np.ndarray, references: Mapping[str, tuple[float, float]],
                 settings: Settings, base_lead_months: float) -> np.ndarray:
    """Aggregate uplift paths for every scenario, draw, category and year.

    Parameters
    ----------
    drivers : dict
        Driver name to values ``(S, 1 or n, T)``.
    params : dict
        Parameter name to values broadcasting to ``(1, n, 1)``.
    sums : ndarray
        Group sums ``(n or 1, 8, C, 4)`` (see :func:`feature_matrix`).
    references : dict
        Driver name to its (current, improved) levels.

    Returns
    -------
    ndarray
        ``(S, n, C, T)``: D&S-turnover-weighted mean uplift of each category.
    """
    r = np.stack([relief(drivers[d], *references[d], params[f"curvature_{k}"])
                  for d, k in zip(DRIVERS, ("orders", "procurement", "labour"), strict=True)],
                 axis=-2)  # (S, n, 3, T)
    rg = aggregate_reliefs(r, settings.relief_aggregation, settings.no_barrier_relief)
    levels = np.concatenate([np.maximum(rg, 0.0), np.maximum(-rg, 0.0)], axis=-2)
    s1, su, si, sh = (sums[..., k] for k in range(N_STATS))  # (n', 8, C) each
    n_cat = s1.shape[-1]
    coef = np.concatenate([si - su, -sh], axis=1)  # (n', 16, C): potential per unit relief
    base, weight = su.sum(axis=1), s1.sum(axis=1)  # (n', C)
    pool = settings.labour_constraint == "pool"
    if pool:  # one more "category": the labour pool (firms naming labour), all categories
        lab = np.zeros(N_GROUPS, dtype=bool)
        lab[LABOUR_GROUPS] = True
        coef = np.concatenate([coef, coef[..., :1] * np.tile(lab, 2)[None, :, None]], axis=-1)
        base = np.concatenate([base, su[:, lab, :1].sum(axis=1)], axis=-1)
        lab_w = s1[:, lab, :].sum(axis=1)  # (n', C)
    # potential (aggregate long-run uplift x weight) of the decisions of years 0..T
    phi = np.matmul(np.swapaxes(coef, -1, -2)[None], levels)  # (S, n, C', T)
    phi = np.concatenate([np.zeros(phi.shape[:-1] + (1,)), phi], axis=-1) + base[None, :, :, None]
    steps = np.diff(phi, axis=-1, prepend=0.0)  # new potential decided in year j
    lead = drivers["procurement_lead_time_months"]
    w = lag_weights(lead, base_lead_months, params["build_years"], params["ramp_years"],
                    settings.ramp, settings.ramp_shape,
                    params.get("short_run_years"))  # (S, n, T+1, T)
    # gains of potential wait for the scenario's lead time; losses (conditions worse than
    # current) arrive at the current lead time, so a longer lead time never postpones a loss
    realised = np.matmul(np.maximum(steps, 0.0), w)  # (S, n, C', T)
    losses = np.minimum(steps, 0.0)
    if losses.any():
        w0 = lag_weights(np.full(np.shape(lead), base_lead_months), base_lead_months,
                         params["build_years"], params["ramp_years"], settings.ramp,
                         settings.ramp_shape, params.get("short_run_years"))
        realised = realised + np.matmul(losses, w0)
    total = realised[:, :, :n_cat, :]
    if pool:
        cap = labour_cap(drivers["labour_supply_growth"], params["productivity_growth"],
                         params["labour_headroom"])
        pool_w = lab_w[None, :, 0, None]  # (1, n', 1)
        has = pool_w > 0
        mean_pool = realised[:, :, n_cat, :] / np.where(has, pool_w, 1.0)
        shortfall = np.where(has, np.maximum(mean_pool - cap, 0.0), 0.0)  # (S, n, T)
        total = total - shortfall[:, :, None, :] * lab_w[None, :, :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / weight[None, :, :, None]


# --------------------------------------------------------------------------------------------
# Survey bootstrap inside the model call
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RaoWuPlan:
    """Rao-Wu rescaling bootstrap factors for the firms of the base year.

    ``strata`` holds, per stratum with variance (not take-all): the number of sampled PSUs
    ``n_h`` of the whole design, ``lambda_h = sqrt(1 - f_h)``, the firm columns of its firms
    and their positions among the stratum's PSUs. In every replicate each such stratum draws
    ``n_h - 1`` of its PSUs with replacement (uniform draws mapped to PSUs; all strata in one
    call of the generator); PSU ``i`` drawn ``r_i`` times gets the factor
    ``1 - lambda_h + lambda_h n_h / (n_h - 1) r_i``.
    """

    n_firms: int
    strata: tuple[tuple[int, float, np.ndarray, np.ndarray], ...]
    # derived in __post_init__: one entry per PSU drawn (size, largest index, offset of the
    # stratum's PSUs), the number of PSUs, and per firm of a stratum with variance its column,
    # PSU position, lambda_h and lambda_h n_h / (n_h - 1)
    _draw_size: np.ndarray = field(init=False, repr=False)
    _draw_max: np.ndarray = field(init=False, repr=False)
    _draw_offset: np.ndarray = field(init=False, repr=False)
    _n_psu: int = field(init=False, repr=False)
    _cols: np.ndarray = field(init=False, repr=False)
    _psu: np.ndarray = field(init=False, repr=False)
    _lam: np.ndarray = field(init=False, repr=False)
    _scale: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sizes = np.array([p[0] for p in self.strata], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)])[:-1].astype(np.int64)
        draws = np.maximum(sizes - 1, 0)
        cols = [p[2] for p in self.strata]
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        arrays = {
            "_draw_size": np.repeat(sizes, draws).astype(np.float32),
            "_draw_max": np.repeat(sizes - 1, draws),
            "_draw_offset": np.repeat(offsets, draws),
            "_n_psu": int(sizes.sum()),
            "_cols": np.concatenate(cols) if cols else empty_i,
            "_psu": (np.concatenate([o + p[3] for o, p in zip(offsets, self.strata,
                                                               strict=True)])
                     if cols else empty_i),
            "_lam": np.concatenate([np.full(len(p[2]), p[1]) for p in self.strata])
            if cols else empty_f,
            "_scale": np.concatenate([np.full(len(p[2]), p[1] * p[0] / (p[0] - 1))
                                      for p in self.strata]) if cols else empty_f,
        }
        for key, value in arrays.items():
            object.__setattr__(self, key, value)

    @property
    def trivial(self) -> bool:
        """No stratum contributes sampling variance (e.g. a census)."""
        return not self.strata

    def counts(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Times each PSU is drawn in ``n`` replicates, ``(n, n_psu)`` (float).

        Each stratum draws ``n_h - 1`` PSUs with replacement: uniform numbers (float32, 24 bits:
        selection probabilities exact to about ``n_h / 2**24``) mapped to PSUs.
        """
        pick = (rng.random((n, len(self._draw_size)), dtype=np.float32)
                * self._draw_size).astype(np.int64)
        np.minimum(pick, self._draw_max, out=pick)
        pick += self._draw_offset + (np.arange(n) * self._n_psu)[:, None]
        return np.bincount(pick.ravel(), minlength=n * self._n_psu).reshape(
            n, self._n_psu).astype(float)

    def factors(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Weight factors ``(n, n_firms)`` of ``n`` replicates."""
        out = np.ones((n, self.n_firms))
        if not self.trivial:
            out[:, self._cols] = 1.0 - self._lam + self._scale * self.counts(rng, n)[:, self._psu]
        return out

    def linear(self, weighted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(const, G)`` with ``factors @ weighted == const + counts @ G`` (same draws)."""
        keep = np.ones(self.n_firms)
        keep[self._cols] = 1.0 - self._lam
        grid = np.zeros((self._n_psu, weighted.shape[1]))
        np.add.at(grid, self._psu, self._scale[:, None] * weighted[self._cols])
        return keep @ weighted, grid


@dataclass(frozen=True)
class BayesPlan:
    """Weighted Bayesian bootstrap: Dirichlet(1, ..., 1) reweighting within strata.

    Every firm of a stratum that is not take-all has its weight multiplied by a standard
    exponential draw, then rescaled so that the stratum keeps its total weight; firms of
    take-all strata keep their weight. There is no finite population correction otherwise.
    """

    n_firms: int
    strata: np.ndarray  # stratum code per firm
    weights: np.ndarray
    random: np.ndarray  # firm lies in a stratum that is not take-all

    @property
    def trivial(self) -> bool:
        """No firm is reweighted (a census)."""
        return not self.random.any()

    def factors(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Factors ``(n, n_firms)`` of ``n`` replicates."""
        out = np.ones((n, self.n_firms))
        if self.trivial:
            return out
        cols = np.flatnonzero(self.random)
        codes = np.unique(self.strata[cols], return_inverse=True)[1]
        e = rng.standard_exponential((n, len(cols)))
        onehot = np.zeros((len(cols), int(codes.max()) + 1))
        onehot[np.arange(len(cols)), codes] = self.weights[cols]
        drawn = e @ onehot  # (n, H)
        out[:, cols] = e * (onehot.sum(axis=0) / drawn)[:, codes]
        return out


# --------------------------------------------------------------------------------------------
# Firm-level reference implementation (one experiment at a time)
# --------------------------------------------------------------------------------------------
def reference_uplift(u_cur: np.ndarray, u_imp: np.ndarray, barriers: np.ndarray,
                     weights: np.ndarray, paths: dict[str, np.ndarray],
                     params: dict[str, float], references: dict[str, tuple[float, float]],
                     settings: Settings, base_lead_months: float) -> np.ndarray:
    """Aggregate uplift path of ONE experiment, computed firm by firm.

    ``u_cur, u_imp`` (answering firms only), ``barriers`` (firms x 3 booleans), ``weights``
    (D&S turnover x survey weight, per firm), ``paths`` (driver -> ``(T,)``), scalar
    ``params``. Returns ``(T,)``. Same equations as :func:`uplift_paths`, written for one
    experiment: the pattern of an experiment loop (e.g. EMA Workbench).
    """
    r = np.stack([relief(paths[d], *references[d], params[f"curvature_{k}"])
                  for d, k in zip(DRIVERS, ("orders", "procurement", "labour"), strict=True)])
    barriers = np.asarray(barriers, dtype=bool)
    named = barriers[:, :, None]  # (F, 3, 1)
    if settings.relief_aggregation == "min":
        firm = np.where(named, r[None], np.inf).min(axis=1)
    else:
        firm = (np.where(named, r[None], 0.0).sum(axis=1)
                / np.maximum(barriers.sum(axis=1), 1)[:, None])
    general = r.mean(axis=0) if settings.no_barrier_relief == "mean" else r.min(axis=0)
    firm = np.where((barriers.sum(axis=1) > 0)[:, None], firm, general[None])  # (F, T)
    g, h = u_imp - u_cur, np.minimum(u_imp - u_cur, u_cur)
    potential = u_cur[:, None] + np.where(firm >= 0, g[:, None] * firm, h[:, None] * firm)
    potential = np.concatenate([u_cur[:, None], potential], axis=1)  # decisions 0..T
    steps = np.diff(potential, axis=1, prepend=0.0)
    short = params.get("short_run_years")
    w = lag_weights(paths["procurement_lead_time_months"], base_lead_months,
                    np.asarray(params["build_years"]), np.asarray(params["ramp_years"]),
                    settings.ramp, settings.ramp_shape,
                    None if short is None else np.asarray(short))  # (T+1, T)
    w0 = lag_weights(np.full(np.shape(paths["procurement_lead_time_months"]), base_lead_months),
                     base_lead_months, np.asarray(params["build_years"]),
                     np.asarray(params["ramp_years"]), settings.ramp, settings.ramp_shape,
                     None if short is None else np.asarray(short))
    realised = np.maximum(steps, 0.0) @ w + np.minimum(steps, 0.0) @ w0  # (F, T)
    if settings.labour_constraint == "pool" and weights[barriers[:, 2]].sum() > 0:
        lab = barriers[:, 2]
        mean_lab = weights[lab] @ realised[lab] / weights[lab].sum()
        cap = labour_cap(paths["labour_supply_growth"], params["productivity_growth"],
                         params["labour_headroom"])
        realised[lab] -= np.maximum(mean_lab - cap, 0.0)
    return weights @ realised / weights.sum()
