"""Sphinx directive ``nldtib-sources``: the sources of the embedded data, from the package.

``.. nldtib-sources::`` renders every row of :func:`nldtib_forecast.data.load_sources` (the
package's ``sources.csv``) as a definition list: the key, the full citation, then the address
(as links), the access date, the licence or terms of use, the data vintage and the note.
``.. nldtib-sources:: L26 B24`` renders only the keys given, in that order. The page is read
again whenever ``sources.csv`` changes, so it cannot drift from the data.

Enable it in ``docs/conf.py``::

    sys.path.insert(0, str(HERE / "_ext"))   # local Sphinx extensions
    extensions = [..., "sources_table"]
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

#: The fields shown under each citation: column of load_sources() -> label.
FIELDS = {
    "url": "Address",
    "accessed": "Accessed",
    "licence": "Licence or terms of use",
    "vintage": "Data vintage",
    "note": "Note",
}
_URL = re.compile(r"https://[^\s)]+")


def _with_links(text: str) -> list[nodes.Node]:
    """``text`` as inline nodes, each ``https://`` address a link (trailing punctuation kept)."""
    out: list[nodes.Node] = []
    pos = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:")
        start, end = match.start(), match.start() + len(url)
        if start > pos:
            out.append(nodes.Text(text[pos:start]))
        out.append(nodes.reference(url, url, refuri=url))
        pos = end
    if pos < len(text):
        out.append(nodes.Text(text[pos:]))
    return out


def _field(label: str, content: list[nodes.Node]) -> nodes.list_item:
    """One bullet: the label in bold, then the content."""
    return nodes.list_item("", nodes.paragraph("", "", nodes.strong(text=f"{label}: "),
                                               *content))


class SourcesTable(SphinxDirective):
    """``.. nldtib-sources:: [KEY ...]``: the embedded data's sources (all, or the keys given)."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self) -> list[nodes.Node]:
        import nldtib_forecast.data as data
        from nldtib_forecast.data import load_sources

        self.env.note_dependency(str(Path(data.__file__).parent / "sources.csv"))
        table = load_sources().set_index("key", drop=False)
        keys = self.arguments[0].split() if self.arguments else list(table.index)
        unknown = [k for k in keys if k not in table.index]
        if unknown:
            raise self.error(f"nldtib-sources: unknown source key(s) {', '.join(unknown)}; "
                             f"valid: {', '.join(table.index)}")
        items = nodes.definition_list(classes=["nldtib-sources"])
        for key in keys:
            row = table.loc[key]
            term = nodes.term("", "", nodes.literal(key, key))
            body = nodes.definition()
            body += nodes.paragraph("", "", *_with_links(str(row["citation"])))
            fields = nodes.bullet_list()
            for column, label in FIELDS.items():
                text = str(row[column]).strip()
                if text:
                    fields += _field(label, _with_links(text))
            body += fields
            items += nodes.definition_list_item("", term, body)
        return [items]


def setup(app):
    app.add_directive("nldtib-sources", SourcesTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
