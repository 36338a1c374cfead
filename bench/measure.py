"""Timing with a budget: repeat a call until enough samples or the time is spent, and summarise."""

from __future__ import annotations

import resource
import signal
import statistics
import time
from collections.abc import Callable
from typing import Any


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """This process's resident set size now, in MB (0 where /proc is not there)."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


class OverBudget(Exception):
    """A single run went past the measure's time budget."""


def _alarm(signum: int, frame: Any) -> None:
    raise OverBudget


def samples(fn: Callable[[], Any], reps: int, budget_s: float, warmup: int = 1) -> dict[str, Any]:
    """Run ``fn`` ``warmup`` times (the first is reported as ``cold``), then up to ``reps`` timed times, all within
    ``budget_s`` seconds.

    A run still going when the budget ends is interrupted (SIGALRM; native code is stopped when it next returns
    to Python).  Returns ``{"samples": [seconds...], "cold": seconds or None, "rows": the last result}``, plus
    ``"over_budget": budget_s`` when not a single timed run finished: then ``samples`` is empty.
    """
    start = time.perf_counter()
    got: list[float] = []
    cold: float | None = None
    out: Any = None
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, budget_s)
    try:
        for i in range(warmup):
            dt, out = timed(fn)
            cold = dt if i == 0 else cold
        while len(got) < reps and (not got or time.perf_counter() - start < budget_s):
            dt, out = timed(fn)
            got.append(dt)
    except OverBudget:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    res: dict[str, Any] = {"samples": got, "cold": cold, "rows": out}
    if not got:
        res["over_budget"] = budget_s
    return res


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
