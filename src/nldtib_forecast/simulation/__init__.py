"""The chunked, seeded, parallel Monte Carlo engine shared by the scenario models.

:func:`simulate` runs a vectorised *model function* over Monte Carlo draws under several
scenarios and returns a :class:`~nldtib_forecast.results.ScenarioResult`.

Blocks, chunks and seeds
------------------------
The draws ``0 .. n_draws-1`` are cut into *blocks* of ``block_size`` draws (the last block may
be shorter). Block ``b`` gets its own random number generator,
``numpy.random.default_rng(SeedSequence(entropy, spawn_key=(b,)))`` -- the ``b``-th child of
the root :class:`numpy.random.SeedSequence` -- and the model function is called once per block
with all scenarios. Blocks are grouped into *chunks* (``chunk_size`` draws, rounded up to whole
blocks); one chunk is one task for joblib. Because the random numbers of a block depend only on
the seed and the block index, never on which chunk or worker runs it, results are bit-identical
for any ``n_jobs`` and ``chunk_size`` (same seed, ``block_size`` and numpy version).

Memory
------
A model call works on one block: its firm-level arrays are at most
``n_scenarios x block_size x n_firms x n_years``. The model reduces firms to aggregates inside
the call and returns, per output variable, an array ``(n_scenarios, n, n_years)``. The engine
streams the chunk results (``joblib.Parallel(return_as="generator")``) into preallocated
aggregate arrays, so the only storage growing with ``n_draws`` is
``n_variables x n_scenarios x n_draws x n_years`` float64 values (e.g. 5 x 6 x 2,000 x 11 =
660,000 values, 5.3 MB), which exact quantiles and draw-by-draw differences need.
Before anything runs, :func:`simulate` estimates that storage (and the plan of blocks) and
raises :class:`~nldtib_forecast.InputError` when it exceeds the memory available on the
machine (``MemAvailable`` of ``/proc/meminfo`` or the container's limit, else the physical
memory), instead of failing later with a :class:`MemoryError`.

Parallelism
-----------
Chunks are dispatched through :class:`joblib.Parallel`; with ``n_jobs=None`` the active
``joblib.parallel_config`` decides (sequential by default), so
``with joblib.parallel_config(backend="dask"): simulate(..., n_jobs=-1)`` runs the chunks on a
dask cluster (``pip install "nldtib-forecast[distributed]"``). ``n_jobs`` is ``-1`` (all
cores) or an integer from 1 to four times the number of CPU cores (``joblib.cpu_count()``,
at most 256); the command line's ``--jobs`` takes the same values. A run never starts more
workers than it has chunks: one block runs in the calling process.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from nldtib_forecast._defaults import DEFAULT_N_DRAWS as _N_DRAWS
from nldtib_forecast._defaults import DEFAULT_SEED as _SEED
from nldtib_forecast._errors import (  # noqa: F401  (the n_jobs rule, used here too)
    JOBS_PER_CORE,
    MAX_JOBS,
    InputError,
    check_n_jobs,
    check_option,
    max_jobs,
)
from nldtib_forecast.scenarios import (
    Scenario,
    as_scenario_dict,
    builtin,
    driver_names,
    get_driver,
)
from nldtib_forecast.scenarios.toml_io import check_years
from nldtib_forecast.simulation.results import ResultMetadata, ScenarioResult

__all__ = ["simulate", "SimulationContext", "DEFAULT_BLOCK_SIZE", "DEFAULT_N_DRAWS",
           "DEFAULT_SEED", "block_rng", "single_threaded_blas"]

#: Draws per random-number block (and per model call) unless ``block_size`` is given.
DEFAULT_BLOCK_SIZE = 100
#: Monte Carlo draws per scenario of every model's ``simulate`` and of the command line, unless
#: given (Monte Carlo error of a 90% interval bound: about 2% of the interval's width for a
#: normal outcome; see the page on reading the uncertainty).
DEFAULT_N_DRAWS = _N_DRAWS
#: Seed of every model's ``simulate`` and of the command line, unless given: the same call gives
#: the same numbers. Pass ``seed=None`` for fresh entropy (recorded in the result's metadata).
DEFAULT_SEED = _SEED


@dataclass(frozen=True)
class SimulationContext:
    """What the model function receives for one block of draws.

    Attributes
    ----------
    scenarios : tuple of str
        Scenario names (first axis of the driver arrays and of the outputs).
    years : numpy.ndarray
        The years (int64, read-only), last axis.
    drivers : mapping of str to numpy.ndarray
        Driver name to its values, shape ``(n_scenarios, n_years)`` (read-only).
    n : int
        Draws in this block (``<= block_size``).
    rng : numpy.random.Generator
        The block's generator. Draw shared shocks once and apply them to every scenario, so
        that scenarios are compared on common random numbers.
    block : int
        Block index; draws ``first_draw .. first_draw + n - 1`` of the run.
    first_draw : int
        Index of the block's first draw.

    See Also
    --------
    simulate : Builds one context per block and calls the model with it.
    block_rng : The block's generator.

    Examples
    --------
    >>> seen = []
    >>> def model(ctx):
    ...     seen.append((ctx.scenarios, ctx.years.tolist(), ctx.n))
    ...     return {'x': ctx.driver('order_certainty') + 0.0 * ctx.rng.random((1, ctx.n, 1))}
    >>> result = simulate(model, ['current_conditions'], range(2026, 2029), n_draws=10, seed=1)
    >>> seen
    [(('current_conditions',), [2026, 2027, 2028], 10)]
    """

    scenarios: tuple[str, ...]
    years: np.ndarray
    drivers: Mapping[str, np.ndarray]
    n: int
    rng: np.random.Generator
    block: int
    first_draw: int

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios."""
        return len(self.scenarios)

    @property
    def n_years(self) -> int:
        """Number of years."""
        return len(self.years)

    def driver(self, name: str, extra_axes: int = 0) -> np.ndarray:
        """Driver values shaped ``(n_scenarios, 1, [1] * extra_axes, n_years)``.

        With ``extra_axes=0`` the array broadcasts against outputs ``(n_scenarios, n, years)``;
        with ``extra_axes=1`` against firm-level arrays ``(n_scenarios, n, n_firms, years)``.

        Parameters
        ----------
        name : str
            A driver passed to the model (see ``drivers`` of :func:`simulate`).
        extra_axes : int, default 0
            Number of length-1 axes inserted between the draw axis and the year axis.

        Returns
        -------
        numpy.ndarray
            Read-only view of the driver's values (in its unit), shape
            ``(n_scenarios, 1, [1] * extra_axes, n_years)``.

        Raises
        ------
        nldtib_forecast.InputError
            If the driver was not passed to the model (the message suggests the nearest
            one).

        Examples
        --------
        >>> def model(ctx):
        ...     oc = ctx.driver('order_certainty')  # (scenarios, 1, years)
        ...     assert oc.shape == (len(ctx.scenarios), 1, len(ctx.years))
        ...     return {'order_certainty': oc + 0.0 * ctx.rng.random((1, ctx.n, 1))}
        >>> result = simulate(model, ['current_conditions', 'orders_only'], [2026, 2030],
        ...                   n_draws=5, seed=1)
        >>> result.summary_frame('order_certainty', year=2030)['median'].tolist()
        [0.3, 0.65]
        """
        values = self.drivers[check_option("driver", name, list(self.drivers))]
        return values.reshape((values.shape[0], 1) + (1,) * int(extra_axes) + values.shape[1:])


def block_rng(entropy: int | Sequence[int], block: int,
              spawn_key: Sequence[int] = ()) -> np.random.Generator:
    """The random number generator of block ``block``.

    ``numpy.random.default_rng(SeedSequence(entropy, spawn_key=spawn_key + (block,)))``: the
    ``block``-th child of the root seed sequence (what ``SeedSequence(entropy).spawn`` gives),
    built directly so that any worker can make it without the others.

    Parameters
    ----------
    entropy : int or sequence of int
        Entropy of the root :class:`numpy.random.SeedSequence` (the recorded seed of a run).
    block : int
        Block index (0-based).
    spawn_key : sequence of int, default ()
        Spawn key of the root seed sequence, when the root is itself a child.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator, the same in any process.

    See Also
    --------
    simulate : Gives block ``b`` this generator, whatever ``n_jobs`` and ``chunk_size``.

    Examples
    --------
    >>> float(block_rng(42, 0).standard_normal())  # the same in any process, any n_jobs
    0.418...
    """
    return np.random.default_rng(
        np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key) + (int(block),)))


def _root(seed: object) -> tuple[int | tuple, tuple[int, ...]]:
    if seed is None:
        return np.random.SeedSequence().entropy, ()  # type: ignore[return-value]
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise InputError(f"argument 'seed': must be >= 0, got {seed}")
        return int(seed), ()
    if isinstance(seed, np.random.SeedSequence):
        entropy = seed.entropy
        entropy = entropy if isinstance(entropy, int) else tuple(int(e) for e in entropy or ())
        return entropy, tuple(seed.spawn_key)
    if isinstance(seed, np.random.Generator):
        hi, lo = seed.integers(0, 2**64, size=2, dtype=np.uint64)
        return (int(hi) << 64) | int(lo), ()
    raise InputError(f"argument 'seed': expected None, a non-negative int, a "
                     f"numpy.random.SeedSequence or a numpy.random.Generator, got "
                     f"{type(seed).__name__}")


def _positive(name: str, value: object, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise InputError(f"argument '{name}': must be a positive int, got {value!r}")
    return int(value)



# --------------------------------------------------------------------------- memory check
#: Bytes per block of the plan of a run (a tuple of three ints in a list, and its chunk).
_PLAN_BYTES_PER_BLOCK = 256


def estimate_memory(n_draws: int, n_scenarios: int, n_years: int, n_variables: int = 1, *,
                     block_size: int = DEFAULT_BLOCK_SIZE, copies: float = 1.0) -> int:
    """Bytes a run needs: ``copies`` x the float64 draws of every variable (``n_variables x
    n_scenarios x n_draws x n_years``), plus the plan of blocks."""
    values = int(n_variables) * int(n_scenarios) * int(n_draws) * int(n_years)
    blocks = math.ceil(int(n_draws) / max(1, int(block_size)))
    return int(math.ceil(8 * values * float(copies))) + _PLAN_BYTES_PER_BLOCK * blocks


def _read_int(path: str) -> int | None:
    try:
        with open(path, encoding="ascii") as fh:
            text = fh.read().strip()
        return int(text)
    except (OSError, ValueError):
        return None


def _cgroup_free() -> int | None:
    """Memory left under the container's (cgroup v2 or v1) limit, if it has one."""
    for limit_file, usage_file in (
            ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
            ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
             "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        limit = _read_int(limit_file)  # "max" (no limit) does not parse
        if limit is not None and 0 < limit < 2**60:
            return max(0, limit - (_read_int(usage_file) or 0))
    return None


def _windows_available() -> int | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # also tells the type checker that windll exists below
        return None
    import ctypes

    class _Status(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = _Status()
    status.dwLength = ctypes.sizeof(_Status)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return None
    return int(status.ullAvailPhys)


def _available_memory() -> int | None:
    """Bytes of memory a run may use, or None when unknown: ``MemAvailable`` of
    ``/proc/meminfo`` (else the free or, failing that, total physical pages), and no more than
    what the container's memory limit leaves."""
    found: int | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        found = None
    if found is None and hasattr(os, "sysconf"):
        for pages in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
            try:
                n, size = os.sysconf(pages), os.sysconf("SC_PAGE_SIZE")
            except (ValueError, OSError, AttributeError):
                continue
            if n > 0 and size > 0:
                found = int(n) * int(size)
                break
    if found is None and os.name == "nt":  # pragma: no cover - Windows only
        try:
            found = _windows_available()
        except Exception:
            found = None
    container = _cgroup_free()
    if container is not None:
        found = container if found is None else min(found, container)
    return found


def _format_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} EB"  # pragma: no cover


def check_memory(needed: int, what: str, advice: str = "use fewer draws, scenarios or "
                  "years") -> None:
    """An :class:`InputError` when ``needed`` bytes exceed the available memory."""
    limit = _available_memory()
    if limit is not None and needed > limit:
        raise InputError(f"{what} needs about {_format_bytes(needed)} of memory, more than the "
                         f"{_format_bytes(limit)} available on this machine; {advice}")


def _plan(n_draws: int, block_size: int, chunk_size: int | None, n_jobs: int | None
          ) -> list[list[tuple[int, int, int]]]:
    """Chunks as lists of blocks ``(block, first_draw, stop)``."""
    n_blocks = math.ceil(n_draws / block_size)
    blocks = [(b, b * block_size, min((b + 1) * block_size, n_draws)) for b in range(n_blocks)]
    if chunk_size is None:
        from joblib import effective_n_jobs

        jobs = effective_n_jobs(n_jobs)
        per_chunk = 1 if jobs == 1 else max(1, math.ceil(n_blocks / (4 * jobs)))
    else:
        per_chunk = math.ceil(chunk_size / block_size)
    return [blocks[i:i + per_chunk] for i in range(0, n_blocks, per_chunk)]


def _check_output(out: object, ctx: SimulationContext, variables: Sequence[str] | None
                  ) -> dict[str, np.ndarray]:
    where = f"model output of block {ctx.block}"
    if not isinstance(out, Mapping) or not out:
        raise InputError(f"{where}: the model must return a non-empty mapping of variable name "
                         f"to array, got {type(out).__name__}")
    if variables is not None and list(out) != list(variables):
        raise InputError(f"{where}: variables {list(out)} differ from those of earlier blocks "
                         f"{list(variables)}")
    shape = (ctx.n_scenarios, ctx.n, ctx.n_years)
    checked = {}
    for var, values in out.items():
        if not isinstance(var, str) or not var:
            raise InputError(f"{where}: variable names must be non-empty strings, got {var!r}")
        try:
            arr = np.broadcast_to(np.asarray(values, dtype="float64"), shape)
        except (TypeError, ValueError):
            got = np.shape(values)
            raise InputError(f"{where}: variable {var!r} has shape {got}, which does not "
                             f"broadcast to (n_scenarios, n, n_years) = {shape}") from None
        bad = ~np.isfinite(arr)
        if bad.any():
            s, d, t = (int(i[0]) for i in np.nonzero(bad))
            raise InputError(f"{where}: variable {var!r} is not finite (first: scenario "
                             f"{ctx.scenarios[s]!r}, draw {ctx.first_draw + d}, year "
                             f"{int(ctx.years[t])})")
        checked[var] = arr
    return checked


_BLAS_CONTROLLER: list = []


def single_threaded_blas():
    """Context manager limiting BLAS to one thread while a model runs.

    joblib's worker processes run BLAS with fewer threads than the parent process, and a
    multi-threaded matrix product may sum in a different order, so results would differ in the
    last bits between ``n_jobs=1`` and ``n_jobs=2``. Every model call of :func:`simulate` runs
    under this limit, which keeps results bit-identical for any ``n_jobs`` (the parallelism is
    over chunks of draws instead).

    Returns
    -------
    contextlib.AbstractContextManager
        threadpoolctl's limiter: it sets the BLAS thread pools to one thread on entry and
        restores them on exit.

    See Also
    --------
    simulate : Runs every model call under this limit.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((3, 3))
    >>> with single_threaded_blas():
    ...     b = a @ a
    >>> b[0].tolist()
    [3.0, 3.0, 3.0]
    """
    if not _BLAS_CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _BLAS_CONTROLLER.append(ThreadpoolController())
    return _BLAS_CONTROLLER[0].limit(limits=1, user_api="blas")


def _run_chunk(model: Callable, names: tuple[str, ...], years: np.ndarray,
               drivers: Mapping[str, np.ndarray], entropy: int | tuple,
               spawn_key: tuple[int, ...], blocks: list[tuple[int, int, int]]
               ) -> dict[str, np.ndarray]:
    """Run the model on the blocks of one chunk; ``{variable: (S, chunk draws, T)}``."""
    parts: dict[str, list[np.ndarray]] = {}
    drivers = MappingProxyType(drivers)  # passed as a dict: mappingproxy does not pickle
    for block, start, stop in blocks:
        ctx = SimulationContext(names, years, drivers, stop - start,
                                block_rng(entropy, block, spawn_key), block, start)
        with single_threaded_blas():
            result = model(ctx)
        out = _check_output(result, ctx, list(parts) if parts else None)
        for var, arr in out.items():
            parts.setdefault(var, []).append(arr)
    return {v: np.concatenate(p, axis=1) for v, p in parts.items()}


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _progress_bar(progress: bool | None, total: int):
    if progress is not None and not isinstance(progress, bool):
        raise InputError(f"argument 'progress': expected None, True or False, got {progress!r}")
    from tqdm import tqdm as std_tqdm

    notebook = _in_notebook()
    enabled = progress if progress is not None else (notebook or sys.stderr.isatty())
    options = dict(total=total, unit="draw", desc="simulate", disable=not enabled,
                   delay=0.0 if progress else 1.0, leave=bool(progress))
    if enabled and notebook:
        try:
            from tqdm.auto import tqdm

            return tqdm(**options)
        except ImportError:  # no ipywidgets: fall back to the text bar
            pass
    return std_tqdm(file=sys.stderr, **options)


def _scenario_dict(scenarios: object) -> dict[str, Scenario]:
    if isinstance(scenarios, (str, Scenario)):
        scenarios = [scenarios]
    if not isinstance(scenarios, Iterable):
        raise InputError(f"argument 'scenarios': expected Scenario objects or built-in names, "
                         f"got {type(scenarios).__name__}")
    if isinstance(scenarios, Mapping):
        out = as_scenario_dict(scenarios)
    else:
        known = None
        items = []
        for s in scenarios:
            if isinstance(s, str):
                known = builtin() if known is None else known
                s = known[check_option("scenario", s, list(known))]
            items.append(s)
        out = as_scenario_dict(items)
    if not out:
        raise InputError("argument 'scenarios': at least one scenario is needed")
    return out


def simulate(
    model: Callable[[SimulationContext], Mapping[str, object]],
    scenarios: Scenario | str | Sequence[Scenario | str] | Mapping[str, Scenario],
    years: Sequence[int],
    n_draws: int = DEFAULT_N_DRAWS,
    *,
    seed: int | np.random.SeedSequence | np.random.Generator | None = DEFAULT_SEED,
    n_jobs: int | None = None,
    chunk_size: int | None = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    progress: bool | None = None,
    drivers: Sequence[str] | None = None,
    method: str = "Monte Carlo simulation",
    units: Mapping[str, str] | None = None,
    interval_contents: str = "",
    data_hash: str | None = None,
    synthetic: bool = False,
    created_by: str = "nldtib_forecast.simulation.simulate",
    extra: Mapping[str, object] | None = None,
) -> ScenarioResult:
    """Run a vectorised model function over draws under several scenarios.

    Parameters
    ----------
    model : callable
        ``model(ctx) -> {variable: array}`` where ``ctx`` is a :class:`SimulationContext`
        and each array broadcasts to ``(ctx.n_scenarios, ctx.n, ctx.n_years)``. Firm-level
        work happens inside the call; only aggregates are returned. The model must use only
        ``ctx.rng`` for randomness, and must be picklable when ``n_jobs != 1`` (closures and
        :func:`functools.partial` are fine with joblib's default backend).
    scenarios : Scenario, str, sequence or mapping
        The scenarios; strings name built-in scenarios (:func:`~nldtib_forecast.scenarios.builtin`).
        Names must be unique.
    years : sequence of int
        Simulated years, strictly increasing.
    n_draws : int, default 1000 (:data:`DEFAULT_N_DRAWS`)
        Monte Carlo draws per scenario.
    seed : int, SeedSequence, Generator or None, default 0 (:data:`DEFAULT_SEED`)
        Root seed: the same seed gives the same numbers. ``None`` draws fresh entropy,
        recorded in ``result.metadata.seed`` so that the run can be repeated exactly. A
        Generator is advanced by one draw.
    n_jobs : int or None
        joblib workers: ``-1`` for all cores, or 1 to four times the number of CPU cores (at
        most 256); ``None`` defers to ``joblib.parallel_config`` (sequential by default). No
        more workers start than there are chunks.
    chunk_size : int, optional
        Draws per joblib task, rounded up to whole blocks. Default: one block per task when
        sequential, otherwise about four tasks per worker. Does not change the results.
    block_size : int, default 100
        Draws per random-number block and per model call; bounds the model's working memory.
        Part of the method: changing it changes the draws.
    progress : bool or None
        Progress bar (tqdm): ``None`` shows it in notebooks and terminals for runs longer
        than a second, ``False`` never, ``True`` always.
    drivers : sequence of str, optional
        Drivers passed to the model (default: every registered driver).
    method : str, default "Monte Carlo simulation"
        The model and method, recorded in the result's metadata.
    units : mapping of str to str, optional
        Unit of every output variable (``"EUR"``, ``"fraction"``, ...); the variables named
        here also count in the memory check.
    interval_contents : str, default ""
        What the spread of the draws includes and what it does not.
    data_hash : str, optional
        Content hash of the model's input data (:func:`~nldtib_forecast.results.data_hash`).
    synthetic : bool, default False
        Whether the input data are synthetic.
    created_by : str, default "nldtib_forecast.simulation.simulate"
        The function that made the result.
    extra : mapping, optional
        Model-specific metadata.

    Returns
    -------
    ScenarioResult
        Draws of every variable, dims ``(scenario, draw, year)``.

    Raises
    ------
    nldtib_forecast.InputError
        Invalid arguments, a model output of the wrong shape or not finite, or a run whose
        draws (``n_draws x scenarios x years x`` the variables in ``units``, 8 bytes each)
        would not fit in the available memory.

    See Also
    --------
    SimulationContext : What the model receives.
    nldtib_forecast.results.ScenarioResult : What it returns.
    nldtib_forecast.scenarios.Scenario : The scenarios.

    Notes
    -----
    Draws are split into blocks of ``block_size``; block ``b`` draws its random numbers from
    :func:`block_rng` ``(entropy, b)``, and every scenario of a block uses the same
    generator, so scenarios are compared on common random numbers and the results do not
    depend on ``n_jobs`` or ``chunk_size``.

    Examples
    --------
    >>> import numpy as np
    >>> from nldtib_forecast.simulation import simulate
    >>> def model(ctx):
    ...     shock = ctx.rng.normal(0.0, 0.05, size=(1, ctx.n, ctx.n_years))  # common shocks
    ...     growth = 0.5 * ctx.driver("order_certainty") + shock
    ...     return {"capacity_growth": growth}
    >>> result = simulate(model, ["current_conditions", "orders_only"], range(2026, 2031),
    ...                   n_draws=400, seed=1)
    >>> result.summary_frame("capacity_growth", year=2030)["median"].round(3)
    scenario            year
    current_conditions  2030    0.146
    orders_only         2030    0.321
    Name: median, dtype: float64
    >>> same = simulate(model, ["current_conditions", "orders_only"], range(2026, 2031),
    ...                 n_draws=400, seed=1, chunk_size=300, n_jobs=2)
    >>> same.equals(result)
    True
    """
    if not callable(model):
        raise InputError(f"argument 'model': must be callable, got {type(model).__name__}")
    scen = _scenario_dict(scenarios)
    yrs = check_years(years)
    if np.any(np.diff(yrs) <= 0):
        raise InputError(f"argument 'years': must be strictly increasing, got {yrs.tolist()}")
    n_draws = _positive("n_draws", n_draws)  # type: ignore[assignment]
    block_size = _positive("block_size", block_size)  # type: ignore[assignment]
    chunk_size = _positive("chunk_size", chunk_size, allow_none=True)
    n_jobs = check_n_jobs(n_jobs)
    names = list(driver_names()) if drivers is None else [get_driver(d).name for d in drivers]
    # the draws of every variable (at least those named in ``units``) are kept: refuse a run
    # that cannot fit before planning it
    check_memory(estimate_memory(n_draws, len(scen), len(yrs), max(1, len(units or {})),
                                   block_size=block_size),
                  f"argument 'n_draws': {n_draws:,} draws of {len(scen)} scenario(s) and "
                  f"{len(yrs)} year(s)")
    entropy, spawn_key = _root(seed)

    years_ro = yrs.copy()
    years_ro.flags.writeable = False
    arrays = {}
    for d in names:
        arr = np.stack([s.path(d, yrs).to_numpy() for s in scen.values()])
        arr.flags.writeable = False
        arrays[d] = arr
    driver_arrays = arrays
    labels = tuple(scen)
    chunks = _plan(n_draws, block_size, chunk_size, n_jobs)

    from joblib import Parallel, delayed

    tasks = (delayed(_run_chunk)(model, labels, years_ro, driver_arrays, entropy, spawn_key, c)
             for c in chunks)
    workers = n_jobs
    if n_jobs is not None:  # never more workers than chunks: one block, one process
        from joblib import effective_n_jobs

        workers = max(1, min(effective_n_jobs(n_jobs), len(chunks)))
    try:
        runner = Parallel(n_jobs=workers, return_as="generator")
    except ValueError:  # a backend without generator support (e.g. multiprocessing)
        runner = Parallel(n_jobs=workers)
    store: dict[str, np.ndarray] = {}
    with _progress_bar(progress, n_draws) as bar:
        for chunk, out in zip(chunks, runner(tasks), strict=True):
            start, stop = chunk[0][1], chunk[-1][2]
            if not store:
                store = {v: np.empty((len(labels), n_draws, len(yrs))) for v in out}
            elif list(out) != list(store):
                raise InputError(f"model output of block {chunk[0][0]}: variables {list(out)} "
                                 f"differ from those of earlier blocks {list(store)}")
            for var, arr in out.items():
                store[var][:, start:stop] = arr
            bar.update(stop - start)

    metadata = ResultMetadata(
        n_draws=n_draws, seed=entropy, method=method, data_hash=data_hash,
        interval_contents=interval_contents, units=dict(units or {}), synthetic=bool(synthetic),
        created_by=created_by, block_size=block_size,
        extra={**(extra or {}), **({"seed_spawn_key": spawn_key} if spawn_key else {})})
    return ScenarioResult(store, labels, yrs.tolist(), metadata, scen, _copy=False)


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
