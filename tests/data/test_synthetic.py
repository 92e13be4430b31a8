"""Tests of the synthetic NLDTIB survey: every calibration target, determinism, the design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import (
    CATEGORIES,
    COLUMNS,
    EDITION_COLUMNS,
    calibration_targets,
    draw_sample,
    synthetic_survey,
)


@pytest.fixture(scope="module")
def pop() -> pd.DataFrame:
    return synthetic_survey(seed=0, population=True)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return synthetic_survey(seed=0)


def _measure(pop: pd.DataFrame, indicator: str, year: int, category: str) -> float:
    """Recompute one calibration target from the population, independently of the generator."""
    d = pop[pop["year"] == year]
    ds, tot = d["turnover_ds_eur"], d["turnover_total_eur"]
    if indicator == "firms":
        return float(len(d))
    if indicator == "ds_turnover_eur":
        return float(ds.sum())
    if indicator == "ds_turnover_share":
        return float(ds.sum() / tot.sum())
    if indicator == "ds_export_eur":
        return float(d["export_ds_eur"].sum())
    if indicator == "export_share":
        return float(d["export_ds_eur"].sum() / ds.sum())
    if indicator in ("fte_total", "fte_ds"):
        return float(d[indicator].sum())
    if indicator == "firms_by_size_class":
        return float((d["size_class"] == category).sum())
    if indicator == "firms_by_domain":
        return float((d["domain"] == category).sum())
    if indicator == "oem_share":
        return float((d["chain_position"] == "oem").mean())
    if indicator == "no_cost_pass_through_share":
        return float((d["passes_on_costs"] == "none").mean())
    if indicator == "financing_challenge_share":
        return float(d["financing_challenge"].astype(float).mean())
    if indicator in ("scale_up_current", "scale_up_improved"):
        return float(np.average(d[indicator], weights=ds))
    if indicator == "top20_turnover_share":
        t = np.sort(tot.to_numpy())[::-1]
        return float(t[: int(round(0.2 * t.size))].sum() / t.sum())
    if indicator == "expect_growth_share":
        return float((d["expected_growth_ds"] > 0).mean())
    if indicator == "expect_growth_above_10pct_share":
        return float((d["expected_growth_ds"] > 0.10).mean())
    if indicator == "pe_backed_share":
        return float(d["pe_backed"].astype(float).mean())
    if indicator == "sample_fraction":
        s = draw_sample(pop, seed=0)
        return s["firm_id"].nunique() / pop["firm_id"].nunique()
    raise AssertionError(f"no measurement for {indicator}")


_TARGETS = calibration_targets()


@pytest.mark.parametrize(
    "row",
    [r for _, r in _TARGETS.iterrows()],
    ids=[f"{r.indicator}-{r.year}-{r.category}" for _, r in _TARGETS.iterrows()],
)
def test_calibration_target(pop, row):
    got = _measure(pop, row.indicator, int(row.year), row.category)
    if row.tolerance_type == "relative":
        assert got == pytest.approx(row.value, rel=row.tolerance, abs=1e-9), row.source
    else:
        assert abs(got - row.value) <= row.tolerance, (got, row.value, row.source)


def test_targets_have_sources_and_kinds():
    assert set(_TARGETS["kind"]) <= {"published", "interpolated", "assumption"}
    assert (_TARGETS["source"].str.len() > 0).all()
    # the published headline figures of the 2026 letter are all targets
    pub = _TARGETS[_TARGETS.kind == "published"]
    for ind, year in [("firms", 2025), ("ds_turnover_eur", 2024), ("ds_turnover_eur", 2025),
                      ("ds_turnover_share", 2025), ("export_share", 2025),
                      ("scale_up_current", 2025), ("scale_up_improved", 2025)]:
        assert ((pub.indicator == ind) & (pub.year == year)).any(), (ind, year)


@pytest.mark.parametrize("seed", [1, 7, 123])
def test_exact_targets_hold_for_every_seed(seed):
    p = synthetic_survey(seed=seed, population=True)
    g = p.groupby("year")
    np.testing.assert_array_equal(g.size().to_numpy(), [932, 962, 991, 1020, 1050, 1276, 1503])
    np.testing.assert_allclose(g["turnover_ds_eur"].sum().to_numpy() / 1e9,
                               [4.2, 4.5, 4.7, 5.7, 7.7, 8.0, 10.2], rtol=1e-9)
    share = (g["turnover_ds_eur"].sum() / g["turnover_total_eur"].sum()).to_numpy()
    np.testing.assert_allclose(share[[0, 4, 6]], [0.084, 0.149, 0.102], rtol=1e-9)
    d25 = p[p.year == 2025]
    np.testing.assert_allclose(d25.export_ds_eur.sum() / d25.turnover_ds_eur.sum(), 0.36)
    np.testing.assert_allclose(np.average(d25.scale_up_improved, weights=d25.turnover_ds_eur),
                               0.67)


def test_same_seed_identical_frame_and_different_seed_differs():
    a = synthetic_survey(seed=5)
    b = synthetic_survey(seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs
    c = synthetic_survey(seed=6)
    assert not a["turnover_ds_eur"].head(50).equals(c["turnover_ds_eur"].head(50))


def test_returned_frames_are_independent_copies():
    a = synthetic_survey(seed=0, population=True)
    a.loc[0, "turnover_ds_eur"] = -1.0
    a.attrs["true_pe_premium"][2025] = 99.0
    b = synthetic_survey(seed=0, population=True)
    assert b.loc[0, "turnover_ds_eur"] >= 0
    assert b.attrs["true_pe_premium"][2025] != 99.0


def test_schema_columns_and_invariants(pop):
    assert tuple(pop.columns) == COLUMNS
    assert pop.attrs["synthetic"] is True and pop.attrs["kind"] == "population"
    assert (pop["weight"] == 1.0).all()
    assert not pop.duplicated(["firm_id", "year"]).any()
    assert (pop["turnover_ds_eur"] <= pop["turnover_total_eur"]).all()
    assert (pop["export_ds_eur"] <= pop["turnover_ds_eur"]).all()
    assert (pop["fte_ds"] <= pop["fte_total"]).all()
    assert (pop["entry_year"] <= pop["year"]).all()
    d = pop.dropna(subset=["scale_up_current"])
    assert (d["scale_up_improved"] >= d["scale_up_current"]).all()
    assert (pop["price_change_ds"].dropna() > -1).all()


def test_validates_against_schema(pop, sample):
    from nldtib_forecast.data import validate_survey

    out = validate_survey(pop)
    assert len(out) == len(pop)
    validate_survey(sample)


def test_edition_questions_sit_on_edition_years(pop):
    for col in EDITION_COLUMNS:
        years = set(pop.loc[pop[col].notna(), "year"].unique())
        expected = {2023, 2025} if col in ("financing_challenge", "expected_growth_ds") else {2025}
        assert years == expected, col
        # answered by every firm in its edition year (no item non-response in the synthetic data)
        assert pop.loc[pop["year"] == 2025, col].notna().all(), col


def test_price_and_cost_change_missing_only_in_entry_year(pop):
    missing = pop["price_change_ds"].isna()
    np.testing.assert_array_equal(missing, pop["year"] == pop["entry_year"])


def test_entry_explains_growth_and_falling_ds_share(pop):
    by_area = pop.groupby(["year", "nld_area"], observed=False).size().unstack()
    growth = by_area.loc[2025] - by_area.loc[2023]
    assert growth.idxmax() == "intelligent_systems"  # L26: growth mainly in intelligent systems
    d25 = pop[pop.year == 2025]
    new = d25["entry_year"] >= 2024
    share_new = d25.loc[new, "turnover_ds_eur"].sum() / d25.loc[new, "turnover_total_eur"].sum()
    share_old = d25.loc[~new, "turnover_ds_eur"].sum() / d25.loc[~new, "turnover_total_eur"].sum()
    assert share_new < 0.5 * share_old  # entrants are far less D&S dependent


def test_growth_is_mainly_volume(pop):
    """Turnover-weighted price change of continuing firms is small next to nominal growth."""
    wide = pop.pivot(index="firm_id", columns="year", values="turnover_ds_eur")
    price = pop.pivot(index="firm_id", columns="year", values="price_change_ds")
    cont = wide[2024].notna() & wide[2025].notna()
    nominal = wide.loc[cont, 2025].sum() / wide.loc[cont, 2024].sum() - 1
    laspeyres_price = np.average(price.loc[cont, 2025], weights=wide.loc[cont, 2024])
    volume = (1 + nominal) / (1 + laspeyres_price) - 1
    assert 0 < laspeyres_price < 0.05
    assert volume > 3 * laspeyres_price


def test_pass_through_is_recoverable(pop):
    d = pop.dropna(subset=["price_change_ds"])
    d = d[d.year == 2025]
    for kind, rate in pop.attrs["true_pass_through"].items():
        g = d[d.passes_on_costs == kind]
        slope = np.polyfit(g["cost_change_ds"], g["price_change_ds"], 1)[0]
        assert slope == pytest.approx(rate, abs=0.05), kind


def test_pe_premium_is_known_and_confounded(pop):
    prem = pop.attrs["true_pe_premium"]
    assert set(prem) == set(range(2020, 2026))
    assert all(0.03 < v < 0.10 for v in prem.values())
    wide = pop.pivot(index="firm_id", columns="year", values="turnover_ds_eur")
    growth = (wide / wide.shift(1, axis=1) - 1).stack().rename("g")  # continuing firms
    pe = pop.set_index(["firm_id", "year"])["pe_backed"].astype(bool)
    d = pd.concat([growth, pe.reindex(growth.index)], axis=1)
    raw = d.groupby("pe_backed")["g"].mean()
    # PE firms also grow faster for other reasons (young, NLD areas): the raw difference
    # overstates the premium, which is what makes the adjusted estimators necessary
    assert raw[True] - raw[False] > np.mean(list(prem.values())) + 0.01


def test_census_nonresponse_design(pop, sample):
    """The default: every frame firm asked, respondents weighted by response groups."""
    from nldtib_forecast.data import RESPONSE_MODEL, response_probability
    from nldtib_forecast.survey import frame_counts, weighting_report

    assert sample.attrs["kind"] == "sample" and sample.attrs["synthetic"] is True
    assert set(sample["firm_id"]) <= set(pop["firm_id"])
    assert (sample.groupby("firm_id")["weight"].nunique() == 1).all()
    # a respondent reports all its years
    years = pop.groupby("firm_id").size()
    assert (sample.groupby("firm_id").size() == years[sample["firm_id"].unique()]).all()
    rep = weighting_report(sample)
    assert rep.method == "cells" and rep.by == tuple(RESPONSE_MODEL["by"])
    counts = frame_counts(pop, list(RESPONSE_MODEL["by"]))
    assert int(rep.cells["count"].sum()) == int(counts["count"].sum()) == pop.firm_id.nunique()
    # weights add up to the frame count of every response group
    firms = sample.drop_duplicates("firm_id")
    by_group = firms.groupby("stratum")["weight"].sum()
    big_n = pd.Series(sample.attrs["population_firms"])
    np.testing.assert_allclose(by_group.sort_index(), big_n[by_group.index].sort_index())
    assert (rep.groups["respondents"] >= 10).all()
    # the response model: about 27.2% expected; rising with size
    p = response_probability(pop)
    assert p.mean() == pytest.approx(RESPONSE_MODEL["rate"], abs=1e-9)
    assert 0.24 < len(firms) / len(p) < 0.31
    size = pop.drop_duplicates("firm_id").set_index("firm_id")["size_class"]
    by_size = p.groupby(size.reindex(p.index), observed=True).mean()
    assert list(by_size.index) == list(CATEGORIES["size_class"])
    assert by_size.is_monotonic_increasing


def test_sample_design(pop):
    sample = synthetic_survey(seed=0, design="stratified")
    assert sample.attrs["kind"] == "sample" and sample.attrs["synthetic"] is True
    assert set(sample["firm_id"]) <= set(pop["firm_id"])
    # weights constant per firm, equal to N_h / n_h
    assert (sample.groupby("firm_id")["weight"].nunique() == 1).all()
    firms = sample.drop_duplicates("firm_id")
    n_h = firms.groupby("stratum").size()
    w_h = firms.groupby("stratum")["weight"].first()
    big_n = pd.Series(sample.attrs["population_firms"])
    np.testing.assert_allclose((n_h * w_h).sort_index(), big_n[n_h.index].sort_index())
    assert (firms.groupby("size_class", observed=True)["weight"].first().loc["2500+"] == 1.0)


def test_sample_estimates_are_unbiased(pop):
    """Horvitz-Thompson totals over repeated samples average to the population totals."""
    true = pop.groupby("year")["turnover_ds_eur"].sum()
    true_n = pop.groupby("year").size()
    years = true.index.to_numpy()
    est, est_n = [], []
    for s in range(300):
        smp = draw_sample(pop, seed=s)
        # the weighted sums by year (missing values left out, as groupby's sum does)
        year = np.searchsorted(years, smp["year"].to_numpy())
        w = smp["weight"].to_numpy(dtype=float)
        y = smp["turnover_ds_eur"].to_numpy(dtype=float, na_value=np.nan)
        est.append(np.bincount(year, weights=np.nan_to_num(w * y), minlength=years.size))
        est_n.append(np.bincount(year, weights=w, minlength=years.size))
    est = pd.DataFrame(est, columns=true.index)
    est_n = pd.DataFrame(est_n, columns=true.index)
    for e, t in ((est, true), (est_n, true_n)):
        mc_se = e.std(ddof=1) / np.sqrt(len(e))
        z = (e.mean() - t) / mc_se
        assert (z.abs() < 4).all(), z


def test_draw_sample_is_seeded(pop):
    pd.testing.assert_frame_equal(draw_sample(pop, seed=3), draw_sample(pop, seed=3))
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    pd.testing.assert_frame_equal(draw_sample(pop, seed=rng_a), draw_sample(pop, seed=rng_b))


@pytest.mark.parametrize(
    "fractions, match",
    [({"0-25": 0.0}, "fractions"), ({"tiny": 0.5}, "tiny"), ({"0-25": 1.5}, "fractions"),
     ({"0-25": 0.5}, "no fraction")],
)
def test_draw_sample_bad_fractions(pop, fractions, match):
    if match == "no fraction":
        pass_fractions = fractions
    else:
        pass_fractions = {**dict.fromkeys(["0-25", "25-100", "100-250", "250-500",
                                           "500-2500", "2500+"], 0.3), **fractions}
    with pytest.raises(InputError, match=match):
        draw_sample(pop, fractions=pass_fractions, seed=0)


@pytest.mark.parametrize("seed", [-1, 1.5, "a", True])
def test_bad_seed(seed):
    with pytest.raises(InputError, match="seed"):
        synthetic_survey(seed=seed)


def test_unknown_design_is_an_error():
    with pytest.raises(InputError, match="design"):
        synthetic_survey(seed=0, design="census")


def test_draw_respondents_checks_propensity(pop):
    from nldtib_forecast.data import draw_respondents

    ids = pop["firm_id"].unique()
    with pytest.raises(InputError, match="propensity"):
        draw_respondents(pop, seed=1, propensity=pd.Series(0.5, index=ids[:10]))
    with pytest.raises(InputError, match="propensity"):
        draw_respondents(pop, seed=1, propensity=pd.Series(1.5, index=ids))
    everyone = draw_respondents(pop, seed=1, propensity=pd.Series(1.0, index=ids))
    assert len(everyone) == len(pop) and "weight" not in everyone.columns
    a = draw_respondents(pop, seed=3)
    pd.testing.assert_frame_equal(a, draw_respondents(pop, seed=3))
