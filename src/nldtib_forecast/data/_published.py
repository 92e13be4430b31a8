"""Published NLDTIB figures as one tidy table, with sources and trend breaks.

The figures come from the NLDTIB survey editions (B22, B24), the 2026 letter to parliament
(L26) and the separate 2025 trend survey (BT25); they are stored as published in
``published_figures.csv`` inside the package. Full citations of the source keys are in
``sources.csv`` (:func:`load_sources`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem

__all__ = ["SERIES_BREAKS", "load_published", "load_sources"]

_PACKAGE = "nldtib_forecast.data"

#: Output column order of :func:`load_published` (the first seven are the core columns).
COLUMNS: tuple[str, ...] = (
    "indicator", "year", "value", "unit", "edition", "source", "note",
    "category", "year_start", "approximate", "series_break", "resolution",
)
#: A published figure is identified by these columns (no duplicates allowed).
KEY: tuple[str, ...] = ("indicator", "year", "category", "edition", "source")
#: Units used in the table.
UNITS: frozenset[str] = frozenset({"EUR", "EUR/FTE", "FTE", "firms", "fraction", "ratio"})

#: Comparable segments (``series_break`` ids). Never chain levels across two ids.
SERIES_BREAKS: MappingProxyType[int, str] = MappingProxyType({
    0: "B24 time series 2006-2017 (survey method before the 2017/2019 trend break)",
    1: "NLDTIB survey method 2019-2023 (B22, B24 and L26's figures for 2023; 1,050 firms in "
       "2023)",
    2: "L26 data 2024-2025 (2026 edition; population widened to 1,503 firms in 2025, partly a "
       "scope change)",
    3: "BT25 trend survey (a separate survey, not comparable with the NLDTIB editions)",
})

_STRING_COLUMNS = ("indicator", "category", "unit", "source", "note")
_INT_COLUMNS = ("year", "year_start", "edition", "series_break")


def _read_package_csv(name: str) -> pd.DataFrame:
    """Read a CSV shipped in :mod:`nldtib_forecast.data`, every column as text."""
    path = resources.files(_PACKAGE).joinpath(name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def _to_bool(col: pd.Series, name: str, problems: list[Problem]) -> pd.Series:
    text = col.astype(str).str.strip().str.lower()
    bad = ~text.isin(["true", "false"])
    if bad.any():
        rows = tuple(col.index[bad][:5])
        problems.append(Problem(name, "must be 'true' or 'false'", rows, int(bad.sum())))
    return text == "true"


def _parse(raw: pd.DataFrame) -> pd.DataFrame:
    """Convert the text columns of the CSV to their types (errors as InputError)."""
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError("published figures: missing columns",
                         [Problem(c, "required column is missing") for c in missing])
    df = raw.loc[:, list(COLUMNS)].copy()
    for col in ("value", "resolution", *_INT_COLUMNS):
        text = df[col].astype(str).str.strip()
        num = pd.to_numeric(text.replace("", np.nan), errors="coerce")
        bad = num.isna() & (text != "") if col == "resolution" else num.isna()
        if col in _INT_COLUMNS:
            bad |= num.notna() & (num != np.round(num))
        if bad.any():
            problems.append(Problem(col, "must be a number" + (
                " (integer)" if col in _INT_COLUMNS else ""), tuple(df.index[bad][:5]),
                int(bad.sum())))
        df[col] = num
    df["approximate"] = _to_bool(df["approximate"], "approximate", problems)
    if problems:
        raise InputError("published figures: bad values", problems)
    for col in _INT_COLUMNS:
        df[col] = df[col].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["resolution"] = df["resolution"].astype("float64")
    for col in _STRING_COLUMNS:
        df[col] = df[col].astype(str).str.strip()
    return df


def _check(df: pd.DataFrame) -> None:
    """Validate a parsed published-figures frame; raise InputError listing every problem."""
    problems: list[Problem] = []
    dup = df.duplicated(list(KEY), keep=False)
    if dup.any():
        problems.append(Problem(", ".join(KEY), "must be unique (duplicate figures)",
                                tuple(df.index[dup][:5]), int(dup.sum())))
    rules = {
        "source": (df["source"] == "", "must not be empty"),
        "indicator": (df["indicator"] == "", "must not be empty"),
        "unit": (~df["unit"].isin(UNITS), f"must be one of {sorted(UNITS)}"),
        "value": (~np.isfinite(df["value"]), "must be finite"),
        "year_start": (df["year_start"] > df["year"], "must be <= year"),
        "resolution": (df["resolution"] <= 0, "must be > 0 (or empty)"),
    }
    share = (df["unit"] == "fraction") & ~df["indicator"].str.endswith("_growth")
    rules["value (fraction)"] = (share & ((df["value"] < 0) | (df["value"] > 1)),
                                 "shares must lie in [0, 1]")
    money = (df["unit"] == "EUR") & (df["value"].abs() < 1e6)
    rules["value (EUR)"] = (money, "EUR amounts must be in EUR (>= 1e6), not billions")
    for col, (bad, rule) in rules.items():
        if bad.any():
            problems.append(Problem(col, rule, tuple(df.index[bad][:5]), int(bad.sum())))
    if problems:
        raise InputError("published figures: invalid table", problems)


@lru_cache(maxsize=1)
def _published_table() -> pd.DataFrame:
    df = _parse(_read_package_csv("published_figures.csv"))
    _check(df)
    return df


#: Columns of :func:`load_sources`, in order.
SOURCE_COLUMNS: tuple[str, ...] = (
    "key", "citation", "url", "accessed", "licence", "vintage", "note",
)
#: Prefix of a ``url`` cell that gives the reason why a source has no address.
NO_URL_PREFIX = "none: "
#: Separator of several addresses in one ``url`` cell.
URL_SEPARATOR = " ; "
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"


def _check_sources(df: pd.DataFrame) -> None:
    """Validate the sources table; raise InputError listing every problem."""
    missing = [c for c in SOURCE_COLUMNS if c not in df.columns]
    if missing:
        raise InputError("sources: missing columns",
                         [Problem(c, "required column is missing") for c in missing])
    problems: list[Problem] = []
    rules: dict[str, tuple[pd.Series, str]] = {
        col: (df[col] == "", "must not be empty")
        for col in ("key", "citation", "url", "accessed", "licence", "vintage")
    }
    rules["key (unique)"] = (df["key"].duplicated(keep=False), "must be unique")
    rules["key (one word)"] = (df["key"].str.contains(r"\s", regex=True),
                               "must be one word (the first word of a data row's source)")

    def bad_url(cell: str) -> bool:
        if cell.startswith(NO_URL_PREFIX):
            return len(cell) <= len(NO_URL_PREFIX) + 10
        return not all(u.startswith("https://") and " " not in u
                       for u in cell.split(URL_SEPARATOR))

    rules["url (form)"] = (
        (df["url"] != "") & df["url"].map(bad_url),
        f"must be https:// addresses separated by {URL_SEPARATOR.strip()!r}, or "
        f"{NO_URL_PREFIX!r} followed by the reason there is none",
    )
    date = pd.to_datetime(df["accessed"].where(df["accessed"].str.fullmatch(_ISO_DATE)),
                          format="%Y-%m-%d", errors="coerce")
    rules["accessed (date)"] = ((df["accessed"] != "") & date.isna(),
                                "must be an ISO 8601 date, YYYY-MM-DD")
    for col, (bad, rule) in rules.items():
        if bad.any():
            problems.append(Problem(col, rule, tuple(df.index[bad][:5]), int(bad.sum())))
    if problems:
        raise InputError("sources: invalid table", problems)


@lru_cache(maxsize=1)
def _sources_table() -> pd.DataFrame:
    df = _read_package_csv("sources.csv")
    df = df.astype({c: "str" for c in df.columns}).apply(lambda col: col.str.strip())
    _check_sources(df)
    return df.loc[:, list(SOURCE_COLUMNS)]


def source_key(source: pd.Series) -> pd.Series:
    """Source key of each source string: its first word (``"B24 p.7"`` -> ``"B24"``)."""
    return source.astype(str).str.strip().str.split(n=1).str[0].fillna("")


def _as_list(value, name: str, kind: type) -> list | None:
    if value is None:
        return None
    values = [value] if isinstance(value, (str, int, np.integer)) else list(value)
    for v in values:
        if not isinstance(v, kind) or isinstance(v, bool):
            raise InputError(f"argument '{name}': expected {kind.__name__} values, got {v!r}")
    return values


def load_published(
    indicator: str | Iterable[str] | None = None,
    edition: int | Iterable[int] | None = None,
    *,
    with_citation: bool = False,
) -> pd.DataFrame:
    """Published NLDTIB figures, one tidy row per figure, with source and trend breaks.

    Parameters
    ----------
    indicator : str or list of str, optional
        Keep only these indicators (e.g. ``"ds_turnover_eur"``). Unknown names raise
        :class:`~nldtib_forecast.InputError` listing the valid ones.
    edition : int or list of int, optional
        Keep only these editions (2022, 2024, 2025 or 2026).
    with_citation : bool, default False
        Add a ``citation`` column with the full citation of each row's source key.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, year, value, unit, edition, source, note`` followed by
        ``category, year_start, approximate, series_break, resolution`` (and ``citation``):

        - ``year`` (int): the year the figure refers to; for a growth rate or a period
          average the *last* year of the period.
        - ``year_start`` (int): first year of the period; equals ``year`` for a level.
          Growth rates run from ``year_start`` to ``year`` (B24's +62% is 2021 -> 2023);
          L26's "~45% export share 2019-2023" has ``year_start=2019, year=2023``.
        - ``value`` (float): money in EUR (EUR 8.0 bn is ``8.0e9``), shares and growth
          rates as fractions (14.9% is ``0.149``), counts of firms and FTE as numbers.
        - ``unit``: ``"EUR"``, ``"fraction"``, ``"firms"``, ``"FTE"``, ``"EUR/FTE"`` or
          ``"ratio"``.
        - ``edition`` (int): the publication: 2026 for L26, 2025 for BT25, 2024 for B24 (and
          N24), 2022 for B22.
        - ``source``: source key and page, e.g. ``"B24 p.7"``; the first word is the key of
          :func:`load_sources`.
        - ``category``: the breakdown a figure belongs to (size class ``"0-25"``, domain
          ``"land"``, customer group, financing source, benchmark ...), ``""`` if none.
        - ``approximate`` (bool): the publication gives the figure as approximate ("~20%",
          "about 1 in 3") or as a bound ("more than 70%"; see ``note``).
        - ``series_break`` (int): id of the comparable segment, see :data:`SERIES_BREAKS`.
          Levels with different ids must not be chained into one series.
        - ``resolution`` (float): unit of the last published digit in the unit of ``value``
          (``1e8`` for "8.0 bn", ``0.001`` for "14.9%"); NaN when the figure is not a
          rounded decimal ("1 in 3"). Used by
          :func:`~nldtib_forecast.data.audit_published`.

    Raises
    ------
    nldtib_forecast.InputError
        If an indicator or edition is unknown.

    See Also
    --------
    load_sources : The sources the figures cite.
    audit_published : Checks the figures against each other.
    SERIES_BREAKS : The trend breaks between editions.
    nldtib_forecast.plotting.plot_published_series : Charts of the series.

    Notes
    -----
    Trend breaks: B24's time series has a method change between 2017 and 2019 (segments 0
    and 1); the firm population of the 2026 edition was widened (1,050 firms in 2023,
    1,503 in 2025), partly a change of scope, so L26's figures for 2024-2025 form segment 2.
    BT25 is a separate survey (segment 3). Firm counts in B24's series belong to the survey
    edition (2016: 651, 2019: 475, 2022: 932, 2024: 1,050; B24 p.68) and are shown under
    the data year B24 uses. Questions asked once per edition (expectations, scale-up,
    barriers, financing) are stored under the edition's last data year.

    Figures are stored as published, including those that do not add up: see
    :func:`~nldtib_forecast.data.audit_published`. The table is validated when it is read
    (no duplicate ``indicator, year, category, edition, source``; EUR amounts in EUR;
    shares in [0, 1]; a source on every row). Qualitative statements (the five NLD focus
    areas, the barriers named without a number) are kept in the ``note`` column.

    Examples
    --------
    >>> from nldtib_forecast.data import load_published
    >>> turnover = load_published("ds_turnover_eur", edition=2026)
    >>> turnover["year"].tolist(), turnover["value"].tolist()
    ([2024, 2025], [8000000000.0, 10200000000.0])
    >>> turnover["source"].unique().tolist()
    ['L26 p.1']
    >>> df = load_published()
    >>> row = df[(df.indicator == "ds_turnover_share") & (df.year == 2023) & (df.edition == 2024)]
    >>> float(row["value"].iloc[0])
    0.149
    >>> int(df.query("indicator == 'firms_by_size_class'")["value"].sum())
    1050
    """
    df = _published_table()
    indicators = _as_list(indicator, "indicator", str)
    editions = _as_list(edition, "edition", int)
    if indicators is not None:
        valid = sorted(pd.unique(df["indicator"]))
        unknown = [i for i in indicators if i not in valid]
        if unknown:
            raise InputError(
                f"argument 'indicator': unknown indicator(s) {', '.join(map(repr, unknown))}; "
                f"valid indicators: {', '.join(valid)}"
            )
        df = df[df["indicator"].isin(indicators)]
    if editions is not None:
        valid_ed = sorted(int(e) for e in pd.unique(_published_table()["edition"]))
        unknown_ed = [e for e in editions if e not in valid_ed]
        if unknown_ed:
            raise InputError(
                f"argument 'edition': unknown edition(s) {', '.join(map(str, unknown_ed))}; "
                f"valid editions: {', '.join(map(str, valid_ed))}"
            )
        df = df[df["edition"].isin(editions)]
    df = df.reset_index(drop=True)
    if with_citation:
        citations = dict(zip(_sources_table()["key"], _sources_table()["citation"], strict=True))
        df = df.assign(citation=source_key(df["source"]).map(citations).fillna(""))
    return df.copy()


def load_sources() -> pd.DataFrame:
    """Full citation, address, access date, licence and vintage of every embedded source.

    Returns
    -------
    pandas.DataFrame
        One row per source key; every column is text, in this order:

        - ``key``: the source key, e.g. ``"B24"``, ``"L26"``, ``"EDA"``. The first word of
          every ``source`` value in :func:`load_published`, in the market tables
          (:func:`load_european_market`, :func:`load_nl_defence`, :func:`load_nl_macro`) and
          in :func:`load_policy_targets` is one of these keys.
        - ``citation``: the full citation (author or publisher, title, place, date,
          identifiers such as a Kamerstuk number or a kenmerk).
        - ``url``: the web address of the publication or, where its own address was not
          recorded, of the publisher's landing page (the ``note`` says which); several
          addresses are separated by ``" ; "``. A source without any address has
          ``"none: "`` followed by the reason.
        - ``accessed``: ISO 8601 date (``YYYY-MM-DD``) on which the figures were taken into
          the package; the day each publication was consulted was not recorded, so this is
          the date of the release that embedded them. ``pandas.to_datetime`` converts it.
        - ``licence``: the licence or terms of use, as far as they are known, or a plain
          statement that they are not known and on what basis the figures are quoted.
        - ``vintage``: the edition and the data years embedded (e.g. the 2025 release, data
          to 2024).
        - ``note``: coverage, price base, how the figures were obtained (second-hand or
          not) and caveats. The ``SECONDARY`` source is untraced: its rows
          (``defence_budget_secondary_eur`` in :func:`load_nl_defence`) document a conflict
          and must not be used for analysis.

    Raises
    ------
    nldtib_forecast.InputError
        If the embedded table is invalid (a missing column, an empty cell in a required
        column, a duplicate key, a malformed address or access date).

    See Also
    --------
    load_published : The figures, each with its source key.
    load_nl_defence : Dutch defence spending, including the untraced ``SECONDARY`` rows.

    Notes
    -----
    The table ships with the package as ``sources.csv``. ``accessed`` and ``vintage``
    together say which version of each source the embedded data reflect; a new edition of a
    source comes with a new ``vintage`` and ``accessed`` date (see the versioning policy in
    the documentation).

    Examples
    --------
    >>> from nldtib_forecast.data import load_sources
    >>> sources = load_sources().set_index("key")
    >>> "Kamerstuk 31 125 nr. 131" in sources.loc["B24", "citation"]
    True
    >>> "DGBI/105727106" in sources.loc["L26", "citation"]
    True
    >>> sources.loc["CBS", "licence"][:9]
    'CC BY 4.0'
    >>> sources.loc["SECONDARY", "url"][:16]
    'none: untraced. '
    """
    return _sources_table().copy()
