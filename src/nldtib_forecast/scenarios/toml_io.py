"""Private helpers of :mod:`nldtib_forecast.scenarios`: the scenario file format and its checks.

The checks of driver definitions, scenario names, years, driver values and paths live here so
that the constructor and the file reader report the same problems in the same words.

Reading uses :mod:`tomllib` from the standard library: it parses data only and never executes
code. Writing uses the small serializer below, which covers exactly what a scenario file holds
(strings, arrays of strings, numbers, booleans, tables and inline tables whose keys are integer
years), so that no third-party TOML writer is needed. Every value it writes is read back by
:mod:`tomllib` as the same value (floats are written with :func:`repr`, which round-trips).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType

import numpy as np

from nldtib_forecast._errors import InputError, Problem, key_problem
from nldtib_forecast._errors import check_year as _year_value

__all__ = ["loads", "dumps", "format_key", "format_value", "read_text", "scenario_tables",
           "table_positions", "check_value", "check_year", "check_drivers",
           "check_driver_fields", "check_name", "check_years", "SECTIONS", "SECTION_OF_KIND",
           "TEXT_FIELDS"]

#: Kinds of driver: levers the government can move, and external drivers.
DRIVER_KINDS: tuple[str, ...] = ("lever", "external")
#: Kinds of scenario: levers only, external drivers only, or both.
SCENARIO_KINDS: tuple[str, ...] = ("policy", "future", "scenario")
#: The sections of a scenario file and the kind of scenario each holds, in the order a file
#: lists them when it names them in a message.
SECTIONS: Mapping[str, str] = MappingProxyType({"scenarios": "scenario", "futures": "future",
                                                "policies": "policy"})
#: The texts of a scenario's table, in the order they are written: the short labels, the
#: description and the sources (English, the default), each followed by its Dutch version.
TEXT_FIELDS: tuple[str, ...] = ("label_en", "label_nl", "description", "description_nl",
                                "sources", "sources_nl")
#: The section a scenario of each kind is written to.
SECTION_OF_KIND: Mapping[str, str] = MappingProxyType(
    {kind: section for section, kind in SECTIONS.items()})
_SECTION_LIST = "[scenarios.<name>], [futures.<name>] and [policies.<name>]"
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_DRIVER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_YEAR_TEXT = re.compile(r"^[+-]?\d+$")
_YEAR_RANGE = (1900, 2200)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_LINE_COLUMN = re.compile(r"at line (\d+), column (\d+)")
_KEY = r"(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)"
_SECTION = r"(scenarios|futures|policies)"
_TABLE_HEADER = re.compile(rf"^\s*\[\s*{_SECTION}\s*\.\s*{_KEY}")
_SECTION_HEADER = re.compile(rf"^\s*\[\s*{_SECTION}\s*\]")
_ANY_HEADER = re.compile(r"^\s*\[")
_DOTTED_LINE = re.compile(rf"^\s*{_SECTION}\s*\.\s*{_KEY}\s*[.=]")
_KEY_LINE = re.compile(rf"^\s*{_KEY}\s*=")
_KEY_START = re.compile(rf"^\s*{_KEY}\s*[.=]")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
            "\\": "\\\\"}


def format_key(key: str | int) -> str:
    """A TOML key: bare when possible, otherwise a quoted basic string.

    >>> format_key("order_certainty"), format_key(2026), format_key("two words")
    ('order_certainty', '2026', '"two words"')
    """
    text = str(key)
    return text if _BARE_KEY.match(text) else _format_string(text)


def _format_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _format_number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < 2.0**53:
        return str(int(value))  # read back as an int; callers convert numbers to float
    return repr(value)


def format_value(value: object) -> str:
    """A TOML value: string, bool, number, array, or inline table (keys may be ints).

    >>> format_value({2026: 24, 2028: 12.5})
    '{ 2026 = 24, 2028 = 12.5 }'
    >>> format_value(["a \\"quoted\\" word", "line\\nbreak"])
    '["a \\\\"quoted\\\\" word", "line\\\\nbreak"]'
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _format_number(value)
    if isinstance(value, str):
        return _format_string(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = ", ".join(f"{format_key(k)} = {format_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} to TOML")


def dumps(scenarios: Mapping[str, Mapping[str, object]], header: str = "") -> str:
    """Write ``{name: {"description": ..., "sources": [...], "drivers": {...}}}`` as TOML.

    Each scenario becomes a table in the section of its ``kind`` (``"kind"`` of the table;
    ``"scenario"`` when absent): ``[futures.<name>]`` for a future, ``[policies.<name>]`` for
    a policy, ``[scenarios.<name>]`` otherwise (the section implies the kind, so ``kind`` is
    not written). Its texts follow in the order of :data:`TEXT_FIELDS` (the labels, the
    description and the sources, each followed by its Dutch version), its drivers go into a
    ``[<section>.<name>.drivers]`` table, one line per driver, paths as inline tables. A true
    ``"replace"`` is written as ``replace = true``. Empty texts, source lists and driver
    tables are left out. Scenarios are written in the order given.

    >>> print(dumps({"demo": {"description": "A demo", "sources": [],
    ...                       "drivers": {"order_certainty": 0.6,
    ...                                   "procurement_lead_time_months": {2026: 24, 2028: 12}},
    ...                       "label_nl": "Demo", "description_nl": "Een demo"},
    ...              "surge": {"kind": "future", "replace": True,
    ...                        "drivers": {"eu_procurement_growth": 0.1}}}))
    [scenarios.demo]
    label_nl = "Demo"
    description = "A demo"
    description_nl = "Een demo"
    <BLANKLINE>
    [scenarios.demo.drivers]
    order_certainty = 0.6
    procurement_lead_time_months = { 2026 = 24, 2028 = 12 }
    <BLANKLINE>
    [futures.surge]
    replace = true
    <BLANKLINE>
    [futures.surge.drivers]
    eu_procurement_growth = 0.1
    <BLANKLINE>
    """
    lines: list[str] = []
    if header:
        lines += [f"# {line}".rstrip() for line in header.splitlines()] + [""]
    for name, table in scenarios.items():
        kind = str(table.get("kind", "scenario"))
        if kind not in SECTION_OF_KIND:
            raise ValueError(f"scenario {name!r}: unknown kind {kind!r}; valid: "
                             f"{list(SCENARIO_KINDS)}")
        key = f"{SECTION_OF_KIND[kind]}.{format_key(name)}"
        lines.append(f"[{key}]")
        if table.get("replace"):
            lines.append("replace = true")
        for field in TEXT_FIELDS:
            if table.get(field):
                lines.append(f"{field} = {format_value(table[field])}")
        drivers = table.get("drivers") or {}
        if isinstance(drivers, Mapping) and drivers:
            lines += ["", f"[{key}.drivers]"]
            lines += [f"{format_key(d)} = {format_value(v)}" for d, v in drivers.items()]
        lines.append("")
    return "\n".join(lines)


def _unquote(key: str) -> str:
    return key.strip().strip("\"'")


def table_positions(text: str) -> dict[tuple[str, str], int]:
    """Line (0-based) where each ``(section, name)`` table is first defined (best effort).

    Recognizes ``[<section>.<name>...]`` headers, keys ``name = ...`` or ``name.x = ...`` under
    a bare ``[<section>]`` header, and dotted keys ``<section>.<name>... = ...`` before the first
    header. Used to keep the scenarios of a file in file order across sections (a parsed TOML
    document keeps the order within a section only).

    >>> table_positions("[policies.b.drivers]\\nx = 1\\n[futures]\\na = { }\\n[scenarios.c]\\n")
    {('policies', 'b'): 0, ('futures', 'a'): 3, ('scenarios', 'c'): 4}
    """
    out: dict[tuple[str, str], int] = {}
    current: str | None = None  # the section of a bare [<section>] header we are under
    top = True  # no header seen yet
    for number, line in enumerate(text.splitlines()):
        found: tuple[str, str] | None = None
        header = _TABLE_HEADER.match(line)
        if header:
            found, current, top = (header.group(1), _unquote(header.group(2))), None, False
        elif section := _SECTION_HEADER.match(line):
            current, top = section.group(1), False
        elif _ANY_HEADER.match(line):
            current, top = None, False
        elif current is not None and (key := _KEY_START.match(line)):
            found = (current, _unquote(key.group(1)))
        elif top and (dotted := _DOTTED_LINE.match(line)):
            found = (dotted.group(1), _unquote(dotted.group(2)))
        if found is not None:
            out.setdefault(found, number)
    return out


def _locate(text: str, lineno: int) -> str | None:
    """Dotted key of line ``lineno``: the last ``[<section>.<name>...]`` header at or above it
    (section ``scenarios``, ``futures`` or ``policies``), plus the key on the line itself (best
    effort; the key alone when no such header is found)."""
    lines = text.splitlines()
    key = None
    if 1 <= lineno <= len(lines):
        match = _KEY_LINE.match(lines[lineno - 1])
        key = _unquote(match.group(1)) if match else None
    for line in reversed(lines[:lineno]):
        match = _TABLE_HEADER.match(line)
        if match:
            where = f"{match.group(1)}.{_unquote(match.group(2))}"
            if re.search(r"\.\s*drivers\s*\]", line):
                where += ".drivers"
            return where + (f".{key}" if key else "")
        if _ANY_HEADER.match(line):  # another table: the key is not in a scenario table
            break
    return key


def loads(text: str, source: str = "<string>") -> dict:
    """Parse TOML text; a syntax error becomes an :class:`InputError` that says where.

    The error names the file, the line and column, and (best effort) the dotted key of the
    line: the ``[scenarios.<name>]``, ``[futures.<name>]`` or ``[policies.<name>]`` table
    that holds it and the key on it.

    >>> loads("[scenarios.a.drivers]\\norder_certainty = 0.5\\n")
    {'scenarios': {'a': {'drivers': {'order_certainty': 0.5}}}}
    >>> loads("[scenarios.a.drivers]\\norder_certainty = \\n", source="s.toml")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: s.toml: malformed TOML
      - key 'scenarios.a.drivers.order_certainty': line 2, column 19: Invalid value
    >>> loads("[futures.surge.drivers]\\neu_procurement_growth = 0.1.\\n", source="f.toml")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: f.toml: malformed TOML
      - key 'futures.surge.drivers.eu_procurement_growth': line 2, column 28: ...
    """
    if not isinstance(text, str):
        raise InputError(f"{source}: scenario text must be a str, got {type(text).__name__}")
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Windows editors write one)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise InputError(f"{source}: malformed TOML: arrays or inline tables nested too deeply "
                         "(a scenario file needs at most a table of years inside a driver "
                         "table)") from None
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        match = _LINE_COLUMN.search(message)
        reason = _LINE_COLUMN.sub("", message).replace("()", "").strip()
        if match is None:  # pragma: no cover - tomllib always reports a position
            raise InputError(f"{source}: malformed TOML: {message}") from None
        line, column = int(match.group(1)), int(match.group(2))
        where = _locate(text, line) or "scenarios"
        section = where.split(".")[0]
        if reason.startswith("Cannot declare") and section in SECTIONS and "." in where:
            scenario = where.split(".")[1]
            reason += (f" (a table of {SECTIONS[section]} {scenario!r} is defined twice: each "
                       "name may appear only once in a file)")
        rule = f"line {line}, column {column}: {reason}"
        raise InputError(f"{source}: malformed TOML", [key_problem(where, rule)]) from None


def read_text(path: Path) -> str:
    """The UTF-8 text of a scenario file (a byte-order mark is dropped); a missing, unreadable
    or undecodable file, or a directory, is an InputError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"scenario file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"scenario file {str(path)!r} is a directory; pass the path of a "
                         ".toml file") from None
    except PermissionError:
        raise InputError(f"scenario file {str(path)!r} cannot be read: permission denied"
                         ) from None
    except (OSError, ValueError) as err:  # e.g. a NUL byte in the path, a device error
        raise InputError(f"scenario file {str(path)!r} cannot be read: {err}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: malformed TOML: the file is UTF-16 text; TOML files are "
                         "UTF-8: save it as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: malformed TOML: not UTF-8 text ({err.reason} at byte "
                         f"{err.start}); save the file as UTF-8") from None


def scenario_tables(doc: Mapping, keys: Sequence[str],
                    positions: Mapping[tuple[str, str], int] | None = None
                    ) -> tuple[list[tuple[str, str, Mapping]], list[Problem]]:
    """The tables of a parsed scenario file, as ``(section, name, table)``, and the structural
    problems found.

    The tables come in file order when ``positions`` (from :func:`table_positions`) is given,
    else in document order (section by section). Problems: top-level keys other than the
    sections ``scenarios``, ``futures`` and ``policies``; a section or an entry of one that is
    not a table; a name used in more than one section (the later table is dropped); keys of a
    table not in ``keys`` (with the nearest valid key suggested; the table is dropped).

    >>> tables, problems = scenario_tables(
    ...     {"futures": {"a": {}}, "policies": {"a": {}, "b": {"drive": {}}}, "future": {}},
    ...     ("description", "drivers"))
    >>> tables
    [('futures', 'a', {})]
    >>> for p in problems:
    ...     print(p)
    key 'future': unknown top-level key (did you mean 'futures'?); a scenario file holds only \
[scenarios.<name>], [futures.<name>] and [policies.<name>] tables
    key 'policies.a': name 'a' is also used by [futures.a]; a name may be used only once, in \
one of [scenarios], [futures] and [policies]
    key 'policies.b.drive': unknown key (did you mean 'drivers'?); a policy table holds \
description, drivers
    """
    problems: list[Problem] = []
    entries: list[tuple[str, str, object]] = []
    for section, tables in doc.items():
        if section not in SECTIONS:
            close = get_close_matches(str(section), list(SECTIONS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(key_problem(str(section), f"unknown top-level key{hint}; a scenario "
                                        f"file holds only {_SECTION_LIST} tables"))
        elif not isinstance(tables, Mapping):
            problems.append(key_problem(section, f"must be a table of {section} "
                                        f"([{section}.<name>] tables)"))
        else:
            entries += [(section, name, table) for name, table in tables.items()]
    if positions:
        entries.sort(key=lambda entry: positions.get((entry[0], entry[1]), float("inf")))
    out: list[tuple[str, str, Mapping]] = []
    owner: dict[str, str] = {}  # name -> the section that uses it first
    for section, name, table in entries:
        where = f"{section}.{name}"
        if name in owner:
            problems.append(key_problem(where, f"name {name!r} is also used by "
                                        f"[{owner[name]}.{name}]; a name may be used only once, "
                                        "in one of [scenarios], [futures] and [policies]"))
            continue
        owner[name] = section
        if not isinstance(table, Mapping):
            problems.append(key_problem(where, f"must be a table ([{section}.<name>])"))
            continue
        unknown = [k for k in table if k not in keys]
        for key in unknown:
            close = get_close_matches(str(key), list(keys), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(key_problem(f"{where}.{key}", f"unknown key{hint}; a "
                                        f"{SECTIONS[section]} table holds {', '.join(keys)}"))
        if not unknown:
            out.append((section, name, table))
    return out, problems


def check_driver_fields(driver) -> dict[str, float]:
    """Check the fields of a :class:`~nldtib_forecast.scenarios.Driver`; returns the numeric
    fields as floats, raises :class:`InputError` listing every problem."""
    if not isinstance(driver.name, str) or not _DRIVER_NAME.match(driver.name):
        raise InputError(f"driver name {driver.name!r}: must match [a-z][a-z0-9_]*")
    numeric = ("lower", "upper", "default") + (("improved",) if driver.improved is not None
                                               else ())
    problems = []
    for field in numeric:
        value = getattr(driver, field)
        if not _number(value):
            problems.append(key_problem(field, f"must be a number, got {value!r}"))
        elif field in ("default", "improved") and not math.isfinite(value):
            problems.append(key_problem(field, "must be finite"))
    if not problems:
        if not driver.lower <= driver.upper:
            problems.append(key_problem("lower", "must be <= upper"))
        for field in numeric[2:]:
            value = getattr(driver, field)
            if not driver.lower <= value <= driver.upper:
                problems.append(key_problem(field, f"{value!r} is outside [{driver.lower}, "
                                               f"{driver.upper}]"))
    for field in ("unit", "description", "source", "source_nl", "model"):
        if not isinstance(getattr(driver, field), str):
            problems.append(key_problem(field, "must be a str"))
    if driver.kind not in DRIVER_KINDS:
        problems.append(key_problem("kind", f"must be one of {list(DRIVER_KINDS)}, got "
                                            f"{driver.kind!r}"))
    if not isinstance(driver.level, bool):
        problems.append(key_problem("level", f"must be a bool, got {driver.level!r}"))
    phase_in = driver.phase_in
    if phase_in is not None:
        if not (isinstance(phase_in, tuple) and len(phase_in) == 2
                and all(isinstance(y, int) and not isinstance(y, bool) for y in phase_in)
                and phase_in[0] <= phase_in[1]):
            problems.append(key_problem("phase_in", f"must be a tuple (first year, last year) "
                                                    f"of ints, first <= last, got {phase_in!r}"))
        elif driver.improved is None:
            problems.append(key_problem("phase_in", "needs an improved level"))
    if problems:
        raise InputError(f"driver {driver.name!r}: invalid definition", problems)
    return {field: float(getattr(driver, field)) for field in numeric}


def check_name(name: object, problems: list[Problem]) -> str:
    """A scenario name (a bare TOML key), or its text after appending the problem."""
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(key_problem("name", f"scenario name {name!r} must be a non-empty string of "
                                        "letters, digits, '_' and '-'"))
        return str(name)
    return name


def check_years(years: object) -> np.ndarray:
    """Years as an int64 array; anything but a year or a non-empty sequence of years is an
    InputError. Each year follows the package's one rule
    (:func:`nldtib_forecast._errors.check_year`): a whole number, ``2026.0`` accepted."""
    if isinstance(years, (int, np.integer)):
        years = [years]
    if isinstance(years, (str, bytes)):
        raise InputError(f"argument 'years': expected a sequence of int years, got "
                         f"{type(years).__name__} {years!r}")
    try:
        values = list(years)  # type: ignore[call-overload]  # TypeError handled below
    except TypeError:
        raise InputError(f"argument 'years': expected a sequence of int years, got "
                         f"{type(years).__name__}") from None
    bad, out = [], []
    for y in values:
        try:
            out.append(_year_value(y, "years"))
        except InputError:
            bad.append(y)
    if bad or not out:
        raise InputError(f"argument 'years': expected a non-empty sequence of int years; "
                         f"offending values: {bad[:5]!r}")
    return np.asarray(out, dtype="int64")


def _number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_))


def check_value(driver, value: object, where: str, what: str,
                problems: list[Problem]) -> float | None:
    """A driver value as float, or ``None`` after appending the problem (not a number, not
    finite, outside ``[driver.lower, driver.upper]``)."""
    if not _number(value):
        kind = "table" if isinstance(value, Mapping) else type(value).__name__
        problems.append(key_problem(where, f"driver {driver.name!r}: {what} must be a number, got "
                                       f"{kind} {value!r}"))
        return None
    value = float(value)  # type: ignore[arg-type]
    if not math.isfinite(value):
        problems.append(key_problem(where, f"driver {driver.name!r}: {what} must be finite"))
        return None
    if not driver.lower <= value <= driver.upper:
        hint = ""
        if driver.unit.startswith("fraction") and abs(value) > 1 and \
                driver.lower <= value / 100 <= driver.upper:
            hint = (f"; the unit is a fraction, not a percentage: write {value / 100:g} for "
                    f"{value:g}%")
        problems.append(key_problem(where, f"driver {driver.name!r}: {what} ({value:g}) is outside "
                                       f"the valid range [{driver.lower:g}, {driver.upper:g}] "
                                       f"({driver.unit}){hint}"))
        return None
    return value


def check_year(key: object, driver: str, where: str, problems: list[Problem]) -> int | None:
    """A year key as int (ints and integer strings, as TOML gives them), or ``None`` after
    appending the problem."""
    year: int | None = None
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        year = int(key)
    elif isinstance(key, str) and _YEAR_TEXT.match(key.strip()):
        year = int(key)
    if year is None:
        problems.append(key_problem(where, f"driver {driver!r}: year key {key!r} is not an integer "
                                       "year; write bare integer keys, e.g. { 2026 = 24 }"))
    elif not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        problems.append(key_problem(where, f"driver {driver!r}: year {year} is outside "
                                       f"{_YEAR_RANGE[0]}-{_YEAR_RANGE[1]}"))
        year = None
    return year


def check_drivers(scenario: str, table: object, lookup: Callable[[str], object],
                  registry: Mapping[str, object], problems: list[Problem]) -> tuple:
    """Check the drivers table of a scenario; append every problem to ``problems``.

    ``lookup(name)`` returns the registered driver (or ``None``; it may register drivers as a
    side effect), ``registry`` is the live registry (for suggestions and order). Returns the
    canonical spec ``((name, float | ((year, value), ...)), ...)`` in registry order.
    """
    base = f"scenarios.{scenario}.drivers"
    if not isinstance(table, Mapping):
        problems.append(key_problem(base, f"drivers must be a table (mapping of driver name to "
                                      f"value or path), got {type(table).__name__}"))
        return ()
    spec: dict[str, object] = {}
    for name, value in table.items():
        where = f"{base}.{name}"
        driver = lookup(name)
        if driver is None:
            close = get_close_matches(str(name), list(registry), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(key_problem(where, f"unknown driver {name!r}{hint}; known drivers: "
                                           f"{', '.join(registry)}"))
            continue
        if isinstance(value, Mapping):
            if not value:
                problems.append(key_problem(
                    where, f"driver {name!r}: a path must give at least one year, "
                    "e.g. { 2026 = 24 }"))
                continue
            path: dict[int, float] = {}
            for key, val in value.items():
                year = check_year(key, name, where, problems)
                label = key if year is None else year
                checked = check_value(driver, val, where, f"value for year {label!r}", problems)
                if year is not None and year in path:
                    problems.append(key_problem(where,
                                                f"driver {name!r}: year {year} is given twice"))
                elif year is not None and checked is not None:
                    path[year] = checked
            if len(path) == len(value):
                spec[name] = tuple(sorted(path.items()))
        else:
            checked = check_value(driver, value, where, "value", problems)
            if checked is not None:
                spec[name] = checked
    order = {n: i for i, n in enumerate(registry)}
    return tuple(sorted(spec.items(), key=lambda item: order[item[0]]))
