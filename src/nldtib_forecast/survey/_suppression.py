"""Secondary cell suppression and its audit for one- and two-dimensional tables with margins.

A table is given in long format, one row per cell, with the primary-suppressed cells marked.
:func:`suppress_secondary` adds complementary ("secondary") suppressions so that no suppressed
cell can be recovered exactly from the published cells and totals; :func:`audit_suppression`
computes, by linear programming, the interval an intruder can derive for each suppressed cell.

The additive structure is:

* one-dimensional table with margin: ``sum_r x[r] = x[Total]``;
* two-dimensional table with margins: for every row label ``r`` (the total row included)
  ``sum_c x[r, c] = x[r, Total]`` and for every column label ``c`` (the total column
  included) ``sum_r x[r, c] = x[Total, c]``.

A cell that is absent from the long table is a structural zero: known to be 0 and never
suppressed. The method is described in ``docs/methodology/disclosure.rst``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from nldtib_forecast._errors import InputError, Problem

__all__ = ["STATUSES", "TOTAL", "audit_suppression", "audit_tables", "suppress_secondary"]

#: Label of the margin cells (row totals, column totals and the grand total).
TOTAL = "Total"

#: The statuses a table cell can have.
STATUSES = ("publish", "primary", "secondary")

_SUPPRESSED = ("primary", "secondary")


@dataclass
class _Table:
    """A parsed table: arrays over the cells plus the additive relations."""

    labels: list
    names: list
    values: np.ndarray  # float; NaN where unknown (only allowed for suppressed cells)
    suppressed: np.ndarray  # bool
    margin: np.ndarray  # bool, the cell is a total
    row: np.ndarray  # int id of the cell's row label (the only label for 1-D)
    col: np.ndarray  # int id of the cell's column label (-1 for 1-D)
    relations: list  # list of (cell indices, coefficients): sum(coef * x) == 0
    two_d: bool
    rank: np.ndarray  # preference order of complementary candidates (lower = first)
    nonnegative: bool
    locked: np.ndarray  # bool: the status may not change (never a complementary cell)


def _parse(table, value, status, row, col, margins, nonnegative, locked=None) -> _Table:
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"argument 'table': must be a pandas DataFrame, got {type(table)!r}")
    missing = [c for c in (value, status, row, col) if c is not None and c not in table.columns]
    if missing:
        raise InputError(
            "table: missing column(s)",
            [Problem(str(c), "column not found in the table") for c in missing],
        )
    if col is not None and row is None:
        raise InputError("argument 'row': must be given when 'col' is given")
    if row is not None:
        keys = [list(table[row])] + ([list(table[col])] if col is not None else [])
        names = [row] + ([col] if col is not None else [])
    else:
        if table.index.nlevels > 2:
            raise InputError("argument 'table': the index must have one or two levels")
        keys = [list(table.index.get_level_values(i)) for i in range(table.index.nlevels)]
        names = list(table.index.names)
    two_d = len(keys) == 2
    labels = list(zip(*keys, strict=True)) if two_d else keys[0]
    dup = pd.Index(labels).duplicated()
    if dup.any():
        rows = tuple(np.asarray(labels, dtype=object)[dup][:5].tolist())
        raise InputError("table: each cell must appear once",
                         [Problem("cell", "duplicate cell labels", rows, int(dup.sum()))])
    stat = table[status].astype(object).to_numpy()
    bad = ~np.isin(stat, STATUSES)
    if bad.any():
        raise InputError(f"table: column '{status}' must hold {', '.join(map(repr, STATUSES))}",
                         [Problem(status, "unknown status", tuple(stat[bad][:5]), int(bad.sum()))])
    if not (pd.api.types.is_numeric_dtype(table[value])
            and not pd.api.types.is_bool_dtype(table[value])):
        raise InputError("table: values must be numeric",
                         [Problem(value, f"must be numeric, got dtype {table[value].dtype}")])
    values = table[value].to_numpy(dtype=float, na_value=np.nan)
    suppressed = np.isin(stat, _SUPPRESSED)
    unknown = np.isnan(values) & ~suppressed
    if unknown.any():
        raise InputError("table: every published cell needs a value", [Problem(
            value, "missing value in a published cell",
            tuple(np.asarray(labels, dtype=object)[unknown][:5].tolist()), int(unknown.sum()))])
    if nonnegative is None:
        nonnegative = bool(np.all(values[~np.isnan(values)] >= 0))

    row_codes, row_uniques = pd.factorize(pd.Index(keys[0], dtype=object))
    if two_d:
        col_codes, col_uniques = pd.factorize(pd.Index(keys[1], dtype=object))
        margin = (np.asarray(keys[0], dtype=object) == TOTAL) | (
            np.asarray(keys[1], dtype=object) == TOTAL)
        totals = (row_uniques.get_indexer([TOTAL])[0], col_uniques.get_indexer([TOTAL])[0])
    else:
        col_codes, col_uniques = np.full(len(labels), -1), pd.Index([])
        margin = np.asarray(keys[0], dtype=object) == TOTAL
        totals = (-1, -1)

    def lock() -> np.ndarray:
        if locked is None:
            return np.zeros(len(labels), dtype=bool)
        if locked not in table.columns:
            raise InputError("table: missing column(s)",
                             [Problem(str(locked), "column not found in the table")])
        return table[locked].astype(bool).to_numpy()

    return _assemble(labels, names, values, suppressed, margin, two_d,
                     (row_codes, row_uniques, col_codes, col_uniques, totals), margins,
                     nonnegative, lock, value)


def _assemble(labels, names, values, suppressed, margin, two_d, codes, margins, nonnegative,
              lock, value) -> _Table:
    """The rest of :func:`_parse` once the cells are known as arrays: the additive relations,
    the preference order of complementary candidates, the locks (``lock()``, called after the
    relations are checked) and the additivity check. ``codes`` holds the row and column codes
    (in order of first appearance), their labels and the positions of the :data:`TOTAL`
    labels among them (``-1`` when absent; unused for 1-D)."""
    row_codes, row_uniques, col_codes, col_uniques, totals = codes
    relations = []
    if margins:
        relations = _relations(labels, two_d, row_codes, row_uniques, col_codes, col_uniques,
                               totals)
    elif margin.any():
        raise InputError(f"table: cells labelled {TOTAL!r} found but margins=False; "
                         "pass margins=True so that the totals are taken into account")
    filled = np.where(np.isnan(values), np.inf, np.abs(values))
    rank = np.empty(len(labels), dtype=np.int64)
    # Preference: interior before margins, positive before zero, smallest value, table order.
    rank[np.lexsort((np.arange(len(labels)), filled, ~(values > 0), margin))] = np.arange(
        len(labels))
    t = _Table(labels, names, values, suppressed, margin, np.asarray(row_codes),
               np.asarray(col_codes), relations, two_d, rank, nonnegative, lock())
    _check_additive(t, value)
    return t


def _relations(labels, two_d, row_codes, row_uniques, col_codes, col_uniques,
               totals) -> list:
    relations = []
    if not two_d:
        total = [i for i, lab in enumerate(labels) if lab == TOTAL]
        if not total:
            raise InputError(f"table: margins=True but no {TOTAL!r} cell",
                             [Problem(TOTAL, "missing margin cell")])
        idx = np.arange(len(labels))
        relations.append((idx, np.where(idx == total[0], -1.0, 1.0)))
        return relations
    problems = []
    for codes, uniques, other, other_total, kind in (
        (row_codes, row_uniques, col_codes, totals[1], "row"),
        (col_codes, col_uniques, row_codes, totals[0], "column"),
    ):
        if other_total < 0:
            problems.append(Problem(TOTAL, f"margins=True but no {TOTAL!r} {kind} total"))
            continue
        # the cells of each label, in table order (a stable sort of the codes)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        for k, name in enumerate(uniques):
            idx = order[bounds[k]:bounds[k + 1]]
            is_total = other[idx] == other_total
            if not is_total.any():
                lab = [f"{a!r}, {b!r}" for a, b in (labels[i] for i in idx[:5])]
                problems.append(Problem(str(name), f"{kind} {name!r} has no {TOTAL!r} cell",
                                        tuple(lab), len(idx)))
                continue
            relations.append((idx, np.where(is_total, -1.0, 1.0)))
    if problems:
        raise InputError("table: margins=True but the margins are incomplete", problems)
    return relations


def _check_additive(t: _Table, value: str) -> None:
    problems = []
    for idx, coef in t.relations:
        v = t.values[idx]
        if np.isnan(v).any():
            continue
        resid = float(coef @ v)
        if abs(resid) > 1e-9 * float(np.abs(v).sum()) + 1e-12:
            members = tuple(t.labels[i] for i in idx[coef < 0])
            problems.append(Problem(value, f"parts do not add up to the total "
                                           f"(difference {resid:.6g})", members, 1))
    if problems:
        raise InputError("table: the cells do not add up to their margins", problems)


def _scale(t: _Table, supp: np.ndarray) -> float:
    known = np.abs(t.values[~supp])
    known = known[np.isfinite(known)]
    top = float(known.max()) if known.size else 0.0
    return top if top > 0 else 1.0


def _intervals(t: _Table, supp: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Lower and upper bound of every suppressed cell given the published cells (an LP)."""
    var = np.flatnonzero(supp)
    scale = _scale(t, supp)
    lower = np.full(var.size, -np.inf if not t.nonnegative else 0.0)
    upper = np.full(var.size, np.inf)
    if var.size == 0:
        return lower, upper, scale
    pos = np.full(len(t.labels), -1)
    pos[var] = np.arange(var.size)
    a_rows, b = [], []
    for idx, coef in t.relations:
        s = supp[idx]
        if not s.any():
            continue
        a = np.zeros(var.size)
        a[pos[idx[s]]] = coef[s]
        a_rows.append(a)
        b.append(-float(coef[~s] @ t.values[idx[~s]]) / scale)
    if not a_rows:
        return lower, upper, scale
    a_eq, b_eq = np.vstack(a_rows), np.asarray(b)
    solved = _range_lp(np.eye(var.size), a_eq, b_eq, t.nonnegative)
    if solved is not None:
        return solved[0] * scale, solved[1] * scale, scale
    bounds = (0.0, None) if t.nonnegative else (None, None)
    for k in range(var.size):  # one by one: the diagnosis of an infeasible programme
        for sign, out in ((1.0, lower), (-1.0, upper)):
            c = np.zeros(var.size)
            c[k] = sign
            res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if res.status == 0:
                out[k] = sign * res.fun * scale
            elif res.status == 3:
                out[k] = -sign * np.inf
            elif res.status == 2:
                raise InputError("table: the published cells are inconsistent with the margins "
                                 "(the audit's linear programme is infeasible)")
            else:  # pragma: no cover - solver trouble on tiny problems is not expected
                raise RuntimeError(f"linear programme failed: {res.message}")
    return lower, upper, scale


#: Box of the batched audit programme, relative to the size of the published values
#: (``M = _BOX * (1 + sum |b|)``), and the share of it from which an optimum is reported as
#: infinite. A finite bound of an additive table is a small multiple of the published values,
#: far below ``_UNBOUNDED * M``; an unbounded direction reaches ``M`` divided by the largest
#: entry of its ray (0 or 1 for these tables), far above it.
_BOX = 1e6
_UNBOUNDED = 1e-3


def _block_diagonal(a_eq: np.ndarray, copies: int):
    """``copies`` copies of ``a_eq`` on the diagonal, as a sparse matrix in coordinate format.

    The entries (the non-zeros of ``a_eq``) are those of ``scipy.sparse.kron(identity,
    csr_matrix(a_eq))`` and in the same order (by row, then column), without its cost;
    ``linprog`` turns either into the same compressed matrix for HiGHS, so the programme,
    and the optimum, are the same."""
    from scipy import sparse

    m, n = a_eq.shape
    r, c = np.nonzero(a_eq)
    blocks = np.arange(copies, dtype=np.int64)[:, None]
    rows = (r[None, :] + m * blocks).ravel()
    cols = (c[None, :] + n * blocks).ravel()
    data = np.tile(a_eq[r, c].astype(float), copies)
    return sparse.coo_array((data, (rows, cols)), shape=(copies * m, copies * n))


def _range_lp(objectives: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray, nonnegative: bool
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """Minimum and maximum of ``objectives @ x`` over ``{x : a_eq x = b_eq}`` (and ``x >= 0``
    when ``nonnegative``), for every row of ``objectives``, in one linear programme.

    The ``2 K`` problems (``K`` rows, each minimised and maximised) are independent, so their
    sum over ``2 K`` copies of ``x`` (a block-diagonal programme) is minimised exactly when
    each copy solves its own problem: one HiGHS call instead of ``2 K``, the same optima. Each
    copy is boxed in ``[-M, M]`` with ``M = _BOX * (1 + sum |b_eq|)`` (an unbounded problem
    would otherwise make the whole programme unbounded); an optimum beyond ``_UNBOUNDED * M``
    in absolute value is reported as infinite. Returns None when the programme is not solved
    (infeasible or solver trouble): the caller then solves the problems one by one for the
    exact diagnosis.

    The optima of the last programmes are kept (:func:`_range_lp_of`): the same tables are
    audited again and again (a two-way table's margins are one-way tables published on their
    own, the estimators protect their domains with the tables of ``tabulate``), and HiGHS
    finds the same optimum for the same programme.
    """
    k = objectives.shape[0]
    if k == 0:
        return np.empty(0), np.empty(0)
    arrays = (objectives, a_eq, b_eq)
    if not all(a.flags.c_contiguous and a.flags.aligned for a in arrays):
        return _solve_range_lp(objectives, a_eq, b_eq, nonnegative)
    solved = _range_lp_of(*(_frozen(a) for a in arrays), bool(nonnegative))
    return None if solved is None else (solved[0].copy(), solved[1].copy())


def _frozen(a: np.ndarray) -> tuple:
    """A (C-contiguous) array as a hashable key: its dtype, shape and bytes."""
    return a.dtype.str, a.shape, a.tobytes()


def _thawed(key: tuple) -> np.ndarray:
    """The array of :func:`_frozen` (a new C-contiguous, aligned array)."""
    dtype, shape, data = key
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


@lru_cache(maxsize=256)
def _range_lp_of(objectives: tuple, a_eq: tuple, b_eq: tuple, nonnegative: bool
                 ) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_solve_range_lp` of the arrays of :func:`_frozen`, kept for the next call."""
    return _solve_range_lp(_thawed(objectives), _thawed(a_eq), _thawed(b_eq), nonnegative)


def _solve_range_lp(objectives: np.ndarray, a_eq: np.ndarray, b_eq: np.ndarray,
                    nonnegative: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The programme of :func:`_range_lp`, solved."""
    k, n = objectives.shape
    box = _BOX * (1.0 + float(np.abs(b_eq).sum()))
    signs = np.repeat([1.0, -1.0], k)
    c = (signs[:, None] * np.vstack([objectives, objectives])).ravel()
    a = _block_diagonal(a_eq, 2 * k)
    b = np.tile(b_eq, 2 * k)
    bounds = (0.0 if nonnegative else -box, box)
    res = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
    if res.status != 0:
        return None
    x = res.x.reshape(2 * k, n)
    low = np.einsum("ij,ij->i", objectives, x[:k])
    high = np.einsum("ij,ij->i", objectives, x[k:])
    reach = _UNBOUNDED * box
    low = np.where(low <= -reach, -np.inf, low)
    high = np.where(high >= reach, np.inf, high)
    return low, high


def _exposed(lower, upper, scale, tol) -> np.ndarray:
    return (upper - lower) <= tol * scale


def _rectangles(t: _Table, supp: np.ndarray) -> None:
    """2-D: put every suppressed cell on the cheapest rectangle of suppressed cells.

    For cell ``(r, c)`` the candidates are the rectangles ``{r, r'} x {c, c'}`` whose corners
    all exist (margin rows and columns included). A rectangle lets the intruder shift
    ``+d`` on ``(r, c)`` and ``(r', c')`` and ``-d`` on the other two corners, so with
    non-negative values its cells can move by ``min(x[r,c], x[r',c']) + min(x[r,c'], x[r',c])``.
    Rectangles where this is positive come first, then the smallest total value of the cells
    that still have to be suppressed, then the fewest new suppressions.
    """
    if t.row.size == 0 or (t.row < 0).any() or (t.col < 0).any():
        _rectangles_loop(t, supp)  # a missing label: the cells by their (row, column) ids
        return
    n_rows, n_cols = int(t.row.max()) + 1, int(t.col.max()) + 1
    grid = np.full((n_rows, n_cols), -1, dtype=np.int64)  # the cell at (row, column), or -1
    grid[t.row, t.col] = np.arange(t.row.size)
    val = np.where(np.isnan(t.values), np.inf, t.values)
    cost = np.where(np.isnan(t.values), 0.0, np.abs(t.values))
    for j in np.flatnonzero(t.suppressed).tolist():
        r, c = int(t.row[j]), int(t.col[j])
        rows = np.flatnonzero(grid[:, c] >= 0)
        rows = rows[rows != r]
        cols = np.flatnonzero(grid[r, :] >= 0)
        cols = cols[cols != c]
        if rows.size == 0 or cols.size == 0:
            continue
        # the rectangles {r, r2} x {c, c2}: corners a = (r, c2), b = (r2, c), d = (r2, c2)
        d = grid[np.ix_(rows, cols)]
        a = np.broadcast_to(grid[r, cols][None, :], d.shape)
        b = np.broadcast_to(grid[rows, c][:, None], d.shape)
        ok = d >= 0
        d = np.where(ok, d, 0)
        new_a, new_b, new_d = ~supp[a], ~supp[b], ~supp[d]
        ok &= ~((new_a & t.locked[a]) | (new_b & t.locked[b]) | (new_d & t.locked[d]))
        if not ok.any():
            continue
        if t.nonnegative:
            flat = ~(np.minimum(val[j], val[d]) + np.minimum(val[a], val[b]) > 0)
        else:
            flat = np.zeros(d.shape, dtype=bool)
        # the cost of the new cells, summed in another order than the key below: only the
        # rectangles within rounding of the cheapest get their exact key
        approx = (np.where(new_a, cost[a], 0.0) + np.where(new_b, cost[b], 0.0)
                  + np.where(new_d, cost[d], 0.0))
        ok &= flat == flat[ok].min()
        cheapest = approx[ok].min()
        best = None
        for i, k in np.argwhere(ok & (approx <= cheapest + 1e-9 * cheapest)):
            key, new = _rectangle_key(t, supp, val, cost, j, int(a[i, k]), int(b[i, k]),
                                      int(d[i, k]), int(rows[i]), int(cols[k]))
            if best is None or key < best[0]:
                best = (key, new)
        if best is not None:
            supp[best[1]] = True


def _rectangle_key(t: _Table, supp: np.ndarray, val: np.ndarray, cost: np.ndarray, j: int,
                   a: int, b: int, d: int, r2: int, c2: int) -> tuple[tuple, list]:
    """The preference key of a rectangle of :func:`_rectangles` (lower first), and its new
    cells."""
    width = min(val[j], val[d]) + min(val[a], val[b]) if t.nonnegative else 1.0
    new = [i for i in (a, b, d) if not supp[i]]
    return (not width > 0, float(cost[new].sum()), len(new), r2, c2), new


def _rectangles_loop(t: _Table, supp: np.ndarray) -> None:
    """:func:`_rectangles` by looping over the cells' (row, column) ids."""
    lookup = {(int(r), int(c)): i for i, (r, c) in enumerate(zip(t.row, t.col, strict=True))}
    n_rows, n_cols = int(t.row.max()) + 1, int(t.col.max()) + 1
    val = np.where(np.isnan(t.values), np.inf, t.values)
    cost = np.where(np.isnan(t.values), 0.0, np.abs(t.values))
    for j in np.flatnonzero(t.suppressed):
        r, c = int(t.row[j]), int(t.col[j])
        best = None
        for r2 in range(n_rows):
            b = lookup.get((r2, c))
            if r2 == r or b is None:
                continue
            for c2 in range(n_cols):
                a, d = lookup.get((r, c2)), lookup.get((r2, c2))
                if c2 == c or a is None or d is None:
                    continue
                width = min(val[j], val[d]) + min(val[a], val[b]) if t.nonnegative else 1.0
                new = [i for i in (a, b, d) if not supp[i]]
                if any(t.locked[i] for i in new):
                    continue
                key = (not width > 0, float(cost[new].sum()), len(new), r2, c2)
                if best is None or key < best[0]:
                    best = (key, new)
        if best is not None:
            supp[best[1]] = True


def _complete(t: _Table, supp: np.ndarray) -> None:
    """No relation may hold exactly one suppressed cell: add the cheapest partner until stable."""
    changed = True
    while changed:
        changed = False
        for idx, _ in t.relations:
            s = supp[idx]
            cand = idx[~s & ~t.locked[idx]]
            if s.sum() == 1 and cand.size:
                supp[cand[np.argmin(t.rank[cand])]] = True
                changed = True


def _repair(t: _Table, supp: np.ndarray, j: int) -> int:
    """A complementary cell that gives the exposed cell ``j`` an alternative path."""
    free = ~supp & ~t.locked
    if t.two_d:
        r, c = t.row[j], t.col[j]
        rows = np.setdiff1d(t.row[supp & (t.col == c)], [r])
        cols = np.setdiff1d(t.col[supp & (t.row == r)], [c])
        # Closing a rectangle j -> (r, c') -> (r', c') -> (r', c) -> j puts j on a cycle.
        cand = np.flatnonzero(free & np.isin(t.row, rows) & np.isin(t.col, cols))
        if cand.size == 0:
            cand = np.flatnonzero(free & ((t.row == r) | (t.col == c)))
    else:
        cand = np.flatnonzero(free)
    if cand.size == 0:
        cand = np.flatnonzero(free)
    if cand.size == 0:
        return -1  # every cell that may change is suppressed: nothing more can be done
    return int(cand[np.argmin(t.rank[cand])])


def _protect(t: _Table, tol: float) -> np.ndarray:
    """The suppression pattern of :func:`suppress_secondary`: primary and complementary."""
    supp = t.suppressed.copy()
    if supp.any() and t.relations:
        if t.two_d:
            _rectangles(t, supp)
        _complete(t, supp)
        while True:
            lower, upper, scale = _intervals(t, supp)
            exposed = np.flatnonzero(supp)[_exposed(lower, upper, scale, tol)]
            if exposed.size == 0:
                break
            j = _repair(t, supp, int(exposed[0]))
            if j < 0:
                raise InputError("cannot protect the table: every cell that may still be "
                                 "suppressed is suppressed and a suppressed cell is still "
                                 "recoverable from the locked (published) cells")
            supp[j] = True
            _complete(t, supp)
    return supp


def suppress_secondary(
    table: pd.DataFrame,
    value: str = "value",
    status: str = "status",
    row: str | None = None,
    col: str | None = None,
    margins: bool = True,
    *,
    nonnegative: bool | None = None,
    tol: float = 1e-6,
    locked: str | None = None,
) -> pd.DataFrame:
    """Add complementary suppressions so that no suppressed cell can be recovered exactly.

    The table is one- or two-dimensional, in long format (one row per cell), with margin cells
    labelled :data:`TOTAL` (``"Total"``). Three steps:

    1. *Rectangles (2-D only).* Each suppressed cell ``(r, c)`` is put on the cheapest
       rectangle ``{r, r'} x {c, c'}`` of suppressed cells (margins included): among the
       rectangles whose cells can move without turning negative, the one with the smallest
       total value of newly suppressed cells.
    2. *No lonely cell.* Every additive relation (a row or a column, margin rows and columns
       included, with its total) that holds exactly one suppressed cell gets a second one:
       the candidate that loses the least information, i.e. an interior cell before a total,
       a positive cell before a zero cell, then the smallest value. Repeat until stable.
       In a 1-D table this suppresses the smallest other interior cell.
    3. *Audit.* For every suppressed cell a linear programme computes the smallest and the
       largest value consistent with the published cells, the additive relations and (for
       non-negative tables) non-negativity. A cell whose interval has zero width is exposed:
       one more cell is suppressed (preferably one that closes a rectangle with the exposed
       cell), step 2 is repeated and the table is audited again.

    The result is a safe pattern (no suppressed cell is determined exactly), not an optimal
    one: optimal secondary suppression is NP-hard. No minimum interval width is enforced.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per cell. Labels come from the columns ``row`` (and ``col``) or, when ``row``
        is None, from the index (one level: 1-D; two levels: 2-D). A missing cell of a 2-D
        table is a structural zero (known to be 0).
    value : str
        Column with the cell values (additive: totals or counts, not means). Values may be
        missing only in suppressed cells.
    status : str
        Column with ``"publish"``, ``"primary"`` or ``"secondary"``.
    row, col : str, optional
        Columns with the row and column labels.
    margins : bool
        Whether the table holds its margins. Without published totals there is nothing to
        subtract from, so no secondary suppression is needed; margin cells then must not exist.
    nonnegative : bool, optional
        Use non-negativity in the audit. Default: true when all known values are >= 0.
    tol : float
        A cell is exposed when its interval is narrower than ``tol`` times the largest
        absolute published value.
    locked : str, optional
        Boolean column: cells whose status is fixed (e.g. margins whose protection was
        decided in another, already published table). They are never chosen as
        complementary cells; a suppressed locked cell is still protected by other cells.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with complementary cells marked ``"secondary"``. Values are not
        removed: that is done by the caller (e.g. :func:`tabulate`) before publication.

    Raises
    ------
    InputError
        Missing columns, unknown statuses, duplicate cells, incomplete margins, or cells that
        do not add up to their margins.

    See Also
    --------
    audit_suppression : The feasible interval of every suppressed cell.
    cell_status : The primary suppression this protects.
    tabulate : Primary and secondary suppression of a table from the microdata.

    References
    ----------
    .. [1] Cox, L. H. (1980). Suppression methodology and statistical disclosure control.
       *Journal of the American Statistical Association*, 75(370), 377-385.
       doi:10.1080/01621459.1980.10477481
    .. [2] Kelly, J. P., Golden, B. L. and Assad, A. A. (1992). Cell suppression:
       disclosure protection for sensitive tabular data. *Networks*, 22(4), 397-417.
    .. [3] Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Schulte Nordholt,
       E., Spicer, K. and de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley,
       section 4.4 (secondary cell suppression). doi:10.1002/9781118348239

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"value": [5.0, 40.0, 25.0, 30.0, 100.0],
    ...                   "status": ["primary", "publish", "publish", "publish", "publish"]},
    ...                  index=pd.Index(["a", "b", "c", "d", "Total"], name="area"))
    >>> suppress_secondary(t)["status"].tolist()
    ['primary', 'publish', 'secondary', 'publish', 'publish']
    """
    t = _parse(table, value, status, row, col, margins, nonnegative, locked)
    supp = _protect(t, tol)
    out = table.copy()
    new = supp & ~t.suppressed
    if new.any():
        out.iloc[np.flatnonzero(new), out.columns.get_loc(status)] = "secondary"
    return out


def audit_suppression(
    table: pd.DataFrame | list | tuple,
    value: str = "value",
    status: str = "status",
    row: str | None = None,
    col: str | None = None,
    margins: bool = True,
    *,
    nonnegative: bool | None = None,
    tol: float = 1e-6,
) -> pd.DataFrame:
    """The interval an intruder can derive for each suppressed cell of an additive table.

    Only the published cells are used (the values of suppressed cells may be missing), so a
    published table, e.g. the output of :func:`tabulate` with ``stat="total"``, can be audited
    as it stands. For each suppressed cell two linear programmes find the minimum and the
    maximum of the cell subject to the table's additive relations, the published values and,
    for non-negative tables, non-negativity.

    Given a list (or tuple) of published tables, the tables are audited *together*: see
    :func:`audit_tables` (``value``, ``status``, ``row``, ``col`` and ``margins`` are then
    taken from each table's ``attrs``).

    Parameters
    ----------
    table : pandas.DataFrame, or a list or tuple of them
        One table in long format (as in :func:`suppress_secondary`), or the set of tables
        published together.
    value : str, default "value"
        Column with the cell values (additive: totals or counts). Values may be missing in
        the suppressed cells.
    status : str, default "status"
        Column with ``"publish"``, ``"primary"``, ``"secondary"`` (or ``"not_available"``).
    row, col : str, optional
        Columns with the row and column labels; default the index (one level: 1-D; two
        levels: 2-D).
    margins : bool, default True
        Whether the table holds its margins (labelled :data:`TOTAL`).
    nonnegative : bool, optional
        Use non-negativity in the linear programmes. Default: true when all published
        values are >= 0.
    tol : float, default 1e-6
        A cell is exposed when its interval is narrower than ``tol`` times the largest
        absolute published value.

    Returns
    -------
    pandas.DataFrame
        One row per suppressed cell, indexed by its label(s), with columns ``status``,
        ``lower``, ``upper`` (``inf`` when unbounded) and ``exposed`` (true when
        ``upper - lower`` is below ``tol`` times the largest absolute published value, i.e.
        the cell is recovered exactly). For a list of tables, the result of
        :func:`audit_tables`.

    Raises
    ------
    nldtib_forecast.InputError
        Missing columns, unknown statuses, duplicate cells, incomplete margins, or published
        cells that do not add up to their margins.

    See Also
    --------
    audit_tables : The audit of several tables published together.
    suppress_secondary : Adds complementary suppressions until no cell is exposed.

    References
    ----------
    .. [1] Fischetti, M. and Salazar-González, J.-J. (1999). Models and algorithms for the
       2-dimensional cell suppression problem in statistical disclosure control.
       *Mathematical Programming*, 84(2), 283-312.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"value": [None, 40.0, None, 30.0, 100.0],
    ...                   "status": ["primary", "publish", "secondary", "publish", "publish"]},
    ...                  index=pd.Index(["a", "b", "c", "d", "Total"], name="area"))
    >>> audit_suppression(t)
         status  lower  upper  exposed
    area
    a   primary    0.0   30.0    False
    c secondary    0.0   30.0    False
    """
    if isinstance(table, list | tuple):
        return audit_tables(table, nonnegative=nonnegative, tol=tol)
    t = _parse(table, value, status, row, col, margins, nonnegative)
    supp = t.suppressed
    lower, upper, scale = _intervals(t, supp)
    cells = [t.labels[i] for i in np.flatnonzero(supp)]
    if t.two_d:
        index = pd.MultiIndex.from_tuples(cells, names=t.names) if cells else (
            pd.MultiIndex.from_arrays([[], []], names=t.names))
    else:
        index = pd.Index(cells, name=t.names[0], dtype=object)
    return pd.DataFrame(
        {
            "status": np.asarray(table[status].astype(object))[supp].astype(str),
            "lower": lower,
            "upper": upper,
            "exposed": _exposed(lower, upper, scale, tol),
        },
        index=index,
    )


# -- the audit of a set of published tables -------------------------------------------------------
def _additive_key(table: pd.DataFrame) -> tuple | None:
    """``(value, year, kind)`` of an additive table (totals or counts), or None."""
    attrs = table.attrs
    stat = attrs.get("stat", attrs.get("statistic"))
    if stat not in ("total", "count"):
        return None
    return (attrs.get("value"), attrs.get("year"), "count" if stat == "count" else "total")


def _table_cells(table: pd.DataFrame) -> tuple[list[str], list[tuple], np.ndarray, np.ndarray]:
    """``by`` names, the label tuple, value and status of every row of a published table."""
    by = table.attrs.get("by")
    names = [] if by is None else [by] if isinstance(by, str) else list(by)
    value_col = "value" if "value" in table.columns else "estimate"
    labels: list[tuple]
    if not names:
        labels = [()] * len(table)
    elif len(names) == 1:
        labels = [(k,) for k in table.index]
    else:
        labels = [tuple(k) for k in table.index]
    return (names, labels, table[value_col].to_numpy(dtype=float),
            table["status"].astype(str).to_numpy())


def audit_tables(tables, *, nonnegative: bool | None = None, tol: float = 1e-6
                 ) -> pd.DataFrame:
    """The interval an intruder can derive for each suppressed cell from a *set* of tables.

    Tables published together (e.g. by one report, or one-way and two-way tables of the same
    variable) share their cells: a cell suppressed in one table may be recovered from
    another. For every group of additive tables of the same variable and year (totals of
    ``value``, or counts of firms), the cells of all tables are written as sums of the finest
    cells of all their ``by`` variables together (every combination of the categories that
    appear), and for each suppressed cell two linear programmes find its smallest and largest
    value consistent with every published cell (and non-negativity). Tables of means, ratios
    and proportions are not additive and are skipped: the estimators suppress their cells
    wherever the additive tables behind them are suppressed.

    Parameters
    ----------
    tables : sequence of pandas.DataFrame
        Outputs of :func:`~nldtib_forecast.survey.tabulate` or of the survey estimators
        (``survey_total``), with their ``attrs`` (``by``, ``value``, ``year``, ``stat`` or
        ``statistic``). Margins labelled :data:`TOTAL` and the estimators' overall row
        (``by=None``) are understood.
    nonnegative : bool, optional
        Use non-negativity; default: when every published value of the group is >= 0.
    tol : float
        Exposed when the interval is narrower than ``tol`` times the largest absolute
        published value of the group.

    Returns
    -------
    pandas.DataFrame
        One row per suppressed cell of an additive table: ``table`` (position in
        ``tables``), ``cell`` (labels as text), ``status``, ``lower``, ``upper`` and
        ``exposed``. ``attrs["n_tables"]`` counts the additive tables audited,
        ``attrs["skipped"]`` the others.

    Raises
    ------
    nldtib_forecast.InputError
        If ``tables`` is not a sequence of DataFrames with the ``attrs`` of
        :func:`tabulate` or of the estimators, or their cells are inconsistent.

    See Also
    --------
    audit_suppression : The audit of one table.
    tabulate : Protected tables from the microdata.
    survey_total : Protected estimates by domain.

    References
    ----------
    .. [1] Giessing, S. and Repsilber, D. (2002). Tools and strategies to protect multiple
       tables with the GHQUAR cell suppression engine. In *Inference Control in Statistical
       Databases*, Lecture Notes in Computer Science 2316, 181-192. Springer.

    Examples
    --------
    >>> from nldtib_forecast.data import synthetic_survey
    >>> from nldtib_forecast.survey import survey_total, tabulate
    >>> from nldtib_forecast.survey import audit_tables
    >>> s = synthetic_survey(seed=0)
    >>> tables = [survey_total(s, "turnover_ds_eur"),
    ...           survey_total(s, "turnover_ds_eur", by="nld_area"),
    ...           tabulate(s, ["nld_area", "domain"], "turnover_ds_eur")]
    >>> audit = audit_tables(tables)
    >>> bool(audit["exposed"].any()), audit.attrs["n_tables"]
    (False, 3)
    """
    groups: dict[tuple, list[int]] = {}
    skipped = 0
    for i, t in enumerate(tables):
        if not isinstance(t, pd.DataFrame) or "status" not in t.columns:
            raise InputError(f"argument 'tables': item {i} is not a published table (a "
                             "DataFrame with a 'status' column)")
        key = _additive_key(t)
        if key is None:
            skipped += 1
            continue
        groups.setdefault(key, []).append(i)
    rows = []
    for _key, members in groups.items():
        parsed = {i: _table_cells(tables[i]) for i in members}
        variables: list[str] = []
        for names, *_ in parsed.values():
            variables += [n for n in names if n not in variables]
        cats: dict[str, list] = {v: [] for v in variables}
        for names, labels, _, _ in parsed.values():
            for lab in labels:
                for n, v in zip(names, lab, strict=True):
                    if v != TOTAL and v not in cats[n]:
                        cats[n].append(v)
        grids = np.meshgrid(*[np.arange(len(cats[v])) for v in variables], indexing="ij")
        finest = np.column_stack([g.ravel() for g in grids]) if variables else np.zeros((1, 0))
        n_fine = finest.shape[0]
        eqs, vals, supp, where = [], [], [], []
        for i, (names, labels, values, status) in parsed.items():
            for lab, val, st in zip(labels, values, status, strict=True):
                member = np.ones(n_fine, dtype=bool)
                for n, v in zip(names, lab, strict=True):
                    if v != TOTAL:
                        member &= finest[:, variables.index(n)] == cats[n].index(v)
                eqs.append(member.astype(float))
                suppressed = st in _SUPPRESSED or not np.isfinite(val)
                vals.append(np.nan if suppressed else val)
                supp.append(suppressed)
                where.append((i, " x ".join(str(v) for v in lab) or "all", st))
        A = np.vstack(eqs)
        b = np.asarray(vals)
        s = np.asarray(supp)
        known = b[~s]
        scale = float(np.max(np.abs(known))) if known.size and np.max(np.abs(known)) > 0 else 1.0
        nonneg = bool(np.all(known >= 0)) if nonnegative is None else nonnegative
        bounds = (0.0, None) if nonneg else (None, None)
        cells = np.flatnonzero(s)
        solved = _range_lp(A[cells], A[~s], b[~s] / scale, nonneg)
        for n_cell, j in enumerate(cells):
            if solved is not None:
                i, cell, st = where[j]
                lower, upper = solved[0][n_cell] * scale, solved[1][n_cell] * scale
                rows.append({"table": i, "cell": cell, "status": st, "lower": lower,
                             "upper": upper, "exposed": bool(upper - lower <= tol * scale)})
                continue
            lo_hi = []
            for sign in (1.0, -1.0):
                res = linprog(sign * A[j], A_eq=A[~s], b_eq=b[~s] / scale, bounds=bounds,
                              method="highs")
                if res.status == 0:
                    lo_hi.append(sign * res.fun * scale)
                elif res.status == 3:
                    lo_hi.append(-sign * np.inf)
                else:
                    raise InputError("audit_tables: the published cells are inconsistent "
                                     "(the linear programme is infeasible); were the tables "
                                     "computed from the same data?")
            i, cell, st = where[j]
            lower, upper = lo_hi
            rows.append({"table": i, "cell": cell, "status": st, "lower": lower,
                         "upper": upper, "exposed": bool(upper - lower <= tol * scale)})
    out = pd.DataFrame(rows, columns=["table", "cell", "status", "lower", "upper", "exposed"])
    out.attrs.update(n_tables=sum(len(m) for m in groups.values()), skipped=skipped)
    return out
