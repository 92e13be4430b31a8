"""Labels and units for people, in English and Dutch: one registry for every output.

Code and files name things by identifiers (``turnover_nominal_eur``, ``order_certainty``,
``baseline/improved_conditions``); tables, charts, workbooks and pages show people a label
(*D&S turnover (nominal)*, *D&S-omzet (nominaal)*). This module is the one place where the
labels are written, in English and in Dutch (:data:`LANGUAGES`), so that every output uses the
same words. Identifiers stay what machines use: :func:`relabel` adds label columns next to the
identifier columns, it never replaces them.

The registry is the package data file ``nldtib_forecast/data/labels.csv``, one row per
identifier, with the columns

``kind``
    what the identifier names (:data:`KINDS`): ``variable`` (a model output), ``indicator``
    (a published or survey figure), ``driver``, ``scenario`` (built-in scenarios, policies and
    futures), ``parameter`` (priors, assumptions, base-year levels), ``component`` (of a
    decomposition), ``estimator``, ``statistic``, ``category`` (of a firm column),
    ``model``, ``table`` (a sheet of the report's workbook), ``column`` (a table header or
    survey column), ``unit`` and ``code`` (a value of a descriptive column: a status, a kind,
    an audit group, ``True`` / ``False``);
``id``
    the identifier;
``en``, ``nl``
    the short label, for a chart title, table header or legend, in sentence case;
``en_long``, ``nl_long``
    optionally a one-sentence definition, shown once in a report;
``unit``
    the unit of a variable, indicator, driver or parameter (itself a ``unit`` row).

The Dutch is written in the words of the ministries' letter to parliament of 21 May 2026
(*D&S-omzet*, *exportaandeel*, *opschalen onder huidige / verbeterde omstandigheden*,
*onzekerheid over ordervolumes*, *aanbestedingsprocedures*, *arbeidskrachten*), not translated
word by word.

Names made of other names are composed, not listed:

==================================  ==================================================
identifier                          label (English)
==================================  ==================================================
``FUTURE/POLICY`` (a grid cell)     *Baseline, improved conditions*
``variable[column=category]``       *Scale-up, size class: 0-25 employees*
``column=category``                 *NLD area: intelligent systems*
``q0.025`` (a quantile)             *2.5th percentile*
``<indicator>_ci_lower`` etc.       *Number of NLDTIB firms: lower bound*
``<column>_label`` (:func:`relabel`)  the label of ``<column>``
==================================  ==================================================

Numbers are formatted by :mod:`nldtib_forecast._format` (``lang="nl"``: ``€ 9,86 mld.``,
``36,2%``); :func:`unit_label` gives the unit a table header or axis shows next to them.

Examples
--------
>>> from nldtib_forecast.labels import label, relabel, unit_label
>>> label("turnover_nominal_eur"), label("turnover_nominal_eur", "nl")
('D&S turnover (nominal)', 'D&S-omzet (nominaal)')
>>> label("baseline/improved_conditions", "nl")
'Basispad, verbeterde omstandigheden'
>>> label("turnover_nominal_eur", "nl", with_unit=True)
'D&S-omzet (nominaal), mld. euro'
>>> label("lower", level=0.9), label("lower", "nl", level=0.9)
('Lower bound (90% interval)', 'Ondergrens (90%-interval)')
>>> unit_label("EUR"), unit_label("EUR", "nl"), unit_label("fraction per year", "nl")
('EUR bn', 'mld. euro', '% per jaar')
>>> import pandas as pd
>>> table = pd.DataFrame({"variable": ["export_share"], "median": [0.36]})
>>> relabel(table, "nl")
       variable variable_label  median
0  export_share  Exportaandeel    0.36
>>> relabel(table, "nl", headers=True).columns.tolist()
['Variabele (code)', 'Variabele', 'Mediaan']
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, check_level, check_option
from nldtib_forecast._format import LANGUAGES, is_missing, number, percent, unit_kind

__all__ = ["LANGUAGES", "KINDS", "ID_COLUMNS", "GRID_SEPARATOR", "check_language", "label",
           "unit_label", "labels", "relabel", "column_labels", "unlabelled"]

#: What an identifier names, in the order :func:`label` searches them when no ``kind`` is
#: given (an identifier may have a row under several kinds, e.g. ``export_share`` is a
#: variable and an indicator).
KINDS: tuple[str, ...] = ("variable", "indicator", "driver", "scenario", "parameter",
                          "component", "estimator", "statistic", "category", "model", "table",
                          "column", "unit", "code")

#: Columns that hold identifiers, and the kind of the identifiers they hold (``None``: any
#: kind): the columns :func:`relabel` labels by default.
ID_COLUMNS: Mapping[str, str | None] = MappingProxyType({
    "variable": "variable", "indicator": "indicator", "driver": "driver",
    "scenario": "scenario", "policy": "scenario", "future": "scenario",
    "component": "component", "estimator": "estimator", "statistic": "statistic",
    "category": "category", "model": "model", "unit": "unit", "status": "code",
    "kind": "code", "group": "code", "name": None,
})

#: Separator of the future and the policy in the name of a grid scenario
#: (``"baseline/improved_conditions"``), as :data:`nldtib_forecast.results.GRID_SEPARATOR`.
GRID_SEPARATOR = "/"

_FIELDS = ("kind", "id", "en", "nl", "en_long", "nl_long", "unit")
_SCALES = ("bn", "m", "unit")
_BOUNDS = {"ci_lower": True, "ci_upper": True, "lower": False, "upper": False}  # longest first
_SUFFIXES = ("_ci_lower", "_ci_upper", "_status")
_BREAKDOWN = re.compile(r"(?P<variable>[^\[\]=/]+)\[(?P<column>[^\[\]=]+)=(?P<category>[^\[\]]*)\]")
_PAIR = re.compile(r"(?P<column>[A-Za-z_]\w*)=(?P<category>.+)")
_QUANTILE = re.compile(r"q(?P<q>0(?:\.\d+)?|1(?:\.0+)?|\.\d+)")

#: Words of composed labels.
_WORDS: dict[str, dict[str, str]] = {
    "en": {"interval": " ({level} interval)", "ci": " ({level} confidence interval)",
           "code": " (code)", "percentile": "{p}{ordinal} percentile"},
    "nl": {"interval": " ({level}-interval)", "ci": " ({level}-betrouwbaarheidsinterval)",
           "code": " (code)", "percentile": "{p}e percentiel"},
}
#: First words that keep their capital inside a composed label (proper nouns and names).
_PROPER = frozenset({
    "Dutch", "Europe", "European", "EU", "NATO", "Netherlands", "ReArm", "Nederland",
    "Nederlands", "Nederlandse", "Europa", "Europees", "Europese", "Ministerie", "Defensie",
})
#: Ways of naming a language that are not its code, for the hint of :func:`check_language`.
_LANGUAGE_NAMES = {"english": "en", "engels": "en", "dutch": "nl", "nederlands": "nl",
                   "netherlands": "nl", "holland": "nl", "nld": "nl", "eng": "en"}


@dataclass(frozen=True)
class _Row:
    kind: str
    id: str
    en: str
    nl: str
    en_long: str
    nl_long: str
    unit: str

    def text(self, lang: str, long: bool = False) -> str:
        if long:
            return (self.nl_long or self.nl) if lang == "nl" else (self.en_long or self.en)
        return self.nl if lang == "nl" else self.en


class _Registry:
    """The rows of ``labels.csv`` by ``(kind, id)``, and the units by lower-case id."""

    def __init__(self, rows: Sequence[_Row]) -> None:
        self.rows: tuple[_Row, ...] = tuple(rows)
        self.by_key: dict[tuple[str, str], _Row] = {(r.kind, r.id): r for r in rows}
        self.units: dict[str, _Row] = {r.id.lower(): r for r in rows if r.kind == "unit"}

    def find(self, identifier: str, kinds: Sequence[str]) -> _Row | None:
        for kind in kinds:
            row = self.by_key.get((kind, identifier))
            if row is None and kind == "unit":
                row = self.units.get(identifier.strip().lower())
            if row is not None:
                return row
        return None


def _load_rows() -> list[_Row]:
    """Read and check ``labels.csv``; a broken file is a packaging bug (RuntimeError)."""
    path = resources.files("nldtib_forecast").joinpath("data").joinpath("labels.csv")
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    header = tuple(next(reader, ()))
    if header != _FIELDS:
        raise RuntimeError(f"labels.csv: the columns must be {', '.join(_FIELDS)}; found "
                           f"{', '.join(header)}")
    rows, seen, problems = [], set(), []
    for line, fields in enumerate(reader, start=2):
        if len(fields) != len(_FIELDS):
            problems.append(f"line {line}: {len(fields)} fields, expected {len(_FIELDS)}")
            continue
        row = _Row(*fields)
        key = (row.kind, row.id)
        if row.kind not in KINDS:
            problems.append(f"line {line}: unknown kind {row.kind!r}")
        if not row.id or not row.en.strip() or not row.nl.strip():
            problems.append(f"line {line}: an empty id, en or nl label")
        if key in seen:
            problems.append(f"line {line}: {row.kind} {row.id!r} is listed twice")
        seen.add(key)
        rows.append(row)
    if problems:
        raise RuntimeError("labels.csv: " + "; ".join(problems))
    return rows


@lru_cache(maxsize=1)
def _registry() -> _Registry:
    return _Registry(_load_rows())


# ----------------------------------------------------------------------------- checks
def check_language(lang: object) -> str:
    """The language code of ``lang``: ``"en"`` or ``"nl"`` (:data:`LANGUAGES`).

    Case, surrounding spaces and a region (``"nl-NL"``, ``"en_GB"``) are ignored; anything
    else is an :class:`~nldtib_forecast.InputError` that names the argument, the value and the
    languages.

    Parameters
    ----------
    lang : str
        A language code.

    Returns
    -------
    str
        ``"en"`` or ``"nl"``.

    Raises
    ------
    nldtib_forecast.InputError
        If ``lang`` is not one of the languages.

    See Also
    --------
    label : Labels in the language checked.

    Examples
    --------
    >>> check_language("nl"), check_language("NL-nl"), check_language(" en ")
    ('nl', 'nl', 'en')
    >>> check_language("Dutch")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'lang': unknown language 'Dutch'; valid \
values: 'en' (English), 'nl' (Dutch); write lang='nl'
    """
    hint = ""
    if isinstance(lang, str):
        key = lang.strip().lower().replace("_", "-")
        code = key.split("-", 1)[0]
        if code in LANGUAGES:
            return code
        if key in _LANGUAGE_NAMES:
            hint = f"; write lang={_LANGUAGE_NAMES[key]!r}"
    raise InputError(f"argument 'lang': unknown language {lang!r}; valid values: 'en' "
                     f"(English), 'nl' (Dutch){hint}")


def _check_kind(kind: object) -> tuple[str, ...]:
    """The kinds searched for ``kind``: all (None), a column header or parameter name (that
    kind first, then any), or that kind only."""
    if kind is None:
        return KINDS
    kind = check_option("kind", kind, KINDS)
    if kind in ("column", "parameter"):
        return (kind, *(k for k in KINDS if k != kind))
    return (kind,)


def _check_identifier(identifier: object, name: str = "identifier") -> str:
    if isinstance(identifier, str):
        return identifier
    raise InputError(f"argument '{name}': an identifier is text such as 'export_share', got "
                     f"{identifier!r} ({type(identifier).__name__})")


# ---------------------------------------------------------------------- composition
def _mid(text: str) -> str:
    """``text`` inside a sentence: a lower-case first letter, unless the first word is a
    proper noun, an abbreviation (``D&S``, ``NLD``) or starts with a digit."""
    first = text.split(" ", 1)[0]
    if (not first[:1].isalpha() or first in _PROPER
            or any(c.isupper() or c.isdigit() or c == "&" for c in first[1:])):
        return text
    return text[:1].lower() + text[1:]


def _percentile(q: float, lang: str) -> str:
    if q == 0.5:
        return "Mediaan" if lang == "nl" else "Median"
    p = round(100 * q, 10)
    text = number(p, significant=6, lang=lang)
    ordinal = "th"
    if p.is_integer() and int(p) % 100 not in (11, 12, 13):
        ordinal = {1: "st", 2: "nd", 3: "rd"}.get(int(p) % 10, "th")
    return _WORDS[lang]["percentile"].format(p=text, ordinal=ordinal)


def _own_label(identifier: str, lang: str, scenarios: Mapping[str, object] | None
               ) -> str | None:
    """The label a scenario of ``scenarios`` gives itself (``label_nl`` / ``label_en``): in
    ``lang``, else in the other language; None when it has none."""
    scenario = None if scenarios is None else scenarios.get(identifier)
    if scenario is None:
        return None
    other = "en" if lang == "nl" else "nl"
    for code in (lang, other):
        text = getattr(scenario, f"label_{code}", "")
        if isinstance(text, str) and text.strip():
            return text.strip()
    return None


def _scenario_text(identifier: str, lang: str, long: bool,
                   scenarios: Mapping[str, object] | None) -> str | None:
    """A scenario's own label (short only) or the registry's; None if neither knows it."""
    own = None if long else _own_label(identifier, lang, scenarios)
    if own is not None:
        return own
    row = _registry().find(identifier, ("scenario",))
    return None if row is None else row.text(lang, long)


def _resolve(identifier: str, lang: str, kinds: Sequence[str], long: bool,
             scenarios: Mapping[str, object] | None = None) -> tuple[str, str] | None:
    """``(label, unit)`` of an identifier, listed or composed; None if unknown."""
    reg = _registry()
    if "scenario" in kinds and not long and (own := _own_label(identifier, lang, scenarios)):
        return own, ""
    row = reg.find(identifier, kinds)
    if row is not None:
        return row.text(lang, long), row.unit
    if GRID_SEPARATOR in identifier and "scenario" in kinds:
        parts = identifier.split(GRID_SEPARATOR)
        texts = [_scenario_text(p, lang, long, scenarios) for p in parts]
        if len(parts) == 2 and all(t is not None for t in texts):
            future, policy = (t for t in texts if t is not None)
            return (f"{future} {policy}" if long else f"{future}, {_mid(policy)}"), ""
    match = _BREAKDOWN.fullmatch(identifier)
    if match and "variable" in kinds:
        base = reg.find(match["variable"], ("variable",))
        column = reg.find(match["column"], ("column",))
        if base is not None and column is not None:
            category = reg.find(match["category"], ("category",))
            cat = match["category"] if category is None else _mid(category.text(lang))
            return f"{base.text(lang)}, {_mid(column.text(lang))}: {cat}", base.unit
    match = _PAIR.fullmatch(identifier)
    if match and "category" in kinds:
        column = reg.find(match["column"], ("column",))
        if column is not None:
            category = reg.find(match["category"], ("category",))
            cat = match["category"] if category is None else _mid(category.text(lang))
            return f"{column.text(lang)}: {cat}", ""
    match = _QUANTILE.fullmatch(identifier)
    if match and "statistic" in kinds:
        return _percentile(float(match["q"]), lang), ""
    if "column" in kinds:
        for suffix in _SUFFIXES:
            if identifier.endswith(suffix) and len(identifier) > len(suffix):
                head = _resolve(identifier[:-len(suffix)], lang, _check_kind("column"), False)
                tail = reg.find(suffix[1:], ("statistic", "column"))
                if head is not None and tail is not None:
                    return f"{head[0]}: {_mid(tail.text(lang))}", head[1]
    return None


def _interval(identifier: str, level: float, lang: str) -> str:
    """The interval words after the label of a bound (``lower``, ``ci_upper``, ...)."""
    bound = next((b for b in _BOUNDS if identifier == b or identifier.endswith("_" + b)), None)
    if bound is None:
        return ""
    words = _WORDS[lang]["ci" if _BOUNDS[bound] else "interval"]
    return words.format(level=percent(level, decimals=None, lang=lang))


def _unknown(identifier: str, kind: str | None, kinds: Sequence[str]) -> InputError:
    pool = sorted({r.id for r in _registry().rows if r.kind in kinds})
    what = f"{kind} " if kind else ""
    message = f"argument 'identifier': no label for {what}{identifier!r}"
    close = get_close_matches(identifier, pool, n=3, cutoff=0.6)
    if close:
        message += f" (did you mean {', '.join(map(repr, close))}?)"
    elif len(pool) <= 24:
        message += f"; known {kind or 'identifier'}s: {', '.join(map(repr, pool))}"
    else:
        message += (f"; nldtib_forecast.labels.labels(kind={kind!r}) lists the known "
                    "identifiers")
    message += (f"; composed names: 'FUTURE{GRID_SEPARATOR}POLICY', 'variable[column=category]',"
                " 'column=category', 'q0.05'")
    return InputError(message)


# ------------------------------------------------------------------------------ API
def label(identifier: str, lang: str = "en", *, kind: str | None = None, long: bool = False,
          level: float | None = None, with_unit: bool = False, strict: bool = True,
          scenarios: Mapping[str, object] | None = None) -> str:
    """The label of an identifier, for people, in English or Dutch.

    Parameters
    ----------
    identifier : str
        A variable, indicator, driver, scenario, ... (:data:`KINDS`), or a composed name:
        ``"FUTURE/POLICY"``, ``"variable[column=category]"``, ``"column=category"``,
        ``"q0.025"``, ``"<indicator>_ci_lower"``.
    lang : {"en", "nl"}, default "en"
        Language (:func:`check_language`).
    kind : str, optional
        Only identifiers of this kind (:data:`KINDS`). ``"column"`` and ``"parameter"`` look
        for that kind first and then for any (a table's columns are often variables,
        indicators or statistics). Default: every kind, in the order of :data:`KINDS`.
    long : bool, default False
        The one-sentence definition instead of the short label (the short label when the
        registry has no definition).
    level : float, optional
        For the bound of an interval (``lower``, ``upper``, ``ci_lower``, ``ci_upper``,
        ``<indicator>_ci_lower``): the level of the interval, added to the label
        (``0.9``: *Lower bound (90% interval)*). Other identifiers ignore it.
    with_unit : bool, default False
        Add the unit as a table or axis shows it (:func:`unit_label`: EUR in billions).
    strict : bool, default True
        An unknown identifier is an error; False returns it as written (e.g. the name of a
        scenario defined in a user's scenario file).
    scenarios : mapping of str to Scenario, optional
        Scenarios by name (a run's, e.g. read from a user's scenario file) whose own short
        labels (:attr:`Scenario.label_en <nldtib_forecast.scenarios.Scenario.label_en>`,
        ``label_nl``) come first: a scenario's label in ``lang``, else in the other
        language, else the registry's label (a built-in's), else the identifier (with
        ``strict=False``). Grid names ``FUTURE/POLICY`` are composed from them. Only the
        short label: ``long=True`` reads the registry.

    Returns
    -------
    str
        The label (or definition), with the interval level and the unit when asked for.

    Raises
    ------
    nldtib_forecast.InputError
        If the identifier is unknown (the message names close matches), or ``lang``,
        ``kind`` or ``level`` is invalid.

    See Also
    --------
    unit_label : The label of a unit.
    relabel : Labels next to the identifier columns of a table.
    labels : The whole registry.

    Examples
    --------
    >>> label("order_certainty"), label("order_certainty", "nl")
    ('Order certainty', 'Orderzekerheid')
    >>> label("current_conditions", "nl", long=True)
    'Alle factoren op hun huidige niveau: de omstandigheden waaronder bedrijven aangeven hun \
omzet met 33% te kunnen opschalen (Kamerbrief van 21 mei 2026).'
    >>> label("uplift[size_class=0-25]"), label("uplift[nld_area=space]", "nl")
    ('Scale-up, size class: 0-25 employees', 'Opschaling, NLD-gebied: spacetechnologie')
    >>> label("nld_area=intelligent_systems"), label("q0.975", "nl")
    ('NLD area: intelligent systems', '97,5e percentiel')
    >>> label("firms_ci_upper", "nl", level=0.95)
    'Aantal NLDTIB-bedrijven: bovengrens (95%-betrouwbaarheidsinterval)'
    >>> label("export_share", with_unit=True), label("my_reform", strict=False)
    ('Export share, %', 'my_reform')

    A scenario of a user's file with labels of its own:

    >>> from nldtib_forecast.scenarios import Scenario
    >>> mine = {"my_reform": Scenario("my_reform", {"order_certainty": 0.6}, kind="policy",
    ...                               label_en="My reform", label_nl="Mijn hervorming")}
    >>> label("my_reform", "nl", scenarios=mine), label("baseline/my_reform", scenarios=mine)
    ('Mijn hervorming', 'Baseline, my reform')
    >>> label("turnover_nominal")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'identifier': no label for 'turnover_nominal' \
(did you mean 'turnover_nominal_eur', ...?)...
    """
    lang = check_language(lang)
    kinds = _check_kind(kind)
    identifier = _check_identifier(identifier)
    if level is not None:
        level = check_level(level)
    if scenarios is not None and not isinstance(scenarios, Mapping):
        raise InputError(f"argument 'scenarios': expected a mapping of names to scenarios, "
                         f"got {type(scenarios).__name__}")
    found = _resolve(identifier, lang, kinds, long, scenarios)
    if found is None:
        if strict:
            raise _unknown(identifier, kind, kinds)
        return identifier
    text, unit = found
    if level is not None and not long:
        text += _interval(identifier, level, lang)
    if with_unit and unit:
        text += ", " + unit_label(unit, lang)
    return text


def unit_label(unit: str | None, lang: str = "en", *, scale: str = "bn") -> str:
    """A unit as a table header or chart axis shows it next to formatted numbers.

    Fractions are shown as percentages (``%``), so their unit is ``%``; amounts in euro as
    the report shows them, in billions (``scale="bn"``: *EUR bn*, *mld. euro*), or in
    millions (``"m"``) or euro (``"unit"``). Units are compared without case and
    surrounding spaces; ``None`` or ``""`` (no unit) give ``""``.

    Parameters
    ----------
    unit : str or None
        A unit string of a variable, driver or published figure (``"EUR"``, ``"fraction"``,
        ``"fraction per year"``, ``"FTE"``, ``"months"``, ``"index"``, ...).
    lang : {"en", "nl"}, default "en"
        Language.
    scale : {"bn", "m", "unit"}, default "bn"
        Scale of amounts in euro; other units ignore it.

    Returns
    -------
    str
        The unit as shown (e.g. ``"EUR bn"``, ``"%"``, ``"maanden"``), ``""`` for no unit.

    Raises
    ------
    nldtib_forecast.InputError
        If the unit is unknown (the message names the known units), or ``lang`` or ``scale``
        is invalid.

    See Also
    --------
    label : The label of an identifier.
    nldtib_forecast.labels.labels : The registry of labels and units.

    Examples
    --------
    >>> unit_label("EUR"), unit_label("EUR", "nl"), unit_label("eur", "nl", scale="m")
    ('EUR bn', 'mld. euro', 'mln. euro')
    >>> unit_label("fraction"), unit_label("FTE", "nl"), unit_label("months", "nl")
    ('%', 'fte', 'maanden')
    >>> unit_label(None)
    ''
    >>> unit_label("percent")
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'unit': unknown unit 'percent'...
    """
    lang = check_language(lang)
    scale = check_option("scale", scale, _SCALES)
    if unit is None or (isinstance(unit, str) and not unit.strip()):
        return ""
    unit = _check_identifier(unit, "unit")
    reg = _registry()
    row = reg.find(unit, ("unit",))
    if row is None:
        known = [r.id for r in reg.rows if r.kind == "unit"]
        close = get_close_matches(unit, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"argument 'unit': unknown unit {unit!r}; known units: "
                         f"{', '.join(map(repr, known))}{hint}")
    if unit_kind(row.id) == "eur" and scale != "unit":
        row = reg.find(f"{row.id} {scale}", ("unit",)) or row
    return row.text(lang)


def labels(lang: str | None = "en", kind: str | None = None) -> pd.DataFrame:
    """The registry: every identifier with its label, definition and unit.

    Parameters
    ----------
    lang : {"en", "nl"} or None, default "en"
        Language of the ``label`` and ``long`` columns; None gives both languages (the
        columns of ``labels.csv``: ``en, nl, en_long, nl_long, unit``).
    kind : str, optional
        Only the identifiers of this kind (:data:`KINDS`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(kind, id)``, in the order of ``labels.csv``, with columns ``label,
        long, unit`` (``long`` is ``""`` where the registry has no definition).

    See Also
    --------
    label : The label of one identifier.
    unlabelled : The identifiers of a table that have no label.

    Examples
    --------
    >>> labels("nl", kind="driver").loc[("driver", "order_certainty"), "label"]
    'Orderzekerheid'
    >>> labels(None, kind="unit").loc[("unit", "EUR"), ["en", "nl"]].tolist()
    ['EUR', 'euro']
    >>> sorted(set(labels().index.get_level_values("kind"))) == sorted(KINDS)
    True
    """
    if kind is not None:
        check_option("kind", kind, KINDS)
    rows = [r for r in _registry().rows if kind is None or r.kind == kind]
    index = pd.MultiIndex.from_tuples([(r.kind, r.id) for r in rows], names=["kind", "id"])
    if lang is None:
        data = {f: [getattr(r, f) for r in rows] for f in _FIELDS[2:]}
    else:
        lang = check_language(lang)
        data = {"label": [r.text(lang) for r in rows],
                "long": [r.nl_long if lang == "nl" else r.en_long for r in rows],
                "unit": [r.unit for r in rows]}
    return pd.DataFrame(data, index=index)


def _columns_arg(frame: pd.DataFrame,
                 columns: str | Sequence[str] | Mapping[str, str | None] | None
                 ) -> dict[str, str | None]:
    """``{column: kind}`` of the identifier columns to label."""
    if columns is None:
        return {c: ID_COLUMNS[c] for c in frame.columns if isinstance(c, str) and c in ID_COLUMNS}
    if isinstance(columns, str):
        columns = [columns]
    if isinstance(columns, Mapping):
        chosen = dict(columns)
    else:
        chosen = {c: ID_COLUMNS.get(c) for c in columns}
    missing = [c for c in chosen if c not in frame.columns]
    if missing:
        raise InputError(f"argument 'columns': {', '.join(map(repr, missing))} not in the "
                         f"frame; its columns: {', '.join(map(repr, map(str, frame.columns)))}")
    for kind in chosen.values():
        if kind is not None:
            check_option("kind", kind, KINDS)
    return chosen


def _value_label(value: object, lang: str, kind: str | None, scale: str,
                 strict: bool, scenarios: Mapping[str, object] | None = None) -> object:
    """The label of one cell of an identifier column; a missing cell stays as it is."""
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return value
    text = value if isinstance(value, str) else str(value)
    if kind == "unit":
        try:
            return unit_label(text, lang, scale=scale)
        except InputError:
            if strict:
                raise
            return text
    return label(text, lang, kind=kind, strict=strict, scenarios=scenarios)


def _labels_of(column: pd.Series, lang: str, kind: str | None, scale: str, strict: bool,
               scenarios: Mapping[str, object] | None) -> np.ndarray:
    """The labels of the cells of an identifier column, each distinct value labelled once
    (a value and its type: ``1`` and ``"1"`` are different identifiers); a missing cell
    stays as it is."""
    cells = column.to_numpy(dtype=object)
    types = np.fromiter((type(v).__name__ for v in cells), dtype=object, count=len(cells))
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([types, cells]),
                                  use_na_sentinel=False)
    labelled = np.empty(len(uniques), dtype=object)
    labelled[:] = [_value_label(value, lang, kind, scale, strict, scenarios)
                   for _, value in uniques]
    return np.where(pd.isna(cells), cells, labelled[codes])  # missing cells as they were


def relabel(frame: pd.DataFrame, lang: str = "en",
            columns: str | Sequence[str] | Mapping[str, str | None] | None = None, *,
            suffix: str = "_label", headers: bool = False, level: float | None = None,
            scale: str = "bn", strict: bool = True,
            scenarios: Mapping[str, object] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with a label column after each identifier column.

    The identifier columns stay (for machines); each gets a neighbour ``<column>_label``
    with the labels (for people). Missing cells stay missing.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with identifier columns.
    lang : {"en", "nl"}, default "en"
        Language.
    columns : str, sequence of str or mapping of str to str, optional
        The identifier columns to label, or ``{column: kind}``. Default: the columns of
        ``frame`` listed in :data:`ID_COLUMNS` (``variable``, ``scenario``, ``policy``,
        ``future``, ``indicator``, ``category``, ``unit``, ``statistic``, ``status``, ...).
    suffix : str, default "_label"
        Suffix of the names of the label columns.
    headers : bool, default False
        Also replace the column names by their labels (:func:`column_labels`): for a table
        people read, not for one a program reads back.
    level : float, optional
        Interval level shown in the headers of interval bounds (with ``headers=True``): only
        for a table whose ``lower`` / ``upper`` bound an interval (not the valid range of the
        drivers table, nor the rounding range of the audit).
    scale : {"bn", "m", "unit"}, default "bn"
        Scale of amounts in euro in a ``unit`` column (:func:`unit_label`).
    strict : bool, default True
        An identifier without a label is an error; False keeps it as written.
    scenarios : mapping of str to Scenario, optional
        Scenarios whose own labels come first (:func:`label`): a run's scenarios, policies
        and futures, with those of a user's scenario file.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with a column ``<column><suffix>`` after each identifier column
        (its labels), and the headers replaced by their labels with ``headers=True``.

    Raises
    ------
    nldtib_forecast.InputError
        If a column is not in ``frame``, or an identifier has no label (with ``strict``).

    See Also
    --------
    label : The label of one identifier.
    column_labels : The labels of the headers.

    Examples
    --------
    >>> import pandas as pd
    >>> effects = pd.DataFrame({"future": ["baseline"], "policy": ["orders_only"],
    ...                         "unit": ["EUR"], "lower": [0.1e9], "upper": [0.4e9]})
    >>> relabel(effects, "nl")[["future_label", "policy_label", "unit_label"]]
      future_label           policy_label unit_label
    0     Basispad  Alleen orderzekerheid  mld. euro
    >>> relabel(effects, headers=True, level=0.9).columns.tolist()[-2:]
    ['Lower bound (90% interval)', 'Upper bound (90% interval)']
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"argument 'frame': expected a pandas DataFrame, got "
                         f"{type(frame).__name__}")
    lang = check_language(lang)
    scale = check_option("scale", scale, _SCALES)
    chosen = _columns_arg(frame, columns)
    out = frame.copy()
    for column, kind in chosen.items():
        values = _labels_of(out[column], lang, kind, scale, strict, scenarios)
        name = f"{column}{suffix}"
        if name in out.columns:
            out[name] = values
        else:
            out.insert(out.columns.get_loc(column) + 1, name, values)
    if headers:
        out.columns = column_labels(out.columns, lang, level=level, suffix=suffix,
                                    strict=strict)
    return out


def column_labels(columns: Iterable[object], lang: str = "en", *, level: float | None = None,
                  suffix: str = "_label", strict: bool = True) -> list[str]:
    """Labels of table headers, in order.

    A header ``<column>_label`` next to its ``<column>`` (:func:`relabel`) gets the label of
    ``<column>``, and ``<column>`` itself the label followed by *(code)*.

    Parameters
    ----------
    columns : iterable
        The headers (e.g. ``frame.columns``).
    lang : {"en", "nl"}, default "en"
        Language.
    level : float, optional
        Interval level shown in the headers of interval bounds (``lower``, ``upper``,
        ``ci_lower``, ``ci_upper``, ``<indicator>_ci_lower``, ...): only for a table whose
        bounds are those of an interval.
    suffix : str, default "_label"
        Suffix of the label columns.
    strict : bool, default True
        A header without a label is an error; False keeps it as written.

    Returns
    -------
    list of str
        One label per header, in order.

    Raises
    ------
    nldtib_forecast.InputError
        A header without a label (with ``strict``), or an invalid ``lang`` or ``level``.

    See Also
    --------
    relabel : Adds the label columns these headers describe.

    Examples
    --------
    >>> column_labels(["scenario", "scenario_label", "year", "median", "q0.05"], "nl")
    ['Scenario (code)', 'Scenario', 'Jaar', 'Mediaan', '5e percentiel']
    >>> column_labels(["ci_lower", "ci_upper"], level=0.95)
    ['Lower bound (95% confidence interval)', 'Upper bound (95% confidence interval)']
    """
    lang = check_language(lang)
    names = [str(c) for c in columns]
    present = set(names)
    return [_header(name, present, lang, level, suffix, strict) for name in names]


def _header(name: str, present: set[str], lang: str, level: float | None, suffix: str,
            strict: bool) -> str:
    """The label of one header among the headers ``present``."""
    if suffix and name.endswith(suffix) and name[:-len(suffix)] in present:
        return label(name[:-len(suffix)], lang, kind="column", level=level, strict=strict)
    if suffix and f"{name}{suffix}" in present:
        return label(name, lang, kind="column", strict=strict) + _WORDS[lang]["code"]
    return label(name, lang, kind="column", level=level, strict=strict)


def unlabelled(frame: pd.DataFrame,
               columns: str | Sequence[str] | Mapping[str, str | None] | None = None
               ) -> list[tuple[str | None, str]]:
    """The headers and identifiers of ``frame`` that have no label, for tests of outputs.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table.
    columns : str, sequence of str or mapping of str to str, optional
        The identifier columns to check (as :func:`relabel`); the headers are always checked.

    Returns
    -------
    list of (str or None, str)
        ``(None, header)`` for a header and ``(column, identifier)`` for a value of an
        identifier column, each once, in order; empty when everything has a label.

    See Also
    --------
    relabel : Adds the labels to a table.
    nldtib_forecast.labels.labels : The registry.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"variable": ["export_share", "my_variable"], "my_column": [1, 2]})
    >>> unlabelled(frame)
    [(None, 'my_column'), ('variable', 'my_variable')]
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"argument 'frame': expected a pandas DataFrame, got "
                         f"{type(frame).__name__}")
    found: list[tuple[str | None, str]] = []
    present = {str(c) for c in frame.columns}
    for name in map(str, frame.columns):
        try:
            _header(name, present, "en", None, "_label", True)
        except InputError:
            found.append((None, name))
    for column, kind in _columns_arg(frame, columns).items():
        for value in dict.fromkeys(frame[column].tolist()):
            if is_missing(value) or (isinstance(value, str) and not value.strip()):
                continue
            try:
                _value_label(value, "en", kind, "bn", True)
            except InputError:
                found.append((column, str(value)))
    return found


def __dir__() -> list[str]:
    return sorted(__all__)
