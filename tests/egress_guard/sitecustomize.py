"""The egress guard (RELIABILITY C6): an audit hook that refuses any outside connection.

Installed in the test session by ``tests/conftest.py`` and, because this directory is put on ``PYTHONPATH``
as ``sitecustomize``, in every Python process the tests start (the gunicorn server, its query workers, the
CLI).  A ``socket.connect`` to anything but 127.0.0.0/8, ::1 or ``localhost``, and a ``urllib`` request to
any other host, raises :class:`EgressBlocked` and is appended to the file named by
``TESTS_EGRESS_LOG`` (so a violation that some code catches and hides is still seen by the session).
Standard library only: the query workers import it on start.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import traceback
import urllib.parse
from typing import Any

LOG_VAR = "TESTS_EGRESS_LOG"  # not GOVKG_*: tests/http_server.py passes those only as settings
_installed = False
violations: list[str] = []


class EgressBlocked(ConnectionRefusedError):
    """An attempt to reach beyond the loopback interface."""


def is_loopback_host(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    h = host.strip("[]").split("%", 1)[0].lower()
    if h in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _record(what: str) -> None:
    stack = "".join(traceback.format_stack(limit=12)[:-2])
    line = f"pid {os.getpid()}: {what}\n{stack}"
    violations.append(line)
    path = os.environ.get(LOG_VAR)
    if path:
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n----\n")
        except OSError:
            pass


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        family = getattr(sock, "family", None)
        if family not in (socket.AF_INET, socket.AF_INET6):
            return  # Unix sockets, netlink ...: not the network
        host = address[0] if isinstance(address, tuple) and address else address
        if not is_loopback_host(host):
            _record(f"socket.connect to {address!r}")
            raise EgressBlocked(f"egress guard: connection to {address!r} refused (tests talk to 127.0.0.1 only)")
    elif event == "urllib.Request":
        url = str(args[0])
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("file", "data"):
            return
        if not is_loopback_host(parts.hostname or ""):
            _record(f"urllib request to {url!r}")
            raise EgressBlocked(f"egress guard: request to {url!r} refused (tests talk to 127.0.0.1 only)")


def install() -> None:
    """Install the hook once per process (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


if os.environ.get(LOG_VAR):
    install()
