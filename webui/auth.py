"""Bearer tokens for writes: ``Authorization: Bearer <token>`` (see :mod:`graph.tokens`).

Reads are public.  A write without a valid token is answered 401 with ``WWW-Authenticate: Bearer``; a token
whose role does not allow the write gets 403.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app, request

from graph.tokens import TokenFile, TokenInfo, tokens_path
from webui.errors import ApiError

REALM = 'Bearer realm="govkg"'


def token_file() -> TokenFile:
    cfg = current_app.config
    tf = cfg.get("GOVKG_TOKEN_FILE")
    if tf is None:
        tf = TokenFile(tokens_path(cfg["STORE_PATH"], cfg["GOVKG"].get("TOKENS_FILE", "")))
        cfg["GOVKG_TOKEN_FILE"] = tf
    return tf


MAX_FAILURES = 8  # wrong tokens from one address within WINDOW_S; further attempts get 429 (RELIABILITY G7)
WINDOW_S = 60.0


class Failures:
    """Recent wrong-token attempts per client address (this process; the server has one store-owning worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def wait(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        now = time.monotonic()
        with self._lock:
            q = self._seen.get(key)
            while q and now - q[0] > WINDOW_S:
                q.popleft()
            if not q:
                self._seen.pop(key, None)
                return 0
            return int(WINDOW_S - (now - q[0])) + 1 if len(q) >= MAX_FAILURES else 0

    def add(self, key: str) -> None:
        with self._lock:
            self._seen.setdefault(key, deque()).append(time.monotonic())


def check_secret(secret: str) -> TokenInfo | None:
    """The token of ``secret`` (compared in constant time), or None; after MAX_FAILURES wrong secrets from one
    address within WINDOW_S seconds, every attempt from it is answered 429 with ``Retry-After`` until the window
    passes, a right token included (no oracle while locked)."""
    failures: Failures = current_app.config.setdefault("GOVKG_AUTH_FAILURES", Failures())
    key = request.remote_addr or "?"
    wait = failures.wait(key)
    if wait:
        raise ApiError(429, f"too many wrong tokens from this address; try again in {wait} s",
                       {"Retry-After": str(wait)})
    info = token_file().check(secret)
    if info is None:
        failures.add(key)
    return info


def require(role: str) -> TokenInfo:
    """The token of the request, if its role includes ``role``; else a 401 or 403."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "writes need a token: send 'Authorization: Bearer <token>' "
                            "(create one with 'govkg token create')", {"WWW-Authenticate": REALM})
    info = check_secret(secret.strip())
    if info is None:
        raise ApiError(401, "the token is not valid (unknown or revoked)",
                       {"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    if not info.allows(role):
        raise ApiError(403, f"the token {info.name!r} has the role {info.role}; this needs {role}")
    return info
