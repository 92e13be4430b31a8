"""Exceptions raised by nldtib_forecast.

Every error caused by the caller's input is an :class:`InputError`, a subclass of
:class:`ValueError`, so ``except ValueError`` keeps working. An :class:`InputError` carries
a list of :class:`Problem` records (column or key, rule broken, first offending rows) so that
a caller fixing a survey file sees *every* problem at once, not only the first.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from numbers import Integral, Real
from typing import Literal, overload

import numpy as np

__all__ = ["InputError", "Problem", "check_option", "check_seed", "check_year", "key_problem",
           "one_line", "error_text"]

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

    See Also
    --------
    InputError : The error that carries the problems.

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

    See Also
    --------
    Problem : One rule broken, with the offending rows.

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
    nldtib_forecast.InputError: argument 'method': ...(did you mean 'fisher'?)
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


def _type_text(value: object) -> str:
    return f"{value!r} ({type(value).__name__})"


@overload
def check_year(value: object, name: str = ..., *, optional: Literal[False] = ...,
               lower: int | None = ..., upper: int | None = ...) -> int: ...
@overload
def check_year(value: object, name: str = ..., *, optional: bool,
               lower: int | None = ..., upper: int | None = ...) -> int | None: ...
def check_year(value: object, name: str = "year", *, optional: bool = False,
               lower: int | None = None, upper: int | None = None) -> int | None:
    """A year argument as an ``int``; anything that is not a whole number is an InputError.

    The one rule for every ``year`` argument of the package (and for each year of a
    ``years`` argument): a year is a whole number. Python and numpy integers are accepted, and
    so are integral floats such as ``2024.0`` (what a year column with a gap holds), which are
    returned as ``2024``. Rejected: ``2024.5``, NaN and infinities, booleans, text (``"2024"``:
    pass the number) and sequences (``[2024]``: pass one year). This is also the rule of the
    ``year`` column of the survey schema (integer-valued).

    Parameters
    ----------
    value : object
        The value given by the caller.
    name : str, default "year"
        Name of the argument (used in the message).
    optional : bool, default False
        Whether ``None`` is accepted (it is then returned as ``None``).
    lower, upper : int, optional
        Closed bounds of the valid years.

    Returns
    -------
    int or None

    Examples
    --------
    >>> import numpy as np
    >>> check_year(2024), check_year(np.int64(2024)), check_year(2024.0)
    (2024, 2024, 2024)
    >>> check_year(2024.5)
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'year': a year must be a whole number such as \
2024, got 2024.5 (float)
    >>> check_year([2024])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'year': ... one year, not a list: year=2024
    """
    if value is None:
        if optional:
            return None
        raise InputError(f"argument '{name}': a year is required (a whole number such as 2024)")
    year: int | None = None
    if isinstance(value, bool | np.bool_):
        year = None
    elif isinstance(value, Integral):
        year = int(value)
    elif isinstance(value, Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            year = int(number)
    if year is None:
        hint = ""
        if isinstance(value, str):
            hint = f"; pass the number, not text: {name}={value.strip()}"
        elif isinstance(value, list | tuple | set | np.ndarray):
            hint = f"; pass one year, not a {type(value).__name__}: {name}=2024"
        raise InputError(f"argument '{name}': a year must be a whole number such as 2024, got "
                         f"{_type_text(value)}{hint}")
    if (lower is not None and year < lower) or (upper is not None and year > upper):
        bounds = f"{'' if lower is None else lower}-{'' if upper is None else upper}"
        raise InputError(f"argument '{name}': year {year} is outside {bounds}")
    return year


def check_seed(value: object, name: str = "seed") -> int | np.random.Generator | None:
    """A random seed: ``None``, a non-negative integer or a :class:`numpy.random.Generator`.

    Negative integers (numpy refuses them), floats, booleans and text are InputErrors; an
    integer is returned as a Python ``int``, a Generator or ``None`` unchanged.

    Examples
    --------
    >>> check_seed(3), check_seed(None)
    (3, None)
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'seed': must be None, an integer >= 0 or a \
numpy.random.Generator, got -1 (int)
    """
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, Integral) and not isinstance(value, bool | np.bool_) \
            and int(value) >= 0:
        return int(value)
    raise InputError(f"argument '{name}': must be None, an integer >= 0 or a "
                     f"numpy.random.Generator, got {_type_text(value)}")


def check_level(value: object, name: str = "level") -> float:
    """A confidence level: a number strictly between 0 and 1, returned as a ``float``.

    The one rule for every ``level`` argument of the package. Booleans, text (``"0.9"``: pass
    the number) and percentages (``95``: pass ``0.95``) are InputErrors.

    Examples
    --------
    >>> check_level(0.9), check_level(np.float32(0.5))
    (0.9, 0.5)
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'level': must be a number ... write 0.95, not 95
    """
    hint = ""
    if isinstance(value, Real) and not isinstance(value, bool | np.bool_):
        number = float(value)
        if 0 < number < 1:
            return number
        if 1 < number < 100:
            hint = f"; write {number / 100:g}, not {value!r}"
    elif isinstance(value, str):
        hint = "; pass a number, not text"
    raise InputError(f"argument '{name}': must be a number strictly between 0 and 1 (0.95 for a "
                     f"95% interval), got {_type_text(value)}{hint}")


def check_int(value: object, name: str, minimum: int) -> int:
    """A whole-number argument (a count: replicates, iterations, classes) of at least
    ``minimum``, returned as an ``int``; booleans, floats and text are InputErrors.

    Examples
    --------
    >>> check_int(np.int64(200), "n_replicates", 2)
    200
    >>> check_int(1.5, "n_replicates", 2)
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument 'n_replicates': must be an integer >= 2, got ...
    """
    if isinstance(value, Integral) and not isinstance(value, bool | np.bool_) \
            and int(value) >= minimum:
        return int(value)
    raise InputError(f"argument '{name}': must be an integer >= {minimum}, got "
                     f"{_type_text(value)}")


# -- the number of workers (the API's n_jobs and the command line's --jobs) ----------
#: Upper bound of ``n_jobs``: this many workers per CPU core ...
JOBS_PER_CORE = 4
#: ... and never more than this many.
MAX_JOBS = 256


def max_jobs() -> int:
    """The largest ``n_jobs`` accepted: 4 x the CPU cores (as joblib counts them), <= 256."""
    from joblib import cpu_count

    try:
        cores = int(cpu_count())
    except Exception:  # pragma: no cover - joblib could not count the cores
        cores = os.cpu_count() or 1
    return max(1, min(MAX_JOBS, JOBS_PER_CORE * cores))


def check_n_jobs(n_jobs: object, name: str = "argument 'n_jobs'",
                  allow_none: bool = True) -> int | None:
    """``n_jobs`` checked: ``None`` (when allowed), ``-1`` (all cores) or 1 .. :func:`max_jobs`.

    The one validator of the number of workers, for the API (``n_jobs``) and the command line
    (``--jobs``), so that both accept the same values; ``name`` prefixes the message.
    """
    if n_jobs is None and allow_none:
        return None
    limit = max_jobs()
    if isinstance(n_jobs, int | np.integer) and not isinstance(n_jobs, bool | np.bool_) \
            and (int(n_jobs) == -1 or 1 <= int(n_jobs) <= limit):
        return int(n_jobs)
    none = "None, " if allow_none else ""
    rule = (f"must be {none}-1 (all cores) or an integer from 1 to {limit} (at most "
            f"{JOBS_PER_CORE} per CPU core), got {n_jobs!r}")
    raise InputError(f"{name}: {rule}" if name else rule)




# The public path of the error is the package (``nldtib_forecast.InputError``): tracebacks, and
# the examples on the API pages that show them, name it rather than this private module.
# Pickling resolves it there. (Problem keeps its module: autosummary finds the documentation of
# its dataclass fields in the module that defines them.)
InputError.__module__ = "nldtib_forecast"


def one_line(text: object) -> str:
    """``text`` on one line: its non-empty lines, stripped, joined with ``"; "``.

    Parameters
    ----------
    text : object
        Anything; its ``str``.

    Returns
    -------
    str
        One line.
    """
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def error_text(err: BaseException) -> str:
    """The message of an error as ``nldtib-forecast`` prints it after ``error:`` (the
    command line and the explorer show the same text).

    An :class:`~nldtib_forecast.InputError` gives its message on the first line and one
    problem a line (indented, after a dash); a file system error its reason and the file;
    anything else its text on one line.

    Parameters
    ----------
    err : BaseException
        The error.

    Returns
    -------
    str
        The message.

    Examples
    --------
    >>> print(error_text(InputError("bad survey", [Problem("weight", "must be > 0")])))
    bad survey
      - column 'weight': must be > 0
    >>> error_text(FileNotFoundError(2, "No such file or directory", "survey.csv"))
    'No such file or directory: survey.csv'
    """
    if isinstance(err, InputError):
        if not err.problems:
            return one_line(err)
        return "\n".join([one_line(err.message), *(f"  - {one_line(p)}" for p in err.problems)])
    if isinstance(err, OSError):
        where = f": {err.filename}" if getattr(err, "filename", None) else ""
        return f"{err.strerror or one_line(err) or type(err).__name__}{where}"
    return one_line(err) or type(err).__name__
