"""Defaults that the API and the command line share, in a module that imports nothing.

The command's ``--help``, ``--version`` and usage errors load no numpy or pandas
(tests/test_startup.py), so its parser takes these values from here; the modules that document
them (:mod:`nldtib_forecast.simulation`, :mod:`nldtib_forecast.report.io`) take them from here
too, so there is one place for each value.
"""

#: The command's name, in messages.
PROG = "nldtib-forecast"
#: Monte Carlo draws per scenario unless given (documented as
#: :data:`nldtib_forecast.simulation.DEFAULT_N_DRAWS`).
DEFAULT_N_DRAWS = 1000
#: Seed unless given (documented as :data:`nldtib_forecast.simulation.DEFAULT_SEED`).
DEFAULT_SEED = 0
