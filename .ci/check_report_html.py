"""Check the HTML report of ``nldtib-forecast report`` as a reader would see it.

Usage (from the repository root, after a report was written)::

    python .ci/check_report_html.py DIR/nldtib_report.html [--no-browser] [--pdf OUT.pdf]

Two sets of checks, each listing every failure it finds; the exit code is 1 if any fails:

1. Content (pure Python, :func:`check_html`; the test suite runs it too,
   ``tests/test_report_html.py``): no raw identifier (an output variable of a model, a driver,
   a built-in scenario, policy or future, or any ``snake_case`` word) in a heading
   (``h1``-``h4``), a table ``caption`` or header cell (``th``), a ``figcaption`` (file names
   aside) or the ``alt`` text of a chart; no ``nan``, ``<NA>``, ``None`` or number in
   scientific notation (``2.15e-01``, ``1e+09``) in the visible text (outside the verbatim
   scenario file in ``<pre>``); every image embedded (``data:`` URIs, no network).
2. In headless Chromium (Debian's ``chromium``, as ``$CHROMIUM`` or on the PATH), at a window
   1280 px wide: the page loads (it has its ``<h1>``); nothing is wider than the window
   (``document.scrollingElement.scrollWidth <= innerWidth``; the widest elements are named
   otherwise); the same text checks on ``document.body.innerText``; and "print to PDF" gives
   a document of several A4 pages (``--pdf`` keeps it).

A Dutch page (``<html lang="nl">``, ``nldtib-forecast report --lang nl``) is checked also for
English left over (:func:`check_dutch`): no English word (:data:`ENGLISH_WORDS`) in a section
heading, table header, caption or the navigation, no number written the English way
(:data:`ENGLISH_NUMBERS`: ``9.86``, ``EUR``, ``bn``, ``pp``, ``n/a``) there or in a number
cell, number cells with the Dutch decimal comma, a sign before the euro sign (``+€ 202,4
mln.``, never ``€ +202,4 mln.``), the synthetic-data banner in Dutch, and no English sentence
anywhere in the visible text (:func:`english_sentences`, folded parts included): a sentence
with two or more English function words (:data:`ENGLISH_FUNCTION_WORDS`) fails, unless it is
inside an element marked ``lang="en"`` (a text the page shows as written because it has no
Dutch, such as the original title of an English-language publication; the page says so once)
or in the verbatim scenario file (``<pre>``). In Chromium the same sentence check runs on the
text a reader sees (``innerText``, folded parts closed), without the ``lang="en"`` elements.

The page is copied into a temporary directory with a small script appended that measures it
and writes the result into the DOM, which ``--dump-dom`` returns; the report itself has no
script. This script installs nothing: ``.ci/run`` installs Chromium with apt-get when it is
missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

WIDTH = 1280
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                  "--mute-audio", "--hide-scrollbars")
BROWSER_TIMEOUT_S = 120
#: Elements whose text must hold no identifier.
LABEL_TAGS = ("h1", "h2", "h3", "h4", "caption", "th", "figcaption")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup"}

#: Missing values and numbers in scientific notation, as Python and pandas write them.
BAD_TEXT = re.compile(r"(?<![\w<])(nan|NaN|<NA>|None|NaT)(?![\w>])"
                      r"|\d(?:\.\d+)?[eE][+-]\d+")
#: A ``snake_case`` word (not part of a file name such as ``policy_effects.png``).
SNAKE = re.compile(r"(?<![\w./-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w/-]|\.\w)")

#: Words that mark English in a heading, table header, caption or the navigation of a Dutch
#: page; none is also a Dutch word (``of``, ``in``, ``per``, ``model``, ``interval``,
#: ``scenario``, ``volume``, ``export`` and ``seed`` are, so they are not listed).
ENGLISH_WORDS = frozenset({
    "the", "and", "which", "what", "with", "from", "when", "binds", "limits", "median",
    "policy", "policies", "future", "futures", "summary", "charts", "survey", "figures",
    "published", "audit", "assumptions", "sources", "source", "reproducibility", "driver",
    "drivers", "registry", "respondents", "disclosure", "growth", "turnover", "share",
    "demand", "capacity", "conditions", "current", "improved", "year", "years", "estimate",
    "category", "check", "difference", "unit", "value", "setting", "default", "group",
    "version", "draws", "price", "entrants", "exits", "firms", "employment", "utilisation",
    "unmet", "recomputed", "suppressed", "shown", "file", "only", "larger", "faster",
    "baseline", "slower", "path", "constant", "shares"})
#: Numbers written the English way: a decimal point (``9.86``, ``36.2%``; not the Dutch
#: thousands point of ``1.050``, not a version ``0.1.0``), ``EUR``, ``bn``, ``pp``, ``n/a``.
ENGLISH_NUMBERS = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])|\bEUR\b|\d ?bn\b|\d ?pp\b"
                             r"|\bn/a\b")
#: A number with the Dutch decimal comma (``9,86``, ``36,2%``).
DUTCH_DECIMAL = re.compile(r"\d,\d")
#: A sign between the euro sign and the number (``€ +202,4 mln.``); Dutch puts it first.
SIGN_AFTER_EURO = re.compile(r"€\s?[+\-\u2212]\s?\d")
#: English words that are no Dutch words; two in one sentence of a Dutch page mark it as
#: English. ``of``, ``is``, ``in``, ``over``, ``door``, ``was`` and ``been`` are Dutch words
#: too, so they do not count.
ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "and", "which", "with", "from", "are", "that", "this", "these", "for", "by", "to",
    "its", "their", "were", "has", "have", "than", "into", "not", "or", "an", "when", "where",
    "would", "should", "could", "will", "can", "between", "under", "after", "before", "each",
    "every", "only", "also", "such", "there", "they"})
#: Where a text splits into sentences: after ``.``, ``!``, ``?`` or ``;`` and a space.
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def identifiers() -> set[str]:
    """Identifiers a reader must not see: the outlook's output variables, the drivers, the
    built-in scenarios, policies and futures, and every grid scenario ``future/policy``."""
    from nldtib_forecast.models.outlook import OUTPUT_UNITS
    from nldtib_forecast.scenarios import FUTURE_NAMES, POLICY_NAMES, builtin, drivers

    names = set(OUTPUT_UNITS) | {str(d) for d in drivers().index} | set(builtin())
    names |= {f"{f}/{p}" for f in FUTURE_NAMES for p in POLICY_NAMES}
    return names


def find_identifiers(text: str, names: set[str]) -> list[str]:
    """The identifiers in ``text``: any ``snake_case`` word or grid name ``a_b/c_d`` (not of
    a file name), and a one-word identifier (``baseline``, ``utilisation``) that is the
    whole text."""
    found = [m.group(0) for m in re.finditer(r"(?<![\w.])[\w]+/[\w]+(?![\w/]|\.\w)", text)
             if m.group(0) in names]
    found += SNAKE.findall(text)
    if text.strip() in names:
        found.append(text.strip())
    return sorted(set(found))


def page_language(text: str) -> str:
    """The language of a page: the ``lang`` of its ``<html>`` element (``""`` without)."""
    found = re.search(r"<html\b[^>]*\blang=[\"']?([A-Za-z-]+)", text)
    return found.group(1).lower() if found else ""


def english_leftovers(labels: list[tuple[str, str]]) -> list[str]:
    """English words and English number formats in the ``(tag, text)`` of a Dutch page's
    headings, headers, captions and navigation (:data:`ENGLISH_WORDS`,
    :data:`ENGLISH_NUMBERS`)."""
    out = []
    for tag, text in labels:
        words = sorted(set(re.findall(r"[a-z]+", text.lower())) & ENGLISH_WORDS)
        if words:
            out.append(f"English in <{tag}> ({', '.join(words)}): {text[:90]!r}")
        numbers = ENGLISH_NUMBERS.findall(text)
        if numbers:
            out.append(f"English number format in <{tag}> ({', '.join(numbers)}): "
                       f"{text[:90]!r}")
    return out


def english_sentences(text: str, minimum: int = 2) -> list[str]:
    """The sentences of ``text`` with at least ``minimum`` English function words
    (:data:`ENGLISH_FUNCTION_WORDS`, whole words, any case), each with the words found."""
    out = []
    for sentence in SENTENCE_END.split(" ".join(text.split())):
        words = [w for w in re.findall(r"[A-Za-z]+", sentence)
                 if w.lower() in ENGLISH_FUNCTION_WORDS]
        if len(words) >= minimum:
            found = ", ".join(sorted({w.lower() for w in words}))
            out.append(f"English sentence ({found}): {sentence[:100]!r}")
    return out


def bad_numbers(text: str) -> list[str]:
    """``nan``, ``<NA>``, ``None`` and scientific notation in ``text``, with context."""
    out = []
    for m in BAD_TEXT.finditer(text):
        start, end = max(0, m.start() - 30), min(len(text), m.end() + 30)
        out.append(f"{m.group(0)!r} in ...{' '.join(text[start:end].split())}...")
    return out


class _ReportParser(HTMLParser):
    """The text of label elements, image sources and alt texts, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.labels: list[tuple[str, str]] = []  # (tag, text) of each LABEL_TAGS element
        self._open: list[list] = []  # [tag, depth, parts] of the open label elements
        self.images: list[tuple[str, str]] = []  # (src, alt)
        self.text: list[str] = []
        self.h1 = 0
        self.numbers: list[str] = []  # the text of each number cell (td.num, td.val)
        self.nav: list[str] = []  # the text of the navigation
        self.banner: list[str] = []  # the text of the synthetic-data banner
        self.english = 0  # depth inside elements marked lang="en" (0: outside)
        self.blocks: list[list[str]] = [[]]  # the visible text outside them, block by block
        self._langs: list[bool] = []  # per open element: does it mark English?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append((attrs.get("src") or "", attrs.get("alt") or ""))
        if tag not in INLINE:
            self.text.append(" ")  # cells and blocks are apart, as in innerText
            self.blocks.append([])
        if tag in VOID:
            return
        if tag == "h1":
            self.h1 += 1
        self.stack.append(tag)
        marks = (attrs.get("lang") or "").lower().startswith("en") and tag != "html"
        self._langs.append(marks)
        self.english += marks
        if tag in LABEL_TAGS:
            self._open.append([tag, len(self.stack), []])
        elif tag == "td" and set((attrs.get("class") or "").split()) & {"num", "val"}:
            self._open.append(["td.num", len(self.stack), []])
        elif tag == "nav":
            self._open.append(["nav", len(self.stack), []])
        elif attrs.get("id") == "synthetic-banner":
            self._open.append(["banner", len(self.stack), []])

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        if tag not in INLINE:
            self.text.append(" ")
            self.blocks.append([])
        while self.stack:
            top = self.stack.pop()
            if self._langs:
                self.english -= self._langs.pop()
            if self._open and self._open[-1][1] > len(self.stack):
                name, _depth, parts = self._open.pop()
                text = " ".join("".join(parts).split())
                {"td.num": self.numbers, "nav": self.nav, "banner": self.banner}.get(
                    name, self.labels).append(text if name in ("td.num", "nav", "banner")
                                              else (name, text))
            if top == tag:
                break

    def handle_data(self, data):
        hidden = {"style", "script", "title", "pre"} & set(self.stack)
        if not hidden:
            self.text.append(data)
            if not self.english:
                self.blocks[-1].append(data)
        in_code = "code" in self.stack
        for item in self._open:
            if not (in_code and item[0] == "figcaption"):  # file names in captions
                item[2].append(data)


def check_html(text: str, names: set[str] | None = None) -> list[str]:
    """Problems of the report's HTML (empty when it passes), without a browser."""
    names = identifiers() if names is None else names
    parser = _ReportParser()
    parser.feed(text)
    parser.close()
    problems = []
    if parser.h1 == 0:
        problems.append("no <h1>")
    for tag, label in parser.labels:
        for ident in find_identifiers(label, names):
            problems.append(f"raw identifier {ident!r} in <{tag}>: {label[:90]!r}")
    for src, alt in parser.images:
        if not src.startswith("data:"):
            problems.append(f"image not embedded: {src[:60]!r}")
        for ident in find_identifiers(alt, names):
            problems.append(f"raw identifier {ident!r} in the alt text {alt[:90]!r}")
    problems += [f"visible text: {p}" for p in bad_numbers("".join(parser.text))]
    if page_language(text) == "nl":
        problems += check_dutch(parser)
    return problems


def check_dutch(parser: _ReportParser) -> list[str]:
    """English left on a Dutch page (after :meth:`_ReportParser.feed`): in the headings,
    headers, captions and navigation, English words or number formats; in the number cells,
    English number formats, and no Dutch decimal comma at all; a sign after the euro sign;
    the banner not in Dutch; an English sentence anywhere in the visible text outside the
    elements marked ``lang="en"`` (:func:`english_sentences`)."""
    problems = english_leftovers(parser.labels + [("nav", t) for t in parser.nav])
    for cell in parser.numbers:
        for found in ENGLISH_NUMBERS.findall(cell):
            problems.append(f"English number format in a number cell ({found}): "
                            f"{cell[:90]!r}")
    visible = " ".join("".join(block) for block in parser.blocks)
    for found in SIGN_AFTER_EURO.findall(visible):
        problems.append(f"sign after the euro sign ({found!r}): Dutch writes +€ 202,4 mln.")
    for block in parser.blocks:
        problems += english_sentences("".join(block))
    if parser.numbers and not any(DUTCH_DECIMAL.search(c) for c in parser.numbers):
        problems.append("no number cell has a Dutch decimal comma (e.g. 9,86)")
    for banner in parser.banner:
        if not banner.startswith("SYNTHETISCHE GEGEVENS"):
            problems.append(f"the synthetic-data banner is not in Dutch: {banner[:60]!r}")
    return problems


# ------------------------------------------------------------------------------------------
# in headless Chromium
# ------------------------------------------------------------------------------------------
_PROBE = """<script>
window.addEventListener("load", () => {
  const se = document.scrollingElement;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > innerWidth + 0.5 && r.width > 0) {
      const prev = el.closest("table,figure,pre,dl,p,ul") || el;
      wide.push(el.tagName.toLowerCase() + " right=" + Math.round(r.right) + ": "
                + (prev.textContent || "").trim().slice(0, 60));
    }
    if (wide.length >= 5) break;
  }
  const labels = [];
  for (const el of document.querySelectorAll("h1,h2,h3,h4,caption,th,figcaption")) {
    const copy = el.cloneNode(true);
    if (el.tagName === "FIGCAPTION") copy.querySelectorAll("code").forEach(c => c.remove());
    labels.push([el.tagName.toLowerCase(), copy.textContent.replace(/\\s+/g, " ").trim()]);
  }
  const alts = [...document.images].map(i => [i.getAttribute("src").slice(0, 5), i.alt,
                                              i.complete && i.naturalWidth > 0]);
  document.querySelectorAll("pre").forEach(p => p.remove());
  const text = document.body.innerText;
  document.querySelectorAll("body [lang]").forEach(el => {
    if (el.lang.toLowerCase().startsWith("en")) el.remove();
  });
  const dutchText = document.body.innerText;
  const out = document.createElement("output");
  out.id = "report-check";
  out.textContent = JSON.stringify({lang: document.documentElement.lang,
    scrollWidth: se.scrollWidth, innerWidth: innerWidth,
    scrollHeight: se.scrollHeight, h1: document.querySelectorAll("h1").length, wide: wide,
    labels: labels, images: alts, text: text, textWithoutEnglish: dutchText});
  document.documentElement.appendChild(out);
});
</script>"""


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser",
                 "google-chrome", "/usr/bin/chromium"):
        if name and (path := shutil.which(name)):
            return path
    return None


def _run(chromium: str, args: list[str], profile: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S,
                          stdin=subprocess.DEVNULL)


def measure(chromium: str, page: Path, width: int = WIDTH) -> dict:
    """What the browser makes of the page at ``width`` px (the probe's JSON)."""
    html_text = page.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="report-check-") as tmp:
        probe = Path(tmp) / "page.html"
        probe.write_text(html_text.replace("</body>", _PROBE + "</body>", 1), encoding="utf-8")
        proc = _run(chromium, [f"--window-size={width},900", "--virtual-time-budget=10000",
                               "--dump-dom", probe.as_uri()], str(Path(tmp) / "profile"))
    found = re.search(r'<output id="report-check">(.*?)</output>', proc.stdout, re.S)
    if proc.returncode != 0 or found is None:
        tail = "\n      ".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"chromium exited {proc.returncode} without the page's "
                           f"measurements; stderr ends:\n      {tail}")
    from html import unescape

    return json.loads(unescape(found.group(1)))


def print_pdf(chromium: str, page: Path, pdf: Path) -> tuple[int, list[str]]:
    """Print the page to ``pdf``; (pages, problems)."""
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        proc = _run(chromium, ["--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                               page.resolve().as_uri()], str(Path(tmp) / "profile"))
    if proc.returncode != 0 or not pdf.is_file():
        return 0, [f"print to PDF failed (chromium exited {proc.returncode})"]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    problems = []
    if pages < 3:
        problems.append(f"print to PDF gave {pages} page(s)")
    a4 = {(round(float(w)), round(float(h))) for w, h in boxes}
    if a4 and a4 != {(595, 842)}:
        problems.append(f"PDF pages are not A4 portrait: {sorted(a4)}")
    return pages, problems


def check_browser(chromium: str, page: Path, pdf: Path | None = None,
                  names: set[str] | None = None) -> tuple[list[str], str]:
    """Problems of the page in Chromium and a line describing it."""
    names = identifiers() if names is None else names
    m = measure(chromium, page)
    problems = []
    if not m["h1"]:
        problems.append("the page did not load (no <h1>)")
    if m["scrollWidth"] > m["innerWidth"]:
        problems.append(f"horizontal overflow at {m['innerWidth']} px: the page is "
                        f"{m['scrollWidth']} px wide; " + "; ".join(m["wide"]))
    for tag, text in m["labels"]:
        for ident in find_identifiers(text, names):
            problems.append(f"raw identifier {ident!r} in <{tag}>: {text[:90]!r}")
    for prefix, alt, loaded in m["images"]:
        if prefix != "data:":
            problems.append(f"image not embedded: {alt[:60]!r}")
        if not loaded:
            problems.append(f"image did not load: {alt[:60]!r}")
        for ident in find_identifiers(alt, names):
            problems.append(f"raw identifier {ident!r} in the alt text {alt[:90]!r}")
    problems += [f"visible text: {p}" for p in bad_numbers(m["text"])]
    if str(m.get("lang", "")).lower() == "nl":
        problems += [f"in the browser: {p}" for p in english_leftovers(
            [(tag, text) for tag, text in m["labels"]])]
        problems += [f"in the browser: {p}" for line in
                     str(m.get("textWithoutEnglish", "")).splitlines()
                     for p in english_sentences(line)]
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as tmp:
        target = pdf or Path(tmp) / "report.pdf"
        pages, pdf_problems = print_pdf(chromium, page, target)
    problems += pdf_problems
    detail = (f"{m['scrollWidth']} x {m['scrollHeight']} px at a {m['innerWidth']} px window, "
              f"{len(m['labels'])} headings and headers, {len(m['images'])} charts; "
              f"printed: {pages} A4 pages")
    return problems, detail


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("page", type=Path, help="nldtib_report.html")
    ap.add_argument("--no-browser", action="store_true", help="only the checks without one")
    ap.add_argument("--pdf", type=Path, help="keep the printed PDF here")
    args = ap.parse_args(argv)
    page: Path = args.page
    if page.is_dir():
        page = page / "nldtib_report.html"
    if not page.is_file():
        print(f"check_report_html: no file {page}", file=sys.stderr)
        return 1
    names = identifiers()
    failures = check_html(page.read_text(encoding="utf-8"), names)
    print(f"::: content of {page}: {len(failures)} problem(s)")
    if not args.no_browser:
        chromium = find_chromium()
        if chromium is None:
            failures.append("no Chromium found (set $CHROMIUM or use --no-browser)")
        else:
            try:
                found, detail = check_browser(chromium, page, args.pdf, names)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                found, detail = [str(exc)], "not measured"
            print(f"::: in {Path(chromium).name}: {detail}")
            failures += found
    for line in failures:
        print(f"FAIL {line}")
    if failures:
        print(f"check_report_html: {len(failures)} problem(s)", file=sys.stderr)
        return 1
    print("check_report_html: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
