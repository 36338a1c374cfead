"""Kept-alive connections answered in the thread that answered their last request (``KEEPALIVE_LINGER_MS``).

gunicorn's ``gthread`` worker hands a kept-alive connection back to its main loop after every answer: the pool
thread's future completes, a callback wakes the main loop through a pipe, which registers the socket with its
poller again; when the next request arrives the loop unregisters it and submits it to the pool once more.  For a
client that sends its next request at once (a SPARQL client paging, a benchmark, a browser loading a page's parts)
that is two thread hand-offs, a pipe write and four poller calls per request, most of the HTTP stack's cost for a
lookup that the engine answers in ~70 µs (bench/RESULTS.md "Endpoint: one thread per busy connection").

:class:`LingeringWorker` keeps a connection in its pool thread for up to ``KEEPALIVE_LINGER_MS`` after an answer
that keeps it alive, waiting on that socket alone (no GIL held); a request that arrives meanwhile is answered in
the same thread.  When the wait ends empty the connection goes back to the main loop as before.  A thread lingers
only while at least two others of the pool are free, so connections waiting for a thread never wait on a lingering
one; nor while the worker is stopping or past ``max_requests``.
"""

from __future__ import annotations

import select
import threading
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

LINGER_S = [0.0]  # set by configure() in each worker process
SPARE_THREADS = 2  # a thread lingers only while this many others of the pool are free


def configure(linger_ms: float) -> None:
    """In a worker process, before its loop starts (gunicorn's ``post_fork``)."""
    LINGER_S[0] = max(0.0, linger_ms) / 1000


def readable(sock: Any, timeout_s: float) -> bool:
    """Whether ``sock`` has bytes to read (or was closed by the peer) within ``timeout_s``."""
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN | select.POLLPRI)
    try:
        return bool(poller.poll(timeout_s * 1000))
    except (OSError, ValueError):
        return False


class LingeringWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker that answers a kept-alive connection's next request in the same thread."""

    def init_process(self) -> None:
        self._busy = 0
        self._busy_lock = threading.Lock()
        super().init_process()

    def handle(self, conn: Any) -> Any:
        with self._busy_lock:
            self._busy += 1
        try:
            result = super().handle(conn)
            while result is True and self._may_linger(conn):
                if not conn.parser.unreader.buf.getvalue() and not readable(conn.sock, LINGER_S[0]):
                    break
                result = super().handle(conn)
            return result
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _may_linger(self, conn: Any) -> bool:
        return (LINGER_S[0] > 0 and self.alive and not conn.is_http2
                and self._busy + SPARE_THREADS <= self.cfg.threads)
