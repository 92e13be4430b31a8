"""The scenario explorer: move the levers, see the outlook change, in a browser or a notebook.

A view on the outlook (:class:`~nldtib_forecast.models.outlook.Outlook`), not a second model:
choose a future, start from a policy, move the levers (order certainty, procurement lead time,
labour supply growth, priority for domestic customers), and the page shows the comparison
with current conditions that ``nldtib-forecast run`` would compute for the same setting:
turnover, capacity and demand as fan charts, the policy effect with its interval, the export
share, the FTE required and which constraint binds when. 'Save as scenario' writes the setting
as a scenario file, 'Report' the files of ``nldtib-forecast run``.

* ``nldtib-forecast explore`` serves it on ``http://127.0.0.1:5006/`` (:func:`serve`);
* ``nldtib_forecast.explore.app()`` shows it in a notebook cell (:func:`app`).

The page is built with Panel, an optional dependency: ``pip install
"nldtib-forecast[explore]"``. What the page computes needs no web framework and is public
here: :class:`Setting` (the state), :func:`policy_for` (the policy of the sliders),
:func:`compare` (the outputs), :func:`save_setting` and :func:`write_report`.
See :doc:`/howto_explore`.
"""

from __future__ import annotations

from os import PathLike
from typing import Any

from nldtib_forecast.explore.compute import (
    FAN_VARIABLES,
    KEY_FIGURES,
    Comparison,
    Inputs,
    compare,
    error_text,
    load_inputs,
    write_report,
)
from nldtib_forecast.explore.setting import (
    LEVER_NAMES,
    MAX_DRAWS,
    REFERENCE_POLICY,
    Choices,
    Lever,
    Setting,
    check_draws,
    lever_levels,
    levers,
    policy_for,
    save_setting,
)
from nldtib_forecast.explore.view import key_figures_table

__all__ = ["app", "serve", "framework_missing", "MISSING_EXTRA", "Setting", "Choices", "Lever",
           "levers", "policy_for", "lever_levels", "save_setting", "compare", "Comparison",
           "Inputs", "load_inputs", "write_report", "error_text", "key_figures_table",
           "LEVER_NAMES", "REFERENCE_POLICY", "MAX_DRAWS", "FAN_VARIABLES", "KEY_FIGURES",
           "check_draws"]

#: What the command says when the ``explore`` extra is not installed.
MISSING_EXTRA = ('the scenario explorer needs Panel, in the optional "explore" extra: '
                 'pip install "nldtib-forecast[explore]"')


def framework_missing() -> str | None:
    """Why the explorer's page cannot be built here, or None when it can.

    Returns
    -------
    str or None
        :data:`MISSING_EXTRA` when Panel (the ``explore`` extra) is not installed.

    Examples
    --------
    >>> framework_missing() in (None, MISSING_EXTRA)
    True
    """
    try:
        import bokeh  # noqa: F401
        import panel  # noqa: F401
    except ImportError:
        return MISSING_EXTRA
    return None


def _require() -> None:
    missing = framework_missing()
    if missing is not None:
        raise ImportError(missing)


def app(survey: str | PathLike | None = None, population: str | PathLike | None = None, *,
        scenarios: str | PathLike | None = None, future: str = "baseline",
        policy: str = "improved_conditions", n_draws: int | None = None,
        seed: int | None = None) -> Any:
    """The scenario explorer's page, to show in a notebook cell (or serve with Panel).

    Parameters
    ----------
    survey : str or os.PathLike, optional
        Survey microdata instead of the synthetic survey (as ``--survey FILE``).
    population : str or os.PathLike, optional
        Frame counts to weight the respondents of ``survey`` (as ``--population``).
    scenarios : str or os.PathLike, optional
        A scenario file whose futures and policies join the lists.
    future : str, default ``"baseline"``
        The future shown first.
    policy : str, default ``"improved_conditions"``
        The policy shown first.
    n_draws : int, optional
        Draws per scenario (default 1000).
    seed : int, optional
        Seed (default 0).

    Returns
    -------
    nldtib_forecast.explore.page.ExplorerApp
        The page; the last expression of a cell displays it. Its ``setting()`` is the
        current :class:`Setting`, its ``comparison`` the last :class:`Comparison`.

    Raises
    ------
    ImportError
        Without the ``explore`` extra (the message says what to install).
    nldtib_forecast.InputError
        An unreadable or invalid survey or scenario file, an unknown future or policy.

    See Also
    --------
    serve : The same page as a local web app.

    Examples
    --------
    In a notebook cell (needs the ``explore`` extra):

    >>> from nldtib_forecast.explore import app
    >>> page = app(future="european_surge", policy="orders_only")  # doctest: +SKIP
    >>> page  # doctest: +SKIP
    """
    _require()
    import panel as pn

    from nldtib_forecast._errors import check_option
    from nldtib_forecast.explore.page import ExplorerApp
    from nldtib_forecast.simulation import DEFAULT_N_DRAWS, DEFAULT_SEED

    pn.extension(notifications=False)
    choices = Choices.builtin() if scenarios is None else Choices.from_file(scenarios)
    check_option("future", future, list(choices.futures))
    check_option("policy", policy, list(choices.policies))
    return ExplorerApp(load_inputs(survey, population), choices, future=future, policy=policy,
                       n_draws=DEFAULT_N_DRAWS if n_draws is None else n_draws,
                       seed=DEFAULT_SEED if seed is None else seed)


def serve(survey: str | PathLike | None = None, population: str | PathLike | None = None, *,
          port: int = 5006, address: str = "127.0.0.1", browser: bool = True) -> int:
    """Run the scenario explorer as a local web app until Ctrl-C (``nldtib-forecast
    explore``).

    Parameters
    ----------
    survey : str or os.PathLike, optional
        Survey microdata instead of the synthetic survey (as ``--survey FILE``).
    population : str or os.PathLike, optional
        Frame counts to weight the respondents of ``survey`` (as ``--population``).
    port : int, default 5006
        The port.
    address : str, default ``"127.0.0.1"``
        The address to listen on (this machine only by default).
    browser : bool, default True
        Open the page in the default web browser.

    Returns
    -------
    int
        0 once stopped.

    Raises
    ------
    ImportError
        Without the ``explore`` extra.
    nldtib_forecast.InputError
        An unreadable or invalid survey file, a port out of range or in use.

    See Also
    --------
    app : The same page in a notebook.

    Examples
    --------
    What ``nldtib-forecast explore --no-browser`` does (runs until Ctrl-C):

    >>> from nldtib_forecast.explore import serve
    >>> serve(port=5006, browser=False)  # doctest: +SKIP
    nldtib-forecast explore: the scenario explorer runs at http://127.0.0.1:5006/ (Ctrl-C ...
    """
    _require()
    from nldtib_forecast.explore.server import serve as _serve

    return _serve(survey, population, port=port, address=address, browser=browser)


def __dir__() -> list[str]:  # only the public names (the imports stay private)
    return sorted(__all__)
