"""The sampling design of the NLDTIB survey: strata, primary sampling units, the finite
population correction, and Rao-Wu rescaling bootstrap replicates.

A :class:`SurveyDesign` holds the microdata together with what is needed to compute
design-based variances:

* the **weights** (design or calibrated weights, all > 0);
* the **strata** (``stratum``: size class x domain in the synthetic survey);
* the **primary sampling units** (PSUs). The PSU is the *firm*: a firm is sampled once and
  reports all its years, so its rows in different years share one PSU. Year-on-year
  statistics and single-year estimates therefore use one consistent design;
* the **finite population correction** (fpc): the number of PSUs ``N_h`` in the population
  of each stratum.

Variances follow the stratified (with-replacement of PSUs, or without replacement with the
fpc) formulas of :cite:p:`sarndal1992` and :cite:p:`cochran1977`; the replicate weights are the
rescaling bootstrap of :cite:p:`rao1988` and :cite:p:`rao1992`. See
:doc:`/methodology/survey` for the equations.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from difflib import get_close_matches

import numpy as np
import pandas as pd
from pandas.api import types as pdt
from scipy import sparse

from nldtib_forecast._errors import InputError, Problem, check_int, check_seed

__all__ = ["SurveyDesign"]

_FPC_TOL = 1e-9


def _missing_column(df: pd.DataFrame, name: str, argument: str) -> Problem:
    cands = [c for c in df.columns if isinstance(c, str)]
    close = get_close_matches(str(name), cands, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return Problem(str(name), f"column named by argument '{argument}' is not in the survey "
                              f"data{hint}")


def _first_rows(index: pd.Index, mask: np.ndarray) -> tuple[tuple, int]:
    rows = index[np.asarray(mask, dtype=bool)]
    return tuple(rows[:5].tolist()), int(len(rows))


def _weighted_lstsq(X: np.ndarray, Y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Coefficients of the regression of the columns of ``Y`` on ``X`` with weights ``w``,
    by least squares on ``sqrt(w) X`` with columns scaled to unit maximum (well conditioned
    when counts and EUR totals are mixed; rank-deficient ``X`` is fine)."""
    r = np.sqrt(w)[:, None]
    scale = np.maximum(np.abs(X).max(axis=0), 1e-300)
    coef = np.linalg.lstsq(r * (X / scale), r * Y, rcond=None)[0]
    return coef / scale[:, None]


def _codes(values: pd.Series, factorized: tuple[np.ndarray, np.ndarray] | None = None
           ) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (0..K-1) and sorted labels (an object Index) of a label column without
    missing values: ``pd.factorize(values.astype(object), sort=True)``.

    Text labels (strings of the ``str`` type, e.g. strata and firm ids) are factorized in
    order of appearance (or taken from ``factorized``: ``pd.factorize`` of the column's
    values, which validation has made) and then ranked by sorting the distinct labels: what
    pandas does for them (distinct strings have one sorted order), without the Series of
    objects and the second hashing of its sort."""
    if isinstance(values.dtype, pd.StringDtype) or pdt.is_object_dtype(values.dtype):
        # the objects astype(object) would hold (no missing value to convert)
        codes, uniques = (pd.factorize(values.to_numpy(dtype=object)) if factorized is None
                          else factorized)
        if len(codes) and codes.min() >= 0 and set(map(type, uniques.tolist())) == {str}:
            order = uniques.argsort()
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order), dtype=np.int64)
            return rank[codes], pd.Index(uniques[order], dtype=object)
    codes, uniques = pd.factorize(values.astype(object), sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


class SurveyDesign:
    """A stratified sample of firms (PSUs) with weights and a finite population correction.

    Parameters
    ----------
    data : pandas.DataFrame
        Microdata, one row per firm and year (the survey schema when ``validate=True``).
        A copy is stored; the caller's frame is never modified.
    weight : str, default "weight"
        Column of design (or calibrated) weights; all weights must be finite and > 0.
    strata : str or None, default "stratum"
        Column of sampling strata; ``None`` for an unstratified design (one stratum).
    psu : str or None, default "firm_id"
        Column identifying the primary sampling unit. Rows with the same PSU (a firm's
        years) are one unit of the variance computation. ``None``: every row is a PSU. Each
        PSU must lie in one stratum.
    fpc : "auto", None, str, number, dict or pandas.Series, default "auto"
        Population number of PSUs ``N_h`` per stratum, for the finite population correction
        ``1 - f_h`` with ``f_h = n_h / N_h``:

        * ``"auto"``: ``data.attrs["population_firms"]`` (stratum -> ``N_h``, as written by
          :func:`~nldtib_forecast.data.draw_sample`) when present and ``strata`` is
          ``"stratum"``; otherwise ``N_h`` is the sum of the weights of the stratum's
          distinct PSUs (the mean weight of each PSU's rows). The latter is exact for a
          stratified simple random sample without replacement with weights ``N_h / n_h``.
        * ``None``: no fpc (PSUs treated as drawn with replacement; conservative).
        * a column name holding ``N_h`` on every row (constant within a stratum);
        * a number (designs without strata only);
        * a mapping or Series stratum -> ``N_h``.
    validate : bool, default True
        Check ``data`` against the survey schema with
        :func:`~nldtib_forecast.data.validate_survey` first (and use its normalised dtypes).
        Pass ``False`` for data that are not in the NLDTIB schema (e.g. reference data sets);
        the design columns are checked in any case.

    Raises
    ------
    nldtib_forecast.InputError
        If the data fail schema validation, a design column is missing, a weight is missing,
        not finite or <= 0, a stratum or PSU label is missing, a PSU lies in several strata,
        or the fpc is missing for a stratum or smaller than its number of sampled PSUs.

    Notes
    -----
    A stratum with a single sampled PSU has no variance estimate. Unless it is take-all
    (``f_h = 1``, no variance contribution) variance estimation raises an
    :class:`~nldtib_forecast.InputError` naming the stratum: collapse it with a similar
    stratum. Point estimates are not affected.

    Domain estimation never drops rows: :meth:`subset` records the domain, and the
    estimators set the variable to zero outside it, so that the number of PSUs per stratum
    (and so the variance) is that of the full design :cite:p:`sarndal1992` (chapter 10).

    See Also
    --------
    survey_total, survey_mean, survey_ratio, survey_proportion : The estimators.
    calibrate_weights : Calibrates its weights to known margins.
    weight_respondents : Weights the respondents of a census with non-response.

    References
    ----------
    .. [1] Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey
       Sampling*. Springer. doi:10.1007/978-1-4612-4378-6
    .. [2] Cochran, W. G. (1977). *Sampling Techniques*, 3rd edition. Wiley.
    .. [3] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey
       data. *Journal of the American Statistical Association*, 83(401), 231-241.
       doi:10.1080/01621459.1988.10478591

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import SurveyDesign
    >>> design = SurveyDesign(synthetic_survey(seed=0))
    >>> design.n_psu, design.n_strata, design.fpc_source
    (474, 22, 'attrs')
    >>> design.strata_table().loc["0-25|other", ["n_psu", "population_psu", "take_all"]]
    n_psu                59
    population_psu    303.0
    take_all          False
    Name: 0-25|other, dtype: object
    """

    def __init__(self, data: pd.DataFrame, weight: str = "weight",
                 strata: str | None = "stratum", psu: str | None = "firm_id",
                 fpc: object = "auto", validate: bool = True) -> None:
        if not isinstance(data, pd.DataFrame):
            raise InputError(f"survey data must be a pandas DataFrame, got "
                             f"{type(data).__name__}")
        if len(data) == 0:
            raise InputError("survey data is empty (0 rows)")
        attrs = copy.deepcopy(dict(data.attrs))
        complete: frozenset = frozenset()  # columns known to have no missing value
        keys: dict = {}  # the columns validation has factorized: name -> (codes, uniques)
        if validate:
            from nldtib_forecast.data._schema import SCHEMA
            from nldtib_forecast.data._validate import validate_survey_with_keys

            frame, keys = validate_survey_with_keys(data)  # and its factorizations
            # validation refuses a missing value in a column that is not nullable
            complete = frozenset(spec.name for spec in SCHEMA if not spec.nullable)
        else:
            frame = data.copy()
        frame.attrs = attrs
        problems = [
            _missing_column(frame, name, arg)
            for arg, name in (("weight", weight), ("strata", strata), ("psu", psu))
            if name is not None and name not in frame.columns
        ]
        if problems:
            raise InputError("survey design: column(s) not found", problems)

        self._frame = frame
        self._plain: tuple | None = None  # (frame, the frame without attrs): _columns()
        columns = self._columns()  # every column read from the frame would copy its attrs
        w = pd.to_numeric(columns[weight], errors="coerce").to_numpy(dtype=float,
                                                                     na_value=np.nan)
        bad = ~np.isfinite(w) | (w <= 0)
        if bad.any():
            rows, n = _first_rows(frame.index, bad)
            raise InputError("survey design: invalid weights",
                             [Problem(weight, "weights must be finite and > 0 (zero or "
                                      "negative weights are not allowed)", rows, n)])
        for arg, name in (("strata", strata), ("psu", psu)):
            if name is not None and name not in complete and columns[name].isna().any():
                rows, n = _first_rows(frame.index, columns[name].isna().to_numpy(dtype=bool))
                raise InputError(f"survey design: missing {arg} labels",
                                 [Problem(name, f"{arg} labels must not be missing", rows, n)])

        n = len(frame)
        if strata is None:
            s_code, s_labels = np.zeros(n, dtype=np.int64), pd.Index(["all"])
        else:
            s_code, s_labels = _codes(columns[strata], keys.get(strata))
        if psu is None:
            p_code = np.arange(n, dtype=np.int64)
        else:
            p_code, _ = _codes(columns[psu], keys.get(psu))
        n_psu_total = int(p_code.max()) + 1
        # stratum of each PSU; every PSU must lie in one stratum
        psu_stratum = np.full(n_psu_total, -1, dtype=np.int64)
        psu_stratum[p_code] = s_code
        if (psu_stratum[p_code] != s_code).any():
            clash = psu_stratum[p_code] != s_code
            rows, k = _first_rows(frame.index, clash)
            raise InputError("survey design: PSUs must be nested in strata",
                             [Problem(str(psu), f"a PSU has rows in several strata "
                                      f"('{strata}'); each firm must belong to one stratum",
                                      rows, k)])
        n_h = np.bincount(psu_stratum, minlength=len(s_labels)).astype(np.int64)
        rows_per_psu = np.bincount(p_code, minlength=n_psu_total)
        psu_weight = np.bincount(p_code, weights=w, minlength=n_psu_total) / rows_per_psu

        self._weight_col, self._strata_col, self._psu_col = weight, strata, psu
        self._w = w
        self._w.setflags(write=False)
        self._s_code, self._s_labels = s_code, s_labels
        self._p_code, self._psu_stratum = p_code, psu_stratum
        self._n_h = n_h
        self._N_h, self._fpc_source = self._resolve_fpc(fpc, psu_weight)
        with np.errstate(divide="ignore"):
            f = np.where(np.isinf(self._N_h), 0.0, n_h / self._N_h)
        self._f_h = np.where(np.abs(f - 1.0) < _FPC_TOL, 1.0, f)
        self._domain: np.ndarray | None = None
        self._replicate_cache: dict = {}
        # the PSU x row summation matrix in CSR form directly (what scipy builds from the
        # (psu, row) pairs: each PSU's rows in row order), without the COO conversion
        self._psu_sum = sparse.csr_array(
            (np.ones(n), np.argsort(p_code, kind="stable"),
             np.concatenate(([0], np.cumsum(rows_per_psu)))), shape=(n_psu_total, n))

    # -- construction helpers ----------------------------------------------------------------
    def _resolve_fpc(self, fpc: object, psu_weight: np.ndarray) -> tuple[np.ndarray, str]:
        labels, frame = self._s_labels, self._frame
        if fpc is None:
            return np.full(len(labels), np.inf), "none"
        if isinstance(fpc, str) and fpc == "auto":
            pop = frame.attrs.get("population_firms")
            if isinstance(pop, Mapping) and self._strata_col == "stratum":
                return self._fpc_from_mapping(pop, "attrs['population_firms']"), "attrs"
            total = np.bincount(self._psu_stratum, weights=psu_weight,
                                minlength=len(labels))
            return total, "weights"
        if isinstance(fpc, str):
            if fpc not in frame.columns:
                raise InputError("survey design: fpc column not found",
                                 [_missing_column(frame, fpc, "fpc")])
            vals = pd.to_numeric(self._columns()[fpc], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan)
            lo = np.full(len(labels), np.inf)
            hi = np.full(len(labels), -np.inf)
            np.minimum.at(lo, self._s_code, vals)
            np.maximum.at(hi, self._s_code, vals)
            if np.isnan(vals).any() or (lo != hi).any():
                raise InputError("survey design: invalid fpc column",
                                 [Problem(fpc, "must hold the population number of PSUs of "
                                          "the row's stratum: no missing values, constant "
                                          "within each stratum")])
            return self._check_fpc(lo, fpc), "column"
        if isinstance(fpc, (int, float, np.integer, np.floating)) and not isinstance(fpc, bool):
            if len(labels) != 1:
                raise InputError("argument 'fpc': a single number is only allowed for a "
                                 "design without strata; pass a mapping stratum -> N_h")
            return self._check_fpc(np.array([float(fpc)]), "fpc"), "given"
        if isinstance(fpc, (Mapping, pd.Series)):
            return self._fpc_from_mapping(dict(fpc.items()), "fpc"), "given"
        raise InputError(f"argument 'fpc': expected 'auto', None, a column name, a number or a "
                         f"mapping stratum -> N_h; got {type(fpc).__name__}")

    def _fpc_from_mapping(self, mapping: Mapping, source: str) -> np.ndarray:
        keys = {str(k): v for k, v in mapping.items()}
        missing = [str(s) for s in self._s_labels if str(s) not in keys]
        if missing:
            raise InputError(f"survey design: {source} has no population size N_h for "
                             f"stratum/strata {missing[:5]}" +
                             (f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""))
        try:
            vals = np.array([float(keys[str(s)]) for s in self._s_labels])
        except (TypeError, ValueError) as exc:
            raise InputError(f"survey design: {source} values must be numbers: {exc}") from exc
        return self._check_fpc(vals, source)

    def _check_fpc(self, N_h: np.ndarray, source: str) -> np.ndarray:
        bad = ~np.isfinite(N_h) | (N_h < self._n_h * (1 - _FPC_TOL))
        if bad.any():
            which = [f"{self._s_labels[i]!s} (N_h={N_h[i]:g} < n_h={self._n_h[i]})"
                     for i in np.flatnonzero(bad)[:5]]
            raise InputError(f"survey design: {source}: the population number of PSUs must be "
                             f">= the number sampled in every stratum; violated in {which}")
        return N_h

    def _columns(self) -> pd.DataFrame:
        """The microdata without their ``attrs``, to read columns from: pandas deep-copies a
        frame's ``attrs`` (here the weighting recipe and the frame counts) into every column
        it returns. A copy-on-write view, made once per frame."""
        plain = self._plain
        if plain is None or plain[0] is not self._frame:
            view = self._frame.copy(deep=False)
            view.attrs = {}
            plain = (self._frame, view)
            self._plain = plain
        return plain[1]

    # -- properties ----------------------------------------------------------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The microdata (a copy-on-write view: changing it does not change the design)."""
        return self._frame.copy(deep=False)

    @property
    def weights(self) -> pd.Series:
        """The weights, indexed like :attr:`data`."""
        return pd.Series(self._w.copy(), index=self._frame.index, name=self._weight_col)

    @property
    def weight_column(self) -> str:
        """Name of the weight column."""
        return self._weight_col

    @property
    def strata_column(self) -> str | None:
        """Name of the strata column (``None``: no strata)."""
        return self._strata_col

    @property
    def psu_column(self) -> str | None:
        """Name of the PSU column (``None``: every row is a PSU)."""
        return self._psu_col

    @property
    def fpc_source(self) -> str:
        """Where ``N_h`` came from: ``"attrs"``, ``"weights"``, ``"column"``, ``"given"``
        or ``"none"`` (no finite population correction)."""
        return self._fpc_source

    @property
    def n_psu(self) -> int:
        """Number of sampled PSUs (firms)."""
        return int(self._n_h.sum())

    @property
    def n_strata(self) -> int:
        """Number of strata."""
        return len(self._s_labels)

    @property
    def degrees_of_freedom(self) -> int:
        """Design degrees of freedom: ``n_psu - n_strata`` (as ``degf`` in R's survey)."""
        return self.n_psu - self.n_strata

    @property
    def domain(self) -> pd.Series | None:
        """The domain set by :meth:`subset` (boolean, indexed like :attr:`data`), or None."""
        if self._domain is None:
            return None
        return pd.Series(self._domain.copy(), index=self._frame.index, name="domain")

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        dom = "" if self._domain is None else f", domain rows={int(self._domain.sum())}"
        return (f"SurveyDesign(rows={len(self)}, psu={self.n_psu}, strata={self.n_strata}, "
                f"fpc={self._fpc_source!r}{dom})")

    def strata_table(self) -> pd.DataFrame:
        """One row per stratum: sample and population sizes, sampling fraction, weights.

        Returns
        -------
        pandas.DataFrame
            Indexed by stratum with columns ``n_psu`` (sampled PSUs ``n_h``),
            ``population_psu`` (``N_h``; NaN without fpc), ``sampling_fraction``
            (``f_h``; 0 without fpc), ``n_rows``, ``weight_sum``, ``take_all``
            (``f_h == 1``) and ``single_psu`` (one PSU and not take-all: no variance).

        See Also
        --------
        replicate_weights : Bootstrap replicates within these strata.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> design = SurveyDesign(synthetic_survey(seed=0))
        >>> table = design.strata_table()
        >>> len(table), int(table['n_psu'].sum())
        (22, 474)
        >>> table.index[:2].tolist()
        ['0-25|intelligent_systems + 0-25|quantum', '0-25|maritime']
        """
        N = np.where(np.isinf(self._N_h), np.nan, self._N_h)
        return pd.DataFrame(
            {
                "n_psu": self._n_h,
                "population_psu": N,
                "sampling_fraction": self._f_h,
                "n_rows": np.bincount(self._s_code, minlength=self.n_strata),
                "weight_sum": np.bincount(self._s_code, weights=self._w,
                                          minlength=self.n_strata),
                "take_all": self._f_h >= 1.0,
                "single_psu": (self._n_h == 1) & (self._f_h < 1.0),
            },
            index=pd.Index(self._s_labels, name=self._strata_col or "stratum"),
        )

    # -- domains --------------------------------------------------------------------------------
    def subset(self, mask: pd.Series | np.ndarray) -> SurveyDesign:
        """The same design restricted to a domain, keeping every row for the variance.

        Parameters
        ----------
        mask : pandas.Series or numpy.ndarray of bool
            Rows in the domain: a Series aligned on the data index, or an array as long as
            the data. Missing values count as outside the domain.

        Returns
        -------
        SurveyDesign
            A design whose estimators only use the domain's rows; the strata, PSUs and fpc
            are those of the full design (domain estimation, not a new sample).

        See Also
        --------
        survey_total : Estimates over the domain with the full design's variance.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import SurveyDesign
        >>> df = synthetic_survey(seed=0)
        >>> d = SurveyDesign(df).subset(df["domain"] == "land")
        >>> len(d) == len(df), d.n_psu
        (True, 474)
        """
        if isinstance(mask, pd.Series):
            if not mask.index.equals(self._frame.index):
                if mask.index.has_duplicates or not self._frame.index.isin(mask.index).all():
                    raise InputError("subset: the mask's index does not match the survey "
                                     "data's index")
                mask = mask.reindex(self._frame.index)
            series = mask
        else:
            arr = np.asarray(mask)
            if arr.shape != (len(self),):
                raise InputError(f"subset: mask must have one value per row ({len(self)}), "
                                 f"got shape {arr.shape}")
            series = pd.Series(arr, index=self._frame.index)
        try:
            arr = series.astype("boolean").fillna(False).to_numpy(dtype=bool)
        except (TypeError, ValueError) as exc:
            raise InputError(f"subset: mask must be boolean: {exc}") from exc
        out = copy.copy(self)
        out._domain = arr if self._domain is None else (arr & self._domain)
        return out

    def _with_weights(self, weights: np.ndarray) -> SurveyDesign:
        """A copy of the design with other weights (same strata, PSUs and fpc)."""
        w = np.asarray(weights, dtype=float)
        bad = ~np.isfinite(w) | (w <= 0)
        if bad.any():
            rows, n = _first_rows(self._frame.index, bad)
            raise InputError("survey design: invalid weights",
                             [Problem(self._weight_col, "weights must be finite and > 0",
                                      rows, n)])
        out = copy.copy(self)
        out._w = w.copy()
        out._w.setflags(write=False)
        # the Rao-Wu factors depend on the PSUs only; everything else on the weights
        out._replicate_cache = {k: v for k, v in self._replicate_cache.items()
                                if isinstance(k, tuple) and k and isinstance(k[0], int)}
        frame = self._frame.copy(deep=False)
        frame[self._weight_col] = out._w.copy()
        frame.attrs = copy.deepcopy(self._frame.attrs)
        out._frame = frame
        return out

    # -- variance machinery ---------------------------------------------------------------------
    def _check_single_psu(self) -> None:
        lonely = (self._n_h == 1) & (self._f_h < 1.0)
        if lonely.any():
            names = [str(s) for s in self._s_labels[lonely][:5]]
            raise InputError(
                f"single PSU in stratum {', '.join(repr(n) for n in names)}: its variance "
                "cannot be estimated; collapse strata (merge it with a similar stratum) or "
                "declare it take-all through fpc (N_h = n_h)")

    def _psu_totals(self, values: np.ndarray) -> np.ndarray:
        """Weighted PSU totals ``sum_{rows in PSU} w y`` of each column: (n_psu, k)."""
        return self._psu_sum @ (self._w[:, None] * values)

    def _total_variance(self, values: np.ndarray) -> np.ndarray:
        """Variance of the weighted totals ``sum_i w_i y_i`` of each column of ``values``.

        Stratified formula with fpc: ``sum_h (1 - f_h) n_h / (n_h - 1) sum_i (z_hi -
        zbar_h)^2`` with ``z_hi`` the weighted PSU totals. For calibrated weights the values
        are first replaced by their residuals from the weighted regression on the
        calibration variables (the GREG linearisation of :cite:p:`deville1992`): totals the
        weights are calibrated to get zero variance.
        """
        self._check_single_psu()
        values = np.asarray(values, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        margins, layer = self._linearization_steps()
        if layer is not None:  # calibration: GREG residuals on the calibrated year's rows
            rows, X, w = layer  # w: the weights before calibration (as R's survey)
            values = values.copy()
            values[rows] -= X @ _weighted_lstsq(X, values[rows], w)
        z = self._psu_totals(values)
        if margins is not None and layer is None:  # raking of the propensity weights
            w_psu = self._psu_sum @ self._w / np.bincount(self._p_code)
            u = z / w_psu[:, None]
            z = z - w_psu[:, None] * (margins @ _weighted_lstsq(margins, u, w_psu))
        H = self.n_strata
        s_of_p = self._psu_stratum
        sums = np.zeros((H, z.shape[1]))
        np.add.at(sums, s_of_p, z)
        dev = z - (sums / self._n_h[:, None])[s_of_p]
        ss = np.zeros((H, z.shape[1]))
        np.add.at(ss, s_of_p, dev * dev)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(self._n_h > 1, (1.0 - self._f_h) * self._n_h / (self._n_h - 1), 0.0)
        return (c[:, None] * ss).sum(axis=0)

    def _replicate_factors(self, n_replicates: int, seed) -> np.ndarray:
        """Rao-Wu rescaling factors per PSU and replicate: (n_psu, n_replicates)."""
        n_replicates = check_int(n_replicates, "n_replicates", 2)
        n_replicates = int(n_replicates)
        seed = check_seed(seed, "seed")
        key = None
        if seed is None or isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            key = (n_replicates, None if seed is None else int(seed))
            if seed is not None and key in self._replicate_cache:
                return self._replicate_cache[key]
        elif not isinstance(seed, np.random.Generator):
            raise InputError(f"argument 'seed': expected an int, a numpy Generator or None, "
                             f"got {type(seed).__name__}")
        self._check_single_psu()
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        factors = np.ones((len(self._psu_stratum), n_replicates))
        order = np.argsort(self._psu_stratum, kind="stable")
        starts = np.r_[0, np.cumsum(self._n_h)]
        for h in range(self.n_strata):  # loop over strata only; vectorised over PSUs/replicates
            n_h, f_h = int(self._n_h[h]), float(self._f_h[h])
            if f_h >= 1.0 or n_h < 2:
                continue  # take-all stratum: no variance contribution, w* = w
            m_h = n_h - 1
            lam = np.sqrt(m_h * (1.0 - f_h) / (n_h - 1))
            counts = rng.multinomial(m_h, np.full(n_h, 1.0 / n_h), size=n_replicates)
            psus = order[starts[h]:starts[h + 1]]
            factors[psus, :] = 1.0 - lam + lam * (n_h / m_h) * counts.T
        factors.setflags(write=False)
        if key is not None and key[1] is not None:
            self._replicate_cache[key] = factors
        return factors

    def _reweighters(self) -> tuple:
        """The weighting and calibration steps that replicates re-run (None when absent or
        no longer valid for this frame), computed once per design."""
        cached = self._replicate_cache.get("steps")
        if cached is None:
            from nldtib_forecast.data._weighting import replicate_reweighting

            base = self._w
            cal = self._frame.attrs.get("calibration")
            if isinstance(cal, Mapping) and "base_weights" in cal:
                stored = np.asarray(cal["base_weights"], dtype=float)
                base = stored if stored.shape == self._w.shape else None
            step = (None if base is None or self._psu_col is None else
                    replicate_reweighting(self._frame, self._p_code, base))
            reweight, margins = (None, None) if step is None else step
            recal, layer = self._recalibration()
            cached = (reweight, recal, margins, layer)
            self._replicate_cache["steps"] = cached
        return cached

    def _recalibration(self) -> tuple:
        """``replicate_recalibration(self)``, computed once per design."""
        cached = self._replicate_cache.get("recalibration")
        if cached is None:
            from nldtib_forecast.survey._calibration import replicate_recalibration

            cached = replicate_recalibration(self)
            self._replicate_cache["recalibration"] = cached
        return cached

    def _linearization_steps(self) -> tuple:
        """``(margins, layer)`` of :meth:`_reweighters`: what the linearisation needs. The
        raking margins exist only for the propensity weighting, so for any other design the
        replicate re-weighting (and the check that its recipe still holds) is not built."""
        cached = self._replicate_cache.get("steps")
        if cached is not None:
            return cached[2], cached[3]
        recipe = self._frame.attrs.get("weighting")
        if (isinstance(recipe, Mapping) and "counts" in recipe
                and recipe.get("method") == "propensity"):
            cached = self._reweighters()
            return cached[2], cached[3]
        return None, self._recalibration()[1]

    @property
    def replicate_method(self) -> str:
        """How replicate weights are formed: the Rao-Wu rescaling bootstrap, followed by the
        non-response weighting of :func:`~nldtib_forecast.survey.weight_respondents` and the
        calibration of :func:`~nldtib_forecast.survey.calibrate_weights` when the data carry
        them (and they still reproduce the weights)."""
        reweight, recal = self._reweighters()[:2]
        parts = ["Rao-Wu rescaling bootstrap"]
        if reweight is not None:
            parts.append(f"non-response weighting "
                         f"({self._frame.attrs['weighting']['method']}) re-run")
        if recal is not None:
            parts.append(f"re-calibrated ({self._frame.attrs['calibration']['method']})")
        return ", ".join(parts)

    def _replicate_matrix(self, n_replicates: int, seed) -> np.ndarray:
        """Replicate weights of every row (rows x replicates), re-weighted and re-calibrated
        as the full-sample weights were."""
        key = ("matrix", n_replicates, seed if isinstance(seed, (int, np.integer)) else None)
        if key[2] is not None and key in self._replicate_cache:
            return self._replicate_cache[key]
        F = self._replicate_factors(n_replicates, seed)
        reweight, recal = self._reweighters()[:2]
        W = reweight(F) if reweight is not None else self._w[:, None] * F[self._p_code]
        if recal is not None:
            W = recal(W)
        W.setflags(write=False)
        if key[2] is not None:
            self._replicate_cache[key] = W
        return W

    def replicate_weights(self, n_replicates: int = 500,
                          seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
        """Rao-Wu rescaling bootstrap replicate weights.

        In every stratum ``h`` with ``n_h`` sampled PSUs, each replicate draws ``m_h = n_h -
        1`` PSUs with replacement; PSU ``i`` drawn ``r_hi`` times gets the weight
        ``w* = w (1 - lam_h + lam_h (n_h / m_h) r_hi)`` with ``lam_h = sqrt(m_h (1 - f_h) /
        (n_h - 1))`` :cite:p:`rao1988,rao1992`. All rows of a PSU (a firm's years) share its
        factor. Take-all strata (``f_h = 1``) keep ``w* = w``. The bootstrap variance of an
        estimator is the mean squared deviation of its replicate estimates from the
        full-sample estimate.

        When the data were weighted by :func:`~nldtib_forecast.survey.weight_respondents`
        and/or calibrated by :func:`~nldtib_forecast.survey.calibrate_weights` (and the
        weights are still theirs), every replicate re-runs that weighting and calibration on
        its rescaled weights (:attr:`replicate_method`), so that totals the weights are
        calibrated to have no replicate variance.

        Parameters
        ----------
        n_replicates : int, default 500
            Number of replicates (>= 2).
        seed : int, numpy.random.Generator or None, default 0
            Random seed. The same integer seed gives identical replicates (and they are
            cached per ``(n_replicates, seed)``); ``None`` draws fresh entropy.

        Returns
        -------
        pandas.DataFrame
            Rows as :attr:`data`, one column per replicate (``replicate`` 0..B-1).

        Raises
        ------
        nldtib_forecast.InputError
            If a stratum that is not take-all has a single PSU.

        References
        ----------
        .. [1] Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex
           survey data. *Journal of the American Statistical Association*, 83(401),
           231-241. doi:10.1080/01621459.1988.10478591
        .. [2] Rao, J. N. K., Wu, C. F. J. and Yue, K. (1992). Some recent work on
           resampling methods for complex surveys. *Survey Methodology*, 18(2), 209-217.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.survey import SurveyDesign
        >>> design = SurveyDesign(synthetic_survey(seed=0))
        >>> rw = design.replicate_weights(n_replicates=100, seed=1)
        >>> rw.shape
        (2136, 100)
        >>> bool((rw >= 0).all().all()), rw.equals(design.replicate_weights(100, seed=1))
        (True, True)
        """
        W = self._replicate_matrix(n_replicates, seed)
        # the constructor's copy is the only one (the cached matrix stays read-only); of a
        # C-ordered array, so that the frame's memory layout does not depend on the cache's
        return pd.DataFrame(np.ascontiguousarray(W), index=self._frame.index,
                            columns=pd.RangeIndex(W.shape[1], name="replicate"), copy=True)
