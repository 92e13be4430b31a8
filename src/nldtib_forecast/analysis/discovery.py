"""Scenario discovery, shared by the models (public through :mod:`nldtib_forecast.analysis`).

:func:`discover_rules`
    Which input ranges lead to an outcome of interest, as readable box rules with coverage and
    density, found by PRIM peeling (Friedman and Fisher, 1999) or by the leaves of a
    scikit-learn decision tree.

The result is :class:`DiscoveryResult` (a frozen dataclass with ``summary()``, ``to_frame()``,
``plot()`` and an HTML representation).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nldtib_forecast._errors import InputError, check_option
from nldtib_forecast._version import __version__

__all__ = ["discover_rules", "DiscoveryResult"]


# --------------------------------------------------------------------------------------------
# Scenario discovery
# --------------------------------------------------------------------------------------------
def _rule(names: Sequence[str], lower: np.ndarray, upper: np.ndarray, limits: np.ndarray,
          strict_lower: bool) -> tuple[str, int]:
    parts = []
    for j, name in enumerate(names):
        lo = lower[j] > limits[j, 0] + 1e-12 * max(1.0, abs(limits[j, 0]))
        up = upper[j] < limits[j, 1] - 1e-12 * max(1.0, abs(limits[j, 1]))
        op = ">" if strict_lower else ">="
        if lo and up:
            parts.append(f"{name} {op} {lower[j]:.3g} and {name} <= {upper[j]:.3g}")
        elif lo:
            parts.append(f"{name} {op} {lower[j]:.3g}")
        elif up:
            parts.append(f"{name} <= {upper[j]:.3g}")
    return (" and ".join(parts) or "(no restriction)"), sum(
        1 for j in range(len(names)) if lower[j] > limits[j, 0] or upper[j] < limits[j, 1])


def _box_row(names, lower, upper, limits, inside, y, strict_lower=False) -> dict:
    rule, k = _rule(names, lower, upper, limits, strict_lower)
    n_in, pos_in = int(inside.sum()), int((inside & y).sum())
    row = {"rule": rule, "coverage": pos_in / max(int(y.sum()), 1),
           "density": pos_in / n_in if n_in else np.nan, "mass": n_in / len(y),
           "n_cases": n_in, "n_target": pos_in, "n_restricted": k}
    for j, name in enumerate(names):
        row[f"{name}_lower"], row[f"{name}_upper"] = float(lower[j]), float(upper[j])
    return row


def _prim(x, y, names, limits, alpha, min_mass):
    m, d = x.shape
    lower, upper = limits[:, 0].astype(float).copy(), limits[:, 1].astype(float).copy()
    inside = np.ones(m, dtype=bool)
    rows = [_box_row(names, lower, upper, limits, inside, y)]
    while inside.sum() > min_mass * m:
        xi, yi = x[inside], y[inside]
        q = np.quantile(xi, [alpha, 1 - alpha], axis=0)
        keep = np.concatenate([xi >= q[0], xi <= q[1]], axis=1)  # (n_in, 2d)
        n_keep = keep.sum(axis=0)
        valid = (n_keep < len(xi)) & (n_keep >= max(1.0, min_mass * m))
        if not valid.any():
            break
        density = np.where(valid, (keep & yi[:, None]).sum(axis=0) / np.maximum(n_keep, 1),
                           -np.inf)
        best = int(np.argmax(density))
        j = best % d
        if best < d:
            lower[j] = q[0, j]
        else:
            upper[j] = q[1, j]
        inside[inside] = keep[:, best]
        rows.append(_box_row(names, lower, upper, limits, inside, y))
    return pd.DataFrame(rows).rename_axis("box")


def _tree(x, y, names, limits, max_depth, min_mass, seed):
    from sklearn.tree import DecisionTreeClassifier

    clf = DecisionTreeClassifier(max_depth=max_depth, random_state=seed,
                                 min_samples_leaf=max(1, math.ceil(min_mass * len(y))))
    clf.fit(x, y)
    t = clf.tree_
    leaf_of = clf.apply(x)
    rows, stack = [], [(0, limits[:, 0].astype(float).copy(), limits[:, 1].astype(float).copy())]
    while stack:
        node, lo, up = stack.pop()
        if t.children_left[node] == -1:
            inside = leaf_of == node
            if (inside & y).sum() * 2 > inside.sum():  # the leaf predicts the target
                rows.append(_box_row(names, lo, up, limits, inside, y, strict_lower=True))
            continue
        j, thr = int(t.feature[node]), float(t.threshold[node])
        lo_l, up_l = lo.copy(), up.copy()
        up_l[j] = min(up_l[j], thr)
        lo_r, up_r = lo.copy(), up.copy()
        lo_r[j] = max(lo_r[j], thr)
        stack += [(int(t.children_right[node]), lo_r, up_r),
                  (int(t.children_left[node]), lo_l, up_l)]
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(
        columns=["rule", "coverage", "density", "mass", "n_cases", "n_target", "n_restricted"])
    return frame.sort_values(["density", "coverage"], ascending=False,
                             ignore_index=True).rename_axis("box")


def discover_rules(x: np.ndarray, y: np.ndarray, names: Sequence[str], limits: np.ndarray, *,
                   method: str = "prim", alpha: float = 0.05, min_mass: float = 0.05,
                   min_density: float = 0.8, max_depth: int = 3, seed: int = 0
                   ) -> tuple[pd.DataFrame, int | None]:
    """Boxes in input space where ``y`` is true, with coverage and density.

    ``prim`` peels, at every step, the share ``alpha`` of the cases in the box from the low
    or high end of one input, choosing the peel that leaves the highest density, until the
    box holds ``min_mass`` of the cases (no pasting). Every step is a box; the chosen box is
    the one with the highest coverage among those with density ``>= min_density`` (else the
    densest). ``tree`` fits a decision tree (``max_depth``, leaves of at least ``min_mass``)
    and returns the leaves that predict the target, densest first; the chosen box is the first.

    Coverage is the share of all target cases inside the box, density the share of the cases
    in the box that are target cases, mass the share of all cases in the box.

    Parameters
    ----------
    x : array_like of float, shape (n_cases, n_inputs)
        The sampled inputs (e.g. driver levels), one row per case.
    y : array_like of bool, shape (n_cases,)
        Whether each case reaches the target.
    names : sequence of str
        Name of every input (column of ``x``), used in the rules.
    limits : array_like of float, shape (n_inputs, 2)
        The sampled range ``(lower, upper)`` of every input: a bound equal to its limit is
        not a restriction and is left out of the rule.
    method : {"prim", "tree"}, default "prim"
        PRIM peeling or the leaves of a decision tree.
    alpha : float, default 0.05
        PRIM's peeling fraction: the share of the box's cases removed at every step
        (``0 < alpha < 0.5``).
    min_mass : float, default 0.05
        Smallest share of all cases a box may hold (PRIM's stopping rule; the tree's
        smallest leaf), ``0 < min_mass < 1``.
    min_density : float, default 0.8
        PRIM: the chosen box is the one with the highest coverage among the boxes at least
        this dense (``0 <= min_density <= 1``).
    max_depth : int, default 3
        Depth of the decision tree (``method="tree"``).
    seed : int, default 0
        Random state of the decision tree (ties between splits).

    Returns
    -------
    boxes : pandas.DataFrame
        ``rule, coverage, density, mass, n_cases, n_target, n_restricted`` and the bounds
        ``<name>_lower`` / ``<name>_upper`` of every input, indexed by ``box``.
    chosen : int or None
        Row of the chosen box (None if no box predicts the target).

    Raises
    ------
    nldtib_forecast.InputError
        An unknown method, or ``alpha``, ``min_mass`` or ``min_density`` out of range.

    See Also
    --------
    nldtib_forecast.models.capacity.DiscoveryResult : The result type the models wrap the
        boxes in.
    nldtib_forecast.models.capacity.CapacityModel.discover : Discovery on the capacity model.

    References
    ----------
    .. [1] Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data.
       *Statistics and Computing*, 9(2), 123-143. doi:10.1023/A:1008894516817
    .. [2] Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a
       participatory, computer-assisted approach to scenario discovery. *Technological
       Forecasting and Social Change*, 77(1), 34-49. doi:10.1016/j.techfore.2009.08.002

    Examples
    --------
    The target is reached when the first input exceeds 0.7, whatever the second:

    >>> import numpy as np
    >>> from nldtib_forecast.analysis import discover_rules
    >>> x = np.random.default_rng(0).random((2000, 2))
    >>> boxes, chosen = discover_rules(x, x[:, 0] > 0.7, ["a", "b"], [[0, 1], [0, 1]],
    ...                                min_density=0.95)
    >>> boxes.loc[chosen, "rule"]
    'a >= 0.686'
    >>> boxes.loc[chosen, ["coverage", "density"]].round(2).tolist()
    [1.0, 0.96]
    """
    method = check_option("method", method, ["prim", "tree"])
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=bool)
    if not (0 < alpha < 0.5) or not (0 < min_mass < 1) or not (0 <= min_density <= 1):
        raise InputError(f"discovery: need 0 < alpha < 0.5, 0 < min_mass < 1 and "
                         f"0 <= min_density <= 1; got alpha={alpha}, min_mass={min_mass}, "
                         f"min_density={min_density}")
    chosen: int | None
    if method == "prim":
        boxes = _prim(x, y, list(names), np.asarray(limits, float), alpha, min_mass)
        good = boxes.index[boxes["density"] >= min_density]
        chosen = (int(boxes.loc[good, "coverage"].idxmax()) if len(good)
                  else int(boxes["density"].idxmax()))
    else:
        boxes = _tree(x, y, list(names), np.asarray(limits, float), max_depth, min_mass, seed)
        chosen = 0 if len(boxes) else None
    return boxes, chosen


@dataclass(frozen=True)
class DiscoveryResult:
    """Scenario discovery: which input ranges reach a target.

    Returned by :meth:`CapacityModel.discover
    <nldtib_forecast.models.capacity.CapacityModel.discover>` (read-only).

    Attributes
    ----------
    boxes : pandas.DataFrame
        One row per box (PRIM: every peeling step; tree: every leaf predicting the target):
        ``rule, coverage, density, mass, n_cases, n_target, n_restricted`` and the bounds.
    chosen : int or None
        Row of the chosen box.
    limits : pandas.DataFrame
        The sampled range of every input (``lower, upper``).
    target_description : str
        The target, e.g. ``"aggregate uplift in 2030 >= 50.0%"``.
    method : str
        ``"PRIM (peeling)"`` or ``"tree (depth <d>)"``.
    n : int
        Number of sampled cases.
    seed : object
        The seed recorded (an int, the fresh entropy of ``seed=None``, or ``"generator"``).
    base_rate : float
        Share of all cases that reach the target.
    description : str
        How the cases were sampled.
    synthetic : bool
        Whether the model was calibrated on synthetic data.
    version : str
        Version of nldtib_forecast that computed the result.

    See Also
    --------
    nldtib_forecast.analysis.discover_rules : The PRIM and tree algorithms.

    References
    ----------
    .. [1] Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data.
       *Statistics and Computing*, 9(2), 123-143. doi:10.1023/A:1008894516817
    .. [2] Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a
       participatory, computer-assisted approach to scenario discovery. *Technological
       Forecasting and Social Change*, 77(1), 34-49. doi:10.1016/j.techfore.2009.08.002

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.models.capacity import CapacityModel
    >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
    >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
    >>> found.rule.startswith('order_certainty >=')
    True
    >>> found.method
    'PRIM (peeling)'
    """

    boxes: pd.DataFrame
    chosen: int | None
    limits: pd.DataFrame
    target_description: str
    method: str
    n: int
    seed: object
    base_rate: float
    description: str = ""
    synthetic: bool = False
    version: str = field(default=__version__)

    @property
    def rule(self) -> str:
        """The chosen box as a readable rule."""
        return "(none)" if self.chosen is None else str(self.boxes.loc[self.chosen, "rule"])

    def to_frame(self) -> pd.DataFrame:
        """The boxes with a ``chosen`` flag (one row per box).

        Returns
        -------
        pandas.DataFrame
            :attr:`boxes` with a boolean column ``chosen``; ``attrs`` holds the method,
            ``n``, the seed, the target and the base rate.

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
        >>> boxes = found.to_frame()
        >>> int(boxes['chosen'].sum())
        1
        """
        out = self.boxes.copy()
        out["chosen"] = out.index == self.chosen
        out.attrs.update(method=self.method, n=self.n, seed=self.seed,
                         target=self.target_description, base_rate=self.base_rate)
        return out

    def summary(self) -> str:
        """Text: the target, the design and the chosen rule with its coverage and density.

        Returns
        -------
        str
            Several lines: the method and target, the sampling design, the number of cases
            and the base rate, the chosen box's rule, coverage, density and mass (and, for a
            tree, the other boxes).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
        >>> print(found.summary().splitlines()[0])
        Scenario discovery (PRIM (peeling)): aggregate uplift in 2030 >= 30.0%
        """
        lines = [f"Scenario discovery ({self.method}): {self.target_description}",
                 f"  {self.description}" if self.description else "",
                 f"  {self.n} sampled cases, seed {self.seed}; {self.base_rate:.1%} of all "
                 "cases reach the target", ""]
        if self.chosen is None:
            lines.append("No box predicts the target.")
        else:
            b = self.boxes.loc[self.chosen]
            lines += [f"Chosen box: {b['rule']}",
                      f"  coverage {b['coverage']:.1%} (share of target cases inside), "
                      f"density {b['density']:.1%} (share of cases inside that reach it), "
                      f"mass {b['mass']:.1%}"]
            others = self.boxes.drop(index=self.chosen)
            if self.method.startswith("tree") and len(others):
                lines += ["", "Other boxes:"] + [
                    f"  {r.rule} (coverage {r.coverage:.1%}, density {r.density:.1%})"
                    for r in others.itertuples()]
        if self.synthetic:
            lines.append("Computed on SYNTHETIC data.")
        return "\n".join(line for line in lines if line is not None)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        cols = ["rule", "coverage", "density", "mass", "n_cases"]
        return (f"<p><b>Scenario discovery ({html.escape(self.method)})</b>: "
                f"{html.escape(self.target_description)}; chosen: "
                f"<code>{html.escape(self.rule)}</code></p>"
                + self.to_frame()[cols + ["chosen"]].to_html(
                    float_format=lambda v: f"{v:.3f}"))

    def plot(self, ax=None):
        """Coverage against density of every box (the PRIM peeling trajectory).

        The chosen box is circled (artist gid ``"chosen"``); the colour is the number of
        inputs the box restricts.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; by default a new 5.5 x 4 inch figure.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on (coverage on x, density on y, both from 0 to 1).

        Examples
        --------
        >>> from nldtib_forecast.data import synthetic_survey
        >>> from nldtib_forecast.models.capacity import CapacityModel
        >>> model = CapacityModel.from_survey(synthetic_survey(population=True))
        >>> found = model.discover(target=0.3, year=2030, n=256, seed=1)
        >>> ax = found.plot()
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('coverage', 'density')
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 4.0), layout="constrained")
        b = self.boxes
        sc = ax.scatter(b["coverage"], b["density"], c=b["n_restricted"], cmap="viridis",
                        s=18, label="boxes")
        if self.chosen is not None:
            ax.plot(b.loc[self.chosen, "coverage"], b.loc[self.chosen, "density"], "o",
                    ms=12, mfc="none", mec="C3", gid="chosen", label="chosen")
        ax.figure.colorbar(sc, ax=ax, label="inputs restricted")
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_title(self.target_description + (" (synthetic data)" if self.synthetic
                                                else ""), fontsize="medium")
        ax.legend(loc="lower left", frameon=False, fontsize="small")
        return ax
