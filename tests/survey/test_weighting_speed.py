"""The faster non-response weighting and PE growth premium against the code they replaced.

``weight_respondents`` (data/_weighting.py) works on arrays of the frame cells instead of a
DataFrame of them, keeps the collapsing's group sums and neighbour relation up to date merge
by merge instead of recomputing them from the cells, computes the cells method's weights
``N_g / n_g`` by ``np.bincount`` instead of sparse products, and sorts the firm identifiers
once per distinct value. Every result is the same to the last bit: the sums are of whole
numbers (exact in any order) and the rest is the same operations; the tests below compare the
weighted frame, its dtypes, index and ``attrs`` (the recipe's every value) and the error
messages with the code it replaced, kept here as the reference (trimmed to what it needs; the
helpers it calls that did not change are the module's).

``pe_growth_premium`` (survey/_premium.py) computes the four estimates of all bootstrap
replicates at once (one least-squares solve per replicate and group, as before; the means and
sums over (replicates x rows) arrays whose rows numpy sums as it sums a vector alone), builds
the continuing firms' frame without ``merge`` and the default covariates' dummies from the
category codes. Its results are also the same to the last bit (compared with ``==``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from nldtib_forecast import InputError
from nldtib_forecast.data import _weighting as W
from nldtib_forecast.data import synthetic_survey
from nldtib_forecast.data._schema import CATEGORIES
from nldtib_forecast.survey import SurveyDesign, frame_counts, pe_growth_premium
from nldtib_forecast.survey import _premium as P

#: few examples each: every property test stays well under 0.5 s of CPU
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SIZES = list(CATEGORIES["size_class"])


# ============================================================ reference: the weighting before
def _ref_population_table(population, by):
    if isinstance(population, pd.Series):
        names = list(population.index.names)
        if names != by:
            raise InputError(f"argument 'population': a Series must be indexed by the 'by' "
                             f"columns {by}; its index levels are {names}")
        table = population.rename("count").reset_index()
    elif isinstance(population, pd.DataFrame):
        table = population
    else:
        raise InputError("argument 'population': expected a DataFrame with the 'by' columns "
                         "and a 'count' column, or a Series indexed by the 'by' columns; got "
                         f"{type(population).__name__}")
    problems = [W._missing(table.columns, b, "population counts") for b in by
                if b not in table.columns]
    if "count" not in table.columns:
        problems.append(W.Problem("count", "the population counts need a 'count' column (the "
                                           "number of frame firms of each cell)"))
    if problems:
        raise InputError("argument 'population': column(s) missing", problems)
    if len(table) == 0:
        raise InputError("argument 'population': no cells (0 rows)")
    problems = []
    for b in by:
        na = table[b].isna().to_numpy(dtype=bool)
        if na.any():
            problems.append(W.Problem(b, "cell labels must not be missing",
                                      tuple(table.index[na][:5]), int(na.sum())))
    counts = pd.to_numeric(table["count"], errors="coerce").to_numpy(dtype=float,
                                                                      na_value=np.nan)
    bad = ~np.isfinite(counts) | (counts < 0) | (np.abs(counts - np.rint(counts)) > 1e-9)
    if bad.any():
        problems.append(W.Problem("count", "counts must be non-negative integers (numbers of "
                                           "frame firms)", tuple(table.index[bad][:5]),
                                  int(bad.sum())))
    if problems:
        raise InputError("argument 'population': invalid counts", problems)
    out = pd.DataFrame({b: pd.Series(W._labels_of(table[b]), dtype=object) for b in by})
    out["count"] = np.rint(counts).astype(np.int64)
    dup = out.duplicated(by, keep=False).to_numpy(dtype=bool)
    if dup.any():
        raise InputError("argument 'population': duplicated cells",
                         [W.Problem(",".join(by), "each cell of the 'by' columns may appear "
                                    "only once", tuple(table.index[dup][:5]), int(dup.sum()))])
    return out.reset_index(drop=True)


def _ref_positions(labels, order):
    where = {c: i for i, c in enumerate(order)}
    pos = [where.get(v, np.nan) for v in labels.to_numpy(dtype=object)]
    return np.asarray(pos, dtype=float if any(p is np.nan for p in pos) else np.int64)


def _ref_collapse(cells, by, ordered, order, min_resp):
    C = len(cells)
    pos = np.column_stack([_ref_positions(cells[b], order[b]) for b in by]).astype(np.int64)
    diff = pos[:, None, :] != pos[None, :, :]
    one = diff.sum(axis=2) == 1
    var = np.argmax(diff, axis=2)
    gap = np.abs(pos[:, None, :] - pos[None, :, :]).max(axis=2)
    is_ord = np.array([ordered[b] for b in by])
    adjacent = ~is_ord[var] | (gap == 1)
    neighbour_var = np.where(one & adjacent, var, -1)
    group = np.arange(C)
    N = cells["count"].to_numpy(dtype=float)
    n = cells["respondents"].to_numpy(dtype=float)
    merges = []
    while True:
        live, first = np.unique(group, return_index=True)
        if live.size == 1:
            break
        g_n = np.bincount(group, weights=n, minlength=C)[live]
        if g_n.min() >= min_resp:
            break
        g_N = np.bincount(group, weights=N, minlength=C)[live]
        rate = np.divide(g_n, g_N, out=np.zeros_like(g_n), where=g_N > 0)
        k = int(np.lexsort((first, g_n))[0])
        this = live[k]
        by_cell = neighbour_var[group == this].max(axis=0)
        by_group = np.full(C, -1)
        np.maximum.at(by_group, group, by_cell)
        best_var = by_group[live]
        best_var[k] = -1
        cand = np.flatnonzero(best_var >= 0)
        reason = "neighbour"
        if cand.size == 0:
            cand, reason = np.flatnonzero(live != this), "closest response rate"
        keys = np.lexsort((first[cand], g_n[cand], np.abs(rate[cand] - rate[k]),
                           -best_var[cand]))
        j = int(cand[keys[0]])
        other = live[j]
        merges.append({"group": int(this), "into": int(other), "respondents": int(g_n[k]),
                       "variable": by[best_var[j]] if best_var[j] >= 0 else None,
                       "reason": reason})
        group[group == this] = other
    _, first = np.unique(group, return_index=True)
    rank = np.empty(C, dtype=np.int64)
    for new, old in enumerate(group[np.sort(first)]):
        rank[group == old] = new
    return rank, merges


def _ref_firm_units(frame, firm):
    if firm is None:
        return np.arange(len(frame)), np.arange(len(frame))
    order = np.arange(len(frame))
    if "year" in frame.columns:
        yr = pd.to_numeric(frame["year"], errors="coerce").to_numpy(dtype=float,
                                                                      na_value=-np.inf)
        order = np.lexsort((np.arange(len(frame)), yr))
    units = pd.factorize(frame[firm].astype(str).to_numpy(), sort=True)[0]
    last = np.zeros(units.max() + 1, dtype=np.int64)
    last[units[order]] = order
    return units, last


def _ref_column_codes(column, rows):
    if isinstance(column.dtype, pd.CategoricalDtype) and (
            isinstance(column.cat.categories.dtype, pd.StringDtype)
            or column.cat.categories.dtype == object) and all(
            type(c) is str for c in column.cat.categories):
        codes = column.cat.codes.to_numpy().astype(np.int64)[rows]
        if not (codes < 0).any():
            return codes, np.array([W._label(c) for c in column.cat.categories], dtype=object)
    labels = pd.DataFrame({"_": column.to_numpy()[rows]})["_"]
    codes, texts = pd.factorize(W._labels_of(labels))
    return codes.astype(np.int64), np.asarray(texts, dtype=object)


def _ref_unit_cells(frame, by, last, cells):
    lookup = {k: i for i, k in enumerate(cells[by].itertuples(index=False, name=None))}
    combined = np.zeros(len(last), dtype=np.int64)
    parts = []
    for b in by:
        codes, texts = _ref_column_codes(frame[b], last)
        combined = combined * len(texts) + codes
        parts.append((codes, texts))
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    hit = np.array([lookup.get(k, -1) for k in zip(*(texts[codes[first]]
                                                      for codes, texts in parts), strict=True)],
                   dtype=np.int64)
    return hit[inverse.ravel()]


def _ref_merge_records(merges, cell_names):
    group = np.arange(len(cell_names))
    records = []
    for m in merges:
        a = [cell_names[c] for c in np.flatnonzero(group == m["group"])]
        b = [cell_names[c] for c in np.flatnonzero(group == m["into"])]
        records.append({"merged": " + ".join(a), "into": " + ".join(b),
                        "respondents": m["respondents"], "variable": m["variable"],
                        "reason": m["reason"]})
        group[group == m["group"]] = m["into"]
    return records


def _ref_weight_respondents(respondents, population, by, *, method="cells",
                            min_respondents=W.MIN_RESPONDENTS, n_classes=20, firm="firm_id"):
    """weight_respondents as it was (validate=False)."""
    method = W.check_option("method", method, W._METHODS)
    by = W._by_list(by)
    min_respondents = W.check_int(min_respondents, "min_respondents", 1)
    n_classes = W.check_int(n_classes, "n_classes", 1)
    if len(respondents) == 0:
        raise InputError("argument 'respondents': no respondents (0 rows)")
    problems = [W._missing(respondents.columns, b, "respondents' data") for b in by
                if b not in respondents.columns]
    if firm is not None and firm not in respondents.columns:
        problems.append(W.Problem(firm, "firm identifier column (argument 'firm') is not in "
                                        "the respondents' data"))
    if problems:
        raise InputError("weight_respondents: column(s) missing", problems)
    table = _ref_population_table(population, by)
    attrs = dict(respondents.attrs)
    frame = respondents.copy()
    frame.attrs = {}
    units, last = _ref_firm_units(frame, firm)
    na = np.column_stack([frame[b].isna().to_numpy()[last] for b in by])
    if na.any():
        bad_rows = frame.index[last[na.any(axis=1)]]
        col = by[int(np.flatnonzero(na.any(axis=0))[0])]
        raise InputError("weight_respondents: respondents without a cell",
                         [W.Problem(col, "the 'by' values of a respondent must not be missing",
                                    tuple(bad_rows[:5]), len(bad_rows))])
    unit_cell = _ref_unit_cells(frame, by, last, table)
    counts = table["count"].to_numpy(dtype=np.int64)
    outside = unit_cell < 0
    if not outside.any():
        outside = counts[unit_cell] == 0
    if outside.any():
        labels = pd.DataFrame({b: frame[b].to_numpy()[last] for b in by})
        cells_out = sorted({tuple(W._label(v) for v in r) for r in
                            labels[outside].itertuples(index=False)})
        rows = frame.index[last[outside]]
        raise InputError("weight_respondents: respondents in cells the population does not "
                         "have",
                         [W.Problem(",".join(by), f"every respondent's cell must have a frame "
                                    f"count > 0; not in the population: {cells_out[:5]}",
                                    tuple(rows[:5]), len(rows))])
    resp = np.bincount(unit_cell, minlength=len(table))
    over = resp > counts
    if over.any():
        which = [f"{tuple(table.loc[i, by])}: {counts[i]} < {resp[i]}"
                 for i in np.flatnonzero(over)[:5]]
        raise InputError("argument 'population': counts below the number of respondents",
                         [W.Problem("count", f"a cell's frame count must be >= its "
                                    f"respondents; violated in {which}",
                                    tuple(table.index[over][:5]), int(over.sum()))])
    if units.max() + 1 < 2:
        raise InputError("weight_respondents: at least 2 responding firms are needed")
    sources = {b: respondents[b] for b in by}
    order = {b: W._category_order(b, sorted(set(table[b])), sources[b]) for b in by}
    ordered = {b: W._is_ordered(b, sources[b]) for b in by}
    keep = counts > 0
    table = table[keep].reset_index(drop=True)
    sort = np.lexsort(tuple(_ref_positions(table[b], order[b]) for b in reversed(by)))
    table = table.iloc[sort].reset_index(drop=True)
    new_position = np.full(keep.size, -1, dtype=np.int64)
    new_position[np.flatnonzero(keep)[sort]] = np.arange(sort.size)
    unit_cell = new_position[unit_cell]
    table["respondents"] = np.bincount(unit_cell, minlength=len(table))
    cell_names = ["|".join(r) for r in table[by].itertuples(index=False)]
    recipe = {"method": method, "by": by, "firm": firm, "min_respondents": int(min_respondents),
              "cells": table[by].to_numpy(dtype=object).tolist(),
              "counts": table["count"].tolist(), "respondents": table["respondents"].tolist(),
              "ordered": ordered}
    if method == "cells":
        group, merges = _ref_collapse(table, by, ordered, order, max(int(min_respondents), 2))
        G = int(group.max()) + 1
        group_names = [" + ".join(cell_names[c] for c in np.flatnonzero(group == g))
                       for g in range(G)]
        n_g = np.bincount(group, weights=table["respondents"], minlength=G)
        if n_g.min() < 2:
            raise InputError(f"weight_respondents: only {int(n_g.sum())} responding firm(s); "
                             "at least 2 are needed for a variance")
        recipe.update(group_of_cell=group.tolist(), groups=group_names)
        stratum_of_unit = np.array(group_names, dtype=object)[group[unit_cell]]
        N_stratum = W.AttrsDict(zip(group_names, np.bincount(
            group, weights=table["count"], minlength=G).astype(int).tolist(), strict=True))
        recipe["merges"] = _ref_merge_records(merges, cell_names)
    else:
        cols, names = [np.ones(len(table))], ["Intercept"]
        for b in by:
            for cat in order[b][1:]:
                cols.append((table[b].to_numpy() == cat).astype(float))
                names.append(f"{b}[{cat}]")
        X = np.column_stack(cols)
        problems = []
        margin_codes, margin_totals, margin_labels = [], [], []
        for b in by:
            cats = order[b]
            code = table[b].map({c: i for i, c in enumerate(cats)}).to_numpy(dtype=np.int64)
            r = np.bincount(code, weights=table["respondents"], minlength=len(cats))
            low = [str(c) for c, v in zip(cats, r, strict=True) if v < 1]
            if low:
                problems.append(W.Problem(b, f"categories without respondents: {low}; their "
                                             "firms cannot be represented (the response model "
                                             "separates): merge categories or use "
                                             "method='cells', which collapses cells"))
            margin_codes.append(code.tolist())
            margin_totals.append(np.bincount(code, weights=table["count"],
                                             minlength=len(cats)).tolist())
            margin_labels.append(cats)
        if problems:
            raise InputError("weight_respondents: the propensity model cannot be estimated",
                             problems)
        p_hat, model = W._fit_propensity(X, names, table["respondents"].to_numpy(dtype=float),
                                         table["count"].to_numpy(dtype=float))
        classes = W._propensity_classes(p_hat, table["count"].to_numpy(float),
                                        table["respondents"].to_numpy(float), n_classes,
                                        max(int(min_respondents), 2))
        K = int(classes.max()) + 1
        lo = [float(p_hat[classes == k].min()) for k in range(K)]
        hi = [float(p_hat[classes == k].max()) for k in range(K)]
        class_names = [f"propensity {k + 1} ({lo[k]:.2f}-{hi[k]:.2f})" for k in range(K)]
        recipe.update(design_matrix=X.tolist(), coef_names=names, model=model,
                      propensity=p_hat.tolist(), class_of_cell=classes.tolist(),
                      groups=class_names, margin_codes=margin_codes,
                      margin_totals=margin_totals, margin_labels=margin_labels, merges=[])
        stratum_of_unit = np.array(class_names, dtype=object)[classes[unit_cell]]
        N_stratum = W.AttrsDict(zip(class_names, np.bincount(
            classes, weights=table["count"], minlength=K).astype(int).tolist(), strict=True))
    n_units = int(units.max()) + 1
    unit_w = W._recipe_weights(recipe, unit_cell, np.ones((n_units, 1)))[:, 0]
    frame["weight"] = unit_w[units]
    frame["stratum"] = pd.array(stratum_of_unit[units], dtype="string")
    attrs.update(population_firms=N_stratum, weighting=W.FrozenRecipe(recipe),
                 sampling=f"census with non-response; weights from {method} ({', '.join(by)})")
    frame.attrs = attrs
    return frame


# ================================================================ reference: the premium before
def _ref_growth_frame(df, year, treatment, outcome):
    prev = df.loc[df["year"] == year - 1, ["firm_id", outcome]].rename(
        columns={outcome: "_prev"})
    cur = df[df["year"] == year].merge(prev, on="firm_id", how="inner", validate="one_to_one")
    cur = cur[cur["_prev"] > 0].copy()
    cur["_growth"] = cur[outcome] / cur["_prev"] - 1.0
    if "age_band" not in cur and "entry_year" in cur:
        cur["age_band"] = pd.cut(cur["year"] - cur["entry_year"], P._AGE_BINS,
                                 labels=list(P._AGE_LABELS))
    cur["_t"] = cur[treatment].astype(float)
    return cur


def _ref_design_matrix(d, covariates):
    parts = []
    for c in covariates:
        col = d[c]
        if isinstance(col.dtype, pd.CategoricalDtype) or col.dtype == object or \
                pd.api.types.is_string_dtype(col) or pd.api.types.is_bool_dtype(col):
            dummies = pd.get_dummies(pd.Categorical(col.astype(str)), prefix=c,
                                     drop_first=True, dtype=float)
            dummies.index = d.index
            parts.append(dummies)
        else:
            parts.append(col.astype(float).rename(c).to_frame())
    x = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=d.index)
    return x.loc[:, x.std(ddof=0) > 0]


def _ref_wls_predict(x, y, w, mask):
    xm = np.column_stack([np.ones(len(x)), x])
    sw = np.sqrt(w * mask)
    beta, *_ = np.linalg.lstsq(xm * sw[:, None], y * sw, rcond=None)
    return xm @ beta


def _ref_outcome_estimates(x, y, t, w, e, trim):
    """The four estimates of one weight vector (w, e: (n,)), as they were computed."""
    treated, control = t == 1, t == 0
    raw = np.average(y[treated], weights=w[treated]) - np.average(y[control], weights=w[control])
    mu1 = _ref_wls_predict(x, y, w, treated)
    mu0 = _ref_wls_predict(x, y, w, control)
    reg = np.average(mu1 - mu0, weights=w)
    e = np.clip(e, *trim)
    a1, a0 = w * t / e, w * (1 - t) / (1 - e)
    ipw = np.sum(a1 * y) / np.sum(a1) - np.sum(a0 * y) / np.sum(a0)
    aipw = np.average(mu1 - mu0, weights=w) + (
        np.sum(a1 * (y - mu1)) / np.sum(a1) - np.sum(a0 * (y - mu0)) / np.sum(a0))
    return np.array([raw, reg, ipw, aipw])


def _ref_premium(design, year, n_replicates, seed, model=None, trim=(0.01, 0.99),
                 covariates=P.DEFAULT_COVARIATES):
    """The estimates table, the clipped propensity scores and the covariate names of
    pe_growth_premium as it was (normal intervals)."""
    df = design.data
    frame = df.copy(deep=False)
    frame.attrs = {}
    d = _ref_growth_frame(frame.assign(_row=np.arange(len(df))), year, "pe_backed",
                          "turnover_ds_eur")
    n_all = int(((df["year"] == year) & df["firm_id"].isin(
        df.loc[df["year"] == year - 1, "firm_id"])).sum())
    x_df = _ref_design_matrix(d, covariates)
    x, y, t = x_df.to_numpy(float), d["_growth"].to_numpy(float), d["_t"].to_numpy(float)
    w = d[design.weight_column].to_numpy(float)
    rep_w = design.replicate_weights(n_replicates=n_replicates, seed=seed).to_numpy(float)[
        d["_row"].to_numpy()]
    with threadpool_limits(limits=1):
        if model is None:
            default = LogisticRegression(max_iter=1000)
            e = P._default_propensities(x, t, w[:, None], default)[:, 0]
            e_rep = P._default_propensities(x, t, rep_w, default)
        else:
            e = P._fitted_propensity(x, t, w, model)
            e_rep = np.column_stack([P._fitted_propensity(x, t, rep_w[:, r], model)
                                     for r in range(n_replicates)])
        point = _ref_outcome_estimates(x, y, t, w, e, trim)
        boot = np.array([_ref_outcome_estimates(x, y, t, rep_w[:, r], e_rep[:, r], trim)
                         for r in range(n_replicates)])
    se = np.sqrt(np.mean((boot - point) ** 2, axis=0))
    z = stats.norm.ppf(1 - 0.05 / 2)
    estimates = pd.DataFrame({"estimate": point, "std_error": se, "ci_lower": point - z * se,
                              "ci_upper": point + z * se},
                             index=pd.Index(P.ESTIMATORS, name="estimator"))
    return estimates, np.clip(e, *trim), t, x_df, n_all - len(d)


# ========================================================================= the weighting
def _same_weighting(new, ref):
    """The same frame (values, dtypes, index) and the same attrs, to the last bit."""
    pd.testing.assert_frame_equal(new, ref, check_exact=True)
    assert list(new.dtypes) == list(ref.dtypes)
    assert list(new.attrs) == list(ref.attrs)
    for key in new.attrs:
        a, b = new.attrs[key], ref.attrs[key]
        assert type(a) is type(b), key
        # repr: every value, with floats to the last digit and in the same key order
        assert repr(dict(a) if key == "weighting" else a) == \
            repr(dict(b) if key == "weighting" else b), key


def _outcome(call):
    """The result of ``call()``, or the type and text of the exception it raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels on saturated models
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - any error, compared by type and text
            return (type(exc), str(exc))


@st.composite
def surveys(draw):
    """Respondents (firm-years) and frame counts on 1-3 ``by`` variables of several kinds,
    with a planted input error now and then."""
    kinds = draw(st.lists(st.sampled_from(["size_class", "region", "band", "share", "cat"]),
                          min_size=1, max_size=3, unique=True))
    levels = {"size_class": SIZES[:draw(st.integers(1, 4))],
              "region": ["north", "south", "east"][:draw(st.integers(1, 3))],
              "band": [1, 2, 9, 10][:draw(st.integers(1, 4))],
              "share": [0.5, 1.0, 2.0][:draw(st.integers(1, 3))],
              "cat": ["z", "y", "x"][:draw(st.integers(1, 3))]}
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cells = [()]
    for k in kinds:
        cells = [c + (v,) for c in cells for v in levels[k]]
    spec = [(c, int(rng.integers(0, 30))) for c in cells if rng.random() < 0.8] or \
        [(cells[0], 12)]
    rows, pop, firm = [], [], 0
    two_years = rng.random() < 0.5
    for cell, N in spec:
        pop.append({**dict(zip(kinds, cell, strict=True)), "count": N})
        for _ in range(int(rng.integers(0, N + 1))):
            for year in ((2024, 2025) if two_years else (2025,)):
                rows.append({"firm_id": f"f{firm:04d}", "year": year,
                             **dict(zip(kinds, cell, strict=True)), "y": float(firm % 7)})
            firm += 1
    resp, pop = pd.DataFrame(rows), pd.DataFrame(pop)
    assume(len(resp) > 0)
    resp = resp.sample(frac=1.0, random_state=rng.integers(2**31))  # rows in any order
    resp.index = resp.index + 100
    if "cat" in kinds:  # a categorical column, categories in an order of their own
        ordered = bool(rng.random() < 0.5)
        resp["cat"] = pd.Categorical(resp["cat"], categories=["x", "z", "y"], ordered=ordered)
    error = draw(st.sampled_from([None] * 6 + ["over", "outside", "duplicate", "missing"]))
    if error == "over":
        pop.loc[int(rng.integers(len(pop))), "count"] = 0 if rng.random() < 0.5 else 1
    elif error == "outside" and len(pop) > 1:
        pop = pop.drop(index=int(rng.integers(len(pop))))
    elif error == "duplicate":
        pop = pd.concat([pop, pop.iloc[[0]]], ignore_index=True)
    elif error == "missing":
        resp.loc[resp.index[0], kinds[0]] = None
    if rng.random() < 0.3:  # counts as floats, a Series, attrs
        pop["count"] = pop["count"].astype(float)
    pop.attrs["source"] = "test"
    population = pop.set_index(kinds)["count"] if rng.random() < 0.3 else pop
    return resp, population, kinds


@settings(SETTINGS, max_examples=16)
@given(case=surveys(), method=st.sampled_from(["cells", "cells", "cells", "propensity"]),
       min_respondents=st.integers(1, 15), n_classes=st.integers(1, 6),
       by_row=st.booleans())
def test_weight_respondents_equals_the_code_it_replaced(case, method, min_respondents,
                                                        n_classes, by_row):
    resp, population, by = case
    kw = dict(method=method, min_respondents=min_respondents, n_classes=n_classes,
              firm=None if by_row else "firm_id")
    new = _outcome(lambda: W.weight_respondents(resp, population, by, validate=False, **kw))
    ref = _outcome(lambda: _ref_weight_respondents(resp, population, by, **kw))
    if isinstance(ref, tuple):  # the same error, word for word
        assert new == ref
    else:
        _same_weighting(new, ref)


@pytest.fixture(scope="module")
def population():
    return synthetic_survey(seed=0, population=True)


@pytest.mark.parametrize("method", ["cells", "propensity"])
def test_weight_respondents_equals_the_code_it_replaced_on_the_synthetic_census(population,
                                                                                 method):
    from nldtib_forecast.data import draw_respondents

    by = ["size_class", "nld_area"]
    counts = frame_counts(population, by)
    for seed, min_respondents in ((1, 10), (2, 3)):
        resp = draw_respondents(population, seed=seed)
        kw = dict(method=method, min_respondents=min_respondents)
        _same_weighting(W.weight_respondents(resp, counts, by, validate=False, **kw),
                        _ref_weight_respondents(resp, counts, by, **kw))
    # validated: the respondents' own columns decide the categories' order
    new = W.weight_respondents(resp.assign(size_class=resp["size_class"].astype(object)),
                               counts, by, method=method)
    ref = W.weight_respondents(resp, counts, by, method=method)
    pd.testing.assert_series_equal(new["weight"], ref["weight"], check_exact=True)


@settings(SETTINGS, max_examples=30)
@example(seed=0, n_vars=1, min_resp=3, few=True, zeros=0.0)  # ties between merged groups
@given(seed=st.integers(0, 2**32 - 1), n_vars=st.integers(1, 3),
       min_resp=st.integers(1, 12), few=st.booleans(), zeros=st.floats(0.0, 0.6))
def test_collapse_equals_the_code_it_replaced(seed, n_vars, min_resp, few, zeros):
    """The incremental collapsing (group sums, first cells and neighbour relation updated
    merge by merge) against recomputing them from the cells at every merge. Few respondents
    per cell make ties (on respondents, response rates) and merged groups that merge again
    common."""
    rng = np.random.default_rng(seed)
    sizes = [int(rng.integers(1, 6)) for _ in range(n_vars)]
    grid = np.stack(np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij"),
                    axis=-1).reshape(-1, n_vars)
    grid = grid[rng.random(len(grid)) < 0.8] if len(grid) > 1 else grid
    assume(len(grid) > 0)
    by = [f"v{i}" for i in range(n_vars)]
    N = rng.integers(1, 6 if few else 40, len(grid))
    n = np.where(rng.random(len(grid)) < zeros, 0,
                 np.minimum(rng.integers(0, 3 if few else 40, len(grid)), N))
    ordered = {b: bool(rng.random() < 0.5) for b in by}
    order = {b: [str(i) for i in range(s)] for b, s in zip(by, sizes, strict=True)}
    cells = pd.DataFrame({b: grid[:, i].astype(str) for i, b in enumerate(by)}).astype(object)
    cells["count"], cells["respondents"] = N, n
    ref_group, ref_merges = _ref_collapse(cells, by, ordered, order, min_resp)
    group, merges = W._collapse(grid.astype(np.int64), N.astype(float), n.astype(float), by,
                                np.array([ordered[b] for b in by]), min_resp)
    assert group.dtype == ref_group.dtype
    np.testing.assert_array_equal(group, ref_group)
    assert merges == ref_merges
    names = ["|".join(r) for r in cells[by].itertuples(index=False)]
    assert W._merge_records(merges, group, names) == _ref_merge_records(ref_merges, names)


@SETTINGS
@given(ids=st.lists(st.sampled_from(["F1", "F2", " F3", "10", "9", None, 7]), min_size=1,
                    max_size=40),
       years=st.lists(st.sampled_from([2023, 2024, 2025]), min_size=40, max_size=40),
       float_years=st.booleans())
def test_firm_units_equals_the_code_it_replaced(ids, years, float_years):
    frame = pd.DataFrame({"firm_id": pd.Series(ids, dtype=object),
                          "year": np.array(years[:len(ids)], dtype=float if float_years
                                           else np.int64)})
    if float_years and len(frame) > 1:
        frame.loc[1, "year"] = np.nan
    for column in (frame["firm_id"], frame["firm_id"].astype("string"),
                   frame["firm_id"].fillna("x").astype("string")):
        f = frame.assign(firm_id=column)
        new, ref = _outcome(lambda f=f: W._firm_units(f, "firm_id")), \
            _outcome(lambda f=f: _ref_firm_units(f, "firm_id"))
        if isinstance(ref[0], type):  # the same error (all identifiers missing)
            assert new == ref
            continue
        for a, b in zip(new, ref, strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


@SETTINGS
@given(labels=st.lists(st.tuples(st.sampled_from(["a", "b", 1, 2.0, 2.5, None]),
                                 st.sampled_from(["x", "y"])), min_size=1, max_size=12),
       counts=st.lists(st.sampled_from([0, 1, 7, 2.5, -1, np.nan, "3"]), min_size=12,
                       max_size=12))
def test_population_table_equals_the_code_it_replaced(labels, counts):
    table = pd.DataFrame(labels, columns=["k", "l"])
    table["count"] = pd.Series(counts[:len(table)], dtype=object)
    for count in (table["count"], pd.to_numeric(table["count"], errors="coerce")):
        t = table.assign(count=count)
        new = _outcome(lambda t=t: W._population_table(t, ["k", "l"]))
        ref = _outcome(lambda t=t: _ref_population_table(t, ["k", "l"]))
        if isinstance(ref, tuple):
            assert new == ref
        else:
            pd.testing.assert_frame_equal(new, ref, check_exact=True)


def test_a_planted_error_is_detected(population):
    """The comparison sees a difference in the last digit of one weight, and a changed
    tie-break of the collapsing."""
    from nldtib_forecast.data import draw_respondents

    by = ["size_class", "nld_area"]
    counts = frame_counts(population, by)
    resp = draw_respondents(population, seed=1)
    new = W.weight_respondents(resp, counts, by, validate=False)
    off = new.copy()
    off.attrs = new.attrs
    off.loc[off.index[0], "weight"] = np.nextafter(off["weight"].iloc[0], np.inf)
    with pytest.raises(AssertionError):
        _same_weighting(off, _ref_weight_respondents(resp, counts, by))
    tie = pd.DataFrame({"v": ["0", "1", "2"], "count": [10, 10, 10], "respondents": [3, 1, 3]})
    _, merges = _ref_collapse(tie.astype({"v": object}), ["v"], {"v": True},
                              {"v": ["0", "1", "2"]}, 5)
    assert merges[0]["into"] == 0  # the first of two equal neighbours
    _, merges = W._collapse(np.array([[0], [1], [2]]), np.full(3, 10.0),
                            np.array([3.0, 1.0, 3.0]), ["v"], np.array([True]), 5)
    assert merges[0]["into"] == 0


# ============================================================================= the premium
@st.composite
def panels(draw):
    """Two years of survey rows: firms in either year or both, rows in any order, outcomes
    that are zero, negative or missing, now and then a firm twice in a year, a firm
    identifier missing, integer identifiers, years as floats, a nullable outcome or a
    missing entry year."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(4, 60))
    ids = np.array([f"f{i:03d}" for i in range(n)], dtype=object)
    rows = []
    for year in (2024, 2025):
        for i in np.flatnonzero(rng.random(n) < 0.8):
            rows.append({"firm_id": ids[i], "year": year,
                         "turnover_ds_eur": float(rng.choice([0.0, -1.0, np.nan, 5.0, 7.5,
                                                              120.0])),
                         "pe_backed": bool(rng.random() < 0.4),
                         "size_class": str(rng.choice(SIZES[:3])),
                         "domain": str(rng.choice(["land", "air", "sea"])),
                         "entry_year": int(rng.integers(2010, 2026)), "weight": 2.0})
    df = pd.DataFrame(rows)
    assume(len(df) > 0)
    df = df.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)
    df["firm_id"] = df["firm_id"].astype("string")
    df["size_class"] = pd.Categorical(df["size_class"], categories=SIZES)
    df["domain"] = df["domain"].astype("category")
    twist = draw(st.sampled_from([None] * 5 + ["duplicate", "missing id", "int ids",
                                               "float years", "nullable outcome",
                                               "missing entry year"]))
    if twist == "duplicate":
        df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    elif twist == "missing id":
        df.loc[0, "firm_id"] = pd.NA
    elif twist == "int ids":
        df["firm_id"] = df["firm_id"].str[1:].astype(np.int64)
    elif twist == "float years":
        df["year"] = df["year"].astype(float)
    elif twist == "nullable outcome":
        df["turnover_ds_eur"] = df["turnover_ds_eur"].astype("Float64")
    elif twist == "missing entry year":  # no age band
        df.loc[0, "entry_year"] = np.nan
    return df.assign(_row=np.arange(len(df)))


@settings(SETTINGS, max_examples=10)
@given(df=panels(), covariates=st.sampled_from([
    ("size_class", "domain", "age_band"), ("domain",), ("size_class", "entry_year"),
    ("pe_backed", "domain"), ("size_class", "size_class")]))
def test_growth_frame_and_design_matrix_equal_the_code_they_replaced(df, covariates):
    new = _outcome(lambda: P._growth_frame(df, 2025, "pe_backed", "turnover_ds_eur"))
    ref = _outcome(lambda: _ref_growth_frame(df, 2025, "pe_backed", "turnover_ds_eur"))
    if isinstance(ref, tuple):  # a firm twice in a year (MergeError), a missing outcome
        assert new == ref
        return
    pd.testing.assert_frame_equal(new, ref, check_exact=True)
    assert type(new.index) is type(ref.index) and new.index.equals(ref.index)
    assume(len(ref) > 0)
    x_new = _outcome(lambda: P._design_matrix(new, covariates))
    x_ref = _outcome(lambda: _ref_design_matrix(ref, covariates))
    if isinstance(x_ref, tuple):
        assert x_new == x_ref
    else:
        pd.testing.assert_frame_equal(x_new, x_ref, check_exact=True)
        assert x_new.columns.dtype == x_ref.columns.dtype


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(6, 60), p=st.integers(0, 5),
       k=st.integers(1, 5), dummies=st.booleans(), zero_share=st.floats(0.0, 0.5),
       trim=st.sampled_from([(0.01, 0.99), (0.1, 0.6), (0.0, 1.0)]))
def test_outcome_estimates_of_all_replicates_equal_one_by_one(seed, n, p, k, dummies,
                                                               zero_share, trim):
    """All replicates at once give each replicate's estimates to the last bit, also when a
    group's rows leave coefficients undetermined (dummies absent in a group) or weights are
    zero."""
    rng = np.random.default_rng(seed)
    x = (rng.random((n, p)) < 0.2).astype(float) if dummies else rng.normal(size=(n, p))
    t = np.zeros(n)
    t[rng.permutation(n)[:int(rng.integers(2, n - 1))]] = 1.0
    y = rng.normal(size=n) * rng.choice([1e-3, 1.0, 1e3])
    w = rng.uniform(0.5, 30.0, size=(n, k))
    w[rng.random((n, k)) < zero_share] = 0.0
    assume(all((w[t == g] > 0).any(axis=0).all() for g in (0, 1)))
    e = rng.uniform(0.0, 1.0, size=(n, k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 of an empty IPW group
        got = P._outcome_estimates(x, y, t, w, e, trim)
        expected = np.array([_ref_outcome_estimates(x, y, t, w[:, r], e[:, r], trim)
                             for r in range(k)])
    assert got.shape == (k, 4) and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_outcome_estimates_error_when_weights_sum_to_zero():
    x, y, t = np.zeros((4, 0)), np.arange(4.0), np.array([0.0, 0.0, 1.0, 1.0])
    w = np.ones((4, 2))
    w[2:, 1] = 0.0  # the second replicate has no treated weight
    with pytest.raises(ZeroDivisionError) as info:
        _ref_outcome_estimates(x, y, t, w[:, 1], np.full(4, 0.5), (0.01, 0.99))
    with pytest.raises(ZeroDivisionError, match=str(info.value)):
        P._outcome_estimates(x, y, t, w, np.full((4, 2), 0.5), (0.01, 0.99))


@pytest.fixture(scope="module")
def sample_design():
    return SurveyDesign(synthetic_survey(seed=0))


@pytest.mark.parametrize("model", [None, LogisticRegression(max_iter=1000)])
def test_pe_growth_premium_equals_the_code_it_replaced(sample_design, model):
    n_replicates = 8 if model is None else 3
    estimates, e, t, x_df, n_excluded = _ref_premium(sample_design, 2025, n_replicates, 3,
                                                     model=model)
    res = pe_growth_premium(sample_design, n_replicates=n_replicates, seed=3,
                            propensity_model=model)
    assert res.estimates.equals(estimates)  # to the last bit
    assert res.n_excluded == n_excluded
    assert res.balance.index.equals(x_df.columns)
    np.testing.assert_array_equal(res.balance["smd_unweighted"],
                                  P._smd(x_df.to_numpy(float), t, _weights(sample_design, t)))
    qs = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]
    for group, value in (("pe_backed", 1), ("other", 0)):
        got = res.overlap.loc[group, [f"q{int(q * 100):02d}" for q in qs]].to_numpy(float)
        np.testing.assert_array_equal(got, np.quantile(e[t == value], qs))


def _weights(design, t):
    """The survey weights of the continuing firms (the rows of ``t``)."""
    df = design.data
    d = _ref_growth_frame(df.assign(_row=np.arange(len(df))), 2025, "pe_backed",
                          "turnover_ds_eur")
    assert len(d) == len(t)
    return d[design.weight_column].to_numpy(float)


def test_pe_growth_premium_planted_error_is_detected(sample_design, monkeypatch):
    """Rows of the replicates' weights taken by fancy indexing (not contiguous in memory)
    change the sums in their last bits: the comparison sees it."""
    estimates, *_ = _ref_premium(sample_design, 2025, 4, 3)
    original = P._weighted_means
    monkeypatch.setattr(P, "_weighted_means",
                        lambda a, w: original(a, np.asfortranarray(w)))
    res = pe_growth_premium(sample_design, n_replicates=4, seed=3)
    assert not res.estimates.equals(estimates)
    np.testing.assert_allclose(res.estimates, estimates, rtol=1e-12)
