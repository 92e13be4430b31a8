"""Tests of the sources table (load_sources): every embedded figure resolves to a full source.

Issue 16: every embedded source has a full citation, an address (or the reason there is none),
an access date, a licence or terms of use and the data vintage; every ``source`` cell of the
data CSV files starts with one of its keys. The untraced ``SECONDARY`` report is marked as
such everywhere it appears.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import nldtib_forecast
from nldtib_forecast import InputError
from nldtib_forecast.data import load_nl_defence, load_published, load_sources
from nldtib_forecast.data._published import (
    NO_URL_PREFIX,
    SOURCE_COLUMNS,
    URL_SEPARATOR,
    _check_sources,
    _read_package_csv,
    source_key,
)

#: The data files whose rows name a source, each with its ``source`` column.
DATA_FILES = ("published_figures.csv", "european_market.csv", "nl_defence.csv",
              "nl_macro.csv", "policy_targets.csv")


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return load_sources()


def _used_keys() -> dict[str, set[str]]:
    """Key -> the data files whose ``source`` cells start with it."""
    used: dict[str, set[str]] = {}
    for name in DATA_FILES:
        for key in source_key(_read_package_csv(name)["source"]):
            used.setdefault(key, set()).add(name)
    return used


def test_columns_and_types(sources):
    assert list(sources.columns) == list(SOURCE_COLUMNS)
    assert list(SOURCE_COLUMNS[:2]) == ["key", "citation"] and SOURCE_COLUMNS[-1] == "note"
    assert sources["key"].is_unique
    assert all(isinstance(v, str) for v in sources.to_numpy().ravel())


def test_every_data_file_with_a_source_column_is_checked():
    package = resources.files("nldtib_forecast.data")
    with_source = {p.name for p in package.iterdir()
                   if p.name.endswith(".csv") and "source" in _read_package_csv(p.name)}
    assert with_source == set(DATA_FILES)


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_source_cell_resolves_to_a_key(name, sources):
    raw = _read_package_csv(name)
    keys = source_key(raw["source"])
    unknown = sorted(set(raw.loc[~keys.isin(sources["key"]), "source"]))
    assert not unknown, f"{name}: sources without a key in sources.csv: {unknown}"


def test_loaders_source_keys_resolve(sources):
    """The same through the public loaders (long tables keep ``source`` per value)."""
    from nldtib_forecast.data import load_european_market, load_nl_macro, load_policy_targets

    frames = [load_published(), load_european_market(long=True), load_nl_defence(long=True),
              load_nl_macro(long=True), load_policy_targets()]
    for frame in frames:
        assert source_key(frame["source"]).isin(sources["key"]).all()


def test_with_citation_uses_the_sources_table(sources):
    df = load_published(with_citation=True)
    citation = dict(zip(sources["key"], sources["citation"], strict=True))
    assert (df["citation"] == source_key(df["source"]).map(citation)).all()


def test_every_key_is_used_or_says_it_is_not(sources):
    used = _used_keys()
    for row in sources.itertuples():
        if row.key not in used:
            assert "no embedded figure" in row.vintage, row.key


def test_required_cells_are_filled(sources):
    for col in ("citation", "url", "accessed", "licence", "vintage"):
        empty = sources.loc[sources[col].str.strip() == "", "key"].tolist()
        assert not empty, f"{col} empty for {empty}"
    # full citations, not labels: a publisher or author, a title or description and a date
    assert (sources["citation"].str.len() > 60).all()
    assert sources["citation"].str.contains(r"\b(?:19|20)\d\d\b").all()
    assert (sources["licence"].str.len() > 15).all()


def test_urls_are_addresses_or_reasons(sources):
    for row in sources.itertuples():
        if row.url.startswith(NO_URL_PREFIX):
            assert len(row.url) > 40, f"{row.key}: say why there is no address"
            continue
        for url in row.url.split(URL_SEPARATOR):
            assert re.fullmatch(r"https://[^\s]+", url), (row.key, url)


def test_accessed_is_an_iso_date_not_in_the_future(sources):
    for row in sources.itertuples():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.accessed), row.key
        day = dt.date.fromisoformat(row.accessed)
        assert dt.date(2024, 1, 1) <= day <= dt.date.today(), row.key


def test_the_keys_the_docs_and_tests_rely_on(sources):
    src = sources.set_index("key")
    assert "Kamerstuk 31 125 nr. 131" in src.loc["B24", "citation"]
    assert "kst-31125-131" in src.loc["B24", "url"]
    assert "DGBI/105727106" in src.loc["L26", "citation"]
    assert "21 May 2026" in src.loc["L26", "citation"]
    assert src.loc["CBS", "licence"].startswith("CC BY 4.0")
    assert "86141NED" in src.loc["CBS", "url"]


# ------------------------------------------------------------------ the untraced source
def test_secondary_is_marked_untraced_everywhere(sources):
    row = sources.set_index("key").loc["SECONDARY"]
    assert row["citation"].startswith("UNTRACED")
    assert row["url"].startswith(NO_URL_PREFIX + "untraced")
    assert "DO NOT USE FOR ANALYSIS" in row["note"]
    nl = load_nl_defence(long=True)
    rows = nl[source_key(nl["source"]) == "SECONDARY"]
    assert set(rows["series"]) == {"defence_budget_secondary_eur"}
    assert rows["source"].str.contains("untraced").all()
    assert rows["note"].str.contains("UNTRACED").all()
    assert rows["note"].str.contains("do not use").all()
    assert rows["note"].str.startswith("CONFLICT").all()


def test_no_model_or_report_uses_the_untraced_series():
    package = Path(nldtib_forecast.__file__).parent
    users = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                   if "defence_budget_secondary_eur" in p.read_text(encoding="utf-8"))
    assert users == ["data/_market.py", "data/_published.py"]  # their docstrings only


# ------------------------------------------------------------------ validation
def _valid() -> pd.DataFrame:
    return load_sources().copy()


@pytest.mark.parametrize(("column", "value", "rule"), [
    ("licence", "", "licence"),
    ("accessed", "27-11-2026", "accessed"),
    ("accessed", "2026-02-30", "accessed"),
    ("url", "www.example.org", "url"),
    ("url", "http://example.org", "url"),
    ("url", "none: ", "url"),
    ("citation", "", "citation"),
    ("key", "B 24", "key"),
])
def test_invalid_tables_are_rejected(column, value, rule):
    bad = _valid()
    bad.loc[1, column] = value
    with pytest.raises(InputError, match="sources: invalid table") as info:
        _check_sources(bad)
    assert rule in str(info.value)


def test_duplicate_keys_and_missing_columns_are_rejected():
    bad = _valid()
    bad.loc[1, "key"] = bad.loc[0, "key"]
    with pytest.raises(InputError, match="unique"):
        _check_sources(bad)
    with pytest.raises(InputError, match="missing columns"):
        _check_sources(_valid().drop(columns=["licence"]))
    _check_sources(_valid())  # the embedded table passes


def test_returns_a_copy():
    first = load_sources()
    first.loc[0, "citation"] = "changed"
    assert load_sources().loc[0, "citation"] != "changed"
