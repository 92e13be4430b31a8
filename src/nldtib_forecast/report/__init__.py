"""The report: what ``nldtib-forecast run`` and ``report`` write (private package).

:mod:`~nldtib_forecast.report.run`
    reads and checks the inputs (:func:`~nldtib_forecast.report.run.load_run_spec`) and builds
    the report (:func:`~nldtib_forecast.report.run.build_report`): tables, charts, the
    workbook, the HTML page, ``README.txt`` and ``manifest.json``
:mod:`~nldtib_forecast.report.tables`, :mod:`~nldtib_forecast.report.html`
    the tables and the HTML page
:mod:`~nldtib_forecast.report.audit`
    the joint disclosure audit of every additive figure the report publishes
:mod:`~nldtib_forecast.report.dutch_texts`
    the written Dutch of the data sources, the notes of the published figures and the
    model's description, for a Dutch report (``--lang nl``)
:mod:`~nldtib_forecast.report.io`
    writers that cannot run code, atomic files and directories, the output lock, signals
    (:func:`~nldtib_forecast.report.io.write_table_file`,
    :func:`~nldtib_forecast.report.io.write_directory`,
    :class:`~nldtib_forecast.report.io.SignalGuard`, ...)

The command line (:mod:`nldtib_forecast.cli`) parses arguments and calls these. Numbers are
formatted for display by :mod:`nldtib_forecast._format`.
"""

import importlib

__all__ = ["run", "tables", "html", "audit", "io", "dutch_texts"]


def __getattr__(name: str) -> object:  # the modules, imported on first use
    if name in __all__:
        return importlib.import_module(f"nldtib_forecast.report.{name}")
    raise AttributeError(f"module 'nldtib_forecast.report' has no attribute {name!r}")


def __dir__() -> list[str]:  # the modules of the package
    return sorted(__all__)
