"""The export share model: exports = share of the European market, domestic = share of Dutch
materiel spending, calibrated on 2019-2025 and projected under scenarios.

See :mod:`nldtib_forecast.models.trade` for the public interface and
:doc:`/methodology/trade` for the equations, the calibration and the assumptions.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, check_year
from nldtib_forecast._format import eur
from nldtib_forecast._version import __version__
from nldtib_forecast.models.trade.drivers import GDP_GROWTH, TRADE_DRIVERS, builtin_scenarios
from nldtib_forecast.models.trade.history import HISTORY_YEARS, calibration_history
from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED

if TYPE_CHECKING:  # pragma: no cover
    from nldtib_forecast.simulation.results import ScenarioResult

__all__ = ["ExportShareModel", "TradeKernel", "OUTPUT_UNITS"]

#: Output variables of :meth:`ExportShareModel.simulate` and their units.
OUTPUT_UNITS: dict[str, str] = {
    "export_share": "fraction",
    "exports_eur": "EUR",
    "domestic_eur": "EUR",
    "ds_turnover_eur": "EUR",
    "nl_market_share": "fraction",
    "eu_market_eur": "EUR",
    "materiel_spending_eur": "EUR",
    "domestic_share": "ratio",
}
_DRIVER_NAMES = tuple(d.name for d in TRADE_DRIVERS)
_EQUATIONS = ("m", "d")
#: How the Dutch share of the European market responds: ``"elasticity"`` (exports respond to
#: the market with an estimated elasticity) or ``"trend"`` (a log-linear time trend of the
#: share, the model of the first release, kept for comparison).
MARKET_RESPONSES: tuple[str, ...] = ("elasticity", "trend")
#: Normal prior of the export elasticity (mean, standard deviation): unit elasticity, the
#: long-run benchmark of export market share models (exports grow with their markets at a
#: constant share; Pain et al. 2005, the OECD trade model), with a wide spread. With the
#: 2019-2025 history the data dominate it (posterior 0.49 against the OLS 0.48); with three
#: or four years (hindcasts) it keeps the estimate sensible.
ELASTICITY_PRIOR: tuple[float, float] = (1.0, 0.5)
_LOG_BOUNDS = (-30.0, 5.0)  # guards exp() against the far tails of the t-distributed draws


@dataclass(frozen=True)
class TradeKernel:
    """The vectorised model function handed to :func:`~nldtib_forecast.simulation.simulate`.

    Per draw: the residual variances ``sigma2 ~ df s^2 / chi2(df)`` (flat prior), the slope of
    the market-share equation ``slope ~ N(slope, se^2 sigma2 / s^2)`` and, when the base-year
    levels come from a survey, their log levels ``~ N(observed, level_se^2)``. Per year: the
    log deviations ``e_t ~ N(0, sigma2)`` of both equations (0 in the base year). Built by
    :meth:`ExportShareModel.kernel`.

    Parameters
    ----------
    slope : float
        Posterior mean of the slope of ``ln m`` on the regressor (the export elasticity
        minus 1 for ``"log_market"``).
    slope_se : float
        Its standard error.
    regressor : {"log_market", "year"}
        The regressor of the market-share equation: the log European market (elasticity) or
        the year (trend).
    s2 : numpy.ndarray
        Residual variances of the equations ``m`` and ``d``, shape ``(2,)``.
    df : numpy.ndarray
        Their residual degrees of freedom, shape ``(2,)``.
    level_se : numpy.ndarray or None
        Survey standard errors of the base-year log levels of exports and domestic turnover
        (None: published levels, no sampling error).
    base : tuple of float
        Base-year exports, domestic turnover, European market and Dutch materiel spending
        (EUR).
    other_share : float
        Fraction of exports to destinations outside the European market.
    other_growth : float
        Annual growth of those exports (a fraction).

    See Also
    --------
    ExportShareModel.kernel : Builds it from the calibration.
    nldtib_forecast.simulation.simulate : Runs it.

    Examples
    --------
    >>> from nldtib_forecast.simulation import simulate
    >>> kernel = ExportShareModel.from_published().kernel()
    >>> result = simulate(kernel, ["current_conditions"], [2025, 2026, 2027], 200, seed=1)
    >>> round(float(result.array("export_share")[0, :, 0].mean()), 2)  # the base year 2025
    0.36
    """

    slope: float  # posterior mean of the slope of ln m on the regressor
    slope_se: float  # its standard error
    regressor: str  # "log_market" (elasticity) or "year" (trend)
    s2: np.ndarray  # residual variances (2,): m, d
    df: np.ndarray  # residual degrees of freedom (2,)
    level_se: np.ndarray | None  # survey standard errors of the base-year log levels (2,)
    base: tuple[float, float, float, float]  # X_b, D_b, M_b, P_b (EUR)
    other_share: float
    other_growth: float

    def __call__(self, ctx) -> dict[str, np.ndarray]:
        n, rng = ctx.n, ctx.rng
        t_count = ctx.n_years
        h = np.arange(t_count, dtype=float)  # years since the base year
        df = np.asarray(self.df, dtype=float)
        sigma2 = df * self.s2[None, :] / rng.chisquare(df[None, :], size=(n, 2))  # (n, 2)
        z = rng.standard_normal(n)
        slope = self.slope + self.slope_se * np.sqrt(sigma2[:, 0] / self.s2[0]) * z  # (n,)
        if self.regressor == "log_market":  # the elasticity 1 + slope is truncated at 0
            slope = np.maximum(slope, -1.0)
        level = rng.standard_normal((n, 2))
        level = np.zeros((n, 2)) if self.level_se is None else level * self.level_se[None]
        shocks = np.sqrt(sigma2)[:, :, None] * rng.standard_normal((n, 2, t_count))
        shocks[:, :, 0] = 0.0
        level = np.where(h[None, None, :] > 0, level[:, :, None], 0.0)  # (n, 2, T)

        def growth_index(name: str) -> np.ndarray:  # prod of (1 + g) from the year after base
            g = ctx.driver(name).copy()
            g[..., 0] = 0.0
            return np.cumprod(1.0 + g, axis=-1)

        def relative(name: str) -> np.ndarray:  # value_t / value_base
            v = ctx.driver(name)
            if (v[..., 0] <= 0).any():
                bad = [ctx.scenarios[i] for i in np.nonzero(v[:, 0, 0] <= 0)[0]]
                raise InputError(f"driver {name!r}: the base-year value must be > 0 (the model "
                                 f"uses value_t / value_base); scenarios {bad}")
            return v / v[..., :1]

        x_b, d_b, m_b, p_b = self.base
        market = m_b * growth_index("eu_procurement_growth")  # (S, 1, T)
        regressor = np.log(market / m_b) if self.regressor == "log_market" else \
            np.broadcast_to(h, market.shape)
        drift = ctx.driver("nl_market_share_trend").copy()
        drift[..., 0] = 0.0
        cum_drift = np.cumsum(np.log1p(drift), axis=-1)  # (S, 1, T)
        share_m_b = (1.0 - self.other_share) * x_b / m_b
        log_m = (np.log(share_m_b) + slope[None, :, None] * regressor + cum_drift
                 + (level[:, 0] + shocks[:, 0])[None])
        with np.errstate(divide="ignore"):  # a sourcing ratio of 0: no domestic demand
            log_d = (np.log(d_b / p_b) + (level[:, 1] + shocks[:, 1])[None]
                     + np.log(relative("domestic_sourcing_share")))
        share_m = np.exp(np.clip(log_m, *_LOG_BOUNDS))
        share_d = np.exp(np.clip(log_d, *_LOG_BOUNDS))
        materiel = p_b * growth_index("nl_gdp_growth") * relative(
            "nl_defence_spending_gdp_share") * relative("nl_materiel_share")
        other = self.other_share * x_b * (1.0 + self.other_growth) ** h
        exports = share_m * market + other
        domestic = share_d * materiel
        total = exports + domestic
        return {"export_share": exports / total, "exports_eur": exports,
                "domestic_eur": domestic, "ds_turnover_eur": total,
                "nl_market_share": share_m, "eu_market_eur": np.broadcast_to(market,
                                                                             share_m.shape),
                "materiel_spending_eur": np.broadcast_to(materiel, share_d.shape),
                "domestic_share": share_d}


def _positive_fraction(name: str, value: object, upper: float = 1.0) -> float:
    if not isinstance(value, Real) or isinstance(value, bool) or not 0 <= float(value) < upper:
        raise InputError(f"argument '{name}': must be a number in [0, {upper}), got {value!r}")
    return float(value)


@dataclass(frozen=True, eq=False)
class ExportShareModel:
    """The export share of NLDTIB D&S turnover: exports against the European market,
    domestic turnover against Dutch materiel spending.

    Build it with :meth:`from_published` or :meth:`from_survey`; the constructor only stores
    a calibration.

    Attributes
    ----------
    base_year : int
        The last observed year; projections start after it.
    calibration : pandas.DataFrame
        The history used (see :meth:`history`).
    params : pandas.DataFrame
        Indexed by equation (``m``: Dutch share of the European market, ``d``: domestic
        turnover over materiel spending): ``log_level`` (trend value in the base year),
        ``log_trend`` (per year), their standard errors, ``sigma`` (residual standard
        deviation), ``r_squared``, ``nobs``, ``df``.
    base : pandas.Series
        Base-year levels (EUR): ``exports_eur``, ``domestic_eur``, ``eu_market_eur``,
        ``materiel_spending_eur``.
    level_source : str
        ``"published"`` or ``"survey"``: where the base-year levels come from.
    other_destinations : float
        Fraction of exports going to destinations outside the European procurement market.
    other_growth : float
        Annual growth of those exports (a fraction).
    synthetic : bool
        Whether the base-year levels come from synthetic survey data.
    data_hash : str
        Content hash of the calibration data (recorded in every result).
    market_response : {"elasticity", "trend"}
        How the market share responds: to the market size, or along a trend.
    version : str
        Version of nldtib_forecast that calibrated the model.

    See Also
    --------
    fit_export_demand : Export demand elasticities from longer time series.
    nldtib_forecast.models.outlook.Outlook : Joins this model with the capacity model.

    Examples
    --------
    >>> from nldtib_forecast.models.trade import ExportShareModel
    >>> model = ExportShareModel.from_published()
    >>> model.base_year, model.level_source
    (2025, 'published')
    >>> res = model.simulate(['current_conditions'], horizon=2030, n_draws=200, seed=1)
    >>> res.summary_frame('export_share', year=2030)['median'].round(2).tolist()
    [0.33]
    """

    base_year: int
    calibration: pd.DataFrame
    params: pd.DataFrame
    base: pd.Series
    level_source: str
    other_destinations: float
    other_growth: float
    synthetic: bool
    data_hash: str
    market_response: str = "elasticity"
    _level_se: np.ndarray | None = field(default=None, repr=False)
    version: str = field(default=__version__)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_published(cls, base_year: int = 2025, *, fit_years=None,
                       market: pd.Series | None = None, materiel: pd.Series | None = None,
                       other_destinations: float = 0.0, other_growth: float = GDP_GROWTH,
                       market_response: str = "elasticity",
                       elasticity_prior: tuple[float, float] | None = ELASTICITY_PRIOR
                       ) -> ExportShareModel:
        """Calibrate on the published history 2019-2025 (B24, L26, EDA, B24 materiel).

        Parameters
        ----------
        base_year : int, default 2025
            The year projections start from (2019-2025).
        fit_years : sequence of int, optional
            Years of the regressions (default 2019 up to ``base_year``; at least 3).
        market, materiel : pandas.Series, optional
            Replace the European market proxy or the Dutch materiel spending (EUR by year,
            2019-2025); see :func:`~nldtib_forecast.models.trade.calibration_history`.
        other_destinations : float, default 0.0
            Fraction of exports going to destinations outside the European procurement market
            (e.g. the US, Asia). Such exports do not scale with ``M``: they grow at
            ``other_growth`` from their base-year level, and ``m`` is calibrated on the rest.
        other_growth : float, default 0.035
            Annual growth of the other-destination exports.
        market_response : {"elasticity", "trend"}, default "elasticity"
            ``"elasticity"``: ``ln m`` is regressed on ``ln M`` (the slope is the export
            elasticity minus 1), so exports respond to the market growth of a scenario;
            ``"trend"``: ``ln m`` on the year (the share trend of the first release).
        elasticity_prior : (float, float) or None, default (1.0, 0.5)
            Mean and standard deviation of a normal prior of the export elasticity, combined
            with the regression (precision-weighted); ``None``: the OLS estimate alone.
            Used only with ``market_response="elasticity"``.

        Returns
        -------
        ExportShareModel
            The model with the equations fitted on ``fit_years`` and the published
            base-year levels.

        Raises
        ------
        nldtib_forecast.InputError
            A base year outside 2019-2025, fewer than 3 fit years within them, an unknown
            ``market_response``, ``other_destinations`` outside [0, 1), ``other_growth``
            outside [-0.5, 1], a bad ``elasticity_prior``, or a bad ``market`` or
            ``materiel`` series.

        See Also
        --------
        from_survey : Base-year levels from survey microdata.
        calibration_history : The published history it is fitted on.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_published()
        >>> model.params[["log_level", "slope", "se_slope", "sigma"]].round(3)
                  log_level  slope  se_slope  sigma
        equation
        m            -3.296 -0.506     0.079  0.082
        d            -0.517  0.000     0.000  0.117
        >>> round(model.elasticity, 2)
        0.49
        >>> float(model.history().loc[2025, "export_share_fitted"])
        0.36
        """
        history = calibration_history(market, materiel)
        return cls._calibrate(history, base_year, fit_years, None, other_destinations,
                              other_growth, "published", False, market_response,
                              elasticity_prior)

    @classmethod
    def from_survey(cls, survey: pd.DataFrame | None = None, *, year: int | None = None,
                    fit_years=None, market: pd.Series | None = None,
                    materiel: pd.Series | None = None, other_destinations: float = 0.0,
                    other_growth: float = GDP_GROWTH, market_response: str = "elasticity",
                    elasticity_prior: tuple[float, float] | None = ELASTICITY_PRIOR
                    ) -> ExportShareModel:
        """Base-year levels from survey microdata, responses from the published history.

        Parameters
        ----------
        survey : pandas.DataFrame, optional
            Survey frame in the survey schema (``year``, ``weight``, ``stratum``,
            ``turnover_ds_eur``, ``export_ds_eur``, ...). Default: the synthetic survey
            (:func:`~nldtib_forecast.data.synthetic_survey`, seed 0).
        year : int, optional
            Base year (default: the last year in the survey; 2019-2025).
        fit_years : sequence of int, optional
            Years of the regressions (default 2019 up to the base year; at least 3).
        market, materiel : pandas.Series, optional
            Replace the European market proxy or the Dutch materiel spending (EUR by year,
            2019-2025).
        other_destinations : float, default 0.0
            Fraction of exports going to destinations outside the European procurement
            market.
        other_growth : float, default 0.035
            Annual growth of the other-destination exports.
        market_response : {"elasticity", "trend"}, default "elasticity"
            Market share regressed on the log market size, or on the year.
        elasticity_prior : (float, float) or None, default (1.0, 0.5)
            Mean and standard deviation of a normal prior of the export elasticity
            (``market_response="elasticity"``); ``None``: the OLS estimate alone.

        Returns
        -------
        ExportShareModel
            Its base-year exports and domestic turnover are the survey's weighted totals
            (:func:`~nldtib_forecast.survey.survey_total`); their sampling standard errors
            enter the projection as uncertainty of the levels.

        Raises
        ------
        nldtib_forecast.InputError
            A survey that is not a DataFrame, is empty or lacks ``year``,
            ``turnover_ds_eur`` or ``export_ds_eur``; weighted exports or domestic turnover
            that are not > 0; or the errors of :meth:`from_published`.

        See Also
        --------
        from_published : Levels and responses from the published history.
        nldtib_forecast.survey.survey_total : The weighted totals of the base year.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_survey()
        >>> model.level_source, model.synthetic, model.base_year
        ('survey', True, 2025)
        >>> round(float(model.base["exports_eur"] / (model.base["exports_eur"]
        ...                                           + model.base["domestic_eur"])), 3)
        0.388
        """
        from nldtib_forecast.survey import survey_total

        if survey is None:
            from nldtib_forecast.data import synthetic_survey

            survey = synthetic_survey(seed=0)
        if not isinstance(survey, pd.DataFrame):
            raise InputError(f"argument 'survey': expected a pandas DataFrame, got "
                             f"{type(survey).__name__}")
        year = check_year(year, "year", optional=True)
        if len(survey) == 0:
            raise InputError("argument 'survey': the survey data are empty (0 rows); expected "
                             "one row per firm and reference year")
        missing = [c for c in ("year", "turnover_ds_eur", "export_ds_eur") if c not in survey]
        if missing:
            raise InputError(f"argument 'survey': missing column(s) {missing}")
        if year is None:
            last = pd.to_numeric(survey["year"], errors="coerce").max()
            if not np.isfinite(last):
                raise InputError("column 'year': holds no year; pass year= or fix the column")
            year = check_year(float(last), "year")
        frame = survey.assign(domestic_ds_eur=survey["turnover_ds_eur"] - survey["export_ds_eur"])
        totals = {}
        for col in ("export_ds_eur", "domestic_ds_eur"):
            est = survey_total(frame, col, year=year, protect=False)
            totals[col] = (float(est["estimate"].iloc[0]), float(est["std_error"].iloc[0]))
        history = calibration_history(market, materiel)
        synthetic = bool(survey.attrs.get("synthetic", False))
        return cls._calibrate(history, year, fit_years, totals, other_destinations,
                              other_growth, "survey", synthetic, market_response,
                              elasticity_prior)

    @classmethod
    def _calibrate(cls, history: pd.DataFrame, base_year: object, fit_years: object,
                   survey_totals: dict | None, other_destinations: float, other_growth: float,
                   level_source: str, synthetic: bool, market_response: str = "elasticity",
                   elasticity_prior: tuple[float, float] | None = ELASTICITY_PRIOR
                   ) -> ExportShareModel:
        from statsmodels.regression.linear_model import OLS
        from statsmodels.tools.tools import add_constant

        from nldtib_forecast._errors import check_option
        from nldtib_forecast.simulation.results import data_hash

        check_option("market_response", market_response, MARKET_RESPONSES)
        base_year = check_year(base_year, "base_year")
        if base_year not in HISTORY_YEARS:
            raise InputError(f"argument 'base_year': must be one of the calibration years "
                             f"{HISTORY_YEARS[0]}-{HISTORY_YEARS[-1]}, got {base_year!r}")
        f = _positive_fraction("other_destinations", other_destinations)
        if not isinstance(other_growth, Real) or isinstance(other_growth, bool) or \
                not -0.5 <= other_growth <= 1.0:
            raise InputError(f"argument 'other_growth': must be a number in [-0.5, 1], got "
                             f"{other_growth!r}")
        prior = None
        if market_response == "elasticity" and elasticity_prior is not None:
            try:
                prior = (float(elasticity_prior[0]), float(elasticity_prior[1]))
            except (TypeError, ValueError, IndexError):
                prior = None
            if prior is None or not (np.isfinite(prior[0]) and prior[1] > 0):
                raise InputError(f"argument 'elasticity_prior': must be (mean, sd) with sd > 0, "
                                 f"or None; got {elasticity_prior!r}")
        if fit_years is None:
            years = list(range(HISTORY_YEARS[0], base_year + 1))
        else:
            if isinstance(fit_years, str) or not isinstance(fit_years, Iterable):
                raise InputError(f"argument 'fit_years': expected a sequence of years, got "
                                 f"{fit_years!r}")
            years = sorted({check_year(y, "fit_years") for y in fit_years})
        bad = [y for y in years if y not in HISTORY_YEARS or y > base_year]
        if bad or len(years) < 3:
            raise InputError(f"argument 'fit_years': need at least 3 years within "
                             f"{HISTORY_YEARS[0]}-{base_year} (the base year); got {years} "
                             f"(invalid: {bad})")
        hist = history.copy()
        hist["other_exports_eur"] = f * hist["exports_eur"]
        hist["nl_market_share"] = (1 - f) * hist["exports_eur"] / hist["eu_market_eur"]
        hist["domestic_share"] = hist["domestic_eur"] / hist["materiel_spending_eur"]
        hist["in_fit"] = hist.index.isin(years)
        log_market = np.log(hist["eu_market_eur"].to_numpy(float) /
                            float(hist.loc[base_year, "eu_market_eur"]))
        all_t = hist.index.to_numpy(dtype=float) - base_year
        x_all = log_market if market_response == "elasticity" else all_t
        fit = hist.index.isin(years)
        # m: ln m on (ln M - ln M_b) or on (year - base year)
        res = OLS(np.log(hist.loc[fit, "nl_market_share"].to_numpy()),
                     add_constant(x_all[fit], has_constant="add")).fit()
        slope_ols, se_ols = float(res.params[1]), float(res.bse[1])
        slope, se = slope_ols, se_ols
        if prior is not None:  # normal prior on the elasticity = 1 + slope
            prec = 1 / se_ols ** 2 + 1 / prior[1] ** 2
            slope = (slope_ols / se_ols ** 2 + (prior[0] - 1) / prior[1] ** 2) / prec
            se = float(np.sqrt(1 / prec))
        level = float(np.mean(np.log(hist.loc[fit, "nl_market_share"])) - slope * x_all[fit].mean())
        resid_m = np.log(hist.loc[fit, "nl_market_share"].to_numpy()) - level - slope * x_all[fit]
        df_m = int(res.df_resid)
        rows = {"m": {"log_level": level, "slope": slope, "se_level": float(res.bse[0]),
                      "se_slope": se, "regressor": "log_market" if market_response ==
                      "elasticity" else "year", "slope_ols": slope_ols, "se_slope_ols": se_ols,
                      "sigma": float(np.sqrt(resid_m @ resid_m / df_m)),
                      "r_squared": float(res.rsquared), "nobs": int(res.nobs), "df": df_m}}
        hist["nl_market_share_on_trend"] = np.exp(level + slope * x_all)
        # d: a constant log level (no trend: the 2019-2025 trend is +0.1% a year, s.e. 2.6%)
        log_d = np.log(hist.loc[fit, "domestic_share"].to_numpy())
        df_d = len(log_d) - 1
        rows["d"] = {"log_level": float(log_d.mean()), "slope": 0.0,
                     "se_level": float(log_d.std(ddof=1) / np.sqrt(len(log_d))), "se_slope": 0.0,
                     "regressor": "none", "slope_ols": 0.0, "se_slope_ols": 0.0,
                     "sigma": float(log_d.std(ddof=1)), "r_squared": 0.0,
                     "nobs": len(log_d), "df": df_d}
        hist["domestic_share_on_trend"] = np.exp(log_d.mean())
        params = pd.DataFrame.from_dict(rows, orient="index")
        params.index.name = "equation"
        hist["export_share_fitted"] = hist["exports_eur"] / hist["ds_turnover_eur"]
        x_trend = hist["nl_market_share_on_trend"] * hist["eu_market_eur"] + \
            hist["other_exports_eur"]
        d_trend = hist["domestic_share_on_trend"] * hist["materiel_spending_eur"]
        hist["export_share_trend"] = x_trend / (x_trend + d_trend)
        level_se = None
        base = hist.loc[base_year, ["exports_eur", "domestic_eur", "eu_market_eur",
                                    "materiel_spending_eur"]].astype(float)
        if survey_totals is not None:
            (x_b, x_se), (d_b, d_se) = survey_totals["export_ds_eur"], \
                survey_totals["domestic_ds_eur"]
            if not (x_b > 0 and d_b > 0):
                raise InputError(f"argument 'survey': weighted exports and domestic D&S "
                                 f"turnover in {base_year} must be > 0, got {x_b} and {d_b}")
            base["exports_eur"], base["domestic_eur"] = x_b, d_b
            level_se = np.array([x_se / x_b, d_se / d_b])  # delta method on the log
            params["se_level"] = level_se  # the base-year levels' sampling errors
        digest = data_hash({"history": hist.drop(columns=["filled", "sources"]),
                            "survey": survey_totals or {}, "fit_years": years,
                            "market_response": market_response, "prior": prior or []})
        return cls(base_year=base_year, calibration=hist, params=params, base=base,
                   level_source=level_source, other_destinations=f,
                   other_growth=float(other_growth), synthetic=synthetic, data_hash=digest,
                   market_response=market_response, _level_se=level_se)

    @property
    def elasticity(self) -> float:
        """The export elasticity to the European market, ``1 + slope`` of the ``m`` equation
        (NaN under ``market_response="trend"``)."""
        if self.market_response != "elasticity":
            return float("nan")
        return 1.0 + float(self.params.loc["m", "slope"])

    def kernel(self) -> TradeKernel:
        """The model function of :meth:`simulate`, also run inside the outlook's.

        Returns
        -------
        TradeKernel
            The calibrated equations: slope, residual variances, base-year levels and the
            other destinations, as a picklable function of a
            :class:`~nldtib_forecast.simulation.SimulationContext` (also run inside
            :class:`~nldtib_forecast.models.outlook.Outlook`).

        Examples
        --------
        >>> kernel = ExportShareModel.from_published().kernel()
        >>> kernel.regressor, round(kernel.slope, 2)
        ('log_market', -0.51)
        """
        p = self.params
        return TradeKernel(
            slope=float(p.loc["m", "slope"]), slope_se=float(p.loc["m", "se_slope"]),
            regressor=str(p.loc["m", "regressor"]),
            s2=p.loc[list(_EQUATIONS), "sigma"].to_numpy(dtype=float) ** 2,
            df=p.loc[list(_EQUATIONS), "df"].to_numpy(dtype=int),
            level_se=self._level_se,
            base=(float(self.base["exports_eur"]), float(self.base["domestic_eur"]),
                  float(self.base["eu_market_eur"]), float(self.base["materiel_spending_eur"])),
            other_share=self.other_destinations, other_growth=self.other_growth)

    # -- history and fit ----------------------------------------------------------------------
    def history(self) -> pd.DataFrame:
        """Calibrated history: published vs fitted export shares, shares and markets.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year`` (2019-2025): ``export_share_published`` (NaN in 2024),
            ``export_share_fitted`` (the model identity ``X / (X + D)`` at the calibrated
            shares ``m_t`` and ``d_t``: it reproduces the published shares within rounding),
            ``export_share_trend`` (at the trend values of ``m`` and ``d`` only: the smooth
            path the projections continue), ``nl_market_share`` (m) and ``domestic_share``
            (d) with their trend values (``*_on_trend``), the money series (EUR), ``in_fit``
            (year used by the trend regressions) and the ``filled`` and ``sources`` notes.

        See Also
        --------
        fit_statistics : The fit to the published export shares in numbers.
        plot_history : The same history as a chart.
        calibration_history : The published series behind it.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_published()
        >>> hist = model.history()
        >>> hist.loc[2025, ['export_share_published', 'export_share_fitted']].round(3)
        export_share_published    0.36
        export_share_fitted       0.36
        Name: 2025, dtype: float64
        """
        cols = ["export_share_published", "export_share_fitted", "export_share_trend",
                "nl_market_share", "nl_market_share_on_trend", "domestic_share",
                "domestic_share_on_trend", "exports_eur", "domestic_eur", "ds_turnover_eur",
                "eu_market_eur", "materiel_spending_eur", "other_exports_eur", "in_fit",
                "filled", "sources"]
        return self.calibration[cols].copy()

    def fit_statistics(self) -> pd.DataFrame:
        """How well the model fits the published export shares (percentage points).

        Returns
        -------
        pandas.DataFrame
            One row per measure: ``max_abs_fitted_pp`` (largest gap between the calibrated
            and the published export share), ``rmse_trend_pp`` and ``max_abs_trend_pp`` (the
            path of the fitted equations against the published shares), and the R-squared
            and residual standard deviation of the two equations.

        See Also
        --------
        history : The calibrated history year by year.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_published()
        >>> model.fit_statistics().round(2)
                            value
        max_abs_fitted_pp    0.78
        rmse_trend_pp        3.03
        max_abs_trend_pp     6.38
        r_squared_m          0.89
        r_squared_d          0.00
        sigma_m              0.08
        sigma_d              0.12
        n_published_shares   6.00
        """
        h = self.calibration
        pub = h["export_share_published"]
        ok = pub.notna()
        gap_fit = 100 * (h["export_share_fitted"] - pub)[ok]
        gap_trend = 100 * (h["export_share_trend"] - pub)[ok]
        values = {
            "max_abs_fitted_pp": float(gap_fit.abs().max()),
            "rmse_trend_pp": float(np.sqrt((gap_trend ** 2).mean())),
            "max_abs_trend_pp": float(gap_trend.abs().max()),
            "r_squared_m": float(self.params.loc["m", "r_squared"]),
            "r_squared_d": float(self.params.loc["d", "r_squared"]),
            "sigma_m": float(self.params.loc["m", "sigma"]),
            "sigma_d": float(self.params.loc["d", "sigma"]),
            "n_published_shares": int(ok.sum()),
        }
        return pd.Series(values, name="value").to_frame()

    @property
    def interval_contents(self) -> str:
        """What the projection intervals include and what they do not."""
        what = ("export elasticity" if self.market_response == "elasticity" else
                "log-linear trend of the market share m")
        text = (f"parameter uncertainty of the {what} and the residual variances of m and "
                f"the domestic ratio d (drawn from their posterior given "
                f"{int(self.params['nobs'].min())} years) and year-to-year deviations of m and "
                "d from their equations")
        if self.level_source == "survey":
            text += "; survey sampling uncertainty of the base-year levels"
        return text + ("; not included: uncertainty of the European market, Dutch spending and "
                       "GDP paths (scenario assumptions), revisions and trend breaks in the "
                       "published series, model misspecification")

    # -- projection ---------------------------------------------------------------------------
    def simulate(self, scenarios=None, horizon: int = 2035, n_draws: int = DEFAULT_N_DRAWS,
                 seed: int | np.random.Generator | None = DEFAULT_SEED, n_jobs: int | None = 1,
                 progress: bool | None = None, *, chunk_size: int | None = None
                 ) -> ScenarioResult:
        """Project the export share and its parts under scenarios.

        The verb and defaults are those of every model (:meth:`CapacityModel.simulate
        <nldtib_forecast.models.capacity.CapacityModel.simulate>`, :meth:`Outlook.simulate
        <nldtib_forecast.models.outlook.Outlook.simulate>`); ``project`` is the old name.

        Parameters
        ----------
        scenarios : Scenario, str or sequence, optional
            Default: ``current_conditions`` and the built-in trade scenarios
            (:func:`~nldtib_forecast.models.trade.builtin_scenarios`). Strings name built-in
            trade scenarios or scenarios of :func:`nldtib_forecast.scenarios.builtin`.
        horizon : int, default 2035
            Last projected year.
        n_draws : int, default 1000
            Monte Carlo draws per scenario.
        seed : int, SeedSequence, Generator or None, default 0
            Root seed, recorded in the result: the same seed gives the same numbers (``None``:
            fresh entropy).
        n_jobs : int or None, default 1
            joblib workers; results do not depend on it.
        progress : bool or None
            Progress bar (None: only in a terminal or notebook for long runs).
        chunk_size : int, optional
            Draws per task; results do not depend on it.

        Returns
        -------
        ScenarioResult
            Years ``base_year .. horizon`` (the base year holds the observed values, without
            spread); variables :data:`OUTPUT_UNITS`: ``export_share``, ``exports_eur``,
            ``domestic_eur``, ``ds_turnover_eur``, ``nl_market_share`` (m),
            ``eu_market_eur`` (M), ``materiel_spending_eur`` (P), ``domestic_share`` (d).

        Raises
        ------
        nldtib_forecast.InputError
            A horizon not after the base year (or after 2100), unknown scenarios or
            drivers, a bad ``n_draws``, ``seed`` or ``n_jobs``.

        See Also
        --------
        builtin_scenarios : The built-in trade scenarios.
        nldtib_forecast.simulation.simulate : The engine.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_published()
        >>> res = model.simulate(["current_conditions", "share_recovery"], horizon=2030,
        ...                      n_draws=500, seed=1)
        >>> res.summary_frame("export_share", year=2030)["median"].round(2)
        scenario            year
        current_conditions  2030    0.34
        share_recovery      2030    0.36
        Name: median, dtype: float64
        """
        from nldtib_forecast.simulation import simulate

        horizon = check_year(horizon, "horizon")
        if not self.base_year < horizon <= 2100:
            raise InputError(f"argument 'horizon': must be a year after the base year "
                             f"{self.base_year} (and <= 2100), got {horizon!r}")
        trade = builtin_scenarios()
        if scenarios is None:
            scenarios = ["current_conditions", *trade.values()]
        elif isinstance(scenarios, str):
            scenarios = trade.get(scenarios, scenarios)
        elif isinstance(scenarios, (list, tuple)):
            scenarios = [trade.get(s, s) if isinstance(s, str) else s for s in scenarios]
        kernel = self.kernel()
        return simulate(
            kernel, scenarios, list(range(self.base_year, int(horizon) + 1)), n_draws,
            seed=seed, n_jobs=n_jobs, chunk_size=chunk_size, progress=progress,
            drivers=_DRIVER_NAMES,
            method=f"export share model (m x M + d x P), levels from {self.level_source} "
                   f"data, market response ({self.market_response}) estimated on "
                   f"2019-{self.base_year}, Monte Carlo",
            units=OUTPUT_UNITS, interval_contents=self.interval_contents,
            data_hash=self.data_hash, synthetic=self.synthetic,
            created_by="nldtib_forecast.models.trade.ExportShareModel.simulate",
            extra={"base_year": self.base_year, "level_source": self.level_source,
                   "other_destinations": self.other_destinations})

    def project(self, *args: Any, **kwargs: Any) -> ScenarioResult:
        """Deprecated name of :meth:`simulate` (same arguments), kept for one release.

        Parameters
        ----------
        *args, **kwargs
            The arguments of :meth:`simulate`.

        Returns
        -------
        ScenarioResult
            The result of :meth:`simulate`; a ``DeprecationWarning`` is issued.

        Examples
        --------
        >>> import warnings
        >>> model = ExportShareModel.from_published()
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     res = model.project(horizon=2027, n_draws=10)
        >>> str(caught[0].message)
        'ExportShareModel.project is deprecated; use ExportShareModel.simulate (same arguments)'
        """
        warnings.warn("ExportShareModel.project is deprecated; use ExportShareModel.simulate "
                      "(same arguments)", DeprecationWarning, stacklevel=2)
        return self.simulate(*args, **kwargs)

    # -- display ------------------------------------------------------------------------------
    def summary(self) -> str:
        """Text summary: calibration, trends with standard errors, fit.

        Returns
        -------
        str
            Several lines: the model and base year, the base-year levels (EUR), each
            equation's estimates with standard errors and residual spread, and the fit to
            the published export shares.

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_published()
        >>> print(model.summary().splitlines()[0])
        Export share model: exports = m x M (+ other), domestic = d x P; base year 2025; ...
        """
        p, fit = self.params, self.fit_statistics()["value"]
        lines = [
            f"Export share model: exports = m x M (+ other), domestic = d x P; base year "
            f"{self.base_year}; levels from {self.level_source} data"
            + (" (SYNTHETIC)" if self.synthetic else ""),
            "  M: EDA equipment procurement, EU member states (EUR); P: Dutch MoD materiel "
            "spending (EUR)",
            f"  base year: exports {eur(self.base['exports_eur'], scale='bn')}, domestic "
            f"{eur(self.base['domestic_eur'], scale='bn')}, M "
            f"{eur(self.base['eu_market_eur'], scale='bn', decimals=1)}, P "
            f"{eur(self.base['materiel_spending_eur'], scale='bn')}",
            "",
            "Equations (OLS, years " + ", ".join(
                str(y) for y in self.calibration.index[self.calibration["in_fit"]]) + "):",
        ]
        r = p.loc["m"]
        if self.market_response == "elasticity":
            lines.append(
                f"  m (Dutch share of the European market): ln m on ln M; export elasticity "
                f"{1 + r['slope']:.2f} (s.e. {r['se_slope']:.2f}; OLS {1 + r['slope_ols']:.2f}, "
                f"s.e. {r['se_slope_ols']:.2f}), residual s.d. "
                f"{r['sigma']:.3f}, R2 {r['r_squared']:.2f}, df {int(r['df'])}")
        else:
            lines.append(
                f"  m (Dutch share of the European market): trend {np.expm1(r['slope']):+.1%} a "
                f"year (log s.e. {r['se_slope']:.3f}), residual s.d. {r['sigma']:.3f}, R2 "
                f"{r['r_squared']:.2f}, df {int(r['df'])}")
        r = p.loc["d"]
        lines.append(f"  d (domestic turnover / materiel spending): constant level "
                     f"{np.exp(r['log_level']):.3f}, residual s.d. {r['sigma']:.3f}, df "
                     f"{int(r['df'])}")
        lines += [
            "",
            f"Fit to the published export shares ({int(fit['n_published_shares'])} years): "
            f"calibrated history within {fit['max_abs_fitted_pp']:.2f} pp; fitted equations "
            f"RMSE {fit['rmse_trend_pp']:.1f} pp (max {fit['max_abs_trend_pp']:.1f} pp).",
            f"{int(p['nobs'].min())} annual observations, several of them interpolated: the "
            "estimates are uncertain and the projection intervals wide.",
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        table = self.history()[["export_share_published", "export_share_fitted",
                                "export_share_trend", "nl_market_share", "domestic_share"]]
        return ("<pre>" + html.escape(self.summary()) + "</pre>"
                + table.to_html(float_format=lambda v: f"{v:.3f}"))

    def plot_history(self, ax=None):
        """Published, fitted and trend export shares 2019-2025.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 7 x 3.8 inch figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on: the published shares (points, gid ``"published"``), the
            fitted shares (gid ``"fitted"``) and the trend (line, gid ``"trend"``).

        Examples
        --------
        >>> from nldtib_forecast.models.trade import ExportShareModel
        >>> model = ExportShareModel.from_published()
        >>> ax = model.plot_history()
        >>> ax.get_ylabel()
        'export share of D&S turnover'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _fig, ax = plt.subplots(figsize=(7.0, 3.8), layout="constrained")
        from matplotlib.ticker import MultipleLocator, PercentFormatter

        h = self.history()
        x = h.index.to_numpy()
        ax.plot(x, h["export_share_published"], "o", color="k", label="published",
                gid="published")
        ax.plot(x, h["export_share_fitted"], "s", mfc="none", color="C1",
                label="fitted (calibrated m, d)", gid="fitted")
        ax.plot(x, h["export_share_trend"], "-", color="C0", label="trend", gid="trend")
        ax.yaxis.set_major_locator(MultipleLocator(0.05))
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_xlabel("year")
        ax.set_ylabel("export share of D&S turnover")
        ax.legend(frameon=False, fontsize="small")
        return ax
