"""Exceptions raised by nldtib_forecast.

Every error caused by the caller's input is an :class:`InputError`, a subclass of
:class:`ValueError`, so ``except ValueError`` keeps working. An :class:`InputError` carries
a list of :class:`Problem` records (column or key, rule broken, first offending rows) so that
a caller fixing a survey file sees *every* problem at once, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

__all__ = ["InputError", "Problem", "check_option", "key_problem"]

_MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """One rule broken by the input.

    Parameters
    ----------
    column : str
        Column, key or argument name the problem is about.
    rule : str
        The rule that was broken, in words (e.g. ``"must be >= 0"``).
    rows : tuple
        Index labels (or row numbers) of the first offending rows; empty when the problem is
        not about rows (e.g. a missing column).
    n_rows : int
        Total number of offending rows (``len(rows)`` may be shorter).
    kind : str, default ``"column"``
        What ``column`` names, as the message says it: ``"column"`` for a data column,
        ``"key"`` for a key of a scenario file or mapping.

    Examples
    --------
    >>> from nldtib_forecast import InputError, Problem
    >>> p = Problem('weight', 'must be > 0', rows=(3, 7), n_rows=2)
    >>> str(p)
    "column 'weight': must be > 0; 2 offending row(s): 3, 7"
    >>> err = InputError('survey data failed validation', [p])
    >>> err.problems[0].column
    'weight'
    >>> print(Problem("scenarios.reform.drivers.order_certanty", "unknown driver", kind="key"))
    key 'scenarios.reform.drivers.order_certanty': unknown driver
    """

    column: str
    rule: str
    rows: tuple = field(default=())
    n_rows: int = 0
    kind: str = "column"

    def __str__(self) -> str:
        text = f"{self.kind} '{self.column}': {self.rule}"
        if self.n_rows:
            shown = ", ".join(repr(r) for r in self.rows[:_MAX_ROWS_SHOWN])
            more = f" (and {self.n_rows - len(self.rows[:_MAX_ROWS_SHOWN])} more)" if (
                self.n_rows > _MAX_ROWS_SHOWN
            ) else ""
            text += f"; {self.n_rows} offending row(s): {shown}{more}"
        return text


def key_problem(key: str, rule: str, rows: tuple = (), n_rows: int = 0) -> Problem:
    """A :class:`Problem` about a key of a file or mapping rather than a data column.

    Examples
    --------
    >>> print(key_problem("scenarios.x.drivers.y", "unknown driver"))
    key 'scenarios.x.drivers.y': unknown driver
    """
    return Problem(key, rule, rows, n_rows, kind="key")


class InputError(ValueError):
    """Bad input: names the column or key, the rule broken and the offending rows.

    Parameters
    ----------
    message : str
        Summary of what went wrong.
    problems : sequence of Problem, optional
        Every individual problem found. They are listed in ``str(error)``.

    Examples
    --------
    >>> from nldtib_forecast import InputError
    >>> err = InputError("bad survey", [Problem("weight", "must be > 0", (3, 7), 2)])
    >>> print(err)
    bad survey
      - column 'weight': must be > 0; 2 offending row(s): 3, 7
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(self, message: str, problems: Sequence[Problem] | None = None) -> None:
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems or ())
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    @property
    def columns(self) -> tuple[str, ...]:
        """Columns or keys named by the problems, in order of appearance."""
        seen: dict[str, None] = {}
        for p in self.problems:
            seen.setdefault(p.column, None)
        return tuple(seen)


def check_option(name: str, value: object, valid: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``valid``, else raise :class:`InputError`.

    Unknown option strings are errors, never silently replaced by a default. The message
    lists the valid names and suggests the closest one.

    Parameters
    ----------
    name : str
        Name of the argument (used in the message).
    value : object
        The value given by the caller.
    valid : iterable of str
        Accepted values.

    Returns
    -------
    str
        ``value``, unchanged.

    Examples
    --------
    >>> check_option("method", "fisher", ["fisher", "laspeyres"])
    'fisher'
    >>> check_option("method", "fischer", ["fisher", "laspeyres"])
    Traceback (most recent call last):
    ...
    nldtib_forecast._errors.InputError: argument 'method': ...(did you mean 'fisher'?)
    """
    valid = list(valid)
    if isinstance(value, str) and value in valid:
        return value
    hint = ""
    if isinstance(value, str):
        close = get_close_matches(value, valid, n=1)
        if close:
            hint = f" (did you mean '{close[0]}'?)"
    listed = ", ".join(repr(v) for v in valid)
    raise InputError(f"argument '{name}': unknown value {value!r}; valid values: {listed}{hint}")
