"""Benchmark: the CPU time of the whole test suite (the README's ``python -m pytest``).

The budget is 90 s of CPU (user + system, child processes included) on a quiet 2-core machine
(issue 14, item 7). CPU time, not wall time: it does not depend on the number of cores or
on pytest-xdist, and less on other jobs than wall time does. To compare machines, the suite's
CPU is reported as a ratio to a fixed workload measured in the same run (``BASELINE_CODE``:
numpy, pandas and plain Python in one process, about 1.2 s of CPU); the budget is
``TARGET_RATIO`` = 90 s / the baseline on the development machine. The script exits with
status 1 when the suite is over budget, and lists the tests that cost the most CPU (from
``--cpu-durations``, tests/conftest.py), so that a new slow test shows up at once.

Run from the repository root, on a machine without other jobs::

    python benchmarks/bench_suite.py                 # the whole suite (several minutes)
    python benchmarks/bench_suite.py --top 40        # list 40 tests
    python benchmarks/bench_suite.py -- tests/models # a part of the suite (no budget check)
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time

#: CPU seconds the whole suite may take on the reference machine (quiet, 2 cores).
BUDGET_SECONDS = 90.0
#: BASELINE_CODE's CPU time on the development machine (2 CPUs, x86_64, Python 3.11.7,
#: numpy 2.4, pandas 3.1), best of 3; the target ratio follows from it.
REFERENCE_BASELINE_SECONDS = 1.2
TARGET_RATIO = BUDGET_SECONDS / REFERENCE_BASELINE_SECONDS

#: A fixed single-process workload of the kind the suite runs: pandas group-bys, small dense
#: linear algebra and plain Python.
BASELINE_CODE = """
import numpy as np, pandas as pd
rng = np.random.default_rng(0)
df = pd.DataFrame({"g": rng.integers(0, 50, 200_000), "x": rng.normal(size=200_000)})
for _ in range(30):
    df.groupby("g")["x"].agg(["mean", "std", "sum"])
a = rng.normal(size=(60, 60)) + 60 * np.eye(60)
for _ in range(3000):
    np.linalg.solve(a, a[:, 0])
s = 0
for i in range(8_000_000):
    s += i % 7
"""


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict | None = None
          ) -> tuple[float, float, subprocess.CompletedProcess]:
    """(CPU seconds, wall seconds, completed process) of one command, with its children."""
    cpu0, wall0 = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return children_cpu() - cpu0, time.perf_counter() - wall0, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=20, help="tests to list (default 20)")
    parser.add_argument("--repeats", type=int, default=3, help="baseline runs (best of)")
    parser.add_argument("pytest_args", nargs="*",
                        help="arguments for pytest after '--' (default: the whole suite)")
    args = parser.parse_args()

    baseline = min(timed([sys.executable, "-c", BASELINE_CODE])[0]
                   for _ in range(args.repeats))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           f"--cpu-durations={args.top}", *args.pytest_args]
    cpu, wall, proc = timed(cmd, env={**os.environ, "MPLBACKEND": "Agg"})
    baseline = min(baseline, timed([sys.executable, "-c", BASELINE_CODE])[0])

    lines = proc.stdout.splitlines()
    first = next((i for i, line in enumerate(lines) if "CPU time of the" in line), len(lines))
    last = next((i for i, line in enumerate(lines) if line.startswith("CPU: ")), first - 1)
    summary = [line for line in lines if re.search(r"\b(passed|failed|error)", line)]
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}; "
          f"{' '.join(cmd[1:])}")
    print("\n".join(lines[first:last + 1]))
    print(summary[-1] if summary else proc.stdout[-2000:] + proc.stderr[-2000:])
    ratio = cpu / baseline
    print("| measure | seconds | ratio to baseline |")
    print("| --- | --- | --- |")
    print(f"| baseline workload (best of {args.repeats + 1}) | {baseline:.2f} | 1 |")
    print(f"| test suite, CPU (user + system, with children) | {cpu:.1f} | {ratio:.1f} |")
    print(f"| test suite, wall | {wall:.1f} | |")
    print(f"| budget: {BUDGET_SECONDS:.0f} s on the reference machine | "
          f"{TARGET_RATIO * baseline:.1f} here | {TARGET_RATIO:.1f} |")
    if proc.returncode:
        # which tests (pytest's short summary, ``-ra``): rerun them to see why
        failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
        print("\n".join([f"the suite failed (exit {proc.returncode})", *failed]),
              file=sys.stderr)
        return 1
    if args.pytest_args:
        return 0  # a part of the suite: no budget
    if ratio > TARGET_RATIO:
        print(f"over budget: {ratio:.1f} x the baseline > {TARGET_RATIO:.1f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
