"""The layout of the report's panel charts (nldtib_forecast.report.run._arrange): measured
once instead of by constrained layout, so these tests check what constrained layout would
have guaranteed: no text leaves the figure, no text runs into another panel, the legend and
the title clear the panels, in English and Dutch, for a plain list of scenarios and for a
policies x futures grid (names longer than a
chart's label width are cut to it, :data:`nldtib_forecast.report.run._LABEL_CHARS`)."""

from __future__ import annotations

import itertools

import pytest

from nldtib_forecast.report import run as _report
from nldtib_forecast.report.tables import policy_effects_table


@pytest.fixture(scope="module")
def results(default_outlook):
    model = default_outlook
    plain = model.simulate(n_draws=20, seed=1)
    grid = model.simulate(n_draws=20, seed=1, futures=["baseline", "european_surge",
                                                        "slower_path"],
                          policies=["current_conditions", "improved_conditions",
                                    "labour_squeeze"])
    return {"plain": plain, "grid": grid}


@pytest.fixture
def figures(monkeypatch):
    """The matplotlib figures the chart functions save (``_png`` captured)."""
    seen = []
    original = _report._png

    def capture(fig):
        seen.append(fig)
        return original(fig)

    monkeypatch.setattr(_report, "_png", capture)
    return seen


def _texts(fig):
    """The texts a draw of ``fig`` shows: titles, axis labels and the tick labels of the ticks
    in view (matplotlib keeps labels of ticks outside the view too, undrawn), texts in the
    panels, the suptitle and the legends' entries."""
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        yield from (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label)
        yield from ax.texts
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis._update_ticks():  # the ticks a draw shows
                yield from (tick.label1, tick.label2)
    yield from fig.texts  # the suptitle
    for legend in fig.legends:
        yield from legend.get_texts()


def _boxes(fig):
    """(text, bbox, owner axes or None) of every visible, non-empty text of a drawn figure."""
    renderer = fig.canvas.get_renderer()
    out = []
    for t in _texts(fig):
        if not t.get_visible() or not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if box.width <= 0 or box.height <= 0:
            continue
        owner = t.axes if t.axes is not None and t.figure is fig and \
            not any(t in leg.get_texts() for leg in fig.legends) else None
        out.append((t.get_text(), box, owner))
    return out


def _check_layout(fig) -> None:
    fig.canvas.draw()
    frame = fig.bbox
    panels = [ax for ax in fig.axes if ax.get_visible()]
    boxes = _boxes(fig)
    tol = 1.0  # pixel
    for text, box, _ in boxes:
        assert box.x0 >= frame.x0 - tol and box.x1 <= frame.x1 + tol, f"{text!r} leaves " \
            f"the figure horizontally ({box} in {frame})"
        assert box.y0 >= frame.y0 - tol and box.y1 <= frame.y1 + tol, f"{text!r} leaves " \
            f"the figure vertically ({box} in {frame})"
    for (text, box, owner), ax in itertools.product(boxes, panels):
        if ax is owner or owner is None and _inside_legend(fig, box):
            continue
        area = ax.get_window_extent()
        overlap = min(box.x1, area.x1) - max(box.x0, area.x0), \
            min(box.y1, area.y1) - max(box.y0, area.y0)
        assert min(overlap) <= tol, f"{text!r} runs into another panel"
    legends = [leg.get_window_extent() for leg in fig.legends]
    for leg in legends:
        for ax in panels:
            area = ax.get_window_extent()
            assert leg.y1 <= area.y0 + tol or leg.y0 >= area.y1 - tol, "legend on a panel"
        for text, box, owner in boxes:
            if owner is not None and box.y1 > leg.y0 and box.y0 < leg.y1:
                assert box.x1 <= leg.x0 + tol or box.x0 >= leg.x1 - tol, \
                    f"{text!r} runs into the legend"


def _inside_legend(fig, box) -> bool:
    return any(leg.get_window_extent().contains(box.x0 + 1, box.y0 + 1) for leg in fig.legends)


SHOWN = ("turnover_nominal_eur", "fte_required")  # EUR bn and counts


@pytest.mark.parametrize(("kind", "lang"), [("plain", "en"), ("grid", "nl")])
def test_fan_charts_keep_every_text_in_its_place(results, figures, kind, lang):
    """Each chart drawn in a new figure keeps its texts in place."""
    for variable in SHOWN:
        _report._fan_png(results[kind], variable, lang)
    assert len(figures) == 2
    for fig in figures:
        _check_layout(fig)


def test_fan_charts_drawn_together_equal_charts_drawn_alone(results):
    """``fan_charts`` draws the charts of a result one after the other in one figure (its
    panels cleared between them): those are the charts drawn each in a new figure, byte for
    byte (here the first and the last, after six clearings, of the policies x futures grid in
    Dutch: the most panels and the longest legend)."""
    from nldtib_forecast.report.tables import key_variables

    result = results["grid"]
    alone = {variable: _report._fan_png(result, variable, "nl") for variable in SHOWN}
    together = _report.fan_charts({"outlook": result}, "nl")
    variables = key_variables("outlook", result)
    assert len(together) == len(variables) > 2
    assert (variables[0], variables[-1]) == SHOWN
    for variable in SHOWN:
        png, caption = together[f"fan_outlook_{variable}.png"]
        assert caption == alone[variable][1]
        assert png == alone[variable][0], f"{variable}: the pixels differ"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_policy_effects_chart_keeps_every_text_in_its_place(results, figures, lang):
    effects = policy_effects_table({"outlook": results["grid"]}, _report.EFFECT_VARIABLES,
                                   _report.REFERENCE_POLICY)
    _report._policy_effects_png(effects, _report.EFFECT_VARIABLES[0], lang)
    (fig,) = figures
    _check_layout(fig)


def test_the_check_finds_a_text_in_the_wrong_place(results, figures):
    """The layout check bites: a panel title moved onto the panel above fails it."""
    _report._fan_png(results["grid"], "turnover_nominal_eur")
    (fig,) = figures
    axes = [ax for ax in fig.axes if ax.get_visible()]
    low = axes[-1]
    low.set_title(low.get_title(), y=1.6)  # up into the row above
    with pytest.raises(AssertionError, match="runs into another panel"):
        _check_layout(fig)

