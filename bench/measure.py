"""Timing with a budget: repeat a call until enough samples or the time is spent, and summarise."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from typing import Any


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def samples(fn: Callable[[], Any], reps: int, budget_s: float, warmup: int = 1) -> dict[str, Any]:
    """Run ``fn`` ``warmup`` times untimed-as-sample, then up to ``reps`` times within ``budget_s`` seconds.

    Returns ``{"samples": [seconds...], "cold": seconds of the first call, "rows": the last result}``; at least
    one timed sample is taken unless the warm-up alone used the budget (then the cold time is the only one).
    """
    start = time.perf_counter()
    cold, out = timed(fn)
    for _ in range(warmup - 1):
        if time.perf_counter() - start > budget_s:
            break
        _, out = timed(fn)
    got: list[float] = []
    while len(got) < reps and (not got or time.perf_counter() - start < budget_s):
        if time.perf_counter() - start > budget_s and not got:
            break
        dt, out = timed(fn)
        got.append(dt)
    return {"samples": got or [cold], "cold": cold, "rows": out}


def p50(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0]
    s = sorted(xs)
    k = min(len(s) - 1, max(0, round(0.95 * (len(s) - 1))))
    return s[k]


def p99(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0]
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.99 * (len(s) - 1)))]
