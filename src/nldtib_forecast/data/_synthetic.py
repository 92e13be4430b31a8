"""The synthetic NLDTIB survey: a firm-level population calibrated to every published figure.

The ministry's survey microdata are confidential. To develop, test and demonstrate the library
without them, :func:`synthetic_survey` builds a synthetic NLDTIB *population* of firms for the
reference years 2019-2025 and draws a stratified *respondent sample* from it, both in the survey
schema (:mod:`nldtib_forecast.data._schema`). The frame is labelled synthetic
(``df.attrs["synthetic"] is True``) and every output computed from it must say so.

Calibration targets
-------------------
The population reproduces the published figures below; :func:`calibration_targets` returns this
list as a table (with the source of each value and the tolerance the tests check).

=============================  ==========================================  ====================
target                         value                                       source
=============================  ==========================================  ====================
firms                          932 (2019), 1,050 (2023), 1,503 (2025)      B24 p.7/p.68; L26
firms by size class, 2023      460 / 332 / 133 / 53 / 55 / 17              B24 pp.11, 13
firms by domain, 2023          land 509, security 200, maritime 198,       B24 p.13
                               air/space 143
D&S turnover                   4.2, 4.5, 4.7, 5.7, 7.7 bn (2019-2023);     B24 p.7; L26
                               8.0 bn (2024); 10.2 bn (2025)
D&S share of total turnover    8.4, 9.7, 10.6, 12.2, 14.9% (2019-2023);    B24 p.7; L26
                               10.2% (2025)
D&S exports                    2.10, 2.17, 2.57, 2.57, 3.33 bn (2019-23)   B24 p.7
export share                   36% (2025)                                  L26
total FTE, D&S FTE             B24 series 2019-2023                        B24 p.7
OEM share of firms             19% (2023), ~20% (2025)                     B24 p.15; L26
no cost pass-through           ~14% of firms (2025)                        L26
financing challenges           36% (2023), ~1 in 3 (2025)                  B24 p.62; L26
scale-up (D&S-turnover         33% current, 67% improved (2025)            L26
weighted)
concentration                  20% of firms earn ~85% of turnover (2023)   B24 p.26
expectations                   >70% expect growth, ~36% > 10% (2023)       B24 p.39
=============================  ==========================================  ====================

Assumptions (where no figure is published)
------------------------------------------
* **Firm counts 2020-2022 and 2024** are linear interpolations between the published counts
  (932 in 2019, 1,050 in 2023, 1,503 in 2025). The 2019 count is the B22 edition's population
  (932 firms), shown by B24 under data year 2019. Part of the 2023-2025 growth is a change in
  scope (a trend break); the synthetic population treats all of it as entry.
* **D&S share 2024** (12.55%) interpolates linearly between 14.9% (2023) and 10.2% (2025);
  **export share 2024** (39.5%) between B24's 43% (2023) and L26's 36% (2025). D&S exports for
  2019-2023 are calibrated to B24's euro levels (so the implied shares differ from B24's rounded
  percentages by less than one point); for 2024-2025 exports are share x turnover.
* **FTE 2024-2025** are not published: total (D&S) FTE grow with total (D&S) turnover deflated
  by CPI and 1% labour productivity growth a year from the 2023 ratio.
* **Entry and exit.** Firms exit at 3% a year, independently of their characteristics;
  entrants fill the gap to the next year's count. Entrants of 2024-2025 are more often in
  intelligent systems (the letter: growth "mainly in intelligent systems"), smaller, less
  export-oriented and much less D&S-dependent (the letter: the D&S share falls "because of many
  entrants").
* **Classification is fixed per firm** (size class, domain, NLD area, chain position, private
  equity status, cost pass-through behaviour). The size class is that of the sampling frame
  and is not re-derived from each year's FTE.
* **Prices and costs.** Firm unit-cost changes scatter around a yearly mean (2.5% in 2019 up to
  9% in 2022, 3.5% in 2025, below Dutch CPI peaks); a firm passes on all (``full``), half
  (``partial``) or none (``none``) of its cost change to its D&S prices, plus noise. Turnover
  growth is therefore mostly volume, as the letter concludes; the pass-through rates are in
  ``df.attrs["true_pass_through"]``.
* **Private equity.** PE backing is more likely for young firms, NLD-area firms and smaller
  firms; those firms also grow faster for other reasons (confounding). PE-backed firms' D&S
  turnover grows by a known additive premium on top; the population value of the premium (the
  average effect on continuing firms' growth rate) is in ``df.attrs["true_pe_premium"]``.
* **Scale-up.** Scale-up under improved conditions exceeds current scale-up by a gap that is
  larger for firms naming the order, procurement or labour barriers. Barrier shares are
  assumptions (orders 55%, procurement 45%; labour 42% and materials 42% from BT25 p.19).
* **Edition questions** (scale-up, barriers, pass-through, expectations) are filled in 2025,
  the last data year of the 2026 edition; financing challenges and growth expectations also in
  2023 (B24). All other years hold missing values, as in real microdata.
* **Respondents (default, ``design="census_nonresponse"``).** As in the real survey, every
  firm of the frame (the firms that belong to the population in any year 2019-2025) is asked
  and some answer. A firm responds with probability ``expit(a + s_size + e_area)``
  (:data:`RESPONSE_MODEL`): response rises with size (from about 20% of the smallest to 75%
  of the largest firms at the average area effect) and differs by NLD area; ``a`` is set so
  that the expected response rate is 27.2%, B24's response (the realised rate varies with
  the seed). The respondents are weighted from the frame's counts by size class x NLD area
  with :func:`~nldtib_forecast.survey.weight_respondents` (response homogeneity groups,
  collapsed to at least 10 respondents): response is missing at random given the groups, as
  the weighting assumes. Respondents report all their years.
* **Stratified sample (``design="stratified"``).** The earlier design: a stratified simple
  random sample without replacement of the frame's firms; strata are size class x domain;
  sampling fractions rise with size (20% of the smallest to all of the largest firms, about
  27% overall). Design weights are ``N_h / n_h``.

All calibrations are exact up to floating point (yearly scale factors and logit shifts solved
by root finding) unless the table of targets gives a tolerance.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from nldtib_forecast._errors import InputError, check_option
from nldtib_forecast.data._schema import CATEGORIES, COLUMNS
from nldtib_forecast.data._weighting import AttrsDict, frame_counts, weight_respondents

__all__ = ["synthetic_survey", "draw_sample", "draw_respondents", "response_probability",
           "calibration_targets",
           "TRUE_PARAMETERS", "RESPONSE_MODEL", "DESIGNS"]

YEARS = np.arange(2019, 2026)

# ---------------------------------------------------------------------------------------------
# Targets. Each entry: indicator -> {year: (value, source, kind)}; kind is "published",
# "interpolated" or "assumption". Tolerances are relative unless stated (see calibration_targets).
# ---------------------------------------------------------------------------------------------
_B24 = "B24 p.7"
_L26 = "L26"
_FIRMS: dict[int, float] = {2019: 932, 2023: 1050, 2025: 1503}
_DS_TURNOVER = {2019: 4.2e9, 2020: 4.5e9, 2021: 4.7e9, 2022: 5.7e9, 2023: 7.7e9,
                2024: 8.0e9, 2025: 10.2e9}
_DS_SHARE = {2019: 0.084, 2020: 0.097, 2021: 0.106, 2022: 0.122, 2023: 0.149, 2025: 0.102}
_DS_EXPORT = {2019: 2.10e9, 2020: 2.17e9, 2021: 2.57e9, 2022: 2.57e9, 2023: 3.33e9}
_EXPORT_SHARE = {2019: 0.50, 2020: 0.49, 2021: 0.54, 2022: 0.45, 2023: 0.43, 2025: 0.36}
_FTE_TOTAL: dict[int, float] = {2019: 148_581, 2020: 149_348, 2021: 149_507, 2022: 172_647,
                                 2023: 180_504}
_FTE_DS: dict[int, float] = {2019: 16_929, 2020: 17_693, 2021: 18_651, 2022: 19_576, 2023: 22_453}
_CPI = {2024: 0.033, 2025: 0.033}  # CBS, used for the FTE assumption
_SIZE_2023 = {"0-25": 460, "25-100": 332, "100-250": 133, "250-500": 53, "500-2500": 55,
              "2500+": 17}
_DOMAIN_2023 = {"land": 509, "security": 200, "maritime": 198, "air_space": 143}

#: Parameters of the data-generating process that estimators should recover.
TRUE_PARAMETERS: dict[str, float] = {
    "pe_growth_premium_raw": 0.06,  # additive premium on the raw yearly D&S growth rate
    "pass_through_full": 1.0,
    "pass_through_partial": 0.5,
    "pass_through_none": 0.0,
    "exit_rate": 0.03,
}

#: The synthetic survey's response model: logit-scale effects of size class and NLD area on
#: a firm's probability to respond (the intercept is solved so that the expected response
#: rate is ``rate``). Assumptions; B24 publishes only the overall rate (27.2%, p.68).
RESPONSE_MODEL: dict = {
    "rate": 0.272,
    "size_class": {"0-25": -1.39, "25-100": -1.10, "100-250": -0.85, "250-500": -0.41,
                   "500-2500": 0.0, "2500+": 1.10},
    "nld_area": {"radars_sensors": 0.25, "intelligent_systems": -0.30, "space": 0.20,
                 "smart_materials": 0.0, "quantum": -0.25, "maritime": 0.15, "other": 0.0},
    "by": ("size_class", "nld_area"),
}
#: Designs of :func:`synthetic_survey`.
DESIGNS = ("census_nonresponse", "stratified")

_SIZE_FRACTIONS = {"0-25": 0.20, "25-100": 0.25, "100-250": 0.30, "250-500": 0.40,
                   "500-2500": 0.50, "2500+": 1.0}


def _interp(points: dict[int, float]) -> dict[int, float]:
    years = sorted(points)
    vals = np.interp(YEARS, years, [points[y] for y in years])
    return {int(y): float(v) for y, v in zip(YEARS, vals, strict=True)}


def _yearly_targets() -> dict[str, dict[int, float]]:
    firms = {y: float(np.rint(v)) for y, v in _interp(_FIRMS).items()}
    share = _interp(_DS_SHARE)
    export_share = _interp(_EXPORT_SHARE)
    ds_export = dict(_DS_EXPORT)
    for y in (2024, 2025):
        ds_export[y] = export_share[y] * _DS_TURNOVER[y]
    total = {y: _DS_TURNOVER[y] / share[y] for y in YEARS.tolist()}
    fte_total, fte_ds = dict(_FTE_TOTAL), dict(_FTE_DS)
    deflator = 1.0
    for y in (2024, 2025):
        deflator *= (1 + _CPI[y]) * 1.01
        fte_total[y] = _FTE_TOTAL[2023] * total[y] / total[2023] / deflator
        fte_ds[y] = _FTE_DS[2023] * _DS_TURNOVER[y] / _DS_TURNOVER[2023] / deflator
    return {
        "firms": firms,
        "ds_turnover_eur": dict(_DS_TURNOVER),
        "turnover_total_eur": total,
        "ds_turnover_share": share,
        "ds_export_eur": ds_export,
        "export_share": {y: ds_export[y] / _DS_TURNOVER[y] for y in YEARS.tolist()},
        "fte_total": fte_total,
        "fte_ds": fte_ds,
    }


def calibration_targets() -> pd.DataFrame:
    """Every target the synthetic population is calibrated to, with its source.

    Returns
    -------
    pandas.DataFrame
        One row per target with columns ``indicator, year, category, value, unit, kind,
        source, tolerance, tolerance_type``. ``kind`` is ``"published"`` (a published figure),
        ``"interpolated"`` (between published figures) or ``"assumption"``.
        ``tolerance_type`` is ``"relative"`` or ``"absolute"``; the tests check every row.

    See Also
    --------
    synthetic_survey : The survey calibrated to these targets.
    load_published : The published figures behind them.

    Examples
    --------
    >>> from nldtib_forecast.data import calibration_targets
    >>> t = calibration_targets()
    >>> row = t[(t.indicator == "ds_turnover_eur") & (t.year == 2025)].iloc[0]
    >>> float(row.value), row.source
    (10200000000.0, 'L26')
    """
    yt = _yearly_targets()
    rows: list[dict] = []

    def add(ind, year, value, unit, kind, source, tol, ttype="relative", category=""):
        rows.append(dict(indicator=ind, year=year, category=category, value=float(value),
                         unit=unit, kind=kind, source=source, tolerance=tol,
                         tolerance_type=ttype))

    for y, v in yt["firms"].items():
        pub = y in _FIRMS
        add("firms", y, v, "firms", "published" if pub else "interpolated",
            (_L26 if y == 2025 else "B24 p.7, p.68") if pub else "linear interpolation", 0.0)
    for y, v in _DS_TURNOVER.items():
        add("ds_turnover_eur", y, v, "EUR", "published", _L26 if y >= 2024 else _B24, 0.005)
    for y, v in yt["ds_turnover_share"].items():
        pub = y in _DS_SHARE
        add("ds_turnover_share", y, v, "fraction", "published" if pub else "interpolated",
            ("L26" if y == 2025 else "B24 p.7; L26" if y == 2023 else _B24) if pub else
            "linear interpolation 2023-2025", 0.005)
    for y, v in yt["ds_export_eur"].items():
        pub = y in _DS_EXPORT
        add("ds_export_eur", y, v, "EUR", "published" if pub else "interpolated",
            _B24 if pub else "export share x D&S turnover", 0.005)
    for y, v in _EXPORT_SHARE.items():
        # 2019-2023: calibrated to euro levels, so the rounded published share holds within
        # one percentage point; 2025 is calibrated exactly.
        add("export_share", y, v, "fraction", "published", "B24 p.36" if y < 2024 else _L26,
            0.01 if y < 2024 else 0.005, "absolute")
    for y, v in yt["fte_total"].items():
        add("fte_total", y, v, "FTE", "published" if y in _FTE_TOTAL else "assumption",
            _B24 if y in _FTE_TOTAL else "2023 FTE per EUR of turnover, CPI, +1% productivity",
            0.005)
    for y, v in yt["fte_ds"].items():
        add("fte_ds", y, v, "FTE", "published" if y in _FTE_DS else "assumption",
            _B24 if y in _FTE_DS else "2023 FTE per EUR of D&S turnover, CPI, +1% productivity",
            0.005)
    for k, v in _SIZE_2023.items():
        add("firms_by_size_class", 2023, v, "firms", "published", "B24 pp.11, 13", 0.0,
            category=k)
    for k, v in _DOMAIN_2023.items():
        add("firms_by_domain", 2023, v, "firms", "published", "B24 p.13", 0.0, category=k)
    add("oem_share", 2023, 0.19, "fraction", "published", "B24 p.15", 0.005, "absolute")
    add("oem_share", 2025, 0.20, "fraction", "published", "L26 (~20%)", 0.005, "absolute")
    add("no_cost_pass_through_share", 2025, 0.14, "fraction", "published", "L26 (~14%)",
        0.005, "absolute")
    add("financing_challenge_share", 2023, 0.36, "fraction", "published", "B24 p.62", 0.005,
        "absolute")
    add("financing_challenge_share", 2025, 1 / 3, "fraction", "published", "L26 (~1 in 3)",
        0.005, "absolute")
    add("scale_up_current", 2025, 0.33, "fraction", "published", _L26, 0.005)
    add("scale_up_improved", 2025, 0.67, "fraction", "published", _L26, 0.005)
    add("top20_turnover_share", 2023, 0.85, "fraction", "published", "B24 p.26 (~85%)", 0.03,
        "absolute")
    add("expect_growth_share", 2023, 0.70, "fraction", "published", "B24 p.39 (>70%)", 0.05,
        "absolute")
    add("expect_growth_above_10pct_share", 2023, 0.36, "fraction", "published",
        "B24 p.39 (~36%)", 0.05, "absolute")
    add("pe_backed_share", 2025, 0.12, "fraction", "assumption", "assumption", 0.04,
        "absolute")
    add("sample_fraction", 2025, 0.272, "fraction", "published", "B24 p.68 (response 27.2%)",
        0.02, "absolute")
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Generation helpers (all vectorised over firms; loops only over the 7 years)
# ---------------------------------------------------------------------------------------------
def _exact_labels(rng: np.random.Generator, counts: dict[str, int]) -> np.ndarray:
    labels = np.repeat(np.array(list(counts), dtype=object), list(counts.values()))
    return rng.permutation(labels)


def _gumbel_top_k(rng: np.random.Generator, logw: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask choosing ``k`` items without replacement with probability ~ exp(logw)."""
    keys = logw + rng.gumbel(size=logw.shape)
    mask = np.zeros(logw.shape, dtype=bool)
    if k > 0:
        mask[np.argsort(-keys, kind="stable")[:k]] = True
    return mask


def _solve_shift(base_logit: np.ndarray, weights: np.ndarray, target: float,
                 invert: bool = False) -> float:
    """Scalar ``b`` with ``sum(weights * expit(base + b)) == target``.

    With ``invert=True`` solves ``sum(weights / expit(base + b)) == target`` instead.
    """
    if invert:
        def f(b):
            return np.sum(weights / expit(base_logit + b)) - target
    else:
        def f(b):
            return np.sum(weights * expit(base_logit + b)) - target
    return brentq(f, -40.0, 40.0, xtol=1e-14, rtol=1e-15, maxiter=500)


def _firm_universe(rng: np.random.Generator, firms: dict[int, float]):
    """Entry and exit years of every firm; exact yearly counts."""
    n0 = int(firms[2019])
    entry = [2019 - np.floor(rng.exponential(12.0, n0)).astype(int)]
    entry[0] = np.clip(entry[0], 1950, 2019)
    exit_year = [np.full(n0, 9999)]
    alive = np.ones(n0, dtype=bool)
    for y in YEARS[1:]:
        exits = alive & (rng.random(alive.size) < TRUE_PARAMETERS["exit_rate"])
        exit_all = np.concatenate(exit_year)
        exit_all[exits] = y
        survivors = int((alive & ~exits).sum())
        n_new = int(firms[int(y)]) - survivors
        if n_new < 0:  # pragma: no cover - impossible with the published counts
            raise RuntimeError("firm counts fall faster than exits allow")
        entry.append(np.full(n_new, y))
        exit_year = [exit_all, np.full(n_new, 9999)]
        alive = np.concatenate([alive & ~exits, np.ones(n_new, dtype=bool)])
    return np.concatenate(entry), np.concatenate(exit_year)


def _draw(rng, labels, probs, n):
    p = np.asarray(probs, dtype=float)
    return rng.choice(np.array(labels, dtype=object), size=n, p=p / p.sum())


@lru_cache(maxsize=8)
def _population_cached(seed: int) -> pd.DataFrame:
    return _build_population(seed)


def _build_population(seed: int) -> pd.DataFrame:
    targets = _yearly_targets()
    ss = np.random.SeedSequence(seed)
    rng_u, rng_a, rng_d, rng_p = (np.random.default_rng(s) for s in ss.spawn(4))

    # --- firms and their life spans -----------------------------------------------------------
    entry, exit_year = _firm_universe(rng_u, targets["firms"])
    n = entry.size
    first = np.maximum(entry, 2019)
    alive = (YEARS[None, :] >= first[:, None]) & (YEARS[None, :] < exit_year[:, None])
    a23 = alive[:, YEARS.tolist().index(2023)]
    a25 = alive[:, -1]
    late = entry >= 2024  # entrants of the 2026 edition

    # --- fixed classifications ---------------------------------------------------------------
    sizes = CATEGORIES["size_class"]
    size = _draw(rng_a, sizes, list(_SIZE_2023.values()), n)
    size[late] = _draw(rng_a, sizes, [0.45, 0.28, 0.12, 0.07, 0.055, 0.025], late.sum())
    size[a23] = _exact_labels(rng_a, _SIZE_2023)
    domain = _draw(rng_a, list(_DOMAIN_2023), list(_DOMAIN_2023.values()), n)
    domain[a23] = _exact_labels(rng_a, _DOMAIN_2023)
    areas = CATEGORIES["nld_area"]
    p_area = np.array([0.10, 0.14, 0.05, 0.06, 0.02, 0.08, 0.55])
    p_area_late = np.array([0.08, 0.48, 0.06, 0.05, 0.04, 0.05, 0.24])
    u = rng_a.random(n)
    cum = np.where(late[:, None], np.cumsum(p_area_late), np.cumsum(p_area))
    area = np.array(areas, dtype=object)[np.minimum((u[:, None] > cum).sum(1), 6)]
    # maritime-domain firms are often in the DSII maritime focus area
    area[(domain == "maritime") & (rng_a.random(n) < 0.35) & (area == "other")] = "maritime"
    size_idx = pd.Categorical(size, categories=sizes).codes.astype(int)

    # chain position: exactly 19% OEMs in 2023 and 20% in 2025, larger firms more often
    oem = _gumbel_top_k(rng_a, np.where(a23, 0.45 * size_idx, -np.inf), round(0.19 * a23.sum()))
    k_late = round(0.20 * a25.sum()) - int((oem & a25).sum())
    pool = a25 & ~a23
    oem |= _gumbel_top_k(rng_a, np.where(pool, 0.45 * size_idx, -np.inf), k_late)
    rest = ~oem & ~a23 & ~pool
    oem |= rest & (rng_a.random(n) < 0.19)
    chain = _draw(rng_a, ["tier1", "tier2", "tier3", "services", "logistics"],
                  [0.25, 0.30, 0.15, 0.22, 0.08], n)
    chain[oem] = "oem"

    # private equity: young, NLD-area and smaller firms more often
    nld = np.isin(area, ["radars_sensors", "intelligent_systems", "space", "smart_materials",
                         "quantum"])
    young = entry >= 2020
    logit_pe = -3.2 + 1.3 * young + 0.7 * nld - 0.25 * size_idx + 0.5 * late
    pe = rng_a.random(n) < expit(logit_pe)

    # cost pass-through behaviour: exactly 14% "none" among 2025 firms
    none_pt = _gumbel_top_k(rng_a, np.where(a25, 0.3 * (size_idx <= 1), -np.inf),
                            round(0.14 * a25.sum()))
    none_pt |= ~a25 & (rng_a.random(n) < 0.14)
    passes = np.where(rng_a.random(n) < 0.52, "partial", "full").astype(object)
    passes[none_pt] = "none"
    pi = np.select([passes == "full", passes == "partial"],
                   [TRUE_PARAMETERS["pass_through_full"],
                    TRUE_PARAMETERS["pass_through_partial"]],
                   TRUE_PARAMETERS["pass_through_none"])

    # --- levels in the firm's first year -------------------------------------------------------
    lo = np.array([1, 25, 100, 250, 500, 2500], dtype=float)[size_idx]
    hi = np.array([25, 100, 250, 500, 2500, 2500], dtype=float)[size_idx]
    emp = np.exp(rng_d.uniform(np.log(lo), np.log(hi)))
    top = size_idx == 5
    emp[top] = 2500 * (1 + rng_d.pareto(3.0, top.sum()))
    emp = np.minimum(emp, 40_000)
    productivity = np.exp(rng_d.normal(np.log(250e3), 0.35, n))
    total0 = emp * productivity
    a_logit = rng_d.normal(-1.7, 1.7, n) - 1.7 * late - 0.15 * (size_idx - 2)
    ds0 = expit(a_logit) * total0
    c_logit = rng_d.normal(0.2, 1.4, n) + 0.6 * oem + 0.15 * size_idx - 1.0 * late
    e_logit = a_logit + rng_d.normal(0.0, 0.3, n)

    # --- D&S turnover dynamics (raw), with a known PE premium ---------------------------------
    mu = np.array([0.0, 0.06, 0.03, 0.19, 0.32, 0.02, 0.20])
    beta = 0.05 * nld + 0.03 * (area == "maritime") + 0.03 * (size_idx <= 1) + 0.05 * young
    eps = rng_d.normal(0.0, 0.15, (n, YEARS.size))
    g0 = mu[None, :] + beta[:, None] + eps
    delta = TRUE_PARAMETERS["pe_growth_premium_raw"]
    factor0 = np.maximum(1.0 + g0, 0.2)
    factor1 = np.maximum(1.0 + g0 + delta, 0.2)
    factor = np.where(pe[:, None], factor1, factor0)
    raw = np.full((n, YEARS.size), np.nan)
    for j in range(YEARS.size):  # loop over 7 years, vectorised over firms
        start = first == YEARS[j]
        raw[start, j] = ds0[start]
        if j:
            cont = alive[:, j] & alive[:, j - 1]
            raw[cont, j] = raw[cont, j - 1] * factor[cont, j]

    # --- yearly calibration ----------------------------------------------------------------------
    ds = np.full_like(raw, np.nan)
    total = np.full_like(raw, np.nan)
    export = np.full_like(raw, np.nan)
    fte_total = np.full_like(raw, np.nan)
    fte_ds = np.full_like(raw, np.nan)
    scale = np.empty(YEARS.size)
    for j, y in enumerate(YEARS.tolist()):
        m = alive[:, j]
        scale[j] = targets["ds_turnover_eur"][y] / raw[m, j].sum()
        ds[m, j] = raw[m, j] * scale[j]
        b = _solve_shift(a_logit[m], ds[m, j], targets["turnover_total_eur"][y], invert=True)
        total[m, j] = ds[m, j] / expit(a_logit[m] + b)
        d = _solve_shift(c_logit[m], ds[m, j], targets["ds_export_eur"][y])
        export[m, j] = ds[m, j] * expit(c_logit[m] + d)
        fte_raw = total[m, j] / productivity[m]
        fte_total[m, j] = fte_raw * targets["fte_total"][y] / fte_raw.sum()
        k = _solve_shift(e_logit[m], fte_total[m, j], targets["fte_ds"][y])
        fte_ds[m, j] = fte_total[m, j] * expit(e_logit[m] + k)

    # true PE premium: average effect on continuing firms' growth rate, after calibration
    true_premium = {}
    for j in range(1, YEARS.size):
        cont = alive[:, j] & alive[:, j - 1]
        ratio = scale[j] / scale[j - 1]
        true_premium[int(YEARS[j])] = float(
            np.mean((factor1[cont, j] - factor0[cont, j]) * ratio))

    # --- prices and costs ----------------------------------------------------------------------
    c_bar = np.array([0.025, 0.02, 0.035, 0.09, 0.055, 0.04, 0.035])
    cost = c_bar[None, :] + rng_p.normal(0.0, 0.03, (n, YEARS.size))
    price = pi[:, None] * cost + rng_p.normal(0.0, 0.01, (n, YEARS.size))
    undefined = ~alive | (YEARS[None, :] == entry[:, None])  # no previous year in the NLDTIB
    cost[undefined] = np.nan
    price[undefined] = np.nan

    # --- edition questions ---------------------------------------------------------------------
    j23, j25 = YEARS.tolist().index(2023), YEARS.size - 1
    fin = np.zeros((n, YEARS.size), dtype=bool)
    fin_logw = 0.8 * (entry >= 2021) + 0.5 * (size_idx <= 1) - 0.4 * pe
    fin[:, j23] = _gumbel_top_k(rng_p, np.where(a23, fin_logw, -np.inf), round(0.36 * a23.sum()))
    fin[:, j25] = _gumbel_top_k(rng_p, np.where(a25, fin_logw, -np.inf), round(a25.sum() / 3))

    barrier_p = {"orders": 0.55, "procurement": 0.45, "labour": 0.42, "materials": 0.42}
    barriers = {k: rng_p.random(n) < p for k, p in barrier_p.items()}
    barriers["financing"] = rng_p.random(n) < np.where(fin[:, j25], 0.6, 0.08)
    cur = rng_p.gamma(2.0, 1.0, n) * (1 + 0.15 * (size_idx <= 1))
    gap = rng_p.gamma(2.0, 1.0, n) * (0.3 + 0.6 * barriers["orders"] +
                                       0.5 * barriers["procurement"] + 0.6 * barriers["labour"])
    w25 = np.where(a25, ds[:, j25], 0.0)
    w25 = np.nan_to_num(w25)
    cur *= 0.33 / (np.sum(w25 * cur) / w25.sum())
    gap *= (0.67 - 0.33) / (np.sum(w25 * gap) / w25.sum())

    expect = np.full((n, YEARS.size), np.nan)
    bonus = 0.03 * nld + 0.03 * (area == "maritime")
    for j in (j23, j25):
        m = alive[:, j]
        z = rng_p.normal(0.0, 0.106, n)
        expect[m, j] = 0.062 + bonus[m] - bonus[m].mean() + z[m] + 0.02 * (j == j25)

    # --- assemble the firm-year frame ----------------------------------------------------------
    fi, yj = np.nonzero(alive)
    ids = np.array([f"F{i + 1:05d}" for i in range(n)], dtype=object)
    strata = pd.Series(size).astype(str) + "|" + pd.Series(domain).astype(str)
    edition25 = yj == j25
    df = pd.DataFrame(
        {
            "firm_id": ids[fi],
            "year": YEARS[yj].astype(np.int64),
            "weight": 1.0,
            "stratum": strata.to_numpy()[fi],
            "nld_area": area[fi],
            "domain": domain[fi],
            "chain_position": chain[fi],
            "size_class": size[fi],
            "entry_year": entry[fi].astype(np.int64),
            "turnover_total_eur": total[fi, yj],
            "turnover_ds_eur": ds[fi, yj],
            "export_ds_eur": export[fi, yj],
            "fte_total": fte_total[fi, yj],
            "fte_ds": fte_ds[fi, yj],
            "price_change_ds": price[fi, yj],
            "cost_change_ds": cost[fi, yj],
            # numpy takes None as an object scalar; its stubs do not list it (false positive)
            "passes_on_costs": np.where(edition25, passes[fi], None),  # type: ignore[call-overload]
            "scale_up_current": np.where(edition25, cur[fi], np.nan),
            "scale_up_improved": np.where(edition25, (cur + gap)[fi], np.nan),
            **{
                f"barrier_{k}": pd.array(np.where(edition25, barriers[k][fi], None),
                                         dtype="boolean")
                for k in ("orders", "procurement", "labour", "financing", "materials")
            },
            "pe_backed": pe[fi],
            "financing_challenge": pd.array(  # None: see passes_on_costs
                np.where((yj == j23) | edition25, fin[fi, yj], None),  # type: ignore[call-overload]
                dtype="boolean"),
            "expected_growth_ds": expect[fi, yj],
        }
    )
    df = _normalise(df)
    df.attrs.update(
        synthetic=True,
        kind="population",
        seed=seed,
        true_pe_premium=AttrsDict(true_premium),
        true_pass_through=AttrsDict((k, TRUE_PARAMETERS[f"pass_through_{k}"])
                                    for k in ("full", "partial", "none")),
        description="Synthetic NLDTIB population calibrated to published figures "
                    "(nldtib_forecast.data.calibration_targets); not real survey data.",
    )
    return df


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    for col, cats in CATEGORIES.items():
        df[col] = pd.Categorical(df[col], categories=list(cats), ordered=col == "size_class")
    df["firm_id"] = df["firm_id"].astype("string")
    df["stratum"] = df["stratum"].astype("string")
    df["pe_backed"] = df["pe_backed"].astype("boolean")
    df = df.sort_values(["firm_id", "year"], kind="stable").reset_index(drop=True)
    return df[list(COLUMNS)]


def draw_sample(population: pd.DataFrame, fractions: dict[str, float] | None = None,
                seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
    """Draw a stratified respondent sample of firms from a (synthetic) population.

    Firms, not firm-years, are sampled: every firm that belongs to the population in any year
    is in the frame, strata are the population's ``stratum`` column (size class x domain), and a
    sampled firm reports all its years. Within stratum *h*, ``n_h = min(N_h, max(2,
    round(f_h N_h)))`` firms are drawn by simple random sampling without replacement, where
    ``f_h`` is the sampling fraction of the stratum's size class; the design weight is
    ``N_h / n_h``. Because each firm's inclusion probability is the same in every year, the
    weighted sums are unbiased (Horvitz-Thompson) for every year's population totals.

    Parameters
    ----------
    population : pandas.DataFrame
        A population frame in the survey schema (weights 1), e.g.
        ``synthetic_survey(population=True)``.
    fractions : dict, optional
        Sampling fraction per size class. Default: 0.22, 0.27, 0.32, 0.40, 0.50, 0.70 from the
        smallest to the largest class (about 27% of firms overall, as B24's 27.2% response).
    seed : int, numpy.random.Generator or None, default 0
        Random seed; the same seed gives the same sample (``None``: fresh entropy).

    Returns
    -------
    pandas.DataFrame
        The sampled firm-years with design weights in ``weight``; ``attrs["kind"] ==
        "sample"`` and ``attrs["population_firms"]`` holds the frame size per stratum.

    See Also
    --------
    draw_respondents : Census respondents with non-response instead of a sample.
    synthetic_survey : The synthetic population and survey.
    nldtib_forecast.survey.SurveyDesign : Reads the sample's strata and fpc.

    References
    ----------
    .. [1] Cochran, W. G. (1977). *Sampling Techniques*, 3rd edition. Wiley.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey, draw_sample
    >>> pop = synthetic_survey(population=True)
    >>> s = draw_sample(pop, seed=1)
    >>> bool((s.groupby("year")["weight"].sum().loc[2025] - 1503) ** 2 < 200 ** 2)
    True
    """
    fractions = dict(_SIZE_FRACTIONS if fractions is None else fractions)
    unknown = sorted(set(fractions) - set(CATEGORIES["size_class"]))
    if unknown:
        raise InputError(f"argument 'fractions': unknown size class(es) {unknown}; valid: "
                         f"{list(CATEGORIES['size_class'])}")
    bad = {k: v for k, v in fractions.items() if not (0 < v <= 1)}
    if bad:
        raise InputError(f"argument 'fractions': sampling fractions must be in (0, 1]; got {bad}")
    missing = set(population["size_class"].astype(str).unique()) - set(fractions)
    if missing:
        raise InputError(f"argument 'fractions': no fraction for size class(es) "
                         f"{sorted(missing)}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    frame = _sample_frame(population, fractions)
    if frame is None:
        return _draw_sample_frame(population, fractions, rng)
    firm_of_row, firm_row, strata, n_h_pop, f, population_firms = frame
    n_h = _sample_sizes(n_h_pop, f)
    chosen = _srswor_rank(strata, rng) < n_h
    weight = n_h_pop / n_h
    rows = chosen[firm_of_row]  # the rows of the chosen firms (all their years)
    return _sample_out(population, rows, weight[firm_of_row[rows]], fractions,
                       population_firms)


def _sample_sizes(n_h_pop: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Firms drawn per stratum: ``round(f N_h)``, at least 2, at most ``N_h``."""
    return np.minimum(n_h_pop, np.maximum(2, np.rint(f * n_h_pop))).astype(int)


def _sample_out(population: pd.DataFrame, rows, weight: np.ndarray,
                fractions: dict[str, float], population_firms: dict[str, int]) -> pd.DataFrame:
    """The sample: the ``rows`` of ``population`` with their ``weight`` and the design in
    ``attrs``."""
    out = population[rows].copy()
    out["weight"] = weight
    out = out.reset_index(drop=True)
    out.attrs = dict(population.attrs)
    out.attrs.update(
        kind="sample",
        sampling="stratified SRSWOR of firms by stratum, weight N_h/n_h",
        sampling_fractions=AttrsDict(fractions),
        population_firms=AttrsDict(population_firms),
    )
    return out


def _srswor_rank(strata: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random rank of every frame firm within its stratum (``strata``: text per firm)."""
    key = rng.random(len(strata))
    order = np.lexsort((key, strata))
    rank = np.empty(len(strata), dtype=int)
    sorted_strata = strata[order]
    starts = np.r_[0, np.flatnonzero(sorted_strata[1:] != sorted_strata[:-1]) + 1]
    pos = np.arange(len(strata)) - np.repeat(starts, np.diff(np.r_[starts, len(strata)]))
    rank[order] = pos
    return rank


def _sample_frame(population: pd.DataFrame, fractions: dict[str, float]):
    """The frame of :func:`draw_sample` from integer codes: per population row the position
    of its firm among the sorted firm ids, the first row of every firm, the firms' strata
    (text), ``N_h`` and sampling fraction per firm and the frame size per stratum. None
    for a frame that needs the general path (a missing firm id or stratum, strata that are
    not text, a size class that is not categorical)."""
    codes, uniques = pd.factorize(population["firm_id"])
    size_class, stratum = population["size_class"], population["stratum"]
    if ((codes < 0).any() or not isinstance(size_class.dtype, pd.CategoricalDtype)
            or not isinstance(stratum.dtype, pd.StringDtype) or stratum.isna().any()):
        return None
    ids = np.asarray(uniques, dtype=object)
    first_row = np.unique(codes, return_index=True)[1]  # the first row of each firm
    sort = np.argsort(ids, kind="stable")  # the firms by id, as sort_values("firm_id")
    firm_row = first_row[sort]
    position = np.empty(ids.size, dtype=np.int64)
    position[sort] = np.arange(ids.size)
    strata = stratum.to_numpy()[firm_row].astype(str)
    names, stratum_code, n_firms = np.unique(strata, return_inverse=True, return_counts=True)
    n_h_pop = n_firms[stratum_code.ravel()]
    by_class = np.array([fractions.get(str(c), np.nan) for c in size_class.cat.categories]
                        + [fractions.get("nan", np.nan)], dtype=float)
    class_code = size_class.cat.codes.to_numpy()[firm_row].astype(np.int64)
    f = by_class[np.where(class_code < 0, len(by_class) - 1, class_code)]
    population_firms = {str(k): int(v) for k, v in zip(names, n_firms, strict=True)}
    return position[codes], firm_row, strata, n_h_pop, f, population_firms


def _draw_sample_frame(population: pd.DataFrame, fractions: dict[str, float],
                       rng: np.random.Generator) -> pd.DataFrame:
    """:func:`draw_sample` with pandas group operations (the general path)."""
    frame = population.drop_duplicates("firm_id")[["firm_id", "stratum", "size_class"]]
    frame = frame.sort_values("firm_id", kind="stable").reset_index(drop=True)
    n_h_pop = frame.groupby("stratum", observed=True)["firm_id"].transform("size").to_numpy()
    f = frame["size_class"].astype(str).map(fractions).to_numpy(dtype=float)
    n_h = _sample_sizes(n_h_pop, f)
    # random rank within stratum; keep the n_h first
    chosen = _srswor_rank(frame["stratum"].to_numpy(dtype=str), rng) < n_h
    weights = pd.Series(n_h_pop / n_h, index=frame["firm_id"])[chosen]
    rows = population["firm_id"].isin(weights.index).to_numpy()
    return _sample_out(population, rows,
                       population.loc[rows, "firm_id"].map(weights).to_numpy(dtype=float),
                       fractions, {str(k): int(v) for k, v in
                                   frame.groupby("stratum", observed=True).size().items()})


def response_probability(population: pd.DataFrame) -> pd.Series:
    """Each frame firm's probability to respond under :data:`RESPONSE_MODEL`.

    Parameters
    ----------
    population : pandas.DataFrame
        A population frame in the survey schema (firm-years; each firm counted once).

    Returns
    -------
    pandas.Series
        Indexed by ``firm_id`` (sorted); the mean is the model's rate (27.2%).

    See Also
    --------
    draw_respondents : Draws the respondents with these probabilities.
    RESPONSE_MODEL : The coefficients of the response model.

    Examples
    --------
    >>> from nldtib_forecast.data import response_probability, synthetic_survey
    >>> p = response_probability(synthetic_survey(population=True))
    >>> round(float(p.mean()), 3), bool(p.min() > 0.1), bool(p.max() < 0.9)
    (0.272, True, True)
    """
    frame = population.drop_duplicates("firm_id").sort_values("firm_id", kind="stable")
    base = (frame["size_class"].astype(str).map(RESPONSE_MODEL["size_class"]).to_numpy(float)
            + frame["nld_area"].astype(str).map(RESPONSE_MODEL["nld_area"]).to_numpy(float))
    shift = _solve_shift(base, np.ones(base.size), RESPONSE_MODEL["rate"] * base.size)
    return pd.Series(expit(base + shift), index=pd.Index(frame["firm_id"].to_numpy(),
                                                         name="firm_id"), name="propensity")


def draw_respondents(population: pd.DataFrame, seed: int | np.random.Generator | None = 0,
                     propensity: pd.Series | None = None) -> pd.DataFrame:
    """Send the survey to every firm of a (synthetic) population and keep those who answer.

    Each firm of the frame (every firm in the population in any year) responds independently
    with its probability; a respondent reports all its years.

    Parameters
    ----------
    population : pandas.DataFrame
        A population frame in the survey schema, e.g. ``synthetic_survey(population=True)``.
    seed : int, numpy.random.Generator or None, default 0
        Random seed; the same seed gives the same respondents (``None``: fresh entropy).
    propensity : pandas.Series, optional
        Response probability per ``firm_id`` (default :func:`response_probability`, the
        model of :data:`RESPONSE_MODEL`). Pass other probabilities to study non-response
        that the weighting does not model (e.g. depending on growth).

    Returns
    -------
    pandas.DataFrame
        The respondents' firm-years without ``weight`` and ``stratum`` (as real microdata
        arrive); ``attrs["kind"] == "respondents"``.

    See Also
    --------
    response_probability : Each firm's probability of responding.
    draw_sample : A stratified sample instead of census respondents.
    nldtib_forecast.survey.weight_respondents : Weights the respondents from the frame's counts.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey, draw_respondents
    >>> resp = draw_respondents(synthetic_survey(population=True), seed=1)
    >>> "weight" in resp.columns, 0.24 < resp["firm_id"].nunique() / 1688 < 0.31
    (False, True)
    """
    p = response_probability(population) if propensity is None else propensity
    if not isinstance(p, pd.Series):
        raise InputError("argument 'propensity': expected a Series of probabilities indexed by "
                         "firm_id")
    firm_ids = population["firm_id"].astype(str)
    codes, uniques = pd.factorize(firm_ids, use_na_sentinel=False)  # NaN: a value, as before
    position = np.argsort(np.asarray(uniques, dtype=object), kind="stable")
    ids = np.asarray(uniques, dtype=object)[position]  # the firm ids, sorted
    index = p.index
    if (isinstance(index.dtype, pd.StringDtype) and not isinstance(index, pd.MultiIndex)
            and not index.hasnans):
        p = p.set_axis(index.astype(object))  # text already: str() of each label is itself
    else:
        p = p.rename(index=str)
    probs = p.reindex(ids).to_numpy(dtype=float)
    bad = ~np.isfinite(probs) | (probs < 0) | (probs > 1)
    if bad.any():
        raise InputError("argument 'propensity': a probability in [0, 1] is needed for every "
                         f"firm; missing or invalid for {list(ids[bad][:5])}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    answered = np.empty(ids.size, dtype=bool)
    answered[position] = rng.random(ids.size) < probs  # by the position of the unique ids
    out = population[answered[codes]]
    out = out.drop(columns=["weight", "stratum"]).reset_index(drop=True)
    out.attrs = dict(population.attrs)
    out.attrs.update(kind="respondents",
                     sampling="census with non-response (response model "
                              f"{'RESPONSE_MODEL' if propensity is None else 'given'})")
    return out


def _census_nonresponse(pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    by = list(RESPONSE_MODEL["by"])
    resp = draw_respondents(pop, seed=rng)
    out = weight_respondents(resp, frame_counts(pop, by), by, method="cells")
    out.attrs["kind"] = "sample"
    return out[list(COLUMNS)] if list(out.columns) != list(COLUMNS) else out


def synthetic_survey(seed: int = 0, population: bool = False,
                     design: str = "census_nonresponse") -> pd.DataFrame:
    """The synthetic NLDTIB survey: the library's embedded default data.

    Parameters
    ----------
    seed : int, default 0
        Seed of the population and of the sample. The same seed gives an identical frame.
    population : bool, default False
        If true, return the whole synthetic NLDTIB population 2019-2025 (weights 1). Otherwise
        its respondents (about 27% of firms) with weights that gross them up to the
        population.
    design : {"census_nonresponse", "stratified"}, default "census_nonresponse"
        How the respondents arise. ``"census_nonresponse"`` (as the real survey): every firm
        is asked, firms respond by the model :data:`RESPONSE_MODEL` (rising with size,
        differing by NLD area), and the respondents are weighted from the frame's counts by
        size class x NLD area (:func:`~nldtib_forecast.survey.weight_respondents`, strata =
        response groups). ``"stratified"``: a stratified random sample by size class x domain
        with design weights (:func:`draw_sample`).

    Returns
    -------
    pandas.DataFrame
        One row per firm and year in the survey schema (:data:`~nldtib_forecast.data.SCHEMA`).
        ``attrs`` records ``synthetic=True``, ``kind``, ``seed``, and the true values of the
        parameters estimators should recover (``true_pe_premium`` per year,
        ``true_pass_through``).

    See Also
    --------
    calibration_targets : The published figures the survey is calibrated to.
    draw_respondents : The respondents of a census with non-response.
    read_survey : Reads real survey microdata in the same schema.

    Notes
    -----
    The population is calibrated to every published figure listed by
    :func:`calibration_targets`; the module documentation lists the assumptions made where no
    figure is published. It is *synthetic*: no real firm is represented, and no number computed
    from it is a real statistic.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> pop = synthetic_survey(population=True)
    >>> int((pop.year == 2025).sum())
    1503
    >>> round(float(pop.loc[pop.year == 2025, "turnover_ds_eur"].sum()) / 1e9, 3)
    10.2
    >>> pop.attrs["synthetic"]
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"argument 'seed': must be a non-negative integer, got {seed!r}")
    design = check_option("design", design, DESIGNS)
    cached = _population_cached(int(seed)) if population else _sample_cached(int(seed), design)
    out = cached.copy(deep=True)  # callers may change their frame; the cache stays as drawn
    out.attrs = _deepcopy_attrs(cached.attrs)
    return out


@lru_cache(maxsize=8)
def _sample_cached(seed: int, design: str) -> pd.DataFrame:
    """The sample of :func:`synthetic_survey` (drawn once per seed and design: drawing the
    non-response and weighting the respondents takes ~40 ms, a copy 0.2 ms)."""
    pop = _population_cached(seed).copy(deep=True)
    pop.attrs = _deepcopy_attrs(_population_cached(seed).attrs)
    sample_seed = np.random.SeedSequence(seed).spawn(5)[4]
    rng = np.random.default_rng(sample_seed)
    if design == "stratified":
        return draw_sample(pop, seed=rng)
    return _census_nonresponse(pop, rng)


def _deepcopy_attrs(attrs: dict) -> dict:
    import copy

    return copy.deepcopy(attrs)
