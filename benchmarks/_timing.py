"""Shared timing helper of the benchmarks (run them from the repository root, e.g.
``python benchmarks/bench_weighting.py``; this folder is then on ``sys.path``)."""

from __future__ import annotations

import time

import numpy as np


def best_time(func, repeats: int) -> float:
    """Best wall-clock time of ``repeats`` calls after one warm-up call."""
    func()
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best
