"""``python -m nldtib_forecast``: the ``nldtib-forecast`` command."""

from nldtib_forecast.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
