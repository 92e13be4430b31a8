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
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip"]
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

# sphinx-gallery: every examples/plot_*.py is executed at build time.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
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

# -- HTML output ----------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"nldtib_forecast {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
