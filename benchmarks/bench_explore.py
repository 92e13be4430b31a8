"""Benchmark: how fast the scenario explorer answers a moved lever, in a real browser.

The page (``nldtib-forecast explore``, served on 127.0.0.1) is loaded in headless Chromium
(Selenium with Debian's chromium-driver, as ``.ci/check_explore.py`` does); the procurement
lead time slider is moved with the keyboard ``--moves`` times, and each time the time from the
key press to the new policy effect on the page is measured in the browser
(``performance.now()``). That is the update a person waits for: the browser sends the new
value, the server recomputes the comparison (one future x current conditions and the policy,
``--draws`` draws, 2026-2035) and sends the new texts and chart data back, the page redraws.

Reported as a ratio to a baseline measured in the same run: the computation alone,
``nldtib_forecast.explore.compare`` of the same setting in this process (best of
``--repeats``). The ratio is what the web layer (Panel/Bokeh, the websocket, the browser) adds
on top of the model; the target is an update under 1 s at 1,000 draws on the 2-core machine.

Run from the repository root (needs the ``explore`` extra, Selenium, Chromium and
chromium-driver)::

    python benchmarks/bench_explore.py [--draws 1000] [--moves 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import statistics
import sys
import time
from pathlib import Path

from nldtib_forecast import __version__
from nldtib_forecast.explore import Setting, compare, policy_for
from nldtib_forecast.scenarios import builtin

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0


def _check_explore():
    """The browser driver of ``.ci/check_explore.py`` (the same measurement)."""
    spec = importlib.util.spec_from_file_location("check_explore",
                                                  ROOT / ".ci" / "check_explore.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compute_time(draws: int, repeats: int) -> float:
    """Best time of ``compare`` for the page's first setting with the lead time moved."""
    b = builtin()
    setting = Setting(b["baseline"], policy_for({"procurement_lead_time_months": 13},
                                                b["improved_conditions"]), n_draws=draws)
    compare(setting)  # warm-up: calibration (cached) and imports
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        compare(setting)
        best = min(best, time.perf_counter() - t0)
    return best


def browser_times(draws: int, moves: int) -> list[float]:
    ce = _check_explore()
    server = ce.Server(ce.free_port())
    driver = None
    try:
        url = server.wait(ce.START_TIMEOUT_S)
        driver = ce.browser()
        ce.load(driver, url)
        if draws != 1000:
            ce.type_level(driver, "draws", str(draws))  # the draws field, as a person types
        ce.measure(driver, 2)  # warm-up: the first updates compile the browser's code paths
        return ce.measure(driver, moves)
    finally:
        if driver is not None:
            driver.quit()
        code = server.interrupt()
        if code != 0:
            print(f"warning: the server exited with status {code}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    base = compute_time(args.draws, args.repeats)
    times = browser_times(args.draws, args.moves)
    median, worst = statistics.median(times), max(times)
    print(f"nldtib_forecast {__version__}; Python {platform.python_version()}; "
          f"{platform.machine()}; {args.draws:,} draws, {len(times)} slider moves")
    print("| step | time (s) | ratio to compare() |")
    print("| --- | --- | --- |")
    print(f"| compare() alone (baseline, best of {args.repeats}) | {base:.3f} | 1.00 |")
    print(f"| key press to new policy effect in Chromium, median | {median:.3f} | "
          f"{median / base:.2f} |")
    print(f"| key press to new policy effect in Chromium, max | {worst:.3f} | "
          f"{worst / base:.2f} |")
    verdict = "ok" if worst < TARGET_S else "over target"
    print(f"target: every update under {TARGET_S:.0f} s at 1,000 draws: {verdict}")
    return 0 if worst < TARGET_S or args.draws != 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
