"""Global sensitivity analysis and scenario discovery, shared by the models (public through
:mod:`nldtib_forecast.analysis`).

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

from nldtib_forecast._errors import InputError, check_level
from nldtib_forecast._version import __version__
from nldtib_forecast.analysis.discovery import DiscoveryResult, discover_rules
from nldtib_forecast.labels import label

__all__ = ["sobol_indices", "sobol_estimates", "SensitivityResult", "discover_rules",
           "DiscoveryResult", "resolve_seed"]


def resolve_seed(seed: object) -> tuple[np.random.Generator, object]:
    """A generator and the value to record as the seed (fresh entropy for ``None``).

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        A non-negative integer, a generator (used as it is) or None (fresh entropy from the
        operating system).

    Returns
    -------
    rng : numpy.random.Generator
        The generator to draw from.
    recorded : int or str
        What a result records as its seed: the integer, the fresh entropy (an int, so that
        the run can be repeated) or ``"generator"``.

    Raises
    ------
    nldtib_forecast.InputError
        A negative integer, or a value that is neither an int, a Generator nor None.

    See Also
    --------
    sobol_indices : Records the seed it resolves this way.

    Examples
    --------
    >>> from nldtib_forecast.analysis import resolve_seed
    >>> rng, recorded = resolve_seed(7)
    >>> again, _ = resolve_seed(7)
    >>> recorded, rng.integers(10, size=3).tolist() == again.integers(10, size=3).tolist()
    (7, True)
    >>> isinstance(resolve_seed(None)[1], int)
    True
    """
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


def qmc_engine(kind: str, d: int, rng: np.random.Generator):
    """A scrambled ``"sobol"`` or ``"lhs"`` (Latin hypercube) engine of ``d`` dimensions."""
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
    first : numpy.ndarray
        First-order indices ``S_i``, shape ``(k,)`` or ``(k, K)``; NaN where the output has
        no variance.
    total : numpy.ndarray
        Total indices ``ST_i``, of the same shape.

    See Also
    --------
    sobol_indices : The design, the evaluations and bootstrap intervals around these
        estimators.

    Notes
    -----
    With ``f`` centred on the mean ``f0`` of ``f(A)`` and ``f(B)`` and ``V`` their variance,
    ``S_i = mean(f(B) (f(AB_i) - f(A))) / V`` and ``ST_i = mean((f(A) - f(AB_i))^2) / (2 V)``,
    as in :func:`scipy.stats.sobol_indices` (``method="saltelli_2010"``).

    References
    ----------
    .. [1] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
       (2010). Variance based sensitivity analysis of model output. Design and estimator for
       the total sensitivity index. *Computer Physics Communications*, 181(2), 259-270.
       doi:10.1016/j.cpc.2009.09.018
    .. [2] Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
       Physics Communications*, 117(1-2), 35-43. doi:10.1016/S0010-4655(98)00154-4

    Examples
    --------
    ``y = x1 + 2 x2`` on the unit square: the variances are 1/12 and 4/12, so
    ``S = ST = (0.2, 0.8)``:

    >>> import numpy as np
    >>> from nldtib_forecast.analysis import sobol_estimates
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.random((2, 100_000, 2))
    >>> def f(u):
    ...     return u[:, 0] + 2 * u[:, 1]
    >>> ab = np.stack([np.column_stack([b[:, 0], a[:, 1]]), np.column_stack([a[:, 0], b[:, 1]])])
    >>> first, total = sobol_estimates(f(a), f(b), np.stack([f(m) for m in ab]))
    >>> first.round(2).tolist(), total.round(2).tolist()
    ([0.2, 0.8], [0.2, 0.8])
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

    Returned by :func:`~nldtib_forecast.analysis.sobol_indices` and
    :meth:`CapacityModel.sensitivity
    <nldtib_forecast.models.capacity.CapacityModel.sensitivity>` (read-only).

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
    n : int
        Base sample size (rows of each of the matrices ``A`` and ``B``).
    n_evaluations : int
        Model evaluations, ``n (k + 2)`` for ``k`` factors.
    seed : object
        The seed recorded (an int, the fresh entropy of ``seed=None``, or ``"generator"``).
    level : float
        Level of the bootstrap percentile intervals.
    n_bootstrap : int
        Bootstrap resamples of the rows (0: no intervals).
    output_name : str
        Name of the outputs' index (e.g. ``"year"``).
    description : str
        What the output is (e.g. ``"aggregate uplift"``).
    synthetic : bool
        Whether the model was calibrated on synthetic data.
    method : str
        The design and the estimators, in words.
    version : str
        Version of nldtib_forecast that computed the result.

    See Also
    --------
    nldtib_forecast.analysis.sobol_indices : Computes it for any vectorised function.

    References
    ----------
    .. [1] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
       (2010). Variance based sensitivity analysis of model output. Design and estimator for
       the total sensitivity index. *Computer Physics Communications*, 181(2), 259-270.
       doi:10.1016/j.cpc.2009.09.018
    .. [2] Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
       Physics Communications*, 117(1-2), 35-43. doi:10.1016/S0010-4655(98)00154-4

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.capacity import CapacityModel
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
    >>> res.n, res.n_evaluations
    (64, 576)
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

        Parameters
        ----------
        output : object, optional
            Label of the output (e.g. a year); default the last output.

        Returns
        -------
        pandas.DataFrame
            One row per factor, sorted by decreasing ``ST``: ``S1, S1_lower, S1_upper, ST,
            ST_lower, ST_upper`` (fractions of the output's variance).

        Raises
        ------
        nldtib_forecast.InputError
            If ``output`` is not one of :attr:`outputs`.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> res = model.sensitivity([2030], n=2**6, seed=1, n_bootstrap=20)
        >>> res.table().columns.tolist()
        ['S1', 'S1_lower', 'S1_upper', 'ST', 'ST_lower', 'ST_upper']
        >>> res.table().index[0]
        'procurement_lead_time_months'
        """
        out = self.indices.xs(self._pick(output), level=0)
        return out.sort_values("ST", ascending=False, na_position="last")

    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: columns ``<output>, factor, index, statistic, value``.

        Returns
        -------
        pandas.DataFrame
            One row per output, factor, index (``S1`` or ``ST``) and statistic
            (``estimate``, ``lower``, ``upper``); the first column is named after the
            outputs (e.g. ``year``). ``attrs`` holds the level, ``n``, the seed and the
            method.

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

        Parameters
        ----------
        output : object, optional
            Label of the output (e.g. a year); default the last output.

        Returns
        -------
        str
            Several lines: what the output is, the method, ``n``, evaluations, seed and
            intervals, and one line per factor with its first-order and total index and their
            intervals.

        Raises
        ------
        nldtib_forecast.InputError
            If ``output`` is not one of :attr:`outputs`.

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
        """Tornado chart of one output: total and first-order indices with their intervals.

        Factors are sorted by total index; the bars have gids ``"ST-<factor>"`` and
        ``"S1-<factor>"``.

        Parameters
        ----------
        output : object, optional
            Label of the output (e.g. a year); default the last output.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new figure, its height growing with the number of
            factors.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on (share of the output variance on x, one row per factor).

        Raises
        ------
        nldtib_forecast.InputError
            If ``output`` is not one of :attr:`outputs`.

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
        ax.set_yticks(y, [label(str(name), kind="parameter", strict=False)
                          for name in tab.index])
        ax.set_xlim(0, max(1.0, float(np.nanmax(tab[["ST_upper", "S1_upper"]].to_numpy(),
                                                 initial=0.0))))
        ax.set_xlabel("share of output variance")
        title = f"{self.description or 'output'}: {key}"
        ax.set_title(title[:1].upper() + title[1:]
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
    description : str, optional
        What the output is, for the result's summary and plot (e.g. ``"aggregate uplift"``).
    factor_descriptions : mapping of str to str, optional
        The range or distribution of each factor, for the result's ``factors`` table.
    synthetic : bool, default False
        Whether the model behind ``func`` was calibrated on synthetic data (results say so).

    Returns
    -------
    SensitivityResult
        First-order and total indices of every output and factor with percentile
        intervals, the output variances and the design.

    Raises
    ------
    nldtib_forecast.InputError
        Factor names that are not unique (or a group of no inputs), ``n`` not a power of 2,
        a bad ``seed`` or ``level``, ``func`` returning values that are not finite, or
        ``outputs`` of the wrong length.

    See Also
    --------
    sobol_estimates : The estimators from given evaluations.
    nldtib_forecast.models.capacity.CapacityModel.sensitivity : The indices of the capacity
        model's uplift.
    scipy.stats.sobol_indices : SciPy's implementation of the same estimators.

    Notes
    -----
    The points are a scrambled Sobol' sequence of ``2 D`` dimensions split into ``A`` and
    ``B``; ``AB_i`` is ``A`` with the columns of factor ``i`` from ``B`` (the radial design
    of Saltelli et al., 2010). The outputs are centred on the mean of ``f(A)`` and ``f(B)``
    (Sobol' and Levitan, 1999). The intervals are percentiles of the indices over bootstrap
    resamples of the ``n`` rows.

    References
    ----------
    .. [1] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S.
       (2010). Variance based sensitivity analysis of model output. Design and estimator for
       the total sensitivity index. *Computer Physics Communications*, 181(2), 259-270.
       doi:10.1016/j.cpc.2009.09.018
    .. [2] Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer
       Physics Communications*, 117(1-2), 35-43. doi:10.1016/S0010-4655(98)00154-4
    .. [3] Sobol', I. M. and Levitan, Yu. L. (1999). On the use of variance reducing
       multipliers in Monte Carlo computations of a global sensitivity index. *Computer
       Physics Communications*, 117(1-2), 52-61. doi:10.1016/S0010-4655(98)00156-8
    .. [4] Ishigami, T. and Homma, T. (1990). An importance quantification technique in
       uncertainty analysis for computer models. *Proceedings of the First International
       Symposium on Uncertainty Modeling and Analysis*, 398-403.
       doi:10.1109/ISUMA.1990.151285

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
    level = check_level(level)
    rng, recorded = resolve_seed(seed)
    d = sum(dims)
    base = qmc_engine("sobol", 2 * d, rng).random_base2(int(math.log2(n)))
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
