"""Tests of nldtib_forecast.plotting."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from nldtib_forecast import InputError  # noqa: E402
from nldtib_forecast.plotting import plot_published_series  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _frame(indicator, years, values, unit, **extra):
    return pd.DataFrame(
        {"indicator": indicator, "year": years, "value": values, "unit": unit, **extra}
    )


# B24 p.7 and p.36: export share of D&S turnover, trend break between 2017 and 2019.
EXPORT = _frame(
    "export_share",
    [2010, 2014, 2017, 2019, 2020, 2021, 2022, 2023],
    [0.70, 0.68, 0.71, 0.50, 0.49, 0.54, 0.45, 0.43],
    "fraction",
)
# B24 p.7 plus L26: D&S turnover in EUR.
TURNOVER = _frame(
    "ds_turnover_eur",
    [2006, 2010, 2014, 2017, 2019, 2020, 2021, 2022, 2023, 2024, 2025],
    np.array([3.0, 3.1, 4.5, 5.0, 4.2, 4.5, 4.7, 5.7, 7.7, 8.0, 10.2]) * 1e9,
    "EUR",
)


def _segments(ax):
    return [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("published-segment")]


def _break_xs(ax):
    return sorted(ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_gid() == "trend-break")


def _assert_no_segment_crosses(ax):
    breaks = _break_xs(ax)
    for line in _segments(ax):
        x = np.asarray(line.get_xdata(), dtype=float)
        for b in breaks:
            assert (x < b).all() or (x > b).all(), f"segment {x} crosses the break at {b}"


def test_returns_axes_with_title_and_labels():
    ax = plot_published_series(EXPORT, "export_share")
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.get_title() == "Export share of D&S turnover"
    assert ax.get_xlabel() == "year"


def test_uses_given_axes():
    fig, ax = plt.subplots()
    out = plot_published_series(EXPORT, "export_share", ax=ax, title="x")
    assert out is ax
    assert ax.get_title() == "x"


def test_default_break_between_2017_and_2019():
    ax = plot_published_series(EXPORT, "export_share")
    assert _break_xs(ax) == [2018.0]
    segments = _segments(ax)
    assert [list(s.get_xdata()) for s in segments] == [
        [2010, 2014, 2017],
        [2019, 2020, 2021, 2022, 2023],
    ]
    _assert_no_segment_crosses(ax)


def test_series_break_labels_define_segments():
    # Firm counts: method change 2017 -> 2019 and a scope change 2023 -> 2025 (L26).
    firms = _frame(
        "firms",
        [2006, 2010, 2014, 2017, 2019, 2023, 2025],
        [290, 451, 651, 475, 932, 1050, 1503],
        "firms",
        series_break=[0, 0, 0, 0, 1, 1, 2],
    )
    ax = plot_published_series(firms, "firms")
    assert _break_xs(ax) == [2018.0, 2024.0]
    assert [len(s.get_xdata()) for s in _segments(ax)] == [4, 2, 1]
    _assert_no_segment_crosses(ax)


def test_series_break_booleans_mark_first_year_of_new_segment():
    df = EXPORT.assign(series_break=[False, False, False, True, False, False, False, False])
    ax = plot_published_series(df, "export_share")
    assert _break_xs(ax) == [2018.0]
    _assert_no_segment_crosses(ax)


def test_series_break_string_labels():
    df = EXPORT.assign(series_break=["B16"] * 3 + ["B22"] * 5)
    ax = plot_published_series(df, "export_share")
    assert _break_xs(ax) == [2018.0]


def test_explicit_breaks_override():
    ax = plot_published_series(TURNOVER, "ds_turnover_eur", breaks=[2018, 2024.5])
    assert _break_xs(ax) == [2018.0, 2024.5]
    assert [len(s.get_xdata()) for s in _segments(ax)] == [4, 6, 1]
    _assert_no_segment_crosses(ax)


def test_one_legend_entry_per_kind():
    df = EXPORT.assign(series_break=[0, 0, 0, 1, 1, 1, 2, 2])
    ax = plot_published_series(df, "export_share")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["published", "trend break"]
    assert len({s.get_color() for s in _segments(ax)}) == 1


def test_percent_and_billion_formatting():
    ax = plot_published_series(EXPORT, "export_share")
    assert ax.yaxis.get_major_formatter()(0.45, 0) == "45%"
    assert ax.get_ylabel() == "%"
    ax = plot_published_series(TURNOVER, "ds_turnover_eur")
    assert ax.yaxis.get_major_formatter()(10.2e9, 0) == "10.2"
    assert ax.get_ylabel() == "EUR bn"
    # the data are not rescaled
    assert max(max(s.get_ydata()) for s in _segments(ax)) == pytest.approx(10.2e9)


def test_estimates_overlay_as_points():
    est = pd.Series([0.47, 0.44, 0.36], index=[2023, 2024, 2025])
    ax = plot_published_series(EXPORT, "export_share", estimates=est, estimates_label="survey")
    (points,) = [ln for ln in ax.get_lines() if ln.get_gid() == "estimates"]
    assert points.get_linestyle() == "None"
    assert list(points.get_xdata()) == [2023, 2024, 2025]
    assert "survey" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_estimates_with_period_index():
    est = pd.Series([0.47, 0.36], index=pd.period_range("2024", periods=2, freq="Y"))
    ax = plot_published_series(EXPORT, "export_share", estimates=est)
    (points,) = [ln for ln in ax.get_lines() if ln.get_gid() == "estimates"]
    assert list(points.get_xdata()) == [2024, 2025]


def test_latest_edition_wins_for_a_year_and_edition_filter():
    df = pd.concat(
        [
            _frame("ds_turnover_eur", [2022, 2023], [5.7e9, 7.7e9], "EUR", edition="2024"),
            _frame("ds_turnover_eur", [2023, 2025], [7.9e9, 10.2e9], "EUR", edition="2026"),
        ],
        ignore_index=True,
    )
    ax = plot_published_series(df, "ds_turnover_eur", breaks=[])
    xs = np.concatenate([s.get_xdata() for s in _segments(ax)])
    ys = np.concatenate([s.get_ydata() for s in _segments(ax)])
    assert list(xs) == [2022, 2023, 2025]
    assert ys[1] == 7.9e9
    ax = plot_published_series(df, "ds_turnover_eur", edition="2024", breaks=[])
    assert list(np.concatenate([s.get_ydata() for s in _segments(ax)])) == [5.7e9, 7.7e9]


def test_errors_name_the_problem():
    with pytest.raises(InputError, match="no published rows for 'nope'"):
        plot_published_series(EXPORT, "nope")
    with pytest.raises(InputError, match="value"):
        plot_published_series(EXPORT.drop(columns="value"), "export_share")
    with pytest.raises(InputError, match="edition"):
        plot_published_series(EXPORT, "export_share", edition="2024")
    with pytest.raises(InputError, match="estimates"):
        plot_published_series(EXPORT, "export_share", estimates=[0.4])
    with pytest.raises(InputError, match="DataFrame"):
        plot_published_series({"a": 1}, "export_share")


@pytest.mark.parametrize("indicator", ["ds_turnover_eur", "export_share"])
def test_embedded_published_series_never_crosses_a_break(indicator):
    from nldtib_forecast.data import load_published

    ax = plot_published_series(load_published(), indicator)
    assert _segments(ax)
    assert _break_xs(ax), "the embedded series have a trend break between 2017 and 2019"
    _assert_no_segment_crosses(ax)


def test_integer_labels_zero_one_are_segments_not_flags():
    df = EXPORT.assign(series_break=[0, 0, 0, 1, 1, 1, 1, 1])
    ax = plot_published_series(df, "export_share")
    assert _break_xs(ax) == [2018.0]
    assert [len(s.get_xdata()) for s in _segments(ax)] == [3, 5]


def test_period_figure_is_a_bar_not_a_point():
    # L26: "about 45% in 2019-2023" is a period figure, B24 gives 43% for 2023.
    period = _frame("export_share", [2023], [0.45], "fraction", year_start=[2019],
                    approximate=[True], edition=[2026])
    df = pd.concat([EXPORT.assign(year_start=EXPORT["year"], approximate=False, edition=2024),
                    period], ignore_index=True)
    ax = plot_published_series(df, "export_share")
    ys = np.concatenate([s.get_ydata() for s in _segments(ax)])
    assert 0.45 not in ys[-1:] and ys[-1] == 0.43
    (bars,) = [c for c in ax.collections if c.get_gid() == "published-period"]
    (segment,) = bars.get_segments()
    assert segment[:, 0].tolist() == [2019.0, 2023.0]
    assert segment[:, 1].tolist() == [0.45, 0.45]


def test_approximate_points_get_open_markers():
    df = EXPORT.assign(approximate=[False] * 7 + [True])
    ax = plot_published_series(df, "export_share")
    (approx,) = [ln for ln in ax.get_lines() if ln.get_gid() == "published-approximate"]
    assert list(approx.get_xdata()) == [2023]


def test_category_required_when_several():
    df = pd.concat(
        [
            _frame("firms_by_domain", [2023], [509], "firms", category=["land"]),
            _frame("firms_by_domain", [2023], [200], "firms", category=["security"]),
        ],
        ignore_index=True,
    )
    with pytest.raises(InputError, match="choose one of 'land', 'security'"):
        plot_published_series(df, "firms_by_domain")
    with pytest.raises(InputError, match="unknown value 'air'"):
        plot_published_series(df, "firms_by_domain", category="air")
    ax = plot_published_series(df, "firms_by_domain", category="land")
    assert [list(s.get_ydata()) for s in _segments(ax)] == [[509]]
