"""The self-contained HTML report of ``nldtib-forecast run`` and ``report`` (private).

One file, no external resources: inline CSS (with a print layout, so that "print to PDF" gives
a clean document), PNG charts as base64 ``data:`` URIs, no JavaScript. Every text goes
through :func:`html.escape`, so strings from scenario or survey files (descriptions, sources,
names) cannot inject markup.

What a reader sees is written for people: every identifier of a variable, driver, scenario,
policy or future is shown by its label (:func:`_label`, the one place labels come from) and
kept for machines in the ``data-id`` and ``title`` attributes of its element; every number is
formatted by its unit (:mod:`nldtib_forecast._format`); a missing value is an em dash, with a
legend under the table.
"""

from __future__ import annotations

import base64
import html
import importlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from nldtib_forecast._format import (
    BILLION,
    DASH,
    count,
    eur,
    format_value,
    is_missing,
    number,
    percent,
    percentage_points,
    unit_kind,
)
from nldtib_forecast._version import __version__

# --------------------------------------------------------------------------------- labels
#: Words of an identifier written otherwise in a label (the fallback of :func:`_label`).
_WORDS = {"eur": "EUR", "fte": "FTE", "gdp": "GDP", "eu": "EU", "nl": "NL", "ds": "D&S",
          "nato": "NATO", "rd": "R&D", "oem": "OEM", "pe": "PE", "nld": "NLD", "mod": "MoD",
          "ict": "ICT", "sme": "SME", "vs": "vs"}


def _registry() -> Callable[..., object] | None:
    """``nldtib_forecast.labels.label`` when the package has it, else None."""
    try:
        module = importlib.import_module("nldtib_forecast.labels")
    except ImportError:
        return None
    found = getattr(module, "label", None)
    return found if callable(found) else None


_REGISTRY = _registry()


def _registry_text(identifier: str, lang: str, **options: object) -> str | None:
    """The registry's label of ``identifier`` (None when it has none)."""
    if _REGISTRY is None:
        return None
    try:
        found = _REGISTRY(identifier, lang=lang, strict=False, **options)
    except (ValueError, LookupError, TypeError):
        return None
    return found if isinstance(found, str) and found and found != identifier else None


def _fallback_label(identifier: str) -> str:
    """A readable label made from an identifier: underscores to spaces, capitalised, a
    trailing ``_eur`` dropped (the unit is shown beside it), abbreviations in capitals."""
    words = [w for w in identifier.split("_") if w]
    if len(words) > 1 and words[-1].lower() == "eur":
        words = words[:-1]
    text = " ".join(_WORDS.get(w.lower(), w) for w in words) or identifier
    return text[:1].upper() + text[1:]


def _label(identifier: object, lang: str = "en") -> str:
    """The label a reader sees for an identifier (variable, driver, scenario, policy, future,
    indicator): from the registry :func:`nldtib_forecast.labels.label` when it knows it, else
    readable text made from the identifier. A grid scenario ``future/policy`` is labelled
    part by part (``Baseline / Improved conditions``)."""
    text = str(identifier)
    found = _registry_text(text, lang)
    if found is not None:
        return found
    if "/" in text:
        return " / ".join(_label(part, lang) for part in text.split("/"))
    if "=" in text:  # a category, e.g. nld_area=space
        key, _, value = text.partition("=")
        return f"{_label(key, lang)}: {_label(value, lang).lower()}"
    return _fallback_label(text)


def _definition(identifier: object, lang: str = "en") -> str:
    """The one-sentence definition of an identifier from the registry, or ``""``."""
    text = str(identifier)
    found = _registry_text(text, lang, long=True)
    return found if found is not None and found != _label(text, lang) else ""


#: Unit labels of the fallback (``nldtib_forecast.labels.unit_label`` when present).
_UNITS = {"eur": "EUR", "fraction": "%", "share": "%", "fraction per year": "% a year",
          "fte": "FTE", "firms": "firms", "months": "months", "index": "index"}


def _unit_label(unit: object, lang: str = "en") -> str:
    """The label of a unit (``EUR``, ``%``, ``% a year``, ``FTE``, ...)."""
    text = str(unit or "")
    try:
        module = importlib.import_module("nldtib_forecast.labels")
        found = module.unit_label(text, lang)
    except (ImportError, AttributeError, KeyError, LookupError, ValueError, TypeError):
        found = None
    if isinstance(found, str) and found:
        return found
    return _UNITS.get(text.strip().lower(), text)


# --------------------------------------------------------------------------------- HTML bits
_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;
max-width:1100px;padding:0 1.5em 3em;color:#222;line-height:1.45;font-size:16px}
h1{margin-top:1em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.4em}h4{margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.6em 0 .3em;font-size:.86em;max-width:100%}
table.wide{width:100%}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top;
overflow-wrap:break-word}td{overflow-wrap:anywhere}
thead th{background:#f2f2f2}tbody th{background:#fafafa;font-weight:600}
td.num,th.num{text-align:right}td.num{white-space:nowrap}
td.val{text-align:right}.int,.sub{display:block;color:#555;font-size:.92em}.yr{color:#555;font-size:.92em;
margin-right:.2em}
.banner{background:#b00020;color:#fff;padding:.8em 1em;font-weight:bold;font-size:1.15em;
border-radius:4px;margin:1em 0}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em .8em;margin:.6em 0}
.key{background:#eef4fb;border-left:4px solid #3b6ea8;padding:.6em 1em;margin:1em 0}
.key h2{border:0;margin:.2em 0 .4em;font-size:1.25em}.key ul{margin:.3em 0;padding-left:1.3em}
.legend,.fn{font-size:.85em;color:#555;margin:.2em 0 .8em}.fn li{margin:.15em 0}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#444}figcaption .file{color:#777;font-size:.9em}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.8em;white-space:pre-wrap;
overflow-wrap:anywhere}code{overflow-wrap:anywhere}
dl.meta{display:grid;grid-template-columns:13em 1fr;gap:.1em 1em}dl.meta dt{font-weight:bold}
dl.meta dd{margin:0}nav a{margin-right:1em;white-space:nowrap}
details{margin:.3em 0}summary{cursor:pointer;color:#2a5d9f}
.scenario{border-top:1px solid #e5e5e5;padding-top:.2em}.kind{color:#666;font-weight:normal}
@media print{
@page{size:A4;margin:14mm 12mm}
body{max-width:none;padding:0;font-size:10pt}
nav{display:none}
h2{break-before:page;break-after:avoid}h3,h4{break-after:avoid}
.key h2{break-before:auto}
tr,figure,.banner,.note,.key,dl.meta{break-inside:avoid}
thead{display:table-header-group}
figure img{max-width:100%;max-height:235mm;border:0}
.banner,.key,.note,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
details.print-open::details-content{content-visibility:visible;display:contents}
details.print-open>summary{list-style:none;color:#222}
pre{break-inside:auto}a{color:inherit;text-decoration:none}
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _id_attrs(identifier: object) -> str:
    """``data-id`` and ``title`` attributes keeping an identifier for machines."""
    ident = _e(identifier)
    return f' data-id="{ident}" title="{ident}"'


def _named(identifier: object) -> str:
    """The label of an identifier as HTML, the identifier in the element's attributes."""
    return f"<span{_id_attrs(identifier)}>{_e(_label(identifier))}</span>"


def _th(content: str, cls: str = "", row: bool = False, rowspan: int = 1,
        attrs: str = "") -> str:
    """A header cell; ``content`` is HTML."""
    extra = (f' class="{cls}"' if cls else "") + (' scope="row"' if row else ' scope="col"')
    extra += (f' rowspan="{rowspan}"' if rowspan > 1 else "") + attrs
    return f"<th{extra}>{content}</th>"


def _td(content: str, cls: str = "") -> str:
    """A data cell; ``content`` is HTML."""
    return f'<td class="{cls}">{content}</td>' if cls else f"<td>{content}</td>"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "data") -> str:
    """A table of header cells ``head`` and rows of cells (each already ``<th>``/``<td>``);
    plain text in ``head`` becomes a column header."""
    cells = "".join(h if h.startswith("<th") else _th(_e(h)) for h in head)
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


_MISSING_LEGEND = ('<p class="legend">&mdash; no value: not applicable, not estimated or not '
                   "published; <em>suppressed</em>: withheld by the disclosure rules.</p>")


def _fmt(value: object, unit: str | None, signed: bool = False) -> str:
    """A value formatted by its unit, an em dash when missing (escaped HTML)."""
    return _e(format_value(value, unit, signed=signed, missing=DASH))


def _eur_scale(values: Iterable[object]) -> str:
    """The common scale (``bn``, ``m`` or ``unit``) of EUR amounts shown together."""
    finite = [abs(float(v)) for v in values if not is_missing(v)]  # type: ignore[arg-type]
    return "bn" if max(finite, default=0.0) >= BILLION else "m"


def _interval_cell(median: object, lower: object, upper: object, unit: str,
                   signed: bool = False, extra: str = "") -> str:
    """``median`` over ``(lower to upper)`` in one cell, formatted by ``unit`` (EUR amounts on
    one scale, the unit written once); ``extra`` is a further line of text."""
    if unit_kind(unit) == "eur":
        scale = _eur_scale((median, lower, upper))
        zero = not is_missing(median) and float(median) == 0.0  # type: ignore[arg-type]
        head = eur(median, scale=scale, signed=signed and not zero,  # type: ignore[arg-type]
                   missing=DASH)
        low = eur(lower, scale=scale, symbol=False, missing=DASH)  # type: ignore[arg-type]
        high = eur(upper, scale=scale, symbol=False, missing=DASH)  # type: ignore[arg-type]
    else:
        head = format_value(median, unit, signed=signed, missing=DASH)
        low = format_value(lower, unit, missing=DASH)
        high = format_value(upper, unit, missing=DASH)
    sub = f'<span class="sub">{_e(extra)}</span>' if extra else ""
    return f'{_e(head)}<span class="int">({_e(low)} to {_e(high)})</span>{sub}'


def _img(png: bytes, caption: str, name: str, alt: str | None = None) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure data-file="{_e(name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(alt or caption)}"><figcaption>{_e(caption)} '
            f'<span class="file">(file <code>{_e(name)}</code>)</span></figcaption></figure>')


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _split(scenario: str) -> tuple[str, str]:
    """``(future, policy)`` of a grid scenario ``future/policy``; ``("", name)`` otherwise."""
    future, sep, policy = str(scenario).partition("/")
    return (future, policy) if sep else ("", str(scenario))


def _grouped_rows(keys: Sequence[tuple[str, str]], cells: Sequence[list[str]]) -> list[list[str]]:
    """Rows of ``cells`` led by a header cell per group (spanning its consecutive rows) and
    one per member; keys ``("", member)`` have no group cell."""
    rows: list[list[str]] = []
    for i, ((group, member), rest) in enumerate(zip(keys, cells, strict=True)):
        row = []
        if group and (i == 0 or keys[i - 1][0] != group):
            span = next((j for j, (g, _m) in enumerate(keys[i:]) if g != group), len(keys) - i)
            row.append(_th(_named(group), row=True, rowspan=span))
        row.append(_th(_named(member), row=True))
        rows.append(row + list(rest))
    return rows


# --------------------------------------------------------------------------------- sections
def _target_year(results: Mapping, years: Sequence[int]) -> int | None:
    """The last of ``years`` that the results reach, else their last year."""
    reached = [int(y) for r in results.values() for y in r.years]
    if not reached:
        return None
    inside = [y for y in years if y in reached]
    return max(inside) if inside else max(reached)


def _binding_by_scenario(constraints: pd.DataFrame, year: int) -> dict[str, str]:
    """``"capacity"`` or ``"demand"`` in ``year`` per scenario, from the constraints table."""
    out: dict[str, str] = {}
    for row in constraints.itertuples():
        years_text = str(getattr(row, "capacity_bound_years", "") or "")
        bound = {int(y) for y in re.findall(r"\d{4}", years_text)}
        out[str(row.scenario)] = "capacity" if year in bound else "demand"
    return out


def _binding_html(constraints: pd.DataFrame, year: int) -> str:
    """The sentences that say which constraint binds in ``year``, per future (or scenario)."""
    binding = _binding_by_scenario(constraints, year)
    if not binding:
        return ""
    out = ['<section class="key" id="binding">',
           f"<h2>Which limit binds in {year}: demand or capacity</h2>",
           "<p>In most of the simulated outcomes. Where <b>capacity</b> binds, firms could sell "
           "more than they can make, so measures that raise capacity (order certainty, faster "
           "procurement, more technical staff) add turnover. Where <b>demand</b> binds, firms "
           "can make more than is ordered, and those measures add little.</p><ul>"]
    futures = list(dict.fromkeys(_split(s)[0] for s in binding))
    for future in futures:
        members = [(p, b) for s, b in binding.items()
                   for f, p in [_split(s)] if f == future]
        cap = [_label(p) for p, b in members if b == "capacity"]
        dem = [_label(p) for p, b in members if b == "demand"]
        if future:
            head = f"<li><b{_id_attrs(future)}>{_e(_label(future))}</b>: "
            if not dem:
                text = "capacity limits turnover under every policy."
            elif not cap:
                text = "demand limits turnover under every policy."
            else:
                text = (f"capacity limits turnover under {_join(cap)}; demand under "
                        f"{_join(dem)}.")
            out.append(head + _e(text) + "</li>")
        else:
            if cap:
                out.append(f"<li>Capacity limits turnover under {_e(_join(cap))}.</li>")
            if dem:
                out.append(f"<li>Demand limits turnover under {_e(_join(dem))}.</li>")
    out.append("</ul>")
    out.append('<p class="legend">Year by year in <a href="#constraints">Which constraint binds '
               "when</a> and <code>constraints.csv</code>.</p></section>")
    return "\n".join(out)


def _effects_html(tables: Mapping[str, pd.DataFrame],
                  figures: Mapping[str, tuple[bytes, str]], level: float) -> str:
    """The first section: what each policy adds over current conditions, per future."""
    eff = tables["policy_effects"]
    main = str(eff["variable"].iloc[0])
    sub = eff[eff["variable"] == main]
    years = sorted(int(y) for y in sub["year"].unique())
    lv = percent(level, decimals=0)
    out = ['<h2 id="effects">What better conditions add: policy effects per future</h2>',
           f"<p>Each row: how much more <span{_id_attrs(main)}>D&amp;S turnover, in "
           "constant base-year prices,</span> a policy gives than current conditions, in the "
           "same future, "
           "computed draw by draw on common random numbers: the median of the difference, "
           f"its {lv} interval in brackets, and the share of draws in which the policy gives "
           "more. A future is a path of budgets, markets and prices the government does not "
           "set; a policy moves the levers it does set (order certainty, procurement lead time, "
           "labour supply). Every variable is in <code>policy_effects.csv</code>.</p>"]
    if "policy_effects.png" in figures:
        out.append(_img(*figures["policy_effects.png"], "policy_effects.png"))
    keys = list(dict.fromkeys(zip(sub["future"].astype(str), sub["policy"].astype(str),
                                  strict=True)))
    by_key = {(str(r.future), str(r.policy), int(r.year)): r for r in sub.itertuples()}
    cells = []
    for future, policy in keys:
        row = []
        for year in years:
            r = by_key.get((future, policy, year))
            if r is None:
                row.append(_td(DASH, "val"))
                continue
            gain = f"more in {percent(r.share_positive, decimals=0)} of draws"
            row.append(_td(_interval_cell(r.median, r.lower, r.upper, str(r.unit),
                                          signed=True, extra=gain), "val"))
        cells.append(row)
    head = ["Future", "Policy", *[_th(f"{y}: median ({lv} interval)", "num") for y in years]]
    out.append(_table(head, _grouped_rows(keys, cells), "data wide"))
    constraints = tables.get("constraints")
    if constraints is not None and len(constraints):
        out.append('<h3 id="constraints">Which constraint binds when</h3>')
        out.append("<p>Year by year, in most draws: <b>capacity</b> limits turnover when "
                   "firms cannot make all that is ordered, <b>demand</b> when they could make "
                   "more.</p>")
        ckeys = [_split(s) for s in constraints["scenario"].astype(str)]
        ccells = [[_td(_e(_cap(str(s))))] for s in constraints["sentence"]]
        grid = any(f for f, _p in ckeys)
        chead = (["Future", "Policy"] if grid else ["Scenario"]) + ["Which limit binds"]
        out.append(_table(chead, _grouped_rows(ckeys, ccells), "data wide"))
    return "\n".join(out)


def _summary_html(results: Mapping, level: float, years) -> str:
    """Per key variable, median and interval in the summary years: a table with a column per
    future and a row per policy for a grid, else a row per scenario and a column per year."""
    from nldtib_forecast.report.tables import summary_table

    table = summary_table(results, years=years, level=level, key_only=True)
    if table.empty:
        return "<p>The results do not reach the summary years.</p>"
    lv = percent(level, decimals=0)
    out = []
    for (model, variable), part in table.groupby(["model", "variable"], sort=False):
        unit = str(part["unit"].iloc[0])
        unit_text = _unit_label(unit)
        shown = (f"{_named(variable)}" + (f", {_e(unit_text)}" if unit_text else "")
                 + (f' <span class="kind">{_e(_model_name(model))}</span>'

                    if len(results) > 1 else ""))
        out.append(f"<h3{_id_attrs(variable)}>{shown}</h3>")
        if definition := _definition(variable):
            out.append(f'<p class="legend">{_e(definition)}</p>')
        keys = [_split(s) for s in part["scenario"].astype(str)]
        grid = all(f for f, _p in keys)
        part_years = sorted(int(y) for y in part["year"].unique())
        by_key = {(str(r.scenario), int(r.year)): r for r in part.itertuples()}

        def cell(scenario: str, yrs: Sequence[int], label_years: bool,
                 by_key: dict = by_key, unit: str = unit) -> str:
            lines = []
            for y in yrs:
                r = by_key.get((scenario, y))
                if r is None:
                    continue
                body = _interval_cell(r.median, r.lower, r.upper, unit)
                lines.append((f'<b class="yr">{y}</b> ' if label_years else "") + body)
            return _td("".join(lines) or DASH, "val")

        if grid:
            futures = list(dict.fromkeys(f for f, _p in keys))
            policies = list(dict.fromkeys(p for _f, p in keys))
            head = ["Policy", *[_th(_named(f), "num") for f in futures]]
            rows = [[_th(_named(p), row=True),
                     *[cell(f"{f}/{p}", part_years, True) for f in futures]]
                    for p in policies]
            out.append(f'<p class="legend">Median and {lv} interval in '
                       f"{_e(_join([str(y) for y in part_years]))}, per policy (rows) and "
                       "future (columns).</p>")
        else:
            scenarios = list(dict.fromkeys(part["scenario"].astype(str)))
            head = ["Scenario", *[_th(f"{y}: median ({lv} interval)", "num")
                                  for y in part_years]]
            rows = [[_th(_named(s), row=True), *[cell(s, [y], False) for y in part_years]]
                    for s in scenarios]
        out.append(_table(head, rows, "data wide"))
    return "\n".join(out)


_STATUS = {"publish": "shown", "unprotected": "shown (no disclosure rule applies)",
           "primary": "suppressed", "secondary": "suppressed", "suppressed": "suppressed"}



def _rule_text(rule: object) -> str:
    """A disclosure rule in words: ``min_frequency(10)`` -> ``fewer than 10 firms``."""
    if is_missing(rule) or not str(rule).strip():
        return ""
    text = str(rule)
    text = re.sub(r"min_frequency\((\d+)\)", r"fewer than \1 firms", text)
    text = re.sub(r"dominance\((\d+),\s*([\d.]+%)\)", r"\1 largest firms above \2", text)
    text = re.sub(r"(\d{4}): complementary", r"protects another figure (\1)", text)
    text = re.sub(r"\b(entrants|exiters|continuing): ", lambda m: {
        "entrants": "entrants: ", "exiters": "firms that left: ",
        "continuing": "continuing firms: "}[m.group(1)], text)
    return text


def _headline_unit(indicator: str) -> str:
    return ("EUR" if indicator.endswith("_eur") else "firms" if indicator == "firms"
            else "fraction")


def _headline_html(headline: pd.DataFrame) -> str:
    rows, notes = [], []
    for r in headline.itertuples():
        ind = str(r.indicator)
        unit = _headline_unit(ind)
        status = str(r.status)
        shown = status in ("publish", "unprotected")
        category = "" if is_missing(r.category) or not str(r.category) else str(r.category)
        note = getattr(r, "note", None)
        mark = ""
        if not is_missing(note) and str(note).strip():
            notes.append(str(note))
            mark = f'<sup><a href="#hn{len(notes)}">{len(notes)}</a></sup>'
        rule = _rule_text(r.rule)
        rows.append([
            _th(_named(ind) + mark, row=True),
            _td(_named(category) if category else DASH),
            _td(_fmt(r.estimate, unit) if shown else "<em>suppressed</em>", "num"),
            _td(f"{_fmt(r.ci_lower, unit)} to {_fmt(r.ci_upper, unit)}" if shown else DASH,
                "num"),
            _td(_fmt(r.published, unit), "num"),
            _td(_e(_STATUS.get(status, status)) + (f"<br><small>{_e(rule)}</small>"
                                                     if rule else "")),
        ])
    head = ["Figure", "Category", _th("Estimate", "num"), _th("95% interval", "num"),
            _th("Published (L26)", "num"), "Disclosure"]
    out = [_table(head, rows, "data wide"), _MISSING_LEGEND]
    if notes:
        out.append('<ol class="fn">' + "".join(f'<li id="hn{i}">{_e(_cap(n))}</li>'
                                              for i, n in enumerate(notes, 1)) + "</ol>")
    return "\n".join(out)


#: Columns of the decomposition table: (column, header).
_DEC_COLUMNS = (("nominal_growth", "Nominal growth"), ("price", "Price"),
                ("volume", "Volume"), ("interaction", "Interaction"),
                ("entry", "Entrants"), ("exit", "Exits"),
                ("price_growth", "Prices of continuing firms"),
                ("volume_growth", "Volume of continuing firms"))
_DEC_COUNTS = (("n_continuing", "Continuing firms"),
               ("n_price_missing", "of which without a price change"),
               ("n_entrants", "Entrants"), ("n_exiters", "Firms that left"))


def _decomposition_html(table: pd.DataFrame) -> str:
    """Two tables that fit the page: the contributions, and the respondents and disclosure."""
    shown = table.reset_index()
    year_col = shown.columns[0]
    cols = [(c, h) for c, h in _DEC_COLUMNS if c in shown]
    if "interaction" in shown and (shown["interaction"].fillna(0.0) == 0.0).all():
        cols = [(c, h) for c, h in cols if c != "interaction"]  # the log split has none
    rows, rows2 = [], []
    for r in shown.to_dict("records"):
        published = str(r.get("status", "publish")) == "publish"
        cells = [_th(_e(r[year_col]), row=True)]
        for c, _h in cols:
            value = r[c]
            if c == "exit" and not is_missing(value):
                value = -float(value)  # a contribution to growth: turnover lost with exits
            text = percent(value, signed=True, missing=DASH if published else "")
            cells.append(_td(_e(text) if text else "<em>suppressed</em>", "num"))
        rows.append(cells)
        counts = [_td(_e(count(r[c], missing=DASH)) if published or not is_missing(r[c])
                      else "<em>suppressed</em>", "num") for c, _h in _DEC_COUNTS if c in r]
        status = _STATUS.get(str(r.get("status", "")), str(r.get("status", "")))
        rule = _rule_text(r.get("rule"))
        rows2.append([_th(_e(r[year_col]), row=True), *counts,
                      _td(_e(status) + (f"<br><small>{_e(rule)}</small>" if rule else ""))])
    head = ["Year", *[_th(h, "num") for _c, h in cols]]
    head2 = ["Year", *[_th(h, "num") for c, h in _DEC_COUNTS if c in shown], "Disclosure"]
    return "\n".join([
        _table(head, rows, "data wide"),
        '<p class="legend">Contributions in percentage points of the previous year\'s '
        "turnover: price + volume + entrants + exits = nominal growth (exits are negative: "
        "the turnover of firms that left). &mdash; no value.</p>",
        "<h3>Respondents and disclosure</h3>",
        _table(head2, rows2, "data wide"), _MISSING_LEGEND])


#: An identifier in running text (``size_class``; not a file name such as ``audit.csv``).
_WORD_ID = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")


#: First words of labels that keep their capital inside a sentence.
_PROPER = frozenset({"Dutch", "European", "Europe", "Netherlands", "NATO", "EU", "NL", "NLD",
                     "D&S", "GDP", "FTE", "EUR", "NLDTIB", "Fisher"})


def _relabel_words(text: str) -> str:

    """``text`` with each identifier in it that the label registry knows replaced by its
    label (every identifier, without the registry)."""
    def one(match: re.Match) -> str:
        word = match.group(0)
        found = _label(word) if _REGISTRY is None else _registry_text(word, "en")
        if not found:
            return word
        first = found.split(" ", 1)[0]
        if first not in _PROPER and found[1:2].islower():  # inside a sentence
            found = found[:1].lower() + found[1:]
        return found

    return _WORD_ID.sub(one, text)


def _check_label(check: str) -> str:
    """An audit check's name with the indicator labelled: ``ds_turnover_growth 2024->2025``
    -> ``Growth of D&S turnover 2024 to 2025``."""
    first, sep, rest = check.partition(" ")
    if sep and "_" not in first and (found := _registry_text(first, "en")):
        check = f"{found} {rest}"
    return _relabel_words(check).replace("->", " to ")


def _model_name(model: object) -> str:
    """``Outlook model``: the label of a model, with the word *model* once."""
    text = _label(model)
    return text if text.lower().endswith("model") else f"{text} model"



def _audit_html(audit: pd.DataFrame, published: pd.DataFrame | None) -> str:
    counts = audit["status"].value_counts()
    parts = [f"<p>{int(counts.get('ok', 0))} checks consistent, "
             f"{int(counts.get('inconsistent', 0))} inconsistent (the published figures "
             "do not add up within the tolerance; all checks are in "
             "<code>audit.csv</code>).</p>"]
    bad = audit[audit["status"] == "inconsistent"]
    if not len(bad):
        return "".join(parts)
    units: dict[str, str] = {}
    if published is not None and {"indicator", "unit"} <= set(published.columns):
        units = {str(k): str(v) for k, v in
                 published.drop_duplicates("indicator").set_index("indicator")["unit"].items()}
    rows = []
    for r in bad.to_dict("records"):
        ind = str(r.get("indicator", ""))
        unit = units.get(ind, _headline_unit(ind))
        diff = r.get("difference")
        diff_text = (percentage_points(diff, missing=DASH) if unit_kind(unit) == "percent"
                     else format_value(diff, unit, signed=True, missing=DASH))
        year = r.get("year")
        rows.append([
            _th(f"<span{_id_attrs(r.get('check', ''))}>"
                f"{_e(_check_label(str(r.get('check', ''))))}</span>", row=True),
            _td(_e(DASH if is_missing(year) else int(year)), "num"),
            _td(_fmt(r.get("published"), unit), "num"),
            _td(_fmt(r.get("recomputed"), unit), "num"),
            _td(_e(diff_text), "num"),
            _td(_e(_cap(str(r.get("note", ""))))),
        ])
    head = ["Check", _th("Year", "num"), _th("Published", "num"), _th("Recomputed", "num"),
            _th("Difference", "num"), "What it means"]
    parts.append(_table(head, rows, "data wide"))
    return "".join(parts)


def _setting_text(value: object, unit: str) -> str:
    """A driver's setting by its unit: ``30%``, or a path ``2026: 30%, 2028: 65%``."""
    if isinstance(value, Mapping):
        return ", ".join(f"{y}: {_setting_text(v, unit)}" for y, v in value.items())
    if unit_kind(unit) == "percent":
        if is_missing(value):
            return DASH
        return number(100 * float(value), significant=3) + "%"  # type: ignore[arg-type]
    return format_value(value, unit, missing=DASH)


def _sources_html(sources: Sequence[str], what: str = "Sources") -> str:
    if not sources:
        return ""
    items = "".join(f"<li>{_e(s)}</li>" for s in sources)
    return (f'<details class="print-open"><summary>{_e(what)} ({len(sources)})</summary>'
            f"<ul>{items}</ul></details>")


_KINDS = {"policy": ("Policies", "policy"), "future": ("Futures", "future"),
          "scenario": ("Scenarios", "scenario")}


def _scenarios_html(scenarios: Mapping) -> str:
    """Each scenario once: its description, the drivers it sets and its sources (folded)."""
    from nldtib_forecast.scenarios import get_driver

    out = []
    groups: dict[str, list[str]] = {}
    for name, scen in scenarios.items():
        groups.setdefault(str(getattr(scen, "kind", "scenario")), []).append(name)
    for kind, names in groups.items():
        if len(groups) > 1:
            out.append(f"<h3>{_e(_KINDS.get(kind, (_cap(kind),))[0])}</h3>")
        for name in names:
            scen = scenarios[name]
            out.append(f'<div class="scenario"><h4{_id_attrs(name)}>{_e(_label(name))}</h4>')
            if scen.description:
                out.append(f"<p>{_e(_relabel_words(scen.description))}</p>")
            rows = []
            for driver, value in scen.drivers.items():
                spec = get_driver(driver)
                rows.append([_th(_named(driver), row=True), _td(_e(_unit_label(spec.unit))),
                             _td(_e(_setting_text(value, spec.unit))),
                             _td(_e(_setting_text(spec.default, spec.unit)), "num")])
            if rows:
                out.append(_table(["Driver", "Unit", "Setting (year: value)",
                                   _th("Default", "num")], rows, "data wide"))
            else:
                out.append("<p><em>Every driver at its default (current conditions).</em></p>")
            out.append(_sources_html(list(scen.sources)) + "</div>")
    return "\n".join(out)


def _models_html(models: pd.DataFrame) -> str:
    out = []
    for r in models.to_dict("records"):
        out.append(f"<h4{_id_attrs(r['model'])}>{_e(_model_name(r['model']))} "
                   f"({_e(str(r.get('years', '')).replace('-', ' to '))})</h4>"
                   f'<dl class="meta"><dt>Method</dt>'
                   f'<dd>{_e(_relabel_words(str(r.get("method", ""))))}</dd>'
                   "<dt>Intervals include</dt>"
                   f"<dd>{_e(_relabel_words(str(r.get('intervals_include', ''))))}</dd>"

                   "</dl>")
    return "\n".join(out)


def _drivers_html(drivers: pd.DataFrame) -> str:
    rows = []
    for r in drivers.to_dict("records"):
        unit = str(r.get("unit", ""))

        def val(key: str, r: dict = r, unit: str = unit) -> str:
            return _e(_setting_text(r.get(key), unit))

        src = r.get("source")
        src_html = ("" if is_missing(src) or not str(src) else
                    _sources_html([str(src)], "Source").replace("Source (1)", "Source"))
        model = r.get("model")
        used = ("" if is_missing(model) or not str(model) else
                f'<span class="sub">Used by the <span{_id_attrs(model)}>'
                f"{_e(_model_name(model))}</span>.</span>")
        rows.append([_th(_named(r["driver"]), row=True),
                     _td(_e(_relabel_words(str(r.get("description", "")))) + used + src_html),
                     _td(_e(_unit_label(unit))),
                     _td(f"{val('lower')} to {val('upper')}", "num"),
                     _td(val("default"), "num"), _td(val("improved"), "num")])
    head = ["Driver", "What it is", "Unit", _th("Valid range", "num"),
            _th("Default (current)", "num"), _th("Improved", "num")]
    return _table(head, rows, "data wide") + _MISSING_LEGEND


def _prior_value(name: str, value: object) -> str:
    """A prior or setting of a model for display: numbers by what the name says they are."""
    text = str(value)
    try:
        v = float(text)
    except ValueError:
        return _label(text) if re.fullmatch(r"[a-z]+(_[a-z]+)+", text) else text
    if name.endswith("_eur"):
        return eur(v)
    if name.startswith("fte") or name.endswith("_fte"):
        return count(v)
    if "share" in name:
        return percent(v)
    return number(v)


def _priors_html(priors: pd.DataFrame) -> str:
    shown = priors[priors["kind"].astype(str) != "grid"]  # the grid is under Scenarios
    if not len(shown):
        return ""
    rows = [[_th(_named(r["kind"]), row=True), _th(_named(r["name"]), row=True),
             _td(_e(_prior_value(str(r["name"]), r["value"])), "num")]
            for r in shown.to_dict("records")]
    return _table(["Group", "Setting", _th("Value", "num")], rows)


def _data_sources_html(sources: pd.DataFrame) -> str:
    cols = [c for c in ("key", "citation", "note") if c in sources]
    rows = [[_th(_e(r[cols[0]]), row=True),
             *[_td(DASH if is_missing(r[c]) or not str(r[c]) else _e(r[c])) for c in cols[1:]]]
            for r in sources.to_dict("records")]
    return _table([_cap(c) for c in cols], rows, "data wide")


# --------------------------------------------------------------------------------- the page
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
    if "policy_effects" not in tables:
        sections = sections[1:]
    out.append("<nav>" + " ".join(f'<a href="#{k}">{_e(t)}</a>' for k, t in sections)
               + "</nav>")
    survey_name = _relabel_words(spec.survey_description())
    policies = [s for s in spec.scenarios
                if getattr(spec.scenarios[s], "kind", "") == "policy"]
    futures = [s for s in spec.scenarios
               if getattr(spec.scenarios[s], "kind", "") == "future"]
    others = [s for s in spec.scenarios if s not in policies and s not in futures]
    listed = "".join(f"<dt>{what}</dt><dd>{', '.join(_named(n) for n in names)}</dd>"
                     for what, names in (("Policies", policies), ("Futures", futures),
                                         ("Scenarios", others)) if names)
    scenario_file = (_e(Path(spec.scenario_file).name) if spec.scenario_file
                     else "built-in scenarios")
    out.append('<dl class="meta">'
               f"<dt>Library</dt><dd>nldtib_forecast {_e(__version__)}</dd>{listed}"
               f"<dt>Scenario file</dt><dd>{scenario_file}</dd>"
               f"<dt>Survey data</dt><dd>{_e(survey_name)}</dd>"
               f"<dt>Seed</dt><dd>{_e(spec.seed)}</dd>"
               f"<dt>Monte Carlo draws</dt><dd>{_e(count(spec.n_draws))} per scenario</dd>"
               f"<dt>Survey data hash</dt><dd><code>{_e(hashes['survey'])}</code></dd></dl>")
    for note in notes:
        out.append(f'<p class="note">{_e(_cap(note))}</p>')

    target = _target_year(results, SUMMARY_YEARS)
    constraints = tables.get("constraints")
    if target is not None and constraints is not None and len(constraints):
        out.append(_binding_html(constraints, target))

    if "policy_effects" in tables:
        out.append(_effects_html(tables, figures, SUMMARY_LEVEL))

    years = _join([str(y) for y in SUMMARY_YEARS])
    level = percent(SUMMARY_LEVEL, decimals=0)
    out.append(f'<h2 id="summary">Summary: median and {level} interval in '
               f"{_e(years)}</h2>")
    out.append("<p>Medians over the Monte Carlo draws with the central "
               f"{level} interval in brackets. All variables are in "
               "<code>summary.csv</code> and <code>results.csv</code>.</p>")
    out.append(_summary_html(results, SUMMARY_LEVEL, SUMMARY_YEARS))

    out.append('<h2 id="charts">Fan charts</h2>')
    out.append("<p>Median (line) and 50%, 80% and 95% intervals (shaded, darker is more "
               "likely), one panel per future or scenario, all panels of a chart on the same "
               "scale.</p>")
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
        if name in figures:
            out.append(_img(*figures[name], name))
    if "headline" in tables:
        out.append("<p>The survey figures of the 2026 letter recomputed from the survey "
                   "microdata, with 95% intervals. Figures failing the disclosure rules (at "
                   "least 10 firms, no two firms above 85%) are suppressed.</p>")
        out.append(_headline_html(tables["headline"]))

    out.append('<h2 id="audit">Published figures audit</h2>')
    out.append(_audit_html(tables["audit"], tables.get("published")))

    out.append('<h2 id="scenarios">Scenarios</h2>')
    out.append("<p>Drivers a scenario does not set stay at their default (current "
               "conditions). Paths are interpolated linearly between the given years.</p>")
    out.append(_scenarios_html(spec.scenarios))
    label = "scenarios.toml (the scenario file run)" if spec.scenario_file else \
        "scenarios.toml (the built-in scenarios as a scenario file)"
    out.append(f"<details><summary>{_e(label)}</summary><pre>{_e(spec.scenario_text)}</pre>"
               "</details>")

    out.append('<h2 id="assumptions">Assumptions</h2>')
    out.append("<h3>Models</h3>")
    out.append(_models_html(tables["models"]))
    out.append("<h3>Driver registry</h3>")
    out.append(_drivers_html(tables["drivers"]))
    if len(tables.get("priors", ())):
        out.append("<h3>Model priors and settings</h3>")
        out.append(_priors_html(tables["priors"]))

    out.append('<h2 id="sources">Data sources</h2>')
    out.append(_data_sources_html(tables["sources"]))
    out.append(f"<p>Survey data: {_e(survey_name)}"
               + (" &mdash; synthetic, not real firms." if spec.synthetic else
                  "; the microdata are not included in this report.") + "</p>")

    out.append('<h2 id="provenance">Reproducibility</h2>')
    out.append(f"<p>Reproduce with <code>{_e(spec.command_line())}</code> (with "
               "<code>scenarios.toml</code> from this directory). The same inputs and seed "
               "give identical files; <code>manifest.json</code> lists them with their "
               "checksums, <code>timing.json</code> the durations.</p>")
    rows = [[_th(_named(m), row=True), _td(_e(r.metadata.seed), "num"),
             _td(_e(count(r.n_draws)), "num"), _td(f"<code>{_e(r.metadata.data_hash)}</code>"),
             _td(_e(r.metadata.version))] for m, r in results.items()]
    out.append(_table(["Model", _th("Seed", "num"), _th("Draws", "num"), "Data hash",
                       "Version"], rows))
    out.append(f"<p>Published data hash: <code>{_e(hashes['published'])}</code></p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
