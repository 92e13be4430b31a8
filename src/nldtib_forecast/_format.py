"""Number formatting for display, in one place for the whole package (private module).

Data stay in their units: fractions, EUR, counts. The functions here turn one value into the
text a reader sees in a table, an HTML page, a chart tick or a text summary:

==========================  =================================  ===========================
function                    for                                example
==========================  =================================  ===========================
:func:`eur`                 EUR amounts (bn, m or EUR)         ``EUR 9.86 bn``
:func:`percent`             fractions as percentages           ``36.2%``
:func:`percentage_points`   differences of fractions           ``+1.2 pp``
:func:`count`               counts (firms, FTE, draws)         ``1,050``
:func:`number`              any other number                   ``1.023``, ``123,457``
:func:`format_value`        a value given its unit string      by the unit's kind
==========================  =================================  ===========================

A missing value (``None``, NaN, ``pandas.NA``, ``NaT``, an infinity) is shown as ``missing``:
``"n/a"`` (:data:`NOT_AVAILABLE`) unless another text is given, such as :data:`DASH`; never as
``nan`` or ``<NA>``. The functions write no words, only numbers, signs and the unit symbols
``EUR``, ``bn``, ``m``, ``%`` and ``pp``, so that labels in another language can be put around
them (:mod:`nldtib_forecast.labels`). The thousands separator is ``,`` and the decimal mark
``.``.

Every function takes ``lang`` (:data:`LANGUAGES`): ``"en"``, the default, as above, or ``"nl"``
for the conventions of Dutch government publications (the 2026 letter to parliament writes
"€8,0 miljard", "21,5%"): a decimal comma and a point between thousands, ``€`` before an amount
and ``mld.`` / ``mln.`` for billion / million, ``%`` without a space, ``%-punt`` for a
percentage point (the abbreviation of *procentpunt* used by CBS and CPB; ``pp`` is English) and
``n.b.`` (*niet beschikbaar*) for a missing value. A sign goes before the currency sign,
as Dutch government texts write a difference (``+€ 202,4 mln.``, ``-€ 250,0 mln.``), never
between the sign and the number (``€ +202,4 mln.``):

==========================  =====================  ==========================
function                    ``lang="en"``          ``lang="nl"``
==========================  =====================  ==========================
:func:`eur`                 ``EUR 9.86 bn``        ``€ 9,86 mld.``
:func:`eur`                 ``EUR -250.0 m``       ``-€ 250,0 mln.``
:func:`percent`             ``36.2%``              ``36,2%``
:func:`percentage_points`   ``+1.2 pp``            ``+1,2%-punt``
:func:`count`               ``12,345``             ``12.345``
:func:`number`              ``1.023``              ``1,023``
missing                     ``n/a``                ``n.b.``
==========================  =====================  ==========================
"""

from __future__ import annotations

import math
from typing import Literal, SupportsFloat

import pandas as pd

__all__ = ["DASH", "NOT_AVAILABLE", "NOT_AVAILABLE_NL", "BILLION", "MILLION", "PERCENT_UNITS",
           "EUR_UNITS", "COUNT_UNITS", "LANGUAGES", "is_missing", "number", "percent",
           "percentage_points", "eur", "count", "unit_kind", "format_value"]

#: Text of a missing value in a table cell (an em dash).
DASH = "\u2014"
#: Default text of a missing value.
NOT_AVAILABLE = "n/a"
#: Default text of a missing value in Dutch (*niet beschikbaar*), used for ``lang="nl"``.
NOT_AVAILABLE_NL = "n.b."
#: Languages of the formats: English (the default) and Dutch.
LANGUAGES: tuple[str, ...] = ("en", "nl")
#: EUR in a billion (``bn``) and in a million (``m``).
BILLION = 1e9
MILLION = 1e6

#: Units whose values are fractions, shown as percentages (``0.362`` -> ``36.2%``).
PERCENT_UNITS = frozenset({"fraction", "share", "fraction per year"})
#: Units whose values are amounts in euro.
EUR_UNITS = frozenset({"eur"})
#: Units whose values are counts, shown as whole numbers with thousands separators.
COUNT_UNITS = frozenset({"fte", "firms", "count", "counts"})

Kind = Literal["percent", "eur", "count", "number"]
Scale = Literal["auto", "bn", "m", "unit"]

_SCALES: dict[str, tuple[float, str, int]] = {  # divisor, suffix, default decimals
    "bn": (BILLION, " bn", 2), "m": (MILLION, " m", 1), "unit": (1.0, "", 0)}
#: Dutch suffixes of the scales (*miljard*, *miljoen*), the currency sign and the percentage
#: point; the Dutch marks swap ``,`` and ``.`` of the English text in one pass.
_SCALES_NL = {"bn": " mld.", "m": " mln.", "unit": ""}
_SYMBOL = {"en": "EUR ", "nl": "€ "}
_POINTS = {"en": " pp", "nl": "%-punt"}
_NL_MARKS = str.maketrans({",": ".", ".": ","})


def _check_lang(lang: object) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`, else a ValueError naming the argument."""
    if lang == "en" or lang == "nl":
        return str(lang)
    raise ValueError(f"argument 'lang': unknown value {lang!r}; valid values: "
                     f"{', '.join(map(repr, LANGUAGES))}")


def _marks(text: str, lang: str) -> str:
    """The decimal mark and thousands separator of ``lang`` in a number formatted in English."""
    return text if lang == "en" else text.translate(_NL_MARKS)


def _missing(missing: str, lang: str) -> str:
    """The text of a missing value: the default ``n/a`` becomes ``n.b.`` in Dutch."""
    return NOT_AVAILABLE_NL if lang == "nl" and missing == NOT_AVAILABLE else missing


def is_missing(value: object) -> bool:
    """Whether ``value`` is shown as missing: None, NaN, ``pandas.NA``, ``NaT`` or infinite.

    Parameters
    ----------
    value : object
        A scalar.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> [is_missing(v) for v in (None, np.nan, pd.NA, np.inf, 0.0, "text")]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, (int, float)):
        return not math.isfinite(value)
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    if not isinstance(missing, bool):
        return False  # not a scalar
    if missing:
        return True
    if isinstance(value, SupportsFloat):  # numpy scalars, Decimal, ...
        try:
            return not math.isfinite(float(value))
        except (TypeError, ValueError, OverflowError):
            return False
    return False


def _to_float(value: object) -> float | None:
    """``value`` as a float, None when it is missing; a TypeError when it is no number."""
    if is_missing(value):
        return None
    if isinstance(value, SupportsFloat | str):
        try:
            v = float(value)
        except (TypeError, ValueError):
            pass
        else:
            return None if not math.isfinite(v) else v  # e.g. the text "inf"
    raise TypeError(f"not a number: {value!r}")


def _sign(signed: bool) -> str:
    return "+" if signed else ""


def number(value: object, *, decimals: int | None = None, significant: int = 4,
           signed: bool = False, grouping: bool = True, missing: str = NOT_AVAILABLE,
           lang: str = "en") -> str:
    """A number in plain notation: ``significant`` digits, or a fixed number of ``decimals``.

    Unlike ``format(value, ".4g")``, numbers of ordinary magnitude (from ``1e-4`` to below
    ``1e15``) are never written in scientific notation: digits left of the decimal mark are
    kept, and trailing zeros after it are dropped.

    Parameters
    ----------
    value : float or int
        The number.
    decimals : int, optional
        Digits after the decimal mark, all shown; default: ``significant`` digits.
    significant : int, default 4
        Significant digits when ``decimals`` is not given.
    signed : bool, default False
        Show ``+`` before positive numbers.
    grouping : bool, default True
        Thousands separators (``1,234``).
    missing : str, default ``"n/a"``
        Text of a missing value (``"n.b."`` for the default in Dutch).
    lang : {"en", "nl"}, default "en"
        Language: ``"nl"`` writes a decimal comma and a point between thousands.

    Returns
    -------
    str

    Examples
    --------
    >>> print(number(1.02345), number(0.5), number(123456.7), number(-0.000123456))
    1.023 0.5 123,457 -0.0001235
    >>> print(number(2.5, decimals=2), number(0.021, signed=True), number(float("nan")))
    2.50 +0.021 n/a
    >>> print(number(1234567, grouping=False), number(3e-9))
    1234567 3e-09
    >>> print(number(1.02345, lang="nl"), number(123456.7, lang="nl"),
    ...       number(None, lang="nl"))
    1,023 123.457 n.b.
    """
    lang = _check_lang(lang)
    v = _to_float(value)
    if v is None:
        return _missing(missing, lang)
    return _marks(_number(v, decimals, significant, signed, grouping), lang)


def _number(v: float, decimals: int | None, significant: int, signed: bool,
            grouping: bool) -> str:
    """:func:`number` of a finite float, in English."""
    spec = _sign(signed) + ("," if grouping else "")
    if decimals is not None:
        return f"{v:{spec}.{decimals}f}"
    if v == 0:
        return f"{v:{_sign(signed)}.0f}"
    magnitude = math.floor(math.log10(abs(v)))
    if not -4 <= magnitude < 15:
        return f"{v:{_sign(signed)}.{significant}g}"
    places = max(0, significant - 1 - magnitude)
    text = f"{v:{spec}.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(value: object, *, decimals: int | None = 1, signed: bool = False,
            missing: str = NOT_AVAILABLE, lang: str = "en") -> str:
    """A fraction as a percentage (``0.362`` -> ``36.2%``).

    Parameters
    ----------
    value : float
        The fraction (1 is 100%).
    decimals : int or None, default 1
        Digits after the decimal mark; None: as many as needed, up to six significant
        digits (``0.85`` -> ``85%``, ``0.005`` -> ``0.5%``).
    signed : bool, default False
        Show ``+`` before positive values (growth rates, differences).
    missing : str, default ``"n/a"``
        Text of a missing value (``"n.b."`` for the default in Dutch).
    lang : {"en", "nl"}, default "en"
        Language: ``"nl"`` writes a decimal comma (``36,2%``, no space before ``%`` in both).

    Returns
    -------
    str

    Examples
    --------
    >>> print(percent(0.3623), percent(0.9, decimals=0), percent(0.215, signed=True))
    36.2% 90% +21.5%
    >>> print(percent(0.85, decimals=None), percent(0.005, decimals=None))
    85% 0.5%
    >>> print(percent(None, missing=DASH))
    —
    >>> print(percent(0.215, signed=True, lang="nl"), percent(0.005, decimals=None, lang="nl"))
    +21,5% 0,5%
    """
    lang = _check_lang(lang)
    v = _to_float(value)
    if v is None:
        return _missing(missing, lang)
    if decimals is None:
        return _marks(_number(100 * v, None, 6, signed, True), lang) + "%"
    return _marks(f"{v:{_sign(signed)},.{decimals}%}", lang)


def percentage_points(value: object, *, decimals: int = 1, signed: bool = True,
                      missing: str = NOT_AVAILABLE, lang: str = "en") -> str:
    """A difference of two fractions in percentage points (``0.012`` -> ``+1.2 pp``).

    Parameters
    ----------
    value : float
        The difference of the fractions (0.01 is one percentage point).
    decimals : int, default 1
        Digits after the decimal mark.
    signed : bool, default True
        Show ``+`` before positive differences.
    missing : str, default ``"n/a"``
        Text of a missing value (``"n.b."`` for the default in Dutch).
    lang : {"en", "nl"}, default "en"
        Language: ``"nl"`` writes *procentpunt* as CBS and CPB abbreviate it, ``%-punt``
        (``+1,2%-punt``).

    Returns
    -------
    str

    Examples
    --------
    >>> print(percentage_points(0.012), percentage_points(-0.0345, decimals=2))
    +1.2 pp -3.45 pp
    >>> print(percentage_points(0.012, lang="nl"))
    +1,2%-punt
    """
    lang = _check_lang(lang)
    v = _to_float(value)
    if v is None:
        return _missing(missing, lang)
    return _marks(f"{100 * v:{_sign(signed)},.{decimals}f}", lang) + _POINTS[lang]


def eur(value: object, *, scale: Scale = "auto", decimals: int | None = None,
        signed: bool = False, symbol: bool = True, missing: str = NOT_AVAILABLE,
        lang: str = "en") -> str:
    """An amount in euro, in billions (``bn``), millions (``m``) or euro.

    Parameters
    ----------
    value : float
        The amount in EUR.
    scale : {"auto", "bn", "m", "unit"}, default "auto"
        ``"auto"``: ``bn`` from a billion on, ``m`` from a million on, else euro.
    decimals : int, optional
        Digits after the decimal mark; default 2 in billions, 1 in millions, 0 in euro.
    signed : bool, default False
        Show ``+`` before positive amounts (differences).
    symbol : bool, default True
        Start with ``EUR`` (``€`` in Dutch); False gives the scaled number and its suffix only.
    missing : str, default ``"n/a"``
        Text of a missing value (``"n.b."`` for the default in Dutch).
    lang : {"en", "nl"}, default "en"
        Language: ``"nl"`` writes ``€``, ``mld.`` (*miljard*) and ``mln.`` (*miljoen*) with a
        decimal comma (``€ 10,2 mld.``; the 2026 letter writes "€10,2 miljard"), and a sign
        before the currency sign (``+€ 1,50 mld.``, ``-€ 250,0 mln.``).

    Returns
    -------
    str

    Examples
    --------
    >>> print(eur(9.86e9), eur(-250e6), eur(12_345), eur(0.4e9, scale="bn", decimals=1))
    EUR 9.86 bn EUR -250.0 m EUR 12,345 EUR 0.4 bn
    >>> print(eur(10.2e9, decimals=1, symbol=False), eur(1.5e9, signed=True))
    10.2 bn EUR +1.50 bn
    >>> print(eur(9.86e9, lang="nl"), eur(-250e6, lang="nl"), eur(12_345, lang="nl"))
    € 9,86 mld. -€ 250,0 mln. € 12.345
    >>> print(eur(202.4e6, signed=True, lang="nl"), eur(0.0, signed=True, lang="nl"))
    +€ 202,4 mln. +€ 0
    >>> print(eur(10.2e9, decimals=1, symbol=False, lang="nl"),
    ...       eur(-0.4e9, scale="bn", decimals=1, symbol=False, lang="nl"))
    10,2 mld. -0,4 mld.
    """
    lang = _check_lang(lang)
    v = _to_float(value)
    if v is None:
        return _missing(missing, lang)
    if scale == "auto":
        scale = "bn" if abs(v) >= BILLION else "m" if abs(v) >= MILLION else "unit"
    if scale not in _SCALES:
        raise ValueError(f"scale must be one of 'auto', {', '.join(map(repr, _SCALES))}; "
                         f"got {scale!r}")
    divisor, suffix, default = _SCALES[scale]
    if lang == "nl":
        suffix = _SCALES_NL[scale]
    places = default if decimals is None else decimals
    text = _marks(f"{v / divisor:{_sign(signed)},.{places}f}", lang) + suffix
    if not symbol:
        return text
    if lang == "nl" and text[:1] in "+-":  # the sign before the currency sign: +€ 1,50 mld.
        return text[0] + _SYMBOL[lang] + text[1:]
    return _SYMBOL[lang] + text


def count(value: object, *, signed: bool = False, missing: str = NOT_AVAILABLE,
          lang: str = "en") -> str:
    """A count (firms, FTE, draws), rounded to a whole number, with thousands separators.

    Parameters
    ----------
    value : float or int
        The count; a weighted count is rounded.
    signed : bool, default False
        Show ``+`` before positive values.
    missing : str, default ``"n/a"``
        Text of a missing value (``"n.b."`` for the default in Dutch).
    lang : {"en", "nl"}, default "en"
        Language: ``"nl"`` writes a point between thousands (``1.050``).

    Returns
    -------
    str

    Examples
    --------
    >>> print(count(1050), count(23456.6), count(None, missing=DASH))
    1,050 23,457 —
    >>> print(count(1503, lang="nl"), count(180504, lang="nl"))
    1.503 180.504
    """
    lang = _check_lang(lang)
    v = _to_float(value)
    if v is None:
        return _missing(missing, lang)
    return _marks(f"{v:{_sign(signed)},.0f}", lang)


def unit_kind(unit: str | None) -> Kind:
    """How values of ``unit`` are shown: ``"percent"``, ``"eur"``, ``"count"`` or ``"number"``.

    Units are compared without case and surrounding spaces: :data:`PERCENT_UNITS`
    (``fraction``, ``share``, ``fraction per year``), :data:`EUR_UNITS` (``EUR``),
    :data:`COUNT_UNITS` (``FTE``, ``firms``, ``count``, ``counts``); any other unit
    (``index``, ``months``, ``ratio``, ``EUR/FTE``, ...) is a plain number.

    Parameters
    ----------
    unit : str or None
        The unit string of a variable, driver or published figure.

    Returns
    -------
    str

    Examples
    --------
    >>> [unit_kind(u) for u in ("fraction per year", "EUR", "FTE", "index", None)]
    ['percent', 'eur', 'count', 'number', 'number']
    """
    key = (unit or "").strip().lower()
    if key in PERCENT_UNITS:
        return "percent"
    if key in EUR_UNITS:
        return "eur"
    if key in COUNT_UNITS:
        return "count"
    return "number"


def format_value(value: object, unit: str | None = "", *, signed: bool = False,
                 missing: str = NOT_AVAILABLE, lang: str = "en") -> str:
    """A value for display, formatted by its unit (:func:`unit_kind`).

    Fractions become percentages with one decimal, EUR amounts ``EUR ... bn`` (two decimals),
    ``EUR ... m`` (one) or whole euro, counts whole numbers, anything else four significant
    digits (:func:`number`). Text that is not a number is returned as it is.

    Parameters
    ----------
    value : object
        The value (a number, or text shown as it is).
    unit : str, optional
        Its unit: ``"EUR"``, ``"fraction"``, ``"fraction per year"``, ``"index"``,
        ``"FTE"``, ``"months"``, ``"count"``, ...
    signed : bool, default False
        Show ``+`` before positive values (differences, growth rates).
    missing : str, default ``"n/a"``
        Text of a missing value (``"n.b."`` for the default in Dutch).
    lang : {"en", "nl"}, default "en"
        Language of the format (:data:`LANGUAGES`).

    Returns
    -------
    str

    Examples
    --------
    >>> print(format_value(0.3623, "fraction"), format_value(9.86e9, "EUR"),
    ...       format_value(12345.4, "FTE"), format_value(1.02345, "index"))
    36.2% EUR 9.86 bn 12,345 1.023
    >>> print(format_value(0.021, "fraction per year", signed=True),
    ...       format_value(float("nan"), "EUR"), format_value("suppressed", "EUR"))
    +2.1% n/a suppressed
    >>> print(format_value(0.3623, "fraction", lang="nl"), format_value(9.86e9, "EUR", lang="nl"),
    ...       format_value(12345.4, "FTE", lang="nl"), format_value(None, "EUR", lang="nl"))
    36,2% € 9,86 mld. 12.345 n.b.
    >>> print(format_value(2.24e9, "EUR", signed=True, lang="nl"),
    ...       format_value(-320.9e6, "EUR", signed=True, lang="nl"))
    +€ 2,24 mld. -€ 320,9 mln.
    """
    lang = _check_lang(lang)
    try:
        v = _to_float(value)
    except TypeError:
        return str(value)
    if v is None:
        return _missing(missing, lang)
    kind = unit_kind(unit)
    if kind == "percent":
        return percent(v, signed=signed, lang=lang)
    if kind == "eur":
        return eur(v, signed=signed, lang=lang)
    if kind == "count":
        return count(v, signed=signed, lang=lang)
    return number(v, signed=signed, lang=lang)
