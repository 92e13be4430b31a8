"""The NLDTIB firm-level survey schema: one row per firm and reference year.

This module only *describes* the schema (column names, types, categories, ranges, which
questions are asked once per survey edition). Validation against it lives in
:mod:`nldtib_forecast.data._validate`; the synthetic survey in
:mod:`nldtib_forecast.data._synthetic` produces frames that follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "ColumnSpec",
    "EDITION_COLUMNS",
    "PLAUSIBILITY_BOUNDS",
    "SCHEMA",
    "SIZE_CLASS_BOUNDS",
    "schema_table",
]

#: Allowed labels of the categorical columns (order is meaningful for ``size_class``).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "nld_area": (
        "radars_sensors",
        "intelligent_systems",
        "space",
        "smart_materials",
        "quantum",
        "maritime",
        "other",
    ),
    "domain": ("land", "maritime", "air_space", "security"),
    "chain_position": ("oem", "tier1", "tier2", "tier3", "services", "logistics"),
    "size_class": ("0-25", "25-100", "100-250", "250-500", "500-2500", "2500+"),
    "passes_on_costs": ("full", "partial", "none"),
}

#: Employee bounds ``[lower, upper)`` of each size class (upper ``inf`` for the top class).
SIZE_CLASS_BOUNDS: dict[str, tuple[float, float]] = {
    "0-25": (1.0, 25.0),
    "25-100": (25.0, 100.0),
    "100-250": (100.0, 250.0),
    "250-500": (250.0, 500.0),
    "500-2500": (500.0, 2500.0),
    "2500+": (2500.0, float("inf")),
}


@dataclass(frozen=True)
class ColumnSpec:
    """Specification of one survey column.

    Attributes
    ----------
    name : str
        Column name.
    kind : {"str", "int", "float", "category", "bool"}
        Logical type. ``category`` columns take the labels in :data:`CATEGORIES`.
    description : str
        Meaning of the column.
    unit : str
        Unit (``"EUR"``, ``"fraction"``, ``"FTE"``, ``""``).
    lower, upper : float or None
        Closed bounds on valid values (``None``: unbounded).
    lower_open : bool
        If true the lower bound is strict (``x > lower``).
    nullable : bool
        Whether missing values are allowed. Edition questions are nullable (they are asked
        once per edition); price and cost changes are nullable (item non-response, and undefined
        in a firm's first year).
    edition_question : bool
        Asked once per survey edition and stored on the edition's last reference year.
    plausible_upper : float or None
        Plausibility bound: values above it are rejected as implausible (a unit or typing
        error, e.g. a percentage entered as a number) unless the check is overridden with
        ``validate_survey(df, plausibility=...)``. ``None``: no plausibility bound. Unlike
        ``lower``/``upper`` (rules every value must follow) it is a judgement; see
        :ref:`plausibility-bounds` for the reasons.

    See Also
    --------
    SCHEMA : The specification of every column.
    schema_table : The schema as a table.
    validate_survey : Checks a frame against the schema.

    Examples
    --------
    >>> from nldtib_forecast.data import SCHEMA
    >>> spec = {s.name: s for s in SCHEMA}['weight']
    >>> spec.kind, spec.unit, spec.nullable
    ('float', '', False)
    """

    name: str
    kind: str
    description: str
    unit: str = ""
    lower: float | None = None
    upper: float | None = None
    lower_open: bool = False
    nullable: bool = False
    edition_question: bool = False
    plausible_upper: float | None = None

    def rule(self) -> str:
        """The range rule in words, e.g. ``'0 <= x'`` or ``'1990 <= x <= 2100'``.

        Returns
        -------
        str
            The bounds around ``x`` (``<`` for an open lower bound); ``""`` for an unbounded
            column.

        Examples
        --------
        >>> from nldtib_forecast.data import SCHEMA
        >>> specs = {s.name: s for s in SCHEMA}
        >>> specs['weight'].rule(), specs['year'].rule()
        ('0 < x', '1990 <= x <= 2100')
        """
        text = "x"
        if self.lower is not None:
            text = f"{self.lower:g} {'<' if self.lower_open else '<='} {text}"
        if self.upper is not None:
            text = f"{text} <= {self.upper:g}"
        return "" if text == "x" else text


#: Plausibility bounds (upper) of the numeric columns, with the reason for each. A value above
#: its bound is not impossible in principle but is almost always a unit or typing error;
#: :func:`~nldtib_forecast.data.validate_survey` rejects it unless told otherwise
#: (``plausibility=False``, or a mapping ``{column: bound or None}`` that replaces bounds).
PLAUSIBILITY_BOUNDS: dict[str, tuple[float, str]] = {
    "weight": (1e6, "a weight is the number of population firms a respondent stands for; the "
                    "NLDTIB frame has about 1,700 firms and the Netherlands about 2 million "
                    "enterprises, so a weight above 1e6 is an error (and keeps weighted totals "
                    "and their variances finite)"),
    "turnover_total_eur": (1e12, "EUR 1 trillion is about the Dutch GDP; a larger turnover of "
                                 "one firm is a unit error (cents, or thousands taken for EUR)"),
    "turnover_ds_eur": (1e12, "EUR 1 trillion is about the Dutch GDP; a larger turnover of one "
                              "firm is a unit error"),
    "export_ds_eur": (1e12, "EUR 1 trillion is about the Dutch GDP; larger exports of one firm "
                            "are a unit error"),
    "fte_total": (1e6, "no Dutch employer has close to a million employees; larger values are "
                       "typing or unit errors"),
    "fte_ds": (1e6, "no Dutch employer has close to a million employees"),
    "price_change_ds": (2.0, "+200% (selling prices tripling within one year) leaves room for "
                             "the sharpest price surges of single products; a larger value is "
                             "almost always a percentage typed as a number (5 for 5%)"),
    "cost_change_ds": (2.0, "+200% (unit costs tripling in one year); larger values are "
                            "usually a percentage typed as a number (5 for 5%)"),
    "scale_up_current": (10.0, "+1000% (an 11-fold turnover); the published averages are 33% "
                               "and 67%, and a larger answer is usually a percentage typed as a "
                               "number (40 for 40%)"),
    "scale_up_improved": (10.0, "+1000% (an 11-fold turnover); a larger answer is usually a "
                                "percentage typed as a number (40 for 40%)"),
    "expected_growth_ds": (10.0, "+1000% a year; a larger answer is usually a percentage typed "
                                 "as a number (15 for 15%)"),
}


def _spec(name: str, kind: str, description: str, unit: str = "", **kwargs: Any) -> ColumnSpec:
    bound = PLAUSIBILITY_BOUNDS.get(name)
    return ColumnSpec(name, kind, description, unit,
                      plausible_upper=None if bound is None else bound[0], **kwargs)


#: The schema, in column order.
SCHEMA: tuple[ColumnSpec, ...] = (
    _spec("firm_id", "str", "stable firm identifier"),
    _spec("year", "int", "reference year", lower=1990, upper=2100),
    _spec("weight", "float", "design/grossing-up weight (1 for a full population)",
          lower=0.0, lower_open=True),
    _spec("stratum", "str", "sampling stratum (e.g. size class x domain)"),
    _spec("nld_area", "category", "NLD focus area (Nationale Technologiegebieden) or other"),
    _spec("domain", "category", "main defence domain of the firm"),
    _spec("chain_position", "category", "position in the value chain"),
    _spec("size_class", "category", "employees, size class of the sampling frame"),
    _spec("entry_year", "int", "first year the firm belongs to the NLDTIB population",
          lower=1800, upper=2100),
    _spec("turnover_total_eur", "float", "total turnover", "EUR", lower=0.0),
    _spec("turnover_ds_eur", "float", "defence & security related turnover (<= total)", "EUR",
          lower=0.0),
    _spec("export_ds_eur", "float", "D&S exports (<= D&S turnover)", "EUR", lower=0.0),
    _spec("fte_total", "float", "employment, all activities", "FTE", lower=0.0),
    _spec("fte_ds", "float", "employment in D&S activities (<= fte_total)", "FTE", lower=0.0),
    _spec("price_change_ds", "float",
          "change in the firm's D&S selling prices vs the previous year", "fraction",
          lower=-1.0, lower_open=True, nullable=True),
    _spec("cost_change_ds", "float", "change in the firm's unit costs vs the previous year",
          "fraction", lower=-1.0, lower_open=True, nullable=True),
    _spec("passes_on_costs", "category", "whether cost increases are passed on to customers",
          nullable=True, edition_question=True),
    _spec("scale_up_current", "float",
          "turnover scale-up possible under current conditions", "fraction", lower=0.0,
          nullable=True, edition_question=True),
    _spec("scale_up_improved", "float",
          "turnover scale-up possible with improved conditions (>= scale_up_current)",
          "fraction", lower=0.0, nullable=True, edition_question=True),
    _spec("barrier_orders", "bool", "names uncertainty about order volumes as a barrier",
          nullable=True, edition_question=True),
    _spec("barrier_procurement", "bool", "names long/complex procurement as a barrier",
          nullable=True, edition_question=True),
    _spec("barrier_labour", "bool", "names labour shortages as a barrier",
          nullable=True, edition_question=True),
    _spec("barrier_financing", "bool", "names access to finance as a barrier",
          nullable=True, edition_question=True),
    _spec("barrier_materials", "bool", "names materials/components as a barrier",
          nullable=True, edition_question=True),
    _spec("pe_backed", "bool", "financed by private equity"),
    _spec("financing_challenge", "bool", "reports financing challenges for D&S activities",
          nullable=True, edition_question=True),
    _spec("expected_growth_ds", "float", "expected annual D&S turnover growth", "fraction",
          lower=-1.0, nullable=True, edition_question=True),
)

#: Columns holding questions asked once per edition (missing in the other years).
EDITION_COLUMNS: tuple[str, ...] = tuple(s.name for s in SCHEMA if s.edition_question)

#: Column names in schema order.
COLUMNS: tuple[str, ...] = tuple(s.name for s in SCHEMA)


def schema_table() -> pd.DataFrame:
    """The survey schema as a table (one row per column).

    Returns
    -------
    pandas.DataFrame
        Indexed by column name with ``kind, unit, rule, plausible_upper, nullable,
        edition_question, categories, description`` (``plausible_upper``: the plausibility
        bound, NaN where there is none).

    See Also
    --------
    SCHEMA : The column specifications.
    validate_survey : Checks a frame against the schema.

    Examples
    --------
    >>> from nldtib_forecast.data import schema_table
    >>> schema_table().loc["turnover_ds_eur", "unit"]
    'EUR'
    """
    rows = []
    for s in SCHEMA:
        rows.append(
            {
                "column": s.name,
                "kind": s.kind,
                "unit": s.unit,
                "rule": s.rule(),
                "plausible_upper": s.plausible_upper,
                "nullable": s.nullable,
                "edition_question": s.edition_question,
                "categories": ", ".join(CATEGORIES.get(s.name, ())),
                "description": s.description,
            }
        )
    return pd.DataFrame(rows).set_index("column")

