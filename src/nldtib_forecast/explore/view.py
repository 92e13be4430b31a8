"""What the explorer's page shows, as text, tables and HTML snippets (no web framework).

The app (:mod:`nldtib_forecast.explore.page`) puts these on the page; a notebook or a test
can call them on a :class:`~nldtib_forecast.explore.compute.Comparison` directly. Labels and
units come from :mod:`nldtib_forecast.labels`, numbers are formatted by the library's
formatting rules (EUR in billions, fractions as percentages, FTE as whole numbers).
"""

from __future__ import annotations

import html

import pandas as pd

from nldtib_forecast._format import eur, format_value, percentage_points, unit_kind
from nldtib_forecast.explore.compute import KEY_FIGURES, Comparison
from nldtib_forecast.explore.setting import REFERENCE_POLICY, Lever
from nldtib_forecast.labels import label, unit_label
from nldtib_forecast.report.run import EFFECT_VARIABLES

__all__ = ["SYNTHETIC_BANNER", "scenario_label", "key_figures_table", "effect_html",
           "constraints_html", "key_figures_html", "marks_html", "heading"]

#: The banner on every page computed from the synthetic survey (the report's words).
SYNTHETIC_BANNER = ("SYNTHETIC DATA: the survey behind these numbers is a synthetic firm-level "
                    "panel calibrated to the published NLDTIB figures, not the confidential "
                    "survey microdata. Model results are illustrations of the method, not "
                    "estimates.")


def scenario_label(name: str) -> str:
    """The label of a future or policy: the registry's, or the name of one from a file.

    Parameters
    ----------
    name : str
        The scenario's name.

    Returns
    -------
    str
        E.g. ``"Improved conditions"``; a name the registry does not know as it is.

    Examples
    --------
    >>> scenario_label("improved_conditions"), scenario_label("my_policy")
    ('Improved conditions', 'my_policy')
    """
    return label(name, kind="scenario", strict=False)


def heading(comparison: Comparison) -> str:
    """What is compared, in words: *Baseline: improved conditions against current conditions*.

    Parameters
    ----------
    comparison : Comparison
        The computed comparison.

    Returns
    -------
    str
        The heading.
    """
    s = comparison.setting
    policy = scenario_label(s.policy.name)
    if s.policy.name == REFERENCE_POLICY:
        return f"{scenario_label(s.future.name)}: current conditions"
    return (f"{scenario_label(s.future.name)}: {policy[:1].lower() + policy[1:]} against "
            "current conditions" if policy != s.policy.name else
            f"{scenario_label(s.future.name)}: policy {policy} against current conditions")


def _value(value: float, unit: str) -> str:
    if unit_kind(unit) == "eur":
        return eur(value, scale="bn")
    return format_value(value, unit) + (f" {unit}" if unit_kind(unit) == "count" else "")


def _difference(value: float, unit: str) -> str:
    kind = unit_kind(unit)
    if kind == "percent":
        return percentage_points(round(float(value), 4) + 0.0)
    if kind == "eur":
        return eur(round(float(value) / 1e9, 2) * 1e9 + 0.0, scale="bn", signed=True)
    return format_value(round(float(value)) + 0.0, unit, signed=True) + (
        f" {unit}" if kind == "count" else "")


def key_figures_table(comparison: Comparison) -> pd.DataFrame:
    """The key figures as the page shows them: formatted text, one row per variable.

    Parameters
    ----------
    comparison : Comparison
        The computed comparison.

    Returns
    -------
    pandas.DataFrame
        Indexed by the variables' labels (with their units), columns ``(year, what)`` for
        each summary year, ``what`` being current conditions, the policy and the effect:
        the median and, below it, the central interval.

    Examples
    --------
    >>> from nldtib_forecast.explore import Setting, compare
    >>> from nldtib_forecast.scenarios import builtin
    >>> c = compare(Setting(builtin()["baseline"], builtin()["improved_conditions"],
    ...                     n_draws=100))
    >>> key_figures_table(c).columns.get_level_values("year").unique().tolist()
    [2030, 2035]
    """
    key = comparison.key_figures
    eff = comparison.effects
    policy = comparison.setting.policy.name
    level = f"{round(comparison.level * 100)}%"
    columns = [scenario_label(REFERENCE_POLICY)]
    if policy != REFERENCE_POLICY:
        columns += [scenario_label(policy), "Effect of the policy"]
    rows = {}
    for var in KEY_FIGURES:
        unit = comparison.result.units[var]
        row = {}
        for year in sorted(key["year"].unique()):
            for pol, col in zip((REFERENCE_POLICY, policy), columns[:2], strict=False):
                r = key[(key["policy"] == pol) & (key["variable"] == var)
                        & (key["year"] == year)].iloc[0]
                row[(int(year), col)] = (f"{_value(r['median'], unit)}\n{level}: "
                                         f"{_value(r['lower'], unit)} to "
                                         f"{_value(r['upper'], unit)}")
            if len(columns) == 3:
                if var in EFFECT_VARIABLES:
                    e = eff.loc[(var, int(year))]
                    row[(int(year), columns[2])] = (
                        f"{_difference(e['median'], unit)}\n{level}: "
                        f"{_difference(e['lower'], unit)} to {_difference(e['upper'], unit)}")
                else:
                    row[(int(year), columns[2])] = "\u2014"
        unit_text = unit_label(unit)
        rows[label(var) + (f", {unit_text}" if unit_text else "")] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["year", "what"])
    out.index.name = "variable"
    return out


def key_figures_html(comparison: Comparison) -> str:
    """:func:`key_figures_table` as an HTML table (medians, intervals in small type).

    Parameters
    ----------
    comparison : Comparison
        The computed comparison.

    Returns
    -------
    str
        The table's HTML.
    """
    table = key_figures_table(comparison)
    years = list(dict.fromkeys(table.columns.get_level_values("year")))
    whats = list(dict.fromkeys(table.columns.get_level_values("what")))
    head = "".join(f'<th colspan="{len(whats)}" class="year">{y}</th>' for y in years)
    sub = "".join(f"<th>{html.escape(w)}</th>" for _y in years for w in whats)
    body = []
    for name, row in table.iterrows():
        cells = []
        for col in table.columns:
            median, _, interval = str(row[col]).partition("\n")
            cells.append(f"<td>{html.escape(median)}" + (
                f'<br><small>{html.escape(interval)}</small>' if interval else "") + "</td>")
        body.append(f'<tr><th scope="row">{html.escape(str(name))}</th>{"".join(cells)}</tr>')
    level = f"{round(comparison.level * 100)}%"
    return (f'<table class="key-figures"><caption>Key figures: median and {level} interval '
            f'of the draws; the effect is the draw-by-draw difference from current '
            f'conditions</caption><thead><tr><th rowspan="2"></th>{head}</tr><tr>{sub}</tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table>')


def effect_html(comparison: Comparison) -> str:
    """The policy effect on D&S turnover (constant prices) in the last year: the number, in
    large type, and the sentence with its interval (:meth:`Comparison.effect_sentence`).

    Parameters
    ----------
    comparison : Comparison
        The computed comparison.

    Returns
    -------
    str
        HTML of an element with the id ``policy-effect``.
    """
    var = EFFECT_VARIABLES[0]
    year = comparison.years[-1]
    sentence = comparison.effect_sentence(var, year)
    if comparison.setting.policy.name == REFERENCE_POLICY:
        number = "\u2014"
    else:
        number = _difference(comparison.effects.loc[(var, year), "median"], "EUR")
    return (f'<div id="policy-effect" class="policy-effect">'
            f'<div class="what">Policy effect on {html.escape(label(var))} in {year}</div>'
            f'<div class="number" id="policy-effect-number">{html.escape(number)}</div>'
            f'<div class="sentence">{html.escape(sentence)}</div></div>')


def constraints_html(comparison: Comparison) -> str:
    """Which constraint binds when, under current conditions and under the policy.

    Parameters
    ----------
    comparison : Comparison
        The computed comparison.

    Returns
    -------
    str
        HTML of a list, one sentence per policy.
    """
    items = []
    for policy, sentence in comparison.constraints.items():
        text = str(sentence)
        items.append(f"<li><b>{html.escape(scenario_label(str(policy)))}:</b> "
                     f"{html.escape(text[:1].upper() + text[1:])}.</li>")
    return ('<div class="constraints"><div class="what">Which constraint binds when</div>'
            f'<ul>{"".join(items)}</ul></div>')


def marks_html(lever: Lever, start: float, end: float) -> str:
    """The current and improved levels of a lever marked under its slider.

    Parameters
    ----------
    lever : Lever
        The lever.
    start, end : float
        The slider's range, in the driver's unit.

    Returns
    -------
    str
        HTML: a strip with a tick at each marked level and a line naming them.
    """
    ticks, words = [], []
    span = (end - start) or 1.0
    for what, value in lever.marks().items():
        pos = min(100.0, max(0.0, (value - start) / span * 100))
        colour = "#555" if what == "current" else "#1a7f37"
        shown = html.escape(lever.display(value))
        ticks.append(f'<span class="tick {what}" title="{what}: {shown}" '
                     f'style="left:calc({pos:.2f}% - 1px);background:{colour}"></span>')
        words.append(f'<span style="color:{colour}">\u25b2 {what} {shown}</span>')
    return (f'<div class="lever-marks" data-lever="{lever.name}"><div class="strip">'
            f'{"".join(ticks)}</div><div class="words">{" &nbsp; ".join(words)}</div></div>')
