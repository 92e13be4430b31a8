"""Global sensitivity analysis and scenario discovery, shared by the models (private).

:func:`sobol_indices`
    Sobol' first-order and total indices of a vectorised function of (groups of) inputs on
    the unit hypercube, for many outputs at once (e.g. every horizon year): scrambled Sobol'
    points (:class:`scipy.stats.qmc.Sobol`), the radial design of Saltelli et al. (2010) with
    matrices ``A``, ``B`` and ``AB_i``, the first-order estimator of Saltelli et al. (2010),
    the total estimator of Jansen (1999), outputs centred on the mean of ``f(A)`` and ``f(B)``
    (Sobol' and Levitan, 1999) as :func:`scipy.stats.sobol_indices` does, and bootstrap
    percentile intervals over the ``n`` rows (vectorised through resampling counts).
:func:`discover_rules`
    Scenario discovery: which input ranges lead to an outcome of interest, as readable box
    rules with coverage and density, found by PRIM peeling (Friedman and Fisher, 1999) or by
    the leaves of a scikit-learn decision tree.

Results are :class:`SensitivityResult` and :class:`DiscoveryResult` (frozen dataclasses with
``summary()``, ``to_frame()``, ``plot()`` and an HTML representation).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, check_option
from nldtib_forecast._version import __version__

__all__ = ["sobol_indices", "sobol_estimates", "SensitivityResult", "discover_rules",
           "DiscoveryResult", "resolve_seed"]


def resolve_seed(seed: object) -> tuple[np.random.Generator, object]:
    """A generator and the value to record as the seed (fresh entropy for ``None``)."""
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        return np.random.default_rng(entropy), entropy
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise InputError(f"argument 'seed': must be >= 0, got {seed}")
        return np.random.default_rng(int(seed)), int(seed)
    if isinstance(seed, np.random.Generator):
        return seed, "generator"
    raise InputError(f"argument 'seed': expected None, a non-negative int or a "
                     f"numpy.random.Generator, got {type(seed).__name__}")


def _qmc(kind: str, d: int, rng: np.random.Generator):
    from scipy.stats import qmc

    cls = qmc.Sobol if kind == "sobol" else qmc.LatinHypercube
    try:
        return cls(d, scramble=True, rng=rng)
    except TypeError:  # scipy < 1.15
        return cls(d, scramble=True, seed=rng)


# --------------------------------------------------------------------------------------------
# Sobol' indices
# --------------------------------------------------------------------------------------------
def _moments(counts: np.ndarray, f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray):
    """First-order and total indices for each row of resampling ``counts`` (R, N)."""
    n = f_a.shape[0]
    mean = (counts @ f_a + counts @ f_b) / (2 * n)  # (R, K)
    var = (counts @ f_a**2 + counts @ f_b**2) / (2 * n) - mean**2
    diff = f_ab - f_a[None]  # (k, N, K)
    k, _, K = diff.shape
    flat = diff.transpose(1, 0, 2).reshape(n, k * K)
    cross = (counts @ (f_b[:, None, :] * diff.transpose(1, 0, 2)).reshape(n, k * K)) / n
    first = (cross - np.tile(mean, k) * (counts @ flat) / n).reshape(-1, k, K)
    total = (0.5 * counts @ (flat**2) / n).reshape(-1, k, K)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = var > np.finfo(float).tiny
        scale = np.where(ok, var, np.nan)[:, None, :]
        return first / scale, total / scale, var


def sobol_estimates(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices from model evaluations.

    Parameters
    ----------
    f_a, f_b : ndarray
        Evaluations at the rows of ``A`` and ``B``: ``(N,)`` or ``(N, K)``.
    f_ab : ndarray
        Evaluations at ``AB_i`` (``A`` with the columns of factor ``i`` taken from ``B``):
        ``(k, N)`` or ``(k, N, K)``.

    Returns
    -------
    first, total : ndarray
        ``(k,)`` or ``(k, K)``. NaN where the output has no variance.

    Notes
    -----
    With ``f`` centred on the mean ``f0`` of ``f(A)`` and ``f(B)`` and ``V`` their variance,
    ``S_i = mean(f(B) (f(AB_i) - f(A))) / V`` and ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)``,
    as in :func:`scipy.stats.sobol_indices` (``method="saltelli_2010"``).
    """
    f_a, f_b, f_ab = (np.asarray(v, dtype=float) for v in (f_a, f_b, f_ab))
    vector = f_a.ndim == 1
    if vector:
        f_a, f_b, f_ab = f_a[:, None], f_b[:, None], f_ab[..., None]
    shift = 0.5 * (f_a.mean(axis=0) + f_b.mean(axis=0))
    first, total, _ = _moments(np.ones((1, f_a.shape[0])), f_a - shift, f_b - shift,
                               f_ab - shift)
    first, total = first[0], total[0]
    return (first[:, 0], total[:, 0]) if vector else (first, total)


@dataclass(frozen=True)
class SensitivityResult:
    """Sobol' indices of one or more outputs, with bootstrap intervals.

    Attributes
    ----------
    indices : pandas.DataFrame
        Indexed by ``(output, factor)``; columns ``S1, S1_lower, S1_upper, ST, ST_lower,
        ST_upper`` (fractions of the output variance).
    variance : pandas.Series
        Variance of each output over the design.
    factors : pandas.DataFrame
        One row per factor: ``dims`` (inputs in the group) and ``description`` (its range or
        distribution).

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.capacity import CapacityModel
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
    >>> res.n, res.n_evaluations
    (64, 512)
    >>> res.indices.columns.tolist()
    ['S1', 'S1_lower', 'S1_upper', 'ST', 'ST_lower', 'ST_upper']
    """

    indices: pd.DataFrame
    variance: pd.Series
    factors: pd.DataFrame
    n: int
    n_evaluations: int
    seed: object
    level: float
    n_bootstrap: int
    output_name: str = "output"
    description: str = ""
    synthetic: bool = False
    method: str = ("Sobol' indices: scrambled Sobol' sequence, Saltelli (2010) design and "
                   "first-order estimator, Jansen (1999) total estimator, bootstrap percentile "
                   "intervals over rows")
    version: str = field(default=__version__)

    @property
    def outputs(self) -> pd.Index:
        """The outputs (e.g. years)."""
        return self.variance.index

    def _pick(self, output) -> object:
        if output is None:
            return self.outputs[-1]
        if output not in self.outputs:
            raise InputError(f"argument 'output': {output!r} is not among the outputs "
                             f"{list(self.outputs)}")
        return output

    def table(self, output=None) -> pd.DataFrame:
        """Indices of one output (default: the last), sorted by total index.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
        >>> res.table().columns.tolist()
        ['S1', 'S1_lower', 'S1_upper', 'ST', 'ST_lower', 'ST_upper']
        >>> res.table().index[0]
        'timing'
        """
        out = self.indices.xs(self._pick(output), level=0)
        return out.sort_values("ST", ascending=False, na_position="last")

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: columns ``<output>, factor, index, statistic, value``.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
        >>> res.to_frame().columns.tolist()
        ['year', 'factor', 'index', 'statistic', 'value']
        """
        parts = []
        for idx in ("S1", "ST"):
            sub = self.indices[[idx, f"{idx}_lower", f"{idx}_upper"]]
            sub.columns = ["estimate", "lower", "upper"]
            long = sub.stack().rename("value").reset_index()
            long.columns = [self.indices.index.names[0], "factor", "statistic", "value"]
            long.insert(2, "index", idx)
            parts.append(long)
        out = pd.concat(parts, ignore_index=True)
        out.attrs.update(level=self.level, n=self.n, seed=self.seed, method=self.method)
        return out

    def summary(self, output=None) -> str:
        """Text: the design, then the indices of one output (default: the last).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
        >>> print(res.summary().splitlines()[0])
        Sobol' sensitivity indices of aggregate uplift
        """
        key = self._pick(output)
        tab = self.table(key)
        fmt = lambda v: "n/a" if not np.isfinite(v) else f"{v:6.3f}"  # noqa: E731
        rows = [f"  {f:<30} {fmt(r.S1)} [{fmt(r.S1_lower)}, {fmt(r.S1_upper)}]   "
                f"{fmt(r.ST)} [{fmt(r.ST_lower)}, {fmt(r.ST_upper)}]"
                for f, r in tab.iterrows()]
        lines = [f"Sobol' sensitivity indices of {self.description or 'the output'}",
                 f"  {self.method}",
                 f"  n = {self.n} base rows, {self.n_evaluations} evaluations; seed "
                 f"{self.seed}; {self.level:.0%} intervals from {self.n_bootstrap} bootstrap "
                 "resamples",
                 "", f"{self.indices.index.names[0]} {key} (output variance "
                 f"{self.variance[key]:.4g}):",
                 f"  {'factor':<30} {'first-order S1':<25} {'total ST'}"] + rows
        if self.synthetic:
            lines.append("Computed on SYNTHETIC data.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        key = self._pick(None)
        return (f"<p><b>Sobol' indices of {html.escape(self.description or 'the output')}"
                f"</b>, {html.escape(str(self.indices.index.names[0]))} {key} "
                f"(n = {self.n}, {self.level:.0%} bootstrap intervals)</p>"
                + self.table(key).to_html(float_format=lambda v: f"{v:.3f}"))

    def plot(self, output=None, ax=None):
        """Tornado chart of one output: total (light) and first-order (dark) indices with
        their intervals, factors sorted by total index. Returns the Axes; bars have gids
        ``"ST-<factor>"`` and ``"S1-<factor>"``.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
        >>> ax = res.plot()
        >>> ax.get_xlabel()
        'share of output variance'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        key = self._pick(output)
        tab = self.table(key).iloc[::-1]
        if ax is None:
            _, ax = plt.subplots(figsize=(6.5, 0.45 * len(tab) + 1.5), layout="constrained")
        y = np.arange(len(tab))
        for idx, height, color in (("ST", 0.7, "C0"), ("S1", 0.35, "C1")):
            est = tab[idx].fillna(0.0).to_numpy()
            err = np.vstack([est - tab[f"{idx}_lower"].fillna(0.0).to_numpy(),
                             tab[f"{idx}_upper"].fillna(0.0).to_numpy() - est]).clip(0)
            bars = ax.barh(y, est, height=height, color=color,
                           alpha=0.45 if idx == "ST" else 0.9, xerr=err, capsize=2,
                           label={"ST": "total (ST)", "S1": "first-order (S1)"}[idx])
            for bar, name in zip(bars.patches, tab.index, strict=True):
                bar.set_gid(f"{idx}-{name}")
        ax.set_yticks(y, tab.index)
        ax.set_xlim(0, max(1.0, float(np.nanmax(tab[["ST_upper", "S1_upper"]].to_numpy(),
                                                 initial=0.0))))
        ax.set_xlabel("share of output variance")
        ax.set_title(f"{self.description or 'output'}: {key}"
                     + (" (synthetic data)" if self.synthetic else ""))
        ax.legend(loc="lower right", frameon=False, fontsize="small")
        return ax


def sobol_indices(func: Callable[[np.ndarray], np.ndarray],
                  factors: Sequence[str] | Mapping[str, int], n: int = 4096, *,
                  seed: int | np.random.Generator | None = None, n_bootstrap: int = 200,
                  level: float = 0.95, outputs: Sequence | pd.Index | None = None,
                  chunk_rows: int | None = None, description: str = "",
                  factor_descriptions: Mapping[str, str] | None = None,
                  synthetic: bool = False) -> SensitivityResult:
    """Sobol' first-order and total indices of a vectorised function.

    Parameters
    ----------
    func : callable
        ``func(u) -> y`` with ``u`` of shape ``(m, D)`` on the unit hypercube (map it to the
        input distributions with their quantile functions inside ``func``) and ``y`` of shape
        ``(m,)`` or ``(m, K)`` (``K`` outputs, e.g. years), finite.
    factors : sequence of str or mapping of str to int
        Factor names; a mapping gives the number of inputs in each factor (a *group* of
        inputs moved together in ``AB_i``). Columns of ``u`` follow the factor order.
    n : int, default 4096
        Base sample size, a power of 2 (balance of the Sobol' sequence). The function is
        evaluated at ``n (k + 2)`` points (``k`` factors).
    seed : int, Generator or None
        Seed of the scrambling and of the bootstrap.
    n_bootstrap : int, default 200
        Bootstrap resamples of the ``n`` rows (0: no intervals).
    level : float, default 0.95
        Level of the percentile intervals.
    outputs : sequence or Index, optional
        Labels of the ``K`` outputs (default ``0..K-1``, named ``"output"``).
    chunk_rows : int, optional
        Evaluate ``func`` on at most this many rows at a time (bounds memory).

    Returns
    -------
    SensitivityResult

    Examples
    --------
    The Ishigami function (a = 7, b = 0.1) has S1 = (0.314, 0.442, 0) and ST = (0.558, 0.442,
    0.244) (Ishigami and Homma, 1990; Sobol' and Levitan, 1999):

    >>> import numpy as np
    >>> def ishigami(u):
    ...     x = -np.pi + 2 * np.pi * u
    ...     return (np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
    ...             + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0]))
    >>> res = sobol_indices(ishigami, ["x1", "x2", "x3"], n=2**14, seed=1)
    >>> res.indices[["S1", "ST"]].round(2)
                     S1    ST
    output factor
    0      x1      0.31  0.56
           x2      0.44  0.44
           x3      0.00  0.24
    """
    names = list(factors) if not isinstance(factors, Mapping) else list(factors.keys())
    dims = [1] * len(names) if not isinstance(factors, Mapping) else [int(factors[f])
                                                                      for f in names]
    if not names or len(set(names)) != len(names) or min(dims) < 1:
        raise InputError("argument 'factors': give unique factor names, each with >= 1 input")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2 or n & (n - 1):
        raise InputError(f"argument 'n': must be a power of 2 (>= 2), got {n!r}")
    if not 0 < level < 1:
        raise InputError(f"argument 'level': must lie in (0, 1), got {level!r}")
    rng, recorded = resolve_seed(seed)
    d = sum(dims)
    base = _qmc("sobol", 2 * d, rng).random_base2(int(math.log2(n)))
    a, b = base[:, :d], base[:, d:]
    bounds = np.cumsum([0] + dims)
    blocks = [a, b]
    for i in range(len(names)):
        ab = a.copy()
        ab[:, bounds[i]:bounds[i + 1]] = b[:, bounds[i]:bounds[i + 1]]
        blocks.append(ab)
    design = np.concatenate(blocks)
    step = len(design) if chunk_rows is None else max(1, int(chunk_rows))
    y = np.concatenate([np.asarray(func(design[i:i + step]), dtype=float)
                        for i in range(0, len(design), step)])
    y = y.reshape(len(design), -1)
    if not np.isfinite(y).all():
        raise InputError("sobol_indices: func returned values that are not finite")
    y = y - 0.5 * (y[:n].mean(axis=0) + y[n:2 * n].mean(axis=0))
    f_a, f_b, f_ab = y[:n], y[n:2 * n], y[2 * n:].reshape(len(names), n, -1)
    first, total, var = _moments(np.ones((1, n)), f_a, f_b, f_ab)
    n_out = y.shape[1]
    lo = {k: np.full((len(names), n_out), np.nan) for k in ("S1", "ST")}
    hi = {k: np.full((len(names), n_out), np.nan) for k in ("S1", "ST")}
    if n_bootstrap:
        rows = rng.integers(0, n, size=(n_bootstrap, n))
        counts = np.zeros((n_bootstrap, n))
        np.add.at(counts, (np.repeat(np.arange(n_bootstrap), n), rows.ravel()), 1.0)
        bf, bt, _ = _moments(counts, f_a, f_b, f_ab)
        q = [(1 - level) / 2, (1 + level) / 2]
        for key, boot in (("S1", bf), ("ST", bt)):
            lo[key], hi[key] = np.quantile(boot, q, axis=0)  # NaN where V = 0
    if outputs is None:
        out_index = pd.RangeIndex(n_out, name="output")
    else:
        out_index = pd.Index(outputs)
        out_index.name = out_index.name or "output"
        if len(out_index) != n_out:
            raise InputError(f"argument 'outputs': {len(out_index)} labels for {n_out} outputs")
    index = pd.MultiIndex.from_product([out_index, names], names=[out_index.name, "factor"])
    table = pd.DataFrame({
        "S1": first[0].T.ravel(), "S1_lower": lo["S1"].T.ravel(), "S1_upper": hi["S1"].T.ravel(),
        "ST": total[0].T.ravel(), "ST_lower": lo["ST"].T.ravel(), "ST_upper": hi["ST"].T.ravel(),
    }, index=index)
    info = pd.DataFrame({"dims": dims, "description": [
        (factor_descriptions or {}).get(f, "") for f in names]},
        index=pd.Index(names, name="factor"))
    return SensitivityResult(table, pd.Series(var[0], index=out_index, name="variance"), info,
                             int(n), int(len(design)), recorded, float(level), int(n_bootstrap),
                             description=description, synthetic=synthetic)


# --------------------------------------------------------------------------------------------
# Scenario discovery
# --------------------------------------------------------------------------------------------
def _rule(names: Sequence[str], lower: np.ndarray, upper: np.ndarray, limits: np.ndarray,
          strict_lower: bool) -> tuple[str, int]:
    parts = []
    for j, name in enumerate(names):
        lo = lower[j] > limits[j, 0] + 1e-12 * max(1.0, abs(limits[j, 0]))
        up = upper[j] < limits[j, 1] - 1e-12 * max(1.0, abs(limits[j, 1]))
        op = ">" if strict_lower else ">="
        if lo and up:
            parts.append(f"{name} {op} {lower[j]:.3g} and {name} <= {upper[j]:.3g}")
        elif lo:
            parts.append(f"{name} {op} {lower[j]:.3g}")
        elif up:
            parts.append(f"{name} <= {upper[j]:.3g}")
    return (" and ".join(parts) or "(no restriction)"), sum(
        1 for j in range(len(names)) if lower[j] > limits[j, 0] or upper[j] < limits[j, 1])


def _box_row(names, lower, upper, limits, inside, y, strict_lower=False) -> dict:
    rule, k = _rule(names, lower, upper, limits, strict_lower)
    n_in, pos_in = int(inside.sum()), int((inside & y).sum())
    row = {"rule": rule, "coverage": pos_in / max(int(y.sum()), 1),
           "density": pos_in / n_in if n_in else np.nan, "mass": n_in / len(y),
           "n_cases": n_in, "n_target": pos_in, "n_restricted": k}
    for j, name in enumerate(names):
        row[f"{name}_lower"], row[f"{name}_upper"] = float(lower[j]), float(upper[j])
    return row


def _prim(x, y, names, limits, alpha, min_mass):
    m, d = x.shape
    lower, upper = limits[:, 0].astype(float).copy(), limits[:, 1].astype(float).copy()
    inside = np.ones(m, dtype=bool)
    rows = [_box_row(names, lower, upper, limits, inside, y)]
    while inside.sum() > min_mass * m:
        xi, yi = x[inside], y[inside]
        q = np.quantile(xi, [alpha, 1 - alpha], axis=0)
        keep = np.concatenate([xi >= q[0], xi <= q[1]], axis=1)  # (n_in, 2d)
        n_keep = keep.sum(axis=0)
        valid = (n_keep < len(xi)) & (n_keep >= max(1.0, min_mass * m))
        if not valid.any():
            break
        density = np.where(valid, (keep & yi[:, None]).sum(axis=0) / np.maximum(n_keep, 1),
                           -np.inf)
        best = int(np.argmax(density))
        j = best % d
        if best < d:
            lower[j] = q[0, j]
        else:
            upper[j] = q[1, j]
        inside[inside] = keep[:, best]
        rows.append(_box_row(names, lower, upper, limits, inside, y))
    return pd.DataFrame(rows).rename_axis("box")


def _tree(x, y, names, limits, max_depth, min_mass, seed):
    from sklearn.tree import DecisionTreeClassifier

    clf = DecisionTreeClassifier(max_depth=max_depth, random_state=seed,
                                 min_samples_leaf=max(1, math.ceil(min_mass * len(y))))
    clf.fit(x, y)
    t = clf.tree_
    leaf_of = clf.apply(x)
    rows, stack = [], [(0, limits[:, 0].astype(float).copy(), limits[:, 1].astype(float).copy())]
    while stack:
        node, lo, up = stack.pop()
        if t.children_left[node] == -1:
            inside = leaf_of == node
            if (inside & y).sum() * 2 > inside.sum():  # the leaf predicts the target
                rows.append(_box_row(names, lo, up, limits, inside, y, strict_lower=True))
            continue
        j, thr = int(t.feature[node]), float(t.threshold[node])
        lo_l, up_l = lo.copy(), up.copy()
        up_l[j] = min(up_l[j], thr)
        lo_r, up_r = lo.copy(), up.copy()
        lo_r[j] = max(lo_r[j], thr)
        stack += [(int(t.children_right[node]), lo_r, up_r),
                  (int(t.children_left[node]), lo_l, up_l)]
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(
        columns=["rule", "coverage", "density", "mass", "n_cases", "n_target", "n_restricted"])
    return frame.sort_values(["density", "coverage"], ascending=False,
                             ignore_index=True).rename_axis("box")


def discover_rules(x: np.ndarray, y: np.ndarray, names: Sequence[str], limits: np.ndarray, *,
                   method: str = "prim", alpha: float = 0.05, min_mass: float = 0.05,
                   min_density: float = 0.8, max_depth: int = 3, seed: int = 0
                   ) -> tuple[pd.DataFrame, int | None]:
    """Boxes in input space where ``y`` is true, with coverage and density.

    ``prim`` peels, at every step, the share ``alpha`` of the cases in the box from the low
    or high end of one input, choosing the peel that leaves the highest density, until the
    box holds ``min_mass`` of the cases (no pasting). Every step is a box; the chosen box is
    the one with the highest coverage among those with density ``>= min_density`` (else the
    densest). ``tree`` fits a decision tree (``max_depth``, leaves of at least ``min_mass``)
    and returns the leaves that predict the target, densest first; the chosen box is the first.

    Coverage is the share of all target cases inside the box, density the share of the cases
    in the box that are target cases, mass the share of all cases in the box.

    Returns
    -------
    boxes : pandas.DataFrame
        ``rule, coverage, density, mass, n_cases, n_target, n_restricted`` and the bounds
        ``<name>_lower`` / ``<name>_upper`` of every input.
    chosen : int or None
        Row of the chosen box (None if no box predicts the target).
    """
    method = check_option("method", method, ["prim", "tree"])
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=bool)
    if not (0 < alpha < 0.5) or not (0 < min_mass < 1) or not (0 <= min_density <= 1):
        raise InputError(f"discovery: need 0 < alpha < 0.5, 0 < min_mass < 1 and "
                         f"0 <= min_density <= 1; got alpha={alpha}, min_mass={min_mass}, "
                         f"min_density={min_density}")
    if method == "prim":
        boxes = _prim(x, y, list(names), np.asarray(limits, float), alpha, min_mass)
        good = boxes.index[boxes["density"] >= min_density]
        chosen = (int(boxes.loc[good, "coverage"].idxmax()) if len(good)
                  else int(boxes["density"].idxmax()))
    else:
        boxes = _tree(x, y, list(names), np.asarray(limits, float), max_depth, min_mass, seed)
        chosen = 0 if len(boxes) else None
    return boxes, chosen


@dataclass(frozen=True)
class DiscoveryResult:
    """Scenario discovery: which input ranges reach a target.

    Attributes
    ----------
    boxes : pandas.DataFrame
        One row per box (PRIM: every peeling step; tree: every leaf predicting the target):
        ``rule, coverage, density, mass, n_cases, n_target, n_restricted`` and the bounds.
    chosen : int or None
        Row of the chosen box.
    limits : pandas.DataFrame
        The sampled range of every input (``lower, upper``).

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.capacity import CapacityModel
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
    >>> found.rule.startswith('order_certainty >=')
    True
    >>> found.method
    'PRIM (peeling)'
    """

    boxes: pd.DataFrame
    chosen: int | None
    limits: pd.DataFrame
    target_description: str
    method: str
    n: int
    seed: object
    base_rate: float
    description: str = ""
    synthetic: bool = False
    version: str = field(default=__version__)

    @property
    def rule(self) -> str:
        """The chosen box as a readable rule."""
        return "(none)" if self.chosen is None else str(self.boxes.loc[self.chosen, "rule"])

    def to_frame(self) -> pd.DataFrame:
        """The boxes with a ``chosen`` flag (one row per box).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
        >>> boxes = found.to_frame()
        >>> int(boxes['chosen'].sum())
        1
        """
        out = self.boxes.copy()
        out["chosen"] = out.index == self.chosen
        out.attrs.update(method=self.method, n=self.n, seed=self.seed,
                         target=self.target_description, base_rate=self.base_rate)
        return out

    def summary(self) -> str:
        """Text: the target, the design and the chosen rule with its coverage and density.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
        >>> print(found.summary().splitlines()[0])
        Scenario discovery (PRIM (peeling)): aggregate uplift in 2030 >= 30.0%
        """
        lines = [f"Scenario discovery ({self.method}): {self.target_description}",
                 f"  {self.description}" if self.description else "",
                 f"  {self.n} sampled cases, seed {self.seed}; {self.base_rate:.1%} of all "
                 "cases reach the target", ""]
        if self.chosen is None:
            lines.append("No box predicts the target.")
        else:
            b = self.boxes.loc[self.chosen]
            lines += [f"Chosen box: {b['rule']}",
                      f"  coverage {b['coverage']:.1%} (share of target cases inside), "
                      f"density {b['density']:.1%} (share of cases inside that reach it), "
                      f"mass {b['mass']:.1%}"]
            others = self.boxes.drop(index=self.chosen)
            if self.method.startswith("tree") and len(others):
                lines += ["", "Other boxes:"] + [
                    f"  {r.rule} (coverage {r.coverage:.1%}, density {r.density:.1%})"
                    for r in others.itertuples()]
        if self.synthetic:
            lines.append("Computed on SYNTHETIC data.")
        return "\n".join(line for line in lines if line is not None)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        cols = ["rule", "coverage", "density", "mass", "n_cases"]
        return (f"<p><b>Scenario discovery ({html.escape(self.method)})</b>: "
                f"{html.escape(self.target_description)}; chosen: "
                f"<code>{html.escape(self.rule)}</code></p>"
                + self.to_frame()[cols + ["chosen"]].to_html(
                    float_format=lambda v: f"{v:.3f}"))

    def plot(self, ax=None):
        """Coverage against density of every box (the PRIM peeling trajectory), the chosen
        box marked (gid ``"chosen"``). Returns the Axes.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
        >>> ax = found.plot()
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('coverage', 'density')
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 4.0), layout="constrained")
        b = self.boxes
        sc = ax.scatter(b["coverage"], b["density"], c=b["n_restricted"], cmap="viridis",
                        s=18, label="boxes")
        if self.chosen is not None:
            ax.plot(b.loc[self.chosen, "coverage"], b.loc[self.chosen, "density"], "o",
                    ms=12, mfc="none", mec="C3", gid="chosen", label="chosen")
        ax.figure.colorbar(sc, ax=ax, label="inputs restricted")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_title(self.target_description + (" (synthetic data)" if self.synthetic
                                                else ""), fontsize="medium")
        ax.legend(loc="lower left", frameon=False, fontsize="small")
        return ax
