"""The result of :func:`~nldtib_forecast.models.price_volume.decompose_turnover`.

:class:`TurnoverDecomposition` holds the table of components, the bootstrap intervals and the
metadata, and renders them (text summary, HTML, tidy long frame, waterfall plot).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, check_year
from nldtib_forecast._format import eur, percent
from nldtib_forecast._version import __version__

__all__ = ["TurnoverDecomposition", "SPLITS", "COMPONENTS", "COUNT_COLUMNS", "FLOAT_COLUMNS"]

#: How the continuing firms' growth is split between price and volume.
SPLITS: tuple[str, ...] = ("log", "interaction")
#: The additive components of nominal growth, in waterfall order (``exit`` is subtracted).
COMPONENTS: tuple[str, ...] = ("price", "volume", "interaction", "entry", "exit")
#: Respondent counts in the table.
COUNT_COLUMNS: tuple[str, ...] = ("n_continuing", "n_price_missing", "n_entrants", "n_exiters")
#: Estimated columns of the table (each has an interval).
FLOAT_COLUMNS: tuple[str, ...] = (
    "turnover_prev_eur", "turnover_eur", "nominal_growth",
    "price", "volume", "interaction", "entry", "exit", "net_entry",
    "continuing_share", "continuing_growth", "price_index", "volume_index",
    "price_growth", "volume_growth", "volume_growth_total",
)


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TurnoverDecomposition:
    """Price, volume and net entry components of the growth of aggregate D&S turnover.

    Every component is a contribution to nominal growth in *growth points* (a fraction of the
    previous year's aggregate turnover), so that for each year and domain, exactly (to
    floating-point rounding)::

        nominal_growth == price + volume + interaction + entry - exit

    Attributes
    ----------
    table : pandas.DataFrame
        One row per year (the second year of each pair ``year - 1 -> year``), or per
        ``(domain, year)`` with ``by``. Columns (money in EUR, the rest fractions):

        ``turnover_prev_eur, turnover_eur``
            weighted aggregate turnover in ``year - 1`` and ``year``;
        ``nominal_growth``
            ``turnover_eur / turnover_prev_eur - 1``;
        ``price, volume, interaction``
            the continuing firms' price and volume effects (``interaction`` is 0 with
            ``split="log"``);
        ``entry, exit, net_entry``
            entrants' turnover in ``year`` and exiters' turnover in ``year - 1``, as fractions
            of ``turnover_prev_eur``; ``net_entry = entry - exit``;
        ``continuing_share, continuing_growth``
            continuing firms' share of ``turnover_prev_eur`` and their turnover growth;
        ``price_index, volume_index, price_growth, volume_growth``
            the continuing firms' price index (the chosen formula, or the deflator), the
            implicit volume index ``(1 + continuing_growth) / price_index``, and both minus 1;
        ``volume_growth_total``
            ``(1 + nominal_growth) / price_index - 1``: aggregate volume growth when
            entrants' and exiters' turnover is deflated with the continuing firms' prices;
        ``n_continuing, n_price_missing, n_entrants, n_exiters``
            respondents (unweighted) in each group; ``n_price_missing`` continuing firms
            without a price change, deflated with the index of the others.
    intervals : pandas.DataFrame or None
        Indexed like ``table`` plus a ``component`` level (every float column of ``table``);
        columns ``estimate, std_error, ci_lower, ci_upper, n_valid`` (replicates with a
        finite value). ``None`` when ``n_replicates == 0``.
    method : str
        Index formula for the continuing firms' price index (``"deflator"`` if one was given).
    split : str
        ``"log"`` or ``"interaction"`` (see
        :func:`~nldtib_forecast.models.price_volume.decompose_turnover`).
    by : str or None
        Domain column, if any.
    deflator : pandas.Series or None
        The external price index levels, if one replaced the survey's price changes.
    level, ci : float, str
        Confidence level and interval type (``"normal"`` or ``"percentile"``).
    n_replicates, seed : int
        Bootstrap replicates (0: no intervals) and their seed.
    synthetic : bool
        Whether the survey data were synthetic (``attrs["synthetic"]``).
    n_rows : int
        Rows of the survey data.
    data_hash : str
        Content hash of the rows used (firm, year, turnover, weight, price change, domain).
    value_column, price_column : str
        The turnover and price change columns used.
    version : str
        Library version that computed the result.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.price_volume import decompose_turnover
    >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=0)
    >>> res.method, res.split, res.by
    ('fisher', 'log', None)
    >>> res.table.loc[2025, ["nominal_growth", "price", "volume"]].round(4)
    nominal_growth    0.2780
    price             0.0261
    volume            0.2245
    Name: 2025, dtype: float64
    """

    table: pd.DataFrame
    intervals: pd.DataFrame | None
    method: str
    split: str
    by: str | None
    deflator: pd.Series | None
    level: float
    ci: str
    n_replicates: int
    seed: int | None
    synthetic: bool
    n_rows: int
    data_hash: str
    value_column: str = "turnover_ds_eur"
    price_column: str = "price_change_ds"
    version: str = field(default=__version__)

    # -- descriptions ----------------------------------------------------------------------
    @property
    def interval_contents(self) -> str:
        """What the intervals include."""
        if self.intervals is None:
            return "no intervals (n_replicates = 0)"
        extra = ("; the deflator is treated as known" if self.deflator is not None else "")
        return ("sampling uncertainty of the survey design (Rao-Wu rescaling bootstrap over "
                "firms, all years of a firm resampled together)" + extra +
                "; not measurement error in reported turnover or price changes")

    @property
    def index_label(self) -> str:
        """Name of the price index used (formula or external deflator)."""
        return "external deflator" if self.deflator is not None else f"{self.method} index"

    def _years(self) -> list[int]:
        idx = self.table.index
        years = idx.get_level_values("year") if isinstance(idx, pd.MultiIndex) else idx
        return sorted(set(int(y) for y in years))

    def _row(self, year: int | None, domain) -> tuple[pd.Series, int | tuple[object, int]]:
        """The table's row of ``year`` (and ``domain``) and its key: the year, or
        ``(domain, year)`` for a decomposition by domain."""
        year = self._years()[-1] if year is None else check_year(year)
        if self.by is None:
            if domain is not None:
                raise InputError("argument 'domain': the decomposition has no domains "
                                 "(by=None)")
            if year not in self.table.index:
                raise InputError(f"argument 'year': no decomposition for {year}; years: "
                                 f"{self._years()}")
            return self.table.loc[year], year
        domains = list(dict.fromkeys(self.table.index.get_level_values(0)))
        if domain is None:
            raise InputError(f"argument 'domain': choose one of {domains}")
        if (domain, year) not in self.table.index:
            raise InputError(f"no decomposition for domain {domain!r} and year {year}; "
                             f"domains: {domains}, years: {self._years()}")
        return self.table.loc[(domain, year)], (domain, year)

    def _interval(self, key, component: str) -> tuple[float, float] | None:
        if self.intervals is None:
            return None
        row = self.intervals.loc[(*key, component) if isinstance(key, tuple) else
                                 (key, component)]
        return float(row["ci_lower"]), float(row["ci_upper"])

    # -- tidy output ---------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Tidy long form: one row per year, domain, component and statistic.

        Returns
        -------
        pandas.DataFrame
            Columns ``year, domain, component, statistic, value``; ``domain`` is ``"all"``
            without ``by``. Statistics are ``estimate`` (every column of :attr:`table`) and,
            with intervals, ``std_error, ci_lower, ci_upper`` (not for the counts).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.price_volume import decompose_turnover
        >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=0)
        >>> tidy = res.to_frame()
        >>> tidy.columns.tolist()
        ['year', 'domain', 'component', 'statistic', 'value']
        """
        def melt(frame: pd.DataFrame, statistics) -> pd.DataFrame:
            long = frame[list(statistics)].stack().rename("value")
            long.index = long.index.set_names("statistic", level=-1)
            return long.reset_index()

        if self.intervals is not None:
            floats = melt(self.intervals.drop(columns="n_valid"),
                          ["estimate", "std_error", "ci_lower", "ci_upper"])
        else:
            floats = melt(self.table[list(FLOAT_COLUMNS)].stack().rename("estimate")
                          .rename_axis([*self.table.index.names, "component"]).to_frame(),
                          ["estimate"])
        counts = melt(self.table[list(COUNT_COLUMNS)].astype(float).stack().rename("estimate")
                      .rename_axis([*self.table.index.names, "component"]).to_frame(),
                      ["estimate"])
        out = pd.concat([floats, counts], ignore_index=True)
        if self.by is None:
            out.insert(1, "domain", "all")
        else:
            out = out.rename(columns={self.by: "domain"})
        order = {c: i for i, c in enumerate([*FLOAT_COLUMNS, *COUNT_COLUMNS])}
        out = out.assign(_o=out["component"].map(order)).sort_values(
            ["domain", "year", "_o"], kind="stable")
        return out[["year", "domain", "component", "statistic", "value"]].reset_index(
            drop=True)

    def in_euros(self) -> pd.DataFrame:
        """The additive components in EUR: each contribution times ``turnover_prev_eur``.

        The columns ``price, volume, interaction, entry, exit`` then add up to the change in
        turnover ``turnover_eur - turnover_prev_eur`` (column ``change_eur``).

        Returns
        -------
        pandas.DataFrame
            Indexed as :attr:`table` (year, and domain with ``by``): the components in EUR,
            ``change_eur`` and the two years' turnover.

        See Also
        --------
        summary : the components as growth points, with their intervals.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.price_volume import decompose_turnover
        >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=0)
        >>> eur = res.in_euros()
        >>> (eur.loc[2025] / 1e6).round(1)
        change_eur     2144.0
        price           201.6
        volume         1731.3
        interaction       0.0
        entry           413.5
        exit            202.3
        Name: 2025, dtype: float64
        """
        t = self.table
        out = t[list(COMPONENTS)].mul(t["turnover_prev_eur"], axis=0)
        out.insert(0, "change_eur", t["turnover_eur"] - t["turnover_prev_eur"])
        return out

    def interpret_as_volume(self, volume_growth: float, year: int | None = None,
                            domain=None, nominal_growth: float | None = None) -> pd.Series:
        """What a stated growth rate would imply for prices if it were a *volume* growth.

        If nominal growth is ``g`` and a figure ``v`` is read as volume growth, prices must
        have changed by ``(1 + g) / (1 + v) - 1``. This compares that implied price change
        with the estimated price growth of continuing firms and its interval.

        Parameters
        ----------
        volume_growth : float
            The stated growth, as a fraction (e.g. ``0.215`` for the letter's "+21.5%").
        year, domain : optional
            Which decomposition (default: the last year).
        nominal_growth : float, optional
            Nominal growth to use (e.g. the published ``0.275`` = 10.2 / 8.0 - 1); default the
            estimated ``nominal_growth``.

        Returns
        -------
        pandas.Series
            ``nominal_growth, stated_volume_growth, implied_price_growth,
            estimated_price_growth, ci_lower, ci_upper, implied_within_interval``.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.price_volume import decompose_turnover
        >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=20, seed=1)
        >>> check = res.interpret_as_volume(0.215, nominal_growth=0.275)
        >>> round(check["implied_price_growth"], 4)  # (1 + 0.275) / (1 + 0.215) - 1
        0.0494
        >>> bool(check["implied_within_interval"])
        False
        """
        row, key = self._row(year, domain)
        g = float(row["nominal_growth"]) if nominal_growth is None else float(nominal_growth)
        implied = (1.0 + g) / (1.0 + float(volume_growth)) - 1.0
        bounds = self._interval(key, "price_growth")
        lo, hi = bounds if bounds is not None else (np.nan, np.nan)
        return pd.Series({
            "nominal_growth": g,
            "stated_volume_growth": float(volume_growth),
            "implied_price_growth": implied,
            "estimated_price_growth": float(row["price_growth"]),
            "ci_lower": lo,
            "ci_upper": hi,
            "implied_within_interval": bool(lo <= implied <= hi) if bounds else None,
        }, name=key, dtype=object)

    # -- display -------------------------------------------------------------------------------
    def summary(self) -> str:
        """A text summary: per year (and domain) the components with their intervals.

        Returns
        -------
        str
            One block per year (and domain): the index method, the split, the identity, and
            every component in growth points of the previous year's turnover with its interval.

        See Also
        --------
        plot : the same components as a waterfall chart.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.price_volume import decompose_turnover
        >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=0)
        >>> print(res.summary().splitlines()[0])
        Decomposition of D&S turnover growth: price and volume of continuing firms, net entry
        """

        def fmt(key, col, row):
            text = percent(row[col], signed=True)
            b = self._interval(key, col)
            if b is not None and np.all(np.isfinite(b)):
                text += f" [{percent(b[0], signed=True)}, {percent(b[1], signed=True)}]"
            return text

        lines = [
            "Decomposition of D&S turnover growth: price and volume of continuing firms, "
            "net entry",
            f"  price index: {self.index_label}; split: {self.split}; contributions in growth "
            "points of the previous year's turnover",
            "  identity: nominal = price + volume + interaction + entry - exit",
        ]
        if self.intervals is not None:
            lines.append(f"  intervals: {self.level:.0%} ({self.ci}), {self.interval_contents}; "
                         f"{self.n_replicates} replicates, seed {self.seed}")
        lines.append("")
        for key, row in self.table.iterrows():
            label = (f"{key[0]}, {int(key[1]) - 1}->{int(key[1])}" if isinstance(key, tuple)
                     else f"{int(key) - 1}->{int(key)}")
            lines.append(
                f"{label}: nominal {fmt(key, 'nominal_growth', row)} "
                f"({eur(row['turnover_prev_eur'], scale='bn', decimals=2)} -> "
                f"{eur(row['turnover_eur'], scale='bn', decimals=2, symbol=False)})")
            lines.append(f"    price {fmt(key, 'price', row)}, volume {fmt(key, 'volume', row)}"
                         + (f", interaction {row['interaction']:+.2%}"
                            if self.split == "interaction" else ""))
            lines.append(f"    entry {fmt(key, 'entry', row)}, exit -{row['exit']:.1%}; "
                         f"continuing firms' prices {fmt(key, 'price_growth', row)}, "
                         f"volume {fmt(key, 'volume_growth', row)}")
            lines.append(f"    respondents: {int(row['n_continuing'])} continuing "
                         f"({int(row['n_price_missing'])} without a price change), "
                         f"{int(row['n_entrants'])} entrants, {int(row['n_exiters'])} exiters")
        lines.append("")
        lines.append(f"nldtib_forecast {self.version}; data hash {self.data_hash}")
        if self.synthetic:
            lines.append("Computed on SYNTHETIC data: not a real statistic.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        cols = ["nominal_growth", *COMPONENTS, "price_growth", "volume_growth"]
        body = self.table[cols].to_html(float_format=lambda v: f"{v:+.2%}")
        return (f"<p><b>D&amp;S turnover growth: price, volume and net entry</b> "
                f"({self.index_label}, split {self.split!r}; {self.interval_contents})</p>"
                f"{body}<p>nominal = price + volume + interaction + entry &minus; exit</p>"
                + ("<p><b>Synthetic data.</b></p>" if self.synthetic else ""))

    def plot(self, year: int | None = None, domain=None, ax=None, lang: str = "en"):
        """Waterfall of the contributions to nominal growth for one year; returns the Axes.

        Bars start where the previous one ended: price, volume (interaction with
        ``split="interaction"``), entrants, exits and the total (nominal growth). Exits are
        drawn as what they contribute to growth, a negative bar (the turnover of the firms that
        left; :attr:`table` holds it as a positive ``exit``, subtracted). Error bars show the
        intervals of each component when available; each value is written beyond the end of
        its error bar. ``lang="nl"`` writes the title, labels and numbers in Dutch
        (``Prijs``, ``+22,4%``).

        Parameters
        ----------
        year : int, optional
            The later year of the growth shown (default: the last year of :attr:`table`).
        domain : str, optional
            With a decomposition ``by`` a column, the category shown (required then).
        ax : matplotlib.axes.Axes, optional
            Axes to draw on (default: a new figure).
        lang : {"en", "nl"}, default "en"
            Language of the title, the labels and the numbers.

        Returns
        -------
        matplotlib.axes.Axes
            The axes with the waterfall.

        See Also
        --------
        summary : the same components as text.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.price_volume import decompose_turnover
        >>> res = decompose_turnover(synthetic_survey(seed=0), n_replicates=0)
        >>> ax = res.plot(2025)
        >>> ax.get_title()
        'D&S turnover growth 2024-2025 (Fisher index) - synthetic data'
        >>> [t.get_text() for t in ax.get_xticklabels()]
        ['Price', 'Volume', 'Entrants', 'Exits', 'Nominal growth']
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        >>> ax = res.plot(2025, lang="nl")
        >>> ax.get_title()
        'Groei D&S-omzet 2024-2025 (Fisher-index) – synthetische gegevens'
        >>> [t.get_text() for t in ax.get_xticklabels()][-1]
        'Nominale groei'
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        from nldtib_forecast.labels import check_language

        lang = check_language(lang)
        dutch = lang == "nl"
        row, key = self._row(year, domain)
        names = ["price", "volume"] + (["interaction"] if self.split == "interaction" else [])
        names += ["entry", "exit"]
        values = [float(row[n]) * (-1.0 if n == "exit" else 1.0) for n in names]
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        starts = np.concatenate([[0.0], np.cumsum(values)[:-1]])
        colors = ["#c44e52" if n == "price" else "#4c72b0" if n in ("volume", "interaction")
                  else "#55a868" if n == "entry" else "#8172b2" for n in names]
        x = np.arange(len(names) + 1)
        ax.bar(x[:-1], values, bottom=starts, color=colors, edgecolor="black", linewidth=0.5)
        total = float(row["nominal_growth"])
        ax.bar(x[-1], total, color="#444444", edgecolor="black", linewidth=0.5)
        ends = []  # (low, high) of each bar and its error bar, where the value is written
        for i, (n, v) in enumerate(zip([*names, "nominal_growth"], [*values, total],
                                       strict=True)):
            bottom = starts[i] if i < len(names) else 0.0
            low, high = min(bottom, bottom + v), max(bottom, bottom + v)
            b = self._interval(key, n)
            if b is not None and np.all(np.isfinite(b)):
                est = float(row[n])
                if n == "exit":
                    b, est = (-b[1], -b[0]), -est
                top = bottom + est
                ax.errorbar(x[i], top, yerr=[[est - b[0]], [b[1] - est]], fmt="none",
                            ecolor="black", capsize=3, lw=0.8)
                low, high = min(low, bottom + b[0]), max(high, bottom + b[1])
            ends.append((low, high))
        for i, v in enumerate([*values, total]):
            low, high = ends[i]
            ax.annotate(percent(v, signed=True, lang=lang), (x[i], high if v >= 0 else low),
                        textcoords="offset points", xytext=(0, 3 if v >= 0 else -3),
                        ha="center", va="bottom" if v >= 0 else "top", fontsize=9)
        ax.margins(y=0.12)
        ax.axhline(0.0, color="grey", lw=0.8)
        labels = ({"price": "Prijs", "volume": "Volume", "interaction": "Wisselwerking",
                   "entry": "Toetreders", "exit": "Uittreders"} if dutch else
                  {"price": "Price", "volume": "Volume", "interaction": "Interaction",
                   "entry": "Entrants", "exit": "Exits"})
        ax.set_xticks(x, [labels[n] for n in names]
                      + ["Nominale groei" if dutch else "Nominal growth"])
        ax.yaxis.set_major_formatter(plt.FuncFormatter(
            lambda v, _: percent(v, decimals=0, lang=lang)))
        ax.set_ylabel("Bijdrage aan de nominale groei" if dutch
                      else "Contribution to nominal growth")
        where = f"{key[0]}, " if isinstance(key, tuple) else ""
        yr = key[1] if isinstance(key, tuple) else key
        method = f"{self.method[:1].upper()}{self.method[1:]}"
        if dutch:
            index = "externe deflator" if self.deflator is not None else f"{method}-index"
            ax.set_title(f"Groei D&S-omzet {where}{int(yr) - 1}-{int(yr)} ({index})"
                         + (" \u2013 synthetische gegevens" if self.synthetic else ""))
            return ax
        index = (self.index_label if self.deflator is not None else f"{method} index")
        ax.set_title(f"D&S turnover growth {where}{int(yr) - 1}-{int(yr)} ({index})"
                     + (" - synthetic data" if self.synthetic else ""))
        return ax
