"""The self-contained HTML report of ``nldtib-forecast run`` and ``report`` (private).

One file, no external resources: inline CSS, PNG charts as base64 ``data:`` URIs, no
JavaScript. Every table goes through :meth:`pandas.DataFrame.to_html` with escaping on, and
every other text through :func:`html.escape`, so strings from scenario or survey files
(descriptions, sources, names) cannot inject markup.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from nldtib_forecast._format import NOT_AVAILABLE, format_value, percent
from nldtib_forecast._version import __version__

_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;
max-width:1100px;padding:0 1.5em 3em;color:#222;line-height:1.45}
h1{margin-top:1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f2f2f2}
.banner{background:#b00020;color:#fff;padding:.8em 1em;font-weight:bold;font-size:1.15em;
border-radius:4px;margin:1em 0}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em .8em;margin:.6em 0}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}pre{background:#f7f7f7;padding:.8em;overflow-x:auto;
font-size:.85em}dl.meta dt{font-weight:bold;float:left;clear:left;width:13em}
dl.meta dd{margin-left:14em}nav a{margin-right:1em}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(df: pd.DataFrame, index: bool = False) -> str:
    return df.to_html(index=index, escape=True, na_rep="", border=0,
                      classes="data", justify="left")


def _interval_cell(median: object, lower: object, upper: object, unit: str) -> str:
    """``median (lower to upper)``, each formatted by ``unit``."""
    return (f"{format_value(median, unit)} ({format_value(lower, unit)} to "
            f"{format_value(upper, unit)})")


def _img(png: bytes, caption: str, name: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(caption)}">'
            f"<figcaption>{_e(caption)} <code>{_e(name)}</code></figcaption></figure>")


def _summary_html(results: Mapping, level: float, years) -> str:
    from nldtib_forecast.report.tables import summary_table

    table = summary_table(results, years=years, level=level, key_only=True)
    if table.empty:
        return "<p>The results do not reach the summary years.</p>"
    table["cell"] = [_interval_cell(r.median, r.lower, r.upper, r.unit)
                     for r in table.itertuples()]
    wide = table.pivot_table(index=["model", "variable", "scenario"], columns="year",
                             values="cell", aggfunc="first", sort=False)
    wide.columns = [f"{y}: median ({percent(level, decimals=0)} interval)"
                    for y in wide.columns]
    return _table(wide.reset_index())


def _effects_html(tables: Mapping[str, pd.DataFrame],
                  figures: Mapping[str, tuple[bytes, str]], level: float) -> str:
    """The first section: what each policy adds over current conditions, per future."""
    eff = tables["policy_effects"]
    main = eff["variable"].iloc[0]
    sub = eff[eff["variable"] == main].copy()
    sub["cell"] = [f"{_interval_cell(r.median, r.lower, r.upper, r.unit)}; gain in "
                   f"{percent(r.share_positive, decimals=0)} of draws" for r in sub.itertuples()]
    wide = sub.pivot_table(index=["future", "policy"], columns="year", values="cell",
                           aggfunc="first", sort=False)
    wide.columns = [f"{y}: median ({percent(level, decimals=0)} interval)"
                    for y in wide.columns]
    out = ['<h2 id="effects">What better conditions add: policy effects per future</h2>',
           f"<p>Each row: how much more D&amp;S turnover ({_e(main)}, in constant base-year "
           "prices) a policy gives than current conditions, in the same future, computed draw "
           f"by draw on common random numbers: median and {percent(level, decimals=0)} "
           "interval of the difference, and the share of draws in which the policy gives "
           "more. A future is a path of budgets, markets and prices the government does not "
           "set; a policy moves "
           "the levers it does set (order certainty, procurement lead time, labour supply). "
           "Every variable is in <code>policy_effects.csv</code>.</p>"]
    if "policy_effects.png" in figures:
        out.append(_img(*figures["policy_effects.png"], "policy_effects.png"))
    out.append(_table(wide.reset_index()))
    if "constraints" in tables and len(tables["constraints"]):
        out.append("<h3>Which constraint binds when</h3>")
        out.append(_table(tables["constraints"][["scenario", "sentence"]]))
    return "\n".join(out)


def _headline_html(headline: pd.DataFrame) -> str:
    rows = []
    for r in headline.itertuples():
        ind = str(r.indicator)
        unit = ("EUR" if ind.endswith("_eur") else "firms" if ind == "firms" else "fraction")
        status = str(r.status)
        shown = status in ("publish", "unprotected")
        rows.append({"indicator": ind, "category": r.category,
                     "estimate": format_value(r.estimate, unit) if shown else "suppressed",
                     "95% interval": (f"{format_value(r.ci_lower, unit)} to "
                                      f"{format_value(r.ci_upper, unit)}" if shown else ""),
                     "published (L26)": format_value(r.published, unit, missing=""),
                     "status": status, "rule": r.rule})
    return _table(pd.DataFrame(rows))


def _decomposition_html(table: pd.DataFrame) -> str:
    shown = table.copy()
    for col in ("nominal_growth", "price", "volume", "interaction", "entry", "exit",
                "price_growth", "volume_growth"):
        if col in shown:
            shown[col] = [percent(v, signed=True, missing="suppressed" if s != "publish"
                                  else NOT_AVAILABLE)
                          for v, s in zip(shown[col], shown["status"], strict=True)]
    return _table(shown.reset_index())


def _audit_html(audit: pd.DataFrame) -> str:
    counts = audit["status"].value_counts()
    parts = [f"<p>{int(counts.get('ok', 0))} checks consistent, "
             f"{int(counts.get('inconsistent', 0))} inconsistent (the published figures "
             "do not add up within the tolerance; see <code>audit.csv</code>).</p>"]
    bad = audit[audit["status"] == "inconsistent"]
    if len(bad):
        cols = [c for c in ("check", "year", "published", "recomputed", "difference", "note")
                if c in bad.columns]
        parts.append(_table(bad[cols]))
    return "".join(parts)


def render_html(*, spec, results: Mapping, tables: Mapping[str, pd.DataFrame],
                figures: Mapping[str, tuple[bytes, str]], notes: list[str],
                waterfall_year: int | None, hashes: Mapping[str, str]) -> str:
    """The report as one HTML document (str)."""
    from nldtib_forecast.report.tables import SUMMARY_LEVEL, SUMMARY_YEARS

    title = ("NLDTIB scenario run" if spec.command == "run" else "NLDTIB outlook report")
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{_e(title)}</h1>"]
    if spec.synthetic:
        out.append('<div class="banner" id="synthetic-banner">SYNTHETIC DATA: the survey in '
                   "this report is a synthetic firm-level panel calibrated to the published "
                   "NLDTIB figures, not the confidential survey microdata. Model results are "
                   "illustrations of the method, not estimates.</div>")
    sections = [("effects", "Policy effects"), ("summary", "Summary"), ("charts", "Fan charts"),
                ("waterfall", "Price, volume and net entry"), ("headline", "Survey figures"),
                ("audit", "Published figures audit"), ("scenarios", "Scenarios"),
                ("assumptions", "Assumptions"), ("sources", "Data sources"),
                ("provenance", "Reproducibility")]
    out.append("<nav>" + "".join(f'<a href="#{k}">{_e(t)}</a>' for k, t in sections) + "</nav>")
    survey_name = spec.survey_description()
    out.append('<dl class="meta">'
               f"<dt>library</dt><dd>nldtib_forecast {_e(__version__)}</dd>"
               f"<dt>scenarios</dt><dd>{_e(', '.join(spec.scenarios))}</dd>"
               f"<dt>scenario file</dt><dd>{_e(Path(spec.scenario_file).name) if spec.scenario_file else 'built-in scenarios'}</dd>"  # noqa: E501
               f"<dt>survey data</dt><dd>{_e(survey_name)}</dd>"
               f"<dt>seed</dt><dd>{spec.seed}</dd>"
               f"<dt>Monte Carlo draws</dt><dd>{spec.n_draws} per scenario</dd>"
               f"<dt>survey data hash</dt><dd><code>{_e(hashes['survey'])}</code></dd></dl>")
    for note in notes:
        out.append(f'<p class="note">{_e(note)}</p>')

    if "policy_effects" in tables:
        out.append(_effects_html(tables, figures, SUMMARY_LEVEL))

    years = ", ".join(str(y) for y in SUMMARY_YEARS)
    level = percent(SUMMARY_LEVEL, decimals=0)
    out.append(f'<h2 id="summary">Summary: median and {level} interval in '
               f"{_e(years)}</h2>")
    out.append("<p>Medians over the Monte Carlo draws with the central "
               f"{level} interval in brackets. All variables are in "
               "<code>summary.csv</code> and <code>results.csv</code>.</p>")
    out.append(_summary_html(results, SUMMARY_LEVEL, SUMMARY_YEARS))

    out.append('<h2 id="charts">Fan charts</h2>')
    out.append("<p>Median (line) and 50%, 80% and 95% intervals (bands) per scenario.</p>")
    for name, (png, caption) in figures.items():
        if name.startswith("fan_"):
            out.append(_img(png, caption, name))

    out.append('<h2 id="waterfall">Price, volume and net entry</h2>')
    if waterfall_year is not None:
        out.append(_img(*figures[f"waterfall_{waterfall_year}.png"],
                        f"waterfall_{waterfall_year}.png"))
    if "decomposition" in tables:
        out.append("<p>Contributions to nominal growth of D&amp;S turnover per year. Cells "
                   "with too few firms or dominated by one or two firms are suppressed.</p>")
        out.append(_decomposition_html(tables["decomposition"]))
    else:
        out.append("<p>Not available for this survey (see the notes above).</p>")

    out.append('<h2 id="headline">Survey figures (disclosure-controlled)</h2>')
    for name in ("ds_turnover.png", "export_share.png"):
        out.append(_img(*figures[name], name))
    if "headline" in tables:
        out.append("<p>The survey figures of the 2026 letter recomputed from the survey "
                   "microdata, with 95% intervals. Figures failing the disclosure rules (at "
                   "least 10 firms, no two firms above 85%) are suppressed.</p>")
        out.append(_headline_html(tables["headline"]))

    out.append('<h2 id="audit">Published figures audit</h2>')
    out.append(_audit_html(tables["audit"]))

    out.append('<h2 id="scenarios">Scenarios</h2>')
    out.append("<p>Drivers a scenario does not set stay at their default (current "
               "conditions). Paths are interpolated linearly between the given years.</p>")
    out.append(_table(tables["scenarios"]))
    label = "scenarios.toml (the scenario file run)" if spec.scenario_file else \
        "scenarios.toml (the built-in scenarios as a scenario file)"
    out.append(f"<h3>{_e(label)}</h3><pre>{_e(spec.scenario_text)}</pre>")

    out.append('<h2 id="assumptions">Assumptions</h2>')
    out.append("<h3>Models</h3>")
    out.append(_table(tables["models"][["model", "method", "intervals_include", "years"]]))
    out.append("<h3>Driver registry</h3>")
    cols = ["driver", "unit", "lower", "upper", "default", "improved", "model", "description",
            "source"]
    out.append(_table(tables["drivers"][[c for c in cols if c in tables["drivers"]]]))
    if len(tables.get("priors", ())):
        out.append("<h3>Model priors and settings</h3>")
        out.append(_table(tables["priors"]))

    out.append('<h2 id="sources">Data sources</h2>')
    out.append(_table(tables["sources"]))
    out.append(f"<p>Survey data: {_e(survey_name)}"
               + (" &mdash; synthetic, not real firms." if spec.synthetic else
                  "; the microdata are not included in this report.") + "</p>")

    out.append('<h2 id="provenance">Reproducibility</h2>')
    out.append(f"<p>Reproduce with <code>{_e(spec.command_line())}</code> (with "
               "<code>scenarios.toml</code> from this directory). The same inputs and seed "
               "give identical files; <code>manifest.json</code> lists them with their "
               "checksums, <code>timing.json</code> the durations.</p>")
    meta = pd.DataFrame([{"model": m, "seed": str(r.metadata.seed), "n_draws": r.n_draws,
                          "data_hash": r.metadata.data_hash, "version": r.metadata.version}
                         for m, r in results.items()])
    out.append(_table(meta))
    out.append(f"<p>Published data hash: <code>{_e(hashes['published'])}</code></p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
