"""Capacity scale-up: how much more D&S turnover can the NLDTIB deliver under a scenario, and when?

The 2026 letter to parliament reports that firms could scale up their D&S turnover by 33% under
current conditions and by 67% when conditions improve, and names the barriers: uncertainty
about order volumes, long and complex procurement, and labour. :class:`CapacityModel` turns
these survey answers into scenario paths:

* **firm level**: each barrier a firm names is relieved as its driver (``order_certainty``,
  ``procurement_lead_time_months``, ``labour_supply_growth``) moves from its current towards
  its improved level; the firm's relief is the minimum over the barriers it names (the binding
  barrier holds it back), and its long-run uplift moves from its current-conditions answer to
  its improved-conditions answer (and below the former when conditions worsen);
* **calibration identity**: at current conditions the D&S-turnover-weighted long-run uplift
  equals the survey's weighted scale-up under current conditions, at improved conditions the
  improved one, exactly (:meth:`CapacityModel.long_run_uplift`);
* **time**: each change in conditions is realised after the procurement lead time plus a build
  time, along an S-shaped (gamma) ramp, and the firms that name labour cannot together grow
  faster than their staff headroom, labour supply and productivity allow;
* **uncertainty**: parameters drawn from documented priors, firms resampled with the survey
  design (Rao-Wu rescaling bootstrap), both inside the vectorised model call;
* :meth:`CapacityModel.sensitivity` (Sobol' indices per horizon year) and
  :meth:`CapacityModel.discover` (which driver ranges reach a target).

See :doc:`/methodology/capacity` for the equations, priors and their sources, and limitations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_option, check_year
from nldtib_forecast.analysis.sensitivity import (
    DiscoveryResult,
    SensitivityResult,
    discover_rules,
    qmc_engine,
    resolve_seed,
    sobol_indices,
)
from nldtib_forecast.models.capacity import kernel as K
from nldtib_forecast.models.capacity.assumptions import (
    BLOCK_SIZE,
    DEFAULT_ASSUMPTIONS,
    NOT_INCLUDED,
    REQUIRED_COLUMNS,
    CapacitySimulation,
    _as_scenarios,
    _check_assumptions,
    _int_arg,
)
from nldtib_forecast.models.capacity.drivers import (
    CAPACITY_DRIVERS,
    CAPACITY_POLICIES,
    capacity_policies,
    improved_paths,
)
from nldtib_forecast.models.capacity.kernel import DRIVERS, PRIORS, Prior
from nldtib_forecast.scenarios import Scenario, get_driver
from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED
from nldtib_forecast.simulation.results import ScenarioResult, data_hash

if TYPE_CHECKING:  # pragma: no cover
    from nldtib_forecast.survey import SurveyDesign

__all__ = ["CapacityModel", "CapacityKernel", "CapacitySegment", "CapacitySimulation",
           "PRIORS", "Prior", "DEFAULT_ASSUMPTIONS", "BLOCK_SIZE", "CAPACITY_DRIVERS",
           "CAPACITY_POLICIES", "capacity_policies", "improved_paths", "SensitivityResult",
           "DiscoveryResult"]


@dataclass(frozen=True)
class CapacitySegment:
    """One output variable of a :class:`CapacityKernel` and the firms it covers.

    Attributes
    ----------
    variable : str
        ``"uplift"`` (all firms) or ``"uplift[<column>=<category>]"``.
    column, category : str or None
        The firm column and category of the segment (None for all firms).
    turnover_eur : float
        Weighted base-year D&S turnover of all the segment's firms, respondents to the
        scale-up questions or not (EUR, base-year prices).

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> segment = model.kernel(by="domain").segments[1]
    >>> segment.variable, segment.column, segment.category
    ('uplift[domain=land]', 'domain', 'land')
    >>> round(segment.turnover_eur / 1e9, 2)
    5.42
    """

    variable: str
    column: str | None
    category: str | None
    turnover_eur: float


@dataclass(frozen=True, eq=False)
class CapacityKernel:
    """What the capacity model hands to a model built on it (:meth:`CapacityModel.kernel`).

    The outlook (:class:`~nldtib_forecast.models.outlook.Outlook`) runs ``function`` inside its
    own model function and splits its demand over ``segments``.

    Attributes
    ----------
    function : CapacitySimulation
        The model function for :func:`nldtib_forecast.simulation.simulate`; its
        :meth:`~CapacitySimulation.run` also returns the parameters drawn.
    segments : tuple of CapacitySegment
        ``segments[0]`` covers all firms (variable ``"uplift"``); then one per category of the
        ``by`` columns that has respondents, in the order of ``function.labels``.
    drivers : tuple of str
        The drivers ``function`` reads from the simulation context.
    base_turnover_eur : float
        Weighted D&S turnover of all firms of the base year (EUR).

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> kernel = model.kernel()
    >>> kernel.drivers
    ('order_certainty', 'procurement_lead_time_months', 'labour_supply_growth')
    >>> kernel.function.labels, len(kernel.segments)
    (('uplift',), 1)
    >>> kernel.segments[0].turnover_eur == kernel.base_turnover_eur == model.base_turnover_eur
    True
    """

    function: CapacitySimulation
    segments: tuple[CapacitySegment, ...]
    drivers: tuple[str, ...]
    base_turnover_eur: float


@dataclass(frozen=True, eq=False, repr=False, kw_only=True)
class CapacityModel:
    """Survey-calibrated capacity scale-up under scenarios.

    Build it with :meth:`from_survey`; the constructor is not public (its fields are the
    calibrated state). The model is immutable
    after calibration: :attr:`calibration` (the survey's weighted scale-up), :attr:`priors`,
    :attr:`assumptions`, :attr:`firms` (the inputs of the base year's firms) and
    :meth:`driver_ranges` describe it; :meth:`long_run_uplift`, :meth:`simulate`,
    :meth:`sensitivity` and :meth:`discover` use it. See :doc:`/methodology/capacity`.

    See Also
    --------
    nldtib_forecast.models.outlook.Outlook : Joins this model with export demand.
    nldtib_forecast.scenarios.builtin : The built-in scenarios it simulates.

    References
    ----------
    .. [1] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591
    .. [2] Rubin, D. B. (1981). The Bayesian bootstrap. *The Annals of Statistics*, 9(1),
       130-134. doi:10.1214/aos/1176345338

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.capacity import CapacityModel
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> model.calibration.round(4).tolist()
    [0.33, 0.67]
    >>> round(model.long_run_uplift("current_conditions"), 4)
    0.33
    >>> round(model.long_run_uplift("improved_conditions"), 4)
    0.67
    >>> result = model.simulate(["current_conditions", "improved_conditions"], n_draws=200,
    ...                         seed=1)
    >>> result.summary_frame("uplift", year=2035)["median"].round(2).tolist()
    [0.33, 0.57]
    """

    _design: SurveyDesign
    _year: int
    _rows: pd.DataFrame  # the base year's firms
    _w: np.ndarray  # their survey weights
    _y: np.ndarray  # D&S turnover (EUR)
    _ans: np.ndarray  # bool: both scale-up answers (the calibration base)
    _u_cur: np.ndarray  # scale-up under current conditions (fraction)
    _u_imp: np.ndarray  # scale-up under improved conditions (fraction)
    _barriers: np.ndarray  # (firms, 3) bool: barriers named
    _group: np.ndarray  # barrier group 0..7 (bits: orders, procurement, labour)
    _plan: K.RaoWuPlan | K.BayesPlan | None  # the survey bootstrap
    _settings: K.Settings
    _priors: dict[str, Prior]
    _references: dict[str, tuple[float, float]]  # driver -> (current, improved)
    _base_lead: float  # procurement lead time under current conditions (months)
    _synthetic: bool
    _hash: str
    #: The kernels :meth:`kernel` has built, by their arguments: the model is immutable, so
    #: each is built once. Not an argument of the constructor: a changed model
    #: (:func:`dataclasses.replace`) starts without any, and pickles and copies carry none.
    _kernels: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_survey(cls, survey: pd.DataFrame | SurveyDesign | None = None,
                    year: int | None = None, **assumptions: object) -> CapacityModel:
        """Calibrate the model to the scale-up answers of one survey year.

        Parameters
        ----------
        survey : pandas.DataFrame or nldtib_forecast.survey.SurveyDesign, optional
            Survey microdata in the survey schema (a frame is validated and wrapped in a
            :class:`~nldtib_forecast.survey.SurveyDesign`: strata, firms as PSUs, fpc).
            Default: the synthetic survey (:func:`~nldtib_forecast.data.synthetic_survey`,
            seed 0), as for every model's ``from_survey``.
        year : int, optional
            The base year: the survey year whose scale-up answers calibrate the model
            (default: the last year with answers).
        **assumptions
            ``relief_aggregation`` (``"min"``: Leontief, the binding barrier; ``"mean"``),
            ``no_barrier_relief`` (relief of firms naming none of the three barriers:
            ``"mean"`` of the three reliefs, or ``"min"``), ``ramp`` (``"gamma"`` or
            ``"logistic"``), ``ramp_shape`` (gamma shape, default 2), ``labour_constraint``
            (``"pool"`` or ``"none"``), ``bootstrap`` (``"rao_wu"``, ``"bayesian"`` or
            ``"none"``), and any parameter of :data:`PRIORS` set to a :class:`Prior` or to a
            number (fixed value).

        Returns
        -------
        CapacityModel
            The model calibrated to the base year's firms: their weights, D&S turnover,
            scale-up answers and barriers, with the priors, structural assumptions and the
            survey bootstrap plan.

        Raises
        ------
        nldtib_forecast.InputError
            Unknown assumptions (with the nearest valid name), invalid values, a survey that
            fails validation or lacks scale-up answers in ``year``.

        See Also
        --------
        nldtib_forecast.data.synthetic_survey : The default survey.
        nldtib_forecast.models.outlook.Outlook.from_survey : The outlook, calibrated on the
            same survey.

        Notes
        -----
        Firms without both scale-up answers are excluded from the calibration base and
        counted in :attr:`n_excluded`; they keep their D&S turnover in
        :attr:`base_turnover_eur`. Missing barrier answers count as "not named".

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> model.base_year, model.n_respondents
        (2025, 1503)
        >>> model.calibration.round(4).tolist()
        [0.33, 0.67]
        """
        from nldtib_forecast.survey import SurveyDesign

        if survey is None:
            from nldtib_forecast.data import synthetic_survey

            survey = synthetic_survey(seed=0)
        settings, priors = _check_assumptions(assumptions)
        design = survey if isinstance(survey, SurveyDesign) else SurveyDesign(survey)
        data = design.data
        missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
        if missing:
            raise InputError("CapacityModel.from_survey: survey columns missing",
                             [Problem(c, "required column is missing") for c in missing])
        answered = data["scale_up_current"].notna() & data["scale_up_improved"].notna()
        with_answers = sorted(int(y) for y in data.loc[answered, "year"].unique())
        if not with_answers:
            raise InputError("CapacityModel.from_survey: no firm answered the scale-up "
                             "questions (scale_up_current and scale_up_improved) in any year")
        year = check_year(year, "year", optional=True)
        if year is None:
            year = with_answers[-1]
        elif year not in with_answers:
            raise InputError(f"argument 'year': the survey has no scale-up answers "
                             f"(scale_up_current and scale_up_improved) in {year!r}; years "
                             f"with answers: {with_answers}")
        pos = np.flatnonzero((data["year"] == year).to_numpy())
        rows = data.iloc[pos]
        ans = answered.iloc[pos].to_numpy(dtype=bool, copy=True)
        y = rows["turnover_ds_eur"].to_numpy(dtype=float, na_value=np.nan)
        w = rows[design.weight_column].to_numpy(dtype=float)
        barriers = np.column_stack([rows[b].astype("boolean").fillna(False).to_numpy(bool)
                                    for b in K.BARRIERS])
        ans &= np.isfinite(y)
        if not (w[ans] * y[ans]).sum() > 0:
            raise InputError(f"CapacityModel.from_survey: the firms answering the scale-up "
                             f"questions in {year} have no D&S turnover (turnover_ds_eur)")
        plan = cls._bootstrap_plan(design, pos, w, settings.bootstrap)
        refs = {d: (float(get_driver(d).default), float(get_driver(d).improved or 0.0))
                for d in DRIVERS}
        keep = [c for c in ("firm_id", "stratum", design.weight_column, "turnover_ds_eur",
                            "scale_up_current", "scale_up_improved", *K.BARRIERS, "nld_area",
                            "size_class", "domain") if c in rows.columns]
        return cls(
            _design=design, _year=int(year), _rows=rows.reset_index(drop=True), _w=w, _y=y,
            _ans=ans, _u_cur=rows["scale_up_current"].to_numpy(dtype=float, na_value=np.nan),
            _u_imp=rows["scale_up_improved"].to_numpy(dtype=float, na_value=np.nan),
            _barriers=barriers, _group=barriers @ np.array([1, 2, 4]), _plan=plan,
            _settings=settings, _priors=priors, _references=refs,
            _base_lead=float(refs["procurement_lead_time_months"][0]),
            _synthetic=bool(data.attrs.get("synthetic", False)),
            _hash=data_hash(rows[keep].reset_index(drop=True)))

    @staticmethod
    def _bootstrap_plan(design: SurveyDesign, pos: np.ndarray, w: np.ndarray, kind: str
                        ) -> K.RaoWuPlan | K.BayesPlan | None:
        if kind == "none":
            return None
        data = design.data
        strata = (data[design.strata_column].astype(str) if design.strata_column
                  else pd.Series("all", index=data.index))
        psu = (data[design.psu_column].astype(str) if design.psu_column
               else pd.Series(np.arange(len(data)).astype(str), index=data.index))
        s_year, p_year = strata.iloc[pos].to_numpy(), psu.iloc[pos].to_numpy()
        table = design.strata_table()
        if kind == "bayesian":
            take_all = table["take_all"].rename(index=str).reindex(s_year).to_numpy(bool)
            return K.BayesPlan(len(pos), pd.factorize(s_year)[0], w, ~take_all)
        members = pd.DataFrame({"s": strata, "p": psu}).drop_duplicates().groupby("s")["p"]
        parts = []
        for label, row in table.iterrows():
            cols = np.flatnonzero(s_year == str(label))
            if row["take_all"] or not len(cols):
                continue
            if row["single_psu"]:
                raise InputError(f"single PSU in stratum {label!r}: the Rao-Wu bootstrap needs "
                                 "two; collapse strata or pass bootstrap='bayesian'")
            psus = np.sort(members.get_group(str(label)).to_numpy())
            lam = float(np.sqrt(1.0 - row["sampling_fraction"]))
            parts.append((len(psus), lam, cols, np.searchsorted(psus, p_year[cols])))
        return K.RaoWuPlan(len(pos), tuple(parts))

    # -- attributes -------------------------------------------------------------------------
    @property
    def base_year(self) -> int:
        """The survey year the model is calibrated to."""
        return self._year

    @property
    def data_hash(self) -> str:
        """Hash of the base year's model inputs (recorded in every result's metadata)."""
        return self._hash

    @property
    def synthetic(self) -> bool:
        """Whether the survey is the synthetic one (results say so)."""
        return self._synthetic

    @property
    def n_respondents(self) -> int:
        """Firms of the base year with both scale-up answers (the calibration base)."""
        return int(self._ans.sum())

    @property
    def n_excluded(self) -> int:
        """Firms of the base year without both scale-up answers (excluded)."""
        return int((~self._ans).sum())

    @property
    def base_turnover_eur(self) -> float:
        """Weighted D&S turnover of all firms of the base year (EUR, base-year prices)."""
        return float(np.nansum(self._w * self._y))

    def _mean(self, values: np.ndarray) -> float:
        a = (self._w * self._y)[self._ans]
        return float((a * values[self._ans]).sum() / a.sum())

    @property
    def calibration(self) -> pd.Series:
        """The survey's D&S-turnover-weighted scale-up under current and improved conditions."""
        return pd.Series({"scale_up_current": self._mean(self._u_cur),
                          "scale_up_improved": self._mean(self._u_imp)}, name="weighted_mean")

    @property
    def assumptions(self) -> dict[str, object]:
        """Structural assumptions in force."""
        return dataclasses.asdict(self._settings)

    @property
    def priors(self) -> pd.DataFrame:
        """Prior of every parameter: distribution, median, 5% and 95% quantiles, source."""
        rows = {n: {"distribution": p.describe(), "median": p.central,
                    "q05": float(p.ppf(np.array([0.05]))[0]),
                    "q95": float(p.ppf(np.array([0.95]))[0]), "fixed": p.fixed,
                    "source": p.source} for n, p in self._priors.items()}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("parameter")

    @property
    def firms(self) -> pd.DataFrame:
        """Model inputs of the base year's firms (weight, turnover, answers, barrier group)."""
        out = self._rows[[c for c in ("firm_id", "stratum", "turnover_ds_eur",
                                      "scale_up_current", "scale_up_improved")
                          if c in self._rows]].copy()
        out["weight"] = self._w
        out["barrier_group"] = [K.group_label(g) for g in self._group]
        out["respondent"] = self._ans
        return out

    def driver_ranges(self, margin: float = 0.5) -> pd.DataFrame:
        """Plausible driver ranges for sensitivity and discovery.

        The range runs from the current to the improved level, widened by ``margin`` times
        their distance on both sides and clipped to the driver's bounds in the registry.

        Parameters
        ----------
        margin : float, default 0.5
            Widening on each side, as a fraction of the distance between the current and the
            improved level (0: from current to improved exactly).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``driver`` (``order_certainty``, ``procurement_lead_time_months``,
            ``labour_supply_growth``), with columns ``current``, ``improved``, ``lower``,
            ``upper`` (in the driver's unit) and ``unit``.

        See Also
        --------
        sensitivity : Samples the drivers uniformly over these ranges.
        discover : Samples the drivers by a Latin hypercube over these ranges.
        nldtib_forecast.scenarios.get_driver : A driver's unit, bounds and levels.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> ranges = model.driver_ranges()
        >>> ranges.columns.tolist()
        ['current', 'improved', 'lower', 'upper', 'unit']
        >>> ranges.loc["order_certainty", ["current", "improved", "lower", "upper"]].tolist()
        [0.3, 0.65, 0.125, 0.825]
        """
        rows = {}
        for d in DRIVERS:
            drv, (cur, imp) = get_driver(d), self._references[d]
            lo, hi = min(cur, imp), max(cur, imp)
            step = margin * (hi - lo)
            rows[d] = {"current": cur, "improved": imp, "lower": max(drv.lower, lo - step),
                       "upper": min(drv.upper, hi + step), "unit": drv.unit}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("driver")

    def __repr__(self) -> str:
        cal = self.calibration
        return (f"<CapacityModel: base year {self._year}, {self.n_respondents} respondents "
                f"({self.n_excluded} excluded); scale-up {cal.iloc[0]:.1%} current, "
                f"{cal.iloc[1]:.1%} improved{'; SYNTHETIC data' if self._synthetic else ''}>")

    # -- long run ---------------------------------------------------------------------------
    def _long_run_value(self, scenario: Scenario, driver: str, year: int | None) -> float:
        if year is not None:
            return float(scenario.path(driver, [year]).iloc[0])
        spec = scenario.drivers.get(driver)
        if spec is None:
            return float(get_driver(driver).default)
        if isinstance(spec, Mapping):
            return float(spec[max(spec)])
        return float(spec)

    def long_run_uplift(self, scenario, year: int | None = None) -> float | pd.Series:
        """Deterministic long-run D&S-turnover-weighted mean uplift at central parameters.

        The long run: every delay and ramp has passed and the labour pool has caught up, so
        each firm's uplift is its potential ``u_cur + (u_imp - u_cur) r`` (``r >= 0``) or
        ``u_cur + min(u_imp - u_cur, u_cur) r`` (``r < 0``) at the relief ``r`` of the drivers'
        long-run values (the last value of each path) or of their values in ``year``.
        Curvatures are at their prior medians.

        Parameters
        ----------
        scenario : Scenario, str, or a sequence or mapping of them
            Built-in names are allowed.
        year : int, optional
            Use the drivers' values in this year instead of their long-run values.

        Returns
        -------
        float or pandas.Series
            The uplift as a fraction of base-year D&S turnover: a float for one scenario, a
            Series indexed by scenario name for several.

        Raises
        ------
        nldtib_forecast.InputError
            Unknown scenarios, or a ``year`` that is not a whole number.

        See Also
        --------
        simulate : The uplift paths over time, with uncertainty.
        calibration : The survey's scale-up, which the current and improved conditions
            reproduce.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> round(model.long_run_uplift("improved_conditions"), 4)
        0.67
        >>> model.long_run_uplift(["current_conditions", "orders_only"]).round(4)
        scenario
        current_conditions    0.3300
        orders_only           0.3934
        Name: long_run_uplift, dtype: float64
        """
        scen = _as_scenarios(scenario)
        gam = [self._priors[f"curvature_{k}"].central for k in ("orders", "procurement",
                                                                 "labour")]
        out = {}
        for name, s in scen.items():
            r = np.array([[K.relief(self._long_run_value(s, d, year), *self._references[d], g)]
                          for d, g in zip(DRIVERS, gam, strict=True)])
            rg = K.aggregate_reliefs(r, self._settings.relief_aggregation,
                                     self._settings.no_barrier_relief)[:, 0]
            firm = rg[self._group]
            h = np.minimum(self._u_imp - self._u_cur, self._u_cur)
            pot = np.where(firm >= 0, (1.0 - firm) * self._u_cur + firm * self._u_imp,
                           self._u_cur + h * firm)
            out[name] = self._mean(pot)
        if len(out) == 1 and isinstance(scenario, (str, Scenario)):
            return next(iter(out.values()))
        return pd.Series(out, name="long_run_uplift").rename_axis("scenario")

    # -- simulation -------------------------------------------------------------------------
    def _segments(self, by: Sequence[str]) -> tuple[list[np.ndarray], list[CapacitySegment]]:
        """Firm masks and segments: all firms, then each category of ``by`` with respondents."""
        a = self._w * np.nan_to_num(self._y)
        masks = [np.ones(len(self._w), dtype=bool)]
        segments = [CapacitySegment("uplift", None, None, float(a.sum()))]
        for col in by:
            values = self._rows[col]
            cats = (values.cat.categories if isinstance(values.dtype, pd.CategoricalDtype)
                    else pd.Index(sorted(values.dropna().unique())))
            for cat in cats:
                mask = (values == cat).fillna(False).to_numpy(bool)
                if (mask & self._ans & (a > 0)).any():
                    masks.append(mask)
                    segments.append(CapacitySegment(f"uplift[{col}={cat}]", str(col), str(cat),
                                                    float(a[mask].sum())))
        return masks, segments

    def _features(self, by: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        masks, segments = self._segments(by)
        feats = K.feature_matrix(self._y, self._u_cur, self._u_imp, self._group, self._ans,
                                 np.column_stack(masks))
        return feats, [s.variable for s in segments]

    def _check_by(self, by: str | Sequence[str] | None) -> list[str]:
        columns = [by] if isinstance(by, str) else list(by or [])
        for col in columns:
            if col not in self._rows.columns or col in REQUIRED_COLUMNS:
                close = get_close_matches(str(col), ["nld_area", "size_class", "domain"], n=1)
                raise InputError(f"argument 'by': {col!r} is not a firm column of the model"
                                 + (f" (did you mean '{close[0]}'?)" if close else "")
                                 + "; use e.g. 'nld_area', 'size_class' or 'domain'")
        return columns

    def kernel(self, by: str | Sequence[str] | None = None) -> CapacityKernel:
        """The model function and segments that models built on this one use.

        Parameters
        ----------
        by : str or sequence of str, optional
            Firm columns to break the uplift down by (e.g. ``"nld_area"``).

        Returns
        -------
        CapacityKernel
            The vectorised model function (a :class:`CapacitySimulation`), the segments it
            reports (the aggregate ``uplift`` first, then one per category of ``by``), the
            drivers it reads and the base-year D&S turnover (EUR).

        Raises
        ------
        nldtib_forecast.InputError
            A ``by`` column that is not a firm column of the model.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> k = model.kernel(by="size_class")
        >>> [s.variable for s in k.segments][:2]
        ['uplift', 'uplift[size_class=0-25]']
        >>> bool(np.isclose(sum(s.turnover_eur for s in k.segments[1:]), k.base_turnover_eur))
        True
        """
        columns = self._check_by(by)
        # built once per model and ``by``: the model is immutable, and the kernel's function
        # keeps what it derives on its first call (the bootstrap's linear form), so repeated
        # simulations skip both (identical numbers)
        cache = self._kernels
        key = tuple(columns)
        if key not in cache:
            masks, segments = self._segments(columns)
            features = K.feature_matrix(self._y, self._u_cur, self._u_imp, self._group,
                                        self._ans, np.column_stack(masks))
            function = CapacitySimulation(
                features=features, labels=tuple(s.variable for s in segments),
                weights=self._w, plan=self._plan, priors=self._priors,
                settings=self._settings, references=self._references,
                base_lead=self._base_lead)
            cache[key] = CapacityKernel(function=function, segments=tuple(segments),
                                        drivers=tuple(DRIVERS),
                                        base_turnover_eur=self.base_turnover_eur)
        return cache[key]

    def __getstate__(self) -> dict:
        """The state pickles and copies carry: the fields, without built kernels."""
        return {**self.__dict__, "_kernels": {}}

    @property
    def interval_contents(self) -> str:
        """What the spread of the simulation draws includes, and what it does not."""
        uncertain = [n for n, p in self._priors.items() if not p.fixed]
        parts = []
        if uncertain:
            parts.append(f"parameter uncertainty (priors: {', '.join(uncertain)})")
        if self._plan is not None and not self._plan.trivial:
            kind = {"rao_wu": "Rao-Wu rescaling", "bayesian": "weighted Bayesian"}[
                self._settings.bootstrap]
            parts.append(f"sampling uncertainty (survey bootstrap: {kind})")
        return (" and ".join(parts) or "nothing random (fixed parameters, no survey "
                "bootstrap)") + "; " + NOT_INCLUDED

    def simulate(self, scenarios, horizon: int = 2035, n_draws: int = DEFAULT_N_DRAWS,
                 seed: int | np.random.Generator | None = DEFAULT_SEED, n_jobs: int | None = 1,
                 progress: bool | None = None, *, by: str | Sequence[str] | None = None,
                 chunk_size: int | None = None, block_size: int = BLOCK_SIZE
                 ) -> ScenarioResult:
        """Simulate the capacity paths of the base year's firms under scenarios.

        Parameters
        ----------
        scenarios : Scenario, str, sequence or mapping
            Scenarios (strings name built-in scenarios).
        horizon : int, default 2035
            Last simulated year; years run from ``base_year + 1``.
        n_draws : int, default 1000
            Monte Carlo draws (parameters from their priors, survey bootstrap replicate).
        seed : int, numpy.random.Generator or None, default 0
            Seed of the draws: the default gives the same numbers for the same call
            (``None``: fresh entropy, recorded in the result's metadata).
        n_jobs : int or None, default 1
            Worker processes (as in :func:`nldtib_forecast.simulation.simulate`); results are
            bit-identical for any ``n_jobs``.
        progress : bool or None, optional
            Show a progress bar (default: only for long runs in a terminal).
        by : str or sequence of str, optional
            Also report the uplift by these firm columns (e.g. ``"nld_area"``,
            ``"size_class"``), as variables ``uplift[<column>=<category>]``.
        chunk_size : int, optional
            Draws per task sent to a worker; results do not depend on it.
        block_size : int, default 250
            Draws per random-number block (:data:`BLOCK_SIZE`): part of the method, so
            changing it changes the draws.

        Returns
        -------
        ScenarioResult
            Variables ``uplift`` (fraction of base-year D&S turnover, D&S-turnover weighted),
            ``capacity_eur`` (EUR, base-year prices) and the ``by`` breakdowns, per scenario,
            draw and year.

        Raises
        ------
        nldtib_forecast.InputError
            Unknown scenarios or drivers, a horizon before ``base_year + 1``, a bad
            ``n_draws``, ``seed``, ``n_jobs`` or ``by``.

        See Also
        --------
        long_run_uplift : The uplift once conditions have fully worked through.
        sensitivity : Which drivers and parameters the uplift is sensitive to.
        discover : Which driver ranges reach a target uplift.
        nldtib_forecast.simulation.simulate : The engine.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> result = model.simulate(["current_conditions", "improved_conditions"], horizon=2030,
        ...                         n_draws=100, seed=1)
        >>> result.variables, result.years.tolist()
        (('uplift', 'capacity_eur'), [2026, 2027, 2028, 2029, 2030])
        >>> result.summary_frame("uplift", year=2030)["median"].round(2).tolist()
        [0.28, 0.31]
        """
        from nldtib_forecast.simulation import simulate

        horizon = _int_arg("horizon", horizon, self._year + 1)
        n_draws = _int_arg("n_draws", n_draws, 1)
        by = self._check_by(by)
        kernel = self.kernel(by)
        labels = kernel.function.labels
        units = {v: "fraction" for v in labels} | {"capacity_eur": "EUR"}
        s = self._settings
        extra = {"base_year": self._year, "base_turnover_eur": self.base_turnover_eur,
                 "n_respondents": self.n_respondents, "n_excluded": self.n_excluded,
                 "calibration": self.calibration.to_dict(), "assumptions": self.assumptions,
                 "priors": {n: p.describe() for n, p in self._priors.items()},
                 "by": list(by)}
        return simulate(
            kernel.function, scenarios, list(range(self._year + 1, horizon + 1)), n_draws,
            seed=seed,
            n_jobs=n_jobs, chunk_size=chunk_size, block_size=block_size, progress=progress,
            drivers=list(DRIVERS),
            method=(f"capacity scale-up: survey-calibrated barrier relief "
                    f"({s.relief_aggregation}), delay + {s.ramp} ramp, labour constraint "
                    f"{s.labour_constraint}; Monte Carlo"),
            units=units, interval_contents=self.interval_contents, data_hash=self._hash,
            synthetic=self._synthetic,
            created_by="nldtib_forecast.models.capacity.CapacityModel.simulate", extra=extra)

    # -- sensitivity and discovery ----------------------------------------------------------
    def _evaluator(self, factors: dict[str, tuple[str, ...]], ranges: pd.DataFrame, T: int,
                   replicates: np.ndarray | None):
        """``u (m, D) -> uplift (m, T)`` with driver levels constant from ``base_year + 1``."""
        feats, _ = self._features([])
        full = (self._w @ feats)[None, 1:].reshape(1, K.N_GROUPS, 1, K.N_STATS)
        central = {n: np.full((1, 1, 1), p.central) for n, p in self._priors.items()}

        def evaluate(u: np.ndarray) -> np.ndarray:
            m, col = len(u), 0
            drivers, params, sums = {}, dict(central), full
            for members in factors.values():
                for member in members:
                    x = u[:, col]
                    col += 1
                    if member in DRIVERS:
                        lo, hi = ranges.loc[member, ["lower", "upper"]]
                        drivers[member] = np.repeat((lo + (hi - lo) * x)[None, :, None], T, 2)
                    elif member == "sampling":
                        assert replicates is not None  # a "sampling" factor needs replicates
                        idx = np.minimum((x * len(replicates)).astype(int), len(replicates) - 1)
                        sums = replicates[idx]
                    else:
                        params[member] = self._priors[member].ppf(x).reshape(1, m, 1)
            up = K.uplift_paths(drivers, params, sums, self._references, self._settings,
                                self._base_lead)
            return up[0, :, 0, :]

        return evaluate

    def _factors(self, parameters: bool) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {d: (d,) for d in DRIVERS}
        if parameters:
            for group, members in K.PARAMETER_GROUPS.items():
                uncertain = tuple(m for m in members if not self._priors[m].fixed)
                if uncertain:
                    out[group] = uncertain
            if self._plan is not None and not self._plan.trivial:
                out["sampling"] = ("sampling",)
        return out

    def _replicates(self, rng: np.random.Generator, n: int) -> np.ndarray | None:
        if self._plan is None or self._plan.trivial:
            return None
        feats, _ = self._features([])
        sums = (self._w * self._plan.factors(rng, n)) @ feats
        return sums[:, 1:].reshape(n, K.N_GROUPS, 1, K.N_STATS)

    def sensitivity(self, horizon_years: Iterable[int] | None = None, n: int = 2**12,
                    seed: int | np.random.Generator | None = DEFAULT_SEED, *,
                    n_bootstrap: int = 200,
                    level: float = 0.95, margin: float = 0.5,
                    n_replicates: int = 256) -> SensitivityResult:
        """Sobol' indices of the aggregate uplift for every horizon year in one pass.

        Factors: the three drivers, each uniform over :meth:`driver_ranges` (``margin``) and
        held constant from ``base_year + 1``; the parameter groups ``curvature`` (the three
        curvatures), ``timing`` (build and ramp time) and ``labour_pool`` (headroom and
        productivity growth) from their priors;
        and ``sampling`` (one of ``n_replicates`` survey bootstrap replicates). See
        ``nldtib_forecast.analysis.sensitivity.sobol_indices`` for the design.

        Parameters
        ----------
        horizon_years : iterable of int, optional
            Years reported (default: the ten years after the base year).
        n : int, default 4096
            Base sample size (a power of 2); ``n (k + 2)`` model evaluations.
        seed : int, Generator or None, default 0
            Seed of the design, the bootstrap replicates and the intervals (the same seed gives
            the same numbers; ``None``: fresh entropy, recorded in the result).
        n_bootstrap : int, default 200
            Bootstrap resamples of the design's rows for the percentile intervals (0: none).
        level : float, default 0.95
            Level of the intervals.
        margin : float, default 0.5
            Widening of the driver ranges (:meth:`driver_ranges`).
        n_replicates : int, default 256
            Survey bootstrap replicates the ``sampling`` factor draws from.

        Returns
        -------
        SensitivityResult
            ``indices`` by (year, factor); ``plot(year)`` draws a tornado chart.

        Raises
        ------
        nldtib_forecast.InputError
            No horizon year, a year before ``base_year + 1``, ``n`` not a power of 2, a bad
            ``seed`` or ``level``.

        See Also
        --------
        discover : Which driver ranges reach a target.
        driver_ranges : The ranges the drivers are sampled over.
        nldtib_forecast.analysis.sobol_indices : The design and the estimators.

        References
        ----------
        .. [1] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and
           Tarantola, S. (2010). Variance based sensitivity analysis of model output. Design
           and estimator for the total sensitivity index. *Computer Physics Communications*,
           181(2), 259-270. doi:10.1016/j.cpc.2009.09.018
        .. [2] Jansen, M. J. W. (1999). Analysis of variance designs for model output.
           *Computer Physics Communications*, 117(1-2), 35-43.
           doi:10.1016/S0010-4655(98)00154-4

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> res = model.sensitivity([2030, 2035], n=2**8, seed=1, n_bootstrap=50)
        >>> res.table(2035).index[0]
        'order_certainty'
        """
        years = (list(range(self._year + 1, self._year + 11)) if horizon_years is None
                 else sorted({_int_arg("horizon_years", y, self._year + 1)
                              for y in horizon_years}))
        if not years:
            raise InputError("argument 'horizon_years': give at least one year")
        rng, recorded = resolve_seed(seed)
        rep_seed, design_seed = (int(v) for v in rng.integers(0, 2**63, size=2))
        factors = self._factors(True)
        reps = self._replicates(np.random.default_rng(rep_seed), n_replicates) \
            if "sampling" in factors else None
        ranges = self.driver_ranges(margin)
        T = years[-1] - self._year
        evaluate = self._evaluator(factors, ranges, T, reps)
        cols = [y - self._year - 1 for y in years]
        desc = {d: f"uniform [{ranges.loc[d, 'lower']:g}, {ranges.loc[d, 'upper']:g}] "
                   f"{ranges.loc[d, 'unit']}" for d in DRIVERS}
        desc |= {g: "; ".join(f"{m}: {self._priors[m].describe()}" for m in members)
                 for g, members in factors.items() if g not in DRIVERS and g != "sampling"}
        if "sampling" in factors:
            desc["sampling"] = f"one of {n_replicates} survey bootstrap replicates"
        res = sobol_indices(lambda u: evaluate(u)[:, cols],
                            {f: len(m) for f, m in factors.items()}, n, seed=design_seed,
                            n_bootstrap=n_bootstrap, level=level,
                            outputs=pd.Index(years, name="year"), chunk_rows=8192,
                            description="aggregate uplift", factor_descriptions=desc,
                            synthetic=self._synthetic)
        return dataclasses.replace(res, seed=recorded)

    def discover(self, target: float = 0.5, year: int = 2030, *, n: int = 4096,
                 seed: int | np.random.Generator | None = DEFAULT_SEED, method: str = "prim",
                 parameters: str = "prior", margin: float = 0.5, alpha: float = 0.05,
                 min_mass: float = 0.05, min_density: float = 0.8,
                 max_depth: int = 3) -> DiscoveryResult:
        """Which driver ranges make the aggregate uplift in ``year`` reach ``target``?

        Driver levels are sampled by a Latin hypercube over :meth:`driver_ranges` (constant
        from ``base_year + 1``); with ``parameters="prior"`` the parameters and the survey
        bootstrap replicate are drawn too (so a box's density is the probability of reaching
        the target inside it), with ``"central"`` they are fixed at their medians and the full
        sample. Boxes are found by PRIM peeling or a decision tree
        (:func:`~nldtib_forecast.analysis.discover_rules`).

        Parameters
        ----------
        target : float, default 0.5
            The aggregate uplift to reach, a fraction of base-year D&S turnover (0.5: 50%
            more).
        year : int, default 2030
            The year in which the uplift must reach ``target`` (after the base year).
        n : int, default 4096
            Sampled cases (at least 16).
        seed : int, numpy.random.Generator or None, default 0
            Seed of the sample and of the bootstrap replicates (``None``: fresh entropy,
            recorded in the result).
        method : {"prim", "tree"}, default "prim"
            PRIM peeling or the leaves of a decision tree.
        parameters : {"prior", "central"}, default "prior"
            Draw the parameters from their priors and a survey bootstrap replicate with each
            case, or fix them at their medians and the full sample.
        margin : float, default 0.5
            Widening of the driver ranges (:meth:`driver_ranges`).
        alpha : float, default 0.05
            PRIM's peeling fraction: the share of the box's cases removed at each step.
        min_mass : float, default 0.05
            Smallest share of the cases a box may hold (PRIM's stopping rule, the tree's
            smallest leaf).
        min_density : float, default 0.8
            PRIM chooses the box with the highest coverage among those at least this dense
            (the share of its cases that reach the target).
        max_depth : int, default 3
            Depth of the decision tree (``method="tree"``).

        Returns
        -------
        DiscoveryResult
            The boxes (every peeling step, or every leaf predicting the target) with their
            rule, coverage, density and mass, the chosen box (:attr:`DiscoveryResult.rule`)
            and the sampling design.

        Raises
        ------
        nldtib_forecast.InputError
            A ``year`` before ``base_year + 1``, a ``target`` that is not a finite number, an
            unknown ``method`` or ``parameters``, ``n`` below 16, a bad ``seed``, or
            ``alpha``, ``min_mass`` or ``min_density`` out of range.

        See Also
        --------
        sensitivity : Which drivers the uplift is most sensitive to.
        simulate : The uplift paths under given scenarios.
        nldtib_forecast.analysis.discover_rules : The PRIM and tree algorithms.

        References
        ----------
        .. [1] Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional
           data. *Statistics and Computing*, 9(2), 123-143. doi:10.1023/A:1008894516817
        .. [2] Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a
           participatory, computer-assisted approach to scenario discovery. *Technological
           Forecasting and Social Change*, 77(1), 34-49. doi:10.1016/j.techfore.2009.08.002

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.4, year=2030, n=512, seed=1)
        >>> found.rule.startswith("order_certainty >=")
        True
        """
        year = _int_arg("year", year, self._year + 1)
        parameters = check_option("parameters", parameters, ["prior", "central"])
        if not isinstance(target, (int, float)) or isinstance(target, bool) or \
                not np.isfinite(target):
            raise InputError(f"argument 'target': must be a finite number, got {target!r}")
        n = _int_arg("n", n, 16)
        rng, recorded = resolve_seed(seed)
        rep_seed, design_seed = (int(v) for v in rng.integers(0, 2**63, size=2))
        factors = self._factors(parameters == "prior")
        reps = self._replicates(np.random.default_rng(rep_seed), 256) \
            if "sampling" in factors else None
        ranges = self.driver_ranges(margin)
        d = sum(len(m) for m in factors.values())
        u = qmc_engine("lhs", d, np.random.default_rng(design_seed)).random(n)
        evaluate = self._evaluator(factors, ranges, year - self._year, reps)
        values = np.concatenate([evaluate(u[i:i + 8192])[:, -1] for i in range(0, n, 8192)])
        x = ranges["lower"].to_numpy() + u[:, :3] * (ranges["upper"] - ranges["lower"]
                                                     ).to_numpy()
        hit = values >= target
        limits = ranges[["lower", "upper"]].to_numpy(dtype=float)
        boxes, chosen = discover_rules(x, hit, DRIVERS, limits, method=method, alpha=alpha,
                                       min_mass=min_mass, min_density=min_density,
                                       max_depth=max_depth, seed=0)
        drawn = ("at their medians, full sample" if parameters == "central" else
                 "drawn from their priors" + (", survey bootstrap replicate drawn"
                                              if "sampling" in factors else ""))
        desc = f"driver levels constant from {self._year + 1}, Latin hypercube; parameters {drawn}"
        return DiscoveryResult(boxes, chosen, ranges[["lower", "upper"]],
                               f"aggregate uplift in {year} >= {target:.1%}",
                               "PRIM (peeling)" if method == "prim" else f"tree (depth "
                               f"{max_depth})", n, recorded, float(hit.mean()), desc,
                               self._synthetic)


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
