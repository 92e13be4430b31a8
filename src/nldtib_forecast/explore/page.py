"""The explorer's page, built with Panel (the ``explore`` extra).

:class:`ExplorerApp` holds one page's widgets and its current :class:`~nldtib_forecast.explore.
setting.Setting`; every change recomputes the comparison (:func:`~nldtib_forecast.explore.
compute.compare`) and updates the charts (Bokeh, through their data sources) and the texts
(:mod:`nldtib_forecast.explore.view`). Bad input shows the message of the command line in a
red box and leaves the last good result on the page. The same object is served by
``nldtib-forecast explore`` (one per browser tab) and shown in a notebook cell.
"""

from __future__ import annotations

import asyncio
import html
import math
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from nldtib_forecast._errors import InputError
from nldtib_forecast._format import BILLION
from nldtib_forecast.explore.compute import (
    Comparison,
    Inputs,
    compare,
    error_text,
    write_report,
)
from nldtib_forecast.explore.setting import (
    DEFAULT_POLICY_NAME,
    REFERENCE_POLICY,
    Choices,
    Setting,
    check_draws,
    lever_levels,
    levers,
    policy_for,
    save_setting,
)
from nldtib_forecast.explore.view import (
    SYNTHETIC_BANNER,
    constraints_html,
    effect_html,
    heading,
    key_figures_html,
    marks_html,
    scenario_label,
)
from nldtib_forecast.labels import label, unit_label
from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED

__all__ = ["ExplorerApp"]

_CSS = """
.policy-effect .what, .constraints .what {font-weight: 600; color: #444;}
.policy-effect .number {font-size: 2.2em; font-weight: 700; color: #1a5fb4; margin: 2px 0;}
.policy-effect .sentence {max-width: 60em;}
.constraints ul {margin: 4px 0 0 0; padding-left: 1.2em;}
table.key-figures {border-collapse: collapse; font-size: 0.92em;}
table.key-figures caption {caption-side: bottom; text-align: left; color: #555;
  padding-top: 4px;}
table.key-figures th, table.key-figures td {border-bottom: 1px solid #ddd; padding: 3px 8px;
  text-align: right; vertical-align: top;}
table.key-figures th[scope=row] {text-align: left; font-weight: 600;}
table.key-figures th.year {text-align: center; border-bottom: 2px solid #999;}
table.key-figures small {color: #666;}
.lever-marks {margin: -6px 10px 2px 10px;}
.lever-marks .strip {position: relative; height: 8px;}
.lever-marks .tick {position: absolute; top: 0; width: 3px; height: 8px;}
.lever-marks .words {font-size: 0.85em;}
.status {color: #555; font-size: 0.9em;}
"""

_BAND_COLOURS = {REFERENCE_POLICY: "#7f7f7f", "policy": "#e66100"}
_SIDEBAR_WIDTH = 380


def _panel() -> Any:
    """Panel, imported when a page is built (this module imports without the extra)."""
    import panel

    return panel


def _param() -> Any:
    import param

    return param


def _bn(values: Any) -> list[float]:
    return [float(v) / BILLION for v in values]


class ExplorerApp:
    """One page of the scenario explorer: the widgets, the setting and the outputs.

    Parameters
    ----------
    inputs : Inputs, optional
        The survey and calibrated outlook (default: the synthetic survey).
    choices : Choices, optional
        The futures and policies to choose from (default: the built-ins).
    future : str, default ``"baseline"``
        The future shown first.
    policy : str, default ``"improved_conditions"``
        The policy shown first.
    n_draws : int, default 1000
        Draws per scenario.
    seed : int, default 0
        Seed.

    Attributes
    ----------
    layout : panel.viewable.Viewable
        The page (serve it, or show it in a notebook).
    comparison : Comparison or None
        The last comparison computed.
    error : str
        The message shown for the last bad input ("" when none).
    """

    def __init__(self, inputs: Inputs | None = None, choices: Choices | None = None, *,
                 future: str = "baseline", policy: str = "improved_conditions",
                 n_draws: int = DEFAULT_N_DRAWS, seed: int = DEFAULT_SEED) -> None:
        self.inputs = Inputs() if inputs is None else inputs
        self.choices = Choices.builtin() if choices is None else choices
        self.levers = levers()
        self.comparison: Comparison | None = None
        self.error = ""
        self.update_seconds = 0.0
        self._busy = False  # widgets being set together: one recomputation at the end
        with warnings.catch_warnings():
            # Panel 1.9 announces that the widget arguments `name` and `button_type` will be
            # renamed in Panel 2.0; they are kept so that the page works with Panel 1.4 on
            # (the extra's lower bound). Not the user's business: not shown.
            warnings.filterwarnings("ignore", category=PendingDeprecationWarning,
                                    message=r".*(Widget\.name|button_type) is deprecated")
            self._build_widgets(future, policy, n_draws, seed)
        self._build_charts()
        self.layout = self._build_layout()
        self.refresh()

    # ------------------------------------------------------------------------- widgets
    def _options(self, scenarios) -> dict[str, str]:
        out = {}
        for name in scenarios:
            text = scenario_label(name)
            if name in self.choices.file_names:
                text += f" (from {Path(self.choices.source or '').name})"
            out[text] = name
        return out

    def _build_widgets(self, future: str, policy: str, n_draws: int, seed: int) -> None:
        pn = _panel()
        w = pn.widgets
        self.future_select = w.Select(name="Future (external conditions)",
                                      options=self._options(self.choices.futures),
                                      value=future, sizing_mode="stretch_width")
        self.policy_select = w.Select(name="Start from the policy",
                                      options=self._options(self.choices.policies),
                                      value=policy, sizing_mode="stretch_width")
        self.sliders: dict[str, Any] = {}
        self.fields: dict[str, Any] = {}
        self.marks: dict[str, Any] = {}
        levels = lever_levels(self.choices.policies[policy])
        for name, lever in self.levers.items():
            value = float(levels[name]) * lever.scale
            start, end = lever.start * lever.scale, lever.end * lever.scale
            step = lever.step * lever.scale
            self.sliders[name] = w.FloatSlider(
                name=f"{lever.label}, {lever.display_unit}", start=start, end=end, step=step,
                value=value, value_throttled=value, sizing_mode="stretch_width",
                css_classes=[f"lever-{name}"], format="0[.]00")
            self.fields[name] = w.FloatInput(value=value, step=step, width=90,
                                             css_classes=[f"field-{name}"], margin=(24, 5, 5, 0))
            self.marks[name] = pn.pane.HTML(marks_html(lever, lever.start, lever.end),
                                            sizing_mode="stretch_width", margin=(0, 5))
            self.sliders[name].param.watch(self._on_slider, "value_throttled")
            self.fields[name].param.watch(self._on_field, "value")
        self.name_input = w.TextInput(name="Name of the changed policy", value=DEFAULT_POLICY_NAME,
                                      sizing_mode="stretch_width")
        self.phase_in = w.Checkbox(name="Phase levers in as the built-in policies do "
                                   "(order certainty by 2028, lead time by 2029, labour by 2030)",
                                   value=True)
        self.draws_input = w.IntInput(name="Draws", value=n_draws, step=100, width=110,
                                      css_classes=["draws"])
        self.seed_input = w.IntInput(name="Seed", value=seed, width=110)
        self.file_input = w.FileInput(accept=".toml", multiple=False,
                                      sizing_mode="stretch_width")
        self.save_path = w.TextInput(name="Scenario file", value="explorer_scenario.toml",
                                     sizing_mode="stretch_width")
        self.save_button = w.Button(name="Save as scenario", button_type="primary")
        self.report_path = w.TextInput(name="Report directory", value="explorer_report",
                                       sizing_mode="stretch_width")
        self.report_overwrite = w.Checkbox(name="Replace an earlier report there", value=False)
        self.report_button = w.Button(name="Report", button_type="primary")
        self.future_select.param.watch(self._on_change, "value")
        self.policy_select.param.watch(self._on_policy, "value")
        for widget in (self.name_input, self.phase_in, self.draws_input, self.seed_input):
            widget.param.watch(self._on_change, "value")
        self.file_input.param.watch(self._on_file, "value")
        self.save_button.on_click(self._on_save)
        self.report_button.on_click(self._on_report)
        self.error_box = pn.pane.Alert("", alert_type="danger", visible=False,
                                       sizing_mode="stretch_width",
                                       css_classes=["explorer-error"])
        self.message_box = pn.pane.Alert("", alert_type="success", visible=False,
                                         sizing_mode="stretch_width")
        self.banner = pn.pane.Alert(SYNTHETIC_BANNER, alert_type="warning",
                                    visible=self.inputs.synthetic, sizing_mode="stretch_width",
                                    css_classes=["synthetic-banner"])
        self.heading = pn.pane.HTML("", sizing_mode="stretch_width")
        self.effect = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_CSS])
        self.constraints = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_CSS])
        self.table = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_CSS])
        self.status = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[_CSS])
        for pane in self.marks.values():
            pane.stylesheets = [_CSS]

    # ------------------------------------------------------------------------- charts
    def _empty(self) -> dict[str, list]:
        return {k: [] for k in ("x", "lo95", "hi95", "lo80", "hi80", "lo50", "hi50", "median",
                                "text")}

    def _build_charts(self) -> None:
        from bokeh.models import ColumnDataSource, HoverTool, NumeralTickFormatter, Span
        from bokeh.plotting import figure

        pn = _panel()
        unit = unit_label("EUR")
        common = {"height": 300, "sizing_mode": "stretch_width", "toolbar_location": None,
                  "x_axis_label": "Year"}
        self.src = {key: ColumnDataSource(self._empty()) for key in
                    ("turnover_ref", "turnover_pol", "capacity_ref", "capacity_pol", "demand",
                     "effect")}
        f1 = figure(title=f"{label('turnover_real_eur')}, {unit}", y_axis_label=unit, **common)
        for key, colour, what in (("turnover_ref", _BAND_COLOURS[REFERENCE_POLICY], "current"),
                                  ("turnover_pol", _BAND_COLOURS["policy"], "policy")):
            src = self.src[key]
            alpha = 0.12 if what == "current" else 0.15
            for lo, hi in (("lo95", "hi95"), ("lo80", "hi80"), ("lo50", "hi50")):
                f1.varea("x", lo, hi, source=src, fill_color=colour, fill_alpha=alpha)
            f1.line("x", "median", source=src, line_color=colour, line_width=2.5,
                    line_dash="dashed" if what == "current" else "solid",
                    legend_label="Current conditions" if what == "current" else "Policy",
                    name=f"median-{what}")
        f2 = figure(title=f"{label('capacity_eur')} and {label('demand_eur')}, {unit}",
                    y_axis_label=unit, **common)
        f2.varea("x", "lo80", "hi80", source=self.src["demand"], fill_color="#1c71d8",
                 fill_alpha=0.15)
        f2.line("x", "median", source=self.src["demand"], line_color="#1c71d8", line_width=2,
                legend_label=label("demand_eur"))
        f2.varea("x", "lo80", "hi80", source=self.src["capacity_pol"], fill_color="#e66100",
                 fill_alpha=0.15)
        f2.line("x", "median", source=self.src["capacity_pol"], line_color="#e66100",
                line_width=2.5, legend_label="Capacity, policy")
        f2.line("x", "median", source=self.src["capacity_ref"], line_color="#7f7f7f",
                line_width=2, line_dash="dashed", legend_label="Capacity, current conditions")
        f3 = figure(title=f"Policy effect on {label('turnover_real_eur')}, {unit}",
                    y_axis_label=unit, **common)
        f3.varea("x", "lo80", "hi80", source=self.src["effect"], fill_color="#1a5fb4",
                 fill_alpha=0.2, legend_label="90% interval")
        f3.line("x", "median", source=self.src["effect"], line_color="#1a5fb4", line_width=2.5,
                legend_label="Median")
        f3.add_layout(Span(location=0, dimension="width", line_color="#333", line_width=1))
        for fig in (f1, f2, f3):
            fig.legend.location = "top_left"
            fig.legend.background_fill_alpha = 0.6
            fig.yaxis.formatter = NumeralTickFormatter(format="0.0")
            fig.xaxis.ticker.desired_num_ticks = 10
            fig.add_tools(HoverTool(tooltips=[("Year", "@x"), ("", "@text")], mode="vline",
                                    renderers=[fig.renderers[-1]]))
        f2.legend.location = "bottom_right"
        # legend entries that name the policy (set with each result)
        self._policy_items = [(f1.legend.items[1], "{}"), (f2.legend.items[1], "Capacity, {}")]
        self.charts = [pn.pane.Bokeh(f, sizing_mode="stretch_width") for f in (f1, f2, f3)]

    # ------------------------------------------------------------------------- layout
    def _build_layout(self):
        pn = _panel()
        lever_rows = [pn.Row(pn.Column(self.sliders[name], self.marks[name],
                                       sizing_mode="stretch_width"),
                             self.fields[name], sizing_mode="stretch_width")
                      for name in self.levers]
        sidebar = pn.Column(
            pn.pane.HTML("<h2 style='margin:0'>NLDTIB scenario explorer</h2>"),
            self.future_select, self.policy_select,
            pn.pane.HTML("<b>Levers</b> (the level each reaches; move a slider or type a "
                         "value)"),
            *lever_rows, self.name_input, self.phase_in,
            pn.Row(self.draws_input, self.seed_input),
            pn.pane.HTML("<b>Load a scenario file</b> (its futures and policies join the "
                         "lists)"), self.file_input,
            pn.layout.Divider(), self.save_path, self.save_button,
            pn.layout.Divider(), self.report_path, self.report_overwrite, self.report_button,
            width=_SIDEBAR_WIDTH, margin=(0, 10))
        main = pn.Column(self.banner, self.error_box, self.message_box, self.heading,
                         pn.Row(pn.Column(self.effect, self.constraints,
                                          sizing_mode="stretch_width"),
                                self.charts[2], sizing_mode="stretch_width"),
                         pn.Row(self.charts[0], self.charts[1], sizing_mode="stretch_width"),
                         self.table, self.status, sizing_mode="stretch_width")
        return pn.Row(sidebar, main, sizing_mode="stretch_width")

    # ------------------------------------------------------------------------- state
    def setting(self) -> Setting:
        """The setting of the widgets (an :class:`~nldtib_forecast.InputError` if invalid).

        Returns
        -------
        Setting
            The future, the policy of the sliders, the draws and the seed.
        """
        base = self.choices.policies[self.policy_select.value]
        values = {n: float(self.sliders[n].value_throttled) / lv.scale
                  for n, lv in self.levers.items()}
        policy = policy_for(values, base, name=str(self.name_input.value).strip(),
                            phase_in=bool(self.phase_in.value))
        draws = check_draws(self.draws_input.value)
        return Setting(self.choices.futures[self.future_select.value], policy, draws,
                       self.seed_input.value)

    def refresh(self) -> None:
        """Recompute the comparison of the widgets' setting and update the page."""
        if self._busy:
            return
        started = time.perf_counter()
        try:
            comparison = compare(self.setting(), self.inputs)
        except (InputError, OSError) as err:
            self.show_error(err)
            return
        self.comparison = comparison
        self.clear_error()
        self._render(comparison)
        self.update_seconds = time.perf_counter() - started

    def show_error(self, err: BaseException, what: str = "") -> None:
        """Show the command line's message for ``err``; the page keeps its last result.

        Parameters
        ----------
        err : BaseException
            The error.
        what : str, optional
            What was not done, in words, shown before the message.
        """
        self.error = error_text(err)
        lines = self.error.splitlines()
        text = html.escape(lines[0]) + "".join(
            f"<br>&nbsp;&nbsp;{html.escape(line.strip())}" for line in lines[1:])
        self.error_box.object = (f"<b>{html.escape(what or 'Error')}</b><br>"
                                 f"<code>{text}</code>")
        self.error_box.visible = True

    def clear_error(self) -> None:
        """Hide the error box."""
        self.error = ""
        self.error_box.visible = False

    def _tell(self, text: str) -> None:
        self.message_box.object = text
        self.message_box.visible = bool(text)

    def _render(self, c: Comparison) -> None:
        from bokeh.core.properties import value

        years = c.years
        fan = c.fan
        policy = c.setting.policy.name

        def band(pol: str, var: str) -> dict[str, list]:
            part = fan.loc[(pol, var)]
            med = _bn(part[0.5])
            return {"x": years, "lo95": _bn(part[0.025]), "hi95": _bn(part[0.975]),
                    "lo80": _bn(part[0.1]), "hi80": _bn(part[0.9]), "lo50": _bn(part[0.25]),
                    "hi50": _bn(part[0.75]), "median": med,
                    "text": [f"median EUR {m:,.2f} bn" for m in med]}

        self.src["turnover_ref"].data = band(REFERENCE_POLICY, "turnover_real_eur")
        self.src["turnover_pol"].data = band(policy, "turnover_real_eur")
        self.src["capacity_ref"].data = band(REFERENCE_POLICY, "capacity_eur")
        self.src["capacity_pol"].data = band(policy, "capacity_eur")
        self.src["demand"].data = band(policy, "demand_eur")
        eff = c.effects.loc["turnover_real_eur"]
        med = _bn(eff["median"])
        self.src["effect"].data = {"x": years, "lo80": _bn(eff["lower"]),
                                   "hi80": _bn(eff["upper"]), "median": med,
                                   "text": [f"median EUR {m:+,.2f} bn" for m in med],
                                   **{k: [math.nan] * len(years) for k in
                                      ("lo95", "hi95", "lo50", "hi50")}}
        name = scenario_label(policy)
        name = name if name != policy else f"Policy {policy!r}"
        for item, text in self._policy_items:
            shown = text.format(name if text.startswith("{") else name[:1].lower() + name[1:])
            item.label = value(shown)
        self.heading.object = f"<h2 style='margin:4px 0'>{html.escape(heading(c))}</h2>"
        self.effect.object = effect_html(c)
        self.constraints.object = constraints_html(c)
        self.table.object = key_figures_html(c)
        s = c.setting
        self.status.object = (
            f"<div class='status'>Computed in {c.seconds:.2f} s: {s.n_draws:,} draws, seed "
            f"{s.seed}, {self.inputs.describe()}. The same numbers as <code>nldtib-forecast "
            f"run FILE --draws {s.n_draws} --seed {s.seed}</code> on the file 'Save as "
            "scenario' writes.</div>")

    # ------------------------------------------------------------------------- events
    def _on_change(self, event) -> None:
        self.refresh()

    def _on_policy(self, event) -> None:
        """A policy chosen: its levels on the sliders, then one recomputation."""
        levels = lever_levels(self.choices.policies[event.new])
        self._busy = True
        try:
            for name, lever in self.levers.items():
                self._set_lever(name, float(levels[name]) * lever.scale)
        finally:
            self._busy = False
        self.refresh()

    def _set_lever(self, name: str, value: float) -> None:
        slider = self.sliders[name]
        if value < slider.start or value > slider.end:
            lever = self.levers[name]
            slider.start = min(slider.start, value)
            slider.end = max(slider.end, value)
            self.marks[name].object = marks_html(lever, slider.start / lever.scale,
                                                 slider.end / lever.scale)
        with _param().edit_constant(slider):  # value_throttled: what a released slider says
            slider.param.update(value=value, value_throttled=value)
        if self.fields[name].value != value:
            self.fields[name].value = value

    def _on_slider(self, event) -> None:
        name = next(n for n, s in self.sliders.items() if s is event.obj)
        if self.fields[name].value != event.new:
            self._busy_set(self.fields[name], event.new)
        self.refresh()

    def _busy_set(self, widget, value) -> None:
        busy, self._busy = self._busy, True
        try:
            widget.value = value
        finally:
            self._busy = busy

    def _on_field(self, event) -> None:
        if self._busy:
            return
        name = next(n for n, f in self.fields.items() if f is event.obj)
        lever = self.levers[name]
        value = event.new
        if value is None:
            return
        try:
            # the message a scenario file with this value gets from nldtib-forecast run
            policy_for({name: float(value) / lever.scale},
                       self.choices.policies[self.policy_select.value],
                       name=str(self.name_input.value).strip() or DEFAULT_POLICY_NAME)
        except InputError as err:
            gap = "" if lever.display_unit.startswith("%") else " "
            self.show_error(err, f"{lever.label}: {value:g}{gap}{lever.display_unit} is "
                                 "outside the valid range; the lever keeps its level.")
            self._busy_set(self.fields[name], self.sliders[name].value_throttled)
            return
        self._busy = True
        try:
            self._set_lever(name, float(value))
        finally:
            self._busy = False
        self.refresh()

    def _on_file(self, event) -> None:
        data = event.new
        if not data:
            return
        name = self.file_input.filename or "scenario file"
        try:
            choices = Choices.from_bytes(data, name)
        except InputError as err:
            self.show_error(err)
            return
        self.choices = choices
        self._busy = True
        try:
            future, policy = self.future_select.value, self.policy_select.value
            self.future_select.options = self._options(choices.futures)
            self.policy_select.options = self._options(choices.policies)
            file_futures = [n for n in choices.file_names if n in choices.futures]
            file_policies = [n for n in choices.file_names if n in choices.policies]
            self.future_select.value = file_futures[0] if file_futures else future
            self.policy_select.value = file_policies[0] if file_policies else policy
            levels = lever_levels(choices.policies[self.policy_select.value])
            for n, lever in self.levers.items():
                self._set_lever(n, float(levels[n]) * lever.scale)
        finally:
            self._busy = False
        skipped = (f" Not shown (neither a future nor a policy): {', '.join(choices.skipped)}."
                   if choices.skipped else "")
        self._tell(f"Loaded {name}: {len(file_futures)} future(s) and {len(file_policies)} "
                   f"policy(ies).{skipped}")
        self.refresh()

    def _on_save(self, event) -> None:
        try:
            setting = self.setting()
            path = save_setting(setting, Path(str(self.save_path.value).strip()))
        except (InputError, OSError) as err:
            self.show_error(err)
            return
        self.clear_error()
        self._tell(f"Saved {path.resolve()}. Run it with: <code>nldtib-forecast run {path} "
                   f"--out DIR --draws {setting.n_draws} --seed {setting.seed}</code>")

    async def _on_report(self, event) -> None:
        try:
            setting = self.setting()
        except InputError as err:
            self.show_error(err)
            return
        out = Path(str(self.report_path.value).strip() or "explorer_report")
        self.report_button.disabled = True
        self._tell(f"Writing the report into {out} ...")
        try:
            files = await asyncio.to_thread(write_report, setting, out, self.inputs,
                                            overwrite=bool(self.report_overwrite.value))
        except (InputError, OSError) as err:
            self._tell("")
            self.show_error(err)
            return
        except Exception as err:  # noqa: BLE001 - the page keeps running; the log has it
            traceback.print_exc()
            self._tell("")
            self.show_error(err)
            return
        finally:
            self.report_button.disabled = False
        self.clear_error()
        self._tell(f"Wrote {len(files)} files to {out.resolve()}: open "
                   f"{(out / 'nldtib_report.html').resolve()} in a browser.")

    # ------------------------------------------------------------------------- display
    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.layout._repr_mimebundle_(include, exclude)

    def servable(self, title: str = "NLDTIB scenario explorer"):
        """Mark the page servable (``panel serve``).

        Parameters
        ----------
        title : str
            The browser tab's title.

        Returns
        -------
        panel.viewable.Viewable
            The page.
        """
        return self.layout.servable(title=title)
