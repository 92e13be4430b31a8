"""Plots of published series and estimates.

Every function here takes an optional matplotlib ``Axes`` and returns the ``Axes`` it drew on,
so plots compose in notebooks and in reports. matplotlib is imported inside the functions:
``import nldtib_forecast.plotting`` stays cheap.

Display formatting is the only place where percentages appear: data stay fractions and EUR,
the axis tick labels show ``%`` or ``EUR bn``.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem
from nldtib_forecast._format import BILLION, count, number, percent, unit_kind

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.typing import ColorType

__all__ = ["plot_published_series", "INDICATOR_LABELS", "DEFAULT_BREAKS"]

#: Human-readable names of the published indicators (used for titles).
INDICATOR_LABELS: dict[str, str] = {
    "ds_turnover_eur": "D&S-related turnover",
    "ds_turnover_share": "D&S share of total turnover",
    "export_share": "Export share of D&S turnover",
    "ds_export_eur": "D&S exports",
    "firms": "Number of NLDTIB firms",
    "fte_total": "Employment at NLDTIB firms (all activities)",
    "fte_ds": "D&S employment",
    "fte_ds_rd": "D&S R&D employment",
    "value_added_eur": "Value added",
}

#: Break points used when the data carry no ``series_break`` column: a trend break lies
#: between 2017 and 2019 (method change between the 2016 and 2022 survey editions), so the
#: years before 2018 and from 2018 on form separate segments.
DEFAULT_BREAKS: tuple[float, ...] = (2018.0,)

_REQUIRED = ("indicator", "year", "value")


def _check_published(published: pd.DataFrame, indicator: str) -> pd.DataFrame:
    if not isinstance(published, pd.DataFrame):
        raise InputError(
            f"published must be a pandas DataFrame, got {type(published).__name__}"
        )
    missing = [c for c in _REQUIRED if c not in published.columns]
    if missing:
        raise InputError(
            "published figures lack required columns",
            [Problem(c, "required column is missing") for c in missing],
        )
    rows = published[published["indicator"] == indicator]
    if rows.empty:
        known = sorted(map(str, pd.unique(published["indicator"])))
        close = get_close_matches(str(indicator), known, n=3, cutoff=0.5)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise InputError(
            f"argument 'indicator': no published rows for {indicator!r}{hint}; the "
            f"{len(known)} indicators present: {', '.join(known)}"
        )
    return rows


def _filter_category(rows: pd.DataFrame, category: str | None) -> pd.DataFrame:
    """Rows of one category (breakdowns such as size classes are separate series)."""
    if "category" not in rows.columns:
        if category is not None:
            raise InputError("argument 'category': the published figures have no 'category' "
                             "column")
        return rows
    labels = rows["category"].fillna("").astype(str)
    present = list(dict.fromkeys(labels))
    if category is None:
        if len(present) > 1:
            shown = ", ".join(repr(c) for c in present)
            raise InputError(
                f"argument 'category': {len(present)} categories of "
                f"{rows['indicator'].iloc[0]!r} are published; choose one of {shown}"
            )
        return rows
    if category not in present:
        shown = ", ".join(repr(c) for c in present)
        raise InputError(
            f"argument 'category': unknown value {category!r}; valid values: {shown}"
        )
    return rows[labels == category]


def _sort_editions(rows: pd.DataFrame) -> pd.DataFrame:
    """Sort by year, then edition (oldest first); stable."""
    if "edition" not in rows.columns:
        return rows.sort_values("year", kind="stable")
    try:
        return rows.sort_values(["year", "edition"], kind="stable")
    except TypeError:  # mixed edition labels: compare as text
        key = rows["edition"].astype(str)
        return rows.assign(_ed=key).sort_values(["year", "_ed"], kind="stable").drop(
            columns="_ed"
        )


def _split_rows(
    rows: pd.DataFrame, edition: object | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Point figures (one per year, most recent edition) and period figures.

    A period figure covers several years (``year_start < year``, e.g. "about 45% in
    2019-2023"); it is not a value for its last year and is drawn as a horizontal bar.
    """
    if edition is not None:
        if "edition" not in rows.columns:
            raise InputError("argument 'edition': the published figures have no 'edition' column")
        chosen = rows[rows["edition"].astype(str) == str(edition)]
        if chosen.empty:
            valid = ", ".join(repr(str(e)) for e in pd.unique(rows["edition"]))
            raise InputError(
                f"argument 'edition': no rows of edition {edition!r}; valid values: {valid}"
            )
        rows = chosen
    rows = _sort_editions(rows[rows["value"].notna()])
    if "year_start" in rows.columns:
        start = pd.to_numeric(rows["year_start"], errors="coerce")
        period = (start.notna() & (start < rows["year"])).to_numpy()
    else:
        period = np.zeros(len(rows), dtype=bool)
    points = rows[~period].drop_duplicates("year", keep="last").reset_index(drop=True)
    periods = rows[period].reset_index(drop=True)
    return points, periods


def _is_boolean(col: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(col):
        return True
    values = col.dropna()
    return len(values) > 0 and all(isinstance(v, (bool, np.bool_)) for v in values)


def _segment_ids(rows: pd.DataFrame, breaks: Sequence[float] | None) -> np.ndarray:
    """Integer segment id per row (rows sorted by year); a new id after every trend break.

    ``series_break`` may hold segment labels (ints or strings: rows sharing a label are
    comparable) or booleans (``True`` on the first year of a new segment).
    """
    years = rows["year"].to_numpy(dtype=float)
    if breaks is None and "series_break" in rows.columns:
        col = rows["series_break"]
        if _is_boolean(col):
            flags = col.fillna(False).astype(bool).to_numpy(copy=True)
            flags[:1] = False
            return np.cumsum(flags)
        labels = col.astype(str).to_numpy()
        change = np.r_[False, labels[1:] != labels[:-1]]
        return np.cumsum(change)
    points = np.asarray(DEFAULT_BREAKS if breaks is None else breaks, dtype=float)
    return np.searchsorted(np.sort(points), years, side="right")


def _format_axis(ax: Axes, unit: str) -> str:
    """Tick formatting by unit (:func:`nldtib_forecast._format.unit_kind`): percentages for
    fractions, EUR in billions, whole numbers for counts, plain numbers otherwise; returns the
    y-axis label."""
    from matplotlib.ticker import FuncFormatter

    unit = (unit or "").strip()
    kind = unit_kind(unit)
    if kind == "percent":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: percent(v, decimals=0)))
        return "%"
    if kind == "eur":
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: number(v / BILLION, decimals=1)))
        return "EUR bn"
    if kind == "count":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: count(v)))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    return unit


def plot_published_series(
    published: pd.DataFrame,
    indicator: str,
    ax: Axes | None = None,
    *,
    category: str | None = None,
    edition: object | None = None,
    estimates: pd.Series | None = None,
    estimates_label: str = "estimate",
    estimates_color: str = "C1",
    breaks: Sequence[float] | None = None,
    label: str | None = None,
    title: str | None = None,
    color: str | None = None,
    break_label: str = "trend break",
) -> Axes:
    """Plot one published indicator over time, never joining points across a trend break.

    The series is drawn as one line per comparable segment. Each trend break is marked by a
    labelled vertical dashed line halfway between the last year before and the first year after
    it. Figures flagged ``approximate`` get open markers; figures that cover a period
    (``year_start < year``, e.g. "about 45% in 2019-2023") are drawn as dotted horizontal bars
    over that period and are not joined to the yearly series. Shares (unit ``"fraction"``) are
    shown as percentages and EUR amounts in billions, in the tick labels only: the data are not
    changed.

    Parameters
    ----------
    published : pandas.DataFrame
        Tidy published figures with at least ``indicator``, ``year`` and ``value`` columns, as
        returned by :func:`nldtib_forecast.data.load_published`. Optional columns: ``unit``
        (axis formatting), ``edition`` (choice among several figures for one year),
        ``series_break`` (segment label per row, or ``True`` on the first year after a break),
        ``category``, ``year_start`` (period figures) and ``approximate``.
    indicator : str
        The indicator to plot, e.g. ``"ds_turnover_eur"`` or ``"export_share"``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created when omitted.
    category : str, optional
        For indicators published by category (e.g. ``firms_by_size_class``), the category to
        plot. Required when the indicator has more than one category.
    edition : optional
        Plot only the figures of this survey edition. By default, when several editions publish
        a figure for the same year, the most recent edition's figure is used.
    estimates : pandas.Series, optional
        Values indexed by year (same unit as the published series) drawn as points, e.g.
        weighted survey estimates or model fits.
    estimates_label : str, default "estimate"
        Legend label of ``estimates``.
    estimates_color : str, default "C1"
        Colour of the ``estimates`` points.
    breaks : sequence of float, optional
        Break points overriding the data: years ``< b`` and ``>= b`` fall in different segments.
        Without this argument the ``series_break`` column is used; when it is absent, a trend
        break lies between 2017 and 2019 (:data:`DEFAULT_BREAKS`).
    label : str, optional
        Legend label of the published series (default ``"published"``).
    title : str, optional
        Axes title (default: a readable name of the indicator).
    color : str, optional
        Line colour of the published series.
    break_label : str, default "trend break"
        Legend label of the break lines.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on. The published segments are ``Line2D`` objects with the gid
        ``"published-segment-<k>"``; break lines have the gid ``"trend-break"``, the estimates
        ``"estimates"``.

    Raises
    ------
    nldtib_forecast.InputError
        If columns are missing, the indicator, category or edition is unknown, or
        ``estimates`` is not indexed by year.

    Examples
    --------
    >>> import pandas as pd
    >>> from nldtib_forecast.plotting import plot_published_series
    >>> published = pd.DataFrame({
    ...     "indicator": "export_share",
    ...     "year": [2014, 2017, 2019, 2021, 2023],
    ...     "value": [0.68, 0.71, 0.50, 0.54, 0.43],
    ...     "unit": "fraction",
    ... })
    >>> ax = plot_published_series(published, "export_share")
    >>> ax.get_title()
    'Export share of D&S turnover'
    >>> [len(line.get_xdata()) for line in ax.get_lines() if line.get_gid().startswith("pub")]
    [2, 3]
    >>> ax.yaxis.get_major_formatter()(0.45, 0)
    '45%'
    """
    if ax is None:
        import matplotlib.pyplot as plt  # respects the caller's backend (inline, Agg, ...)

        _fig, ax = plt.subplots(figsize=(7.0, 4.0), layout="constrained")

    rows = _filter_category(_check_published(published, indicator), category)
    points, periods = _split_rows(rows, edition)
    if points.empty and periods.empty:
        raise InputError(f"argument 'indicator': all values of {indicator!r} are missing")
    years = points["year"].to_numpy(dtype=float)
    values = points["value"].to_numpy(dtype=float)
    segments = _segment_ids(points, breaks)

    unit = str(rows["unit"].iloc[0]) if "unit" in rows.columns else ""
    ylabel = _format_axis(ax, unit)

    line_color: ColorType | None = color
    for k, seg in enumerate(pd.unique(segments)):
        mask = segments == seg
        (line,) = ax.plot(
            years[mask],
            values[mask],
            marker="o",
            color=line_color,
            zorder=2.5,
            label=(label or "published") if k == 0 else "_nolegend_",
            gid=f"published-segment-{k}",
        )
        line_color = line.get_color()
    if line_color is None:
        line_color = "C0"

    if "approximate" in points.columns:
        approx = points["approximate"].fillna(False).astype(bool).to_numpy()
        if approx.any():
            ax.plot(years[approx], values[approx], linestyle="none", marker="o",
                    markerfacecolor="white", color=line_color, label="Approximate",
                    gid="published-approximate")

    for k, row in enumerate(periods.itertuples(index=False)):
        ax.hlines(row.value, float(row.year_start), float(row.year), colors=line_color,
                  linestyles=":", linewidth=2.0,
                  label="Average over a period" if k == 0 else "_nolegend_",
                  gid="published-period")

    from matplotlib.transforms import blended_transform_factory

    to_axes = blended_transform_factory(ax.transData, ax.transAxes)
    change = np.flatnonzero(segments[1:] != segments[:-1])
    for j, i in enumerate(change):
        x = (years[i] + years[i + 1]) / 2.0
        ax.axvline(
            x,
            color="0.4",
            linestyle="--",
            linewidth=1.0,
            label=break_label if j == 0 else "_nolegend_",
            gid="trend-break",
        )
        ax.text(x, 0.98, f" {break_label}", transform=to_axes, rotation=90, ha="right",
                va="top", fontsize="x-small", color="0.4", gid="trend-break-label")

    if estimates is not None:
        est = _check_estimates(estimates)
        ax.plot(
            est.index.to_numpy(dtype=float),
            est.to_numpy(dtype=float),
            linestyle="none",
            marker="D",
            markersize=5.0,
            alpha=0.8,
            zorder=1.5,  # under the published points
            color=estimates_color,
            label=estimates_label,
            gid="estimates",
        )

    ax.set_title(title if title is not None else INDICATOR_LABELS.get(indicator, indicator))
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if unit_kind(unit) in ("percent", "eur"):
        low, high = ax.get_ylim()
        ax.set_ylim(min(0.0, low), high)
    ax.legend(loc="best", frameon=False)
    return ax


def _check_estimates(estimates: pd.Series) -> pd.Series:
    if not isinstance(estimates, pd.Series):
        raise InputError(
            f"argument 'estimates': must be a pandas Series indexed by year, "
            f"got {type(estimates).__name__}"
        )
    index = estimates.index
    if isinstance(index, pd.PeriodIndex):
        estimates = estimates.set_axis(index.year)
    elif not pd.api.types.is_numeric_dtype(index):
        raise InputError("argument 'estimates': the index must hold years (int or PeriodIndex)")
    return estimates.dropna().sort_index()


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
