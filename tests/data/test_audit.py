"""Tests of the arithmetic audit of the published figures (audit_published).

Expected statuses are worked out by hand from the published figures (L26 = letter of 21 May
2026; B24 = Berenschot April 2024) under the interval rule documented in
``audit_published`` / ``AUDIT_TOLERANCES``.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from nldtib_forecast import InputError
from nldtib_forecast.data import AUDIT_TOLERANCES, audit_published, load_published

L26_GROWTH = "ds_turnover_growth 2024->2025 (L26)"
B24_GROWTH = "ds_turnover_growth 2021->2023 (B24)"


@pytest.fixture(scope="module")
def audit() -> pd.DataFrame:
    return audit_published()


def row(audit: pd.DataFrame, check: str) -> pd.Series:
    sel = audit[audit["check"] == check]
    assert len(sel) == 1, f"{check!r}: {len(sel)} rows; checks: {audit['check'].tolist()}"
    return sel.iloc[0]


def test_columns(audit):
    assert list(audit.columns[:6]) == ["check", "published", "recomputed", "difference",
                                       "status", "note"]
    assert set(audit["status"]) == {"ok", "inconsistent"}
    assert audit["check"].is_unique
    assert (audit["note"].str.len() > 10).all()
    assert audit["year"].dtype == "int64"


def test_l26_growth_is_inconsistent_and_explained(audit):
    r = row(audit, L26_GROWTH)
    assert r["status"] == "inconsistent"
    assert r["published"] == 0.215
    assert r["recomputed"] == pytest.approx(10.2 / 8.0 - 1)  # +27.5%
    # 10.2/1.215 = 8.395 bn would be the base that makes +21.5% true
    assert "8.39" in r["note"]
    for word in ("volume", "constant panel", "base year"):
        assert word in r["note"]
    assert "+4.9%" in r["note"]  # price change if 21.5% were volume: 1.275/1.215 - 1


def test_b24_growth_is_ok_under_interval_arithmetic(audit):
    # Levels 4.7 and 7.7 bn, each rounded to 0.1 bn, lie in [4.65, 4.75] and [7.65, 7.75], so
    # the growth they permit is [(7.65/4.75)-1, (7.75/4.65)-1] = [61.1%, 66.7%]; the published
    # +62% (itself in [61.5%, 62.5%]) lies inside: "ok", although 7.7/4.7-1 = 63.8%.
    r = row(audit, B24_GROWTH)
    assert r["status"] == "ok"
    assert r["recomputed"] == pytest.approx(7.7 / 4.7 - 1)
    assert r["lower"] == pytest.approx(7.65 / 4.75 - 1)
    assert r["upper"] == pytest.approx(7.75 / 4.65 - 1)


def test_mod_materiel_growth_ok(audit):
    # B24: 4.5 -> 6.5 bn, +45%; 6.5/4.5-1 = 44.4%, rounding permits [41.8%, 47.2%].
    assert row(audit, "mod_materiel_spending_growth 2021->2023 (B24)")["status"] == "ok"


@pytest.mark.parametrize("year", [2010, 2014, 2017, 2019, 2020, 2021, 2022, 2023])
def test_export_share_checks_ok(audit, year):
    r = row(audit, f"export_share {year} = ds_export_eur / ds_turnover_eur (B24)")
    assert r["status"] == "ok"


def test_export_share_2023_value(audit):
    r = row(audit, "export_share 2023 = ds_export_eur / ds_turnover_eur (B24)")
    assert r["recomputed"] == pytest.approx(3.33 / 7.7)  # 43.2%


def test_implied_total_turnover(audit):
    r25 = row(audit, "implied total turnover 2025 = ds_turnover_eur / ds_turnover_share (L26)")
    r23 = row(audit, "implied total turnover 2023 = ds_turnover_eur / ds_turnover_share (B24)")
    assert r25["recomputed"] == pytest.approx(100e9)
    assert r23["recomputed"] == pytest.approx(7.7e9 / 0.149)  # 51.7 bn
    assert "coincidence" in r25["note"]
    assert pd.isna(r25["published"])


def test_cross_source_inconsistencies(audit):
    r = row(audit, "ds_turnover_eur 2024: BT25 expected vs L26")
    assert (r["published"], r["recomputed"], r["status"]) == (9.3e9, 8.0e9, "inconsistent")
    r = row(audit, "export_share 2019-2023: L26 vs mean of B24")
    assert r["recomputed"] == pytest.approx((0.50 + 0.49 + 0.54 + 0.45 + 0.43) / 5)  # 48.2%
    assert r["status"] == "inconsistent"


def test_structure_and_shares_ok(audit):
    for check in (
        "firms_by_size_class 2023: sum of categories = firms (B24)",
        "firms_by_domain 2023: sum of categories = firms (B24)",
        "sme_share 2023 = firms < 250 employees / firms (B24)",
        "survey_response_rate 2023 = survey_response_firms / firms (B24)",
        "fte_ds_share 2023 = fte_ds / fte_total (B24)",
        "fte_ds_rnd_share 2023 = fte_ds_rnd / fte_ds (B24)",
    ):
        assert row(audit, check)["status"] == "ok", check
    r = row(audit, "survey_response_rate 2023 = survey_response_firms / firms (B24)")
    assert r["recomputed"] == pytest.approx(286 / 1050)
    r = row(audit, "fte_ds_share 2023 = fte_ds / fte_total (B24)")
    assert r["recomputed"] == pytest.approx(22_453 / 180_504)


def test_nl_share_of_european_procurement(audit):
    # market_data.md: 2.57/43 = 6.0% (2021), 3.33/61 = 5.5% (2023), 10.2*0.36/100 = 3.7% (2025)
    for year, expected in ((2021, 2.57 / 43), (2023, 3.33 / 61), (2025, 10.2 * 0.36 / 100)):
        r = row(audit, f"NL share of EU equipment procurement {year} (proxy)")
        assert r["recomputed"] == pytest.approx(expected)
        assert "proxy" in r["note"]


def test_trend_breaks_and_scale_up_flagged(audit):
    r = row(audit, "firms 2023->2025: series break (B24 -> L26)")
    assert r["status"] == "inconsistent"
    assert "trend break" in r["note"] and "scope" in r["note"]
    assert row(audit, "firms 2017->2019: series break (B24 -> B24)")["status"] == "inconsistent"
    scale = audit[audit["check"].str.startswith("scale_up")]
    assert len(scale) == 2
    assert scale["note"].str.contains("not comparable").all()


def test_sorted_by_group(audit):
    order = ["growth", "share", "structure", "edition", "cross_source", "implied",
             "market_share", "comparability"]
    ranks = audit["group"].map(order.index)
    assert ranks.is_monotonic_increasing
    assert audit["check"].iloc[0].startswith("ds_turnover_growth")


def test_tolerance_documented():
    assert AUDIT_TOLERANCES["rounding_fraction"] == 0.5
    assert "fraction" in AUDIT_TOLERANCES["default_resolution"]
    doc = audit_published.__doc__
    assert "AUDIT_TOLERANCES" in doc and "interval" in doc


def test_modified_frame_changes_the_audit():
    pub = load_published()
    base = (pub.indicator == "ds_turnover_eur") & (pub.year == 2024) & (pub.edition == 2026)
    pub.loc[base, ["value", "resolution"]] = [8.39e9, 1e7]
    r = row(audit_published(pub), L26_GROWTH)
    assert r["status"] == "ok"
    assert r["recomputed"] == pytest.approx(10.2 / 8.39 - 1)
    # and the other way round: a B24 export level that no longer matches its share
    pub = load_published()
    sel = (pub.indicator == "ds_export_eur") & (pub.year == 2021)
    pub.loc[sel, "value"] = 2.90e9
    r = row(audit_published(pub), "export_share 2021 = ds_export_eur / ds_turnover_eur (B24)")
    assert r["status"] == "inconsistent"


def test_default_frame_not_modified():
    pub = load_published()
    before = pub.copy()
    audit_published(pub)
    pd.testing.assert_frame_equal(pub, before)


def test_missing_inputs_skip_checks():
    pub = load_published()
    audit = audit_published(pub[pub.indicator != "ds_turnover_growth"])
    assert not audit["check"].str.startswith("ds_turnover_growth").any()


def test_minimal_frame_without_optional_columns():
    # Without year_start a growth rate has no base year (not checked) and without resolution
    # the default resolution per unit applies; the share checks still run.
    pub = load_published()[["indicator", "category", "year", "value", "unit", "source"]]
    audit = audit_published(pub)
    assert (audit["group"] == "share").any()
    assert not (audit["group"] == "growth").any()
    r = row(audit, "export_share 2023 = ds_export_eur / ds_turnover_eur (B24)")
    assert r["status"] == "ok"


def test_bad_input():
    with pytest.raises(InputError, match="DataFrame"):
        audit_published([1, 2, 3])
    with pytest.raises(InputError, match="source"):
        audit_published(load_published().drop(columns="source"))
    pub = load_published()
    with pytest.raises(InputError, match="unique"):
        audit_published(pd.concat([pub, pub.iloc[[0]]], ignore_index=True))


# --- the notes in Dutch (issue 15): one template per reason and language ----------------------
def test_every_check_has_a_reason_and_a_note_in_both_languages(audit):
    dutch = audit_published(lang="nl")
    # the same rows and numbers; only the notes differ
    pd.testing.assert_frame_equal(audit.drop(columns="note"), dutch.drop(columns="note"))
    assert audit["reason"].notna().all() and set(audit["reason"]) >= {
        "growth_consistent", "growth_inconsistent", "ratio", "series_break",
        "different_question", "implied_total", "market_share_proxy"}
    assert list(audit.columns) == ["check", "published", "recomputed", "difference",
                                   "status", "note", "group", "indicator", "year", "lower",
                                   "upper", "reason"]
    assert (dutch["note"] != audit["note"]).all()
    for note in dutch["note"]:  # Dutch numbers and no English sentence
        assert not re.search(r"\b(the|and|with|which|from|are|but)\b", note), note
        # decimal commas (a point only between thousands: 22.453)
        assert not re.search(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])", note), note


def test_dutch_notes_of_the_l26_growth_and_the_breaks(audit):
    dutch = audit_published(lang="nl")
    r = row(dutch, L26_GROWTH)
    assert r["reason"] == "growth_inconsistent"
    assert r["note"].startswith("gepubliceerd +21,5%, maar 10,2/8,0 - 1 = +27,5% (de "
                                "afgeronde niveaus laten +26,1% tot +28,9% toe)")
    for words in ("8,395 mld.", "volumegroei", "+4,9%", "vast panel van blijvende bedrijven"):
        assert words in r["note"], words
    breaks = dutch[dutch["reason"] == "series_break"]
    assert len(breaks) == (audit["reason"] == "series_break").sum() >= 1
    assert breaks["note"].str.contains("trendbreuk").all()
    expected = dutch[dutch["reason"] == "expectation_vs_outcome"].iloc[0]
    assert expected["note"].startswith("BT25 verwachtte 9,3 mld. voor 2024; L26 meldt 8,0 mld.")


def test_unknown_language_is_an_error():
    with pytest.raises(InputError, match="argument 'lang': unknown language 'de'"):
        audit_published(lang="de")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_frame_equal_to_the_embedded_one_gets_the_embedded_audit(lang):
    """The audit of a frame equal to load_published() is taken from the embedded audit
    (computed once per process): it is the audit computed afresh, and a frame that differs
    in one value is audited afresh."""
    from nldtib_forecast.data import _audit

    published = load_published()
    fresh = _audit._audit(published, None, lang)
    pd.testing.assert_frame_equal(audit_published(published, lang=lang), fresh,
                                  check_exact=True)
    changed = published.copy()
    changed.loc[0, "value"] = changed.loc[0, "value"] * (1 + 1e-9)
    assert not _audit._is_embedded(changed) and _audit._is_embedded(published)
    assert not _audit._is_embedded(published.assign(extra=1))
