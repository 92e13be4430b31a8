"""The outlook: NLDTIB D&S turnover, its export share and the labour it needs, under scenarios.

:class:`Outlook` joins the sub-models into one Monte Carlo simulation per scenario, year and
draw:

* **demand** from the export share model (:mod:`~nldtib_forecast.models.trade`): domestic
  demand (Dutch materiel spending x domestic ratio) and export demand (European procurement
  market x Dutch market share), in current prices, deflated to base-year prices by the
  outlook's D&S price index;
* **capacity** from the capacity model (:mod:`~nldtib_forecast.models.capacity`): base-year
  D&S turnover x (1 + uplift), per segment (NLD area by default);
* **realised volume** ``min(demand, capacity)`` per segment, summed; capacity utilisation and
  unmet demand (the capacity gap); a shortage is shared between domestic and export customers
  as the ``domestic_priority`` driver says;
* **prices**: unit-cost inflation (driver ``cost_inflation``) passed on at the pass-through
  coefficient estimated from the survey (:mod:`~nldtib_forecast.models.pass_through`), plus an
  optional response to capacity pressure; nominal turnover = price x volume, and its growth
  split exactly into price, volume and interaction;
* **labour**: the D&S FTE the realised volume requires at the base-year productivity growing
  at the capacity model's productivity prior.

:func:`summary_table` gives the median and an interval of the key variables per scenario and
year; :meth:`Outlook.history` compares the base year with the published figures.
See :doc:`/methodology/outlook`.

Importing this module registers the drivers ``cost_inflation``, ``capacity_pressure_markup``
and ``domestic_priority`` (model ``"outlook"``) and the built-in scenarios
``eu_surge_current`` and ``nl_35_improved``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_level
from nldtib_forecast._format import eur
from nldtib_forecast.labels import check_language
from nldtib_forecast.models.capacity import (
    BLOCK_SIZE,
    DEFAULT_ASSUMPTIONS,
    PRIORS,
    CapacityModel,
    Prior,
)
from nldtib_forecast.models.capacity.kernel import DRIVERS as CAPACITY_DRIVERS
from nldtib_forecast.models.outlook.drivers import (
    OUTLOOK_DRIVERS,
    OUTLOOK_SCENARIOS,
    outlook_builtins,
)
from nldtib_forecast.models.outlook.kernel import OUTPUT_UNITS, OutlookKernel
from nldtib_forecast.models.trade import ExportShareModel
from nldtib_forecast.models.trade.drivers import TRADE_DRIVERS
from nldtib_forecast.scenarios import Scenario, get_driver
from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED
from nldtib_forecast.simulation.results import (
    GRID_SEPARATOR,
    ScenarioResult,
    data_hash,
    interval_tails,
)

__all__ = ["Outlook", "summary_table", "OUTPUT_UNITS", "OUTLOOK_SCENARIOS", "KEY_VARIABLES",
           "SEGMENTS", "outlook_builtins", "grid_scenarios", "binding_constraints", "hindcast",
           "BENCHMARKS"]

#: Segment columns for ``min(demand, capacity)``; ``"none"`` works on the aggregate.
SEGMENTS: tuple[str, ...] = ("nld_area", "size_class", "domain", "none")
#: Variables of :func:`summary_table` by default.
KEY_VARIABLES: tuple[str, ...] = ("turnover_nominal_eur", "turnover_real_eur", "export_share",
                                  "capacity_eur", "utilisation", "unmet_demand_eur",
                                  "price_index", "fte_required")
_TRADE_KEYS = ("fit_years", "other_destinations", "other_growth")
_OWN_KEYS = ("segments", "pass_through")
_ALL_DRIVERS = (tuple(CAPACITY_DRIVERS) + tuple(d.name for d in TRADE_DRIVERS)
                + tuple(d.name for d in OUTLOOK_DRIVERS))


def _split_assumptions(given: dict) -> tuple[dict, dict, dict]:
    cap_keys = list(DEFAULT_ASSUMPTIONS) + list(PRIORS)
    known = cap_keys + list(_TRADE_KEYS) + list(_OWN_KEYS)
    cap, trade, own, problems = {}, {}, {}, []
    for key, value in given.items():
        if key in cap_keys:
            cap[key] = value
        elif key in _TRADE_KEYS:
            trade[key] = value
        elif key in _OWN_KEYS:
            own[key] = value
        else:
            close = get_close_matches(key, known, n=1)
            problems.append(Problem(key, "unknown assumption" + (
                f" (did you mean '{close[0]}'?)" if close else "") + f"; valid: {known}"))
    seg = own.get("segments", "nld_area")
    if seg not in SEGMENTS:
        close = get_close_matches(str(seg), SEGMENTS, n=1)
        problems.append(Problem("segments", f"unknown value {seg!r}; valid values: "
                                f"{list(SEGMENTS)}" + (f" (did you mean '{close[0]}'?)"
                                                       if close else "")))
    pt = own.get("pass_through")
    if pt is not None and not isinstance(pt, Prior) and (
            isinstance(pt, bool) or not isinstance(pt, (int, float, np.number))
            or not 0 <= pt <= 2):
        problems.append(Problem("pass_through", f"must be a number in [0, 2] or a Prior, got "
                                f"{pt!r}"))
    if problems:
        raise InputError("Outlook.from_survey: invalid assumptions", problems)
    own["segments"] = seg
    return cap, trade, own


@dataclass(frozen=True, eq=False, repr=False, kw_only=True)
class Outlook:
    """D&S turnover, export share, capacity use and labour under scenarios.

    Build it with :meth:`from_survey` (the constructor takes the calibrated state and is not
    public).

    Attributes
    ----------
    capacity_model : CapacityModel
        The calibrated capacity model.
    trade_model : ExportShareModel
        The calibrated export share model (benchmarked to the published totals if
        ``benchmark="published"``).
    base : pandas.Series
        Base-year levels: D&S turnover, exports, domestic turnover, capacity, productivity,
        FTE, the survey's D&S turnover, the benchmark factor and the export share.
    segments : str
        The firm column demand and capacity meet in (:data:`SEGMENTS`).
    benchmark : str or None
        ``"published"`` or None (the survey's own totals).
    benchmark_source : str
        Where the base-year totals come from.

    See Also
    --------
    summary_table : Medians and intervals of the key variables.
    binding_constraints : Whether demand or capacity limits turnover.
    grid_scenarios : Every policy under every future.
    nldtib_forecast.models.capacity.CapacityModel : The capacity side.
    nldtib_forecast.models.trade.ExportShareModel : The demand side.

    Examples
    --------
    >>> from nldtib_forecast.models.outlook import Outlook, summary_table
    >>> outlook = Outlook.from_survey()
    >>> outlook.base_year, round(float(outlook.base["turnover_ds_eur"]) / 1e9, 2)
    (2025, 10.2)
    >>> result = outlook.simulate(horizon=2030, n_draws=100, seed=1)
    >>> result.scenarios
    ('current_conditions', 'improved_conditions', 'eu_surge_current', 'nl_35_improved')
    >>> table = summary_table(result, years=[2030], variables=["export_share"])
    >>> list(table.columns)
    ['scenario', 'year', 'variable', 'unit', 'median', 'lower', 'upper']
    """

    capacity_model: CapacityModel
    trade_model: ExportShareModel
    base: pd.Series
    segments: str
    benchmark: str | None
    benchmark_source: str
    _year: int
    _pt: tuple[float, float]  # pass-through: mean and standard deviation of its prior
    _pt_source: str
    _pt_fixed: bool
    _productivity: float  # base-year D&S turnover per D&S FTE (EUR)
    _synthetic: bool
    _factor: float  # benchmark factor: published over survey D&S turnover
    _hash: str
    #: The kernels :meth:`kernel` has built, by their arguments: the model is immutable, so
    #: each is built once. Not an argument of the constructor: a changed model
    #: (:func:`dataclasses.replace`) starts without any, and pickles and copies carry none.
    _kernels: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_survey(cls, survey: pd.DataFrame | None = None, *, year: int | None = None,
                    benchmark: str | None = "published", **assumptions) -> Outlook:
        """Calibrate the sub-models to one survey year and the embedded market data.

        Parameters
        ----------
        survey : pandas.DataFrame, optional
            Survey microdata in the survey schema. Default: the synthetic survey
            (:func:`~nldtib_forecast.data.synthetic_survey`, seed 0).
        year : int, optional
            Base year (default: the last year with scale-up answers).
        benchmark : {"published", None}, default "published"
            ``"published"``: the outlook starts at the published totals of the base year
            (D&S turnover EUR 10.2 bn and export share 36% in 2025, L26): the survey's segment
            turnovers are scaled by one factor to the published total, exports and domestic
            turnover are the published ones, and the survey supplies the structure (segments,
            scale-up answers, barriers, productivity) and the sampling uncertainty of the
            levels (relative standard errors of its export and domestic totals). ``None``: the
            survey's own weighted totals (e.g. EUR 9.86 bn on the synthetic survey).
        **assumptions
            ``segments`` (:data:`SEGMENTS`, default ``"nld_area"``: capacity limits demand
            per NLD area; ``"none"``: on the aggregate); ``pass_through`` (a number fixes the
            coefficient, a :class:`~nldtib_forecast.models.capacity.Prior` replaces the
            estimate's normal prior); the capacity model's assumptions and priors (see
            :meth:`CapacityModel.from_survey
            <nldtib_forecast.models.capacity.CapacityModel.from_survey>`); the trade model's
            ``fit_years``, ``other_destinations``, ``other_growth``.

        Returns
        -------
        Outlook
            The outlook with its calibrated capacity and export share models, the base-year
            levels (:attr:`base`) and the pass-through of cost inflation to prices.

        Raises
        ------
        nldtib_forecast.InputError
            Unknown or invalid assumptions (every problem listed, with the nearest valid
            name), or a survey the sub-models cannot use.

        See Also
        --------
        simulate : Simulates the calibrated outlook.
        nldtib_forecast.models.capacity.CapacityModel.from_survey : The capacity model's
            calibration and its assumptions.
        nldtib_forecast.models.trade.ExportShareModel.from_survey : The export share model's
            calibration.

        Examples
        --------
        >>> outlook = Outlook.from_survey()
        >>> outlook.base_year
        2025
        >>> round(float(outlook.base["turnover_ds_eur"]) / 1e9, 2)
        10.2
        >>> round(float(outlook.base["survey_turnover_ds_eur"]) / 1e9, 2)
        9.86
        >>> round(float(Outlook.from_survey(benchmark=None).base["turnover_ds_eur"]) / 1e9, 2)
        9.86
        """
        from nldtib_forecast.models.pass_through import estimate_pass_through

        cap_kw, trade_kw, own = _split_assumptions(dict(assumptions))
        from nldtib_forecast._errors import check_option

        if benchmark is not None:
            check_option("benchmark", benchmark, list(BENCHMARKS))
        if survey is None:
            from nldtib_forecast.data import synthetic_survey

            survey = synthetic_survey(seed=0)
        if not isinstance(survey, pd.DataFrame):
            raise InputError(f"argument 'survey': expected a pandas DataFrame, got "
                             f"{type(survey).__name__}")
        capacity = CapacityModel.from_survey(survey, year=year, **cap_kw)
        year = capacity.base_year
        trade = ExportShareModel.from_survey(survey, year=year, **trade_kw)
        pt = own.get("pass_through")
        if isinstance(pt, Prior):
            pt_mean, pt_sd, pt_source = pt.central, 0.0, "given as a Prior"
        elif pt is not None:
            pt_mean, pt_sd, pt_source = float(pt), 0.0, "fixed by the caller"
        else:
            try:
                est = estimate_pass_through(survey, year=year)
            except InputError as err:
                raise InputError(f"Outlook.from_survey: the pass-through cannot be estimated "
                                 f"from the survey ({err}); pass pass_through=<number>") from None
            row = est.pass_through.loc["pooled"]
            pt_mean, pt_sd = float(row["estimate"]), float(row["std_error"])
            pt_source = (f"estimated: pooled survey-weighted regression, {est.year}, "
                         f"{est.cov_type} s.e.")
        rows = survey[survey["year"] == year]
        y = rows["turnover_ds_eur"].to_numpy(float, na_value=np.nan)
        w = rows["weight"].to_numpy(float)
        fte = rows["fte_ds"].to_numpy(float, na_value=np.nan) if "fte_ds" in rows else \
            np.full(len(rows), np.nan)
        ok = np.isfinite(y) & np.isfinite(fte)
        if not (w[ok] * fte[ok]).sum() > 0:
            raise InputError(f"Outlook.from_survey: no D&S FTE (fte_ds) for the firms of {year}; "
                             "the labour productivity cannot be computed")
        productivity = float((w[ok] * y[ok]).sum() / (w[ok] * fte[ok]).sum())
        survey_total = float(trade.base["exports_eur"] + trade.base["domestic_eur"])
        benchmark_source = "survey: weighted totals of the base year"
        if benchmark == "published":
            trade, benchmark_source = _benchmark_published(trade, year)
        total = float(trade.base["exports_eur"] + trade.base["domestic_eur"])
        factor = total / capacity.base_turnover_eur
        base = pd.Series({
            "turnover_ds_eur": total,
            "exports_eur": float(trade.base["exports_eur"]),
            "domestic_eur": float(trade.base["domestic_eur"]),
            "capacity_base_eur": capacity.base_turnover_eur * factor,
            "productivity_eur_per_fte": productivity,
            "fte_ds": total / productivity,
            "survey_turnover_ds_eur": survey_total,
            "benchmark_factor": factor,
        }, name=year)
        base["export_share"] = base["exports_eur"] / base["turnover_ds_eur"]
        digest = data_hash({"capacity": capacity.data_hash, "trade": trade.data_hash,
                            "pass_through": [pt_mean, pt_sd], "productivity": productivity,
                            "segments": own["segments"], "benchmark": [benchmark or "", total]})
        return cls(capacity_model=capacity, trade_model=trade, _year=int(year), base=base,
                   segments=str(own["segments"]), _pt=(pt_mean, pt_sd), _pt_source=pt_source,
                   _pt_fixed=(pt_sd == 0.0), _productivity=productivity,
                   _synthetic=bool(survey.attrs.get("synthetic", False)),
                   benchmark=benchmark, benchmark_source=benchmark_source, _factor=factor,
                   _hash=digest)

    # -- attributes -----------------------------------------------------------------------------
    @property
    def base_year(self) -> int:
        """The survey year both sub-models are calibrated to; projections start after it."""
        return self._year

    @property
    def pass_through(self) -> pd.Series:
        """Pass-through coefficient: ``estimate``, ``std_error`` (0 if fixed), ``source``."""
        return pd.Series({"estimate": self._pt[0], "std_error": self._pt[1],
                          "source": self._pt_source}, name="pass_through")

    @property
    def interval_contents(self) -> str:
        """What the spread of the draws includes and what it does not."""
        cap = self.capacity_model.interval_contents.split("; not")[0]
        trade = self.trade_model.interval_contents.split("; not included")[0]
        pt = ("" if self._pt_fixed else "; sampling uncertainty of the pass-through "
              "coefficient (normal with its robust standard error, truncated at 0)")
        return (f"capacity: {cap}; demand: {trade}{pt}; productivity growth drawn from the "
                "capacity model's prior. Not included: uncertainty of the scenario paths "
                "(markets, spending, cost inflation: shown as separate scenarios), entry of "
                "new firms, substitution between segments, model error")

    def __repr__(self) -> str:
        return (f"<Outlook: base year {self._year}, D&S turnover EUR "
                f"{eur(self.base['turnover_ds_eur'], scale='bn', symbol=False)}"
                f"{' (published)' if self.benchmark == 'published' else ''}, export share "
                f"{self.base['export_share']:.1%}, pass-through {self._pt[0]:.2f}, segments "
                f"{self.segments}{'; SYNTHETIC data' if self._synthetic else ''}>")

    # -- history --------------------------------------------------------------------------------
    def history(self, result: ScenarioResult | None = None, level: float = 0.9) -> pd.DataFrame:
        """Published D&S turnover and export share against the model.

        Parameters
        ----------
        result : ScenarioResult, optional
            An outlook result; where its years overlap the published years, its median and
            interval are added (per scenario, as columns ``<variable>_<scenario>_median``...).
        level : float, default 0.9
            Interval level.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year`` (2019 up to the last published year): ``turnover_ds_published_eur``
            and ``export_share_published`` (L26, B24; NaN where unpublished: export share
            2024), ``turnover_ds_model_eur`` and ``export_share_model`` (the base year's
            survey estimates, NaN in other years), and the gaps ``*_gap``.

        See Also
        --------
        hindcast : Projections from past years against what happened.
        summary_table : Medians and intervals of the simulated years.

        Examples
        --------
        >>> from nldtib_forecast.models.outlook import Outlook
        >>> h = Outlook.from_survey().history()
        >>> h.loc[2025, ["turnover_ds_published_eur", "export_share_published"]].tolist()
        [10200000000.0, 0.36]
        """
        cal = self.trade_model.calibration
        out = pd.DataFrame({"turnover_ds_published_eur": cal["ds_turnover_eur"].astype(float),
                            "export_share_published": cal["export_share_published"]
                            .astype(float)})
        out.index.name = "year"
        out["turnover_ds_model_eur"] = np.nan
        out["export_share_model"] = np.nan
        if self._year in out.index:
            out.loc[self._year, "turnover_ds_model_eur"] = self.base["turnover_ds_eur"]
            out.loc[self._year, "export_share_model"] = self.base["export_share"]
        out["turnover_ds_gap_eur"] = out["turnover_ds_model_eur"] - out[
            "turnover_ds_published_eur"]
        out["export_share_gap"] = out["export_share_model"] - out["export_share_published"]
        if result is not None:
            overlap = [y for y in result.years if y in out.index]
            for var in ("turnover_nominal_eur", "export_share"):
                if not overlap:
                    break
                sf = result.summary_frame(var, level=level, year=overlap)
                for scen in result.scenarios:
                    part = sf.loc[scen]
                    for stat in ("median", "lower", "upper"):
                        out.loc[overlap, f"{var}_{scen}_{stat}"] = part[stat].to_numpy()
        return out

    # -- simulation -----------------------------------------------------------------------------
    def kernel(self) -> OutlookKernel:
        """The outlook's model function for :func:`nldtib_forecast.simulation.simulate`.

        Built from the sub-models' hand-offs: :meth:`CapacityModel.kernel
        <nldtib_forecast.models.capacity.CapacityModel.kernel>` by :attr:`segments` and
        :meth:`ExportShareModel.kernel
        <nldtib_forecast.models.trade.ExportShareModel.kernel>`. Demand is split over the
        segments in proportion to their base-year D&S turnover (scaled to the benchmark);
        firms in categories without respondents (no uplift of their own) go with the
        aggregate.

        Returns
        -------
        OutlookKernel
            A picklable callable ``model(ctx) -> {variable: array}`` (arrays of shape
            ``(n_scenarios, n_draws, n_years)``, the years starting at the base year) that
            runs the capacity and trade kernels and joins them.

        See Also
        --------
        simulate : Runs this function with the engine.

        Examples
        --------
        >>> kernel = Outlook.from_survey().kernel()
        >>> len(kernel.segment_base) == len(kernel.segment_columns)
        True
        >>> bool(np.isclose(kernel.segment_base.sum(), kernel.base_total))
        True
        """
        cache = self._kernels  # the outlook is immutable: built once (same numbers)
        if "kernel" not in cache:
            cache["kernel"] = self._build_kernel()
        return cache["kernel"]

    def __getstate__(self) -> dict:
        """The state pickles and copies carry: the fields, without built kernels."""
        return {**self.__dict__, "_kernels": {}}

    def _build_kernel(self) -> OutlookKernel:
        cap = self.capacity_model.kernel([] if self.segments == "none" else [self.segments])
        bases, columns = [], []
        rest = cap.segments[0].turnover_eur
        for c, segment in enumerate(cap.segments[1:], start=1):
            bases.append(segment.turnover_eur * self._factor)
            columns.append(c)
            rest -= segment.turnover_eur
        if len(cap.segments) == 1 or rest > 1e-9 * cap.segments[0].turnover_eur:
            bases.append(max(rest, 0.0) * self._factor)
            columns.append(0)
        return OutlookKernel(
            capacity=cap.function, capacity_drivers=cap.drivers,
            trade=self.trade_model.kernel(), segment_base=np.asarray(bases, float),
            segment_columns=tuple(columns), base_total=float(self.base["turnover_ds_eur"]),
            pass_through=self._pt, pass_through_fixed=self._pt_fixed,
            productivity_base=self._productivity)

    def simulate(self, scenarios=None, horizon: int = 2035, n_draws: int = DEFAULT_N_DRAWS,
                 seed: int | np.random.Generator | None = DEFAULT_SEED, n_jobs: int | None = 1,
                 progress: bool | None = None, *, policies=None, futures=None,
                 chunk_size: int | None = None, block_size: int = BLOCK_SIZE) -> ScenarioResult:
        """Simulate the outlook under scenarios, or under every policy in every future.

        Parameters
        ----------
        scenarios : Scenario, str, sequence or mapping, optional
            Scenarios run as they are. Default, when neither ``policies`` nor ``futures`` is
            given: :data:`OUTLOOK_SCENARIOS`. Strings name built-in scenarios
            (:func:`nldtib_forecast.scenarios.builtin`). Any driver of the capacity, trade and
            outlook models can be set; unset drivers keep their defaults.
        horizon : int, default 2035
            Last simulated year; years run from ``base_year + 1``.
        n_draws : int, default 1000
            Monte Carlo draws per scenario.
        seed : int, numpy.random.Generator or None, default 0
            Root seed: the default gives the same numbers for the same call (``None``: fresh
            entropy, recorded in the result).
        n_jobs : int or None, default 1
            Worker processes (as in :func:`nldtib_forecast.simulation.simulate`); results
            are bit-identical for any ``n_jobs``.
        progress : bool or None, optional
            Show a progress bar (default: only for long runs in a terminal).
        policies, futures : sequence of Scenario or str, optional
            Run the grid: every policy (levers only: built-in names from
            :func:`nldtib_forecast.scenarios.policies`, or scenarios of kind ``"policy"``)
            under every future (external drivers only: :func:`nldtib_forecast.scenarios.futures`
            or kind ``"future"``). Given one of them, the other defaults to the built-ins
            (:data:`~nldtib_forecast.scenarios.POLICY_NAMES`,
            :data:`~nldtib_forecast.scenarios.FUTURE_NAMES`). The grid's scenarios are named
            ``"FUTURE/POLICY"`` (the result's
            :attr:`~nldtib_forecast.results.ScenarioResult.futures`,
            :attr:`~nldtib_forecast.results.ScenarioResult.policies` and
            :meth:`~nldtib_forecast.results.ScenarioResult.policy_effects`);
            ``scenarios``, if also given, are appended. All scenarios share the random numbers
            (common random numbers), so within a future the differences between policies are
            free of Monte Carlo noise in the parameters.
        chunk_size : int, optional
            Draws per task sent to a worker; results do not depend on it.
        block_size : int, default 250
            Draws per random-number block (the capacity model's
            :data:`~nldtib_forecast.models.capacity.BLOCK_SIZE`): part of the method.

        Returns
        -------
        ScenarioResult
            Variables :data:`OUTPUT_UNITS` per scenario, draw and year; the metadata record
            the base-year levels, the pass-through and the assumptions.

        Raises
        ------
        nldtib_forecast.InputError
            Unknown scenarios or drivers, a policy that sets an external driver or a future
            that sets a lever, a horizon not after the base year, invalid draws.

        See Also
        --------
        summary_table : Medians and intervals of the key variables.
        binding_constraints : Whether demand or capacity limits turnover.
        hindcast : The model's projections from past years against what happened.
        nldtib_forecast.results.ScenarioResult.policy_effects : Differences between
            policies within each future.

        Examples
        --------
        >>> outlook = Outlook.from_survey()
        >>> result = outlook.simulate(["current_conditions", "improved_conditions"], horizon=2028,
        ...                           n_draws=50, seed=1)
        >>> result.scenarios, result.years.tolist()
        (('current_conditions', 'improved_conditions'), [2026, 2027, 2028])
        >>> len(result.variables)
        18
        >>> grid = outlook.simulate(policies=["current_conditions", "improved_conditions"],
        ...                         futures=["baseline"], horizon=2035, n_draws=200, seed=1)
        >>> grid.scenarios
        ('baseline/current_conditions', 'baseline/improved_conditions')
        >>> effect = grid.policy_effects("turnover_real_eur", years=2035)
        >>> bool(effect["median"].iloc[0] > 0)
        True
        """
        from nldtib_forecast.simulation import simulate

        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or \
                not self._year < horizon <= 2100:
            raise InputError(f"argument 'horizon': must be an int year after the base year "
                             f"{self._year} (and <= 2100), got {horizon!r}")
        grid: dict = {}
        if policies is not None or futures is not None:
            grid = grid_scenarios(policies, futures)
            extra_scen = [] if scenarios is None else (
                [scenarios] if isinstance(scenarios, (str, Scenario)) else list(
                    scenarios.values() if isinstance(scenarios, Mapping) else scenarios))
            run = [*grid.values(), *extra_scen]
        else:
            run = list(OUTLOOK_SCENARIOS) if scenarios is None else scenarios
        years = list(range(self._year, int(horizon) + 1))
        cap = self.capacity_model
        extra = {"base_year": self._year, "base": self.base.to_dict(),
                 "benchmark": self.benchmark or "survey",
                 "benchmark_source": self.benchmark_source,
                 "pass_through": self.pass_through.to_dict(), "segments": self.segments,
                 "capacity_assumptions": cap.assumptions,
                 "trade_level_source": self.trade_model.level_source,
                 "export_elasticity": self.trade_model.elasticity,
                 "entry": "not modelled separately: new entrants' turnover is part of volume"}
        if grid:
            extra["grid"] = {label: [f, p] for label, (f, p) in _grid_labels(grid).items()}
        result = simulate(
            self.kernel(), run, years, n_draws, seed=seed, n_jobs=n_jobs,
            chunk_size=chunk_size, block_size=block_size, progress=progress,
            drivers=list(_ALL_DRIVERS),
            method=("NLDTIB outlook: demand from the export share model (exports respond to "
                    "the European market at the estimated elasticity), capacity from the "
                    f"capacity model, volume = min(demand, capacity) by {self.segments}, "
                    "prices = cost inflation x pass-through; Monte Carlo"),
            units=OUTPUT_UNITS, interval_contents=self.interval_contents,
            data_hash=self._hash, synthetic=self._synthetic,
            created_by="nldtib_forecast.models.outlook.Outlook.simulate", extra=extra)
        result = result.select(years=years[1:])
        if grid:
            result = _relabel(result, _grid_labels(grid))
        return result

    # -- history check --------------------------------------------------------------------------
    def hindcast(self, start: int = 2021, end: int = 2025, n_draws: int = DEFAULT_N_DRAWS,
                 seed: int | np.random.Generator | None = DEFAULT_SEED,
                 level: float = 0.9) -> pd.DataFrame:
        """Project from ``start`` with what was known then, and compare with what happened.

        The export share model is re-estimated on the published history up to ``start``
        (2019 to ``start``: the export elasticity with its prior, the domestic ratio's level
        and both residual variances), the projection starts from the published levels of
        ``start`` and is fed the *observed* external drivers of the later years: the growth
        of EDA equipment procurement and of Dutch materiel spending (the calibration
        history). D&S turnover is projected as demand: the scale-up question was first asked
        in the 2026 edition, so capacity cannot be hindcast (it did not bind visibly: turnover
        grew 27.5% in 2025).

        Parameters
        ----------
        start : int, default 2021
            Last year known to the hindcast (2021-2024: at least three years of history).
        end : int, default 2025
            Last year compared (up to 2025).
        n_draws : int, default 1000
            Monte Carlo draws.
        seed : int, Generator or None, default 0
            Root seed (the same seed gives the same numbers; ``None``: fresh entropy).
        level : float, default 0.9
            Central interval level.

        Returns
        -------
        pandas.DataFrame
            Tidy: ``year, variable, published, median, lower, upper, covered`` for
            ``ds_turnover_eur`` (nominal EUR) and ``export_share`` (fraction) in the years
            ``start + 1 .. end``; ``covered`` is whether the published value lies in the
            interval (``<NA>`` where nothing is published: the export share of 2024).

        Raises
        ------
        nldtib_forecast.InputError
            ``start`` or ``end`` not int years with ``2021 <= start < end <= 2025``, or a bad
            ``n_draws``, ``seed`` or ``level``.

        See Also
        --------
        nldtib_forecast.evaluation.backtest_published : Rolling-origin backtests of simple
            forecasting methods on the published series.

        Notes
        -----
        Few points, and the 2024/2025 values come from the 2026 edition, whose population is
        wider than the 2024 edition's (a trend break): a miss there may be the break, not the
        model. See :doc:`/methodology/evaluation`.

        Examples
        --------
        >>> h = Outlook.from_survey().hindcast(start=2021, end=2025, n_draws=500, seed=1)
        >>> list(h.columns)
        ['year', 'variable', 'published', 'median', 'lower', 'upper', 'covered']
        >>> h["year"].unique().tolist()
        [2022, 2023, 2024, 2025]
        """
        return hindcast(start, end, n_draws=n_draws, seed=seed, level=level,
                        market_response=self.trade_model.market_response,
                        other_destinations=self.trade_model.other_destinations,
                        other_growth=self.trade_model.other_growth)


#: Values of ``Outlook.from_survey(benchmark=...)`` besides ``None``.
BENCHMARKS: tuple[str, ...] = ("published",)


def _benchmark_published(trade, year: int):
    """The trade model with the published base-year exports and domestic turnover (the
    survey's relative standard errors of the levels kept)."""
    from dataclasses import replace

    from nldtib_forecast.models.trade.history import HISTORY_YEARS, calibration_history

    if year not in HISTORY_YEARS:
        raise InputError(f"Outlook.from_survey: no published D&S turnover and exports for the "
                         f"base year {year} (published years: {HISTORY_YEARS[0]}-"
                         f"{HISTORY_YEARS[-1]}); pass benchmark=None to start from the survey's "
                         "own totals")
    h = calibration_history().loc[year]
    base = trade.base.copy()
    base["exports_eur"] = float(h["exports_eur"])
    base["domestic_eur"] = float(h["domestic_eur"])
    source = (f"published: D&S turnover {eur(h['ds_turnover_eur'], scale='bn', decimals=1)} "
              f"and exports {eur(h['exports_eur'], scale='bn')} in {year} ({h['sources']}); the "
              "survey supplies segment shares, scale-up answers, productivity and the relative "
              "sampling errors of the levels")
    return replace(trade, base=base, level_source="published (benchmark; survey sampling "
                   "errors)", data_hash=data_hash({"trade": trade.data_hash,
                                                  "benchmark": base.to_dict()})), source


def _resolve(items, kind: str, known: Mapping[str, Scenario]) -> list[Scenario]:
    """Scenarios of one kind from names or values; a wrong kind is an error naming it."""
    from nldtib_forecast._errors import check_option

    if isinstance(items, (str, Scenario)):
        items = [items]
    out, problems = [], []
    for item in items:
        if isinstance(item, str):
            item = known[check_option(kind, item, list(known))]
        if not isinstance(item, Scenario):
            raise InputError(f"argument '{kind}': expected Scenario objects or built-in names, "
                             f"got {type(item).__name__}")
        wanted = "policy" if kind == "policies" else "future"
        lever = wanted == "policy"
        if item.kind != wanted:
            bad = [d for d in item.drivers if (get_driver(d).kind == "lever") != lever]
            if item.kind != "scenario" or bad:
                problems.append(Problem(
                    f"{kind}.{item.name}", f"is a {item.kind!r}, not a {wanted}" + (
                        f"; it sets {'external drivers' if lever else 'levers'} {bad}"
                        if bad else "")))
                continue
        out.append(item)
    if problems:
        raise InputError(f"argument '{kind}': scenarios of the wrong kind", problems)
    names = [s.name for s in out]
    if len(set(names)) != len(names) or not names:
        raise InputError(f"argument '{kind}': need at least one, with unique names; got {names}")
    return out


def grid_scenarios(policies=None, futures=None) -> dict[tuple[str, str], Scenario]:
    """Every policy combined with every future: ``{(future, policy): Scenario}``.

    A combined scenario sets the future's external drivers and the policy's levers; it is
    named ``"<future>--<policy>"`` (a scenario-file name) and labelled ``"FUTURE/POLICY"`` in
    results.

    Parameters
    ----------
    policies, futures : sequence of Scenario or str, optional
        Default: the built-in policies and futures
        (:data:`~nldtib_forecast.scenarios.POLICY_NAMES`,
        :data:`~nldtib_forecast.scenarios.FUTURE_NAMES`).

    Returns
    -------
    dict of (str, str) to Scenario
        Keyed by ``(future, policy)`` names, in future-major order.

    Raises
    ------
    nldtib_forecast.InputError
        Unknown names, a policy that sets an external driver, or a future that sets a
        lever.

    See Also
    --------
    Outlook.simulate : Runs the grid with ``policies=`` and ``futures=``.
    nldtib_forecast.scenarios.policies : The built-in policies.
    nldtib_forecast.scenarios.futures : The built-in futures.

    Examples
    --------
    >>> grid = grid_scenarios(["current_conditions", "orders_only"], ["baseline"])
    >>> list(grid)
    [('baseline', 'current_conditions'), ('baseline', 'orders_only')]
    >>> sorted(grid[("baseline", "orders_only")].drivers)[-2:]
    ['nl_materiel_share', 'order_certainty']
    """
    from nldtib_forecast import scenarios as sc

    pol = _resolve(sc.POLICY_NAMES if policies is None else policies, "policies",
                   sc.policies())
    fut = _resolve(sc.FUTURE_NAMES if futures is None else futures, "futures", sc.futures())
    out = {}
    for f in fut:
        for p in pol:
            out[(f.name, p.name)] = Scenario(
                f"{f.name}--{p.name}", {**f.drivers, **p.drivers},
                f"Future {f.name!r}: {f.description} Policy {p.name!r}: {p.description}",
                tuple(dict.fromkeys(f.sources + p.sources)))
    return out


def _grid_labels(grid: Mapping) -> dict[str, tuple[str, str]]:
    return {f"{f}{GRID_SEPARATOR}{p}": (f, p) for (f, p) in grid}


def _relabel(result: ScenarioResult, labels: Mapping[str, tuple[str, str]]) -> ScenarioResult:
    """The grid's scenarios renamed ``"FUTURE/POLICY"``."""
    by_name = {f"{f}--{p}": label for label, (f, p) in labels.items()}
    names = [by_name.get(s, s) for s in result.scenarios]
    draws = {v: result.array(v) for v in result.variables}
    definitions = {by_name.get(k, k): v for k, v in result.definitions.items()}
    return ScenarioResult(draws, names, list(result.years), result.metadata, definitions)


def binding_constraints(result: ScenarioResult, threshold: float = 0.01,
                        majority: float = 0.5, *, lang: str = "en") -> pd.DataFrame:
    """Which constraint limits turnover, per scenario and year, and a sentence per scenario.

    Turnover is capacity-bound in a draw when unmet demand exceeds ``threshold`` of demand
    (some segment cannot serve its demand); a year is capacity-bound when more than
    ``majority`` of the draws are.

    Parameters
    ----------
    result : ScenarioResult
        From :meth:`Outlook.simulate`.
    threshold : float, default 0.01
        Unmet demand, as a share of demand, above which a draw counts as capacity-bound.
    majority : float, default 0.5
        Share of draws above which a year counts as capacity-bound.
    lang : {"en", "nl"}, default "en"
        Language of ``sentence`` (:func:`nldtib_forecast.labels.check_language`): English,
        or Dutch for a Dutch report (``"de vraag begrenst de omzet tot en met 2028; vanaf
        2029 de capaciteit"``). ``binding`` is a code and the same in both.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(scenario, year)``: ``share_capacity_bound`` (fraction of draws),
        ``binding`` (``"demand"`` or ``"capacity"``) and ``sentence`` (the same text in every
        year of a scenario, e.g. ``"demand limits turnover until 2028; capacity from 2029"``).

    Raises
    ------
    nldtib_forecast.InputError
        If ``result`` is not a ScenarioResult with the outlook's ``unmet_demand_eur`` and
        ``demand_eur``, or ``lang`` is not a language of the package.

    See Also
    --------
    summary_table : Medians and intervals of the key variables.

    Examples
    --------
    >>> res = Outlook.from_survey().simulate(policies=["current_conditions"],
    ...                                      futures=["baseline"], n_draws=200, seed=1)
    >>> b = binding_constraints(res)
    >>> b.loc["baseline/current_conditions", "sentence"].iloc[0]
    'capacity limits turnover in every year 2026-2035 (in most draws)'
    >>> nl = binding_constraints(res, lang="nl")
    >>> nl.loc["baseline/current_conditions", "sentence"].iloc[0]
    'de capaciteit begrenst de omzet in elk jaar van 2026 tot en met 2035 (in de meeste \
trekkingen)'
    """
    lang = check_language(lang)
    if not isinstance(result, ScenarioResult):
        raise InputError(f"argument 'result': expected a ScenarioResult, got "
                         f"{type(result).__name__}")
    for var in ("unmet_demand_eur", "demand_eur"):
        if var not in result.variables:
            raise InputError(f"argument 'result': needs the outlook variable {var!r}")
    unmet, demand = result.array("unmet_demand_eur"), result.array("demand_eur")
    bound = (unmet > threshold * demand).mean(axis=1)  # (S, T)
    years = result.years.to_list()
    rows = []
    for i, scen in enumerate(result.scenarios):
        cap = bound[i] > majority
        text = _constraint_sentence(years, cap, lang)
        for t, y in enumerate(years):
            rows.append((scen, y, float(bound[i, t]), "capacity" if cap[t] else "demand", text))
    out = pd.DataFrame(rows, columns=["scenario", "year", "share_capacity_bound", "binding",
                                      "sentence"]).set_index(["scenario", "year"])
    return out


#: The words of the sentence of :func:`binding_constraints`: the two constraints, and the
#: sentence for one run of years, the first run, a middle run and the last run.
_CONSTRAINT_WORDS = {
    "en": {"capacity": "capacity", "demand": "demand",
           "every": "{what} limits turnover in every year {first}-{last}",
           "first": "{what} limits turnover until {last}", "middle": "{what} in {years}",
           "last": "{what} from {first}", "tail": " (in most draws)"},
    # written for the ministry's readers: "tot en met" (up to and including) for a year that
    # is included, the subject of the whole sentence named once
    "nl": {"capacity": "de capaciteit", "demand": "de vraag",
           "every": "{what} begrenst de omzet in elk jaar van {first} tot en met {last}",
           "first": "tot en met {last} begrenst {what} de omzet", "middle": "in {years} {what}",
           "last": "vanaf {first} {what}", "tail": " (in de meeste trekkingen)"},
}


def _constraint_sentence(years: list[int], cap: np.ndarray, lang: str = "en") -> str:
    """``"demand limits turnover until 2028; capacity from 2029"`` and the like, in
    ``lang`` (:data:`_CONSTRAINT_WORDS`)."""
    words = _CONSTRAINT_WORDS[lang]
    runs, start = [], 0
    for t in range(1, len(years) + 1):
        if t == len(years) or cap[t] != cap[start]:
            runs.append((words["capacity" if cap[start] else "demand"], years[start],
                         years[t - 1]))
            start = t
    if len(runs) == 1:
        return words["every"].format(what=runs[0][0], first=years[0],
                                     last=years[-1]) + words["tail"]
    parts = []
    for k, (what, a, b) in enumerate(runs):
        if k == 0:
            parts.append(words["first"].format(what=what, last=b))
        elif k == len(runs) - 1:
            parts.append(words["last"].format(what=what, first=a))
        else:
            parts.append(words["middle"].format(what=what,
                                                years=f"{a}-{b}" if b > a else f"{a}"))
    return "; ".join(parts) + words["tail"]


def hindcast(start: int = 2021, end: int = 2025, *, n_draws: int = DEFAULT_N_DRAWS,
             seed: int | np.random.Generator | None = DEFAULT_SEED, level: float = 0.9,
             market_response: str = "elasticity", other_destinations: float = 0.0,
             other_growth: float = 0.035) -> pd.DataFrame:
    """Project from ``start`` with what was known then, and compare with what happened.

    The function behind :meth:`Outlook.hindcast`, which passes its trade model's settings;
    see there for the method.

    Parameters
    ----------
    start : int, default 2021
        Last year known to the hindcast (at least three years of history up to it).
    end : int, default 2025
        Last year compared (up to 2025).
    n_draws : int, default 1000
        Monte Carlo draws.
    seed : int, numpy.random.Generator or None, default 0
        Root seed (the same seed gives the same numbers; ``None``: fresh entropy).
    level : float, default 0.9
        Central interval level.
    market_response : {"elasticity", "trend"}, default "elasticity"
        The export share model's market response (see
        :meth:`~nldtib_forecast.models.trade.ExportShareModel.from_published`).
    other_destinations : float, default 0.0
        Fraction of exports outside the European procurement market.
    other_growth : float, default 0.035
        Annual growth of those exports.

    Returns
    -------
    pandas.DataFrame
        Tidy: ``year, variable, published, median, lower, upper, covered`` for
        ``ds_turnover_eur`` (nominal EUR) and ``export_share`` (fraction) in the years
        ``start + 1 .. end``; ``covered`` says whether the published value lies in the
        interval (``<NA>`` where nothing is published). ``attrs`` describe the interval and
        the model.

    Raises
    ------
    nldtib_forecast.InputError
        ``start`` or ``end`` not int years with ``2021 <= start < end <= 2025``, or invalid
        trade model settings.

    See Also
    --------
    Outlook.hindcast : The same, with an outlook's trade model settings.

    Examples
    --------
    >>> h = hindcast(2022, 2025, n_draws=300, seed=0)
    >>> h["variable"].unique().tolist()
    ['ds_turnover_eur', 'export_share']
    """
    from nldtib_forecast.models.trade.export_share import ExportShareModel
    from nldtib_forecast.models.trade.history import HISTORY_YEARS, calibration_history

    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise InputError(f"argument '{name}': must be an int year, got {value!r}")
    first = HISTORY_YEARS[0]
    if not first + 2 <= start < end <= HISTORY_YEARS[-1]:
        raise InputError(f"arguments 'start', 'end': need {first + 2} <= start < end <= "
                         f"{HISTORY_YEARS[-1]} (at least three years of history up to start); "
                         f"got start={start}, end={end}")
    level = check_level(level)
    model = ExportShareModel.from_published(
        int(start), fit_years=range(first, int(start) + 1), market_response=market_response,
        other_destinations=other_destinations, other_growth=other_growth)
    h = calibration_history()
    years = list(range(int(start) + 1, int(end) + 1))
    market_growth = (h["eu_market_eur"] / h["eu_market_eur"].shift(1) - 1).loc[years]
    materiel_growth = (h["materiel_spending_eur"] / h["materiel_spending_eur"].shift(1)
                       - 1).loc[years]
    observed = Scenario(
        "observed", {"eu_procurement_growth": {int(y): round(float(g), 10)
                                               for y, g in market_growth.items()},
                     "nl_gdp_growth": {int(y): round(float(g), 10)
                                       for y, g in materiel_growth.items()}},
        f"Observed external drivers {years[0]}-{years[-1]}: growth of EDA equipment "
        "procurement and of Dutch materiel spending (carried by nl_gdp_growth, the other "
        "Dutch drivers at their base-year values).", ("calibration_history()",), kind="future")
    res = model.simulate([observed], horizon=int(end), n_draws=n_draws, seed=seed)
    lo_q, hi_q = interval_tails(level)
    rows = []
    for var, published in (("ds_turnover_eur", h["ds_turnover_eur"]),
                           ("export_share", h["export_share_published"])):
        arr = res.array(var)[0]  # (n, T) with the base year first
        for t, y in enumerate(res.years):
            if y <= start:
                continue
            lo, med, hi = np.quantile(arr[:, t], [lo_q, 0.5, hi_q])
            pub = float(published.get(int(y), np.nan))
            covered = pd.NA if not np.isfinite(pub) else bool(lo <= pub <= hi)
            rows.append({"year": int(y), "variable": var, "published": pub, "median": med,
                         "lower": lo, "upper": hi, "covered": covered})
    out = pd.DataFrame(rows)
    out["covered"] = out["covered"].astype("boolean")
    out.attrs["interval"] = f"{level:.0%} central interval over {n_draws} draws"
    out.attrs["model"] = model.summary()
    return out


def summary_table(result: ScenarioResult, years: Sequence[int] | int = (2030, 2035),
                  variables: Sequence[str] | str = KEY_VARIABLES,
                  level: float = 0.9) -> pd.DataFrame:
    """Median and central interval of key outlook variables, per scenario and year (tidy).

    Parameters
    ----------
    result : ScenarioResult
        From :meth:`Outlook.simulate`.
    years : int or sequence of int, default (2030, 2035)
        Years reported (each must be in the result).
    variables : str or sequence of str, default :data:`KEY_VARIABLES`
        Variables reported.
    level : float, default 0.9
        Interval level: ``lower`` and ``upper`` are the ``(1 - level) / 2`` and
        ``(1 + level) / 2`` quantiles over draws.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario, year, variable, unit, median, lower, upper``; one row per
        scenario, year and variable (money in EUR, shares as fractions).

    Raises
    ------
    nldtib_forecast.InputError
        If ``result`` is not a ScenarioResult, or a year or variable is not in it, or
        ``level`` is not in (0, 1).

    See Also
    --------
    binding_constraints : Whether demand or capacity limits turnover.
    nldtib_forecast.results.ScenarioResult.summary_frame : The same statistics for one
        variable.

    Examples
    --------
    >>> from nldtib_forecast.models.outlook import Outlook, summary_table
    >>> res = Outlook.from_survey().simulate(["current_conditions"], horizon=2030,
    ...                                      n_draws=50, seed=2)
    >>> row = summary_table(res, years=2030, variables="export_share").iloc[0]
    >>> row["scenario"], int(row["year"]), row["variable"], row["unit"]
    ('current_conditions', 2030, 'export_share', 'fraction')
    """
    if not isinstance(result, ScenarioResult):
        raise InputError(f"argument 'result': expected a ScenarioResult, got "
                         f"{type(result).__name__}")
    level = check_level(level)
    years = [years] if isinstance(years, (int, np.integer)) else list(years)
    variables = [variables] if isinstance(variables, str) else list(variables)
    sub = result.select(variables=variables, years=years)
    q = sub.quantiles([interval_tails(level)[0], 0.5, interval_tails(level)[1]])
    q.columns = ["lower", "median", "upper"]
    out = q.reset_index()
    out.insert(3, "unit", out["variable"].map(lambda v: result.units.get(v, "")))
    out = out[["scenario", "year", "variable", "unit", "median", "lower", "upper"]]
    order = {v: i for i, v in enumerate(variables)}
    out = out.sort_values(["scenario", "year", "variable"], key=lambda s: s.map(
        {n: i for i, n in enumerate(sub.scenarios)}) if s.name == "scenario" else (
        s.map(order) if s.name == "variable" else s), kind="stable")
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
