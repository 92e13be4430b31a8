"""``nldtib-forecast explore``: the explorer as a local web app (Panel's server).

:func:`serve` reads the survey, calibrates the outlook, starts the server on ``127.0.0.1``
(one :class:`~nldtib_forecast.explore.page.ExplorerApp` per browser tab), prints the address
and runs until Ctrl-C (or SIGTERM), which stops it cleanly.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import webbrowser
from os import PathLike
from typing import TextIO

from nldtib_forecast._errors import InputError
from nldtib_forecast.explore.compute import load_inputs
from nldtib_forecast.simulation import DEFAULT_SEED

__all__ = ["serve", "DEFAULT_PORT", "DEFAULT_ADDRESS", "check_port"]

#: The port of ``nldtib-forecast explore`` unless ``--port N`` says otherwise (Panel's).
DEFAULT_PORT = 5006
#: The address the server listens on: this machine only.
DEFAULT_ADDRESS = "127.0.0.1"
TITLE = "NLDTIB scenario explorer"


def check_port(port: object) -> int:
    """A TCP port number: an int from 1 to 65535.

    Parameters
    ----------
    port : object
        The port given.

    Returns
    -------
    int
        ``port``.

    Raises
    ------
    nldtib_forecast.InputError
        Anything else.

    Examples
    --------
    >>> check_port(5006)
    5006
    >>> check_port(70000)
    Traceback (most recent call last):
    ...
    nldtib_forecast.InputError: argument --port: must be a whole number from 1 to 65535, got 70000
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InputError(f"argument --port: must be a whole number from 1 to 65535, got "
                         f"{port!r}")
    return port


def _port_in_use(address: str, port: int) -> bool:
    """Whether ``port`` on ``address`` is taken (checked before the slow start-up)."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET,
                       socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((address, port))
        except OSError as err:
            return err.errno == errno.EADDRINUSE
    return False


def _in_use(address: str, port: int) -> InputError:
    return InputError(f"argument --port: port {port} on {address} is in use (another "
                      "explorer?); choose another with --port N")


def _quiet_logs() -> None:
    """Only the server's warnings and errors on stderr, not its per-request lines."""
    for name in ("bokeh", "tornado.access", "tornado.application", "panel"):
        logging.getLogger(name).setLevel(logging.WARNING)


def serve(survey: str | PathLike | None = None, population: str | PathLike | None = None, *,
          port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS, browser: bool = True,
          stream: TextIO | None = None) -> int:
    """Run the scenario explorer as a local web app until Ctrl-C.

    Parameters
    ----------
    survey : str or os.PathLike, optional
        Survey microdata instead of the synthetic survey (as ``--survey FILE``).
    population : str or os.PathLike, optional
        The frame counts to weight the respondents of ``survey`` (as ``--population``).
    port : int, default 5006
        The port (1-65535).
    address : str, default ``"127.0.0.1"``
        The address to listen on (``127.0.0.1``: this machine only).
    browser : bool, default True
        Open the page in the default web browser.
    stream : text stream, optional
        Where the address line goes (default: standard output).

    Returns
    -------
    int
        0 once stopped by Ctrl-C or SIGTERM.

    Raises
    ------
    nldtib_forecast.InputError
        An unreadable or invalid survey file, a port out of range or in use.
    ImportError
        Without the ``explore`` extra (Panel).

    See Also
    --------
    nldtib_forecast.explore.app : The same page in a notebook.
    """
    check_port(port)
    import panel as pn

    from nldtib_forecast.explore.page import ExplorerApp
    from nldtib_forecast.report.io import PROG

    out = sys.stdout if stream is None else stream
    if _port_in_use(address, port):
        raise _in_use(address, port)
    inputs = load_inputs(survey, population)
    inputs.outlook_for(DEFAULT_SEED)  # calibrated before the first page is asked for
    _quiet_logs()
    pn.extension(notifications=False)

    def page():
        return ExplorerApp(inputs).layout

    host = "localhost" if address in ("127.0.0.1", "::1") else address
    try:
        server = pn.serve({"/": page}, port=port, address=address, show=False, start=False,
                          title=TITLE, verbose=False, threaded=False,
                          websocket_origin=[f"{address}:{port}", f"{host}:{port}"])
    except OSError as err:
        if err.errno == errno.EADDRINUSE:  # taken since the check
            raise _in_use(address, port) from None
        raise
    url = f"http://{address}:{port}/"
    print(f"{PROG} explore: the scenario explorer runs at {url} (Ctrl-C stops it)",
          file=out, flush=True)
    if browser:
        server.io_loop.add_callback(lambda: webbrowser.open(url))
    server.start()
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print(f"{PROG} explore: stopped", file=out, flush=True)
    return 0
