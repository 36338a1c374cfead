"""Even spread of kept-alive connections over the processes of ``govkg serve`` (``SERVING_PROCESSES`` above 1).

All processes accept on one public socket, and the kernel wakes them all for a new connection: the one that runs
first takes it, so the 8 kept-alive connections of a benchmark client landed 4/3/1, 5/2/1 or even 6/2 on 3
processes, and the process holding most of them set the tail (p99 12.8 ms with at most 3 in one process, 14.1 with 4,
16.6 with 5, 16-18 with 6-7: bench/RESULTS.md "Endpoint: tail latency").  :class:`BalancedWorker` is gunicorn's
``gthread`` worker that publishes how many connections it holds (one small file per process in the run's
directory) and, when it holds more than another live process, leaves a new public connection to the others for
``ACCEPT_YIELD_MS`` (20): it stops polling the public socket that long.  If a connection is still waiting after
that, it takes one anyway (the next is weighed again), so a busy or stuck sibling delays a new connection by that
much at most.  The private socket of the primary is never held back.
"""

from __future__ import annotations

import os
import selectors
import socket
import threading
import time
from pathlib import Path
from typing import Any

from graph.store.snapshots import alive
from webui.lingering import LingeringWorker

COUNTS: list[Path] = []  # the run's directory of per-process connection counts (set by configure)
YIELD_S = [0.02]  # how long a process holding more connections than a sibling leaves a new one to the others


def configure(directory: Path, yield_s: float) -> None:
    """In a worker process, before its loop starts (gunicorn's ``post_fork``)."""
    COUNTS[:] = [directory]
    YIELD_S[0] = yield_s


class BalancedWorker(LingeringWorker):
    """gunicorn's ``gthread`` worker (lingering on busy connections: :mod:`webui.lingering`) that leaves new
    public connections to a sibling holding fewer."""

    def init_process(self) -> None:
        self._paused: list[Any] = []
        self._resume_at = 0.0
        self._take_until = 0.0  # after a pause: take a waiting connection whatever the counts say
        self._published = -1
        self._fd: int | None = None
        if COUNTS:
            COUNTS[0].mkdir(exist_ok=True)
            self._fd = os.open(COUNTS[0] / str(os.getpid()), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        super().init_process()

    def notify(self) -> None:  # once per turn of the worker's loop
        super().notify()
        self._publish()
        if self._paused and time.monotonic() >= self._resume_at:
            self._resume()

    def _publish(self) -> None:
        if self._fd is not None and self.nr_conns != self._published:
            self._published = self.nr_conns
            os.pwrite(self._fd, b"%12d" % self.nr_conns, 0)

    def accept(self, listener: Any) -> None:
        now = time.monotonic()
        if (self._fd is not None and now >= self._take_until and getattr(listener, "FAMILY", None) != socket.AF_UNIX
                and self._holds_more()):
            self.poller.unregister(listener)
            self._paused.append(listener)
            self._resume_at, self._take_until = now + YIELD_S[0], now + 2 * YIELD_S[0]
            timer = threading.Timer(YIELD_S[0], self.method_queue.defer, (lambda: None,))  # wake the loop then
            timer.daemon = True
            timer.start()
            return
        self._take_until = 0.0  # one taken after a pause: the next one is weighed again
        super().accept(listener)
        self._publish()

    def set_accept_enabled(self, enabled: bool) -> None:
        self._resume()
        super().set_accept_enabled(enabled)

    def _resume(self) -> None:
        paused, self._paused = self._paused, []
        if self._accepting:
            for listener in paused:
                self.poller.register(listener, selectors.EVENT_READ, self.accept)

    def _holds_more(self) -> bool:
        """Whether a live sibling holds fewer connections than this process."""
        assert COUNTS
        mine, me = self.nr_conns, str(os.getpid())
        for entry in os.scandir(COUNTS[0]):
            if entry.name == me or not entry.name.isdigit():
                continue
            if not alive(int(entry.name)):
                Path(entry.path).unlink(missing_ok=True)
                continue
            try:
                raw = Path(entry.path).read_bytes()
            except OSError:
                continue
            if raw.strip() and int(raw) < mine:  # none yet: a process still loading its app, not accepting
                return True
        return False
