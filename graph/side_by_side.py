"""Independent reads of one page run side by side: the calling thread and one more take them in turn.

pyoxigraph lets go of the GIL while it evaluates a query and while it hands out rows, so two of a page's queries
on two threads take about half the time of one after the other (a hub's facts at 1M: 137 -> 74 ms for two runs
of one label scan).  One more thread per page, not a pool: the server's processes already share the machine's
cores among requests, and a page that waits on a pool shared by every request would wait on other pages.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

#: Threads that read one page (the caller among them); 1 reads everything on the caller's thread.
THREADS = 2 if (os.cpu_count() or 1) > 1 else 1


def run_all(calls: Sequence[Callable[[], Any]], threads: int | None = None) -> list[Any]:
    """The results of ``calls`` in their order, taken in turn by the calling thread and ``threads - 1`` others
    (the first exception raised is raised here, after every thread has stopped)."""
    n = min(THREADS if threads is None else threads, len(calls))
    if n <= 1:
        return [c() for c in calls]
    out: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []
    lock = threading.Lock()
    nxt = [0]

    def work() -> None:
        while True:
            with lock:
                if errors or nxt[0] >= len(calls):
                    return
                i = nxt[0]
                nxt[0] += 1
            try:
                out[i] = calls[i]()
            except BaseException as e:  # handed to the caller
                with lock:
                    errors.append(e)
                return

    others = [threading.Thread(target=work, name="govkg-page", daemon=True) for _ in range(n - 1)]
    for t in others:
        t.start()
    work()
    for t in others:
        t.join()
    if errors:
        raise errors[0]
    return out
