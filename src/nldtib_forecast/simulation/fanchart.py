"""Display helpers of :class:`nldtib_forecast.results.ScenarioResult` (private).

The fan chart drawn by :meth:`ScenarioResult.plot
<nldtib_forecast.results.ScenarioResult.plot>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nldtib_forecast._errors import InputError
from nldtib_forecast._format import BILLION, number, unit_kind
from nldtib_forecast.labels import label

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from nldtib_forecast.simulation.results import ScenarioResult


def _tails(level: float) -> tuple[float, float]:
    """Quantile levels of a central interval (rounded: 0.1, not 0.09999999999999998)."""
    return round((1 - level) / 2, 12), round((1 + level) / 2, 12)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def band_alphas(alphas) -> list[float]:
    """How opaque each interval of a fan looks: its band stacked on the wider ones
    (``alphas`` of the bands from the widest interval on)."""
    out, clear = [], 1.0
    for a in alphas:
        clear *= 1.0 - float(a)
        out.append(round(1.0 - clear, 6))
    return out


def _fan_chart(result: ScenarioResult, variable: str, scenarios: str | Sequence[str] | None,
               ax: Axes | None, levels: Sequence[float], title: str | None, *,
               legend: bool = True) -> Axes:
    """The fan chart of :meth:`ScenarioResult.plot` (see there); ``legend=False`` leaves out
    the legend (a chart of several panels has one legend of its own)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=(7.0, 4.0), layout="constrained")
    levels = sorted((float(lv) for lv in levels), reverse=True)
    if not levels or not all(0 < lv < 1 for lv in levels):
        raise InputError(f"argument 'levels': must lie in (0, 1), got {levels!r}")
    sub = result.select(scenarios, variable)
    qs = [q for lv in levels for q in _tails(lv)]
    arr = sub._draws[variable]
    bands = np.quantile(arr, qs, axis=1)
    median = np.quantile(arr, 0.5, axis=1)
    x = sub.years.to_numpy()
    alphas = np.linspace(0.15, 0.4, len(levels))
    handles = []
    # the limits are worked out when the chart is drawn, not after every band (with shared
    # axes each band would scale every panel again): autoscaling is off while the bands are
    # added (their data limits are kept), then back as it was
    autoscale = ax.get_autoscalex_on(), ax.get_autoscaley_on()
    for i, scen in enumerate(sub.scenarios):
        color = f"C{i}"
        ax.set_autoscale_on(False)
        try:
            for j, lv in enumerate(levels):
                band = ax.fill_between(x, bands[2 * j, i], bands[2 * j + 1, i], color=color,
                                       alpha=alphas[j], linewidth=0, label="_nolegend_")
                band.set_gid(f"band-{round(lv * 100):d}-{scen}")
        finally:
            ax.set_autoscalex_on(autoscale[0])
            ax.set_autoscaley_on(autoscale[1])
        (line,) = ax.plot(x, median[i], color=color, label=scen, gid=f"median-{scen}")
        handles.append(line)
    # legend swatches as the bands look: the colour of the scenario, as dark as the stacked
    # bands of each interval (one scenario), or each scenario's band with its median line
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.patches import Patch

    stacked = band_alphas(alphas)
    if not legend:
        pass
    elif len(sub.scenarios) == 1:
        patches = [Patch(facecolor="C0", alpha=a, label=f"{lv:.0%} interval")
                   for lv, a in zip(levels, stacked, strict=True)]
        ax.legend(handles=[*patches, *handles], loc="best", frameon=False, fontsize="small")
    else:
        pairs = [(Patch(facecolor=f"C{i}", alpha=stacked[-1]), line)
                 for i, line in enumerate(handles)]
        ax.legend(pairs, [label(str(s), strict=False) for s in sub.scenarios], loc="best",
                  frameon=False,
                  fontsize="small", handler_map={tuple: HandlerTuple(ndivide=1)},
                  title="median and " + "/".join(f"{round(lv * 100):d}" for lv in
                                                 reversed(levels)) + "% intervals",
                  title_fontsize="small")
    unit = result.units[variable]
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    if unit_kind(unit) == "percent":
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    elif unit == "EUR":
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: number(v / BILLION, decimals=1)))
    ax.set_ylabel({"EUR": "EUR bn"}.get(unit, "%" if unit_kind(unit) == "percent" else unit))
    ax.set_xlabel("Year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    m = result._metadata
    ax.set_title(title if title is not None else label(variable, strict=False)
                 + (f" (difference from {label(str(m.baseline), strict=False)})"
                    if m.baseline else "")
                 + (" - synthetic data" if m.synthetic else ""))
    return ax
