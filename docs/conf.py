"""Sphinx configuration of the nldtib_forecast documentation.

Build (from the repository root, warnings are errors)::

    python -m pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build reads nothing from the network: no intersphinx inventories are fetched.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
# Build against the working tree even when the package is not installed.
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE / "_ext"))  # local Sphinx extensions (docs/_ext)
os.environ.setdefault("MPLBACKEND", "Agg")

import nldtib_forecast  # noqa: E402

# -- Project information ------------------------------------------------------------------
project = "nldtib_forecast"
author = "nldtib_forecast developers"
copyright = "nldtib_forecast developers, BSD-3-Clause"
version = nldtib_forecast.__version__
release = nldtib_forecast.__version__

# -- General configuration ----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax 3 served from the built site (_static/mathjax/), not from a CDN: the equations
    # render with no network when the pages are viewed. The module name has hyphens.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
    "sources_table",  # docs/_ext/sources_table.py: the nldtib-sources directive
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/**.ipynb",
                    "auto_examples/**.py", "auto_examples/**.zip"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
language = "en"

# autodoc / autosummary / numpydoc
autosummary_generate = True
# Class pages (docs/_templates/autosummary/class.rst) list methods before attributes.
autodoc_member_order = "groupwise"
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc's validation of every docstring autodoc renders: a missing or wrong section is a
# warning, so the -W build fails. Parameters documented (PR01), none unknown (PR02), in the
# signature's order (PR03), each with a type (PR04) written without a final period (PR05) and
# as int/bool/str (PR06), "name : type" (PR10); a Returns section when the function returns
# something (RT01) whose first line is the type (RT02) followed by a description (RT03); a
# Yields section for a generator (YD01). tests/test_docstrings.py runs the same checks.
numpydoc_validation_checks = {"PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "PR10", "RT01",
                              "RT02", "RT03", "YD01"}
# Left out of the validation (regular expressions on the documented name):
numpydoc_validation_exclude = {
    # Classes (CamelCase names; the ALL-CAPS constants have no parameters): numpydoc wants
    # every constructor argument under Parameters, but a read-only result (e.g.
    # PassThroughResult) documents its fields under Attributes, since a function builds it,
    # and a constructor's private fields (CapacityModel's calibrated state, ScenarioResult's
    # _copy) are not documented. _check_class (below) checks the classes instead: every
    # public constructor argument under Parameters or Attributes, and the other checks.
    r"\.[A-Z]\w*[a-z]\w*$",
}

# Constants whose value is too long to print in the signature line of their page
# (docs/_templates/autosummary/data.rst); the doc comment says what they hold.
autosummary_context = {
    "hide_value": [
        "nldtib_forecast.data.SCHEMA",
        "nldtib_forecast.models.capacity.PRIORS",
        "nldtib_forecast.models.trade.TRADE_DRIVERS",
    ],
}

# -- Cross-references: every reference must resolve (nitpicky, -W in CI) ---------------------
nitpicky = True
# Objects of other projects. Their inventories would need intersphinx, which downloads them at
# build time, and the build reads nothing from the network; so references to these packages
# (in docstrings, e.g. :class:`pandas.DataFrame`, :func:`numpy.quantile`) render as code
# without a link. Our own names are never ignored: they must resolve.
_EXTERNAL = (
    "builtins", "collections", "concurrent", "dask", "datetime", "distributed", "functools",
    "joblib", "matplotlib", "numpy", "os", "pandas", "pathlib", "pyarrow", "scipy", "sklearn",
    "statsmodels", "tomllib", "typing", "xarray",
)
nitpick_ignore_regex = [(r"py:.*", rf"({'|'.join(_EXTERNAL)})(\..*)?")]

# bibliography
bibtex_bibfiles = [
    "references.bib",
    "references_survey.bib",
    "references_disclosure.bib",
    "references_dynamics.bib",
    "references_price_volume.bib",
    "references_trade.bib",
    "references_capacity.bib",
]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# sphinx-gallery: every examples/<section>/plot_*.py is executed at build time. Each section
# is a folder of examples/ with a README.rst (its title and one sentence); the gallery shows
# them in this order (a folder missing here is an error: add new sections to the list).
# examples/scenarios/ holds scenario files, no README: it is not a section.
GALLERY_SECTIONS = ["data", "survey", "volume_price", "capacity", "trade", "outlook"]
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "subsection_order": [f"../examples/{name}" for name in GALLERY_SECTIONS],
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "write_computation_times": False,
}
# The examples run in this process: pandas prints whole cells and wide tables in one block
# (no "..." in a long text cell, no wrapping of columns); the output blocks scroll
# horizontally (_static/custom.css) instead.
import pandas as pd  # noqa: E402

pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 250)
pd.set_option("display.max_columns", 50)

# -- HTML output ----------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"nldtib_forecast {release}"
# _static/custom.css: code and output blocks scroll horizontally instead of cutting off
# columns; wide gallery tables scroll inside the page.
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # The top bar: User guide, Methodology, Examples, API, CLI, Validation, References,
    # Changelog (the hidden toctree of index.rst). All eight fit at 1280 px; none goes under
    # "More".
    "header_links_before_dropdown": 8,
    "navbar_align": "left",
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_show_sourcelink = False

# MathJax: the local copy that sphinx-mathjax-offline copies into _static/mathjax/ (set here
# as well as by the extension so that the path is visible; .ci/check_docs_html.py checks it).
mathjax_path = "mathjax/tex-chtml.js"


# -- The ``nldtib-cli-help`` directive: the command's --help text, generated from the parser ---
def _cli_help(words: list[str]) -> str:
    from nldtib_forecast.cli import build_parser

    parser = build_parser()
    for word in words:
        sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        parser = sub.choices[word]
    return parser.format_help()


def _constant_doc(app, what, name, obj, options, lines):
    """Use the ``#:`` doc comment of a constant defined in a private module.

    autodoc reads ``#:`` comments only in the module a constant is documented in, but ours are
    defined in submodules (e.g. ``nldtib_forecast.models.price_volume.index_numbers``) and
    imported into the public one; without this the page would show the docstring of ``tuple``.
    """
    if what != "data" or not name.startswith("nldtib_forecast."):
        return
    import inspect

    from sphinx.pycode import ModuleAnalyzer

    attr = name.rpartition(".")[2]
    for modname in sorted(m for m in sys.modules if m.startswith("nldtib_forecast")):
        if getattr(sys.modules[modname], attr, None) is not obj:
            continue
        try:
            comment = ModuleAnalyzer.for_module(modname).find_attr_docs().get(("", attr))
        except Exception:  # noqa: BLE001 - no source for this module: try the next one
            continue
        if comment:
            lines[:] = [*comment]
            return
    type_doc = inspect.getdoc(type(obj)) or ""
    if "\n".join(lines).strip() == type_doc.strip():
        lines.clear()


def _check_class(app, what, name, obj, options, lines):
    """numpydoc's validation of a class, with PR01 replaced (see numpydoc_validation_exclude).

    Every public constructor argument must be documented under Parameters or Attributes
    (private ones, ``_state``, are not); the other checks of numpydoc_validation_checks apply
    as they are. A problem is a warning, so the -W build fails.
    """
    if what not in ("class", "exception") or not name.startswith("nldtib_forecast."):
        return
    import inspect

    from numpydoc.docscrape import get_doc_object
    from numpydoc.validate import validate
    from sphinx.util import logging

    doc = get_doc_object(obj, "class", config={"show_class_members": False})
    checks = set(app.config.numpydoc_validation_checks) - {"PR01"}
    errors = [f"{code}: {text}" for code, text in validate(doc)["errors"] if code in checks]
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        params = []
    documented = {n.strip() for section in ("Parameters", "Other Parameters", "Attributes")
                  for p in doc[section] for n in p.name.split(",")}
    missing = sorted(p.name for p in params if not p.name.startswith("_")
                     and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                     and p.name not in documented)
    if missing:
        errors.append(f"constructor arguments {missing} documented neither under Parameters "
                      "nor under Attributes")
    if errors:
        logging.getLogger(__name__).warning(
            "[numpydoc] class %r:\n  %s", name, "\n  ".join(errors))


def _public_signature(app, what, name, obj, options, signature, return_annotation):
    """Leave a constructor's private arguments out of a class's signature line.

    A frozen dataclass whose fields hold private state (``CapacityModel``, ``Outlook``, built
    with ``from_survey``; the results of ``calibrate_weights`` and ``weight_respondents``) gets
    a generated constructor with those fields as arguments. If a private argument is required,
    the constructor is not public and no signature is shown (the class docstring says how the
    objects are built); otherwise the optional private arguments (``ScenarioResult``'s
    ``_copy``) are left out.
    """
    if what not in ("class", "exception") or not signature:
        return None
    import inspect

    from sphinx.util.inspect import stringify_signature

    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    private = [p for p in params if p.name.startswith("_")]
    if not private:
        return None
    if any(p.default is p.empty for p in private):
        return "", return_annotation
    public = sig.replace(parameters=[p for p in params if not p.name.startswith("_")],
                         return_annotation=inspect.Signature.empty)
    return stringify_signature(public, show_annotation=False), return_annotation


# -- The ``nldtib-register`` directive: tables generated from the code at build time ----------
# docs/assumptions.rst (the assumptions register), docs/uncertainty.rst (what the intervals
# include) and docs/versioning.rst (the embedded data vintage) render these tables from the
# objects the library computes with, so that the pages cannot drift from the code. Each
# argument of the directive is one table; see _REGISTER_TABLES below.
_REGISTER_CACHE: dict = {}


def _fmt(value) -> str:
    """A number as the registry holds it (``0.3``, ``30``, ``∞``), ``—`` for none."""
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _cell(content):
    """A table cell: text, an inline node, a list of inline nodes (one paragraph), or a tuple
    of those (one paragraph each)."""
    from docutils import nodes

    entry = nodes.entry()
    for part in content if isinstance(content, tuple) else (content,):
        if isinstance(part, nodes.Node):
            entry += nodes.paragraph("", "", part)
        elif isinstance(part, list):
            entry += nodes.paragraph("", "", *part)
        else:
            entry += nodes.paragraph(text=str(part))
    return entry


def _table(header: list[str], rows: list[list], widths: list[int]):
    """A docutils table (no markup is parsed inside the cells: registry texts stay verbatim)."""
    from docutils import nodes

    table = nodes.table(classes=["nldtib-register", "colwidths-given"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    row = nodes.row()
    for title in header:
        row += _cell(title)
    head += row
    for cells in rows:
        row = nodes.row()
        for content in cells:
            row += _cell(content)
        body += row
    group += head
    group += body
    return table


def _literal(text: str):
    from docutils import nodes

    return nodes.literal(text, text)


def _providers() -> dict[str, str]:
    """Model family -> the module that registers its drivers (the entry points)."""
    from importlib.metadata import entry_points

    from nldtib_forecast.scenarios.registry import PROVIDER_GROUP

    return {ep.name: ep.value for ep in entry_points(group=PROVIDER_GROUP)}


def _register_drivers(directive):
    """Every registered driver: the numbers (a table), then its description and source."""
    from docutils import nodes

    from nldtib_forecast.scenarios import drivers, get_driver

    table = drivers()
    providers = _providers()
    rows = []
    details = nodes.definition_list()
    for name, row in table.iterrows():
        driver = get_driver(name)
        anchor = nodes.make_id(f"driver-{name}")
        link = nodes.reference("", "", _literal(name), refid=anchor, internal=True)
        improved = _fmt(None if driver.improved is None else float(driver.improved))
        if driver.phase_in is not None:
            improved = (improved, f"from {driver.phase_in[0]}, reached {driver.phase_in[1]}")
        rows.append([
            (link, f"{row['model']}, {row['kind']}"),
            (row["unit"], "a level" if row["level"] else "a growth rate"),
            (_fmt(float(row["default"])), "assumed" if row["assumed"] else "published"),
            improved,
            f"{_fmt(float(row['lower']))} to {_fmt(float(row['upper']))}",
        ])
        term = nodes.term("", "", _literal(name), ids=[anchor])
        body = nodes.definition()
        body += nodes.paragraph(text=str(row["description"]))
        source = nodes.paragraph()
        source += nodes.strong(text="Source: ")
        source += nodes.Text(str(row["source"]))
        body += source
        where = nodes.paragraph()
        kind = "A lever" if row["kind"] == "lever" else "An external driver"
        basis = "an assumption" if row["assumed"] else "a published figure"
        where += nodes.Text(f"{kind} of the {row['model']} model, registered in ")
        where += _literal(providers.get(row["model"], "?"))
        where += nodes.Text(f"; its default is {basis} (Driver.assumed).")
        body += where
        details += nodes.definition_list_item("", term, body)
    header = ["driver", "unit", "default", "improved", "valid range"]
    return [_table(header, rows, [34, 22, 14, 16, 14]),
            nodes.rubric(text="What each driver measures, and where its numbers come from"),
            details]


def _register_priors(directive):
    """The capacity model's priors: distribution, median, 5% and 95% quantiles; then the
    source of each (priors with the same source share one entry)."""
    import numpy as np
    from docutils import nodes

    from nldtib_forecast.models.capacity import PRIORS

    rows, sources = [], {}
    for name, prior in PRIORS.items():
        q05, q50, q95 = prior.ppf(np.array([0.05, 0.5, 0.95]))
        rows.append([_literal(name), prior.describe(), f"{q50:.3g}", f"{q05:.3g}",
                     f"{q95:.3g}"])
        sources.setdefault(prior.source, []).append(name)
    details = nodes.definition_list()
    for source, names in sources.items():
        term = nodes.term()
        for i, name in enumerate(names):
            if i:
                term += nodes.Text(", ")
            term += _literal(name)
        details += nodes.definition_list_item(
            "", term, nodes.definition("", nodes.paragraph(text=source)))
    header = ["parameter", "prior", "median", "5%", "95%"]
    return [_table(header, rows, [30, 34, 12, 12, 12]),
            nodes.rubric(text="Sources of the priors"), details]


def _register_capacity_settings(directive):
    """The capacity model's structural assumptions (not drawn) and their alternatives."""
    from docutils import nodes

    from nldtib_forecast.models.capacity import DEFAULT_ASSUMPTIONS
    from nldtib_forecast.models.capacity import assumptions as module

    options = getattr(module, "_OPTIONS", {})
    rows = []
    for name, default in DEFAULT_ASSUMPTIONS.items():
        others = [v for v in options.get(name, ()) if v != default]
        alternatives = []
        for value in others:
            alternatives += [nodes.Text(", ")] if alternatives else []
            alternatives.append(_literal(repr(value).replace("'", '"')))
        if not alternatives:
            alternatives = "a number in (0, 50]" if name == "ramp_shape" else "—"
        rows.append([_literal(name), _literal(repr(default).replace("'", '"')), alternatives])
    return [_table(["assumption", "default", "alternatives"], rows, [20, 12, 40])]


def _default_outlook():
    """The outlook every default call builds (``Outlook.from_survey()``), built once."""
    if "outlook" not in _REGISTER_CACHE:
        from nldtib_forecast.models.outlook import Outlook

        _REGISTER_CACHE["outlook"] = Outlook.from_survey()
    return _REGISTER_CACHE["outlook"]


def _register_model_settings(directive):
    """The outlook's and the export share model's other assumptions, as the defaults set them."""
    import inspect

    from docutils import nodes
    from numpydoc.docscrape import FunctionDoc

    from nldtib_forecast.models.trade import ExportShareModel

    outlook = _default_outlook()
    pt = outlook.pass_through
    trade = outlook.trade_model
    entries = [
        ("benchmark", "Outlook.from_survey", repr(outlook.benchmark).replace("'", '"'),
         [nodes.Text(f"Base-year levels: {outlook.benchmark_source}.")]),
        ("segments", "Outlook.from_survey", repr(outlook.segments).replace("'", '"'),
         [nodes.Text("The firm column in which demand meets capacity: realised volume is "
                     "min(demand, capacity) in each segment, summed.")]),
        ("pass_through", "Outlook.from_survey, estimated",
         f"{float(pt['estimate']):.3f} (s.e. {float(pt['std_error']):.3f})",
         [nodes.Text(f"Pass-through of unit-cost inflation to D&S prices; "
                     f"{str(pt['source']).rstrip('.')}. "
                     "Drawn from a normal distribution with this mean and standard "
                     "deviation, truncated at 0; a number fixes it.")]),
    ]
    signature = inspect.signature(ExportShareModel.from_survey)
    meaning = {n.strip(): " ".join(p.desc) for p in FunctionDoc(ExportShareModel.from_survey)[
        "Parameters"] for n in p.name.split(",")}
    for name in ("fit_years", "other_destinations", "other_growth", "market_response",
                 "elasticity_prior"):
        used = getattr(trade, name, signature.parameters[name].default)
        value = repr(used).replace("'", '"')
        if name == "fit_years":
            years = trade.calibration.index
            value = f"{int(years.min())}-{int(years.max())}"
        # the docstring's own words (inline markup only: ``literals``)
        text, _messages = directive.state.inline_text(meaning.get(name, ""), directive.lineno)
        entries.append((name, "ExportShareModel.from_survey", value, text))
    entries.append(("elasticity", "ExportShareModel, estimated", f"{trade.elasticity:.3f}",
                    [nodes.Text("Elasticity of Dutch D&S exports to the European procurement "
                                "market, estimated over the fit years with the normal prior "
                                "above (elasticity_prior).")]))
    items = nodes.definition_list()
    for name, where, value, text in entries:
        term = nodes.term("", "", _literal(name), nodes.Text(" = "), _literal(value),
                          nodes.Text(f" ({where})"))
        items += nodes.definition_list_item("", term,
                                            nodes.definition("", nodes.paragraph("", "", *text)))
    return [items]


def _register_scenarios(directive):
    """The built-in scenarios: kind, the drivers each sets, description and sources."""
    from docutils import nodes

    from nldtib_forecast.scenarios import builtin

    items = nodes.definition_list()
    for name, scenario in builtin().items():
        term = nodes.term("", "", _literal(name), nodes.Text(f" ({scenario.kind})"))
        body = nodes.definition()
        body += nodes.paragraph(text=scenario.description)
        sets = nodes.paragraph()
        sets += nodes.strong(text="Sets: ")
        if not scenario.drivers:
            sets += nodes.Text("no driver (every driver at its default)")
        for i, driver in enumerate(scenario.drivers):
            if i:
                sets += nodes.Text(", ")
            sets += nodes.reference("", "", _literal(driver),
                                    refid=nodes.make_id(f"driver-{driver}"), internal=True)
        body += sets
        if scenario.sources:
            body += nodes.paragraph("", "", nodes.strong(text="Sources:"))
            listing = nodes.bullet_list()
            for source in scenario.sources:
                listing += nodes.list_item("", nodes.paragraph(text=source))
            body += listing
        items += nodes.definition_list_item("", term, body)
    return [items]


def _register_interval_contents(directive):
    """What the intervals of the default models include, as each model records it."""
    outlook = _default_outlook()
    rows = [
        [_literal("CapacityModel.interval_contents"), outlook.capacity_model.interval_contents],
        [_literal("ExportShareModel.interval_contents"), outlook.trade_model.interval_contents],
        [_literal("Outlook.interval_contents"), outlook.interval_contents],
    ]
    return [_table(["model (default calibration)", "the spread of the draws includes"], rows,
                   [22, 78])]


def _years(years) -> str:
    """``2019–2025``, or ``2024`` for one year."""
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}–{last}"


def _register_vintage(directive):
    """The embedded data: each table's sources and the years they cover."""
    from nldtib_forecast import data

    rows = []
    published = data.load_published()
    published = published.assign(key=published["source"].str.split().str[0])
    for (edition, key), group in published.groupby(["edition", "key"], sort=True):
        rows.append([_literal("load_published()"), f"edition {edition}: {key}",
                     _years(group["year"]), len(group)])
    for name, load in (("load_european_market()", data.load_european_market),
                       ("load_nl_defence()", data.load_nl_defence),
                       ("load_nl_macro()", data.load_nl_macro)):
        frame = load(long=True)
        for source, group in frame.groupby("source", sort=True):
            rows.append([_literal(name), source, _years(group["year"]), len(group)])
    targets = data.load_policy_targets()
    for source, group in targets.groupby("source", sort=True):
        rows.append([_literal("load_policy_targets()"), source,
                     f"targets for {_years(group['year'])}", len(group)])
    return [_table(["function", "source", "years", "values"], rows, [30, 42, 16, 12])]


_REGISTER_TABLES = {
    "drivers": _register_drivers,
    "priors": _register_priors,
    "capacity-settings": _register_capacity_settings,
    "model-settings": _register_model_settings,
    "scenarios": _register_scenarios,
    "interval-contents": _register_interval_contents,
    "vintage": _register_vintage,
}


def setup(app):
    app.connect("autodoc-process-docstring", _constant_doc)
    app.connect("autodoc-process-docstring", _check_class)
    # before numpydoc's handler of the same event (priority 500): the first result is used
    app.connect("autodoc-process-signature", _public_signature, priority=400)
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class CliHelp(SphinxDirective):
        required_arguments = 0
        optional_arguments = 1
        final_argument_whitespace = True
        has_content = False

        def run(self):
            words = self.arguments[0].split() if self.arguments else []
            os.environ["COLUMNS"] = "88"  # argparse wraps help text to the terminal width
            text = _cli_help(words)
            node = nodes.literal_block(text, text)
            node["language"] = "text"
            return [node]

    app.add_directive("nldtib-cli-help", CliHelp)

    class Register(SphinxDirective):
        """``.. nldtib-register:: <table>``: a table of _REGISTER_TABLES, built from the code."""

        required_arguments = 1
        has_content = False

        def run(self):
            name = self.arguments[0]
            if name not in _REGISTER_TABLES:
                raise self.error(f"nldtib-register: unknown table {name!r}; valid: "
                                 f"{', '.join(_REGISTER_TABLES)}")
            # Re-read the page whenever the package's code or data change, so an incremental
            # build never shows an old register.
            package = Path(nldtib_forecast.__file__).parent
            for path in sorted([*package.rglob("*.py"), *package.rglob("*.csv")]):
                self.env.note_dependency(str(path))
            return _REGISTER_TABLES[name](self)

    app.add_directive("nldtib-register", Register)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
