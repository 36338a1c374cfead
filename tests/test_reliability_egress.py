"""C6: the egress guard of the test session really refuses outside connections, here and in child processes.

The guard itself lives in ``tests/egress_guard`` and is installed by ``tests/conftest.py``; because every
other test runs under it, the whole suite passing is the proof that no code path (rdflib, pySHACL, the JSON-LD
parser, the server) opens a socket beyond 127.0.0.1.  These tests prove that the guard is armed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EGRESS_LOG, ROOT
from tests.egress_guard import sitecustomize as egress

# TEST-NET-1 (RFC 5737): never routed, so even without the guard nothing would leave this machine.
OUTSIDE = ("192.0.2.1", 9)


def _forget_violations(n: int, size: int) -> None:
    """These tests cause violations on purpose; take them back out of the session's record."""
    del egress.violations[n:]
    with EGRESS_LOG.open("r+b") as fh:
        fh.truncate(size)


def _mark() -> tuple[int, int]:
    return len(egress.violations), (EGRESS_LOG.stat().st_size if EGRESS_LOG.exists() else 0)


def test_a_socket_to_an_outside_address_is_refused_and_recorded() -> None:
    n, size = _mark()
    try:
        with pytest.raises(egress.EgressBlocked), socket.socket() as s:
            s.settimeout(1)
            s.connect(OUTSIDE)
        assert "192.0.2.1" in egress.violations[-1]
    finally:
        _forget_violations(n, size)


def test_urllib_to_an_outside_host_is_refused_before_any_lookup() -> None:
    n, size = _mark()
    try:
        with pytest.raises(egress.EgressBlocked):
            urllib.request.urlopen("http://example.org/ctx.jsonld", timeout=1)
    finally:
        _forget_violations(n, size)


def test_loopback_stays_allowed() -> None:
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        with socket.create_connection(srv.getsockname(), timeout=2):
            pass
    assert egress.is_loopback_host("localhost") and egress.is_loopback_host("::1")
    assert egress.is_loopback_host("127.8.9.10") and not egress.is_loopback_host("10.0.0.1")


def test_child_python_processes_are_guarded_and_report_to_the_session_log(tmp_path: Path) -> None:
    n, size = _mark()
    code = ("import socket\ns = socket.socket()\ns.settimeout(1)\n"
            "try:\n    s.connect(('192.0.2.1', 9))\nexcept ConnectionRefusedError as e:\n    print('refused', e)\n")
    try:
        out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True,
                             timeout=30, cwd=ROOT)
        assert "egress guard" in out.stdout, out.stderr
        assert EGRESS_LOG.stat().st_size > size
        assert "192.0.2.1" in EGRESS_LOG.read_text(encoding="utf-8")[size:]
    finally:
        _forget_violations(n, size)
