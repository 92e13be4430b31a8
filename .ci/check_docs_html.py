"""Check the built HTML documentation as a reader would see it.

Usage (after the Sphinx build, from the repository root)::

    python .ci/check_docs_html.py [docs/_build/html] [--no-browser]

Two checks, each listing every failure it finds; the exit code is 1 if either fails:

1. Internal links (pure Python, no browser). Every ``.html`` page of the site is parsed and
   every relative ``href``/``src`` (links, images, scripts, style sheets, downloads) must name
   a file of the built site; a ``#fragment`` pointing at a page of the site must be an ``id``
   (or ``name``) on that page. ``url(...)`` references in the site's CSS files are checked the
   same way. External links (``http:``, ``https:``, ``mailto:``, ``data:``, ...) are not
   followed: the machine has no network.
2. Pages in a real headless browser (Debian's ``chromium``, found as ``$CHROMIUM``,
   ``chromium`` or ``chromium-browser`` on the PATH). The site is served on 127.0.0.1 by
   Python's ``http.server`` in a thread, and every page of the site is loaded with
   ``--dump-dom`` after a 10 s virtual-time budget. For each page: no script wrote to the
   JavaScript console (errors, uncaught exceptions, warnings: logged with
   ``--enable-logging=stderr``); it has a ``<title>`` and an ``<h1>``; every ``span.math`` /
   ``div.math`` element holds MathJax 3 output (``<mjx-container>``) and no raw TeX
   (``\\(``, ``\\[``) is left in it; no equation is a MathJax error (``mjx-merror``, e.g.
   a missing argument) or uses an undefined TeX macro (shown in red by MathJax); MathJax
   is loaded from the site itself, not from a CDN; and the server answered no request
   made while loading the pages with an error (e.g. a 404 for a MathJax font or component).

This script installs nothing: ``.ci/run`` installs Chromium with apt-get when it is missing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

REQUIRED_PAGES = ("index.html", "methodology/survey.html")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
)
VIRTUAL_TIME_BUDGET_MS = 10_000
BROWSER_TIMEOUT_S = 90
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
URL_ATTRS = {"href", "src", "poster", "data"}
EXTERNAL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)")  # any scheme, or protocol-relative
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


# ------------------------------------------------------------------------------------------
# 1. internal links
# ------------------------------------------------------------------------------------------
class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            elif name in URL_ATTRS:
                self.urls.append((tag, name, value))
            elif name == "srcset":
                for part in value.split(","):
                    if part.strip():
                        self.urls.append((tag, name, part.split()[0]))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def _resolve(root: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file and fragment a relative URL names, or None for an external one."""
    url = url.strip()
    if not url or EXTERNAL.match(url):
        return None
    parts = urlsplit(url)
    fragment = unquote(parts.fragment)
    if not parts.path:  # "#frag" or "?q": this page
        return page, fragment
    if parts.path.startswith("/"):
        target = root / unquote(parts.path).lstrip("/")
    else:
        target = page.parent / unquote(parts.path)
    target = Path(os.path.normpath(target))
    if target.is_dir():
        target = target / "index.html"
    return target, fragment


def check_links(root: Path) -> tuple[list[str], int, int]:
    """Broken internal links of the site: (failures, pages checked, links checked)."""
    root = root.resolve()
    pages = sorted(p for p in root.rglob("*.html")
                   if p.relative_to(root).parts[0] not in ("_static", "_sources"))
    parsed = {page: _parse(page) for page in pages}
    ids: dict[Path, set[str]] = {page: p.ids for page, p in parsed.items()}
    failures: list[str] = []
    n_links = 0

    def where(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    for page, parser in parsed.items():
        for tag, attr, url in parser.urls:
            resolved = _resolve(root, page, url)
            if resolved is None:
                continue
            n_links += 1
            target, fragment = resolved
            if not target.is_relative_to(root):
                failures.append(f"{where(page)}: <{tag} {attr}={url!r}> leaves the site")
            elif not target.is_file():
                failures.append(f"{where(page)}: <{tag} {attr}={url!r}> -> missing "
                                f"{where(target)}")
            elif fragment and target.suffix == ".html" and tag in ("a", "area"):
                if target not in ids:
                    ids[target] = _parse(target).ids
                if fragment not in ids[target]:
                    failures.append(f"{where(page)}: <{tag} {attr}={url!r}> -> no id "
                                    f"{fragment!r} in {where(target)}")
    for css in sorted(root.rglob("*.css")):
        for match in CSS_URL.finditer(css.read_text(encoding="utf-8", errors="replace")):
            resolved = _resolve(root, css, match.group(2))
            if resolved is None:
                continue
            n_links += 1
            target, _ = resolved
            if not target.is_file():
                failures.append(f"{where(css)}: url({match.group(2)}) -> missing "
                                f"{where(target)}")
    return failures, len(pages), n_links


# ------------------------------------------------------------------------------------------
# 2. pages in headless Chromium
# ------------------------------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    errors: list[str]  # set on the subclass made per server

    def log_request(self, code="-", size="-"):
        try:
            code = int(code)
        except (TypeError, ValueError):
            return
        if code >= 400 and not self.path.startswith("/favicon.ico"):
            self.errors.append(f"HTTP {code} for {self.path}")

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def _serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, list[str]]:
    errors: list[str] = []
    handler = type("Handler", (_Handler,), {"errors": errors})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, errors


def find_chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser",
                  "google-chrome", "/usr/bin/chromium"]
    for name in candidates:
        if name and (path := shutil.which(name)):
            return path
    return None


#: A message the page's JavaScript wrote to the console, as Chromium logs it on stderr with
#: ``--enable-logging=stderr``: ``[...:INFO:CONSOLE:12] "message", source: URL (12)`` (older
#: versions: ``CONSOLE(12)``).
CONSOLE = re.compile(r":CONSOLE(?::\d+|\(\d+\))?\] (.*)$")
#: Console messages that are not faults, each with its reason. Chromium logs every level the
#: same way on stderr, so the check fails on any message except these.
CONSOLE_EXPECTED = (
    # pydata-sphinx-theme, on a fresh browser profile (no stored light/dark choice): it finds
    # no stored mode, says so and falls back to "auto"; every first visit of a reader does this
    re.compile(r'^"Got invalid theme mode: \. Resetting to auto\."'),
    # pydata-sphinx-theme's informational log lines, all prefixed "[PST]: " (the theme mode
    # chosen, the sidebar scrolled to the active link)
    re.compile(r'^"\[PST\]: '),
)


def dump_dom_and_console(chromium: str, url: str) -> tuple[str, list[str]]:
    """The page's DOM after loading, and the messages its scripts wrote to the console."""
    with tempfile.TemporaryDirectory(prefix="docs-check-chromium-") as profile:
        cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
               "--enable-logging=stderr", "--v=0",
               f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}", "--dump-dom", url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    if proc.returncode != 0 or not proc.stdout.strip():
        tail = "\n      ".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"chromium exited {proc.returncode} with "
                           f"{len(proc.stdout)} characters of DOM; stderr ends:\n      {tail}")
    console = [m.group(1) for line in proc.stderr.splitlines()
               if (m := CONSOLE.search(line))
               and not any(p.search(m.group(1)) for p in CONSOLE_EXPECTED)]
    return proc.stdout, console


def dump_dom(chromium: str, url: str) -> str:
    return dump_dom_and_console(chromium, url)[0]


class _DomParser(HTMLParser):
    """What the browser made of a page: title, headings, MathJax output and leftover TeX."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.title = ""
        self.n_h1 = 0
        self.n_containers = 0
        self.merrors: list[str] = []  # MathJax error messages (bad TeX)
        self.undefined: list[str] = []  # undefined TeX macros (red \name from 'noundefined')
        self._red_mtext: str | None = None
        self.scripts: list[str] = []
        self.math: list[dict] = []  # one per span.math / div.math: containers, raw text
        self._math_depth: int | None = None  # stack depth of the open math element
        self._in_container = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "h1":
            self.n_h1 += 1
        if tag == "mjx-container":
            self.n_containers += 1
            if self._math_depth is not None:
                self.math[-1]["containers"] += 1
        if tag == "mjx-merror":
            self.merrors.append(attrs.get("data-mjx-error") or "?")
        if tag == "mtext" and attrs.get("mathcolor") == "red":
            self._red_mtext = ""
        if tag in VOID:
            return
        classes = (attrs.get("class") or "").split()
        if tag in ("span", "div") and "math" in classes and self._math_depth is None:
            self._math_depth = len(self.stack)
            self.math.append({"tag": tag, "containers": 0, "text": ""})
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "mtext" and self._red_mtext is not None:
            if self._red_mtext.startswith("\\"):
                self.undefined.append(self._red_mtext)
            self._red_mtext = None
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            if self.stack.pop() == tag:
                break
        if self._math_depth is not None and len(self.stack) <= self._math_depth:
            self._math_depth = None

    def handle_data(self, data):
        if self._red_mtext is not None:
            self._red_mtext += data
        if self.stack and self.stack[-1] == "title":
            self.title += data
        inside_mjx = any(t.startswith("mjx-") for t in self.stack)
        if self._math_depth is not None and not inside_mjx:
            self.math[-1]["text"] += data


def check_page(chromium: str, base_url: str, rel: str, n_math_source: int) -> list[str]:
    dom, console = dump_dom_and_console(chromium, f"{base_url}/{rel}")
    parser = _DomParser()
    parser.feed(dom)
    parser.close()
    problems = [f"JavaScript console: {message[:200]}" for message in console]
    if not parser.title.strip():
        problems.append("no <title>: the page did not load")
    if parser.n_h1 == 0:
        problems.append("no <h1>: the page has no content")
    if n_math_source:
        mathjax = [s for s in parser.scripts if "mathjax" in s.lower()]
        if not mathjax:
            problems.append("no MathJax <script> on a page with equations")
        for src in mathjax:
            if EXTERNAL.match(src) and not src.startswith(base_url + "/"):
                problems.append(f"MathJax is loaded from outside the site: {src}")
        if len(parser.math) != n_math_source:
            problems.append(f"{n_math_source} math elements in the HTML file, "
                            f"{len(parser.math)} in the browser")
        unrendered = [m for m in parser.math if m["containers"] == 0]
        raw_tex = [m for m in parser.math if re.search(r"\\[\(\[]", m["text"])]
        if unrendered:
            sample = unrendered[0]["text"].strip()[:60]
            problems.append(f"{len(unrendered)} of {len(parser.math)} equations not rendered "
                            f"by MathJax (no <mjx-container>), e.g. {sample!r}")
        if raw_tex:
            sample = raw_tex[0]["text"].strip()[:60]
            problems.append(f"{len(raw_tex)} equations still show raw TeX, e.g. {sample!r}")
        if parser.merrors:
            problems.append(f"{len(parser.merrors)} equations are MathJax errors: "
                            + "; ".join(sorted(set(parser.merrors))))
        if parser.undefined:
            problems.append("undefined TeX macros: " + ", ".join(sorted(set(parser.undefined))))
    detail = (f"title {parser.title.strip()!r}, {len(parser.math)} math elements, "
              f"{parser.n_containers} <mjx-container>")
    return [f"{rel}: {p}" for p in problems] or [f"ok {rel}: {detail}"]


def _count_math(path: Path) -> int:
    text = path.read_text(encoding="utf-8", errors="replace")
    return len(re.findall(r"<(?:span|div)\s+class=\"math(?:\s[^\"]*)?\"", text))


def check_browser(root: Path, chromium: str, jobs: int) -> tuple[list[str], list[str]]:
    root = root.resolve()
    math_pages = {str(p.relative_to(root)): n for p in sorted(root.rglob("*.html"))
                  if p.relative_to(root).parts[0] != "_static" and (n := _count_math(p))}
    # every page of the site (the API pages too), so that a script error anywhere is found
    every = [str(p.relative_to(root)) for p in sorted(root.rglob("*.html"))
             if p.relative_to(root).parts[0] not in ("_static", "_sources", "_downloads")]
    pages = list(REQUIRED_PAGES) + [p for p in every if p not in REQUIRED_PAGES]
    failures = [f"{rel}: missing from the build" for rel in REQUIRED_PAGES
                if not (root / rel).is_file()]
    pages = [p for p in pages if (root / p).is_file()]
    if "methodology/survey.html" in pages and not math_pages.get("methodology/survey.html"):
        failures.append("methodology/survey.html: no equations in the HTML file")
    server, http_errors = _serve(root)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    ok: list[str] = []
    try:
        def one(rel: str) -> list[str]:
            try:
                return check_page(chromium, base_url, rel, math_pages.get(rel, 0))
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                return [f"{rel}: {exc}"]

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for lines in pool.map(one, pages):
                for line in lines:
                    (ok if line.startswith("ok ") else failures).append(line)
    finally:
        server.shutdown()
        server.server_close()
    failures += [f"while loading the pages: {e}" for e in sorted(set(http_errors))]
    return failures, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default="docs/_build/html", type=Path,
                        help="the built HTML site (default: docs/_build/html)")
    parser.add_argument("--no-browser", action="store_true",
                        help="check the internal links only")
    parser.add_argument("--jobs", type=int, default=2, help="browsers at a time (default 2)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every page checked")
    args = parser.parse_args(argv)
    root: Path = args.site
    if not (root / "index.html").is_file():
        print(f"check_docs_html: {root}/index.html not found; build the docs first",
              file=sys.stderr)
        return 2

    status = 0
    start = time.perf_counter()
    failures, n_pages, n_links = check_links(root)
    took = time.perf_counter() - start
    if failures:
        status = 1
        print(f"FAIL internal links: {len(failures)} broken of {n_links} in {n_pages} pages:")
        print("\n".join(f"  {f}" for f in failures))
    else:
        print(f"ok internal links: {n_links} links in {n_pages} pages, none broken "
              f"({took:.1f} s)")

    if args.no_browser:
        return status
    chromium = find_chromium()
    if chromium is None:
        print("FAIL browser: no chromium found (set CHROMIUM, or apt-get install chromium)")
        return 1
    start = time.perf_counter()
    failures, ok = check_browser(root, chromium, max(1, args.jobs))
    took = time.perf_counter() - start
    if args.verbose:
        print("\n".join(f"  {line}" for line in ok))
    if failures:
        status = 1
        print(f"FAIL browser ({chromium}): {len(failures)} problems, {len(ok)} pages fine:")
        print("\n".join(f"  {f}" for f in failures))
    else:
        n_eq = sum(int(m.group(1)) for line in ok
                   if (m := re.search(r"(\d+) math elements", line)))
        print(f"ok browser: {len(ok)} pages load in headless Chromium, {n_eq} equations "
              f"rendered by MathJax, no failed requests ({took:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
