"""Arithmetic audit of the published NLDTIB figures.

Every figure that can be derived from other published figures is recomputed with interval
arithmetic on the rounded inputs and compared with the published value; see
:func:`audit_published` and :data:`AUDIT_TOLERANCES`. :func:`continuing_firms_reconciliation`
works out, with the same rounding rule, what the letter's growth rate implies if it is read
as the growth of continuing firms.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from types import MappingProxyType

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, Problem, check_year
from nldtib_forecast._format import count, eur, number, percent, percentage_points
from nldtib_forecast.data._published import load_published, source_key
from nldtib_forecast.data._schema import SIZE_CLASS_BOUNDS
from nldtib_forecast.labels import check_language, label

__all__ = ["AUDIT_TOLERANCES", "audit_published", "continuing_firms_reconciliation"]

#: Tolerance rule of :func:`audit_published`. A figure published with resolution ``r`` (the
#: unit of its last digit, column ``resolution``) lies in ``value +/- rounding_fraction * r``.
#: Rows without a resolution use ``default_resolution[unit]``. Two intervals that overlap
#: within ``relative_slack`` (floating point) are consistent.
AUDIT_TOLERANCES: MappingProxyType = MappingProxyType({
    "rounding_fraction": 0.5,
    "default_resolution": MappingProxyType({
        "EUR": 1e8, "USD": 1e9, "fraction": 0.01, "firms": 1.0, "FTE": 1.0,
        "EUR/FTE": 1e3, "ratio": 0.1, "persons": 1e3,
    }),
    "relative_slack": 1e-9,
})

#: Column order of the audit table.
AUDIT_COLUMNS: tuple[str, ...] = (
    "check", "published", "recomputed", "difference", "status", "note",
    "group", "indicator", "year", "lower", "upper", "reason",
)
_GROUPS = ("growth", "share", "structure", "edition", "cross_source", "implied",
           "market_share", "comparability")
_GROWTH_OF = {"ds_turnover_growth": "ds_turnover_eur",
              "mod_materiel_spending_growth": "mod_materiel_spending_eur"}
_RATIOS = (  # result = numerator / denominator, same source key and year
    ("export_share", "ds_export_eur", "ds_turnover_eur"),
    ("fte_ds_share", "fte_ds", "fte_total"),
    ("fte_ds_rnd_share", "fte_ds_rnd", "fte_ds"),
    ("survey_response_rate", "survey_response_firms", "firms"),
)


@dataclass(frozen=True)
class _Iv:
    """A value with the interval it may lie in."""

    mid: float
    lo: float
    hi: float

    def __add__(self, o: _Iv) -> _Iv:
        return _Iv(self.mid + o.mid, self.lo + o.lo, self.hi + o.hi)

    def __mul__(self, o: _Iv) -> _Iv:
        c = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        return _Iv(self.mid * o.mid, min(c), max(c))

    def __truediv__(self, o: _Iv) -> _Iv:
        if o.lo <= 0 <= o.hi:
            return _Iv(self.mid / o.mid if o.mid else math.nan, -math.inf, math.inf)
        return self * _Iv(1 / o.mid, 1 / o.hi, 1 / o.lo)

    def shift(self, c: float) -> _Iv:
        return _Iv(self.mid + c, self.lo + c, self.hi + c)

    @classmethod
    def mean(cls, ivs: list[_Iv]) -> _Iv:
        n = len(ivs)
        return cls(sum(i.mid for i in ivs) / n, sum(i.lo for i in ivs) / n,
                   sum(i.hi for i in ivs) / n)


def _pct(x: float, sign: bool = False) -> str:
    return percent(x, signed=sign)


@dataclass(frozen=True)
class _Say:
    """Numbers and names of the audit's notes in one language (``"en"`` or ``"nl"``)."""

    lang: str

    def pct(self, x: float, sign: bool = False, decimals: int = 1) -> str:
        return percent(x, signed=sign, decimals=decimals, lang=self.lang)

    def num(self, x: float, decimals: int) -> str:
        """A plain number with ``decimals`` digits (``10.2``; ``10,2``)."""
        return number(x, decimals=decimals, lang=self.lang)

    def bn(self, x: float, decimals: int = 1) -> str:
        """An amount in billions without the currency sign (``8.0 bn``; ``8,0 mld.``)."""
        return eur(x, scale="bn", decimals=decimals, symbol=False, lang=self.lang)

    def money(self, x: float, decimals: int = 1, signed: bool = False) -> str:
        """An amount in billions with the currency sign (``EUR 8.0 bn``; ``€ 8,0 mld.``)."""
        return eur(x, scale="bn", decimals=decimals, signed=signed, lang=self.lang)

    def count(self, x: float) -> str:
        return count(x, lang=self.lang)

    def g(self, x: float) -> str:
        """A number as written (``1.5``; ``1,5``)."""
        return number(x, significant=6, grouping=False, lang=self.lang)

    def value(self, x: float, unit: str, digits: int = 1) -> str:
        """A published value by its unit: EUR in billions, a fraction as a percentage,
        anything else as a count."""
        if unit == "EUR":
            return self.bn(x, digits)
        if unit == "fraction":
            return self.pct(x)
        return self.count(x)

    def name(self, identifier: str) -> str:
        """An indicator in a note: its identifier in English (as the checks name it), its
        label in Dutch."""
        if self.lang == "en":
            return identifier
        text = label(identifier, self.lang, strict=False)
        first = text.split(" ", 1)[0]
        lower = first[:1].isupper() and first[1:].islower() and "-" not in first
        return text[:1].lower() + text[1:] if lower else text

    def source(self, text: str) -> str:
        """A page reference (``B24 p.7``) as the language writes it (``B24 blz. 7``)."""
        return text if self.lang == "en" else re.sub(r"\bp\.\s?(\d)", r"blz. \1", text)


# -- the notes, one template per reason and language ------------------------------------------
def _growth_levels(s: _Say, v: dict) -> str:
    minus = "-1" if s.lang == "en" else " - 1"
    return f"{s.num(v['end'] / 1e9, 1)}/{s.num(v['start'] / 1e9, 1)}{minus} = " \
           f"{s.pct(v['recomputed'], True)}"


def _growth_band(s: _Say, v: dict) -> str:
    lo, hi = s.pct(v["lower"], True), s.pct(v["upper"], True)
    return (f"rounded levels permit {lo} to {hi}" if s.lang == "en"
            else f"de afgeronde niveaus laten {lo} tot {hi} toe")


def _note_growth_consistent(s: _Say, v: dict) -> str:
    pub = s.pct(v["published"], True)
    if s.lang == "en":
        return (f"{_growth_levels(s, v)}; {_growth_band(s, v)}; the published {pub} is "
                "consistent within the rounding of the published levels")
    return (f"{_growth_levels(s, v)}; {_growth_band(s, v)}; de gepubliceerde {pub} past "
            "binnen de afronding van de gepubliceerde niveaus")


def _note_growth_inconsistent(s: _Say, v: dict) -> str:
    pub, price = s.pct(v["published"], True), s.pct(v["price_change"], True)
    ratio = f"{s.num(v['end'] / 1e9, 1)}/{s.num(1 + v['published'], 3)}"
    if s.lang == "en":
        return (f"published {pub}, but {_growth_levels(s, v)} ({_growth_band(s, v)}). What "
                f"could reconcile it: a base of {ratio} = {s.num(v['base'] / 1e9, 3)} bn "
                f"instead of {s.num(v['start'] / 1e9, 1)} bn (a different base year or "
                f"series); or {pub} is volume growth with prices up {price}; or growth of a "
                "constant panel of continuing firms (entrants excluded)")
    return (f"gepubliceerd {pub}, maar {_growth_levels(s, v)} ({_growth_band(s, v)}). Wat "
            f"het verschil kan verklaren: een basis van {ratio} = {s.bn(v['base'], 3)} in "
            f"plaats van {s.bn(v['start'])} (een ander basisjaar of een andere reeks); of "
            f"{pub} is de volumegroei, bij een prijsverandering van {price}; of het is de groei "
            "van een vast panel van blijvende bedrijven (zonder toetreders)")


def _note_ratio(s: _Say, v: dict) -> str:
    parts = (f"{s.name(v['numerator'])} / {s.name(v['denominator'])} = "
             f"{s.value(v['numerator_value'], v['numerator_unit'], 2)} / "
             f"{s.value(v['denominator_value'], v['denominator_unit'])} = "
             f"{s.pct(v['recomputed'])}")
    lo, hi, pub = s.pct(v["lower"]), s.pct(v["upper"]), s.pct(v["published"])
    if s.lang == "en":
        return (f"{parts} (rounded inputs: {lo} to {hi}); published {pub}"
                + (" (approximate)" if v["approximate"] else ""))
    return (f"{parts} (afgeronde invoer: {lo} tot {hi}); gepubliceerd {pub}"
            + (" (bij benadering)" if v["approximate"] else ""))


def _note_multiplier(s: _Say, v: dict) -> str:
    mult, fte = s.g(v["multiplier"]), s.count(v["fte_ds"])
    rec, lo, hi, pub = (s.count(v[k]) for k in ("recomputed", "lower", "upper", "published"))
    if s.lang == "en":
        return (f"{mult} x {fte} D&S FTE = {rec} FTE (rounded multiplier: {lo} to {hi}); "
                f"published ~{pub}")
    return (f"{mult} x {fte} fte in D&S = {rec} fte (met de afgeronde multiplier: {lo} tot "
            f"{hi}); gepubliceerd ca. {pub}")


def _note_size_class_share(s: _Say, v: dict) -> str:
    cats, total, firms = ", ".join(v["categories"]), s.count(v["small"]), s.count(v["firms"])
    rec, pub = s.pct(v["recomputed"]), s.pct(v["published"])
    if s.lang == "en":
        return (f"firms with fewer than 250 employees ({cats}): {total} / {firms} = {rec}; "
                f"published {pub}")
    return (f"bedrijven met minder dan 250 werknemers ({cats}): {total} / {firms} = {rec}; "
            f"gepubliceerd {pub}")


def _note_categories_sum(s: _Say, v: dict) -> str:
    n, total, pub = v["n"], s.count(v["recomputed"]), s.count(v["published"])
    if s.lang == "en":
        return f"{n} categories sum to {total}; published number of firms {pub}"
    return f"de {n} categorieën tellen op tot {total}; gepubliceerd aantal bedrijven {pub}"


def _note_other_edition(s: _Say, v: dict) -> str:
    ind, year = s.name(v["indicator"]), v["year"]
    one = f"{s.source(v['source'])} ({s.value(v['published'], v['unit'])})"
    two = f"{s.source(v['first_source'])} ({s.value(v['recomputed'], v['first_unit'])})"
    if s.lang == "en":
        return f"{ind} {year} as published by {one} and by {two}"
    return f"{_upper(ind)} {year} zoals gepubliceerd in {one} en in {two}"


def _note_expectation(s: _Say, v: dict) -> str:
    exp, rep = s.bn(v["published"]), s.bn(v["recomputed"])
    change = s.pct(v["recomputed"] / v["published"] - 1, True)
    if s.lang == "en":
        return (f"{v['key']} expected {exp} for {v['year']}; {v['other']} reports {rep} "
                f"({change}): an expectation from a separate survey with another population, "
                "not a rounding difference")
    return (f"{v['key']} verwachtte {exp} voor {v['year']}; {v['other']} meldt {rep} "
            f"({change}): een verwachting uit een afzonderlijke enquête onder een andere "
            "populatie, geen afrondingsverschil")


def _note_period_mean(s: _Say, v: dict) -> str:
    shares = "/".join(s.pct(x, decimals=0)[:-1] for x in v["shares"])
    pub, mean = s.pct(v["published"]), s.pct(v["recomputed"])
    period, src = f"{v['year_start']}-{v['year']}", s.source(v["source"])
    pooled = v.get("pooled")
    if s.lang == "en":
        text = (f"{v['source']} states {'~' if v['approximate'] else ''}{pub} for {period}; "
                f"{v['other']}'s shares {shares}% average {mean}")
        if pooled is not None:
            text += f" (turnover-weighted {s.pct(pooled)})"
        text += "; the gap exceeds the rounding of the published shares"
        if v["beyond_five_points"]:
            text += ", even if the stated figure is read as rounded to 5 points"
        return text
    text = (f"{src} noemt {'ca. ' if v['approximate'] else ''}{pub} voor {period}; de "
            f"aandelen in {v['other']} ({shares}%) zijn gemiddeld {mean}")
    if pooled is not None:
        text += f" (gewogen naar de omzet {s.pct(pooled)})"
    text += "; het verschil is groter dan de afronding van de gepubliceerde aandelen"
    if v["beyond_five_points"]:
        text += ", ook als het genoemde cijfer wordt gelezen als afgerond op 5 procentpunten"
    return text


def _note_different_sources(s: _Say, v: dict) -> str:
    asd, survey = s.pct(v["published"]), s.pct(v["recomputed"])
    if s.lang == "en":
        return (f"Dutch export share in the European comparison ({v['source']}, ASD data): "
                f"{asd}; the survey's export share ({v['other']}): {survey}. Different "
                "sources; do not mix them in one series")
    return (f"Nederlands exportaandeel in de Europese vergelijking ({s.source(v['source'])}, "
            f"gegevens van ASD): {asd}; het exportaandeel uit de enquête "
            f"({s.source(v['other'])}): {survey}. Verschillende bronnen: niet in één reeks "
            "combineren")


def _note_implied_total(s: _Say, v: dict) -> str:
    turnover, share = s.bn(v["turnover"]), s.pct(v["share"])
    total = s.money(v["recomputed"])
    lo, hi = s.num(v["lower"] / 1e9, 1), s.num(v["upper"] / 1e9, 1)
    same = s.num(v["turnover"] / 1e9, 1)
    exact = s.money(v["turnover"] / v["share"], 0)
    en = s.lang == "en"
    text = (f"informational (no published total): {turnover} / {share} = {total} total "
            f"turnover ({lo} to {hi} bn from rounding)" if en else
            f"ter informatie (er is geen totaal gepubliceerd): {turnover} / {share} = {total} "
            f"totale omzet ({lo} tot {hi} mld. door de afronding)")
    if v["same_digits"]:
        text += (f"; the same digits {same} appear as EUR bn and as %, which makes the total "
                 f"exactly {exact}: a coincidence, or one figure copied into the other" if en
                 else f"; dezelfde cijfers {same} staan er als miljarden euro en als "
                 f"percentage, wat het totaal precies {exact} maakt: toeval, of het ene cijfer "
                 "is in het andere overgenomen")
    for earlier in v["earlier"]:
        change = s.pct(v["recomputed"] / earlier["total"] - 1, True)
        text += (f"; vs {s.money(earlier['total'])} in {earlier['year']} ({change})" if en
                 else f"; tegenover {s.money(earlier['total'])} in {earlier['year']} "
                 f"({change})")
        if "firms" in earlier:
            f0, f1 = earlier["firms"]
            grew = s.pct(f1 / f0 - 1, True)
            text += (f" while the number of firms grew {grew} ({s.count(f0)} -> "
                     f"{s.count(f1)}, partly a scope change)" if en else
                     f", terwijl het aantal bedrijven met {grew} groeide (van {s.count(f0)} "
                     f"naar {s.count(f1)}, deels door een ruimere afbakening)")
    return text


def _note_market_share(s: _Say, v: dict) -> str:
    en = s.lang == "en"
    if "export" in v:
        text = (f"{s.name('ds_export_eur')} ({s.source(v['export_source'])}) "
                f"{s.bn(v['export'], 2)}")
    else:
        text = (f"{s.name('ds_turnover_eur')} x {s.name('export_share')} "
                f"({s.source(v['turnover_source'])}; {s.source(v['share_source'])}) "
                f"{s.bn(v['turnover'])} x {s.pct(v['share'])} = {s.bn(v['exports'], 2)}")
    eda, share = s.bn(v["procurement"], 0), s.pct(v["recomputed"])
    out = (f"informational proxy: {text} / EDA equipment procurement {eda} = {share}; not all "
           "NLDTIB exports go to EU procurement, so this is a proxy of the Dutch share of the "
           "European market" if en else
           f"benadering ter informatie: {text} / materieelaanschaf volgens EDA {eda} = "
           f"{share}; niet alle export van de NLDTIB gaat naar aanschaf in de EU, dus dit "
           "benadert het Nederlandse aandeel in de Europese markt")
    if v["lower_bound"]:
        out += ("; EDA procurement is a lower bound here, so the share is an upper bound" if en
                else "; de EDA-aanschaf is hier een ondergrens, dus het aandeel een bovengrens")
    if "previous" in v:
        before, year = s.pct(v["previous"]), v["previous_year"]
        falls = v["recomputed"] < v["previous"]
        out += (f"; {'falls' if falls else 'rises'} from {before} in {year} (L26 says the "
                "Dutch share of the European defence market is falling)" if en else
                f"; {'daalt' if falls else 'stijgt'} van {before} in {year} (volgens L26 "
                "daalt het Nederlandse aandeel in de Europese defensiemarkt)")
    return out


def _note_series_break(s: _Say, v: dict) -> str:
    a, b = s.count(v["recomputed"]), s.count(v["published"])
    change = s.pct(v["published"] / v["recomputed"] - 1, True)
    breaks = f"{v['break_before']} -> {v['break_after']}"
    if s.lang == "en":
        return (f"{a} ({v['first_source']}) -> {b} ({v['source']}), {change}: a trend break "
                f"(series_break {breaks}); the change mixes real growth with a change of "
                "method or scope, so levels must not be chained across it"
                + (f" ({v['source']}: {v['source_note']})" if v["source_note"] else ""))
    # the source's own note is data in English (published figures, column note): referred
    # to, not quoted
    return (f"{a} ({s.source(v['first_source'])}) naar {b} ({s.source(v['source'])}), "
            f"{change}: een trendbreuk (een nieuwe reeks vanaf {v['year']}); de verandering "
            "vermengt echte groei met een andere methode of afbakening, dus de niveaus mogen "
            "niet over de breuk heen aan elkaar worden gekoppeld"
            + (f" (zie de toelichting bij {s.source(v['source'])} in de gepubliceerde "
               "cijfers)" if v["source_note"] else ""))


#: The two questions of each pair of scale-up figures, in the words of each language.
_QUESTIONS = {
    "en": {"scale_up_current": "under current conditions",
           "scale_up_improved": "under improved conditions",
           "scale_up_expected": "expected", "scale_up_max": "maximum"},
    "nl": {"scale_up_current": "onder huidige omstandigheden",
           "scale_up_improved": "onder verbeterde omstandigheden",
           "scale_up_expected": "verwachte", "scale_up_max": "maximale"},
}


def _note_different_question(s: _Say, v: dict) -> str:
    words = _QUESTIONS[s.lang]
    new_q, old_q = words[v["indicator"]], words[v["other_indicator"]]
    new, old = s.pct(v["published"]), s.pct(v["recomputed"])
    if s.lang == "en":
        return (f"not comparable across editions: {v['source']} asks for the scale-up "
                f"possible {new_q} ({new}), {v['other']} for the {old_q} scale-up ({old}); the "
                "difference is not a change over time")
    return (f"niet vergelijkbaar tussen de edities: {s.source(v['source'])} vraagt naar de "
            f"mogelijke opschaling {new_q} ({new}), {s.source(v['other'])} naar de {old_q} "
            f"opschaling ({old}); het verschil is geen verandering in de tijd")


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


#: The reason of each check (column ``reason`` of :func:`audit_published`) and the template
#: that writes its note from the check's numbers, in either language.
_NOTES: MappingProxyType = MappingProxyType({
    "growth_consistent": _note_growth_consistent,
    "growth_inconsistent": _note_growth_inconsistent,
    "ratio": _note_ratio,
    "multiplier": _note_multiplier,
    "size_class_share": _note_size_class_share,
    "categories_sum": _note_categories_sum,
    "other_edition": _note_other_edition,
    "expectation_vs_outcome": _note_expectation,
    "period_mean": _note_period_mean,
    "different_sources": _note_different_sources,
    "implied_total": _note_implied_total,
    "market_share_proxy": _note_market_share,
    "series_break": _note_series_break,
    "different_question": _note_different_question,
})


class _Figures:
    """Lookup of published figures (with their rounding intervals) by key."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        # the row positions of every indicator (in table order), looked up many times
        try:
            self._rows: dict | None = df.groupby("indicator", sort=False, observed=True).indices
        except TypeError:  # unhashable labels: compare row by row
            self._rows = None

    def iv(self, row) -> _Iv:
        res = row.resolution
        if not np.isfinite(res):
            res = AUDIT_TOLERANCES["default_resolution"].get(row.unit, 0.0)
        h = AUDIT_TOLERANCES["rounding_fraction"] * res
        return _Iv(row.value, row.value - h, row.value + h)

    def rows(self, indicator: str, **eq) -> pd.DataFrame:
        if self._rows is None:
            sel = self.df[self.df["indicator"] == indicator]
        else:
            positions = self._rows.get(indicator)
            sel = self.df.iloc[positions if positions is not None else []]
        for col, val in eq.items():
            sel = sel[sel[col] == val]
        return sel

    def get(self, indicator: str, year: int, key: str | None = None, category: str = "",
            year_start: int | None = None):
        """The row of one point figure (``year_start == year`` unless given), or None."""
        eq = {"year": year, "category": category,
              "year_start": year if year_start is None else year_start}
        if key is not None:
            eq["key"] = key
        sel = self.rows(indicator, **eq).sort_values("edition", kind="stable")
        return None if sel.empty else next(sel.itertuples())


def _prepare(published: pd.DataFrame | None) -> pd.DataFrame:
    if published is None:
        published = load_published()
    if not isinstance(published, pd.DataFrame):
        raise InputError(f"published must be a pandas DataFrame, got {type(published).__name__}")
    missing = [c for c in ("indicator", "year", "value", "unit", "source")
               if c not in published.columns]
    if missing:
        raise InputError("published figures lack required columns",
                         [Problem(c, "required column is missing") for c in missing])
    df = published.copy()
    defaults = {"category": "", "year_start": df["year"], "resolution": np.nan,
                "series_break": 0, "edition": 0, "note": "", "approximate": False}
    for col, default in defaults.items():
        if col not in df.columns:
            df[col] = default
    df["category"] = df["category"].fillna("").astype(str)
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    df["resolution"] = pd.to_numeric(df["resolution"], errors="coerce").astype("float64")
    df["key"] = source_key(df["source"])
    df = df[np.isfinite(df["value"])]
    key = ["indicator", "category", "year_start", "year", "source"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        raise InputError("published figures: ambiguous duplicates",
                         [Problem(", ".join(key), "must be unique", tuple(df.index[dup][:5]),
                                  int(dup.sum()))])
    return df.sort_values(["edition", "year"], kind="stable").reset_index(drop=True)


def _record(group, check, indicator, year, pub, rec, say: _Say, reason: str, values: dict,
            status=None) -> dict:
    """One row of the audit; its note is written from ``values`` by the template of
    ``reason`` (:data:`_NOTES`) in the language of ``say``."""
    if status is None:
        if pub is None or not np.isfinite(rec.mid):
            status = "ok"
        else:
            slack = AUDIT_TOLERANCES["relative_slack"] * max(abs(pub.mid), abs(rec.mid), 1.0)
            overlap = pub.lo <= rec.hi + slack and rec.lo <= pub.hi + slack
            status = "ok" if overlap else "inconsistent"
    published = math.nan if pub is None else pub.mid
    values = {"published": published, "recomputed": rec.mid, "lower": rec.lo,
              "upper": rec.hi, **values}
    return {"check": check, "published": published, "recomputed": rec.mid,
            "difference": published - rec.mid, "status": status,
            "note": _NOTES[reason](say, values),
            "group": group, "indicator": indicator, "year": int(year),
            "lower": rec.lo, "upper": rec.hi, "reason": reason}


def _growth_checks(f: _Figures, say: _Say) -> list[dict]:
    out = []
    for growth, level in _GROWTH_OF.items():
        for row in f.rows(growth).itertuples():
            y0, y1, k = row.year_start, row.year, row.key
            a = f.get(level, y0, k, row.category)
            b = f.get(level, y1, k, row.category)
            if a is None or b is None or y0 == y1:
                continue
            pub, rec = f.iv(row), (f.iv(b) / f.iv(a)).shift(-1.0)
            values = {"start": a.value, "end": b.value,
                      "base": b.value / (1 + pub.mid),
                      "price_change": (1 + rec.mid) / (1 + pub.mid) - 1}
            check = f"{growth} {y0}->{y1} ({k})"
            r = _record("growth", check, growth, y1, pub, rec, say, "growth_consistent", values)
            if r["status"] != "ok":
                r = _record("growth", check, growth, y1, pub, rec, say, "growth_inconsistent",
                            values)
            out.append(r)
    return out


def _share_checks(f: _Figures, say: _Say) -> list[dict]:
    out = []
    for result, num, den in _RATIOS:
        for row in f.rows(result, category="").itertuples():
            if row.year_start != row.year:
                continue
            n, d = f.get(num, row.year, row.key), f.get(den, row.year, row.key)
            if n is None or d is None:
                continue
            pub, rec = f.iv(row), f.iv(n) / f.iv(d)
            values = {"numerator": num, "denominator": den, "numerator_value": n.value,
                      "denominator_value": d.value, "numerator_unit": n.unit,
                      "denominator_unit": d.unit, "approximate": bool(row.approximate)}
            out.append(_record("share", f"{result} {row.year} = {num} / {den} ({row.key})",
                               result, row.year, pub, rec, say, "ratio", values))
    for row in f.rows("fte_indirect", category="").itertuples():
        m = f.get("indirect_employment_multiplier", row.year, row.key)
        d = f.get("fte_ds", row.year, row.key)
        if m is None or d is None:
            continue
        pub, rec = f.iv(row), f.iv(m) * f.iv(d)
        out.append(_record("share", f"fte_indirect {row.year} = multiplier x fte_ds "
                           f"({row.key})", "fte_indirect", row.year, pub, rec, say,
                           "multiplier", {"multiplier": m.value, "fte_ds": d.value}))
    for row in f.rows("sme_share", category="").itertuples():
        classes = f.rows("firms_by_size_class", year=row.year, key=row.key)
        small = classes[classes["category"].map(
            lambda c: c in SIZE_CLASS_BOUNDS and SIZE_CLASS_BOUNDS[c][1] <= 250)]
        firms = f.get("firms", row.year, row.key)
        if small.empty or firms is None:
            continue
        total = _Iv(0.0, 0.0, 0.0)
        for r in small.itertuples():
            total = total + f.iv(r)
        pub, rec = f.iv(row), total / f.iv(firms)
        values = {"categories": tuple(small["category"]), "small": total.mid,
                  "firms": firms.value}
        out.append(_record("share", f"sme_share {row.year} = firms < 250 employees / firms "
                           f"({row.key})", "sme_share", row.year, pub, rec, say,
                           "size_class_share", values))
    return out


def _structure_checks(f: _Figures, say: _Say) -> list[dict]:
    out = []
    for part in ("firms_by_size_class", "firms_by_domain"):
        rows = f.rows(part)
        for (year, key), g in rows.groupby(["year", "key"], sort=True):
            firms = f.get("firms", year, key)
            if firms is None:
                continue
            total = _Iv(0.0, 0.0, 0.0)
            for r in g.itertuples():
                total = total + f.iv(r)
            out.append(_record("structure", f"{part} {year}: sum of categories = firms ({key})",
                               part, year, f.iv(firms), total, say, "categories_sum",
                               {"n": len(g)}))
    return out


def _edition_checks(f: _Figures, say: _Say) -> list[dict]:
    """The same figure (indicator, category, period) published by several sources."""
    out = []
    df = f.df[~f.df["indicator"].isin(["ds_turnover_expected_eur"])]
    for (ind, _cat, _y0, y1), g in df.groupby(["indicator", "category", "year_start", "year"],
                                            sort=True):
        if g["key"].nunique() < 2:
            continue
        first = next(g.itertuples())
        for row in g.iloc[1:].itertuples():
            if row.key == first.key:
                continue
            values = {"indicator": ind, "year": y1, "source": row.source, "unit": row.unit,
                      "first_source": first.source, "first_unit": first.unit}
            out.append(_record("edition", f"{ind} {y1}: {row.key} vs {first.key}", ind, y1,
                               f.iv(row), f.iv(first), say, "other_edition", values))
    return out


def _cross_source_checks(f: _Figures, say: _Say) -> list[dict]:
    out = []
    for row in f.rows("ds_turnover_expected_eur").itertuples():
        real = f.rows("ds_turnover_eur", year=row.year, category="", year_start=row.year)
        real = real[real["key"] != row.key]
        if real.empty:
            continue
        r = next(real.sort_values("edition").iloc[[-1]].itertuples())
        out.append(_record("cross_source", f"ds_turnover_eur {row.year}: {row.key} expected vs "
                           f"{r.key}", "ds_turnover_eur", row.year, f.iv(row), f.iv(r), say,
                           "expectation_vs_outcome",
                           {"key": row.key, "other": r.key, "year": row.year}))
    for row in f.rows("export_share", category="").itertuples():
        if row.year_start >= row.year:
            continue
        years = range(row.year_start, row.year + 1)
        other = f.df[(f.df["indicator"] == "export_share") & (f.df["key"] != row.key)
                     & (f.df["year_start"] == f.df["year"]) & f.df["year"].isin(years)
                     & (f.df["category"] == "")]
        if other["year"].nunique() < 2:
            continue
        key = other["key"].value_counts().index[0]
        pts = other[other["key"] == key].drop_duplicates("year")
        pub, rec = f.iv(row), _Iv.mean([f.iv(r) for r in pts.itertuples()])
        values = {"source": row.source, "approximate": bool(row.approximate),
                  "year_start": row.year_start, "year": row.year, "other": key,
                  "shares": tuple(float(v) for v in pts["value"]),
                  "beyond_five_points": not (pub.mid - 0.025 <= rec.hi
                                             and rec.lo <= pub.mid + 0.025)}
        exp = [f.get("ds_export_eur", y, key) for y in pts["year"]]
        tur = [f.get("ds_turnover_eur", y, key) for y in pts["year"]]
        if all(e is not None for e in exp + tur):
            values["pooled"] = sum(e.value for e in exp) / sum(t.value for t in tur)
        out.append(_record("cross_source", f"export_share {row.year_start}-{row.year}: "
                           f"{row.key} vs mean of {key}", "export_share", row.year, pub, rec,
                           say, "period_mean", values))
    for row in f.rows("asd_export_share", category="netherlands").itertuples():
        s = f.get("export_share", row.year, row.key)
        if s is None:
            continue
        out.append(_record("cross_source", f"export_share {row.year}: ASD ({row.source}) vs "
                           f"survey ({s.source})", "export_share", row.year, f.iv(row),
                           f.iv(s), say, "different_sources",
                           {"source": row.source, "other": s.source}))
    return out


def _implied_checks(f: _Figures, say: _Say) -> list[dict]:
    out: list[dict] = []
    seen: list[tuple[int, float]] = []  # (year, implied total turnover)
    firms = {r.year: r.value for r in f.rows("firms", category="").itertuples()
             if r.year_start == r.year}
    for key, g in f.rows("ds_turnover_share", category="").groupby("key", sort=False):
        years = [y for y in sorted(g["year"]) if f.get("ds_turnover_eur", y, key) is not None]
        if not years:
            continue
        y = years[-1]
        t, s = f.get("ds_turnover_eur", y, key), f.get("ds_turnover_share", y, key)
        rec = f.iv(t) / f.iv(s)
        earlier = []
        for y0, tot0 in seen:
            item: dict = {"year": y0, "total": tot0}
            if y0 in firms and y in firms:
                item["firms"] = (firms[y0], firms[y])
            earlier.append(item)
        values = {"turnover": t.value, "share": s.value, "earlier": earlier,
                  "same_digits": round(t.value / 1e9, 1) == round(s.value * 100, 1)}
        seen.append((y, rec.mid))
        out.append(_record("implied", f"implied total turnover {y} = ds_turnover_eur / "
                           f"ds_turnover_share ({key})", "total_turnover_eur", y, None, rec,
                           say, "implied_total", values))
    return out


def _market_share_checks(f: _Figures, market: pd.DataFrame, say: _Say) -> list[dict]:
    proc = market[market["series"] == "eda_equipment_procurement_eur"]
    out: list[dict] = []
    for m in proc.sort_values("year").itertuples():
        e = f.get("ds_export_eur", m.year)
        values: dict = {"procurement": m.value, "lower_bound": "lower bound" in str(m.note)}
        if e is not None:
            export = f.iv(e)
            values |= {"export": e.value, "export_source": e.source}
        else:
            t, s = f.get("ds_turnover_eur", m.year), f.get("export_share", m.year)
            if t is None or s is None:
                continue
            export = f.iv(t) * f.iv(s)
            values |= {"turnover": t.value, "share": s.value, "exports": export.mid,
                       "turnover_source": t.source, "share_source": s.source}
        res = 1e9 if m.value == round(m.value, -9) else 1e8
        eda = _Iv(m.value, m.value - res / 2, m.value + res / 2)
        rec = export / eda
        if out:
            values |= {"previous": out[-1]["recomputed"], "previous_year": out[-1]["year"]}
        out.append(_record("market_share", f"NL share of EU equipment procurement {m.year} "
                           "(proxy)", "nl_share_eu_procurement", m.year, None, rec, say,
                           "market_share_proxy", values))
    return out


def _comparability_checks(f: _Figures, say: _Say) -> list[dict]:
    out = []
    firms = f.rows("firms", category="")
    firms = firms[firms["year_start"] == firms["year"]].sort_values(["year", "edition"])
    firms = firms.drop_duplicates("year")
    prev = None
    for row in firms.itertuples():
        if prev is not None and prev.series_break != row.series_break:
            values = {"first_source": prev.source, "source": row.source, "year": row.year,
                      "break_before": prev.series_break, "break_after": row.series_break,
                      "source_note": str(row.note or "")}
            out.append(_record("comparability", f"firms {prev.year}->{row.year}: series break "
                               f"({prev.key} -> {row.key})", "firms", row.year, f.iv(row),
                               f.iv(prev), say, "series_break", values, "inconsistent"))
        prev = row
    pairs = (("scale_up_current", "scale_up_expected"), ("scale_up_improved", "scale_up_max"))
    for new, old in pairs:
        a, b = f.rows(new, category=""), f.rows(old, category="")
        if a.empty or b.empty:
            continue
        ra, rb = next(a.iloc[[-1]].itertuples()), next(b.iloc[[-1]].itertuples())
        values = {"indicator": new, "other_indicator": old, "source": ra.source,
                  "other": rb.source}
        out.append(_record("comparability", f"{new} {ra.year} ({ra.key}) vs {old} {rb.year} "
                           f"({rb.key})", new, ra.year, f.iv(ra), f.iv(rb), say,
                           "different_question", values, "inconsistent"))
    return out


def audit_published(published: pd.DataFrame | None = None,
                    market: pd.DataFrame | None = None, *, lang: str = "en") -> pd.DataFrame:
    """Recompute every published figure that can be derived from others, and compare.

    Parameters
    ----------
    published : pandas.DataFrame, optional
        Published figures in the layout of :func:`~nldtib_forecast.data.load_published`
        (default: that table). Required columns ``indicator, year, value, unit, source``;
        ``category``, ``year_start``, ``resolution``, ``series_break`` and ``edition`` are
        used when present. The audit is pure arithmetic on this frame: pass a modified copy to
        see how the checks change. Checks whose inputs are missing are left out.
    market : pandas.DataFrame, optional
        European market data in the long layout of
        :func:`~nldtib_forecast.data.load_european_market` (``long=True``, the default);
        used for the implied Dutch share of European equipment procurement.
    lang : {"en", "nl"}, default "en"
        Language of the column ``note`` (:func:`nldtib_forecast.labels.check_language`):
        English, or Dutch for a Dutch report (``nldtib-forecast report --lang nl``). Every
        other column is the same in both.

    Returns
    -------
    pandas.DataFrame
        One row per check, columns ``check, published, recomputed, difference, status,
        note`` followed by ``group, indicator, year, lower, upper, reason``. ``recomputed`` is
        computed from the central published values and ``[lower, upper]`` is the interval
        the rounded inputs permit; ``difference = published - recomputed``. ``status`` is
        ``"ok"`` or ``"inconsistent"``; ``note`` explains the arithmetic and, for an
        inconsistency, what could explain it. Rows are sorted by ``group``: ``growth``
        (growth rates from levels), ``share`` (shares and ratios from levels), ``structure``
        (breakdowns summing to totals), ``edition`` (one figure in several publications),
        ``cross_source`` (figures from different sources on one quantity), ``implied``
        (implied totals), ``market_share`` (Dutch share of European procurement) and
        ``comparability`` (trend breaks, questions that differ between editions).
        ``reason`` says, as a code for programs, what the check found and which template
        wrote its note: ``growth_consistent``, ``growth_inconsistent``, ``ratio``,
        ``multiplier``, ``size_class_share``, ``categories_sum``, ``other_edition``,
        ``expectation_vs_outcome``, ``period_mean``, ``different_sources``,
        ``implied_total``, ``market_share_proxy``, ``series_break`` and
        ``different_question``.

    Raises
    ------
    nldtib_forecast.InputError
        If required columns are missing, a figure appears twice, or ``lang`` is not a
        language of the package.

    See Also
    --------
    load_published : The figures audited.
    AUDIT_TOLERANCES : The rounding tolerances of the checks.

    Notes
    -----
    Tolerance (:data:`AUDIT_TOLERANCES`): a figure published with resolution ``r`` (the unit of
    its last digit, e.g. ``1e8`` for "EUR 8.0 bn") lies in ``[value - r/2, value + r/2]``.
    A derived figure is recomputed with interval arithmetic on those intervals (a growth
    rate from levels 4.7 and 7.7 bn lies in ``[7.65/4.75 - 1, 7.75/4.65 - 1]`` =
    [61.1%, 66.7%]). The published figure is ``"ok"`` if its own rounding interval overlaps
    the recomputed interval, so B24's +62% (2021->2023) is ok although 7.7/4.7 - 1 = 63.8%,
    while L26's +21.5% for 8.0 -> 10.2 bn (26.1% to 28.9%) is inconsistent.

    Approximate figures ("~12%") are treated like rounded ones at their last digit.
    Informational checks (implied totals, the implied Dutch market share; ``published`` is
    NaN) are always ``"ok"``. Comparability checks (the firm counts across a
    ``series_break``, scale-up questions that differ between B24 and L26) are
    ``"inconsistent"`` by definition: the figures must not be compared or chained; the note
    says why.

    The notes are written from the numbers of each check by one template per ``reason`` and
    language, with the numbers formatted for that language (``lang="nl"``: ``10,2/8,0 - 1 =
    +27,5%``, indicators by their Dutch labels); the other columns do not depend on
    ``lang``, so a Dutch table lines up row by row with the English one.

    Examples
    --------
    >>> from nldtib_forecast.data import audit_published, load_published
    >>> audit = audit_published().set_index("check")
    >>> audit.loc["ds_turnover_growth 2024->2025 (L26)", "status"]
    'inconsistent'
    >>> round(float(audit.loc["ds_turnover_growth 2024->2025 (L26)", "recomputed"]), 3)
    0.275
    >>> audit.loc["ds_turnover_growth 2021->2023 (B24)", "status"]
    'ok'

    A modified frame changes the audit: with a 2024 base of EUR 8.39 bn the +21.5% holds.

    >>> pub = load_published()
    >>> base = (pub.indicator == "ds_turnover_eur") & (pub.year == 2024) & (pub.edition == 2026)
    >>> pub.loc[base, ["value", "resolution"]] = [8.39e9, 1e7]
    >>> audit_published(pub).set_index("check").loc[
    ...     "ds_turnover_growth 2024->2025 (L26)", "status"]
    'ok'

    The same check in Dutch:

    >>> dutch = audit_published(lang="nl").set_index("check")
    >>> dutch.loc["ds_turnover_growth 2024->2025 (L26)", "note"][:47]
    'gepubliceerd +21,5%, maar 10,2/8,0 - 1 = +27,5%'
    >>> dutch.loc["ds_turnover_growth 2024->2025 (L26)", "reason"]
    'growth_inconsistent'
    """
    lang = check_language(lang)
    if market is None and (published is None or _is_embedded(published)):
        return _embedded_audit(lang).copy()  # the embedded figures: audited once
    return _audit(published, market, lang)


def _is_embedded(published: object) -> bool:
    """Whether ``published`` is a frame equal to :func:`load_published` (same columns,
    dtypes, index and values), whose audit is that of the embedded figures."""
    if not isinstance(published, pd.DataFrame):
        return False
    embedded = load_published()
    return published.shape == embedded.shape and published.equals(embedded)


@functools.lru_cache(maxsize=4)
def _embedded_audit(lang: str) -> pd.DataFrame:
    """The audit of the embedded published figures and market data, per language (they do
    not change within a process; callers get a copy)."""
    return _audit(None, None, lang)


def _audit(published: pd.DataFrame | None, market: pd.DataFrame | None,
           lang: str) -> pd.DataFrame:
    say = _Say(lang)
    f = _Figures(_prepare(published))
    if market is None:
        from nldtib_forecast.data._market import load_european_market

        market = load_european_market(long=True)
    if not isinstance(market, pd.DataFrame) or not {"year", "series", "value"} <= set(
            market.columns):
        raise InputError("market must be a long DataFrame with columns year, series, value "
                         "(load_european_market(long=True))")
    records = (_growth_checks(f, say) + _share_checks(f, say) + _structure_checks(f, say)
               + _edition_checks(f, say) + _cross_source_checks(f, say)
               + _implied_checks(f, say) + _market_share_checks(f, market, say)
               + _comparability_checks(f, say))
    out = pd.DataFrame.from_records(records, columns=list(AUDIT_COLUMNS))
    out["_g"] = out["group"].map({g: i for i, g in enumerate(_GROUPS)})
    out = out.sort_values(["_g"], kind="stable").drop(columns="_g").reset_index(drop=True)
    for col in ("published", "recomputed", "difference", "lower", "upper"):
        out[col] = out[col].astype("float64")
    out["year"] = out["year"].astype("int64")
    return out


# ---------------------------------------------------------------------------------------------
# Reconciling a stated growth rate with the published levels: the continuing-firms reading
# ---------------------------------------------------------------------------------------------
#: Rows of :func:`continuing_firms_reconciliation`, in output order: (quantity, unit, kind).
RECONCILIATION_ROWS: tuple[tuple[str, str, str], ...] = (
    ("ds_turnover_start_eur", "EUR", "published"),
    ("ds_turnover_end_eur", "EUR", "published"),
    ("stated_growth", "fraction", "published"),
    ("nominal_growth", "fraction", "computed"),
    ("gap", "fraction", "computed"),
    ("continuing_growth", "fraction", "assumption"),
    ("exit", "fraction", "assumption"),
    ("entry", "fraction", "computed"),
    ("net_entry", "fraction", "computed"),
    ("net_entry_share_of_growth", "fraction", "computed"),
    ("entrants_turnover_eur", "EUR", "computed"),
    ("entrants_share_of_end", "fraction", "computed"),
    ("implied_start_eur", "EUR", "computed"),
    ("start_difference_eur", "EUR", "computed"),
)


def _corners(fn: Callable[..., float], *ivs: _Iv) -> _Iv:
    """``fn`` at the central values, and its extremes over the corners of the input box.

    Exact bounds for a function that is monotone in each argument over the box (every
    quantity of :func:`continuing_firms_reconciliation` is).
    """
    values = [fn(*corner) for corner in np.array(np.meshgrid(*[(i.lo, i.hi) for i in ivs]))
              .reshape(len(ivs), -1).T]
    return _Iv(fn(*(i.mid for i in ivs)), min(values), max(values))


def _growth_figure(f: _Figures, year: int | None):
    """The stated growth row and the two level rows of the same source it refers to."""
    rows = f.rows("ds_turnover_growth", category="")
    rows = rows[rows["year_start"] < rows["year"]]
    found = []
    for row in rows.itertuples():
        a = f.get("ds_turnover_eur", row.year_start, row.key)
        b = f.get("ds_turnover_eur", row.year, row.key)
        if a is not None and b is not None:
            found.append((row.year, row.edition, row, a, b))
    if year is not None:
        if not (rows["year"] == year).any():
            raise InputError(f"argument 'year': no published D&S turnover growth rate "
                             f"(indicator 'ds_turnover_growth') ending in {year}")
        found = [x for x in found if x[0] == year]
        if not found:
            raise InputError(f"argument 'year': the D&S turnover growth rate ending in {year} "
                             "has no published D&S turnover levels ('ds_turnover_eur') for "
                             "both of its years from the same source")
    if not found:
        raise InputError("published figures: no D&S turnover growth rate "
                         "('ds_turnover_growth') with published levels ('ds_turnover_eur') "
                         "for both of its years from the same source")
    return max(found, key=lambda x: (x[0], x[1]))[2:]


def continuing_firms_reconciliation(published: pd.DataFrame | None = None, *,
                                    year: int | None = None,
                                    exit_share: float = 0.0) -> pd.DataFrame:
    """What a stated growth rate implies if it is the growth of continuing firms.

    The 2026 letter reports D&S turnover of EUR 8.0 bn (2024) and 10.2 bn (2025), "an
    increase of 21.5%", but 10.2 / 8.0 - 1 = +27.5%. One reading that reconciles the two:
    +21.5% is the growth of the firms present in both years (continuing firms), and the rest
    of the growth comes from entrants (including firms added by a change of scope). This
    function works that reading out from the published figures alone, with the interval each
    quantity may lie in because the figures are rounded, and also the other arithmetic
    reading: the base-year level for which the stated rate holds for all firms.

    Parameters
    ----------
    published : pandas.DataFrame, optional
        Published figures in the layout of :func:`~nldtib_forecast.data.load_published`
        (default: that table), as for :func:`audit_published`. It needs a
        ``ds_turnover_growth`` figure and the ``ds_turnover_eur`` levels of both of its years
        from the same source. Pure arithmetic on this frame: pass a modified copy to see how
        the answer changes.
    year : int, optional
        Last year of the growth rate (default: the latest one with both levels published;
        2025 for the embedded figures, the letter's 2024 -> 2025).
    exit_share : float, default 0.0
        Share of the first year's D&S turnover earned by firms that left before the second
        year, a number in ``[0, 1)``. Not published; 0 means no exits. With exits the
        continuing firms' base is smaller, so entrants must account for more of the growth.

    Returns
    -------
    pandas.DataFrame
        One row per quantity (index ``quantity``), columns ``value, lower, upper, unit, kind,
        note``. ``value`` is computed from the central published values, ``[lower, upper]``
        is the range the rounded figures permit. ``unit`` is ``"EUR"`` or ``"fraction"``
        (growth rates, and contributions in growth points: fractions of the first year's
        turnover). ``kind`` says what the row is: ``"published"`` (a figure as published),
        ``"assumption"`` (the reading being tested) or ``"computed"``. The rows, with
        ``T0, T1`` the two levels, ``g`` the stated rate and ``e`` the exit share:

        ``ds_turnover_start_eur, ds_turnover_end_eur, stated_growth``
            the published ``T0``, ``T1`` and ``g``;
        ``nominal_growth``
            ``T1 / T0 - 1``, the growth of all firms the published levels give;
        ``gap``
            ``nominal_growth - g``: the growth points the stated rate leaves unexplained;
        ``continuing_growth, exit``
            the reading: continuing firms grew by ``g``; exiters held ``e`` of ``T0``;
        ``entry``
            entrants' turnover in the second year as a fraction of ``T0``:
            ``T1 / T0 - (1 - e)(1 + g)``;
        ``net_entry, net_entry_share_of_growth``
            ``entry - exit``, and its share of ``nominal_growth``;
        ``entrants_turnover_eur, entrants_share_of_end``
            entrants' turnover ``T1 - (1 - e)(1 + g) T0`` in EUR and as a share of ``T1``;
        ``implied_start_eur, start_difference_eur``
            the other reading: the first-year level ``T1 / (1 + g)`` for which ``g`` is the
            growth of all firms, and its difference from the published ``T0``.

        The names ``nominal_growth, continuing_growth, entry, exit, net_entry`` are those of
        :func:`~nldtib_forecast.models.price_volume.decompose_turnover`'s table, which
        estimates the same quantities from survey microdata. ``attrs`` record the source,
        the two years, ``exit_share`` and the assumptions.

    Raises
    ------
    nldtib_forecast.InputError
        If ``published`` is not a DataFrame, lacks required columns or has duplicate
        figures; if it holds no growth rate with both levels (for ``year``, when given); if
        ``year`` is not a whole number; if ``exit_share`` is not a number in ``[0, 1)``; or if
        a level is not positive or the stated rate is -100% or less.

    See Also
    --------
    audit_published : Flags the inconsistency and lists the readings that could resolve it.
    nldtib_forecast.models.price_volume.decompose_turnover : The same split estimated from
        survey microdata (continuing firms' growth, entry and exit, with design-based
        intervals): the test of this reading.
    nldtib_forecast.models.price_volume.implied_price_change : The third reading, the stated
        rate as volume growth.

    Notes
    -----
    Growth of all firms splits exactly into continuing firms, entrants and exiters:
    ``nominal_growth = (1 - e) * continuing_growth + entry - exit``, the identity of
    :func:`~nldtib_forecast.models.price_volume.decompose_turnover`. Setting
    ``continuing_growth`` to the stated rate leaves ``entry`` as the residual. Assumptions:
    the two published levels cover the same population definition except for entry (a
    change of scope between the years counts as entry), the stated rate refers to exactly the
    continuing firms' turnover in both years, and the exit share is as given (default none).
    Because exits only enlarge the residual, ``exit_share=0`` gives the *smallest* entry
    contribution consistent with the reading.

    Rounding follows :data:`AUDIT_TOLERANCES`: a figure with resolution ``r`` lies in
    ``[value - r/2, value + r/2]`` (EUR 8.0 bn in [7.95, 8.05] bn, +21.5% in [21.45%,
    21.55%]). Every quantity is monotone in each published figure, so its bounds are its
    extremes over the corners of that box (exact, not the wider bounds of interval
    arithmetic applied term by term). ``exit_share`` is treated as exact.

    The arithmetic cannot tell the readings apart; the survey microdata can: the design-based
    estimate of the continuing firms' growth either is compatible with the stated rate or it
    is not.

    Examples
    --------
    >>> from nldtib_forecast.data import continuing_firms_reconciliation, load_published
    >>> rec = continuing_firms_reconciliation()
    >>> rec.loc[["nominal_growth", "continuing_growth", "entry"], "value"].round(3).tolist()
    [0.275, 0.215, 0.06]
    >>> round(float(rec.loc["entrants_turnover_eur", "value"]) / 1e9, 2)  # 10.2 - 8.0 x 1.215
    0.48
    >>> [round(float(rec.loc["entrants_turnover_eur", b]) / 1e9, 3) for b in ("lower", "upper")]
    [0.365, 0.595]
    >>> round(float(rec.loc["implied_start_eur", "value"]) / 1e9, 3)  # 10.2 / 1.215
    8.395

    With exits, entrants account for more of the growth:

    >>> with_exits = continuing_firms_reconciliation(exit_share=0.02)
    >>> round(float(with_exits.loc["entry", "value"]), 4)  # 1.275 - 0.98 x 1.215
    0.0843

    A modified frame changes the answer: with a 2024 level of EUR 8.39 bn the stated +21.5%
    is (nearly) the growth of all firms, and entry is close to zero.

    >>> pub = load_published()
    >>> base = (pub.indicator == "ds_turnover_eur") & (pub.year == 2024) & (pub.edition == 2026)
    >>> pub.loc[base, ["value", "resolution"]] = [8.39e9, 1e7]
    >>> round(float(continuing_firms_reconciliation(pub).loc["entry", "value"]), 4)
    0.0007
    """
    year = check_year(year, "year", optional=True)
    if not isinstance(exit_share, Real) or isinstance(exit_share, bool | np.bool_):
        raise InputError(f"argument 'exit_share': must be a number in [0, 1), got "
                         f"{type(exit_share).__name__}")
    e = float(exit_share)
    if not (0.0 <= e < 1.0):
        raise InputError(f"argument 'exit_share': must be in [0, 1) (a share of the first "
                         f"year's turnover), got {exit_share!r}")
    f = _Figures(_prepare(published))
    row, a, b = _growth_figure(f, year)
    t0, t1, g = f.iv(a), f.iv(b), f.iv(row)
    if t0.lo <= 0 or t1.lo <= 0:
        raise InputError("published figures: D&S turnover levels must be positive (their "
                         "rounding intervals too)",
                         [Problem("ds_turnover_eur", "must be positive")])
    if g.lo <= -1:
        raise InputError("published figures: the stated growth rate must exceed -100%",
                         [Problem("ds_turnover_growth", "must be > -1")])
    y0, y1 = int(row.year_start), int(row.year)
    src = row.key
    q: dict[str, _Iv] = {
        "ds_turnover_start_eur": t0,
        "ds_turnover_end_eur": t1,
        "stated_growth": g,
        "nominal_growth": _corners(lambda x0, x1: x1 / x0 - 1.0, t0, t1),
        "gap": _corners(lambda x0, x1, r: x1 / x0 - 1.0 - r, t0, t1, g),
        "continuing_growth": g,
        "exit": _Iv(e, e, e),
        "entry": _corners(lambda x0, x1, r: x1 / x0 - (1 - e) * (1 + r), t0, t1, g),
        "net_entry": _corners(lambda x0, x1, r: x1 / x0 - (1 - e) * (1 + r) - e, t0, t1, g),
        "entrants_turnover_eur": _corners(lambda x0, x1, r: x1 - (1 - e) * (1 + r) * x0,
                                          t0, t1, g),
        "entrants_share_of_end": _corners(lambda x0, x1, r: 1 - (1 - e) * (1 + r) * x0 / x1,
                                          t0, t1, g),
        "implied_start_eur": _corners(lambda x1, r: x1 / (1 + r), t1, g),
        "start_difference_eur": _corners(lambda x0, x1, r: x1 / (1 + r) - x0, t0, t1, g),
    }
    nominal = q["nominal_growth"]
    if nominal.lo <= 0 <= nominal.hi:  # the share of a growth that may be zero is unbounded
        mid = q["net_entry"].mid / nominal.mid if nominal.mid else math.nan
        q["net_entry_share_of_growth"] = _Iv(mid, -math.inf, math.inf)
    else:
        q["net_entry_share_of_growth"] = _corners(
            lambda x0, x1, r: 1 - (1 - e) * r / (x1 / x0 - 1), t0, t1, g)

    def bn(x: float, d: int = 1) -> str:
        return eur(x, scale="bn", decimals=d)

    def rng(iv: _Iv, fmt: Callable[[float], str]) -> str:
        return f"rounding permits {fmt(iv.lo)} to {fmt(iv.hi)}"

    def pct(iv: _Iv) -> str:
        return rng(iv, lambda x: percent(x, signed=True))

    def pp(iv: _Iv) -> str:
        return rng(iv, percentage_points)

    def money(iv: _Iv) -> str:
        return rng(iv, lambda x: bn(x, 3))

    reading = f"if continuing firms grew {_pct(g.mid, True)}"
    ex = "no exits" if e == 0 else f"exiters held {percent(e)} of {y0} turnover"
    keep = "" if e == 0 else f"{1 - e:g} x "
    notes = {
        "ds_turnover_start_eur": f"{a.source}: D&S turnover {y0}, {bn(t0.mid)}; "
                                 f"{money(t0)}",
        "ds_turnover_end_eur": f"{b.source}: D&S turnover {y1}, {bn(t1.mid)}; {money(t1)}",
        "stated_growth": f"{row.source}: growth {y0}->{y1} as stated, {_pct(g.mid, True)}; "
                         f"{rng(g, lambda x: percent(x, decimals=2, signed=True))}",
        "nominal_growth": f"{t1.mid / 1e9:.1f}/{t0.mid / 1e9:.1f} - 1: growth of all firms "
                          f"from the published levels; {pct(nominal)}",
        "gap": f"growth from the levels minus the stated rate; {pp(q['gap'])}",
        "continuing_growth": f"assumption: the stated {_pct(g.mid, True)} is the growth of "
                             f"the firms present in both {y0} and {y1}",
        "exit": f"assumption: {ex} (exit_share, a fraction of {y0} turnover; not published)",
        "entry": f"entrants' {y1} turnover / {y0} turnover, {reading} and {ex}: "
                 f"(1 + nominal_growth) - (1 - exit)(1 + continuing_growth), in growth "
                 f"points; {pp(q['entry'])}",
        "net_entry": f"entry - exit, in growth points; {pp(q['net_entry'])}",
        "net_entry_share_of_growth": f"net_entry / nominal_growth: the part of the growth from "
                                     f"entry (and any change of scope) {reading}; "
                                     f"{rng(q['net_entry_share_of_growth'], percent)}",
        "entrants_turnover_eur": f"{t1.mid / 1e9:.1f} - {keep}{1 + g.mid:g} x "
                                 f"{t0.mid / 1e9:.1f} bn: entrants' {y1} turnover {reading} "
                                 f"and {ex}; {money(q['entrants_turnover_eur'])}",
        "entrants_share_of_end": f"entrants' share of {y1} D&S turnover {reading} and {ex}; "
                                 f"{rng(q['entrants_share_of_end'], percent)}",
        "implied_start_eur": f"other reading: {t1.mid / 1e9:.1f}/{1 + g.mid:g} = the {y0} level "
                             f"for which {_pct(g.mid, True)} is the growth of all firms "
                             f"(another base year or series); {money(q['implied_start_eur'])}",
        "start_difference_eur": f"implied minus published {y0} level; "
                                f"{money(q['start_difference_eur'])}",
    }
    out = pd.DataFrame.from_records(
        [{"quantity": name, "value": q[name].mid, "lower": q[name].lo, "upper": q[name].hi,
          "unit": unit, "kind": kind, "note": notes[name]}
         for name, unit, kind in RECONCILIATION_ROWS]).set_index("quantity")
    for col in ("value", "lower", "upper"):
        out[col] = out[col].astype("float64")
    out.attrs.update(
        source=src, year_start=y0, year=y1, exit_share=e,
        assumptions=(f"continuing firms' D&S turnover grew by the stated rate {y0}->{y1}",
                     f"exiters held {e:g} of the {y0} turnover",
                     "both levels cover the same population definition; a change of scope "
                     "counts as entry"),
        rounding="each published figure lies within half its resolution of the value "
                 "(AUDIT_TOLERANCES); bounds are exact extremes over the rounded figures")
    return out
