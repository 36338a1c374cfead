"""Request limits: URL length (414), body size (413), and per-client concurrency (429 with Retry-After).

A client is its address and its ``User-Agent`` (as the Wikidata Query Service counts them), so one
script flooding the endpoint does not lock out a person at the same address.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, request

from webui.errors import ApiError

RETRY_AFTER_S = 2
QUEUE_WAIT_S = 1.0  # how long a client's request beyond CLIENT_CONCURRENCY waits for one of its own to end
QUEUE_FACTOR = 4  # how many may wait so, per slot
BODY_READ_TIMEOUT_S = 30.0


def _shut_reading(sock: socket.socket, fired: threading.Event) -> None:
    fired.set()
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass


def init_app(app: Flask) -> None:
    @app.before_request
    def _url_limit() -> None:
        limit = int(current_app.config["GOVKG"]["MAX_URL_BYTES"])
        target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
        if len(target) > limit:
            raise ApiError(414, f"the request target is longer than MAX_URL_BYTES={limit} bytes; "
                                "send the query in a POST body")


def read_body(limit: int, setting: str) -> bytes:
    """The request body, at most ``limit`` bytes (also for chunked bodies without a length), else 413."""
    n = request.content_length
    if n is not None and n > limit:
        raise ApiError(413, f"the request body is larger than {setting}={limit} bytes")
    # Slowloris (RELIABILITY B8): gunicorn has no read timeout for a body, so a client sending 1 byte a second
    # would hold a request thread for ever.  A timer shuts the socket's reading side at BODY_READ_TIMEOUT_S.
    sock = request.environ.get("gunicorn.socket")
    fired = threading.Event()
    timer = threading.Timer(BODY_READ_TIMEOUT_S, _shut_reading, (sock, fired)) if sock is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        data = request.stream.read(limit + 1)
    except Exception as e:  # the reader's own error once the socket was shut
        if fired.is_set():
            raise ApiError(408, f"the request body did not arrive within {BODY_READ_TIMEOUT_S} seconds",
                           {"Connection": "close"}) from e
        raise
    finally:
        if timer is not None:
            timer.cancel()
    if fired.is_set() and (n is None or len(data) < n):
        raise ApiError(408, f"the request body did not arrive within {BODY_READ_TIMEOUT_S} seconds",
                       {"Connection": "close"})
    if len(data) > limit:
        raise ApiError(413, f"the request body is larger than {setting}={limit} bytes")
    return data


class ClientSlots:
    """Counts requests in flight per client.  Beyond ``limit``, a request waits in the client's small queue
    (at most ``QUEUE_FACTOR * limit`` waiting, each at most ``QUEUE_WAIT_S``) for one of the client's own
    queries to end; a full queue or a wait that runs out gets 429.  A browser's burst (the query editor sends its
    autocompletion queries with the query) is served; a flood is still refused within ``QUEUE_WAIT_S``, and a
    waiting request never holds a query worker, so other clients are served meanwhile."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._busy: dict[tuple[str, str], int] = {}
        self._waiting: dict[tuple[str, str], int] = {}

    @staticmethod
    def client() -> tuple[str, str]:
        return (request.remote_addr or "", request.headers.get("User-Agent", "")[:200])

    @contextmanager
    def slot(self, limit: int, key: tuple[str, str] | None = None) -> Iterator[None]:
        """A slot of the request's client (``key``: given, for a caller without a Flask request)."""
        key = key or self.client()
        with self._lock:
            if self._busy.get(key, 0) >= limit:
                self._wait(key, limit)
            self._busy[key] = self._busy.get(key, 0) + 1
        try:
            yield
        finally:
            self._release(key)

    def _release(self, key: tuple[str, str]) -> None:
        """One of ``key``'s slots is free again; waiters are woken."""
        with self._lock:
            left = self._busy.get(key, 1) - 1
            if left <= 0:
                self._busy.pop(key, None)
            else:
                self._busy[key] = left
            self._freed.notify_all()

    def _wait(self, key: tuple[str, str], limit: int) -> None:
        """Under the lock: wait for a slot of this client, or raise 429."""
        waiting = self._waiting.get(key, 0)
        if waiting < QUEUE_FACTOR * limit:
            self._waiting[key] = waiting + 1
            deadline = time.monotonic() + QUEUE_WAIT_S
            try:
                while self._busy.get(key, 0) >= limit and (left := deadline - time.monotonic()) > 0:
                    self._freed.wait(left)
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
            if self._busy.get(key, 0) < limit:
                return
        n = self._busy.get(key, 0)
        raise ApiError(429, f"this client already runs {n} queries (CLIENT_CONCURRENCY={limit}); "
                            "wait for them to finish", {"Retry-After": str(RETRY_AFTER_S)})

    def in_flight(self) -> int:
        with self._lock:
            return sum(self._busy.values())
